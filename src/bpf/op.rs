//! The named constants of `<linux/filter.h>` and `<pcap/bpf.h>`, with their C names, so that a
//! program written against those headers reads the same in Rust (`use ferrocap::bpf::op::*;`):
//!
//! * the opcode bits an [`Instruction`]'s `code` is the OR of: a class ([`BPF_LD`] …
//!   [`BPF_MISC`]) and, depending on the class, a size ([`BPF_W`], [`BPF_H`], [`BPF_B`]) and an
//!   addressing mode ([`BPF_ABS`], [`BPF_IND`], …) for loads, an operation ([`BPF_ADD`],
//!   [`BPF_JEQ`], …) and an operand source ([`BPF_K`], [`BPF_X`]) for ALU operations and jumps, a
//!   return-value source ([`BPF_K`], [`BPF_A`]) for `ret`, or a register transfer
//!   ([`BPF_TAX`], [`BPF_TXA`]);
//! * the machine's limits ([`BPF_MEMWORDS`], [`BPF_MAXINSNS`]);
//! * Linux's special load offsets ([`SKF_AD_OFF`] and the `SKF_AD_*` fields, which
//!   [`AncillaryField`] names as a Rust enum, [`SKF_NET_OFF`], [`SKF_LL_OFF`]).
//!
//! ```
//! use ferrocap::bpf::op::*;
//! use ferrocap::bpf::{Instruction, Program};
//!
//! // `ip`, as a C program would spell it with BPF_STMT / BPF_JUMP.
//! let ip = Program::new(vec![
//!     Instruction::stmt(BPF_LD | BPF_H | BPF_ABS, 12),
//!     Instruction::jump(BPF_JMP | BPF_JEQ | BPF_K, 0x800, 0, 1),
//!     Instruction::stmt(BPF_RET | BPF_K, 262_144),
//!     Instruction::stmt(BPF_RET | BPF_K, 0),
//! ])?;
//! assert_eq!(ip.instructions()[0].code, 0x28);
//! # Ok::<(), ferrocap::bpf::ValidateError>(())
//! ```
//!
//! [`Instruction`]: super::Instruction
//! [`AncillaryField`]: super::AncillaryField

// ---- classes ---------------------------------------------------------------------------------

/// Class: load into the accumulator A.
pub const BPF_LD: u16 = 0x00;
/// Class: load into the index register X.
pub const BPF_LDX: u16 = 0x01;
/// Class: store A into scratch memory `M[k]`.
pub const BPF_ST: u16 = 0x02;
/// Class: store X into scratch memory `M[k]`.
pub const BPF_STX: u16 = 0x03;
/// Class: arithmetic and logic on A.
pub const BPF_ALU: u16 = 0x04;
/// Class: jumps.
pub const BPF_JMP: u16 = 0x05;
/// Class: return (accept that many bytes; 0 drops the packet).
pub const BPF_RET: u16 = 0x06;
/// Class: register transfers (`tax`, `txa`).
pub const BPF_MISC: u16 = 0x07;

// ---- load sizes ------------------------------------------------------------------------------

/// Size: 32-bit word.
pub const BPF_W: u16 = 0x00;
/// Size: 16-bit half word.
pub const BPF_H: u16 = 0x08;
/// Size: byte.
pub const BPF_B: u16 = 0x10;

// ---- load modes ------------------------------------------------------------------------------

/// Mode: the immediate `k`.
pub const BPF_IMM: u16 = 0x00;
/// Mode: packet bytes at offset `k` (big-endian).
pub const BPF_ABS: u16 = 0x20;
/// Mode: packet bytes at offset `X + k` (big-endian).
pub const BPF_IND: u16 = 0x40;
/// Mode: scratch memory `M[k]`.
pub const BPF_MEM: u16 = 0x60;
/// Mode: the packet's length on the wire.
pub const BPF_LEN: u16 = 0x80;
/// Mode: `4 * (packet[k] & 0xf)`, the IPv4 header length (`ldxb` only).
pub const BPF_MSH: u16 = 0xa0;

// ---- ALU operations --------------------------------------------------------------------------

/// ALU: `A += operand`.
pub const BPF_ADD: u16 = 0x00;
/// ALU: `A -= operand`.
pub const BPF_SUB: u16 = 0x10;
/// ALU: `A *= operand`.
pub const BPF_MUL: u16 = 0x20;
/// ALU: `A /= operand` (division by a zero X rejects the packet).
pub const BPF_DIV: u16 = 0x30;
/// ALU: `A |= operand`.
pub const BPF_OR: u16 = 0x40;
/// ALU: `A &= operand`.
pub const BPF_AND: u16 = 0x50;
/// ALU: `A <<= operand`.
pub const BPF_LSH: u16 = 0x60;
/// ALU: `A >>= operand`.
pub const BPF_RSH: u16 = 0x70;
/// ALU: `A = 0 - A`.
pub const BPF_NEG: u16 = 0x80;
/// ALU: `A %= operand` (modulo by a zero X rejects the packet).
pub const BPF_MOD: u16 = 0x90;
/// ALU: `A ^= operand`.
pub const BPF_XOR: u16 = 0xa0;

// ---- jumps -----------------------------------------------------------------------------------

/// Jump: always, by `k` instructions.
pub const BPF_JA: u16 = 0x00;
/// Jump: `A == operand`.
pub const BPF_JEQ: u16 = 0x10;
/// Jump: `A > operand` (unsigned).
pub const BPF_JGT: u16 = 0x20;
/// Jump: `A >= operand` (unsigned).
pub const BPF_JGE: u16 = 0x30;
/// Jump: `A & operand != 0`.
pub const BPF_JSET: u16 = 0x40;

// ---- operand sources -------------------------------------------------------------------------

/// Source: the immediate `k`.
pub const BPF_K: u16 = 0x00;
/// Source: the index register X.
pub const BPF_X: u16 = 0x08;
/// Return-value source: the accumulator A.
pub const BPF_A: u16 = 0x10;

// ---- misc ------------------------------------------------------------------------------------

/// Misc: `X = A`.
pub const BPF_TAX: u16 = 0x00;
/// Misc: `A = X`.
pub const BPF_TXA: u16 = 0x80;

// ---- limits ----------------------------------------------------------------------------------

/// Number of 32-bit scratch memory words, `M[0]` to `M[15]`.
pub const BPF_MEMWORDS: usize = 16;
/// The most instructions a program may have (Linux's `BPF_MAXINSNS`).
pub const BPF_MAXINSNS: usize = 4096;

// ---- Linux special offsets -------------------------------------------------------------------

/// Linux: base of the ancillary-data offsets (`-0x1000` as a `u32`). `ld [SKF_AD_OFF + n]` reads
/// per-packet metadata instead of packet bytes.
pub const SKF_AD_OFF: u32 = 0xffff_f000;
/// Linux: offsets from here address the packet from its network header (`-0x100000`).
pub const SKF_NET_OFF: u32 = 0xfff0_0000;
/// Linux: offsets from here address the packet from its link-layer header (`-0x200000`).
pub const SKF_LL_OFF: u32 = 0xffe0_0000;

/// Ancillary field: the packet's protocol (`skb->protocol`, an EtherType in host order).
pub const SKF_AD_PROTOCOL: u32 = 0;
/// Ancillary field: the packet type (`PACKET_HOST`, `PACKET_BROADCAST`, …).
pub const SKF_AD_PKTTYPE: u32 = 4;
/// Ancillary field: the interface index.
pub const SKF_AD_IFINDEX: u32 = 8;
/// Ancillary field: find netlink attribute `X` from offset `A`.
pub const SKF_AD_NLATTR: u32 = 12;
/// Ancillary field: find netlink attribute `X` nested in the attribute at offset `A`.
pub const SKF_AD_NLATTR_NEST: u32 = 16;
/// Ancillary field: the packet mark.
pub const SKF_AD_MARK: u32 = 20;
/// Ancillary field: the receive queue.
pub const SKF_AD_QUEUE: u32 = 24;
/// Ancillary field: the interface's hardware type (`ARPHRD_*`).
pub const SKF_AD_HATYPE: u32 = 28;
/// Ancillary field: the receive hash.
pub const SKF_AD_RXHASH: u32 = 32;
/// Ancillary field: the CPU the filter runs on.
pub const SKF_AD_CPU: u32 = 36;
/// Ancillary "field": `A ^= X`.
pub const SKF_AD_ALU_XOR_X: u32 = 40;
/// Ancillary field: the VLAN TCI the NIC stripped.
pub const SKF_AD_VLAN_TAG: u32 = 44;
/// Ancillary field: 1 if a VLAN tag was stripped, else 0.
pub const SKF_AD_VLAN_TAG_PRESENT: u32 = 48;
/// Ancillary field: the offset of the transport payload.
pub const SKF_AD_PAY_OFFSET: u32 = 52;
/// Ancillary field: a random number.
pub const SKF_AD_RANDOM: u32 = 56;
/// Ancillary field: the stripped VLAN tag's TPID.
pub const SKF_AD_VLAN_TPID: u32 = 60;
/// One past the last ancillary offset.
pub const SKF_AD_MAX: u32 = 64;
