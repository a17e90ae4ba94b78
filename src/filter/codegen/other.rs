//! Link-specific primitives: `llc`, PF (`ifname`, `rnr`, `reason`, `action`…), 802.11
//! `type`/`subtype`/`dir`, ATM (`vpi`, `vci`, `lane`, `oam`…), SS7 MTP2/MTP3 (`fisu`, `sio`,
//! `opc`…), `inbound`/`outbound` and `ifindex`.

use super::link::{is_80211, is_juniper};
use super::{bail, Context, Gen, Rel, Result};
use crate::bpf;
use crate::filter::ir::{Cond, Frag, Size};
use crate::linktype::Linktype;

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

/// An `llc` form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Llc {
    /// `llc`
    Any,
    /// `llc i`: information frames.
    I,
    /// `llc s`: supervisory frames.
    S,
    /// `llc u`: unnumbered frames.
    U,
    /// `llc rr|rnr|rej`: a supervisory subtype (control & 0x0f).
    SSubtype(u32),
    /// `llc ui|ua|disc|dm|sabme|test|xid|frmr`: an unnumbered subtype (control & 0xef).
    USubtype(u32),
}

/// A PF field test.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Pf<'a> {
    /// `on|ifname NAME`
    Ifname(&'a str),
    /// `rset|ruleset NAME`
    Ruleset(&'a str),
    /// `rnr|rulenum N`
    Rnr(u32),
    /// `srnr|subrulenum N`
    Srnr(u32),
    /// `reason N|NAME` (resolved)
    Reason(u32),
    /// `action NAME` (resolved)
    Action(u32),
}

/// An ATM abbreviation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Atm {
    Lane,
    Metac,
    Bcc,
    Oamf4ec,
    Oamf4sc,
    Sc,
    Ilmic,
    Oam,
    Oamf4,
    Connectmsg,
    Metaconnect,
}

/// An ATM field with values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AtmField {
    /// `vpi`
    Vpi,
    /// `vci`
    Vci,
}

/// An MTP2 abbreviation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Mtp2 {
    Fisu,
    Lssu,
    Msu,
    Hfisu,
    Hlssu,
    Hmsu,
}

/// An MTP3 field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Mtp3 {
    Sio,
    Opc,
    Dpc,
    Sls,
    Hsio,
    Hopc,
    Hdpc,
    Hsls,
}

/// The comparison of a `vpi`/`vci`/MTP3 field value: `=` unless a relational operator was
/// written. libpcap 1.10.3 honours the negation only of `<` and `<=`: `!=` compiles as `=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FieldCmp {
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

impl From<super::arith::Relop> for FieldCmp {
    fn from(op: super::arith::Relop) -> FieldCmp {
        let (cond, reverse) = op.jump();
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
            _ => bail!("'llc' not supported for {}", Gen::describe(lt)),
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
            Llc::SSubtype(v) => self.mcmp(Rel::Llc, 2, Size::B, v, 0x0f)?,
            Llc::USubtype(v) => self.mcmp(Rel::Llc, 2, Size::B, v, 0xef)?,
        };
        Ok(self.and(b0, b1))
    }

    // ---- PF -------------------------------------------------------------------------------

    /// A PF header field (PFLOG only).
    pub fn pf(&mut self, what: Pf<'_>) -> Result<Frag> {
        let kw = match what {
            Pf::Ifname(_) => "ifname",
            Pf::Ruleset(_) => "ruleset",
            Pf::Rnr(_) => "rnr",
            Pf::Srnr(_) => "srnr",
            Pf::Reason(_) => "reason",
            Pf::Action(_) => "action",
        };
        if self.linktype != Linktype::PFLOG {
            bail!("{kw} supported only on PF linktype");
        }
        match what {
            Pf::Ifname(name) => {
                if name.len() >= 16 {
                    bail!("ifname interface names can only be 15 characters");
                }
                self.bcmp(Rel::LinkHdr, 4, name.as_bytes())
            }
            Pf::Ruleset(name) => {
                if name.len() >= 16 {
                    bail!("ruleset names can only be 15 characters");
                }
                self.bcmp(Rel::LinkHdr, 20, name.as_bytes())
            }
            Pf::Rnr(n) => self.cmp(Rel::LinkHdr, 36, Size::W, n),
            Pf::Srnr(n) => self.cmp(Rel::LinkHdr, 40, Size::W, n),
            Pf::Reason(n) => self.cmp(Rel::LinkHdr, 3, Size::B, n),
            Pf::Action(n) => self.cmp(Rel::LinkHdr, 2, Size::B, n),
        }
    }

    // ---- 802.11 ---------------------------------------------------------------------------

    /// `type T [subtype S]` / `subtype S`: frame-control byte & `mask` == `value`.
    pub fn p80211_type(&mut self, value: u32, mask: u32) -> Result<Frag> {
        match self.linktype {
            Linktype::IEEE802_11
            | Linktype::PRISM_HEADER
            | Linktype::IEEE802_11_RADIO_AVS
            | Linktype::IEEE802_11_RADIO => self.mcmp(Rel::LinkHdr, 0, Size::B, value, mask),
            _ => bail!("802.11 link-layer types supported only on 802.11"),
        }
    }

    /// `dir N`: the To-DS/From-DS bits.
    pub fn p80211_dir(&mut self, dir: u32) -> Result<Frag> {
        match self.linktype {
            Linktype::IEEE802_11
            | Linktype::PRISM_HEADER
            | Linktype::IEEE802_11_RADIO_AVS
            | Linktype::IEEE802_11_RADIO => self.mcmp(Rel::LinkHdr, 1, Size::B, dir, 0x03),
            _ => bail!("frame direction supported only with 802.11 headers"),
        }
    }

    // ---- ATM ------------------------------------------------------------------------------

    /// The SunATM protocol-type nibble (libpcap's `A_PROTOTYPE` field).
    pub(crate) fn atm_prototype(&mut self, v: u32) -> Result<Frag> {
        self.ncmp(Rel::LinkHdr, self.off_proto, Size::B, 0x0f, Cond::Eq, false, v)
    }

    fn atm_vpi(&mut self, v: u32, c: FieldCmp) -> Result<Frag> {
        if !self.is_atm {
            bail!("'vpi' supported only on raw ATM");
        }
        self.ncmp(Rel::LinkHdr, self.off_vpi, Size::B, 0xffff_ffff, c.cond, c.reverse, v)
    }

    fn atm_vci(&mut self, v: u32, c: FieldCmp) -> Result<Frag> {
        if !self.is_atm {
            bail!("'vci' supported only on raw ATM");
        }
        self.ncmp(Rel::LinkHdr, self.off_vci, Size::H, 0xffff_ffff, c.cond, c.reverse, v)
    }

    fn atm_msgtype(&mut self, v: u32) -> Result<Frag> {
        let off = self.off_payload.wrapping_add(MSG_TYPE_POS);
        self.ncmp(Rel::LinkHdr, off, Size::B, 0xffff_ffff, Cond::Eq, false, v)
    }

    /// `vpi`/`vci` compared with a value.
    pub fn atm_field(&mut self, field: AtmField, v: u32, c: FieldCmp) -> Result<Frag> {
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
        let name = match which {
            Atm::Lane => "lane",
            Atm::Metac => "metac",
            Atm::Bcc => "bcc",
            Atm::Oamf4ec => "oam4ec",
            Atm::Oamf4sc => "oam4sc",
            Atm::Sc => "sc",
            Atm::Ilmic => "ilmic",
            Atm::Oam => "oam",
            Atm::Oamf4 => "oamf4",
            Atm::Connectmsg => "connectmsg",
            Atm::Metaconnect => "metaconnect",
        };
        if !self.is_atm {
            bail!("'{name}' supported only on raw ATM");
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
                    &[SETUP, CALL_PROCEED, CONNECT, CONNECT_ACK, RELEASE, RELEASE_DONE]
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
                Mtp2::Fisu => bail!("'fisu' supported only on MTP2"),
                Mtp2::Lssu => bail!("'lssu' supported only on MTP2"),
                Mtp2::Msu => bail!("'msu' supported only on MTP2"),
                Mtp2::Hfisu => bail!("'hfisu' supported only on MTP2_HSL"),
                Mtp2::Hlssu => bail!("'hlssu' supported only on MTP2_HSL"),
                Mtp2::Hmsu => bail!("'hmsu' supported only on MTP2_HSL"),
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
    pub fn mtp3(&mut self, field: Mtp3, v: u32, c: FieldCmp) -> Result<Frag> {
        let hsl = |h: bool| if h { 3u32 } else { 0 };
        match field {
            Mtp3::Sio | Mtp3::Hsio => {
                if self.off_sio == super::NOT_SET {
                    bail!("'sio' supported only on SS7");
                }
                if v > 255 {
                    bail!("sio value {v} too big; max value = 255");
                }
                let off = self.off_sio.wrapping_add(hsl(field == Mtp3::Hsio));
                self.ncmp(Rel::Packet, off, Size::B, 0xffff_ffff, c.cond, c.reverse, v)
            }
            Mtp3::Opc | Mtp3::Hopc => {
                if self.off_opc == super::NOT_SET {
                    bail!("'opc' supported only on SS7");
                }
                if v > 16383 {
                    bail!("opc value {v} too big; max value = 16383");
                }
                let jv = ((v & 0x3c00) >> 10) + ((v & 0x03fc) << 6) + ((v & 0x3) << 22);
                let off = self.off_opc.wrapping_add(hsl(field == Mtp3::Hopc));
                self.ncmp(Rel::Packet, off, Size::W, 0x00c0_ff0f, c.cond, c.reverse, jv)
            }
            Mtp3::Dpc | Mtp3::Hdpc => {
                if self.off_dpc == super::NOT_SET {
                    bail!("'dpc' supported only on SS7");
                }
                if v > 16383 {
                    bail!("dpc value {v} too big; max value = 16383");
                }
                let jv = ((v & 0xff) << 24) + ((v & 0x3f00) << 8);
                let off = self.off_dpc.wrapping_add(hsl(field == Mtp3::Hdpc));
                self.ncmp(Rel::Packet, off, Size::W, 0xff3f_0000, c.cond, c.reverse, jv)
            }
            Mtp3::Sls | Mtp3::Hsls => {
                if self.off_sls == super::NOT_SET {
                    bail!("'sls' supported only on SS7");
                }
                if v > 15 {
                    bail!("sls value {v} too big; max value = 15");
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
                let a0 = self.load(super::Proto::Link, idx, 1)?;
                let a1 = self.loadi(0)?;
                let op = if outbound {
                    super::arith::Relop::Ne
                } else {
                    super::arith::Relop::Eq
                };
                self.relation(op, a0, a1)
            }
            Linktype::IPNET => self.cmp(Rel::LinkHdr, 2, Size::H, if outbound { 1 } else { 2 }),
            Linktype::LINUX_SLL => {
                let b = self.cmp(Rel::LinkHdr, 0, Size::H, 4)?;
                Ok(if outbound { b } else { self.not(b) })
            }
            Linktype::LINUX_SLL2 => {
                let b = self.cmp(Rel::LinkHdr, 10, Size::B, 4)?;
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
                        "inbound/outbound not supported on {} when reading savefiles",
                        Gen::describe(lt)
                    );
                }
                let b = self.cmp(
                    Rel::LinkHdr,
                    bpf::SKF_AD_OFF + bpf::SKF_AD_PKTTYPE,
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
            return self.cmp(Rel::LinkHdr, 4, Size::W, ifindex);
        }
        if matches!(self.ctx, Context::Savefile { .. }) {
            bail!(
                "ifindex not supported on {} when reading savefiles",
                Gen::describe(self.linktype)
            );
        }
        self.cmp(
            Rel::LinkHdr,
            bpf::SKF_AD_OFF + bpf::SKF_AD_IFINDEX,
            Size::W,
            ifindex,
        )
    }
}
