//! Ethernet II / IEEE 802.3 frames (`LINKTYPE_ETHERNET`).

use super::bytes::tail;
use super::{check, Error, EtherType};
use std::fmt;

/// Where the fields of the header lie.
pub mod field {
    use std::ops::Range;
    /// Destination address.
    pub const DST: Range<usize> = 0..6;
    /// Source address.
    pub const SRC: Range<usize> = 6..12;
    /// Type, or 802.3 length.
    pub const ETHERTYPE: Range<usize> = 12..14;
    /// Start of the payload (a VLAN tag or LLC header, if any).
    pub const PAYLOAD: usize = 14;
}

/// Length of the Ethernet header (destination, source, type/length).
pub const HEADER_LEN: usize = field::PAYLOAD;

/// A 48-bit IEEE MAC address. Displays as tcpdump prints it: `00:11:22:aa:bb:cc`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MacAddr(pub [u8; 6]);

impl MacAddr {
    /// `ff:ff:ff:ff:ff:ff`.
    pub const BROADCAST: MacAddr = MacAddr([0xff; 6]);

    /// Whether the group (multicast) bit is set; broadcast is a multicast address too.
    pub const fn is_multicast(self) -> bool {
        self.0[0] & 1 == 1
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}")
    }
}

/// A view of an Ethernet frame: two MAC addresses and a type (or 802.3 length) field.
#[derive(Clone, Copy, Debug)]
pub struct Frame<T> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Frame<T> {
    /// A view without checking the length (accessors still never panic; see the module docs).
    pub const fn new_unchecked(buffer: T) -> Frame<T> {
        Frame { buffer }
    }

    /// A view of a buffer that holds at least the 14-byte header.
    pub fn new_checked(buffer: T) -> Result<Frame<T>, Error> {
        let f = Frame::new_unchecked(buffer);
        f.check_len()?;
        Ok(f)
    }

    /// Checks that the buffer holds the header.
    pub fn check_len(&self) -> Result<(), Error> {
        check("ethernet", self.buffer.as_ref(), HEADER_LEN)
    }

    /// The underlying buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    accessors! {
        /// Destination address.
        fn dst_addr / try_dst_addr -> MacAddr = get_array(field::DST.start) => MacAddr;
        /// Source address.
        fn src_addr / try_src_addr -> MacAddr = get_array(field::SRC.start) => MacAddr;
        /// The type field (an 802.3 length when [`EtherType::is_length`]).
        fn ethertype / try_ethertype -> EtherType = get_be16(field::ETHERTYPE.start) => EtherType;
    }

    /// Everything after the 14-byte header (VLAN tags included, if any).
    pub fn payload(&self) -> &[u8] {
        tail(self.buffer.as_ref(), field::PAYLOAD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME: [u8; 16] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x06, 0xab,
        0xcd,
    ];

    #[test]
    fn fields() {
        let f = Frame::new_checked(&FRAME[..]).unwrap();
        assert_eq!(f.dst_addr(), MacAddr::BROADCAST);
        assert_eq!(f.src_addr().to_string(), "00:11:22:33:44:55");
        assert_eq!(f.ethertype(), EtherType::ARP);
        assert_eq!(f.payload(), &[0xab, 0xcd]);
        assert!(f.dst_addr().is_multicast());
        assert!(!f.src_addr().is_multicast());
    }

    #[test]
    fn short_buffers() {
        assert_eq!(
            Frame::new_checked(&FRAME[..13]).unwrap_err(),
            Error::Truncated {
                layer: "ethernet",
                needed: 14,
                available: 13
            }
        );
        let f = Frame::new_unchecked(&FRAME[..8]);
        assert_eq!(f.ethertype(), EtherType(0));
        assert_eq!(f.src_addr(), MacAddr([0; 6]));
        assert!(f.payload().is_empty());
    }
}
