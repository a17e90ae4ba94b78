//! Hand-built pcapng files for the unit tests, block by block, in either byte order.

use super::options::{self, pad4, OptionCode};
use crate::file::Endianness;

/// A file being built. Every block is written in the byte order of the last section header.
pub(crate) struct File {
    pub(crate) e: Endianness,
    pub(crate) bytes: Vec<u8>,
}

/// An option list as `(code, value)` pairs.
pub(crate) type Opts<'a> = &'a [(u16, &'a [u8])];

impl File {
    /// A file starting with a version 1.0 section header without options.
    pub(crate) fn new(e: Endianness) -> File {
        File::empty().shb(e, (1, 0), u64::MAX, &[])
    }

    /// No bytes at all yet.
    pub(crate) fn empty() -> File {
        File {
            e: Endianness::Little,
            bytes: Vec::new(),
        }
    }

    /// The option list bytes (with an end marker when not empty).
    pub(crate) fn opts(&self, opts: Opts<'_>) -> Vec<u8> {
        let mut out = Vec::new();
        for (code, v) in opts {
            options::put(&mut out, self.e, OptionCode(*code), v).unwrap();
        }
        if !out.is_empty() {
            options::put_end(&mut out);
        }
        out
    }

    /// A block of type `t` with `body` (padded to 4 here), length and trailer.
    pub(crate) fn block(mut self, t: u32, body: &[u8]) -> File {
        let mut body = body.to_vec();
        body.resize(body.len() + pad4(body.len()), 0);
        let len = (body.len() + 12) as u32;
        self.bytes.extend_from_slice(&self.e.put_u32(t));
        self.bytes.extend_from_slice(&self.e.put_u32(len));
        self.bytes.extend_from_slice(&body);
        self.bytes.extend_from_slice(&self.e.put_u32(len));
        self
    }

    /// Raw bytes, appended as they are.
    pub(crate) fn raw(mut self, bytes: &[u8]) -> File {
        self.bytes.extend_from_slice(bytes);
        self
    }

    /// A section header, which switches the byte order of what follows.
    pub(crate) fn shb(
        mut self,
        e: Endianness,
        version: (u16, u16),
        section_length: u64,
        opts: Opts<'_>,
    ) -> File {
        self.e = e;
        let mut body = Vec::new();
        body.extend_from_slice(&e.put_u32(0x1A2B_3C4D));
        body.extend_from_slice(&e.put_u16(version.0));
        body.extend_from_slice(&e.put_u16(version.1));
        body.extend_from_slice(&e.put_u64(section_length));
        body.extend_from_slice(&self.opts(opts));
        self.block(0x0A0D_0D0A, &body)
    }

    /// An interface description.
    pub(crate) fn idb(self, linktype: u16, snaplen: u32, opts: Opts<'_>) -> File {
        let e = self.e;
        let mut body = Vec::new();
        body.extend_from_slice(&e.put_u16(linktype));
        body.extend_from_slice(&[0, 0]);
        body.extend_from_slice(&e.put_u32(snaplen));
        body.extend_from_slice(&self.opts(opts));
        self.block(1, &body)
    }

    fn ts(&self, body: &mut Vec<u8>, ts: u64) {
        body.extend_from_slice(&self.e.put_u32((ts >> 32) as u32));
        body.extend_from_slice(&self.e.put_u32(ts as u32));
    }

    /// An enhanced packet block (captured length = `data.len()`).
    pub(crate) fn epb(self, id: u32, ts: u64, data: &[u8], len: u32, opts: Opts<'_>) -> File {
        let e = self.e;
        let mut body = Vec::new();
        body.extend_from_slice(&e.put_u32(id));
        self.ts(&mut body, ts);
        body.extend_from_slice(&e.put_u32(data.len() as u32));
        body.extend_from_slice(&e.put_u32(len));
        body.extend_from_slice(data);
        body.resize(body.len() + pad4(data.len()), 0);
        body.extend_from_slice(&self.opts(opts));
        self.block(6, &body)
    }

    /// A simple packet block.
    pub(crate) fn spb(self, len: u32, data: &[u8]) -> File {
        let mut body = self.e.put_u32(len).to_vec();
        body.extend_from_slice(data);
        self.block(3, &body)
    }

    /// An obsolete packet block.
    pub(crate) fn pb(self, id: u16, drops: u16, ts: u64, data: &[u8], len: u32) -> File {
        let e = self.e;
        let mut body = Vec::new();
        body.extend_from_slice(&e.put_u16(id));
        body.extend_from_slice(&e.put_u16(drops));
        self.ts(&mut body, ts);
        body.extend_from_slice(&e.put_u32(data.len() as u32));
        body.extend_from_slice(&e.put_u32(len));
        body.extend_from_slice(data);
        body.resize(body.len() + pad4(data.len()), 0);
        let flags = e.put_u32(2);
        body.extend_from_slice(&self.opts(&[(2, &flags)]));
        self.block(2, &body)
    }

    /// An interface statistics block.
    pub(crate) fn isb(self, id: u32, ts: u64, opts: Opts<'_>) -> File {
        let mut body = self.e.put_u32(id).to_vec();
        self.ts(&mut body, ts);
        body.extend_from_slice(&self.opts(opts));
        self.block(5, &body)
    }

    /// The file's bytes.
    pub(crate) fn bytes(&self) -> Vec<u8> {
        self.bytes.clone()
    }

    /// Offset of the next block.
    pub(crate) fn len(&self) -> u64 {
        self.bytes.len() as u64
    }
}
