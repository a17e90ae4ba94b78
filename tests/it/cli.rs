//! The `ferrocap` command: options, output, errors, and `-w` reproducing libpcap's view.

use crate::common::{ferrocap_bin, fnv1a64, shared_dir};
use ferrocap::file;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn ferrocap(args: &[&str]) -> Output {
    Command::new(ferrocap_bin())
        .args(args)
        .env("TZ", "UTC")
        .output()
        .unwrap()
}

fn ferrocap_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(ferrocap_bin())
        .args(args)
        .env("TZ", "UTC")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("ferrocap-cli-{}-{name}", std::process::id()))
}

#[test]
fn count() {
    let sample = data("sample.pcap");
    let out = ferrocap(&["-r", sample.to_str().unwrap(), "--count"]);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), "13 packets\n");
    assert_eq!(
        text(&out.stderr),
        format!(
            "reading from file {}, link-type EN10MB (Ethernet), snapshot length 65535\n",
            sample.display()
        )
    );
    let out = ferrocap(&["-c", "1", "--count", "-r", sample.to_str().unwrap()]);
    assert_eq!(text(&out.stdout), "1 packet\n");
}

#[test]
fn truncated_file_reports_where_and_keeps_earlier_packets() {
    let out = ferrocap(&["-r", data("truncated.pcap").to_str().unwrap(), "--count"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "12 packets\n");
    let err = text(&out.stderr);
    let last = err.lines().last().unwrap();
    assert_eq!(
        last,
        "ferrocap: truncated record: needed 63 bytes of packet data, got 43 at byte 1020 after 12 packets"
    );
    // Written output keeps every packet before the damage.
    let dest = temp("trunc.pcap");
    let out = ferrocap(&[
        "-r",
        data("truncated.pcap").to_str().unwrap(),
        "-w",
        dest.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let mut r = file::Reader::open(&dest).unwrap();
    let mut n = 0;
    while r.next().unwrap().is_some() {
        n += 1;
    }
    assert_eq!(n, 12);
    let _ = std::fs::remove_file(dest);
}

#[test]
fn stdin_to_stdout_copies_a_pcap_exactly() {
    let bytes = std::fs::read(data("sample.pcap")).unwrap();
    let out = ferrocap_stdin(&["-r", "-", "-w", "-"], &bytes);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(out.stdout, bytes);
    assert!(text(&out.stderr).starts_with("reading from file -, link-type EN10MB"));
}

#[test]
fn count_limit_and_time_styles() {
    let sample = data("sample.pcap");
    let s = sample.to_str().unwrap();
    let out = ferrocap(&["-r", s, "-c", "2", "-tt"]);
    let lines: Vec<String> = text(&out.stdout).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("1700000000.000000 "), "{}", lines[0]);
    assert!(lines[1].starts_with("1700000000.123456 "), "{}", lines[1]);
    let out = ferrocap(&["-r", s, "-c", "2", "-tt", "--nano"]);
    assert!(text(&out.stdout)
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("1700000000.123456000 "));
    let nano = data("sample-be-nano.pcap");
    let out = ferrocap(&["-r", nano.to_str().unwrap(), "-c", "2", "-tt", "--nano"]);
    assert!(text(&out.stdout)
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("1700000000.123456789 "));
    let out = ferrocap(&["-r", nano.to_str().unwrap(), "-c", "2", "-tt"]);
    assert!(text(&out.stdout)
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("1700000000.123456 "));
    let out = ferrocap(&["-r", s, "-c", "1", "-tttt"]);
    assert!(text(&out.stdout).starts_with("2023-11-14 22:13:20.000000 "));
    let out = ferrocap(&["-r", s, "-c", "1"]);
    assert!(text(&out.stdout).starts_with("22:13:20.000000 "));
    let out = ferrocap(&["-r", s, "-c", "2", "-ttt"]);
    assert!(text(&out.stdout)
        .lines()
        .nth(1)
        .unwrap()
        .starts_with(" 00:00:00.123456 "));
    let out = ferrocap(&["-r", s, "-c", "1", "-t", "-#"]);
    assert!(
        text(&out.stdout).starts_with("    1  "),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn usage_errors() {
    for args in [
        &["-r"][..],
        &["--bogus"],
        &["-c", "0", "-r", "x"],
        &["--time-stamp-precision=pico", "-r", "x"],
    ] {
        let out = ferrocap(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(text(&out.stderr).starts_with("ferrocap: "), "{args:?}");
    }
    let out = ferrocap(&["-r", "/nonexistent/x.pcap"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "ferrocap: /nonexistent/x.pcap: No such file or directory (os error 2)\n"
    );
    let out = ferrocap(&["-r", data("make-captures.py").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("unknown file format"));
    let out = ferrocap(&["--help"]);
    assert!(out.status.success() && text(&out.stdout).starts_with("Usage: ferrocap"));
}

#[test]
fn filter_expressions_are_refused_until_the_compiler_exists() {
    let out = ferrocap(&[
        "-r",
        data("sample.pcap").to_str().unwrap(),
        "tcp",
        "port",
        "80",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("filter expressions are not supported yet"));
    assert!(out.stdout.is_empty());
}

/// `ferrocap -r IN -w OUT --time-stamp-precision=nano`, read back, equals libpcap's view of IN
/// (`golden/`) for every corpus file libpcap reads to the end; for files where libpcap stops,
/// OUT holds at least libpcap's packets and they are equal.
#[test]
fn write_reproduces_libpcaps_view_of_the_corpus() {
    let Some(shared) = shared_dir() else { return };
    let dest = temp("corpus-out.pcap");
    let (mut files, mut packets) = (0, 0);
    let mut names: Vec<_> = std::fs::read_dir(shared.join("corpus/files"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    for name in names {
        let golden =
            std::fs::read_to_string(shared.join(format!("corpus/golden/{name}.tsv"))).unwrap();
        if golden.starts_with("# open error") {
            continue;
        }
        let input = shared.join("corpus/files").join(&name);
        let _ = std::fs::remove_file(&dest);
        let out = ferrocap(&[
            "-r",
            input.to_str().unwrap(),
            "-w",
            dest.to_str().unwrap(),
            "--time-stamp-precision=nano",
        ]);
        let stopped = !golden.contains("\n# end ok");
        if !stopped {
            assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        }
        let mut r =
            file::Reader::open(&dest).unwrap_or_else(|e| panic!("{name}: output unreadable: {e}"));
        assert_eq!(r.precision(), ferrocap::Precision::Nano);
        let header: Vec<&str> = golden.lines().next().unwrap().split(' ').collect();
        let want_lt = header
            .iter()
            .find_map(|kv| kv.strip_prefix("linktype="))
            .unwrap();
        assert_eq!(r.linktype().unwrap().0.to_string(), want_lt, "{name}");
        for line in golden.lines().filter(|l| !l.starts_with('#')) {
            let f: Vec<&str> = line.split('\t').collect();
            let p = r
                .next()
                .unwrap()
                .unwrap_or_else(|| panic!("{name}: missing packet {}", f[0]));
            let (mut sec, mut nsec): (i64, i64) = (f[1].parse().unwrap(), f[2].parse().unwrap());
            // Deliberate difference: pcap time fields are unsigned (see corpus.rs).
            if sec < 0 {
                sec += 1 << 32;
            }
            if nsec < 0 {
                nsec += if golden.contains("precision=nano") {
                    1 << 32
                } else {
                    1_000 << 32
                };
            }
            let want_ns = sec as i128 * 1_000_000_000 + nsec as i128;
            assert_eq!(p.header.ts.as_nanos(), want_ns, "{name} packet {}", f[0]);
            assert_eq!(p.header.caplen.to_string(), f[3], "{name} packet {}", f[0]);
            assert_eq!(p.header.len.to_string(), f[4], "{name} packet {}", f[0]);
            assert_eq!(
                format!("{:016x}", fnv1a64(p.data)),
                f[5],
                "{name} packet {}",
                f[0]
            );
            packets += 1;
        }
        if !stopped {
            assert!(
                r.next().unwrap().is_none(),
                "{name}: more packets than libpcap"
            );
        }
        files += 1;
    }
    let _ = std::fs::remove_file(dest);
    eprintln!("ferrocap -w reproduced libpcap's view of {files} corpus files, {packets} packets");
}
