//! Block framing, and [`Block`], the typed view of one block.
//!
//! Every pcapng block is a 32-bit type, a 32-bit total length, a body, and the total length
//! again. The length must be at least 12 and at most the reader's block limit
//! ([`limits`](crate::file::limits)); the trailing copy must equal the leading one. A length
//! that is not a multiple of 4 is rounded up to one, as Wireshark does: old NTAR writers
//! stored the unpadded length but wrote the padding (`pcapngorg__icmp2.ntar`), and the rounded
//! block must still end in a matching trailer. A section header's byte order comes from its own
//! byte-order magic; every other block is read in its section's order.

use super::custom::Custom;
use super::interface::InterfaceDescription;
use super::names::NameResolution;
use super::packet::{EnhancedPacket, PacketBlock, SimplePacket};
use super::secrets::DecryptionSecrets;
use super::section::SectionHeader;
use super::stats::InterfaceStatistics;
use crate::file::{BlockType, Endianness, Error, ErrorKind};

impl BlockType {
    /// Section Header Block.
    pub const SECTION_HEADER: BlockType = BlockType(0x0A0D_0D0A);
    /// Interface Description Block.
    pub const INTERFACE_DESCRIPTION: BlockType = BlockType(0x0000_0001);
    /// The obsolete Packet Block.
    pub const PACKET: BlockType = BlockType(0x0000_0002);
    /// Simple Packet Block.
    pub const SIMPLE_PACKET: BlockType = BlockType(0x0000_0003);
    /// Name Resolution Block.
    pub const NAME_RESOLUTION: BlockType = BlockType(0x0000_0004);
    /// Interface Statistics Block.
    pub const INTERFACE_STATISTICS: BlockType = BlockType(0x0000_0005);
    /// Enhanced Packet Block.
    pub const ENHANCED_PACKET: BlockType = BlockType(0x0000_0006);
    /// Decryption Secrets Block.
    pub const DECRYPTION_SECRETS: BlockType = BlockType(0x0000_000A);
    /// Custom Block that may be copied to new files.
    pub const CUSTOM_COPY: BlockType = BlockType(0x0000_0BAD);
    /// Custom Block that must not be copied to new files.
    pub const CUSTOM_NO_COPY: BlockType = BlockType(0x4000_0BAD);

    /// Whether blocks of this type carry a packet (EPB, SPB or the obsolete PB).
    pub const fn is_packet(self) -> bool {
        matches!(self.0, 2 | 3 | 6)
    }
}

/// The section header's type as bytes: the same in either byte order.
pub(crate) const SHB_MAGIC: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];
/// The byte-order magic of a section header, as a number.
pub(crate) const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
/// Block type and total length.
pub(crate) const HEADER_LEN: usize = 8;
/// Header and trailer.
pub(crate) const MIN_BLOCK_LEN: u32 = 12;
/// Header, byte-order magic, version, section length, trailer.
pub(crate) const MIN_SHB_LEN: u32 = 28;
/// Bytes of a section header needed to know its byte order.
pub(crate) const SHB_PREFIX_LEN: usize = 12;

/// Where a block starts and how long it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Frame {
    /// The block type.
    pub(crate) block_type: BlockType,
    /// The total length as stored.
    pub(crate) len: u32,
    /// Bytes the block occupies: the length rounded up to a multiple of 4.
    pub(crate) padded: usize,
    /// The block's byte order: its own for a section header, else its section's.
    pub(crate) endianness: Endianness,
}

/// The byte order a section header's byte-order magic announces.
#[inline]
pub(crate) fn byte_order(magic: [u8; 4]) -> Result<Endianness, ErrorKind> {
    if u32::from_le_bytes(magic) == BYTE_ORDER_MAGIC {
        Ok(Endianness::Little)
    } else if u32::from_be_bytes(magic) == BYTE_ORDER_MAGIC {
        Ok(Endianness::Big)
    } else {
        Err(ErrorKind::BadByteOrderMagic(u32::from_be_bytes(magic)))
    }
}

/// The common case of [`frame`]: a block other than a section header whose length is
/// acceptable; `None` for anything else (which [`frame`] then decodes or reports).
#[inline(always)]
pub(crate) fn quick_frame(head: [u8; 8], section: Endianness, max_len: u32) -> Option<Frame> {
    let [t0, t1, t2, t3, l0, l1, l2, l3] = head;
    let type_bytes = [t0, t1, t2, t3];
    if type_bytes == SHB_MAGIC {
        return None;
    }
    let len = section.u32([l0, l1, l2, l3]);
    if !(MIN_BLOCK_LEN..=max_len).contains(&len) {
        return None;
    }
    let padded = usize::try_from(len.div_ceil(4).checked_mul(4)?).ok()?;
    Some(Frame {
        block_type: BlockType(section.u32(type_bytes)),
        len,
        padded,
        endianness: section,
    })
}

/// Decodes a block header. `head` holds the first 8 bytes of the block (12 for a section
/// header, whose byte-order magic decides how its length reads); `section` is the byte order
/// of the current section; `max_len` the largest total length accepted.
#[inline]
pub(crate) fn frame(head: &[u8], section: Endianness, max_len: u32) -> Result<Frame, ErrorKind> {
    let (type_bytes, rest) = head.split_first_chunk::<4>().ok_or(ErrorKind::Malformed {
        block: BlockType(0),
        what: "block header cut short",
    })?;
    let is_shb = *type_bytes == SHB_MAGIC;
    let block_type = BlockType(section.u32(*type_bytes));
    let (len_bytes, rest) = rest.split_first_chunk::<4>().ok_or(ErrorKind::Malformed {
        block: block_type,
        what: "block header cut short",
    })?;
    let endianness = if is_shb {
        let bom = rest.first_chunk::<4>().ok_or(ErrorKind::Malformed {
            block: block_type,
            what: "section header cut short",
        })?;
        byte_order(*bom)?
    } else {
        section
    };
    let len = endianness.u32(*len_bytes);
    let min = if is_shb { MIN_SHB_LEN } else { MIN_BLOCK_LEN };
    if len < min {
        return Err(ErrorKind::BadBlockLength {
            block: block_type,
            len: u64::from(len),
            reason: if is_shb {
                "shorter than a section header's 28 bytes"
            } else {
                "shorter than a block's 12-byte header and trailer"
            },
        });
    }
    if len > max_len {
        return Err(ErrorKind::BadBlockLength {
            block: block_type,
            len: u64::from(len),
            reason: "larger than the reader's block limit (see file::limits)",
        });
    }
    // `len <= max_len`, far below u32::MAX, so rounding up cannot overflow.
    let padded = usize::try_from(len.div_ceil(4).saturating_mul(4)).map_err(|_| {
        ErrorKind::BadBlockLength {
            block: block_type,
            len: u64::from(len),
            reason: "too large for this platform",
        }
    })?;
    Ok(Frame {
        block_type,
        len,
        padded,
        endianness,
    })
}

/// The body of a whole block (`bytes` = its `frame.padded` bytes): between the header and the
/// trailer, after checking that the trailer repeats the length.
#[inline]
pub(crate) fn body<'a>(bytes: &'a [u8], frame: &Frame) -> Result<&'a [u8], ErrorKind> {
    let cut = ErrorKind::TruncatedBlock {
        block: frame.block_type,
        needed: frame.padded as u64,
        got: bytes.len() as u64,
    };
    let inner = bytes.get(HEADER_LEN..frame.padded).ok_or(cut)?;
    let (body, trailer) = inner
        .split_last_chunk::<4>()
        .ok_or(ErrorKind::BadBlockLength {
            block: frame.block_type,
            len: u64::from(frame.len),
            reason: "no room for the trailer",
        })?;
    let trailing = frame.endianness.u32(*trailer);
    if trailing != frame.len {
        return Err(ErrorKind::TrailerMismatch {
            block: frame.block_type,
            leading: frame.len,
            trailing,
        });
    }
    Ok(body)
}

/// A cursor over a block body: fixed fields in the block's byte order.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Body<'a> {
    pub(crate) rest: &'a [u8],
    pub(crate) endianness: Endianness,
    block: BlockType,
    offset: u64,
}

impl<'a> Body<'a> {
    pub(crate) fn new(
        rest: &'a [u8],
        endianness: Endianness,
        block: BlockType,
        offset: u64,
    ) -> Self {
        Body {
            rest,
            endianness,
            block,
            offset,
        }
    }

    /// The block's type.
    pub(crate) fn block_type(&self) -> BlockType {
        self.block
    }

    /// An error about this block.
    pub(crate) fn error(&self, what: &'static str) -> Error {
        Error::new(
            ErrorKind::Malformed {
                block: self.block,
                what,
            },
            self.offset,
        )
    }

    /// The block's fixed part is shorter than its type needs.
    fn short(&self) -> Error {
        self.error("block too short for its fixed fields")
    }

    #[inline]
    pub(crate) fn u16(&mut self) -> Result<u16, Error> {
        let (b, rest) = self
            .rest
            .split_first_chunk::<2>()
            .ok_or_else(|| self.short())?;
        self.rest = rest;
        Ok(self.endianness.u16(*b))
    }

    #[inline]
    pub(crate) fn u32(&mut self) -> Result<u32, Error> {
        let (b, rest) = self
            .rest
            .split_first_chunk::<4>()
            .ok_or_else(|| self.short())?;
        self.rest = rest;
        Ok(self.endianness.u32(*b))
    }

    #[inline]
    pub(crate) fn u64(&mut self) -> Result<u64, Error> {
        let (b, rest) = self
            .rest
            .split_first_chunk::<8>()
            .ok_or_else(|| self.short())?;
        self.rest = rest;
        Ok(self.endianness.u64(*b))
    }

    /// A pcapng time stamp: high 32 bits, then low 32 bits.
    #[inline]
    pub(crate) fn timestamp(&mut self) -> Result<u64, Error> {
        let hi = self.u32()?;
        let lo = self.u32()?;
        Ok((u64::from(hi) << 32) | u64::from(lo))
    }

    /// `len` bytes of data, then the padding to a multiple of 4 (which may be missing at the
    /// very end of the block).
    #[inline]
    pub(crate) fn padded(&mut self, len: usize, what: &'static str) -> Result<&'a [u8], Error> {
        let (data, rest) = self
            .rest
            .split_at_checked(len)
            .ok_or_else(|| self.error(what))?;
        self.rest = rest.get(super::options::pad4(len)..).unwrap_or_default();
        Ok(data)
    }

    /// The rest of the body as an option list.
    #[inline]
    pub(crate) fn options(self) -> super::Options<'a> {
        super::Options::new(self.rest, self.endianness, self.block, self.offset)
    }
}

/// One block, typed, borrowing its bytes from the reader (see
/// [`Reader::next_block`](super::Reader::next_block)).
///
/// Values are as stored: packet data is not post-processed, time stamps are raw units of the
/// interface's resolution (convert with [`Interface::timestamp`](super::Interface::timestamp)).
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Block<'a> {
    /// Section Header Block: starts a section.
    SectionHeader(SectionHeader<'a>),
    /// Interface Description Block.
    InterfaceDescription(InterfaceDescription<'a>),
    /// Enhanced Packet Block.
    EnhancedPacket(EnhancedPacket<'a>),
    /// Simple Packet Block.
    SimplePacket(SimplePacket<'a>),
    /// The obsolete Packet Block.
    Packet(PacketBlock<'a>),
    /// Name Resolution Block.
    NameResolution(NameResolution<'a>),
    /// Interface Statistics Block.
    InterfaceStatistics(InterfaceStatistics<'a>),
    /// Decryption Secrets Block.
    DecryptionSecrets(DecryptionSecrets<'a>),
    /// Custom Block (either copy type).
    Custom(Custom<'a>),
    /// Any other block type (vendor blocks, future types), kept as bytes.
    Unknown(Unknown<'a>),
}

/// A block of a type this reader does not interpret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Unknown<'a> {
    /// Its type.
    pub block_type: BlockType,
    /// Its body: everything between the length and the trailing length.
    pub body: &'a [u8],
    /// Byte order of its section.
    pub endianness: Endianness,
}

impl<'a> Block<'a> {
    /// Parses the body of a block of this type (`offset`: where the block starts, for errors).
    pub(crate) fn parse(
        block_type: BlockType,
        body: &'a [u8],
        endianness: Endianness,
        offset: u64,
    ) -> Result<Block<'a>, Error> {
        let b = Body::new(body, endianness, block_type, offset);
        Ok(match block_type {
            BlockType::SECTION_HEADER => Block::SectionHeader(SectionHeader::parse(b)?),
            BlockType::INTERFACE_DESCRIPTION => {
                Block::InterfaceDescription(InterfaceDescription::parse(b)?)
            }
            BlockType::ENHANCED_PACKET => Block::EnhancedPacket(EnhancedPacket::parse(b)?),
            BlockType::SIMPLE_PACKET => Block::SimplePacket(SimplePacket::parse(b)?),
            BlockType::PACKET => Block::Packet(PacketBlock::parse(b)?),
            BlockType::NAME_RESOLUTION => Block::NameResolution(NameResolution::parse(b)?),
            BlockType::INTERFACE_STATISTICS => {
                Block::InterfaceStatistics(InterfaceStatistics::parse(b)?)
            }
            BlockType::DECRYPTION_SECRETS => Block::DecryptionSecrets(DecryptionSecrets::parse(b)?),
            BlockType::CUSTOM_COPY | BlockType::CUSTOM_NO_COPY => Block::Custom(Custom::parse(b)?),
            _ => Block::Unknown(Unknown {
                block_type,
                body,
                endianness,
            }),
        })
    }

    /// The block's type.
    pub fn block_type(&self) -> BlockType {
        match self {
            Block::SectionHeader(_) => BlockType::SECTION_HEADER,
            Block::InterfaceDescription(_) => BlockType::INTERFACE_DESCRIPTION,
            Block::EnhancedPacket(_) => BlockType::ENHANCED_PACKET,
            Block::SimplePacket(_) => BlockType::SIMPLE_PACKET,
            Block::Packet(_) => BlockType::PACKET,
            Block::NameResolution(_) => BlockType::NAME_RESOLUTION,
            Block::InterfaceStatistics(_) => BlockType::INTERFACE_STATISTICS,
            Block::DecryptionSecrets(_) => BlockType::DECRYPTION_SECRETS,
            Block::Custom(c) => c.block_type(),
            Block::Unknown(u) => u.block_type,
        }
    }
}

/// Appends a whole block: header, `body`, trailer. `body` must already be a multiple of 4 long.
pub(crate) fn put_block(
    out: &mut Vec<u8>,
    e: Endianness,
    block_type: BlockType,
    body: &[u8],
) -> Result<(), ErrorKind> {
    let len = body
        .len()
        .checked_add(12)
        .and_then(|l| u32::try_from(l).ok())
        .ok_or(ErrorKind::Unwritable("block longer than 4 GiB"))?;
    out.extend_from_slice(&e.put_u32(block_type.0));
    out.extend_from_slice(&e.put_u32(len));
    out.extend_from_slice(body);
    out.extend_from_slice(&e.put_u32(len));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: u32 = 1 << 20;

    #[test]
    fn frames_in_both_orders() {
        let le = [6, 0, 0, 0, 32, 0, 0, 0];
        let f = frame(&le, Endianness::Little, LIMIT).unwrap();
        assert_eq!(f.block_type, BlockType::ENHANCED_PACKET);
        assert_eq!((f.len, f.padded), (32, 32));
        let be = [0, 0, 0, 6, 0, 0, 0, 32];
        assert_eq!(frame(&be, Endianness::Big, LIMIT).unwrap().len, 32);
    }

    #[test]
    fn section_header_uses_its_own_byte_order() {
        let be = [0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 28, 0x1a, 0x2b, 0x3c, 0x4d];
        let f = frame(&be, Endianness::Little, LIMIT).unwrap();
        assert_eq!(f.endianness, Endianness::Big);
        assert_eq!(f.block_type, BlockType::SECTION_HEADER);
        assert_eq!(f.len, 28);
        let bad = [0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 28, 1, 2, 3, 4];
        assert!(matches!(
            frame(&bad, Endianness::Little, LIMIT),
            Err(ErrorKind::BadByteOrderMagic(0x0102_0304))
        ));
        // Too short for a section header.
        let short = [0x0a, 0x0d, 0x0d, 0x0a, 24, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a];
        assert!(matches!(
            frame(&short, Endianness::Little, LIMIT),
            Err(ErrorKind::BadBlockLength { len: 24, .. })
        ));
    }

    #[test]
    fn lengths_are_checked_and_rounded() {
        assert!(frame(&[1, 0, 0, 0, 8, 0, 0, 0], Endianness::Little, LIMIT).is_err());
        assert!(frame(&[1, 0, 0, 0, 0, 0, 0, 1], Endianness::Little, LIMIT).is_err());
        let f = frame(&[2, 0, 0, 0, 110, 0, 0, 0], Endianness::Little, LIMIT).unwrap();
        assert_eq!((f.len, f.padded), (110, 112));
        assert!(frame(&[2, 0, 0], Endianness::Little, LIMIT).is_err());
    }

    #[test]
    fn trailer_must_match() {
        let mut block = Vec::new();
        put_block(
            &mut block,
            Endianness::Little,
            BlockType(0x99),
            &[1, 2, 3, 4],
        )
        .unwrap();
        let f = frame(&block, Endianness::Little, LIMIT).unwrap();
        assert_eq!(body(&block, &f).unwrap(), &[1, 2, 3, 4]);
        let n = block.len();
        block[n - 1] = 1;
        assert!(matches!(
            body(&block, &f),
            Err(ErrorKind::TrailerMismatch {
                leading: 16,
                trailing: 0x0100_0010,
                ..
            })
        ));
        assert!(matches!(
            body(&block[..10], &f),
            Err(ErrorKind::TruncatedBlock { .. })
        ));
    }

    #[test]
    fn unpadded_length_with_padding_written() {
        // NTAR style: length 13 stored, 16 bytes written, trailer repeats 13.
        let block = [0x99, 0, 0, 0, 13, 0, 0, 0, 0xaa, 0, 0, 0, 13, 0, 0, 0];
        let f = frame(&block, Endianness::Little, LIMIT).unwrap();
        assert_eq!(f.padded, 16);
        assert_eq!(body(&block, &f).unwrap(), &[0xaa, 0, 0, 0]);
    }

    #[test]
    fn body_cursor() {
        let bytes = [0, 1, 0, 0, 0, 2, 9, 9, 9, 0, 7, 7];
        let mut b = Body::new(&bytes, Endianness::Big, BlockType::PACKET, 5);
        assert_eq!(b.u16().unwrap(), 1);
        assert_eq!(b.u32().unwrap(), 2);
        assert_eq!(b.padded(3, "x").unwrap(), &[9, 9, 9]);
        assert_eq!(b.rest, &[7, 7]);
        assert!(b.u32().is_err());
        let e = b.padded(9, "data past the end").unwrap_err();
        assert_eq!(e.offset(), Some(5));
    }
}
