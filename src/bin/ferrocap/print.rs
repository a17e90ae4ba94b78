//! Printing one line per packet, as tcpdump does.

use crate::args::Args;
use crate::timefmt::{TimePrinter, Zone};
use ferrocap::print::hexdump::HexMode;
use ferrocap::print::{self, Options};
use ferrocap::Packet;
use std::fmt::Write as _;

/// Formats packets into lines.
pub struct Printer {
    time: TimePrinter,
    number: bool,
    summary: print::Printer,
}

impl Printer {
    pub fn new(args: &Args) -> Printer {
        let mut opts = Options::default();
        opts.numeric = args.numeric > 0;
        opts.link_header = args.link_header;
        opts.quick = args.quick;
        opts.verbose = args.verbose;
        opts.hex = match (args.hex, args.ascii > 0) {
            (0, _) => HexMode::Off,
            (1, false) => HexMode::Hex,
            (_, false) => HexMode::HexWithLink,
            (1, true) => HexMode::HexAscii,
            (_, true) => HexMode::HexAsciiWithLink,
        };
        Printer {
            time: TimePrinter::new(args.time, args.nano, Zone::local()),
            number: args.number,
            summary: print::Printer::new(opts),
        }
    }

    /// Appends the line for packet number `n` (from 1), newline included.
    pub fn format(&mut self, out: &mut String, n: u64, packet: &Packet<'_>) {
        if self.number {
            let _ = write!(out, "{n:5}  ");
        }
        // tcpdump prints no time stamp before an invalid header's line.
        if print::header_is_valid(packet.header.caplen, packet.header.len) {
            self.time.write(out, packet.header.ts);
        }
        let _ = self.summary.write_packet(
            out,
            packet.header.linktype(),
            packet.data,
            packet.header.len,
        );
        out.push('\n');
    }
}
