//! Fanout: live-capture.md §11 item 44 and issue 9's "two captures in one hash group together
//! receive every frame exactly once".

use super::harness::{collect, config_with_timeout, frame, seq_at, Injector, Pair, VA};
use ferrocap::live::{Fanout, FanoutMode, Handle};
use std::time::Duration;

fn member(fanout: Fanout) -> Handle {
    let mut h = Handle::open(VA, &config_with_timeout(50)).unwrap();
    h.join_fanout(fanout).unwrap();
    h
}

/// Every test frame (by sequence number) a member holds, read until `quiet` passes with none.
fn drain(h: &mut Handle, at: usize, quiet: Duration) -> Vec<u32> {
    let mut seqs = Vec::new();
    loop {
        let got = collect(h, usize::MAX, quiet, |p| seq_at(p.data, at).is_some());
        if got.is_empty() {
            return seqs;
        }
        seqs.extend(got.iter().filter_map(|p| seq_at(&p.data, at)));
    }
}

/// Item 44: three members of a round-robin group split 30 frames 10/10/10; a member in
/// another mode is refused; a capture joins once.
#[test]
fn load_balance_group() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    pair.a.run(|| {
        let lb = Fanout::new(FanoutMode::LoadBalance, 42);
        let mut members: Vec<Handle> = (0..3).map(|_| member(lb)).collect();
        let mut fourth = Handle::open(VA, &config_with_timeout(50)).unwrap();
        let e = fourth
            .join_fanout(Fanout::new(FanoutMode::Hash, 42))
            .unwrap_err();
        assert_eq!(e.errno(), Some(22), "EINVAL: {e}");
        let e = members[0].join_fanout(lb).unwrap_err();
        assert_eq!(e.errno(), Some(114), "EALREADY: {e}");

        for seq in 0..30 {
            inj.send(&frame(seq));
        }
        let mut all = Vec::new();
        for m in &mut members {
            let got = drain(m, 12, Duration::from_millis(300));
            assert_eq!(got.len(), 10, "{got:?}");
            all.extend(got);
        }
        all.sort_unstable();
        assert_eq!(all, (0..30).collect::<Vec<_>>());
    });
}

/// A UDP/IPv4 test frame of flow `flow` (source port), carrying `seq`: broadcast, to an
/// address nobody has, so nothing answers.
fn udp_frame(seq: u32, flow: u16) -> Vec<u8> {
    let mut f = frame(seq)[..12].to_vec();
    f.extend_from_slice(&[0x08, 0x00]);
    let payload: Vec<u8> = super::harness::MARK
        .iter()
        .copied()
        .chain(seq.to_be_bytes())
        .collect();
    let total = 20 + 8 + 2 + payload.len();
    let mut ip = vec![
        0x45,
        0,
        (total >> 8) as u8,
        total as u8,
        0,
        0,
        0x40,
        0,
        64,
        17,
        0,
        0,
        198,
        18,
        0,
        2,
        198,
        18,
        0,
        99,
    ];
    let sum = ip
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], c[1]])))
        .sum::<u32>();
    let sum = (sum & 0xffff) + (sum >> 16);
    let sum = !((sum & 0xffff) + (sum >> 16)) as u16;
    ip[10..12].copy_from_slice(&sum.to_be_bytes());
    f.extend_from_slice(&ip);
    let udp_len = (8 + 2 + payload.len()) as u16;
    f.extend_from_slice(&flow.to_be_bytes());
    f.extend_from_slice(&9u16.to_be_bytes());
    f.extend_from_slice(&udp_len.to_be_bytes());
    f.extend_from_slice(&[0, 0]);
    // The EtherType-shaped marker `seq_at` looks for: 0x88b5 then FCAP and the number.
    f.extend_from_slice(&0x88b5u16.to_be_bytes());
    f.extend_from_slice(&payload);
    f.resize(f.len().max(60), 0);
    f
}

/// The acceptance: two captures in one hash group receive every frame of many flows exactly
/// once between them (and the hash spreads the flows over both).
#[test]
fn hash_group_sees_every_frame_once() {
    let Some(pair) = Pair::new() else { return };
    let inj: Injector = pair.injector();
    pair.a.run(|| {
        let hash = Fanout::new(FanoutMode::Hash, 7);
        let mut a = member(hash);
        let mut b = member(hash);
        for seq in 0..400 {
            inj.send(&udp_frame(seq, 1000 + (seq % 40) as u16));
        }
        // Marker after Ethernet (14) + IP (20) + UDP (8).
        let at = 14 + 20 + 8;
        let got_a = drain(&mut a, at, Duration::from_millis(300));
        let got_b = drain(&mut b, at, Duration::from_millis(300));
        assert!(
            !got_a.is_empty() && !got_b.is_empty(),
            "{} / {}",
            got_a.len(),
            got_b.len()
        );
        let mut all: Vec<u32> = got_a.iter().chain(&got_b).copied().collect();
        all.sort_unstable();
        assert_eq!(
            all,
            (0..400).collect::<Vec<_>>(),
            "every frame exactly once"
        );
    });
}
