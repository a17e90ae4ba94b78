//! Reading and timing: live-capture.md §11 items 13–21. Time bounds are generous: they check
//! that a timeout fires and that a packet is not held back, not how fast the machine is.

use super::harness::{
    cfg, collect, collect_seqs, config_with_timeout, frame, frame_of_len, seq_of, Injector, Pair,
    VA,
};
use ferrocap::live::{Config, Error, Handle, RingConfig};
use ferrocap::Precision;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Breaks `h`'s reads off after `after`, so that a blocking test cannot hang.
fn watchdog(h: &Handle, after: Duration) {
    let b = h.break_handle();
    std::thread::spawn(move || {
        std::thread::sleep(after);
        b.breakloop();
    });
}

/// How long after `inj` sent one frame `h` hands it out.
fn delivery_delay(h: &mut Handle, inj: &Injector, seq: u32) -> Duration {
    let sent = Instant::now();
    inj.send(&frame(seq));
    loop {
        match h.next_packet() {
            Ok(p) if seq_of(p.data) == Some(seq) => return sent.elapsed(),
            Ok(_) | Err(Error::TimeoutExpired) => {}
            Err(e) => panic!("frame {seq} not delivered: {e}"),
        }
        assert!(sent.elapsed() < Duration::from_secs(5), "frame {seq} lost");
    }
}

/// Item 13: bytes, lengths and time stamp of one frame; micro precision truncates, nano does
/// not.
#[test]
fn one_frame_exactly() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    pair.a.run(|| {
        let mut h = Handle::open(VA, &config_with_timeout(100)).unwrap();
        assert_eq!(h.precision(), Precision::Micro);
        let sent = frame(13);
        inj.send(&sent);
        let got = collect(&mut h, 1, Duration::from_secs(3), |p| {
            seq_of(p.data).is_some()
        });
        assert_eq!(got.len(), 1);
        let p = &got[0];
        assert_eq!(p.data, sent);
        assert_eq!((p.header.caplen, p.header.len), (60, 60));
        let ts = UNIX_EPOCH + p.header.ts.as_duration_since_epoch().unwrap();
        let now = SystemTime::now();
        let off = now.duration_since(ts).unwrap_or_else(|e| e.duration());
        assert!(off < Duration::from_secs(1), "time stamp {off:?} off");

        let mut micro_only = true;
        for seq in 0..5 {
            inj.send(&frame(seq));
        }
        for p in collect(&mut h, 5, Duration::from_secs(3), |p| {
            seq_of(p.data).is_some()
        }) {
            micro_only &= p.header.ts.nanos() % 1000 == 0;
        }
        assert!(micro_only, "micro precision hands out whole microseconds");

        let mut n = Handle::open(
            VA,
            &cfg(config_with_timeout(100), |c| c.precision = Precision::Nano),
        )
        .unwrap();
        assert_eq!(n.precision(), Precision::Nano);
        for seq in 0..5 {
            inj.send(&frame(seq));
        }
        let got = collect(&mut n, 5, Duration::from_secs(3), |p| {
            seq_of(p.data).is_some()
        });
        assert_eq!(got.len(), 5);
        assert!(
            got.iter().any(|p| p.header.ts.nanos() % 1000 != 0),
            "five nanosecond stamps all whole microseconds"
        );
    });
}

/// Item 14: a 100 ms timeout on an idle link returns TimeoutExpired after about that long,
/// every time.
#[test]
fn timeout_fires_on_an_idle_link() {
    let Some(pair) = Pair::new() else { return };
    pair.a.run(|| {
        let mut h = Handle::open(VA, &config_with_timeout(100)).unwrap();
        for _ in 0..3 {
            let t = Instant::now();
            match h.next_packet() {
                Err(Error::TimeoutExpired) => {}
                other => panic!("{:?}", other.map(|p| p.data.to_vec())),
            }
            let waited = t.elapsed();
            assert!(
                waited >= Duration::from_millis(80) && waited < Duration::from_millis(600),
                "{waited:?}"
            );
        }
    });
}

/// Item 15: with a 100 ms timeout a lone frame is handed out within about two timeouts.
#[test]
fn timeout_delivers_a_lone_frame() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    pair.a.run(|| {
        let mut h = Handle::open(VA, &config_with_timeout(100)).unwrap();
        for seq in 0..3 {
            let d = delivery_delay(&mut h, &inj, seq);
            assert!(d < Duration::from_millis(400), "{d:?}");
        }
    });
}

/// Item 16: blocking reads (no timeout) hand out a lone frame promptly (10 ms block timer), not
/// when a block fills.
#[test]
fn blocking_read_delivers_a_lone_frame() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    pair.a.run(|| {
        let mut h = Handle::open(VA, &Config::default()).unwrap();
        watchdog(&h, Duration::from_secs(10));
        for seq in 0..3 {
            let d = delivery_delay(&mut h, &inj, seq);
            assert!(d < Duration::from_millis(200), "{d:?}");
        }
    });
}

/// Item 17: immediate mode hands a frame out at once even with a long timeout (the block timer
/// is 1 ms, not the timeout).
#[test]
fn immediate_mode_does_not_wait_for_the_timeout() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    pair.a.run(|| {
        let mut h =
            Handle::open(VA, &cfg(config_with_timeout(2000), |c| c.immediate = true)).unwrap();
        let mut delays: Vec<Duration> = (0..5).map(|s| delivery_delay(&mut h, &inj, s)).collect();
        delays.sort();
        assert!(delays[2] < Duration::from_millis(100), "{delays:?}");
    });
}

/// Item 18: a timeout of 0 blocks (documented: as no timeout, not libpcap's "wait for a full
/// block"): an idle read does not time out, and a lone frame comes promptly.
#[test]
fn zero_timeout_blocks_and_delivers() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    pair.a.run(|| {
        let mut h = Handle::open(
            VA,
            &cfg(Config::default(), |c| c.timeout = Some(Duration::ZERO)),
        )
        .unwrap();
        watchdog(&h, Duration::from_millis(500));
        let t = Instant::now();
        match h.next_packet() {
            Err(Error::Break) => {}
            other => panic!("{:?}", other.map(|p| p.data.to_vec())),
        }
        assert!(t.elapsed() >= Duration::from_millis(400), "did not block");
        watchdog(&h, Duration::from_secs(10));
        let d = delivery_delay(&mut h, &inj, 18);
        assert!(d < Duration::from_millis(200), "{d:?}");
    });
}

/// Item 19: 10 000 frames at full speed into a 4 MiB ring with a reader: all of them, in
/// order, once each.
#[test]
fn ten_thousand_frames_in_order() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    pair.a.run(|| {
        let mut h = Handle::open(
            VA,
            &cfg(config_with_timeout(100), |c| c.buffer_size = 4 << 20),
        )
        .unwrap();
        let sender = std::thread::spawn(move || {
            for seq in 0..10_000 {
                inj.send(&frame(seq));
            }
        });
        let seqs = collect_seqs(&mut h, 10_000, Duration::from_secs(30));
        sender.join().unwrap();
        assert_eq!(seqs.len(), 10_000);
        assert!(
            seqs.iter().copied().eq(0..10_000),
            "out of order or duplicated"
        );
        let s = h.stats().unwrap();
        assert_eq!(s.dropped, 0, "{s:?}");
    });
}

/// Item 20: a packet borrowed from the ring stays intact while the kernel receives more (its
/// block is not handed back), and once released the ring is reused.
#[test]
fn zero_copy_packet_stays_until_the_next_read() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    pair.a.run(|| {
        // Two 4 KiB blocks: 26 frames each, so 200 frames go round the ring several times.
        let mut h = Handle::open(
            VA,
            &cfg(config_with_timeout(50), |c| {
                c.ring = Some(RingConfig {
                    block_size: 4096,
                    block_count: 2,
                })
            }),
        )
        .unwrap();
        inj.send(&frame(1000));
        let held = loop {
            match h.next_packet() {
                Ok(p) if seq_of(p.data) == Some(1000) => break p,
                Ok(_) | Err(Error::TimeoutExpired) => {}
                Err(e) => panic!("{e}"),
            }
        };
        let copy = held.data.to_vec();
        for seq in 0..200 {
            inj.send(&frame(seq));
        }
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(held.data, &copy[..], "the held packet was overwritten");
        assert_eq!(seq_of(held.data), Some(1000));
        // Release and drain; then the ring takes new frames again.
        let _ = collect_seqs(&mut h, 200, Duration::from_millis(500));
        for seq in 5000..5040 {
            inj.send(&frame(seq));
        }
        let seqs = collect_seqs(&mut h, 40, Duration::from_secs(3));
        assert_eq!(seqs, (5000..5040).collect::<Vec<_>>());
    });
}

/// Item 21: snap length 64 keeps 64 bytes of a 100-byte frame and reports its full length.
#[test]
fn snaplen_truncates() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    pair.a.run(|| {
        let mut h = Handle::open(VA, &cfg(config_with_timeout(100), |c| c.snaplen = 64)).unwrap();
        assert_eq!(h.snaplen(), 64);
        let sent = frame_of_len(21, 100);
        inj.send(&sent);
        let got = collect(&mut h, 1, Duration::from_secs(3), |p| {
            seq_of(p.data) == Some(21)
        });
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].header.caplen, got[0].header.len), (64, 100));
        assert_eq!(got[0].data, &sent[..64]);
    });
}
