//! The module firewall a single crate does not have, checked by reading the sources: each
//! subsystem may use only the modules below it (see `src/lib.rs`), and `unsafe` code is allowed
//! in only a few files.

use std::path::{Path, PathBuf};

/// Module → the `crate::` modules it may use (besides itself).
const ALLOWED: &[(&str, &[&str])] = &[
    ("linktype", &[]),
    ("packet", &["linktype"]),
    ("source", &["packet", "Result", "Error"]),
    ("error", &["file", "bpf", "filter", "live"]),
    ("wire", &["linktype"]),
    ("bpf", &["packet", "linktype"]),
    (
        "file",
        &["packet", "linktype", "Precision", "source", "Result"],
    ),
    ("filter", &["bpf", "wire", "linktype", "packet"]),
    (
        "live",
        &["packet", "linktype", "bpf", "source", "Result", "Error"],
    ),
];

/// Files that may contain `allow(unsafe_code)`.
const UNSAFE_FILES: &[&str] = &["src/file/mmap.rs", "src/live/sys.rs"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn modules_use_only_what_is_below_them_and_unsafe_stays_put() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut problems = Vec::new();
    for path in &files {
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let src = std::fs::read_to_string(path).unwrap();
        if src.contains("allow(unsafe_code)") && !UNSAFE_FILES.contains(&rel.as_str()) {
            problems.push(format!("{rel}: allows unsafe code"));
        }
        let module = rel
            .strip_prefix("src/")
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs");
        let Some((_, allowed)) = ALLOWED.iter().find(|(m, _)| *m == module) else {
            continue; // lib.rs, capture.rs, fuzzing and bin see everything
        };
        // Code only: links in doc comments are not dependencies.
        let code: String = src
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for (i, _) in code.match_indices("crate::") {
            let used: String = code[i + 7..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if used != module && !allowed.contains(&used.as_str()) {
                problems.push(format!("{rel}: {module} uses crate::{used}"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
