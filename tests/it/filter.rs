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
use ferrocap::filter::differences::DIFFERENCES;
use ferrocap::filter::{Context, Error, Options};
use ferrocap::fuzzing::filter::run_strict;
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

/// The metadata [`run_all`] gives packet `i` (none outside live handles).
fn aux_for(context: Context, i: usize) -> Option<Ancillary> {
    (context == Context::Live).then(|| aux(i))
}

/// One packet in this many also has its interpreter results checked against the reference
/// interpreter ([`run_strict`]) in [`verdicts`].
const STRICT_SAMPLE: usize = 16;

/// Accept/reject of every record of every case, optimized or not, against libpcap's.
fn acceptance(optimize: bool) {
    let Some(shared) = shared_dir() else { return };
    let Some(netdb) = fixture_netdb(&shared) else {
        return;
    };
    let mut problems = Vec::new();
    let (mut total, mut total_bad) = (0, 0);
    let mut seen = std::collections::HashSet::new();
    for case in cases(&shared) {
        let (mut acc, mut rej, mut bad, mut differ) = (0, 0, 0, 0);
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
            if let Some(d) = DIFFERENCES.iter().find(|d| d.expression == r.expr) {
                // A documented difference: libpcap says what the table says, we compile
                // and our program matches what the table says.
                seen.insert(d.expression);
                match (&got, &want) {
                    (Ok(p), Err(why)) if why == d.libpcap_error => {
                        let verdict = |prefix: &[u8]| {
                            let mut pkt = vec![0u8; 64];
                            pkt[..prefix.len()].copy_from_slice(prefix);
                            p.run_with(&pkt, 64, &Ancillary::default())
                        };
                        if verdict(d.accepts) == 0 || verdict(d.rejects) != 0 {
                            problems.push(format!(
                                "{}: {:?} (documented difference): accepts {:02x?}: {}, rejects {:02x?}: {}",
                                case.name,
                                r.expr,
                                d.accepts,
                                verdict(d.accepts),
                                d.rejects,
                                verdict(d.rejects)
                            ));
                        }
                        differ += 1;
                    }
                    (Ok(_), Ok(())) if !optimize => acc += 1,
                    _ => problems.push(format!(
                        "{}: {:?} (documented difference): libpcap {:?}, ours {:?}",
                        case.name,
                        r.expr,
                        want,
                        got.as_ref()
                            .map(|_| ())
                            .map_err(|e| e.message().to_string())
                    )),
                }
                continue;
            }
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
            "{:32} {:5} expressions: {:5} accepted by both, {:5} rejected by both, {} documented differences, {} disagreements",
            case.name,
            case.records.len(),
            acc,
            rej,
            differ,
            bad
        );
        total += case.records.len();
        total_bad += bad;
    }
    println!("{total} records, {total_bad} disagreements");
    for d in DIFFERENCES {
        if !seen.contains(d.expression) {
            problems.push(format!(
                "documented difference {:?} is in no reference file",
                d.expression
            ));
        }
    }
    assert_none(&problems, "disagreements with libpcap");
}

/// Verdicts of our programs against libpcap's (`reference` gives each case's records) on the
/// packets of each case's link type and their mutants; with `optimize`, also our optimized
/// programs against our unoptimized ones on every packet the unoptimized one runs on without
/// reading past the captured bytes, and (on a sample of the packets, and wherever the two
/// differ) the interpreter against the reference interpreter [`run_strict`].
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
        let (mut compared, mut same_code, mut bad, mut bad_unopt, mut bad_interp) = (0, 0, 0, 0, 0);
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
                    // Where the two differ, the unoptimized program must have read past the
                    // captured bytes (see `ferrocap::fuzzing::filter`); on a sample of the
                    // packets, the interpreter must agree with the reference interpreter.
                    for i in 0..opt.len() {
                        let sampled = i % STRICT_SAMPLE == 0;
                        if opt[i] == u[i] && !sampled {
                            continue;
                        }
                        let strict = |p: &Program| {
                            run_strict(
                                p.instructions(),
                                &pkts[i].data,
                                pkts[i].wire_len,
                                aux_for(case.context, i).as_ref(),
                            )
                        };
                        let su = strict(&unopt);
                        if let Some(w) = su {
                            if opt[i] != w {
                                bad_unopt += 1;
                                problems.push(format!(
                                    "{}: {:?} packet {} ({} of {} bytes): optimized {} unoptimized {}",
                                    case.name,
                                    r.expr,
                                    i,
                                    pkts[i].data.len(),
                                    pkts[i].wire_len,
                                    opt[i],
                                    u[i]
                                ));
                                break;
                            }
                        }
                        for (p, v, which) in
                            [(&unopt, u[i], "unoptimized"), (&mine, opt[i], "optimized")]
                        {
                            let s = if which == "unoptimized" {
                                su
                            } else {
                                strict(p)
                            };
                            if s.is_some_and(|w| w != v) {
                                bad_interp += 1;
                                problems.push(format!(
                                    "{}: {:?} ({which}) packet {}: interpreter {v}, reference interpreter {s:?}",
                                    case.name, r.expr, i
                                ));
                            }
                        }
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
                format!(", {bad_unopt} optimized disagree with unoptimized where it reads only captured bytes, {bad_interp} interpreter runs disagree with the reference interpreter")
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
    let (mut checked, mut values, mut rejects_all) = (0, 0, 0);
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
        let rejects_all_before = rejects_all;
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
                // A documented difference (filter::differences): where libpcap's optimizer
                // leaves a program that rejects every packet, we say so as an error.
                (Err(e), Some(w))
                    if optimize
                        && e.kind() == ferrocap::filter::ErrorKind::RejectsAll
                        && w.iter().all(|v| *v == 0) =>
                {
                    rejects_all += 1;
                    println!(
                        "documented difference: {}: {:?}: libpcap's program rejects all {} packets; ours: {}",
                        file.savefile,
                        c.expr,
                        w.len(),
                        e.message()
                    );
                }
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
        checked += ok + bad + (rejects_all - rejects_all_before);
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
        "{checked} expressions, {values} return values agree; {rejects_all} documented differences (rejects all packets); {} disagreements",
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

/// Optimized programs: accepted or rejected as libpcap does, except the documented
/// [`DIFFERENCES`], each checked both ways.
#[test]
fn optimized_accepts_and_rejects_as_libpcap() {
    acceptance(true);
}

/// Optimized programs give libpcap's values on every packet of libpcap's `tests/filter`
/// savefiles (`../shared/filters/reference/apply/`).
#[test]
fn optimized_apply_values_are_libpcaps() {
    apply(true);
}

/// Optimized programs give libpcap's verdicts on every case, and agree with our unoptimized
/// programs wherever those read only captured bytes.
#[test]
fn optimized_verdicts_are_libpcaps_and_unoptimized_agree() {
    let Some(shared) = shared_dir() else { return };
    verdicts(cases(&shared), true);
}

/// Program size against libpcap's, per case: the median and the worst of our optimized
/// program's length over libpcap's, and the ten worst expressions. Issue 8's bar: median at
/// most 1.0, worst at most 1.25.
#[test]
fn optimized_programs_are_no_longer_than_libpcaps() {
    let Some(shared) = shared_dir() else { return };
    let Some(netdb) = fixture_netdb(&shared) else {
        return;
    };
    let mut problems = Vec::new();
    for case in cases(&shared) {
        let mut ratios: Vec<(f64, usize, usize, &str)> = case
            .records
            .iter()
            .filter_map(|r| {
                let theirs = r.opt.as_ref().ok()?;
                let mine = ours(&netdb, &r.expr, case.lt, case.context, true).ok()?;
                let (m, t) = (mine.len(), theirs.len());
                Some((m as f64 / t as f64, m, t, r.expr.as_str()))
            })
            .collect();
        if ratios.is_empty() {
            continue;
        }
        ratios.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.3.cmp(b.3)));
        let median = ratios[ratios.len() / 2].0;
        let worst = ratios[0].0;
        let (mine, theirs): (usize, usize) =
            ratios.iter().fold((0, 0), |(m, t), r| (m + r.1, t + r.2));
        println!(
            "{:32} {:4} programs: median {:.3}, worst {:.3}, total {} vs libpcap's {}",
            case.name,
            ratios.len(),
            median,
            worst,
            mine,
            theirs
        );
        for (ratio, m, t, expr) in ratios.iter().take(10) {
            println!("    {ratio:.3} ({m} vs {t}) {expr:?}");
        }
        if median > 1.0 || worst > 1.25 {
            problems.push(format!(
                "{}: median {median:.3}, worst {worst:.3} ({:?})",
                case.name, ratios[0].3
            ));
        }
    }
    assert_none(&problems, "cases over the size bar");
}

/// Prints every problem, then fails with their count and `what` they are, if any.
fn assert_none(problems: &[String], what: &str) {
    for p in problems {
        println!("{p}");
    }
    assert!(problems.is_empty(), "{} {what}", problems.len());
}

/// The reference interpreter on the cases that decide its answers: loads past the captured
/// bytes and special loads without metadata give `None`, a division by zero rejects, a loop
/// that never ends gives up, and the rest gives the interpreter's values.
#[test]
fn reference_interpreter_basics() {
    use ferrocap::bpf::Instruction;
    let run = |insns: &[Instruction], data: &[u8], aux: Option<&Ancillary>| {
        run_strict(insns, data, 100, aux)
    };
    let st = |code: u16, k: u32| Instruction::stmt(code, k);
    // ldh [2]; ret a
    let ldh2 = [st(0x28, 2), st(0x16, 0)];
    assert_eq!(run(&ldh2, &[0, 0, 0x12, 0x34], None), Some(0x1234));
    assert_eq!(run(&ldh2, &[0, 0, 0x12], None), None);
    // ldxb 4*([0]&0xf); ld [x + 0]; ret a — X + k past the data.
    let ind = [st(0xb1, 0), st(0x40, 0), st(0x16, 0)];
    assert_eq!(
        run(&ind, &[0x41, 0, 0, 0, 1, 2, 3, 4], None),
        Some(0x0102_0304)
    );
    assert_eq!(run(&ind, &[0x41, 0, 0, 0, 1, 2, 3], None), None);
    // ld #1; ldx #0; div x; ret #5: division by zero rejects.
    let div = [st(0x00, 1), st(0x01, 0), st(0x3c, 0), st(0x06, 5)];
    assert_eq!(run(&div, &[], None), Some(0));
    // ld len; ret a: the wire length.
    assert_eq!(run(&[st(0x80, 0), st(0x16, 0)], &[], None), Some(100));
    // ld [vlan_tci]; ret a: needs metadata.
    let vlan = [st(0x20, 0xffff_f000 + 44), st(0x16, 0)];
    let mut aux = Ancillary::default();
    aux.vlan_tci = 7;
    assert_eq!(run(&vlan, &[0; 8], None), None);
    assert_eq!(run(&vlan, &[0; 8], Some(&aux)), Some(7));
    // ja -1: a loop that never ends.
    assert_eq!(run(&[st(0x05, u32::MAX), st(0x06, 1)], &[], None), None);
    // The interpreter agrees where the reference interpreter finishes.
    for (insns, data) in [
        (&ldh2[..], &[0u8, 0, 0x12, 0x34][..]),
        (&ind[..], &[0x41, 0, 0, 0, 1, 2, 3, 4][..]),
        (&div[..], &[][..]),
    ] {
        let p = Program::with_rules(insns.to_vec(), ferrocap::bpf::Rules::Libpcap).unwrap();
        assert_eq!(Some(p.run(data, 100)), run(insns, data, None));
    }
}
