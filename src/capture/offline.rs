//! [`Offline`]: captures read from pcap and pcapng files and streams.

use super::sealed::Backend;
use super::{Activated, Capture, State};
use crate::bpf::Program;
use crate::file;
use crate::linktype::Linktype;
use crate::packet::{Packet, Precision};
use crate::{Error, Result};
use std::io::Read;
use std::ops::ControlFlow;
use std::path::Path;

/// The state of a capture reading a file or a stream.
pub struct Offline {
    reader: file::Reader<Box<dyn Read + Send>>,
    precision: Precision,
    program: Option<Program>,
}

impl std::fmt::Debug for Offline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Offline")
            .field("reader", &self.reader)
            .field("precision", &self.precision)
            .field("program", &self.program.as_ref().map(|p| p.len()))
            .finish()
    }
}

impl State for Offline {}
impl Activated for Offline {}

impl Backend for Offline {
    #[inline]
    fn read(&mut self) -> Result<Option<Packet<'_>>> {
        Ok(match &self.program {
            None => self.reader.next()?,
            Some(program) => self
                .reader
                .next_matching(|header, data| program.matches(header, data))?,
        })
    }

    fn linktype(&self) -> Linktype {
        self.reader.linktype().unwrap_or(Linktype::NULL)
    }

    fn snaplen(&self) -> u32 {
        self.reader
            .snaplen()
            .unwrap_or(crate::linktype::MAXIMUM_SNAPLEN)
    }

    fn precision(&self) -> Precision {
        self.precision
    }

    fn filter_context(&self) -> (crate::filter::Context, u32) {
        (
            crate::filter::Context::Savefile {
                swapped: self.reader.is_swapped(),
            },
            0,
        )
    }

    fn set_program(&mut self, program: &Program) -> Result<()> {
        self.program = Some(program.clone());
        Ok(())
    }
}

impl Capture<Offline> {
    /// Opens a pcap or pcapng file (libpcap's `pcap_open_offline`, gopacket's `OpenOffline`),
    /// delivering time stamps in microseconds as libpcap does ([`Precision::default`]); see
    /// [`Capture::from_file_with_precision`] for nanoseconds. `"-"` reads standard input, as
    /// libpcap does.
    ///
    /// A file that another process truncates or rewrites while it is read cannot end this
    /// process: reading stops with an error (or the end) where the bytes stop.
    ///
    /// ```
    /// use ferrocap::{Capture, Linktype};
    ///
    /// let cap = Capture::from_file("tests/data/sample.pcapng")?;
    /// assert_eq!(cap.get_datalink(), Linktype::EN10MB);
    /// # Ok::<(), ferrocap::Error>(())
    /// ```
    pub fn from_file(path: impl AsRef<Path>) -> Result<Capture<Offline>> {
        Capture::from_file_with_precision(path, Precision::default())
    }

    /// Opens a file, delivering time stamps in `precision` (libpcap's
    /// `pcap_open_offline_with_tstamp_precision`): `Precision::Nano` keeps them as stored,
    /// `Precision::Micro` truncates them to microseconds.
    pub fn from_file_with_precision(
        path: impl AsRef<Path>,
        precision: Precision,
    ) -> Result<Capture<Offline>> {
        let path = path.as_ref();
        if path == Path::new("-") {
            return Capture::from_reader_with_precision(std::io::stdin(), precision);
        }
        let open = |source| Error::Open {
            path: path.to_path_buf(),
            source,
        };
        let f = std::fs::File::open(path).map_err(open)?;
        let reader = file::Reader::from_file(f, |f| Box::new(f) as Box<dyn Read + Send>).map_err(
            |e| match e.offset() {
                // Nothing read yet: the file could not be read at all.
                None => match e.into_kind() {
                    file::ErrorKind::Io(io) => open(io),
                    kind => Error::File(file::Error::without_offset(kind)),
                },
                Some(_) => Error::File(e),
            },
        )?;
        Ok(Capture::offline(reader, precision))
    }

    /// Reads a pcap or pcapng stream from any reader: stdin, a pipe, a socket, `&[u8]`
    /// (gopacket's `OpenOfflineFile`). Memory use stays bounded (see [`file::limits`]).
    /// Time stamps are delivered in microseconds, as from [`Capture::from_file`].
    pub fn from_reader(reader: impl Read + Send + 'static) -> Result<Capture<Offline>> {
        Capture::from_reader_with_precision(reader, Precision::default())
    }

    /// [`Capture::from_reader`] delivering time stamps in `precision`.
    pub fn from_reader_with_precision(
        reader: impl Read + Send + 'static,
        precision: Precision,
    ) -> Result<Capture<Offline>> {
        let reader = file::Reader::new(Box::new(reader) as Box<dyn Read + Send>)?;
        Ok(Capture::offline(reader, precision))
    }

    /// Reads a capture held in memory, without copying it. Time stamps are delivered in
    /// microseconds, as from [`Capture::from_file`]; see [`Capture::from_bytes_with_precision`].
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Capture<Offline>> {
        Capture::from_bytes_with_precision(bytes, Precision::default())
    }

    /// [`Capture::from_bytes`] delivering time stamps in `precision`.
    pub fn from_bytes_with_precision(
        bytes: Vec<u8>,
        precision: Precision,
    ) -> Result<Capture<Offline>> {
        Ok(Capture::offline(file::Reader::from_vec(bytes)?, precision))
    }

    /// Reads a capture from a file descriptor you own: a pipe, a socket, an open file (the safe
    /// form of the `pcap` crate's `from_raw_fd`). It is read as a stream.
    #[cfg(unix)]
    pub fn from_fd(fd: std::os::fd::OwnedFd) -> Result<Capture<Offline>> {
        Capture::from_fd_with_precision(fd, Precision::default())
    }

    /// [`Capture::from_fd`] delivering time stamps in `precision`.
    #[cfg(unix)]
    pub fn from_fd_with_precision(
        fd: std::os::fd::OwnedFd,
        precision: Precision,
    ) -> Result<Capture<Offline>> {
        Capture::from_reader_with_precision(std::fs::File::from(fd), precision)
    }

    fn offline(
        mut reader: file::Reader<Box<dyn Read + Send>>,
        precision: Precision,
    ) -> Capture<Offline> {
        reader.set_precision(match precision {
            Precision::Micro => Some(Precision::Micro),
            Precision::Nano => None,
        });
        Capture::new(Offline {
            reader,
            precision,
            program: None,
        })
    }

    /// The file's major version (`pcap_major_version`): the pcap header's, or the first pcapng
    /// section's.
    pub fn major_version(&self) -> u16 {
        self.state.reader.version().0
    }

    /// The file's minor version (`pcap_minor_version`).
    pub fn minor_version(&self) -> u16 {
        self.state.reader.version().1
    }

    /// `(major, minor)` version of the file (the `pcap` crate's `version`).
    pub fn version(&self) -> (u16, u16) {
        self.state.reader.version()
    }

    /// Whether the file (pcapng: its current section) is in the other byte order than this host
    /// (`pcap_is_swapped`).
    pub fn is_swapped(&self) -> bool {
        self.state.reader.is_swapped()
    }

    /// The user-space filter set with [`Capture::set_program`], if any.
    pub fn program(&self) -> Option<&Program> {
        self.state.program.as_ref()
    }

    /// The underlying file reader, for format details (pcapng interfaces, statistics, …).
    pub fn reader(&self) -> &file::Reader<Box<dyn Read + Send>> {
        &self.state.reader
    }

    /// The underlying file reader, mutably. Reading from it directly bypasses the filter set
    /// with [`Capture::set_program`].
    pub fn reader_mut(&mut self) -> &mut file::Reader<Box<dyn Read + Send>> {
        &mut self.state.reader
    }

    /// Hands each packet the filter accepts to `f` with, for pcapng files, its context (as
    /// [`Capture::next_in_context`] returns them), until the end of the file
    /// (`Ok(ControlFlow::Continue(()))`), until `f` breaks (`Ok(ControlFlow::Break(b))`: the
    /// capture stands after that packet and reading can go on), or until an error, returned
    /// once every packet before it has been handed out.
    ///
    /// The same packets as a loop over [`Capture::next_in_context`], faster: the records
    /// already read are walked in one pass.
    ///
    /// ```
    /// use std::ops::ControlFlow;
    /// use ferrocap::Capture;
    ///
    /// let mut cap = Capture::from_file("tests/data/sample.pcap")?;
    /// let mut bytes = 0;
    /// let end = cap.try_for_each_in_context(|packet, _context| {
    ///     bytes += packet.data.len();
    ///     ControlFlow::<()>::Continue(())
    /// })?;
    /// assert!(end.is_continue() && bytes > 0);
    /// # Ok::<(), ferrocap::Error>(())
    /// ```
    #[inline]
    pub fn try_for_each_in_context<B>(
        &mut self,
        f: impl FnMut(Packet<'_>, Option<file::pcapng::Context<'_>>) -> ControlFlow<B>,
    ) -> Result<ControlFlow<B>> {
        Ok(match &self.state.program {
            None => self.state.reader.try_for_each_in_context(f)?,
            Some(program) => self.state.reader.try_for_each_matching_in_context(
                |header, data| program.matches(header, data),
                f,
            )?,
        })
    }

    /// The next packet the filter accepts and, for pcapng files, its context: options,
    /// interface and section (see [`file::pcapng::Reader::next_in_context`]); `Ok(None)` at the
    /// end.
    #[inline]
    pub fn next_in_context(
        &mut self,
    ) -> Result<Option<(Packet<'_>, Option<file::pcapng::Context<'_>>)>> {
        Ok(match &self.state.program {
            None => self.state.reader.next_in_context()?,
            Some(program) => self
                .state
                .reader
                .next_matching_in_context(|header, data| program.matches(header, data))?,
        })
    }
}
