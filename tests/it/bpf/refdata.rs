//! Readers for `../shared/filters/reference/` (format: `../shared/filters/README.md`), written
//! independently of the crate's own `-dd` parser so that the listing tests can use them.

use ferrocap::bpf::Instruction;
use std::path::Path;

/// One `### expression` record of a reference file.
#[derive(Debug, Clone)]
pub struct Record {
    /// The expression, verbatim.
    pub expr: String,
    /// The program's lines (`{ … },` or `(000) …`), without newlines; empty for an error.
    pub lines: Vec<String>,
    /// Whether the record is an error (`ERROR …`).
    pub error: bool,
}

impl Record {
    /// The instructions of a `-dd` record (None for an error).
    pub fn instructions(&self) -> Option<Vec<Instruction>> {
        if self.error {
            return None;
        }
        Some(self.lines.iter().map(|l| dd_line(l)).collect())
    }
}

/// One `{ 0x28, 0, 0, 0x0000000c },` line, parsed with nothing but `split` and
/// `from_str_radix`.
pub fn dd_line(line: &str) -> Instruction {
    let body = line
        .trim()
        .trim_start_matches('{')
        .trim_end_matches(',')
        .trim_end_matches('}');
    let f: Vec<u64> = body
        .split(',')
        .map(|t| {
            let t = t.trim();
            match t.strip_prefix("0x") {
                Some(h) => u64::from_str_radix(h, 16),
                None => t.parse(),
            }
            .unwrap_or_else(|e| panic!("bad reference line {line:?}: {e}"))
        })
        .collect();
    assert_eq!(f.len(), 4, "{line}");
    Instruction::new(f[0] as u16, f[1] as u8, f[2] as u8, f[3] as u32)
}

/// The records of a reference file, in order. Lines other than the program's (`UNOPT …`,
/// continuation lines of multi-line error texts) are skipped.
pub fn records(path: &Path) -> Vec<Record> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out: Vec<Record> = Vec::new();
    for line in text.split('\n') {
        if let Some(expr) = line.strip_prefix("### ") {
            out.push(Record {
                expr: expr.to_owned(),
                lines: Vec::new(),
                error: false,
            });
        } else if let Some(r) = out.last_mut() {
            if line.starts_with('{') || line.starts_with('(') {
                r.lines.push(line.to_owned());
            } else if line.starts_with("ERROR ") {
                r.error = true;
            }
        }
    }
    out
}

/// The value of `key=` in a file's header comments (`# dlt=EN10MB(1) snaplen=65535 …`).
pub fn header_field(text: &str, key: &str) -> Option<String> {
    text.lines()
        .take_while(|l| l.starts_with('#') && !l.starts_with("###"))
        .flat_map(|l| l.split_whitespace())
        .find_map(|w| w.strip_prefix(key).map(str::to_owned))
}
