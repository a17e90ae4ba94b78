//! Writing pcapng files.

use super::block;
use super::interface::Interface;
use super::names::{self, NameEntry};
use super::options::pad4;
use super::packet::PacketOptions;
use super::section::Section;
use super::stats::Statistics;
use crate::file::{limits, BlockType, Endianness, Error, ErrorKind};
use crate::packet::PacketHeader;
use std::io::{BufWriter, Write};

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
    out: BufWriter<W>,
    section: Section,
    interfaces: Vec<Interface>,
    buf: Vec<u8>,
    written: u64,
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
            out: BufWriter::with_capacity(256 * 1024, out),
            section: section.clone(),
            interfaces: Vec::new(),
            buf: Vec::with_capacity(256),
            written: 0,
        };
        w.write_section_header()?;
        Ok(w)
    }

    /// Starts a new section (which may have another byte order). Interfaces must be added
    /// again; their ids restart at 0.
    pub fn new_section(&mut self, section: &Section) -> Result<(), Error> {
        self.section = section.clone();
        self.interfaces.clear();
        self.write_section_header()
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
        let buf = std::mem::take(&mut self.buf);
        let zeros = [0u8; 3];
        let result = self
            .put(&head)
            .and_then(|()| self.put(data))
            .and_then(|()| self.put(zeros.get(..pad).unwrap_or_default()))
            .and_then(|()| self.put(&buf))
            .and_then(|()| self.put(&e.put_u32(total)));
        self.buf = buf;
        result
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
        Error::new(kind, self.written)
    }

    /// Writes a whole block with this body (already padded).
    fn block(&mut self, block_type: BlockType, body: &[u8]) -> Result<(), Error> {
        self.buf.clear();
        block::put_block(&mut self.buf, self.section.endianness, block_type, body)
            .map_err(|k| self.error(k))?;
        let buf = std::mem::take(&mut self.buf);
        let result = self.put(&buf);
        self.buf = buf;
        result
    }

    fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.out
            .write_all(bytes)
            .map_err(|e| Error::new(ErrorKind::Io(e), self.written))?;
        self.written = self.written.saturating_add(bytes.len() as u64);
        Ok(())
    }

    /// Bytes written so far.
    pub fn bytes_written(&self) -> u64 {
        self.written
    }

    /// The byte order of the current section.
    pub fn endianness(&self) -> Endianness {
        self.section.endianness
    }

    /// Writes out everything buffered.
    pub fn flush(&mut self) -> Result<(), Error> {
        self.out
            .flush()
            .map_err(|e| Error::new(ErrorKind::Io(e), self.written))
    }

    /// Flushes, then returns the output.
    pub fn into_inner(self) -> Result<W, Error> {
        let written = self.written;
        self.out
            .into_inner()
            .map_err(|e| Error::new(ErrorKind::Io(e.into_error()), written))
    }
}
