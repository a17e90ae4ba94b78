//! ARP and RARP packets (RFC 826, RFC 903): a fixed 8-byte header followed by sender and target
//! hardware and protocol addresses whose lengths the header states.

use super::bytes::range;
use super::{check, Error, EtherType};

/// Where the fields of the fixed header lie; the addresses follow at [`SHA`](field::SHA).
pub mod field {
    use std::ops::Range;
    /// Hardware type.
    pub const HTYPE: Range<usize> = 0..2;
    /// Protocol type (an Ethernet type).
    pub const PTYPE: Range<usize> = 2..4;
    /// Hardware address length.
    pub const HLEN: usize = 4;
    /// Protocol address length.
    pub const PLEN: usize = 5;
    /// Operation.
    pub const OPER: Range<usize> = 6..8;
    /// Start of the sender hardware address (then sender protocol, target hardware and
    /// target protocol addresses, of the lengths the header states).
    pub const SHA: usize = 8;
}

/// Length of the fixed ARP header (before the addresses).
pub const HEADER_LEN: usize = field::SHA;

/// An ARP operation code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Operation(pub u16);

impl Operation {
    /// ARP request.
    pub const REQUEST: Operation = Operation(1);
    /// ARP reply.
    pub const REPLY: Operation = Operation(2);
    /// RARP request.
    pub const REVERSE_REQUEST: Operation = Operation(3);
    /// RARP reply.
    pub const REVERSE_REPLY: Operation = Operation(4);
    /// InARP request.
    pub const INVERSE_REQUEST: Operation = Operation(8);
    /// InARP reply.
    pub const INVERSE_REPLY: Operation = Operation(9);
    /// ATMARP NAK.
    pub const NAK: Operation = Operation(10);

    /// tcpdump's name (`Request`, `Reply`, `Reverse Request`, …), or `None`.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "Request",
            2 => "Reply",
            3 => "Reverse Request",
            4 => "Reverse Reply",
            8 => "Inverse Request",
            9 => "Inverse Reply",
            10 => "NACK Reply",
            _ => return None,
        })
    }
}

/// The `ARPHRD_` hardware type of Ethernet.
pub const HTYPE_ETHERNET: u16 = 1;

/// tcpdump's name for an ARP hardware type (`Ethernet`, `TokenRing`, …), or `None`.
pub fn hardware_name(htype: u16) -> Option<&'static str> {
    Some(match htype {
        1 => "Ethernet",
        6 => "TokenRing",
        7 => "ArcNet",
        15 => "FrameRelay",
        23 => "Strip",
        24 => "IEEE 1394",
        19 => "ATM",
        32 => "InfiniBand",
        _ => return None,
    })
}

/// A view of an ARP packet.
#[derive(Clone, Copy, Debug)]
pub struct Packet<T> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// A view without checking the length (accessors still never panic).
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// A view of a buffer that holds the fixed header and all four addresses.
    pub fn new_checked(buffer: T) -> Result<Packet<T>, Error> {
        let p = Packet::new_unchecked(buffer);
        p.check_len()?;
        Ok(p)
    }

    /// Checks that the buffer holds the fixed header and the addresses it announces.
    pub fn check_len(&self) -> Result<(), Error> {
        let b = self.buffer.as_ref();
        check("arp", b, HEADER_LEN)?;
        check("arp", b, self.total_len())
    }

    /// The underlying buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// Length of header plus addresses, as the header states it.
    pub fn total_len(&self) -> usize {
        HEADER_LEN + 2 * (usize::from(self.hlen()) + usize::from(self.plen()))
    }

    accessors! {
        /// Hardware type (`ARPHRD_`, 1 for Ethernet).
        fn htype / try_htype -> u16 = get_be16(field::HTYPE.start);
        /// Protocol type (an Ethernet type, IPv4 for ordinary ARP).
        fn ptype / try_ptype -> EtherType = get_be16(field::PTYPE.start) => EtherType;
        /// Hardware address length.
        fn hlen / try_hlen -> u8 = get_u8(field::HLEN);
        /// Protocol address length.
        fn plen / try_plen -> u8 = get_u8(field::PLEN);
        /// Operation.
        fn operation / try_operation -> Operation = get_be16(field::OPER.start) => Operation;
    }

    fn addr(&self, index: usize, hw: bool) -> &[u8] {
        let (h, p) = (usize::from(self.hlen()), usize::from(self.plen()));
        let start = field::SHA
            + match index {
                0 => 0,
                1 => h,
                2 => h + p,
                _ => 2 * h + p,
            };
        range(self.buffer.as_ref(), start, start + if hw { h } else { p })
    }

    /// Sender hardware address (`hlen` bytes, fewer if the buffer is short).
    pub fn sender_hw(&self) -> &[u8] {
        self.addr(0, true)
    }

    /// Sender protocol address.
    pub fn sender_proto(&self) -> &[u8] {
        self.addr(1, false)
    }

    /// Target hardware address.
    pub fn target_hw(&self) -> &[u8] {
        self.addr(2, true)
    }

    /// Target protocol address.
    pub fn target_proto(&self) -> &[u8] {
        self.addr(3, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // who-has 10.0.0.2 tell 10.0.0.1
    const REQUEST: [u8; 28] = [
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 10, 0,
        0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2,
    ];

    #[test]
    fn fields() {
        let p = Packet::new_checked(&REQUEST[..]).unwrap();
        assert_eq!(p.htype(), HTYPE_ETHERNET);
        assert_eq!(p.ptype(), EtherType::IPV4);
        assert_eq!((p.hlen(), p.plen()), (6, 4));
        assert_eq!(p.operation(), Operation::REQUEST);
        assert_eq!(p.operation().name(), Some("Request"));
        assert_eq!(p.sender_hw(), &[0, 0x11, 0x22, 0x33, 0x44, 0x55]);
        assert_eq!(p.sender_proto(), &[10, 0, 0, 1]);
        assert_eq!(p.target_hw(), &[0; 6]);
        assert_eq!(p.target_proto(), &[10, 0, 0, 2]);
        assert_eq!(hardware_name(1), Some("Ethernet"));
    }

    #[test]
    fn short() {
        assert!(Packet::new_checked(&REQUEST[..27]).is_err());
        assert!(Packet::new_checked(&REQUEST[..7]).is_err());
        let p = Packet::new_unchecked(&REQUEST[..20]);
        assert_eq!(p.target_hw(), &[0, 0]);
        assert!(p.target_proto().is_empty());
    }
}
