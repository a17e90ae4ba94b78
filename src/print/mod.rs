//! One line per packet, the way `tcpdump -n` 4.99 prints it (without the time stamp), and
//! tcpdump's hex dumps ([`hexdump`]).
//!
//! The printer is a consumer of [`wire`](crate::wire): the Ethernet, VLAN, Linux cooked, ARP,
//! IPv4, IPv6, TCP, UDP and ICMP headers are read through their views (the `try_` accessors
//! tell a field cut short by the snapshot length from a zero one, so the line ends in
//! ` [|proto]` where tcpdump's does), link-layer header lengths come from
//! [`wire::link`](crate::wire::link) and every name from [`wire::names`](crate::wire::names).
//! The long tail of protocols tcpdump dissects is parsed here, in the file of its layer.
//!
//! ```
//! use ferrocap::print::{Options, Printer};
//! use ferrocap::Linktype;
//!
//! // An Ethernet frame with an ARP request.
//! let frame = [
//!     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x06,
//!     0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
//!     10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2,
//! ];
//! let mut opts = Options::default();
//! opts.numeric = true; // -n
//! let mut printer = Printer::new(opts);
//! let mut line = String::new(); // reused for every packet
//! printer.write_packet(&mut line, Linktype::EN10MB, &frame, 60)?;
//! assert_eq!(line, "ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 46");
//! # Ok::<(), std::fmt::Error>(())
//! ```
//!
//! # What is decoded
//!
//! - **Link layers:** Ethernet (802.1Q, 802.1ad and 0x9100/0x9200 tags; 802.3 frames with
//!   LLC and SNAP), Linux cooked v1 and v2, raw IP (`RAW`, `IPV4`, `IPV6`), BSD loopback
//!   (`NULL`, `LOOP`), `NFLOG`, PPP and Cisco HDLC.
//! - **Above Ethernet:** IPv4, IPv6, ARP and RARP, MPLS, PPPoE (discovery and sessions), STP,
//!   and LLDP (its length, as tcpdump prints it without `-v`).
//! - **IP:** IPv4 (fragments; options with `-v`), IPv6 (hop-by-hop, destination options,
//!   routing and fragment headers, jumbograms), IP-in-IP, GRE (with PPP: IP, MPLS, and the
//!   first line of LCP, IPCP, PAP, CHAP and Multilink), ESP, AH, ICMP,
//!   ICMPv6 (neighbor discovery and MLD included), IGMP, SCTP, IPComp, and the one-line
//!   headers of OSPF, PIM and VRRP.
//! - **TCP:** flags, relative sequence numbers, every option tcpdump names (SACK, timestamps,
//!   MPTCP, Fast Open, MD5, …); above it the first line of HTTP, FTP, SMTP, RTSP and WHOIS
//!   (all lines with `-v`), the SSH banner, Telnet option negotiation, DNS, and BGP's marker.
//! - **UDP:** DNS and mDNS (every section, as tcpdump prints them up to `-vv`), BOOTP and
//!   DHCP, DHCPv6, NTP, TFTP, syslog, RADIUS, HSRP, SIP, BFD, VXLAN, OTV, Geneve, Broadcom's
//!   LI shim and UDP-encapsulated ESP.
//! - **`-v`:** the IPv4 and IPv6 header fields and IPv4 options (source routes, timestamps),
//!   TCP, UDP, ICMP, ICMPv6, IGMP and VRRP checksums (over a source route's final
//!   destination, as tcpdump does), the packet quoted by an ICMP error, IPv6 extension header
//!   options, neighbor discovery options, MLDv2 and IGMPv3 records, VRRP addresses, AH and GRE
//!   details.
//!
//! Everything else tcpdump dissects is reduced to the line tcpdump prints for a protocol it
//! does not know: `UDP, length 40` for an unknown UDP payload (NFS, SNMP, NetBIOS, ISAKMP,
//! Kerberos, PTP, …), nothing after `length N` for TCP (OpenFlow, NFS, Redis, …),
//! ` ip-proto-88 40` for an IP protocol (EIGRP, …), the Ethernet header and a hex dump for an
//! Ethernet type (`ethertype PTP (0x88f7), length 60: `), and tcpdump's own `UNSUPPORTED` dump
//! for a link type outside the list above (802.11, radiotap, USB, …). With `-v`, the verbose
//! detail of BOOTP, NTP, PPP control protocol options and the application protocols is not
//! printed, nor the per-command hex dump tcpdump gives Telnet with `-X -vvv`.
//!
//! # Departures from tcpdump, on purpose
//!
//! - **No name resolution.** Addresses are always printed as numbers; tcpdump without `-n`
//!   looks them up (`/etc/hosts`, DNS), so it prints `localhost` for 127.0.0.1 and, with a
//!   network, whatever the reverse DNS says. Without [`Options::numeric`], the names that do not
//!   need a lookup are printed as tcpdump prints them: port names from a built-in copy of the
//!   TCP and UDP entries of Debian's services list (what tcpdump reads from `/etc/services`
//!   there), protocol keywords, `Broadcast` and ` (oui NAME)` after MAC addresses; the host's
//!   `/etc/services` and `/etc/ethers` are never read, so the output is the same everywhere.
//!   `-n` output does not differ from tcpdump's at all on this account.
//! - **Linux cooked v2 interface names.** tcpdump prints the name the *reading* host gives the
//!   interface index stored in the packet (`if_indextoname`); we print `?` as tcpdump does
//!   when the index does not exist there, so the output does not depend on the host.
//! - **State.** Like tcpdump, the printer remembers the first sequence numbers of each TCP
//!   conversation to print relative ones; it stops remembering new conversations after
//!   [`MAX_TCP_CONVERSATIONS`] (they print absolute numbers) so hostile input cannot grow it
//!   without bound.

#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

mod app;
mod bfd;
mod dns;
mod icmp;
mod ip;
mod link;
mod other;
mod telnet;
mod transport;

pub mod hexdump;

use crate::linktype::Linktype;
use hexdump::HexMode;
use std::collections::HashMap;
use std::fmt;

/// How to print, tcpdump's flags that change the line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// `-n`: numbers instead of names (ports, IP protocols, MAC address organisations).
    /// Addresses are never looked up either way.
    pub numeric: bool,
    /// `-e`: print the link-level header (MAC addresses, Ethernet type, length).
    pub link_header: bool,
    /// `-q`: quick output, less protocol detail.
    pub quick: bool,
    /// `-v`, `-vv`, …: more detail (IP header fields, checksums).
    pub verbose: u8,
    /// `-S`: absolute TCP sequence numbers.
    pub absolute_seq: bool,
    /// `-x`, `-xx`, `-X`, `-XX`: the hex dump after the line.
    pub hex: HexMode,
}

/// The most TCP conversations the printer remembers for relative sequence numbers.
pub const MAX_TCP_CONVERSATIONS: usize = 1 << 20;

/// The largest captured or wire length tcpdump accepts: libpcap's `MAXIMUM_SNAPLEN`.
pub use crate::linktype::MAXIMUM_SNAPLEN;

/// Prints packets, one line each, keeping the little state tcpdump keeps between packets (TCP
/// initial sequence numbers).
#[derive(Debug, Default)]
pub struct Printer {
    opts: Options,
    tcp: TcpSeqTable,
}

impl Printer {
    /// A printer with these options.
    pub fn new(opts: Options) -> Printer {
        Printer {
            opts,
            tcp: TcpSeqTable::default(),
        }
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Writes one packet's line, and its hex dump if [`Options::hex`] asks for one, without
    /// the time stamp before it and without the final newline: the caller writes the time stamp
    /// (unless [`header_is_valid`] is false: tcpdump prints none then), calls this, and ends
    /// the line.
    ///
    /// `data` is the captured bytes, `wire_len` the length of the packet on the wire. Nothing
    /// is allocated, except when a TCP conversation is seen for the first time.
    pub fn write_packet(
        &mut self,
        out: &mut impl fmt::Write,
        linktype: Linktype,
        data: &[u8],
        wire_len: u32,
    ) -> fmt::Result {
        let caplen = u32::try_from(data.len()).unwrap_or(u32::MAX);
        if !header_is_valid(caplen, wire_len) {
            return write_invalid_header(out, caplen, wire_len);
        }
        let mut ctx = Ctx {
            out,
            opts: &self.opts,
            tcp: &mut self.tcp,
            proto: "",
            ll_hdr_len: 0,
            tcp_opt_printed: false,
        };
        match link::print(&mut ctx, linktype, data, wire_len) {
            Ok(()) => {}
            Err(Stop::Trunc) => {
                let proto = ctx.proto;
                write!(ctx.out, " [|{proto}]")?;
                // tcpdump dumps the whole packet after an aborted dissection.
                ctx.ll_hdr_len = 0;
            }
            Err(Stop::Local) => {
                let proto = ctx.proto;
                write!(ctx.out, " [|{proto}]")?;
            }
            Err(Stop::Fmt) => return Err(fmt::Error),
        }
        let dump = if self.opts.hex.with_link_header() {
            data
        } else {
            data.get(ctx.ll_hdr_len..).unwrap_or(&[])
        };
        match self.opts.hex {
            HexMode::Off => Ok(()),
            HexMode::Hex | HexMode::HexWithLink => hexdump::write_hex(ctx.out, dump),
            HexMode::HexAscii | HexMode::HexAsciiWithLink => {
                hexdump::write_hex_ascii(ctx.out, dump)
            }
        }
    }
}

/// Whether tcpdump would print this packet normally: a captured length and a wire length above
/// zero, the captured length not above the wire length, and both at most [`MAXIMUM_SNAPLEN`].
/// When this is false, [`Printer::write_packet`] writes tcpdump's `[Invalid header: …]` line,
/// which tcpdump prints without a time stamp.
pub fn header_is_valid(caplen: u32, wire_len: u32) -> bool {
    caplen != 0
        && wire_len != 0
        && wire_len >= caplen
        && caplen <= MAXIMUM_SNAPLEN
        && wire_len <= MAXIMUM_SNAPLEN
}

fn write_invalid_header(out: &mut dyn fmt::Write, caplen: u32, len: u32) -> fmt::Result {
    let mut sep = "[Invalid header:";
    let mut item = |out: &mut (dyn fmt::Write + '_), args: fmt::Arguments<'_>| {
        let r = write!(out, "{sep} {args}");
        sep = ",";
        r
    };
    if caplen == 0 {
        item(out, format_args!("caplen==0"))?;
    }
    if len == 0 {
        item(out, format_args!("len==0"))?;
    } else if len < caplen {
        item(out, format_args!("len({len}) < caplen({caplen})"))?;
    }
    if caplen > MAXIMUM_SNAPLEN {
        item(out, format_args!("caplen({caplen}) > {MAXIMUM_SNAPLEN}"))?;
    }
    if len > MAXIMUM_SNAPLEN {
        item(out, format_args!("len({len}) > {MAXIMUM_SNAPLEN}"))?;
    }
    out.write_str("]")
}

/// Why printing stopped early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    /// The output refused a write.
    Fmt,
    /// A field lies beyond the captured bytes: print ` [|proto]` and stop, as tcpdump does
    /// when a `GET_` macro fails (its hex dump then starts at the link-layer header).
    Trunc,
    /// A printer found its data cut short and gave up the way tcpdump's `ND_TCHECK` + `goto
    /// trunc` does: ` [|proto]`, and the hex dump still skips the link-layer header.
    Local,
}

impl From<fmt::Error> for Stop {
    fn from(_: fmt::Error) -> Stop {
        Stop::Fmt
    }
}

type R<T = ()> = Result<T, Stop>;

/// The printing context: the output, the options, the TCP state, and what tcpdump keeps in
/// `netdissect_options` (the protocol being printed, the link-layer header length).
struct Ctx<'a> {
    out: &'a mut dyn fmt::Write,
    opts: &'a Options,
    tcp: &'a mut TcpSeqTable,
    /// The protocol named in ` [|proto]` if the packet turns out to be truncated.
    proto: &'static str,
    /// Bytes of link-layer header, skipped by `-x` and `-X`.
    ll_hdr_len: usize,
    /// Whether a TCP option was printed before the current one (for tcpdump's `[|tcp]>`).
    tcp_opt_printed: bool,
}

/// A MAC address as tcpdump's `etheraddr_string` prints it: without `-n`, `Broadcast` for
/// all-ones and otherwise followed by the organisation its first three bytes name
/// (` (oui Cisco)`, ` (oui Unknown)`).
#[derive(Clone, Copy)]
struct Ether {
    mac: crate::wire::MacAddr,
    oui: bool,
}

impl fmt::Display for Ether {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.oui && self.mac.0 == [0xff; 6] {
            // The one name tcpdump knows without /etc/ethers (which we do not read).
            return f.write_str("Broadcast");
        }
        self.mac.fmt(f)?;
        if self.oui {
            let [a, b, c, ..] = self.mac.0;
            let oui = u32::from_be_bytes([0, a, b, c]);
            write!(f, " (oui {})", link::oui_name(oui).unwrap_or("Unknown"))?;
        }
        Ok(())
    }
}

impl Ctx<'_> {
    /// A MAC address to print, with its organisation unless `-n`.
    fn ether(&self, mac: crate::wire::MacAddr) -> Ether {
        Ether {
            mac,
            oui: !self.opts.numeric,
        }
    }

    /// `write!` into the output, with [`Stop`] as the error.
    fn write_fmt(&mut self, args: fmt::Arguments<'_>) -> R {
        self.out.write_fmt(args)?;
        Ok(())
    }

    fn ch(&mut self, c: char) -> R {
        self.out.write_char(c)?;
        Ok(())
    }

    fn s(&mut self, s: &str) -> R {
        self.out.write_str(s)?;
        Ok(())
    }

    /// tcpdump's `bittok2str`: the names of the bits of `v` set in `table`, joined by `, `, or
    /// `none`.
    fn bits(&mut self, table: &[(u32, &str)], v: u32) -> R {
        let mut first = true;
        for &(bit, name) in table {
            if v & bit != 0 {
                if !first {
                    self.s(", ")?;
                }
                self.s(name)?;
                first = false;
            }
        }
        if first {
            self.s("none")?;
        }
        Ok(())
    }

    /// tcpdump's `nd_print_trunc`: ` [|proto]`, without stopping.
    fn trunc_mark(&mut self) -> R {
        let p = self.proto;
        write!(self.out, " [|{p}]")?;
        Ok(())
    }

    /// Ends a [`Stop::Local`] truncation the way tcpdump's `goto trunc` does: the mark is
    /// printed and the caller (a link-layer printer) carries on, so its header length counts.
    fn absorb(&mut self, r: R) -> R {
        match r {
            Err(Stop::Local) => self.trunc_mark(),
            other => other,
        }
    }

    /// A group record's type in an IGMPv3 or MLDv2 report (RFC 3376 and RFC 3810 share the
    /// values); tcpdump names an unknown one with the report's version, `v3` or `v2`.
    fn group_record_type(&mut self, t: u8, version: &str) -> R {
        match t {
            1 => self.s(" is_in"),
            2 => self.s(" is_ex"),
            3 => self.s(" to_in"),
            4 => self.s(" to_ex"),
            5 => self.s(" allow"),
            6 => self.s(" block"),
            _ => {
                write!(self.out, "  [{version}-report-#{t}]")?;
                Ok(())
            }
        }
    }

    /// tcpdump's default print of unknown payload: a hex and ASCII dump of what was captured.
    fn default_print(&mut self, data: &[u8]) -> R {
        hexdump::write_hex_ascii(self.out, data)?;
        Ok(())
    }
}

/// The fields of a header read in order: where the next one starts and how many bytes (of the
/// length the header announces) are left for it and those after it.
struct Fields {
    at: usize,
    left: usize,
}

impl Fields {
    /// The offset of the next `n` bytes, which are then passed; `None` when fewer are left.
    fn take(&mut self, n: usize) -> Option<usize> {
        let left = self.left.checked_sub(n)?;
        let at = self.at;
        self.at += n;
        self.left = left;
        Some(at)
    }
}

/// A field read through a view's `try_` accessor: `None` means it was not captured, and the
/// packet stops (` [|proto]`) as it does when tcpdump's `GET_` macros fail.
trait Captured<T> {
    fn or_trunc(self) -> R<T>;
}

impl<T> Captured<T> for Option<T> {
    fn or_trunc(self) -> R<T> {
        self.ok_or(Stop::Trunc)
    }
}

/// The bytes of a header field (a view's `field` range), as far as they were captured.
fn field_bytes(b: &[u8], r: std::ops::Range<usize>) -> &[u8] {
    crate::wire::bytes::range(b, r.start, r.end)
}

/// Captured-bytes reads that stop the packet (` [|proto]`) when the byte was not captured, as
/// tcpdump's `GET_` macros do.
fn get_u8(b: &[u8], at: usize) -> R<u8> {
    b.get(at).copied().ok_or(Stop::Trunc)
}

fn get_be16(b: &[u8], at: usize) -> R<u16> {
    get_array::<2>(b, at).map(u16::from_be_bytes)
}

fn get_be32(b: &[u8], at: usize) -> R<u32> {
    get_array::<4>(b, at).map(u32::from_be_bytes)
}

fn get_array<const N: usize>(b: &[u8], at: usize) -> R<[u8; N]> {
    b.get(at..)
        .and_then(|s| s.first_chunk::<N>())
        .copied()
        .ok_or(Stop::Trunc)
}

/// Stop (as a failed `GET_` macro does) unless `len` bytes from `at` were captured.
fn need(b: &[u8], at: usize, len: usize) -> R {
    match at.checked_add(len) {
        Some(end) if end <= b.len() => Ok(()),
        _ => Err(Stop::Trunc),
    }
}

/// tcpdump's `ND_TCHECK_LEN` followed by `goto trunc`: stop with [`Stop::Local`] unless `len`
/// bytes from `at` were captured.
fn check(b: &[u8], at: usize, len: usize) -> R {
    need(b, at, len).map_err(|_| Stop::Local)
}

/// The first sequence and acknowledgment numbers of each TCP conversation (tcpdump's
/// `tcp_seq_hash`), keyed by addresses and ports in a canonical order.
#[derive(Debug, Default)]
struct TcpSeqTable {
    map: HashMap<ConvKey, (u32, u32)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct ConvKey {
    src: [u8; 16],
    dst: [u8; 16],
    ports: u32,
    v6: bool,
}

impl TcpSeqTable {
    /// tcpdump's lookup: on a new conversation (or a SYN) record the numbers and return them
    /// unchanged; otherwise return them relative to the recorded ones. Also returns the
    /// recorded `(seq, ack)` base, which SACK blocks are printed relative to.
    fn track(&mut self, key: ConvKey, syn: bool, rev: bool, seq: u32, ack: u32) -> Track {
        match self.map.get(&key) {
            Some(&(s0, a0)) if !syn => {
                let (seq, ack) = if rev {
                    (seq.wrapping_sub(a0), ack.wrapping_sub(s0))
                } else {
                    (seq.wrapping_sub(s0), ack.wrapping_sub(a0))
                };
                Track {
                    seq,
                    ack,
                    base: (s0, a0),
                }
            }
            known => {
                let base = if rev {
                    (ack.wrapping_sub(1), seq)
                } else {
                    (seq, ack.wrapping_sub(1))
                };
                if known.is_some() || self.map.len() < MAX_TCP_CONVERSATIONS {
                    self.map.insert(key, base);
                }
                Track { seq, ack, base }
            }
        }
    }
}

/// What [`TcpSeqTable::track`] returns: the numbers to print and the conversation's base.
struct Track {
    seq: u32,
    ack: u32,
    base: (u32, u32),
}

#[cfg(test)]
mod tests;
