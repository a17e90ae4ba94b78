//! Stage 2, fusion: the node each instruction runs as, where common sequences of instructions
//! become one node.
//!
//! A fused node at index `i` does the work of instructions `i`, `i + 1`, … and continues
//! where the last of them would (the later instructions keep their own nodes, for jumps that
//! land on them). Each fused form below is one `mod`: its `rule`, which recognises the
//! sequence starting at `i` and builds the node (handler and operands), its handler(s),
//! written beside the rule so that the operands mean what the handler reads, and a `SAMPLE`
//! program the tests run it on. [`nodes`] tries the forms in the order `forms!` lists them
//! and falls back to the instruction on its own ([`single`]).
//!
//! **Adding a fused form** is a change here only: a `mod` with its rule, handler and sample,
//! and its name in the `forms!` list. Decoding, the engine and the other forms stay as they
//! are, and the tests pick the new form up (its sample must reach it, and the fused nodes must
//! compute what the instructions do one by one).
//!
//! Generic handlers over the load width and jump test ([`Width`], [`Test`]) give one
//! definition for all twelve instances; [`by_size_cond!`] picks one.
//!
//! The forms are the sequences libpcap's code generator emits most:
//!
//! * `jeq_chain`, `ld_jeq_chain`: a chain of four or more `jeq #k` whose false branch falls
//!   through to the next one (`host a or host b or …`, port lists), possibly after an absolute
//!   load: one lookup in a collision-free hash table (see [`switch`](super::switch)), first
//!   match winning as in the chain;
//! * `ld_and_jeq`: an absolute load, `and #mask`, `jeq #k` (netmasks, bit fields);
//! * `ld_jeq2`, `jeq2`: two `jeq` where the second is the first's false branch (`if A == a …
//!   else if A == b …`), optionally after an absolute load;
//! * `ld_jump`, `ind_jump`: a load followed by a conditional jump on a constant (`ldh [12];
//!   jeq #0x800`), for absolute and indirect loads;
//! * `msh_jump`, `msh_load`: `ldxb 4*([k]&0xf)` and an indirect load (and a jump), for the
//!   transport header after IPv4's.
//!
//! Every node's targets skip over `ja`s ([`Site::thread`]).

use super::decode::{pc, Alu, Cond, Op, Pc};
use super::run::{
    branch, by_size, by_size_cond, go, handlers, plain, single, slow_load, Cx, Handler, Node, Test,
    Width, B, MAX_NESTING,
};
use std::sync::Arc;

/// The program being linked: its decoded ops, and which of them head a `jeq` chain's table.
pub(super) struct Site<'a> {
    ops: &'a [Op],
    heads: &'a [Option<u16>],
}

impl<'a> Site<'a> {
    /// `ops` and, per op, the table of the `jeq` chain it heads (see [`switch`](super::switch)).
    pub(super) fn new(ops: &'a [Op], heads: &'a [Option<u16>]) -> Site<'a> {
        Site { ops, heads }
    }

    /// The op at `i` ([`Op::Invalid`] past the end).
    pub(super) fn op(&self, i: usize) -> Op {
        self.ops.get(i).copied().unwrap_or(Op::Invalid)
    }

    /// The op `n` after `i`.
    fn after(&self, i: usize, n: usize) -> Op {
        self.op(i.saturating_add(n))
    }

    /// The table replacing the `jeq` chain that starts at `i`, if one does.
    fn switch(&self, i: usize) -> Option<u16> {
        self.heads.get(i).copied().flatten()
    }

    /// `(k, t, f)` of a `jeq #k` at `i` that heads no table.
    fn jeq(&self, i: usize) -> Option<(u32, Pc, Pc)> {
        match self.op(i) {
            Op::JmpK {
                cond: Cond::Eq,
                k,
                t,
                f,
            } if self.switch(i).is_none() => Some((k, t, f)),
            _ => None,
        }
    }

    /// Where a jump to `t` really goes: past any forward `ja`s it lands on.
    pub(super) fn thread(&self, mut t: Pc) -> Pc {
        while let Some(Op::Ja(next)) = self.ops.get(usize::from(t)) {
            t = *next;
        }
        t
    }

    /// Where execution goes on after the `n` instructions from `i`.
    pub(super) fn next(&self, i: usize, n: usize) -> Pc {
        self.thread(pc(i.saturating_add(n)))
    }

    /// A node that branches to `t` or `f`.
    fn branch<const DEEP: bool>(
        &self,
        run: Handler<DEEP>,
        off: u32,
        k: u32,
        k2: u32,
        t: Pc,
        f: Pc,
    ) -> Node<DEEP> {
        Node {
            run,
            off,
            k,
            k2,
            t: self.thread(t),
            f: self.thread(f),
        }
    }

    /// A node that covers the `n` instructions from `i` and goes on after them.
    fn seq<const DEEP: bool>(
        &self,
        i: usize,
        n: usize,
        run: Handler<DEEP>,
        off: u32,
        k: u32,
        k2: u32,
    ) -> Node<DEEP> {
        Node {
            run,
            off,
            k,
            k2,
            t: self.next(i, n),
            f: 0,
        }
    }
}

/// A fused form's rule: the node for the sequence starting at `i`, if the form applies there.
type Rule<const DEEP: bool> = fn(&Site<'_>, usize) -> Option<Node<DEEP>>;

/// A program as `(code, jt, jf, k)` tuples.
type Sample = &'static [(u16, u8, u8, u32)];

/// A fused form, as its `mod` below defines it.
struct Form<const DEEP: bool> {
    /// The `mod`'s name.
    #[cfg_attr(not(test), allow(dead_code))]
    name: &'static str,
    /// Its `rule`.
    rule: Rule<DEEP>,
    /// Its `SAMPLE`: a short valid program in which the form applies (the tests check that it
    /// does, and that the fused nodes compute what the instructions do one by one).
    #[cfg_attr(not(test), allow(dead_code))]
    sample: Sample,
}

/// The forms, given as their `mod`s, in the order they are tried: the first that applies wins.
macro_rules! forms {
    ($($form:ident),* $(,)?) => {
        fn forms<const DEEP: bool>() -> Vec<Form<DEEP>> {
            vec![$(Form { name: stringify!($form), rule: $form::rule, sample: $form::SAMPLE }),*]
        }
    };
}

forms![
    jeq_chain,
    ld_jeq_chain,
    ld_and_jeq,
    ld_jeq2,
    ld_jump,
    ind_jump,
    msh_jump,
    msh_load,
    jeq2,
];

/// The nodes of the program at `s`, each instruction's fused form where one applies (`fuse`),
/// else its own.
pub(super) fn nodes<const DEEP: bool>(s: &Site<'_>, fuse: bool) -> Arc<[Node<DEEP>]> {
    let forms = if fuse { forms::<DEEP>() } else { Vec::new() };
    (0..s.ops.len())
        .map(|i| {
            forms
                .iter()
                .find_map(|form| (form.rule)(s, i))
                .unwrap_or_else(|| single(s, i))
        })
        .collect()
}

/// The name of the fused form instruction `i` runs as, or `"single"` (for tests).
#[cfg(test)]
pub(super) fn form(s: &Site<'_>, i: usize) -> &'static str {
    forms::<false>()
        .iter()
        .find(|form| (form.rule)(s, i).is_some())
        .map_or("single", |form| form.name)
}

/// Every form's name and sample program (for tests).
#[cfg(test)]
pub(super) fn samples() -> Vec<(&'static str, Sample)> {
    forms::<false>()
        .iter()
        .map(|form| (form.name, form.sample))
        .collect()
}

// ---- What several forms share ----------------------------------------------------------------

/// `if A == n.k { n.t } else if A == n.k2 { n.f } else { $last }`.
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

/// Continue where table `$id` sends A.
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

/// X from `ldxb 4*([n.k2]&0xf)` (inside a handler: the load may fail).
macro_rules! msh_x {
    ($cx:ident, $n:ident) => {
        (ld!(B::abs($cx.data, $n.k2), $n.k2, 1, false) & 0xf) << 2
    };
}

// ---- The forms -------------------------------------------------------------------------------

/// `jeq #k1; jeq #k2; …` (a chain with a table): one lookup. `off`: the table.
mod jeq_chain {
    use super::*;

    // ldb [0]; add #0; jeq #1..#4 (to `ret a`); ret #0; ret a.
    pub(super) const SAMPLE: Sample = &[
        (0x30, 0, 0, 0),
        (0x04, 0, 0, 0),
        (0x15, 4, 0, 1),
        (0x15, 3, 0, 2),
        (0x15, 2, 0, 3),
        (0x15, 1, 0, 4),
        (0x06, 0, 0, 0),
        (0x16, 0, 0, 0),
    ];

    pub(super) fn rule<const DEEP: bool>(s: &Site<'_>, i: usize) -> Option<Node<DEEP>> {
        let table = s.switch(i)?;
        Some(s.seq(i, 1, run, u32::from(table), 0, 0))
    }

    plain! {
        run = |nodes, cx, n, a, x| switch!(nodes, cx, n.off, a, x);
    }
}

/// `ld [off]; jeq #k1; jeq #k2; …`: a load, then one lookup. `k`: the table.
mod ld_jeq_chain {
    use super::*;

    // ldb [0]; jeq #1..#4 (to `ret a`); ret #0; ret a.
    pub(super) const SAMPLE: Sample = &[
        (0x30, 0, 0, 0),
        (0x15, 4, 0, 1),
        (0x15, 3, 0, 2),
        (0x15, 2, 0, 3),
        (0x15, 1, 0, 4),
        (0x06, 0, 0, 0),
        (0x16, 0, 0, 0),
    ];

    pub(super) fn rule<const DEEP: bool>(s: &Site<'_>, i: usize) -> Option<Node<DEEP>> {
        let Op::LdAbs(size, off) = s.op(i) else {
            return None;
        };
        let table = s.switch(i.saturating_add(1))?;
        Some(s.seq(i, 1, by_size!(run, size), off, u32::from(table), 0))
    }

    handlers! {
        run<L: Width> / run_ = |nodes, cx, n, a, x| {
            let a = ld!(L::abs(cx.data, n.off), n.off, L::BYTES, true);
            switch!(nodes, cx, n.k, a, x)
        };
    }
}

/// `ld [off]; and #mask; jeq #k`. `k2`: the mask.
mod ld_and_jeq {
    use super::*;

    // ldb [0]; and #0xf0; jeq #0x40; ret a; ret #0.
    pub(super) const SAMPLE: Sample = &[
        (0x30, 0, 0, 0),
        (0x54, 0, 0, 0xf0),
        (0x15, 0, 1, 0x40),
        (0x16, 0, 0, 0),
        (0x06, 0, 0, 0),
    ];

    pub(super) fn rule<const DEEP: bool>(s: &Site<'_>, i: usize) -> Option<Node<DEEP>> {
        let (Op::LdAbs(size, off), Op::AluK(Alu::And, mask)) = (s.op(i), s.after(i, 1)) else {
            return None;
        };
        let (Cond::Eq, k, t, f) = s.after(i, 2).jmp_k()? else {
            return None;
        };
        Some(s.branch(by_size!(run, size), off, k, mask, t, f))
    }

    handlers! {
        run<L: Width> / run_ = |nodes, cx, n, a, x| {
            let a = ld!(L::abs(cx.data, n.off), n.off, L::BYTES, true) & n.k2;
            branch!(a == n.k, nodes, cx, n, a, x)
        };
    }
}

/// `ld [off]; jeq #k1` whose false branch is `jeq #k2` (offsets below 64 KiB). `off`: the
/// packet offset in the low 16 bits, the final false target in the high 16; `k`/`t` the first
/// test and target, `k2`/`f` the second.
mod ld_jeq2 {
    use super::*;

    // ldh [0]; jeq #0x45 → 4 else jeq #0x4545 → 5 else 3.
    pub(super) const SAMPLE: Sample = &[
        (0x28, 0, 0, 0),
        (0x15, 2, 0, 0x45),
        (0x15, 2, 0, 0x4545),
        (0x06, 0, 0, 0),
        (0x06, 0, 0, 1),
        (0x06, 0, 0, 2),
    ];

    pub(super) fn rule<const DEEP: bool>(s: &Site<'_>, i: usize) -> Option<Node<DEEP>> {
        let Op::LdAbs(size, off) = s.op(i) else {
            return None;
        };
        let off = u16::try_from(off).ok()?;
        let (Cond::Eq, k1, t1, f1) = s.after(i, 1).jmp_k()? else {
            return None;
        };
        let (k2, t2, f2) = s.jeq(usize::from(f1))?;
        let off = u32::from(off) | u32::from(s.thread(f2)) << 16;
        Some(s.branch(by_size!(run, size), off, k1, k2, t1, t2))
    }

    handlers! {
        run<L: Width> / run_ = |nodes, cx, n, a, x| {
            let off = n.off & 0xffff;
            let a = ld!(L::abs(cx.data, off), off, L::BYTES, true);
            jeq2!(nodes, cx, n, a, x, (n.off >> 16) as Pc)
        };
    }
}

/// `ld [off]; j* #k`.
mod ld_jump {
    use super::*;

    // ld [2]; jgt #0x01000000; ret #1; ret #0.
    pub(super) const SAMPLE: Sample = &[
        (0x20, 0, 0, 2),
        (0x25, 0, 1, 0x0100_0000),
        (0x06, 0, 0, 1),
        (0x06, 0, 0, 0),
    ];

    pub(super) fn rule<const DEEP: bool>(s: &Site<'_>, i: usize) -> Option<Node<DEEP>> {
        let Op::LdAbs(size, off) = s.op(i) else {
            return None;
        };
        let (cond, k, t, f) = s.after(i, 1).jmp_k()?;
        Some(s.branch(by_size_cond!(run, size, cond), off, k, 0, t, f))
    }

    handlers! {
        run<L: Width, T: Test> / run_ = |nodes, cx, n, a, x| {
            let a = ld!(L::abs(cx.data, n.off), n.off, L::BYTES, true);
            branch!(T::test(a, n.k), nodes, cx, n, a, x)
        };
    }
}

/// `ld [x + off]; j* #k`.
mod ind_jump {
    use super::*;

    // ldx #1; ldh [x + 1]; jset #0x0100; ret #1; ret #0.
    pub(super) const SAMPLE: Sample = &[
        (0x01, 0, 0, 1),
        (0x48, 0, 0, 1),
        (0x45, 0, 1, 0x0100),
        (0x06, 0, 0, 1),
        (0x06, 0, 0, 0),
    ];

    pub(super) fn rule<const DEEP: bool>(s: &Site<'_>, i: usize) -> Option<Node<DEEP>> {
        let Op::LdInd(size, off) = s.op(i) else {
            return None;
        };
        let (cond, k, t, f) = s.after(i, 1).jmp_k()?;
        Some(s.branch(by_size_cond!(run, size, cond), off, k, 0, t, f))
    }

    handlers! {
        run<L: Width, T: Test> / run_ = |nodes, cx, n, a, x| {
            let a = ld!(L::ind(cx.data, x, n.off), x.wrapping_add(n.off), L::BYTES, false);
            branch!(T::test(a, n.k), nodes, cx, n, a, x)
        };
    }
}

/// `ldxb 4*([msh]&0xf); ld [x + off]; j* #k`. `k2`: `msh`.
mod msh_jump {
    use super::*;

    // ldxb 4*([0]&0xf); ldb [x + 0]; jge #0x10; ret #1; ret #0.
    pub(super) const SAMPLE: Sample = &[
        (0xb1, 0, 0, 0),
        (0x50, 0, 0, 0),
        (0x35, 0, 1, 0x10),
        (0x06, 0, 0, 1),
        (0x06, 0, 0, 0),
    ];

    pub(super) fn rule<const DEEP: bool>(s: &Site<'_>, i: usize) -> Option<Node<DEEP>> {
        let (Op::LdxMsh(msh), Op::LdInd(size, off)) = (s.op(i), s.after(i, 1)) else {
            return None;
        };
        let (cond, k, t, f) = s.after(i, 2).jmp_k()?;
        Some(s.branch(by_size_cond!(run, size, cond), off, k, msh, t, f))
    }

    handlers! {
        run<L: Width, T: Test> / run_ = |nodes, cx, n, a, x| {
            let x = msh_x!(cx, n);
            let a = ld!(L::ind(cx.data, x, n.off), x.wrapping_add(n.off), L::BYTES, false);
            branch!(T::test(a, n.k), nodes, cx, n, a, x)
        };
    }
}

/// `ldxb 4*([msh]&0xf); ld [x + off]`. `k2`: `msh`.
mod msh_load {
    use super::*;

    // ldxb 4*([0]&0xf); ld [x + 0]; ret a.
    pub(super) const SAMPLE: Sample = &[(0xb1, 0, 0, 0), (0x40, 0, 0, 0), (0x16, 0, 0, 0)];

    pub(super) fn rule<const DEEP: bool>(s: &Site<'_>, i: usize) -> Option<Node<DEEP>> {
        let (Op::LdxMsh(msh), Op::LdInd(size, off)) = (s.op(i), s.after(i, 1)) else {
            return None;
        };
        Some(s.seq(i, 2, by_size!(run, size), off, 0, msh))
    }

    handlers! {
        run<L: Width> / run_ = |nodes, cx, n, a, x| {
            let x = msh_x!(cx, n);
            let a = ld!(L::ind(cx.data, x, n.off), x.wrapping_add(n.off), L::BYTES, false);
            go!(nodes, cx, n.t, a, x)
        };
    }
}

/// `jeq #k1` whose false branch is `jeq #k2`. `off`: the final false target; `k`/`t` the first
/// test and target, `k2`/`f` the second.
mod jeq2 {
    use super::*;

    // ldb [0]; add #0; jeq #0x45 → 5 else jeq #8 → 6 else 4.
    pub(super) const SAMPLE: Sample = &[
        (0x30, 0, 0, 0),
        (0x04, 0, 0, 0),
        (0x15, 2, 0, 0x45),
        (0x15, 2, 0, 8),
        (0x06, 0, 0, 0),
        (0x06, 0, 0, 1),
        (0x06, 0, 0, 2),
    ];

    pub(super) fn rule<const DEEP: bool>(s: &Site<'_>, i: usize) -> Option<Node<DEEP>> {
        let (k1, t1, f1) = s.jeq(i)?;
        let (k2, t2, f2) = s.jeq(usize::from(f1))?;
        Some(s.branch(run, u32::from(s.thread(f2)), k1, k2, t1, t2))
    }

    plain! {
        run = |nodes, cx, n, a, x| jeq2!(nodes, cx, n, a, x, n.off as Pc);
    }
}
