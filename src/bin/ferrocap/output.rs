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
    /// A pcapng copy: every input section and interface, and every block a reader of the copy
    /// expects (statistics, name resolution, decryption secrets, copiable custom and unknown
    /// blocks), in the input's order; from a pcap input, one section with its one interface.
    Pcapng {
        writer: pcapng::Writer<Box<dyn Write>>,
        /// (input section, input interface id) → output interface id.
        interfaces: HashMap<(u32, u32), u32>,
        /// The input interfaces of the current section, by id (for their statistics' times).
        inputs: Vec<pcapng::Interface>,
        /// The input section being copied.
        section: u32,
        /// The pcap input's one interface.
        pcap_interface: Option<pcapng::Interface>,
        tsresol: pcapng::TsResolution,
    },
}

fn destination(dest: &OsStr) -> Result<Box<dyn Write>, String> {
    if dest == OsStr::new("-") {
        return Ok(raw_stdout());
    }
    std::fs::File::create(dest)
        .map(|f| Box::new(f) as Box<dyn Write>)
        .map_err(|e| format!("{}: {e}", dest.to_string_lossy()))
}

/// Standard output without std's line buffering: `io::Stdout` writes out every chunk up to
/// its last newline byte at once, so a packet holding a 0x0a byte would reach a `-U` reader
/// in two writes. The output file has its own buffer; this writes to a duplicate of fd 1.
fn raw_stdout() -> Box<dyn Write> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = io::stdout().as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    Box::new(io::stdout())
}

/// Writes a packet, then flushes when `-U` asked for it.
pub struct Sink {
    out: Output,
    flush_each: bool,
}

/// What the packets come from, as far as the output file's header needs it.
struct Input {
    linktype: Linktype,
    snaplen: u32,
    /// The pcap header's FCS bits, kept in a pcap copy of a pcap input.
    linktype_ext: u32,
    /// A pcapng input's first section, kept as it is in a pcapng copy.
    section: Option<pcapng::Section>,
    /// The interface of packets that come without a pcapng context (a pcap input, a live
    /// capture).
    interface: Option<pcapng::Interface>,
}

impl Sink {
    /// Opens `dest` for the packets of `reader`; a pcapng copy of a pcapng input asks the reader
    /// to keep the blocks between packets, so that they are copied too.
    pub fn create<R: Read>(
        dest: &OsStr,
        args: &Args,
        reader: &mut file::Reader<R>,
    ) -> Result<Sink, String> {
        let snaplen = reader
            .snaplen()
            .unwrap_or(ferrocap::linktype::MAXIMUM_SNAPLEN);
        let linktype = reader.linktype().unwrap_or(Linktype::EN10MB);
        let section = match reader.as_pcapng_mut() {
            Some(r) if args.pcapng => {
                r.keep_blocks(true);
                Some(r.section().clone())
            }
            _ => None,
        };
        let pcap = reader.as_pcap();
        let interface = pcap.map(|p| {
            let mut i = pcapng::Interface::new(p.linktype(), p.header().snaplen);
            i.fcslen = p.header().fcs_len().and_then(|n| u8::try_from(n).ok());
            i.tsresol = p.precision().into();
            i
        });
        let linktype_ext = pcap.map_or(0, |p| p.header().linktype_ext);
        let input = Input {
            linktype,
            snaplen,
            linktype_ext,
            section,
            interface,
        };
        Sink::open(dest, args, input)
    }

    /// Opens `dest` for the packets of a live capture with this link type, snapshot length
    /// and time stamp precision.
    pub fn for_capture(
        dest: &OsStr,
        args: &Args,
        linktype: Linktype,
        snaplen: u32,
        precision: Precision,
    ) -> Result<Sink, String> {
        let mut interface = pcapng::Interface::new(linktype, snaplen);
        interface.tsresol = precision.into();
        let input = Input {
            linktype,
            snaplen,
            linktype_ext: 0,
            section: None,
            interface: Some(interface),
        };
        Sink::open(dest, args, input)
    }

    fn open(dest: &OsStr, args: &Args, input: Input) -> Result<Sink, String> {
        let precision = if args.nano {
            Precision::Nano
        } else {
            Precision::Micro
        };
        let named = |e: file::Error| format!("{}: {e}", dest.to_string_lossy());
        let out = if args.pcapng {
            // A pcapng input's first section (comments, hardware, application) is kept as it
            // is, in its byte order; later sections come as the reader keeps them.
            let section = input.section.unwrap_or_else(|| {
                let mut section = pcapng::Section::default();
                section.user_application = Some(format!("ferrocap {}", env!("CARGO_PKG_VERSION")));
                section
            });
            let writer =
                pcapng::Writer::with_section(destination(dest)?, &section).map_err(named)?;
            Output::Pcapng {
                writer,
                interfaces: HashMap::new(),
                inputs: Vec::new(),
                section: 0,
                pcap_interface: input.interface,
                tsresol: precision.into(),
            }
        } else {
            let mut header = pcap::FileHeader::new(input.linktype, input.snaplen, precision);
            header.linktype_ext = input.linktype_ext;
            let writer = pcap::Writer::with_header(destination(dest)?, header).map_err(named)?;
            Output::Pcap {
                writer,
                linktype: input.linktype,
            }
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
                inputs,
                section,
                pcap_interface,
                tsresol,
            } => {
                if let Some(c) = context {
                    for block in c.preceding {
                        copy_block(writer, interfaces, inputs, section, *tsresol, &block)
                            .map_err(|e| format!("copying the blocks before packet {n}: {e}"))?;
                    }
                }
                let key = context.map_or((0, 0), |c| (c.section, packet.header.interface_id()));
                let id = match interfaces.get(&key) {
                    Some(&id) => id,
                    None => {
                        let i = match (context, pcap_interface.as_ref()) {
                            (Some(c), _) => c.interface.clone(),
                            (None, Some(i)) => i.clone(),
                            (None, None) => pcapng::Interface::new(packet.header.linktype(), 0),
                        };
                        let i = output_interface(i, packet.header.linktype(), *tsresol);
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

    /// Writes what is left of a file copy (for a pcapng copy, the blocks after the last packet
    /// read), then [`close`](Self::close)s.
    pub fn finish<R: Read>(mut self, reader: &file::Reader<R>) -> Result<(), String> {
        if let (
            Output::Pcapng {
                writer,
                interfaces,
                inputs,
                section,
                tsresol,
                ..
            },
            Some(r),
        ) = (&mut self.out, reader.as_pcapng())
        {
            for block in r.kept_blocks() {
                copy_block(writer, interfaces, inputs, section, *tsresol, &block)
                    .map_err(|e| format!("copying the blocks after the last packet: {e}"))?;
            }
        }
        self.close()
    }

    /// Flushes everything written to the destination.
    pub fn close(self) -> Result<(), String> {
        let failed = |e: file::Error| format!("writing: {e}");
        let mut w = match self.out {
            Output::Pcap { writer, .. } => writer.into_inner().map_err(failed)?,
            Output::Pcapng { writer, .. } => writer.into_inner().map_err(failed)?,
        };
        w.flush().map_err(|e| format!("writing: {e}"))
    }
}

/// The output interface for input interface `i` whose packets have link type `linktype`.
///
/// The input's resolution and offset are kept when they are not finer than the precision asked
/// for: every input time is then written exactly (and reads back as libpcap reads the input);
/// finer ones are written in the precision asked for.
fn output_interface(
    mut i: pcapng::Interface,
    linktype: Linktype,
    tsresol: pcapng::TsResolution,
) -> pcapng::Interface {
    i.linktype = linktype;
    if i.tsresol.units_per_second() > tsresol.units_per_second() {
        i.tsresol = tsresol;
    }
    i
}

/// Copies one block the reader kept from between two packets: a new section, an interface, its
/// statistics (times converted to the output interface's resolution), or any other block as
/// stored, except custom blocks marked not to be copied.
fn copy_block(
    writer: &mut pcapng::Writer<Box<dyn Write>>,
    interfaces: &mut HashMap<(u32, u32), u32>,
    inputs: &mut Vec<pcapng::Interface>,
    section: &mut u32,
    tsresol: pcapng::TsResolution,
    block: &pcapng::KeptBlock<'_>,
) -> Result<(), file::Error> {
    match block.block_type {
        file::BlockType::SECTION_HEADER => {
            let pcapng::Block::SectionHeader(shb) = block.parse()? else {
                return Ok(());
            };
            writer.new_section(&pcapng::Section::from_block(&shb))?;
            *section += 1;
            inputs.clear();
        }
        file::BlockType::INTERFACE_DESCRIPTION => {
            let pcapng::Block::InterfaceDescription(idb) = block.parse()? else {
                return Ok(());
            };
            let input = pcapng::Interface::from_block(&idb, block.offset)?;
            let key = (*section, u32::try_from(inputs.len()).unwrap_or(u32::MAX));
            let i = output_interface(input.clone(), input.packet_linktype(), tsresol);
            let id = writer.add_interface(&i)?;
            interfaces.insert(key, id);
            inputs.push(input);
        }
        file::BlockType::INTERFACE_STATISTICS => {
            // Statistics the reader cannot attribute (bad fields, unknown interface) are
            // dropped, as every reader ignores them.
            let Ok(pcapng::Block::InterfaceStatistics(isb)) = block.parse() else {
                return Ok(());
            };
            let input = usize::try_from(isb.interface_id)
                .ok()
                .and_then(|i| inputs.get(i));
            let id = interfaces.get(&(*section, isb.interface_id));
            if let (Some(input), Some(&id)) = (input, id) {
                let stats = pcapng::Statistics::from_block(&isb, input);
                writer.write_stats(id, &stats)?;
            }
        }
        file::BlockType::CUSTOM_NO_COPY => {}
        t => writer.write_block(t, block.body)?,
    }
    Ok(())
}
