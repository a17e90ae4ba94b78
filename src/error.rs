//! The crate's [`Error`]: one variant per subsystem, each carrying its own context.

use std::io;

/// Any error from ferrocap.
///
/// Each subsystem has its own error type with the context that matters there (a byte offset in
/// a file, an instruction index in a BPF program, …); they fold into this one through `From`, so
/// `?` works across subsystems while `match` can still reach the details.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A capture file could not be read or written.
    #[error(transparent)]
    File(#[from] crate::file::Error),
    /// A BPF program failed validation.
    #[error(transparent)]
    Bpf(#[from] crate::bpf::ValidateError),
    /// Live capture failed (see [`live::Error`](crate::live::Error) for the matchable kinds).
    #[error(transparent)]
    Live(#[from] crate::live::Error),
    /// An I/O error outside file parsing (opening an output, say).
    #[error("I/O error: {0}")]
    Io(#[from] io::Error),
    /// No more packets: the end of a file (only from the `pcap`-crate-style
    /// [`Capture::next_packet`](crate::Capture::next_packet); [`PacketSource::next`](crate::PacketSource::next) returns `Ok(None)`).
    #[error("no more packets")]
    NoMorePackets,
}

/// `Result` with ferrocap's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
