//! `ferrocap`: a tcpdump-compatible command on top of the ferrocap library.
//!
//! Reads pcap and pcapng files (`-r`, `-r -` for stdin), prints one line per packet or copies
//! packets to a pcap or pcapng file (`-w`), counts them (`--count`). See `ferrocap --help`.

mod args;
mod output;
mod print;
mod timefmt;

use args::Args;
use ferrocap::{file, Capture, Offline, Precision};
use std::ffi::OsStr;
use std::io::{self, Read, Write};
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
    if let Some(what) = args.not_supported() {
        eprintln!("ferrocap: {what}");
        return ExitCode::FAILURE;
    }
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Quiet) => ExitCode::SUCCESS,
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
    if !args.filter.is_empty() || args.filter_file.is_some() || args.dump_filter > 0 {
        let expr = args.filter.join(" ");
        return Err(format!(
            "filter expressions are not supported yet: the filter compiler is not built (expression: {expr:?})"
        )
        .into());
    }
    let Some(path) = &args.read else {
        return Err(String::from(
            "no capture file given: use -r FILE (live capture is not built yet); see --help",
        )
        .into());
    };
    let precision = if args.nano {
        Precision::Nano
    } else {
        Precision::Micro
    };
    let cap = Capture::from_file_with_precision(path, precision).map_err(|e| match e {
        ferrocap::Error::Open { .. } => e.to_string(),
        _ => format!("{}: {e}", path.to_string_lossy()),
    })?;
    process(args, path, cap)
}

fn process(args: &Args, path: &OsStr, mut cap: Capture<Offline>) -> Result<(), Failure> {
    announce(path, cap.reader());
    let writing_stdout = args.write.as_deref() == Some(OsStr::new("-"));
    let mut out = match &args.write {
        Some(dest) => Some(output::Sink::create(dest, args, cap.reader_mut())?),
        None => None,
    };
    let printing = !args.count_only && (out.is_none() || args.print) && !writing_stdout;
    let stdout = io::stdout();
    let mut text = io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut printer = print::Printer::new(args);
    let mut line = String::with_capacity(256);
    let mut n: u64 = 0;
    let limit = args.count.unwrap_or(u64::MAX);
    let result = loop {
        if n >= limit {
            break Ok(());
        }
        let (packet, context) = match cap.next_in_context() {
            Ok(Some(p)) => p,
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        };
        n += 1;
        if let Some(out) = &mut out {
            out.write(&packet, context.as_ref(), n)?;
        }
        if printing {
            line.clear();
            printer.format(&mut line, n, &packet);
            text.write_all(line.as_bytes()).map_err(stdout_error)?;
            if args.line_buffered {
                text.flush().map_err(stdout_error)?;
            }
        }
    };
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
