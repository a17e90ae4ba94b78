//! Fuzz body for the tcpdump-style printer ([`print`](mod@crate::print)).

use crate::linktype::Linktype;
use crate::print::hexdump::HexMode;
use crate::print::{Options, Printer};

/// The link types the first input byte chooses from: every one the printer decodes, and one it
/// does not.
const LINKTYPES: [Linktype; 12] = [
    Linktype::EN10MB,
    Linktype::LINUX_SLL,
    Linktype::LINUX_SLL2,
    Linktype::NULL,
    Linktype::LOOP,
    Linktype::RAW,
    Linktype::IPV4,
    Linktype::IPV6,
    Linktype::NFLOG,
    Linktype(147),
    Linktype::PPP,
    Linktype::C_HDLC,
];

/// Prints `data[2..]` as one packet. `data[0]` picks the link type (low bits) and whether the
/// packet was cut short by the snapshot length (high bit); `data[1]` holds the options
/// (numeric, `-e`, `-q`, `-v` level, `-S`, the hex dump). Every packet is printed twice by the
/// same printer so that remembered TCP conversations are exercised too. Must never panic.
pub fn wire_summary(data: &[u8]) {
    let [sel, flags, packet @ ..] = data else {
        return;
    };
    let lt = LINKTYPES
        .get(usize::from(sel & 0x7f) % LINKTYPES.len())
        .copied()
        .unwrap_or(Linktype::EN10MB);
    let opts = Options {
        numeric: flags & 0x01 != 0,
        link_header: flags & 0x02 != 0,
        quick: flags & 0x04 != 0,
        verbose: (flags >> 3) & 0x03,
        absolute_seq: flags & 0x20 != 0,
        hex: match flags >> 6 {
            0 => HexMode::Off,
            1 => HexMode::Hex,
            2 => HexMode::HexAscii,
            _ => HexMode::HexAsciiWithLink,
        },
    };
    let caplen = u32::try_from(packet.len()).unwrap_or(u32::MAX);
    let wire_len = if sel & 0x80 != 0 {
        caplen.saturating_add(1000)
    } else {
        caplen
    };
    let mut printer = Printer::new(opts);
    let mut out = String::new();
    for _ in 0..2 {
        out.clear();
        // Writing into a String cannot fail.
        let _ = printer.write_packet(&mut out, lt, packet, wire_len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_odd_inputs() {
        wire_summary(&[]);
        wire_summary(&[0]);
        wire_summary(&[0, 0]);
        for sel in 0..=255u8 {
            for flags in [0u8, 0x3f, 0xff] {
                wire_summary(&[sel, flags, 0x45, 0x00, 0x00, 0x14]);
                wire_summary(&[sel, flags, 0x60, 0, 0, 0, 0, 8, 6, 64]);
            }
        }
    }
}
