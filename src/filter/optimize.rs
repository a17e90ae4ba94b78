//! The optimizer: rewrites the control-flow graph into a smaller one that accepts the same
//! packets. Its own design, built from a few passes repeated until nothing changes (or
//! [`MAX_ROUNDS`]; after a round whose only change was merging identical blocks, another runs
//! only if a branch's two sides merged, see [`optimize_with`]):
//!
//! * **Value numbering** ([`Values`]): every register (A, X, `M[0..16]`) holds a symbolic value
//!   — a constant, a packet load (`[12]:2`, `[x+14]:1` with X's value), the packet length, an
//!   operation on other values, or an opaque value where paths with different values meet.
//!   Values are shared by the whole program, so a load repeated in another block is known to
//!   be the same. A statement that gives a register the value it already holds is deleted;
//!   operations on constants are folded; `ld M[k]`/`ldx M[k]` of a constant become immediates,
//!   and an indirect load from a constant X becomes an absolute load.
//! * **Facts and jump threading**: each edge of the graph carries what is known about values on
//!   it (`[12]:2 == 0x800`, `[23]:1 != 6`, `len > 100`, bits known set or clear, and after
//!   `[23]:1 == 6 or [23]:1 == 17` meet, that it is neither 1 nor 58); a block's
//!   facts are what holds on every edge into it. When an edge leads to a block whose test is
//!   decided by those facts, and skipping the block changes no register the code after it
//!   needs, the edge goes straight to the outcome — repeatedly, so `ip or ip6` tests after a
//!   known `ip` vanish. This subsumes libpcap's edge-dominator threading.
//! * **Dead code**: statements whose result no path reads are deleted (liveness over A, X and
//!   the scratch words), unreachable blocks dropped, blocks whose branch goes to the same place
//!   both ways become jumps, jump-only blocks are bypassed, a block that only falls into
//!   another is merged with it, and identical blocks are merged. A block whose statements
//!   leave every register read after it as they found it loses them (PFLOG's `ldx M[2]`
//!   and header-length recomputation before a load A already holds).
//! * **Peepholes** for the shapes code generation makes: `sub x; jeq #0` → `jeq x`,
//!   `sub #k; jeq #c` → `jeq #c+k`, `and #k; jeq #0` → `jset #k` (sides swapped), constant
//!   comparisons decided, `ld #k; ldxb; add x; tax; ld [x+c]` → `ldxb; ld [x+c+k]` (also with
//!   `ldx M[j]`, or no load, when the values bound X so the offsets cannot wrap).
//!
//! Like libpcap's, the optimizer treats packet loads as having no side effect: a load whose
//! value is never used is deleted, even though running it could have rejected a short packet.
//! Programs with a loop (`protochain`) are only tidied, as libpcap leaves them alone.

use super::codegen::Error;
use super::ir::{AluOp, Block, BlockId, Cfg, Cond, Ret, Size, Src, Stmt, Terminal};
use super::reuse::{self, Fx, FxMap, Spares};
use super::ErrorKind;

/// The most rounds of all passes (the passes only shrink the program, so this is a safety
/// bound, never reached in practice).
pub const MAX_ROUNDS: usize = 64;

/// How many blocks a threaded edge may skip in one go.
const MAX_THREAD: usize = 64;

/// Most blocks of one `or`/`and` chain regrouped.
const MAX_CHAIN: usize = 4096;

/// Most values a block's fact set keeps (the most recent ones win).
const MAX_FACTS: usize = 96;

/// Optimizes `cfg` in place. Errors as libpcap's optimizer: a division or modulo by a known
/// zero, a shift by a known amount over 31.
///
/// `keep_checks`: keep every packet load that could reject the packet (and every division by
/// X) unless the same load already ran on every path to it, and never reorder tests — the
/// result then rejects exactly the packets the input rejects. Used where libpcap does not
/// optimize (its unoptimized program is the reference there).
pub fn optimize(cfg: &mut Cfg, keep_checks: bool) -> Result<(), Error> {
    optimize_with(cfg, keep_checks, Strength::Full)
}

/// How much the optimizer may know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strength {
    /// Everything it can prove.
    Full,
    /// Only what libpcap's optimizer finds: a comparison already made, another `jeq` of a
    /// value a `jeq` established, constants. Used to tell whether libpcap too would have found
    /// that a program rejects every packet (which it reports as an error); a program only
    /// the full optimizer proves empty compiles, to `ret #0`.
    Libpcap,
}

/// [`optimize`] with a choice of [`Strength`].
pub fn optimize_with(cfg: &mut Cfg, keep_checks: bool, strength: Strength) -> Result<(), Error> {
    let weak = strength == Strength::Libpcap;
    cfg.compact();
    if cfg.has_loop() {
        simplify(cfg, &mut Shape::default(), true, false);
        cfg.compact();
        return Ok(());
    }
    // Rounds of everything but block merging until nothing changes, then merging; again
    // until merging changes nothing either (merging early would split chains still forming).
    let mut passes = Passes::default();
    // `thread`'s tables: those an earlier optimization on this thread left, or new ones.
    let mut scratch = reuse::take(&SPARE_SCRATCH).unwrap_or_default();
    for _ in 0..MAX_ROUNDS {
        passes.run(Pass::Simplify, |sh| {
            Ok(simplify(cfg, sh, keep_checks, true))
        })?;
        for _ in 0..MAX_ROUNDS {
            let mut changed = passes.run(Pass::Number, |sh| number(cfg, sh))?;
            changed |= passes.run(Pass::Thread, |sh| {
                Ok(thread(cfg, sh, &mut scratch, keep_checks, weak))
            })?;
            changed |= passes.run(Pass::Simplify, |sh| {
                Ok(simplify(cfg, sh, keep_checks, true))
            })?;
            changed |= passes.run(Pass::DeadStores, |sh| Ok(dead_stores(cfg, sh, keep_checks)))?;
            changed |= passes.run(Pass::DropRestoring, |sh| {
                Ok(drop_restoring(cfg, sh, keep_checks))
            })?;
            changed |= passes.run(Pass::Peephole, |sh| Ok(peephole(cfg, sh)))?;
            changed |= passes.run(Pass::Simplify, |sh| {
                Ok(simplify(cfg, sh, keep_checks, true))
            })?;
            if !changed {
                break;
            }
        }
        // The passes above are at a fixed point: regroup chains and merge blocks, then again
        // if that changed anything.
        let mut changed = !keep_checks && passes.run(Pass::Pullup, |sh| Ok(pullup(cfg, sh)))?;
        changed |= passes.run(Pass::Simplify, |sh| {
            Ok(simplify(cfg, sh, keep_checks, true))
        })?;
        let merged = passes.run(Pass::MergeIdentical, |sh| Ok(merge_identical(cfg, sh)))?;
        if merged && !changed {
            // Merging alone: every path still runs the same statements and tests, so the
            // passes have what they had to work on, except where both sides of a branch now
            // go to one block, which `simplify` turns into a jump. Another round runs only
            // then. (Not run for the rare case where the blocks into a merged one now agree
            // on a value they held in different registers before: the program is correct
            // either way, and over the reference corpus such a round never found anything.)
            changed = passes.run(Pass::Simplify, |sh| {
                Ok(simplify(cfg, sh, keep_checks, true))
            })?;
        }
        if !changed {
            break;
        }
    }
    // Left for the next optimization on the thread, unless a large program grew them.
    if scratch.exit.capacity() <= SPARE_SCRATCH_BLOCKS
        && scratch.knowns.capacity() <= 16 * SPARE_SCRATCH_BLOCKS
    {
        reuse::keep(&SPARE_SCRATCH, scratch);
    }
    advance_root(cfg);
    cfg.compact();
    Ok(())
}

/// The passes of [`optimize_with`]'s rounds.
#[derive(Clone, Copy)]
enum Pass {
    Number,
    Thread,
    Simplify,
    DeadStores,
    DropRestoring,
    Peephole,
    Pullup,
    MergeIdentical,
}

/// Skips passes that cannot change anything. Every pass is a function of the graph (and of
/// the optimizer's fixed settings) that reports whether it changed it, and leaves it as it
/// was when it reports no change. So a pass that found nothing to do finds nothing again
/// until another pass changes the graph: running it is skipped, and the rounds go through
/// exactly the graphs they went through before, without most of the last round that
/// only confirms the fixed point.
///
/// The passes also share the graph's topological order and liveness ([`Shape`]) until one
/// changes the graph.
#[derive(Default)]
struct Passes {
    /// Changes made so far.
    version: u32,
    /// Per pass, 1 + the `version` at which it last ran without changing anything (0: not
    /// known to be idle).
    idle_at: [u32; 8],
    shape: Shape,
}

impl Passes {
    fn run(
        &mut self,
        pass: Pass,
        f: impl FnOnce(&mut Shape) -> Result<bool, Error>,
    ) -> Result<bool, Error> {
        let slot = &mut self.idle_at[pass as usize];
        if *slot == self.version.wrapping_add(1) {
            return Ok(false);
        }
        self.shape.edges_kept = false;
        let changed = f(&mut self.shape)?;
        if changed {
            self.version = self.version.wrapping_add(1);
            self.shape.invalidate();
        } else {
            *slot = self.version.wrapping_add(1);
        }
        Ok(changed)
    }
}

/// The reachable blocks' topological order and their liveness, each worked out when a pass
/// first asks for it and kept while the graph stays as it is. A pass asks before it changes
/// anything.
///
/// Also the value analysis of the last pass that used one and changed nothing, for the next
/// ([`Shape::analysis`]).
#[derive(Default)]
struct Shape {
    /// The order, when `order_ok` (the vector is kept for the next order otherwise).
    order: Vec<BlockId>,
    order_ok: bool,
    live: Vec<u32>,
    live_ok: bool,
    analysis: Option<Analysis>,
    /// Set by a pass that changed statements only, no block's destinations: the order
    /// (which only edges decide) then stays.
    edges_kept: bool,
}

impl Shape {
    /// [`Cfg::topo_order`].
    fn order(&mut self, cfg: &Cfg) -> &[BlockId] {
        if !self.order_ok {
            cfg.topo_order_into(&mut self.order);
            self.order_ok = true;
        }
        &self.order
    }

    /// [`liveness`] over [`Shape::order`].
    fn live(&mut self, cfg: &Cfg) -> &[u32] {
        if !self.live_ok {
            self.order(cfg);
            liveness(cfg, &self.order, &mut self.live);
            self.live_ok = true;
        }
        &self.live
    }

    /// The order and liveness, lent to a pass that may change the graph while it walks them:
    /// handed back with [`Shape::give`] (only their storage counts once the graph changed).
    fn take(&mut self, cfg: &Cfg) -> (Vec<BlockId>, Vec<u32>) {
        self.live(cfg);
        self.order_ok = false;
        self.live_ok = false;
        (
            std::mem::take(&mut self.order),
            std::mem::take(&mut self.live),
        )
    }

    /// Hands back what [`Shape::take`] lent, as it was.
    fn give(&mut self, order: Vec<BlockId>, live: Vec<u32>) {
        self.order = order;
        self.live = live;
        self.order_ok = true;
        self.live_ok = true;
    }

    /// The order alone, lent as [`Shape::take`] lends both.
    fn take_order(&mut self, cfg: &Cfg) -> Vec<BlockId> {
        self.order(cfg);
        self.order_ok = false;
        std::mem::take(&mut self.order)
    }

    /// Hands back what [`Shape::take_order`] lent, as it was.
    fn give_order(&mut self, order: Vec<BlockId>) {
        self.order = order;
        self.order_ok = true;
    }

    /// Forgets everything about the graph (it changed), keeping the storage; all but the
    /// order when only statements changed ([`Shape::edges_kept`]).
    fn invalidate(&mut self) {
        if !self.edges_kept {
            self.order_ok = false;
        }
        self.live_ok = false;
        self.analysis = None;
    }

    /// [`Analysis::run`] of the graph as it is: the one a pass handed back with
    /// [`Shape::keep`], or a new one. (A kept analysis may have numbered a few more values
    /// than a new one, at the end of its table: the passes only compare value numbers and
    /// ask what they are, so they decide the same.)
    fn analysis(&mut self, cfg: &Cfg, live: bool) -> Analysis {
        let mut an = match self.analysis.take() {
            Some(an) => an,
            None => Analysis::run(cfg, self, false),
        };
        if live && an.live.is_empty() {
            an.live.extend_from_slice(self.live(cfg));
        }
        an
    }

    /// Hands back an analysis of the graph by a pass that did not change it.
    fn keep(&mut self, an: Analysis) {
        self.analysis = Some(an);
    }
}

/// The terminal of a block whose test always goes to `t`: a jump — except for the first block,
/// which keeps its (now one-way) branch, so the loads it tests stay, as libpcap's do (its
/// optimizer never deletes the first block's statements, only moves past its branch at the
/// end; see [`advance_root`]).
fn one_way(is_entry: bool, cond: Cond, src: Src, t: BlockId) -> Terminal {
    if is_entry {
        Terminal::Branch {
            cond,
            src,
            jt: t,
            jf: t,
        }
    } else {
        Terminal::Goto(t)
    }
}

/// libpcap's `opt_root`: while the first block branches one way, the program starts at its
/// destination instead — with the first block's statements kept in front (they run loads that
/// can reject the packet), unless the destination is a `ret`.
fn advance_root(cfg: &mut Cfg) {
    let entry = cfg.entry;
    let Some(blk) = cfg.blocks.get(entry.index()) else {
        return;
    };
    let t = match blk.term {
        Terminal::Branch { jt, jf, .. } if jt == jf => jt,
        _ => return,
    };
    let stmts = blk.stmts.clone();
    let mut dest = t;
    // Follow further one-way branches and empty jumps.
    for _ in 0..cfg.blocks.len() {
        match cfg
            .blocks
            .get(dest.index())
            .map(|b| (b.stmts.is_empty(), b.term))
        {
            Some((true, Terminal::Goto(u))) => dest = u,
            _ => break,
        }
    }
    if matches!(cfg.block(dest).term, Terminal::Ret(_)) || stmts.is_empty() {
        cfg.entry = dest;
    } else {
        cfg.block_mut(entry).term = Terminal::Goto(dest);
    }
}

/// Whether the program rejects every packet (its first block is `ret #0`).
pub fn rejects_all(cfg: &Cfg) -> bool {
    matches!(
        cfg.blocks.get(cfg.entry.index()).map(|b| b.term),
        Some(Terminal::Ret(Ret::K(0)))
    )
}

// ---- registers and values -----------------------------------------------------------------

/// Register numbers: the 16 scratch words, then A and X.
const A: usize = 16;
const X: usize = 17;
const NREGS: usize = 18;

/// A value number.
type Val = u32;

/// What a value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Def {
    Const(u32),
    /// Absolute packet load.
    Load(Size, u32),
    /// Indirect packet load at X + k, X's value not constant.
    LoadInd(Size, u32, Val),
    /// `4*([k]&0xf)`
    Msh(u32),
    /// The wire length.
    Len,
    Alu(AluOp, Val, Val),
    Neg(Val),
    /// Unknown: a register where paths with different values meet (block, register).
    Opaque(u32, u8),
    /// A scratch word's unknown initial value.
    Init(u8),
}

/// The hash-consed value table of one analysis: the definitions, and an open-addressing
/// index over them (slots hold value number + 1; 0 is empty), so each lookup hashes once and
/// a miss inserts where the probe stopped.
#[derive(Clone)]
struct Values {
    defs: Vec<Def>,
    slots: Vec<u32>,
    /// The numbers of recently used constants (half of all lookups), by a hash of the
    /// constant: `(constant, number + 1)`, 0 for none.
    consts: [(u32, u32); CONST_CACHE],
}

/// Entries of [`Values::consts`] (a power of two).
const CONST_CACHE: usize = 32;

/// Slots of a new table (a power of two; grown at half full).
const VALUE_SLOTS: usize = 128;

impl Default for Values {
    /// A table whose first [`NREGS`] numbers are the registers' unknown initial values.
    /// Tables are made several times per round: one dropped earlier on this thread is reused
    /// (cleared) rather than allocated again.
    fn default() -> Values {
        let (mut defs, mut slots) = reuse::take(&SPARE_VALUES)
            .unwrap_or_else(|| (Vec::with_capacity(VALUE_SLOTS / 2), Vec::new()));
        defs.clear();
        defs.extend((0..NREGS as u8).map(Def::Init));
        slots.clear();
        slots.resize(VALUE_SLOTS, 0);
        Values {
            defs,
            slots,
            consts: [(0, 0); CONST_CACHE],
        }
    }
}

impl Drop for Values {
    fn drop(&mut self) {
        if self.slots.len() <= 4 * VALUE_SLOTS {
            let parts = (
                std::mem::take(&mut self.defs),
                std::mem::take(&mut self.slots),
            );
            reuse::keep(&SPARE_VALUES, parts);
        }
    }
}

type ValueParts = (Vec<Def>, Vec<u32>);

thread_local! {
    /// Storage of dropped [`Values`], for the next.
    static SPARE_VALUES: Spares<ValueParts> = const { Spares::new(Vec::new()) };
}

/// A definition's hash (FxHash's multiply-rotate over its packed fields).
#[inline]
fn def_hash(d: &Def) -> u64 {
    let (tag, a, b): (u64, u64, u64) = match *d {
        Def::Const(c) => (1, u64::from(c), 0),
        Def::Load(size, k) => (2 + size as u64, u64::from(k), 0),
        Def::LoadInd(size, k, x) => (5 + size as u64, u64::from(k), u64::from(x)),
        Def::Msh(k) => (8, u64::from(k), 0),
        Def::Len => (9, 0, 0),
        Def::Alu(op, x, y) => (16 + op as u64, u64::from(x), u64::from(y)),
        Def::Neg(x) => (10, u64::from(x), 0),
        Def::Opaque(b, r) => (11, u64::from(b), u64::from(r)),
        Def::Init(r) => (12, u64::from(r), 0),
    };
    // One multiply: the fields fold into a word (b rotated clear of a's low bits), whose
    // product's high half indexes the table.
    (tag << 40 ^ a ^ b.rotate_left(23)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

impl Values {
    fn get(&mut self, d: Def) -> Val {
        if let Def::Const(k) = d {
            let i = (k.wrapping_mul(0x9e37_79b9) >> 27) as usize % CONST_CACHE;
            match self.consts[i] {
                (c, v) if c == k && v != 0 => return v - 1,
                _ => {
                    let v = self.lookup(d);
                    self.consts[i] = (k, v + 1);
                    return v;
                }
            }
        }
        self.lookup(d)
    }

    /// [`Values::get`] through the index.
    fn lookup(&mut self, d: Def) -> Val {
        let d = match d {
            Def::Init(r) => return Val::from(r),
            // Only these have other canonical forms.
            Def::Alu(..) | Def::Neg(_) | Def::LoadInd(..) => self.canon(d),
            _ => d,
        };
        let mask = self.slots.len() - 1;
        let mut i = (def_hash(&d) >> 32) as usize & mask;
        loop {
            match self.slots[i] {
                0 => break,
                s => {
                    let v = s - 1;
                    if self.defs.get(v as usize) == Some(&d) {
                        return v;
                    }
                }
            }
            i = (i + 1) & mask;
        }
        let v = self.defs.len() as Val;
        self.defs.push(d);
        self.slots[i] = v + 1;
        if self.defs.len() * 2 > self.slots.len() {
            self.grow();
        }
        v
    }

    /// The number of a definition already in the table, without adding it (for definitions
    /// [`Values::canon`] leaves as they are).
    fn find(&self, d: Def) -> Option<Val> {
        let mask = self.slots.len() - 1;
        let mut i = (def_hash(&d) >> 32) as usize & mask;
        loop {
            let s = *self.slots.get(i)?;
            let v = s.checked_sub(1)?;
            if self.defs.get(v as usize) == Some(&d) {
                return Some(v);
            }
            i = (i + 1) & mask;
        }
    }

    /// Doubles the index and puts every definition back in it.
    #[cold]
    fn grow(&mut self) {
        let n = self.slots.len() * 2;
        self.slots.clear();
        self.slots.resize(n, 0);
        let mask = n - 1;
        for (v, d) in self.defs.iter().enumerate() {
            if matches!(d, Def::Init(_)) {
                continue;
            }
            let mut i = (def_hash(d) >> 32) as usize & mask;
            while self.slots[i] != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = v as u32 + 1;
        }
    }

    fn def(&self, v: Val) -> Def {
        self.defs
            .get(v as usize)
            .copied()
            .unwrap_or(Def::Opaque(u32::MAX, 0))
    }

    fn konst(&self, v: Val) -> Option<u32> {
        match self.def(v) {
            Def::Const(c) => Some(c),
            _ => None,
        }
    }

    /// An upper bound of a value, when small enough to reason about address arithmetic.
    fn max(&self, v: Val) -> Option<u32> {
        match self.def(v) {
            Def::Const(c) => Some(c),
            Def::Msh(_) => Some(60),
            Def::Load(Size::B, _) | Def::LoadInd(Size::B, _, _) => Some(0xff),
            Def::Load(Size::H, _) | Def::LoadInd(Size::H, _, _) => Some(0xffff),
            Def::Alu(AluOp::And, a, b) => match (self.max(a), self.max(b)) {
                (Some(x), Some(y)) => Some(x.min(y)),
                (m, None) | (None, m) => m,
            },
            Def::Alu(AluOp::Add, a, b) => self.max(a)?.checked_add(self.max(b)?),
            Def::Alu(AluOp::Lsh, a, b) => {
                let (x, n) = (self.max(a)?, self.konst(b)?);
                (n < 32 && x.leading_zeros() >= n).then(|| x << n)
            }
            _ => None,
        }
    }

    /// Canonical forms, so equal computations get equal numbers.
    fn canon(&mut self, d: Def) -> Def {
        match d {
            Def::Alu(op, a, b) => {
                let (ka, kb) = (self.konst(a), self.konst(b));
                if let (Some(x), Some(y)) = (ka, kb) {
                    if let Some(r) = op.apply(x, y) {
                        return Def::Const(r);
                    }
                }
                match (op, ka, kb) {
                    (
                        AluOp::Add | AluOp::Or | AluOp::Xor | AluOp::Sub | AluOp::Lsh | AluOp::Rsh,
                        _,
                        Some(0),
                    )
                    | (AluOp::Mul | AluOp::Div, _, Some(1))
                    | (AluOp::And, _, Some(0xffff_ffff)) => return self.def(a),
                    (AluOp::Add | AluOp::Or | AluOp::Xor, Some(0), _)
                    | (AluOp::Mul, Some(1), _) => return self.def(b),
                    (AluOp::Mul | AluOp::And, _, Some(0))
                    | (AluOp::Mul | AluOp::And, Some(0), _) => return Def::Const(0),
                    _ => {}
                }
                // Commutative operations: constant second.
                if matches!(
                    op,
                    AluOp::Add | AluOp::Mul | AluOp::And | AluOp::Or | AluOp::Xor
                ) && ka.is_some()
                {
                    return Def::Alu(op, b, a);
                }
                d
            }
            Def::Neg(a) => match self.konst(a) {
                Some(c) => Def::Const(0u32.wrapping_sub(c)),
                None => d,
            },
            Def::LoadInd(size, k, x) => {
                // A constant X makes an absolute load at k + X, wrapping at 32 bits as in
                // libpcap's optimizer: an `[x + k]` the interpreter rejects because X + k
                // overflows becomes a load near the start (BACnet MS/TP's `ip[2:2]`, whose
                // network offset is -2, loads `[0]`; libpcap's optimized program accepts).
                if let Some(c) = self.konst(x) {
                    return Def::Load(size, k.wrapping_add(c));
                }
                // X = x' + c with a small x': the same bytes as [x' + (k + c)].
                if let Def::Alu(AluOp::Add, x2, cv) = self.def(x) {
                    if let (Some(c), Some(m)) = (self.konst(cv), self.max(x2)) {
                        if let Some(k2) = k.checked_add(c) {
                            if k2.checked_add(m).is_some() && c.checked_add(m).is_some() {
                                return self.canon(Def::LoadInd(size, k2, x2));
                            }
                        }
                    }
                }
                d
            }
            _ => d,
        }
    }
}

type State = [Val; NREGS];

/// The state at the program's start, all unknown: A and X start at 0 in every interpreter,
/// but libpcap's optimizer does not assume it (`byte 3 & 4`, which tests A before anything
/// loads it, compiles to a `jset` there rather than to "rejects all packets"), and neither do
/// we, to accept and reject the same expressions.
fn initial_state() -> State {
    // Values 0..NREGS are the registers' initial values (see `Values::default`).
    std::array::from_fn(|r| r as Val)
}

/// Where statements go wrong in a way libpcap's optimizer reports.
fn arith_error(op: AluOp, k: u32) -> Option<Error> {
    match op {
        AluOp::Div if k == 0 => Some(Error::new(ErrorKind::InvalidArithmetic, "division by zero")),
        AluOp::Mod if k == 0 => Some(Error::new(ErrorKind::InvalidArithmetic, "modulus by zero")),
        AluOp::Lsh | AluOp::Rsh if k > 31 => Some(Error::new(
            ErrorKind::InvalidArithmetic,
            "shift by more than 31 bits",
        )),
        _ => None,
    }
}

/// Runs a statement on a symbolic state; returns the statement as it may be rewritten (`None`
/// when it changes nothing and can go).
fn eval(vals: &mut Values, st: &mut State, s: Stmt) -> Result<Option<Stmt>, Error> {
    let set_a = |vals: &mut Values, st: &mut State, v: Val, s: Stmt| -> Option<Stmt> {
        if st[A] == v {
            return None;
        }
        st[A] = v;
        Some(if let Some(c) = vals.konst(v) {
            Stmt::LdImm(c)
        } else if v == st[X] && !matches!(s, Stmt::Txa) {
            Stmt::Txa
        } else {
            s
        })
    };
    let set_x = |vals: &mut Values, st: &mut State, v: Val, s: Stmt| -> Option<Stmt> {
        if st[X] == v {
            return None;
        }
        st[X] = v;
        Some(if let Some(c) = vals.konst(v) {
            Stmt::LdxImm(c)
        } else if v == st[A] {
            Stmt::Tax
        } else {
            s
        })
    };
    Ok(match s {
        Stmt::Ld(size, k) => {
            let v = vals.get(Def::Load(size, k));
            set_a(vals, st, v, s)
        }
        Stmt::LdInd(size, k) => {
            let v = vals.get(Def::LoadInd(size, k, st[X]));
            // Keep the statement's form unless the value became an absolute load.
            let s2 = match vals.def(v) {
                Def::Load(sz, addr) if vals.konst(st[X]).is_some() => Stmt::Ld(sz, addr),
                _ => s,
            };
            set_a(vals, st, v, s2)
        }
        Stmt::LdImm(k) => {
            let v = vals.get(Def::Const(k));
            set_a(vals, st, v, s)
        }
        Stmt::LdMem(m) => {
            let v = st[usize::from(m) & 15];
            set_a(vals, st, v, s)
        }
        Stmt::LdLen => {
            let v = vals.get(Def::Len);
            set_a(vals, st, v, s)
        }
        Stmt::LdxImm(k) => {
            let v = vals.get(Def::Const(k));
            set_x(vals, st, v, s)
        }
        Stmt::LdxMem(m) => {
            let v = st[usize::from(m) & 15];
            set_x(vals, st, v, s)
        }
        Stmt::LdxMsh(k) => {
            let v = vals.get(Def::Msh(k));
            set_x(vals, st, v, s)
        }
        Stmt::LdxLen => {
            let v = vals.get(Def::Len);
            set_x(vals, st, v, s)
        }
        Stmt::St(m) => {
            let m = usize::from(m) & 15;
            if st[m] == st[A] {
                None
            } else {
                st[m] = st[A];
                Some(s)
            }
        }
        Stmt::Stx(m) => {
            let m = usize::from(m) & 15;
            if st[m] == st[X] {
                None
            } else {
                st[m] = st[X];
                Some(s)
            }
        }
        Stmt::Alu(op, src) => {
            let (operand, s) = match src {
                Src::K(k) => (vals.get(Def::Const(k)), s),
                Src::X => match vals.konst(st[X]) {
                    Some(c) => {
                        if let Some(e) = arith_error(op, c) {
                            return Err(e);
                        }
                        (st[X], Stmt::Alu(op, Src::K(c)))
                    }
                    None => (st[X], s),
                },
            };
            if let (Src::K(0), AluOp::Div | AluOp::Mod) = (src, op) {
                if let Some(e) = arith_error(op, 0) {
                    return Err(e);
                }
            }
            // Division and modulo by a non-constant X reject the packet when X is 0: keep
            // them as they are.
            if matches!(op, AluOp::Div | AluOp::Mod) && vals.konst(operand).is_none() {
                let v = vals.get(Def::Alu(op, st[A], operand));
                st[A] = v;
                Some(s)
            } else {
                let v = vals.get(Def::Alu(op, st[A], operand));
                set_a(vals, st, v, s)
            }
        }
        Stmt::Neg => {
            let v = vals.get(Def::Neg(st[A]));
            set_a(vals, st, v, s)
        }
        Stmt::Tax => {
            let v = st[A];
            set_x(vals, st, v, s)
        }
        Stmt::Txa => {
            let v = st[X];
            set_a(vals, st, v, s)
        }
    })
}

/// Runs statements without rewriting them.
fn eval_all(vals: &mut Values, st: &mut State, stmts: &[Stmt]) {
    for &s in stmts {
        // Errors only matter where the optimizer rewrites (in `number`).
        let _ = eval(vals, st, s);
    }
}

// ---- facts --------------------------------------------------------------------------------

/// A small set of constants kept inline (no allocation), in insertion order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Small<const N: usize> {
    len: u8,
    items: [u32; N],
}

impl<const N: usize> Small<N> {
    const EMPTY: Small<N> = Small {
        len: 0,
        items: [0; N],
    };

    fn as_slice(&self) -> &[u32] {
        &self.items[..usize::from(self.len).min(N)]
    }

    fn contains(&self, k: u32) -> bool {
        self.as_slice().contains(&k)
    }

    /// Adds `k`; when full, forgets the oldest entry.
    fn push(&mut self, k: u32) {
        if self.contains(k) {
            return;
        }
        if usize::from(self.len) == N {
            self.items.copy_within(1.., 0);
            self.len -= 1;
        }
        self.items[usize::from(self.len)] = k;
        self.len += 1;
    }

    /// Adds `k` unless full; false if it did not fit.
    fn try_push(&mut self, k: u32) -> bool {
        if self.contains(k) {
            return true;
        }
        if usize::from(self.len) == N {
            return false;
        }
        self.items[usize::from(self.len)] = k;
        self.len += 1;
        true
    }

    fn retain(&mut self, mut keep: impl FnMut(u32) -> bool) {
        let mut out = Small::EMPTY;
        for &k in self.as_slice() {
            if keep(k) {
                out.try_push(k);
            }
        }
        *self = out;
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Most "not equal to" constants remembered per value.
const MAX_NE: usize = 8;
/// Most values a [`Known::set`] lists.
const MAX_SET: usize = 8;
/// Most "at least one of these bits" masks per value.
const MAX_ANY: usize = 2;

/// What is known about a value on every path to a point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Known {
    /// Inclusive bounds.
    lo: u32,
    hi: u32,
    /// Bits known set / clear.
    ones: u32,
    zeros: u32,
    /// Constants it is not.
    ne: Small<MAX_NE>,
    /// Masks of which at least one bit is set.
    any: Small<MAX_ANY>,
    /// The only values it can have, when few. Used to know what it is not, only: deciding
    /// order comparisons and bit tests from it too shortens some programs (411 of the
    /// reference corpus) but deletes loads libpcap's program keeps (`tcp or not tcp` on a
    /// NULL savefile), so truncated packets got other verdicts than libpcap's.
    set: Option<Small<MAX_SET>>,
}

impl Known {
    const NEW: Known = Known {
        lo: 0,
        hi: u32::MAX,
        ones: 0,
        zeros: 0,
        ne: Small::EMPTY,
        any: Small::EMPTY,
        set: None,
    };

    fn is_eq(&self) -> Option<u32> {
        (self.lo == self.hi).then_some(self.lo)
    }

    /// Whether `v != k` is known.
    fn not_eq(&self, k: u32) -> bool {
        k < self.lo
            || k > self.hi
            || self.ne.contains(k)
            || k & self.zeros != 0
            || self.ones & !k != 0
            || self.any.as_slice().iter().any(|&m| m & k == 0)
            || self.set.is_some_and(|s| !s.contains(k))
    }

    /// The outcome of `v cond k`, if known.
    fn decide(&self, cond: Cond, k: u32) -> Option<bool> {
        if let Some(e) = self.is_eq() {
            return Some(cond.holds(e, k));
        }
        match cond {
            Cond::Eq => self.not_eq(k).then_some(false),
            Cond::Gt => {
                if self.lo > k {
                    Some(true)
                } else if self.hi <= k {
                    Some(false)
                } else {
                    None
                }
            }
            Cond::Ge => {
                if self.lo >= k {
                    Some(true)
                } else if self.hi < k {
                    Some(false)
                } else {
                    None
                }
            }
            Cond::Set => {
                if k & self.ones != 0 || self.any.as_slice().iter().any(|&m| m & !k == 0 && m != 0)
                {
                    Some(true)
                } else if k & !self.zeros == 0 || self.hi < lowest_bit(k) {
                    Some(false)
                } else {
                    None
                }
            }
        }
    }

    /// Adds `v cond k == holds`.
    fn learn(&mut self, cond: Cond, k: u32, holds: bool) {
        if let Some(set) = &mut self.set {
            set.retain(|v| cond.holds(v, k) == holds);
        } else if cond == Cond::Eq && holds {
            let mut s = Small::EMPTY;
            s.try_push(k);
            self.set = Some(s);
        }
        match (cond, holds) {
            (Cond::Eq, true) => {
                self.lo = k;
                self.hi = k;
            }
            (Cond::Eq, false) => self.ne.push(k),
            (Cond::Gt, true) => self.lo = self.lo.max(k.saturating_add(1)),
            (Cond::Gt, false) => self.hi = self.hi.min(k),
            (Cond::Ge, true) => self.lo = self.lo.max(k),
            (Cond::Ge, false) => self.hi = self.hi.min(k.saturating_sub(1)),
            (Cond::Set, true) => {
                if k.is_power_of_two() {
                    self.ones |= k;
                } else {
                    self.any.try_push(k);
                }
            }
            (Cond::Set, false) => self.zeros |= k,
        }
    }

    /// What holds on both of two paths.
    fn meet(&self, other: &Known) -> Known {
        let mut ne = Small::EMPTY;
        for &k in self.ne.as_slice().iter().chain(other.ne.as_slice()) {
            if self.not_eq(k) && other.not_eq(k) {
                ne.try_push(k);
            }
        }
        let mut any = Small::EMPTY;
        for &m in self.any.as_slice() {
            if other.any.contains(m) {
                any.try_push(m);
            }
        }
        let set = match (&self.set, &other.set) {
            (Some(a), Some(b)) => {
                let mut u = *a;
                let mut fits = true;
                for &k in b.as_slice() {
                    fits &= u.try_push(k);
                }
                fits.then_some(u)
            }
            _ => None,
        };
        Known {
            lo: self.lo.min(other.lo),
            hi: self.hi.max(other.hi),
            ones: self.ones & other.ones,
            zeros: self.zeros & other.zeros,
            ne,
            any,
            set,
        }
    }

    fn is_trivial(&self) -> bool {
        self.lo == 0
            && self.hi == u32::MAX
            && self.ne.is_empty()
            && self.ones == 0
            && self.zeros == 0
            && self.any.is_empty()
            && self.set.is_none()
    }
}

fn lowest_bit(k: u32) -> u32 {
    k & k.wrapping_neg()
}

/// The [`Known`] records of one threading run, never changed once made: facts refer to them
/// by index, so copying facts (one copy per branch side) copies two words per value, and
/// facts that meet on the same record need no meet.
type Knowns = Vec<Known>;

/// A fact list's entries kept inline (no allocation) while they fit.
const INLINE_FACTS: usize = 4;

/// Facts' `(value, index into the run's Knowns)` entries, sorted by value: the first few
/// inline, all of them on the heap once more.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct FactList {
    len: u8,
    inline: [(Val, u32); INLINE_FACTS],
    heap: Vec<(Val, u32)>,
}

impl FactList {
    fn as_slice(&self) -> &[(Val, u32)] {
        if self.heap.is_empty() {
            &self.inline[..usize::from(self.len).min(INLINE_FACTS)]
        } else {
            &self.heap
        }
    }

    fn as_mut_slice(&mut self) -> &mut [(Val, u32)] {
        if self.heap.is_empty() {
            &mut self.inline[..usize::from(self.len).min(INLINE_FACTS)]
        } else {
            &mut self.heap
        }
    }

    fn len(&self) -> usize {
        self.as_slice().len()
    }

    fn push(&mut self, e: (Val, u32)) {
        let n = self.len();
        self.insert(n, e);
    }

    fn insert(&mut self, i: usize, e: (Val, u32)) {
        if !self.heap.is_empty() {
            self.heap.insert(i, e);
            return;
        }
        let n = usize::from(self.len).min(INLINE_FACTS);
        if n < INLINE_FACTS {
            if i <= n {
                self.inline.copy_within(i..n, i + 1);
                self.inline[i] = e;
                self.len += 1;
            }
        } else {
            let mut heap = Vec::with_capacity(2 * INLINE_FACTS);
            heap.extend_from_slice(&self.inline);
            heap.insert(i.min(n), e);
            self.heap = heap;
            self.len = 0;
        }
    }

    fn remove_first(&mut self) {
        if !self.heap.is_empty() {
            self.heap.remove(0);
        } else if self.len > 0 {
            let n = usize::from(self.len).min(INLINE_FACTS);
            self.inline.copy_within(1..n, 0);
            self.len -= 1;
        }
    }
}

/// Facts at a point: per value (sorted by value) what is known of it, plus outcomes of
/// comparisons with X.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Facts {
    known: FactList,
    /// `(A value, cond, operand value, outcome)`: comparisons with X, and in weak mode every
    /// comparison.
    xrel: Vec<(Val, Cond, Val, bool)>,
    /// Weak mode: only what libpcap's optimizer knows (see [`Strength::Libpcap`]).
    weak: bool,
}

impl Facts {
    fn new(weak: bool) -> Facts {
        Facts {
            weak,
            ..Facts::default()
        }
    }

    fn get<'k>(&self, knowns: &'k [Known], v: Val) -> Option<&'k Known> {
        let list = self.known.as_slice();
        let i = list.binary_search_by_key(&v, |(k, _)| *k).ok()?;
        knowns.get(list.get(i)?.1 as usize)
    }

    fn learn(&mut self, knowns: &mut Knowns, v: Val, cond: Cond, k: u32, holds: bool) {
        match self.known.as_slice().binary_search_by_key(&v, |(x, _)| *x) {
            Ok(i) => {
                if let Some(e) = self.known.as_mut_slice().get_mut(i) {
                    let n = knowns.len();
                    knowns.push(knowns.get(e.1 as usize).copied().unwrap_or(Known::NEW));
                    if let Some(kn) = knowns.last_mut() {
                        kn.learn(cond, k, holds);
                    }
                    e.1 = n as u32;
                }
            }
            Err(i) => {
                self.known.insert(i, (v, knowns.len() as u32));
                knowns.push(Known::NEW);
                if let Some(kn) = knowns.last_mut() {
                    kn.learn(cond, k, holds);
                }
                if self.known.len() > MAX_FACTS {
                    // Forget the oldest value (lowest number: values are numbered in program
                    // order, roughly).
                    self.known.remove_first();
                }
            }
        }
    }

    fn learn_x(&mut self, a: Val, cond: Cond, x: Val, holds: bool) {
        if !self.xrel.contains(&(a, cond, x, holds)) {
            if self.xrel.len() >= 16 {
                self.xrel.remove(0);
            }
            self.xrel.push((a, cond, x, holds));
        }
    }

    fn meet(&self, other: &Facts, knowns: &mut Knowns) -> Facts {
        let mut known = FactList::default();
        let (a, b) = (self.known.as_slice(), other.known.as_slice());
        let (mut i, mut j) = (0, 0);
        while let (Some(&(va, ka)), Some(&(vb, kb))) = (a.get(i), b.get(j)) {
            match va.cmp(&vb) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    if ka == kb {
                        // The same record on both sides meets to itself.
                        if knowns.get(ka as usize).is_some_and(|x| !x.is_trivial()) {
                            known.push((va, ka));
                        }
                    } else {
                        let k = match (knowns.get(ka as usize), knowns.get(kb as usize)) {
                            (Some(x), Some(y)) => x.meet(y),
                            _ => Known::NEW,
                        };
                        if !k.is_trivial() {
                            known.push((va, knowns.len() as u32));
                            knowns.push(k);
                        }
                    }
                    i += 1;
                    j += 1;
                }
            }
        }
        Facts {
            known,
            xrel: self
                .xrel
                .iter()
                .copied()
                .filter(|r| other.xrel.contains(r))
                .collect(),
            weak: self.weak,
        }
    }

    /// The outcome of `a cond operand`, if known.
    fn decide(
        &self,
        knowns: &[Known],
        vals: &Values,
        a: Val,
        cond: Cond,
        operand: Val,
    ) -> Option<bool> {
        if self.weak {
            if let (Some(x), Some(y)) = (vals.konst(a), vals.konst(operand)) {
                return Some(cond.holds(x, y));
            }
            // The same comparison again, or another `jeq` of a value a `jeq` said it is.
            if let Some(r) = self
                .xrel
                .iter()
                .find(|&&(ra, rc, rx, _)| ra == a && rc == cond && rx == operand)
            {
                return Some(r.3);
            }
            return match (
                cond,
                vals.konst(operand),
                self.get(knowns, a).and_then(Known::is_eq),
            ) {
                (Cond::Eq, Some(k), Some(e)) => Some(k == e),
                _ => None,
            };
        }
        match (vals.konst(a), vals.konst(operand)) {
            (Some(x), Some(y)) => Some(cond.holds(x, y)),
            (_, Some(k)) => self.decide_k(
                knowns,
                a,
                cond,
                k,
                match vals.def(a) {
                    Def::Alu(AluOp::And, v, m) => vals.konst(m).map(|m| (v, m)),
                    _ => None,
                },
            ),
            _ => self
                .xrel
                .iter()
                .find(|&&(ra, rc, rx, _)| ra == a && rc == cond && rx == operand)
                .map(|r| r.3),
        }
    }

    /// The outcome of `a cond k` for a value `a` that is not a constant, if known (full
    /// strength); `and` is `(v, m)` when `a` is `v & m`.
    fn decide_k(
        &self,
        knowns: &[Known],
        a: Val,
        cond: Cond,
        k: u32,
        and: Option<(Val, u32)>,
    ) -> Option<bool> {
        if let Some(r) = self.get(knowns, a).and_then(|kn| kn.decide(cond, k)) {
            return Some(r);
        }
        // `(v & m) == 0` is `jset` on v.
        match and {
            Some((v, m)) if cond == Cond::Eq && k == 0 => {
                self.get(knowns, v)?.decide(Cond::Set, m).map(|set| !set)
            }
            _ => None,
        }
    }

    /// Adds the outcome of a branch.
    fn learn_branch(
        &mut self,
        knowns: &mut Knowns,
        vals: &Values,
        a: Val,
        cond: Cond,
        operand: Val,
        holds: bool,
    ) {
        if self.weak {
            self.learn_x(a, cond, operand, holds);
            if let (Cond::Eq, true, Some(k)) = (cond, holds, vals.konst(operand)) {
                self.learn(knowns, a, Cond::Eq, k, true);
            }
            return;
        }
        match vals.konst(operand) {
            Some(k) => {
                self.learn(knowns, a, cond, k, holds);
                // `(v & m) == 0` tells about v's bits.
                if cond == Cond::Eq && k == 0 {
                    if let Def::Alu(AluOp::And, v, m) = vals.def(a) {
                        if let Some(m) = vals.konst(m) {
                            self.learn(knowns, v, Cond::Set, m, !holds);
                        }
                    }
                }
            }
            None => self.learn_x(a, cond, operand, holds),
        }
    }
}

// ---- the analysis ---------------------------------------------------------------------------

/// Which registers each block reads before writing, and writes.
fn use_def(stmts: &[Stmt], term: &Terminal) -> (u32, u32) {
    let (mut used, mut defined) = (0u32, 0u32);
    for s in stmts {
        let (u, d) = stmt_use_def(*s);
        // Read before written here: every register it reads that no earlier one wrote.
        used |= u & !defined;
        defined |= d;
    }
    (used | (term_reads(*term) & !defined), defined)
}

/// The registers a terminal reads: A for a test or `ret a`, X for a test against X.
#[inline]
fn term_reads(term: Terminal) -> u32 {
    match term {
        Terminal::Branch { src: Src::X, .. } => 1 << A | 1 << X,
        Terminal::Branch { .. } | Terminal::Ret(Ret::A) => 1 << A,
        _ => 0,
    }
}

/// The registers live on entry to any of `term`'s successors (`missing` for one `live`
/// does not cover).
#[inline]
fn live_out(term: Terminal, live: &[u32], missing: u32) -> u32 {
    term.successors().fold(0, |acc, s| {
        acc | live.get(s.index()).copied().unwrap_or(missing)
    })
}

/// The registers a statement reads and writes, as bit masks.
fn stmt_use_def(s: Stmt) -> (u32, u32) {
    let a = 1u32 << A;
    let x = 1u32 << X;
    let m = |k: u8| 1u32 << (usize::from(k) & 15);
    match s {
        Stmt::Ld(..) | Stmt::LdImm(_) | Stmt::LdLen => (0, a),
        Stmt::LdInd(..) => (x, a),
        Stmt::LdMem(k) => (m(k), a),
        Stmt::LdxImm(_) | Stmt::LdxMsh(_) | Stmt::LdxLen => (0, x),
        Stmt::LdxMem(k) => (m(k), x),
        Stmt::St(k) => (a, m(k)),
        Stmt::Stx(k) => (x, m(k)),
        Stmt::Alu(_, Src::K(_)) | Stmt::Neg => (a, a),
        Stmt::Alu(_, Src::X) => (a | x, a),
        Stmt::Tax => (a, x),
        Stmt::Txa => (x, a),
    }
}

/// Registers live on entry to each block (reachable blocks, no loops).
fn liveness(cfg: &Cfg, order: &[BlockId], live: &mut Vec<u32>) {
    live.clear();
    live.resize(cfg.blocks.len(), 0);
    for &b in order.iter().rev() {
        let blk = cfg.block(b);
        let out = live_out(blk.term, live, 0);
        let (u, d) = use_def(&blk.stmts, &blk.term);
        live[b.index()] = u | (out & !d);
    }
}

/// Whether `b` is a `ret` without statements.
fn is_bare_ret(cfg: &Cfg, b: BlockId) -> bool {
    cfg.blocks
        .get(b.index())
        .is_some_and(|t| matches!(t.term, Terminal::Ret(_)) && t.stmts.is_empty())
}

/// Entry states, exit states and facts of every block, in topological order.
struct Analysis {
    vals: Values,
    order: Vec<BlockId>,
    exit: Vec<State>,
    entry: Vec<State>,
    live: Vec<u32>,
}

/// The facts on the edge leaving `b` on one side, given its exit state.
fn edge_facts(
    vals: &mut Values,
    knowns: &mut Knowns,
    cfg: &Cfg,
    b: BlockId,
    exit: &State,
    facts: &Facts,
    side: bool,
) -> Facts {
    let mut f = facts.clone();
    if let Terminal::Branch { cond, src, jt, jf } = cfg.block(b).term {
        if jt != jf {
            let operand = operand_val(vals, exit, src);
            f.learn_branch(knowns, vals, exit[A], cond, operand, side);
        }
    }
    f
}

/// Whether [`edge_facts`] learns from a block's terminal: a branch whose sides differ.
fn branch_learns(term: Terminal) -> bool {
    matches!(term, Terminal::Branch { jt, jf, .. } if jt != jf)
}

fn operand_val(vals: &mut Values, st: &State, src: Src) -> Val {
    match src {
        Src::K(k) => vals.get(Def::Const(k)),
        Src::X => st[X],
    }
}

/// The state on entry to `b` from its predecessors' exit states (no allocation).
fn meet_exits<'a>(
    vals: &mut Values,
    b: BlockId,
    mut preds: impl Iterator<Item = &'a State>,
    initial: &State,
) -> State {
    let Some(first) = preds.next() else {
        return *initial;
    };
    let mut s = *first;
    for p in preds {
        for r in 0..NREGS {
            if s[r] != p[r] {
                s[r] = vals.get(Def::Opaque(b.0, r as u8));
            }
        }
    }
    s
}

/// A block's incoming edges, (predecessor, true side?): the first two inline (most blocks
/// have one or two), more on the heap.
#[derive(Clone)]
struct EdgeList {
    len: u8,
    inline: [(BlockId, bool); 2],
    /// All of them once there were more than fit inline.
    heap: Vec<(BlockId, bool)>,
}

impl Default for EdgeList {
    fn default() -> EdgeList {
        EdgeList {
            len: 0,
            inline: [(BlockId::NONE, false); 2],
            heap: Vec::new(),
        }
    }
}

impl std::ops::Deref for EdgeList {
    type Target = [(BlockId, bool)];
    fn deref(&self) -> &[(BlockId, bool)] {
        if self.heap.is_empty() {
            &self.inline[..self.inline_len()]
        } else {
            &self.heap
        }
    }
}

impl std::ops::DerefMut for EdgeList {
    fn deref_mut(&mut self) -> &mut [(BlockId, bool)] {
        if self.heap.is_empty() {
            let n = self.inline_len();
            &mut self.inline[..n]
        } else {
            &mut self.heap
        }
    }
}

impl EdgeList {
    /// How many of `inline` are in use (while nothing is on the heap).
    fn inline_len(&self) -> usize {
        usize::from(self.len).min(self.inline.len())
    }

    fn push(&mut self, e: (BlockId, bool)) {
        if !self.heap.is_empty() {
            self.heap.push(e);
        } else if self.inline_len() < self.inline.len() {
            self.inline[self.inline_len()] = e;
            self.len += 1;
        } else {
            self.heap.extend_from_slice(&self.inline);
            self.heap.push(e);
            self.len = 0;
        }
    }

    fn retain(&mut self, mut keep: impl FnMut(&(BlockId, bool)) -> bool) {
        if !self.heap.is_empty() {
            self.heap.retain(keep);
            return;
        }
        let mut n = 0;
        for i in 0..self.inline_len() {
            let e = self.inline[i];
            if keep(&e) {
                self.inline[n] = e;
                n += 1;
            }
        }
        self.len = n as u8;
    }

    fn remove(&mut self, i: usize) {
        if !self.heap.is_empty() {
            self.heap.remove(i);
        } else if i < self.inline_len() {
            self.inline.copy_within(i + 1.., i);
            self.len -= 1;
        }
    }
}

/// The per-block tables of [`thread`], kept between its runs (cleared) instead of allocated
/// again each time.
#[derive(Default)]
struct ThreadScratch {
    exit: Vec<State>,
    facts_in: Vec<Facts>,
    side_facts: Vec<[Option<(bool, Facts)>; 2]>,
    ins: Vec<EdgeList>,
    knowns: Knowns,
}

/// Most blocks whose [`ThreadScratch`] is kept for the next optimization on the thread.
const SPARE_SCRATCH_BLOCKS: usize = 1024;

thread_local! {
    /// [`thread`]'s tables of the last optimizations on this thread, for the next.
    static SPARE_SCRATCH: Spares<ThreadScratch> = const { Spares::new(Vec::new()) };
}

/// Incoming edges of each block: (predecessor, true side?), into `ins`.
fn in_edges(cfg: &Cfg, order: &[BlockId], ins: &mut Vec<EdgeList>) {
    ins.clear();
    ins.resize(cfg.blocks.len(), EdgeList::default());
    for &b in order {
        let (ts, k) = edge_targets(cfg.block(b).term);
        for (i, t) in ts[..k].iter().enumerate() {
            if let Some(v) = ins.get_mut(t.index()) {
                v.push((b, i == 0));
            }
        }
    }
}

/// The targets of a block's edges, in the order [`in_edges`] lists them (true side first, a
/// branch whose sides agree counted once).
fn edge_targets(term: Terminal) -> ([BlockId; 2], usize) {
    match term {
        Terminal::Branch { jt, jf, .. } => ([jt, jf], if jf != jt { 2 } else { 1 }),
        Terminal::Goto(t) | Terminal::Loop(t) => ([t, t], 1),
        Terminal::Ret(_) => ([BlockId::NONE; 2], 0),
    }
}

/// The predecessors [`in_edges`] lists, in the same order, as one flat array: block `b`'s are
/// `preds[start[b]..start[b + 1]]` (two allocations instead of one per block).
fn flat_preds(cfg: &Cfg, order: &[BlockId], p: &mut PredScratch) {
    let n = cfg.blocks.len();
    let PredScratch { start, fill, preds } = p;
    start.clear();
    start.resize(n + 1, 0);
    for &b in order {
        let (ts, k) = edge_targets(cfg.block(b).term);
        for t in &ts[..k] {
            if let Some(c) = start.get_mut(t.index() + 1) {
                *c += 1;
            }
        }
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    fill.clear();
    fill.extend_from_slice(&start[..n]);
    preds.clear();
    preds.resize(start[n] as usize, BlockId::NONE);
    for &b in order {
        let (ts, k) = edge_targets(cfg.block(b).term);
        for t in &ts[..k] {
            if let Some(f) = fill.get_mut(t.index()) {
                preds[*f as usize] = b;
                *f += 1;
            }
        }
    }
}

/// [`flat_preds`]' tables: block `b`'s predecessors are `preds[start[b]..start[b + 1]]`.
#[derive(Default)]
struct PredScratch {
    start: Vec<u32>,
    fill: Vec<u32>,
    preds: Vec<BlockId>,
}

/// The tables of a dropped [`Analysis`] (order, exit, entry, live).
type AnalysisParts = (Vec<BlockId>, Vec<State>, Vec<State>, Vec<u32>);

/// Most blocks whose analysis tables are kept for the next analysis on the thread.
const SPARE_ANALYSIS_BLOCKS: usize = 1024;

thread_local! {
    /// Storage of dropped analyses, for the next (analyses are made several times per
    /// round; their tables are larger than the allocator's fast sizes).
    static SPARE_ANALYSES: Spares<AnalysisParts> = const { Spares::new(Vec::new()) };
    /// Predecessor tables ([`take_preds`]).
    static SPARE_PREDS: Spares<PredScratch> = const { Spares::new(Vec::new()) };
}

impl Drop for Analysis {
    fn drop(&mut self) {
        if self.exit.capacity() <= SPARE_ANALYSIS_BLOCKS {
            let parts = (
                std::mem::take(&mut self.order),
                std::mem::take(&mut self.exit),
                std::mem::take(&mut self.entry),
                std::mem::take(&mut self.live),
            );
            reuse::keep(&SPARE_ANALYSES, parts);
        }
    }
}

impl Analysis {
    /// Entry and exit states (value numbers) of every reachable block, and with `live` their
    /// liveness.
    fn run(cfg: &Cfg, shape: &mut Shape, live: bool) -> Analysis {
        let mut an = Analysis::blank(cfg, shape);
        let preds = take_preds(cfg, &an.order);
        let order = std::mem::take(&mut an.order);
        for &b in &order {
            if is_bare_ret(cfg, b) {
                // No pass reads the state at a `ret` without statements.
                continue;
            }
            let mut out = an.meet_into(b, &preds);
            eval_all(&mut an.vals, &mut out, &cfg.block(b).stmts);
            an.exit[b.index()] = out;
        }
        an.order = order;
        give_preds(preds);
        if live {
            an.live.extend_from_slice(shape.live(cfg));
        }
        an
    }

    /// An analysis of the graph with nothing worked out yet: its order, every state the
    /// initial one, no liveness.
    fn blank(cfg: &Cfg, shape: &mut Shape) -> Analysis {
        let (mut order, mut exit, mut entry, mut live) =
            reuse::take(&SPARE_ANALYSES).unwrap_or_default();
        order.clear();
        order.extend_from_slice(shape.order(cfg));
        let n = cfg.blocks.len();
        let vals = Values::default();
        let init = initial_state();
        exit.clear();
        exit.resize(n, init);
        entry.clear();
        entry.resize(n, init);
        live.clear();
        Analysis {
            vals,
            order,
            exit,
            entry,
            live,
        }
    }

    /// Works out (and records) `b`'s entry state from its predecessors' exit states.
    fn meet_into(&mut self, b: BlockId, preds: &PredScratch) -> State {
        let (i, j) = (
            preds.start.get(b.index()).copied().unwrap_or(0) as usize,
            preds.start.get(b.index() + 1).copied().unwrap_or(0) as usize,
        );
        let ps = preds.preds.get(i..j).unwrap_or_default();
        let exit = &self.exit;
        let init = initial_state();
        let st = meet_exits(
            &mut self.vals,
            b,
            ps.iter().map(|p| &exit[p.index()]),
            &init,
        );
        self.entry[b.index()] = st;
        st
    }
}

/// [`flat_preds`] of the graph, in tables kept on the thread (handed back with
/// [`give_preds`]).
fn take_preds(cfg: &Cfg, order: &[BlockId]) -> PredScratch {
    let mut p = reuse::take(&SPARE_PREDS).unwrap_or_default();
    flat_preds(cfg, order, &mut p);
    p
}

/// Hands [`take_preds`]' tables back to the thread (not when a large program grew them).
fn give_preds(p: PredScratch) {
    if p.start.capacity() <= SPARE_ANALYSIS_BLOCKS {
        reuse::keep(&SPARE_PREDS, p);
    }
}

// ---- passes -----------------------------------------------------------------------------------

/// Value numbering: deletes statements that change nothing, folds constants, decides branches
/// on constants and on what every path into the block knows.
fn number(cfg: &mut Cfg, shape: &mut Shape) -> Result<bool, Error> {
    // The analysis another pass left, or one worked out here as the blocks are rewritten:
    // from predecessor lists taken before anything changes, so it is the one `Analysis::run`
    // makes of the graph as it is now (kept if nothing changes).
    let (mut an, preds) = match shape.analysis.take() {
        Some(an) => (an, None),
        None => {
            let an = Analysis::blank(cfg, shape);
            let preds = take_preds(cfg, &an.order);
            (an, Some(preds))
        }
    };
    let entry = cfg.entry;
    let mut changed = false;
    let mut edges_kept = true;
    let order = std::mem::take(&mut an.order);
    for &b in &order {
        let mut st = match &preds {
            // (A `ret` without statements has nothing to rewrite.)
            Some(_) if is_bare_ret(cfg, b) => continue,
            Some(p) => an.meet_into(b, p),
            None => an.entry[b.index()],
        };
        // Rewritten in place: statement `r` is read before anything is written at `w <= r`.
        let blk = cfg.block_mut(b);
        let mut w = 0;
        for r in 0..blk.stmts.len() {
            let s = blk.stmts[r];
            match eval(&mut an.vals, &mut st, s)? {
                Some(s2) => {
                    changed |= s2 != s || w != r;
                    blk.stmts[w] = s2;
                    w += 1;
                }
                None => changed = true,
            }
        }
        blk.stmts.truncate(w);
        if preds.is_some() {
            an.exit[b.index()] = st;
        }
        let old_term = blk.term;
        if let Terminal::Branch { cond, src, jt, jf } = blk.term {
            // Compare with a constant X as an immediate.
            let src = match src {
                Src::X => match an.vals.konst(st[X]) {
                    Some(c) => Src::K(c),
                    None => Src::X,
                },
                k => k,
            };
            let operand = match src {
                Src::K(k) => an.vals.get(Def::Const(k)),
                Src::X => st[X],
            };
            // Tests on constants are decided here; tests decided by what the paths into the
            // block know are threaded past (see `thread`).
            let decided = match (an.vals.konst(st[A]), an.vals.konst(operand)) {
                (Some(a), Some(k)) => Some(cond.holds(a, k)),
                _ => None,
            };
            blk.term = match decided {
                Some(true) => one_way(b == entry, cond, src, jt),
                Some(false) => one_way(b == entry, cond, src, jf),
                None => Terminal::Branch { cond, src, jt, jf },
            };
        }
        changed |= blk.term != old_term;
        edges_kept &= edge_targets(blk.term) == edge_targets(old_term);
    }
    if let Some(p) = preds {
        give_preds(p);
    }
    if !changed {
        an.order = order;
        shape.keep(an);
    }
    shape.edges_kept = edges_kept;
    Ok(changed)
}

/// Jump threading: an edge into a block whose test its facts decide goes straight to the
/// outcome, when skipping the block changes nothing the rest needs. Blocks are visited in
/// topological order with their entry state recomputed from their current predecessors, so
/// every decision sees the edges earlier decisions made.
fn thread(
    cfg: &mut Cfg,
    shape: &mut Shape,
    scratch: &mut ThreadScratch,
    keep_checks: bool,
    weak: bool,
) -> bool {
    let (order, live) = shape.take(cfg);
    let mut changed = false;
    let n = cfg.blocks.len();
    let mut vals = Values::default();
    let init = initial_state();
    let ThreadScratch {
        exit,
        facts_in,
        side_facts,
        ins,
        knowns,
    } = scratch;
    knowns.clear();
    exit.clear();
    exit.resize(n, init);
    // The facts on each branch side, made once when the branch's block is visited (to
    // explore from it) and moved to the block the edge ends at when that one is visited:
    // `edge_facts` of the same block, side, state and facts, so the same facts.
    // Each is kept with whether its branch learned (its sides differed then): threading can
    // make the sides equal, or unequal, before the edge's end is visited, and `edge_facts`
    // then would learn differently.
    // A block's entries in `facts_in` and `side_facts` are set when it is visited (or made,
    // for a reloading block), before anything reads them: the tables are only grown here,
    // not cleared (blocks are visited once per run, and most runs are of small graphs).
    if facts_in.len() < n {
        facts_in.resize_with(n, || Facts::new(weak));
    }
    if side_facts.len() < n {
        side_facts.resize_with(n, || [None, None]);
    }
    in_edges(cfg, &order, ins);
    for &b in &order {
        if let Some(s) = side_facts.get_mut(b.index()) {
            *s = [None, None];
        }
        // Predecessors are all visited (edges only ever move forward in this order), and
        // `ins` follows the edges threading moved.
        // Nothing reads `ins[b]` after this visit (edges only move forward).
        let ins_b = ins
            .get_mut(b.index())
            .map(std::mem::take)
            .unwrap_or_default();
        // Unreachable now (its edges may still be listed into later blocks, whose meets then
        // take its state and facts as unknown), or a `ret` without statements (nothing reads
        // its state or facts: no test, no statements, no edges out).
        if (ins_b.is_empty() && b != cfg.entry) || is_bare_ret(cfg, b) {
            if let Some(f) = facts_in.get_mut(b.index()) {
                *f = Facts::new(weak);
            }
            continue;
        }
        let st = meet_exits(
            &mut vals,
            b,
            ins_b.iter().map(|(p, _)| &exit[p.index()]),
            &init,
        );
        let mut facts: Option<Facts> = None;
        // A `ret` block's facts are never read (no test, no edges out): none are made for it.
        let is_ret = matches!(cfg.block(b).term, Terminal::Ret(_));
        for &(p, side) in ins_b.iter().filter(|_| !is_ret) {
            let stored = side_facts
                .get_mut(p.index())
                .and_then(|s| s[usize::from(!side)].take());
            let learns = branch_learns(cfg.block(p).term);
            let ef = match stored {
                Some((learned, f)) if learned == learns => f,
                // A jump's only edge: its block's facts are not needed again.
                _ if matches!(cfg.block(p).term, Terminal::Goto(_)) => facts_in
                    .get_mut(p.index())
                    .map(std::mem::take)
                    .unwrap_or_else(|| Facts::new(weak)),
                _ => edge_facts(
                    &mut vals,
                    knowns,
                    cfg,
                    p,
                    &exit[p.index()],
                    &facts_in[p.index()],
                    side,
                ),
            };
            facts = Some(match facts {
                None => ef,
                Some(f) => f.meet(&ef, knowns),
            });
        }
        let facts = facts.unwrap_or_else(|| Facts::new(weak));
        let mut out = st;
        eval_all(&mut vals, &mut out, &cfg.block(b).stmts);
        exit[b.index()] = out;

        // The block's own test, decided by what holds on every edge into it: a jump, its
        // statements kept (dead-store removal then deletes what only the test read). Threading
        // the edges past the block may not be possible when it sets registers the code after
        // it reads (`ldx M[0]; ldb [x + 9]; jeq #6` before code using that X).
        if let Terminal::Branch { cond, src, jt, jf } = cfg.block(b).term {
            let operand = operand_val(&mut vals, &out, src);
            if jt != jf {
                if let Some(o) = facts.decide(knowns, &vals, out[A], cond, operand) {
                    let (keep, drop) = if o { (jt, jf) } else { (jf, jt) };
                    cfg.block_mut(b).term = one_way(b == cfg.entry, cond, src, keep);
                    if let Some(v) = ins.get_mut(drop.index()) {
                        v.retain(|&e| e != (b, !o));
                    }
                    if let Some(v) = ins.get_mut(keep.index()) {
                        if let Some(e) = v.iter_mut().find(|e| **e == (b, o)) {
                            *e = (b, true);
                        }
                    }
                    changed = true;
                }
            }
        }

        // Thread each out-edge.
        let term = cfg.block(b).term;
        let sides: &[(bool, BlockId)] = match term {
            Terminal::Branch { jt, jf, .. } => &[(true, jt), (false, jf)],
            Terminal::Goto(t) => &[(true, t)],
            _ => &[],
        };
        for &(side, target) in sides {
            // Nothing to learn or skip on an edge to a bare `ret`: exploring it would find the
            // target itself, with no side effect (no statements to number).
            if is_bare_ret(cfg, target) {
                continue;
            }
            let mut branch_facts = None;
            let ef = match term {
                Terminal::Branch { .. } => {
                    let learns = branch_learns(cfg.block(b).term);
                    let f = edge_facts(&mut vals, knowns, cfg, b, &out, &facts, side);
                    &branch_facts.insert((learns, f)).1
                }
                _ => &facts,
            };
            if !weak && test_undecided(&vals, knowns, cfg.block(target), ef, &out) {
                // Exploring would stop at the target: nothing to thread.
                if let (Some(f), Some(slot)) = (branch_facts, side_facts.get_mut(b.index())) {
                    slot[usize::from(!side)] = Some(f);
                }
                continue;
            }
            let mut ex = Explorer {
                cfg,
                live: &live,
                knowns,
                from: out,
                budget: EXPLORE_BUDGET,
                keep_checks,
                reload: !keep_checks && !weak,
            };
            let (mut best, reload) = ex
                .explore(&mut vals, target, out, ef, MAX_THREAD, false)
                .unwrap_or((target, Vec::new()));
            if !reload.is_empty() && best != target {
                // A block that reloads the registers the destination reads from the scratch
                // words holding them, then goes there.
                let t = cfg.push(reload.clone(), Terminal::Goto(best));
                let mut st = out;
                eval_all(&mut vals, &mut st, &reload);
                exit.push(st);
                if facts_in.len() <= t.index() {
                    facts_in.resize_with(t.index() + 1, || Facts::new(weak));
                }
                if side_facts.len() <= t.index() {
                    side_facts.resize_with(t.index() + 1, || [None, None]);
                }
                facts_in[t.index()] = ef.clone();
                side_facts[t.index()] = [None, None];
                ins.push(EdgeList::default());
                if let Some(v) = ins.get_mut(best.index()) {
                    v.push((t, true));
                }
                best = t;
            }
            if best != target {
                changed = true;
                if let Some(v) = ins.get_mut(target.index()) {
                    if let Some(i) = v.iter().position(|&e| e == (b, side)) {
                        v.remove(i);
                    }
                }
                if let Some(v) = ins.get_mut(best.index()) {
                    v.push((b, side));
                }
                let blk = cfg.block_mut(b);
                match &mut blk.term {
                    Terminal::Branch { jt, jf, .. } => {
                        if side {
                            *jt = best;
                        } else {
                            *jf = best;
                        }
                    }
                    Terminal::Goto(t) => *t = best,
                    _ => {}
                }
            }
            if let (Some(f), Some(slot)) = (branch_facts, side_facts.get_mut(b.index())) {
                slot[usize::from(!side)] = Some(f);
            }
        }
        facts_in[b.index()] = facts;
    }
    shape.give(order, live);
    changed
}

/// Whether the facts on an edge into `blk`, leaving with state `from`, cannot decide the
/// block's test, known without running its statements (and so without numbering their
/// values): [`Explorer::explore`] from the edge would stop at `blk`. For a two-way test
/// against a constant of A as the edge leaves it, of a packet load or the length, or of such
/// a load and a constant (what most blocks test); `false` (explore) for anything else.
fn test_undecided(
    vals: &Values,
    knowns: &[Known],
    blk: &Block,
    facts: &Facts,
    from: &State,
) -> bool {
    let Terminal::Branch {
        cond,
        src: Src::K(k),
        jt,
        jf,
    } = blk.term
    else {
        return false;
    };
    if jt == jf {
        return false;
    }
    let sets_a = |s: &Stmt| stmt_use_def(*s).1 & (1 << A) != 0;
    let loaded = |s: Option<&Stmt>| match s.copied() {
        Some(Stmt::Ld(size, off)) => Some(Def::Load(size, off)),
        Some(Stmt::LdLen) => Some(Def::Len),
        _ => None,
    };
    let mut writers = blk.stmts.iter().rev().filter(|s| sets_a(s));
    // A's value at the test (`None`: not numbered yet, so nothing is known of it), and
    // `(v, m)` when it is `v & m`.
    let (a, and) = match writers.next().copied() {
        None => {
            let a = from[A];
            if vals.konst(a).is_some() {
                return false;
            }
            let and = match vals.def(a) {
                Def::Alu(AluOp::And, v, m) => vals.konst(m).map(|m| (v, m)),
                _ => None,
            };
            (Some(a), and)
        }
        Some(s @ (Stmt::Ld(..) | Stmt::LdLen)) => {
            (loaded(Some(&s)).and_then(|d| vals.find(d)), None)
        }
        Some(Stmt::Alu(op, Src::K(c))) => {
            // Of a load: what `Values::canon` leaves as it is (no identity, no zero).
            let Some(d) = loaded(writers.next()) else {
                return false;
            };
            let plain = match op {
                AluOp::Mul | AluOp::Div => c > 1,
                AluOp::And => c != 0 && c != u32::MAX,
                _ => c != 0,
            };
            if !plain {
                return false;
            }
            let v = vals.find(d);
            let a = v.and_then(|v| {
                let cv = vals.find(Def::Const(c))?;
                vals.find(Def::Alu(op, v, cv))
            });
            (a, v.filter(|_| op == AluOp::And).map(|v| (v, c)))
        }
        Some(_) => return false,
    };
    match a {
        Some(a) => facts.decide_k(knowns, a, cond, k, and).is_none(),
        // Nothing is known of a new value; of `v & m`, what is known of v may decide it.
        None => facts.decide_k(knowns, Val::MAX, cond, k, and).is_none(),
    }
}

/// Most blocks one threading decision looks at.
const EXPLORE_BUDGET: usize = 256;

/// Finds where an edge can go instead of its target.
struct Explorer<'a> {
    cfg: &'a Cfg,
    live: &'a [u32],
    /// The records the facts refer to.
    knowns: &'a [Known],
    /// The state the edge leaves with.
    from: State,
    budget: usize,
    /// Skip only blocks whose loads already ran (see [`optimize`]).
    keep_checks: bool,
    /// Whether a destination past a decided test may read A or X with other values than the
    /// edge leaves, when a scratch word holds the value it needs (the edge then goes through
    /// a block that reloads it): PFLOG's code keeps the header length in `M[0]` and reloads
    /// X from it.
    reload: bool,
}

impl Explorer<'_> {
    /// `Some((e, reload))`: running `b` from state `st` (with `facts` true) is the same as
    /// running `reload` from the edge's state and jumping to `e` — `e` as far down as the
    /// facts decide the tests. `reload` is empty unless the path `crossed` a decided test
    /// (see [`Explorer::reload`]).
    fn explore(
        &mut self,
        vals: &mut Values,
        b: BlockId,
        st: State,
        facts: &Facts,
        depth: usize,
        crossed: bool,
    ) -> Option<(BlockId, Vec<Stmt>)> {
        let need = self.live.get(b.index()).copied().unwrap_or(u32::MAX);
        let mut reload = Vec::new();
        let mut ok = true;
        // (Nothing differs on the edge's own target: no need to look.)
        let regs = if st == self.from { 0 } else { NREGS };
        for (r, (&have, &want)) in self.from.iter().zip(st.iter()).enumerate().take(regs) {
            if need & (1 << r) == 0 || have == want {
                continue;
            }
            let word = (0..16).find(|&j| self.from[j] == want);
            match (r, word) {
                (A, Some(j)) if self.reload && crossed => reload.push(Stmt::LdMem(j as u8)),
                (X, Some(j)) if self.reload && crossed => reload.push(Stmt::LdxMem(j as u8)),
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        let here = ok.then_some((b, reload));
        if depth == 0 || self.budget == 0 {
            return here;
        }
        self.budget -= 1;
        let blk = self.cfg.block(b);
        if self.keep_checks && !checks_done(vals, st, &blk.stmts) {
            return here;
        }
        let mut st2 = st;
        eval_all(vals, &mut st2, &blk.stmts);
        let further = match blk.term {
            Terminal::Goto(t) => self.explore(vals, t, st2, facts, depth - 1, crossed),
            Terminal::Branch { jt, jf, .. } if jt == jf => {
                self.explore(vals, jt, st2, facts, depth - 1, crossed)
            }
            Terminal::Branch { cond, src, jt, jf } => {
                let operand = operand_val(vals, &st2, src);
                let a = st2[A];
                match facts.decide(self.knowns, vals, a, cond, operand) {
                    // The outcome follows from the facts: nothing new to learn.
                    Some(o) => {
                        self.explore(vals, if o { jt } else { jf }, st2, facts, depth - 1, true)
                    }
                    None => None,
                }
            }
            _ => None,
        };
        further.or(here)
    }
}

/// Whether a statement can reject the packet: a packet load (out of the captured bytes) or a
/// division by X (zero).
fn can_reject(s: Stmt) -> bool {
    matches!(
        s,
        Stmt::Ld(..)
            | Stmt::LdInd(..)
            | Stmt::LdxMsh(_)
            | Stmt::Alu(AluOp::Div | AluOp::Mod, Src::X)
    )
}

/// Whether skipping `stmts` from state `st` skips no check that has not already passed: every
/// packet load's value is already in a register (so the same load ran on every path here),
/// and there is no division by X.
fn checks_done(vals: &mut Values, st: State, stmts: &[Stmt]) -> bool {
    let mut st = st;
    for &s in stmts {
        let v = match s {
            Stmt::Ld(size, k) => Some(vals.get(Def::Load(size, k))),
            Stmt::LdInd(size, k) => Some(vals.get(Def::LoadInd(size, k, st[X]))),
            Stmt::LdxMsh(k) => Some(vals.get(Def::Msh(k))),
            Stmt::Alu(AluOp::Div | AluOp::Mod, Src::X) => return false,
            _ => None,
        };
        if let Some(v) = v {
            if !st.contains(&v) {
                return false;
            }
        }
        let _ = eval(vals, &mut st, s);
    }
    true
}

/// Deletes statements whose results nothing reads (with `keep_checks`, only those that cannot
/// reject the packet).
fn dead_stores(cfg: &mut Cfg, shape: &mut Shape, keep_checks: bool) -> bool {
    let (order, live) = shape.take(cfg);
    let mut changed = false;
    let mut keep: Vec<bool> = Vec::new();
    for &b in &order {
        let blk = cfg.block(b);
        // (A `ret` has no successors: nothing is needed after `ret #k`.)
        let mut need = live_out(blk.term, &live, 0) | term_reads(blk.term);
        let stmts = &blk.stmts;
        keep.clear();
        keep.resize(stmts.len(), true);
        for (i, s) in stmts.iter().enumerate().rev() {
            let (u, d) = stmt_use_def(*s);
            if d & need == 0 && !(keep_checks && can_reject(*s)) {
                keep[i] = false;
                continue;
            }
            need = (need & !d) | u;
        }
        if keep.iter().any(|k| !k) {
            changed = true;
            let mut i = 0;
            cfg.block_mut(b).stmts.retain(|_| {
                let k = keep[i];
                i += 1;
                k
            });
        }
    }
    shape.give(order, live);
    shape.edges_kept = true;
    changed
}

/// Deletes the statements of a block that leave every register the code after it reads with
/// the value it had on entry, even if they change registers on the way: PFLOG's and
/// radiotap's code reloads the header length into X (`ldx M[2]`) and recomputes an X it
/// already held before loading a value A already holds. (libpcap's `opt_blk` does the same
/// when A and X end as they began and nothing after reads the block's stores.) The first block
/// keeps its statements, as libpcap's.
fn drop_restoring(cfg: &mut Cfg, shape: &mut Shape, keep_checks: bool) -> bool {
    let mut an = shape.analysis(cfg, true);
    let mut changed = false;
    for &b in &an.order {
        let blk = cfg.block(b);
        if blk.stmts.is_empty() || b == cfg.entry {
            continue;
        }
        let need = live_out(blk.term, &an.live, u32::MAX) | term_reads(blk.term);
        let (entry, exit) = (an.entry[b.index()], an.exit[b.index()]);
        if (0..NREGS).all(|r| need & (1 << r) == 0 || entry[r] == exit[r])
            && (!keep_checks || checks_done(&mut an.vals, entry, &blk.stmts))
        {
            cfg.block_mut(b).stmts.clear();
            changed = true;
        }
    }
    if !changed {
        shape.keep(an);
    }
    shape.edges_kept = true;
    changed
}

/// Statement patterns code generation leaves behind.
fn peephole(cfg: &mut Cfg, shape: &mut Shape) -> bool {
    let entry = cfg.entry;
    let mut changed = false;
    // Value analysis only where the load pattern below has an X not from `ldxb`.
    let needs_values = cfg.blocks.iter().any(|blk| {
        blk.stmts.windows(3).any(|w| {
            matches!(
                w,
                [Stmt::Alu(AluOp::Add, Src::X), Stmt::Tax, Stmt::LdInd(..)]
            )
        }) && !blk.stmts.iter().any(|s| matches!(s, Stmt::LdxMsh(_)))
    });
    let mut an = needs_values.then(|| shape.analysis(cfg, false));
    let (order, live) = shape.take(cfg);
    let mut edges_kept = true;
    for &b in &order {
        let out_live = live_out(cfg.block(b).term, &live, 0);
        // X's values, to bound it below (only for blocks with the pattern and no `ldxb`).
        let entry_state = if needs_values {
            an.as_ref().map(|a| a.entry[b.index()])
        } else {
            None
        };
        let blk = cfg.block_mut(b);
        let (len0, term0) = (blk.stmts.len(), blk.term);
        // `ld #k; [ldxb n | ldx M[j];] add x; tax; ld? [x + c]` → `[ldxb n | ldx M[j];] ld?
        // [x + c + k]` when X is not needed afterwards.
        let mut i = 0;
        while i + 3 < blk.stmts.len() {
            let s = &blk.stmts;
            let (k, mid, rest) = match (s.get(i), s.get(i + 1)) {
                (Some(&Stmt::LdImm(k)), Some(&m @ (Stmt::LdxMsh(_) | Stmt::LdxMem(_)))) => {
                    (k, Some(m), i + 2)
                }
                (Some(&Stmt::LdImm(k)), _) => (k, None, i + 1),
                _ => {
                    i += 1;
                    continue;
                }
            };
            if let (
                Some(Stmt::Alu(AluOp::Add, Src::X)),
                Some(Stmt::Tax),
                Some(&Stmt::LdInd(size, c)),
            ) = (s.get(rest), s.get(rest + 1), s.get(rest + 2))
            {
                // X after the load must be dead: rewritten before read in this block, or not
                // live out.
                let mut x_dead = out_live & (1 << X) == 0;
                for later in &s[rest + 3..] {
                    let (u, d) = stmt_use_def(*later);
                    if u & (1 << X) != 0 {
                        x_dead = false;
                        break;
                    }
                    if d & (1 << X) != 0 {
                        x_dead = true;
                        break;
                    }
                }
                // The terminal may read X too.
                if let Terminal::Branch { src: Src::X, .. } = blk.term {
                    if !s[rest + 3..]
                        .iter()
                        .any(|l| stmt_use_def(*l).1 & (1 << X) != 0)
                    {
                        x_dead = false;
                    }
                }
                // Only when X is small (ldxb's value, or one the values bound), so that
                // x + (c + k) cannot overflow where (x + k) + c would wrap.
                let x_max = if matches!(mid, Some(Stmt::LdxMsh(_)))
                    || s[..i].iter().rev().find_map(|p| match p {
                        Stmt::LdxMsh(_) => Some(true),
                        p if stmt_use_def(*p).1 & (1 << X) != 0 => Some(false),
                        _ => None,
                    }) == Some(true)
                {
                    Some(60)
                } else {
                    match (an.as_mut(), entry_state) {
                        (Some(an), Some(mut st)) => {
                            eval_all(&mut an.vals, &mut st, &s[..rest]);
                            an.vals.max(st[X])
                        }
                        _ => None,
                    }
                };
                if let (Some(c2), Some(x_max)) = (c.checked_add(k), x_max) {
                    if x_dead && c2.checked_add(x_max).is_some() {
                        let mut repl = Vec::new();
                        if let Some(m) = mid {
                            repl.push(m);
                        }
                        repl.push(Stmt::LdInd(size, c2));
                        blk.stmts.splice(i..rest + 3, repl);
                        continue;
                    }
                }
            }
            i += 1;
        }
        // Branch patterns: the statement before a `jeq` when A is not needed afterwards.
        let a_dead_after = out_live & (1 << A) == 0;
        if let Terminal::Branch {
            cond: Cond::Eq,
            src: Src::K(c),
            jt,
            jf,
        } = blk.term
        {
            if a_dead_after {
                match blk.stmts.last() {
                    Some(Stmt::Alu(AluOp::Sub, Src::X)) if c == 0 => {
                        blk.stmts.pop();
                        blk.term = Terminal::Branch {
                            cond: Cond::Eq,
                            src: Src::X,
                            jt,
                            jf,
                        };
                    }
                    Some(&Stmt::Alu(AluOp::Sub, Src::K(k))) => {
                        blk.stmts.pop();
                        blk.term = Terminal::Branch {
                            cond: Cond::Eq,
                            src: Src::K(c.wrapping_add(k)),
                            jt,
                            jf,
                        };
                    }
                    Some(&Stmt::Alu(AluOp::And, Src::K(k))) if c == 0 => {
                        blk.stmts.pop();
                        blk.term = Terminal::Branch {
                            cond: Cond::Set,
                            src: Src::K(k),
                            jt: jf,
                            jf: jt,
                        };
                    }
                    _ => {}
                }
            }
        }
        if let Terminal::Branch {
            cond: Cond::Set,
            src: Src::K(k),
            jt,
            jf,
        } = blk.term
        {
            let is_entry = b == entry;
            if k == 0 {
                blk.term = one_way(is_entry, Cond::Set, Src::K(k), jf);
            } else if k == u32::MAX {
                blk.term = one_way(is_entry, Cond::Set, Src::K(k), jt);
            }
        }
        changed |= blk.stmts.len() != len0 || blk.term != term0;
        edges_kept &= edge_targets(blk.term) == edge_targets(term0);
    }
    shape.give(order, live);
    if let (false, Some(an)) = (changed, an) {
        shape.keep(an);
    }
    shape.edges_kept = edges_kept;
    changed
}

/// How many distinct blocks jump or fall to each block (reachable blocks only).
fn pred_counts(cfg: &Cfg, order: &[BlockId]) -> Vec<u32> {
    let mut counts = vec![0u32; cfg.blocks.len()];
    for &b in order {
        let (ts, k) = edge_targets(cfg.block(b).term);
        for t in &ts[..k] {
            if let Some(c) = counts.get_mut(t.index()) {
                *c += 1;
            }
        }
    }
    counts
}

/// Graph clean-up: branches with one destination become jumps, jumps to empty jump-only
/// blocks are shortened, a block that is the only way into the next is merged with it, and
/// `ret` blocks lose their statements.
fn simplify(cfg: &mut Cfg, shape: &mut Shape, keep_checks: bool, merge: bool) -> bool {
    let mut changed = false;
    let entry = cfg.entry;
    for (i, blk) in cfg.blocks.iter_mut().enumerate() {
        if let Terminal::Branch { jt, jf, .. } = blk.term {
            if jt == jf && i != entry.index() {
                blk.term = Terminal::Goto(jt);
                changed = true;
            }
        }
        if let Terminal::Ret(Ret::K(_)) = blk.term {
            if !blk.stmts.is_empty() && !keep_checks {
                blk.stmts.clear();
                changed = true;
            }
        }
    }
    // Shortcut empty `goto` blocks (bounded: chains are finite in a DAG, loops are left).
    let n = cfg.blocks.len();
    let forward = |cfg: &Cfg, mut t: BlockId| {
        for _ in 0..n {
            match cfg.blocks.get(t.index()) {
                Some(b) if b.stmts.is_empty() => match b.term {
                    Terminal::Goto(u) if u != t => t = u,
                    _ => break,
                },
                _ => break,
            }
        }
        t
    };
    for i in 0..n {
        let term = cfg.blocks[i].term;
        let new = match term {
            Terminal::Branch { cond, src, jt, jf } => {
                let (jt, jf) = (forward(cfg, jt), forward(cfg, jf));
                if jt == jf && i != cfg.entry.index() {
                    Terminal::Goto(jt)
                } else {
                    Terminal::Branch { cond, src, jt, jf }
                }
            }
            Terminal::Goto(t) => Terminal::Goto(forward(cfg, t)),
            other => other,
        };
        changed |= cfg.blocks[i].term != new;
        cfg.blocks[i].term = new;
    }
    let entry = forward(cfg, cfg.entry);
    changed |= entry != cfg.entry;
    cfg.entry = entry;
    // Merge a block into its only predecessor when that one just falls into it.
    if !merge {
        return changed;
    }
    // The shared order while nothing has changed yet, else the new graph's.
    let preds = if changed {
        pred_counts(cfg, &cfg.topo_order())
    } else {
        pred_counts(cfg, shape.order(cfg))
    };
    let mut merged = vec![false; n];
    for i in 0..n {
        if merged[i] {
            continue;
        }
        while let Terminal::Goto(t) = cfg.blocks[i].term {
            let ti = t.index();
            if ti == i || merged[ti] || t == cfg.entry || preds.get(ti) != Some(&1) {
                break;
            }
            let tail = cfg.blocks[ti].clone();
            let blk = &mut cfg.blocks[i];
            blk.stmts.extend(tail.stmts);
            blk.term = tail.term;
            merged[ti] = true;
            changed = true;
        }
    }
    changed
}

/// Groups the tests of `or` (and `and`) chains by the value they test (libpcap's
/// `or_pullup`/`and_pullup` end with the same order): in a chain of blocks that all go to the
/// same place when their test holds (fails, for `and`) and that only load A, the tests of one
/// value are made adjacent, values ordered by first appearance — the value the chain is entered
/// with first. Then one load serves each group: `port 80 or 443` tests the source port against
/// both numbers, then the destination port.
fn pullup(cfg: &mut Cfg, shape: &mut Shape) -> bool {
    // Only chains with loads after their first block can be out of order: look for one
    // before analysing anything (chains need only how many predecessors blocks have).
    let order = shape.order(cfg);
    let counts = pred_counts(cfg, order);
    let candidate = order.iter().any(|&head| {
        [true, false].into_iter().any(|or| {
            find_chain(cfg, &counts, head, or)
                .is_some_and(|c| c.iter().skip(1).any(|b| !cfg.block(*b).stmts.is_empty()))
        })
    });
    if !candidate {
        return false;
    }
    let an = shape.analysis(cfg, true);
    let mut changed = false;
    let mut used = vec![false; cfg.blocks.len()];
    for &head in &an.order {
        for or in [true, false] {
            if used[head.index()] {
                break;
            }
            if let Some(chain) = find_chain(cfg, &counts, head, or) {
                if regroup(cfg, &an, &chain, or) {
                    changed = true;
                    for b in chain {
                        used[b.index()] = true;
                    }
                }
            }
        }
    }
    if !changed {
        shape.keep(an);
    }
    changed
}

/// The chain successor (false side of an `or` chain, true side of an `and` chain) and the
/// common target.
fn chain_sides(cfg: &Cfg, b: BlockId, or: bool) -> Option<(BlockId, BlockId)> {
    match cfg.block(b).term {
        Terminal::Branch { jt, jf, .. } if jt != jf => Some(if or { (jf, jt) } else { (jt, jf) }),
        _ => None,
    }
}

/// The maximal chain starting at `head`: blocks linked on the chain side, all with the same
/// common target, all but the head entered only from the previous one. ([`regroup`] checks
/// what the blocks' statements may change.)
fn find_chain(cfg: &Cfg, preds: &[u32], head: BlockId, or: bool) -> Option<Vec<BlockId>> {
    let (_, common) = chain_sides(cfg, head, or)?;
    // The block after `cur`, if it continues the chain (no allocation for the many heads
    // that start none).
    let follows = |cur: BlockId, chain: &[BlockId]| -> Option<BlockId> {
        let (next, _) = chain_sides(cfg, cur, or)?;
        match chain_sides(cfg, next, or) {
            Some((_, c))
                if c == common
                    && preds.get(next.index()) == Some(&1)
                    && next != head
                    && !chain.contains(&next) =>
            {
                Some(next)
            }
            _ => None,
        }
    };
    let second = follows(head, &[])?;
    let mut chain = vec![head, second];
    let mut cur = second;
    while chain.len() < MAX_CHAIN {
        match follows(cur, &chain) {
            Some(next) => {
                chain.push(next);
                cur = next;
            }
            None => break,
        }
    }
    Some(chain)
}

/// Reorders a chain by value; false when it is already grouped or cannot be.
fn regroup(cfg: &mut Cfg, an: &Analysis, chain: &[BlockId], or: bool) -> bool {
    let (Some(&head), Some(&last)) = (chain.first(), chain.last()) else {
        return false;
    };
    let Some((exit, _)) = chain_sides(cfg, last, or) else {
        return false;
    };
    // Each block still jumps to the common target with its own value in A; the chain's exit
    // gets the last block's: if it reads A, that must not change.
    let live = |t: BlockId| an.live.get(t.index()).copied().unwrap_or(u32::MAX);
    let entry_a = an.entry[head.index()][A];
    let val = |b: BlockId| an.exit[b.index()][A];
    // Value order: the entry value first (if tested), then by first appearance.
    let mut order: Vec<Val> = Vec::new();
    if chain.iter().any(|&b| val(b) == entry_a) {
        order.push(entry_a);
    }
    for &b in chain {
        if !order.contains(&val(b)) {
            order.push(val(b));
        }
    }
    let mut new: Vec<BlockId> = Vec::with_capacity(chain.len());
    for v in &order {
        new.extend(chain.iter().copied().filter(|&b| val(b) == *v));
    }
    if new == chain
        || (live(exit) & (1 << A) != 0 && new.last().map(|&b| val(b)) != Some(val(last)))
    {
        return false;
    }
    // Registers other than A that the chain's statements write must be dead where it leaves
    // (the re-planned statements below leave other values there).
    let Some((_, common)) = chain_sides(cfg, head, or) else {
        return false;
    };
    let written = chain
        .iter()
        .flat_map(|&b| cfg.block(b).stmts.iter())
        .fold(0u32, |acc, s| acc | stmt_use_def(*s).1)
        & !(1 << A);
    if (live(exit) | live(common)) & written != 0 {
        return false;
    }
    // Each block in its new place gets statements that give it the value it tested (and the
    // X it compared with): none when the value is already in A, else the statements of the
    // first block of the chain that computes it from the state there.
    let mut vals = an.vals.clone();
    let mut st = an.entry[head.index()];
    let mut plan: Vec<Vec<Stmt>> = Vec::with_capacity(new.len());
    for &b in &new {
        let v = val(b);
        let x_ok = |s: &State| match cfg.block(b).term {
            Terminal::Branch { src: Src::X, .. } => s[X] == an.exit[b.index()][X],
            _ => true,
        };
        let mut found = None;
        if st[A] == v && x_ok(&st) {
            found = Some((Vec::new(), st));
        } else {
            for &c in chain.iter().filter(|&&c| val(c) == v) {
                let stmts = &cfg.block(c).stmts;
                let mut s2 = st;
                eval_all(&mut vals, &mut s2, stmts);
                if s2[A] == v && x_ok(&s2) {
                    found = Some((stmts.clone(), s2));
                    break;
                }
            }
        }
        let Some((stmts, s2)) = found else {
            return false;
        };
        plan.push(stmts);
        st = s2;
    }
    for (&b, stmts) in new.iter().zip(plan) {
        let blk = cfg.block_mut(b);
        blk.stmts = stmts;
    }
    for w in new.windows(2) {
        set_chain(cfg, w[0], or, w[1]);
    }
    if let Some(&l) = new.last() {
        set_chain(cfg, l, or, exit);
    }
    let first = new[0];
    if first != head {
        // Every way into the chain (from outside it: inside, the head may now follow another
        // block) goes to its new first block. Looked up now, not before the pass: an earlier
        // chain regrouped in this pass may have a new last block leading here.
        for (i, blk) in cfg.blocks.iter_mut().enumerate() {
            if !chain.contains(&BlockId(i as u32)) {
                blk.term.retarget(head, first);
            }
        }
        if cfg.entry == head {
            cfg.entry = first;
        }
    }
    true
}

fn set_chain(cfg: &mut Cfg, b: BlockId, or: bool, to: BlockId) {
    if let Terminal::Branch { jt, jf, .. } = &mut cfg.block_mut(b).term {
        if or {
            *jf = to;
        } else {
            *jt = to;
        }
    }
}

/// Merges blocks with the same statements and the same terminal, bottom up.
fn merge_identical(cfg: &mut Cfg, shape: &mut Shape) -> bool {
    let mut changed = false;
    let order = shape.take_order(cfg);
    // Blocks kept, by a hash of their statements and terminal; compared whole on a match
    // (no copies of the blocks).
    let mut canon: FxMap<u64, BlockId> =
        FxMap::with_capacity_and_hasher(order.len(), Default::default());
    // Kept blocks whose hash another kept block has already (rare).
    let mut collided: Vec<(u64, BlockId)> = Vec::new();
    let mut repl: Vec<BlockId> = (0..cfg.blocks.len() as u32).map(BlockId).collect();
    for &b in order.iter().rev() {
        // Successors are already canonical.
        let fix = |t: BlockId| repl.get(t.index()).copied().unwrap_or(t);
        let blk = cfg.block_mut(b);
        blk.term = match blk.term {
            Terminal::Branch { cond, src, jt, jf } => Terminal::Branch {
                cond,
                src,
                jt: fix(jt),
                jf: fix(jf),
            },
            Terminal::Goto(t) => Terminal::Goto(fix(t)),
            Terminal::Loop(t) => Terminal::Loop(t),
            r => r,
        };
        let key = {
            use std::hash::{Hash, Hasher};
            let mut h = Fx::default();
            blk.hash(&mut h);
            h.finish()
        };
        let equal = |c: BlockId| cfg.blocks.get(c.index()) == Some(cfg.block(b));
        let same = match canon.get(&key) {
            Some(&c) if equal(c) => Some(c),
            Some(_) => collided
                .iter()
                .find(|&&(k, c)| k == key && equal(c))
                .map(|&(_, c)| c),
            None => None,
        };
        match same {
            Some(c) => {
                repl[b.index()] = c;
                changed = true;
            }
            None if canon.contains_key(&key) => collided.push((key, b)),
            None => {
                canon.insert(key, b);
            }
        }
    }
    let fix = |t: BlockId| repl.get(t.index()).copied().unwrap_or(t);
    for blk in &mut cfg.blocks {
        blk.term = match blk.term {
            Terminal::Branch { cond, src, jt, jf } => Terminal::Branch {
                cond,
                src,
                jt: fix(jt),
                jf: fix(jf),
            },
            Terminal::Goto(t) => Terminal::Goto(fix(t)),
            r => r,
        };
    }
    cfg.entry = fix(cfg.entry);
    shape.give_order(order);
    changed
}

#[cfg(test)]
mod tests;
