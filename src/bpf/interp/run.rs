//! Stage 3, running: direct-threaded nodes, the machinery every handler uses, and the handlers
//! of single instructions.
//!
//! A [`Node`] is a handler function and its operands, at its op's index in a slice of exactly
//! as many nodes as the program has instructions. A handler does its op's work and then calls
//! the handler of the next node (the one its condition picks) in tail position, so an
//! optimizing build turns every dispatch into an indirect jump from the handler itself: no
//! central dispatch loop, and each handler's jump is predicted on its own. A and X travel as
//! arguments (registers); the rest of a run's state is in [`Cx`]. Where tail calls cannot be
//! counted on, [`go!`] bounds the nesting (see there); backward jumps always return to
//! [`exec`], which goes on at their target.
//!
//! Handlers are written with [`handlers!`] (those that load packet bytes: each gets a cold
//! twin for loads the bytes cannot satisfy) and [`plain!`] (the rest). Inside a body,
//! `ld!(fast, addr, size, absolute)` is a packet load, [`go!`] continues at a node,
//! [`branch!`] continues at `n.t` or `n.f`. Handlers may be generic over the load width
//! ([`Width`]: [`W`], [`H`], [`B`]) and the jump test ([`Test`]: [`Jeq`], [`Jgt`], [`Jge`],
//! [`Jset`]); [`by_size!`], [`by_cond!`] and [`by_size_cond!`] pick the instance a decoded
//! [`Size`](super::decode::Size) / [`Cond`](super::decode::Cond) names.

use super::super::ancillary::{self, Ancillary};
use super::super::op::BPF_MEMWORDS;
use super::decode::{Alu, Op, Pc};
use super::fuse::Site;
use super::switch::Table;

/// A handler: runs one node, then (in tail position) the rest of the program. `DEEP`
/// programs (longer than 4096 instructions) bound their nesting (see [`go!`]).
pub(super) type Handler<const DEEP: bool> =
    fn(&[Node<DEEP>], &mut Cx<'_>, &Node<DEEP>, u32, u32) -> u32;

/// A linked op: its handler and operands. What each operand means is the handler's business
/// (the rule that builds the node and the handler are written side by side); by convention
/// `off` is a packet offset, `k` a constant, `k2` a second constant, `t`/`f` the targets when
/// a condition holds / does not (`t` is also the next node of ops that do not branch).
#[derive(Clone, Copy)]
pub(super) struct Node<const DEEP: bool> {
    pub(super) run: Handler<DEEP>,
    pub(super) off: u32,
    pub(super) k: u32,
    pub(super) k2: u32,
    pub(super) t: Pc,
    pub(super) f: Pc,
}

impl<const DEEP: bool> Node<DEEP> {
    /// Rejects: what a missing node is.
    pub(super) const INVALID: Node<DEEP> = Node {
        run: invalid,
        off: 0,
        k: 0,
        k2: 0,
        t: 0,
        f: 0,
    };
}

/// Per-run state besides A and X (which travel as arguments).
pub(super) struct Cx<'d> {
    pub(super) data: &'d [u8],
    pub(super) wire_len: u32,
    pub(super) aux: Option<&'d Ancillary>,
    pub(super) tables: &'d [Table],
    pub(super) mem: [u32; BPF_MEMWORDS],
    pub(super) budget: u32,
    /// Set by a backward jump (or a handler that has nested deep enough): where to go on,
    /// with A and X.
    pub(super) resume: Option<(Pc, u32, u32)>,
    /// Handler calls nested since `exec` last called one (counted only where it matters).
    pub(super) nesting: u32,
}

/// How deeply handler calls may nest before returning to [`exec`] (see [`go!`]).
pub(super) const MAX_NESTING: u32 = 1024;

/// Runs from node 0; a backward jump returns here to go on at its target.
#[inline(always)]
pub(super) fn exec<const DEEP: bool>(nodes: &[Node<DEEP>], cx: &mut Cx<'_>) -> u32 {
    let Some(mut node) = nodes.first() else {
        return 0;
    };
    let (mut a, mut x) = (0, 0);
    loop {
        let r = (node.run)(nodes, cx, node, a, x);
        let Some((t, a2, x2)) = cx.resume.take() else {
            return r;
        };
        let Some(next) = nodes.get(usize::from(t)) else {
            return 0;
        };
        node = next;
        (a, x) = (a2, x2);
        cx.nesting = 0;
    }
}

/// A load the packet bytes could not satisfy: with metadata, the Linux special offsets;
/// without, reject (`None`).
#[cold]
#[inline(never)]
pub(super) fn slow_load(
    cx: &Cx<'_>,
    addr: u32,
    size: usize,
    absolute: bool,
    a: u32,
    x: u32,
) -> Option<u32> {
    ancillary::load(cx.aux?, cx.data, addr, size, absolute, a, x)
}

// ---- Writing handlers ----------------------------------------------------------------------

/// Defines handlers that load packet bytes, optionally generic over type parameters
/// (`name<L: Width, T: Test> / twin = |nodes, cx, n, a, x| body;`). Each one gets a cold twin:
/// when a packet load fails, the handler tail-calls its twin, which redoes the node with the
/// slow path (Linux metadata, or reject). The fast handler so makes no ordinary calls and
/// needs no stack frame. Inside a body, `ld!(fast, addr, size, absolute)` loads: `fast` is
/// the `Option` the packet bytes give, the rest describes the load for the slow path.
macro_rules! handlers {
    ($($name:ident $(<$($g:ident: $b:ident),+>)? / $twin:ident =
        |$nodes:ident, $cx:ident, $n:ident, $a:ident, $x:ident| $body:expr;)*) => {$(
        #[allow(unused_variables, unused_macros)]
        fn $name<const DEEP: bool $($(, $g: $b)+)?>(
            $nodes: &[Node<DEEP>], $cx: &mut Cx<'_>, $n: &Node<DEEP>, $a: u32, $x: u32,
        ) -> u32 {
            let (a_in, x_in) = ($a, $x);
            macro_rules! ld {
                ($fast:expr, $addr:expr, $size:expr, $abs:expr) => {
                    match $fast {
                        Some(v) => v,
                        None => return $twin::<DEEP $($(, $g)+)?>($nodes, $cx, $n, a_in, x_in),
                    }
                };
            }
            $body
        }
        #[cold]
        #[inline(never)]
        #[allow(unused_variables, unused_macros)]
        fn $twin<const DEEP: bool $($(, $g: $b)+)?>(
            $nodes: &[Node<DEEP>], $cx: &mut Cx<'_>, $n: &Node<DEEP>, $a: u32, $x: u32,
        ) -> u32 {
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
pub(super) use handlers;

/// Defines handlers that load no packet bytes (no cold twin needed), optionally generic.
macro_rules! plain {
    ($($name:ident $(<$($g:ident: $b:ident),+>)? =
        |$nodes:ident, $cx:ident, $n:ident, $a:ident, $x:ident| $body:expr;)*) => {$(
        #[allow(unused_variables)]
        fn $name<const DEEP: bool $($(, $g: $b)+)?>(
            $nodes: &[Node<DEEP>], $cx: &mut Cx<'_>, $n: &Node<DEEP>, $a: u32, $x: u32,
        ) -> u32 {
            $body
        }
    )*};
}
pub(super) use plain;

/// Continue with node `t`. Where the nesting of handler calls is not known to be flat
/// (unoptimized builds, which make no tail calls, and `DEEP` programs, whose paths can be
/// 65535 nodes long), every [`MAX_NESTING`] nodes the handler returns to [`exec`] instead,
/// which goes on at `t`: the stack stays bounded whatever the compiler does.
macro_rules! go {
    ($nodes:ident, $cx:ident, $t:expr, $a:expr, $x:expr) => {{
        let (t, a, x) = ($t, $a, $x);
        if cfg!(debug_assertions) || DEEP {
            $cx.nesting = $cx.nesting.wrapping_add(1);
            if $cx.nesting >= MAX_NESTING {
                $cx.resume = Some((t, a, x));
                return 0;
            }
        }
        // Past the end (which validation rules out): reject. A branch that is never taken,
        // not a select: the node's address does not wait for the comparison.
        let Some(next) = $nodes.get(usize::from(t)) else {
            return 0;
        };
        (next.run)($nodes, $cx, next, a, x)
    }};
}
pub(super) use go;

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
pub(super) use branch;

/// The instance of generic handler `$h` for a load of `$size` (a [`Size`](super::decode::Size)).
macro_rules! by_size {
    ($h:ident, $size:expr) => {{
        use $crate::bpf::interp::{
            decode::Size,
            run::{Handler, B, H, W},
        };
        match $size {
            Size::W => $h::<DEEP, W> as Handler<DEEP>,
            Size::H => $h::<DEEP, H> as Handler<DEEP>,
            Size::B => $h::<DEEP, B> as Handler<DEEP>,
        }
    }};
}
pub(super) use by_size;

/// The instance of generic handler `$h` for jump test `$cond` (a
/// [`Cond`](super::decode::Cond)), after the other
/// type parameters given.
macro_rules! by_cond {
    ($h:ident $(, $g:ident)*; $cond:expr) => {{
        use $crate::bpf::interp::{decode::Cond, run::{Handler, Jeq, Jge, Jgt, Jset}};
        match $cond {
            Cond::Eq => $h::<DEEP $(, $g)*, Jeq> as Handler<DEEP>,
            Cond::Gt => $h::<DEEP $(, $g)*, Jgt> as Handler<DEEP>,
            Cond::Ge => $h::<DEEP $(, $g)*, Jge> as Handler<DEEP>,
            Cond::Set => $h::<DEEP $(, $g)*, Jset> as Handler<DEEP>,
        }
    }};
}
pub(super) use by_cond;

/// The instance of generic handler `$h<L: Width, T: Test>` for a load of `$size` and test
/// `$cond`.
macro_rules! by_size_cond {
    ($h:ident, $size:expr, $cond:expr) => {{
        use $crate::bpf::interp::{decode::Size, run::{B, H, W}};
        match $size {
            Size::W => $crate::bpf::interp::run::by_cond!($h, W; $cond),
            Size::H => $crate::bpf::interp::run::by_cond!($h, H; $cond),
            Size::B => $crate::bpf::interp::run::by_cond!($h, B; $cond),
        }
    }};
}
pub(super) use by_size_cond;

// ---- Packet loads ----------------------------------------------------------------------------

/// A packet load's width: big-endian bytes at an absolute or indirect (`X + k`) offset of the
/// captured data, or `None` when they are not all there.
pub(super) trait Width {
    /// 4, 2 or 1.
    const BYTES: usize;
    /// The bytes at `k`.
    fn abs(d: &[u8], k: u32) -> Option<u32>;
    /// The bytes at `x + k`, computed without wrapping (libpcap rejects a wrapped address).
    #[inline(always)]
    fn ind(d: &[u8], x: u32, k: u32) -> Option<u32> {
        // Beyond `usize` it is out of any packet anyway.
        let i = usize::try_from(u64::from(x).wrapping_add(u64::from(k))).unwrap_or(usize::MAX);
        Self::at(d, i)
    }
    /// The bytes at `i`.
    fn at(d: &[u8], i: usize) -> Option<u32>;
}

/// 32-bit loads.
pub(super) enum W {}
/// 16-bit loads.
pub(super) enum H {}
/// 8-bit loads.
pub(super) enum B {}

impl Width for W {
    const BYTES: usize = 4;
    #[inline(always)]
    fn abs(d: &[u8], k: u32) -> Option<u32> {
        Self::at(d, k as usize)
    }
    #[inline(always)]
    fn at(d: &[u8], i: usize) -> Option<u32> {
        d.get(i..i.wrapping_add(4))
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map(u32::from_be_bytes)
    }
}

impl Width for H {
    const BYTES: usize = 2;
    #[inline(always)]
    fn abs(d: &[u8], k: u32) -> Option<u32> {
        Self::at(d, k as usize)
    }
    #[inline(always)]
    fn at(d: &[u8], i: usize) -> Option<u32> {
        d.get(i..i.wrapping_add(2))
            .and_then(|b| <[u8; 2]>::try_from(b).ok())
            .map(|b| u32::from(u16::from_be_bytes(b)))
    }
}

impl Width for B {
    const BYTES: usize = 1;
    #[inline(always)]
    fn abs(d: &[u8], k: u32) -> Option<u32> {
        Self::at(d, k as usize)
    }
    #[inline(always)]
    fn at(d: &[u8], i: usize) -> Option<u32> {
        d.get(i).map(|&b| u32::from(b))
    }
}

/// What a conditional jump tests.
pub(super) trait Test {
    /// Whether A passes against `operand`.
    fn test(a: u32, operand: u32) -> bool;
}

/// `jeq`.
pub(super) enum Jeq {}
/// `jgt` (unsigned).
pub(super) enum Jgt {}
/// `jge` (unsigned).
pub(super) enum Jge {}
/// `jset`.
pub(super) enum Jset {}

impl Test for Jeq {
    #[inline(always)]
    fn test(a: u32, operand: u32) -> bool {
        a == operand
    }
}

impl Test for Jgt {
    #[inline(always)]
    fn test(a: u32, operand: u32) -> bool {
        a > operand
    }
}

impl Test for Jge {
    #[inline(always)]
    fn test(a: u32, operand: u32) -> bool {
        a >= operand
    }
}

impl Test for Jset {
    #[inline(always)]
    fn test(a: u32, operand: u32) -> bool {
        a & operand != 0
    }
}

// ---- Single instructions ---------------------------------------------------------------------

/// The node for the op at `i` on its own (what a node is when no fused form applies).
pub(super) fn single<const DEEP: bool>(s: &Site<'_>, i: usize) -> Node<DEEP> {
    let next = s.next(i, 1);
    let seq = |run: Handler<DEEP>, off: u32, k: u32| Node {
        run,
        off,
        k,
        k2: 0,
        t: next,
        f: 0,
    };
    let cond = |run: Handler<DEEP>, k: u32, t: Pc, f: Pc| Node {
        run,
        off: 0,
        k,
        k2: 0,
        t: s.thread(t),
        f: s.thread(f),
    };
    match s.op(i) {
        Op::RetK(k) => seq(ret_k, 0, k),
        Op::RetA => seq(ret_a, 0, 0),
        Op::LdImm(k) => seq(ld_imm, 0, k),
        Op::LdxImm(k) => seq(ldx_imm, 0, k),
        Op::LdLen => seq(ld_len, 0, 0),
        Op::LdxLen => seq(ldx_len, 0, 0),
        Op::LdAbs(size, off) => seq(by_size!(ld_abs, size), off, 0),
        Op::LdInd(size, off) => seq(by_size!(ld_ind, size), off, 0),
        Op::LdxMsh(off) => seq(ldx_msh, off, 0),
        Op::LdMem(m) => seq(ld_mem, 0, u32::from(m)),
        Op::LdxMem(m) => seq(ldx_mem, 0, u32::from(m)),
        Op::St(m) => seq(st, 0, u32::from(m)),
        Op::Stx(m) => seq(stx, 0, u32::from(m)),
        Op::AluK(op, k) => seq(alu_k(op), 0, k),
        Op::AluX(op) => seq(alu_x(op), 0, 0),
        Op::Neg => seq(neg, 0, 0),
        Op::Tax => seq(tax, 0, 0),
        Op::Txa => seq(txa, 0, 0),
        Op::Ja(t) => cond(ja, 0, t, t),
        Op::JaBack { target, cost } => Node {
            run: ja_back,
            off: 0,
            k: u32::from(cost),
            k2: 0,
            t: target,
            f: 0,
        },
        Op::JmpK { cond: c, k, t, f } => cond(by_cond!(jmp_k; c), k, t, f),
        Op::JmpX { cond: c, t, f } => cond(by_cond!(jmp_x; c), 0, t, f),
        Op::Invalid => Node::INVALID,
    }
}

fn alu_k<const DEEP: bool>(op: Alu) -> Handler<DEEP> {
    match op {
        Alu::Add => add_k,
        Alu::Sub => sub_k,
        Alu::Mul => mul_k,
        Alu::Div => div_k,
        Alu::Mod => mod_k,
        Alu::And => and_k,
        Alu::Or => or_k,
        Alu::Xor => xor_k,
        Alu::Lsh => lsh_k,
        Alu::Rsh => rsh_k,
    }
}

fn alu_x<const DEEP: bool>(op: Alu) -> Handler<DEEP> {
    match op {
        Alu::Add => add_x,
        Alu::Sub => sub_x,
        Alu::Mul => mul_x,
        Alu::Div => div_x,
        Alu::Mod => mod_x,
        Alu::And => and_x,
        Alu::Or => or_x,
        Alu::Xor => xor_x,
        Alu::Lsh => lsh_x,
        Alu::Rsh => rsh_x,
    }
}

fn invalid<const DEEP: bool>(
    _: &[Node<DEEP>],
    _: &mut Cx<'_>,
    _: &Node<DEEP>,
    _: u32,
    _: u32,
) -> u32 {
    0
}

fn ret_k<const DEEP: bool>(
    _: &[Node<DEEP>],
    _: &mut Cx<'_>,
    n: &Node<DEEP>,
    _: u32,
    _: u32,
) -> u32 {
    n.k
}

fn ret_a<const DEEP: bool>(
    _: &[Node<DEEP>],
    _: &mut Cx<'_>,
    _: &Node<DEEP>,
    a: u32,
    _: u32,
) -> u32 {
    a
}

/// A backward jump returns to [`exec`], which goes on at the target: loops do not nest.
fn ja_back<const DEEP: bool>(
    _: &[Node<DEEP>],
    cx: &mut Cx<'_>,
    n: &Node<DEEP>,
    a: u32,
    x: u32,
) -> u32 {
    if let Some(b) = cx.budget.checked_sub(n.k) {
        cx.budget = b;
        cx.resume = Some((n.t, a, x));
    }
    0
}

handlers! {
    ld_abs<L: Width> / ld_abs_ = |nodes, cx, n, a, x| {
        let a = ld!(L::abs(cx.data, n.off), n.off, L::BYTES, true);
        go!(nodes, cx, n.t, a, x)
    };
    ld_ind<L: Width> / ld_ind_ = |nodes, cx, n, a, x| {
        let a = ld!(L::ind(cx.data, x, n.off), x.wrapping_add(n.off), L::BYTES, false);
        go!(nodes, cx, n.t, a, x)
    };
    ldx_msh / ldx_msh_ = |nodes, cx, n, a, x| {
        let x = (ld!(B::abs(cx.data, n.off), n.off, 1, false) & 0xf) << 2;
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
    jmp_k<T: Test> = |nodes, cx, n, a, x| branch!(T::test(a, n.k), nodes, cx, n, a, x);
    jmp_x<T: Test> = |nodes, cx, n, a, x| branch!(T::test(a, x), nodes, cx, n, a, x);
}
