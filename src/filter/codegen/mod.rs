//! Code generation: filter primitives to a control-flow graph ([`ir`](super::ir)).
//!
//! [`Gen`] holds what libpcap's code generator (`gencode.c`) keeps between primitives: the link
//! layer being filtered and where its headers sit (which `vlan`, `mpls`, `pppoes`, `geneve` and
//! ATM `lane` change for everything compiled after them, whatever the boolean structure), the
//! scratch-register allocator, and whether the program may be optimized. Each primitive of the
//! language is one method returning the [`Frag`] of its test; `and`, `or` and `not` combine
//! fragments; [`Gen::finish`] connects the result to `ret #snaplen` / `ret #0`. Methods must be
//! called in the order libpcap's parser runs its actions: left to right, operands before
//! operators (a post-order walk of the expression).
//!
//! Every test loads what libpcap's code loads, in the same order, so that programs accept the
//! same packets — including truncated ones, where the first load past the captured bytes
//! rejects the packet. Errors carry libpcap's messages.
//!
//! The submodules split the primitives by layer: [`link`] (link-layer types and offsets, VLAN,
//! MPLS, PPPoE, Geneve, the variable-length header prologue), [`net`] (hosts, networks,
//! protocols, `protochain`, broadcast and multicast, MAC addresses), [`transport`] (ports and
//! port ranges), [`arith`] (packet loads, arithmetic and relations), [`other`] (PF, 802.11, LLC,
//! ATM, MTP, direction and interface tests).

pub(crate) mod arith;
pub(crate) mod link;
pub(crate) mod lower;
pub(crate) mod net;
pub(crate) mod other;
pub(crate) mod transport;

use super::ir::{Cfg, Cond, Exit, Frag, Ret, Size, Src, Stmt, Terminal};
use super::{Context, ErrorKind, Target, NETMASK_UNKNOWN};
use crate::bpf;
use crate::linktype::Linktype;
use std::fmt;

pub(crate) use arith::Arth;

/// Why code could not be generated: the kind the front end reports and libpcap's message,
/// word for word where libpcap has one. The span is added by [`lower::lower`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Error {
    /// What kind of problem.
    pub kind: ErrorKind,
    /// The message.
    pub message: String,
}

impl Error {
    /// An error of `kind` saying `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
        }
    }

    /// A bug in the compiler, reported instead of panicking.
    pub(crate) fn internal(what: &str) -> Error {
        Error::new(
            ErrorKind::Unsupported,
            format!("internal compiler error: {what}"),
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Shorthand for this module's results.
pub type Result<T> = std::result::Result<T, Error>;

/// Returns early with an error of the given [`ErrorKind`] variant and message.
macro_rules! bail {
    ($kind:ident, $($arg:tt)*) => {
        return Err($crate::filter::codegen::Error::new(
            $crate::filter::ErrorKind::$kind,
            format!($($arg)*),
        ))
    };
}
pub(crate) use bail;

/// libpcap's "not set" offset. Arithmetic on offsets wraps, as libpcap's unsigned arithmetic
/// does, so a primitive used where an offset is not set loads where libpcap's loads.
pub(crate) const NOT_SET: u32 = 0xffff_ffff;

/// An offset from the start of the packet: a constant, plus a run-time part kept in a scratch
/// register when a header before it has a variable length (libpcap's `bpf_abs_offset`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AbsOffset {
    pub is_variable: bool,
    pub constant_part: u32,
    pub reg: Option<u8>,
}

impl AbsOffset {
    pub(crate) const fn fixed(constant_part: u32) -> AbsOffset {
        AbsOffset {
            is_variable: false,
            constant_part,
            reg: None,
        }
    }
}

/// What a load's offset is relative to (libpcap's `e_offrel`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rel {
    /// The start of the packet.
    Packet,
    /// The link-layer header.
    LinkHdr,
    /// The previous link-layer header (before a PPPoE or LANE encapsulation).
    PrevLinkHdr,
    /// The 802.2 LLC header.
    Llc,
    /// The previous MPLS label.
    PrevMplsHdr,
    /// The link-layer type field.
    LinkType,
    /// The network-layer header.
    LinkPl,
    /// The network-layer header after an LLC header without SNAP.
    LinkPlNoSnap,
    /// The transport header over IPv4 (after a variable IP header).
    TranIpv4,
    /// The transport header over IPv6 (after the fixed header).
    TranIpv6,
}

/// The code generator's state. See the [module docs](self).
#[derive(Clone, Debug)]
pub struct Gen {
    /// The graph being built.
    pub(crate) cfg: Cfg,
    pub(crate) ctx: Context,
    pub(crate) snaplen: u32,
    /// The network mask `ip broadcast` uses; `None` = unknown.
    pub(crate) netmask: Option<u32>,
    /// Set by code libpcap does not optimize (its in-block jumps); see [`Gen::no_optimize`].
    pub(crate) no_optimize: bool,
    /// The link type of the handle.
    pub(crate) outermost: Linktype,
    /// The link type being filtered now (PPPoE and LANE change it).
    pub(crate) linktype: Linktype,
    pub(crate) prevlinktype: Linktype,
    pub(crate) off_outermostlinkhdr: AbsOffset,
    pub(crate) off_prevlinkhdr: AbsOffset,
    pub(crate) off_linkhdr: AbsOffset,
    pub(crate) off_linkpl: AbsOffset,
    pub(crate) off_linktype: AbsOffset,
    pub(crate) off_nl: u32,
    pub(crate) off_nl_nosnap: u32,
    pub(crate) is_atm: bool,
    pub(crate) is_geneve: bool,
    pub(crate) is_vlan_vloffset: bool,
    pub(crate) off_vpi: u32,
    pub(crate) off_vci: u32,
    pub(crate) off_proto: u32,
    pub(crate) off_payload: u32,
    pub(crate) off_li: u32,
    pub(crate) off_li_hsl: u32,
    pub(crate) off_sio: u32,
    pub(crate) off_opc: u32,
    pub(crate) off_dpc: u32,
    pub(crate) off_sls: u32,
    pub(crate) label_stack_depth: u32,
    pub(crate) vlan_stack_depth: u32,
    regused: [bool; bpf::op::BPF_MEMWORDS],
    curreg: usize,
}

impl Gen {
    /// A generator for the target's link type and handle, or libpcap's error for a link type
    /// it does not know ("unknown data link type …").
    pub fn new(target: &Target) -> Result<Gen> {
        let linktype = target.linktype;
        let mut g = Gen {
            cfg: Cfg::new(),
            ctx: target.context,
            snaplen: target.snaplen,
            netmask: (target.netmask != NETMASK_UNKNOWN).then_some(target.netmask),
            no_optimize: false,
            outermost: linktype,
            linktype,
            prevlinktype: linktype,
            off_outermostlinkhdr: AbsOffset::fixed(0),
            off_prevlinkhdr: AbsOffset::fixed(0),
            off_linkhdr: AbsOffset::fixed(0),
            off_linkpl: AbsOffset::fixed(0),
            off_linktype: AbsOffset::fixed(0),
            off_nl: 0,
            off_nl_nosnap: 0,
            is_atm: false,
            is_geneve: false,
            is_vlan_vloffset: false,
            off_vpi: NOT_SET,
            off_vci: NOT_SET,
            off_proto: NOT_SET,
            off_payload: NOT_SET,
            off_li: NOT_SET,
            off_li_hsl: NOT_SET,
            off_sio: NOT_SET,
            off_opc: NOT_SET,
            off_dpc: NOT_SET,
            off_sls: NOT_SET,
            label_stack_depth: 0,
            vlan_stack_depth: 0,
            regused: [false; bpf::op::BPF_MEMWORDS],
            curreg: 0,
        };
        g.init_linktype()?;
        Ok(g)
    }

    /// Whether libpcap would skip its optimizer for this program (it generated jumps inside
    /// blocks: 802.11 header lengths, PRISM, `protochain`, `geneve`). The caller decides what
    /// to do with it; ours optimizes such code anyway except where it loops.
    pub fn no_optimize(&self) -> bool {
        self.no_optimize
    }

    /// The graph built so far.
    pub fn cfg(&self) -> &Cfg {
        &self.cfg
    }

    /// The link type's description as libpcap's messages give it
    /// (`pcap_datalink_val_to_description_or_dlt`).
    pub(crate) fn describe(lt: Linktype) -> String {
        match lt.description() {
            Some(d) => d.to_owned(),
            None => format!("DLT {}", lt.to_dlt()),
        }
    }

    // ---- registers ------------------------------------------------------------------------

    /// libpcap's `alloc_reg`: the first free register from the cursor on, without moving the
    /// cursor past it.
    pub(crate) fn alloc_reg(&mut self) -> Result<u8> {
        for _ in 0..bpf::op::BPF_MEMWORDS {
            if self.regused[self.curreg] {
                self.curreg = (self.curreg + 1) % bpf::op::BPF_MEMWORDS;
            } else {
                self.regused[self.curreg] = true;
                return Ok(self.curreg as u8);
            }
        }
        Err(Error::new(
            ErrorKind::TooManyRegisters,
            "too many registers needed to evaluate expression",
        ))
    }

    pub(crate) fn free_reg(&mut self, r: u8) {
        if let Some(u) = self.regused.get_mut(usize::from(r)) {
            *u = false;
        }
    }

    // ---- blocks ---------------------------------------------------------------------------

    /// A test block: `stmts`, then `j<cond> #k`.
    pub(crate) fn test(&mut self, stmts: Vec<Stmt>, cond: Cond, k: u32) -> Frag {
        self.cfg.test(stmts, cond, Src::K(k))
    }

    /// A test block comparing with X.
    pub(crate) fn test_x(&mut self, stmts: Vec<Stmt>, cond: Cond) -> Frag {
        self.cfg.test(stmts, cond, Src::X)
    }

    /// `a and b`
    pub fn and(&mut self, a: Frag, b: Frag) -> Frag {
        self.cfg.and(a, b)
    }

    /// `a or b`
    pub fn or(&mut self, a: Frag, b: Frag) -> Frag {
        self.cfg.or(a, b)
    }

    /// `not a`
    pub fn not(&mut self, a: Frag) -> Frag {
        Cfg::not(a)
    }

    /// `and` of an optional first operand.
    pub(crate) fn and_opt(&mut self, a: Option<Frag>, b: Frag) -> Frag {
        match a {
            Some(a) => self.and(a, b),
            None => b,
        }
    }

    /// libpcap's `gen_uncond`: `ld #!sense; jeq #0`.
    pub(crate) fn uncond(&mut self, sense: bool) -> Frag {
        self.test(vec![Stmt::LdImm(u32::from(!sense))], Cond::Eq, 0)
    }

    /// Always true.
    pub(crate) fn gen_true(&mut self) -> Frag {
        self.uncond(true)
    }

    /// Always false.
    pub(crate) fn gen_false(&mut self) -> Frag {
        self.uncond(false)
    }

    /// Moves a block's statements from index `at` on, and its terminal, into a new block;
    /// the old block keeps the first `at` statements and falls into the new one. Exits of `frag`
    /// that named the old block now name the new one. Returns the new block.
    pub(crate) fn split_block(
        &mut self,
        frag: &mut Frag,
        b: super::ir::BlockId,
        at: usize,
    ) -> super::ir::BlockId {
        let (tail, term) = {
            let blk = self.cfg.block_mut(b);
            let at = at.min(blk.stmts.len());
            let tail = blk.stmts.split_off(at);
            (tail, blk.term)
        };
        let nb = self.cfg.push(tail, term);
        self.cfg.block_mut(b).term = Terminal::Goto(nb);
        for Exit(blk, _) in frag.t.iter_mut().chain(frag.f.iter_mut()) {
            if *blk == b {
                *blk = nb;
            }
        }
        nb
    }

    // ---- loads ----------------------------------------------------------------------------

    /// `ldx M[reg]` when the offset has a variable part (allocating its register on first
    /// use), else nothing (libpcap's `gen_abs_offset_varpart`).
    pub(crate) fn abs_offset_varpart(&mut self, which: OffsetField) -> Result<Option<Stmt>> {
        let off = self.offset_mut(which);
        if !off.is_variable {
            return Ok(None);
        }
        let reg = match off.reg {
            Some(r) => r,
            None => {
                let r = self.alloc_reg()?;
                self.offset_mut(which).reg = Some(r);
                r
            }
        };
        Ok(Some(Stmt::LdxMem(reg)))
    }

    pub(crate) fn offset_mut(&mut self, which: OffsetField) -> &mut AbsOffset {
        match which {
            OffsetField::LinkHdr => &mut self.off_linkhdr,
            OffsetField::PrevLinkHdr => &mut self.off_prevlinkhdr,
            OffsetField::LinkPl => &mut self.off_linkpl,
            OffsetField::LinkType => &mut self.off_linktype,
        }
    }

    /// A load at `offset` from an absolute offset (libpcap's `gen_load_absoffsetrel`).
    fn load_absoffsetrel(
        &mut self,
        which: OffsetField,
        offset: u32,
        size: Size,
    ) -> Result<Vec<Stmt>> {
        let var = self.abs_offset_varpart(which)?;
        let k = self.offset_mut(which).constant_part.wrapping_add(offset);
        Ok(match var {
            Some(ldx) => vec![ldx, Stmt::LdInd(size, k)],
            None => vec![Stmt::Ld(size, k)],
        })
    }

    /// Loads `size` bytes at `offset` relative to `rel` into A (libpcap's `gen_load_a`).
    pub(crate) fn load_a(&mut self, rel: Rel, offset: u32, size: Size) -> Result<Vec<Stmt>> {
        let nl = self.off_nl;
        match rel {
            Rel::Packet => Ok(vec![Stmt::Ld(size, offset)]),
            Rel::LinkHdr => self.load_absoffsetrel(OffsetField::LinkHdr, offset, size),
            Rel::PrevLinkHdr => self.load_absoffsetrel(OffsetField::PrevLinkHdr, offset, size),
            Rel::Llc => self.load_absoffsetrel(OffsetField::LinkPl, offset, size),
            Rel::PrevMplsHdr => self.load_absoffsetrel(
                OffsetField::LinkPl,
                nl.wrapping_sub(4).wrapping_add(offset),
                size,
            ),
            Rel::LinkPl => {
                self.load_absoffsetrel(OffsetField::LinkPl, nl.wrapping_add(offset), size)
            }
            Rel::LinkPlNoSnap => self.load_absoffsetrel(
                OffsetField::LinkPl,
                self.off_nl_nosnap.wrapping_add(offset),
                size,
            ),
            Rel::LinkType => self.load_absoffsetrel(OffsetField::LinkType, offset, size),
            Rel::TranIpv4 => {
                let mut s = self.loadx_iphdrlen()?;
                s.push(Stmt::LdInd(
                    size,
                    self.off_linkpl
                        .constant_part
                        .wrapping_add(nl)
                        .wrapping_add(offset),
                ));
                Ok(s)
            }
            Rel::TranIpv6 => self.load_absoffsetrel(
                OffsetField::LinkPl,
                nl.wrapping_add(40).wrapping_add(offset),
                size,
            ),
        }
    }

    /// X = the IPv4 header length plus the network-layer offset's variable part (libpcap's
    /// `gen_loadx_iphdrlen`).
    pub(crate) fn loadx_iphdrlen(&mut self) -> Result<Vec<Stmt>> {
        let nl = self.off_linkpl.constant_part.wrapping_add(self.off_nl);
        Ok(match self.abs_offset_varpart(OffsetField::LinkPl)? {
            Some(ldx) => vec![
                ldx,
                Stmt::LdInd(Size::B, nl),
                Stmt::Alu(super::ir::AluOp::And, Src::K(0xf)),
                Stmt::Alu(super::ir::AluOp::Lsh, Src::K(2)),
                Stmt::Alu(super::ir::AluOp::Add, Src::X),
                Stmt::Tax,
            ],
            None => vec![Stmt::LdxMsh(nl)],
        })
    }

    /// libpcap's `gen_ncmp`: load, optionally mask, compare; `reverse` negates `>`/`>=`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn ncmp(
        &mut self,
        rel: Rel,
        offset: u32,
        size: Size,
        mask: u32,
        cond: Cond,
        reverse: bool,
        v: u32,
    ) -> Result<Frag> {
        let mut s = self.load_a(rel, offset, size)?;
        if mask != 0xffff_ffff {
            s.push(Stmt::Alu(super::ir::AluOp::And, Src::K(mask)));
        }
        let b = self.test(s, cond, v);
        Ok(if reverse && matches!(cond, Cond::Gt | Cond::Ge) {
            Cfg::not(b)
        } else {
            b
        })
    }

    /// `field == v`
    pub(crate) fn cmp(&mut self, rel: Rel, offset: u32, size: Size, v: u32) -> Result<Frag> {
        self.ncmp(rel, offset, size, 0xffff_ffff, Cond::Eq, false, v)
    }

    /// `field > v`
    pub(crate) fn cmp_gt(&mut self, rel: Rel, offset: u32, size: Size, v: u32) -> Result<Frag> {
        self.ncmp(rel, offset, size, 0xffff_ffff, Cond::Gt, false, v)
    }

    /// `field >= v`
    pub(crate) fn cmp_ge(&mut self, rel: Rel, offset: u32, size: Size, v: u32) -> Result<Frag> {
        self.ncmp(rel, offset, size, 0xffff_ffff, Cond::Ge, false, v)
    }

    /// `field < v`
    pub(crate) fn cmp_lt(&mut self, rel: Rel, offset: u32, size: Size, v: u32) -> Result<Frag> {
        self.ncmp(rel, offset, size, 0xffff_ffff, Cond::Ge, true, v)
    }

    /// `field <= v`
    pub(crate) fn cmp_le(&mut self, rel: Rel, offset: u32, size: Size, v: u32) -> Result<Frag> {
        self.ncmp(rel, offset, size, 0xffff_ffff, Cond::Gt, true, v)
    }

    /// `field & mask == v`
    pub(crate) fn mcmp(
        &mut self,
        rel: Rel,
        offset: u32,
        size: Size,
        v: u32,
        mask: u32,
    ) -> Result<Frag> {
        self.ncmp(rel, offset, size, mask, Cond::Eq, false, v)
    }

    /// Compares `bytes` at `offset`: the last four bytes first as a word, then earlier words,
    /// then a half word, then a byte (libpcap's `gen_bcmp`).
    pub(crate) fn bcmp(&mut self, rel: Rel, offset: u32, bytes: &[u8]) -> Result<Frag> {
        let mut size = bytes.len();
        let mut acc: Option<Frag> = None;
        while size >= 4 {
            let p = &bytes[size - 4..size];
            let v = u32::from_be_bytes([p[0], p[1], p[2], p[3]]);
            let t = self.cmp(rel, offset.wrapping_add(size as u32 - 4), Size::W, v)?;
            acc = Some(self.and_opt(acc, t));
            size -= 4;
        }
        while size >= 2 {
            let p = &bytes[size - 2..size];
            let v = u32::from(u16::from_be_bytes([p[0], p[1]]));
            let t = self.cmp(rel, offset.wrapping_add(size as u32 - 2), Size::H, v)?;
            acc = Some(self.and_opt(acc, t));
            size -= 2;
        }
        if size > 0 {
            let t = self.cmp(rel, offset, Size::B, u32::from(bytes[0]))?;
            acc = Some(self.and_opt(acc, t));
        }
        match acc {
            Some(f) => Ok(f),
            // An empty comparison (libpcap never asks for one): always true.
            None => Ok(self.gen_true()),
        }
    }

    /// A single-test `jset` block on a loaded byte.
    pub(crate) fn jset(&mut self, rel: Rel, offset: u32, size: Size, mask: u32) -> Result<Frag> {
        let s = self.load_a(rel, offset, size)?;
        Ok(self.test(s, Cond::Set, mask))
    }

    // ---- the end --------------------------------------------------------------------------

    /// The whole program: the variable-length header prologue and PPI's link-type check in
    /// front of `expr` (or `ret #snaplen` for the empty filter), true exits to `ret #snaplen`,
    /// false exits to `ret #0` (libpcap's `finish_parse`).
    pub fn finish(mut self, expr: Option<Frag>) -> Result<Finished> {
        let entry = match expr {
            None => self.cfg.push(vec![], Terminal::Ret(Ret::K(self.snaplen))),
            Some(mut p) => {
                p.entry = self.insert_compute_vloffsets(p.entry)?;
                if let Some(ppi) = self.ppi_dlt_check() {
                    p = self.and(ppi, p);
                }
                let accept = self.cfg.push(vec![], Terminal::Ret(Ret::K(self.snaplen)));
                self.cfg.patch(&p.t, accept);
                let reject = self.cfg.push(vec![], Terminal::Ret(Ret::K(0)));
                self.cfg.patch(&p.f, reject);
                p.entry
            }
        };
        self.cfg.entry = entry;
        Ok(Finished {
            cfg: self.cfg,
            no_optimize: self.no_optimize,
        })
    }
}

/// Which absolute offset a load is relative to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OffsetField {
    LinkHdr,
    PrevLinkHdr,
    LinkPl,
    LinkType,
}

/// A generated program: the graph, and whether libpcap would leave it unoptimized.
#[derive(Clone, Debug)]
pub struct Finished {
    /// The graph; its entry is the program's first block.
    pub cfg: Cfg,
    /// See [`Gen::no_optimize`].
    pub no_optimize: bool,
}

#[cfg(test)]
mod tests;
