//! Text → tokens, with libpcap 1.10's lexical rules (`scanner.l`, `filter-language.md` §1).
//!
//! At each position every rule is tried and the **longest** match wins; on equal length the
//! rule listed first in libpcap's scanner wins. The consequences users meet: keywords are
//! case-sensitive lower case (`TCP` is a name); a name may contain `-`, `_` and `.` (`1-1024`,
//! `ftp-data`, `1e` and `1.2.3.4.5` are names); twelve hex digits are a MAC address even when
//! they are decimal (`100000000000`); a leading `0` means octal, `0x` hex; `\word` is always a
//! name (`ip proto \tcp`); named constants such as `tcp-syn` and `icmp-echo` are numbers.

use super::ast::{AddrQual, AtmField, AtmKeyword, DirQual, Mtp2Type, Mtp3Field, ProtoName};
use super::error::{Error, ErrorKind};
use super::limits::MAX_EXPRESSION_LEN;
use super::reuse::FxMap;
use super::span::Span;
use core::net::Ipv6Addr;
use std::sync::OnceLock;

/// The terminal symbols of the grammar (libpcap's `%token`s and one-character operators).
///
/// Every keyword has its own terminal, as in libpcap, so that the parser's tables are built
/// from the same grammar.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
#[repr(u8)]
#[allow(missing_docs)]
pub enum T {
    End = 0,
    Dst,
    Src,
    Host,
    Gateway,
    Net,
    Netmask,
    Port,
    Portrange,
    Less,
    Greater,
    Proto,
    Protochain,
    Cbyte,
    Arp,
    Rarp,
    Ip,
    Sctp,
    Tcp,
    Udp,
    Icmp,
    Igmp,
    Igrp,
    Pim,
    Vrrp,
    Carp,
    Atalk,
    Aarp,
    Decnet,
    Lat,
    Sca,
    Moprc,
    Mopdl,
    Broadcast,
    Multicast,
    Num,
    Inbound,
    Outbound,
    Ifindex,
    PfIfname,
    PfRset,
    PfRnr,
    PfSrnr,
    PfReason,
    PfAction,
    Type,
    Subtype,
    Dir,
    Addr1,
    Addr2,
    Addr3,
    Addr4,
    Ra,
    Ta,
    Link,
    Geq,
    Leq,
    Neq,
    Id,
    Eid,
    Hid,
    Hid6,
    Aid,
    Lsh,
    Rsh,
    Len,
    Ipv6,
    Icmpv6,
    Ah,
    Esp,
    Vlan,
    Mpls,
    Pppoed,
    Pppoes,
    Geneve,
    Iso,
    Esis,
    Clnp,
    Isis,
    L1,
    L2,
    Iih,
    Lsp,
    Snp,
    Csnp,
    Psnp,
    Stp,
    Ipx,
    Netbeui,
    Lane,
    Llc,
    Metac,
    Bcc,
    Sc,
    Ilmic,
    Oamf4ec,
    Oamf4sc,
    Oam,
    Oamf4,
    Connectmsg,
    Metaconnect,
    Vpi,
    Vci,
    Radio,
    Fisu,
    Lssu,
    Msu,
    Hfisu,
    Hlssu,
    Hmsu,
    Sio,
    Opc,
    Dpc,
    Sls,
    Hsio,
    Hopc,
    Hdpc,
    Hsls,
    LexError,
    And,
    Or,
    /// `!` / `not`.
    Not,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Colon,
    LBracket,
    RBracket,
    Lt,
    Gt,
    LParen,
    RParen,
    Amp,
    Pipe,
    Caret,
    Eq,
}

/// Number of terminals.
pub const TERMINALS: usize = T::Eq as usize + 1;

impl T {
    /// All terminals, by number.
    pub const ALL: [T; TERMINALS] = {
        let mut all = [T::End; TERMINALS];
        let mut i = 0;
        while i < TERMINALS {
            // SAFETY-free transmute substitute: the enum is dense from 0, so index i is the
            // discriminant i; `from_index` is a const lookup written out below.
            all[i] = T::from_index(i);
            i += 1;
        }
        all
    };

    const fn from_index(i: usize) -> T {
        use T::*;
        const TABLE: [T; TERMINALS] = [
            End,
            Dst,
            Src,
            Host,
            Gateway,
            Net,
            Netmask,
            Port,
            Portrange,
            Less,
            Greater,
            Proto,
            Protochain,
            Cbyte,
            Arp,
            Rarp,
            Ip,
            Sctp,
            Tcp,
            Udp,
            Icmp,
            Igmp,
            Igrp,
            Pim,
            Vrrp,
            Carp,
            Atalk,
            Aarp,
            Decnet,
            Lat,
            Sca,
            Moprc,
            Mopdl,
            Broadcast,
            Multicast,
            Num,
            Inbound,
            Outbound,
            Ifindex,
            PfIfname,
            PfRset,
            PfRnr,
            PfSrnr,
            PfReason,
            PfAction,
            Type,
            Subtype,
            Dir,
            Addr1,
            Addr2,
            Addr3,
            Addr4,
            Ra,
            Ta,
            Link,
            Geq,
            Leq,
            Neq,
            Id,
            Eid,
            Hid,
            Hid6,
            Aid,
            Lsh,
            Rsh,
            Len,
            Ipv6,
            Icmpv6,
            Ah,
            Esp,
            Vlan,
            Mpls,
            Pppoed,
            Pppoes,
            Geneve,
            Iso,
            Esis,
            Clnp,
            Isis,
            L1,
            L2,
            Iih,
            Lsp,
            Snp,
            Csnp,
            Psnp,
            Stp,
            Ipx,
            Netbeui,
            Lane,
            Llc,
            Metac,
            Bcc,
            Sc,
            Ilmic,
            Oamf4ec,
            Oamf4sc,
            Oam,
            Oamf4,
            Connectmsg,
            Metaconnect,
            Vpi,
            Vci,
            Radio,
            Fisu,
            Lssu,
            Msu,
            Hfisu,
            Hlssu,
            Hmsu,
            Sio,
            Opc,
            Dpc,
            Sls,
            Hsio,
            Hopc,
            Hdpc,
            Hsls,
            LexError,
            And,
            Or,
            Not,
            Plus,
            Minus,
            Star,
            Slash,
            Percent,
            Colon,
            LBracket,
            RBracket,
            Lt,
            Gt,
            LParen,
            RParen,
            Amp,
            Pipe,
            Caret,
            Eq,
        ];
        TABLE[i]
    }

    /// How the terminal reads in an error message.
    pub fn describe(self) -> &'static str {
        match self {
            T::End => "end of expression",
            T::Num => "a number",
            T::Id => "a name",
            T::Eid => "a MAC address",
            T::Hid => "an IPv4 address",
            T::Hid6 => "an IPv6 address",
            T::Aid => "an ARCnet address",
            T::LexError => "an invalid character",
            T::Not => "'not'",
            T::And => "'and'",
            T::Or => "'or'",
            T::Geq => "'>='",
            T::Leq => "'<='",
            T::Neq => "'!='",
            T::Lsh => "'<<'",
            T::Rsh => "'>>'",
            T::Plus => "'+'",
            T::Minus => "'-'",
            T::Star => "'*'",
            T::Slash => "'/'",
            T::Percent => "'%'",
            T::Colon => "':'",
            T::LBracket => "'['",
            T::RBracket => "']'",
            T::Lt => "'<'",
            T::Gt => "'>'",
            T::LParen => "'('",
            T::RParen => "')'",
            T::Amp => "'&'",
            T::Pipe => "'|'",
            T::Caret => "'^'",
            T::Eq => "'='",
            other => KEYWORDS
                .iter()
                .find(|(_, t)| *t == other)
                .map_or("a keyword", |(w, _)| w),
        }
    }

    /// The protocol name of a `pname` keyword.
    pub fn proto_name(self) -> Option<ProtoName> {
        use ProtoName as P;
        Some(match self {
            T::Link => P::Link,
            T::Ip => P::Ip,
            T::Arp => P::Arp,
            T::Rarp => P::Rarp,
            T::Sctp => P::Sctp,
            T::Tcp => P::Tcp,
            T::Udp => P::Udp,
            T::Icmp => P::Icmp,
            T::Igmp => P::Igmp,
            T::Igrp => P::Igrp,
            T::Pim => P::Pim,
            T::Vrrp => P::Vrrp,
            T::Carp => P::Carp,
            T::Atalk => P::Atalk,
            T::Aarp => P::Aarp,
            T::Decnet => P::Decnet,
            T::Lat => P::Lat,
            T::Sca => P::Sca,
            T::Mopdl => P::Mopdl,
            T::Moprc => P::Moprc,
            T::Ipv6 => P::Ip6,
            T::Icmpv6 => P::Icmp6,
            T::Ah => P::Ah,
            T::Esp => P::Esp,
            T::Iso => P::Iso,
            T::Esis => P::Esis,
            T::Isis => P::Isis,
            T::L1 => P::L1,
            T::L2 => P::L2,
            T::Iih => P::Iih,
            T::Lsp => P::Lsp,
            T::Snp => P::Snp,
            T::Psnp => P::Psnp,
            T::Csnp => P::Csnp,
            T::Clnp => P::Clnp,
            T::Stp => P::Stp,
            T::Ipx => P::Ipx,
            T::Netbeui => P::Netbeui,
            T::Radio => P::Radio,
            _ => return None,
        })
    }

    /// The direction of a direction-qualifier keyword (`src`/`dst` alone, `addr1`, …).
    pub fn dir_qual(self) -> Option<DirQual> {
        Some(match self {
            T::Src => DirQual::Src,
            T::Dst => DirQual::Dst,
            T::Addr1 => DirQual::Addr1,
            T::Addr2 => DirQual::Addr2,
            T::Addr3 => DirQual::Addr3,
            T::Addr4 => DirQual::Addr4,
            T::Ra => DirQual::Ra,
            T::Ta => DirQual::Ta,
            _ => return None,
        })
    }

    /// The type of an address-type keyword.
    pub fn addr_qual(self) -> Option<AddrQual> {
        Some(match self {
            T::Host => AddrQual::Host,
            T::Net => AddrQual::Net,
            T::Port => AddrQual::Port,
            T::Portrange => AddrQual::Portrange,
            T::Proto => AddrQual::Proto,
            T::Protochain => AddrQual::Protochain,
            T::Gateway => AddrQual::Gateway,
            _ => return None,
        })
    }

    /// The ATM keyword of an ATM terminal.
    pub fn atm_keyword(self) -> Option<AtmKeyword> {
        use AtmKeyword as A;
        Some(match self {
            T::Lane => A::Lane,
            T::Metac => A::Metac,
            T::Bcc => A::Bcc,
            T::Oamf4ec => A::Oamf4ec,
            T::Oamf4sc => A::Oamf4sc,
            T::Sc => A::Sc,
            T::Ilmic => A::Ilmic,
            T::Oam => A::Oam,
            T::Oamf4 => A::Oamf4,
            T::Connectmsg => A::Connectmsg,
            T::Metaconnect => A::Metaconnect,
            _ => return None,
        })
    }

    /// The ATM field of `vpi`/`vci`.
    pub fn atm_field(self) -> Option<AtmField> {
        match self {
            T::Vpi => Some(AtmField::Vpi),
            T::Vci => Some(AtmField::Vci),
            _ => None,
        }
    }

    /// The MTP2 type of an MTP2 keyword.
    pub fn mtp2_type(self) -> Option<Mtp2Type> {
        use Mtp2Type as M;
        Some(match self {
            T::Fisu => M::Fisu,
            T::Lssu => M::Lssu,
            T::Msu => M::Msu,
            T::Hfisu => M::Hfisu,
            T::Hlssu => M::Hlssu,
            T::Hmsu => M::Hmsu,
            _ => return None,
        })
    }

    /// The MTP3 field of an MTP3 keyword.
    pub fn mtp3_field(self) -> Option<Mtp3Field> {
        use Mtp3Field as M;
        Some(match self {
            T::Sio => M::Sio,
            T::Opc => M::Opc,
            T::Dpc => M::Dpc,
            T::Sls => M::Sls,
            T::Hsio => M::Hsio,
            T::Hopc => M::Hopc,
            T::Hdpc => M::Hdpc,
            T::Hsls => M::Hsls,
            _ => return None,
        })
    }
}

/// Keywords, in libpcap's spelling (several words may map to one terminal).
pub const KEYWORDS: &[(&str, T)] = &[
    ("dst", T::Dst),
    ("src", T::Src),
    ("link", T::Link),
    ("ether", T::Link),
    ("ppp", T::Link),
    ("slip", T::Link),
    ("fddi", T::Link),
    ("tr", T::Link),
    ("wlan", T::Link),
    ("arp", T::Arp),
    ("rarp", T::Rarp),
    ("ip", T::Ip),
    ("sctp", T::Sctp),
    ("tcp", T::Tcp),
    ("udp", T::Udp),
    ("icmp", T::Icmp),
    ("igmp", T::Igmp),
    ("igrp", T::Igrp),
    ("pim", T::Pim),
    ("vrrp", T::Vrrp),
    ("carp", T::Carp),
    ("radio", T::Radio),
    ("ip6", T::Ipv6),
    ("icmp6", T::Icmpv6),
    ("ah", T::Ah),
    ("esp", T::Esp),
    ("atalk", T::Atalk),
    ("aarp", T::Aarp),
    ("decnet", T::Decnet),
    ("lat", T::Lat),
    ("sca", T::Sca),
    ("moprc", T::Moprc),
    ("mopdl", T::Mopdl),
    ("iso", T::Iso),
    ("esis", T::Esis),
    ("es-is", T::Esis),
    ("isis", T::Isis),
    ("is-is", T::Isis),
    ("l1", T::L1),
    ("l2", T::L2),
    ("iih", T::Iih),
    ("lsp", T::Lsp),
    ("snp", T::Snp),
    ("csnp", T::Csnp),
    ("psnp", T::Psnp),
    ("clnp", T::Clnp),
    ("stp", T::Stp),
    ("ipx", T::Ipx),
    ("netbeui", T::Netbeui),
    ("host", T::Host),
    ("net", T::Net),
    ("mask", T::Netmask),
    ("port", T::Port),
    ("portrange", T::Portrange),
    ("proto", T::Proto),
    ("protochain", T::Protochain),
    ("gateway", T::Gateway),
    ("type", T::Type),
    ("subtype", T::Subtype),
    ("direction", T::Dir),
    ("dir", T::Dir),
    ("address1", T::Addr1),
    ("addr1", T::Addr1),
    ("address2", T::Addr2),
    ("addr2", T::Addr2),
    ("address3", T::Addr3),
    ("addr3", T::Addr3),
    ("address4", T::Addr4),
    ("addr4", T::Addr4),
    ("ra", T::Ra),
    ("ta", T::Ta),
    ("less", T::Less),
    ("greater", T::Greater),
    ("byte", T::Cbyte),
    ("broadcast", T::Broadcast),
    ("multicast", T::Multicast),
    ("and", T::And),
    ("or", T::Or),
    ("not", T::Not),
    ("len", T::Len),
    ("length", T::Len),
    ("inbound", T::Inbound),
    ("outbound", T::Outbound),
    ("ifindex", T::Ifindex),
    ("vlan", T::Vlan),
    ("mpls", T::Mpls),
    ("pppoed", T::Pppoed),
    ("pppoes", T::Pppoes),
    ("geneve", T::Geneve),
    ("lane", T::Lane),
    ("llc", T::Llc),
    ("metac", T::Metac),
    ("bcc", T::Bcc),
    ("oam", T::Oam),
    ("oamf4", T::Oamf4),
    ("oamf4ec", T::Oamf4ec),
    ("oamf4sc", T::Oamf4sc),
    ("sc", T::Sc),
    ("ilmic", T::Ilmic),
    ("vpi", T::Vpi),
    ("vci", T::Vci),
    ("connectmsg", T::Connectmsg),
    ("metaconnect", T::Metaconnect),
    ("on", T::PfIfname),
    ("ifname", T::PfIfname),
    ("rset", T::PfRset),
    ("ruleset", T::PfRset),
    ("rnr", T::PfRnr),
    ("rulenum", T::PfRnr),
    ("srnr", T::PfSrnr),
    ("subrulenum", T::PfSrnr),
    ("reason", T::PfReason),
    ("action", T::PfAction),
    ("fisu", T::Fisu),
    ("lssu", T::Lssu),
    ("lsu", T::Lssu),
    ("msu", T::Msu),
    ("hfisu", T::Hfisu),
    ("hlssu", T::Hlssu),
    ("hmsu", T::Hmsu),
    ("sio", T::Sio),
    ("opc", T::Opc),
    ("dpc", T::Dpc),
    ("sls", T::Sls),
    ("hsio", T::Hsio),
    ("hopc", T::Hopc),
    ("hdpc", T::Hdpc),
    ("hsls", T::Hsls),
];

/// The value a token carries.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Value {
    /// Keywords and operators.
    None,
    /// `Num`.
    Num(u32),
    /// `Id` (without the `\` of an escaped name), `Hid` (the dotted text), `Aid` (the hex
    /// digits after `$`).
    Text(String),
    /// `Eid`.
    Mac([u8; 6]),
    /// `Hid6`.
    Ipv6(Ipv6Addr),
}

/// A token: terminal, value and span.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Token {
    /// The terminal.
    pub term: T,
    /// Its value.
    pub value: Value,
    /// Where it is.
    pub span: Span,
}

/// Splits `expr` into tokens, ending with [`T::End`]. Lexical errors (invalid character, number
/// overflow, malformed addresses) stop at the first one.
pub fn tokenize(expr: &str) -> Result<Vec<Token>, Error> {
    if expr.len() > MAX_EXPRESSION_LEN {
        return Err(Error::new(
            ErrorKind::TooLong,
            expr,
            Span::new(MAX_EXPRESSION_LEN, expr.len()),
            format!(
                "expression too long: {} bytes, the limit is {MAX_EXPRESSION_LEN}",
                expr.len()
            ),
        ));
    }
    let b = expr.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
            continue;
        }
        let (len, term, value) = token_at(expr, i)?;
        out.push(Token {
            term,
            value,
            span: Span::new(i, i + len),
        });
        i += len;
    }
    out.push(Token {
        term: T::End,
        value: Value::None,
        span: Span::at(b.len()),
    });
    Ok(out)
}

/// What a name-shaped word is, if it is not a name.
#[derive(Clone, Copy)]
enum Word {
    Keyword(T),
    Constant(u32),
}

/// Words by spelling. The table is fixed (nothing an expression holds is ever added to it),
/// so the fast fixed hash suits it better than the default, keyed one.
type WordMap = FxMap<&'static str, Word>;

/// Keywords and named constants by spelling (built once).
fn words() -> &'static WordMap {
    static WORDS: OnceLock<WordMap> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut m = WordMap::default();
        for (w, t) in KEYWORDS {
            m.insert(*w, Word::Keyword(*t));
        }
        // Named constants (`tcpflags`, `tcp-syn`, `icmp-echo`, …): the shared name tables.
        use crate::wire::names::{FILTER_FIELD, ICMP6_TYPE, ICMP_TYPE, TCP_FLAGS};
        for &(v, w) in FILTER_FIELD.entries() {
            m.entry(w).or_insert(Word::Constant(v));
        }
        for &(v, w) in TCP_FLAGS.entries() {
            m.entry(w).or_insert(Word::Constant(u32::from(v)));
        }
        for &(v, w) in ICMP_TYPE.entries().iter().chain(ICMP6_TYPE.entries()) {
            m.entry(w).or_insert(Word::Constant(u32::from(v)));
        }
        m
    })
}

/// The rules of libpcap's scanner, in its order (earlier wins on equal length).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Rule {
    Keyword,
    Operator,
    Aid,
    Mac,
    Number,
    Ipv4,
    Ipv6,
    BogusMac,
    Constant,
    Name,
    Escaped,
}

fn is_hex(c: u8) -> bool {
    c.is_ascii_hexdigit()
}

/// Longest match at `i`: length, terminal and value.
fn token_at(expr: &str, i: usize) -> Result<(usize, T, Value), Error> {
    let b = expr.as_bytes();
    let rest = &b[i..];
    let mut best: Option<(usize, Rule)> = None;
    let mut offer = |len: Option<usize>, rule: Rule| {
        if let Some(len) = len.filter(|&l| l > 0) {
            if best.is_none_or(|(l, r)| len > l || (len == l && rule < r)) {
                best = Some((len, rule));
            }
        }
    };
    let name_len = name_len(rest);
    let mut word_value: Option<Word> = None;
    if let Some(n) = name_len {
        word_value = words().get(&expr[i..i + n]).copied();
        match word_value {
            Some(Word::Keyword(_)) => offer(Some(n), Rule::Keyword),
            Some(Word::Constant(_)) => offer(Some(n), Rule::Constant),
            None => {}
        }
    }
    if rest.starts_with(b"&&") || rest.starts_with(b"||") {
        offer(Some(2), Rule::Keyword);
    }
    offer(operator_len(rest), Rule::Operator);
    if rest[0] == b'$' {
        let hex = rest[1..].iter().take(2).take_while(|c| is_hex(**c)).count();
        offer((hex > 0).then_some(1 + hex), Rule::Aid);
    }
    if is_hex(rest[0]) {
        offer(mac_len(rest), Rule::Mac);
        offer(bogus_mac_len(rest), Rule::BogusMac);
    }
    if rest[0].is_ascii_digit() {
        offer(number_ends(rest).max(), Rule::Number);
        offer(ipv4_len(rest), Rule::Ipv4);
    }
    if is_hex(rest[0]) || rest[0] == b':' {
        offer(ipv6_len(rest), Rule::Ipv6);
    }
    offer(name_len, Rule::Name);
    if rest[0] == b'\\' {
        let n = rest[1..]
            .iter()
            .take_while(|c| !matches!(c, b' ' | b'!' | b'(' | b')' | b'\n' | b'\t'))
            .count();
        offer((n > 0).then_some(1 + n), Rule::Escaped);
    }
    let Some((len, rule)) = best else {
        let c = expr[i..].chars().next().unwrap_or('\0');
        return Err(Error::new(
            ErrorKind::InvalidCharacter,
            expr,
            Span::new(i, i + c.len_utf8()),
            format!("unexpected character {c:?}"),
        ));
    };
    let text = &expr[i..i + len];
    let span = Span::new(i, i + len);
    let err = |kind, msg: String| Err(Error::new(kind, expr, span, msg));
    Ok(match rule {
        Rule::Keyword => {
            let term = match text {
                "&&" => T::And,
                "||" => T::Or,
                _ => match word_value {
                    Some(Word::Keyword(t)) => t,
                    _ => T::LexError,
                },
            };
            (len, term, Value::None)
        }
        Rule::Operator => (len, operator(text), Value::None),
        Rule::Aid => (len, T::Aid, Value::Text(text[1..].to_string())),
        Rule::Mac => (len, T::Eid, Value::Mac(parse_mac(text))),
        Rule::Number => match parse_number(text) {
            Ok(n) => (len, T::Num, Value::Num(n)),
            Err((kind, msg)) => return err(kind, msg),
        },
        Rule::Ipv4 => (len, T::Hid, Value::Text(text.to_string())),
        Rule::Ipv6 => match text.parse::<Ipv6Addr>() {
            Ok(a) => (len, T::Hid6, Value::Ipv6(a)),
            Err(_) => {
                return err(
                    ErrorKind::InvalidIpv6Address,
                    format!("bogus IPv6 address {text}"),
                )
            }
        },
        Rule::BogusMac => {
            return err(
                ErrorKind::InvalidMacAddress,
                format!("bogus ethernet address {text}"),
            )
        }
        Rule::Constant => {
            let v = match word_value {
                Some(Word::Constant(v)) => v,
                _ => 0,
            };
            (len, T::Num, Value::Num(v))
        }
        Rule::Name => (len, T::Id, Value::Text(text.to_string())),
        Rule::Escaped => (len, T::Id, Value::Text(text[1..].to_string())),
    })
}

/// `[A-Za-z0-9]([-_.A-Za-z0-9]*[.A-Za-z0-9])?`
fn name_len(s: &[u8]) -> Option<usize> {
    if !s.first()?.is_ascii_alphanumeric() {
        return None;
    }
    let run = s
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        .count();
    // The last character must be alphanumeric or '.'.
    let end = s[..run]
        .iter()
        .rposition(|c| c.is_ascii_alphanumeric() || *c == b'.')?;
    Some(end + 1)
}

fn operator_len(s: &[u8]) -> Option<usize> {
    let two = s.get(..2);
    if matches!(
        two,
        Some(b">=") | Some(b"<=") | Some(b"!=") | Some(b"==") | Some(b"<<") | Some(b">>")
    ) {
        return Some(2);
    }
    b"+-*/%:[]!<>()&|^=".contains(&s[0]).then_some(1)
}

fn operator(text: &str) -> T {
    match text {
        ">=" => T::Geq,
        "<=" => T::Leq,
        "!=" => T::Neq,
        "==" => T::Eq,
        "<<" => T::Lsh,
        ">>" => T::Rsh,
        "+" => T::Plus,
        "-" => T::Minus,
        "*" => T::Star,
        "/" => T::Slash,
        "%" => T::Percent,
        ":" => T::Colon,
        "[" => T::LBracket,
        "]" => T::RBracket,
        "!" => T::Not,
        "<" => T::Lt,
        ">" => T::Gt,
        "(" => T::LParen,
        ")" => T::RParen,
        "&" => T::Amp,
        "|" => T::Pipe,
        "^" => T::Caret,
        _ => T::Eq,
    }
}

/// Possible ends of `N = [0-9]+ | 0[xX][0-9A-Fa-f]+` at the start of `s` (decimal run, hex).
fn number_ends(s: &[u8]) -> impl Iterator<Item = usize> {
    let dec = s.iter().take_while(|c| c.is_ascii_digit()).count();
    let mut hex = 0;
    if s.len() > 2 && s[0] == b'0' && matches!(s[1], b'x' | b'X') {
        hex = s[2..].iter().take_while(|c| is_hex(**c)).count();
    }
    [(dec > 0).then_some(dec), (hex > 0).then_some(2 + hex)]
        .into_iter()
        .flatten()
}

/// `N.N`, `N.N.N` or `N.N.N.N`: the longest.
fn ipv4_len(s: &[u8]) -> Option<usize> {
    fn go(s: &[u8], at: usize, parts: usize, best: &mut Option<usize>) {
        for end in number_ends(&s[at..]) {
            let end = at + end;
            if parts >= 2 {
                *best = (*best).max(Some(end));
            }
            if parts < 4 && s.get(end) == Some(&b'.') {
                go(s, end + 1, parts + 1, best);
            }
        }
    }
    let mut best = None;
    go(s, 0, 1, &mut best);
    best
}

/// The MAC shapes: `B:B:B:B:B:B`, `B-B-B-B-B-B`, `B.B.B.B.B.B` (B = 1-2 hex digits),
/// `B2.B2.B2` (B2 = 4 hex digits), `B2B2B2` (12 hex digits).
fn mac_len(s: &[u8]) -> Option<usize> {
    let mut best = None;
    for sep in [b':', b'-', b'.'] {
        let mut at = 0;
        let mut ok = true;
        for group in 0..6 {
            let n = s[at..].iter().take(2).take_while(|c| is_hex(**c)).count();
            if n == 0 {
                ok = false;
                break;
            }
            at += n;
            if group < 5 {
                if s.get(at) != Some(&sep) {
                    ok = false;
                    break;
                }
                at += 1;
            }
        }
        if ok {
            best = best.max(Some(at));
        }
    }
    let hex4 = |at: usize| s.len() >= at + 4 && s[at..at + 4].iter().all(|c| is_hex(*c));
    if hex4(0) && s.get(4) == Some(&b'.') && hex4(5) && s.get(9) == Some(&b'.') && hex4(10) {
        best = best.max(Some(14));
    }
    if s.len() >= 12 && s[..12].iter().all(|c| is_hex(*c)) {
        best = best.max(Some(12));
    }
    best
}

/// `{B}:+({B}:+)+`: a MAC-like run that ends in a colon (libpcap: "bogus ethernet address").
fn bogus_mac_len(s: &[u8]) -> Option<usize> {
    let mut at = 0;
    let mut reps = 0;
    let mut best = None;
    loop {
        let n = s[at..].iter().take(2).take_while(|c| is_hex(**c)).count();
        if n == 0 || s.get(at + n) != Some(&b':') {
            // A 2-digit B not followed by ':' may still match with 1 digit? No: then the
            // second digit would have to be ':'.
            return best;
        }
        at += n;
        while s.get(at) == Some(&b':') {
            at += 1;
        }
        reps += 1;
        if reps >= 2 {
            best = Some(at);
        }
    }
}

/// Longest prefix of `s` shaped like an IPv6 address (libpcap's `V6` patterns: eight groups,
/// or fewer with one `::`, optionally ending in a dotted quad).
fn ipv6_len(s: &[u8]) -> Option<usize> {
    // Longest text any V6 pattern matches in practice; a longer run cannot be a valid address
    // (its dotted-quad parts would have more than 3 digits).
    const MAX: usize = 64;
    let run = s
        .iter()
        .take(MAX)
        .take_while(|c| is_hex(**c) || matches!(c, b':' | b'.' | b'x' | b'X'))
        .count();
    // Every IPv6 shape has a colon among its first five characters.
    if !s[..run].iter().take(5).any(|c| *c == b':') {
        return None;
    }
    (1..=run).rev().find(|&n| ipv6_shape(&s[..n]))
}

fn ipv6_shape(s: &[u8]) -> bool {
    let Ok(text) = core::str::from_utf8(s) else {
        return false;
    };
    let w = |g: &str| (1..=4).contains(&g.len()) && g.bytes().all(is_hex);
    let quad = |g: &str| {
        let parts: Vec<&str> = g.split('.').collect();
        parts.len() == 4
            && parts
                .iter()
                .all(|p| number_ends(p.as_bytes()).any(|e| e == p.len()))
    };
    // Split a list of groups: all W, except possibly a quad at the end (when allowed).
    let groups = |t: &str| -> Option<(usize, bool)> {
        if t.is_empty() {
            return Some((0, false));
        }
        let parts: Vec<&str> = t.split(':').collect();
        let (last, init) = parts.split_last()?;
        if !init.iter().all(|g| w(g)) {
            return None;
        }
        if w(last) {
            Some((parts.len(), false))
        } else if quad(last) {
            Some((init.len(), true))
        } else {
            None
        }
    };
    match text.find("::") {
        None => matches!(groups(text), Some((8, false)) | Some((6, true))),
        Some(at) => {
            let (head, tail) = (&text[..at], &text[at + 2..]);
            let Some((h, hq)) = groups(head) else {
                return false;
            };
            let Some((t, tq)) = groups(tail) else {
                return false;
            };
            !hq && if tq { h + t <= 5 } else { h + t <= 7 }
        }
    }
}

fn parse_mac(text: &str) -> [u8; 6] {
    let digits: Vec<u8> = text.bytes().collect();
    let mut mac = [0u8; 6];
    let groups: Vec<&[u8]> = if text.len() == 12 && text.bytes().all(is_hex) {
        digits.chunks(2).collect()
    } else if text.len() == 14 && text.bytes().filter(|&c| c == b'.').count() == 2 {
        // xxxx.xxxx.xxxx (six one- or two-digit groups with dots, `2.00.2.02.9.99`, can
        // also be 14 characters long: they have five dots)
        text.split('.')
            .flat_map(|g| {
                let g = g.as_bytes();
                let (hi, lo) = g.split_at(g.len().min(2));
                [hi, lo]
            })
            .collect()
    } else {
        digits.split(|c| matches!(c, b':' | b'-' | b'.')).collect()
    };
    for (m, g) in mac.iter_mut().zip(groups) {
        *m = g.iter().fold(0u8, |acc, c| {
            (acc << 4) | (*c as char).to_digit(16).unwrap_or(0) as u8
        });
    }
    mac
}

/// libpcap's `stou`: decimal, `0x` hex or `0` octal, at most 32 bits.
fn parse_number(text: &str) -> Result<u32, (ErrorKind, String)> {
    let overflow = || {
        (
            ErrorKind::NumberOverflow,
            format!("number {text} overflows 32 bits"),
        )
    };
    let (digits, radix) =
        if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
            (hex, 16)
        } else if text.len() > 1 && text.starts_with('0') {
            if text.bytes().any(|c| c == b'8' || c == b'9') {
                return Err((
                    ErrorKind::NonOctalDigit,
                    format!("number {text} contains non-octal digit"),
                ));
            }
            (&text[1..], 8)
        } else {
            (text, 10)
        };
    let mut n: u32 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix).ok_or_else(overflow)?;
        n = n
            .checked_mul(radix)
            .and_then(|n| n.checked_add(d))
            .ok_or_else(overflow)?;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(s: &str) -> Vec<T> {
        tokenize(s).unwrap().into_iter().map(|t| t.term).collect()
    }

    /// Every MAC spelling libpcap's scanner takes, including six dotted one- or two-digit
    /// groups that happen to be as long as `xxxx.xxxx.xxxx` (a fuzzer's crash).
    #[test]
    fn mac_spellings() {
        let want = [0x02, 0x00, 0x02, 0x02, 0x09, 0x99];
        for text in [
            "02:00:02:02:09:99",
            "2-0-2-2-9-99",
            "2.00.2.02.9.99",
            "0200.0202.0999",
            "020002020999",
        ] {
            assert_eq!(parse_mac(text), want, "{text}");
        }
    }

    fn one(s: &str) -> (T, Value) {
        let t = tokenize(s).unwrap();
        assert_eq!(t.len(), 2, "{s}: {t:?}");
        (t[0].term, t[0].value.clone())
    }

    #[test]
    fn terminal_table_is_dense() {
        for (i, t) in T::ALL.iter().enumerate() {
            assert_eq!(*t as usize, i);
        }
    }

    #[test]
    fn keywords_names_and_case() {
        assert_eq!(terms("tcp port 80"), [T::Tcp, T::Port, T::Num, T::End]);
        assert_eq!(one("TCP"), (T::Id, Value::Text("TCP".into())));
        assert_eq!(one("tcpx").0, T::Id);
        assert_eq!(one("es-is").0, T::Esis);
        assert_eq!(one("ether").0, T::Link);
        assert_eq!(one("ftp-data"), (T::Id, Value::Text("ftp-data".into())));
        assert_eq!(one("1-1024"), (T::Id, Value::Text("1-1024".into())));
        assert_eq!(one("1e").0, T::Id);
        assert_eq!(one("1.2.3.4.5").0, T::Id);
        assert_eq!(terms("ab-"), [T::Id, T::Minus, T::End]);
        assert_eq!(one("\\tcp"), (T::Id, Value::Text("tcp".into())));
        assert_eq!(terms("(\\tcp)"), [T::LParen, T::Id, T::RParen, T::End]);
        assert_eq!(terms("&&||!"), [T::And, T::Or, T::Not, T::End]);
        assert_eq!(terms("!=="), [T::Neq, T::Eq, T::End]);
    }

    #[test]
    fn numbers() {
        assert_eq!(one("0x50"), (T::Num, Value::Num(80)));
        assert_eq!(one("0X50"), (T::Num, Value::Num(80)));
        assert_eq!(one("0120"), (T::Num, Value::Num(80)));
        assert_eq!(one("00"), (T::Num, Value::Num(0)));
        assert_eq!(one("4294967295"), (T::Num, Value::Num(u32::MAX)));
        assert_eq!(one("tcp-syn"), (T::Num, Value::Num(2)));
        assert_eq!(one("icmp6-echo"), (T::Num, Value::Num(128)));
        let e = tokenize("len > 08").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NonOctalDigit);
        assert_eq!(e.span(), Span::new(6, 8));
        let e = tokenize("len > 4294967296").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NumberOverflow);
        // Twelve digits are a MAC address, not a number (libpcap rejects `len > 037777777777`).
        assert_eq!(tokenize("len > 037777777777").unwrap()[2].term, T::Eid);
        assert_eq!(
            tokenize("len > 07777777777").unwrap()[2].value,
            Value::Num(0o7777777777)
        );
        assert_eq!(
            tokenize("len > 0x1ffffffff").unwrap_err().kind(),
            ErrorKind::NumberOverflow
        );
    }

    #[test]
    fn addresses() {
        assert_eq!(one("10.1"), (T::Hid, Value::Text("10.1".into())));
        assert_eq!(one("0x0a.1.2.3").0, T::Hid);
        assert_eq!(one("12.500").0, T::Hid);
        let mac = Value::Mac([0, 0x11, 0x22, 0x33, 0x44, 0x55]);
        for s in [
            "00:11:22:33:44:55",
            "0:11:22:33:44:55",
            "00-11-22-33-44-55",
            "0011.2233.4455",
            "001122334455",
        ] {
            let (t, v) = one(s);
            assert_eq!(t, T::Eid, "{s}");
            if s != "0:11:22:33:44:55" {
                assert_eq!(v, mac, "{s}");
            }
        }
        assert_eq!(one("1.2.3.4.5.6").0, T::Eid);
        assert_eq!(one("100000000000").0, T::Eid);
        // 13 digits: a number, too big.
        assert_eq!(
            tokenize("1000000000000").unwrap_err().kind(),
            ErrorKind::NumberOverflow
        );
        assert_eq!(one("ffffffffffff").0, T::Eid);
        assert_eq!(one("::1"), (T::Hid6, Value::Ipv6(Ipv6Addr::LOCALHOST)));
        assert_eq!(one("2001:db8::1").0, T::Hid6);
        assert_eq!(one("::ffff:1.2.3.4").0, T::Hid6);
        assert_eq!(one("1:2:3:4:5:6:7:8").0, T::Hid6);
        assert_eq!(one("::").0, T::Hid6);
        assert_eq!(terms("fe80::1::2"), [T::Hid6, T::Hid6, T::End]);
        assert_eq!(one("$1a"), (T::Aid, Value::Text("1a".into())));
        assert_eq!(one("bcc").0, T::Bcc);
        let e = tokenize("ether host 00:11:22:33:").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidMacAddress);
        assert_eq!(e.text(), "00:11:22:33:");
        let e = tokenize("host ::1.2.3.04").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidIpv6Address);
        // Seven groups: not IPv6; the MAC-like prefix ending in ':' wins.
        let e = tokenize("host 1:2:3:4:5:6:7").unwrap_err();
        assert_eq!(
            (e.kind(), e.text()),
            (ErrorKind::InvalidMacAddress, "1:2:3:4:5:6:")
        );
    }

    #[test]
    fn invalid_characters_and_limits() {
        let e = tokenize("tcp _x").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidCharacter);
        assert_eq!(e.span(), Span::new(4, 5));
        let e = tokenize("host é").unwrap_err();
        assert_eq!(e.text(), "é");
        let long = "a ".repeat(MAX_EXPRESSION_LEN);
        assert_eq!(tokenize(&long).unwrap_err().kind(), ErrorKind::TooLong);
        assert_eq!(terms(" \t\r\n"), [T::End]);
    }
}
