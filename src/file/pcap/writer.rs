//! Writing pcap files.

use super::header::FileHeader;
use crate::file::output::Output;
use crate::file::{Error, ErrorKind};
use crate::linktype::Linktype;
use crate::packet::{Packet, PacketHeader, Precision};
use std::io::Write;

/// A pcap file writer (gopacket's `pcapgo.Writer`, libpcap's `pcap_dump`).
///
/// Writes the file header at once, then one record per packet, buffered: call
/// [`Writer::flush`] (or [`Writer::into_inner`]) to be sure everything reached the output.
/// Time stamps are written in the header's precision (microseconds truncate); seconds must fit
/// the format's unsigned 32 bits (1970 to 2106).
#[derive(Debug)]
pub struct Writer<W: Write> {
    out: Output<W>,
    header: FileHeader,
}

impl<W: Write> Writer<W> {
    /// Starts a version 2.4 file in this host's byte order.
    pub fn new(
        out: W,
        linktype: Linktype,
        snaplen: u32,
        precision: Precision,
    ) -> Result<Writer<W>, Error> {
        Writer::with_header(out, FileHeader::new(linktype, snaplen, precision))
    }

    /// Starts a file with exactly this header (any byte order, version or link-type bits).
    /// The "modified" format cannot be written.
    pub fn with_header(out: W, header: FileHeader) -> Result<Writer<W>, Error> {
        if header.modified {
            return Err(Error::new(
                ErrorKind::Unwritable("the modified (Kuznetzov) pcap format"),
                0,
            ));
        }
        let mut w = Writer {
            out: Output::new(out),
            header,
        };
        w.out.put(&header.to_bytes())?;
        Ok(w)
    }

    /// Continues a pcap file that already has `header` and is `len` bytes long: records go
    /// after the existing ones and no header is written (libpcap's `pcap_dump_open_append`).
    /// `out` must be positioned at the end of the file (opened for appending, say), and
    /// records are written in `header`'s byte order and precision.
    pub fn append(out: W, header: FileHeader, len: u64) -> Result<Writer<W>, Error> {
        if header.modified {
            return Err(Error::new(
                ErrorKind::Unwritable("the modified (Kuznetzov) pcap format"),
                len,
            ));
        }
        Ok(Writer {
            out: Output::continuing(out, len),
            header,
        })
    }

    /// The header written.
    pub fn header(&self) -> &FileHeader {
        &self.header
    }

    /// Writes a packet.
    pub fn write_packet(&mut self, packet: &Packet<'_>) -> Result<(), Error> {
        self.write(packet.header, packet.data)
    }

    /// Writes a packet given as a header and its bytes. The record's captured length is
    /// `data.len()`; the header's `caplen` is not consulted.
    pub fn write(&mut self, header: &PacketHeader, data: &[u8]) -> Result<(), Error> {
        let at = self.out.written();
        let secs = u32::try_from(header.ts.secs()).map_err(|_| {
            Error::new(
                ErrorKind::Unwritable("time stamp outside pcap's range (1970 to 2106)"),
                at,
            )
        })?;
        let frac = match self.header.precision {
            Precision::Micro => header.ts.micros(),
            Precision::Nano => header.ts.nanos(),
        };
        let caplen = u32::try_from(data.len())
            .map_err(|_| Error::new(ErrorKind::Unwritable("packet longer than 4 GiB"), at))?;
        let e = self.header.endianness;
        let mut rec = [0u8; 16];
        rec[0..4].copy_from_slice(&e.put_u32(secs));
        rec[4..8].copy_from_slice(&e.put_u32(frac));
        rec[8..12].copy_from_slice(&e.put_u32(caplen));
        rec[12..16].copy_from_slice(&e.put_u32(header.len));
        self.out.put(&rec)?;
        self.out.put(data)
    }

    /// Bytes written so far (header included).
    pub fn bytes_written(&self) -> u64 {
        self.out.written()
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
