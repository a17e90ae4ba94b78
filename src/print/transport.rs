//! TCP and UDP (tcpdump's `tcp_print` and `udp_print`) and the dispatch to what they carry.

use super::ip::{Addr, IpInfo};
use super::{
    app, bfd, check, dns, get_be16, get_be32, get_u8, other, Captured, ConvKey, Ctx, Stop, R,
};
use crate::wire::bytes::{head, tail};
use crate::wire::tcp::{self, flags, option};
use crate::wire::{checksum, names, udp, IpProto};
use std::fmt;

/// A port number, or its well-known name when numeric output is off.
pub(super) struct Port(u16, Option<&'static str>);

impl Port {
    /// A TCP port as `tcpport_string` prints it.
    pub fn tcp(c: &Ctx<'_>, p: u16) -> Port {
        Port(
            p,
            (!c.opts.numeric).then(|| names::TCP_PORT.name(p)).flatten(),
        )
    }

    /// A UDP port as `udpport_string` prints it.
    pub fn udp(c: &Ctx<'_>, p: u16) -> Port {
        Port(
            p,
            (!c.opts.numeric).then(|| names::UDP_PORT.name(p)).flatten(),
        )
    }
}

impl fmt::Display for Port {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            Some(n) => f.write_str(n),
            None => write!(f, "{}", self.0),
        }
    }
}

/// `src.sport > dst.dport: ` when the IP header's protocol is the transport's, else just
/// `sport > dport: ` (inside IPv6 extension headers, for instance).
fn addr_ports(c: &mut Ctx<'_>, info: &IpInfo<'_>, proto: IpProto, sp: &Port, dp: &Port) -> R {
    if info.hdr_proto == proto.0 {
        write!(c, "{}.{sp} > {}.{dp}: ", Addr(info.src), Addr(info.dst))?;
    } else {
        write!(c, "{sp} > {dp}: ")?;
    }
    Ok(())
}

const TCP_PORT_TELNET: u16 = 23;
const TCP_PORT_SMTP: u16 = 25;
const TCP_PORT_WHOIS: u16 = 43;
const TCP_PORT_DOMAIN: u16 = 53;
const TCP_PORT_FTP: u16 = 21;
const TCP_PORT_BGP: u16 = 179;
const TCP_PORT_SSH: u16 = 22;
const TCP_PORT_HTTP: u16 = 80;
const TCP_PORT_HTTP_ALT: u16 = 8080;
const TCP_PORT_RTSP: u16 = 554;
const TCP_PORT_RTSP_ALT: u16 = 8554;

/// TCP (tcpdump's `tcp_print`).
pub(super) fn tcp(
    c: &mut Ctx<'_>,
    p: &[u8],
    length: u32,
    info: &IpInfo<'_>,
    fragmented: bool,
) -> R {
    c.proto = "tcp";
    let seg = tcp::Segment::new_unchecked(p);
    let (Some(sport), Some(dport)) = (seg.try_src_port(), seg.try_dst_port()) else {
        write!(c, "{} > {}:", Addr(info.src), Addr(info.dst))?;
        return Err(Stop::Local);
    };
    let (sp, dp) = (Port::tcp(c, sport), Port::tcp(c, dport));
    addr_ports(c, info, IpProto::TCP, &sp, &dp)?;
    check(p, 0, tcp::MIN_HEADER_LEN)?;
    let hlen = seg.try_header_len().or_trunc()? as u32;
    if (hlen as usize) < tcp::MIN_HEADER_LEN {
        write!(
            c,
            " tcp {} [bad hdr length {hlen} - too short, < 20]",
            length.wrapping_sub(hlen)
        )?;
        return Ok(());
    }
    let mut seq = seg.try_seq_number().or_trunc()?;
    let mut ack = seg.try_ack_number().or_trunc()?;
    let win = seg.try_window().or_trunc()?;
    let urp = seg.try_urgent().or_trunc()?;
    if c.opts.quick {
        write!(c, "tcp {}", length.wrapping_sub(hlen))?;
        if hlen > length {
            write!(c, " [bad hdr length {hlen} - too long, > {length}]")?;
        }
        return Ok(());
    }
    let fl = seg.try_flags().or_trunc()?;
    c.s("Flags [")?;
    if fl == 0 {
        c.s("none")?;
    }
    for (bit, ch) in [
        (flags::FIN, 'F'),
        (flags::SYN, 'S'),
        (flags::RST, 'R'),
        (flags::PSH, 'P'),
        (flags::ACK, '.'),
        (flags::URG, 'U'),
        (flags::ECE, 'E'),
        (flags::CWR, 'W'),
    ] {
        if fl & bit != 0 {
            c.ch(ch)?;
        }
    }
    c.s("]")?;
    let (mut rev, mut thseq, mut thack) = (false, 0u32, 0u32);
    if !c.opts.absolute_seq && fl & flags::ACK != 0 {
        rev = sport > dport
            || (sport == dport
                && info.src.iter().cmp(info.dst.iter()) == std::cmp::Ordering::Greater);
        let (a, b, ports) = if rev {
            (
                info.dst,
                info.src,
                u32::from(dport) << 16 | u32::from(sport),
            )
        } else {
            (
                info.src,
                info.dst,
                u32::from(sport) << 16 | u32::from(dport),
            )
        };
        let mut key = ConvKey {
            src: [0; 16],
            dst: [0; 16],
            ports,
            v6: info.v6,
        };
        key.src.iter_mut().zip(a).for_each(|(d, s)| *d = *s);
        key.dst.iter_mut().zip(b).for_each(|(d, s)| *d = *s);
        let t = c.tcp.track(key, fl & flags::SYN != 0, rev, seq, ack);
        (seq, ack, (thseq, thack)) = (t.seq, t.ack, t.base);
    }
    if hlen > length {
        write!(c, " [bad hdr length {hlen} - too long, > {length}]")?;
        return Ok(());
    }
    if c.opts.verbose > 0 && !fragmented && p.len() >= length as usize {
        let (ph, n) = info.pseudo_header(IpProto::TCP.0, length);
        let sum = checksum::sum_parts(&[head(&ph, n), head(p, length as usize)]);
        let field = seg.try_checksum().or_trunc()?;
        write!(c, ", cksum 0x{field:04x}")?;
        if sum != 0 {
            write!(
                c,
                " (incorrect -> 0x{:04x})",
                checksum::should_be(field, sum)
            )?;
        } else {
            c.s(" (correct)")?;
        }
    }
    let length = length - hlen;
    if c.opts.verbose > 1 || length > 0 || fl & (flags::SYN | flags::FIN | flags::RST) != 0 {
        write!(c, ", seq {seq}")?;
        if length > 0 {
            write!(c, ":{}", seq.wrapping_add(length))?;
        }
    }
    if fl & flags::ACK != 0 {
        write!(c, ", ack {ack}")?;
    }
    write!(c, ", win {win}")?;
    if fl & flags::URG != 0 {
        write!(c, ", urg {urp}")?;
    }
    if hlen as usize > tcp::MIN_HEADER_LEN {
        c.s(", options [")?;
        match tcp_options(c, p, hlen as usize, rev, thseq, thack)? {
            OptionsEnd::Done => c.s("]")?,
            OptionsEnd::Bad => {
                c.s("[bad opt]")?;
                // tcpdump closes the list only when the bad option was not the first.
                if c.tcp_opt_printed {
                    c.s("]")?;
                }
                return Ok(());
            }
            OptionsEnd::Truncated { after_first } => {
                c.trunc_mark()?;
                if after_first {
                    c.s(">")?;
                }
                return Ok(());
            }
        }
    }
    write!(c, ", length {length}")?;
    if length == 0 {
        return Ok(());
    }
    let header_len = hlen as usize;
    if p.len() < header_len {
        write!(
            c,
            " [remaining caplen({}) < header length({header_len})]",
            p.len()
        )?;
        return Err(Stop::Trunc);
    }
    let payload = seg.payload();
    if fl & flags::RST != 0 && c.opts.verbose > 0 {
        return app::rst_data(c, payload, length);
    }
    let is = |port: u16| sport == port || dport == port;
    if is(TCP_PORT_TELNET) {
        super::telnet::telnet(c, payload, length)
    } else if is(TCP_PORT_SMTP) {
        c.s(": ")?;
        app::txtproto(c, payload, length, "smtp", "SMTP", None)
    } else if is(TCP_PORT_WHOIS) {
        c.s(": ")?;
        app::txtproto(c, payload, length, "whois", "WHOIS", None)
    } else if is(TCP_PORT_SSH) {
        app::ssh(c, payload, length)
    } else if is(TCP_PORT_FTP) {
        c.s(": ")?;
        app::txtproto(c, payload, length, "ftp", "FTP", None)
    } else if is(TCP_PORT_HTTP) || is(TCP_PORT_HTTP_ALT) {
        c.s(": ")?;
        app::txtproto(c, payload, length, "http", "HTTP", Some(app::HTTP_CMDS))
    } else if is(TCP_PORT_RTSP) || is(TCP_PORT_RTSP_ALT) {
        c.s(": ")?;
        app::txtproto(c, payload, length, "rtsp", "RTSP", Some(app::RTSP_CMDS))
    } else if is(TCP_PORT_BGP) {
        c.proto = "bgp";
        c.s(": BGP")?;
        Ok(())
    } else if is(TCP_PORT_DOMAIN) {
        dns::domain(c, payload, length, true, false)
    } else {
        Ok(())
    }
}

/// How the TCP options ended.
enum OptionsEnd {
    /// All printed.
    Done,
    /// A length that does not fit: tcpdump prints `[bad opt]`.
    Bad,
    /// Option data not captured: tcpdump prints ` [|tcp]`, and `>` if an option came before.
    Truncated {
        /// Whether an option was printed before the truncated one.
        after_first: bool,
    },
}

/// The TCP options.
fn tcp_options(
    c: &mut Ctx<'_>,
    p: &[u8],
    hlen: usize,
    rev: bool,
    thseq: u32,
    thack: u32,
) -> R<OptionsEnd> {
    match tcp_options_inner(c, p, hlen, rev, thseq, thack) {
        Ok(true) => Ok(OptionsEnd::Done),
        Ok(false) => Ok(OptionsEnd::Bad),
        Err(Stop::Local) => Ok(OptionsEnd::Truncated {
            after_first: c.tcp_opt_printed,
        }),
        Err(e) => Err(e),
    }
}

/// The TCP options; `Ok(false)` for a malformed option (tcpdump prints `[bad opt]`).
fn tcp_options_inner(
    c: &mut Ctx<'_>,
    p: &[u8],
    hlen: usize,
    rev: bool,
    thseq: u32,
    thack: u32,
) -> R<bool> {
    let mut at = tcp::field::OPTIONS;
    let mut left = hlen - tcp::MIN_HEADER_LEN;
    let mut first = true;
    c.tcp_opt_printed = false;
    while left > 0 {
        if !first {
            c.s(",")?;
        }
        c.tcp_opt_printed = !first;
        first = false;
        let opt = get_u8(p, at)?;
        at += 1;
        let len = if opt == option::EOL || opt == option::NOP {
            1
        } else {
            let l = usize::from(get_u8(p, at)?);
            at += 1;
            if l < 2 || l > left {
                return Ok(false);
            }
            left -= 1;
            l
        };
        left -= 1;
        let name = match opt {
            option::EOL => Some("eol"),
            option::NOP => Some("nop"),
            option::MSS => Some("mss"),
            option::WSCALE => Some("wscale"),
            option::SACK_PERMITTED => Some("sackOK"),
            option::SACK => Some("sack"),
            option::ECHO => Some("echo"),
            option::ECHO_REPLY => Some("echoreply"),
            option::TIMESTAMP => Some("TS"),
            option::CC => Some("cc"),
            option::CC_NEW => Some("ccnew"),
            option::CC_ECHO => Some(""),
            option::MD5 => Some("md5"),
            option::SCPS => Some("scps"),
            option::UTO => Some("uto"),
            option::TCP_AO => Some("tcp-ao"),
            option::MPTCP => Some("mptcp"),
            option::FAST_OPEN => Some("tfo"),
            option::EXPERIMENT2 => Some("exp"),
            _ => None,
        };
        match name {
            Some(n) => c.s(n)?,
            None => write!(c, "unknown-{opt}")?,
        }
        // Bail (as `[bad opt]`) unless `l` bytes remain in the option area; stop the packet
        // if they were not captured.
        let lencheck = |l: usize| -> R<bool> {
            if l > left {
                return Ok(false);
            }
            check(p, at, l)?;
            Ok(true)
        };
        let mut datalen = 0usize;
        match opt {
            option::MSS => {
                datalen = 2;
                if !lencheck(2)? {
                    return Ok(false);
                }
                write!(c, " {}", get_be16(p, at)?)?;
            }
            option::WSCALE => {
                datalen = 1;
                if !lencheck(1)? {
                    return Ok(false);
                }
                write!(c, " {}", get_u8(p, at)?)?;
            }
            option::SACK => {
                datalen = len - 2;
                if datalen % 8 != 0 {
                    c.s(" invalid sack")?;
                } else {
                    write!(c, " {} ", datalen / 8)?;
                    let mut i = 0;
                    while i < datalen {
                        if !lencheck(i + 4)? {
                            return Ok(false);
                        }
                        let mut s = get_be32(p, at + i)?;
                        if !lencheck(i + 8)? {
                            return Ok(false);
                        }
                        let mut e = get_be32(p, at + i + 4)?;
                        let base = if rev { thseq } else { thack };
                        s = s.wrapping_sub(base);
                        e = e.wrapping_sub(base);
                        write!(c, "{{{s}:{e}}}")?;
                        i += 8;
                    }
                }
            }
            option::CC | option::CC_NEW | option::CC_ECHO | option::ECHO | option::ECHO_REPLY => {
                datalen = 4;
                if !lencheck(4)? {
                    return Ok(false);
                }
                write!(c, " {}", get_be32(p, at)?)?;
            }
            option::TIMESTAMP => {
                datalen = 8;
                if !lencheck(8)? {
                    return Ok(false);
                }
                write!(c, " val {} ecr {}", get_be32(p, at)?, get_be32(p, at + 4)?)?;
            }
            option::MD5 => {
                datalen = 16;
                if !lencheck(16)? {
                    return Ok(false);
                }
                c.s(" shared secret not supplied with -M, can't check - ")?;
                for i in 0..16 {
                    write!(c, "{:02x}", get_u8(p, at + i)?)?;
                }
            }
            option::SCPS => {
                datalen = 2;
                if !lencheck(2)? {
                    return Ok(false);
                }
                write!(c, " cap {:02x} id {}", get_u8(p, at)?, get_u8(p, at + 1)?)?;
            }
            option::TCP_AO => {
                datalen = len - 2;
                if datalen < 2 {
                    c.s(" (invalid)")?;
                } else {
                    if !lencheck(1)? {
                        return Ok(false);
                    }
                    write!(c, " keyid {}", get_u8(p, at)?)?;
                    if !lencheck(2)? {
                        return Ok(false);
                    }
                    write!(c, " rnextkeyid {}", get_u8(p, at + 1)?)?;
                    if datalen > 2 {
                        c.s(" mac 0x")?;
                        for i in 2..datalen {
                            if !lencheck(i + 1)? {
                                return Ok(false);
                            }
                            write!(c, "{:02x}", get_u8(p, at + i)?)?;
                        }
                    }
                }
            }
            option::EOL | option::NOP | option::SACK_PERMITTED => {}
            option::UTO => {
                datalen = 2;
                if !lencheck(2)? {
                    return Ok(false);
                }
                let mut v = u32::from(get_be16(p, at)?);
                write!(c, " 0x{v:x}")?;
                v = if v & 1 != 0 { (v >> 1) * 60 } else { v >> 1 };
                write!(c, " {v}")?;
            }
            option::MPTCP => {
                datalen = len - 2;
                if !lencheck(datalen)? {
                    return Ok(false);
                }
                if !app::mptcp(c, tail(head(p, at + datalen), at - 2), fl_of(p)?)? {
                    return Ok(false);
                }
            }
            option::FAST_OPEN => {
                datalen = len - 2;
                if !lencheck(datalen)? {
                    return Ok(false);
                }
                c.s(" ")?;
                fast_open(c, tail(head(p, at + datalen), at), false)?;
            }
            option::EXPERIMENT2 => {
                datalen = len - 2;
                if !lencheck(datalen)? {
                    return Ok(false);
                }
                if datalen < 2 {
                    return Ok(false);
                }
                let magic = get_be16(p, at)?;
                c.s("-")?;
                if magic == 0xf989 {
                    fast_open(c, tail(head(p, at + datalen), at + 2), true)?;
                } else {
                    write!(c, "{magic:04x}")?;
                }
            }
            _ => {
                datalen = len - 2;
                if datalen > 0 {
                    c.s(" 0x")?;
                }
                for i in 0..datalen {
                    if !lencheck(i + 1)? {
                        return Ok(false);
                    }
                    write!(c, "{:02x}", get_u8(p, at + i)?)?;
                }
            }
        }
        at += datalen;
        left -= datalen;
        let mut expected = datalen + 1;
        if opt != option::EOL && opt != option::NOP {
            expected += 1;
        }
        if expected != len {
            write!(c, "[len {len}]")?;
        }
        if opt == option::EOL {
            break;
        }
    }
    Ok(true)
}

fn fl_of(p: &[u8]) -> R<u8> {
    tcp::Segment::new_unchecked(p).try_flags().or_trunc()
}

/// The TCP Fast Open cookie option (RFC 7413), as tcpdump prints it.
fn fast_open(c: &mut Ctx<'_>, cookie: &[u8], exp: bool) -> R {
    let len = cookie.len();
    if exp {
        c.s("tfo")?;
    }
    if len == 0 {
        c.s(" cookiereq")?;
    } else if len % 2 != 0 || !(4..=16).contains(&len) {
        c.s(" invalid")?;
    } else {
        c.s(" cookie ")?;
        for b in cookie {
            write!(c, "{b:02x}")?;
        }
    }
    Ok(())
}

const UDP_PORT_DOMAIN: u16 = 53;
const UDP_PORT_BOOTPS: u16 = 67;
const UDP_PORT_BOOTPC: u16 = 68;
const UDP_PORT_NTP: u16 = 123;
const UDP_PORT_TFTP: u16 = 69;
const UDP_PORT_SYSLOG: u16 = 514;
const UDP_PORT_DHCP6_SERVER: u16 = 547;
const UDP_PORT_DHCP6_CLIENT: u16 = 546;
const UDP_PORT_HSRP: u16 = 1985;
const UDP_PORT_IPSEC_NAT_T: u16 = 4500;
const UDP_PORT_BCM_LI: u16 = 49152;
const UDP_PORT_MDNS: u16 = 5353;
const UDP_PORT_SIP: u16 = 5060;
const UDP_PORT_OTV: u16 = 8472;
const UDP_PORT_VXLAN: u16 = 4789;
const UDP_PORT_GENEVE: u16 = 6081;

/// UDP (tcpdump's `udp_print`).
pub(super) fn udp(
    c: &mut Ctx<'_>,
    p: &[u8],
    mut length: u32,
    info: &IpInfo<'_>,
    fragmented: bool,
) -> R {
    const HLEN: u32 = udp::HEADER_LEN as u32;
    c.proto = "udp";
    let dg = udp::Datagram::new_unchecked(p);
    let (Some(sport), Some(dport)) = (dg.try_src_port(), dg.try_dst_port()) else {
        if info.hdr_proto == IpProto::UDP.0 {
            write!(c, "{} > {}: ", Addr(info.src), Addr(info.dst))?;
        }
        return Err(Stop::Local);
    };
    let (sp, dp) = (Port::udp(c, sport), Port::udp(c, dport));
    if length < HLEN {
        addr_ports(c, info, IpProto::UDP, &sp, &dp)?;
        write!(c, "truncated-udp {length}")?;
        return Ok(());
    }
    let Some(ulen) = dg.try_len() else {
        addr_ports(c, info, IpProto::UDP, &sp, &dp)?;
        return Err(Stop::Local);
    };
    let mut ulen = u32::from(ulen);
    if ulen == 0 && length > 65535 {
        ulen = length;
    }
    if ulen < HLEN {
        addr_ports(c, info, IpProto::UDP, &sp, &dp)?;
        write!(c, "truncated-udplength {ulen}")?;
        return Ok(());
    }
    ulen -= HLEN;
    length -= HLEN;
    if ulen < length {
        length = ulen;
    }
    let Some(field) = dg.try_checksum() else {
        addr_ports(c, info, IpProto::UDP, &sp, &dp)?;
        return Err(Stop::Local);
    };
    addr_ports(c, info, IpProto::UDP, &sp, &dp)?;
    let payload = tail(p, udp::field::PAYLOAD);
    if c.opts.verbose > 0 && !fragmented {
        if !info.v6 && c.opts.verbose > 1 {
            if field == 0 {
                c.s("[no cksum] ")?;
            } else if payload.len() >= length as usize {
                let (ph, n) = info.pseudo_header(IpProto::UDP.0, length + HLEN);
                let sum = checksum::sum_parts(&[head(&ph, n), head(p, (length + HLEN) as usize)]);
                udp_sum_note(c, field, sum)?;
            }
        } else if info.v6 && payload.len() >= length as usize {
            let (ph, n) = info.pseudo_header(IpProto::UDP.0, length + HLEN);
            let sum = checksum::sum_parts(&[head(&ph, n), head(p, (length + HLEN) as usize)]);
            udp_sum_note(c, field, sum)?;
        }
    }
    let is = |port: u16| sport == port || dport == port;
    if !c.opts.quick {
        if is(UDP_PORT_DOMAIN) {
            return dns::domain(c, payload, length, false, false);
        } else if is(UDP_PORT_BOOTPC) || is(UDP_PORT_BOOTPS) {
            return app::bootp(c, payload, length);
        } else if is(UDP_PORT_TFTP) {
            return app::tftp(c, payload, length);
        } else if is(UDP_PORT_NTP) {
            return app::ntp(c, payload, length);
        } else if is(UDP_PORT_SYSLOG) {
            return app::syslog(c, payload, length);
        } else if is(UDP_PORT_DHCP6_SERVER) || is(UDP_PORT_DHCP6_CLIENT) {
            return app::dhcp6(c, payload);
        } else if is(UDP_PORT_MDNS) {
            return dns::domain(c, payload, length, false, true);
        } else if [1645, 1812, 1646, 1813, 1700, 3799].iter().any(|&p| is(p)) {
            return app::radius(c, payload, length);
        } else if dport == UDP_PORT_HSRP {
            return app::hsrp(c, payload, length);
        } else if is(UDP_PORT_SIP) {
            return app::txtproto(c, payload, length, "sip", "SIP", Some(app::SIP_CMDS));
        } else if is(UDP_PORT_OTV) {
            return other::vxlan(c, payload, length, true);
        } else if is(UDP_PORT_VXLAN) {
            return other::vxlan(c, payload, length, false);
        } else if dport == UDP_PORT_GENEVE {
            return other::geneve(c, payload, length);
        } else if is(UDP_PORT_IPSEC_NAT_T) && get_be32(payload, 0).is_ok_and(|spi| spi != 0) {
            // RFC 3948 UDP encapsulation of ESP (a zero SPI would mean IKE, not decoded).
            c.s("UDP-encap: ")?;
            return other::esp(c, payload, length);
        } else if sport == UDP_PORT_BCM_LI {
            return app::bcm_li(c, payload, length);
        } else if [
            bfd::PORT_CONTROL,
            bfd::PORT_ECHO,
            bfd::PORT_MULTIHOP,
            bfd::PORT_LAG,
        ]
        .iter()
        .any(|&p| is(p))
        {
            // tcpdump goes by the destination port, even when the BFD port is the source.
            return bfd::bfd(c, payload, length, dport);
        }
    }
    if ulen > length && !fragmented {
        write!(c, "UDP, bad length {ulen} > {length}")?;
    } else {
        write!(c, "UDP, length {ulen}")?;
    }
    Ok(())
}

fn udp_sum_note(c: &mut Ctx<'_>, field: u16, sum: u16) -> R {
    if sum != 0 {
        write!(
            c,
            "[bad udp cksum 0x{field:04x} -> 0x{:04x}!] ",
            checksum::should_be(field, sum)
        )?;
    } else {
        c.s("[udp sum ok] ")?;
    }
    Ok(())
}
