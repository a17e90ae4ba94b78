//! pcapng writer → reader round trip on random files: several sections of either byte order,
//! interfaces of random link types, resolutions, offsets and options, statistics, and packets
//! with random times, lengths, flags and options. What is read back must equal what was
//! written: sections, interfaces, statistics, packet headers (time to the nanosecond, lengths,
//! interface, link type, flags), bytes and options.

use ferrocap::file::pcapng::{
    Interface, OptionCode, PacketHash, PacketOptions, RawOption, Reader, Section, Statistics,
    TsResolution, Writer,
};
use ferrocap::file::{BlockType, Endianness};
use ferrocap::{Linktype, PacketHeader, Timestamp};
use proptest::prelude::*;

/// Link types whose stored value is what libpcap reports and whose packets libpcap does not
/// post-process (so the bytes come back unchanged in either byte order).
const LINKTYPES: &[u32] = &[0, 1, 9, 101, 105, 127, 147, 228, 229, 0xffff];

#[derive(Clone, Debug)]
enum Event {
    Packet {
        interface: usize,
        units: u64,
        data: Vec<u8>,
        extra_len: u32,
        flags: Option<u32>,
        options: PacketOptions,
    },
    /// A simple packet (interface 0) of this original length.
    Simple { len: u32 },
}

#[derive(Clone, Debug)]
struct SectionModel {
    section: Section,
    interfaces: Vec<Interface>,
    stats: Vec<Option<Statistics>>,
    events: Vec<Event>,
}

fn text() -> impl Strategy<Value = String> {
    "\\PC{0,12}"
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

fn endianness() -> impl Strategy<Value = Endianness> {
    prop_oneof![Just(Endianness::Little), Just(Endianness::Big)]
}

fn tsresol() -> impl Strategy<Value = TsResolution> {
    prop_oneof![
        Just(TsResolution::MICRO),
        Just(TsResolution::NANO),
        (0u8..=19).prop_map(|n| TsResolution::decimal(n).unwrap()),
        (0u8..=63).prop_map(|n| TsResolution::binary(n).unwrap()),
    ]
}

fn raw_options(codes: &'static [u16]) -> impl Strategy<Value = Vec<RawOption>> {
    proptest::collection::vec(
        (
            proptest::sample::select(codes),
            proptest::collection::vec(any::<u8>(), 0..12),
        )
            .prop_map(|(code, value)| RawOption::new(OptionCode(code), value)),
        0..3,
    )
}

fn section() -> impl Strategy<Value = Section> {
    (
        endianness(),
        prop_oneof![Just((1u16, 0u16)), Just((1, 2))],
        opt_text(),
        opt_text(),
        opt_text(),
        proptest::collection::vec(text(), 0..3),
        raw_options(&[2988, 2989, 0x8001]),
    )
        .prop_map(|(e, version, hardware, os, application, comments, other)| {
            let mut s = Section::new(e);
            s.version = version;
            s.hardware = hardware;
            s.os = os;
            s.user_application = application;
            s.comments = comments;
            s.other_options = other;
            s
        })
}

fn interface() -> impl Strategy<Value = Interface> {
    (
        (
            proptest::sample::select(LINKTYPES),
            prop_oneof![Just(0u32), 1u32..2000, any::<u32>()],
            tsresol(),
            -(1i64 << 40)..(1i64 << 40),
        ),
        (opt_text(), opt_text(), opt_text(), opt_text(), opt_text()),
        (
            proptest::option::of(any::<u8>()),
            proptest::option::of(any::<u64>()),
            proptest::option::of(any::<[u8; 6]>()),
            proptest::collection::vec(text(), 0..2),
            raw_options(&[4, 5, 7, 10, 16, 17, 18, 2989]),
        ),
    )
        .prop_map(
            |(
                (lt, snaplen, tsresol, tsoffset),
                (name, description, filter, os, hardware),
                (fcslen, speed, mac, comments, other),
            )| {
                let mut i = Interface::new(Linktype(lt), snaplen);
                i.tsresol = tsresol;
                i.tsoffset = tsoffset;
                i.name = name;
                i.description = description;
                i.filter = filter;
                i.os = os;
                i.hardware = hardware;
                i.fcslen = fcslen;
                i.speed = speed;
                i.mac_address = mac;
                i.comments = comments;
                i.other_options = other;
                i
            },
        )
}

fn packet_options() -> impl Strategy<Value = PacketOptions> {
    (
        proptest::collection::vec(text(), 0..3),
        proptest::option::of((any::<u8>(), proptest::collection::vec(any::<u8>(), 0..20))),
        proptest::option::of(any::<u64>()),
        proptest::option::of(any::<u64>()),
        proptest::option::of(any::<u32>()),
        raw_options(&[7, 8, 2989]),
    )
        .prop_map(|(comments, hash, dropcount, packet_id, queue, other)| {
            let mut o = PacketOptions::default();
            o.comments = comments;
            o.hash = hash.map(|(algorithm, value)| PacketHash { algorithm, value });
            o.dropcount = dropcount;
            o.packet_id = packet_id;
            o.queue = queue;
            o.other_options = other;
            o
        })
}

fn event(interfaces: usize) -> impl Strategy<Value = Event> {
    prop_oneof![
        4 => (
            0..interfaces,
            prop_oneof![0u64..1 << 20, any::<u64>().prop_map(|u| u >> 2)],
            proptest::collection::vec(any::<u8>(), 0..300),
            prop_oneof![Just(0u32), 0u32..100_000],
            proptest::option::of(any::<u32>()),
            packet_options(),
        )
            .prop_map(|(interface, units, data, extra_len, flags, options)| Event::Packet {
                interface,
                units,
                data,
                extra_len,
                flags,
                options,
            }),
        1 => (0u32..400).prop_map(|len| Event::Simple { len }),
    ]
}

/// Statistics as generated: time units, received, dropped, comments.
type RawStats = (u64, Option<u64>, Option<u64>, Vec<String>);

fn statistics() -> impl Strategy<Value = Option<RawStats>> {
    proptest::option::of((
        any::<u64>().prop_map(|u| u >> 2),
        proptest::option::of(any::<u64>()),
        proptest::option::of(any::<u64>()),
        proptest::collection::vec(text(), 0..2),
    ))
}

fn section_model() -> impl Strategy<Value = SectionModel> {
    (section(), proptest::collection::vec(interface(), 1..4))
        .prop_flat_map(|(section, interfaces)| {
            let n = interfaces.len();
            (
                Just(section),
                Just(interfaces),
                proptest::collection::vec(statistics(), n),
                proptest::collection::vec(event(n), 0..8),
            )
        })
        .prop_map(|(section, interfaces, raw_stats, events)| {
            let stats = raw_stats
                .into_iter()
                .zip(&interfaces)
                .map(|(s, iface)| {
                    s.map(|(units, received, dropped, comments)| {
                        let mut st = Statistics::new(iface.timestamp(units));
                        st.received = received;
                        st.os_dropped = dropped;
                        st.comments = comments;
                        st.end = Some(iface.timestamp(units / 2));
                        st
                    })
                })
                .collect();
            SectionModel {
                section,
                interfaces,
                stats,
                events,
            }
        })
}

/// What reading a packet event must give: header, bytes and options.
fn expected(model: &SectionModel, ev: &Event) -> (PacketHeader, Vec<u8>, PacketOptions) {
    match ev {
        Event::Packet {
            interface,
            units,
            data,
            extra_len,
            flags,
            options,
        } => {
            let iface = &model.interfaces[*interface];
            let ts = iface.timestamp(*units);
            let len = (data.len() as u32).saturating_add(*extra_len);
            let header = PacketHeader::new(ts, data.len() as u32, len, iface.packet_linktype())
                .with_interface_id(*interface as u32)
                .with_flags(*flags);
            let mut options = options.clone();
            options.flags = *flags;
            (header, data.clone(), options)
        }
        Event::Simple { len } => {
            let iface = &model.interfaces[0];
            let caplen = (*len).min(iface.adjusted_snaplen());
            let data: Vec<u8> = (0..caplen).map(|i| i as u8).collect();
            let header =
                PacketHeader::new(iface.timestamp(0), caplen, *len, iface.packet_linktype());
            (header, data, PacketOptions::default())
        }
    }
}

fn write(models: &[SectionModel]) -> Vec<u8> {
    let mut w: Option<Writer<Vec<u8>>> = None;
    for m in models {
        match &mut w {
            None => w = Some(Writer::with_section(Vec::new(), &m.section).unwrap()),
            Some(w) => w.new_section(&m.section).unwrap(),
        }
        let w = w.as_mut().unwrap();
        for (i, iface) in m.interfaces.iter().enumerate() {
            assert_eq!(w.add_interface(iface).unwrap(), i as u32);
        }
        for (i, s) in m.stats.iter().enumerate() {
            if let Some(s) = s {
                w.write_stats(i as u32, s).unwrap();
            }
        }
        for ev in &m.events {
            let (header, data, options) = expected(m, ev);
            match ev {
                Event::Packet { interface, .. } => {
                    // The flags travel in the header.
                    let mut options = options;
                    options.flags = None;
                    w.write_packet_with(*interface as u32, &header, &data, &options)
                        .unwrap()
                }
                Event::Simple { len } => w.write_simple_packet(*len, &data).unwrap(),
            }
        }
    }
    w.unwrap().into_inner().unwrap()
}

fn check<R: std::io::Read>(mut r: Reader<R>, models: &[SectionModel]) {
    let first = &models[0].interfaces[0];
    assert_eq!(r.linktype(), Some(first.packet_linktype()));
    assert_eq!(r.snaplen(), Some(first.adjusted_snaplen()));
    for m in models {
        for ev in &m.events {
            let (want_header, want_data, want_options) = expected(m, ev);
            {
                let (p, opts) = r.next_with_options().unwrap().expect("a packet");
                assert_eq!(*p.header, want_header);
                assert_eq!(p.data, &want_data[..]);
                assert_eq!(PacketOptions::parse(opts).unwrap(), want_options);
            }
            assert_eq!(r.section(), &m.section);
            assert_eq!(r.endianness(), m.section.endianness);
            assert_eq!(r.version(), models[0].section.version);
            assert_eq!(r.interfaces().cloned().collect::<Vec<_>>(), m.interfaces);
            for (i, s) in m.stats.iter().enumerate() {
                assert_eq!(r.statistics(i as u32), s.as_ref());
            }
        }
    }
    assert!(r.next().unwrap().is_none());
}

/// Block types in file order, as the writer must have written them.
fn block_types(models: &[SectionModel]) -> Vec<BlockType> {
    let mut out = Vec::new();
    for m in models {
        out.push(BlockType(0x0A0D_0D0A));
        out.extend(m.interfaces.iter().map(|_| BlockType(1)));
        out.extend(m.stats.iter().flatten().map(|_| BlockType(5)));
        out.extend(m.events.iter().map(|ev| match ev {
            Event::Packet { .. } => BlockType(6),
            Event::Simple { .. } => BlockType(3),
        }));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn writer_then_reader_gives_back_everything(
        models in proptest::collection::vec(section_model(), 1..4)
    ) {
        let bytes = write(&models);
        check(Reader::from_bytes(bytes.clone()).unwrap(), &models);
        check(Reader::new(&bytes[..]).unwrap(), &models);
        let mut r = Reader::from_bytes(bytes).unwrap();
        let mut types = Vec::new();
        while let Some(b) = r.next_block().unwrap() {
            types.push(b.block_type());
        }
        prop_assert_eq!(types, block_types(&models));
    }
}

#[test]
fn auto_detecting_reader_reads_written_pcapng() {
    let mut iface = Interface::new(Linktype::EN10MB, 1500);
    iface.tsresol = TsResolution::NANO;
    let mut w = Writer::with_section(Vec::new(), &Section::new(Endianness::Big)).unwrap();
    w.add_interface(&iface).unwrap();
    let ts = Timestamp::new(1_700_000_000, 1);
    let h = PacketHeader::new(ts, 4, 4, Linktype::EN10MB).with_flags(Some(2));
    w.write_packet(0, &h, b"data").unwrap();
    let bytes = w.into_inner().unwrap();
    let mut r = ferrocap::file::Reader::from_bytes(bytes).unwrap();
    assert_eq!(r.format(), ferrocap::file::Format::Pcapng);
    assert_eq!(r.linktype(), Some(Linktype::EN10MB));
    assert_eq!(r.snaplen(), Some(1500));
    assert_eq!(r.precision(), ferrocap::Precision::Nano);
    assert_eq!(r.version(), (1, 0));
    assert_eq!(r.is_swapped(), Endianness::NATIVE != Endianness::Big);
    // Interfaces are known once read (only the first one's link type is looked ahead for).
    assert_eq!(r.as_pcapng().unwrap().interface(0), None);
    let p = r.next().unwrap().unwrap();
    assert_eq!(*p.header, h);
    assert_eq!(r.as_pcapng().unwrap().interface(0), Some(&iface));
    r.set_precision(Some(ferrocap::Precision::Micro));
    assert!(r.next().unwrap().is_none());
}

/// A damage done to a file.
#[derive(Clone, Debug)]
enum Damage {
    /// Cut at this fraction of the length (in 1/1000).
    Truncate(u16),
    /// Overwrite the byte at this fraction of the length.
    Set(u16, u8),
    /// Insert bytes at this fraction of the length.
    Insert(u16, Vec<u8>),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        1 => (0u16..1000).prop_map(Damage::Truncate),
        6 => (0u16..1000, any::<u8>()).prop_map(|(at, b)| Damage::Set(at, b)),
        2 => (0u16..1000, proptest::collection::vec(any::<u8>(), 1..9))
            .prop_map(|(at, b)| Damage::Insert(at, b)),
    ]
}

/// Everything a reader hands out, packets and blocks, until it stops.
fn read_all<R: std::io::Read>(r: Result<Reader<R>, ferrocap::file::Error>) -> Vec<String> {
    let mut r = match r {
        Ok(r) => r,
        Err(e) => return vec![format!("open: {e}")],
    };
    let mut out = Vec::new();
    loop {
        match r.next_with_options() {
            Ok(Some((p, opts))) => {
                let opts = PacketOptions::parse(opts).map_err(|e| e.offset().unwrap_or(u64::MAX));
                out.push(format!("{:?} {:?} {:?}", p.header, p.data, opts));
            }
            Ok(None) => break,
            Err(e) => {
                out.push(format!("error {e}"));
                assert!(r.next().unwrap().is_none());
                break;
            }
        }
        assert!(out.len() < 100_000);
    }
    out
}

fn blocks_all<R: std::io::Read>(r: Result<Reader<R>, ferrocap::file::Error>) -> Vec<String> {
    let Ok(mut r) = r else { return Vec::new() };
    let mut out = Vec::new();
    for _ in 0..100_000 {
        match r.next_block() {
            Ok(Some(b)) => out.push(format!("{b:?}")),
            Ok(None) => return out,
            Err(e) => out.push(format!("error {e}")),
        }
    }
    panic!("next_block does not end");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn damaged_files_never_panic(
        models in proptest::collection::vec(section_model(), 1..3),
        damages in proptest::collection::vec(damage(), 1..6),
    ) {
        let mut bytes = write(&models);
        for d in damages {
            let at = |f: u16| bytes.len() * usize::from(f) / 1000;
            match d {
                Damage::Truncate(f) => bytes.truncate(at(f)),
                Damage::Set(f, b) => {
                    let i = at(f);
                    if let Some(x) = bytes.get_mut(i) {
                        *x = b;
                    }
                }
                Damage::Insert(f, b) => {
                    let i = at(f);
                    bytes.splice(i..i, b);
                }
            }
        }
        let mem = read_all(Reader::from_bytes(bytes.clone()));
        let streamed = read_all(Reader::new(&bytes[..]));
        prop_assert_eq!(mem, streamed);
        let mem = blocks_all(Reader::from_bytes(bytes.clone()));
        let streamed = blocks_all(Reader::new(&bytes[..]));
        prop_assert_eq!(mem, streamed);
    }
}
