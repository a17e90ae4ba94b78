//! The `ferrocap` command: options, output, errors, and `-w` reproducing libpcap's view.

use crate::common::{ferrocap_bin, fnv1a64, golden_nanos, shared_dir};
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
    // Option syntax: getopt's message, then the usage text, status 1.
    for (args, message) in [
        (&["-r"][..], "option requires an argument -- 'r'"),
        (&["--bogus"], "unrecognized option '--bogus'"),
        (&["-P", "-r", "x"], "invalid option -- 'P'"),
        (&["--count=5", "-r", "x"], "option '--count' doesn't allow an argument"),
        (&["--pcapng=x", "-r", "x"], "option '--pcapng' doesn't allow an argument"),
        (
            &["--n"],
            "option '--n' is ambiguous; possibilities: '--nano' '--no-optimize' '--no-promiscuous-mode' '--number'",
        ),
    ] {
        let out = ferrocap(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        let (first, rest) = err.split_once('\n').unwrap();
        assert_eq!(first, format!("ferrocap: {message}"), "{args:?}");
        assert!(rest.starts_with("ferrocap version "), "{args:?}: {rest}");
        assert!(rest.contains("\nUsage: ferrocap ["), "{args:?}: {rest}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // A bad value: tcpdump's message alone.
    for (args, message) in [
        (&["-c", "0", "-r", "x"][..], "invalid packet count 0"),
        (
            &["--time-stamp-precision=pico", "-r", "x"],
            "unsupported time stamp precision",
        ),
        (
            &["-r", "x", "-tttttt"],
            "only -t, -tt, -ttt, -tttt and -ttttt are supported",
        ),
    ] {
        let out = ferrocap(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(
            text(&out.stderr),
            format!("ferrocap: {message}\n"),
            "{args:?}"
        );
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
    // Help: the usage text on standard output, even after options it never gets to check.
    for args in [&["--help"][..], &["-h"], &["-r", "x", "--he", "-c", "0"]] {
        let out = ferrocap(args);
        assert!(out.status.success(), "{args:?}");
        let help = text(&out.stdout);
        assert!(help.starts_with("ferrocap version "), "{args:?}");
        assert!(help.contains("\nUsage: ferrocap ["), "{args:?}");
        assert!(out.stderr.is_empty(), "{args:?}");
    }
}

/// Options tcpdump has and ferrocap does not implement are parsed as tcpdump parses them,
/// then refused by name.
#[test]
fn options_not_supported_are_named() {
    let sample = data("sample.pcap");
    let s = sample.to_str().unwrap();
    for (args, message) in [
        (&["-Sr", s][..], "option -S is not supported by ferrocap"),
        (
            &["-r", s, "-C", "10"],
            "option -C is not supported by ferrocap",
        ),
    ] {
        let out = ferrocap(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(
            text(&out.stderr),
            format!("ferrocap: {message}\n"),
            "{args:?}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

/// With `-r`, the options of live capture change nothing, as in tcpdump (which ignores them
/// when it reads a file).
#[test]
fn live_options_are_ignored_when_reading() {
    let sample = data("sample.pcap");
    let s = sample.to_str().unwrap();
    let plain = ferrocap(&["-r", s, "-n"]);
    assert!(plain.status.success());
    let with_live = ferrocap(&[
        "-r",
        s,
        "-n",
        "-i",
        "nonexistent0",
        "-p",
        "-B",
        "100",
        "--immediate-mode",
        "-Q",
        "in",
    ]);
    assert!(with_live.status.success(), "{}", text(&with_live.stderr));
    assert_eq!(plain.stdout, with_live.stdout);
}

/// Values attached or separate, long options with `=` or the next word, abbreviations, counted
/// flags, grouped options and `-a` (ignored, as by tcpdump) give the same run.
#[test]
fn option_spellings_give_the_same_run() {
    let sample = data("sample.pcap");
    let s = sample.to_str().unwrap();
    let attached_r = format!("-r{s}");
    let grouped = format!("-ntr{s}");
    let same = |variants: &[&[&str]]| {
        let first = ferrocap(variants[0]);
        assert!(
            first.status.success(),
            "{:?}: {}",
            variants[0],
            text(&first.stderr)
        );
        assert!(!first.stdout.is_empty());
        for v in &variants[1..] {
            let out = ferrocap(v);
            assert!(out.status.success(), "{v:?}: {}", text(&out.stderr));
            assert_eq!(
                text(&out.stdout),
                text(&first.stdout),
                "{v:?} vs {:?}",
                variants[0]
            );
        }
    };
    same(&[
        &["-r", s, "-c", "3", "-n", "-t"],
        &["-r", s, "-c3", "-nt"],
        &[&attached_r, "-tnc", "3"],
        &["-c3", &grouped],
        &["-c", "1", "-r", s, "-c", "3", "-a", "-n", "-t"],
        &["-r", s, "-c", "3x", "-n", "-t"],
    ]);
    same(&[
        &["-r", s, "-c", "2", "--time-stamp-precision=nano", "-tt"],
        &["-r", s, "-c", "2", "--time-stamp-precision", "nano", "-tt"],
        &["-r", s, "-c", "2", "--time-stamp-p", "nanoseconds", "-tt"],
        &["-r", s, "-c", "2", "--micro", "--nano", "-tt"],
    ]);
    same(&[
        &["-r", s, "--count"],
        &["-r", s, "--coun"],
        &["--co", "-r", s],
    ]);
    same(&[
        &["-r", s, "-c", "4", "-vvv"],
        &["-r", s, "-c", "4", "-v", "-vv"],
    ]);
    same(&[
        &["-r", s, "-c", "4", "-xx"],
        &["-r", s, "-c", "4", "-x", "-x"],
    ]);
    // -X wins over -x whatever the counts, as in tcpdump.
    same(&[
        &["-r", s, "-c", "4", "-X"],
        &["-r", s, "-c", "4", "-x", "-X"],
        &["-r", s, "-c", "4", "-xxX"],
    ]);
    same(&[&["-r", s, "-c", "4", "-XX"], &["-r", s, "-c", "4", "-XXx"]]);
    same(&[
        &["-r", s, "-c", "2", "-#"],
        &["-r", s, "-c", "2", "--number"],
        &["-r", s, "-c", "2", "--num"],
    ]);
    // `--` ends the options: what follows is the expression (not a valid one), not -n.
    let out = ferrocap(&["-r", s, "--", "-n"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("syntax error"));
    assert!(text(&out.stderr).contains("\n-n\n"));
}

/// File names are bytes: a name that is not UTF-8 reads, writes and is reported as given.
#[cfg(unix)]
#[test]
fn non_utf8_file_names() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    let dir = std::env::temp_dir();
    // "café" in Latin-1: the é is the lone byte 0xe9.
    let mut name = format!("ferrocap-cli-{}-caf", std::process::id()).into_bytes();
    name.push(0xe9);
    let input = dir.join(OsStr::from_bytes(&name));
    assert!(input.to_str().is_none(), "the name must not be UTF-8");
    std::fs::copy(data("sample.pcap"), &input).unwrap();
    let mut output = input.clone().into_os_string().into_vec();
    output.extend_from_slice(b"-out\xff.pcap");
    let output = PathBuf::from(std::ffi::OsString::from_vec(output));
    let run = |args: &[&OsStr]| {
        Command::new(ferrocap_bin())
            .args(args)
            .env("TZ", "UTC")
            .output()
            .unwrap()
    };
    let out = run(&["-r".as_ref(), input.as_os_str(), "--count".as_ref()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "13 packets\n");
    assert!(
        text(&out.stderr).starts_with(&format!("reading from file {}, ", input.to_string_lossy()))
    );
    let mut attached = b"-r".to_vec();
    attached.extend_from_slice(input.as_os_str().as_bytes());
    let attached = std::ffi::OsString::from_vec(attached);
    let out = run(&[attached.as_os_str(), "-w".as_ref(), output.as_os_str()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read(&output).unwrap(),
        std::fs::read(&input).unwrap()
    );
    let _ = std::fs::remove_file(&input);
    let _ = std::fs::remove_file(&output);
    let out = run(&["-r".as_ref(), input.as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!(
            "ferrocap: {}: No such file or directory (os error 2)\n",
            input.to_string_lossy()
        )
    );
}

/// With tcpdump 4.99 installed (the oracle; CI installs it), the same command lines give the
/// same exit status and the same first line on standard error (program name aside), and for
/// the runs that succeed the same standard output: syntax errors, bad values, abbreviations,
/// attached values, options after expression words and the `-x`/`-X` precedence.
#[test]
fn arguments_as_tcpdump_takes_them() {
    if Command::new("tcpdump").arg("--version").output().is_err() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "tcpdump is not installed: CI must install it (apt-get install -y tcpdump)"
        );
        eprintln!("notice: tcpdump not installed, skipping the argument comparison");
        return;
    }
    let sample = data("sample.pcap");
    let s = sample.to_str().unwrap();
    let cases: &[&[&str]] = &[
        &["--bogus"],
        &["--bogus=1"],
        &["---"],
        &["-P"],
        &["-nP"],
        &["-n="],
        &["-c"],
        &["-r"],
        &["-Z"],
        &["--count=5"],
        &["--coun=5"],
        &["--count="],
        &["--n"],
        &["--time=nano"],
        &["--inter"],
        &["-r", s, "len", ">", "-20"],
        &["-c", "0"],
        &["-c", "x"],
        &["-c=5"],
        &["-c", "-5"],
        &["-c", "0x10"],
        &["-s", "262145"],
        &["-s", "1k"],
        &["-s", ""],
        &["-B", "0"],
        &["-Q", "sideways"],
        &["-y", "FOO"],
        &["-j", "bogus"],
        &["--time-stamp-precision=pico"],
        &["-r", s, "-tttttt"],
        &["-c", "0", "-h"],
        &["-h", "-c", "0"],
        &["--version", "--bogus"],
        &["-r", s, "-c", "3"],
        &["-c1", "-r", s, "-c", "5x"],
        &["-r", s, "-c", " 2"],
        &["-nnc2", "-r", s, "-tt"],
        &["-r", s, "-c", "2", "--time-stamp-p", "nano"],
        &["-r", s, "-c", "2", "--nano", "--micro"],
        &["-r", s, "-c", "2", "--coun"],
        &["-r", s, "-c", "2", "--num", "-a"],
        &["-r", s, "-c", "4", "-x", "-X"],
        &["-r", s, "-c", "4", "-XXx"],
        &["-r", s, "-c", "4", "-xx"],
        &["-r", s, "-c", "4", "-vvv", "-e"],
    ];
    for args in cases {
        let ours = ferrocap(args);
        let theirs = Command::new("tcpdump")
            .args(*args)
            .env("TZ", "UTC")
            .output()
            .unwrap();
        assert_eq!(ours.status.code(), theirs.status.code(), "{args:?}");
        let first = |b: &[u8]| text(b).lines().next().unwrap_or("").to_owned();
        assert_eq!(
            first(&ours.stderr),
            first(&theirs.stderr).replacen("tcpdump", "ferrocap", 1),
            "{args:?}"
        );
        if ours.status.success() && !args.contains(&"-h") && !args.contains(&"--version") {
            assert_eq!(text(&ours.stdout), text(&theirs.stdout), "{args:?}");
        }
    }
}

/// `ferrocap -r IN -w OUT --time-stamp-precision=nano`, as pcap and as pcapng, read back,
/// equals libpcap's view of IN (`golden/`) for every corpus file libpcap reads to the end; for
/// files where libpcap stops, OUT holds at least libpcap's packets and they are equal.
///
/// One deliberate difference: a time that pcap's unsigned 32-bit seconds cannot hold (the
/// corpus has packets from the year 2345) ends a pcap output with an error at that packet,
/// naming `--pcapng`, where tcpdump would silently write a wrapped time; the pcapng output
/// holds it.
#[test]
fn write_reproduces_libpcaps_view_of_the_corpus() {
    let Some(shared) = shared_dir() else { return };
    let (mut files, mut packets, mut unwritable) = (0, 0, 0);
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
        let stopped = !golden.contains("\n# end ok");
        let header: Vec<&str> = golden.lines().next().unwrap().split(' ').collect();
        let want_lt = header
            .iter()
            .find_map(|kv| kv.strip_prefix("linktype="))
            .unwrap();
        let nano_file = golden.contains("precision=nano");
        for pcapng in [false, true] {
            let dest = temp(if pcapng {
                "corpus-out.pcapng"
            } else {
                "corpus-out.pcap"
            });
            let _ = std::fs::remove_file(&dest);
            let mut args = vec!["-r", input.to_str().unwrap(), "-w", dest.to_str().unwrap()];
            args.push("--time-stamp-precision=nano");
            if pcapng {
                args.push("--pcapng");
            }
            let out = ferrocap(&args);
            let mut r = file::Reader::open(&dest)
                .unwrap_or_else(|e| panic!("{name}: output unreadable: {e}"));
            let mut ended_early = false;
            for line in golden.lines().filter(|l| !l.starts_with('#')) {
                let f: Vec<&str> = line.split('\t').collect();
                // Deliberate difference: pcap time fields are unsigned (see corpus.rs).
                let (sec, nsec) = (f[1].parse().unwrap(), f[2].parse().unwrap());
                let want_ns = golden_nanos(sec, nsec, nano_file);
                let Some(p) = r.next().unwrap() else {
                    // Only a time the output format cannot hold may end it early.
                    let limit = if pcapng {
                        u64::MAX as i128
                    } else {
                        (1i128 << 32) * 1_000_000_000
                    };
                    assert!(
                        want_ns < 0 || want_ns >= limit,
                        "{name}: missing packet {}",
                        f[0]
                    );
                    assert_eq!(out.status.code(), Some(1), "{name}");
                    let err = text(&out.stderr);
                    assert!(err.contains(&format!("packet {}", f[0])), "{name}: {err}");
                    ended_early = true;
                    unwritable += 1;
                    break;
                };
                assert_eq!(p.header.ts.as_nanos(), want_ns, "{name} packet {}", f[0]);
                assert_eq!(p.header.caplen.to_string(), f[3], "{name} packet {}", f[0]);
                assert_eq!(p.header.len.to_string(), f[4], "{name} packet {}", f[0]);
                assert_eq!(
                    p.header.linktype().0.to_string(),
                    want_lt,
                    "{name} packet {}",
                    f[0]
                );
                let hash = format!("{:016x}", fnv1a64(p.data));
                assert_eq!(hash, f[5], "{name} packet {}", f[0]);
                packets += 1;
            }
            if !stopped && !ended_early {
                assert!(out.status.success(), "{name}: {}", text(&out.stderr));
                assert!(
                    r.next().unwrap().is_none(),
                    "{name}: more packets than libpcap"
                );
            }
            let _ = std::fs::remove_file(dest);
        }
        files += 1;
    }
    eprintln!(
        "ferrocap -w (pcap and pcapng) reproduced libpcap's view of {files} corpus files, {packets} packets; {unwritable} outputs ended at a time their format cannot hold"
    );
}

/// `ferrocap -r IN --pcapng -w OUT` of every corpus pcapng file with several interfaces or
/// sections reads back in Wireshark (tshark) with the same per-frame encapsulation, times and
/// lengths as Wireshark reads IN (`golden-ng`). Needs tshark (`.ci/run` installs it): without
/// it this fails under `CI=true` and prints a notice otherwise.
#[test]
fn pcapng_output_reads_back_in_tshark() {
    let Some(shared) = shared_dir() else { return };
    if Command::new("tshark").arg("-v").output().is_err() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "tshark is not installed: CI must install it (apt-get install -y tshark)"
        );
        eprintln!("notice: tshark not installed, skipping the Wireshark read-back check");
        return;
    }
    let inventory = std::fs::read_to_string(shared.join("corpus/meta/inventory.tsv")).unwrap();
    let (mut files, mut frames) = (0, 0);
    for row in inventory.lines().skip(1) {
        let f: Vec<&str> = row.split('\t').collect();
        let (name, kind, sections, interfaces) = (f[0], f[2], f[9], f[10]);
        let several = |v: &str| v.parse::<u32>().is_ok_and(|n| n > 1);
        if kind != "pcapng" || !(several(sections) || several(interfaces)) {
            continue;
        }
        let ng =
            std::fs::read_to_string(shared.join(format!("corpus/golden-ng/{name}.txt"))).unwrap();
        if !ng.contains("# tshark: records=") || !ng.contains(" rc=0") {
            continue; // Wireshark itself does not read IN to the end
        }
        let want: Vec<Vec<String>> = ng
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.split('\t').map(str::to_owned).collect::<Vec<_>>())
            .filter(|r| r[10] == "-") // custom blocks are not packets
            .collect();
        let dest = temp(&format!("tshark-{name}"));
        let input = shared.join("corpus/files").join(name);
        let out = ferrocap(&[
            "-r",
            input.to_str().unwrap(),
            "--pcapng",
            "--nano",
            "-w",
            dest.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        let shark = Command::new("tshark")
            .args([
                "-r",
                dest.to_str().unwrap(),
                "-T",
                "fields",
                "-e",
                "frame.encap_type",
            ])
            .args([
                "-e",
                "frame.time_epoch",
                "-e",
                "frame.cap_len",
                "-e",
                "frame.len",
            ])
            .output()
            .unwrap();
        // Packets only: copiable custom blocks are records too (kept in the copy, see
        // `pcapng_copy_keeps_every_record_wireshark_reads`), with no encapsulation.
        let got: Vec<Vec<String>> = text(&shark.stdout)
            .lines()
            .map(|l| l.split('\t').map(str::to_owned).collect::<Vec<_>>())
            .filter(|r| r.first().is_some_and(|encap| !encap.is_empty()))
            .collect();
        assert_eq!(got.len(), want.len(), "{name}: frames");
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(g[0], w[3], "{name} frame {}: encapsulation", i + 1);
            if w[4] != "-" {
                assert_eq!(g[1], w[4], "{name} frame {}: time", i + 1);
            }
            assert_eq!(
                (&g[2], &g[3]),
                (&w[5], &w[6]),
                "{name} frame {}: lengths",
                i + 1
            );
            frames += 1;
        }
        let _ = std::fs::remove_file(dest);
        files += 1;
    }
    eprintln!("tshark reads back --pcapng output of {files} multi-interface/section files: {frames} frames equal");
}

/// The command prints `sample.pcap` and `sample-be-nano.pcap` exactly as tcpdump 4.99.3 does
/// (the `*.expected` files, one `### OPTIONS` section per run).
#[test]
fn output_matches_tcpdump() {
    for capture in ["sample.pcap", "sample-be-nano.pcap"] {
        let expected =
            std::fs::read_to_string(data(&capture.replace(".pcap", ".expected"))).unwrap();
        let path = data(capture);
        for section in expected.split("### ").skip(1) {
            let (opts, want) = section.split_once('\n').unwrap();
            let mut args: Vec<&str> = opts.split_whitespace().collect();
            args.extend(["-r", path.to_str().unwrap()]);
            let out = ferrocap(&args);
            assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
            assert_eq!(text(&out.stdout), want, "ferrocap {opts} -r {capture}");
        }
    }
}

/// A pcapng file holding every kind of record a copy must keep: section comments and options
/// in two sections of both byte orders, interfaces with options, name resolution, decryption
/// secrets, copiable custom blocks (and ones marked not to be copied), interface statistics
/// before, between and after packets, and packets with comments and flags.
fn pcapng_with_every_record() -> Vec<u8> {
    use ferrocap::file::pcapng::{
        Interface, NameEntry, PacketOptions, Section, Statistics, TsResolution, Writer,
    };
    use ferrocap::file::{BlockType, Endianness};
    use ferrocap::{Linktype, PacketHeader, Timestamp};
    let frame = |n: u8| -> Vec<u8> {
        let mut f = vec![0xff; 6];
        f.extend_from_slice(&[2, 0, 0, 0, 0, n, 0x08, 0x06]);
        f.extend((0..46).map(|i| i ^ n));
        f
    };
    let secrets = |e: Endianness, text: &[u8]| -> Vec<u8> {
        let u32 = |v: u32| match e {
            Endianness::Little => v.to_le_bytes(),
            Endianness::Big => v.to_be_bytes(),
        };
        let mut b = u32(0x544c_534b).to_vec(); // TLS key log
        b.extend_from_slice(&u32(text.len() as u32));
        b.extend_from_slice(text);
        b.resize(b.len().div_ceil(4) * 4, 0);
        b
    };
    let mut out = Vec::new();
    for (s, e) in [Endianness::Little, Endianness::Big]
        .into_iter()
        .enumerate()
    {
        let mut section = Section::new(e);
        section.hardware = Some("test rig".into());
        section.os = Some("Linux".into());
        section.user_application = Some("pcapng_with_every_record".into());
        section.comments = vec![format!("section {s}")];
        let mut w = Writer::with_section(Vec::new(), &section).unwrap();
        let mut eth = Interface::new(Linktype::EN10MB, 0);
        eth.name = Some(format!("eth{s}"));
        eth.description = Some("first".into());
        eth.comments = vec!["an interface comment".into()];
        eth.tsresol = TsResolution::NANO;
        let eth = w.add_interface(&eth).unwrap();
        let mut lo = Interface::new(Linktype::EN10MB, 128);
        lo.name = Some("lo".into());
        let lo = w.add_interface(&lo).unwrap();
        let mut stats = Statistics::new(Timestamp::new(1_700_000_000, 5));
        stats.received = Some(10);
        stats.comments = vec!["counting starts".into()];
        w.write_stats(eth, &stats).unwrap();
        w.write_names(&[
            NameEntry {
                address: "192.0.2.1".parse().unwrap(),
                names: vec!["one.example".into(), "uno.example".into()],
            },
            NameEntry {
                address: "2001:db8::1".parse().unwrap(),
                names: vec!["six.example".into()],
            },
        ])
        .unwrap();
        w.write_block(
            BlockType::DECRYPTION_SECRETS,
            &secrets(e, b"CLIENT_RANDOM 00 11\n"),
        )
        .unwrap();
        w.write_custom(true, 32473, b"copy me").unwrap();
        w.write_custom(false, 32473, b"do not copy me").unwrap();
        for i in 0..6u8 {
            let ts = Timestamp::new(1_700_000_000 + i64::from(i), 123_456_789);
            let f = frame(i);
            let h = PacketHeader::new(ts, f.len() as u32, 60 + u32::from(i), Linktype::EN10MB);
            let mut o = PacketOptions::default();
            if i % 2 == 0 {
                o.comments = vec![format!("packet {i}")];
                o.flags = Some(1 + u32::from(i % 3));
            }
            let id = if i % 3 == 2 { lo } else { eth };
            w.write_packet_with(id, &h, &f, &o).unwrap();
            if i == 2 {
                w.write_custom(true, 32473, &[i; 13]).unwrap();
                w.write_names(&[NameEntry {
                    address: "198.51.100.7".parse().unwrap(),
                    names: vec!["seven.example".into()],
                }])
                .unwrap();
            }
        }
        stats.timestamp = Timestamp::new(1_700_000_100, 0);
        stats.received = Some(20);
        stats.os_dropped = Some(1);
        stats.comments = vec!["the end".into()];
        w.write_stats(eth, &stats).unwrap();
        w.write_stats(lo, &Statistics::new(Timestamp::new(1_700_000_100, 0)))
            .unwrap();
        w.write_block(BlockType::DECRYPTION_SECRETS, &secrets(e, b"late secret"))
            .unwrap();
        w.write_custom(true, 99, b"last").unwrap();
        out.extend(w.into_inner().unwrap());
    }
    out
}

/// What Wireshark makes of a pcapng file: every record tshark delivers (packets and custom
/// blocks, those marked not to be copied left out) with its section, encapsulation, time,
/// lengths, bytes (MD5), comments, interface, flags and custom block fields; the names it
/// resolves from the file; and capinfos' account of sections, interfaces (with their options
/// and statistics entries), comments, decryption secrets and resolved addresses.
fn wireshark_view(path: &Path) -> (String, String, String) {
    let file = path.to_str().unwrap();
    let records = Command::new("tshark")
        .args(["-r", file, "-o", "frame.generate_md5_hash:TRUE"])
        .args([
            "-Y",
            "not (frame.cb_copy == 0)",
            "-T",
            "fields",
            "-E",
            "occurrence=a",
        ])
        .args(["-e", "frame.section_number", "-e", "frame.encap_type"])
        .args([
            "-e",
            "frame.time_epoch",
            "-e",
            "frame.cap_len",
            "-e",
            "frame.len",
        ])
        .args([
            "-e",
            "frame.md5_hash",
            "-e",
            "frame.comment",
            "-e",
            "frame.interface_name",
        ])
        .args([
            "-e",
            "frame.interface_description",
            "-e",
            "frame.packet_flags",
        ])
        .args(["-e", "frame.cb_pen", "-e", "frame.cb_copy"])
        .output()
        .unwrap();
    assert!(
        records.status.success(),
        "tshark: {}",
        text(&records.stderr)
    );
    let hosts = Command::new("tshark")
        .args(["-r", file, "-q", "-z", "hosts"])
        .output()
        .unwrap();
    // One line per address, in the order of tshark's hash table: sorted here.
    let mut hosts: Vec<String> = text(&hosts.stdout)
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(str::to_owned)
        .collect();
    hosts.sort();
    let hosts = hosts.join("\n");
    let capinfos = |args: &[&str]| {
        let info = Command::new("capinfos")
            .args(args)
            .arg(path)
            .output()
            .unwrap();
        assert!(info.status.success(), "capinfos: {}", text(&info.stderr));
        text(&info.stdout)
    };
    // The long report (interfaces, statistics, names), then secrets and section comments. Not
    // compared: the file's own name, size and digests.
    let info = (capinfos(&["-M"]) + &capinfos(&["-D", "-k"]))
        .lines()
        .filter(|l| {
            let l = l.trim_start();
            !["File name", "File size", "SHA", "RIPEMD", "Strict time"]
                .iter()
                .any(|k| l.starts_with(k))
        })
        .collect::<Vec<_>>()
        .join("\n");
    (text(&records.stdout), hosts, info)
}

/// `ferrocap -r IN --pcapng -w OUT` keeps every record of IN that a reader of the copy
/// expects: Wireshark reads OUT with the same packets, copiable custom blocks, decryption
/// secrets, name resolution, interface statistics and comments, in the same sections, as IN
/// (custom blocks marked not to be copied are left out, as the format requires). Needs tshark
/// and capinfos (`.ci/run` installs them): without them this fails under `CI=true` and prints
/// a notice otherwise.
#[test]
fn pcapng_copy_keeps_every_record_wireshark_reads() {
    if Command::new("tshark").arg("-v").output().is_err()
        || Command::new("capinfos").arg("-v").output().is_err()
    {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "tshark is not installed: CI must install it (apt-get install -y tshark)"
        );
        eprintln!("notice: tshark not installed, skipping the Wireshark read-back check");
        return;
    }
    let input = temp("every-record.pcapng");
    std::fs::write(&input, pcapng_with_every_record()).unwrap();
    let copy = temp("every-record-copy.pcapng");
    let out = ferrocap(&[
        "-r",
        input.to_str().unwrap(),
        "--pcapng",
        "--nano",
        "-w",
        copy.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (want, want_hosts, want_info) = wireshark_view(&input);
    let (got, got_hosts, got_info) = wireshark_view(&copy);
    // The input holds what the check is about: 12 packets, 6 copiable custom blocks, 2 not to
    // be copied, secrets, names, statistics and comments.
    assert_eq!(want.lines().count(), 18, "{want}");
    assert!(
        want_info.contains("Number of decryption secrets in file: 4"),
        "{want_info}"
    );
    assert!(want_hosts.contains("seven.example"), "{want_hosts}");
    assert!(
        want_info.contains("Number of stat entries = 2"),
        "{want_info}"
    );
    assert!(
        want.contains("packet 4") && want_info.contains("section 1"),
        "{want}"
    );
    assert_eq!(got, want, "records");
    assert_eq!(got_hosts, want_hosts, "name resolution");
    assert_eq!(
        got_info, want_info,
        "sections, interfaces, statistics, secrets"
    );
    let _ = std::fs::remove_file(input);
    let _ = std::fs::remove_file(copy);
}
