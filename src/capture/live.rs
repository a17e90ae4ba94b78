//! Live capture at the front door: [`Inactive`] (the builder) and [`Active`] (an open capture),
//! thin facades over [`live::Handle`](crate::live::Handle).
//!
//! ```no_run
//! use ferrocap::{Capture, Device};
//!
//! let device = Device::lookup()?.ok_or("no device")?;
//! let mut cap = Capture::from_device(device)?
//!     .promisc(true)
//!     .snaplen(96)
//!     .timeout(1000)
//!     .open()?;
//! while let Some(packet) = cap.next()? {
//!     println!("{} {} bytes", packet.header.ts, packet.header.len);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! `cap.next()` returns `Ok(None)` when the read timed out (here after a second without
//! packets); `next_packet()` returns `Err(Error::TimeoutExpired)` instead, as the `pcap` crate
//! does. A live capture has no end: stop it with a [`BreakLoop`] from another thread.
//!
//! Closing is dropping, so what libpcap and gopacket must check at run time cannot happen:
//! statistics after the close (live-capture.md §11 item 37) do not compile,
//!
//! ```compile_fail
//! # use ferrocap::Capture;
//! let mut cap = Capture::from_device("lo")?.open()?;
//! drop(cap);
//! let stats = cap.stats()?; // error: `cap` was moved
//! # Ok::<(), ferrocap::Error>(())
//! ```
//!
//! nor does closing while a zero-copy packet, which borrows the ring, is still held (item 39;
//! the ring is unmapped only once no packet can point into it):
//!
//! ```compile_fail
//! # use ferrocap::Capture;
//! let mut cap = Capture::from_device("lo")?.open()?;
//! let packet = cap.next_packet()?;
//! drop(cap); // error: `cap` is borrowed by `packet`
//! println!("{}", packet.data.len());
//! # Ok::<(), ferrocap::Error>(())
//! ```

use super::sealed::Backend;
use super::{Activated, Capture, State};
use crate::bpf::Program;
use crate::linktype::Linktype;
use crate::live::{self, Config, Device, Fanout, RingConfig, Stat, TimestampType, Warning};
use crate::packet::{Direction, Packet, Precision};
use crate::Result;
use std::borrow::Borrow;
use std::time::Duration;

/// Where an inactive capture will capture from.
#[derive(Debug)]
enum Source {
    Device(String),
    #[cfg(unix)]
    Socket(std::os::fd::OwnedFd),
}

/// The state of a live capture being set up (libpcap's `pcap_create`d handle, gopacket's
/// `InactiveHandle`): set options with the by-value setters, then [`open`](Capture::open).
#[derive(Debug)]
pub struct Inactive {
    source: Source,
    config: Config,
}

/// The state of an open live capture: it reads ([`Capture::next_packet`] and the rest of the
/// shared surface), sends, filters in the kernel, and reports statistics.
#[derive(Debug)]
pub struct Active {
    handle: live::Handle,
}

impl State for Inactive {}
impl State for Active {}
impl Activated for Active {}

impl Backend for Active {
    #[inline]
    fn read(&mut self) -> Result<Option<Packet<'_>>> {
        match self.handle.next_packet() {
            Ok(p) => Ok(Some(p)),
            Err(e) => Err(e.into()),
        }
    }

    fn dispatch(&mut self, max: usize, f: &mut dyn FnMut(Packet<'_>)) -> Result<usize> {
        Ok(self.handle.dispatch(Some(max), f)?)
    }

    fn linktype(&self) -> Linktype {
        self.handle.linktype()
    }

    fn snaplen(&self) -> u32 {
        self.handle.snaplen()
    }

    fn precision(&self) -> Precision {
        self.handle.precision()
    }

    fn set_program(&mut self, program: &Program) -> Result<()> {
        Ok(self.handle.set_program(program)?)
    }

    /// Live Linux context; the device's IPv4 netmask for `ip broadcast`, or libpcap's
    /// "unknown" when it has none (as gopacket's `SetBPFFilter` does).
    fn filter_context(&self) -> (crate::filter::Context, u32) {
        let netmask = live::lookup_net(self.handle.device())
            .ok()
            .map(|(_, mask)| u32::from(mask))
            .filter(|&m| m != 0)
            .unwrap_or(crate::filter::NETMASK_UNKNOWN);
        (crate::filter::Context::Live, netmask)
    }
}

/// A millisecond timeout as the `pcap` crate takes it: 0 or less blocks.
fn timeout_of(ms: i32) -> Option<Duration> {
    u64::try_from(ms)
        .ok()
        .filter(|&ms| ms > 0)
        .map(Duration::from_millis)
}

impl Capture<Inactive> {
    /// A live capture on `device` (a [`Device`] from [`Device::list`] or [`Device::lookup`], or
    /// a name such as `"eth0"` or `"any"`), not yet open. Nothing is checked until
    /// [`open`](Capture::open).
    pub fn from_device(device: impl Into<Device>) -> Result<Capture<Inactive>> {
        Ok(Capture::new(Inactive {
            source: Source::Device(device.into().name),
            config: Config::default(),
        }))
    }

    /// A live capture on an `AF_PACKET` socket you opened (and possibly bound to an interface
    /// and configured): [`open`](Capture::open) sets up the ring on it and captures (see
    /// [`live::Handle::from_socket`]). Promiscuous and monitor mode settings are ignored:
    /// set them on the socket first.
    #[cfg(unix)]
    pub fn from_socket(socket: std::os::fd::OwnedFd) -> Result<Capture<Inactive>> {
        Ok(Capture::new(Inactive {
            source: Source::Socket(socket),
            config: Config::default(),
        }))
    }

    /// One line for gopacket's `OpenLive(device, snaplen, promisc, timeout)` and libpcap's
    /// `pcap_open_live`: opens a capture with these settings (timeout in milliseconds, 0 or
    /// less blocks; see [`timeout`](Capture::timeout)).
    pub fn open_live(
        device: impl Into<Device>,
        snaplen: i32,
        promisc: bool,
        timeout_ms: i32,
    ) -> Result<Capture<Active>> {
        Capture::from_device(device)?
            .snaplen(snaplen)
            .promisc(promisc)
            .timeout(timeout_ms)
            .open()
    }

    /// Opens the capture (libpcap's `pcap_activate`, gopacket's `Activate`). Errors are
    /// [`Error::Live`](crate::Error::Live) with a matchable [`live::Error`]: no such device, permission denied
    /// (naming `CAP_NET_RAW`), interface not up, promiscuous mode not permitted, monitor mode
    /// unsupported, …. What was worked around instead (promiscuous mode on `any`, an unsupported
    /// time stamp type) is in [`warnings`](Capture::warnings) of the open capture.
    pub fn open(self) -> Result<Capture<Active>> {
        let Inactive { source, config } = *self.state;
        let handle = match source {
            Source::Device(name) => live::Handle::open(&name, &config)?,
            #[cfg(unix)]
            Source::Socket(fd) => live::Handle::from_socket(fd, &config)?,
        };
        Ok(Capture::new(Active { handle }))
    }

    /// The settings so far.
    pub fn config(&self) -> &Config {
        &self.state.config
    }

    /// Changes the settings with a closure over the engine's [`Config`] (for settings without
    /// a setter of their own).
    pub fn configure(mut self, f: impl FnOnce(&mut Config)) -> Capture<Inactive> {
        f(&mut self.state.config);
        self
    }

    /// Puts the interface in promiscuous mode (default off). On `any` it cannot be, and the
    /// capture opens with a [`Warning::PromiscNotSupported`].
    pub fn promisc(self, to: bool) -> Capture<Inactive> {
        self.configure(|c| c.promisc = to)
    }

    /// Bytes kept of each packet (default and at most 262144; 0 or less means 262144).
    pub fn snaplen(self, to: i32) -> Capture<Inactive> {
        self.configure(|c| c.snaplen = u32::try_from(to).unwrap_or(0))
    }

    /// The read timeout in milliseconds. A read that waited this long without a packet returns
    /// `Err(Error::TimeoutExpired)` ([`Capture::next`]: `Ok(None)`), also on an idle link; a
    /// packet is delivered at most this long after it arrived. **0, negative values and
    /// [`BLOCK_FOREVER`](crate::live::BLOCK_FOREVER) block** until a packet arrives (the default),
    /// and then deliver it within 10 ms: unlike libpcap, where 0 waits for a 256 KiB block to
    /// fill.
    pub fn timeout(self, ms: i32) -> Capture<Inactive> {
        self.configure(|c| c.timeout = timeout_of(ms))
    }

    /// Bytes of kernel ring (default 2 MiB), rounded up to whole blocks; 0 or less keeps the
    /// default, as in libpcap.
    pub fn buffer_size(self, to: i32) -> Capture<Inactive> {
        match usize::try_from(to) {
            Ok(n) if n > 0 => self.configure(|c| c.buffer_size = n),
            _ => self,
        }
    }

    /// Delivers each packet as soon as it arrives instead of in batches (libpcap's immediate
    /// mode; see [`live`] for how it is done).
    pub fn immediate_mode(self, to: bool) -> Capture<Inactive> {
        self.configure(|c| c.immediate = to)
    }

    /// Which clock stamps packets (default host). A type the device does not offer opens with
    /// a [`Warning::TstampTypeNotSupported`] and host stamps.
    pub fn tstamp_type(self, to: TimestampType) -> Capture<Inactive> {
        self.configure(|c| c.tstamp_type = to)
    }

    /// The time stamp types the device offers (libpcap's `pcap_list_tstamp_types`, gopacket's
    /// `SupportedTimestamps`); `[Host]` for most.
    pub fn supported_tstamp_types(&self) -> Result<Vec<TimestampType>> {
        let device = match &self.state.source {
            Source::Device(name) => name.as_str(),
            #[cfg(unix)]
            Source::Socket(_) => return Ok(vec![TimestampType::Host]),
        };
        Ok(live::supported_tstamp_types(device)?)
    }

    /// Time stamp resolution of the packets handed out (default microseconds).
    pub fn precision(self, to: Precision) -> Capture<Inactive> {
        self.configure(|c| c.precision = to)
    }

    /// Monitor mode on 802.11 devices: not implemented; `open` then fails with
    /// [`live::Error::Unsupported`].
    pub fn rfmon(self, to: bool) -> Capture<Inactive> {
        self.configure(|c| c.rfmon = to)
    }

    /// Captures only packets going this way (default both); can be changed once open with
    /// [`Capture::direction`].
    pub fn with_direction(self, to: Direction) -> Capture<Inactive> {
        self.configure(|c| c.direction = to)
    }

    /// Reads never wait (see [`Capture::setnonblock`]).
    pub fn nonblocking(self, to: bool) -> Capture<Inactive> {
        self.configure(|c| c.nonblocking = to)
    }

    /// An explicit ring layout (gopacket afpacket's `OptBlockSize`, `OptNumBlocks`), instead of
    /// the one derived from [`buffer_size`](Capture::buffer_size).
    pub fn ring(self, to: RingConfig) -> Capture<Inactive> {
        self.configure(|c| c.ring = Some(to))
    }

    /// Joins a fanout group once open, so that several captures share a device's packets
    /// (gopacket afpacket's `SetFanout`).
    pub fn fanout(self, to: Fanout) -> Capture<Inactive> {
        self.configure(|c| c.fanout = Some(to))
    }
}

/// Breaks a live capture's read off from any thread (the `pcap` crate's `BreakLoop`): see
/// [`live::BreakHandle`].
pub type BreakLoop = live::BreakHandle;

impl Capture<Active> {
    /// The engine's handle, for what the front door does not show (ring geometry, whether the
    /// filter runs in user space, …).
    pub fn handle(&self) -> &live::Handle {
        &self.state.handle
    }

    /// The engine's handle, mutably (e.g. [`live::Handle::join_fanout`]).
    pub fn handle_mut(&mut self) -> &mut live::Handle {
        &mut self.state.handle
    }

    /// What activation worked around (libpcap's warnings: promiscuous mode on `any`, an
    /// unsupported time stamp type, a cooked fallback) and filters running in user space.
    pub fn warnings(&self) -> &[Warning] {
        self.state.handle.warnings()
    }

    /// Sends a frame (starting with its link-layer header) on the interface (libpcap's
    /// `pcap_sendpacket`, gopacket's `WritePacketData`). Errors: see
    /// [`live::Handle::sendpacket`].
    pub fn sendpacket(&mut self, frame: impl Borrow<[u8]>) -> Result<()> {
        Ok(self.state.handle.sendpacket(frame.borrow())?)
    }

    /// Switches reads to nonblocking (the `pcap` crate's `setnonblock`): a read with nothing
    /// ready returns `Err(Error::TimeoutExpired)` at once. Sending is unaffected.
    pub fn setnonblock(mut self) -> Result<Capture<Active>> {
        self.state.handle.set_nonblocking(true);
        Ok(self)
    }

    /// Switches nonblocking reads on or off (libpcap's `pcap_setnonblock`; the `pcap` crate
    /// cannot switch back, #304).
    pub fn set_nonblocking(&mut self, to: bool) {
        self.state.handle.set_nonblocking(to);
    }

    /// Whether reads are nonblocking.
    pub fn is_nonblock(&self) -> bool {
        self.state.handle.is_nonblocking()
    }

    /// A handle that breaks this capture's read off from any thread: the read blocked now, or
    /// the next one, returns `Err(Error::Break)` ([`Capture::for_each`] returns `Ok`).
    pub fn breakloop_handle(&self) -> BreakLoop {
        self.state.handle.break_handle()
    }

    /// The link types this capture can deliver (libpcap's `pcap_list_datalinks`, gopacket's
    /// `ListDataLinks`).
    pub fn list_datalinks(&self) -> Result<Vec<Linktype>> {
        Ok(self.state.handle.datalinks().to_vec())
    }

    /// Delivers another of [`list_datalinks`](Capture::list_datalinks) (libpcap's
    /// `pcap_set_datalink`): on `any`, `LINUX_SLL2` instead of `LINUX_SLL`.
    pub fn set_datalink(&mut self, linktype: Linktype) -> Result<()> {
        Ok(self.state.handle.set_datalink(linktype)?)
    }

    /// Captures only packets going this way (libpcap's `pcap_setdirection`).
    pub fn direction(&self, direction: Direction) -> Result<()> {
        Ok(self.state.handle.set_direction(direction)?)
    }

    /// Statistics since the capture opened (libpcap's `pcap_stats`).
    pub fn stats(&mut self) -> Result<Stat> {
        Ok(self.state.handle.stats()?)
    }

    /// Locks the filter in the kernel (`SO_LOCK_FILTER`, see
    /// [`live::Handle::lock_filter`](crate::live::Handle::lock_filter)): no later filter
    /// change is possible, [`set_program`](Capture::set_program) then fails.
    pub fn lock_filter(&mut self) -> Result<()> {
        Ok(self.state.handle.lock_filter()?)
    }
}

#[cfg(unix)]
impl std::os::fd::AsFd for Capture<Active> {
    /// The capture socket, to poll several captures at once: readable when a ring block is
    /// ready.
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.state.handle.as_fd()
    }
}

#[cfg(unix)]
impl std::os::fd::AsRawFd for Capture<Active> {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.state.handle.as_raw_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    #[test]
    fn the_builder_sets_the_engine_config() {
        let cap = Capture::from_device("eth0")
            .unwrap()
            .promisc(true)
            .snaplen(96)
            .timeout(250)
            .buffer_size(8 << 20)
            .immediate_mode(true)
            .precision(Precision::Nano)
            .tstamp_type(TimestampType::Adapter);
        let c = cap.config();
        assert!(c.promisc && c.immediate);
        assert_eq!(c.snaplen, 96);
        assert_eq!(c.timeout, Some(Duration::from_millis(250)));
        assert_eq!(c.buffer_size, 8 << 20);
        assert_eq!(c.precision, Precision::Nano);
        assert_eq!(c.tstamp_type, TimestampType::Adapter);
        for blocking in [0, -1, live::BLOCK_FOREVER, i32::MIN] {
            let cap = Capture::from_device("eth0").unwrap().timeout(blocking);
            assert_eq!(cap.config().timeout, None);
        }
        let cap = Capture::from_device("eth0")
            .unwrap()
            .buffer_size(-5)
            .snaplen(-1);
        assert_eq!(cap.config().buffer_size, live::DEFAULT_BUFFER_SIZE);
        assert_eq!(cap.config().effective_snaplen(), 262_144);
    }

    #[test]
    fn open_errors_are_matchable() {
        match Capture::from_device("no-such-dev-x").unwrap().open() {
            Err(Error::Live(live::Error::NoSuchDevice { device })) => {
                assert_eq!(device, "no-such-dev-x")
            }
            #[cfg(not(target_os = "linux"))]
            Err(Error::Live(live::Error::Unsupported { .. })) => {}
            other => panic!("{other:?}"),
        }
    }
}
