//! Reading pcapng files: the section and interface state machine, and the packet path.

use super::block::{self, Block, Body, Frame};
use super::interface::{Interface, InterfaceDescription, InterfaceState};
use super::kept::{Kept, KeptBlocks};
use super::packet::{self, EnhancedPacket, PacketBlock, SimplePacket};
use super::section::{Section, SectionHeader};
use super::stats::{InterfaceStatistics, Statistics};
use super::Options;
use crate::file::input::{Input, Memory, Short, Span};
use crate::file::{fixup, limits, BlockType, Endianness, Error, ErrorKind};
use crate::linktype::Linktype;
use crate::packet::{Packet, PacketHeader, Precision, Timestamp};
use std::io::Read;
use std::ops::ControlFlow;

/// What libpcap reports for the whole file: the first interface's link type and adjusted
/// snapshot length, and its resolution.
#[derive(Clone, Copy, Debug)]
struct First {
    linktype: Linktype,
    snaplen: u32,
    precision: Precision,
}

impl First {
    fn of(i: &Interface) -> First {
        First {
            linktype: i.packet_linktype(),
            snaplen: i.adjusted_snaplen(),
            precision: i.tsresol.precision(),
        }
    }
}

/// Everything the reader knows besides the bytes: the current section and its interfaces.
#[derive(Debug)]
struct State {
    section: Section,
    /// Sections started so far, minus one.
    section_index: u32,
    /// Whether the section's byte order is not this host's.
    swapped: bool,
    interfaces: Vec<InterfaceState>,
    /// Bytes of metadata kept for this section (see `limits::MAX_RETAINED`).
    retained: usize,
    /// The largest block accepted (grows with the link types seen, as in libpcap).
    max_block: u32,
    first: Option<First>,
    /// The first section's version (libpcap's `pcap_major_version`/`pcap_minor_version`).
    first_version: (u16, u16),
}

impl State {
    fn new(section: Section, retained: usize) -> State {
        State {
            swapped: section.endianness != Endianness::NATIVE,
            first_version: section.version,
            section,
            section_index: 0,
            interfaces: Vec::new(),
            retained,
            max_block: limits::MAX_BLOCK_LEN,
            first: None,
        }
    }

    /// Updates the state from a block the packet path does not handle.
    fn apply(&mut self, f: &Frame, body: &[u8], at: u64) -> Result<(), Error> {
        match f.block_type {
            BlockType::SECTION_HEADER => {
                let section = section_header(body, f.endianness, at)?;
                self.swapped = section.endianness != Endianness::NATIVE;
                self.section = section;
                self.section_index = self.section_index.saturating_add(1);
                self.interfaces.clear();
                self.retained = body.len();
                Ok(())
            }
            BlockType::INTERFACE_DESCRIPTION => self.add_interface(body, f.endianness, at),
            BlockType::INTERFACE_STATISTICS => {
                self.record_stats(body, f.endianness, at);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn add_interface(&mut self, body: &[u8], e: Endianness, at: u64) -> Result<(), Error> {
        let info = interface(body, e, at)?;
        if self.interfaces.len() >= limits::MAX_INTERFACES {
            let kind = ErrorKind::LimitExceeded {
                what: "interfaces in one section",
                limit: limits::MAX_INTERFACES as u64,
            };
            return Err(Error::new(kind, at));
        }
        self.retain(body.len(), at)?;
        let max = info.packet_linktype().max_snaplen();
        // libpcap's MAX_BLOCKSIZE_FOR_SNAPLEN: an EPB of the largest packet plus 128 KiB.
        let need = max
            .saturating_add(32)
            .saturating_add(limits::BLOCK_OVERHEAD);
        self.max_block = self.max_block.max(need);
        if self.first.is_none() {
            self.first = Some(First::of(&info));
        }
        self.interfaces
            .push(InterfaceState::new(info, self.swapped));
        Ok(())
    }

    /// Keeps the latest statistics of an interface; statistics that do not parse or name no
    /// interface are ignored, as libpcap ignores all of them.
    fn record_stats(&mut self, body: &[u8], e: Endianness, at: u64) {
        let b = Body::new(body, e, BlockType::INTERFACE_STATISTICS, at);
        let Ok(isb) = InterfaceStatistics::parse(b) else {
            return;
        };
        let id = usize::try_from(isb.interface_id).unwrap_or(usize::MAX);
        let Some(iface) = self.interfaces.get_mut(id) else {
            return;
        };
        let size = isb.options.as_bytes().len();
        let retained = self
            .retained
            .saturating_sub(iface.stats_bytes)
            .saturating_add(size);
        if retained > limits::MAX_RETAINED {
            return;
        }
        self.retained = retained;
        iface.stats = Some(Statistics::from_block(&isb, &iface.info));
        iface.stats_bytes = size;
    }

    fn retain(&mut self, bytes: usize, at: u64) -> Result<(), Error> {
        match self.retained.checked_add(bytes) {
            Some(n) if n <= limits::MAX_RETAINED => {
                self.retained = n;
                Ok(())
            }
            _ => {
                let kind = ErrorKind::LimitExceeded {
                    what: "bytes of section metadata (section, interface and statistics options)",
                    limit: limits::MAX_RETAINED as u64,
                };
                Err(Error::new(kind, at))
            }
        }
    }

    /// The packet of a packet block (EPB, SPB, PB): its header, written into `header`, then
    /// its stored bytes and its options.
    #[inline(always)]
    fn packet<'a>(
        &self,
        f: &Frame,
        body: &'a [u8],
        at: u64,
        header: &mut PacketHeader,
    ) -> Result<(&'a [u8], Options<'a>), Error> {
        let b = Body::new(body, f.endianness, f.block_type, at);
        let (id, units, caplen, len, data, options) = match f.block_type {
            BlockType::ENHANCED_PACKET => {
                let p = EnhancedPacket::parse(b)?;
                let units = Some(p.timestamp);
                (
                    p.interface_id,
                    units,
                    p.captured_len,
                    p.original_len,
                    p.data,
                    p.options,
                )
            }
            BlockType::PACKET => {
                let p = PacketBlock::parse(b)?;
                let id = u32::from(p.interface_id);
                (
                    id,
                    Some(p.timestamp),
                    p.captured_len,
                    p.original_len,
                    p.data,
                    p.options,
                )
            }
            _ => {
                let p = SimplePacket::parse(b)?;
                let Some(i0) = self.interfaces.first() else {
                    return Err(unknown_interface(0, 0, at));
                };
                // libpcap reads the captured bytes and ignores any surplus. A block whose
                // length is not a multiple of 4 is one only Wireshark's rounding reads, and
                // Wireshark requires exactly the captured bytes plus padding: surplus there is
                // an error (`pythonpcapng__test007.ntar`; libpcap refuses the length).
                let want = p.original_len.min(i0.snaplen);
                let data = p.captured(i0.snaplen);
                let stored = u64::try_from(p.data.len()).unwrap_or(u64::MAX);
                if f.len % 4 != 0 && stored >= u64::from(want) + 4 {
                    let what = "simple packet block (length not a multiple of 4) holds more \
                                than its packet";
                    return Err(malformed(f, at, what));
                }
                let caplen = u32::try_from(data.len()).unwrap_or(u32::MAX);
                let options = Options::empty(f.endianness, f.block_type);
                (0, None, caplen, p.original_len, data, options)
            }
        };
        let Some(iface) = usize::try_from(id)
            .ok()
            .and_then(|i| self.interfaces.get(i))
        else {
            return Err(unknown_interface(id, self.interfaces.len(), at));
        };
        // A simple packet has no time stamp: libpcap gives it 0 units (the offset applies).
        let ts = iface.info.timestamp(units.unwrap_or(0));
        *header = PacketHeader::new(ts, caplen, len, iface.linktype)
            .with_interface_id(id)
            .with_flags(packet::flags(options));
        Ok((data, options))
    }
}

fn malformed(f: &Frame, at: u64, what: &'static str) -> Error {
    let kind = ErrorKind::Malformed {
        block: f.block_type,
        what,
    };
    Error::new(kind, at)
}

fn unknown_interface(id: u32, count: usize, at: u64) -> Error {
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    Error::new(ErrorKind::UnknownInterface { id, count }, at)
}

/// Decodes and checks a section header body (byte order `e`).
fn section_header(body: &[u8], e: Endianness, at: u64) -> Result<Section, Error> {
    let shb = SectionHeader::parse(Body::new(body, e, BlockType::SECTION_HEADER, at))?;
    let version = (shb.major_version, shb.minor_version);
    if !Section::is_supported_version(version) {
        let kind = ErrorKind::UnsupportedSectionVersion {
            major: version.0,
            minor: version.1,
        };
        return Err(Error::new(kind, at));
    }
    Ok(Section::from_block(&shb))
}

/// Decodes an interface description body strictly.
fn interface(body: &[u8], e: Endianness, at: u64) -> Result<Interface, Error> {
    let b = Body::new(body, e, BlockType::INTERFACE_DESCRIPTION, at);
    Interface::from_block(&InterfaceDescription::parse(b)?, at)
}

/// The interface id a packet block names (for errors about packets before any interface).
fn packet_interface(f: &Frame, body: &[u8]) -> u32 {
    let word = body.first_chunk::<4>().map(|w| f.endianness.u32(*w));
    match f.block_type {
        BlockType::ENHANCED_PACKET => word.unwrap_or(0),
        BlockType::PACKET => body
            .first_chunk::<2>()
            .map_or(0, |w| u32::from(f.endianness.u16(*w))),
        _ => 0,
    }
}

/// Reads the header of the next block without consuming it: `Ok(None)` at a clean end of the
/// input.
#[inline(always)]
fn peek_frame<R: Read>(
    input: &mut Input<R>,
    section: Endianness,
    max_block: u32,
) -> Result<Option<Frame>, Error> {
    if let Ok(head) = input.peek(block::HEADER_LEN) {
        if let Some(f) = head
            .first_chunk::<8>()
            .and_then(|h| block::quick_frame(*h, section, max_block))
        {
            return Ok(Some(f));
        }
    }
    peek_frame_slow(input, section, max_block)
}

/// [`peek_frame`] for section headers, errors and the end of the input.
#[cold]
#[inline(never)]
fn peek_frame_slow<R: Read>(
    input: &mut Input<R>,
    section: Endianness,
    max_block: u32,
) -> Result<Option<Frame>, Error> {
    let at = input.offset();
    let truncated = |got: usize, head: &[u8], needed: usize| {
        let block = head
            .first_chunk::<4>()
            .map_or(BlockType(0), |t| BlockType(section.u32(*t)));
        let kind = ErrorKind::TruncatedBlock {
            block,
            needed: needed as u64,
            got: got as u64,
        };
        Error::new(kind, at)
    };
    let mut want = block::HEADER_LEN;
    loop {
        match input.peek(want) {
            Ok(head) => {
                if want == block::HEADER_LEN && head.starts_with(&block::SHB_MAGIC) {
                    want = block::SHB_PREFIX_LEN;
                    continue;
                }
                return block::frame(head, section, max_block)
                    .map(Some)
                    .map_err(|k| Error::new(k, at));
            }
            Err(Short::Eof { got: 0 }) => return Ok(None),
            Err(Short::Eof { got }) => {
                let head = input.peek(got).unwrap_or_default().to_vec();
                return Err(truncated(got, &head, want));
            }
            Err(Short::Io(e)) => return Err(Error::new(ErrorKind::Io(e), at)),
        }
    }
}

/// Bytes of an Enhanced Packet Block before its packet data.
const QUICK_FIXED: usize = block::HEADER_LEN + 20;

/// An Enhanced Packet Block read by [`quick_epb`]: its header, and where its parts are
/// (offsets from the block's start).
struct QuickEpb<'s> {
    header: PacketHeader,
    interface: &'s InterfaceState,
    /// The whole block, padding and trailer included.
    padded: usize,
    /// The end of the packet data (which starts at [`QUICK_FIXED`]).
    data_end: usize,
    /// The options, `options_at..trailer`.
    options_at: usize,
    trailer: usize,
}

/// The common case of a packet block, at the start of `w` (at offset `at` in the file): an
/// Enhanced Packet Block whole in `w`, well formed, of a known interface, needing no fix-up,
/// read in one pass; its header is what [`Reader::packet_block`] would make of it. `None` for
/// anything else, which the general path then reads or reports.
#[inline(always)]
fn quick_epb<'s>(
    st: &'s State,
    e: Endianness,
    truncate_to: Option<Precision>,
    w: &[u8],
    at: u64,
) -> Option<QuickEpb<'s>> {
    let (head, _) = w.split_first_chunk::<QUICK_FIXED>()?;
    let [t0, t1, t2, t3, l0, l1, l2, l3, i0, i1, i2, i3, h0, h1, h2, h3, o0, o1, o2, o3, c0, c1, c2, c3, w0, w1, w2, w3] =
        *head;
    let len = e.u32([l0, l1, l2, l3]);
    if e.u32([t0, t1, t2, t3]) != BlockType::ENHANCED_PACKET.0
        || !(QUICK_FIXED as u32 + 4..=st.max_block).contains(&len)
    {
        return None;
    }
    let padded = usize::try_from(len.div_ceil(4)).ok()?.checked_mul(4)?;
    let caplen = e.u32([c0, c1, c2, c3]);
    let data_end = QUICK_FIXED.checked_add(usize::try_from(caplen).ok()?)?;
    let trailer = padded - 4;
    if data_end > trailer {
        return None;
    }
    let block = w.get(..padded)?;
    let (_, last) = block.split_last_chunk::<4>()?;
    if e.u32(*last) != len {
        return None;
    }
    let id = e.u32([i0, i1, i2, i3]);
    let iface = st.interfaces.get(usize::try_from(id).ok()?)?;
    if iface.fixup {
        return None;
    }
    let options_at = data_end
        .saturating_add(super::options::pad4(data_end - QUICK_FIXED))
        .min(trailer);
    let options = block.get(options_at..trailer).unwrap_or_default();
    let flags = if options.is_empty() {
        None
    } else {
        packet::flags(Options::new(options, e, BlockType::ENHANCED_PACKET, at))
    };
    let units = (u64::from(e.u32([h0, h1, h2, h3])) << 32) | u64::from(e.u32([o0, o1, o2, o3]));
    let mut ts = iface.info.timestamp(units);
    if let Some(p) = truncate_to {
        ts = ts.truncate(p);
    }
    let header = PacketHeader::new(ts, caplen, e.u32([w0, w1, w2, w3]), iface.linktype)
        .with_interface_id(id)
        .with_flags(flags);
    Some(QuickEpb {
        header,
        interface: iface,
        padded,
        data_end,
        options_at,
        trailer,
    })
}

/// Consumes the block `f` announces and returns its body (trailer checked).
#[inline]
fn take_block<'a, R: Read>(input: &'a mut Input<R>, f: &Frame) -> Result<&'a [u8], Error> {
    let at = input.offset();
    let span = take_block_span(input, f)?;
    block::body(input.bytes(&span), f).map_err(|k| Error::new(k, at))
}

/// Consumes the block `f` announces and returns it whole, as a span of the input.
#[inline(always)]
fn take_block_span<R: Read>(input: &mut Input<R>, f: &Frame) -> Result<Span, Error> {
    let at = input.offset();
    match input.take_span(f.padded) {
        Ok(span) => Ok(span),
        Err(Short::Eof { got }) => {
            let kind = ErrorKind::TruncatedBlock {
                block: f.block_type,
                needed: f.padded as u64,
                got: got as u64,
            };
            Err(Error::new(kind, at))
        }
        Err(Short::Io(e)) => Err(Error::new(ErrorKind::Io(e), at)),
    }
}

/// Consumes a block whose body nobody needs, without buffering it (a pointer bump in memory;
/// read and dropped from a stream); its trailer is still checked.
fn skip_block<R: Read>(input: &mut Input<R>, f: &Frame) -> Result<(), Error> {
    let at = input.offset();
    let to_trailer = f.padded.saturating_sub(4);
    let io = |e| Error::new(ErrorKind::Io(e), at);
    let skipped = input.skip(to_trailer as u64).map_err(io)?;
    let trailer = match input.take(4) {
        Ok(t) if skipped == to_trailer as u64 => t.first_chunk::<4>().copied(),
        Ok(_) => None,
        Err(Short::Io(e)) => return Err(io(e)),
        Err(Short::Eof { .. }) => None,
    };
    let Some(trailer) = trailer else {
        let got = input.offset().saturating_sub(at);
        let kind = ErrorKind::TruncatedBlock {
            block: f.block_type,
            needed: f.padded as u64,
            got,
        };
        return Err(Error::new(kind, at));
    };
    let trailing = f.endianness.u32(trailer);
    if trailing != f.len {
        let kind = ErrorKind::TrailerMismatch {
            block: f.block_type,
            leading: f.len,
            trailing,
        };
        return Err(Error::new(kind, at));
    }
    Ok(())
}

/// Where a packet came from; see [`Reader::next_in_context`].
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// The packet's options (none for a simple packet block), parsed only if iterated.
    pub options: Options<'a>,
    /// The interface the packet came from.
    pub interface: &'a Interface,
    /// The number of the interface's section, counting from 0.
    pub section: u32,
    /// The blocks other than packets read since the packet handed out before this one (or
    /// since the first section header), in order; empty unless the reader keeps them
    /// ([`Reader::keep_blocks`]).
    pub preceding: KeptBlocks<'a>,
}

/// Where the bytes of the packet last read are.
enum Data {
    /// In the input, as stored.
    Input(Span),
    /// In the reader's scratch buffer, fixed up (see `fixup`).
    Scratch,
}

/// Where the packet [`Reader::advance`] found is, in the input.
struct Found {
    data: Data,
    /// Its options.
    options: Span,
    endianness: Endianness,
    block: BlockType,
    /// Offset of its block.
    at: u64,
}

/// Whether the reader's state depends on blocks of this type.
fn updates_state(t: BlockType) -> bool {
    matches!(
        t,
        BlockType::SECTION_HEADER
            | BlockType::INTERFACE_DESCRIPTION
            | BlockType::INTERFACE_STATISTICS
    )
}

/// A pcapng file reader: one packet per [`Reader::next`], or one block per
/// [`Reader::next_block`], with the current section and its interfaces at hand.
///
/// See the [module documentation](super) for what is read and how it differs from libpcap.
pub struct Reader<R> {
    input: Input<R>,
    st: State,
    /// The first section header's body, until [`Reader::next_block`] has returned it.
    first_shb: Vec<u8>,
    pending_shb: bool,
    current: PacketHeader,
    scratch: Vec<u8>,
    truncate_to: Option<Precision>,
    packets: u64,
    done: bool,
    /// Blocks other than packets kept for a copy (see [`Reader::keep_blocks`]).
    kept: Kept,
}

impl<R> std::fmt::Debug for Reader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("pcapng::Reader")
            .field("section", &self.st.section_index)
            .field("endianness", &self.st.section.endianness)
            .field("interfaces", &self.st.interfaces.len())
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
    /// Reads the first section header from `reader` (and looks ahead for the first interface);
    /// packets follow with [`Reader::next`]. The reader is read in large chunks and needs no
    /// buffering of its own.
    pub fn new(reader: R) -> Result<Reader<R>, Error> {
        Reader::from_input(Input::from_reader(reader))
    }

    /// A reader over bytes in memory, for any stream type (see [`Reader::from_bytes`]).
    pub(crate) fn from_vec(bytes: Vec<u8>) -> Result<Reader<R>, Error> {
        Reader::from_input(Input::from_memory(Memory::Vec(bytes)))
    }

    pub(crate) fn from_input(mut input: Input<R>) -> Result<Reader<R>, Error> {
        let f = match input.peek(block::SHB_PREFIX_LEN) {
            Ok(head) => {
                if !head.starts_with(&block::SHB_MAGIC) {
                    let magic = head.first_chunk::<4>().copied().unwrap_or_default();
                    return Err(Error::new(ErrorKind::UnknownFormat(magic), 0));
                }
                block::frame(head, Endianness::NATIVE, limits::MAX_BLOCK_LEN)
                    .map_err(|k| Error::new(k, 0))?
            }
            Err(Short::Eof { got }) => {
                let kind = ErrorKind::TruncatedFileHeader {
                    needed: block::SHB_PREFIX_LEN as u64,
                    got: got as u64,
                };
                return Err(Error::new(kind, 0));
            }
            Err(Short::Io(e)) => return Err(Error::new(ErrorKind::Io(e), 0)),
        };
        let body = take_block(&mut input, &f)?;
        let section = section_header(body, f.endianness, 0)?;
        let first_shb = body.to_vec();
        let mut st = State::new(section, first_shb.len());
        st.first = look_ahead(&mut input, &st)?;
        Ok(Reader {
            input,
            st,
            first_shb,
            pending_shb: true,
            current: PacketHeader::new(Timestamp::EPOCH, 0, 0, Linktype::NULL),
            scratch: Vec::new(),
            truncate_to: None,
            packets: 0,
            done: false,
            kept: Kept::default(),
        })
    }

    /// The next packet; `Ok(None)` at the end of the file. Blocks other than packets update
    /// the reader's state (sections, interfaces, statistics) and are otherwise skipped.
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
        let Some(found) = self.advance(&mut keep)? else {
            return Ok(None);
        };
        Ok(Some(Packet {
            header: &self.current,
            data: self.data(&found.data),
        }))
    }

    /// [`Reader::next_in_context`] for the next packet `keep` accepts (see
    /// [`Reader::next_matching`]).
    #[inline]
    pub fn next_matching_in_context(
        &mut self,
        mut keep: impl FnMut(&PacketHeader, &[u8]) -> bool,
    ) -> Result<Option<(Packet<'_>, Context<'_>)>, Error> {
        Ok(self
            .next_full(&mut keep)?
            .map(|(p, options, interface, section, preceding)| {
                let context = Context {
                    options,
                    interface,
                    section,
                    preceding,
                };
                (p, context)
            }))
    }

    /// The next packet and its options, which are parsed only if iterated (decode them with
    /// [`PacketOptions::parse`](super::PacketOptions::parse)). A simple packet block has none.
    pub fn next_with_options(&mut self) -> Result<Option<(Packet<'_>, Options<'_>)>, Error> {
        Ok(self
            .next_full(&mut |_, _| true)?
            .map(|(p, o, _, _, _)| (p, o)))
    }

    /// Hands each packet `keep` accepts to `f` with its context, in order, until the end of the
    /// file (`Ok(ControlFlow::Continue(()))`), until `f` breaks (`Ok(ControlFlow::Break(b))`:
    /// the reader stands after that packet and reading can go on), or until an error, returned
    /// once every packet before it has been handed out; later calls then find the end.
    ///
    /// This is [`Reader::next_matching_in_context`] in a loop, and the fastest way through a
    /// file.
    #[inline]
    pub fn try_for_each_matching_in_context<B>(
        &mut self,
        mut keep: impl FnMut(&PacketHeader, &[u8]) -> bool,
        mut f: impl FnMut(Packet<'_>, Context<'_>) -> ControlFlow<B>,
    ) -> Result<ControlFlow<B>, Error> {
        let walks = self.input.walks();
        loop {
            if walks && !self.done {
                if self.pending_shb {
                    self.pending_shb = false;
                    self.first_shb = Vec::new();
                }
                if let Some(b) = self.walk_quick(&mut keep, &mut f) {
                    return Ok(ControlFlow::Break(b));
                }
            }
            // One packet the general way: a refill, other blocks, the end, an error or a
            // packet block the walk does not read.
            let Some((p, options, interface, section, preceding)) = self.next_full(&mut keep)?
            else {
                return Ok(ControlFlow::Continue(()));
            };
            let context = Context {
                options,
                interface,
                section,
                preceding,
            };
            if let ControlFlow::Break(b) = f(p, context) {
                return Ok(ControlFlow::Break(b));
            }
        }
    }

    /// The next packet with its context: its options, the interface it came from and the
    /// number of that interface's section (interface ids restart in every section).
    #[inline]
    pub fn next_in_context(&mut self) -> Result<Option<(Packet<'_>, Context<'_>)>, Error> {
        self.next_matching_in_context(|_, _| true)
    }

    /// The frame of the next block; the end of the file or an error ends the reader.
    #[inline]
    fn next_frame(&mut self) -> Result<Option<Frame>, Error> {
        let frame = peek_frame(
            &mut self.input,
            self.st.section.endianness,
            self.st.max_block,
        );
        if !matches!(frame, Ok(Some(_))) {
            self.done = true;
        }
        frame
    }

    /// The bytes of the packet [`Reader::advance`] found.
    #[inline(always)]
    fn data(&self, data: &Data) -> &[u8] {
        match data {
            Data::Input(span) => self.input.bytes(span),
            Data::Scratch => &self.scratch,
        }
    }

    /// Reads blocks up to the next packet `keep` accepts, whose header it leaves in
    /// `self.current`. Nothing borrowed is returned, so that the loop can go on past the
    /// packets `keep` rejects; callers slice the packet from what is returned.
    #[inline]
    fn advance(
        &mut self,
        keep: &mut impl FnMut(&PacketHeader, &[u8]) -> bool,
    ) -> Result<Option<Found>, Error> {
        if self.done {
            return Ok(None);
        }
        if self.pending_shb {
            self.pending_shb = false;
            self.first_shb = Vec::new();
        }
        self.kept.refresh();
        loop {
            if let Some(found) = self.quick_packet() {
                self.packets = self.packets.saturating_add(1);
                if keep(&self.current, self.data(&found.data)) {
                    self.kept.delivered();
                    return Ok(Some(found));
                }
                continue;
            }
            let Some(f) = self.next_frame()? else {
                return Ok(None);
            };
            let at = self.input.offset();
            if !f.block_type.is_packet() {
                // Blocks before the next packet: state only (and kept for a copy, if asked).
                let applied = if self.kept.on || updates_state(f.block_type) {
                    self.other_block(&f, at)
                } else {
                    skip_block(&mut self.input, &f)
                };
                if let Err(e) = applied {
                    self.done = true;
                    return Err(e);
                }
                continue;
            }
            let found = match self.packet_block(&f, at) {
                Ok(found) => found,
                Err(e) => {
                    self.done = true;
                    return Err(e);
                }
            };
            self.packets = self.packets.saturating_add(1);
            if keep(&self.current, self.data(&found.data)) {
                self.kept.delivered();
                return Ok(Some(found));
            }
        }
    }

    /// The common case of a packet block, in one pass over bytes already buffered (see
    /// [`quick_epb`]). It leaves the header in `self.current` exactly as
    /// [`Reader::packet_block`] would; `None` (nothing consumed) for anything else, which the
    /// general path then reads or reports.
    #[inline(always)]
    fn quick_packet(&mut self) -> Option<Found> {
        let at = self.input.offset();
        let e = self.st.section.endianness;
        let q = quick_epb(&self.st, e, self.truncate_to, self.input.window(), at)?;
        self.current = q.header;
        let span = self.input.consume(q.padded);
        Some(Found {
            data: Data::Input(span.sub(QUICK_FIXED, q.data_end - QUICK_FIXED)),
            options: span.sub(q.options_at, q.trailer - q.options_at),
            endianness: self.st.section.endianness,
            block: BlockType::ENHANCED_PACKET,
            at,
        })
    }

    /// Walks the blocks whole in the buffer that [`quick_epb`] reads, handing the packets
    /// `keep` accepts to `f` with their context; stops at the first other block, at the end of
    /// the buffer, or when `f` breaks (then with its value). Consumes what it walked and
    /// leaves the last header in `self.current`, as [`Reader::advance`] would.
    #[inline(always)]
    fn walk_quick<B>(
        &mut self,
        keep: &mut impl FnMut(&PacketHeader, &[u8]) -> bool,
        f: &mut impl FnMut(Packet<'_>, Context<'_>) -> ControlFlow<B>,
    ) -> Option<B> {
        // One loop per byte order, each with its order known when compiled.
        match self.st.section.endianness {
            Endianness::Little => self.walk_quick_in(Endianness::Little, keep, f),
            Endianness::Big => self.walk_quick_in(Endianness::Big, keep, f),
        }
    }

    /// [`Reader::walk_quick`] in a section of byte order `e`.
    #[inline(always)]
    fn walk_quick_in<B>(
        &mut self,
        e: Endianness,
        keep: &mut impl FnMut(&PacketHeader, &[u8]) -> bool,
        f: &mut impl FnMut(Packet<'_>, Context<'_>) -> ControlFlow<B>,
    ) -> Option<B> {
        let truncate_to = self.truncate_to;
        let keeping = self.kept.on;
        self.kept.refresh();
        let section = self.st.section_index;
        let base = self.input.offset();
        let mut header = self.current;
        let mut broke = None;
        let mut packets = 0u64;
        let window = self.input.window();
        let mut rest = window;
        loop {
            let at = base + (window.len() - rest.len()) as u64;
            let Some(q) = quick_epb(&self.st, e, truncate_to, rest, at) else {
                break;
            };
            let (Some(block), Some(next)) = (rest.get(..q.padded), rest.get(q.padded..)) else {
                break;
            };
            rest = next;
            packets += 1;
            header = q.header;
            let data = block.get(QUICK_FIXED..q.data_end).unwrap_or_default();
            if keeping {
                self.kept.refresh();
            }
            if keep(&header, data) {
                if keeping {
                    self.kept.delivered();
                }
                let context = Context {
                    options: Options::new(
                        block.get(q.options_at..q.trailer).unwrap_or_default(),
                        e,
                        BlockType::ENHANCED_PACKET,
                        at,
                    ),
                    interface: &q.interface.info,
                    section,
                    preceding: self.kept.blocks(),
                };
                let packet = Packet {
                    header: &header,
                    data,
                };
                if let ControlFlow::Break(b) = f(packet, context) {
                    broke = Some(b);
                    break;
                }
            }
        }
        let walked = window.len() - rest.len();
        self.input.consume(walked);
        self.current = header;
        self.packets = self.packets.saturating_add(packets);
        broke
    }

    /// Consumes a block other than a packet (at offset `at`) that the reader's state depends
    /// on or that is to be kept.
    fn other_block(&mut self, f: &Frame, at: u64) -> Result<(), Error> {
        let block = take_block_span(&mut self.input, f)?;
        let body = block::body(self.input.bytes(&block), f).map_err(|k| Error::new(k, at))?;
        if updates_state(f.block_type) {
            self.st.apply(f, body, at)?;
        }
        if self.kept.on {
            self.kept.push(f.block_type, f.endianness, body, at)?;
        }
        Ok(())
    }

    /// Keeps every block other than a packet that [`Reader::next`] and its kin read (section
    /// headers after the first, interface descriptions, statistics, name resolution,
    /// decryption secrets, custom and unknown blocks), from the next one read on, so that a
    /// copy of the file can write them where they were: those before a packet come in its
    /// [`Context::preceding`]; those after the last packet, once the reader has returned
    /// `Ok(None)`, from [`Reader::kept_blocks`]. At most [`limits::MAX_RETAINED`] bytes of
    /// them between two packets (an error beyond). Off by default: a reader that only reads
    /// copies nothing.
    pub fn keep_blocks(&mut self, keep: bool) {
        self.kept.on = keep;
    }

    /// The blocks kept (see [`Reader::keep_blocks`]) since the last packet handed out: after
    /// the end of the file, those that follow the last packet.
    pub fn kept_blocks(&self) -> KeptBlocks<'_> {
        self.kept.blocks()
    }

    /// Consumes the packet block `f` (at offset `at`), leaves its header in `self.current` and
    /// says where its bytes and options are.
    #[inline(always)]
    fn packet_block(&mut self, f: &Frame, at: u64) -> Result<Found, Error> {
        let block = take_block_span(&mut self.input, f)?;
        let bytes = self.input.bytes(&block);
        let body = block::body(bytes, f).map_err(|k| Error::new(k, at))?;
        let header = &mut self.current;
        let (data, options) = self.st.packet(f, body, at, header)?;
        let options = block.within(bytes, options.as_bytes());
        if let Some(p) = self.truncate_to {
            header.ts = header.ts.truncate(p);
        }
        let data = if fixup::needed(header.linktype(), self.st.swapped) {
            self.scratch.clear();
            self.scratch.extend_from_slice(data);
            fixup::apply(
                header.linktype(),
                self.st.swapped,
                &mut header.len,
                &mut self.scratch,
            );
            Data::Scratch
        } else {
            Data::Input(block.within(bytes, data))
        };
        Ok(Found {
            data,
            options,
            endianness: f.endianness,
            block: f.block_type,
            at,
        })
    }

    #[inline]
    #[allow(clippy::type_complexity)]
    fn next_full(
        &mut self,
        keep: &mut impl FnMut(&PacketHeader, &[u8]) -> bool,
    ) -> Result<Option<(Packet<'_>, Options<'_>, &Interface, u32, KeptBlocks<'_>)>, Error> {
        let Some(found) = self.advance(keep)? else {
            return Ok(None);
        };
        let id = usize::try_from(self.current.interface_id()).unwrap_or(usize::MAX);
        let Some(interface) = self.st.interfaces.get(id) else {
            // `State::packet` checked the id against the section's interfaces.
            self.done = true;
            let count = u32::try_from(self.st.interfaces.len()).unwrap_or(u32::MAX);
            let kind = ErrorKind::UnknownInterface {
                id: self.current.interface_id(),
                count,
            };
            return Err(Error::new(kind, found.at));
        };
        let options = Options::new(
            self.input.bytes(&found.options),
            found.endianness,
            found.block,
            found.at,
        );
        let data = match &found.data {
            Data::Input(span) => self.input.bytes(span),
            Data::Scratch => &self.scratch,
        };
        Ok(Some((
            Packet {
                header: &self.current,
                data,
            },
            options,
            &interface.info,
            self.st.section_index,
            self.kept.blocks(),
        )))
    }

    /// The next block of any type, as stored, updating the reader's state as
    /// [`Reader::next`] does (the first call returns the section header read at open).
    /// `Ok(None)` at the end of the file.
    ///
    /// Errors in what the reader needs (framing, section headers, interface descriptions,
    /// packet blocks) end the file: later calls return `Ok(None)`. An error in the fixed
    /// fields of a block the reader does not need (name resolution, statistics, decryption
    /// secrets, custom) is returned for that block alone, and the next call reads on.
    ///
    /// Packet data is returned as stored, without the post-processing [`Reader::next`]
    /// applies for a few link types.
    pub fn next_block(&mut self) -> Result<Option<Block<'_>>, Error> {
        if self.done {
            return Ok(None);
        }
        if self.pending_shb {
            self.pending_shb = false;
            let e = self.st.section.endianness;
            let b = Body::new(&self.first_shb, e, BlockType::SECTION_HEADER, 0);
            return SectionHeader::parse(b).map(|s| Some(Block::SectionHeader(s)));
        }
        if !self.first_shb.is_empty() {
            self.first_shb = Vec::new();
        }
        let Some(f) = self.next_frame()? else {
            return Ok(None);
        };
        let at = self.input.offset();
        let body = match take_block(&mut self.input, &f) {
            Ok(b) => b,
            Err(e) => {
                self.done = true;
                return Err(e);
            }
        };
        let checked = if f.block_type.is_packet() {
            let mut header = self.current;
            self.st.packet(&f, body, at, &mut header).map(|_| ())
        } else {
            self.st.apply(&f, body, at)
        };
        if let Err(e) = checked {
            self.done = true;
            return Err(e);
        }
        if f.block_type.is_packet() {
            self.packets = self.packets.saturating_add(1);
        }
        Block::parse(f.block_type, body, f.endianness, at).map(Some)
    }

    /// The link type of the file's first interface, as libpcap's `pcap_datalink` reports it;
    /// `None` while no interface has been seen (the reader looks ahead for it at open). Each
    /// packet's header carries its own interface's link type.
    pub fn linktype(&self) -> Option<Linktype> {
        self.st.first.map(|f| f.linktype)
    }

    /// The snapshot length of the file's first interface as libpcap's `pcap_snapshot`
    /// reports it (0 or above `i32::MAX`: the link type's maximum).
    pub fn snaplen(&self) -> Option<u32> {
        self.st.first.map(|f| f.snaplen)
    }

    /// Resolution of the first interface's time stamps (microseconds when none is known;
    /// nanoseconds for anything finer than a microsecond).
    pub fn precision(&self) -> Precision {
        self.st.first.map_or(Precision::Micro, |f| f.precision)
    }

    /// Truncates delivered time stamps to microseconds (`Some(Precision::Micro)`), as libpcap
    /// does when a file is opened with microsecond precision, or stops doing so.
    pub fn set_precision(&mut self, precision: Option<Precision>) {
        self.truncate_to = precision;
    }

    /// `(major, minor)` version of the first section, as libpcap's `pcap_major_version` and
    /// `pcap_minor_version` report it (the current section's is in [`Reader::section`]).
    pub fn version(&self) -> (u16, u16) {
        self.st.first_version
    }

    /// Byte order of the current section.
    pub fn endianness(&self) -> Endianness {
        self.st.section.endianness
    }

    /// The current section (its header's fields and options).
    pub fn section(&self) -> &Section {
        &self.st.section
    }

    /// The number of the current section, counting from 0.
    pub fn section_index(&self) -> u32 {
        self.st.section_index
    }

    /// The interfaces of the current section described so far, by id.
    pub fn interfaces(&self) -> impl ExactSizeIterator<Item = &Interface> + '_ {
        self.st.interfaces.iter().map(|i| &i.info)
    }

    /// Interface `id` of the current section.
    pub fn interface(&self, id: u32) -> Option<&Interface> {
        let i = usize::try_from(id).ok()?;
        self.st.interfaces.get(i).map(|i| &i.info)
    }

    /// The latest statistics read for interface `id` of the current section.
    pub fn statistics(&self, id: u32) -> Option<&Statistics> {
        let i = usize::try_from(id).ok()?;
        self.st.interfaces.get(i).and_then(|i| i.stats.as_ref())
    }

    /// Packets read so far (including those [`Reader::next_matching`] skipped).
    pub fn packets(&self) -> u64 {
        self.packets
    }

    /// Byte offset of the next block.
    pub fn offset(&self) -> u64 {
        self.input.offset()
    }

    /// The underlying reader, when reading from a stream.
    pub fn into_inner(self) -> Option<R> {
        self.input.into_reader()
    }
}

/// Finds the first interface description without consuming anything, as libpcap reads up to
/// it at open. Errors before it are errors at open (libpcap refuses such files too); the end
/// of the input, or more than [`limits::MAX_LOOKAHEAD`] bytes without one, is not an error.
fn look_ahead<R: Read>(input: &mut Input<R>, st: &State) -> Result<Option<First>, Error> {
    let base = input.offset();
    let mut e = st.section.endianness;
    let mut at: usize = 0;
    while at <= limits::MAX_LOOKAHEAD {
        let here = base.saturating_add(at as u64);
        let window = |input: &mut Input<R>, n: usize| -> Result<Option<Vec<u8>>, Error> {
            let end = at.saturating_add(n);
            match input.peek(end) {
                Ok(w) => Ok(w.get(at..end).map(<[u8]>::to_vec)),
                Err(Short::Eof { got }) if got == at => Ok(None),
                Err(Short::Eof { got }) => {
                    let kind = ErrorKind::TruncatedBlock {
                        block: BlockType(0),
                        needed: n as u64,
                        got: got.saturating_sub(at) as u64,
                    };
                    Err(Error::new(kind, here))
                }
                Err(Short::Io(err)) => Err(Error::new(ErrorKind::Io(err), here)),
            }
        };
        let Some(mut head) = window(input, block::HEADER_LEN)? else {
            return Ok(None);
        };
        if head.starts_with(&block::SHB_MAGIC) {
            head = window(input, block::SHB_PREFIX_LEN)?.unwrap_or_default();
        }
        let f = block::frame(&head, e, st.max_block).map_err(|k| Error::new(k, here))?;
        let end = at.saturating_add(f.padded);
        let bytes = match input.peek(end) {
            Ok(w) => w.get(at..end).unwrap_or_default(),
            Err(Short::Eof { got }) => {
                let kind = ErrorKind::TruncatedBlock {
                    block: f.block_type,
                    needed: f.padded as u64,
                    got: got.saturating_sub(at) as u64,
                };
                return Err(Error::new(kind, here));
            }
            Err(Short::Io(err)) => return Err(Error::new(ErrorKind::Io(err), here)),
        };
        let body = block::body(bytes, &f).map_err(|k| Error::new(k, here))?;
        match f.block_type {
            BlockType::SECTION_HEADER => e = section_header(body, f.endianness, here)?.endianness,
            BlockType::INTERFACE_DESCRIPTION => {
                return Ok(Some(First::of(&interface(body, e, here)?)));
            }
            t if t.is_packet() => {
                return Err(unknown_interface(packet_interface(&f, body), 0, here));
            }
            _ => {}
        }
        at = end;
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::pcapng::fixtures::File;
    use crate::file::pcapng::{Block, OptionCode, PacketOptions, TsResolution};
    use crate::packet::{Direction, OwnedPacket};

    const BOTH: [Endianness; 2] = [Endianness::Little, Endianness::Big];

    /// Whether an error is of the expected kind.
    type KindCheck = fn(&ErrorKind) -> bool;

    fn open(f: &File) -> Result<Reader<std::io::Empty>, Error> {
        Reader::from_bytes(f.bytes())
    }

    fn all(r: &mut Reader<impl Read>) -> (Vec<OwnedPacket>, Result<(), Error>) {
        let mut out = Vec::new();
        loop {
            match r.next() {
                Ok(Some(p)) => out.push(p.to_owned()),
                Ok(None) => return (out, Ok(())),
                Err(e) => {
                    assert!(
                        matches!(r.next(), Ok(None)),
                        "a failed reader stays finished"
                    );
                    return (out, Err(e));
                }
            }
        }
    }

    /// A reader that hands out at most 5 bytes per call.
    struct Dribble(Vec<u8>, usize);
    impl Read for Dribble {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let rest = self.0.get(self.1..).unwrap_or_default();
            let n = rest.len().min(out.len()).min(5);
            out[..n].copy_from_slice(&rest[..n]);
            self.1 += n;
            Ok(n)
        }
    }

    #[test]
    fn packets_and_metadata_in_both_orders() {
        for e in BOTH {
            let flags = e.put_u32(0x21);
            let f = File::empty()
                .shb(e, (1, 0), u64::MAX, &[(2, b"box"), (1, b"hello")])
                .idb(1, 96, &[(2, b"eth0"), (9, &[9])])
                .idb(12, 0, &[])
                .epb(
                    0,
                    1_500_000_000_123_456_789,
                    b"abcde",
                    60,
                    &[(2, &flags), (1, b"c1")],
                )
                .epb(1, 2_000_000, b"xyz", 3, &[]);
            let mut r = open(&f).unwrap();
            assert_eq!(r.linktype(), Some(Linktype::EN10MB));
            assert_eq!(r.snaplen(), Some(96));
            assert_eq!(r.precision(), Precision::Nano);
            assert_eq!(r.version(), (1, 0));
            assert_eq!(r.endianness(), e);
            assert_eq!(r.section().hardware.as_deref(), Some("box"));
            assert_eq!(r.section().comments, ["hello"]);
            {
                let (p, opts) = r.next_with_options().unwrap().unwrap();
                assert_eq!(p.header.ts, Timestamp::new(1_500_000_000, 123_456_789));
                assert_eq!((p.header.caplen, p.header.len), (5, 60));
                assert_eq!(p.data, b"abcde");
                assert_eq!(p.header.interface_id(), 0);
                assert_eq!(p.header.linktype(), Linktype::EN10MB);
                assert_eq!(p.header.flags(), Some(0x21));
                assert_eq!(p.header.direction(), Some(Direction::In));
                let opts = PacketOptions::parse(opts).unwrap();
                assert_eq!(opts.comments, ["c1"]);
                assert_eq!(opts.flags, Some(0x21));
            }
            let p = r.next().unwrap().unwrap();
            // Stored 12 (raw IP's BSD value) reads as LINKTYPE_RAW, like libpcap.
            assert_eq!(p.header.linktype(), Linktype::RAW);
            assert_eq!(p.header.interface_id(), 1);
            assert_eq!(p.header.ts, Timestamp::new(2, 0));
            assert_eq!(p.header.flags(), None);
            assert!(r.next().unwrap().is_none());
            assert_eq!(r.packets(), 2);
            assert_eq!(r.interfaces().len(), 2);
            assert_eq!(r.interface(0).unwrap().name.as_deref(), Some("eth0"));
            assert_eq!(r.interface(1).unwrap().linktype, Linktype(12));
            assert!(r.interface(2).is_none());
        }
    }

    #[test]
    fn sections_restart_interfaces_and_may_change_byte_order() {
        for e in BOTH {
            let other = if e == Endianness::Little {
                Endianness::Big
            } else {
                Endianness::Little
            };
            let f = File::new(e)
                .idb(1, 0, &[])
                .epb(0, 1, b"one", 3, &[])
                .shb(other, (1, 2), 0, &[])
                .idb(113, 64, &[(9, &[3])])
                .epb(0, 1_234, b"two", 3, &[]);
            let at = f.len();
            let f = f.epb(1, 0, b"bad", 3, &[]);
            let mut r = open(&f).unwrap();
            let (pkts, end) = all(&mut r);
            assert_eq!(pkts.len(), 2);
            assert_eq!(pkts[1].header.linktype(), Linktype::LINUX_SLL);
            assert_eq!(pkts[1].header.interface_id(), 0);
            assert_eq!(pkts[1].header.ts, Timestamp::new(1, 234_000_000));
            let err = end.unwrap_err();
            assert_eq!(err.offset(), Some(at));
            assert!(matches!(
                err.kind(),
                ErrorKind::UnknownInterface { id: 1, count: 1 }
            ));
            assert_eq!(r.section_index(), 1);
            assert_eq!(r.endianness(), other);
            assert_eq!(r.section().version, (1, 2));
            assert_eq!(r.version(), (1, 0));
            assert_eq!(r.section().section_length, Some(0));
            // libpcap's view stays the first interface's.
            assert_eq!(r.linktype(), Some(Linktype::EN10MB));
            assert_eq!(r.snaplen(), Some(262_144));
        }
    }

    #[test]
    fn simple_packets() {
        for e in BOTH {
            let off = e.put_u64(100);
            let f = File::new(e)
                .idb(1, 4, &[(14, &off)])
                .spb(10, b"abcd")
                .spb(2, b"xy")
                .shb(e, (1, 0), u64::MAX, &[]);
            let at = f.len();
            let f = f.spb(1, b"z");
            let (pkts, end) = all(&mut open(&f).unwrap());
            assert_eq!(pkts.len(), 2);
            assert_eq!(pkts[0].data, b"abcd");
            assert_eq!((pkts[0].header.caplen, pkts[0].header.len), (4, 10));
            // No time stamp: libpcap gives 0 units, i.e. the offset.
            assert_eq!(pkts[0].header.ts, Timestamp::new(100, 0));
            assert_eq!(pkts[1].data, b"xy");
            let err = end.unwrap_err();
            assert_eq!(err.offset(), Some(at));
            assert!(matches!(
                err.kind(),
                ErrorKind::UnknownInterface { id: 0, count: 0 }
            ));
        }
    }

    #[test]
    fn simple_packet_snaplen_and_surplus() {
        let e = Endianness::Little;
        // Snapshot length 0 means the link type's maximum; surplus in an aligned block is
        // ignored as libpcap ignores it.
        let f = File::new(e)
            .idb(1, 0, &[])
            .spb(3, b"abcdefgh")
            .spb(8, b"abc");
        let (pkts, end) = all(&mut open(&f).unwrap());
        end.unwrap();
        assert_eq!(pkts[0].data, b"abc");
        // Fewer bytes stored than the packet's length: what is there.
        assert_eq!(pkts[1].data, b"abc\0");
        assert_eq!(pkts[1].header.caplen, 4);
    }

    #[test]
    fn obsolete_packet_blocks() {
        for e in BOTH {
            let f = File::new(e)
                .idb(1, 0, &[(9, &[3])])
                .pb(0, 7, 5_250, b"pkt", 40);
            let mut r = open(&f).unwrap();
            let p = r.next().unwrap().unwrap();
            assert_eq!(p.data, b"pkt");
            assert_eq!(p.header.ts, Timestamp::new(5, 250_000_000));
            assert_eq!(p.header.flags(), Some(2));
            assert_eq!(p.header.direction(), Some(Direction::Out));
            let mut r = open(&f).unwrap();
            let kinds: Vec<BlockType> =
                std::iter::from_fn(|| r.next_block().unwrap().map(|b| b.block_type())).collect();
            assert_eq!(kinds.last(), Some(&BlockType::PACKET));
        }
    }

    #[test]
    fn time_stamp_resolutions_and_offsets() {
        let e = Endianness::Big;
        let neg = e.put_u64(-10i64 as u64);
        let f = File::new(e)
            .idb(1, 0, &[(9, &[0x88]), (14, &neg)])
            .epb(0, (1_519_128_000 << 8) + 50, b"", 0, &[])
            .idb(1, 0, &[(9, &[0])])
            .epb(1, 7, b"", 0, &[]);
        let mut r = open(&f).unwrap();
        assert_eq!(r.precision(), Precision::Micro);
        let p = r.next().unwrap().unwrap();
        assert_eq!(p.header.ts, Timestamp::new(1_519_127_990, 195_312_500));
        assert_eq!(r.next().unwrap().unwrap().header.ts, Timestamp::new(7, 0));
        assert_eq!(
            r.interface(0).unwrap().tsresol,
            TsResolution::binary(8).unwrap()
        );
    }

    #[test]
    fn truncating_to_microseconds() {
        let f = File::new(Endianness::Little).idb(1, 0, &[(9, &[9])]).epb(
            0,
            1_000_001_999,
            b"",
            0,
            &[],
        );
        let mut r = open(&f).unwrap();
        r.set_precision(Some(Precision::Micro));
        assert_eq!(
            r.next().unwrap().unwrap().header.ts,
            Timestamp::new(1, 1_000)
        );
    }

    fn with_other_blocks(e: Endianness) -> File {
        let recv = e.put_u64(42);
        let mut nrb = Vec::new();
        nrb.extend_from_slice(&e.put_u16(1));
        nrb.extend_from_slice(&e.put_u16(8));
        nrb.extend_from_slice(&[10, 0, 0, 1, b'h', b'o', b's', 0, 0, 0, 0, 0]);
        let mut cb = e.put_u32(32473).to_vec();
        cb.extend_from_slice(&[1, 2, 3, 4]);
        let mut dsb = e.put_u32(0x544c_534b).to_vec();
        dsb.extend_from_slice(&[0, 0, 0, 0]);
        File::new(e)
            .block(4, &nrb)
            .block(0x0BAD, &cb)
            .idb(1, 0, &[])
            .epb(0, 1, b"a", 1, &[])
            .isb(0, 5, &[(4, &recv)])
            .block(0x0A, &dsb)
            .block(0x4000_0BAD, &e.put_u32(1))
            .block(0x8000_0001, &[9, 9, 9, 9])
            .isb(7, 5, &[])
            .epb(0, 2, b"b", 1, &[])
    }

    /// What a reader hands out per packet, with its context, owned: the packet, its options'
    /// bytes and offset, its interface's link type, its section, and the kept blocks before it.
    type Seen = (
        OwnedPacket,
        Vec<u8>,
        u64,
        Linktype,
        u32,
        Vec<(BlockType, u64)>,
    );

    fn seen(p: Packet<'_>, c: Context<'_>) -> Seen {
        (
            p.to_owned(),
            c.options.as_bytes().to_vec(),
            c.options.block_offset(),
            c.interface.linktype,
            c.section,
            c.preceding.map(|b| (b.block_type, b.offset)).collect(),
        )
    }

    /// Every packet by `next_matching_in_context`, and how it ended.
    fn all_next(r: &mut Reader<impl Read>, keep: KeepFn) -> (Vec<Seen>, Option<u64>) {
        let mut out = Vec::new();
        loop {
            match r.next_matching_in_context(keep) {
                Ok(Some((p, c))) => out.push(seen(p, c)),
                Ok(None) => return (out, None),
                Err(e) => return (out, Some(e.offset().unwrap_or(u64::MAX))),
            }
        }
    }

    /// Every packet by `try_for_each_matching_in_context`, breaking every `stride` packets and
    /// going on, and how it ended.
    fn all_walked(
        r: &mut Reader<impl Read>,
        keep: KeepFn,
        stride: usize,
    ) -> (Vec<Seen>, Option<u64>) {
        let mut out = Vec::new();
        loop {
            let mut taken = 0;
            let end = r.try_for_each_matching_in_context(keep, |p, c| {
                out.push(seen(p, c));
                taken += 1;
                if taken == stride {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            });
            match end {
                Ok(ControlFlow::Continue(())) => return (out, None),
                Ok(ControlFlow::Break(())) => {}
                Err(e) => return (out, Some(e.offset().unwrap_or(u64::MAX))),
            }
        }
    }

    type KeepFn = fn(&PacketHeader, &[u8]) -> bool;

    #[test]
    fn walking_gives_what_next_gives() {
        for e in BOTH {
            let flags = e.put_u32(0x21);
            let mut f = with_other_blocks(e).idb(1, 4, &[(9, &[3])]).epb(
                1,
                7,
                b"abcdefgh",
                9,
                &[(2, &flags), (1, b"c1")],
            );
            for i in 0..200u32 {
                let data = vec![i as u8; (i % 37) as usize];
                f = f.epb(i % 2, u64::from(i) * 1000, &data, i % 37 + 3, &[]);
                if i % 50 == 7 {
                    f = f.isb(0, u64::from(i), &[]).spb(10, b"simple!!");
                }
            }
            // A second section in the other byte order, then a cut block.
            let other = if e == Endianness::Little {
                Endianness::Big
            } else {
                Endianness::Little
            };
            let tail = File::new(other)
                .idb(1, 0, &[])
                .epb(0, 5, b"xyz", 3, &[])
                .bytes();
            let mut bytes = f.bytes();
            bytes.extend_from_slice(&tail);
            let whole = bytes.clone();
            bytes.truncate(bytes.len() - 6);
            let keeps: [KeepFn; 3] = [|_, _| true, |_, _| false, |h, _| h.len % 3 == 0];
            for input in [whole, bytes] {
                for (k, keep) in keeps.into_iter().enumerate() {
                    for kept in [false, true] {
                        let mut r = Reader::from_bytes(input.clone()).unwrap();
                        r.keep_blocks(kept);
                        let want = all_next(&mut r, keep);
                        if kept && k == 0 {
                            // Every packet, some with blocks before them.
                            assert!(want.0.len() > 200);
                            assert!(want.0.iter().any(|w| !w.5.is_empty()));
                        }
                        for stride in [1, 3, usize::MAX] {
                            let mut m = Reader::from_bytes(input.clone()).unwrap();
                            let mut d = Reader::new(Dribble(input.clone(), 0)).unwrap();
                            let mut b = Reader::new(&input[..]).unwrap();
                            for r in [&mut m as &mut dyn ReadAll, &mut d, &mut b] {
                                r.keep(kept);
                                assert_eq!(r.walked(keep, stride), want, "{e:?} stride {stride}");
                            }
                        }
                    }
                }
            }
        }
    }

    /// Readers of any stream type, for the test above.
    trait ReadAll {
        fn keep(&mut self, on: bool);
        fn walked(&mut self, keep: KeepFn, stride: usize) -> (Vec<Seen>, Option<u64>);
    }

    impl<R: Read> ReadAll for Reader<R> {
        fn keep(&mut self, on: bool) {
            self.keep_blocks(on);
        }
        fn walked(&mut self, keep: KeepFn, stride: usize) -> (Vec<Seen>, Option<u64>) {
            all_walked(self, keep, stride)
        }
    }

    #[test]
    fn other_blocks_are_skipped_by_next() {
        for e in BOTH {
            let f = with_other_blocks(e);
            let mut r = open(&f).unwrap();
            // Found by looking ahead past the name resolution and custom blocks.
            assert_eq!(r.linktype(), Some(Linktype::EN10MB));
            let (pkts, end) = all(&mut r);
            end.unwrap();
            assert_eq!(pkts.len(), 2);
            let stats = r.statistics(0).unwrap();
            assert_eq!(stats.received, Some(42));
            assert_eq!(stats.timestamp, Timestamp::new(0, 5_000));
            assert!(r.statistics(7).is_none());
            // Streamed in tiny pieces: the same.
            let mut s = Reader::new(Dribble(f.bytes(), 0)).unwrap();
            let (spkts, send) = all(&mut s);
            send.unwrap();
            assert_eq!(spkts, pkts);
            assert!(s.into_inner().is_some());
        }
    }

    #[test]
    fn next_block_returns_every_block() {
        for e in BOTH {
            let f = with_other_blocks(e);
            let mut r = open(&f).unwrap();
            let mut seen = Vec::new();
            while let Some(b) = r.next_block().unwrap() {
                match b {
                    Block::SectionHeader(s) => assert_eq!(s.endianness, e),
                    Block::NameResolution(n) => {
                        let rec = n.records().next().unwrap().unwrap();
                        assert_eq!(rec.address().unwrap().to_string(), "10.0.0.1");
                        assert_eq!(rec.names().collect::<Vec<_>>(), ["hos"]);
                    }
                    Block::Custom(c) => assert!(c.pen == 32473 || c.pen == 1),
                    Block::EnhancedPacket(p) => assert_eq!(p.data.len(), 1),
                    Block::InterfaceStatistics(s) => {
                        let recv = s.options.find(OptionCode::ISB_IFRECV);
                        assert!(s.interface_id == 7 || recv.unwrap().as_u64() == Some(42));
                    }
                    Block::DecryptionSecrets(d) => assert_eq!(d.secrets_type, 0x544c_534b),
                    Block::Unknown(u) => assert_eq!(u.body, &[9, 9, 9, 9]),
                    _ => {}
                }
                seen.push(b.block_type().0);
            }
            assert_eq!(
                seen,
                [
                    0x0A0D_0D0A,
                    4,
                    0xBAD,
                    1,
                    6,
                    5,
                    0xA,
                    0x4000_0BAD,
                    0x8000_0001,
                    5,
                    6
                ]
            );
            assert_eq!(r.packets(), 2);
        }
    }

    #[test]
    fn bad_other_blocks_are_reported_then_skipped() {
        let e = Endianness::Little;
        let f = File::new(e)
            .idb(1, 0, &[])
            .block(0x0A, &[1, 0, 0, 0])
            .epb(0, 1, b"a", 1, &[]);
        let mut r = open(&f).unwrap();
        assert!(matches!(r.next_block(), Ok(Some(Block::SectionHeader(_)))));
        assert!(matches!(
            r.next_block(),
            Ok(Some(Block::InterfaceDescription(_)))
        ));
        assert!(r.next_block().is_err());
        assert!(matches!(r.next_block(), Ok(Some(Block::EnhancedPacket(_)))));
        // next() does not look inside blocks it does not need.
        let (pkts, end) = all(&mut open(&f).unwrap());
        assert_eq!((pkts.len(), end.is_ok()), (1, true));
    }

    #[test]
    fn no_interface_is_an_empty_capture() {
        for f in [
            File::new(Endianness::Big),
            File::new(Endianness::Little).block(0xBAD, &[0, 0, 0, 1]),
        ] {
            let mut r = open(&f).unwrap();
            assert_eq!(r.linktype(), None);
            assert_eq!(r.snaplen(), None);
            assert_eq!(r.precision(), Precision::Micro);
            assert!(r.next().unwrap().is_none());
            let mut r = open(&f).unwrap();
            assert!(matches!(r.next_block(), Ok(Some(Block::SectionHeader(_)))));
        }
    }

    #[test]
    fn zero_and_garbage_section_lengths_are_ignored() {
        for len in [0, 12, 0x3030_3030_3030_3030] {
            let f = File::empty()
                .shb(Endianness::Little, (1, 0), len, &[])
                .idb(1, 0, &[])
                .epb(0, 0, b"x", 1, &[]);
            let (pkts, end) = all(&mut open(&f).unwrap());
            assert_eq!((pkts.len(), end.is_ok()), (1, true));
        }
    }

    #[test]
    fn unpadded_lengths_are_rounded_up() {
        // An NTAR-style packet block: stored length 110 (no padding counted), 112 written.
        let e = Endianness::Little;
        let f = File::new(e).idb(1, 0, &[]);
        let mut pb = Vec::new();
        pb.extend_from_slice(&e.put_u32(2));
        pb.extend_from_slice(&e.put_u32(110));
        pb.extend_from_slice(&[0; 4]);
        pb.extend_from_slice(&e.put_u64(0));
        pb.extend_from_slice(&e.put_u32(78));
        pb.extend_from_slice(&e.put_u32(78));
        pb.extend_from_slice(&[0xab; 78]);
        pb.extend_from_slice(&[0, 0]);
        pb.extend_from_slice(&e.put_u32(110));
        let good = File::new(e).idb(1, 0, &[]).raw(&pb).raw(&pb);
        let (pkts, end) = all(&mut open(&good).unwrap());
        end.unwrap();
        assert_eq!(pkts.len(), 2);
        assert_eq!(pkts[1].data, [0xab; 78]);
        // A simple packet block of unrounded length with more than its packet: an error.
        let mut spb = Vec::new();
        spb.extend_from_slice(&e.put_u32(3));
        spb.extend_from_slice(&e.put_u32(23));
        spb.extend_from_slice(&e.put_u32(100));
        spb.extend_from_slice(&[1; 7]);
        spb.push(0);
        spb.extend_from_slice(&e.put_u32(23));
        let at = f.len();
        let bad = File::new(e).idb(1, 4, &[]).raw(&spb);
        let (pkts, end) = all(&mut open(&bad).unwrap());
        assert!(pkts.is_empty());
        assert_eq!(end.unwrap_err().offset(), Some(at));
    }

    #[test]
    fn damaged_files_keep_earlier_packets() {
        let e = Endianness::Little;
        let base = || File::new(e).idb(1, 0, &[]).epb(0, 0, b"ok", 2, &[]);
        let at = base().len();
        let mut bad_trailer = base().epb(0, 0, b"no", 2, &[]).bytes();
        let n = bad_trailer.len();
        bad_trailer[n - 4] ^= 0xff;
        let long_opt = {
            let mut b = File::new(e).bytes();
            let mut idb = File::new(e).idb(1, 0, &[(2, b"eth0")]).bytes()[28..].to_vec();
            idb[18] = 40; // if_name claims 40 bytes
            b.extend_from_slice(&idb);
            b
        };
        let mut cases: Vec<(Vec<u8>, u64, KindCheck)> = vec![
            (bad_trailer, at, |k| {
                matches!(k, ErrorKind::TrailerMismatch { .. })
            }),
            (base().raw(&[6, 0, 0]).bytes(), at, |k| {
                matches!(
                    k,
                    ErrorKind::TruncatedBlock {
                        needed: 8,
                        got: 3,
                        ..
                    }
                )
            }),
            (base().raw(&[6, 0, 0, 0, 64, 0, 0, 0, 1]).bytes(), at, |k| {
                matches!(
                    k,
                    ErrorKind::TruncatedBlock {
                        needed: 64,
                        got: 9,
                        ..
                    }
                )
            }),
            (base().raw(&[6, 0, 0, 0, 8, 0, 0, 0]).bytes(), at, |k| {
                matches!(k, ErrorKind::BadBlockLength { len: 8, .. })
            }),
            (base().raw(&[6, 0, 0, 0, 0, 0, 0, 0x7f]).bytes(), at, |k| {
                matches!(k, ErrorKind::BadBlockLength { .. })
            }),
            (
                base()
                    .raw(&[0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 1, 2, 3, 4])
                    .bytes(),
                at,
                |k| matches!(k, ErrorKind::BadByteOrderMagic(0x0102_0304)),
            ),
            (base().shb(e, (2, 0), u64::MAX, &[]).bytes(), at, |k| {
                matches!(
                    k,
                    ErrorKind::UnsupportedSectionVersion { major: 2, minor: 0 }
                )
            }),
            (base().shb(e, (1, 1), u64::MAX, &[]).bytes(), at, |k| {
                matches!(
                    k,
                    ErrorKind::UnsupportedSectionVersion { major: 1, minor: 1 }
                )
            }),
            (
                {
                    // Captured length beyond the block.
                    let mut b = base().epb(0, 0, b"1234", 4, &[]).bytes();
                    let n = b.len();
                    b[n - 16..n - 12].copy_from_slice(&e.put_u32(5000));
                    b
                },
                at,
                |k| matches!(k, ErrorKind::Malformed { .. }),
            ),
            (base().idb(1, 0, &[(9, &[6, 6])]).bytes(), at, |k| {
                matches!(k, ErrorKind::Malformed { .. })
            }),
        ];
        cases.push((long_opt, 28, |k| matches!(k, ErrorKind::Malformed { .. })));
        for (i, (bytes, offset, kind)) in cases.into_iter().enumerate() {
            let expect_ok = offset > 28;
            let r = Reader::from_bytes(bytes.clone());
            let mut r = match r {
                Ok(r) => r,
                Err(err) => {
                    assert!(!expect_ok, "case {i}: refused at open: {err}");
                    assert_eq!(err.offset(), Some(offset), "case {i}");
                    assert!(kind(err.kind()), "case {i}: {err}");
                    continue;
                }
            };
            let (pkts, end) = all(&mut r);
            assert_eq!(pkts.len(), 1, "case {i}");
            assert_eq!(pkts[0].data, b"ok", "case {i}");
            let err = end.unwrap_err();
            assert_eq!(err.offset(), Some(offset), "case {i}: {err}");
            assert!(kind(err.kind()), "case {i}: {err}");
            // The same through next_block, and streamed.
            let mut r = Reader::from_bytes(bytes.clone()).unwrap();
            let end = loop {
                match r.next_block() {
                    Ok(Some(_)) => {}
                    Ok(None) => break None,
                    Err(e) => break Some(e),
                }
            };
            assert_eq!(end.unwrap().offset(), Some(offset), "case {i}");
            assert!(r.next_block().unwrap().is_none());
            let (spkts, send) = all(&mut Reader::new(Dribble(bytes, 0)).unwrap());
            assert_eq!(spkts, pkts, "case {i}");
            assert_eq!(send.unwrap_err().offset(), Some(offset), "case {i}");
        }
    }

    #[test]
    fn refused_at_open() {
        let e = Endianness::Little;
        let mut bad_trailer = File::new(e).bytes();
        bad_trailer[24] = 99;
        let cases: Vec<(Vec<u8>, KindCheck)> = vec![
            (vec![0x0a, 0x0d, 0x0d], |k| {
                matches!(k, ErrorKind::TruncatedFileHeader { got: 3, .. })
            }),
            (
                b"\x0a\x0d\x0d\x0a\x1c\0\0\0\x11\x22\x33\x44".to_vec(),
                |k| matches!(k, ErrorKind::BadByteOrderMagic(_)),
            ),
            (File::new(e).bytes()[..20].to_vec(), |k| {
                matches!(k, ErrorKind::TruncatedBlock { .. })
            }),
            (bad_trailer, |k| {
                matches!(k, ErrorKind::TrailerMismatch { .. })
            }),
            (File::empty().shb(e, (1, 1), 0, &[]).bytes(), |k| {
                matches!(k, ErrorKind::UnsupportedSectionVersion { .. })
            }),
            (File::empty().shb(e, (0, 1), 0, &[]).bytes(), |k| {
                matches!(k, ErrorKind::UnsupportedSectionVersion { .. })
            }),
            // Packets before any interface, also after other blocks.
            (File::new(e).epb(3, 0, b"", 0, &[]).bytes(), |k| {
                matches!(k, ErrorKind::UnknownInterface { id: 3, count: 0 })
            }),
            (
                File::new(e)
                    .block(0xBAD, &[0, 0, 0, 1])
                    .pb(2, 0, 0, b"", 0)
                    .bytes(),
                |k| matches!(k, ErrorKind::UnknownInterface { id: 2, count: 0 }),
            ),
            // An interface libpcap cannot use, after a second section header.
            (
                File::new(e)
                    .shb(Endianness::Big, (1, 0), 0, &[])
                    .idb(1, 0, &[(9, &[0xc0])])
                    .bytes(),
                |k| matches!(k, ErrorKind::Malformed { .. }),
            ),
            (b"\xd4\xc3\xb2\xa1 not pcapng".to_vec(), |k| {
                matches!(k, ErrorKind::UnknownFormat(_))
            }),
        ];
        for (i, (bytes, kind)) in cases.into_iter().enumerate() {
            let err = Reader::from_bytes(bytes.clone()).unwrap_err();
            assert!(kind(err.kind()), "case {i}: {err}");
            let err = Reader::new(Dribble(bytes, 0)).unwrap_err();
            assert!(kind(err.kind()), "case {i} streamed: {err}");
        }
    }

    #[test]
    fn pseudo_headers_are_fixed_up_per_section_byte_order() {
        // A SocketCAN frame in a cooked (SLL) capture from a host of the other byte order:
        // libpcap swaps the CAN id into this host's order.
        let other = if Endianness::NATIVE == Endianness::Little {
            Endianness::Big
        } else {
            Endianness::Little
        };
        let mut frame = vec![0u8; 24];
        frame[14..16].copy_from_slice(&[0x00, 0x0c]);
        frame[16..20].copy_from_slice(&[1, 2, 3, 4]);
        let f = File::new(Endianness::NATIVE)
            .idb(113, 0, &[])
            .epb(0, 0, &frame, 24, &[])
            .shb(other, (1, 0), u64::MAX, &[])
            .idb(113, 0, &[])
            .epb(0, 0, &frame, 24, &[]);
        let (pkts, end) = all(&mut open(&f).unwrap());
        end.unwrap();
        assert_eq!(pkts[0].data[16..20], [1, 2, 3, 4]);
        assert_eq!(pkts[1].data[16..20], [4, 3, 2, 1]);
        // next_block shows the bytes as stored.
        let mut r = open(&f).unwrap();
        let mut stored = Vec::new();
        while let Some(b) = r.next_block().unwrap() {
            if let Block::EnhancedPacket(p) = b {
                stored.push(p.data.to_vec());
            }
        }
        assert_eq!(stored, [frame.clone(), frame]);
    }

    #[test]
    fn interface_limit() {
        let e = Endianness::Little;
        let mut f = File::new(e);
        for _ in 0..=limits::MAX_INTERFACES {
            f = f.idb(1, 0, &[]);
        }
        let (pkts, end) = all(&mut open(&f).unwrap());
        assert!(pkts.is_empty());
        assert!(matches!(
            end.unwrap_err().kind(),
            ErrorKind::LimitExceeded { .. }
        ));
    }

    #[test]
    fn debug_output_names_the_state() {
        let r = open(&File::new(Endianness::Little).idb(1, 0, &[])).unwrap();
        let s = format!("{r:?}");
        assert!(s.contains("pcapng::Reader") && s.contains("offset"), "{s}");
        assert_eq!(r.offset(), 28);
    }

    #[test]
    fn next_matching_is_next_filtered() {
        let keeps: [fn(&PacketHeader, &[u8]) -> bool; 4] = [
            |_, _| true,
            |_, _| false,
            |h, _| h.interface_id() == 1,
            |_, d| d.first().is_some_and(|b| b % 3 == 0),
        ];
        for e in BOTH {
            let other = if e == Endianness::Little {
                Endianness::Big
            } else {
                Endianness::Little
            };
            let mut f = File::new(e).idb(1, 0, &[]).idb(113, 0, &[]);
            for i in 0..60u8 {
                let data: Vec<u8> = (i..i + 20).collect();
                f = match i % 6 {
                    0 => f.epb(0, u64::from(i), &data, 20, &[(1, b"c")]),
                    1 => f.epb(1, u64::from(i), &data, 30, &[]),
                    2 => f.isb(0, u64::from(i), &[]).spb(20, &data),
                    3 => f.pb(1, 0, u64::from(i), &data, 20),
                    4 => f
                        .block(0x0BAD, &[0, 0, 0, 1, i, i, i, i])
                        .epb(0, 1, &data, 20, &[]),
                    // A new section in the other byte order: the cooked (113) packets there
                    // are fixed up in the reader's scratch buffer.
                    _ => f
                        .shb(if i % 12 == 5 { other } else { e }, (1, 0), u64::MAX, &[])
                        .idb(1, 0, &[])
                        .idb(113, 0, &[])
                        .epb(1, u64::from(i), &data, 20, &[]),
                };
            }
            let bytes = f.bytes();
            let (every, end) = all(&mut open(&f).unwrap());
            end.unwrap();
            assert_eq!(every.len(), 60);
            for keep in keeps {
                let want: Vec<&OwnedPacket> =
                    every.iter().filter(|p| keep(&p.header, &p.data)).collect();
                let mut memory = open(&f).unwrap();
                let mut stream = Reader::new(Dribble(bytes.clone(), 0)).unwrap();
                let mut got_memory = Vec::new();
                while let Some(p) = memory.next_matching(keep).unwrap() {
                    got_memory.push(p.to_owned());
                }
                let mut got_stream = Vec::new();
                while let Some(p) = stream.next_matching(keep).unwrap() {
                    got_stream.push(p.to_owned());
                }
                assert_eq!(got_memory.iter().collect::<Vec<_>>(), want);
                assert_eq!(got_stream.iter().collect::<Vec<_>>(), want);
                assert_eq!(memory.packets(), 60);
            }
        }
    }

    #[test]
    fn next_matching_then_context_and_errors() {
        let e = Endianness::Little;
        let f = File::new(e)
            .idb(1, 0, &[(2, b"eth0")])
            .epb(0, 1, b"skip", 4, &[])
            .epb(0, 2, b"keep", 4, &[(1, b"note")]);
        let at = f.len();
        let f = f.epb(3, 3, b"bad", 3, &[]);
        let mut r = open(&f).unwrap();
        let p = r.next_matching(|_, d| d == b"skip").unwrap().unwrap();
        assert_eq!(p.data, b"skip");
        let (p, c) = r.next_in_context().unwrap().unwrap();
        assert_eq!(p.data, b"keep");
        assert_eq!(PacketOptions::parse(c.options).unwrap().comments, ["note"]);
        assert_eq!(c.interface.name.as_deref(), Some("eth0"));
        let err = r.next_matching(|_, _| false).unwrap_err();
        assert_eq!(err.offset(), Some(at));
        assert!(matches!(
            err.kind(),
            ErrorKind::UnknownInterface { id: 3, count: 1 }
        ));
        assert!(r.next().unwrap().is_none());
    }
}
