use super::*;

fn ok(s: &str) -> Expr {
    match parse(s) {
        Ok(Ast { expr: Some(e) }) => e,
        other => panic!("{s}: {other:?}"),
    }
}

fn err(s: &str) -> Error {
    match parse(s) {
        Err(e) => e,
        Ok(a) => panic!("{s} parsed: {a:?}"),
    }
}

/// A compact rendering of the tree for assertions: ids show their effective qualifiers.
fn show(e: &Expr) -> String {
    match &e.kind {
        ExprKind::And(v) => format!("and({})", v.iter().map(show).collect::<Vec<_>>().join(", ")),
        ExprKind::Or(v) => format!("or({})", v.iter().map(show).collect::<Vec<_>>().join(", ")),
        ExprKind::Not(x) => format!("not({})", show(x)),
        ExprKind::Paren(x) => format!("({})", show(x)),
        ExprKind::Id(id) => {
            let q = match &id.quals {
                None => "?".to_string(),
                Some(q) => [
                    q.proto.map(|p| p.value.as_str()),
                    q.dir.map(|d| d.value.as_str()),
                    q.addr.map(|a| a.value.as_str()),
                ]
                .iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(" "),
            };
            let v = match &id.id.value {
                Id::Name(n) => n.clone(),
                Id::Num(n) => n.to_string(),
                Id::Ipv4(s) => s.clone(),
                other => format!("{other:?}"),
            };
            format!("[{q}]{v}{}", if id.inherited { "^" } else { "" })
        }
        ExprKind::Proto(p) => p.value.as_str().to_string(),
        ExprKind::Relation { op, lhs, rhs } => {
            format!("{} {} {}", arith(lhs), op.value.as_str(), arith(rhs))
        }
        other => format!("{other:?}"),
    }
}

fn arith(a: &Arith) -> String {
    match &a.kind {
        ArithKind::Num(n) => n.to_string(),
        ArithKind::Len => "len".into(),
        ArithKind::Load { proto, index, size } => format!(
            "{}[{}{}]",
            proto.value.as_str(),
            arith(index),
            size.map_or(String::new(), |s| format!(":{}", s.value))
        ),
        ArithKind::Neg(x) => format!("-{}", arith(x)),
        ArithKind::Paren(x) => arith(x),
        ArithKind::Chain { first, rest } => {
            let mut s = arith(first);
            for (op, r) in rest {
                s = format!("({s} {} {})", op.value.as_str(), arith(r));
            }
            s
        }
    }
}

#[test]
fn conflicts_are_libpcaps() {
    let t = tables();
    // grammar.y.in declares `%expect 38`.
    assert_eq!((t.shift_reduce, t.reduce_reduce), (38, 0));
}

#[test]
fn empty() {
    assert_eq!(parse("").unwrap(), Ast { expr: None });
    assert_eq!(parse("  \t").unwrap(), Ast { expr: None });
}

#[test]
fn and_or_equal_precedence_left_assoc() {
    assert_eq!(show(&ok("tcp or udp and icmp")), "and(or(tcp, udp), icmp)");
    assert_eq!(show(&ok("tcp and udp or icmp")), "or(and(tcp, udp), icmp)");
    assert_eq!(show(&ok("tcp or udp or icmp")), "or(tcp, udp, icmp)");
    assert_eq!(show(&ok("not tcp and udp")), "and(not(tcp), udp)");
    assert_eq!(show(&ok("!tcp||udp&&icmp")), "and(or(not(tcp), udp), icmp)");
    assert_eq!(
        show(&ok("tcp and (udp or icmp)")),
        "and(tcp, (or(udp, icmp)))"
    );
}

#[test]
fn qualifier_inheritance() {
    assert_eq!(show(&ok("host a or b")), "or([host]a, [host]b^)");
    assert_eq!(
        show(&ok("tcp dst port 80 or 8080")),
        "or([tcp dst port]80, [tcp dst port]8080^)"
    );
    assert_eq!(show(&ok("not host a and b")), "and(not([host]a), [host]b^)");
    assert_eq!(
        show(&ok("host a and port 80 or 443")),
        "or(and([host]a, [port]80), [port]443^)"
    );
    assert_eq!(
        show(&ok("host a and tcp or b")),
        "or(and([host]a, tcp), [?]b^)"
    );
    assert_eq!(show(&ok("host (a or b)")), "(or([host]a, [host]b^))");
    assert_eq!(show(&ok("port (80 or 443)")), "(or([port]80, [port]443^))");
    assert_eq!(
        show(&ok("host a and (port 80) or 81")),
        "or(and([host]a, ([port]80)), [host]81^)"
    );
    assert_eq!(show(&ok("tcp or 80")), "or(tcp, [?]80^)");
    assert_eq!(show(&ok("host not a")), "not([host]a)");
    assert_eq!(show(&ok("src or dst host a")), "[src or dst host]a");
    assert_eq!(show(&ok("ip src 1.2.3.4")), "[ip src]1.2.3.4");
}

#[test]
fn arithmetic_precedence() {
    let rel = |s: &str| show(&ok(s));
    assert_eq!(rel("1 + 2 * 3 = 7"), "(1 + (2 * 3)) = 7");
    assert_eq!(rel("1 * 2 + 3 = 5"), "((1 * 2) + 3) = 5");
    assert_eq!(rel("1 - 2 - 3 = 0"), "((1 - 2) - 3) = 0");
    assert_eq!(rel("1 | 2 & 3 = 0"), "(1 | (2 & 3)) = 0");
    assert_eq!(rel("1 << 2 + 3 = 0"), "(1 << (2 + 3)) = 0");
    // '%' and '^' have no precedence: they bind rightward.
    assert_eq!(rel("10 % 3 * 2 = 4"), "(10 % (3 * 2)) = 4");
    assert_eq!(rel("2 * 3 % 4 = 6"), "(2 * (3 % 4)) = 6");
    assert_eq!(rel("1 + 2 ^ 3 = 2"), "(1 + (2 ^ 3)) = 2");
    assert_eq!(rel("3 ^ 1 | 2 = 0"), "(3 ^ (1 | 2)) = 0");
    assert_eq!(rel("10 % 4 % 3 = 0"), "(10 % (4 % 3)) = 0");
    assert_eq!(rel("- 2 ^ 1 = 0"), "-(2 ^ 1) = 0");
    assert_eq!(rel("-2 * 3 = 0"), "(-2 * 3) = 0");
    assert_eq!(rel("ip[2:2] - 20 > 0"), "(ip[2:2] - 20) > 0");
    assert_eq!(rel("tcp[tcpflags] & tcp-syn != 0"), "(tcp[13] & 2) != 0");
    assert_eq!(rel("(5) = 5"), "5 = 5");
    assert_eq!(rel("(len) > 5"), "len > 5");
    assert_eq!(rel("len <= 100"), "len <= 100");
}

#[test]
fn syntax_errors_point_at_the_token() {
    let e = err("tcp and");
    assert_eq!(
        (e.kind(), e.span()),
        (ErrorKind::UnexpectedEnd, Span::at(7))
    );
    let e = err("tcp udp");
    assert_eq!((e.kind(), e.text()), (ErrorKind::UnexpectedToken, "udp"));
    for bad in [
        "foo",
        "10",
        "192.0.2.1",
        "TCP",
        "host",
        "src",
        "src dst host 1",
        "tcp)",
        "()",
        "ip[0]",
        "len",
        "less",
        "byte 1",
        "ip proto tcp",
        "subtype 0",
        "pppoed 1234",
        "(len) or tcp",
        "src and host x",
        "host ((a or b) or c)",
        "ip[0] = ",
    ] {
        let e = err(bad);
        assert!(
            matches!(
                e.kind(),
                ErrorKind::UnexpectedToken | ErrorKind::UnexpectedEnd
            ),
            "{bad}: {e:?}"
        );
    }
}

#[test]
fn nesting_is_limited() {
    let deep = format!("{}tcp{}", "(".repeat(10_000), ")".repeat(10_000));
    assert_eq!(err(&deep).kind(), ErrorKind::TooDeep);
    let not = format!("{}tcp", "not ".repeat(10_000));
    assert_eq!(err(&not).kind(), ErrorKind::TooDeep);
    // Long flat chains are fine.
    let chain = vec!["host 10.0.0.1"; 2000].join(" or ");
    match ok(&chain).kind {
        ExprKind::Or(v) => assert_eq!(v.len(), 2000),
        other => panic!("{other:?}"),
    }
    let sum = format!("len = {}", vec!["1"; 3000].join(" + "));
    assert!(parse(&sum).is_ok());
}
