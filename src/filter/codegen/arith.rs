//! Arithmetic: packet loads (`ip[2:2]`, `tcp[tcpflags]`), `len`, constants, the operators,
//! and relations (`ip[2:2] > 100`), as well as `less`, `greater` and `byte`.
//!
//! As in libpcap, every value lives in a scratch register: an [`Arth`] is the statements that
//! compute it into `M[reg]`, and the guard that must hold for the load to mean anything (the
//! protocol test of `tcp[…]`). A relation runs both operands' statements, then compares.

use super::{bail, Gen, Rel, Result};
use crate::filter::ast::{ArithOp, ByteOp, ProtoName as Proto, RelOp};
use crate::filter::ir::{AluOp, Cond, Frag, Size, Src, Stmt};
use crate::linktype::Linktype;

/// An arithmetic value under construction (libpcap's `struct arth`).
#[derive(Clone, Debug)]
pub struct Arth {
    /// Statements leaving the value in `M[reg]`.
    pub(crate) stmts: Vec<Stmt>,
    /// Tests that must pass first (protocol checks of packet loads).
    pub(crate) guard: Option<Frag>,
    /// The scratch register holding the value.
    pub(crate) reg: u8,
}

fn alu(op: ArithOp) -> AluOp {
    match op {
        ArithOp::Add => AluOp::Add,
        ArithOp::Sub => AluOp::Sub,
        ArithOp::Mul => AluOp::Mul,
        ArithOp::Div => AluOp::Div,
        ArithOp::Mod => AluOp::Mod,
        ArithOp::And => AluOp::And,
        ArithOp::Or => AluOp::Or,
        ArithOp::Xor => AluOp::Xor,
        ArithOp::Lsh => AluOp::Lsh,
        ArithOp::Rsh => AluOp::Rsh,
    }
}

/// The jump a relational operator compiles to, and whether the result is negated (`<=` is
/// not `>`, `<` is not `>=`, `!=` is not `=`).
pub(crate) fn relop_jump(op: RelOp) -> (Cond, bool) {
    match op {
        RelOp::Gt => (Cond::Gt, false),
        RelOp::Ge => (Cond::Ge, false),
        RelOp::Eq => (Cond::Eq, false),
        RelOp::Le => (Cond::Gt, true),
        RelOp::Lt => (Cond::Ge, true),
        RelOp::Ne => (Cond::Eq, true),
    }
}

impl Gen {
    /// A constant (libpcap's `gen_loadi`).
    pub fn loadi(&mut self, v: u32) -> Result<Arth> {
        let reg = self.alloc_reg()?;
        Ok(Arth {
            stmts: vec![Stmt::LdImm(v), Stmt::St(reg)],
            guard: None,
            reg,
        })
    }

    /// `len`, the packet's length on the wire.
    pub fn loadlen(&mut self) -> Result<Arth> {
        let reg = self.alloc_reg()?;
        Ok(Arth {
            stmts: vec![Stmt::LdLen, Stmt::St(reg)],
            guard: None,
            reg,
        })
    }

    /// `proto[index : size]` (libpcap's `gen_load`): `size` 1, 2 or 4.
    pub fn load(&mut self, proto: Proto, mut inst: Arth, size: u32) -> Result<Arth> {
        let regno = self.alloc_reg()?;
        self.free_reg(inst.reg);
        let size = match size {
            1 => Size::B,
            2 => Size::H,
            4 => Size::W,
            _ => bail!(OutOfRange, "data size must be 1, 2, or 4"),
        };
        let to_x = Stmt::LdxMem(inst.reg);
        let to_a = Stmt::LdMem(inst.reg);
        match proto {
            Proto::Radio => {
                if !matches!(
                    self.linktype,
                    Linktype::IEEE802_11_RADIO_AVS
                        | Linktype::IEEE802_11_RADIO
                        | Linktype::PRISM_HEADER
                ) {
                    bail!(
                        UnsupportedLinktype,
                        "radio information not present in capture"
                    );
                }
                inst.stmts.extend([to_x, Stmt::LdInd(size, 0)]);
            }
            Proto::Link => {
                let s = self.abs_offset_varpart(super::OffsetField::LinkHdr)?;
                match s {
                    Some(ldx) => {
                        inst.stmts
                            .extend([ldx, to_a, Stmt::Alu(AluOp::Add, Src::X), Stmt::Tax])
                    }
                    None => inst.stmts.push(to_x),
                }
                inst.stmts
                    .push(Stmt::LdInd(size, self.off_linkhdr.constant_part));
            }
            Proto::Ip
            | Proto::Arp
            | Proto::Rarp
            | Proto::Atalk
            | Proto::Decnet
            | Proto::Sca
            | Proto::Lat
            | Proto::Moprc
            | Proto::Mopdl
            | Proto::Ip6 => {
                let s = self.abs_offset_varpart(super::OffsetField::LinkPl)?;
                match s {
                    Some(ldx) => {
                        inst.stmts
                            .extend([ldx, to_a, Stmt::Alu(AluOp::Add, Src::X), Stmt::Tax])
                    }
                    None => inst.stmts.push(to_x),
                }
                inst.stmts.push(Stmt::LdInd(
                    size,
                    self.off_linkpl.constant_part.wrapping_add(self.off_nl),
                ));
                let b = self.proto_abbrev(proto)?;
                inst.guard = Some(self.and_opt(inst.guard.take(), b));
            }
            Proto::Sctp
            | Proto::Tcp
            | Proto::Udp
            | Proto::Icmp
            | Proto::Igmp
            | Proto::Igrp
            | Proto::Pim
            | Proto::Vrrp
            | Proto::Carp => {
                let mut s = self.loadx_iphdrlen()?;
                s.extend([to_a, Stmt::Alu(AluOp::Add, Src::X), Stmt::Tax]);
                s.push(Stmt::LdInd(
                    size,
                    self.off_linkpl.constant_part.wrapping_add(self.off_nl),
                ));
                inst.stmts.extend(s);
                let pa = self.proto_abbrev(proto)?;
                let frag = self.ipfrag()?;
                let b = self.and(pa, frag);
                let b = self.and_opt(inst.guard.take(), b);
                let ip = self.proto_abbrev(Proto::Ip)?;
                inst.guard = Some(self.and(ip, b));
            }
            Proto::Icmp6 => {
                let b = self.proto_abbrev(Proto::Ip6)?;
                let b = self.and_opt(inst.guard.take(), b);
                let nh = self.cmp(Rel::LinkPl, 6, Size::B, 58)?;
                inst.guard = Some(self.and(b, nh));
                let s = self.abs_offset_varpart(super::OffsetField::LinkPl)?;
                match s {
                    Some(ldx) => {
                        inst.stmts
                            .extend([ldx, to_a, Stmt::Alu(AluOp::Add, Src::X), Stmt::Tax])
                    }
                    None => inst.stmts.push(to_x),
                }
                inst.stmts.push(Stmt::LdInd(
                    size,
                    self.off_linkpl
                        .constant_part
                        .wrapping_add(self.off_nl)
                        .wrapping_add(40),
                ));
            }
            _ => bail!(InvalidQualifier, "unsupported index operation"),
        }
        inst.reg = regno;
        inst.stmts.push(Stmt::St(regno));
        Ok(inst)
    }

    /// `a op b` (libpcap's `gen_arth`).
    pub fn arith(&mut self, op: ArithOp, mut a0: Arth, a1: Arth) -> Result<Arth> {
        // libpcap checks the right operand's first statement: a literal, but also anything
        // whose computation starts with one (`len / tcp[0]`, `len / (0 + len)`).
        let first = match a1.stmts.first() {
            Some(Stmt::LdImm(k)) => Some(*k),
            _ => None,
        };
        match (op, first) {
            (ArithOp::Div, Some(0)) => bail!(InvalidArithmetic, "division by zero"),
            (ArithOp::Mod, Some(0)) => bail!(InvalidArithmetic, "modulus by zero"),
            (ArithOp::Lsh | ArithOp::Rsh, Some(k)) if k > 31 => {
                bail!(InvalidArithmetic, "shift by more than 31 bits")
            }
            _ => {}
        }
        a0.stmts.extend(a1.stmts);
        a0.stmts.extend([
            Stmt::LdxMem(a1.reg),
            Stmt::LdMem(a0.reg),
            Stmt::Alu(alu(op), Src::X),
        ]);
        self.free_reg(a0.reg);
        self.free_reg(a1.reg);
        let reg = self.alloc_reg()?;
        a0.stmts.push(Stmt::St(reg));
        a0.reg = reg;
        a0.guard = match (a0.guard.take(), a1.guard) {
            (Some(g0), Some(g1)) => Some(self.and(g0, g1)),
            (g0, g1) => g0.or(g1),
        };
        Ok(a0)
    }

    /// `-a` (libpcap's `gen_neg`).
    pub fn neg(&mut self, mut a: Arth) -> Result<Arth> {
        a.stmts
            .extend([Stmt::LdMem(a.reg), Stmt::Neg, Stmt::St(a.reg)]);
        Ok(a)
    }

    /// `a relop b` (libpcap's `gen_relation`): the guards, then one block computing both
    /// values and comparing them.
    pub fn relation(&mut self, op: RelOp, a0: Arth, a1: Arth) -> Result<Frag> {
        let (cond, reversed) = relop_jump(op);
        let mut s = a0.stmts;
        s.extend(a1.stmts);
        s.push(Stmt::LdxMem(a1.reg));
        s.push(Stmt::LdMem(a0.reg));
        let b = if cond == Cond::Eq {
            s.push(Stmt::Alu(AluOp::Sub, Src::X));
            self.test(s, Cond::Eq, 0)
        } else {
            self.test_x(s, cond)
        };
        let b = if reversed { self.not(b) } else { b };
        self.free_reg(a0.reg);
        self.free_reg(a1.reg);
        let tmp = match (a0.guard, a1.guard) {
            (Some(g0), Some(g1)) => Some(self.and(g0, g1)),
            (g0, g1) => g0.or(g1),
        };
        Ok(self.and_opt(tmp, b))
    }

    /// `less N`: the wire length is at most N.
    pub fn less(&mut self, n: u32) -> Result<Frag> {
        let b = self.test(vec![Stmt::LdLen], Cond::Gt, n);
        Ok(self.not(b))
    }

    /// `greater N`: the wire length is at least N.
    pub fn greater(&mut self, n: u32) -> Result<Frag> {
        Ok(self.test(vec![Stmt::LdLen], Cond::Ge, n))
    }

    /// `byte N op V` (libpcap's `gen_byteop`, with its `&` and `|` as they are).
    pub fn byteop(&mut self, op: ByteOp, idx: u32, val: u32) -> Result<Frag> {
        match op {
            ByteOp::Eq => self.cmp(Rel::LinkHdr, idx, Size::B, val),
            ByteOp::Lt => self.cmp_lt(Rel::LinkHdr, idx, Size::B, val),
            ByteOp::Gt => self.cmp_gt(Rel::LinkHdr, idx, Size::B, val),
            ByteOp::And | ByteOp::Or => {
                let alu = if op == ByteOp::And {
                    AluOp::And
                } else {
                    AluOp::Or
                };
                let b = self.test(vec![Stmt::Alu(alu, Src::K(val))], Cond::Eq, 0);
                Ok(self.not(b))
            }
        }
    }
}
