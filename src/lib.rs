//! # ferrocap: packet capture without libpcap
//!
//! Reading and writing pcap and pcapng files, classic BPF, and (on Linux) live capture, in Rust
//! with no C library underneath: a program built on ferrocap links statically (musl included),
//! runs where libpcap is not installed, and parses hostile capture files without crashing.
//!
//! ```
//! use ferrocap::Capture;
//!
//! let mut cap = Capture::from_file("tests/data/sample.pcap")?;
//! // `Ok(None)` is the end of the file; a corrupt record is an `Err` (after every packet
//! // before it), which `?` passes on instead of ending the loop as if the file had ended.
//! while let Some(packet) = cap.next()? {
//!     println!("{} {} bytes", packet.header.ts, packet.header.len);
//! }
//! # Ok::<(), ferrocap::Error>(())
//! ```
//!
//! The `pcap` crate's `next_packet` is here too, with its error for the end of a file
//! (`Err(Error::NoMorePackets)`); [`capture`] shows how to tell that end from an error.
//!
//! ## Architecture
//!
//! | module | what it owns | uses |
//! |---|---|---|
//! | [`linktype`], [`packet`] | the core types: [`Linktype`], [`Timestamp`], [`PacketHeader`], [`Packet`], [`OwnedPacket`] | — |
//! | [`source`] | [`PacketSource`], the lending `next()` every source implements | `packet` |
//! | [`file`](mod@file) | pcap and pcapng readers ([`file::Reader`] detects which) and writers | `packet`, `linktype` |
//! | [`wire`] | typed, panic-free views over packet bytes; per-link-type header layouts; name ↔ number tables (shared by `print` and `filter`) | `linktype` |
//! | [`print`](mod@print) | tcpdump's one-line packet summaries and hex dumps, reading headers through `wire` | `wire`, `packet`, `linktype` |
//! | [`bpf`] | classic BPF: instructions, validator, interpreter, tcpdump listings | `packet` |
//! | [`filter`] | the pcap-filter language compiled to BPF | `bpf`, `linktype` |
//! | [`live`] | Linux AF_PACKET capture | `packet`, `bpf` |
//! | [`netdb`] | name lookups for filters: `/etc` name files and the system resolver | `filter` |
//! | [`capture`] | [`Capture`], the `pcap`-crate-shaped front door | all of the above |
//!
//! Dependencies point down the table and never sideways: `file` knows nothing of BPF (to filter
//! a file, run a program per packet), `live` takes validated programs, not filter strings.
//!
//! ## Input safety
//!
//! Every length read from a file is checked against the caps in [`file::limits`] before it is
//! used or allocated; no input makes a reader panic, loop without consuming, or allocate more
//! than those caps. The parsers are fuzzed (`fuzz/`). `unsafe` code is denied crate-wide and
//! allowed only where a system interface requires it (memory-mapping a file), each block with
//! a `SAFETY` comment.
//!
//! ## Errors
//!
//! One error type per subsystem ([`file::Error`], …), each with its context (byte offset,
//! block type, instruction index), folded into [`Error`].
//!
//! ## Features
//!
//! - `mmap` (default): `file::Reader::open_with(path, true)` memory-maps a file nobody changes
//!   while it is read (opt-in; files are read with `read()` otherwise).

pub mod bpf;
pub mod capture;
mod error;
pub mod file;
pub mod filter;
#[doc(hidden)]
pub mod fuzzing;
pub mod linktype;
pub mod live;
pub mod netdb;
pub mod packet;
pub mod print;
pub mod source;
pub mod wire;

pub use capture::{
    Activated, Active, BpfProgram, BreakLoop, Capture, Dead, Inactive, Offline, PacketCodec,
    PacketIter, Packets, Savefile, State,
};
pub use error::{Error, Result};
pub use linktype::Linktype;
pub use live::{Device, Stat, TimestampType, BLOCK_FOREVER};
pub use packet::{Direction, OwnedPacket, Packet, PacketHeader, Precision, Timestamp};
pub use source::PacketSource;

/// The version of this library, e.g. `"ferrocap 0.1.0"` (gopacket's `Version`, libpcap's
/// `pcap_lib_version`).
pub fn lib_version() -> &'static str {
    concat!("ferrocap ", env!("CARGO_PKG_VERSION"))
}
