//! Statistics and drops: live-capture.md §11 items 36–37, and issue 9's "a ring overflow is
//! reported as drops".

use super::harness::{cfg, collect_seqs, config_with_timeout, frame, Pair, VA};
use ferrocap::live::{Handle, RingConfig};
use std::time::Duration;

/// Item 36: the smallest ring (two pages), no reading while 5000 frames arrive: the kernel
/// counts all 5000, most as dropped; what is delivered is exactly received − dropped; later
/// calls only add.
#[test]
fn overflow_is_counted_as_drops() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    pair.a.run(|| {
        let page = 4096;
        let mut h = Handle::open(
            VA,
            &cfg(config_with_timeout(50), |c| {
                c.ring = Some(RingConfig {
                    block_size: page,
                    block_count: 2,
                })
            }),
        )
        .unwrap();
        for seq in 0..5000 {
            inj.send(&frame(seq));
        }
        std::thread::sleep(Duration::from_millis(50));
        let delivered = collect_seqs(&mut h, 5000, Duration::from_millis(500));
        let s = h.stats().unwrap();
        assert_eq!(s.received, 5000, "{s:?}");
        assert!(s.dropped > 0, "{s:?}");
        assert_eq!(delivered.len() as u32, s.received - s.dropped, "{s:?}");
        assert!(delivered.windows(2).all(|w| w[0] < w[1]), "in order");
        // Counters accumulate: nothing new arrived, nothing is reset.
        let again = h.stats().unwrap();
        assert_eq!((again.received, again.dropped), (s.received, s.dropped));
        for seq in 0..10 {
            inj.send(&frame(10_000 + seq));
        }
        assert_eq!(collect_seqs(&mut h, 10, Duration::from_secs(3)).len(), 10);
        let later = h.stats().unwrap();
        assert_eq!(later.received, s.received + 10, "{later:?}");
        assert_eq!(later.dropped, s.dropped);
        assert_eq!(later.if_dropped, 0);
    });
}

// Item 37 (stats after Close → an error, not a crash) has no counterpart: closing a capture is
// dropping its `Handle`, after which the borrow checker allows no call on it.
