//! IPv6 headers (RFC 8200) and the extension headers that share the "next header, length"
//! layout.

use super::bytes::{array, be16, get_be16, get_u8, range, tail};
use super::{check, Error, IpProto};
use std::fmt;
use std::net::Ipv6Addr;

/// Where the fields of the fixed header (and of the extension headers) lie.
pub mod field {
    use std::ops::Range;
    /// Version (4 bits), traffic class (8 bits) and flow label (20 bits).
    pub const VER_TC_FLOW: Range<usize> = 0..4;
    /// Payload length (extension headers included).
    pub const PAYLOAD_LEN: Range<usize> = 4..6;
    /// The first next-header value.
    pub const NEXT_HEADER: usize = 6;
    /// Hop limit.
    pub const HOP_LIMIT: usize = 7;
    /// Source address.
    pub const SRC: Range<usize> = 8..24;
    /// Destination address.
    pub const DST: Range<usize> = 24..40;
    /// Start of the payload (the first extension header, if any).
    pub const PAYLOAD: usize = 40;

    /// The generic extension header layout (hop-by-hop, routing, destination options,
    /// mobility), relative to the start of the extension header.
    pub mod extension {
        /// Next header.
        pub const NEXT_HEADER: usize = 0;
        /// Length in 8-byte units, not counting the first 8 bytes.
        pub const LEN: usize = 1;
    }

    /// The fragment header, relative to its start.
    pub mod fragment {
        use std::ops::Range;
        /// Next header.
        pub const NEXT_HEADER: usize = 0;
        /// Fragment offset (high 13 bits, in 8-byte units) and the "more fragments" bit.
        pub const OFFSET_FLAGS: Range<usize> = 2..4;
        /// Identification.
        pub const IDENT: Range<usize> = 4..8;
        /// Length of the fragment header.
        pub const LEN: usize = 8;
    }
}

/// Length of the fixed IPv6 header.
pub const HEADER_LEN: usize = field::PAYLOAD;

/// A view of an IPv6 packet.
#[derive(Clone, Copy, Debug)]
pub struct Packet<T> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// A view without checking the length (accessors still never panic).
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// A view of a buffer that holds the 40-byte fixed header.
    pub fn new_checked(buffer: T) -> Result<Packet<T>, Error> {
        let p = Packet::new_unchecked(buffer);
        p.check_len()?;
        Ok(p)
    }

    /// Checks that the buffer holds the fixed header.
    pub fn check_len(&self) -> Result<(), Error> {
        check("ipv6", self.buffer.as_ref(), HEADER_LEN)
    }

    /// The underlying buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    accessors! {
        /// The first word: version, traffic class and flow label.
        fn first_word / try_first_word -> u32 = get_be32(field::VER_TC_FLOW.start);
    }

    /// The version field (6 for IPv6).
    pub fn version(&self) -> u8 {
        self.try_version().unwrap_or(0)
    }

    /// The version field, or `None` when the first byte was not captured.
    pub fn try_version(&self) -> Option<u8> {
        get_u8(self.buffer.as_ref(), field::VER_TC_FLOW.start).map(|b| b >> 4)
    }

    /// Traffic class.
    pub fn traffic_class(&self) -> u8 {
        (self.first_word() >> 20) as u8
    }

    /// Flow label (20 bits).
    pub fn flow_label(&self) -> u32 {
        self.first_word() & 0x000f_ffff
    }

    accessors! {
        /// Payload length field (extension headers included).
        fn payload_len / try_payload_len -> u16 = get_be16(field::PAYLOAD_LEN.start);
        /// The first next-header value.
        fn next_header / try_next_header -> IpProto = get_u8(field::NEXT_HEADER) => IpProto;
        /// Hop limit.
        fn hop_limit / try_hop_limit -> u8 = get_u8(field::HOP_LIMIT);
        /// Source address.
        fn src_addr / try_src_addr -> Ipv6Addr = get_array(field::SRC.start) => Ipv6Addr::from;
        /// Destination address.
        fn dst_addr / try_dst_addr -> Ipv6Addr = get_array(field::DST.start) => Ipv6Addr::from;
    }

    /// The payload (extension headers included), up to the payload length or the end of the
    /// buffer, whichever comes first.
    pub fn payload(&self) -> &[u8] {
        range(
            self.buffer.as_ref(),
            HEADER_LEN,
            HEADER_LEN + usize::from(self.payload_len()),
        )
    }

    /// Everything after the fixed header, ignoring the payload length.
    pub fn rest(&self) -> &[u8] {
        tail(self.buffer.as_ref(), HEADER_LEN)
    }
}

/// Whether `proto` is an extension header with the generic "next header, length in 8-octet
/// units after the first" layout (hop-by-hop, routing, destination options, mobility).
pub fn is_generic_extension(proto: IpProto) -> bool {
    matches!(proto.0, 0 | 43 | 60 | 135)
}

/// The length in bytes of a generic extension header starting at `b`, or `None` when its
/// length byte is missing.
pub fn generic_extension_len(b: &[u8]) -> Option<usize> {
    get_u8(b, field::extension::LEN).map(|l| (usize::from(l) + 1) * 8)
}

/// Length of an IPv6 fragment header.
pub const FRAGMENT_HEADER_LEN: usize = field::fragment::LEN;

/// A view of an IPv6 fragment header.
#[derive(Clone, Copy, Debug)]
pub struct Fragment<T> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Fragment<T> {
    /// A view without checking the length (accessors still never panic).
    pub const fn new_unchecked(buffer: T) -> Fragment<T> {
        Fragment { buffer }
    }

    /// A view of a buffer that holds the 8-byte fragment header.
    pub fn new_checked(buffer: T) -> Result<Fragment<T>, Error> {
        check("ipv6-frag", buffer.as_ref(), FRAGMENT_HEADER_LEN)?;
        Ok(Fragment { buffer })
    }

    accessors! {
        /// The protocol of the fragmented payload.
        fn next_header / try_next_header -> IpProto = get_u8(field::fragment::NEXT_HEADER) => IpProto;
    }

    /// Fragment offset in bytes.
    pub fn offset(&self) -> u32 {
        self.try_offset().unwrap_or(0)
    }

    /// Fragment offset in bytes, or `None` when it was not captured.
    pub fn try_offset(&self) -> Option<u32> {
        get_be16(self.buffer.as_ref(), field::fragment::OFFSET_FLAGS.start)
            .map(|v| u32::from(v & 0xfff8))
    }

    /// Whether more fragments follow.
    pub fn more_frags(&self) -> bool {
        be16(self.buffer.as_ref(), field::fragment::OFFSET_FLAGS.start) & 1 != 0
    }

    accessors! {
        /// Identification.
        fn ident / try_ident -> u32 = get_be32(field::fragment::IDENT.start);
    }
}

/// An IPv6 address displayed the way tcpdump prints it: the longest run (the first, on a tie)
/// of two or more zero groups as `::`, lowercase hex, and IPv4-compatible (`::a.b.c.d`) and
/// IPv4-mapped (`::ffff:a.b.c.d`) addresses with a dotted quad.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Display6(pub [u8; 16]);

impl fmt::Display for Display6 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut words = [0u16; 8];
        for (w, c) in words.iter_mut().zip(self.0.chunks_exact(2)) {
            if let Some(p) = c.first_chunk::<2>() {
                *w = u16::from_be_bytes(*p);
            }
        }
        // Longest run of zero words, the first one on a tie; runs of one don't count.
        let (mut best, mut cur): ((usize, usize), Option<(usize, usize)>) = ((0, 0), None);
        for (i, &w) in words.iter().enumerate() {
            if w == 0 {
                let run = cur.map_or((i, 1), |(b, l)| (b, l + 1));
                cur = Some(run);
                if run.1 > best.1 {
                    best = run;
                }
            } else {
                cur = None;
            }
        }
        let (base, len) = if best.1 >= 2 { best } else { (usize::MAX, 0) };
        let embedded_v4 =
            base == 0 && (len == 6 || (len == 5 && words.get(5).copied() == Some(0xffff)));
        for (i, w) in words.iter().enumerate() {
            if i >= base && i < base + len {
                if i == base {
                    f.write_str(":")?;
                }
                continue;
            }
            if i != 0 {
                f.write_str(":")?;
            }
            if i == 6 && embedded_v4 {
                let [a, b, c, d] = array::<4>(&self.0, 12);
                return write!(f, "{a}.{b}.{c}.{d}");
            }
            write!(f, "{w:x}")?;
        }
        if len > 0 && base + len == 8 {
            f.write_str(":")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HDR: [u8; 40] = [
        0x60, 0x01, 0x23, 0x45, 0x00, 0x08, 0x11, 0x40, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 1, 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2,
    ];

    #[test]
    fn fields() {
        let p = Packet::new_checked(&HDR[..]).unwrap();
        assert_eq!(p.version(), 6);
        assert_eq!(p.traffic_class(), 0);
        assert_eq!(p.flow_label(), 0x12345);
        assert_eq!(p.payload_len(), 8);
        assert_eq!(p.next_header(), IpProto::UDP);
        assert_eq!(p.hop_limit(), 64);
        assert_eq!(p.src_addr(), "fe80::1".parse::<Ipv6Addr>().unwrap());
        assert_eq!(p.dst_addr(), "ff02::1:2".parse::<Ipv6Addr>().unwrap());
        assert!(p.payload().is_empty());
        assert!(Packet::new_checked(&HDR[..39]).is_err());
    }

    fn show(s: &str) -> String {
        Display6(s.parse::<Ipv6Addr>().unwrap().octets()).to_string()
    }

    #[test]
    fn tcpdump_address_format() {
        assert_eq!(show("::"), "::");
        assert_eq!(show("::1"), "::1");
        assert_eq!(show("fe80::1"), "fe80::1");
        assert_eq!(show("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
        assert_eq!(show("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");
        assert_eq!(show("::ffff:10.0.0.1"), "::ffff:10.0.0.1");
        assert_eq!(show("::10.0.0.1"), "::10.0.0.1");
        assert_eq!(show("1::"), "1::");
        assert_eq!(show("ff02::1:ff00:1"), "ff02::1:ff00:1");
    }

    #[test]
    fn fragment_header() {
        let f = Fragment::new_checked(&[17u8, 0, 0x05, 0xa9, 0, 0, 0, 7][..]).unwrap();
        assert_eq!(f.next_header(), IpProto::UDP);
        assert_eq!(f.offset(), 1448);
        assert!(f.more_frags());
        assert_eq!(f.ident(), 7);
        assert!(Fragment::new_checked(&[0u8; 7][..]).is_err());
        assert!(is_generic_extension(IpProto::HOPOPTS));
        assert_eq!(generic_extension_len(&[6, 1]), Some(16));
        assert_eq!(generic_extension_len(&[6]), None);
    }
}
