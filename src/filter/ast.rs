//! The syntax tree: what the parser builds, before names and qualifiers are resolved.
//!
//! The tree follows libpcap's grammar (`filter-language.md` §2) closely, with a byte [`Span`] on
//! every node and on every qualifier, number and name, so that later stages can point at the
//! text. Two things are already settled here because they are syntax, decided by the parser's
//! stack exactly as in libpcap's grammar:
//!
//! * **Qualifier inheritance.** A bare id after `and`/`or`/`not`/`(` takes the qualifiers of the
//!   term before it (`host a or b` ≡ `host a or host b`; `tcp dst port 80 or 8080`). Each
//!   [`IdExpr`] carries the qualifiers in effect ([`IdExpr::quals`]), marked
//!   [`inherited`](IdExpr::inherited) when they came from an earlier term; `None` means none were
//!   in effect (`tcp or 80`), which resolution reports as a missing qualifier.
//! * **Flat chains.** `and`/`or` have equal precedence and associate to the left, so a chain
//!   `a or b and c` is stored as `And[Or[a, b], c]`; consecutive operators of the same kind are
//!   one node with many children, and left-associative arithmetic is one [`ArithKind::Chain`].
//!   Tree depth is therefore bounded by real nesting ([`limits::MAX_NEST`](super::limits::MAX_NEST)).
//!
//! Children are in source order, which is also libpcap's code generation order.

use super::span::{Span, Spanned};
use core::net::Ipv6Addr;

/// A parsed filter: `None` for the empty expression (which accepts every packet).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Ast {
    /// The expression, if not empty.
    pub expr: Option<Expr>,
}

/// A boolean expression node.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// The text it covers.
    pub span: Span,
}

/// The kinds of boolean expression.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ExprKind {
    /// `a and b and …` (two or more, in order).
    And(Vec<Expr>),
    /// `a or b or …` (two or more, in order).
    Or(Vec<Expr>),
    /// `not a` / `!a`.
    Not(Box<Expr>),
    /// `( … )`.
    Paren(Box<Expr>),
    /// An id with its qualifiers: `host 10.0.0.1`, `tcp dst port 80`, the `b` of `host a or b`.
    Id(IdExpr),
    /// A protocol name alone: `tcp`, `ip6`, `arp`, `isis`, `link` (an error later), ….
    Proto(Spanned<ProtoName>),
    /// `arith relop arith`: `ip[0] & 0xf > 5`, `len <= 100`.
    Relation {
        /// The operator.
        op: Spanned<RelOp>,
        /// Left operand.
        lhs: Arith,
        /// Right operand.
        rhs: Arith,
    },
    /// `[proto] broadcast` (the protocol qualifier, if written).
    Broadcast(Option<Spanned<ProtoName>>),
    /// `[proto] multicast`.
    Multicast(Option<Spanned<ProtoName>>),
    /// `less N`.
    Less(Spanned<u32>),
    /// `greater N`.
    Greater(Spanned<u32>),
    /// `byte N op V`.
    Byte {
        /// Byte offset from the start of the link header.
        offset: Spanned<u32>,
        /// The operator.
        op: Spanned<ByteOp>,
        /// The operand.
        value: Spanned<u32>,
    },
    /// `inbound`.
    Inbound,
    /// `outbound`.
    Outbound,
    /// `ifindex N`.
    Ifindex(Spanned<u32>),
    /// `vlan [id]`.
    Vlan(Option<Spanned<u32>>),
    /// `mpls [label]`.
    Mpls(Option<Spanned<u32>>),
    /// `pppoed`.
    Pppoed,
    /// `pppoes [session]`.
    Pppoes(Option<Spanned<u32>>),
    /// `geneve [vni]`.
    Geneve(Option<Spanned<u32>>),
    /// `on NAME` / `ifname NAME` (PFLOG).
    PfIfname(Spanned<String>),
    /// `rset NAME` / `ruleset NAME` (PFLOG).
    PfRuleset(Spanned<String>),
    /// `rnr N` / `rulenum N` (PFLOG).
    PfRuleNumber(Spanned<u32>),
    /// `srnr N` / `subrulenum N` (PFLOG).
    PfSubruleNumber(Spanned<u32>),
    /// `reason N|NAME` (PFLOG).
    PfReason(Spanned<NumOrName>),
    /// `action NAME` (PFLOG).
    PfAction(Spanned<String>),
    /// `[proto] type T [subtype S]` (802.11; the protocol qualifier is ignored, as in libpcap).
    WlanType {
        /// The type: `mgt`, `ctl`, `data` or a number.
        ty: Spanned<NumOrName>,
        /// The subtype, if given.
        subtype: Option<Spanned<NumOrName>>,
    },
    /// `[proto] subtype NAME` (802.11; the name says the type too).
    WlanSubtype(Spanned<String>),
    /// `[proto] dir N|NAME` (802.11 frame direction).
    WlanDir(Spanned<NumOrName>),
    /// `llc [type]` (`i`, `s`, `u`, or an S/U subtype name such as `rr`, `ui`).
    Llc(Option<Spanned<String>>),
    /// An ATM keyword alone (`lane`, `oam`, `metac`, …).
    Atm(Spanned<AtmKeyword>),
    /// `vpi …` / `vci …`.
    AtmField {
        /// Which field.
        field: Spanned<AtmField>,
        /// The test.
        value: FieldValue,
    },
    /// An MTP2 signal unit type (`fisu`, `lssu`, `msu`, and the `h…` variants).
    Mtp2(Spanned<Mtp2Type>),
    /// `sio …`, `opc …`, `dpc …`, `sls …` and the `h…` variants.
    Mtp3Field {
        /// Which field.
        field: Spanned<Mtp3Field>,
        /// The test.
        value: FieldValue,
    },
}

/// An id and the qualifiers in effect for it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct IdExpr {
    /// The qualifiers, or `None` when no qualifier is in effect (a bare id at the start or
    /// after a term that is not `qualifiers id`, e.g. `tcp or 80`).
    pub quals: Option<Quals>,
    /// Whether `quals` were inherited from an earlier term rather than written before the id.
    pub inherited: bool,
    /// The id itself.
    pub id: Spanned<Id>,
}

/// The qualifiers of an id (`[proto] [dir] [type]`); each is `None` when not written
/// (libpcap's `Q_DEFAULT`). Spans point at the qualifier words, also when inherited.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Quals {
    /// Protocol qualifier: `ip`, `tcp`, `ether`, ….
    pub proto: Option<Spanned<ProtoName>>,
    /// Direction qualifier: `src`, `dst`, `src or dst`, `addr1`, ….
    pub dir: Option<Spanned<DirQual>>,
    /// Type qualifier: `host`, `net`, `port`, `portrange`, `proto`, `protochain`, `gateway`.
    pub addr: Option<Spanned<AddrQual>>,
}

impl Quals {
    /// The span from the first to the last qualifier written, if any.
    pub fn span(&self) -> Option<Span> {
        let spans = [
            self.proto.map(|q| q.span),
            self.dir.map(|q| q.span),
            self.addr.map(|q| q.span),
        ];
        spans.into_iter().flatten().reduce(Span::to)
    }
}

/// The id of an [`IdExpr`], as written.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Id {
    /// A name (`ID` token; an escaped `\name` without the backslash): a host, network, port,
    /// protocol, … depending on the qualifiers. `1-1024` (a port range) is a name too.
    Name(String),
    /// A number (decimal, `0x` hex or `0` octal; named constants such as `tcp-syn` too).
    Num(u32),
    /// A dotted IPv4 address or network with 2 to 4 parts, as written (`10.1`, `192.0.2.1`);
    /// checked during resolution, because `decnet host 1.2` reads it as a DECnet address.
    Ipv4(String),
    /// `a.b.c.d/len`.
    Ipv4Cidr {
        /// The address text.
        addr: String,
        /// The prefix length.
        len: Spanned<u32>,
    },
    /// `a.b.c.d mask m.m.m.m`.
    Ipv4Mask {
        /// The address text.
        addr: String,
        /// The mask text.
        mask: Spanned<String>,
    },
    /// An IPv6 address.
    Ipv6(Ipv6Addr),
    /// `ipv6/len`.
    Ipv6Cidr {
        /// The address.
        addr: Ipv6Addr,
        /// The prefix length.
        len: Spanned<u32>,
    },
    /// A MAC address (`00:11:22:33:44:55`, `0011.2233.4455`, `001122334455`, …).
    Mac([u8; 6]),
    /// An ARCnet address `$xx`: the hex digits after the `$`.
    Arcnet(String),
}

/// A number or a name, where the grammar allows either (`reason 2`, `reason bad-offset`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum NumOrName {
    /// A number.
    Num(u32),
    /// A name.
    Name(String),
}

macro_rules! keyword_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// The keyword as libpcap's messages name it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }
        }
    };
}

keyword_enum! {
    /// A protocol name (libpcap's `pname`), used alone, as a qualifier or before `[`.
    ProtoName {
        /// `link`, `ether`, `ppp`, `slip`, `fddi`, `tr`, `wlan` (all the same).
        Link = "link",
        /// `ip`.
        Ip = "ip",
        /// `arp`.
        Arp = "arp",
        /// `rarp`.
        Rarp = "rarp",
        /// `sctp`.
        Sctp = "sctp",
        /// `tcp`.
        Tcp = "tcp",
        /// `udp`.
        Udp = "udp",
        /// `icmp`.
        Icmp = "icmp",
        /// `igmp`.
        Igmp = "igmp",
        /// `igrp`.
        Igrp = "igrp",
        /// `pim`.
        Pim = "pim",
        /// `vrrp`.
        Vrrp = "vrrp",
        /// `carp`.
        Carp = "carp",
        /// `atalk`.
        Atalk = "atalk",
        /// `aarp`.
        Aarp = "aarp",
        /// `decnet`.
        Decnet = "decnet",
        /// `lat`.
        Lat = "lat",
        /// `sca`.
        Sca = "sca",
        /// `mopdl`.
        Mopdl = "mopdl",
        /// `moprc`.
        Moprc = "moprc",
        /// `ip6`.
        Ip6 = "ip6",
        /// `icmp6`.
        Icmp6 = "icmp6",
        /// `ah`.
        Ah = "ah",
        /// `esp`.
        Esp = "esp",
        /// `iso`.
        Iso = "iso",
        /// `esis` / `es-is`.
        Esis = "esis",
        /// `isis` / `is-is`.
        Isis = "isis",
        /// `l1` (IS-IS level 1 PDUs).
        L1 = "l1",
        /// `l2` (IS-IS level 2 PDUs).
        L2 = "l2",
        /// `iih` (IS-IS hellos).
        Iih = "iih",
        /// `lsp` (IS-IS link state PDUs).
        Lsp = "lsp",
        /// `snp` (IS-IS sequence number PDUs).
        Snp = "snp",
        /// `psnp`.
        Psnp = "psnp",
        /// `csnp`.
        Csnp = "csnp",
        /// `clnp`.
        Clnp = "clnp",
        /// `stp`.
        Stp = "stp",
        /// `ipx`.
        Ipx = "ipx",
        /// `netbeui`.
        Netbeui = "netbeui",
        /// `radio`.
        Radio = "radio",
    }
}

keyword_enum! {
    /// A direction qualifier.
    DirQual {
        /// `src`.
        Src = "src",
        /// `dst`.
        Dst = "dst",
        /// `src or dst` / `dst or src`.
        SrcOrDst = "src or dst",
        /// `src and dst` / `dst and src`.
        SrcAndDst = "src and dst",
        /// `addr1` / `address1` (802.11).
        Addr1 = "addr1",
        /// `addr2` / `address2`.
        Addr2 = "addr2",
        /// `addr3` / `address3`.
        Addr3 = "addr3",
        /// `addr4` / `address4`.
        Addr4 = "addr4",
        /// `ra` (receiver address).
        Ra = "ra",
        /// `ta` (transmitter address).
        Ta = "ta",
    }
}

keyword_enum! {
    /// An address-type qualifier (what the id is).
    AddrQual {
        /// `host`.
        Host = "host",
        /// `net`.
        Net = "net",
        /// `port`.
        Port = "port",
        /// `portrange`.
        Portrange = "portrange",
        /// `proto`.
        Proto = "proto",
        /// `protochain`.
        Protochain = "protochain",
        /// `gateway`.
        Gateway = "gateway",
    }
}

keyword_enum! {
    /// A relational operator (`>` `>=` `=`/`==` and the negations `<=` `<` `!=`).
    RelOp {
        /// `>`.
        Gt = ">",
        /// `>=`.
        Ge = ">=",
        /// `=` or `==`.
        Eq = "=",
        /// `<=` (libpcap: not `>`).
        Le = "<=",
        /// `<` (libpcap: not `>=`).
        Lt = "<",
        /// `!=` (libpcap: not `=`).
        Ne = "!=",
    }
}

impl RelOp {
    /// The positive comparison libpcap emits (`>`, `>=` or `=`) and whether the result is
    /// negated: `<=` is not `>`, `<` is not `>=`, `!=` is not `=`.
    pub fn as_jump(self) -> (RelOp, bool) {
        match self {
            RelOp::Gt | RelOp::Ge | RelOp::Eq => (self, false),
            RelOp::Le => (RelOp::Gt, true),
            RelOp::Lt => (RelOp::Ge, true),
            RelOp::Ne => (RelOp::Eq, true),
        }
    }
}

keyword_enum! {
    /// A binary arithmetic operator.
    ArithOp {
        /// `+`.
        Add = "+",
        /// `-`.
        Sub = "-",
        /// `*`.
        Mul = "*",
        /// `/`.
        Div = "/",
        /// `%`.
        Mod = "%",
        /// `&`.
        And = "&",
        /// `|`.
        Or = "|",
        /// `^`.
        Xor = "^",
        /// `<<`.
        Lsh = "<<",
        /// `>>`.
        Rsh = ">>",
    }
}

keyword_enum! {
    /// The operator of `byte N op V`.
    ByteOp {
        /// `&`.
        And = "&",
        /// `|`.
        Or = "|",
        /// `<`.
        Lt = "<",
        /// `>`.
        Gt = ">",
        /// `=`.
        Eq = "=",
    }
}

keyword_enum! {
    /// An ATM keyword used alone.
    AtmKeyword {
        /// `lane`.
        Lane = "lane",
        /// `metac`.
        Metac = "metac",
        /// `bcc`.
        Bcc = "bcc",
        /// `oamf4ec`.
        Oamf4ec = "oamf4ec",
        /// `oamf4sc`.
        Oamf4sc = "oamf4sc",
        /// `sc`.
        Sc = "sc",
        /// `ilmic`.
        Ilmic = "ilmic",
        /// `oam`.
        Oam = "oam",
        /// `oamf4`.
        Oamf4 = "oamf4",
        /// `connectmsg`.
        Connectmsg = "connectmsg",
        /// `metaconnect`.
        Metaconnect = "metaconnect",
    }
}

keyword_enum! {
    /// An ATM header field.
    AtmField {
        /// `vpi`.
        Vpi = "vpi",
        /// `vci`.
        Vci = "vci",
    }
}

keyword_enum! {
    /// An MTP2 signal unit type.
    Mtp2Type {
        /// `fisu`.
        Fisu = "fisu",
        /// `lssu` / `lsu`.
        Lssu = "lssu",
        /// `msu`.
        Msu = "msu",
        /// `hfisu` (high-speed link).
        Hfisu = "hfisu",
        /// `hlssu`.
        Hlssu = "hlssu",
        /// `hmsu`.
        Hmsu = "hmsu",
    }
}

keyword_enum! {
    /// An MTP3 field.
    Mtp3Field {
        /// `sio`.
        Sio = "sio",
        /// `opc`.
        Opc = "opc",
        /// `dpc`.
        Dpc = "dpc",
        /// `sls`.
        Sls = "sls",
        /// `hsio`.
        Hsio = "hsio",
        /// `hopc`.
        Hopc = "hopc",
        /// `hdpc`.
        Hdpc = "hdpc",
        /// `hsls`.
        Hsls = "hsls",
    }
}

/// The value part of `vpi …`, `vci …`, `sio …` and the other ATM/MTP3 field tests.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum FieldValue {
    /// `field N` (equality).
    Eq(Spanned<u32>),
    /// `field relop N`.
    Rel(Spanned<RelOp>, Spanned<u32>),
    /// `field (N or N or …)`.
    List(Vec<Spanned<u32>>),
}

/// An arithmetic expression node.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Arith {
    /// What it is.
    pub kind: ArithKind,
    /// The text it covers.
    pub span: Span,
}

/// The kinds of arithmetic expression.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ArithKind {
    /// A number.
    Num(u32),
    /// `len` / `length`: the packet's length on the wire.
    Len,
    /// `proto[index]` or `proto[index:size]`.
    Load {
        /// The protocol whose header the index is relative to.
        proto: Spanned<ProtoName>,
        /// The byte offset.
        index: Box<Arith>,
        /// The size as written (1, 2 or 4 are valid), `None` for 1.
        size: Option<Spanned<u32>>,
    },
    /// `-a`.
    Neg(Box<Arith>),
    /// `first op1 a1 op2 a2 …`, evaluated left to right: `((first op1 a1) op2 a2) …`.
    Chain {
        /// The leftmost operand.
        first: Box<Arith>,
        /// The operators and right operands, in order (at least one).
        rest: Vec<(Spanned<ArithOp>, Arith)>,
    },
    /// `( a )`.
    Paren(Box<Arith>),
}
