//! Telnet commands and option negotiation at the start of a segment (tcpdump's
//! `telnet_print`): ` [telnet WILL ECHO, DO NAWS, SB TERMINAL TYPE SEND SE]`.

use super::{get_u8, Ctx, R};
use std::fmt;

const IAC: u8 = 255;
const SE: u8 = 240;
const SB: u8 = 250;
const WILL: u8 = 251;
const DONT: u8 = 254;
/// The first command code tcpdump names (`EOF`).
const FIRST_CMD: u8 = 236;

/// Command names from `EOF` (236) to `IAC` (255).
const COMMANDS: [&str; 20] = [
    "EOF", "SUSP", "ABORT", "EOR", "SE", "NOP", "DMARK", "BRK", "IP", "AO", "AYT", "EC", "EL",
    "GA", "SB", "WILL", "WONT", "DO", "DONT", "IAC",
];

/// Option names (RFC 855 and successors), by option code.
const OPTIONS: [&str; 40] = [
    "BINARY",
    "ECHO",
    "RCP",
    "SUPPRESS GO AHEAD",
    "NAME",
    "STATUS",
    "TIMING MARK",
    "RCTE",
    "NAOL",
    "NAOP",
    "NAOCRD",
    "NAOHTS",
    "NAOHTD",
    "NAOFFD",
    "NAOVTS",
    "NAOVTD",
    "NAOLFD",
    "EXTEND ASCII",
    "LOGOUT",
    "BYTE MACRO",
    "DATA ENTRY TERMINAL",
    "SUPDUP",
    "SUPDUP OUTPUT",
    "SEND LOCATION",
    "TERMINAL TYPE",
    "END OF RECORD",
    "TACACS UID",
    "OUTPUT MARKING",
    "TTYLOC",
    "3270 REGIME",
    "X.3 PAD",
    "NAWS",
    "TSPEED",
    "LFLOW",
    "LINEMODE",
    "XDISPLOC",
    "OLD-ENVIRON",
    "AUTHENTICATION",
    "ENCRYPT",
    "NEW-ENVIRON",
];

const OPT_AUTHENTICATION: u8 = 37;
const OPT_ENCRYPT: u8 = 38;

/// Subnegotiation commands of most options.
const SUB_COMMANDS: &[Option<&str>] = &[Some("IS"), Some("SEND"), Some("INFO")];
/// Subnegotiation commands of the authentication option (RFC 2941).
const AUTH_COMMANDS: &[Option<&str>] = &[Some("IS"), Some("SEND"), Some("REPLY"), Some("NAME")];
/// Authentication types (RFC 2941).
const AUTH_TYPES: &[Option<&str>] = &[
    Some("NULL"),
    Some("KERBEROS_V4"),
    Some("KERBEROS_V5"),
    Some("SPX"),
    Some("MINK"),
    Some("SRP"),
    Some("RSA"),
    Some("SSL"),
    None,
    None,
    Some("LOKI"),
    Some("SSA"),
    Some("KEA_SJ"),
    Some("KEA_SJ_INTEG"),
    Some("DSS"),
    Some("NTLM"),
];
/// Subnegotiation commands of the encryption option (RFC 2946).
const ENC_COMMANDS: &[Option<&str>] = &[
    Some("IS"),
    Some("SUPPORT"),
    Some("REPLY"),
    Some("START"),
    Some("END"),
    Some("REQUEST-START"),
    Some("REQUEST-END"),
    Some("END_KEYID"),
    Some("DEC_KEYID"),
];
/// Encryption types (RFC 2946).
const ENC_TYPES: &[Option<&str>] = &[
    Some("NULL"),
    Some("DES_CFB64"),
    Some("DES_OFB64"),
    Some("DES3_CFB64"),
    Some("DES3_OFB64"),
    None,
    Some("CAST5_40_CFB64"),
    Some("CAST5_40_OFB64"),
    Some("CAST128_CFB64"),
    Some("CAST128_OFB64"),
];

/// C's `%#x`: `0x1f`, but `0` for zero.
struct AltHex(u8);

impl fmt::Display for AltHex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            f.write_str("0")
        } else {
            write!(f, "{:#x}", self.0)
        }
    }
}

/// A name from `table`, or the number as `%#x`.
fn name_or_number(table: &[Option<&'static str>], v: u8) -> NameOr {
    match table.get(usize::from(v)).copied().flatten() {
        Some(n) => NameOr::Name(n),
        None => NameOr::Number(AltHex(v)),
    }
}

enum NameOr {
    Name(&'static str),
    Number(AltHex),
}

impl fmt::Display for NameOr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameOr::Name(n) => f.write_str(n),
            NameOr::Number(x) => x.fmt(f),
        }
    }
}

/// The commands at the start of a Telnet segment, `length` bytes long (`p` holds what was
/// captured of them). Prints nothing when the segment does not start with one.
pub(super) fn telnet(c: &mut Ctx<'_>, p: &[u8], length: u32) -> R {
    c.proto = "telnet";
    let mut at = 0usize;
    let mut length = length as usize;
    let mut first = true;
    while length > 0 && get_u8(p, at)? == IAC {
        // A first pass finds whether the command is complete; only then is it printed.
        let Some(n) = command(c, p, at, length, false)? else {
            break;
        };
        c.s(if first { " [telnet " } else { ", " })?;
        command(c, p, at, length, true)?;
        first = false;
        at += n;
        // A subnegotiation's closing IAC SE may lie past the end: tcpdump's unsigned length
        // then wraps, and the next read goes past the captured bytes.
        length = length.wrapping_sub(n);
    }
    if !first {
        c.s("]")?;
    }
    Ok(())
}

/// One command from `start` (tcpdump's `telnet_parse`): its length, or `None` when it is
/// incomplete or not a command. Prints it when `print` is set.
fn command(
    c: &mut Ctx<'_>,
    p: &[u8],
    start: usize,
    mut length: usize,
    print: bool,
) -> R<Option<usize>> {
    let mut sp = start;
    macro_rules! fetch {
        () => {{
            if length < 1 {
                return Ok(None);
            }
            let v = get_u8(p, sp)?;
            sp += 1;
            length -= 1;
            v
        }};
    }
    macro_rules! out {
        ($($arg:tt)*) => {
            if print {
                write!(c, $($arg)*)?;
            }
        };
    }
    if fetch!() != IAC {
        return Ok(None);
    }
    let cmd = fetch!();
    if cmd == IAC {
        out!("IAC IAC");
        return Ok(Some(sp - start));
    }
    let Some(cmd_name) = cmd
        .checked_sub(FIRST_CMD)
        .and_then(|i| COMMANDS.get(usize::from(i)))
    else {
        return Ok(None);
    };
    if !(cmd == SB || (WILL..=DONT).contains(&cmd)) {
        out!("{cmd_name}");
        return Ok(Some(sp - start));
    }
    let opt = fetch!();
    match OPTIONS.get(usize::from(opt)) {
        Some(o) => out!("{cmd_name} {o}"),
        None => out!("{cmd_name} {}", AltHex(opt)),
    }
    if cmd != SB {
        return Ok(Some(sp - start));
    }
    // The subnegotiation runs to IAC SE (or to the end, where an IAC must be).
    let mut end = sp;
    while length > end + 1 - sp {
        if get_u8(p, end)? == IAC && get_u8(p, end + 1)? == SE {
            break;
        }
        end += 1;
    }
    if get_u8(p, end)? != IAC {
        return Ok(None);
    }
    let (first, second) = match opt {
        OPT_AUTHENTICATION => (AUTH_COMMANDS, Some(AUTH_TYPES)),
        OPT_ENCRYPT => (ENC_COMMANDS, Some(ENC_TYPES)),
        _ => (SUB_COMMANDS, None),
    };
    if end > sp {
        let v = fetch!();
        out!(" {}", name_or_number(first, v));
        if let Some(second) = second {
            if end > sp {
                let v = fetch!();
                out!(" {}", name_or_number(second, v));
            }
        }
    }
    while end > sp {
        let v = fetch!();
        out!(" {}", AltHex(v));
    }
    out!(" SE");
    Ok(Some(sp + 2 - start))
}
