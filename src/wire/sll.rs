//! Linux "cooked" capture headers: `LINKTYPE_LINUX_SLL` (v1, 16 bytes) and
//! `LINKTYPE_LINUX_SLL2` (v2, 20 bytes).

use super::bytes::{get_u8, head, tail};
use super::{check, Error, EtherType};

/// Where the fields of the two cooked headers lie.
pub mod field {
    /// `LINUX_SLL` (v1).
    pub mod v1 {
        use std::ops::Range;
        /// Packet type (direction).
        pub const PKTTYPE: Range<usize> = 0..2;
        /// Link-layer address type (`ARPHRD_`).
        pub const HATYPE: Range<usize> = 2..4;
        /// Link-layer address length.
        pub const HALEN: Range<usize> = 4..6;
        /// Link-layer address (8 bytes of room).
        pub const ADDR: Range<usize> = 6..14;
        /// Protocol (Ethernet type, or a `PROTOCOL_` value below 0x0600).
        pub const PROTOCOL: Range<usize> = 14..16;
        /// Start of the payload.
        pub const PAYLOAD: usize = 16;
    }
    /// `LINUX_SLL2` (v2).
    pub mod v2 {
        use std::ops::Range;
        /// Protocol (Ethernet type, or a `PROTOCOL_` value below 0x0600).
        pub const PROTOCOL: Range<usize> = 0..2;
        /// Reserved (zero).
        pub const RESERVED: Range<usize> = 2..4;
        /// Interface index.
        pub const IFINDEX: Range<usize> = 4..8;
        /// Link-layer address type (`ARPHRD_`).
        pub const HATYPE: Range<usize> = 8..10;
        /// Packet type (direction).
        pub const PKTTYPE: usize = 10;
        /// Link-layer address length.
        pub const HALEN: usize = 11;
        /// Link-layer address (8 bytes of room).
        pub const ADDR: Range<usize> = 12..20;
        /// Start of the payload.
        pub const PAYLOAD: usize = 20;
    }
}

/// Length of a `LINUX_SLL` header.
pub const SLL_HEADER_LEN: usize = field::v1::PAYLOAD;
/// Length of a `LINUX_SLL2` header.
pub const SLL2_HEADER_LEN: usize = field::v2::PAYLOAD;

/// The cooked header's `protocol` value for Novell 802.3 frames without an LLC header.
pub const PROTOCOL_802_3: u16 = 0x0001;
/// The cooked header's `protocol` value for 802.2 LLC frames.
pub const PROTOCOL_802_2: u16 = 0x0004;
/// The ARPHRD value of a packet that carries a radiotap header.
pub const HATYPE_IEEE80211_RADIOTAP: u16 = 803;

/// The direction/class of a cooked packet (`PACKET_HOST`, …).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PacketType(pub u16);

impl PacketType {
    /// To this host.
    pub const HOST: PacketType = PacketType(0);
    /// Broadcast.
    pub const BROADCAST: PacketType = PacketType(1);
    /// Multicast.
    pub const MULTICAST: PacketType = PacketType(2);
    /// To another host (promiscuous).
    pub const OTHERHOST: PacketType = PacketType(3);
    /// Sent by this host.
    pub const OUTGOING: PacketType = PacketType(4);

    /// tcpdump's abbreviation: `In`, `B`, `M`, `P`, `Out`, or `None`.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "In",
            1 => "B",
            2 => "M",
            3 => "P",
            4 => "Out",
            _ => return None,
        })
    }
}

/// A view of a `LINUX_SLL` header.
#[derive(Clone, Copy, Debug)]
pub struct Sll<T> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Sll<T> {
    /// A view without checking the length (accessors still never panic).
    pub const fn new_unchecked(buffer: T) -> Sll<T> {
        Sll { buffer }
    }

    /// A view of a buffer that holds at least the 16-byte header.
    pub fn new_checked(buffer: T) -> Result<Sll<T>, Error> {
        let s = Sll::new_unchecked(buffer);
        s.check_len()?;
        Ok(s)
    }

    /// Checks that the buffer holds the header.
    pub fn check_len(&self) -> Result<(), Error> {
        check("sll", self.buffer.as_ref(), SLL_HEADER_LEN)
    }

    /// The underlying buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    accessors! {
        /// Packet type (direction).
        fn packet_type / try_packet_type -> PacketType = get_be16(field::v1::PKTTYPE.start) => PacketType;
        /// Link-layer address type (an `ARPHRD_` value).
        fn hatype / try_hatype -> u16 = get_be16(field::v1::HATYPE.start);
        /// Link-layer address length as stored (may exceed the 8 bytes of room).
        fn halen / try_halen -> u16 = get_be16(field::v1::HALEN.start);
        /// The 8-byte address field, of which the first [`halen`](Self::halen) bytes are used.
        fn addr / try_addr -> [u8; 8] = get_array(field::v1::ADDR.start);
        /// The protocol: an Ethernet type, or [`PROTOCOL_802_2`] and friends below 0x0600.
        fn protocol / try_protocol -> EtherType = get_be16(field::v1::PROTOCOL.start) => EtherType;
    }

    /// Everything after the header.
    pub fn payload(&self) -> &[u8] {
        tail(self.buffer.as_ref(), field::v1::PAYLOAD)
    }
}

/// A view of a `LINUX_SLL2` header.
#[derive(Clone, Copy, Debug)]
pub struct Sll2<T> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Sll2<T> {
    /// A view without checking the length (accessors still never panic).
    pub const fn new_unchecked(buffer: T) -> Sll2<T> {
        Sll2 { buffer }
    }

    /// A view of a buffer that holds at least the 20-byte header.
    pub fn new_checked(buffer: T) -> Result<Sll2<T>, Error> {
        let s = Sll2::new_unchecked(buffer);
        s.check_len()?;
        Ok(s)
    }

    /// Checks that the buffer holds the header.
    pub fn check_len(&self) -> Result<(), Error> {
        check("sll2", self.buffer.as_ref(), SLL2_HEADER_LEN)
    }

    /// The underlying buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    accessors! {
        /// The protocol: an Ethernet type, or [`PROTOCOL_802_2`] and friends below 0x0600.
        fn protocol / try_protocol -> EtherType = get_be16(field::v2::PROTOCOL.start) => EtherType;
        /// The capturing host's interface index (1-based).
        fn if_index / try_if_index -> u32 = get_be32(field::v2::IFINDEX.start);
        /// Link-layer address type (an `ARPHRD_` value).
        fn hatype / try_hatype -> u16 = get_be16(field::v2::HATYPE.start);
    }

    /// Packet type (direction).
    pub fn packet_type(&self) -> PacketType {
        self.try_packet_type().unwrap_or_default()
    }

    /// Packet type, or `None` when its byte was not captured.
    pub fn try_packet_type(&self) -> Option<PacketType> {
        get_u8(self.buffer.as_ref(), field::v2::PKTTYPE).map(|t| PacketType(t.into()))
    }

    accessors! {
        /// Link-layer address length as stored.
        fn halen / try_halen -> u8 = get_u8(field::v2::HALEN);
        /// The 8-byte address field, of which the first [`halen`](Self::halen) bytes are used.
        fn addr / try_addr -> [u8; 8] = get_array(field::v2::ADDR.start);
    }

    /// Everything after the header.
    pub fn payload(&self) -> &[u8] {
        tail(self.buffer.as_ref(), field::v2::PAYLOAD)
    }
}

/// The used part of a cooked address field: the first `halen` bytes, at most 8.
pub fn used_addr(addr: &[u8; 8], halen: usize) -> &[u8] {
    head(addr, halen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sll_fields() {
        let b = [
            0x00, 0x04, 0x00, 0x01, 0x00, 0x06, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x00,
            0x08, 0x00, 0x45,
        ];
        let s = Sll::new_checked(&b[..]).unwrap();
        assert_eq!(s.packet_type(), PacketType::OUTGOING);
        assert_eq!(s.packet_type().name(), Some("Out"));
        assert_eq!(s.hatype(), 1);
        assert_eq!(s.halen(), 6);
        assert_eq!(used_addr(&s.addr(), 6), &[0, 0x11, 0x22, 0x33, 0x44, 0x55]);
        assert_eq!(s.protocol(), EtherType::IPV4);
        assert_eq!(s.payload(), &[0x45]);
        assert!(Sll::new_checked(&b[..15]).is_err());
    }

    #[test]
    fn sll2_fields() {
        let b = [
            0x86, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x01, 0x02, 0x06, 0xe0, 0x1c,
            0xfc, 0xd3, 0xb1, 0xe1, 0x00, 0x00, 0x60,
        ];
        let s = Sll2::new_checked(&b[..]).unwrap();
        assert_eq!(s.protocol(), EtherType::IPV6);
        assert_eq!(s.if_index(), 3);
        assert_eq!(s.hatype(), 1);
        assert_eq!(s.packet_type().name(), Some("M"));
        assert_eq!(s.halen(), 6);
        assert_eq!(s.payload(), &[0x60]);
        assert_eq!(PacketType(9).name(), None);
        assert!(Sll2::new_checked(&b[..19]).is_err());
        assert_eq!(Sll2::new_unchecked(&b[..3]).if_index(), 0);
    }
}
