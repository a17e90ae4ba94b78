//! The validator, and [`Program`], which only it can make.
//!
//! Three rule sets ([`Rules`]) share one core, checked instruction by instruction; the first
//! violation is reported with its instruction index ([`ValidateError`]).

use super::insn::*;
use super::interp::Code;
use super::op::*;
use std::fmt;
use std::sync::{Arc, OnceLock};

/// Which checker's rules a program must pass. See the [module docs](crate::bpf#validation) for
/// what each one checks and where libpcap and Linux differ.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rules {
    /// The rules libpcap's `bpf_validate` and the Linux checker share, made exact: 1 to 4096
    /// instructions, every opcode one of the 49 classic BPF defines, every jump forward and
    /// inside the program, a `ret` last, scratch indices below 16, no division or modulo by a
    /// constant zero. What [`Program::new`] uses.
    #[default]
    Standard,
    /// [`Standard`](Rules::Standard), but `ja` may also jump backward (to an instruction inside
    /// the program), as libpcap's `bpf_validate` allows and its `ip6 protochain` code needs,
    /// and a program may have up to [`LIBPCAP_MAXINSNS`] instructions (libpcap sets no limit
    /// of its own: its 60-host lists on 802.11 radiotap compile to 4689). Loops are bounded by
    /// [`LOOP_BUDGET`](crate::bpf::LOOP_BUDGET).
    Libpcap,
    /// [`Standard`](Rules::Standard) plus what only the Linux kernel's `bpf_check_classic`
    /// checks: constant shifts below 32, every `M[k]` written on every path before it is read,
    /// absolute loads at `SKF_AD_OFF` and above naming a known ancillary field. A program that
    /// passes can be attached to a socket.
    Linux,
}

/// What an instruction broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// The program has no instructions (index 0).
    Empty,
    /// Too many instructions: more than [`BPF_MAXINSNS`] (libpcap rules:
    /// [`LIBPCAP_MAXINSNS`]); the index is the first one too many.
    TooLong {
        /// The program's length.
        len: usize,
        /// The most the rules allow.
        max: usize,
    },
    /// The opcode is not one classic BPF defines.
    UnknownOpcode {
        /// The opcode.
        code: u16,
    },
    /// A jump lands outside the program.
    JumpOutOfRange {
        /// The absolute instruction index it would land on.
        target: i64,
        /// The program's length.
        len: usize,
    },
    /// A `ja` jumps backward (allowed only by [`Rules::Libpcap`]).
    BackwardJump {
        /// The absolute instruction index it would land on.
        target: i64,
    },
    /// The last instruction is not a `ret`.
    NoFinalReturn,
    /// A scratch memory index is 16 or more.
    ScratchIndex {
        /// The index.
        k: u32,
    },
    /// `div #0` or `mod #0`.
    DivisionByZero,
    /// A shift by a constant of 32 or more ([`Rules::Linux`]).
    ShiftTooLarge {
        /// The shift count.
        k: u32,
    },
    /// `M[k]` is read where some path has not written it ([`Rules::Linux`]).
    ScratchReadBeforeWrite {
        /// The index.
        k: u32,
    },
    /// An absolute load at `SKF_AD_OFF` or above that names no ancillary field
    /// ([`Rules::Linux`]).
    UnknownAncillary {
        /// The load's offset.
        k: u32,
    },
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Rule::Empty => f.write_str("a program needs at least one instruction"),
            Rule::TooLong { len, max } => write!(
                f,
                "the program has {len} instructions, more than the {max} allowed"
            ),
            Rule::UnknownOpcode { code } => write!(f, "unknown opcode {code:#x}"),
            Rule::JumpOutOfRange { target, len } => write!(
                f,
                "jump to instruction {target}, outside the program (instructions 0 to {})",
                len.saturating_sub(1)
            ),
            Rule::BackwardJump { target } => write!(
                f,
                "backward jump to instruction {target} (only libpcap's rules allow them)"
            ),
            Rule::NoFinalReturn => f.write_str("the last instruction is not a `ret`"),
            Rule::ScratchIndex { k } => write!(
                f,
                "scratch memory index {k} is out of range (M[0] to M[{}])",
                BPF_MEMWORDS - 1
            ),
            Rule::DivisionByZero => f.write_str("division or modulo by the constant 0"),
            Rule::ShiftTooLarge { k } => {
                write!(f, "shift by the constant {k} (Linux requires less than 32)")
            }
            Rule::ScratchReadBeforeWrite { k } => write!(
                f,
                "M[{k}] is read on a path that has not written it (Linux refuses this)"
            ),
            Rule::UnknownAncillary { k } => {
                write!(f, "load from offset {k:#x} names no Linux ancillary field")
            }
        }
    }
}

/// Why a program is not valid: the first instruction that breaks a rule, and the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ValidateError {
    /// The index of the offending instruction.
    pub index: usize,
    /// The rule it breaks.
    pub rule: Rule,
}

impl ValidateError {
    /// An error for instruction `index`.
    pub const fn new(index: usize, rule: Rule) -> ValidateError {
        ValidateError { index, rule }
    }
}

impl fmt::Display for ValidateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid BPF program: instruction {}: {}",
            self.index, self.rule
        )
    }
}

impl std::error::Error for ValidateError {}

/// The most instructions [`Rules::Libpcap`] allows (the interpreter's instruction indices are
/// 16-bit).
pub const LIBPCAP_MAXINSNS: usize = 65_535;

/// Checks `insns` against `rules`, reporting the first violation.
pub fn validate(insns: &[Instruction], rules: Rules) -> Result<(), ValidateError> {
    let len = insns.len();
    if len == 0 {
        return Err(ValidateError::new(0, Rule::Empty));
    }
    let max = if rules == Rules::Libpcap {
        LIBPCAP_MAXINSNS
    } else {
        BPF_MAXINSNS
    };
    if len > max {
        return Err(ValidateError::new(max, Rule::TooLong { len, max }));
    }
    let err = |i, rule| Err(ValidateError::new(i, rule));
    for (i, insn) in insns.iter().enumerate() {
        let k = insn.k;
        if !Instruction::is_known_opcode(insn.code) {
            return err(i, Rule::UnknownOpcode { code: insn.code });
        }
        match insn.class() {
            BPF_LD | BPF_LDX | BPF_ST | BPF_STX => {
                let scratch =
                    insn.class() == BPF_ST || insn.class() == BPF_STX || insn.mode() == BPF_MEM;
                if scratch && k >= BPF_MEMWORDS as u32 {
                    return err(i, Rule::ScratchIndex { k });
                }
                if rules == Rules::Linux
                    && insn.class() == BPF_LD
                    && insn.mode() == BPF_ABS
                    && k >= SKF_AD_OFF
                    && AncillaryField::from_offset(k).is_none()
                {
                    return err(i, Rule::UnknownAncillary { k });
                }
            }
            BPF_ALU => {
                let op = insn.op();
                if (op == BPF_DIV || op == BPF_MOD) && insn.src() == BPF_K && k == 0 {
                    return err(i, Rule::DivisionByZero);
                }
                if rules == Rules::Linux
                    && (op == BPF_LSH || op == BPF_RSH)
                    && insn.src() == BPF_K
                    && k >= 32
                {
                    return err(i, Rule::ShiftTooLarge { k });
                }
            }
            BPF_JMP => {
                let next = i as i64 + 1;
                if insn.op() == BPF_JA {
                    let forward = next + i64::from(k);
                    if forward < len as i64 {
                        continue;
                    }
                    // libpcap's interpreter adds k as a signed number.
                    let signed = next + i64::from(k as i32);
                    if (0..next).contains(&signed) {
                        if rules != Rules::Libpcap {
                            return err(i, Rule::BackwardJump { target: signed });
                        }
                    } else {
                        let target = if signed < 0 { signed } else { forward };
                        return err(i, Rule::JumpOutOfRange { target, len });
                    }
                } else {
                    for off in [insn.jt, insn.jf] {
                        let target = next + i64::from(off);
                        if target >= len as i64 {
                            return err(i, Rule::JumpOutOfRange { target, len });
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let last = len - 1;
    if !insns.get(last).is_some_and(Instruction::is_return) {
        return err(last, Rule::NoFinalReturn);
    }
    if rules == Rules::Linux {
        check_scratch_init(insns)?;
    }
    Ok(())
}

/// Linux's `check_load_and_stores`: along every path, `M[k]` is stored before it is loaded.
/// Jumps are forward (checked before), so one pass in order sees every predecessor first.
fn check_scratch_init(insns: &[Instruction]) -> Result<(), ValidateError> {
    let mut masks = vec![u16::MAX; insns.len()];
    let mut valid: u16 = 0;
    for (i, insn) in insns.iter().enumerate() {
        valid &= masks.get(i).copied().unwrap_or(u16::MAX);
        let bit = 1u16.checked_shl(insn.k).unwrap_or(0);
        let mut narrow = |off: u32| {
            let t = i.saturating_add(1).saturating_add(off as usize);
            if let Some(m) = masks.get_mut(t) {
                *m &= valid;
            }
        };
        match insn.code {
            c if c == BPF_ST || c == BPF_STX => valid |= bit,
            c if (c == BPF_LD | BPF_MEM || c == BPF_LDX | BPF_MEM) && valid & bit == 0 => {
                return Err(ValidateError::new(
                    i,
                    Rule::ScratchReadBeforeWrite { k: insn.k },
                ));
            }
            c if c == BPF_JMP | BPF_JA => {
                narrow(insn.k);
                valid = u16::MAX;
            }
            _ if insn.is_conditional_jump() => {
                narrow(u32::from(insn.jt));
                narrow(u32::from(insn.jf));
                valid = u16::MAX;
            }
            _ => {}
        }
    }
    Ok(())
}

/// A validated classic BPF program, ready to run, attach or print.
///
/// The only ways to make one validate the instructions ([`Program::new`],
/// [`Program::with_rules`], [`Program::from_instructions`], [`Program::parse`]), so holding a
/// `Program` proves it passed the rules it was built with ([`Program::rules`]), and the
/// interpreter can rely on that (it still never indexes without checking).
///
/// A program's memory is proportional to its length (its instructions, and the interpreter's
/// 24-byte node per instruction, plus small tables for long `jeq` chains, made when it first
/// runs), and its clones share it: cloning copies no instructions and no code, whatever the
/// program's size.
///
/// The gopacket `BPF` API maps onto it: `NewBPFInstructionFilter` is
/// [`from_instructions`](Program::from_instructions), `Matches` is
/// [`matches`](Program::matches), `String()` is `Display` (the source expression when the
/// program was compiled from one), and the instructions `CompileBPFFilter` returns are
/// [`instructions`](Program::instructions). The `pcap` crate's `BpfProgram::filter` is
/// [`filter`](Program::filter).
#[derive(Clone)]
pub struct Program {
    insns: Arc<[Instruction]>,
    /// The interpreter's code, made when the program (or a clone) first runs: a program
    /// only listed, attached to a socket or written out never needs it (compiling a filter
    /// then costs the compiler's work only).
    code: Arc<OnceLock<Code>>,
    rules: Rules,
    source: Option<Arc<str>>,
}

// A program can be shared with and sent to other threads (a capture thread, say).
const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<Program>();
};

impl Program {
    /// Validates `insns` with [`Rules::Standard`] and prepares them for the interpreter.
    pub fn new(insns: Vec<Instruction>) -> Result<Program, ValidateError> {
        Program::with_rules(insns, Rules::Standard)
    }

    /// Validates `insns` with the given rules and prepares them for the interpreter.
    pub fn with_rules(insns: Vec<Instruction>, rules: Rules) -> Result<Program, ValidateError> {
        validate(&insns, rules)?;
        Ok(Program {
            insns: insns.into(),
            code: Arc::new(OnceLock::new()),
            rules,
            source: None,
        })
    }

    /// [`Program::new`] from a slice (gopacket's `NewBPFInstructionFilter`).
    pub fn from_instructions(insns: &[Instruction]) -> Result<Program, ValidateError> {
        Program::new(insns.to_vec())
    }

    /// This program, remembering the filter expression it was compiled from (what `Display`
    /// prints).
    pub fn with_source(mut self, expression: impl Into<String>) -> Program {
        self.source = Some(Arc::from(expression.into()));
        self
    }

    /// The filter expression the program was compiled from, if known.
    pub fn source(&self) -> Option<&str> {
        self.source.as_deref()
    }

    /// The instructions (the `pcap` crate's `get_instructions`).
    pub fn instructions(&self) -> &[Instruction] {
        &self.insns
    }

    /// The instructions, owned.
    pub fn into_instructions(self) -> Vec<Instruction> {
        self.insns.to_vec()
    }

    /// Number of instructions (1 to 4096; up to 65535 under libpcap's rules).
    pub fn len(&self) -> usize {
        self.insns.len()
    }

    /// Always false: a program has at least one instruction.
    pub fn is_empty(&self) -> bool {
        self.insns.is_empty()
    }

    /// The rules the program was validated with.
    pub fn rules(&self) -> Rules {
        self.rules
    }

    /// Checks the program against other rules, e.g. [`Rules::Linux`] before attaching it to a
    /// socket (libpcap falls back to filtering in user space when the kernel refuses).
    pub fn check(&self, rules: Rules) -> Result<(), ValidateError> {
        validate(&self.insns, rules)
    }

    /// The interpreter's code.
    #[inline]
    pub(crate) fn code(&self) -> &Code {
        self.code.get_or_init(|| Code::new(&self.insns))
    }
}

impl PartialEq for Program {
    /// Same instructions, rules and source expression.
    fn eq(&self, other: &Program) -> bool {
        self.instructions() == other.instructions()
            && self.rules() == other.rules()
            && self.source == other.source
    }
}

impl Eq for Program {}

impl fmt::Debug for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Program")
            .field("source", &self.source)
            .field("rules", &self.rules())
            .field("instructions", &self.instructions())
            .finish_non_exhaustive()
    }
}

impl fmt::Display for Program {
    /// The source expression, or gopacket's `"BPF Instruction Filter"` when there is none.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.source.as_deref().unwrap_or("BPF Instruction Filter"))
    }
}

impl TryFrom<Vec<Instruction>> for Program {
    type Error = ValidateError;
    /// [`Program::new`].
    fn try_from(insns: Vec<Instruction>) -> Result<Program, ValidateError> {
        Program::new(insns)
    }
}

impl TryFrom<&[Instruction]> for Program {
    type Error = ValidateError;
    /// [`Program::from_instructions`].
    fn try_from(insns: &[Instruction]) -> Result<Program, ValidateError> {
        Program::from_instructions(insns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(insns: &[(u16, u8, u8, u32)], rules: Rules) -> Result<(), ValidateError> {
        let insns: Vec<Instruction> = insns.iter().map(|&t| t.into()).collect();
        validate(&insns, rules)
    }

    fn fails(insns: &[(u16, u8, u8, u32)], rules: Rules, index: usize, rule: Rule) {
        assert_eq!(
            v(insns, rules),
            Err(ValidateError::new(index, rule)),
            "{insns:?}"
        );
    }

    const RET: (u16, u8, u8, u32) = (0x06, 0, 0, 0);

    #[test]
    fn length() {
        fails(&[], Rules::Standard, 0, Rule::Empty);
        let long = vec![Instruction::stmt(0x06, 0); 4097];
        assert_eq!(
            validate(&long, Rules::Standard),
            Err(ValidateError::new(
                4096,
                Rule::TooLong {
                    len: 4097,
                    max: 4096
                }
            ))
        );
        assert!(validate(&long, Rules::Libpcap).is_ok());
        assert!(validate(&long[..4096], Rules::Linux).is_ok());
        let longer = vec![Instruction::stmt(0x06, 0); 65536];
        assert_eq!(
            validate(&longer, Rules::Libpcap),
            Err(ValidateError::new(
                65535,
                Rule::TooLong {
                    len: 65536,
                    max: 65535
                }
            ))
        );
    }

    #[test]
    fn opcodes_and_final_return() {
        fails(
            &[(0x0e, 0, 0, 0)],
            Rules::Standard,
            0,
            Rule::UnknownOpcode { code: 0x0e },
        );
        fails(
            &[(0x08, 0, 0, 0), RET],
            Rules::Libpcap,
            0,
            Rule::UnknownOpcode { code: 0x08 },
        );
        fails(
            &[RET, (0x00, 0, 0, 0)],
            Rules::Standard,
            1,
            Rule::NoFinalReturn,
        );
        assert!(v(&[(0x16, 0, 0, 0)], Rules::Linux).is_ok());
    }

    #[test]
    fn jumps() {
        fails(
            &[(0x15, 1, 0, 0), RET],
            Rules::Standard,
            0,
            Rule::JumpOutOfRange { target: 2, len: 2 },
        );
        fails(
            &[(0x15, 0, 2, 0), RET],
            Rules::Standard,
            0,
            Rule::JumpOutOfRange { target: 3, len: 2 },
        );
        fails(
            &[(0x05, 0, 0, 1), RET],
            Rules::Standard,
            0,
            Rule::JumpOutOfRange { target: 2, len: 2 },
        );
        assert!(v(&[(0x05, 0, 0, 0), RET], Rules::Standard).is_ok());
        // Backward: only libpcap's rules, and only inside the program.
        let back = [RET, (0x05, 0, 0, (-2i32) as u32), RET];
        fails(&back, Rules::Standard, 1, Rule::BackwardJump { target: 0 });
        fails(&back, Rules::Linux, 1, Rule::BackwardJump { target: 0 });
        assert!(v(&back, Rules::Libpcap).is_ok());
        let self_loop = [(0x05, 0, 0, u32::MAX), RET];
        assert!(v(&self_loop, Rules::Libpcap).is_ok());
        fails(
            &[RET, (0x05, 0, 0, (-3i32) as u32), RET],
            Rules::Libpcap,
            1,
            Rule::JumpOutOfRange { target: -1, len: 3 },
        );
        fails(
            &[(0x05, 0, 0, 0x7fff_ffff), RET],
            Rules::Libpcap,
            0,
            Rule::JumpOutOfRange {
                target: 0x8000_0000,
                len: 2,
            },
        );
    }

    #[test]
    fn scratch_and_division() {
        fails(
            &[(0x02, 0, 0, 16), RET],
            Rules::Standard,
            0,
            Rule::ScratchIndex { k: 16 },
        );
        fails(
            &[(0x61, 0, 0, 99), RET],
            Rules::Standard,
            0,
            Rule::ScratchIndex { k: 99 },
        );
        fails(
            &[(0x34, 0, 0, 0), RET],
            Rules::Standard,
            0,
            Rule::DivisionByZero,
        );
        fails(
            &[(0x94, 0, 0, 0), RET],
            Rules::Libpcap,
            0,
            Rule::DivisionByZero,
        );
        assert!(v(&[(0x3c, 0, 0, 0), RET], Rules::Linux).is_ok());
    }

    #[test]
    fn linux_only_rules() {
        let shift = [(0x64, 0, 0, 32), RET];
        assert!(v(&shift, Rules::Standard).is_ok());
        fails(&shift, Rules::Linux, 0, Rule::ShiftTooLarge { k: 32 });
        let anc = [(0x20, 0, 0, SKF_AD_OFF + 2), RET];
        assert!(v(&anc, Rules::Standard).is_ok());
        fails(
            &anc,
            Rules::Linux,
            0,
            Rule::UnknownAncillary { k: SKF_AD_OFF + 2 },
        );
        assert!(v(
            &[(0x30, 0, 0, SKF_AD_OFF + SKF_AD_VLAN_TAG), RET],
            Rules::Linux
        )
        .is_ok());
        // M[1] read on the path that skips the store.
        let read = [(0x15, 1, 0, 0), (0x02, 0, 0, 1), (0x60, 0, 0, 1), RET];
        assert!(v(&read, Rules::Standard).is_ok());
        fails(
            &read,
            Rules::Linux,
            2,
            Rule::ScratchReadBeforeWrite { k: 1 },
        );
        let ok = [
            (0x02, 0, 0, 1),
            (0x15, 1, 0, 0),
            (0x00, 0, 0, 0),
            (0x60, 0, 0, 1),
            RET,
        ];
        assert!(v(&ok, Rules::Linux).is_ok());
    }

    #[test]
    fn errors_name_index_and_rule() {
        let e = ValidateError::new(3, Rule::ScratchIndex { k: 20 });
        assert_eq!(
            e.to_string(),
            "invalid BPF program: instruction 3: scratch memory index 20 is out of range (M[0] to M[15])"
        );
    }

    #[test]
    fn program_accessors() {
        let insns = vec![Instruction::stmt(0x06, 1)];
        let p = Program::new(insns.clone()).unwrap();
        assert_eq!(p.instructions(), &insns[..]);
        assert_eq!(p.len(), 1);
        assert!(!p.is_empty());
        assert_eq!(p.to_string(), "BPF Instruction Filter");
        let p = p.with_source("ip");
        assert_eq!(p.to_string(), "ip");
        assert_eq!(p.source(), Some("ip"));
        assert_eq!(p.rules(), Rules::Standard);
        assert!(p.check(Rules::Linux).is_ok());
        assert_eq!(p.into_instructions(), insns);
        assert!(Program::try_from(&[][..]).is_err());
    }
}
