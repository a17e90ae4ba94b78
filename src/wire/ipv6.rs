//! IPv6 headers (RFC 8200) and the extension headers that share the "next header, length"
//! layout.

use super::bytes::{array, be16, be32, range, tail, u8_at};
use super::{check, Error, IpProto};
use std::fmt;
use std::net::Ipv6Addr;

mod field {
    use std::ops::Range;
    pub const VER_TC_FLOW: Range<usize> = 0..4;
    pub const PAYLOAD_LEN: Range<usize> = 4..6;
    pub const NEXT_HEADER: usize = 6;
    pub const HOP_LIMIT: usize = 7;
    pub const SRC: Range<usize> = 8..24;
    pub const DST: Range<usize> = 24..40;
    pub const PAYLOAD: usize = 40;
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

    fn first_word(&self) -> u32 {
        be32(self.buffer.as_ref(), field::VER_TC_FLOW.start)
    }

    /// The version field (6 for IPv6).
    pub fn version(&self) -> u8 {
        (self.first_word() >> 28) as u8
    }

    /// Traffic class.
    pub fn traffic_class(&self) -> u8 {
        (self.first_word() >> 20) as u8
    }

    /// Flow label (20 bits).
    pub fn flow_label(&self) -> u32 {
        self.first_word() & 0x000f_ffff
    }

    /// Payload length field (extension headers included).
    pub fn payload_len(&self) -> u16 {
        be16(self.buffer.as_ref(), field::PAYLOAD_LEN.start)
    }

    /// The first next-header value.
    pub fn next_header(&self) -> IpProto {
        IpProto(u8_at(self.buffer.as_ref(), field::NEXT_HEADER))
    }

    /// Hop limit.
    pub fn hop_limit(&self) -> u8 {
        u8_at(self.buffer.as_ref(), field::HOP_LIMIT)
    }

    /// Source address.
    pub fn src_addr(&self) -> Ipv6Addr {
        Ipv6Addr::from(array::<16>(self.buffer.as_ref(), field::SRC.start))
    }

    /// Destination address.
    pub fn dst_addr(&self) -> Ipv6Addr {
        Ipv6Addr::from(array::<16>(self.buffer.as_ref(), field::DST.start))
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
    b.get(1).map(|&l| (usize::from(l) + 1) * 8)
}

/// Length of an IPv6 fragment header.
pub const FRAGMENT_HEADER_LEN: usize = 8;

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

    /// The protocol of the fragmented payload.
    pub fn next_header(&self) -> IpProto {
        IpProto(u8_at(self.buffer.as_ref(), 0))
    }

    /// Fragment offset in bytes.
    pub fn offset(&self) -> u32 {
        u32::from(be16(self.buffer.as_ref(), 2) & 0xfff8)
    }

    /// Whether more fragments follow.
    pub fn more_frags(&self) -> bool {
        be16(self.buffer.as_ref(), 2) & 1 != 0
    }

    /// Identification.
    pub fn ident(&self) -> u32 {
        be32(self.buffer.as_ref(), 4)
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
