//! Live capture on veth pairs in throw-away network namespaces (live-capture.md §11): root
//! only; without root each test prints a notice and skips (fails under `CI=true`).

mod activation;
mod cli;
mod close;
mod devices;
mod direction;
mod fanout;
mod filters;
pub mod harness;
mod immediate;
mod inject;
mod port;
mod reading;
mod stats;
mod vlan;
