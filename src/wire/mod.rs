//! Typed, panic-free views over packet bytes, the link-layer layouts and the name tables that
//! the printer ([`print`](mod@crate::print)) and the filter compiler share.
//!
//! # The view contract
//!
//! Each protocol file holds a view type over a byte buffer (`T: AsRef<[u8]>`), in the manner of
//! smoltcp's `wire` module: [`ethernet::Frame`], [`vlan::Tag`], [`sll::Sll`], [`sll::Sll2`],
//! [`arp::Packet`], [`ipv4::Packet`], [`ipv6::Packet`], [`tcp::Segment`], [`udp::Datagram`],
//! [`icmp::Icmpv4`] and [`icmp::Icmpv6`].
//!
//! - **Untrusted bytes go through `new_checked`**, which verifies that the buffer holds the
//!   fixed header (and, where the header states its own length, that length) and returns an
//!   [`Error`] naming the layer and the bytes needed otherwise.
//! - **No accessor panics, ever.** After `new_checked` every accessor returns the field's value;
//!   even on a view made with `new_unchecked` over a short buffer, accessors read missing bytes
//!   as zero and payload accessors return a shorter (possibly empty) slice. No code in this
//!   module indexes a slice in a way that can panic (clippy's `indexing_slicing`, `unwrap_used`,
//!   `expect_used` and `panic` are denied here outside tests), and no input makes it loop
//!   without consuming bytes.
//! - **Each offset is written once**, in the view file's public `field` module
//!   ([`ipv4::field::PROTOCOL`], [`tcp::field::FLAGS`], …); the accessors, the printer and the
//!   filter compiler all read it from there.
//! - **Truncation is visible when it matters.** Every field reader `name()` has a twin
//!   `try_name()` that returns `None` when the field lies beyond the buffer, so a printer can
//!   stop where tcpdump stops on a packet cut short by the snapshot length.
//! - Views never allocate and never copy the buffer.
//!
//! Open number spaces are newtypes with named constants that keep unknown values:
//! [`EtherType`] and [`IpProto`] (and [`Linktype`](crate::Linktype), from the crate root).
//!
//! # Shared tables
//!
//! - [`link`]: per link type, the header layout libpcap's compiler and tcpdump's printer
//!   assume: where the protocol type field is, what kind of number it holds, where the payload
//!   and the network layer start.
//! - [`names`]: name ↔ number tables for Ethernet types, IP protocols, ports, ICMP types,
//!   TCP flags and the other names pcap-filter and tcpdump use, each written once.

#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

/// Defines a view's field accessors in pairs: `name()` reads the field (missing bytes read as
/// zero, so it never panics) and `try_name()` returns `None` when the field lies beyond the
/// buffer, for printers that must tell a truncated packet from a zero field. `$read` is one of
/// the `Option`-returning readers of [`bytes`]; `$conv` turns the raw value into the field's
/// type.
macro_rules! accessors {
    ($(
        $(#[$m:meta])*
        fn $name:ident / $try_name:ident -> $t:ty = $read:ident($at:expr) $(=> $conv:expr)?;
    )*) => {$(
        $(#[$m])*
        pub fn $name(&self) -> $t {
            let raw = $crate::wire::bytes::$read(self.buffer.as_ref(), $at).unwrap_or_default();
            accessors!(@conv raw $(, $conv)?)
        }

        $(#[$m])*
        ///
        /// `None` when the buffer ends before the field does.
        pub fn $try_name(&self) -> Option<$t> {
            let raw = $crate::wire::bytes::$read(self.buffer.as_ref(), $at)?;
            Some(accessors!(@conv raw $(, $conv)?))
        }
    )*};
    (@conv $raw:ident) => { $raw };
    (@conv $raw:ident, $conv:expr) => { ($conv)($raw) };
}

pub mod arp;
pub(crate) mod checksum;
pub mod ethernet;
pub mod icmp;
pub mod ipv4;
pub mod ipv6;
pub mod sll;
pub mod tcp;
pub mod udp;
pub mod vlan;

pub mod link;
pub mod names;

use std::fmt;

pub use ethernet::MacAddr;

/// A view could not be made: the buffer is too short or a length field is impossible.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The buffer ends before the header (or the length the header states) does.
    Truncated {
        /// The protocol whose header is cut short, e.g. `"ipv4"`.
        layer: &'static str,
        /// Bytes the header needs.
        needed: usize,
        /// Bytes the buffer holds.
        available: usize,
    },
    /// A length field is smaller than the fixed header it includes (an IPv4 IHL below 5, a TCP
    /// data offset below 5, a UDP length below 8).
    BadLength {
        /// The protocol with the impossible length, e.g. `"tcp"`.
        layer: &'static str,
        /// The header length the field states, in bytes.
        stated: usize,
        /// The smallest valid value, in bytes.
        minimum: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::Truncated {
                layer,
                needed,
                available,
            } => write!(
                f,
                "{layer} header truncated: needs {needed} bytes, {available} available"
            ),
            Error::BadLength {
                layer,
                stated,
                minimum,
            } => write!(
                f,
                "{layer} header length {stated} is below the minimum of {minimum}"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Checks that `buf` holds at least `needed` bytes.
pub(crate) fn check(layer: &'static str, buf: &[u8], needed: usize) -> Result<(), Error> {
    if buf.len() < needed {
        Err(Error::Truncated {
            layer,
            needed,
            available: buf.len(),
        })
    } else {
        Ok(())
    }
}

/// An Ethernet type (or, below 0x0600, an 802.3 length), as found in Ethernet, VLAN tags and
/// Linux cooked headers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EtherType(pub u16);

impl EtherType {
    /// IPv4.
    pub const IPV4: EtherType = EtherType(0x0800);
    /// ARP.
    pub const ARP: EtherType = EtherType(0x0806);
    /// Reverse ARP.
    pub const RARP: EtherType = EtherType(0x8035);
    /// IEEE 802.1Q VLAN tag.
    pub const VLAN: EtherType = EtherType(0x8100);
    /// IEEE 802.1ad service VLAN tag (QinQ outer tag).
    pub const QINQ: EtherType = EtherType(0x88a8);
    /// Pre-standard QinQ tag 0x9100.
    pub const VLAN_9100: EtherType = EtherType(0x9100);
    /// Pre-standard QinQ tag 0x9200.
    pub const VLAN_9200: EtherType = EtherType(0x9200);
    /// IPv6.
    pub const IPV6: EtherType = EtherType(0x86dd);
    /// MPLS unicast.
    pub const MPLS: EtherType = EtherType(0x8847);
    /// MPLS multicast.
    pub const MPLS_MULTICAST: EtherType = EtherType(0x8848);
    /// PPPoE discovery.
    pub const PPPOE_DISCOVERY: EtherType = EtherType(0x8863);
    /// PPPoE session.
    pub const PPPOE_SESSION: EtherType = EtherType(0x8864);
    /// LLDP.
    pub const LLDP: EtherType = EtherType(0x88cc);

    /// The largest value that is an 802.3 length rather than a type.
    pub const MAX_LENGTH: u16 = 1500;

    /// Whether this value is an 802.3 length field (`<= 1500`) rather than a protocol type.
    pub const fn is_length(self) -> bool {
        self.0 <= Self::MAX_LENGTH
    }

    /// Whether this value introduces a VLAN tag (802.1Q, 802.1ad or the 0x9100/0x9200 variants).
    pub const fn is_vlan(self) -> bool {
        matches!(self.0, 0x8100 | 0x88a8 | 0x9100 | 0x9200)
    }

    /// tcpdump's name for this type (`"IPv4"`, `"802.1Q"`, …), or `None` when it has none.
    pub fn name(self) -> Option<&'static str> {
        names::ETHERTYPE.name(self.0)
    }
}

impl fmt::Display for EtherType {
    /// tcpdump's name, or `0x` and four hex digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "0x{:04x}", self.0),
        }
    }
}

impl From<u16> for EtherType {
    fn from(v: u16) -> Self {
        EtherType(v)
    }
}

/// An IP protocol number (IPv4 protocol field, IPv6 next header).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IpProto(pub u8);

impl IpProto {
    /// IPv6 hop-by-hop options.
    pub const HOPOPTS: IpProto = IpProto(0);
    /// ICMP.
    pub const ICMP: IpProto = IpProto(1);
    /// IGMP.
    pub const IGMP: IpProto = IpProto(2);
    /// IPv4 in IP.
    pub const IPIP: IpProto = IpProto(4);
    /// TCP.
    pub const TCP: IpProto = IpProto(6);
    /// UDP.
    pub const UDP: IpProto = IpProto(17);
    /// IPv6 in IP.
    pub const IPV6: IpProto = IpProto(41);
    /// IPv6 routing header.
    pub const ROUTING: IpProto = IpProto(43);
    /// IPv6 fragment header.
    pub const FRAGMENT: IpProto = IpProto(44);
    /// GRE.
    pub const GRE: IpProto = IpProto(47);
    /// IPsec ESP.
    pub const ESP: IpProto = IpProto(50);
    /// IPsec AH.
    pub const AH: IpProto = IpProto(51);
    /// ICMPv6.
    pub const ICMPV6: IpProto = IpProto(58);
    /// IPv6 "no next header".
    pub const NONE: IpProto = IpProto(59);
    /// IPv6 destination options.
    pub const DSTOPTS: IpProto = IpProto(60);
    /// OSPF.
    pub const OSPF: IpProto = IpProto(89);
    /// PIM.
    pub const PIM: IpProto = IpProto(103);
    /// IP payload compression.
    pub const IPCOMP: IpProto = IpProto(108);
    /// VRRP (and CARP).
    pub const VRRP: IpProto = IpProto(112);
    /// SCTP.
    pub const SCTP: IpProto = IpProto(132);
    /// IPv6 mobility header.
    pub const MOBILITY: IpProto = IpProto(135);
    /// Ethernet in IPv6 (RFC 8986).
    pub const ETHERNET: IpProto = IpProto(143);

    /// tcpdump's name for this protocol (`"TCP"`, `"ICMP"`, …), as it prints it after `proto`
    /// with `-v`, or `None`.
    pub fn name(self) -> Option<&'static str> {
        names::IP_PROTO.name(self.0)
    }

    /// The IANA keyword for this protocol (`"tcp"`, `"ospf"`, `"ipv6-icmp"`), as tcpdump
    /// prints a protocol it does not dissect when names are on, or `None`.
    pub fn keyword(self) -> Option<&'static str> {
        names::IP_PROTO_KEYWORD.name(self.0)
    }
}

impl fmt::Display for IpProto {
    /// tcpdump's name, or the number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "{}", self.0),
        }
    }
}

impl From<u8> for IpProto {
    fn from(v: u8) -> Self {
        IpProto(v)
    }
}

/// Bounds-checked big-endian reads: missing bytes read as zero, so callers that checked the
/// length get the field and callers that did not get a harmless value instead of a panic.
pub(crate) mod bytes {
    /// The big-endian `u16` at `at`, or 0.
    pub fn be16(b: &[u8], at: usize) -> u16 {
        u16::from_be_bytes(array(b, at))
    }

    /// `N` bytes from `at`, or zeros when they are not all there.
    pub fn array<const N: usize>(b: &[u8], at: usize) -> [u8; N] {
        get_array(b, at).unwrap_or([0; N])
    }

    /// The byte at `at`, or `None` when the buffer ends before it.
    pub fn get_u8(b: &[u8], at: usize) -> Option<u8> {
        b.get(at).copied()
    }

    /// The big-endian `u16` at `at`, or `None`.
    pub fn get_be16(b: &[u8], at: usize) -> Option<u16> {
        get_array(b, at).map(u16::from_be_bytes)
    }

    /// The big-endian `u32` at `at`, or `None`.
    pub fn get_be32(b: &[u8], at: usize) -> Option<u32> {
        get_array(b, at).map(u32::from_be_bytes)
    }

    /// `N` bytes from `at`, or `None` when they are not all there.
    pub fn get_array<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
        b.get(at..)?.first_chunk::<N>().copied()
    }

    /// `b[from..]`, or empty.
    pub fn tail(b: &[u8], from: usize) -> &[u8] {
        b.get(from..).unwrap_or(&[])
    }

    /// `b[..len]`, or all of `b` when it is shorter.
    pub fn head(b: &[u8], len: usize) -> &[u8] {
        b.get(..len).unwrap_or(b)
    }

    /// `b[range]` clamped to the buffer.
    pub fn range(b: &[u8], start: usize, end: usize) -> &[u8] {
        head(tail(b, start), end.saturating_sub(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ethertype_names_and_classes() {
        assert_eq!(EtherType::IPV4.to_string(), "IPv4");
        assert_eq!(EtherType(0x88cc).to_string(), "LLDP");
        assert_eq!(EtherType(0x1234).to_string(), "0x1234");
        assert!(EtherType(1500).is_length());
        assert!(!EtherType(1536).is_length());
        assert!(EtherType::QINQ.is_vlan());
        assert!(!EtherType::IPV6.is_vlan());
    }

    #[test]
    fn ipproto_names() {
        assert_eq!(IpProto::TCP.to_string(), "TCP");
        assert_eq!(IpProto(250).to_string(), "250");
    }

    #[test]
    fn byte_reads_never_panic() {
        let b = [1u8, 2, 3];
        assert_eq!(bytes::be16(&b, 1), 0x0203);
        assert_eq!(bytes::be16(&b, 2), 0);
        assert_eq!(bytes::get_be32(&b, usize::MAX), None);
        assert_eq!(bytes::get_be16(&b, 1), Some(0x0203));
        assert_eq!(bytes::get_u8(&b, 3), None);
        assert_eq!(bytes::range(&b, 2, 10), &[3]);
        assert_eq!(bytes::range(&b, 5, 1), &[] as &[u8]);
        assert_eq!(bytes::head(&b, 2), &[1, 2]);
    }

    #[test]
    fn errors_display() {
        let e = Error::Truncated {
            layer: "ipv4",
            needed: 20,
            available: 3,
        };
        assert_eq!(
            e.to_string(),
            "ipv4 header truncated: needs 20 bytes, 3 available"
        );
        assert_eq!(check("x", &[0; 4], 4), Ok(()));
        assert!(check("x", &[0; 3], 4).is_err());
    }
}
