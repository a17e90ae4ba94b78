//! The module firewall a single crate does not have, checked by reading the sources.
//!
//! # The rules
//!
//! Each top-level module of the library may import only the modules its rule in [`RULES`]
//! names (besides itself). They encode the architecture table of `src/lib.rs` and
//! `shared/design/style.md`:
//!
//! - the core types import nothing above them: `linktype` nothing, `packet` only `linktype`,
//!   `source` only `packet`, `linktype` and `error` (the crate `Result` is in the signature of
//!   `PacketSource::next`);
//! - `wire` imports only `linktype`; `print` (tcpdump-style output) only `wire`, `linktype`
//!   and `packet`;
//! - `bpf` imports only `packet` and `linktype`: none of `filter`, `file`, `live`;
//! - `file` imports `packet`, `linktype`, `source` and `error`: neither `bpf` nor `filter`, and
//!   not `live`; `live` imports `packet`, `linktype`, `bpf`, `source` and `error`: not `file`,
//!   not `filter` (it takes validated programs), not `capture` (the facade over it);
//! - `filter` imports `bpf`, `wire`, `linktype`, `packet`, and no I/O: no `std::fs`,
//!   `std::io`, `std::env`, `std::process`, `std::os`, no socket or name lookup in `std::net`
//!   (`TcpStream`, `TcpListener`, `UdpSocket`, `ToSocketAddrs`; its address types are fine),
//!   no `libc`, `nix`, `socket2`, `memmap2`. The compiler never opens a file or a socket: name
//!   resolution is a trait that `filter` defines and takes as a parameter, and the
//!   implementation that reads `/etc` and asks the system resolver lives outside `filter`;
//! - `error`, the crate's error currency, imports the subsystems' error types (`file`, `bpf`,
//!   `filter`, `live`) and the core types, nothing else; `linktype`, `packet`, `wire`, `bpf`,
//!   `filter` and `print` may not import it (they report with their own error types);
//! - `capture` (the front door) and `fuzzing` may import any module; `lib.rs` stitches;
//! - every top-level module needs a rule: a new module fails the test until it gets one;
//! - nothing in `src/` outside `src/bin/` reaches into `src/bin/` (`#[path]`, `include!`);
//! - `allow(unsafe_code)` (or `expect`/`warn`, or inside `cfg_attr`) appears only in
//!   [`UNSAFE_FILES`], test code included, and `Cargo.toml` keeps `unsafe_code = "deny"`.
//!
//! The dependency rules apply to the code compiled into the library: items under
//! `#[cfg(test)]` (or `cfg(all(test, …))`), and files declared under it, may use more (a
//! `file` test may run a `bpf` program). `cfg(any(test, …))` is not test-only.
//!
//! # What is read
//!
//! The sources are lexed (comments, doc comments, string, char and raw string literals drop
//! out) and the module tree is walked from `src/lib.rs` and each `src/bin/` root through
//! `mod` declarations, inline `mod { }` blocks and `#[path]`. Every `use` tree (grouped,
//! nested, `self`, globs, `as`, `pub use`, `use` inside functions) and every path written in
//! code (`crate::file::Reader::new(…)`, `<T as crate::source::PacketSource>`,
//! `$crate::` in macros) is resolved against the module it is in: `crate::`, `super::` (any
//! number), `self::`, child modules, names brought in by `use` (aliases too), and the crate
//! root's re-exports (`crate::Result` is `error`'s). A file no `mod` reaches is reported.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// What a module may import.
enum May {
    /// Any module of the crate.
    Anything,
    /// Only these top-level modules (besides itself).
    Only(&'static [&'static str]),
}

/// Top-level module → what it may import. See the module docs for the reasons.
const RULES: &[(&str, May)] = &[
    ("linktype", May::Only(&[])),
    ("packet", May::Only(&["linktype"])),
    ("source", May::Only(&["packet", "linktype", "error"])),
    (
        "error",
        May::Only(&["file", "bpf", "filter", "live", "packet", "linktype"]),
    ),
    ("wire", May::Only(&["linktype"])),
    ("print", May::Only(&["wire", "linktype", "packet"])),
    ("bpf", May::Only(&["packet", "linktype"])),
    (
        "file",
        May::Only(&["packet", "linktype", "source", "error"]),
    ),
    (
        "live",
        May::Only(&["packet", "linktype", "bpf", "source", "error"]),
    ),
    ("filter", May::Only(&["bpf", "wire", "linktype", "packet"])),
    ("capture", May::Anything),
    ("fuzzing", May::Anything),
];

/// Modules that may not do I/O, and the external paths that are I/O.
const NO_IO: &[&str] = &["filter"];
const IO_PATHS: &[&[&str]] = &[
    &["std", "fs"],
    &["std", "io"],
    &["std", "env"],
    &["std", "process"],
    &["std", "os"],
    &["std", "net", "TcpStream"],
    &["std", "net", "TcpListener"],
    &["std", "net", "UdpSocket"],
    &["std", "net", "ToSocketAddrs"],
    &["libc"],
    &["nix"],
    &["socket2"],
    &["memmap2"],
];

/// External crates whose paths are resolved (for the I/O rule); other bare names are local.
const EXTERN_ROOTS: &[&str] = &["std", "core", "alloc", "libc", "nix", "socket2", "memmap2"];

/// Files that may contain `allow(unsafe_code)`: memory-mapping capture files, adopting a raw
/// file descriptor (`Capture::from_raw_fd`, an `unsafe fn` in the `pcap` crate's API), and the
/// live capture syscalls and ring.
const UNSAFE_FILES: &[&str] = &["src/file/mmap.rs", "src/capture/fd.rs", "src/live/sys.rs"];

// ---------------------------------------------------------------------------------------------
// Lexing

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    /// `::`
    Sep,
    Punct(char),
    Str(String),
    /// Numbers, chars, lifetimes: nothing a path is made of.
    Other,
}

struct Token {
    tok: Tok,
    line: usize,
}

/// Splits Rust source into tokens; comments vanish, literals become opaque.
fn lex(src: &str) -> Vec<Token> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let ident_start = |ch: char| ch.is_alphabetic() || ch == '_';
    let ident_char = |ch: char| ch.is_alphanumeric() || ch == '_';
    while i < c.len() {
        let ch = c[i];
        let start_line = line;
        let mut push = |tok| {
            out.push(Token {
                tok,
                line: start_line,
            })
        };
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if c[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if let Some((body, len)) = raw_string(&c[i..]) {
            line += body.matches('\n').count();
            push(Tok::Str(body));
            i += len;
        } else if ch == '"' || (matches!(ch, 'b' | 'c') && at(i + 1) == '"') {
            i += if ch == '"' { 1 } else { 2 };
            let mut body = String::new();
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    body.push(at(i + 1));
                    if at(i + 1) == '\n' {
                        line += 1;
                    }
                    i += 2;
                    continue;
                }
                if c[i] == '\n' {
                    line += 1;
                }
                body.push(c[i]);
                i += 1;
            }
            i += 1;
            push(Tok::Str(body));
        } else if ch == '\'' || (ch == 'b' && at(i + 1) == '\'') {
            // A char literal ('a', '\n', '\u{e9}', b'x') or a lifetime/label ('a).
            let q = if ch == 'b' { i + 1 } else { i };
            if at(q + 1) == '\\' {
                let mut j = q + 3; // past the backslash and the escaped character
                while j < c.len() && c[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
            } else if at(q + 2) == '\'' {
                i = q + 3;
            } else {
                i = q + 1;
                while i < c.len() && ident_char(c[i]) {
                    i += 1;
                }
            }
            push(Tok::Other);
        } else if ch == 'r' && at(i + 1) == '#' && ident_start(at(i + 2)) {
            // A raw identifier.
            let s = i + 2;
            i = s;
            while i < c.len() && ident_char(c[i]) {
                i += 1;
            }
            push(Tok::Ident(c[s..i].iter().collect()));
        } else if ident_start(ch) || (ch == '$' && ident_start(at(i + 1))) {
            let s = i;
            i += 1;
            while i < c.len() && ident_char(c[i]) {
                i += 1;
            }
            push(Tok::Ident(c[s..i].iter().collect()));
        } else if ch.is_ascii_digit() {
            while i < c.len() && (ident_char(c[i]) || (c[i] == '.' && at(i + 1).is_ascii_digit())) {
                i += 1;
            }
            push(Tok::Other);
        } else if ch == ':' && at(i + 1) == ':' {
            push(Tok::Sep);
            i += 2;
        } else {
            push(Tok::Punct(ch));
            i += 1;
        }
    }
    out
}

/// `r"…"`, `r#"…"#`, `br#"…"#`, `cr"…"` at the start of `c`: the body and the length.
fn raw_string(c: &[char]) -> Option<(String, usize)> {
    let mut i = match c {
        ['r', ..] => 1,
        ['b' | 'c', 'r', ..] => 2,
        _ => return None,
    };
    let hashes = c[i..].iter().take_while(|&&ch| ch == '#').count();
    i += hashes;
    if c.get(i) != Some(&'"') {
        return None;
    }
    i += 1;
    let start = i;
    while i < c.len() {
        if c[i] == '"'
            && c[i + 1..]
                .iter()
                .take(hashes)
                .filter(|&&h| h == '#')
                .count()
                == hashes
        {
            return Some((c[start..i].iter().collect(), i + 1 + hashes));
        }
        i += 1;
    }
    Some((c[start..].iter().collect(), c.len()))
}

// ---------------------------------------------------------------------------------------------
// Reading one file

/// A path as written, in the module it was written in.
#[derive(Clone, Debug)]
struct Written {
    module: Vec<String>,
    segs: Vec<String>,
    glob: bool,
    test: bool,
    line: usize,
}

/// A `mod name;` declaration.
struct ModDecl {
    /// The parent module (inline modules included).
    parent: Vec<String>,
    name: String,
    /// Inline modules between the file and the declaration.
    inline: Vec<String>,
    path_attr: Option<String>,
    test: bool,
    line: usize,
}

#[derive(Default)]
struct FileFacts {
    paths: Vec<Written>,
    /// (module, bound name, path it names)
    bindings: Vec<(Vec<String>, String, Vec<String>)>,
    decls: Vec<ModDecl>,
    /// Inline `mod name { }` modules, full paths.
    inline_mods: Vec<Vec<String>>,
    unsafe_allows: Vec<usize>,
    includes: Vec<(usize, String)>,
    /// `extern crate self as NAME`.
    crate_aliases: Vec<String>,
}

fn ident(t: Option<&Token>) -> Option<&str> {
    match t {
        Some(Token {
            tok: Tok::Ident(s), ..
        }) => Some(s),
        _ => None,
    }
}

fn punct(t: Option<&Token>, p: char) -> bool {
    matches!(t, Some(Token { tok: Tok::Punct(q), .. }) if *q == p)
}

fn is_sep(t: Option<&Token>) -> bool {
    matches!(t, Some(Token { tok: Tok::Sep, .. }))
}

/// The index just past the bracket group opening at `open` (`(`, `[` or `{`).
fn group_end(toks: &[Token], open: usize) -> usize {
    let mut depth = 0i32;
    for (k, t) in toks.iter().enumerate().skip(open) {
        match t.tok {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => {
                depth -= 1;
                if depth == 0 {
                    return k + 1;
                }
            }
            _ => {}
        }
    }
    toks.len()
}

const ITEM_KEYWORDS: &[&str] = &[
    "fn",
    "mod",
    "impl",
    "struct",
    "enum",
    "union",
    "trait",
    "use",
    "const",
    "static",
    "type",
    "macro_rules",
    "extern",
    "unsafe",
    "async",
];

/// The end (exclusive) of the item, field, arm or statement starting at `start`.
fn item_end(toks: &[Token], start: usize) -> usize {
    let mut k = start;
    if ident(toks.get(k)) == Some("pub") {
        k += 1;
        if punct(toks.get(k), '(') {
            k = group_end(toks, k);
        }
    }
    let is_item = ident(toks.get(k)).is_some_and(|w| ITEM_KEYWORDS.contains(&w));
    let mut depth = 0i32;
    while k < toks.len() {
        match toks[k].tok {
            Tok::Punct('(' | '[') => depth += 1,
            Tok::Punct('{') if depth == 0 => return group_end(toks, k),
            Tok::Punct('{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => {
                depth -= 1;
                if depth < 0 {
                    return k;
                }
            }
            Tok::Punct(';') if depth == 0 => return k + 1,
            Tok::Punct(',') if depth == 0 && !is_item => return k + 1,
            _ => {}
        }
        k += 1;
    }
    toks.len()
}

/// Whether an attribute's tokens (inside `#[…]`) make the item test-only.
fn attr_is_test(a: &[Token]) -> bool {
    let words: Vec<&Tok> = a.iter().map(|t| &t.tok).collect();
    let w = |s: &str| Tok::Ident(s.into());
    match words[..] {
        [c, Tok::Punct('('), t, Tok::Punct(')')] => *c == w("cfg") && *t == w("test"),
        [c, Tok::Punct('('), all, Tok::Punct('('), ref inner @ .., Tok::Punct(')'), Tok::Punct(')')]
            if *c == w("cfg") && *all == w("all") =>
        {
            let mut depth = 0;
            inner.iter().any(|t| {
                match t {
                    Tok::Punct('(') => depth += 1,
                    Tok::Punct(')') => depth -= 1,
                    _ => {}
                }
                depth == 0 && **t == w("test")
            })
        }
        _ => false,
    }
}

/// A `use` tree from `toks[i]` (after `use`): its leaves, appended to `out` as
/// (path, glob, alias). Returns the index after the tree.
fn use_tree(
    toks: &[Token],
    mut i: usize,
    prefix: &[String],
    out: &mut Vec<(Vec<String>, bool, Option<String>)>,
) -> usize {
    let mut path = prefix.to_vec();
    if is_sep(toks.get(i)) {
        path.push(String::new()); // a leading `::`: an external crate
        i += 1;
    }
    loop {
        if punct(toks.get(i), '{') {
            i += 1;
            while i < toks.len() && !punct(toks.get(i), '}') {
                i = use_tree(toks, i, &path, out);
                if punct(toks.get(i), ',') {
                    i += 1;
                }
            }
            return i + 1;
        }
        if punct(toks.get(i), '*') {
            out.push((path, true, None));
            return i + 1;
        }
        let Some(seg) = ident(toks.get(i)) else {
            return i + 1; // malformed: skip a token
        };
        i += 1;
        if seg != "self" || path.is_empty() {
            path.push(seg.to_owned());
        }
        if is_sep(toks.get(i)) {
            i += 1;
            continue;
        }
        let alias = if ident(toks.get(i)) == Some("as") {
            i += 2;
            ident(toks.get(i - 1)).map(str::to_owned)
        } else {
            None
        };
        out.push((path, false, alias));
        return i;
    }
}

/// Reads the facts of one file whose module path is `module`.
fn read_file(src: &str, module: &[String], file_test: bool) -> FileFacts {
    let toks = lex(src);
    let mut f = FileFacts::default();
    // Open `{` frames: the inline module name a frame opened, if any, and where it ends.
    let mut frames: Vec<(Option<String>, usize)> = Vec::new();
    // Test-only until this token index.
    let mut test_until = if file_test { usize::MAX } else { 0 };
    let mut i = 0;
    while i < toks.len() {
        while frames.last().is_some_and(|&(_, end)| i >= end) {
            frames.pop();
        }
        let inline: Vec<String> = frames.iter().filter_map(|(m, _)| m.clone()).collect();
        let here: Vec<String> = module.iter().chain(&inline).cloned().collect();
        let test = i < test_until;
        match &toks[i].tok {
            Tok::Punct('#') => {
                let inner = punct(toks.get(i + 1), '!');
                let open = if inner { i + 2 } else { i + 1 };
                if !punct(toks.get(open), '[') {
                    i += 1;
                    continue;
                }
                let end = group_end(&toks, open);
                let body = toks.get(open + 1..end - 1).unwrap_or(&[]);
                let has = |w: &str| body.iter().any(|t| t.tok == Tok::Ident(w.into()));
                if has("unsafe_code") && (has("allow") || has("expect") || has("warn")) {
                    f.unsafe_allows.push(toks[i].line);
                }
                if attr_is_test(body) {
                    let until = if inner {
                        frames.last().map_or(usize::MAX, |&(_, e)| e)
                    } else {
                        // The item after this and any further attributes.
                        let mut s = end;
                        while punct(toks.get(s), '#') && punct(toks.get(s + 1), '[') {
                            s = group_end(&toks, s + 1);
                        }
                        item_end(&toks, s)
                    };
                    test_until = test_until.max(until);
                }
                if let [Token {
                    tok: Tok::Ident(p), ..
                }, Token {
                    tok: Tok::Punct('='),
                    ..
                }, Token {
                    tok: Tok::Str(target),
                    ..
                }] = body
                {
                    if p == "path" {
                        // Kept for the `mod` it precedes.
                        let mut s = end;
                        while punct(toks.get(s), '#') && punct(toks.get(s + 1), '[') {
                            s = group_end(&toks, s + 1);
                        }
                        if let Some(d) = decl_at(&toks, s) {
                            f.decls.push(ModDecl {
                                parent: here.clone(),
                                name: d,
                                inline: inline.clone(),
                                path_attr: Some(target.clone()),
                                test: s < test_until,
                                line: toks[i].line,
                            });
                        }
                    }
                }
                i = end;
            }
            Tok::Ident(w) if w == "mod" => {
                let Some(name) = ident(toks.get(i + 1)).map(str::to_owned) else {
                    i += 1;
                    continue;
                };
                if punct(toks.get(i + 2), '{') {
                    let mut full = here.clone();
                    full.push(name.clone());
                    f.inline_mods.push(full);
                    frames.push((Some(name), group_end(&toks, i + 2)));
                    i += 3;
                } else {
                    let has_path_attr = f.decls.last().is_some_and(|d| {
                        d.path_attr.is_some() && d.name == name && d.parent == here
                    });
                    if !has_path_attr {
                        f.decls.push(ModDecl {
                            parent: here.clone(),
                            name,
                            inline: inline.clone(),
                            path_attr: None,
                            test,
                            line: toks[i].line,
                        });
                    }
                    i += 2;
                }
            }
            Tok::Ident(w) if w == "use" && !punct(toks.get(i + 1), '<') => {
                let mut leaves = Vec::new();
                let end = use_tree(&toks, i + 1, &[], &mut leaves);
                for (segs, glob, alias) in leaves {
                    if !glob {
                        let bound = alias.or_else(|| segs.last().cloned());
                        if let Some(b) = bound.filter(|b| b != "_") {
                            f.bindings.push((here.clone(), b, segs.clone()));
                        }
                    }
                    f.paths.push(Written {
                        module: here.clone(),
                        segs,
                        glob,
                        test,
                        line: toks[i].line,
                    });
                }
                i = end;
            }
            Tok::Ident(w)
                if w == "extern"
                    && ident(toks.get(i + 1)) == Some("crate")
                    && ident(toks.get(i + 2)) == Some("self")
                    && ident(toks.get(i + 3)) == Some("as") =>
            {
                if let Some(a) = ident(toks.get(i + 4)) {
                    f.crate_aliases.push(a.to_owned());
                }
                i += 5;
            }
            Tok::Ident(w)
                if matches!(w.as_str(), "include" | "include_str" | "include_bytes")
                    && punct(toks.get(i + 1), '!') =>
            {
                if let Some(Token {
                    tok: Tok::Str(p), ..
                }) = toks.get(i + 3)
                {
                    f.includes.push((toks[i].line, p.clone()));
                }
                i += 2;
            }
            Tok::Punct('{') => {
                frames.push((None, group_end(&toks, i)));
                i += 1;
            }
            Tok::Ident(_) | Tok::Sep if !is_sep(i.checked_sub(1).and_then(|p| toks.get(p))) => {
                // A path in code: `a::b::c`, `::std::x`.
                let mut segs = Vec::new();
                let mut k = i;
                if is_sep(toks.get(k)) {
                    segs.push(String::new());
                    k += 1;
                }
                while let Some(s) = ident(toks.get(k)) {
                    segs.push(s.to_owned());
                    if !is_sep(toks.get(k + 1)) {
                        k += 1;
                        break;
                    }
                    k += 2;
                }
                if segs.len() >= 2 {
                    f.paths.push(Written {
                        module: here.clone(),
                        segs,
                        glob: false,
                        test,
                        line: toks[i].line,
                    });
                }
                i = k.max(i + 1);
            }
            _ => i += 1,
        }
    }
    f
}

/// The name declared by `mod NAME;` at `s` (after visibility), if that is what is there.
fn decl_at(toks: &[Token], mut s: usize) -> Option<String> {
    if ident(toks.get(s)) == Some("pub") {
        s += 1;
        if punct(toks.get(s), '(') {
            s = group_end(toks, s);
        }
    }
    (ident(toks.get(s)) == Some("mod") && punct(toks.get(s + 2), ';'))
        .then(|| ident(toks.get(s + 1)).map(str::to_owned))
        .flatten()
}

// ---------------------------------------------------------------------------------------------
// The whole tree

/// A resolved path.
#[derive(Clone, Debug, PartialEq)]
enum Target {
    /// From the crate root.
    Crate(Vec<String>),
    /// An external crate's path (`std::fs::File`).
    Extern(Vec<String>),
}

struct Crate {
    /// Every module: files and inline modules.
    modules: BTreeSet<Vec<String>>,
    /// module → name → (path as written)
    bindings: HashMap<Vec<String>, HashMap<String, Vec<String>>>,
    aliases: Vec<String>,
}

impl Crate {
    fn resolve(&self, module: &[String], segs: &[String], depth: usize) -> Option<Target> {
        let first = segs.first()?.as_str();
        if depth > 16 {
            return None;
        }
        if first == "crate" || first == "$crate" || self.aliases.iter().any(|a| a == first) {
            return Some(Target::Crate(segs[1..].to_vec()));
        }
        if first.is_empty() {
            return Some(Target::Extern(segs[1..].to_vec()));
        }
        if first == "super" || first == "self" {
            let mut base = module.to_vec();
            let mut k = 0;
            if first == "self" {
                k = 1;
            }
            while segs.get(k).map(String::as_str) == Some("super") {
                base.pop()?;
                k += 1;
            }
            base.extend_from_slice(&segs[k..]);
            return Some(Target::Crate(base));
        }
        let mut child = module.to_vec();
        child.push(first.to_owned());
        if self.modules.contains(&child) {
            child.extend_from_slice(&segs[1..]);
            return Some(Target::Crate(child));
        }
        if let Some(bound) = self.bindings.get(module).and_then(|b| b.get(first)) {
            if bound.as_slice() != segs {
                return match self.resolve(module, bound, depth + 1)? {
                    Target::Crate(mut p) => {
                        p.extend_from_slice(&segs[1..]);
                        Some(Target::Crate(p))
                    }
                    Target::Extern(mut p) => {
                        p.extend_from_slice(&segs[1..]);
                        Some(Target::Extern(p))
                    }
                };
            }
        }
        EXTERN_ROOTS
            .contains(&first)
            .then(|| Target::Extern(segs.to_vec()))
    }

    /// The top-level module a crate path belongs to; `None` = an item of the crate root.
    fn owner(&self, path: &[String], depth: usize) -> Option<String> {
        let first = path.first()?;
        if self.modules.contains(std::slice::from_ref(first)) {
            return Some(first.clone());
        }
        // A re-export at the root (`crate::Result` is `error`'s).
        match self.resolve(&[], std::slice::from_ref(first), depth + 1) {
            Some(Target::Crate(p)) if depth < 16 && p.as_slice() != [first.clone()] => {
                self.owner(&p, depth + 1)
            }
            _ => None,
        }
    }
}

/// Checks a source tree (paths like `src/lib.rs` → contents); returns what breaks the rules.
fn check(files: &BTreeMap<String, String>) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, src) in files {
        let facts = read_file(src, &[], false);
        for line in facts.unsafe_allows {
            if !UNSAFE_FILES.contains(&path.as_str()) {
                problems.push(format!(
                    "{path}:{line}: allows unsafe code (only {} may)",
                    UNSAFE_FILES.join(", ")
                ));
            }
        }
    }
    // Walk the module trees: the library, then each command.
    let mut roots = vec![("src/lib.rs".to_owned(), false)];
    for path in files.keys() {
        let rest = path.strip_prefix("src/bin/").unwrap_or("");
        let parts: Vec<&str> = rest.split('/').collect();
        if matches!(parts[..], [f] if f.ends_with(".rs")) || matches!(parts[..], [_, "main.rs"]) {
            roots.push((path.clone(), true));
        }
    }
    let mut seen = BTreeSet::new();
    let mut lib: Vec<(String, Vec<String>, FileFacts)> = Vec::new();
    for (root, is_bin) in roots {
        if !files.contains_key(&root) {
            problems.push(format!("{root}: missing"));
            continue;
        }
        let mut queue = vec![(root, Vec::<String>::new(), false)];
        while let Some((path, module, test)) = queue.pop() {
            if !seen.insert(path.clone()) {
                continue;
            }
            let facts = read_file(&files[&path], &module, test);
            let dir = Path::new(&path).parent().unwrap();
            let owns_dir = path.ends_with("/lib.rs")
                || path.ends_with("/main.rs")
                || path.ends_with("/mod.rs")
                || (is_bin && module.is_empty());
            let children_dir = if owns_dir {
                dir.to_path_buf()
            } else {
                Path::new(path.trim_end_matches(".rs")).to_path_buf()
            };
            for d in &facts.decls {
                let candidates = match &d.path_attr {
                    Some(p) => {
                        let base = if d.inline.is_empty() {
                            dir.to_path_buf()
                        } else {
                            d.inline.iter().fold(children_dir.clone(), |b, m| b.join(m))
                        };
                        vec![normalize(&base.join(p))]
                    }
                    None => {
                        let base = d.inline.iter().fold(children_dir.clone(), |b, m| b.join(m));
                        vec![
                            normalize(&base.join(format!("{}.rs", d.name))),
                            normalize(&base.join(&d.name).join("mod.rs")),
                        ]
                    }
                };
                let Some(found) = candidates.iter().find(|c| files.contains_key(*c)) else {
                    problems.push(format!(
                        "{path}:{}: `mod {}` has no file ({})",
                        d.line,
                        d.name,
                        candidates.join(" or ")
                    ));
                    continue;
                };
                if !is_bin && found.starts_with("src/bin/") {
                    problems.push(format!(
                        "{path}:{}: the library reaches into the command: `mod {}` is {found}",
                        d.line, d.name
                    ));
                }
                let mut child = d.parent.clone();
                child.push(d.name.clone());
                queue.push((found.clone(), child, d.test));
            }
            for (line, p) in &facts.includes {
                let target = normalize(&dir.join(p));
                if !is_bin && target.starts_with("src/bin/") {
                    problems.push(format!(
                        "{path}:{line}: the library reaches into the command: includes {target}"
                    ));
                }
            }
            if !is_bin {
                lib.push((path, module, facts));
            }
        }
    }
    for path in files.keys() {
        if !seen.contains(path) {
            problems.push(format!("{path}: no `mod` declares this file"));
        }
    }
    problems.extend(check_imports(&lib));
    problems
}

/// `a/b/../c` → `a/c`, as a `/`-separated string.
fn normalize(p: &Path) -> String {
    let mut out: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c.as_os_str().to_string_lossy().into_owned()),
        }
    }
    out.join("/")
}

/// The dependency rules over the library's files (path, module, facts).
fn check_imports(lib: &[(String, Vec<String>, FileFacts)]) -> Vec<String> {
    let mut krate = Crate {
        modules: BTreeSet::new(),
        bindings: HashMap::new(),
        aliases: Vec::new(),
    };
    for (_, module, facts) in lib {
        krate.modules.insert(module.clone());
        krate.modules.extend(facts.inline_mods.iter().cloned());
        for (m, name, segs) in &facts.bindings {
            krate
                .bindings
                .entry(m.clone())
                .or_default()
                .insert(name.clone(), segs.clone());
        }
        krate.aliases.extend(facts.crate_aliases.iter().cloned());
    }
    // One report per file, line and offence (a `use` and the paths that use its name).
    let mut problems: BTreeMap<(String, usize, String), String> = BTreeMap::new();
    let mut report = |path: &str, line: usize, what: &str, message: String| {
        problems
            .entry((path.to_owned(), line, what.to_owned()))
            .or_insert(message);
    };
    for (path, module, facts) in lib {
        let Some(me) = module.first() else {
            continue; // lib.rs stitches
        };
        let Some((_, may)) = RULES.iter().find(|(m, _)| m == me) else {
            report(
                path,
                0,
                "rule",
                format!("{path}: module `{me}` has no rule in tests/it/architecture.rs (RULES): give it one"),
            );
            continue;
        };
        for w in facts.paths.iter().filter(|w| !w.test) {
            let written = w.segs.join("::") + if w.glob { "::*" } else { "" };
            match krate.resolve(&w.module, &w.segs, 0) {
                Some(Target::Crate(abs)) => {
                    let May::Only(allowed) = may else { continue };
                    if abs.is_empty() && w.glob {
                        report(
                            path,
                            w.line,
                            "root",
                            format!(
                                "{path}:{}: `{me}` imports the whole crate root ({written})",
                                w.line
                            ),
                        );
                        continue;
                    }
                    match krate.owner(&abs, 0) {
                        Some(to) if to == *me || allowed.contains(&to.as_str()) => {}
                        Some(to) => report(
                            path,
                            w.line,
                            &to,
                            format!(
                                "{path}:{}: `{me}` imports `{to}` ({written}); {me} may import {}",
                                w.line,
                                list(allowed)
                            ),
                        ),
                        None if abs.is_empty() => {}
                        None => report(
                            path,
                            w.line,
                            "root",
                            format!(
                                "{path}:{}: `{me}` imports an item of the crate root ({written}); {me} may import {}",
                                w.line,
                                list(allowed)
                            ),
                        ),
                    }
                }
                Some(Target::Extern(p)) if NO_IO.contains(&me.as_str()) => {
                    let io = IO_PATHS.iter().find(|io| {
                        p.len() >= io.len()
                            && p[..io.len()].iter().zip(io.iter()).all(|(a, b)| a == b)
                    });
                    let glob_over_io = w.glob
                        && IO_PATHS
                            .iter()
                            .any(|io| io.len() > p.len() && io[..p.len()] == p[..]);
                    if io.is_some() || glob_over_io {
                        report(
                            path,
                            w.line,
                            "io",
                            format!("{path}:{}: `{me}` does I/O ({written}): the compiler opens no file or socket", w.line),
                        );
                    }
                }
                _ => {}
            }
        }
    }
    problems.into_values().collect()
}

fn list(allowed: &[&str]) -> String {
    if allowed.is_empty() {
        "nothing".into()
    } else {
        allowed.join(", ")
    }
}

// ---------------------------------------------------------------------------------------------
// The real tree

fn read_tree(root: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, &root.join("src"), &mut out);
    out
}

#[test]
fn the_crate_keeps_its_architecture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tree = read_tree(root);
    assert!(tree.len() > 20, "read only {} files", tree.len());
    let problems = check(&tree);
    assert!(problems.is_empty(), "{problems:#?}");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(
        manifest
            .lines()
            .any(|l| l.replace(' ', "") == "unsafe_code=\"deny\""),
        "Cargo.toml must keep unsafe_code = \"deny\""
    );
}

// ---------------------------------------------------------------------------------------------
// The checker on synthetic trees: clean, then one violation at a time.

/// A small crate with every top-level module, following every rule, and the things a naive
/// checker trips on: links in doc comments, paths in strings and raw strings, a char literal
/// that is a quote, `super::` paths within a module, test modules that use more, `pub use`
/// re-exports at the root, a child module named like another top-level module.
fn clean_tree() -> BTreeMap<String, String> {
    let files: &[(&str, &str)] = &[
        (
            "src/lib.rs",
            "//! Uses [`crate::file`] and `crate::bpf`.
             pub mod bpf; pub mod capture; mod error; pub mod file; pub mod filter;
             #[doc(hidden)] pub mod fuzzing; pub mod linktype; pub mod live; pub mod packet;
             pub mod print; pub mod source; pub mod wire;
             pub use capture::Capture;
             pub use error::{Error, Result};
             pub use linktype::Linktype;
             pub use packet::{Packet, PacketHeader};
             pub use source::PacketSource;
             pub fn lib_version() -> &'static str { \"x\" }",
        ),
        ("src/linktype.rs", "pub struct Linktype(pub u32);"),
        (
            "src/packet.rs",
            "use crate::Linktype;
             /// Not a dependency: [`crate::file::Reader`].
             pub struct PacketHeader { pub linktype: Linktype }
             pub struct Packet<'a> { pub header: PacketHeader, pub data: &'a [u8] }
             #[cfg(test)]
             mod tests { use super::*; use crate::file::Reader; }",
        ),
        (
            "src/source.rs",
            "use crate::{packet::Packet, Result};
             pub trait PacketSource { fn next(&mut self) -> Result<Option<Packet<'_>>>; }",
        ),
        (
            "src/error.rs",
            "pub enum Error { File(crate::file::Error), Bpf(crate::bpf::Error),
               Filter(crate::filter::Error), Live(crate::live::Error) }
             pub type Result<T> = std::result::Result<T, Error>;",
        ),
        (
            "src/wire/mod.rs",
            "pub mod ipv4; pub use crate::linktype::Linktype as L;
             const S: &str = \"crate::packet::Packet\";",
        ),
        (
            "src/wire/ipv4.rs",
            "use super::super::linktype::Linktype; use super::L;
             pub fn proto(p: &[u8]) -> u8 { let q = '\"'; let _ = q; p[9] }",
        ),
        (
            "src/bpf/mod.rs",
            "mod interp; pub use self::interp::run; use crate::packet::Packet;
             pub struct Error;
             /* crate::filter::compile, /* nested */ crate::live::Handle */
             const DOC: &str = r#\"use crate::file::Reader; \"quoted\" \"#;
             fn f<'a>(p: &'a Packet<'a>) -> &'a [u8] { p.data }
             #[cfg(test)] mod tests { use crate::file::Reader; use crate::filter; }
             #[cfg(all(test, unix))] fn helper() { crate::live::open(); }",
        ),
        (
            "src/bpf/interp.rs",
            "use super::super::packet::Packet; pub fn run(p: &Packet<'_>) -> u32 { 0 }",
        ),
        (
            "src/file/mod.rs",
            "mod mmap; pub mod pcap;
             use crate::{packet::{Packet, PacketHeader}, linktype::Linktype, source::PacketSource};
             pub struct Error; pub struct Reader;
             impl PacketSource for Reader {
                 fn next(&mut self) -> crate::Result<Option<Packet<'_>>> { Ok(None) }
             }
             #[cfg(test)] mod tests;",
        ),
        (
            "src/file/pcap.rs",
            "use super::Reader; use crate::file::Error;
             // A child module of `file` named like a top-level one is still `file`:
             mod bpf { pub struct Own; }
             use self::bpf::Own;",
        ),
        (
            "src/file/mmap.rs",
            "#![allow(unsafe_code)]
             pub fn map() {}",
        ),
        (
            "src/file/tests.rs",
            "use crate::bpf::Program; use crate::filter::compile; use crate::live;",
        ),
        (
            "src/filter/mod.rs",
            "use crate::{bpf, wire::ipv4, linktype::Linktype, packet::Packet};
             use std::net::{Ipv4Addr, Ipv6Addr}; use std::fmt::Write;
             pub struct Error;
             pub trait Resolver { fn host(&self, name: &str) -> Option<Ipv4Addr>; }
             const NOTE: &str = \"std::fs::read and crate::file are not used\";
             #[cfg(test)] mod tests { use std::fs; use crate::file::Reader; }",
        ),
        (
            "src/live/mod.rs",
            "pub mod sys; use crate::{bpf::Program, source::PacketSource, Result, PacketHeader};
             pub struct Error;
             pub fn open() {}",
        ),
        (
            "src/live/sys.rs",
            "#![allow(unsafe_code)]
             use super::Error; use std::os::fd::OwnedFd;",
        ),
        (
            "src/print/mod.rs",
            "use crate::wire::{self, ipv4}; use crate::packet::Packet; use crate::Linktype;",
        ),
        (
            "src/capture/mod.rs",
            "use crate::{file, live, filter, bpf, Error};
             pub struct Capture;",
        ),
        (
            "src/fuzzing/mod.rs",
            "pub fn bpf(data: &[u8]) { crate::bpf::run; crate::file::Reader; }",
        ),
        (
            "src/bin/tool/main.rs",
            "mod args; fn main() { args::parse(); }",
        ),
        ("src/bin/tool/args.rs", "pub fn parse() {}"),
    ];
    files
        .iter()
        .map(|(p, s)| (p.to_string(), s.to_string()))
        .collect()
}

#[test]
fn a_clean_tree_passes() {
    assert_eq!(check(&clean_tree()), Vec::<String>::new());
}

/// Adds `code` to `file` of the clean tree (creating the file if needed).
fn with(changes: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut tree = clean_tree();
    for (file, code) in changes {
        let text = tree.entry(file.to_string()).or_default();
        text.push('\n');
        text.push_str(code);
    }
    tree
}

/// Each case breaks one rule; the checker must report it, and only it.
#[test]
fn each_broken_rule_is_reported() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        // The core types import nothing above them.
        (
            &[("src/linktype.rs", "use crate::packet::Packet;")],
            "src/linktype.rs:2: `linktype` imports `packet` (crate::packet::Packet); linktype may import nothing",
        ),
        (
            &[("src/packet.rs", "use super::file::Reader;")],
            "src/packet.rs:7: `packet` imports `file` (super::file::Reader); packet may import linktype",
        ),
        (
            &[(
                "src/source.rs",
                "impl PacketSource for crate::file::Reader { }",
            )],
            "src/source.rs:3: `source` imports `file` (crate::file::Reader); source may import packet, linktype, error",
        ),
        (
            &[("src/source.rs", "use crate::Capture;")],
            "src/source.rs:3: `source` imports `capture` (crate::Capture); source may import packet, linktype, error",
        ),
        // file and live never import each other.
        (
            &[("src/file/mod.rs", "use crate::{packet::Packet as P, live::Error};")],
            "src/file/mod.rs:8: `file` imports `live` (crate::live::Error); file may import packet, linktype, source, error",
        ),
        (
            &[("src/live/sys.rs", "use super::super::file::Reader;")],
            "src/live/sys.rs:3: `live` imports `file` (super::super::file::Reader); live may import packet, linktype, bpf, source, error",
        ),
        // file imports neither bpf nor filter.
        (
            &[(
                "src/file/pcap.rs",
                "use crate::{linktype, bpf::{self, Program}};",
            )],
            "src/file/pcap.rs:5: `file` imports `bpf` (crate::bpf); file may import packet, linktype, source, error",
        ),
        (
            &[("src/file/mod.rs", "pub use crate::filter::compile;")],
            "src/file/mod.rs:8: `file` imports `filter` (crate::filter::compile); file may import packet, linktype, source, error",
        ),
        (
            &[(
                "src/file/mod.rs",
                "#[cfg(any(test, fuzzing))] use crate::bpf::Program;",
            )],
            "src/file/mod.rs:8: `file` imports `bpf` (crate::bpf::Program); file may import packet, linktype, source, error",
        ),
        // bpf imports none of filter, file, live.
        (
            &[(
                "src/bpf/interp.rs",
                "fn f() { let p = crate::filter::compile(\"tcp\"); }",
            )],
            "src/bpf/interp.rs:2: `bpf` imports `filter` (crate::filter::compile); bpf may import packet, linktype",
        ),
        (
            &[(
                "src/bpf/mod.rs",
                "macro_rules! open { () => { $crate::file::Reader::new() } }",
            )],
            "src/bpf/mod.rs:8: `bpf` imports `file` ($crate::file::Reader::new); bpf may import packet, linktype",
        ),
        (
            &[(
                "src/bpf/mod.rs",
                "use crate::live as engine; fn g() { engine::open(); }",
            )],
            "src/bpf/mod.rs:8: `bpf` imports `live` (crate::live); bpf may import packet, linktype",
        ),
        (
            &[("src/bpf/interp.rs", "use crate::*;")],
            "src/bpf/interp.rs:2: `bpf` imports the whole crate root (crate::*)",
        ),
        (
            &[("src/bpf/interp.rs", "fn v() -> &'static str { crate::lib_version() }")],
            "src/bpf/interp.rs:2: `bpf` imports an item of the crate root (crate::lib_version); bpf may import packet, linktype",
        ),
        // filter: no file, no I/O.
        (
            &[("src/filter/mod.rs", "use crate::file;")],
            "src/filter/mod.rs:7: `filter` imports `file` (crate::file); filter may import bpf, wire, linktype, packet",
        ),
        (
            &[("src/filter/mod.rs", "use std::fs;")],
            "src/filter/mod.rs:7: `filter` does I/O (std::fs): the compiler opens no file or socket",
        ),
        (
            &[(
                "src/filter/mod.rs",
                "fn hosts() -> String { std::fs::read_to_string(\"/etc/hosts\").unwrap() }",
            )],
            "src/filter/mod.rs:7: `filter` does I/O (std::fs::read_to_string): the compiler opens no file or socket",
        ),
        (
            &[("src/filter/mod.rs", "use std::{fmt, io::{BufRead, Read}};")],
            "src/filter/mod.rs:7: `filter` does I/O (std::io::BufRead): the compiler opens no file or socket",
        ),
        (
            &[(
                "src/filter/mod.rs",
                "use std::net; fn look() { net::UdpSocket::bind(\"0:53\"); }",
            )],
            "src/filter/mod.rs:7: `filter` does I/O (net::UdpSocket::bind): the compiler opens no file or socket",
        ),
        (
            &[("src/filter/mod.rs", "use std::net::{Ipv4Addr as A, ToSocketAddrs};")],
            "src/filter/mod.rs:7: `filter` does I/O (std::net::ToSocketAddrs): the compiler opens no file or socket",
        ),
        (
            &[("src/filter/mod.rs", "fn e() { ::std::env::var(\"HOME\"); }")],
            "src/filter/mod.rs:7: `filter` does I/O (::std::env::var): the compiler opens no file or socket",
        ),
        (
            &[("src/filter/mod.rs", "use std::net::*;")],
            "src/filter/mod.rs:7: `filter` does I/O (std::net::*): the compiler opens no file or socket",
        ),
        // wire imports only linktype; print only wire, linktype, packet.
        (
            &[("src/wire/ipv4.rs", "use crate::Packet;")],
            "src/wire/ipv4.rs:3: `wire` imports `packet` (crate::Packet); wire may import linktype",
        ),
        (
            &[("src/wire/mod.rs", "fn e() -> crate::Result<()> { Ok(()) }")],
            "src/wire/mod.rs:3: `wire` imports `error` (crate::Result); wire may import linktype",
        ),
        (
            &[("src/print/mod.rs", "use crate::bpf::Program;")],
            "src/print/mod.rs:2: `print` imports `bpf` (crate::bpf::Program); print may import wire, linktype, packet",
        ),
        // error folds subsystem errors and nothing else.
        (
            &[("src/error.rs", "use crate::capture::Capture;")],
            "src/error.rs:4: `error` imports `capture` (crate::capture::Capture); error may import file, bpf, filter, live, packet, linktype",
        ),
        // A new module needs a rule.
        (
            &[("src/lib.rs", "pub mod names;"), ("src/names.rs", "pub fn hosts() {}")],
            "src/names.rs: module `names` has no rule in tests/it/architecture.rs (RULES): give it one",
        ),
        // Nothing in src/ outside src/bin/ reaches into src/bin/.
        (
            &[(
                "src/capture/mod.rs",
                "#[path = \"../bin/tool/args.rs\"] mod args;",
            )],
            "src/capture/mod.rs:3: the library reaches into the command: `mod args` is src/bin/tool/args.rs",
        ),
        (
            &[("src/capture/mod.rs", "include!(\"../bin/tool/args.rs\");")],
            "src/capture/mod.rs:3: the library reaches into the command: includes src/bin/tool/args.rs",
        ),
        // unsafe stays in its files, test code included.
        (
            &[("src/bpf/interp.rs", "#![allow(unsafe_code)]")],
            "src/bpf/interp.rs:2: allows unsafe code (only src/file/mmap.rs, src/capture/fd.rs, src/live/sys.rs may)",
        ),
        (
            &[(
                "src/wire/mod.rs",
                "#[cfg_attr(fuzzing, allow(dead_code, unsafe_code))] fn f() {}",
            )],
            "src/wire/mod.rs:3: allows unsafe code (only src/file/mmap.rs, src/capture/fd.rs, src/live/sys.rs may)",
        ),
        (
            &[(
                "src/packet.rs",
                "#[cfg(test)] mod more { #![allow(unsafe_code)] }",
            )],
            "src/packet.rs:7: allows unsafe code (only src/file/mmap.rs, src/capture/fd.rs, src/live/sys.rs may)",
        ),
        (
            &[("src/bin/tool/args.rs", "#[expect(unsafe_code)] fn f() {}")],
            "src/bin/tool/args.rs:2: allows unsafe code (only src/file/mmap.rs, src/capture/fd.rs, src/live/sys.rs may)",
        ),
        // Every file is part of the tree.
        (
            &[("src/bpf/old.rs", "pub fn run() {}")],
            "src/bpf/old.rs: no `mod` declares this file",
        ),
        (
            &[("src/bpf/mod.rs", "mod gone;")],
            "src/bpf/mod.rs:8: `mod gone` has no file (src/bpf/gone.rs or src/bpf/gone/mod.rs)",
        ),
    ];
    let mut wrong = Vec::new();
    for (changes, want) in cases {
        let got = check(&with(changes));
        if got != [*want] {
            wrong.push(format!("{changes:?}\n  want {want}\n  got  {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn test_code_may_use_more_but_only_under_cfg_test() {
    // A file declared under cfg(test), an item under cfg(test), cfg(all(test, …)).
    let tree = with(&[
        ("src/bpf/mod.rs", "#[cfg(test)] mod check;"),
        ("src/bpf/check.rs", "use crate::file::Reader; mod deeper;"),
        ("src/bpf/check/deeper.rs", "use crate::filter::compile;"),
        (
            "src/live/mod.rs",
            "#[cfg(all(unix, test))] #[allow(dead_code)] fn t<A, B>() { use crate::file; }",
        ),
    ]);
    assert_eq!(check(&tree), Vec::<String>::new());
    // The same declaration without cfg(test) is library code.
    let tree = with(&[
        ("src/bpf/mod.rs", "mod check;"),
        ("src/bpf/check.rs", "use crate::file::Reader;"),
    ]);
    assert_eq!(
        check(&tree),
        ["src/bpf/check.rs:2: `bpf` imports `file` (crate::file::Reader); bpf may import packet, linktype"]
    );
    // A test item ends where it ends: what follows is library code again.
    let tree = with(&[(
        "src/file/pcap.rs",
        "#[cfg(test)] fn t() { crate::bpf::run(); } fn u() { crate::bpf::run(); }",
    )]);
    assert_eq!(
        check(&tree),
        ["src/file/pcap.rs:5: `file` imports `bpf` (crate::bpf::run); file may import packet, linktype, source, error"]
    );
}

#[test]
fn the_lexer_drops_comments_and_literals() {
    let toks = lex("a /* b /* c */ d */ e // f\n \"g \\\" h\" r##\"i \"# j\"## 'k' '\\'' 'l m::n");
    let idents: Vec<String> = toks
        .iter()
        .filter_map(|t| match &t.tok {
            Tok::Ident(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(idents, ["a", "e", "m", "n"]);
    assert_eq!(toks.last().unwrap().line, 2);
}

#[test]
fn malformed_sources_do_not_stop_the_checker() {
    for src in [
        "#[",
        "#![cfg(test",
        "use crate::{file",
        "use",
        "mod",
        "mod x",
        "'",
        "'\\",
        "\"open",
        "r#\"open",
        "/* open",
        "crate::",
        "::",
        "#[path = \"x\"]",
        "include!(",
    ] {
        let tree = with(&[("src/bpf/interp.rs", src)]);
        let _ = check(&tree); // must return, whatever it says
    }
}
