//! Direction, loopback and `any`: live-capture.md §11 items 27–30.

use super::harness::{
    collect, collect_seqs, config_with_timeout, frame, seq_of, Injector, Pair, VA,
};
use ferrocap::live::Handle;
use ferrocap::{Direction, Linktype, OwnedPacket};
use std::net::UdpSocket;
use std::time::Duration;

const UDP_PORT: u16 = 40_927;

/// Sends `n` UDP datagrams to a bound socket on 127.0.0.1 (so no ICMP comes back).
fn udp_on_lo(n: usize) {
    let rx = UdpSocket::bind(("127.0.0.1", UDP_PORT)).unwrap();
    let tx = UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..n {
        tx.send_to(format!("fcap{i}").as_bytes(), ("127.0.0.1", UDP_PORT))
            .unwrap();
    }
    drop(rx);
}

/// Whether an Ethernet frame is one of those datagrams.
fn is_test_udp(eth: &[u8]) -> bool {
    eth.get(12..14) == Some(&[0x08, 0x00])
        && eth.get(23) == Some(&17)
        && eth.get(36..38) == Some(&UDP_PORT.to_be_bytes())
}

/// Item 27: on lo each of N datagrams is captured once, and the statistics count N (ferrocap
/// asks the kernel not to copy the outgoing duplicate, `PACKET_IGNORE_OUTGOING`; libpcap counts
/// 2N).
#[test]
fn loopback_packets_once() {
    let Some(pair) = Pair::new() else { return };
    pair.a.run(|| {
        let mut h = Handle::open("lo", &config_with_timeout(100)).unwrap();
        udp_on_lo(10);
        let got = collect(&mut h, 10, Duration::from_secs(3), |p| is_test_udp(p.data));
        assert_eq!(got.len(), 10);
        let extra = collect(&mut h, 1, Duration::from_millis(300), |p| {
            is_test_udp(p.data)
        });
        assert!(extra.is_empty(), "a duplicate came through");
        let s = h.stats().unwrap();
        assert_eq!((s.received, s.dropped), (10, 0), "{s:?}");
    });
}

/// Item 28: direction In sees what arrives, not what the namespace sends; Out the reverse; Out
/// on lo sees nothing (libpcap parity: the outgoing loopback copy is the one dropped).
#[test]
fn direction_in_and_out() {
    let Some(pair) = Pair::new() else { return };
    let from_peer = pair.injector();
    let from_here = Injector::new(&pair.a, VA);
    pair.a.run(|| {
        for (dir, want) in [
            (Direction::In, [1u32, 3]),
            (Direction::Out, [2, 4]),
            (Direction::InOut, [1, 2]),
        ] {
            let mut h = Handle::open(VA, &config_with_timeout(100)).unwrap();
            h.set_direction(dir).unwrap();
            assert_eq!(h.direction(), dir);
            from_peer.send(&frame(1));
            from_here.send(&frame(2));
            from_peer.send(&frame(3));
            from_here.send(&frame(4));
            let mut got = collect_seqs(&mut h, 4, Duration::from_millis(600));
            got.sort_unstable();
            let want: Vec<u32> = if dir == Direction::InOut {
                vec![1, 2, 3, 4]
            } else {
                want.to_vec()
            };
            assert_eq!(got, want, "{dir:?}");
        }
        let mut lo = Handle::open("lo", &config_with_timeout(100)).unwrap();
        lo.set_direction(Direction::Out).unwrap();
        udp_on_lo(5);
        let got = collect(&mut lo, 1, Duration::from_millis(500), |p| {
            is_test_udp(p.data)
        });
        assert!(got.is_empty(), "Out on lo captures nothing");
    });
}

fn ifindex(name: &str) -> u32 {
    nix::net::if_::if_nametoindex(name).unwrap()
}

/// The captured test frames and datagrams on `any`, in `linktype`.
fn capture_any(pair: &Pair, linktype: Linktype) -> Vec<OwnedPacket> {
    let from_peer = pair.injector();
    let from_here = Injector::new(&pair.a, VA);
    pair.a.run(|| {
        let mut h = Handle::open("any", &config_with_timeout(100)).unwrap();
        h.set_datalink(linktype).unwrap();
        from_peer.send(&frame(1));
        from_here.send(&frame(2));
        udp_on_lo(1);
        let hdr = if linktype == Linktype::LINUX_SLL {
            16
        } else {
            20
        };
        collect(&mut h, 3, Duration::from_secs(3), |p| {
            let body = p.data.get(hdr..).unwrap_or_default();
            // Cooked: the payload starts at the network layer.
            body.get(..4) == Some(b"FCAP")
                || (body.first() == Some(&0x45) && body.get(9) == Some(&17))
        })
    })
}

/// Item 29: `any` sees the veth and lo; SLL2 carries each packet's interface index, both
/// headers the packet type (4 = outgoing), hardware type (1 Ethernet, 772 loopback) and an
/// address length of 6.
#[test]
fn any_headers_name_the_interface() {
    let Some(pair) = Pair::new() else { return };
    let (va, lo) = pair.a.run(|| (ifindex(VA), ifindex("lo")));

    let got = capture_any(&pair, Linktype::LINUX_SLL2);
    assert_eq!(got.len(), 3, "{got:?}");
    // (ifindex, hatype, pkttype) per packet, in arrival order: peer's frame, our frame, UDP.
    let fields: Vec<(u32, u16, u8, u8)> = got
        .iter()
        .map(|p| {
            let d = &p.data;
            (
                u32::from_be_bytes([d[4], d[5], d[6], d[7]]),
                u16::from_be_bytes([d[8], d[9]]),
                d[10],
                d[11],
            )
        })
        .collect();
    assert_eq!(fields[0], (va, 1, 1, 6), "received broadcast on vA");
    assert_eq!(fields[1], (va, 1, 4, 6), "sent on vA");
    assert_eq!((fields[2].0, fields[2].1, fields[2].3), (lo, 772, 6), "lo");
    assert_eq!(&got[0].data[0..2], &[0x88, 0xb5], "SLL2 protocol");

    let got = capture_any(&pair, Linktype::LINUX_SLL);
    assert_eq!(got.len(), 3, "{got:?}");
    let fields: Vec<(u16, u16, u16)> = got
        .iter()
        .map(|p| {
            let d = &p.data;
            (
                u16::from_be_bytes([d[0], d[1]]),
                u16::from_be_bytes([d[2], d[3]]),
                u16::from_be_bytes([d[4], d[5]]),
            )
        })
        .collect();
    assert_eq!(fields[0], (1, 1, 6));
    assert_eq!(fields[1], (4, 1, 6));
    assert_eq!((fields[2].1, fields[2].2), (772, 6));
    assert_eq!(&got[0].data[14..16], &[0x88, 0xb5], "SLL protocol");
    assert_eq!(&got[0].data[6..12], &super::harness::SRC_MAC);
}

/// Item 30: a capture does not see the frames it sends itself; another capture does.
#[test]
fn own_frames_are_not_captured() {
    let Some(pair) = Pair::new() else { return };
    pair.a.run(|| {
        let mut sender = Handle::open(VA, &config_with_timeout(100)).unwrap();
        let mut other = Handle::open(VA, &config_with_timeout(100)).unwrap();
        for seq in 0..5 {
            sender.sendpacket(&frame(seq)).unwrap();
        }
        assert_eq!(
            collect_seqs(&mut other, 5, Duration::from_secs(3)),
            [0, 1, 2, 3, 4]
        );
        let own = collect(&mut sender, 1, Duration::from_millis(300), |p| {
            seq_of(p.data).is_some()
        });
        assert!(own.is_empty(), "the sender saw its own frame");
    });
}
