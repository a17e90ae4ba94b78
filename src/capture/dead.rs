//! [`Dead`]: a capture with no source, for writing savefiles and compiling filters.

use super::sealed::Backend;
use super::{Activated, Capture, State};
use crate::bpf::Program;
use crate::linktype::Linktype;
use crate::packet::{Packet, Precision};
use crate::Result;

/// The state of a capture that has no packets: it only knows a link type, a snapshot length
/// and a time-stamp precision (libpcap's `pcap_open_dead`). Use it to write savefiles
/// ([`Capture::savefile`]) and to compile filters for a link type; reading from it gives no
/// packets (`Ok(None)`, or `Err(Error::NoMorePackets)` from
/// [`next_packet`](Capture::next_packet)).
#[derive(Clone, Debug)]
pub struct Dead {
    linktype: Linktype,
    snaplen: u32,
    precision: Precision,
}

impl State for Dead {}
impl Activated for Dead {}

impl Backend for Dead {
    fn read(&mut self) -> Result<Option<Packet<'_>>> {
        Ok(None)
    }

    fn linktype(&self) -> Linktype {
        self.linktype
    }

    fn snaplen(&self) -> u32 {
        self.snaplen
    }

    fn precision(&self) -> Precision {
        self.precision
    }

    fn set_program(&mut self, _program: &Program) -> Result<()> {
        Ok(())
    }
}

impl Capture<Dead> {
    /// A capture of link type `linktype` with no packets, the largest snapshot length libpcap
    /// uses ([`linktype::MAXIMUM_SNAPLEN`](crate::linktype::MAXIMUM_SNAPLEN)) and microsecond
    /// time stamps (libpcap's `pcap_open_dead`, gopacket's `OpenDead`).
    ///
    /// ```
    /// use ferrocap::{Capture, Linktype, OwnedPacket, PacketHeader, Timestamp};
    ///
    /// let mut out = Capture::dead(Linktype::EN10MB)?.savefile_to(Vec::new())?;
    /// let header = PacketHeader::new(Timestamp::new(1, 500), 3, 60, Linktype::EN10MB);
    /// out.write(&OwnedPacket { header, data: vec![1, 2, 3] }.as_packet())?;
    /// out.flush()?;
    /// # Ok::<(), ferrocap::Error>(())
    /// ```
    pub fn dead(linktype: Linktype) -> Result<Capture<Dead>> {
        Capture::dead_with_snaplen_and_precision(
            linktype,
            crate::linktype::MAXIMUM_SNAPLEN,
            Precision::Micro,
        )
    }

    /// [`Capture::dead`] with time stamps in `precision` (libpcap's
    /// `pcap_open_dead_with_tstamp_precision`).
    pub fn dead_with_precision(linktype: Linktype, precision: Precision) -> Result<Capture<Dead>> {
        Capture::dead_with_snaplen_and_precision(
            linktype,
            crate::linktype::MAXIMUM_SNAPLEN,
            precision,
        )
    }

    /// A dead capture with every property chosen. A snapshot length of 0 (or above the
    /// largest libpcap accepts for the link type) becomes that largest one; libpcap keeps 0,
    /// which makes every compiled filter return 0 and so reject everything.
    pub fn dead_with_snaplen_and_precision(
        linktype: Linktype,
        snaplen: u32,
        precision: Precision,
    ) -> Result<Capture<Dead>> {
        let max = linktype.max_snaplen();
        let snaplen = if snaplen == 0 || snaplen > max {
            max
        } else {
            snaplen
        };
        Ok(Capture::new(Dead {
            linktype,
            snaplen,
            precision,
        }))
    }
}
