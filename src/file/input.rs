//! [`Input`]: the bytes of a capture file, from memory or from any `io::Read`, with bounded
//! buffering.
//!
//! Readers ask for the next `n` bytes as one contiguous slice ([`Input::take`]); the slice stays
//! valid until the next call. From memory (a memory-mapped file or a `Vec`) this is a pointer
//! bump with no copy. From a stream, bytes are read in chunks of [`limits::READ_CHUNK`] into a
//! buffer that only grows to hold the largest single record asked for, which the readers bound
//! by [`limits`] before they ask, so memory stays bounded whatever the input claims.

use super::limits;
use std::io::{self, Read};

/// Where the bytes come from.
enum Src<R> {
    /// Bytes being read from a stream into `buf[..filled]`.
    Stream {
        reader: R,
        buf: Vec<u8>,
        filled: usize,
        eof: bool,
    },
    /// All of the file, in memory.
    Memory(Memory),
}

/// A whole file in memory.
pub(crate) enum Memory {
    /// Owned bytes.
    Vec(Vec<u8>),
    /// A read-only memory map of a file.
    #[cfg(feature = "mmap")]
    Map(memmap2::Mmap),
}

impl Memory {
    #[inline]
    fn bytes(&self) -> &[u8] {
        match self {
            Memory::Vec(v) => v,
            #[cfg(feature = "mmap")]
            Memory::Map(m) => m,
        }
    }
}

/// The bytes of a capture file, consumed front to back.
pub(crate) struct Input<R> {
    src: Src<R>,
    /// Index in the backing bytes of the first unconsumed byte.
    start: usize,
    /// File offset of `start`.
    offset: u64,
    /// Memory inputs: bytes before this index have been prefetched.
    #[cfg_attr(not(feature = "mmap"), allow(dead_code))]
    prefetched: usize,
    /// Where in the backing bytes the last [`Input::take`] was: `(start, len)`.
    last: (usize, usize),
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
}

impl<R: Read> Input<R> {
    /// Bytes read from a stream.
    pub(crate) fn from_reader(reader: R) -> Input<R> {
        Input {
            src: Src::Stream {
                reader,
                buf: Vec::new(),
                filled: 0,
                eof: false,
            },
            start: 0,
            offset: 0,
            prefetched: 0,
            last: (0, 0),
        }
    }

    /// Bytes already in memory.
    pub(crate) fn from_memory(mem: Memory) -> Input<R> {
        Input {
            src: Src::Memory(mem),
            start: 0,
            offset: 0,
            prefetched: 0,
            last: (0, 0),
        }
    }

    /// The bytes available without reading more.
    #[inline]
    fn window(&self) -> &[u8] {
        let all = match &self.src {
            Src::Stream { buf, filled, .. } => buf.get(..*filled).unwrap_or_default(),
            Src::Memory(m) => m.bytes(),
        };
        all.get(self.start..).unwrap_or_default()
    }

    /// Makes at least `n` bytes available if the input has them; returns how many are.
    fn fill(&mut self, n: usize) -> io::Result<usize> {
        let Src::Stream {
            reader,
            buf,
            filled,
            eof,
        } = &mut self.src
        else {
            return Ok(self.window().len());
        };
        let have = filled.saturating_sub(self.start);
        if have >= n || *eof {
            return Ok(have);
        }
        // Move the unconsumed tail to the front, then grow to fit `n` (bounded by the callers'
        // limits) or one read chunk, whichever is larger.
        buf.copy_within(self.start..*filled, 0);
        self.last = (0, 0);
        *filled = have;
        self.start = 0;
        let want = n.max(limits::READ_CHUNK);
        if buf.len() < want {
            buf.resize(want, 0);
        }
        while *filled < n {
            let free = buf.get_mut(*filled..).unwrap_or_default();
            match reader.read(free) {
                Ok(0) => {
                    *eof = true;
                    break;
                }
                Ok(k) => *filled += k.min(free.len()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(*filled)
    }

    /// The next `n` bytes without consuming them, or why there are not that many.
    #[inline]
    pub(crate) fn peek(&mut self, n: usize) -> Result<&[u8], Short> {
        if self.window().len() < n {
            let got = self.fill(n).map_err(Short::Io)?;
            if got < n {
                return Err(Short::Eof { got });
            }
        }
        self.window().get(..n).ok_or(Short::Eof { got: 0 })
    }

    /// The next `n` bytes, consumed. The slice lives until the next call on this input.
    #[inline]
    pub(crate) fn take(&mut self, n: usize) -> Result<&[u8], Short> {
        if self.window().len() < n {
            let got = self.fill(n).map_err(Short::Io)?;
            if got < n {
                return Err(Short::Eof { got });
            }
        }
        let at = self.start;
        self.start += n;
        self.offset += n as u64;
        self.last = (at, n);
        let all = match &self.src {
            Src::Stream { buf, .. } => buf.as_slice(),
            Src::Memory(m) => {
                let bytes = m.bytes();
                // Walking a mapped file is bound by memory latency; streaming the bytes a page
                // ahead into the cache halves the time (see benches/file_read.rs).
                #[cfg(feature = "mmap")]
                {
                    let until = self
                        .start
                        .saturating_add(limits::PREFETCH_AHEAD)
                        .min(bytes.len());
                    while self.prefetched < until {
                        super::mmap::prefetch(bytes, self.prefetched);
                        self.prefetched += 64;
                    }
                }
                bytes
            }
        };
        all.get(at..at + n).ok_or(Short::Eof { got: 0 })
    }

    /// The bytes the last [`Input::take`] returned, again (empty once a later call has had to
    /// read from the stream or skip): a reader that must decide about a record before handing it out takes it, looks,
    /// and then hands out this, so that no borrow spans two takes.
    #[inline]
    pub(crate) fn last_taken(&self) -> &[u8] {
        let (at, n) = self.last;
        let all = match &self.src {
            Src::Stream { buf, filled, .. } => buf.get(..*filled).unwrap_or_default(),
            Src::Memory(m) => m.bytes(),
        };
        all.get(at..at.saturating_add(n)).unwrap_or_default()
    }

    /// Consumes `n` bytes without looking at them (reading and dropping them from a stream).
    /// Returns how many there were, fewer than `n` at the end of input.
    pub(crate) fn skip(&mut self, n: u64) -> io::Result<u64> {
        self.last = (0, 0);
        let mut left = n;
        while left > 0 {
            let avail = self.window().len();
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
            self.start += step;
            self.offset += step as u64;
            left -= step as u64;
        }
        Ok(n - left)
    }

    /// The reader, when the input is a stream.
    pub(crate) fn into_reader(self) -> Option<R> {
        match self.src {
            Src::Stream { reader, .. } => Some(reader),
            Src::Memory(_) => None,
        }
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
}
