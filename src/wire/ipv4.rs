//! IPv4 headers (RFC 791).

use super::bytes::{array, be16, range, tail, u8_at};
use super::{check, Error, IpProto};
use std::net::Ipv4Addr;

mod field {
    use std::ops::Range;
    pub const VER_IHL: usize = 0;
    pub const TOS: usize = 1;
    pub const LENGTH: Range<usize> = 2..4;
    pub const IDENT: Range<usize> = 4..6;
    pub const FLAGS_FRAG: Range<usize> = 6..8;
    pub const TTL: usize = 8;
    pub const PROTOCOL: usize = 9;
    pub const CHECKSUM: Range<usize> = 10..12;
    pub const SRC: Range<usize> = 12..16;
    pub const DST: Range<usize> = 16..20;
    pub const OPTIONS: usize = 20;
}

/// Length of an IPv4 header without options.
pub const MIN_HEADER_LEN: usize = field::OPTIONS;

/// The "more fragments" flag, in [`Packet::flags_frag`].
pub const FLAG_MF: u16 = 0x2000;
/// The "don't fragment" flag.
pub const FLAG_DF: u16 = 0x4000;
/// The reserved ("evil") flag.
pub const FLAG_RESERVED: u16 = 0x8000;
/// Mask of the fragment offset (in 8-byte units).
pub const FRAG_OFFSET_MASK: u16 = 0x1fff;

/// A view of an IPv4 packet.
#[derive(Clone, Copy, Debug)]
pub struct Packet<T> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// A view without checking the length (accessors still never panic).
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// A view of a buffer that holds the whole header, options included, with an IHL of at
    /// least 5. The total length field is not checked against the buffer (captures are often
    /// cut short); [`payload`](Self::payload) returns what is there.
    pub fn new_checked(buffer: T) -> Result<Packet<T>, Error> {
        let p = Packet::new_unchecked(buffer);
        p.check_len()?;
        Ok(p)
    }

    /// Checks the header length field and that the buffer holds the header.
    pub fn check_len(&self) -> Result<(), Error> {
        let b = self.buffer.as_ref();
        check("ipv4", b, MIN_HEADER_LEN)?;
        let hl = self.header_len();
        if hl < MIN_HEADER_LEN {
            return Err(Error::BadLength {
                layer: "ipv4",
                stated: hl,
                minimum: MIN_HEADER_LEN,
            });
        }
        check("ipv4", b, hl)
    }

    /// The underlying buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// The version field (4 for IPv4).
    pub fn version(&self) -> u8 {
        u8_at(self.buffer.as_ref(), field::VER_IHL) >> 4
    }

    /// Header length in bytes (IHL × 4).
    pub fn header_len(&self) -> usize {
        usize::from(u8_at(self.buffer.as_ref(), field::VER_IHL) & 0x0f) * 4
    }

    /// Type of service / DSCP and ECN byte.
    pub fn tos(&self) -> u8 {
        u8_at(self.buffer.as_ref(), field::TOS)
    }

    /// Total length field (header plus payload).
    pub fn total_len(&self) -> u16 {
        be16(self.buffer.as_ref(), field::LENGTH.start)
    }

    /// Identification.
    pub fn ident(&self) -> u16 {
        be16(self.buffer.as_ref(), field::IDENT.start)
    }

    /// The flags and fragment offset word (see [`FLAG_DF`], [`FLAG_MF`], [`FRAG_OFFSET_MASK`]).
    pub fn flags_frag(&self) -> u16 {
        be16(self.buffer.as_ref(), field::FLAGS_FRAG.start)
    }

    /// Fragment offset in bytes.
    pub fn frag_offset(&self) -> u32 {
        u32::from(self.flags_frag() & FRAG_OFFSET_MASK) * 8
    }

    /// Whether the "more fragments" flag is set.
    pub fn more_frags(&self) -> bool {
        self.flags_frag() & FLAG_MF != 0
    }

    /// Whether the "don't fragment" flag is set.
    pub fn dont_frag(&self) -> bool {
        self.flags_frag() & FLAG_DF != 0
    }

    /// Time to live.
    pub fn ttl(&self) -> u8 {
        u8_at(self.buffer.as_ref(), field::TTL)
    }

    /// The protocol of the payload.
    pub fn protocol(&self) -> IpProto {
        IpProto(u8_at(self.buffer.as_ref(), field::PROTOCOL))
    }

    /// Header checksum field.
    pub fn checksum(&self) -> u16 {
        be16(self.buffer.as_ref(), field::CHECKSUM.start)
    }

    /// Source address.
    pub fn src_addr(&self) -> Ipv4Addr {
        Ipv4Addr::from(array::<4>(self.buffer.as_ref(), field::SRC.start))
    }

    /// Destination address.
    pub fn dst_addr(&self) -> Ipv4Addr {
        Ipv4Addr::from(array::<4>(self.buffer.as_ref(), field::DST.start))
    }

    /// The options, between the fixed header and [`header_len`](Self::header_len).
    pub fn options(&self) -> &[u8] {
        range(self.buffer.as_ref(), field::OPTIONS, self.header_len())
    }

    /// The payload: from the end of the header to the end of the total length or of the buffer,
    /// whichever comes first (link-layer padding is cut off).
    pub fn payload(&self) -> &[u8] {
        let b = self.buffer.as_ref();
        let end = usize::from(self.total_len()).max(self.header_len());
        range(b, self.header_len(), end)
    }

    /// Everything after the header, ignoring the total length field.
    pub fn rest(&self) -> &[u8] {
        tail(self.buffer.as_ref(), self.header_len())
    }

    /// Whether the header checksum is correct (the Internet checksum of the header is zero).
    pub fn verify_checksum(&self) -> bool {
        let b = self.buffer.as_ref();
        crate::wire::checksum::sum(range(b, 0, self.header_len())) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 10.0.0.1 > 10.0.0.2 ICMP, 84 bytes, DF, ttl 64
    const HDR: [u8; 20] = [
        0x45, 0x00, 0x00, 0x54, 0x12, 0x34, 0x40, 0x00, 0x40, 0x01, 0x14, 0x73, 10, 0, 0, 1, 10, 0,
        0, 2,
    ];

    #[test]
    fn fields() {
        let p = Packet::new_checked(&HDR[..]).unwrap();
        assert_eq!(p.version(), 4);
        assert_eq!(p.header_len(), 20);
        assert_eq!(p.total_len(), 84);
        assert_eq!(p.ident(), 0x1234);
        assert!(p.dont_frag());
        assert!(!p.more_frags());
        assert_eq!(p.frag_offset(), 0);
        assert_eq!(p.ttl(), 64);
        assert_eq!(p.protocol(), IpProto::ICMP);
        assert_eq!(p.src_addr(), Ipv4Addr::new(10, 0, 0, 1));
        assert_eq!(p.dst_addr(), Ipv4Addr::new(10, 0, 0, 2));
        assert!(p.options().is_empty());
        assert!(p.payload().is_empty());
        assert!(p.verify_checksum());
    }

    #[test]
    fn bad_headers() {
        let mut h = HDR;
        h[0] = 0x44;
        assert_eq!(
            Packet::new_checked(&h[..]).unwrap_err(),
            Error::BadLength {
                layer: "ipv4",
                stated: 16,
                minimum: 20
            }
        );
        h[0] = 0x46;
        assert!(Packet::new_checked(&h[..]).is_err());
        assert!(Packet::new_checked(&HDR[..19]).is_err());
        let p = Packet::new_unchecked(&h[..]);
        assert_eq!(p.options(), &[] as &[u8]);
        assert_eq!(p.payload(), &[] as &[u8]);
    }

    #[test]
    fn payload_stops_at_total_length() {
        let mut b = HDR.to_vec();
        b[3] = 22;
        b.extend_from_slice(&[1, 2, 0, 0]);
        let p = Packet::new_checked(&b[..]).unwrap();
        assert_eq!(p.payload(), &[1, 2]);
        assert_eq!(p.rest(), &[1, 2, 0, 0]);
    }
}
