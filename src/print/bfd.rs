//! Bidirectional Forwarding Detection (RFC 5880 and 5881–5884, 7130): tcpdump's `bfd_print`.

use super::hexdump;
use super::{check, get_be32, get_u8, Ctx, R};

/// Single-hop control packets (RFC 5881).
pub(super) const PORT_CONTROL: u16 = 3784;
/// Echo packets (RFC 5881).
pub(super) const PORT_ECHO: u16 = 3785;
/// Multihop control packets (RFC 5883).
pub(super) const PORT_MULTIHOP: u16 = 4784;
/// Micro-BFD on LAG members (RFC 7130).
pub(super) const PORT_LAG: u16 = 6784;

/// The fixed part of a control packet.
const HEADER_LEN: usize = 24;
/// The authentication-present flag.
const FLAG_AUTH: u8 = 0x04;

const V0_FLAGS: [(u32, &str); 4] = [
    (0x80, "I Hear You"),
    (0x40, "Demand"),
    (0x20, "Poll"),
    (0x10, "Final"),
];
const V1_FLAGS: [(u32, &str); 6] = [
    (0x20, "Poll"),
    (0x10, "Final"),
    (0x08, "Control Plane Independent"),
    (0x04, "Authentication Present"),
    (0x02, "Demand"),
    (0x01, "Multipoint"),
];

fn port_name(port: u16) -> Option<&'static str> {
    Some(match port {
        PORT_CONTROL => "Control",
        PORT_MULTIHOP => "Multihop",
        PORT_LAG => "Lag",
        _ => return None,
    })
}

fn diagnostic_name(diag: u8) -> &'static str {
    match diag {
        0 => "No Diagnostic",
        1 => "Control Detection Time Expired",
        2 => "Echo Function Failed",
        3 => "Neighbor Signaled Session Down",
        4 => "Forwarding Plane Reset",
        5 => "Path Down",
        6 => "Concatenated Path Down",
        7 => "Administratively Down",
        8 => "Reverse Concatenated Path Down",
        _ => "unknown",
    }
}

fn state_name(state: u8) -> &'static str {
    match state {
        0 => "AdminDown",
        1 => "Down",
        2 => "Init",
        _ => "Up",
    }
}

/// A BFD packet sent to `port`, `len` bytes long.
pub(super) fn bfd(c: &mut Ctx<'_>, p: &[u8], len: u32, port: u16) -> R {
    c.proto = "bfd";
    let Some(port_name) = port_name(port) else {
        if port == PORT_ECHO {
            write!(c, "BFD, Echo, length: {len}")?;
        } else {
            write!(c, "BFD, unknown ({port}), length: {len}")?;
        }
        return unknown_data(c, p, len);
    };
    check(p, 0, HEADER_LEN)?;
    let version_diag = get_u8(p, 0)?;
    let flags = get_u8(p, 1)?;
    let version = version_diag >> 5;
    let (table, flag_bits): (&[(u32, &str)], u8) = match version {
        0 => (&V0_FLAGS, flags & 0xfc),
        1 => (&V1_FLAGS, flags & 0x3f),
        _ => {
            write!(c, "BFDv{version}, Control, length: {len}")?;
            return unknown_data(c, p, len);
        }
    };
    let state = (flags >> 6) & 3;
    if c.opts.verbose == 0 {
        write!(c, "BFDv{version}, {port_name}, ")?;
        if version == 1 {
            write!(c, "State {}, ", state_name(state))?;
        }
        c.s("Flags: [")?;
        c.bits(table, u32::from(flag_bits))?;
        write!(c, "], length: {len}")?;
        return Ok(());
    }
    write!(c, "BFDv{version}, length: {len}\n\t{port_name}, ")?;
    if version == 1 {
        write!(c, "State {}, ", state_name(state))?;
    }
    c.s("Flags: [")?;
    c.bits(table, u32::from(flag_bits))?;
    let diag = version_diag & 0x1f;
    write!(c, "], Diagnostic: {} (0x{diag:02x})", diagnostic_name(diag))?;
    let mult = get_u8(p, 2)?;
    let tx = get_be32(p, 12)?;
    write!(
        c,
        "\n\tDetection Timer Multiplier: {mult} ({} ms Detection time), BFD Length: {}",
        u32::from(mult).wrapping_mul(tx) / 1000,
        get_u8(p, 3)?
    )?;
    write!(
        c,
        "\n\tMy Discriminator: 0x{:08x}, Your Discriminator: 0x{:08x}",
        get_be32(p, 4)?,
        get_be32(p, 8)?
    )?;
    write!(c, "\n\t  Desired min Tx Interval:    {:4} ms", tx / 1000)?;
    write!(
        c,
        "\n\t  Required min Rx Interval:   {:4} ms",
        get_be32(p, 16)? / 1000
    )?;
    write!(
        c,
        "\n\t  Required min Echo Interval: {:4} ms",
        get_be32(p, 20)? / 1000
    )?;
    if flags & FLAG_AUTH != 0 {
        authentication(c, p)?;
    }
    Ok(())
}

/// The authentication section after the fixed header.
fn authentication(c: &mut Ctx<'_>, p: &[u8]) -> R {
    let at = HEADER_LEN;
    check(p, at, 3)?;
    let auth_type = get_u8(p, at)?;
    let auth_len = get_u8(p, at + 1)?;
    let name = match auth_type {
        1 => "Simple Password",
        2 => "Keyed MD5",
        3 => "Meticulous Keyed MD5",
        4 => "Keyed SHA1",
        5 => "Meticulous Keyed SHA1",
        _ => "Unknown",
    };
    write!(
        c,
        "\n\tAuthentication: {name} ({auth_type}), length: {auth_len}"
    )?;
    write!(c, "\n\t  Auth Key ID: {}", get_u8(p, at + 2)?)?;
    match auth_type {
        1 => {
            if !(4..=19).contains(&auth_len) {
                write!(c, "[invalid length {auth_len}]")?;
                return Ok(());
            }
            c.s(", Password: ")?;
            for i in 0..usize::from(auth_len - 3) {
                super::app::print_char(c, get_u8(p, at + 3 + i)?)?;
            }
        }
        2..=5 => {
            let (want, hash_len, label) = if auth_type <= 3 {
                (24, 16, "Digest")
            } else {
                (28, 20, "Hash")
            };
            if auth_len != want {
                write!(c, "[invalid length {auth_len}]")?;
                return Ok(());
            }
            write!(c, ", Sequence Number: 0x{:08x}", get_be32(p, at + 4)?)?;
            check(p, at + 8, hash_len)?;
            write!(c, "\n\t  {label}: ")?;
            for i in 0..hash_len {
                write!(c, "{:02x}", get_u8(p, at + 8 + i)?)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// tcpdump's `print_unknown_data` with `-v`: a hex dump of what was captured of `len` bytes.
fn unknown_data(c: &mut Ctx<'_>, p: &[u8], len: u32) -> R {
    if c.opts.verbose > 0 {
        let n = (len as usize).min(p.len());
        hexdump::write_hex_with(c.out, "\n\t", crate::wire::bytes::head(p, n))?;
    }
    Ok(())
}
