//! Where the compiler deliberately differs from libpcap 1.10.3, and the libpcap 1.10.3 bugs it
//! reproduces on purpose.
//!
//! The bar is libpcap's behaviour: every expression of the reference corpus is accepted or
//! rejected as libpcap 1.10.3 does, and the programs give its verdicts. Where libpcap is
//! provably wrong we either match it (when scripts and filters in the field depend on the
//! behaviour, or the fix would change which packets match) or do the right thing and list
//! the difference in [`DIFFERENCES`], which the filter tests check both ways: libpcap's
//! reference says what the table says libpcap does, and our program does what the table says
//! we do.
//!
//! # Differences
//!
//! | expression | libpcap 1.10.3 | ferrocap |
//! |---|---|---|
//! | `link[0:1] & 0xFFFFFFFF == 0` (also `:2`, `:4`) | "expression rejects all packets": its optimizer folds the all-ones mask into a test no value passes | compiles; matches packets whose first 1 (2, 4) bytes are 0 |
//! | a comparison of constants that is false (`10 % 3 * 2 = 2`) on a link type whose programs start with a header check (PPI) | compiles to a program that rejects every packet: its optimizer folds the comparison but keeps the header check before it | "expression rejects all packets", as libpcap itself reports for the same expression on Ethernet (the filter tests check that libpcap's program rejects every packet of the capture wherever we report this) |
//!
//! # libpcap 1.10.3 bugs reproduced
//!
//! These change which packets match, and tcpdump users get them today; the corpus checks that
//! we match libpcap on each.
//!
//! * `byte N & V` and `byte N | V` emit `and #V` / `or #V` with no load and test A ≠ 0, so
//!   they test whatever A holds (0 at the start: `byte 3 & 4` alone is one `jset #4` on A).
//! * `vpi`, `vci`, `opc`, `dpc`, `sls` with `!=` compile as `=` (only `<` and `<=` honour their
//!   negation).
//! * DECnet addresses are compared in the byte order of a little-endian host; `decnet host`
//!   area and node, and `dir N`, are not range-checked (masked).
//! * `gateway` is always rejected; `vxlan` (libpcap master) is rejected as 1.10.3 does.
//! * The optimizer deletes packet loads whose values nothing needs, so an optimized program can
//!   accept a truncated packet its unoptimized program rejects (`ip or not ip` is
//!   `ret #262144`); `ferrocap::fuzzing::filter` states the property optimized and unoptimized
//!   programs do share.

/// One deliberate difference from libpcap 1.10.3 (see the [module docs](self)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Difference {
    /// The expression, as in the reference corpus.
    pub expression: &'static str,
    /// What libpcap 1.10.3 does: the error message it reports.
    pub libpcap_error: &'static str,
    /// What we do instead.
    pub ours: &'static str,
    /// The first bytes of a packet our program accepts (the rest zero, 64 bytes in all).
    pub accepts: &'static [u8],
    /// The first bytes of a packet our program rejects (the rest zero, 64 bytes in all).
    pub rejects: &'static [u8],
}

/// Every deliberate difference from libpcap 1.10.3, on every link type.
pub const DIFFERENCES: &[Difference] = &[
    Difference {
        expression: "link[0:1] & 0xFFFFFFFF == 0",
        libpcap_error: "expression rejects all packets",
        ours: "compiles: the first byte is 0",
        accepts: &[0],
        rejects: &[1],
    },
    Difference {
        expression: "link[0:2] & 0xFFFFFFFF == 0",
        libpcap_error: "expression rejects all packets",
        ours: "compiles: the first two bytes are 0",
        accepts: &[0, 0],
        rejects: &[0, 1],
    },
    Difference {
        expression: "link[0:4] & 0xFFFFFFFF == 0",
        libpcap_error: "expression rejects all packets",
        ours: "compiles: the first four bytes are 0",
        accepts: &[0, 0, 0, 0],
        rejects: &[0, 0, 0, 0x80],
    },
];
