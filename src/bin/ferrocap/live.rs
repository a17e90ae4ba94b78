//! Live capture for the command, as tcpdump 4.99 does it: `-D`, `-L`, `-J`, and capturing on
//! `-i IFACE` (default: the first device that is up and not loopback) to the printer or to a
//! file (`-w`, `-U`), until `-c` packets or SIGINT/SIGTERM, then tcpdump's three counts on
//! standard error. A filter expression (or `-F FILE`) is compiled for the live device and
//! attached in the kernel; `-d`/`-dd`/`-ddd` print its program instead.

use crate::args::{Args, TimestampType as ArgTimestampType};
use crate::output::Sink;
use crate::print::Printer;
use crate::{stdout_error, Failure};
use ferrocap::bpf::{Format, Program};
use ferrocap::filter;
use ferrocap::live::{
    self, supported_tstamp_types, BreakHandle, Config, ConnectionStatus, Device, Handle,
    TimestampType, Warning,
};
use ferrocap::netdb::Netdb;
use ferrocap::{Linktype, Precision};
use nix::sys::signal::{SigSet, Signal};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use std::ffi::OsStr;
use std::io::{self, Write};
use std::time::Duration;

/// tcpdump's packet buffer timeout: a packet waits at most this long in the kernel.
const BUFFER_TIMEOUT: Duration = Duration::from_millis(1000);

/// Maps an error writing standard error.
fn stderr_error(e: io::Error) -> Failure {
    Failure::Message(format!("error writing standard error: {e}"))
}

/// The first option of a live capture the command cannot follow, if any.
pub fn not_supported(args: &Args) -> Option<String> {
    args.unsupported
        .first()
        .map(|opt| format!("option {opt} is not supported by ferrocap"))
}

/// Compiles `expr` for the capture as libpcap's `pcap_compile` on a live handle does: its link
/// type and snap length, the kernel's metadata loads, the device's netmask, the system's
/// name databases.
fn compile(args: &Args, h: &Handle, expr: &str) -> Result<Program, Failure> {
    let netmask = live::lookup_net(h.device())
        .ok()
        .map(|(_, mask)| u32::from(mask))
        .filter(|&m| m != 0)
        .unwrap_or(filter::NETMASK_UNKNOWN);
    let netdb = Netdb::system();
    filter::Options::new(h.linktype())
        .snaplen(h.snaplen())
        .optimize(args.optimize)
        .netmask(netmask)
        .context(filter::Context::Live)
        .resolver(&netdb)
        .compile(expr)
        .map_err(|e| e.to_string().into())
}

/// Runs a live command: a listing (`-D`, `-J`, `-L`) or a capture.
pub fn run(args: &Args) -> Result<(), Failure> {
    if args.list_interfaces {
        return list_devices();
    }
    let device = pick_device(args)?;
    if args.list_tstamp_types {
        return list_tstamp_types(&device);
    }
    // Signals are taken by a thread of their own (below), so block them everywhere first:
    // every thread started from here on inherits the mask.
    let mut signals = SigSet::empty();
    signals.add(Signal::SIGINT);
    signals.add(Signal::SIGTERM);
    signals
        .thread_block()
        .map_err(|e| format!("cannot block signals: {e}"))?;
    let config = config(args);
    let mut h = Handle::open(&device, &config).map_err(|e| e.to_string())?;
    if args.list_datalinks {
        return list_datalinks(&h);
    }
    for w in h.warnings() {
        match w {
            // libpcap 1.10.3 says nothing when `any` cannot be promiscuous (tcpdump's
            // default); the capture runs without it.
            Warning::PromiscNotSupported => {}
            Warning::TstampTypeNotSupported => eprintln!(
                "ferrocap: WARNING: When trying to set timestamp type '{}' on {device}: {w}",
                config.tstamp_type.name()
            ),
            _ => eprintln!("ferrocap: WARNING: {device}: {w}"),
        }
    }
    // tcpdump 4.99 captures `any` as LINUX_SLL2 unless told otherwise (`-y`).
    let linktype = args
        .linktype
        .or((device == "any").then_some(Linktype::LINUX_SLL2));
    if let Some(lt) = linktype {
        h.set_datalink(lt).map_err(|_| {
            format!(
                "{} is not one of the DLTs supported by this device",
                name_of(lt)
            )
        })?;
        eprintln!("ferrocap: data link type {}", name_of(lt));
    }
    let expr = crate::filter_expression(args)?;
    if !expr.is_empty() || args.dump_filter > 0 {
        let program = compile(args, &h, &expr)?;
        if args.dump_filter > 0 {
            // `-d`, `-dd`, `-ddd`: the program, then stop (tcpdump).
            let format = match args.dump_filter {
                1 => Format::Asm,
                2 => Format::C,
                _ => Format::Decimal,
            };
            let mut out = io::stdout().lock();
            out.write_all(program.dump(format).as_bytes())
                .map_err(stdout_error)?;
            return Ok(());
        }
        // In the kernel when it takes the program (packets already in the ring are filtered
        // here, so none that the filter rejects gets through).
        h.set_program(&program).map_err(|e| e.to_string())?;
    }
    watch_signals(signals, h.break_handle())?;
    capture(args, &device, h)
}

/// A link type's libpcap name, or its number.
fn name_of(lt: Linktype) -> String {
    lt.name()
        .map_or_else(|| format!("DLT {}", lt.0), str::to_owned)
}

/// The device to capture on: `-i` (a name, or a number from the `-D` list as tcpdump allows),
/// else the default device.
fn pick_device(args: &Args) -> Result<String, Failure> {
    let Some(given) = &args.interface else {
        return match Device::lookup().map_err(|e| e.to_string())? {
            Some(d) => Ok(d.name),
            None => Err(String::from("no interfaces available for capture").into()),
        };
    };
    let Some(name) = given.to_str() else {
        return Err(format!("{}: no such device exists", given.to_string_lossy()).into());
    };
    if let Ok(index) = name.parse::<usize>() {
        let devices = Device::list().map_err(|e| e.to_string())?;
        if !devices.iter().any(|d| d.name == name) {
            return match index.checked_sub(1).and_then(|i| devices.get(i)) {
                Some(d) => Ok(d.name.clone()),
                None => Err(format!("invalid adapter index {index}").into()),
            };
        }
    }
    Ok(name.to_owned())
}

/// The capture settings the options ask for.
fn config(args: &Args) -> Config {
    let mut c = Config::default();
    c.snaplen = args.snaplen.unwrap_or(0);
    c.promisc = args.promisc;
    c.timeout = Some(BUFFER_TIMEOUT);
    if let Some(kib) = args.buffer_kib {
        c.buffer_size = kib as usize * 1024;
    }
    c.immediate = args.immediate_mode;
    c.precision = if args.nano {
        Precision::Nano
    } else {
        Precision::Micro
    };
    if let Some(d) = args.direction {
        c.direction = d;
    }
    if let Some(t) = args.tstamp_type {
        c.tstamp_type = match t {
            ArgTimestampType::Host => TimestampType::Host,
            ArgTimestampType::HostLowPrec => TimestampType::HostLowPrec,
            ArgTimestampType::HostHighPrec => TimestampType::HostHighPrec,
            ArgTimestampType::HostHighPrecUnsynced => TimestampType::HostHighPrecUnsynced,
            ArgTimestampType::Adapter => TimestampType::Adapter,
            ArgTimestampType::AdapterUnsynced => TimestampType::AdapterUnsynced,
        };
    }
    c
}

/// `-D`: `1.vA [Up, Running, Connected]`, as tcpdump prints libpcap's list.
fn list_devices() -> Result<(), Failure> {
    let devices = Device::list().map_err(|e| e.to_string())?;
    let mut out = io::stdout().lock();
    for (i, d) in devices.iter().enumerate() {
        let mut line = format!("{}.{}", i + 1, d.name);
        if let Some(desc) = &d.desc {
            line.push_str(&format!(" ({desc})"));
        }
        let f = d.flags;
        let mut words: Vec<&str> = [
            (f.is_up(), "Up"),
            (f.is_running(), "Running"),
            (f.is_loopback(), "Loopback"),
            (f.is_wireless(), "Wireless"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|&(_, w)| w)
        .collect();
        if f.bits() != 0 {
            if words.is_empty() {
                words.push("none");
            }
            let status = match (f.is_wireless(), f.connection_status) {
                (_, ConnectionStatus::NotApplicable) => None,
                (true, ConnectionStatus::Unknown) => Some("Association status unknown"),
                (true, ConnectionStatus::Connected) => Some("Associated"),
                (true, ConnectionStatus::Disconnected) => Some("Not associated"),
                (false, ConnectionStatus::Unknown) => Some("Connection status unknown"),
                (false, ConnectionStatus::Connected) => Some("Connected"),
                (false, ConnectionStatus::Disconnected) => Some("Disconnected"),
            };
            words.extend(status);
            line.push_str(&format!(" [{}]", words.join(", ")));
        }
        writeln!(out, "{line}").map_err(stdout_error)?;
    }
    Ok(())
}

/// `-J`: the time stamp types of the device, on standard error as tcpdump prints them.
fn list_tstamp_types(device: &str) -> Result<(), Failure> {
    let types = supported_tstamp_types(device).map_err(|e| e.to_string())?;
    let mut out = io::stderr().lock();
    writeln!(out, "Time stamp types for {device} (use option -j to set):").map_err(stderr_error)?;
    for t in types {
        writeln!(out, "  {} ({})", t.name(), t.description()).map_err(stderr_error)?;
    }
    Ok(())
}

/// `-L`: the link types the opened device offers, on standard error as tcpdump prints them.
fn list_datalinks(h: &Handle) -> Result<(), Failure> {
    let mut out = io::stderr().lock();
    writeln!(
        out,
        "Data link types for {} (use option -y to set):",
        h.device()
    )
    .map_err(stderr_error)?;
    for &lt in h.datalinks() {
        let mut line = format!("  {}", name_of(lt));
        if let Some(desc) = lt.description() {
            line.push_str(&format!(" ({desc})"));
        }
        // tcpdump has no printer for DOCSIS (nor does ferrocap).
        if lt == Linktype::DOCSIS {
            line.push_str(" (printing not supported)");
        }
        writeln!(out, "{line}").map_err(stderr_error)?;
    }
    Ok(())
}

/// Takes SIGINT and SIGTERM (blocked in every thread) on a thread of its own, through a
/// signalfd, and breaks the capture's read off on each.
fn watch_signals(signals: SigSet, stop: BreakHandle) -> Result<(), Failure> {
    let fd = SignalFd::with_flags(&signals, SfdFlags::SFD_CLOEXEC)
        .map_err(|e| format!("signalfd: {e}"))?;
    std::thread::spawn(move || loop {
        match fd.read_signal() {
            Ok(_) => stop.breakloop(),
            Err(nix::Error::EINTR) => {}
            Err(_) => return,
        }
    });
    Ok(())
}

/// The capture loop: print or write each packet, stop after `-c` packets or on a signal, then
/// report tcpdump's counts.
fn capture(args: &Args, device: &str, mut h: Handle) -> Result<(), Failure> {
    let linktype = h.linktype();
    let writing_stdout = args.write.as_deref() == Some(OsStr::new("-"));
    let mut out = match &args.write {
        Some(dest) => Some(Sink::for_capture(
            dest,
            args,
            h.linktype(),
            h.snaplen(),
            h.precision(),
        )?),
        None => None,
    };
    let printing = (out.is_none() || args.print) && !writing_stdout;
    let desc = linktype
        .description()
        .map_or_else(String::new, |d| format!(" ({d})"));
    let listening = format!(
        "listening on {device}, link-type {}{desc}, snapshot length {} bytes",
        name_of(linktype),
        h.snaplen()
    );
    if printing && args.verbose == 0 {
        eprintln!("ferrocap: verbose output suppressed, use -v[v]... for full protocol decode");
        eprintln!("{listening}");
    } else {
        eprintln!("ferrocap: {listening}");
    }
    let stdout = io::stdout();
    let mut text = io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut printer = Printer::new(args);
    let mut line = String::with_capacity(256);
    let limit = args.count.unwrap_or(u64::MAX);
    let mut n: u64 = 0;
    let ended = loop {
        if n >= limit {
            break Ok(());
        }
        let packet = match h.next_packet() {
            Ok(p) => p,
            Err(live::Error::TimeoutExpired) => {
                // An idle second: what was printed so far goes out.
                text.flush().map_err(stdout_error)?;
                continue;
            }
            Err(live::Error::Break) => break Ok(()),
            Err(e) => break Err(e),
        };
        n += 1;
        if let Some(out) = &mut out {
            out.write(&packet, None, n)?;
        }
        if printing {
            line.clear();
            printer.format(&mut line, n, &packet);
            text.write_all(line.as_bytes()).map_err(stdout_error)?;
            if args.line_buffered || args.immediate_mode {
                text.flush().map_err(stdout_error)?;
            }
        }
    };
    text.flush().map_err(stdout_error)?;
    if let Some(out) = out {
        out.close()?;
    }
    if let Err(e) = &ended {
        eprintln!("ferrocap: {e}");
    }
    let stats = h.stats().map_err(|e| e.to_string())?;
    let s = |k: u64| if k == 1 { "" } else { "s" };
    let recv = u64::from(stats.received);
    let drop = u64::from(stats.dropped);
    // One write for the report, as tcpdump's (a reader of stderr sees it whole).
    let mut report = format!(
        "{n} packet{} captured\n{recv} packet{} received by filter\n{drop} packet{} dropped by kernel\n",
        s(n),
        s(recv),
        s(drop)
    );
    if stats.if_dropped != 0 {
        let d = u64::from(stats.if_dropped);
        use std::fmt::Write as _;
        let _ = writeln!(report, "{d} packet{} dropped by interface", s(d));
    }
    eprint!("{report}");
    match ended {
        Ok(()) => Ok(()),
        Err(_) => Err(Failure::Silent),
    }
}
