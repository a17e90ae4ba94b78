//! ARP, IPv4, IPv6 (with extension headers), the IP protocol demultiplexer, ICMP, ICMPv6,
//! IGMP and GRE.

use super::{
    check, get_array, get_be16, get_be32, get_u8, link, need, other, transport, Ctx, Stop, R,
};
use crate::wire::arp::{self, Operation};
use crate::wire::bytes::{head, range, tail};
use crate::wire::checksum;
use crate::wire::hexdump;
use crate::wire::ipv6::Display6;
use crate::wire::{EtherType, IpProto, MacAddr};
use std::fmt;
use std::net::Ipv4Addr;

/// The enclosing IP header, as the transport printers need it: addresses for the line and the
/// checksum, and whether the IP header's own protocol field names the transport (when it does
/// not, tcpdump prints ports without addresses).
#[derive(Clone, Copy, Debug)]
pub(super) struct IpInfo<'a> {
    /// IPv6 rather than IPv4.
    pub v6: bool,
    /// Source address bytes (4 or 16).
    pub src: &'a [u8],
    /// Destination address bytes (4 or 16).
    pub dst: &'a [u8],
    /// The IPv4 protocol field or the IPv6 (first) next-header field.
    pub hdr_proto: u8,
}

/// An address from an [`IpInfo`], displayed as tcpdump does.
pub(super) struct Addr<'a>(pub &'a [u8]);

impl fmt::Display for Addr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(a) = self.0.first_chunk::<16>() {
            Display6(*a).fmt(f)
        } else if let Some(a) = self.0.first_chunk::<4>() {
            Ipv4Addr::from(*a).fmt(f)
        } else {
            Ok(())
        }
    }
}

impl IpInfo<'_> {
    /// The pseudo-header for a transport checksum over `len` bytes of protocol `proto`, and
    /// how many of its bytes are used (12 for IPv4, 40 for IPv6).
    pub fn pseudo_header(&self, proto: u8, len: u32) -> ([u8; 40], usize) {
        fn put(dst: &mut [u8], at: usize, src: &[u8]) {
            if let Some(d) = dst.get_mut(at..) {
                d.iter_mut().zip(src).for_each(|(d, s)| *d = *s);
            }
        }
        let mut ph = [0u8; 40];
        if self.v6 {
            put(&mut ph, 0, head(self.src, 16));
            put(&mut ph, 16, head(self.dst, 16));
            put(&mut ph, 32, &len.to_be_bytes());
            put(&mut ph, 39, &[proto]);
            (ph, 40)
        } else {
            put(&mut ph, 0, head(self.src, 4));
            put(&mut ph, 4, head(self.dst, 4));
            put(&mut ph, 9, &[proto]);
            put(&mut ph, 10, &(len as u16).to_be_bytes());
            (ph, 12)
        }
    }
}

/// Raw IP: the version nibble picks IPv4 or IPv6 (tcpdump's `ipN_print`).
pub(super) fn ip_n(c: &mut Ctx<'_>, p: &[u8], length: u32) -> R {
    c.proto = "ipN";
    if length < 1 {
        write!(c, "truncated-ip {length}")?;
        return Ok(());
    }
    match get_u8(p, 0)? & 0xf0 {
        0x40 => ipv4(c, p, length),
        0x60 => ipv6(c, p, length),
        v => {
            write!(c, "unknown ip {}", v >> 4)?;
            Ok(())
        }
    }
}

/// An IPv4 datagram (tcpdump's `ip_print`).
pub(super) fn ipv4(c: &mut Ctx<'_>, p: &[u8], length: u32) -> R {
    c.proto = "ip";
    let vhl = get_u8(p, 0)?;
    let version = vhl >> 4;
    if version != 4 {
        if version == 6 {
            c.s("IP6, wrong link-layer encapsulation")?;
        } else {
            write!(c, "IP{version}")?;
        }
        c.s(" (invalid)")?;
        return Ok(());
    }
    if !c.opts.link_header {
        c.s("IP ")?;
    }
    check(p, 0, 20)?;
    if length < 20 {
        write!(c, "truncated-ip {length}")?;
        return Ok(());
    }
    let hlen = u32::from(vhl & 0x0f) * 4;
    if hlen < 20 {
        write!(c, "bad-hlen {hlen}")?;
        return Ok(());
    }
    let mut len = u32::from(get_be16(p, 2)?);
    if length < len {
        write!(c, "truncated-ip - {} bytes missing! ", len - length)?;
    }
    if len < hlen {
        write!(c, "bad-len {len}")?;
        return Ok(());
    }
    // Cut the captured bytes at the end of the datagram (link-layer padding).
    let p = head(p, len as usize);
    len -= hlen;
    let off = get_be16(p, 6)?;
    let proto = get_u8(p, 9)?;
    let src = range(p, 12, 16);
    let dst = range(p, 16, 20);
    if c.opts.verbose > 0 {
        ipv4_verbose(c, p, hlen, off, proto)?;
    }
    let info = IpInfo {
        v6: false,
        src,
        dst,
        hdr_proto: proto,
    };
    if off & 0x1fff == 0 {
        let cp = tail(p, hlen as usize);
        if !matches!(proto, 6 | 17 | 132 | 33) {
            write!(c, "{} > {}: ", Addr(src), Addr(dst))?;
        }
        demux(c, proto, cp, len, &info, off & 0x3fff != 0)
    } else {
        write!(c, "{} > {}:", Addr(src), Addr(dst))?;
        proto_name(c, proto)
    }
}

/// ` name` without `-n` when the protocol has a keyword, else ` ip-proto-N`.
fn proto_name(c: &mut Ctx<'_>, proto: u8) -> R {
    match (c.opts.numeric, netdb_protoname(proto)) {
        (false, Some(n)) => write!(c, " {n}")?,
        _ => write!(c, " ip-proto-{proto}")?,
    }
    Ok(())
}

/// IANA protocol keywords, as tcpdump's built-in `netdb_protoname` has them (the ones tcpdump
/// has no printer for are the ones that matter here).
fn netdb_protoname(p: u8) -> Option<&'static str> {
    Some(match p {
        0 => "hopopt",
        1 => "icmp",
        2 => "igmp",
        3 => "ggp",
        4 => "ipv4",
        5 => "st",
        6 => "tcp",
        7 => "cbt",
        8 => "egp",
        9 => "igp",
        17 => "udp",
        27 => "rdp",
        29 => "iso-tp4",
        33 => "dccp",
        36 => "xtp",
        41 => "ipv6",
        43 => "ipv6-route",
        44 => "ipv6-frag",
        46 => "rsvp",
        47 => "gre",
        50 => "esp",
        51 => "ah",
        58 => "ipv6-icmp",
        59 => "ipv6-nonxt",
        60 => "ipv6-opts",
        88 => "eigrp",
        89 => "ospf",
        94 => "ipip",
        97 => "etherip",
        98 => "encap",
        103 => "pim",
        108 => "ipcomp",
        112 => "vrrp",
        115 => "l2tp",
        132 => "sctp",
        135 => "mobility-header",
        136 => "udplite",
        137 => "mpls-in-ip",
        _ => return None,
    })
}

fn ipv4_verbose(c: &mut Ctx<'_>, p: &[u8], hlen: u32, off: u16, proto: u8) -> R {
    let tos = get_u8(p, 1)?;
    write!(c, "(tos 0x{tos:x}")?;
    match tos & 3 {
        1 => c.s(",ECT(1)")?,
        2 => c.s(",ECT(0)")?,
        3 => c.s(",CE")?,
        _ => {}
    }
    let ttl = get_u8(p, 8)?;
    if ttl >= 1 {
        write!(c, ", ttl {ttl}")?;
    }
    write!(
        c,
        ", id {}, offset {}, flags [",
        get_be16(p, 4)?,
        u32::from(off & 0x1fff) * 8
    )?;
    let mut sep = "";
    for (bit, name) in [(0x2000u16, "+"), (0x4000, "DF"), (0x8000, "rsvd")] {
        if off & bit != 0 {
            write!(c, "{sep}{name}")?;
            sep = ", ";
        }
    }
    if sep.is_empty() {
        c.s("none")?;
    }
    write!(
        c,
        "], proto {} ({proto}), length {}",
        IpProto(proto).name().unwrap_or("unknown"),
        get_be16(p, 2)?
    )?;
    if hlen > 20 {
        c.s(", options (")?;
        let opts = range(p, 20, hlen as usize);
        if ip_options(c, opts).is_err() {
            c.s(" [truncated-option]")?;
            c.s(")")?;
            write!(
                c,
                ")\n    {} > {}: ",
                Addr(range(p, 12, 16)),
                Addr(range(p, 16, 20))
            )?;
            return Err(Stop::Trunc);
        }
        c.s(")")?;
    }
    if p.len() >= hlen as usize {
        let sum = checksum::sum(range(p, 0, hlen as usize));
        if sum != 0 {
            let field = get_be16(p, 10)?;
            write!(
                c,
                ", bad cksum {field:x} (->{:x})!",
                checksum::should_be(field, sum)
            )?;
        }
    }
    c.s(")\n    ")
}

/// IPv4 options with `-v` (names, and the values tcpdump prints for a few).
fn ip_options(c: &mut Ctx<'_>, mut p: &[u8]) -> R {
    let mut sep = "";
    while !p.is_empty() {
        c.s(sep)?;
        sep = ",";
        let code = get_u8(p, 0)?;
        match code {
            0 => c.s("EOL")?,
            1 => c.s("NOP")?,
            68 => c.s("timestamp")?,
            130 => c.s("security")?,
            7 => c.s("RR")?,
            137 => c.s("SSRR")?,
            131 => c.s("LSRR")?,
            148 => c.s("RA")?,
            82 => c.s("traceroute")?,
            _ => write!(c, "unknown {code}")?,
        }
        let optlen = if code == 0 || code == 1 {
            1
        } else {
            let l = usize::from(get_u8(p, 1)?);
            if l < 2 {
                write!(c, " [bad length {l}]")?;
                return Ok(());
            }
            l
        };
        if optlen > p.len() {
            write!(c, " [bad length {optlen}]")?;
            return Ok(());
        }
        match code {
            0 => return Ok(()),
            7 | 131 | 137 => {
                if optlen < 3 {
                    write!(c, " [bad length {optlen}]")?;
                } else {
                    if (optlen + 1) & 3 != 0 {
                        write!(c, " [bad length {optlen}]")?;
                    }
                    let ptr = u32::from(get_u8(p, 2)?).wrapping_sub(1);
                    if ptr < 3 || ptr.wrapping_add(1) & 3 != 0 || ptr > optlen as u32 + 1 {
                        write!(c, " [bad ptr {}]", get_u8(p, 2)?)?;
                    }
                    let mut i = 3;
                    while i < optlen {
                        let a = get_array::<4>(p, i)?;
                        write!(c, " {}", Ipv4Addr::from(a))?;
                        if ptr as usize > i {
                            c.s(",")?;
                        }
                        i += 4;
                    }
                }
            }
            148 => {
                if optlen < 4 {
                    write!(c, " [bad length {optlen}]")?;
                } else {
                    let v = get_be16(p, 2)?;
                    if v != 0 {
                        write!(c, " value {v}")?;
                    }
                }
            }
            _ => {}
        }
        p = tail(p, optlen);
    }
    Ok(())
}

/// An IPv6 packet (tcpdump's `ip6_print`).
pub(super) fn ipv6(c: &mut Ctx<'_>, p: &[u8], length: u32) -> R {
    c.proto = "ip6";
    check(p, 0, 40)?;
    if !c.opts.link_header {
        c.s("IP6 ")?;
    }
    if length < 40 {
        write!(c, "truncated-ip6 {length}")?;
        return Ok(());
    }
    let version = get_u8(p, 0)? >> 4;
    if version != 6 {
        write!(c, "version error: {version} != 6")?;
        return Ok(());
    }
    let payload_len = u32::from(get_be16(p, 4)?);
    let len = if payload_len != 0 {
        let l = payload_len + 40;
        if l > length {
            write!(
                c,
                "[header+payload length {l} > length {length}] (invalid) "
            )?;
        }
        l
    } else {
        length + 40
    };
    let p = head(p, len.min(length) as usize);
    let mut nh = get_u8(p, 6)?;
    if c.opts.verbose > 0 {
        let flow = get_be32(p, 0)?;
        c.s("(")?;
        if flow & 0x0ff0_0000 != 0 {
            write!(c, "class 0x{:02x}, ", (flow & 0x0ff0_0000) >> 20)?;
        }
        if flow & 0x000f_ffff != 0 {
            write!(c, "flowlabel 0x{:05x}, ", flow & 0x000f_ffff)?;
        }
        write!(
            c,
            "hlim {}, next-header {} ({nh}) payload length: {payload_len}) ",
            get_u8(p, 7)?,
            IpProto(nh).name().unwrap_or("unknown"),
        )?;
    }
    let src = range(p, 8, 24);
    let dst = range(p, 24, 40);
    let info = IpInfo {
        v6: true,
        src,
        dst,
        hdr_proto: nh,
    };
    let mut offset = 40usize;
    let mut remaining = len - 40;
    let mut fragmented = false;
    let mut first = true;
    loop {
        if first && !matches!(nh, 6 | 17 | 132 | 33) {
            write!(c, "{} > {}: ", Addr(src), Addr(dst))?;
        }
        first = false;
        let cp = tail(p, offset);
        let advance = match nh {
            0 => {
                c.proto = "hbhopt";
                let l = ext_len(cp)?;
                c.s("HBH ")?;
                l
            }
            60 => {
                c.proto = "dstopt";
                let l = ext_len(cp)?;
                c.s("DSTOPT ")?;
                l
            }
            43 => {
                c.proto = "rt6";
                rt6(c, cp)?
            }
            44 => {
                c.proto = "frag6";
                fragmented = true;
                let off = get_be16(cp, 2)? & 0xfff8;
                let frag_len = (payload_len + 40)
                    .wrapping_sub(offset as u32)
                    .wrapping_sub(8);
                if c.opts.verbose > 0 {
                    write!(c, "frag (0x{:08x}:{off}|{frag_len})", get_be32(cp, 4)?)?;
                } else {
                    write!(c, "frag ({off}|{frag_len})")?;
                }
                if off != 0 {
                    return Ok(());
                }
                c.s(" ")?;
                if offset + 8 >= p.len() {
                    return Ok(());
                }
                8
            }
            135 | 62 => {
                c.proto = "mobility";
                c.s("mobility")?;
                return Ok(());
            }
            _ => {
                let l = (payload_len + 40).saturating_sub(offset as u32);
                if length < payload_len + 40 {
                    write!(
                        c,
                        "truncated-ip6 - {} bytes missing!",
                        payload_len + 40 - length
                    )?;
                }
                let q = head(p, (payload_len + 40) as usize);
                return demux(c, nh, tail(q, offset), l, &info, fragmented);
            }
        };
        nh = get_u8(cp, 0)?;
        if remaining < advance as u32 {
            return Err(Stop::Local);
        }
        remaining -= advance as u32;
        offset += advance;
        c.proto = "ip6";
    }
}

fn ext_len(cp: &[u8]) -> R<usize> {
    check(cp, 0, 2)?;
    let l = (usize::from(get_u8(cp, 1)?) + 1) * 8;
    check(cp, 0, l)?;
    Ok(l)
}

/// An IPv6 routing header (tcpdump's `rt6_print`, non-verbose).
fn rt6(c: &mut Ctx<'_>, cp: &[u8]) -> R<usize> {
    let len = get_u8(cp, 1)?;
    let rtype = get_u8(cp, 2)?;
    let segleft = get_u8(cp, 3)?;
    let total = (usize::from(len) + 1) * 8;
    write!(c, "RT6 (len={len}, type={rtype}")?;
    if rtype == 0 {
        c.s(" [Deprecated]")?;
    }
    write!(c, ", segleft={segleft}")?;
    match rtype {
        0 | 2 => {
            if c.opts.verbose > 0 {
                write!(c, ", rsv=0x{:x}", get_be32(cp, 4)?)?;
            }
            let n = usize::from(len) / 2;
            for i in 0..n {
                let a = get_array::<16>(cp, 8 + 16 * i)?;
                write!(c, ", [{i}]{}", Display6(a))?;
            }
        }
        _ => {}
    }
    c.s(") ")?;
    check(cp, 0, total)?;
    Ok(total)
}

/// The protocol after an IP header (tcpdump's `ip_demux_print`).
pub(super) fn demux(
    c: &mut Ctx<'_>,
    mut proto: u8,
    mut cp: &[u8],
    mut len: u32,
    info: &IpInfo<'_>,
    fragmented: bool,
) -> R {
    loop {
        return match proto {
            6 => transport::tcp(c, cp, len, info, fragmented),
            17 => transport::udp(c, cp, len, info, fragmented),
            1 if !info.v6 => icmp(c, cp, len, fragmented),
            58 if info.v6 => icmp6(c, cp, len, info, fragmented),
            2 if !info.v6 => igmp(c, cp, len),
            4 => ipv4(c, cp, len),
            41 => ipv6(c, cp, len),
            47 => gre(c, cp, len),
            50 => other::esp(c, cp, len),
            51 => {
                let next = get_u8(cp, 0)?;
                match other::ah(c, cp)? {
                    Some(n) => {
                        proto = next;
                        cp = tail(cp, n);
                        len = len.saturating_sub(n as u32);
                        continue;
                    }
                    None => Ok(()),
                }
            }
            89 => other::ospf(c, cp, len),
            103 => other::pim(c, cp, len),
            112 => other::vrrp(c, cp, len),
            132 => other::sctp(c, cp, len, info),
            59 if info.v6 => {
                c.s("no next header")?;
                Ok(())
            }
            _ => {
                proto_name(c, proto)?;
                write!(c, " {len}")?;
                Ok(())
            }
        };
    }
}

/// An ARP packet (tcpdump's `arp_print`).
pub(super) fn arp(c: &mut Ctx<'_>, p: &[u8], length: u32) -> R {
    c.proto = "arp";
    need(p, 0, arp::HEADER_LEN)?;
    let a = arp::Packet::new_unchecked(p);
    let (hrd, pro, op) = (a.htype(), a.ptype(), a.operation());
    let (hln, pln) = (usize::from(a.hlen()), usize::from(a.plen()));
    if hrd == 19 {
        // ATM ARP: a different layout; not decoded.
        if !c.opts.link_header {
            c.s("ARP, ")?;
        }
        write!(c, "ATM, length {length}")?;
        return Ok(());
    }
    need(p, arp::HEADER_LEN + 2 * hln + pln, pln)?;
    if !c.opts.link_header {
        c.s("ARP, ")?;
    }
    let ip_like = pro == EtherType::IPV4 || pro.0 == 0x1000;
    if !ip_like || pln != 4 || hln == 0 || c.opts.verbose > 0 {
        match arp::hardware_name(hrd) {
            Some(n) => write!(c, "{n} (len {hln}), ")?,
            None => write!(c, "Unknown Hardware ({hrd}) (len {hln}), ")?,
        }
        match pro.name() {
            Some(n) => write!(c, "{n} (len {pln})")?,
            None => write!(c, "Unknown Protocol (0x{:04x}) (len {pln})", pro.0)?,
        }
        if c.opts.verbose == 0 {
            write!(c, ", length {length}")?;
            return Ok(());
        }
    }
    let sep = if c.opts.verbose > 0 { ", " } else { "" };
    match op.name() {
        Some(n) => write!(c, "{sep}{n} ")?,
        None => write!(c, "{sep}Unknown ({}) ", op.0)?,
    }
    let proto_addr = |which| ProtoAddr::new(which, ip_like, pln);
    let (sha, spa, tha, tpa) = (
        a.sender_hw(),
        a.sender_proto(),
        a.target_hw(),
        a.target_proto(),
    );
    match op {
        Operation::REQUEST => {
            write!(c, "who-has {}", proto_addr(tpa))?;
            if tha.iter().any(|&b| b != 0) {
                write!(c, " ({})", LinkAddr(tha))?;
            }
            write!(c, " tell {}", proto_addr(spa))?;
        }
        Operation::REPLY => write!(c, "{} is-at {}", proto_addr(spa), LinkAddr(sha))?,
        Operation::REVERSE_REQUEST | Operation::INVERSE_REQUEST => {
            write!(c, "who-is {} tell {}", LinkAddr(tha), LinkAddr(sha))?
        }
        Operation::REVERSE_REPLY => write!(c, "{} at {}", LinkAddr(tha), proto_addr(tpa))?,
        Operation::INVERSE_REPLY => write!(c, "{} at {}", LinkAddr(sha), proto_addr(spa))?,
        _ => {
            return link::unknown_payload(c, p);
        }
    }
    write!(c, ", length {length}")?;
    Ok(())
}

enum ProtoAddr<'a> {
    WrongType,
    WrongLen,
    Ip(&'a [u8]),
}

impl<'a> ProtoAddr<'a> {
    fn new(addr: &'a [u8], ip_like: bool, pln: usize) -> ProtoAddr<'a> {
        if !ip_like {
            ProtoAddr::WrongType
        } else if pln != 4 {
            ProtoAddr::WrongLen
        } else {
            ProtoAddr::Ip(addr)
        }
    }
}

impl fmt::Display for ProtoAddr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProtoAddr::WrongType => f.write_str("<wrong proto type>"),
            ProtoAddr::WrongLen => f.write_str("<wrong len>"),
            ProtoAddr::Ip(a) => Addr(a).fmt(f),
        }
    }
}

/// A hardware address as tcpdump's `linkaddr_string` prints it.
pub(super) struct LinkAddr<'a>(pub &'a [u8]);

impl fmt::Display for LinkAddr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("<empty>");
        }
        if let Some(m) = self.0.first_chunk::<6>().filter(|_| self.0.len() == 6) {
            return MacAddr(*m).fmt(f);
        }
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// ICMP (tcpdump's `icmp_print`).
fn icmp(c: &mut Ctx<'_>, p: &[u8], plen: u32, fragmented: bool) -> R {
    use crate::wire::icmp::v4;
    c.proto = "icmp";
    let t = get_u8(p, 0)?;
    let code = get_u8(p, 1)?;
    let inner_dst = |p: &[u8]| get_array::<4>(p, 24).map(Ipv4Addr::from);
    // tcpdump builds the text in a buffer and prints it at the end, so a message cut short
    // prints nothing of it: check first what each type reads (`need` where tcpdump uses a
    // `GET_` macro, `check` where it uses `ND_TCHECK`).
    match t {
        v4::ECHO | v4::ECHO_REPLY | v4::TIMESTAMP => need(p, 4, 4)?,
        v4::UNREACH if code == 3 => {
            check(p, 17, 1)?;
            let hlen = usize::from(get_u8(p, 8)? & 0x0f) * 4;
            need(p, 8 + hlen + 2, 2)?;
            need(p, 24, 4)?;
        }
        v4::UNREACH => need(p, 24, 4)?,
        v4::REDIRECT => need(p, 4, 24)?,
        v4::ROUTER_ADVERT => {
            check(p, 4, 4)?;
            if get_u8(p, 5)? == 2 {
                check(p, 8, 8 * usize::from(get_u8(p, 4)?))?;
            }
        }
        v4::TIME_EXCEEDED => check(p, 24, 4)?,
        v4::PARAM_PROBLEM if code == 0 => need(p, 4, 1)?,
        v4::MASK_REPLY => need(p, 8, 4)?,
        v4::TIMESTAMP_REPLY => check(p, 8, 12)?,
        _ => {}
    }
    c.s("ICMP ")?;
    match t {
        v4::ECHO | v4::ECHO_REPLY => write!(
            c,
            "echo {}, id {}, seq {}",
            if t == v4::ECHO { "request" } else { "reply" },
            get_be16(p, 4)?,
            get_be16(p, 6)?
        )?,
        v4::UNREACH => {
            let d = inner_dst(p);
            match code {
                0 => write!(c, "net {} unreachable", d?)?,
                1 => write!(c, "host {} unreachable", d?)?,
                2 => {
                    let d = d?;
                    write!(c, "{d} protocol {} unreachable", get_u8(p, 17)?)?
                }
                3 => {
                    get_u8(p, 17)?;
                    let hlen = usize::from(get_u8(p, 8)? & 0x0f) * 4;
                    let dport = get_be16(p, 8 + hlen + 2)?;
                    let ip_proto = get_u8(p, 17)?;
                    let d = d?;
                    match ip_proto {
                        6 => write!(
                            c,
                            "{d} tcp port {} unreachable",
                            transport::Port::tcp(c, dport)
                        )?,
                        17 => write!(
                            c,
                            "{d} udp port {} unreachable",
                            transport::Port::udp(c, dport)
                        )?,
                        _ => write!(c, "{d} protocol {ip_proto} port {dport} unreachable")?,
                    }
                }
                4 => {
                    let mtu = get_be16(p, 6)?;
                    let d = d?;
                    if mtu != 0 {
                        write!(c, "{d} unreachable - need to frag (mtu {mtu})")?
                    } else {
                        write!(c, "{d} unreachable - need to frag")?
                    }
                }
                5 => write!(c, "{} unreachable - source route failed", d?)?,
                6 => write!(c, "net {} unreachable - unknown", d?)?,
                7 => write!(c, "host {} unreachable - unknown", d?)?,
                8 => write!(c, "{} unreachable - source host isolated", d?)?,
                9 => write!(c, "net {} unreachable - admin prohibited", d?)?,
                10 => write!(c, "host {} unreachable - admin prohibited", d?)?,
                11 => write!(c, "net {} unreachable - tos prohibited", d?)?,
                12 => write!(c, "host {} unreachable - tos prohibited", d?)?,
                13 => write!(c, "host {} unreachable - admin prohibited filter", d?)?,
                14 => write!(c, "host {} unreachable - host precedence violation", d?)?,
                15 => write!(c, "host {} unreachable - precedence cutoff", d?)?,
                _ => write!(c, "{} unreachable - #{code}", d?)?,
            }
        }
        v4::REDIRECT => {
            let d = inner_dst(p)?;
            let gw = Ipv4Addr::from(get_array::<4>(p, 4)?);
            match code {
                0 => write!(c, "redirect {d} to net {gw}")?,
                1 => write!(c, "redirect {d} to host {gw}")?,
                2 => write!(c, "redirect-tos {d} to net {gw}")?,
                3 => write!(c, "redirect-tos {d} to host {gw}")?,
                _ => write!(c, "redirect-#{code} {d} to {gw}")?,
            }
        }
        v4::ROUTER_ADVERT => {
            c.s("router advertisement lifetime ")?;
            let lifetime = get_be16(p, 6)?;
            if lifetime < 60 {
                write!(c, "{lifetime}")?;
            } else if lifetime < 3600 {
                write!(c, "{}:{:02}", lifetime / 60, lifetime % 60)?;
            } else {
                write!(
                    c,
                    "{}:{:02}:{:02}",
                    lifetime / 3600,
                    (lifetime % 3600) / 60,
                    lifetime % 60
                )?;
            }
            let num = get_u8(p, 4)?;
            write!(c, " {num}:")?;
            let size = get_u8(p, 5)?;
            if size != 2 {
                write!(c, " [size {size}]")?;
            } else {
                for i in 0..usize::from(num) {
                    let at = 8 + 8 * i;
                    let a = Ipv4Addr::from(get_array::<4>(p, at)?);
                    write!(c, " {{{a} {}}}", get_be32(p, at + 4)?)?;
                }
            }
        }
        v4::TIME_EXCEEDED => match code {
            0 => c.s("time exceeded in-transit")?,
            1 => c.s("ip reassembly time exceeded")?,
            _ => write!(c, "time exceeded-#{code}")?,
        },
        v4::PARAM_PROBLEM => {
            if code != 0 {
                write!(c, "parameter problem - code {code}")?;
            } else {
                write!(c, "parameter problem - octet {}", get_u8(p, 4)?)?;
            }
        }
        v4::MASK_REPLY => write!(c, "address mask is 0x{:08x}", get_be32(p, 8)?)?,
        v4::TIMESTAMP => write!(
            c,
            "time stamp query id {} seq {}",
            get_be16(p, 4)?,
            get_be16(p, 6)?
        )?,
        v4::TIMESTAMP_REPLY => {
            write!(
                c,
                "time stamp reply id {} seq {}: org {}, recv {}, xmit {}",
                get_be16(p, 4)?,
                get_be16(p, 6)?,
                Msecs(get_be32(p, 8)?),
                Msecs(get_be32(p, 12)?),
                Msecs(get_be32(p, 16)?)
            )?;
        }
        v4::SOURCE_QUENCH => c.s("source quench")?,
        v4::ROUTER_SOLICIT => c.s("router solicitation")?,
        v4::INFO_REQUEST => c.s("information request")?,
        v4::INFO_REPLY => c.s("information reply")?,
        v4::MASK_REQUEST => c.s("address mask request")?,
        _ => write!(c, "type-#{t}")?,
    }
    write!(c, ", length {plen}")?;
    if c.opts.verbose > 0 && !fragmented && p.len() >= plen as usize {
        let sum = checksum::sum(head(p, plen as usize));
        if sum != 0 {
            let field = get_be16(p, 2)?;
            write!(
                c,
                " (wrong icmp cksum {field:x} (->{:x})!)",
                checksum::should_be(field, sum)
            )?;
        }
    }
    if c.opts.verbose > 0
        && matches!(
            t,
            v4::UNREACH | v4::SOURCE_QUENCH | v4::REDIRECT | v4::TIME_EXCEEDED | v4::PARAM_PROBLEM
        )
    {
        c.s("\n\t")?;
        let inner = tail(p, 8);
        let ilen = get_be16(inner, 2)?;
        ipv4(c, head(inner, usize::from(ilen)), u32::from(ilen))?;
        c.proto = "icmp";
    }
    Ok(())
}

/// Milliseconds since midnight as `hh:mm:ss.mmm`.
struct Msecs(u32);

impl fmt::Display for Msecs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0 % 1000;
        let s = self.0 / 1000;
        write!(
            f,
            "{:02}:{:02}:{:02}.{ms:03}",
            s / 3600,
            (s / 60) % 60,
            s % 60
        )
    }
}

fn icmp6_type_name(t: u8) -> Option<&'static str> {
    Some(match t {
        1 => "destination unreachable",
        2 => "packet too big",
        3 => "time exceeded in-transit",
        4 => "parameter problem",
        128 => "echo request",
        129 => "echo reply",
        130 => "multicast listener query",
        131 => "multicast listener report",
        132 => "multicast listener done",
        133 => "router solicitation",
        134 => "router advertisement",
        135 => "neighbor solicitation",
        136 => "neighbor advertisement",
        137 => "redirect",
        138 => "router renumbering",
        141 => "inverse neighbor solicitation",
        142 => "inverse neighbor advertisement",
        143 => "multicast listener report v2",
        144 => "ha discovery request",
        145 => "ha discovery reply",
        146 => "mobile router solicitation",
        147 => "mobile router advertisement",
        139 => "who-are-you request",
        140 => "who-are-you reply",
        200 => "mtrace response",
        201 => "mtrace message",
        155 => "RPL",
        _ => return None,
    })
}

/// The transport header of the packet quoted in an ICMPv6 error (tcpdump's `get_upperlayer`):
/// its protocol and destination port, or `None`.
fn quoted_upper_layer(p: &[u8]) -> Option<(u8, u16)> {
    let mut nh = *p.get(6)?;
    let mut at = 40usize;
    loop {
        let h = p.get(at..)?;
        match nh {
            6 | 17 => {
                let port = h.get(2..4)?.first_chunk::<2>()?;
                return Some((nh, u16::from_be_bytes(*port)));
            }
            0 | 60 | 43 => {
                nh = *h.first()?;
                at += (usize::from(*h.get(1)?) + 1) * 8;
            }
            44 => {
                let off = u16::from_be_bytes(*h.get(2..4)?.first_chunk::<2>()?);
                if off & 0xfff8 != 0 {
                    return None;
                }
                nh = *h.first()?;
                at += 8;
            }
            51 => {
                nh = *h.first()?;
                at += (usize::from(*h.get(1)?) + 2) * 4;
            }
            _ => return None,
        }
    }
}

/// ICMPv6 (tcpdump's `icmp6_print`, without the `-v` option details).
fn icmp6(c: &mut Ctx<'_>, p: &[u8], length: u32, info: &IpInfo<'_>, fragmented: bool) -> R {
    use crate::wire::icmp::v6;
    c.proto = "icmp6";
    if length == 0 {
        c.s("ICMP6, length 0 (invalid)")?;
        return Ok(());
    }
    if c.opts.verbose > 0 && !fragmented && p.len() >= length as usize {
        let data = head(p, length as usize);
        let (ph, n) = info.pseudo_header(58, length);
        let sum = checksum::sum_parts(&[head(&ph, n), data]);
        let field = get_be16(p, 2)?;
        if sum != 0 {
            write!(
                c,
                "[bad icmp6 cksum 0x{field:04x} -> 0x{:04x}!] ",
                checksum::should_be(field, sum)
            )?;
        } else {
            c.s("[icmp6 sum ok] ")?;
        }
    }
    let t = get_u8(p, 0)?;
    c.s("ICMP6, ")?;
    match icmp6_type_name(t) {
        Some(n) => c.s(n)?,
        None => write!(c, "unknown icmp6 type ({t})")?,
    }
    if c.opts.verbose > 0
        && matches!(
            t,
            v6::ROUTER_SOLICIT
                | v6::ROUTER_ADVERT
                | v6::NEIGHBOR_ADVERT
                | v6::NEIGHBOR_SOLICIT
                | v6::REDIRECT
                | 145
                | 147
        )
    {
        write!(c, ", length {length}")?;
    }
    let code = get_u8(p, 1)?;
    let quoted = tail(p, 8);
    let quoted_dst = |q: &[u8]| get_array::<16>(q, 24).map(Display6);
    match t {
        v6::UNREACH => {
            match code {
                0 => c.s(", unreachable route")?,
                1 => c.s(",  unreachable prohibited")?,
                2 => c.s(", beyond scope")?,
                3 => c.s(", unreachable address")?,
                4 => c.s(", unreachable port")?,
                _ => write!(c, ", unknown unreach code ({code})")?,
            }
            match code {
                0 | 1 | 3 => write!(c, " {}", quoted_dst(quoted)?)?,
                2 => {
                    let d = quoted_dst(quoted)?;
                    let s = Display6(get_array::<16>(quoted, 8)?);
                    write!(c, " {d}, source address {s}")?;
                }
                4 => {
                    let (prot, dport) = quoted_upper_layer(quoted).ok_or(Stop::Local)?;
                    let d = quoted_dst(quoted)?;
                    match prot {
                        6 => write!(c, ", {d} tcp port {}", transport::Port::tcp(c, dport))?,
                        17 => write!(c, ", {d} udp port {}", transport::Port::udp(c, dport))?,
                        _ => write!(c, ", {d} protocol {prot} port {dport} unreachable")?,
                    }
                }
                _ => {
                    if c.opts.verbose <= 1 {
                        let n = (length as usize).min(p.len());
                        hexdump::write_hex(c.out, head(p, n))?;
                        return Ok(());
                    }
                }
            }
        }
        v6::PACKET_TOO_BIG => write!(c, ", mtu {}", get_be32(p, 4)?)?,
        v6::TIME_EXCEEDED => match code {
            0 => write!(c, " for {}", quoted_dst(quoted)?)?,
            1 => c.s(" (reassembly)")?,
            _ => write!(c, ", unknown code ({code})")?,
        },
        v6::PARAM_PROBLEM => {
            check(quoted, 24, 16)?;
            let ptr = get_be32(p, 4)?;
            match code {
                0 => write!(c, ", erroneous - octet {ptr}")?,
                1 => write!(c, ", next header - octet {ptr}")?,
                2 => write!(c, ", option - octet {ptr}")?,
                3 => write!(c, ", incomplete header chain - octet {ptr}")?,
                _ => write!(c, ", code-#{code}")?,
            }
        }
        v6::ECHO_REQUEST | v6::ECHO_REPLY => {
            write!(c, ", id {}, seq {}", get_be16(p, 4)?, get_be16(p, 6)?)?
        }
        v6::MLD_QUERY => {
            if length == 24 {
                mld6(c, p)?;
            } else if length >= 28 {
                c.s(" v2")?;
                mld2_query(c, p, length)?;
            } else {
                write!(c, " unknown-version (len {length}) ")?;
            }
        }
        v6::MLD_REPORT | v6::MLD_DONE => mld6(c, p)?,
        v6::NEIGHBOR_SOLICIT => write!(c, ", who has {}", Display6(get_array::<16>(p, 8)?))?,
        v6::NEIGHBOR_ADVERT => write!(c, ", tgt is {}", Display6(get_array::<16>(p, 8)?))?,
        v6::REDIRECT => {
            let dst = Display6(get_array::<16>(p, 24)?);
            let target = Display6(get_array::<16>(p, 8)?);
            write!(c, ", {dst} to {target}")?;
        }
        v6::MLD2_REPORT => {
            if length < 8 {
                write!(c, " [invalid len {length}]")?;
            } else {
                write!(c, ", {} group record(s)", get_be16(p, 6)?)?;
            }
        }
        144 | 146 => write!(c, ", id 0x{:04x}", get_be16(p, 4)?)?,
        v6::ROUTER_SOLICIT | v6::ROUTER_ADVERT | 141 | 142 | 145 | 147 => {}
        _ => {
            write!(c, ", length {length}")?;
            if c.opts.verbose <= 1 {
                let n = (length as usize).min(p.len());
                hexdump::write_hex(c.out, head(p, n))?;
            }
            return Ok(());
        }
    }
    if c.opts.verbose == 0 {
        write!(c, ", length {length}")?;
    }
    Ok(())
}

fn mld6(c: &mut Ctx<'_>, p: &[u8]) -> R {
    if p.len() < 24 {
        return Ok(());
    }
    write!(
        c,
        "max resp delay: {} addr: {}",
        get_be16(p, 4)?,
        Display6(get_array::<16>(p, 8)?)
    )?;
    Ok(())
}

fn mld2_query(c: &mut Ctx<'_>, p: &[u8], len: u32) -> R {
    let mrc = get_be16(p, 4)?;
    if c.opts.verbose > 0 {
        let mrt = if mrc < 32768 {
            u32::from(mrc)
        } else {
            (u32::from(mrc & 0x0fff) | 0x1000) << (((mrc & 0x7000) >> 12) + 3)
        };
        write!(c, " [max resp delay={mrt}]")?;
    }
    write!(c, " [gaddr {}", Display6(get_array::<16>(p, 8)?))?;
    let nsrcs = u32::from(get_be16(p, 26)?);
    if nsrcs > 0 {
        if len < 28 + nsrcs * 16 {
            c.s(" [invalid number of sources]")?;
        } else {
            write!(c, ", {nsrcs} source(s)")?;
        }
    }
    c.s("]")
}

/// IGMP (tcpdump's `igmp_print`, non-verbose).
fn igmp(c: &mut Ctx<'_>, p: &[u8], len: u32) -> R {
    c.proto = "igmp";
    if c.opts.quick {
        c.s("igmp")?;
        return Ok(());
    }
    let t = get_u8(p, 0)?;
    let group = |p: &[u8]| get_array::<4>(p, 4).map(Ipv4Addr::from);
    match t {
        0x11 => {
            c.s("igmp query")?;
            if len >= 12 {
                c.s(" v3")?;
                let mrc = get_u8(p, 1)?;
                if mrc != 100 {
                    c.s(" [max resp time ")?;
                    if mrc < 128 {
                        write!(c, "{}.{}s]", mrc / 10, mrc % 10)?;
                    } else {
                        let mrt = (u32::from(mrc & 0x0f) | 0x10) << (((mrc & 0x70) >> 4) + 3);
                        write!(c, "{}.{}s]", mrt / 10, mrt % 10)?;
                    }
                }
                let g = group(p)?;
                if !g.is_unspecified() {
                    write!(c, " [gaddr {g}")?;
                    let n = get_be16(p, 10)?;
                    if n > 0 {
                        write!(c, ", {n} source(s)")?;
                    }
                    c.s("]")?;
                }
            } else {
                let mrt = get_u8(p, 1)?;
                if mrt != 0 {
                    if mrt != 100 {
                        write!(c, " v2 [max resp time {mrt}]")?;
                    } else {
                        c.s(" v2")?;
                    }
                } else {
                    c.s(" v1")?;
                }
                let g = group(p)?;
                if !g.is_unspecified() {
                    write!(c, " [gaddr {g}]")?;
                }
                if len != 8 {
                    write!(c, " [len {len}]")?;
                }
            }
        }
        0x12 => {
            write!(c, "igmp v1 report {}", group(p)?)?;
            if len != 8 {
                write!(c, " [len {len}]")?;
            }
        }
        0x16 => {
            write!(c, "igmp v2 report {}", group(p)?)?;
            if len != 8 {
                write!(c, " [len {len}]")?;
            }
        }
        0x22 => {
            let n = get_be16(p, 6)?;
            write!(c, "igmp v3 report, {n} group record(s)")?;
        }
        0x17 => {
            write!(c, "igmp leave {}", group(p)?)?;
            if len != 8 {
                write!(c, " [len {len}]")?;
            }
        }
        0x13 => c.s("igmp dvmrp")?,
        0x14 => c.s("igmp pimv1")?,
        0x1e => c.s("igmp mtrace-resp")?,
        0x1f => c.s("igmp mtrace")?,
        _ => write!(c, "igmp-{t}")?,
    }
    Ok(())
}

/// A big-endian `u16` read where tcpdump checks with `ND_TCHECK` and `goto trunc`.
fn lget16(p: &[u8], at: usize) -> R<u16> {
    check(p, at, 2)?;
    get_be16(p, at)
}

/// A big-endian `u32` read where tcpdump checks with `ND_TCHECK` and `goto trunc`.
fn lget32(p: &[u8], at: usize) -> R<u32> {
    check(p, at, 4)?;
    get_be32(p, at)
}

/// GRE (tcpdump's `gre_print`), versions 0 and 1, non-verbose.
fn gre(c: &mut Ctx<'_>, p: &[u8], length: u32) -> R {
    c.proto = "gre";
    let flags = lget16(p, 0)?;
    let version = flags & 7;
    match version {
        0 => {
            c.s("GREv0")?;
            gre0(c, p, length, flags)
        }
        1 => {
            c.s("GREv1")?;
            gre1(c, p, length, flags)
        }
        v => {
            write!(c, "GRE (unknown version {v})")?;
            Ok(())
        }
    }
}

fn gre0(c: &mut Ctx<'_>, p: &[u8], length: u32, flags: u16) -> R {
    let mut len = length;
    const CP: u16 = 0x8000;
    const RP: u16 = 0x4000;
    const KP: u16 = 0x2000;
    const SP: u16 = 0x1000;
    if len < 2 {
        return Err(Stop::Local);
    }
    let mut at = 2usize;
    len -= 2;
    if c.opts.verbose > 0 {
        c.s(", Flags [")?;
        let mut sep = "";
        for (bit, name) in [
            (CP, "checksum present"),
            (RP, "routing present"),
            (KP, "key present"),
            (SP, "sequence# present"),
        ] {
            if flags & bit != 0 {
                write!(c, "{sep}{name}")?;
                sep = ", ";
            }
        }
        if sep.is_empty() {
            c.s("none")?;
        }
        c.s("]")?;
    }
    if len < 2 {
        return Err(Stop::Local);
    }
    let prot = lget16(p, at)?;
    at += 2;
    len -= 2;
    if flags & (CP | RP) != 0 {
        if len < 2 {
            return Err(Stop::Local);
        }
        if c.opts.verbose > 0 {
            write!(c, ", sum 0x{:x}", lget16(p, at)?)?;
        }
        at += 2;
        if len < 2 {
            return Err(Stop::Local);
        }
        write!(c, ", off 0x{:x}", lget16(p, at)?)?;
        at += 2;
        len -= 4;
    }
    if flags & KP != 0 {
        if len < 4 {
            return Err(Stop::Local);
        }
        write!(c, ", key=0x{:x}", lget32(p, at)?)?;
        at += 4;
        len -= 4;
    }
    if flags & SP != 0 {
        if len < 4 {
            return Err(Stop::Local);
        }
        write!(c, ", seq {}", lget32(p, at)?)?;
        at += 4;
        len -= 4;
    }
    if flags & RP != 0 {
        // Source routing entries: not decoded; stop as tcpdump would on an odd route.
        c.s(" [routing not decoded]")?;
        return Ok(());
    }
    gre_proto_e(c, prot)?;
    write!(c, ", length {length}")?;
    c.s(if c.opts.verbose > 0 { "\n\t" } else { ": " })?;
    gre_payload(c, prot, tail(p, at), len)
}

fn gre1(c: &mut Ctx<'_>, p: &[u8], length: u32, flags: u16) -> R {
    let mut len = length;
    const KP: u16 = 0x2000;
    const SP: u16 = 0x1000;
    const AP: u16 = 0x0080;
    if len < 2 {
        return Err(Stop::Local);
    }
    let mut at = 2usize;
    len -= 2;
    if len < 2 {
        return Err(Stop::Local);
    }
    let prot = lget16(p, at)?;
    at += 2;
    len -= 2;
    if flags & KP != 0 {
        if len < 4 {
            return Err(Stop::Local);
        }
        let k = lget32(p, at)?;
        write!(c, ", call {}", k & 0xffff)?;
        at += 4;
        len -= 4;
    }
    if flags & SP != 0 {
        if len < 4 {
            return Err(Stop::Local);
        }
        write!(c, ", seq {}", lget32(p, at)?)?;
        at += 4;
        len -= 4;
    }
    if flags & AP != 0 {
        if len < 4 {
            return Err(Stop::Local);
        }
        write!(c, ", ack {}", lget32(p, at)?)?;
        at += 4;
        len -= 4;
    }
    if flags & SP == 0 {
        c.s(", no-payload")?;
    }
    gre_proto_e(c, prot)?;
    write!(c, ", length {length}")?;
    c.s(if c.opts.verbose > 0 { "\n\t" } else { ": " })?;
    if flags & SP == 0 {
        return Ok(());
    }
    gre_payload(c, prot, tail(p, at), len)
}

/// With `-e`, the GRE protocol type: `, proto TEB (0x6558)`.
fn gre_proto_e(c: &mut Ctx<'_>, prot: u16) -> R {
    if c.opts.link_header {
        write!(
            c,
            ", proto {} (0x{prot:04x})",
            EtherType(prot).name().unwrap_or("unknown")
        )?;
    }
    Ok(())
}

fn gre_payload(c: &mut Ctx<'_>, prot: u16, p: &[u8], len: u32) -> R {
    match prot {
        0x0800 => ipv4(c, p, len),
        0x86dd => ipv6(c, p, len),
        0x880b => other::ppp(c, p, len),
        0x6558 => {
            // Transparent Ethernet bridging.
            c.proto = "ether";
            link::ether(c, p, len).map(|_| ())
        }
        _ => {
            write!(c, "gre-proto-0x{prot:x}")?;
            Ok(())
        }
    }
}
