//! ferrocap's integration tests: one binary (see `../../README.md` for how to run them).

mod alloc;
mod architecture;
mod bpf;
mod capture;
mod changing_file;
mod cli;
mod common;
mod corpus;
mod filter;
mod filter_capture;
mod filter_cli;
mod filter_errors;
mod filter_names;
mod fuzz_regressions;
mod hostile;
mod linktype;
#[cfg(target_os = "linux")]
mod live;
mod port;
mod roundtrip_pcap;
mod roundtrip_pcapng;
mod wire;
