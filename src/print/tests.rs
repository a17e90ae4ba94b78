//! Unit tests of the printer on hand-made packets; the expected lines are tcpdump 4.99.3's.

use super::*;

fn line(opts: Options, lt: Linktype, data: &[u8]) -> String {
    let mut p = Printer::new(opts);
    let mut s = String::new();
    p.write_packet(&mut s, lt, data, data.len() as u32).unwrap();
    s
}

fn n() -> Options {
    Options {
        numeric: true,
        ..Options::default()
    }
}

#[test]
fn invalid_headers() {
    assert!(!header_is_valid(0, 10));
    assert!(!header_is_valid(10, 5));
    assert!(header_is_valid(10, 10));
    let mut p = Printer::new(n());
    let mut s = String::new();
    p.write_packet(&mut s, Linktype::EN10MB, &[0; 10], 5)
        .unwrap();
    assert_eq!(s, "[Invalid header: len(5) < caplen(10)]");
}

#[test]
fn short_ethernet() {
    assert_eq!(line(n(), Linktype::EN10MB, &[0; 10]), " [|ether]");
}

/// Bytes from hex digits (whitespace ignored).
fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
        .collect()
}

#[test]
fn mac_names_without_numeric() {
    let mut e = Options {
        link_header: true,
        ..Options::default()
    };
    let mut frame = hex("ffffffffffff 00000c010203 88b5");
    frame.resize(60, 0);
    assert_eq!(
        line(e, Linktype::EN10MB, &frame),
        "00:00:0c:01:02:03 (oui Cisco) > Broadcast, ethertype Unknown (0x88b5), length 60: \n\
         \t0x0000:  0000 0000 0000 0000 0000 0000 0000 0000  ................\n\
         \t0x0010:  0000 0000 0000 0000 0000 0000 0000 0000  ................\n\
         \t0x0020:  0000 0000 0000 0000 0000 0000 0000       .............."
    );
    let mut arp = hex(
        "0080c2000000 001b21aabbcc 0806 0001 0800 0604 0002 001b21aabbcc c0000201 \
         00000c010203 c0000202",
    );
    arp.resize(60, 0);
    assert_eq!(
        line(e, Linktype::EN10MB, &arp),
        "00:1b:21:aa:bb:cc (oui DCBX) > 00:80:c2:00:00:00 (oui Ethernet bridged), ethertype ARP \
         (0x0806), length 60: Reply 192.0.2.1 is-at 00:1b:21:aa:bb:cc (oui DCBX), length 46"
    );
    e.numeric = true;
    assert!(line(e, Linktype::EN10MB, &frame)
        .starts_with("00:00:0c:01:02:03 > ff:ff:ff:ff:ff:ff, ethertype Unknown (0x88b5)"));
}

#[test]
fn protocol_keywords_without_numeric() {
    let pkt = hex("450000180001000040fdf5e4c0000201c0000202deadbeef");
    assert_eq!(
        line(Options::default(), Linktype::RAW, &pkt),
        "IP 192.0.2.1 > 192.0.2.2:  exptest-253 4"
    );
    assert_eq!(
        line(n(), Linktype::RAW, &pkt),
        "IP 192.0.2.1 > 192.0.2.2:  ip-proto-253 4"
    );
}

#[test]
fn ip_protocol_oddities() {
    let cases = [
        (
            "4500001800010000406cf675c0000201c00002020400beef",
            "IP 192.0.2.1 > 192.0.2.2: IPComp(cpi=0xbeef)",
        ),
        (
            "45000020000100004070f669c0000201c00002022101640001010000c0000201",
            "IP 192.0.2.1 > 192.0.2.2: VRRPv2, Advertisement, (ttl 64), vrid 1, prio 100, \
             authtype simple, intvl 1s, length 12",
        ),
        (
            "45000020000100004033f6a6c0000201c00002023b01beef0000000100000002",
            "IP 192.0.2.1 > 192.0.2.2: AH(reserved=0xbeef[MustBeZero],spi=0x00000001,seq=0x2,\
             icv=0x): no next header",
        ),
        (
            "600000000004014020010db8000000000000000000000001ff020000000000000000000000000005\
             deadbeef",
            "IP6 2001:db8::1 > ff02::5: [ICMP requires IPv4] (invalid)",
        ),
        (
            // Keyed MD5: tcpdump takes the 16-byte trailer off the length it prints.
            "45000034000100004059f66cc0000201c00002020201002c000000000000000000000002\
             00000000000000000000000000000000",
            "IP 192.0.2.1 > 192.0.2.2: OSPFv2, Hello, length 16",
        ),
    ];
    for (pkt, want) in cases {
        assert_eq!(line(n(), Linktype::RAW, &hex(pkt)), want);
    }
}

#[test]
fn verbose_ip_options_vrrp_and_igmp() {
    let v = |verbose| Options {
        numeric: true,
        verbose,
        ..Options::default()
    };
    let cases = [
        (
            1,
            "480000300001000040019b04c0000201c0000202440c0900000003e8000007d0\
             08006662000700016162636465666768",
            "IP (tos 0x0, ttl 64, id 1, offset 0, flags [none], proto ICMP (1), length 48, \
             options (timestamp TS{TSONLY 1000@ ^ 2000@}))\n    192.0.2.1 > 192.0.2.2: ICMP echo \
             request, id 7, seq 1, length 16",
        ),
        (
            1,
            "4500002c00010000ff70194dc0000201e000001221016402010ab8dbc0000264c0000265\
             7365637265740000",
            "IP (tos 0x0, ttl 255, id 1, offset 0, flags [none], proto VRRP (112), length 44)\n    \
             192.0.2.1 > 224.0.0.18: VRRPv2, Advertisement, vrid 1, prio 100, authtype simple, \
             intvl 10s, length 24, addrs(2): 192.0.2.100,192.0.2.101 auth \"secret\"",
        ),
        (
            1,
            "4500003000010000010217b4c0000201e0000016220046f60000000204000000effffffa\
             01000001e0000001c0000209",
            "IP (tos 0x0, ttl 1, id 1, offset 0, flags [none], proto IGMP (2), length 48)\n    \
             192.0.2.1 > 224.0.0.22: igmp v3 report, 2 group record(s) [gaddr 239.255.255.250 \
             to_ex, 0 source(s)] [gaddr 224.0.0.1 is_in, 1 source(s)]",
        ),
        (
            2,
            "4500003000010000010217b4c0000201e0000016220046f60000000204000000effffffa\
             01000001e0000001c0000209",
            "IP (tos 0x0, ttl 1, id 1, offset 0, flags [none], proto IGMP (2), length 48)\n    \
             192.0.2.1 > 224.0.0.22: igmp v3 report, 2 group record(s) [gaddr 239.255.255.250 \
             to_ex { }] [gaddr 224.0.0.1 is_in { 192.0.2.9 }]",
        ),
        (
            0,
            "4500002000010000010217d9c0000201e000000111ff0dffe000000100000000",
            "IP 192.0.2.1 > 224.0.0.1: igmp query v3 [max resp time 52m54s] [gaddr 224.0.0.1]",
        ),
    ];
    for (verbose, pkt, want) in cases {
        assert_eq!(line(v(verbose), Linktype::RAW, &hex(pkt)), want);
    }
}

#[test]
fn telnet_negotiation() {
    let mut o = n();
    o.absolute_seq = true;
    assert_eq!(
        line(
            o,
            Linktype::RAW,
            &hex(
                "45000034000100004006f6bfc0000201c000020200179c40000003e8000007d0501803e8\
                  00000000fffb01fffd03fffa1801fff0"
            )
        ),
        "IP 192.0.2.1.23 > 192.0.2.2.40000: Flags [P.], seq 1000:1012, ack 2000, win 1000, \
         length 12 [telnet WILL ECHO, DO SUPPRESS GO AHEAD, SB TERMINAL TYPE SEND SE]"
    );
    assert_eq!(
        line(
            o,
            Linktype::RAW,
            &hex(
                "4500002f000100004006f6c4c0000201c000020200179c40000003e8000007d0501803e8\
                  00000000fffa250001fff0"
            )
        ),
        "IP 192.0.2.1.23 > 192.0.2.2.40000: Flags [P.], seq 1000:1007, ack 2000, win 1000, \
         length 7 [telnet SB AUTHENTICATION IS KERBEROS_V4 SE]"
    );
}

#[test]
fn bfd_control_with_password() {
    let pkt = hex(
        "4500003d000100004011f6abc0000201c0000202c3500ec80029000020c405210000000100000000\
         000f4240000f424000000000010902736563726574",
    );
    assert_eq!(
        line(n(), Linktype::RAW, &pkt),
        "IP 192.0.2.1.50000 > 192.0.2.2.3784: BFDv1, Control, State Up, Flags: [Authentication \
         Present], length: 33"
    );
    let v = Options {
        numeric: true,
        verbose: 1,
        ..Options::default()
    };
    assert_eq!(
        line(v, Linktype::RAW, &pkt),
        "IP (tos 0x0, ttl 64, id 1, offset 0, flags [none], proto UDP (17), length 61)\n    \
         192.0.2.1.50000 > 192.0.2.2.3784: BFDv1, length: 33\n\
         \tControl, State Up, Flags: [Authentication Present], Diagnostic: No Diagnostic (0x00)\n\
         \tDetection Timer Multiplier: 5 (5000 ms Detection time), BFD Length: 33\n\
         \tMy Discriminator: 0x00000001, Your Discriminator: 0x00000000\n\
         \t  Desired min Tx Interval:    1000 ms\n\
         \t  Required min Rx Interval:   1000 ms\n\
         \t  Required min Echo Interval:    0 ms\n\
         \tAuthentication: Simple Password (1), length: 9\n\
         \t  Auth Key ID: 2, Password: secret"
    );
}

#[test]
fn dns_sections_with_vv() {
    let pkt = hex(
        "45000065000100004011f683c0000201c000020200350fa0005100001234818000010001000100010765\
         78616d706c6503636f6d0000010001c00c000100010000012c0004c6336407c00c00020001000001\
         2c0006026e73c00c00002904d0000000000000",
    );
    assert_eq!(
        line(n(), Linktype::RAW, &pkt),
        "IP 192.0.2.1.53 > 192.0.2.2.4000: 4660 1/1/1 A 198.51.100.7 (73)"
    );
    let vv = Options {
        numeric: true,
        verbose: 2,
        ..Options::default()
    };
    assert_eq!(
        line(vv, Linktype::RAW, &pkt),
        "IP (tos 0x0, ttl 64, id 1, offset 0, flags [none], proto UDP (17), length 101)\n    \
         192.0.2.1.53 > 192.0.2.2.4000: [no cksum] 4660 q: A? example.com. 1/1/1 example.com. \
         A 198.51.100.7 ns: example.com. NS ns.example.com. ar: . (73)"
    );
}

#[test]
fn segment_routing_header() {
    let pkt = hex(
        "6000000000342b4020010db8000000000000000000000001ff020000000000000000000000000005\
         11040401010000002001000000000000000000000000000a2001000000000000000000000000000b\
         0fa00035000c0000deadbeef",
    );
    assert_eq!(
        line(n(), Linktype::RAW, &pkt),
        "IP6 2001:db8::1 > ff02::5: RT6 (len=4, type=4, segleft=1, last-entry=1, tag=0, \
         [0]2001::a, [1]2001::b) 4000 > 53: domain [length 4 < 12] (invalid)"
    );
    let v = Options {
        numeric: true,
        verbose: 1,
        ..Options::default()
    };
    // The UDP checksum is computed over the first segment, the packet's final destination.
    assert_eq!(
        line(v, Linktype::RAW, &pkt),
        "IP6 (hlim 64, next-header Routing (43) payload length: 52) 2001:db8::1 > ff02::5: RT6 \
         (len=4, type=4, segleft=1, last-entry=1, flags=0x0, tag=0, [0]2001::a, [1]2001::b) \
         4000 > 53: [bad udp cksum 0x0000 -> 0x049f!] domain [length 4 < 12] (invalid)"
    );
}

#[test]
fn bad_tcp_option_after_another() {
    let mut o = n();
    o.absolute_seq = true;
    assert_eq!(
        line(
            o,
            Linktype::RAW,
            &hex(
                "4500002c000100004006f6c7c0000201c00002029c400050000003e8000007d0601003e8\
                  0000000001250000"
            )
        ),
        "IP 192.0.2.1.40000 > 192.0.2.2.80: Flags [.], ack 2000, win 1000, options [nop,[bad opt]]"
    );
}
