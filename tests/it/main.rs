//! ferrocap's integration tests: one binary (see `../../README.md` for how to run them).

mod alloc;
mod architecture;
mod bpf;
mod capture;
mod changing_file;
mod cli;
mod common;
mod corpus;
mod fuzz_regressions;
mod hostile;
mod linktype;
mod port;
mod roundtrip_pcap;
mod roundtrip_pcapng;
mod wire;
