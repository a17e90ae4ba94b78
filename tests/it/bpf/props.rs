//! Property tests: the fast interpreter against the naive reference, on random valid programs
//! and random packets; the validator against the naive one, on arbitrary instructions.

use super::reference;
use ferrocap::bpf::{self, Ancillary, Format, Instruction, Program, Rules};
use proptest::prelude::*;

/// Raw material for one piece of a program.
type Piece = (u8, u8, u8, u8, u32);

/// Constants that packets built from [`BYTES`] often equal.
const CONSTS: [u32; 10] = [
    0,
    1,
    6,
    8,
    0x45,
    0x800,
    0x0806,
    0x0800_0045,
    0xffff_ffff,
    0x4545,
];
/// Packet bytes: few values, so comparisons go both ways.
const BYTES: [u8; 6] = [0, 1, 6, 8, 0x45, 0xff];
/// Opcodes by family.
const LOADS: [u16; 6] = [0x20, 0x28, 0x30, 0x40, 0x48, 0x50];
const JUMPS_K: [u16; 4] = [0x15, 0x25, 0x35, 0x45];
const OTHERS: [u16; 39] = [
    0x00, 0x01, 0x60, 0x61, 0x80, 0x81, 0xb1, 0x02, 0x03, 0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34,
    0x3c, 0x44, 0x4c, 0x54, 0x5c, 0x64, 0x6c, 0x74, 0x7c, 0x84, 0x94, 0x9c, 0xa4, 0xac, 0x05, 0x1d,
    0x2d, 0x3d, 0x4d, 0x06, 0x16, 0x07, 0x87,
];

/// A packet offset: mostly inside a short packet, sometimes a Linux special offset or huge.
fn offset(r: u32) -> u32 {
    match r % 16 {
        0 => 0xffff_f000 + (r >> 4) % 17 * 4, // ancillary fields (and one past them)
        1 => 0xffe0_0000 + (r >> 4) % 8,      // SKF_LL_OFF
        2 => 0xfff0_0000 + (r >> 4) % 8,      // SKF_NET_OFF
        3 => u32::MAX - (r >> 4) % 4,
        _ => (r >> 4) % 72,
    }
}

/// An instruction template: (code, k, jt seed, jf seed, falls through when false).
type Template = (u16, u32, u8, u8, bool);

/// Expands raw pieces into a valid program under `rules`: typical libpcap sequences (load +
/// jump, `ldxb` + indirect load + jump, load + `and` + `jeq`, chains of `jeq` of any length),
/// single instructions of every kind, targets bent into range, a `ret` at the end.
fn build(pieces: &[Piece], rules: Rules) -> Vec<Instruction> {
    let mut t: Vec<Template> = Vec::new();
    for &(kind, a, b, c, r) in pieces {
        let konst = CONSTS[usize::from(a) % CONSTS.len()];
        let load = LOADS[usize::from(b) % LOADS.len()];
        // The same size, absolute and indirect.
        let (abs, ind) = (load & 0x18 | 0x20, load & 0x18 | 0x40);
        let jump = JUMPS_K[usize::from(c) % JUMPS_K.len()];
        match kind % 8 {
            0 => {
                t.push((load, offset(r), 0, 0, false));
                t.push((jump, konst, a, b, false));
            }
            1 => {
                t.push((0xb1, 14 + r % 4, 0, 0, false));
                t.push((ind, r % 24, 0, 0, false));
                t.push((jump, konst, a, c, false));
            }
            2 => {
                t.push((abs, offset(r), 0, 0, false));
                t.push((
                    0x54,
                    CONSTS[usize::from(c) % CONSTS.len()] | 0xff,
                    0,
                    0,
                    false,
                ));
                t.push((0x15, konst, a, b, false));
            }
            3 => {
                // A chain of jeq (a switch when long enough), after a load half the time.
                if r & 1 == 0 {
                    t.push((abs, offset(r >> 1), 0, 0, false));
                }
                let len = 1 + usize::from(a) % 40;
                for i in 0..len {
                    let k = CONSTS[(usize::from(b) + i * 7) % CONSTS.len()] ^ (i as u32 & r);
                    t.push((0x15, k, c.wrapping_add(i as u8), 0, i + 1 < len));
                }
            }
            _ => {
                let code = OTHERS[(usize::from(a) << 8 | usize::from(b)) % OTHERS.len()];
                let code = if kind % 8 == 4 { load } else { code };
                let k = match code {
                    0x20 | 0x28 | 0x30 | 0x40 | 0x48 | 0x50 | 0xb1 => offset(r),
                    0x02 | 0x03 | 0x60 | 0x61 => r % 16,
                    0x34 | 0x94 => r.max(1),
                    0x64 | 0x74 if rules == Rules::Linux => r % 32,
                    0x64 | 0x74 => r % 40,
                    _ => [konst, r][usize::from(c & 1)],
                };
                t.push((code, k, a, c, false));
            }
        }
    }
    t.push((0x06, 0, 0, 0, false));
    let n = t.len().min(4096);
    let mut out = Vec::with_capacity(n);
    for (i, &(code, k, jt, jf, fall)) in t.iter().take(n).enumerate() {
        let after = n - i - 1;
        let insn = if i == n - 1 {
            Instruction::stmt(if k & 1 == 0 { 0x06 } else { 0x16 }, 0xffff)
        } else if code == 0x05 {
            if rules == Rules::Libpcap && jt == 0xff {
                let target = i - k as usize % (i + 1);
                Instruction::stmt(0x05, (target as i64 - i as i64 - 1) as i32 as u32)
            } else {
                Instruction::stmt(0x05, k % after as u32)
            }
        } else if code & 0x07 == 0x05 {
            let jt = usize::from(jt) % after.min(256);
            let jf = if fall {
                0
            } else {
                usize::from(jf) % after.min(256)
            };
            Instruction::jump(code, k, jt as u8, jf as u8)
        } else {
            Instruction::stmt(code, k)
        };
        out.push(insn);
    }
    out
}

fn packet() -> impl Strategy<Value = (Vec<u8>, u32)> {
    (
        proptest::collection::vec(0..BYTES.len(), 0..96),
        prop_oneof![Just(None), any::<u32>().prop_map(Some)],
    )
        .prop_map(|(idx, wire)| {
            let data: Vec<u8> = idx.into_iter().map(|i| BYTES[i]).collect();
            let wire = wire.unwrap_or(data.len() as u32);
            (data, wire)
        })
}

fn aux() -> impl Strategy<Value = Ancillary> {
    (
        any::<[u32; 8]>(),
        any::<bool>(),
        proptest::option::of(0u32..80),
    )
        .prop_map(|(v, present, net)| {
            let mut a = Ancillary::new();
            a.protocol = v[0] as u16;
            a.pkttype = (v[0] >> 16) as u8 & 7;
            a.ifindex = v[1];
            a.mark = v[2];
            a.queue = v[3] as u16;
            a.hatype = (v[3] >> 16) as u16;
            a.rxhash = v[4];
            a.cpu = v[5] % 64;
            a.vlan_tci = v[6] as u16;
            a.vlan_present = present;
            a.vlan_tpid = (v[6] >> 16) as u16;
            a.payload_offset = v[7] % 100;
            a.random = v[7];
            a.network_offset = net;
            a
        })
}

fn rules() -> impl Strategy<Value = Rules> {
    prop_oneof![
        Just(Rules::Standard),
        Just(Rules::Libpcap),
        Just(Rules::Linux)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 768, ..ProptestConfig::default() })]

    /// The fast interpreter returns what the reference returns, with and without metadata.
    #[test]
    fn interpreter_matches_reference(
        pieces in proptest::collection::vec(any::<Piece>(), 1..24),
        rules in rules(),
        packets in proptest::collection::vec(packet(), 1..6),
        aux in aux(),
    ) {
        let insns = build(&pieces, rules);
        let prog = match Program::with_rules(insns.clone(), rules) {
            Ok(p) => p,
            // Only Linux's scratch-initialisation and ancillary rules are not built in.
            Err(e) => {
                prop_assert_eq!(rules, Rules::Linux, "{}", e);
                return Ok(());
            }
        };
        for (data, wire) in &packets {
            let want = reference::run(&insns, data, *wire, None);
            prop_assert_eq!(prog.run(data, *wire), want, "{}", prog.dump(Format::Asm));
            let want = reference::run(&insns, data, *wire, Some(&aux));
            prop_assert_eq!(prog.run_with(data, *wire, &aux), want, "{}", prog.dump(Format::Asm));
        }
    }

    /// The validator accepts and rejects what the reference validator does, naming the same
    /// instruction and rule; a rejection's text names both.
    #[test]
    fn validator_matches_reference(
        raw in proptest::collection::vec((any::<u8>(), any::<u8>(), any::<u8>(), any::<u32>()), 0..40),
        bend in any::<bool>(),
        rules in rules(),
    ) {
        // Raw instructions are nearly always invalid at instruction 0; "bent" ones use defined
        // opcodes and small operands so that the later rules get their turn.
        let insns: Vec<Instruction> = raw.iter().enumerate().map(|(i, &(c, jt, jf, k))| {
            if bend {
                let all = [&LOADS[..], &JUMPS_K[..], &OTHERS[..]].concat();
                let code = all[usize::from(c) % all.len()];
                let k = if c & 0x80 != 0 { k } else { k % 24 };
                Instruction::new(code, jt % 8, jf % 8, if i == raw.len() - 1 { k & 0xffff } else { k })
            } else {
                Instruction::new(u16::from(c) | ((u16::from(jt & 1) << 8) * u16::from(jf == 0)), jt, jf, k)
            }
        }).collect();
        let want = reference::validate(&insns, rules);
        let got = bpf::validate(&insns, rules);
        match (want, got) {
            (None, Ok(())) => {}
            (Some((index, name)), Err(e)) => {
                prop_assert_eq!(e.index, index, "{} vs {}", e, name);
                let rule = match e.rule {
                    bpf::Rule::Empty => "empty",
                    bpf::Rule::TooLong { .. } => "too long",
                    bpf::Rule::UnknownOpcode { .. } => "opcode",
                    bpf::Rule::JumpOutOfRange { .. } => "jump",
                    bpf::Rule::BackwardJump { .. } => "backward",
                    bpf::Rule::NoFinalReturn => "no ret",
                    bpf::Rule::ScratchIndex { .. } => "scratch",
                    bpf::Rule::DivisionByZero => "div0",
                    bpf::Rule::ShiftTooLarge { .. } => "shift",
                    bpf::Rule::ScratchReadBeforeWrite { .. } => "uninit",
                    bpf::Rule::UnknownAncillary { .. } => "ancillary",
                    _ => "new rule",
                };
                prop_assert_eq!(rule, name);
                let text = e.to_string();
                let prefix = format!("invalid BPF program: instruction {index}: ");
                prop_assert!(text.starts_with(&prefix), "{}", text);
                prop_assert!(text.len() > prefix.len() + 10, "{}", text);
            }
            (want, got) => prop_assert!(false, "reference {:?}, validator {:?}", want, got),
        }
    }

    /// Listings parse back: `-dd` and `-ddd` text gives the same instructions.
    #[test]
    fn listings_round_trip(pieces in proptest::collection::vec(any::<Piece>(), 1..16), rules in rules()) {
        let insns = build(&pieces, rules);
        // Valid under libpcap's rules whatever `rules` (the builder does not see to what only
        // Linux checks).
        let prog = Program::with_rules(insns.clone(), Rules::Libpcap).unwrap();
        for format in [Format::C, Format::Decimal] {
            let text = prog.dump(format);
            let back = Program::parse(&text, Rules::Libpcap).unwrap();
            prop_assert_eq!(back.instructions(), &insns[..]);
        }
        prop_assert_eq!(prog.dump(Format::Asm).lines().count(), insns.len());
    }
}

/// The builder's programs are valid (apart from what only Linux checks), so the property tests
/// above run the interpreter rather than the validator.
#[test]
fn built_programs_are_valid() {
    let mut rng = 0x2545_f491_u32;
    let mut next = || {
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        rng
    };
    let mut switches = 0;
    for _ in 0..400 {
        let pieces: Vec<Piece> = (0..1 + next() % 20)
            .map(|_| {
                let r = next();
                (
                    r as u8,
                    (r >> 8) as u8,
                    (r >> 16) as u8,
                    (r >> 24) as u8,
                    next(),
                )
            })
            .collect();
        for rules in [Rules::Standard, Rules::Libpcap] {
            let insns = build(&pieces, rules);
            bpf::validate(&insns, rules).unwrap();
            switches += usize::from(
                insns
                    .windows(4)
                    .any(|w| w.iter().all(|i| i.code == 0x15 && i.jf == 0)),
            );
        }
    }
    assert!(
        switches > 50,
        "the builder makes long jeq chains ({switches})"
    );
}

/// The longest programs run end to end in a test thread's stack, optimized or not: 4096
/// instructions (standard rules) and 65535 (libpcap's), straight or with loops, and their
/// results are the reference's.
#[test]
fn longest_programs() {
    for (len, rules) in [(4096, Rules::Standard), (65535, Rules::Libpcap)] {
        let mut insns = vec![Instruction::stmt(0x04, 1); len - 1];
        insns.push(Instruction::stmt(0x16, 0));
        let p = Program::with_rules(insns.clone(), rules).unwrap();
        assert_eq!(p.run(&[], 0), len as u32 - 1);
        assert_eq!(reference::run(&insns, &[], 0, None), len as u32 - 1);
        // Jumps, each to the next.
        let mut insns = vec![Instruction::jump(0x25, 0, 0, 0); len - 1];
        insns.push(Instruction::stmt(0x06, 7));
        assert_eq!(Program::with_rules(insns, rules).unwrap().run(&[], 0), 7);
    }
    // A long loop: count A to 100000 with a backward jump over 60000 instructions.
    let mut insns = vec![Instruction::stmt(0x04, 0); 60_000];
    insns[0] = Instruction::stmt(0x04, 1); // add #1
    insns.push(Instruction::jump(0x35, 100_000, 1, 0)); // jge #100000 → ret
    insns.push(Instruction::stmt(0x05, (-60_002i32) as u32)); // ja 0
    insns.push(Instruction::stmt(0x16, 0));
    let p = Program::with_rules(insns.clone(), Rules::Libpcap).unwrap();
    let want = reference::run(&insns, &[], 0, None);
    assert_eq!(p.run(&[], 0), want);
    // 60002 per round against a budget of 2^24: the loop runs out first.
    assert_eq!(want, 0);
}
