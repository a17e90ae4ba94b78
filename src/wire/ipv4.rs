//! IPv4 headers (RFC 791).

use super::bytes::{get_u8, range, tail};
use super::{check, Error, IpProto};
use std::net::Ipv4Addr;

/// Where the fields of the header lie.
pub mod field {
    use std::ops::Range;
    /// Version (high nibble) and header length in 32-bit words (low nibble).
    pub const VER_IHL: usize = 0;
    /// Type of service (DSCP and ECN).
    pub const TOS: usize = 1;
    /// Total length.
    pub const LENGTH: Range<usize> = 2..4;
    /// Identification.
    pub const IDENT: Range<usize> = 4..6;
    /// Flags and fragment offset.
    pub const FLAGS_FRAG: Range<usize> = 6..8;
    /// Time to live.
    pub const TTL: usize = 8;
    /// Protocol of the payload.
    pub const PROTOCOL: usize = 9;
    /// Header checksum.
    pub const CHECKSUM: Range<usize> = 10..12;
    /// Source address.
    pub const SRC: Range<usize> = 12..16;
    /// Destination address.
    pub const DST: Range<usize> = 16..20;
    /// Start of the options.
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
        self.try_version().unwrap_or(0)
    }

    /// The version field, or `None` when the first byte was not captured.
    pub fn try_version(&self) -> Option<u8> {
        get_u8(self.buffer.as_ref(), field::VER_IHL).map(|b| b >> 4)
    }

    /// Header length in bytes (IHL × 4).
    pub fn header_len(&self) -> usize {
        self.try_header_len().unwrap_or(0)
    }

    /// Header length in bytes, or `None` when the first byte was not captured.
    pub fn try_header_len(&self) -> Option<usize> {
        get_u8(self.buffer.as_ref(), field::VER_IHL).map(|b| usize::from(b & 0x0f) * 4)
    }

    accessors! {
        /// Type of service / DSCP and ECN byte.
        fn tos / try_tos -> u8 = get_u8(field::TOS);
        /// Total length field (header plus payload).
        fn total_len / try_total_len -> u16 = get_be16(field::LENGTH.start);
        /// Identification.
        fn ident / try_ident -> u16 = get_be16(field::IDENT.start);
        /// The flags and fragment offset word (see [`FLAG_DF`], [`FLAG_MF`], [`FRAG_OFFSET_MASK`]).
        fn flags_frag / try_flags_frag -> u16 = get_be16(field::FLAGS_FRAG.start);
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

    accessors! {
        /// Time to live.
        fn ttl / try_ttl -> u8 = get_u8(field::TTL);
        /// The protocol of the payload.
        fn protocol / try_protocol -> IpProto = get_u8(field::PROTOCOL) => IpProto;
        /// Header checksum field.
        fn checksum / try_checksum -> u16 = get_be16(field::CHECKSUM.start);
        /// Source address.
        fn src_addr / try_src_addr -> Ipv4Addr = get_array(field::SRC.start) => Ipv4Addr::from;
        /// Destination address.
        fn dst_addr / try_dst_addr -> Ipv4Addr = get_array(field::DST.start) => Ipv4Addr::from;
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
