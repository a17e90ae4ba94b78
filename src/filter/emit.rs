//! Emission: a control-flow graph laid out as classic BPF instructions.
//!
//! Blocks are placed in the order libpcap's `icode_to_fcode` uses: a depth-first walk from the
//! entry that visits the false successor, then the true one, and puts each block in front of
//! everything placed so far — so the entry comes first, the code its true side runs follows it,
//! and shared `ret` blocks end up last. A block that falls into a block placed elsewhere gets a
//! `ja`; a loop's back edge is a backward `ja`.
//!
//! Conditional jumps reach at most 255 instructions ahead. A branch side that would go further
//! jumps instead to a `ja` placed right after the branch (one for the true side, one for the
//! false side), and the layout is recomputed until every offset fits.
//!
//! The result is validated by [`bpf::Program`]: with [`bpf::Rules::Standard`] normally, with
//! [`bpf::Rules::Libpcap`] when the program has a loop (`protochain`) or more than
//! [`bpf::op::BPF_MAXINSNS`] instructions (libpcap filters such programs in user space; so do we).

use super::ir::{BlockId, Cfg, Ret, Src, Terminal};
use crate::bpf::{self, Instruction, Program, Rules};
use std::fmt;

/// Why a graph could not be turned into a program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EmitError {
    /// More instructions than any BPF interpreter runs.
    TooLong {
        /// The program's length.
        len: usize,
        /// The most allowed ([`bpf::LIBPCAP_MAXINSNS`]).
        max: usize,
    },
    /// The graph is malformed (an edge to no block, a loop edge that goes forward): a bug in
    /// the code generator or optimizer, reported rather than panicking.
    Malformed(&'static str),
    /// The validator refused the result (a bug as well).
    Invalid(bpf::ValidateError),
}

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmitError::TooLong { len, max } => write!(
                f,
                "the compiled program has {len} instructions, more than the {max} a BPF program can have"
            ),
            EmitError::Malformed(what) => write!(f, "internal compiler error: {what}"),
            EmitError::Invalid(e) => write!(f, "internal compiler error: {e}"),
        }
    }
}

impl std::error::Error for EmitError {}

/// The order blocks are placed in: libpcap's (see the module docs).
pub fn layout(cfg: &Cfg) -> Vec<BlockId> {
    let n = cfg.blocks.len();
    let mut seen = vec![false; n];
    let mut post = Vec::with_capacity(n);
    // (block, next child to visit: 0 = false side, 1 = true side, 2 = done)
    let mut stack: Vec<(BlockId, u8)> = Vec::new();
    if cfg.entry.index() < n {
        seen[cfg.entry.index()] = true;
        stack.push((cfg.entry, 0));
    }
    while let Some(&mut (b, ref mut step)) = stack.last_mut() {
        let term = cfg.blocks[b.index()].term;
        let child = match (term, *step) {
            (Terminal::Branch { jf, .. }, 0) => Some(jf),
            (Terminal::Branch { jt, .. }, 1) => Some(jt),
            (Terminal::Goto(t), 0) => Some(t),
            _ => None,
        };
        match child {
            Some(c) => {
                *step += 1;
                if let Some(s) = seen.get_mut(c.index()) {
                    if !*s {
                        *s = true;
                        stack.push((c, 0));
                    }
                }
            }
            None => {
                post.push(b);
                stack.pop();
            }
        }
    }
    post.reverse();
    // A program must end with a `ret`: when the walk put something else last (a loop's back
    // edge), move the last `ret` block there (nothing falls into a `ret` block's place).
    if let Some(last) = post.last() {
        if !matches!(cfg.blocks[last.index()].term, Terminal::Ret(_)) {
            if let Some(r) = post
                .iter()
                .rposition(|b| matches!(cfg.blocks[b.index()].term, Terminal::Ret(_)))
            {
                let b = post.remove(r);
                post.push(b);
            }
        }
    }
    post
}

/// Lays out `cfg` (see the module docs), with the instructions' jump offsets filled in.
pub fn instructions(cfg: &Cfg) -> Result<Vec<Instruction>, EmitError> {
    let order = layout(cfg);
    let n = cfg.blocks.len();
    let mut place = vec![usize::MAX; n]; // position in `order`
    for (i, b) in order.iter().enumerate() {
        place[b.index()] = i;
    }
    let at = |b: BlockId| place.get(b.index()).copied().filter(|&p| p != usize::MAX);
    // Validate edges up front.
    for &b in &order {
        match cfg.blocks[b.index()].term {
            Terminal::Branch { jt, jf, .. } => {
                if at(jt).is_none() || at(jf).is_none() {
                    return Err(EmitError::Malformed("branch to no block"));
                }
            }
            Terminal::Goto(t) => {
                if at(t).is_none_or(|p| p <= at(b).unwrap_or(0)) {
                    return Err(EmitError::Malformed("forward jump to no later block"));
                }
            }
            Terminal::Loop(t) => {
                if at(t).is_none_or(|p| p > at(b).unwrap_or(0)) {
                    return Err(EmitError::Malformed("loop edge that is not backward"));
                }
            }
            Terminal::Ret(_) => {}
        }
    }
    // long[i] = (true side needs a ja, false side needs a ja)
    let mut long = vec![(false, false); order.len()];
    loop {
        // Start of each placed block.
        let mut start = Vec::with_capacity(order.len() + 1);
        let mut pos = 0usize;
        for (i, &b) in order.iter().enumerate() {
            start.push(pos);
            let block = &cfg.blocks[b.index()];
            pos += block.stmts.len();
            pos += match block.term {
                Terminal::Branch { .. } => 1 + usize::from(long[i].0) + usize::from(long[i].1),
                Terminal::Goto(t) => usize::from(at(t) != Some(i + 1)),
                Terminal::Loop(_) | Terminal::Ret(_) => 1,
            };
        }
        start.push(pos);
        let total = pos;
        if total > bpf::LIBPCAP_MAXINSNS {
            return Err(EmitError::TooLong {
                len: total,
                max: bpf::LIBPCAP_MAXINSNS,
            });
        }
        let begin = |b: BlockId| at(b).map(|p| start[p]).unwrap_or(0);
        // Find branches whose offsets do not fit.
        let mut changed = false;
        for (i, &b) in order.iter().enumerate() {
            if let Terminal::Branch { jt, jf, .. } = cfg.blocks[b.index()].term {
                let jpos = start[i] + cfg.blocks[b.index()].stmts.len();
                // Offsets are relative to the instruction after the jump.
                let (Some(dt), Some(df)) = (
                    begin(jt).checked_sub(jpos + 1),
                    begin(jf).checked_sub(jpos + 1),
                ) else {
                    return Err(EmitError::Malformed("conditional branch backward"));
                };
                if !long[i].0 && dt > 255 {
                    long[i].0 = true;
                    changed = true;
                }
                if !long[i].1 && df > 255 {
                    long[i].1 = true;
                    changed = true;
                }
            }
        }
        if changed {
            continue;
        }
        // Every offset fits: write the program.
        let mut out = Vec::with_capacity(total);
        for (i, &b) in order.iter().enumerate() {
            let block = &cfg.blocks[b.index()];
            out.extend(block.stmts.iter().map(|s| s.instruction()));
            let here = out.len();
            match block.term {
                Terminal::Branch { cond, src, jt, jf } => {
                    let (code, k) = match src {
                        Src::K(k) => (bpf::op::BPF_JMP | cond.code() | bpf::op::BPF_K, k),
                        Src::X => (bpf::op::BPF_JMP | cond.code() | bpf::op::BPF_X, 0),
                    };
                    let mut insn = Instruction::jump(code, k, 0, 0);
                    let mut jas = Vec::new();
                    // Slot numbers of the inserted `ja`s, relative to the branch.
                    for (is_long, target, field) in [(long[i].0, jt, 0u8), (long[i].1, jf, 1u8)] {
                        let dist = begin(target).saturating_sub(here + 1);
                        if is_long {
                            let slot = jas.len(); // 0 or 1 = offset from the branch
                            let ja_pos = here + 1 + slot;
                            jas.push(Instruction::stmt(
                                bpf::op::BPF_JMP | bpf::op::BPF_JA,
                                begin(target).saturating_sub(ja_pos + 1) as u32,
                            ));
                            set_field(&mut insn, field, slot as u8);
                        } else {
                            set_field(&mut insn, field, dist as u8);
                        }
                    }
                    out.push(insn);
                    out.extend(jas);
                }
                Terminal::Goto(t) => {
                    if at(t) != Some(i + 1) {
                        out.push(Instruction::stmt(
                            bpf::op::BPF_JMP | bpf::op::BPF_JA,
                            begin(t).saturating_sub(here + 1) as u32,
                        ));
                    }
                }
                Terminal::Loop(t) => {
                    let back = (begin(t) as i64) - (here as i64 + 1);
                    out.push(Instruction::stmt(
                        bpf::op::BPF_JMP | bpf::op::BPF_JA,
                        back as i32 as u32,
                    ));
                }
                Terminal::Ret(Ret::K(k)) => {
                    out.push(Instruction::stmt(bpf::op::BPF_RET | bpf::op::BPF_K, k))
                }
                Terminal::Ret(Ret::A) => {
                    out.push(Instruction::stmt(bpf::op::BPF_RET | bpf::op::BPF_A, 0))
                }
            }
        }
        return Ok(out);
    }
}

fn set_field(insn: &mut Instruction, field: u8, v: u8) {
    if field == 0 {
        insn.jt = v;
    } else {
        insn.jf = v;
    }
}

/// The rules a program needs: libpcap's when it loops or exceeds the kernel's limit.
pub fn rules_for(insns: &[Instruction]) -> Rules {
    let backward = insns
        .iter()
        .any(|i| i.code == bpf::op::BPF_JMP | bpf::op::BPF_JA && (i.k as i32) < 0);
    if backward || insns.len() > bpf::op::BPF_MAXINSNS {
        Rules::Libpcap
    } else {
        Rules::Standard
    }
}

/// Lays out `cfg` and validates the result.
pub fn program(cfg: &Cfg) -> Result<Program, EmitError> {
    let insns = instructions(cfg)?;
    let rules = rules_for(&insns);
    Program::with_rules(insns, rules).map_err(EmitError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::ir::{Cond, Size, Stmt};

    fn ret(cfg: &mut Cfg, k: u32) -> BlockId {
        cfg.push(vec![], Terminal::Ret(Ret::K(k)))
    }

    #[test]
    fn layout_is_libpcaps() {
        // tcp on Ethernet, as libpcap builds it: ldh [12]; jeq 0x800 → ldb [23] jeq 6 ...
        let mut cfg = Cfg::new();
        let acc = ret(&mut cfg, 262144);
        let rej = ret(&mut cfg, 0);
        let b23 = cfg.push(
            vec![Stmt::Ld(Size::B, 23)],
            Terminal::Branch {
                cond: Cond::Eq,
                src: Src::K(6),
                jt: acc,
                jf: rej,
            },
        );
        let root = cfg.push(
            vec![Stmt::Ld(Size::H, 12)],
            Terminal::Branch {
                cond: Cond::Eq,
                src: Src::K(0x800),
                jt: b23,
                jf: rej,
            },
        );
        cfg.entry = root;
        let p = instructions(&cfg).unwrap();
        let want: Vec<Instruction> = [
            (0x28, 0, 0, 12),
            (0x15, 0, 3, 0x800),
            (0x30, 0, 0, 23),
            (0x15, 0, 1, 6),
            (0x6, 0, 0, 262144),
            (0x6, 0, 0, 0),
        ]
        .iter()
        .map(|&t| Instruction::from(t))
        .collect();
        assert_eq!(p, want);
    }

    #[test]
    fn long_branches_get_a_ja() {
        // root: jeq → (300 statements then ret) / ret #0
        let mut cfg = Cfg::new();
        let rej = ret(&mut cfg, 0);
        let acc = ret(&mut cfg, 1);
        let long = cfg.push(vec![Stmt::LdImm(1); 300], Terminal::Goto(acc));
        let mid = cfg.push(
            vec![Stmt::Ld(Size::B, 0)],
            Terminal::Branch {
                cond: Cond::Eq,
                src: Src::K(1),
                jt: long,
                jf: rej,
            },
        );
        let root = cfg.push(
            vec![Stmt::Ld(Size::B, 1)],
            Terminal::Branch {
                cond: Cond::Eq,
                src: Src::K(2),
                jt: mid,
                jf: rej,
            },
        );
        cfg.entry = root;
        let p = program(&cfg).unwrap();
        let insns = p.instructions();
        // The root's false side reaches past 255: it goes through a ja.
        assert_eq!(insns[1].jf, 0);
        assert_eq!(insns[2].code, bpf::op::BPF_JMP | bpf::op::BPF_JA);
        let mut pkt = [0u8; 4];
        assert_eq!(p.run(&pkt, 4), 0);
        pkt[1] = 2;
        assert_eq!(p.run(&pkt, 4), 0);
        pkt[0] = 1;
        assert_eq!(p.run(&pkt, 4), 1);
    }

    #[test]
    fn round_trip_through_lift() {
        let src: Vec<Instruction> = [
            (0x28, 0, 0, 12),
            (0x15, 0, 5, 0x86dd),
            (0x30, 0, 0, 20),
            (0x15, 6, 0, 6),
            (0x15, 0, 6, 0x2c),
            (0x30, 0, 0, 54),
            (0x15, 3, 4, 6),
            (0x15, 0, 3, 0x800),
            (0x30, 0, 0, 23),
            (0x15, 0, 1, 6),
            (0x6, 0, 0, 262144),
            (0x6, 0, 0, 0),
        ]
        .iter()
        .map(|&t| Instruction::from(t))
        .collect();
        let cfg = Cfg::from_instructions(&src).unwrap();
        let back = instructions(&cfg).unwrap();
        let a = Program::new(src).unwrap();
        let b = Program::new(back).unwrap();
        let mut pkt = vec![0u8; 60];
        for (et, hi, p) in [
            (0x86ddu16, 20usize, 6u8),
            (0x86dd, 20, 0x2c),
            (0x800, 23, 6),
            (0x800, 23, 17),
        ] {
            pkt.iter_mut().for_each(|b| *b = 0);
            pkt[12..14].copy_from_slice(&et.to_be_bytes());
            pkt[hi] = p;
            pkt[54] = 6;
            assert_eq!(a.run(&pkt, 60), b.run(&pkt, 60));
        }
    }

    #[test]
    fn loops_emit_backward_ja() {
        let mut cfg = Cfg::new();
        let done = ret(&mut cfg, 7);
        let head = cfg.push(
            vec![Stmt::Alu(crate::filter::ir::AluOp::Add, Src::K(1))],
            Terminal::Goto(BlockId::NONE),
        );
        let test = cfg.push(
            vec![],
            Terminal::Branch {
                cond: Cond::Ge,
                src: Src::K(3),
                jt: done,
                jf: BlockId::NONE,
            },
        );
        let back = cfg.push(vec![], Terminal::Loop(head));
        cfg.block_mut(head).term = Terminal::Goto(test);
        cfg.block_mut(test).term = Terminal::Branch {
            cond: Cond::Ge,
            src: Src::K(3),
            jt: done,
            jf: back,
        };
        let root = cfg.push(vec![Stmt::LdImm(0)], Terminal::Goto(head));
        cfg.entry = root;
        let p = program(&cfg).unwrap();
        assert_eq!(p.rules(), Rules::Libpcap);
        assert_eq!(p.run(&[], 0), 7);
    }
}
