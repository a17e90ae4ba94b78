//! Writing pcapng files.

use super::block;
use super::interface::Interface;
use super::names::{self, NameEntry};
use super::options::pad4;
use super::packet::PacketOptions;
use super::section::Section;
use super::stats::Statistics;
use crate::file::output::Output;
use crate::file::{limits, BlockType, Endianness, Error, ErrorKind};
use crate::packet::PacketHeader;
use std::io::Write;

/// A pcapng file writer (gopacket's `NgWriter`, libpcap's `pcap_ng_dump`).
///
/// Writes a section header at once, then interfaces ([`Writer::add_interface`]) and packets
/// for them, statistics, name resolution and custom blocks, and further sections
/// ([`Writer::new_section`]; interface ids restart). Everything is written in the current
/// section's byte order. Output is buffered: call [`Writer::flush`] (or
/// [`Writer::into_inner`]) to be sure everything reached it.
///
/// Time stamps are stored in units of the interface's resolution relative to its
/// `if_tsoffset`, truncated to the resolution; a time before the offset, or too late for 64
/// bits of units, is an error, never a silent wrap.
#[derive(Debug)]
pub struct Writer<W: Write> {
    out: Output<W>,
    section: Section,
    interfaces: Vec<Interface>,
    buf: Vec<u8>,
}

impl<W: Write> Writer<W> {
    /// Starts a file with a version 1.0 section in this host's byte order, without options.
    pub fn new(out: W) -> Result<Writer<W>, Error> {
        Writer::with_section(out, &Section::default())
    }

    /// Starts a file with this section header (byte order, version 1.0 or 1.2, options; the
    /// section length is always written as -1, "not given").
    pub fn with_section(out: W, section: &Section) -> Result<Writer<W>, Error> {
        let mut w = Writer {
            out: Output::new(out),
            section: section.clone(),
            interfaces: Vec::new(),
            buf: Vec::with_capacity(256),
        };
        w.write_section_header()?;
        Ok(w)
    }

    /// Starts a new section (which may have another byte order). Interfaces must be added
    /// again; their ids restart at 0.
    pub fn new_section(&mut self, section: &Section) -> Result<(), Error> {
        let body = section.to_body().map_err(|k| self.error(k))?;
        self.section = section.clone();
        self.interfaces.clear();
        self.block(BlockType::SECTION_HEADER, &body)
    }

    fn write_section_header(&mut self) -> Result<(), Error> {
        let body = self.section.to_body().map_err(|k| self.error(k))?;
        self.block(BlockType::SECTION_HEADER, &body)
    }

    /// Describes an interface and returns its id in the current section. Its link type must
    /// fit the 16 bits of the block.
    pub fn add_interface(&mut self, interface: &Interface) -> Result<u32, Error> {
        if self.interfaces.len() >= limits::MAX_INTERFACES {
            return Err(self.error(ErrorKind::LimitExceeded {
                what: "interfaces in one section",
                limit: limits::MAX_INTERFACES as u64,
            }));
        }
        let id = u32::try_from(self.interfaces.len())
            .map_err(|_| self.error(ErrorKind::Unwritable("more interfaces than 32-bit ids")))?;
        let body = interface
            .to_body(self.section.endianness)
            .map_err(|k| self.error(k))?;
        self.block(BlockType::INTERFACE_DESCRIPTION, &body)?;
        self.interfaces.push(interface.clone());
        Ok(id)
    }

    /// The current section.
    pub fn section(&self) -> &Section {
        &self.section
    }

    /// The interfaces of the current section, by id.
    pub fn interfaces(&self) -> &[Interface] {
        &self.interfaces
    }

    /// Writes a packet from interface `interface_id` as an Enhanced Packet Block: the
    /// header's time stamp and wire length, `data` as the captured bytes (the header's
    /// `caplen` is not consulted), and its flags word as `epb_flags` when it has one.
    pub fn write_packet(
        &mut self,
        interface_id: u32,
        header: &PacketHeader,
        data: &[u8],
    ) -> Result<(), Error> {
        self.write_packet_with(interface_id, header, data, &PacketOptions::default())
    }

    /// Writes a packet with options (comments, flags, hash, drop count, …). The flags word
    /// written is the options' `flags`, or else the header's.
    pub fn write_packet_with(
        &mut self,
        interface_id: u32,
        header: &PacketHeader,
        data: &[u8],
        options: &PacketOptions,
    ) -> Result<(), Error> {
        let e = self.section.endianness;
        let iface = self.interface(interface_id)?;
        let units = iface
            .tsresol
            .units(header.ts, iface.tsoffset)
            .ok_or_else(|| {
                self.error(ErrorKind::Unwritable(
                    "time stamp outside the range of the interface's resolution and offset",
                ))
            })?;
        let caplen = u32::try_from(data.len())
            .map_err(|_| self.error(ErrorKind::Unwritable("packet longer than 4 GiB")))?;
        self.buf.clear();
        options
            .put(&mut self.buf, e, header.flags())
            .map_err(|k| self.error(k))?;
        let pad = pad4(data.len());
        let total = data
            .len()
            .checked_add(pad)
            .and_then(|n| n.checked_add(self.buf.len()))
            .and_then(|n| n.checked_add(32))
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| self.error(ErrorKind::Unwritable("block longer than 4 GiB")))?;
        let mut head = [0u8; 28];
        let fields = [
            BlockType::ENHANCED_PACKET.0,
            total,
            interface_id,
            (units >> 32) as u32,
            units as u32,
            caplen,
            header.len,
        ];
        for (slot, v) in head.chunks_exact_mut(4).zip(fields) {
            slot.copy_from_slice(&e.put_u32(v));
        }
        let zeros = [0u8; 3];
        self.out.put(&head)?;
        self.out.put(data)?;
        self.out.put(zeros.get(..pad).unwrap_or_default())?;
        self.out.put(&self.buf)?;
        self.out.put(&e.put_u32(total))
    }

    /// Writes a Simple Packet Block (interface 0, no time stamp). `data` must be exactly
    /// what a reader will take as the captured bytes: the first min(original length,
    /// interface 0's snapshot length) bytes of the packet.
    pub fn write_simple_packet(&mut self, original_len: u32, data: &[u8]) -> Result<(), Error> {
        let iface = self.interface(0)?;
        let want = u64::from(original_len.min(iface.adjusted_snaplen()));
        if data.len() as u64 != want {
            return Err(self.error(ErrorKind::Unwritable(
                "simple packet whose data is not min(original length, snapshot length) long",
            )));
        }
        let e = self.section.endianness;
        let mut body = Vec::with_capacity(data.len().saturating_add(8));
        body.extend_from_slice(&e.put_u32(original_len));
        body.extend_from_slice(data);
        body.resize(body.len().saturating_add(pad4(data.len())), 0);
        self.block(BlockType::SIMPLE_PACKET, &body)
    }

    /// Writes an Interface Statistics Block for interface `interface_id` (its times in the
    /// interface's resolution and offset).
    pub fn write_stats(&mut self, interface_id: u32, stats: &Statistics) -> Result<(), Error> {
        let iface = self.interface(interface_id)?;
        let body = stats
            .to_body(interface_id, iface, self.section.endianness)
            .map_err(|k| self.error(k))?;
        self.block(BlockType::INTERFACE_STATISTICS, &body)
    }

    /// Writes a Name Resolution Block with these addresses and names.
    pub fn write_names(&mut self, entries: &[NameEntry]) -> Result<(), Error> {
        let body = names::to_body(entries, self.section.endianness).map_err(|k| self.error(k))?;
        self.block(BlockType::NAME_RESOLUTION, &body)
    }

    /// Writes a Custom Block of enterprise `pen` (copiable or not) with `data`, padded to a
    /// multiple of 4 bytes with zeros.
    pub fn write_custom(&mut self, copiable: bool, pen: u32, data: &[u8]) -> Result<(), Error> {
        let block_type = if copiable {
            BlockType::CUSTOM_COPY
        } else {
            BlockType::CUSTOM_NO_COPY
        };
        let mut body = Vec::with_capacity(data.len().saturating_add(8));
        body.extend_from_slice(&self.section.endianness.put_u32(pen));
        body.extend_from_slice(data);
        body.resize(body.len().saturating_add(pad4(data.len())), 0);
        self.block(block_type, &body)
    }

    /// Writes a block of another type as it is: `body` (padded to a multiple of 4 bytes) in
    /// the current section's byte order, e.g. a name resolution, decryption secrets, custom or
    /// unknown block copied from a section of the same byte order
    /// ([`KeptBlock`](super::KeptBlock)). Section headers, interface descriptions, statistics
    /// and packets, whose contents depend on the writer's sections and interfaces, are refused:
    /// write them with their own methods.
    pub fn write_block(&mut self, block_type: BlockType, body: &[u8]) -> Result<(), Error> {
        let tracked = block_type.is_packet()
            || matches!(
                block_type,
                BlockType::SECTION_HEADER
                    | BlockType::INTERFACE_DESCRIPTION
                    | BlockType::INTERFACE_STATISTICS
            );
        if tracked {
            let kind = ErrorKind::Unwritable(
                "a section header, interface, statistics or packet block as raw bytes",
            );
            return Err(self.error(kind));
        }
        if body.len() % 4 != 0 {
            return Err(self.error(ErrorKind::Unwritable(
                "a block body whose length is not a multiple of 4",
            )));
        }
        self.block(block_type, body)
    }

    fn interface(&self, id: u32) -> Result<&Interface, Error> {
        usize::try_from(id)
            .ok()
            .and_then(|i| self.interfaces.get(i))
            .ok_or_else(|| {
                let count = u32::try_from(self.interfaces.len()).unwrap_or(u32::MAX);
                self.error(ErrorKind::UnknownInterface { id, count })
            })
    }

    fn error(&self, kind: ErrorKind) -> Error {
        self.out.error(kind)
    }

    /// Writes a whole block with this body (already padded).
    fn block(&mut self, block_type: BlockType, body: &[u8]) -> Result<(), Error> {
        self.buf.clear();
        block::put_block(&mut self.buf, self.section.endianness, block_type, body)
            .map_err(|k| self.error(k))?;
        self.out.put(&self.buf)
    }

    /// Bytes written so far.
    pub fn bytes_written(&self) -> u64 {
        self.out.written()
    }

    /// The byte order of the current section.
    pub fn endianness(&self) -> Endianness {
        self.section.endianness
    }

    /// Writes out everything buffered.
    pub fn flush(&mut self) -> Result<(), Error> {
        self.out.flush()
    }

    /// Flushes, then returns the output.
    pub fn into_inner(self) -> Result<W, Error> {
        self.out.into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::pcapng::{Block, OptionCode, PacketHash, RawOption, Reader, TsResolution};
    use crate::linktype::Linktype;
    use crate::packet::Timestamp;
    use std::net::{IpAddr, Ipv4Addr};

    fn reader(bytes: Vec<u8>) -> Reader<std::io::Empty> {
        Reader::from_bytes(bytes).unwrap()
    }

    fn section(e: Endianness) -> Section {
        let mut s = Section::new(e);
        s.hardware = Some("hw".into());
        s.os = Some("os".into());
        s.user_application = Some("ferrocap test".into());
        s.comments = vec!["first".into(), "second".into()];
        s
    }

    #[test]
    fn round_trip_of_every_block_kind() {
        for e in [Endianness::Little, Endianness::Big] {
            let mut w = Writer::with_section(Vec::new(), &section(e)).unwrap();
            let mut eth = Interface::new(Linktype::EN10MB, 128);
            eth.name = Some("eth0".into());
            eth.description = Some("uplink".into());
            eth.filter = Some("tcp port 80".into());
            eth.os = Some("Linux".into());
            eth.hardware = Some("NIC".into());
            eth.fcslen = Some(4);
            eth.speed = Some(10_000_000_000);
            eth.mac_address = Some([2, 0, 0, 0, 0, 1]);
            eth.tsresol = TsResolution::NANO;
            eth.comments = vec!["if comment".into()];
            eth.other_options.push(RawOption::new(
                OptionCode::IF_IPV4ADDR,
                vec![10, 0, 0, 1, 255, 0, 0, 0],
            ));
            let mut slow = Interface::new(Linktype::RAW, 0);
            slow.tsresol = TsResolution::binary(10).unwrap();
            slow.tsoffset = -3600;
            assert_eq!(w.add_interface(&eth).unwrap(), 0);
            assert_eq!(w.add_interface(&slow).unwrap(), 1);
            assert_eq!(w.interfaces().len(), 2);

            let t0 = Timestamp::new(1_700_000_000, 123_456_789);
            let h0 = PacketHeader::new(t0, 3, 60, Linktype::EN10MB).with_flags(Some(1));
            w.write_packet(0, &h0, b"abc").unwrap();
            let opts = PacketOptions {
                comments: vec!["pkt".into()],
                hash: Some(PacketHash {
                    algorithm: 2,
                    value: vec![1, 2, 3, 4],
                }),
                dropcount: Some(5),
                packet_id: Some(9),
                queue: Some(1),
                ..PacketOptions::default()
            };
            let t1 = Timestamp::new(1_000, 0).add_nanos(1_000_000_000 / 1024 * 3 + 1);
            let h1 = PacketHeader::new(t1, 5, 5, Linktype::RAW);
            w.write_packet_with(1, &h1, b"hello", &opts).unwrap();
            w.write_simple_packet(200, &[7; 128]).unwrap();
            let mut stats = Statistics::new(t0);
            stats.received = Some(3);
            stats.os_dropped = Some(0);
            stats.end = Some(t0);
            w.write_stats(0, &stats).unwrap();
            let names = vec![NameEntry {
                address: IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)),
                names: vec!["example".into()],
            }];
            w.write_names(&names).unwrap();
            w.write_custom(false, 32473, b"xyz").unwrap();
            // A second section in the other byte order.
            let other = if e == Endianness::Little {
                Endianness::Big
            } else {
                Endianness::Little
            };
            w.new_section(&Section::new(other)).unwrap();
            assert!(w.interfaces().is_empty());
            assert_eq!(w.endianness(), other);
            w.add_interface(&Interface::new(Linktype(147), 0)).unwrap();
            w.write_packet(0, &PacketHeader::new(t0, 1, 1, Linktype(147)), b"z")
                .unwrap();
            let written = w.bytes_written();
            let bytes = w.into_inner().unwrap();
            assert_eq!(bytes.len() as u64, written);

            let mut r = reader(bytes.clone());
            assert_eq!(r.section(), &section(e));
            assert_eq!(r.linktype(), Some(Linktype::EN10MB));
            assert_eq!(r.snaplen(), Some(128));
            let p = r.next().unwrap().unwrap();
            assert_eq!((p.header.ts, p.data), (t0, &b"abc"[..]));
            assert_eq!((p.header.caplen, p.header.len), (3, 60));
            assert_eq!(p.header.flags(), Some(1));
            assert_eq!(r.interface(0), Some(&eth));
            assert_eq!(r.interface(1), Some(&slow));
            {
                let (p, o) = r.next_with_options().unwrap().unwrap();
                // 2^-10 units: the time comes back truncated to a unit.
                assert_eq!(
                    p.header.ts,
                    Timestamp::new(1_000, 0).add_nanos(1_000_000_000 * 3 / 1024)
                );
                assert_eq!(p.header.interface_id(), 1);
                assert_eq!(PacketOptions::parse(o).unwrap(), opts);
            }
            let p = r.next().unwrap().unwrap();
            assert_eq!((p.header.caplen, p.header.len), (128, 200));
            let p = r.next().unwrap().unwrap();
            assert_eq!(p.header.linktype(), Linktype(147));
            assert_eq!(r.endianness(), other);
            assert!(r.next().unwrap().is_none());

            let mut r = reader(bytes);
            let mut seen_stats = None;
            let mut seen_names = None;
            let mut seen_custom = None;
            while let Some(b) = r.next_block().unwrap() {
                match b {
                    Block::InterfaceStatistics(_) => seen_stats = r.statistics(0).cloned(),
                    Block::NameResolution(n) => {
                        seen_names = Some(
                            n.records()
                                .map(|rec| NameEntry::from_record(&rec.unwrap()).unwrap())
                                .collect::<Vec<_>>(),
                        )
                    }
                    Block::Custom(c) => seen_custom = Some((c.copiable, c.pen, c.data.to_vec())),
                    _ => {}
                }
            }
            assert_eq!(seen_stats, Some(stats));
            assert_eq!(seen_names, Some(names));
            assert_eq!(seen_custom, Some((false, 32473, b"xyz\0".to_vec())));
        }
    }

    #[test]
    fn new_writes_a_bare_native_section() {
        let w = Writer::new(Vec::new()).unwrap();
        assert_eq!(w.section(), &Section::default());
        let bytes = w.into_inner().unwrap();
        assert_eq!(bytes.len(), 28);
        let r = reader(bytes);
        assert_eq!(r.endianness(), Endianness::NATIVE);
        assert_eq!(r.linktype(), None);
    }

    #[test]
    fn what_cannot_be_written_is_an_error() {
        let mut w = Writer::new(Vec::new()).unwrap();
        let h = PacketHeader::new(Timestamp::new(10, 0), 1, 1, Linktype::EN10MB);
        let unknown = w.write_packet(0, &h, b"x").unwrap_err();
        assert!(matches!(
            unknown.kind(),
            ErrorKind::UnknownInterface { id: 0, count: 0 }
        ));
        assert_eq!(unknown.offset(), Some(28));
        assert!(w.write_simple_packet(1, b"x").is_err());
        assert!(w.write_stats(0, &Statistics::default()).is_err());
        assert!(w
            .add_interface(&Interface::new(Linktype(70_000), 0))
            .is_err());
        let mut late = Interface::new(Linktype::EN10MB, 4);
        late.tsoffset = 20;
        w.add_interface(&late).unwrap();
        // Before the offset, and beyond 64 bits of units.
        assert!(matches!(
            w.write_packet(0, &h, b"x").unwrap_err().kind(),
            ErrorKind::Unwritable(_)
        ));
        let far = PacketHeader::new(Timestamp::new(i64::MAX, 0), 1, 1, Linktype::EN10MB);
        assert!(w.write_packet(0, &far, b"x").is_err());
        // A simple packet must hold min(original length, snaplen) bytes.
        assert!(w.write_simple_packet(10, b"abc").is_err());
        w.write_simple_packet(10, b"abcd").unwrap();
        // Options longer than 16 bits can say.
        let mut opts = PacketOptions::default();
        opts.comments.push("x".repeat(70_000));
        let ok = PacketHeader::new(Timestamp::new(30, 0), 1, 1, Linktype::EN10MB);
        assert!(w.write_packet_with(0, &ok, b"x", &opts).is_err());
        let mut bad = Section::new(Endianness::Big);
        bad.version = (2, 0);
        assert!(w.new_section(&bad).is_err());
        assert!(w
            .write_names(&[NameEntry {
                address: IpAddr::V4(Ipv4Addr::LOCALHOST),
                names: vec!["a\0b".into()],
            }])
            .is_err());
        // Nothing half-written: the file still reads.
        w.write_packet(0, &ok, b"y").unwrap();
        w.flush().unwrap();
        let mut r = reader(w.into_inner().unwrap());
        assert_eq!(r.next().unwrap().unwrap().data, b"abcd");
        assert_eq!(r.next().unwrap().unwrap().data, b"y");
        assert!(r.next().unwrap().is_none());
    }

    #[test]
    fn io_errors_carry_the_offset() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Err(std::io::Error::other("disk full"))
            }
        }
        let mut w = Writer::new(Full).unwrap();
        let err = w.flush().unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Io(_)));
        assert!(w.into_inner().is_err());
    }
}
