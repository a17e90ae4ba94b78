//! Link-layer layouts: for each link type, where its header ends, where the network-layer
//! protocol type sits and what kind of number it is. One table, shared by the tcpdump-style
//! printer and the pcap-filter compiler.
//!
//! ```
//! use ferrocap::wire::link::{Layout, TypeField};
//! use ferrocap::Linktype;
//!
//! let eth = Layout::of(Linktype::EN10MB).unwrap();
//! assert_eq!(eth.type_offset, Some(12));
//! assert_eq!(eth.type_field, TypeField::EtherTypeOrLength);
//! assert_eq!(eth.payload_offset(), Some(14));
//! assert_eq!((eth.nl, eth.nl_nosnap), (Some(0), Some(3)));
//!
//! // Raw IP has no type field: `ip` tests the version nibble.
//! let raw = Layout::of(Linktype::RAW).unwrap();
//! assert_eq!(raw.type_offset, None);
//! assert_eq!(raw.type_field, TypeField::IpVersion);
//! ```
//!
//! # What an entry says
//!
//! The offsets are libpcap 1.10.3's (`gencode.c`, `init_linktype`), field for field, so the
//! compiler can generate the same loads: [`link_header`](Layout::link_header) is libpcap's
//! `off_linkhdr`, [`type_offset`](Layout::type_offset) its `off_linktype`,
//! [`payload`](Layout::payload) its `off_linkpl`, [`nl`](Layout::nl) and
//! [`nl_nosnap`](Layout::nl_nosnap) its `off_nl` and `off_nl_nosnap` (`None` where libpcap has
//! `OFFSET_NOT_SET`). Offsets count from the start of the packet; an [`Offset`] with a
//! [`Variable`] part adds a length only known at run time (a radiotap header, an 802.11
//! header, a pflog header). [`type_field`](Layout::type_field) says how libpcap's
//! `gen_linktype` tests for a protocol there, and the modules [`ppp`], [`af`], [`ipnet`],
//! [`arcnet`], [`sap`] and [`nlpid`] hold the numbers those tests compare with.
//!
//! Where a typed view covers the header (Ethernet, Linux cooked v1 and v2), the entry takes its
//! offsets from the view's `field` module, so each offset is written once.
//!
//! Link types are the `LINKTYPE_` values of capture files ([`Linktype`]); libpcap's `DLT_`
//! values differ for a few (raw IP: `DLT_RAW` 12, `LINKTYPE_RAW` 101): convert with
//! [`Linktype::from_dlt`]. Platform-dependent choices are Linux's: FDDI has no padding
//! (`pcap_fddipad` 0), `ENC` is 109, Cisco HDLC is both `C_HDLC` (104) and `DLT_HDLC` (112).

use super::{ethernet, sll, EtherType};
use crate::linktype::Linktype;

/// Where a link-layer header or payload starts: a constant, plus a length computed at run time
/// when [`variable`](Offset::variable) is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Offset {
    /// The constant part, in bytes from the start of the packet.
    pub constant: u32,
    /// The part only known at run time, if any.
    pub variable: Option<Variable>,
}

impl Offset {
    /// A constant offset.
    pub const fn fixed(constant: u32) -> Offset {
        Offset {
            constant,
            variable: None,
        }
    }

    /// A run-time length plus `constant`.
    pub const fn variable(constant: u32, variable: Variable) -> Offset {
        Offset {
            constant,
            variable: Some(variable),
        }
    }

    /// The offset when it is constant.
    pub const fn as_fixed(self) -> Option<u32> {
        match self.variable {
            None => Some(self.constant),
            Some(_) => None,
        }
    }
}

/// A header length only known at run time, and how libpcap computes it (`gencode.c`,
/// `gen_load_*_llprefixlen`, `gen_load_802_11_header_len`, `gen_load_pflog_llprefixlen`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Variable {
    /// A radiotap header before the 802.11 header: its length is the little-endian 16-bit
    /// word at offset 2.
    Radiotap,
    /// A PPI header before the 802.11 header: its length is the little-endian 16-bit word at
    /// offset 2 (and libpcap requires the PPI link type, 32-bit little-endian at offset 4, to
    /// be 802.11).
    Ppi,
    /// An AVS header before the 802.11 header: its length is the big-endian 32-bit word at
    /// offset 4.
    Avs,
    /// A Prism header before the 802.11 header: 144 bytes, unless the first word masked with
    /// `0xfffff000` is `0x80211000`, in which case it is an AVS header (length at offset 4).
    Prism,
    /// The 802.11 header after the link-layer header start: 24 bytes, 26 for a QoS data frame
    /// (frame control byte with 0x08 set, 0x04 clear and 0x80 set); after a radiotap header
    /// whose flags say "data pad" (0x20), rounded up to a multiple of 4.
    Ieee80211,
    /// A pflog header: its length byte at offset 0, rounded up to a multiple of 4.
    Pflog,
}

/// How the network-layer protocol is told on a link type: what kind of number sits at
/// [`Layout::type_offset`], or which special test libpcap's `gen_linktype` uses instead.
///
/// The filter compiler works with Ethernet types (and 802.2 SAPs up to 1500); each variant says
/// how such a value becomes a test on this link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TypeField {
    /// A 16-bit Ethernet type, or (up to 1500) an 802.3 length with an 802.2 LLC header at the
    /// payload: Ethernet and netANALYZER.
    EtherTypeOrLength,
    /// A 16-bit Ethernet type, compared as it is for every value (SAPs included): Linux cooked
    /// v2, Apple IP-over-IEEE 1394, Symantec firewall (libpcap's default case).
    EtherType,
    /// Cisco HDLC: a 16-bit Ethernet type; OSI is `0xfefe`.
    CiscoHdlc,
    /// Linux cooked v1: a 16-bit Ethernet type, or [`sll::PROTOCOL_802_2`] with an LLC header
    /// at the payload, or [`sll::PROTOCOL_802_3`] for Novell 802.3.
    LinuxSll,
    /// A 16-bit PPP protocol number ([`ppp::from_ethertype`] maps Ethernet types to it).
    Ppp,
    /// A 16-bit PPP protocol number in BSD/OS's PPP header, where IPv4 also matches Van
    /// Jacobson compressed and uncompressed TCP ([`ppp::VJC`], [`ppp::VJNC`]).
    PppBsdos,
    /// An 802.2 LLC header starts here: SAPs are tested in it, Ethernet types in the SNAP header
    /// after it (the type at 6 past the offset). FDDI, token ring, the 802.11 family (data
    /// frames only), ATM RFC 1483 and CLIP, IP over Fibre Channel.
    Llc,
    /// SunATM: the protocol byte at [`Atm::proto`] must say LLC (2), then as [`TypeField::Llc`].
    SunAtm,
    /// A 32-bit address family ([`af`]) in the byte order of the host that wrote it: BSD
    /// loopback (`NULL`) and OpenBSD `ENC`.
    AfHostOrder,
    /// A 32-bit address family in network byte order: OpenBSD loopback (`LOOP`).
    AfNetworkOrder,
    /// pflog: an 8-bit address family (the host's values) at [`af::PFLOG_OFFSET`] in the
    /// pflog header.
    PflogAf,
    /// Solaris ipnet: an 8-bit family, [`ipnet::INET`] or [`ipnet::INET6`].
    Ipnet,
    /// ARCnet: an 8-bit protocol ID ([`arcnet`]).
    Arcnet,
    /// Juniper: no protocol test, only the magic cookie (`MGC` in the first three bytes).
    JuniperCookie,
    /// No type field, IPv4 or IPv6 only: the version nibble of the first byte tells them
    /// apart (raw IP, SLIP).
    IpVersion,
    /// No type field: the link carries this one protocol (`IPV4`, `IPV6`, LocalTalk).
    Implied(EtherType),
    /// Frame Relay: the 16-bit word at offset 2 is the UI control byte (3) and an NLPID
    /// ([`nlpid`]).
    FrameRelayNlpid,
    /// BACnet MS/TP: no protocol test, only the preamble (`0x55 0xff`).
    BacnetPreamble,
    /// libpcap has no link-type test for this link type and names it in its error:
    /// `"{name} link-layer type filtering not implemented"`.
    NotImplemented(&'static str),
}

/// Where SunATM's pseudo-header fields lie.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Atm {
    /// Virtual path identifier (8 bits).
    pub vpi: u32,
    /// Virtual channel identifier (16 bits).
    pub vci: u32,
    /// Protocol type byte (low 4 bits: 1 LANE, 2 LLC).
    pub proto: u32,
}

/// Where the SS7 MTP2 fields lie (MTP2, MTP2 with pseudo-header, ERF).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ss7 {
    /// Length indicator.
    pub li: u32,
    /// Length indicator of a high-speed link.
    pub li_hsl: u32,
    /// Service information octet.
    pub sio: u32,
    /// Originating point code.
    pub opc: u32,
    /// Destination point code.
    pub dpc: u32,
    /// Signalling link selection.
    pub sls: u32,
}

/// The layout of one link type's header. See the [module documentation](self).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Layout {
    /// The link type.
    pub linktype: Linktype,
    /// Where the link-layer header starts (libpcap's `off_linkhdr`): 0, past a fixed
    /// pseudo-header (netANALYZER), or past a radio header.
    pub link_header: Offset,
    /// Where the protocol type field is (libpcap's `off_linktype`), `None` when there is none.
    pub type_offset: Option<u32>,
    /// What the type field holds, or how the protocol is told without one.
    pub type_field: TypeField,
    /// Where the link-layer payload starts (libpcap's `off_linkpl`): the link-layer header
    /// length for most link types; `None` when libpcap does not know it.
    pub payload: Option<Offset>,
    /// Where the network-layer header starts inside the payload when the link carries an
    /// Ethernet type (libpcap's `off_nl`: 0, or 8 past LLC and SNAP).
    pub nl: Option<u32>,
    /// Where it starts after a plain 802.2 LLC header (libpcap's `off_nl_nosnap`: 3 after LLC,
    /// 0 when the link has none).
    pub nl_nosnap: Option<u32>,
    /// SunATM's pseudo-header fields.
    pub atm: Option<Atm>,
    /// SS7 MTP2 fields.
    pub ss7: Option<Ss7>,
    /// Where the entry comes from.
    pub source: &'static str,
}

impl Layout {
    /// The layout of `linktype`, or `None` for a link type libpcap has no case for. For those,
    /// libpcap 1.10.3 allows only raw `link[…]` loads when the value is in 104..=289 (and
    /// answers a link-type test with "DESCRIPTION link-layer type filtering not
    /// implemented"), and refuses other values ("unknown data link type").
    pub fn of(linktype: Linktype) -> Option<&'static Layout> {
        LAYOUTS.iter().find(|l| l.linktype == linktype)
    }

    /// Every layout in the table.
    pub fn all() -> &'static [Layout] {
        LAYOUTS
    }

    /// The link-layer payload offset when it is constant: how many bytes of link-layer header
    /// the printer skips, where the network layer starts on Ethernet II.
    pub const fn payload_offset(&self) -> Option<u32> {
        match self.payload {
            Some(o) => o.as_fixed(),
            None => None,
        }
    }

    /// Whether the header length is only known at run time (radio headers, 802.11, pflog).
    pub const fn is_variable(&self) -> bool {
        self.link_header.variable.is_some()
            || matches!(
                self.payload,
                Some(Offset {
                    variable: Some(_),
                    ..
                })
            )
    }
}

/// PPP protocol numbers (RFC 1661 and the PPP DLL protocol numbers registry; libpcap's
/// `ppp.h`).
pub mod ppp {
    /// IPv4.
    pub const IP: u16 = 0x0021;
    /// OSI network layer.
    pub const OSI: u16 = 0x0023;
    /// Xerox NS IDP.
    pub const NS: u16 = 0x0025;
    /// DECnet phase IV.
    pub const DECNET: u16 = 0x0027;
    /// AppleTalk.
    pub const APPLE: u16 = 0x0029;
    /// Novell IPX.
    pub const IPX: u16 = 0x002b;
    /// Van Jacobson compressed TCP/IP.
    pub const VJC: u16 = 0x002d;
    /// Van Jacobson uncompressed TCP/IP.
    pub const VJNC: u16 = 0x002f;
    /// Bridging PDU (spanning tree).
    pub const BRPDU: u16 = 0x0031;
    /// IPv6.
    pub const IPV6: u16 = 0x0057;
    /// MPLS unicast.
    pub const MPLS_UCAST: u16 = 0x0281;
    /// MPLS multicast.
    pub const MPLS_MCAST: u16 = 0x0283;

    /// The PPP protocol libpcap tests for an Ethernet type or 802.2 SAP (`gencode.c`,
    /// `ethertype_to_ppptype`); values without a PPP equivalent are returned unchanged.
    pub const fn from_ethertype(ll_proto: u32) -> u32 {
        use super::sap;
        let p = match ll_proto {
            0x0800 => IP,
            0x86dd => IPV6,
            0x6003 => DECNET,
            0x809b => APPLE,
            0x0600 => NS,
            v if v == sap::ISO as u32 => OSI,
            v if v == sap::STP as u32 => BRPDU,
            v if v == sap::IPX as u32 => IPX,
            _ => return ll_proto,
        };
        p as u32
    }
}

/// Address families in loopback and pflog headers (libpcap's `gencode.c`; `AF_INET` is 2
/// everywhere, `AF_INET6` is not).
pub mod af {
    /// IPv4.
    pub const INET: u32 = 2;
    /// IPv6 on NetBSD, OpenBSD, BSD/OS and Npcap.
    pub const INET6_BSD: u32 = 24;
    /// IPv6 on FreeBSD.
    pub const INET6_FREEBSD: u32 = 28;
    /// IPv6 on macOS and other Darwin systems.
    pub const INET6_DARWIN: u32 = 30;
    /// IPv6 on Linux: what libpcap compares for a live capture or a pflog header there.
    pub const INET6_LINUX: u32 = 10;
    /// The IPv6 values libpcap accepts in a capture file's loopback header.
    pub const INET6_SAVEFILE: [u32; 3] = [INET6_BSD, INET6_FREEBSD, INET6_DARWIN];
    /// Offset of the address family byte in a pflog header (`struct pfloghdr`).
    pub const PFLOG_OFFSET: u32 = 1;
}

/// Solaris ipnet family values (`IPH_AF_INET`, `IPH_AF_INET6`).
pub mod ipnet {
    /// IPv4.
    pub const INET: u8 = 2;
    /// IPv6.
    pub const INET6: u8 = 26;
}

/// ARCnet protocol IDs (libpcap's `arcnet.h`).
pub mod arcnet {
    /// IPv4 (RFC 1201).
    pub const IP: u8 = 212;
    /// IPv4 (RFC 1051).
    pub const IP_OLD: u8 = 240;
    /// ARP (RFC 1201).
    pub const ARP: u8 = 213;
    /// ARP (RFC 1051).
    pub const ARP_OLD: u8 = 241;
    /// Reverse ARP.
    pub const REVARP: u8 = 214;
    /// AppleTalk.
    pub const ATALK: u8 = 221;
    /// IPv6.
    pub const INET6: u8 = 0xc4;
}

/// 802.2 LLC service access points the filter language names (libpcap's `llc.h`).
pub mod sap {
    /// ISO network layer (CLNP, ES-IS, IS-IS).
    pub const ISO: u8 = 0xfe;
    /// Spanning tree (802.1D).
    pub const STP: u8 = 0x42;
    /// Novell IPX.
    pub const IPX: u8 = 0xe0;
    /// NetBEUI.
    pub const NETBEUI: u8 = 0xf0;
    /// IP over 802.2.
    pub const IP: u8 = 0x06;
    /// SNAP.
    pub const SNAP: u8 = 0xaa;
    /// Global (all stations).
    pub const GLOBAL: u8 = 0xff;
}

/// Network layer protocol identifiers after a Frame Relay Q.922 address (RFC 2427).
pub mod nlpid {
    /// IPv4.
    pub const IP: u8 = 0xcc;
    /// IPv6.
    pub const IPV6: u8 = 0x8e;
    /// ISO 8473 CLNP.
    pub const CLNP: u8 = 0x81;
    /// ISO 9542 ES-IS.
    pub const ESIS: u8 = 0x82;
    /// ISO 10589 IS-IS.
    pub const ISIS: u8 = 0x83;
    /// The UI control byte before the NLPID.
    pub const UI: u8 = 0x03;
}

/// The Juniper magic cookie test: `link[0:4] & MASK == MAGIC`.
pub mod juniper {
    /// The cookie, `MGC` and a flags byte.
    pub const MAGIC: u32 = 0x4d47_4300;
    /// The bytes compared.
    pub const MASK: u32 = 0xffff_ff00;
}

/// The BACnet MS/TP preamble test: `link[0:4] & MASK == PREAMBLE`.
pub mod bacnet {
    /// The preamble bytes `0x55 0xff`.
    pub const PREAMBLE: u32 = 0x55ff_0000;
    /// The bytes compared.
    pub const MASK: u32 = 0xffff_0000;
}

const GENCODE: &str = "libpcap 1.10.3 gencode.c: init_linktype, gen_linktype";

/// An entry with a constant link header at 0 and a constant (or unknown) payload offset.
#[allow(clippy::too_many_arguments)]
const fn entry(
    linktype: Linktype,
    type_offset: Option<u32>,
    type_field: TypeField,
    payload: Option<u32>,
    nl: Option<u32>,
    nl_nosnap: Option<u32>,
    source: &'static str,
) -> Layout {
    Layout {
        linktype,
        link_header: Offset::fixed(0),
        type_offset,
        type_field,
        payload: match payload {
            Some(p) => Some(Offset::fixed(p)),
            None => None,
        },
        nl,
        nl_nosnap,
        atm: None,
        ss7: None,
        source,
    }
}

/// An 802.11 entry: LLC at 24 past the link header, a variable payload, optionally a radio
/// header before it.
const fn wifi(linktype: Linktype, prefix: Option<Variable>, source: &'static str) -> Layout {
    Layout {
        linktype,
        link_header: match prefix {
            Some(v) => Offset::variable(0, v),
            None => Offset::fixed(0),
        },
        type_offset: Some(24),
        type_field: TypeField::Llc,
        payload: Some(Offset::variable(0, Variable::Ieee80211)),
        nl: Some(8),
        nl_nosnap: Some(3),
        atm: None,
        ss7: None,
        source,
    }
}

/// A Juniper entry (magic cookie; offsets as libpcap has them, "in reality variable").
const fn juniper(
    linktype: Linktype,
    type_offset: u32,
    payload: Option<u32>,
    nl: Option<u32>,
    nl_nosnap: Option<u32>,
) -> Layout {
    entry(
        linktype,
        Some(type_offset),
        TypeField::JuniperCookie,
        payload,
        nl,
        nl_nosnap,
        "libpcap 1.10.3 gencode.c: init_linktype (DLT_JUNIPER_*); gen_linktype tests only the magic cookie",
    )
}

/// An entry libpcap has no link-type test for.
const fn unfilterable(linktype: Linktype, name: &'static str) -> Layout {
    entry(
        linktype,
        None,
        TypeField::NotImplemented(name),
        None,
        None,
        None,
        GENCODE,
    )
}

/// An SS7 entry.
const fn mtp(linktype: Linktype, base: u32, name: &'static str) -> Layout {
    let mut l = unfilterable(linktype, name);
    l.ss7 = Some(Ss7 {
        li: base,
        li_hsl: base + 2,
        sio: base + 1,
        opc: base + 2,
        dpc: base + 2,
        sls: base + 5,
    });
    l
}

const NS: Option<u32> = None;

static LAYOUTS: &[Layout] = &[
    // Ethernet: the type/length field and payload offsets are the view's.
    entry(
        Linktype::EN10MB,
        Some(ethernet::field::ETHERTYPE.start as u32),
        TypeField::EtherTypeOrLength,
        Some(ethernet::HEADER_LEN as u32),
        Some(0),
        Some(3),
        "IEEE 802.3 (Ethernet II and 802.3 + 802.2); libpcap 1.10.3 gencode.c: init_linktype, gen_ether_linktype",
    ),
    Layout {
        link_header: Offset::fixed(4),
        ..entry(
            Linktype::NETANALYZER,
            Some(4 + ethernet::field::ETHERTYPE.start as u32),
            TypeField::EtherTypeOrLength,
            Some(4 + ethernet::HEADER_LEN as u32),
            Some(0),
            Some(3),
            "Hilscher netANALYZER: 4-byte pseudo-header, then Ethernet; libpcap 1.10.3 gencode.c",
        )
    },
    Layout {
        link_header: Offset::fixed(12),
        ..entry(
            Linktype::NETANALYZER_TRANSPARENT,
            Some(12 + ethernet::field::ETHERTYPE.start as u32),
            TypeField::EtherTypeOrLength,
            Some(12 + ethernet::HEADER_LEN as u32),
            Some(0),
            Some(3),
            "Hilscher netANALYZER: pseudo-header, preamble and SFD (12 bytes), then Ethernet; libpcap 1.10.3 gencode.c",
        )
    },
    // Linux cooked captures: offsets from the views.
    entry(
        Linktype::LINUX_SLL,
        Some(sll::field::v1::PROTOCOL.start as u32),
        TypeField::LinuxSll,
        Some(sll::SLL_HEADER_LEN as u32),
        Some(0),
        Some(0),
        "Linux cooked v1 (pcap-linktype(7) LINKTYPE_LINUX_SLL); libpcap 1.10.3 gencode.c: gen_linux_sll_linktype",
    ),
    entry(
        Linktype::LINUX_SLL2,
        Some(sll::field::v2::PROTOCOL.start as u32),
        TypeField::EtherType,
        Some(sll::SLL2_HEADER_LEN as u32),
        Some(0),
        Some(0),
        "Linux cooked v2 (LINKTYPE_LINUX_SLL2); libpcap 1.10.3 gencode.c: no special case, every value compared with the protocol field",
    ),
    // Loopback and encapsulation headers with an address family.
    entry(
        Linktype::NULL,
        Some(0),
        TypeField::AfHostOrder,
        Some(4),
        Some(0),
        Some(0),
        "BSD loopback: 4-byte address family in the writer's byte order; libpcap 1.10.3 gencode.c: gen_loopback_linktype",
    ),
    entry(
        Linktype::LOOP,
        Some(0),
        TypeField::AfNetworkOrder,
        Some(4),
        Some(0),
        Some(0),
        "OpenBSD loopback: 4-byte address family in network byte order; libpcap 1.10.3 gencode.c: gen_loopback_linktype",
    ),
    entry(
        Linktype::ENC,
        Some(0),
        TypeField::AfHostOrder,
        Some(12),
        Some(0),
        Some(0),
        "OpenBSD enc(4): 12-byte header starting with the address family in host order; libpcap 1.10.3 gencode.c",
    ),
    Layout {
        payload: Some(Offset::variable(0, Variable::Pflog)),
        ..entry(
            Linktype::PFLOG,
            Some(0),
            TypeField::PflogAf,
            NS,
            Some(0),
            Some(0),
            "OpenBSD pflog (struct pfloghdr, length byte at 0, af at 1); libpcap 1.10.3 gencode.c",
        )
    },
    // PPP and HDLC.
    entry(
        Linktype::PPP,
        Some(2),
        TypeField::Ppp,
        Some(4),
        Some(0),
        Some(0),
        "PPP in HDLC-like framing (RFC 1662): address, control, 16-bit protocol; libpcap 1.10.3 gencode.c",
    ),
    entry(
        Linktype::PPP_PPPD,
        Some(2),
        TypeField::Ppp,
        Some(4),
        Some(0),
        Some(0),
        "PPP with a direction byte in place of the address (pppd); libpcap 1.10.3 gencode.c",
    ),
    entry(
        Linktype::PPP_SERIAL,
        Some(2),
        TypeField::Ppp,
        Some(4),
        Some(0),
        Some(0),
        "PPP in HDLC-like framing (RFC 1662 section 4); libpcap 1.10.3 gencode.c",
    ),
    entry(
        Linktype::PPP_ETHER,
        Some(6),
        TypeField::Ppp,
        Some(8),
        Some(0),
        Some(0),
        "PPPoE session header (RFC 2516) without the Ethernet header; libpcap 1.10.3 gencode.c",
    ),
    entry(
        Linktype::PPP_BSDOS,
        Some(5),
        TypeField::PppBsdos,
        Some(24),
        Some(0),
        Some(0),
        "BSD/OS PPP (24-byte header); libpcap 1.10.3 gencode.c",
    ),
    entry(
        Linktype::C_HDLC,
        Some(2),
        TypeField::CiscoHdlc,
        Some(4),
        Some(0),
        Some(0),
        "Cisco HDLC: address, control, 16-bit Ethernet type; libpcap 1.10.3 gencode.c",
    ),
    entry(
        Linktype(112),
        Some(2),
        TypeField::CiscoHdlc,
        Some(4),
        Some(0),
        Some(0),
        "NetBSD HDLC (DLT_HDLC, 112 on Linux): as Cisco HDLC; libpcap 1.10.3 gencode.c",
    ),
    // Raw IP and friends.
    entry(
        Linktype::RAW,
        NS,
        TypeField::IpVersion,
        Some(0),
        Some(0),
        Some(0),
        "raw IPv4 or IPv6 (LINKTYPE_RAW; DLT_RAW is 12 on Linux); libpcap 1.10.3 gencode.c",
    ),
    entry(
        Linktype::IPV4,
        NS,
        TypeField::Implied(EtherType::IPV4),
        Some(0),
        Some(0),
        Some(0),
        "raw IPv4; libpcap 1.10.3 gencode.c",
    ),
    entry(
        Linktype::IPV6,
        NS,
        TypeField::Implied(EtherType::IPV6),
        Some(0),
        Some(0),
        Some(0),
        "raw IPv6; libpcap 1.10.3 gencode.c",
    ),
    entry(
        Linktype::SLIP,
        NS,
        TypeField::IpVersion,
        Some(16),
        Some(0),
        Some(0),
        "SLIP with BPF's 16-byte pseudo-header; libpcap 1.10.3 gencode.c",
    ),
    entry(
        Linktype::SLIP_BSDOS,
        NS,
        TypeField::IpVersion,
        Some(24),
        Some(0),
        Some(0),
        "BSD/OS SLIP (24-byte header; DLT 15); libpcap 1.10.3 gencode.c",
    ),
    entry(
        Linktype::LTALK,
        NS,
        TypeField::Implied(EtherType(0x809b)),
        Some(0),
        Some(0),
        Some(0),
        "LocalTalk (only AppleTalk); libpcap 1.10.3 gencode.c",
    ),
    entry(
        Linktype::FRELAY,
        NS,
        TypeField::FrameRelayNlpid,
        Some(0),
        Some(0),
        Some(0),
        "Frame Relay: 2-byte Q.922 address, UI, NLPID (RFC 2427); libpcap 1.10.3 gencode.c",
    ),
    entry(
        Linktype::MFR,
        NS,
        TypeField::NotImplemented("Multi-link Frame Relay"),
        Some(0),
        Some(4),
        Some(0),
        "FRF.16 multi-link Frame Relay; libpcap 1.10.3 gencode.c",
    ),
    // Links that carry 802.2 LLC.
    entry(
        Linktype::FDDI,
        Some(13),
        TypeField::Llc,
        Some(13),
        Some(8),
        Some(3),
        "FDDI (13-byte MAC header, no padding on Linux); libpcap 1.10.3 gencode.c: gen_llc_linktype",
    ),
    entry(
        Linktype::IEEE802,
        Some(14),
        TypeField::Llc,
        Some(14),
        Some(8),
        Some(3),
        "IEEE 802.5 token ring without source routing; libpcap 1.10.3 gencode.c: gen_llc_linktype",
    ),
    entry(
        Linktype::ATM_RFC1483,
        Some(0),
        TypeField::Llc,
        Some(0),
        Some(8),
        Some(3),
        "RFC 1483 LLC/SNAP over ATM (DLT 11); libpcap 1.10.3 gencode.c",
    ),
    entry(
        Linktype::ATM_CLIP,
        Some(0),
        TypeField::Llc,
        Some(0),
        Some(8),
        Some(3),
        "Linux classical IP over ATM (DLT 19); libpcap 1.10.3 gencode.c",
    ),
    entry(
        Linktype::IP_OVER_FC,
        Some(16),
        TypeField::Llc,
        Some(16),
        Some(8),
        Some(3),
        "RFC 2625 IP over Fibre Channel; libpcap 1.10.3 gencode.c",
    ),
    Layout {
        atm: Some(Atm {
            vpi: 1,
            vci: 2,
            proto: 0,
        }),
        ..entry(
            Linktype::SUNATM,
            Some(4),
            TypeField::SunAtm,
            Some(4),
            Some(8),
            Some(3),
            "SunATM: 4-byte pseudo-header (flags/type, VPI, VCI), then the AAL5 PDU; libpcap 1.10.3 gencode.c",
        )
    },
    // 802.11, with and without radio headers.
    wifi(
        Linktype::IEEE802_11,
        None,
        "IEEE 802.11; libpcap 1.10.3 gencode.c: gen_load_802_11_header_len",
    ),
    wifi(
        Linktype::PRISM_HEADER,
        Some(Variable::Prism),
        "Prism (or AVS) header + 802.11; libpcap 1.10.3 gencode.c: gen_load_prism_llprefixlen",
    ),
    wifi(
        Linktype::IEEE802_11_RADIO_AVS,
        Some(Variable::Avs),
        "AVS header + 802.11; libpcap 1.10.3 gencode.c: gen_load_avs_llprefixlen",
    ),
    wifi(
        Linktype::IEEE802_11_RADIO,
        Some(Variable::Radiotap),
        "radiotap + 802.11 (radiotap.org); libpcap 1.10.3 gencode.c: gen_load_radiotap_llprefixlen",
    ),
    wifi(
        Linktype::PPI,
        Some(Variable::Ppi),
        "PPI + 802.11 (PPI 1.0.10); libpcap 1.10.3 gencode.c: gen_load_ppi_llprefixlen",
    ),
    // Other link types with a type field.
    entry(
        Linktype::ARCNET,
        Some(2),
        TypeField::Arcnet,
        Some(6),
        Some(0),
        Some(0),
        "ARCnet (BSD header); libpcap 1.10.3 gencode.c",
    ),
    entry(
        Linktype::ARCNET_LINUX,
        Some(4),
        TypeField::Arcnet,
        Some(8),
        Some(0),
        Some(0),
        "ARCnet (Linux header); libpcap 1.10.3 gencode.c",
    ),
    entry(
        Linktype::APPLE_IP_OVER_IEEE1394,
        Some(16),
        TypeField::EtherType,
        Some(18),
        Some(0),
        Some(0),
        "Apple IP over IEEE 1394 (RFC 2734 header); libpcap 1.10.3 gencode.c",
    ),
    entry(
        Linktype::SYMANTEC_FIREWALL,
        Some(6),
        TypeField::EtherType,
        Some(44),
        Some(0),
        Some(0),
        "Symantec Enterprise Firewall (44-byte header); libpcap 1.10.3 gencode.c",
    ),
    entry(
        Linktype::IPNET,
        Some(1),
        TypeField::Ipnet,
        Some(24),
        Some(0),
        NS,
        "Solaris ipnet (24-byte header, family byte at 1); libpcap 1.10.3 gencode.c: gen_ipnet_linktype",
    ),
    entry(
        Linktype::BACNET_MS_TP,
        NS,
        TypeField::BacnetPreamble,
        NS,
        NS,
        NS,
        GENCODE,
    ),
    entry(
        Linktype::PFSYNC,
        NS,
        TypeField::NotImplemented("PFSYNC"),
        Some(4),
        Some(0),
        Some(0),
        GENCODE,
    ),
    // Juniper: `off_linktype` as libpcap sets it; the link test is the cookie.
    juniper(Linktype::JUNIPER_MFR, 4, Some(4), Some(0), NS),
    juniper(Linktype::JUNIPER_MLFR, 4, Some(4), Some(0), NS),
    juniper(Linktype::JUNIPER_MLPPP, 4, Some(4), Some(0), NS),
    juniper(Linktype::JUNIPER_PPP, 4, Some(4), Some(0), NS),
    juniper(Linktype::JUNIPER_CHDLC, 4, Some(4), Some(0), NS),
    juniper(Linktype::JUNIPER_FRELAY, 4, Some(4), Some(0), NS),
    juniper(Linktype::JUNIPER_ATM1, 4, Some(4), Some(0), Some(10)),
    juniper(Linktype::JUNIPER_ATM2, 8, Some(8), Some(0), Some(10)),
    juniper(Linktype::JUNIPER_PPPOE, 16, Some(14), Some(18), Some(21)),
    juniper(Linktype::JUNIPER_ETHER, 16, Some(14), Some(18), Some(21)),
    juniper(Linktype::JUNIPER_PPPOE_ATM, 4, Some(6), Some(0), NS),
    juniper(Linktype::JUNIPER_GGSN, 6, Some(12), Some(0), NS),
    juniper(Linktype::JUNIPER_ES, 6, NS, NS, NS),
    juniper(Linktype::JUNIPER_MONITOR, 12, Some(12), Some(0), NS),
    juniper(Linktype::JUNIPER_SERVICES, 12, NS, NS, NS),
    juniper(Linktype::JUNIPER_VP, 18, NS, NS, NS),
    juniper(Linktype::JUNIPER_ST, 18, NS, NS, NS),
    juniper(Linktype::JUNIPER_ISM, 8, NS, NS, NS),
    juniper(Linktype::JUNIPER_VS, 8, NS, NS, NS),
    juniper(Linktype::JUNIPER_SRX_E2E, 8, NS, NS, NS),
    juniper(Linktype::JUNIPER_FIBRECHANNEL, 8, NS, NS, NS),
    juniper(Linktype::JUNIPER_ATM_CEMIC, 8, NS, NS, NS),
    // SS7.
    mtp(Linktype::MTP2, 2, "MTP2"),
    mtp(Linktype::MTP2_WITH_PHDR, 6, "MTP2"),
    mtp(Linktype::ERF, 22, "ERF"),
    // Link types libpcap has an explicit "not implemented" message for.
    unfilterable(Linktype::NFLOG, "NFLOG"),
    unfilterable(Linktype::LINUX_IRDA, "IrDA"),
    unfilterable(Linktype::DOCSIS, "DOCSIS"),
    unfilterable(Linktype::LINUX_LAPD, "LAPD"),
    unfilterable(Linktype::USB_FREEBSD, "USB"),
    unfilterable(Linktype::USB_LINUX, "USB"),
    unfilterable(Linktype::USB_LINUX_MMAPPED, "USB"),
    unfilterable(Linktype::USBPCAP, "USB"),
    unfilterable(Linktype::BLUETOOTH_HCI_H4, "Bluetooth"),
    unfilterable(Linktype::BLUETOOTH_HCI_H4_WITH_PHDR, "Bluetooth"),
    unfilterable(Linktype::CAN20B, "CAN"),
    unfilterable(Linktype::CAN_SOCKETCAN, "CAN"),
    unfilterable(Linktype::IEEE802_15_4, "IEEE 802.15.4"),
    unfilterable(Linktype::IEEE802_15_4_LINUX, "IEEE 802.15.4"),
    unfilterable(Linktype::IEEE802_15_4_NONASK_PHY, "IEEE 802.15.4"),
    unfilterable(Linktype::IEEE802_15_4_NOFCS, "IEEE 802.15.4"),
    unfilterable(Linktype::IEEE802_15_4_TAP, "IEEE 802.15.4"),
    unfilterable(Linktype::IEEE802_16_MAC_CPS_RADIO, "IEEE 802.16"),
    unfilterable(Linktype::SITA, "SITA"),
    unfilterable(Linktype::RAIF1, "RAIF1"),
    unfilterable(Linktype::IPMB_KONTRON, "IPMB"),
    unfilterable(Linktype::IPMB_LINUX, "IPMB"),
    unfilterable(Linktype::AX25_KISS, "AX.25"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn get(lt: Linktype) -> &'static Layout {
        Layout::of(lt).unwrap_or_else(|| panic!("no layout for {lt:?}"))
    }

    /// Each row of filter-language.md §4's table (libpcap 1.10.3 `init_linktype`), as
    /// `(linktype, off_linktype, off_linkpl, off_nl, off_nl_nosnap)`; `None` is "not set" and
    /// a variable payload is checked separately.
    #[test]
    fn libpcap_offsets() {
        type Row = (Linktype, Option<u32>, Option<u32>, Option<u32>, Option<u32>);
        let rows: &[Row] = &[
            (Linktype::NULL, Some(0), Some(4), Some(0), Some(0)),
            (Linktype::LOOP, Some(0), Some(4), Some(0), Some(0)),
            (Linktype::EN10MB, Some(12), Some(14), Some(0), Some(3)),
            (Linktype::IEEE802, Some(14), Some(14), Some(8), Some(3)),
            (Linktype::ARCNET, Some(2), Some(6), Some(0), Some(0)),
            (Linktype::ARCNET_LINUX, Some(4), Some(8), Some(0), Some(0)),
            (Linktype::SLIP, None, Some(16), Some(0), Some(0)),
            (Linktype::SLIP_BSDOS, None, Some(24), Some(0), Some(0)),
            (Linktype::PPP, Some(2), Some(4), Some(0), Some(0)),
            (Linktype::PPP_PPPD, Some(2), Some(4), Some(0), Some(0)),
            (Linktype::PPP_SERIAL, Some(2), Some(4), Some(0), Some(0)),
            (Linktype::C_HDLC, Some(2), Some(4), Some(0), Some(0)),
            (Linktype::PPP_BSDOS, Some(5), Some(24), Some(0), Some(0)),
            (Linktype::PPP_ETHER, Some(6), Some(8), Some(0), Some(0)),
            (Linktype::FDDI, Some(13), Some(13), Some(8), Some(3)),
            (Linktype::ATM_RFC1483, Some(0), Some(0), Some(8), Some(3)),
            (Linktype::ATM_CLIP, Some(0), Some(0), Some(8), Some(3)),
            (Linktype::RAW, None, Some(0), Some(0), Some(0)),
            (Linktype::IPV4, None, Some(0), Some(0), Some(0)),
            (Linktype::IPV6, None, Some(0), Some(0), Some(0)),
            (Linktype::LINUX_SLL, Some(14), Some(16), Some(0), Some(0)),
            (Linktype::LINUX_SLL2, Some(0), Some(20), Some(0), Some(0)),
            (Linktype::ENC, Some(0), Some(12), Some(0), Some(0)),
            (Linktype::LTALK, None, Some(0), Some(0), Some(0)),
            (Linktype::FRELAY, None, Some(0), Some(0), Some(0)),
            (Linktype::IP_OVER_FC, Some(16), Some(16), Some(8), Some(3)),
            (Linktype::SUNATM, Some(4), Some(4), Some(8), Some(3)),
            (
                Linktype::APPLE_IP_OVER_IEEE1394,
                Some(16),
                Some(18),
                Some(0),
                Some(0),
            ),
            (
                Linktype::SYMANTEC_FIREWALL,
                Some(6),
                Some(44),
                Some(0),
                Some(0),
            ),
            (Linktype::IPNET, Some(1), Some(24), Some(0), None),
            (Linktype::NETANALYZER, Some(16), Some(18), Some(0), Some(3)),
            (
                Linktype::NETANALYZER_TRANSPARENT,
                Some(24),
                Some(26),
                Some(0),
                Some(3),
            ),
            (Linktype::BACNET_MS_TP, None, None, None, None),
            (Linktype::MTP2, None, None, None, None),
            (Linktype::MTP2_WITH_PHDR, None, None, None, None),
            (Linktype::ERF, None, None, None, None),
            (Linktype::NFLOG, None, None, None, None),
        ];
        for &(lt, ty, pl, nl, nosnap) in rows {
            let l = get(lt);
            assert_eq!(l.type_offset, ty, "{lt:?} off_linktype");
            assert_eq!(l.payload_offset(), pl, "{lt:?} off_linkpl");
            assert_eq!((l.nl, l.nl_nosnap), (nl, nosnap), "{lt:?} off_nl");
            assert!(!l.is_variable(), "{lt:?}");
        }
    }

    #[test]
    fn variable_headers() {
        for (lt, prefix) in [
            (Linktype::IEEE802_11, None),
            (Linktype::PRISM_HEADER, Some(Variable::Prism)),
            (Linktype::IEEE802_11_RADIO_AVS, Some(Variable::Avs)),
            (Linktype::IEEE802_11_RADIO, Some(Variable::Radiotap)),
            (Linktype::PPI, Some(Variable::Ppi)),
        ] {
            let l = get(lt);
            assert!(l.is_variable());
            assert_eq!(l.link_header.variable, prefix, "{lt:?}");
            assert_eq!(l.type_offset, Some(24));
            assert_eq!(l.type_field, TypeField::Llc);
            assert_eq!(l.payload, Some(Offset::variable(0, Variable::Ieee80211)));
            assert_eq!(l.payload_offset(), None);
            assert_eq!((l.nl, l.nl_nosnap), (Some(8), Some(3)));
        }
        let pflog = get(Linktype::PFLOG);
        assert_eq!(pflog.payload, Some(Offset::variable(0, Variable::Pflog)));
        assert_eq!(pflog.type_field, TypeField::PflogAf);
        assert_eq!(get(Linktype::NETANALYZER).link_header, Offset::fixed(4));
    }

    #[test]
    fn type_fields() {
        assert_eq!(get(Linktype::NULL).type_field, TypeField::AfHostOrder);
        assert_eq!(get(Linktype::LOOP).type_field, TypeField::AfNetworkOrder);
        assert_eq!(get(Linktype::LINUX_SLL).type_field, TypeField::LinuxSll);
        assert_eq!(get(Linktype::LINUX_SLL2).type_field, TypeField::EtherType);
        assert_eq!(get(Linktype::PPP_BSDOS).type_field, TypeField::PppBsdos);
        assert_eq!(get(Linktype(112)).type_field, TypeField::CiscoHdlc);
        assert_eq!(
            get(Linktype::IPV6).type_field,
            TypeField::Implied(EtherType::IPV6)
        );
        assert_eq!(
            get(Linktype::NFLOG).type_field,
            TypeField::NotImplemented("NFLOG")
        );
        assert_eq!(
            get(Linktype::JUNIPER_ETHER).type_field,
            TypeField::JuniperCookie
        );
        assert_eq!(get(Linktype::SUNATM).atm.map(|a| a.vci), Some(2));
        assert_eq!(get(Linktype::ERF).ss7.map(|s| s.sls), Some(27));
        assert_eq!(get(Linktype::MTP2).ss7.map(|s| (s.li, s.sio)), Some((2, 3)));
        assert!(Layout::of(Linktype::USB_LINUX_MMAPPED).is_some());
        assert!(Layout::of(Linktype::DBUS).is_none());
    }

    #[test]
    fn one_entry_per_link_type() {
        let all = Layout::all();
        for (i, a) in all.iter().enumerate() {
            assert!(
                all.iter().skip(i + 1).all(|b| b.linktype != a.linktype),
                "{:?} listed twice",
                a.linktype
            );
            assert!(!a.source.is_empty());
        }
    }

    #[test]
    fn ppp_numbers() {
        assert_eq!(ppp::from_ethertype(0x0800), 0x21);
        assert_eq!(ppp::from_ethertype(0x86dd), 0x57);
        assert_eq!(ppp::from_ethertype(0x6003), 0x27);
        assert_eq!(ppp::from_ethertype(0x809b), 0x29);
        assert_eq!(ppp::from_ethertype(0x0600), 0x25);
        assert_eq!(ppp::from_ethertype(0xfe), 0x23);
        assert_eq!(ppp::from_ethertype(0x42), 0x31);
        assert_eq!(ppp::from_ethertype(0xe0), 0x2b);
        assert_eq!(ppp::from_ethertype(0x8847), 0x8847);
    }
}
