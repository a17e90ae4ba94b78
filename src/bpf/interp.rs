//! The interpreter: a validated program is pre-decoded once into [`Code`], which then runs per
//! packet.
//!
//! # Pre-decoding
//!
//! Each instruction becomes one [`Op`] at the same index, so every jump target stays valid. The
//! op carries what the instruction needs and nothing to decode at run time: jump targets are
//! absolute indices; loads, ALU operations and jumps have one variant per size/operation/source;
//! a backward `ja` (libpcap rules only) is a separate variant that pays its way out of a loop
//! budget. Then common sequences are fused into the op of their first instruction, which jumps
//! past the rest (the later instructions keep their own ops, for jumps that land on them):
//!
//! * an absolute load followed by a conditional jump on a constant (`ldh [12]; jeq #0x800`);
//! * `ldxb 4*([k]&0xf)` followed by an indirect load (`ldh [x + 14]`);
//! * a chain of four or more `jeq #k` whose false branch falls through to the next one (what
//!   `host a or host b or …` and port lists compile to), possibly after an absolute load,
//!   becomes one lookup in a collision-free hash table (`Switch`): first match wins, as in the
//!   chain.
//!
//! # Safety without `unsafe`
//!
//! The op array is indexed with `get` (a miss — impossible for a validated program — rejects
//! the packet); packet bytes are read with `get` on the captured data; scratch memory indices
//! are masked to 0..16 (validation has already checked them). Nothing here can panic: the
//! arithmetic lints below are denied.

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
/// libpcap itself would loop forever on a program that never leaves its loop.
pub const LOOP_BUDGET: u32 = 1 << 24;

/// Chains of `jeq` shorter than this stay as they are.
const MIN_SWITCH: usize = 4;
/// A `Switch` covers at most this many `jeq`s; longer chains become consecutive switches.
const MAX_SWITCH: usize = 32;

/// Index of an op (programs have at most 4096 instructions).
type Pc = u16;

/// One pre-decoded instruction.
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
    JeqK {
        k: u32,
        t: Pc,
        f: Pc,
    },
    JgtK {
        k: u32,
        t: Pc,
        f: Pc,
    },
    JgeK {
        k: u32,
        t: Pc,
        f: Pc,
    },
    JsetK {
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
    // Fused: absolute load, then a conditional jump on a constant.
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
    // Fused: `ldxb 4*([msh]&0xf)` then an indirect load at `x + k`.
    MshIndW {
        msh: u32,
        k: u32,
    },
    MshIndH {
        msh: u32,
        k: u32,
    },
    MshIndB {
        msh: u32,
        k: u32,
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
        let min_bits = usize::BITS - (n.saturating_mul(2).saturating_sub(1)).leading_zeros();
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

/// A program pre-decoded for the interpreter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Code {
    ops: Box<[Op]>,
    tables: Box<[Table]>,
}

impl Code {
    /// Pre-decodes validated instructions (see the module docs).
    pub(crate) fn new(insns: &[Instruction]) -> Code {
        let mut ops: Vec<Op> = insns
            .iter()
            .enumerate()
            .map(|(i, insn)| decode(i, insn))
            .collect();
        let mut tables = Vec::new();
        // Chains of jeq: one Switch per segment head.
        let mut p = 0;
        while p < insns.len() {
            let q = chain_end(insns, p);
            if q.saturating_sub(p) + 1 < MIN_SWITCH {
                p += 1;
                continue;
            }
            let mut head = p;
            while head <= q {
                let end = q.min(head + MAX_SWITCH - 1);
                if end + 1 - head < MIN_SWITCH {
                    break;
                }
                let entries: Vec<(u32, Pc)> = (head..=end)
                    .filter_map(|m| Some((insns.get(m)?.k, target(m, insns.get(m)?.jt))))
                    .collect();
                let miss = if end == q {
                    insns.get(q).map_or(0, |i| target(q, i.jf))
                } else {
                    pc(end + 1)
                };
                let Some(table) = Table::build(&entries, miss) else {
                    break;
                };
                let Ok(id) = u16::try_from(tables.len()) else {
                    break;
                };
                tables.push(table);
                if let Some(op) = ops.get_mut(head) {
                    *op = Op::Switch(id);
                }
                head = end + 1;
            }
            p = q + 1;
        }
        // Fusion of pairs, reading the ops decoded above (a fused op's second half keeps its
        // own op).
        for i in 0..ops.len().saturating_sub(1) {
            let (Some(&first), Some(&second)) = (ops.get(i), ops.get(i + 1)) else {
                continue;
            };
            let fused = match (first, second) {
                (Op::LdW(off), Op::Switch(table)) => Op::LdWSwitch { off, table },
                (Op::LdH(off), Op::Switch(table)) => Op::LdHSwitch { off, table },
                (Op::LdB(off), Op::Switch(table)) => Op::LdBSwitch { off, table },
                (Op::LdW(off), Op::JeqK { k, t, f }) => Op::LdWJeq { off, k, t, f },
                (Op::LdW(off), Op::JgtK { k, t, f }) => Op::LdWJgt { off, k, t, f },
                (Op::LdW(off), Op::JgeK { k, t, f }) => Op::LdWJge { off, k, t, f },
                (Op::LdW(off), Op::JsetK { k, t, f }) => Op::LdWJset { off, k, t, f },
                (Op::LdH(off), Op::JeqK { k, t, f }) => Op::LdHJeq { off, k, t, f },
                (Op::LdH(off), Op::JgtK { k, t, f }) => Op::LdHJgt { off, k, t, f },
                (Op::LdH(off), Op::JgeK { k, t, f }) => Op::LdHJge { off, k, t, f },
                (Op::LdH(off), Op::JsetK { k, t, f }) => Op::LdHJset { off, k, t, f },
                (Op::LdB(off), Op::JeqK { k, t, f }) => Op::LdBJeq { off, k, t, f },
                (Op::LdB(off), Op::JgtK { k, t, f }) => Op::LdBJgt { off, k, t, f },
                (Op::LdB(off), Op::JgeK { k, t, f }) => Op::LdBJge { off, k, t, f },
                (Op::LdB(off), Op::JsetK { k, t, f }) => Op::LdBJset { off, k, t, f },
                (Op::LdxMsh(msh), Op::LdIndW(k)) => Op::MshIndW { msh, k },
                (Op::LdxMsh(msh), Op::LdIndH(k)) => Op::MshIndH { msh, k },
                (Op::LdxMsh(msh), Op::LdIndB(k)) => Op::MshIndB { msh, k },
                _ => continue,
            };
            if let Some(op) = ops.get_mut(i) {
                *op = fused;
            }
        }
        Code {
            ops: ops.into_boxed_slice(),
            tables: tables.into_boxed_slice(),
        }
    }

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
        let data = data.get(..limit).unwrap_or(data);
        self.exec(data, wire_len, aux)
    }

    #[inline(always)]
    fn exec(&self, data: &[u8], wire_len: u32, aux: Option<&Ancillary>) -> u32 {
        let ops = &*self.ops;
        let tables = &*self.tables;
        let mut a: u32 = 0;
        let mut x: u32 = 0;
        let mut mem = [0u32; BPF_MEMWORDS];
        let mut budget = LOOP_BUDGET;
        let mut pc: usize = 0;

        // A packet load: the bytes if they were captured, else (with metadata) the Linux
        // special offsets, else reject.
        macro_rules! load {
            ($fast:expr, $addr:expr, $size:expr, $abs:expr) => {
                match $fast {
                    Some(v) => v,
                    None => match aux {
                        Some(aux) => match ancillary::load(aux, data, $addr, $size, $abs, a, x) {
                            Some(v) => v,
                            None => return 0,
                        },
                        None => return 0,
                    },
                }
            };
        }
        macro_rules! branch {
            ($cond:expr, $t:expr, $f:expr) => {
                pc = usize::from(if $cond { $t } else { $f })
            };
        }

        loop {
            let Some(&op) = ops.get(pc) else {
                return 0;
            };
            pc = pc.wrapping_add(1);
            match op {
                Op::RetK(k) => return k,
                Op::RetA => return a,
                Op::LdImm(k) => a = k,
                Op::LdxImm(k) => x = k,
                Op::LdLen => a = wire_len,
                Op::LdxLen => x = wire_len,
                Op::LdW(k) => a = load!(ld_w(data, k), k, 4, true),
                Op::LdH(k) => a = load!(ld_h(data, k), k, 2, true),
                Op::LdB(k) => a = load!(ld_b(data, k), k, 1, true),
                Op::LdIndW(k) => a = load!(ld_ind_w(data, x, k), x.wrapping_add(k), 4, false),
                Op::LdIndH(k) => a = load!(ld_ind_h(data, x, k), x.wrapping_add(k), 2, false),
                Op::LdIndB(k) => a = load!(ld_ind_b(data, x, k), x.wrapping_add(k), 1, false),
                Op::LdxMsh(k) => match ld_b(data, k) {
                    Some(b) => x = (b & 0xf) << 2,
                    None => return 0,
                },
                Op::LdMem(i) => a = mem.get(usize::from(i & 15)).copied().unwrap_or(0),
                Op::LdxMem(i) => x = mem.get(usize::from(i & 15)).copied().unwrap_or(0),
                Op::St(i) => {
                    if let Some(m) = mem.get_mut(usize::from(i & 15)) {
                        *m = a;
                    }
                }
                Op::Stx(i) => {
                    if let Some(m) = mem.get_mut(usize::from(i & 15)) {
                        *m = x;
                    }
                }
                Op::AddK(k) => a = a.wrapping_add(k),
                Op::SubK(k) => a = a.wrapping_sub(k),
                Op::MulK(k) => a = a.wrapping_mul(k),
                Op::DivK(k) => a = a.checked_div(k).unwrap_or(0),
                Op::ModK(k) => a = a.checked_rem(k).unwrap_or(0),
                Op::AndK(k) => a &= k,
                Op::OrK(k) => a |= k,
                Op::XorK(k) => a ^= k,
                // A constant shift of 32 or more is undefined in C; x86 (where libpcap's
                // reference values come from) uses the count modulo 32, as wrapping_shl does.
                Op::LshK(k) => a = a.wrapping_shl(k),
                Op::RshK(k) => a = a.wrapping_shr(k),
                Op::AddX => a = a.wrapping_add(x),
                Op::SubX => a = a.wrapping_sub(x),
                Op::MulX => a = a.wrapping_mul(x),
                Op::DivX => match a.checked_div(x) {
                    Some(v) => a = v,
                    None => return 0,
                },
                Op::ModX => match a.checked_rem(x) {
                    Some(v) => a = v,
                    None => return 0,
                },
                Op::AndX => a &= x,
                Op::OrX => a |= x,
                Op::XorX => a ^= x,
                Op::LshX => a = a.checked_shl(x).unwrap_or(0),
                Op::RshX => a = a.checked_shr(x).unwrap_or(0),
                Op::Neg => a = a.wrapping_neg(),
                Op::Tax => x = a,
                Op::Txa => a = x,
                Op::Ja(t) => pc = usize::from(t),
                Op::JaBack { target, cost } => match budget.checked_sub(u32::from(cost)) {
                    Some(b) => {
                        budget = b;
                        pc = usize::from(target);
                    }
                    None => return 0,
                },
                Op::JeqK { k, t, f } => branch!(a == k, t, f),
                Op::JgtK { k, t, f } => branch!(a > k, t, f),
                Op::JgeK { k, t, f } => branch!(a >= k, t, f),
                Op::JsetK { k, t, f } => branch!(a & k != 0, t, f),
                Op::JeqX { t, f } => branch!(a == x, t, f),
                Op::JgtX { t, f } => branch!(a > x, t, f),
                Op::JgeX { t, f } => branch!(a >= x, t, f),
                Op::JsetX { t, f } => branch!(a & x != 0, t, f),
                Op::LdWJeq { off, k, t, f } => {
                    a = load!(ld_w(data, off), off, 4, true);
                    branch!(a == k, t, f)
                }
                Op::LdWJgt { off, k, t, f } => {
                    a = load!(ld_w(data, off), off, 4, true);
                    branch!(a > k, t, f)
                }
                Op::LdWJge { off, k, t, f } => {
                    a = load!(ld_w(data, off), off, 4, true);
                    branch!(a >= k, t, f)
                }
                Op::LdWJset { off, k, t, f } => {
                    a = load!(ld_w(data, off), off, 4, true);
                    branch!(a & k != 0, t, f)
                }
                Op::LdHJeq { off, k, t, f } => {
                    a = load!(ld_h(data, off), off, 2, true);
                    branch!(a == k, t, f)
                }
                Op::LdHJgt { off, k, t, f } => {
                    a = load!(ld_h(data, off), off, 2, true);
                    branch!(a > k, t, f)
                }
                Op::LdHJge { off, k, t, f } => {
                    a = load!(ld_h(data, off), off, 2, true);
                    branch!(a >= k, t, f)
                }
                Op::LdHJset { off, k, t, f } => {
                    a = load!(ld_h(data, off), off, 2, true);
                    branch!(a & k != 0, t, f)
                }
                Op::LdBJeq { off, k, t, f } => {
                    a = load!(ld_b(data, off), off, 1, true);
                    branch!(a == k, t, f)
                }
                Op::LdBJgt { off, k, t, f } => {
                    a = load!(ld_b(data, off), off, 1, true);
                    branch!(a > k, t, f)
                }
                Op::LdBJge { off, k, t, f } => {
                    a = load!(ld_b(data, off), off, 1, true);
                    branch!(a >= k, t, f)
                }
                Op::LdBJset { off, k, t, f } => {
                    a = load!(ld_b(data, off), off, 1, true);
                    branch!(a & k != 0, t, f)
                }
                Op::MshIndW { msh, k } => {
                    match ld_b(data, msh) {
                        Some(b) => x = (b & 0xf) << 2,
                        None => return 0,
                    }
                    a = load!(ld_ind_w(data, x, k), x.wrapping_add(k), 4, false);
                    pc = pc.wrapping_add(1);
                }
                Op::MshIndH { msh, k } => {
                    match ld_b(data, msh) {
                        Some(b) => x = (b & 0xf) << 2,
                        None => return 0,
                    }
                    a = load!(ld_ind_h(data, x, k), x.wrapping_add(k), 2, false);
                    pc = pc.wrapping_add(1);
                }
                Op::MshIndB { msh, k } => {
                    match ld_b(data, msh) {
                        Some(b) => x = (b & 0xf) << 2,
                        None => return 0,
                    }
                    a = load!(ld_ind_b(data, x, k), x.wrapping_add(k), 1, false);
                    pc = pc.wrapping_add(1);
                }
                Op::Switch(id) => match tables.get(usize::from(id)) {
                    Some(table) => pc = usize::from(table.lookup(a)),
                    None => return 0,
                },
                Op::LdWSwitch { off, table } => {
                    a = load!(ld_w(data, off), off, 4, true);
                    match tables.get(usize::from(table)) {
                        Some(table) => pc = usize::from(table.lookup(a)),
                        None => return 0,
                    }
                }
                Op::LdHSwitch { off, table } => {
                    a = load!(ld_h(data, off), off, 2, true);
                    match tables.get(usize::from(table)) {
                        Some(table) => pc = usize::from(table.lookup(a)),
                        None => return 0,
                    }
                }
                Op::LdBSwitch { off, table } => {
                    a = load!(ld_b(data, off), off, 1, true);
                    match tables.get(usize::from(table)) {
                        Some(table) => pc = usize::from(table.lookup(a)),
                        None => return 0,
                    }
                }
                Op::Invalid => return 0,
            }
        }
    }

    /// Number of `jeq` chains turned into table lookups (for tests).
    #[cfg(test)]
    pub(crate) fn switches(&self) -> usize {
        self.tables.len()
    }

    /// The ops (for tests).
    #[cfg(test)]
    pub(crate) fn ops(&self) -> &[Op] {
        &self.ops
    }
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
        0x15 => Op::JeqK { k, t, f },
        0x25 => Op::JgtK { k, t, f },
        0x35 => Op::JgeK { k, t, f },
        0x45 => Op::JsetK { k, t, f },
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
    use super::*;
    use crate::bpf::Rules;

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
        assert!(matches!(p.code.ops()[0], Op::LdHSwitch { .. }));
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
        use crate::packet::Timestamp;
        use crate::Linktype;
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
