//! ICMP (tcpdump's `icmp_print`) and ICMPv6 (`icmp6_print`), with the `-v` details tcpdump
//! prints for neighbor discovery and multicast listener messages.

use super::hexdump;
use super::ip::{ipv4, IpInfo};
use super::transport::Port;
use super::{check, get_array, get_be16, get_be32, get_u8, need, Captured, Ctx, Stop, R};
use crate::wire::bytes::{head, tail};
use crate::wire::icmp::{Icmpv4, Icmpv6};
use crate::wire::ipv6::{self, Display6};
use crate::wire::{checksum, udp, IpProto};
use std::fmt;
use std::net::Ipv4Addr;
use std::ops::Range;

/// ICMP (tcpdump's `icmp_print`).
pub(super) fn icmp(c: &mut Ctx<'_>, p: &[u8], plen: u32, fragmented: bool) -> R {
    use crate::wire::icmp::{field, v4};
    use crate::wire::ipv4;
    c.proto = "icmp";
    let m = Icmpv4::new_unchecked(p);
    let t = m.try_msg_type().or_trunc()?;
    let code = m.try_code().or_trunc()?;
    // The IPv4 header an error message quotes.
    let quoted = ipv4::Packet::new_unchecked(m.body());
    const Q_PROTO: usize = field::BODY + ipv4::field::PROTOCOL;
    const Q_DST: Range<usize> =
        field::BODY + ipv4::field::DST.start..field::BODY + ipv4::field::DST.end;
    let inner_dst = || quoted.try_dst_addr().or_trunc();
    // tcpdump builds the text in a buffer and prints it at the end, so a message cut short
    // prints nothing of it: check first what each type reads (`need` where tcpdump uses a
    // `GET_` macro, `check` where it uses `ND_TCHECK`).
    match t {
        v4::ECHO | v4::ECHO_REPLY | v4::TIMESTAMP => need(p, field::REST.start, 4)?,
        v4::UNREACH if code == 3 => {
            check(p, Q_PROTO, 1)?;
            let hlen = quoted.try_header_len().or_trunc()?;
            need(p, field::BODY + hlen + udp::field::DST_PORT.start, 2)?;
            need(p, Q_DST.start, 4)?;
        }
        v4::UNREACH => need(p, Q_DST.start, 4)?,
        v4::REDIRECT => need(p, field::REST.start, Q_DST.end - field::REST.start)?,
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
            m.try_echo_ident().or_trunc()?,
            m.try_echo_seq().or_trunc()?
        )?,
        v4::UNREACH => {
            let d = inner_dst();
            match code {
                0 => write!(c, "net {} unreachable", d?)?,
                1 => write!(c, "host {} unreachable", d?)?,
                2 => {
                    let d = d?;
                    let proto = quoted.try_protocol().or_trunc()?;
                    write!(c, "{d} protocol {} unreachable", proto.0)?
                }
                3 => {
                    let ip_proto = quoted.try_protocol().or_trunc()?;
                    let hlen = quoted.try_header_len().or_trunc()?;
                    // The quoted transport header's destination port (UDP's and TCP's are
                    // in the same place).
                    let transport = udp::Datagram::new_unchecked(tail(quoted.into_inner(), hlen));
                    let dport = transport.try_dst_port().or_trunc()?;
                    let d = d?;
                    match ip_proto {
                        IpProto::TCP => {
                            write!(c, "{d} tcp port {} unreachable", Port::tcp(c, dport))?
                        }
                        IpProto::UDP => {
                            write!(c, "{d} udp port {} unreachable", Port::udp(c, dport))?
                        }
                        _ => write!(c, "{d} protocol {} port {dport} unreachable", ip_proto.0)?,
                    }
                }
                4 => {
                    let mtu = m.try_next_hop_mtu().or_trunc()?;
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
            let d = inner_dst()?;
            let gw = m.try_gateway().or_trunc()?;
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
        v4::MASK_REPLY => write!(c, "address mask is 0x{:08x}", get_be32(p, field::BODY)?)?,
        v4::TIMESTAMP => write!(
            c,
            "time stamp query id {} seq {}",
            m.try_echo_ident().or_trunc()?,
            m.try_echo_seq().or_trunc()?
        )?,
        v4::TIMESTAMP_REPLY => {
            write!(
                c,
                "time stamp reply id {} seq {}: org {}, recv {}, xmit {}",
                m.try_echo_ident().or_trunc()?,
                m.try_echo_seq().or_trunc()?,
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
            let field = m.try_checksum().or_trunc()?;
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
        let ilen = quoted.try_total_len().or_trunc()?;
        ipv4(c, head(m.body(), usize::from(ilen)), u32::from(ilen))?;
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

/// The transport header of the packet quoted in an ICMPv6 error (tcpdump's `get_upperlayer`):
/// its protocol and destination port, or `None`.
fn quoted_upper_layer(p: &[u8]) -> Option<(IpProto, u16)> {
    use ipv6::field::extension;
    let mut nh = ipv6::Packet::new_unchecked(p).try_next_header()?;
    let mut at = ipv6::HEADER_LEN;
    loop {
        let h = p.get(at..)?;
        match nh {
            IpProto::TCP | IpProto::UDP => {
                // TCP's destination port lies where UDP's does.
                let port = udp::Datagram::new_unchecked(h).try_dst_port()?;
                return Some((nh, port));
            }
            IpProto::HOPOPTS | IpProto::DSTOPTS | IpProto::ROUTING => {
                nh = IpProto(*h.get(extension::NEXT_HEADER)?);
                at += ipv6::generic_extension_len(h)?;
            }
            IpProto::FRAGMENT => {
                let frag = ipv6::Fragment::new_unchecked(h);
                if frag.try_offset()? != 0 {
                    return None;
                }
                nh = frag.try_next_header()?;
                at += ipv6::FRAGMENT_HEADER_LEN;
            }
            IpProto::AH => {
                nh = IpProto(*h.first()?);
                at += (usize::from(*h.get(1)?) + 2) * 4;
            }
            _ => return None,
        }
    }
}

/// ICMPv6 (tcpdump's `icmp6_print`, without the `-v` option details).
pub(super) fn icmp6(
    c: &mut Ctx<'_>,
    p: &[u8],
    length: u32,
    info: &IpInfo<'_>,
    fragmented: bool,
) -> R {
    use crate::wire::icmp::v6;
    c.proto = "icmp6";
    if length == 0 {
        c.s("ICMP6, length 0 (invalid)")?;
        return Ok(());
    }
    let m = Icmpv6::new_unchecked(p);
    if c.opts.verbose > 0 && !fragmented && p.len() >= length as usize {
        let data = head(p, length as usize);
        let (ph, n) = info.pseudo_header(IpProto::ICMPV6.0, length);
        let sum = checksum::sum_parts(&[head(&ph, n), data]);
        let field = m.try_checksum().or_trunc()?;
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
    let t = m.try_msg_type().or_trunc()?;
    c.s("ICMP6, ")?;
    match crate::wire::names::ICMP6_TYPE_TCPDUMP.name(t) {
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
                | v6::HA_DISCOVERY_REPLY
                | v6::MOBILE_PREFIX_ADVERT
        )
    {
        write!(c, ", length {length}")?;
    }
    let code = m.try_code().or_trunc()?;
    let quoted = m.body();
    let quoted_ip = ipv6::Packet::new_unchecked(quoted);
    let quoted_dst = || {
        quoted_ip
            .try_dst_addr()
            .map(|a| Display6(a.octets()))
            .or_trunc()
    };
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
                0 | 1 | 3 => write!(c, " {}", quoted_dst()?)?,
                2 => {
                    let d = quoted_dst()?;
                    let s = Display6(quoted_ip.try_src_addr().or_trunc()?.octets());
                    write!(c, " {d}, source address {s}")?;
                }
                4 => {
                    let (prot, dport) = quoted_upper_layer(quoted).ok_or(Stop::Local)?;
                    let d = quoted_dst()?;
                    match prot {
                        IpProto::TCP => write!(c, ", {d} tcp port {}", Port::tcp(c, dport))?,
                        _ => write!(c, ", {d} udp port {}", Port::udp(c, dport))?,
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
        v6::PACKET_TOO_BIG => write!(c, ", mtu {}", m.try_rest_of_header().or_trunc()?)?,
        v6::TIME_EXCEEDED => match code {
            0 => write!(c, " for {}", quoted_dst()?)?,
            1 => c.s(" (reassembly)")?,
            _ => write!(c, ", unknown code ({code})")?,
        },
        v6::PARAM_PROBLEM => {
            check(quoted, ipv6::field::DST.start, ipv6::field::DST.len())?;
            let ptr = m.try_rest_of_header().or_trunc()?;
            match code {
                0 => write!(c, ", erroneous - octet {ptr}")?,
                1 => write!(c, ", next header - octet {ptr}")?,
                2 => write!(c, ", option - octet {ptr}")?,
                3 => write!(c, ", incomplete header chain - octet {ptr}")?,
                _ => write!(c, ", code-#{code}")?,
            }
        }
        v6::ECHO_REQUEST | v6::ECHO_REPLY => write!(
            c,
            ", id {}, seq {}",
            m.try_echo_ident().or_trunc()?,
            m.try_echo_seq().or_trunc()?
        )?,
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
        v6::NEIGHBOR_SOLICIT => {
            write!(c, ", who has {}", Display6(get_array::<16>(p, 8)?))?;
            nd_options(c, p, 24, length)?;
        }
        v6::NEIGHBOR_ADVERT => {
            write!(c, ", tgt is {}", Display6(get_array::<16>(p, 8)?))?;
            if c.opts.verbose > 0 {
                const NA_FLAGS: [(u32, &str); 3] = [
                    (0x8000_0000, "router"),
                    (0x4000_0000, "solicited"),
                    (0x2000_0000, "override"),
                ];
                c.s(", Flags [")?;
                c.bits(&NA_FLAGS, get_be32(p, 4)?)?;
                c.s("]")?;
                nd_options(c, p, 24, length)?;
            }
        }
        v6::REDIRECT => {
            let dst = Display6(get_array::<16>(p, 24)?);
            let target = Display6(get_array::<16>(p, 8)?);
            write!(c, ", {dst} to {target}")?;
            nd_options(c, p, 40, length)?;
        }
        v6::MLD2_REPORT => mld2_report(c, p, length)?,
        v6::HA_DISCOVERY_REQUEST | v6::MOBILE_PREFIX_SOLICIT => {
            write!(c, ", id 0x{:04x}", m.try_echo_ident().or_trunc()?)?
        }
        v6::ROUTER_SOLICIT => nd_options(c, p, 8, length)?,
        v6::ROUTER_ADVERT => {
            if c.opts.verbose > 0 {
                const RA_FLAGS: [(u32, &str); 3] = [
                    (0x80, "managed"),
                    (0x40, "other stateful"),
                    (0x20, "home agent"),
                ];
                let flags = get_u8(p, 5)?;
                write!(c, "\n\thop limit {}, Flags [", get_u8(p, 4)?)?;
                c.bits(&RA_FLAGS, u32::from(flags))?;
                write!(
                    c,
                    "], pref {}, router lifetime {}s, reachable time {}ms, retrans timer {}ms",
                    rtpref(flags),
                    get_be16(p, 6)?,
                    get_be32(p, 8)?,
                    get_be32(p, 12)?
                )?;
                nd_options(c, p, 16, length)?;
            }
        }
        v6::INV_NEIGHBOR_SOLICIT
        | v6::INV_NEIGHBOR_ADVERT
        | v6::HA_DISCOVERY_REPLY
        | v6::MOBILE_PREFIX_ADVERT => {}
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
    if len < 28 {
        write!(c, " [invalid len {len}]")?;
        return Ok(());
    }
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
    if c.opts.verbose > 0 {
        let b24 = get_u8(p, 24)?;
        if b24 & 0x08 != 0 {
            c.s(" sflag")?;
        }
        if b24 & 0x07 != 0 {
            write!(c, " robustness={}", b24 & 0x07)?;
        }
        let b25 = get_u8(p, 25)?;
        let qqi = if b25 < 128 {
            u32::from(b25)
        } else {
            (u32::from(b25 & 0x0f) | 0x10) << (((b25 & 0x70) >> 4) + 3)
        };
        write!(c, " qqi={qqi}")?;
    }
    let nsrcs = u32::from(get_be16(p, 26)?);
    if nsrcs > 0 {
        if len < 28 + nsrcs * 16 {
            c.s(" [invalid number of sources]")?;
        } else if c.opts.verbose > 1 {
            c.s(" {")?;
            for i in 0..nsrcs as usize {
                write!(c, " {}", Display6(get_array::<16>(p, 28 + 16 * i)?))?;
            }
            c.s(" }")?;
        } else {
            write!(c, ", {nsrcs} source(s)")?;
        }
    }
    c.s("]")
}

/// A router preference (RFC 4191) from the two bits in a flags byte.
fn rtpref(flags: u8) -> &'static str {
    match (flags & 0x18) >> 3 {
        0 => "medium",
        1 => "high",
        2 => "rsv",
        _ => "low",
    }
}

/// A lifetime in seconds, `infinity` for all ones.
struct Lifetime(u32);

impl fmt::Display for Lifetime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == u32::MAX {
            f.write_str("infinity")
        } else {
            write!(f, "{}s", self.0)
        }
    }
}

/// With `-v`, the neighbor discovery options from `start` (tcpdump's `icmp6_opt_print`).
fn nd_options(c: &mut Ctx<'_>, p: &[u8], start: usize, length: u32) -> R {
    if c.opts.verbose == 0 {
        return Ok(());
    }
    let opts = tail(p, start);
    let mut resid = i64::from(length) - start as i64;
    let mut at = 0usize;
    while at < opts.len() {
        check(opts, at + 1, 1)?;
        if resid <= 0 {
            return Ok(());
        }
        let t = get_u8(opts, at)?;
        let n = usize::from(get_u8(opts, at + 1)?);
        if n == 0 || at + n * 8 > opts.len() {
            return Err(Stop::Local);
        }
        let name = match t {
            1 => "source link-address",
            2 => "destination link-address",
            3 => "prefix info",
            4 => "redirected header",
            5 => "mtu",
            25 => "rdnss",
            31 => "dnssl",
            7 => "advertisement interval",
            8 => "homeagent information",
            24 => "route info",
            _ => "unknown",
        };
        write!(c, "\n\t  {name} option ({t}), length {} ({n}): ", n * 8)?;
        let o = at;
        match t {
            1 | 2 => {
                for k in 0..n * 8 - 2 {
                    if k > 0 {
                        c.s(":")?;
                    }
                    write!(c, "{:02x}", get_u8(opts, o + 2 + k)?)?;
                }
            }
            3 => {
                let prefix = Display6(get_array::<16>(opts, o + 16)?);
                write!(
                    c,
                    "{prefix}/{}{}, Flags [",
                    get_u8(opts, o + 2)?,
                    if n != 4 { "badlen" } else { "" }
                )?;
                const PI_FLAGS: [(u32, &str); 3] =
                    [(0x80, "onlink"), (0x40, "auto"), (0x20, "router")];
                c.bits(&PI_FLAGS, u32::from(get_u8(opts, o + 3)?))?;
                write!(
                    c,
                    "], valid time {}, pref. time {}",
                    Lifetime(get_be32(opts, o + 4)?),
                    Lifetime(get_be32(opts, o + 8)?)
                )?;
            }
            4 => {
                // tcpdump dumps from the start of the options here, not of this one.
                hexdump::write_hex_with(c.out, "\n\t    ", head(opts, n * 8))?;
            }
            5 => write!(
                c,
                " {}{}",
                get_be32(opts, o + 4)?,
                if n != 1 { "bad option length" } else { "" }
            )?,
            25 => {
                write!(c, " lifetime {}s,", get_be32(opts, o + 4)?)?;
                for k in 0..(n - 1) / 2 {
                    write!(
                        c,
                        " addr: {}",
                        Display6(get_array::<16>(opts, o + 8 + 16 * k)?)
                    )?;
                }
            }
            31 => {
                write!(c, " lifetime {}s, domain(s):", get_be32(opts, o + 4)?)?;
                let mut d = o + 8;
                while d < o + n * 8 && get_u8(opts, d)? != 0 {
                    c.s(" ")?;
                    match super::dns::fqdn(c, opts, d)? {
                        Some(next) => d = next,
                        None => return Err(Stop::Local),
                    }
                }
            }
            7 => write!(c, " {}ms", get_be32(opts, o + 4)?)?,
            8 => write!(
                c,
                " preference {}, lifetime {}",
                get_be16(opts, o + 4)?,
                get_be16(opts, o + 6)?
            )?,
            24 => {
                check(opts, o + 4, 4)?;
                let mut a = [0u8; 16];
                match n {
                    1 => {}
                    2 => a
                        .iter_mut()
                        .zip(get_array::<8>(opts, o + 8)?)
                        .for_each(|(d, s)| *d = s),
                    3 => a = get_array::<16>(opts, o + 8)?,
                    _ => return Err(Stop::Local),
                }
                write!(c, " {}/{}", Display6(a), get_u8(opts, o + 2)?)?;
                write!(c, ", pref={}", rtpref(get_u8(opts, o + 3)?))?;
                write!(c, ", lifetime={}", Lifetime(get_be32(opts, o + 4)?))?;
            }
            _ => {
                if c.opts.verbose <= 1 {
                    let data = crate::wire::bytes::range(opts, o + 2, o + n * 8);
                    hexdump::write_hex_with(c.out, "\n\t  ", data)?;
                    return Ok(());
                }
            }
        }
        if c.opts.verbose > 1 {
            let data = crate::wire::bytes::range(opts, o + 2, o + n * 8);
            hexdump::write_hex_with(c.out, "\n\t    ", data)?;
        }
        at += n * 8;
        resid -= (n * 8) as i64;
    }
    Ok(())
}

/// An MLDv2 report: the number of group records, and with `-v` each record.
fn mld2_report(c: &mut Ctx<'_>, p: &[u8], len: u32) -> R {
    if len < 8 {
        write!(c, " [invalid len {len}]")?;
        return Ok(());
    }
    let ngroups = get_be16(p, 6)?;
    write!(c, ", {ngroups} group record(s)")?;
    if c.opts.verbose == 0 {
        return Ok(());
    }
    let len = len as usize;
    let mut group = 8usize;
    for _ in 0..ngroups {
        if len < group + 20 {
            return c.s(" [invalid number of groups]");
        }
        write!(c, " [gaddr {}", Display6(get_array::<16>(p, group + 4)?))?;
        c.group_record_type(get_u8(p, group)?, "v2")?;
        let nsrcs = usize::from(get_be16(p, group + 2)?);
        if len < group + 20 + nsrcs * 16 {
            write!(c, " [invalid number of sources {nsrcs}]")?;
            return Ok(());
        }
        if c.opts.verbose == 1 {
            write!(c, ", {nsrcs} source(s)")?;
        } else {
            c.s(" {")?;
            for j in 0..nsrcs {
                write!(c, " {}", Display6(get_array::<16>(p, group + 20 + 16 * j)?))?;
            }
            c.s(" }")?;
        }
        group += 20 + nsrcs * 16;
        c.s("]")?;
    }
    Ok(())
}
