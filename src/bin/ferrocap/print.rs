//! Printing one line per packet, as tcpdump does.

use crate::args::Args;
use crate::timefmt::{TimePrinter, Zone};
use ferrocap::Packet;
use std::fmt::Write as _;

/// Formats packets into lines.
pub struct Printer {
    time: TimePrinter,
    number: bool,
}

impl Printer {
    pub fn new(args: &Args) -> Printer {
        Printer {
            time: TimePrinter::new(args.time, args.nano, Zone::local()),
            number: args.number,
        }
    }

    /// Appends the line for packet number `n` (from 1), newline included.
    pub fn format(&mut self, out: &mut String, n: u64, packet: &Packet<'_>) {
        if self.number {
            let _ = write!(out, "{n:5}  ");
        }
        self.time.write(out, packet.header.ts);
        let _ = writeln!(
            out,
            "{}, length {}",
            packet.header.linktype(),
            packet.header.len
        );
    }
}
