//! [`Error`] and [`Warning`]: what can go wrong in live capture, as matchable kinds.

use std::fmt;
use std::io;

/// An error from live capture.
///
/// Activation failures that callers act on have their own variants (no such device, permission
/// denied, interface down, …), as libpcap's status codes do; every error that came from a system
/// call keeps the call's name and the errno ([`Error::call`], [`Error::errno`]).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The device does not exist (or its name is longer than the kernel's 15 bytes): libpcap's
    /// `PCAP_ERROR_NO_SUCH_DEVICE`.
    NoSuchDevice {
        /// The device name asked for.
        device: String,
    },
    /// The process may not capture: opening a packet socket needs `CAP_NET_RAW`, hardware time
    /// stamps `CAP_NET_ADMIN` (libpcap's `PCAP_ERROR_PERM_DENIED`).
    PermissionDenied {
        /// The device.
        device: String,
        /// The system call that was refused.
        call: &'static str,
        /// The capability that is probably missing (`"CAP_NET_RAW"`, `"CAP_NET_ADMIN"`).
        capability: &'static str,
        /// The errno (`EPERM` or `EACCES`).
        errno: i32,
    },
    /// The interface is administratively down (`PCAP_ERROR_IFACE_NOT_UP`), or, from
    /// `sendpacket`, the link is down (`ENETDOWN`).
    InterfaceDown {
        /// The device.
        device: String,
    },
    /// The interface disappeared during the capture (it was deleted or moved to another network
    /// namespace).
    InterfaceGone {
        /// The device.
        device: String,
    },
    /// The kernel refused to put the interface in promiscuous mode.
    PromiscNotPermitted {
        /// The device.
        device: String,
        /// The errno of `setsockopt(PACKET_ADD_MEMBERSHIP)`.
        errno: i32,
    },
    /// Something this device, platform or build cannot do: monitor mode, live capture off Linux,
    /// sending on the `any` device, a link type the device does not offer.
    Unsupported {
        /// The device (empty when the platform is the reason).
        device: String,
        /// What is not supported.
        what: String,
    },
    /// A setting is out of range or settings contradict each other.
    InvalidConfig {
        /// What is wrong.
        what: String,
    },
    /// `sendpacket`: the frame is longer than the interface's MTU plus its link header
    /// (`EMSGSIZE`).
    PacketTooLong {
        /// The device.
        device: String,
        /// The length of the frame.
        len: usize,
    },
    /// `sendpacket`: the kernel refused the frame as malformed, e.g. shorter than the link
    /// header (`EINVAL`).
    InvalidPacket {
        /// The device.
        device: String,
        /// The length of the frame.
        len: usize,
    },
    /// The read timeout expired with no packet (or, in nonblocking mode, no packet was ready).
    TimeoutExpired,
    /// The read was broken off by a [`BreakHandle`](super::BreakHandle).
    Break,
    /// The kernel handed over a ring block whose contents do not add up (a length or offset
    /// outside the block); the block is skipped.
    CorruptRing {
        /// What did not add up.
        what: String,
    },
    /// Any other failed system call.
    Sys {
        /// The device (or empty).
        device: String,
        /// The call, e.g. `"setsockopt(PACKET_RX_RING)"`.
        call: &'static str,
        /// The error it returned.
        source: io::Error,
    },
}

impl Error {
    /// The system call behind this error, when there was one.
    pub fn call(&self) -> Option<&'static str> {
        match self {
            Error::PermissionDenied { call, .. } | Error::Sys { call, .. } => Some(call),
            Error::PromiscNotPermitted { .. } => Some("setsockopt(PACKET_ADD_MEMBERSHIP)"),
            _ => None,
        }
    }

    /// The errno behind this error, when there was one.
    pub fn errno(&self) -> Option<i32> {
        match self {
            Error::PermissionDenied { errno, .. } | Error::PromiscNotPermitted { errno, .. } => {
                Some(*errno)
            }
            Error::Sys { source, .. } => source.raw_os_error(),
            _ => None,
        }
    }

    /// A failed system call, sorted into the matchable kinds where the errno says which.
    pub(crate) fn sys(device: &str, call: &'static str, source: io::Error) -> Error {
        match source.raw_os_error() {
            Some(e) if e == libc_errno::EPERM || e == libc_errno::EACCES => {
                Error::PermissionDenied {
                    device: device.to_owned(),
                    call,
                    capability: "CAP_NET_RAW",
                    errno: e,
                }
            }
            Some(e) if e == libc_errno::ENODEV || e == libc_errno::ENXIO => Error::NoSuchDevice {
                device: device.to_owned(),
            },
            Some(libc_errno::ENETDOWN) => Error::InterfaceDown {
                device: device.to_owned(),
            },
            _ => Error::Sys {
                device: device.to_owned(),
                call,
                source,
            },
        }
    }

    /// A failed system call kept as it is (no sorting by errno).
    pub(crate) fn raw(device: &str, call: &'static str, source: io::Error) -> Error {
        Error::Sys {
            device: device.to_owned(),
            call,
            source,
        }
    }

    pub(crate) fn unsupported(device: &str, what: impl Into<String>) -> Error {
        Error::Unsupported {
            device: device.to_owned(),
            what: what.into(),
        }
    }

    pub(crate) fn invalid(what: impl Into<String>) -> Error {
        Error::InvalidConfig { what: what.into() }
    }
}

/// The errno values the sorting above needs, the same on every Linux architecture (and given
/// here so that this file builds on every target).
pub(crate) mod libc_errno {
    pub const EPERM: i32 = 1;
    pub const ENXIO: i32 = 6;
    pub const EACCES: i32 = 13;
    pub const ENODEV: i32 = 19;
    pub const ENETDOWN: i32 = 100;
}

fn prefix(f: &mut fmt::Formatter<'_>, device: &str) -> fmt::Result {
    if device.is_empty() {
        Ok(())
    } else {
        write!(f, "{device}: ")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NoSuchDevice { device } => write!(f, "{device}: no such device exists"),
            Error::PermissionDenied {
                device,
                call,
                capability,
                errno,
            } => {
                prefix(f, device)?;
                write!(
                    f,
                    "{call}: {} (you don't have permission to capture on that device; {capability} may be required)",
                    io::Error::from_raw_os_error(*errno)
                )
            }
            Error::InterfaceDown { device } => write!(f, "{device}: that device is not up"),
            Error::InterfaceGone { device } => write!(f, "{device}: the interface disappeared"),
            Error::PromiscNotPermitted { device, errno } => write!(
                f,
                "{device}: cannot set promiscuous mode: {}",
                io::Error::from_raw_os_error(*errno)
            ),
            Error::Unsupported { device, what } => {
                prefix(f, device)?;
                write!(f, "{what} is not supported")
            }
            Error::InvalidConfig { what } => write!(f, "invalid capture setting: {what}"),
            Error::PacketTooLong { device, len } => write!(
                f,
                "{device}: cannot send a {len}-byte frame: longer than the interface's MTU allows"
            ),
            Error::InvalidPacket { device, len } => write!(
                f,
                "{device}: the kernel refused a {len}-byte frame as malformed (too short for the link header?)"
            ),
            Error::TimeoutExpired => f.write_str("timeout expired"),
            Error::Break => f.write_str("capture broken off"),
            Error::CorruptRing { what } => write!(f, "corrupted frame on kernel ring: {what}"),
            Error::Sys {
                device,
                call,
                source,
            } => {
                prefix(f, device)?;
                write!(f, "{call}: {source}")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Sys { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Something activation could not do as asked but worked around; the capture still runs.
///
/// libpcap returns these as positive status codes from `pcap_activate`; here they are kept on
/// the handle ([`Handle::warnings`](super::Handle::warnings)).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// Promiscuous mode was asked for on a device that has none (`any`): libpcap's
    /// `PCAP_WARNING_PROMISC_NOTSUP`. The capture runs without it.
    PromiscNotSupported,
    /// The time stamp type asked for is not offered by the device
    /// (`PCAP_WARNING_TSTAMP_TYPE_NOTSUP`); host time stamps are used.
    TstampTypeNotSupported,
    /// The device's hardware type has no link type of its own: the capture falls back to a
    /// cooked socket (`LINUX_SLL`), as libpcap does.
    CookedFallback {
        /// The `ARPHRD_*` hardware type.
        arphrd: u16,
    },
    /// A filter is run in user space instead of in the kernel (the kernel refused it, or it
    /// reads a cooked header the kernel does not have); it still filters every packet.
    FilterInUserSpace {
        /// Why.
        reason: String,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::PromiscNotSupported => {
                f.write_str("that device doesn't support promiscuous mode")
            }
            Warning::TstampTypeNotSupported => {
                f.write_str("that type of time stamp is not supported by that device")
            }
            Warning::CookedFallback { arphrd } => write!(
                f,
                "arptype {arphrd} not supported - falling back to cooked socket"
            ),
            Warning::FilterInUserSpace { reason } => {
                write!(f, "filtering in user space: {reason}")
            }
        }
    }
}
