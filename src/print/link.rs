//! Link layers: Ethernet (VLAN tags, 802.3 + LLC/SNAP), Linux cooked v1/v2, BSD loopback, raw
//! IP, and tcpdump's `UNSUPPORTED` dump for the rest.

use super::{get_be16, get_u8, ip, need, other, Captured, Ctx, Ether, Stop, R};
use crate::linktype::Linktype;
use crate::wire::bytes::{range, tail};
use crate::wire::link::{af, sap, Layout, TypeField};
use crate::wire::sll::{self, PacketType};
use crate::wire::{ethernet, names, vlan, EtherType, MacAddr};

/// The link-layer header length of a link type whose header is fixed (the shared layout's
/// payload offset).
fn header_len(lt: Linktype) -> usize {
    Layout::of(lt)
        .and_then(Layout::payload_offset)
        .map_or(0, |n| n as usize)
}

pub(super) fn print(c: &mut Ctx<'_>, lt: Linktype, data: &[u8], wire_len: u32) -> R {
    match lt {
        Linktype::EN10MB => {
            c.proto = "ether";
            let hdr = ether(c, data, wire_len)?;
            c.ll_hdr_len += hdr;
            Ok(())
        }
        Linktype::LINUX_SLL => cooked_v1(c, data, wire_len),
        Linktype::LINUX_SLL2 => cooked_v2(c, data, wire_len),
        Linktype::NULL => bsd_loopback(c, lt, data, wire_len),
        Linktype::NFLOG => nflog(c, data, wire_len),
        Linktype::LOOP => bsd_loopback(c, lt, data, wire_len),
        Linktype::PPP => {
            c.proto = "ppp";
            // tcpdump counts a 4-byte header for -x whatever the frame's real one is.
            let hdr = header_len(lt);
            if data.len() < hdr {
                c.ll_hdr_len += data.len();
                return c.trunc_mark();
            }
            c.ll_hdr_len += hdr;
            other::ppp(c, data, wire_len).map(|_| ())
        }
        Linktype::C_HDLC => cisco_hdlc(c, data, wire_len),
        Linktype::RAW | Linktype::IPV4 | Linktype::IPV6 => {
            c.proto = "raw";
            if c.opts.link_header {
                c.s("ip: ")?;
            }
            let r = ip::ip_n(c, data, wire_len);
            c.absorb(r)
        }
        _ => {
            c.s("UNSUPPORTED")?;
            c.default_print(data)
        }
    }
}

/// Whether tcpdump suppresses its hex dump of payloads it cannot decode (`-x`, `-X`, `-q`).
fn suppress_default_print(c: &Ctx<'_>) -> bool {
    c.opts.quick || c.opts.hex != super::hexdump::HexMode::Off
}

/// The hex dump of undecoded payload, unless suppressed.
pub(super) fn unknown_payload(c: &mut Ctx<'_>, data: &[u8]) -> R {
    if suppress_default_print(c) {
        Ok(())
    } else {
        c.default_print(data)
    }
}

fn ether_type_print(c: &mut Ctx<'_>, t: EtherType) -> R {
    match (c.opts.quick, t.name()) {
        (false, Some(n)) => write!(c, "ethertype {n} (0x{:04x})", t.0)?,
        (false, None) => write!(c, "ethertype Unknown (0x{:04x})", t.0)?,
        (true, Some(n)) => c.s(n)?,
        (true, None) => write!(c, "Unknown Ethertype (0x{:04x})", t.0)?,
    }
    Ok(())
}

/// An Ethernet frame (tcpdump's `ether_common_print`); returns the link-layer header length.
pub(super) fn ether(c: &mut Ctx<'_>, p: &[u8], mut length: u32) -> R<usize> {
    let caplen = p.len();
    if (length as usize) < caplen {
        write!(c, "[length {length} < caplen {caplen}] (invalid)")?;
        return Ok(length as usize);
    }
    if caplen < ethernet::HEADER_LEN {
        c.trunc_mark()?;
        return Ok(caplen);
    }
    let frame = ethernet::Frame::new_unchecked(p);
    let (src, dst) = (c.ether(frame.src_addr()), c.ether(frame.dst_addr()));
    let orig_length = length;
    if c.opts.link_header {
        write!(c, "{src} > {dst}, ")?;
    }
    length -= ethernet::field::ETHERTYPE.start as u32;
    let mut printed_length = false;
    let mut t = frame.try_ethertype().or_trunc()?;
    let mut rest = frame.payload();
    length = length.saturating_sub(ethernet::field::ETHERTYPE.len() as u32);
    let mut hdrlen = ethernet::HEADER_LEN;
    while t.is_vlan() {
        if rest.len() < vlan::TAG_LEN || (length as usize) < vlan::TAG_LEN {
            c.proto = "vlan";
            c.trunc_mark()?;
            return Ok(hdrlen + rest.len().min(length as usize));
        }
        let tag = vlan::Tag::new_unchecked(rest);
        if c.opts.link_header {
            let tci = tag.try_tci().or_trunc()?;
            ether_type_print(c, t)?;
            if !printed_length {
                write!(c, ", length {orig_length}: ")?;
                printed_length = true;
            } else {
                c.s(", ")?;
            }
            write!(c, "{tci}, ")?;
        }
        t = tag.try_ethertype().or_trunc()?;
        rest = tail(rest, vlan::field::PAYLOAD);
        length -= vlan::TAG_LEN as u32;
        hdrlen += vlan::TAG_LEN;
    }
    if t.is_length() {
        // An 802.3 length: the payload is that long (if it fits), and starts with LLC.
        if u32::from(t.0) < length {
            length = u32::from(t.0);
            rest = crate::wire::bytes::head(rest, length as usize);
        }
        if c.opts.link_header {
            c.s("802.3")?;
            if !printed_length {
                write!(c, ", length {length}: ")?;
            }
        }
        let (n, known) = llc(c, rest, length, Some((src, dst)))?;
        if !known {
            unknown_payload(c, rest)?;
        }
        return Ok(hdrlen + n);
    }
    if c.opts.link_header {
        ether_type_print(c, t)?;
        if !printed_length {
            write!(c, ", length {orig_length}: ")?;
        } else {
            c.s(", ")?;
        }
    }
    if !ethertype_print(c, t, rest, length)? {
        if !c.opts.link_header {
            write!(c, "{src} > {dst}, ")?;
            ether_type_print(c, t)?;
            write!(c, ", length {orig_length}: ")?;
        }
        unknown_payload(c, rest)?;
    }
    Ok(hdrlen)
}

/// The payload of an Ethernet type; `Ok(false)` when the type is not one we decode.
pub(super) fn ethertype_print(c: &mut Ctx<'_>, t: EtherType, p: &[u8], length: u32) -> R<bool> {
    let r = match t {
        EtherType::IPV4 => ip::ipv4(c, p, length),
        EtherType::IPV6 => ip::ipv6(c, p, length),
        EtherType::ARP | EtherType::RARP => ip::arp(c, p, length),
        EtherType::MPLS | EtherType::MPLS_MULTICAST => other::mpls(c, p, length),
        EtherType::PPPOE_DISCOVERY | EtherType::PPPOE_SESSION => other::pppoe(c, p, length),
        EtherType::LLDP => other::lldp(c, length),
        _ => return Ok(false),
    };
    c.absorb(r)?;
    Ok(true)
}

/// An LLC SAP by name, or `Unknown DSAP 0x42` style.
struct SapName(u8, &'static str);

impl std::fmt::Display for SapName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match names::LLC_SAP.name(self.0) {
            Some(n) => f.write_str(n),
            None => write!(f, "Unknown {} 0x{:02x}", self.1, self.0),
        }
    }
}

fn llc_flag_name(v: u16) -> &'static str {
    match v {
        0 => "Command",
        1 => "Response",
        0x10 | 0x100 => "Poll",
        0x11 | 0x101 => "Final",
        _ => "?",
    }
}

/// The organisations tcpdump names (its `oui_values`), for SNAP headers and MAC addresses.
pub(super) fn oui_name(oui: u32) -> Option<&'static str> {
    Some(match oui {
        0x000000 => "Ethernet",
        0x00000c => "Cisco",
        0x00005e => "IANA",
        0x000081 => "Nortel Networks SONMP",
        0x0000f8 => "Cisco bridged",
        0x0080c2 => "Ethernet bridged",
        0x00a03e => "ATM Forum",
        0x00e02f => "DOCSIS Spanning Tree",
        0x080007 => "Appletalk",
        0x009069 => "Juniper",
        0x080009 => "Hewlett-Packard",
        0x00120f => "IEEE 802.3 Private",
        0x0012bb => "ANSI/TIA",
        0x001b21 => "DCBX",
        0x002320 => "Nicira Networks",
        0x5c16c7 => "Big Switch Networks",
        0xb0d2f5 => "Vello Systems",
        0x002481 => "HP",
        0x0004ea => "HP-Labs",
        0x748771 => "Infoblox Inc",
        0xa42305 => "Open Networking Lab",
        0x00049f => "Freescale",
        0x0015ad => "Netronome",
        0x001018 => "Broadcom",
        0x00e004 => "PMC-Sierra",
        0xd0f0db => "Ericsson",
        _ => return None,
    })
}

/// An 802.2 LLC header and what follows (tcpdump's `llc_print`). Returns the header length
/// (LLC plus SNAP) and whether the payload was printed.
pub(super) fn llc(
    c: &mut Ctx<'_>,
    p: &[u8],
    length: u32,
    addrs: Option<(Ether, Ether)>,
) -> R<(usize, bool)> {
    c.proto = "llc";
    if p.len() < 3 || length < 3 {
        c.trunc_mark()?;
        return Ok((p.len().min(length as usize), true));
    }
    let dsap_field = get_u8(p, 0)?;
    let ssap_field = get_u8(p, 1)?;
    let mut control = u16::from(get_u8(p, 2)?);
    let is_u = control & 3 == 3;
    let hdrlen = if is_u {
        3
    } else {
        if p.len() < 4 || length < 4 {
            c.trunc_mark()?;
            return Ok((p.len().min(length as usize), true));
        }
        control = u16::from_le_bytes([get_u8(p, 2)?, get_u8(p, 3)?]);
        4
    };
    if ssap_field == sap::GLOBAL && dsap_field == sap::GLOBAL {
        // Novell "raw" 802.3 IPX: not decoded.
        if c.opts.link_header {
            c.s("IPX 802.3: ")?;
        }
        c.s("IPX")?;
        return Ok((0, false));
    }
    let dsap = dsap_field & !1;
    let ssap = ssap_field & !1;
    if c.opts.link_header {
        write!(
            c,
            "LLC, dsap {} (0x{dsap:02x}) {}, ssap {} (0x{ssap:02x}) {}",
            names::LLC_SAP.name(dsap).unwrap_or("Unknown"),
            if dsap_field & 1 == 0 {
                "Individual"
            } else {
                "Group"
            },
            names::LLC_SAP.name(ssap).unwrap_or("Unknown"),
            if ssap_field & 1 == 0 {
                "Command"
            } else {
                "Response"
            },
        )?;
        if is_u {
            write!(c, ", ctrl 0x{control:02x}: ")?;
        } else {
            write!(c, ", ctrl 0x{control:04x}: ")?;
        }
    }
    let payload = tail(p, hdrlen);
    let plen = length - hdrlen as u32;
    if ssap == sap::SNAP && dsap == sap::SNAP && control == 3 {
        let known = snap(c, payload, plen)?;
        return Ok((hdrlen + 5, known));
    }
    if ssap == sap::STP && dsap == sap::STP && control == 3 {
        other::stp(c, payload, plen)?;
        return Ok((hdrlen, true));
    }
    if ssap == sap::IP && dsap == sap::IP && control == 3 {
        let r = ip::ipv4(c, payload, plen);
        c.absorb(r)?;
        return Ok((hdrlen, true));
    }
    if !c.opts.link_header {
        let (sn, dn) = (SapName(ssap, "SSAP"), SapName(dsap, "DSAP"));
        match (ssap == dsap, addrs) {
            (true, None) => write!(c, "{dn} ")?,
            (true, Some((s, d))) => write!(c, "{s} > {d} {dn} ")?,
            (false, None) => write!(c, "{sn} > {dn} ")?,
            (false, Some((s, d))) => write!(c, "{s} {sn} > {d} {dn} ")?,
        }
    }
    let total = length;
    if is_u {
        let cmd = control & 0xef;
        let cmd_name = u8::try_from(cmd)
            .ok()
            .and_then(|cmd| names::LLC_U_SUBTYPE.name(cmd));
        c.s("Unnumbered, ")?;
        match cmd_name {
            Some(n) => c.s(n)?,
            None => write!(c, "{cmd:02x}")?,
        }
        let flags = llc_flag_name(u16::from(ssap_field & 1) | (control & 0x10));
        write!(c, ", Flags [{flags}], length {total}")?;
        if control & !0x10 == 0xaf && plen > 0 {
            match payload.first() {
                None => {
                    c.trunc_mark()?;
                    return Ok((hdrlen, true));
                }
                Some(0x81) => {
                    if payload.len() < 3 || plen < 3 {
                        c.trunc_mark()?;
                        unknown_payload(c, payload)?;
                    } else {
                        write!(
                            c,
                            ": {:02x} {:02x}",
                            get_u8(payload, 1)?,
                            get_u8(payload, 2)?
                        )?;
                    }
                    return Ok((hdrlen, true));
                }
                Some(_) => {}
            }
        }
    } else if control & 1 == 1 {
        let sup = match (control >> 2) & 3 {
            0 => "Receiver Ready",
            1 => "Receiver not Ready",
            2 => "Reject",
            _ => "?",
        };
        let flags = llc_flag_name(u16::from(ssap_field & 1) | (control & 0x100));
        write!(
            c,
            "Supervisory, {sup}, rcv seq {}, Flags [{flags}], length {total}",
            (control >> 9) & 0x7f
        )?;
        return Ok((hdrlen, true));
    } else {
        let flags = llc_flag_name(u16::from(ssap_field & 1) | (control & 0x100));
        write!(
            c,
            "Information, send seq {}, rcv seq {}, Flags [{flags}], length {total}",
            (control >> 1) & 0x7f,
            (control >> 9) & 0x7f
        )?;
    }
    Ok((hdrlen, false))
}

/// A SNAP header and its payload; whether the payload was printed.
fn snap(c: &mut Ctx<'_>, p: &[u8], length: u32) -> R<bool> {
    c.proto = "snap";
    need(p, 0, 5)?;
    if length < 5 {
        return Err(Stop::Trunc);
    }
    let oui = u32::from_be_bytes([0, get_u8(p, 0)?, get_u8(p, 1)?, get_u8(p, 2)?]);
    let et = EtherType(get_be16(p, 3)?);
    if c.opts.link_header {
        let pid_name = match (oui, et.0) {
            (0x000000 | 0x0000f8 | 0x080007, _) => et.name(),
            (0x00000c, 0x2000) => Some("CDP"),
            (0x00000c, 0x2003) => Some("VTP"),
            (0x00000c, 0x2004) => Some("DTP"),
            (0x00000c, 0x0111) => Some("UDLD"),
            (0x00000c, 0x010b) => Some("PVST"),
            (0x00000c, 0x010c) => Some("VLAN Bridge"),
            _ => None,
        };
        write!(
            c,
            "oui {} (0x{oui:06x}), {} {} (0x{:04x}), length {}: ",
            oui_name(oui).unwrap_or("Unknown"),
            if oui == 0 { "ethertype" } else { "pid" },
            pid_name.unwrap_or("Unknown"),
            et.0,
            length - 5
        )?;
    }
    let payload = tail(p, 5);
    match oui {
        0x000000 | 0x0000f8 => ethertype_print(c, et, payload, length - 5),
        0x080007 if et.0 == 0x809b => ethertype_print(c, et, payload, length - 5),
        // Cisco PVST+ and VLAN bridge BPDUs.
        0x00000c if et.0 == 0x010b || et.0 == 0x010c => {
            other::stp(c, payload, length - 5)?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

fn cooked_addr_etc(
    c: &mut Ctx<'_>,
    halen: usize,
    addr: &[u8; 8],
    protocol: EtherType,
    length: u32,
) -> R {
    if halen == 6 {
        let mut mac = [0u8; 6];
        mac.copy_from_slice(sll::used_addr(addr, 6));
        write!(c, "{} ", c.ether(MacAddr(mac)))?;
    }
    if !c.opts.quick {
        if protocol.is_length() {
            match protocol.0 {
                sll::PROTOCOL_802_3 => c.s("802.3")?,
                sll::PROTOCOL_802_2 => c.s("802.2")?,
                v => write!(c, "ethertype Unknown (0x{v:04x})")?,
            }
        } else {
            ether_type_print(c, protocol)?;
        }
        write!(c, ", length {length}: ")?;
    }
    Ok(())
}

fn sll_print(c: &mut Ctx<'_>, hdr: &sll::Sll<&[u8]>, length: u32) -> R {
    c.proto = "sll";
    write!(c, "{:>3} ", hdr.packet_type().name().unwrap_or("?"))?;
    cooked_addr_etc(
        c,
        usize::from(hdr.halen()),
        &hdr.addr(),
        hdr.protocol(),
        length,
    )
}

fn sll2_print(c: &mut Ctx<'_>, hdr: &sll::Sll2<&[u8]>, length: u32) -> R {
    c.proto = "sll2";
    write!(c, "ifindex {} ", hdr.if_index())?;
    cooked_addr_etc(
        c,
        usize::from(hdr.halen()),
        &hdr.addr(),
        hdr.protocol(),
        length,
    )
}

/// What follows a cooked header: shared by v1 and v2. Returns the extra header length (VLAN
/// tags, LLC) on top of the cooked header.
fn cooked_payload(
    c: &mut Ctx<'_>,
    mut t: EtherType,
    mut p: &[u8],
    mut length: u32,
    header: &dyn Fn(&mut Ctx<'_>) -> R,
) -> R<usize> {
    let mut extra = 0usize;
    loop {
        if t.is_length() {
            match t.0 {
                sll::PROTOCOL_802_2 => {
                    let (n, known) = llc(c, p, length, None)?;
                    if !known {
                        unknown_payload(c, p)?;
                    } else {
                        extra += n;
                    }
                }
                sll::PROTOCOL_802_3 => {
                    c.s("IPX")?;
                    unknown_payload(c, p)?;
                }
                _ => unknown_payload(c, p)?,
            }
            return Ok(extra);
        }
        if t == EtherType::VLAN {
            if p.len() < vlan::TAG_LEN {
                c.proto = "vlan";
                c.trunc_mark()?;
                return Ok(extra + p.len());
            }
            let tag = vlan::Tag::new_unchecked(p);
            if c.opts.link_header {
                let tci = tag.try_tci().or_trunc()?;
                write!(c, "{tci}, ")?;
            }
            t = tag.try_ethertype().or_trunc()?;
            if t.is_length() {
                t = EtherType(sll::PROTOCOL_802_2);
            }
            if !c.opts.quick {
                write!(c, "ethertype {}, ", t.name().unwrap_or("Unknown"))?;
            }
            p = tail(p, vlan::field::PAYLOAD);
            length = length.saturating_sub(vlan::TAG_LEN as u32);
            extra += vlan::TAG_LEN;
            continue;
        }
        if !ethertype_print(c, t, p, length)? {
            if !c.opts.link_header {
                header(c)?;
            }
            unknown_payload(c, p)?;
        }
        return Ok(extra);
    }
}

fn cooked_v1(c: &mut Ctx<'_>, data: &[u8], wire_len: u32) -> R {
    c.proto = "sll";
    need(data, 0, sll::SLL_HEADER_LEN)?;
    let hdr = sll::Sll::new_unchecked(data);
    if c.opts.link_header {
        sll_print(c, &hdr, wire_len)?;
    }
    let length = wire_len.saturating_sub(sll::SLL_HEADER_LEN as u32);
    if hdr.hatype() == sll::HATYPE_IEEE80211_RADIOTAP {
        c.ll_hdr_len += sll::SLL_HEADER_LEN;
        return unsupported_inner(c, hdr.payload());
    }
    let extra = cooked_payload(c, hdr.protocol(), hdr.payload(), length, &|c| {
        sll_print(c, &hdr, wire_len)
    })?;
    c.ll_hdr_len += sll::SLL_HEADER_LEN + extra;
    Ok(())
}

fn cooked_v2(c: &mut Ctx<'_>, data: &[u8], wire_len: u32) -> R {
    c.proto = "sll2";
    need(data, 0, sll::SLL2_HEADER_LEN)?;
    let hdr = sll::Sll2::new_unchecked(data);
    // tcpdump prints the reading host's name for the interface index; we never consult the
    // host and print what tcpdump prints for an index it does not know.
    write!(
        c,
        "{:<5} {:<3} ",
        "?",
        PacketType::name(hdr.packet_type()).unwrap_or("?")
    )?;
    if c.opts.link_header {
        sll2_print(c, &hdr, wire_len)?;
    }
    let length = wire_len.saturating_sub(sll::SLL2_HEADER_LEN as u32);
    if hdr.hatype() == sll::HATYPE_IEEE80211_RADIOTAP {
        c.ll_hdr_len += sll::SLL2_HEADER_LEN;
        return unsupported_inner(c, hdr.payload());
    }
    let extra = cooked_payload(c, hdr.protocol(), hdr.payload(), length, &|c| {
        sll2_print(c, &hdr, wire_len)
    })?;
    c.ll_hdr_len += sll::SLL2_HEADER_LEN + extra;
    Ok(())
}

/// A payload in a link type we do not dissect (radiotap inside a cooked header).
fn unsupported_inner(c: &mut Ctx<'_>, p: &[u8]) -> R {
    c.s("UNSUPPORTED")?;
    c.default_print(p)
}

fn null_hdr_print(c: &mut Ctx<'_>, family: u32, length: u32) -> R {
    if !c.opts.quick {
        write!(
            c,
            "AF {} ({family})",
            names::BSD_AF.name(family).unwrap_or("Unknown")
        )?;
    } else {
        match names::BSD_AF.name(family) {
            Some(n) => c.s(n)?,
            None => write!(c, "Unknown AF {family}")?,
        }
    }
    write!(c, ", length {length}: ")?;
    Ok(())
}

/// `NULL` (address family in the writer's byte order) and `LOOP` (network byte order).
fn bsd_loopback(c: &mut Ctx<'_>, lt: Linktype, data: &[u8], wire_len: u32) -> R {
    let network_order = Layout::of(lt).map(|l| l.type_field) == Some(TypeField::AfNetworkOrder);
    let hdr = header_len(lt);
    c.proto = if network_order { "loop" } else { "null" };
    need(data, 0, hdr)?;
    c.ll_hdr_len += hdr;
    let word = crate::wire::bytes::array(data, 0);
    let family = if network_order {
        u32::from_be_bytes(word)
    } else {
        // tcpdump reads the host's byte order (little-endian here) and swaps when the high
        // half is set.
        let le = u32::from_le_bytes(word);
        if le & 0xffff_0000 != 0 {
            le.swap_bytes()
        } else {
            le
        }
    };
    if c.opts.link_header {
        null_hdr_print(c, family, wire_len)?;
    }
    let length = wire_len.saturating_sub(hdr as u32);
    let p = tail(data, hdr);
    match family {
        af::INET => {
            let r = ip::ipv4(c, p, length);
            c.absorb(r)
        }
        f if af::INET6_SAVEFILE.contains(&f) => {
            let r = ip::ipv6(c, p, length);
            c.absorb(r)
        }
        _ => {
            if !c.opts.link_header {
                null_hdr_print(c, family, wire_len)?;
            }
            unknown_payload(c, p)
        }
    }
}

fn nflog_hdr_print(c: &mut Ctx<'_>, hdr: &[u8], length: u32) -> R {
    let family = get_u8(hdr, 0)?;
    write!(
        c,
        "version {}, resource ID {}",
        get_u8(hdr, 1)?,
        get_be16(hdr, 2)?
    )?;
    let name = match u32::from(family) {
        af::INET => Some("IPv4"),
        af::INET6_LINUX => Some("IPv6"),
        _ => None,
    };
    match (c.opts.quick, name) {
        (false, n) => write!(c, ", family {} ({family})", n.unwrap_or("Unknown"))?,
        (true, Some(n)) => write!(c, ", {n}")?,
        (true, None) => write!(c, ", Unknown NFLOG (0x{family:02x})")?,
    }
    write!(c, ", length {length}: ")?;
    Ok(())
}

/// Linux netfilter log messages (`NFLOG`): a 4-byte header, then TLVs (lengths and types in
/// the writer's byte order, little-endian in practice) up to the one holding the packet.
fn nflog(c: &mut Ctx<'_>, data: &[u8], wire_len: u32) -> R {
    const HDR: usize = 4;
    c.proto = "nflog";
    if data.len() < HDR {
        c.trunc_mark()?;
        c.ll_hdr_len += data.len();
        return Ok(());
    }
    c.ll_hdr_len += HDR;
    let version = get_u8(data, 1)?;
    if version != 0 {
        write!(c, "version {version} (unknown)")?;
        return Ok(());
    }
    if c.opts.link_header {
        nflog_hdr_print(c, data, wire_len)?;
    }
    let mut length = wire_len.saturating_sub(HDR as u32);
    let mut at = HDR;
    let mut h_size = HDR;
    while length > 0 {
        let caplen = data.len().saturating_sub(at);
        if caplen < 4 {
            return Err(Stop::Trunc);
        }
        if length < 4 {
            write!(c, "[length {length} < 4] (invalid)")?;
            return Ok(());
        }
        let raw = u16::from_le_bytes(crate::wire::bytes::array(data, at));
        let typ = u16::from_le_bytes(crate::wire::bytes::array(data, at + 2));
        let mut size = usize::from(raw);
        if size % 4 != 0 {
            size += 4 - size % 4;
        }
        if size < 4 {
            write!(c, "[tlv length {size} < 4] (invalid)")?;
            return Ok(());
        }
        if caplen < size {
            return Err(Stop::Trunc);
        }
        if (length as usize) < size {
            write!(c, "[length {length} < tlv length {size}] (invalid)")?;
            return Ok(());
        }
        if typ == 9 {
            at += 4;
            h_size += 4;
            length -= 4;
            break;
        }
        at += size;
        h_size += size;
        length -= size as u32;
    }
    let p = tail(data, at);
    match u32::from(get_u8(data, 0)?) {
        af::INET => {
            let r = ip::ipv4(c, p, length);
            c.absorb(r)?;
        }
        af::INET6_LINUX => {
            let r = ip::ipv6(c, p, length);
            c.absorb(r)?;
        }
        _ => {
            if !c.opts.link_header {
                nflog_hdr_print(c, data, length + HDR as u32)?;
            }
            unknown_payload(c, p)?;
        }
    }
    c.ll_hdr_len += h_size - HDR;
    Ok(())
}

/// Cisco HDLC (tcpdump's `chdlc_print`): a cast byte, a control byte, an Ethernet type.
fn cisco_hdlc(c: &mut Ctx<'_>, p: &[u8], length: u32) -> R {
    c.proto = "chdlc";
    let layout = Layout::of(Linktype::C_HDLC);
    let hdr = layout.and_then(Layout::payload_offset).unwrap_or(0);
    if length < hdr {
        c.trunc_mark()?;
        c.ll_hdr_len += length as usize;
        return Ok(());
    }
    let type_at = layout.and_then(|l| l.type_offset).unwrap_or(0) as usize;
    let proto = EtherType(get_be16(p, type_at)?);
    if c.opts.link_header {
        match get_u8(p, 0)? {
            0x0f => c.s("unicast")?,
            0x8f => c.s("bcast")?,
            b => write!(c, "0x{b:02x}")?,
        }
        write!(
            c,
            ", ethertype {} (0x{:04x}), length {length}: ",
            proto.name().unwrap_or("Unknown"),
            proto.0
        )?;
    }
    c.ll_hdr_len += hdr as usize;
    let rest = tail(p, hdr as usize);
    let length = length - hdr;
    let r = match proto {
        EtherType::IPV4 => ip::ipv4(c, rest, length),
        EtherType::IPV6 => ip::ipv6(c, rest, length),
        EtherType::RARP => slarp(c, rest, length),
        EtherType::MPLS | EtherType::MPLS_MULTICAST => other::mpls(c, rest, length),
        _ => {
            if !c.opts.link_header {
                write!(c, "unknown CHDLC protocol (0x{:04x})", proto.0)?;
            }
            Ok(())
        }
    };
    c.absorb(r)
}

/// Cisco's serial line address resolution (SLARP) keepalives and address exchanges.
fn slarp(c: &mut Ctx<'_>, p: &[u8], length: u32) -> R {
    c.proto = "chdlc_slarp";
    write!(c, "SLARP (length: {length}), ")?;
    if length < 14 {
        c.s(" (invalid)")?;
        return Ok(());
    }
    super::check(p, 4, 10)?;
    let code = super::get_be32(p, 0)?;
    match code {
        0 => c.s("request")?,
        1 => write!(
            c,
            "reply {}/{}",
            std::net::Ipv4Addr::from(super::get_array::<4>(p, 4)?),
            std::net::Ipv4Addr::from(super::get_array::<4>(p, 8)?)
        )?,
        2 => {
            write!(
                c,
                "keepalive: mineseen=0x{:08x}, yourseen=0x{:08x}, reliability=0x{:04x}",
                super::get_be32(p, 4)?,
                super::get_be32(p, 8)?,
                get_be16(p, 12)?
            )?;
            if length >= 18 {
                let mut sec = super::get_be32(p, 14)? / 1000;
                let mut min = sec / 60;
                sec -= min * 60;
                let mut hrs = min / 60;
                min -= hrs * 60;
                let days = hrs / 24;
                hrs -= days * 24;
                write!(c, ", link uptime={days}d{hrs}h{min}m{sec}s")?;
            }
        }
        _ => {
            write!(c, "0x{code:02x} unknown")?;
            if c.opts.verbose <= 1 {
                let n = (length as usize - 4).min(p.len().saturating_sub(4));
                super::hexdump::write_hex_with(c.out, "\n\t", range(p, 4, 4 + n))?;
            }
        }
    }
    if length > 18 && c.opts.verbose > 0 {
        write!(c, ", (trailing junk: {} bytes)", length - 18)?;
    }
    if c.opts.verbose > 1 {
        let n = (length as usize - 4).min(p.len().saturating_sub(4));
        super::hexdump::write_hex_with(c.out, "\n\t", range(p, 4, 4 + n))?;
    }
    Ok(())
}
