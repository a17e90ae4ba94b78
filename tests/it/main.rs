//! ferrocap's integration tests: one binary (see `../../README.md` for how to run them).

mod alloc;
mod common;
mod corpus;
mod hostile;
mod roundtrip_pcap;
