//! The filter compiler against libpcap 1.10.3: every expression of
//! `../shared/filters/expressions.txt` on every link type and handle kind with a reference file
//! is accepted or rejected as libpcap does, and the programs give libpcap's verdicts.
//!
//! Corpus-wide runs are long in a debug build; `cargo test --release` runs them in full, a
//! debug build samples the packets (and says so).

mod packets;
mod refdata;

use crate::common::shared_dir;
use crate::filter_names::fixture_netdb;
use ferrocap::bpf::{Ancillary, Program};
use ferrocap::filter::{Context, Error, Options};
use ferrocap::netdb::Netdb;
use ferrocap::Linktype;
use packets::Pkt;
use refdata::{linktype, records, Record, DLTS};
use std::collections::HashMap;
use std::path::Path;

/// Compiles as the reference did: snap length 262144, netmask 0, the fixture name files.
fn ours(
    netdb: &Netdb,
    expr: &str,
    lt: Linktype,
    context: Context,
    optimize: bool,
) -> Result<Program, Error> {
    Options::new(lt)
        .context(context)
        .optimize(optimize)
        .resolver(netdb)
        .compile(expr)
}

/// One handle kind of one link type: its name, context and expected records.
struct Case {
    name: String,
    lt: Linktype,
    context: Context,
    records: Vec<Record>,
}

/// The dead-handle records of `dlt` with the differing records of `overlay` in their place.
fn overlaid(shared: &Path, dlt: &str, overlay: &str) -> Vec<Record> {
    let changed: HashMap<String, Record> = records(shared, overlay)
        .iter()
        .map(|r| (r.expr.clone(), r.clone()))
        .collect();
    records(shared, &format!("{dlt}.txt"))
        .iter()
        .map(|r| changed.get(&r.expr).cloned().unwrap_or_else(|| r.clone()))
        .collect()
}

/// Every reference: the dead handle per link type, the savefile and live handles, and
/// libpcap's own test expressions on their link types.
fn cases(shared: &Path) -> Vec<Case> {
    let mut out = Vec::new();
    for dlt in DLTS {
        out.push(Case {
            name: format!("{dlt} (dead)"),
            lt: linktype(dlt),
            context: Context::Dead,
            records: records(shared, &format!("{dlt}.txt")).to_vec(),
        });
    }
    let dir = refdata::reference_dir(shared);
    let mut savefiles: Vec<String> = std::fs::read_dir(dir.join("savefile"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    savefiles.sort();
    for f in savefiles {
        let dlt = f.trim_end_matches(".txt");
        out.push(Case {
            name: format!("{dlt} (savefile)"),
            lt: linktype(dlt),
            context: Context::Savefile { swapped: false },
            records: overlaid(shared, dlt, &format!("savefile/{f}")),
        });
    }
    out.push(Case {
        name: "EN10MB (live)".into(),
        lt: Linktype::EN10MB,
        context: Context::Live,
        records: overlaid(shared, "EN10MB", "live-lo/EN10MB.txt"),
    });
    let mut natives: Vec<String> = std::fs::read_dir(dir.join("native"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    natives.sort();
    for f in natives {
        let dlt = f.trim_end_matches(".txt");
        out.push(Case {
            name: format!("{dlt} (native)"),
            lt: linktype(dlt),
            context: Context::Dead,
            records: records(shared, &format!("native/{f}")).to_vec(),
        });
    }
    out
}

/// The Linux metadata packet `i` is run with in the live context: none, a stripped VLAN
/// tag, or an outgoing packet.
fn aux(i: usize) -> Ancillary {
    let mut a = Ancillary::default();
    match i % 3 {
        1 => {
            a.vlan_present = true;
            a.vlan_tci = 100;
            a.vlan_tpid = 0x8100;
        }
        2 => {
            a.pkttype = 4;
            a.ifindex = 1;
        }
        _ => {}
    }
    a
}

/// Return values of `prog` on `pkts` in `context`.
fn run_all(prog: &Program, pkts: &[Pkt], context: Context) -> Vec<u32> {
    if context == Context::Live {
        pkts.iter()
            .enumerate()
            .map(|(i, p)| prog.run_with(&p.data, p.wire_len, &aux(i)))
            .collect()
    } else {
        packets::verdicts(prog, pkts)
    }
}

/// Accept/reject of every record of every case, optimized or not, against libpcap's.
fn acceptance(optimize: bool) {
    let Some(shared) = shared_dir() else { return };
    let Some(netdb) = fixture_netdb(&shared) else {
        return;
    };
    let mut problems = Vec::new();
    let (mut total, mut total_bad) = (0, 0);
    for case in cases(&shared) {
        let (mut acc, mut rej, mut bad) = (0, 0, 0);
        for r in &case.records {
            let want = if optimize {
                r.opt.as_ref().map(|_| ()).map_err(Clone::clone)
            } else {
                match &r.unopt {
                    Some(u) => u.as_ref().map(|_| ()).map_err(Clone::clone),
                    None => continue,
                }
            };
            let got = ours(&netdb, &r.expr, case.lt, case.context, optimize);
            match (&got, &want) {
                (Ok(_), Ok(())) => acc += 1,
                (Err(_), Err(_)) => rej += 1,
                (Ok(_), Err(why)) => {
                    bad += 1;
                    problems.push(format!(
                        "{}: {:?} accepted; libpcap: {why}",
                        case.name, r.expr
                    ));
                }
                (Err(e), Ok(())) => {
                    bad += 1;
                    problems.push(format!(
                        "{}: {:?} rejected: {}",
                        case.name,
                        r.expr,
                        e.message()
                    ));
                }
            }
        }
        println!(
            "{:32} {:5} expressions: {:5} accepted by both, {:5} rejected by both, {} disagreements",
            case.name,
            case.records.len(),
            acc,
            rej,
            bad
        );
        total += case.records.len();
        total_bad += bad;
    }
    println!("{total} records, {total_bad} disagreements");
    for p in &problems {
        println!("{p}");
    }
    assert!(
        problems.is_empty(),
        "{} disagreements with libpcap",
        problems.len()
    );
}

/// Verdicts of our programs against libpcap's (`reference` gives each case's records) on the
/// packets of each case's link type and their mutants; with `optimize`, also our unoptimized
/// programs against our optimized ones.
fn verdicts(cases: Vec<Case>, optimize: bool) {
    let Some(shared) = shared_dir() else { return };
    let Some(netdb) = fixture_netdb(&shared) else {
        return;
    };
    if cfg!(debug_assertions) {
        println!("debug build: a sample of the packets (cargo test --release runs all)");
    }
    let mut problems = Vec::new();
    for case in cases {
        let programs: Vec<(&Record, Program)> = case
            .records
            .iter()
            .filter_map(|r| Some((r, r.program()?)))
            .collect();
        let pokes = packets::pokes(programs.iter().map(|(_, p)| p.instructions()));
        let pkts = packets::test_set(&shared, case.lt, &pokes);
        let (mut compared, mut same_code, mut bad, mut bad_unopt) = (0, 0, 0, 0);
        for (r, theirs) in &programs {
            let Ok(mine) = ours(&netdb, &r.expr, case.lt, case.context, optimize) else {
                continue; // acceptance is another test's business
            };
            compared += 1;
            let mut got = None;
            if mine.instructions() == theirs.instructions() {
                same_code += 1;
            } else {
                let want = run_all(theirs, &pkts, case.context);
                let g = run_all(&mine, &pkts, case.context);
                if let Some(i) = (0..want.len()).find(|&i| want[i] != g[i]) {
                    bad += 1;
                    problems.push(format!(
                        "{}: {:?} packet {} ({} of {} bytes): libpcap {} ours {}",
                        case.name,
                        r.expr,
                        i,
                        pkts[i].data.len(),
                        pkts[i].wire_len,
                        want[i],
                        g[i]
                    ));
                }
                got = Some(g);
            }
            if optimize {
                if let Ok(unopt) = ours(&netdb, &r.expr, case.lt, case.context, false) {
                    let opt = got.unwrap_or_else(|| run_all(&mine, &pkts, case.context));
                    let u = run_all(&unopt, &pkts, case.context);
                    if let Some(i) = (0..opt.len()).find(|&i| opt[i] != u[i]) {
                        bad_unopt += 1;
                        problems.push(format!(
                            "{}: {:?} packet {}: optimized {} unoptimized {}",
                            case.name, r.expr, i, opt[i], u[i]
                        ));
                    }
                }
            }
        }
        let base = packets::by_linktype(&shared)
            .get(&case.lt)
            .map_or(0, Vec::len);
        println!(
            "{:32} {:4} programs ({:4} identical to libpcap's) on {:6} packets ({} captured, the rest made or mutated): {} disagree with libpcap{}",
            case.name,
            compared,
            same_code,
            pkts.len(),
            base.min(pkts.len()),
            bad,
            if optimize {
                format!(", {bad_unopt} unoptimized disagree with optimized")
            } else {
                String::new()
            }
        );
    }
    for p in problems.iter().take(200) {
        println!("{p}");
    }
    assert!(problems.is_empty(), "{} programs disagree", problems.len());
}

#[test]
fn unoptimized_accepts_and_rejects_as_libpcap() {
    acceptance(false);
}

#[test]
fn unoptimized_verdicts_are_libpcaps() {
    let Some(shared) = shared_dir() else { return };
    // libpcap's full unoptimized programs exist for four link types.
    let cases = ["EN10MB", "RAW", "LINUX_SLL", "LINUX_SLL2"]
        .iter()
        .map(|dlt| Case {
            name: format!("{dlt} (dead, unoptimized)"),
            lt: linktype(dlt),
            context: Context::Dead,
            records: records(&shared, &format!("{dlt}.unopt.txt")).to_vec(),
        })
        .collect();
    verdicts(cases, false);
}

#[test]
fn reference_files_cover_the_corpus() {
    let Some(shared) = shared_dir() else { return };
    let corpus = refdata::corpus(&shared);
    assert_eq!(corpus.len(), 5448, "expressions.txt");
    for dlt in DLTS {
        let exprs: Vec<String> = records(&shared, &format!("{dlt}.txt"))
            .iter()
            .map(|r| r.expr.clone())
            .collect();
        assert_eq!(exprs, corpus, "{dlt}.txt holds the corpus, in order");
    }
}

/// The apply tests: each expression compiled for the savefile's handle (its link type, snap
/// length and the netmask the file name says), run on each of its packets, gives libpcap
/// 1.10.3's return values.
fn apply(optimize: bool) {
    let Some(shared) = shared_dir() else { return };
    let Some(netdb) = fixture_netdb(&shared) else {
        return;
    };
    let mut problems = Vec::new();
    let (mut checked, mut values) = (0, 0);
    for file in refdata::apply_files(&shared) {
        let path = shared.join("filters/pcaps").join(&file.savefile);
        let mut reader = ferrocap::file::Reader::open(&path).expect("apply savefile");
        let lt = reader.linktype().expect("link type");
        let snaplen = reader.snaplen().expect("snap length");
        let swapped = reader.is_swapped();
        let mut pkts = Vec::new();
        while let Ok(Some(p)) = reader.next() {
            pkts.push(Pkt {
                data: p.data.to_vec(),
                wire_len: p.header.len,
            });
        }
        let (mut ok, mut bad) = (0, 0);
        for c in &file.cases {
            let want = if optimize { &c.opt } else { &c.unopt };
            let got = Options::new(lt)
                .snaplen(snaplen)
                .netmask(file.netmask)
                .context(Context::Savefile { swapped })
                .optimize(optimize)
                .resolver(&netdb)
                .compile(&c.expr);
            let got = got.map(|p| packets::verdicts(&p, &pkts));
            match (&got, want) {
                (Err(_), None) => ok += 1,
                (Ok(g), Some(w)) if g == w => {
                    ok += 1;
                    values += w.len();
                }
                (g, w) => {
                    bad += 1;
                    problems.push(format!(
                        "{}: {:?}: libpcap {:?}, ours {:?}",
                        file.savefile,
                        c.expr,
                        w,
                        g.as_ref().map_err(|e| e.message().to_string())
                    ));
                }
            }
        }
        checked += ok + bad;
        println!(
            "{:45} {:4} expressions on {:3} packets: {} agree, {} disagree",
            if file.netmask == 0 {
                file.savefile.clone()
            } else {
                format!("{} (netmask {:#x})", file.savefile, file.netmask)
            },
            file.cases.len(),
            pkts.len(),
            ok,
            bad
        );
    }
    println!(
        "{checked} expressions, {values} return values agree; {} disagreements",
        problems.len()
    );
    for p in problems.iter().take(100) {
        println!("{p}");
    }
    assert!(
        problems.is_empty(),
        "{} apply disagreements",
        problems.len()
    );
}

#[test]
fn unoptimized_apply_values_are_libpcaps() {
    apply(false);
}

/// The `filter_compile` fuzz body on deterministic inputs (grammar-shaped and text), every
/// link type and handle kind: the fuzz target's properties hold in CI too.
#[test]
fn fuzz_body_on_generated_inputs() {
    let mut rng = packets::Rng::new(0xf11e);
    let n = if cfg!(debug_assertions) { 1500 } else { 20_000 };
    for i in 0..n {
        let len = 16 + rng.below(200);
        let mut data: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        // Mostly grammar-shaped, sometimes text.
        if i % 4 != 0 {
            data[0] |= 0x40;
        }
        ferrocap::fuzzing::filter::filter_compile(&data);
    }
    // Text inputs from the corpus, on random link types and handles.
    let Some(shared) = shared_dir() else { return };
    for (i, e) in refdata::corpus(&shared).iter().enumerate() {
        if e.len() > 500 {
            continue;
        }
        let mut data = vec![(i % 64) as u8 & 0x3f, e.len().div_ceil(2) as u8];
        data.extend_from_slice(e.as_bytes());
        if e.len() % 2 == 1 {
            data.push(b' ');
        }
        for _ in 0..4 {
            data.push(8);
            data.extend((0..64).map(|_| rng.next() as u8));
        }
        ferrocap::fuzzing::filter::filter_compile(&data);
    }
}

#[test]
fn scratch_optimized_acceptance() {
    acceptance(true);
}

#[test]
fn scratch_optimized_verdicts() {
    let Some(shared) = shared_dir() else { return };
    let want = std::env::var("SCRATCH_CASES").unwrap_or_default();
    let cs: Vec<Case> = cases(&shared).into_iter().filter(|c| want.is_empty() || want.split(',').any(|w| c.name == w)).collect();
    verdicts(cs, std::env::var_os("SCRATCH_UNOPT").is_some());
}
