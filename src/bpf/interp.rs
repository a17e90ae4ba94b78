//! The interpreter: a validated program is pre-decoded once into [`Code`], which then runs per
//! packet.
//!
//! # Pre-decoding
//!
//! Each instruction becomes one [`Op`] at the same index, so every jump target stays valid. The
//! op carries what the instruction needs and nothing to decode at run time: jump targets are
//! absolute indices; loads, ALU operations and jumps have one variant per size/operation/source;
//! a backward `ja` (libpcap rules only) is a separate variant that pays its way out of a loop
//! budget. Common sequences are then fused into the op of their first instruction, which jumps
//! past the rest (the later instructions keep their own ops, for jumps that land on them). The
//! sequences are the most frequent ones in libpcap's output:
//!
//! * a load followed by a conditional jump on a constant (`ldh [12]; jeq #0x800`), for
//!   absolute and indirect loads, and `ldxb 4*([k]&0xf)` + indirect load (+ jump) for the
//!   transport header after IPv4's;
//! * an absolute load, `and #mask`, `jeq #k` (netmasks, bit fields);
//! * two `jeq` where the second is the first's false branch (`if A == a … else if A == b …`),
//!   optionally after an absolute load;
//! * a chain of four or more `jeq #k` whose false branch falls through to the next one (what
//!   `host a or host b or …` and port lists compile to), possibly after an absolute load:
//!   one lookup in a collision-free hash table (`Switch`), first match winning as in the chain.
//!
//! Jumps to `ja` go straight to its target.
//!
//! # Execution: direct-threaded code
//!
//! The ops are then linked into nodes, each a handler function plus operands, in an array
//! indexed by op index. A handler does its op's work and then calls its successor's handler in
//! tail position, which optimized builds compile to an indirect jump: there is no central
//! dispatch loop, each handler's jump is predicted on its own, and A and X stay in registers.
//! Conditional jumps are compiled as real branches (not conditional moves), so the next node
//! can be fetched while the packet byte that decides the branch is still being loaded. When a
//! packet load fails, the handler tail-calls a cold twin that handles Linux metadata or rejects,
//! which keeps the common handlers free of stack frames.
//!
//! # Safety without `unsafe`
//!
//! The node array has 4096 slots (65536 for the longer programs libpcap's rules allow) and is
//! indexed by `pc` masked to its size, so fetching a node needs no bounds check and cannot
//! fail; slots past the program reject, and validation guarantees every jump lands inside the
//! program anyway. Packet bytes are read with `get` on the captured data; scratch memory
//! indices are masked to 0..16 (validation has already checked them). The stack stays bounded
//! whether or not the compiler turns the calls into jumps (see `go!`). Nothing here can panic:
//! the lints below are denied.

#![deny(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::panic
)]

use super::ancillary::{self, Ancillary};
use super::insn::*;
use super::validate::Program;
use crate::packet::PacketHeader;

/// The most a run may spend in loops (programs with backward `ja`, which only libpcap's rules
/// allow): each backward jump costs the number of instructions it jumps back over, plus one,
/// and a run whose total exceeds this budget rejects the packet. A run therefore executes at
/// most `LOOP_BUDGET` + program length instructions. libpcap's `ip6 protochain` loop advances
/// at least 8 bytes per ~15 instructions, so the budget covers packets of well over 4 MiB;
/// libpcap itself would loop forever on a program that never leaves its loop. (Fuzzing builds,
/// `--cfg fuzzing`, use 2^12, so that the fuzzer does not spend its time in endless loops.)
pub const LOOP_BUDGET: u32 = if cfg!(fuzzing) { 1 << 12 } else { 1 << 24 };

/// Chains of `jeq` shorter than this stay as they are (pairs become `Jeq2`).
const MIN_SWITCH: usize = 4;
/// A `Switch` covers at most this many `jeq`s; longer chains become consecutive switches.
const MAX_SWITCH: usize = 32;
/// Size of the op array (a power of two: op indices are masked with `OPS - 1`).
const OPS: usize = BPF_MAXINSNS;
/// Size of the op array for longer programs (libpcap's rules): every `Pc`.
const LARGE_OPS: usize = 1 << 16;

/// Index of an op (programs have at most 4096 instructions).
type Pc = u16;

/// One pre-decoded instruction. Field names: `off` packet offset, `k` constant, `t`/`f` the
/// targets when the condition holds / does not, `msh` the offset of the `ldxb 4*([msh]&0xf)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    RetK(u32),
    RetA,
    LdImm(u32),
    LdxImm(u32),
    LdLen,
    LdxLen,
    LdW(u32),
    LdH(u32),
    LdB(u32),
    LdIndW(u32),
    LdIndH(u32),
    LdIndB(u32),
    LdxMsh(u32),
    LdMem(u8),
    LdxMem(u8),
    St(u8),
    Stx(u8),
    AddK(u32),
    SubK(u32),
    MulK(u32),
    DivK(u32),
    ModK(u32),
    AndK(u32),
    OrK(u32),
    XorK(u32),
    LshK(u32),
    RshK(u32),
    AddX,
    SubX,
    MulX,
    DivX,
    ModX,
    AndX,
    OrX,
    XorX,
    LshX,
    RshX,
    Neg,
    Tax,
    Txa,
    Ja(Pc),
    JaBack {
        target: Pc,
        cost: u16,
    },
    Jeq {
        k: u32,
        t: Pc,
        f: Pc,
    },
    Jgt {
        k: u32,
        t: Pc,
        f: Pc,
    },
    Jge {
        k: u32,
        t: Pc,
        f: Pc,
    },
    Jset {
        k: u32,
        t: Pc,
        f: Pc,
    },
    JeqX {
        t: Pc,
        f: Pc,
    },
    JgtX {
        t: Pc,
        f: Pc,
    },
    JgeX {
        t: Pc,
        f: Pc,
    },
    JsetX {
        t: Pc,
        f: Pc,
    },
    /// `jeq #k1` whose false branch is `jeq #k2`.
    Jeq2 {
        k1: u32,
        k2: u32,
        t1: Pc,
        t2: Pc,
        f: Pc,
    },
    // Absolute load + conditional jump.
    LdWJeq {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    LdWJgt {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    LdWJge {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    LdWJset {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    LdHJeq {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    LdHJgt {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    LdHJge {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    LdHJset {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    LdBJeq {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    LdBJgt {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    LdBJge {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    LdBJset {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    // Indirect load + conditional jump.
    IndWJeq {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    IndWJgt {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    IndWJge {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    IndWJset {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    IndHJeq {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    IndHJgt {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    IndHJge {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    IndHJset {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    IndBJeq {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    IndBJgt {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    IndBJge {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    IndBJset {
        off: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    // `ldxb 4*([msh]&0xf)` + indirect load.
    MshW {
        msh: u32,
        off: u32,
    },
    MshH {
        msh: u32,
        off: u32,
    },
    MshB {
        msh: u32,
        off: u32,
    },
    // `ldxb 4*([msh]&0xf)` + indirect load + conditional jump (offsets below 64 KiB).
    MshWJeq {
        msh: u16,
        off: u16,
        k: u32,
        t: Pc,
        f: Pc,
    },
    MshWJgt {
        msh: u16,
        off: u16,
        k: u32,
        t: Pc,
        f: Pc,
    },
    MshWJge {
        msh: u16,
        off: u16,
        k: u32,
        t: Pc,
        f: Pc,
    },
    MshWJset {
        msh: u16,
        off: u16,
        k: u32,
        t: Pc,
        f: Pc,
    },
    MshHJeq {
        msh: u16,
        off: u16,
        k: u32,
        t: Pc,
        f: Pc,
    },
    MshHJgt {
        msh: u16,
        off: u16,
        k: u32,
        t: Pc,
        f: Pc,
    },
    MshHJge {
        msh: u16,
        off: u16,
        k: u32,
        t: Pc,
        f: Pc,
    },
    MshHJset {
        msh: u16,
        off: u16,
        k: u32,
        t: Pc,
        f: Pc,
    },
    MshBJeq {
        msh: u16,
        off: u16,
        k: u32,
        t: Pc,
        f: Pc,
    },
    MshBJgt {
        msh: u16,
        off: u16,
        k: u32,
        t: Pc,
        f: Pc,
    },
    MshBJge {
        msh: u16,
        off: u16,
        k: u32,
        t: Pc,
        f: Pc,
    },
    MshBJset {
        msh: u16,
        off: u16,
        k: u32,
        t: Pc,
        f: Pc,
    },
    // Absolute load + `and #mask` + `jeq #k`.
    LdWAndJeq {
        off: u32,
        mask: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    LdHAndJeq {
        off: u32,
        mask: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    LdBAndJeq {
        off: u32,
        mask: u32,
        k: u32,
        t: Pc,
        f: Pc,
    },
    // Absolute load + `Jeq2` (offsets below 64 KiB).
    LdWJeq2 {
        off: u16,
        k1: u32,
        k2: u32,
        t1: Pc,
        t2: Pc,
        f: Pc,
    },
    LdHJeq2 {
        off: u16,
        k1: u32,
        k2: u32,
        t1: Pc,
        t2: Pc,
        f: Pc,
    },
    LdBJeq2 {
        off: u16,
        k1: u32,
        k2: u32,
        t1: Pc,
        t2: Pc,
        f: Pc,
    },
    // A chain of `jeq`s as one table lookup, optionally after an absolute load.
    Switch(u16),
    LdWSwitch {
        off: u32,
        table: u16,
    },
    LdHSwitch {
        off: u32,
        table: u16,
    },
    LdBSwitch {
        off: u32,
        table: u16,
    },
    /// Not an instruction (cannot come out of validation): rejects.
    Invalid,
}

/// A collision-free hash table from `jeq` constants to jump targets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Table {
    mult: u32,
    shift: u32,
    /// `(key, target)`; empty slots hold the miss target, so a lookup is one probe.
    slots: Box<[(u32, Pc)]>,
    miss: Pc,
}

impl Table {
    #[inline(always)]
    fn lookup(&self, a: u32) -> Pc {
        let i = (a.wrapping_mul(self.mult) >> self.shift) as usize;
        match self.slots.get(i) {
            Some(&(key, t)) if key == a => t,
            _ => self.miss,
        }
    }

    /// A table for `entries` (first occurrence of a key wins), or `None` when no multiplier
    /// from the list gives a collision-free layout in at most 8 slots per entry.
    fn build(entries: &[(u32, Pc)], miss: Pc) -> Option<Table> {
        let mut keys: Vec<(u32, Pc)> = Vec::with_capacity(entries.len());
        for &(k, t) in entries {
            if !keys.iter().any(|&(k2, _)| k2 == k) {
                keys.push((k, t));
            }
        }
        let n = keys.len().max(1);
        let min_bits =
            usize::BITS.saturating_sub(n.saturating_mul(2).saturating_sub(1).leading_zeros());
        let mut used = Vec::new();
        for bits in min_bits.max(1)..=min_bits.saturating_add(2).max(1) {
            let size = 1usize.checked_shl(bits)?;
            let shift = 32u32.checked_sub(bits)?;
            for &mult in MULTIPLIERS {
                used.clear();
                used.resize(size, false);
                let mut ok = true;
                for &(k, _) in &keys {
                    let i = (k.wrapping_mul(mult) >> shift) as usize;
                    match used.get_mut(i) {
                        Some(u) if !*u => *u = true,
                        _ => {
                            ok = false;
                            break;
                        }
                    }
                }
                if ok {
                    let mut slots = vec![(0u32, miss); size];
                    for &(k, t) in &keys {
                        let i = (k.wrapping_mul(mult) >> shift) as usize;
                        if let Some(s) = slots.get_mut(i) {
                            *s = (k, t);
                        }
                    }
                    return Some(Table {
                        mult,
                        shift,
                        slots: slots.into_boxed_slice(),
                        miss,
                    });
                }
            }
        }
        None
    }
}

/// Odd multipliers tried for the switch hash (golden ratio first, then well-mixed constants).
const MULTIPLIERS: &[u32] = &[
    0x9e37_79b1,
    0x85eb_ca6b,
    0xc2b2_ae35,
    0x27d4_eb2f,
    0x1656_67b1,
    0xd3a2_646d,
    0xfd70_46c5,
    0xb55a_4f09,
    0x2c1b_3c6d,
    0x297a_2d39,
    0x7feb_352d,
    0x846c_a68b,
    0x9e48_5565,
    0xcc9e_2d51,
    0x1b87_3593,
    0xe654_6b65,
    0x5bd1_e995,
    0x68e3_1da5,
    0x0019_660d,
    0x01c8_e815,
    0x2545_f491,
    0x4cf5_ad43,
    0x9c6b_1f31,
    0xa136_aaad,
    0x3b9a_ca07,
    0x6c07_8965,
    0x41c6_4e6d,
    0x7ed5_5d16 | 1,
    0xc761_c23c | 1,
    0x165e_f4f5,
    0xd6e8_feb8 | 1,
    0xfd7b_4a3f,
];

/// A program pre-decoded for the interpreter: the fused ops (one per instruction), the
/// linked nodes the interpreter runs, and the switch tables.
#[derive(Clone)]
pub(crate) struct Code {
    ops: Box<[Op]>,
    engine: Engine,
    tables: Box<[Table]>,
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Code")
            .field("ops", &self.ops)
            .field("tables", &self.tables)
            .finish_non_exhaustive()
    }
}

/// What a conditional jump on a constant tests.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cond {
    Eq,
    Gt,
    Ge,
    Set,
}

/// The condition and operands of a `j* #k` op.
fn cond_k(op: Op) -> Option<(Cond, u32, Pc, Pc)> {
    match op {
        Op::Jeq { k, t, f } => Some((Cond::Eq, k, t, f)),
        Op::Jgt { k, t, f } => Some((Cond::Gt, k, t, f)),
        Op::Jge { k, t, f } => Some((Cond::Ge, k, t, f)),
        Op::Jset { k, t, f } => Some((Cond::Set, k, t, f)),
        _ => None,
    }
}

/// Load sizes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Size {
    W,
    H,
    B,
}

fn fuse_abs(size: Size, c: Cond, off: u32, k: u32, t: Pc, f: Pc) -> Op {
    match (size, c) {
        (Size::W, Cond::Eq) => Op::LdWJeq { off, k, t, f },
        (Size::W, Cond::Gt) => Op::LdWJgt { off, k, t, f },
        (Size::W, Cond::Ge) => Op::LdWJge { off, k, t, f },
        (Size::W, Cond::Set) => Op::LdWJset { off, k, t, f },
        (Size::H, Cond::Eq) => Op::LdHJeq { off, k, t, f },
        (Size::H, Cond::Gt) => Op::LdHJgt { off, k, t, f },
        (Size::H, Cond::Ge) => Op::LdHJge { off, k, t, f },
        (Size::H, Cond::Set) => Op::LdHJset { off, k, t, f },
        (Size::B, Cond::Eq) => Op::LdBJeq { off, k, t, f },
        (Size::B, Cond::Gt) => Op::LdBJgt { off, k, t, f },
        (Size::B, Cond::Ge) => Op::LdBJge { off, k, t, f },
        (Size::B, Cond::Set) => Op::LdBJset { off, k, t, f },
    }
}

fn fuse_ind(size: Size, c: Cond, off: u32, k: u32, t: Pc, f: Pc) -> Op {
    match (size, c) {
        (Size::W, Cond::Eq) => Op::IndWJeq { off, k, t, f },
        (Size::W, Cond::Gt) => Op::IndWJgt { off, k, t, f },
        (Size::W, Cond::Ge) => Op::IndWJge { off, k, t, f },
        (Size::W, Cond::Set) => Op::IndWJset { off, k, t, f },
        (Size::H, Cond::Eq) => Op::IndHJeq { off, k, t, f },
        (Size::H, Cond::Gt) => Op::IndHJgt { off, k, t, f },
        (Size::H, Cond::Ge) => Op::IndHJge { off, k, t, f },
        (Size::H, Cond::Set) => Op::IndHJset { off, k, t, f },
        (Size::B, Cond::Eq) => Op::IndBJeq { off, k, t, f },
        (Size::B, Cond::Gt) => Op::IndBJgt { off, k, t, f },
        (Size::B, Cond::Ge) => Op::IndBJge { off, k, t, f },
        (Size::B, Cond::Set) => Op::IndBJset { off, k, t, f },
    }
}

fn fuse_msh(size: Size, c: Cond, msh: u16, off: u16, k: u32, t: Pc, f: Pc) -> Op {
    match (size, c) {
        (Size::W, Cond::Eq) => Op::MshWJeq { msh, off, k, t, f },
        (Size::W, Cond::Gt) => Op::MshWJgt { msh, off, k, t, f },
        (Size::W, Cond::Ge) => Op::MshWJge { msh, off, k, t, f },
        (Size::W, Cond::Set) => Op::MshWJset { msh, off, k, t, f },
        (Size::H, Cond::Eq) => Op::MshHJeq { msh, off, k, t, f },
        (Size::H, Cond::Gt) => Op::MshHJgt { msh, off, k, t, f },
        (Size::H, Cond::Ge) => Op::MshHJge { msh, off, k, t, f },
        (Size::H, Cond::Set) => Op::MshHJset { msh, off, k, t, f },
        (Size::B, Cond::Eq) => Op::MshBJeq { msh, off, k, t, f },
        (Size::B, Cond::Gt) => Op::MshBJgt { msh, off, k, t, f },
        (Size::B, Cond::Ge) => Op::MshBJge { msh, off, k, t, f },
        (Size::B, Cond::Set) => Op::MshBJset { msh, off, k, t, f },
    }
}

impl Code {
    /// Pre-decodes validated instructions (see the module docs).
    pub(crate) fn new(insns: &[Instruction]) -> Code {
        let base: Vec<Op> = insns
            .iter()
            .enumerate()
            .map(|(i, insn)| decode(i, insn))
            .collect();
        let mut ops = base.clone();
        let mut tables = Vec::new();
        build_switches(insns, &mut ops, &mut tables);
        // Fusion: `base` holds each instruction's own op, `ops` the switches built above and
        // the fusions made so far (only at indices below the one being fused).
        let at = |v: &[Op], i: usize| v.get(i).copied().unwrap_or(Op::Invalid);
        for i in 0..ops.len() {
            let next = at(&base, i.saturating_add(1));
            let third = at(&base, i.saturating_add(2));
            let fused = match at(&ops, i) {
                Op::LdW(off) | Op::LdH(off) | Op::LdB(off) => {
                    let size = match at(&base, i) {
                        Op::LdW(_) => Size::W,
                        Op::LdH(_) => Size::H,
                        _ => Size::B,
                    };
                    fuse_load(size, off, at(&ops, i.saturating_add(1)), next, third, &ops)
                }
                Op::LdIndW(off) | Op::LdIndH(off) | Op::LdIndB(off) => {
                    let size = match at(&base, i) {
                        Op::LdIndW(_) => Size::W,
                        Op::LdIndH(_) => Size::H,
                        _ => Size::B,
                    };
                    cond_k(next).map(|(c, k, t, f)| fuse_ind(size, c, off, k, t, f))
                }
                Op::LdxMsh(msh) => {
                    let (size, off) = match next {
                        Op::LdIndW(off) => (Size::W, off),
                        Op::LdIndH(off) => (Size::H, off),
                        Op::LdIndB(off) => (Size::B, off),
                        _ => continue,
                    };
                    let short = u16::try_from(msh).ok().zip(u16::try_from(off).ok());
                    match (cond_k(third), short) {
                        (Some((c, k, t, f)), Some((msh, off))) => {
                            Some(fuse_msh(size, c, msh, off, k, t, f))
                        }
                        _ => Some(match size {
                            Size::W => Op::MshW { msh, off },
                            Size::H => Op::MshH { msh, off },
                            Size::B => Op::MshB { msh, off },
                        }),
                    }
                }
                Op::Jeq { k, t, f } => match at(&ops, usize::from(f)) {
                    Op::Jeq {
                        k: k2,
                        t: t2,
                        f: f2,
                    } => Some(Op::Jeq2 {
                        k1: k,
                        k2,
                        t1: t,
                        t2,
                        f: f2,
                    }),
                    _ => None,
                },
                _ => None,
            };
            if let (Some(op), Some(slot)) = (fused, ops.get_mut(i)) {
                *slot = op;
            }
        }
        let engine = Engine::new(&ops);
        Code {
            ops: ops.into_boxed_slice(),
            engine,
            tables: tables.into_boxed_slice(),
        }
    }
}

/// The fused op for an absolute load of `size` at `off`, given the op after it (`then`, with
/// switches), the plain ops of the next two instructions, and all ops so far.
fn fuse_load(size: Size, off: u32, then: Op, next: Op, third: Op, ops: &[Op]) -> Option<Op> {
    if let Op::Switch(table) = then {
        return Some(match size {
            Size::W => Op::LdWSwitch { off, table },
            Size::H => Op::LdHSwitch { off, table },
            Size::B => Op::LdBSwitch { off, table },
        });
    }
    if let (Op::AndK(mask), Op::Jeq { k, t, f }) = (next, third) {
        return Some(match size {
            Size::W => Op::LdWAndJeq { off, mask, k, t, f },
            Size::H => Op::LdHAndJeq { off, mask, k, t, f },
            Size::B => Op::LdBAndJeq { off, mask, k, t, f },
        });
    }
    let (c, k, t, f) = cond_k(next)?;
    if let (Cond::Eq, Ok(off)) = (c, u16::try_from(off)) {
        if let Some(Op::Jeq {
            k: k2,
            t: t2,
            f: f2,
        }) = ops.get(usize::from(f)).copied()
        {
            let (k1, t1) = (k, t);
            return Some(match size {
                Size::W => Op::LdWJeq2 {
                    off,
                    k1,
                    k2,
                    t1,
                    t2,
                    f: f2,
                },
                Size::H => Op::LdHJeq2 {
                    off,
                    k1,
                    k2,
                    t1,
                    t2,
                    f: f2,
                },
                Size::B => Op::LdBJeq2 {
                    off,
                    k1,
                    k2,
                    t1,
                    t2,
                    f: f2,
                },
            });
        }
    }
    Some(fuse_abs(size, c, off, k, t, f))
}

/// Replaces the head of each segment of every `jeq` chain (see [`chain_end`]) by a `Switch`.
fn build_switches(insns: &[Instruction], ops: &mut [Op], tables: &mut Vec<Table>) {
    let mut p = 0;
    while p < insns.len() {
        let q = chain_end(insns, p);
        if q.saturating_sub(p).saturating_add(1) < MIN_SWITCH {
            p = p.saturating_add(1);
            continue;
        }
        let mut head = p;
        while head <= q {
            let end = q.min(head.saturating_add(MAX_SWITCH - 1));
            if end.saturating_sub(head).saturating_add(1) < MIN_SWITCH {
                break;
            }
            let entries: Vec<(u32, Pc)> = (head..=end)
                .filter_map(|m| insns.get(m).map(|i| (i.k, target(m, i.jt))))
                .collect();
            let miss = if end == q {
                insns.get(q).map_or(0, |i| target(q, i.jf))
            } else {
                pc(end.saturating_add(1))
            };
            let (Some(table), Ok(id)) = (Table::build(&entries, miss), u16::try_from(tables.len()))
            else {
                break;
            };
            tables.push(table);
            if let Some(op) = ops.get_mut(head) {
                *op = Op::Switch(id);
            }
            head = end.saturating_add(1);
        }
        p = q.saturating_add(1);
    }
}

// ---- The engine: direct-threaded code ------------------------------------------------------
//
// Each op becomes a `Node`: a handler function and its operands, at the op's index in an array
// of OPS nodes. A handler does its op's work and then calls the handler of the next node (the
// one its condition picks) in tail position, so an optimizing build turns every dispatch into
// an indirect jump from the handler itself: no central dispatch loop, and each handler's jump
// is predicted on its own. Where tail calls cannot be counted on, `go!` bounds the nesting
// (see there); backward jumps always return to `exec`, which goes on at their target.

/// The node array; indices are masked with `N - 1` (N a power of two), so a lookup cannot
/// miss.
type Nodes<const N: usize> = [Node<N>; N];

/// A handler: runs one node, then (in tail position) the rest of the program.
type Handler<const N: usize> = fn(&Nodes<N>, &mut Cx<'_>, &Node<N>, u32, u32) -> u32;

/// A linked op: its handler and operands. Field use per handler: `off` packet offset (or
/// table index, or a `Jeq2`'s final false target), `k` constant, `k2` second constant / mask /
/// `msh` offset, `t`/`f` the targets (`t` is also the next node of non-jumps).
#[derive(Clone, Copy)]
struct Node<const N: usize> {
    run: Handler<N>,
    off: u32,
    k: u32,
    k2: u32,
    t: Pc,
    f: Pc,
}

impl<const N: usize> Node<N> {
    const INVALID: Node<N> = Node {
        run: invalid,
        off: 0,
        k: 0,
        k2: 0,
        t: 0,
        f: 0,
    };
}

/// Per-run state besides A and X (which travel as arguments).
struct Cx<'d> {
    data: &'d [u8],
    wire_len: u32,
    aux: Option<&'d Ancillary>,
    tables: &'d [Table],
    mem: [u32; BPF_MEMWORDS],
    budget: u32,
    /// Set by a backward jump (or a handler that has nested deep enough): where to go on,
    /// with A and X.
    resume: Option<(Pc, u32, u32)>,
    /// Handler calls nested since `exec` last called one (counted only where it matters).
    nesting: u32,
}

/// How deeply handler calls may nest before returning to `exec` (see `go!`).
const MAX_NESTING: u32 = 1024;

/// The node for op `i` (see [`Node`] for the field use).
fn link_one<const N: usize>(ops: &[Op], i: usize) -> Node<N> {
    let op = ops.get(i).copied().unwrap_or(Op::Invalid);
    // Targets skip over `ja`s (forward ones: a chain of them ends).
    let thread = |mut t: Pc| {
        while let Some(Op::Ja(next)) = ops.get(usize::from(t)) {
            t = *next;
        }
        t
    };
    let next = thread(pc(i.saturating_add(1)));
    let seq = |run: Handler<N>, off: u32, k: u32| Node {
        run,
        off,
        k,
        k2: 0,
        t: next,
        f: 0,
    };
    let cond = |run: Handler<N>, off: u32, k: u32, k2: u32, t: Pc, f: Pc| Node {
        run,
        off,
        k,
        k2,
        t: thread(t),
        f: thread(f),
    };
    // Two-constant compares: the final false target rides in the high half of `off`.
    let cond2 = |run: Handler<N>, off: u16, k1: u32, k2: u32, t1: Pc, t2: Pc, f: Pc| {
        cond(
            run,
            u32::from(off) | u32::from(thread(f)) << 16,
            k1,
            k2,
            t1,
            t2,
        )
    };
    match op {
        Op::RetK(k) => seq(ret_k, 0, k),
        Op::RetA => seq(ret_a, 0, 0),
        Op::LdImm(k) => seq(ld_imm, 0, k),
        Op::LdxImm(k) => seq(ldx_imm, 0, k),
        Op::LdLen => seq(ld_len, 0, 0),
        Op::LdxLen => seq(ldx_len, 0, 0),
        Op::LdW(off) => seq(ld_abs_w, off, 0),
        Op::LdH(off) => seq(ld_abs_h, off, 0),
        Op::LdB(off) => seq(ld_abs_b, off, 0),
        Op::LdIndW(off) => seq(ld_ind_w_, off, 0),
        Op::LdIndH(off) => seq(ld_ind_h_, off, 0),
        Op::LdIndB(off) => seq(ld_ind_b_, off, 0),
        Op::LdxMsh(off) => seq(ldx_msh, off, 0),
        Op::LdMem(m) => seq(ld_mem, 0, u32::from(m)),
        Op::LdxMem(m) => seq(ldx_mem, 0, u32::from(m)),
        Op::St(m) => seq(st, 0, u32::from(m)),
        Op::Stx(m) => seq(stx, 0, u32::from(m)),
        Op::AddK(k) => seq(add_k, 0, k),
        Op::SubK(k) => seq(sub_k, 0, k),
        Op::MulK(k) => seq(mul_k, 0, k),
        Op::DivK(k) => seq(div_k, 0, k),
        Op::ModK(k) => seq(mod_k, 0, k),
        Op::AndK(k) => seq(and_k, 0, k),
        Op::OrK(k) => seq(or_k, 0, k),
        Op::XorK(k) => seq(xor_k, 0, k),
        Op::LshK(k) => seq(lsh_k, 0, k),
        Op::RshK(k) => seq(rsh_k, 0, k),
        Op::AddX => seq(add_x, 0, 0),
        Op::SubX => seq(sub_x, 0, 0),
        Op::MulX => seq(mul_x, 0, 0),
        Op::DivX => seq(div_x, 0, 0),
        Op::ModX => seq(mod_x, 0, 0),
        Op::AndX => seq(and_x, 0, 0),
        Op::OrX => seq(or_x, 0, 0),
        Op::XorX => seq(xor_x, 0, 0),
        Op::LshX => seq(lsh_x, 0, 0),
        Op::RshX => seq(rsh_x, 0, 0),
        Op::Neg => seq(neg, 0, 0),
        Op::Tax => seq(tax, 0, 0),
        Op::Txa => seq(txa, 0, 0),
        Op::Ja(t) => cond(ja, 0, 0, 0, t, t),
        Op::JaBack { target, cost } => Node {
            run: ja_back,
            off: 0,
            k: u32::from(cost),
            k2: 0,
            t: target,
            f: 0,
        },
        Op::Jeq { k, t, f } => cond(jeq_k, 0, k, 0, t, f),
        Op::Jgt { k, t, f } => cond(jgt_k, 0, k, 0, t, f),
        Op::Jge { k, t, f } => cond(jge_k, 0, k, 0, t, f),
        Op::Jset { k, t, f } => cond(jset_k, 0, k, 0, t, f),
        Op::JeqX { t, f } => cond(jeq_x, 0, 0, 0, t, f),
        Op::JgtX { t, f } => cond(jgt_x, 0, 0, 0, t, f),
        Op::JgeX { t, f } => cond(jge_x, 0, 0, 0, t, f),
        Op::JsetX { t, f } => cond(jset_x, 0, 0, 0, t, f),
        Op::Jeq2 { k1, k2, t1, t2, f } => cond(jeq2, u32::from(thread(f)), k1, k2, t1, t2),
        Op::LdWJeq { off, k, t, f } => cond(ld_w_jeq, off, k, 0, t, f),
        Op::LdWJgt { off, k, t, f } => cond(ld_w_jgt, off, k, 0, t, f),
        Op::LdWJge { off, k, t, f } => cond(ld_w_jge, off, k, 0, t, f),
        Op::LdWJset { off, k, t, f } => cond(ld_w_jset, off, k, 0, t, f),
        Op::LdHJeq { off, k, t, f } => cond(ld_h_jeq, off, k, 0, t, f),
        Op::LdHJgt { off, k, t, f } => cond(ld_h_jgt, off, k, 0, t, f),
        Op::LdHJge { off, k, t, f } => cond(ld_h_jge, off, k, 0, t, f),
        Op::LdHJset { off, k, t, f } => cond(ld_h_jset, off, k, 0, t, f),
        Op::LdBJeq { off, k, t, f } => cond(ld_b_jeq, off, k, 0, t, f),
        Op::LdBJgt { off, k, t, f } => cond(ld_b_jgt, off, k, 0, t, f),
        Op::LdBJge { off, k, t, f } => cond(ld_b_jge, off, k, 0, t, f),
        Op::LdBJset { off, k, t, f } => cond(ld_b_jset, off, k, 0, t, f),
        Op::IndWJeq { off, k, t, f } => cond(ind_w_jeq, off, k, 0, t, f),
        Op::IndWJgt { off, k, t, f } => cond(ind_w_jgt, off, k, 0, t, f),
        Op::IndWJge { off, k, t, f } => cond(ind_w_jge, off, k, 0, t, f),
        Op::IndWJset { off, k, t, f } => cond(ind_w_jset, off, k, 0, t, f),
        Op::IndHJeq { off, k, t, f } => cond(ind_h_jeq, off, k, 0, t, f),
        Op::IndHJgt { off, k, t, f } => cond(ind_h_jgt, off, k, 0, t, f),
        Op::IndHJge { off, k, t, f } => cond(ind_h_jge, off, k, 0, t, f),
        Op::IndHJset { off, k, t, f } => cond(ind_h_jset, off, k, 0, t, f),
        Op::IndBJeq { off, k, t, f } => cond(ind_b_jeq, off, k, 0, t, f),
        Op::IndBJgt { off, k, t, f } => cond(ind_b_jgt, off, k, 0, t, f),
        Op::IndBJge { off, k, t, f } => cond(ind_b_jge, off, k, 0, t, f),
        Op::IndBJset { off, k, t, f } => cond(ind_b_jset, off, k, 0, t, f),
        Op::MshW { msh, off } => Node {
            t: thread(pc(i.saturating_add(2))),
            k2: msh,
            ..seq(msh_w, off, 0)
        },
        Op::MshH { msh, off } => Node {
            t: thread(pc(i.saturating_add(2))),
            k2: msh,
            ..seq(msh_h, off, 0)
        },
        Op::MshB { msh, off } => Node {
            t: thread(pc(i.saturating_add(2))),
            k2: msh,
            ..seq(msh_b, off, 0)
        },
        Op::MshWJeq { msh, off, k, t, f } => cond(msh_w_jeq, off.into(), k, msh.into(), t, f),
        Op::MshWJgt { msh, off, k, t, f } => cond(msh_w_jgt, off.into(), k, msh.into(), t, f),
        Op::MshWJge { msh, off, k, t, f } => cond(msh_w_jge, off.into(), k, msh.into(), t, f),
        Op::MshWJset { msh, off, k, t, f } => cond(msh_w_jset, off.into(), k, msh.into(), t, f),
        Op::MshHJeq { msh, off, k, t, f } => cond(msh_h_jeq, off.into(), k, msh.into(), t, f),
        Op::MshHJgt { msh, off, k, t, f } => cond(msh_h_jgt, off.into(), k, msh.into(), t, f),
        Op::MshHJge { msh, off, k, t, f } => cond(msh_h_jge, off.into(), k, msh.into(), t, f),
        Op::MshHJset { msh, off, k, t, f } => cond(msh_h_jset, off.into(), k, msh.into(), t, f),
        Op::MshBJeq { msh, off, k, t, f } => cond(msh_b_jeq, off.into(), k, msh.into(), t, f),
        Op::MshBJgt { msh, off, k, t, f } => cond(msh_b_jgt, off.into(), k, msh.into(), t, f),
        Op::MshBJge { msh, off, k, t, f } => cond(msh_b_jge, off.into(), k, msh.into(), t, f),
        Op::MshBJset { msh, off, k, t, f } => cond(msh_b_jset, off.into(), k, msh.into(), t, f),
        Op::LdWAndJeq { off, mask, k, t, f } => cond(ld_w_and_jeq, off, k, mask, t, f),
        Op::LdHAndJeq { off, mask, k, t, f } => cond(ld_h_and_jeq, off, k, mask, t, f),
        Op::LdBAndJeq { off, mask, k, t, f } => cond(ld_b_and_jeq, off, k, mask, t, f),
        Op::LdWJeq2 {
            off,
            k1,
            k2,
            t1,
            t2,
            f,
        } => cond2(ld_w_jeq2, off, k1, k2, t1, t2, f),
        Op::LdHJeq2 {
            off,
            k1,
            k2,
            t1,
            t2,
            f,
        } => cond2(ld_h_jeq2, off, k1, k2, t1, t2, f),
        Op::LdBJeq2 {
            off,
            k1,
            k2,
            t1,
            t2,
            f,
        } => cond2(ld_b_jeq2, off, k1, k2, t1, t2, f),
        Op::Switch(table) => seq(switch, u32::from(table), 0),
        Op::LdWSwitch { off, table } => seq(ld_w_switch, off, u32::from(table)),
        Op::LdHSwitch { off, table } => seq(ld_h_switch, off, u32::from(table)),
        Op::LdBSwitch { off, table } => seq(ld_b_switch, off, u32::from(table)),
        Op::Invalid => Node::INVALID,
    }
}

/// Links the ops into a node array of N slots (slots past the program stay invalid), or
/// `None` if the program does not fit.
fn link<const N: usize>(ops: &[Op]) -> Option<Box<Nodes<N>>> {
    if ops.len() > N {
        return None;
    }
    let mut nodes = vec![Node::INVALID; N];
    for (i, slot) in nodes.iter_mut().enumerate().take(ops.len()) {
        *slot = link_one(ops, i);
    }
    nodes.into_boxed_slice().try_into().ok()
}

/// The linked program: a node array of 4096 slots, or of 65536 for the programs longer than
/// 4096 instructions that only libpcap's rules allow.
#[derive(Clone)]
enum Engine {
    Small(Box<Nodes<OPS>>),
    Large(Box<Nodes<LARGE_OPS>>),
    /// No program (cannot come out of validation): rejects everything.
    None,
}

impl Engine {
    fn new(ops: &[Op]) -> Engine {
        if let Some(nodes) = link::<OPS>(ops) {
            Engine::Small(nodes)
        } else if let Some(nodes) = link::<LARGE_OPS>(ops) {
            Engine::Large(nodes)
        } else {
            Engine::None
        }
    }
}

impl Code {
    /// Runs the program on `data` (the captured bytes) of a packet `wire_len` bytes long on the
    /// wire; `aux` gives Linux metadata, `None` behaves as libpcap's `bpf_filter`.
    #[inline]
    pub(crate) fn run(&self, data: &[u8], wire_len: u32, aux: Option<&Ancillary>) -> u32 {
        // libpcap's buffer length is a u_int; with metadata, offsets from SKF_LL_OFF up are
        // never packet bytes (the kernel's rule).
        let limit = if aux.is_some() {
            SKF_LL_OFF as usize
        } else {
            u32::MAX as usize
        };
        let data = if data.len() > limit {
            data.get(..limit).unwrap_or(data)
        } else {
            data
        };
        let mut cx = Cx {
            data,
            wire_len,
            aux,
            tables: &self.tables,
            mem: [0; BPF_MEMWORDS],
            budget: LOOP_BUDGET,
            resume: None,
            nesting: 0,
        };
        match &self.engine {
            Engine::Small(nodes) => exec(nodes, &mut cx),
            Engine::Large(nodes) => exec(nodes, &mut cx),
            Engine::None => 0,
        }
    }

    /// Number of `jeq` chains turned into table lookups (for tests).
    #[cfg(test)]
    pub(crate) fn switches(&self) -> usize {
        self.tables.len()
    }

    /// The op at `i` (for tests).
    #[cfg(test)]
    pub(crate) fn op(&self, i: usize) -> Op {
        self.ops.get(i).copied().unwrap_or(Op::Invalid)
    }
}

/// Runs from node 0; a backward jump returns here to go on at its target.
#[inline(always)]
fn exec<const N: usize>(nodes: &Nodes<N>, cx: &mut Cx<'_>) -> u32 {
    let (mut node, mut a, mut x) = (at(nodes, 0), 0, 0);
    loop {
        let r = (node.run)(nodes, cx, node, a, x);
        if cx.resume.is_none() {
            return r;
        }
        if let Some((t, a2, x2)) = cx.resume.take() {
            node = at(nodes, t);
            (a, x) = (a2, x2);
            cx.nesting = 0;
        }
    }
}

#[inline(always)]
fn at<const N: usize>(nodes: &Nodes<N>, t: Pc) -> &Node<N> {
    // N is a power of two: the mask keeps the index inside the array and the compiler drops
    // the check.
    nodes
        .get(usize::from(t) & N.wrapping_sub(1))
        .unwrap_or(&Node::INVALID)
}

/// A load the packet bytes could not satisfy: with metadata, the Linux special offsets;
/// without, reject (`None`).
#[cold]
#[inline(never)]
fn slow_load(cx: &Cx<'_>, addr: u32, size: usize, absolute: bool, a: u32, x: u32) -> Option<u32> {
    ancillary::load(cx.aux?, cx.data, addr, size, absolute, a, x)
}

/// Defines handlers. Each one gets a cold twin (`name / twin`): when a packet load fails, the
/// handler tail-calls its twin, which redoes the node with the slow path (Linux metadata, or
/// reject). The fast handler so makes no ordinary calls and needs no stack frame. Inside a body,
/// `ld!(fast, addr, size, absolute)` loads.
macro_rules! handlers {
    ($($name:ident / $twin:ident = |$nodes:ident, $cx:ident, $n:ident, $a:ident, $x:ident| $body:expr;)*) => {$(
        #[allow(unused_variables, unused_macros)]
        fn $name<const N: usize>($nodes: &Nodes<N>, $cx: &mut Cx<'_>, $n: &Node<N>, $a: u32, $x: u32) -> u32 {
            let (a_in, x_in) = ($a, $x);
            macro_rules! ld {
                ($fast:expr, $addr:expr, $size:expr, $abs:expr) => {
                    match $fast {
                        Some(v) => v,
                        None => return $twin($nodes, $cx, $n, a_in, x_in),
                    }
                };
            }
            $body
        }
        #[cold]
        #[inline(never)]
        #[allow(unused_variables, unused_macros)]
        fn $twin<const N: usize>($nodes: &Nodes<N>, $cx: &mut Cx<'_>, $n: &Node<N>, $a: u32, $x: u32) -> u32 {
            macro_rules! ld {
                ($fast:expr, $addr:expr, $size:expr, $abs:expr) => {
                    match $fast {
                        Some(v) => v,
                        None => match slow_load($cx, $addr, $size, $abs, $a, $x) {
                            Some(v) => v,
                            None => return 0,
                        },
                    }
                };
            }
            $body
        }
    )*};
}

/// Defines handlers that load no packet bytes (no cold twin needed).
macro_rules! plain {
    ($($name:ident = |$nodes:ident, $cx:ident, $n:ident, $a:ident, $x:ident| $body:expr;)*) => {$(
        #[allow(unused_variables)]
        fn $name<const N: usize>($nodes: &Nodes<N>, $cx: &mut Cx<'_>, $n: &Node<N>, $a: u32, $x: u32) -> u32 {
            $body
        }
    )*};
}

/// Continue with node `t`. Where the nesting of handler calls is not known to be flat
/// (unoptimized builds, which make no tail calls, and the large engine, whose paths can be
/// 65535 nodes long), every [`MAX_NESTING`] nodes the handler returns to `exec` instead, which
/// goes on at `t`: the stack stays bounded whatever the compiler does.
macro_rules! go {
    ($nodes:ident, $cx:ident, $t:expr, $a:expr, $x:expr) => {{
        let (t, a, x) = ($t, $a, $x);
        if cfg!(debug_assertions) || N > OPS {
            $cx.nesting = $cx.nesting.wrapping_add(1);
            if $cx.nesting >= MAX_NESTING {
                $cx.resume = Some((t, a, x));
                return 0;
            }
        }
        let next = at($nodes, t);
        (next.run)($nodes, $cx, next, a, x)
    }};
}

/// Continue with `n.t` if the condition holds, else `n.f`, as a real branch: the next node
/// can then be fetched before the packet byte that decides is loaded. (The black box compiles
/// to nothing; it keeps the compiler from turning the choice into a conditional move.)
macro_rules! branch {
    ($cond:expr, $nodes:ident, $cx:ident, $n:ident, $a:expr, $x:expr) => {
        if $cond {
            std::hint::black_box(());
            go!($nodes, $cx, $n.t, $a, $x)
        } else {
            go!($nodes, $cx, $n.f, $a, $x)
        }
    };
}

macro_rules! test {
    (eq, $a:expr, $k:expr) => {
        $a == $k
    };
    (gt, $a:expr, $k:expr) => {
        $a > $k
    };
    (ge, $a:expr, $k:expr) => {
        $a >= $k
    };
    (set, $a:expr, $k:expr) => {
        $a & $k != 0
    };
}

/// `if A == k { t } else if A == k2 { f } else { $last }`.
macro_rules! jeq2 {
    ($nodes:ident, $cx:ident, $n:ident, $a:expr, $x:expr, $last:expr) => {
        if $a == $n.k {
            std::hint::black_box(());
            go!($nodes, $cx, $n.t, $a, $x)
        } else if $a == $n.k2 {
            std::hint::black_box(());
            go!($nodes, $cx, $n.f, $a, $x)
        } else {
            go!($nodes, $cx, $last, $a, $x)
        }
    };
}

/// Continue where table `id` sends A.
macro_rules! switch {
    ($nodes:ident, $cx:ident, $id:expr, $a:expr, $x:expr) => {
        match $cx.tables.get($id as usize) {
            Some(table) => {
                let t = table.lookup($a);
                go!($nodes, $cx, t, $a, $x)
            }
            None => 0,
        }
    };
}

/// X from `ldxb 4*([n.k2]&0xf)`.
macro_rules! msh_x {
    ($cx:ident, $n:ident) => {
        (ld!(ld_b($cx.data, $n.k2), $n.k2, 1, false) & 0xf) << 2
    };
}

fn invalid<const N: usize>(_: &Nodes<N>, _: &mut Cx<'_>, _: &Node<N>, _: u32, _: u32) -> u32 {
    0
}

fn ret_k<const N: usize>(_: &Nodes<N>, _: &mut Cx<'_>, n: &Node<N>, _: u32, _: u32) -> u32 {
    n.k
}

fn ret_a<const N: usize>(_: &Nodes<N>, _: &mut Cx<'_>, _: &Node<N>, a: u32, _: u32) -> u32 {
    a
}

/// A backward jump returns to `Code::run`, which goes on at the target: loops do not nest.
fn ja_back<const N: usize>(_: &Nodes<N>, cx: &mut Cx<'_>, n: &Node<N>, a: u32, x: u32) -> u32 {
    if let Some(b) = cx.budget.checked_sub(n.k) {
        cx.budget = b;
        cx.resume = Some((n.t, a, x));
    }
    0
}

handlers! {
    ld_abs_w / ld_abs_w_ = |nodes, cx, n, a, x| {
        let a = ld!(ld_w(cx.data, n.off), n.off, 4, true);
        go!(nodes, cx, n.t, a, x)
    };
    ld_abs_h / ld_abs_h_ = |nodes, cx, n, a, x| {
        let a = ld!(ld_h(cx.data, n.off), n.off, 2, true);
        go!(nodes, cx, n.t, a, x)
    };
    ld_abs_b / ld_abs_b_ = |nodes, cx, n, a, x| {
        let a = ld!(ld_b(cx.data, n.off), n.off, 1, true);
        go!(nodes, cx, n.t, a, x)
    };
    ld_ind_w_ / ld_ind_w__ = |nodes, cx, n, a, x| {
        let a = ld!(ld_ind_w(cx.data, x, n.off), x.wrapping_add(n.off), 4, false);
        go!(nodes, cx, n.t, a, x)
    };
    ld_ind_h_ / ld_ind_h__ = |nodes, cx, n, a, x| {
        let a = ld!(ld_ind_h(cx.data, x, n.off), x.wrapping_add(n.off), 2, false);
        go!(nodes, cx, n.t, a, x)
    };
    ld_ind_b_ / ld_ind_b__ = |nodes, cx, n, a, x| {
        let a = ld!(ld_ind_b(cx.data, x, n.off), x.wrapping_add(n.off), 1, false);
        go!(nodes, cx, n.t, a, x)
    };
    ldx_msh / ldx_msh_ = |nodes, cx, n, a, x| {
        let x = (ld!(ld_b(cx.data, n.off), n.off, 1, false) & 0xf) << 2;
        go!(nodes, cx, n.t, a, x)
    };
}

plain! {
    ld_imm = |nodes, cx, n, a, x| go!(nodes, cx, n.t, n.k, x);
    ldx_imm = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a, n.k);
    ld_len = |nodes, cx, n, a, x| go!(nodes, cx, n.t, cx.wire_len, x);
    ldx_len = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a, cx.wire_len);
    ld_mem = |nodes, cx, n, a, x| {
        let a = cx.mem.get((n.k & 15) as usize).copied().unwrap_or(0);
        go!(nodes, cx, n.t, a, x)
    };
    ldx_mem = |nodes, cx, n, a, x| {
        let x = cx.mem.get((n.k & 15) as usize).copied().unwrap_or(0);
        go!(nodes, cx, n.t, a, x)
    };
    st = |nodes, cx, n, a, x| {
        if let Some(m) = cx.mem.get_mut((n.k & 15) as usize) {
            *m = a;
        }
        go!(nodes, cx, n.t, a, x)
    };
    stx = |nodes, cx, n, a, x| {
        if let Some(m) = cx.mem.get_mut((n.k & 15) as usize) {
            *m = x;
        }
        go!(nodes, cx, n.t, a, x)
    };
    add_k = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a.wrapping_add(n.k), x);
    sub_k = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a.wrapping_sub(n.k), x);
    mul_k = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a.wrapping_mul(n.k), x);
    // Validation forbids `div #0`/`mod #0`; the checked forms cannot panic regardless.
    div_k = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a.checked_div(n.k).unwrap_or(0), x);
    mod_k = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a.checked_rem(n.k).unwrap_or(0), x);
    and_k = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a & n.k, x);
    or_k = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a | n.k, x);
    xor_k = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a ^ n.k, x);
    // A constant shift of 32 or more is undefined in C; x86 (where libpcap's reference values
    // come from) uses the count modulo 32, as wrapping_shl does.
    lsh_k = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a.wrapping_shl(n.k), x);
    rsh_k = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a.wrapping_shr(n.k), x);
    add_x = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a.wrapping_add(x), x);
    sub_x = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a.wrapping_sub(x), x);
    mul_x = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a.wrapping_mul(x), x);
    div_x = |nodes, cx, n, a, x| match a.checked_div(x) {
        Some(a) => go!(nodes, cx, n.t, a, x),
        None => 0,
    };
    mod_x = |nodes, cx, n, a, x| match a.checked_rem(x) {
        Some(a) => go!(nodes, cx, n.t, a, x),
        None => 0,
    };
    and_x = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a & x, x);
    or_x = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a | x, x);
    xor_x = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a ^ x, x);
    lsh_x = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a.checked_shl(x).unwrap_or(0), x);
    rsh_x = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a.checked_shr(x).unwrap_or(0), x);
    neg = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a.wrapping_neg(), x);
    tax = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a, a);
    txa = |nodes, cx, n, a, x| go!(nodes, cx, n.t, x, x);
    ja = |nodes, cx, n, a, x| go!(nodes, cx, n.t, a, x);
    jeq_k = |nodes, cx, n, a, x| branch!(a == n.k, nodes, cx, n, a, x);
    jgt_k = |nodes, cx, n, a, x| branch!(a > n.k, nodes, cx, n, a, x);
    jge_k = |nodes, cx, n, a, x| branch!(a >= n.k, nodes, cx, n, a, x);
    jset_k = |nodes, cx, n, a, x| branch!(a & n.k != 0, nodes, cx, n, a, x);
    jeq_x = |nodes, cx, n, a, x| branch!(a == x, nodes, cx, n, a, x);
    jgt_x = |nodes, cx, n, a, x| branch!(a > x, nodes, cx, n, a, x);
    jge_x = |nodes, cx, n, a, x| branch!(a >= x, nodes, cx, n, a, x);
    jset_x = |nodes, cx, n, a, x| branch!(a & x != 0, nodes, cx, n, a, x);
    jeq2 = |nodes, cx, n, a, x| jeq2!(nodes, cx, n, a, x, n.off as Pc);
    switch = |nodes, cx, n, a, x| switch!(nodes, cx, n.off, a, x);
}

macro_rules! abs_jump {
    ($($name:ident / $twin:ident, $ld:ident, $size:expr, $test:tt;)*) => {
        handlers! {$(
            $name / $twin = |nodes, cx, n, a, x| {
                let a = ld!($ld(cx.data, n.off), n.off, $size, true);
                branch!(test!($test, a, n.k), nodes, cx, n, a, x)
            };
        )*}
    };
}
abs_jump! {
    ld_w_jeq / ld_w_jeq_, ld_w, 4, eq; ld_w_jgt / ld_w_jgt_, ld_w, 4, gt;
    ld_w_jge / ld_w_jge_, ld_w, 4, ge; ld_w_jset / ld_w_jset_, ld_w, 4, set;
    ld_h_jeq / ld_h_jeq_, ld_h, 2, eq; ld_h_jgt / ld_h_jgt_, ld_h, 2, gt;
    ld_h_jge / ld_h_jge_, ld_h, 2, ge; ld_h_jset / ld_h_jset_, ld_h, 2, set;
    ld_b_jeq / ld_b_jeq_, ld_b, 1, eq; ld_b_jgt / ld_b_jgt_, ld_b, 1, gt;
    ld_b_jge / ld_b_jge_, ld_b, 1, ge; ld_b_jset / ld_b_jset_, ld_b, 1, set;
}

macro_rules! ind_jump {
    ($($name:ident / $twin:ident, $ld:ident, $size:expr, $test:tt;)*) => {
        handlers! {$(
            $name / $twin = |nodes, cx, n, a, x| {
                let a = ld!($ld(cx.data, x, n.off), x.wrapping_add(n.off), $size, false);
                branch!(test!($test, a, n.k), nodes, cx, n, a, x)
            };
        )*}
    };
}
ind_jump! {
    ind_w_jeq / ind_w_jeq_, ld_ind_w, 4, eq; ind_w_jgt / ind_w_jgt_, ld_ind_w, 4, gt;
    ind_w_jge / ind_w_jge_, ld_ind_w, 4, ge; ind_w_jset / ind_w_jset_, ld_ind_w, 4, set;
    ind_h_jeq / ind_h_jeq_, ld_ind_h, 2, eq; ind_h_jgt / ind_h_jgt_, ld_ind_h, 2, gt;
    ind_h_jge / ind_h_jge_, ld_ind_h, 2, ge; ind_h_jset / ind_h_jset_, ld_ind_h, 2, set;
    ind_b_jeq / ind_b_jeq_, ld_ind_b, 1, eq; ind_b_jgt / ind_b_jgt_, ld_ind_b, 1, gt;
    ind_b_jge / ind_b_jge_, ld_ind_b, 1, ge; ind_b_jset / ind_b_jset_, ld_ind_b, 1, set;
}

macro_rules! msh_load {
    ($($name:ident / $twin:ident, $ld:ident, $size:expr;)*) => {
        handlers! {$(
            $name / $twin = |nodes, cx, n, a, x| {
                let x = msh_x!(cx, n);
                let a = ld!($ld(cx.data, x, n.off), x.wrapping_add(n.off), $size, false);
                go!(nodes, cx, n.t, a, x)
            };
        )*}
    };
}
msh_load! { msh_w / msh_w_, ld_ind_w, 4; msh_h / msh_h_, ld_ind_h, 2; msh_b / msh_b_, ld_ind_b, 1; }

macro_rules! msh_jump {
    ($($name:ident / $twin:ident, $ld:ident, $size:expr, $test:tt;)*) => {
        handlers! {$(
            $name / $twin = |nodes, cx, n, a, x| {
                let x = msh_x!(cx, n);
                let a = ld!($ld(cx.data, x, n.off), x.wrapping_add(n.off), $size, false);
                branch!(test!($test, a, n.k), nodes, cx, n, a, x)
            };
        )*}
    };
}
msh_jump! {
    msh_w_jeq / msh_w_jeq_, ld_ind_w, 4, eq; msh_w_jgt / msh_w_jgt_, ld_ind_w, 4, gt;
    msh_w_jge / msh_w_jge_, ld_ind_w, 4, ge; msh_w_jset / msh_w_jset_, ld_ind_w, 4, set;
    msh_h_jeq / msh_h_jeq_, ld_ind_h, 2, eq; msh_h_jgt / msh_h_jgt_, ld_ind_h, 2, gt;
    msh_h_jge / msh_h_jge_, ld_ind_h, 2, ge; msh_h_jset / msh_h_jset_, ld_ind_h, 2, set;
    msh_b_jeq / msh_b_jeq_, ld_ind_b, 1, eq; msh_b_jgt / msh_b_jgt_, ld_ind_b, 1, gt;
    msh_b_jge / msh_b_jge_, ld_ind_b, 1, ge; msh_b_jset / msh_b_jset_, ld_ind_b, 1, set;
}

macro_rules! and_jeq {
    ($($name:ident / $twin:ident, $ld:ident, $size:expr;)*) => {
        handlers! {$(
            $name / $twin = |nodes, cx, n, a, x| {
                let a = ld!($ld(cx.data, n.off), n.off, $size, true) & n.k2;
                branch!(a == n.k, nodes, cx, n, a, x)
            };
        )*}
    };
}
and_jeq! {
    ld_w_and_jeq / ld_w_and_jeq_, ld_w, 4;
    ld_h_and_jeq / ld_h_and_jeq_, ld_h, 2;
    ld_b_and_jeq / ld_b_and_jeq_, ld_b, 1;
}

macro_rules! abs_jeq2 {
    ($($name:ident / $twin:ident, $ld:ident, $size:expr;)*) => {
        handlers! {$(
            $name / $twin = |nodes, cx, n, a, x| {
                let off = n.off & 0xffff;
                let a = ld!($ld(cx.data, off), off, $size, true);
                jeq2!(nodes, cx, n, a, x, (n.off >> 16) as Pc)
            };
        )*}
    };
}
abs_jeq2! { ld_w_jeq2 / ld_w_jeq2_, ld_w, 4; ld_h_jeq2 / ld_h_jeq2_, ld_h, 2; ld_b_jeq2 / ld_b_jeq2_, ld_b, 1; }

macro_rules! abs_switch {
    ($($name:ident / $twin:ident, $ld:ident, $size:expr;)*) => {
        handlers! {$(
            $name / $twin = |nodes, cx, n, a, x| {
                let a = ld!($ld(cx.data, n.off), n.off, $size, true);
                switch!(nodes, cx, n.k, a, x)
            };
        )*}
    };
}
abs_switch! {
    ld_w_switch / ld_w_switch_, ld_w, 4;
    ld_h_switch / ld_h_switch_, ld_h, 2;
    ld_b_switch / ld_b_switch_, ld_b, 1;
}

/// `i + 1 + off` as an op index (validation guarantees it is below 4096).
fn target(i: usize, off: u8) -> Pc {
    pc(i.saturating_add(1).saturating_add(usize::from(off)))
}

fn pc(i: usize) -> Pc {
    Pc::try_from(i).unwrap_or(Pc::MAX)
}

/// The op for instruction `i`.
fn decode(i: usize, insn: &Instruction) -> Op {
    let k = insn.k;
    let mem = (k & 15) as u8;
    let (t, f) = (target(i, insn.jt), target(i, insn.jf));
    match insn.code {
        0x06 => Op::RetK(k),
        0x16 => Op::RetA,
        0x00 => Op::LdImm(k),
        0x01 => Op::LdxImm(k),
        0x80 => Op::LdLen,
        0x81 => Op::LdxLen,
        0x20 => Op::LdW(k),
        0x28 => Op::LdH(k),
        0x30 => Op::LdB(k),
        0x40 => Op::LdIndW(k),
        0x48 => Op::LdIndH(k),
        0x50 => Op::LdIndB(k),
        0xb1 => Op::LdxMsh(k),
        0x60 => Op::LdMem(mem),
        0x61 => Op::LdxMem(mem),
        0x02 => Op::St(mem),
        0x03 => Op::Stx(mem),
        0x04 => Op::AddK(k),
        0x14 => Op::SubK(k),
        0x24 => Op::MulK(k),
        0x34 => Op::DivK(k),
        0x94 => Op::ModK(k),
        0x54 => Op::AndK(k),
        0x44 => Op::OrK(k),
        0xa4 => Op::XorK(k),
        0x64 => Op::LshK(k),
        0x74 => Op::RshK(k),
        0x0c => Op::AddX,
        0x1c => Op::SubX,
        0x2c => Op::MulX,
        0x3c => Op::DivX,
        0x9c => Op::ModX,
        0x5c => Op::AndX,
        0x4c => Op::OrX,
        0xac => Op::XorX,
        0x6c => Op::LshX,
        0x7c => Op::RshX,
        0x84 => Op::Neg,
        0x07 => Op::Tax,
        0x87 => Op::Txa,
        0x05 => {
            // Signed, as libpcap's interpreter adds it: backward jumps exist (protochain).
            let dest = (i as i64).wrapping_add(1).wrapping_add(i64::from(k as i32));
            match Pc::try_from(dest) {
                Ok(d) if dest > i as i64 => Op::Ja(d),
                Ok(d) => Op::JaBack {
                    target: d,
                    cost: u16::try_from((i as i64).wrapping_sub(dest).wrapping_add(1))
                        .unwrap_or(u16::MAX),
                },
                Err(_) => Op::Invalid,
            }
        }
        0x15 => Op::Jeq { k, t, f },
        0x25 => Op::Jgt { k, t, f },
        0x35 => Op::Jge { k, t, f },
        0x45 => Op::Jset { k, t, f },
        0x1d => Op::JeqX { t, f },
        0x2d => Op::JgtX { t, f },
        0x3d => Op::JgeX { t, f },
        0x4d => Op::JsetX { t, f },
        _ => Op::Invalid,
    }
}

/// The last instruction of the `jeq` chain that starts at `p` (`p` itself when there is none):
/// instructions `p..=q` are all `jeq #k`, those before `q` fall through when false (`jf` 0),
/// and every true branch leaves the chain (lands after `q`), so the chain is "first `k` equal
/// to A wins, else `q`'s false branch".
fn chain_end(insns: &[Instruction], p: usize) -> usize {
    const JEQ_K: u16 = BPF_JMP | BPF_JEQ | BPF_K;
    let mut q = p;
    let mut min_target = usize::MAX;
    let mut best = p;
    while let Some(insn) = insns.get(q) {
        if insn.code != JEQ_K {
            break;
        }
        min_target = min_target.min(q.saturating_add(1).saturating_add(usize::from(insn.jt)));
        if min_target <= q {
            break;
        }
        best = q;
        if insn.jf != 0 {
            break;
        }
        q = q.saturating_add(1);
    }
    best
}

#[inline(always)]
fn ld_w(d: &[u8], k: u32) -> Option<u32> {
    let k = k as usize;
    d.get(k..k.wrapping_add(4))
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map(u32::from_be_bytes)
}

#[inline(always)]
fn ld_h(d: &[u8], k: u32) -> Option<u32> {
    let k = k as usize;
    d.get(k..k.wrapping_add(2))
        .and_then(|b| <[u8; 2]>::try_from(b).ok())
        .map(|b| u32::from(u16::from_be_bytes(b)))
}

#[inline(always)]
fn ld_b(d: &[u8], k: u32) -> Option<u32> {
    d.get(k as usize).map(|&b| u32::from(b))
}

/// `X + k` without wrapping (libpcap rejects a wrapped address); beyond `usize` it is out of
/// any packet anyway.
#[inline(always)]
fn ind(x: u32, k: u32) -> usize {
    usize::try_from(u64::from(x).wrapping_add(u64::from(k))).unwrap_or(usize::MAX)
}

#[inline(always)]
fn ld_ind_w(d: &[u8], x: u32, k: u32) -> Option<u32> {
    let i = ind(x, k);
    d.get(i..i.wrapping_add(4))
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map(u32::from_be_bytes)
}

#[inline(always)]
fn ld_ind_h(d: &[u8], x: u32, k: u32) -> Option<u32> {
    let i = ind(x, k);
    d.get(i..i.wrapping_add(2))
        .and_then(|b| <[u8; 2]>::try_from(b).ok())
        .map(|b| u32::from(u16::from_be_bytes(b)))
}

#[inline(always)]
fn ld_ind_b(d: &[u8], x: u32, k: u32) -> Option<u32> {
    d.get(ind(x, k)).map(|&b| u32::from(b))
}

impl Program {
    /// Runs the program on one packet, as libpcap's `bpf_filter` does: `data` is the captured
    /// bytes, `wire_len` the packet's length on the wire (what `len` / `ld #pktlen` loads).
    ///
    /// Returns what the program's `ret` returns: the number of bytes to keep, 0 to drop. A load
    /// beyond the captured bytes, or a division or modulo by a zero X, drops the packet (0). Every
    /// Linux ancillary load drops it too, as in `bpf_filter`, for want of metadata; see
    /// [`run_with`](Program::run_with). A loop (backward `ja`, libpcap rules only) that exceeds
    /// [`LOOP_BUDGET`] drops the packet.
    #[inline]
    pub fn run(&self, data: &[u8], wire_len: u32) -> u32 {
        self.code.run(data, wire_len, None)
    }

    /// Runs the program on one packet with its Linux metadata: ancillary loads
    /// (`ld [SKF_AD_OFF + n]`) read `aux` (or compute, for `nla`/`nlan`/`xor_x`), and loads
    /// relative to `SKF_LL_OFF` / `SKF_NET_OFF` read the data from its start / from
    /// `aux.network_offset`, as in the kernel. Otherwise the same as [`run`](Program::run).
    #[inline]
    pub fn run_with(&self, data: &[u8], wire_len: u32, aux: &Ancillary) -> u32 {
        self.code.run(data, wire_len, Some(aux))
    }

    /// Whether the program accepts the packet (returns non-zero), as libpcap's
    /// `pcap_offline_filter` and gopacket's `BPF.Matches` decide: the captured length is
    /// `header.caplen` (or the data's length, if shorter), the wire length `header.len`.
    #[inline]
    pub fn matches(&self, header: &PacketHeader, data: &[u8]) -> bool {
        let caplen = usize::try_from(header.caplen).unwrap_or(usize::MAX);
        let data = data.get(..caplen).unwrap_or(data);
        self.run(data, header.len) != 0
    }

    /// [`matches`](Program::matches) with Linux metadata (see [`run_with`](Program::run_with)).
    #[inline]
    pub fn matches_with(&self, header: &PacketHeader, data: &[u8], aux: &Ancillary) -> bool {
        let caplen = usize::try_from(header.caplen).unwrap_or(usize::MAX);
        let data = data.get(..caplen).unwrap_or(data);
        self.run_with(data, header.len, aux) != 0
    }
}

#[cfg(test)]
#[allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::arithmetic_side_effects
)]
mod tests {
    use super::super::Rules;
    use super::*;

    fn prog(insns: &[(u16, u8, u8, u32)]) -> Program {
        Program::new(insns.iter().map(|&t| Instruction::from(t)).collect()).unwrap()
    }

    #[test]
    fn loads_check_bounds_against_captured_bytes() {
        let p = prog(&[(0x20, 0, 0, 2), (0x16, 0, 0, 0)]);
        assert_eq!(p.run(&[1, 2, 3, 4, 5, 6], 100), 0x0304_0506);
        assert_eq!(p.run(&[1, 2, 3, 4, 5], 100), 0);
        let p = prog(&[(0x28, 0, 0, u32::MAX), (0x16, 0, 0, 0)]);
        assert_eq!(p.run(&[0; 64], 64), 0);
        // ld [x + k] with X + k wrapping past 2^32 rejects.
        let p = prog(&[(0x01, 0, 0, 0xffff_ffff), (0x50, 0, 0, 2), (0x16, 0, 0, 0)]);
        assert_eq!(p.run(&[7; 8], 8), 0);
        let p = prog(&[(0x01, 0, 0, 3), (0x50, 0, 0, 2), (0x16, 0, 0, 0)]);
        assert_eq!(p.run(&[0, 1, 2, 3, 4, 5, 6], 8), 5);
    }

    #[test]
    fn len_is_the_wire_length_and_msh() {
        let p = prog(&[(0x80, 0, 0, 0), (0x16, 0, 0, 0)]);
        assert_eq!(p.run(&[0; 4], 1514), 1514);
        let p = prog(&[(0xb1, 0, 0, 0), (0x87, 0, 0, 0), (0x16, 0, 0, 0)]);
        assert_eq!(p.run(&[0x45], 1), 20);
        assert_eq!(p.run(&[], 1), 0);
    }

    #[test]
    fn division_by_zero_x_rejects() {
        let p = prog(&[(0x00, 0, 0, 7), (0x3c, 0, 0, 0), (0x06, 0, 0, 1)]);
        assert_eq!(p.run(&[], 0), 0);
        let p = prog(&[(0x00, 0, 0, 7), (0x9c, 0, 0, 0), (0x06, 0, 0, 1)]);
        assert_eq!(p.run(&[], 0), 0);
        let p = prog(&[
            (0x00, 0, 0, 7),
            (0x01, 0, 0, 2),
            (0x9c, 0, 0, 0),
            (0x16, 0, 0, 0),
        ]);
        assert_eq!(p.run(&[], 0), 1);
    }

    #[test]
    fn shifts() {
        // X >= 32: A = 0; constant >= 32: count modulo 32 (x86, libpcap's reference platform).
        let p = prog(&[
            (0x00, 0, 0, 1),
            (0x01, 0, 0, 32),
            (0x6c, 0, 0, 0),
            (0x16, 0, 0, 0),
        ]);
        assert_eq!(p.run(&[], 0), 0);
        let p = prog(&[(0x00, 0, 0, 1), (0x64, 0, 0, 33), (0x16, 0, 0, 0)]);
        assert_eq!(p.run(&[], 0), 2);
    }

    #[test]
    fn scratch_memory_starts_at_zero() {
        let p = prog(&[(0x60, 0, 0, 5), (0x16, 0, 0, 0)]);
        assert_eq!(p.run(&[], 0), 0);
        let p = prog(&[
            (0x00, 0, 0, 9),
            (0x02, 0, 0, 15),
            (0x00, 0, 0, 0),
            (0x61, 0, 0, 15),
            (0x87, 0, 0, 0),
            (0x16, 0, 0, 0),
        ]);
        assert_eq!(p.run(&[], 0), 9);
    }

    #[test]
    fn fused_and_switched_programs_keep_jump_targets() {
        // ldh [12]; jeq #1..#6 chain (jump into its middle from instruction 0 is impossible,
        // but a jump to 3 from a separate test exercises the suffix).
        let insns = [
            (0x28, 0, 0, 0),  // 0: ldh [0]
            (0x15, 8, 0, 1),  // 1
            (0x15, 7, 0, 2),  // 2
            (0x15, 6, 0, 3),  // 3
            (0x15, 5, 0, 4),  // 4
            (0x15, 4, 0, 2),  // 5 duplicate key: first (instruction 2) wins
            (0x15, 4, 2, 6),  // 6
            (0x06, 0, 0, 0),  // 7 unreachable
            (0x06, 0, 0, 0),  // 8 unreachable
            (0x06, 0, 0, 99), // 9: miss
            (0x06, 0, 0, 10), // 10
            (0x06, 0, 0, 11), // 11
        ];
        let p = prog(&insns);
        assert_eq!(p.code.switches(), 1);
        assert!(matches!(p.code.op(0), Op::LdHSwitch { .. }));
        let run = |v: u16| p.run(&v.to_be_bytes(), 2);
        assert_eq!(run(1), 10);
        assert_eq!(run(2), 10);
        assert_eq!(run(3), 10);
        assert_eq!(run(4), 10);
        assert_eq!(run(6), 11);
        assert_eq!(run(7), 99);
        assert_eq!(p.run(&[0], 1), 0);
    }

    #[test]
    fn long_chains_are_split_and_jumps_into_them_work() {
        // ldb [0]; jeq 0 ? ret 0 : next ...: a chain of 100 jeq with a jump into its middle.
        let n = 100usize;
        let mut insns = vec![Instruction::stmt(0x30, 0)];
        insns.push(Instruction::jump(0x15, 200, 0, 50)); // 1: A == 200 → 2, else → 52
        for i in 0..n {
            let jt = (n - i - 1) as u8; // lands on the `ret a` after the chain
            insns.push(Instruction::jump(0x15, i as u32, jt, 0));
        }
        insns.last_mut().unwrap().jf = 1;
        insns.push(Instruction::stmt(0x16, 0)); // ret A (match)
        insns.push(Instruction::stmt(0x06, 0xdead)); // miss
        let p = Program::new(insns).unwrap();
        assert!(p.code.switches() >= 3);
        for v in 0..=255u8 {
            // 200 enters the chain at its head and misses; anything else enters at key 50.
            let want = if (50..100).contains(&v) {
                u32::from(v)
            } else {
                0xdead
            };
            assert_eq!(p.run(&[v], 1), want, "value {v}");
        }
    }

    #[test]
    fn backward_jumps_are_bounded() {
        let looping = vec![
            Instruction::stmt(0x05, u32::MAX),
            Instruction::stmt(0x06, 1),
        ];
        let p = Program::with_rules(looping, Rules::Libpcap).unwrap();
        assert_eq!(p.run(&[], 0), 0);
        // A loop that ends: count X up to 5.
        let counting = vec![
            Instruction::stmt(0x87, 0),              // 0: txa
            Instruction::stmt(0x04, 1),              // 1: add #1
            Instruction::stmt(0x07, 0),              // 2: tax
            Instruction::jump(0x15, 5, 1, 0),        // 3: jeq #5 → 5
            Instruction::stmt(0x05, (-5i32) as u32), // 4: ja 0
            Instruction::stmt(0x16, 0),              // 5: ret A
        ];
        let p = Program::with_rules(counting, Rules::Libpcap).unwrap();
        assert_eq!(p.run(&[], 0), 5);
    }

    #[test]
    fn matches_uses_caplen_and_len() {
        use crate::linktype::Linktype;
        use crate::packet::Timestamp;
        let p = prog(&[
            (0x80, 0, 0, 0),
            (0x25, 0, 1, 100),
            (0x06, 0, 0, 1),
            (0x06, 0, 0, 0),
        ]);
        let h = PacketHeader::new(Timestamp::EPOCH, 2, 1000, Linktype::EN10MB);
        assert!(p.matches(&h, &[0, 0]));
        let p = prog(&[(0x30, 0, 0, 2), (0x06, 0, 0, 1)]);
        assert!(
            !p.matches(&h, &[0, 0, 0]),
            "bytes past caplen are not captured"
        );
        assert!(p.matches(
            &PacketHeader::new(Timestamp::EPOCH, 3, 3, Linktype::EN10MB),
            &[0, 0, 0]
        ));
    }

    #[test]
    fn ancillary_loads_need_metadata() {
        let p = prog(&[(0x28, 0, 0, SKF_AD_OFF + SKF_AD_PKTTYPE), (0x16, 0, 0, 0)]);
        assert_eq!(p.run(&[0; 64], 64), 0);
        let mut aux = Ancillary::new();
        aux.pkttype = 4;
        assert_eq!(p.run_with(&[0; 64], 64, &aux), 4);
        // Fused load + jump takes the same path.
        let p = prog(&[
            (0x28, 0, 0, SKF_AD_OFF + SKF_AD_PKTTYPE),
            (0x15, 0, 1, 4),
            (0x06, 0, 0, 1),
            (0x06, 0, 0, 2),
        ]);
        assert_eq!(p.run_with(&[], 0, &aux), 1);
        assert_eq!(p.run(&[], 0), 0);
    }
}
