//! Device enumeration in a namespace (live-capture.md §11 item 10, §7).

use super::harness::{Pair, VA};
use ferrocap::live::{lookup_net, ConnectionStatus, Device, Error, IfFlags};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::process::Command;

fn v4(s: &str) -> IpAddr {
    IpAddr::V4(s.parse().unwrap())
}

/// The namespace of live-capture.md §7.1: vA (up, connected), lo, tun0 (up, no carrier), br0
/// (down), plus an alias address on vA and point-to-point addresses on tun0.
fn furnish(pair: &Pair) {
    let a = &pair.a;
    a.ip(&[
        "addr",
        "add",
        "198.18.1.1/24",
        "brd",
        "+",
        "dev",
        VA,
        "label",
        "vA:1",
    ]);
    a.ip(&["link", "add", "br0", "type", "bridge"]);
    a.ip(&["tuntap", "add", "tun0", "mode", "tun"]);
    a.run(|| {
        std::fs::write("/proc/sys/net/ipv6/conf/tun0/disable_ipv6", "0")
            .expect("switch IPv6 on for tun0");
    });
    a.ip(&[
        "addr",
        "add",
        "198.18.2.1",
        "peer",
        "198.18.2.2",
        "dev",
        "tun0",
    ]);
    a.ip(&[
        "addr",
        "add",
        "2001:db8::1",
        "peer",
        "2001:db8::2",
        "dev",
        "tun0",
        "nodad",
    ]);
    a.ip(&["link", "set", "tun0", "up"]);
}

#[test]
fn devices_are_listed_as_libpcap_lists_them() {
    let Some(pair) = Pair::new() else { return };
    furnish(&pair);
    let devices = pair.a.run(|| Device::list().unwrap());
    let names: Vec<&str> = devices.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["vA", "any", "lo", "tun0", "br0"], "{devices:#?}");
    let flags: Vec<u32> = devices.iter().map(|d| d.flags.bits()).collect();
    assert_eq!(flags, [0x16, 0x36, 0x37, 0x22, 0x20], "{devices:#?}");

    let va = &devices[0];
    assert_eq!(va.desc, None);
    assert_eq!(va.flags.connection_status, ConnectionStatus::Connected);
    assert!(va.flags.is_up() && va.flags.is_running());
    assert!(!va.flags.is_loopback() && !va.flags.is_wireless());
    // The primary address and the alias (folded into vA), with netmask and broadcast.
    let addrs: Vec<_> = va
        .addresses
        .iter()
        .map(|a| (a.addr, a.netmask, a.broadcast_addr, a.dst_addr))
        .collect();
    assert_eq!(
        addrs,
        [
            (
                v4("198.18.0.1"),
                Some(v4("255.255.255.0")),
                Some(v4("198.18.0.255")),
                None
            ),
            (
                v4("198.18.1.1"),
                Some(v4("255.255.255.0")),
                Some(v4("198.18.1.255")),
                None
            ),
        ]
    );

    let any = &devices[1];
    assert_eq!(
        any.desc.as_deref(),
        Some("Pseudo-device that captures on all interfaces")
    );
    assert!(any.addresses.is_empty());

    let lo = &devices[2];
    assert!(lo
        .flags
        .contains(IfFlags::LOOPBACK | IfFlags::UP | IfFlags::RUNNING));
    assert_eq!(lo.flags.connection_status, ConnectionStatus::NotApplicable);
    assert!(lo
        .addresses
        .iter()
        .any(|a| a.addr == v4("127.0.0.1") && a.netmask == Some(v4("255.0.0.0"))));

    // Point-to-point: destination addresses, IPv4 and IPv6, no broadcast.
    let tun = &devices[3];
    assert_eq!(tun.flags.connection_status, ConnectionStatus::Disconnected);
    assert!(tun.addresses.iter().any(|a| a.addr == v4("198.18.2.1")
        && a.dst_addr == Some(v4("198.18.2.2"))
        && a.netmask == Some(v4("255.255.255.255"))
        && a.broadcast_addr.is_none()));
    let v6: Ipv6Addr = "2001:db8::1".parse().unwrap();
    let peer6: Ipv6Addr = "2001:db8::2".parse().unwrap();
    let mask6: Ipv6Addr = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff".parse().unwrap();
    assert!(
        tun.addresses.iter().any(|a| a.addr == IpAddr::V6(v6)
            && a.dst_addr == Some(IpAddr::V6(peer6))
            && a.netmask == Some(IpAddr::V6(mask6))),
        "{tun:#?}"
    );

    let br = &devices[4];
    assert!(!br.flags.is_up() && !br.flags.is_running());
    assert_eq!(br.flags.connection_status, ConnectionStatus::Disconnected);

    // The default device: the first up, non-loopback one.
    let default = pair.a.run(|| Device::lookup().unwrap());
    assert_eq!(default.map(|d| d.name), Some(VA.to_owned()));
}

/// tcpdump's `-D` (libpcap's own list) names the network devices in the same order; libpcap's
/// other sources (nflog, dbus, …), which ferrocap does not list, are left out of the comparison.
#[test]
fn order_agrees_with_tcpdump() {
    let Some(pair) = Pair::new() else { return };
    if Command::new("tcpdump").arg("--version").output().is_err() {
        eprintln!("notice: tcpdump not installed, skipping the comparison with libpcap");
        return;
    }
    furnish(&pair);
    let ours: Vec<String> = pair
        .a
        .run(|| Device::list().unwrap())
        .into_iter()
        .map(|d| {
            let bits = d.flags.bits();
            format!("{} {bits:#x}", d.name)
        })
        .collect();
    let out = pair.a.command("tcpdump").arg("-D").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    // "1.vA [Up, Running, Connected]": name and flag words back to libpcap's bits.
    let theirs: Vec<String> = text
        .lines()
        .filter_map(|line| {
            let rest = line.split_once('.')?.1;
            let name = rest.split([' ', '[']).next()?.to_owned();
            let flags = rest.rsplit_once('[')?.1.trim_end_matches(']');
            let mut bits = 0;
            let mut status = None;
            for word in flags.split(", ") {
                match word {
                    "Up" => bits |= 2,
                    "Running" => bits |= 4,
                    "Loopback" => bits |= 1,
                    "Wireless" => bits |= 8,
                    "Connected" => status = Some(0x10),
                    "Disconnected" => status = Some(0x20),
                    _ => {}
                }
            }
            // Loopback and `any` print no status: not applicable.
            let status = status.unwrap_or(if bits & 1 != 0 || name == "any" {
                0x30
            } else {
                0
            });
            Some(format!("{name} {:#x}", bits | status))
        })
        .filter(|l| {
            !["nflog ", "nfqueue ", "dbus-", "bluetooth", "usbmon"]
                .iter()
                .any(|source| l.starts_with(source))
        })
        .collect();
    assert_eq!(ours, theirs, "tcpdump -D:\n{text}");
}

#[test]
fn lookup_net_is_libpcaps() {
    let Some(pair) = Pair::new() else { return };
    furnish(&pair);
    let ip = |s: &str| s.parse::<Ipv4Addr>().unwrap();
    pair.a.run(|| {
        assert_eq!(
            lookup_net(VA).unwrap(),
            (ip("198.18.0.0"), ip("255.255.255.0"))
        );
        assert_eq!(
            lookup_net("vA:1").unwrap(),
            (ip("198.18.1.0"), ip("255.255.255.0"))
        );
        assert_eq!(
            lookup_net("lo").unwrap(),
            (ip("127.0.0.0"), ip("255.0.0.0"))
        );
        assert_eq!(
            lookup_net("tun0").unwrap(),
            (ip("198.18.2.1"), ip("255.255.255.255"))
        );
        assert_eq!(
            lookup_net("any").unwrap(),
            (Ipv4Addr::UNSPECIFIED, Ipv4Addr::UNSPECIFIED)
        );
        let e = lookup_net("br0").unwrap_err();
        assert!(e.to_string().contains("no IPv4 address assigned"), "{e}");
        assert!(matches!(
            lookup_net("nosuch0"),
            Err(Error::NoSuchDevice { .. })
        ));
    });
}
