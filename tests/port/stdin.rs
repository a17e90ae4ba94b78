//! Porting check: the `pcap` crate's `stdin` example (read a capture piped into standard
//! input, print each packet), written against the `pcap` API and built on ferrocap by the one
//! `extern crate` line below. `tests/it/port.rs` pipes a capture into it.
//!
//! Besides that line, only this crate's own lint table needs a word: it denies `unsafe` for
//! everything in the package, and the `pcap` API's `from_raw_fd` is `unsafe`.
#![allow(unsafe_code)]

extern crate ferrocap as pcap;

use pcap::{Capture, Packet, PacketCodec, PacketHeader};
use std::io;
use std::os::unix::io::AsRawFd;

/// A packet that owns its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Kept {
    header: PacketHeader,
    data: Box<[u8]>,
}

/// Keeps every packet.
struct Keep;

impl PacketCodec for Keep {
    type Item = Kept;

    fn decode(&mut self, packet: Packet<'_>) -> Kept {
        Kept {
            header: *packet.header,
            data: packet.data.into(),
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let stdin = io::stdin();
    // SAFETY: standard input stays open for the life of the process and nothing else here
    // reads it; the capture owns it from now on.
    let cap = unsafe { Capture::from_raw_fd(stdin.as_raw_fd())? };
    for packet in cap.iter(Keep) {
        let packet = packet?;
        println!("{packet:?}");
    }
    Ok(())
}
