//! The pcap-filter language (`pcap-filter(7)`), compiled to classic BPF.
//!
//! Not built yet: the compiler is the subject of its own issue and will live here as one module
//! per stage (lexer, parser, resolution, code generation per link type, optimizer, emission).
//! Until then the `ferrocap` command refuses filter expressions with a clear error.

pub(crate) mod codegen;
pub(crate) mod emit;
pub(crate) mod ir;
