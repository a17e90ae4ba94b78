//! `ferrocap`: a tcpdump-compatible command on top of the ferrocap library.
//!
//! Reads pcap and pcapng files (`-r`, `-r -` for stdin) or captures live on Linux (`-i`, see
//! `live.rs`), prints one line per packet or copies packets to a pcap or pcapng file (`-w`),
//! counts them (`--count`), keeping only the packets a pcap-filter expression accepts; prints
//! compiled filters (`-d`, `-dd`, `-ddd`). See `ferrocap --help`.

mod args;
#[cfg(target_os = "linux")]
mod live;
mod output;
mod print;
mod timefmt;

use args::Args;
use ferrocap::bpf::Format;
use ferrocap::{file, Capture, Linktype, Offline, Precision};
use std::ffi::OsStr;
use std::io::{self, Read, Write};
use std::ops::ControlFlow;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = match Args::parse(std::env::args_os().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("ferrocap: {e}");
            if e.shows_usage() {
                eprintln!("{}", args::USAGE);
            }
            return ExitCode::FAILURE;
        }
    };
    if args.help {
        println!("{}", args::USAGE);
        return ExitCode::SUCCESS;
    }
    if args.version {
        println!("ferrocap version {}", env!("CARGO_PKG_VERSION"));
        println!("{}", ferrocap::lib_version());
        return ExitCode::SUCCESS;
    }
    // Without -r the command captures live (or lists devices), as tcpdump does.
    #[cfg(target_os = "linux")]
    let refusal = if args.read.is_none() || args.list_interfaces {
        live::not_supported(&args)
    } else {
        args.not_supported()
    };
    #[cfg(not(target_os = "linux"))]
    let refusal = args.not_supported();
    if let Some(what) = refusal {
        eprintln!("ferrocap: {what}");
        return ExitCode::FAILURE;
    }
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Quiet) => ExitCode::SUCCESS,
        Err(Failure::Silent) => ExitCode::FAILURE,
        Err(Failure::Message(msg)) => {
            eprintln!("ferrocap: {msg}");
            ExitCode::FAILURE
        }
    }
}

/// Why the command stops early.
enum Failure {
    /// Standard output was closed (e.g. piped into `head`): stop without complaint.
    Quiet,
    /// A one-line message for standard error; exit status 1.
    Message(String),
    /// Failed, and already said why; exit status 1.
    Silent,
}

impl From<String> for Failure {
    fn from(s: String) -> Self {
        Failure::Message(s)
    }
}

/// Maps an error writing standard output: a closed pipe ends the run quietly.
fn stdout_error(e: io::Error) -> Failure {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Failure::Quiet
    } else {
        Failure::Message(format!("error writing standard output: {e}"))
    }
}

fn run(args: &Args) -> Result<(), Failure> {
    // `-d` with neither `-r` nor `-i` compiles for a dead handle (EN10MB unless `-y`).
    #[cfg(target_os = "linux")]
    // `-D` lists the devices even with `-r` (tcpdump).
    if args.list_interfaces
        || (args.read.is_none() && !(args.dump_filter > 0 && args.interface.is_none()))
    {
        return live::run(args);
    }
    let expr = filter_expression(args)?;
    let Some(path) = &args.read else {
        if args.dump_filter > 0 {
            return dump_dead(args, &expr);
        }
        return Err(String::from(
            "no capture file given: use -r FILE (live capture needs Linux); see --help",
        )
        .into());
    };
    let precision = if args.nano {
        Precision::Nano
    } else {
        Precision::Micro
    };
    let mut cap = Capture::from_file_with_precision(path, precision).map_err(|e| match e {
        ferrocap::Error::Open { .. } => e.to_string(),
        _ => format!("{}: {e}", path.to_string_lossy()),
    })?;
    if args.dump_filter > 0 {
        // tcpdump compiles for the file (its link type, snap length, a savefile handle).
        announce(path, cap.reader());
        let program = cap.compile(&expr, args.optimize).map_err(filter_error)?;
        return print_program(args, &program);
    }
    // tcpdump sets a filter even for an empty expression (it accepts everything).
    if !expr.trim().is_empty() {
        cap.filter(&expr, args.optimize).map_err(filter_error)?;
    }
    process(args, path, cap)
}

/// The filter expression: `-F FILE`'s text with `#` comments blanked, else the words after
/// the options joined by spaces (tcpdump's `read_infile` and `copy_argv`).
pub(crate) fn filter_expression(args: &Args) -> Result<String, Failure> {
    let Some(file) = &args.filter_file else {
        return Ok(args.filter.join(" "));
    };
    let bytes =
        std::fs::read(file).map_err(|e| format!("can't open {}: {e}", file.to_string_lossy()))?;
    let mut text = String::from_utf8(bytes).map_err(|_| {
        format!(
            "{}: the filter expression must be UTF-8 text",
            file.to_string_lossy()
        )
    })?;
    // tcpdump replaces each "# comment" with blanks up to the end of its line.
    let mut in_comment = false;
    text = text
        .chars()
        .map(|c| {
            if c == '#' {
                in_comment = true;
            } else if c == '\n' {
                in_comment = false;
            }
            if in_comment {
                ' '
            } else {
                c
            }
        })
        .collect();
    Ok(text)
}

/// A filter that did not compile: the message, the expression and a caret line under the
/// fault (tcpdump prints libpcap's message alone).
fn filter_error(e: ferrocap::Error) -> Failure {
    Failure::Message(e.to_string())
}

/// `-d`/`-dd`/`-ddd` without `-r`: compile for `-y`'s link type (Ethernet, with tcpdump's
/// warning, when none is given) and `-s`'s snap length, as on libpcap's dead handle.
fn dump_dead(args: &Args, expr: &str) -> Result<(), Failure> {
    let linktype = match args.linktype {
        Some(lt) => lt,
        None => {
            eprintln!("Warning: assuming Ethernet");
            Linktype::EN10MB
        }
    };
    let snaplen = match args.snaplen {
        None | Some(0) => ferrocap::linktype::MAXIMUM_SNAPLEN,
        Some(n) => n,
    };
    let cap = Capture::dead_with_snaplen_and_precision(linktype, snaplen, Precision::Micro)
        .map_err(|e| e.to_string())?;
    let program = cap.compile(expr, args.optimize).map_err(filter_error)?;
    print_program(args, &program)
}

/// tcpdump's `bpf_dump`: `-d` assembly, `-dd` C initialisers, `-ddd` decimal.
fn print_program(args: &Args, program: &ferrocap::bpf::Program) -> Result<(), Failure> {
    let format = match args.dump_filter {
        1 => Format::Asm,
        2 => Format::C,
        _ => Format::Decimal,
    };
    let mut out = io::stdout().lock();
    out.write_all(program.dump(format).as_bytes())
        .and_then(|()| out.flush())
        .map_err(stdout_error)
}

fn process(args: &Args, path: &OsStr, mut cap: Capture<Offline>) -> Result<(), Failure> {
    announce(path, cap.reader());
    let writing_stdout = args.write.as_deref() == Some(OsStr::new("-"));
    let out = match &args.write {
        Some(dest) => Some(output::Sink::create(dest, args, cap.reader_mut())?),
        None => None,
    };
    let printing = !args.count_only && (out.is_none() || args.print) && !writing_stdout;
    let stdout = io::stdout();
    let mut emit = Emit {
        busy: printing || out.is_some(),
        out,
        printing,
        line_buffered: args.line_buffered,
        text: io::BufWriter::with_capacity(64 * 1024, stdout.lock()),
        printer: print::Printer::new(args),
        line: String::with_capacity(256),
    };
    let mut n: u64 = 0;
    let limit = args.count.unwrap_or(u64::MAX);
    // The capture's own loop hands the packets to this closure, which breaks with `None` at
    // `-c`'s limit (before reading further, as tcpdump stops) and with the failure of a write.
    // It stays small enough to be inlined into that loop; the output is a call away.
    let each = |packet: ferrocap::Packet<'_>,
                context: Option<file::pcapng::Context<'_>>|
     -> ControlFlow<Option<Failure>> {
        n += 1;
        if emit.busy {
            if let Err(failure) = emit.packet(&packet, context.as_ref(), n) {
                return ControlFlow::Break(Some(failure));
            }
        }
        if n >= limit {
            ControlFlow::Break(None)
        } else {
            ControlFlow::Continue(())
        }
    };
    let result = if limit == 0 {
        Ok(())
    } else {
        match cap.try_for_each_in_context(each) {
            Ok(ControlFlow::Break(Some(failure))) => return Err(failure),
            Ok(_) => Ok(()),
            Err(e) => Err(e),
        }
    };
    let Emit { out, mut text, .. } = emit;
    if args.count_only {
        writeln!(text, "{n} packet{}", if n == 1 { "" } else { "s" }).map_err(stdout_error)?;
    }
    text.flush().map_err(stdout_error)?;
    if let Some(out) = out {
        out.finish(cap.reader())?;
    }
    match result {
        Ok(()) => Ok(()),
        Err(e) => Err(format!("{e} after {n} packets").into()),
    }
}

/// Where each packet goes: a `-w` file, printed lines, or both (or neither, with `--count`).
struct Emit<'a> {
    /// Anything to do per packet.
    busy: bool,
    out: Option<output::Sink>,
    printing: bool,
    line_buffered: bool,
    text: io::BufWriter<io::StdoutLock<'a>>,
    printer: print::Printer,
    line: String,
}

impl Emit<'_> {
    /// Writes packet `n` and prints its line, as asked.
    #[inline(never)]
    fn packet(
        &mut self,
        packet: &ferrocap::Packet<'_>,
        context: Option<&file::pcapng::Context<'_>>,
        n: u64,
    ) -> Result<(), Failure> {
        if let Some(out) = &mut self.out {
            out.write(packet, context, n)?;
        }
        if self.printing {
            self.line.clear();
            self.printer.format(&mut self.line, n, packet);
            self.text
                .write_all(self.line.as_bytes())
                .map_err(stdout_error)?;
            if self.line_buffered {
                self.text.flush().map_err(stdout_error)?;
            }
        }
        Ok(())
    }
}

/// tcpdump's first line on standard error.
fn announce<R: Read>(path: &OsStr, reader: &file::Reader<R>) {
    let mut msg = format!("reading from file {}", path.to_string_lossy());
    if let Some(lt) = reader.linktype() {
        match (lt.name(), lt.description()) {
            (Some(name), Some(desc)) => msg.push_str(&format!(", link-type {name} ({desc})")),
            _ => msg.push_str(&format!(", link-type {}", lt.0)),
        }
    }
    if let Some(snaplen) = reader.snaplen() {
        msg.push_str(&format!(", snapshot length {snaplen}"));
    }
    eprintln!("{msg}");
}
