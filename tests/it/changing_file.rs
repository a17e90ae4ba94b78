//! Files that change while they are read: cut short or grown by another writer under a reader
//! opened by path (`Capture::from_file`, `file::Reader::open`). Nothing may end the process
//! (a memory-mapped file would raise SIGBUS here); the reader delivers the packets before the
//! change, then ends cleanly or with an error naming the offset.

use ferrocap::file::{self, pcap, pcapng, ErrorKind};
use ferrocap::{Capture, Linktype, OwnedPacket, PacketHeader, Precision, Timestamp};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Packets in the test files: enough for several megabytes, far more than a reader buffers.
const PACKETS: u32 = 30_000;
/// Bytes of each packet.
const SIZE: u32 = 150;

/// A path in the temporary directory unique to this test and process.
fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("ferrocap-{}-{name}", std::process::id()))
}

fn packet(i: u32) -> (PacketHeader, Vec<u8>) {
    let ts = Timestamp::new(1_700_000_000 + i64::from(i), i * 1000);
    let data: Vec<u8> = (0..SIZE).map(|b| (b + i) as u8).collect();
    (PacketHeader::new(ts, SIZE, SIZE, Linktype::EN10MB), data)
}

/// A pcap file of packets `from..to`, with or without the file header; returns its bytes and
/// the offset of each record.
fn pcap_bytes(from: u32, to: u32, header: bool) -> (Vec<u8>, Vec<u64>) {
    let mut w = pcap::Writer::new(Vec::new(), Linktype::EN10MB, 65535, Precision::Micro).unwrap();
    let mut starts = Vec::new();
    for i in from..to {
        starts.push(w.bytes_written());
        let (h, d) = packet(i);
        w.write(&h, &d).unwrap();
    }
    let mut bytes = w.into_inner().unwrap();
    if !header {
        bytes.drain(..24);
        for s in &mut starts {
            *s -= 24;
        }
    }
    (bytes, starts)
}

/// A pcapng file of packets `0..to` and the offset of each packet block.
fn pcapng_bytes(to: u32) -> (Vec<u8>, Vec<u64>) {
    let mut w = pcapng::Writer::new(Vec::new()).unwrap();
    let id = w
        .add_interface(&pcapng::Interface::new(Linktype::EN10MB, 65535))
        .unwrap();
    let mut starts = Vec::new();
    for i in 0..to {
        starts.push(w.bytes_written());
        let (h, d) = packet(i);
        w.write_packet(id, &h, &d).unwrap();
    }
    (w.into_inner().unwrap(), starts)
}

/// One way of opening a file by path, read to its end: the packets, then `Ok(())` at the end or
/// the error's offset.
type Opener = fn(&Path, &mut dyn FnMut(usize)) -> (Vec<OwnedPacket>, Result<(), Option<u64>>);

/// Reads the file through `Capture::from_file`, calling `between(n)` after the n-th packet.
fn via_capture(
    path: &Path,
    between: &mut dyn FnMut(usize),
) -> (Vec<OwnedPacket>, Result<(), Option<u64>>) {
    let mut cap = Capture::from_file(path).unwrap();
    let mut out = Vec::new();
    loop {
        match cap.next_packet() {
            Ok(p) => out.push(p.to_owned()),
            Err(ferrocap::Error::NoMorePackets) => return (out, Ok(())),
            Err(ferrocap::Error::File(e)) => return (out, Err(e.offset())),
            Err(e) => panic!("unexpected error: {e}"),
        }
        between(out.len());
    }
}

/// Reads the file through `file::Reader::open`, calling `between(n)` after the n-th packet.
fn via_reader(
    path: &Path,
    between: &mut dyn FnMut(usize),
) -> (Vec<OwnedPacket>, Result<(), Option<u64>>) {
    let mut r = file::Reader::open(path).unwrap();
    let mut out = Vec::new();
    loop {
        match r.next() {
            Ok(Some(p)) => out.push(p.to_owned()),
            Ok(None) => return (out, Ok(())),
            Err(e) => {
                assert!(
                    matches!(
                        e.kind(),
                        ErrorKind::TruncatedRecord { .. }
                            | ErrorKind::TruncatedRecordHeader { .. }
                            | ErrorKind::TruncatedBlock { .. }
                    ),
                    "{e}"
                );
                assert!(r.next().unwrap().is_none(), "the file ends after an error");
                return (out, Err(e.offset()));
            }
        }
        between(out.len());
    }
}

const OPENERS: [(&str, Opener); 2] = [
    ("Capture::from_file", via_capture),
    ("file::Reader::open", via_reader),
];

fn assert_prefix(got: &[OwnedPacket], n: usize, what: &str) {
    assert_eq!(got.len(), n, "{what}: packets delivered");
    for (i, p) in got.iter().enumerate() {
        let (h, d) = packet(i as u32);
        assert_eq!(
            (p.header.ts, &p.data[..]),
            (h.ts, &d[..]),
            "{what}: packet {i}"
        );
    }
}

fn truncate(path: &Path, len: u64) {
    OpenOptions::new()
        .write(true)
        .open(path)
        .unwrap()
        .set_len(len)
        .unwrap();
}

fn append(path: &Path, bytes: &[u8]) {
    let mut f = OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(bytes).unwrap();
    f.sync_data().unwrap();
}

#[test]
fn a_file_cut_short_under_the_reader_gives_the_packets_before_the_cut() {
    for (format, (bytes, starts)) in [
        ("pcap", pcap_bytes(0, PACKETS, true)),
        ("pcapng", pcapng_bytes(PACKETS)),
    ] {
        for (name, open) in OPENERS {
            let what = format!("{format} via {name}");
            let path = temp(&format!("cut-{format}"));
            // Cut in the middle of a record far beyond what the reader has buffered, then at a
            // record boundary, after the reader has read a few packets.
            for (cut, keep, ends_in_error) in [
                (starts[20_000] + 7, 20_000, true),
                (starts[25_000], 25_000, false),
            ] {
                std::fs::write(&path, &bytes).unwrap();
                let (got, end) = open(&path, &mut |n| {
                    if n == 3 {
                        truncate(&path, cut);
                    }
                });
                assert_prefix(&got, keep, &what);
                if ends_in_error {
                    assert_eq!(
                        end,
                        Err(Some(starts[keep])),
                        "{what}: the error names the record"
                    );
                } else {
                    assert_eq!(end, Ok(()), "{what}: a cut at a record boundary is an end");
                }
            }
            // Cut to less than the reader has already consumed: what it had buffered, then an
            // end or an error; never a signal.
            std::fs::write(&path, &bytes).unwrap();
            let (got, _) = open(&path, &mut |n| {
                if n == 100 {
                    truncate(&path, 64);
                }
            });
            assert!(got.len() >= 100 && got.len() < PACKETS as usize, "{what}");
            assert_prefix(&got, got.len(), &what);
            let _ = std::fs::remove_file(&path);
        }
    }
}

#[test]
fn a_file_that_grows_under_the_reader_is_read_on() {
    let (first, _) = pcap_bytes(0, PACKETS, true);
    let (more, starts) = pcap_bytes(PACKETS, 2 * PACKETS, false);
    for (name, open) in OPENERS {
        let path = temp(&format!("grow-{}", name.len()));
        std::fs::write(&path, &first).unwrap();
        // Another writer appends whole records and then half of one.
        let half = starts[1] as usize / 2;
        let (got, end) = open(&path, &mut |n| {
            if n == 5 {
                append(&path, &more[..starts[1000] as usize]);
                append(
                    &path,
                    &more[starts[1000] as usize..starts[1000] as usize + half],
                );
            }
        });
        assert_prefix(&got, PACKETS as usize + 1000, name);
        let at = first.len() as u64 + starts[1000];
        assert_eq!(end, Err(Some(at)), "{name}: the partial record is named");

        // Appended after the reader has seen the end: the reader has ended.
        std::fs::write(&path, &first).unwrap();
        let mut appended = false;
        let (got, end) = open(&path, &mut |n| {
            if n == PACKETS as usize && !appended {
                appended = true;
                append(&path, &more[..starts[10] as usize]);
            }
        });
        // The reader may or may not have reached the end of its buffer before the append;
        // either way it reads whole packets and ends cleanly.
        assert!(got.len() == PACKETS as usize || got.len() == PACKETS as usize + 10);
        assert_prefix(&got, got.len(), name);
        assert_eq!(end, Ok(()));
        let _ = std::fs::remove_file(&path);
    }
}
