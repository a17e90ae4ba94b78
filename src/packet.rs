//! The packet model shared by every source: [`Timestamp`], [`PacketHeader`], the borrowed
//! [`Packet`] and the owned [`OwnedPacket`].
//!
//! Files and live captures hand out the same header type, as gopacket's `CaptureInfo` does.
//! Time stamps are always seconds plus nanoseconds, whatever the source's resolution, so there
//! is no microsecond/nanosecond ambiguity in a `timeval`.

use crate::linktype::Linktype;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const NANOS_PER_SEC: u32 = 1_000_000_000;

/// A point in time: seconds since the Unix epoch plus nanoseconds (always `< 1_000_000_000`).
///
/// Ordered and hashable. Seconds are signed so that every pcapng time stamp (unsigned 64-bit
/// units plus a signed offset) has a value; times before 1970 are negative seconds with a
/// positive nanosecond part (−0.5 s is `secs = -1, nanos = 500_000_000`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    secs: i64,
    nanos: u32,
}

impl Timestamp {
    /// The epoch, 1970-01-01T00:00:00Z.
    pub const EPOCH: Timestamp = Timestamp { secs: 0, nanos: 0 };

    /// Seconds and nanoseconds; nanoseconds of a second or more carry into the seconds
    /// (saturating at the largest representable time).
    pub const fn new(secs: i64, nanos: u32) -> Timestamp {
        if nanos < NANOS_PER_SEC {
            Timestamp { secs, nanos }
        } else {
            Timestamp {
                secs: secs.saturating_add((nanos / NANOS_PER_SEC) as i64),
                nanos: nanos % NANOS_PER_SEC,
            }
        }
    }

    /// From a number of nanoseconds since the epoch (negative = before).
    pub const fn from_nanos(nanos: i128) -> Timestamp {
        let secs = nanos.div_euclid(NANOS_PER_SEC as i128);
        let rem = nanos.rem_euclid(NANOS_PER_SEC as i128) as u32;
        let secs = if secs > i64::MAX as i128 {
            i64::MAX
        } else if secs < i64::MIN as i128 {
            i64::MIN
        } else {
            secs as i64
        };
        Timestamp { secs, nanos: rem }
    }

    /// Seconds and microseconds (as in a `timeval`); microseconds of a second or more carry.
    pub const fn from_micros_parts(secs: i64, micros: u32) -> Timestamp {
        Timestamp::new(secs, 0).add_nanos(micros as u64 * 1000)
    }

    /// This time plus a number of nanoseconds (saturating).
    pub const fn add_nanos(self, nanos: u64) -> Timestamp {
        let total = self.nanos as u64 + nanos % NANOS_PER_SEC as u64;
        let carry = (nanos / NANOS_PER_SEC as u64) + total / NANOS_PER_SEC as u64;
        let secs = if carry > i64::MAX as u64 {
            i64::MAX
        } else {
            self.secs.saturating_add(carry as i64)
        };
        Timestamp {
            secs,
            nanos: (total % NANOS_PER_SEC as u64) as u32,
        }
    }

    /// Whole seconds since the epoch (rounded towards minus infinity).
    pub const fn secs(self) -> i64 {
        self.secs
    }

    /// Nanoseconds within the second, `0..1_000_000_000`.
    pub const fn nanos(self) -> u32 {
        self.nanos
    }

    /// Microseconds within the second (the nanoseconds truncated), as a `timeval` holds them.
    pub const fn micros(self) -> u32 {
        self.nanos / 1000
    }

    /// Nanoseconds since the epoch.
    pub const fn as_nanos(self) -> i128 {
        self.secs as i128 * NANOS_PER_SEC as i128 + self.nanos as i128
    }

    /// `(seconds, microseconds)`, the fields of a `struct timeval`.
    pub const fn to_timeval(self) -> (i64, i64) {
        (self.secs, self.micros() as i64)
    }

    /// The same time truncated to the given precision.
    pub const fn truncate(self, precision: Precision) -> Timestamp {
        match precision {
            Precision::Micro => Timestamp {
                secs: self.secs,
                nanos: self.nanos - self.nanos % 1000,
            },
            Precision::Nano => self,
        }
    }

    /// Time since the epoch, or `None` before it.
    pub fn as_duration_since_epoch(self) -> Option<Duration> {
        u64::try_from(self.secs)
            .ok()
            .map(|s| Duration::new(s, self.nanos))
    }
}

impl From<SystemTime> for Timestamp {
    fn from(t: SystemTime) -> Self {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => Timestamp::from_nanos(d.as_nanos() as i128),
            Err(e) => Timestamp::from_nanos(-(e.duration().as_nanos() as i128)),
        }
    }
}

impl From<Timestamp> for SystemTime {
    fn from(t: Timestamp) -> Self {
        match t.as_duration_since_epoch() {
            Some(d) => UNIX_EPOCH + d,
            None => {
                let back = Duration::from_secs(t.secs.unsigned_abs())
                    - Duration::from_nanos(t.nanos as u64);
                UNIX_EPOCH - back
            }
        }
    }
}

impl fmt::Display for Timestamp {
    /// `seconds.nanoseconds`, e.g. `1120622255.938066000`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:09}", self.secs, self.nanos)
    }
}

/// Time stamp resolution of a source or an output: microseconds or nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Precision {
    /// Microseconds (the classic pcap format, `0xa1b2c3d4`).
    #[default]
    Micro,
    /// Nanoseconds (`0xa1b23c4d` pcap files, `if_tsresol` 9 in pcapng).
    Nano,
}

/// Which packets to capture, or which way a packet went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Both ways (a capture setting; a packet is never `InOut`).
    InOut,
    /// Received by the interface.
    In,
    /// Sent by the interface.
    Out,
}

/// What is known about one packet: when, how long, and where from.
///
/// `ts`, `caplen` and `len` are public, as in the `pcap` crate. The rest is metadata that only
/// some sources have, read through methods: the link type (per packet, since a pcapng file may
/// mix link types), the pcapng interface id, and the pcapng `epb_flags` word (direction, FCS
/// length, reception type).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PacketHeader {
    /// When the packet was captured.
    pub ts: Timestamp,
    /// How many bytes of the packet are present (the length of [`Packet::data`]).
    pub caplen: u32,
    /// How long the packet was on the wire.
    pub len: u32,
    linktype: Linktype,
    interface_id: u32,
    flags: Option<u32>,
}

impl PacketHeader {
    /// A header for a packet of the given link type, from interface 0, without flags.
    pub const fn new(ts: Timestamp, caplen: u32, len: u32, linktype: Linktype) -> PacketHeader {
        PacketHeader {
            ts,
            caplen,
            len,
            linktype,
            interface_id: 0,
            flags: None,
        }
    }

    /// The link-layer header type of this packet's data.
    pub const fn linktype(&self) -> Linktype {
        self.linktype
    }

    /// The pcapng interface the packet came from, numbered within its section (0 for pcap
    /// files and live captures).
    pub const fn interface_id(&self) -> u32 {
        self.interface_id
    }

    /// The pcapng `epb_flags` word, when the packet had one.
    pub const fn flags(&self) -> Option<u32> {
        self.flags
    }

    /// The direction from the pcapng `epb_flags` word, when it says.
    pub const fn direction(&self) -> Option<Direction> {
        match self.flags {
            Some(f) if f & 3 == 1 => Some(Direction::In),
            Some(f) if f & 3 == 2 => Some(Direction::Out),
            _ => None,
        }
    }

    /// This header with another link type.
    pub const fn with_linktype(mut self, linktype: Linktype) -> PacketHeader {
        self.linktype = linktype;
        self
    }

    /// This header with another interface id.
    pub const fn with_interface_id(mut self, id: u32) -> PacketHeader {
        self.interface_id = id;
        self
    }

    /// This header with an `epb_flags` word (or none).
    pub const fn with_flags(mut self, flags: Option<u32>) -> PacketHeader {
        self.flags = flags;
        self
    }
}

/// A packet borrowed from its source: valid until the source's next read.
///
/// Field for field the `pcap` crate's `Packet`, so field access ports unchanged; it dereferences
/// to the data. [`Packet::to_owned`] keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Packet<'a> {
    /// The header.
    pub header: &'a PacketHeader,
    /// The captured bytes (`header.caplen` of them).
    pub data: &'a [u8],
}

impl<'a> Packet<'a> {
    /// A packet from a header and its bytes.
    pub const fn new(header: &'a PacketHeader, data: &'a [u8]) -> Packet<'a> {
        Packet { header, data }
    }

    /// A copy that owns its bytes.
    #[allow(clippy::should_implement_trait)]
    pub fn to_owned(&self) -> OwnedPacket {
        OwnedPacket {
            header: *self.header,
            data: self.data.to_vec(),
        }
    }
}

impl std::ops::Deref for Packet<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.data
    }
}

/// A packet that owns its bytes (gopacket's `ReadPacketData`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OwnedPacket {
    /// The header.
    pub header: PacketHeader,
    /// The captured bytes.
    pub data: Vec<u8>,
}

impl OwnedPacket {
    /// Borrow it as a [`Packet`].
    pub fn as_packet(&self) -> Packet<'_> {
        Packet {
            header: &self.header,
            data: &self.data,
        }
    }
}

impl std::ops::Deref for OwnedPacket {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.data
    }
}

impl From<Packet<'_>> for OwnedPacket {
    fn from(p: Packet<'_>) -> Self {
        p.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_normalise_and_order() {
        assert_eq!(
            Timestamp::new(1, 1_500_000_000),
            Timestamp::new(2, 500_000_000)
        );
        assert_eq!(
            Timestamp::from_micros_parts(5, 1_000_001).to_string(),
            "6.000001000"
        );
        assert_eq!(
            Timestamp::from_nanos(-500_000_000),
            Timestamp::new(-1, 500_000_000)
        );
        assert_eq!(Timestamp::new(-1, 500_000_000).as_nanos(), -500_000_000);
        assert!(Timestamp::new(1, 0) < Timestamp::new(1, 1));
        assert_eq!(
            Timestamp::new(i64::MAX, 0).add_nanos(u64::MAX).secs(),
            i64::MAX
        );
        let t = Timestamp::new(1_700_000_000, 123_456_789);
        assert_eq!(Timestamp::from(SystemTime::from(t)), t);
        let before = Timestamp::new(-3, 250);
        assert_eq!(Timestamp::from(SystemTime::from(before)), before);
        assert_eq!(t.truncate(Precision::Micro).nanos(), 123_456_000);
    }

    #[test]
    fn header_metadata() {
        let h = PacketHeader::new(Timestamp::EPOCH, 1, 2, Linktype::EN10MB)
            .with_interface_id(3)
            .with_flags(Some(2));
        assert_eq!(h.interface_id(), 3);
        assert_eq!(h.direction(), Some(Direction::Out));
        assert_eq!(h.linktype(), Linktype::EN10MB);
    }
}
