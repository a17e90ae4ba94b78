//! [`Savefile`]: packets written to a pcap file as they are read.

use crate::file::{self, pcap::FileHeader};
use crate::packet::{Packet, Precision};
use crate::{Error, Result};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

/// A pcap file being written (the `pcap` crate's `Savefile`, libpcap's `pcap_dumper_t`), made
/// by [`Capture::savefile`](crate::Capture::savefile) and its siblings.
///
/// Output is buffered: [`Savefile::flush`] writes it out (dropping the savefile does too, but
/// cannot report an error).
pub struct Savefile {
    writer: file::pcap::Writer<Box<dyn Write + Send>>,
}

impl std::fmt::Debug for Savefile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Savefile")
            .field("header", self.writer.header())
            .field("bytes_written", &self.writer.bytes_written())
            .finish()
    }
}

impl Savefile {
    pub(super) fn create(path: &Path, header: FileHeader) -> Result<Savefile> {
        let out = File::create(path).map_err(|source| Error::Open {
            path: path.to_path_buf(),
            source,
        })?;
        Savefile::to_writer(Box::new(out), header)
    }

    pub(super) fn to_writer(out: Box<dyn Write + Send>, header: FileHeader) -> Result<Savefile> {
        Ok(Savefile {
            writer: file::pcap::Writer::with_header(out, header)?,
        })
    }

    /// Opens `path` to append to, as libpcap's `pcap_dump_open_append` does, but also appending
    /// to a file of the other byte order (in that order) where libpcap refuses.
    pub(super) fn append(path: &Path, want: FileHeader) -> Result<Savefile> {
        let open = |source| Error::Open {
            path: path.to_path_buf(),
            source,
        };
        let refuse = |reason: String| Error::Append {
            path: path.to_path_buf(),
            reason,
        };
        let mut f = match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
        {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Savefile::create(path, want)
            }
            Err(e) => return Err(open(e)),
        };
        let mut head = Vec::with_capacity(file::pcap::FILE_HEADER_LEN);
        (&mut f)
            .take(file::pcap::FILE_HEADER_LEN as u64)
            .read_to_end(&mut head)
            .map_err(open)?;
        if head.is_empty() {
            return Savefile::to_writer(Box::new(f), want);
        }
        if head.starts_with(&[0x0a, 0x0d, 0x0d, 0x0a]) {
            return Err(refuse(String::from("it is a pcapng file")));
        }
        let have = *file::pcap::Reader::new(&head[..])
            .map_err(|e| refuse(e.kind().to_string()))?
            .header();
        let precision = |p| match p {
            Precision::Micro => "microsecond",
            Precision::Nano => "nanosecond",
        };
        if have.precision != want.precision {
            return Err(refuse(format!(
                "its time stamps are in {}s, the capture's in {}s",
                precision(have.precision),
                precision(want.precision)
            )));
        }
        if (have.version_major, have.version_minor) != (2, 4) {
            let (major, minor) = (have.version_major, have.version_minor);
            return Err(refuse(format!("its version is {major}.{minor}, not 2.4")));
        }
        if have.linktype != want.linktype {
            return Err(refuse(format!(
                "its link type is {}, the capture's {}",
                have.linktype, want.linktype
            )));
        }
        if have.snaplen != want.snaplen {
            return Err(refuse(format!(
                "its snapshot length is {}, the capture's {}",
                have.snaplen, want.snaplen
            )));
        }
        let len = f.seek(SeekFrom::End(0)).map_err(open)?;
        Ok(Savefile {
            writer: file::pcap::Writer::append(Box::new(f) as Box<dyn Write + Send>, have, len)?,
        })
    }

    /// Writes a packet (the `pcap` crate's `write`, libpcap's `pcap_dump`): its captured bytes
    /// and its header's time stamp and wire length.
    pub fn write(&mut self, packet: &Packet<'_>) -> Result<()> {
        Ok(self.writer.write_packet(packet)?)
    }

    /// Writes out everything buffered (libpcap's `pcap_dump_flush`).
    pub fn flush(&mut self) -> Result<()> {
        Ok(self.writer.flush()?)
    }

    /// The file header written (or found, when appending).
    pub fn header(&self) -> &FileHeader {
        self.writer.header()
    }

    /// Bytes in the file so far, the header included (libpcap's `pcap_dump_ftell`).
    pub fn bytes_written(&self) -> u64 {
        self.writer.bytes_written()
    }
}
