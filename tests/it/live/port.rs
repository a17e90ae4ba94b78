//! The `pcap` crate's live examples (`tests/port/*.rs`, built as examples with only
//! `extern crate ferrocap as pcap;` added), run in namespace A, where the default device is
//! `vA`, with frames arriving from the peer; each must do what it does with the `pcap` crate.

use super::harness::{frame, Injector, Pair};
use crate::common::example_bin;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// Frames from the peer, one every 5 ms, until dropped.
struct Traffic {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Traffic {
    fn start(inj: Injector) -> Traffic {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut seq = 0;
            while !flag.load(Ordering::Relaxed) {
                inj.send(&frame(seq));
                seq += 1;
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        Traffic {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Traffic {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A scratch directory for an example's files, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("fcdev-port-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What an example printed, and how it ended (`None`: still running after `limit`, killed).
struct Run {
    status: Option<ExitStatus>,
    lines: Vec<String>,
    stderr: String,
}

/// Runs example `name` in namespace A (in `dir`) with traffic from the peer, until it ends,
/// `enough` lines were printed (then it is killed), or `limit` passes.
fn run(pair: &Pair, name: &str, dir: &Path, enough: usize, limit: Duration) -> Option<Run> {
    let bin = example_bin(&format!("port_{name}"))?;
    let _traffic = Traffic::start(pair.injector());
    let mut child: Child = pair
        .a
        .command(bin.to_str().unwrap())
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + limit;
    let mut lines = Vec::new();
    let status = loop {
        while let Ok(l) = rx.try_recv() {
            lines.push(l);
        }
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if lines.len() >= enough || Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    // The reader thread ends with the pipe.
    while let Ok(l) = rx.recv_timeout(Duration::from_millis(200)) {
        lines.push(l);
    }
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut stderr);
    }
    Some(Run {
        status,
        lines,
        stderr,
    })
}

fn ok(run: &Run) {
    assert!(
        run.status.is_some_and(|s| s.success()),
        "{:?}\n{:#?}\n{}",
        run.status,
        run.lines,
        run.stderr
    );
}

const LONG: Duration = Duration::from_secs(20);

#[test]
fn getdevices() {
    let Some(pair) = Pair::new() else { return };
    let dir = Scratch::new("getdevices");
    let Some(r) = run(&pair, "getdevices", &dir.0, usize::MAX, LONG) else {
        return;
    };
    ok(&r);
    let names: Vec<&str> = r
        .lines
        .iter()
        .filter_map(|l| l.strip_prefix("Found device! Device { name: \""))
        .filter_map(|l| l.split('"').next())
        .collect();
    assert_eq!(names, ["vA", "any", "lo"], "{:#?}", r.lines);
}

#[test]
fn easylisten() {
    let Some(pair) = Pair::new() else { return };
    let dir = Scratch::new("easylisten");
    let Some(r) = run(&pair, "easylisten", &dir.0, usize::MAX, LONG) else {
        return;
    };
    ok(&r);
    assert_eq!(r.lines[0], "Using device vA");
    assert!(r.lines[1].starts_with("Ok(Packet {"), "{:#?}", r.lines);
}

#[test]
fn getstatistics() {
    let Some(pair) = Pair::new() else { return };
    let dir = Scratch::new("getstatistics");
    let Some(r) = run(&pair, "getstatistics", &dir.0, usize::MAX, LONG) else {
        return;
    };
    ok(&r);
    let last = r.lines.last().unwrap();
    let received: u32 = last
        .strip_prefix("Received: ")
        .and_then(|l| l.split(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{last}"));
    assert!(received >= 10, "{last}");
    assert!(last.ends_with(", dropped: 0, if_dropped: 0"), "{last}");
}

#[test]
fn breakloop() {
    let Some(pair) = Pair::new() else { return };
    let dir = Scratch::new("breakloop");
    let Some(r) = run(&pair, "breakloop", &dir.0, usize::MAX, LONG) else {
        return;
    };
    ok(&r);
    assert!(r.lines.iter().any(|l| l == "got packet!"));
    let called = r.lines.iter().position(|l| l == "break loop called!");
    let exited = r.lines.iter().position(|l| l == "capture loop exited");
    assert!(called.is_some() && exited.is_some(), "{:#?}", r.lines);
    assert_eq!(
        r.lines.last().map(String::as_str),
        Some("capture loop exited")
    );
}

#[test]
fn dispatch() {
    let Some(pair) = Pair::new() else { return };
    let dir = Scratch::new("dispatch");
    let Some(r) = run(&pair, "dispatch", &dir.0, usize::MAX, LONG) else {
        return;
    };
    ok(&r);
    let got = r
        .lines
        .iter()
        .filter(|l| l.starts_with("Got PacketHeader"))
        .count();
    assert!(got > 100, "{got}");
}

#[test]
fn for_each_passes_the_panic_on() {
    let Some(pair) = Pair::new() else { return };
    let dir = Scratch::new("loop");
    let Some(r) = run(&pair, "loop", &dir.0, usize::MAX, LONG) else {
        return;
    };
    let got = r
        .lines
        .iter()
        .filter(|l| l.starts_with("Got PacketHeader"))
        .count();
    assert_eq!(got, 101, "{:#?}", r.lines);
    assert!(r.status.is_some_and(|s| !s.success()), "{:?}", r.status);
    assert!(r.stderr.contains("ow"), "{}", r.stderr);
}

#[test]
fn iterprint() {
    let Some(pair) = Pair::new() else { return };
    let dir = Scratch::new("iterprint");
    let Some(r) = run(&pair, "iterprint", &dir.0, 6, LONG) else {
        return;
    };
    assert!(r.status.is_none(), "it runs until stopped: {:?}", r.stderr);
    assert_eq!(r.lines[0], "Using device vA");
    assert!(r.lines.len() >= 6);
    assert!(
        r.lines[1..].iter().all(|l| l.starts_with("PacketOwned {")),
        "{:#?}",
        r.lines
    );
}

#[test]
fn listenlocalhost() {
    let Some(pair) = Pair::new() else { return };
    let dir = Scratch::new("listenlocalhost");
    // Traffic on lo (UDP to a bound socket) besides the peer's frames on vA.
    let lo_traffic = pair.a.spawn(|| {
        let rx = std::net::UdpSocket::bind("127.0.0.1:40929").unwrap();
        let tx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        for _ in 0..300 {
            tx.send_to(b"fcap", "127.0.0.1:40929").unwrap();
            std::thread::sleep(Duration::from_millis(10));
        }
        drop(rx);
    });
    let Some(r) = run(&pair, "listenlocalhost", &dir.0, 5, LONG) else {
        return;
    };
    lo_traffic.join().unwrap();
    assert!(r.status.is_none(), "{}", r.stderr);
    assert!(r.lines.len() >= 5);
    // Only loopback packets: SLL hatype 772 (bytes 2..4 of the data, printed as `0, 4, 4`
    // after the packet type).
    for l in &r.lines {
        assert!(l.starts_with("got packet! Packet {"), "{l}");
        assert!(
            l.contains("data: [0, 0, 3, 4,") || l.contains("data: [0, 4, 3, 4,"),
            "{l}"
        );
    }
}

#[test]
fn savefile() {
    let Some(pair) = Pair::new() else { return };
    let dir = Scratch::new("savefile");
    let Some(r) = run(&pair, "savefile", &dir.0, usize::MAX, LONG) else {
        return;
    };
    ok(&r);
    let net = r
        .lines
        .iter()
        .find_map(|l| l.strip_prefix("packet received on network: "));
    let file = r
        .lines
        .iter()
        .find_map(|l| l.strip_prefix("packet obtained from file: "));
    let data = |l: &str| l.split("data: ").nth(1).unwrap().to_owned();
    assert_eq!(data(net.unwrap()), data(file.unwrap()), "{:#?}", r.lines);
    assert!(dir.0.join("test.pcap").is_file());
}

#[test]
fn savemultiplefiles() {
    let Some(pair) = Pair::new() else { return };
    let dir = Scratch::new("savemultiplefiles");
    let Some(r) = run(&pair, "savemultiplefiles", &dir.0, usize::MAX, LONG) else {
        return;
    };
    ok(&r);
    for n in 0..5 {
        let mut cap = ferrocap::Capture::from_file(dir.0.join(format!("dump_{n}.pcap"))).unwrap();
        assert_eq!(cap.get_datalink(), ferrocap::Linktype::EN10MB);
        let mut k = 0;
        while cap.next().unwrap().is_some() {
            k += 1;
        }
        assert_eq!(k, 30, "dump_{n}.pcap");
    }
}
