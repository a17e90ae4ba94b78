//! ICMP for IPv4 (RFC 792) and ICMPv6 (RFC 4443), with the message types tcpdump summarizes.

use super::bytes::{be16, be32, tail, u8_at};
use super::{check, Error};

mod field {
    pub const TYPE: usize = 0;
    pub const CODE: usize = 1;
    pub const CHECKSUM: usize = 2;
    pub const REST: usize = 4;
    pub const BODY: usize = 8;
}

/// Length of the fixed ICMP (and ICMPv6) header: type, code, checksum and 4 bytes that depend
/// on the type.
pub const HEADER_LEN: usize = field::BODY;

/// ICMPv4 message types.
pub mod v4 {
    /// Echo reply.
    pub const ECHO_REPLY: u8 = 0;
    /// Destination unreachable.
    pub const UNREACH: u8 = 3;
    /// Source quench.
    pub const SOURCE_QUENCH: u8 = 4;
    /// Redirect.
    pub const REDIRECT: u8 = 5;
    /// Echo request.
    pub const ECHO: u8 = 8;
    /// Router advertisement.
    pub const ROUTER_ADVERT: u8 = 9;
    /// Router solicitation.
    pub const ROUTER_SOLICIT: u8 = 10;
    /// Time exceeded.
    pub const TIME_EXCEEDED: u8 = 11;
    /// Parameter problem.
    pub const PARAM_PROBLEM: u8 = 12;
    /// Timestamp request.
    pub const TIMESTAMP: u8 = 13;
    /// Timestamp reply.
    pub const TIMESTAMP_REPLY: u8 = 14;
    /// Information request.
    pub const INFO_REQUEST: u8 = 15;
    /// Information reply.
    pub const INFO_REPLY: u8 = 16;
    /// Address mask request.
    pub const MASK_REQUEST: u8 = 17;
    /// Address mask reply.
    pub const MASK_REPLY: u8 = 18;
}

/// ICMPv6 message types.
pub mod v6 {
    /// Destination unreachable.
    pub const UNREACH: u8 = 1;
    /// Packet too big.
    pub const PACKET_TOO_BIG: u8 = 2;
    /// Time exceeded.
    pub const TIME_EXCEEDED: u8 = 3;
    /// Parameter problem.
    pub const PARAM_PROBLEM: u8 = 4;
    /// Echo request.
    pub const ECHO_REQUEST: u8 = 128;
    /// Echo reply.
    pub const ECHO_REPLY: u8 = 129;
    /// Multicast listener query.
    pub const MLD_QUERY: u8 = 130;
    /// Multicast listener report (v1).
    pub const MLD_REPORT: u8 = 131;
    /// Multicast listener done.
    pub const MLD_DONE: u8 = 132;
    /// Router solicitation.
    pub const ROUTER_SOLICIT: u8 = 133;
    /// Router advertisement.
    pub const ROUTER_ADVERT: u8 = 134;
    /// Neighbor solicitation.
    pub const NEIGHBOR_SOLICIT: u8 = 135;
    /// Neighbor advertisement.
    pub const NEIGHBOR_ADVERT: u8 = 136;
    /// Redirect.
    pub const REDIRECT: u8 = 137;
    /// Multicast listener report v2.
    pub const MLD2_REPORT: u8 = 143;
}

macro_rules! icmp_view {
    ($name:ident, $layer:literal, $doc:literal) => {
        #[doc = $doc]
        #[derive(Clone, Copy, Debug)]
        pub struct $name<T> {
            buffer: T,
        }

        impl<T: AsRef<[u8]>> $name<T> {
            /// A view without checking the length (accessors still never panic).
            pub const fn new_unchecked(buffer: T) -> $name<T> {
                $name { buffer }
            }

            /// A view of a buffer that holds the 8-byte fixed header.
            pub fn new_checked(buffer: T) -> Result<$name<T>, Error> {
                let m = $name::new_unchecked(buffer);
                m.check_len()?;
                Ok(m)
            }

            /// Checks that the buffer holds the fixed header.
            pub fn check_len(&self) -> Result<(), Error> {
                check($layer, self.buffer.as_ref(), HEADER_LEN)
            }

            /// The underlying buffer.
            pub fn into_inner(self) -> T {
                self.buffer
            }

            /// Message type.
            pub fn msg_type(&self) -> u8 {
                u8_at(self.buffer.as_ref(), field::TYPE)
            }

            /// Message code.
            pub fn code(&self) -> u8 {
                u8_at(self.buffer.as_ref(), field::CODE)
            }

            /// Checksum field.
            pub fn checksum(&self) -> u16 {
                be16(self.buffer.as_ref(), field::CHECKSUM)
            }

            /// The 4 type-specific bytes after the checksum, as one word.
            pub fn rest_of_header(&self) -> u32 {
                be32(self.buffer.as_ref(), field::REST)
            }

            /// Identifier of an echo request or reply (first half of the rest of the header).
            pub fn echo_ident(&self) -> u16 {
                be16(self.buffer.as_ref(), field::REST)
            }

            /// Sequence number of an echo request or reply.
            pub fn echo_seq(&self) -> u16 {
                be16(self.buffer.as_ref(), field::REST + 2)
            }

            /// Everything after the 8-byte header (for error messages, the invoking packet).
            pub fn body(&self) -> &[u8] {
                tail(self.buffer.as_ref(), field::BODY)
            }
        }
    };
}

icmp_view!(Icmpv4, "icmp", "A view of an ICMP (IPv4) message.");
icmp_view!(Icmpv6, "icmp6", "A view of an ICMPv6 message.");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo() {
        let b = [8u8, 0, 0xf7, 0xfe, 0, 1, 0, 2, 0xaa];
        let m = Icmpv4::new_checked(&b[..]).unwrap();
        assert_eq!(m.msg_type(), v4::ECHO);
        assert_eq!(m.code(), 0);
        assert_eq!(m.checksum(), 0xf7fe);
        assert_eq!((m.echo_ident(), m.echo_seq()), (1, 2));
        assert_eq!(m.rest_of_header(), 0x0001_0002);
        assert_eq!(m.body(), &[0xaa]);
        assert!(Icmpv4::new_checked(&b[..7]).is_err());
    }

    #[test]
    fn v6() {
        let b = [135u8, 0, 0, 0, 0, 0, 0, 0];
        let m = Icmpv6::new_checked(&b[..]).unwrap();
        assert_eq!(m.msg_type(), v6::NEIGHBOR_SOLICIT);
        assert!(m.body().is_empty());
        assert_eq!(Icmpv6::new_unchecked(&b[..1]).code(), 0);
    }
}
