//! Live capture on veth pairs in throw-away network namespaces (live-capture.md §11): root
//! only; without root each test prints a notice and skips (fails under `CI=true`).

mod activation;
mod devices;
#[allow(dead_code)] // helpers for the tests still being written
pub mod harness;
mod reading;
mod vlan;
