//! `-w`: copying packets to a pcap or pcapng file.

use crate::args::Args;
use ferrocap::file::{self, pcap, pcapng};
use ferrocap::{Linktype, Packet, Precision};
use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::{self, Read, Write};

/// Where `-w` writes (one per run, so the size difference of the variants does not matter).
#[allow(clippy::large_enum_variant)]
pub enum Output {
    /// One link type, one snapshot length.
    Pcap {
        writer: pcap::Writer<Box<dyn Write>>,
        linktype: Linktype,
    },
    /// Every input interface becomes an output interface, in one section.
    Pcapng {
        writer: pcapng::Writer<Box<dyn Write>>,
        /// (input section, input interface id) → output interface id.
        interfaces: HashMap<(u32, u32), u32>,
        /// The pcap input's one interface.
        pcap_interface: Option<pcapng::Interface>,
        tsresol: pcapng::TsResolution,
    },
}

fn destination(dest: &OsStr) -> Result<Box<dyn Write>, String> {
    if dest == OsStr::new("-") {
        return Ok(Box::new(io::stdout()));
    }
    std::fs::File::create(dest)
        .map(|f| Box::new(f) as Box<dyn Write>)
        .map_err(|e| format!("{}: {e}", dest.to_string_lossy()))
}

/// Writes a packet, then flushes when `-U` asked for it.
pub struct Sink {
    out: Output,
    flush_each: bool,
}

impl Sink {
    pub fn create<R: Read>(
        dest: &OsStr,
        args: &Args,
        reader: &file::Reader<R>,
    ) -> Result<Sink, String> {
        let precision = if args.nano {
            Precision::Nano
        } else {
            Precision::Micro
        };
        let named = |e: file::Error| format!("{}: {e}", dest.to_string_lossy());
        let snaplen = reader
            .snaplen()
            .unwrap_or(ferrocap::linktype::MAXIMUM_SNAPLEN);
        let out = if args.pcapng {
            let mut section = pcapng::Section::default();
            section.user_application = Some(format!("ferrocap {}", env!("CARGO_PKG_VERSION")));
            let writer =
                pcapng::Writer::with_section(destination(dest)?, &section).map_err(named)?;
            let pcap_interface = reader.as_pcap().map(|p| {
                let mut i = pcapng::Interface::new(p.linktype(), p.header().snaplen);
                i.fcslen = p.header().fcs_len().and_then(|n| u8::try_from(n).ok());
                i.tsresol = p.precision().into();
                i
            });
            Output::Pcapng {
                writer,
                interfaces: HashMap::new(),
                pcap_interface,
                tsresol: precision.into(),
            }
        } else {
            let linktype = reader.linktype().unwrap_or(Linktype::EN10MB);
            let mut header = pcap::FileHeader::new(linktype, snaplen, precision);
            if let Some(p) = reader.as_pcap() {
                // Keep the FCS information of the input's link-type field.
                header.linktype_ext = p.header().linktype_ext;
            }
            let writer = pcap::Writer::with_header(destination(dest)?, header).map_err(named)?;
            Output::Pcap { writer, linktype }
        };
        Ok(Sink {
            out,
            flush_each: args.packet_buffered,
        })
    }

    /// Writes packet number `n` (from 1).
    pub fn write(
        &mut self,
        packet: &Packet<'_>,
        context: Option<&pcapng::Context<'_>>,
        n: u64,
    ) -> Result<(), String> {
        let failed = |e: file::Error| format!("writing packet {n}: {e}");
        match &mut self.out {
            Output::Pcap { writer, linktype } => {
                if packet.header.linktype() != *linktype {
                    return Err(format!(
                        "packet {n} has link type {}, but a pcap file holds only one ({}); write --pcapng to keep both",
                        packet.header.linktype(),
                        linktype
                    ));
                }
                writer.write_packet(packet).map_err(|e| match e.kind() {
                    file::ErrorKind::Unwritable(_) => {
                        format!("packet {n}: {e}; --pcapng can hold it")
                    }
                    _ => failed(e),
                })?;
                if self.flush_each {
                    writer.flush().map_err(failed)?;
                }
            }
            Output::Pcapng {
                writer,
                interfaces,
                pcap_interface,
                tsresol,
            } => {
                let key = context.map_or((0, 0), |c| (c.section, packet.header.interface_id()));
                let id = match interfaces.get(&key) {
                    Some(&id) => id,
                    None => {
                        let mut i = match (context, pcap_interface.as_ref()) {
                            (Some(c), _) => c.interface.clone(),
                            (None, Some(i)) => i.clone(),
                            (None, None) => pcapng::Interface::new(packet.header.linktype(), 0),
                        };
                        // The input's resolution and offset are kept when they are not finer
                        // than the precision asked for: every input time is then written
                        // exactly (and reads back as libpcap reads the input); finer ones are
                        // written in the precision asked for.
                        i.linktype = packet.header.linktype();
                        if i.tsresol.units_per_second() > tsresol.units_per_second() {
                            i.tsresol = *tsresol;
                        }
                        let id = writer.add_interface(&i).map_err(failed)?;
                        interfaces.insert(key, id);
                        id
                    }
                };
                let options = match context {
                    Some(c) => pcapng::PacketOptions::parse(c.options).unwrap_or_default(),
                    None => pcapng::PacketOptions::default(),
                };
                let mut options = options;
                options.flags = options.flags.or(packet.header.flags());
                writer
                    .write_packet_with(id, packet.header, packet.data, &options)
                    .map_err(failed)?;
                if self.flush_each {
                    writer.flush().map_err(failed)?;
                }
            }
        }
        Ok(())
    }

    pub fn finish(self) -> Result<(), String> {
        let failed = |e: file::Error| format!("writing: {e}");
        let mut w = match self.out {
            Output::Pcap { writer, .. } => writer.into_inner().map_err(failed)?,
            Output::Pcapng { writer, .. } => writer.into_inner().map_err(failed)?,
        };
        w.flush().map_err(|e| format!("writing: {e}"))
    }
}
