//! Breaking off, closing and errors: live-capture.md §11 items 38–41 and issue 9's robustness
//! acceptance (break within 100 ms, deleted interface, 1000 open/close cycles without leaks).

use super::harness::{
    child_role, collect_seqs, config_with_timeout, fds_and_maps, frame, run_child, Netns, Pair, VA,
};
use ferrocap::live::{Config, Error, Handle};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Item 38 and the acceptance: a read blocked (no timeout) on an idle link returns `Break`
/// within 100 ms of `breakloop` from another thread.
#[test]
fn break_wakes_a_blocked_reader() {
    let Some(pair) = Pair::new() else { return };
    let (tx, rx) = mpsc::channel();
    let reader = pair.a.spawn(move || {
        let mut h = Handle::open(VA, &Config::default()).unwrap();
        tx.send(h.break_handle()).unwrap();
        let mut waits = Vec::new();
        for _ in 0..3 {
            let r = h.next_packet().map(|p| p.data.to_vec());
            waits.push((Instant::now(), r.map_err(|e| e.to_string())));
        }
        waits
    });
    let b = rx.recv().unwrap();
    let mut sent = Vec::new();
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(200));
        sent.push(Instant::now());
        b.breakloop();
    }
    let waits = reader.join().unwrap();
    for (at, (returned, r)) in sent.iter().zip(&waits) {
        assert_eq!(
            r.as_ref().map(|_| ()),
            Err(&"capture broken off".to_owned())
        );
        let took = returned.duration_since(*at);
        assert!(took < Duration::from_millis(100), "woke after {took:?}");
    }
}

// Item 39 (Close while a zero-copy slice is held) cannot happen: a `Packet` borrows its
// `Handle`, so the handle cannot be dropped (unmapping the ring) while the packet lives; the
// compiler refuses such a program.

/// Item 40: taking the interface down does not end the capture: reads keep timing out; once
/// it is up again, frames are captured again.
#[test]
fn link_down_and_up() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    let (down_tx, down_rx) = mpsc::channel::<()>();
    let (up_tx, up_rx) = mpsc::channel::<()>();
    let reader = pair.a.spawn(move || {
        let mut h = Handle::open(VA, &config_with_timeout(50)).unwrap();
        down_tx.send(()).unwrap();
        // Down: only timeouts, no error, for half a second.
        let until = Instant::now() + Duration::from_millis(500);
        while Instant::now() < until {
            match h.next_packet() {
                Ok(_) | Err(Error::TimeoutExpired) => {}
                Err(e) => panic!("error while the link is down: {e}"),
            }
        }
        up_rx.recv().unwrap();
        collect_seqs(&mut h, 3, Duration::from_secs(5))
    });
    down_rx.recv().unwrap();
    pair.a.ip(&["link", "set", VA, "down"]);
    std::thread::sleep(Duration::from_millis(600));
    pair.a.ip(&["link", "set", VA, "up"]);
    // Wait for the carrier to come back, then send.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !pair.a.run(|| {
        nix::ifaddrs::getifaddrs().unwrap().any(|e| {
            e.interface_name == VA && e.flags.contains(nix::net::if_::InterfaceFlags::IFF_RUNNING)
        })
    }) {
        assert!(Instant::now() < deadline, "vA did not come back");
        std::thread::sleep(Duration::from_millis(10));
    }
    up_tx.send(()).unwrap();
    for seq in 0..3 {
        inj.send(&frame(seq));
    }
    assert_eq!(reader.join().unwrap(), [0, 1, 2]);
}

/// Item 41 and the acceptance: deleting the captured interface ends a blocked read with
/// `InterfaceGone` promptly, not a hang.
#[test]
fn deleted_interface_ends_the_read() {
    let Some(pair) = Pair::new() else { return };
    pair.a
        .ip(&["link", "add", "vX", "type", "veth", "peer", "name", "vY"]);
    pair.a.ip(&["link", "set", "vX", "up"]);
    pair.a.ip(&["link", "set", "vY", "up"]);
    let (tx, rx) = mpsc::channel::<()>();
    let reader = pair.a.spawn(move || {
        let mut h = Handle::open("vX", &Config::default()).unwrap();
        tx.send(()).unwrap();
        let r = h.next_packet().map(|p| p.data.to_vec());
        (Instant::now(), r)
    });
    rx.recv().unwrap();
    std::thread::sleep(Duration::from_millis(100));
    pair.a.ip(&["link", "del", "vX"]);
    let deleted = Instant::now();
    let (ended, r) = reader.join().unwrap();
    match r {
        Err(Error::InterfaceGone { device }) => assert_eq!(device, "vX"),
        other => panic!("{other:?}"),
    }
    let took = ended.saturating_duration_since(deleted);
    assert!(took < Duration::from_millis(500), "took {took:?}");
}

/// The acceptance, and item 38's race loop: 1000 times open, block in a read on an idle link,
/// break it from another thread, read the statistics, close. Every read ends with `Break`,
/// nothing crashes, and no file descriptor or mapping is left behind. Run in a child process,
/// where no other test opens sockets meanwhile.
#[test]
fn thousand_cycles_leak_nothing() {
    const TEST: &str = "live::close::thousand_cycles_leak_nothing";
    if child_role().as_deref() == Some("cycles") {
        let ns = std::env::var("FERROCAP_LIVE_NS").unwrap();
        Netns::named(ns).run(|| {
            // One thread breaks every read; made before counting (its stack is a mapping).
            let (tx, rx) = mpsc::channel::<ferrocap::live::BreakHandle>();
            let breaker = std::thread::spawn(move || {
                for (i, b) in rx.into_iter().enumerate() {
                    if i % 2 == 0 {
                        std::thread::sleep(Duration::from_micros(200));
                    }
                    b.breakloop();
                }
            });
            let cycle = |tx: &mpsc::Sender<ferrocap::live::BreakHandle>| {
                let mut h = Handle::open(VA, &Config::default()).unwrap();
                tx.send(h.break_handle()).unwrap();
                match h.next_packet() {
                    Err(Error::Break) => {}
                    other => panic!("{:?}", other.map(|p| p.data.to_vec())),
                }
                h.stats().unwrap();
            };
            // Once first, so that everything made once per process exists.
            cycle(&tx);
            let before = fds_and_maps();
            for _ in 0..1000 {
                cycle(&tx);
            }
            let after = fds_and_maps();
            drop(tx);
            breaker.join().unwrap();
            println!("child: (fds, mappings) before {before:?}, after {after:?}");
            assert_eq!(
                before, after,
                "(fds, mappings) before and after 1000 cycles"
            );
        });
        return;
    }
    let Some(pair) = Pair::new() else { return };
    let out = run_child(TEST, "cycles", &[("FERROCAP_LIVE_NS", pair.a.name())], None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("child: ") && stdout.contains("1 passed"),
        "child failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    if let Some(line) = stdout.lines().find(|l| l.starts_with("child: ")) {
        eprintln!("{line}");
    }
}
