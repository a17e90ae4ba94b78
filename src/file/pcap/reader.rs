//! Reading pcap files record by record.

use super::header::{self, FileHeader};
use crate::file::input::{Input, Memory, Short};
use crate::file::{fixup, Endianness, Error, ErrorKind};
use crate::linktype::Linktype;
use crate::packet::{Packet, PacketHeader, Precision, Timestamp};
use std::io::Read;

/// How the caplen and len fields of the record headers are ordered (libpcap swapped them at
/// version 2.3, and some 2.3 writers did not).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LengthOrder {
    /// caplen, then len (2.4 and later).
    Normal,
    /// len, then caplen (before 2.3, and DG/UX 543.0).
    Swapped,
    /// Version 2.3: swapped when caplen > len.
    Maybe,
}

/// A pcap file reader: the header, then one packet per [`Reader::next`] call.
///
/// Reads exactly what libpcap 1.10 reads, with the same adjustments (see the
/// [module documentation](crate::file) for the list), except that the 32-bit time stamp fields
/// are read as unsigned as the format specifies, where libpcap reads them as signed (so times
/// after 2038 come out right).
pub struct Reader<R> {
    input: Input<R>,
    header: FileHeader,
    linktype: Linktype,
    snaplen: u32,
    max_caplen: u32,
    record_len: usize,
    lengths: LengthOrder,
    nano: bool,
    fixup: bool,
    swapped: bool,
    truncate_to: Option<Precision>,
    current: PacketHeader,
    /// Where the current packet's bytes are: `Some(range)` within the input's last take, or
    /// `None` for `scratch` (a fixed-up copy).
    current_data: Option<(usize, usize)>,
    scratch: Vec<u8>,
    packets: u64,
    done: bool,
}

impl<R> std::fmt::Debug for Reader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("pcap::Reader")
            .field("header", &self.header)
            .field("linktype", &self.linktype)
            .field("snaplen", &self.snaplen)
            .field("offset", &self.input.offset())
            .field("packets", &self.packets)
            .finish_non_exhaustive()
    }
}

impl Reader<std::io::Empty> {
    /// A reader over a whole file held in memory.
    ///
    /// No copy is made and no stream is involved (the type parameter is `std::io::Empty`).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Reader<std::io::Empty>, Error> {
        Reader::from_vec(bytes)
    }
}

impl<R: Read> Reader<R> {
    /// Reads the file header from `reader`; packets follow with [`Reader::next`].
    ///
    /// The reader is read in large chunks and needs no buffering of its own.
    pub fn new(reader: R) -> Result<Reader<R>, Error> {
        Reader::from_input(Input::from_reader(reader))
    }

    /// A reader over bytes in memory, for any stream type (see [`Reader::from_bytes`]).
    pub(crate) fn from_vec(bytes: Vec<u8>) -> Result<Reader<R>, Error> {
        Reader::from_input(Input::from_memory(Memory::Vec(bytes)))
    }

    pub(crate) fn from_input(mut input: Input<R>) -> Result<Reader<R>, Error> {
        let bytes = match input.take(header::LEN) {
            Ok(b) => b,
            Err(Short::Eof { got }) => {
                return Err(Error::new(
                    ErrorKind::TruncatedFileHeader {
                        needed: header::LEN as u64,
                        got: got as u64,
                    },
                    0,
                ))
            }
            Err(Short::Io(e)) => return Err(Error::new(ErrorKind::Io(e), 0)),
        };
        let bytes: &[u8; header::LEN] = bytes
            .try_into()
            .map_err(|_| Error::new(ErrorKind::TruncatedFileHeader { needed: 24, got: 0 }, 0))?;
        let header = FileHeader::parse(bytes).map_err(|k| Error::new(k, 0))?;
        let linktype = Linktype::from_file_value(header.linktype.0);
        let max_caplen = linktype.max_snaplen();
        let mut snaplen = linktype.adjust_snaplen(header.snaplen);
        if header.modified && linktype == Linktype::EN10MB {
            // libpcap assumes a cooked capture with a faked 14-byte Ethernet header.
            snaplen = snaplen.saturating_add(14).min(i32::MAX as u32);
        }
        let lengths = match (header.version_major, header.version_minor) {
            (2, 0..=2) | (543, _) => LengthOrder::Swapped,
            (2, 3) => LengthOrder::Maybe,
            _ => LengthOrder::Normal,
        };
        let swapped = header.endianness != Endianness::NATIVE;
        Ok(Reader {
            input,
            linktype,
            snaplen,
            max_caplen,
            record_len: if header.modified { 24 } else { 16 },
            lengths,
            nano: header.precision == Precision::Nano,
            fixup: fixup::needed(linktype, swapped),
            swapped,
            truncate_to: None,
            current: PacketHeader::new(Timestamp::EPOCH, 0, 0, linktype),
            current_data: Some((0, 0)),
            scratch: Vec::new(),
            header,
            packets: 0,
            done: false,
        })
    }

    /// The file header as stored.
    pub fn header(&self) -> &FileHeader {
        &self.header
    }

    /// The link type of every packet, as libpcap reports it (legacy values mapped, e.g. a
    /// stored 12 is [`Linktype::RAW`]).
    pub fn linktype(&self) -> Linktype {
        self.linktype
    }

    /// The snapshot length as libpcap uses it: the stored one, or the link type's maximum when
    /// the stored one is 0 or above `i32::MAX`. Records longer than this are cut to it.
    pub fn snaplen(&self) -> u32 {
        self.snaplen
    }

    /// Resolution of the file's time stamps.
    pub fn precision(&self) -> Precision {
        self.header.precision
    }

    /// Truncates delivered time stamps to microseconds (as libpcap does when a nanosecond file is
    /// opened with microsecond precision), or stops doing so.
    pub fn set_precision(&mut self, precision: Option<Precision>) {
        // Microsecond stamps need no truncating to microseconds.
        self.truncate_to = precision.filter(|_| self.nano);
    }

    /// Packets delivered so far.
    pub fn packets(&self) -> u64 {
        self.packets
    }

    /// Byte offset of the next record.
    pub fn offset(&self) -> u64 {
        self.input.offset()
    }

    /// The next packet `keep` accepts, skipping the others without copying them; `Ok(None)`
    /// at the end of the file. An error ends the file as for [`Reader::next`].
    #[inline]
    pub fn next_matching(
        &mut self,
        mut keep: impl FnMut(&PacketHeader, &[u8]) -> bool,
    ) -> Result<Option<Packet<'_>>, Error> {
        loop {
            let accepted = match self.next()? {
                Some(p) => keep(p.header, p.data),
                None => return Ok(None),
            };
            if accepted {
                return Ok(Some(self.current()));
            }
        }
    }

    /// The packet [`Reader::next`] returned last, again.
    #[inline]
    fn current(&self) -> Packet<'_> {
        let data = match self.current_data {
            Some((at, n)) => self
                .input
                .last_taken()
                .get(at..at.saturating_add(n))
                .unwrap_or_default(),
            None => &self.scratch,
        };
        Packet {
            header: &self.current,
            data,
        }
    }

    /// The next packet; `Ok(None)` at the end of the file.
    ///
    /// After an error, every later call returns `Ok(None)`.
    #[allow(clippy::should_implement_trait)]
    // Always: this is the per-packet loop; callers reach it through one or two thin layers
    // (`file::Reader`, `Capture`) that the inliner otherwise stops at.
    #[inline(always)]
    pub fn next(&mut self) -> Result<Option<Packet<'_>>, Error> {
        if self.done {
            return Ok(None);
        }
        let at = self.input.offset();
        let h: [u8; 16] = match self.input.peek(self.record_len) {
            Ok(b) => match b.first_chunk::<16>() {
                Some(h) => *h,
                None => return self.finish(None),
            },
            Err(Short::Eof { got: 0 }) => return self.finish(None),
            Err(Short::Eof { got }) => {
                let needed = self.record_len as u64;
                let got = got as u64;
                return self.finish(Some(ErrorKind::TruncatedRecordHeader { needed, got }));
            }
            Err(Short::Io(e)) => return self.finish(Some(ErrorKind::Io(e))),
        };
        let [s0, s1, s2, s3, f0, f1, f2, f3, c0, c1, c2, c3, l0, l1, l2, l3] = h;
        let e = self.header.endianness;
        let (secs, frac) = (e.u32([s0, s1, s2, s3]), e.u32([f0, f1, f2, f3]));
        let (mut caplen, mut len) = (e.u32([c0, c1, c2, c3]), e.u32([l0, l1, l2, l3]));
        match self.lengths {
            LengthOrder::Normal => {}
            LengthOrder::Maybe if caplen <= len => {}
            LengthOrder::Maybe | LengthOrder::Swapped => std::mem::swap(&mut caplen, &mut len),
        }
        if caplen > self.max_caplen {
            let max = if caplen > self.snaplen {
                self.snaplen
            } else {
                self.max_caplen
            };
            return self.fail(ErrorKind::CaplenTooLarge { caplen, max }, at);
        }
        let frac_ns = if self.nano {
            frac as u64
        } else {
            frac as u64 * 1000
        };
        let mut ts = if frac_ns < 1_000_000_000 {
            Timestamp::new(secs as i64, frac_ns as u32)
        } else {
            Timestamp::new(secs as i64, 0).add_nanos(frac_ns)
        };
        if let Some(p) = self.truncate_to {
            ts = ts.truncate(p);
        }
        // Header and data in one step (caplen is bounded by max_caplen above).
        let record = match self.input.take(self.record_len + caplen as usize) {
            Ok(d) => d,
            Err(Short::Eof { got }) => {
                self.done = true;
                let needed = caplen as u64;
                let got = got.saturating_sub(self.record_len) as u64;
                let kind = ErrorKind::TruncatedRecord { needed, got };
                return Err(Error::new(kind, at));
            }
            Err(Short::Io(e)) => {
                self.done = true;
                return Err(Error::new(ErrorKind::Io(e), at));
            }
        };
        let data = record.get(self.record_len..).unwrap_or_default();
        // libpcap hands over at most snaplen bytes of a longer record and skips the rest.
        let keep = caplen.min(self.snaplen);
        let mut data = data.get(..keep as usize).unwrap_or(data);
        self.current_data = Some((self.record_len, data.len()));
        if self.fixup {
            self.scratch.clear();
            self.scratch.extend_from_slice(data);
            fixup::apply(self.linktype, self.swapped, &mut len, &mut self.scratch);
            data = &self.scratch;
            self.current_data = None;
        }
        self.current = PacketHeader::new(ts, keep, len, self.linktype);
        self.packets += 1;
        Ok(Some(Packet {
            header: &self.current,
            data,
        }))
    }

    /// Ends the file: `Ok(None)` at a clean end, else the error at the current record.
    fn finish(&mut self, kind: Option<ErrorKind>) -> Result<Option<Packet<'_>>, Error> {
        self.done = true;
        match kind {
            None => Ok(None),
            Some(kind) => Err(Error::new(kind, self.record_start())),
        }
    }

    fn fail(&mut self, kind: ErrorKind, at: u64) -> Result<Option<Packet<'_>>, Error> {
        self.done = true;
        Err(Error::new(kind, at))
    }

    /// Offset of the record whose header was just attempted.
    fn record_start(&self) -> u64 {
        self.input.offset()
    }

    /// The underlying reader, when reading from a stream.
    pub fn into_inner(self) -> Option<R> {
        self.input.into_reader()
    }
}
