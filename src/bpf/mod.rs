//! Classic BPF: the instructions the filter compiler emits, the Linux kernel receives and user
//! space runs — with libpcap's and the kernel's semantics, validated before anything runs.
//!
//! * [`Instruction`] is `struct sock_filter` / `struct bpf_insn` (8 bytes, `#[repr(C)]`); the
//!   constants of `<linux/filter.h>` keep their C names in [`op`] ([`op::BPF_LD`],
//!   [`op::BPF_H`], [`op::BPF_ABS`], …).
//! * [`Program`] is a validated program. [`Program::new`] is the only way in (with
//!   [`Program::with_rules`], [`Program::from_instructions`], [`Program::parse`]): it checks
//!   the instructions ([`validate()`]) and prepares them for the interpreter. Its memory is
//!   proportional to its length, and clones share it.
//! * [`Program::run`] / [`Program::matches`] / [`Program::filter`] run it on a packet exactly
//!   as libpcap's `bpf_filter` does; [`Program::run_with`] adds the Linux metadata a live
//!   capture has ([`Ancillary`]).
//! * [`Program::dump`] prints what `tcpdump -d`, `-dd` and `-ddd` print, byte for byte, and
//!   [`Program::parse`] reads `-dd` / `-ddd` text back.
//!
//! ```
//! use ferrocap::bpf::{Format, Program};
//!
//! // `tcpdump -ddd ip` output, pasted.
//! let ip = Program::parse("4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n", Default::default())?;
//! let mut frame = [0u8; 60];
//! frame[12..14].copy_from_slice(&[0x08, 0x00]);
//! assert_eq!(ip.run(&frame, 60), 262144);
//! assert_eq!(ip.run(&frame[..13], 60), 0); // `ldh [12]` beyond the captured bytes: rejected
//! assert_eq!(ip.dump(Format::Asm).lines().nth(1), Some("(001) jeq      #0x800           jt 2\tjf 3"));
//! # Ok::<(), ferrocap::bpf::ParseError>(())
//! ```
//!
//! # Semantics
//!
//! The machine has a 32-bit accumulator A, an index register X and sixteen 32-bit scratch words
//! `M[0..16]`, all zero when a packet starts (libpcap leaves `M` uninitialised; zero is what the
//! kernel's checker makes every accepted program see). A program returns a `u32`: the number of
//! bytes to keep, 0 to drop the packet. As in libpcap's `bpf_filter`:
//!
//! * Packet loads (`ld`/`ldh`/`ldb` `[k]` and `[x + k]`, `ldxb 4*([k]&0xf)`) read big-endian
//!   bytes of the **captured** data; a load that does not fit — including an `X + k` that
//!   overflows 32 bits — ends the run and **rejects the packet** (returns 0). It never loads 0.
//! * `len` (`ld #pktlen`, `ldx #pktlen`) is the length **on the wire**, not the captured length.
//! * Arithmetic wraps at 32 bits. `div x` and `mod x` with X = 0 reject the packet. `lsh x` /
//!   `rsh x` with X ≥ 32 give 0; a constant shift of 32 or more (which only [`Rules::Linux`]
//!   refuses) shifts by the count modulo 32, as libpcap does on x86, where its reference
//!   results come from. `neg` is `0 - A`.
//! * `jeq`/`jgt`/`jge` compare unsigned; `jset` tests `A & operand != 0`. Offsets are relative
//!   to the next instruction; `ja`'s `k` is signed, so it can jump backward ([`Rules::Libpcap`]).
//! * Ancillary loads (`ld [SKF_AD_OFF + n]`, e.g. `[vlan_tci]`, `[type]`, `[ifidx]`,
//!   `[proto]`) read the [`Ancillary`] metadata given to [`Program::run_with`]; without
//!   metadata ([`Program::run`]) they reject the packet, exactly as `bpf_filter` does on a
//!   savefile (the VLAN loads have no auxiliary data; the rest are out of the packet).
//!
//! # Errors
//!
//! Two types, both `#[non_exhaustive]`: [`ValidateError`] (the index of the first instruction
//! that breaks a rule, and the [`Rule`]) from building a program out of instructions, and
//! [`ParseError`] (the line, and a [`ParseErrorKind`], one of which is a [`ValidateError`])
//! from [`Program::parse`]. Both convert into [`crate::Error`] (`Error::Bpf`,
//! `Error::BpfListing`).
//!
//! # Validation
//!
//! Three rule sets ([`Rules`]); every error names the instruction index and the rule broken
//! ([`ValidateError`], [`Rule`]).
//!
//! | rule | `Standard` (default) | `Libpcap` | `Linux` | libpcap 1.10.3 `bpf_validate` | Linux `bpf_check_classic` |
//! |---|---|---|---|---|---|
//! | 1 to 4096 instructions | yes | up to 65535 | yes | only ≥ 1 | yes |
//! | opcode is one of the 49 defined | yes | yes | yes | class/mode/op known, other bits ignored (its interpreter then aborts on e.g. 0x08, 0x0e) | yes |
//! | conditional jumps land inside the program | yes | yes | yes | yes | yes |
//! | `ja` forward and inside | yes | backward allowed, inside | yes | backward allowed (32-bit wrap-around) | yes |
//! | last instruction is `ret` | `ret #k` / `ret a` | same | same | any RET-class code | `ret #k` / `ret a` |
//! | scratch index < 16 | yes | yes | yes | yes | yes |
//! | no `div`/`mod` by constant 0 | yes | yes | yes | yes | yes |
//! | constant shift < 32 | no | no | yes | no | yes |
//! | `M[k]` written on every path before read | no | no | yes | no | yes |
//! | absolute load at `SKF_AD_OFF`+ names a known field | no | no | yes | no | yes |
//!
//! Where the two checkers disagree, [`Rules::Standard`] takes the stricter side for the
//! structure of the program and libpcap's side for what only changes run-time results, so that
//! every program libpcap 1.10.3 generates passes it, with two exceptions that need
//! [`Rules::Libpcap`] (and that the kernel refuses, so libpcap filters them in user space):
//! `ip6 protochain` / `ip protochain`, whose loop is a backward `ja` (see `filter-language.md`
//! §7), and the few programs longer than 4096 instructions (a 60-host `or` list on 802.11
//! radiotap compiles to 4689). A run of a program with a loop is bounded by [`LOOP_BUDGET`];
//! libpcap's would spin forever on a loop that never exits, and its protochain code has one: an
//! IPv6 authentication header whose length field points back at itself (`tests/it/bpf.rs` has
//! such a packet). Some programs libpcap generates for live Linux handles read `M[k]` before any
//! path writes it (`vlan 100 and pppoes`), which Linux refuses and libpcap's user-space filter
//! runs on an uninitialised word; here `M` starts at zero. [`Program::check`] tells whether a
//! program also passes other rules, e.g. `Rules::Linux` before attaching it to a socket.
//!
//! # Speed
//!
//! The interpreter is safe Rust (no `unsafe`, every access checked); its speed comes from
//! preparing the program once (see [`Program::new`]): absolute jump targets, one handler per
//! instruction form, fused sequences (load and branch, `ldxb` and indirect load and branch,
//! load-`and`-`jeq`, two-way `jeq`), chains of `jeq` turned into one hash-table lookup, and
//! direct-threaded execution (each node's handler jumps straight to the next one's). The
//! `bpf_run` benchmark compares it with libpcap's `bpf_filter`.

mod ancillary;
mod disasm;
mod insn;
mod interp;
pub mod op;
mod validate;

pub use ancillary::Ancillary;
#[cfg(test)]
pub(crate) use disasm::dump;
pub(crate) use disasm::image;
pub use disasm::{Format, ParseError, ParseErrorKind};
pub use insn::{AncillaryField, Instruction};
pub use interp::LOOP_BUDGET;
pub use validate::{validate, Program, Rule, Rules, ValidateError, LIBPCAP_MAXINSNS};
