//! pcapng (`draft-ietf-opsawg-pcapng`): blocks of sections, interfaces, packets and more.
//!
//! [`Reader`] hands out packets ([`Reader::next`], zero-copy) or every block
//! ([`Reader::next_block`], typed [`Block`] views borrowing the file's bytes), and keeps the
//! current [`Section`], its [`Interface`]s and their latest [`Statistics`]. [`Writer`] writes
//! sections, interfaces, packets with options, statistics and name resolution.
//!
//! # What is read
//!
//! - **Section headers** in either byte order, several per file; the byte order may change
//!   from one section to the next, and interface ids restart in each section. Versions 1.0 and
//!   1.2 (read as 1.0, as libpcap and Wireshark do); any other version is an error, at open or
//!   where its section starts. The section length is kept but never trusted (files store 0 or
//!   garbage, e.g. `scapy__http_head.pcapng`). Options: comments, `shb_hardware`, `shb_os`,
//!   `shb_userappl`, others kept raw.
//! - **Interface descriptions**: link type, snapshot length, and the options `if_tsresol`
//!   (`10^-n` up to 19, `2^-n` up to 63), `if_tsoffset`, `if_name`, `if_description`,
//!   `if_filter`, `if_os`, `if_hardware`, `if_fcslen`, `if_speed`, `if_MACaddr`, comments;
//!   others kept raw.
//! - **Packets**: Enhanced Packet Blocks, Simple Packet Blocks and the obsolete Packet Block.
//!   Each packet's header carries its interface id (within its section), that interface's link
//!   type (mapped as libpcap maps stored values: [`crate::Linktype::from_file_value`]) and the
//!   `epb_flags` word ([`crate::PacketHeader::flags`]). The other packet options (comments,
//!   `epb_hash`, `epb_dropcount`, `epb_packetid`, `epb_queue`, …) are parsed only when asked
//!   for ([`Reader::next_with_options`], [`PacketOptions::parse`]): the packet path finds the
//!   flags word without allocating and reads nothing else.
//! - **Interface statistics** (the latest per interface, [`Reader::statistics`]), **name
//!   resolution**, **decryption secrets**, **custom blocks** (both copy types) and unknown
//!   blocks: skipped by [`Reader::next`], returned by [`Reader::next_block`], and kept in
//!   order for a copy by a reader asked to ([`Reader::keep_blocks`]; the blocks before each
//!   packet are in its [`Context`]).
//!
//! # Fidelity to libpcap
//!
//! For every file libpcap 1.10 reads, [`Reader::next`] delivers exactly libpcap's packets:
//! time stamps to the nanosecond (units of `if_tsresol` plus `if_tsoffset` seconds, the
//! fraction truncated as libpcap truncates it), captured and wire lengths, and the bytes,
//! including libpcap's byte-order fix-ups of pseudo-headers (`pcap_post_process`), applied per
//! interface with its section's byte order. [`Reader::linktype`] and [`Reader::snaplen`]
//! report the first interface's values as `pcap_datalink` and `pcap_snapshot` do (the reader
//! looks ahead for the first interface at open, as libpcap reads up to it). A simple packet
//! gets libpcap's time stamp: 0 units, so `if_tsoffset` seconds; its captured length is the
//! smallest of its original length, interface 0's (adjusted) snapshot length and the bytes
//! stored.
//!
//! # Deliberate differences from libpcap
//!
//! Where libpcap stops or refuses but the file can be read correctly, ferrocap reads on and
//! delivers what Wireshark delivers:
//!
//! 1. **Several link types and snapshot lengths.** libpcap stops at the first interface whose
//!    link type or snapshot length differs from the first interface's; ferrocap reads every
//!    interface and gives each packet its own interface's link type.
//! 2. **Sections of either byte order.** libpcap stops at a section whose byte order differs
//!    from the first's; ferrocap reads each section in its own order.
//! 3. **No interface at all.** libpcap refuses a file without interface descriptions ("no
//!    Interface Description Blocks"); ferrocap opens it ([`Reader::linktype`] is `None`) and
//!    finds no packets, as Wireshark does: an empty capture is not a damaged one.
//! 4. **Captured length above the snapshot length.** libpcap stops at such a packet ("invalid
//!    packet capture length", `pythonpcapng__test006-fixed.ntar`); ferrocap delivers every
//!    byte stored, as Wireshark does. A captured length is bounded by its block, nothing else
//!    (see the limits below).
//! 5. **Block lengths that are not a multiple of 4.** libpcap stops; ferrocap rounds the
//!    length up, as Wireshark does, which reads the old NTAR files that stored unpadded lengths
//!    but wrote the padding (`pcapngorg__icmp2.ntar`, `pythonpcapng__test006.ntar`). The
//!    rounded block must still end in a copy of its length, and a rounded simple packet block
//!    must hold exactly its captured bytes plus padding, as Wireshark requires
//!    (`pythonpcapng__test007.ntar` stores 123 bytes for a 96-byte packet and fails for all
//!    three readers; in a block of aligned length the surplus is ignored, as libpcap does).
//! 6. **Later sections of version 1.x other than 1.0 and 1.2.** libpcap checks only the major
//!    version after the first section; ferrocap refuses them as at open (and as Wireshark
//!    does).
//! 7. **Time stamp arithmetic.** For `2^-n` resolutions above `2^-34`, libpcap's 64-bit
//!    fraction arithmetic overflows; ferrocap computes the exact (truncated) value. Seconds
//!    beyond `i64` saturate.
//! 8. **The first section header's trailer** is checked like every other block's (libpcap
//!    does not check that one).
//!
//! Malformed input that libpcap rejects stays an error: a bad byte-order magic, a block too
//! short or too long, a trailer that does not match, an option list in an interface
//! description that overruns its block or repeats or mis-sizes `if_tsresol`/`if_tsoffset`,
//! a resolution too fine for 64 bits, a packet for an interface not (yet) described, packet
//! data running past its block, a block cut short by the end of the file. Option lists that
//! libpcap never reads (section headers, statistics, packets) do not stop reading: the
//! decoded [`Section`] and [`Statistics`] keep the options before the damage, and iterating
//! [`Options`] reports it.
//!
//! The odd files of the test corpus, and what they get:
//!
//! | file | ferrocap |
//! |---|---|
//! | `libpcap__shb-option-too-long.pcapng` (SHB option overruns its block) | refused at open: the SHB's trailer does not match (libpcap and Wireshark refuse it too) |
//! | `libpcap__pcapng-invalid-vers-{1,2}.pcapng`, `pcapngorg__http.bigendian.ntar` | refused at open: version 0.1, 1.1, 256.0 |
//! | `gopacket__{le,be}__test901.pcapng` (second section 2.0) | the first section's packet, then an error, as libpcap and Wireshark |
//! | `lightpcapng__results__blocks.merged.pcapng` (last SHB's length in the wrong byte order, beyond the file) | 493 packets, then an error (block too long), as both |
//! | `scapy__http_head.pcapng` and others with section length 0 or garbage | read normally |
//! | `pcapngtest__*__test002/017`, `pythonpcapng__test001/004.ntar` (no IDB) | opened, no packets (difference 3) |
//! | `pythonpcapng__test006-fixed.ntar` (caplen 123 > snaplen 96) | the packet, 123 bytes (difference 4) |
//! | `pcapngorg__icmp2.ntar`, `pythonpcapng__test006.ntar` (unpadded lengths) | every packet (difference 5) |
//! | `pythonpcapng__test007.ntar` (unpadded SPB holding more than its packet) | an error before any packet, as both |
//! | `pcapngorg__pcap-ng_Wi-Fi_Bluetooth_USB_Cooked_timestamps_issue_1.ntar` (10 sections, 5 link types) | all 413 packets; Wireshark stops at a 3-byte Bluetooth H4 packet too short for its pseudo-header, libpcap at the second link type |
//!
//! # Performance
//!
//! [`Reader::next`] is zero-copy: a packet's bytes borrow the memory-mapped file or the stream
//! buffer, nothing is allocated per packet (a copy into a reused buffer is made only for the
//! few link types libpcap post-processes: pseudo-headers of the other byte order, Linux USB
//! lengths), and blocks the reader does not need are skipped without being buffered.
//!
//! # Limits
//!
//! From [`crate::file::limits`]: a block may be at most [`limits::MAX_BLOCK_LEN`] (16 MiB),
//! raised to the largest packet of any link type seen plus [`limits::BLOCK_OVERHEAD`], as in
//! libpcap; a section may describe at most [`limits::MAX_INTERFACES`] interfaces and keep at
//! most [`limits::MAX_RETAINED`] bytes of options; the look-ahead at open stops after
//! [`limits::MAX_LOOKAHEAD`] bytes. A reader holds one block (or one read chunk) plus that
//! metadata.
//!
//! [`limits::MAX_BLOCK_LEN`]: crate::file::limits::MAX_BLOCK_LEN
//! [`limits::BLOCK_OVERHEAD`]: crate::file::limits::BLOCK_OVERHEAD
//! [`limits::MAX_INTERFACES`]: crate::file::limits::MAX_INTERFACES
//! [`limits::MAX_RETAINED`]: crate::file::limits::MAX_RETAINED
//! [`limits::MAX_LOOKAHEAD`]: crate::file::limits::MAX_LOOKAHEAD
//!
//! # What is written
//!
//! See [`Writer`]: sections in either byte order with their options, interfaces of any link
//! type and resolution, Enhanced Packet Blocks with options, Simple Packet Blocks, interface
//! statistics, name resolution and custom blocks.

mod block;
mod custom;
mod interface;
mod kept;
mod names;
mod options;
mod packet;
mod reader;
mod secrets;
mod section;
mod stats;
mod writer;

#[cfg(test)]
mod fixtures;

pub use block::{Block, Unknown};
pub use custom::Custom;
pub use interface::{Interface, InterfaceDescription, TsResolution};
pub use kept::{KeptBlock, KeptBlocks};
pub use names::{NameEntry, NameRecord, NameResolution, Records, NRB_IPV4, NRB_IPV6};
pub use options::{Opt, OptionCode, Options, RawOption};
pub use packet::{EnhancedPacket, PacketBlock, PacketHash, PacketOptions, SimplePacket};
pub use reader::{Context, Reader};
pub use secrets::DecryptionSecrets;
pub use section::{Section, SectionHeader};
pub use stats::{InterfaceStatistics, Statistics};
pub use writer::Writer;
