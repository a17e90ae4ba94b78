//! Hard limits on what a capture file may claim.
//!
//! Every length, count and size read from a file is checked against one of these before it is
//! used, and allocation is sized from these caps, never from a header field: a file that lies
//! about a length gets an error naming the offset, not an out-of-memory abort.
//!
//! | limit | value | libpcap 1.10 |
//! |---|---|---|
//! | [`MAXIMUM_SNAPLEN`](crate::linktype::MAXIMUM_SNAPLEN) | 262144 | `MAXIMUM_SNAPLEN` |
//! | per-link-type captured length | [`crate::Linktype::max_snaplen`] (≤ 128 MiB, D-Bus) | `max_snaplen_for_dlt` |
//! | [`MAX_BLOCK_LEN`] | 16 MiB, or a link type's maximum + 128 KiB when larger | `INITIAL_MAX_BLOCKSIZE`, `MAX_BLOCKSIZE_FOR_SNAPLEN` |
//! | [`MAX_INTERFACES`] | 65536 per section | none |
//! | [`MAX_RETAINED`] | 64 MiB of pcapng section, interface and statistics options kept per section | none |
//! | [`MAX_LOOKAHEAD`] | 16 MiB read ahead at open to find a pcapng file's first interface | none (reads the blocks) |
//! | [`READ_CHUNK`] | 256 KiB read from a stream at a time, at most (the buffer starts at 64 KiB) | `BUFSIZ` stdio |
//!
//! Memory held by a reader is therefore at most one read chunk or the largest single record
//! or block it has read, whichever is larger, plus per-interface state.

/// The largest pcapng block accepted when no interface needs more (libpcap's
/// `INITIAL_MAX_BLOCKSIZE`).
pub const MAX_BLOCK_LEN: u32 = 16 * 1024 * 1024;

/// Room a pcapng block needs beyond its packet data for headers and options (libpcap's
/// `MAX_BLOCKSIZE_FOR_SNAPLEN` adds the same).
pub const BLOCK_OVERHEAD: u32 = 131_072;

/// The most interfaces one pcapng section may describe.
pub const MAX_INTERFACES: usize = 65_536;

/// The most bytes of pcapng metadata (option lists of the section header, the interface
/// descriptions and the latest statistics) a reader keeps for one section.
pub const MAX_RETAINED: usize = 64 * 1024 * 1024;

/// How far a pcapng reader looks ahead at open for the first interface description (whose
/// link type and snapshot length libpcap reports from the start). Blocks are only peeked, not
/// consumed; beyond this the link type is known once the interface is read.
pub const MAX_LOOKAHEAD: usize = 16 * 1024 * 1024;

/// The most bytes read from a stream per `read()` call (the buffer starts at 64 KiB and doubles
/// up to this). Large enough that system calls cost little, small enough that the bytes one call
/// copies are still in the CPU's cache when they are parsed (1 MiB reads walk pcapng files
/// slower).
pub const READ_CHUNK: usize = 256 * 1024;

/// How far ahead of the reading position a memory-mapped file is prefetched.
#[cfg_attr(not(feature = "mmap"), allow(dead_code))]
pub(crate) const PREFETCH_AHEAD: usize = 4096;
