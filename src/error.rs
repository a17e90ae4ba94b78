//! The crate's [`Error`]: one variant per subsystem, each carrying its own context.

use std::io;
use std::path::PathBuf;

/// Any error from ferrocap.
///
/// Each subsystem has its own error type with the context that matters there (a byte offset in
/// a file, an instruction index in a BPF program, …); they fold into this one through `From`, so
/// `?` works across subsystems while `match` can still reach the details. The enum is
/// `#[non_exhaustive]`: the filter compiler and live capture add their own variants.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be opened or created: which one, and what the system said.
    #[error("{}: {source}", path.display())]
    Open {
        /// The path given.
        path: PathBuf,
        /// Why it failed.
        #[source]
        source: io::Error,
    },
    /// A capture file could not be read or written: what was wrong and, where it has one, the
    /// byte offset.
    #[error(transparent)]
    File(#[from] crate::file::Error),
    /// A savefile cannot be appended to (see
    /// [`Capture::savefile_append`](crate::Capture::savefile_append)).
    #[error("{}: cannot append: {reason}", path.display())]
    Append {
        /// The file.
        path: PathBuf,
        /// Why not.
        reason: String,
    },
    /// A BPF program failed validation.
    #[error(transparent)]
    Bpf(#[from] crate::bpf::ValidateError),
    /// A BPF listing (`tcpdump -dd` / `-ddd` text) could not be read.
    #[error(transparent)]
    BpfListing(#[from] crate::bpf::ParseError),
    /// An I/O error outside file parsing (writing standard output, say).
    #[error("I/O error: {0}")]
    Io(#[from] io::Error),
    /// No more packets: the end of a file (only from the `pcap`-crate-style
    /// [`Capture::next_packet`](crate::Capture::next_packet);
    /// [`Capture::next`](crate::Capture::next) and [`PacketSource::next`](crate::PacketSource::next)
    /// return `Ok(None)`).
    #[error("no more packets")]
    NoMorePackets,
    /// A live read waited for the capture's timeout and no packet came (only from
    /// [`Capture::next_packet`](crate::Capture::next_packet); [`Capture::next`](crate::Capture::next)
    /// returns `Ok(None)`).
    #[error("timeout expired")]
    TimeoutExpired,
    /// A read was stopped by a break handle from another thread (libpcap's `pcap_breakloop`).
    #[error("capture stopped by a break request")]
    Break,
}

/// `Result` with ferrocap's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
