//! libpcap 1.10.3's reference outputs (`../shared/filters/`): the expression corpus, the
//! programs per link type and handle, and the per-packet verdicts of the apply tests.

use ferrocap::bpf::{Instruction, Program, Rules};
use ferrocap::Linktype;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// What libpcap made of one expression on one handle.
#[derive(Clone, Debug)]
pub struct Record {
    /// The expression.
    pub expr: String,
    /// The optimized program, or libpcap's error message.
    pub opt: Result<Vec<Instruction>, String>,
    /// The unoptimized compile: its length, or libpcap's error message (`None` when the file
    /// has no `UNOPT` line).
    pub unopt: Option<Result<usize, String>>,
}

impl Record {
    /// libpcap's optimized program, ready to run (libpcap's rules: backward jumps and long
    /// programs allowed).
    pub fn program(&self) -> Option<Program> {
        let insns = self.opt.as_ref().ok()?;
        Program::with_rules(insns.clone(), Rules::Libpcap).ok()
    }
}

/// One `{ 0x28, 0, 0, 0x0000000c },` line.
pub fn dd_line(line: &str) -> Option<Instruction> {
    let body = line
        .trim()
        .strip_prefix('{')?
        .trim_end_matches(',')
        .trim()
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

/// Parses a reference file (records in file order).
pub fn parse_records(text: &str) -> Vec<Record> {
    let mut out: Vec<Record> = Vec::new();
    for line in text.lines() {
        if let Some(e) = line.strip_prefix("### ") {
            out.push(Record {
                expr: e.to_string(),
                opt: Ok(Vec::new()),
                unopt: None,
            });
        } else if line == "###" {
            out.push(Record {
                expr: String::new(),
                opt: Ok(Vec::new()),
                unopt: None,
            });
        } else if let Some(r) = out.last_mut() {
            if let Some(m) = line.strip_prefix("ERROR ") {
                r.opt = Err(m.to_string());
            } else if let Some(u) = line.strip_prefix("UNOPT ") {
                r.unopt = Some(match u.strip_prefix("ERROR ") {
                    Some(m) => Err(m.to_string()),
                    None => Ok(u.trim().parse().unwrap_or(0)),
                });
            } else if line.starts_with('{') {
                if let (Ok(v), Some(i)) = (r.opt.as_mut(), dd_line(line)) {
                    v.push(i);
                }
            }
        }
    }
    out
}

/// `../shared/filters/reference`.
pub fn reference_dir(shared: &Path) -> PathBuf {
    shared.join("filters/reference")
}

/// The records of `reference/<name>` (cached).
pub fn records(shared: &Path, name: &str) -> Arc<Vec<Record>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<Vec<Record>>>>> = OnceLock::new();
    let path = reference_dir(shared).join(name);
    let cache = CACHE.get_or_init(Default::default);
    if let Some(r) = cache.lock().unwrap().get(&path) {
        return r.clone();
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let r = Arc::new(parse_records(&text));
    cache.lock().unwrap().insert(path, r.clone());
    r
}

/// The link types with a dead-handle reference file for the whole corpus.
pub const DLTS: &[&str] = &[
    "EN10MB",
    "RAW",
    "LINUX_SLL",
    "LINUX_SLL2",
    "NULL",
    "LOOP",
    "IPV4",
    "IPV6",
    "PPP",
    "IEEE802_11",
    "IEEE802_11_RADIO",
    "PFLOG",
    "SUNATM",
    "MTP2",
    "NFLOG",
];

/// Our link type for a libpcap `DLT_` name.
pub fn linktype(name: &str) -> Linktype {
    Linktype::from_name(name).unwrap_or_else(|_| panic!("unknown link type {name}"))
}

/// The expressions of `expressions.txt`, in order (the `!REJECT ` marker removed).
pub fn corpus(shared: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(shared.join("filters/expressions.txt")).unwrap();
    text.lines()
        .filter_map(|l| {
            if l == "#!empty" {
                Some(String::new())
            } else if l.starts_with('#') {
                None
            } else {
                Some(l.strip_prefix("!REJECT ").unwrap_or(l).to_string())
            }
        })
        .collect()
}

/// One expression of an apply file: libpcap's return value per packet, optimized and
/// unoptimized (`None`: libpcap could not compile it).
#[derive(Debug)]
pub struct ApplyCase {
    /// The expression.
    pub expr: String,
    /// Optimized program's return values.
    pub opt: Option<Vec<u32>>,
    /// Unoptimized program's return values.
    pub unopt: Option<Vec<u32>>,
}

/// One apply file.
#[derive(Debug)]
pub struct Apply {
    /// The savefile's name.
    pub savefile: String,
    /// The netmask the expressions were compiled with.
    pub netmask: u32,
    /// The expressions.
    pub cases: Vec<ApplyCase>,
}

/// Every file of `reference/apply/`.
pub fn apply_files(shared: &Path) -> Vec<Apply> {
    let dir = reference_dir(shared).join("apply");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(&name)).unwrap();
            let stem = name.trim_end_matches(".txt");
            let (savefile, netmask) = match stem.split_once('@') {
                Some((f, m)) => (
                    f.to_string(),
                    u32::from(m.parse::<std::net::Ipv4Addr>().unwrap()),
                ),
                None => (stem.to_string(), 0),
            };
            let mut cases: Vec<ApplyCase> = Vec::new();
            let values = |s: &str| -> Option<Vec<u32>> {
                if s.starts_with("ERROR") {
                    None
                } else {
                    Some(s.split_whitespace().map(|v| v.parse().unwrap()).collect())
                }
            };
            for line in text.lines() {
                if let Some(e) = line.strip_prefix("### ") {
                    cases.push(ApplyCase {
                        expr: e.to_string(),
                        opt: None,
                        unopt: None,
                    });
                } else if let Some(c) = cases.last_mut() {
                    if let Some(v) = line.strip_prefix("OPT ") {
                        c.opt = values(v);
                    } else if let Some(v) = line.strip_prefix("UNOPT ") {
                        c.unopt = values(v);
                    } else if line == "OPT" {
                        c.opt = Some(Vec::new());
                    } else if line == "UNOPT" {
                        c.unopt = Some(Vec::new());
                    }
                }
            }
            Apply {
                savefile,
                netmask,
                cases,
            }
        })
        .collect()
}
