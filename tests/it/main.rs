//! ferrocap's integration tests: one binary (see `../../README.md` for how to run them).

mod common;
mod corpus;
mod wire;
