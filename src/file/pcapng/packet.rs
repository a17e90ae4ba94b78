//! Packet blocks: Enhanced Packet Blocks, Simple Packet Blocks and the obsolete Packet Block,
//! and the packet options ([`PacketOptions`]).

use super::block::Body;
use super::options::{self, OptionCode, Options, RawOption};
use crate::file::{Endianness, Error, ErrorKind};

/// An Enhanced Packet Block as stored.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct EnhancedPacket<'a> {
    /// The interface, numbered within its section.
    pub interface_id: u32,
    /// Time stamp in units of the interface's resolution (offset not applied).
    pub timestamp: u64,
    /// Captured length as stored (the length of [`EnhancedPacket::data`]).
    pub captured_len: u32,
    /// Length on the wire.
    pub original_len: u32,
    /// The captured bytes, as stored.
    pub data: &'a [u8],
    /// The options, parsed when iterated.
    pub options: Options<'a>,
}

impl<'a> EnhancedPacket<'a> {
    #[inline]
    pub(crate) fn parse(mut b: Body<'a>) -> Result<Self, Error> {
        let interface_id = b.u32()?;
        let (timestamp, captured_len, original_len, data) = packet_fields(&mut b)?;
        Ok(EnhancedPacket {
            interface_id,
            timestamp,
            captured_len,
            original_len,
            data,
            options: b.options(),
        })
    }
}

/// The fields an Enhanced Packet Block and a Packet Block share after the interface: time
/// stamp, captured length, original length and the captured bytes (padding skipped).
#[inline]
fn packet_fields<'a>(b: &mut Body<'a>) -> Result<(u64, u32, u32, &'a [u8]), Error> {
    let timestamp = b.timestamp()?;
    let captured_len = b.u32()?;
    let original_len = b.u32()?;
    let data = b.padded(
        usize::try_from(captured_len).unwrap_or(usize::MAX),
        "captured length runs past the end of the block",
    )?;
    Ok((timestamp, captured_len, original_len, data))
}

/// A Simple Packet Block as stored: a packet from interface 0, without time stamp or captured
/// length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SimplePacket<'a> {
    /// Length on the wire.
    pub original_len: u32,
    /// Every byte stored after the length, padding included: the captured bytes are the first
    /// [`SimplePacket::captured_len`] of them.
    pub data: &'a [u8],
}

impl<'a> SimplePacket<'a> {
    pub(crate) fn parse(mut b: Body<'a>) -> Result<Self, Error> {
        let original_len = b.u32()?;
        Ok(SimplePacket {
            original_len,
            data: b.rest,
        })
    }

    /// The captured length given interface 0's snapshot length (0: none): the smallest of
    /// the original length, the snapshot length and the bytes stored.
    pub fn captured_len(&self, snaplen: u32) -> u32 {
        let stored = u32::try_from(self.data.len()).unwrap_or(u32::MAX);
        let mut len = self.original_len.min(stored);
        if snaplen != 0 {
            len = len.min(snaplen);
        }
        len
    }

    /// The captured bytes given interface 0's snapshot length (see
    /// [`SimplePacket::captured_len`]).
    pub fn captured(&self, snaplen: u32) -> &'a [u8] {
        let n = usize::try_from(self.captured_len(snaplen)).unwrap_or(usize::MAX);
        self.data.get(..n).unwrap_or(self.data)
    }
}

/// The obsolete Packet Block as stored (an EPB with a 16-bit interface id and a drop count).
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct PacketBlock<'a> {
    /// The interface, numbered within its section.
    pub interface_id: u16,
    /// Packets dropped since the previous one (0xffff: unknown).
    pub drops_count: u16,
    /// Time stamp in units of the interface's resolution (offset not applied).
    pub timestamp: u64,
    /// Captured length as stored.
    pub captured_len: u32,
    /// Length on the wire.
    pub original_len: u32,
    /// The captured bytes, as stored.
    pub data: &'a [u8],
    /// The options (`pack_flags` and `pack_hash` share the EPB codes).
    pub options: Options<'a>,
}

impl<'a> PacketBlock<'a> {
    #[inline]
    pub(crate) fn parse(mut b: Body<'a>) -> Result<Self, Error> {
        let interface_id = b.u16()?;
        let drops_count = b.u16()?;
        let (timestamp, captured_len, original_len, data) = packet_fields(&mut b)?;
        Ok(PacketBlock {
            interface_id,
            drops_count,
            timestamp,
            captured_len,
            original_len,
            data,
            options: b.options(),
        })
    }
}

/// The `epb_flags` word of a packet's options, found without parsing the rest (the reader does
/// this for every packet that has options; a malformed list yields what precedes the damage).
#[inline]
pub(crate) fn flags(options: Options<'_>) -> Option<u32> {
    if options.is_empty() {
        return None;
    }
    options
        .map_while(Result::ok)
        .find(|o| o.code == OptionCode::EPB_FLAGS)
        .and_then(|o| o.as_u32())
}

/// A hash of a packet's bytes (`epb_hash`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PacketHash {
    /// The algorithm: 0 two's complement, 1 XOR, 2 CRC32, 3 MD5, 4 SHA-1, 5 Toeplitz.
    pub algorithm: u8,
    /// The hash value.
    pub value: Vec<u8>,
}

/// The options of a packet, decoded (see [`PacketOptions::parse`]); written by
/// [`Writer::write_packet_with`](super::Writer::write_packet_with).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PacketOptions {
    /// Every `opt_comment`, in order.
    pub comments: Vec<String>,
    /// `epb_flags`: direction (bits 0-1), reception type (2-4), FCS length (5-8), link-layer
    /// errors (16-31).
    pub flags: Option<u32>,
    /// The first `epb_hash`.
    pub hash: Option<PacketHash>,
    /// `epb_dropcount`: packets lost between this one and the one before.
    pub dropcount: Option<u64>,
    /// `epb_packetid`.
    pub packet_id: Option<u64>,
    /// `epb_queue`: the receive queue.
    pub queue: Option<u32>,
    /// Every other option, in order, as stored (verdicts, custom options, repeats).
    pub other_options: Vec<RawOption>,
}

impl PacketOptions {
    /// Decodes a packet's option list; a malformed list is an error.
    pub fn parse(options: Options<'_>) -> Result<PacketOptions, Error> {
        let mut p = PacketOptions::default();
        for opt in options {
            let opt = opt?;
            match opt.code {
                OptionCode::COMMENT => p
                    .comments
                    .push(String::from_utf8_lossy(opt.value).into_owned()),
                OptionCode::EPB_FLAGS if p.flags.is_none() && opt.value.len() == 4 => {
                    p.flags = opt.as_u32();
                }
                OptionCode::EPB_HASH if p.hash.is_none() && !opt.value.is_empty() => {
                    if let Some((&algorithm, value)) = opt.value.split_first() {
                        p.hash = Some(PacketHash {
                            algorithm,
                            value: value.to_vec(),
                        });
                    }
                }
                OptionCode::EPB_DROPCOUNT if p.dropcount.is_none() && opt.value.len() == 8 => {
                    p.dropcount = opt.as_u64();
                }
                OptionCode::EPB_PACKETID if p.packet_id.is_none() && opt.value.len() == 8 => {
                    p.packet_id = opt.as_u64();
                }
                OptionCode::EPB_QUEUE if p.queue.is_none() && opt.value.len() == 4 => {
                    p.queue = opt.as_u32();
                }
                _ => p.other_options.push(opt.into()),
            }
        }
        Ok(p)
    }

    /// Whether there is no option at all.
    pub fn is_empty(&self) -> bool {
        *self == PacketOptions::default()
    }

    /// Appends the options (and an end marker when there are any); `flags` is written as
    /// `epb_flags` unless the options have their own.
    pub(crate) fn put(
        &self,
        out: &mut Vec<u8>,
        e: Endianness,
        flags: Option<u32>,
    ) -> Result<(), ErrorKind> {
        let start = out.len();
        for c in &self.comments {
            options::put(out, e, OptionCode::COMMENT, c.as_bytes())?;
        }
        if let Some(f) = self.flags.or(flags) {
            options::put(out, e, OptionCode::EPB_FLAGS, &e.put_u32(f))?;
        }
        if let Some(h) = &self.hash {
            let mut v = Vec::with_capacity(h.value.len().saturating_add(1));
            v.push(h.algorithm);
            v.extend_from_slice(&h.value);
            options::put(out, e, OptionCode::EPB_HASH, &v)?;
        }
        if let Some(d) = self.dropcount {
            options::put(out, e, OptionCode::EPB_DROPCOUNT, &e.put_u64(d))?;
        }
        if let Some(id) = self.packet_id {
            options::put(out, e, OptionCode::EPB_PACKETID, &e.put_u64(id))?;
        }
        if let Some(q) = self.queue {
            options::put(out, e, OptionCode::EPB_QUEUE, &e.put_u32(q))?;
        }
        options::put_others_and_end(out, e, start, &self.other_options)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::BlockType;

    fn epb(e: Endianness, caplen: u32, data: &[u8], opts: &PacketOptions) -> Vec<u8> {
        let mut body = Vec::new();
        body.extend_from_slice(&e.put_u32(1));
        body.extend_from_slice(&e.put_u32(0x0001_0002));
        body.extend_from_slice(&e.put_u32(0x0003_0004));
        body.extend_from_slice(&e.put_u32(caplen));
        body.extend_from_slice(&e.put_u32(99));
        body.extend_from_slice(data);
        body.resize(body.len() + options::pad4(data.len()), 0);
        opts.put(&mut body, e, None).unwrap();
        body
    }

    #[test]
    fn enhanced_packet_both_orders() {
        let mut opts = PacketOptions::default();
        opts.comments.push("hello".into());
        opts.flags = Some(0x21);
        opts.hash = Some(PacketHash {
            algorithm: 2,
            value: vec![1, 2, 3, 4],
        });
        opts.dropcount = Some(7);
        opts.packet_id = Some(u64::MAX);
        opts.queue = Some(3);
        opts.other_options
            .push(RawOption::new(OptionCode::EPB_VERDICT, vec![0, 9]));
        for e in [Endianness::Little, Endianness::Big] {
            let body = epb(e, 5, b"abcde", &opts);
            let p =
                EnhancedPacket::parse(Body::new(&body, e, BlockType::ENHANCED_PACKET, 0)).unwrap();
            assert_eq!(p.interface_id, 1);
            assert_eq!(p.timestamp, 0x0001_0002_0003_0004);
            assert_eq!((p.captured_len, p.original_len), (5, 99));
            assert_eq!(p.data, b"abcde");
            assert_eq!(flags(p.options), Some(0x21));
            assert_eq!(PacketOptions::parse(p.options).unwrap(), opts);
        }
    }

    #[test]
    fn captured_length_beyond_block() {
        let e = Endianness::Little;
        let body = epb(e, 50, b"abcd", &PacketOptions::default());
        let err =
            EnhancedPacket::parse(Body::new(&body, e, BlockType::ENHANCED_PACKET, 12)).unwrap_err();
        assert_eq!(err.offset(), Some(12));
        assert!(EnhancedPacket::parse(Body::new(&body[..16], e, BlockType(6), 0)).is_err());
    }

    #[test]
    fn malformed_options_only_matter_when_parsed() {
        let e = Endianness::Big;
        let mut body = epb(e, 4, b"abcd", &PacketOptions::default());
        body.extend_from_slice(&[0, 2, 0, 4, 0, 0, 0, 1, 0, 1, 0, 99]);
        let p = EnhancedPacket::parse(Body::new(&body, e, BlockType(6), 0)).unwrap();
        assert_eq!(flags(p.options), Some(1));
        assert!(PacketOptions::parse(p.options).is_err());
        assert!(PacketOptions::default().is_empty());
    }

    #[test]
    fn simple_packet_lengths() {
        let body = [0, 0, 0, 10, 1, 2, 3, 4, 5, 6, 7, 8];
        let p = SimplePacket::parse(Body::new(&body, Endianness::Big, BlockType(3), 0)).unwrap();
        assert_eq!(p.original_len, 10);
        assert_eq!(p.captured_len(0), 8);
        assert_eq!(p.captured(4), &[1, 2, 3, 4]);
        let short = [0, 0, 0, 2, 1, 2, 3, 4];
        let p = SimplePacket::parse(Body::new(&short, Endianness::Big, BlockType(3), 0)).unwrap();
        assert_eq!(p.captured(100), &[1, 2]);
        assert!(SimplePacket::parse(Body::new(&[0; 3], Endianness::Big, BlockType(3), 0)).is_err());
    }

    #[test]
    fn obsolete_packet_block() {
        let e = Endianness::Little;
        let mut body = Vec::new();
        body.extend_from_slice(&e.put_u16(2));
        body.extend_from_slice(&e.put_u16(0xffff));
        body.extend_from_slice(&e.put_u32(0));
        body.extend_from_slice(&e.put_u32(1_000_000));
        body.extend_from_slice(&e.put_u32(3));
        body.extend_from_slice(&e.put_u32(3));
        body.extend_from_slice(&[7, 8, 9, 0]);
        options::put(&mut body, e, OptionCode::EPB_FLAGS, &e.put_u32(2)).unwrap();
        let p = PacketBlock::parse(Body::new(&body, e, BlockType::PACKET, 0)).unwrap();
        assert_eq!((p.interface_id, p.drops_count), (2, 0xffff));
        assert_eq!(p.timestamp, 1_000_000);
        assert_eq!(p.data, &[7, 8, 9]);
        assert_eq!(flags(p.options), Some(2));
    }
}
