//! The `filter_compile` fuzz target: expressions (arbitrary text, or grammar-shaped ones built
//! from the bytes) compiled for a link type and handle kind chosen by the bytes, optimized and
//! not.
//!
//! Checked on every input: no panic; every error points inside the expression and displays;
//! every program is valid BPF under libpcap's rules and keeps its expression; an expression
//! the unoptimized compile rejects is rejected optimized too; and when both compile, on every
//! packet the input supplies (with Linux metadata for live handles):
//!
//! * **optimized and unoptimized agree where the unoptimized program reads only captured
//!   bytes**: if [`run_strict`] runs the unoptimized program to the end without a packet load
//!   past the captured data, the optimized program returns the same value. Where the
//!   unoptimized program does read past the data, it rejects the packet there, and the
//!   optimized one may accept: like libpcap's, the optimizer deletes loads whose values
//!   nothing needs (`ip or not ip` becomes `ret #262144`), so their rejection goes too. That
//!   is libpcap's behaviour, and the reference the filter tests hold us to.
//! * **the interpreter agrees with the reference interpreter**: on every packet where
//!   [`run_strict`] finishes, [`Program::run_with`] returns the same value (both programs).
//!
//! Input layout (missing bytes read as 0):
//!
//! | bytes | meaning |
//! |---|---|
//! | 0 | bits 0–3: link type ([`LINKTYPES`]); bits 4–5: handle (dead, savefile, live, swapped savefile); bit 6: grammar-shaped |
//! | 1 | text mode: the expression's length / 2; grammar mode: its size budget |
//! | … | text mode: the expression (UTF-8, lossy); grammar mode: the choices |
//! | rest | packets: a length byte (× 8) then that many bytes, repeated |

use crate::bpf::{Ancillary, Instruction, Program, Rules};
use crate::filter::{Context, Options};
use crate::Linktype;
use std::fmt::Write;

/// The link types the target compiles for (all the reference link types, and a few with
/// special cases).
pub const LINKTYPES: [Linktype; 16] = [
    Linktype::EN10MB,
    Linktype::RAW,
    Linktype::LINUX_SLL,
    Linktype::LINUX_SLL2,
    Linktype::NULL,
    Linktype::LOOP,
    Linktype::PPP,
    Linktype::IEEE802_11,
    Linktype::IEEE802_11_RADIO,
    Linktype::PFLOG,
    Linktype::SUNATM,
    Linktype::MTP2,
    Linktype::FDDI,
    Linktype::ARCNET_LINUX,
    Linktype::PRISM_HEADER,
    Linktype::IPV4,
];

struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }
    fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.0.split_at(n.min(self.0.len()));
        self.0 = rest;
        head
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[usize::from(self.byte()) % items.len()]
    }
    fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.byte(), self.byte()])
    }
    fn u32(&mut self) -> u32 {
        u32::from_be_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }
}

const PNAMES: &[&str] = &[
    "ip", "ip6", "arp", "rarp", "tcp", "udp", "icmp", "icmp6", "sctp", "igmp", "pim", "vrrp", "ah",
    "esp", "ether", "link", "atalk", "decnet", "iso", "isis", "stp", "ipx", "radio", "l1", "lat",
    "carp",
];
const LOADABLE: &[&str] = &[
    "ip", "ip6", "tcp", "udp", "icmp", "icmp6", "ether", "link", "arp", "radio", "sctp", "igmp",
];
const RELOPS: &[&str] = &[">", ">=", "=", "==", "<", "<=", "!="];
const ARITH_OPS: &[&str] = &["+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>"];
const DIRS: &[&str] = &[
    "",
    "src ",
    "dst ",
    "src or dst ",
    "src and dst ",
    "addr1 ",
    "ta ",
];

/// A grammar-shaped expression, at most `budget` primitives.
fn expression(b: &mut Bytes<'_>, out: &mut String, depth: u32, budget: &mut u32) {
    term(b, out, depth, budget);
    while *budget > 0 && b.byte() % 3 != 0 {
        out.push_str(b.pick(&[" and ", " or ", " && ", " || "]));
        term(b, out, depth, budget);
    }
}

fn term(b: &mut Bytes<'_>, out: &mut String, depth: u32, budget: &mut u32) {
    *budget = budget.saturating_sub(1);
    match b.byte() % 8 {
        0 => out.push_str("not "),
        1 if depth < 6 => {
            out.push('(');
            expression(b, out, depth + 1, budget);
            out.push(')');
            return;
        }
        _ => {}
    }
    primitive(b, out, depth);
}

fn ipv4(b: &mut Bytes<'_>) -> String {
    let a = b.pick(&[[192u8, 0, 2], [10, 0, 0], [127, 0, 0], [224, 0, 0]]);
    format!("{}.{}.{}.{}", a[0], a[1], a[2], b.byte())
}

fn primitive(b: &mut Bytes<'_>, out: &mut String, depth: u32) {
    let _ = match b.byte() % 40 {
        0 => write!(out, "{}host {}", b.pick(DIRS), ipv4(b)),
        1 => write!(out, "net {}/{}", ipv4(b), b.byte() % 33),
        2 => write!(
            out,
            "{}{}host {}",
            b.pick(&["", "ip ", "arp ", "rarp "]),
            b.pick(DIRS),
            ipv4(b)
        ),
        3 => write!(out, "ip6 {}host 2001:db8::{:x}", b.pick(DIRS), b.u16()),
        4 => write!(
            out,
            "{}{}port {}",
            b.pick(&["", "tcp ", "udp ", "sctp "]),
            b.pick(DIRS),
            b.u16()
        ),
        5 => write!(out, "portrange {}-{}", b.u16(), b.u16()),
        6 => write!(out, "{}", b.pick(PNAMES)),
        7 => write!(
            out,
            "ether {}host {:02x}:00:5e:00:00:{:02x}",
            b.pick(DIRS),
            b.byte(),
            b.byte()
        ),
        8 => write!(out, "ether proto {}", b.u16()),
        9 => write!(
            out,
            "{} proto {}",
            b.pick(&["ip", "ip6", "iso", "isis", "ether"]),
            b.byte()
        ),
        10 | 11 => {
            arith(b, out, depth);
            out.push(' ');
            out.push_str(b.pick(RELOPS));
            out.push(' ');
            arith(b, out, depth);
            Ok(())
        }
        12 => write!(out, "vlan {}", b.u16() % 4200),
        13 => write!(
            out,
            "{}",
            b.pick(&["vlan", "mpls", "pppoes", "pppoed", "geneve"])
        ),
        14 => write!(out, "mpls {}", b.u32() % 0x10_0010),
        15 => write!(out, "pppoes {}", b.u16()),
        16 => write!(out, "geneve {}", b.u32() % 0x100_0010),
        17 => write!(
            out,
            "{}protochain {}",
            b.pick(&["", "ip ", "ip6 "]),
            b.byte()
        ),
        18 => write!(
            out,
            "{} {}",
            b.pick(&["", "ether", "ip", "ip6"]),
            b.pick(&["broadcast", "multicast"])
        ),
        19 => write!(out, "{} {}", b.pick(&["less", "greater"]), b.u16()),
        20 => write!(
            out,
            "byte {} {} {}",
            b.byte(),
            b.pick(&["&", "|", "<", ">", "="]),
            b.byte()
        ),
        21 => write!(
            out,
            "{}",
            b.pick(&[
                "inbound", "outbound", "llc", "llc i", "llc ui", "lane", "oam", "fisu", "msu"
            ])
        ),
        22 => write!(out, "ifindex {}", b.byte()),
        23 => write!(
            out,
            "type {}{}",
            b.pick(&["data", "mgt", "ctl"]),
            b.pick(&["", " subtype qos-data", " subtype beacon"])
        ),
        24 => write!(out, "dir {}", b.byte() % 5),
        25 => write!(
            out,
            "wlan {}{:02x}:00:00:00:00:{:02x}",
            b.pick(DIRS),
            b.byte(),
            b.byte()
        ),
        26 => write!(
            out,
            "{} {}",
            b.pick(&["vpi", "vci", "sio", "opc", "dpc", "sls"]),
            b.u16()
        ),
        27 => write!(out, "decnet host {}.{}", b.byte() % 64, b.u16() % 1024),
        28 => write!(
            out,
            "tcp[tcpflags] & (tcp-syn|tcp-ack) {} 0",
            b.pick(RELOPS)
        ),
        29 => write!(out, "icmp[icmptype] = icmp-echo"),
        30 => write!(out, "{}", b.u16()),
        31 => write!(
            out,
            "{}",
            b.pick(&["ifname em0", "rnr 1", "action pass", "reason 2", "on lo"])
        ),
        32 => write!(
            out,
            "{} host $0{:x}",
            b.pick(&["link", "ether"]),
            b.byte() % 16
        ),
        33 => write!(out, "net 10.{} mask 255.255.0.0", b.byte()),
        34 => write!(out, "net fe80::/{}", b.byte() % 130),
        35 => write!(
            out,
            "{} and {}",
            b.pick(&["ip", "ip6", "tcp"]),
            b.pick(&["ip6", "udp", "not tcp"])
        ),
        36 => write!(out, "host {} or {}", ipv4(b), ipv4(b)),
        37 => write!(
            out,
            "{}",
            b.pick(&["ip broadcast", "ip multicast", "ip6 multicast"])
        ),
        38 => write!(out, "len {} {}", b.pick(RELOPS), b.u16()),
        _ => write!(
            out,
            "{} and {}",
            b.pick(&["vlan", "mpls", "pppoes"]),
            b.pick(&["ip", "tcp port 80", "ip6"])
        ),
    };
}

fn arith(b: &mut Bytes<'_>, out: &mut String, depth: u32) {
    let _ = match b.byte() % 8 {
        0 | 1 => write!(
            out,
            "{}",
            b.pick(&[0u32, 1, 2, 4, 13, 31, 32, 255, 0xffff_ffff])
        ),
        2 => write!(out, "{}", b.u32()),
        3 => write!(out, "len"),
        4 if depth < 6 => {
            let _ = write!(out, "{}[", b.pick(LOADABLE));
            arith(b, out, depth + 1);
            write!(out, "{}]", b.pick(&["", ":1", ":2", ":4", ":3"]))
        }
        5 if depth < 6 => {
            out.push('(');
            arith(b, out, depth + 1);
            let _ = write!(out, " {} ", b.pick(ARITH_OPS));
            arith(b, out, depth + 1);
            out.push(')');
            Ok(())
        }
        6 if depth < 6 => {
            out.push('-');
            arith(b, out, depth + 1);
            Ok(())
        }
        _ => write!(out, "{}[{}]", b.pick(LOADABLE), b.byte()),
    };
}

/// The fuzz target's body (see the module docs).
pub fn filter_compile(data: &[u8]) {
    let mut b = Bytes(data);
    let flags = b.byte();
    let lt = LINKTYPES[usize::from(flags & 0x0f)];
    let context = match (flags >> 4) & 3 {
        0 => Context::Dead,
        1 => Context::Savefile { swapped: false },
        2 => Context::Live,
        _ => Context::Savefile { swapped: true },
    };
    let size = usize::from(b.byte());
    let expr = if flags & 0x40 == 0 {
        String::from_utf8_lossy(b.take(2 * size)).into_owned()
    } else {
        let mut s = String::new();
        let mut budget = 1 + (size as u32 % 16);
        expression(&mut b, &mut s, 0, &mut budget);
        s
    };
    let options = Options::new(lt).context(context);
    let opt = options.compile(&expr);
    let unopt = options.optimize(false).compile(&expr);
    for r in [&opt, &unopt] {
        match r {
            Err(e) => {
                assert!(e.span().start <= e.span().end && e.span().end <= expr.len());
                assert!(!e.to_string().is_empty());
            }
            Ok(p) => {
                assert!(p.check(Rules::Libpcap).is_ok(), "{expr:?}: invalid program");
                assert_eq!(p.source(), Some(expr.as_str()));
            }
        }
    }
    if unopt.is_err() {
        assert!(
            opt.is_err(),
            "{expr:?}: rejected unoptimized, accepted optimized"
        );
    }
    let (Ok(o), Ok(u)) = (&opt, &unopt) else {
        return;
    };
    let mut packets: Vec<&[u8]> = Vec::new();
    while !b.0.is_empty() && packets.len() < 16 {
        let n = usize::from(b.byte()) * 8;
        packets.push(b.take(n));
    }
    for (i, p) in packets.iter().enumerate() {
        agree(&expr, o, u, p, i);
    }
}

/// The properties of the module docs on `pkt` (as a whole packet, and as a truncated capture
/// of a longer one).
fn agree(expr: &str, o: &Program, u: &Program, pkt: &[u8], i: usize) {
    let wire = pkt.len() as u32 + (i as u32 % 3) * 100;
    let aux = Ancillary {
        vlan_present: i % 2 == 1,
        vlan_tci: (i as u16).wrapping_mul(37),
        pkttype: (i % 5) as u8,
        ..Ancillary::default()
    };
    let (a, b) = (o.run_with(pkt, wire, &aux), u.run_with(pkt, wire, &aux));
    for (p, got, which) in [(o, a, "optimized"), (u, b, "unoptimized")] {
        if let Some(want) = run_strict(p.instructions(), pkt, wire, Some(&aux)) {
            assert_eq!(
                got, want,
                "{expr:?} ({which}): interpreter {got}, reference interpreter {want} on packet {i} ({} bytes)",
                pkt.len()
            );
        }
    }
    if run_strict(u.instructions(), pkt, wire, Some(&aux)).is_some() {
        assert_eq!(
            a,
            b,
            "{expr:?}: optimized {a}, unoptimized {b} on packet {i} ({} bytes)",
            pkt.len()
        );
    }
}

/// Steps [`run_strict`] takes before giving up (a program with a loop that does not end).
const STRICT_STEPS: usize = 1 << 20;

/// Where the Linux special offsets (`SKF_LL_OFF`, `SKF_NET_OFF`, `SKF_AD_OFF`) begin: a load
/// at or above it is not a packet load.
const SPECIAL_OFFSETS: u32 = 0xffe0_0000;

/// Runs a classic BPF program the strict way, as a reference for the interpreter and for the
/// optimizer: `None` when a packet load reads past the `data` captured (where the interpreter
/// would reject the packet), when a Linux special load (`SKF_AD_OFF + n` and the
/// link-layer/network-relative offsets) cannot be satisfied from `aux` (always without
/// metadata, as [`Program::run`] and libpcap's `bpf_filter`, for which they are out of the
/// packet), or when the run takes more than a million steps; otherwise the value the program
/// returns ([`Program::run_with`] with `Some(aux)`, [`Program::run`] with `None`).
///
/// A deliberately plain interpreter (one `match` per instruction, written from the classic BPF
/// semantics documented in [`crate::bpf`]), independent of the crate's pre-decoding one except
/// for the special loads, which it asks of [`Program::run_with`] one instruction at a time.
/// `insns` must be a valid program (as [`Program`] guarantees); an invalid opcode or a jump
/// outside the program gives `None`.
pub fn run_strict(
    insns: &[Instruction],
    data: &[u8],
    wire_len: u32,
    aux: Option<&Ancillary>,
) -> Option<u32> {
    let (mut a, mut x) = (0u32, 0u32);
    let mut mem = [0u32; 16];
    let mut pc = 0usize;
    for _ in 0..STRICT_STEPS {
        let i = *insns.get(pc)?;
        pc += 1;
        let k = i.k;
        match i.class() {
            // ld, ldx
            0x00 | 0x01 => {
                let size = match i.size() {
                    0x00 => 4,
                    0x08 => 2,
                    _ => 1,
                };
                let ldx = i.class() == 0x01;
                let v = match i.mode() {
                    0x00 => k,
                    0x20 | 0x40 => {
                        let ind = i.mode() == 0x40;
                        let addr = if ind {
                            u64::from(x) + u64::from(k)
                        } else {
                            u64::from(k)
                        };
                        let special = if ind { x.wrapping_add(k) } else { k };
                        if special >= SPECIAL_OFFSETS {
                            special_load(i, a, x, data, wire_len, aux?)?
                        } else {
                            packet(data, addr, size)?
                        }
                    }
                    0x60 => *mem.get(usize::try_from(k).ok()?)?,
                    0x80 => wire_len,
                    0xa0 if ldx => 4 * (packet(data, u64::from(k), 1)? & 0xf),
                    _ => return None,
                };
                if ldx {
                    x = v;
                } else {
                    a = v;
                }
            }
            // st, stx
            0x02 | 0x03 => {
                *mem.get_mut(usize::try_from(k).ok()?)? = if i.class() == 0x02 { a } else { x };
            }
            // alu
            0x04 => {
                let b = if i.src() == 0x08 { x } else { k };
                a = match i.op() {
                    0x00 => a.wrapping_add(b),
                    0x10 => a.wrapping_sub(b),
                    0x20 => a.wrapping_mul(b),
                    0x30 | 0x90 if b == 0 => return Some(0),
                    0x30 => a / b,
                    0x90 => a % b,
                    0x40 => a | b,
                    0x50 => a & b,
                    0xa0 => a ^ b,
                    // By X: 32 or more gives 0; by a constant: modulo 32 (x86 libpcap).
                    0x60 | 0x70 if i.src() == 0x08 && b >= 32 => 0,
                    0x60 => a << (b % 32),
                    0x70 => a >> (b % 32),
                    0x80 => a.wrapping_neg(),
                    _ => return None,
                };
            }
            // jumps
            0x05 => {
                let b = if i.src() == 0x08 { x } else { k };
                let taken = match i.op() {
                    0x00 => {
                        // `ja`: k is signed (a backward jump is a loop).
                        let to = i64::try_from(pc).ok()? + i64::from(k as i32);
                        pc = usize::try_from(to).ok()?;
                        continue;
                    }
                    0x10 => a == b,
                    0x20 => a > b,
                    0x30 => a >= b,
                    0x40 => a & b != 0,
                    _ => return None,
                };
                pc += usize::from(if taken { i.jt } else { i.jf });
            }
            // ret
            0x06 => {
                return match i.code & 0x18 {
                    0x00 => Some(k),
                    0x10 => Some(a),
                    _ => None,
                };
            }
            // tax, txa
            _ => match i.code & 0xf8 {
                0x00 => x = a,
                0x80 => a = x,
                _ => return None,
            },
        }
    }
    None
}

/// `size` big-endian bytes of `data` at `addr`, if all were captured.
fn packet(data: &[u8], addr: u64, size: usize) -> Option<u32> {
    let start = usize::try_from(addr).ok()?;
    let bytes = data.get(start..)?.get(..size)?;
    Some(bytes.iter().fold(0u32, |v, &b| (v << 8) | u32::from(b)))
}

/// A Linux special load (ancillary field, or link-layer/network-relative offset) from state
/// `a`, `x`: the crate's own semantics, asked by running the instruction alone (twice: once
/// for its value, once to tell a rejection from a 0).
fn special_load(
    load: Instruction,
    a: u32,
    x: u32,
    data: &[u8],
    wire_len: u32,
    aux: &Ancillary,
) -> Option<u32> {
    // Into A whatever the destination (`ldx` has no special loads, but stay general).
    let load = Instruction {
        code: load.code & !0x01,
        ..load
    };
    let run = |ret: Instruction| {
        let p = Program::with_rules(
            vec![
                Instruction::stmt(0x00, a), // ld #a
                Instruction::stmt(0x01, x), // ldx #x
                load,
                ret,
            ],
            Rules::Libpcap,
        )
        .ok()?;
        Some(p.run_with(data, wire_len, aux))
    };
    if run(Instruction::stmt(0x06, 1))? == 0 {
        return None; // ret #1 returned 0: the load rejected
    }
    run(Instruction::stmt(0x16, 0)) // ret a
}
