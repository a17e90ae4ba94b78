//! pcap writer → reader round trips are lossless (property test).

use ferrocap::file::{self, pcap, Endianness};
use ferrocap::{Linktype, OwnedPacket, PacketHeader, Precision, Timestamp};
use proptest::prelude::*;

fn header_strategy() -> impl Strategy<Value = pcap::FileHeader> {
    (
        prop::bool::ANY,
        prop::bool::ANY,
        prop::sample::select(vec![0u32, 1, 101, 105, 127, 228, 147, 65000]),
        1u32..=262_144,
        prop::option::of(0u32..16),
    )
        .prop_map(|(big, nano, lt, snaplen, fcs)| {
            let precision = if nano {
                Precision::Nano
            } else {
                Precision::Micro
            };
            let mut h = pcap::FileHeader::new(Linktype(lt), snaplen, precision);
            h.endianness = if big {
                Endianness::Big
            } else {
                Endianness::Little
            };
            h.linktype_ext = fcs.map_or(0, |w| 0x0400_0000 | (w << 28));
            h
        })
}

fn packets_strategy() -> impl Strategy<Value = Vec<(u32, u32, Vec<u8>, u32)>> {
    prop::collection::vec(
        (
            any::<u32>(),
            0u32..1_000_000_000,
            prop::collection::vec(any::<u8>(), 0..300),
            any::<u32>(),
        ),
        0..40,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn write_then_read(header in header_strategy(), raw in packets_strategy()) {
        let lt = Linktype::from_file_value(header.linktype.0);
        let snaplen = header.snaplen;
        let packets: Vec<OwnedPacket> = raw
            .into_iter()
            .map(|(secs, nanos, mut data, extra)| {
                data.truncate(snaplen as usize);
                let ts = Timestamp::new(secs as i64, nanos);
                let len = (data.len() as u32).saturating_add(extra % 100);
                OwnedPacket { header: PacketHeader::new(ts, data.len() as u32, len, lt), data }
            })
            .collect();
        let mut w = pcap::Writer::with_header(Vec::new(), header).unwrap();
        for p in &packets {
            w.write_packet(&p.as_packet()).unwrap();
        }
        let bytes = w.into_inner().unwrap();
        fn check<R: std::io::Read>(
            mut r: file::Reader<R>,
            header: &pcap::FileHeader,
            packets: &[OwnedPacket],
        ) -> Result<(), TestCaseError> {
            prop_assert_eq!(r.as_pcap().unwrap().header(), header);
            for p in packets {
                let got = r.next().unwrap().unwrap().to_owned();
                let mut want = p.clone();
                want.header.ts = want.header.ts.truncate(header.precision);
                prop_assert_eq!(got, want);
            }
            prop_assert!(r.next().unwrap().is_none());
            Ok(())
        }
        check(file::Reader::from_bytes(bytes.clone()).unwrap(), &header, &packets)?;
        check(file::Reader::new(&bytes[..]).unwrap(), &header, &packets)?;
    }
}

#[test]
fn records_longer_than_snaplen_are_cut_like_libpcap() {
    let mut w = pcap::Writer::new(Vec::new(), Linktype::EN10MB, 10, Precision::Micro).unwrap();
    let data: Vec<u8> = (0..40).collect();
    let h = PacketHeader::new(Timestamp::new(1, 0), 40, 40, Linktype::EN10MB);
    w.write(&h, &data).unwrap();
    w.write(&h, &data[..5]).unwrap();
    let bytes = w.into_inner().unwrap();
    let mut r = file::Reader::new(&bytes[..]).unwrap();
    let p = r.next().unwrap().unwrap();
    assert_eq!(
        (p.header.caplen, p.header.len, p.data),
        (10, 40, &data[..10])
    );
    let p = r.next().unwrap().unwrap();
    assert_eq!(p.data, &data[..5]);
    assert!(r.next().unwrap().is_none());
}

#[test]
fn times_outside_the_format_are_refused() {
    let mut w = pcap::Writer::new(Vec::new(), Linktype::EN10MB, 100, Precision::Micro).unwrap();
    let h = PacketHeader::new(Timestamp::new(-1, 0), 0, 0, Linktype::EN10MB);
    assert!(w.write(&h, &[]).is_err());
    let h = PacketHeader::new(Timestamp::new(1 << 32, 0), 0, 0, Linktype::EN10MB);
    assert!(w.write(&h, &[]).is_err());
}
