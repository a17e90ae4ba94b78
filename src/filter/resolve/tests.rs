use super::*;
use crate::filter::{parse, NoLookups};

fn res(s: &str) -> Result<Filter, Error> {
    resolve(&parse(s)?, s, &NoLookups)
}

fn prim(s: &str) -> PrimKind {
    match res(s) {
        Ok(Filter {
            expr:
                Some(Expr {
                    kind: ExprKind::Prim(p),
                    ..
                }),
        }) => p.kind,
        other => panic!("{s}: {other:?}"),
    }
}

fn err(s: &str) -> Error {
    match res(s) {
        Err(e) => e,
        Ok(f) => panic!("{s} resolved: {f:?}"),
    }
}

fn v4(addr: u32, mask: u32) -> Vec<IpNet> {
    vec![IpNet::V4 { addr, mask }]
}

#[test]
fn hosts_and_nets() {
    let host = |proto, dir, nets| {
        PrimKind::Host(Host {
            proto,
            dir,
            nets,
            by_host_name: None,
        })
    };
    use HostProto as H;
    assert_eq!(
        prim("host 10.0.0.1"),
        host(H::Default, Dir::SrcOrDst, v4(0x0a00_0001, !0))
    );
    assert_eq!(
        prim("host 10.1"),
        host(H::Default, Dir::SrcOrDst, v4(0x0a01_0000, 0xffff_0000))
    );
    assert_eq!(prim("host 10"), host(H::Default, Dir::SrcOrDst, v4(10, !0)));
    assert_eq!(
        prim("net 10"),
        host(H::Default, Dir::SrcOrDst, v4(0x0a00_0000, 0xff00_0000))
    );
    assert_eq!(
        prim("ip src net 10.1.0.0/16"),
        host(H::Ip, Dir::Src, v4(0x0a01_0000, 0xffff_0000))
    );
    assert_eq!(
        prim("arp dst net 10.1.0.0 mask 255.255.0.0"),
        host(H::Arp, Dir::Dst, v4(0x0a01_0000, 0xffff_0000))
    );
    assert_eq!(
        prim("src and dst host 010.001.002.003"),
        host(H::Default, Dir::SrcAndDst, v4(0x0a01_0203, !0))
    );
    assert_eq!(
        prim("ip6 net 2001:db8::/32"),
        host(
            H::Ip6,
            Dir::SrcOrDst,
            vec![IpNet::V6 {
                addr: "2001:db8::".parse::<Ipv6Addr>().unwrap().octets(),
                prefix: 32
            }]
        )
    );
    assert_eq!(
        prim("decnet host 1.2"),
        PrimKind::Decnet {
            dir: Dir::SrcOrDst,
            addr: 1 << 10 | 2
        }
    );
    assert_eq!(
        prim("decnet src host 7"),
        PrimKind::Decnet {
            dir: Dir::Src,
            addr: 7
        }
    );
    assert_eq!(
        prim("ether src 00:11:22:33:44:55"),
        PrimKind::LinkHost {
            dir: MacDir::Src,
            addr: [0, 0x11, 0x22, 0x33, 0x44, 0x55],
            by_name: false
        }
    );
    assert_eq!(
        prim("wlan addr2 ffffffffffff"),
        PrimKind::LinkHost {
            dir: MacDir::Addr2,
            addr: [0xff; 6],
            by_name: false
        }
    );
    assert_eq!(
        prim("link host $1a"),
        PrimKind::Arcnet {
            dir: Dir::SrcOrDst,
            addr: 0x1a
        }
    );
    // Numeric names need no lookup.
    assert_eq!(
        prim("host \\192.0.2.1"),
        PrimKind::Host(Host {
            proto: H::Default,
            dir: Dir::SrcOrDst,
            nets: v4(0xc000_0201, !0),
            by_host_name: Some("192.0.2.1".into())
        })
    );
}

#[test]
fn ports_protos_and_others() {
    assert_eq!(
        prim("port 80"),
        PrimKind::Port {
            proto: PortProto::Any,
            dir: Dir::SrcOrDst,
            port: 80
        }
    );
    assert_eq!(
        prim("tcp dst port 0x50"),
        PrimKind::Port {
            proto: PortProto::Tcp,
            dir: Dir::Dst,
            port: 80
        }
    );
    assert_eq!(
        prim("port \\80"),
        PrimKind::Port {
            proto: PortProto::Any,
            dir: Dir::SrcOrDst,
            port: 80
        }
    );
    assert_eq!(
        prim("udp portrange 1024-1000"),
        PrimKind::PortRange {
            proto: PortProto::Udp,
            dir: Dir::SrcOrDst,
            low: 1000,
            high: 1024
        }
    );
    assert_eq!(
        prim("ip proto 6"),
        PrimKind::Proto {
            layer: ProtoLayer::Ip,
            proto: 6
        }
    );
    assert_eq!(
        prim("ether proto \\ip6"),
        PrimKind::Proto {
            layer: ProtoLayer::Link,
            proto: 0x86dd
        }
    );
    assert_eq!(
        prim("iso proto \\isis"),
        PrimKind::Proto {
            layer: ProtoLayer::Iso,
            proto: 0x83
        }
    );
    assert_eq!(
        prim("ip6 protochain 44"),
        PrimKind::Protochain {
            family: Family::Ip6,
            proto: 44
        }
    );
    assert_eq!(prim("tcp"), PrimKind::Abbrev(ProtoName::Tcp));
    assert_eq!(prim("vlan 100"), PrimKind::Vlan(Some(100)));
    assert_eq!(
        prim("wlan type mgt subtype beacon"),
        PrimKind::WlanType {
            value: 0x80,
            mask: 0xfc
        }
    );
    assert_eq!(
        prim("subtype qos-data"),
        PrimKind::WlanType {
            value: 0x88,
            mask: 0xfc
        }
    );
    assert_eq!(
        prim("type data"),
        PrimKind::WlanType {
            value: 0x08,
            mask: 0x0c
        }
    );
    assert_eq!(prim("dir FromDS"), PrimKind::WlanDir(2));
    assert_eq!(prim("llc rnr"), PrimKind::Llc(Llc::SSubtype(5)));
    assert_eq!(prim("llc rulenum"), PrimKind::Llc(Llc::SSubtype(5)));
    assert_eq!(prim("llc UI"), PrimKind::Llc(Llc::USubtype(3)));
    assert_eq!(prim("reason bad-offset"), PrimKind::PfReason(1));
    assert_eq!(prim("action block"), PrimKind::PfAction(1));
    assert_eq!(prim("ip multicast"), PrimKind::Multicast(CastLayer::Ip));
    assert_eq!(
        prim("ether broadcast"),
        PrimKind::Broadcast(CastLayer::Link)
    );
    match res("vpi (1 or 2)").unwrap().expr.unwrap().kind {
        ExprKind::Or(v) => assert_eq!(v.len(), 2),
        other => panic!("{other:?}"),
    }
}

#[test]
fn arithmetic() {
    match prim("tcp[tcpflags] & (tcp-syn|tcp-ack) != 0") {
        PrimKind::Relation {
            op: RelOp::Ne,
            lhs,
            rhs,
        } => {
            assert_eq!(rhs.kind, ArithKind::Num(0));
            match lhs.kind {
                ArithKind::Chain { first, rest } => {
                    assert!(matches!(
                        first.kind,
                        ArithKind::Load {
                            proto: ProtoName::Tcp,
                            size: 1,
                            ..
                        }
                    ));
                    assert_eq!(rest.len(), 1);
                    assert_eq!(rest[0].0, ArithOp::And);
                }
                other => panic!("{other:?}"),
            }
        }
        other => panic!("{other:?}"),
    }
    // libpcap's parse-time check looks at the first instruction of the right operand.
    for (s, msg) in [
        ("len / 0 = 1", "division by zero"),
        ("len % 0 = 1", "modulus by zero"),
        ("len << 32 = 1", "shift by more than 31 bits"),
        ("len / (0 + 1) = 1", "division by zero"),
        ("len >> (32 - 1) = 1", "shift by more than 31 bits"),
    ] {
        let e = err(s);
        assert_eq!(
            (e.kind(), e.message()),
            (ErrorKind::InvalidArithmetic, msg),
            "{s}"
        );
    }
    assert!(res("len / (1 - 1) = 1").is_ok());
    assert!(res("len / len = 1").is_ok());
}

#[test]
fn errors_name_the_problem_and_point_at_it() {
    let cases: &[(&str, ErrorKind, &str, &str)] = &[
        ("tcp or 80", ErrorKind::MissingQualifier, "80", "needs a qualifier"),
        ("tcp host 10.0.0.1", ErrorKind::InvalidQualifier, "10.0.0.1", "'tcp' modifier applied to host"),
        ("tcp net 10", ErrorKind::InvalidQualifier, "10", "'tcp' modifier applied to net"),
        ("ip6 host 10.0.0.1", ErrorKind::InvalidQualifier, "10.0.0.1", "'ip6' modifier applied to ip host"),
        ("ip host ::1", ErrorKind::InvalidQualifier, "::1", "'ip' modifier applied to ip6 host"),
        ("atalk host 1.2.3.4", ErrorKind::InvalidQualifier, "1.2.3.4", "AppleTalk host filtering not implemented"),
        ("port 1.2.3.4", ErrorKind::InvalidQualifier, "1.2.3.4", "'port' modifier applied to ip host"),
        ("host 12.500", ErrorKind::InvalidIpv4Address, "12.500", "invalid IPv4 address '12.500'"),
        ("host 0x0a.1.2.3", ErrorKind::InvalidIpv4Address, "0x0a.1.2.3", "invalid IPv4 address"),
        ("host 10.0.0.0/8", ErrorKind::InvalidQualifier, "10.0.0.0/8", "Mask syntax for networks only"),
        ("net 10.0.0.1/8", ErrorKind::NonNetworkBits, "10.0.0.1/8", "non-network bits set in \"10.0.0.1/8\""),
        ("net 10.0.0.0/33", ErrorKind::OutOfRange, "33", "mask length must be <= 32"),
        ("net ::1/129", ErrorKind::OutOfRange, "129", "mask length must be <= 128"),
        ("host ::/64", ErrorKind::InvalidQualifier, "::/64", "Mask syntax for networks only"),
        ("port ::1", ErrorKind::InvalidQualifier, "::1", "invalid qualifier against IPv6 address"),
        ("host 00:11:22:33:44:55", ErrorKind::InvalidQualifier, "00:11:22:33:44:55", "ethernet address used in non-ether expression"),
        ("ether host 10.0.0.1", ErrorKind::InvalidQualifier, "10.0.0.1", "illegal link layer address"),
        ("port 99999", ErrorKind::OutOfRange, "99999", "illegal port number 99999 > 65535"),
        ("ip port 80", ErrorKind::InvalidQualifier, "80", "illegal qualifier of 'port'"),
        ("icmp portrange 80", ErrorKind::InvalidQualifier, "80", "illegal qualifier of 'portrange'"),
        ("tcp proto 6", ErrorKind::InvalidQualifier, "6", "'tcp proto' is bogus"),
        ("arp proto 6", ErrorKind::InvalidQualifier, "6", "arp does not encapsulate another protocol"),
        ("tcp protochain 6", ErrorKind::InvalidQualifier, "6", "bad protocol applied for 'protochain'"),
        ("gateway 10.0.0.1", ErrorKind::InvalidQualifier, "10.0.0.1", "'gateway' requires a name"),
        ("gateway foo", ErrorKind::Unsupported, "foo", "'gateway' not supported in this configuration"),
        ("src or dst host ::1 and addr1 host 1.2.3.4", ErrorKind::InvalidQualifier, "addr1", "'addr1' and 'address1' are not valid qualifiers for addresses other than 802.11 MAC addresses"),
        ("ra port 80", ErrorKind::InvalidQualifier, "ra", "'ra' is not a valid qualifier for ports"),
        ("link", ErrorKind::InvalidQualifier, "link", "link layer applied in wrong context"),
        ("radio", ErrorKind::InvalidQualifier, "radio", "'radio' is not a valid protocol type"),
        ("esp[0] = 1", ErrorKind::InvalidQualifier, "esp", "unsupported index operation"),
        ("ip[0:3] = 1", ErrorKind::OutOfRange, "3", "data size must be 1, 2, or 4"),
        ("vlan 4096", ErrorKind::OutOfRange, "4096", "VLAN tag 4096 greater than maximum 4095"),
        ("mpls 1048576", ErrorKind::OutOfRange, "1048576", "MPLS label 1048576 greater than maximum 1048575"),
        ("pppoes 65536", ErrorKind::OutOfRange, "65536", "PPPoE session number 65536 greater than maximum 65535"),
        ("geneve 16777216", ErrorKind::OutOfRange, "16777216", "Geneve VNI 16777216 greater than maximum 16777215"),
        ("sio 256", ErrorKind::OutOfRange, "256", "sio value 256 too big; max value = 255"),
        ("ifname abcdefghijklmnop", ErrorKind::OutOfRange, "abcdefghijklmnop", "ifname interface names can only be 15 characters"),
        ("reason foo", ErrorKind::UnknownName, "foo", "unknown PF reason \"foo\""),
        ("action foo", ErrorKind::UnknownName, "foo", "unknown PF action \"foo\""),
        ("type 3", ErrorKind::OutOfRange, "3", "invalid 802.11 type value 0x03"),
        ("type foo", ErrorKind::UnknownName, "foo", "unknown 802.11 type name \"foo\""),
        ("type mgt subtype 1", ErrorKind::OutOfRange, "1", "invalid 802.11 subtype value 0x01"),
        ("type mgt subtype rts", ErrorKind::UnknownName, "rts", "unknown 802.11 subtype name \"rts\""),
        ("subtype foo", ErrorKind::UnknownName, "foo", "unknown 802.11 type name"),
        ("dir foo", ErrorKind::UnknownName, "foo", "unknown 802.11 direction"),
        ("llc foo", ErrorKind::UnknownName, "foo", "unknown LLC type name \"foo\""),
        ("ether proto \\foo", ErrorKind::UnknownName, "\\foo", "unknown ether proto 'foo'"),
        ("iso proto \\foo", ErrorKind::UnknownName, "\\foo", "unknown osi proto 'foo'"),
        ("tcp multicast", ErrorKind::InvalidQualifier, "tcp multicast", "link-layer multicast filters supported only on"),
        ("tcp broadcast", ErrorKind::InvalidQualifier, "tcp broadcast", "only link-layer/IP broadcast filters supported"),
        ("decnet host 0x1.2", ErrorKind::InvalidDecnetAddress, "0x1.2", "malformed decnet address"),
        ("decnet host foo", ErrorKind::Unsupported, "foo", "decnet name support not included"),
        ("host foo", ErrorKind::LookupsDisabled, "foo", "name lookups are disabled"),
        ("host $1a", ErrorKind::InvalidQualifier, "$1a", "ARCnet address used in non-arc expression"),
    ];
    for (expr, kind, text, msg) in cases {
        let e = err(expr);
        assert_eq!(e.kind(), *kind, "{expr}: {e}");
        assert_eq!(e.text(), *text, "{expr}: {e}");
        assert!(e.message().contains(msg), "{expr}: {e}");
    }
}

#[test]
fn inet_aton_forms() {
    assert_eq!(inet_aton("10"), Some(10));
    assert_eq!(inet_aton("10.1"), Some(0x0a00_0001));
    assert_eq!(inet_aton("10.1.2"), Some(0x0a01_0002));
    assert_eq!(inet_aton("0x0a.010.1.2"), Some(0x0a08_0102));
    assert_eq!(inet_aton("256.1.1.1"), None);
    assert_eq!(inet_aton("1.2.3.4.5"), None);
    assert_eq!(inet_aton("a.b"), None);
    assert_eq!(atoin("12.500"), None);
    assert_eq!(atoin("192.0.2.1"), Some((0xc000_0201, 32)));
    assert_eq!(atodn("1.2"), Some(0x402));
    assert_eq!(scan_range("1-1024"), Some((1, 1024)));
    assert_eq!(scan_range("ftp-data"), None);
    assert_eq!(numeric_service("70000"), Some(4464));
}
