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
