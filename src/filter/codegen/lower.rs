//! The resolved tree to blocks: a left-to-right post-order walk calling [`Gen`]'s primitives in
//! the order libpcap's parser runs its actions, then the whole back end ([`program`]).

use super::other::FieldCmp;
use super::{Arth, Error as GenError, Finished, Gen};
use crate::bpf;
use crate::filter::ir::{Frag, Size};
use crate::filter::resolve::{Arith, ArithKind, Expr, ExprKind, Filter, Prim, PrimKind};
use crate::filter::{Error, ErrorKind, Span, Target};

/// Code for `filter` on `target`: the graph before optimization. `text` is the expression the
/// tree came from (errors quote it and point into it).
pub fn lower(filter: &Filter, target: &Target, text: &str) -> Result<Finished, Error> {
    let whole = Span::new(0, text.len());
    let at = |span: Span| move |e: GenError| Error::new(e.kind, text, span, e.message);
    let mut g = Gen::new(target).map_err(at(whole))?;
    let frag = match &filter.expr {
        Some(e) => Some(expr(&mut g, e, text)?),
        None => None,
    };
    g.finish(frag).map_err(at(whole))
}

fn expr(g: &mut Gen, e: &Expr, text: &str) -> Result<Frag, Error> {
    match &e.kind {
        ExprKind::And(items) | ExprKind::Or(items) => {
            let is_and = matches!(e.kind, ExprKind::And(_));
            let mut acc: Option<Frag> = None;
            for item in items {
                let f = expr(g, item, text)?;
                acc = Some(match acc {
                    None => f,
                    Some(a) if is_and => g.and(a, f),
                    Some(a) => g.or(a, f),
                });
            }
            acc.ok_or_else(|| Error::new(ErrorKind::Unsupported, text, e.span, "empty and/or"))
        }
        ExprKind::Not(inner) => {
            let f = expr(g, inner, text)?;
            Ok(g.not(f))
        }
        ExprKind::Prim(p) => prim(g, p, text),
    }
}

fn prim(g: &mut Gen, p: &Prim, text: &str) -> Result<Frag, Error> {
    let err = |e: GenError| Error::new(e.kind, text, p.span, e.message);
    match &p.kind {
        PrimKind::Host(h) => g
            .hosts(h.proto, h.dir, &h.nets, h.by_host_name.is_some())
            .map_err(err),
        PrimKind::LinkHost { dir, addr, by_name } => g.link_host(*dir, addr, *by_name).map_err(err),
        PrimKind::Arcnet { dir, addr } => {
            // libpcap 1.10.3 converts `$xx` with its Ethernet parser, which reads the `$`.
            let written = p.span.slice(text);
            let byte = match written.rfind('$') {
                Some(i) => super::net::arcnet_libpcap_byte(&written[i..]),
                None => *addr,
            };
            g.arcnet_host(*dir, byte).map_err(err)
        }
        PrimKind::Decnet { dir, addr } => g.decnet_host(*addr, *dir).map_err(err),
        PrimKind::Port { proto, dir, port } => g.port(*proto, *dir, u32::from(*port)).map_err(err),
        PrimKind::PortRange {
            proto,
            dir,
            low,
            high,
        } => g
            .portrange(*proto, *dir, u32::from(*low), u32::from(*high))
            .map_err(err),
        PrimKind::Proto { layer, proto } => g.proto(*proto, *layer).map_err(err),
        PrimKind::Protochain { family, proto } => g.protochain(*proto, *family).map_err(err),
        PrimKind::Abbrev(name) => g.proto_abbrev(*name).map_err(err),
        PrimKind::Relation { op, lhs, rhs } => {
            let a0 = arith(g, lhs, text)?;
            let a1 = arith(g, rhs, text)?;
            g.relation(*op, a0, a1).map_err(err)
        }
        PrimKind::Less(n) => g.less(*n).map_err(err),
        PrimKind::Greater(n) => g.greater(*n).map_err(err),
        PrimKind::Byte { offset, op, value } => g.byteop(*op, *offset, *value).map_err(err),
        PrimKind::Broadcast(layer) => g.broadcast(*layer).map_err(err),
        PrimKind::Multicast(layer) => g.multicast(*layer).map_err(err),
        PrimKind::Inbound => g.inbound(false).map_err(err),
        PrimKind::Outbound => g.inbound(true).map_err(err),
        PrimKind::Ifindex(n) => g.ifindex(*n).map_err(err),
        PrimKind::Vlan(id) => g.vlan(id.map(u32::from)).map_err(err),
        PrimKind::Mpls(label) => g.mpls(*label).map_err(err),
        PrimKind::Pppoed => g.pppoed().map_err(err),
        PrimKind::Pppoes(sess) => g.pppoes(sess.map(u32::from)).map_err(err),
        PrimKind::Geneve(vni) => g.geneve(*vni).map_err(err),
        PrimKind::PfIfname(name) => g.pf_ifname(name).map_err(err),
        PrimKind::PfRuleset(name) => g.pf_ruleset(name).map_err(err),
        PrimKind::PfRuleNumber(n) => g.pf_field("rnr", 36, Size::W, *n).map_err(err),
        PrimKind::PfSubruleNumber(n) => g.pf_field("srnr", 40, Size::W, *n).map_err(err),
        PrimKind::PfReason(n) => g.pf_field("reason", 3, Size::B, *n).map_err(err),
        PrimKind::PfAction(n) => g.pf_field("action", 2, Size::B, *n).map_err(err),
        PrimKind::WlanType { value, mask } => g
            .p80211_type(u32::from(*value), u32::from(*mask))
            .map_err(err),
        PrimKind::WlanDir(d) => g.p80211_dir(*d).map_err(err),
        PrimKind::Llc(which) => g.llc(*which).map_err(err),
        PrimKind::Atm(k) => g.atm(*k).map_err(err),
        PrimKind::AtmField { field, op, value } => g
            .atm_field(*field, *value, FieldCmp::from(*op))
            .map_err(err),
        PrimKind::Mtp2(t) => g.mtp2(*t).map_err(err),
        PrimKind::Mtp3Field { field, op, value } => {
            g.mtp3(*field, *value, FieldCmp::from(*op)).map_err(err)
        }
    }
}

fn arith(g: &mut Gen, a: &Arith, text: &str) -> Result<Arth, Error> {
    let err = |e: GenError| Error::new(e.kind, text, a.span, e.message);
    match &a.kind {
        ArithKind::Num(v) => g.loadi(*v).map_err(err),
        ArithKind::Len => g.loadlen().map_err(err),
        ArithKind::Load { proto, index, size } => {
            let idx = arith(g, index, text)?;
            g.load(*proto, idx, u32::from(*size)).map_err(err)
        }
        ArithKind::Neg(inner) => {
            let v = arith(g, inner, text)?;
            g.neg(v).map_err(err)
        }
        ArithKind::Chain { first, rest } => {
            let mut acc = arith(g, first, text)?;
            for (op, rhs) in rest {
                let b = arith(g, rhs, text)?;
                acc = g
                    .arith(*op, acc, b)
                    .map_err(|e| Error::new(e.kind, text, rhs.span, e.message))?;
            }
            Ok(acc)
        }
    }
}

/// The whole back end: code for `filter` on `target`, optimized if asked, laid out and
/// validated. `text` is the expression (for errors). As libpcap, an optimized program that
/// rejects every packet is an error ("expression rejects all packets") — unless libpcap would
/// not have optimized it (then it compiles). Where libpcap would not optimize (802.11 payload
/// offsets, PRISM, Geneve, `protochain`), ours optimizes without dropping any check that can
/// reject a packet, so the program accepts exactly what libpcap's unoptimized one accepts.
pub fn program(
    filter: &Filter,
    target: &Target,
    text: &str,
    optimize: bool,
) -> Result<bpf::Program, Error> {
    let whole = Span::new(0, text.len());
    if target.snaplen == 0 {
        return Err(Error::new(
            ErrorKind::RejectsAll,
            text,
            whole,
            "snaplen of 0 rejects all packets",
        ));
    }
    let Finished {
        mut cfg,
        no_optimize,
    } = lower(filter, target, text)?;
    if optimize {
        use crate::filter::optimize::{optimize_with, rejects_all, Strength};
        optimize_with(&mut cfg, no_optimize, Strength::Full)
            .map_err(|e| Error::new(e.kind, text, whole, e.message))?;
        // libpcap reports a program that rejects everything as an error — when it can tell.
        // Ours proves more such programs (`less 0 and greater 1`); those compile, as in
        // libpcap, to a program that rejects everything.
        if !no_optimize && rejects_all(&cfg) {
            let mut weak = lower(filter, target, text)?.cfg;
            optimize_with(&mut weak, false, Strength::Libpcap)
                .map_err(|e| Error::new(e.kind, text, whole, e.message))?;
            if rejects_all(&weak) {
                return Err(Error::new(
                    ErrorKind::RejectsAll,
                    text,
                    whole,
                    "expression rejects all packets",
                ));
            }
        }
    }
    crate::filter::emit::program(&cfg).map_err(|e| {
        let kind = match e {
            crate::filter::emit::EmitError::TooLong { .. } => ErrorKind::TooLarge,
            _ => ErrorKind::Unsupported,
        };
        Error::new(kind, text, whole, e.to_string())
    })
}
