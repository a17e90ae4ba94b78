//! The tcpdump-style printer (`ferrocap::print`) against tcpdump 4.99.3's own output.
//!
//! Each capture in `tests/data/wire/` has a `.expected` file with what `tcpdump -t FLAGS -r FILE`
//! printed for several sets of flags (see the README there for how both were made). The test
//! prints every packet with [`Printer`] and compares byte for byte; tcpdump is not needed.

use ferrocap::file::Reader;
use ferrocap::print::hexdump::HexMode;
use ferrocap::print::{header_is_valid, Options, Printer};
use std::path::{Path, PathBuf};

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/wire")
}

/// Options for a tcpdump command line such as `-n -e -XX`.
fn options(flags: &str) -> Options {
    let mut o = Options::default();
    for f in flags.split_whitespace() {
        match f {
            "-n" => o.numeric = true,
            "-e" => o.link_header = true,
            "-q" => o.quick = true,
            "-v" => o.verbose += 1,
            "-S" => o.absolute_seq = true,
            "-x" => o.hex = HexMode::Hex,
            "-xx" => o.hex = HexMode::HexWithLink,
            "-X" => o.hex = HexMode::HexAscii,
            "-XX" => o.hex = HexMode::HexAsciiWithLink,
            other => panic!("flag {other} not handled by this test"),
        }
    }
    o
}

/// What the printer writes for a whole capture, one line (plus dump) per packet, the way
/// `tcpdump -t` prints it.
fn print_capture(path: &Path, opts: Options) -> String {
    let mut reader = Reader::open(path).expect("open capture");
    let mut printer = Printer::new(opts);
    let mut out = String::new();
    while let Some(pkt) = reader.next().expect("read packet") {
        assert!(header_is_valid(pkt.header.caplen, pkt.header.len));
        printer
            .write_packet(&mut out, pkt.header.linktype(), pkt.data, pkt.header.len)
            .unwrap();
        out.push('\n');
    }
    out
}

/// The `### FLAGS` sections of an expected file.
fn sections(text: &str) -> Vec<(&str, String)> {
    let mut out: Vec<(&str, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(flags) = line.strip_prefix("### ") {
            out.push((flags.trim_end(), String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push_str(line);
        }
    }
    out
}

fn check_capture(name: &str) {
    let dir = data_dir();
    let expected = std::fs::read_to_string(dir.join(format!("{name}.expected")))
        .expect("read expected output");
    let secs = sections(&expected);
    assert!(!secs.is_empty(), "{name}.expected has no sections");
    for (flags, want) in secs {
        let got = print_capture(&dir.join(format!("{name}.pcap")), options(flags));
        if got != want {
            let (g, w): (Vec<_>, Vec<_>) = (got.lines().collect(), want.lines().collect());
            let i = g
                .iter()
                .zip(&w)
                .position(|(a, b)| a != b)
                .unwrap_or(g.len().min(w.len()));
            panic!(
                "{name} with `{flags}`: output differs at line {}\n  tcpdump: {:?}\n  ferrocap: {:?}\n({} lines expected, {} printed)",
                i + 1,
                w.get(i),
                g.get(i),
                w.len(),
                g.len()
            );
        }
    }
}

#[test]
fn ethernet_matches_tcpdump() {
    check_capture("ethernet");
}

#[test]
fn linux_cooked_matches_tcpdump() {
    check_capture("sll");
    check_capture("sll2");
}

#[test]
fn loopback_matches_tcpdump() {
    check_capture("null");
    check_capture("loop");
}

#[test]
fn raw_ip_matches_tcpdump() {
    check_capture("raw");
    check_capture("ipv4");
    check_capture("ipv6");
}

#[test]
fn serial_links_match_tcpdump() {
    check_capture("ppp");
    check_capture("chdlc");
}

#[test]
fn unsupported_link_type_matches_tcpdump() {
    check_capture("unsupported");
}

/// Relative sequence numbers follow the conversation: a second printer starts afresh.
#[test]
fn tcp_state_is_per_printer() {
    let path = data_dir().join("ethernet.pcap");
    let opts = options("-n");
    let a = print_capture(&path, opts);
    let b = print_capture(&path, opts);
    assert_eq!(a, b);
    assert!(a.contains("Flags [.], ack 1, win 65535"));
}

/// Every prefix of every packet (a capture cut anywhere) and every wire length prints without
/// panicking and ends in a well-formed line.
#[test]
fn every_truncation_is_handled() {
    let dir = data_dir();
    for name in ["ethernet", "sll", "sll2", "null", "raw"] {
        let mut reader = Reader::open(dir.join(format!("{name}.pcap"))).unwrap();
        let mut packets = Vec::new();
        while let Some(p) = reader.next().unwrap() {
            packets.push((p.header.linktype(), p.data.to_vec()));
        }
        for flags in ["-n", "-n -e -v", "-n -q -XX"] {
            let mut printer = Printer::new(options(flags));
            let mut line = String::new();
            for (lt, data) in &packets {
                for cut in 1..=data.len() {
                    line.clear();
                    printer
                        .write_packet(&mut line, *lt, &data[..cut], data.len() as u32)
                        .unwrap();
                    assert!(!line.is_empty());
                }
            }
        }
    }
}
