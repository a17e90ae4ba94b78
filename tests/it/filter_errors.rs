//! Every kind of filter error, with its message and the span it points at (the caret line
//! of `Display`), through the public `compile`.

use ferrocap::filter::{self, ErrorKind, Options};
use ferrocap::Linktype;

/// `(expression, link type, kind, text under the span, words of the message)`.
const CASES: &[(&str, Linktype, ErrorKind, &str, &str)] = &[
    ("tcp _", Linktype::EN10MB, ErrorKind::InvalidCharacter, "_", "unexpected character"),
    ("len > 4294967296", Linktype::EN10MB, ErrorKind::NumberOverflow, "4294967296", "number 4294967296 overflows 32 bits"),
    ("port 080", Linktype::EN10MB, ErrorKind::NonOctalDigit, "080", "number 080 contains non-octal digit"),
    ("host 12.500", Linktype::EN10MB, ErrorKind::InvalidIpv4Address, "12.500", "invalid IPv4 address '12.500'"),
    ("host ::1.2.3.04", Linktype::EN10MB, ErrorKind::InvalidIpv6Address, "::1.2.3.04", "bogus IPv6 address ::1.2.3.04"),
    ("ether host 0:1:2:3:", Linktype::EN10MB, ErrorKind::InvalidMacAddress, "0:1:2:3:", "bogus ethernet address 0:1:2:3:"),
    ("decnet host 0x1.2", Linktype::EN10MB, ErrorKind::InvalidDecnetAddress, "0x1.2", "malformed decnet address '0x1.2'"),
    ("tcp udp", Linktype::EN10MB, ErrorKind::UnexpectedToken, "udp", "syntax error"),
    ("tcp and", Linktype::EN10MB, ErrorKind::UnexpectedEnd, "", "unexpected end of expression"),
    ("tcp or 80", Linktype::EN10MB, ErrorKind::MissingQualifier, "80", "syntax error in filter expression"),
    ("tcp host 10.0.0.1", Linktype::EN10MB, ErrorKind::InvalidQualifier, "10.0.0.1", "'tcp' modifier applied to host"),
    ("port 99999", Linktype::EN10MB, ErrorKind::OutOfRange, "99999", "illegal port number 99999 > 65535"),
    ("net 10.0.0.1/8", Linktype::EN10MB, ErrorKind::NonNetworkBits, "10.0.0.1/8", "non-network bits set in \"10.0.0.1/8\""),
    ("ether proto \\nosuch", Linktype::EN10MB, ErrorKind::UnknownName, "\\nosuch", "unknown ether proto 'nosuch'"),
    ("host example.com", Linktype::EN10MB, ErrorKind::LookupsDisabled, "example.com", "name lookups are disabled"),
    ("len / 0 > 1", Linktype::EN10MB, ErrorKind::InvalidArithmetic, "0", "division by zero"),
    ("gateway foo", Linktype::EN10MB, ErrorKind::Unsupported, "foo", "'gateway' not supported in this configuration"),
    ("vpi 1", Linktype::EN10MB, ErrorKind::UnsupportedLinktype, "vpi 1", "'vpi' supported only on raw ATM"),
    ("vlan 10", Linktype::RAW, ErrorKind::UnsupportedLinktype, "vlan 10", "no VLAN support for"),
    ("inbound", Linktype::RAW, ErrorKind::UnsupportedLinktype, "inbound", "inbound/outbound not supported"),
    (
        "ip[0]+(ip[1]+(ip[2]+(ip[3]+(ip[4]+(ip[5]+(ip[6]+(ip[7]+(ip[8]+(ip[9]+(ip[10]+(ip[11]+(ip[12]+(ip[13]+(ip[14]+(ip[15]+(ip[16]))))))))))))))))=0",
        Linktype::EN10MB,
        ErrorKind::TooManyRegisters,
        "",
        "too many registers needed to evaluate expression",
    ),
];

#[test]
fn every_error_kind_names_the_problem_and_points_at_it() {
    for &(expr, lt, kind, text, words) in CASES {
        let e = Options::new(lt)
            .context(filter::Context::Savefile { swapped: false })
            .compile(expr)
            .unwrap_err();
        assert_eq!(e.kind(), kind, "{expr}: {e}");
        assert!(e.message().contains(words), "{expr}: {e}");
        if !text.is_empty() {
            assert_eq!(e.text(), text, "{expr}: {e}");
        }
        assert_eq!(e.expression(), expr);
        // Display: message, expression, carets under the span.
        let shown = e.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines.len(), 3, "{shown}");
        assert_eq!(lines[0], e.message());
        if expr.len() <= 120 {
            assert_eq!(lines[1], expr);
            let col = lines[2].find('^').expect("a caret");
            assert_eq!(col, expr[..e.span().start].chars().count(), "{shown}");
        }
    }
}

#[test]
fn whole_program_errors() {
    let e = filter::compile("tcp", Linktype::EN10MB, 0, true, 0).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RejectsAll);
    assert_eq!(e.message(), "snaplen of 0 rejects all packets");
    let e = filter::compile(
        "ip broadcast",
        Linktype::EN10MB,
        262144,
        true,
        filter::NETMASK_UNKNOWN,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NoNetmask);
    assert_eq!(e.text(), "ip broadcast");
    let long = "a ".repeat(70_000);
    let e = filter::compile(&long, Linktype::EN10MB, 262144, true, 0).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TooLong);
    let deep = format!("{}tcp{}", "(".repeat(1000), ")".repeat(1000));
    let e = filter::compile(&deep, Linktype::EN10MB, 262144, true, 0).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TooDeep);
    // More instructions than the budget: a long host list on 802.11 radiotap, unoptimized.
    let hosts = vec!["host 10.0.0.1"; 2000].join(" or ");
    let e = Options::new(Linktype::IEEE802_11_RADIO)
        .optimize(false)
        .compile(&hosts)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TooLarge, "{e}");
}
