//! Capture files: pcap and pcapng, read and written.
//!
//! [`Reader`] sniffs the first bytes and reads either format from a path (with `read()`, safe
//! against files that change while read; memory-mapped on request), from bytes in memory, or
//! from any [`std::io::Read`] — stdin and pipes included — with bounded memory. [`pcap`] and [`pcapng`] hold the format-specific readers and
//! writers.
//!
//! # Fidelity
//!
//! The readers hand over exactly what libpcap 1.10 hands over (time stamps to the nanosecond,
//! lengths, bytes), including libpcap's adjustments of odd files: snapshot lengths of 0,
//! records longer than the snapshot length (cut to it), pre-2.4 header versions, legacy link-type
//! values, and the byte-order fix-ups of pseudo-headers (`pcap_post_process`). Where ferrocap
//! deliberately reads more than libpcap (pcapng files with several link types, snapshot lengths
//! or sections of either byte order; unsigned 32-bit pcap time stamps), the format modules say
//! so.
//!
//! # Hostile input
//!
//! Parsing never panics, never loops without consuming input, and never allocates from a
//! length it has not checked against [`limits`]. A bad record yields an [`Error`] naming what
//! was wrong and the byte offset where its record or block starts; every packet before it has
//! been delivered, and later calls return `Ok(None)`.

// Parsers of hostile bytes: no indexing that can panic, no unwrap (tests excepted).
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

mod error;
mod fixup;
pub(crate) mod input;
pub mod limits;
#[cfg(feature = "mmap")]
mod mmap;
mod output;
pub mod pcap;
pub mod pcapng;

pub use error::{BlockType, Error, ErrorKind};

use crate::linktype::Linktype;
use crate::packet::{Packet, Precision};
use crate::source::PacketSource;
use input::{Input, Memory, Short};
use std::io::Read;
use std::ops::ControlFlow;
use std::path::Path;

/// Byte order of a file or a section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endianness {
    /// Least significant byte first.
    Little,
    /// Most significant byte first.
    Big,
}

impl Endianness {
    /// This host's byte order.
    pub const NATIVE: Endianness = if cfg!(target_endian = "big") {
        Endianness::Big
    } else {
        Endianness::Little
    };

    #[inline]
    pub(crate) fn u16(self, b: [u8; 2]) -> u16 {
        match self {
            Endianness::Little => u16::from_le_bytes(b),
            Endianness::Big => u16::from_be_bytes(b),
        }
    }

    #[inline]
    pub(crate) fn u32(self, b: [u8; 4]) -> u32 {
        match self {
            Endianness::Little => u32::from_le_bytes(b),
            Endianness::Big => u32::from_be_bytes(b),
        }
    }

    #[inline]
    pub(crate) fn u64(self, b: [u8; 8]) -> u64 {
        match self {
            Endianness::Little => u64::from_le_bytes(b),
            Endianness::Big => u64::from_be_bytes(b),
        }
    }

    #[inline]
    pub(crate) fn put_u16(self, v: u16) -> [u8; 2] {
        match self {
            Endianness::Little => v.to_le_bytes(),
            Endianness::Big => v.to_be_bytes(),
        }
    }

    #[inline]
    pub(crate) fn put_u32(self, v: u32) -> [u8; 4] {
        match self {
            Endianness::Little => v.to_le_bytes(),
            Endianness::Big => v.to_be_bytes(),
        }
    }

    #[inline]
    pub(crate) fn put_u64(self, v: u64) -> [u8; 8] {
        match self {
            Endianness::Little => v.to_le_bytes(),
            Endianness::Big => v.to_be_bytes(),
        }
    }
}

/// Which file format a [`Reader`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Classic pcap.
    Pcap,
    /// pcapng.
    Pcapng,
}

/// The first four bytes of a pcapng file (a section header block's type).
const PCAPNG_MAGIC: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];

/// Either format, detected from the first four bytes.
pub struct Reader<R> {
    inner: Inner<R>,
}

#[allow(clippy::large_enum_variant)] // One per open file; a box would cost an indirection per packet.
enum Inner<R> {
    Pcap(pcap::Reader<R>),
    Pcapng(pcapng::Reader<R>),
}

impl<R> std::fmt::Debug for Reader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let format = match self.inner {
            Inner::Pcap(_) => Format::Pcap,
            Inner::Pcapng(_) => Format::Pcapng,
        };
        f.debug_struct("Reader")
            .field("format", &format)
            .finish_non_exhaustive()
    }
}

impl Reader<std::fs::File> {
    /// Opens a capture file by path and reads it with `read()`, in large chunks into one
    /// reused buffer.
    ///
    /// # Files that change while they are read
    ///
    /// Nothing another process does to the file can end this one. A file that grows (a
    /// `tcpdump -w` still running, a rotating capture) is read on to the end it has when the
    /// reader gets there; a record only partly written by then ends the file with a
    /// [`TruncatedRecord`](ErrorKind::TruncatedRecord) or
    /// [`TruncatedBlock`](ErrorKind::TruncatedBlock) error at its offset. A file cut short
    /// gives the packets before the cut, then the end (at a record boundary) or such an error.
    /// A file rewritten in place gives the bytes found when they are read: other packets, or a
    /// format error, never a crash. Every packet before an error has been delivered.
    pub fn open(path: impl AsRef<Path>) -> Result<Reader<std::fs::File>, Error> {
        Reader::open_with(path, false)
    }

    /// Opens a capture file by path, memory-mapping it if `map` is true (and the `mmap`
    /// feature is on, and the file is a regular file, else it is read as [`Reader::open`]
    /// reads it).
    ///
    /// # Hazard of `map = true`
    ///
    /// A memory-mapped file must not be changed by anyone while it is mapped. If another
    /// process truncates it, reading a page past the new end raises `SIGBUS` and **ends the
    /// process**; if another process writes to it, the bytes seen may change between two reads
    /// (undefined behaviour as far as Rust's rules for `&[u8]` are concerned, see memmap2's
    /// `Mmap` documentation). A file that grows is read only up to its size at open. Map only
    /// files nobody else writes: finished captures you own. Mapping saves the `read()` copy,
    /// which [`Reader::open`] pays; on a hot page cache that is typically a few tens of
    /// percent of the time to walk a file.
    pub fn open_with(path: impl AsRef<Path>, map: bool) -> Result<Reader<std::fs::File>, Error> {
        let file =
            std::fs::File::open(path).map_err(|e| Error::without_offset(ErrorKind::Io(e)))?;
        if map {
            if let Some(r) = Reader::try_map(&file) {
                return r;
            }
        }
        Reader::from_file(file, |f| f)
    }
}

impl Reader<std::io::Empty> {
    /// Reads either format from bytes in memory.
    ///
    /// No copy is made and no stream is involved (the type parameter is `std::io::Empty`).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Reader<std::io::Empty>, Error> {
        Reader::from_vec(bytes)
    }
}

/// Capture files are packet sources; [`Reader::next`] with the crate's error.
impl<R: Read> PacketSource for Reader<R> {
    #[inline]
    fn next(&mut self) -> crate::Result<Option<Packet<'_>>> {
        Ok(Reader::next(self)?)
    }
}

impl<R: Read> Reader<R> {
    /// Reads either format from a stream.
    pub fn new(reader: R) -> Result<Reader<R>, Error> {
        Reader::from_input(Input::from_reader(reader))
    }

    /// Reads an open file the way [`Reader::open`] does (with `read()`: nothing done to the
    /// file can crash the reader), handing the stream to the reader as `wrap(file)` (so that a
    /// caller can erase its type, e.g. into a `Box<dyn Read>`).
    pub(crate) fn from_file(
        file: std::fs::File,
        wrap: impl FnOnce(std::fs::File) -> R,
    ) -> Result<Reader<R>, Error> {
        Reader::new(wrap(file))
    }

    /// Memory-maps `file` and reads it, or `None` when it cannot be mapped (not a regular file,
    /// empty, mapping failed, or the `mmap` feature is off). See [`Reader::open_with`] for the
    /// hazard: only for files nobody changes while they are read.
    pub(crate) fn try_map(file: &std::fs::File) -> Option<Result<Reader<R>, Error>> {
        #[cfg(feature = "mmap")]
        {
            mmap::map(file).map(|m| Reader::from_input(Input::from_memory(Memory::Map(m))))
        }
        #[cfg(not(feature = "mmap"))]
        {
            let _ = file;
            None
        }
    }

    /// A reader over bytes in memory, for any stream type (see [`Reader::from_bytes`]).
    pub(crate) fn from_vec(bytes: Vec<u8>) -> Result<Reader<R>, Error> {
        Reader::from_input(Input::from_memory(Memory::Vec(bytes)))
    }

    fn from_input(mut input: Input<R>) -> Result<Reader<R>, Error> {
        let magic: [u8; 4] = match input.peek(4) {
            Ok(m) => m.try_into().unwrap_or([0; 4]),
            Err(Short::Eof { got }) => {
                let kind = ErrorKind::TruncatedFileHeader {
                    needed: 4,
                    got: got as u64,
                };
                return Err(Error::new(kind, 0));
            }
            Err(Short::Io(e)) => return Err(Error::without_offset(ErrorKind::Io(e))),
        };
        let inner = if magic == PCAPNG_MAGIC {
            Inner::Pcapng(pcapng::Reader::from_input(input)?)
        } else {
            let as_le = u32::from_le_bytes(magic);
            let is_pcap = [pcap::MAGIC_MICRO, pcap::MAGIC_NANO, pcap::MAGIC_MODIFIED]
                .iter()
                .any(|&m| m == as_le || m == as_le.swap_bytes());
            if !is_pcap {
                return Err(Error::new(ErrorKind::UnknownFormat(magic), 0));
            }
            Inner::Pcap(pcap::Reader::from_input(input)?)
        };
        Ok(Reader { inner })
    }

    /// The next packet; `Ok(None)` at the end of the input. After an error, `Ok(None)`.
    #[allow(clippy::should_implement_trait)]
    #[inline]
    pub fn next(&mut self) -> Result<Option<Packet<'_>>, Error> {
        match &mut self.inner {
            Inner::Pcap(r) => r.next(),
            Inner::Pcapng(r) => r.next(),
        }
    }

    /// The next packet for which `keep` returns true; `Ok(None)` at the end of the input.
    ///
    /// `keep` sees each packet's header and bytes in turn, in the reader's own buffer (a user-
    /// space packet filter, say); the packets it rejects are skipped without being copied, and
    /// nothing is allocated per packet. When `keep` accepts every packet this is exactly
    /// [`Reader::next`]. Errors end the input as in [`Reader::next`].
    ///
    /// ```
    /// # fn main() -> Result<(), ferrocap::file::Error> {
    /// # let bytes = std::fs::read("tests/data/sample.pcap").unwrap();
    /// let mut reader = ferrocap::file::Reader::from_bytes(bytes)?;
    /// // Only the packets longer than 100 bytes on the wire.
    /// while let Some(p) = reader.next_matching(|header, _data| header.len > 100)? {
    ///     assert!(p.header.len > 100);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub fn next_matching(
        &mut self,
        keep: impl FnMut(&crate::packet::PacketHeader, &[u8]) -> bool,
    ) -> Result<Option<Packet<'_>>, Error> {
        match &mut self.inner {
            Inner::Pcap(r) => r.next_matching(keep),
            Inner::Pcapng(r) => r.next_matching(keep),
        }
    }

    /// Byte offset in the input of the next record or block to read.
    pub fn offset(&self) -> u64 {
        match &self.inner {
            Inner::Pcap(r) => r.offset(),
            Inner::Pcapng(r) => r.offset(),
        }
    }

    /// [`Reader::next_in_context`] for the next packet `keep` accepts (see
    /// [`Reader::next_matching`]).
    #[inline]
    pub fn next_matching_in_context(
        &mut self,
        keep: impl FnMut(&crate::packet::PacketHeader, &[u8]) -> bool,
    ) -> Result<Option<(Packet<'_>, Option<pcapng::Context<'_>>)>, Error> {
        match &mut self.inner {
            Inner::Pcap(r) => Ok(r.next_matching(keep)?.map(|p| (p, None))),
            Inner::Pcapng(r) => Ok(r.next_matching_in_context(keep)?.map(|(p, c)| (p, Some(c)))),
        }
    }

    /// The next packet and, for pcapng files, its context: options, interface and section
    /// (see [`pcapng::Reader::next_in_context`]); `None` for pcap files.
    #[inline]
    pub fn next_in_context(
        &mut self,
    ) -> Result<Option<(Packet<'_>, Option<pcapng::Context<'_>>)>, Error> {
        match &mut self.inner {
            Inner::Pcap(r) => Ok(r.next()?.map(|p| (p, None))),
            Inner::Pcapng(r) => Ok(r.next_in_context()?.map(|(p, c)| (p, Some(c)))),
        }
    }

    /// Hands each packet to `f` with, for pcapng files, its context (as
    /// [`Reader::next_in_context`] returns them), until the end of the input
    /// (`Ok(ControlFlow::Continue(()))`), until `f` breaks (`Ok(ControlFlow::Break(b))`: the
    /// reader stands after that packet and reading can go on), or until an error, returned once
    /// every packet before it has been handed out.
    ///
    /// The same packets as a loop over [`Reader::next_in_context`], faster: the format is
    /// dispatched once, not per packet, and the records already buffered are walked in one
    /// pass.
    ///
    /// ```
    /// # use std::ops::ControlFlow;
    /// # fn main() -> Result<(), ferrocap::file::Error> {
    /// # let bytes = std::fs::read("tests/data/sample.pcapng").unwrap();
    /// let mut reader = ferrocap::file::Reader::from_bytes(bytes)?;
    /// let mut count = 0;
    /// // The first 3 packets (the reader then stands at the fourth).
    /// let end = reader.try_for_each_in_context(|_packet, _context| {
    ///     count += 1;
    ///     if count == 3 {
    ///         ControlFlow::Break(())
    ///     } else {
    ///         ControlFlow::Continue(())
    ///     }
    /// })?;
    /// assert!(end.is_break() && count == 3);
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub fn try_for_each_in_context<B>(
        &mut self,
        f: impl FnMut(Packet<'_>, Option<pcapng::Context<'_>>) -> ControlFlow<B>,
    ) -> Result<ControlFlow<B>, Error> {
        self.try_for_each_matching_in_context(|_, _| true, f)
    }

    /// [`Reader::try_for_each_in_context`] for the packets `keep` accepts (see
    /// [`Reader::next_matching`]).
    #[inline]
    pub fn try_for_each_matching_in_context<B>(
        &mut self,
        keep: impl FnMut(&crate::packet::PacketHeader, &[u8]) -> bool,
        mut f: impl FnMut(Packet<'_>, Option<pcapng::Context<'_>>) -> ControlFlow<B>,
    ) -> Result<ControlFlow<B>, Error> {
        match &mut self.inner {
            Inner::Pcap(r) => r.try_for_each_matching(keep, |p| f(p, None)),
            Inner::Pcapng(r) => r.try_for_each_matching_in_context(keep, |p, c| f(p, Some(c))),
        }
    }

    /// The format found.
    pub fn format(&self) -> Format {
        match self.inner {
            Inner::Pcap(_) => Format::Pcap,
            Inner::Pcapng(_) => Format::Pcapng,
        }
    }

    /// The link type of the file (pcap), or of the first interface (pcapng), as libpcap's
    /// `pcap_datalink` reports it; `None` for a pcapng file with no interface yet. In pcapng
    /// files each packet's header has its own interface's link type.
    pub fn linktype(&self) -> Option<Linktype> {
        match &self.inner {
            Inner::Pcap(r) => Some(r.linktype()),
            Inner::Pcapng(r) => r.linktype(),
        }
    }

    /// The snapshot length libpcap would report (`pcap_snapshot`), when known.
    pub fn snaplen(&self) -> Option<u32> {
        match &self.inner {
            Inner::Pcap(r) => Some(r.snaplen()),
            Inner::Pcapng(r) => r.snaplen(),
        }
    }

    /// Resolution of the file's time stamps (pcapng: of its first interface).
    pub fn precision(&self) -> Precision {
        match &self.inner {
            Inner::Pcap(r) => r.precision(),
            Inner::Pcapng(r) => r.precision(),
        }
    }

    /// Truncates delivered time stamps to microseconds (`Some(Precision::Micro)`), or not.
    pub fn set_precision(&mut self, precision: Option<Precision>) {
        match &mut self.inner {
            Inner::Pcap(r) => r.set_precision(precision),
            Inner::Pcapng(r) => r.set_precision(precision),
        }
    }

    /// `(major, minor)`: the pcap header version, or the first section's version.
    pub fn version(&self) -> (u16, u16) {
        match &self.inner {
            Inner::Pcap(r) => (r.header().version_major, r.header().version_minor),
            Inner::Pcapng(r) => r.version(),
        }
    }

    /// Whether the file (pcapng: its current section) is in the other byte order than this host.
    pub fn is_swapped(&self) -> bool {
        let e = match &self.inner {
            Inner::Pcap(r) => r.header().endianness,
            Inner::Pcapng(r) => r.endianness(),
        };
        e != Endianness::NATIVE
    }

    /// The pcap reader, when the file is pcap.
    pub fn as_pcap(&self) -> Option<&pcap::Reader<R>> {
        match &self.inner {
            Inner::Pcap(r) => Some(r),
            Inner::Pcapng(_) => None,
        }
    }

    /// The pcapng reader, when the file is pcapng (interfaces, statistics, comments, raw blocks).
    pub fn as_pcapng(&self) -> Option<&pcapng::Reader<R>> {
        match &self.inner {
            Inner::Pcapng(r) => Some(r),
            Inner::Pcap(_) => None,
        }
    }

    /// The pcapng reader, mutably.
    pub fn as_pcapng_mut(&mut self) -> Option<&mut pcapng::Reader<R>> {
        match &mut self.inner {
            Inner::Pcapng(r) => Some(r),
            Inner::Pcap(_) => None,
        }
    }
}
