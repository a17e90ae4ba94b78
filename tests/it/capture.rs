//! The front door: `Capture<S>` in its offline and dead states, the shared `Activated`
//! surface, savefiles and the `pcap`-crate names.

use ferrocap::bpf::Program;
use ferrocap::{
    Activated, Capture, Error, Linktype, OwnedPacket, Packet, PacketCodec, Precision, Timestamp,
};
use std::path::PathBuf;

fn data(name: &str) -> String {
    format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A fresh path in the temporary directory, removed when dropped.
struct TempPath(PathBuf);

impl TempPath {
    fn new(name: &str) -> TempPath {
        let p =
            std::env::temp_dir().join(format!("ferrocap-capture-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&p);
        TempPath(p)
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn all(path: &str) -> Vec<OwnedPacket> {
    Capture::from_file(path)
        .unwrap()
        .packets()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_failed_open_names_the_path_and_the_reason() {
    let err = Capture::from_file("/nonexistent/dir/x.pcap").unwrap_err();
    let Error::Open { path, source } = &err else {
        panic!("not an Open error: {err:?}");
    };
    assert_eq!(path, &PathBuf::from("/nonexistent/dir/x.pcap"));
    assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
    let msg = err.to_string();
    assert!(msg.starts_with("/nonexistent/dir/x.pcap: "), "{msg}");
    assert!(!msg.contains("at byte"), "{msg}");

    // A directory opens but cannot be read: still the path and the system's reason.
    let err = Capture::from_file("/").unwrap_err();
    assert!(matches!(err, Error::Open { .. }), "{err:?}");

    // Not a capture: the format error, at byte 0.
    let err = Capture::from_file(data("README.md")).unwrap_err();
    assert!(matches!(err, Error::File(_)), "{err:?}");
    assert!(err.to_string().contains("unknown file format"), "{err}");
}

#[test]
fn next_tells_the_end_from_an_error() {
    let mut cap = Capture::from_file(data("sample.pcap")).unwrap();
    let mut n = 0;
    while cap.next().unwrap().is_some() {
        n += 1;
    }
    assert_eq!(n, 13);
    assert!(matches!(cap.next_packet(), Err(Error::NoMorePackets)));

    let mut cap = Capture::from_file(data("truncated.pcap")).unwrap();
    let mut n = 0;
    let err = loop {
        match cap.next() {
            Ok(Some(_)) => n += 1,
            Ok(None) => panic!("a cut file ended without an error"),
            Err(e) => break e,
        }
    };
    assert_eq!(n, 12, "every packet before the cut");
    assert!(err.to_string().contains("truncated record"), "{err}");
    assert!(cap.next().unwrap().is_none(), "after an error, the end");
}

#[test]
fn precision_defaults_to_microseconds_as_libpcap() {
    assert_eq!(Precision::default(), Precision::Micro);
    let micro = all(&data("sample-be-nano.pcap"));
    assert!(micro.iter().all(|p| p.header.ts.nanos() % 1000 == 0));
    let cap = Capture::from_file(data("sample-be-nano.pcap")).unwrap();
    assert_eq!(cap.precision(), Precision::Micro);

    let nano: Vec<OwnedPacket> =
        Capture::from_file_with_precision(data("sample-be-nano.pcap"), Precision::Nano)
            .unwrap()
            .packets()
            .collect::<Result<_, _>>()
            .unwrap();
    assert!(nano.iter().any(|p| p.header.ts.nanos() % 1000 != 0));
    for (m, n) in micro.iter().zip(&nano) {
        assert_eq!(m.header.ts, n.header.ts.truncate(Precision::Micro));
    }
}

#[test]
fn streams_bytes_and_fds_read_the_same_packets() {
    let path = data("sample.pcapng");
    let want = all(&path);
    let bytes = std::fs::read(&path).unwrap();
    let from = |cap: Capture<ferrocap::Offline>| -> Vec<OwnedPacket> {
        cap.packets().collect::<Result<_, _>>().unwrap()
    };
    assert_eq!(from(Capture::from_bytes(bytes.clone()).unwrap()), want);
    assert_eq!(
        from(Capture::from_reader(std::io::Cursor::new(bytes)).unwrap()),
        want
    );
    let fd = std::os::fd::OwnedFd::from(std::fs::File::open(&path).unwrap());
    assert_eq!(from(Capture::from_fd(fd).unwrap()), want);
}

/// Code written once for every readable state.
fn count<S: Activated + ?Sized>(cap: &mut Capture<S>) -> usize {
    let mut n = 0;
    cap.for_each(None, |_| n += 1).unwrap();
    n
}

#[test]
fn offline_and_dead_share_one_surface() {
    let mut offline = Capture::from_file(data("sample.pcap")).unwrap();
    assert_eq!(count(&mut offline), 13);
    let mut dead = Capture::dead(Linktype::RAW).unwrap();
    assert_eq!(count(&mut dead), 0);
    assert!(matches!(dead.next_packet(), Err(Error::NoMorePackets)));
    assert_eq!(dead.get_datalink(), Linktype::RAW);
    assert_eq!(dead.snaplen(), 262_144);

    // Erased, as the `pcap` crate's `Capture<dyn Activated>`.
    let mut caps: Vec<Capture<dyn Activated>> = vec![
        Capture::from_file(data("sample.pcap")).unwrap().into(),
        Capture::dead(Linktype::EN10MB).unwrap().into(),
        Capture::from_file(data("sample.pcapng")).unwrap().into(),
    ];
    let counts: Vec<usize> = caps.iter_mut().map(count).collect();
    assert_eq!(counts, [13, 0, all(&data("sample.pcapng")).len()]);
    let send: Capture<dyn Activated + Send> =
        Capture::from_file(data("sample.pcap")).unwrap().into();
    std::thread::spawn(move || {
        let mut send = send;
        assert_eq!(count(&mut send), 13);
    })
    .join()
    .unwrap();
}

#[test]
fn for_each_dispatch_iter_and_packets_agree() {
    let want = all(&data("sample.pcap"));
    let mut cap = Capture::from_file(data("sample.pcap")).unwrap();
    let mut seen = Vec::new();
    cap.for_each(Some(4), |p| seen.push(p.to_owned())).unwrap();
    assert_eq!(seen, want[..4]);
    let mut batch = Vec::new();
    assert_eq!(
        cap.dispatch(Some(3), |p| batch.push(p.to_owned())).unwrap(),
        3
    );
    assert_eq!(batch, want[4..7]);
    assert_eq!(cap.dispatch(None, |_| {}).unwrap(), 6);
    assert_eq!(cap.dispatch(None, |_| {}).unwrap(), 0);

    struct Lengths;
    impl PacketCodec for Lengths {
        type Item = (Timestamp, usize);
        fn decode(&mut self, p: Packet<'_>) -> Self::Item {
            (p.header.ts, p.data.len())
        }
    }
    let items: Vec<_> = Capture::from_file(data("sample.pcap"))
        .unwrap()
        .iter(Lengths)
        .collect::<Result<_, _>>()
        .unwrap();
    let expect: Vec<_> = want.iter().map(|p| (p.header.ts, p.data.len())).collect();
    assert_eq!(items, expect);

    // An error ends the iterators after it is yielded.
    let mut it = Capture::from_file(data("truncated.pcap"))
        .unwrap()
        .iter(Lengths);
    assert_eq!(it.by_ref().take(12).filter(|r| r.is_ok()).count(), 12);
    assert!(it.next().unwrap().is_err());
    assert!(it.next().is_none());
}

/// `tcpdump -ddd ip`.
const IP: &str = "4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n";

#[test]
fn set_program_filters_a_file_in_user_space() {
    let program = Program::parse(IP, Default::default()).unwrap();
    for name in ["sample.pcap", "sample.pcapng", "truncated.pcap"] {
        let path = data(name);
        let mut want = Vec::new();
        let mut plain = Capture::from_file(&path).unwrap();
        let plain_end = loop {
            match plain.next() {
                Ok(Some(p)) => {
                    if program.matches(p.header, p.data) {
                        want.push(p.to_owned());
                    }
                }
                Ok(None) => break None,
                Err(e) => break Some(e.to_string()),
            }
        };
        assert!(!want.is_empty(), "{name}: some IPv4");
        let mut cap = Capture::from_file(&path).unwrap();
        cap.set_program(&program).unwrap();
        assert_eq!(cap.program().map(|p| p.len()), Some(4));
        let mut got = Vec::new();
        let end = loop {
            match cap.next() {
                Ok(Some(p)) => got.push(p.to_owned()),
                Ok(None) => break None,
                Err(e) => break Some(e.to_string()),
            }
        };
        assert_eq!(got, want, "{name}");
        assert_eq!(end, plain_end, "{name}: the same end");

        // The pcapng context path filters too.
        let mut cap = Capture::from_file(&path).unwrap();
        cap.set_program(&program).unwrap();
        let mut n = 0;
        while let Ok(Some((p, _))) = cap.next_in_context() {
            assert_eq!(p.to_owned(), want[n]);
            n += 1;
        }
        assert_eq!(n, want.len(), "{name}: next_in_context");
    }
}

#[test]
fn savefiles_round_trip_and_append() {
    let packets = all(&data("sample.pcap"));
    let out = TempPath::new("save.pcap");
    let dead = Capture::dead(Linktype::EN10MB).unwrap();
    let mut save = dead.savefile(&out.0).unwrap();
    for p in &packets[..5] {
        save.write(&p.as_packet()).unwrap();
    }
    save.flush().unwrap();
    drop(save);
    assert_eq!(all(out.0.to_str().unwrap()), packets[..5]);

    let mut more = dead.savefile_append(&out.0).unwrap();
    assert_eq!(
        more.bytes_written(),
        std::fs::metadata(&out.0).unwrap().len()
    );
    for p in &packets[5..] {
        more.write(&p.as_packet()).unwrap();
    }
    more.flush().unwrap();
    drop(more);
    assert_eq!(all(out.0.to_str().unwrap()), packets);

    // Appending refuses what libpcap refuses, and says why.
    let raw = Capture::dead(Linktype::RAW).unwrap();
    let err = raw.savefile_append(&out.0).unwrap_err();
    assert!(matches!(err, Error::Append { .. }), "{err:?}");
    assert!(err.to_string().contains("link type"), "{err}");
    let nano = Capture::dead_with_precision(Linktype::EN10MB, Precision::Nano).unwrap();
    assert!(nano
        .savefile_append(&out.0)
        .unwrap_err()
        .to_string()
        .contains("nanosecond"));
    let err = dead.savefile_append(data("sample.pcapng")).unwrap_err();
    assert!(err.to_string().contains("pcapng"), "{err}");

    // A missing file is started afresh; so is an empty one.
    let fresh = TempPath::new("fresh.pcap");
    let mut save = dead.savefile_append(&fresh.0).unwrap();
    save.write(&packets[0].as_packet()).unwrap();
    drop(save);
    assert_eq!(all(fresh.0.to_str().unwrap()), packets[..1]);

    // The other byte order: appended in that order (libpcap refuses).
    let be = TempPath::new("be.pcap");
    std::fs::copy(data("sample-be-nano.pcap"), &be.0).unwrap();
    let be_nano =
        Capture::dead_with_snaplen_and_precision(Linktype::EN10MB, 65535, Precision::Nano).unwrap();
    let mut save = be_nano.savefile_append(&be.0).unwrap();
    assert_eq!(save.header().endianness, ferrocap::file::Endianness::Big);
    save.write(&packets[0].as_packet()).unwrap();
    drop(save);
    let back = all(be.0.to_str().unwrap());
    assert_eq!(back.len(), 14);
    assert_eq!(back[13].data, packets[0].data);
}

#[test]
fn savefile_to_a_writer() {
    let packets = all(&data("sample.pcap"));
    let cap = Capture::from_file(data("sample.pcap")).unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    struct Chan(std::sync::mpsc::Sender<Vec<u8>>);
    impl std::io::Write for Chan {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.send(b.to_vec()).unwrap();
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut save = cap.savefile_to(Chan(tx)).unwrap();
    for p in &packets {
        save.write(&p.as_packet()).unwrap();
    }
    drop(save);
    let bytes: Vec<u8> = rx.iter().flatten().collect();
    let back: Vec<OwnedPacket> = Capture::from_bytes(bytes)
        .unwrap()
        .packets()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(back, packets);
}
