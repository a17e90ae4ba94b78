//! Bodies of the fuzz targets in `fuzz/`, shared with the regression tests so that both run the
//! same code. Not part of the public API.

pub mod bpf;
pub mod file;
pub mod filter;
pub mod wire;
