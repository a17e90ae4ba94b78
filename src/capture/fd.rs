//! Adopting a raw file descriptor: the one `unsafe` operation of the front door.
#![allow(unsafe_code)]

use super::{Capture, Offline};
use crate::packet::Precision;
use crate::Result;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};

impl Capture<Offline> {
    /// Reads a capture from a raw file descriptor, taking ownership of it (the `pcap` crate's
    /// `from_raw_fd`): it is closed when the capture is dropped. Prefer the safe
    /// [`Capture::from_fd`].
    ///
    /// # Safety
    ///
    /// `fd` must be an open file descriptor that nothing else owns or will close: the capture
    /// closes it, so a second owner would close (or use) a descriptor number that may by then
    /// belong to another file.
    pub unsafe fn from_raw_fd(fd: RawFd) -> Result<Capture<Offline>> {
        // SAFETY: the caller guarantees `fd` is open and owned by no one else (this function's
        // contract), which is exactly what `OwnedFd::from_raw_fd` requires.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        Capture::from_fd(fd)
    }

    /// [`Capture::from_raw_fd`] delivering time stamps in `precision`.
    ///
    /// # Safety
    ///
    /// As for [`Capture::from_raw_fd`].
    pub unsafe fn from_raw_fd_with_precision(
        fd: RawFd,
        precision: Precision,
    ) -> Result<Capture<Offline>> {
        // SAFETY: as in `from_raw_fd`, the caller's contract is `OwnedFd::from_raw_fd`'s.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        Capture::from_fd_with_precision(fd, precision)
    }
}
