//! Fuzz bodies for the capture-file readers and writers.

use crate::file::{self, pcap, pcapng};
use crate::packet::OwnedPacket;

/// Reads `data` to the end with `reader`, checking the invariants every reader keeps.
fn drain<R: std::io::Read>(mut reader: file::Reader<R>, len: usize) -> (Vec<OwnedPacket>, bool) {
    let mut packets = Vec::new();
    let mut last = reader.offset();
    // Each packet consumes at least 12 bytes, so more calls than this means a loop.
    for _ in 0..len / 12 + 2 {
        match reader.next() {
            Ok(Some(p)) => {
                assert_eq!(p.data.len(), p.header.caplen as usize);
                packets.push(p.to_owned());
                let now = reader.offset();
                assert!(now > last, "packet without progress");
                last = now;
            }
            Ok(None) => return (packets, true),
            Err(e) => {
                assert!(e.offset().is_none_or(|o| o <= len as u64));
                assert!(matches!(reader.next(), Ok(None)));
                return (packets, false);
            }
        }
    }
    panic!("reader did not finish");
}

/// Any bytes through the auto-detecting reader, from memory and as a stream: no panic, no
/// loop, and both paths deliver the same packets and end the same way.
pub fn file_read(data: &[u8]) {
    let from_memory = file::Reader::from_bytes(data.to_vec());
    let from_stream = file::Reader::new(data);
    match (from_memory, from_stream) {
        (Ok(a), Ok(b)) => {
            let (pa, ea) = drain(a, data.len());
            let (pb, eb) = drain(b, data.len());
            assert_eq!(pa, pb);
            assert_eq!(ea, eb);
        }
        (Err(a), Err(b)) => assert_eq!(a.offset(), b.offset()),
        _ => panic!("memory and stream readers disagree on opening"),
    }
}

/// Any bytes through the pcap reader alone.
pub fn pcap_read(data: &[u8]) {
    if let Ok(mut r) = pcap::Reader::new(data) {
        for _ in 0..data.len() / 16 + 2 {
            match r.next() {
                Ok(Some(p)) => assert_eq!(p.data.len(), p.header.caplen as usize),
                Ok(None) | Err(_) => return,
            }
        }
        panic!("pcap reader did not finish");
    }
}

/// Any bytes through the pcapng reader alone, packets and then every block.
pub fn pcapng_read(data: &[u8]) {
    if let Ok(mut r) = pcapng::Reader::new(data) {
        for _ in 0..data.len() / 12 + 2 {
            match r.next_in_context() {
                Ok(Some((p, c))) => {
                    assert_eq!(p.data.len(), p.header.caplen as usize);
                    let _ = pcapng::PacketOptions::parse(c.options);
                }
                Ok(None) | Err(_) => break,
            }
        }
    }
    if let Ok(mut r) = pcapng::Reader::new(data) {
        for _ in 0..data.len() / 12 + 2 {
            match r.next_block() {
                Ok(Some(_)) => {}
                Ok(None) => return,
                // Errors in blocks the reader does not need are returned for that block alone.
                Err(_) => {}
            }
        }
        panic!("pcapng block reader did not finish");
    }
}

/// Packets read from `data` (if it is a capture) and written as pcap and as pcapng read back
/// the same.
pub fn file_roundtrip(data: &[u8]) {
    let Ok(reader) = file::Reader::new(data) else {
        return;
    };
    let (packets, _) = drain(reader, data.len());
    let Some(first) = packets.first() else { return };
    let lt = first.header.linktype();
    for precision in [crate::Precision::Micro, crate::Precision::Nano] {
        let Ok(mut w) = pcap::Writer::new(Vec::new(), lt, lt.max_snaplen(), precision) else {
            return;
        };
        let mut written = Vec::new();
        for p in packets.iter().filter(|p| p.header.linktype() == lt) {
            // Times outside pcap's range are refused, not wrapped.
            if w.write_packet(&p.as_packet()).is_ok() {
                written.push(p);
            }
        }
        let bytes = w.into_inner().expect("writing to a Vec cannot fail");
        let mut r = pcap::Reader::new(&bytes[..]).expect("our own output must read back");
        for p in written {
            let got = r
                .next()
                .expect("our own output must read back")
                .expect("a packet");
            assert_eq!(got.data, &p.data[..]);
            assert_eq!(got.header.ts, p.header.ts.truncate(precision));
            // USB_LINUX_MMAPPED lengths are recomputed on every read, as libpcap does.
            if lt.0 != 220 {
                assert_eq!(got.header.len, p.header.len);
            }
        }
        assert!(matches!(r.next(), Ok(None)));
    }
    // pcapng keeps every link type, in nanoseconds.
    let mut w = pcapng::Writer::new(Vec::new()).expect("writing to a Vec cannot fail");
    let mut ids: std::collections::HashMap<_, Option<u32>> = std::collections::HashMap::new();
    let mut written = Vec::new();
    for p in &packets {
        let lt = p.header.linktype();
        let id = match ids.get(&lt) {
            Some(&id) => id,
            None => {
                let mut i = pcapng::Interface::new(lt, 0);
                i.tsresol = pcapng::TsResolution::NANO;
                // pcapng link types are 16 bits, pcap's 26: the others cannot be written.
                let id = w.add_interface(&i).ok();
                assert_eq!(id.is_some(), lt.0 <= 0xffff);
                ids.insert(lt, id);
                id
            }
        };
        let Some(id) = id else { continue };
        if w.write_packet(id, &p.header, &p.data).is_ok() {
            written.push((id, p));
        }
    }
    let bytes = w.into_inner().expect("writing to a Vec cannot fail");
    let mut r = pcapng::Reader::new(&bytes[..]).expect("our own output must read back");
    for (id, p) in written {
        let got = r
            .next()
            .expect("our own output must read back")
            .expect("a packet");
        assert_eq!(got.data, &p.data[..]);
        assert_eq!(got.header.ts, p.header.ts);
        assert_eq!(got.header.interface_id(), id);
        assert_eq!(got.header.linktype(), p.header.linktype());
        if p.header.linktype().0 != 220 {
            assert_eq!(got.header.len, p.header.len);
        }
    }
    assert!(matches!(r.next(), Ok(None)));
}
