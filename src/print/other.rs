//! The one-line summaries tcpdump prints (without `-v`) for a handful of common protocols that
//! are neither transport nor application: IPsec ESP and AH, PIM, OSPF, VRRP, SCTP, STP, LLDP,
//! MPLS, PPP and PPPoE sessions, VXLAN and Geneve.

use super::ip::{self, Addr, IpInfo};
use super::{get_array, get_be16, get_be32, get_u8, link, need, Ctx, R};
use crate::wire::bytes::{head, tail};
use crate::wire::ipv6::Display6;
use crate::wire::{checksum, EtherType, MacAddr};
use std::net::Ipv4Addr;

/// IPsec ESP: the SPI and sequence number; the payload is encrypted.
pub(super) fn esp(c: &mut Ctx<'_>, p: &[u8], length: u32) -> R {
    c.proto = "esp";
    let spi = get_be32(p, 0)?;
    let seq = get_be32(p, 4)?;
    write!(c, "ESP(spi=0x{spi:08x},seq=0x{seq:x}), length {length}")?;
    Ok(())
}

/// IPsec AH: prints the header and its ICV, and returns the header length.
pub(super) fn ah(c: &mut Ctx<'_>, p: &[u8]) -> R<usize> {
    c.proto = "ah";
    let raw_len = get_u8(p, 1)?;
    let hdr_len = (usize::from(raw_len) + 2) * 4;
    c.s("AH(")?;
    if c.opts.verbose > 0 {
        write!(c, "length={raw_len}({hdr_len}-bytes),")?;
    }
    let reserved = get_be16(p, 2)?;
    if reserved != 0 {
        write!(c, "reserved=0x{reserved:x}[MustBeZero],")?;
    }
    write!(c, "spi=0x{:08x},", get_be32(p, 4)?)?;
    write!(c, "seq=0x{:x},", get_be32(p, 8)?)?;
    c.s("icv=0x")?;
    for i in 12..hdr_len {
        write!(c, "{:02x}", get_u8(p, i)?)?;
    }
    c.s("): ")?;
    Ok(hdr_len)
}

/// IPComp (RFC 3173): only the compression parameter index, as nothing after it is readable.
pub(super) fn ipcomp(c: &mut Ctx<'_>, p: &[u8]) -> R {
    c.proto = "ipcomp";
    write!(c, "IPComp(cpi=0x{:04x})", get_be16(p, 2)?)?;
    Ok(())
}

/// PIM version 2 (version 1 travels in IGMP).
pub(super) fn pim(c: &mut Ctx<'_>, p: &[u8], len: u32) -> R {
    c.proto = "pim";
    let tv = get_u8(p, 0)?;
    let version = tv >> 4;
    if version == 2 {
        let t = match tv & 0x0f {
            0 => "Hello",
            1 => "Register",
            2 => "Register Stop",
            3 => "Join / Prune",
            4 => "Bootstrap",
            5 => "Assert",
            6 => "Graft",
            7 => "Graft Acknowledgement",
            8 => "Candidate RP Advertisement",
            9 => "Prune Refresh",
            10 => "DF Election",
            11 => "ECMP Redirect",
            _ => "Unknown Type",
        };
        write!(c, "PIMv{version}, {t}, length {len}")?;
    } else {
        write!(c, "PIMv{version}, length {len}")?;
    }
    Ok(())
}

/// OSPF (v2 over IPv4, v3 over IPv6): version, packet type and length.
pub(super) fn ospf(c: &mut Ctx<'_>, p: &[u8], len: u32, v6: bool) -> R {
    let (p, len) = if v6 {
        c.proto = "ospf3";
        (p, len)
    } else {
        c.proto = "ospf2";
        // tcpdump strips a keyed-MD5 trailer off both lengths before anything else.
        if get_be16(p, 14)? == 2 {
            let cap = p.len().saturating_sub(16);
            (crate::wire::bytes::head(p, cap), len.wrapping_sub(16))
        } else {
            (p, len)
        }
    };
    let t = get_u8(p, 1)?;
    let version = get_u8(p, 0)?;
    write!(c, "OSPFv{version}, ")?;
    match t {
        1 => c.s("Hello")?,
        2 => c.s("Database Description")?,
        3 => c.s("LS-Request")?,
        4 => c.s("LS-Update")?,
        5 => c.s("LS-Ack")?,
        _ if v6 => write!(c, "unknown packet type ({t})")?,
        _ => write!(c, "unknown LS-type {t}")?,
    }
    write!(c, ", length {len}")?;
    Ok(())
}

/// VRRP versions 2 and 3.
pub(super) fn vrrp(c: &mut Ctx<'_>, p: &[u8], len: u32, info: &IpInfo<'_>) -> R {
    let ttl = info.ttl;
    c.proto = "vrrp";
    let vt = get_u8(p, 0)?;
    let (version, t) = (vt >> 4, vt & 0x0f);
    write!(c, "VRRPv{version}, ")?;
    if t == 1 {
        c.s("Advertisement")?;
    } else {
        write!(c, "unknown type ({t})")?;
    }
    // RFC 5798 requires 255; tcpdump points out anything else.
    if ttl != 255 {
        write!(c, ", (ttl {ttl})")?;
    }
    if !(2..=3).contains(&version) || t != 1 {
        return Ok(());
    }
    write!(c, ", vrid {}, prio {}", get_u8(p, 1)?, get_u8(p, 2)?)?;
    if version == 2 {
        let auth = get_u8(p, 4)?;
        match auth {
            0 => c.s(", authtype none")?,
            1 => c.s(", authtype simple")?,
            2 => c.s(", authtype ah")?,
            _ => write!(c, ", authtype #{auth}")?,
        }
        write!(c, ", intvl {}s, length {len}", get_u8(p, 5)?)?;
    } else {
        let intvl = (u16::from(get_u8(p, 4)? & 0x0f) << 8) | u16::from(get_u8(p, 5)?);
        write!(c, ", intvl {intvl}cs, length {len}")?;
    }
    if c.opts.verbose == 0 {
        return Ok(());
    }
    let naddrs = get_u8(p, 3)?;
    if let Some(all) = p.get(..len as usize) {
        // Version 3 sums an IP pseudo-header too.
        let bad = if version == 2 {
            checksum::sum(all) != 0
        } else {
            let (ph, n) = info.pseudo_header(112, len);
            checksum::sum_parts(&[head(&ph, n), all]) != 0
        };
        if bad {
            write!(c, ", (bad vrrp cksum {:x})", get_be16(p, 6)?)?;
        }
    }
    c.s(", addrs")?;
    if naddrs > 1 {
        write!(c, "({naddrs})")?;
    }
    c.s(":")?;
    // Version 3 over IPv6 carries IPv6 addresses.
    let alen = if version == 3 && info.v6 { 16 } else { 4 };
    for i in 0..usize::from(naddrs) {
        let sep = if i == 0 { ' ' } else { ',' };
        if alen == 16 {
            write!(c, "{sep}{}", Display6(get_array::<16>(p, 8 + 16 * i)?))?;
        } else {
            write!(c, "{sep}{}", Ipv4Addr::from(get_array::<4>(p, 8 + 4 * i)?))?;
        }
    }
    if version == 2 && get_u8(p, 4)? == 1 {
        // A simple text password, NUL-padded to 8 bytes.
        c.s(" auth \"")?;
        let at = 8 + alen * usize::from(naddrs);
        for i in 0..8 {
            let b = get_u8(p, at + i)?;
            if b == 0 {
                break;
            }
            super::app::print_char(c, b)?;
        }
        c.s("\"")?;
    }
    Ok(())
}

fn sctp_chunk_name(id: u8) -> Option<&'static str> {
    Some(match id {
        0 => "DATA",
        1 => "INIT",
        2 => "INIT ACK",
        3 => "SACK",
        4 => "HB REQ",
        5 => "HB ACK",
        6 => "ABORT",
        7 => "SHUTDOWN",
        8 => "SHUTDOWN ACK",
        9 => "OP ERR",
        10 => "COOKIE ECHO",
        11 => "COOKIE ACK",
        12 => "ECN ECHO",
        13 => "ECN CWR",
        14 => "SHUTDOWN COMPLETE",
        0xc0 => "FOR CUM TSN",
        0xc1 => "REL CTRL",
        0xc2 => "REL CTRL ACK",
        _ => return None,
    })
}

fn sctp_ppid_name(ppid: u32) -> Option<&'static str> {
    Some(match ppid {
        1 => "ISDN Q.921",
        2 => "M2UA",
        3 => "M3UA",
        4 => "SUA",
        5 => "M2PA",
        6 => "V5.2",
        7 => "H.248",
        8 => "BICC",
        9 => "TALI",
        10 => "DUA",
        11 => "ASAP",
        12 => "ENRP",
        13 => "H.323",
        14 => "Q.IPC",
        15 => "SIMCO",
        16 => "DDPSC",
        17 => "DDPSSC",
        18 => "S1AP",
        19 => "RUA",
        20 => "HNBAP",
        21 => "ForCES HP",
        22 => "ForCES MP",
        23 => "ForCES LP",
        24 => "SBc-AP",
        25 => "NBAP",
        27 => "X2AP",
        _ => return None,
    })
}

/// SCTP: ports (always numeric, as tcpdump prints them) and one bracketed summary per chunk.
/// ForCES payloads are not decoded.
pub(super) fn sctp(c: &mut Ctx<'_>, p: &[u8], len: u32, info: &IpInfo<'_>) -> R {
    c.proto = "sctp";
    if len < 12 {
        write!(c, "truncated-sctp - {} bytes missing!", 12 - len)?;
        return Ok(());
    }
    need(p, 0, 12)?;
    let (sport, dport) = (get_be16(p, 0)?, get_be16(p, 2)?);
    write!(
        c,
        "{}.{sport} > {}.{dport}: sctp",
        Addr(info.src),
        Addr(info.dst)
    )?;
    let forces = |port: u16| match port {
        6700 => Some("ForCES HP"),
        6701 => Some("ForCES MP"),
        6702 => Some("ForCES LP"),
        _ => None,
    };
    for port in [sport, dport] {
        if let Some(n) = forces(port) {
            write!(c, "[{n}]")?;
        }
    }
    let mut at = 12usize;
    let mut remaining = len - 12;
    let mut sep = if c.opts.verbose >= 2 { "\n\t" } else { " (" };
    let mut count = 0u32;
    while remaining != 0 {
        count += 1;
        if remaining < 4 {
            write!(
                c,
                "{sep}{count}) [chunk descriptor cut off at end of packet]"
            )?;
            break;
        }
        need(p, at, 4)?;
        let chunk_len = get_be16(p, at + 2)?;
        if chunk_len < 4 {
            write!(
                c,
                "{sep}{count}) [Bad chunk length {chunk_len}, < size of chunk descriptor]"
            )?;
            break;
        }
        let align = (4 - u32::from(chunk_len) % 4) % 4;
        if remaining < align {
            write!(
                c,
                "{sep}{count}) [Bad chunk length {chunk_len}, > remaining data in packet]"
            )?;
            break;
        }
        need(p, at, usize::from(chunk_len))?;
        let id = get_u8(p, at)?;
        let flags = get_u8(p, at + 1)?;
        let body = at + 4;
        let mut chunk_left = u32::from(chunk_len) - 4;
        write!(c, "{sep}{count}) ")?;
        match sctp_chunk_name(id) {
            Some(n) => write!(c, "[{n}] ")?,
            None => write!(c, "[Unknown chunk type: 0x{id:x}] ")?,
        }
        match id {
            0 => {
                if flags & 0x04 != 0 {
                    c.s("(U)")?;
                }
                if flags & 0x02 != 0 {
                    c.s("(B)")?;
                }
                if flags & 0x01 != 0 {
                    c.s("(E)")?;
                }
                if flags & 0x07 != 0 {
                    c.s(" ")?;
                }
                if chunk_left < 12 {
                    write!(c, "bogus chunk length {chunk_len}]")?;
                    return Ok(());
                }
                let ppid = get_be32(p, body + 8)?;
                write!(c, "[TSN: {}] ", get_be32(p, body)?)?;
                write!(c, "[SID: {}] ", get_be16(p, body + 4)?)?;
                write!(c, "[SSEQ {}] ", get_be16(p, body + 6)?)?;
                match sctp_ppid_name(ppid) {
                    Some(n) => write!(c, "[PPID {n}] ")?,
                    None => write!(c, "[PPID 0x{ppid:x}] ")?,
                }
                if chunk_left == 12 {
                    write!(c, "bogus chunk length {chunk_len}]")?;
                    return Ok(());
                }
                chunk_left = 0;
            }
            1 | 2 => {
                if chunk_left < 16 {
                    write!(c, "bogus chunk length {chunk_len}]")?;
                    return Ok(());
                }
                write!(c, "[init tag: {}] ", get_be32(p, body)?)?;
                write!(c, "[rwnd: {}] ", get_be32(p, body + 4)?)?;
                write!(c, "[OS: {}] ", get_be16(p, body + 8)?)?;
                write!(c, "[MIS: {}] ", get_be16(p, body + 10)?)?;
                write!(c, "[init TSN: {}] ", get_be32(p, body + 12)?)?;
                chunk_left = 0;
            }
            3 => {
                if chunk_left < 12 {
                    write!(c, "bogus chunk length {chunk_len}]")?;
                    return Ok(());
                }
                let cum = get_be32(p, body)?;
                let gaps = get_be16(p, body + 8)?;
                let dups = get_be16(p, body + 10)?;
                write!(c, "[cum ack {cum}] ")?;
                write!(c, "[a_rwnd {}] ", get_be32(p, body + 4)?)?;
                write!(c, "[#gap acks {gaps}] ")?;
                write!(c, "[#dup tsns {dups}] ")?;
                chunk_left -= 12;
                let mut q = body + 12;
                let mut n = 0u16;
                while chunk_left != 0 && n < gaps {
                    if chunk_left < 4 {
                        write!(c, "bogus chunk length {chunk_len}]")?;
                        return Ok(());
                    }
                    write!(
                        c,
                        "\n\t\t[gap ack block #{}: start = {}, end = {}] ",
                        n + 1,
                        cum.wrapping_add(u32::from(get_be16(p, q)?)),
                        cum.wrapping_add(u32::from(get_be16(p, q + 2)?))
                    )?;
                    q += 4;
                    chunk_left -= 4;
                    n += 1;
                }
                let mut n = 0u16;
                while chunk_left != 0 && n < dups {
                    if chunk_left < 4 {
                        write!(c, "bogus chunk length {chunk_len}]")?;
                        return Ok(());
                    }
                    write!(c, "\n\t\t[dup TSN #{}: {}] ", n + 1, get_be32(p, q)?)?;
                    q += 4;
                    chunk_left -= 4;
                    n += 1;
                }
            }
            _ => chunk_left = 0,
        }
        let _ = chunk_left;
        at += usize::from(chunk_len);
        remaining = remaining.saturating_sub(u32::from(chunk_len));
        if c.opts.verbose < 2 {
            sep = ", (";
        }
        if align != 0 {
            need(p, at, align as usize)?;
            at += align as usize;
            remaining = remaining.saturating_sub(align);
        }
    }
    Ok(())
}

/// Spanning tree BPDUs (802.1D, 802.1w, 802.1s, 802.1aq), non-verbose.
pub(super) fn stp(c: &mut Ctx<'_>, p: &[u8], length: u32) -> R {
    const FLAGS: [(u32, &str); 6] = [
        (0x01, "Topology change"),
        (0x02, "Proposal"),
        (0x10, "Learn"),
        (0x20, "Forward"),
        (0x40, "Agreement"),
        (0x80, "Topology change ACK"),
    ];
    c.proto = "stp";
    if length < 4 {
        return c.s(" (invalid)");
    }
    if get_be16(p, 0)? != 0 {
        write!(c, "unknown STP version, length {length}")?;
        return Ok(());
    }
    let version = get_u8(p, 2)?;
    match version {
        0 => c.s("STP 802.1d")?,
        2 => c.s("STP 802.1w")?,
        3 => c.s("STP 802.1s")?,
        4 => c.s("STP 802.1aq")?,
        v => {
            write!(c, "STP Unknown STP protocol (0x{v:02x})")?;
            return Ok(());
        }
    }
    let t = get_u8(p, 3)?;
    match t {
        0x00 => c.s(", Config")?,
        0x02 => c.s(", Rapid STP")?,
        0x80 => c.s(", Topology Change")?,
        _ => write!(c, ", Unknown BPDU Type (0x{t:02x})")?,
    }
    let config = |c: &mut Ctx<'_>| -> R {
        c.s(", Flags [")?;
        c.bits(&FLAGS, u32::from(get_u8(p, 4)?))?;
        let id = get_array::<8>(p, 17)?;
        write!(
            c,
            "], bridge-id {:02x}{:02x}.{}.{:04x}, length {length}",
            id[0],
            id[1],
            MacAddr([id[2], id[3], id[4], id[5], id[6], id[7]]),
            get_be16(p, 25)?
        )?;
        Ok(())
    };
    match t {
        0x00 => {
            if length < 35 {
                return c.s(" (invalid)");
            }
            config(c)?;
        }
        0x02 if version == 2 => {
            if length < 36 {
                return c.s(" (invalid)");
            }
            config(c)?;
        }
        0x02 if version == 3 || version == 4 => {
            if length < 102 || get_u8(p, 35)? != 0 {
                return c.s(" (invalid)");
            }
            let mstp_len = u32::from(get_be16(p, 36)?) + 2;
            if length < 36 + mstp_len {
                return c.s(" (invalid)");
            }
            c.s(", CIST Flags [")?;
            c.bits(&FLAGS, u32::from(get_u8(p, 4)?))?;
            write!(c, "], length {length}")?;
            if version == 4 {
                let spb_len = u32::from(get_be16(p, 36 + mstp_len as usize)?) + 2;
                if length < 36 + mstp_len + spb_len || spb_len < 87 {
                    return c.s(" (invalid)");
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// LLDP: tcpdump prints only the length without `-v`.
pub(super) fn lldp(c: &mut Ctx<'_>, length: u32) -> R {
    c.proto = "lldp";
    write!(c, "LLDP, length {length}")?;
    Ok(())
}

/// An MPLS label stack and, when it can tell, the IP packet under it.
pub(super) fn mpls(c: &mut Ctx<'_>, p: &[u8], mut length: u32) -> R {
    c.proto = "mpls";
    c.s("MPLS")?;
    let mut at = 0usize;
    let mut depth = 0u32;
    let label = loop {
        if length < 4 {
            c.s(" (invalid)")?;
            need(p, at, length as usize)?;
            return Ok(());
        }
        let e = get_be32(p, at)?;
        let sep = if depth > 0 && c.opts.verbose > 0 {
            "\n\t"
        } else {
            " "
        };
        write!(c, "{sep}(label {}", e >> 12)?;
        depth += 1;
        write!(c, ", tc {}", (e >> 9) & 7)?;
        if e & 0x100 != 0 {
            c.s(", [S]")?;
        }
        write!(c, ", ttl {})", e & 0xff)?;
        at += 4;
        length -= 4;
        if e & 0x100 != 0 {
            break e >> 12;
        }
    };
    let rest = tail(p, at);
    let kind = match label {
        0 | 3 => 4,
        2 => 6,
        _ => {
            if length < 1 {
                return Ok(());
            }
            match get_u8(rest, 0)? {
                0x45..=0x4f => 4,
                0x60..=0x6f => 6,
                0x81..=0x83 => 1,
                _ => 0,
            }
        }
    };
    let sep = if c.opts.verbose > 0 { "\n\t" } else { " " };
    match kind {
        4 => {
            c.s(sep)?;
            ip::ipv4(c, rest, length)
        }
        6 => {
            c.s(sep)?;
            ip::ipv6(c, rest, length)
        }
        1 => {
            c.s(sep)?;
            c.s("OSI")?;
            Ok(())
        }
        _ => link::unknown_payload(c, rest),
    }
}

/// PPP protocol names, as tcpdump's `ppptype2str` has them.
fn ppp_proto_name(proto: u16) -> Option<&'static str> {
    Some(match proto {
        0x0021 => "IP",
        0x0023 => "OSI",
        0x0025 => "NS",
        0x0027 => "DECNET",
        0x0029 => "APPLE",
        0x002b => "IPX",
        0x002d => "VJC IP",
        0x002f => "VJNC IP",
        0x0031 => "BRPDU",
        0x0033 => "STII",
        0x0035 => "VINES",
        0x0281 | 0x0283 => "MPLS",
        0x00fd => "Compressed",
        0x003d => "MLPPP",
        0x0057 => "IP6",
        0x0201 => "HELLO",
        0x0231 => "LUXCOM",
        0x0233 => "SNS",
        0x8021 => "IPCP",
        0x8023 => "OSICP",
        0x8025 => "NSCP",
        0x8027 => "DECNETCP",
        0x8029 => "APPLECP",
        0x802b => "IPXCP",
        0x8033 => "STIICP",
        0x8035 => "VINESCP",
        0x8057 => "IP6CP",
        0x8281 => "MPLSCP",
        0xc021 => "LCP",
        0xc023 => "PAP",
        0xc025 => "LQM",
        0xc223 => "CHAP",
        0xc227 => "EAP",
        0xc027 => "SPAP",
        0xc123 => "Old-SPAP",
        0xc02b => "BACP",
        0xc02d => "BAP",
        0xc03d => "MLPPP-CP",
        0x80fd => "CCP",
        _ => return None,
    })
}

/// A PPP frame (tcpdump's `ppp_print`): optional address and control bytes, the protocol
/// (one byte when compressed), and what it carries. Returns the PPP header length.
pub(super) fn ppp(c: &mut Ctx<'_>, p: &[u8], mut length: u32) -> R<usize> {
    c.proto = "ppp";
    let olen = length;
    let mut at = 0usize;
    if length < 2 {
        c.trunc_mark()?;
        return Ok(length as usize);
    }
    match get_be16(p, 0)? {
        0x0003 | 0x0103 => {
            if c.opts.link_header {
                c.s(if get_u8(p, 0)? == 0 { "In  " } else { "Out " })?;
            }
            at = 2;
            length -= 2;
        }
        0xff03 => {
            at = 2;
            length -= 2;
        }
        _ => {}
    }
    if length < 2 {
        c.trunc_mark()?;
        return Ok(length as usize);
    }
    let proto = if get_u8(p, at)? % 2 == 1 {
        let v = u16::from(get_u8(p, at)?);
        at += 1;
        length -= 1;
        v
    } else {
        let v = get_be16(p, at)?;
        at += 2;
        length -= 2;
        v
    };
    let name = ppp_proto_name(proto);
    if c.opts.link_header {
        write!(
            c,
            "{} (0x{proto:04x}), length {olen}",
            name.unwrap_or("unknown")
        )?;
        if name.is_none() {
            return Ok(at);
        }
        c.s(": ")?;
    }
    let rest = tail(p, at);
    let r = match proto {
        0x0021 | 0x0800 | 0x002f => ip::ipv4(c, rest, length),
        0x0057 | 0x86dd => ip::ipv6(c, rest, length),
        0x0281 | 0x0283 => mpls(c, rest, length),
        0x00fd => {
            c.s("compressed PPP data")?;
            Ok(())
        }
        0xc021 | 0x8021 | 0x8023 | 0x8281 | 0x8057 | 0x80fd | 0xc02b => {
            ppp_control(c, proto, rest, length)
        }
        0x003d => {
            // Multilink PPP: the fragment header.
            if !c.opts.link_header {
                c.s("MLPPP, ")?;
            }
            if length < 2 {
                c.s("[|mlppp]")?;
            } else if rest.len() < 2 {
                c.trunc_mark()?;
            } else {
                write!(c, "seq 0x{:03x}, Flags [", get_be16(rest, 0)? & 0x0fff)?;
                c.bits(
                    &[(0x80, "begin"), (0x40, "end")],
                    u32::from(get_u8(rest, 0)? & 0xc0),
                )?;
                write!(c, "], length {length}")?;
            }
            Ok(())
        }
        0xc023 => ppp_auth(c, rest, length, false),
        0xc223 => ppp_auth(c, rest, length, true),
        _ => {
            match name {
                Some(n) => write!(c, "{n} ")?,
                None => write!(c, "unknown PPP protocol (0x{proto:04x}) ")?,
            }
            let n = (length as usize).min(rest.len());
            super::hexdump::write_hex(c.out, head(rest, n))?;
            Ok(())
        }
    };
    c.absorb(r)?;
    Ok(at)
}

/// PAP (RFC 1334) or CHAP (RFC 1994) authentication, as tcpdump's `handle_pap` and
/// `handle_chap` print them (note that tcpdump labels PAP's password `Name`).
fn ppp_auth(c: &mut Ctx<'_>, p: &[u8], length: u32, chap: bool) -> R {
    let tag = if chap { "chap" } else { "pap" };
    if length < 1 {
        write!(c, "[|{tag}]")?;
        return Ok(());
    }
    if length < 4 {
        write!(c, "[|{tag} 0x{:02x}]", get_u8(p, 0)?)?;
        return Ok(());
    }
    let code = get_u8(p, 0)?;
    let name = match (chap, code) {
        (false, 1) => "Auth-Req",
        (false, 2) => "Auth-ACK",
        (false, 3) => "Auth-NACK",
        (true, 1) => "Challenge",
        (true, 2) => "Response",
        (true, 3) => "Success",
        (true, 4) => "Fail",
        _ => "unknown",
    };
    write!(
        c,
        "{}, {name} (0x{code:02x}), id {}",
        if chap { "CHAP" } else { "PAP" },
        get_u8(p, 1)?
    )?;
    let len = usize::from(get_be16(p, 2)?);
    let length = length as usize;
    if chap {
        // CHAP trusts its own length field for the name or message (reading on to the end
        // of the capture if need be); PAP checks it.
        let mut at = 4usize;
        let text = |c: &mut Ctx<'_>, at: usize, n: usize| -> R {
            for i in 0..n {
                super::app::print_char(c, get_u8(p, at + i)?)?;
            }
            Ok(())
        };
        match code {
            1 | 2 => {
                if length < at + 1 {
                    return Ok(());
                }
                let n = usize::from(get_u8(p, at)?);
                at += 1;
                if length - at < n {
                    return Ok(());
                }
                c.s(", Value ")?;
                for i in 0..n {
                    write!(c, "{:02x}", get_u8(p, at + i)?)?;
                }
                at += n;
                c.s(", Name ")?;
                text(c, at, len.wrapping_sub(at))?;
            }
            3 | 4 => {
                c.s(", Msg ")?;
                text(c, at, len.wrapping_sub(at))?;
            }
            _ => {}
        }
        return Ok(());
    }
    if len > length {
        write!(c, ", length {len} > packet size")?;
        return Ok(());
    }
    if len < 4 {
        write!(c, ", length {len} < PAP header length")?;
        return Ok(());
    }
    let mut at = 4usize;
    // Up to `n` characters (or hex bytes) from `at`, if the packet holds them.
    let text = |c: &mut Ctx<'_>, at: usize, n: usize| -> R {
        for i in 0..n {
            super::app::print_char(c, get_u8(p, at + i)?)?;
        }
        Ok(())
    };
    match code {
        1 => {
            if len < 6 {
                write!(c, "[|{tag}]")?;
                return Ok(());
            }
            for label in [", Peer ", ", Name "] {
                if len - at < 1 {
                    return Ok(());
                }
                let n = usize::from(get_u8(p, at)?);
                at += 1;
                if len - at < n {
                    return Ok(());
                }
                c.s(label)?;
                text(c, at, n)?;
                at += n;
            }
        }
        2 | 3 => {
            if len < 5 {
                write!(c, "[|{tag}]")?;
                return Ok(());
            }
            let n = usize::from(get_u8(p, at)?);
            at += 1;
            if len - at < n {
                return Ok(());
            }
            c.s(", Msg ")?;
            text(c, at, n)?;
        }
        _ => {}
    }
    Ok(())
}

/// The first line of a PPP control protocol packet (LCP, IPCP, CCP, …; tcpdump's
/// `handle_ctrl_proto` without `-v`).
fn ppp_control(c: &mut Ctx<'_>, proto: u16, p: &[u8], length: u32) -> R {
    let name = ppp_proto_name(proto).unwrap_or("unknown ctrl-proto");
    write!(c, "{name}, ")?;
    if length < 4 || p.len() < 2 {
        write!(c, "[|{name}]")?;
        return Ok(());
    }
    let code = get_u8(p, 0)?;
    let code_name = match code {
        1 => "Conf-Request",
        2 => "Conf-Ack",
        3 => "Conf-Nack",
        4 => "Conf-Reject",
        5 => "Term-Request",
        6 => "Term-Ack",
        7 => "Code-Reject",
        8 => "Prot-Reject",
        9 => "Echo-Request",
        10 => "Echo-Reply",
        11 => "Disc-Request",
        12 => "Ident",
        13 => "Time-Remain",
        14 => "Reset-Req",
        15 => "Reset-Ack",
        _ => "Unknown Opcode",
    };
    write!(
        c,
        "{code_name} (0x{code:02x}), id {}, length {}",
        get_u8(p, 1)?,
        length + 2
    )?;
    Ok(())
}

fn pppoe_tag_name(t: u16) -> Option<&'static str> {
    Some(match t {
        0 => "EOL",
        0x0101 => "Service-Name",
        0x0102 => "AC-Name",
        0x0103 => "Host-Uniq",
        0x0104 => "AC-Cookie",
        0x0105 => "Vendor-Specific",
        0x0110 => "Relay-Session-ID",
        0x0120 => "PPP-Max-Payload",
        0x0201 => "Service-Name-Error",
        0x0202 => "AC-System-Error",
        0x0203 => "Generic-Error",
        _ => return None,
    })
}

/// PPPoE, discovery (with its tags) and session stages.
pub(super) fn pppoe(c: &mut Ctx<'_>, p: &[u8], length: u32) -> R {
    c.proto = "pppoe";
    if length < 6 {
        write!(c, " (length {length} < 6) (invalid)")?;
        return Ok(());
    }
    let length = length - 6;
    need(p, 0, 6)?;
    let vt = get_u8(p, 0)?;
    let code = get_u8(p, 1)?;
    let session = get_be16(p, 2)?;
    let mut plen = u32::from(get_be16(p, 4)?);
    if vt >> 4 != 1 {
        write!(c, " [ver {}]", vt >> 4)?;
    }
    if vt & 0x0f != 1 {
        write!(c, " [type {}]", vt & 0x0f)?;
    }
    c.s("PPPoE ")?;
    match code {
        0x09 => c.s("PADI")?,
        0x07 => c.s("PADO")?,
        0x19 => c.s("PADR")?,
        0x65 => c.s("PADS")?,
        0xa7 => c.s("PADT")?,
        0 => {}
        _ => write!(c, "PAD-{code:x}")?,
    }
    if code == 0x09 && plen > 1484 - 6 {
        write!(c, " [len {plen}!]")?;
    }
    if plen > length {
        write!(c, " [len {plen} > {length}!]")?;
        plen = length;
    }
    if session != 0 {
        write!(c, " [ses 0x{session:x}]")?;
    }
    let payload = tail(p, 6);
    if code == 0 {
        c.s(" ")?;
        return ppp(c, payload, plen).map(|_| ());
    }
    let mut at = 0usize;
    let mut tag_type = 0xffffu16;
    while tag_type != 0 && at < plen as usize {
        tag_type = get_be16(payload, at)?;
        let tag_len = usize::from(get_be16(payload, at + 2)?);
        at += 4;
        let tname = TagName(tag_type);
        if tag_len > 0 {
            let shown = tag_len.min(79);
            let mut printable = 0usize;
            for k in 0..shown {
                if (0x20..=0x7e).contains(&get_u8(payload, at + k)?) {
                    printable += 1;
                }
            }
            if printable > shown - printable {
                write!(c, " [{tname} \"")?;
                for k in 0..shown {
                    let b = get_u8(payload, at + k)?;
                    c.ch(if (0x20..=0x7e).contains(&b) {
                        char::from(b)
                    } else {
                        '.'
                    })?;
                }
                c.s("\"]")?;
            } else {
                write!(c, " [{tname} 0x")?;
                for k in 0..tag_len {
                    write!(c, "{:02X}", get_u8(payload, at + k)?)?;
                }
                c.s("]")?;
            }
        } else {
            write!(c, " [{tname}]")?;
        }
        at += tag_len;
    }
    Ok(())
}

struct TagName(u16);

impl std::fmt::Display for TagName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match pppoe_tag_name(self.0) {
            Some(n) => f.write_str(n),
            None => write!(f, "TAG-0x{:x}", self.0),
        }
    }
}

/// VXLAN (UDP 4789) and OTV (UDP 8472): the header, a newline, and the Ethernet frame.
pub(super) fn vxlan(c: &mut Ctx<'_>, p: &[u8], length: u32, otv: bool) -> R {
    c.proto = if otv { "otv" } else { "vxlan" };
    if length < 8 {
        write!(
            c,
            "{} [length {length} < 8] (invalid)",
            if otv { "OTV" } else { "VXLAN" }
        )?;
        return Ok(());
    }
    let flags = get_u8(p, 0)?;
    if otv {
        write!(
            c,
            "OTV, flags [{}] (0x{flags:02x}), ",
            if flags & 0x08 != 0 { "I" } else { "." }
        )?;
        // Flags, a 24-bit overlay ID, a 24-bit instance ID, a reserved byte.
        let be24 = |at: usize| -> R<u32> {
            Ok(u32::from_be_bytes([
                0,
                get_u8(p, at)?,
                get_u8(p, at + 1)?,
                get_u8(p, at + 2)?,
            ]))
        };
        write!(c, "overlay {}, ", be24(1)?)?;
        writeln!(c, "instance {}", be24(4)?)?;
        get_u8(p, 7)?;
    } else {
        write!(
            c,
            "VXLAN, flags [{}] (0x{flags:02x}), ",
            if flags & 0x08 != 0 { "I" } else { "." }
        )?;
        let vni = u32::from_be_bytes([0, get_u8(p, 4)?, get_u8(p, 5)?, get_u8(p, 6)?]);
        writeln!(c, "vni {vni}")?;
    }
    c.proto = "ether";
    link::ether(c, tail(p, 8), length - 8).map(|_| ())
}

/// Geneve (UDP 6081).
pub(super) fn geneve(c: &mut Ctx<'_>, p: &[u8], length: u32) -> R {
    c.proto = "geneve";
    c.s("Geneve")?;
    if length < 8 {
        write!(c, " [length {length} < 8] (invalid)")?;
        return Ok(());
    }
    let ver_opt = get_u8(p, 0)?;
    let version = ver_opt >> 6;
    if version != 0 {
        write!(c, " ERROR: unknown-version {version}")?;
        return Ok(());
    }
    let flags = get_u8(p, 1)?;
    let prot = get_be16(p, 2)?;
    let vni = u32::from_be_bytes([0, get_u8(p, 4)?, get_u8(p, 5)?, get_u8(p, 6)?]);
    let reserved = get_u8(p, 7)?;
    let opts_len = u32::from(ver_opt & 0x3f) * 4;
    c.s(", Flags [")?;
    let mut any = false;
    if flags & 0x80 != 0 {
        c.s("O")?;
        any = true;
    }
    if flags & 0x40 != 0 {
        c.s("C")?;
        any = true;
    }
    if !any {
        c.s("none")?;
    }
    write!(c, "], vni 0x{vni:x}")?;
    if reserved != 0 {
        write!(c, ", rsvd 0x{reserved:x}")?;
    }
    if c.opts.link_header {
        write!(
            c,
            ", proto {} (0x{prot:04x})",
            EtherType(prot).name().unwrap_or("unknown")
        )?;
    }
    let len = length - 8;
    if len < opts_len {
        write!(c, " truncated-geneve - {} bytes missing", opts_len - len)?;
        return Ok(());
    }
    if opts_len > 0 {
        write!(c, ", options [{opts_len} bytes]")?;
    }
    let at = 8 + opts_len as usize;
    let len = len - opts_len;
    c.s(if c.opts.verbose > 0 { "\n\t" } else { ": " })?;
    let rest = tail(p, at);
    if !link::ethertype_print(c, EtherType(prot), rest, len)? {
        if prot == 0x6558 {
            c.proto = "ether";
            link::ether(c, rest, len)?;
        } else {
            write!(c, "geneve-proto-0x{prot:x}")?;
        }
    }
    Ok(())
}
