//! The interpreter: a validated program is prepared once into [`Code`], which then runs per
//! packet. Preparing goes through three stages, one module each:
//!
//! 1. [`decode`]: each instruction becomes one op at the same index, so every jump target
//!    stays valid; jump targets are absolute, loads and jumps name their size and test.
//! 2. [`fuse`] (with [`switch`] for chains of `jeq`): each op becomes the node it runs as,
//!    where common sequences of instructions become one node (the fused forms are listed
//!    there, each with its rule, handler and test sample in one place: adding one changes
//!    nothing else).
//! 3. [`run`]: the nodes are direct-threaded code, each a handler function plus operands; a
//!    handler does its op's work and then calls its successor's handler in tail position,
//!    which optimized builds compile to an indirect jump: there is no central dispatch loop,
//!    each handler's jump is predicted on its own, and A and X stay in registers. Conditional
//!    jumps are compiled as real branches (not conditional moves), so the next node can be
//!    fetched while the packet byte that decides the branch is still being loaded. When a
//!    packet load fails, the handler tail-calls a cold twin that handles Linux metadata or
//!    rejects, which keeps the common handlers free of stack frames.
//!
//! # Memory
//!
//! [`Code`] holds one 24-byte node per instruction and the `jeq` tables (8 to 64 bytes per
//! constant), nothing sized by the largest possible program, both behind an `Arc`: clones of
//! a [`Program`] share them.
//!
//! # Safety without `unsafe`
//!
//! Nodes are fetched with `get` (a node past the end, which validation rules out, rejects).
//! Packet bytes are read with `get` on the captured data; scratch memory indices are masked to
//! 0..16 (validation has already checked them). The stack stays bounded whether or not the
//! compiler turns the calls into jumps (see `run::go!`). Nothing here can panic: the lints
//! below are denied.

#![deny(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::panic
)]

mod decode;
mod fuse;
mod run;
mod switch;

use super::ancillary::Ancillary;
use super::insn::Instruction;
use super::op::{BPF_MAXINSNS, BPF_MEMWORDS, SKF_LL_OFF};
use super::validate::Program;
use crate::packet::PacketHeader;
use run::{exec, Cx, Node};
use std::sync::Arc;
use switch::Table;

/// The most a run may spend in loops (programs with backward `ja`, which only libpcap's rules
/// allow): each backward jump costs the number of instructions it jumps back over, plus one,
/// and a run whose total exceeds this budget rejects the packet. A run therefore executes at
/// most `LOOP_BUDGET` + program length instructions. libpcap's `ip6 protochain` loop advances
/// at least 8 bytes per ~15 instructions, so the budget covers packets of well over 4 MiB;
/// libpcap itself would loop forever on a program that never leaves its loop. (Fuzzing builds,
/// `--cfg fuzzing`, use 2^12, so that the fuzzer does not spend its time in endless loops.)
pub const LOOP_BUDGET: u32 = if cfg!(fuzzing) { 1 << 12 } else { 1 << 24 };

/// A program prepared for the interpreter: one node per instruction, and the `jeq` tables.
/// Clones share both.
#[derive(Clone)]
pub(crate) struct Code {
    nodes: Nodes,
    tables: Arc<[Table]>,
}

/// The nodes: programs longer than 4096 instructions (libpcap's rules only) bound the
/// nesting of handler calls (see `run::go!`), the others need not.
#[derive(Clone)]
enum Nodes {
    Shallow(Arc<[Node<false>]>),
    Deep(Arc<[Node<true>]>),
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Code")
            .field("nodes", &self.len())
            .field("tables", &self.tables)
            .finish()
    }
}

impl Code {
    /// Prepares validated instructions (see the module docs).
    pub(crate) fn new(insns: &[Instruction]) -> Code {
        Code::build(insns, true)
    }

    /// [`Code::new`], with or without fused forms.
    fn build(insns: &[Instruction], fuse: bool) -> Code {
        let ops: Vec<decode::Op> = insns
            .iter()
            .enumerate()
            .map(|(i, insn)| decode::decode(i, insn))
            .collect();
        let (tables, heads) = switch::tables(&ops);
        let site = fuse::Site::new(&ops, &heads);
        let nodes = if ops.len() <= BPF_MAXINSNS {
            Nodes::Shallow(fuse::nodes(&site, fuse))
        } else {
            Nodes::Deep(fuse::nodes(&site, fuse))
        };
        Code {
            nodes,
            tables: tables.into(),
        }
    }

    /// Number of nodes (= instructions).
    fn len(&self) -> usize {
        match &self.nodes {
            Nodes::Shallow(n) => n.len(),
            Nodes::Deep(n) => n.len(),
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
        match &self.nodes {
            Nodes::Shallow(nodes) => exec(nodes, &mut cx),
            Nodes::Deep(nodes) => exec(nodes, &mut cx),
        }
    }
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
        self.code().run(data, wire_len, None)
    }

    /// Runs the program on one packet with its Linux metadata: ancillary loads
    /// (`ld [SKF_AD_OFF + n]`) read `aux` (or compute, for `nla`/`nlan`/`xor_x`), and loads
    /// relative to `SKF_LL_OFF` / `SKF_NET_OFF` read the data from its start / from
    /// `aux.network_offset`, as in the kernel. Otherwise the same as [`run`](Program::run).
    #[inline]
    pub fn run_with(&self, data: &[u8], wire_len: u32, aux: &Ancillary) -> u32 {
        self.code().run(data, wire_len, Some(aux))
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

    /// Whether the program accepts `data` as a whole packet, captured in full (captured and
    /// wire length both `data.len()`): the `pcap` crate's `BpfProgram::filter`. For a packet
    /// cut short by a snap length use [`matches`](Program::matches), which knows both lengths.
    ///
    /// ```
    /// # use ferrocap::bpf::Program;
    /// // `tcpdump -ddd 'len >= 100'`
    /// let long = Program::parse("4\n128 0 0 0\n53 0 1 100\n6 0 0 262144\n6 0 0 0\n", Default::default())?;
    /// assert!(long.filter(&[0; 100]));
    /// assert!(!long.filter(&[0; 99]));
    /// # Ok::<(), ferrocap::bpf::ParseError>(())
    /// ```
    #[inline]
    pub fn filter(&self, data: &[u8]) -> bool {
        self.run(data, u32::try_from(data.len()).unwrap_or(u32::MAX)) != 0
    }
}

/// The fused form (or `"single"`) each instruction runs as, and the number of `jeq` tables.
#[cfg(test)]
fn forms(insns: &[Instruction]) -> (Vec<&'static str>, usize) {
    let ops: Vec<decode::Op> = insns
        .iter()
        .enumerate()
        .map(|(i, insn)| decode::decode(i, insn))
        .collect();
    let (tables, heads) = switch::tables(&ops);
    let site = fuse::Site::new(&ops, &heads);
    let forms = (0..ops.len()).map(|i| fuse::form(&site, i)).collect();
    (forms, tables.len())
}

#[cfg(test)]
#[allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::arithmetic_side_effects
)]
mod tests {
    use super::super::op::{SKF_AD_OFF, SKF_AD_PKTTYPE};
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
        let (forms, tables) = forms(p.instructions());
        assert_eq!(tables, 1);
        assert_eq!(forms[0], "ld_jeq_chain");
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
        assert!(forms(p.instructions()).1 >= 3);
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

    /// Every fused form's sample program reaches the form, and its fused nodes compute what
    /// the instructions do one by one, with and without Linux metadata, on packets long and
    /// short (loads that fail take the slow path).
    #[test]
    fn fused_forms_compute_what_their_instructions_do() {
        const BYTES: [u8; 10] = [0, 1, 2, 3, 4, 8, 0x10, 0x40, 0x45, 0xf0];
        let mut seed = 0x9e37_79b9u32;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed as usize
        };
        let mut aux = Ancillary::new();
        aux.network_offset = Some(1);
        let samples = fuse::samples();
        let names: std::collections::BTreeSet<_> = samples.iter().map(|s| s.0).collect();
        assert!(
            !samples.is_empty() && names.len() == samples.len(),
            "{names:?}"
        );
        for (name, sample) in samples {
            let insns: Vec<Instruction> = sample.iter().map(|&t| Instruction::from(t)).collect();
            Program::new(insns.clone()).unwrap();
            let (reached, _) = forms(&insns);
            assert!(reached.contains(&name), "{name}: {reached:?}");
            let fused = Code::build(&insns, true);
            let unfused = Code::build(&insns, false);
            let mut results = std::collections::BTreeSet::new();
            for _ in 0..3000 {
                let len = if next() % 2 == 0 {
                    next() % 8
                } else {
                    next() % 72
                };
                let data: Vec<u8> = (0..len).map(|_| BYTES[next() % BYTES.len()]).collect();
                let wire = (next() % 100) as u32;
                let r = fused.run(&data, wire, None);
                assert_eq!(r, unfused.run(&data, wire, None), "{name} on {data:?}");
                let with = fused.run(&data, wire, Some(&aux));
                assert_eq!(
                    with,
                    unfused.run(&data, wire, Some(&aux)),
                    "{name} on {data:?}"
                );
                results.insert(r);
            }
            assert!(results.len() >= 2, "{name}: only {results:?}");
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
