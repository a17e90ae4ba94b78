//! Immediate mode: the TPACKET_V2 ring (one packet per frame, handed over and the reader woken
//! per packet) does everything the V3 ring does: prompt delivery of a lone frame, no wake-ups
//! while idle, VLAN tags put back (Ethernet, `LINUX_SLL`, `LINUX_SLL2`), statistics, the
//! user-space hand-over of a new filter, batches for `dispatch`, and packets longer than a frame
//! (they come whole through the socket's receive queue). Time bounds are generous: the machine
//! is shared; these check that nothing waits for a timer or a timeout, not how fast it is.

use super::harness::{
    cfg, collect, collect_seqs, config_with_timeout, frame, frame_of_len, seq_at, seq_of,
    tagged_frame, Pair, MARK, SRC_MAC, VA, VB,
};
use ferrocap::bpf::{Instruction, Program};
use ferrocap::live::{Config, Error, Handle, RingConfig};
use ferrocap::{Linktype, OwnedPacket};
use std::time::{Duration, Instant};

/// Immediate mode with a read timeout (so that no read blocks for ever).
fn immediate(timeout_ms: u64) -> Config {
    cfg(config_with_timeout(timeout_ms), |c| c.immediate = true)
}

/// Opens an immediate-mode capture and checks that it has a V2 ring: frames smaller than
/// blocks (a V3 ring has one "frame" per block).
fn open_immediate(dev: &str, config: &Config) -> Handle {
    let h = Handle::open(dev, config).unwrap();
    let g = h.geometry();
    assert!(
        g.frame_size < g.block_size && g.frames() > g.block_count,
        "not a per-packet ring: {g:?}"
    );
    h
}

/// Test frames (tagged or not) carry `FCAP` + sequence number after the EtherType; find it.
fn seq_anywhere(data: &[u8]) -> Option<u32> {
    (0..data.len().saturating_sub(10))
        .filter(|&i| data.get(i + 2..i + 6) == Some(&MARK[..]))
        .find_map(|i| seq_at(data, i))
}

/// Voluntary context switches of the calling thread so far: how often it went to sleep.
fn sleeps_so_far() -> u64 {
    let status = std::fs::read_to_string("/proc/thread-self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("voluntary_ctxt_switches in /proc/thread-self/status")
}

/// A lone frame on an idle link is handed out at once, not after the 2 s timeout nor after a
/// block timer; at a few milliseconds on a loaded machine.
#[test]
fn lone_frame_within_a_few_ms() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    pair.a.run(|| {
        let mut h = open_immediate(VA, &immediate(2000));
        let mut delays = Vec::new();
        for seq in 0..9 {
            // An idle link before each frame.
            std::thread::sleep(Duration::from_millis(20));
            let sent = Instant::now();
            inj.send(&frame(seq));
            loop {
                match h.next_packet() {
                    Ok(p) if seq_of(p.data) == Some(seq) => break,
                    Ok(_) => {}
                    Err(e) => panic!("frame {seq}: {e}"),
                }
            }
            delays.push(sent.elapsed());
        }
        delays.sort();
        assert!(delays[4] < Duration::from_millis(20), "{delays:?}");
        assert!(delays[8] < Duration::from_millis(1000), "{delays:?}");
    });
}

/// An idle immediate-mode read sleeps until something happens: no periodic wake-ups to look
/// at the ring (a V3 ring with a 1 ms block timer needs one per millisecond).
#[test]
fn idle_reads_do_not_poll() {
    let Some(pair) = Pair::new() else { return };
    pair.a.run(|| {
        let mut h = open_immediate(VA, &immediate(600));
        let before = sleeps_so_far();
        let t = Instant::now();
        match h.next_packet() {
            Err(Error::TimeoutExpired) => {}
            other => panic!("{:?}", other.map(|p| p.data.to_vec())),
        }
        let waited = t.elapsed();
        let sleeps = sleeps_so_far() - before;
        assert!(waited >= Duration::from_millis(500), "{waited:?}");
        assert!(sleeps < 30, "{sleeps} wake-ups in {waited:?} of idleness");

        // Blocking for ever, broken off from another thread: the same.
        let mut h = open_immediate(VA, &cfg(Config::default(), |c| c.immediate = true));
        let stop = h.break_handle();
        let breaker = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(600));
            stop.breakloop();
        });
        let before = sleeps_so_far();
        match h.next_packet() {
            Err(Error::Break) => {}
            other => panic!("{:?}", other.map(|p| p.data.to_vec())),
        }
        let sleeps = sleeps_so_far() - before;
        breaker.join().unwrap();
        assert!(sleeps < 30, "{sleeps} wake-ups while blocked");
    });
}

/// Sends `frames` from the peer and captures them on `dev` in immediate mode (with `set`
/// applied to the handle first): the captured test frames, in order.
fn capture_frames(
    pair: &Pair,
    dev: &str,
    set: impl FnOnce(&mut Handle) + Send,
    frames: &[Vec<u8>],
) -> Vec<OwnedPacket> {
    let inj = pair.injector();
    pair.a.run(|| {
        let mut h = open_immediate(dev, &immediate(100));
        set(&mut h);
        for f in frames {
            inj.send(f);
        }
        let keep = |p: &ferrocap::Packet<'_>| seq_anywhere(p.data).is_some();
        let mut got = collect(&mut h, frames.len(), Duration::from_secs(3), keep);
        got.extend(collect(
            &mut h,
            usize::MAX,
            Duration::from_millis(200),
            keep,
        ));
        got
    })
}

/// VLAN tags go back into V2 frames as into V3 blocks: 802.1Q with PCP, VLAN 0, 802.1ad over
/// 802.1Q (outer TPID 0x88a8 from `tp_vlan_tpid`).
#[test]
fn vlan_tags_are_put_back_on_ethernet() {
    let Some(pair) = Pair::new() else { return };
    let sent = vec![
        tagged_frame(1, &[(0x8100, 0xa064)]),
        tagged_frame(2, &[(0x8100, 0x0000)]),
        tagged_frame(3, &[(0x88a8, 0x0064), (0x8100, 0x20c8)]),
        frame(4),
    ];
    let got = capture_frames(&pair, VA, |_| {}, &sent);
    assert_eq!(got.len(), 4);
    for (g, s) in got.iter().zip(&sent) {
        assert_eq!(g.data, *s);
        assert_eq!(g.header.caplen as usize, s.len());
        assert_eq!(g.header.len as usize, s.len());
    }
}

/// On `any`: `LINUX_SLL` (protocol field = TPID, then TCI and the EtherType) and `LINUX_SLL2`
/// (protocol field = TPID; TCI and EtherType after the 20-byte header).
#[test]
fn vlan_tags_are_put_back_on_any() {
    let Some(pair) = Pair::new() else { return };
    let sent = tagged_frame(25, &[(0x8100, 0xa064)]);
    let payload = &sent[18..];

    let got = capture_frames(&pair, "any", |_| {}, std::slice::from_ref(&sent));
    assert_eq!(got.len(), 1);
    let d = &got[0].data;
    assert_eq!(got[0].header.linktype(), Linktype::LINUX_SLL);
    assert_eq!(&d[0..6], &[0, 1, 0, 1, 0, 6], "pkttype, hatype, halen");
    assert_eq!(&d[6..12], &SRC_MAC);
    assert_eq!(&d[14..20], &[0x81, 0x00, 0xa0, 0x64, 0x88, 0xb5]);
    assert_eq!(&d[20..], payload);
    assert_eq!(got[0].header.len as usize, 16 + 64 - 14);

    let got = capture_frames(
        &pair,
        "any",
        |h| h.set_datalink(Linktype::LINUX_SLL2).unwrap(),
        std::slice::from_ref(&sent),
    );
    assert_eq!(got.len(), 1);
    let d = &got[0].data;
    assert_eq!(got[0].header.linktype(), Linktype::LINUX_SLL2);
    assert_eq!(&d[0..4], &[0x81, 0x00, 0, 0], "TPID, reserved");
    assert_eq!(&d[8..12], &[0, 1, 1, 6], "hatype, pkttype, halen");
    assert_eq!(&d[20..24], &[0xa0, 0x64, 0x88, 0xb5]);
    assert_eq!(&d[24..], payload);
}

/// A full ring is reported as drops: the smallest ring (two pages: four frames), no reading
/// while 500 frames arrive; received = 500, delivered = received − dropped, in order; later
/// calls only add.
#[test]
fn stats_count_what_the_ring_could_not_hold() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    pair.a.run(|| {
        let mut h = open_immediate(
            VA,
            &cfg(immediate(50), |c| {
                c.ring = Some(RingConfig {
                    block_size: 4096,
                    block_count: 2,
                })
            }),
        );
        assert_eq!(h.geometry().frames(), 4);
        for seq in 0..500 {
            inj.send(&frame(seq));
        }
        std::thread::sleep(Duration::from_millis(50));
        let delivered = collect_seqs(&mut h, 500, Duration::from_millis(500));
        let s = h.stats().unwrap();
        assert_eq!(s.received, 500, "{s:?}");
        assert!(s.dropped > 0, "{s:?}");
        assert_eq!(delivered.len() as u32, s.received - s.dropped, "{s:?}");
        assert!(delivered.windows(2).all(|w| w[0] < w[1]), "in order");
        // The ring is free again (the last read handed its frame back): three more fit.
        for seq in 0..3 {
            inj.send(&frame(10_000 + seq));
        }
        assert_eq!(
            collect_seqs(&mut h, 3, Duration::from_secs(3)),
            [10_000, 10_001, 10_002]
        );
        let later = h.stats().unwrap();
        assert_eq!(later.received, s.received + 3, "{later:?}");
        assert_eq!(later.dropped, s.dropped);
        assert_eq!(later.if_dropped, 0);
    });
}

/// `ether proto T`.
fn ether_proto(t: u16) -> Program {
    Program::new(vec![
        Instruction::new(0x28, 0, 0, 12),
        Instruction::new(0x15, 0, 1, u32::from(t)),
        Instruction::new(0x06, 0, 0, 262_144),
        Instruction::new(0x06, 0, 0, 0),
    ])
    .unwrap()
}

/// Frames already in the ring when a filter goes on, and that it rejects, are not handed out
/// (the V2 frames of one turn of the ring are filtered in user space).
#[test]
fn nothing_slips_in_before_the_filter() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    pair.a.run(|| {
        let mut h = open_immediate(VA, &immediate(100));
        for seq in 0..50 {
            inj.send(&frame(seq));
        }
        std::thread::sleep(Duration::from_millis(50));
        h.set_program(&ether_proto(0x88b6)).unwrap();
        assert!(!h.filter_in_user_space());
        for seq in 100..110 {
            let mut f = frame(seq);
            f[12..14].copy_from_slice(&0x88b6u16.to_be_bytes());
            inj.send(&f);
        }
        let got = collect(&mut h, 10, Duration::from_secs(3), |p| {
            p.data.get(14..18) == Some(&MARK[..])
        });
        let seqs: Vec<(u16, u32)> = got
            .iter()
            .map(|p| {
                let t = u16::from_be_bytes([p.data[12], p.data[13]]);
                let s = u32::from_be_bytes([p.data[18], p.data[19], p.data[20], p.data[21]]);
                (t, s)
            })
            .collect();
        assert_eq!(seqs, (100..110).map(|s| (0x88b6, s)).collect::<Vec<_>>());
    });
}

/// `dispatch` hands over every packet already in the ring in one call, not one per call.
#[test]
fn dispatch_takes_what_is_ready() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    pair.a.run(|| {
        let mut h = open_immediate(VA, &immediate(100));
        for seq in 0..50 {
            inj.send(&frame(seq));
        }
        std::thread::sleep(Duration::from_millis(100));
        let mut seqs = Vec::new();
        let n = h.dispatch(None, |p| seqs.extend(seq_of(p.data))).unwrap();
        assert!(n >= 50, "{n} packets in one dispatch");
        assert_eq!(seqs, (0..50).collect::<Vec<_>>());
        // At most `max`; the rest stays for the next call.
        for seq in 50..60 {
            inj.send(&frame(seq));
        }
        std::thread::sleep(Duration::from_millis(100));
        let mut seqs = Vec::new();
        assert_eq!(
            h.dispatch(Some(3), |p| seqs.extend(seq_of(p.data)))
                .unwrap(),
            3
        );
        h.dispatch(None, |p| seqs.extend(seq_of(p.data))).unwrap();
        assert_eq!(seqs, (50..60).collect::<Vec<_>>());
    });
}

/// Packets longer than a frame (the frames were sized for a 1500-byte MTU; the link then
/// goes to 9000) come whole, their VLAN tag put back, in order with the short ones around
/// them.
#[test]
fn long_packets_come_whole() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    pair.a.run(|| {
        let mut h = open_immediate(VA, &immediate(100));
        let frame_size = h.geometry().frame_size;
        assert!(frame_size < 2000, "{frame_size}");
        pair.a.ip(&["link", "set", VA, "mtu", "9000"]);
        pair.b.ip(&["link", "set", VB, "mtu", "9000"]);
        let long = |seq: u32, len: usize| frame_of_len(seq, len);
        let mut tagged = long(3, 6000);
        tagged.splice(12..12, [0x81, 0x00, 0x20, 0x0a]);
        let sent = vec![
            long(0, 5000),
            frame(1),
            long(2, 9014),
            tagged,
            frame(4),
            long(5, 3000),
        ];
        for f in &sent {
            inj.send(f);
        }
        let got = collect(&mut h, sent.len(), Duration::from_secs(3), |p| {
            seq_anywhere(p.data).is_some()
        });
        assert_eq!(got.len(), sent.len());
        for (g, s) in got.iter().zip(&sent) {
            assert_eq!(g.header.len as usize, s.len());
            assert_eq!(g.header.caplen as usize, s.len());
            assert!(g.data == *s, "frame {:?} differs", seq_anywhere(&g.data));
        }
        // The snapshot length still applies to them.
        let mut h = open_immediate(VA, &cfg(immediate(100), |c| c.snaplen = 3000));
        inj.send(&long(6, 5000));
        let got = collect(&mut h, 1, Duration::from_secs(3), |p| {
            seq_of(p.data) == Some(6)
        });
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].header.caplen, got[0].header.len), (3000, 5000));
        assert_eq!(got[0].data, &long(6, 5000)[..3000]);
    });
}

/// On `any`, loopback packets are seen twice (out and in) and the outgoing copy is dropped;
/// 64 KiB-class datagrams on `lo` are longer than any frame, so both copies go through the
/// receive queue: the dropped one must still be taken off it, or every later long packet
/// would get the wrong bytes.
#[test]
fn loopback_long_packets_on_any() {
    let Some(pair) = Pair::new() else { return };
    pair.a.run(|| {
        let mut h = open_immediate("any", &immediate(100));
        let rx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let to = rx.local_addr().unwrap();
        let tx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let sizes = [3000usize, 20, 40000, 100, 9000, 60000, 8];
        for (i, &n) in sizes.iter().enumerate() {
            let mut d = vec![i as u8; n];
            d[0] = 0xfc;
            tx.send_to(&d, to).unwrap();
        }
        // LINUX_SLL, IPv4 (20 bytes, no options), UDP to the receiver's port.
        let port = to.port().to_be_bytes();
        let got = collect(&mut h, sizes.len(), Duration::from_secs(3), |p| {
            p.data.len() > 16 + 28 && p.data[16 + 22..16 + 24] == port
        });
        let lens: Vec<usize> = got.iter().map(|p| p.data.len() - 16 - 28).collect();
        assert_eq!(lens, sizes, "each datagram once, whole, in order");
        for (i, p) in got.iter().enumerate() {
            assert_eq!(p.header.len as usize, p.data.len());
            assert_eq!(p.data[16 + 28], 0xfc);
            assert!(
                p.data[16 + 29..].iter().all(|&b| b == i as u8),
                "datagram {i}"
            );
        }
        let s = h.stats().unwrap();
        assert!(
            s.received >= 2 * sizes.len() as u32,
            "both copies counted: {s:?}"
        );
        assert_eq!(s.dropped, 0, "{s:?}");
    });
}
