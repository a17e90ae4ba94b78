//! IEEE 802.1Q / 802.1ad VLAN tags: the 4 bytes after a VLAN Ethernet type.

use super::bytes::tail;
use super::{check, Error, EtherType};
use std::fmt;

/// Where the fields of a tag lie, relative to the end of the VLAN Ethernet type.
pub mod field {
    use std::ops::Range;
    /// Tag control information (priority, DEI, VLAN id).
    pub const TCI: Range<usize> = 0..2;
    /// The type (or 802.3 length) after the tag.
    pub const ETHERTYPE: Range<usize> = 2..4;
    /// Start of what follows the tag.
    pub const PAYLOAD: usize = 4;
}

/// Length of a VLAN tag (TCI and the inner type).
pub const TAG_LEN: usize = field::PAYLOAD;

/// A view of one VLAN tag: the tag control information and the type that follows it.
#[derive(Clone, Copy, Debug)]
pub struct Tag<T> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Tag<T> {
    /// A view without checking the length (accessors still never panic).
    pub const fn new_unchecked(buffer: T) -> Tag<T> {
        Tag { buffer }
    }

    /// A view of a buffer that holds at least the 4-byte tag.
    pub fn new_checked(buffer: T) -> Result<Tag<T>, Error> {
        let t = Tag::new_unchecked(buffer);
        t.check_len()?;
        Ok(t)
    }

    /// Checks that the buffer holds the tag.
    pub fn check_len(&self) -> Result<(), Error> {
        check("vlan", self.buffer.as_ref(), TAG_LEN)
    }

    /// The underlying buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    accessors! {
        /// The tag control information (priority, DEI, VLAN ID).
        fn tci / try_tci -> Tci = get_be16(field::TCI.start) => Tci;
        /// The type of what follows the tag.
        fn ethertype / try_ethertype -> EtherType = get_be16(field::ETHERTYPE.start) => EtherType;
    }

    /// Everything after the tag.
    pub fn payload(&self) -> &[u8] {
        tail(self.buffer.as_ref(), field::PAYLOAD)
    }
}

/// An 802.1Q tag control information field.
///
/// Displays as tcpdump prints it with `-e`: `vlan 100, p 3` plus `, DEI` when that bit is set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Tci(pub u16);

impl Tci {
    /// The VLAN identifier (12 bits).
    pub const fn vid(self) -> u16 {
        self.0 & 0x0fff
    }

    /// The priority code point (3 bits).
    pub const fn pcp(self) -> u8 {
        (self.0 >> 13) as u8
    }

    /// The drop eligible indicator (formerly CFI).
    pub const fn dei(self) -> bool {
        self.0 & 0x1000 != 0
    }
}

impl fmt::Display for Tci {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "vlan {}, p {}", self.vid(), self.pcp())?;
        if self.dei() {
            f.write_str(", DEI")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        // priority 5, DEI, VLAN 100, then IPv4
        let t = Tag::new_checked(&[0xb0, 0x64, 0x08, 0x00, 0x45][..]).unwrap();
        assert_eq!(t.tci().vid(), 100);
        assert_eq!(t.tci().pcp(), 5);
        assert!(t.tci().dei());
        assert_eq!(t.tci().to_string(), "vlan 100, p 5, DEI");
        assert_eq!(t.ethertype(), EtherType::IPV4);
        assert_eq!(t.payload(), &[0x45]);
        assert_eq!(Tci(0x0001).to_string(), "vlan 1, p 0");
    }

    #[test]
    fn short() {
        assert!(Tag::new_checked(&[0u8; 3][..]).is_err());
        assert_eq!(Tag::new_unchecked(&[0x81u8][..]).ethertype(), EtherType(0));
    }
}
