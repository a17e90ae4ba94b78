//! [`Handle`]: an activated AF_PACKET capture with a TPACKET_V3 ring (Linux).

use super::config::{Config, Fanout, RingGeometry, TimestampType, MIN_BLOCKS};
use super::device::{link_for_any, link_for_arphrd, LinkMapping as Link};
use super::error::{Error, Warning};
use super::ring::{
    insert_tag, BlockDesc, Cook, Frame, TagAt, Walker, MAX_GROWTH, PACKET_OUTGOING, TP_STATUS_USER,
};
use super::sys::{self, IntOpt, Ring};
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

fn read_sysfs_u64(path: &str) -> Option<u64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// `rx_missed_errors + rx_fifo_errors` of a device, when sysfs has them.
fn interface_drops(device: &str) -> Option<u64> {
    let base = format!("/sys/class/net/{device}/statistics");
    let missed = read_sysfs_u64(&format!("{base}/rx_missed_errors"))?;
    let fifo = read_sysfs_u64(&format!("{base}/rx_fifo_errors")).unwrap_or(0);
    Some(missed.wrapping_add(fifo))
}

/// Where the packet to hand out is.
#[derive(Clone, Copy)]
enum At {
    /// `start..end` of the held block.
    Block(usize, usize),
    /// `MAX_GROWTH - grown..MAX_GROWTH - grown + caplen` of the scratch buffer.
    Scratch(usize, usize),
}

/// An activated live capture on Linux: a packet socket with a TPACKET_V3 ring.
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
    /// The ring's block-retire timeout: the longest a poll waits before the block status is
    /// looked at again.
    retire_ms: i32,
    nonblocking: bool,
    geometry: RingGeometry,
    // Reading.
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
    ifdrop_base: Option<u64>,
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
            h.ifdrop_base = interface_drops(device);
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
        // TPACKET_V3.
        sys::set_int(fd.as_fd(), IntOpt::Version, sys::TPACKET_V3).map_err(|(c, e)| {
            match e.raw_os_error() {
                Some(libc::EINVAL | libc::ENOPROTOOPT) => {
                    Error::unsupported(dev, "TPACKET_V3 memory-mapped capture (Linux 3.2 or later)")
                }
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
        let mut geometry = config.geometry(page).map_err(Error::invalid)?;
        let block_size = u32::try_from(geometry.block_size)
            .map_err(|_| Error::invalid("ring block size above 4 GiB"))?;
        loop {
            let count = u32::try_from(geometry.block_count)
                .map_err(|_| Error::invalid("too many ring blocks"))?;
            match sys::set_rx_ring(fd.as_fd(), block_size, count, config.retire_timeout_ms()) {
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
        let ring =
            Ring::map(fd.as_fd(), geometry.block_size, geometry.block_count).map_err(sysd)?;
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
            retire_ms: i32::try_from(config.retire_timeout_ms()).unwrap_or(i32::MAX),
            nonblocking: config.nonblocking,
            geometry,
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
            ifdrop_base: None,
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
        let if_dropped = match self.ifdrop_base {
            Some(base) => match interface_drops(&self.device) {
                // Counters that went backwards (a driver reset) start a new baseline.
                Some(now) if now < base => {
                    self.ifdrop_base = Some(now);
                    0
                }
                Some(now) => now - base,
                None => 0,
            },
            None => 0,
        };
        Ok(Stat {
            received: self.received as u32,
            dropped: self.dropped as u32,
            if_dropped: if_dropped as u32,
        })
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
        // Every block up to a full turn of the ring may hold packets the old filter accepted.
        self.userland_blocks = self.ring.block_count();
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
                let load = i.class() == bpf::BPF_LD || i.class() == bpf::BPF_LDX;
                let mode = i.mode();
                if !load || !(mode == bpf::BPF_ABS || mode == bpf::BPF_IND || mode == bpf::BPF_MSH)
                {
                    continue;
                }
                if i.k >= bpf::SKF_AD_OFF {
                    continue;
                }
                i.k = if i.k >= hdr {
                    i.k - hdr
                } else {
                    let field = match (sll2, i.k) {
                        (false, 0) | (true, 10) => bpf::SKF_AD_PKTTYPE,
                        (false, 14) | (true, 0) => bpf::SKF_AD_PROTOCOL,
                        (true, 4) => bpf::SKF_AD_IFINDEX,
                        _ => {
                            return Err(format!(
                            "it reads byte {} of the cooked header, which the kernel does not see",
                            i.k
                        ))
                        }
                    };
                    if mode != bpf::BPF_ABS {
                        return Err("it indexes into the cooked header".into());
                    }
                    bpf::SKF_AD_OFF + field
                };
            }
        }
        for i in &mut insns {
            if i.class() == bpf::BPF_RET && i.code & 0x18 == bpf::BPF_K && i.k > self.snaplen {
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
        let at = self.advance()?;
        let data = match at {
            At::Block(s, e) => {
                let block = self.ring.user_block(self.cur).unwrap_or_default();
                block.get(s..e).unwrap_or_default()
            }
            At::Scratch(s, e) => self.scratch.get(s..e).unwrap_or_default(),
        };
        Ok(Packet::new(&self.header, data))
    }

    /// Hands the packets of one ring block (at most `max`, if given) to `f`, waiting for the
    /// block as [`next_packet`](Handle::next_packet) waits (libpcap's `pcap_dispatch`). Returns
    /// how many were handed over: 0 when the wait timed out (or found nothing, nonblocking).
    pub fn dispatch(
        &mut self,
        max: Option<usize>,
        mut f: impl FnMut(Packet<'_>),
    ) -> Result<usize, Error> {
        let mut n = 0;
        loop {
            match self.next_packet() {
                Ok(p) => f(p),
                Err(Error::TimeoutExpired) => return Ok(n),
                Err(Error::Break) if n > 0 => {
                    // Report the packets; the next call sees the break.
                    self.wake.flag.store(true, Ordering::SeqCst);
                    return Ok(n);
                }
                Err(e) => return Err(e),
            }
            n += 1;
            if max.is_some_and(|m| n >= m) || self.walker.remaining() == 0 {
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

    /// Moves to the next packet to hand out and fills `self.header`.
    fn advance(&mut self) -> Result<At, Error> {
        if self.wake.flag.load(Ordering::Relaxed) && self.wake.flag.swap(false, Ordering::SeqCst) {
            sys::eventfd_drain(self.wake.fd.as_fd());
            return Err(Error::Break);
        }
        let mut deadline: Option<Instant> = None;
        let mut f = Frame::default();
        loop {
            if self.held {
                let cur = self.cur;
                let block = self.ring.user_block(cur).unwrap_or_default();
                match self.walker.next_into(block, &mut f) {
                    Ok(true) => {
                        if let Some(next) = self.walker.next_at() {
                            // Header and frame start of the next packet: the kernel wrote them
                            // on another CPU, so they are cache misses otherwise.
                            self.ring.prefetch(cur, next);
                            self.ring.prefetch(cur, next + 64);
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
                let block = self.ring.user_block(self.cur).unwrap_or_default();
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
                continue;
            }
            self.wait(&mut deadline)?;
        }
    }

    /// Hands the held block back and moves to the next.
    fn release(&mut self) {
        if self.held {
            self.ring.release(self.cur);
            self.held = false;
            self.walker = Walker::empty();
            self.cur = (self.cur + 1) % self.ring.block_count();
            self.userland_blocks = self.userland_blocks.saturating_sub(1);
        }
    }

    /// Waits for the current block (or a break, an error, the timeout).
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
        // The kernel's wake-up after a timer retires a block can come late (measured on 6.18:
        // up to 8 ms with a 1 ms timeout), while the block's status is already ours: look again
        // at least once per retire period. Idle, that is one wake-up per period.
        ms = if ms < 0 {
            self.retire_ms
        } else {
            ms.min(self.retire_ms)
        };
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

    /// The per-packet pipeline (live-capture.md §2.2) on frame `f` of the held block: `None`
    /// when the packet is not handed out (direction, loopback duplicate, filter).
    #[inline]
    fn take(&mut self, f: &Frame) -> Option<At> {
        // Direction, and the loopback duplicate (every lo packet is seen going out and coming in).
        let outgoing = f.ll.pkttype == PACKET_OUTGOING;
        if outgoing {
            if f.ll.ifindex == self.lo_ifindex || self.direction.get() == Direction::In {
                return None;
            }
        } else if self.direction.get() == Direction::Out {
            return None;
        }
        let tag = f.vlan().filter(|_| self.tag_at != TagAt::Nowhere);
        let growth = self.cook.header_len() + if tag.is_some() { 4 } else { 0 };
        let filter = self
            .user_filter
            .as_ref()
            .filter(|_| self.userland_always || self.userland_blocks > 0);
        let cook = self.cook;
        let tag_at = self.tag_at;
        let hl = cook.header_len();
        let block = self.ring.user_block(self.cur)?;
        let in_place = f.start() - f.headroom_start() >= growth;
        let (buf, floor, start, end): (&mut [u8], usize, usize, usize) = if in_place {
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
    Instruction::stmt(bpf::BPF_RET | bpf::BPF_K, snaplen)
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
