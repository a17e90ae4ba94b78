//! Injection: live-capture.md §11 items 42–43.

use super::harness::{
    collect, config_with_timeout, frame, frame_of_len, tagged_frame, Pair, VA, VB,
};
use ferrocap::live::{Config, Error, Handle};
use std::time::Duration;

/// Item 42: a frame arrives at the peer byte for byte; the MTU limits (MTU + 14 ok, + 15 too
/// long, one 802.1Q tag of slack), frames shorter than the Ethernet header, a link that is
/// down and the `any` device give their errors.
#[test]
fn sendpacket_and_its_errors() {
    let Some(pair) = Pair::new() else { return };
    let sent = frame(42);
    let mtu_frame = frame_of_len(43, 1500 + 14);
    let receiver = pair.b.spawn({
        let sent = sent.clone();
        let mtu_frame = mtu_frame.clone();
        move || {
            let mut h = Handle::open(VB, &config_with_timeout(100)).unwrap();
            let got = collect(&mut h, 3, Duration::from_secs(5), |p| {
                p.data == sent || p.data == mtu_frame || p.data.len() == 1500 + 18
            });
            got.into_iter().map(|p| p.data).collect::<Vec<_>>()
        }
    });
    std::thread::sleep(Duration::from_millis(200));
    pair.a.run(|| {
        let h = Handle::open(VA, &Config::default()).unwrap();
        h.sendpacket(&sent).unwrap();
        h.sendpacket(&mtu_frame).unwrap();
        match h.sendpacket(&frame_of_len(44, 1500 + 15)) {
            Err(Error::PacketTooLong { len, .. }) => assert_eq!(len, 1515),
            other => panic!("{other:?}"),
        }
        // One 802.1Q tag may exceed the MTU; an 802.1ad one may not.
        let q = tagged_frame(45, &[(0x8100, 5)]);
        let mut q_full = q.clone();
        q_full.resize(1500 + 18, 0);
        h.sendpacket(&q_full).unwrap();
        let mut ad_full = tagged_frame(46, &[(0x88a8, 5)]);
        ad_full.resize(1500 + 18, 0);
        assert!(matches!(
            h.sendpacket(&ad_full),
            Err(Error::PacketTooLong { .. })
        ));
        match h.sendpacket(&sent[..13]) {
            Err(Error::InvalidPacket { len, .. }) => assert_eq!(len, 13),
            other => panic!("{other:?}"),
        }
        let any = Handle::open("any", &Config::default()).unwrap();
        match any.sendpacket(&sent) {
            Err(e @ Error::Unsupported { .. }) => {
                assert!(e.to_string().contains("\"any\" device"), "{e}")
            }
            other => panic!("{other:?}"),
        }
    });
    let got = receiver.join().unwrap();
    assert_eq!(got.len(), 3, "the peer received the three good frames");
    assert_eq!(got[0], sent);
    assert_eq!(got[1], mtu_frame);
    assert_eq!(got[2].len(), 1518);

    let h = pair.a.run(|| Handle::open(VA, &Config::default()).unwrap());
    pair.a.ip(&["link", "set", VA, "down"]);
    pair.a.run(move || match h.sendpacket(&sent) {
        Err(Error::InterfaceDown { .. }) => {}
        other => panic!("{other:?}"),
    });
}

/// Item 43: 100 000 frames through a capture opened with a read timeout: no `EAGAIN` (the
/// socket stays blocking; only reads honour the timeout).
#[test]
fn hundred_thousand_sends() {
    let Some(pair) = Pair::new() else { return };
    pair.a.run(|| {
        let h = Handle::open(VA, &config_with_timeout(10)).unwrap();
        let f = frame(43);
        for i in 0..100_000 {
            if let Err(e) = h.sendpacket(&f) {
                panic!("frame {i}: {e}");
            }
        }
    });
}
