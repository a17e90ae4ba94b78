//! The pcap-filter language (`pcap-filter(7)`), compiled to classic BPF as libpcap 1.10 does.
//!
//! # Stages
//!
//! One representation per stage, each in its own module and testable alone:
//!
//! | stage | module | representation |
//! |---|---|---|
//! | text → tokens | `lexer` | tokens with byte spans (keywords, numbers, MAC/IPv4/IPv6 addresses, operators) |
//! | tokens → tree | `parser` | [`ast::Ast`]: libpcap's grammar, qualifier inheritance, flat `and`/`or` chains |
//! | tree → resolved tree | [`resolve`] | [`resolve::Filter`]: qualifiers checked, names looked up through a [`Resolver`], numbers in range |
//! | resolved tree → blocks | `codegen` | control-flow graph of blocks with conditional jumps, per link type and handle [`Context`] |
//! | blocks → blocks | `optimize` | the same graph, smaller (switchable off) |
//! | blocks → program | `emit` | [`bpf::Instruction`](crate::bpf::Instruction)s, long jumps fixed, validated into a [`bpf::Program`](crate::bpf::Program) |
//!
//! # Errors
//!
//! Every stage reports an [`Error`] with the expression and the byte [`Span`] of the token or
//! node at fault; its `Display` draws a caret line under it.
//!
//! # Input safety
//!
//! The [`limits`] bound the expression's length, its nesting and the program's size, so no
//! expression exhausts the stack or memory.
//!
//! # Name lookups
//!
//! The compiler does no I/O. Names (`host example.com`, `port http`, `ether host gw`) are
//! looked up through a [`Resolver`]; [`NoLookups`] allows numbers and addresses only.

pub mod ast;
// The back end (code generation, optimizer, emission); `allow(dead_code)` until the parser's
// `compile` calls it.
#[allow(dead_code)]
pub(crate) mod codegen;
#[allow(dead_code)]
pub(crate) mod emit;
mod error;
#[allow(dead_code)]
pub(crate) mod ir;
pub(crate) mod lalr;
pub(crate) mod lexer;
pub mod limits;
mod names;
#[allow(dead_code)]
pub(crate) mod optimize;
mod parser;
pub mod resolve;
mod span;

pub use error::{Error, ErrorKind};
pub use names::{
    LookupError, NoLookups, Resolver, Transport, ETHER_PROTOCOLS, ISO_PROTOCOLS, LLC_SAPS,
    LLC_S_SUBTYPES, LLC_U_SUBTYPES, PF_ACTIONS, PF_REASONS, WLAN_CTL_SUBTYPES, WLAN_DATA_SUBTYPES,
    WLAN_DIRECTIONS, WLAN_MGT_SUBTYPES, WLAN_SUBTYPES_BY_TYPE, WLAN_TYPES,
};
pub use span::{Span, Spanned};

use crate::linktype::Linktype;

pub use parser::parse;

/// The netmask value that means "unknown" (libpcap's `PCAP_NETMASK_UNKNOWN`): `ip broadcast`
/// is then an error.
pub const NETMASK_UNKNOWN: u32 = 0xffff_ffff;

/// The kind of handle a program is compiled for; a few primitives compile differently
/// (`filter-language.md` §4.4).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
#[non_exhaustive]
pub enum Context {
    /// No capture source (`Capture::dead`, `tcpdump -d`): libpcap's dead handle.
    #[default]
    Dead,
    /// Reading a capture file. `swapped`: the file is in the other byte order than this host
    /// (changes the DLT_NULL/ENC address-family constants). `inbound`/`outbound`/`ifindex` are
    /// errors unless the link type carries the direction itself.
    Savefile {
        /// Whether the file's byte order differs from the host's.
        swapped: bool,
    },
    /// A live Linux capture: VLAN tags, direction and interface index come from the kernel's
    /// ancillary data (`SKF_AD_*` loads).
    Live,
}

/// What code generation needs besides the resolved tree.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Target {
    /// The link type of the packets.
    pub linktype: Linktype,
    /// The value of `ret` for accepted packets (tcpdump's `-s`; 262144 by default).
    pub snaplen: u32,
    /// The IPv4 netmask for `ip broadcast` ([`NETMASK_UNKNOWN`] if not known).
    pub netmask: u32,
    /// The kind of handle.
    pub context: Context,
}
