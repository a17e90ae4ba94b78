//! Interpreter speed: ns per packet for libpcap's own optimized programs
//! (`../shared/filters/bench-programs.txt`: `tcp port 80`, a 54-instruction mix, a
//! 154-instruction host list), next to libpcap's `bpf_filter` on the same packets.
//!
//! Packets: the capture named by `FERROCAP_BPF_CAPTURE`, else `/tmp/ferrocap-bench/small.pcap`
//! (the 6M 60-byte frames of `gen_capture.py small.pcap 6000000 7 60`) when it exists, else a
//! smaller one (`gen_capture.py … 500000 7 60`) generated on the fly into the temp directory.
//! Without the shared directory or python the bench says so and measures nothing.
//!
//! Two criterion benchmarks per program (time per pass over all packets; ns per packet =
//! time / packets, or 1000 / the `Melem/s` throughput):
//! * `matches/<n>` — [`Program::matches`] over every packet held as an [`OwnedPacket`] (a header
//!   plus its own allocation, the layout `bpf-bench.c` gives libpcap: a header array and one
//!   `malloc` per packet); this is the figure to compare with `bpf-bench run`.
//! * `run/<n>` — [`Program::run`] over the same bytes in one contiguous buffer.
//! * `cached/<n>` — [`Program::run`] over the same packet sequence with identical packets
//!   stored once (the capture repeats 4096 distinct frames, so their bytes stay in the cache):
//!   the interpreter's own cost, branch mispredictions included, without the memory traffic.
//!
//! libpcap baseline: set `FERROCAP_BPF_BENCH` to a `bpf-bench` binary
//! (`cc -O2 -o /tmp/bpf-bench ../shared/tools/bpf-bench.c -lpcap`); the bench then runs
//! `bpf-bench run CAPTURE EXPR` and its own loop alternately (`FERROCAP_BPF_ROUNDS` times,
//! default 5) and prints both medians in ns per packet, the ratio, and whether the match
//! counts agree.

#![allow(missing_docs)] // criterion's macros generate undocumented items

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ferrocap::bpf::{Program, Rules};
use ferrocap::file::Reader;
use ferrocap::OwnedPacket;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// `(expression, program)` for each record of bench-programs.txt.
fn programs() -> Vec<(String, Program)> {
    let path = shared().join("filters/bench-programs.txt");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("notice: {} not found; nothing to measure", path.display());
        return Vec::new();
    };
    let mut records: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(expr) = line.strip_prefix("### ") {
            records.push((expr.to_owned(), String::new()));
        } else if let Some((_, body)) = records.last_mut().filter(|_| !line.starts_with('#')) {
            body.push_str(line);
            body.push('\n');
        }
    }
    let mut out = Vec::new();
    for (expr, body) in records {
        let prog = Program::parse(&body, Rules::Libpcap).expect("bench program parses");
        out.push((expr.clone(), prog.with_source(expr)));
    }
    out
}

fn capture() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("FERROCAP_BPF_CAPTURE") {
        return Some(PathBuf::from(p));
    }
    let default = Path::new("/tmp/ferrocap-bench/small.pcap");
    if default.exists() {
        return Some(default.to_owned());
    }
    let small = std::env::temp_dir().join("ferrocap-bpf-bench-500k.pcap");
    if small.exists() {
        return Some(small);
    }
    let script = shared().join("tools/gen_capture.py");
    eprintln!("generating {} (500000 60-byte frames)", small.display());
    let ok = Command::new("python3")
        .arg(&script)
        .arg(&small)
        .args(["500000", "7", "60"])
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        Some(small)
    } else {
        eprintln!(
            "notice: could not run {}; nothing to measure",
            script.display()
        );
        None
    }
}

struct Packets {
    owned: Vec<OwnedPacket>,
    bytes: Vec<u8>,
    index: Vec<(usize, usize, u32)>,
    /// Every distinct packet once, and the capture's sequence as `(start, caplen, len)` in it.
    cached: Vec<u8>,
    cached_index: Vec<(usize, usize, u32)>,
}

fn load(path: &Path) -> Packets {
    let mut r = Reader::open(path).expect("open capture");
    let mut owned = Vec::new();
    let mut bytes = Vec::new();
    let mut index = Vec::new();
    let mut seen = std::collections::HashMap::<Vec<u8>, usize>::new();
    let (mut cached, mut cached_index) = (Vec::new(), Vec::new());
    while let Some(p) = r.next().expect("read capture") {
        owned.push(p.to_owned());
        index.push((bytes.len(), p.data.len(), p.header.len));
        bytes.extend_from_slice(p.data);
        let start = *seen.entry(p.data.to_vec()).or_insert_with(|| {
            cached.extend_from_slice(p.data);
            cached.len() - p.data.len()
        });
        cached_index.push((start, p.data.len(), p.header.len));
    }
    Packets {
        owned,
        bytes,
        index,
        cached,
        cached_index,
    }
}

fn count_matches(prog: &Program, packets: &[OwnedPacket]) -> u64 {
    let mut n = 0;
    for p in packets {
        n += u64::from(prog.matches(&p.header, &p.data));
    }
    n
}

fn count_run(prog: &Program, bytes: &[u8], index: &[(usize, usize, u32)]) -> u64 {
    let mut n = 0;
    for &(start, caplen, len) in index {
        let data = bytes.get(start..start + caplen).unwrap_or_default();
        n += u64::from(prog.run(data, len) != 0);
    }
    n
}

/// Runs `f` once: (ns per packet for `n` packets, what it counted).
fn timed(n: f64, f: impl FnOnce() -> u64) -> (f64, u64) {
    let t = Instant::now();
    let count = black_box(f());
    (t.elapsed().as_nanos() as f64 / n, count)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// `bpf-bench run` once: (ns per packet, matches).
fn libpcap_once(bin: &str, capture: &Path, expr: &str) -> Option<(f64, u64)> {
    let out = Command::new(bin)
        .args(["run"])
        .arg(capture)
        .args([expr, "1"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |name: &str| {
        text.split_whitespace()
            .find_map(|w| w.strip_prefix(name))
            .map(str::to_owned)
    };
    Some((
        field("ns_per_packet=")?.parse().ok()?,
        field("matches=")?.parse().ok()?,
    ))
}

/// `tcp port 80` written by hand as branch-free Rust: what libpcap's 20-instruction program
/// computes (loads past the captured bytes reject only on the path that makes them), with no
/// interpreter, no dispatch and no data-dependent branch. Not part of the library: it is the
/// bench's speed-of-light reference, the least time any filter for this expression can take
/// per packet in a given memory layout.
#[inline(never)]
fn tcp_port_80_by_hand(d: &[u8]) -> u32 {
    let h = |o: usize| match d.get(o..o + 2) {
        Some(&[a, b]) => (u32::from(u16::from_be_bytes([a, b])), true),
        _ => (0, false),
    };
    let b = |o: usize| match d.get(o) {
        Some(&v) => (u32::from(v), true),
        None => (0, false),
    };
    let (ethertype, ok0) = h(12);
    // IPv6: next header at 20, ports at 54 and 56.
    let (p6, ok1) = b(20);
    let (s6, ok2) = h(54);
    let (d6, ok3) = h(56);
    let tcp6 = p6 == 6;
    let hit6 = tcp6 & ((s6 == 80) | (d6 == 80));
    let fail6 = !ok1 | (tcp6 & !ok2) | (tcp6 & (s6 != 80) & !ok3);
    // IPv4: protocol at 23, fragment offset at 20, header length at 14, ports after it.
    let (p4, ok4) = b(23);
    let (frag, ok5) = h(20);
    let (ihl, ok6) = b(14);
    let x = ((ihl & 0xf) << 2) as usize;
    let (s4, ok7) = h(x + 14);
    let (d4, ok8) = h(x + 16);
    let tcp4 = p4 == 6;
    let first = frag & 0x1fff == 0;
    let hit4 = tcp4 & first & ((s4 == 80) | (d4 == 80));
    let fail4 =
        !ok4 | (tcp4 & !ok5) | (tcp4 & first & (!ok6 | !ok7)) | (tcp4 & first & (s4 != 80) & !ok8);
    let accept =
        ok0 & (((ethertype == 0x86dd) & hit6 & !fail6) | ((ethertype == 0x800) & hit4 & !fail4));
    u32::from(accept) * 262_144
}

/// The hand-written bound for `tcp port 80` over the owned packets: (ns per packet, matches).
fn by_hand(packets: &[OwnedPacket]) -> (f64, u64) {
    timed(packets.len() as f64, || {
        let mut n = 0;
        for p in black_box(packets) {
            let caplen = usize::try_from(p.header.caplen).unwrap_or(usize::MAX);
            n += u64::from(tcp_port_80_by_hand(p.data.get(..caplen).unwrap_or(&p.data)) != 0);
        }
        n
    })
}

fn compare_with_libpcap(capture: &Path, packets: &Packets, programs: &[(String, Program)]) {
    let Ok(bin) = std::env::var("FERROCAP_BPF_BENCH") else {
        eprintln!("(set FERROCAP_BPF_BENCH to a bpf-bench binary for libpcap's figures)");
        return;
    };
    let rounds: usize = std::env::var("FERROCAP_BPF_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let n = packets.owned.len() as f64;
    println!(
        "\nbpf_run vs libpcap bpf_filter, {} packets, {rounds} rounds each, medians:",
        packets.owned.len()
    );
    println!(
        "{:>6} {:>14} {:>14} {:>14} {:>14} {:>8}  expression",
        "insns", "ours matches", "ours run", "ours cached", "libpcap", "ratio"
    );
    for (expr, prog) in programs {
        let (mut ours, mut ours_run, mut ours_cached, mut theirs) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut our_count, mut their_count) = (0, 0);
        for _ in 0..rounds {
            if let Some((ns, m)) = libpcap_once(&bin, capture, expr) {
                theirs.push(ns);
                their_count = m;
            }
            let (ns, m) = timed(n, || count_matches(prog, black_box(&packets.owned)));
            ours.push(ns);
            our_count = m;
            let (ns, _) = timed(n, || {
                count_run(prog, black_box(&packets.bytes), &packets.index)
            });
            ours_run.push(ns);
            let (ns, _) = timed(n, || {
                count_run(prog, black_box(&packets.cached), &packets.cached_index)
            });
            ours_cached.push(ns);
        }
        if theirs.is_empty() {
            println!("bpf-bench failed for {expr:?}");
            continue;
        }
        let (o, r, c, l) = (
            median(&mut ours),
            median(&mut ours_run),
            median(&mut ours_cached),
            median(&mut theirs),
        );
        let agree = if our_count == their_count {
            ""
        } else {
            "  MATCH COUNTS DIFFER"
        };
        let short: String = expr.chars().take(60).collect();
        println!(
            "{:>6} {:>11.2} ns {:>11.2} ns {:>11.2} ns {:>11.2} ns {:>7.2}x  {short}{agree}",
            prog.len(),
            o,
            r,
            c,
            l,
            l / o
        );
        if !agree.is_empty() {
            println!("       ours {our_count} matches, libpcap {their_count}");
        }
        if expr == "tcp port 80" {
            by_hand_row(packets, rounds, our_count, l);
        }
    }
}

/// The row for the hand-written `tcp port 80`, under the interpreter's (whose match count it
/// must reproduce) and against libpcap's median `libpcap_ns`.
fn by_hand_row(packets: &Packets, rounds: usize, our_count: u64, libpcap_ns: f64) {
    let mut times = Vec::new();
    let mut hand_count = 0;
    for _ in 0..rounds {
        let (ns, m) = by_hand(&packets.owned);
        times.push(ns);
        hand_count = m;
    }
    let agree = if hand_count == our_count {
        ""
    } else {
        "  MATCH COUNTS DIFFER"
    };
    let ns = median(&mut times);
    println!(
        "{:>6} {:>11.2} ns {:>44.2}x  (tcp port 80 by hand, branch-free, no interpreter: the bound){agree}",
        "-",
        ns,
        libpcap_ns / ns,
    );
}

fn bench(c: &mut Criterion) {
    let programs = programs();
    let Some(path) = capture().filter(|_| !programs.is_empty()) else {
        return;
    };
    let packets = load(&path);
    eprintln!("{}: {} packets", path.display(), packets.owned.len());
    let mut g = c.benchmark_group("bpf_run");
    // One iteration is a pass over every packet (about 0.1 to 0.2 s for the 6M capture).
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(12));
    g.throughput(Throughput::Elements(packets.owned.len() as u64));
    for (_, prog) in &programs {
        g.bench_function(format!("matches/{}", prog.len()), |b| {
            b.iter(|| count_matches(prog, black_box(&packets.owned)))
        });
        g.bench_function(format!("run/{}", prog.len()), |b| {
            b.iter(|| count_run(prog, black_box(&packets.bytes), black_box(&packets.index)))
        });
        g.bench_function(format!("cached/{}", prog.len()), |b| {
            b.iter(|| {
                count_run(
                    prog,
                    black_box(&packets.cached),
                    black_box(&packets.cached_index),
                )
            })
        });
    }
    g.finish();
    compare_with_libpcap(&path, &packets, &programs);
}

criterion_group!(benches, bench);
criterion_main!(benches);
