//! ICMP for IPv4 (RFC 792) and ICMPv6 (RFC 4443), with the message types tcpdump summarizes.

use super::bytes::tail;
use super::{check, Error};
use std::net::Ipv4Addr;

/// Where the fields of the fixed header lie (the same for ICMP and ICMPv6).
pub mod field {
    use std::ops::Range;
    /// Message type.
    pub const TYPE: usize = 0;
    /// Message code.
    pub const CODE: usize = 1;
    /// Checksum.
    pub const CHECKSUM: Range<usize> = 2..4;
    /// The 4 type-specific bytes ("rest of header").
    pub const REST: Range<usize> = 4..8;
    /// Identifier of an echo request or reply.
    pub const ECHO_IDENT: Range<usize> = 4..6;
    /// Sequence number of an echo request or reply.
    pub const ECHO_SEQ: Range<usize> = 6..8;
    /// Next-hop MTU of an ICMP "fragmentation needed" message (RFC 1191).
    pub const NEXT_HOP_MTU: Range<usize> = 6..8;
    /// Gateway address of an ICMP redirect.
    pub const GATEWAY: Range<usize> = 4..8;
    /// Start of the body (for error messages, the invoking packet).
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
    /// Router renumbering.
    pub const ROUTER_RENUMBERING: u8 = 138;
    /// Node information query (tcpdump's "who-are-you request").
    pub const NODE_INFO_QUERY: u8 = 139;
    /// Node information response (tcpdump's "who-are-you reply").
    pub const NODE_INFO_RESPONSE: u8 = 140;
    /// Inverse neighbor discovery solicitation.
    pub const INV_NEIGHBOR_SOLICIT: u8 = 141;
    /// Inverse neighbor discovery advertisement.
    pub const INV_NEIGHBOR_ADVERT: u8 = 142;
    /// Multicast listener report v2.
    pub const MLD2_REPORT: u8 = 143;
    /// Home agent address discovery request.
    pub const HA_DISCOVERY_REQUEST: u8 = 144;
    /// Home agent address discovery reply.
    pub const HA_DISCOVERY_REPLY: u8 = 145;
    /// Mobile prefix solicitation.
    pub const MOBILE_PREFIX_SOLICIT: u8 = 146;
    /// Mobile prefix advertisement.
    pub const MOBILE_PREFIX_ADVERT: u8 = 147;
    /// Certification path solicitation.
    pub const CERT_PATH_SOLICIT: u8 = 148;
    /// Certification path advertisement.
    pub const CERT_PATH_ADVERT: u8 = 149;
    /// Multicast router advertisement.
    pub const MULTICAST_ROUTER_ADVERT: u8 = 151;
    /// Multicast router solicitation.
    pub const MULTICAST_ROUTER_SOLICIT: u8 = 152;
    /// Multicast router termination.
    pub const MULTICAST_ROUTER_TERM: u8 = 153;
    /// RPL control message.
    pub const RPL: u8 = 155;
    /// Multicast traceroute response.
    pub const MTRACE_RESPONSE: u8 = 200;
    /// Multicast traceroute.
    pub const MTRACE: u8 = 201;
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

            accessors! {
                /// Message type.
                fn msg_type / try_msg_type -> u8 = get_u8(field::TYPE);
                /// Message code.
                fn code / try_code -> u8 = get_u8(field::CODE);
                /// Checksum field.
                fn checksum / try_checksum -> u16 = get_be16(field::CHECKSUM.start);
                /// The 4 type-specific bytes after the checksum, as one word.
                fn rest_of_header / try_rest_of_header -> u32 = get_be32(field::REST.start);
                /// Identifier of an echo request or reply (first half of the rest of the
                /// header).
                fn echo_ident / try_echo_ident -> u16 = get_be16(field::ECHO_IDENT.start);
                /// Sequence number of an echo request or reply.
                fn echo_seq / try_echo_seq -> u16 = get_be16(field::ECHO_SEQ.start);
            }

            /// Everything after the 8-byte header (for error messages, the invoking packet).
            pub fn body(&self) -> &[u8] {
                tail(self.buffer.as_ref(), field::BODY)
            }
        }
    };
}

icmp_view!(Icmpv4, "icmp", "A view of an ICMP (IPv4) message.");

impl<T: AsRef<[u8]>> Icmpv4<T> {
    accessors! {
        /// Next-hop MTU of a "fragmentation needed" unreachable message.
        fn next_hop_mtu / try_next_hop_mtu -> u16 = get_be16(field::NEXT_HOP_MTU.start);
        /// Gateway address of a redirect message.
        fn gateway / try_gateway -> Ipv4Addr = get_array(field::GATEWAY.start) => Ipv4Addr::from;
    }
}
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
        assert_eq!(Icmpv6::new_unchecked(&b[..1]).try_code(), None);
        assert_eq!(Icmpv6::new_unchecked(&b[..1]).try_msg_type(), Some(135));
        assert_eq!(Icmpv4::new_unchecked(&b[..7]).try_echo_seq(), None);
    }
}
