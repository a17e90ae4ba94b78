//! Network-layer primitives and identifiers: hosts and networks (IPv4, IPv6, DECnet, MAC and
//! ARCnet addresses), `proto`, `protochain`, protocol abbreviations (`tcp`, `ip6`, `isis`…),
//! `broadcast` and `multicast`.
//!
//! The `id_*` methods are libpcap's `gen_ncode`, `gen_scode`, `gen_mcode`, `gen_mcode6`,
//! `gen_ecode` and `gen_acode`: an identifier after its qualifiers (`host 10.0.0.1`,
//! `net 10/8`, `port http`, `ether host 0:1:2:3:4:5`, `proto 17`), with names already resolved
//! by the caller (the results, or their absence, are arguments: the error libpcap reports
//! depends on where it looked).

use super::link::*;
use super::{bail, Dir, Gen, Kind, Proto, Qual, Rel, Result};
use crate::filter::ir::{AluOp, Cond, Frag, Size, Src, Stmt, Terminal};
use crate::linktype::Linktype;
use std::net::IpAddr;

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

/// The "not valid for anything but 802.11 MAC addresses" message of the 802.11-only
/// directions, or `None` for the others.
fn not_80211_dir(dir: Dir) -> Option<&'static str> {
    Some(match dir {
        Dir::Addr1 => "'addr1' and 'address1' are not valid qualifiers for addresses other than 802.11 MAC addresses",
        Dir::Addr2 => "'addr2' and 'address2' are not valid qualifiers for addresses other than 802.11 MAC addresses",
        Dir::Addr3 => "'addr3' and 'address3' are not valid qualifiers for addresses other than 802.11 MAC addresses",
        Dir::Addr4 => "'addr4' and 'address4' are not valid qualifiers for addresses other than 802.11 MAC addresses",
        Dir::Ra => "'ra' is not a valid qualifier for addresses other than 802.11 MAC addresses",
        Dir::Ta => "'ta' is not a valid qualifier for addresses other than 802.11 MAC addresses",
        _ => return None,
    })
}

/// The message for an 802.11-only direction on a MAC address of another link type.
/// `with_headers`: Ethernet's wording ("… only supported on 802.11 with 802.11 headers").
fn only_80211_dir(dir: Dir, with_headers: bool) -> Option<String> {
    let (what, plural) = match dir {
        Dir::Addr1 => ("'addr1' and 'address1' are", true),
        Dir::Addr2 => ("'addr2' and 'address2' are", true),
        Dir::Addr3 => ("'addr3' and 'address3' are", true),
        Dir::Addr4 => ("'addr4' and 'address4' are", true),
        Dir::Ra => ("'ra' is", false),
        Dir::Ta => ("'ta' is", false),
        _ => return None,
    };
    let _ = plural;
    Some(if with_headers {
        format!("{what} only supported on 802.11 with 802.11 headers")
    } else {
        format!("{what} only supported on 802.11")
    })
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

    fn hostop(&mut self, addr: u32, mask: u32, dir: Dir, ll_proto: u32, src_off: u32, dst_off: u32) -> Result<Frag> {
        let offset = match dir {
            Dir::Src => src_off,
            Dir::Dst => dst_off,
            Dir::And | Dir::Default | Dir::Or => {
                let b0 = self.hostop(addr, mask, Dir::Src, ll_proto, src_off, dst_off)?;
                let b1 = self.hostop(addr, mask, Dir::Dst, ll_proto, src_off, dst_off)?;
                return Ok(if dir == Dir::And {
                    self.and(b0, b1)
                } else {
                    self.or(b0, b1)
                });
            }
            other => bail!("{}", not_80211_dir(other).unwrap_or_default()),
        };
        let b0 = self.linktype(ll_proto)?;
        let b1 = self.mcmp(Rel::LinkPl, offset, Size::W, addr, mask)?;
        Ok(self.and(b0, b1))
    }

    fn hostop6(&mut self, addr: &[u8; 16], mask: &[u8; 16], dir: Dir, ll_proto: u32, src_off: u32, dst_off: u32) -> Result<Frag> {
        let offset = match dir {
            Dir::Src => src_off,
            Dir::Dst => dst_off,
            Dir::And | Dir::Default | Dir::Or => {
                let b0 = self.hostop6(addr, mask, Dir::Src, ll_proto, src_off, dst_off)?;
                let b1 = self.hostop6(addr, mask, Dir::Dst, ll_proto, src_off, dst_off)?;
                return Ok(if dir == Dir::And {
                    self.and(b0, b1)
                } else {
                    self.or(b0, b1)
                });
            }
            other => bail!("{}", not_80211_dir(other).unwrap_or_default()),
        };
        let word = |b: &[u8; 16], i: usize| {
            u32::from_be_bytes([b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]])
        };
        // Built last word first; evaluated first word first.
        let mut b1 = self.mcmp(Rel::LinkPl, offset + 12, Size::W, word(addr, 3), word(mask, 3))?;
        for i in (0..3).rev() {
            let b0 = self.mcmp(Rel::LinkPl, offset + 4 * i as u32, Size::W, word(addr, i), word(mask, i))?;
            b1 = self.and(b0, b1);
        }
        let b0 = self.linktype(ll_proto)?;
        Ok(self.and(b0, b1))
    }

    /// libpcap's `gen_host`: an IPv4 host or network, `kind` = host or net (for messages).
    pub(crate) fn host(&mut self, addr: u32, mask: u32, proto: Proto, dir: Dir, kind: Kind) -> Result<Frag> {
        let what = if kind == Kind::Net { "net" } else { "host" };
        match proto {
            Proto::Default => {
                let b0 = self.host(addr, mask, Proto::Ip, dir, kind)?;
                if self.label_stack_depth == 0 {
                    let b1 = self.host(addr, mask, Proto::Arp, dir, kind)?;
                    let b1 = self.or(b0, b1);
                    let b0 = self.host(addr, mask, Proto::Rarp, dir, kind)?;
                    return Ok(self.or(b1, b0));
                }
                Ok(b0)
            }
            Proto::Link => bail!("link-layer modifier applied to {what}"),
            Proto::Ip => self.hostop(addr, mask, dir, ETHERTYPE_IP, 12, 16),
            Proto::Rarp => self.hostop(addr, mask, dir, ETHERTYPE_REVARP, 14, 24),
            Proto::Arp => self.hostop(addr, mask, dir, ETHERTYPE_ARP, 14, 24),
            Proto::Atalk => bail!("AppleTalk host filtering not implemented"),
            Proto::Decnet => self.dnhostop(addr, dir),
            Proto::Lat => bail!("LAT host filtering not implemented"),
            Proto::Sca => bail!("SCA host filtering not implemented"),
            Proto::Moprc => bail!("MOPRC host filtering not implemented"),
            Proto::Mopdl => bail!("MOPDL host filtering not implemented"),
            Proto::Ip6 => bail!("'ip6' modifier applied to ip host"),
            Proto::Aarp => bail!("AARP host filtering not implemented"),
            Proto::Iso => bail!("ISO host filtering not implemented"),
            Proto::Ipx => bail!("IPX host filtering not implemented"),
            p => bail!("'{}' modifier applied to {what}", p.keyword()),
        }
    }

    /// libpcap's `gen_host6`.
    pub(crate) fn host6(&mut self, addr: &[u8; 16], mask: &[u8; 16], proto: Proto, dir: Dir, kind: Kind) -> Result<Frag> {
        let what = if kind == Kind::Net { "net" } else { "host" };
        match proto {
            Proto::Default | Proto::Ip6 => self.hostop6(addr, mask, dir, ETHERTYPE_IPV6, 8, 24),
            Proto::Link => bail!("link-layer modifier applied to ip6 {what}"),
            Proto::Atalk => bail!("AppleTalk modifier applied to ip6 {what}"),
            p => bail!("'{}' modifier applied to ip6 {what}", p.keyword()),
        }
    }

    // ---- MAC addresses ------------------------------------------------------------------------

    fn mac_hostop(&mut self, kind: Mac, eaddr: &[u8; 6], dir: Dir) -> Result<Frag> {
        let (src, dst) = match kind {
            Mac::Ether => (6, 0),
            Mac::Fddi => (7, 1), // + FDDI pad (0 on Linux)
            Mac::TokenRing => (8, 2),
            Mac::IpFc => (10, 2),
            Mac::Wlan => return self.wlanhostop(eaddr, dir),
        };
        match dir {
            Dir::Src => self.bcmp(Rel::LinkHdr, src, eaddr),
            Dir::Dst => self.bcmp(Rel::LinkHdr, dst, eaddr),
            Dir::And | Dir::Default | Dir::Or => {
                let b0 = self.mac_hostop(kind, eaddr, Dir::Src)?;
                let b1 = self.mac_hostop(kind, eaddr, Dir::Dst)?;
                Ok(if dir == Dir::And {
                    self.and(b0, b1)
                } else {
                    self.or(b0, b1)
                })
            }
            other => bail!(
                "{}",
                only_80211_dir(other, kind == Mac::Ether).unwrap_or_default()
            ),
        }
    }

    /// A byte test of 802.11 frame-control bits: `jset #mask` on byte `off`.
    fn fc_jset(&mut self, off: u32, mask: u32) -> Result<Frag> {
        self.jset(Rel::LinkHdr, off, Size::B, mask)
    }

    /// 802.11 addresses: which address field is the source or destination depends on the
    /// To-DS/From-DS bits (libpcap's `gen_wlanhostop`).
    fn wlanhostop(&mut self, eaddr: &[u8; 6], dir: Dir) -> Result<Frag> {
        match dir {
            Dir::Src | Dir::Dst => {
                let src = dir == Dir::Src;
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
                // Not a control frame... libpcap: type bit 0x04 clear.
                let b1 = self.fc_jset(0, 0x04)?;
                let b1 = self.not(b1);
                Ok(self.and(b1, b0))
            }
            Dir::And | Dir::Default | Dir::Or => {
                let b0 = self.wlanhostop(eaddr, Dir::Src)?;
                let b1 = self.wlanhostop(eaddr, Dir::Dst)?;
                Ok(if dir == Dir::And {
                    self.and(b0, b1)
                } else {
                    self.or(b0, b1)
                })
            }
            Dir::Addr1 => self.bcmp(Rel::LinkHdr, 4, eaddr),
            Dir::Addr2 | Dir::Ta => {
                let b0 = self.mcmp(Rel::LinkHdr, 0, Size::B, FC0_TYPE_CTL, FC0_TYPE_MASK)?;
                let b0 = self.not(b0);
                let b1 = self.mcmp(Rel::LinkHdr, 0, Size::B, FC0_SUBTYPE_CTS, FC0_SUBTYPE_MASK)?;
                let b1 = self.not(b1);
                let b2 = self.mcmp(Rel::LinkHdr, 0, Size::B, FC0_SUBTYPE_ACK, FC0_SUBTYPE_MASK)?;
                let b2 = self.not(b2);
                let b2 = self.and(b1, b2);
                let mut b2 = self.or(b0, b2);
                if dir == Dir::Ta {
                    let b1 = self.fc_jset(0, 0x08)?;
                    b2 = self.and(b1, b2);
                }
                let b1 = self.bcmp(Rel::LinkHdr, 10, eaddr)?;
                Ok(self.and(b2, b1))
            }
            Dir::Addr3 => {
                let b0 = self.mcmp(Rel::LinkHdr, 0, Size::B, FC0_TYPE_CTL, FC0_TYPE_MASK)?;
                let b0 = self.not(b0);
                let b1 = self.bcmp(Rel::LinkHdr, 16, eaddr)?;
                Ok(self.and(b0, b1))
            }
            Dir::Addr4 => {
                let b0 = self.mcmp(Rel::LinkHdr, 1, Size::B, FC1_DIR_DSTODS, FC1_DIR_MASK)?;
                let b1 = self.bcmp(Rel::LinkHdr, 24, eaddr)?;
                Ok(self.and(b0, b1))
            }
            Dir::Ra => {
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
            Dir::And | Dir::Default | Dir::Or => {
                let b0 = self.ahostop(eaddr, Dir::Src)?;
                let b1 = self.ahostop(eaddr, Dir::Dst)?;
                Ok(if dir == Dir::And {
                    self.and(b0, b1)
                } else {
                    self.or(b0, b1)
                })
            }
            other => bail!("{}", only_80211_dir(other, false).unwrap_or_default()),
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
    fn mac_host(&mut self, kind: Mac, eaddr: &[u8; 6], dir: Dir) -> Result<Frag> {
        if kind == Mac::Ether {
            let tmp = self.prevlinkhdr_check()?;
            let b = self.mac_hostop(kind, eaddr, dir)?;
            Ok(self.and_opt(tmp, b))
        } else {
            self.mac_hostop(kind, eaddr, dir)
        }
    }

    // ---- DECnet ---------------------------------------------------------------------------

    /// DECnet addresses: four header layouts, address compared byte-swapped (libpcap's
    /// `gen_dnhostop`, as it behaves on a little-endian host).
    fn dnhostop(&mut self, addr: u32, dir: Dir) -> Result<Frag> {
        let (offset_sh, offset_lh) = match dir {
            Dir::Dst => (1, 7),
            Dir::Src => (3, 15),
            Dir::And | Dir::Default | Dir::Or => {
                let b0 = self.dnhostop(addr, Dir::Src)?;
                let b1 = self.dnhostop(addr, Dir::Dst)?;
                return Ok(if dir == Dir::And {
                    self.and(b0, b1)
                } else {
                    self.or(b0, b1)
                });
            }
            other => bail!("{}", not_80211_dir(other).unwrap_or_default()),
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

    // ---- identifiers ------------------------------------------------------------------------

    /// A number after qualifiers: `host 10`, `net 10`, `port 80`, `proto 6`, … (libpcap's
    /// `gen_ncode` with no text).
    pub fn id_num(&mut self, q: Qual, v: u32) -> Result<Frag> {
        self.ncode(q, v, None)
    }

    /// A dotted IPv4 address or prefix (`10.1` = 10.1.0.0/16) given as its value and number of
    /// bits (8 per part), after qualifiers. With the `decnet` protocol libpcap reads the token as
    /// a DECnet `area.node` address instead: use [`Gen::id_decnet`].
    pub fn id_ipv4(&mut self, q: Qual, v: u32, bits: u32) -> Result<Frag> {
        match q.kind {
            Kind::Port => bail!("'port' modifier applied to ip host"),
            Kind::Portrange => bail!("'portrange' modifier applied to ip host"),
            Kind::Proto => bail!("'proto' modifier applied to ip host"),
            Kind::Protochain => bail!("'protochain' modifier applied to ip host"),
            _ => {}
        }
        self.ncode(q, v, Some(bits))
    }

    /// A DECnet `area.node` address (area << 10 | node) with the `decnet` protocol.
    pub fn id_decnet(&mut self, q: Qual, addr: u32) -> Result<Frag> {
        match q.kind {
            Kind::Port => bail!("'port' modifier applied to ip host"),
            Kind::Portrange => bail!("'portrange' modifier applied to ip host"),
            Kind::Proto => bail!("'proto' modifier applied to ip host"),
            Kind::Protochain => bail!("'protochain' modifier applied to ip host"),
            _ => {}
        }
        self.ncode(q, addr, Some(32))
    }

    fn ncode(&mut self, q: Qual, mut v: u32, vlen: Option<u32>) -> Result<Frag> {
        let (proto, dir) = (q.proto, q.dir);
        match q.kind {
            Kind::Default | Kind::Host | Kind::Net => {
                if proto == Proto::Decnet {
                    self.host(v, 0, proto, dir, q.kind)
                } else if proto == Proto::Link {
                    bail!("illegal link layer address")
                } else {
                    let mut mask: u32 = 0xffff_ffff;
                    match vlen {
                        None if q.kind == Kind::Net => {
                            while v != 0 && v & 0xff00_0000 == 0 {
                                v <<= 8;
                                mask <<= 8;
                            }
                        }
                        _ => {
                            let vlen = vlen.unwrap_or(32);
                            v = v.checked_shl(32 - vlen.min(32)).unwrap_or(0);
                            mask = mask.checked_shl(32 - vlen.min(32)).unwrap_or(0);
                        }
                    }
                    self.host(v, mask, proto, dir, q.kind)
                }
            }
            Kind::Port | Kind::Portrange => {
                let ip_proto = match proto {
                    Proto::Udp => Some(IPPROTO_UDP),
                    Proto::Tcp => Some(IPPROTO_TCP),
                    Proto::Sctp => Some(IPPROTO_SCTP),
                    Proto::Default => None,
                    _ if q.kind == Kind::Port => bail!("illegal qualifier of 'port'"),
                    _ => bail!("illegal qualifier of 'portrange'"),
                };
                if v > 65535 {
                    bail!("illegal port number {v} > 65535");
                }
                if q.kind == Kind::Port {
                    let b = self.port4(v, ip_proto, dir)?;
                    let b6 = self.port6(v, ip_proto, dir)?;
                    Ok(self.or(b6, b))
                } else {
                    let b = self.portrange4(v, v, ip_proto, dir)?;
                    let b6 = self.portrange6(v, v, ip_proto, dir)?;
                    Ok(self.or(b6, b))
                }
            }
            Kind::Gateway => bail!("'gateway' requires a name"),
            Kind::Proto => self.proto(v, proto, dir),
            Kind::Protochain => self.protochain(v, proto),
            Kind::Undef => bail!("syntax error in filter expression"),
        }
    }

    /// `net A/len` or `net A mask M` (libpcap's `gen_mcode`): `text` and `mask_text` are the
    /// tokens as written (for messages); `n` has `n_bits` significant bits (8 per dotted part).
    pub fn id_ipv4_masked(&mut self, q: Qual, text: &str, n: u32, n_bits: u32, mask: Ipv4Mask<'_>) -> Result<Frag> {
        let n = n.checked_shl(32 - n_bits.min(32)).unwrap_or(0);
        let m = match mask {
            Ipv4Mask::Addr { text: mtext, m, bits } => {
                let m = m.checked_shl(32 - bits.min(32)).unwrap_or(0);
                if n & !m != 0 {
                    bail!("non-network bits set in \"{text} mask {mtext}\"");
                }
                m
            }
            Ipv4Mask::Len(len) => {
                if len > 32 {
                    bail!("mask length must be <= 32");
                }
                let m = if len == 0 { 0 } else { 0xffff_ffffu32 << (32 - len) };
                if n & !m != 0 {
                    bail!("non-network bits set in \"{text}/{len}\"");
                }
                m
            }
        };
        match q.kind {
            Kind::Net => self.host(n, m, q.proto, q.dir, q.kind),
            _ => bail!("Mask syntax for networks only"),
        }
    }

    /// An IPv6 address or prefix (libpcap's `gen_mcode6`): `text` as written, `len` 128 for a
    /// plain address.
    pub fn id_ipv6(&mut self, q: Qual, text: &str, addr: [u8; 16], len: u32) -> Result<Frag> {
        if len > 128 {
            bail!("mask length must be <= 128");
        }
        let mut mask = [0u8; 16];
        for (i, m) in mask.iter_mut().enumerate() {
            let bits = len.saturating_sub(8 * i as u32).min(8);
            *m = if bits == 0 { 0 } else { 0xffu8 << (8 - bits) };
        }
        if addr.iter().zip(&mask).any(|(a, m)| a & !m != 0) {
            bail!("non-network bits set in \"{text}/{len}\"");
        }
        match q.kind {
            Kind::Default | Kind::Host | Kind::Net => {
                if q.kind != Kind::Net && len != 128 {
                    bail!("Mask syntax for networks only");
                }
                self.host6(&addr, &mask, q.proto, q.dir, q.kind)
            }
            _ => bail!("invalid qualifier against IPv6 address"),
        }
    }

    /// A MAC address (libpcap's `gen_ecode`).
    pub fn id_mac(&mut self, q: Qual, mac: [u8; 6]) -> Result<Frag> {
        if matches!(q.kind, Kind::Host | Kind::Default) && q.proto == Proto::Link {
            match self.mac_kind() {
                Some(kind) => self.mac_host(kind, &mac, q.dir),
                None => bail!("ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel"),
            }
        } else {
            bail!("ethernet address used in non-ether expression")
        }
    }

    /// An ARCnet address `$xx` as written (libpcap's `gen_acode`). libpcap 1.10.3 converts it
    /// with its Ethernet-address parser, which reads the `$` as a digit: `$0e` tests 0xd0, `$e`
    /// 0xde. Reproduced.
    pub fn id_arcnet(&mut self, q: Qual, text: &str) -> Result<Frag> {
        if matches!(self.linktype, Linktype::ARCNET | Linktype::ARCNET_LINUX) {
            if matches!(q.kind, Kind::Host | Kind::Default) && q.proto == Proto::Link {
                let byte = ether_aton_first_byte(text);
                self.ahostop(byte, q.dir)
            } else {
                bail!("ARCnet address used in non-arc expression")
            }
        } else {
            bail!("aid supported only on ARCnet")
        }
    }

    /// A host name after qualifiers, with the system resolver's answer for it in resolver
    /// order (libpcap's `gen_scode` for `host NAME` other than link-layer and DECnet names).
    pub fn id_host_name(&mut self, q: Qual, name: &str, addrs: &[IpAddr]) -> Result<Frag> {
        self.check_name_kind(q)?;
        let proto = q.proto;
        let (mut tproto, mut tproto6) = (proto, proto);
        if self.off_linktype.constant_part == super::NOT_SET && tproto == Proto::Default {
            tproto = Proto::Ip;
            tproto6 = Proto::Ip6;
        }
        let mut acc: Option<Frag> = None;
        for a in addrs {
            let tmp = match a {
                IpAddr::V4(v4) => {
                    if tproto == Proto::Ip6 {
                        continue;
                    }
                    self.host(u32::from(*v4), 0xffff_ffff, tproto, q.dir, q.kind)?
                }
                IpAddr::V6(v6) => {
                    if tproto6 == Proto::Ip {
                        continue;
                    }
                    self.host6(&v6.octets(), &[0xff; 16], tproto6, q.dir, q.kind)?
                }
            };
            acc = Some(match acc {
                Some(b) => self.or(b, tmp),
                None => tmp,
            });
        }
        match acc {
            Some(b) => Ok(b),
            None => bail!(
                "unknown host '{name}'{}",
                if proto == Proto::Default {
                    ""
                } else {
                    " for specified address family"
                }
            ),
        }
    }

    /// `host NAME` where the name resolves to nothing at all.
    pub fn id_host_unknown(&mut self, q: Qual, name: &str) -> Result<Frag> {
        self.check_name_kind(q)?;
        bail!("unknown host '{name}'")
    }

    /// `ether host NAME` (any link-layer protocol qualifier): `mac` is the ethers(5) entry.
    pub fn id_ether_name(&mut self, q: Qual, name: &str, mac: Option<[u8; 6]>) -> Result<Frag> {
        self.check_name_kind(q)?;
        let Some(kind) = self.mac_kind() else {
            bail!("only ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel supports link-level host name");
        };
        let Some(mac) = mac else {
            let what = match kind {
                Mac::Ether => "ether",
                Mac::Fddi => "FDDI",
                Mac::TokenRing => "token ring",
                Mac::Wlan => "802.11",
                Mac::IpFc => "Fibre Channel",
            };
            bail!("unknown {what} host '{name}'");
        };
        self.mac_host(kind, &mac, q.dir)
    }

    /// `decnet host NAME`: libpcap was built without DECnet name support.
    pub fn id_decnet_name(&mut self, q: Qual, name: &str) -> Result<Frag> {
        self.check_name_kind(q)?;
        bail!("decnet name support not included, '{name}' cannot be translated\n")
    }

    /// `net NAME` with its networks(5) number (`None` or 0: unknown).
    pub fn id_net_name(&mut self, q: Qual, name: &str, net: Option<u32>) -> Result<Frag> {
        let mut addr = match net {
            Some(n) if n != 0 => n,
            _ => bail!("unknown network '{name}'"),
        };
        let mut mask: u32 = 0xffff_ffff;
        while addr != 0 && addr & 0xff00_0000 == 0 {
            addr <<= 8;
            mask <<= 8;
        }
        self.host(addr, mask, q.proto, q.dir, q.kind)
    }

    /// `proto NAME` / `protochain NAME` with the number the name means for this protocol
    /// (protocols(5) for ip/ip6/none, ethertype and LLC names for link, esis/isis/clnp for
    /// iso); `None` when unknown — the message then depends on the protocol.
    pub fn id_proto_name(&mut self, q: Qual, name: &str, v: Option<u32>) -> Result<Frag> {
        let v = match (q.proto, v) {
            (Proto::Default | Proto::Ip | Proto::Ip6, None) => bail!("unknown ip proto '{name}'"),
            (Proto::Link, None) => bail!("unknown ether proto '{name}'"),
            (Proto::Iso, None) => bail!("unknown osi proto '{name}'"),
            (Proto::Default | Proto::Ip | Proto::Ip6 | Proto::Link | Proto::Iso, Some(v)) => v,
            _ => bail!("unknown protocol: {name}"),
        };
        if q.kind == Kind::Protochain {
            self.protochain(v, q.proto)
        } else {
            self.proto(v, q.proto, q.dir)
        }
    }

    /// `gateway NAME`: libpcap 1.10.3 as built with IPv6 support refuses it.
    pub fn id_gateway_name(&mut self, _q: Qual, _name: &str) -> Result<Frag> {
        bail!("'gateway' not supported in this configuration")
    }

    /// The checks `gen_scode` makes before looking a name up.
    fn check_name_kind(&self, q: Qual) -> Result<()> {
        if q.kind == Kind::Undef {
            bail!("syntax error in filter expression");
        }
        Ok(())
    }

    // ---- protocols ----------------------------------------------------------------------------

    /// A protocol name alone: `tcp`, `ip6`, `arp`, `isis`, `l1`… (libpcap's
    /// `gen_proto_abbrev`).
    pub fn proto_abbrev(&mut self, proto: Proto) -> Result<Frag> {
        Ok(match proto {
            Proto::Sctp => self.proto(IPPROTO_SCTP, Proto::Default, Dir::Default)?,
            Proto::Tcp => self.proto(IPPROTO_TCP, Proto::Default, Dir::Default)?,
            Proto::Udp => self.proto(IPPROTO_UDP, Proto::Default, Dir::Default)?,
            Proto::Icmp => self.proto(IPPROTO_ICMP, Proto::Ip, Dir::Default)?,
            Proto::Igmp => self.proto(IPPROTO_IGMP, Proto::Ip, Dir::Default)?,
            Proto::Igrp => self.proto(IPPROTO_IGRP, Proto::Ip, Dir::Default)?,
            Proto::Pim => self.proto(IPPROTO_PIM, Proto::Default, Dir::Default)?,
            Proto::Vrrp => self.proto(IPPROTO_VRRP, Proto::Ip, Dir::Default)?,
            Proto::Carp => self.proto(IPPROTO_CARP, Proto::Ip, Dir::Default)?,
            Proto::Ip => self.linktype(ETHERTYPE_IP)?,
            Proto::Arp => self.linktype(ETHERTYPE_ARP)?,
            Proto::Rarp => self.linktype(ETHERTYPE_REVARP)?,
            Proto::Link => bail!("link layer applied in wrong context"),
            Proto::Atalk => self.linktype(ETHERTYPE_ATALK)?,
            Proto::Aarp => self.linktype(ETHERTYPE_AARP)?,
            Proto::Decnet => self.linktype(ETHERTYPE_DN)?,
            Proto::Sca => self.linktype(ETHERTYPE_SCA)?,
            Proto::Lat => self.linktype(ETHERTYPE_LAT)?,
            Proto::Mopdl => self.linktype(ETHERTYPE_MOPDL)?,
            Proto::Moprc => self.linktype(ETHERTYPE_MOPRC)?,
            Proto::Ip6 => self.linktype(ETHERTYPE_IPV6)?,
            Proto::Icmp6 => self.proto(IPPROTO_ICMPV6, Proto::Ip6, Dir::Default)?,
            Proto::Ah => self.proto(IPPROTO_AH, Proto::Default, Dir::Default)?,
            Proto::Esp => self.proto(IPPROTO_ESP, Proto::Default, Dir::Default)?,
            Proto::Iso => self.linktype(LLCSAP_ISONS)?,
            Proto::Esis => self.proto(ISO9542_ESIS, Proto::Iso, Dir::Default)?,
            Proto::Isis => self.proto(ISO10589_ISIS, Proto::Iso, Dir::Default)?,
            Proto::L1 => self.isis_any(&[ISIS_L1_LAN_IIH, ISIS_PTP_IIH, ISIS_L1_LSP, ISIS_L1_CSNP, ISIS_L1_PSNP])?,
            Proto::L2 => self.isis_any(&[ISIS_L2_LAN_IIH, ISIS_PTP_IIH, ISIS_L2_LSP, ISIS_L2_CSNP, ISIS_L2_PSNP])?,
            Proto::Iih => self.isis_any(&[ISIS_L1_LAN_IIH, ISIS_L2_LAN_IIH, ISIS_PTP_IIH])?,
            Proto::Lsp => self.isis_any(&[ISIS_L1_LSP, ISIS_L2_LSP])?,
            Proto::Snp => self.isis_any(&[ISIS_L1_CSNP, ISIS_L2_CSNP, ISIS_L1_PSNP, ISIS_L2_PSNP])?,
            Proto::Csnp => self.isis_any(&[ISIS_L1_CSNP, ISIS_L2_CSNP])?,
            Proto::Psnp => self.isis_any(&[ISIS_L1_PSNP, ISIS_L2_PSNP])?,
            Proto::Clnp => self.proto(ISO8473_CLNP, Proto::Iso, Dir::Default)?,
            Proto::Stp => self.linktype(LLCSAP_8021D)?,
            Proto::Ipx => self.linktype(LLCSAP_IPX)?,
            Proto::Netbeui => self.linktype(LLCSAP_NETBEUI)?,
            Proto::Radio => bail!("'radio' is not a valid protocol type"),
            Proto::Default => return Err(super::Error::Internal("no protocol".into())),
        })
    }

    /// IS-IS PDU types OR-ed: libpcap builds `t0 or t1`, then `t2 or (…)`, …
    fn isis_any(&mut self, types: &[u32]) -> Result<Frag> {
        let mut it = types.iter();
        let (Some(&a), Some(&b)) = (it.next(), it.next()) else {
            return Err(super::Error::Internal("isis list".into()));
        };
        let b0 = self.proto(a, Proto::Isis, Dir::Default)?;
        let b1 = self.proto(b, Proto::Isis, Dir::Default)?;
        let mut b1 = self.or(b0, b1);
        for &t in it {
            let b0 = self.proto(t, Proto::Isis, Dir::Default)?;
            b1 = self.or(b0, b1);
        }
        Ok(b1)
    }

    /// "Not a later IPv4 fragment": the fragment offset is zero (libpcap's `gen_ipfrag`).
    pub(crate) fn ipfrag(&mut self) -> Result<Frag> {
        let s = self.load_a(Rel::LinkPl, 6, Size::H)?;
        let b = self.test(s, Cond::Set, 0x1fff);
        Ok(self.not(b))
    }

    /// `[ip|ip6|link|iso|isis] proto N` (libpcap's `gen_proto`).
    pub(crate) fn proto(&mut self, v: u32, proto: Proto, dir: Dir) -> Result<Frag> {
        if dir != Dir::Default {
            bail!("direction applied to 'proto'");
        }
        match proto {
            Proto::Default => {
                let b0 = self.proto(v, Proto::Ip, dir)?;
                let b1 = self.proto(v, Proto::Ip6, dir)?;
                Ok(self.or(b0, b1))
            }
            Proto::Link => self.linktype(v),
            Proto::Ip => {
                let b0 = self.linktype(ETHERTYPE_IP)?;
                let b1 = self.cmp(Rel::LinkPl, 9, Size::B, v)?;
                Ok(self.and(b0, b1))
            }
            Proto::Arp => bail!("arp does not encapsulate another protocol"),
            Proto::Rarp => bail!("rarp does not encapsulate another protocol"),
            Proto::Atalk => bail!("AppleTalk encapsulation is not specifiable"),
            Proto::Decnet => bail!("DECNET encapsulation is not specifiable"),
            Proto::Lat => bail!("LAT does not encapsulate another protocol"),
            Proto::Sca => bail!("SCA does not encapsulate another protocol"),
            Proto::Moprc => bail!("MOPRC does not encapsulate another protocol"),
            Proto::Mopdl => bail!("MOPDL does not encapsulate another protocol"),
            Proto::Ip6 => {
                let b0 = self.linktype(ETHERTYPE_IPV6)?;
                // Looks through one fragment header.
                let b2 = self.cmp(Rel::LinkPl, 6, Size::B, IPPROTO_FRAGMENT)?;
                let b1 = self.cmp(Rel::LinkPl, 40, Size::B, v)?;
                let b1 = self.and(b2, b1);
                let b2 = self.cmp(Rel::LinkPl, 6, Size::B, v)?;
                let b1 = self.or(b2, b1);
                Ok(self.and(b0, b1))
            }
            Proto::Iso => match self.linktype {
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
            Proto::Isis => {
                let b0 = self.proto(ISO10589_ISIS, Proto::Iso, Dir::Default)?;
                let b1 = self.cmp(Rel::LinkPlNoSnap, 4, Size::B, v)?;
                Ok(self.and(b0, b1))
            }
            Proto::Clnp => bail!("'clnp proto' is not supported"),
            p => bail!("'{} proto' is bogus", p.keyword()),
        }
    }

    /// `[ip|ip6] protochain N`: walks IPv6 extension headers and AH until `v` or "no next
    /// header" (libpcap's `gen_protochain`, including its AH arithmetic). The walk is a loop
    /// (a backward jump), so the program needs libpcap's rules and is not optimized.
    pub(crate) fn protochain(&mut self, v: u32, proto: Proto) -> Result<Frag> {
        let reg2 = self.alloc_reg()?;
        match proto {
            Proto::Ip | Proto::Ip6 => {}
            Proto::Default => {
                let b0 = self.protochain(v, Proto::Ip)?;
                let b = self.protochain(v, Proto::Ip6)?;
                return Ok(self.or(b0, b));
            }
            _ => bail!("bad protocol applied for 'protochain'"),
        }
        if self.off_linkpl.is_variable {
            bail!("'protochain' not supported with variable length headers");
        }
        self.no_optimize = true;
        let nl = self.off_linkpl.constant_part.wrapping_add(self.off_nl);
        let (b0, start) = if proto == Proto::Ip {
            (
                self.linktype(ETHERTYPE_IP)?,
                vec![Stmt::Ld(Size::B, nl.wrapping_add(9)), Stmt::LdxMsh(nl)],
            )
        } else {
            (
                self.linktype(ETHERTYPE_IPV6)?,
                vec![Stmt::Ld(Size::B, nl.wrapping_add(6)), Stmt::LdxImm(40)],
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
        let ahcheck = self.cfg.push(vec![], br(Cond::Eq, IPPROTO_AH, ah_body, end));
        if proto == Proto::Ip6 {
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
            let frag = self.cfg.push(vec![], br(Cond::Eq, IPPROTO_FRAGMENT, advance, ahcheck));
            let routing = self.cfg.push(vec![], br(Cond::Eq, IPPROTO_ROUTING, advance, frag));
            let dstopts = self.cfg.push(vec![], br(Cond::Eq, IPPROTO_DSTOPTS, advance, routing));
            let hop = self.cfg.push(vec![], br(Cond::Eq, IPPROTO_HOPOPTS, advance, dstopts));
            self.cfg.block_mut(no_next).term = br(Cond::Eq, IPPROTO_NONE, end, hop);
        } else {
            let add0 = self.cfg.push(vec![Stmt::Alu(AluOp::Add, Src::K(0))], Terminal::Goto(ahcheck));
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
    pub fn broadcast(&mut self, proto: Proto) -> Result<Frag> {
        const BCAST: [u8; 6] = [0xff; 6];
        match proto {
            Proto::Default | Proto::Link => {
                let lt = self.linktype;
                if matches!(lt, Linktype::ARCNET | Linktype::ARCNET_LINUX) {
                    return self.ahostop(0, Dir::Dst);
                }
                match self.mac_kind() {
                    Some(kind) => self.mac_host(kind, &BCAST, Dir::Dst),
                    None => bail!("not a broadcast link"),
                }
            }
            Proto::Ip => {
                let Some(netmask) = self.netmask else {
                    bail!("netmask not known, so 'ip broadcast' not supported");
                };
                let b0 = self.linktype(ETHERTYPE_IP)?;
                let hostmask = !netmask;
                let b1 = self.mcmp(Rel::LinkPl, 16, Size::W, 0, hostmask)?;
                let b2 = self.mcmp(Rel::LinkPl, 16, Size::W, hostmask, hostmask)?;
                let b2 = self.or(b1, b2);
                Ok(self.and(b0, b2))
            }
            _ => bail!("only link-layer/IP broadcast filters supported"),
        }
    }

    fn mac_multicast(&mut self, offset: u32) -> Result<Frag> {
        self.jset(Rel::LinkHdr, offset, Size::B, 1)
    }

    /// `[link|ip|ip6] multicast` (libpcap's `gen_multicast`).
    pub fn multicast(&mut self, proto: Proto) -> Result<Frag> {
        match proto {
            Proto::Default | Proto::Link => {
                let lt = self.linktype;
                if matches!(lt, Linktype::ARCNET | Linktype::ARCNET_LINUX) {
                    return self.ahostop(0, Dir::Dst);
                }
                match self.mac_kind() {
                    Some(Mac::Ether) => {
                        let b1 = self.prevlinkhdr_check()?;
                        let b0 = self.mac_multicast(0)?;
                        return Ok(self.and_opt(b1, b0));
                    }
                    Some(Mac::Fddi) => return self.mac_multicast(1),
                    Some(Mac::TokenRing) => return self.mac_multicast(2),
                    Some(Mac::IpFc) => return self.mac_multicast(2),
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
                        return Ok(self.and(b1, b0));
                    }
                    None => {}
                }
            }
            Proto::Ip => {
                let b0 = self.linktype(ETHERTYPE_IP)?;
                let b1 = self.cmp_ge(Rel::LinkPl, 16, Size::B, 224)?;
                return Ok(self.and(b0, b1));
            }
            Proto::Ip6 => {
                let b0 = self.linktype(ETHERTYPE_IPV6)?;
                let b1 = self.cmp(Rel::LinkPl, 24, Size::B, 255)?;
                return Ok(self.and(b0, b1));
            }
            _ => {}
        }
        bail!("link-layer multicast filters supported only on ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel")
    }
}

/// How a `net` prefix's mask is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ipv4Mask<'a> {
    /// `/len`
    Len(u32),
    /// `mask A.B.C.D`: the token as written, its value and its number of bits.
    Addr {
        /// The mask as written.
        text: &'a str,
        /// Its value (`bits` significant bits).
        m: u32,
        /// 8 per dotted part.
        bits: u32,
    },
}

/// The first byte libpcap's `pcap_ether_aton` makes of `text` (used for ARCnet `$xx`).
fn ether_aton_first_byte(text: &str) -> u8 {
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
