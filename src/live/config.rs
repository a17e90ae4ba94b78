//! [`Config`]: every setting of a live capture, with documented defaults, and the ring
//! geometry derived from it ([`RingGeometry`]).

use crate::linktype::MAXIMUM_SNAPLEN;
use crate::packet::{Direction, Precision};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// The read timeout that blocks until a packet arrives, for the `pcap`-crate-style
/// millisecond setters (`Capture::timeout`, `Capture::open_live`): gopacket's `BlockForever`.
/// Any timeout of 0 or less blocks too.
pub const BLOCK_FOREVER: i32 = -1;

/// Default snapshot length: 262144 bytes, libpcap's `MAXIMUM_SNAPLEN`.
pub const DEFAULT_SNAPLEN: u32 = MAXIMUM_SNAPLEN;
/// Default ring size: 2 MiB, libpcap's default buffer.
pub const DEFAULT_BUFFER_SIZE: usize = 2 * 1024 * 1024;
/// The largest ring block used when the ring is not configured explicitly: 256 KiB, enough for
/// the 64 KiB aggregates GRO builds (a packet must fit in one block).
pub const MAX_BLOCK_SIZE: usize = 256 * 1024;
/// The fewest blocks a ring gets: while user space holds one block, the kernel needs another to
/// write into (with one block everything arriving meanwhile is dropped, libpcap #843).
pub const MIN_BLOCKS: usize = 2;
/// How many blocks the ring is split into when the buffer allows: the block shrinks (down to
/// a page) before the ring gets fewer than this.
pub const PREFERRED_BLOCKS: usize = 4;
/// The kernel block-retire timeout used when reads block forever: 10 ms, as libpcap uses for
/// gopacket's `BlockForever` (a lone packet is delivered within this time).
pub const BLOCK_FOREVER_RETIRE: Duration = Duration::from_millis(10);
/// The smallest ring in immediate mode: 8 MiB. Immediate mode uses a TPACKET_V2 ring of
/// fixed-size frames, one packet each (1648 bytes for an Ethernet device with a 1500-byte
/// MTU: about 5000 of them), so that a reader kept off the CPU for a few milliseconds by a
/// competing process loses nothing at a million packets a second. libpcap's is 4 MiB of
/// 64 KiB frames (32 packets).
pub const IMMEDIATE_MIN_BUFFER: usize = 8 * 1024 * 1024;
/// The largest MTU an immediate-mode frame is sized for: 9000 (jumbo frames). Packets longer
/// than the frame (GRO/GSO aggregates, `lo`'s 64 KiB segments, an MTU above this) reach the
/// reader whole through the socket's receive queue instead, at the cost of one more system
/// call each.
pub const IMMEDIATE_MAX_MTU: u32 = 9000;
/// What an immediate-mode frame holds beyond the MTU: the link-layer header and VLAN tags
/// left in the data (64 bytes covers every link header Linux has plus two tags).
pub const IMMEDIATE_LINK_ROOM: u32 = 64;
/// Where a packet starts in a TPACKET_V2 frame, at most: the 32-byte `tpacket2_hdr` and the
/// `sockaddr_ll`, aligned to 16, plus 16 bytes (the kernel's `tp_mac` on a cooked socket).
pub const V2_FRAME_HEADROOM: usize = 80;

/// Which clock stamps packets (libpcap's `pcap_tstamp_type`, the `pcap` crate's
/// `TimestampType`). Linux offers `Host`, `Adapter` and `AdapterUnsynced`; a type the device
/// does not offer gives [`Warning::TstampTypeNotSupported`](super::Warning) and host stamps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimestampType {
    /// The host's clock, read by the kernel when the packet is received (`host`).
    #[default]
    Host,
    /// Host clock, low precision (`host_lowprec`); Linux does not offer it.
    HostLowPrec,
    /// Host clock, high precision (`host_hiprec`); Linux does not offer it.
    HostHighPrec,
    /// The network adapter's clock, synchronised with the host (`adapter`). The kernel no longer
    /// converts adapter time to host time (`SOF_TIMESTAMPING_SYS_HARDWARE` was removed in Linux
    /// 3.17), so this asks for the adapter's raw clock, as [`AdapterUnsynced`](Self::AdapterUnsynced).
    Adapter,
    /// The network adapter's own clock (`adapter_unsynced`).
    AdapterUnsynced,
    /// Host clock, high precision, not synchronised (`host_hiprec_unsynced`); Linux does not
    /// offer it.
    HostHighPrecUnsynced,
}

impl TimestampType {
    /// libpcap's name (`"host"`, `"adapter_unsynced"`, …), as `tcpdump -j` takes it.
    pub const fn name(self) -> &'static str {
        match self {
            TimestampType::Host => "host",
            TimestampType::HostLowPrec => "host_lowprec",
            TimestampType::HostHighPrec => "host_hiprec",
            TimestampType::Adapter => "adapter",
            TimestampType::AdapterUnsynced => "adapter_unsynced",
            TimestampType::HostHighPrecUnsynced => "host_hiprec_unsynced",
        }
    }

    /// libpcap's description (`"Host"`, `"Adapter"`, …), as `tcpdump -J` prints it.
    pub const fn description(self) -> &'static str {
        match self {
            TimestampType::Host => "Host",
            TimestampType::HostLowPrec => "Host, low precision",
            TimestampType::HostHighPrec => "Host, high precision",
            TimestampType::Adapter => "Adapter",
            TimestampType::AdapterUnsynced => "Adapter, not synced with system time",
            TimestampType::HostHighPrecUnsynced => {
                "Host, high precision, not synced with system time"
            }
        }
    }

    /// All types, in libpcap's numbering order.
    pub const ALL: [TimestampType; 6] = [
        TimestampType::Host,
        TimestampType::HostLowPrec,
        TimestampType::HostHighPrec,
        TimestampType::Adapter,
        TimestampType::AdapterUnsynced,
        TimestampType::HostHighPrecUnsynced,
    ];
}

impl fmt::Display for TimestampType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not a time stamp type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownTimestampType(pub String);

impl fmt::Display for UnknownTimestampType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown time stamp type {:?}", self.0)
    }
}

impl std::error::Error for UnknownTimestampType {}

impl FromStr for TimestampType {
    type Err = UnknownTimestampType;
    /// libpcap's names, case-insensitive (`pcap_tstamp_type_name_to_val`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TimestampType::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownTimestampType(s.to_owned()))
    }
}

/// How a `PACKET_FANOUT` group spreads packets over its members (the kernel's
/// `PACKET_FANOUT_*` modes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FanoutMode {
    /// By flow hash: both directions of a flow go to the same member (mode 0).
    Hash,
    /// Round robin (mode 1).
    LoadBalance,
    /// By the CPU the packet arrived on (mode 2).
    Cpu,
    /// Fill one member until its ring is full, then the next (mode 3).
    Rollover,
    /// At random (mode 4).
    Random,
    /// By the NIC's receive queue (mode 5).
    QueueMapping,
}

impl FanoutMode {
    pub(crate) const fn code(self) -> u32 {
        match self {
            FanoutMode::Hash => 0,
            FanoutMode::LoadBalance => 1,
            FanoutMode::Cpu => 2,
            FanoutMode::Rollover => 3,
            FanoutMode::Random => 4,
            FanoutMode::QueueMapping => 5,
        }
    }
}

/// Membership in a fanout group: captures on the same device with the same group id and mode
/// share the packets between them, each packet going to exactly one member (gopacket
/// afpacket's `SetFanout`). Group ids are per network namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Fanout {
    /// How packets are spread.
    pub mode: FanoutMode,
    /// The group id.
    pub group: u16,
    /// Reassemble IP fragments before hashing, so a flow's fragments go to one member
    /// (`PACKET_FANOUT_FLAG_DEFRAG`).
    pub defrag: bool,
    /// When this member's ring is full, pass the packet to another member
    /// (`PACKET_FANOUT_FLAG_ROLLOVER`).
    pub rollover: bool,
}

impl Fanout {
    /// Group `group` in mode `mode`, no flags.
    pub const fn new(mode: FanoutMode, group: u16) -> Fanout {
        Fanout {
            mode,
            group,
            defrag: false,
            rollover: false,
        }
    }

    /// The `PACKET_FANOUT` socket option value: id | (mode | flags) << 16.
    pub(crate) const fn value(self) -> u32 {
        let mut ty = self.mode.code();
        if self.rollover {
            ty |= 0x1000;
        }
        if self.defrag {
            ty |= 0x8000;
        }
        self.group as u32 | ty << 16
    }
}

/// An explicit ring layout (gopacket afpacket's `OptBlockSize` / `OptNumBlocks`), overriding
/// the one derived from [`Config::buffer_size`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RingConfig {
    /// Bytes per block: a power of two, at least one page. A packet longer than a block (less
    /// its headers) is truncated by the kernel.
    pub block_size: usize,
    /// Number of blocks, at least [`MIN_BLOCKS`].
    pub block_count: usize,
}

/// Every setting of a live capture. `Config::default()` gives libpcap's defaults; the fields are
/// public, and the `Capture<Inactive>` builder sets them one by one.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// Bytes kept of each packet (default [`DEFAULT_SNAPLEN`]); 0 or more than 262144 mean
    /// 262144, as in libpcap. The kernel copies only this much into the ring.
    pub snaplen: u32,
    /// Put the interface in promiscuous mode (default off). Not possible on `any`.
    pub promisc: bool,
    /// The read timeout (libpcap's "packet buffer timeout"): `None` or zero blocks until a
    /// packet arrives (default `None`); `Some(t)` makes a read that waited `t` without a packet
    /// return [`Error::TimeoutExpired`](super::Error::TimeoutExpired). Unlike libpcap's, it
    /// fires on an idle link. A packet is delivered at the latest `t` (10 ms when blocking; at
    /// once in immediate mode) after it arrived.
    pub timeout: Option<Duration>,
    /// Bytes of kernel ring (default [`DEFAULT_BUFFER_SIZE`]), rounded up to whole blocks (at
    /// least [`IMMEDIATE_MIN_BUFFER`] in immediate mode).
    pub buffer_size: usize,
    /// Deliver each packet as soon as it arrives instead of in batches (libpcap's immediate
    /// mode): a TPACKET_V2 ring that wakes the reader per packet, of at least
    /// [`IMMEDIATE_MIN_BUFFER`] bytes.
    pub immediate: bool,
    /// Which clock stamps packets (default host).
    pub tstamp_type: TimestampType,
    /// Time stamp resolution handed out (default microseconds, as libpcap; the ring always has
    /// nanoseconds).
    pub precision: Precision,
    /// Monitor mode (802.11). Not implemented: asking for it is an
    /// [`Error::Unsupported`](super::Error::Unsupported).
    pub rfmon: bool,
    /// Which packets to capture by direction (default both).
    pub direction: Direction,
    /// Reads never wait: a read with nothing ready returns `TimeoutExpired` at once.
    pub nonblocking: bool,
    /// An explicit ring layout instead of the one derived from `buffer_size`.
    pub ring: Option<RingConfig>,
    /// Join a fanout group once the capture runs.
    pub fanout: Option<Fanout>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            snaplen: DEFAULT_SNAPLEN,
            promisc: false,
            timeout: None,
            buffer_size: DEFAULT_BUFFER_SIZE,
            immediate: false,
            tstamp_type: TimestampType::Host,
            precision: Precision::Micro,
            rfmon: false,
            direction: Direction::InOut,
            nonblocking: false,
            ring: None,
            fanout: None,
        }
    }
}

impl Config {
    /// The snapshot length in force: `snaplen`, with 0 and values above 262144 meaning 262144.
    pub fn effective_snaplen(&self) -> u32 {
        if self.snaplen == 0 || self.snaplen > MAXIMUM_SNAPLEN {
            MAXIMUM_SNAPLEN
        } else {
            self.snaplen
        }
    }

    /// The read timeout in force: `None` blocks (a zero timeout blocks too).
    pub fn effective_timeout(&self) -> Option<Duration> {
        self.timeout.filter(|t| !t.is_zero())
    }

    /// The kernel block-retire timeout of a TPACKET_V3 ring in milliseconds (1..=65535; the
    /// kernel keeps it in 16 bits on older kernels): the read timeout when there is one, else
    /// 10. Immediate mode's TPACKET_V2 ring has no block timer.
    pub fn retire_timeout_ms(&self) -> u32 {
        let t = self.effective_timeout().unwrap_or(BLOCK_FOREVER_RETIRE);
        u32::try_from(t.as_millis())
            .unwrap_or(u32::MAX)
            .clamp(1, 65535)
    }

    /// The bytes an immediate-mode frame holds: the snapshot length, but no more than the
    /// device's MTU (1500 when unknown, as on `any`; at most [`IMMEDIATE_MAX_MTU`]) plus
    /// [`IMMEDIATE_LINK_ROOM`].
    pub fn immediate_frame_capacity(&self, mtu: Option<u32>) -> u32 {
        let mtu = mtu
            .filter(|&m| m > 0)
            .unwrap_or(1500)
            .min(IMMEDIATE_MAX_MTU);
        self.effective_snaplen().min(mtu + IMMEDIATE_LINK_ROOM)
    }

    /// The ring layout for this configuration on a system with `page`-byte pages, for a device
    /// with MTU `mtu` (`None` when unknown, e.g. `any`).
    ///
    /// TPACKET_V3 (not immediate): blocks of [`MAX_BLOCK_SIZE`], as many as `buffer_size` asks
    /// for (rounded up); a buffer smaller than [`PREFERRED_BLOCKS`] such blocks gets smaller
    /// blocks (down to a page), and never fewer than [`MIN_BLOCKS`].
    ///
    /// TPACKET_V2 (immediate mode): frames of [`immediate_frame_capacity`](Self::immediate_frame_capacity)
    /// bytes plus their headers, rounded up to 16; blocks the smallest power of two (at least a
    /// page) that wastes at most 1/32 of itself on the frames' remainder; at least
    /// [`IMMEDIATE_MIN_BUFFER`] bytes in all. An explicit [`ring`](Self::ring) keeps its blocks
    /// and gets frames of that size, or of the block when it is smaller.
    pub fn geometry(&self, page: usize, mtu: Option<u32>) -> Result<RingGeometry, String> {
        let frame = if self.immediate {
            let want = (V2_FRAME_HEADROOM + self.immediate_frame_capacity(mtu) as usize)
                .next_multiple_of(16);
            Some(want)
        } else {
            None
        };
        if let Some(r) = self.ring {
            if !r.block_size.is_power_of_two() || r.block_size < page {
                return Err(format!(
                    "ring block size {} is not a power of two of at least one page ({page})",
                    r.block_size
                ));
            }
            if r.block_count < MIN_BLOCKS {
                return Err(format!(
                    "ring block count {} is below the minimum of {MIN_BLOCKS}",
                    r.block_count
                ));
            }
            let total = r.block_size.checked_mul(r.block_count);
            if total
                .is_none_or(|t| t > isize::MAX as usize / 2 || r.block_count > u32::MAX as usize)
            {
                return Err("ring size overflows".into());
            }
            return Ok(RingGeometry {
                block_size: r.block_size,
                block_count: r.block_count,
                frame_size: frame.map_or(r.block_size, |f| f.min(r.block_size)),
            });
        }
        if let Some(frame) = frame {
            let mut block = frame.max(page).next_power_of_two();
            while (block % frame) * 32 > block && block < MAX_V2_BLOCK {
                block *= 2;
            }
            let buffer = self.buffer_size.max(IMMEDIATE_MIN_BUFFER);
            let count = buffer.div_ceil(block).max(MIN_BLOCKS);
            if count > u32::MAX as usize
                || block
                    .checked_mul(count)
                    .is_none_or(|t| t > isize::MAX as usize / 2)
            {
                return Err(format!("buffer size {} is too large", self.buffer_size));
            }
            return Ok(RingGeometry {
                block_size: block,
                block_count: count,
                frame_size: frame,
            });
        }
        // Big blocks mean few wake-ups; libpcap uses 256 KiB whatever the snapshot length.
        let mut block = MAX_BLOCK_SIZE.max(page);
        let buffer = self.buffer_size.max(page);
        // A small buffer: smaller blocks rather than fewer than PREFERRED_BLOCKS.
        while block > page && buffer / block < PREFERRED_BLOCKS {
            block /= 2;
        }
        let count = buffer.div_ceil(block).max(MIN_BLOCKS);
        if count > u32::MAX as usize
            || block
                .checked_mul(count)
                .is_none_or(|t| t > isize::MAX as usize / 2)
        {
            return Err(format!("buffer size {} is too large", self.buffer_size));
        }
        Ok(RingGeometry {
            block_size: block,
            block_count: count,
            frame_size: block,
        })
    }
}

/// The largest block an immediate-mode ring is cut into (the kernel allocates each block in
/// one piece when it can).
const MAX_V2_BLOCK: usize = 4 * 1024 * 1024;

/// The ring layout in force: `block_count` blocks of `block_size` bytes, cut into frames of
/// `frame_size` bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RingGeometry {
    /// Bytes per block.
    pub block_size: usize,
    /// Number of blocks.
    pub block_count: usize,
    /// Bytes per frame. In immediate mode (a TPACKET_V2 ring) each frame holds one packet, and
    /// a block as many frames as fit; otherwise (TPACKET_V3) packets of any size are packed
    /// into blocks and this is the block size.
    pub frame_size: usize,
}

impl RingGeometry {
    /// Number of frames: packets the ring holds in immediate mode; blocks otherwise.
    pub const fn frames(&self) -> usize {
        match self.block_size.checked_div(self.frame_size) {
            Some(per_block) => per_block * self.block_count,
            None => 0,
        }
    }

    /// Bytes of ring in all.
    pub const fn len(&self) -> usize {
        self.block_size * self.block_count
    }

    /// Whether the ring has no bytes (never, for a geometry from [`Config::geometry`]).
    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
#[allow(clippy::field_reassign_with_default)]
mod tests {
    use super::*;

    const PAGE: usize = 4096;

    #[test]
    fn default_geometry_is_libpcaps() {
        let g = Config::default().geometry(PAGE, None).unwrap();
        assert_eq!((g.block_size, g.block_count), (256 * 1024, 8));
        let c = Config {
            buffer_size: 10_000_000,
            ..Config::default()
        };
        let g = c.geometry(PAGE, None).unwrap();
        assert_eq!((g.block_size, g.block_count), (256 * 1024, 39));
    }

    #[test]
    fn small_buffers_get_smaller_blocks_never_fewer_than_two() {
        let c = Config {
            buffer_size: 32 * 1024,
            ..Config::default()
        };
        let g = c.geometry(PAGE, None).unwrap();
        assert_eq!((g.block_size, g.block_count), (8 * 1024, 4));
        for buffer in [0, 1, 1000, 4096, 5000, 12_000] {
            let c = Config {
                buffer_size: buffer,
                ..Config::default()
            };
            let g = c.geometry(PAGE, None).unwrap();
            assert!(g.block_count >= MIN_BLOCKS, "{buffer}: {g:?}");
            assert!(g.block_size >= PAGE);
        }
    }

    #[test]
    fn immediate_rings_have_frames_for_the_mtu() {
        let c = Config {
            immediate: true,
            ..Config::default()
        };
        // 1500-byte MTU: 80 + 1564 rounded to 16; 39 of them fill a 64 KiB block but for 1264
        // bytes (less than 1/32); 8 MiB of those.
        let g = c.geometry(PAGE, Some(1500)).unwrap();
        assert_eq!(
            (g.frame_size, g.block_size, g.block_count),
            (1648, 65536, 128)
        );
        assert_eq!(g.frames(), 39 * 128);
        assert_eq!(c.geometry(PAGE, None).unwrap(), g, "unknown MTU: 1500");
        // lo: 65536 is capped at jumbo size.
        let g = c.geometry(PAGE, Some(65536)).unwrap();
        assert_eq!(g.frame_size, (80 + 9064usize).next_multiple_of(16));
        assert!((g.block_size % g.frame_size) * 32 <= g.block_size, "{g:?}");
        // A short snapshot length makes short frames.
        let c = Config {
            immediate: true,
            snaplen: 96,
            ..Config::default()
        };
        let g = c.geometry(PAGE, Some(1500)).unwrap();
        assert_eq!((g.frame_size, g.block_size), (176, 4096));
        assert_eq!(g.len(), IMMEDIATE_MIN_BUFFER);
        // A bigger buffer is honoured; an explicit ring keeps its blocks.
        let c = Config {
            immediate: true,
            buffer_size: 16 << 20,
            ..Config::default()
        };
        assert_eq!(c.geometry(PAGE, Some(1500)).unwrap().len(), 16 << 20);
        let c = Config {
            immediate: true,
            ring: Some(RingConfig {
                block_size: 8192,
                block_count: 2,
            }),
            ..Config::default()
        };
        let g = c.geometry(PAGE, Some(1500)).unwrap();
        assert_eq!((g.block_size, g.block_count, g.frame_size), (8192, 2, 1648));
        assert_eq!(g.frames(), 8);
        let c = Config {
            immediate: true,
            ring: Some(RingConfig {
                block_size: 4096,
                block_count: 2,
            }),
            ..Config::default()
        };
        assert_eq!(c.geometry(PAGE, Some(9000)).unwrap().frame_size, 4096);
        // The kernel's tp_mac on a cooked V2 socket: ALIGN16(tpacket2_hdr + sockaddr_ll) + 16.
        assert_eq!(V2_FRAME_HEADROOM, (32usize + 20).next_multiple_of(16) + 16);
        // Every frame size is a multiple of 16 that fits its block.
        for snaplen in [1, 21, 60, 64, 65, 1000, 1564, 70000] {
            for mtu in [None, Some(576), Some(1500), Some(9000), Some(65536)] {
                let c = Config {
                    immediate: true,
                    snaplen,
                    ..Config::default()
                };
                let g = c.geometry(PAGE, mtu).unwrap();
                assert_eq!(g.frame_size % 16, 0);
                assert!(g.frame_size <= g.block_size && g.block_count >= MIN_BLOCKS);
                assert!(
                    g.frame_size >= V2_FRAME_HEADROOM + c.immediate_frame_capacity(mtu) as usize
                );
            }
        }
    }

    #[test]
    fn explicit_rings_are_checked() {
        let mut c = Config::default();
        c.ring = Some(RingConfig {
            block_size: 3000,
            block_count: 4,
        });
        assert!(c.geometry(PAGE, None).is_err());
        c.ring = Some(RingConfig {
            block_size: 8192,
            block_count: 1,
        });
        assert!(c.geometry(PAGE, None).is_err());
        c.ring = Some(RingConfig {
            block_size: 8192,
            block_count: 3,
        });
        let g = c.geometry(PAGE, None).unwrap();
        assert_eq!((g.len(), g.frame_size, g.frames()), (24576, 8192, 3));
        c.ring = Some(RingConfig {
            block_size: 1 << 40,
            block_count: 1 << 30,
        });
        assert!(c.geometry(PAGE, None).is_err());
    }

    #[test]
    fn timeouts() {
        let mut c = Config::default();
        assert_eq!(c.retire_timeout_ms(), 10);
        c.timeout = Some(Duration::ZERO);
        assert_eq!(c.effective_timeout(), None);
        c.timeout = Some(Duration::from_millis(1000));
        assert_eq!(c.retire_timeout_ms(), 1000);
        c.timeout = Some(Duration::from_secs(100_000));
        assert_eq!(c.retire_timeout_ms(), 65535);
        c.timeout = Some(Duration::from_micros(10));
        assert_eq!(c.retire_timeout_ms(), 1);
    }

    #[test]
    fn snaplen_and_names() {
        let mut c = Config::default();
        c.snaplen = 0;
        assert_eq!(c.effective_snaplen(), 262_144);
        c.snaplen = 1_000_000;
        assert_eq!(c.effective_snaplen(), 262_144);
        c.snaplen = 64;
        assert_eq!(c.effective_snaplen(), 64);
        for t in TimestampType::ALL {
            assert_eq!(t.name().parse::<TimestampType>(), Ok(t));
        }
        assert!("ADAPTER".parse::<TimestampType>().is_ok());
        assert!("nope".parse::<TimestampType>().is_err());
        assert_eq!(
            Fanout {
                defrag: true,
                ..Fanout::new(FanoutMode::Hash, 42)
            }
            .value(),
            42 | 0x8000 << 16
        );
    }
}
