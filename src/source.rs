//! [`PacketSource`]: anything that hands out packets one at a time.

use crate::packet::Packet;
use crate::Result;

/// A source of packets read one at a time, each borrowed until the next read.
///
/// Implemented by capture files ([`file::Reader`](crate::file::Reader)), every readable
/// [`Capture`](crate::Capture) and live captures, so code that consumes packets can
/// take either. The lending signature lets sources hand out their own buffers without copying;
/// [`Packet::to_owned`] keeps a packet past the next read.
pub trait PacketSource {
    /// The next packet; `Ok(None)` when the source has no more.
    fn next(&mut self) -> Result<Option<Packet<'_>>>;
}
