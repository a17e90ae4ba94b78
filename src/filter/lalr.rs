//! An LALR(1) table builder, so that the parser runs libpcap's grammar itself.
//!
//! libpcap's grammar (`grammar.y.in`) is ambiguous in 38 places, which bison resolves by
//! shifting, and that choice decides which expressions libpcap accepts (`%`/`^` binding
//! rightward, `(5)` being a number, …). Building the same LALR(1) automaton and resolving its
//! conflicts with bison's rules reproduces those decisions exactly instead of imitating them:
//!
//! * a shift/reduce conflict where both the token and the rule have a precedence is decided by
//!   precedence, then associativity (left: reduce, non-associative: error; libpcap declares no `%right`);
//! * otherwise shift wins (counted as a conflict, like bison's `%expect`);
//! * a reduce/reduce conflict goes to the rule listed first.
//!
//! A rule's precedence is its explicit one, or that of the last terminal in it. Lookaheads are
//! computed by the classic propagation method (Aho, Lam, Sethi, Ullman, §4.7.5): LR(1) closure of
//! each kernel item with a marker lookahead gives the spontaneous lookaheads and the propagation
//! edges, iterated to a fixpoint.

use std::collections::HashMap;

/// Operator associativity.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Assoc {
    /// `%left`.
    Left,
    /// `%nonassoc`.
    Neither,
}

/// A precedence: level (higher binds tighter) and associativity.
pub type Prec = Option<(u8, Assoc)>;

/// A grammar: symbols are numbers, terminals `0..terminals`, nonterminal `n` is
/// `terminals + n`.
#[derive(Debug)]
pub struct Grammar {
    /// Number of terminals.
    pub terminals: usize,
    /// Number of nonterminals.
    pub nonterminals: usize,
    /// The terminal that ends the input.
    pub end: usize,
    /// The start nonterminal (index among nonterminals).
    pub start: usize,
    /// Rules: left-hand nonterminal, right-hand symbols, explicit precedence.
    pub rules: Vec<(usize, Vec<usize>, Prec)>,
    /// Precedence of each terminal.
    pub term_prec: Vec<Prec>,
}

/// One entry of the action table.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Action {
    /// A syntax error.
    Error,
    /// Shift and go to the state.
    Shift(u16),
    /// Reduce by the rule.
    Reduce(u16),
    /// The input is a sentence.
    Accept,
}

/// The parse tables.
#[derive(Debug)]
pub struct Tables {
    /// `action[state * terminals + terminal]`.
    pub action: Vec<Action>,
    /// `goto[state * nonterminals + nonterminal]`, `u16::MAX` for none.
    pub goto: Vec<u16>,
    /// Number of terminals (row width of `action`).
    pub terminals: usize,
    /// Number of nonterminals (row width of `goto`).
    pub nonterminals: usize,
    /// Shift/reduce conflicts not decided by precedence (resolved by shifting).
    pub shift_reduce: usize,
    /// Reduce/reduce conflicts (resolved for the earlier rule).
    pub reduce_reduce: usize,
}

impl Tables {
    /// The action in `state` on `terminal`.
    pub fn action(&self, state: usize, terminal: usize) -> Action {
        self.action
            .get(state * self.terminals + terminal)
            .copied()
            .unwrap_or(Action::Error)
    }

    /// The state after reducing to `nonterminal` in `state`.
    pub fn goto(&self, state: usize, nonterminal: usize) -> Option<usize> {
        match self.goto.get(state * self.nonterminals + nonterminal) {
            Some(&s) if s != u16::MAX => Some(s as usize),
            _ => None,
        }
    }
}

/// A set of terminals (plus one marker bit), as a fixed bit set.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Debug)]
struct Set([u64; 4]);

impl Set {
    fn insert(&mut self, i: usize) -> bool {
        let (w, b) = (i / 64, 1u64 << (i % 64));
        let new = self.0[w] & b == 0;
        self.0[w] |= b;
        new
    }
    fn contains(&self, i: usize) -> bool {
        self.0[i / 64] & (1u64 << (i % 64)) != 0
    }
    fn union(&mut self, o: &Set) -> bool {
        let mut changed = false;
        for (a, b) in self.0.iter_mut().zip(o.0) {
            let n = *a | b;
            changed |= n != *a;
            *a = n;
        }
        changed
    }
    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        (0..256).filter(|&i| self.contains(i))
    }
}

/// An LR(0) item: rule and dot position.
type Item = (u16, u16);

impl Grammar {
    fn is_term(&self, s: usize) -> bool {
        s < self.terminals
    }

    /// Builds the tables. Rule 0 must be the augmented start rule `S' → start`; the builder
    /// adds it, so `rules` here are the grammar's own and rule `i` of the result is
    /// `rules[i - 1]`.
    pub fn build(&self) -> Tables {
        assert!(self.terminals < 255, "terminal sets hold 255 terminals");
        let marker = 255; // the '#' lookahead of the propagation method
        let aug_nt = self.nonterminals;
        let mut rules: Vec<(usize, Vec<usize>, Prec)> =
            vec![(aug_nt, vec![self.terminals + self.start], None)];
        rules.extend(self.rules.iter().cloned());
        let nts = self.nonterminals + 1;
        let by_lhs: Vec<Vec<usize>> = (0..nts)
            .map(|n| (0..rules.len()).filter(|&r| rules[r].0 == n).collect())
            .collect();

        // Nullable and FIRST.
        let mut nullable = vec![false; nts];
        let mut first = vec![Set::default(); nts];
        loop {
            let mut changed = false;
            for (lhs, rhs, _) in &rules {
                let mut all_nullable = true;
                for &s in rhs {
                    if self.is_term(s) {
                        changed |= first[*lhs].insert(s);
                        all_nullable = false;
                        break;
                    }
                    let n = s - self.terminals;
                    let f = first[n];
                    changed |= first[*lhs].union(&f);
                    if !nullable[n] {
                        all_nullable = false;
                        break;
                    }
                }
                if all_nullable && !nullable[*lhs] {
                    nullable[*lhs] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        // FIRST of a symbol string, and whether it is nullable.
        let first_of = |syms: &[usize]| -> (Set, bool) {
            let mut set = Set::default();
            for &s in syms {
                if self.is_term(s) {
                    set.insert(s);
                    return (set, false);
                }
                let n = s - self.terminals;
                set.union(&first[n]);
                if !nullable[n] {
                    return (set, false);
                }
            }
            (set, true)
        };

        let next_sym = |(r, d): Item| rules[r as usize].1.get(d as usize).copied();

        // LR(0) closure.
        let closure0 = |kernel: &[Item]| -> Vec<Item> {
            let mut items: Vec<Item> = kernel.to_vec();
            let mut seen = vec![false; nts];
            let mut i = 0;
            while i < items.len() {
                if let Some(s) = next_sym(items[i]) {
                    if !self.is_term(s) {
                        let n = s - self.terminals;
                        if !seen[n] {
                            seen[n] = true;
                            for &r in &by_lhs[n] {
                                items.push((r as u16, 0));
                            }
                        }
                    }
                }
                i += 1;
            }
            items
        };

        // Canonical LR(0) collection.
        let mut kernels: Vec<Vec<Item>> = vec![vec![(0, 0)]];
        let mut index: HashMap<Vec<Item>, usize> = HashMap::new();
        index.insert(kernels[0].clone(), 0);
        let nsyms = self.terminals + nts;
        let mut trans: Vec<HashMap<usize, usize>> = Vec::new();
        let mut s = 0;
        while s < kernels.len() {
            let items = closure0(&kernels[s]);
            let mut by_sym: Vec<(usize, Vec<Item>)> = Vec::new();
            for &(r, d) in &items {
                if let Some(x) = next_sym((r, d)) {
                    match by_sym.iter_mut().find(|(y, _)| *y == x) {
                        Some((_, v)) => v.push((r, d + 1)),
                        None => by_sym.push((x, vec![(r, d + 1)])),
                    }
                }
            }
            let mut t = HashMap::new();
            for (x, mut k) in by_sym {
                k.sort_unstable();
                k.dedup();
                let id = *index.entry(k.clone()).or_insert_with(|| {
                    kernels.push(k);
                    kernels.len() - 1
                });
                t.insert(x, id);
            }
            debug_assert!(t.keys().all(|&x| x < nsyms));
            trans.push(t);
            s += 1;
        }
        let nstates = kernels.len();

        // LR(1) closure of items with lookahead sets.
        let closure1 = |start: Vec<(Item, Set)>| -> Vec<(Item, Set)> {
            let mut items: Vec<(Item, Set)> = start;
            let mut pos: HashMap<Item, usize> = items
                .iter()
                .enumerate()
                .map(|(i, (it, _))| (*it, i))
                .collect();
            let mut work: Vec<usize> = (0..items.len()).collect();
            while let Some(i) = work.pop() {
                let ((r, d), la) = items[i];
                let rhs = &rules[r as usize].1;
                let Some(&x) = rhs.get(d as usize) else {
                    continue;
                };
                if self.is_term(x) {
                    continue;
                }
                let (mut f, null) = first_of(&rhs[d as usize + 1..]);
                if null {
                    f.union(&la);
                }
                for &nr in &by_lhs[x - self.terminals] {
                    let it = (nr as u16, 0u16);
                    match pos.get(&it) {
                        Some(&j) => {
                            if items[j].1.union(&f) {
                                work.push(j);
                            }
                        }
                        None => {
                            pos.insert(it, items.len());
                            items.push((it, f));
                            work.push(items.len() - 1);
                        }
                    }
                }
            }
            items
        };

        // Lookaheads of kernel items: spontaneous ones and propagation edges.
        let kpos: Vec<HashMap<Item, usize>> = kernels
            .iter()
            .map(|k| k.iter().enumerate().map(|(i, it)| (*it, i)).collect())
            .collect();
        let mut la: Vec<Vec<Set>> = kernels
            .iter()
            .map(|k| vec![Set::default(); k.len()])
            .collect();
        let mut edges: Vec<Vec<Vec<(usize, usize)>>> =
            kernels.iter().map(|k| vec![Vec::new(); k.len()]).collect();
        la[0][0].insert(self.end);
        for s in 0..nstates {
            for (ki, &k) in kernels[s].iter().enumerate() {
                let mut m = Set::default();
                m.insert(marker);
                for ((r, d), l) in closure1(vec![(k, m)]) {
                    let Some(x) = next_sym((r, d)) else {
                        continue;
                    };
                    let t = trans[s][&x];
                    let ti = kpos[t][&(r, d + 1)];
                    for a in l.iter() {
                        if a == marker {
                            edges[s][ki].push((t, ti));
                        } else {
                            la[t][ti].insert(a);
                        }
                    }
                }
            }
        }
        loop {
            let mut changed = false;
            for s in 0..nstates {
                for ki in 0..kernels[s].len() {
                    let from = la[s][ki];
                    for &(t, ti) in &edges[s][ki] {
                        changed |= la[t][ti].union(&from);
                    }
                }
            }
            if !changed {
                break;
            }
        }

        // Actions.
        let rule_prec: Vec<Prec> = rules
            .iter()
            .map(|(_, rhs, p)| {
                p.or_else(|| {
                    rhs.iter()
                        .rev()
                        .find(|&&s| self.is_term(s))
                        .and_then(|&s| self.term_prec[s])
                })
            })
            .collect();
        let nt = self.terminals;
        let mut action = vec![Action::Error; nstates * nt];
        let mut goto = vec![u16::MAX; nstates * self.nonterminals];
        let (mut sr, mut rr) = (0, 0);
        for s in 0..nstates {
            for (&x, &t) in &trans[s] {
                if x < nt {
                    action[s * nt + x] = Action::Shift(t as u16);
                } else if x - nt < self.nonterminals {
                    goto[s * self.nonterminals + x - nt] = t as u16;
                }
            }
            let start: Vec<(Item, Set)> = kernels[s]
                .iter()
                .zip(&la[s])
                .map(|(&k, &l)| (k, l))
                .collect();
            // Reductions, by terminal: the rules that may be reduced.
            let mut reduce: Vec<Vec<usize>> = vec![Vec::new(); nt];
            for ((r, d), l) in closure1(start) {
                if (d as usize) < rules[r as usize].1.len() {
                    continue;
                }
                for a in l.iter().filter(|&a| a < nt) {
                    reduce[a].push(r as usize);
                }
            }
            for (a, mut rs) in reduce.into_iter().enumerate() {
                if rs.is_empty() {
                    continue;
                }
                rs.sort_unstable();
                rs.dedup();
                if rs.len() > 1 {
                    rr += rs.len() - 1;
                }
                let r = rs[0];
                let entry = &mut action[s * nt + a];
                if r == 0 {
                    *entry = Action::Accept;
                    continue;
                }
                *entry = match *entry {
                    Action::Shift(t) => match (self.term_prec[a], rule_prec[r]) {
                        (Some((tl, _)), Some((rl, assoc))) => {
                            if rl > tl {
                                Action::Reduce(r as u16)
                            } else if rl < tl {
                                Action::Shift(t)
                            } else {
                                match assoc {
                                    Assoc::Left => Action::Reduce(r as u16),
                                    Assoc::Neither => Action::Error,
                                }
                            }
                        }
                        _ => {
                            sr += 1;
                            Action::Shift(t)
                        }
                    },
                    _ => Action::Reduce(r as u16),
                };
            }
        }
        Tables {
            action,
            goto,
            terminals: nt,
            nonterminals: self.nonterminals,
            shift_reduce: sr,
            reduce_reduce: rr,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // E → E + E | E * E | n, with + < * both left: the classic ambiguous expression grammar.
    fn expr_grammar() -> Grammar {
        // terminals: 0 end, 1 '+', 2 '*', 3 n
        Grammar {
            terminals: 4,
            nonterminals: 1,
            end: 0,
            start: 0,
            rules: vec![
                (0, vec![4, 1, 4], None),
                (0, vec![4, 2, 4], None),
                (0, vec![3], None),
            ],
            term_prec: vec![None, Some((1, Assoc::Left)), Some((2, Assoc::Left)), None],
        }
    }

    fn run(t: &Tables, input: &[usize]) -> Option<Vec<usize>> {
        let mut stack = vec![0usize];
        let mut reductions = Vec::new();
        let mut i = 0;
        loop {
            match t.action(*stack.last()?, input[i]) {
                Action::Shift(s) => {
                    stack.push(s as usize);
                    i += 1;
                }
                Action::Reduce(r) => {
                    let n = [3, 3, 1][r as usize - 1];
                    stack.truncate(stack.len() - n);
                    stack.push(t.goto(*stack.last()?, 0)?);
                    reductions.push(r as usize);
                }
                Action::Accept => return Some(reductions),
                Action::Error => return None,
            }
        }
    }

    #[test]
    fn precedence_decides_conflicts() {
        let t = expr_grammar().build();
        assert_eq!((t.shift_reduce, t.reduce_reduce), (0, 0));
        // n + n * n: the product is reduced first (rule 2), then the sum (rule 1).
        assert_eq!(run(&t, &[3, 1, 3, 2, 3, 0]), Some(vec![3, 3, 3, 2, 1]));
        // n * n + n: product first.
        assert_eq!(run(&t, &[3, 2, 3, 1, 3, 0]), Some(vec![3, 3, 2, 3, 1]));
        assert_eq!(run(&t, &[3, 1, 0]), None);
    }

    #[test]
    fn unresolved_conflicts_shift_and_are_counted() {
        let mut g = expr_grammar();
        g.term_prec = vec![None; 4];
        let t = g.build();
        assert_eq!(t.shift_reduce, 4);
        // Shifting makes both operators right-associative: n + n * n → n + (n * n),
        // n * n + n → n * (n + n).
        assert_eq!(run(&t, &[3, 2, 3, 1, 3, 0]), Some(vec![3, 3, 3, 1, 2]));
    }
}
