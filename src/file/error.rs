//! [`Error`]: what was wrong with a capture file, and where.

use std::fmt;
use std::io;

/// A capture file could not be read (or written) further.
///
/// Carries what was wrong ([`Error::kind`]) and, when the error belongs to a place in the
/// input or output, the byte offset where the offending record, block or header starts
/// ([`Error::offset`]). Every packet before that offset has already been delivered.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    offset: Option<u64>,
}

impl Error {
    /// An error of this kind at this byte offset.
    pub fn new(kind: ErrorKind, offset: u64) -> Error {
        Error {
            kind,
            offset: Some(offset),
        }
    }

    /// An error that belongs to no place in the file (an I/O error before any byte was read,
    /// say).
    pub fn without_offset(kind: ErrorKind) -> Error {
        Error { kind, offset: None }
    }

    /// What was wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// What was wrong, by value.
    pub fn into_kind(self) -> ErrorKind {
        self.kind
    }

    /// Byte offset in the input (or output) of the start of the header, record or block that
    /// was wrong; `None` when the error has no place in the file.
    pub fn offset(&self) -> Option<u64> {
        self.offset
    }

    /// Whether the input simply ended too soon (a file cut short, e.g. still being written).
    pub fn is_truncation(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::TruncatedFileHeader { .. }
                | ErrorKind::TruncatedRecordHeader { .. }
                | ErrorKind::TruncatedRecord { .. }
                | ErrorKind::TruncatedBlock { .. }
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Some(at) => write!(f, "{} at byte {at}", self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// A pcapng block type, shown by name in messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BlockType(pub u32);

impl fmt::Display for BlockType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.0 {
            0x0A0D_0D0A => "section header",
            0x0000_0001 => "interface description",
            0x0000_0002 => "packet",
            0x0000_0003 => "simple packet",
            0x0000_0004 => "name resolution",
            0x0000_0005 => "interface statistics",
            0x0000_0006 => "enhanced packet",
            0x0000_000A => "decryption secrets",
            0x0000_0BAD | 0x4000_0BAD => "custom",
            _ => return write!(f, "type 0x{:08x}", self.0),
        };
        write!(f, "{name}")
    }
}

/// What was wrong with a capture file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing the underlying file or stream failed.
    #[error("I/O error: {0}")]
    Io(#[source] io::Error),
    /// The first four bytes are neither a pcap nor a pcapng magic number.
    #[error("unknown file format (first bytes {0:02x?})")]
    UnknownFormat([u8; 4]),
    /// The input ended inside the file header (or the first section header).
    #[error("truncated file header: needed {needed} bytes, got {got}")]
    TruncatedFileHeader {
        /// Bytes the header needs.
        needed: u64,
        /// Bytes there were.
        got: u64,
    },
    /// A pcap header version libpcap does not read (below 2.0, or above 2.4 except 543.0).
    #[error("unsupported pcap savefile version {major}.{minor}")]
    UnsupportedVersion {
        /// Major version.
        major: u16,
        /// Minor version.
        minor: u16,
    },
    /// The input ended inside a record header.
    #[error("truncated record header: needed {needed} bytes, got {got}")]
    TruncatedRecordHeader {
        /// Bytes the header needs.
        needed: u64,
        /// Bytes there were.
        got: u64,
    },
    /// The input ended inside a record's packet data.
    #[error("truncated record: needed {needed} bytes of packet data, got {got}")]
    TruncatedRecord {
        /// Bytes of packet data the record header announced.
        needed: u64,
        /// Bytes there were.
        got: u64,
    },
    /// A record claims more captured bytes than the link type allows.
    #[error("invalid packet capture length {caplen}, bigger than maximum of {max}")]
    CaplenTooLarge {
        /// The captured length in the record.
        caplen: u32,
        /// The largest one accepted (see [`crate::file::limits`]).
        max: u32,
    },
    /// The input ended inside a pcapng block.
    #[error("truncated {block} block: needed {needed} bytes, got {got}")]
    TruncatedBlock {
        /// The block's type.
        block: BlockType,
        /// Bytes the block needs.
        needed: u64,
        /// Bytes there were.
        got: u64,
    },
    /// A pcapng block length that cannot be right (too small, not a multiple of 4, or larger
    /// than the documented cap).
    #[error("{block} block has an invalid length {len}: {reason}")]
    BadBlockLength {
        /// The block's type.
        block: BlockType,
        /// The length it claims.
        len: u64,
        /// Why it was refused.
        reason: &'static str,
    },
    /// The length at the end of a pcapng block differs from the one at its start.
    #[error("{block} block length {leading} does not match its trailing length {trailing}")]
    TrailerMismatch {
        /// The block's type.
        block: BlockType,
        /// Length at the start.
        leading: u32,
        /// Length at the end.
        trailing: u32,
    },
    /// A pcapng section header whose byte-order magic is neither order.
    #[error("section header has an invalid byte-order magic 0x{0:08x}")]
    BadByteOrderMagic(u32),
    /// A pcapng section version this reader does not understand (only 1.x is defined).
    #[error("unsupported pcapng section version {major}.{minor}")]
    UnsupportedSectionVersion {
        /// Major version.
        major: u16,
        /// Minor version.
        minor: u16,
    },
    /// A pcapng packet block names an interface the section has not described.
    #[error("packet for interface {id}, but the section has {count} interfaces")]
    UnknownInterface {
        /// The interface id in the block.
        id: u32,
        /// Interfaces described so far in the section.
        count: u32,
    },
    /// A pcapng block whose body does not parse.
    #[error("malformed {block} block: {what}")]
    Malformed {
        /// The block's type.
        block: BlockType,
        /// What was wrong.
        what: &'static str,
    },
    /// More of something than [`crate::file::limits`] allows.
    #[error("too many {what} (limit {limit})")]
    LimitExceeded {
        /// What there were too many of.
        what: &'static str,
        /// The limit.
        limit: u64,
    },
    /// A value that cannot be written in the output format.
    #[error("cannot write: {0}")]
    Unwritable(&'static str),
}

impl From<io::Error> for ErrorKind {
    fn from(e: io::Error) -> Self {
        ErrorKind::Io(e)
    }
}
