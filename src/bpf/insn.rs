//! One classic BPF instruction ([`Instruction`], laid out as the kernel's `struct sock_filter`
//! and libpcap's `struct bpf_insn`), and the Linux ancillary fields a load can name
//! ([`AncillaryField`]). The constants a `code` is built from are in [`op`](super::op).

use super::op::*;
use std::fmt;

/// One instruction: the 8 bytes of `struct sock_filter` / `struct bpf_insn`, in host byte order.
///
/// `code` is the opcode, `jt` and `jf` are the forward offsets of a conditional jump (relative
/// to the next instruction), `k` is the generic operand. Any value can be held here; only a
/// validated [`Program`](crate::bpf::Program) is ever run.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Instruction {
    /// The opcode: class, size/mode, operation, source (see the constants in
    /// [`op`](crate::bpf::op)).
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
