//! Activation and enumeration: live-capture.md §11 items 1–12.

use super::harness::{
    cfg, child_role, collect_seqs, config_with_timeout, frame, run_child, Pair, VA,
};
use ferrocap::live::{
    supported_tstamp_types, Config, Device, Error, Handle, TimestampType, Warning,
};
use ferrocap::Linktype;
use std::time::Duration;

/// Item 1: A veth end: EN10MB, [EN10MB, DOCSIS], snap length 262144.
#[test]
fn veth_is_ethernet_with_docsis() {
    let Some(pair) = Pair::new() else { return };
    pair.a.run(|| {
        let h = Handle::open(VA, &Config::default()).unwrap();
        assert_eq!(h.linktype(), Linktype::EN10MB);
        assert_eq!(h.datalinks(), [Linktype::EN10MB, Linktype::DOCSIS]);
        assert_eq!(h.snaplen(), 262_144);
        assert!(h.warnings().is_empty(), "{:?}", h.warnings());
        assert!(h.ifindex() > 0);
    });
}

/// Item 2: `any`: LINUX_SLL, [SLL, SLL2]; EN10MB refused with libpcap's words; SLL2 accepted.
#[test]
fn any_is_cooked_with_sll2() {
    let Some(pair) = Pair::new() else { return };
    pair.a.run(|| {
        let mut h = Handle::open("any", &Config::default()).unwrap();
        assert_eq!(h.linktype(), Linktype::LINUX_SLL);
        assert_eq!(h.datalinks(), [Linktype::LINUX_SLL, Linktype::LINUX_SLL2]);
        assert_eq!(h.ifindex(), 0);
        let e = h.set_datalink(Linktype::EN10MB).unwrap_err();
        assert!(
            e.to_string()
                .contains("is not one of the DLTs supported by this device"),
            "{e}"
        );
        assert_eq!(h.linktype(), Linktype::LINUX_SLL);
        h.set_datalink(Linktype::LINUX_SLL2).unwrap();
        assert_eq!(h.linktype(), Linktype::LINUX_SLL2);
    });
}

/// Item 3: tun (ARPHRD_NONE) is RAW; lo is EN10MB alone.
#[test]
fn tun_is_raw_and_lo_is_ethernet_only() {
    let Some(pair) = Pair::new() else { return };
    pair.a.ip(&["tuntap", "add", "tun0", "mode", "tun"]);
    pair.a.ip(&["link", "set", "tun0", "up"]);
    pair.a.run(|| {
        let tun = Handle::open("tun0", &Config::default()).unwrap();
        assert_eq!(tun.linktype(), Linktype::RAW);
        assert_eq!(tun.datalinks(), [Linktype::RAW]);
        let lo = Handle::open("lo", &Config::default()).unwrap();
        assert_eq!(lo.linktype(), Linktype::EN10MB);
        assert_eq!(lo.datalinks(), [Linktype::EN10MB]);
    });
}

/// Item 4: An unknown name and a name of 16 or more characters: no such device.
#[test]
fn unknown_and_overlong_names() {
    let Some(pair) = Pair::new() else { return };
    pair.a.run(|| {
        for name in ["nosuch0", "abcdefghijklmnop", "abcdefghijklmnopq"] {
            match Handle::open(name, &Config::default()) {
                Err(Error::NoSuchDevice { device }) => assert_eq!(device, name),
                other => panic!("{name}: {other:?}"),
            }
        }
        let e = Handle::open("nosuch0", &Config::default()).unwrap_err();
        assert!(e.to_string().contains("no such device"), "{e}");
    });
}

/// Item 5: An administratively down interface (a bridge): interface not up; once up, it opens.
#[test]
fn down_interface_then_up() {
    let Some(pair) = Pair::new() else { return };
    pair.a.ip(&["link", "add", "br0", "type", "bridge"]);
    pair.a
        .run(|| match Handle::open("br0", &Config::default()) {
            Err(Error::InterfaceDown { device }) => assert_eq!(device, "br0"),
            other => panic!("{other:?}"),
        });
    pair.a.ip(&["link", "set", "br0", "up"]);
    pair.a.run(|| {
        Handle::open("br0", &Config::default()).unwrap();
    });
}

/// Item 6: Without CAP_NET_RAW (another user, in a child process): permission denied, naming
/// CAP_NET_RAW; listing devices still works.
#[test]
fn without_cap_net_raw() {
    const TEST: &str = "live::activation::without_cap_net_raw";
    if child_role().as_deref() == Some("unprivileged") {
        // The child: user nobody, in the host's namespace, capturing on lo.
        let devices = Device::list().expect("listing needs no privilege");
        assert!(devices.iter().any(|d| d.name == "lo"));
        match Handle::open("lo", &Config::default()) {
            Err(e @ Error::PermissionDenied { .. }) => {
                let text = e.to_string();
                assert!(text.contains("CAP_NET_RAW"), "{text}");
                let whole = ferrocap::Error::from(e).to_string();
                assert!(whole.contains("CAP_NET_RAW"), "{whole}");
                println!("child: {text}");
            }
            other => panic!("expected PermissionDenied, got {other:?}"),
        }
        return;
    }
    if !super::harness::can_run() {
        return;
    }
    let out = run_child(TEST, "unprivileged", &[], Some(65534));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("child: ") && stdout.contains("1 passed"),
        "child failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The interface flags word from sysfs, read where sysfs shows the namespace.
fn sysfs_flags(pair: &Pair) -> u32 {
    let out = pair
        .a
        .command("cat")
        .arg("/sys/class/net/vA/flags")
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    u32::from_str_radix(s.trim().trim_start_matches("0x"), 16).unwrap()
}

/// Item 7: Promiscuous mode on a veth: IFF_PROMISC (0x100) in sysfs while open, gone after close.
#[test]
fn promisc_is_set_and_cleared() {
    let Some(pair) = Pair::new() else { return };
    assert_eq!(sysfs_flags(&pair) & 0x100, 0);
    let h = pair
        .a
        .run(|| Handle::open(VA, &cfg(Config::default(), |c| c.promisc = true)).unwrap());
    assert_eq!(sysfs_flags(&pair) & 0x100, 0x100, "promiscuous while open");
    drop(h);
    assert_eq!(sysfs_flags(&pair) & 0x100, 0, "cleared after close");
}

/// Item 8: `any` with promiscuous mode: opens, with the PromiscNotSupported warning.
#[test]
fn any_promisc_is_a_warning() {
    let Some(pair) = Pair::new() else { return };
    pair.a.run(|| {
        let h = Handle::open("any", &cfg(Config::default(), |c| c.promisc = true)).unwrap();
        assert_eq!(h.warnings(), [Warning::PromiscNotSupported]);
    });
}

/// Item 9: Monitor mode on a veth: unsupported (ferrocap has no rfmon at all; `can_set_rfmon("any")`
/// has no counterpart to test).
#[test]
fn rfmon_is_unsupported() {
    let Some(pair) = Pair::new() else { return };
    pair.a.run(|| {
        for dev in [VA, "any"] {
            match Handle::open(dev, &cfg(Config::default(), |c| c.rfmon = true)) {
                Err(e @ Error::Unsupported { .. }) => {
                    assert!(e.to_string().contains("monitor mode"), "{e}")
                }
                other => panic!("{dev}: {other:?}"),
            }
        }
    });
}

// Item 10 is `devices::devices_are_listed_as_libpcap_lists_them` and `order_agrees_with_tcpdump`.

/// Item 11: Time stamp types on veth, lo, any: [host]; asking for adapter on the veth warns and
/// still captures with host stamps.
#[test]
fn timestamp_types_are_host_only() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    pair.a.run(|| {
        for dev in [VA, "lo", "any"] {
            assert_eq!(
                supported_tstamp_types(dev).unwrap(),
                [TimestampType::Host],
                "{dev}"
            );
        }
        let mut h = Handle::open(
            VA,
            &cfg(config_with_timeout(200), |c| {
                c.tstamp_type = TimestampType::Adapter
            }),
        )
        .unwrap();
        assert_eq!(h.warnings(), [Warning::TstampTypeNotSupported]);
        inj.send(&frame(1));
        let before = std::time::SystemTime::now();
        let got = super::harness::collect(&mut h, 1, Duration::from_secs(3), |p| {
            super::harness::seq_of(p.data) == Some(1)
        });
        assert_eq!(got.len(), 1, "captured with host stamps");
        let ts: std::time::SystemTime =
            std::time::UNIX_EPOCH + got[0].header.ts.as_duration_since_epoch().unwrap();
        let diff = before.duration_since(ts).unwrap_or_else(|e| e.duration());
        assert!(diff < Duration::from_secs(1), "host clock: {diff:?} off");
    });
}

/// Item 12: A 32 KiB buffer still gives at least two blocks (never a zero block count), and captures.
#[test]
fn small_buffer_has_two_blocks() {
    let Some(pair) = Pair::new() else { return };
    let inj = pair.injector();
    pair.a.run(|| {
        for buffer_size in [1000, 32 * 1024] {
            let mut h = Handle::open(
                VA,
                &cfg(config_with_timeout(100), |c| c.buffer_size = buffer_size),
            )
            .unwrap();
            let g = h.geometry();
            assert!(g.block_count >= 2, "{buffer_size}: {g:?}");
            inj.send(&frame(7));
            assert_eq!(collect_seqs(&mut h, 1, Duration::from_secs(3)), [7]);
        }
    });
}
