//! Porting check: the `pcap` crate's `iterprint` example (iterate over the default device with a
//! codec that keeps each packet, print them), built on ferrocap by the `extern crate` line.

// This package's lint table asks for more than the `pcap` example gives: lifetimes spelled
// out in paths (`Packet<'_>`) and `Debug` on every public type.
#![allow(elided_lifetimes_in_paths, missing_debug_implementations)]

extern crate ferrocap as pcap;

use pcap::{Capture, Device, Packet, PacketCodec, PacketHeader};
use std::error;

/// A packet that owns its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacketOwned {
    /// Time stamp and lengths.
    pub header: PacketHeader,
    /// The captured bytes.
    pub data: Box<[u8]>,
}

/// Turns borrowed packets into owned ones.
pub struct Codec;

impl PacketCodec for Codec {
    type Item = PacketOwned;

    fn decode(&mut self, packet: Packet) -> Self::Item {
        PacketOwned {
            header: *packet.header,
            data: packet.data.into(),
        }
    }
}

fn main() -> Result<(), Box<dyn error::Error>> {
    let device = Device::lookup()?.ok_or("there is no device to capture on")?;
    println!("Using device {}", device.name);

    let cap = Capture::from_device(device)?.immediate_mode(true).open()?;
    for packet in cap.iter(Codec) {
        let packet = packet?;
        println!("{packet:?}");
    }
    Ok(())
}
