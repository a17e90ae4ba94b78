//! The compiler behind the front door: `Capture::compile` and `Capture::filter` for dead and
//! file captures (gopacket's `CompileBPFFilter` / `SetBPFFilter`, the `pcap` crate's
//! `compile` / `filter`).

use ferrocap::bpf::Program;
use ferrocap::filter::{self, Context, ErrorKind, Options};
use ferrocap::{Capture, Error, Linktype};
use std::path::PathBuf;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Every packet of `name` with its verdict under `program`.
fn verdicts(name: &str, program: &Program) -> Vec<(Vec<u8>, bool)> {
    let mut cap = Capture::from_file(data(name)).unwrap();
    let mut out = Vec::new();
    while let Some(p) = cap.next().unwrap() {
        out.push((p.data.to_vec(), program.matches(p.header, p.data)));
    }
    out
}

#[test]
fn dead_capture_compiles_as_filter_compile() {
    let cap = Capture::dead(Linktype::EN10MB).unwrap();
    let p = cap.compile("tcp port 80", true).unwrap();
    let q = filter::compile("tcp port 80", Linktype::EN10MB, cap.snaplen(), true, 0).unwrap();
    assert_eq!(p.instructions(), q.instructions());
    assert_eq!(p.source(), Some("tcp port 80"));
    // Unoptimized is longer.
    assert!(cap.compile("tcp port 80", false).unwrap().len() > p.len());
    // A dead Ethernet handle compiles `inbound` with Linux's metadata load, as libpcap does.
    assert!(cap.compile("inbound", true).is_ok());
}

#[test]
fn file_capture_filters_what_it_delivers() {
    for name in ["sample.pcap", "sample.pcapng", "sample-be-nano.pcap"] {
        for expr in ["tcp", "udp or arp", "not ip", "ip[8] > 60", "greater 100"] {
            let mut cap = Capture::from_file(data(name)).unwrap();
            let program = cap.compile(expr, true).unwrap();
            let want: Vec<Vec<u8>> = verdicts(name, &program)
                .into_iter()
                .filter(|(_, m)| *m)
                .map(|(d, _)| d)
                .collect();
            cap.filter(expr, true).unwrap();
            let mut got = Vec::new();
            while let Ok(p) = cap.next_packet() {
                got.push(p.data.to_vec());
            }
            assert_eq!(got, want, "{name}: {expr}");
            // `packets()` delivers the same.
            let mut cap = Capture::from_file(data(name)).unwrap();
            cap.filter(expr, false).unwrap();
            let owned: Vec<Vec<u8>> = cap.packets().map(|p| p.unwrap().data).collect();
            assert_eq!(owned, want, "{name}: {expr} (packets)");
        }
    }
}

#[test]
fn file_capture_compiles_for_a_savefile() {
    let cap = Capture::from_file(data("sample.pcap")).unwrap();
    assert_eq!(cap.get_datalink(), Linktype::EN10MB);
    // libpcap: "inbound/outbound not supported on Ethernet when reading savefiles".
    match cap.compile("inbound", true) {
        Err(Error::Filter(e)) => {
            assert_eq!(e.kind(), ErrorKind::UnsupportedLinktype);
            assert!(e.message().contains("when reading savefiles"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    let p = cap.compile("tcp", true).unwrap();
    let q = Options::new(Linktype::EN10MB)
        .snaplen(cap.snaplen())
        .context(Context::Savefile { swapped: false })
        .compile("tcp")
        .unwrap();
    assert_eq!(p.instructions(), q.instructions());
}

#[test]
fn errors_come_back_with_the_caret() {
    let mut cap = Capture::from_file(data("sample.pcap")).unwrap();
    let e = cap.filter("tcp port 99999", true).unwrap_err();
    assert_eq!(
        e.to_string(),
        "illegal port number 99999 > 65535\ntcp port 99999\n         ^^^^^"
    );
    // The failed filter changed nothing: every packet still comes.
    let mut n = 0;
    while cap.next().unwrap().is_some() {
        n += 1;
    }
    assert_eq!(
        n,
        verdicts(
            "sample.pcap",
            &Capture::dead(Linktype::EN10MB)
                .unwrap()
                .compile("", true)
                .unwrap()
        )
        .len()
    );
}
