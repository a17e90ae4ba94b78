//! One classic BPF instruction ([`Instruction`], laid out as the kernel's `struct sock_filter`
//! and libpcap's `struct bpf_insn`) and the named constants its `code` is built from.
//!
//! An opcode is the OR of a class and, depending on the class, a size and an addressing mode
//! (loads), an operation and an operand source (ALU and jumps), a return-value source (`ret`)
//! or a register transfer (`tax`/`txa`). The constants keep the C names (`BPF_LD`, `BPF_H`,
//! `BPF_ABS`, …) so that programs written against `<linux/filter.h>` read the same.

use std::fmt;

/// One instruction: the 8 bytes of `struct sock_filter` / `struct bpf_insn`, in host byte order.
///
/// `code` is the opcode, `jt` and `jf` are the forward offsets of a conditional jump (relative
/// to the next instruction), `k` is the generic operand. Any value can be held here; only a
/// validated [`Program`](crate::bpf::Program) is ever run.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Instruction {
    /// The opcode: class, size/mode, operation, source (see the `BPF_*` constants).
    pub code: u16,
    /// Jump offset when the condition holds (conditional jumps only).
    pub jt: u8,
    /// Jump offset when the condition does not hold (conditional jumps only).
    pub jf: u8,
    /// The operand: an immediate, a packet offset, a scratch index or a jump offset.
    pub k: u32,
}

// The layout the kernel's SO_ATTACH_FILTER expects (`struct sock_filter`): 8 bytes, 4-aligned,
// fields at offsets 0, 2, 3, 4.
const _: () = assert!(std::mem::size_of::<Instruction>() == 8);
const _: () = assert!(std::mem::align_of::<Instruction>() == 4);
const _: () = assert!(std::mem::offset_of!(Instruction, code) == 0);
const _: () = assert!(std::mem::offset_of!(Instruction, jt) == 2);
const _: () = assert!(std::mem::offset_of!(Instruction, jf) == 3);
const _: () = assert!(std::mem::offset_of!(Instruction, k) == 4);

impl Instruction {
    /// An instruction from its four fields.
    pub const fn new(code: u16, jt: u8, jf: u8, k: u32) -> Instruction {
        Instruction { code, jt, jf, k }
    }

    /// A non-jump instruction (`BPF_STMT` in C).
    pub const fn stmt(code: u16, k: u32) -> Instruction {
        Instruction {
            code,
            jt: 0,
            jf: 0,
            k,
        }
    }

    /// A jump instruction (`BPF_JUMP` in C).
    pub const fn jump(code: u16, k: u32, jt: u8, jf: u8) -> Instruction {
        Instruction { code, jt, jf, k }
    }

    /// The class bits of the opcode (`BPF_CLASS`).
    pub const fn class(&self) -> u16 {
        self.code & 0x07
    }

    /// The size bits of a load or store (`BPF_SIZE`).
    pub const fn size(&self) -> u16 {
        self.code & 0x18
    }

    /// The addressing-mode bits of a load (`BPF_MODE`).
    pub const fn mode(&self) -> u16 {
        self.code & 0xe0
    }

    /// The operation bits of an ALU or jump instruction (`BPF_OP`).
    pub const fn op(&self) -> u16 {
        self.code & 0xf0
    }

    /// The operand-source bit of an ALU or jump instruction (`BPF_SRC`).
    pub const fn src(&self) -> u16 {
        self.code & 0x08
    }

    /// Whether `code` is one of the opcodes classic BPF defines (the list libpcap's
    /// interpreter and the Linux checker both accept; anything else makes libpcap abort).
    pub const fn is_known_opcode(code: u16) -> bool {
        matches!(
            code,
            // ld / ldx
            0x00 | 0x01 | 0x20 | 0x28 | 0x30 | 0x40 | 0x48 | 0x50 | 0x60 | 0x61 | 0x80 | 0x81 | 0xb1
            // st / stx
            | 0x02 | 0x03
            // alu
            | 0x04 | 0x0c | 0x14 | 0x1c | 0x24 | 0x2c | 0x34 | 0x3c | 0x44 | 0x4c | 0x54 | 0x5c
            | 0x64 | 0x6c | 0x74 | 0x7c | 0x84 | 0x94 | 0x9c | 0xa4 | 0xac
            // jmp
            | 0x05 | 0x15 | 0x1d | 0x25 | 0x2d | 0x35 | 0x3d | 0x45 | 0x4d
            // ret, misc
            | 0x06 | 0x16 | 0x07 | 0x87
        )
    }

    /// Whether this is a jump (class `BPF_JMP`).
    pub const fn is_jump(&self) -> bool {
        self.class() == BPF_JMP
    }

    /// Whether this is a conditional jump (`jeq`, `jgt`, `jge`, `jset`).
    pub const fn is_conditional_jump(&self) -> bool {
        self.class() == BPF_JMP && self.op() != BPF_JA
    }

    /// Whether this is a return (class `BPF_RET`).
    pub const fn is_return(&self) -> bool {
        self.class() == BPF_RET
    }

    /// The Linux ancillary field an absolute load reads (`ld [k]` with `k` at `SKF_AD_OFF + n`),
    /// if `k` names one of the fields the kernel knows.
    pub const fn ancillary_field(&self) -> Option<AncillaryField> {
        if self.class() != BPF_LD || self.mode() != BPF_ABS {
            return None;
        }
        AncillaryField::from_offset(self.k)
    }
}

impl fmt::Display for Instruction {
    /// The four fields in decimal, `code jt jf k`, as one line of `tcpdump -ddd` prints them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {} {}", self.code, self.jt, self.jf, self.k)
    }
}

impl From<[u32; 4]> for Instruction {
    /// From `[code, jt, jf, k]`; values too large for a field are truncated to its width.
    fn from(v: [u32; 4]) -> Instruction {
        Instruction::new(v[0] as u16, v[1] as u8, v[2] as u8, v[3])
    }
}

impl From<(u16, u8, u8, u32)> for Instruction {
    /// From `(code, jt, jf, k)`, the order of the C initialisers.
    fn from((code, jt, jf, k): (u16, u8, u8, u32)) -> Instruction {
        Instruction::new(code, jt, jf, k)
    }
}

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

/// AncillaryField field: the packet's protocol (`skb->protocol`, an EtherType in host order).
pub const SKF_AD_PROTOCOL: u32 = 0;
/// AncillaryField field: the packet type (`PACKET_HOST`, `PACKET_BROADCAST`, …).
pub const SKF_AD_PKTTYPE: u32 = 4;
/// AncillaryField field: the interface index.
pub const SKF_AD_IFINDEX: u32 = 8;
/// AncillaryField field: find netlink attribute `X` from offset `A`.
pub const SKF_AD_NLATTR: u32 = 12;
/// AncillaryField field: find netlink attribute `X` nested in the attribute at offset `A`.
pub const SKF_AD_NLATTR_NEST: u32 = 16;
/// AncillaryField field: the packet mark.
pub const SKF_AD_MARK: u32 = 20;
/// AncillaryField field: the receive queue.
pub const SKF_AD_QUEUE: u32 = 24;
/// AncillaryField field: the interface's hardware type (`ARPHRD_*`).
pub const SKF_AD_HATYPE: u32 = 28;
/// AncillaryField field: the receive hash.
pub const SKF_AD_RXHASH: u32 = 32;
/// AncillaryField field: the CPU the filter runs on.
pub const SKF_AD_CPU: u32 = 36;
/// AncillaryField "field": `A ^= X`.
pub const SKF_AD_ALU_XOR_X: u32 = 40;
/// AncillaryField field: the VLAN TCI the NIC stripped.
pub const SKF_AD_VLAN_TAG: u32 = 44;
/// AncillaryField field: 1 if a VLAN tag was stripped, else 0.
pub const SKF_AD_VLAN_TAG_PRESENT: u32 = 48;
/// AncillaryField field: the offset of the transport payload.
pub const SKF_AD_PAY_OFFSET: u32 = 52;
/// AncillaryField field: a random number.
pub const SKF_AD_RANDOM: u32 = 56;
/// AncillaryField field: the stripped VLAN tag's TPID.
pub const SKF_AD_VLAN_TPID: u32 = 60;
/// One past the last ancillary offset.
pub const SKF_AD_MAX: u32 = 64;

/// The Linux ancillary fields an absolute load can name (`ld [SKF_AD_OFF + n]`), with the names
/// `tcpdump -d` prints for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AncillaryField {
    /// `[proto]`: the protocol (EtherType).
    Protocol,
    /// `[type]`: the packet type.
    PktType,
    /// `[ifidx]`: the interface index.
    IfIndex,
    /// `[nla]`: netlink attribute lookup.
    NlAttr,
    /// `[nlan]`: nested netlink attribute lookup.
    NlAttrNest,
    /// `[mark]`: the packet mark.
    Mark,
    /// `[queue]`: the receive queue.
    Queue,
    /// `[hatype]`: the interface's hardware type.
    HaType,
    /// `[rxhash]`: the receive hash.
    RxHash,
    /// `[cpu]`: the current CPU.
    Cpu,
    /// `[xor_x]`: `A ^= X`.
    AluXorX,
    /// `[vlan_tci]`: the stripped VLAN TCI.
    VlanTag,
    /// `[vlanp]`: whether a VLAN tag was stripped.
    VlanTagPresent,
    /// `[poff]`: the payload offset.
    PayOffset,
    /// `[random]`: a random number.
    Random,
    /// `[vlan_tpid]`: the stripped VLAN tag's TPID.
    VlanTpid,
}

impl AncillaryField {
    /// Every field, in offset order.
    pub const ALL: [AncillaryField; 16] = [
        AncillaryField::Protocol,
        AncillaryField::PktType,
        AncillaryField::IfIndex,
        AncillaryField::NlAttr,
        AncillaryField::NlAttrNest,
        AncillaryField::Mark,
        AncillaryField::Queue,
        AncillaryField::HaType,
        AncillaryField::RxHash,
        AncillaryField::Cpu,
        AncillaryField::AluXorX,
        AncillaryField::VlanTag,
        AncillaryField::VlanTagPresent,
        AncillaryField::PayOffset,
        AncillaryField::Random,
        AncillaryField::VlanTpid,
    ];

    /// The field an absolute-load operand `k` names (`SKF_AD_OFF + SKF_AD_*`), if any.
    pub const fn from_offset(k: u32) -> Option<AncillaryField> {
        let n = k.wrapping_sub(SKF_AD_OFF);
        if k < SKF_AD_OFF || n >= SKF_AD_MAX || n % 4 != 0 {
            return None;
        }
        Some(AncillaryField::ALL[(n / 4) as usize])
    }

    /// `SKF_AD_*`: the offset from `SKF_AD_OFF`.
    pub const fn skf_ad(self) -> u32 {
        match self {
            AncillaryField::Protocol => SKF_AD_PROTOCOL,
            AncillaryField::PktType => SKF_AD_PKTTYPE,
            AncillaryField::IfIndex => SKF_AD_IFINDEX,
            AncillaryField::NlAttr => SKF_AD_NLATTR,
            AncillaryField::NlAttrNest => SKF_AD_NLATTR_NEST,
            AncillaryField::Mark => SKF_AD_MARK,
            AncillaryField::Queue => SKF_AD_QUEUE,
            AncillaryField::HaType => SKF_AD_HATYPE,
            AncillaryField::RxHash => SKF_AD_RXHASH,
            AncillaryField::Cpu => SKF_AD_CPU,
            AncillaryField::AluXorX => SKF_AD_ALU_XOR_X,
            AncillaryField::VlanTag => SKF_AD_VLAN_TAG,
            AncillaryField::VlanTagPresent => SKF_AD_VLAN_TAG_PRESENT,
            AncillaryField::PayOffset => SKF_AD_PAY_OFFSET,
            AncillaryField::Random => SKF_AD_RANDOM,
            AncillaryField::VlanTpid => SKF_AD_VLAN_TPID,
        }
    }

    /// The load operand that names this field, `SKF_AD_OFF + SKF_AD_*`.
    pub const fn offset(self) -> u32 {
        SKF_AD_OFF.wrapping_add(self.skf_ad())
    }

    /// The name `tcpdump -d` prints in brackets (`proto`, `type`, `vlan_tci`, …).
    pub const fn name(self) -> &'static str {
        match self {
            AncillaryField::Protocol => "proto",
            AncillaryField::PktType => "type",
            AncillaryField::IfIndex => "ifidx",
            AncillaryField::NlAttr => "nla",
            AncillaryField::NlAttrNest => "nlan",
            AncillaryField::Mark => "mark",
            AncillaryField::Queue => "queue",
            AncillaryField::HaType => "hatype",
            AncillaryField::RxHash => "rxhash",
            AncillaryField::Cpu => "cpu",
            AncillaryField::AluXorX => "xor_x",
            AncillaryField::VlanTag => "vlan_tci",
            AncillaryField::VlanTagPresent => "vlanp",
            AncillaryField::PayOffset => "poff",
            AncillaryField::Random => "random",
            AncillaryField::VlanTpid => "vlan_tpid",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_matches_sock_filter() {
        let i = Instruction::new(0x28, 1, 2, 0x0c);
        assert_eq!(std::mem::size_of_val(&i), 8);
        assert_eq!(i.class(), BPF_LD);
        assert_eq!(i.size(), BPF_H);
        assert_eq!(i.mode(), BPF_ABS);
        assert_eq!(i.to_string(), "40 1 2 12");
        assert_eq!(
            Instruction::from([0x15, 0, 1, 0x800]),
            Instruction::jump(0x15, 0x800, 0, 1)
        );
        assert_eq!(
            Instruction::from((6, 0, 0, 0)),
            Instruction::stmt(BPF_RET | BPF_K, 0)
        );
    }

    #[test]
    fn known_opcodes_are_the_documented_forty_nine() {
        let known: Vec<u16> = (0..=u16::MAX)
            .filter(|&c| Instruction::is_known_opcode(c))
            .collect();
        assert_eq!(known.len(), 49);
        // Every combination the C macros build for the documented instruction forms.
        for c in [
            BPF_LD | BPF_W | BPF_ABS,
            BPF_LD | BPF_B | BPF_IND,
            BPF_LDX | BPF_B | BPF_MSH,
            BPF_LDX | BPF_W | BPF_LEN,
            BPF_ALU | BPF_XOR | BPF_X,
            BPF_ALU | BPF_NEG,
            BPF_JMP | BPF_JSET | BPF_X,
            BPF_RET | BPF_A,
            BPF_MISC | BPF_TXA,
        ] {
            assert!(Instruction::is_known_opcode(c), "{c:#x}");
        }
        // RET|X, LD|H|IMM, NEG|X and codes above 8 bits are not instructions.
        for c in [0x0e, 0x08, 0x8c, 0x100 | 0x28, 0xffff] {
            assert!(!Instruction::is_known_opcode(c), "{c:#x}");
        }
    }

    #[test]
    fn ancillary_offsets() {
        assert_eq!(
            AncillaryField::from_offset(SKF_AD_OFF),
            Some(AncillaryField::Protocol)
        );
        assert_eq!(
            AncillaryField::from_offset(SKF_AD_OFF + 44),
            Some(AncillaryField::VlanTag)
        );
        assert_eq!(
            AncillaryField::from_offset(SKF_AD_OFF + 60),
            Some(AncillaryField::VlanTpid)
        );
        assert_eq!(AncillaryField::from_offset(SKF_AD_OFF + 64), None);
        assert_eq!(AncillaryField::from_offset(SKF_AD_OFF + 2), None);
        assert_eq!(AncillaryField::from_offset(12), None);
        for a in AncillaryField::ALL {
            assert_eq!(AncillaryField::from_offset(a.offset()), Some(a));
        }
        let i = Instruction::stmt(
            BPF_LD | BPF_B | BPF_ABS,
            SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT,
        );
        assert_eq!(i.ancillary_field(), Some(AncillaryField::VlanTagPresent));
        assert_eq!(
            Instruction::stmt(BPF_LD | BPF_IND, SKF_AD_OFF).ancillary_field(),
            None
        );
    }
}
