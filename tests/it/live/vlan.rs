//! VLAN tags: live-capture.md §11 items 22–26 and issue 9's VLAN acceptance. The kernel takes
//! the outermost tag out of every received frame; the capture must put it back (Ethernet,
//! `LINUX_SLL`, `LINUX_SLL2`), VLAN 0 and 802.1ad included, and a kernel `vlan N` filter must
//! agree with the same filter run on the saved file.

use super::harness::{collect, config_with_timeout, frame, seq_at, tagged_frame, Pair, MARK, VA};
use ferrocap::bpf::{Program, Rules};
use ferrocap::file::pcap::Writer;
use ferrocap::live::{Handle, Warning};
use ferrocap::{Capture, Linktype, OwnedPacket, Precision};
use std::time::Duration;

/// Test frames (tagged or not) carry `FCAP` + sequence number after the EtherType; find it.
fn seq_anywhere(data: &[u8]) -> Option<u32> {
    (0..data.len().saturating_sub(10))
        .filter(|&i| data.get(i + 2..i + 6) == Some(&MARK[..]))
        .find_map(|i| seq_at(data, i))
}

/// Sends `frames` from the peer and captures them on `dev` (with `set` applied to the handle
/// first), returning the captured test frames in order: `want` of them, plus any that arrive
/// in the next 200 ms.
fn capture_some(
    pair: &Pair,
    dev: &str,
    set: impl FnOnce(&mut Handle) + Send,
    frames: &[Vec<u8>],
    want: usize,
) -> Vec<OwnedPacket> {
    let inj = pair.injector();
    pair.a.run(|| {
        let mut h = Handle::open(dev, &config_with_timeout(100)).unwrap();
        set(&mut h);
        for f in frames {
            inj.send(f);
        }
        let keep = |p: &ferrocap::Packet<'_>| seq_anywhere(p.data).is_some();
        let mut got = collect(&mut h, want, Duration::from_secs(3), keep);
        got.extend(collect(
            &mut h,
            usize::MAX,
            Duration::from_millis(200),
            keep,
        ));
        got
    })
}

/// [`capture_some`], expecting every frame.
fn capture_frames(
    pair: &Pair,
    dev: &str,
    set: impl FnOnce(&mut Handle) + Send,
    frames: &[Vec<u8>],
) -> Vec<OwnedPacket> {
    capture_some(pair, dev, set, frames, frames.len())
}

/// Item 22: 802.1Q, PCP 5, VID 100: the frame as sent, tag at offset 12.
#[test]
fn dot1q_tag_is_put_back() {
    let Some(pair) = Pair::new() else { return };
    let sent = tagged_frame(22, &[(0x8100, 0xa064)]);
    let got = capture_frames(&pair, VA, |_| {}, std::slice::from_ref(&sent));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].data, sent);
    assert_eq!(&got[0].data[12..16], &[0x81, 0x00, 0xa0, 0x64]);
    assert_eq!((got[0].header.caplen, got[0].header.len), (64, 64));
}

/// Item 23: VLAN 0 (priority tag) keeps its tag.
#[test]
fn vlan_zero_is_kept() {
    let Some(pair) = Pair::new() else { return };
    let sent = tagged_frame(23, &[(0x8100, 0x0000)]);
    let got = capture_frames(&pair, VA, |_| {}, std::slice::from_ref(&sent));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].data, sent);
}

/// Item 24: 802.1ad outer tag (TPID 0x88a8) over an 802.1Q inner tag: both there, the outer
/// TPID kept.
#[test]
fn dot1ad_keeps_both_tags() {
    let Some(pair) = Pair::new() else { return };
    let sent = tagged_frame(24, &[(0x88a8, 0x0064), (0x8100, 0x20c8)]);
    let got = capture_frames(&pair, VA, |_| {}, std::slice::from_ref(&sent));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].data, sent);
    assert_eq!(got[0].header.len, 68);
}

/// Item 25: on `any`, `LINUX_SLL`: the header's protocol is the TPID, then TCI and the frame's
/// EtherType; `LINUX_SLL2` (ferrocap re-inserts there too, unlike libpcap #1105): the
/// header's protocol is the TPID, and TCI and EtherType follow the 20-byte header.
#[test]
fn any_carries_the_tag_in_sll_and_sll2() {
    let Some(pair) = Pair::new() else { return };
    let sent = tagged_frame(25, &[(0x8100, 0xa064)]);
    let payload = &sent[18..];

    let got = capture_frames(&pair, "any", |_| {}, std::slice::from_ref(&sent));
    assert_eq!(got.len(), 1);
    let d = &got[0].data;
    assert_eq!(got[0].header.linktype(), Linktype::LINUX_SLL);
    assert_eq!(&d[0..2], &[0, 1], "pkttype broadcast");
    assert_eq!(&d[2..4], &[0, 1], "hatype Ethernet");
    assert_eq!(&d[4..6], &[0, 6], "halen");
    assert_eq!(&d[6..12], &super::harness::SRC_MAC);
    assert_eq!(&d[14..20], &[0x81, 0x00, 0xa0, 0x64, 0x88, 0xb5]);
    assert_eq!(&d[20..], payload);
    assert_eq!(got[0].header.len, 16 + 64 - 14);

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
    assert_eq!(&d[8..10], &[0, 1], "hatype Ethernet");
    assert_eq!(d[10], 1, "pkttype broadcast");
    assert_eq!(d[11], 6, "halen");
    assert_eq!(&d[20..24], &[0xa0, 0x64, 0x88, 0xb5]);
    assert_eq!(&d[24..], payload);
}

/// libpcap 1.10's program for `vlan N` on a live Linux Ethernet capture, with the kernel's
/// ancillary VLAN loads (`tcpdump -dd -i vA vlan N`: `ldb [vlanp]`, `ldb [vlan_tci]`).
/// Hand-written until the filter compiler is on main.
fn live_vlan(vid: u16) -> Program {
    let text = format!(
        "{{ 0x30, 0, 0, 0xfffff030 }},\n{{ 0x15, 4, 0, 0x00000001 }},\n\
         {{ 0x28, 0, 0, 0x0000000c }},\n{{ 0x15, 2, 0, 0x00008100 }},\n\
         {{ 0x15, 1, 0, 0x000088a8 }},\n{{ 0x15, 0, 8, 0x00009100 }},\n\
         {{ 0x30, 0, 0, 0xfffff030 }},\n{{ 0x15, 0, 2, 0x00000001 }},\n\
         {{ 0x30, 0, 0, 0xfffff02c }},\n{{ 0x5, 0, 0, 0x00000001 }},\n\
         {{ 0x28, 0, 0, 0x0000000e }},\n{{ 0x54, 0, 0, 0x00000fff }},\n\
         {{ 0x15, 0, 1, {vid:#x} }},\n{{ 0x6, 0, 0, 0x00040000 }},\n\
         {{ 0x6, 0, 0, 0x00000000 }},\n"
    );
    Program::parse(&text, Rules::Linux).unwrap()
}

/// libpcap's program for `vlan N` on a saved Ethernet file (`tcpdump -dd -r FILE vlan N`).
fn offline_vlan(vid: u16) -> Program {
    let text = format!(
        "{{ 0x28, 0, 0, 0x0000000c }},\n{{ 0x15, 2, 0, 0x00008100 }},\n\
         {{ 0x15, 1, 0, 0x000088a8 }},\n{{ 0x15, 0, 4, 0x00009100 }},\n\
         {{ 0x28, 0, 0, 0x0000000e }},\n{{ 0x54, 0, 0, 0x00000fff }},\n\
         {{ 0x15, 0, 1, {vid:#x} }},\n{{ 0x6, 0, 0, 0x0000ffff }},\n\
         {{ 0x6, 0, 0, 0x00000000 }},\n"
    );
    Program::parse(&text, Rules::Standard).unwrap()
}

/// Frames tagged in every way that matters to `vlan 10`, numbered by sequence.
fn vlan_mix() -> Vec<Vec<u8>> {
    vec![
        frame(0),
        tagged_frame(1, &[(0x8100, 10)]),
        tagged_frame(2, &[(0x8100, 11)]),
        tagged_frame(3, &[(0x8100, 0xe00a)]), // PCP 7, VID 10
        tagged_frame(4, &[(0x8100, 0)]),
        tagged_frame(5, &[(0x88a8, 10), (0x8100, 20)]),
        tagged_frame(6, &[(0x88a8, 20), (0x8100, 10)]),
        tagged_frame(7, &[(0x8100, 100)]),
    ]
}

fn seqs(packets: &[OwnedPacket]) -> Vec<u32> {
    packets
        .iter()
        .filter_map(|p| seq_anywhere(&p.data))
        .collect()
}

/// Item 26 and the acceptance: the kernel filter `vlan 10` passes exactly the frames whose
/// outer tag is VLAN 10, and gives the same verdicts as `vlan 10` on the saved file of the
/// unfiltered capture. `vlan 100` likewise matches the tagged frame and not an untagged one.
#[test]
fn kernel_vlan_filter_agrees_with_the_saved_file() {
    let Some(pair) = Pair::new() else { return };
    let frames = vlan_mix();

    let all = capture_frames(&pair, VA, |_| {}, &frames);
    assert_eq!(seqs(&all), (0..8).collect::<Vec<_>>());
    let mut w = Writer::new(Vec::new(), Linktype::EN10MB, 262_144, Precision::Micro).unwrap();
    for p in &all {
        w.write_packet(&p.as_packet()).unwrap();
    }
    let mut file = Capture::from_bytes(w.into_inner().unwrap()).unwrap();
    let off10 = offline_vlan(10);
    let mut offline = Vec::new();
    while let Ok(p) = file.next_packet() {
        if off10.matches(p.header, p.data) {
            offline.extend(seq_anywhere(p.data));
        }
    }
    assert_eq!(offline, [1, 3, 5]);

    let program = live_vlan(10);
    let live = capture_some(
        &pair,
        VA,
        |h| {
            h.set_program(&program).unwrap();
            assert!(!h.filter_in_user_space(), "the kernel took the program");
        },
        &frames,
        3,
    );
    assert_eq!(
        seqs(&live),
        offline,
        "kernel verdicts = saved-file verdicts"
    );
    for p in &live {
        assert!(
            off10.matches(&p.header, &p.data),
            "re-inserted tag matches offline"
        );
    }

    let program = live_vlan(100);
    let got = capture_some(&pair, VA, |h| h.set_program(&program).unwrap(), &frames, 1);
    assert_eq!(seqs(&got), [7]);
}

/// Lowers `net.core.optmem_max` in the calling thread's namespace below what any filter needs
/// (a namespace setting since Linux 6.8; older kernels have no such file in a namespace, and the
/// test cannot run there).
pub(super) fn lower_optmem_max() {
    let path = "/proc/sys/net/core/optmem_max";
    assert!(
        std::path::Path::new(path).exists(),
        "this kernel has no per-namespace net.core.optmem_max (Linux < 6.8)"
    );
    std::fs::write(path, "64").unwrap();
}

/// Item 26's user-space half (and item 35): with `net.core.optmem_max` lowered in the namespace
/// the kernel refuses the program; it runs in user space, with a warning, on the bytes before
/// re-insertion and the tag metadata, and gives the same verdicts.
#[test]
fn user_space_vlan_filter_agrees() {
    let Some(pair) = Pair::new() else { return };
    let frames = vlan_mix();
    let program = live_vlan(10);
    let got = capture_some(
        &pair,
        VA,
        |h| {
            lower_optmem_max();
            h.set_program(&program).unwrap();
            assert!(h.filter_in_user_space(), "the kernel refused the program");
            assert!(
                h.warnings()
                    .iter()
                    .any(|w| matches!(w, Warning::FilterInUserSpace { .. })),
                "{:?}",
                h.warnings()
            );
        },
        &frames,
        3,
    );
    assert_eq!(seqs(&got), [1, 3, 5]);
}
