//! The `bpf_run` fuzz target: arbitrary bytes → instructions → validation → runs on an
//! arbitrary packet, with and without Linux metadata.
//!
//! Input layout (all optional; missing bytes read as 0):
//!
//! | bytes | meaning |
//! |---|---|
//! | 0 | flags: bits 0–1 rules (0 Standard, 1 Libpcap, 2 Linux, 3 Libpcap), bit 2 *repair*, bit 3 run with metadata |
//! | 1–2 | instruction count, little-endian, modulo 4200 (so some programs are too long) |
//! | 3.. | 8 bytes per instruction (`code` LE, `jt`, `jf`, `k` LE), as many as the data holds |
//! | next 4 | wire length, little-endian |
//! | rest | the packet |
//!
//! Without *repair* the instructions are taken as they are, which exercises the validator (it
//! must reject with an error naming an instruction of the program). With *repair*, each
//! instruction is bent into a valid one first — a defined opcode, jumps inside the program
//! (backward `ja` under libpcap rules), scratch indices below 16, no division by constant zero,
//! a `ret` last — so most programs pass and the interpreter runs. Every accepted program must
//! also survive its `tcpdump -ddd`/`-dd` listings and parse back to the same instructions.

use crate::bpf::{Ancillary, Format, Instruction, Program, Rule, Rules};
use crate::packet::{PacketHeader, Timestamp};
use crate::Linktype;

/// The 49 defined opcodes, for repair.
const OPCODES: [u16; 49] = [
    0x00, 0x01, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50, 0x60, 0x61, 0x80, 0x81, 0xb1, 0x02, 0x03, 0x04,
    0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x44, 0x4c, 0x54, 0x5c, 0x64, 0x6c, 0x74, 0x7c, 0x84,
    0x94, 0x9c, 0xa4, 0xac, 0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d, 0x06, 0x16, 0x07,
    0x87,
];

struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.0.split_at(n.min(self.0.len()));
        self.0 = rest;
        head
    }
    fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0; N];
        for (o, b) in out.iter_mut().zip(self.take(N)) {
            *o = *b;
        }
        out
    }
}

/// Makes instruction `i` of `n` valid under `rules` (see the module docs).
fn repair(insn: Instruction, i: usize, n: usize, rules: Rules) -> Instruction {
    let mut insn = insn;
    insn.code = OPCODES[usize::from(insn.code) % OPCODES.len()];
    let after = n - i - 1; // instructions after this one
    if i == n - 1 {
        insn.code = if insn.k & 1 == 0 { 0x06 } else { 0x16 };
    }
    match insn.code {
        0x02 | 0x03 | 0x60 | 0x61 => insn.k %= 16,
        0x34 | 0x94 if insn.k == 0 => insn.k = 1,
        0x64 | 0x74 if rules == Rules::Linux => insn.k %= 32,
        0x05 => {
            if rules == Rules::Libpcap && insn.jt == 0xff {
                // Backward (rarely: most such programs loop until the budget runs out), to one
                // of instructions 0..=i.
                let target = i - insn.k as usize % (i + 1);
                // i + 1 + k = target, k negative.
                insn.k = (target as i64 - i as i64 - 1) as i32 as u32;
            } else {
                insn.k %= after.max(1) as u32;
            }
        }
        c if c & 0x07 == 0x05 => {
            insn.jt = (usize::from(insn.jt) % after.max(1)) as u8;
            insn.jf = (usize::from(insn.jf) % after.max(1)) as u8;
        }
        _ => {}
    }
    if after == 0 && insn.code & 0x07 == 0x05 {
        insn = Instruction::stmt(0x06, insn.k);
    }
    insn
}

/// The fuzz target's body.
pub fn bpf_run(data: &[u8]) {
    let mut input = Bytes(data);
    let [flags] = input.array::<1>();
    let rules = match flags & 3 {
        0 | 3 => Rules::Standard,
        1 => Rules::Libpcap,
        _ => Rules::Linux,
    };
    let rules = if flags & 3 == 3 {
        Rules::Libpcap
    } else {
        rules
    };
    let repairing = flags & 4 != 0;
    let n = usize::from(u16::from_le_bytes(input.array::<2>())) % 4200;
    let mut insns = Vec::with_capacity(n.min(input.0.len() / 8));
    for _ in 0..n {
        if input.0.len() < 8 {
            break;
        }
        let b = input.array::<8>();
        insns.push(Instruction::new(
            u16::from_le_bytes([b[0], b[1]]),
            b[2],
            b[3],
            u32::from_le_bytes([b[4], b[5], b[6], b[7]]),
        ));
    }
    if repairing && !insns.is_empty() {
        let len = insns.len();
        for (i, insn) in insns.iter_mut().enumerate() {
            *insn = repair(*insn, i, len, rules);
        }
    }
    let wire_len = u32::from_le_bytes(input.array::<4>());
    let packet = input.0;

    let prog = match Program::with_rules(insns.clone(), rules) {
        Ok(p) => p,
        Err(e) => {
            // The error names an instruction of the program (or the first one too many).
            let ok_index = match e.rule {
                Rule::Empty => e.index == 0,
                Rule::TooLong { len, max } => e.index == max && len == insns.len(),
                _ => e.index < insns.len(),
            };
            assert!(
                ok_index,
                "{e} for a program of {} instructions",
                insns.len()
            );
            let text = e.to_string();
            assert!(text.contains(&format!("instruction {}", e.index)), "{text}");
            return;
        }
    };

    // Rule sets are ordered: Linux-valid ⇒ Standard-valid ⇒ Libpcap-valid.
    if prog.check(Rules::Linux).is_ok() {
        assert!(prog.check(Rules::Standard).is_ok());
    }
    if prog.check(Rules::Standard).is_ok() {
        assert!(prog.check(Rules::Libpcap).is_ok());
    }

    let verdict = prog.run(packet, wire_len);
    let caplen = u32::try_from(packet.len()).unwrap_or(u32::MAX);
    let header = PacketHeader::new(Timestamp::EPOCH, caplen, wire_len, Linktype::EN10MB);
    assert_eq!(prog.matches(&header, packet), verdict != 0);
    // Running twice gives the same answer (no state leaks between runs).
    assert_eq!(prog.run(packet, wire_len), verdict);

    if flags & 8 != 0 {
        let mut aux = Ancillary::new();
        let w = wire_len.to_le_bytes();
        aux.protocol = u16::from_le_bytes([w[0], w[1]]);
        aux.pkttype = w[2] & 7;
        aux.ifindex = wire_len;
        aux.vlan_tci = u16::from_le_bytes([w[2], w[3]]);
        aux.vlan_present = w[3] & 1 != 0;
        aux.network_offset = Some(u32::from(w[0] & 63));
        let with = prog.run_with(packet, wire_len, &aux);
        assert_eq!(prog.matches_with(&header, packet, &aux), with != 0);
    }

    // The listings: every form prints, and -dd / -ddd parse back to the same instructions.
    let asm = prog.dump(Format::Asm);
    assert_eq!(asm.lines().count(), prog.len());
    for format in [Format::C, Format::Decimal] {
        let text = prog.dump(format);
        assert_eq!(
            Program::parse(&text, prog.rules())
                .as_ref()
                .map(Program::instructions),
            Ok(prog.instructions()),
            "{text}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(flags: u8, insns: &[Instruction], wire: u32, packet: &[u8]) -> Vec<u8> {
        let mut v = vec![flags];
        v.extend_from_slice(&(insns.len() as u16).to_le_bytes());
        for i in insns {
            v.extend_from_slice(&i.code.to_le_bytes());
            v.extend_from_slice(&[i.jt, i.jf]);
            v.extend_from_slice(&i.k.to_le_bytes());
        }
        v.extend_from_slice(&wire.to_le_bytes());
        v.extend_from_slice(packet);
        v
    }

    #[test]
    fn seeds_run() {
        let ip = [
            Instruction::stmt(0x28, 12),
            Instruction::jump(0x15, 0x800, 0, 1),
            Instruction::stmt(0x06, 65535),
            Instruction::stmt(0x06, 0),
        ];
        for flags in 0..16 {
            bpf_run(&input(flags, &ip, 60, &[0x08; 60]));
        }
        bpf_run(&[]);
        bpf_run(&[0xff; 7]);
        bpf_run(&input(4, &[Instruction::stmt(0xffff, 0); 5000], 1, &[]));
        // Every byte pattern for a short program, repaired and not.
        for b in 0..=255u8 {
            let insns = [Instruction::new(u16::from(b), b, b, u32::from(b) << 24); 3];
            for flags in [0, 1, 2, 4, 5, 6, 13, 14] {
                bpf_run(&input(flags, &insns, u32::from(b), &[b; 40]));
            }
        }
    }

    #[test]
    fn repair_makes_valid_programs() {
        for rules in [Rules::Standard, Rules::Libpcap, Rules::Linux] {
            for seed in 0..2000u32 {
                let n = (seed % 37 + 1) as usize;
                let insns: Vec<Instruction> = (0..n)
                    .map(|i| {
                        let x = seed.wrapping_mul(2654435761).wrapping_add(i as u32 * 40503);
                        Instruction::new((x >> 7) as u16, (x >> 3) as u8, (x >> 11) as u8, x)
                    })
                    .collect();
                let fixed: Vec<Instruction> = insns
                    .iter()
                    .enumerate()
                    .map(|(i, &x)| repair(x, i, n, rules))
                    .collect();
                let r = crate::bpf::validate(&fixed, rules);
                // Linux also wants every M[k] written before it is read and ancillary offsets
                // it knows; repair does not see to those, so only the other rules must pass.
                if rules != Rules::Linux {
                    assert_eq!(r, Ok(()), "{fixed:?}");
                } else if let Err(e) = r {
                    let linux_only = matches!(
                        e.rule,
                        Rule::ScratchReadBeforeWrite { .. } | Rule::UnknownAncillary { .. }
                    );
                    assert!(linux_only, "{e}");
                }
            }
        }
    }
}
