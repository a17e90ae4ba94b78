//! Name lookups: `netdb::Netdb` over libpcap's fixture name files gives what libpcap's lookups
//! gave (`../shared/filters/reference/resolver.txt`, for `fixtures/lookups.txt`), in order.

use crate::common::shared_dir;
use ferrocap::filter::resolve::{resolve, ExprKind, PortProto, PrimKind};
use ferrocap::filter::{parse, Resolver, ETHER_PROTOCOLS};
use ferrocap::netdb::{Database, Netdb};
use std::path::Path;

/// The fixtures, with the system's services and protocols (what the reference was made with:
/// Debian's netbase), or `None` when this machine has none.
pub fn fixture_netdb(shared: &Path) -> Option<Netdb> {
    let fixtures = shared.join("filters/fixtures");
    let mut db = Netdb::from_dir(&fixtures);
    for (d, path) in [
        (Database::Services, "/etc/services"),
        (Database::Protocols, "/etc/protocols"),
    ] {
        if !Path::new(path).exists() {
            eprintln!("notice: {path} missing, skipping the lookups that need it");
            return None;
        }
        db = db.with_file(d, path);
    }
    Some(db)
}

/// `port NAME` as the compiler resolves it: (port, protocol) or `None`.
fn port(db: &Netdb, name: &str) -> Option<(u16, PortProto)> {
    let expr = format!("port \\{name}");
    let ast = parse(&expr).ok()?;
    let f = resolve(&ast, &expr, db).ok()?;
    match f.expr?.kind {
        ExprKind::Prim(p) => match p.kind {
            PrimKind::Port { proto, port, .. } => Some((port, proto)),
            _ => None,
        },
        _ => None,
    }
}

#[test]
fn fixture_lookups_give_libpcaps_results() {
    let Some(shared) = shared_dir() else { return };
    let Some(db) = fixture_netdb(&shared) else {
        return;
    };
    let text = std::fs::read_to_string(shared.join("filters/reference/resolver.txt"))
        .expect("resolver.txt");
    let mut checked = 0;
    for line in text.lines() {
        let Some((query, want)) = line.split_once(" -> ") else {
            continue;
        };
        let (kind, name) = query.split_once(' ').expect("kind name");
        let got = match kind {
            "host" => {
                let addrs = db.host(name).unwrap();
                if addrs.is_empty() {
                    "NONE".to_string()
                } else {
                    addrs
                        .iter()
                        .map(|a| a.to_string())
                        .collect::<Vec<_>>()
                        .join(" ")
                }
            }
            "net" => format!("0x{:08x}", db.network(name).unwrap().unwrap_or(0)),
            "ether" => match db.ether_host(name).unwrap() {
                Some(m) => m
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<Vec<_>>()
                    .join(":"),
                None => "NONE".to_string(),
            },
            "port" => match port(&db, name) {
                None => "NONE".to_string(),
                Some((p, PortProto::Tcp)) => format!("{p} tcp"),
                Some((p, PortProto::Udp)) => format!("{p} udp"),
                Some((p, PortProto::Sctp)) => format!("{p} sctp"),
                Some((p, PortProto::Any)) => format!("{p} any(tcp+udp+sctp)"),
            },
            "proto" => match db.protocol(name).unwrap() {
                Some(n) => n.to_string(),
                None => "-1".to_string(),
            },
            "eproto" => match ETHER_PROTOCOLS.iter().find(|(n, _)| *n == name) {
                Some((_, v)) => format!("0x{v:04x}"),
                None => "0xffffffff".to_string(),
            },
            other => panic!("unknown lookup kind {other}"),
        };
        assert_eq!(got, want, "{query}");
        checked += 1;
    }
    println!("{checked} lookups agree with libpcap's");
    // Every query of lookups.txt has its answer in resolver.txt.
    let queries = std::fs::read_to_string(shared.join("filters/fixtures/lookups.txt"))
        .expect("lookups.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .count();
    assert_eq!(checked, queries);
}

#[test]
fn system_netdb_reads_etc() {
    // Whatever this machine has, lookups never fail and numbers need no lookup.
    let db = Netdb::system();
    let _ = db
        .service("http", ferrocap::filter::Transport::Tcp)
        .unwrap();
    let _ = db.network("loopback").unwrap();
    let expr = "host \\127.0.0.1";
    let f = resolve(&parse(expr).unwrap(), expr, &db).unwrap();
    assert!(f.expr.is_some());
    assert!(!db.host("localhost").unwrap().is_empty());
}
