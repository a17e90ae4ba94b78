//! Code generation checked against libpcap 1.10.3: resolved trees built by hand, compiled
//! without optimization, compared instruction for instruction with libpcap's unoptimized
//! programs (`../shared/filters/reference/<DLT>.unopt.txt`), and, where libpcap's layout of
//! jumps inside blocks differs from ours, compared by verdicts on packets.

use super::lower::{lower, program};
use crate::bpf::{Instruction, Program, Rules};
use crate::filter::ast::{ArithOp, ByteOp, ProtoName, RelOp};
use crate::filter::emit;
use crate::filter::resolve::*;
use crate::filter::{Context, Span, Target};
use crate::linktype::Linktype;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

// ---- the reference files ------------------------------------------------------------------------

/// `../shared/filters/reference`, or `None` (with a notice; a failure under `CI=true`).
fn reference_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/filters/reference");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{} is missing: CI must provide ../shared", dir.display());
    }
    eprintln!("notice: {} not found, skipping", dir.display());
    None
}

/// One `{ 0x28, 0, 0, 0x0000000c },` line.
fn dd_line(line: &str) -> Option<Instruction> {
    let body = line
        .trim()
        .strip_prefix('{')?
        .trim_end_matches(',')
        .strip_suffix('}')?;
    let mut f = body.split(',').map(|t| {
        let t = t.trim();
        match t.strip_prefix("0x") {
            Some(h) => u64::from_str_radix(h, 16).ok(),
            None => t.parse().ok(),
        }
    });
    let (c, jt, jf, k) = (f.next()??, f.next()??, f.next()??, f.next()??);
    Some(Instruction::new(c as u16, jt as u8, jf as u8, k as u32))
}

/// expression → program (`None` = libpcap's error).
type Records = HashMap<String, Option<Vec<Instruction>>>;

/// The records of a reference file.
fn records(name: &str) -> Option<&'static Records> {
    static CACHE: OnceLock<std::sync::Mutex<HashMap<String, &'static Records>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut c = cache.lock().ok()?;
    if let Some(m) = c.get(name) {
        return Some(m);
    }
    let dir = reference_dir()?;
    let text = std::fs::read_to_string(dir.join(name)).ok()?;
    let mut map = HashMap::new();
    let mut cur: Option<(String, Option<Vec<Instruction>>)> = None;
    for line in text.split('\n') {
        if let Some(e) = line.strip_prefix("### ") {
            if let Some((k, v)) = cur.take() {
                map.entry(k).or_insert(v);
            }
            cur = Some((e.to_owned(), Some(Vec::new())));
        } else if let Some((_, prog)) = cur.as_mut() {
            if line.starts_with('{') {
                if let (Some(p), Some(i)) = (prog.as_mut(), dd_line(line)) {
                    p.push(i);
                }
            } else if line.starts_with("ERROR") {
                *prog = None;
            }
        }
    }
    if let Some((k, v)) = cur.take() {
        map.entry(k).or_insert(v);
    }
    let leaked: &'static HashMap<_, _> = Box::leak(Box::new(map));
    c.insert(name.to_owned(), leaked);
    Some(leaked)
}

// ---- building resolved trees --------------------------------------------------------------------

const SP: Span = Span::new(0, 0);

fn p(kind: PrimKind) -> Expr {
    Expr {
        kind: ExprKind::Prim(Prim { kind, span: SP }),
        span: SP,
    }
}
fn and(v: Vec<Expr>) -> Expr {
    Expr {
        kind: ExprKind::And(v),
        span: SP,
    }
}
fn or(v: Vec<Expr>) -> Expr {
    Expr {
        kind: ExprKind::Or(v),
        span: SP,
    }
}
fn not(e: Expr) -> Expr {
    Expr {
        kind: ExprKind::Not(Box::new(e)),
        span: SP,
    }
}
fn ab(n: ProtoName) -> Expr {
    p(PrimKind::Abbrev(n))
}
fn host4(proto: HostProto, dir: Dir, addr: u32, mask: u32) -> Expr {
    p(PrimKind::Host(Host {
        proto,
        dir,
        nets: vec![IpNet::V4 { addr, mask }],
        by_host_name: None,
    }))
}
fn host6(dir: Dir, text: &str, prefix: u8) -> Expr {
    let a: std::net::Ipv6Addr = text.parse().unwrap();
    p(PrimKind::Host(Host {
        proto: HostProto::Default,
        dir,
        nets: vec![IpNet::V6 {
            addr: a.octets(),
            prefix,
        }],
        by_host_name: None,
    }))
}
fn port(proto: PortProto, dir: Dir, n: u16) -> Expr {
    p(PrimKind::Port {
        proto,
        dir,
        port: n,
    })
}
fn num(v: u32) -> Arith {
    Arith {
        kind: ArithKind::Num(v),
        span: SP,
    }
}
fn load(proto: ProtoName, index: Arith, size: u8) -> Arith {
    Arith {
        kind: ArithKind::Load {
            proto,
            index: Box::new(index),
            size,
        },
        span: SP,
    }
}
fn chain(first: Arith, rest: Vec<(ArithOp, Arith)>) -> Arith {
    Arith {
        kind: ArithKind::Chain {
            first: Box::new(first),
            rest,
        },
        span: SP,
    }
}
fn rel(op: RelOp, lhs: Arith, rhs: Arith) -> Expr {
    p(PrimKind::Relation { op, lhs, rhs })
}

fn target(lt: Linktype) -> Target {
    Target {
        linktype: lt,
        snaplen: 262144,
        netmask: 0,
        context: Context::Dead,
    }
}

fn unopt(lt: Linktype, ctx: Context, e: Expr) -> Vec<Instruction> {
    let t = Target {
        context: ctx,
        ..target(lt)
    };
    let f = Filter { expr: Some(e) };
    let fin = lower(&f, &t, "").unwrap_or_else(|e| panic!("{e}"));
    emit::instructions(&fin.cfg).unwrap()
}

/// Compares with the reference exactly.
fn same(file: &str, lt: Linktype, expr: &str, e: Expr) {
    let Some(refs) = records(file) else { return };
    let want = refs
        .get(expr)
        .unwrap_or_else(|| panic!("{expr:?} not in {file}"))
        .clone()
        .unwrap_or_else(|| panic!("{expr:?} is an error in {file}"));
    let got = unopt(lt, Context::Dead, e);
    assert_eq!(got, want, "{file}: {expr}");
}

/// Deterministic pseudo-random bytes.
fn rng(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// Compares with the reference by verdicts on packets: the captures of ../shared filled with
/// mutations of the bytes filters read.
fn same_verdicts(file: &str, lt: Linktype, ctx: Context, expr: &str, e: Expr, packets: &[Vec<u8>]) {
    let Some(refs) = records(file) else { return };
    let want = refs
        .get(expr)
        .unwrap_or_else(|| panic!("{expr:?} not in {file}"))
        .clone()
        .unwrap_or_else(|| panic!("{expr:?} is an error in {file}"));
    let theirs = Program::with_rules(want.clone(), Rules::Libpcap).unwrap();
    let got = unopt(lt, ctx, e);
    let ours = Program::with_rules(got.clone(), emit::rules_for(&got)).unwrap();
    for pkt in packets {
        assert_eq!(
            ours.run(pkt, pkt.len() as u32),
            theirs.run(pkt, pkt.len() as u32),
            "{file}: {expr}\npacket {pkt:02x?}\nours {}\ntheirs {}",
            crate::bpf::dump(&got, crate::bpf::Format::Asm),
            crate::bpf::dump(&want, crate::bpf::Format::Asm)
        );
    }
}

/// Random packets shaped to reach deep into the tests: templates with random bytes.
fn packets(templates: &[&[u8]], n: usize) -> Vec<Vec<u8>> {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut out = Vec::new();
    for t in templates {
        out.push(t.to_vec());
        for _ in 0..n {
            let mut p = t.to_vec();
            let flips = (rng(&mut seed) % 4) as usize;
            for _ in 0..flips {
                let i = (rng(&mut seed) as usize) % p.len().max(1);
                if let Some(b) = p.get_mut(i) {
                    *b = rng(&mut seed) as u8;
                }
            }
            let cut = (rng(&mut seed) as usize) % (p.len() + 8);
            if cut < p.len() && rng(&mut seed) % 4 == 0 {
                p.truncate(cut);
            }
            out.push(p);
        }
    }
    out
}

// ---- Ethernet ------------------------------------------------------------------------------------

const EN: &str = "EN10MB.unopt.txt";

#[test]
fn ethernet_protocols() {
    use ProtoName::*;
    for (name, pn) in [
        ("ip", Ip),
        ("ip6", Ip6),
        ("arp", Arp),
        ("rarp", Rarp),
        ("tcp", Tcp),
        ("udp", Udp),
        ("sctp", Sctp),
        ("icmp", Icmp),
        ("icmp6", Icmp6),
        ("igmp", Igmp),
        ("igrp", Igrp),
        ("pim", Pim),
        ("vrrp", Vrrp),
        ("carp", Carp),
        ("ah", Ah),
        ("esp", Esp),
        ("atalk", Atalk),
        ("aarp", Aarp),
        ("decnet", Decnet),
        ("lat", Lat),
        ("sca", Sca),
        ("moprc", Moprc),
        ("mopdl", Mopdl),
        ("iso", Iso),
        ("esis", Esis),
        ("isis", Isis),
        ("clnp", Clnp),
        ("l1", L1),
        ("l2", L2),
        ("iih", Iih),
        ("lsp", Lsp),
        ("snp", Snp),
        ("csnp", Csnp),
        ("psnp", Psnp),
        ("stp", Stp),
        ("ipx", Ipx),
        ("netbeui", Netbeui),
    ] {
        same(EN, Linktype::EN10MB, name, ab(pn));
    }
}

#[test]
fn ethernet_hosts_and_ports() {
    same(
        EN,
        Linktype::EN10MB,
        "host 192.0.2.1",
        host4(HostProto::Default, Dir::SrcOrDst, 0xc000_0201, !0),
    );
    same(
        EN,
        Linktype::EN10MB,
        "src host 192.0.2.1",
        host4(HostProto::Default, Dir::Src, 0xc000_0201, !0),
    );
    same(
        EN,
        Linktype::EN10MB,
        "net 10.0.0.0/8",
        host4(HostProto::Default, Dir::SrcOrDst, 0x0a00_0000, 0xff00_0000),
    );
    same(
        EN,
        Linktype::EN10MB,
        "tcp port 80",
        port(PortProto::Tcp, Dir::SrcOrDst, 80),
    );
    same(
        EN,
        Linktype::EN10MB,
        "udp dst port 53",
        port(PortProto::Udp, Dir::Dst, 53),
    );
    same(
        EN,
        Linktype::EN10MB,
        "tcp portrange 6000-6063",
        p(PrimKind::PortRange {
            proto: PortProto::Tcp,
            dir: Dir::SrcOrDst,
            low: 6000,
            high: 6063,
        }),
    );
    same(
        EN,
        Linktype::EN10MB,
        "ip6 host 2001:db8::1",
        host6(Dir::SrcOrDst, "2001:db8::1", 128),
    );
    same(
        EN,
        Linktype::EN10MB,
        "ether host 00:11:22:33:44:55",
        p(PrimKind::LinkHost {
            dir: MacDir::SrcOrDst,
            addr: [0, 0x11, 0x22, 0x33, 0x44, 0x55],
            by_name: false,
        }),
    );
    same(
        EN,
        Linktype::EN10MB,
        "ether broadcast",
        p(PrimKind::Broadcast(CastLayer::Link)),
    );
    same(
        EN,
        Linktype::EN10MB,
        "ip multicast",
        p(PrimKind::Multicast(CastLayer::Ip)),
    );
    same(
        EN,
        Linktype::EN10MB,
        "host 192.0.2.1 and port 80",
        and(vec![
            host4(HostProto::Default, Dir::SrcOrDst, 0xc000_0201, !0),
            port(PortProto::Any, Dir::SrcOrDst, 80),
        ]),
    );
    same(
        EN,
        Linktype::EN10MB,
        "not inbound",
        not(p(PrimKind::Inbound)),
    );
}

#[test]
fn ethernet_arithmetic() {
    same(
        EN,
        Linktype::EN10MB,
        "ip[2:2] > 576",
        rel(RelOp::Gt, load(ProtoName::Ip, num(2), 2), num(576)),
    );
    same(
        EN,
        Linktype::EN10MB,
        "ip[(ip[0] & 0xf) * 4] = 8",
        rel(
            RelOp::Eq,
            load(
                ProtoName::Ip,
                chain(
                    chain(
                        load(ProtoName::Ip, num(0), 1),
                        vec![(ArithOp::And, num(0xf))],
                    ),
                    vec![(ArithOp::Mul, num(4))],
                ),
                1,
            ),
            num(8),
        ),
    );
    same(
        EN,
        Linktype::EN10MB,
        "tcp[0] = tcp[2]",
        rel(
            RelOp::Eq,
            load(ProtoName::Tcp, num(0), 1),
            load(ProtoName::Tcp, num(2), 1),
        ),
    );
    same(
        EN,
        Linktype::EN10MB,
        "tcp[tcpflags] & tcp-syn != 0",
        rel(
            RelOp::Ne,
            chain(
                load(ProtoName::Tcp, num(13), 1),
                vec![(ArithOp::And, num(2))],
            ),
            num(0),
        ),
    );
    same(EN, Linktype::EN10MB, "less 100", p(PrimKind::Less(100)));
    same(
        EN,
        Linktype::EN10MB,
        "greater 1500",
        p(PrimKind::Greater(1500)),
    );
    same(
        EN,
        Linktype::EN10MB,
        "byte 3 & 4",
        p(PrimKind::Byte {
            offset: 3,
            op: ByteOp::And,
            value: 4,
        }),
    );
}

#[test]
fn ethernet_encapsulations() {
    same(
        EN,
        Linktype::EN10MB,
        "vlan 100 and ip",
        and(vec![p(PrimKind::Vlan(Some(100))), ab(ProtoName::Ip)]),
    );
    same(
        EN,
        Linktype::EN10MB,
        "mpls 100 and mpls 200 and ip",
        and(vec![
            p(PrimKind::Mpls(Some(100))),
            p(PrimKind::Mpls(Some(200))),
            ab(ProtoName::Ip),
        ]),
    );
    same(
        EN,
        Linktype::EN10MB,
        "vlan and vlan and ip",
        and(vec![
            p(PrimKind::Vlan(None)),
            p(PrimKind::Vlan(None)),
            ab(ProtoName::Ip),
        ]),
    );
    same(
        EN,
        Linktype::EN10MB,
        "pppoes 1 and tcp port 80",
        and(vec![
            p(PrimKind::Pppoes(Some(1))),
            port(PortProto::Tcp, Dir::SrcOrDst, 80),
        ]),
    );
}

#[test]
fn ethernet_geneve_and_protochain_verdicts() {
    let mut geneve = vec![0u8; 120];
    geneve[12..14].copy_from_slice(&[0x08, 0x00]);
    geneve[14] = 0x45;
    geneve[23] = 17;
    geneve[36..38].copy_from_slice(&6081u16.to_be_bytes());
    geneve[42..52].copy_from_slice(&[0, 0, 0x65, 0x58, 0, 0, 0x0a, 0, 0, 0]);
    geneve[62..64].copy_from_slice(&[0x08, 0x00]);
    geneve[64] = 0x45;
    geneve[73] = 6;
    let mut geneve6 = vec![0u8; 140];
    geneve6[12..14].copy_from_slice(&[0x86, 0xdd]);
    geneve6[20] = 17;
    geneve6[56..58].copy_from_slice(&6081u16.to_be_bytes());
    geneve6[62..64].copy_from_slice(&[0x65, 0x58]);
    let mut chain6 = vec![0u8; 120];
    chain6[12..14].copy_from_slice(&[0x86, 0xdd]);
    chain6[20] = 0; // hop-by-hop
    chain6[54] = 43; // routing
    chain6[55] = 0;
    chain6[62] = 6;
    let mut chain4 = vec![0u8; 100];
    chain4[12..14].copy_from_slice(&[0x08, 0x00]);
    chain4[14] = 0x45;
    chain4[23] = 51; // AH
    chain4[34] = 6;
    chain4[35] = 1;
    let pk = packets(&[&geneve, &geneve6, &chain6, &chain4], 300);
    same_verdicts(
        EN,
        Linktype::EN10MB,
        Context::Dead,
        "geneve and ip",
        and(vec![p(PrimKind::Geneve(None)), ab(ProtoName::Ip)]),
        &pk,
    );
    same_verdicts(
        EN,
        Linktype::EN10MB,
        Context::Dead,
        "protochain 6",
        p(PrimKind::Protochain {
            family: Family::Any,
            proto: 6,
        }),
        &pk,
    );
}

// ---- other link types ---------------------------------------------------------------------------

#[test]
fn cooked_and_raw() {
    same(
        "RAW.unopt.txt",
        Linktype::RAW,
        "tcp port 80",
        port(PortProto::Tcp, Dir::SrcOrDst, 80),
    );
    same("RAW.unopt.txt", Linktype::RAW, "ip6", ab(ProtoName::Ip6));
    same(
        "LINUX_SLL.unopt.txt",
        Linktype::LINUX_SLL,
        "host 192.0.2.1 and port 80",
        and(vec![
            host4(HostProto::Default, Dir::SrcOrDst, 0xc000_0201, !0),
            port(PortProto::Any, Dir::SrcOrDst, 80),
        ]),
    );
    same(
        "LINUX_SLL.unopt.txt",
        Linktype::LINUX_SLL,
        "stp",
        ab(ProtoName::Stp),
    );
    same(
        "LINUX_SLL.unopt.txt",
        Linktype::LINUX_SLL,
        "ipx",
        ab(ProtoName::Ipx),
    );
    same(
        "LINUX_SLL.unopt.txt",
        Linktype::LINUX_SLL,
        "inbound",
        p(PrimKind::Inbound),
    );
    same(
        "LINUX_SLL2.unopt.txt",
        Linktype::LINUX_SLL2,
        "ifindex 2",
        p(PrimKind::Ifindex(2)),
    );
    same(
        "LINUX_SLL2.unopt.txt",
        Linktype::LINUX_SLL2,
        "outbound",
        p(PrimKind::Outbound),
    );
}

#[test]
fn radiotap_verdicts() {
    // radiotap: version 0, length 8 or 16 with flags, then 802.11 data frame, LLC/SNAP, IPv4.
    let mut rt = vec![0u8; 96];
    rt[2] = 12; // radiotap length 12
    rt[4] = 0x02; // flags present
    rt[8] = 0x20; // datapad
    rt[12] = 0x88; // QoS data
    rt[12 + 26..12 + 32].copy_from_slice(&[0xaa, 0xaa, 3, 0, 0, 0]);
    rt[12 + 32..12 + 34].copy_from_slice(&[0x08, 0x00]);
    let mut rt2 = rt.clone();
    rt2[4] = 0x03; // tsft too
    rt2[16] = 0x20;
    let mut rt3 = rt.clone();
    rt3[12] = 0x08;
    rt3[8] = 0;
    let pk = packets(&[&rt, &rt2, &rt3], 400);
    same_verdicts(
        "IEEE802_11_RADIO.txt",
        Linktype::IEEE802_11_RADIO,
        Context::Dead,
        "ip",
        ab(ProtoName::Ip),
        &pk,
    );
    same_verdicts(
        "IEEE802_11_RADIO.txt",
        Linktype::IEEE802_11_RADIO,
        Context::Dead,
        "tcp port 80",
        port(PortProto::Tcp, Dir::SrcOrDst, 80),
        &pk,
    );
}

#[test]
fn empty_filter_and_errors() {
    let t = target(Linktype::EN10MB);
    let prog = program(&Filter { expr: None }, &t, "", true).unwrap();
    assert_eq!(prog.instructions(), &[Instruction::new(0x6, 0, 0, 262144)]);
    let e = program(
        &Filter {
            expr: Some(p(PrimKind::Vlan(Some(5)))),
        },
        &target(Linktype::RAW),
        "vlan 5",
        false,
    )
    .unwrap_err();
    assert_eq!(e.message(), "no VLAN support for Raw IP");
    let e = program(
        &Filter {
            expr: Some(ab(ProtoName::Ip)),
        },
        &target(Linktype(3)),
        "ip",
        false,
    )
    .unwrap_err();
    assert_eq!(e.message(), "unknown data link type 3 (min 104, max 289)");
    let e = program(
        &Filter {
            expr: Some(p(PrimKind::Broadcast(CastLayer::Ip))),
        },
        &Target {
            netmask: crate::filter::NETMASK_UNKNOWN,
            ..target(Linktype::EN10MB)
        },
        "ip broadcast",
        false,
    )
    .unwrap_err();
    assert_eq!(e.kind(), crate::filter::ErrorKind::NoNetmask);
}

/// `FERROCAP_DUMP="EXPR"` (and optionally `FERROCAP_DUMP_DLT=NAME`): prints our optimized and
/// unoptimized programs for it; without the variables, checks one.
#[test]
fn dump_expression() {
    let expr = std::env::var("FERROCAP_DUMP").unwrap_or_else(|_| "tcp port 80".into());
    let lt = std::env::var("FERROCAP_DUMP_DLT")
        .ok()
        .and_then(|n| Linktype::from_name(&n).ok())
        .unwrap_or(Linktype::EN10MB);
    if let Ok(n) = std::env::var("FERROCAP_DUMP_REPEAT") {
        let n: u32 = n.parse().unwrap_or(1);
        let t = std::time::Instant::now();
        for _ in 0..n {
            let _ = std::hint::black_box(crate::filter::Options::new(lt).compile(&expr));
        }
        eprintln!("{:?} per compile", t.elapsed() / n);
    }
    for optimize in [true, false] {
        match crate::filter::Options::new(lt)
            .optimize(optimize)
            .compile(&expr)
        {
            Ok(p) => {
                if std::env::var("FERROCAP_DUMP").is_ok() {
                    eprintln!(
                        "{expr} ({}):\n{}",
                        if optimize { "optimized" } else { "unoptimized" },
                        p.dump(crate::bpf::Format::Asm)
                    );
                } else {
                    assert_eq!(p.len(), if optimize { 20 } else { 22 });
                }
            }
            Err(e) => eprintln!("{e}"),
        }
    }
}

#[test]
fn scratch_not_geneve() {
    let Ok(expr) = std::env::var("FERROCAP_SCRATCH") else {
        return;
    };
    let mut seed = 7u64;
    for lt in crate::fuzzing::filter::LINKTYPES {
        for ctx in [
            Context::Dead,
            Context::Savefile { swapped: false },
            Context::Live,
            Context::Savefile { swapped: true },
        ] {
            let o = crate::filter::Options::new(lt).context(ctx);
            let (Ok(a), Ok(b)) = (o.compile(&expr), o.optimize(false).compile(&expr)) else {
                continue;
            };
            for i in 0..20000 {
                let len = (rng(&mut seed) % 120) as usize;
                let p: Vec<u8> = (0..len)
                    .map(|_| {
                        if rng(&mut seed) % 3 == 0 {
                            0
                        } else {
                            rng(&mut seed) as u8
                        }
                    })
                    .collect();
                let wire = len as u32 + (i % 3) * 100;
                let aux = crate::bpf::Ancillary {
                    vlan_present: i % 2 == 1,
                    vlan_tci: (i as u16).wrapping_mul(37),
                    pkttype: (i % 5) as u8,
                    ..Default::default()
                };
                let (x, y) = (a.run_with(&p, wire, &aux), b.run_with(&p, wire, &aux));
                if x != y {
                    panic!(
                        "{lt:?} {ctx:?} {p:02x?}: opt {x} unopt {y}\n{}\n{}",
                        a.dump(crate::bpf::Format::Asm),
                        b.dump(crate::bpf::Format::Asm)
                    );
                }
            }
        }
    }
}

/// `FERROCAP_COMPILE_BENCH=OUTFILE`: compiles every corpus expression (Ethernet, no name
/// lookups) 5 times, prints the mean time per compile of those accepted and writes them to
/// OUTFILE (for libpcap's `bpf-bench compile`).
#[test]
fn compile_time_over_the_corpus() {
    let Ok(out) = std::env::var("FERROCAP_COMPILE_BENCH") else {
        return;
    };
    let Some(dir) = reference_dir() else { return };
    let text = std::fs::read_to_string(dir.join("../expressions.txt")).unwrap();
    let opts =
        crate::filter::Options::new(Linktype::EN10MB).netmask(crate::filter::NETMASK_UNKNOWN);
    let exprs: Vec<&str> = text
        .split('\n')
        .filter(|l| !l.starts_with('#') && !l.is_empty() && !l.starts_with("!REJECT"))
        .filter(|l| opts.compile(l).is_ok())
        .collect();
    std::fs::write(&out, exprs.join("\n") + "\n").unwrap();
    let mut per: Vec<(std::time::Duration, &str)> = exprs
        .iter()
        .map(|e| {
            let t = std::time::Instant::now();
            for _ in 0..3 {
                let _ = std::hint::black_box(opts.compile(e));
            }
            (t.elapsed() / 3, *e)
        })
        .collect();
    per.sort();
    let total: std::time::Duration = per.iter().map(|p| p.0).sum();
    eprintln!("median {:?}", per[per.len() / 2].0);
    for p in per.iter().rev().take(15) {
        eprintln!("{:?} {}", p.0, &p.1[..p.1.len().min(80)]);
    }
    eprintln!(
        "top 20 take {:?} of {:?}",
        per.iter()
            .rev()
            .take(20)
            .map(|p| p.0)
            .sum::<std::time::Duration>(),
        total
    );
    let t0 = std::time::Instant::now();
    for _ in 0..5 {
        for e in &exprs {
            let _ = std::hint::black_box(opts.compile(e));
        }
    }
    eprintln!(
        "{} expressions, {:?} per compile",
        exprs.len(),
        t0.elapsed() / (5 * exprs.len() as u32)
    );
}
