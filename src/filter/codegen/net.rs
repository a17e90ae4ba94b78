//! Network-layer primitives: hosts and networks (IPv4, IPv6, DECnet, MAC and ARCnet
//! addresses), `proto`, `protochain`, protocol abbreviations (`tcp`, `ip6`, `isis`…),
//! `broadcast` and `multicast`.

use super::link::*;
use super::{bail, Gen, Rel, Result};
use crate::filter::ast::ProtoName;
use crate::filter::ir::{AluOp, Cond, Frag, Size, Src, Stmt, Terminal};
use crate::filter::resolve::{CastLayer, Dir, Family, HostProto, IpNet, MacDir, ProtoLayer};
use crate::linktype::Linktype;
use crate::wire::{arp, ethernet, ipv4, ipv6};

/// Header offsets, from the views' field ranges.
const IP_PROTO: u32 = ipv4::field::PROTOCOL as u32;
const IP_FRAG: u32 = ipv4::field::FLAGS_FRAG.start as u32;
const IP_SRC: u32 = ipv4::field::SRC.start as u32;
const IP_DST: u32 = ipv4::field::DST.start as u32;
const IP6_NEXT: u32 = ipv6::field::NEXT_HEADER as u32;
const IP6_SRC: u32 = ipv6::field::SRC.start as u32;
const IP6_DST: u32 = ipv6::field::DST.start as u32;
const IP6_PAYLOAD: u32 = ipv6::field::PAYLOAD as u32;
/// ARP for IPv4 over Ethernet: sender protocol address after the 6-byte sender hardware
/// address, target protocol address after the target hardware address.
const ARP_SPA: u32 = arp::field::SHA as u32 + 6;
const ARP_TPA: u32 = ARP_SPA + 4 + 6;
const ETH_DST: u32 = ethernet::field::DST.start as u32;
const ETH_SRC: u32 = ethernet::field::SRC.start as u32;

const IPPROTO_HOPOPTS: u32 = 0;
const IPPROTO_ICMP: u32 = 1;
const IPPROTO_IGMP: u32 = 2;
const IPPROTO_IGRP: u32 = 9;
pub(crate) const IPPROTO_TCP: u32 = 6;
pub(crate) const IPPROTO_UDP: u32 = 17;
const IPPROTO_ROUTING: u32 = 43;
const IPPROTO_FRAGMENT: u32 = 44;
const IPPROTO_ESP: u32 = 50;
const IPPROTO_AH: u32 = 51;
const IPPROTO_ICMPV6: u32 = 58;
const IPPROTO_NONE: u32 = 59;
const IPPROTO_DSTOPTS: u32 = 60;
const IPPROTO_PIM: u32 = 103;
const IPPROTO_VRRP: u32 = 112;
const IPPROTO_CARP: u32 = 112;
pub(crate) const IPPROTO_SCTP: u32 = 132;

const ISIS_L1_LAN_IIH: u32 = 15;
const ISIS_L2_LAN_IIH: u32 = 16;
const ISIS_PTP_IIH: u32 = 17;
const ISIS_L1_LSP: u32 = 18;
const ISIS_L2_LSP: u32 = 20;
const ISIS_L1_CSNP: u32 = 24;
const ISIS_L2_CSNP: u32 = 25;
const ISIS_L1_PSNP: u32 = 26;
const ISIS_L2_PSNP: u32 = 27;

/// The 802.11 frame-control constants the address tests use.
const FC0_TYPE_MASK: u32 = 0x0c;
const FC0_TYPE_CTL: u32 = 0x04;
const FC0_SUBTYPE_MASK: u32 = 0xf0;
const FC0_SUBTYPE_CTS: u32 = 0xc0;
const FC0_SUBTYPE_ACK: u32 = 0xd0;
const FC1_DIR_MASK: u32 = 0x03;
const FC1_DIR_DSTODS: u32 = 0x03;

/// The message for an 802.11-only direction on a MAC address of another link type.
/// `with_headers`: Ethernet's wording ("… only supported on 802.11 with 802.11 headers").
fn only_80211_dir(dir: MacDir, with_headers: bool) -> String {
    let what = match dir {
        MacDir::Addr1 => "'addr1' and 'address1' are",
        MacDir::Addr2 => "'addr2' and 'address2' are",
        MacDir::Addr3 => "'addr3' and 'address3' are",
        MacDir::Addr4 => "'addr4' and 'address4' are",
        MacDir::Ra => "'ra' is",
        _ => "'ta' is",
    };
    if with_headers {
        format!("{what} only supported on 802.11 with 802.11 headers")
    } else {
        format!("{what} only supported on 802.11")
    }
}

/// A plain direction as a MAC direction.
pub(crate) fn mac_dir(d: Dir) -> MacDir {
    match d {
        Dir::Src => MacDir::Src,
        Dir::Dst => MacDir::Dst,
        Dir::SrcOrDst => MacDir::SrcOrDst,
        Dir::SrcAndDst => MacDir::SrcAndDst,
    }
}

/// Which of libpcap's per-link-type MAC address layouts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mac {
    Ether,
    Fddi,
    TokenRing,
    Wlan,
    IpFc,
}

impl Gen {
    // ---- IPv4 / ARP hosts -------------------------------------------------------------------

    fn hostop(
        &mut self,
        addr: u32,
        mask: u32,
        dir: Dir,
        ll_proto: u32,
        src_off: u32,
        dst_off: u32,
    ) -> Result<Frag> {
        let offset = match dir {
            Dir::Src => src_off,
            Dir::Dst => dst_off,
            Dir::SrcAndDst | Dir::SrcOrDst => {
                let b0 = self.hostop(addr, mask, Dir::Src, ll_proto, src_off, dst_off)?;
                let b1 = self.hostop(addr, mask, Dir::Dst, ll_proto, src_off, dst_off)?;
                return Ok(if dir == Dir::SrcAndDst {
                    self.and(b0, b1)
                } else {
                    self.or(b0, b1)
                });
            }
        };
        let b0 = self.linktype(ll_proto)?;
        let b1 = self.mcmp(Rel::LinkPl, offset, Size::W, addr, mask)?;
        Ok(self.and(b0, b1))
    }

    fn hostop6(
        &mut self,
        addr: &[u8; 16],
        mask: &[u8; 16],
        dir: Dir,
        src_off: u32,
        dst_off: u32,
    ) -> Result<Frag> {
        let offset = match dir {
            Dir::Src => src_off,
            Dir::Dst => dst_off,
            Dir::SrcAndDst | Dir::SrcOrDst => {
                let b0 = self.hostop6(addr, mask, Dir::Src, src_off, dst_off)?;
                let b1 = self.hostop6(addr, mask, Dir::Dst, src_off, dst_off)?;
                return Ok(if dir == Dir::SrcAndDst {
                    self.and(b0, b1)
                } else {
                    self.or(b0, b1)
                });
            }
        };
        let word = |b: &[u8; 16], i: usize| {
            u32::from_be_bytes([b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]])
        };
        // Built last word first; evaluated first word first.
        let mut b1 = self.mcmp(
            Rel::LinkPl,
            offset + 12,
            Size::W,
            word(addr, 3),
            word(mask, 3),
        )?;
        for i in (0..3).rev() {
            let b0 = self.mcmp(
                Rel::LinkPl,
                offset + 4 * i as u32,
                Size::W,
                word(addr, i),
                word(mask, i),
            )?;
            b1 = self.and(b0, b1);
        }
        let b0 = self.linktype(ETHERTYPE_IPV6)?;
        Ok(self.and(b0, b1))
    }

    /// An IPv4 host or network (libpcap's `gen_host` for `ip`, `arp`, `rarp` and none).
    pub(crate) fn host(
        &mut self,
        addr: u32,
        mask: u32,
        proto: HostProto,
        dir: Dir,
    ) -> Result<Frag> {
        match proto {
            HostProto::Default => {
                let b0 = self.host(addr, mask, HostProto::Ip, dir)?;
                if self.label_stack_depth == 0 {
                    let b1 = self.host(addr, mask, HostProto::Arp, dir)?;
                    let b1 = self.or(b0, b1);
                    let b0 = self.host(addr, mask, HostProto::Rarp, dir)?;
                    return Ok(self.or(b1, b0));
                }
                Ok(b0)
            }
            HostProto::Ip => self.hostop(addr, mask, dir, ETHERTYPE_IP, IP_SRC, IP_DST),
            HostProto::Rarp => self.hostop(addr, mask, dir, ETHERTYPE_REVARP, ARP_SPA, ARP_TPA),
            HostProto::Arp => self.hostop(addr, mask, dir, ETHERTYPE_ARP, ARP_SPA, ARP_TPA),
            HostProto::Ip6 => Err(super::Error::internal("ip6 qualifier on an IPv4 address")),
        }
    }

    /// An IPv6 host or network (libpcap's `gen_host6`).
    pub(crate) fn host6(&mut self, addr: &[u8; 16], prefix: u8, dir: Dir) -> Result<Frag> {
        let mut mask = [0u8; 16];
        for (i, m) in mask.iter_mut().enumerate() {
            let bits = u32::from(prefix).saturating_sub(8 * i as u32).min(8);
            *m = if bits == 0 { 0 } else { 0xffu8 << (8 - bits) };
        }
        self.hostop6(addr, &mask, dir, IP6_SRC, IP6_DST)
    }

    /// `host`/`net` with one or more addresses, OR-ed in order (a literal, or a host name's
    /// addresses). For names, an unqualified protocol means `ip`/`ip6` only on link types
    /// without a link-layer type field.
    pub fn hosts(
        &mut self,
        proto: HostProto,
        dir: Dir,
        nets: &[IpNet],
        by_name: bool,
    ) -> Result<Frag> {
        let v4_proto = if by_name
            && proto == HostProto::Default
            && self.off_linktype.constant_part == super::NOT_SET
        {
            HostProto::Ip
        } else {
            proto
        };
        let mut acc: Option<Frag> = None;
        for net in nets {
            let tmp = match *net {
                IpNet::V4 { addr, mask } => {
                    if v4_proto == HostProto::Ip6 {
                        continue;
                    }
                    self.host(addr, mask, v4_proto, dir)?
                }
                IpNet::V6 { addr, prefix } => {
                    if matches!(proto, HostProto::Ip | HostProto::Arp | HostProto::Rarp) {
                        continue;
                    }
                    self.host6(&addr, prefix, dir)?
                }
            };
            acc = Some(match acc {
                Some(b) => self.or(b, tmp),
                None => tmp,
            });
        }
        acc.ok_or_else(|| super::Error::internal("host with no address"))
    }

    // ---- MAC addresses ------------------------------------------------------------------------

    fn mac_hostop(&mut self, kind: Mac, eaddr: &[u8; 6], dir: MacDir) -> Result<Frag> {
        let (src, dst) = match kind {
            Mac::Ether => (ETH_SRC, ETH_DST),
            Mac::Fddi => (7, 1), // + FDDI pad (0 on Linux)
            Mac::TokenRing => (8, 2),
            Mac::IpFc => (10, 2),
            Mac::Wlan => return self.wlanhostop(eaddr, dir),
        };
        match dir {
            MacDir::Src => self.bcmp(Rel::LinkHdr, src, eaddr),
            MacDir::Dst => self.bcmp(Rel::LinkHdr, dst, eaddr),
            MacDir::SrcAndDst | MacDir::SrcOrDst => {
                let b0 = self.mac_hostop(kind, eaddr, MacDir::Src)?;
                let b1 = self.mac_hostop(kind, eaddr, MacDir::Dst)?;
                Ok(if dir == MacDir::SrcAndDst {
                    self.and(b0, b1)
                } else {
                    self.or(b0, b1)
                })
            }
            other => bail!(
                InvalidQualifier,
                "{}",
                only_80211_dir(other, kind == Mac::Ether)
            ),
        }
    }

    /// A byte test of 802.11 frame-control bits: `jset #mask` on byte `off`.
    fn fc_jset(&mut self, off: u32, mask: u32) -> Result<Frag> {
        self.jset(Rel::LinkHdr, off, Size::B, mask)
    }

    /// 802.11 addresses: which address field is the source or destination depends on the
    /// To-DS/From-DS bits (libpcap's `gen_wlanhostop`).
    fn wlanhostop(&mut self, eaddr: &[u8; 6], dir: MacDir) -> Result<Frag> {
        match dir {
            MacDir::Src | MacDir::Dst => {
                let src = dir == MacDir::Src;
                // To DS set: SA at 24 (src) / DA at 16 (dst).
                let b1 = self.fc_jset(1, 0x01)?;
                let b0 = self.bcmp(Rel::LinkHdr, if src { 24 } else { 16 }, eaddr)?;
                let mut b0 = self.and(b1, b0);
                if src {
                    // To DS clear: SA at 16.
                    let b2 = self.fc_jset(1, 0x01)?;
                    let b2 = self.not(b2);
                    let b1 = self.bcmp(Rel::LinkHdr, 16, eaddr)?;
                    let b1 = self.and(b2, b1);
                    b0 = self.or(b1, b0);
                    // From DS set.
                    let b1 = self.fc_jset(1, 0x02)?;
                    b0 = self.and(b1, b0);
                    // From DS clear: SA at 10.
                    let b2 = self.fc_jset(1, 0x02)?;
                    let b2 = self.not(b2);
                    let b1 = self.bcmp(Rel::LinkHdr, 10, eaddr)?;
                    let b1 = self.and(b2, b1);
                    b0 = self.or(b1, b0);
                } else {
                    // To DS clear: DA at 4.
                    let b2 = self.fc_jset(1, 0x01)?;
                    let b2 = self.not(b2);
                    let b1 = self.bcmp(Rel::LinkHdr, 4, eaddr)?;
                    let b1 = self.and(b2, b1);
                    b0 = self.or(b1, b0);
                }
                // Data frame.
                let b1 = self.fc_jset(0, 0x08)?;
                b0 = self.and(b1, b0);
                // Not a data frame: the address at 10 (src) / 4 (dst).
                let b2 = self.fc_jset(0, 0x08)?;
                let b2 = self.not(b2);
                let b1 = self.bcmp(Rel::LinkHdr, if src { 10 } else { 4 }, eaddr)?;
                let b1 = self.and(b2, b1);
                b0 = self.or(b1, b0);
                // Type bit 0x04 clear (not a control frame).
                let b1 = self.fc_jset(0, 0x04)?;
                let b1 = self.not(b1);
                Ok(self.and(b1, b0))
            }
            MacDir::SrcAndDst | MacDir::SrcOrDst => {
                let b0 = self.wlanhostop(eaddr, MacDir::Src)?;
                let b1 = self.wlanhostop(eaddr, MacDir::Dst)?;
                Ok(if dir == MacDir::SrcAndDst {
                    self.and(b0, b1)
                } else {
                    self.or(b0, b1)
                })
            }
            MacDir::Addr1 => self.bcmp(Rel::LinkHdr, 4, eaddr),
            MacDir::Addr2 | MacDir::Ta => {
                let b0 = self.mcmp(Rel::LinkHdr, 0, Size::B, FC0_TYPE_CTL, FC0_TYPE_MASK)?;
                let b0 = self.not(b0);
                let b1 = self.mcmp(Rel::LinkHdr, 0, Size::B, FC0_SUBTYPE_CTS, FC0_SUBTYPE_MASK)?;
                let b1 = self.not(b1);
                let b2 = self.mcmp(Rel::LinkHdr, 0, Size::B, FC0_SUBTYPE_ACK, FC0_SUBTYPE_MASK)?;
                let b2 = self.not(b2);
                let b2 = self.and(b1, b2);
                let mut b2 = self.or(b0, b2);
                if dir == MacDir::Ta {
                    let b1 = self.fc_jset(0, 0x08)?;
                    b2 = self.and(b1, b2);
                }
                let b1 = self.bcmp(Rel::LinkHdr, 10, eaddr)?;
                Ok(self.and(b2, b1))
            }
            MacDir::Addr3 => {
                let b0 = self.mcmp(Rel::LinkHdr, 0, Size::B, FC0_TYPE_CTL, FC0_TYPE_MASK)?;
                let b0 = self.not(b0);
                let b1 = self.bcmp(Rel::LinkHdr, 16, eaddr)?;
                Ok(self.and(b0, b1))
            }
            MacDir::Addr4 => {
                let b0 = self.mcmp(Rel::LinkHdr, 1, Size::B, FC1_DIR_DSTODS, FC1_DIR_MASK)?;
                let b1 = self.bcmp(Rel::LinkHdr, 24, eaddr)?;
                Ok(self.and(b0, b1))
            }
            MacDir::Ra => {
                let b1 = self.fc_jset(0, 0x08)?;
                let b0 = self.bcmp(Rel::LinkHdr, 4, eaddr)?;
                Ok(self.and(b1, b0))
            }
        }
    }

    /// ARCnet's one-byte addresses (libpcap's `gen_ahostop`).
    fn ahostop(&mut self, eaddr: u8, dir: Dir) -> Result<Frag> {
        match dir {
            Dir::Src => self.bcmp(Rel::LinkHdr, 0, &[eaddr]),
            Dir::Dst => self.bcmp(Rel::LinkHdr, 1, &[eaddr]),
            Dir::SrcAndDst | Dir::SrcOrDst => {
                let b0 = self.ahostop(eaddr, Dir::Src)?;
                let b1 = self.ahostop(eaddr, Dir::Dst)?;
                Ok(if dir == Dir::SrcAndDst {
                    self.and(b0, b1)
                } else {
                    self.or(b0, b1)
                })
            }
        }
    }

    /// The MAC layout of the current link type, if it has MAC addresses.
    fn mac_kind(&self) -> Option<Mac> {
        let lt = self.linktype;
        Some(if is_ethernet(lt) {
            Mac::Ether
        } else if lt == Linktype::FDDI {
            Mac::Fddi
        } else if lt == Linktype::IEEE802 {
            Mac::TokenRing
        } else if is_80211(lt) {
            Mac::Wlan
        } else if lt == Linktype::IP_OVER_FC {
            Mac::IpFc
        } else {
            return None;
        })
    }

    /// A MAC address test on the current link type (Ethernet adds the encapsulation check).
    fn mac_host(&mut self, kind: Mac, eaddr: &[u8; 6], dir: MacDir) -> Result<Frag> {
        if kind == Mac::Ether {
            let tmp = self.prevlinkhdr_check()?;
            let b = self.mac_hostop(kind, eaddr, dir)?;
            Ok(self.and_opt(tmp, b))
        } else {
            self.mac_hostop(kind, eaddr, dir)
        }
    }

    /// `ether [dir] host MAC` (libpcap's `gen_ecode`, or `gen_scode` for a name from ethers).
    pub fn link_host(&mut self, dir: MacDir, mac: &[u8; 6], by_name: bool) -> Result<Frag> {
        match self.mac_kind() {
            Some(kind) => self.mac_host(kind, mac, dir),
            None if by_name => bail!(
                UnsupportedLinktype,
                "only ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel supports link-level host name"
            ),
            None => bail!(
                UnsupportedLinktype,
                "ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel"
            ),
        }
    }

    /// An ARCnet address (libpcap's `gen_acode`); `byte` is what libpcap compares.
    pub fn arcnet_host(&mut self, dir: Dir, byte: u8) -> Result<Frag> {
        if matches!(self.linktype, Linktype::ARCNET | Linktype::ARCNET_LINUX) {
            self.ahostop(byte, dir)
        } else {
            bail!(UnsupportedLinktype, "aid supported only on ARCnet")
        }
    }

    // ---- DECnet ---------------------------------------------------------------------------

    /// DECnet addresses: four header layouts, address compared byte-swapped (libpcap's
    /// `gen_dnhostop`, as it behaves on a little-endian host).
    pub fn decnet_host(&mut self, addr: u32, dir: Dir) -> Result<Frag> {
        let (offset_sh, offset_lh) = match dir {
            Dir::Dst => (1, 7),
            Dir::Src => (3, 15),
            Dir::SrcAndDst | Dir::SrcOrDst => {
                let b0 = self.decnet_host(addr, Dir::Src)?;
                let b1 = self.decnet_host(addr, Dir::Dst)?;
                return Ok(if dir == Dir::SrcAndDst {
                    self.and(b0, b1)
                } else {
                    self.or(b0, b1)
                });
            }
        };
        let a = u32::from((addr as u16).swap_bytes());
        let b0 = self.linktype(ETHERTYPE_DN)?;
        // Long header, with a padding byte.
        let tmp = self.mcmp(Rel::LinkPl, 2, Size::H, 0x8106, 0xff07)?;
        let b1 = self.cmp(Rel::LinkPl, 2 + 1 + offset_lh, Size::H, a)?;
        let b1 = self.and(tmp, b1);
        // Long header, no padding.
        let tmp = self.mcmp(Rel::LinkPl, 2, Size::B, 0x06, 0x07)?;
        let b2 = self.cmp(Rel::LinkPl, 2 + offset_lh, Size::H, a)?;
        let b2 = self.and(tmp, b2);
        let b1 = self.or(b2, b1);
        // Short header, with padding.
        let tmp = self.mcmp(Rel::LinkPl, 2, Size::H, 0x8102, 0xff07)?;
        let b2 = self.cmp(Rel::LinkPl, 2 + 1 + offset_sh, Size::H, a)?;
        let b2 = self.and(tmp, b2);
        let b1 = self.or(b2, b1);
        // Short header, no padding.
        let tmp = self.mcmp(Rel::LinkPl, 2, Size::B, 0x02, 0x07)?;
        let b2 = self.cmp(Rel::LinkPl, 2 + offset_sh, Size::H, a)?;
        let b2 = self.and(tmp, b2);
        let b1 = self.or(b2, b1);
        Ok(self.and(b0, b1))
    }

    // ---- protocols ----------------------------------------------------------------------------

    /// A protocol name alone: `tcp`, `ip6`, `arp`, `isis`, `l1`… (libpcap's
    /// `gen_proto_abbrev`).
    pub fn proto_abbrev(&mut self, proto: ProtoName) -> Result<Frag> {
        use ProtoLayer as L;
        Ok(match proto {
            ProtoName::Sctp => self.proto(IPPROTO_SCTP, L::Default)?,
            ProtoName::Tcp => self.proto(IPPROTO_TCP, L::Default)?,
            ProtoName::Udp => self.proto(IPPROTO_UDP, L::Default)?,
            ProtoName::Icmp => self.proto(IPPROTO_ICMP, L::Ip)?,
            ProtoName::Igmp => self.proto(IPPROTO_IGMP, L::Ip)?,
            ProtoName::Igrp => self.proto(IPPROTO_IGRP, L::Ip)?,
            ProtoName::Pim => self.proto(IPPROTO_PIM, L::Default)?,
            ProtoName::Vrrp => self.proto(IPPROTO_VRRP, L::Ip)?,
            ProtoName::Carp => self.proto(IPPROTO_CARP, L::Ip)?,
            ProtoName::Ip => self.linktype(ETHERTYPE_IP)?,
            ProtoName::Arp => self.linktype(ETHERTYPE_ARP)?,
            ProtoName::Rarp => self.linktype(ETHERTYPE_REVARP)?,
            ProtoName::Link => bail!(InvalidQualifier, "link layer applied in wrong context"),
            ProtoName::Atalk => self.linktype(ETHERTYPE_ATALK)?,
            ProtoName::Aarp => self.linktype(ETHERTYPE_AARP)?,
            ProtoName::Decnet => self.linktype(ETHERTYPE_DN)?,
            ProtoName::Sca => self.linktype(ETHERTYPE_SCA)?,
            ProtoName::Lat => self.linktype(ETHERTYPE_LAT)?,
            ProtoName::Mopdl => self.linktype(ETHERTYPE_MOPDL)?,
            ProtoName::Moprc => self.linktype(ETHERTYPE_MOPRC)?,
            ProtoName::Ip6 => self.linktype(ETHERTYPE_IPV6)?,
            ProtoName::Icmp6 => self.proto(IPPROTO_ICMPV6, L::Ip6)?,
            ProtoName::Ah => self.proto(IPPROTO_AH, L::Default)?,
            ProtoName::Esp => self.proto(IPPROTO_ESP, L::Default)?,
            ProtoName::Iso => self.linktype(LLCSAP_ISONS)?,
            ProtoName::Esis => self.proto(ISO9542_ESIS, L::Iso)?,
            ProtoName::Isis => self.proto(ISO10589_ISIS, L::Iso)?,
            ProtoName::L1 => self.isis_any(&[
                ISIS_L1_LAN_IIH,
                ISIS_PTP_IIH,
                ISIS_L1_LSP,
                ISIS_L1_CSNP,
                ISIS_L1_PSNP,
            ])?,
            ProtoName::L2 => self.isis_any(&[
                ISIS_L2_LAN_IIH,
                ISIS_PTP_IIH,
                ISIS_L2_LSP,
                ISIS_L2_CSNP,
                ISIS_L2_PSNP,
            ])?,
            ProtoName::Iih => self.isis_any(&[ISIS_L1_LAN_IIH, ISIS_L2_LAN_IIH, ISIS_PTP_IIH])?,
            ProtoName::Lsp => self.isis_any(&[ISIS_L1_LSP, ISIS_L2_LSP])?,
            ProtoName::Snp => {
                self.isis_any(&[ISIS_L1_CSNP, ISIS_L2_CSNP, ISIS_L1_PSNP, ISIS_L2_PSNP])?
            }
            ProtoName::Csnp => self.isis_any(&[ISIS_L1_CSNP, ISIS_L2_CSNP])?,
            ProtoName::Psnp => self.isis_any(&[ISIS_L1_PSNP, ISIS_L2_PSNP])?,
            ProtoName::Clnp => self.proto(ISO8473_CLNP, L::Iso)?,
            ProtoName::Stp => self.linktype(LLCSAP_8021D)?,
            ProtoName::Ipx => self.linktype(LLCSAP_IPX)?,
            ProtoName::Netbeui => self.linktype(LLCSAP_NETBEUI)?,
            ProtoName::Radio => bail!(InvalidQualifier, "'radio' is not a valid protocol type"),
        })
    }

    /// IS-IS PDU types OR-ed: libpcap builds `t0 or t1`, then `t2 or (…)`, …
    fn isis_any(&mut self, types: &[u32]) -> Result<Frag> {
        let mut it = types.iter();
        let (Some(&a), Some(&b)) = (it.next(), it.next()) else {
            return Err(super::Error::internal("isis list"));
        };
        let b0 = self.proto(a, ProtoLayer::Isis)?;
        let b1 = self.proto(b, ProtoLayer::Isis)?;
        let mut b1 = self.or(b0, b1);
        for &t in it {
            let b0 = self.proto(t, ProtoLayer::Isis)?;
            b1 = self.or(b0, b1);
        }
        Ok(b1)
    }

    /// "Not a later IPv4 fragment": the fragment offset is zero (libpcap's `gen_ipfrag`).
    pub(crate) fn ipfrag(&mut self) -> Result<Frag> {
        let s = self.load_a(Rel::LinkPl, IP_FRAG, Size::H)?;
        let b = self.test(s, Cond::Set, 0x1fff);
        Ok(self.not(b))
    }

    /// `[ip|ip6|link|iso|isis] proto N` (libpcap's `gen_proto`).
    pub fn proto(&mut self, v: u32, layer: ProtoLayer) -> Result<Frag> {
        match layer {
            ProtoLayer::Default => {
                let b0 = self.proto(v, ProtoLayer::Ip)?;
                let b1 = self.proto(v, ProtoLayer::Ip6)?;
                Ok(self.or(b0, b1))
            }
            ProtoLayer::Link => self.linktype(v),
            ProtoLayer::Ip => {
                let b0 = self.linktype(ETHERTYPE_IP)?;
                let b1 = self.cmp(Rel::LinkPl, IP_PROTO, Size::B, v)?;
                Ok(self.and(b0, b1))
            }
            ProtoLayer::Ip6 => {
                let b0 = self.linktype(ETHERTYPE_IPV6)?;
                // Looks through one fragment header.
                let b2 = self.cmp(Rel::LinkPl, IP6_NEXT, Size::B, IPPROTO_FRAGMENT)?;
                let b1 = self.cmp(Rel::LinkPl, IP6_PAYLOAD, Size::B, v)?;
                let b1 = self.and(b2, b1);
                let b2 = self.cmp(Rel::LinkPl, IP6_NEXT, Size::B, v)?;
                let b1 = self.or(b2, b1);
                Ok(self.and(b0, b1))
            }
            ProtoLayer::Iso => match self.linktype {
                Linktype::FRELAY => self.cmp(Rel::LinkHdr, 2, Size::H, 0x0300 | v),
                Linktype::C_HDLC | HDLC => {
                    let b0 = self.linktype((LLCSAP_ISONS << 8) | LLCSAP_ISONS)?;
                    let b1 = self.cmp(Rel::LinkPlNoSnap, 1, Size::B, v)?;
                    Ok(self.and(b0, b1))
                }
                _ => {
                    let b0 = self.linktype(LLCSAP_ISONS)?;
                    let b1 = self.cmp(Rel::LinkPlNoSnap, 0, Size::B, v)?;
                    Ok(self.and(b0, b1))
                }
            },
            ProtoLayer::Isis => {
                let b0 = self.proto(ISO10589_ISIS, ProtoLayer::Iso)?;
                let b1 = self.cmp(Rel::LinkPlNoSnap, 4, Size::B, v)?;
                Ok(self.and(b0, b1))
            }
        }
    }

    /// `[ip|ip6] protochain N`: walks IPv6 extension headers and AH until `v` or "no next
    /// header" (libpcap's `gen_protochain`, including its AH arithmetic). The walk is a loop
    /// (a backward jump), so the program needs libpcap's rules.
    pub fn protochain(&mut self, v: u32, family: Family) -> Result<Frag> {
        let reg2 = self.alloc_reg()?;
        let v6 = match family {
            Family::Ip => false,
            Family::Ip6 => true,
            Family::Any => {
                let b0 = self.protochain(v, Family::Ip)?;
                let b = self.protochain(v, Family::Ip6)?;
                return Ok(self.or(b0, b));
            }
        };
        if self.off_linkpl.is_variable {
            bail!(
                UnsupportedLinktype,
                "'protochain' not supported with variable length headers"
            );
        }
        self.no_optimize = true;
        let nl = self.off_linkpl.constant_part.wrapping_add(self.off_nl);
        let (b0, start) = if !v6 {
            (
                self.linktype(ETHERTYPE_IP)?,
                vec![
                    Stmt::Ld(Size::B, nl.wrapping_add(IP_PROTO)),
                    Stmt::LdxMsh(nl),
                ],
            )
        } else {
            (
                self.linktype(ETHERTYPE_IPV6)?,
                vec![
                    Stmt::Ld(Size::B, nl.wrapping_add(IP6_NEXT)),
                    Stmt::LdxImm(IP6_PAYLOAD),
                ],
            )
        };
        use crate::filter::ir::BlockId;
        let none = BlockId::NONE;
        let br = |cond, k, jt, jf| Terminal::Branch {
            cond,
            src: Src::K(k),
            jt,
            jf,
        };
        // end: `add #0`, then the block's own test `jeq #v` (A = the protocol found).
        let end_frag = self.test(vec![Stmt::Alu(AluOp::Add, Src::K(0))], Cond::Eq, v);
        let end = end_frag.entry;
        let start_blk = self.cfg.push(start, Terminal::Goto(none));
        let again = self.cfg.push(vec![], br(Cond::Eq, v, end, none));
        self.cfg.block_mut(start_blk).term = Terminal::Goto(again);
        let no_next = self.cfg.push(vec![], br(Cond::Eq, IPPROTO_NONE, end, none));
        self.cfg.block_mut(again).term = br(Cond::Eq, v, end, no_next);
        // AH: advance by (len + 2) * 4 — from X + 1's byte, as libpcap computes it.
        let ah_body = self.cfg.push(
            vec![
                Stmt::Txa,
                Stmt::LdInd(Size::B, nl),
                Stmt::St(reg2),
                Stmt::Txa,
                Stmt::Alu(AluOp::Add, Src::K(1)),
                Stmt::Tax,
                Stmt::LdInd(Size::B, nl),
                Stmt::Alu(AluOp::Add, Src::K(2)),
                Stmt::Alu(AluOp::Mul, Src::K(4)),
                Stmt::Tax,
                Stmt::LdMem(reg2),
            ],
            Terminal::Loop(again),
        );
        let ahcheck = self
            .cfg
            .push(vec![], br(Cond::Eq, IPPROTO_AH, ah_body, end));
        if v6 {
            // Extension headers: advance X by (len + 1) * 8.
            let advance = self.cfg.push(
                vec![
                    Stmt::LdInd(Size::B, nl),
                    Stmt::St(reg2),
                    Stmt::LdInd(Size::B, nl.wrapping_add(1)),
                    Stmt::Alu(AluOp::Add, Src::K(1)),
                    Stmt::Alu(AluOp::Mul, Src::K(8)),
                    Stmt::Alu(AluOp::Add, Src::X),
                    Stmt::Tax,
                    Stmt::LdMem(reg2),
                ],
                Terminal::Loop(again),
            );
            let frag = self
                .cfg
                .push(vec![], br(Cond::Eq, IPPROTO_FRAGMENT, advance, ahcheck));
            let routing = self
                .cfg
                .push(vec![], br(Cond::Eq, IPPROTO_ROUTING, advance, frag));
            let dstopts = self
                .cfg
                .push(vec![], br(Cond::Eq, IPPROTO_DSTOPTS, advance, routing));
            let hop = self
                .cfg
                .push(vec![], br(Cond::Eq, IPPROTO_HOPOPTS, advance, dstopts));
            self.cfg.block_mut(no_next).term = br(Cond::Eq, IPPROTO_NONE, end, hop);
        } else {
            let add0 = self.cfg.push(
                vec![Stmt::Alu(AluOp::Add, Src::K(0))],
                Terminal::Goto(ahcheck),
            );
            self.cfg.block_mut(no_next).term = br(Cond::Eq, IPPROTO_NONE, end, add0);
        }
        self.free_reg(reg2);
        let b = Frag {
            entry: start_blk,
            t: end_frag.t,
            f: end_frag.f,
        };
        Ok(self.and(b0, b))
    }

    // ---- broadcast, multicast ---------------------------------------------------------------

    /// `[link|ip] broadcast` (libpcap's `gen_broadcast`).
    pub fn broadcast(&mut self, layer: CastLayer) -> Result<Frag> {
        const BCAST: [u8; 6] = [0xff; 6];
        match layer {
            CastLayer::Link => {
                let lt = self.linktype;
                if matches!(lt, Linktype::ARCNET | Linktype::ARCNET_LINUX) {
                    return self.ahostop(0, Dir::Dst);
                }
                match self.mac_kind() {
                    Some(kind) => self.mac_host(kind, &BCAST, MacDir::Dst),
                    None => bail!(UnsupportedLinktype, "not a broadcast link"),
                }
            }
            CastLayer::Ip => {
                let Some(netmask) = self.netmask else {
                    bail!(
                        NoNetmask,
                        "netmask not known, so 'ip broadcast' not supported"
                    );
                };
                let b0 = self.linktype(ETHERTYPE_IP)?;
                let hostmask = !netmask;
                let b1 = self.mcmp(Rel::LinkPl, IP_DST, Size::W, 0, hostmask)?;
                let b2 = self.mcmp(Rel::LinkPl, IP_DST, Size::W, hostmask, hostmask)?;
                let b2 = self.or(b1, b2);
                Ok(self.and(b0, b2))
            }
            CastLayer::Ip6 => bail!(
                InvalidQualifier,
                "only link-layer/IP broadcast filters supported"
            ),
        }
    }

    fn mac_multicast(&mut self, offset: u32) -> Result<Frag> {
        self.jset(Rel::LinkHdr, offset, Size::B, 1)
    }

    /// `[link|ip|ip6] multicast` (libpcap's `gen_multicast`).
    pub fn multicast(&mut self, layer: CastLayer) -> Result<Frag> {
        match layer {
            CastLayer::Link => {
                let lt = self.linktype;
                if matches!(lt, Linktype::ARCNET | Linktype::ARCNET_LINUX) {
                    return self.ahostop(0, Dir::Dst);
                }
                match self.mac_kind() {
                    Some(Mac::Ether) => {
                        let b1 = self.prevlinkhdr_check()?;
                        let b0 = self.mac_multicast(0)?;
                        Ok(self.and_opt(b1, b0))
                    }
                    Some(Mac::Fddi) => self.mac_multicast(1),
                    Some(Mac::TokenRing) | Some(Mac::IpFc) => self.mac_multicast(2),
                    Some(Mac::Wlan) => {
                        // To DS: DA at 16; else at 4; non-data frames: at 4.
                        let b1 = self.fc_jset(1, 0x01)?;
                        let b0 = self.mac_multicast(16)?;
                        let b0 = self.and(b1, b0);
                        let b2 = self.fc_jset(1, 0x01)?;
                        let b2 = self.not(b2);
                        let b1 = self.mac_multicast(4)?;
                        let b1 = self.and(b2, b1);
                        let b0 = self.or(b1, b0);
                        let b1 = self.fc_jset(0, 0x08)?;
                        let b0 = self.and(b1, b0);
                        let b2 = self.fc_jset(0, 0x08)?;
                        let b2 = self.not(b2);
                        let b1 = self.mac_multicast(4)?;
                        let b1 = self.and(b2, b1);
                        let b0 = self.or(b1, b0);
                        let b1 = self.fc_jset(0, 0x04)?;
                        let b1 = self.not(b1);
                        Ok(self.and(b1, b0))
                    }
                    None => bail!(
                        UnsupportedLinktype,
                        "link-layer multicast filters supported only on ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel"
                    ),
                }
            }
            CastLayer::Ip => {
                let b0 = self.linktype(ETHERTYPE_IP)?;
                let b1 = self.cmp_ge(Rel::LinkPl, IP_DST, Size::B, 224)?;
                Ok(self.and(b0, b1))
            }
            CastLayer::Ip6 => {
                let b0 = self.linktype(ETHERTYPE_IPV6)?;
                let b1 = self.cmp(Rel::LinkPl, IP6_DST, Size::B, 255)?;
                Ok(self.and(b0, b1))
            }
        }
    }
}

/// The byte libpcap 1.10.3 compares for an ARCnet address written `$text` (its Ethernet-address
/// parser reads the `$` as a digit: `$0e` gives 0xd0, `$e` gives 0xde).
pub(crate) fn arcnet_libpcap_byte(text: &str) -> u8 {
    fn xdtoi(c: u8) -> u8 {
        if c.is_ascii_digit() {
            c.wrapping_sub(b'0')
        } else if c.is_ascii_lowercase() {
            c.wrapping_sub(b'a').wrapping_add(10)
        } else {
            c.wrapping_sub(b'A').wrapping_add(10)
        }
    }
    let b = text.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b':' | b'.' | b'-')) {
        i += 1;
    }
    let Some(&c) = b.get(i) else {
        return 0;
    };
    let mut d = xdtoi(c);
    if let Some(&n) = b.get(i + 1) {
        if n.is_ascii_hexdigit() {
            d = (d << 4) | xdtoi(n);
        }
    }
    d
}
