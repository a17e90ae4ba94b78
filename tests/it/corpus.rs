//! Every capture in `../shared/corpus` read by ferrocap and compared with libpcap's view
//! (`golden/`) and, where ferrocap reads further than libpcap, with Wireshark's (`golden-ng/`).
//!
//! The comparison is per packet: time stamp to the nanosecond, captured length, wire length and
//! the FNV-1a hash of the bytes (MD5 against Wireshark). Files are read twice, memory-mapped
//! and as a stream handed out in odd-sized pieces, and both must agree.
//!
//! Deliberate differences from libpcap, each checked rather than skipped:
//!
//! 1. **Unsigned pcap time fields.** libpcap reads a pcap record's seconds and fraction as signed
//!    32-bit numbers, so times after 2038 come out negative; the format says unsigned, Wireshark
//!    reads them unsigned, and so does ferrocap. The golden values are converted (add 2^32 where
//!    libpcap went negative) before comparing.
//! 2. **Reading on where libpcap stops.** In pcapng files libpcap stops at an interface whose
//!    link type or snapshot length differs from the first one's, and at a section of the other
//!    byte order; ferrocap reads on. The packets up to libpcap's stop must equal libpcap's; all
//!    packets must equal Wireshark's (`golden-ng`), link type per packet included.
//! 3. **pcapng files libpcap refuses at open** but that ferrocap reads (see `NG_OPEN`): compared
//!    with Wireshark's view the same way.

use crate::common::{fnv1a64, golden_nanos, md5_hex, shared_dir};
use ferrocap::file::{self, Format};
use ferrocap::{Linktype, Timestamp};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;

/// One packet as libpcap delivered it.
#[derive(Debug)]
struct Golden {
    sec: i64,
    nsec: i64,
    caplen: u32,
    len: u32,
    hash: u64,
}

/// How libpcap's reading ended.
#[derive(Debug, PartialEq)]
enum End {
    Ok,
    Stopped(String),
    OpenError(String),
}

struct GoldenFile {
    meta: BTreeMap<String, String>,
    packets: Vec<Golden>,
    end: End,
}

fn parse_golden(text: &str) -> GoldenFile {
    let mut meta = BTreeMap::new();
    let mut packets = Vec::new();
    let mut end = End::Ok;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# open error ") {
            end = End::OpenError(rest.to_owned());
        } else if let Some(rest) = line.strip_prefix("# end error ") {
            end = End::Stopped(rest.to_owned());
        } else if line == "# end ok" {
            end = End::Ok;
        } else if let Some(rest) = line.strip_prefix("# ") {
            for kv in rest.split(' ') {
                if let Some((k, v)) = kv.split_once('=') {
                    meta.insert(k.to_owned(), v.to_owned());
                }
            }
        } else if !line.is_empty() {
            let f: Vec<&str> = line.split('\t').collect();
            packets.push(Golden {
                sec: f[1].parse().unwrap(),
                nsec: f[2].parse().unwrap(),
                caplen: f[3].parse().unwrap(),
                len: f[4].parse().unwrap(),
                hash: u64::from_str_radix(f[5], 16).unwrap(),
            });
        }
    }
    GoldenFile { meta, packets, end }
}

/// One record as Wireshark shows it (`golden-ng`).
#[derive(Debug)]
struct NgRecord {
    section: usize,
    if_id: Option<u32>,
    time: Option<(i64, u32)>,
    caplen: u32,
    len: u32,
    md5: String,
    is_custom: bool,
}

struct NgFile {
    records: Vec<NgRecord>,
    /// (section from 1, local interface id) → raw link type.
    idbs: BTreeMap<(usize, u32), u32>,
    rc: i32,
    /// tshark's error text, when it stopped with one.
    error: String,
    /// Packet records (EPB, SPB, obsolete PB) the structural walk found, and whether it walked
    /// the whole file.
    walk_records: usize,
    walk_complete: bool,
}

fn parse_ng(text: &str) -> NgFile {
    let mut records = Vec::new();
    let mut idbs = BTreeMap::new();
    let mut rc = 0;
    let mut error = String::new();
    let mut walk_records = 0;
    let mut walk_complete = true;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# blocks (capwalk): ") {
            walk_records = rest
                .split(' ')
                .filter_map(|kv| kv.split_once('='))
                .filter(|(k, _)| matches!(*k, "EPB" | "SPB" | "OPB"))
                .map(|(_, v)| v.parse::<usize>().unwrap())
                .sum();
        } else if line.starts_with("# capwalk stopped") {
            walk_complete = false;
        } else if let Some(rest) = line.strip_prefix("# idb ") {
            let get = |k: &str| {
                rest.split(' ')
                    .find_map(|kv| kv.strip_prefix(k))
                    .map(|v| v.to_owned())
            };
            let section: usize = get("section=").unwrap().parse().unwrap();
            let local: u32 = get("local_id=").unwrap().parse().unwrap();
            let lt: u32 = get("linktype=").unwrap().parse().unwrap();
            idbs.insert((section + 1, local), lt);
        } else if let Some(rest) = line.strip_prefix("# tshark: ") {
            rc = rest
                .split(' ')
                .find_map(|kv| kv.strip_prefix("rc="))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            error = rest
                .split_once("error=")
                .map_or(String::new(), |(_, e)| e.to_owned());
        } else if !line.starts_with('#') && !line.is_empty() {
            let f: Vec<&str> = line.split('\t').collect();
            let time = (f[4] != "-").then(|| {
                let (s, n) = f[4].split_once('.').unwrap();
                (s.parse().unwrap(), n.parse().unwrap())
            });
            records.push(NgRecord {
                section: f[1].parse().unwrap(),
                if_id: f[2].parse().ok(),
                time,
                caplen: f[5].parse().unwrap(),
                len: f[6].parse().unwrap(),
                md5: f[11].to_owned(),
                is_custom: f[10] != "-",
            });
        }
    }
    NgFile {
        records,
        idbs,
        rc,
        error,
        walk_records,
        walk_complete,
    }
}

/// One packet as ferrocap delivered it.
#[derive(Debug, PartialEq)]
struct Ours {
    ts: Timestamp,
    caplen: u32,
    len: u32,
    hash: u64,
    data: Vec<u8>,
    linktype: Linktype,
    interface_id: u32,
}

struct Run {
    opened: Result<(Option<Linktype>, Option<u32>, Format), String>,
    packets: Vec<Ours>,
    end: Result<(), String>,
}

fn run<R: Read>(reader: Result<file::Reader<R>, file::Error>) -> Run {
    let mut r = match reader {
        Ok(r) => r,
        Err(e) => {
            return Run {
                opened: Err(e.to_string()),
                packets: Vec::new(),
                end: Ok(()),
            }
        }
    };
    let opened = Ok((r.linktype(), r.snaplen(), r.format()));
    let mut packets = Vec::new();
    let end = loop {
        match r.next() {
            Ok(Some(p)) => {
                assert_eq!(p.data.len(), p.header.caplen as usize);
                packets.push(Ours {
                    ts: p.header.ts,
                    caplen: p.header.caplen,
                    len: p.header.len,
                    hash: fnv1a64(p.data),
                    data: p.data.to_vec(),
                    linktype: p.header.linktype(),
                    interface_id: p.header.interface_id(),
                })
            }
            Ok(None) => break Ok(()),
            Err(e) => break Err(e.to_string()),
        }
    };
    // A reader stays finished.
    assert!(matches!(r.next(), Ok(None)));
    Run {
        opened,
        packets,
        end,
    }
}

/// [`run`] by the reader's own loop (`try_for_each_in_context`), as the command reads.
fn run_walked<R: Read>(reader: Result<file::Reader<R>, file::Error>) -> Run {
    let mut r = match reader {
        Ok(r) => r,
        Err(e) => {
            return Run {
                opened: Err(e.to_string()),
                packets: Vec::new(),
                end: Ok(()),
            }
        }
    };
    let opened = Ok((r.linktype(), r.snaplen(), r.format()));
    let mut packets = Vec::new();
    let walked = r.try_for_each_in_context(|p, _| {
        assert_eq!(p.data.len(), p.header.caplen as usize);
        packets.push(Ours {
            ts: p.header.ts,
            caplen: p.header.caplen,
            len: p.header.len,
            hash: fnv1a64(p.data),
            data: p.data.to_vec(),
            linktype: p.header.linktype(),
            interface_id: p.header.interface_id(),
        });
        std::ops::ControlFlow::<()>::Continue(())
    });
    let end = match walked {
        Ok(flow) => {
            assert!(flow.is_continue());
            Ok(())
        }
        Err(e) => Err(e.to_string()),
    };
    assert!(matches!(r.next(), Ok(None)));
    Run {
        opened,
        packets,
        end,
    }
}

/// A reader that hands out at most 4093 bytes per call, to exercise stream buffering.
struct Pieces<R>(R);
impl<R: Read> Read for Pieces<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(4093);
        self.0.read(&mut buf[..n])
    }
}

/// pcapng files libpcap refuses at open that ferrocap reads, and why that is right.
const NG_OPEN: &[(&str, &str)] = &[
    (
        "pcapngtest__be__basic__test002.pcapng",
        "only a section header: an empty capture, not a damaged one (Wireshark: 0 packets)",
    ),
    (
        "pcapngtest__le__basic__test002.pcapng",
        "only a section header: an empty capture, not a damaged one (Wireshark: 0 packets)",
    ),
    (
        "pcapngtest__be__basic__test017.pcapng",
        "a section header and custom blocks, no interface: no packets (Wireshark: custom \
         blocks only)",
    ),
    (
        "pcapngtest__le__basic__test017.pcapng",
        "a section header and custom blocks, no interface: no packets (Wireshark: custom \
         blocks only)",
    ),
    (
        "pythonpcapng__test001.ntar",
        "a 28-byte section header and nothing else: an empty capture (Wireshark: 0 packets)",
    ),
    (
        "pythonpcapng__test004.ntar",
        "a section header with options and nothing else: an empty capture (Wireshark: 0 \
         packets)",
    ),
];

/// tshark errors about one record's pseudo-header for its encapsulation rather than about the
/// file's structure: tshark stops at that record, libpcap (which does not look inside packets)
/// would hand it over, and so does ferrocap. For such a file, every record tshark delivered
/// must still equal ferrocap's packet of the same number, ferrocap must read to the end, and
/// its packet count must equal the structural walk's record count (which must have walked the
/// whole file). `pcapngorg__pcap-ng_Wi-Fi_Bluetooth_USB_Cooked_timestamps_issue_1.ntar` has a
/// 3-byte packet on a Bluetooth H4-with-pseudo-header interface (link type 201).
const TSHARK_RECORD_ERRORS: &[&str] = &["too small to have even a pseudo-header"];

#[derive(Default)]
struct Tally {
    files: usize,
    packets_vs_libpcap: usize,
    packets_vs_wireshark: usize,
    read_on: Vec<String>,
    both_refuse: usize,
    mismatches: Vec<String>,
}

fn check_file(shared: &Path, name: &str, tally: &mut Tally) {
    let path = shared.join("corpus/files").join(name);
    let golden = std::fs::read_to_string(shared.join("corpus/golden").join(format!("{name}.tsv")))
        .map(|t| parse_golden(&t))
        .unwrap_or_else(|e| panic!("golden for {name}: {e}"));
    let mapped = run(file::Reader::open_with(&path, true));
    let streamed = run(std::fs::File::open(&path)
        .map_err(|e| file::Error::new(file::ErrorKind::Io(e), 0))
        .and_then(|f| file::Reader::new(Pieces(f))));
    let walked = run_walked(file::Reader::open(&path));
    let walked_mapped = run_walked(file::Reader::open_with(&path, true));
    let mut fail = |msg: String| tally.mismatches.push(format!("{name}: {msg}"));
    if mapped.packets != streamed.packets
        || mapped.end != streamed.end
        || mapped.opened != streamed.opened
    {
        fail("memory-mapped and streamed reads differ".into());
        return;
    }
    if [&walked, &walked_mapped].iter().any(|w| {
        w.packets != streamed.packets || w.end != streamed.end || w.opened != streamed.opened
    }) {
        fail("reading with try_for_each_in_context and with next differ".into());
        return;
    }
    let ours = mapped;
    let nano_file = golden.meta.get("precision").map(String::as_str) == Some("nano");
    let is_pcapng = golden.meta.get("format").map(String::as_str) == Some("pcapng");

    // Open errors: both refuse, or ferrocap reads on (pcapng, checked against Wireshark).
    if let End::OpenError(msg) = &golden.end {
        match &ours.opened {
            Err(_) => tally.both_refuse += 1,
            Ok(_) => {
                let listed = NG_OPEN.iter().any(|(n, _)| *n == name);
                if !listed {
                    fail(format!(
                        "libpcap refuses at open ({msg}), ferrocap opens it"
                    ));
                    return;
                }
                check_against_wireshark(shared, name, &ours, tally);
                tally.read_on.push(name.to_owned());
            }
        }
        return;
    }
    let (linktype, snaplen, _) = match &ours.opened {
        Ok(o) => *o,
        Err(e) => return fail(format!("libpcap opens it, ferrocap does not: {e}")),
    };
    let want_lt: u32 = golden.meta["linktype"].parse().unwrap();
    if linktype != Some(Linktype(want_lt)) {
        fail(format!("link type {linktype:?}, libpcap {want_lt}"));
    }
    let want_snap: u32 = golden.meta["snaplen"].parse().unwrap();
    if snaplen != Some(want_snap) {
        fail(format!("snaplen {snaplen:?}, libpcap {want_snap}"));
    }
    for (i, g) in golden.packets.iter().enumerate() {
        let Some(o) = ours.packets.get(i) else {
            return fail(format!(
                "ferrocap stopped after {} packets ({:?}), libpcap delivered {}",
                ours.packets.len(),
                ours.end,
                golden.packets.len()
            ));
        };
        let want_ts = golden_nanos(g.sec, g.nsec, nano_file);
        if o.ts.as_nanos() != want_ts || o.caplen != g.caplen || o.len != g.len || o.hash != g.hash
        {
            return fail(format!(
                "packet {}: ferrocap ts={} caplen={} len={} hash={:016x}; libpcap ts={}.{:09} caplen={} len={} hash={:016x}",
                i + 1, o.ts, o.caplen, o.len, o.hash, g.sec, g.nsec, g.caplen, g.len, g.hash
            ));
        }
        tally.packets_vs_libpcap += 1;
    }
    let k = golden.packets.len();
    match (&golden.end, &ours.end) {
        (End::Ok, Ok(())) if ours.packets.len() == k => {}
        (End::Ok, _) => fail(format!(
            "libpcap read {k} packets to the end, ferrocap {} then {:?}",
            ours.packets.len(),
            ours.end
        )),
        (End::Stopped(_), Err(_)) if ours.packets.len() == k => {}
        (End::Stopped(msg), _) if is_pcapng => {
            // Deliberate difference 2: check everything against Wireshark.
            let _ = msg;
            check_against_wireshark(shared, name, &ours, tally);
            tally.read_on.push(name.to_owned());
        }
        (End::Stopped(msg), end) => fail(format!(
            "libpcap stopped after {k} packets ({msg}); ferrocap delivered {} then {end:?}",
            ours.packets.len()
        )),
        (End::OpenError(_), _) => unreachable!(),
    }
}

/// All of ferrocap's packets against Wireshark's records of a pcapng file.
fn check_against_wireshark(shared: &Path, name: &str, ours: &Run, tally: &mut Tally) {
    let ng_path = shared.join("corpus/golden-ng").join(format!("{name}.txt"));
    let Ok(text) = std::fs::read_to_string(&ng_path) else {
        tally.mismatches.push(format!(
            "{name}: no golden-ng view to check reading on against"
        ));
        return;
    };
    let ng = parse_ng(&text);
    let records: Vec<&NgRecord> = ng.records.iter().filter(|r| !r.is_custom).collect();
    let mut fail = |msg: String| {
        tally
            .mismatches
            .push(format!("{name} (vs Wireshark): {msg}"))
    };
    let stopped_at_record = ng.rc != 0
        && TSHARK_RECORD_ERRORS.iter().any(|e| ng.error.contains(e))
        && ng.walk_complete
        && ours.end.is_ok()
        && ours.packets.len() > records.len()
        && ours.packets.len() == ng.walk_records;
    if records.len() != ours.packets.len() && !stopped_at_record {
        return fail(format!(
            "ferrocap delivered {} packets then {:?}, Wireshark {} (rc={})",
            ours.packets.len(),
            ours.end,
            records.len(),
            ng.rc
        ));
    }
    for (i, (o, r)) in ours.packets.iter().zip(&records).enumerate() {
        if let Some((s, n)) = r.time {
            if o.ts != Timestamp::new(s, n) {
                return fail(format!("packet {}: time {} vs {s}.{n:09}", i + 1, o.ts));
            }
        }
        // Wireshark strips some pseudo-headers before hashing: compare its bytes with our tail.
        let skip = (o.caplen as usize).saturating_sub(r.caplen as usize);
        let same_bytes = md5_hex(&o.data[skip..]) == r.md5;
        if o.len != r.len + skip as u32 || !same_bytes {
            return fail(format!(
                "packet {}: caplen={} len={} vs caplen={} len={} (md5 {})",
                i + 1,
                o.caplen,
                o.len,
                r.caplen,
                r.len,
                if same_bytes { "same" } else { "differs" }
            ));
        }
        if let Some(if_id) = r.if_id {
            if o.interface_id != if_id {
                return fail(format!(
                    "packet {}: interface {} vs {if_id}",
                    i + 1,
                    o.interface_id
                ));
            }
            let want = ng
                .idbs
                .get(&(r.section, if_id))
                .map(|&lt| Linktype::from_file_value(lt));
            if Some(o.linktype) != want {
                return fail(format!(
                    "packet {}: link type {:?} vs {want:?}",
                    i + 1,
                    o.linktype
                ));
            }
        }
        tally.packets_vs_wireshark += 1;
    }
    if ng.rc == 0 && ours.end.is_err() {
        fail(format!(
            "Wireshark reads to the end, ferrocap ends with {:?}",
            ours.end
        ));
    }
}

#[test]
fn corpus_matches_libpcap() {
    let Some(shared) = shared_dir() else { return };
    let mut names: Vec<String> = std::fs::read_dir(shared.join("corpus/files"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut tally = Tally::default();
    for name in &names {
        tally.files += 1;
        check_file(&shared, name, &mut tally);
    }
    let mut report = String::new();
    let _ = writeln!(
        report,
        "corpus: {} files; {} packets equal to libpcap's; {} files read past libpcap's stop or refusal, {} packets equal to Wireshark's; {} files refused by both; {} mismatches",
        tally.files,
        tally.packets_vs_libpcap,
        tally.read_on.len(),
        tally.packets_vs_wireshark,
        tally.both_refuse,
        tally.mismatches.len()
    );
    for m in &tally.mismatches {
        let _ = writeln!(report, "  MISMATCH {m}");
    }
    eprintln!("{report}");
    assert!(tally.mismatches.is_empty(), "{report}");
}
