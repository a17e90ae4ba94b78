//! Classic BPF: the interpreter against a naive reference (property tests) and against
//! libpcap's per-packet values on its own captures (`apply`), tcpdump's listings byte for byte
//! (`listings`), the validator against a naive one, the gopacket- and `pcap`-shaped API, and
//! what a program costs in memory.

mod apply;
mod listings;
mod props;
mod refdata;
mod reference;

use crate::alloc::held_by;
use ferrocap::bpf::{Instruction, Program, Rule, Rules, ValidateError};
use ferrocap::{Linktype, PacketHeader, Timestamp};

fn tcp_port_80() -> Vec<Instruction> {
    [
        (0x28, 0, 0, 12),
        (0x15, 0, 6, 0x86dd),
        (0x30, 0, 0, 20),
        (0x15, 0, 15, 6),
        (0x28, 0, 0, 54),
        (0x15, 12, 0, 80),
        (0x28, 0, 0, 56),
        (0x15, 10, 11, 80),
        (0x15, 0, 10, 0x800),
        (0x30, 0, 0, 23),
        (0x15, 0, 8, 6),
        (0x28, 0, 0, 20),
        (0x45, 6, 0, 0x1fff),
        (0xb1, 0, 0, 14),
        (0x48, 0, 0, 14),
        (0x15, 2, 0, 80),
        (0x48, 0, 0, 16),
        (0x15, 0, 1, 80),
        (0x06, 0, 0, 262144),
        (0x06, 0, 0, 0),
    ]
    .into_iter()
    .map(Instruction::from)
    .collect()
}

/// An Ethernet/IPv4/TCP frame with the given ports.
fn tcp_frame(sport: u16, dport: u16) -> Vec<u8> {
    let mut f = vec![0u8; 14];
    f[12..14].copy_from_slice(&[0x08, 0x00]);
    f.extend_from_slice(&[
        0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    ]);
    f.extend_from_slice(&sport.to_be_bytes());
    f.extend_from_slice(&dport.to_be_bytes());
    f.extend_from_slice(&[0; 16]);
    f
}

/// gopacket's `NewBPFInstructionFilter` / `Matches` / `String()` and the instructions that
/// `CompileBPFFilter` hands back.
#[test]
fn gopacket_shaped_api() {
    let insns = tcp_port_80();
    let bpf = Program::from_instructions(&insns).unwrap();
    assert_eq!(bpf.instructions(), &insns[..]);
    assert_eq!(bpf.to_string(), "BPF Instruction Filter");
    let bpf = bpf.with_source("tcp port 80");
    assert_eq!(bpf.to_string(), "tcp port 80");
    let frame = tcp_frame(1234, 80);
    let ci = PacketHeader::new(Timestamp::EPOCH, frame.len() as u32, 1514, Linktype::EN10MB);
    assert!(bpf.matches(&ci, &frame));
    assert!(!bpf.matches(&ci, &tcp_frame(1234, 443)));
    assert_eq!(bpf.run(&tcp_frame(80, 1), 60), 262144);
    // Truncated before the ports: libpcap rejects.
    let short = PacketHeader::new(Timestamp::EPOCH, 35, 1514, Linktype::EN10MB);
    assert!(!bpf.matches(&short, &frame));
    // Invalid instructions are refused with the index and the rule, also as a crate error.
    let mut bad = insns.clone();
    bad[5].jt = 200;
    let e = Program::from_instructions(&bad).unwrap_err();
    assert_eq!(e.index, 5);
    assert!(matches!(
        e.rule,
        Rule::JumpOutOfRange {
            target: 206,
            len: 20
        }
    ));
    let crate_error: ferrocap::Error = e.into();
    assert!(
        crate_error.to_string().contains("instruction 5"),
        "{crate_error}"
    );
    assert_eq!(
        Program::new(vec![]).unwrap_err(),
        ValidateError::new(0, Rule::Empty)
    );
    assert_eq!(Program::try_from(insns).unwrap().rules(), Rules::Standard);
}

/// libpcap 1.10.3's `ip6 protochain` code sets X to an authentication header's length instead
/// of adding it, so an AH at offset 40 whose length field says 40 and whose next header is AH
/// again loops forever in libpcap. Here the loop budget ends it: the packet is rejected (and
/// the run ends). An ordinary AH chain still gets through.
#[test]
fn protochain_loop_is_bounded() {
    let Some(shared) = crate::common::shared_dir() else {
        return;
    };
    let records = refdata::records(&shared.join("filters/reference/EN10MB.txt"));
    let rec = records
        .iter()
        .find(|r| r.expr == "ip6 protochain 17")
        .unwrap();
    let prog = Program::with_rules(rec.instructions().unwrap(), Rules::Libpcap).unwrap();
    assert!(prog
        .instructions()
        .iter()
        .any(|i| i.code == 0x05 && (i.k as i32) < 0));
    // Ethernet, IPv6 with next header 51 (AH), then AH at offset 40 of the IPv6 header.
    let frame = |ah_next: u8, ah_len: u8| {
        let mut f = vec![0u8; 14];
        f[12..14].copy_from_slice(&[0x86, 0xdd]);
        let mut ip6 = vec![0u8; 40];
        ip6[0] = 0x60;
        ip6[6] = 51;
        f.extend(ip6);
        f.extend([ah_next, ah_len, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        f.extend([0u8; 64]);
        f
    };
    let looping = frame(51, 8);
    assert_eq!(prog.run(&looping, looping.len() as u32), 0);
    assert_eq!(
        reference::run(prog.instructions(), &looping, looping.len() as u32, None),
        0
    );
    // A hop-by-hop header (8 bytes) then UDP: found after one round of the loop.
    let mut udp = frame(0, 0);
    udp[14 + 6] = 0; // IPv6 next header: hop-by-hop
    udp[54] = 17; // hop-by-hop next header: UDP
    assert_eq!(prog.run(&udp, udp.len() as u32), 262_144);
}

/// The `pcap` crate's `BpfProgram::filter`: the whole buffer is the packet, captured in full.
#[test]
fn pcap_shaped_filter() {
    let bpf = Program::new(tcp_port_80()).unwrap();
    let frame = tcp_frame(1234, 80);
    assert!(bpf.filter(&frame));
    assert!(!bpf.filter(&tcp_frame(1234, 443)));
    assert!(!bpf.filter(&frame[..35]), "the ports are not in the buffer");
    assert!(!bpf.filter(&[]));
}

/// A program's heap memory is proportional to its length: its instructions and one node per
/// instruction, plus the tables of long `jeq` chains (at most 96 bytes per instruction in all,
/// besides a few fixed headers). Clones share it: cloning allocates nothing.
#[test]
fn memory_is_proportional_and_clones_share_it() {
    let mut programs = vec![("tcp port 80".to_owned(), tcp_port_80())];
    if let Some(shared) = crate::common::shared_dir() {
        programs.extend(bench_programs(&shared.join("filters/bench-programs.txt")));
    }
    for (expr, insns) in programs {
        let (prog, bytes) = held_by(|| Program::with_rules(insns.clone(), Rules::Libpcap).unwrap());
        println!(
            "{} instructions ({}): {bytes} heap bytes, {:.1} per instruction",
            prog.len(),
            expr.chars().take(40).collect::<String>(),
            bytes as f64 / prog.len() as f64
        );
        assert!(bytes <= 96 * prog.len() + 256, "{bytes} bytes for {expr:?}");
        let prog = prog.with_source(expr);
        let (copy, clone_bytes) = held_by(|| prog.clone());
        assert_eq!(clone_bytes, 0, "a clone shares the program");
        assert_eq!(copy, prog);
        let frame = tcp_frame(80, 1234);
        assert_eq!(copy.run(&frame, 1514), prog.run(&frame, 1514));
    }
    // Large programs too: 4096 instructions (the most the standard rules allow), and 20000
    // (libpcap's rules), where a node array sized for the largest program would dominate.
    for len in [4096, 20_000] {
        let mut insns = vec![Instruction::stmt(0x28, 12); len - 1];
        insns.push(Instruction::stmt(0x06, 1));
        let (prog, bytes) = held_by(|| Program::with_rules(insns, Rules::Libpcap).unwrap());
        assert!(
            bytes <= 96 * len + 256,
            "{bytes} bytes for {len} instructions"
        );
        assert_eq!(prog.run(&[0; 14], 14), 1);
    }
}

/// `(expression, instructions)` for each record of `bench-programs.txt` (`### expression`,
/// then the `-ddd` text).
fn bench_programs(path: &std::path::Path) -> Vec<(String, Vec<Instruction>)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut records: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(expr) = line.strip_prefix("### ") {
            records.push((expr.to_owned(), String::new()));
        } else if let Some((_, body)) = records.last_mut().filter(|_| !line.starts_with('#')) {
            body.push_str(line);
            body.push('\n');
        }
    }
    records
        .into_iter()
        .map(|(expr, body)| {
            let prog = Program::parse(&body, Rules::Libpcap).unwrap();
            (expr, prog.into_instructions())
        })
        .collect()
}
