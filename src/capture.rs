//! [`Capture`]: the `pcap`-crate-shaped front door.
//!
//! `Capture<Offline>` reads capture files (pcap or pcapng, detected) from a path or any
//! `io::Read`. The type parameter is the state, as in the `pcap` crate, so live capture states
//! can join without changing what offline code looks like.

use crate::file;
use crate::linktype::Linktype;
use crate::packet::{OwnedPacket, Packet, Precision};
use crate::source::PacketSource;
use crate::{Error, Result};
use std::io::Read;
use std::path::Path;

/// A packet capture handle in state `S` (see [`Offline`]).
#[derive(Debug)]
pub struct Capture<S> {
    state: S,
}

/// The state of a capture reading a file or a stream.
pub struct Offline {
    reader: file::Reader<Box<dyn Read + Send>>,
    precision: Precision,
}

impl std::fmt::Debug for Offline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Offline")
            .field("reader", &self.reader)
            .field("precision", &self.precision)
            .finish()
    }
}

impl Capture<Offline> {
    /// Opens a pcap or pcapng file (libpcap's `pcap_open_offline`, gopacket's `OpenOffline`).
    /// `"-"` reads standard input, as libpcap does.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Capture<Offline>> {
        Capture::from_file_with_precision(path, Precision::Nano)
    }

    /// Opens a file, delivering time stamps truncated to `precision` (libpcap's
    /// `pcap_open_offline_with_tstamp_precision`). `Precision::Nano` keeps them as stored.
    pub fn from_file_with_precision(
        path: impl AsRef<Path>,
        precision: Precision,
    ) -> Result<Capture<Offline>> {
        let path = path.as_ref();
        if path == Path::new("-") {
            return Capture::from_reader_with_precision(std::io::stdin(), precision);
        }
        let file =
            std::fs::File::open(path).map_err(|e| file::Error::new(file::ErrorKind::Io(e), 0))?;
        let reader = open_file(file)?;
        Ok(Capture::offline(reader, precision))
    }

    /// Reads a pcap or pcapng stream from any reader: stdin, a pipe, a socket, `&[u8]`
    /// (gopacket's `OpenOfflineFile`). Memory use stays bounded (see [`file::limits`]).
    pub fn from_reader(reader: impl Read + Send + 'static) -> Result<Capture<Offline>> {
        Capture::from_reader_with_precision(reader, Precision::Nano)
    }

    /// [`Capture::from_reader`] with time stamps truncated to `precision`.
    pub fn from_reader_with_precision(
        reader: impl Read + Send + 'static,
        precision: Precision,
    ) -> Result<Capture<Offline>> {
        let reader = file::Reader::new(Box::new(reader) as Box<dyn Read + Send>)?;
        Ok(Capture::offline(reader, precision))
    }

    /// Reads a capture held in memory, without copying it.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Capture<Offline>> {
        Ok(Capture::offline(
            file::Reader::from_vec(bytes)?,
            Precision::Nano,
        ))
    }

    fn offline(
        mut reader: file::Reader<Box<dyn Read + Send>>,
        precision: Precision,
    ) -> Capture<Offline> {
        if precision == Precision::Micro {
            reader.set_precision(Some(Precision::Micro));
        }
        Capture {
            state: Offline { reader, precision },
        }
    }

    /// The next packet, `pcap`-crate style: `Err(Error::NoMorePackets)` at the end.
    pub fn next_packet(&mut self) -> Result<Packet<'_>> {
        match self.state.reader.next()? {
            Some(p) => Ok(p),
            None => Err(Error::NoMorePackets),
        }
    }

    /// Calls `f` for each packet until the end of the file or the first error.
    pub fn for_each(&mut self, count: Option<usize>, mut f: impl FnMut(Packet<'_>)) -> Result<()> {
        let mut left = count;
        while left != Some(0) {
            match self.state.reader.next()? {
                Some(p) => f(p),
                None => break,
            }
            left = left.map(|n| n - 1);
        }
        Ok(())
    }

    /// An iterator of owned packets (gopacket's `PacketSource.Packets`); it ends after the end of
    /// the file or after yielding an error.
    pub fn packets(self) -> Packets {
        Packets {
            capture: self,
            done: false,
        }
    }

    /// The link type (pcapng: of the first interface), like `pcap_datalink`.
    pub fn get_datalink(&self) -> Linktype {
        self.state.reader.linktype().unwrap_or(Linktype::NULL)
    }

    /// The snapshot length, like `pcap_snapshot`.
    pub fn snaplen(&self) -> u32 {
        self.state
            .reader
            .snaplen()
            .unwrap_or(file::limits::MAX_SNAPLEN)
    }

    /// The precision time stamps are delivered in.
    pub fn precision(&self) -> Precision {
        self.state.precision
    }

    /// The file's major version (`pcap_major_version`).
    pub fn major_version(&self) -> u16 {
        self.state.reader.version().0
    }

    /// The file's minor version (`pcap_minor_version`).
    pub fn minor_version(&self) -> u16 {
        self.state.reader.version().1
    }

    /// Whether the file is in the other byte order than this host (`pcap_is_swapped`).
    pub fn is_swapped(&self) -> bool {
        self.state.reader.is_swapped()
    }

    /// The underlying file reader, for format details (pcapng interfaces, statistics, …).
    pub fn reader(&self) -> &file::Reader<Box<dyn Read + Send>> {
        &self.state.reader
    }

    /// The underlying file reader, mutably.
    pub fn reader_mut(&mut self) -> &mut file::Reader<Box<dyn Read + Send>> {
        &mut self.state.reader
    }
}

fn open_file(f: std::fs::File) -> Result<file::Reader<Box<dyn Read + Send>>> {
    Ok(file::Reader::from_file(f, |f| {
        Box::new(f) as Box<dyn Read + Send>
    })?)
}

impl PacketSource for Capture<Offline> {
    fn next(&mut self) -> Result<Option<Packet<'_>>> {
        Ok(self.state.reader.next()?)
    }
}

/// Owned packets from a [`Capture`]; see [`Capture::packets`].
#[derive(Debug)]
pub struct Packets {
    capture: Capture<Offline>,
    done: bool,
}

impl Iterator for Packets {
    type Item = Result<OwnedPacket>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.capture.state.reader.next() {
            Ok(Some(p)) => Some(Ok(p.to_owned())),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e.into()))
            }
        }
    }
}

impl std::iter::FusedIterator for Packets {}
