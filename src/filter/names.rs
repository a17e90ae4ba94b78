//! Names in filter expressions: the [`Resolver`] trait through which resolution looks up
//! hosts, networks, services, protocols and Ethernet hosts, and the fixed name tables of the
//! language itself (Ethernet protocol names, 802.11 types, LLC types, PF reasons and actions).
//!
//! The compiler never touches the system: lookups go through a [`Resolver`] given by the
//! caller. `ferrocap::netdb` implements it over `/etc/hosts`, `/etc/networks`,
//! `/etc/services`, `/etc/protocols`, `/etc/ethers` and the system resolver; [`NoLookups`]
//! refuses every name (numbers and addresses only).

use core::fmt;
use core::net::IpAddr;

/// Why a lookup gave no answer other than "not found".
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum LookupError {
    /// Name lookups are forbidden ([`NoLookups`]).
    Disabled,
    /// The lookup failed (a resolver error other than "no such name").
    Failed(String),
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LookupError::Disabled => f.write_str("name lookups are disabled"),
            LookupError::Failed(why) => write!(f, "lookup failed: {why}"),
        }
    }
}

/// A transport protocol whose service names can be looked up.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Transport {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
}

impl Transport {
    /// `"tcp"` or `"udp"`, as `/etc/services` spells them.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Udp => "udp",
        }
    }
}

/// Looks up the names a filter expression may contain, as libpcap does through the C library.
///
/// Every method returns `Ok(None)` (or an empty list) when the name is unknown. Resolution
/// itself handles numeric forms before asking (`host \192.0.2.1`, `port \80`), so a resolver
/// only sees names. Implementations must be pure functions of their tables for a given name
/// while a filter compiles.
pub trait Resolver {
    /// All addresses of host `name`, in the order the tests are to be generated (libpcap: the
    /// order of `getaddrinfo(name, NULL, {AF_UNSPEC, SOCK_STREAM, IPPROTO_TCP})`).
    fn host(&self, name: &str) -> Result<Vec<IpAddr>, LookupError>;

    /// The network number of `name` (`getnetbyname`), in host order, e.g. `10.20.0.0` is
    /// `0x0a140000` and a class-A network `10` may also be `0x0000000a`. `Some(0)` counts as
    /// unknown.
    fn network(&self, name: &str) -> Result<Option<u32>, LookupError>;

    /// The port of service `name` for `transport` (`getaddrinfo(NULL, name, …)`).
    fn service(&self, name: &str, transport: Transport) -> Result<Option<u16>, LookupError>;

    /// The IP protocol number of `name` (`getprotobyname`).
    fn protocol(&self, name: &str) -> Result<Option<u32>, LookupError>;

    /// The MAC address of Ethernet host `name` (`ether_hostton`, `/etc/ethers`).
    fn ether_host(&self, name: &str) -> Result<Option<[u8; 6]>, LookupError>;
}

/// A [`Resolver`] that refuses every name: expressions may contain numbers and addresses only.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoLookups;

impl Resolver for NoLookups {
    fn host(&self, _: &str) -> Result<Vec<IpAddr>, LookupError> {
        Err(LookupError::Disabled)
    }
    fn network(&self, _: &str) -> Result<Option<u32>, LookupError> {
        Err(LookupError::Disabled)
    }
    fn service(&self, _: &str, _: Transport) -> Result<Option<u16>, LookupError> {
        Err(LookupError::Disabled)
    }
    fn protocol(&self, _: &str) -> Result<Option<u32>, LookupError> {
        Err(LookupError::Disabled)
    }
    fn ether_host(&self, _: &str) -> Result<Option<[u8; 6]>, LookupError> {
        Err(LookupError::Disabled)
    }
}

impl<R: Resolver + ?Sized> Resolver for &R {
    fn host(&self, name: &str) -> Result<Vec<IpAddr>, LookupError> {
        (**self).host(name)
    }
    fn network(&self, name: &str) -> Result<Option<u32>, LookupError> {
        (**self).network(name)
    }
    fn service(&self, name: &str, transport: Transport) -> Result<Option<u16>, LookupError> {
        (**self).service(name, transport)
    }
    fn protocol(&self, name: &str) -> Result<Option<u32>, LookupError> {
        (**self).protocol(name)
    }
    fn ether_host(&self, name: &str) -> Result<Option<[u8; 6]>, LookupError> {
        (**self).ether_host(name)
    }
}

/// Ethernet protocol names for `ether proto \NAME` (libpcap's `eproto_db`, matched exactly).
pub const ETHER_PROTOCOLS: &[(&str, u32)] = &[
    ("aarp", 0x80f3),
    ("arp", 0x0806),
    ("atalk", 0x809b),
    ("decnet", 0x6003),
    ("ip", 0x0800),
    ("ip6", 0x86dd),
    ("lat", 0x6004),
    ("loopback", 0x9000),
    ("mopdl", 0x6001),
    ("moprc", 0x6002),
    ("rarp", 0x8035),
    ("sca", 0x6007),
];

/// LLC SAP names for `ether proto \NAME`, tried after [`ETHER_PROTOCOLS`] (libpcap's `llc_db`).
pub const LLC_SAPS: &[(&str, u32)] = &[
    ("iso", 0xfe),
    ("stp", 0x42),
    ("ipx", 0xe0),
    ("netbeui", 0xf0),
];

/// OSI protocol names for `iso proto \NAME` (matched exactly).
pub const ISO_PROTOCOLS: &[(&str, u32)] = &[("esis", 0x82), ("isis", 0x83), ("clnp", 0x81)];

/// 802.11 frame types (`type NAME`, case-insensitive): the type bits of frame-control byte 0.
pub const WLAN_TYPES: &[(&str, u8)] = &[
    ("data", 0x08),
    ("mgt", 0x00),
    ("management", 0x00),
    ("ctl", 0x04),
    ("control", 0x04),
];

/// 802.11 management subtypes (case-insensitive).
pub const WLAN_MGT_SUBTYPES: &[(&str, u8)] = &[
    ("assocreq", 0x00),
    ("assoc-req", 0x00),
    ("assocresp", 0x10),
    ("assoc-resp", 0x10),
    ("reassocreq", 0x20),
    ("reassoc-req", 0x20),
    ("reassocresp", 0x30),
    ("reassoc-resp", 0x30),
    ("probereq", 0x40),
    ("probe-req", 0x40),
    ("proberesp", 0x50),
    ("probe-resp", 0x50),
    ("beacon", 0x80),
    ("atim", 0x90),
    ("disassoc", 0xa0),
    ("disassociation", 0xa0),
    ("auth", 0xb0),
    ("authentication", 0xb0),
    ("deauth", 0xc0),
    ("deauthentication", 0xc0),
];

/// 802.11 control subtypes (case-insensitive).
pub const WLAN_CTL_SUBTYPES: &[(&str, u8)] = &[
    ("ps-poll", 0xa0),
    ("rts", 0xb0),
    ("cts", 0xc0),
    ("ack", 0xd0),
    ("cf-end", 0xe0),
    ("cf-end-ack", 0xf0),
];

/// 802.11 data subtypes (case-insensitive).
pub const WLAN_DATA_SUBTYPES: &[(&str, u8)] = &[
    ("data", 0x00),
    ("data-cf-ack", 0x10),
    ("data-cf-poll", 0x20),
    ("data-cf-ack-poll", 0x30),
    ("null", 0x40),
    ("cf-ack", 0x50),
    ("cf-poll", 0x60),
    ("cf-ack-poll", 0x70),
    ("qos-data", 0x80),
    ("qos-data-cf-ack", 0x90),
    ("qos-data-cf-poll", 0xa0),
    ("qos-data-cf-ack-poll", 0xb0),
    ("qos", 0xc0),
    ("qos-cf-poll", 0xe0),
    ("qos-cf-ack-poll", 0xf0),
];

/// The subtype table of each 802.11 type, in the order `subtype NAME` searches them.
pub const WLAN_SUBTYPES_BY_TYPE: &[(u8, &[(&str, u8)])] = &[
    (0x00, WLAN_MGT_SUBTYPES),
    (0x04, WLAN_CTL_SUBTYPES),
    (0x08, WLAN_DATA_SUBTYPES),
];

/// 802.11 frame directions for `dir NAME` (case-insensitive): the DS bits of byte 1.
pub const WLAN_DIRECTIONS: &[(&str, u32)] =
    &[("nods", 0), ("tods", 1), ("fromds", 2), ("dstods", 3)];

/// LLC supervisory subtypes (`llc rr`, case-insensitive).
pub const LLC_S_SUBTYPES: &[(&str, u8)] = &[("rr", 0x01), ("rnr", 0x05), ("rej", 0x09)];

/// LLC unnumbered subtypes (`llc ui`, case-insensitive).
pub const LLC_U_SUBTYPES: &[(&str, u8)] = &[
    ("ui", 0x03),
    ("ua", 0x63),
    ("disc", 0x43),
    ("dm", 0x0f),
    ("sabme", 0x6f),
    ("test", 0xe3),
    ("xid", 0xaf),
    ("frmr", 0x87),
];

/// PF reason names (`reason NAME`, case-insensitive), as libpcap 1.10 has them on Linux.
pub const PF_REASONS: &[(&str, u32)] = &[
    ("match", 0),
    ("bad-offset", 1),
    ("fragment", 2),
    ("short", 3),
    ("normalize", 4),
    ("memory", 5),
    ("bad-timestamp", 6),
    ("congestion", 7),
    ("ip-option", 8),
    ("proto-cksum", 9),
    ("state-mismatch", 10),
    ("state-insert", 11),
    ("state-limit", 12),
    ("src-limit", 13),
    ("synproxy", 14),
];

/// PF action names (`action NAME`, case-insensitive), as libpcap 1.10 has them on Linux.
pub const PF_ACTIONS: &[(&str, u32)] = &[
    ("pass", 0),
    ("accept", 0),
    ("drop", 1),
    ("block", 1),
    ("scrub", 2),
    ("noscrub", 3),
    ("nat", 4),
    ("nonat", 5),
    ("binat", 6),
    ("nobinat", 7),
    ("rdr", 8),
    ("nordr", 9),
    ("synproxy-drop", 10),
];

/// Looks `name` up in `table`, exactly.
pub(crate) fn find<T: Copy>(table: &[(&str, T)], name: &str) -> Option<T> {
    table.iter().find(|(n, _)| *n == name).map(|&(_, v)| v)
}

/// Looks `name` up in `table`, ignoring ASCII case (libpcap's `str2tok`).
pub(crate) fn find_nocase<T: Copy>(table: &[(&str, T)], name: &str) -> Option<T> {
    table
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables() {
        assert_eq!(find(ETHER_PROTOCOLS, "ip6"), Some(0x86dd));
        assert_eq!(find(ETHER_PROTOCOLS, "IP6"), None);
        assert_eq!(find_nocase(WLAN_TYPES, "MGT"), Some(0));
        assert_eq!(find_nocase(PF_ACTIONS, "Block"), Some(1));
        assert_eq!(NoLookups.host("x"), Err(LookupError::Disabled));
    }
}
