//! The optimizer checked against libpcap's: every unoptimized program libpcap 1.10.3 generated
//! for the expression corpus is lifted into blocks, optimized here, and compared with libpcap's
//! optimized program — by length (ours must be no longer, as a rule) and by verdict on real
//! captures of the link type and mutations of them.

use super::*;
use crate::bpf::{Instruction, Program, Rules};
use crate::filter::emit;
use crate::linktype::Linktype;
use std::collections::HashMap;
use std::path::PathBuf;

fn shared() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.join("filters/reference").is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{} is missing: CI must provide ../shared", dir.display());
    }
    eprintln!("notice: {} not found, skipping", dir.display());
    None
}

fn dd_line(line: &str) -> Option<Instruction> {
    let body = line
        .trim()
        .strip_prefix('{')?
        .trim_end_matches(',')
        .strip_suffix('}')?;
    let mut f = body.split(',').map(|t| {
        let t = t.trim();
        match t.strip_prefix("0x") {
            Some(h) => u64::from_str_radix(h, 16).ok(),
            None => t.parse().ok(),
        }
    });
    let (c, jt, jf, k) = (f.next()??, f.next()??, f.next()??, f.next()??);
    Some(Instruction::new(c as u16, jt as u8, jf as u8, k as u32))
}

/// `(expression, program or None for an error)` in file order.
fn records(path: &std::path::Path) -> Vec<(String, Option<Vec<Instruction>>)> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut out: Vec<(String, Option<Vec<Instruction>>)> = Vec::new();
    for line in text.split('\n') {
        if let Some(e) = line.strip_prefix("### ") {
            out.push((e.to_owned(), Some(Vec::new())));
        } else if let Some((_, prog)) = out.last_mut() {
            if line.starts_with('{') {
                if let (Some(p), Some(i)) = (prog.as_mut(), dd_line(line)) {
                    p.push(i);
                }
            } else if line.starts_with("ERROR") {
                *prog = None;
            }
        }
    }
    out
}

fn rng(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// Packets of a link type from the corpus, and mutations of the bytes filters read.
fn packets(shared: &std::path::Path, lt: Linktype, max_base: usize) -> Vec<Vec<u8>> {
    let inv = std::fs::read_to_string(shared.join("corpus/meta/inventory.tsv")).unwrap_or_default();
    let mut base: Vec<Vec<u8>> = Vec::new();
    for line in inv.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.get(7).and_then(|v| v.parse::<u32>().ok()) != Some(lt.0) {
            continue;
        }
        let Some(name) = f.first() else { continue };
        let Ok(mut r) = crate::file::Reader::open(shared.join("corpus/files").join(name)) else {
            continue;
        };
        let mut n = 0;
        while let Ok(Some(p)) = r.next() {
            base.push(p.data.to_vec());
            n += 1;
            if n >= 40 {
                break;
            }
        }
        if base.len() >= max_base {
            break;
        }
    }
    const INTERESTING: &[u8] = &[
        0x00, 0x01, 0x02, 0x03, 0x04, 0x06, 0x08, 0x11, 0x2c, 0x32, 0x33, 0x3a, 0x40, 0x45, 0x60,
        0x81, 0x84, 0x86, 0x88, 0xa8, 0xdd, 0xfe, 0xff, 0x20, 0x1f, 0x3f, 0x47, 0x50, 0x35,
    ];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut out = base.clone();
    for p in &base {
        for _ in 0..6 {
            let mut q = p.clone();
            for _ in 0..1 + rng(&mut seed) % 3 {
                let span = q.len().clamp(1, 80);
                let i = (rng(&mut seed) as usize) % span;
                if let Some(b) = q.get_mut(i) {
                    *b = INTERESTING[(rng(&mut seed) as usize) % INTERESTING.len()];
                }
            }
            if rng(&mut seed) % 5 == 0 {
                let cut = (rng(&mut seed) as usize) % (q.len() + 1);
                q.truncate(cut);
            }
            out.push(q);
        }
    }
    out
}

struct Stats {
    time: std::time::Duration,
    slow: Vec<(std::time::Duration, usize, String)>,
    ratios: Vec<(f64, String, usize, usize)>,
    disagreements: Vec<String>,
    failures: Vec<String>,
}

fn check_linktype(dlt: &str, lt: Linktype) -> Option<Stats> {
    let shared = shared()?;
    let dir = shared.join("filters/reference");
    let unopt = records(&dir.join(format!("{dlt}.unopt.txt")));
    let opt: HashMap<String, Option<Vec<Instruction>>> = records(&dir.join(format!("{dlt}.txt")))
        .into_iter()
        .collect();
    let pk = packets(&shared, lt, if cfg!(debug_assertions) { 150 } else { 1500 });
    let mut st = Stats {
        time: std::time::Duration::ZERO,
        slow: Vec::new(),
        ratios: Vec::new(),
        disagreements: Vec::new(),
        failures: Vec::new(),
    };
    for (expr, prog) in &unopt {
        let (Some(prog), Some(Some(theirs))) = (prog, opt.get(expr)) else {
            continue;
        };
        let mut cfg = match Cfg::from_instructions(prog) {
            Ok(c) => c,
            Err(e) => {
                st.failures.push(format!("{expr}: lift: {e}"));
                continue;
            }
        };
        // The fastest of three runs (the machine is shared).
        let mut dt = std::time::Duration::MAX;
        let lifted = cfg.clone();
        let mut r = Ok(());
        for _ in 0..3 {
            cfg = lifted.clone();
            let t0 = std::time::Instant::now();
            r = optimize(&mut cfg, false);
            dt = dt.min(t0.elapsed());
        }
        st.time += dt;
        st.slow
            .push((dt, prog.len(), expr.chars().take(60).collect()));
        if let Err(e) = r {
            st.failures.push(format!("{expr}: optimize: {e}"));
            continue;
        }
        let ours = match emit::instructions(&cfg) {
            Ok(i) => i,
            Err(e) => {
                st.failures.push(format!("{expr}: emit: {e}"));
                continue;
            }
        };
        if std::env::var("FERROCAP_OPT_EXPR").as_deref() == Ok(expr.as_str()) {
            eprintln!(
                "{dlt} {expr}\nours:\n{}theirs:\n{}",
                crate::bpf::dump(&ours, crate::bpf::Format::Asm),
                crate::bpf::dump(theirs, crate::bpf::Format::Asm)
            );
        }
        st.ratios.push((
            ours.len() as f64 / theirs.len() as f64,
            expr.clone(),
            ours.len(),
            theirs.len(),
        ));
        let a = Program::with_rules(ours.clone(), emit::rules_for(&ours));
        let b = Program::with_rules(theirs.clone(), Rules::Libpcap);
        let (Ok(a), Ok(b)) = (a, b) else {
            st.failures.push(format!("{expr}: does not validate"));
            continue;
        };
        for p in &pk {
            let (x, y) = (a.run(p, p.len() as u32), b.run(p, p.len() as u32));
            if x != y {
                st.disagreements.push(format!(
                    "{expr}: ours {x} libpcap {y} on {:02x?}\nours:\n{}theirs:\n{}",
                    &p[..p.len().min(64)],
                    crate::bpf::dump(&ours, crate::bpf::Format::Asm),
                    crate::bpf::dump(theirs, crate::bpf::Format::Asm)
                ));
                break;
            }
        }
    }
    Some(st)
}

fn report(dlt: &str, st: &mut Stats) {
    st.ratios.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n = st.ratios.len();
    let median = st.ratios.get(n / 2).map_or(0.0, |r| r.0);
    let worst = st.ratios.last().map_or(0.0, |r| r.0);
    let ours: usize = st.ratios.iter().map(|r| r.2).sum();
    let theirs: usize = st.ratios.iter().map(|r| r.3).sum();
    let longer = st.ratios.iter().filter(|r| r.0 > 1.0).count();
    eprintln!(
        "{dlt}: optimizing took {:?} in all, {:?} per program",
        st.time,
        st.time / n.max(1) as u32
    );
    st.slow.sort();
    let times: Vec<_> = st.slow.iter().map(|s| s.0).collect();
    eprintln!(
        "{dlt}: median optimize time {:?}; slowest: {:?}",
        times.get(times.len() / 2),
        st.slow.iter().rev().take(5).collect::<Vec<_>>()
    );
    eprintln!(
        "{dlt}: {n} programs, total {ours} vs libpcap {theirs} ({:.3}), median ratio {median:.3}, worst {worst:.3}, {longer} longer, {} verdict disagreements, {} failures",
        ours as f64 / theirs.max(1) as f64,
        st.disagreements.len(),
        st.failures.len()
    );
    for r in st.ratios.iter().rev().take(10) {
        eprintln!("  {:.3} {} vs {}  {}", r.0, r.2, r.3, r.1);
    }
    for d in st.disagreements.iter().take(3) {
        eprintln!("DISAGREE {d}");
    }
    for f in st.failures.iter().take(5) {
        eprintln!("FAIL {f}");
    }
}

#[test]
fn libpcap_unoptimized_programs_optimize_as_well() {
    for (dlt, lt) in [
        ("EN10MB", Linktype::EN10MB),
        ("RAW", Linktype::RAW),
        ("LINUX_SLL", Linktype::LINUX_SLL),
        ("LINUX_SLL2", Linktype::LINUX_SLL2),
    ] {
        let Some(mut st) = check_linktype(dlt, lt) else {
            return;
        };
        report(dlt, &mut st);
        assert!(
            st.failures.is_empty(),
            "{dlt}: {:?}",
            &st.failures[..st.failures.len().min(5)]
        );
        assert!(st.disagreements.is_empty(), "{dlt}: verdicts differ");
    }
}

/// `FERROCAP_OPT_PROFILE=N`: optimizes libpcap's unoptimized `tcp port 80` N times (for
/// profiling); otherwise checks it once.
#[test]
fn optimize_tcp_port_80() {
    let Some(shared) = shared() else { return };
    let unopt = records(&shared.join("filters/reference/EN10MB.unopt.txt"));
    let Some((_, Some(prog))) = unopt.iter().find(|(e, _)| e == "tcp port 80") else {
        panic!("tcp port 80 missing");
    };
    let lifted = Cfg::from_instructions(prog).unwrap();
    let n: usize = std::env::var("FERROCAP_OPT_PROFILE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let t0 = std::time::Instant::now();
    let mut len = 0;
    for _ in 0..n {
        let mut cfg = lifted.clone();
        optimize(&mut cfg, false).unwrap();
        len = emit::instructions(&cfg).unwrap().len();
    }
    if n > 1 {
        eprintln!("{:?} per optimize", t0.elapsed() / n as u32);
    }
    assert_eq!(len, 20);
}

#[test]
fn value_table_numbers_stay_stable_as_it_grows() {
    // More definitions than the first index holds: each gets the next number once, and
    // asking again (before and after the index grows) gives the same number.
    let mut vals = Values::default();
    let first: Vec<Val> = (0..1000u32).map(|k| vals.get(Def::Const(k))).collect();
    for (i, v) in first.iter().enumerate() {
        assert_eq!(*v as usize, NREGS + i);
    }
    for k in 0..1000u32 {
        assert_eq!(vals.get(Def::Const(k)), first[k as usize]);
        assert_eq!(vals.konst(first[k as usize]), Some(k));
    }
    let load = vals.get(Def::Load(Size::H, 12));
    let sum = vals.get(Def::Alu(AluOp::Add, load, first[3]));
    assert_eq!(vals.get(Def::Alu(AluOp::Add, load, first[3])), sum);
    // Canonical: a commutative operation with the constant first is the same value.
    assert_eq!(vals.get(Def::Alu(AluOp::Add, first[3], load)), sum);
    // A table reused after a drop starts empty again.
    drop(vals);
    let mut again = Values::default();
    assert_eq!(again.get(Def::Const(7)) as usize, NREGS);
}

#[test]
fn passes_skip_only_while_nothing_changed() {
    let mut passes = Passes::default();
    let mut runs = Vec::new();
    for (pass, result, expect) in [
        (Pass::Number, false, false),
        (Pass::Thread, false, false),
        // Idle since nothing changed: skipped (its result is not asked for).
        (Pass::Number, true, false),
        (Pass::Peephole, true, true),
        // Something changed: both run again.
        (Pass::Number, false, false),
        (Pass::Thread, false, false),
        (Pass::Thread, false, false),
    ] {
        let changed = passes
            .run(pass, |_| {
                runs.push(pass as usize);
                Ok(result)
            })
            .unwrap();
        assert_eq!(changed, expect);
    }
    assert_eq!(runs, vec![0, 1, 5, 0, 1]);
}
