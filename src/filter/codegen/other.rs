//! Link-specific primitives: `llc`, PF (`ifname`, `rnr`, `reason`, `action`…), 802.11
//! `type`/`subtype`/`dir`, ATM (`vpi`, `vci`, `lane`, `oam`…), SS7 MTP2/MTP3 (`fisu`, `sio`,
//! `opc`…), `inbound`/`outbound` and `ifindex`.

use super::link::{is_80211, is_juniper};
use super::{bail, Context, Gen, Rel, Result};
use crate::bpf;
use crate::filter::ast::{AtmField, AtmKeyword as Atm, Mtp2Type as Mtp2, Mtp3Field as Mtp3, RelOp};
use crate::filter::ir::{Cond, Frag, Size};
use crate::filter::resolve::Llc;
use crate::linktype::Linktype;
use crate::wire::sll;

/// SunATM protocol types.
pub(crate) const PT_LANE: u32 = 0x01;
pub(crate) const PT_LLC: u32 = 0x02;

/// Q.2931 message types.
const SETUP: u32 = 0x05;
const CALL_PROCEED: u32 = 0x02;
const CONNECT: u32 = 0x07;
const CONNECT_ACK: u32 = 0x0f;
const RELEASE: u32 = 0x4d;
const RELEASE_DONE: u32 = 0x5a;
const MSG_TYPE_POS: u32 = 5;

/// The comparison of a `vpi`/`vci`/MTP3 field value. libpcap 1.10.3 honours the negation
/// only of `<` and `<=`: `!=` compiles as `=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct FieldCmp {
    /// The jump.
    pub cond: Cond,
    /// Whether the operator was one of `<=`, `<`, `!=`.
    pub reverse: bool,
}

impl FieldCmp {
    /// `=`
    pub const EQ: FieldCmp = FieldCmp {
        cond: Cond::Eq,
        reverse: false,
    };
}

impl From<RelOp> for FieldCmp {
    fn from(op: RelOp) -> FieldCmp {
        let (cond, reverse) = super::arith::relop_jump(op);
        FieldCmp { cond, reverse }
    }
}

impl Gen {
    // ---- llc ------------------------------------------------------------------------------

    fn llc_internal(&mut self) -> Result<Frag> {
        let lt = self.linktype;
        match lt {
            Linktype::EN10MB => {
                let b0 = self.cmp_gt(Rel::LinkType, 0, Size::H, super::link::ETHERMTU)?;
                let b0 = self.not(b0);
                let b1 = self.cmp(Rel::Llc, 0, Size::H, 0xffff)?;
                let b1 = self.not(b1);
                Ok(self.and(b0, b1))
            }
            Linktype::SUNATM => {
                let b = self.atm_prototype(PT_LLC)?;
                self.linktype = self.prevlinktype;
                Ok(b)
            }
            Linktype::IEEE802 | Linktype::FDDI | Linktype::ATM_RFC1483 => Ok(self.gen_true()),
            _ if is_80211(lt) => self.check_802_11_data_frame(),
            _ => bail!(
                UnsupportedLinktype,
                "'llc' not supported for {}",
                Gen::describe(lt)
            ),
        }
    }

    /// `llc [i|s|u|subtype]`
    pub fn llc(&mut self, which: Llc) -> Result<Frag> {
        let b0 = self.llc_internal()?;
        let b1 = match which {
            Llc::Any => return Ok(b0),
            Llc::I => {
                let b = self.jset(Rel::Llc, 2, Size::B, 0x01)?;
                self.not(b)
            }
            Llc::S => self.mcmp(Rel::Llc, 2, Size::B, 0x01, 0x03)?,
            Llc::U => self.mcmp(Rel::Llc, 2, Size::B, 0x03, 0x03)?,
            Llc::SSubtype(v) => self.mcmp(Rel::Llc, 2, Size::B, u32::from(v), 0x0f)?,
            Llc::USubtype(v) => self.mcmp(Rel::Llc, 2, Size::B, u32::from(v), 0xef)?,
        };
        Ok(self.and(b0, b1))
    }

    // ---- PF -------------------------------------------------------------------------------

    fn pflog_only(&self, kw: &str) -> Result<()> {
        if self.linktype != Linktype::PFLOG {
            bail!(UnsupportedLinktype, "{kw} supported only on PF linktype");
        }
        Ok(())
    }

    /// `on|ifname NAME` (PFLOG).
    pub fn pf_ifname(&mut self, name: &str) -> Result<Frag> {
        self.pflog_only("ifname")?;
        if name.len() >= 16 {
            bail!(
                OutOfRange,
                "ifname interface names can only be 15 characters"
            );
        }
        self.bcmp(Rel::LinkHdr, 4, name.as_bytes())
    }

    /// `rset|ruleset NAME` (PFLOG).
    pub fn pf_ruleset(&mut self, name: &str) -> Result<Frag> {
        self.pflog_only("ruleset")?;
        if name.len() >= 16 {
            bail!(OutOfRange, "ruleset names can only be 15 characters");
        }
        self.bcmp(Rel::LinkHdr, 20, name.as_bytes())
    }

    /// `rnr|rulenum N`, `srnr|subrulenum N`, `reason N`, `action N` (PFLOG): `(keyword,
    /// offset, size)` of the header field.
    pub fn pf_field(&mut self, kw: &str, offset: u32, size: Size, v: u32) -> Result<Frag> {
        self.pflog_only(kw)?;
        self.cmp(Rel::LinkHdr, offset, size, v)
    }

    // ---- 802.11 ---------------------------------------------------------------------------

    /// `type T [subtype S]` / `subtype S`: frame-control byte & `mask` == `value`.
    pub fn p80211_type(&mut self, value: u32, mask: u32) -> Result<Frag> {
        match self.linktype {
            Linktype::IEEE802_11
            | Linktype::PRISM_HEADER
            | Linktype::IEEE802_11_RADIO_AVS
            | Linktype::IEEE802_11_RADIO => self.mcmp(Rel::LinkHdr, 0, Size::B, value, mask),
            _ => bail!(
                UnsupportedLinktype,
                "802.11 link-layer types supported only on 802.11"
            ),
        }
    }

    /// `dir N`: the To-DS/From-DS bits.
    pub fn p80211_dir(&mut self, dir: u32) -> Result<Frag> {
        match self.linktype {
            Linktype::IEEE802_11
            | Linktype::PRISM_HEADER
            | Linktype::IEEE802_11_RADIO_AVS
            | Linktype::IEEE802_11_RADIO => self.mcmp(Rel::LinkHdr, 1, Size::B, dir, 0x03),
            _ => bail!(
                UnsupportedLinktype,
                "frame direction supported only with 802.11 headers"
            ),
        }
    }

    // ---- ATM ------------------------------------------------------------------------------

    /// The SunATM protocol-type nibble (libpcap's `A_PROTOTYPE` field).
    pub(crate) fn atm_prototype(&mut self, v: u32) -> Result<Frag> {
        self.ncmp(
            Rel::LinkHdr,
            self.off_proto,
            Size::B,
            0x0f,
            Cond::Eq,
            false,
            v,
        )
    }

    fn atm_vpi(&mut self, v: u32, c: FieldCmp) -> Result<Frag> {
        if !self.is_atm {
            bail!(UnsupportedLinktype, "'vpi' supported only on raw ATM");
        }
        self.ncmp(
            Rel::LinkHdr,
            self.off_vpi,
            Size::B,
            0xffff_ffff,
            c.cond,
            c.reverse,
            v,
        )
    }

    fn atm_vci(&mut self, v: u32, c: FieldCmp) -> Result<Frag> {
        if !self.is_atm {
            bail!(UnsupportedLinktype, "'vci' supported only on raw ATM");
        }
        self.ncmp(
            Rel::LinkHdr,
            self.off_vci,
            Size::H,
            0xffff_ffff,
            c.cond,
            c.reverse,
            v,
        )
    }

    fn atm_msgtype(&mut self, v: u32) -> Result<Frag> {
        let off = self.off_payload.wrapping_add(MSG_TYPE_POS);
        self.ncmp(Rel::LinkHdr, off, Size::B, 0xffff_ffff, Cond::Eq, false, v)
    }

    /// `vpi`/`vci` compared with a value.
    pub(crate) fn atm_field(&mut self, field: AtmField, v: u32, c: FieldCmp) -> Result<Frag> {
        match field {
            AtmField::Vpi => self.atm_vpi(v, c),
            AtmField::Vci => self.atm_vci(v, c),
        }
    }

    fn vpi_vci(&mut self, vpi: u32, vci: u32) -> Result<Frag> {
        let b0 = self.atm_vpi(vpi, FieldCmp::EQ)?;
        let b1 = self.atm_vci(vci, FieldCmp::EQ)?;
        Ok(self.and(b0, b1))
    }

    /// An ATM abbreviation (libpcap's `gen_atmtype_abbrev` and `gen_atmmulti_abbrev`).
    pub fn atm(&mut self, which: Atm) -> Result<Frag> {
        // libpcap's messages say 'oam4ec' and 'oam4sc' for oamf4ec and oamf4sc.
        let name = match which {
            Atm::Oamf4ec => "oam4ec",
            Atm::Oamf4sc => "oam4sc",
            other => other.as_str(),
        };
        if !self.is_atm {
            bail!(UnsupportedLinktype, "'{name}' supported only on raw ATM");
        }
        match which {
            Atm::Metac => self.vpi_vci(0, 1),
            Atm::Bcc => self.vpi_vci(0, 2),
            Atm::Oamf4sc => self.vpi_vci(0, 3),
            Atm::Oamf4ec => self.vpi_vci(0, 4),
            Atm::Sc => self.vpi_vci(0, 5),
            Atm::Ilmic => self.vpi_vci(0, 16),
            Atm::Lane => {
                let b1 = self.atm_prototype(PT_LANE)?;
                let base = self.off_payload.wrapping_add(2);
                self.push_linkhdr(Linktype::EN10MB, false, base, None);
                self.off_linktype.constant_part = base.wrapping_add(12);
                self.off_linkpl.constant_part = base.wrapping_add(14);
                self.off_nl = 0;
                self.off_nl_nosnap = 3;
                Ok(b1)
            }
            Atm::Oam | Atm::Oamf4 => {
                let b0 = self.atm_vci(3, FieldCmp::EQ)?;
                let b1 = self.atm_vci(4, FieldCmp::EQ)?;
                let b1 = self.or(b0, b1);
                let b0 = self.atm_vpi(0, FieldCmp::EQ)?;
                Ok(self.and(b0, b1))
            }
            Atm::Connectmsg | Atm::Metaconnect => {
                let msgs: &[u32] = if which == Atm::Connectmsg {
                    &[
                        SETUP,
                        CALL_PROCEED,
                        CONNECT,
                        CONNECT_ACK,
                        RELEASE,
                        RELEASE_DONE,
                    ]
                } else {
                    &[SETUP, CALL_PROCEED, CONNECT, RELEASE, RELEASE_DONE]
                };
                let b0 = self.atm_msgtype(msgs[0])?;
                let mut b1 = self.atm_msgtype(msgs[1])?;
                b1 = self.or(b0, b1);
                for &m in &msgs[2..] {
                    let b0 = self.atm_msgtype(m)?;
                    b1 = self.or(b0, b1);
                }
                let b0 = if which == Atm::Connectmsg {
                    self.vpi_vci(0, 5)?
                } else {
                    self.vpi_vci(0, 1)?
                };
                Ok(self.and(b0, b1))
            }
        }
    }

    // ---- MTP ------------------------------------------------------------------------------

    /// An MTP2 signal-unit type (libpcap's `gen_mtp2type_abbrev`).
    pub fn mtp2(&mut self, which: Mtp2) -> Result<Frag> {
        if !matches!(
            self.linktype,
            Linktype::MTP2 | Linktype::ERF | Linktype::MTP2_WITH_PHDR
        ) {
            match which {
                Mtp2::Fisu => bail!(UnsupportedLinktype, "'fisu' supported only on MTP2"),
                Mtp2::Lssu => bail!(UnsupportedLinktype, "'lssu' supported only on MTP2"),
                Mtp2::Msu => bail!(UnsupportedLinktype, "'msu' supported only on MTP2"),
                Mtp2::Hfisu => bail!(UnsupportedLinktype, "'hfisu' supported only on MTP2_HSL"),
                Mtp2::Hlssu => bail!(UnsupportedLinktype, "'hlssu' supported only on MTP2_HSL"),
                Mtp2::Hmsu => bail!(UnsupportedLinktype, "'hmsu' supported only on MTP2_HSL"),
            }
        }
        let (li, hsl) = (self.off_li, self.off_li_hsl);
        match which {
            Mtp2::Fisu => self.ncmp(Rel::Packet, li, Size::B, 0x3f, Cond::Eq, false, 0),
            Mtp2::Lssu => {
                let b0 = self.ncmp(Rel::Packet, li, Size::B, 0x3f, Cond::Gt, true, 2)?;
                let b1 = self.ncmp(Rel::Packet, li, Size::B, 0x3f, Cond::Gt, false, 0)?;
                Ok(self.and(b1, b0))
            }
            Mtp2::Msu => self.ncmp(Rel::Packet, li, Size::B, 0x3f, Cond::Gt, false, 2),
            Mtp2::Hfisu => self.ncmp(Rel::Packet, hsl, Size::H, 0xff80, Cond::Eq, false, 0),
            Mtp2::Hlssu => {
                let b0 = self.ncmp(Rel::Packet, hsl, Size::H, 0xff80, Cond::Gt, true, 0x0100)?;
                let b1 = self.ncmp(Rel::Packet, hsl, Size::H, 0xff80, Cond::Gt, false, 0)?;
                Ok(self.and(b1, b0))
            }
            Mtp2::Hmsu => self.ncmp(Rel::Packet, hsl, Size::H, 0xff80, Cond::Gt, false, 0x0100),
        }
    }

    /// An MTP3 field compared with a value (libpcap's `gen_mtp3field_code`).
    pub(crate) fn mtp3(&mut self, field: Mtp3, v: u32, c: FieldCmp) -> Result<Frag> {
        let hsl = |h: bool| if h { 3u32 } else { 0 };
        match field {
            Mtp3::Sio | Mtp3::Hsio => {
                if self.off_sio == super::NOT_SET {
                    bail!(UnsupportedLinktype, "'sio' supported only on SS7");
                }
                if v > 255 {
                    bail!(OutOfRange, "sio value {v} too big; max value = 255");
                }
                let off = self.off_sio.wrapping_add(hsl(field == Mtp3::Hsio));
                self.ncmp(Rel::Packet, off, Size::B, 0xffff_ffff, c.cond, c.reverse, v)
            }
            Mtp3::Opc | Mtp3::Hopc => {
                if self.off_opc == super::NOT_SET {
                    bail!(UnsupportedLinktype, "'opc' supported only on SS7");
                }
                if v > 16383 {
                    bail!(OutOfRange, "opc value {v} too big; max value = 16383");
                }
                let jv = ((v & 0x3c00) >> 10) + ((v & 0x03fc) << 6) + ((v & 0x3) << 22);
                let off = self.off_opc.wrapping_add(hsl(field == Mtp3::Hopc));
                self.ncmp(
                    Rel::Packet,
                    off,
                    Size::W,
                    0x00c0_ff0f,
                    c.cond,
                    c.reverse,
                    jv,
                )
            }
            Mtp3::Dpc | Mtp3::Hdpc => {
                if self.off_dpc == super::NOT_SET {
                    bail!(UnsupportedLinktype, "'dpc' supported only on SS7");
                }
                if v > 16383 {
                    bail!(OutOfRange, "dpc value {v} too big; max value = 16383");
                }
                let jv = ((v & 0xff) << 24) + ((v & 0x3f00) << 8);
                let off = self.off_dpc.wrapping_add(hsl(field == Mtp3::Hdpc));
                self.ncmp(
                    Rel::Packet,
                    off,
                    Size::W,
                    0xff3f_0000,
                    c.cond,
                    c.reverse,
                    jv,
                )
            }
            Mtp3::Sls | Mtp3::Hsls => {
                if self.off_sls == super::NOT_SET {
                    bail!(UnsupportedLinktype, "'sls' supported only on SS7");
                }
                if v > 15 {
                    bail!(OutOfRange, "sls value {v} too big; max value = 15");
                }
                let off = self.off_sls.wrapping_add(hsl(field == Mtp3::Hsls));
                self.ncmp(Rel::Packet, off, Size::B, 0xf0, c.cond, c.reverse, v << 4)
            }
        }
    }

    // ---- direction, interface -------------------------------------------------------------

    /// `inbound` (`outbound` = false) (libpcap's `gen_inbound`).
    pub fn inbound(&mut self, outbound: bool) -> Result<Frag> {
        let lt = self.linktype;
        match lt {
            Linktype::SLIP => {
                // libpcap: `link[0] = 0`, negated for outbound (`!=` via the relation code).
                let idx = self.loadi(0)?;
                let a0 = self.load(crate::filter::ast::ProtoName::Link, idx, 1)?;
                let a1 = self.loadi(0)?;
                let op = if outbound { RelOp::Ne } else { RelOp::Eq };
                self.relation(op, a0, a1)
            }
            Linktype::IPNET => self.cmp(Rel::LinkHdr, 2, Size::H, if outbound { 1 } else { 2 }),
            Linktype::LINUX_SLL => {
                let b = self.cmp(
                    Rel::LinkHdr,
                    sll::field::v1::PKTTYPE.start as u32,
                    Size::H,
                    u32::from(sll::PacketType::OUTGOING.0),
                )?;
                Ok(if outbound { b } else { self.not(b) })
            }
            Linktype::LINUX_SLL2 => {
                let b = self.cmp(
                    Rel::LinkHdr,
                    sll::field::v2::PKTTYPE as u32,
                    Size::B,
                    u32::from(sll::PacketType::OUTGOING.0),
                )?;
                Ok(if outbound { b } else { self.not(b) })
            }
            Linktype::PFLOG => self.cmp(Rel::LinkHdr, 60, Size::B, if outbound { 2 } else { 1 }),
            Linktype::PPP_PPPD => self.cmp(Rel::LinkHdr, 0, Size::B, if outbound { 1 } else { 0 }),
            _ if is_juniper(lt) => {
                self.mcmp(Rel::LinkHdr, 3, Size::B, if outbound { 0 } else { 1 }, 0x01)
            }
            _ => {
                if matches!(self.ctx, Context::Savefile { .. }) {
                    bail!(
                        UnsupportedLinktype,
                        "inbound/outbound not supported on {} when reading savefiles",
                        Gen::describe(lt)
                    );
                }
                let b = self.cmp(
                    Rel::LinkHdr,
                    bpf::op::SKF_AD_OFF + bpf::op::SKF_AD_PKTTYPE,
                    Size::H,
                    4, // PACKET_OUTGOING
                )?;
                Ok(if outbound { b } else { self.not(b) })
            }
        }
    }

    /// `ifindex N` (libpcap's `gen_ifindex`).
    pub fn ifindex(&mut self, ifindex: u32) -> Result<Frag> {
        if self.linktype == Linktype::LINUX_SLL2 {
            return self.cmp(
                Rel::LinkHdr,
                sll::field::v2::IFINDEX.start as u32,
                Size::W,
                ifindex,
            );
        }
        if matches!(self.ctx, Context::Savefile { .. }) {
            bail!(
                UnsupportedLinktype,
                "ifindex not supported on {} when reading savefiles",
                Gen::describe(self.linktype)
            );
        }
        self.cmp(
            Rel::LinkHdr,
            bpf::op::SKF_AD_OFF + bpf::op::SKF_AD_IFINDEX,
            Size::W,
            ifindex,
        )
    }
}
