//! pcapng (`draft-ietf-opsawg-pcapng`). Being written; see the issue notes.

use crate::file::input::Input;
use crate::file::{Endianness, Error, ErrorKind};
use crate::linktype::Linktype;
use crate::packet::{Packet, Precision};
use std::io::Read;

/// A pcapng reader.
pub struct Reader<R> {
    _input: Input<R>,
}

impl<R: Read> Reader<R> {
    pub(crate) fn from_input(_input: Input<R>) -> Result<Reader<R>, Error> {
        Err(Error::new(
            ErrorKind::Unwritable("pcapng reading is not built yet"),
            0,
        ))
    }
    /// The next packet.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Packet<'_>>, Error> {
        Ok(None)
    }
    /// Offset.
    pub fn offset(&self) -> u64 {
        self._input.offset()
    }
    /// First interface's link type.
    pub fn linktype(&self) -> Option<Linktype> {
        None
    }
    /// First interface's snaplen.
    pub fn snaplen(&self) -> Option<u32> {
        None
    }
    /// First interface's precision.
    pub fn precision(&self) -> Precision {
        Precision::Micro
    }
    /// Truncate time stamps.
    pub fn set_precision(&mut self, _p: Option<Precision>) {}
    /// Section version.
    pub fn version(&self) -> (u16, u16) {
        (1, 0)
    }
    /// Section byte order.
    pub fn endianness(&self) -> Endianness {
        Endianness::Little
    }
}
