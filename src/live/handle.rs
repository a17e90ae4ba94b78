//! [`Handle`]: an activated AF_PACKET capture with a TPACKET_V3 ring, or in immediate mode a
//! TPACKET_V2 ring (Linux).

use super::config::{Config, Fanout, RingGeometry, TimestampType, MIN_BLOCKS};
use super::device::{link_for_any, link_for_arphrd, LinkMapping as Link};
use super::error::{Error, Warning};
use super::netlink::{self, LinkStats};
use super::ring::{
    insert_tag, BlockDesc, Cook, Frame, TagAt, Version, Walker, MAX_GROWTH, PACKET_OUTGOING,
    TP_STATUS_COPY, TP_STATUS_USER,
};
use super::sys::{self, IntOpt, Ring, RingRequest};
use crate::bpf::{self, Ancillary, Instruction, Program, Rules};
use crate::linktype::{Linktype, MAXIMUM_SNAPLEN};
use crate::packet::{Direction, Packet, PacketHeader, Precision, Timestamp};
use std::cell::Cell;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// `IFF_UP`.
const IFF_UP: u32 = 1;
/// While the interface is down, how often the reader checks whether it was deleted.
const NETDOWN_RECHECK_MS: i32 = 20;
/// epb_flags direction bits: inbound.
const EPB_INBOUND: u32 = 1;
/// epb_flags direction bits: outbound.
const EPB_OUTBOUND: u32 = 2;
/// Immediate mode under load: after this many packets in a row without waiting, the reader
/// pauses (without being woken per packet) before it looks at the ring again.
const BUSY_BATCH: u32 = 4;
/// The shortest and longest pause under load in immediate mode (timer slack adds about
/// 50 µs). The kernel wakes a V2 reader for every packet, and at a million packets a second
/// those wake-ups would cost more than the packets: pausing lets them pile up into batches.
/// The pause doubles while each one ends with [`BUSY_LONG_BATCH`] packets waiting and halves
/// when fewer than a quarter of that are, so a flood is read in batches of a few hundred
/// packets while a trickle keeps the short pause; a lone packet, or a few in a row, never
/// waits for it.
const BUSY_PAUSE_US: (u32, u32) = (50, 500);
/// See [`BUSY_PAUSE_US`].
const BUSY_LONG_BATCH: u32 = 32;
/// The receive buffer asked for in immediate mode, for packets longer than a ring frame
/// (`TP_STATUS_COPY`): room for a few 64 KiB aggregates (the kernel doubles it, and caps it at
/// `net.core.rmem_max` unless the process has `CAP_NET_ADMIN`).
const COPY_RCVBUF: i32 = 4 * 1024 * 1024;

/// Packet statistics of a live capture, accumulated since it was opened (the `pcap` crate's
/// `Stat`, gopacket's `CaptureStats`, libpcap's `pcap_stat`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Stat {
    /// Packets the kernel accepted for this capture (passed its filter): those delivered, those
    /// dropped for lack of ring space, and those later rejected in user space (direction, the
    /// loopback duplicate). Wraps at 2^32, as libpcap's does.
    pub received: u32,
    /// Packets dropped because the ring was full.
    pub dropped: u32,
    /// Packets the interface dropped (promiscuous captures only: `rx_missed_errors` plus
    /// `rx_fifo_errors` since the capture opened); 0 otherwise.
    pub if_dropped: u32,
}

/// The wake-up side of a capture, shared with its [`BreakHandle`]s.
#[derive(Debug)]
struct Wake {
    fd: OwnedFd,
    flag: AtomicBool,
}

/// Stops a capture's read from any thread (the `pcap` crate's `BreakLoop`, libpcap's
/// `pcap_breakloop`, gopacket's `Close` from another goroutine).
///
/// [`breakloop`](BreakHandle::breakloop) makes the capture's current read, or its next one,
/// return [`Error::Break`] (`for_each` returns `Ok`) at once, even when it is blocked on an
/// idle link: an `eventfd` in every `poll` wakes it. `Send + Sync` and cheap to clone; it stays
/// valid after the capture is dropped (then it does nothing).
#[derive(Clone, Debug)]
pub struct BreakHandle {
    wake: Arc<Wake>,
}

impl BreakHandle {
    /// Breaks the capture's read off.
    pub fn breakloop(&self) {
        self.wake.flag.store(true, Ordering::SeqCst);
        // Cannot fail for an open eventfd (a full counter wakes pollers anyway).
        let _ = sys::eventfd_signal(self.wake.fd.as_fd());
    }
}

/// The cooked header and tag position of a link type. Cooked captures get a `LINUX_SLL2`
/// header for that link type and a `LINUX_SLL` one for every other (IrDA, LAPD and netlink
/// captures carry an SLL header too).
fn layout_of(linktype: Linktype, cooked: bool) -> (Cook, TagAt) {
    match (linktype, cooked) {
        (Linktype::EN10MB, false) => (Cook::Raw, TagAt::After(12)),
        (Linktype::LINUX_SLL, true) => (Cook::Sll, TagAt::After(14)),
        (Linktype::LINUX_SLL2, true) => (Cook::Sll2, TagAt::Sll2),
        (_, true) => (Cook::Sll, TagAt::Nowhere),
        (_, false) => (Cook::Raw, TagAt::Nowhere),
    }
}

/// The time stamp types a device offers (libpcap's `pcap_list_tstamp_types`, gopacket's
/// `SupportedTimestamps`), from `ETHTOOL_GET_TS_INFO`; `[Host]` when it says nothing more, as
/// libpcap reports it. Works without privileges.
pub fn supported_tstamp_types(device: &str) -> Result<Vec<TimestampType>, Error> {
    if device == "any" {
        return Ok(vec![TimestampType::Host]);
    }
    let s = sys::ioctl_socket().map_err(|(c, e)| Error::raw(device, c, e))?;
    let types = match sys::ts_info(s.as_fd(), device) {
        Ok((so_timestamping, rx_filters)) => {
            let mut v = Vec::new();
            if rx_filters & (1 << 1) != 0 {
                if so_timestamping & (1 << 4) != 0 {
                    v.push(TimestampType::Host);
                }
                if so_timestamping & (1 << 5) != 0 {
                    v.push(TimestampType::Adapter);
                }
                if so_timestamping & (1 << 6) != 0 {
                    v.push(TimestampType::AdapterUnsynced);
                }
            }
            v
        }
        Err((_, e)) if matches!(e.raw_os_error(), Some(libc::EOPNOTSUPP | libc::EINVAL)) => vec![
            TimestampType::Host,
            TimestampType::Adapter,
            TimestampType::AdapterUnsynced,
        ],
        Err((_, e)) if matches!(e.raw_os_error(), Some(libc::ENODEV | libc::ENXIO)) => Vec::new(),
        Err((c, e)) => return Err(Error::raw(device, c, e)),
    };
    Ok(if types.is_empty() {
        vec![TimestampType::Host]
    } else {
        types
    })
}

/// The interface counters of a promiscuous capture (libpcap's `ps_ifdrop`), read through a
/// netlink socket opened with the capture socket, so in the same network namespace whichever
/// thread asks later (sysfs shows the namespace it was mounted in).
#[derive(Debug)]
struct IfCounters {
    socket: OwnedFd,
    ifindex: i32,
    seq: u32,
    /// `rx_missed_errors + rx_fifo_errors` when the capture opened (or when they last went
    /// backwards).
    base: u64,
}

impl IfCounters {
    /// Opens the netlink socket (in the calling thread's namespace: call it where the capture
    /// socket was opened) and takes the baseline. `None` when the counters cannot be read.
    fn open(ifindex: i32) -> Option<IfCounters> {
        let mut c = IfCounters {
            socket: sys::route_socket().ok()?,
            ifindex,
            seq: 0,
            base: 0,
        };
        c.base = c.read().ok()?.if_dropped();
        Some(c)
    }

    /// The interface's counters now.
    fn read(&mut self) -> Result<LinkStats, String> {
        self.seq = self.seq.wrapping_add(1);
        let req = netlink::getlink_request(self.ifindex, self.seq);
        sys::send(self.socket.as_fd(), &req).map_err(|(c, e)| format!("{c}: {e}"))?;
        // The kernel answers within the send; anything older (an earlier reply) is skipped by
        // its sequence number.
        let mut buf = vec![0u8; 32 * 1024];
        loop {
            match sys::recv_trunc(self.socket.as_fd(), &mut buf) {
                Ok(Some(n)) => {
                    let got = buf.get(..n).unwrap_or(&buf[..]);
                    match netlink::parse_getlink_reply(got, self.ifindex, self.seq) {
                        Ok(s) => return Ok(s),
                        Err(e) if n > buf.len() => return Err(e),
                        Err(_) => continue,
                    }
                }
                Ok(None) => return Err("no RTM_GETLINK reply".into()),
                Err((c, e)) => return Err(format!("{c}: {e}")),
            }
        }
    }

    /// Packets the interface dropped since the capture opened; counters that went backwards (a
    /// driver reset) start a new baseline.
    fn dropped(&mut self) -> u64 {
        let Ok(now) = self.read().map(|s| s.if_dropped()) else {
            return 0;
        };
        if now < self.base {
            self.base = now;
        }
        now - self.base
    }
}

/// Where the packet to hand out is.
#[derive(Clone, Copy)]
enum At {
    /// `start..end` of the held block.
    Block(usize, usize),
    /// `MAX_GROWTH - grown..MAX_GROWTH - grown + caplen` of the scratch buffer.
    Scratch(usize, usize),
}

/// An activated live capture on Linux: a packet socket with a TPACKET_V3 ring, or in
/// immediate mode a TPACKET_V2 ring that hands over each packet as it arrives.
///
/// Open it with [`Handle::open`] (or adopt a socket with [`Handle::from_socket`]); read with
/// [`next_packet`](Handle::next_packet) (zero-copy: the packet borrows the ring until the next
/// read), [`dispatch`](Handle::dispatch) or [`for_each`](Handle::for_each); stop a read from
/// another thread with a [`BreakHandle`]. Dropping the handle unmaps the ring and closes the
/// socket; the borrow checker makes sure no packet outlives it.
#[derive(Debug)]
pub struct Handle {
    // Field order is drop order: the ring is unmapped before the socket closes.
    ring: Ring,
    fd: OwnedFd,
    wake: Arc<Wake>,
    device: String,
    ifindex: i32,
    lo_ifindex: i32,
    link: Link,
    cook: Cook,
    tag_at: TagAt,
    snaplen: u32,
    precision: Precision,
    direction: Cell<Direction>,
    timeout: Option<Duration>,
    /// The ring's layout.
    version: Version,
    /// V3: the ring's block-retire timeout, the longest a poll waits before the block status
    /// is looked at again. `None` for V2, where the kernel wakes the reader for every packet.
    retire_ms: Option<i32>,
    nonblocking: bool,
    geometry: RingGeometry,
    // Reading.
    /// V2: frames handed over since the reader last waited or paused.
    batch: u32,
    /// V2: the current pause under load, in microseconds; 0 when the last wait was not one.
    pause_us: u32,
    cur: usize,
    held: bool,
    walker: Walker,
    header: PacketHeader,
    scratch: Vec<u8>,
    // Filtering.
    user_filter: Option<Program>,
    userland_blocks: usize,
    userland_always: bool,
    // Statistics and state.
    received: u64,
    dropped: u64,
    ifdrop: Option<IfCounters>,
    netdown: bool,
    warnings: Vec<Warning>,
}

/// A socket being set up: what activation knows before the ring exists.
struct Setup {
    fd: OwnedFd,
    device: String,
    ifindex: i32,
    link: Link,
    protocol: u16,
    warnings: Vec<Warning>,
}

impl Handle {
    /// Opens a capture on `device` (`"any"`: every interface of the network namespace) and
    /// starts it, in libpcap's activation order (live-capture.md §1).
    ///
    /// Errors are matchable: [`Error::NoSuchDevice`], [`Error::PermissionDenied`] (naming
    /// `CAP_NET_RAW`), [`Error::InterfaceDown`], [`Error::PromiscNotPermitted`],
    /// [`Error::Unsupported`] (monitor mode), [`Error::InvalidConfig`]. What could not be done
    /// as asked but was worked around is in [`warnings`](Handle::warnings).
    pub fn open(device: &str, config: &Config) -> Result<Handle, Error> {
        let any = device == "any";
        if device.is_empty() || device.len() >= 16 || device.contains('\0') {
            return Err(Error::NoSuchDevice {
                device: device.to_owned(),
            });
        }
        if config.rfmon {
            return Err(Error::unsupported(device, "monitor mode (rfmon)"));
        }
        let mut warnings = Vec::new();
        let promisc = config.promisc && !any;
        if config.promisc && any {
            warnings.push(Warning::PromiscNotSupported);
        }
        let open_socket = |cooked: bool| {
            sys::packet_socket(cooked).map_err(|(c, e)| match e.raw_os_error() {
                Some(libc::EAFNOSUPPORT) => {
                    Error::unsupported(device, "packet capture (no AF_PACKET)")
                }
                _ => Error::sys(device, c, e),
            })
        };
        let mut fd = open_socket(any)?;
        let (ifindex, link) = if any {
            (0, link_for_any())
        } else {
            let arphrd =
                sys::if_hwtype(fd.as_fd(), device).map_err(|(c, e)| Error::sys(device, c, e))?;
            let link = link_for_arphrd(arphrd, device);
            if link.unknown {
                warnings.push(Warning::CookedFallback { arphrd });
            }
            if link.cooked {
                fd = open_socket(true)?;
            }
            let ifindex =
                sys::if_index(fd.as_fd(), device).map_err(|(c, e)| Error::sys(device, c, e))?;
            sys::bind(fd.as_fd(), ifindex, 0).map_err(|(c, e)| Error::sys(device, c, e))?;
            check_so_error(fd.as_fd(), device)?;
            (ifindex, link)
        };
        if promisc {
            sys::add_promisc(fd.as_fd(), ifindex).map_err(|(_, e)| Error::PromiscNotPermitted {
                device: device.to_owned(),
                errno: e.raw_os_error().unwrap_or(0),
            })?;
        }
        let setup = Setup {
            fd,
            device: device.to_owned(),
            ifindex,
            link,
            protocol: sys::ETH_P_ALL,
            warnings,
        };
        let mut h = Handle::start(setup, config)?;
        if promisc {
            h.ifdrop = IfCounters::open(ifindex);
        }
        Ok(h)
    }

    /// Adopts an `AF_PACKET` socket the caller opened (and possibly bound to an interface and
    /// configured), and captures on it with `config`: the ring is set up, the socket is
    /// (re)bound to the same interface for every protocol (or the protocol it was bound to),
    /// and reads work as for [`open`](Handle::open). A `SOCK_DGRAM` socket captures cooked
    /// (`LINUX_SLL`); a `SOCK_RAW` one must be bound to an interface. Promiscuous mode and
    /// monitor mode in `config` are ignored (set them on the socket first).
    pub fn from_socket(fd: OwnedFd, config: &Config) -> Result<Handle, Error> {
        let ty = sys::get_int(fd.as_fd(), IntOpt::Type).map_err(|(c, e)| Error::raw("", c, e))?;
        let (ifindex, protocol, hatype) =
            sys::bound_to(fd.as_fd()).map_err(|(c, e)| match e.raw_os_error() {
                Some(libc::EAFNOSUPPORT) => Error::invalid("the socket is not an AF_PACKET socket"),
                _ => Error::raw("", c, e),
            })?;
        let device = if ifindex > 0 {
            sys::index_to_name(ifindex)
                .map_err(|(c, e)| Error::raw("", c, e))?
                .unwrap_or_else(|| format!("ifindex {ifindex}"))
        } else {
            "any".to_owned()
        };
        let link = if ty == libc::SOCK_DGRAM {
            link_for_any()
        } else if ty == libc::SOCK_RAW && ifindex > 0 {
            Some(link_for_arphrd(hatype, &device))
                .filter(|l| !l.cooked)
                .ok_or_else(|| {
                    Error::unsupported(&device, format!("raw capture of ARPHRD type {hatype}"))
                })?
        } else if ty == libc::SOCK_RAW {
            return Err(Error::invalid(
                "a SOCK_RAW packet socket must be bound to an interface to be adopted",
            ));
        } else {
            return Err(Error::invalid(
                "the socket is neither SOCK_RAW nor SOCK_DGRAM",
            ));
        };
        let setup = Setup {
            fd,
            device,
            ifindex: ifindex.max(0),
            link,
            protocol: if protocol == 0 {
                sys::ETH_P_ALL
            } else {
                protocol
            },
            warnings: Vec::new(),
        };
        Handle::start(setup, config)
    }

    /// Activation from the time stamp settings on: ring, filter, bind, fanout.
    fn start(setup: Setup, config: &Config) -> Result<Handle, Error> {
        let Setup {
            fd,
            device,
            ifindex,
            link,
            protocol,
            mut warnings,
        } = setup;
        let dev = device.as_str();
        let sysd = |(c, e): (&'static str, io::Error)| Error::sys(dev, c, e);
        let mut snaplen = config.effective_snaplen();
        if link.cooked {
            snaplen = snaplen.max(21);
        }
        let lo_ifindex = sys::if_index(fd.as_fd(), "lo").unwrap_or(-1);
        // Consistent receive-time stamps (live-capture.md §1.2).
        sys::set_int(fd.as_fd(), IntOpt::TimestampNs, 1).map_err(sysd)?;
        let wake = Arc::new(Wake {
            fd: sys::eventfd().map_err(sysd)?,
            flag: AtomicBool::new(false),
        });
        // TPACKET_V3, or in immediate mode TPACKET_V2: the kernel hands each V2 frame over
        // (and wakes the reader) as soon as the packet is in it, while a V3 block waits until it
        // is full or its timer fires (at best a millisecond).
        let version = if config.immediate {
            Version::V2
        } else {
            Version::V3
        };
        let (code, name) = match version {
            Version::V2 => (
                sys::TPACKET_V2,
                "TPACKET_V2 memory-mapped capture (Linux 2.6.27 or later)",
            ),
            Version::V3 => (
                sys::TPACKET_V3,
                "TPACKET_V3 memory-mapped capture (Linux 3.2 or later)",
            ),
        };
        sys::set_int(fd.as_fd(), IntOpt::Version, code).map_err(|(c, e)| {
            match e.raw_os_error() {
                Some(libc::EINVAL | libc::ENOPROTOOPT) => Error::unsupported(dev, name),
                _ => Error::sys(dev, c, e),
            }
        })?;
        // Time stamp type.
        if config.tstamp_type != TimestampType::Host {
            let offered = supported_tstamp_types(dev)?;
            let hw = matches!(
                config.tstamp_type,
                TimestampType::Adapter | TimestampType::AdapterUnsynced
            );
            if !hw || !offered.contains(&config.tstamp_type) {
                warnings.push(Warning::TstampTypeNotSupported);
            } else {
                match sys::enable_hw_timestamps(fd.as_fd(), dev) {
                    Ok(()) => {
                        // SOF_TIMESTAMPING_RAW_HARDWARE: the only hardware stamp the kernel
                        // still fills (SYS_HARDWARE is gone since 3.17).
                        sys::set_int(fd.as_fd(), IntOpt::Timestamp, 1 << 6).map_err(sysd)?;
                    }
                    Err((c, e)) if matches!(e.raw_os_error(), Some(libc::EPERM | libc::EACCES)) => {
                        return Err(Error::PermissionDenied {
                            device: device.clone(),
                            call: c,
                            capability: "CAP_NET_ADMIN",
                            errno: e.raw_os_error().unwrap_or(0),
                        })
                    }
                    Err(_) => warnings.push(Warning::TstampTypeNotSupported),
                }
            }
        }
        // The ring; on ENOMEM, fewer blocks (down to MIN_BLOCKS).
        let page = sys::page_size();
        // Immediate-mode frames are sized for the device's MTU.
        let mtu = if ifindex > 0 && config.immediate {
            sys::if_mtu(fd.as_fd(), dev).ok()
        } else {
            None
        };
        let mut geometry = config.geometry(page, mtu).map_err(Error::invalid)?;
        let block_size = u32::try_from(geometry.block_size)
            .map_err(|_| Error::invalid("ring block size above 4 GiB"))?;
        let frame_size = u32::try_from(geometry.frame_size)
            .map_err(|_| Error::invalid("ring frame size above 4 GiB"))?;
        let retire_ms = (version == Version::V3).then(|| config.retire_timeout_ms());
        loop {
            let block_count = u32::try_from(geometry.block_count)
                .map_err(|_| Error::invalid("too many ring blocks"))?;
            let request = RingRequest {
                block_size,
                block_count,
                frame_size,
                retire_ms,
            };
            match sys::set_rx_ring(fd.as_fd(), &request) {
                Ok(()) => break,
                Err((_, e))
                    if e.raw_os_error() == Some(libc::ENOMEM)
                        && geometry.block_count > MIN_BLOCKS =>
                {
                    let less = (geometry.block_count / 20).max(1);
                    geometry.block_count = (geometry.block_count - less).max(MIN_BLOCKS);
                }
                Err(e) => return Err(sysd(e)),
            }
        }
        let ring = Ring::map(
            fd.as_fd(),
            geometry.block_size,
            geometry.block_count,
            geometry.frame_size,
            version.status_at(),
        )
        .map_err(sysd)?;
        if version == Version::V2 {
            // An adopted socket may have queued packets before it had a ring: they would be
            // taken for the whole copies of long packets below. From here on the kernel puts
            // packets only into the ring.
            while let Ok(Some(_)) = sys::recv_trunc(fd.as_fd(), &mut []) {}
            // A packet longer than a frame: its start in the frame (TP_STATUS_COPY), the whole
            // of it in the receive queue. Without the option the kernel would only cut it.
            sys::set_int(fd.as_fd(), IntOpt::CopyThresh, 1).map_err(sysd)?;
            if sys::set_int(fd.as_fd(), IntOpt::RcvBufForce, COPY_RCVBUF).is_err() {
                // Without CAP_NET_ADMIN: up to net.core.rmem_max (at least one packet always
                // fits in an empty queue, so a smaller buffer only means fewer long packets in
                // a row arrive whole).
                let _ = sys::set_int(fd.as_fd(), IntOpt::RcvBuf, COPY_RCVBUF);
            }
        }
        let (cook, tag_at) = layout_of(link.linktype, link.cooked);
        let mut h = Handle {
            ring,
            fd,
            wake,
            device,
            ifindex,
            lo_ifindex,
            link,
            cook,
            tag_at,
            snaplen,
            precision: config.precision,
            direction: Cell::new(config.direction),
            timeout: config.effective_timeout(),
            version,
            retire_ms: retire_ms.map(|ms| i32::try_from(ms).unwrap_or(i32::MAX)),
            nonblocking: config.nonblocking,
            geometry,
            batch: 0,
            pause_us: 0,
            cur: 0,
            held: false,
            walker: Walker::empty(),
            header: PacketHeader::new(Timestamp::EPOCH, 0, 0, Linktype::EN10MB),
            scratch: Vec::new(),
            user_filter: None,
            userland_blocks: 0,
            userland_always: false,
            received: 0,
            dropped: 0,
            ifdrop: None,
            netdown: false,
            warnings,
        };
        // Only the snapshot length goes into the ring.
        if snaplen < MAXIMUM_SNAPLEN {
            sys::attach_filter(h.fd.as_fd(), &[snap_insn(snaplen)])
                .map_err(|(c, e)| Error::raw(&h.device, c, e))?;
        }
        h.apply_direction()?;
        // Capture starts here.
        sys::bind(h.fd.as_fd(), ifindex, protocol).map_err(|(c, e)| Error::sys(&h.device, c, e))?;
        check_so_error(h.fd.as_fd(), &h.device)?;
        if let Some(fanout) = config.fanout {
            h.join_fanout(fanout)?;
        }
        Ok(h)
    }

    /// Joins a fanout group (live-capture.md §9). All members need the same device, mode and
    /// flags; a socket joins once (`EALREADY`); a full group gives `ENOSPC`.
    pub fn join_fanout(&mut self, fanout: Fanout) -> Result<(), Error> {
        sys::set_int(self.fd.as_fd(), IntOpt::Fanout, fanout.value() as i32)
            .map_err(|(c, e)| Error::raw(&self.device, c, e))
    }

    /// `PACKET_IGNORE_OUTGOING` where the direction or the loopback duplicate allows it (the
    /// kernel then spends no ring space on those copies; Linux ≥ 4.20, else the user-space
    /// check below does the same).
    fn apply_direction(&self) -> Result<(), Error> {
        let lo = self.ifindex != 0 && self.ifindex == self.lo_ifindex;
        let d = self.direction.get();
        let ignore = d == Direction::In || (lo && d == Direction::InOut);
        match sys::set_int(self.fd.as_fd(), IntOpt::IgnoreOutgoing, i32::from(ignore)) {
            Ok(()) => Ok(()),
            Err((_, e)) if e.raw_os_error() == Some(libc::ENOPROTOOPT) => Ok(()),
            Err((c, e)) => Err(Error::raw(&self.device, c, e)),
        }
    }

    /// The device captured on (`"any"` for all).
    pub fn device(&self) -> &str {
        &self.device
    }

    /// The interface index captured on (0 for `any`).
    pub fn ifindex(&self) -> i32 {
        self.ifindex
    }

    /// What activation worked around (promiscuous mode on `any`, an unsupported time stamp
    /// type, a cooked fallback), and filters running in user space.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The link type of the packets handed out.
    pub fn linktype(&self) -> Linktype {
        self.link.linktype
    }

    /// The link types this capture can deliver (libpcap's `pcap_list_datalinks`): Ethernet
    /// devices `[EN10MB, DOCSIS]`, `any` `[LINUX_SLL, LINUX_SLL2]`, others their one type.
    pub fn datalinks(&self) -> &[Linktype] {
        &self.link.datalinks
    }

    /// Switches to another of [`datalinks`](Handle::datalinks): on `any`, between `LINUX_SLL`
    /// and `LINUX_SLL2` (VLAN tags are re-inserted in both); `EN10MB` ↔ `DOCSIS` only relabels.
    pub fn set_datalink(&mut self, linktype: Linktype) -> Result<(), Error> {
        if !self.link.datalinks.contains(&linktype) {
            let name = linktype
                .name()
                .map_or_else(|| linktype.0.to_string(), str::to_owned);
            return Err(Error::unsupported(
                &self.device,
                format!("{name} (it is not one of the DLTs supported by this device)"),
            ));
        }
        self.link.linktype = linktype;
        if self.link.cooked {
            let (cook, tag_at) = layout_of(linktype, true);
            self.cook = cook;
            self.tag_at = tag_at;
        }
        Ok(())
    }

    /// The snapshot length in force.
    pub fn snaplen(&self) -> u32 {
        self.snaplen
    }

    /// The time stamp precision handed out.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// The ring in force (it may be smaller than asked when the kernel was short of memory).
    pub fn geometry(&self) -> RingGeometry {
        self.geometry
    }

    /// Which packets are captured by direction (libpcap's `pcap_setdirection`). `Out` on `lo`
    /// captures nothing, as in libpcap (every loopback packet is seen once going out and once
    /// coming in, and the outgoing copy is the one dropped).
    pub fn set_direction(&self, direction: Direction) -> Result<(), Error> {
        self.direction.set(direction);
        self.apply_direction()
    }

    /// The direction setting.
    pub fn direction(&self) -> Direction {
        self.direction.get()
    }

    /// Nonblocking mode: a read with nothing ready returns [`Error::TimeoutExpired`] at once.
    /// The socket itself stays blocking, so `sendpacket` never fails with `EAGAIN`.
    pub fn set_nonblocking(&mut self, nonblocking: bool) {
        self.nonblocking = nonblocking;
    }

    /// Whether reads are nonblocking.
    pub fn is_nonblocking(&self) -> bool {
        self.nonblocking
    }

    /// A handle that breaks reads off from any thread.
    pub fn break_handle(&self) -> BreakHandle {
        BreakHandle {
            wake: Arc::clone(&self.wake),
        }
    }

    /// The statistics so far (libpcap's `pcap_stats`): the kernel's counters, which it resets
    /// on every read, accumulated here.
    pub fn stats(&mut self) -> Result<Stat, Error> {
        let (packets, drops, _) =
            sys::packet_stats(self.fd.as_fd()).map_err(|(c, e)| Error::raw(&self.device, c, e))?;
        self.received += u64::from(packets);
        self.dropped += u64::from(drops);
        let if_dropped = self.ifdrop.as_mut().map_or(0, IfCounters::dropped);
        Ok(Stat {
            received: self.received as u32,
            dropped: self.dropped as u32,
            if_dropped: if_dropped as u32,
        })
    }

    /// Locks the socket's filter (`SO_LOCK_FILTER`): from now on the kernel refuses to change
    /// or remove it, even for this process, so a capture that drops its privileges afterwards
    /// cannot be made to see more than the filter lets through. Later
    /// [`set_program`](Handle::set_program) calls fail with the kernel's `EPERM`. libpcap has
    /// no such call.
    pub fn lock_filter(&mut self) -> Result<(), Error> {
        sys::set_int(self.fd.as_fd(), IntOpt::LockFilter, 1)
            .map_err(|(c, e)| Error::raw(&self.device, c, e))
    }

    /// Filters with a validated program (libpcap's `pcap_setfilter`, gopacket's
    /// `SetBPFInstructionFilter`).
    ///
    /// The program is attached to the socket (`SO_ATTACH_FILTER`) when the kernel accepts it
    /// ([`Rules::Linux`]; on cooked captures its loads of the cooked header are rewritten to the
    /// kernel's ancillary loads, as libpcap does). Packets the old filter let into the ring are
    /// filtered in user space, so no packet that does not match is returned after this call.
    /// A program the kernel refuses (or that reads cooked-header fields the kernel has no
    /// equivalent for) runs in user space on every packet, with a
    /// [`Warning::FilterInUserSpace`]. Constant `ret` values above the snapshot length are
    /// lowered to it in the kernel copy, so the ring holds no more than is kept.
    ///
    /// Errors: the kernel refusing to change filters at all (`SO_LOCK_FILTER`: `EPERM`).
    pub fn set_program(&mut self, program: &Program) -> Result<(), Error> {
        let kernel = self.kernel_program(program);
        let fd = self.fd.as_fd();
        let device = self.device.clone();
        let result = match &kernel {
            Ok(insns) => sys::attach_filter(fd, insns),
            Err(_) => Err(("", io::Error::from_raw_os_error(0))),
        };
        let in_kernel = match result {
            Ok(()) => true,
            Err((c, e)) if matches!(e.raw_os_error(), Some(libc::EPERM | libc::EACCES)) => {
                return Err(Error::raw(&device, c, e))
            }
            Err((_, e)) => {
                let reason = match kernel {
                    Err(why) => why,
                    Ok(_) => format!("the kernel refused the program: {e}"),
                };
                // Keep only the snapshot length in the kernel; filter every packet here.
                let fallback = if self.snaplen < MAXIMUM_SNAPLEN {
                    sys::attach_filter(fd, &[snap_insn(self.snaplen)])
                } else {
                    sys::detach_filter(fd)
                };
                fallback.map_err(|(c, e)| Error::raw(&device, c, e))?;
                self.warnings.push(Warning::FilterInUserSpace { reason });
                false
            }
        };
        self.user_filter = Some(program.clone());
        self.userland_always = !in_kernel;
        // Every slot up to a full turn of the ring may hold packets the old filter accepted.
        self.userland_blocks = self.ring.slot_count();
        Ok(())
    }

    /// Whether the current filter runs in user space for every packet (the kernel refused it).
    pub fn filter_in_user_space(&self) -> bool {
        self.userland_always
    }

    /// The program for the kernel, or why there is none.
    fn kernel_program(&self, program: &Program) -> Result<Vec<Instruction>, String> {
        program
            .check(Rules::Linux)
            .map_err(|e| format!("the kernel's checker would refuse it: {e}"))?;
        let mut insns = program.instructions().to_vec();
        if self.link.cooked {
            let hdr = self.cook.header_len() as u32;
            let sll2 = self.cook == Cook::Sll2;
            for i in &mut insns {
                let load = i.class() == bpf::op::BPF_LD || i.class() == bpf::op::BPF_LDX;
                let mode = i.mode();
                if !load
                    || !(mode == bpf::op::BPF_ABS
                        || mode == bpf::op::BPF_IND
                        || mode == bpf::op::BPF_MSH)
                {
                    continue;
                }
                if i.k >= bpf::op::SKF_AD_OFF {
                    continue;
                }
                i.k = if i.k >= hdr {
                    i.k - hdr
                } else {
                    let field = match (sll2, i.k) {
                        (false, 0) | (true, 10) => bpf::op::SKF_AD_PKTTYPE,
                        (false, 14) | (true, 0) => bpf::op::SKF_AD_PROTOCOL,
                        (true, 4) => bpf::op::SKF_AD_IFINDEX,
                        _ => {
                            return Err(format!(
                            "it reads byte {} of the cooked header, which the kernel does not see",
                            i.k
                        ))
                        }
                    };
                    if mode != bpf::op::BPF_ABS {
                        return Err("it indexes into the cooked header".into());
                    }
                    bpf::op::SKF_AD_OFF + field
                };
            }
        }
        for i in &mut insns {
            if i.class() == bpf::op::BPF_RET
                && i.code & 0x18 == bpf::op::BPF_K
                && i.k > self.snaplen
            {
                i.k = self.snaplen;
            }
        }
        Ok(insns)
    }

    /// Sends a frame on the interface (libpcap's `pcap_sendpacket`, gopacket's
    /// `WritePacketData`). The frame starts with the link-layer header. The capture does not see
    /// its own frames (other captures do).
    ///
    /// Errors: [`Error::Unsupported`] on `any` and cooked captures (no syscall is made),
    /// [`Error::PacketTooLong`] (`EMSGSIZE`), [`Error::InterfaceDown`] (`ENETDOWN`),
    /// [`Error::PermissionDenied`], [`Error::InvalidPacket`] (`EINVAL`, e.g. shorter than the
    /// link header).
    pub fn sendpacket(&self, frame: &[u8]) -> Result<(), Error> {
        if self.link.cooked {
            return Err(Error::unsupported(
                &self.device,
                if self.ifindex == 0 {
                    "sending packets on the \"any\" device"
                } else {
                    "sending packets on a cooked capture"
                },
            ));
        }
        let dev = self.device.as_str();
        match sys::send(self.fd.as_fd(), frame) {
            Ok(n) if n == frame.len() => Ok(()),
            Ok(n) => Err(Error::raw(
                dev,
                "send",
                io::Error::new(
                    io::ErrorKind::WriteZero,
                    format!("sent {n} of {} bytes", frame.len()),
                ),
            )),
            Err((c, e)) => Err(match e.raw_os_error() {
                Some(libc::EMSGSIZE) => Error::PacketTooLong {
                    device: dev.to_owned(),
                    len: frame.len(),
                },
                Some(libc::EINVAL) => Error::InvalidPacket {
                    device: dev.to_owned(),
                    len: frame.len(),
                },
                Some(libc::ENXIO | libc::ENODEV) => Error::InterfaceGone {
                    device: dev.to_owned(),
                },
                _ => Error::sys(dev, c, e),
            }),
        }
    }

    /// The next packet, borrowed from the ring until the next read (gopacket's
    /// `ZeroCopyReadPacketData`; [`Packet::to_owned`] keeps it).
    ///
    /// Waits as configured: forever (no timeout), up to the timeout (then
    /// [`Error::TimeoutExpired`], also on an idle link), or not at all (nonblocking). Returns
    /// [`Error::Break`] once after a [`BreakHandle::breakloop`], [`Error::InterfaceGone`] when
    /// the interface is deleted. While the interface is down the read keeps waiting; capture
    /// resumes when it comes back up.
    pub fn next_packet(&mut self) -> Result<Packet<'_>, Error> {
        let at = self.advance(true)?;
        Ok(self.packet(at))
    }

    /// The packet `advance` found.
    #[inline]
    fn packet(&mut self, at: At) -> Packet<'_> {
        let data = match at {
            At::Block(s, e) => {
                let slot = self.ring.user_slot(self.cur).unwrap_or_default();
                slot.get(s..e).unwrap_or_default()
            }
            At::Scratch(s, e) => self.scratch.get(s..e).unwrap_or_default(),
        };
        Packet::new(&self.header, data)
    }

    /// Hands the packets that are ready (at most `max`, if given) to `f`, waiting for the first
    /// as [`next_packet`](Handle::next_packet) waits (libpcap's `pcap_dispatch`): the rest of
    /// one ring block, or in immediate mode the packets already in the ring (at most one turn
    /// of it). Returns how many were handed over: 0 when the wait timed out (or found nothing,
    /// nonblocking).
    pub fn dispatch(
        &mut self,
        max: Option<usize>,
        mut f: impl FnMut(Packet<'_>),
    ) -> Result<usize, Error> {
        let limit = max.unwrap_or(usize::MAX).max(1).min(match self.version {
            Version::V2 => self.ring.slot_count(),
            Version::V3 => usize::MAX,
        });
        let mut n = 0;
        loop {
            match self.advance(n == 0) {
                Ok(at) => f(self.packet(at)),
                Err(Error::TimeoutExpired) => return Ok(n),
                Err(Error::Break) if n > 0 => {
                    // Report the packets; the next call sees the break.
                    self.wake.flag.store(true, Ordering::SeqCst);
                    return Ok(n);
                }
                Err(e) => return Err(e),
            }
            n += 1;
            if n >= limit || self.version == Version::V3 && self.walker.remaining() == 0 {
                return Ok(n);
            }
        }
    }

    /// Hands packets to `f` until `count` of them (if given) or a break (libpcap's
    /// `pcap_loop`): timeouts are waited through; a break ends it with `Ok`.
    pub fn for_each(
        &mut self,
        count: Option<usize>,
        mut f: impl FnMut(Packet<'_>),
    ) -> Result<(), Error> {
        let mut n = 0;
        let nonblocking = self.nonblocking;
        while count.is_none_or(|c| n < c) {
            match self.next_packet() {
                Ok(p) => f(p),
                Err(Error::TimeoutExpired) if !nonblocking => continue,
                Err(Error::TimeoutExpired) => return Ok(()),
                Err(Error::Break) => return Ok(()),
                Err(e) => return Err(e),
            }
            n += 1;
        }
        Ok(())
    }

    /// Moves to the next packet to hand out and fills `self.header`; when nothing is ready,
    /// waits if `may_wait`, else returns [`Error::TimeoutExpired`].
    fn advance(&mut self, may_wait: bool) -> Result<At, Error> {
        if self.wake.flag.load(Ordering::Relaxed) && self.wake.flag.swap(false, Ordering::SeqCst) {
            sys::eventfd_drain(self.wake.fd.as_fd());
            return Err(Error::Break);
        }
        let mut deadline: Option<Instant> = None;
        let mut f = Frame::default();
        loop {
            if self.held {
                let cur = self.cur;
                let slot = self.ring.user_slot(cur).unwrap_or_default();
                match self.walker.next_into(slot, &mut f) {
                    Ok(true) => {
                        // The next packet's header and first bytes: the kernel wrote them on
                        // another CPU, so they are cache misses otherwise.
                        match self.walker.next_at() {
                            Some(next) => {
                                self.ring.prefetch(cur, next);
                                self.ring.prefetch(cur, next + 64);
                            }
                            None if self.version == Version::V2 => {
                                // Frames are far apart: the next two, header and first bytes.
                                let next = self.ring.next_slot(cur);
                                let after = self.ring.next_slot(next);
                                for at in [0, 64, 128] {
                                    self.ring.prefetch(next, at);
                                    self.ring.prefetch(after, at);
                                }
                            }
                            None => {}
                        }
                        if let Some(at) = self.take(&f) {
                            return Ok(at);
                        }
                        continue;
                    }
                    Ok(false) => self.release(),
                    Err(corrupt) => {
                        self.release();
                        return Err(Error::CorruptRing { what: corrupt.0 });
                    }
                }
            }
            if self.ring.status(self.cur) & TP_STATUS_USER != 0 {
                match self.version {
                    Version::V2 => {
                        self.walker = Walker::frame();
                        self.held = true;
                        self.batch = self.batch.saturating_add(1);
                    }
                    Version::V3 => {
                        let block = self.ring.user_slot(self.cur).unwrap_or_default();
                        match BlockDesc::parse(block) {
                            Ok(d) => {
                                self.walker = Walker::new(&d);
                                self.held = true;
                            }
                            Err(corrupt) => {
                                self.held = true;
                                self.release();
                                return Err(Error::CorruptRing { what: corrupt.0 });
                            }
                        }
                    }
                }
                continue;
            }
            if !may_wait {
                return Err(Error::TimeoutExpired);
            }
            if self.batch >= BUSY_BATCH && !self.nonblocking {
                // Packets are arriving back to back: let some more pile up before looking
                // again, rather than being woken for each (see BUSY_PAUSE_US).
                let (min, max) = BUSY_PAUSE_US;
                self.pause_us = match self.pause_us {
                    0 => min,
                    p if self.batch >= BUSY_LONG_BATCH => (p * 2).min(max),
                    p if self.batch < BUSY_LONG_BATCH / 4 => (p / 2).max(min),
                    p => p,
                };
                self.batch = 0;
                std::thread::sleep(Duration::from_micros(self.pause_us.into()));
                continue;
            }
            self.batch = 0;
            self.pause_us = 0;
            self.wait(&mut deadline)?;
        }
    }

    /// Hands the held slot back and moves to the next.
    #[inline]
    fn release(&mut self) {
        if self.held {
            self.ring.release(self.cur);
            self.held = false;
            self.walker = Walker::empty();
            self.cur = self.ring.next_slot(self.cur);
            self.userland_blocks = self.userland_blocks.saturating_sub(1);
        }
    }

    /// Waits for the current slot (or a break, an error, the timeout).
    fn wait(&mut self, deadline: &mut Option<Instant>) -> Result<(), Error> {
        if self.nonblocking {
            return Err(Error::TimeoutExpired);
        }
        let mut ms: i32 = -1;
        if let Some(t) = self.timeout {
            let now = Instant::now();
            let d = *deadline.get_or_insert(now + t);
            let left = d.saturating_duration_since(now);
            if left.is_zero() {
                return Err(Error::TimeoutExpired);
            }
            ms = i32::try_from(left.as_micros().div_ceil(1000)).unwrap_or(i32::MAX);
        }
        // V3: the kernel's wake-up after a timer retires a block can come late (measured on
        // 6.18: up to 8 ms with a 1 ms timeout), while the block's status is already ours: look
        // again at least once per retire period (idle, one wake-up per period). A V2 frame is
        // handed over and the reader woken in one step, under the lock `poll` takes: no
        // re-check, so an idle immediate-mode capture sleeps until a packet, the timeout or a
        // break.
        if let Some(retire) = self.retire_ms {
            ms = if ms < 0 { retire } else { ms.min(retire) };
        }
        if self.netdown {
            ms = if ms < 0 {
                NETDOWN_RECHECK_MS
            } else {
                ms.min(NETDOWN_RECHECK_MS)
            };
        }
        let ready = sys::poll2(self.fd.as_fd(), self.wake.fd.as_fd(), ms)
            .map_err(|(c, e)| Error::raw(&self.device, c, e))?;
        if ready.wake != 0 {
            sys::eventfd_drain(self.wake.fd.as_fd());
            if self.wake.flag.swap(false, Ordering::SeqCst) {
                return Err(Error::Break);
            }
        }
        if ready.socket & sys::POLLERR != 0 {
            let err = sys::get_int(self.fd.as_fd(), IntOpt::Error)
                .map_err(|(c, e)| Error::raw(&self.device, c, e))?;
            if err == libc::ENETDOWN {
                self.netdown = true;
            } else if err != 0 {
                return Err(Error::raw(
                    &self.device,
                    "poll",
                    io::Error::from_raw_os_error(err),
                ));
            }
        }
        if ready.socket & sys::POLLNVAL != 0 {
            return Err(Error::raw(
                &self.device,
                "poll",
                io::Error::other("invalid polling request"),
            ));
        }
        if self.netdown {
            self.check_link()?;
        }
        if ready.socket & sys::POLLHUP != 0 && !self.netdown {
            return Err(Error::raw(
                &self.device,
                "poll",
                io::Error::other("hangup on packet socket"),
            ));
        }
        Ok(())
    }

    /// After `ENETDOWN`: the interface deleted → [`Error::InterfaceGone`]; up again → resume.
    fn check_link(&mut self) -> Result<(), Error> {
        if self.ifindex == 0 {
            self.netdown = false;
            return Ok(());
        }
        let gone = || Error::InterfaceGone {
            device: self.device.clone(),
        };
        match sys::bound_to(self.fd.as_fd()) {
            Ok((idx, _, _)) if idx != self.ifindex => return Err(gone()),
            Ok(_) => {}
            Err((c, e)) => return Err(Error::raw(&self.device, c, e)),
        }
        match sys::if_flags(self.fd.as_fd(), &self.device) {
            Ok(flags) if flags & IFF_UP != 0 => self.netdown = false,
            Ok(_) => {}
            Err((_, e)) if matches!(e.raw_os_error(), Some(libc::ENODEV | libc::ENXIO)) => {
                return Err(gone())
            }
            Err((c, e)) => return Err(Error::raw(&self.device, c, e)),
        }
        Ok(())
    }

    /// V2, `TP_STATUS_COPY`: takes the whole of the current packet off the socket's receive
    /// queue into the scratch buffer (after [`MAX_GROWTH`] bytes of room), keeping up to the
    /// snapshot length. Returns where its bytes end, or `None` when the queue does not hold it
    /// (the kernel found no room for it; then the frame's cut copy is used).
    fn recv_whole(&mut self, wire_len: u32) -> Option<usize> {
        let need = MAX_GROWTH + self.snaplen as usize;
        if self.scratch.len() < need {
            self.scratch.resize(need, 0);
        }
        let buf = self.scratch.get_mut(MAX_GROWTH..need)?;
        match sys::recv_trunc(self.fd.as_fd(), buf) {
            // The queue holds exactly the packets of COPY frames, in ring order: the one at its
            // head is this frame's (its length says so).
            Ok(Some(n)) if n == wire_len as usize => Some(MAX_GROWTH + n.min(buf.len())),
            _ => None,
        }
    }

    /// The per-packet pipeline (live-capture.md §2.2) on frame `f` of the held slot: `None`
    /// when the packet is not handed out (direction, loopback duplicate, filter).
    #[inline]
    fn take(&mut self, f: &Frame) -> Option<At> {
        // V2: a packet longer than its frame is whole in the receive queue; it is taken off
        // whatever happens to the packet here, so that the next long one finds its own.
        let long = self.version == Version::V2 && f.status & TP_STATUS_COPY != 0;
        // Direction, and the loopback duplicate (every lo packet is seen going out and coming in).
        let outgoing = f.ll.pkttype == PACKET_OUTGOING;
        let wanted = if outgoing {
            f.ll.ifindex != self.lo_ifindex && self.direction.get() != Direction::In
        } else {
            self.direction.get() != Direction::Out
        };
        if !wanted {
            if long {
                let _ = sys::recv_trunc(self.fd.as_fd(), &mut []);
            }
            return None;
        }
        let whole_end = if long { self.recv_whole(f.len) } else { None };
        let tag = f.vlan().filter(|_| self.tag_at != TagAt::Nowhere);
        let growth = self.cook.header_len() + if tag.is_some() { 4 } else { 0 };
        let filter = self
            .user_filter
            .as_ref()
            .filter(|_| self.userland_always || self.userland_blocks > 0);
        let cook = self.cook;
        let tag_at = self.tag_at;
        let hl = cook.header_len();
        let block = self.ring.user_slot(self.cur)?;
        let in_place = whole_end.is_none() && f.start() - f.headroom_start() >= growth;
        let (buf, floor, start, end): (&mut [u8], usize, usize, usize) =
            if let Some(end) = whole_end {
                (&mut self.scratch[..], 0, MAX_GROWTH, end)
            } else if in_place {
                (block, f.headroom_start(), f.start(), f.end())
            } else {
                let data = block.get(f.start()..f.end())?;
                self.scratch.clear();
                self.scratch.resize(MAX_GROWTH, 0);
                self.scratch.extend_from_slice(data);
                let end = self.scratch.len();
                (&mut self.scratch[..], 0, MAX_GROWTH, end)
            };
        let mut start = start;
        if hl > 0 {
            start -= hl;
            cook.write(buf.get_mut(start..start + hl)?, &f.ll);
        }
        let wire_len = f.len.saturating_add(hl as u32);
        if let Some(prog) = filter {
            let (vlan_tpid, vlan_tci) = f.vlan().unwrap_or((0, 0));
            let mut aux = Ancillary::new();
            aux.protocol = f.ll.protocol;
            aux.pkttype = f.ll.pkttype;
            aux.ifindex = f.ll.ifindex as u32;
            aux.hatype = f.ll.hatype;
            aux.rxhash = f.rxhash;
            aux.vlan_present = f.vlan().is_some();
            aux.vlan_tci = vlan_tci;
            aux.vlan_tpid = vlan_tpid;
            aux.network_offset = Some(u32::from(f.net.saturating_sub(f.mac)) + hl as u32);
            if prog.run_with(buf.get(start..end)?, wire_len, &aux) == 0 {
                return None;
            }
        }
        let mut len = wire_len;
        if let Some(tag) = tag {
            if let Some(s) = insert_tag(buf, floor, start, end, tag_at, tag) {
                start = s;
                len = len.saturating_add(4);
            }
        }
        let caplen = ((end - start) as u32).min(self.snaplen);
        let mut ts = Timestamp::new(i64::from(f.sec), f.nsec);
        if self.precision == Precision::Micro {
            ts = ts.truncate(Precision::Micro);
        }
        self.header = PacketHeader::new(ts, caplen, len, self.link.linktype)
            .with_flags(Some(if outgoing { EPB_OUTBOUND } else { EPB_INBOUND }));
        let end = start + caplen as usize;
        Some(if in_place {
            At::Block(start, end)
        } else {
            At::Scratch(start, end)
        })
    }
}

/// `ret #snaplen`: the kernel copies only the snapshot length into the ring.
fn snap_insn(snaplen: u32) -> Instruction {
    Instruction::stmt(bpf::op::BPF_RET | bpf::op::BPF_K, snaplen)
}

/// Reads (and clears) `SO_ERROR` after a bind: `ENETDOWN` → interface down, `ENODEV` → no
/// such device.
fn check_so_error(fd: BorrowedFd<'_>, device: &str) -> Result<(), Error> {
    let err = sys::get_int(fd, IntOpt::Error).map_err(|(c, e)| Error::raw(device, c, e))?;
    match err {
        0 => Ok(()),
        libc::ENETDOWN => Err(Error::InterfaceDown {
            device: device.to_owned(),
        }),
        e => Err(Error::sys(device, "bind", io::Error::from_raw_os_error(e))),
    }
}

impl AsFd for Handle {
    /// The capture socket: readable when a ring block is ready (poll it to multiplex several
    /// captures; readiness does not promise a packet that survives filtering).
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl AsRawFd for Handle {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl crate::source::PacketSource for Handle {
    /// The next packet; `Ok(None)` when the read timed out, found nothing (nonblocking) or was
    /// broken off. A live capture never ends by itself.
    fn next(&mut self) -> crate::Result<Option<Packet<'_>>> {
        match self.next_packet() {
            Ok(p) => Ok(Some(p)),
            Err(Error::TimeoutExpired | Error::Break) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_devices() {
        let c = Config::default();
        for name in ["", "0123456789abcdef", "a\0"] {
            assert!(
                matches!(Handle::open(name, &c), Err(Error::NoSuchDevice { .. })),
                "{name:?}"
            );
        }
    }
}
