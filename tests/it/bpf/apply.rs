//! libpcap's own programs over libpcap's test captures: every per-packet value in
//! `reference/apply/` (`bpf_filter`'s return value, optimized and unoptimized) that we have the
//! program for must come out the same.
//!
//! The apply files list expressions, not programs, so the programs come from the reference
//! program files of the capture's link type: `savefile/<DLT>.txt` (records that differ on a
//! savefile handle), else `<DLT>.txt`, else `native/<DLT>.txt` (optimized), and
//! `<DLT>.unopt.txt` (unoptimized; four link types). Those were compiled with snaplen 262144, the
//! apply values with the capture's snaplen, which libpcap's code generator uses in one place
//! only, the accepting `ret`: `ret #262144` becomes `ret #<snaplen>`. Captures compiled with a
//! netmask other than 0.0.0.0 (`…@255.255.255.0.txt`) have no programs here.
//!
//! Programs for the rest (other link types' unoptimized programs, expressions outside the
//! reference sets, the netmask file): set `FERROCAP_APPLY_PROGRAMS` to a directory holding, per
//! apply file `X.txt`, `X.opt.txt` and `X.unopt.txt` in the reference format (what
//! `../shared/tools/gen-filter-ref -r <linktype> -s <snaplen> -m <netmask> [-U] <DLT>` prints for
//! the file's expressions); the test then checks every value and fails on any left unchecked.

use super::refdata::{self, Record};
use crate::common::shared_dir;
use ferrocap::bpf::{Instruction, Program, Rules};
use ferrocap::file::Reader;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One packet: captured bytes and wire length.
type Pkt = (Vec<u8>, u32);

/// The packets of a pcap (ferrocap's reader) or pcapng file (a minimal reader for the one
/// pcapng capture: section header, interface description, enhanced and simple packets).
fn packets(path: &Path) -> Vec<Pkt> {
    let bytes = std::fs::read(path).unwrap();
    if bytes.starts_with(&[0x0a, 0x0d, 0x0d, 0x0a]) {
        return pcapng_packets(&bytes);
    }
    let mut r = Reader::open(path).unwrap();
    let mut out = Vec::new();
    while let Some(p) = r.next().unwrap() {
        out.push((p.data.to_vec(), p.header.len));
    }
    out
}

fn pcapng_packets(b: &[u8]) -> Vec<Pkt> {
    let le = match b.get(8..12) {
        Some([0x4d, 0x3c, 0x2b, 0x1a]) => true,
        Some([0x1a, 0x2b, 0x3c, 0x4d]) => false,
        other => panic!("pcapng byte-order magic {other:?}"),
    };
    let u32_at = |o: usize| {
        let a: [u8; 4] = b[o..o + 4].try_into().unwrap();
        if le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        }
    };
    let (mut out, mut snaplens, mut o) = (Vec::new(), Vec::new(), 0usize);
    while o + 12 <= b.len() {
        let (ty, len) = (u32_at(o), u32_at(o + 4) as usize);
        assert!(len >= 12 && o + len <= b.len(), "pcapng block at {o}");
        match ty {
            0x0a0d_0d0a => snaplens.clear(),
            1 => snaplens.push(u32_at(o + 12)),
            6 => {
                let (caplen, orig) = (u32_at(o + 20) as usize, u32_at(o + 24));
                out.push((b[o + 28..o + 28 + caplen].to_vec(), orig));
            }
            3 => {
                let orig = u32_at(o + 8);
                let cap = (orig as usize).min(len - 16).min(snaplens[0] as usize);
                out.push((b[o + 12..o + 12 + cap].to_vec(), orig));
            }
            _ => {}
        }
        o += len;
    }
    out
}

/// Values of one expression in an apply file: `None` = libpcap refused to compile it.
#[derive(Debug, Default)]
struct Expected {
    opt: Option<Vec<u32>>,
    unopt: Option<Vec<u32>>,
}

fn parse_apply(text: &str) -> Vec<(String, Expected)> {
    let mut out: Vec<(String, Expected)> = Vec::new();
    let values = |rest: &str| {
        rest.split_whitespace()
            .map(|v| v.parse().unwrap())
            .collect()
    };
    for line in text.split('\n') {
        if let Some(expr) = line.strip_prefix("### ") {
            out.push((expr.to_owned(), Expected::default()));
        } else if let Some((_, e)) = out.last_mut() {
            if let Some(rest) = line.strip_prefix("OPT") {
                e.opt = Some(values(rest));
            } else if let Some(rest) = line
                .strip_prefix("UNOPT")
                .filter(|r| !r.starts_with(" ERROR"))
            {
                e.unopt = Some(values(rest));
            }
        }
    }
    out
}

/// expression → program record (first record of an expression wins; later files only fill in
/// expressions earlier ones lack).
fn index(files: &[PathBuf]) -> HashMap<String, Record> {
    let mut map = HashMap::new();
    for f in files.iter().filter(|f| f.exists()) {
        for r in refdata::records(f) {
            map.entry(r.expr.clone()).or_insert(r);
        }
    }
    map
}

fn with_snaplen(insns: Vec<Instruction>, snaplen: u32) -> Vec<Instruction> {
    insns
        .into_iter()
        .map(|i| {
            if i.code == 0x06 && i.k == 262_144 {
                Instruction::stmt(0x06, snaplen)
            } else {
                i
            }
        })
        .collect()
}

#[derive(Default)]
struct Tally {
    checked: usize,
    values: usize,
    missing: Vec<String>,
    wrong: Vec<String>,
}

impl Tally {
    fn check(
        &mut self,
        what: &str,
        rec: Option<&Record>,
        want: &[u32],
        pkts: &[Pkt],
        snaplen: Option<u32>,
    ) {
        let Some(rec) = rec else {
            self.missing.push(what.to_owned());
            return;
        };
        let Some(insns) = rec.instructions() else {
            // libpcap compiled it for the apply run but the program file says it cannot: the
            // program sets disagree, which the test must not paper over.
            self.wrong
                .push(format!("{what}: no program in the reference file"));
            return;
        };
        let insns = match snaplen {
            Some(s) => with_snaplen(insns, s),
            None => insns,
        };
        let prog = match Program::with_rules(insns, Rules::Libpcap) {
            Ok(p) => p,
            Err(e) => {
                self.wrong.push(format!("{what}: {e}"));
                return;
            }
        };
        assert_eq!(want.len(), pkts.len(), "{what}: value count");
        let got: Vec<u32> = pkts.iter().map(|(d, len)| prog.run(d, *len)).collect();
        if got != want {
            self.wrong
                .push(format!("{what}: want {want:?}, got {got:?}"));
        }
        self.checked += 1;
        self.values += want.len();
    }
}

/// The apply test. Prints how many expressions and values were checked and which were not
/// (no program available); fails on any disagreement, and (with `FERROCAP_APPLY_PROGRAMS`) on
/// any value left unchecked.
#[test]
fn libpcap_apply_values() {
    let Some(shared) = shared_dir() else { return };
    let filters = shared.join("filters");
    let refdir = filters.join("reference");
    let extra = std::env::var_os("FERROCAP_APPLY_PROGRAMS").map(PathBuf::from);
    let mut tally = Tally::default();
    let mut files: Vec<PathBuf> = std::fs::read_dir(refdir.join("apply"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut cache: HashMap<(String, bool), HashMap<String, Record>> = HashMap::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(file).unwrap();
        let capture = name.split('@').next().unwrap().trim_end_matches(".txt");
        let pkts = packets(&filters.join("pcaps").join(capture));
        let declared: usize = refdata::header_field(&text, "packets=")
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(pkts.len(), declared, "{capture}: packet count");
        let dlt = refdata::header_field(&text, "dlt=").unwrap();
        let dlt = dlt.split('(').next().unwrap().to_owned();
        let snaplen: u32 = refdata::header_field(&text, "snaplen=")
            .unwrap()
            .parse()
            .unwrap();
        let netmask = refdata::header_field(&text, "netmask=").unwrap();

        let (opt, unopt) = match &extra {
            Some(dir) => (
                index(&[dir.join(name.replace(".txt", ".opt.txt"))]),
                index(&[dir.join(name.replace(".txt", ".unopt.txt"))]),
            ),
            None if netmask != "0.0.0.0" => (HashMap::new(), HashMap::new()),
            None => {
                let opt = cache
                    .entry((dlt.clone(), true))
                    .or_insert_with(|| {
                        index(&[
                            refdir.join("savefile").join(format!("{dlt}.txt")),
                            refdir.join(format!("{dlt}.txt")),
                            refdir.join("native").join(format!("{dlt}.txt")),
                        ])
                    })
                    .clone();
                let unopt = cache
                    .entry((dlt.clone(), false))
                    .or_insert_with(|| {
                        let mut m = index(&[refdir.join(format!("{dlt}.unopt.txt"))]);
                        // A savefile handle refuses some expressions a dead one compiles.
                        let savefile = refdir.join("savefile").join(format!("{dlt}.txt"));
                        if savefile.exists() {
                            for r in refdata::records(&savefile) {
                                if r.error {
                                    m.remove(&r.expr);
                                }
                            }
                        }
                        m
                    })
                    .clone();
                (opt, unopt)
            }
        };
        // Generated programs already carry the capture's snaplen.
        let fix = if extra.is_some() { None } else { Some(snaplen) };
        for (expr, want) in parse_apply(&text) {
            if let Some(v) = &want.opt {
                tally.check(
                    &format!("{name} OPT {expr:?}"),
                    opt.get(&expr),
                    v,
                    &pkts,
                    fix,
                );
            }
            if let Some(v) = &want.unopt {
                tally.check(
                    &format!("{name} UNOPT {expr:?}"),
                    unopt.get(&expr),
                    v,
                    &pkts,
                    fix,
                );
            }
        }
    }
    let expected_total = tally.checked + tally.missing.len() + tally.wrong.len();
    eprintln!(
        "apply: {} of {} program runs checked ({} per-packet values), {} without a program here",
        tally.checked,
        expected_total,
        tally.values,
        tally.missing.len()
    );
    assert!(
        tally.wrong.is_empty(),
        "{} disagreements:\n{}",
        tally.wrong.len(),
        tally.wrong.join("\n")
    );
    if extra.is_some() {
        assert!(
            tally.missing.is_empty(),
            "unchecked:\n{}",
            tally.missing.join("\n")
        );
    }
    assert!(tally.checked > 20_000, "only {} checked", tally.checked);
}
