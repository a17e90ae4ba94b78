//! Blocks other than packets kept by a reader that copies a file (see
//! [`Reader::keep_blocks`](super::Reader::keep_blocks)): whatever came between two packets, in
//! order, so that a copy can write them where they were.

use super::block::Block;
use crate::file::{limits, BlockType, Endianness, Error, ErrorKind};
use std::ops::Range;

/// The blocks kept since the last packet handed out.
#[derive(Debug, Default)]
pub(crate) struct Kept {
    /// Whether blocks are kept at all.
    pub(crate) on: bool,
    /// Bodies, one after the other.
    bytes: Vec<u8>,
    blocks: Vec<Entry>,
    /// A packet was handed out since the blocks were kept: they are forgotten when reading
    /// goes on.
    stale: bool,
}

#[derive(Clone, Debug)]
struct Entry {
    block_type: BlockType,
    endianness: Endianness,
    offset: u64,
    body: Range<usize>,
}

impl Kept {
    /// A packet is being handed out: the blocks kept so far came before it.
    #[inline]
    pub(crate) fn delivered(&mut self) {
        self.stale = self.on;
    }

    /// Reading goes on: forgets the blocks that came before the packet last handed out.
    #[inline]
    pub(crate) fn refresh(&mut self) {
        if self.stale {
            self.stale = false;
            self.bytes.clear();
            self.blocks.clear();
        }
    }

    /// Keeps a block (its body, in byte order `e`, from offset `at`).
    pub(crate) fn push(
        &mut self,
        block_type: BlockType,
        e: Endianness,
        body: &[u8],
        at: u64,
    ) -> Result<(), Error> {
        self.refresh();
        if self.bytes.len().saturating_add(body.len()) > limits::MAX_RETAINED {
            let kind = ErrorKind::LimitExceeded {
                what: "bytes of blocks kept between two packets",
                limit: limits::MAX_RETAINED as u64,
            };
            return Err(Error::new(kind, at));
        }
        let start = self.bytes.len();
        self.bytes.extend_from_slice(body);
        self.blocks.push(Entry {
            block_type,
            endianness: e,
            offset: at,
            body: start..self.bytes.len(),
        });
        Ok(())
    }

    /// The blocks kept.
    pub(crate) fn blocks(&self) -> KeptBlocks<'_> {
        KeptBlocks {
            bytes: &self.bytes,
            blocks: &self.blocks,
        }
    }
}

/// The blocks other than packets that a reader read before a packet (or before the end of the
/// file), in file order: section headers, interface descriptions, statistics, name
/// resolution, decryption secrets, custom and unknown blocks. Empty unless the reader keeps
/// them ([`Reader::keep_blocks`](super::Reader::keep_blocks)).
#[derive(Clone, Copy, Debug)]
pub struct KeptBlocks<'a> {
    bytes: &'a [u8],
    blocks: &'a [Entry],
}

impl<'a> Iterator for KeptBlocks<'a> {
    type Item = KeptBlock<'a>;

    fn next(&mut self) -> Option<KeptBlock<'a>> {
        let (e, rest) = self.blocks.split_first()?;
        self.blocks = rest;
        Some(KeptBlock {
            block_type: e.block_type,
            endianness: e.endianness,
            offset: e.offset,
            body: self.bytes.get(e.body.clone()).unwrap_or_default(),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.blocks.len(), Some(self.blocks.len()))
    }
}

impl ExactSizeIterator for KeptBlocks<'_> {}

/// One block kept by a reader, as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeptBlock<'a> {
    /// The block type.
    pub block_type: BlockType,
    /// The byte order of the body (its section's).
    pub endianness: Endianness,
    /// Where the block starts in the file.
    pub offset: u64,
    /// The body: between the block's length and its trailing copy of the length.
    pub body: &'a [u8],
}

impl<'a> KeptBlock<'a> {
    /// The block, typed (see [`Block`]). Its fixed fields were not checked when it was kept
    /// unless the reader needed them (sections, interfaces): this may be an error.
    pub fn parse(&self) -> Result<Block<'a>, Error> {
        Block::parse(self.block_type, self.body, self.endianness, self.offset)
    }
}
