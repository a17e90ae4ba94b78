//! Link-layer code: where each link type's headers sit, link-layer type tests ("is this IPv4?"
//! on Ethernet, 802.2 LLC, PPP, loopback, cooked captures, …), the prologue that computes
//! variable header lengths (radiotap, AVS, PRISM, PPI, 802.11, PFLOG), and the primitives that
//! move the offsets for what follows them: `vlan`, `mpls`, `pppoes`, `geneve`.

use super::{bail, AbsOffset, Context, Gen, OffsetField, Rel, Result, NOT_SET};
use crate::filter::ir::{AluOp, BlockId, Cond, Frag, Size, Src, Stmt, Terminal};
use crate::filter::resolve::Dir;
use crate::linktype::Linktype;
use crate::wire::link::{self, TypeField};
use crate::wire::{sll, EtherType};

// ---- numbers ------------------------------------------------------------------------------
//
// Offsets and link-layer numbers come from the shared link table ([`wire::link`]) and the
// views' `field` modules; protocol numbers the wire views do not name are named here.

pub(crate) const ETHERMTU: u32 = 1500;
pub(crate) const ETHERTYPE_IP: u32 = EtherType::IPV4.0 as u32;
pub(crate) const ETHERTYPE_ARP: u32 = EtherType::ARP.0 as u32;
pub(crate) const ETHERTYPE_REVARP: u32 = EtherType::RARP.0 as u32;
pub(crate) const ETHERTYPE_IPV6: u32 = EtherType::IPV6.0 as u32;
pub(crate) const ETHERTYPE_8021Q: u32 = EtherType::VLAN.0 as u32;
pub(crate) const ETHERTYPE_8021AD: u32 = EtherType::QINQ.0 as u32;
pub(crate) const ETHERTYPE_8021QINQ: u32 = EtherType::VLAN_9100.0 as u32;
pub(crate) const ETHERTYPE_MPLS: u32 = EtherType::MPLS.0 as u32;
pub(crate) const ETHERTYPE_PPPOED: u32 = EtherType::PPPOE_DISCOVERY.0 as u32;
pub(crate) const ETHERTYPE_PPPOES: u32 = EtherType::PPPOE_SESSION.0 as u32;
pub(crate) const ETHERTYPE_NS: u32 = 0x0600;
pub(crate) const ETHERTYPE_ATALK: u32 = 0x809b;
pub(crate) const ETHERTYPE_AARP: u32 = 0x80f3;
pub(crate) const ETHERTYPE_DN: u32 = 0x6003;
pub(crate) const ETHERTYPE_LAT: u32 = 0x6004;
pub(crate) const ETHERTYPE_SCA: u32 = 0x6007;
pub(crate) const ETHERTYPE_MOPDL: u32 = 0x6001;
pub(crate) const ETHERTYPE_MOPRC: u32 = 0x6002;
pub(crate) const ETHERTYPE_IPX: u32 = 0x8137;
pub(crate) const ETHERTYPE_TEB: u32 = 0x6558;

pub(crate) const LLCSAP_IP: u32 = link::sap::IP as u32;
pub(crate) const LLCSAP_ISONS: u32 = link::sap::ISO as u32;
pub(crate) const LLCSAP_NETBEUI: u32 = link::sap::NETBEUI as u32;
pub(crate) const LLCSAP_IPX: u32 = link::sap::IPX as u32;
pub(crate) const LLCSAP_8021D: u32 = link::sap::STP as u32;

pub(crate) const ISO8473_CLNP: u32 = link::nlpid::CLNP as u32;
pub(crate) const ISO9542_ESIS: u32 = link::nlpid::ESIS as u32;
pub(crate) const ISO10589_ISIS: u32 = link::nlpid::ISIS as u32;

/// The SunATM payload (where the link header of a LANE frame starts, 2 bytes further).
pub(crate) const SUNATM_PKT_BEGIN_POS: u32 = 4;

/// An 802.1Q tag's length: what `vlan` moves later offsets by.
const VLAN_TAG: u32 = crate::wire::vlan::TAG_LEN as u32;

/// `DLT_IEEE802_11` as PPI's little-endian per-packet link type.
const DLT_IEEE802_11: u32 = 105;

/// `DLT_HDLC` (NetBSD Cisco HDLC; no named constant in [`Linktype`]).
pub(crate) const HDLC: Linktype = Linktype(112);

/// Every Juniper link type (they share a 4-byte magic cookie).
pub(crate) fn is_juniper(lt: Linktype) -> bool {
    matches!(
        lt,
        Linktype::JUNIPER_MFR
            | Linktype::JUNIPER_MLFR
            | Linktype::JUNIPER_MLPPP
            | Linktype::JUNIPER_ATM1
            | Linktype::JUNIPER_ATM2
            | Linktype::JUNIPER_PPPOE
            | Linktype::JUNIPER_PPPOE_ATM
            | Linktype::JUNIPER_GGSN
            | Linktype::JUNIPER_ES
            | Linktype::JUNIPER_MONITOR
            | Linktype::JUNIPER_SERVICES
            | Linktype::JUNIPER_ETHER
            | Linktype::JUNIPER_PPP
            | Linktype::JUNIPER_FRELAY
            | Linktype::JUNIPER_CHDLC
            | Linktype::JUNIPER_VP
            | Linktype::JUNIPER_ST
            | Linktype::JUNIPER_ISM
            | Linktype::JUNIPER_VS
            | Linktype::JUNIPER_SRX_E2E
            | Linktype::JUNIPER_FIBRECHANNEL
            | Linktype::JUNIPER_ATM_CEMIC
    )
}

/// The 802.11 family (with any radio header in front).
pub(crate) fn is_80211(lt: Linktype) -> bool {
    matches!(
        lt,
        Linktype::IEEE802_11
            | Linktype::PRISM_HEADER
            | Linktype::IEEE802_11_RADIO_AVS
            | Linktype::IEEE802_11_RADIO
            | Linktype::PPI
    )
}

/// Ethernet and the Ethernet-with-a-prefix link types.
pub(crate) fn is_ethernet(lt: Linktype) -> bool {
    matches!(
        lt,
        Linktype::EN10MB | Linktype::NETANALYZER | Linktype::NETANALYZER_TRANSPARENT
    )
}

impl Gen {
    /// libpcap's `init_linktype`, from the shared link-layout table ([`wire::link`]).
    pub(crate) fn init_linktype(&mut self) -> Result<()> {
        let lt = self.linktype;
        let abs = |o: Option<link::Offset>| match o {
            Some(o) => AbsOffset {
                is_variable: o.variable.is_some(),
                constant_part: o.constant,
                reg: None,
            },
            None => AbsOffset::fixed(NOT_SET),
        };
        match link::Layout::of(lt) {
            Some(l) => {
                self.off_linkhdr = abs(Some(l.link_header));
                self.off_linktype = AbsOffset::fixed(l.type_offset.unwrap_or(NOT_SET));
                self.off_linkpl = abs(l.payload);
                self.off_nl = l.nl.unwrap_or(NOT_SET);
                self.off_nl_nosnap = l.nl_nosnap.unwrap_or(NOT_SET);
                if let Some(atm) = l.atm {
                    self.is_atm = true;
                    self.off_vpi = atm.vpi;
                    self.off_vci = atm.vci;
                    self.off_proto = atm.proto;
                    self.off_payload = l.payload_offset().unwrap_or(NOT_SET);
                }
                if let Some(ss7) = l.ss7 {
                    self.off_li = ss7.li;
                    self.off_li_hsl = ss7.li_hsl;
                    self.off_sio = ss7.sio;
                    self.off_opc = ss7.opc;
                    self.off_dpc = ss7.dpc;
                    self.off_sls = ss7.sls;
                }
            }
            // libpcap's default case: link types in the range whose `DLT_` and `LINKTYPE_`
            // values agree, with nothing known but `link[…]`.
            None if (104..=289).contains(&lt.to_dlt()) => {
                self.off_linkhdr = AbsOffset::fixed(0);
                self.off_linktype = AbsOffset::fixed(NOT_SET);
                self.off_linkpl = AbsOffset::fixed(NOT_SET);
                self.off_nl = NOT_SET;
                self.off_nl_nosnap = NOT_SET;
            }
            None => bail!(
                UnsupportedLinktype,
                "unknown data link type {} (min 104, max 289)",
                lt.to_dlt() as i32
            ),
        }
        self.off_outermostlinkhdr = self.off_linkhdr;
        self.off_prevlinkhdr = self.off_linkhdr;
        Ok(())
    }

    /// How the current link type tells protocols apart (`None` for a link type libpcap has
    /// no entry for).
    fn type_field(&self) -> Option<TypeField> {
        link::Layout::of(self.linktype).map(|l| l.type_field)
    }

    /// libpcap's `PUSH_LINKHDR`: filter a new link layer found inside the current one.
    pub(crate) fn push_linkhdr(
        &mut self,
        lt: Linktype,
        is_variable: bool,
        constant_part: u32,
        reg: Option<u8>,
    ) {
        self.prevlinktype = self.linktype;
        self.off_prevlinkhdr = self.off_linkhdr;
        self.linktype = lt;
        self.off_linkhdr = AbsOffset {
            is_variable,
            constant_part,
            reg,
        };
        self.is_geneve = false;
    }

    // ---- link-type tests ------------------------------------------------------------------

    /// Ethernet's test for an ethertype or, for values up to 1500, an 802.2 SAP (libpcap's
    /// `gen_ether_linktype`).
    fn ether_linktype(&mut self, ll_proto: u32) -> Result<Frag> {
        match ll_proto {
            LLCSAP_ISONS | LLCSAP_IP | LLCSAP_NETBEUI => {
                let b0 = self.cmp_gt(Rel::LinkType, 0, Size::H, ETHERMTU)?;
                let b0 = self.not(b0);
                let b1 = self.cmp(Rel::Llc, 0, Size::H, (ll_proto << 8) | ll_proto)?;
                Ok(self.and(b0, b1))
            }
            LLCSAP_IPX => {
                let b0 = self.cmp(Rel::Llc, 0, Size::B, LLCSAP_IPX)?;
                let b1 = self.cmp(Rel::Llc, 0, Size::H, 0xffff)?;
                let b1 = self.or(b0, b1);
                let b0 = self.snap(0x000000, ETHERTYPE_IPX)?;
                let b1 = self.or(b0, b1);
                let b0 = self.cmp_gt(Rel::LinkType, 0, Size::H, ETHERMTU)?;
                let b0 = self.not(b0);
                let b1 = self.and(b0, b1);
                let b0 = self.cmp(Rel::LinkType, 0, Size::H, ETHERTYPE_IPX)?;
                Ok(self.or(b0, b1))
            }
            ETHERTYPE_ATALK | ETHERTYPE_AARP => {
                let b0 = self.cmp_gt(Rel::LinkType, 0, Size::H, ETHERMTU)?;
                let b0 = self.not(b0);
                let b1 = if ll_proto == ETHERTYPE_ATALK {
                    self.snap(0x080007, ETHERTYPE_ATALK)?
                } else {
                    self.snap(0x000000, ETHERTYPE_AARP)?
                };
                let b1 = self.and(b0, b1);
                let b0 = self.cmp(Rel::LinkType, 0, Size::H, ll_proto)?;
                Ok(self.or(b0, b1))
            }
            _ if ll_proto <= ETHERMTU => {
                let b0 = self.cmp_gt(Rel::LinkType, 0, Size::H, ETHERMTU)?;
                let b0 = self.not(b0);
                let b1 = self.cmp(Rel::LinkType, 2, Size::B, ll_proto)?;
                Ok(self.and(b0, b1))
            }
            _ => self.cmp(Rel::LinkType, 0, Size::H, ll_proto),
        }
    }

    /// Loopback's address-family word (libpcap's `gen_loopback_linktype`): in the writing
    /// host's byte order for NULL and ENC (read big-endian here, so swapped: little-endian
    /// hosts), network order for LOOP.
    fn loopback_linktype(&mut self, host_order: bool, mut ll_proto: u32) -> Result<Frag> {
        if host_order {
            if let Context::Savefile { swapped: true } = self.ctx {
                ll_proto = ll_proto.swap_bytes();
            }
            // Host byte order in the header, read as big-endian: little-endian hosts swap.
            ll_proto = ll_proto.swap_bytes();
        }
        self.cmp(Rel::LinkHdr, 0, Size::W, ll_proto)
    }

    fn ipnet_linktype(&mut self, ll_proto: u32) -> Result<Frag> {
        match ll_proto {
            ETHERTYPE_IP => self.cmp(Rel::LinkType, 0, Size::B, u32::from(link::ipnet::INET)),
            ETHERTYPE_IPV6 => self.cmp(Rel::LinkType, 0, Size::B, u32::from(link::ipnet::INET6)),
            _ => Ok(self.gen_false()),
        }
    }

    fn linux_sll_linktype(&mut self, ll_proto: u32) -> Result<Frag> {
        match ll_proto {
            LLCSAP_ISONS | LLCSAP_IP | LLCSAP_NETBEUI => {
                let b0 = self.cmp(Rel::LinkType, 0, Size::H, u32::from(sll::PROTOCOL_802_2))?;
                let b1 = self.cmp(Rel::Llc, 0, Size::H, (ll_proto << 8) | ll_proto)?;
                Ok(self.and(b0, b1))
            }
            LLCSAP_IPX => {
                let b0 = self.cmp(Rel::Llc, 0, Size::B, LLCSAP_IPX)?;
                let b1 = self.snap(0x000000, ETHERTYPE_IPX)?;
                let b1 = self.or(b0, b1);
                let b0 = self.cmp(Rel::LinkType, 0, Size::H, u32::from(sll::PROTOCOL_802_2))?;
                let b1 = self.and(b0, b1);
                let b0 = self.cmp(Rel::LinkType, 0, Size::H, u32::from(sll::PROTOCOL_802_3))?;
                let b1 = self.or(b0, b1);
                let b0 = self.cmp(Rel::LinkType, 0, Size::H, ETHERTYPE_IPX)?;
                Ok(self.or(b0, b1))
            }
            ETHERTYPE_ATALK | ETHERTYPE_AARP => {
                let b0 = self.cmp(Rel::LinkType, 0, Size::H, u32::from(sll::PROTOCOL_802_2))?;
                let b1 = if ll_proto == ETHERTYPE_ATALK {
                    self.snap(0x080007, ETHERTYPE_ATALK)?
                } else {
                    self.snap(0x000000, ETHERTYPE_AARP)?
                };
                let b1 = self.and(b0, b1);
                let b0 = self.cmp(Rel::LinkType, 0, Size::H, ll_proto)?;
                Ok(self.or(b0, b1))
            }
            _ if ll_proto <= ETHERMTU => {
                let b0 = self.cmp(Rel::LinkType, 0, Size::H, u32::from(sll::PROTOCOL_802_2))?;
                let off = self.off_linkpl.constant_part;
                let b1 = self.cmp(Rel::LinkHdr, off, Size::B, ll_proto)?;
                Ok(self.and(b0, b1))
            }
            _ => self.cmp(Rel::LinkType, 0, Size::H, ll_proto),
        }
    }

    /// An 802.2 SNAP header with this organization code and type (libpcap's `gen_snap`).
    pub(crate) fn snap(&mut self, orgcode: u32, ptype: u32) -> Result<Frag> {
        let block = [
            link::sap::SNAP,
            link::sap::SNAP,
            0x03,
            (orgcode >> 16) as u8,
            (orgcode >> 8) as u8,
            orgcode as u8,
            (ptype >> 8) as u8,
            ptype as u8,
        ];
        self.bcmp(Rel::Llc, 0, &block)
    }

    /// The test for a link-layer type over an LLC header (libpcap's `gen_llc_linktype`).
    pub(crate) fn llc_linktype(&mut self, ll_proto: u32) -> Result<Frag> {
        match ll_proto {
            LLCSAP_IP | LLCSAP_ISONS | LLCSAP_NETBEUI => {
                self.cmp(Rel::Llc, 0, Size::H, (ll_proto << 8) | ll_proto)
            }
            LLCSAP_IPX => self.cmp(Rel::Llc, 0, Size::B, LLCSAP_IPX),
            ETHERTYPE_ATALK => self.snap(0x080007, ETHERTYPE_ATALK),
            _ if ll_proto <= ETHERMTU => self.cmp(Rel::Llc, 0, Size::B, ll_proto),
            _ => self.cmp(Rel::Llc, 6, Size::H, ll_proto),
        }
    }

    /// On 802.11: a data frame (type bits 0x0c == 0x08).
    pub(crate) fn check_802_11_data_frame(&mut self) -> Result<Frag> {
        let b0 = self.jset(Rel::LinkHdr, 0, Size::B, 0x08)?;
        let b1 = self.jset(Rel::LinkHdr, 0, Size::B, 0x04)?;
        let b1 = self.not(b1);
        Ok(self.and(b1, b0))
    }

    /// The check that the link layer under a Geneve or LANE encapsulation is what we think
    /// (libpcap's `gen_prevlinkhdr_check`).
    pub(crate) fn prevlinkhdr_check(&mut self) -> Result<Option<Frag>> {
        if self.is_geneve {
            return self.geneve_ll_check().map(Some);
        }
        if self.prevlinktype == Linktype::SUNATM {
            let b0 = self.cmp(Rel::PrevLinkHdr, SUNATM_PKT_BEGIN_POS, Size::H, 0xff00)?;
            return Ok(Some(self.not(b0)));
        }
        Ok(None)
    }

    /// Under MPLS: only IPv4 and IPv6, by the version nibble after the bottom label.
    fn mpls_linktype(&mut self, ll_proto: u32) -> Result<Frag> {
        let version = match ll_proto {
            ETHERTYPE_IP => 0x40,
            ETHERTYPE_IPV6 => 0x60,
            _ => bail!(UnsupportedLinktype, "unsupported protocol over mpls"),
        };
        let b0 = self.mcmp(Rel::LinkPl, 0u32.wrapping_sub(2), Size::B, 0x01, 0x01)?;
        let b1 = self.mcmp(Rel::LinkPl, 0, Size::B, version, 0xf0)?;
        Ok(self.and(b0, b1))
    }

    /// "The link-layer payload is `ll_proto`" (an ethertype, or an LLC SAP up to 1500), in the
    /// way the current link type says it (libpcap's `gen_linktype`).
    pub(crate) fn linktype(&mut self, ll_proto: u32) -> Result<Frag> {
        if self.label_stack_depth > 0 {
            return self.mpls_linktype(ll_proto);
        }
        let lt = self.linktype;
        let Some(tf) = self.type_field() else {
            // No entry: libpcap's default case.
            if self.off_linktype.constant_part != NOT_SET {
                return self.cmp(Rel::LinkType, 0, Size::H, ll_proto);
            }
            bail!(
                UnsupportedLinktype,
                "{} link-layer type filtering not implemented",
                Gen::describe(lt)
            );
        };
        let either =
            |g: &mut Gen, a: u32, b: u32, size: Size, rel: Rel, off: u32| -> Result<Frag> {
                let b0 = g.cmp(rel, off, size, a)?;
                let b1 = g.cmp(rel, off, size, b)?;
                Ok(g.or(b0, b1))
            };
        match tf {
            TypeField::EtherTypeOrLength => {
                let b0 = if !self.is_geneve {
                    self.prevlinkhdr_check()?
                } else {
                    None
                };
                let b1 = self.ether_linktype(ll_proto)?;
                Ok(self.and_opt(b0, b1))
            }
            TypeField::CiscoHdlc => {
                let v = if ll_proto == LLCSAP_ISONS {
                    (ll_proto << 8) | LLCSAP_ISONS
                } else {
                    ll_proto
                };
                self.cmp(Rel::LinkType, 0, Size::H, v)
            }
            // The 802.11 family: data frames only.
            TypeField::Llc if is_80211(lt) => {
                let b0 = self.check_802_11_data_frame()?;
                let b1 = self.llc_linktype(ll_proto)?;
                Ok(self.and(b0, b1))
            }
            TypeField::Llc => self.llc_linktype(ll_proto),
            TypeField::SunAtm => {
                let b0 = self.atm_prototype(super::other::PT_LLC)?;
                let b1 = self.llc_linktype(ll_proto)?;
                Ok(self.and(b0, b1))
            }
            TypeField::LinuxSll => self.linux_sll_linktype(ll_proto),
            TypeField::IpVersion => match ll_proto {
                ETHERTYPE_IP => self.mcmp(Rel::LinkHdr, 0, Size::B, 0x40, 0xf0),
                ETHERTYPE_IPV6 => self.mcmp(Rel::LinkHdr, 0, Size::B, 0x60, 0xf0),
                _ => Ok(self.gen_false()),
            },
            TypeField::Implied(et) => Ok(if ll_proto == u32::from(et.0) {
                self.gen_true()
            } else {
                self.gen_false()
            }),
            TypeField::Ppp => self.cmp(
                Rel::LinkType,
                0,
                Size::H,
                link::ppp::from_ethertype(ll_proto),
            ),
            TypeField::PppBsdos => {
                if ll_proto == ETHERTYPE_IP {
                    let b0 = self.cmp(Rel::LinkType, 0, Size::H, u32::from(link::ppp::IP))?;
                    let b1 = self.cmp(Rel::LinkType, 0, Size::H, u32::from(link::ppp::VJC))?;
                    let b1 = self.or(b0, b1);
                    let b0 = self.cmp(Rel::LinkType, 0, Size::H, u32::from(link::ppp::VJNC))?;
                    Ok(self.or(b1, b0))
                } else {
                    self.cmp(
                        Rel::LinkType,
                        0,
                        Size::H,
                        link::ppp::from_ethertype(ll_proto),
                    )
                }
            }
            TypeField::AfHostOrder | TypeField::AfNetworkOrder => {
                let host = tf == TypeField::AfHostOrder;
                match ll_proto {
                    ETHERTYPE_IP => self.loopback_linktype(host, link::af::INET),
                    ETHERTYPE_IPV6 => {
                        if matches!(self.ctx, Context::Savefile { .. }) {
                            let [bsd, freebsd, darwin] = link::af::INET6_SAVEFILE;
                            let b0 = self.loopback_linktype(host, bsd)?;
                            let b1 = self.loopback_linktype(host, freebsd)?;
                            let b1 = self.or(b0, b1);
                            let b0 = self.loopback_linktype(host, darwin)?;
                            Ok(self.or(b0, b1))
                        } else {
                            self.loopback_linktype(host, link::af::INET6_LINUX)
                        }
                    }
                    _ => Ok(self.gen_false()),
                }
            }
            TypeField::PflogAf => match ll_proto {
                ETHERTYPE_IP => self.cmp(
                    Rel::LinkHdr,
                    link::af::PFLOG_OFFSET,
                    Size::B,
                    link::af::INET,
                ),
                ETHERTYPE_IPV6 => self.cmp(
                    Rel::LinkHdr,
                    link::af::PFLOG_OFFSET,
                    Size::B,
                    link::af::INET6_LINUX,
                ),
                _ => Ok(self.gen_false()),
            },
            TypeField::Arcnet => {
                use link::arcnet;
                let b = |v: u8| u32::from(v);
                match ll_proto {
                    ETHERTYPE_IPV6 => self.cmp(Rel::LinkType, 0, Size::B, b(arcnet::INET6)),
                    ETHERTYPE_IP => either(
                        self,
                        b(arcnet::IP),
                        b(arcnet::IP_OLD),
                        Size::B,
                        Rel::LinkType,
                        0,
                    ),
                    ETHERTYPE_ARP => either(
                        self,
                        b(arcnet::ARP),
                        b(arcnet::ARP_OLD),
                        Size::B,
                        Rel::LinkType,
                        0,
                    ),
                    ETHERTYPE_REVARP => self.cmp(Rel::LinkType, 0, Size::B, b(arcnet::REVARP)),
                    ETHERTYPE_ATALK => self.cmp(Rel::LinkType, 0, Size::B, b(arcnet::ATALK)),
                    _ => Ok(self.gen_false()),
                }
            }
            TypeField::FrameRelayNlpid => {
                use link::nlpid;
                let ui = |p: u8| (u32::from(nlpid::UI) << 8) | u32::from(p);
                match ll_proto {
                    ETHERTYPE_IP => self.cmp(Rel::LinkHdr, 2, Size::H, ui(nlpid::IP)),
                    ETHERTYPE_IPV6 => self.cmp(Rel::LinkHdr, 2, Size::H, ui(nlpid::IPV6)),
                    LLCSAP_ISONS => {
                        let b0 = self.cmp(Rel::LinkHdr, 2, Size::H, ui(nlpid::CLNP))?;
                        let b1 = self.cmp(Rel::LinkHdr, 2, Size::H, ui(nlpid::ESIS))?;
                        let b2 = self.cmp(Rel::LinkHdr, 2, Size::H, ui(nlpid::ISIS))?;
                        let b2 = self.or(b1, b2);
                        Ok(self.or(b0, b2))
                    }
                    _ => Ok(self.gen_false()),
                }
            }
            TypeField::JuniperCookie => self.mcmp(
                Rel::LinkHdr,
                0,
                Size::W,
                link::juniper::MAGIC,
                link::juniper::MASK,
            ),
            TypeField::BacnetPreamble => self.mcmp(
                Rel::LinkHdr,
                0,
                Size::W,
                link::bacnet::PREAMBLE,
                link::bacnet::MASK,
            ),
            TypeField::Ipnet => self.ipnet_linktype(ll_proto),
            TypeField::NotImplemented(name) => bail!(
                UnsupportedLinktype,
                "{name} link-layer type filtering not implemented"
            ),
            TypeField::EtherType => {
                if self.off_linktype.constant_part != NOT_SET {
                    self.cmp(Rel::LinkType, 0, Size::H, ll_proto)
                } else {
                    bail!(
                        UnsupportedLinktype,
                        "{} link-layer type filtering not implemented",
                        Gen::describe(lt)
                    )
                }
            }
        }
    }

    // ---- the prologue -----------------------------------------------------------------------

    /// PPI: the per-packet link type must be 802.11 (libpcap's `gen_ppi_dlt_check`).
    pub(crate) fn ppi_dlt_check(&mut self) -> Option<Frag> {
        if self.linktype == Linktype::PPI {
            Some(self.test(
                vec![Stmt::Ld(Size::W, 4)],
                Cond::Eq,
                DLT_IEEE802_11.swap_bytes(),
            ))
        } else {
            None
        }
    }

    /// Puts in front of `root` the code that computes the variable offsets the program uses
    /// (libpcap's `insert_compute_vloffsets`); returns the new first block.
    pub(crate) fn insert_compute_vloffsets(&mut self, root: BlockId) -> Result<BlockId> {
        if self.off_linkpl.reg.is_some()
            && self.off_linkhdr.is_variable
            && self.off_linkhdr.reg.is_none()
        {
            self.off_linkhdr.reg = Some(self.alloc_reg()?);
        }
        // The radio header's length into off_linkhdr's register (and X).
        let mut prologue: Vec<Stmt> = Vec::new();
        // PRISM: a choice between two loads; built as blocks ending in `join`.
        let mut prism = false;
        if let Some(r) = self.off_linkhdr.reg {
            match self.outermost {
                Linktype::PRISM_HEADER => {
                    self.no_optimize = true;
                    prism = true;
                    let _ = r;
                }
                Linktype::IEEE802_11_RADIO_AVS => {
                    prologue.extend([Stmt::Ld(Size::W, 4), Stmt::St(r), Stmt::Tax]);
                }
                Linktype::IEEE802_11_RADIO | Linktype::PPI => {
                    prologue.extend([
                        Stmt::Ld(Size::B, 3),
                        Stmt::Alu(AluOp::Lsh, Src::K(8)),
                        Stmt::Tax,
                        Stmt::Ld(Size::B, 2),
                        Stmt::Alu(AluOp::Or, Src::X),
                        Stmt::St(r),
                        Stmt::Tax,
                    ]);
                }
                _ => {}
            }
        } else if self.outermost == Linktype::PRISM_HEADER {
            // libpcap marks PRISM unoptimizable even when the prefix length is not needed.
            self.no_optimize = true;
        }
        let has_prefix = prism || !prologue.is_empty();
        let is_80211 = is_80211(self.outermost);
        let mut entry = root;
        if is_80211 && self.off_linkpl.reg.is_some() {
            entry = self.gen_802_11_header_len(root, has_prefix)?;
            if !prologue.is_empty() {
                self.cfg.prepend(entry, &prologue);
            }
            if prism {
                entry = self.prism_prefix(entry)?;
            }
            return Ok(entry);
        }
        if self.outermost == Linktype::PFLOG {
            if let Some(r) = self.off_linkpl.reg {
                prologue = vec![
                    Stmt::Ld(Size::B, 0),
                    Stmt::Alu(AluOp::Add, Src::K(3)),
                    Stmt::Alu(AluOp::And, Src::K(0xffff_fffc)),
                    Stmt::St(r),
                    Stmt::Tax,
                ];
            }
        }
        if prism {
            return self.prism_prefix(root);
        }
        if prologue.is_empty() && self.is_vlan_vloffset {
            let pl = match self.off_linkpl.reg {
                Some(r) => r,
                None => {
                    let r = self.alloc_reg()?;
                    self.off_linkpl.reg = Some(r);
                    r
                }
            };
            let lt = match self.off_linktype.reg {
                Some(r) => r,
                None => {
                    let r = self.alloc_reg()?;
                    self.off_linktype.reg = Some(r);
                    r
                }
            };
            prologue = vec![Stmt::LdImm(0), Stmt::St(pl), Stmt::St(lt)];
        }
        if !prologue.is_empty() {
            self.cfg.prepend(entry, &prologue);
        }
        Ok(entry)
    }

    /// PRISM's prefix length: `ld [0] & 0xfffff000 == 0x80211000 ? ld [4] : 144`, stored in
    /// off_linkhdr's register and X, before `next`.
    fn prism_prefix(&mut self, next: BlockId) -> Result<BlockId> {
        let Some(r) = self.off_linkhdr.reg else {
            return Ok(next);
        };
        let join = self
            .cfg
            .push(vec![Stmt::St(r), Stmt::Tax], Terminal::Goto(next));
        let avs = self
            .cfg
            .push(vec![Stmt::Ld(Size::W, 4)], Terminal::Goto(join));
        let fixed = self.cfg.push(vec![Stmt::LdImm(144)], Terminal::Goto(join));
        Ok(self.cfg.push(
            vec![
                Stmt::Ld(Size::W, 0),
                Stmt::Alu(AluOp::And, Src::K(0xffff_f000)),
            ],
            Terminal::Branch {
                cond: Cond::Eq,
                src: Src::K(0x8021_1000),
                jt: avs,
                jf: fixed,
            },
        ))
    }

    /// The 802.11 header length into off_linkpl's register: 24, +2 for QoS data frames, and
    /// on radiotap rounded up to 4 when the radiotap flags say the header is padded (libpcap's
    /// `gen_load_802_11_header_len`). Runs before `next`; returns the first block. X holds
    /// the radio prefix length on entry when `has_prefix`, else it is loaded here.
    fn gen_802_11_header_len(&mut self, next: BlockId, has_prefix: bool) -> Result<BlockId> {
        let Some(pl) = self.off_linkpl.reg else {
            return Ok(next);
        };
        self.no_optimize = true;
        let mut head: Vec<Stmt> = Vec::new();
        if !has_prefix {
            head.push(Stmt::LdxImm(self.off_outermostlinkhdr.constant_part));
        }
        head.extend([
            Stmt::Txa,
            Stmt::Alu(AluOp::Add, Src::K(24)),
            Stmt::St(pl),
            Stmt::LdInd(Size::B, 0),
        ]);
        let roundup_target;
        let qos_false;
        // libpcap tests the link type in effect at the end of the expression, not the
        // outermost one: after `pppoes` (which makes the payload PPP) there is no padding
        // check.
        if self.linktype == Linktype::IEEE802_11_RADIO {
            // Round up to a multiple of 4.
            let roundup = self.cfg.push(
                vec![
                    Stmt::LdMem(pl),
                    Stmt::Alu(AluOp::Add, Src::K(3)),
                    Stmt::Alu(AluOp::And, Src::K(!3)),
                    Stmt::St(pl),
                ],
                Terminal::Goto(next),
            );
            roundup_target = Some(roundup);
            let notsft = self.cfg.push(
                vec![Stmt::Ld(Size::B, 8)],
                Terminal::Branch {
                    cond: Cond::Set,
                    src: Src::K(0x20),
                    jt: roundup,
                    jf: next,
                },
            );
            let tsft = self.cfg.push(
                vec![Stmt::Ld(Size::B, 16)],
                Terminal::Branch {
                    cond: Cond::Set,
                    src: Src::K(0x20),
                    jt: roundup,
                    jf: next,
                },
            );
            let tsft_present = self.cfg.push(
                vec![],
                Terminal::Branch {
                    cond: Cond::Set,
                    src: Src::K(0x0000_0001u32.swap_bytes()),
                    jt: tsft,
                    jf: notsft,
                },
            );
            let ext_present = self.cfg.push(
                vec![],
                Terminal::Branch {
                    cond: Cond::Set,
                    src: Src::K(0x8000_0000u32.swap_bytes()),
                    jt: next,
                    jf: tsft_present,
                },
            );
            let flags_present = self.cfg.push(
                vec![Stmt::Ld(Size::W, 4)],
                Terminal::Branch {
                    cond: Cond::Set,
                    src: Src::K(0x0000_0002u32.swap_bytes()),
                    jt: ext_present,
                    jf: next,
                },
            );
            qos_false = flags_present;
        } else {
            roundup_target = None;
            qos_false = next;
        }
        // QoS data frames have two more header bytes; afterwards the radiotap checks (if any)
        // run as well (libpcap falls through from the QoS adjustment into them).
        let after_qos = if roundup_target.is_some() {
            qos_false
        } else {
            next
        };
        let qos = self.cfg.push(
            vec![
                Stmt::LdMem(pl),
                Stmt::Alu(AluOp::Add, Src::K(2)),
                Stmt::St(pl),
            ],
            Terminal::Goto(after_qos),
        );
        let qos_test = self.cfg.push(
            vec![],
            Terminal::Branch {
                cond: Cond::Set,
                src: Src::K(0x80),
                jt: qos,
                jf: qos_false,
            },
        );
        let data2 = self.cfg.push(
            vec![],
            Terminal::Branch {
                cond: Cond::Set,
                src: Src::K(0x04),
                jt: next,
                jf: qos_test,
            },
        );
        Ok(self.cfg.push(
            head,
            Terminal::Branch {
                cond: Cond::Set,
                src: Src::K(0x08),
                jt: data2,
                jf: next,
            },
        ))
    }

    // ---- vlan -----------------------------------------------------------------------------

    fn vlan_tpid_test(&mut self) -> Result<Frag> {
        let b0 = self.linktype(ETHERTYPE_8021Q)?;
        let b1 = self.linktype(ETHERTYPE_8021AD)?;
        let b0 = self.or(b0, b1);
        let b1 = self.linktype(ETHERTYPE_8021QINQ)?;
        Ok(self.or(b0, b1))
    }

    fn vlan_vid_test(&mut self, vlan_num: u32) -> Result<Frag> {
        if vlan_num > 0x0fff {
            bail!(
                OutOfRange,
                "VLAN tag {} greater than maximum {}",
                vlan_num,
                0x0fff
            );
        }
        self.mcmp(Rel::LinkPl, 0, Size::H, vlan_num, 0x0fff)
    }

    fn vlan_no_bpf_extensions(&mut self, vlan_num: Option<u32>) -> Result<Frag> {
        let mut b0 = self.vlan_tpid_test()?;
        if let Some(v) = vlan_num {
            let b1 = self.vlan_vid_test(v)?;
            b0 = self.and(b0, b1);
        }
        self.off_linkpl.constant_part = self.off_linkpl.constant_part.wrapping_add(VLAN_TAG);
        self.off_linktype.constant_part = self.off_linktype.constant_part.wrapping_add(VLAN_TAG);
        Ok(b0)
    }

    /// `ld M[r]; add #v; st M[r]` for a variable offset (made variable if it was not).
    fn vlan_vloffset_add(&mut self, which: OffsetField, v: u32, s: &mut Vec<Stmt>) -> Result<()> {
        self.offset_mut(which).is_variable = true;
        let r = match self.offset_mut(which).reg {
            Some(r) => r,
            None => {
                let r = self.alloc_reg()?;
                self.offset_mut(which).reg = Some(r);
                r
            }
        };
        s.extend([
            Stmt::LdMem(r),
            Stmt::Alu(AluOp::Add, Src::K(v)),
            Stmt::St(r),
        ]);
        Ok(())
    }

    /// Live Linux: the kernel strips the first tag and reports it in ancillary data.
    fn vlan_bpf_extensions(&mut self, vlan_num: Option<u32>) -> Result<Frag> {
        let present = self.test(
            vec![Stmt::Ld(
                Size::B,
                crate::bpf::op::SKF_AD_OFF + crate::bpf::op::SKF_AD_VLAN_TAG_PRESENT,
            )],
            Cond::Eq,
            1,
        );
        let b_tpid = self.vlan_tpid_test()?;
        let b_vid = match vlan_num {
            Some(v) => Some(self.vlan_vid_test(v)?),
            None => None,
        };
        // Found the tag in the packet: every later offset moves by 4 at run time.
        self.is_vlan_vloffset = true;
        let mut s = Vec::new();
        self.vlan_vloffset_add(OffsetField::LinkPl, VLAN_TAG, &mut s)?;
        self.vlan_vloffset_add(OffsetField::LinkType, VLAN_TAG, &mut s)?;
        self.cfg.prepend(b_tpid.entry, &s);
        let mut b0 = self.or(present, b_tpid);
        if let Some(mut vid) = b_vid {
            // The VID from the ancillary data when the kernel has the tag, else from the
            // packet: `ldb [vlanp]; jeq #1 → ldb [vlan_tci] / <vid loads>`, joining before the
            // vid test's last statement (its `and #0xfff`).
            let v = vid.entry;
            let n = self.cfg.block(v).stmts.len();
            let tail = self.split_block(&mut vid, v, n.saturating_sub(1));
            let loads: Vec<Stmt> = std::mem::take(&mut self.cfg.block_mut(v).stmts);
            let from_packet = self.cfg.push(loads, Terminal::Goto(tail));
            let from_aux = self.cfg.push(
                vec![Stmt::Ld(
                    Size::B,
                    crate::bpf::op::SKF_AD_OFF + crate::bpf::op::SKF_AD_VLAN_TAG,
                )],
                Terminal::Goto(tail),
            );
            let blk = self.cfg.block_mut(v);
            blk.stmts = vec![Stmt::Ld(
                Size::B,
                crate::bpf::op::SKF_AD_OFF + crate::bpf::op::SKF_AD_VLAN_TAG_PRESENT,
            )];
            blk.term = Terminal::Branch {
                cond: Cond::Eq,
                src: Src::K(1),
                jt: from_aux,
                jf: from_packet,
            };
            b0 = self.and(b0, vid);
        }
        Ok(b0)
    }

    /// `vlan [id]` (libpcap's `gen_vlan`).
    pub fn vlan(&mut self, vlan_num: Option<u32>) -> Result<Frag> {
        if self.label_stack_depth > 0 {
            bail!(UnsupportedLinktype, "no VLAN match after MPLS");
        }
        let lt = self.linktype;
        let b0 = if is_ethernet(lt) {
            if self.ctx == Context::Live
                && self.vlan_stack_depth == 0
                && !self.off_linkhdr.is_variable
                && self.off_linkhdr.constant_part == self.off_outermostlinkhdr.constant_part
            {
                self.vlan_bpf_extensions(vlan_num)?
            } else {
                self.vlan_no_bpf_extensions(vlan_num)?
            }
        } else if matches!(
            lt,
            Linktype::IEEE802_11
                | Linktype::PRISM_HEADER
                | Linktype::IEEE802_11_RADIO_AVS
                | Linktype::IEEE802_11_RADIO
        ) {
            self.vlan_no_bpf_extensions(vlan_num)?
        } else {
            bail!(
                UnsupportedLinktype,
                "no VLAN support for {}",
                Gen::describe(lt)
            );
        };
        self.vlan_stack_depth += 1;
        Ok(b0)
    }

    // ---- mpls, pppoe ------------------------------------------------------------------------

    /// `mpls [label]` (libpcap's `gen_mpls`).
    pub fn mpls(&mut self, label: Option<u32>) -> Result<Frag> {
        let mut b0 = if self.label_stack_depth > 0 {
            self.mcmp(Rel::PrevMplsHdr, 2, Size::B, 0, 0x01)?
        } else {
            let lt = self.linktype;
            if is_ethernet(lt) || lt == Linktype::C_HDLC || lt == HDLC {
                self.linktype(ETHERTYPE_MPLS)?
            } else if lt == Linktype::PPP {
                self.linktype(u32::from(link::ppp::MPLS_UCAST))?
            } else {
                bail!(
                    UnsupportedLinktype,
                    "no MPLS support for {}",
                    Gen::describe(lt)
                );
            }
        };
        if let Some(label) = label {
            if label > 0xfffff {
                bail!(
                    OutOfRange,
                    "MPLS label {} greater than maximum {}",
                    label,
                    0xfffff
                );
            }
            let b1 = self.mcmp(Rel::LinkPl, 0, Size::W, label << 12, 0xffff_f000)?;
            b0 = self.and(b0, b1);
        }
        self.off_nl_nosnap = self.off_nl_nosnap.wrapping_add(4);
        self.off_nl = self.off_nl.wrapping_add(4);
        self.label_stack_depth += 1;
        Ok(b0)
    }

    /// `pppoed`
    pub fn pppoed(&mut self) -> Result<Frag> {
        self.linktype(ETHERTYPE_PPPOED)
    }

    /// `pppoes [session]`: afterwards the link layer is PPP inside the PPPoE header.
    pub fn pppoes(&mut self, session: Option<u32>) -> Result<Frag> {
        let mut b0 = self.linktype(ETHERTYPE_PPPOES)?;
        if let Some(sess) = session {
            if sess > 0xffff {
                bail!(
                    OutOfRange,
                    "PPPoE session number {} greater than maximum {}",
                    sess,
                    0xffff
                );
            }
            let b1 = self.mcmp(Rel::LinkPl, 0, Size::W, sess, 0x0000_ffff)?;
            b0 = self.and(b0, b1);
        }
        let pl = self.off_linkpl;
        self.push_linkhdr(
            Linktype::PPP,
            pl.is_variable,
            pl.constant_part.wrapping_add(self.off_nl).wrapping_add(6),
            pl.reg,
        );
        self.off_linktype = self.off_linkhdr;
        self.off_linkpl.constant_part = self.off_linkhdr.constant_part.wrapping_add(2);
        self.off_nl = 0;
        self.off_nl_nosnap = 0;
        Ok(b0)
    }

    // ---- geneve -----------------------------------------------------------------------------

    fn geneve_check(&mut self, v6: bool, vni: Option<u32>) -> Result<Frag> {
        let rel = if v6 { Rel::TranIpv6 } else { Rel::TranIpv4 };
        let b0 = if v6 {
            self.port6(GENEVE_PORT, Some(super::transport::IPPROTO_UDP), Dir::Dst)?
        } else {
            self.port4(GENEVE_PORT, Some(super::transport::IPPROTO_UDP), Dir::Dst)?
        };
        let b1 = self.mcmp(rel, 8, Size::B, 0, 0xc0)?;
        let mut b0 = self.and(b0, b1);
        if let Some(vni) = vni {
            if vni > 0xff_ffff {
                bail!(
                    OutOfRange,
                    "Geneve VNI {} greater than maximum {}",
                    vni,
                    0xff_ffff
                );
            }
            let b1 = self.mcmp(rel, 12, Size::W, vni << 8, 0xffff_ff00)?;
            b0 = self.and(b0, b1);
        }
        Ok(b0)
    }

    fn geneve4(&mut self, vni: Option<u32>) -> Result<Frag> {
        let b0 = self.geneve_check(false, vni)?;
        let mut s = self.loadx_iphdrlen()?;
        s.push(Stmt::Txa);
        let b1 = self.test_x(s, Cond::Eq);
        Ok(self.and(b0, b1))
    }

    fn geneve6(&mut self, vni: Option<u32>) -> Result<Frag> {
        let b0 = self.geneve_check(true, vni)?;
        let mut s = match self.abs_offset_varpart(OffsetField::LinkPl)? {
            Some(ldx) => vec![ldx, Stmt::LdImm(40), Stmt::Alu(AluOp::Add, Src::X)],
            None => vec![Stmt::LdImm(40)],
        };
        s.push(Stmt::Tax);
        let b1 = self.test_x(s, Cond::Eq);
        Ok(self.and(b0, b1))
    }

    /// `geneve [vni]`: afterwards offsets point into the encapsulated frame (libpcap's
    /// `gen_geneve`).
    pub fn geneve(&mut self, vni: Option<u32>) -> Result<Frag> {
        let b0 = self.geneve4(vni)?;
        let b1 = self.geneve6(vni)?;
        let b0 = self.or(b0, b1);

        // The inner offsets, computed at run time from A = the UDP header's offset.
        let mut s = vec![
            Stmt::Alu(
                AluOp::Add,
                Src::K(
                    self.off_linkpl
                        .constant_part
                        .wrapping_add(self.off_nl)
                        .wrapping_add(8),
                ),
            ),
            Stmt::Tax,
            Stmt::Alu(AluOp::Add, Src::K(2)),
        ];
        let lt_reg = self.alloc_reg()?;
        self.off_linktype = AbsOffset {
            is_variable: true,
            constant_part: 0,
            reg: Some(lt_reg),
        };
        s.extend([
            Stmt::St(lt_reg),
            Stmt::LdInd(Size::B, 0),
            Stmt::Alu(AluOp::And, Src::K(0x3f)),
            Stmt::Alu(AluOp::Mul, Src::K(4)),
            Stmt::Alu(AluOp::Add, Src::K(8)),
            Stmt::Alu(AluOp::Add, Src::X),
        ]);
        let hdr_reg = self.alloc_reg()?;
        self.push_linkhdr(Linktype::EN10MB, true, 0, Some(hdr_reg));
        s.extend([Stmt::St(hdr_reg)]);
        self.no_optimize = true;
        s.extend([Stmt::LdInd(Size::H, 2), Stmt::LdxMem(hdr_reg)]);
        let pl_reg = self.alloc_reg()?;
        self.off_linkpl = AbsOffset {
            is_variable: true,
            constant_part: 0,
            reg: Some(pl_reg),
        };
        self.off_nl = 0;
        // jeq #TEB → (txa; add #12; st M[lt]; add #2; tax) → stx M[pl]; else → stx M[pl]
        let t = self.gen_true();
        let store = self.cfg.block(t.entry).stmts.clone();
        let join_stmts: Vec<Stmt> = std::iter::once(Stmt::Stx(pl_reg)).chain(store).collect();
        self.cfg.block_mut(t.entry).stmts = join_stmts;
        let join = t.entry;
        let teb = self.cfg.push(
            vec![
                Stmt::Txa,
                Stmt::Alu(AluOp::Add, Src::K(12)),
                Stmt::St(lt_reg),
                Stmt::Alu(AluOp::Add, Src::K(2)),
                Stmt::Tax,
            ],
            Terminal::Goto(join),
        );
        let head = self.cfg.push(
            s,
            Terminal::Branch {
                cond: Cond::Eq,
                src: Src::K(ETHERTYPE_TEB),
                jt: teb,
                jf: join,
            },
        );
        let b1 = Frag {
            entry: head,
            t: t.t,
            f: t.f,
        };
        let b1 = self.and(b0, b1);
        self.is_geneve = true;
        Ok(b1)
    }

    /// Inside Geneve: an inner Ethernet header is present (the link header and payload
    /// offsets differ).
    fn geneve_ll_check(&mut self) -> Result<Frag> {
        let (Some(h), Some(p)) = (self.off_linkhdr.reg, self.off_linkpl.reg) else {
            return Err(super::Error::internal("geneve registers missing"));
        };
        let b0 = self.test_x(vec![Stmt::LdMem(h), Stmt::LdxMem(p)], Cond::Eq);
        Ok(self.not(b0))
    }
}

/// Geneve's UDP port.
const GENEVE_PORT: u32 = 6081;
