//! ferrocap's integration tests: one binary (see `../../README.md` for how to run them).

mod bpf;
mod common;
mod corpus;
