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
//! * **Names**, through a [`Resolver`]: host names to all their addresses in
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

// ---------------------------------------------------------------------------------------------
// The resolution pass.

use super::ast::{self, AddrQual, DirQual, FieldValue, Id, IdExpr, NumOrName, Quals};
use super::error::{Error, ErrorKind};
use super::limits::{MAX_ADDRESSES_PER_NAME, MAX_NEST};
use super::names::{self, LookupError, Resolver, Transport};
use super::span::Spanned;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Resolves a syntax tree (of `expr`, for error messages) with `resolver`.
pub fn resolve(ast: &ast::Ast, expr: &str, resolver: &dyn Resolver) -> Result<Filter, Error> {
    let r = Resolution { expr, resolver };
    Ok(Filter {
        expr: match &ast.expr {
            Some(e) => Some(r.expr(e, 0)?),
            None => None,
        },
    })
}

struct Resolution<'a> {
    expr: &'a str,
    resolver: &'a dyn Resolver,
}

/// The field of a `vpi …` / `sio …` test.
#[derive(Clone, Copy)]
enum Field {
    Atm(AtmField),
    Mtp3(Mtp3Field),
}

/// A protocol qualifier, `None` meaning none written (libpcap's `Q_DEFAULT`).
type ProtoQ = Option<Spanned<ProtoName>>;

impl Resolution<'_> {
    fn err(&self, kind: ErrorKind, span: Span, msg: impl Into<String>) -> Error {
        Error::new(kind, self.expr, span, msg)
    }

    fn expr(&self, e: &ast::Expr, depth: usize) -> Result<Expr, Error> {
        if depth > 3 * MAX_NEST {
            return Err(self.err(ErrorKind::TooDeep, e.span, "expression nested too deeply"));
        }
        let kind = match &e.kind {
            ast::ExprKind::And(v) => ExprKind::And(self.list(v, depth)?),
            ast::ExprKind::Or(v) => ExprKind::Or(self.list(v, depth)?),
            ast::ExprKind::Not(x) => ExprKind::Not(Box::new(self.expr(x, depth + 1)?)),
            ast::ExprKind::Paren(x) => return self.expr(x, depth + 1),
            ast::ExprKind::Id(id) => return self.id(id),
            ast::ExprKind::AtmField { field, value } => {
                return self.fields(Field::Atm(field.value), value, e.span)
            }
            ast::ExprKind::Mtp3Field { field, value } => {
                return self.fields(Field::Mtp3(field.value), value, e.span)
            }
            other => ExprKind::Prim(Prim {
                kind: self.primitive(other, e.span, depth)?,
                span: e.span,
            }),
        };
        Ok(Expr { kind, span: e.span })
    }

    fn list(&self, v: &[ast::Expr], depth: usize) -> Result<Vec<Expr>, Error> {
        v.iter().map(|e| self.expr(e, depth + 1)).collect()
    }

    fn prim(kind: PrimKind, span: Span) -> Expr {
        Expr {
            kind: ExprKind::Prim(Prim { kind, span }),
            span,
        }
    }

    /// Several primitives OR-ed (`vpi (1 or 2)`), or the one.
    fn any_of(mut prims: Vec<Expr>, span: Span) -> Expr {
        if prims.len() == 1 {
            prims
                .pop()
                .unwrap_or_else(|| Self::prim(PrimKind::Inbound, span))
        } else {
            Expr {
                kind: ExprKind::Or(prims),
                span,
            }
        }
    }

    // ---- ids --------------------------------------------------------------------------------

    fn id(&self, id: &IdExpr) -> Result<Expr, Error> {
        let span = id.id.span;
        let Some(q) = id.quals else {
            return Err(self.err(
                ErrorKind::MissingQualifier,
                span,
                format!(
                    "syntax error in filter expression: '{}' needs a qualifier such as 'host', \
                     'net' or 'port'",
                    span.slice(self.expr)
                ),
            ));
        };
        let kind = match &id.id.value {
            Id::Num(v) => return self.number(*v, &q, span),
            Id::Ipv4(text) => self.ipv4(text, &q, span)?,
            Id::Ipv4Cidr { addr, len } => {
                let (n, nlen) = self.atoin(addr, span)?;
                let n = promote(n, nlen);
                if len.value > 32 {
                    return Err(self.err(
                        ErrorKind::OutOfRange,
                        len.span,
                        "mask length must be <= 32",
                    ));
                }
                let m = if len.value == 0 {
                    0
                } else {
                    u32::MAX << (32 - len.value)
                };
                if n & !m != 0 {
                    return Err(self.err(
                        ErrorKind::NonNetworkBits,
                        span,
                        format!("non-network bits set in \"{addr}/{}\"", len.value),
                    ));
                }
                self.masked_net(n, m, &q, span)?
            }
            Id::Ipv4Mask { addr, mask } => {
                let (n, nlen) = self.atoin(addr, span)?;
                let n = promote(n, nlen);
                let (m, mlen) = self.atoin(&mask.value, mask.span)?;
                let m = promote(m, mlen);
                if n & !m != 0 {
                    return Err(self.err(
                        ErrorKind::NonNetworkBits,
                        span,
                        format!("non-network bits set in \"{addr} mask {}\"", mask.value),
                    ));
                }
                self.masked_net(n, m, &q, span)?
            }
            Id::Ipv6(a) => self.ipv6(*a, 128, &q, span)?,
            Id::Ipv6Cidr { addr, len } => {
                if len.value > 128 {
                    return Err(self.err(
                        ErrorKind::OutOfRange,
                        len.span,
                        "mask length must be <= 128",
                    ));
                }
                let bits = u128::from_be_bytes(addr.octets());
                let mask = if len.value == 0 {
                    0
                } else {
                    u128::MAX << (128 - len.value)
                };
                if bits & !mask != 0 {
                    let text = span.slice(self.expr);
                    let text = text.split('/').next().unwrap_or(text);
                    return Err(self.err(
                        ErrorKind::NonNetworkBits,
                        span,
                        format!("non-network bits set in \"{text}/{}\"", len.value),
                    ));
                }
                self.ipv6(*addr, len.value as u8, &q, span)?
            }
            Id::Mac(mac) => {
                let host_like = matches!(q.addr.map(|a| a.value), None | Some(AddrQual::Host));
                if !(host_like && q.proto.map(|p| p.value) == Some(ProtoName::Link)) {
                    return Err(self.qual_err(
                        &q,
                        span,
                        "ethernet address used in non-ether expression",
                    ));
                }
                PrimKind::LinkHost {
                    dir: self.mac_dir(&q),
                    addr: *mac,
                    by_name: false,
                }
            }
            Id::Arcnet(hex) => {
                let host_like = matches!(q.addr.map(|a| a.value), None | Some(AddrQual::Host));
                if !(host_like && q.proto.map(|p| p.value) == Some(ProtoName::Link)) {
                    return Err(self.qual_err(
                        &q,
                        span,
                        "ARCnet address used in non-arc expression",
                    ));
                }
                let dir = self.dir(&q, "802.11 only")?;
                PrimKind::Arcnet {
                    dir,
                    addr: u8::from_str_radix(hex, 16).unwrap_or(0),
                }
            }
            Id::Name(name) => return self.name(name, &q, span),
        };
        Ok(Self::prim(kind, span))
    }

    /// An error about the qualifiers of an id: points at the id, and at the qualifiers.
    fn qual_err(&self, q: &Quals, span: Span, msg: impl Into<String>) -> Error {
        let e = self.err(ErrorKind::InvalidQualifier, span, msg);
        match q.span() {
            Some(qs) if qs != span => e.with_secondary(qs),
            _ => e,
        }
    }

    /// The direction of an IP address, DECnet address or port (`what` names it in messages).
    fn dir(&self, q: &Quals, what: &str) -> Result<Dir, Error> {
        let Some(d) = q.dir else {
            return Ok(Dir::SrcOrDst);
        };
        Ok(match d.value {
            DirQual::Src => Dir::Src,
            DirQual::Dst => Dir::Dst,
            DirQual::SrcOrDst => Dir::SrcOrDst,
            DirQual::SrcAndDst => Dir::SrcAndDst,
            other => {
                let words = match other {
                    DirQual::Addr1 => "'addr1' and 'address1' are",
                    DirQual::Addr2 => "'addr2' and 'address2' are",
                    DirQual::Addr3 => "'addr3' and 'address3' are",
                    DirQual::Addr4 => "'addr4' and 'address4' are",
                    DirQual::Ra => "'ra' is",
                    _ => "'ta' is",
                };
                let msg = if what == "802.11 only" {
                    format!("{words} only supported on 802.11")
                } else {
                    let plural = if words.contains(" are") {
                        "not valid qualifiers"
                    } else {
                        "not a valid qualifier"
                    };
                    format!("{words} {plural} for {what}")
                };
                return Err(self
                    .err(ErrorKind::InvalidQualifier, d.span, msg)
                    .with_secondary(d.span));
            }
        })
    }

    fn mac_dir(&self, q: &Quals) -> MacDir {
        match q.dir.map(|d| d.value) {
            None | Some(DirQual::SrcOrDst) => MacDir::SrcOrDst,
            Some(DirQual::Src) => MacDir::Src,
            Some(DirQual::Dst) => MacDir::Dst,
            Some(DirQual::SrcAndDst) => MacDir::SrcAndDst,
            Some(DirQual::Addr1) => MacDir::Addr1,
            Some(DirQual::Addr2) => MacDir::Addr2,
            Some(DirQual::Addr3) => MacDir::Addr3,
            Some(DirQual::Addr4) => MacDir::Addr4,
            Some(DirQual::Ra) => MacDir::Ra,
            Some(DirQual::Ta) => MacDir::Ta,
        }
    }

    /// libpcap's `__pcap_atoin`: dotted decimal, each part at most 255; the number of bits given.
    fn atoin(&self, text: &str, span: Span) -> Result<(u32, u32), Error> {
        atoin(text).ok_or_else(|| {
            self.err(
                ErrorKind::InvalidIpv4Address,
                span,
                format!("invalid IPv4 address '{text}'"),
            )
        })
    }

    /// `gen_ncode` for a number.
    fn number(&self, v: u32, q: &Quals, span: Span) -> Result<Expr, Error> {
        let proto = q.proto;
        let kind = match q.addr.map(|a| a.value) {
            None | Some(AddrQual::Host) | Some(AddrQual::Net) => {
                if proto.map(|p| p.value) == Some(ProtoName::Decnet) {
                    PrimKind::Decnet {
                        dir: self.dir(q, "addresses other than 802.11 MAC addresses")?,
                        addr: v,
                    }
                } else if proto.map(|p| p.value) == Some(ProtoName::Link) {
                    return Err(self.qual_err(q, span, "illegal link layer address"));
                } else {
                    let (mut v, mut mask) = (v, u32::MAX);
                    if q.addr.map(|a| a.value) == Some(AddrQual::Net) {
                        // Promote a short net number: `net 10` is 10.0.0.0/8.
                        while v != 0 && v & 0xff00_0000 == 0 {
                            v <<= 8;
                            mask <<= 8;
                        }
                    }
                    self.host4(v, mask, q, span)?
                }
            }
            Some(AddrQual::Port) | Some(AddrQual::Portrange) => {
                let range = q.addr.map(|a| a.value) == Some(AddrQual::Portrange);
                let proto = self.port_proto(q, span, range)?;
                if v > 65535 {
                    return Err(self.err(
                        ErrorKind::OutOfRange,
                        span,
                        format!("illegal port number {v} > 65535"),
                    ));
                }
                let what = if range { "port ranges" } else { "ports" };
                let dir = self.dir(q, what)?;
                let port = v as u16;
                if range {
                    PrimKind::PortRange {
                        proto,
                        dir,
                        low: port,
                        high: port,
                    }
                } else {
                    PrimKind::Port { proto, dir, port }
                }
            }
            Some(AddrQual::Gateway) => {
                return Err(self.qual_err(q, span, "'gateway' requires a name"));
            }
            Some(AddrQual::Proto) => self.proto(v, q, span)?,
            Some(AddrQual::Protochain) => self.protochain(v, q, span)?,
        };
        Ok(Self::prim(kind, span))
    }

    /// A dotted IPv4 address (HID) with `host`, `net` or no type qualifier.
    fn ipv4(&self, text: &str, q: &Quals, span: Span) -> Result<PrimKind, Error> {
        let addr = q.addr.map(|a| a.value);
        if let Some(
            a @ (AddrQual::Port | AddrQual::Portrange | AddrQual::Proto | AddrQual::Protochain),
        ) = addr
        {
            return Err(self.qual_err(
                q,
                span,
                format!("'{}' modifier applied to ip host", a.as_str()),
            ));
        }
        if q.proto.map(|p| p.value) == Some(ProtoName::Decnet) {
            let Some(v) = atodn(text) else {
                return Err(self.err(
                    ErrorKind::InvalidDecnetAddress,
                    span,
                    format!("malformed decnet address '{text}'"),
                ));
            };
            if addr == Some(AddrQual::Gateway) {
                return Err(self.qual_err(q, span, "'gateway' requires a name"));
            }
            return Ok(PrimKind::Decnet {
                dir: self.dir(q, "addresses other than 802.11 MAC addresses")?,
                addr: v,
            });
        }
        let (v, vlen) = self.atoin(text, span)?;
        if addr == Some(AddrQual::Gateway) {
            return Err(self.qual_err(q, span, "'gateway' requires a name"));
        }
        if q.proto.map(|p| p.value) == Some(ProtoName::Link) {
            return Err(self.qual_err(q, span, "illegal link layer address"));
        }
        // `host 10.1` is the network 10.1.0.0/16.
        let shift = 32 - vlen;
        let (v, mask) = if shift >= 32 {
            (0, 0)
        } else {
            (v << shift, u32::MAX << shift)
        };
        self.host4(v, mask, q, span)
    }

    /// `net A/len`, `net A mask M`: networks only.
    fn masked_net(&self, n: u32, m: u32, q: &Quals, span: Span) -> Result<PrimKind, Error> {
        if q.addr.map(|a| a.value) != Some(AddrQual::Net) {
            return Err(self.qual_err(q, span, "Mask syntax for networks only"));
        }
        if q.proto.map(|p| p.value) == Some(ProtoName::Decnet) {
            // libpcap 1.10.3 hands the promoted address to the DECnet test and drops the mask.
            return Ok(PrimKind::Decnet {
                dir: self.dir(q, "addresses other than 802.11 MAC addresses")?,
                addr: n,
            });
        }
        self.host4(n, m, q, span)
    }

    /// The protocol of an IPv4 host/net test (`gen_host`), or libpcap's error for it.
    fn host4_proto(&self, q: &Quals, span: Span) -> Result<HostProto, Error> {
        let is_net = q.addr.map(|a| a.value) == Some(AddrQual::Net);
        let what = if is_net { "net" } else { "host" };
        let Some(p) = q.proto else {
            return Ok(HostProto::Default);
        };
        use ProtoName as P;
        let msg = match p.value {
            P::Ip => return Ok(HostProto::Ip),
            P::Arp => return Ok(HostProto::Arp),
            P::Rarp => return Ok(HostProto::Rarp),
            P::Link => format!("link-layer modifier applied to {what}"),
            P::Atalk => "AppleTalk host filtering not implemented".into(),
            P::Lat => "LAT host filtering not implemented".into(),
            P::Sca => "SCA host filtering not implemented".into(),
            P::Moprc => "MOPRC host filtering not implemented".into(),
            P::Mopdl => "MOPDL host filtering not implemented".into(),
            P::Aarp => "AARP host filtering not implemented".into(),
            P::Iso => "ISO host filtering not implemented".into(),
            P::Ipx => "IPX host filtering not implemented".into(),
            P::Ip6 => "'ip6' modifier applied to ip host".into(),
            other => format!("'{}' modifier applied to {what}", other.as_str()),
        };
        Err(self
            .err(ErrorKind::InvalidQualifier, span, msg)
            .with_secondary(p.span))
    }

    /// The protocol of an IPv6 host/net test (`gen_host6`), or libpcap's error for it.
    fn host6_proto(&self, q: &Quals, span: Span) -> Result<HostProto, Error> {
        let is_net = q.addr.map(|a| a.value) == Some(AddrQual::Net);
        let what = if is_net { "net" } else { "host" };
        let Some(p) = q.proto else {
            return Ok(HostProto::Default);
        };
        use ProtoName as P;
        let msg = match p.value {
            P::Ip6 => return Ok(HostProto::Ip6),
            P::Link => format!("link-layer modifier applied to ip6 {what}"),
            P::Atalk => format!("AppleTalk modifier applied to ip6 {what}"),
            other => format!("'{}' modifier applied to ip6 {what}", other.as_str()),
        };
        Err(self
            .err(ErrorKind::InvalidQualifier, span, msg)
            .with_secondary(p.span))
    }

    fn host4(&self, addr: u32, mask: u32, q: &Quals, span: Span) -> Result<PrimKind, Error> {
        let proto = self.host4_proto(q, span)?;
        let dir = self.dir(q, "addresses other than 802.11 MAC addresses")?;
        Ok(PrimKind::Host(Host {
            proto,
            dir,
            nets: vec![IpNet::V4 { addr, mask }],
            by_host_name: None,
        }))
    }

    /// An IPv6 address or network (`gen_mcode6`).
    fn ipv6(&self, a: Ipv6Addr, prefix: u8, q: &Quals, span: Span) -> Result<PrimKind, Error> {
        match q.addr.map(|a| a.value) {
            None | Some(AddrQual::Host) => {
                if prefix != 128 {
                    return Err(self.qual_err(q, span, "Mask syntax for networks only"));
                }
            }
            Some(AddrQual::Net) => {}
            Some(_) => {
                return Err(self.qual_err(q, span, "invalid qualifier against IPv6 address"))
            }
        }
        let proto = self.host6_proto(q, span)?;
        let dir = self.dir(q, "addresses other than 802.11 MAC addresses")?;
        Ok(PrimKind::Host(Host {
            proto,
            dir,
            nets: vec![IpNet::V6 {
                addr: a.octets(),
                prefix,
            }],
            by_host_name: None,
        }))
    }

    fn port_proto(&self, q: &Quals, span: Span, range: bool) -> Result<PortProto, Error> {
        match q.proto.map(|p| p.value) {
            None => Ok(PortProto::Any),
            Some(ProtoName::Tcp) => Ok(PortProto::Tcp),
            Some(ProtoName::Udp) => Ok(PortProto::Udp),
            Some(ProtoName::Sctp) => Ok(PortProto::Sctp),
            Some(_) => Err(self.qual_err(
                q,
                span,
                if range {
                    "illegal qualifier of 'portrange'"
                } else {
                    "illegal qualifier of 'port'"
                },
            )),
        }
    }

    /// `gen_proto`: `[layer] proto N`.
    fn proto(&self, v: u32, q: &Quals, span: Span) -> Result<PrimKind, Error> {
        if let Some(d) = q.dir {
            return Err(self
                .err(
                    ErrorKind::InvalidQualifier,
                    d.span,
                    "direction applied to 'proto'",
                )
                .with_secondary(span));
        }
        use ProtoName as P;
        let layer = match q.proto.map(|p| p.value) {
            None => ProtoLayer::Default,
            Some(P::Link) => ProtoLayer::Link,
            Some(P::Ip) => ProtoLayer::Ip,
            Some(P::Ip6) => ProtoLayer::Ip6,
            Some(P::Iso) => ProtoLayer::Iso,
            Some(P::Isis) => ProtoLayer::Isis,
            Some(p) => {
                let msg = match p {
                    P::Arp | P::Rarp => {
                        format!("{} does not encapsulate another protocol", p.as_str())
                    }
                    P::Atalk => "AppleTalk encapsulation is not specifiable".into(),
                    P::Decnet => "DECNET encapsulation is not specifiable".into(),
                    P::Lat | P::Sca | P::Moprc | P::Mopdl => format!(
                        "{} does not encapsulate another protocol",
                        p.as_str().to_uppercase()
                    ),
                    P::Clnp => "'clnp proto' is not supported".into(),
                    other => format!("'{} proto' is bogus", other.as_str()),
                };
                return Err(self.qual_err(q, span, msg));
            }
        };
        Ok(PrimKind::Proto { layer, proto: v })
    }

    /// `gen_protochain`.
    fn protochain(&self, v: u32, q: &Quals, span: Span) -> Result<PrimKind, Error> {
        let family = match q.proto.map(|p| p.value) {
            None => Family::Any,
            Some(ProtoName::Ip) => Family::Ip,
            Some(ProtoName::Ip6) => Family::Ip6,
            Some(_) => return Err(self.qual_err(q, span, "bad protocol applied for 'protochain'")),
        };
        Ok(PrimKind::Protochain { family, proto: v })
    }

    // ---- names ------------------------------------------------------------------------------

    fn lookup_err(&self, e: LookupError, what: &str, name: &str, span: Span) -> Error {
        match e {
            LookupError::Disabled => self.err(
                ErrorKind::LookupsDisabled,
                span,
                format!("name lookups are disabled: cannot look up {what} '{name}'"),
            ),
            LookupError::Failed(why) => self.err(
                ErrorKind::UnknownName,
                span,
                format!("cannot look up {what} '{name}': {why}"),
            ),
        }
    }

    fn unknown(&self, span: Span, msg: String) -> Error {
        self.err(ErrorKind::UnknownName, span, msg)
    }

    /// `gen_scode`: a name with qualifiers.
    fn name(&self, name: &str, q: &Quals, span: Span) -> Result<Expr, Error> {
        let proto = q.proto.map(|p| p.value);
        let kind = match q.addr.map(|a| a.value) {
            Some(AddrQual::Net) => {
                let addr = self
                    .resolver
                    .network(name)
                    .map_err(|e| self.lookup_err(e, "network", name, span))?
                    .unwrap_or(0);
                if addr == 0 {
                    return Err(self.unknown(span, format!("unknown network '{name}'")));
                }
                let (mut addr, mut mask) = (addr, u32::MAX);
                while addr != 0 && addr & 0xff00_0000 == 0 {
                    addr <<= 8;
                    mask <<= 8;
                }
                if proto == Some(ProtoName::Decnet) {
                    // libpcap hands a network's number to the DECnet test, mask dropped.
                    PrimKind::Decnet {
                        dir: self.dir(q, "addresses other than 802.11 MAC addresses")?,
                        addr,
                    }
                } else {
                    self.host4(addr, mask, q, span)?
                }
            }
            None | Some(AddrQual::Host) => {
                if proto == Some(ProtoName::Link) {
                    let mac = self
                        .resolver
                        .ether_host(name)
                        .map_err(|e| self.lookup_err(e, "Ethernet host", name, span))?
                        .ok_or_else(|| {
                            self.unknown(span, format!("unknown ether host '{name}'"))
                        })?;
                    PrimKind::LinkHost {
                        dir: self.mac_dir(q),
                        addr: mac,
                        by_name: true,
                    }
                } else if proto == Some(ProtoName::Decnet) {
                    return Err(self.err(
                        ErrorKind::Unsupported,
                        span,
                        format!("decnet name support not included, '{name}' cannot be translated"),
                    ));
                } else {
                    return self.host_name(name, q, span);
                }
            }
            Some(a @ (AddrQual::Port | AddrQual::Portrange)) => {
                let range = a == AddrQual::Portrange;
                let want = self.port_proto(q, span, range)?;
                let what = if range { "port ranges" } else { "ports" };
                let (low, high, found) = if range {
                    self.port_range_name(name, span)?
                } else {
                    let (p, found) = self
                        .port_name(name, span)?
                        .ok_or_else(|| self.unknown(span, format!("unknown port '{name}'")))?;
                    (p, p, found)
                };
                let proto = match (want, found) {
                    (PortProto::Any, found) => found,
                    (want, PortProto::Any) => want,
                    (want, found) if want == found => want,
                    (_, found) => {
                        let is = match found {
                            PortProto::Tcp => "tcp",
                            PortProto::Udp => "udp",
                            _ => "sctp",
                        };
                        let what = if range { "port in range" } else { "port" };
                        return Err(self
                            .err(
                                ErrorKind::NameConflict,
                                span,
                                format!("{what} '{name}' is {is}"),
                            )
                            .with_secondary(q.proto.map_or(span, |p| p.span)));
                    }
                };
                let dir = self.dir(q, what)?;
                for p in [low, high] {
                    if p < 0 {
                        return Err(self.err(
                            ErrorKind::OutOfRange,
                            span,
                            format!("illegal port number {p} < 0"),
                        ));
                    }
                    if p > 65535 {
                        return Err(self.err(
                            ErrorKind::OutOfRange,
                            span,
                            format!("illegal port number {p} > 65535"),
                        ));
                    }
                }
                let (low, high) = (low.min(high) as u16, low.max(high) as u16);
                if range {
                    PrimKind::PortRange {
                        proto,
                        dir,
                        low,
                        high,
                    }
                } else {
                    PrimKind::Port {
                        proto,
                        dir,
                        port: low,
                    }
                }
            }
            Some(AddrQual::Gateway) => {
                return Err(self.err(
                    ErrorKind::Unsupported,
                    span,
                    "'gateway' not supported in this configuration",
                ))
            }
            Some(a @ (AddrQual::Proto | AddrQual::Protochain)) => {
                let v = self.proto_name(name, q.proto, span)?;
                if a == AddrQual::Proto {
                    self.proto(v, q, span)?
                } else {
                    self.protochain(v, q, span)?
                }
            }
        };
        Ok(Self::prim(kind, span))
    }

    /// `lookup_proto`: a protocol name for `proto` / `protochain`, per protocol qualifier.
    fn proto_name(&self, name: &str, proto: ProtoQ, span: Span) -> Result<u32, Error> {
        match proto.map(|p| p.value) {
            None | Some(ProtoName::Ip) | Some(ProtoName::Ip6) => self
                .resolver
                .protocol(name)
                .map_err(|e| self.lookup_err(e, "protocol", name, span))?
                .ok_or_else(|| self.unknown(span, format!("unknown ip proto '{name}'"))),
            Some(ProtoName::Link) => names::find(names::ETHER_PROTOCOLS, name)
                .or_else(|| names::find(names::LLC_SAPS, name))
                .ok_or_else(|| self.unknown(span, format!("unknown ether proto '{name}'"))),
            Some(ProtoName::Iso) => names::find(names::ISO_PROTOCOLS, name)
                .ok_or_else(|| self.unknown(span, format!("unknown osi proto '{name}'"))),
            Some(_) => Err(self.unknown(span, format!("unknown protocol: {name}"))),
        }
    }

    /// `pcap_nametoport`: the port of a service name and the protocol(s) it is for.
    fn port_name(&self, name: &str, span: Span) -> Result<Option<(i64, PortProto)>, Error> {
        if let Some(n) = numeric_service(name) {
            return Ok(Some((i64::from(n), PortProto::Any)));
        }
        let look = |t| {
            self.resolver
                .service(name, t)
                .map_err(|e| self.lookup_err(e, "service", name, span))
        };
        let tcp = look(Transport::Tcp)?;
        let udp = look(Transport::Udp)?;
        Ok(match (tcp, udp) {
            (Some(t), Some(u)) if t == u => Some((i64::from(t), PortProto::Any)),
            (Some(t), _) => Some((i64::from(t), PortProto::Tcp)),
            (None, Some(u)) => Some((i64::from(u), PortProto::Udp)),
            (None, None) => None,
        })
    }

    /// `pcap_nametoportrange`: `N-M` as numbers, else two service names split at the first `-`.
    fn port_range_name(&self, name: &str, span: Span) -> Result<(i64, i64, PortProto), Error> {
        if let Some((a, b)) = scan_range(name) {
            return Ok((a, b, PortProto::Any));
        }
        let unknown = || self.unknown(span, format!("unknown port in range '{name}'"));
        let (a, b) = name.split_once('-').ok_or_else(unknown)?;
        let (p1, proto1) = self.port_name(a, span)?.ok_or_else(unknown)?;
        let (p2, proto2) = self.port_name(b, span)?.ok_or_else(unknown)?;
        let proto = if proto1 == proto2 {
            proto2
        } else {
            PortProto::Any
        };
        Ok((p1, p2, proto))
    }

    /// A host name: all its addresses (numeric forms need no lookup, as in `getaddrinfo`).
    fn host_name(&self, name: &str, q: &Quals, span: Span) -> Result<Expr, Error> {
        let mut addrs = match numeric_host(name) {
            Some(a) => vec![a],
            None => self
                .resolver
                .host(name)
                .map_err(|e| self.lookup_err(e, "host", name, span))?,
        };
        if addrs.is_empty() {
            return Err(self.unknown(span, format!("unknown host '{name}'")));
        }
        addrs.truncate(MAX_ADDRESSES_PER_NAME);
        let proto = q.proto.map(|p| p.value);
        let dir = self.dir(q, "addresses other than 802.11 MAC addresses")?;
        let mut nets = Vec::new();
        let mut host_proto = HostProto::Default;
        for a in &addrs {
            match a {
                IpAddr::V4(v4) => {
                    if proto == Some(ProtoName::Ip6) {
                        continue;
                    }
                    host_proto = self.host4_proto(q, span)?;
                    nets.push(IpNet::V4 {
                        addr: u32::from(*v4),
                        mask: u32::MAX,
                    });
                }
                IpAddr::V6(v6) => {
                    if proto == Some(ProtoName::Ip) {
                        continue;
                    }
                    host_proto = self.host6_proto(q, span)?;
                    nets.push(IpNet::V6 {
                        addr: v6.octets(),
                        prefix: 128,
                    });
                }
            }
        }
        if nets.is_empty() {
            return Err(self.unknown(
                span,
                format!("unknown host '{name}' for specified address family"),
            ));
        }
        if proto.is_none() {
            host_proto = HostProto::Default;
        }
        Ok(Self::prim(
            PrimKind::Host(Host {
                proto: host_proto,
                dir,
                nets,
                by_host_name: Some(name.to_string()),
            }),
            span,
        ))
    }

    // ---- the other primitives -----------------------------------------------------------

    fn primitive(&self, k: &ast::ExprKind, span: Span, depth: usize) -> Result<PrimKind, Error> {
        use ast::ExprKind as K;
        Ok(match k {
            K::Proto(p) => match p.value {
                ProtoName::Link => {
                    return Err(self.err(
                        ErrorKind::InvalidQualifier,
                        p.span,
                        "link layer applied in wrong context",
                    ))
                }
                ProtoName::Radio => {
                    return Err(self.err(
                        ErrorKind::InvalidQualifier,
                        p.span,
                        "'radio' is not a valid protocol type",
                    ))
                }
                other => PrimKind::Abbrev(other),
            },
            K::Relation { op, lhs, rhs } => PrimKind::Relation {
                op: op.value,
                lhs: self.arith(lhs, depth + 1)?,
                rhs: self.arith(rhs, depth + 1)?,
            },
            K::Broadcast(p) => PrimKind::Broadcast(match p.map(|p| p.value) {
                None | Some(ProtoName::Link) => CastLayer::Link,
                Some(ProtoName::Ip) => CastLayer::Ip,
                Some(_) => {
                    return Err(self.err(
                        ErrorKind::InvalidQualifier,
                        span,
                        "only link-layer/IP broadcast filters supported",
                    ))
                }
            }),
            K::Multicast(p) => PrimKind::Multicast(match p.map(|p| p.value) {
                None | Some(ProtoName::Link) => CastLayer::Link,
                Some(ProtoName::Ip) => CastLayer::Ip,
                Some(ProtoName::Ip6) => CastLayer::Ip6,
                Some(_) => {
                    return Err(self.err(
                        ErrorKind::InvalidQualifier,
                        span,
                        "link-layer multicast filters supported only on ethernet/FDDI/token \
                         ring/ARCNET/802.11/ATM LANE/Fibre Channel",
                    ))
                }
            }),
            K::Less(n) => PrimKind::Less(n.value),
            K::Greater(n) => PrimKind::Greater(n.value),
            K::Byte { offset, op, value } => PrimKind::Byte {
                offset: offset.value,
                op: op.value,
                value: value.value,
            },
            K::Inbound => PrimKind::Inbound,
            K::Outbound => PrimKind::Outbound,
            K::Ifindex(n) => PrimKind::Ifindex(n.value),
            K::Vlan(n) => PrimKind::Vlan(self.max(*n, 0x0fff, "VLAN tag")?.map(|v| v as u16)),
            K::Mpls(n) => PrimKind::Mpls(self.max(*n, 0xfffff, "MPLS label")?),
            K::Pppoed => PrimKind::Pppoed,
            K::Pppoes(n) => PrimKind::Pppoes(
                self.max(*n, 0xffff, "PPPoE session number")?
                    .map(|v| v as u16),
            ),
            K::Geneve(n) => PrimKind::Geneve(self.max(*n, 0xff_ffff, "Geneve VNI")?),
            K::PfIfname(s) => PrimKind::PfIfname(self.pf_name(s, "ifname interface names")?),
            K::PfRuleset(s) => PrimKind::PfRuleset(self.pf_name(s, "ruleset names")?),
            K::PfRuleNumber(n) => PrimKind::PfRuleNumber(n.value),
            K::PfSubruleNumber(n) => PrimKind::PfSubruleNumber(n.value),
            K::PfReason(r) => PrimKind::PfReason(match &r.value {
                NumOrName::Num(n) => *n,
                NumOrName::Name(s) => names::find_nocase(names::PF_REASONS, s)
                    .ok_or_else(|| self.unknown(r.span, format!("unknown PF reason \"{s}\"")))?,
            }),
            K::PfAction(a) => {
                PrimKind::PfAction(names::find_nocase(names::PF_ACTIONS, &a.value).ok_or_else(
                    || self.unknown(a.span, format!("unknown PF action \"{}\"", a.value)),
                )?)
            }
            K::WlanType { ty, subtype } => {
                let t = match &ty.value {
                    NumOrName::Num(n) => {
                        if n & !0x0c != 0 {
                            return Err(self.err(
                                ErrorKind::OutOfRange,
                                ty.span,
                                format!("invalid 802.11 type value 0x{n:02x}"),
                            ));
                        }
                        *n as u8
                    }
                    NumOrName::Name(s) => {
                        names::find_nocase(names::WLAN_TYPES, s).ok_or_else(|| {
                            self.unknown(ty.span, format!("unknown 802.11 type name \"{s}\""))
                        })?
                    }
                };
                match subtype {
                    None => PrimKind::WlanType {
                        value: t,
                        mask: 0x0c,
                    },
                    Some(st) => {
                        let s = match &st.value {
                            NumOrName::Num(n) => {
                                if n & !0xf0 != 0 {
                                    return Err(self.err(
                                        ErrorKind::OutOfRange,
                                        st.span,
                                        format!("invalid 802.11 subtype value 0x{n:02x}"),
                                    ));
                                }
                                *n as u8
                            }
                            NumOrName::Name(s) => {
                                let table = names::WLAN_SUBTYPES_BY_TYPE
                                    .iter()
                                    .find(|(tv, _)| *tv == t)
                                    .map(|(_, table)| *table)
                                    .ok_or_else(|| {
                                        self.unknown(ty.span, "unknown 802.11 type".to_string())
                                    })?;
                                names::find_nocase(table, s).ok_or_else(|| {
                                    self.unknown(
                                        st.span,
                                        format!("unknown 802.11 subtype name \"{s}\""),
                                    )
                                })?
                            }
                        };
                        PrimKind::WlanType {
                            value: t | s,
                            mask: 0xfc,
                        }
                    }
                }
            }
            K::WlanSubtype(s) => {
                let found = names::WLAN_SUBTYPES_BY_TYPE
                    .iter()
                    .find_map(|(t, table)| names::find_nocase(table, &s.value).map(|st| st | t));
                PrimKind::WlanType {
                    value: found.ok_or_else(|| {
                        self.unknown(s.span, "unknown 802.11 type name".to_string())
                    })?,
                    mask: 0xfc,
                }
            }
            K::WlanDir(d) => PrimKind::WlanDir(match &d.value {
                NumOrName::Num(n) => *n,
                NumOrName::Name(s) => names::find_nocase(names::WLAN_DIRECTIONS, s)
                    .ok_or_else(|| self.unknown(d.span, "unknown 802.11 direction".to_string()))?,
            }),
            K::Llc(None) => PrimKind::Llc(Llc::Any),
            K::Llc(Some(s)) => {
                let name = s.value.as_str();
                PrimKind::Llc(if name.eq_ignore_ascii_case("i") {
                    Llc::I
                } else if name.eq_ignore_ascii_case("s") {
                    Llc::S
                } else if name.eq_ignore_ascii_case("u") {
                    Llc::U
                } else if let Some(v) = names::find_nocase(names::LLC_S_SUBTYPES, name) {
                    Llc::SSubtype(v)
                } else if let Some(v) = names::find_nocase(names::LLC_U_SUBTYPES, name) {
                    Llc::USubtype(v)
                } else {
                    return Err(self.unknown(s.span, format!("unknown LLC type name \"{name}\"")));
                })
            }
            K::Atm(k) => PrimKind::Atm(k.value),
            K::Mtp2(k) => PrimKind::Mtp2(k.value),
            K::AtmField { .. } | K::Mtp3Field { .. } => {
                // Handled by `fields` (a list becomes an `Or`); not reached.
                return Err(self.err(ErrorKind::UnexpectedToken, span, "internal: field test"));
            }
            K::And(_) | K::Or(_) | K::Not(_) | K::Paren(_) | K::Id(_) => {
                return Err(self.err(
                    ErrorKind::UnexpectedToken,
                    span,
                    "internal: not a primitive",
                ));
            }
        })
    }

    /// `vpi …`, `sio …`: one test, or an `Or` of equalities for a list.
    fn fields(&self, field: Field, value: &FieldValue, span: Span) -> Result<Expr, Error> {
        let one = |op: RelOp, n: Spanned<u32>| -> Result<Expr, Error> {
            let kind = match field {
                Field::Atm(field) => PrimKind::AtmField {
                    field,
                    op,
                    value: n.value,
                },
                Field::Mtp3(field) => {
                    let (name, max) = match field {
                        Mtp3Field::Sio | Mtp3Field::Hsio => ("sio", 255),
                        Mtp3Field::Opc | Mtp3Field::Hopc => ("opc", 16383),
                        Mtp3Field::Dpc | Mtp3Field::Hdpc => ("dpc", 16383),
                        Mtp3Field::Sls | Mtp3Field::Hsls => ("sls", 15),
                    };
                    if n.value > max {
                        return Err(self.err(
                            ErrorKind::OutOfRange,
                            n.span,
                            format!("{name} value {} too big; max value = {max}", n.value),
                        ));
                    }
                    PrimKind::Mtp3Field {
                        field,
                        op,
                        value: n.value,
                    }
                }
            };
            Ok(Self::prim(kind, span))
        };
        match value {
            FieldValue::Eq(n) => one(RelOp::Eq, *n),
            FieldValue::Rel(op, n) => one(op.value, *n),
            FieldValue::List(list) => {
                let prims = list
                    .iter()
                    .map(|n| one(RelOp::Eq, *n))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Self::any_of(prims, span))
            }
        }
    }

    fn max(&self, n: Option<Spanned<u32>>, max: u32, what: &str) -> Result<Option<u32>, Error> {
        match n {
            Some(n) if n.value > max => Err(self.err(
                ErrorKind::OutOfRange,
                n.span,
                format!("{what} {} greater than maximum {max}", n.value),
            )),
            n => Ok(n.map(|n| n.value)),
        }
    }

    fn pf_name(&self, s: &Spanned<String>, what: &str) -> Result<String, Error> {
        if s.value.len() >= 16 {
            return Err(self.err(
                ErrorKind::OutOfRange,
                s.span,
                format!("{what} can only be 15 characters"),
            ));
        }
        Ok(s.value.clone())
    }

    // ---- arithmetic ---------------------------------------------------------------------

    fn arith(&self, a: &ast::Arith, depth: usize) -> Result<Arith, Error> {
        if depth > 3 * MAX_NEST {
            return Err(self.err(ErrorKind::TooDeep, a.span, "expression nested too deeply"));
        }
        use ast::ArithKind as K;
        let kind = match &a.kind {
            K::Num(n) => ArithKind::Num(*n),
            K::Len => ArithKind::Len,
            K::Paren(x) => return self.arith(x, depth + 1),
            K::Neg(x) => ArithKind::Neg(Box::new(self.arith(x, depth + 1)?)),
            K::Load { proto, index, size } => {
                let size = match size {
                    None => 1,
                    Some(s) if matches!(s.value, 1 | 2 | 4) => s.value as u8,
                    Some(s) => {
                        return Err(self.err(
                            ErrorKind::OutOfRange,
                            s.span,
                            "data size must be 1, 2, or 4",
                        ))
                    }
                };
                use ProtoName as P;
                if !matches!(
                    proto.value,
                    P::Link
                        | P::Ip
                        | P::Arp
                        | P::Rarp
                        | P::Atalk
                        | P::Decnet
                        | P::Sca
                        | P::Lat
                        | P::Moprc
                        | P::Mopdl
                        | P::Ip6
                        | P::Sctp
                        | P::Tcp
                        | P::Udp
                        | P::Icmp
                        | P::Igmp
                        | P::Igrp
                        | P::Pim
                        | P::Vrrp
                        | P::Carp
                        | P::Icmp6
                        | P::Radio
                ) {
                    return Err(self.err(
                        ErrorKind::InvalidQualifier,
                        proto.span,
                        "unsupported index operation",
                    ));
                }
                ArithKind::Load {
                    proto: proto.value,
                    index: Box::new(self.arith(index, depth + 1)?),
                    size,
                }
            }
            K::Chain { first, rest } => {
                let first = Box::new(self.arith(first, depth + 1)?);
                let mut out = Vec::with_capacity(rest.len());
                for (op, rhs) in rest {
                    // libpcap checks the right operand at parse time when its first instruction
                    // loads a constant (`len / 0`, but also `len / (0 + 1)`).
                    if let Some(k) = first_constant(rhs) {
                        let msg = match op.value {
                            ArithOp::Div if k == 0 => Some("division by zero"),
                            ArithOp::Mod if k == 0 => Some("modulus by zero"),
                            ArithOp::Lsh | ArithOp::Rsh if k > 31 => {
                                Some("shift by more than 31 bits")
                            }
                            _ => None,
                        };
                        if let Some(msg) = msg {
                            return Err(self
                                .err(ErrorKind::InvalidArithmetic, rhs.span, msg)
                                .with_secondary(op.span));
                        }
                    }
                    out.push((op.value, self.arith(rhs, depth + 1)?));
                }
                ArithKind::Chain { first, rest: out }
            }
        };
        Ok(Arith { kind, span: a.span })
    }
}

/// The constant the code of `a` loads first, if its first instruction is `ld #k`.
fn first_constant(a: &ast::Arith) -> Option<u32> {
    use ast::ArithKind as K;
    match &a.kind {
        K::Num(n) => Some(*n),
        K::Len => None,
        K::Paren(x) | K::Neg(x) => first_constant(x),
        K::Load { index, .. } => first_constant(index),
        K::Chain { first, .. } => first_constant(first),
    }
}

/// Shifts a short dotted address into the high bits (`10.1` → 10.1.0.0).
fn promote(n: u32, bits: u32) -> u32 {
    if bits >= 32 {
        n
    } else if bits == 0 {
        0
    } else {
        n << (32 - bits)
    }
}

/// libpcap's `__pcap_atoin`: each dot-separated part read as decimal (any character counts as
/// `c - '0'`, as libpcap does), at most 255; returns the value and the number of bits.
fn atoin(s: &str) -> Option<(u32, u32)> {
    let mut addr: u32 = 0;
    let mut len = 0;
    for part in s.split('.') {
        let mut n: u32 = 0;
        for c in part.bytes() {
            if n > 25 {
                return None;
            }
            n = n
                .wrapping_mul(10)
                .wrapping_add(u32::from(c).wrapping_sub(u32::from(b'0')));
        }
        if n > 255 {
            return None;
        }
        addr = (addr << 8) | (n & 0xff);
        len += 8;
        if len > 32 {
            return None;
        }
    }
    Some((addr, len))
}

/// libpcap's `__pcap_atodn`: `area.node` read with `sscanf("%d.%d")`.
fn atodn(s: &str) -> Option<u32> {
    let (area, rest) = scan_int(s)?;
    let rest = rest.strip_prefix('.')?;
    let (node, _) = scan_int(rest)?;
    Some(((area as u32) << 10 & 0xfc00) | (node as u32 & 0x3ff))
}

/// `sscanf("%d")`: optional sign and decimal digits; the value wraps like C's conversion.
fn scan_int(s: &str) -> Option<(i64, &str)> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let mut v: i64 = 0;
    for c in body[..digits].bytes() {
        v = v.saturating_mul(10).saturating_add(i64::from(c - b'0'));
    }
    let v = i64::from(v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32);
    Some((if neg { -v } else { v }, &body[digits..]))
}

/// `sscanf(name, "%d-%d")` succeeding with both numbers.
fn scan_range(s: &str) -> Option<(i64, i64)> {
    let (a, rest) = scan_int(s)?;
    let (b, _) = scan_int(rest.strip_prefix('-')?)?;
    Some((a, b))
}

/// A numeric service (`getaddrinfo(NULL, "80")`): all decimal digits; the port is the low 16
/// bits, as glibc stores it.
fn numeric_service(s: &str) -> Option<u16> {
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let v = s.bytes().fold(0u64, |v, c| {
        v.saturating_mul(10).saturating_add(u64::from(c - b'0'))
    });
    Some((v & 0xffff) as u16)
}

/// A numeric host as `getaddrinfo` reads it: IPv4 in `inet_aton` forms (`10`, `10.1`,
/// `0x0a.1.2.3`, octal parts) or an IPv6 address.
fn numeric_host(s: &str) -> Option<IpAddr> {
    if let Ok(v6) = s.parse::<Ipv6Addr>() {
        return Some(IpAddr::V6(v6));
    }
    inet_aton(s).map(|v| IpAddr::V4(Ipv4Addr::from(v)))
}

/// `inet_aton`: 1 to 4 parts, each decimal, `0x` hex or `0` octal; the last fills the rest.
fn inet_aton(s: &str) -> Option<u32> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut vals = Vec::with_capacity(4);
    for p in &parts {
        let (digits, radix) = if let Some(h) = p.strip_prefix("0x").or_else(|| p.strip_prefix("0X"))
        {
            (h, 16)
        } else if p.len() > 1 && p.starts_with('0') {
            (&p[1..], 8)
        } else {
            (*p, 10)
        };
        if p.is_empty() || (digits.is_empty() && radix != 16) {
            return None;
        }
        vals.push(u32::from_str_radix(if digits.is_empty() { "0" } else { digits }, radix).ok()?);
    }
    let (last, init) = vals.split_last()?;
    if init.iter().any(|&v| v > 255) {
        return None;
    }
    let room = 8 * (4 - init.len() as u32);
    if u64::from(*last) >> room != 0 {
        return None;
    }
    let high = init.iter().fold(0u64, |a, &v| (a << 8) | u64::from(v)) << room;
    Some(high as u32 | last)
}

#[cfg(test)]
mod tests;
