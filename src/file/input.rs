//! [`Input`]: the bytes of a capture file, from memory or from any `io::Read`, with bounded
//! buffering.
//!
//! Readers ask for the next `n` bytes as one contiguous slice ([`Input::take`]); the slice stays
//! valid until the next call that changes the input. From memory (bytes in a `Vec`, or a file
//! memory-mapped on request) this is a pointer bump with no copy. From a stream, bytes are read
//! with large `read()` calls into one buffer that is reused for the whole file: it starts at
//! 64 KiB, doubles with each refill up to [`limits::READ_CHUNK`], and grows beyond only to hold
//! the largest single record asked for, which the readers bound by [`limits`] before they ask,
//! so memory stays bounded whatever the input claims. A refill moves only the unconsumed tail
//! of the buffer (less than one record) to its front.
//!
//! A reader that must look at a record before deciding whether to hand it out (a packet filter)
//! takes it as a [`Span`] of the backing bytes ([`Input::take_span`]) and looks at it with
//! [`Input::bytes`]; the span stays valid until the next call that changes the input, which is
//! what lets a loop skip records without copying them.

use super::limits;
use std::io::{self, Read};
use std::ops::Range;

/// Where the bytes live.
enum Store {
    /// A stream's read buffer, or a whole file handed over as a `Vec`.
    Buf(Vec<u8>),
    /// A read-only memory map of a whole file (an explicit opt-in: see `Reader::open_mapped`).
    #[cfg(feature = "mmap")]
    Map(memmap2::Mmap),
}

impl Store {
    #[inline(always)]
    fn bytes(&self) -> &[u8] {
        match self {
            Store::Buf(v) => v,
            #[cfg(feature = "mmap")]
            Store::Map(m) => m,
        }
    }
}

/// A whole file in memory.
pub(crate) enum Memory {
    /// Owned bytes.
    Vec(Vec<u8>),
    /// A read-only memory map of a file.
    #[cfg(feature = "mmap")]
    Map(memmap2::Mmap),
}

/// A range of the input's backing bytes, from [`Input::take_span`]. Valid until the next call
/// that changes the input (`peek`, `take`, `take_span`, `skip`); [`Input::bytes`] then gives
/// its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Span(Range<usize>);

impl Span {
    /// The part of this span at `at..at + len` (relative to its start), or an empty span when
    /// that is not inside it.
    #[inline]
    pub(crate) fn sub(&self, at: usize, len: usize) -> Span {
        let start = self.0.start.saturating_add(at);
        match start.checked_add(len) {
            Some(end) if end <= self.0.end => Span(start..end),
            _ => Span(self.0.start..self.0.start),
        }
    }

    /// The part of this span that `inner` (a subslice of `outer`, this span's bytes) covers;
    /// an empty span when `inner` is not inside `outer`.
    #[inline]
    pub(crate) fn within(&self, outer: &[u8], inner: &[u8]) -> Span {
        // Addresses are compared, never dereferenced: this is safe arithmetic on two slices of
        // the same buffer.
        let at = (inner.as_ptr() as usize).wrapping_sub(outer.as_ptr() as usize);
        if at <= outer.len() && inner.len() <= outer.len() - at {
            self.sub(at, inner.len())
        } else {
            debug_assert!(inner.is_empty(), "a non-empty slice outside the span");
            Span(self.0.start..self.0.start)
        }
    }
}

/// The bytes of a capture file, consumed front to back.
pub(crate) struct Input<R> {
    store: Store,
    /// The stream the buffer is filled from; `None` for memory inputs.
    reader: Option<R>,
    /// Index in the backing bytes of the first unconsumed byte.
    start: usize,
    /// Index in the backing bytes after the last valid byte.
    end: usize,
    /// File offset of `start`.
    offset: u64,
    /// The stream has ended (a `read` returned 0), or the input is in memory.
    eof: bool,
    /// Memory-mapped inputs: bytes before this index have been prefetched.
    #[cfg_attr(not(feature = "mmap"), allow(dead_code))]
    prefetched: usize,
}

/// Not enough bytes: the input ended after `got` of the `needed` bytes.
#[derive(Debug)]
pub(crate) enum Short {
    /// End of input after `got` bytes.
    Eof { got: usize },
    /// The read failed.
    Io(io::Error),
}

impl<R> Input<R> {
    /// File offset of the next unconsumed byte.
    #[inline]
    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    /// The bytes available without reading more.
    #[inline(always)]
    pub(crate) fn window(&self) -> &[u8] {
        self.store
            .bytes()
            .get(self.start..self.end)
            .unwrap_or_default()
    }

    /// Consumes `n` bytes of the window (`n` at most the window's length) and returns them as
    /// a span.
    #[inline(always)]
    pub(crate) fn consume(&mut self, n: usize) -> Span {
        let at = self.start;
        let to = at.saturating_add(n).min(self.end);
        self.start = to;
        self.offset += (to - at) as u64;
        #[cfg(feature = "mmap")]
        if let Store::Map(m) = &self.store {
            // Walking a mapped file is bound by memory latency; streaming the bytes a page
            // ahead into the cache halves the time (see benches/file_read.rs).
            let until = to.saturating_add(limits::PREFETCH_AHEAD).min(m.len());
            while self.prefetched < until {
                super::mmap::prefetch(m, self.prefetched);
                self.prefetched += 64;
            }
        }
        Span(at..to)
    }

    /// Whether a reader should walk several records of the [`window`](Input::window) in one
    /// go and then [`consume`](Input::consume) what it walked: yes for a stream's buffer or
    /// bytes in memory; no for a memory map, read record by record because each step then
    /// prefetches the bytes ahead (walking a mapped file is bound by memory latency, see
    /// [`Input::consume`]).
    #[inline(always)]
    pub(crate) fn walks(&self) -> bool {
        match &self.store {
            Store::Buf(_) => true,
            #[cfg(feature = "mmap")]
            Store::Map(_) => false,
        }
    }

    /// The bytes of a span taken since the input last changed.
    #[inline(always)]
    pub(crate) fn bytes(&self, span: &Span) -> &[u8] {
        self.store.bytes().get(span.0.clone()).unwrap_or_default()
    }

    /// The stream, when the input is one.
    pub(crate) fn into_reader(self) -> Option<R> {
        self.reader
    }
}

impl<R: Read> Input<R> {
    /// Bytes read from a stream.
    pub(crate) fn from_reader(reader: R) -> Input<R> {
        Input {
            store: Store::Buf(Vec::new()),
            reader: Some(reader),
            start: 0,
            end: 0,
            offset: 0,
            eof: false,
            prefetched: 0,
        }
    }

    /// Bytes already in memory.
    pub(crate) fn from_memory(mem: Memory) -> Input<R> {
        let store = match mem {
            Memory::Vec(v) => Store::Buf(v),
            #[cfg(feature = "mmap")]
            Memory::Map(m) => Store::Map(m),
        };
        let end = store.bytes().len();
        Input {
            store,
            reader: None,
            start: 0,
            end,
            offset: 0,
            eof: true,
            prefetched: 0,
        }
    }

    /// Makes at least `n` bytes available if the input has them; returns how many are.
    #[cold]
    #[inline(never)]
    fn fill(&mut self, n: usize) -> io::Result<usize> {
        let have = self.end - self.start;
        if have >= n || self.eof {
            return Ok(have);
        }
        let (Store::Buf(buf), Some(reader)) = (&mut self.store, &mut self.reader) else {
            return Ok(have);
        };
        // Move the unconsumed tail (less than `n`, itself bounded by the callers' limits) to
        // the front, grow to fit `n` if needed, and read as much as the buffer holds: big reads
        // keep the number of system calls, and the cost of each, low.
        if self.start > 0 {
            buf.copy_within(self.start..self.end, 0);
            self.start = 0;
            self.end = have;
        }
        // The buffer starts small (a short stream costs little) and doubles with each refill
        // up to one read chunk.
        let grown = buf
            .len()
            .saturating_mul(2)
            .clamp(64 * 1024, limits::READ_CHUNK);
        let want = n.max(grown);
        if buf.len() < want {
            buf.resize(want, 0);
        }
        while self.end < n {
            let free = buf.get_mut(self.end..).unwrap_or_default();
            match reader.read(free) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(k) => self.end += k.min(free.len()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.end - self.start)
    }

    /// Makes `n` bytes available, or says why not.
    #[inline(always)]
    fn ensure(&mut self, n: usize) -> Result<(), Short> {
        if self.end - self.start < n {
            let got = self.fill(n).map_err(Short::Io)?;
            if got < n {
                return Err(Short::Eof { got });
            }
        }
        Ok(())
    }

    /// The next `n` bytes without consuming them, or why there are not that many.
    #[inline]
    pub(crate) fn peek(&mut self, n: usize) -> Result<&[u8], Short> {
        self.ensure(n)?;
        self.window().get(..n).ok_or(Short::Eof { got: 0 })
    }

    /// The next `n` bytes, consumed, as a span (see [`Span`]).
    #[inline]
    pub(crate) fn take_span(&mut self, n: usize) -> Result<Span, Short> {
        self.ensure(n)?;
        Ok(self.consume(n))
    }

    /// The next `n` bytes, consumed. The slice lives until the next call on this input.
    #[inline]
    pub(crate) fn take(&mut self, n: usize) -> Result<&[u8], Short> {
        let span = self.take_span(n)?;
        Ok(self.bytes(&span))
    }

    /// Consumes `n` bytes without looking at them (reading and dropping them from a stream).
    /// Returns how many there were, fewer than `n` at the end of input.
    pub(crate) fn skip(&mut self, n: u64) -> io::Result<u64> {
        let mut left = n;
        while left > 0 {
            let avail = self.end - self.start;
            if avail == 0 {
                let chunk = usize::try_from(left)
                    .unwrap_or(usize::MAX)
                    .min(limits::READ_CHUNK);
                if self.fill(chunk)? == 0 {
                    break;
                }
                continue;
            }
            let step = usize::try_from(left).unwrap_or(usize::MAX).min(avail);
            self.consume(step);
            left -= step as u64;
        }
        Ok(n - left)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most 3 bytes per call.
    struct Dribble<'a>(&'a [u8]);
    impl Read for Dribble<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(out.len()).min(3);
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn stream_and_memory_agree() {
        let data: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
        let mut a = Input::from_reader(Dribble(&data));
        let mut b = Input::<Dribble<'_>>::from_memory(Memory::Vec(data.clone()));
        for n in [1usize, 7, 100, 4000] {
            let x = a.take(n).unwrap().to_vec();
            let y = b.take(n).unwrap().to_vec();
            assert_eq!(x, y);
        }
        assert_eq!(a.offset(), 4108);
        assert!(matches!(a.take(1000), Err(Short::Eof { got: 892 })));
        assert!(matches!(b.take(1000), Err(Short::Eof { got: 892 })));
        assert_eq!(a.skip(2000).unwrap(), 892);
        assert_eq!(b.skip(2000).unwrap(), 892);
        assert!(a.peek(1).is_err() && b.peek(1).is_err());
    }

    #[test]
    fn spans_name_the_bytes_taken() {
        let data: Vec<u8> = (0..=255u8).cycle().take(600).collect();
        let mut a = Input::from_reader(Dribble(&data));
        a.take(10).unwrap();
        let s = a.take_span(100).unwrap();
        assert_eq!(a.bytes(&s), &data[10..110]);
        assert_eq!(a.bytes(&s.sub(5, 10)), &data[15..25]);
        assert!(a.bytes(&s.sub(95, 10)).is_empty(), "past the end: empty");
        let outer = a.bytes(&s);
        let inner = &outer[20..30];
        assert_eq!(a.bytes(&s.within(outer, inner)), &data[30..40]);
        assert!(a.bytes(&s.within(outer, &[])).is_empty());
    }
}
