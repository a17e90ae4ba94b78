//! `-w`: copying packets to a pcap or pcapng file.

use crate::args::Args;
use ferrocap::file::{self, pcap};
use ferrocap::{Linktype, Packet, Precision};
use std::ffi::OsStr;
use std::io::{self, Read, Write};

/// Where `-w` writes.
pub enum Output {
    Pcap {
        writer: pcap::Writer<Box<dyn Write>>,
        linktype: Linktype,
        flush_each: bool,
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

impl Output {
    pub fn create<R: Read>(
        dest: &OsStr,
        args: &Args,
        reader: &file::Reader<R>,
    ) -> Result<Output, String> {
        let precision = if args.nano {
            Precision::Nano
        } else {
            Precision::Micro
        };
        if args.pcapng {
            return Err("--pcapng output is not built yet".into());
        }
        let linktype = reader.linktype().unwrap_or(Linktype::EN10MB);
        let snaplen = reader.snaplen().unwrap_or(file::limits::MAX_SNAPLEN);
        let mut header = pcap::FileHeader::new(linktype, snaplen, precision);
        if let Some(p) = reader.as_pcap() {
            // Keep the FCS information of the input's link-type field.
            header.linktype_ext = p.header().linktype_ext;
        }
        let writer = pcap::Writer::with_header(destination(dest)?, header)
            .map_err(|e| format!("{}: {e}", dest.to_string_lossy()))?;
        Ok(Output::Pcap {
            writer,
            linktype,
            flush_each: args.packet_buffered,
        })
    }

    pub fn write(&mut self, packet: &Packet<'_>, n: u64) -> Result<(), String> {
        match self {
            Output::Pcap {
                writer,
                linktype,
                flush_each,
            } => {
                if packet.header.linktype() != *linktype {
                    return Err(format!(
                        "packet {n} has link type {}, but a pcap file holds only one ({}); write --pcapng to keep both",
                        packet.header.linktype(),
                        linktype
                    ));
                }
                writer
                    .write_packet(packet)
                    .map_err(|e| format!("writing: {e}"))?;
                if *flush_each {
                    writer.flush().map_err(|e| format!("writing: {e}"))?;
                }
                Ok(())
            }
        }
    }

    pub fn finish(self) -> Result<(), String> {
        match self {
            Output::Pcap { writer, .. } => {
                let mut w = writer.into_inner().map_err(|e| format!("writing: {e}"))?;
                w.flush().map_err(|e| format!("writing: {e}"))
            }
        }
    }
}
