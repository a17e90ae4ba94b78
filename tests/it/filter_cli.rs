//! The command with filters: `ferrocap -r F --count EXPR` counts what libpcap 1.10.3's
//! program accepts on F (`../shared/filters/reference/apply/`), `-d`/`-dd`/`-ddd` print what
//! `tcpdump -d` prints (`reference/EN10MB.d.txt`), errors show a caret and exit 1. The tests
//! need neither tcpdump nor libpcap.

use crate::common::{ferrocap_bin, shared_dir};
use ferrocap::filter::{self, ErrorKind};
use ferrocap::Linktype;
use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(ferrocap_bin()).args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Whether `expr` needs a name lookup (the reference resolved names with fixture files the
/// command does not use).
fn needs_names(expr: &str) -> bool {
    matches!(
        filter::compile(expr, Linktype::EN10MB, 262144, true, 0),
        Err(e) if e.kind() == ErrorKind::LookupsDisabled
    )
}

/// For every apply savefile, up to `per_file` expressions libpcap compiled: the count
/// `--count` prints is the number of packets libpcap's optimized program accepted.
#[test]
fn count_is_libpcaps_verdict_count() {
    let Some(shared) = shared_dir() else { return };
    let per_file = if cfg!(debug_assertions) { 12 } else { 60 };
    let dir = shared.join("filters/reference/apply");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt") && !n.contains('@'))
        .collect();
    names.sort();
    let (mut checked, mut seen) = (0, 0);
    for name in names {
        let savefile = shared
            .join("filters/pcaps")
            .join(name.trim_end_matches(".txt"));
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        let mut expr: Option<&str> = None;
        let mut taken = 0;
        for line in text.lines() {
            if let Some(e) = line.strip_prefix("### ") {
                expr = Some(e);
            } else if let (Some(e), Some(values)) = (expr, line.strip_prefix("OPT ")) {
                expr = None;
                if e.trim().is_empty() || needs_names(e) || taken >= per_file {
                    continue;
                }
                // Spread the sample over the file: every third expression.
                seen += 1;
                if seen % 3 != 0 {
                    continue;
                }
                let want = values.split_whitespace().filter(|v| *v != "0").count();
                let out = run(&["-r", savefile.to_str().unwrap(), "--count", "--", e]);
                assert!(out.status.success(), "{name}: {e}: {}", text_of(&out));
                let got = String::from_utf8_lossy(&out.stdout);
                let want_line = format!("{want} packet{}\n", if want == 1 { "" } else { "s" });
                assert_eq!(got, want_line, "{name}: {e}");
                taken += 1;
                checked += 1;
            }
        }
    }
    println!("{checked} counts checked");
    assert!(checked > 100);
}

fn text_of(out: &Output) -> String {
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}

/// `ferrocap -d EXPR` prints `tcpdump -d EXPR`'s text byte for byte (trailing blanks too)
/// wherever our program is libpcap's; checked through the library for every expression and
/// through the command for a sample.
#[test]
fn dump_is_tcpdumps_text() {
    let Some(shared) = shared_dir() else { return };
    let text_d = std::fs::read_to_string(shared.join("filters/reference/EN10MB.d.txt")).unwrap();
    let mut records: Vec<(String, String)> = Vec::new();
    for line in text_d.lines() {
        if let Some(e) = line.strip_prefix("### ") {
            records.push((e.to_string(), String::new()));
        } else if line.starts_with('(') {
            if let Some((_, body)) = records.last_mut() {
                body.push_str(line);
                body.push('\n');
            }
        }
    }
    let (mut same, mut via_command) = (0, 0);
    for (i, (expr, want)) in records.iter().enumerate() {
        if want.is_empty() || needs_names(expr) {
            continue;
        }
        let Ok(p) = filter::compile(expr, Linktype::EN10MB, 262144, true, 0) else {
            continue;
        };
        let got = p.dump(ferrocap::bpf::Format::Asm);
        if got != *want {
            continue; // a different program (the verdict tests compare those)
        }
        same += 1;
        if i % 40 == 0 {
            let out = run(&["-d", "--", expr]);
            assert!(out.status.success(), "{expr}");
            assert_eq!(text(&out.stdout), *want, "{expr}");
            assert_eq!(text(&out.stderr), "Warning: assuming Ethernet\n");
            via_command += 1;
        }
    }
    println!("{same} listings equal tcpdump's, {via_command} through the command");
    assert!(same > 1000 && via_command > 20);
}

#[test]
fn dump_formats_link_types_and_snap_length() {
    let out = run(&["-dd", "-y", "LINUX_SLL", "-s", "100", "ip"]);
    assert_eq!(
        text(&out.stdout),
        "{ 0x28, 0, 0, 0x0000000e },\n{ 0x15, 0, 1, 0x00000800 },\n{ 0x6, 0, 0, 0x00000064 },\n{ 0x6, 0, 0, 0x00000000 },\n"
    );
    assert!(out.stderr.is_empty());
    let out = run(&["-ddd", "-y", "113", "ip"]);
    assert_eq!(
        text(&out.stdout),
        "4\n40 0 0 14\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n"
    );
    // -O: unoptimized.
    let opt = run(&["-ddd", "-y", "EN10MB", "tcp port 80"]);
    let unopt = run(&["-ddd", "-O", "-y", "EN10MB", "tcp port 80"]);
    let count = |o: &Output| {
        text(&o.stdout)
            .lines()
            .next()
            .unwrap()
            .parse::<usize>()
            .unwrap()
    };
    assert!(count(&unopt) > count(&opt));
    // -r: the file's link type, snap length and a savefile handle (-y, -s ignored).
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sample.pcap");
    let out = run(&[
        "-r",
        sample.to_str().unwrap(),
        "-y",
        "LINUX_SLL",
        "-s",
        "100",
        "-d",
        "tcp",
    ]);
    let listing = text(&out.stdout);
    assert!(listing.starts_with("(000) ldh      [12]\n"), "{listing}");
    assert!(listing.contains("ret      #65535"), "{listing}");
    assert!(text(&out.stderr).starts_with("reading from file "));
    let out = run(&["-r", sample.to_str().unwrap(), "-d", "inbound"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr)
        .contains("inbound/outbound not supported on Ethernet when reading savefiles"));
}

#[test]
fn filter_file_and_words() {
    let dir = std::env::temp_dir().join(format!("ferrocap-filter-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("filter.txt");
    std::fs::write(&f, "tcp # the transport\n  and port 80 # the port\n").unwrap();
    // -F wins over words on the command line, comments are blanks.
    let a = run(&["-ddd", "-F", f.to_str().unwrap(), "udp"]);
    let b = run(&["-ddd", "tcp", "and", "port", "80"]);
    assert!(a.status.success(), "{}", text_of(&a));
    assert_eq!(a.stdout, b.stdout);
    // Words are joined by spaces.
    let c = run(&["-ddd", "tcp and port 80"]);
    assert_eq!(c.stdout, b.stdout);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn filters_what_is_read_counted_printed_and_written() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sample.pcap");
    let s = sample.to_str().unwrap();
    let count = |args: &[&str]| {
        let out = run(args);
        assert!(out.status.success(), "{args:?}: {}", text_of(&out));
        text(&out.stdout)
    };
    let all = count(&["-r", s, "--count"]);
    let tcp = count(&["-r", s, "--count", "tcp"]);
    let not_tcp = count(&["-r", s, "--count", "not", "tcp"]);
    let n = |t: &str| t.split_whitespace().next().unwrap().parse::<u64>().unwrap();
    assert_eq!(n(&tcp) + n(&not_tcp), n(&all));
    assert!(n(&tcp) > 0 && n(&not_tcp) > 0);
    // -c counts delivered (matching) packets.
    assert_eq!(
        count(&["-r", s, "-c", "2", "--count", "tcp"]),
        "2 packets\n"
    );
    // Printing: one line per match.
    let lines = count(&["-r", s, "-n", "tcp"]);
    assert_eq!(lines.lines().count() as u64, n(&tcp));
    // Writing: the output holds the matches only.
    let dir = std::env::temp_dir().join(format!("ferrocap-filter-w-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("tcp.pcap");
    let w = run(&["-r", s, "-w", out.to_str().unwrap(), "tcp"]);
    assert!(w.status.success(), "{}", text_of(&w));
    assert_eq!(count(&["-r", out.to_str().unwrap(), "--count"]), tcp);
    assert_eq!(
        count(&["-r", out.to_str().unwrap(), "--count", "not tcp"]),
        "0 packets\n"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn errors_show_a_caret_and_exit_1() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sample.pcap");
    let out = run(&["-r", sample.to_str().unwrap(), "tcp", "port", "99999"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "ferrocap: illegal port number 99999 > 65535\ntcp port 99999\n         ^^^^^\n"
    );
    assert!(out.stdout.is_empty());
    let out = run(&["-d", "tcp and"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).ends_with("tcp and\n       ^\n"),
        "{}",
        text(&out.stderr)
    );
}
