//! Hard limits on what the compiler accepts, so that no expression can exhaust the stack or
//! memory.
//!
//! Every stage is bounded by these: the lexer by [`MAX_EXPRESSION_LEN`], the parser and every
//! walk over the trees by [`MAX_NEST`] (long `and`/`or` chains and left-associative arithmetic
//! are stored flat, so only real nesting counts), code generation by [`MAX_INSTRUCTIONS`].
//! Exceeding one is an [`Error`](super::Error) of kind
//! [`TooLong`](super::ErrorKind::TooLong), [`TooDeep`](super::ErrorKind::TooDeep) or
//! [`TooLarge`](super::ErrorKind::TooLarge).

/// Longest expression accepted, in bytes (libpcap has no limit; 64 KiB is hundreds of times the
/// longest filter in libpcap's test suite).
pub const MAX_EXPRESSION_LEN: usize = 64 * 1024;

/// Deepest nesting accepted: parentheses, `not`, unary minus, `proto[…]` and operators that
/// nest to the right (`%`, `^` and parenthesised operands). Each level costs a bounded amount of
/// stack in every stage that walks the tree.
pub const MAX_NEST: usize = 200;

/// Most instructions a compiled program may have, optimized or not, counted before and after
/// optimization (libpcap's `bpf_program.bf_len` is unbounded in practice; its 802.11 radiotap
/// programs for 60-host lists reach 4689 instructions, above the kernel's 4096).
pub const MAX_INSTRUCTIONS: usize = 65_535;

/// Most addresses one host name may resolve to; further ones are ignored (libpcap takes all
/// that `getaddrinfo` returns, which the system resolver keeps small).
pub const MAX_ADDRESSES_PER_NAME: usize = 64;
