//! Reading pcap files record by record.

use super::header::{self, FileHeader};
use crate::file::input::{Input, Memory, Short, Span};
use crate::file::{fixup, Endianness, Error, ErrorKind};
use crate::linktype::Linktype;
use crate::packet::{Packet, PacketHeader, Precision, Timestamp};
use std::io::Read;
use std::ops::ControlFlow;

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

/// Where the bytes of the packet last read are.
enum Data {
    /// In the input, as stored.
    Input(Span),
    /// In the reader's scratch buffer, fixed up (see `fixup`).
    Scratch,
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
    /// Records need no adjustment beyond cutting to `plain_max` (16-byte record headers in
    /// caplen-then-len order, no fix-up): the fast path applies.
    plain: bool,
    /// The largest caplen the fast path takes (the snapshot length and the link type's maximum).
    plain_max: u32,
    current: PacketHeader,
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
        let fixup = fixup::needed(linktype, swapped);
        Ok(Reader {
            input,
            linktype,
            snaplen,
            max_caplen,
            record_len: if header.modified { 24 } else { 16 },
            lengths,
            nano: header.precision == Precision::Nano,
            fixup,
            swapped,
            truncate_to: None,
            plain: !header.modified && lengths == LengthOrder::Normal && !fixup,
            plain_max: snaplen.min(max_caplen),
            current: PacketHeader::new(Timestamp::EPOCH, 0, 0, linktype),
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

    /// Packets read so far (including those [`Reader::next_matching`] skipped).
    pub fn packets(&self) -> u64 {
        self.packets
    }

    /// Byte offset of the next record.
    pub fn offset(&self) -> u64 {
        self.input.offset()
    }

    /// The next packet; `Ok(None)` at the end of the file.
    ///
    /// After an error, every later call returns `Ok(None)`.
    #[allow(clippy::should_implement_trait)]
    #[inline]
    pub fn next(&mut self) -> Result<Option<Packet<'_>>, Error> {
        self.next_matching(|_, _| true)
    }

    /// The next packet for which `keep` returns true; `Ok(None)` at the end of the file.
    ///
    /// `keep` sees each packet's header and bytes in turn, in the reader's own buffer; the
    /// packets it rejects are skipped without being copied, and nothing is allocated per
    /// packet. When `keep` accepts every packet this is exactly [`Reader::next`]. Errors end
    /// the file as in [`Reader::next`]; [`Reader::packets`] counts skipped packets too.
    #[inline]
    pub fn next_matching(
        &mut self,
        mut keep: impl FnMut(&PacketHeader, &[u8]) -> bool,
    ) -> Result<Option<Packet<'_>>, Error> {
        // The record is taken as a span and looked at through a borrow that ends before the
        // next one is read; the packet handed out is sliced from it once the loop is left.
        let data = loop {
            let Some(data) = self.advance()? else {
                return Ok(None);
            };
            if keep(&self.current, self.data(&data)) {
                break data;
            }
        };
        Ok(Some(Packet {
            header: &self.current,
            data: self.data(&data),
        }))
    }

    /// Hands each packet `keep` accepts to `f`, in order, until the end of the file
    /// (`Ok(ControlFlow::Continue(()))`), until `f` breaks (`Ok(ControlFlow::Break(b))`: the
    /// reader stands after that packet and reading can go on), or until an error, returned
    /// once every packet before it has been handed out; later calls then find the end.
    ///
    /// This is [`Reader::next_matching`] in a loop, and the fastest way through a file: the
    /// records already buffered are walked in one pass, with the loop's state in registers.
    ///
    /// ```
    /// # use std::ops::ControlFlow;
    /// # fn main() -> Result<(), ferrocap::file::Error> {
    /// # let bytes = std::fs::read("tests/data/sample.pcap").unwrap();
    /// let mut reader = ferrocap::file::pcap::Reader::from_bytes(bytes)?;
    /// let mut bytes = 0;
    /// let end = reader.try_for_each_matching(
    ///     |_, _| true,
    ///     |p| {
    ///         bytes += p.data.len();
    ///         ControlFlow::<()>::Continue(())
    ///     },
    /// )?;
    /// assert!(end.is_continue() && bytes > 0);
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub fn try_for_each_matching<B>(
        &mut self,
        mut keep: impl FnMut(&PacketHeader, &[u8]) -> bool,
        mut f: impl FnMut(Packet<'_>) -> ControlFlow<B>,
    ) -> Result<ControlFlow<B>, Error> {
        let walks = self.input.walks();
        loop {
            if self.plain && walks {
                if let Some(b) = self.walk_plain(&mut keep, &mut f) {
                    return Ok(ControlFlow::Break(b));
                }
            }
            // One record the general way: a refill, the end, an error or a record to adjust
            // (or the next record of a memory-mapped file, see `Input::batch`).
            let Some(data) = self.advance()? else {
                return Ok(ControlFlow::Continue(()));
            };
            if keep(&self.current, self.data(&data)) {
                let packet = Packet {
                    header: &self.current,
                    data: self.data(&data),
                };
                if let ControlFlow::Break(b) = f(packet) {
                    return Ok(ControlFlow::Break(b));
                }
            }
        }
    }

    /// Walks the plain records (see `plain`) that are whole in the buffer, handing those
    /// `keep` accepts to `f`; stops at the first other record, at the end of the buffer, or
    /// when `f` breaks (then with its value). Consumes what it walked.
    #[inline(always)]
    fn walk_plain<B>(
        &mut self,
        keep: &mut impl FnMut(&PacketHeader, &[u8]) -> bool,
        f: &mut impl FnMut(Packet<'_>) -> ControlFlow<B>,
    ) -> Option<B> {
        // One loop per byte order and time stamp unit, each with both known when compiled.
        use Endianness::{Big, Little};
        match (self.header.endianness, self.nano) {
            (Little, false) => self.walk_plain_in(Little, false, keep, f),
            (Little, true) => self.walk_plain_in(Little, true, keep, f),
            (Big, false) => self.walk_plain_in(Big, false, keep, f),
            (Big, true) => self.walk_plain_in(Big, true, keep, f),
        }
    }

    /// [`Reader::walk_plain`] for a file in byte order `e` with time stamps in nanoseconds
    /// (`nano`) or microseconds.
    #[inline(always)]
    fn walk_plain_in<B>(
        &mut self,
        e: Endianness,
        nano: bool,
        keep: &mut impl FnMut(&PacketHeader, &[u8]) -> bool,
        f: &mut impl FnMut(Packet<'_>) -> ControlFlow<B>,
    ) -> Option<B> {
        let max = self.plain_max as usize;
        let truncate_to = self.truncate_to;
        let mut header = self.current;
        let mut broke = None;
        let mut packets = 0u64;
        let window = self.input.window();
        let mut rest = window;
        while let Some((h, tail)) = rest.split_first_chunk::<16>() {
            let [s0, s1, s2, s3, f0, f1, f2, f3, c0, c1, c2, c3, l0, l1, l2, l3] = *h;
            let caplen = e.u32([c0, c1, c2, c3]);
            if caplen as usize > max {
                break;
            }
            let Some((data, next)) = tail.split_at_checked(caplen as usize) else {
                break;
            };
            let (secs, frac) = (e.u32([s0, s1, s2, s3]), e.u32([f0, f1, f2, f3]));
            header.ts = timestamp(nano, truncate_to, secs, frac);
            header.caplen = caplen;
            header.len = e.u32([l0, l1, l2, l3]);
            packets += 1;
            rest = next;
            if keep(&header, data) {
                if let ControlFlow::Break(b) = f(Packet {
                    header: &header,
                    data,
                }) {
                    broke = Some(b);
                    break;
                }
            }
        }
        let walked = window.len() - rest.len();
        self.input.consume(walked);
        self.current = header;
        self.packets += packets;
        broke
    }

    /// The bytes of the packet [`Reader::advance`] read.
    #[inline(always)]
    fn data(&self, data: &Data) -> &[u8] {
        match data {
            Data::Input(span) => self.input.bytes(span),
            Data::Scratch => &self.scratch,
        }
    }

    /// Reads the next record into `self.current` and says where its bytes are.
    #[inline(always)]
    fn advance(&mut self) -> Result<Option<Data>, Error> {
        // The common case, in one bounds check: a whole record in the buffer, nothing to adjust.
        if self.plain {
            if let Some((h, rest)) = self.input.window().split_first_chunk::<16>() {
                let [s0, s1, s2, s3, f0, f1, f2, f3, c0, c1, c2, c3, l0, l1, l2, l3] = *h;
                let e = self.header.endianness;
                let caplen = e.u32([c0, c1, c2, c3]);
                if caplen <= self.plain_max && caplen as usize <= rest.len() {
                    let (secs, frac) = (e.u32([s0, s1, s2, s3]), e.u32([f0, f1, f2, f3]));
                    self.current.ts = self.timestamp(secs, frac);
                    self.current.caplen = caplen;
                    self.current.len = e.u32([l0, l1, l2, l3]);
                    self.packets += 1;
                    let record = self.input.consume(16 + caplen as usize);
                    return Ok(Some(Data::Input(record.sub(16, caplen as usize))));
                }
            }
        }
        self.advance_slow()
    }

    /// The time stamp of a record.
    #[inline(always)]
    fn timestamp(&self, secs: u32, frac: u32) -> Timestamp {
        timestamp(self.nano, self.truncate_to, secs, frac)
    }

    /// [`Reader::advance`] for everything else: reading more, the end of the file, errors,
    /// swapped length fields, records cut to the snapshot length and fixed-up link types.
    #[cold]
    #[inline(never)]
    fn advance_slow(&mut self) -> Result<Option<Data>, Error> {
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
        let ts = self.timestamp(secs, frac);
        // Header and data in one step (caplen is bounded by max_caplen above).
        let record = match self.input.take_span(self.record_len + caplen as usize) {
            Ok(d) => d,
            Err(Short::Eof { got }) => {
                self.stop();
                let needed = caplen as u64;
                let got = got.saturating_sub(self.record_len) as u64;
                let kind = ErrorKind::TruncatedRecord { needed, got };
                return Err(Error::new(kind, at));
            }
            Err(Short::Io(e)) => {
                self.stop();
                return Err(Error::new(ErrorKind::Io(e), at));
            }
        };
        // libpcap hands over at most snaplen bytes of a longer record and skips the rest.
        let keep = caplen.min(self.snaplen);
        let mut data = Data::Input(record.sub(self.record_len, keep as usize));
        if let (true, Data::Input(span)) = (self.fixup, &data) {
            self.scratch.clear();
            self.scratch.extend_from_slice(self.input.bytes(span));
            fixup::apply(self.linktype, self.swapped, &mut len, &mut self.scratch);
            data = Data::Scratch;
        }
        self.current = PacketHeader::new(ts, keep, len, self.linktype);
        self.packets += 1;
        Ok(Some(data))
    }

    /// Ends the file: `Ok(None)` at a clean end, else the error at the current record.
    fn finish(&mut self, kind: Option<ErrorKind>) -> Result<Option<Data>, Error> {
        self.stop();
        match kind {
            None => Ok(None),
            Some(kind) => Err(Error::new(kind, self.record_start())),
        }
    }

    fn fail(&mut self, kind: ErrorKind, at: u64) -> Result<Option<Data>, Error> {
        self.stop();
        Err(Error::new(kind, at))
    }

    /// Ends the file: later calls return `Ok(None)`.
    fn stop(&mut self) {
        self.done = true;
        self.plain = false;
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

/// The time stamp of a record: `frac` in nanoseconds or microseconds, truncated to
/// `truncate_to` if given.
#[inline(always)]
fn timestamp(nano: bool, truncate_to: Option<Precision>, secs: u32, frac: u32) -> Timestamp {
    let frac_ns = if nano {
        frac as u64
    } else {
        frac as u64 * 1000
    };
    let ts = if frac_ns < 1_000_000_000 {
        Timestamp::new(secs as i64, frac_ns as u32)
    } else {
        Timestamp::new(secs as i64, 0).add_nanos(frac_ns)
    };
    match truncate_to {
        Some(p) => ts.truncate(p),
        None => ts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::OwnedPacket;

    /// A reader that hands out at most 7 bytes per call.
    struct Dribble(Vec<u8>, usize);
    impl Read for Dribble {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let rest = &self.0[self.1..];
            let n = rest.len().min(out.len()).min(7);
            out[..n].copy_from_slice(&rest[..n]);
            self.1 += n;
            Ok(n)
        }
    }

    /// A pcap file in byte order `e`: link type, snapshot length, then records of (caplen
    /// stored, len) with bytes counting up from the record number.
    fn file(e: Endianness, linktype: Linktype, snaplen: u32, records: &[(u32, u32)]) -> Vec<u8> {
        let mut h = FileHeader::new(linktype, snaplen, Precision::Micro);
        h.endianness = e;
        let mut out = h.to_bytes().to_vec();
        for (i, &(caplen, len)) in records.iter().enumerate() {
            for v in [1_000 + i as u32, i as u32 * 10, caplen, len] {
                out.extend_from_slice(&e.put_u32(v));
            }
            out.extend((0..caplen).map(|b| (b as usize + i) as u8));
        }
        out
    }

    fn all(mut r: Reader<impl Read>, keep: fn(&PacketHeader, &[u8]) -> bool) -> Vec<OwnedPacket> {
        let mut out = Vec::new();
        while let Some(p) = r.next_matching(keep).unwrap() {
            assert!(keep(p.header, p.data), "a packet handed out was kept");
            out.push(p.to_owned());
        }
        out
    }

    #[test]
    fn next_matching_is_next_filtered() {
        let records: Vec<(u32, u32)> = (0..300u32).map(|i| (i % 97, i % 97 + i % 3)).collect();
        let keeps: [fn(&PacketHeader, &[u8]) -> bool; 4] = [
            |_, _| true,
            |_, _| false,
            |h, _| h.len % 3 == 0,
            |_, d| d.first().is_some_and(|b| b % 5 == 1),
        ];
        // Plain records, records cut to the snapshot length (the slow path), and a link type
        // whose swapped records are fixed up in the reader's scratch buffer.
        for (linktype, snaplen) in [
            (Linktype::EN10MB, 0),
            (Linktype::EN10MB, 50),
            (Linktype::LINUX_SLL, 0),
        ] {
            for e in [Endianness::Little, Endianness::Big] {
                let bytes = file(e, linktype, snaplen, &records);
                let every = all(Reader::from_bytes(bytes.clone()).unwrap(), |_, _| true);
                assert_eq!(every.len(), records.len());
                for keep in keeps {
                    let want: Vec<&OwnedPacket> =
                        every.iter().filter(|p| keep(&p.header, &p.data)).collect();
                    let from_memory =
                        all(Reader::<Dribble>::from_vec(bytes.clone()).unwrap(), keep);
                    let from_stream = all(Reader::new(Dribble(bytes.clone(), 0)).unwrap(), keep);
                    assert_eq!(from_memory.iter().collect::<Vec<_>>(), want);
                    assert_eq!(from_stream.iter().collect::<Vec<_>>(), want);
                }
            }
        }
    }

    /// Every packet `keep` accepts, by `try_for_each_matching`, stopping every `stride`
    /// packets (a break) and going on from there.
    fn all_walked(
        mut r: Reader<impl Read>,
        keep: fn(&PacketHeader, &[u8]) -> bool,
        stride: usize,
    ) -> Vec<OwnedPacket> {
        let mut out = Vec::new();
        loop {
            let mut taken = 0;
            let end = r
                .try_for_each_matching(keep, |p| {
                    assert!(keep(p.header, p.data), "a packet handed out was kept");
                    out.push(p.to_owned());
                    taken += 1;
                    if taken == stride {
                        ControlFlow::Break(taken)
                    } else {
                        ControlFlow::Continue(())
                    }
                })
                .unwrap();
            if end.is_continue() {
                return out;
            }
        }
    }

    #[test]
    fn walking_gives_what_next_gives() {
        let records: Vec<(u32, u32)> = (0..300u32).map(|i| (i % 97, i % 97 + i % 3)).collect();
        let keeps: [fn(&PacketHeader, &[u8]) -> bool; 3] =
            [|_, _| true, |_, _| false, |h, _| h.len % 3 == 0];
        for (linktype, snaplen) in [
            (Linktype::EN10MB, 0),
            (Linktype::EN10MB, 50),
            (Linktype::LINUX_SLL, 0),
        ] {
            for e in [Endianness::Little, Endianness::Big] {
                let bytes = file(e, linktype, snaplen, &records);
                for keep in keeps {
                    let want = all(Reader::from_bytes(bytes.clone()).unwrap(), keep);
                    for stride in [1, 7, usize::MAX] {
                        let from_memory = all_walked(
                            Reader::<Dribble>::from_vec(bytes.clone()).unwrap(),
                            keep,
                            stride,
                        );
                        let from_stream = all_walked(
                            Reader::new(Dribble(bytes.clone(), 0)).unwrap(),
                            keep,
                            stride,
                        );
                        let from_big_reads =
                            all_walked(Reader::new(&bytes[..]).unwrap(), keep, stride);
                        assert_eq!(from_memory, want);
                        assert_eq!(from_stream, want);
                        assert_eq!(from_big_reads, want);
                    }
                }
            }
        }
        // A cut record: the packets before it, then the error, then the end.
        let mut bytes = file(Endianness::Little, Linktype::EN10MB, 0, &records[..20]);
        bytes.truncate(bytes.len() - 5);
        let mut r = Reader::new(&bytes[..]).unwrap();
        let mut seen = 0;
        let err = r
            .try_for_each_matching(
                |_, _| true,
                |_| {
                    seen += 1;
                    ControlFlow::<()>::Continue(())
                },
            )
            .unwrap_err();
        assert_eq!(seen, 19);
        assert!(matches!(err.kind(), ErrorKind::TruncatedRecord { .. }));
        let end = r.try_for_each_matching(|_, _| true, |_| ControlFlow::<()>::Break(()));
        assert!(end.unwrap().is_continue());
    }

    #[test]
    fn next_matching_reports_errors_after_skipped_packets() {
        let mut bytes = file(
            Endianness::Little,
            Linktype::EN10MB,
            0,
            &[(10, 10), (20, 20)],
        );
        let at = bytes.len() as u64;
        bytes
            .extend_from_slice(&file(Endianness::Little, Linktype::EN10MB, 0, &[(30, 30)])[24..40]);
        let mut r = Reader::new(&bytes[..]).unwrap();
        let mut seen = 0;
        let err = r
            .next_matching(|_, _| {
                seen += 1;
                false
            })
            .unwrap_err();
        assert_eq!(seen, 2);
        assert_eq!(r.packets(), 2);
        assert_eq!(err.offset(), Some(at));
        assert!(matches!(
            err.kind(),
            ErrorKind::TruncatedRecord { needed: 30, got: 0 }
        ));
        assert!(r.next().unwrap().is_none());
    }
}
