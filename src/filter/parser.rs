//! Tokens → [`Ast`], by libpcap 1.10's grammar run as an LALR(1) automaton.
//!
//! The grammar below is libpcap's `grammar.y.in` production for production (same order, same
//! precedence declarations), so that the 38 conflicts bison resolves by shifting come out the
//! same way (a test checks the count); see [`lalr`](super::lalr). The tables are built once, on
//! first use.
//!
//! Semantic actions only build the tree. Like libpcap's `$<blk>0`, each value on the stack
//! carries the qualifiers in effect after it, so a bare id after `and`/`or`/`not`/`(` takes
//! the qualifiers of the term before it; everything else (ranges, names, qualifier validity)
//! is checked by resolution.

use super::ast::*;
use super::error::{Error, ErrorKind};
use super::lalr::{Action, Assoc, Grammar, Prec, Tables};
use super::lexer::{tokenize, Token, Value, T, TERMINALS};
use super::limits::MAX_NEST;
use super::span::{Span, Spanned};
use std::sync::OnceLock;

/// Parses `expr` into a syntax tree.
pub fn parse(expr: &str) -> Result<Ast, Error> {
    let tokens = tokenize(expr)?;
    Parser {
        expr,
        tokens: &tokens,
    }
    .run()
}

/// Nonterminals of libpcap's grammar.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
enum N {
    Prog,
    Null,
    Expr,
    And,
    Or,
    Id,
    Nid,
    Not,
    Paren,
    Pid,
    Qid,
    Term,
    Head,
    Rterm,
    Pqual,
    Dqual,
    Aqual,
    Ndaqual,
    Pname,
    Other,
    Pfvar,
    P80211,
    Type,
    Subtype,
    TypeSubtype,
    Pllc,
    Dir,
    Reason,
    Action,
    Relop,
    Irelop,
    Arth,
    Narth,
    Byteop,
    Pnum,
    Atmtype,
    Atmmultitype,
    Atmfield,
    Atmvalue,
    Atmfieldvalue,
    Atmlistvalue,
    Mtp2type,
    Mtp3field,
    Mtp3value,
    Mtp3fieldvalue,
    Mtp3listvalue,
}
const NONTERMINALS: usize = N::Mtp3listvalue as usize + 1;

/// A grammar symbol.
#[derive(Clone, Copy)]
enum S {
    T(T),
    N(N),
}

/// The semantic action of a rule.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum A {
    Prog,
    ProgEmpty,
    Null,
    Pass,
    And,
    Or,
    Inherit,
    Keep,
    IdNum,
    IdParen,
    IdName,
    IdCidr4,
    IdMask4,
    IdIpv4,
    IdCidr6,
    IdIpv6,
    IdMac,
    IdArcnet,
    NotId,
    PidAnd,
    PidOr,
    QidNum,
    NotTerm,
    HeadDirAddr,
    HeadDir,
    HeadAddr,
    HeadKeyword,
    HeadGateway,
    RtermHead,
    RtermParen,
    RtermPname,
    RtermRelation,
    RtermOther,
    RtermAtm,
    RtermAtmField,
    RtermMtp2,
    RtermMtp3Field,
    PqualNone,
    DqualOne,
    DqualOr,
    DqualAnd,
    Aqual,
    Pname,
    Broadcast,
    Multicast,
    Less,
    Greater,
    Byte,
    Inbound,
    Outbound,
    Ifindex,
    VlanNum,
    Vlan,
    MplsNum,
    Mpls,
    Pppoed,
    PppoesNum,
    Pppoes,
    GeneveNum,
    Geneve,
    P80211,
    PfIfname,
    PfRuleset,
    PfRnr,
    PfSrnr,
    PfReason,
    PfAction,
    WlanTypeSubtype,
    WlanType,
    WlanSubtype,
    WlanDir,
    NumOrName,
    Name,
    Llc,
    LlcName,
    LlcRnr,
    Relop,
    ArthNum,
    Load,
    LoadSized,
    Binary,
    Neg,
    ArthParen,
    Len,
    Byteop,
    PnumNum,
    PnumParen,
    Keyword,
    FieldEq,
    FieldRel,
    FieldList,
    Num,
    ListOne,
    ListMore,
}

/// `(lhs, rhs, %prec, action)`.
type Rule = (N, &'static [S], Option<u8>, A);

/// The `%prec UMINUS` level.
const UMINUS: u8 = 8;

macro_rules! s {
    (@ ($t:ident)) => { S::T(T::$t) };
    (@ $n:ident) => { S::N(N::$n) };
    ($($x:tt)*) => { &[$(s!(@ $x)),*] };
}

/// libpcap 1.10.3's grammar, in its order.
#[rustfmt::skip]
const RULES: &[Rule] = &[
    (N::Prog, s![Null Expr], None, A::Prog),
    (N::Prog, s![Null], None, A::ProgEmpty),
    (N::Null, s![], None, A::Null),
    (N::Expr, s![Term], None, A::Pass),
    (N::Expr, s![Expr And Term], None, A::And),
    (N::Expr, s![Expr And Id], None, A::And),
    (N::Expr, s![Expr Or Term], None, A::Or),
    (N::Expr, s![Expr Or Id], None, A::Or),
    (N::And, s![(And)], None, A::Inherit),
    (N::Or, s![(Or)], None, A::Inherit),
    (N::Id, s![Nid], None, A::Pass),
    (N::Id, s![Pnum], None, A::IdNum),
    (N::Id, s![Paren Pid (RParen)], None, A::IdParen),
    (N::Nid, s![(Id)], None, A::IdName),
    (N::Nid, s![(Hid) (Slash) (Num)], None, A::IdCidr4),
    (N::Nid, s![(Hid) (Netmask) (Hid)], None, A::IdMask4),
    (N::Nid, s![(Hid)], None, A::IdIpv4),
    (N::Nid, s![(Hid6) (Slash) (Num)], None, A::IdCidr6),
    (N::Nid, s![(Hid6)], None, A::IdIpv6),
    (N::Nid, s![(Eid)], None, A::IdMac),
    (N::Nid, s![(Aid)], None, A::IdArcnet),
    (N::Nid, s![Not Id], None, A::NotId),
    (N::Not, s![(Not)], None, A::Keep),
    (N::Paren, s![(LParen)], None, A::Keep),
    (N::Pid, s![Nid], None, A::Pass),
    (N::Pid, s![Qid And Id], None, A::PidAnd),
    (N::Pid, s![Qid Or Id], None, A::PidOr),
    (N::Qid, s![Pnum], None, A::QidNum),
    (N::Qid, s![Pid], None, A::Pass),
    (N::Term, s![Rterm], None, A::Pass),
    (N::Term, s![Not Term], None, A::NotTerm),
    (N::Head, s![Pqual Dqual Aqual], None, A::HeadDirAddr),
    (N::Head, s![Pqual Dqual], None, A::HeadDir),
    (N::Head, s![Pqual Aqual], None, A::HeadAddr),
    (N::Head, s![Pqual (Proto)], None, A::HeadKeyword),
    (N::Head, s![Pqual (Protochain)], None, A::HeadKeyword),
    (N::Head, s![Pqual Ndaqual], None, A::HeadGateway),
    (N::Rterm, s![Head Id], None, A::RtermHead),
    (N::Rterm, s![Paren Expr (RParen)], None, A::RtermParen),
    (N::Rterm, s![Pname], None, A::RtermPname),
    (N::Rterm, s![Arth Relop Arth], None, A::RtermRelation),
    (N::Rterm, s![Arth Irelop Arth], None, A::RtermRelation),
    (N::Rterm, s![Other], None, A::RtermOther),
    (N::Rterm, s![Atmtype], None, A::RtermAtm),
    (N::Rterm, s![Atmmultitype], None, A::RtermAtm),
    (N::Rterm, s![Atmfield Atmvalue], None, A::RtermAtmField),
    (N::Rterm, s![Mtp2type], None, A::RtermMtp2),
    (N::Rterm, s![Mtp3field Mtp3value], None, A::RtermMtp3Field),
    (N::Pqual, s![Pname], None, A::Pass),
    (N::Pqual, s![], None, A::PqualNone),
    (N::Dqual, s![(Src)], None, A::DqualOne),
    (N::Dqual, s![(Dst)], None, A::DqualOne),
    (N::Dqual, s![(Src) (Or) (Dst)], None, A::DqualOr),
    (N::Dqual, s![(Dst) (Or) (Src)], None, A::DqualOr),
    (N::Dqual, s![(Src) (And) (Dst)], None, A::DqualAnd),
    (N::Dqual, s![(Dst) (And) (Src)], None, A::DqualAnd),
    (N::Dqual, s![(Addr1)], None, A::DqualOne),
    (N::Dqual, s![(Addr2)], None, A::DqualOne),
    (N::Dqual, s![(Addr3)], None, A::DqualOne),
    (N::Dqual, s![(Addr4)], None, A::DqualOne),
    (N::Dqual, s![(Ra)], None, A::DqualOne),
    (N::Dqual, s![(Ta)], None, A::DqualOne),
    (N::Aqual, s![(Host)], None, A::Aqual),
    (N::Aqual, s![(Net)], None, A::Aqual),
    (N::Aqual, s![(Port)], None, A::Aqual),
    (N::Aqual, s![(Portrange)], None, A::Aqual),
    (N::Ndaqual, s![(Gateway)], None, A::Aqual),
    (N::Pname, s![(Link)], None, A::Pname),
    (N::Pname, s![(Ip)], None, A::Pname),
    (N::Pname, s![(Arp)], None, A::Pname),
    (N::Pname, s![(Rarp)], None, A::Pname),
    (N::Pname, s![(Sctp)], None, A::Pname),
    (N::Pname, s![(Tcp)], None, A::Pname),
    (N::Pname, s![(Udp)], None, A::Pname),
    (N::Pname, s![(Icmp)], None, A::Pname),
    (N::Pname, s![(Igmp)], None, A::Pname),
    (N::Pname, s![(Igrp)], None, A::Pname),
    (N::Pname, s![(Pim)], None, A::Pname),
    (N::Pname, s![(Vrrp)], None, A::Pname),
    (N::Pname, s![(Carp)], None, A::Pname),
    (N::Pname, s![(Atalk)], None, A::Pname),
    (N::Pname, s![(Aarp)], None, A::Pname),
    (N::Pname, s![(Decnet)], None, A::Pname),
    (N::Pname, s![(Lat)], None, A::Pname),
    (N::Pname, s![(Sca)], None, A::Pname),
    (N::Pname, s![(Mopdl)], None, A::Pname),
    (N::Pname, s![(Moprc)], None, A::Pname),
    (N::Pname, s![(Ipv6)], None, A::Pname),
    (N::Pname, s![(Icmpv6)], None, A::Pname),
    (N::Pname, s![(Ah)], None, A::Pname),
    (N::Pname, s![(Esp)], None, A::Pname),
    (N::Pname, s![(Iso)], None, A::Pname),
    (N::Pname, s![(Esis)], None, A::Pname),
    (N::Pname, s![(Isis)], None, A::Pname),
    (N::Pname, s![(L1)], None, A::Pname),
    (N::Pname, s![(L2)], None, A::Pname),
    (N::Pname, s![(Iih)], None, A::Pname),
    (N::Pname, s![(Lsp)], None, A::Pname),
    (N::Pname, s![(Snp)], None, A::Pname),
    (N::Pname, s![(Psnp)], None, A::Pname),
    (N::Pname, s![(Csnp)], None, A::Pname),
    (N::Pname, s![(Clnp)], None, A::Pname),
    (N::Pname, s![(Stp)], None, A::Pname),
    (N::Pname, s![(Ipx)], None, A::Pname),
    (N::Pname, s![(Netbeui)], None, A::Pname),
    (N::Pname, s![(Radio)], None, A::Pname),
    (N::Other, s![Pqual (Broadcast)], None, A::Broadcast),
    (N::Other, s![Pqual (Multicast)], None, A::Multicast),
    (N::Other, s![(Less) (Num)], None, A::Less),
    (N::Other, s![(Greater) (Num)], None, A::Greater),
    (N::Other, s![(Cbyte) (Num) Byteop (Num)], None, A::Byte),
    (N::Other, s![(Inbound)], None, A::Inbound),
    (N::Other, s![(Outbound)], None, A::Outbound),
    (N::Other, s![(Ifindex) (Num)], None, A::Ifindex),
    (N::Other, s![(Vlan) Pnum], None, A::VlanNum),
    (N::Other, s![(Vlan)], None, A::Vlan),
    (N::Other, s![(Mpls) Pnum], None, A::MplsNum),
    (N::Other, s![(Mpls)], None, A::Mpls),
    (N::Other, s![(Pppoed)], None, A::Pppoed),
    (N::Other, s![(Pppoes) Pnum], None, A::PppoesNum),
    (N::Other, s![(Pppoes)], None, A::Pppoes),
    (N::Other, s![(Geneve) Pnum], None, A::GeneveNum),
    (N::Other, s![(Geneve)], None, A::Geneve),
    (N::Other, s![Pfvar], None, A::Pass),
    (N::Other, s![Pqual P80211], None, A::P80211),
    (N::Other, s![Pllc], None, A::Pass),
    (N::Pfvar, s![(PfIfname) (Id)], None, A::PfIfname),
    (N::Pfvar, s![(PfRset) (Id)], None, A::PfRuleset),
    (N::Pfvar, s![(PfRnr) (Num)], None, A::PfRnr),
    (N::Pfvar, s![(PfSrnr) (Num)], None, A::PfSrnr),
    (N::Pfvar, s![(PfReason) Reason], None, A::PfReason),
    (N::Pfvar, s![(PfAction) Action], None, A::PfAction),
    (N::P80211, s![(Type) Type (Subtype) Subtype], None, A::WlanTypeSubtype),
    (N::P80211, s![(Type) Type], None, A::WlanType),
    (N::P80211, s![(Subtype) TypeSubtype], None, A::WlanSubtype),
    (N::P80211, s![(Dir) Dir], None, A::WlanDir),
    (N::Type, s![(Num)], None, A::NumOrName),
    (N::Type, s![(Id)], None, A::NumOrName),
    (N::Subtype, s![(Num)], None, A::NumOrName),
    (N::Subtype, s![(Id)], None, A::NumOrName),
    (N::TypeSubtype, s![(Id)], None, A::Name),
    (N::Pllc, s![(Llc)], None, A::Llc),
    (N::Pllc, s![(Llc) (Id)], None, A::LlcName),
    (N::Pllc, s![(Llc) (PfRnr)], None, A::LlcRnr),
    (N::Dir, s![(Num)], None, A::NumOrName),
    (N::Dir, s![(Id)], None, A::NumOrName),
    (N::Reason, s![(Num)], None, A::NumOrName),
    (N::Reason, s![(Id)], None, A::NumOrName),
    (N::Action, s![(Id)], None, A::Name),
    (N::Relop, s![(Gt)], None, A::Relop),
    (N::Relop, s![(Geq)], None, A::Relop),
    (N::Relop, s![(Eq)], None, A::Relop),
    (N::Irelop, s![(Leq)], None, A::Relop),
    (N::Irelop, s![(Lt)], None, A::Relop),
    (N::Irelop, s![(Neq)], None, A::Relop),
    (N::Arth, s![Pnum], None, A::ArthNum),
    (N::Arth, s![Narth], None, A::Pass),
    (N::Narth, s![Pname (LBracket) Arth (RBracket)], None, A::Load),
    (N::Narth, s![Pname (LBracket) Arth (Colon) (Num) (RBracket)], None, A::LoadSized),
    (N::Narth, s![Arth (Plus) Arth], None, A::Binary),
    (N::Narth, s![Arth (Minus) Arth], None, A::Binary),
    (N::Narth, s![Arth (Star) Arth], None, A::Binary),
    (N::Narth, s![Arth (Slash) Arth], None, A::Binary),
    (N::Narth, s![Arth (Percent) Arth], None, A::Binary),
    (N::Narth, s![Arth (Amp) Arth], None, A::Binary),
    (N::Narth, s![Arth (Pipe) Arth], None, A::Binary),
    (N::Narth, s![Arth (Caret) Arth], None, A::Binary),
    (N::Narth, s![Arth (Lsh) Arth], None, A::Binary),
    (N::Narth, s![Arth (Rsh) Arth], None, A::Binary),
    (N::Narth, s![(Minus) Arth], Some(UMINUS), A::Neg),
    (N::Narth, s![Paren Narth (RParen)], None, A::ArthParen),
    (N::Narth, s![(Len)], None, A::Len),
    (N::Byteop, s![(Amp)], None, A::Byteop),
    (N::Byteop, s![(Pipe)], None, A::Byteop),
    (N::Byteop, s![(Lt)], None, A::Byteop),
    (N::Byteop, s![(Gt)], None, A::Byteop),
    (N::Byteop, s![(Eq)], None, A::Byteop),
    (N::Pnum, s![(Num)], None, A::PnumNum),
    (N::Pnum, s![Paren Pnum (RParen)], None, A::PnumParen),
    (N::Atmtype, s![(Lane)], None, A::Keyword),
    (N::Atmtype, s![(Metac)], None, A::Keyword),
    (N::Atmtype, s![(Bcc)], None, A::Keyword),
    (N::Atmtype, s![(Oamf4ec)], None, A::Keyword),
    (N::Atmtype, s![(Oamf4sc)], None, A::Keyword),
    (N::Atmtype, s![(Sc)], None, A::Keyword),
    (N::Atmtype, s![(Ilmic)], None, A::Keyword),
    (N::Atmmultitype, s![(Oam)], None, A::Keyword),
    (N::Atmmultitype, s![(Oamf4)], None, A::Keyword),
    (N::Atmmultitype, s![(Connectmsg)], None, A::Keyword),
    (N::Atmmultitype, s![(Metaconnect)], None, A::Keyword),
    (N::Atmfield, s![(Vpi)], None, A::Keyword),
    (N::Atmfield, s![(Vci)], None, A::Keyword),
    (N::Atmvalue, s![Atmfieldvalue], None, A::FieldEq),
    (N::Atmvalue, s![Relop (Num)], None, A::FieldRel),
    (N::Atmvalue, s![Irelop (Num)], None, A::FieldRel),
    (N::Atmvalue, s![Paren Atmlistvalue (RParen)], None, A::FieldList),
    (N::Atmfieldvalue, s![(Num)], None, A::Num),
    (N::Atmlistvalue, s![Atmfieldvalue], None, A::ListOne),
    (N::Atmlistvalue, s![Atmlistvalue Or Atmfieldvalue], None, A::ListMore),
    (N::Mtp2type, s![(Fisu)], None, A::Keyword),
    (N::Mtp2type, s![(Lssu)], None, A::Keyword),
    (N::Mtp2type, s![(Msu)], None, A::Keyword),
    (N::Mtp2type, s![(Hfisu)], None, A::Keyword),
    (N::Mtp2type, s![(Hlssu)], None, A::Keyword),
    (N::Mtp2type, s![(Hmsu)], None, A::Keyword),
    (N::Mtp3field, s![(Sio)], None, A::Keyword),
    (N::Mtp3field, s![(Opc)], None, A::Keyword),
    (N::Mtp3field, s![(Dpc)], None, A::Keyword),
    (N::Mtp3field, s![(Sls)], None, A::Keyword),
    (N::Mtp3field, s![(Hsio)], None, A::Keyword),
    (N::Mtp3field, s![(Hopc)], None, A::Keyword),
    (N::Mtp3field, s![(Hdpc)], None, A::Keyword),
    (N::Mtp3field, s![(Hsls)], None, A::Keyword),
    (N::Mtp3value, s![Mtp3fieldvalue], None, A::FieldEq),
    (N::Mtp3value, s![Relop (Num)], None, A::FieldRel),
    (N::Mtp3value, s![Irelop (Num)], None, A::FieldRel),
    (N::Mtp3value, s![Paren Mtp3listvalue (RParen)], None, A::FieldList),
    (N::Mtp3fieldvalue, s![(Num)], None, A::Num),
    (N::Mtp3listvalue, s![Mtp3fieldvalue], None, A::ListOne),
    (N::Mtp3listvalue, s![Mtp3listvalue Or Mtp3fieldvalue], None, A::ListMore),
];

/// libpcap's precedence declarations: `%left OR AND`, `%nonassoc '!'`, `%left '|'`,
/// `%left '&'`, `%left LSH RSH`, `%left '+' '-'`, `%left '*' '/'`, `%nonassoc UMINUS`.
fn term_prec(t: T) -> Prec {
    Some(match t {
        T::Or | T::And => (1, Assoc::Left),
        T::Not => (2, Assoc::Neither),
        T::Pipe => (3, Assoc::Left),
        T::Amp => (4, Assoc::Left),
        T::Lsh | T::Rsh => (5, Assoc::Left),
        T::Plus | T::Minus => (6, Assoc::Left),
        T::Star | T::Slash => (7, Assoc::Left),
        _ => return None,
    })
}

fn grammar() -> Grammar {
    let sym = |s: &S| match *s {
        S::T(t) => t as usize,
        S::N(n) => TERMINALS + n as usize,
    };
    Grammar {
        terminals: TERMINALS,
        nonterminals: NONTERMINALS,
        end: T::End as usize,
        start: N::Prog as usize,
        rules: RULES
            .iter()
            .map(|(lhs, rhs, prec, _)| {
                (
                    *lhs as usize,
                    rhs.iter().map(sym).collect(),
                    prec.map(|p| (p, Assoc::Neither)),
                )
            })
            .collect(),
        term_prec: T::ALL.iter().map(|&t| term_prec(t)).collect(),
    }
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let t = grammar().build();
        // grammar.y.in declares `%expect 38`: the same automaton has the same conflicts.
        debug_assert_eq!((t.shift_reduce, t.reduce_reduce), (38, 0));
        t
    })
}

/// The qualifiers in effect after a value (libpcap's `$$.q`).
#[derive(Clone, Copy, Debug, Default)]
struct Q {
    quals: Option<Quals>,
    inherited: bool,
}

/// A value on the parser's stack.
#[derive(Debug)]
enum Val {
    Empty,
    Tok(Token),
    /// `and`, `or`, `not`, `(` and `null`: the qualifiers they pass on.
    Q(Q),
    /// A boolean expression with the qualifiers in effect after it.
    Expr(Expr, Q),
    Head(Quals),
    Pqual(Option<Spanned<ProtoName>>),
    Dqual(Spanned<DirQual>),
    Aqual(Spanned<AddrQual>),
    Pname(Spanned<ProtoName>),
    Kind(ExprKind),
    Rel(Spanned<RelOp>),
    ByteOp(Spanned<ByteOp>),
    Arith(Arith),
    Num(Spanned<u32>),
    NumOrName(Spanned<NumOrName>),
    Name(Spanned<String>),
    Field(FieldValue),
    List(Vec<Spanned<u32>>),
    Keyword(T, Span),
}

impl Val {
    /// The qualifiers a bare id after this value takes (libpcap's `$<blk>0.q`).
    fn q(&self) -> Q {
        match self {
            Val::Q(q) | Val::Expr(_, q) => *q,
            Val::Head(quals) => Q {
                quals: Some(*quals),
                inherited: false,
            },
            _ => Q::default(),
        }
    }
}

struct Parser<'a> {
    expr: &'a str,
    tokens: &'a [Token],
}

impl Parser<'_> {
    fn run(&self) -> Result<Ast, Error> {
        let tables = tables();
        let mut states: Vec<usize> = vec![0];
        let mut vals: Vec<Val> = vec![Val::Empty];
        let mut spans: Vec<Span> = vec![Span::at(0)];
        let mut pos = 0;
        loop {
            let tok = &self.tokens[pos.min(self.tokens.len() - 1)];
            let state = *states.last().unwrap_or(&0);
            match tables.action(state, tok.term as usize) {
                Action::Shift(s) => {
                    if states.len() > 3 * MAX_NEST {
                        return Err(Error::new(
                            ErrorKind::TooDeep,
                            self.expr,
                            tok.span,
                            format!(
                                "expression nested too deeply (the limit is {MAX_NEST} levels)"
                            ),
                        ));
                    }
                    states.push(s as usize);
                    vals.push(Val::Tok(tok.clone()));
                    spans.push(tok.span);
                    pos += 1;
                }
                Action::Reduce(r) => {
                    let (lhs, rhs, _, act) = RULES[r as usize - 1];
                    let n = rhs.len();
                    let at = states.len() - n;
                    let span = if n == 0 {
                        Span::at(tok.span.start)
                    } else {
                        spans[at].to(spans[states.len() - 1])
                    };
                    let args: Vec<Val> = vals.split_off(at);
                    states.truncate(at);
                    spans.truncate(at);
                    let below = vals.last().map_or(Q::default(), Val::q);
                    let val = self.reduce(act, args, below, span);
                    let top = *states.last().unwrap_or(&0);
                    let Some(next) = tables.goto(top, lhs as usize) else {
                        return Err(self.syntax_error(tok, state));
                    };
                    states.push(next);
                    vals.push(val);
                    spans.push(span);
                }
                Action::Accept => {
                    return Ok(Ast {
                        expr: match vals.pop() {
                            Some(Val::Expr(e, _)) => Some(e),
                            _ => None,
                        },
                    })
                }
                Action::Error => return Err(self.syntax_error(tok, state)),
            }
        }
    }

    fn syntax_error(&self, tok: &Token, state: usize) -> Error {
        let tables = tables();
        let mut expected: Vec<&str> = T::ALL
            .iter()
            .filter(|t| **t != T::LexError && tables.action(state, **t as usize) != Action::Error)
            .map(|t| t.describe())
            .collect();
        expected.dedup();
        let hint = if expected.is_empty() || expected.len() > 8 {
            String::new()
        } else {
            format!(" (expected {})", expected.join(", "))
        };
        if tok.term == T::End {
            Error::new(
                ErrorKind::UnexpectedEnd,
                self.expr,
                tok.span,
                format!("syntax error: unexpected end of expression{hint}"),
            )
        } else {
            Error::new(
                ErrorKind::UnexpectedToken,
                self.expr,
                tok.span,
                format!(
                    "syntax error: unexpected '{}'{hint}",
                    tok.span.slice(self.expr)
                ),
            )
        }
    }

    /// Runs a rule's action on its right-hand values. `below` is what precedes the rule on the
    /// stack (libpcap's `$<blk>0`).
    fn reduce(&self, act: A, args: Vec<Val>, below: Q, span: Span) -> Val {
        let mut it = args.into_iter();
        let mut next = || it.next().unwrap_or(Val::Empty);
        match act {
            A::Prog => {
                let _null = next();
                match next() {
                    e @ Val::Expr(..) => e,
                    _ => Val::Empty,
                }
            }
            A::ProgEmpty => Val::Empty,
            A::Null => Val::Q(Q::default()),
            A::Pass => next(),
            A::And | A::Or | A::PidAnd | A::PidOr => {
                let (lhs, _) = expr_of(next());
                let _op = next();
                let (rhs, q) = expr_of(next());
                let and = matches!(act, A::And | A::PidAnd);
                Val::Expr(join(and, lhs, rhs, span), q)
            }
            A::Inherit => Val::Q(Q {
                quals: below.quals,
                inherited: true,
            }),
            A::Keep => Val::Q(below),
            A::IdNum | A::QidNum => {
                let n = num_of(next());
                self.id(below, Spanned::new(Id::Num(n.value), n.span))
            }
            A::IdParen => {
                let _paren = next();
                let (e, q) = expr_of(next());
                Val::Expr(
                    Expr {
                        kind: ExprKind::Paren(Box::new(e)),
                        span,
                    },
                    q,
                )
            }
            A::IdName => {
                let t = tok_of(next());
                self.id(below, Spanned::new(Id::Name(text_of(&t)), t.span))
            }
            A::IdIpv4 => {
                let t = tok_of(next());
                self.id(below, Spanned::new(Id::Ipv4(text_of(&t)), t.span))
            }
            A::IdCidr4 => {
                let addr = text_of(&tok_of(next()));
                let _slash = next();
                let len = tok_of(next());
                let id = Id::Ipv4Cidr {
                    addr,
                    len: Spanned::new(num_tok(&len), len.span),
                };
                self.id(below, Spanned::new(id, span))
            }
            A::IdMask4 => {
                let addr = text_of(&tok_of(next()));
                let _mask = next();
                let mask = tok_of(next());
                let id = Id::Ipv4Mask {
                    addr,
                    mask: Spanned::new(text_of(&mask), mask.span),
                };
                self.id(below, Spanned::new(id, span))
            }
            A::IdIpv6 => {
                let addr = v6_of(&tok_of(next()));
                self.id(below, Spanned::new(Id::Ipv6(addr), span))
            }
            A::IdCidr6 => {
                let addr = v6_of(&tok_of(next()));
                let _slash = next();
                let len = tok_of(next());
                let id = Id::Ipv6Cidr {
                    addr,
                    len: Spanned::new(num_tok(&len), len.span),
                };
                self.id(below, Spanned::new(id, span))
            }
            A::IdMac => {
                let t = tok_of(next());
                let mac = match t.value {
                    Value::Mac(m) => m,
                    _ => [0; 6],
                };
                self.id(below, Spanned::new(Id::Mac(mac), t.span))
            }
            A::IdArcnet => {
                let t = tok_of(next());
                self.id(below, Spanned::new(Id::Arcnet(text_of(&t)), t.span))
            }
            A::NotId | A::NotTerm => {
                let _not = next();
                let (e, q) = expr_of(next());
                Val::Expr(
                    Expr {
                        kind: ExprKind::Not(Box::new(e)),
                        span,
                    },
                    q,
                )
            }
            A::HeadDirAddr | A::HeadDir | A::HeadAddr | A::HeadKeyword | A::HeadGateway => {
                let proto = match next() {
                    Val::Pqual(p) => p,
                    Val::Pname(p) => Some(p),
                    _ => None,
                };
                let mut quals = Quals {
                    proto,
                    ..Quals::default()
                };
                for v in it.by_ref() {
                    match v {
                        Val::Dqual(d) => quals.dir = Some(d),
                        Val::Aqual(a) => quals.addr = Some(a),
                        Val::Tok(t) => {
                            quals.addr = t.term.addr_qual().map(|a| Spanned::new(a, t.span))
                        }
                        _ => {}
                    }
                }
                Val::Head(quals)
            }
            A::RtermHead => {
                let _head = next();
                next()
            }
            A::RtermParen => {
                let paren = next();
                let (e, _) = expr_of(next());
                Val::Expr(
                    Expr {
                        kind: ExprKind::Paren(Box::new(e)),
                        span,
                    },
                    paren.q(),
                )
            }
            A::RtermPname => {
                let p = pname_of(next());
                leaf(ExprKind::Proto(p), span)
            }
            A::RtermRelation => {
                let lhs = arith_of(next());
                let op = match next() {
                    Val::Rel(op) => op,
                    _ => Spanned::new(RelOp::Eq, span),
                };
                let rhs = arith_of(next());
                leaf(ExprKind::Relation { op, lhs, rhs }, span)
            }
            A::RtermOther => match next() {
                Val::Kind(k) => leaf(k, span),
                _ => Val::Empty,
            },
            A::RtermAtm => match next() {
                Val::Keyword(t, s) => match t.atm_keyword() {
                    Some(k) => leaf(ExprKind::Atm(Spanned::new(k, s)), span),
                    None => Val::Empty,
                },
                _ => Val::Empty,
            },
            A::RtermMtp2 => match next() {
                Val::Keyword(t, s) => match t.mtp2_type() {
                    Some(k) => leaf(ExprKind::Mtp2(Spanned::new(k, s)), span),
                    None => Val::Empty,
                },
                _ => Val::Empty,
            },
            A::RtermAtmField | A::RtermMtp3Field => {
                let (t, s) = match next() {
                    Val::Keyword(t, s) => (t, s),
                    _ => (T::End, span),
                };
                let value = match next() {
                    Val::Field(f) => f,
                    _ => FieldValue::List(Vec::new()),
                };
                let kind = match (t.atm_field(), t.mtp3_field()) {
                    (Some(f), _) => ExprKind::AtmField {
                        field: Spanned::new(f, s),
                        value,
                    },
                    (_, Some(f)) => ExprKind::Mtp3Field {
                        field: Spanned::new(f, s),
                        value,
                    },
                    _ => return Val::Empty,
                };
                leaf(kind, span)
            }
            A::PqualNone => Val::Pqual(None),
            A::DqualOne | A::DqualOr | A::DqualAnd => {
                let t = tok_of(next());
                let d = match act {
                    A::DqualOr => DirQual::SrcOrDst,
                    A::DqualAnd => DirQual::SrcAndDst,
                    _ => t.term.dir_qual().unwrap_or(DirQual::Src),
                };
                Val::Dqual(Spanned::new(d, span))
            }
            A::Aqual => {
                let t = tok_of(next());
                Val::Aqual(Spanned::new(
                    t.term.addr_qual().unwrap_or(AddrQual::Host),
                    span,
                ))
            }
            A::Pname => {
                let t = tok_of(next());
                Val::Pname(Spanned::new(
                    t.term.proto_name().unwrap_or(ProtoName::Link),
                    span,
                ))
            }
            A::Broadcast | A::Multicast => {
                let p = match next() {
                    Val::Pqual(p) => p,
                    Val::Pname(p) => Some(p),
                    _ => None,
                };
                let k = if act == A::Broadcast {
                    ExprKind::Broadcast(p)
                } else {
                    ExprKind::Multicast(p)
                };
                Val::Kind(k)
            }
            A::Less | A::Greater | A::Ifindex | A::PfRnr | A::PfSrnr => {
                let _kw = next();
                let n = spanned_num(&tok_of(next()));
                let k = match act {
                    A::Less => ExprKind::Less(n),
                    A::Greater => ExprKind::Greater(n),
                    A::Ifindex => ExprKind::Ifindex(n),
                    A::PfRnr => ExprKind::PfRuleNumber(n),
                    _ => ExprKind::PfSubruleNumber(n),
                };
                Val::Kind(k)
            }
            A::Byte => {
                let _kw = next();
                let offset = spanned_num(&tok_of(next()));
                let op = match next() {
                    Val::ByteOp(op) => op,
                    _ => Spanned::new(ByteOp::Eq, span),
                };
                let value = spanned_num(&tok_of(next()));
                Val::Kind(ExprKind::Byte { offset, op, value })
            }
            A::Inbound => Val::Kind(ExprKind::Inbound),
            A::Outbound => Val::Kind(ExprKind::Outbound),
            A::Pppoed => Val::Kind(ExprKind::Pppoed),
            A::Vlan | A::Mpls | A::Pppoes | A::Geneve => {
                let k = match act {
                    A::Vlan => ExprKind::Vlan(None),
                    A::Mpls => ExprKind::Mpls(None),
                    A::Pppoes => ExprKind::Pppoes(None),
                    _ => ExprKind::Geneve(None),
                };
                Val::Kind(k)
            }
            A::VlanNum | A::MplsNum | A::PppoesNum | A::GeneveNum => {
                let _kw = next();
                let n = Some(num_of(next()));
                let k = match act {
                    A::VlanNum => ExprKind::Vlan(n),
                    A::MplsNum => ExprKind::Mpls(n),
                    A::PppoesNum => ExprKind::Pppoes(n),
                    _ => ExprKind::Geneve(n),
                };
                Val::Kind(k)
            }
            A::P80211 => {
                let _pqual = next();
                match next() {
                    Val::Kind(k) => Val::Kind(k),
                    _ => Val::Empty,
                }
            }
            A::PfIfname | A::PfRuleset => {
                let _kw = next();
                let t = tok_of(next());
                let name = Spanned::new(text_of(&t), t.span);
                let k = if act == A::PfIfname {
                    ExprKind::PfIfname(name)
                } else {
                    ExprKind::PfRuleset(name)
                };
                Val::Kind(k)
            }
            A::PfReason => {
                let _kw = next();
                Val::Kind(ExprKind::PfReason(nn_of(next())))
            }
            A::PfAction => {
                let _kw = next();
                Val::Kind(ExprKind::PfAction(name_of(next())))
            }
            A::WlanTypeSubtype => {
                let _kw = next();
                let ty = nn_of(next());
                let _kw2 = next();
                let subtype = Some(nn_of(next()));
                Val::Kind(ExprKind::WlanType { ty, subtype })
            }
            A::WlanType => {
                let _kw = next();
                let ty = nn_of(next());
                Val::Kind(ExprKind::WlanType { ty, subtype: None })
            }
            A::WlanSubtype => {
                let _kw = next();
                Val::Kind(ExprKind::WlanSubtype(name_of(next())))
            }
            A::WlanDir => {
                let _kw = next();
                Val::Kind(ExprKind::WlanDir(nn_of(next())))
            }
            A::NumOrName => {
                let t = tok_of(next());
                let v = match t.value {
                    Value::Num(n) => NumOrName::Num(n),
                    _ => NumOrName::Name(text_of(&t)),
                };
                Val::NumOrName(Spanned::new(v, t.span))
            }
            A::Name => {
                let t = tok_of(next());
                Val::Name(Spanned::new(text_of(&t), t.span))
            }
            A::Llc => Val::Kind(ExprKind::Llc(None)),
            A::LlcName | A::LlcRnr => {
                let _kw = next();
                let t = tok_of(next());
                // `llc rnr` / `llc rulenum`: the PF keyword, taken as the LLC subtype.
                let name = if act == A::LlcRnr {
                    "rnr".to_string()
                } else {
                    text_of(&t)
                };
                Val::Kind(ExprKind::Llc(Some(Spanned::new(name, t.span))))
            }
            A::Relop => {
                let op = match tok_of(next()).term {
                    T::Gt => RelOp::Gt,
                    T::Geq => RelOp::Ge,
                    T::Eq => RelOp::Eq,
                    T::Leq => RelOp::Le,
                    T::Lt => RelOp::Lt,
                    _ => RelOp::Ne,
                };
                Val::Rel(Spanned::new(op, span))
            }
            A::ArthNum => {
                let n = num_of(next());
                Val::Arith(Arith {
                    kind: ArithKind::Num(n.value),
                    span,
                })
            }
            A::Load | A::LoadSized => {
                let proto = pname_of(next());
                let _lb = next();
                let index = Box::new(arith_of(next()));
                let size = if act == A::LoadSized {
                    let _colon = next();
                    Some(spanned_num(&tok_of(next())))
                } else {
                    None
                };
                Val::Arith(Arith {
                    kind: ArithKind::Load { proto, index, size },
                    span,
                })
            }
            A::Binary => {
                let lhs = arith_of(next());
                let op = tok_of(next());
                let rhs = arith_of(next());
                let op = Spanned::new(arith_op(op.term), op.span);
                let kind = match lhs.kind {
                    ArithKind::Chain { first, mut rest } => {
                        rest.push((op, rhs));
                        ArithKind::Chain { first, rest }
                    }
                    kind => ArithKind::Chain {
                        first: Box::new(Arith {
                            kind,
                            span: lhs.span,
                        }),
                        rest: vec![(op, rhs)],
                    },
                };
                Val::Arith(Arith { kind, span })
            }
            A::Neg => {
                let _minus = next();
                let a = arith_of(next());
                Val::Arith(Arith {
                    kind: ArithKind::Neg(Box::new(a)),
                    span,
                })
            }
            A::ArthParen => {
                let _paren = next();
                let a = arith_of(next());
                Val::Arith(Arith {
                    kind: ArithKind::Paren(Box::new(a)),
                    span,
                })
            }
            A::Len => Val::Arith(Arith {
                kind: ArithKind::Len,
                span,
            }),
            A::Byteop => {
                let op = match tok_of(next()).term {
                    T::Amp => ByteOp::And,
                    T::Pipe => ByteOp::Or,
                    T::Lt => ByteOp::Lt,
                    T::Gt => ByteOp::Gt,
                    _ => ByteOp::Eq,
                };
                Val::ByteOp(Spanned::new(op, span))
            }
            A::PnumNum | A::Num => Val::Num(spanned_num(&tok_of(next()))),
            A::PnumParen => {
                let _paren = next();
                let n = num_of(next());
                Val::Num(Spanned::new(n.value, span))
            }
            A::Keyword => {
                let t = tok_of(next());
                Val::Keyword(t.term, t.span)
            }
            A::FieldEq => Val::Field(FieldValue::Eq(num_of(next()))),
            A::FieldRel => {
                let op = match next() {
                    Val::Rel(op) => op,
                    _ => Spanned::new(RelOp::Eq, span),
                };
                let n = spanned_num(&tok_of(next()));
                Val::Field(FieldValue::Rel(op, n))
            }
            A::FieldList => {
                let _paren = next();
                match next() {
                    Val::List(l) => Val::Field(FieldValue::List(l)),
                    _ => Val::Empty,
                }
            }
            A::ListOne => Val::List(vec![num_of(next())]),
            A::ListMore => {
                let mut list = match next() {
                    Val::List(l) => l,
                    _ => Vec::new(),
                };
                let _or = next();
                list.push(num_of(next()));
                Val::List(list)
            }
        }
    }

    /// An id with the qualifiers passed on by what precedes it.
    fn id(&self, below: Q, id: Spanned<Id>) -> Val {
        let span = id.span;
        Val::Expr(
            Expr {
                kind: ExprKind::Id(IdExpr {
                    quals: below.quals,
                    inherited: below.inherited,
                    id,
                }),
                span,
            },
            below,
        )
    }
}

fn leaf(kind: ExprKind, span: Span) -> Val {
    Val::Expr(Expr { kind, span }, Q::default())
}

/// `lhs and rhs` / `lhs or rhs`, appending to `lhs` when it is already the same chain.
fn join(and: bool, lhs: Expr, rhs: Expr, span: Span) -> Expr {
    let kind = match (and, lhs.kind) {
        (true, ExprKind::And(mut v)) => {
            v.push(rhs);
            ExprKind::And(v)
        }
        (false, ExprKind::Or(mut v)) => {
            v.push(rhs);
            ExprKind::Or(v)
        }
        (and, kind) => {
            let lhs = Expr {
                kind,
                span: lhs.span,
            };
            if and {
                ExprKind::And(vec![lhs, rhs])
            } else {
                ExprKind::Or(vec![lhs, rhs])
            }
        }
    };
    Expr { kind, span }
}

fn expr_of(v: Val) -> (Expr, Q) {
    match v {
        Val::Expr(e, q) => (e, q),
        _ => (
            Expr {
                kind: ExprKind::Inbound,
                span: Span::default(),
            },
            Q::default(),
        ),
    }
}

fn tok_of(v: Val) -> Token {
    match v {
        Val::Tok(t) => t,
        _ => Token {
            term: T::End,
            value: Value::None,
            span: Span::default(),
        },
    }
}

fn text_of(t: &Token) -> String {
    match &t.value {
        Value::Text(s) => s.clone(),
        _ => String::new(),
    }
}

fn num_tok(t: &Token) -> u32 {
    match t.value {
        Value::Num(n) => n,
        _ => 0,
    }
}

fn spanned_num(t: &Token) -> Spanned<u32> {
    Spanned::new(num_tok(t), t.span)
}

fn v6_of(t: &Token) -> core::net::Ipv6Addr {
    match t.value {
        Value::Ipv6(a) => a,
        _ => core::net::Ipv6Addr::UNSPECIFIED,
    }
}

fn num_of(v: Val) -> Spanned<u32> {
    match v {
        Val::Num(n) => n,
        _ => Spanned::new(0, Span::default()),
    }
}

fn nn_of(v: Val) -> Spanned<NumOrName> {
    match v {
        Val::NumOrName(n) => n,
        _ => Spanned::new(NumOrName::Num(0), Span::default()),
    }
}

fn name_of(v: Val) -> Spanned<String> {
    match v {
        Val::Name(n) => n,
        _ => Spanned::new(String::new(), Span::default()),
    }
}

fn pname_of(v: Val) -> Spanned<ProtoName> {
    match v {
        Val::Pname(p) => p,
        _ => Spanned::new(ProtoName::Link, Span::default()),
    }
}

fn arith_of(v: Val) -> Arith {
    match v {
        Val::Arith(a) => a,
        _ => Arith {
            kind: ArithKind::Num(0),
            span: Span::default(),
        },
    }
}

fn arith_op(t: T) -> ArithOp {
    match t {
        T::Plus => ArithOp::Add,
        T::Minus => ArithOp::Sub,
        T::Star => ArithOp::Mul,
        T::Slash => ArithOp::Div,
        T::Percent => ArithOp::Mod,
        T::Amp => ArithOp::And,
        T::Pipe => ArithOp::Or,
        T::Caret => ArithOp::Xor,
        T::Lsh => ArithOp::Lsh,
        _ => ArithOp::Rsh,
    }
}

#[cfg(test)]
mod tests;
