//! The command's live options (issue 9 item 6), run in the namespace with `ip netns exec`, and
//! compared with tcpdump where it is installed.

use super::harness::{frame, Pair, VA};
use crate::common::ferrocap_bin;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn tcpdump_here() -> bool {
    let ok = Command::new("tcpdump").arg("--version").output().is_ok();
    if !ok {
        eprintln!("notice: tcpdump not installed, skipping the comparison");
    }
    ok
}

/// Runs `program args` in namespace A.
fn run_in(pair: &Pair, program: &str, args: &[&str]) -> Output {
    pair.a.command(program).args(args).output().unwrap()
}

fn ferrocap(pair: &Pair, args: &[&str]) -> Output {
    run_in(pair, ferrocap_bin().to_str().unwrap(), args)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `-D`, `-L`, `-J` print what tcpdump prints, where it prints them (network devices only: libpcap also lists
/// capture sources ferrocap does not have).
#[test]
fn listings_are_tcpdumps() {
    let Some(pair) = Pair::new() else { return };
    let d = ferrocap(&pair, &["-D"]);
    assert!(d.status.success());
    let ours = text(&d.stdout);
    assert_eq!(
        ours,
        "1.vA [Up, Running, Connected]\n\
         2.any (Pseudo-device that captures on all interfaces) [Up, Running]\n\
         3.lo [Up, Running, Loopback]\n"
    );
    let l = ferrocap(&pair, &["-L", "-i", VA]);
    assert!(l.status.success(), "{}", text(&l.stderr));
    let j = ferrocap(&pair, &["-J", "-i", VA]);
    assert!(j.status.success());
    let la = ferrocap(&pair, &["-L", "-i", "any"]);
    if !tcpdump_here() {
        return;
    }
    let theirs = text(&run_in(&pair, "tcpdump", &["-D"]).stdout);
    let theirs: Vec<&str> = theirs
        .lines()
        .filter(|l| {
            let name = l.split_once('.').and_then(|(_, r)| r.split(' ').next());
            matches!(name, Some("vA" | "any" | "lo"))
        })
        .collect();
    assert_eq!(ours.lines().collect::<Vec<_>>(), theirs);
    for (ours, args) in [
        (&l, ["-L", "-i", VA]),
        (&j, ["-J", "-i", VA]),
        (&la, ["-L", "-i", "any"]),
    ] {
        let theirs = run_in(&pair, "tcpdump", &args);
        // tcpdump prints these two listings on standard error.
        assert_eq!(
            text(&ours.stderr).replace("ferrocap", "tcpdump"),
            text(&theirs.stderr),
            "{args:?}"
        );
    }
}

/// A missing device: status 1 and a message saying so.
#[test]
fn missing_device() {
    let Some(pair) = Pair::new() else { return };
    for args in [&["-i", "nosuch0"][..], &["-L", "-i", "nosuch0"]] {
        let o = ferrocap(&pair, args);
        assert_eq!(o.status.code(), Some(1));
        let e = text(&o.stderr);
        assert!(e.contains("no such device"), "{e}");
    }
    let o = ferrocap(&pair, &["-i", VA, "-y", "IEEE802_11"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("IEEE802_11 is not one of the DLTs supported by this device"));
}

/// Starts the command in namespace A and waits until it says it is listening.
fn start(pair: &Pair, args: &[&str]) -> (Child, BufReader<std::process::ChildStderr>) {
    let mut child = pair
        .a
        .command(ferrocap_bin().to_str().unwrap())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        line.clear();
        assert!(err.read_line(&mut line).unwrap() > 0, "command ended early");
        if line.contains("listening on") {
            break;
        }
        assert!(Instant::now() < deadline);
    }
    (child, err)
}

/// The rest of the command's standard error.
fn rest(mut err: BufReader<std::process::ChildStderr>) -> String {
    let mut s = String::new();
    err.read_to_string(&mut s).unwrap();
    s
}

/// `-c 3 -w FILE`: three packets written, the three counts on standard error, status 0; the
/// default device is vA (the first up, non-loopback one).
#[test]
fn count_then_stop_with_counts() {
    let Some(pair) = Pair::new() else { return };
    let dir = std::env::temp_dir().join(format!("fcdev-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("three.pcap");
    let inj = pair.injector();
    let (mut child, err) = start(&pair, &["-c", "3", "-w", file.to_str().unwrap()]);
    for seq in 0..5 {
        inj.send(&frame(seq));
    }
    let status = child.wait().unwrap();
    let stderr = rest(err);
    assert!(status.success(), "{stderr}");
    assert!(stderr.contains("3 packets captured\n"), "{stderr}");
    assert!(stderr.contains("packets received by filter\n"), "{stderr}");
    assert!(stderr.contains("0 packets dropped by kernel\n"), "{stderr}");
    let mut cap = ferrocap::Capture::from_file(&file).unwrap();
    let mut seqs = Vec::new();
    while let Ok(p) = cap.next_packet() {
        assert_eq!(p.data, frame(seqs.len() as u32));
        seqs.push(super::harness::seq_of(p.data).unwrap());
    }
    assert_eq!(seqs, [0, 1, 2]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// SIGINT and SIGTERM stop the capture: what was captured is flushed, the counts are printed,
/// status 0. `-w - -U` writes a pcap stream to standard output as packets come.
#[test]
fn signals_flush_and_count() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    for signal in [Signal::SIGINT, Signal::SIGTERM] {
        let (mut child, err) = start(&pair, &["-i", VA, "-U", "-w", "-"]);
        let mut stdout = child.stdout.take().unwrap();
        for seq in 0..5 {
            inj.send(&frame(seq));
        }
        // Packet-buffered: each record is on the pipe once captured (24-byte file header,
        // then 16 + 60 bytes a frame).
        let mut stream = vec![0; 24 + 5 * (16 + 60)];
        stdout.read_exact(&mut stream).unwrap();
        kill(Pid::from_raw(child.id() as i32), signal).unwrap();
        let status = child.wait().unwrap();
        let stderr = rest(err);
        assert!(status.success(), "{signal:?}: {stderr}");
        assert!(stderr.contains("5 packets captured\n"), "{stderr}");
        let mut cap = ferrocap::Capture::from_bytes(stream).unwrap();
        let mut n = 0;
        while let Ok(p) = cap.next_packet() {
            assert_eq!(p.data, frame(n));
            n += 1;
        }
        assert_eq!(n, 5);
    }
}

/// Printing: tcpdump's banner and one line per packet (`-n -e`), compared with tcpdump on the
/// same frames where it is installed.
#[test]
fn printing_matches_tcpdump() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    let mut outputs = Vec::new();
    let tools: Vec<String> = if tcpdump_here() {
        vec![
            ferrocap_bin().to_str().unwrap().to_owned(),
            "tcpdump".to_owned(),
        ]
    } else {
        vec![ferrocap_bin().to_str().unwrap().to_owned()]
    };
    for tool in &tools {
        let mut child = pair
            .a
            .command(tool)
            .args(["-i", VA, "-c", "2", "-n", "-e", "-t"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut banner = String::new();
        while !banner.contains("listening on") {
            assert!(
                err.read_line(&mut banner).unwrap() > 0,
                "{tool} ended: {banner}"
            );
        }
        for seq in 0..2 {
            inj.send(&frame(seq));
        }
        let out = child.wait_with_output().unwrap();
        outputs.push((banner.replace("tcpdump:", "ferrocap:"), text(&out.stdout)));
    }
    let (banner, lines) = &outputs[0];
    assert_eq!(
        banner,
        "ferrocap: verbose output suppressed, use -v[v]... for full protocol decode\n\
         listening on vA, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n"
    );
    assert_eq!(
        lines
            .lines()
            .filter(|l| l.starts_with("02:fc:00:00:00:01 > "))
            .count(),
        2,
        "{lines}"
    );
    if let Some(theirs) = outputs.get(1) {
        assert_eq!(&outputs[0], theirs);
    }
}

/// `-i any` is captured as LINUX_SLL2, as tcpdump 4.99 does, and says so.
#[test]
fn any_is_sll2_as_in_tcpdump() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    let banner = |tool: &str| {
        let mut child = pair
            .a
            .command(tool)
            .args(["-i", "any", "-c", "1", "-n"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut lines = String::new();
        while !lines.contains("listening on") {
            assert!(err.read_line(&mut lines).unwrap() > 0, "{tool}: {lines}");
        }
        inj.send(&frame(2));
        assert!(child.wait().unwrap().success(), "{tool}");
        lines.replace("tcpdump:", "ferrocap:")
    };
    let ours = banner(ferrocap_bin().to_str().unwrap());
    assert_eq!(
        ours,
        "ferrocap: data link type LINUX_SLL2\n\
         ferrocap: verbose output suppressed, use -v[v]... for full protocol decode\n\
         listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes\n"
    );
    if tcpdump_here() {
        assert_eq!(ours, banner("tcpdump"));
    }
}

/// A trailing filter expression is compiled for the live device and attached in the kernel: `vlan 10` keeps exactly the frames whose outer
/// tag is VLAN 10, as the same filter does on the file of the unfiltered capture.
/// `-d` prints the live program (ancillary VLAN loads).
#[test]
fn filter_expression_in_the_kernel() {
    let Some(pair) = Pair::new() else { return };
    let d = ferrocap(&pair, &["-d", "-i", VA, "vlan", "10"]);
    assert!(d.status.success(), "{}", text(&d.stderr));
    assert!(text(&d.stdout).contains("[vlanp]"), "{}", text(&d.stdout));
    // (tcpdump -d prints a differently arranged program of the same verdicts for `vlan 10` on
    // a live device: the compiler's optimizer, not the command, decides that layout.)
    let mix = |seq: u32| match seq % 4 {
        0 => frame(seq),
        1 => super::harness::tagged_frame(seq, &[(0x8100, 10)]),
        2 => super::harness::tagged_frame(seq, &[(0x8100, 11)]),
        _ => super::harness::tagged_frame(seq, &[(0x88a8, 10), (0x8100, 20)]),
    };
    let dir = std::env::temp_dir().join(format!("fcdev-clif-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let inj = pair.injector();
    let mut files = Vec::new();
    for (name, filter) in [("all", &[][..]), ("vlan10", &["vlan", "10"][..])] {
        let file = dir.join(format!("{name}.pcap"));
        let want = if filter.is_empty() { "16" } else { "8" };
        let mut args = vec!["-i", VA, "-c", want, "-w", file.to_str().unwrap()];
        args.extend_from_slice(filter);
        let (mut child, err) = start(&pair, &args);
        for seq in 0..16 {
            inj.send(&mix(seq));
        }
        assert!(child.wait().unwrap().success(), "{}", rest(err));
        files.push(file);
    }
    let seqs = |path: &std::path::Path, expr: Option<&str>| {
        let mut cap = ferrocap::Capture::from_file(path).unwrap();
        if let Some(e) = expr {
            cap.filter(e, true).unwrap();
        }
        let mut v = Vec::new();
        while let Some(p) = cap.next().unwrap() {
            let d = p.data;
            // The sequence number sits after FCAP, wherever the tags put it.
            let at = (0..d.len() - 8).find(|&i| &d[i..i + 4] == b"FCAP").unwrap();
            v.push(u32::from_be_bytes([
                d[at + 4],
                d[at + 5],
                d[at + 6],
                d[at + 7],
            ]));
        }
        v
    };
    let kernel = seqs(&files[1], None);
    assert_eq!(kernel, [1, 3, 5, 7, 9, 11, 13, 15]);
    assert_eq!(
        kernel,
        seqs(&files[0], Some("vlan 10")),
        "saved-file verdicts"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
