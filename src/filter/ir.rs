//! The compiler's intermediate representation: a control-flow graph of basic blocks.
//!
//! A [`Block`] is a run of straight-line [`Stmt`]s (loads, stores, arithmetic, register moves)
//! ended by one [`Terminal`]: a conditional branch to two blocks, an unconditional jump, a
//! backward jump closing a loop, or a `ret`. Code generation builds the graph from the filter
//! expression, the optimizer rewrites it, and emission lays it out as classic BPF. Unlike
//! libpcap's blocks, ours never contain jumps in their statements: code that libpcap writes with
//! jumps inside one block (the radiotap and PRISM header-length prologues, Linux VLAN tag loads,
//! Geneve, `protochain`) is split into several blocks here, so every pass sees every edge.
//!
//! While code is being generated a branch may still point nowhere ([`BlockId::NONE`]); a
//! [`Frag`] — an expression's value, as in libpcap's code generator — names the entry block
//! and the branch sides still waiting for their "true" and "false" destinations.
//!
//! [`Cfg::from_instructions`] lifts any valid classic BPF program into this form (the
//! optimizer's tests lift libpcap's unoptimized programs and compare with its optimized ones).

use super::reuse::{self, Spares};
use crate::bpf::{self, Instruction};
use std::fmt;

/// A block's index in [`Cfg::blocks`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlockId(pub u32);

impl BlockId {
    /// The target of a branch that is not connected yet.
    pub const NONE: BlockId = BlockId(u32::MAX);

    /// The index into [`Cfg::blocks`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The width of a packet load.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Size {
    /// 32 bits (`ld`).
    W,
    /// 16 bits (`ldh`).
    H,
    /// 8 bits (`ldb`).
    B,
}

impl Size {
    /// The `BPF_W`/`BPF_H`/`BPF_B` bits.
    pub fn code(self) -> u16 {
        match self {
            Size::W => bpf::op::BPF_W,
            Size::H => bpf::op::BPF_H,
            Size::B => bpf::op::BPF_B,
        }
    }

    /// The number of bytes loaded.
    pub fn bytes(self) -> u32 {
        match self {
            Size::W => 4,
            Size::H => 2,
            Size::B => 1,
        }
    }

    fn from_code(code: u16) -> Option<Size> {
        match code & 0x18 {
            bpf::op::BPF_W => Some(Size::W),
            bpf::op::BPF_H => Some(Size::H),
            bpf::op::BPF_B => Some(Size::B),
            _ => None,
        }
    }
}

/// An arithmetic or logic operation on the accumulator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AluOp {
    /// `add`
    Add,
    /// `sub`
    Sub,
    /// `mul`
    Mul,
    /// `div` (by zero: the packet is rejected)
    Div,
    /// `or`
    Or,
    /// `and`
    And,
    /// `lsh`
    Lsh,
    /// `rsh`
    Rsh,
    /// `mod` (by zero: the packet is rejected)
    Mod,
    /// `xor`
    Xor,
}

impl AluOp {
    /// The `BPF_ADD`… operation bits.
    pub fn code(self) -> u16 {
        match self {
            AluOp::Add => bpf::op::BPF_ADD,
            AluOp::Sub => bpf::op::BPF_SUB,
            AluOp::Mul => bpf::op::BPF_MUL,
            AluOp::Div => bpf::op::BPF_DIV,
            AluOp::Or => bpf::op::BPF_OR,
            AluOp::And => bpf::op::BPF_AND,
            AluOp::Lsh => bpf::op::BPF_LSH,
            AluOp::Rsh => bpf::op::BPF_RSH,
            AluOp::Mod => bpf::op::BPF_MOD,
            AluOp::Xor => bpf::op::BPF_XOR,
        }
    }

    fn from_code(op: u16) -> Option<AluOp> {
        Some(match op {
            bpf::op::BPF_ADD => AluOp::Add,
            bpf::op::BPF_SUB => AluOp::Sub,
            bpf::op::BPF_MUL => AluOp::Mul,
            bpf::op::BPF_DIV => AluOp::Div,
            bpf::op::BPF_OR => AluOp::Or,
            bpf::op::BPF_AND => AluOp::And,
            bpf::op::BPF_LSH => AluOp::Lsh,
            bpf::op::BPF_RSH => AluOp::Rsh,
            bpf::op::BPF_MOD => AluOp::Mod,
            bpf::op::BPF_XOR => AluOp::Xor,
            _ => return None,
        })
    }

    /// `a op b` as the interpreter computes it, or `None` where the interpreter rejects the
    /// packet (division or modulo by zero). Shifts by 32 or more give 0.
    pub fn apply(self, a: u32, b: u32) -> Option<u32> {
        Some(match self {
            AluOp::Add => a.wrapping_add(b),
            AluOp::Sub => a.wrapping_sub(b),
            AluOp::Mul => a.wrapping_mul(b),
            AluOp::Div => a.checked_div(b)?,
            AluOp::Mod => a.checked_rem(b)?,
            AluOp::Or => a | b,
            AluOp::And => a & b,
            AluOp::Xor => a ^ b,
            AluOp::Lsh => a.checked_shl(b).unwrap_or(0),
            AluOp::Rsh => a.checked_shr(b).unwrap_or(0),
        })
    }
}

/// The second operand of an ALU operation or a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Src {
    /// The constant `k`.
    K(u32),
    /// The index register X.
    X,
}

/// A straight-line statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stmt {
    /// `ld{,h,b} [k]`: A = packet bytes at `k`.
    Ld(Size, u32),
    /// `ld{,h,b} [x + k]`: A = packet bytes at `X + k`.
    LdInd(Size, u32),
    /// `ld #k`
    LdImm(u32),
    /// `ld M[k]`
    LdMem(u8),
    /// `ld #pktlen` (the length on the wire)
    LdLen,
    /// `ldx #k`
    LdxImm(u32),
    /// `ldx M[k]`
    LdxMem(u8),
    /// `ldxb 4*([k]&0xf)`
    LdxMsh(u32),
    /// `ldx #pktlen`
    LdxLen,
    /// `st M[k]`
    St(u8),
    /// `stx M[k]`
    Stx(u8),
    /// `op #k` / `op x`
    Alu(AluOp, Src),
    /// `neg`
    Neg,
    /// `tax`
    Tax,
    /// `txa`
    Txa,
}

impl Stmt {
    /// The instruction this statement is.
    pub fn instruction(self) -> Instruction {
        use bpf::op::*;
        let (code, k) = match self {
            Stmt::Ld(s, k) => (BPF_LD | BPF_ABS | s.code(), k),
            Stmt::LdInd(s, k) => (BPF_LD | BPF_IND | s.code(), k),
            Stmt::LdImm(k) => (BPF_LD | BPF_IMM, k),
            Stmt::LdMem(m) => (BPF_LD | BPF_MEM, u32::from(m)),
            Stmt::LdLen => (BPF_LD | BPF_W | BPF_LEN, 0),
            Stmt::LdxImm(k) => (BPF_LDX | BPF_IMM, k),
            Stmt::LdxMem(m) => (BPF_LDX | BPF_MEM, u32::from(m)),
            Stmt::LdxMsh(k) => (BPF_LDX | BPF_MSH | BPF_B, k),
            Stmt::LdxLen => (BPF_LDX | BPF_W | BPF_LEN, 0),
            Stmt::St(m) => (BPF_ST, u32::from(m)),
            Stmt::Stx(m) => (BPF_STX, u32::from(m)),
            Stmt::Alu(op, Src::K(k)) => (BPF_ALU | op.code() | BPF_K, k),
            Stmt::Alu(op, Src::X) => (BPF_ALU | op.code() | BPF_X, 0),
            Stmt::Neg => (BPF_ALU | BPF_NEG, 0),
            Stmt::Tax => (BPF_MISC | BPF_TAX, 0),
            Stmt::Txa => (BPF_MISC | BPF_TXA, 0),
        };
        Instruction::stmt(code, k)
    }

    /// The statement an instruction is, if it is not a jump or a return.
    pub fn from_instruction(insn: &Instruction) -> Option<Stmt> {
        use bpf::op::*;
        let k = insn.k;
        let mem = || {
            u8::try_from(k)
                .ok()
                .filter(|&m| usize::from(m) < BPF_MEMWORDS)
        };
        Some(match insn.code {
            c if c & 0x07 == BPF_LD => match c & 0xe0 {
                BPF_ABS => Stmt::Ld(Size::from_code(c)?, k),
                BPF_IND => Stmt::LdInd(Size::from_code(c)?, k),
                BPF_IMM if c == BPF_LD | BPF_IMM => Stmt::LdImm(k),
                BPF_MEM if c == BPF_LD | BPF_MEM => Stmt::LdMem(mem()?),
                BPF_LEN if c == BPF_LD | BPF_W | BPF_LEN => Stmt::LdLen,
                _ => return None,
            },
            c if c == BPF_LDX | BPF_IMM => Stmt::LdxImm(k),
            c if c == BPF_LDX | BPF_MEM => Stmt::LdxMem(mem()?),
            c if c == BPF_LDX | BPF_MSH | BPF_B => Stmt::LdxMsh(k),
            c if c == BPF_LDX | BPF_W | BPF_LEN => Stmt::LdxLen,
            c if c == BPF_ST => Stmt::St(mem()?),
            c if c == BPF_STX => Stmt::Stx(mem()?),
            c if c == BPF_ALU | BPF_NEG => Stmt::Neg,
            c if c & 0x07 == BPF_ALU => {
                let op = AluOp::from_code(c & 0xf0)?;
                if c & BPF_X != 0 {
                    Stmt::Alu(op, Src::X)
                } else {
                    Stmt::Alu(op, Src::K(k))
                }
            }
            c if c == BPF_MISC | BPF_TAX => Stmt::Tax,
            c if c == BPF_MISC | BPF_TXA => Stmt::Txa,
            _ => return None,
        })
    }
}

/// The condition of a conditional branch, on A and the operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cond {
    /// `jeq`: A == operand
    Eq,
    /// `jgt`: A > operand (unsigned)
    Gt,
    /// `jge`: A >= operand (unsigned)
    Ge,
    /// `jset`: A & operand != 0
    Set,
}

impl Cond {
    /// The `BPF_JEQ`… operation bits.
    pub fn code(self) -> u16 {
        match self {
            Cond::Eq => bpf::op::BPF_JEQ,
            Cond::Gt => bpf::op::BPF_JGT,
            Cond::Ge => bpf::op::BPF_JGE,
            Cond::Set => bpf::op::BPF_JSET,
        }
    }

    /// Whether the condition holds for these values.
    pub fn holds(self, a: u32, operand: u32) -> bool {
        match self {
            Cond::Eq => a == operand,
            Cond::Gt => a > operand,
            Cond::Ge => a >= operand,
            Cond::Set => a & operand != 0,
        }
    }
}

/// What a `ret` returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ret {
    /// `ret #k`
    K(u32),
    /// `ret a`
    A,
}

/// How a block ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Terminal {
    /// `j<cond> <src>`: to `jt` if the condition holds, else to `jf`.
    Branch {
        /// The comparison.
        cond: Cond,
        /// What A is compared with.
        src: Src,
        /// The block run when the condition holds.
        jt: BlockId,
        /// The block run when it does not.
        jf: BlockId,
    },
    /// Continue with a block placed later in the program (fall through or `ja`).
    Goto(BlockId),
    /// A backward `ja` to a block placed earlier (only `protochain` makes loops).
    Loop(BlockId),
    /// `ret`
    Ret(Ret),
}

impl Terminal {
    /// The blocks this terminal can continue with (true side first).
    pub fn successors(&self) -> impl Iterator<Item = BlockId> {
        let (a, b) = match *self {
            Terminal::Branch { jt, jf, .. } => (Some(jt), Some(jf)),
            Terminal::Goto(t) | Terminal::Loop(t) => (Some(t), None),
            Terminal::Ret(_) => (None, None),
        };
        a.into_iter().chain(b)
    }

    /// The forward successors (all but a [`Terminal::Loop`] target).
    pub fn forward_successors(&self) -> impl Iterator<Item = BlockId> {
        let (a, b) = match *self {
            Terminal::Branch { jt, jf, .. } => (Some(jt), Some(jf)),
            Terminal::Goto(t) => (Some(t), None),
            Terminal::Loop(_) | Terminal::Ret(_) => (None, None),
        };
        a.into_iter().chain(b)
    }

    /// Replaces every edge to `from` with an edge to `to`.
    pub fn retarget(&mut self, from: BlockId, to: BlockId) {
        match self {
            Terminal::Branch { jt, jf, .. } => {
                if *jt == from {
                    *jt = to;
                }
                if *jf == from {
                    *jf = to;
                }
            }
            Terminal::Goto(t) | Terminal::Loop(t) => {
                if *t == from {
                    *t = to;
                }
            }
            Terminal::Ret(_) => {}
        }
    }
}

/// A basic block.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Block {
    /// The statements, run in order.
    pub stmts: Vec<Stmt>,
    /// How the block ends.
    pub term: Terminal,
}

/// Which side of a conditional branch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// Taken when the condition holds.
    True,
    /// Taken when it does not.
    False,
}

/// An unconnected branch side: block `0`'s `1` side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Exit(pub BlockId, pub Side);

/// The code of a boolean expression under construction: where it starts and which branch sides
/// still need their destinations when the expression is true and when it is false.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frag {
    /// The block evaluated first.
    pub entry: BlockId,
    /// Branch sides to connect to the code run when the expression is true.
    pub t: Exits,
    /// Branch sides to connect to the code run when the expression is false.
    pub f: Exits,
}

/// A list of unconnected branch sides: one inline (a single test's), more on the heap.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Exits {
    one: Option<Exit>,
    more: Vec<Exit>,
}

impl Exits {
    /// A list of one side.
    pub fn one(e: Exit) -> Exits {
        Exits {
            one: Some(e),
            more: Vec::new(),
        }
    }

    /// Appends another list.
    pub fn extend(&mut self, other: Exits) {
        if self.is_empty() {
            *self = other;
            return;
        }
        if self.more.is_empty() {
            if let Some(e) = self.one.take() {
                self.more.reserve(1 + other.len());
                self.more.push(e);
            }
        }
        self.more.extend(other.iter().copied());
    }
}

impl std::ops::Deref for Exits {
    type Target = [Exit];
    fn deref(&self) -> &[Exit] {
        match &self.one {
            Some(e) => std::slice::from_ref(e),
            None => &self.more,
        }
    }
}

impl std::ops::DerefMut for Exits {
    fn deref_mut(&mut self) -> &mut [Exit] {
        match &mut self.one {
            Some(e) => std::slice::from_mut(e),
            None => &mut self.more,
        }
    }
}

/// A control-flow graph: blocks and the entry block.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cfg {
    /// All blocks; some may be unreachable from the entry after optimization.
    pub blocks: Vec<Block>,
    /// The block run first.
    pub entry: BlockId,
}

/// [`Cfg::topo_order_into`]'s search tables: the state of each block, and the stack.
type TopoScratch = (Vec<u8>, Vec<(BlockId, u8)>);

thread_local! {
    /// [`Cfg::topo_order_into`]'s search tables, kept per thread.
    static SPARE_TOPO: Spares<TopoScratch> = const { Spares::new(Vec::new()) };
}

impl Cfg {
    /// An empty graph.
    pub fn new() -> Cfg {
        Cfg::default()
    }

    /// Adds a block and returns its id.
    pub fn push(&mut self, stmts: Vec<Stmt>, term: Terminal) -> BlockId {
        let id = BlockId(u32::try_from(self.blocks.len()).unwrap_or(u32::MAX - 1));
        self.blocks.push(Block { stmts, term });
        id
    }

    /// The block with this id.
    ///
    /// # Panics
    ///
    /// If the id is not one of this graph's (an internal error).
    pub fn block(&self, id: BlockId) -> &Block {
        &self.blocks[id.index()]
    }

    /// The block with this id, mutably.
    ///
    /// # Panics
    ///
    /// If the id is not one of this graph's (an internal error).
    pub fn block_mut(&mut self, id: BlockId) -> &mut Block {
        &mut self.blocks[id.index()]
    }

    /// A test block: `stmts` then `j<cond> <src>`, both sides unconnected.
    pub fn test(&mut self, stmts: Vec<Stmt>, cond: Cond, src: Src) -> Frag {
        let b = self.push(
            stmts,
            Terminal::Branch {
                cond,
                src,
                jt: BlockId::NONE,
                jf: BlockId::NONE,
            },
        );
        Frag {
            entry: b,
            t: Exits::one(Exit(b, Side::True)),
            f: Exits::one(Exit(b, Side::False)),
        }
    }

    /// Connects each exit to `target`.
    pub fn patch(&mut self, exits: &[Exit], target: BlockId) {
        for &Exit(b, side) in exits {
            if let Some(block) = self.blocks.get_mut(b.index()) {
                if let Terminal::Branch { jt, jf, .. } = &mut block.term {
                    match side {
                        Side::True => *jt = target,
                        Side::False => *jf = target,
                    }
                }
            }
        }
    }

    /// `a and b`: `b` runs when `a` is true.
    pub fn and(&mut self, a: Frag, b: Frag) -> Frag {
        self.patch(&a.t, b.entry);
        let mut f = a.f;
        f.extend(b.f);
        Frag {
            entry: a.entry,
            t: b.t,
            f,
        }
    }

    /// `a or b`: `b` runs when `a` is false.
    pub fn or(&mut self, a: Frag, b: Frag) -> Frag {
        self.patch(&a.f, b.entry);
        let mut t = a.t;
        t.extend(b.t);
        Frag {
            entry: a.entry,
            t,
            f: b.f,
        }
    }

    /// `not a`: the exits swap roles; no code.
    pub fn not(a: Frag) -> Frag {
        Frag {
            entry: a.entry,
            t: a.f,
            f: a.t,
        }
    }

    /// Prepends statements to a block.
    pub fn prepend(&mut self, b: BlockId, stmts: &[Stmt]) {
        if let Some(block) = self.blocks.get_mut(b.index()) {
            block.stmts.splice(0..0, stmts.iter().copied());
        }
    }

    /// Marks, for every block, whether it can be reached from the entry.
    pub fn reachable(&self) -> Vec<bool> {
        let mut seen = vec![false; self.blocks.len()];
        let mut stack = vec![self.entry];
        while let Some(b) = stack.pop() {
            match seen.get_mut(b.index()) {
                Some(s) if !*s => *s = true,
                _ => continue,
            }
            stack.extend(self.blocks[b.index()].term.successors());
        }
        seen
    }

    /// Whether any reachable block ends in a [`Terminal::Loop`].
    pub fn has_loop(&self) -> bool {
        let reach = self.reachable();
        self.blocks
            .iter()
            .zip(&reach)
            .any(|(b, &r)| r && matches!(b.term, Terminal::Loop(_)))
    }

    /// Reachable blocks in a topological order of the forward edges (every block before the
    /// blocks it branches or falls to; [`Terminal::Loop`] edges are ignored), entry first.
    pub fn topo_order(&self) -> Vec<BlockId> {
        let mut post = Vec::new();
        self.topo_order_into(&mut post);
        post
    }

    /// [`Cfg::topo_order`] into `post` (its storage reused; the search's own tables are kept
    /// per thread: the optimizer asks for orders several times per round).
    pub fn topo_order_into(&self, post: &mut Vec<BlockId>) {
        let (mut state, mut stack) = reuse::take(&SPARE_TOPO).unwrap_or_default();
        self.topo_search(post, &mut state, &mut stack);
        if state.capacity() <= 4096 {
            reuse::keep(&SPARE_TOPO, (state, stack));
        }
    }

    fn topo_search(
        &self,
        post: &mut Vec<BlockId>,
        state: &mut Vec<u8>,
        stack: &mut Vec<(BlockId, u8)>,
    ) {
        // Iterative depth-first search; the reverse of the completion order is topological.
        let n = self.blocks.len();
        state.clear();
        state.resize(n, 0); // 0 new, 1 on stack, 2 done
        post.clear();
        post.reserve(n);
        stack.clear();
        stack.push((self.entry, 0));
        while let Some((b, i)) = stack.pop() {
            let Some(block) = self.blocks.get(b.index()) else {
                continue;
            };
            if i == 0 {
                if state[b.index()] != 0 {
                    continue;
                }
                state[b.index()] = 1;
            }
            // The `i`th forward successor (as `forward_successors().nth(i)`, without the
            // iterator chain: this runs several times per optimizer round).
            let next = match (block.term, i) {
                (Terminal::Branch { jt, .. }, 0) | (Terminal::Goto(jt), 0) => Some(jt),
                (Terminal::Branch { jf, .. }, 1) => Some(jf),
                _ => None,
            };
            if let Some(s) = next {
                stack.push((b, i + 1));
                if state.get(s.index()) == Some(&0) {
                    stack.push((s, 0));
                }
            } else {
                state[b.index()] = 2;
                post.push(b);
            }
        }
        post.reverse();
    }

    /// Predecessor lists (over reachable blocks), each in increasing block order.
    pub fn predecessors(&self) -> Vec<Vec<BlockId>> {
        let reach = self.reachable();
        let mut preds = vec![Vec::new(); self.blocks.len()];
        for (i, b) in self.blocks.iter().enumerate() {
            if !reach[i] {
                continue;
            }
            for s in b.term.successors() {
                if let Some(p) = preds.get_mut(s.index()) {
                    if p.last() != Some(&BlockId(i as u32)) {
                        p.push(BlockId(i as u32));
                    }
                }
            }
        }
        preds
    }

    /// Drops unreachable blocks and renumbers the rest in topological order (entry = 0).
    pub fn compact(&mut self) {
        let order = self.topo_order();
        let mut map = vec![BlockId::NONE; self.blocks.len()];
        for (new, old) in order.iter().enumerate() {
            map[old.index()] = BlockId(new as u32);
        }
        let fix = |t: BlockId| map.get(t.index()).copied().unwrap_or(BlockId::NONE);
        let mut blocks = Vec::with_capacity(order.len());
        for old in &order {
            // Each reachable block appears once in the order: moved, not copied.
            let mut b = std::mem::replace(
                &mut self.blocks[old.index()],
                Block {
                    stmts: Vec::new(),
                    term: Terminal::Ret(Ret::K(0)),
                },
            );
            b.term = match b.term {
                Terminal::Branch { cond, src, jt, jf } => Terminal::Branch {
                    cond,
                    src,
                    jt: fix(jt),
                    jf: fix(jf),
                },
                Terminal::Goto(t) => Terminal::Goto(fix(t)),
                Terminal::Loop(t) => Terminal::Loop(fix(t)),
                r @ Terminal::Ret(_) => r,
            };
            blocks.push(b);
        }
        self.blocks = blocks;
        self.entry = BlockId(0);
    }

    /// Lifts a classic BPF program into blocks: one block per run of statements between jump
    /// targets, jumps becoming terminals (a `ja` becomes [`Terminal::Goto`], or
    /// [`Terminal::Loop`] when it jumps backward).
    pub fn from_instructions(insns: &[Instruction]) -> Result<Cfg, LiftError> {
        let n = insns.len();
        if n == 0 {
            return Err(LiftError { index: 0 });
        }
        // Where each instruction continues.
        let target = |i: usize, off: i64| -> Result<usize, LiftError> {
            let t = i as i64 + 1 + off;
            if t < 0 || t >= n as i64 {
                Err(LiftError { index: i })
            } else {
                Ok(t as usize)
            }
        };
        let mut leader = vec![false; n];
        leader[0] = true;
        for (i, insn) in insns.iter().enumerate() {
            if insn.class() == bpf::op::BPF_JMP {
                if insn.op() == bpf::op::BPF_JA {
                    leader[target(i, i64::from(insn.k as i32))?] = true;
                } else {
                    leader[target(i, i64::from(insn.jt))?] = true;
                    leader[target(i, i64::from(insn.jf))?] = true;
                }
                if i + 1 < n {
                    leader[i + 1] = true;
                }
            } else if insn.class() == bpf::op::BPF_RET && i + 1 < n {
                leader[i + 1] = true;
            }
        }
        // Block ids by leader index.
        let mut id_of = vec![BlockId::NONE; n];
        let mut count = 0u32;
        for i in 0..n {
            if leader[i] {
                id_of[i] = BlockId(count);
                count += 1;
            }
        }
        let mut cfg = Cfg::new();
        let mut i = 0;
        while i < n {
            let start = i;
            let mut stmts = Vec::new();
            let term = loop {
                let Some(insn) = insns.get(i) else {
                    return Err(LiftError { index: n - 1 });
                };
                if i > start && leader[i] {
                    break Terminal::Goto(id_of[i]);
                }
                i += 1;
                match insn.class() {
                    bpf::op::BPF_JMP if insn.op() == bpf::op::BPF_JA => {
                        let t = target(i - 1, i64::from(insn.k as i32))?;
                        break if t < i {
                            Terminal::Loop(id_of[t])
                        } else {
                            Terminal::Goto(id_of[t])
                        };
                    }
                    bpf::op::BPF_JMP => {
                        let cond = match insn.op() {
                            bpf::op::BPF_JEQ => Cond::Eq,
                            bpf::op::BPF_JGT => Cond::Gt,
                            bpf::op::BPF_JGE => Cond::Ge,
                            bpf::op::BPF_JSET => Cond::Set,
                            _ => return Err(LiftError { index: i - 1 }),
                        };
                        let src = if insn.src() == bpf::op::BPF_X {
                            Src::X
                        } else {
                            Src::K(insn.k)
                        };
                        break Terminal::Branch {
                            cond,
                            src,
                            jt: id_of[target(i - 1, i64::from(insn.jt))?],
                            jf: id_of[target(i - 1, i64::from(insn.jf))?],
                        };
                    }
                    bpf::op::BPF_RET => {
                        break match insn.code & 0x18 {
                            bpf::op::BPF_K => Terminal::Ret(Ret::K(insn.k)),
                            bpf::op::BPF_A => Terminal::Ret(Ret::A),
                            _ => return Err(LiftError { index: i - 1 }),
                        };
                    }
                    _ => match Stmt::from_instruction(insn) {
                        Some(s) => stmts.push(s),
                        None => return Err(LiftError { index: i - 1 }),
                    },
                }
                if i >= n {
                    return Err(LiftError { index: n - 1 });
                }
            };
            cfg.push(stmts, term);
        }
        cfg.entry = BlockId(0);
        Ok(cfg)
    }
}

/// Why a program could not be lifted: the instruction at `index` is not a classic BPF
/// instruction this IR models, jumps outside the program, or the program does not end in `ret`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LiftError {
    /// The offending instruction.
    pub index: usize,
}

impl fmt::Display for LiftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "instruction {} cannot be lifted", self.index)
    }
}

impl std::error::Error for LiftError {}

impl fmt::Display for Cfg {
    /// One line per block: `B<n>: stmts… ; terminal` (for debugging and test failures).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reach = self.reachable();
        for (i, b) in self.blocks.iter().enumerate() {
            if !reach.get(i).copied().unwrap_or(false) {
                continue;
            }
            write!(f, "B{i}{}:", if i == self.entry.index() { "*" } else { "" })?;
            for s in &b.stmts {
                write!(
                    f,
                    " {};",
                    bpf::image(&s.instruction(), 0)
                        .trim_start_matches("(000) ")
                        .trim_end()
                )?;
            }
            match b.term {
                Terminal::Branch { cond, src, jt, jf } => {
                    let op = match cond {
                        Cond::Eq => "jeq",
                        Cond::Gt => "jgt",
                        Cond::Ge => "jge",
                        Cond::Set => "jset",
                    };
                    match src {
                        Src::K(k) => write!(f, " {op} #{k:#x}")?,
                        Src::X => write!(f, " {op} x")?,
                    }
                    writeln!(f, " -> B{} / B{}", jt.0, jf.0)?;
                }
                Terminal::Goto(t) => writeln!(f, " goto B{}", t.0)?,
                Terminal::Loop(t) => writeln!(f, " loop B{}", t.0)?,
                Terminal::Ret(Ret::K(k)) => writeln!(f, " ret #{k}")?,
                Terminal::Ret(Ret::A) => writeln!(f, " ret a")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn insns(v: &[(u16, u8, u8, u32)]) -> Vec<Instruction> {
        v.iter().map(|&t| Instruction::from(t)).collect()
    }

    #[test]
    fn stmt_instruction_round_trip() {
        for code in 0u16..=0xff {
            for k in [0u32, 3, 15, 16, 0xffff_ffff] {
                let insn = Instruction::stmt(code, k);
                if let Some(s) = Stmt::from_instruction(&insn) {
                    let back = s.instruction();
                    assert_eq!(back.code, code, "{s:?}");
                    if !matches!(
                        s,
                        Stmt::LdLen
                            | Stmt::LdxLen
                            | Stmt::Neg
                            | Stmt::Tax
                            | Stmt::Txa
                            | Stmt::Alu(_, Src::X)
                    ) {
                        assert_eq!(back.k, k, "{s:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn lift_splits_at_targets() {
        // ldh [12]; jeq #0x800 jt 0 jf 1; ret #65535; ret #0
        let p = insns(&[
            (0x28, 0, 0, 12),
            (0x15, 0, 1, 0x800),
            (0x6, 0, 0, 65535),
            (0x6, 0, 0, 0),
        ]);
        let cfg = Cfg::from_instructions(&p).unwrap();
        assert_eq!(cfg.blocks.len(), 3);
        assert_eq!(cfg.blocks[0].stmts, vec![Stmt::Ld(Size::H, 12)]);
        assert_eq!(
            cfg.blocks[0].term,
            Terminal::Branch {
                cond: Cond::Eq,
                src: Src::K(0x800),
                jt: BlockId(1),
                jf: BlockId(2)
            }
        );
        // A statement that is a jump target starts a block; the one before falls into it.
        let p = insns(&[
            (0x15, 0, 1, 1),
            (0x0, 0, 0, 5),
            (0x4, 0, 0, 1),
            (0x16, 0, 0, 0),
        ]);
        let cfg = Cfg::from_instructions(&p).unwrap();
        assert_eq!(cfg.blocks.len(), 3);
        assert_eq!(cfg.blocks[1].term, Terminal::Goto(BlockId(2)));
        assert_eq!(cfg.topo_order(), vec![BlockId(0), BlockId(1), BlockId(2)]);
    }

    #[test]
    fn lift_backward_ja_is_a_loop() {
        // 0: ld #0; 1: add #1; 2: jeq #3 jt 1 jf 0; 3: ja -3 (to 1); 4: ret a
        let p = insns(&[
            (0x0, 0, 0, 0),
            (0x4, 0, 0, 1),
            (0x15, 1, 0, 3),
            (0x5, 0, 0, (-3i32) as u32),
            (0x16, 0, 0, 0),
        ]);
        let cfg = Cfg::from_instructions(&p).unwrap();
        assert!(cfg.has_loop());
        assert!(matches!(cfg.blocks[2].term, Terminal::Loop(BlockId(1))));
    }

    #[test]
    fn lift_rejects_bad_programs() {
        assert!(Cfg::from_instructions(&[]).is_err());
        assert!(Cfg::from_instructions(&insns(&[(0x0, 0, 0, 0)])).is_err());
        assert!(Cfg::from_instructions(&insns(&[(0x15, 5, 0, 0), (0x6, 0, 0, 0)])).is_err());
        assert!(Cfg::from_instructions(&insns(&[(0x60, 0, 0, 16), (0x6, 0, 0, 0)])).is_err());
    }

    #[test]
    fn and_or_not_wire_exits() {
        let mut cfg = Cfg::new();
        let a = cfg.test(vec![Stmt::Ld(Size::H, 12)], Cond::Eq, Src::K(0x800));
        let b = cfg.test(vec![Stmt::Ld(Size::B, 23)], Cond::Eq, Src::K(6));
        let ab = cfg.and(a.clone(), b.clone());
        assert_eq!(ab.entry, a.entry);
        assert_eq!(ab.t, b.t);
        assert_eq!(ab.f.len(), 2);
        assert!(matches!(
            cfg.blocks[0].term,
            Terminal::Branch { jt: BlockId(1), .. }
        ));
        let n = Cfg::not(ab.clone());
        assert_eq!(n.t, ab.f);
        let c = cfg.test(vec![], Cond::Eq, Src::K(0));
        let o = cfg.or(n, c.clone());
        assert_eq!(o.f, c.f);
        assert_eq!(o.t.len(), 3);
    }
}
