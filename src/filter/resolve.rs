//! The resolved tree: the syntax tree with every qualifier checked, every name looked up and
//! every number in range — the input of code generation, which needs no lookup and makes no
//! decision that does not depend on the link type or the handle.
//!
//! What resolution settles (everything here is independent of the link type):
//!
//! * **Qualifier inheritance and validity**: each primitive carries the protocol and direction
//!   it applies to, restricted to the combinations libpcap accepts for it (`tcp host x` and
//!   `ip6 host 1.2.3.4` are errors here, with libpcap's messages).
//! * **Numbers and addresses**: `host 10.1` is the network 10.1.0.0/16, `net 10` is 10.0.0.0/8,
//!   masks and prefix lengths are checked, ports are ≤ 65535, VLAN ids ≤ 4095, …
//! * **Names**, through a [`Resolver`](super::Resolver): host names to all their addresses in
//!   resolver order, networks, ports (per transport protocol), IP protocols, Ethernet hosts,
//!   and the fixed tables (Ethernet protocol names, 802.11 types, LLC, PF reasons and actions).
//! * **libpcap's parse-time checks**: `division by zero`, `modulus by zero` and
//!   `shift by more than 31 bits` when the right operand's first instruction loads a constant.
//!
//! What is left to code generation (it depends on the link type, the handle or the netmask):
//! link-type support ("… supported only on …"), `ip broadcast` and the netmask, the `vlan`/
//! `mpls`/`pppoes`/`geneve` offset shifts, the default protocol of host names on link types
//! without a type field, register allocation, and program size.
//!
//! **Order.** Children are in source order. Generating code by a left-to-right post-order walk
//! (children first, `And`/`Or` operands in order, a relation's left operand, then its right
//! one, then the comparison) visits primitives in the order libpcap's parser generates them,
//! which matters for the offset shifts of `vlan`, `mpls`, `pppoes` and `geneve` and for the
//! scratch registers arithmetic uses.
//!
//! **Depth.** The tree is as deep as the expression's nesting, which the parser bounds by
//! [`limits::MAX_NEST`](super::limits::MAX_NEST); chains of `and`/`or` and left-associative
//! arithmetic are flat vectors.

use super::ast::{AtmField, AtmKeyword, ByteOp, Mtp2Type, Mtp3Field, ProtoName, RelOp};
use super::span::Span;

pub use super::ast::ArithOp;

/// A resolved filter: `None` for the empty expression, which accepts every packet.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Filter {
    /// The expression, if not empty.
    pub expr: Option<Expr>,
}

/// A boolean expression.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// The text it came from (for error messages).
    pub span: Span,
}

/// The kinds of boolean expression.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ExprKind {
    /// All of them, tested in order (libpcap's `gen_and` chain): two or more.
    And(Vec<Expr>),
    /// Any of them, tested in order (libpcap's `gen_or` chain): two or more.
    Or(Vec<Expr>),
    /// The negation (libpcap's `gen_not`: no code, the exits swap).
    Not(Box<Expr>),
    /// A primitive test.
    Prim(Prim),
}

/// A direction for addresses and ports: which field(s) of the header to compare.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Dir {
    /// The source field.
    Src,
    /// The destination field.
    Dst,
    /// Either (`src or dst`, and the default when no direction is written): libpcap's `Q_OR`
    /// and `Q_DEFAULT`, which generate the same code (source test first).
    SrcOrDst,
    /// Both (`src and dst`), source test first.
    SrcAndDst,
}

/// A direction for link-layer (MAC) addresses, which on 802.11 can also name one of the four
/// address fields or the receiver/transmitter address. On other link types the 802.11-only
/// directions are errors ("'addr1' and 'address1' are only supported on 802.11 with 802.11
/// headers", …), which code generation reports.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum MacDir {
    /// `src`.
    Src,
    /// `dst`.
    Dst,
    /// `src or dst` and the default.
    SrcOrDst,
    /// `src and dst`.
    SrcAndDst,
    /// `addr1` / `address1`.
    Addr1,
    /// `addr2` / `address2`.
    Addr2,
    /// `addr3` / `address3`.
    Addr3,
    /// `addr4` / `address4`.
    Addr4,
    /// `ra`.
    Ra,
    /// `ta`.
    Ta,
}

/// The protocol qualifier of an IP host or network test.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum HostProto {
    /// No qualifier. For an IPv4 address: `ip` or `arp` or `rarp` (in that order; only `ip`
    /// inside MPLS). For an IPv6 address: `ip6`. For addresses from a **host name** on a link
    /// type without a type field (RAW, IPV4, IPV6, SLIP, …; `off_linktype` not set): `ip` for
    /// IPv4 and `ip6` for IPv6 only ([`Host::by_host_name`]).
    Default,
    /// `ip`: IPv4 source/destination address (only with IPv4 nets).
    Ip,
    /// `arp`: ARP sender/target protocol address (only with IPv4 nets).
    Arp,
    /// `rarp`: RARP sender/target protocol address (only with IPv4 nets).
    Rarp,
    /// `ip6` (only with IPv6 nets).
    Ip6,
}

/// An IPv4 or IPv6 address with a mask: a host is a network with a full mask.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum IpNet {
    /// IPv4: `addr & !mask == 0`; `mask` need not be contiguous (`net A mask M`).
    V4 {
        /// The address, as a host-order number (`10.0.0.1` = `0x0a000001`).
        addr: u32,
        /// The mask, host order (`0xffffffff` for a host).
        mask: u32,
    },
    /// IPv6: the first `prefix` bits of `addr` are compared; the others are zero.
    V6 {
        /// The address bytes in network order.
        addr: [u8; 16],
        /// Prefix length, 0 to 128 (128 for a host).
        prefix: u8,
    },
}

/// An IP host or network test (`host`, `net`, and ids without a type qualifier).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Host {
    /// The protocol qualifier; only combinations valid for `nets` occur.
    pub proto: HostProto,
    /// Which address field(s).
    pub dir: Dir,
    /// One test per address, OR-ed in this order: one for a literal, all addresses of a host
    /// name in the resolver's order (never empty).
    pub nets: Vec<IpNet>,
    /// `Some(name)` when `nets` are the addresses of a host name: then
    /// [`HostProto::Default`] means `ip`/`ip6` only on link types without a type field.
    pub by_host_name: Option<String>,
}

/// The transport protocol(s) a port test applies to.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum PortProto {
    /// TCP or UDP or SCTP (in that order; libpcap's `PROTO_UNDEF`): no qualifier and a number,
    /// or a service name with the same port for TCP and UDP.
    Any,
    /// TCP (6).
    Tcp,
    /// UDP (17).
    Udp,
    /// SCTP (132).
    Sctp,
}

/// The protocol layer of `… proto N`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum ProtoLayer {
    /// `proto N`: `ip proto N` or `ip6 proto N`, in that order.
    Default,
    /// `ip proto N`: the IPv4 protocol field.
    Ip,
    /// `ip6 proto N`: the IPv6 next header, looking through one fragment header.
    Ip6,
    /// `ether proto N` / `link proto N`: the link-layer type (Ethernet type if > 1500, else an
    /// LLC SAP).
    Link,
    /// `iso proto N`: the ISO NLPID.
    Iso,
    /// `isis proto N`: the IS-IS PDU type.
    Isis,
}

/// The IP family of `protochain`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Family {
    /// `protochain N`: IPv4, then IPv6 (OR-ed in that order).
    Any,
    /// `ip protochain N`.
    Ip,
    /// `ip6 protochain N`.
    Ip6,
}

/// What `broadcast` / `multicast` test.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum CastLayer {
    /// The link-layer destination (`broadcast`, `ether broadcast`, `multicast`, …).
    Link,
    /// The IPv4 destination (`ip broadcast` needs the netmask, `ip multicast`).
    Ip,
    /// The IPv6 destination (`ip6 multicast` only).
    Ip6,
}

/// An IEEE 802.2 LLC test.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Llc {
    /// `llc`: any LLC frame.
    Any,
    /// `llc i`: information frames (control bit 0 clear).
    I,
    /// `llc s`: supervisory frames (`control & 3 == 1`).
    S,
    /// `llc u`: unnumbered frames (`control & 3 == 3`).
    U,
    /// `llc rr|rnr|rej`: a supervisory subtype (compared under mask 0x0f): 0x01, 0x05, 0x09.
    SSubtype(u8),
    /// `llc ui|ua|disc|dm|sabme|test|xid|frmr`: an unnumbered subtype (mask 0xef).
    USubtype(u8),
}

/// A primitive test, with its span.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Prim {
    /// What it tests.
    pub kind: PrimKind,
    /// The text it came from. For an inherited id (`b` in `host a or b`) the span of the id.
    pub span: Span,
}

/// The primitives code generation implements (libpcap's `gen_*` entry points).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum PrimKind {
    /// IPv4/IPv6 host and network tests (`gen_host`, `gen_host6`).
    Host(Host),
    /// `ether [dir] host MAC` / `ether host NAME` (looked up in ethers) (`gen_ehostop`,
    /// `gen_fhostop`, `gen_thostop`, `gen_wlanhostop`, `gen_ipfchostop` by link type; other link
    /// types: "ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM
    /// LANE/Fibre Channel"; from a name: "only ethernet/FDDI/token ring/802.11/ATM LANE/Fibre
    /// Channel supports link-level host name").
    LinkHost {
        /// Which address field(s).
        dir: MacDir,
        /// The address.
        addr: [u8; 6],
        /// Whether it came from an ethers name (only the error message differs).
        by_name: bool,
    },
    /// `[link] [dir] [host] $xx`, an ARCnet address (`gen_acode`; ARCnet link types only:
    /// "aid supported only on ARCnet"). Other qualifiers are rejected during resolution.
    Arcnet {
        /// Which address field(s).
        dir: Dir,
        /// The address byte (the hex digits after `$`).
        addr: u8,
    },
    /// `decnet [dir] host AREA.NODE` (`gen_dnhostop`). `addr` is the value libpcap passes:
    /// `(area << 10 & 0xfc00) | (node & 0x3ff)` for `area.node`, the number for `decnet host N`,
    /// and for `decnet net A/len` or `A mask M` the promoted IPv4-style value (libpcap 1.10.3
    /// ignores the mask there).
    Decnet {
        /// Which address field(s).
        dir: Dir,
        /// The address value (see above).
        addr: u32,
    },
    /// `[tcp|udp|sctp] [dir] port N` (`gen_port` + `gen_port6`).
    Port {
        /// The transport protocol(s).
        proto: PortProto,
        /// Which port field(s).
        dir: Dir,
        /// The port.
        port: u16,
    },
    /// `[tcp|udp|sctp] [dir] portrange LOW-HIGH` (`gen_portrange` + `gen_portrange6`), with
    /// `low <= high`. `portrange N` is `N-N`.
    PortRange {
        /// The transport protocol(s).
        proto: PortProto,
        /// Which port field(s).
        dir: Dir,
        /// Lowest port.
        low: u16,
        /// Highest port.
        high: u16,
    },
    /// `[layer] proto N` (`gen_proto`). N is not range-checked (libpcap compares it as given).
    Proto {
        /// Which protocol field.
        layer: ProtoLayer,
        /// The protocol number.
        proto: u32,
    },
    /// `[ip|ip6] protochain N` (`gen_protochain`).
    Protochain {
        /// Which IP version(s).
        family: Family,
        /// The protocol number looked for.
        proto: u32,
    },
    /// A protocol name alone (`gen_proto_abbrev`): `ip`, `tcp`, `isis`, `l1`, `stp`, …; never
    /// [`ProtoName::Link`] or [`ProtoName::Radio`] (errors).
    Abbrev(ProtoName),
    /// `lhs op rhs` (`gen_relation`): `<=`, `<` and `!=` are the negations of `>`, `>=`
    /// and `=` ([`RelOp::as_jump`]).
    Relation {
        /// The comparison.
        op: RelOp,
        /// Left operand (generated first).
        lhs: Arith,
        /// Right operand.
        rhs: Arith,
    },
    /// `less N`: wire length ≤ N (`gen_less`: not `len > N`).
    Less(u32),
    /// `greater N`: wire length ≥ N (`gen_greater`).
    Greater(u32),
    /// `byte N op V` (`gen_byteop`; `&` and `|` keep libpcap 1.10.3's bug: no load, test of
    /// `A op V` on whatever the accumulator holds).
    Byte {
        /// Byte offset from the link header.
        offset: u32,
        /// The operator.
        op: ByteOp,
        /// The operand.
        value: u32,
    },
    /// `[proto] broadcast` (`gen_broadcast`; `ip broadcast` needs the netmask).
    Broadcast(CastLayer),
    /// `[proto] multicast` (`gen_multicast`).
    Multicast(CastLayer),
    /// `inbound` (`gen_inbound(0)`).
    Inbound,
    /// `outbound` (`gen_inbound(1)`).
    Outbound,
    /// `ifindex N` (`gen_ifindex`).
    Ifindex(u32),
    /// `vlan [id]`, id ≤ 4095 (`gen_vlan`; shifts later offsets).
    Vlan(Option<u16>),
    /// `mpls [label]`, label ≤ 0xfffff (`gen_mpls`; shifts later offsets).
    Mpls(Option<u32>),
    /// `pppoed` (`gen_pppoed`).
    Pppoed,
    /// `pppoes [session]`, session ≤ 65535 (`gen_pppoes`; later tests see PPP).
    Pppoes(Option<u16>),
    /// `geneve [vni]`, vni ≤ 0xffffff (`gen_geneve`; later tests see the inner frame).
    Geneve(Option<u32>),
    /// `on|ifname NAME` (PFLOG; at most 15 bytes).
    PfIfname(String),
    /// `rset|ruleset NAME` (PFLOG; at most 15 bytes).
    PfRuleset(String),
    /// `rnr|rulenum N` (PFLOG).
    PfRuleNumber(u32),
    /// `srnr|subrulenum N` (PFLOG).
    PfSubruleNumber(u32),
    /// `reason N|NAME` (PFLOG), the reason code (compared as a byte).
    PfReason(u32),
    /// `action NAME` (PFLOG), the action code.
    PfAction(u32),
    /// `type T [subtype S]`, `subtype S` (802.11): `frame_control[0] & mask == value`
    /// (`gen_p80211_type`).
    WlanType {
        /// The value (type bits 0x0c, subtype bits 0xf0).
        value: u8,
        /// 0x0c for a type, 0xfc for a type and subtype.
        mask: u8,
    },
    /// `dir N|nods|tods|fromds|dstods` (802.11): `frame_control[1] & 3 == N`
    /// (`gen_p80211_fcdir`; N is not range-checked in libpcap 1.10.3).
    WlanDir(u32),
    /// `llc …` (`gen_llc*`).
    Llc(Llc),
    /// An ATM keyword (`gen_atmtype_abbrev`, `gen_atmmulti_abbrev`).
    Atm(AtmKeyword),
    /// `vpi|vci relop N`; a list `vpi (1 or 2)` is an `Or` of `Eq` tests (`gen_atmfield_code`).
    AtmField {
        /// The field.
        field: AtmField,
        /// The comparison (libpcap 1.10.3 compiles `!=` like `=`).
        op: RelOp,
        /// The value.
        value: u32,
    },
    /// An MTP2 signal unit type (`gen_mtp2type_abbrev`).
    Mtp2(Mtp2Type),
    /// `sio|opc|dpc|sls… relop N`, N in the field's range (`gen_mtp3field_code`); lists are
    /// `Or`s of `Eq` tests.
    Mtp3Field {
        /// The field.
        field: Mtp3Field,
        /// The comparison (libpcap 1.10.3 compiles `!=` like `=`).
        op: RelOp,
        /// The value.
        value: u32,
    },
}

/// An arithmetic expression (a value computed into a scratch register).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Arith {
    /// What it computes.
    pub kind: ArithKind,
    /// The text it came from.
    pub span: Span,
}

/// The kinds of arithmetic expression (libpcap's `gen_loadi`, `gen_loadlen`, `gen_load`,
/// `gen_neg`, `gen_arth`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ArithKind {
    /// A constant.
    Num(u32),
    /// The packet's length on the wire.
    Len,
    /// `proto[index:size]`: `size` bytes (1, 2 or 4) at `index` from the start of `proto`'s
    /// header. `proto` is one of `link` (the link header), `ip`, `arp`, `rarp`, `atalk`,
    /// `decnet`, `sca`, `lat`, `moprc`, `mopdl`, `ip6` (the network header), `tcp`, `udp`,
    /// `sctp`, `icmp`, `igmp`, `igrp`, `pim`, `vrrp`, `carp` (after the IPv4 header, IPv4 only,
    /// not fragments), `icmp6` (after the fixed IPv6 header), `radio` (the radio header; code
    /// generation rejects it on link types without one).
    Load {
        /// The protocol the index is relative to.
        proto: ProtoName,
        /// The byte offset (computed first).
        index: Box<Arith>,
        /// 1, 2 or 4.
        size: u8,
    },
    /// `-a`.
    Neg(Box<Arith>),
    /// `((first op1 a1) op2 a2) …`, left to right: each step is libpcap's `gen_arth`
    /// (operands computed in order, then combined). Never empty.
    Chain {
        /// The leftmost operand.
        first: Box<Arith>,
        /// The operators and right operands, in order.
        rest: Vec<(ArithOp, Arith)>,
    },
}
