//! Command-line parsing with tcpdump's `getopt_long` conventions: short options may be grouped
//! (`-nnr file`, `-c5`), long options take `=value` or the next word, options and the filter
//! expression may be mixed (GNU permutation), and `--` ends the options.

use std::ffi::OsString;
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

/// Everything the command line asked for.
#[derive(Debug)]
pub struct Args {
    pub read: Option<OsString>,
    pub write: Option<OsString>,
    pub count: Option<u64>,
    pub count_only: bool,
    pub pcapng: bool,
    pub nano: bool,
    pub numeric: u8,
    pub link_header: bool,
    pub quick: bool,
    pub verbose: u8,
    pub hex: u8,
    pub ascii: u8,
    pub time: TimeStyle,
    pub number: bool,
    pub line_buffered: bool,
    pub packet_buffered: bool,
    pub print: bool,
    pub dump_filter: u8,
    pub filter_file: Option<OsString>,
    pub filter: Vec<String>,
    pub help: bool,
    pub version: bool,
}

/// A command line that cannot be followed.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub const USAGE: &str = "\
Usage: ferrocap [-#enqtvxX] [-c count] [--count] [-r file] [-w file] [--pcapng]
                [--time-stamp-precision=micro|nano] [expression]

Reads pcap and pcapng capture files (`-r -` reads standard input) and prints one line per
packet, or copies them to another file (`-w -` writes standard output), as tcpdump does.

  -r FILE        read packets from FILE (pcap or pcapng, detected; - = stdin)
  -w FILE        write packets to FILE instead of printing them (- = stdout); pcap unless --pcapng
  --pcapng       write pcapng, keeping every interface and its link type
  -c N           stop after N packets
  --count        print only the number of packets read
  --time-stamp-precision=micro|nano, --micro, --nano
                 precision of printed times and of the -w output (default micro)
  -n             do not convert port numbers to names
  -e             print the link-level header
  -q             quick output: less protocol information
  -v             more protocol information
  -x, -xx        print each packet in hex (-xx: with its link-level header)
  -X, -XX        print each packet in hex and ASCII
  -t .. -ttttt   no time / epoch / delta / date / delta since first
  -#, --number   print a packet number at the start of each line
  -l             flush standard output after each line
  -U             flush the -w output after each packet
  --print        print packets even when writing them with -w
  -h, --help     this text
  --version      print versions";

impl Args {
    pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Args, UsageError> {
        let mut a = Args {
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
            help: false,
            version: false,
        };
        let mut t = 0u8;
        let mut it = args.into_iter();
        let mut only_words = false;
        while let Some(arg) = it.next() {
            let Some(s) = arg.to_str() else {
                // Only option values may be non-UTF-8 (file names); a bare word must be text.
                return Err(UsageError("arguments must be valid UTF-8".into()));
            };
            if only_words || s == "-" || !s.starts_with('-') {
                a.filter.push(s.to_owned());
                continue;
            }
            if s == "--" {
                only_words = true;
                continue;
            }
            if let Some(long) = s.strip_prefix("--") {
                let (name, inline) = match long.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_owned())),
                    None => (long, None),
                };
                let mut value = |what: &str| -> Result<String, UsageError> {
                    match inline.clone() {
                        Some(v) => Ok(v),
                        None => it
                            .next()
                            .and_then(|v| v.into_string().ok())
                            .ok_or_else(|| UsageError(format!("option --{what} needs a value"))),
                    }
                };
                match name {
                    "count" => a.count_only = true,
                    "pcapng" => a.pcapng = true,
                    "micro" => a.nano = false,
                    "nano" => a.nano = true,
                    "time-stamp-precision" => match value(name)?.as_str() {
                        "micro" => a.nano = false,
                        "nano" => a.nano = true,
                        other => {
                            return Err(UsageError(format!(
                                "unsupported time stamp precision {other:?} (micro or nano)"
                            )))
                        }
                    },
                    "number" => a.number = true,
                    "print" => a.print = true,
                    "help" => a.help = true,
                    "version" => a.version = true,
                    _ => return Err(UsageError(format!("unknown option --{name}"))),
                }
                continue;
            }
            // A group of short options.
            for (i, c) in s.char_indices().skip(1) {
                let rest = &s[i + c.len_utf8()..];
                let mut value = || -> Result<OsString, UsageError> {
                    if !rest.is_empty() {
                        Ok(OsString::from(rest))
                    } else {
                        it.next()
                            .ok_or_else(|| UsageError(format!("option -{c} needs a value")))
                    }
                };
                match c {
                    'r' => a.read = Some(value()?),
                    'w' => a.write = Some(value()?),
                    'F' => a.filter_file = Some(value()?),
                    'c' => {
                        let v = value()?;
                        let n = v
                            .to_str()
                            .and_then(|v| v.parse::<u64>().ok())
                            .filter(|&n| n > 0)
                            .ok_or_else(|| {
                                UsageError(format!(
                                    "invalid packet count {:?}",
                                    v.to_string_lossy()
                                ))
                            })?;
                        a.count = Some(n);
                    }
                    'n' => a.numeric = a.numeric.saturating_add(1),
                    'e' => a.link_header = true,
                    'q' => a.quick = true,
                    'v' => a.verbose = a.verbose.saturating_add(1),
                    'x' => a.hex = a.hex.saturating_add(1),
                    'X' => {
                        a.hex = a.hex.saturating_add(1);
                        a.ascii = 1;
                    }
                    't' => t = t.saturating_add(1),
                    '#' => a.number = true,
                    'l' => a.line_buffered = true,
                    'U' => a.packet_buffered = true,
                    'd' => a.dump_filter = a.dump_filter.saturating_add(1),
                    'h' => a.help = true,
                    _ => return Err(UsageError(format!("unknown or unsupported option -{c}"))),
                }
                if matches!(c, 'r' | 'w' | 'F' | 'c') {
                    break; // the rest of the group was the value
                }
            }
        }
        a.time = match t {
            0 => TimeStyle::Clock,
            1 => TimeStyle::None,
            2 => TimeStyle::Epoch,
            3 => TimeStyle::Delta,
            4 => TimeStyle::Date,
            _ => TimeStyle::SinceFirst,
        };
        Ok(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Args {
        Args::parse(s.split_whitespace().map(OsString::from)).unwrap()
    }

    #[test]
    fn groups_values_and_permutation() {
        let a = parse("-nnr in.pcap -c5 host x -tt --count -w - --time-stamp-precision nano");
        assert_eq!(a.read.as_deref(), Some("in.pcap".as_ref()));
        assert_eq!(a.numeric, 2);
        assert_eq!(a.count, Some(5));
        assert_eq!(a.filter, ["host", "x"]);
        assert_eq!(a.time, TimeStyle::Epoch);
        assert!(a.count_only && a.nano);
        assert_eq!(a.write.as_deref(), Some("-".as_ref()));
        let a = parse("-r - -XX -- -n");
        assert_eq!(a.read.as_deref(), Some("-".as_ref()));
        assert_eq!((a.hex, a.ascii), (2, 1));
        assert_eq!(a.filter, ["-n"]);
    }

    #[test]
    fn errors() {
        for bad in [
            "-c",
            "-c 0",
            "-c x",
            "-Z",
            "--bogus",
            "--time-stamp-precision=pico",
        ] {
            assert!(
                Args::parse(bad.split_whitespace().map(OsString::from)).is_err(),
                "{bad}"
            );
        }
    }
}
