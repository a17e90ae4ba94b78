//! Compile time: µs per expression, over the EN10MB expressions of
//! `../shared/filters/expressions.txt` that libpcap 1.10.3 compiles (its reference file has a
//! program for them) and that compile on this machine (names resolved through the system, as
//! libpcap resolves them), next to libpcap's `pcap_compile` on the same list.
//!
//! * `all/<n>` — compile every expression once, optimized (`Options` with the system's
//!   `Netdb`, as `Capture::compile` does); µs per compile = time / n.
//! * `one/<name>` — single expressions: `tcp port 80`, the 54-instruction mix and the
//!   154-instruction host list of `bench-programs.txt`.
//!
//! libpcap baseline: set `FERROCAP_BPF_BENCH` to a `bpf-bench` binary
//! (`cc -O2 -o /tmp/bpf-bench ../shared/tools/bpf-bench.c -lpcap`); the bench writes the list
//! to `target/filter_compile_exprs.txt`, runs `bpf-bench compile EN10MB <list>` and its own
//! loop alternately (`FERROCAP_BPF_ROUNDS` times, default 5) and prints both medians.

#![allow(missing_docs)] // criterion's macros generate undocumented items

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ferrocap::filter::Options;
use ferrocap::netdb::Netdb;
use ferrocap::Linktype;
use std::hint::black_box;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// The EN10MB expressions libpcap compiles (per its reference) that compile here too.
fn expressions(netdb: &Netdb) -> Vec<String> {
    let path = shared().join("filters/reference/EN10MB.txt");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("notice: {} not found; nothing to measure", path.display());
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(e) = line.strip_prefix("### ") {
            current = Some(e.to_string());
        } else if line.starts_with('{') {
            if let Some(e) = current.take() {
                out.push(e);
            }
        } else if line.starts_with("ERROR") {
            current = None;
        }
    }
    let options = Options::new(Linktype::EN10MB).resolver(netdb);
    out.retain(|e| !e.is_empty() && options.compile(e).is_ok());
    out
}

/// The expressions of `bench-programs.txt`, by short name.
fn named() -> Vec<(&'static str, String)> {
    let text =
        std::fs::read_to_string(shared().join("filters/bench-programs.txt")).unwrap_or_default();
    let exprs: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("### ").map(str::to_string))
        .collect();
    ["tcp_port_80", "mix_54", "hosts_154"]
        .into_iter()
        .zip(exprs)
        .collect()
}

fn libpcap_baseline(list: &[String], netdb: &Netdb) {
    let Ok(bench) = std::env::var("FERROCAP_BPF_BENCH") else {
        eprintln!("notice: set FERROCAP_BPF_BENCH to a bpf-bench binary for libpcap's figure");
        return;
    };
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/filter_compile_exprs.txt");
    if std::fs::write(&file, list.join("\n") + "\n").is_err() {
        return;
    }
    let rounds: usize = std::env::var("FERROCAP_BPF_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let options = Options::new(Linktype::EN10MB).resolver(netdb);
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let mut libpcap_count = 0;
    for _ in 0..rounds {
        let out = Command::new(&bench)
            .args(["compile", "EN10MB"])
            .arg(&file)
            .output();
        if let Ok(out) = out {
            let text = String::from_utf8_lossy(&out.stdout);
            for w in text.split_whitespace() {
                if let Some(v) = w.strip_prefix("us_per_compile=") {
                    theirs.push(v.parse::<f64>().unwrap_or(f64::NAN));
                }
                if let Some(v) = w.strip_prefix("expressions=") {
                    libpcap_count = v.parse().unwrap_or(0);
                }
            }
        }
        let start = Instant::now();
        for _ in 0..20 {
            for e in list {
                black_box(options.compile(e).ok());
            }
        }
        ours.push(start.elapsed().as_secs_f64() * 1e6 / (20 * list.len()) as f64);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let (o, t) = (median(&mut ours), median(&mut theirs));
    println!(
        "compile, {} expressions (libpcap compiled {}): ferrocap {o:.2} µs, libpcap {t:.2} µs per expression (medians of {rounds}), ratio {:.2}",
        list.len(),
        libpcap_count,
        o / t
    );
}

fn bench(c: &mut Criterion) {
    let netdb = Netdb::system();
    let list = expressions(&netdb);
    if list.is_empty() {
        return;
    }
    libpcap_baseline(&list, &netdb);
    let options = Options::new(Linktype::EN10MB).resolver(&netdb);
    let mut g = c.benchmark_group("filter_compile");
    g.throughput(Throughput::Elements(list.len() as u64));
    g.bench_function(format!("all/{}", list.len()), |b| {
        b.iter(|| {
            for e in &list {
                black_box(options.compile(e).ok());
            }
        })
    });
    g.throughput(Throughput::Elements(1));
    for (name, expr) in named() {
        g.bench_function(format!("one/{name}"), |b| {
            b.iter(|| black_box(options.compile(&expr).ok()))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
