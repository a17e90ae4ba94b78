//! Kernel filters: live-capture.md §11 items 31–35.

use super::harness::{collect, config_with_timeout, frame, seq_at, Pair, VA};
use ferrocap::bpf::{Instruction, Program};
use ferrocap::live::{Error, Handle};
use std::time::Duration;

/// `ether proto T` (libpcap's program, `tcpdump -dd ether proto T`).
fn ether_proto(t: u16) -> Program {
    Program::new(vec![
        Instruction::new(0x28, 0, 0, 12),
        Instruction::new(0x15, 0, 1, u32::from(t)),
        Instruction::new(0x06, 0, 0, 262_144),
        Instruction::new(0x06, 0, 0, 0),
    ])
    .unwrap()
}

/// A test frame with EtherType `t`.
fn frame_of_type(seq: u32, t: u16) -> Vec<u8> {
    let mut f = frame(seq);
    f[12..14].copy_from_slice(&t.to_be_bytes());
    f
}

/// (EtherType, sequence number) of a captured test frame of either type.
fn type_and_seq(data: &[u8]) -> Option<(u16, u32)> {
    let t = u16::from_be_bytes([*data.get(12)?, *data.get(13)?]);
    let mut f = data.to_vec();
    f[12..14].copy_from_slice(&0x88b5u16.to_be_bytes());
    Some((t, seq_at(&f, 12)?))
}

/// Item 31: frames that arrived between activation and the filter, and that the filter
/// rejects, are never handed out (the ring's old blocks are filtered in user space).
#[test]
fn nothing_slips_in_before_the_filter() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    pair.a.run(|| {
        let mut h = Handle::open(VA, &config_with_timeout(100)).unwrap();
        for seq in 0..50 {
            inj.send(&frame_of_type(seq, 0x88b5));
        }
        // Let them land in the ring before the filter goes on.
        std::thread::sleep(Duration::from_millis(50));
        h.set_program(&ether_proto(0x88b6)).unwrap();
        assert!(!h.filter_in_user_space());
        for seq in 100..110 {
            inj.send(&frame_of_type(seq, 0x88b6));
        }
        let got = collect(&mut h, 10, Duration::from_secs(3), |p| {
            type_and_seq(p.data).is_some()
        });
        let got: Vec<(u16, u32)> = got.iter().filter_map(|p| type_and_seq(&p.data)).collect();
        let want: Vec<(u16, u32)> = (100..110).map(|s| (0x88b6, s)).collect();
        assert_eq!(got, want);
    });
}

/// Item 32: once the filter is changed while reading, no packet that only the old filter
/// accepts is handed out, even those already in the ring.
#[test]
fn filter_change_while_reading() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    pair.a.run(|| {
        let mut h = Handle::open(VA, &config_with_timeout(100)).unwrap();
        h.set_program(&ether_proto(0x88b5)).unwrap();
        for seq in 0..40 {
            inj.send(&frame_of_type(seq, 0x88b5));
        }
        let first = collect(&mut h, 10, Duration::from_secs(3), |p| {
            type_and_seq(p.data).is_some()
        });
        assert_eq!(first.len(), 10);
        // 30 old-filter frames are still waiting in the ring.
        h.set_program(&ether_proto(0x88b6)).unwrap();
        for seq in 100..110 {
            inj.send(&frame_of_type(seq, 0x88b6));
            inj.send(&frame_of_type(seq, 0x88b5));
        }
        let got = collect(&mut h, 10, Duration::from_secs(3), |p| {
            type_and_seq(p.data).is_some()
        });
        let types: Vec<u16> = got
            .iter()
            .filter_map(|p| type_and_seq(&p.data))
            .map(|t| t.0)
            .collect();
        assert_eq!(types, [0x88b6; 10]);
    });
}

/// Item 33: no program of 0 or 4097 instructions exists (the validator refuses them, so the
/// kernel is never asked); 4096 instructions go into the kernel.
#[test]
fn program_size_limits() {
    let Some(pair) = Pair::new() else { return };
    assert!(Program::new(Vec::new()).is_err());
    let long = |n: usize| {
        let mut v = vec![Instruction::new(0x00, 0, 0, 0); n - 1];
        v.push(Instruction::new(0x06, 0, 0, 262_144));
        v
    };
    assert!(Program::new(long(4097)).is_err());
    let max = Program::new(long(4096)).unwrap();
    let inj = pair.injector();
    pair.a.run(|| {
        let mut h = Handle::open(VA, &config_with_timeout(100)).unwrap();
        h.set_program(&max).unwrap();
        assert!(
            !h.filter_in_user_space(),
            "the kernel takes 4096 instructions"
        );
        inj.send(&frame(1));
        let got = collect(&mut h, 1, Duration::from_secs(3), |p| {
            type_and_seq(p.data).is_some()
        });
        assert_eq!(got.len(), 1);
    });
}

/// Item 34: with the filter locked (`SO_LOCK_FILTER`, set through `lock_filter`), a filter
/// change fails with the kernel's EPERM, named as the `setsockopt` that failed, and the
/// locked filter keeps filtering.
#[test]
fn locked_filter_refuses_changes() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    pair.a.run(|| {
        let mut h = Handle::open(VA, &config_with_timeout(100)).unwrap();
        h.set_program(&ether_proto(0x88b6)).unwrap();
        h.lock_filter().unwrap();
        match h.set_program(&ether_proto(0x88b5)) {
            Err(Error::Sys { call, source, .. }) => {
                assert_eq!(source.raw_os_error(), Some(1), "{call}: {source}");
                assert!(call.contains("SO_ATTACH_FILTER"), "{call}");
            }
            other => panic!("a locked filter was changed: {other:?}"),
        }
        inj.send(&frame_of_type(1, 0x88b5));
        inj.send(&frame_of_type(2, 0x88b6));
        let got = collect(&mut h, 1, Duration::from_secs(3), |p| {
            type_and_seq(p.data).is_some()
        });
        let types: Vec<u16> = got
            .iter()
            .filter_map(|p| type_and_seq(&p.data).map(|(t, _)| t))
            .collect();
        assert_eq!(types, [0x88b6]);
    });
}

// Item 35 is `vlan::user_space_vlan_filter_agrees`: with net.core.optmem_max lowered in the
// namespace the kernel refuses the program, which then runs in user space with a warning and
// the same verdicts.
