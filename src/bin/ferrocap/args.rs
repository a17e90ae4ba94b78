//! The command line, parsed as tcpdump 4.99 parses it with glibc's `getopt_long`.
//!
//! [`lexopt`] splits the words; this module holds tcpdump's option table and its rules:
//!
//! - short options group and take their value attached or as the next word: `-nnr file`,
//!   `-c5`, `-c 5`, `-rFILE`, `-vvv`; a value is taken whatever it looks like (`-r -`,
//!   `-c -5`), and `-c=5` means the value `=5`, as getopt has it;
//! - long options that take a value accept `--opt=v` and `--opt v`; those that take none
//!   reject `--opt=v` (`--count=5` is an error); any unambiguous prefix names a long option
//!   (`--coun`), an ambiguous one is an error listing the candidates;
//! - counted options count (`-vvv`, `-xx`, `-ttt`, `-ddd`), the others are switches, and a
//!   repeated option with a value keeps the last value;
//! - options and the words of the filter expression may be mixed (`-r f tcp port 80 -n` is
//!   `-r f -n tcp port 80`: glibc permutes), unless `POSIXLY_CORRECT` is set, when the first
//!   word that is not an option ends the options; `--` ends them too, and `-` alone is a word;
//! - `-h`/`--help` and `--version` end the parsing where they stand: what follows them is
//!   not looked at (an error before them still wins);
//! - file names (`-r`, `-w`, `-F`) and the interface name (`-i`) stay [`OsString`]s, bytes
//!   and all; the filter words must be UTF-8.
//!
//! A mistake in the option syntax (unknown option, missing value, value given to a switch,
//! ambiguous abbreviation) is answered with getopt's message and the usage text; a bad value
//! (`-c 0`, `-Q sideways`) with tcpdump's message alone. Both exit with status 1.
//!
//! Every option tcpdump 4.99 knows on Linux is recognized, so that a tcpdump command line is
//! split exactly as tcpdump splits it. Those ferrocap does not implement are kept in
//! [`Args::unsupported`], and [`Args::not_supported`] names the first option the command
//! cannot follow yet.

use ferrocap::linktype::MAXIMUM_SNAPLEN;
use ferrocap::{Direction, Linktype};
use lexopt::{Arg, Parser};
use std::ffi::{OsStr, OsString};
use std::fmt;

/// Time stamp styles, `-t` to `-ttttt`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeStyle {
    /// `HH:MM:SS.frac` local time of day (no `-t`).
    Clock,
    /// No time stamp (`-t`).
    None,
    /// Seconds since the epoch (`-tt`).
    Epoch,
    /// Delta since the previous packet (`-ttt`).
    Delta,
    /// Date and time of day (`-tttt`).
    Date,
    /// Delta since the first packet (`-ttttt`).
    SinceFirst,
}

/// Time stamp sources a live capture may ask for (`-j`), by libpcap's names
/// (`pcap_tstamp_type_name_to_val`, case-insensitive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimestampType {
    /// `host`: stamped by the host, no promise about precision or sync.
    Host,
    /// `host_lowprec`: by the host, low precision, cheap.
    HostLowPrec,
    /// `host_hiprec`: by the host, high precision, synchronized with the system clock.
    HostHighPrec,
    /// `host_hiprec_unsynced`: by the host, high precision, not synchronized.
    HostHighPrecUnsynced,
    /// `adapter`: by the network adapter, synchronized with the system clock.
    Adapter,
    /// `adapter_unsynced`: by the network adapter, not synchronized.
    AdapterUnsynced,
}

impl TimestampType {
    const NAMES: [(&'static str, TimestampType); 6] = [
        ("host", TimestampType::Host),
        ("host_lowprec", TimestampType::HostLowPrec),
        ("host_hiprec", TimestampType::HostHighPrec),
        ("host_hiprec_unsynced", TimestampType::HostHighPrecUnsynced),
        ("adapter", TimestampType::Adapter),
        ("adapter_unsynced", TimestampType::AdapterUnsynced),
    ];

    fn from_name(name: &str) -> Option<TimestampType> {
        Self::NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, t)| t)
    }
}

/// Everything the command line asked for.
///
/// Fields are tcpdump's options; where tcpdump counts an option the field is a count.
#[derive(Debug, PartialEq)]
pub struct Args {
    /// `-r FILE`: read packets from a capture file (`-` = standard input).
    pub read: Option<OsString>,
    /// `-w FILE`: write packets to a capture file (`-` = standard output).
    pub write: Option<OsString>,
    /// `-c N`: stop after N packets (N > 0).
    pub count: Option<u64>,
    /// `--count`: print only the number of packets.
    pub count_only: bool,
    /// `--pcapng` (ferrocap's own): `-w` writes pcapng.
    pub pcapng: bool,
    /// `--nano`, `--time-stamp-precision=nano` (the last of these and `--micro` wins).
    pub nano: bool,
    /// `-n`, counted.
    pub numeric: u8,
    /// `-e`.
    pub link_header: bool,
    /// `-q`.
    pub quick: bool,
    /// `-v`, counted.
    pub verbose: u8,
    /// Hex dump level: `-X`'s count when `-X` is given (it wins over `-x`, as in tcpdump),
    /// else `-x`'s count. 1 = from the network header, 2+ = the whole packet.
    pub hex: u8,
    /// 1 when the hex dump has an ASCII column (`-X`), else 0.
    pub ascii: u8,
    /// `-t` .. `-ttttt`.
    pub time: TimeStyle,
    /// `-#`, `--number`.
    pub number: bool,
    /// `-l`.
    pub line_buffered: bool,
    /// `-U`, `--packet-buffered`.
    pub packet_buffered: bool,
    /// `--print`: print packets even while writing them with `-w`.
    pub print: bool,
    /// `-d`, counted: 1 = listing, 2 = C array (`-dd`), 3+ = decimal (`-ddd`).
    pub dump_filter: u8,
    /// `-F FILE`: the filter expression is read from FILE.
    pub filter_file: Option<OsString>,
    /// The words of the filter expression, in order (tcpdump joins them with spaces).
    pub filter: Vec<String>,
    /// `-O`, `--no-optimize` clears it: compile filters without the optimizer.
    pub optimize: bool,
    /// `-s N`, `--snapshot-length`: snapshot length, 0 to 262144 (0 = the default, 262144).
    pub snaplen: Option<u32>,
    /// `-y TYPE`, `--linktype`: link type by libpcap name (case-insensitive) or by number.
    pub linktype: Option<Linktype>,
    /// `-i IFACE`, `--interface`: the device to capture on.
    pub interface: Option<OsString>,
    /// `-D`, `--list-interfaces`.
    pub list_interfaces: bool,
    /// `-L`, `--list-data-link-types`.
    pub list_datalinks: bool,
    /// `-J`, `--list-time-stamp-types`.
    pub list_tstamp_types: bool,
    /// `-j TYPE`, `--time-stamp-type`.
    pub tstamp_type: Option<TimestampType>,
    /// Cleared by `-p`, `--no-promiscuous-mode`.
    pub promisc: bool,
    /// `-B KIB`, `--buffer-size`: capture buffer size in KiB (> 0).
    pub buffer_kib: Option<u32>,
    /// `--immediate-mode`.
    pub immediate_mode: bool,
    /// `-Q in|out|inout`, `--direction` (case-insensitive).
    pub direction: Option<Direction>,
    /// tcpdump options ferrocap recognizes but does not implement, as typed (`-S`, `--fp-type`).
    pub unsupported: Vec<String>,
    /// `-h`, `--help`.
    pub help: bool,
    /// `--version`.
    pub version: bool,
}

impl Default for Args {
    fn default() -> Args {
        Args {
            read: None,
            write: None,
            count: None,
            count_only: false,
            pcapng: false,
            nano: false,
            numeric: 0,
            link_header: false,
            quick: false,
            verbose: 0,
            hex: 0,
            ascii: 0,
            time: TimeStyle::Clock,
            number: false,
            line_buffered: false,
            packet_buffered: false,
            print: false,
            dump_filter: 0,
            filter_file: None,
            filter: Vec::new(),
            optimize: true,
            snaplen: None,
            linktype: None,
            interface: None,
            list_interfaces: false,
            list_datalinks: false,
            list_tstamp_types: false,
            tstamp_type: None,
            promisc: true,
            buffer_kib: None,
            immediate_mode: false,
            direction: None,
            unsupported: Vec::new(),
            help: false,
            version: false,
        }
    }
}

/// A command line that cannot be followed.
#[derive(Debug, PartialEq, Eq)]
pub struct UsageError {
    message: String,
    show_usage: bool,
}

impl UsageError {
    /// A mistake in the option syntax: getopt's message, then the usage text.
    fn syntax(message: String) -> UsageError {
        UsageError {
            message,
            show_usage: true,
        }
    }

    /// An option value tcpdump refuses: its message alone.
    fn value(message: String) -> UsageError {
        UsageError {
            message,
            show_usage: false,
        }
    }

    /// Whether the usage text should follow the message (as tcpdump prints it after getopt's
    /// complaints, and not after a bad value).
    pub fn shows_usage(&self) -> bool {
        self.show_usage
    }
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// `--help`, and what follows an option syntax error: the version, then tcpdump's synopsis
/// with ferrocap's options, then what each does.
pub const USAGE: &str = concat!(
    "ferrocap version ",
    env!("CARGO_PKG_VERSION"),
    "
Usage: ferrocap [-#dDehJlLnOpqtUvxX] [ -B size ] [ -c count ] [ --count ]
		[ -F file ] [ -i interface ] [ --immediate-mode ] [ -j tstamptype ]
		[ --number ] [ --pcapng ] [ --print ] [ -Q in|out|inout ]
		[ -r file ] [ -s snaplen ] [ --version ] [ -w file ]
		[ -y datalinktype ] [ --time-stamp-precision precision ]
		[ --micro ] [ --nano ] [ expression ]

Captures packets live (Linux) or reads pcap and pcapng files, and prints one line per packet,
or copies the packets to a file, as tcpdump does.

  -i IFACE       capture on IFACE (a name, a number from -D, or any); default: the first
                 device that is up and not loopback
  -D             list the devices that can capture, then exit
  -L             list the link types IFACE can deliver, then exit
  -J             list the time stamp types IFACE supports, then exit
  -j TYPE        time stamp type (host, adapter, adapter_unsynced)
  -p             do not put the interface in promiscuous mode
  -B KIB         capture buffer (the ring) size in KiB
  --immediate-mode  deliver each packet at once (no batching)
  -Q in|out|inout   capture only packets received, sent, or both
  -r FILE        read packets from FILE (pcap or pcapng, detected; - = stdin); the options
                 of live capture are then ignored, as by tcpdump
  EXPRESSION     only packets the pcap-filter expression accepts (words joined by spaces)
  -F FILE        read the filter expression from FILE ('#' starts a comment to the line's end)
  -d, -dd, -ddd  print the compiled filter as assembly, C array or decimal numbers, then exit
  -y TYPE        link type to capture with (-i), or to compile for with -d without -i or -r
                 (name such as EN10MB, or number)
  -s N           snap length: bytes kept of each packet (default and 0: 262144)
  -O             compile without the optimizer
  -w FILE        write packets to FILE instead of printing them (- = stdout); pcap unless --pcapng
  --pcapng       write pcapng, keeping every interface and its link type
  -c N           stop after N packets
  --count        print only the number of packets read
  --time-stamp-precision=micro|nano, --micro, --nano
                 precision of printed times and of the -w output (default micro)
  -n             do not convert port numbers to names
  -e             print the link-level header
  -q             quick output: less protocol information
  -v             more protocol information (-vv, -vvv: more still)
  -x, -xx        print each packet in hex (-xx: with its link-level header)
  -X, -XX        print each packet in hex and ASCII (-X wins over -x)
  -t .. -ttttt   no time / epoch / delta / date / delta since first
  -#, --number   print a packet number at the start of each line
  -l             flush standard output after each line
  -U             flush the -w output after each packet
  --print        print packets even when writing them with -w
  -h, --help     this text
  --version      print versions
Long options may be abbreviated (--coun). Options and expression words may be mixed; -- ends
the options. A live capture stops after -c packets or on SIGINT or SIGTERM, then prints its
counts on standard error as tcpdump does."
);

/// One of tcpdump's options, whichever way it was spelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Opt {
    BufferSize,
    Count,
    CountOnly,
    DumpFilter,
    ListInterfaces,
    LinkHeader,
    FilterFile,
    Help,
    Interface,
    TstampType,
    ListTstampTypes,
    LineBuffered,
    ListDatalinks,
    Numeric,
    NoOptimize,
    NoPromisc,
    Quick,
    Direction,
    Read,
    Snaplen,
    Time,
    PacketBuffered,
    Verbose,
    Write,
    Hex,
    HexAscii,
    Linktype,
    Number,
    Micro,
    Nano,
    TstampPrecision,
    ImmediateMode,
    Print,
    Version,
    Pcapng,
    /// `-a`: accepted and ignored by tcpdump ("compatibility for old -a").
    Ignored,
    /// Known to tcpdump, not implemented here.
    Unsupported,
}

/// tcpdump's short options (its `SHORTOPTS` on Linux) and whether each takes a value.
fn short_option(c: char) -> Option<(Opt, bool)> {
    use Opt::*;
    Some(match c {
        'a' => (Ignored, false),
        'B' => (BufferSize, true),
        'c' => (Count, true),
        'd' => (DumpFilter, false),
        'D' => (ListInterfaces, false),
        'e' => (LinkHeader, false),
        'F' => (FilterFile, true),
        'h' => (Help, false),
        'i' => (Interface, true),
        'j' => (TstampType, true),
        'J' => (ListTstampTypes, false),
        'l' => (LineBuffered, false),
        'L' => (ListDatalinks, false),
        'n' => (Numeric, false),
        'O' => (NoOptimize, false),
        'p' => (NoPromisc, false),
        'q' => (Quick, false),
        'Q' => (Direction, true),
        'r' => (Read, true),
        's' => (Snaplen, true),
        't' => (Time, false),
        'U' => (PacketBuffered, false),
        'v' => (Verbose, false),
        'w' => (Write, true),
        'x' => (Hex, false),
        'X' => (HexAscii, false),
        'y' => (Linktype, true),
        '#' => (Number, false),
        'A' | 'b' | 'f' | 'H' | 'I' | 'K' | 'N' | 'S' | 'u' => (Unsupported, false),
        'C' | 'E' | 'G' | 'm' | 'M' | 'T' | 'V' | 'W' | 'z' | 'Z' => (Unsupported, true),
        _ => return None,
    })
}

/// tcpdump 4.99's long options on Linux, in its table's order (glibc lists the candidates of
/// an ambiguous abbreviation in this order), then ferrocap's own; whether each takes a value.
const LONG_OPTIONS: &[(&str, Opt, bool)] = &[
    ("buffer-size", Opt::BufferSize, true),
    ("list-interfaces", Opt::ListInterfaces, false),
    ("help", Opt::Help, false),
    ("interface", Opt::Interface, true),
    ("monitor-mode", Opt::Unsupported, false),
    ("time-stamp-type", Opt::TstampType, true),
    ("list-time-stamp-types", Opt::ListTstampTypes, false),
    ("micro", Opt::Micro, false),
    ("nano", Opt::Nano, false),
    ("time-stamp-precision", Opt::TstampPrecision, true),
    ("dont-verify-checksums", Opt::Unsupported, false),
    ("list-data-link-types", Opt::ListDatalinks, false),
    ("no-optimize", Opt::NoOptimize, false),
    ("no-promiscuous-mode", Opt::NoPromisc, false),
    ("direction", Opt::Direction, true),
    ("snapshot-length", Opt::Snaplen, true),
    ("absolute-tcp-sequence-numbers", Opt::Unsupported, false),
    ("packet-buffered", Opt::PacketBuffered, false),
    ("linktype", Opt::Linktype, true),
    ("immediate-mode", Opt::ImmediateMode, false),
    ("relinquish-privileges", Opt::Unsupported, true),
    ("count", Opt::CountOnly, false),
    ("fp-type", Opt::Unsupported, false),
    ("number", Opt::Number, false),
    ("print", Opt::Print, false),
    ("version", Opt::Version, false),
    ("pcapng", Opt::Pcapng, false),
];

/// The long option `name` names, exactly or as an unambiguous prefix (getopt_long's rule);
/// when there is none, the options it might have meant (none, or several).
fn long_option(name: &str) -> Result<(&'static str, Opt, bool), Vec<&'static str>> {
    if let Some(&found) = LONG_OPTIONS.iter().find(|(n, _, _)| *n == name) {
        return Ok(found);
    }
    let candidates: Vec<_> = LONG_OPTIONS
        .iter()
        .filter(|(n, _, _)| n.starts_with(name))
        .collect();
    match candidates[..] {
        [&found] => Ok(found),
        _ => Err(candidates.iter().map(|(n, _, _)| *n).collect()),
    }
}

/// Whether the parse goes on after an option.
enum Flow {
    Continue,
    /// `-h` or `--version`: tcpdump acts on them at once.
    Stop,
}

impl Args {
    /// Parses the arguments (without the program name) as tcpdump does, with glibc's
    /// permutation unless the environment sets `POSIXLY_CORRECT`.
    pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Args, UsageError> {
        Args::parse_with(args, std::env::var_os("POSIXLY_CORRECT").is_none())
    }

    /// Parses the arguments; `permute` = options may follow expression words.
    fn parse_with(
        args: impl IntoIterator<Item = OsString>,
        permute: bool,
    ) -> Result<Args, UsageError> {
        let mut a = Args::default();
        let mut counts = Counts::default();
        let mut words = Vec::new();
        let mut parser = Parser::from_args(args);
        // getopt gives `-c=5` the value "=5"; lexopt would drop the '='.
        parser.set_short_equals(false);
        loop {
            let arg = parser
                .next()
                .map_err(|e| UsageError::syntax(e.to_string()))?;
            let (opt, spelled, value) = match arg {
                None => break,
                Some(Arg::Value(word)) => {
                    words.push(word);
                    if !permute {
                        // The first word ends the options; the rest are words, `--` included.
                        let rest = parser
                            .raw_args()
                            .map_err(|e| UsageError::syntax(e.to_string()))?;
                        words.extend(rest);
                        break;
                    }
                    continue;
                }
                Some(Arg::Short(c)) => {
                    let Some((opt, takes_value)) = short_option(c) else {
                        return Err(UsageError::syntax(format!("invalid option -- '{c}'")));
                    };
                    let value = if takes_value {
                        Some(parser.value().map_err(|_| {
                            UsageError::syntax(format!("option requires an argument -- '{c}'"))
                        })?)
                    } else {
                        None
                    };
                    (opt, format!("-{c}"), value)
                }
                Some(Arg::Long(name)) => {
                    let name = name.to_owned();
                    let (full, opt, takes_value) = match long_option(&name) {
                        Ok(found) => found,
                        Err(candidates) => {
                            // glibc names the option as typed, `=value` included.
                            let typed = match parser.optional_value() {
                                Some(v) => format!("--{name}={}", v.to_string_lossy()),
                                None => format!("--{name}"),
                            };
                            let message = if candidates.is_empty() {
                                format!("unrecognized option '{typed}'")
                            } else {
                                let names: Vec<String> =
                                    candidates.iter().map(|n| format!("'--{n}'")).collect();
                                format!(
                                    "option '{typed}' is ambiguous; possibilities: {}",
                                    names.join(" ")
                                )
                            };
                            return Err(UsageError::syntax(message));
                        }
                    };
                    let value = if takes_value {
                        Some(parser.value().map_err(|_| {
                            UsageError::syntax(format!("option '--{full}' requires an argument"))
                        })?)
                    } else {
                        if parser.optional_value().is_some() {
                            return Err(UsageError::syntax(format!(
                                "option '--{full}' doesn't allow an argument"
                            )));
                        }
                        None
                    };
                    (opt, format!("--{full}"), value)
                }
            };
            if let Flow::Stop = a.apply(opt, spelled, value, &mut counts)? {
                return Ok(a);
            }
        }
        a.time = match counts.t {
            0 => TimeStyle::Clock,
            1 => TimeStyle::None,
            2 => TimeStyle::Epoch,
            3 => TimeStyle::Delta,
            4 => TimeStyle::Date,
            5 => TimeStyle::SinceFirst,
            _ => {
                return Err(UsageError::value(
                    "only -t, -tt, -ttt, -tttt and -ttttt are supported".into(),
                ))
            }
        };
        (a.hex, a.ascii) = match (counts.x, counts.upper_x) {
            (x, 0) => (x, 0),
            (_, upper_x) => (upper_x, 1),
        };
        a.filter = words
            .into_iter()
            .map(|w| {
                w.into_string().map_err(|w| {
                    UsageError::value(format!(
                        "the filter expression must be UTF-8 text: {:?}",
                        w.to_string_lossy()
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(a)
    }

    /// Records one option (tcpdump's `switch (op)`).
    fn apply(
        &mut self,
        opt: Opt,
        spelled: String,
        value: Option<OsString>,
        counts: &mut Counts,
    ) -> Result<Flow, UsageError> {
        let v = value.unwrap_or_default();
        let text = v.to_string_lossy();
        let bump = |n: &mut u8| *n = n.saturating_add(1);
        match opt {
            Opt::BufferSize => {
                // tcpdump: atoi(optarg) * 1024 must be a positive int.
                let kib = atoi(&v);
                if kib <= 0 || kib > i64::from(i32::MAX / 1024) {
                    return Err(UsageError::value(format!(
                        "invalid packet buffer size {text}"
                    )));
                }
                self.buffer_kib = u32::try_from(kib).ok();
            }
            Opt::Count => {
                let n = atoi(&v);
                if n <= 0 {
                    return Err(UsageError::value(format!("invalid packet count {text}")));
                }
                self.count = u64::try_from(n).ok();
            }
            Opt::CountOnly => self.count_only = true,
            Opt::DumpFilter => bump(&mut self.dump_filter),
            Opt::ListInterfaces => self.list_interfaces = true,
            Opt::LinkHeader => self.link_header = true,
            Opt::FilterFile => self.filter_file = Some(v),
            Opt::Help => {
                self.help = true;
                return Ok(Flow::Stop);
            }
            Opt::Interface => self.interface = Some(v),
            Opt::TstampType => {
                let t = TimestampType::from_name(&text)
                    .ok_or_else(|| UsageError::value(format!("invalid time stamp type {text}")))?;
                self.tstamp_type = Some(t);
            }
            Opt::ListTstampTypes => self.list_tstamp_types = true,
            Opt::LineBuffered => self.line_buffered = true,
            Opt::ListDatalinks => self.list_datalinks = true,
            Opt::Numeric => bump(&mut self.numeric),
            Opt::NoOptimize => self.optimize = false,
            Opt::NoPromisc => self.promisc = false,
            Opt::Quick => self.quick = true,
            Opt::Direction => {
                let d = if text.eq_ignore_ascii_case("in") {
                    Direction::In
                } else if text.eq_ignore_ascii_case("out") {
                    Direction::Out
                } else if text.eq_ignore_ascii_case("inout") {
                    Direction::InOut
                } else {
                    return Err(UsageError::value(format!(
                        "unknown capture direction `{text}'"
                    )));
                };
                self.direction = Some(d);
            }
            Opt::Read => self.read = Some(v),
            Opt::Snaplen => {
                let n = strtol_whole(&v)
                    .filter(|n| (0..=i64::from(MAXIMUM_SNAPLEN)).contains(n))
                    .ok_or_else(|| {
                        UsageError::value(format!(
                            "invalid snaplen {text} (must be >= 0 and <= {MAXIMUM_SNAPLEN})"
                        ))
                    })?;
                self.snaplen = u32::try_from(n).ok();
            }
            Opt::Time => bump(&mut counts.t),
            Opt::PacketBuffered => self.packet_buffered = true,
            Opt::Verbose => bump(&mut self.verbose),
            Opt::Write => self.write = Some(v),
            Opt::Hex => bump(&mut counts.x),
            Opt::HexAscii => bump(&mut counts.upper_x),
            Opt::Linktype => {
                // tcpdump takes a name; a number is ferrocap's addition.
                let lt = match text.parse::<u32>() {
                    Ok(n) => Ok(Linktype(n)),
                    Err(_) => Linktype::from_name(&text),
                };
                self.linktype =
                    Some(lt.map_err(|_| {
                        UsageError::value(format!("invalid data link type {text}"))
                    })?);
            }
            Opt::Number => self.number = true,
            Opt::Micro => self.nano = false,
            Opt::Nano => self.nano = true,
            Opt::TstampPrecision => {
                // tcpdump compares prefixes: "nanoseconds" is nano.
                self.nano = if text.starts_with("nano") {
                    true
                } else if text.starts_with("micro") {
                    false
                } else {
                    return Err(UsageError::value("unsupported time stamp precision".into()));
                };
            }
            Opt::ImmediateMode => self.immediate_mode = true,
            Opt::Print => self.print = true,
            Opt::Version => {
                self.version = true;
                return Ok(Flow::Stop);
            }
            Opt::Pcapng => self.pcapng = true,
            Opt::Ignored => {}
            Opt::Unsupported => {
                if !self.unsupported.contains(&spelled) {
                    self.unsupported.push(spelled);
                }
            }
        }
        Ok(Flow::Continue)
    }

    /// The first option on the command line that ferrocap does not implement, as a message, or
    /// `None` when it can follow all of it. (Live-capture options given with `-r` are ignored,
    /// as tcpdump ignores them.)
    pub fn not_supported(&self) -> Option<String> {
        if let Some(opt) = self.unsupported.first() {
            return Some(format!("option {opt} is not supported by ferrocap"));
        }
        None
    }
}

/// Options whose count is turned into something else after the parse.
#[derive(Default)]
struct Counts {
    t: u8,
    x: u8,
    upper_x: u8,
}

/// C's `atoi`: optional leading white space and sign, then the longest run of decimal digits;
/// anything after is ignored and no digits is 0 (tcpdump reads `-c` and `-B` so: `-c 5x` is 5).
/// Saturates instead of overflowing.
fn atoi(s: &OsStr) -> i64 {
    let b = s.as_encoded_bytes();
    let b = &b[b.iter().take_while(|c| is_c_space(**c)).count()..];
    let (negative, b) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    let n = b
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .fold(0i64, |n, c| {
            n.saturating_mul(10).saturating_add(i64::from(c - b'0'))
        });
    if negative {
        -n
    } else {
        n
    }
}

/// C's `strtol(s, &end, 0)` that must consume the whole string (tcpdump's `-s`): optional
/// white space and sign, then `0x` hex, `0` octal or decimal digits, and nothing after.
fn strtol_whole(s: &OsStr) -> Option<i64> {
    let b = s.as_encoded_bytes();
    let b = &b[b.iter().take_while(|c| is_c_space(**c)).count()..];
    let (negative, b) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    let (radix, digits) = match b {
        [b'0', b'x' | b'X', rest @ ..] if rest.first().is_some_and(u8::is_ascii_hexdigit) => {
            (16, rest)
        }
        [b'0', rest @ ..] if !rest.is_empty() => (8, rest),
        _ => (10, b),
    };
    if digits.is_empty() {
        return None;
    }
    let mut n: i64 = 0;
    for &c in digits {
        let d = char::from(c).to_digit(radix)?;
        n = n.checked_mul(i64::from(radix))?.checked_add(i64::from(d))?;
    }
    Some(if negative { -n } else { n })
}

/// C's `isspace` in the C locale.
fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(unix)]
    use std::os::unix::ffi::OsStrExt;

    fn try_parse(line: &str) -> Result<Args, UsageError> {
        Args::parse_with(line.split_whitespace().map(OsString::from), true)
    }

    fn parse(line: &str) -> Args {
        try_parse(line).unwrap_or_else(|e| panic!("{line}: {e}"))
    }

    fn error(line: &str) -> UsageError {
        match try_parse(line) {
            Ok(a) => panic!("{line}: accepted as {a:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn values_attached_and_separate() {
        for line in ["-c5", "-c 5", "-nc5", "-nc 5"] {
            assert_eq!(parse(line).count, Some(5), "{line}");
        }
        for line in ["-rFILE", "-r FILE", "-nnrFILE", "-nnr FILE"] {
            assert_eq!(parse(line).read, Some("FILE".into()), "{line}");
        }
        let a = parse("-nnr in.pcap -c5 -wout.pcap");
        assert_eq!(a.numeric, 2);
        assert_eq!(a.read, Some("in.pcap".into()));
        assert_eq!(a.write, Some("out.pcap".into()));
        // A value is taken whatever it looks like, as getopt takes it.
        assert_eq!(parse("-r - -w -").read, Some("-".into()));
        assert_eq!(parse("-r -n").read, Some("-n".into()));
        assert_eq!(parse("-r --").read, Some("--".into()));
        assert_eq!(parse("-r=x").read, Some("=x".into()));
        assert_eq!(error("-c=5").to_string(), "invalid packet count =5");
        assert_eq!(error("-c -5").to_string(), "invalid packet count -5");
    }

    #[test]
    fn long_options_take_equals_or_the_next_word() {
        for line in [
            "--time-stamp-precision=nano",
            "--time-stamp-precision nano",
            "--time-stamp-p nano",
            "--time-stamp-pr=nanoseconds",
            "--micro --nano",
        ] {
            assert!(parse(line).nano, "{line}");
        }
        assert!(!parse("--nano --micro").nano);
        assert!(!parse("--nano --time-stamp-precision=micro").nano);
        let a = parse("--interface=eth0 --snapshot-length 96 --direction=OUT --linktype sll2");
        assert_eq!(a.interface, Some("eth0".into()));
        assert_eq!(a.snaplen, Some(96));
        assert_eq!(a.direction, Some(Direction::Out));
        assert_eq!(a.linktype, Some(Linktype::LINUX_SLL2));
        // An empty attached value is a value.
        assert_eq!(
            error("--time-stamp-precision=").to_string(),
            "unsupported time stamp precision"
        );
        let e = error("--interface");
        assert_eq!(e.to_string(), "option '--interface' requires an argument");
        assert!(e.shows_usage());
        assert_eq!(
            error("--inter").to_string(),
            "option '--interface' requires an argument"
        );
    }

    #[test]
    fn switches_refuse_a_value() {
        for (line, name) in [
            ("--count=5", "count"),
            ("--pcapng=x", "pcapng"),
            ("--coun=5", "count"),
            ("--print=", "print"),
            ("--nano=1", "nano"),
            ("--version=2", "version"),
        ] {
            let e = error(line);
            assert_eq!(
                e.to_string(),
                format!("option '--{name}' doesn't allow an argument"),
                "{line}"
            );
            assert!(e.shows_usage());
        }
        // The next word is not the switch's value.
        let a = parse("--count 5");
        assert!(a.count_only);
        assert_eq!(a.filter, ["5"]);
    }

    #[test]
    fn abbreviations_as_getopt_long() {
        assert!(parse("--coun").count_only);
        assert!(parse("--co").count_only);
        assert!(parse("--num").number);
        assert!(parse("--imm").immediate_mode);
        assert!(parse("--vers").version);
        assert!(parse("--pc").pcapng);
        let e = error("--n");
        assert_eq!(
            e.to_string(),
            "option '--n' is ambiguous; possibilities: '--nano' '--no-optimize' '--no-promiscuous-mode' '--number'"
        );
        assert!(e.shows_usage());
        assert_eq!(
            error("--time=nano").to_string(),
            "option '--time=nano' is ambiguous; possibilities: '--time-stamp-type' '--time-stamp-precision'"
        );
    }

    #[test]
    fn repeated_flags_count() {
        assert_eq!(parse("-vvv").verbose, 3);
        assert_eq!(parse("-v -v").verbose, 2);
        assert_eq!(parse("-nn").numeric, 2);
        assert_eq!(parse("-ddd").dump_filter, 3);
        assert_eq!(parse("-d -d").dump_filter, 2);
        let hex = |line| {
            let a = parse(line);
            (a.hex, a.ascii)
        };
        assert_eq!(hex(""), (0, 0));
        assert_eq!(hex("-x"), (1, 0));
        assert_eq!(hex("-xx"), (2, 0));
        assert_eq!(hex("-x -x -x"), (3, 0));
        assert_eq!(hex("-X"), (1, 1));
        assert_eq!(hex("-XX"), (2, 1));
        // -X wins over -x whatever their counts, as in tcpdump's printer.
        assert_eq!(hex("-x -X"), (1, 1));
        assert_eq!(hex("-xxX"), (1, 1));
        assert_eq!(hex("-XXx"), (2, 1));
        let time = |line| parse(line).time;
        assert_eq!(time(""), TimeStyle::Clock);
        assert_eq!(time("-t"), TimeStyle::None);
        assert_eq!(time("-tt"), TimeStyle::Epoch);
        assert_eq!(time("-t -tt"), TimeStyle::Delta);
        assert_eq!(time("-tttt"), TimeStyle::Date);
        assert_eq!(time("-ttttt"), TimeStyle::SinceFirst);
        let e = error("-tttttt");
        assert_eq!(
            e.to_string(),
            "only -t, -tt, -ttt, -tttt and -ttttt are supported"
        );
        assert!(!e.shows_usage());
        // Switches repeat harmlessly; values: the last wins.
        assert!(parse("--count --count -ee -qq -ll -UU").count_only);
        assert_eq!(parse("-c1 -c 7").count, Some(7));
        assert_eq!(parse("-r a -r b").read, Some("b".into()));
    }

    #[test]
    fn double_dash_ends_the_options() {
        let a = parse("-r - -XX -- -n port 80");
        assert_eq!(a.read, Some("-".into()));
        assert_eq!((a.hex, a.ascii), (2, 1));
        assert_eq!(a.numeric, 0);
        assert_eq!(a.filter, ["-n", "port", "80"]);
        assert_eq!(parse("-- --").filter, ["--"]);
        // `-` alone is a word.
        assert_eq!(parse("-n - x").filter, ["-", "x"]);
    }

    #[test]
    fn options_and_words_mix_unless_posixly_correct() {
        let a = parse("-r f tcp port 80 -n -c 2");
        assert_eq!(a.filter, ["tcp", "port", "80"]);
        assert_eq!(a.numeric, 1);
        assert_eq!(a.count, Some(2));
        let strict = |line: &str| {
            Args::parse_with(line.split_whitespace().map(OsString::from), false).unwrap()
        };
        let a = strict("-r f tcp port 80 -n -- x");
        assert_eq!(a.read, Some("f".into()));
        assert_eq!(a.filter, ["tcp", "port", "80", "-n", "--", "x"]);
        assert_eq!(a.numeric, 0);
        // A word that looks like options is options: tcpdump says "invalid option -- '2'".
        assert_eq!(error("-r f len > -20").to_string(), "invalid option -- '2'");
    }

    #[test]
    fn unknown_options_are_syntax_errors() {
        for (line, message) in [
            ("-Z", "option requires an argument -- 'Z'"),
            ("-P", "invalid option -- 'P'"),
            ("-nP", "invalid option -- 'P'"),
            ("-n=", "invalid option -- '='"),
            ("-c", "option requires an argument -- 'c'"),
            ("-r", "option requires an argument -- 'r'"),
            ("--bogus", "unrecognized option '--bogus'"),
            ("--bogus=1", "unrecognized option '--bogus=1'"),
            ("---", "unrecognized option '---'"),
        ] {
            let e = error(line);
            assert_eq!(e.to_string(), message, "{line}");
            assert!(e.shows_usage(), "{line}");
        }
    }

    #[test]
    fn bad_values_are_tcpdumps_errors() {
        for (line, message) in [
            ("-c 0", "invalid packet count 0"),
            ("-c x", "invalid packet count x"),
            ("-c 0x10", "invalid packet count 0x10"),
            ("-B 0", "invalid packet buffer size 0"),
            ("-B 9999999", "invalid packet buffer size 9999999"),
            (
                "-s 262145",
                "invalid snaplen 262145 (must be >= 0 and <= 262144)",
            ),
            ("-s 1k", "invalid snaplen 1k (must be >= 0 and <= 262144)"),
            ("-s -1", "invalid snaplen -1 (must be >= 0 and <= 262144)"),
            ("-s 0x", "invalid snaplen 0x (must be >= 0 and <= 262144)"),
            ("-s 09", "invalid snaplen 09 (must be >= 0 and <= 262144)"),
            ("-Q sideways", "unknown capture direction `sideways'"),
            ("-y FOO", "invalid data link type FOO"),
            ("-j bogus", "invalid time stamp type bogus"),
            (
                "--time-stamp-precision=pico",
                "unsupported time stamp precision",
            ),
        ] {
            let e = error(line);
            assert_eq!(e.to_string(), message, "{line}");
            assert!(!e.shows_usage(), "{line}");
        }
    }

    #[test]
    fn values_read_as_tcpdump_reads_them() {
        // atoi: leading blanks and trailing junk.
        assert_eq!(parse("-c 5x").count, Some(5));
        assert_eq!(
            Args::parse_with(["-c", " 7"].map(OsString::from), true)
                .unwrap()
                .count,
            Some(7)
        );
        assert_eq!(parse("-B 2x").buffer_kib, Some(2));
        // strtol base 0, whole string.
        assert_eq!(parse("-s 0x40000").snaplen, Some(262_144));
        assert_eq!(parse("-s 010").snaplen, Some(8));
        assert_eq!(parse("-s -0").snaplen, Some(0));
        assert_eq!(parse("-s0").snaplen, Some(0));
        for (name, want) in [
            ("in", Direction::In),
            ("OUT", Direction::Out),
            ("InOut", Direction::InOut),
        ] {
            assert_eq!(parse(&format!("-Q {name}")).direction, Some(want));
        }
        assert_eq!(parse("-y en10mb").linktype, Some(Linktype::EN10MB));
        assert_eq!(parse("-y 113").linktype, Some(Linktype::LINUX_SLL));
        assert_eq!(parse("-j HOST").tstamp_type, Some(TimestampType::Host));
        assert_eq!(
            parse("-j adapter_unsynced").tstamp_type,
            Some(TimestampType::AdapterUnsynced)
        );
        assert_eq!(
            parse("-j host_hiprec_unsynced").tstamp_type,
            Some(TimestampType::HostHighPrecUnsynced)
        );
    }

    #[test]
    fn options_for_the_compiler_and_live_capture() {
        let a = parse(
            "-F filt -ddd -O -s 96 -y EN10MB -i eth0 -D -L -J -j adapter -p -B 4096 \
             --immediate-mode -Q in -U -w - -c 3",
        );
        assert_eq!(a.filter_file, Some("filt".into()));
        assert_eq!(a.dump_filter, 3);
        assert!(!a.optimize);
        assert_eq!(a.snaplen, Some(96));
        assert_eq!(a.linktype, Some(Linktype::EN10MB));
        assert_eq!(a.interface, Some("eth0".into()));
        assert!(a.list_interfaces && a.list_datalinks && a.list_tstamp_types);
        assert_eq!(a.tstamp_type, Some(TimestampType::Adapter));
        assert!(!a.promisc);
        assert_eq!(a.buffer_kib, Some(4096));
        assert!(a.immediate_mode);
        assert_eq!(a.direction, Some(Direction::In));
        assert!(a.packet_buffered);
        assert_eq!(a.write, Some("-".into()));
        assert_eq!(a.count, Some(3));
        let a = parse(
            "--no-optimize --no-promiscuous-mode --buffer-size=8 --list-interfaces \
             --list-data-link-types --list-time-stamp-types --time-stamp-type host \
             --packet-buffered --number",
        );
        assert!(!a.optimize && !a.promisc && a.packet_buffered && a.number);
        assert!(a.list_interfaces && a.list_datalinks && a.list_tstamp_types);
        assert_eq!(a.buffer_kib, Some(8));
        assert_eq!(a.tstamp_type, Some(TimestampType::Host));
        assert_eq!(Args::default(), parse(""));
        assert_eq!(parse("-a"), Args::default());
    }

    #[test]
    fn what_is_not_supported_is_named() {
        assert_eq!(
            parse(
                "-r f -w g -c 3 -nn -vvv -XX -tttt -e -q -# -l -U --print --count --pcapng --nano"
            )
            .not_supported(),
            None
        );
        let says = |line: &str| parse(line).not_supported().unwrap_or_default();
        assert_eq!(says("-S -A"), "option -S is not supported by ferrocap");
        assert_eq!(says("-C 10 -r f"), "option -C is not supported by ferrocap");
        assert_eq!(
            says("--monitor-mode"),
            "option --monitor-mode is not supported by ferrocap"
        );
        assert_eq!(
            says("--relinquish-privileges=nobody"),
            "option --relinquish-privileges is not supported by ferrocap"
        );
        // Live capture's options are supported (and ignored with -r, as by tcpdump).
        for opt in [
            "-i eth0",
            "-D",
            "-L",
            "-J",
            "-j host",
            "-p",
            "-B 1",
            "--immediate-mode",
            "-Q in",
        ] {
            assert_eq!(parse(opt).not_supported(), None, "{opt}");
        }
        // The filter compiler's options and expressions are supported.
        for opt in ["-F f", "-d", "-O", "-s 96", "-y EN10MB", "-r f tcp port 80"] {
            assert_eq!(parse(opt).not_supported(), None, "{opt}");
        }
        // A value an unsupported option takes is still its value.
        let a = parse("-C 10 -Sr f -T rtp x");
        assert_eq!(a.read, Some("f".into()));
        assert_eq!(a.filter, ["x"]);
        assert_eq!(a.unsupported, ["-C", "-S", "-T"]);
    }

    #[test]
    fn help_and_version_stop_where_they_stand() {
        assert!(parse("-h -c 0").help);
        assert!(parse("-r f --help --bogus").help);
        assert!(parse("--version -tttttt").version);
        assert_eq!(error("-c 0 -h").to_string(), "invalid packet count 0");
        assert_eq!(
            error("--bogus -h").to_string(),
            "unrecognized option '--bogus'"
        );
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_paths_stay_bytes() {
        let raw = |b: &[u8]| OsStr::from_bytes(b).to_os_string();
        let name = b"caf\xe9.pcap";
        for args in [
            vec![raw(b"-r"), raw(name)],
            vec![raw(&[b"-nr".as_slice(), name].concat())],
            vec![raw(b"x"), raw(b"-r"), raw(name), raw(b"-n")],
        ] {
            let a = Args::parse_with(args.clone(), true).unwrap();
            assert_eq!(a.read.as_deref(), Some(OsStr::from_bytes(name)), "{args:?}");
        }
        let a = Args::parse_with(
            [
                raw(b"-w"),
                raw(b"\xff\xfe"),
                raw(b"-F\x80"),
                raw(b"-i"),
                raw(b"e\xf0"),
            ],
            true,
        )
        .unwrap();
        assert_eq!(a.write.as_deref(), Some(OsStr::from_bytes(b"\xff\xfe")));
        assert_eq!(a.filter_file.as_deref(), Some(OsStr::from_bytes(b"\x80")));
        assert_eq!(a.interface.as_deref(), Some(OsStr::from_bytes(b"e\xf0")));
        // Bytes after an option's letter in a group are its value, not more options.
        let a = Args::parse_with([raw(b"-r\xff-x")], true).unwrap();
        assert_eq!(a.read.as_deref(), Some(OsStr::from_bytes(b"\xff-x")));
        // A filter word must be text.
        let e = Args::parse_with([raw(b"-r"), raw(name), raw(b"host\xff")], true).unwrap_err();
        assert!(e
            .to_string()
            .starts_with("the filter expression must be UTF-8 text"));
        // A non-UTF-8 option letter is an unknown option.
        let e = Args::parse_with([raw(b"-\xff")], true).unwrap_err();
        assert_eq!(e.to_string(), "invalid option -- '\u{fffd}'");
    }
}
