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
//! [`netdb::Netdb`](crate::netdb::Netdb) is the system's (`/etc` files and the system
//! resolver), which `Capture::compile` and the `ferrocap` command use.
//!
//! # Use
//!
//! ```
//! use ferrocap::filter::{self, Options};
//! use ferrocap::Linktype;
//!
//! // libpcap's pcap_compile on a dead handle; gopacket's CompileBPFFilter.
//! let prog = filter::compile("tcp port 80", Linktype::EN10MB, 262144, true, 0)?;
//! assert_eq!(prog.source(), Some("tcp port 80"));
//!
//! // With names, for another handle kind, unoptimized:
//! let netdb = ferrocap::netdb::Netdb::system();
//! let prog = Options::new(Linktype::LINUX_SLL)
//!     .optimize(false)
//!     .resolver(&netdb)
//!     .compile("host localhost and not port 22")?;
//! assert!(prog.len() > 10);
//!
//! // Errors point at the token.
//! let err = filter::compile("tcp port 99999", Linktype::EN10MB, 262144, true, 0).unwrap_err();
//! assert_eq!(err.to_string(), "illegal port number 99999 > 65535\ntcp port 99999\n         ^^^^^");
//! # Ok::<(), filter::Error>(())
//! ```

pub mod ast;
pub mod differences;
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
pub(crate) mod reuse;
mod span;

pub use error::{Error, ErrorKind};
pub use names::{
    LookupError, NoLookups, Resolver, Transport, ETHER_PROTOCOLS, ISO_PROTOCOLS, LLC_SAPS,
    LLC_S_SUBTYPES, LLC_U_SUBTYPES, PF_ACTIONS, PF_REASONS, WLAN_CTL_SUBTYPES, WLAN_DATA_SUBTYPES,
    WLAN_DIRECTIONS, WLAN_MGT_SUBTYPES, WLAN_SUBTYPES_BY_TYPE, WLAN_TYPES,
};
pub use span::{Span, Spanned};

use crate::bpf::Program;
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

/// Compiles `expr` into a validated BPF program for packets of `linktype` (libpcap's
/// `pcap_compile` on a dead handle; gopacket's `CompileBPFFilter`). `snaplen` is the value
/// accepted packets return (tcpdump's `-s`, 262144 by default); `optimize` runs the
/// optimizer; `netmask` is for `ip broadcast` ([`NETMASK_UNKNOWN`] if not known; tcpdump
/// passes 0 when reading files).
///
/// Names are not looked up (they are errors of kind [`ErrorKind::LookupsDisabled`]): use
/// [`Options`] with a [`Resolver`] such as [`netdb::Netdb`](crate::netdb::Netdb), or
/// `Capture::compile`, which does. The program keeps `expr` as its
/// [`source`](crate::bpf::Program::source).
pub fn compile(
    expr: &str,
    linktype: Linktype,
    snaplen: u32,
    optimize: bool,
    netmask: u32,
) -> Result<Program, Error> {
    Options::new(linktype)
        .snaplen(snaplen)
        .optimize(optimize)
        .netmask(netmask)
        .compile(expr)
}

/// How to compile: the link type and the other knobs of [`compile`], the kind of handle, and
/// the [`Resolver`] for names. Built with [`Options::new`] and the setters, then
/// [`compile`](Options::compile) (as many expressions as you like).
#[derive(Clone, Copy)]
pub struct Options<'r> {
    target: Target,
    optimize: bool,
    resolver: &'r dyn Resolver,
}

impl std::fmt::Debug for Options<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("target", &self.target)
            .field("optimize", &self.optimize)
            .finish_non_exhaustive()
    }
}

impl Options<'static> {
    /// Defaults for `linktype`: snap length 262144, optimized, netmask 0 (what tcpdump passes
    /// when it knows none), a dead handle ([`Context::Dead`]), no name lookups ([`NoLookups`]).
    pub fn new(linktype: Linktype) -> Options<'static> {
        Options {
            target: Target {
                linktype,
                snaplen: crate::linktype::MAXIMUM_SNAPLEN,
                netmask: 0,
                context: Context::Dead,
            },
            optimize: true,
            resolver: &NoLookups,
        }
    }
}

impl<'r> Options<'r> {
    /// The value accepted packets return (`ret #snaplen`); 0 is an error, as in libpcap.
    pub fn snaplen(mut self, snaplen: u32) -> Self {
        self.target.snaplen = snaplen;
        self
    }

    /// Whether to optimize (tcpdump's `-O` turns it off).
    pub fn optimize(mut self, optimize: bool) -> Self {
        self.optimize = optimize;
        self
    }

    /// The IPv4 netmask `ip broadcast` needs ([`NETMASK_UNKNOWN`]: not known).
    pub fn netmask(mut self, netmask: u32) -> Self {
        self.target.netmask = netmask;
        self
    }

    /// The kind of handle the program is for (a few primitives compile differently).
    pub fn context(mut self, context: Context) -> Self {
        self.target.context = context;
        self
    }

    /// Looks names up with `resolver`.
    pub fn resolver<'s>(self, resolver: &'s dyn Resolver) -> Options<'s> {
        Options {
            target: self.target,
            optimize: self.optimize,
            resolver,
        }
    }

    /// The code-generation target these options describe.
    pub fn target(&self) -> Target {
        self.target
    }

    /// Compiles `expr`: parse, resolve, generate, optimize (if asked), emit and validate.
    pub fn compile(&self, expr: &str) -> Result<Program, Error> {
        let ast = parse(expr)?;
        let filter = resolve::resolve(&ast, expr, self.resolver)?;
        let program = codegen::lower::program(&filter, &self.target, expr, self.optimize)?;
        Ok(program.with_source(expr))
    }
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
