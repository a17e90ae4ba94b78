//! The output both writers share: buffered, counting the bytes written so that every error
//! names the offset it happened at.

use super::{Error, ErrorKind};
use std::io::{BufWriter, Write};

/// A buffered output that counts what it has written.
#[derive(Debug)]
pub(crate) struct Output<W: Write> {
    out: BufWriter<W>,
    written: u64,
}

impl<W: Write> Output<W> {
    pub(crate) fn new(out: W) -> Output<W> {
        Output::continuing(out, 0)
    }

    /// An output whose first byte lands at offset `written` (appending to a file).
    pub(crate) fn continuing(out: W, written: u64) -> Output<W> {
        Output {
            out: BufWriter::with_capacity(256 * 1024, out),
            written,
        }
    }

    /// Writes `bytes`; an I/O error names the offset they were to start at.
    pub(crate) fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.out
            .write_all(bytes)
            .map_err(|e| Error::new(ErrorKind::Io(e), self.written))?;
        self.written = self.written.saturating_add(bytes.len() as u64);
        Ok(())
    }

    /// Bytes written so far.
    pub(crate) fn written(&self) -> u64 {
        self.written
    }

    /// An error of this kind at the current offset.
    pub(crate) fn error(&self, kind: ErrorKind) -> Error {
        Error::new(kind, self.written)
    }

    /// Writes out everything buffered.
    pub(crate) fn flush(&mut self) -> Result<(), Error> {
        self.out
            .flush()
            .map_err(|e| Error::new(ErrorKind::Io(e), self.written))
    }

    /// Flushes, then returns the output.
    pub(crate) fn into_inner(self) -> Result<W, Error> {
        let written = self.written;
        self.out
            .into_inner()
            .map_err(|e| Error::new(ErrorKind::Io(e.into_error()), written))
    }
}
