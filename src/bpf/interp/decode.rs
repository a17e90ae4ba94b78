//! Stage 1, decoding: each instruction becomes one [`Op`] at the same index, with nothing left
//! to decode at run time. Jump targets are absolute indices, loads and jumps say their size
//! and test as enums, and a backward `ja` (libpcap rules only) is a separate op that pays its
//! way out of the loop budget.

use super::super::insn::Instruction;

/// Index of an instruction, op or node (programs have at most 65535 instructions).
pub(super) type Pc = u16;

/// The size of a packet load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Size {
    /// 32 bits.
    W,
    /// 16 bits.
    H,
    /// 8 bits.
    B,
}

/// What a conditional jump tests (A against its operand).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Cond {
    /// `jeq`: equal.
    Eq,
    /// `jgt`: greater (unsigned).
    Gt,
    /// `jge`: greater or equal (unsigned).
    Ge,
    /// `jset`: `A & operand != 0`.
    Set,
}

/// An ALU operation (`neg` is separate: it has no operand).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Alu {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    And,
    Or,
    Xor,
    Lsh,
    Rsh,
}

/// One decoded instruction. `t`/`f` are the absolute targets when the condition holds / does
/// not; scratch indices are already reduced to 0..16.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Op {
    RetK(u32),
    RetA,
    LdImm(u32),
    LdxImm(u32),
    LdLen,
    LdxLen,
    /// `ld`/`ldh`/`ldb [k]`.
    LdAbs(Size, u32),
    /// `ld`/`ldh`/`ldb [x + k]`.
    LdInd(Size, u32),
    /// `ldxb 4*([k]&0xf)`.
    LdxMsh(u32),
    LdMem(u8),
    LdxMem(u8),
    St(u8),
    Stx(u8),
    AluK(Alu, u32),
    AluX(Alu),
    Neg,
    Tax,
    Txa,
    /// A forward `ja`.
    Ja(Pc),
    /// A backward `ja`: where to, and what it costs from the loop budget.
    JaBack {
        target: Pc,
        cost: u16,
    },
    /// `j* #k`.
    JmpK {
        cond: Cond,
        k: u32,
        t: Pc,
        f: Pc,
    },
    /// `j* x`.
    JmpX {
        cond: Cond,
        t: Pc,
        f: Pc,
    },
    /// Not an instruction (cannot come out of validation): rejects.
    Invalid,
}

impl Op {
    /// `(cond, k, t, f)` of a `j* #k`.
    pub(super) fn jmp_k(self) -> Option<(Cond, u32, Pc, Pc)> {
        match self {
            Op::JmpK { cond, k, t, f } => Some((cond, k, t, f)),
            _ => None,
        }
    }
}

/// `i + 1 + off` as an index (validation keeps it inside the program).
pub(super) fn target(i: usize, off: u8) -> Pc {
    pc(i.saturating_add(1).saturating_add(usize::from(off)))
}

/// `i` as a [`Pc`] (saturating; validation keeps programs below 65536 instructions).
pub(super) fn pc(i: usize) -> Pc {
    Pc::try_from(i).unwrap_or(Pc::MAX)
}

/// The op for instruction `i`.
pub(super) fn decode(i: usize, insn: &Instruction) -> Op {
    let k = insn.k;
    let mem = (k & 15) as u8;
    let (t, f) = (target(i, insn.jt), target(i, insn.jf));
    let jmp_k = |cond| Op::JmpK { cond, k, t, f };
    let jmp_x = |cond| Op::JmpX { cond, t, f };
    match insn.code {
        0x06 => Op::RetK(k),
        0x16 => Op::RetA,
        0x00 => Op::LdImm(k),
        0x01 => Op::LdxImm(k),
        0x80 => Op::LdLen,
        0x81 => Op::LdxLen,
        0x20 => Op::LdAbs(Size::W, k),
        0x28 => Op::LdAbs(Size::H, k),
        0x30 => Op::LdAbs(Size::B, k),
        0x40 => Op::LdInd(Size::W, k),
        0x48 => Op::LdInd(Size::H, k),
        0x50 => Op::LdInd(Size::B, k),
        0xb1 => Op::LdxMsh(k),
        0x60 => Op::LdMem(mem),
        0x61 => Op::LdxMem(mem),
        0x02 => Op::St(mem),
        0x03 => Op::Stx(mem),
        0x04 => Op::AluK(Alu::Add, k),
        0x14 => Op::AluK(Alu::Sub, k),
        0x24 => Op::AluK(Alu::Mul, k),
        0x34 => Op::AluK(Alu::Div, k),
        0x94 => Op::AluK(Alu::Mod, k),
        0x54 => Op::AluK(Alu::And, k),
        0x44 => Op::AluK(Alu::Or, k),
        0xa4 => Op::AluK(Alu::Xor, k),
        0x64 => Op::AluK(Alu::Lsh, k),
        0x74 => Op::AluK(Alu::Rsh, k),
        0x0c => Op::AluX(Alu::Add),
        0x1c => Op::AluX(Alu::Sub),
        0x2c => Op::AluX(Alu::Mul),
        0x3c => Op::AluX(Alu::Div),
        0x9c => Op::AluX(Alu::Mod),
        0x5c => Op::AluX(Alu::And),
        0x4c => Op::AluX(Alu::Or),
        0xac => Op::AluX(Alu::Xor),
        0x6c => Op::AluX(Alu::Lsh),
        0x7c => Op::AluX(Alu::Rsh),
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
        0x15 => jmp_k(Cond::Eq),
        0x25 => jmp_k(Cond::Gt),
        0x35 => jmp_k(Cond::Ge),
        0x45 => jmp_k(Cond::Set),
        0x1d => jmp_x(Cond::Eq),
        0x2d => jmp_x(Cond::Gt),
        0x3d => jmp_x(Cond::Ge),
        0x4d => jmp_x(Cond::Set),
        _ => Op::Invalid,
    }
}
