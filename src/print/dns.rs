//! DNS (and mDNS), as tcpdump's `domain_print` prints it without `-v`: the header summary, the
//! questions of a query, and the answers of a response. With `-vv` tcpdump also prints the
//! authority and additional sections; we do not.
//!
//! Positions are offsets into the captured DNS message; the end of the captured bytes plays the
//! part of tcpdump's `snapend`.

use super::app::print_char;
use super::{get_be16, get_be32, get_u8, Ctx, Stop, R};
use crate::wire::ipv6::Display6;
use std::net::Ipv4Addr;

const MAXCDNAME: usize = 255;
const T_OPT: u16 = 41;

/// The record types tcpdump 4.99 names (`ns_type2str`); others print as `TypeN`.
fn type_name(t: u16) -> Option<&'static str> {
    Some(match t {
        1 => "A",
        2 => "NS",
        3 => "MD",
        4 => "MF",
        5 => "CNAME",
        6 => "SOA",
        7 => "MB",
        8 => "MG",
        9 => "MR",
        10 => "NULL",
        11 => "WKS",
        12 => "PTR",
        13 => "HINFO",
        14 => "MINFO",
        15 => "MX",
        16 => "TXT",
        17 => "RP",
        18 => "AFSDB",
        19 => "X25",
        20 => "ISDN",
        21 => "RT",
        22 => "NSAP",
        23 => "NSAP_PTR",
        24 => "SIG",
        25 => "KEY",
        26 => "PX",
        27 => "GPOS",
        28 => "AAAA",
        29 => "LOC",
        30 => "NXT",
        31 => "EID",
        32 => "NIMLOC",
        33 => "SRV",
        34 => "ATMA",
        35 => "NAPTR",
        36 => "KX",
        37 => "CERT",
        38 => "A6",
        39 => "DNAME",
        40 => "SINK",
        41 => "OPT",
        42 => "APL",
        43 => "DS",
        44 => "SSHFP",
        45 => "IPSECKEY",
        46 => "RRSIG",
        47 => "NSEC",
        48 => "DNSKEY",
        99 => "SPF",
        100 => "UINFO",
        101 => "UID",
        102 => "GID",
        103 => "UNSPEC",
        104 => "UNSPECA",
        249 => "TKEY",
        250 => "TSIG",
        251 => "IXFR",
        252 => "AXFR",
        253 => "MAILB",
        254 => "MAILA",
        255 => "ANY",
        256 => "URI",
        _ => return None,
    })
}

fn class_name(c: u16) -> Option<&'static str> {
    Some(match c {
        1 => "IN",
        3 => "CHAOS",
        4 => "HS",
        255 => "ANY",
        _ => return None,
    })
}

const OPS: [&str; 16] = [
    "",
    " inv_q",
    " stat",
    " op3",
    " notify",
    " update",
    " op6",
    " op7",
    " op8",
    " updateA",
    " updateD",
    " updateDA",
    " updateM",
    " updateMA",
    " zoneInit",
    " zoneRef",
];

const RESP: [&str; 24] = [
    "",
    " FormErr",
    " ServFail",
    " NXDomain",
    " NotImp",
    " Refused",
    " YXDomain",
    " YXRRSet",
    " NXRRSet",
    " NotAuth",
    " NotZone",
    " Resp11",
    " Resp12",
    " Resp13",
    " Resp14",
    " NoChange",
    " BadVers",
    "Resp17",
    " Resp18",
    " Resp19",
    " Resp20",
    "Resp21",
    " Resp22",
    " BadCookie",
];

fn put_type(c: &mut Ctx<'_>, t: u16) -> R {
    match type_name(t) {
        Some(n) => write!(c, " {n}")?,
        None => write!(c, " Type{t}")?,
    }
    Ok(())
}

fn put_class(c: &mut Ctx<'_>, class: u16) -> R {
    match class_name(class) {
        Some(n) => write!(c, " {n}")?,
        None => write!(c, " (Class {class})")?,
    }
    Ok(())
}

/// tcpdump's `ns_nskip`: the position after the name at `cp`, or `None`.
fn nskip(m: &[u8], mut cp: usize) -> Option<usize> {
    let mut i = *m.get(cp)?;
    cp += 1;
    while i != 0 {
        match i & 0xc0 {
            0xc0 => return Some(cp + 1),
            0x40 => {
                if i & 0x3f != 1 {
                    return None;
                }
                let bitlen = match *m.get(cp)? {
                    0 => 256,
                    b => usize::from(b),
                };
                cp += 1 + bitlen.div_ceil(8);
            }
            0x80 => return None,
            _ => cp += usize::from(i),
        }
        i = *m.get(cp)?;
        cp += 1;
    }
    Some(cp)
}

/// tcpdump's `labellen`; `None` where it returns -1 (after printing a complaint, maybe).
fn labellen(c: &mut Ctx<'_>, m: &[u8], cp: usize) -> R<Option<usize>> {
    let Some(&i) = m.get(cp) else {
        return Ok(None);
    };
    match i & 0xc0 {
        0x40 => {
            let elt = i & 0x3f;
            if elt != 1 {
                write!(c, "<ELT {elt}>")?;
                return Ok(None);
            }
            let Some(&b) = m.get(cp + 1) else {
                return Ok(None);
            };
            let bitlen = if b == 0 { 256 } else { usize::from(b) };
            Ok(Some(bitlen.div_ceil(8) + 1))
        }
        0x80 => {
            c.s("<BAD LABEL TYPE>")?;
            Ok(None)
        }
        _ => Ok(Some(usize::from(i))),
    }
}

/// tcpdump's `nd_printn`: up to `n` characters escaped; whether it ran out of captured bytes.
fn printn(c: &mut Ctx<'_>, m: &[u8], at: usize, n: usize) -> R<bool> {
    let avail = m.get(at..).unwrap_or(&[]);
    let take = n.min(avail.len());
    for &b in avail.get(..take).unwrap_or(&[]) {
        print_char(c, b)?;
    }
    Ok(take < n)
}

/// An EDNS0 bit-string label (tcpdump's `blabel_print`).
fn blabel(c: &mut Ctx<'_>, m: &[u8], cp: usize) -> R<Option<usize>> {
    let Some(&b) = m.get(cp) else {
        return Ok(None);
    };
    let bitlen = if b == 0 { 256 } else { usize::from(b) };
    let lim = cp + 1 + bitlen.div_ceil(4);
    c.s("\\[x")?;
    let mut bitp = cp + 1;
    let mut left = bitlen;
    while bitp < lim && left > 7 {
        write!(c, "{:02x}", get_u8(m, bitp)?)?;
        left -= 8;
        bitp += 1;
    }
    if left > 4 {
        let tc = get_u8(m, bitp)?;
        write!(c, "{:02x}", tc & (0xffu8 << (8 - left)))?;
    } else if left > 0 {
        let tc = get_u8(m, bitp)?;
        write!(c, "{:1x}", ((tc >> 4) & 0x0f) & (0x0fu8 << (4 - left)))?;
    }
    write!(c, "/{bitlen}]")?;
    Ok(Some(lim))
}

/// tcpdump's `fqdn_print`: prints the name at `cp` (following compression pointers, which must
/// point backwards) and returns the position after it in the record, or `None`.
pub(super) fn fqdn(c: &mut Ctx<'_>, m: &[u8], mut cp: usize) -> R<Option<usize>> {
    let Some(mut l) = labellen(c, m, cp)? else {
        return Ok(None);
    };
    let Some(&first) = m.get(cp) else {
        return Ok(None);
    };
    let mut max_offset = cp;
    let mut i = first;
    cp += 1;
    let mut compress = false;
    let mut rp = 0usize;
    if i & 0xc0 != 0xc0 {
        rp = cp + l;
    }
    let mut name_chars = 0usize;
    if i == 0 {
        c.s(".")?;
        return Ok(Some(rp));
    }
    while i != 0 && cp < m.len() {
        match i & 0xc0 {
            0xc0 => {
                if !compress {
                    rp = cp + 1;
                    compress = true;
                }
                let Some(&lo) = m.get(cp) else {
                    return Ok(None);
                };
                let offset = (usize::from(i) << 8 | usize::from(lo)) & 0x3fff;
                if offset >= max_offset {
                    c.s("<BAD PTR>")?;
                    return Ok(None);
                }
                max_offset = offset;
                cp = offset;
                let Some(&next) = m.get(cp) else {
                    return Ok(None);
                };
                i = next;
                let Some(nl) = labellen(c, m, cp)? else {
                    return Ok(None);
                };
                l = nl;
                cp += 1;
                continue;
            }
            0x40 => {
                let elt = i & 0x3f;
                if elt == 1 {
                    if blabel(c, m, cp)?.is_none() {
                        return Ok(None);
                    }
                } else {
                    write!(c, "<ELT {elt}>")?;
                    return Ok(None);
                }
            }
            0x80 => {
                c.s("<BAD LABEL TYPE>")?;
                return Ok(None);
            }
            _ => {
                if name_chars + l <= MAXCDNAME {
                    if printn(c, m, cp, l)? {
                        return Ok(None);
                    }
                } else if name_chars < MAXCDNAME && printn(c, m, cp, MAXCDNAME - name_chars)? {
                    return Ok(None);
                }
                name_chars += l;
            }
        }
        cp += l;
        if name_chars <= MAXCDNAME {
            c.s(".")?;
        }
        name_chars += 1;
        let Some(&next) = m.get(cp) else {
            return Ok(None);
        };
        i = next;
        let Some(nl) = labellen(c, m, cp)? else {
            return Ok(None);
        };
        l = nl;
        cp += 1;
        if !compress {
            rp += l + 1;
        }
    }
    if name_chars > MAXCDNAME {
        c.s("<DOMAIN NAME TOO LONG>")?;
    }
    Ok(Some(rp))
}

/// tcpdump's `ns_qprint`: ` TYPE? name.`; the position after the question.
fn qprint(c: &mut Ctx<'_>, m: &[u8], cp: usize, mdns: bool) -> R<Option<usize>> {
    let np = cp;
    let Some(cp) = nskip(m, cp) else {
        return Ok(None);
    };
    if m.len() < cp + 4 {
        return Ok(None);
    }
    put_type(c, get_be16(m, cp)?)?;
    let i = get_be16(m, cp + 2)?;
    let class = if mdns { i & !0x8000 } else { i };
    if class != 1 {
        put_class(c, class)?;
    }
    if mdns {
        c.s(if i & 0x8000 != 0 { " (QU)" } else { " (QM)" })?;
    }
    c.s("? ")?;
    Ok(fqdn(c, m, np)?.map(|p| p + 4))
}

/// tcpdump's `ns_rprint` without `-v`: ` TYPE data`; the position after the record, the end of
/// the captured bytes when its header is cut off, or `None`.
fn rprint(c: &mut Ctx<'_>, m: &[u8], cp: usize, mdns: bool) -> R<Option<usize>> {
    let cp = if c.opts.verbose > 0 {
        c.s(" ")?;
        match fqdn(c, m, cp)? {
            Some(p) => p,
            None => return Ok(None),
        }
    } else {
        match nskip(m, cp) {
            Some(p) => p,
            None => return Ok(Some(m.len())),
        }
    };
    if m.len() < cp + 10 {
        return Ok(Some(m.len()));
    }
    let typ = get_be16(m, cp)?;
    let i = get_be16(m, cp + 2)?;
    let class = if mdns { i & !0x8000 } else { i };
    if class != 1 && typ != T_OPT {
        put_class(c, class)?;
    }
    if mdns && i & 0x8000 != 0 {
        c.s(" (Cache flush)")?;
    }
    let opt_flags = if typ == T_OPT {
        get_be16(m, cp + 6)?
    } else {
        0
    };
    let len = usize::from(get_be16(m, cp + 8)?);
    let cp = cp + 10;
    let rp = cp + len;
    put_type(c, typ)?;
    if rp > m.len() {
        return Ok(None);
    }
    match typ {
        1 => {
            if m.len() < cp + 4 {
                return Ok(None);
            }
            write!(c, " {}", Ipv4Addr::from(super::get_array::<4>(m, cp)?))?;
        }
        2 | 5 | 12 | 39 => {
            c.s(" ")?;
            if fqdn(c, m, cp)?.is_none() {
                return Ok(None);
            }
        }
        6 => {
            if c.opts.verbose == 0 {
                return Ok(Some(rp));
            }
            c.s(" ")?;
            let Some(p) = fqdn(c, m, cp)? else {
                return Ok(None);
            };
            c.s(" ")?;
            let Some(p) = fqdn(c, m, p)? else {
                return Ok(None);
            };
            if m.len() < p + 20 {
                return Ok(None);
            }
            for k in 0..5 {
                write!(c, " {}", get_be32(m, p + 4 * k)?)?;
            }
        }
        15 => {
            c.s(" ")?;
            if m.len() < cp + 2 {
                return Ok(None);
            }
            if fqdn(c, m, cp + 2)?.is_none() {
                return Ok(None);
            }
            write!(c, " {}", get_be16(m, cp)?)?;
        }
        16 => {
            let mut p = cp;
            while p < rp {
                c.s(" \"")?;
                let Some(&n) = m.get(p) else {
                    return Ok(None);
                };
                if printn(c, m, p + 1, usize::from(n))? {
                    return Ok(None);
                }
                p += 1 + usize::from(n);
                c.s("\"")?;
            }
        }
        33 => {
            c.s(" ")?;
            if m.len() < cp + 6 {
                return Ok(None);
            }
            if fqdn(c, m, cp + 6)?.is_none() {
                return Ok(None);
            }
            write!(
                c,
                ":{} {} {}",
                get_be16(m, cp + 4)?,
                get_be16(m, cp)?,
                get_be16(m, cp + 2)?
            )?;
        }
        28 => {
            if m.len() < cp + 16 {
                return Ok(None);
            }
            write!(c, " {}", Display6(super::get_array::<16>(m, cp)?))?;
        }
        38 => {
            let Some(&pbit) = m.get(cp) else {
                return Ok(None);
            };
            let pbyte = usize::from(pbit & !7) / 8;
            if pbit > 128 {
                write!(c, " {pbit}(bad plen)")?;
                return Ok(Some(rp));
            } else if pbit < 128 {
                let mut a = [0u8; 16];
                for (k, slot) in a.iter_mut().enumerate().skip(pbyte) {
                    *slot = get_u8(m, cp + 1 + k - pbyte)?;
                }
                write!(c, " {pbit} {}", Display6(a))?;
            }
            if pbit > 0 {
                c.s(" ")?;
                if fqdn(c, m, cp + 1 + 16 - pbyte)?.is_none() {
                    return Ok(None);
                }
            }
        }
        // UNSPECA: the data as one string.
        104 => {
            let cut = printn(c, m, cp, len)?;
            if cut {
                return Ok(None);
            }
        }
        // URI: priority, weight and target.
        256 => {
            write!(c, " {} {} ", get_be16(m, cp)?, get_be16(m, cp + 2)?)?;
            if printn(c, m, cp + 4, len.wrapping_sub(4))? {
                return Ok(None);
            }
        }
        // TSIG: algorithm and fixed fields, with -v.
        250 if c.opts.verbose > 0 => {
            c.s(" ")?;
            let Some(mut p) = fqdn(c, m, cp)? else {
                return Ok(None);
            };
            p += 6;
            write!(c, " fudge={}", get_be16(m, p)?)?;
            p += 2;
            let maclen = get_be16(m, p)?;
            write!(c, " maclen={maclen}")?;
            p += 2 + usize::from(maclen);
            write!(c, " origid={}", get_be16(m, p)?)?;
            p += 2;
            write!(c, " error={}", get_be16(m, p)?)?;
            p += 2;
            write!(c, " otherlen={}", get_be16(m, p)?)?;
        }
        T_OPT => {
            write!(c, " UDPsize={class}")?;
            if opt_flags & 0x8000 != 0 {
                c.s(" DO")?;
            }
            if cp < rp {
                c.s(" [")?;
                let mut p = cp;
                while p < rp {
                    match eopt(c, m, p)? {
                        Some(next) => p = next,
                        None => return Ok(None),
                    }
                    if p < rp {
                        c.s(",")?;
                    }
                }
                c.s("]")?;
            }
        }
        _ => {}
    }
    Ok(Some(rp))
}

/// An EDNS0 option (tcpdump's `eopt_print`).
fn eopt(c: &mut Ctx<'_>, m: &[u8], cp: usize) -> R<Option<usize>> {
    if m.len() < cp + 2 {
        return Ok(None);
    }
    let opt = get_be16(m, cp)?;
    let name = match opt {
        1 => Some("LLQ"),
        2 => Some("UL"),
        3 => Some("NSID"),
        5 => Some("DAU"),
        6 => Some("DHU"),
        7 => Some("N3U"),
        8 => Some("ECS"),
        9 => Some("EXPIRE"),
        10 => Some("COOKIE"),
        11 => Some("KEEPALIVE"),
        12 => Some("PADDING"),
        13 => Some("CHAIN"),
        14 => Some("KEY-TAG"),
        16 => Some("CLIENT-TAG"),
        17 => Some("SERVER-TAG"),
        _ => None,
    };
    match name {
        Some(n) => c.s(n)?,
        None => write!(c, "Opt{opt}")?,
    }
    if m.len() < cp + 4 {
        return Ok(None);
    }
    let dlen = usize::from(get_be16(m, cp + 2)?);
    let d = cp + 4;
    if m.len() < d + dlen {
        return Ok(None);
    }
    let data = m.get(d..d + dlen).unwrap_or(&[]);
    if dlen > 0 {
        c.s(" ")?;
        match opt {
            8 => ecs(c, data)?,
            10 => {
                if dlen < 8 || (dlen > 8 && dlen < 16) || dlen > 40 {
                    c.s(" (invalid)")?;
                } else {
                    for (k, b) in data.iter().enumerate() {
                        if k == 8 {
                            c.s(" ")?;
                        }
                        write!(c, "{b:02x}")?;
                    }
                }
            }
            11 => {
                if dlen != 2 {
                    c.s(" (invalid)")?;
                } else {
                    let v = get_be16(data, 0)?;
                    write!(c, "{}.{} sec", v / 10, v % 10)?;
                }
            }
            9 => {
                if dlen != 4 {
                    c.s(" (invalid)")?;
                } else {
                    write!(c, "{} sec", get_be32(data, 0)?)?;
                }
            }
            12 => write!(c, "({dlen})")?,
            14 => {
                if dlen % 2 != 0 {
                    c.s(" (invalid)")?;
                } else {
                    for k in (0..dlen).step_by(2) {
                        if k > 0 {
                            c.s(" ")?;
                        }
                        write!(c, "{}", get_be16(data, k)?)?;
                    }
                }
            }
            5..=7 => {
                for (k, &b) in data.iter().enumerate() {
                    if k > 0 {
                        c.s(" ")?;
                    }
                    let name = match (opt, b) {
                        (5, 0) => Some("DELETE"),
                        (5, 1) => Some("RSAMD5"),
                        (5, 2) => Some("DH"),
                        (5, 3) => Some("DS"),
                        (5, 5) => Some("RSASHA1"),
                        (5, 6) => Some("DSA-NSEC3-SHA1"),
                        (5, 7) => Some("RSASHA1-NSEC3-SHA1"),
                        (5, 8) => Some("RSASHA256"),
                        (5, 10) => Some("RSASHA512"),
                        (5, 12) => Some("ECC-GOST"),
                        (5, 13) => Some("ECDSAP256SHA256"),
                        (5, 14) => Some("ECDSAP384SHA384"),
                        (5, 15) => Some("ED25519"),
                        (5, 16) => Some("ED448"),
                        (5, 252) => Some("INDIRECT"),
                        (5, 253) => Some("PRIVATEDNS"),
                        (5, 254) => Some("PRIVATEOID"),
                        (6, 1) | (7, 1) => Some("SHA-1"),
                        (6, 2) => Some("SHA-256"),
                        (6, 3) => Some("GOST_R_34.11-94"),
                        (6, 4) => Some("SHA-384"),
                        _ => None,
                    };
                    match name {
                        Some(n) => c.s(n)?,
                        None => write!(c, "Alg_{b}")?,
                    }
                }
            }
            13 => {
                fqdn(c, data, 0)?;
            }
            _ => {
                for b in data {
                    write!(c, "{b:02x}")?;
                }
            }
        }
    }
    Ok(Some(d + dlen))
}

/// The EDNS client subnet option: `address/source/scope`.
fn ecs(c: &mut Ctx<'_>, d: &[u8]) -> R {
    if d.len() < 4 {
        return c.s(" (invalid)");
    }
    let family = get_be16(d, 0)?;
    let src_len = usize::from(get_u8(d, 2)?);
    let scope_len = usize::from(get_u8(d, 3)?);
    let bits = match family {
        1 => 32,
        2 => 128,
        _ => return c.s(" (invalid)"),
    };
    let alen = d.len() - 4;
    if alen > bits / 8 || src_len > bits || scope_len > bits || src_len.div_ceil(8) != alen {
        return c.s(" (invalid)");
    }
    let mut padded = [0u8; 16];
    for (slot, b) in padded.iter_mut().zip(d.iter().skip(4)) {
        *slot = *b;
    }
    if family == 1 {
        let [a, b, cc, dd, ..] = padded;
        write!(c, "{}/{src_len}/{scope_len}", Ipv4Addr::new(a, b, cc, dd))?;
    } else {
        write!(c, "{}/{src_len}/{scope_len}", Display6(padded))?;
    }
    Ok(())
}

/// DNS over UDP or TCP (tcpdump's `domain_print`).
pub(super) fn domain(c: &mut Ctx<'_>, bp: &[u8], mut length: u32, over_tcp: bool, mdns: bool) -> R {
    c.proto = "domain";
    let mut m = bp;
    if over_tcp {
        if length < 2 {
            write!(c, " [DNS over TCP: length {length} < 2] (invalid)")?;
            return Ok(());
        }
        length -= 2;
        let prefix = get_be16(bp, 0)?;
        if u32::from(prefix) != length {
            write!(
                c,
                " [prefix length({prefix}) != length({length})] (invalid)"
            )?;
            return Ok(());
        }
        m = bp.get(2..).unwrap_or(&[]);
        c.s(" ")?;
    }
    if length < 12 {
        write!(c, "domain [length {length} < 12] (invalid)")?;
        return Ok(());
    }
    if m.len() < 12 {
        return Err(Stop::Local);
    }
    let id = get_be16(m, 0)?;
    let flags = get_be16(m, 2)?;
    let qdcount = u32::from(get_be16(m, 4)?);
    let mut ancount = u32::from(get_be16(m, 6)?);
    let nscount = u32::from(get_be16(m, 8)?);
    let arcount = u32::from(get_be16(m, 10)?);
    let rcode = extended_rcode(m, flags, qdcount, ancount + nscount, arcount);
    let opcode = usize::from((flags >> 11) & 0xf);
    let op = OPS.get(opcode).copied().unwrap_or("");
    if flags & 0x8000 != 0 {
        write!(c, "{id}{op}")?;
        match RESP.get(usize::from(rcode)) {
            Some(r) => c.s(r)?,
            None => write!(c, " Resp{}", rcode & 0xfff)?,
        }
        c.s(if flags & 0x0400 != 0 { "*" } else { "" })?;
        c.s(if flags & 0x0080 != 0 { "" } else { "-" })?;
        c.s(if flags & 0x0200 != 0 { "|" } else { "" })?;
        c.s(if flags & 0x0020 != 0 { "$" } else { "" })?;
        if qdcount != 1 {
            write!(c, " [{qdcount}q]")?;
        }
        let mut cp = 12usize;
        for k in 0..qdcount {
            if k != 0 {
                c.s(",")?;
            }
            if c.opts.verbose > 1 {
                c.s(" q:")?;
                match qprint(c, m, cp, mdns)? {
                    Some(p) => cp = p,
                    None => return Err(Stop::Local),
                }
            } else {
                match nskip(m, cp) {
                    Some(p) => cp = p + 4,
                    None => return Err(Stop::Local),
                }
            }
        }
        write!(c, " {ancount}/{nscount}/{arcount}")?;
        if ancount > 0 {
            match rprint(c, m, cp, mdns)? {
                Some(p) => cp = p,
                None => return Err(Stop::Local),
            }
            ancount -= 1;
            while cp < m.len() && ancount > 0 {
                c.s(",")?;
                match rprint(c, m, cp, mdns)? {
                    Some(p) => cp = p,
                    None => return Err(Stop::Local),
                }
                ancount -= 1;
            }
        }
        if ancount > 0 {
            return Err(Stop::Local);
        }
        if c.opts.verbose > 1 {
            cp = section(c, m, cp, mdns, " ns:", nscount)?;
            section(c, m, cp, mdns, " ar:", arcount)?;
        }
    } else {
        write!(c, "{id}{op}")?;
        c.s(if flags & 0x0100 != 0 { "+" } else { "" })?;
        c.s(if flags & 0x0010 != 0 { "%" } else { "" })?;
        if flags & 0x6cf != 0 {
            write!(c, " [b2&3=0x{flags:x}]")?;
        }
        if opcode == 1 {
            if qdcount > 0 {
                write!(c, " [{qdcount}q]")?;
            }
            if ancount != 1 {
                write!(c, " [{ancount}a]")?;
            }
        } else {
            if ancount > 0 {
                write!(c, " [{ancount}a]")?;
            }
            if qdcount != 1 {
                write!(c, " [{qdcount}q]")?;
            }
        }
        if nscount > 0 {
            write!(c, " [{nscount}n]")?;
        }
        if arcount > 0 {
            write!(c, " [{arcount}au]")?;
        }
        let mut cp = 12usize;
        let mut left = qdcount;
        if left > 0 {
            match qprint(c, m, cp, mdns)? {
                Some(p) => cp = p,
                None => return Err(Stop::Local),
            }
            left -= 1;
            while cp < m.len() && left > 0 {
                match qprint(c, m, cp, mdns)? {
                    Some(p) => cp = p,
                    None => return Err(Stop::Local),
                }
                left -= 1;
            }
        }
        if left > 0 {
            return Err(Stop::Local);
        }
        if c.opts.verbose > 1 {
            // The answer section right after the question (no label), then the others.
            if ancount > 0 {
                cp = section(c, m, cp, mdns, "", ancount)?;
            }
            cp = section(c, m, cp, mdns, " ns:", nscount)?;
            section(c, m, cp, mdns, " ar:", arcount)?;
        }
    }
    write!(c, " ({length})")?;
    Ok(())
}

/// With `-vv`, `count` resource records from `cp` after `label`, comma-separated; returns where
/// they end. Nothing when no byte is left (tcpdump's test against the end of the capture),
/// and a truncation when records are missing.
fn section(
    c: &mut Ctx<'_>,
    m: &[u8],
    mut cp: usize,
    mdns: bool,
    label: &str,
    mut count: u32,
) -> R<usize> {
    if cp < m.len() && count > 0 {
        c.s(label)?;
        let mut first = true;
        while cp < m.len() && count > 0 {
            if !first {
                c.s(",")?;
            }
            first = false;
            match rprint(c, m, cp, mdns)? {
                Some(p) => cp = p,
                None => return Err(Stop::Local),
            }
            count -= 1;
        }
    }
    if count > 0 {
        return Err(Stop::Local);
    }
    Ok(cp)
}

/// The response code, with the upper bits from an OPT record in the additional section.
fn extended_rcode(m: &[u8], flags: u16, qd: u32, an_ns: u32, ar: u32) -> u16 {
    let mut rcode = flags & 0x000f;
    let mut cp = 12usize;
    for _ in 0..qd {
        let Some(p) = nskip(m, cp) else {
            return rcode;
        };
        cp = p + 4;
        if cp >= m.len() {
            return rcode;
        }
    }
    for _ in 0..an_ns {
        let Some(p) = nskip(m, cp) else {
            return rcode;
        };
        cp = p + 8;
        let Some(rdlen) = m.get(cp..cp + 2).and_then(|s| s.first_chunk::<2>()) else {
            return rcode;
        };
        cp += 2 + usize::from(u16::from_be_bytes(*rdlen));
        if cp >= m.len() {
            return rcode;
        }
    }
    for _ in 0..ar {
        let Some(p) = nskip(m, cp) else {
            return rcode;
        };
        cp = p;
        let Some(t) = m.get(cp..cp + 2).and_then(|s| s.first_chunk::<2>()) else {
            return rcode;
        };
        let typ = u16::from_be_bytes(*t);
        cp += 4;
        let Some(&ext) = m.get(cp) else {
            return rcode;
        };
        if typ == T_OPT {
            rcode |= u16::from(ext) << 4;
            return rcode;
        }
        cp += 4;
        let Some(rdlen) = m.get(cp..cp + 2).and_then(|s| s.first_chunk::<2>()) else {
            return rcode;
        };
        cp += 2 + usize::from(u16::from_be_bytes(*rdlen));
        if cp >= m.len() {
            return rcode;
        }
    }
    rcode
}
