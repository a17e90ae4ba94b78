//! `jeq` chains as table lookups: what `host a or host b or …` and port lists compile to is a
//! chain of `jeq #k` whose false branches fall through to the next; a chain of [`MIN_SWITCH`] or
//! more becomes one probe of a collision-free hash table ([`Table`]), the first match winning
//! as in the chain. [`tables`] finds the chains; the fused forms that use the tables (a lookup,
//! or an absolute load and a lookup) are in [`fuse`](super::fuse).

use super::decode::{pc, Cond, Op, Pc};

/// Chains of `jeq` shorter than this stay as they are (pairs become a two-way `jeq`).
const MIN_SWITCH: usize = 4;
/// A table covers at most this many `jeq`s; longer chains become consecutive tables.
const MAX_SWITCH: usize = 32;

/// A collision-free hash table from `jeq` constants to jump targets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Table {
    mult: u32,
    shift: u32,
    /// `(key, target)`; empty slots hold the miss target, so a lookup is one probe.
    slots: Box<[(u32, Pc)]>,
    miss: Pc,
}

impl Table {
    #[inline(always)]
    pub(super) fn lookup(&self, a: u32) -> Pc {
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

/// The tables for every `jeq` chain of `ops`, and for each op the table that replaces it when
/// it heads a chain (or a segment of a long one).
pub(super) fn tables(ops: &[Op]) -> (Vec<Table>, Vec<Option<u16>>) {
    let mut tables = Vec::new();
    let mut heads = vec![None; ops.len()];
    let mut p = 0;
    while p < ops.len() {
        let q = chain_end(ops, p);
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
                .filter_map(|m| match ops.get(m) {
                    Some(&Op::JmpK { k, t, .. }) => Some((k, t)),
                    _ => None,
                })
                .collect();
            let miss = if end == q {
                match ops.get(q) {
                    Some(&Op::JmpK { f, .. }) => f,
                    _ => 0,
                }
            } else {
                pc(end.saturating_add(1))
            };
            let (Some(table), Ok(id)) = (Table::build(&entries, miss), u16::try_from(tables.len()))
            else {
                break;
            };
            tables.push(table);
            if let Some(slot) = heads.get_mut(head) {
                *slot = Some(id);
            }
            head = end.saturating_add(1);
        }
        p = q.saturating_add(1);
    }
    (tables, heads)
}

/// The last op of the `jeq` chain that starts at `p` (`p` itself when there is none): ops
/// `p..=q` are all `jeq #k`, those before `q` fall through when false, and every true branch
/// leaves the chain (lands after `q`), so the chain is "first `k` equal to A wins, else `q`'s
/// false branch".
fn chain_end(ops: &[Op], p: usize) -> usize {
    let mut q = p;
    let mut min_target = usize::MAX;
    let mut best = p;
    while let Some(&Op::JmpK {
        cond: Cond::Eq,
        t,
        f,
        ..
    }) = ops.get(q)
    {
        min_target = min_target.min(usize::from(t));
        if min_target <= q {
            break;
        }
        best = q;
        let next = q.saturating_add(1);
        if usize::from(f) != next {
            break;
        }
        q = next;
    }
    best
}
