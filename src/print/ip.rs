//! ARP, IPv4, IPv6 (with extension headers), the IP protocol demultiplexer, IGMP and GRE.

use super::{
    check, field_bytes, get_array, get_be16, get_be32, get_u8, icmp, link, need, other, transport,
    Captured, Ctx, Ether, Fields, Stop, R,
};
use crate::wire::arp::{self, Operation};
use crate::wire::bytes::{head, range, tail};
use crate::wire::checksum;
use crate::wire::ipv6::{self, Display6};
use crate::wire::{ipv4 as v4, EtherType, IpProto, MacAddr};
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
    /// The destination for checksums: the final one of a source route, else `dst`.
    pub final_dst: &'a [u8],
    /// The IPv4 protocol field or the IPv6 (first) next-header field.
    pub hdr_proto: u8,
    /// The IPv4 time to live or the IPv6 hop limit.
    pub ttl: u8,
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
            put(&mut ph, 16, head(self.final_dst, 16));
            put(&mut ph, 32, &len.to_be_bytes());
            put(&mut ph, 39, &[proto]);
            (ph, 40)
        } else {
            put(&mut ph, 0, head(self.src, 4));
            put(&mut ph, 4, head(self.final_dst, 4));
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
    let ip = v4::Packet::new_unchecked(p);
    let version = ip.try_version().or_trunc()?;
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
    check(p, 0, v4::MIN_HEADER_LEN)?;
    if (length as usize) < v4::MIN_HEADER_LEN {
        write!(c, "truncated-ip {length}")?;
        return Ok(());
    }
    let hlen = ip.header_len() as u32;
    if (hlen as usize) < v4::MIN_HEADER_LEN {
        write!(c, "bad-hlen {hlen}")?;
        return Ok(());
    }
    let mut len = u32::from(ip.try_total_len().or_trunc()?);
    if length < len {
        write!(c, "truncated-ip - {} bytes missing! ", len - length)?;
    }
    if len < hlen {
        write!(c, "bad-len {len}")?;
        return Ok(());
    }
    // Cut the captured bytes at the end of the datagram (link-layer padding).
    let p = head(p, len as usize);
    let ip = v4::Packet::new_unchecked(p);
    len -= hlen;
    let off = ip.try_flags_frag().or_trunc()?;
    let proto = ip.try_protocol().or_trunc()?.0;
    let src = field_bytes(p, v4::field::SRC);
    let dst = field_bytes(p, v4::field::DST);
    if c.opts.verbose > 0 {
        ipv4_verbose(c, &ip, hlen, off, proto)?;
    }
    let info = IpInfo {
        v6: false,
        src,
        dst,
        final_dst: route_final_dst(ip.options()).unwrap_or(dst),
        hdr_proto: proto,
        ttl: ip.try_ttl().or_trunc()?,
    };
    if off & v4::FRAG_OFFSET_MASK == 0 {
        let cp = ip.rest();
        if !matches!(IpProto(proto), IpProto::TCP | IpProto::UDP | IpProto::SCTP) {
            write!(c, "{} > {}: ", Addr(src), Addr(dst))?;
        }
        demux(
            c,
            proto,
            cp,
            len,
            &info,
            off & (v4::FLAG_MF | v4::FRAG_OFFSET_MASK) != 0,
        )
    } else {
        write!(c, "{} > {}:", Addr(src), Addr(dst))?;
        proto_name(c, proto)
    }
}

/// ` name` without `-n` when the protocol has a keyword, else ` ip-proto-N`.
fn proto_name(c: &mut Ctx<'_>, proto: u8) -> R {
    match (c.opts.numeric, IpProto(proto).keyword()) {
        (false, Some(n)) => write!(c, " {n}")?,
        _ => write!(c, " ip-proto-{proto}")?,
    }
    Ok(())
}

fn ipv4_verbose(c: &mut Ctx<'_>, ip: &v4::Packet<&[u8]>, hlen: u32, off: u16, proto: u8) -> R {
    let p: &[u8] = ip.into_inner();
    let tos = ip.try_tos().or_trunc()?;
    write!(c, "(tos 0x{tos:x}")?;
    match tos & 3 {
        1 => c.s(",ECT(1)")?,
        2 => c.s(",ECT(0)")?,
        3 => c.s(",CE")?,
        _ => {}
    }
    let ttl = ip.try_ttl().or_trunc()?;
    if ttl >= 1 {
        write!(c, ", ttl {ttl}")?;
    }
    write!(
        c,
        ", id {}, offset {}, flags [",
        ip.try_ident().or_trunc()?,
        u32::from(off & v4::FRAG_OFFSET_MASK) * 8
    )?;
    c.bits(
        &[
            (u32::from(v4::FLAG_MF), "+"),
            (u32::from(v4::FLAG_DF), "DF"),
            (u32::from(v4::FLAG_RESERVED), "rsvd"),
        ],
        u32::from(off),
    )?;
    write!(
        c,
        "], proto {} ({proto}), length {}",
        IpProto(proto).name().unwrap_or("unknown"),
        ip.try_total_len().or_trunc()?
    )?;
    let mut truncated = false;
    if hlen as usize > v4::MIN_HEADER_LEN {
        c.s(", options (")?;
        match ip_options(
            c,
            tail(p, v4::field::OPTIONS),
            hlen as usize - v4::MIN_HEADER_LEN,
        ) {
            Ok(()) => {}
            Err(Stop::Fmt) => return Err(Stop::Fmt),
            Err(_) => {
                c.s(" [truncated-option]")?;
                truncated = true;
            }
        }
        c.s(")")?;
    }
    if p.len() >= hlen as usize {
        let sum = checksum::sum(range(p, 0, hlen as usize));
        if sum != 0 {
            let field = ip.try_checksum().or_trunc()?;
            write!(
                c,
                ", bad cksum {field:x} (->{:x})!",
                checksum::should_be(field, sum)
            )?;
        }
    }
    c.s(")\n    ")?;
    if truncated {
        write!(
            c,
            "{} > {}: ",
            Addr(field_bytes(p, v4::field::SRC)),
            Addr(field_bytes(p, v4::field::DST))
        )?;
        return Err(Stop::Trunc);
    }
    Ok(())
}

/// The last address of a loose or strict source route among IPv4 options (tcpdump's
/// `ip_finddst`), which TCP and UDP checksums use in place of the header's destination.
fn route_final_dst(mut opts: &[u8]) -> Option<&[u8]> {
    while let Some(&code) = opts.first() {
        let len = match code {
            0 => return None,
            1 => 1,
            _ => match opts.get(1) {
                Some(&l) if l >= 2 => usize::from(l),
                _ => return None,
            },
        };
        let opt = opts.get(..len)?;
        if (code == 131 || code == 137) && len >= 7 {
            return opt.get(len - 4..);
        }
        opts = tail(opts, len);
    }
    None
}

/// The final destination of an IPv6 packet with a routing header (tcpdump's `ip6_finddst`):
/// the last address of a type 0 or 2 header, the first segment of a segment routing header.
/// Checksums use it in place of the header's destination.
fn ip6_final_dst(p: &[u8], mut nh: u8) -> Option<&[u8]> {
    use ipv6::field::extension;
    let mut cp = ipv6::HEADER_LEN;
    while cp < p.len() {
        let ext = tail(p, cp);
        match IpProto(nh) {
            // Hop-by-hop, destination options, mobility (old and new numbers).
            IpProto::HOPOPTS | IpProto::DSTOPTS | IpProto(62) | IpProto::MOBILITY => {
                nh = *ext.get(extension::NEXT_HEADER)?;
                cp += ipv6::generic_extension_len(ext)?;
            }
            IpProto::FRAGMENT => {
                nh = *ext.get(ipv6::field::fragment::NEXT_HEADER)?;
                cp += ipv6::FRAGMENT_HEADER_LEN;
            }
            IpProto::ROUTING => {
                let len = usize::from(*p.get(cp + 1)?);
                return match *p.get(cp + 2)? {
                    0 | 2 if len % 2 == 0 => {
                        // The last address captured, as tcpdump stops at the first missing.
                        let n = (0..len / 2)
                            .take_while(|i| p.get(cp + 8 + 16 * i..cp + 24 + 16 * i).is_some())
                            .count();
                        n.checked_sub(1)
                            .map(|last| range(p, cp + 8 + 16 * last, cp + 24 + 16 * last))
                    }
                    4 => p.get(cp + 8..cp + 24),
                    _ => None,
                };
            }
            _ => return None,
        }
    }
    None
}

/// IPv4 options with `-v` (names, and the values tcpdump prints for a few): `length` bytes of
/// them as the header says, read from the captured bytes `p` (which may end sooner, or go on
/// into the payload).
fn ip_options(c: &mut Ctx<'_>, mut p: &[u8], mut length: usize) -> R {
    let mut sep = "";
    while length > 0 {
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
        if optlen > length {
            write!(c, " [bad length {optlen}]")?;
            return Ok(());
        }
        need(p, 0, optlen)?;
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
            68 => ip_timestamp(c, p, optlen)?,
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
        length -= optlen;
    }
    Ok(())
}

/// The body of an IPv4 timestamp option (tcpdump's `ip_printts`): ` TS{TSONLY 123@ ^ 0@}`,
/// `^` marking where the pointer points.
fn ip_timestamp(c: &mut Ctx<'_>, opt: &[u8], optlen: usize) -> R {
    let length = optlen as u32;
    if length < 4 {
        write!(c, "[bad length {length}]")?;
        return Ok(());
    }
    c.s(" TS{")?;
    let flags = get_u8(opt, 3)?;
    let hoplen: u32 = if flags & 0x0f != 0 { 8 } else { 4 };
    if (length - 4) & (hoplen - 1) != 0 {
        write!(c, "[bad length {length}]")?;
    }
    let raw_ptr = get_u8(opt, 2)?;
    let ptr = u32::from(raw_ptr).wrapping_sub(1);
    if ptr < 4 || (ptr - 4) & (hoplen - 1) != 0 || ptr > length + 1 {
        write!(c, "[bad ptr {raw_ptr}]")?;
    }
    let mut len = 0u32;
    let known = match flags & 0x0f {
        0 => Some("TSONLY"),
        1 => Some("TS+ADDR"),
        3 => Some("PRESPEC"),
        _ => None,
    };
    match known {
        Some(name) => {
            c.s(name)?;
            len = 4;
            while len < length {
                // The whole entry must have been captured, even past the option's end.
                let at = len as usize;
                let ts = get_be32(opt, at + hoplen as usize - 4)?;
                c.s(if ptr == len { " ^ " } else { " " })?;
                write!(c, "{ts}@")?;
                if hoplen == 8 {
                    write!(c, "{}", Ipv4Addr::from(get_array::<4>(opt, at)?))?;
                }
                len += hoplen;
            }
        }
        None => write!(c, "[bad ts type {}]", flags & 0x0f)?,
    }
    if ptr == len {
        c.s(" ^ ")?;
    }
    if flags >> 4 != 0 {
        write!(c, " [{} hops not recorded]}} ", flags >> 4)?;
    } else {
        c.s("}")?;
    }
    Ok(())
}

/// An IPv6 packet (tcpdump's `ip6_print`).
pub(super) fn ipv6(c: &mut Ctx<'_>, p: &[u8], length: u32) -> R {
    const HLEN: u32 = ipv6::HEADER_LEN as u32;
    c.proto = "ip6";
    check(p, 0, ipv6::HEADER_LEN)?;
    if !c.opts.link_header {
        c.s("IP6 ")?;
    }
    if length < HLEN {
        write!(c, "truncated-ip6 {length}")?;
        return Ok(());
    }
    let ip = ipv6::Packet::new_unchecked(p);
    let version = ip.try_version().or_trunc()?;
    if version != 6 {
        write!(c, "version error: {version} != 6")?;
        return Ok(());
    }
    let payload_len = u32::from(ip.try_payload_len().or_trunc()?);
    let len = if payload_len != 0 {
        let l = payload_len + HLEN;
        if l > length {
            write!(
                c,
                "[header+payload length {l} > length {length}] (invalid) "
            )?;
        }
        l
    } else {
        length + HLEN
    };
    let p = head(p, len.min(length) as usize);
    let ip = ipv6::Packet::new_unchecked(p);
    let mut nh = ip.try_next_header().or_trunc()?.0;
    if c.opts.verbose > 0 {
        let flow = ip.try_first_word().or_trunc()?;
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
            ip.try_hop_limit().or_trunc()?,
            IpProto(nh).name().unwrap_or("unknown"),
        )?;
    }
    let src = field_bytes(p, ipv6::field::SRC);
    let dst = field_bytes(p, ipv6::field::DST);
    let info = IpInfo {
        v6: true,
        src,
        dst,
        final_dst: ip6_final_dst(p, nh).unwrap_or(dst),
        hdr_proto: nh,
        ttl: ip.try_hop_limit().or_trunc()?,
    };
    let mut offset = ipv6::HEADER_LEN;
    let mut remaining = len - HLEN;
    let mut fragmented = false;
    let mut first = true;
    // The payload length, replaced by a Jumbo Payload option's when there is a valid one.
    let mut jumbo: Option<u32> = None;
    loop {
        if first && !matches!(IpProto(nh), IpProto::TCP | IpProto::UDP | IpProto::SCTP) {
            write!(c, "{} > {}: ", Addr(src), Addr(dst))?;
        }
        first = false;
        let cp = tail(p, offset);
        let advance = match IpProto(nh) {
            IpProto::HOPOPTS => {
                c.proto = "hbhopt";
                if offset != ipv6::HEADER_LEN {
                    c.s("[The Hop-by-Hop Options header don't follow the IPv6 header] (invalid)")?;
                    return Ok(());
                }
                let l = ext_len(cp)?;
                c.s("HBH ")?;
                ext_options(c, tail(head(cp, l), 2), Some((payload_len, &mut jumbo)))?;
                if payload_len == 0 && jumbo.is_none() {
                    c.s("[No valid Jumbo Payload Hop-by-Hop option found] (invalid)")?;
                    return Ok(());
                }
                l
            }
            IpProto::DSTOPTS => {
                c.proto = "dstopt";
                let l = ext_len(cp)?;
                c.s("DSTOPT ")?;
                ext_options(c, tail(head(cp, l), 2), None)?;
                l
            }
            IpProto::ROUTING => {
                c.proto = "rt6";
                match rt6(c, cp)? {
                    Some(l) => l,
                    None => return Ok(()),
                }
            }
            IpProto::FRAGMENT => {
                c.proto = "frag6";
                fragmented = true;
                let frag = ipv6::Fragment::new_unchecked(cp);
                let off = frag.try_offset().or_trunc()?;
                let frag_len = (payload_len + HLEN)
                    .wrapping_sub(offset as u32)
                    .wrapping_sub(ipv6::FRAGMENT_HEADER_LEN as u32);
                if c.opts.verbose > 0 {
                    write!(
                        c,
                        "frag (0x{:08x}:{off}|{frag_len})",
                        frag.try_ident().or_trunc()?
                    )?;
                } else {
                    write!(c, "frag ({off}|{frag_len})")?;
                }
                if off != 0 {
                    return Ok(());
                }
                c.s(" ")?;
                if offset + ipv6::FRAGMENT_HEADER_LEN >= p.len() {
                    return Ok(());
                }
                ipv6::FRAGMENT_HEADER_LEN
            }
            IpProto::MOBILITY | IpProto(62) => {
                c.proto = "mobility";
                c.s("mobility")?;
                return Ok(());
            }
            _ => {
                let total = jumbo.unwrap_or(payload_len).saturating_add(HLEN);
                if (total as usize) < offset {
                    return Err(Stop::Local);
                }
                if length < total {
                    write!(c, "truncated-ip6 - {} bytes missing!", total - length)?;
                }
                let q = head(p, total as usize);
                let l = total - offset as u32;
                return demux(c, nh, tail(q, offset), l, &info, fragmented);
            }
        };
        nh = get_u8(cp, ipv6::field::extension::NEXT_HEADER)?;
        if remaining < advance as u32 {
            return Err(Stop::Local);
        }
        remaining -= advance as u32;
        offset += advance;
        c.proto = "ip6";
    }
}

/// The options of a hop-by-hop or destination options header (tcpdump's `ip6_opt_process`):
/// named with `-v`, complained about when malformed. `jumbo` is the IPv6 payload length and
/// where to record a valid Jumbo Payload option, for a hop-by-hop header.
fn ext_options(c: &mut Ctx<'_>, b: &[u8], mut jumbo: Option<(u32, &mut Option<u32>)>) -> R {
    let len = b.len();
    if len == 0 {
        return Ok(());
    }
    let v = c.opts.verbose > 0;
    let mut i = 0usize;
    let mut seen_jumbo = false;
    while i < len {
        let t = get_u8(b, i)?;
        let optlen = if t == 0 {
            1
        } else if i + 1 < len {
            usize::from(get_u8(b, i + 1)?) + 2
        } else {
            return Err(Stop::Local);
        };
        if i + optlen > len {
            return Err(Stop::Local);
        }
        match t {
            0 => {
                if v {
                    c.s("(pad1)")?;
                }
            }
            1 => {
                if len - i < 2 {
                    c.s("(padn: trunc)")?;
                    return Err(Stop::Local);
                }
                if v {
                    c.s("(padn)")?;
                }
            }
            0x05 => {
                if len - i < 4 {
                    c.s("(rtalert: trunc)")?;
                    return Err(Stop::Local);
                }
                let l = get_u8(b, i + 1)?;
                if l != 2 {
                    write!(c, "(rtalert: invalid len {l})")?;
                    return Err(Stop::Local);
                }
                if v {
                    write!(c, "(rtalert: 0x{:04x}) ", get_be16(b, i + 2)?)?;
                }
            }
            0xc2 => {
                if len - i < 6 {
                    c.s("(jumbo: trunc)")?;
                    return Err(Stop::Local);
                }
                let l = get_u8(b, i + 1)?;
                if l != 4 {
                    write!(c, "(jumbo: invalid len {l})")?;
                    return Err(Stop::Local);
                }
                let jlen = get_be32(b, i + 2)?;
                if seen_jumbo {
                    if v {
                        write!(c, "(jumbo: {jlen} - already seen) ")?;
                    }
                } else {
                    seen_jumbo = true;
                    match jumbo.as_mut() {
                        None => {
                            if v {
                                write!(c, "(jumbo: {jlen} - not a hop-by-hop option) ")?;
                            }
                        }
                        Some((plen, _)) if *plen != 0 => {
                            if v {
                                write!(c, "(jumbo: {jlen} - payload len != 0) ")?;
                            }
                        }
                        Some((_, found)) => {
                            if jlen < 65536 {
                                if v {
                                    write!(c, "(jumbo: {jlen} - < 65536) ")?;
                                }
                            } else {
                                **found = Some(jlen);
                                if v {
                                    write!(c, "(jumbo: {jlen}) ")?;
                                }
                            }
                        }
                    }
                }
            }
            0xc9 => {
                if len - i < 18 {
                    c.s("(homeaddr: trunc)")?;
                    return Err(Stop::Local);
                }
                let l = get_u8(b, i + 1)?;
                if l < 16 {
                    write!(c, "(homeaddr: invalid len {l})")?;
                    return Err(Stop::Local);
                }
                if v {
                    write!(c, "(homeaddr: {})", Display6(get_array::<16>(b, i + 2)?))?;
                }
            }
            _ => {
                if len - i < 2 {
                    write!(c, "(type {t}: trunc)")?;
                    return Err(Stop::Local);
                }
                if v {
                    write!(c, "(opt_type 0x{t:02x}: len={})", get_u8(b, i + 1)?)?;
                }
            }
        }
        i += optlen;
    }
    if v {
        c.s(" ")?;
    }
    Ok(())
}

fn ext_len(cp: &[u8]) -> R<usize> {
    check(cp, 0, ipv6::field::extension::LEN + 1)?;
    let l = ipv6::generic_extension_len(cp).or_trunc()?;
    check(cp, 0, l)?;
    Ok(l)
}

/// An IPv6 routing header (tcpdump's `rt6_print`): its length, or `None` when tcpdump calls
/// it invalid and stops.
fn rt6(c: &mut Ctx<'_>, cp: &[u8]) -> R<Option<usize>> {
    c.s("RT6")?;
    let len = get_u8(cp, 1)?;
    write!(c, " (len={len}")?;
    let rtype = get_u8(cp, 2)?;
    write!(c, ", type={rtype}")?;
    if rtype == 0 {
        c.s(" [Deprecated]")?;
    }
    write!(c, ", segleft={}", get_u8(cp, 3)?)?;
    let addrs = match rtype {
        // Type 0 (deprecated) and type 2 (mobility, one address).
        0 | 2 => {
            let rsv = get_be32(cp, 4)?;
            if rsv != 0 || c.opts.verbose > 0 {
                write!(c, ", rsv=0x{rsv:x}")?;
            }
            if len % 2 == 1 {
                write!(c, " (invalid length {len}) (invalid)")?;
                return Ok(None);
            }
            usize::from(len / 2)
        }
        // Segment routing (RFC 8754).
        4 => {
            let last = get_u8(cp, 4)?;
            write!(c, ", last-entry={last}")?;
            let flags = get_u8(cp, 5)?;
            if flags != 0 || c.opts.verbose > 0 {
                write!(c, ", flags=0x{flags:x}")?;
            }
            write!(c, ", tag={:x}", get_be16(cp, 6)?)?;
            usize::from(last) + 1
        }
        _ => {
            c.s(" (unknown type) (invalid)")?;
            return Ok(None);
        }
    };
    for i in 0..addrs {
        let a = get_array::<16>(cp, 8 + 16 * i)?;
        write!(c, ", [{i}]{}", Display6(a))?;
    }
    c.s(") ")?;
    Ok(Some((usize::from(len) + 1) * 8))
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
        return match IpProto(proto) {
            IpProto::TCP => transport::tcp(c, cp, len, info, fragmented),
            IpProto::UDP => transport::udp(c, cp, len, info, fragmented),
            IpProto::ICMP if !info.v6 => icmp::icmp(c, cp, len, fragmented),
            IpProto::ICMPV6 if info.v6 => icmp::icmp6(c, cp, len, info, fragmented),
            IpProto::IGMP if !info.v6 => igmp(c, cp, len),
            IpProto::IPIP => ipv4(c, cp, len),
            IpProto::IPV6 => ipv6(c, cp, len),
            IpProto::GRE => gre(c, cp, len),
            IpProto::ESP => other::esp(c, cp, len),
            IpProto::AH => {
                let next = get_u8(cp, 0)?;
                let n = other::ah(c, cp)?;
                proto = next;
                cp = tail(cp, n);
                // tcpdump's unsigned length wraps when the header claims more than there is.
                len = len.wrapping_sub(n as u32);
                continue;
            }
            IpProto::OSPF => other::ospf(c, cp, len, info.v6),
            IpProto::PIM => other::pim(c, cp, len),
            IpProto::IPCOMP => other::ipcomp(c, cp),
            IpProto::VRRP => other::vrrp(c, cp, len, info),
            IpProto::SCTP => other::sctp(c, cp, len, info),
            IpProto::NONE => {
                c.s("no next header")?;
                Ok(())
            }
            IpProto::ETHERNET if info.v6 => {
                // Ethernet in IPv6 (RFC 8986 segment routing); -x still skips only the outer
                // link-layer header.
                c.proto = "ether";
                link::ether(c, cp, len).map(|_| ())
            }
            p @ (IpProto::ICMP | IpProto::IGMP | IpProto::ICMPV6 | IpProto::ETHERNET) => {
                // tcpdump's check that the protocol fits the IP version.
                let version = if info.v6 { 4 } else { 6 };
                let name = p.name().unwrap_or("?");
                write!(c, "[{name} requires IPv{version}] (invalid)")?;
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
    let oui = !c.opts.numeric;
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
                write!(c, " ({})", LinkAddr(tha, oui))?;
            }
            write!(c, " tell {}", proto_addr(spa))?;
        }
        Operation::REPLY => write!(c, "{} is-at {}", proto_addr(spa), LinkAddr(sha, oui))?,
        Operation::REVERSE_REQUEST | Operation::INVERSE_REQUEST => write!(
            c,
            "who-is {} tell {}",
            LinkAddr(tha, oui),
            LinkAddr(sha, oui)
        )?,
        Operation::REVERSE_REPLY => write!(c, "{} at {}", LinkAddr(tha, oui), proto_addr(tpa))?,
        Operation::INVERSE_REPLY => write!(c, "{} at {}", LinkAddr(sha, oui), proto_addr(spa))?,
        _ => {
            // tcpdump dumps this one even with -x, -X or -q.
            return c.default_print(p);
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

/// A hardware address as tcpdump's `linkaddr_string` prints it; a MAC address gets its
/// organisation when the flag (not `-n`) is set.
pub(super) struct LinkAddr<'a>(pub &'a [u8], pub bool);

impl fmt::Display for LinkAddr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("<empty>");
        }
        if let Some(m) = self.0.first_chunk::<6>().filter(|_| self.0.len() == 6) {
            return Ether {
                mac: MacAddr(*m),
                oui: self.1,
            }
            .fmt(f);
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

/// The group records of an IGMPv3 report (`-v`; the sources too with `-vv`).
fn igmp_v3_records(c: &mut Ctx<'_>, p: &[u8], len: u32, n: u16) -> R {
    let mut at = 8usize;
    for _ in 0..n {
        write!(c, " [gaddr {}", Ipv4Addr::from(get_array::<4>(p, at + 4)?))?;
        c.group_record_type(get_u8(p, at)?, "v3")?;
        let nsrcs = usize::from(get_be16(p, at + 2)?);
        if (len as usize) < at + 8 + (nsrcs << 2) {
            write!(c, " [invalid number of sources {nsrcs}]")?;
            return Ok(());
        }
        if c.opts.verbose == 1 {
            write!(c, ", {nsrcs} source(s)")?;
        } else {
            c.s(" {")?;
            for j in 0..nsrcs {
                write!(c, " {}", Ipv4Addr::from(get_array::<4>(p, at + 8 + 4 * j)?))?;
            }
            c.s(" }")?;
        }
        at += 8 + (nsrcs << 2);
        c.s("]")?;
    }
    Ok(())
}

/// A duration in seconds as tcpdump's `unsigned_relts_print` writes it: `51m12s`, `1d2h`, `0s`.
pub(super) struct RelTime(pub u32);

impl fmt::Display for RelTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [(u32, &str); 6] = [
            (31_536_000, "y"),
            (604_800, "w"),
            (86_400, "d"),
            (3_600, "h"),
            (60, "m"),
            (1, "s"),
        ];
        let mut secs = self.0;
        if secs == 0 {
            return f.write_str("0s");
        }
        for (unit, name) in UNITS {
            if secs >= unit {
                write!(f, "{}{name}", secs / unit)?;
                secs %= unit;
            }
        }
        Ok(())
    }
}

/// IGMP (tcpdump's `igmp_print`).
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
                    let mrt = if mrc < 128 {
                        u32::from(mrc)
                    } else {
                        (u32::from(mrc & 0x0f) | 0x10) << (((mrc & 0x70) >> 4) + 3)
                    };
                    c.s(" [max resp time ")?;
                    if mrt < 600 {
                        write!(c, "{}.{}s]", mrt / 10, mrt % 10)?;
                    } else {
                        write!(c, "{}]", RelTime(mrt / 10))?;
                    }
                }
                let g = group(p)?;
                if !g.is_unspecified() {
                    write!(c, " [gaddr {g}")?;
                    let n = get_be16(p, 10)?;
                    if n > 0 {
                        if len < 12 + (u32::from(n) << 2) {
                            write!(c, " [invalid number of sources {n}]")?;
                        } else if c.opts.verbose > 1 {
                            c.s(" {")?;
                            for i in 0..usize::from(n) {
                                write!(c, " {}", Ipv4Addr::from(get_array::<4>(p, 12 + 4 * i)?))?;
                            }
                            c.s(" }")?;
                        } else {
                            write!(c, ", {n} source(s)")?;
                        }
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
            if c.opts.verbose > 0 {
                igmp_v3_records(c, p, len, n)?;
            }
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
    if c.opts.verbose > 0 && len >= 4 {
        if let Some(all) = p.get(..len as usize) {
            if checksum::sum(all) != 0 {
                write!(c, " bad igmp cksum {:x}!", get_be16(p, 2)?)?;
            }
        }
    }
    Ok(())
}

/// A big-endian `u16` read where tcpdump checks with `ND_TCHECK` and `goto trunc`.
fn lget16(p: &[u8], at: usize) -> R<u16> {
    get_be16(p, at).map_err(|_| Stop::Local)
}

/// A big-endian `u32` read where tcpdump checks with `ND_TCHECK` and `goto trunc`.
fn lget32(p: &[u8], at: usize) -> R<u32> {
    get_be32(p, at).map_err(|_| Stop::Local)
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
            write!(c, "GREv{v} ERROR: unknown-version")?;
            Ok(())
        }
    }
}

/// With `-v`, the GRE flags that are set.
fn gre_flags(c: &mut Ctx<'_>, flags: u16) -> R {
    if c.opts.verbose > 0 {
        const NAMES: [(u32, &str); 6] = [
            (0x8000, "checksum present"),
            (0x4000, "routing present"),
            (0x2000, "key present"),
            (0x1000, "sequence# present"),
            (0x0800, "source routing present"),
            (0x0080, "ack present"),
        ];
        c.s(", Flags [")?;
        c.bits(&NAMES, u32::from(flags))?;
        c.s("]")?;
    }
    Ok(())
}

/// The GRE fields present after the flags word, read in order from `length` bytes; a field
/// past them stops GRE with tcpdump's `goto trunc`.
fn gre_fields(length: u32) -> Fields {
    Fields {
        at: 0,
        left: usize::try_from(length).unwrap_or(usize::MAX),
    }
}

/// The offset of the next `n`-byte GRE field.
fn gre_field(rest: &mut Fields, n: usize) -> R<usize> {
    rest.take(n).ok_or(Stop::Local)
}

/// The GRE payload after the fields read: its bytes and its length.
fn gre_rest<'p>(p: &'p [u8], rest: &Fields) -> (&'p [u8], u32) {
    (
        tail(p, rest.at),
        u32::try_from(rest.left).unwrap_or(u32::MAX),
    )
}

fn gre0(c: &mut Ctx<'_>, p: &[u8], length: u32, flags: u16) -> R {
    const CP: u16 = 0x8000;
    const RP: u16 = 0x4000;
    const KP: u16 = 0x2000;
    const SP: u16 = 0x1000;
    let mut rest = gre_fields(length);
    gre_field(&mut rest, 2)?;
    gre_flags(c, flags)?;
    let prot = lget16(p, gre_field(&mut rest, 2)?)?;
    if flags & (CP | RP) != 0 {
        let at = gre_field(&mut rest, 2)?;
        if c.opts.verbose > 0 {
            write!(c, ", sum 0x{:x}", lget16(p, at)?)?;
        }
        write!(c, ", off 0x{:x}", lget16(p, gre_field(&mut rest, 2)?)?)?;
    }
    if flags & KP != 0 {
        write!(c, ", key=0x{:x}", lget32(p, gre_field(&mut rest, 4)?)?)?;
    }
    if flags & SP != 0 {
        write!(c, ", seq {}", lget32(p, gre_field(&mut rest, 4)?)?)?;
    }
    if flags & RP != 0 {
        // Source routing entries: not decoded; stop as tcpdump would on an odd route.
        c.s(" [routing not decoded]")?;
        return Ok(());
    }
    gre_proto_e(c, prot)?;
    write!(c, ", length {length}")?;
    c.s(if c.opts.verbose > 0 { "\n\t" } else { ": " })?;
    let (payload, len) = gre_rest(p, &rest);
    gre_payload(c, prot, payload, len)
}

fn gre1(c: &mut Ctx<'_>, p: &[u8], length: u32, flags: u16) -> R {
    const KP: u16 = 0x2000;
    const SP: u16 = 0x1000;
    const AP: u16 = 0x0080;
    let mut rest = gre_fields(length);
    gre_field(&mut rest, 2)?;
    gre_flags(c, flags)?;
    let prot = lget16(p, gre_field(&mut rest, 2)?)?;
    if flags & KP != 0 {
        let k = lget32(p, gre_field(&mut rest, 4)?)?;
        write!(c, ", call {}", k & 0xffff)?;
    }
    if flags & SP != 0 {
        write!(c, ", seq {}", lget32(p, gre_field(&mut rest, 4)?)?)?;
    }
    if flags & AP != 0 {
        write!(c, ", ack {}", lget32(p, gre_field(&mut rest, 4)?)?)?;
    }
    if flags & SP == 0 {
        c.s(", no-payload")?;
    }
    gre_proto_e(c, prot)?;
    write!(c, ", length {length}")?;
    if flags & SP == 0 {
        return Ok(());
    }
    c.s(if c.opts.verbose > 0 { "\n\t" } else { ": " })?;
    let (payload, len) = gre_rest(p, &rest);
    gre_payload(c, prot, payload, len)
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
        0x880b => other::ppp(c, p, len).map(|_| ()),
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
