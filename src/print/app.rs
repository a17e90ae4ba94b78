//! What tcpdump prints above TCP and UDP, for the protocols we decode: the first line of text
//! protocols (`txtproto_print`), the SSH banner, BOOTP/DHCP and NTP summaries, TCP reset data,
//! and the Multipath TCP option.

use super::{get_array, get_be16, get_be32, get_u8, Ctx, Fields, Stop, R};
use crate::wire::ipv6::Display6;
use crate::wire::MacAddr;
use std::net::Ipv4Addr;

/// HTTP request methods tcpdump recognizes.
pub(super) const HTTP_CMDS: &[&str] = &[
    "GET",
    "PUT",
    "COPY",
    "HEAD",
    "LOCK",
    "MOVE",
    "POLL",
    "POST",
    "BCOPY",
    "BMOVE",
    "MKCOL",
    "TRACE",
    "LABEL",
    "MERGE",
    "DELETE",
    "SEARCH",
    "UNLOCK",
    "REPORT",
    "UPDATE",
    "NOTIFY",
    "BDELETE",
    "CONNECT",
    "OPTIONS",
    "CHECKIN",
    "PROPFIND",
    "CHECKOUT",
    "CCM_POST",
    "SUBSCRIBE",
    "PROPPATCH",
    "BPROPFIND",
    "BPROPPATCH",
    "UNCHECKOUT",
    "MKACTIVITY",
    "MKWORKSPACE",
    "UNSUBSCRIBE",
    "RPC_CONNECT",
    "VERSION-CONTROL",
    "BASELINE-CONTROL",
];

/// RTSP request methods tcpdump recognizes.
pub(super) const RTSP_CMDS: &[&str] = &[
    "DESCRIBE",
    "ANNOUNCE",
    "GET_PARAMETER",
    "OPTIONS",
    "PAUSE",
    "PLAY",
    "RECORD",
    "REDIRECT",
    "SETUP",
    "SET_PARAMETER",
    "TEARDOWN",
];

/// SIP request methods tcpdump recognizes.
pub(super) const SIP_CMDS: &[&str] = &[
    "ACK",
    "BYE",
    "CANCEL",
    "DO",
    "INFO",
    "INVITE",
    "MESSAGE",
    "NOTIFY",
    "OPTIONS",
    "PRACK",
    "QAUTH",
    "REFER",
    "REGISTER",
    "SPRACK",
    "SUBSCRIBE",
    "UPDATE",
    "PUBLISH",
];

const MAX_TOKEN: usize = 128;

fn is_print(b: u8) -> bool {
    (0x20..=0x7e).contains(&b)
}

/// tcpdump's `fetch_token`: the token at `idx` (printable ASCII up to white space) and the index
/// after it and the white space that follows, or `None` when there is no token.
fn fetch_token(p: &[u8], mut idx: usize, len: usize) -> Option<(&[u8], usize)> {
    let start = idx;
    while idx < len {
        let c = *p.get(idx)?;
        if !c.is_ascii() {
            return None;
        }
        if matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
            break;
        }
        if !is_print(c) || idx - start + 2 > MAX_TOKEN + 1 {
            return None;
        }
        idx += 1;
    }
    if idx == start {
        return None;
    }
    let token = p.get(start..idx)?;
    while idx < len {
        let Some(&c) = p.get(idx) else { break };
        if c == b'\r' || c == b'\n' || !is_print(c) || !matches!(c, b' ' | b'\t') {
            break;
        }
        idx += 1;
    }
    Some((token, idx))
}

/// tcpdump's `print_txt_line`: prints `prefix` and the line at `idx` if it is printable text
/// ending in LF or CRLF, and returns the index after the line end; `Ok(None)` for binary data
/// or an unfinished line (printed with ` [|proto]`).
fn print_txt_line(
    c: &mut Ctx<'_>,
    prefix: &str,
    p: &[u8],
    mut idx: usize,
    len: usize,
) -> R<Option<usize>> {
    let start = idx;
    let (line_end, next) = loop {
        if idx >= len {
            // Printable to the end, but no line ending: print it as truncated.
            c.s(prefix)?;
            print_ascii(c, p.get(start..idx).unwrap_or(&[]))?;
            c.trunc_mark()?;
            return Ok(None);
        }
        let ch = get_u8(p, idx)?;
        if ch == b'\n' {
            break (idx, idx + 1);
        } else if ch == b'\r' {
            if idx + 1 >= len {
                return Ok(None);
            }
            if get_u8(p, idx + 1)? == b'\n' {
                break (idx, idx + 2);
            }
            return Ok(None);
        } else if !is_print(ch) && ch != b'\t' {
            return Ok(None);
        }
        idx += 1;
    };
    c.s(prefix)?;
    print_ascii(c, p.get(start..line_end).unwrap_or(&[]))?;
    Ok(Some(next))
}

fn print_ascii(c: &mut Ctx<'_>, bytes: &[u8]) -> R {
    for &b in bytes {
        c.ch(char::from(b))?;
    }
    Ok(())
}

/// tcpdump's `txtproto_print`: the protocol name in capitals, then, if the payload looks like a
/// request (one of `cmds`) or a response (a 3-digit code as the second token), `: ` and its
/// first line (`-v`: all its lines). Protocols without `cmds` always print their first line.
pub(super) fn txtproto(
    c: &mut Ctx<'_>,
    p: &[u8],
    len: u32,
    proto: &'static str,
    caps: &str,
    cmds: Option<&[&str]>,
) -> R {
    c.proto = proto;
    let len = len as usize;
    let print_this = match cmds {
        None => true,
        Some(cmds) => match fetch_token(p, 0, len) {
            None => false,
            Some((tok, idx)) => {
                let is_cmd = cmds
                    .iter()
                    .any(|cmd| cmd.as_bytes().eq_ignore_ascii_case(tok));
                // The response code is the second token (`HTTP/1.1 200 OK`).
                let code = fetch_token(p, idx, len).map(|(t, _)| t);
                is_cmd || code.is_some_and(|t| t.len() == 3 && t.iter().all(u8::is_ascii_digit))
            }
        },
    };
    c.s(caps)?;
    if print_this {
        if c.opts.verbose > 0 {
            write!(c, ", length: {len}")?;
            let mut idx = 0;
            while idx < len {
                match print_txt_line(c, "\n\t", p, idx, len)? {
                    Some(next) => idx = next,
                    None => break,
                }
            }
        } else {
            print_txt_line(c, ": ", p, 0, len)?;
        }
    }
    Ok(())
}

/// The SSH version banner (`SSH-2.0-…`), when the payload starts with one.
pub(super) fn ssh(c: &mut Ctx<'_>, p: &[u8], len: u32) -> R {
    c.proto = "ssh";
    let len = len as usize;
    for (i, want) in b"SSH-".iter().enumerate() {
        if get_u8(p, i)? != *want {
            return Ok(());
        }
    }
    let mut idx = 4;
    while idx < len {
        let ch = get_u8(p, idx)?;
        if ch == b'\n' {
            break;
        } else if ch == b'\r' {
            if idx + 1 >= len || get_u8(p, idx + 1)? != b'\n' {
                return Ok(());
            }
            break;
        } else if !is_print(ch) {
            return Ok(());
        }
        idx += 1;
    }
    if idx >= len {
        return Ok(());
    }
    c.s(": SSH: ")?;
    print_ascii(c, p.get(..idx).unwrap_or(&[]))
}

/// With `-v`, the data of a TCP reset: ` [RST` and up to 30 characters.
pub(super) fn rst_data(c: &mut Ctx<'_>, p: &[u8], length: u32) -> R {
    c.s(" [RST")?;
    let mut n = length as usize;
    if n > 30 {
        n = 30;
        c.s("+")?;
    }
    c.s(" ")?;
    for &b in p.get(..n.min(p.len())).unwrap_or(&[]) {
        print_char(c, b)?;
    }
    c.s("]")
}

/// tcpdump's `fn_print_char`: printable ASCII as is, others as `M-` and/or `^` escapes.
pub(super) fn print_char(c: &mut Ctx<'_>, mut b: u8) -> R {
    if !b.is_ascii() {
        b &= 0x7f;
        c.s("M-")?;
    }
    if !is_print(b) {
        b ^= 0x40;
        c.ch('^')?;
    }
    c.ch(char::from(b))?;
    Ok(())
}

/// BOOTP/DHCP, as tcpdump prints it without `-v`.
pub(super) fn bootp(c: &mut Ctx<'_>, p: &[u8], length: u32) -> R {
    c.proto = "bootp";
    let op = get_u8(p, 0)?;
    c.s("BOOTP/DHCP, ")?;
    match op {
        1 => c.s("Request")?,
        2 => c.s("Reply")?,
        _ => write!(c, "unknown (0x{op:02x})")?,
    }
    let (htype, hlen) = (get_u8(p, 1)?, get_u8(p, 2)?);
    if htype == 1 && hlen == 6 && op == 1 {
        write!(c, " from {}", c.ether(MacAddr(get_array::<6>(p, 28)?)))?;
    }
    write!(c, ", length {length}")?;
    Ok(())
}

/// NTP, as tcpdump prints it without `-v`.
pub(super) fn ntp(c: &mut Ctx<'_>, p: &[u8], length: u32) -> R {
    c.proto = "ntp";
    let status = get_u8(p, 0)?;
    let mode = match status & 7 {
        0 => "unspecified",
        1 => "symmetric active",
        2 => "symmetric passive",
        3 => "Client",
        4 => "Server",
        5 => "Broadcast",
        6 => "Control Message",
        _ => "Reserved",
    };
    write!(c, "NTPv{}, {mode}, length {length}", (status >> 3) & 7)?;
    Ok(())
}

fn be64(p: &[u8], at: usize) -> R<u64> {
    get_array::<8>(p, at).map(u64::from_be_bytes)
}

/// A DSS sequence number from `rest`: 8 bytes if `wide`, else 4; `Ok(None)` when fewer are
/// left.
fn dss_number(rest: &mut Fields, opt: &[u8], wide: bool) -> R<Option<u64>> {
    Ok(match (wide, rest.take(if wide { 8 } else { 4 })) {
        (_, None) => None,
        (true, Some(at)) => Some(be64(opt, at)?),
        (false, Some(at)) => Some(u64::from(get_be32(opt, at)?)),
    })
}

/// A Multipath TCP option (tcpdump's `mptcp_print`); `opt` is the whole option, kind and
/// length included. `Ok(false)` means tcpdump would print `[bad opt]`.
pub(super) fn mptcp(c: &mut Ctx<'_>, opt: &[u8], tcp_flags: u8) -> R<bool> {
    const SYN: u8 = 0x02;
    const ACK: u8 = 0x10;
    c.proto = "mptcp";
    let len = opt.len();
    if len < 3 {
        return Ok(false);
    }
    let subtype = (get_u8(opt, 2)? >> 4).min(8);
    write!(c, " {len}")?;
    let name = [
        "capable",
        "join",
        "dss",
        "add-addr",
        "rem-addr",
        "prio",
        "fail",
        "fast-close",
        "unknown",
    ];
    write!(
        c,
        " {}",
        name.get(usize::from(subtype)).unwrap_or(&"unknown")
    )?;
    match subtype {
        0 => {
            if !((len == 12 || len == 4) && tcp_flags & SYN != 0)
                && !((len == 20 || len == 22) && tcp_flags & (SYN | ACK) == ACK)
            {
                return Ok(false);
            }
            let version = get_u8(opt, 2)? & 0x0f;
            if version > 1 {
                write!(c, " Unknown Version ({version})")?;
                return Ok(true);
            }
            write!(c, " v{version}")?;
            if get_u8(opt, 3)? & 0x80 != 0 {
                c.s(" csum")?;
            }
            if len == 12 || len >= 20 {
                write!(c, " {{0x{:x}", be64(opt, 4)?)?;
                if len >= 20 {
                    write!(c, ",0x{:x}", be64(opt, 12)?)?;
                }
                c.s("}")?;
            }
        }
        1 => {
            let ok = (len == 12 && tcp_flags & SYN != 0)
                || (len == 16 && tcp_flags & (SYN | ACK) == (SYN | ACK))
                || (len == 24 && tcp_flags & ACK != 0);
            if !ok {
                return Ok(false);
            }
            if len != 24 {
                if get_u8(opt, 2)? & 1 != 0 {
                    c.s(" backup")?;
                }
                write!(c, " id {}", get_u8(opt, 3)?)?;
            }
            match len {
                12 => write!(
                    c,
                    " token 0x{:x} nonce 0x{:x}",
                    get_be32(opt, 4)?,
                    get_be32(opt, 8)?
                )?,
                16 => write!(
                    c,
                    " hmac 0x{:x} nonce 0x{:x}",
                    be64(opt, 4)?,
                    get_be32(opt, 12)?
                )?,
                _ => {
                    c.s(" hmac 0x")?;
                    for i in 0..20 {
                        write!(c, "{:02x}", get_u8(opt, 4 + i)?)?;
                    }
                }
            }
        }
        2 => {
            if tcp_flags & SYN != 0 {
                return Ok(false);
            }
            let f = get_u8(opt, 3)?;
            if f & 0x10 != 0 {
                c.s(" fin")?;
            }
            // `get_u8(opt, 3)` succeeded: the option holds at least 4 bytes.
            let mut rest = Fields {
                at: 4,
                left: len - 4,
            };
            if f & 0x01 != 0 {
                c.s(" ack ")?;
                let Some(ack) = dss_number(&mut rest, opt, f & 0x02 != 0)? else {
                    return Ok(false);
                };
                write!(c, "{ack}")?;
            }
            if f & 0x04 != 0 {
                c.s(" seq ")?;
                let Some(seq) = dss_number(&mut rest, opt, f & 0x08 != 0)? else {
                    return Ok(false);
                };
                write!(c, "{seq}")?;
                let Some(at) = rest.take(4) else {
                    return Ok(false);
                };
                write!(c, " subseq {}", get_be32(opt, at)?)?;
                let Some(at) = rest.take(2) else {
                    return Ok(false);
                };
                write!(c, " len {}", get_be16(opt, at)?)?;
                if let Some(at) = rest.take(2) {
                    write!(c, " csum 0x{:x}", get_be16(opt, at)?)?;
                }
            }
            if rest.left != 0 {
                return Ok(false);
            }
        }
        3 => {
            if ![8, 10, 16, 18, 20, 22, 28, 30].contains(&len) {
                return Ok(false);
            }
            let echo = match get_u8(opt, 2)? & 0x0f {
                0x6 => "v0-ip6",
                0x4 => "v0-ip4",
                0x1 => "v1-echo",
                0x0 => "v1",
                _ => "[bad version/echo]",
            };
            write!(c, " {echo} id {}", get_u8(opt, 3)?)?;
            if len <= 18 {
                write!(c, " {}", Ipv4Addr::from(get_array::<4>(opt, 4)?))?;
                if len == 10 || len == 18 {
                    write!(c, ":{}", get_be16(opt, 8)?)?;
                }
                if len == 16 {
                    write!(c, " hmac 0x{:x}", be64(opt, 8)?)?;
                }
                if len == 18 {
                    write!(c, " hmac 0x{:x}", be64(opt, 10)?)?;
                }
            } else {
                write!(c, " {}", Display6(get_array::<16>(opt, 4)?))?;
                if len == 22 || len == 30 {
                    write!(c, ":{}", get_be16(opt, 20)?)?;
                }
                if len == 28 {
                    write!(c, " hmac 0x{:x}", be64(opt, 20)?)?;
                }
                if len == 30 {
                    write!(c, " hmac 0x{:x}", be64(opt, 22)?)?;
                }
            }
        }
        4 => {
            if len < 4 {
                return Ok(false);
            }
            c.s(" id")?;
            for i in 3..len {
                write!(c, " {}", get_u8(opt, i)?)?;
            }
        }
        5 => {
            if len != 3 && len != 4 {
                return Ok(false);
            }
            if get_u8(opt, 2)? & 1 != 0 {
                c.s(" backup")?;
            } else {
                c.s(" non-backup")?;
            }
            if len == 4 {
                write!(c, " id {}", get_u8(opt, 3)?)?;
            }
        }
        6 => {
            if len != 12 {
                return Ok(false);
            }
            write!(c, " seq {}", be64(opt, 4)?)?;
        }
        7 => {
            if len != 12 {
                return Ok(false);
            }
            write!(c, " key 0x{:x}", be64(opt, 4)?)?;
        }
        _ => {}
    }
    Ok(true)
}

/// Syslog (UDP 514) without `-v`: facility, severity and length.
pub(super) fn syslog(c: &mut Ctx<'_>, p: &[u8], len: u32) -> R {
    const FACILITIES: [&str; 24] = [
        "kernel", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
        "authpriv", "ftp", "ntp", "security", "console", "cron", "local0", "local1", "local2",
        "local3", "local4", "local5", "local6", "local7",
    ];
    const SEVERITIES: [&str; 8] = [
        "emergency",
        "alert",
        "critical",
        "error",
        "warning",
        "notice",
        "info",
        "debug",
    ];
    c.proto = "syslog";
    if get_u8(p, 0)? != b'<' {
        c.s(" (invalid)")?;
        return Ok(());
    }
    let mut off = 1usize;
    let mut pri = 0u32;
    while off <= 3 {
        let d = get_u8(p, off)?;
        if !d.is_ascii_digit() {
            break;
        }
        pri = pri * 10 + u32::from(d - b'0');
        off += 1;
    }
    if get_u8(p, off)? != b'>' {
        c.s(" (invalid)")?;
        return Ok(());
    }
    let (facility, severity) = (pri >> 3, pri & 7);
    let fac_name = |c: &mut Ctx<'_>| match FACILITIES.get(facility as usize) {
        Some(f) => c.s(f),
        None => write!(c, "unknown ({facility})"),
    };
    let sev_name = SEVERITIES
        .get(severity as usize)
        .copied()
        .unwrap_or("unknown");
    if c.opts.verbose == 0 {
        c.s("SYSLOG ")?;
        fac_name(c)?;
        write!(c, ".{sev_name}, length: {len}")?;
        return Ok(());
    }
    write!(c, "SYSLOG, length: {len}\n\tFacility ")?;
    fac_name(c)?;
    write!(
        c,
        " ({facility}), Severity {sev_name} ({severity})\n\tMsg: "
    )?;
    // The message, from after the priority to the end.
    for i in off + 1..len as usize {
        print_char(c, super::get_u8(p, i).map_err(|_| Stop::Local)?)?;
    }
    if c.opts.verbose > 1 {
        let n = (len as usize).min(p.len());
        super::hexdump::write_hex_with(c.out, "\n\t", crate::wire::bytes::head(p, n))?;
    }
    Ok(())
}

/// tcpdump's `nd_printztn`: the NUL-terminated string at `at` within `n` bytes, escaped; the
/// bytes it took (NUL included), or 0 when it runs out first.
fn printztn(c: &mut Ctx<'_>, p: &[u8], at: usize, n: usize) -> R<usize> {
    let mut used = 0usize;
    loop {
        if used == n || at + used >= p.len() {
            return Ok(0);
        }
        let b = get_u8(p, at + used)?;
        used += 1;
        if b == 0 {
            return Ok(used);
        }
        print_char(c, b)?;
    }
}

/// TFTP (UDP 69).
pub(super) fn tftp(c: &mut Ctx<'_>, p: &[u8], length: u32) -> R {
    c.proto = "tftp";
    write!(c, "TFTP, length {length}")?;
    let mut length = length as usize;
    if length < 2 {
        return c.trunc_mark();
    }
    let opcode = get_be16(p, 0)?;
    let name = match opcode {
        1 => "RRQ",
        2 => "WRQ",
        3 => "DATA",
        4 => "ACK",
        5 => "ERROR",
        6 => "OACK",
        _ => {
            write!(c, ", tftp-#{opcode}")?;
            return Ok(());
        }
    };
    write!(c, ", {name}")?;
    let mut at = 2usize;
    length -= 2;
    match opcode {
        1 | 2 => {
            if length == 0 {
                return c.trunc_mark();
            }
            c.s(" \"")?;
            let n = printztn(c, p, at, length)?;
            c.s("\"")?;
            if n == 0 {
                return c.trunc_mark();
            }
            at += n;
            length -= n;
            if length == 0 {
                return c.trunc_mark();
            }
            c.s(" ")?;
            let n = printztn(c, p, at, length)?;
            if n == 0 {
                return c.trunc_mark();
            }
            at += n;
            length -= n;
            tftp_options(c, p, at, length)?;
        }
        6 => tftp_options(c, p, at, length)?,
        3 | 4 => {
            if length < 2 {
                return c.trunc_mark();
            }
            write!(c, " block {}", get_be16(p, at)?)?;
        }
        _ => {
            if length < 2 {
                return c.trunc_mark();
            }
            let code = get_be16(p, at)?;
            let err = match code {
                0 => Some("EUNDEF"),
                1 => Some("ENOTFOUND"),
                2 => Some("EACCESS"),
                3 => Some("ENOSPACE"),
                4 => Some("EBADOP"),
                5 => Some("EBADID"),
                6 => Some("EEXISTS"),
                7 => Some("ENOUSER"),
                _ => None,
            };
            match err {
                Some(e) => write!(c, " {e}")?,
                None => write!(c, " tftp-err-#{code} \"")?,
            }
            at += 2;
            length -= 2;
            if length == 0 {
                return c.trunc_mark();
            }
            c.s(" \"")?;
            let n = printztn(c, p, at, length)?;
            c.s("\"")?;
            if n == 0 {
                return c.trunc_mark();
            }
        }
    }
    Ok(())
}

fn tftp_options(c: &mut Ctx<'_>, p: &[u8], mut at: usize, mut length: usize) -> R {
    while length != 0 {
        if get_u8(p, at)? != 0 {
            c.s(" ")?;
        }
        let n = printztn(c, p, at, length)?;
        if n == 0 {
            return c.trunc_mark();
        }
        at += n;
        length -= n;
    }
    Ok(())
}

/// DHCPv6 (UDP 546, 547) without `-v`: the message type.
pub(super) fn dhcp6(c: &mut Ctx<'_>, p: &[u8]) -> R {
    c.proto = "dhcp6";
    if p.len() < 4 {
        return c.trunc_mark();
    }
    let t = get_u8(p, 0)?;
    let name = match t {
        1 => "solicit",
        2 => "advertise",
        3 => "request",
        4 => "confirm",
        5 => "renew",
        6 => "rebind",
        7 => "reply",
        8 => "release",
        9 => "decline",
        10 => "reconfigure",
        11 => "inf-req",
        12 => "relay-fwd",
        13 => "relay-reply",
        14 => "leasequery",
        15 => "leasequery-reply",
        _ => {
            write!(c, "dhcp6 msgtype-{t}")?;
            return Ok(());
        }
    };
    write!(c, "dhcp6 {name}")?;
    Ok(())
}

/// RADIUS without `-v`: the command, identifier and length.
pub(super) fn radius(c: &mut Ctx<'_>, p: &[u8], length: u32) -> R {
    c.proto = "radius";
    if p.len() < 20 {
        return c.trunc_mark();
    }
    let mut len = u32::from(get_be16(p, 2)?);
    if len < 20 {
        return c.trunc_mark();
    }
    if len > length {
        len = length;
    }
    let code = get_u8(p, 0)?;
    let name = match code {
        1 => "Access-Request",
        2 => "Access-Accept",
        3 => "Access-Reject",
        4 => "Accounting-Request",
        5 => "Accounting-Response",
        11 => "Access-Challenge",
        12 => "Status-Server",
        13 => "Status-Client",
        40 => "Disconnect-Request",
        41 => "Disconnect-ACK",
        42 => "Disconnect-NAK",
        43 => "CoA-Request",
        44 => "CoA-ACK",
        45 => "CoA-NAK",
        255 => "Reserved",
        _ => "Unknown Command",
    };
    write!(
        c,
        "RADIUS, {name} ({code}), id: 0x{:02x} length: {len}",
        get_u8(p, 1)?
    )?;
    Ok(())
}

/// Cisco HSRP version 0 (UDP 1985) without `-v`.
pub(super) fn hsrp(c: &mut Ctx<'_>, p: &[u8], len: u32) -> R {
    c.proto = "hsrp";
    let version = get_u8(p, 0)?;
    write!(c, "HSRPv{version}")?;
    if version != 0 {
        return Ok(());
    }
    c.s("-")?;
    let op = get_u8(p, 1)?;
    match op {
        0 => c.s("hello ")?,
        1 => c.s("coup ")?,
        2 => c.s("resign ")?,
        _ => write!(c, "unknown ({op}) ")?,
    }
    write!(c, "{len}: ")?;
    let state = get_u8(p, 2)?;
    match state {
        0 => c.s("state=initial ")?,
        1 => c.s("state=learn ")?,
        2 => c.s("state=listen ")?,
        4 => c.s("state=speak ")?,
        8 => c.s("state=standby ")?,
        16 => c.s("state=active ")?,
        _ => write!(c, "state=Unknown ({state}) ")?,
    }
    write!(c, "group={} ", get_u8(p, 6)?)?;
    let reserved = get_u8(p, 7)?;
    if reserved != 0 {
        write!(c, "[reserved={reserved}!] ")?;
    }
    write!(c, "addr={}", Ipv4Addr::from(get_array::<4>(p, 16)?))?;
    Ok(())
}

/// Broadcom LI shim (tcpdump decodes every UDP datagram from port 49152 this way).
pub(super) fn bcm_li(c: &mut Ctx<'_>, p: &[u8], length: u32) -> R {
    c.proto = "bcm_li";
    if length < 4 {
        write!(c, " (length {length} < 4) (invalid)")?;
        return Ok(());
    }
    let shim = get_be32(p, 0)?;
    let direction = match (shim >> 29) & 7 {
        1 => "unused",
        2 => "egress",
        3 => "ingress",
        _ => "unknown",
    };
    let type_code = (shim >> 25) & 0xf;
    let pkt_type = match type_code {
        4 => "undecided",
        5 => "ipv4",
        6 => "ipv6",
        7 => "ethernet",
        _ => "unknown",
    };
    let subtype = match (shim >> 22) & 7 {
        1 => "single VLAN tag",
        2 => "double VLAN tag",
        3 => "untagged",
        _ => "unknown",
    };
    // With -v, the shim gets a line of its own and the packet it carries is decoded.
    let nl = if c.opts.verbose > 0 { "\n    " } else { "" };
    write!(
        c,
        "{nl}BCM-LI-SHIM: direction {direction}, pkt-type {pkt_type}, pkt-subtype {subtype}, li-id {}{nl}",
        shim & 0x3f_ffff
    )?;
    let (inner, inner_len) = (crate::wire::bytes::tail(p, 4), length - 4);
    if c.opts.verbose == 0 {
        if inner.len() < inner_len as usize {
            return Err(Stop::Trunc);
        }
        return Ok(());
    }
    match type_code {
        4 => match get_u8(inner, 0)? >> 4 {
            4 => super::ip::ipv4(c, inner, inner_len),
            6 => super::ip::ipv6(c, inner, inner_len),
            _ => {
                c.s("unknown payload")?;
                Ok(())
            }
        },
        5 => super::ip::ipv4(c, inner, inner_len),
        6 => super::ip::ipv6(c, inner, inner_len),
        7 => {
            c.proto = "ether";
            super::link::ether(c, inner, inner_len).map(|_| ())
        }
        _ => {
            c.s(" (invalid)")?;
            Ok(())
        }
    }
}
