//! [`Capture`]: the `pcap`-crate-shaped front door.
//!
//! A `Capture<S>` is a capture handle in state `S`, as in the `pcap` crate, so that code written
//! for that crate ports by changing its import:
//!
//! | state | made by | what it is for |
//! |---|---|---|
//! | [`Offline`] | [`Capture::from_file`], [`Capture::from_reader`], [`Capture::from_bytes`], [`Capture::from_fd`] | reading pcap or pcapng files and streams |
//! | [`Dead`] | [`Capture::dead`] | no packets: writing savefiles, compiling filters for a link type |
//! | [`Inactive`] | [`Capture::from_device`], [`Capture::from_socket`] | a live capture being set up |
//! | [`Active`] | [`Capture::open`], [`Capture::open_live`] | an open live capture (Linux) |
//!
//! Live capture's states sit beside these. Every state that can be read from implements
//! [`Activated`], and everything such states share is written once, on
//! `impl<S: Activated> Capture<S>`: reading ([`next_packet`](Capture::next_packet),
//! [`next`](Capture::next), [`for_each`](Capture::for_each),
//! [`dispatch`](Capture::dispatch), [`packets`](Capture::packets),
//! [`iter`](Capture::iter)), user-space filtering ([`set_program`](Capture::set_program)),
//! writing what is read ([`savefile`](Capture::savefile) and its siblings) and describing the
//! capture ([`get_datalink`](Capture::get_datalink), [`snaplen`](Capture::snaplen),
//! [`precision`](Capture::precision)). A `Capture<S>` converts into a `Capture<dyn Activated>`
//! for code that takes live and offline captures alike.
//!
//! # Reading to the end, and errors
//!
//! [`Capture::next`] returns `Ok(None)` at the end of a file, so the loop that tells the end
//! from an error is:
//!
//! ```
//! use ferrocap::Capture;
//!
//! let mut cap = Capture::from_file("tests/data/sample.pcap")?;
//! let mut n = 0;
//! while let Some(packet) = cap.next()? {
//!     n += packet.header.caplen as usize;
//! }
//! println!("{n} bytes captured");
//! # Ok::<(), ferrocap::Error>(())
//! ```
//!
//! A corrupt or truncated record ends it with `Err`, after every packet before it. The
//! `pcap`-crate style [`Capture::next_packet`] reports the end as `Err(Error::NoMorePackets)`
//! instead: there, `while let Ok(p) = cap.next_packet()` cannot tell a corrupt file from its
//! end, so match the error:
//!
//! ```
//! use ferrocap::{Capture, Error};
//!
//! let mut cap = Capture::from_file("tests/data/truncated.pcap")?;
//! let mut n = 0;
//! let end = loop {
//!     match cap.next_packet() {
//!         Ok(_) => n += 1,
//!         Err(Error::NoMorePackets) => break None,
//!         Err(e) => break Some(e),
//!     }
//! };
//! assert!(end.is_some(), "the file is cut short: an error, not the end");
//! assert!(n > 0, "and the packets before the cut were delivered");
//! # Ok::<(), ferrocap::Error>(())
//! ```

mod dead;
#[cfg(unix)]
mod fd;
mod live;
mod offline;
mod savefile;

pub use dead::Dead;
pub use live::{Active, BreakLoop, Inactive};
pub use offline::Offline;
pub use savefile::Savefile;

use crate::bpf::Program;
use crate::linktype::Linktype;
use crate::packet::{OwnedPacket, Packet, Precision};
use crate::source::PacketSource;
use crate::{file, Error, Result};
use std::io::Write;
use std::path::Path;

/// A compiled, validated BPF program: the `pcap` crate's `BpfProgram` is [`bpf::Program`]
/// here (`get_instructions()`, `filter(&[u8])`, and more).
///
/// [`bpf::Program`]: crate::bpf::Program
pub type BpfProgram = crate::bpf::Program;

/// The `pcap` crate's names on [`BpfProgram`], for porting; `bpf` has its own for each.
impl Program {
    /// The instructions: the `pcap` crate's name for [`Program::instructions`].
    pub fn get_instructions(&self) -> &[crate::bpf::Instruction] {
        self.instructions()
    }
}

/// A packet capture handle in state `S` ([`Offline`], [`Dead`], a live state, or
/// `dyn Activated`).
///
/// The state is boxed, so that `Capture<dyn Activated>` is an ordinary sized type, as in the
/// `pcap` crate; that costs one allocation per capture, not per packet.
pub struct Capture<S: ?Sized> {
    state: Box<S>,
}

impl<S: ?Sized + std::fmt::Debug> std::fmt::Debug for Capture<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Capture")
            .field("state", &self.state)
            .finish()
    }
}

impl<S> Capture<S> {
    fn new(state: S) -> Capture<S> {
        Capture {
            state: Box::new(state),
        }
    }
}

mod sealed {
    use crate::bpf::Program;
    use crate::linktype::Linktype;
    use crate::packet::{Packet, Precision};
    use crate::Result;

    /// What a readable state provides; [`super::Capture`] builds everything else on it.
    /// Crate-private in effect: the module is not reachable from outside, so no other crate
    /// can implement or call it.
    pub trait Backend {
        /// The next packet the state's filter accepts. `Ok(None)` at the end of a file (and
        /// forever after); `Err(Error::TimeoutExpired)` when a live read timed out.
        fn read(&mut self) -> Result<Option<Packet<'_>>>;

        /// Hands each packet the next batch holds (up to `max`) to `f`; returns how many.
        /// A batch is whatever the source has at hand without waiting (a ring block when
        /// live); a file's batch is `max` packets or the rest of the file.
        fn dispatch(&mut self, max: usize, f: &mut dyn FnMut(Packet<'_>)) -> Result<usize> {
            let mut n = 0;
            while n < max {
                match self.read()? {
                    Some(p) => f(p),
                    None => break,
                }
                n += 1;
            }
            Ok(n)
        }

        /// The link type packets are delivered with (`pcap_datalink`).
        fn linktype(&self) -> Linktype;

        /// The snapshot length (`pcap_snapshot`).
        fn snaplen(&self) -> u32;

        /// The precision time stamps are delivered in.
        fn precision(&self) -> Precision;

        /// Makes `program` the filter: packets it rejects are not delivered any more.
        fn set_program(&mut self, program: &Program) -> Result<()>;

        /// The kind of handle filters are compiled for, and the netmask for `ip broadcast`
        /// (libpcap's: 0 when none is known).
        fn filter_context(&self) -> (crate::filter::Context, u32) {
            (crate::filter::Context::Dead, 0)
        }
    }
}

/// A capture state: [`Offline`], [`Dead`], the live states, and `dyn Activated`.
pub trait State {}

/// A state whose capture can be read, filtered and described: every state but a live capture
/// not yet opened. It is sealed (only this crate implements it); `Capture<S>` for any
/// `S: Activated` has all the shared methods.
pub trait Activated: State + sealed::Backend {}

impl<S: Activated + 'static> From<Capture<S>> for Capture<dyn Activated> {
    fn from(cap: Capture<S>) -> Capture<dyn Activated> {
        Capture { state: cap.state }
    }
}

impl<S: Activated + Send + 'static> From<Capture<S>> for Capture<dyn Activated + Send> {
    fn from(cap: Capture<S>) -> Capture<dyn Activated + Send> {
        Capture { state: cap.state }
    }
}

/// Turns each packet into an item of your own type (the `pcap` crate's `PacketCodec`), for
/// [`Capture::iter`].
pub trait PacketCodec {
    /// What a packet becomes.
    type Item;

    /// Decodes one packet. The packet is borrowed from the capture: keep what you need.
    fn decode(&mut self, packet: Packet<'_>) -> Self::Item;
}

impl<S: Activated + ?Sized> Capture<S> {
    /// The next packet, or `Ok(None)` at the end of a file or when a live read timed out.
    /// After an error, a file capture returns `Ok(None)`.
    ///
    /// The packet borrows the capture until the next read ([`Packet::to_owned`] keeps it).
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Packet<'_>>> {
        match self.state.read() {
            Err(Error::TimeoutExpired) => Ok(None),
            other => other,
        }
    }

    /// The next packet, `pcap`-crate style: `Err(Error::NoMorePackets)` at the end of a file,
    /// `Err(Error::TimeoutExpired)` when a live read timed out (gopacket's
    /// `ZeroCopyReadPacketData`; add [`Packet::to_owned`] for `ReadPacketData`).
    ///
    /// `while let Ok(p) = cap.next_packet()` stops at the first error as silently as at the
    /// end; see [the module docs](self) for the loop that tells them apart.
    pub fn next_packet(&mut self) -> Result<Packet<'_>> {
        match self.state.read()? {
            Some(p) => Ok(p),
            None => Err(Error::NoMorePackets),
        }
    }

    /// Calls `f` for each packet, up to `count` of them (all with `None`), until the end of the
    /// file or the first error, which is returned (libpcap's `pcap_loop`). Live read timeouts
    /// do not end it; a break from another thread does, with `Ok(())`.
    pub fn for_each(&mut self, count: Option<usize>, mut f: impl FnMut(Packet<'_>)) -> Result<()> {
        let mut left = count;
        while left != Some(0) {
            match self.state.read() {
                Ok(Some(p)) => f(p),
                Ok(None) | Err(Error::Break) => break,
                Err(Error::TimeoutExpired) => continue,
                Err(e) => return Err(e),
            }
            left = left.map(|n| n - 1);
        }
        Ok(())
    }

    /// Hands `f` the packets of one batch, at most `count` (`None`: the whole batch), and
    /// returns how many (libpcap's `pcap_dispatch`). Live captures hand over what one ring
    /// block holds; a file's batch is `count` packets (or every remaining packet). `Ok(0)` at
    /// the end of a file or when a live read timed out.
    pub fn dispatch(
        &mut self,
        count: Option<usize>,
        mut f: impl FnMut(Packet<'_>),
    ) -> Result<usize> {
        match self.state.dispatch(count.unwrap_or(usize::MAX), &mut f) {
            Err(Error::TimeoutExpired) => Ok(0),
            other => other,
        }
    }

    /// An iterator of owned packets (gopacket's `PacketSource.Packets`). It ends at the end of
    /// the file, or after yielding an error.
    pub fn packets(self) -> Packets<S> {
        Packets {
            capture: self,
            done: false,
        }
    }

    /// An iterator of `codec`'s items, one per packet (the `pcap` crate's `iter`). It ends at
    /// the end of the file, or after yielding an error; live read timeouts yield
    /// `Err(Error::TimeoutExpired)` and the iteration goes on.
    pub fn iter<C: PacketCodec>(self, codec: C) -> PacketIter<S, C> {
        PacketIter {
            capture: self,
            codec,
            done: false,
        }
    }

    /// Filters with `program` from now on: packets it rejects are skipped (gopacket's
    /// `SetBPFInstructionFilter`, libpcap's `pcap_setfilter` with a program you built). A file
    /// capture runs it in user space on every packet; a live one attaches it to the socket.
    pub fn set_program(&mut self, program: &Program) -> Result<()> {
        self.state.set_program(program)
    }

    /// Compiles a pcap-filter expression for this capture (libpcap's `pcap_compile`, the `pcap`
    /// crate's `compile`): for its link type and snapshot length, for its kind of handle (a
    /// live capture's program reads VLAN tags and direction from the kernel's metadata), with
    /// the system's name databases (`/etc/hosts`, `/etc/services`, …) for names.
    pub fn compile(&self, expr: &str, optimize: bool) -> Result<BpfProgram> {
        let (context, netmask) = self.state.filter_context();
        let netdb = crate::netdb::Netdb::system();
        crate::filter::Options::new(self.get_datalink())
            .snaplen(self.snaplen())
            .optimize(optimize)
            .netmask(netmask)
            .context(context)
            .resolver(&netdb)
            .compile(expr)
            .map_err(Error::Filter)
    }

    /// Compiles `expr` ([`compile`](Capture::compile)) and filters with it
    /// ([`set_program`](Capture::set_program)): gopacket's `SetBPFFilter`, libpcap's
    /// `pcap_compile` + `pcap_setfilter`.
    pub fn filter(&mut self, expr: &str, optimize: bool) -> Result<()> {
        let program = self.compile(expr, optimize)?;
        self.set_program(&program)
    }

    /// The link type packets come with (libpcap's `pcap_datalink`). A pcapng file may mix
    /// link types: this is the first interface's, and each packet's header has its own.
    pub fn get_datalink(&self) -> Linktype {
        self.state.linktype()
    }

    /// The snapshot length (libpcap's `pcap_snapshot`).
    pub fn snaplen(&self) -> u32 {
        self.state.snaplen()
    }

    /// The precision time stamps are delivered in.
    pub fn precision(&self) -> Precision {
        self.state.precision()
    }

    /// Creates (or truncates) a pcap file at `path` to save packets into, with this capture's
    /// link type, snapshot length and time-stamp precision (libpcap's `pcap_dump_open`).
    pub fn savefile(&self, path: impl AsRef<Path>) -> Result<Savefile> {
        Savefile::create(path.as_ref(), self.savefile_header())
    }

    /// Opens a pcap file at `path` to append packets to (libpcap's `pcap_dump_open_append`):
    /// an existing file must be a pcap file of this capture's link type and precision, and
    /// records are added in its byte order; a missing or empty file is started afresh.
    pub fn savefile_append(&self, path: impl AsRef<Path>) -> Result<Savefile> {
        Savefile::append(path.as_ref(), self.savefile_header())
    }

    /// Saves packets as a pcap stream into any writer: a pipe, a socket, a `Vec<u8>`
    /// (the `pcap` crate's `savefile_raw_fd`, without the raw fd).
    pub fn savefile_to(&self, writer: impl Write + Send + 'static) -> Result<Savefile> {
        Savefile::to_writer(Box::new(writer), self.savefile_header())
    }

    fn savefile_header(&self) -> file::pcap::FileHeader {
        file::pcap::FileHeader::new(self.get_datalink(), self.snaplen(), self.precision())
    }
}

impl<S: Activated + ?Sized> PacketSource for Capture<S> {
    fn next(&mut self) -> Result<Option<Packet<'_>>> {
        Capture::next(self)
    }
}

/// Owned packets from a [`Capture`]; see [`Capture::packets`].
pub struct Packets<S: ?Sized> {
    capture: Capture<S>,
    done: bool,
}

impl<S: ?Sized + std::fmt::Debug> std::fmt::Debug for Packets<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Packets")
            .field("capture", &self.capture)
            .field("done", &self.done)
            .finish()
    }
}

impl<S: Activated + ?Sized> Iterator for Packets<S> {
    type Item = Result<OwnedPacket>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        loop {
            return match self.capture.state.read() {
                Ok(Some(p)) => Some(Ok(p.to_owned())),
                Ok(None) => {
                    self.done = true;
                    None
                }
                Err(Error::TimeoutExpired) => continue,
                Err(e) => {
                    self.done = true;
                    Some(Err(e))
                }
            };
        }
    }
}

impl<S: Activated + ?Sized> std::iter::FusedIterator for Packets<S> {}

/// A [`PacketCodec`]'s items, one per packet; see [`Capture::iter`].
pub struct PacketIter<S: ?Sized, C> {
    capture: Capture<S>,
    codec: C,
    done: bool,
}

impl<S: ?Sized + std::fmt::Debug, C> std::fmt::Debug for PacketIter<S, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PacketIter")
            .field("capture", &self.capture)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<S: Activated + ?Sized, C: PacketCodec> PacketIter<S, C> {
    /// The capture, to read its statistics or change its filter between items.
    pub fn capture_mut(&mut self) -> &mut Capture<S> {
        &mut self.capture
    }
}

impl<S: Activated + ?Sized, C: PacketCodec> Iterator for PacketIter<S, C> {
    type Item = Result<C::Item>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.capture.state.read() {
            Ok(Some(p)) => Some(Ok(self.codec.decode(p))),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(Error::TimeoutExpired) => Some(Err(Error::TimeoutExpired)),
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}
