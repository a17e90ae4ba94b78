//! Live capture where there is none (every target but Linux): the same API, and
//! [`Handle::open`] returns [`Error::Unsupported`]. No `Handle` can exist, so its methods are
//! never reached.

use super::config::{Config, Fanout, RingGeometry, TimestampType};
use super::error::{Error, Warning};
use crate::bpf::Program;
use crate::linktype::Linktype;
use crate::packet::{Direction, Packet, Precision};
use std::convert::Infallible;

/// Packet statistics of a live capture (see the Linux documentation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Stat {
    /// Packets the kernel accepted for this capture.
    pub received: u32,
    /// Packets dropped because the buffer was full.
    pub dropped: u32,
    /// Packets the interface dropped.
    pub if_dropped: u32,
}

/// Stops a capture's read from any thread.
#[derive(Clone, Debug)]
pub struct BreakHandle {
    never: Infallible,
}

impl BreakHandle {
    /// Breaks the capture's read off.
    pub fn breakloop(&self) {
        match self.never {}
    }
}

/// The time stamp types a device offers: live capture is Linux-only.
pub fn supported_tstamp_types(device: &str) -> Result<Vec<TimestampType>, Error> {
    Err(unsupported(device))
}

fn unsupported(device: &str) -> Error {
    Error::unsupported(device, "live capture on this platform (Linux only)")
}

/// A live capture: it cannot be opened on this platform.
#[derive(Debug)]
pub struct Handle {
    never: Infallible,
}

#[allow(missing_docs, clippy::missing_errors_doc)]
impl Handle {
    /// Returns [`Error::Unsupported`]: live capture is Linux-only.
    pub fn open(device: &str, _config: &Config) -> Result<Handle, Error> {
        Err(unsupported(device))
    }

    /// Returns [`Error::Unsupported`]: live capture is Linux-only.
    #[cfg(unix)]
    pub fn from_socket(_fd: std::os::fd::OwnedFd, _config: &Config) -> Result<Handle, Error> {
        Err(unsupported(""))
    }

    pub fn join_fanout(&mut self, _fanout: Fanout) -> Result<(), Error> {
        match self.never {}
    }
    pub fn device(&self) -> &str {
        match self.never {}
    }
    pub fn ifindex(&self) -> i32 {
        match self.never {}
    }
    pub fn warnings(&self) -> &[Warning] {
        match self.never {}
    }
    pub fn linktype(&self) -> Linktype {
        match self.never {}
    }
    pub fn datalinks(&self) -> &[Linktype] {
        match self.never {}
    }
    pub fn set_datalink(&mut self, _linktype: Linktype) -> Result<(), Error> {
        match self.never {}
    }
    pub fn snaplen(&self) -> u32 {
        match self.never {}
    }
    pub fn precision(&self) -> Precision {
        match self.never {}
    }
    pub fn geometry(&self) -> RingGeometry {
        match self.never {}
    }
    pub fn set_direction(&self, _direction: Direction) -> Result<(), Error> {
        match self.never {}
    }
    pub fn direction(&self) -> Direction {
        match self.never {}
    }
    pub fn set_nonblocking(&mut self, _nonblocking: bool) {
        match self.never {}
    }
    pub fn is_nonblocking(&self) -> bool {
        match self.never {}
    }
    pub fn break_handle(&self) -> BreakHandle {
        match self.never {}
    }
    pub fn stats(&mut self) -> Result<Stat, Error> {
        match self.never {}
    }
    pub fn set_program(&mut self, _program: &Program) -> Result<(), Error> {
        match self.never {}
    }
    pub fn filter_in_user_space(&self) -> bool {
        match self.never {}
    }
    pub fn sendpacket(&self, _frame: &[u8]) -> Result<(), Error> {
        match self.never {}
    }
    pub fn next_packet(&mut self) -> Result<Packet<'_>, Error> {
        match self.never {}
    }
    pub fn dispatch(
        &mut self,
        _max: Option<usize>,
        _f: impl FnMut(Packet<'_>),
    ) -> Result<usize, Error> {
        match self.never {}
    }
    pub fn for_each(
        &mut self,
        _count: Option<usize>,
        _f: impl FnMut(Packet<'_>),
    ) -> Result<(), Error> {
        match self.never {}
    }
}

#[cfg(unix)]
impl std::os::fd::AsFd for Handle {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        match self.never {}
    }
}

#[cfg(unix)]
impl std::os::fd::AsRawFd for Handle {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        match self.never {}
    }
}

impl crate::source::PacketSource for Handle {
    fn next(&mut self) -> crate::Result<Option<Packet<'_>>> {
        match self.never {}
    }
}
