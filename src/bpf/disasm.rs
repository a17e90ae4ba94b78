//! tcpdump's three listings of a program, byte for byte, and parsing two of them back.
//!
//! * [`Format::Asm`] — `tcpdump -d` (libpcap's `bpf_image`): `(000) ldh      [12]`, one line
//!   per instruction. Conditional jumps print absolute targets (`jt 2\tjf 3`, a tab before
//!   `jf`); `ja` prints its absolute target, which a backward jump makes smaller. Operand-less
//!   instructions keep the blanks the C format leaves (`(006) tax      ` ends in 6 blanks).
//!   Constants print as `#0x%x` for loads of immediates, jump comparisons and `and`/`or`/`xor`,
//!   and as signed decimals for arithmetic, shifts and `ret`; packet offsets print signed
//!   (`[-4092]`) unless they name a Linux ancillary field (`[vlan_tci]`). As in libpcap 1.10.3,
//!   `ldx #pktlen` (opcode 0x81) prints as `unimp    0x81`.
//! * [`Format::C`] — `tcpdump -dd`: `{ 0x28, 0, 0, 0x0000000c },` per instruction.
//! * [`Format::Decimal`] — `tcpdump -ddd`: the instruction count on the first line, then
//!   `code jt jf k` in decimal per instruction.
//!
//! [`Program::dump`] prints a program in each form, and [`Program::parse`] reads `-dd` or
//! `-ddd` text back (what users paste from tcpdump) and validates it.

use super::insn::*;
use super::validate::{Program, Rules, ValidateError};
use std::fmt;

/// A tcpdump listing format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `tcpdump -d`: readable assembly (`(000) ldh      [12]`).
    Asm,
    /// `tcpdump -dd`: C array initialisers (`{ 0x28, 0, 0, 0x0000000c },`).
    C,
    /// `tcpdump -ddd`: the count, then decimal `code jt jf k` lines.
    Decimal,
}

/// The mnemonic and operand `tcpdump -d` prints for instruction `n`.
fn parts(insn: &Instruction, n: usize) -> (&'static str, String) {
    let k = insn.k;
    let signed = k as i32;
    let abs = || match AncillaryField::from_offset(k) {
        Some(f) => format!("[{}]", f.name()),
        None => format!("[{signed}]"),
    };
    let hex = || format!("#0x{k:x}");
    let dec = || format!("#{signed}");
    let none = String::new;
    let x = || "x".to_owned();
    match insn.code {
        0x06 => ("ret", dec()),
        0x16 => ("ret", none()),
        0x20 => ("ld", abs()),
        0x28 => ("ldh", abs()),
        0x30 => ("ldb", abs()),
        0x80 => ("ld", "#pktlen".to_owned()),
        0x40 => ("ld", format!("[x + {signed}]")),
        0x48 => ("ldh", format!("[x + {signed}]")),
        0x50 => ("ldb", format!("[x + {signed}]")),
        0x00 => ("ld", hex()),
        0x01 => ("ldx", hex()),
        0xb1 => ("ldxb", format!("4*([{signed}]&0xf)")),
        0x60 => ("ld", format!("M[{signed}]")),
        0x61 => ("ldx", format!("M[{signed}]")),
        0x02 => ("st", format!("M[{signed}]")),
        0x03 => ("stx", format!("M[{signed}]")),
        0x05 => {
            // C computes `n + 1 + k` in unsigned 32 bits and prints it signed.
            let target = (n as u32).wrapping_add(1).wrapping_add(k) as i32;
            ("ja", target.to_string())
        }
        0x25 => ("jgt", hex()),
        0x35 => ("jge", hex()),
        0x15 => ("jeq", hex()),
        0x45 => ("jset", hex()),
        0x2d => ("jgt", x()),
        0x3d => ("jge", x()),
        0x1d => ("jeq", x()),
        0x4d => ("jset", x()),
        0x0c => ("add", x()),
        0x1c => ("sub", x()),
        0x2c => ("mul", x()),
        0x3c => ("div", x()),
        0x9c => ("mod", x()),
        0x5c => ("and", x()),
        0x4c => ("or", x()),
        0xac => ("xor", x()),
        0x6c => ("lsh", x()),
        0x7c => ("rsh", x()),
        0x04 => ("add", dec()),
        0x14 => ("sub", dec()),
        0x24 => ("mul", dec()),
        0x34 => ("div", dec()),
        0x94 => ("mod", dec()),
        0x54 => ("and", hex()),
        0x44 => ("or", hex()),
        0xa4 => ("xor", hex()),
        0x64 => ("lsh", dec()),
        0x74 => ("rsh", dec()),
        0x84 => ("neg", none()),
        0x07 => ("tax", none()),
        0x87 => ("txa", none()),
        code => ("unimp", format!("0x{code:x}")),
    }
}

fn write_image(out: &mut impl fmt::Write, insn: &Instruction, n: usize) -> fmt::Result {
    let (op, operand) = parts(insn, n);
    // libpcap prints jt/jf for every JMP-class code but `ja`, even unknown ones.
    if insn.is_conditional_jump() {
        let t = n.saturating_add(1).saturating_add(usize::from(insn.jt));
        let f = n.saturating_add(1).saturating_add(usize::from(insn.jf));
        write!(out, "({n:03}) {op:<8} {operand:<16} jt {t}\tjf {f}")
    } else {
        write!(out, "({n:03}) {op:<8} {operand}")
    }
}

/// One instruction as `tcpdump -d` prints it at index `n` (`(000) ldh      [12]`).
pub(crate) fn image(insn: &Instruction, n: usize) -> String {
    let mut s = String::new();
    write_image(&mut s, insn, n).unwrap_or_default();
    s
}

/// The listing of `insns` in `format`, each line ending in `\n`, as tcpdump prints it.
pub(crate) fn dump(insns: &[Instruction], format: Format) -> String {
    let mut s = String::with_capacity(insns.len().saturating_mul(40));
    write_dump(&mut s, insns, format).unwrap_or_default();
    s
}

fn write_dump(out: &mut impl fmt::Write, insns: &[Instruction], format: Format) -> fmt::Result {
    match format {
        Format::Asm => {
            for (n, insn) in insns.iter().enumerate() {
                write_image(out, insn, n)?;
                out.write_char('\n')?;
            }
        }
        Format::C => {
            for i in insns {
                writeln!(
                    out,
                    "{{ 0x{:x}, {}, {}, 0x{:08x} }},",
                    i.code, i.jt, i.jf, i.k
                )?;
            }
        }
        Format::Decimal => {
            writeln!(out, "{}", insns.len())?;
            for i in insns {
                writeln!(out, "{} {} {} {}", i.code, i.jt, i.jf, i.k)?;
            }
        }
    }
    Ok(())
}

impl Program {
    /// The program as `tcpdump -d`, `-dd` or `-ddd` prints it (each line ending in `\n`).
    pub fn dump(&self, format: Format) -> String {
        dump(self.instructions(), format)
    }

    /// Parses `tcpdump -dd` or `-ddd` text and validates it with `rules`; an error names the
    /// line (for a validation error, the line of the offending instruction).
    ///
    /// `-dd` text is `{ 0x28, 0, 0, 0x0000000c },` groups, any spacing, any number per line;
    /// `-ddd` text is a count, then `code jt jf k` per instruction, with newlines or commas
    /// between instructions (so the one-line `4,48 0 0 9,…` form of `iptables -m bpf` works
    /// too). The form is recognised by a `{`. Numbers are C literals: decimal, `0x`
    /// hexadecimal or `0` octal.
    ///
    /// ```
    /// use ferrocap::bpf::{Format, Program, Rules};
    ///
    /// let dd = "{ 0x28, 0, 0, 0x0000000c },\n{ 0x15, 0, 1, 0x00000800 },\n\
    ///           { 0x6, 0, 0, 0x00040000 },\n{ 0x6, 0, 0, 0x00000000 },\n";
    /// let ip = Program::parse(dd, Rules::Standard)?;
    /// assert_eq!(ip.dump(Format::C), dd);
    /// assert_eq!(Program::parse("4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0", Rules::Standard)?, ip);
    /// # Ok::<(), ferrocap::bpf::ParseError>(())
    /// ```
    pub fn parse(text: &str, rules: Rules) -> Result<Program, ParseError> {
        let (insns, lines) = parse_with_lines(text)?;
        Program::with_rules(insns, rules).map_err(|e| ParseError {
            line: lines.get(e.index).copied().unwrap_or(0),
            kind: ParseErrorKind::Invalid(e),
        })
    }
}

/// What was wrong with the text.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// No instructions at all.
    Empty,
    /// A token that is not a number (decimal, `0x` hexadecimal or `0` octal).
    BadNumber(String),
    /// Something other than `{ code, jt, jf, k }` groups in `-dd` text.
    Syntax(&'static str),
    /// A `-dd` group without exactly four fields.
    FieldCount(usize),
    /// A value too large for its field (`code` 16 bits, `jt`/`jf` 8, `k` 32).
    OutOfRange {
        /// `"code"`, `"jt"`, `"jf"`, `"k"` or `"count"`.
        field: &'static str,
        /// The value.
        value: u64,
    },
    /// The `-ddd` count line disagrees with the instructions that follow.
    CountMismatch {
        /// The count the first line gives.
        declared: u64,
        /// The number of complete instructions found (or numbers, when not a multiple of 4).
        found: usize,
    },
    /// The instructions parsed but do not form a valid program.
    Invalid(ValidateError),
}

/// Why `-dd`/`-ddd` text could not be read: the (1-based) line and what was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseError {
    /// The line, counting from 1 (0 when the text is empty).
    pub line: usize,
    /// What was wrong.
    pub kind: ParseErrorKind,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BPF text, line {}: ", self.line)?;
        match &self.kind {
            ParseErrorKind::Empty => f.write_str("no instructions"),
            ParseErrorKind::BadNumber(t) => write!(f, "{t:?} is not a number"),
            ParseErrorKind::Syntax(what) => f.write_str(what),
            ParseErrorKind::FieldCount(n) => {
                write!(f, "an instruction has 4 fields (code, jt, jf, k), not {n}")
            }
            ParseErrorKind::OutOfRange { field, value } => {
                write!(f, "{value} is too large for `{field}`")
            }
            ParseErrorKind::CountMismatch { declared, found } => write!(
                f,
                "the count line says {declared} instructions but {found} follow"
            ),
            ParseErrorKind::Invalid(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ParseErrorKind::Invalid(e) => Some(e),
            _ => None,
        }
    }
}

/// Instructions, and the line each one starts on.
type Parsed = (Vec<Instruction>, Vec<usize>);

/// `-dd` or `-ddd` text (see [`Program::parse`]), not validated.
fn parse_with_lines(text: &str) -> Result<Parsed, ParseError> {
    if text.contains('{') {
        parse_c(text)
    } else {
        parse_decimal(text)
    }
}

/// A C integer literal: `0x` hexadecimal, `0` octal, else decimal (an optional `u`/`U`/`l`
/// suffix, as C allows, is ignored).
fn number(tok: &str, line: usize) -> Result<u64, ParseError> {
    let bad = || ParseError {
        line,
        kind: ParseErrorKind::BadNumber(tok.to_owned()),
    };
    let t = tok.trim_end_matches(['u', 'U', 'l', 'L']);
    let (digits, radix) = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        (h, 16)
    } else if let Some(o) = t.strip_prefix('0').filter(|o| !o.is_empty()) {
        (o, 8)
    } else {
        (t, 10)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(bad());
    }
    u64::from_str_radix(digits, radix).map_err(|_| bad())
}

fn field(v: u64, max: u64, field: &'static str, line: usize) -> Result<u64, ParseError> {
    if v > max {
        Err(ParseError {
            line,
            kind: ParseErrorKind::OutOfRange { field, value: v },
        })
    } else {
        Ok(v)
    }
}

fn insn_from(v: [u64; 4], line: usize) -> Result<Instruction, ParseError> {
    Ok(Instruction::new(
        field(v[0], u64::from(u16::MAX), "code", line)? as u16,
        field(v[1], u64::from(u8::MAX), "jt", line)? as u8,
        field(v[2], u64::from(u8::MAX), "jf", line)? as u8,
        field(v[3], u64::from(u32::MAX), "k", line)? as u32,
    ))
}

fn parse_c(text: &str) -> Result<Parsed, ParseError> {
    let mut insns = Vec::new();
    let mut lines = Vec::new();
    let mut line = 1usize;
    let mut group: Option<(String, usize)> = None;
    let syntax = |line, what| ParseError {
        line,
        kind: ParseErrorKind::Syntax(what),
    };
    for c in text.chars() {
        match (&mut group, c) {
            (None, '{') => group = Some((String::new(), line)),
            (None, ',') => {}
            (None, c) if c.is_whitespace() => {}
            (None, _) => return Err(syntax(line, "expected `{` to start an instruction")),
            (Some(_), '{') => return Err(syntax(line, "`{` inside an instruction")),
            (Some((body, start)), '}') => {
                let start = *start;
                let fields: Vec<&str> = body.split(',').map(str::trim).collect();
                // Allow a trailing comma inside the braces.
                let fields: Vec<&str> = match fields.split_last() {
                    Some((last, rest)) if last.is_empty() && !rest.is_empty() => rest.to_vec(),
                    _ => fields,
                };
                if fields.len() != 4 {
                    return Err(ParseError {
                        line: start,
                        kind: ParseErrorKind::FieldCount(fields.len()),
                    });
                }
                let mut v = [0u64; 4];
                for (slot, tok) in v.iter_mut().zip(&fields) {
                    *slot = number(tok, start)?;
                }
                insns.push(insn_from(v, start)?);
                lines.push(start);
                group = None;
            }
            (Some((body, _)), c) => body.push(c),
        }
        if c == '\n' {
            line += 1;
        }
    }
    if let Some((_, start)) = group {
        return Err(syntax(start, "unterminated instruction (missing `}`)"));
    }
    if insns.is_empty() {
        return Err(ParseError {
            line: 0,
            kind: ParseErrorKind::Empty,
        });
    }
    Ok((insns, lines))
}

fn parse_decimal(text: &str) -> Result<Parsed, ParseError> {
    let mut tokens = Vec::new();
    for (n, l) in text.lines().enumerate() {
        for tok in l.split(|c: char| c.is_whitespace() || c == ',') {
            if !tok.is_empty() {
                tokens.push((n + 1, number(tok, n + 1)?));
            }
        }
    }
    let Some((&(count_line, declared), rest)) = tokens.split_first() else {
        return Err(ParseError {
            line: 0,
            kind: ParseErrorKind::Empty,
        });
    };
    if rest.len() % 4 != 0 || rest.len() / 4 != usize::try_from(declared).unwrap_or(usize::MAX) {
        let found = if rest.len() % 4 == 0 {
            rest.len() / 4
        } else {
            rest.len()
        };
        let line = rest.last().map_or(count_line, |&(l, _)| l);
        return Err(ParseError {
            line,
            kind: ParseErrorKind::CountMismatch { declared, found },
        });
    }
    if declared == 0 {
        return Err(ParseError {
            line: count_line,
            kind: ParseErrorKind::Empty,
        });
    }
    let mut insns = Vec::with_capacity(rest.len() / 4);
    let mut lines = Vec::with_capacity(rest.len() / 4);
    for chunk in rest.chunks_exact(4) {
        let line = chunk.first().map_or(0, |&(l, _)| l);
        let mut v = [0u64; 4];
        for (slot, &(_, value)) in v.iter_mut().zip(chunk) {
            *slot = value;
        }
        insns.push(insn_from(v, line)?);
        lines.push(line);
    }
    Ok((insns, lines))
}

#[cfg(test)]
mod tests {
    use super::super::op::*;
    use super::*;

    fn parse(text: &str) -> Result<Vec<Instruction>, ParseError> {
        parse_with_lines(text).map(|(insns, _)| insns)
    }

    fn parse_dd(text: &str) -> Result<Vec<Instruction>, ParseError> {
        parse_c(text).map(|(insns, _)| insns)
    }

    fn parse_ddd(text: &str) -> Result<Vec<Instruction>, ParseError> {
        parse_decimal(text).map(|(insns, _)| insns)
    }

    fn i(code: u16, jt: u8, jf: u8, k: u32) -> Instruction {
        Instruction::new(code, jt, jf, k)
    }

    #[test]
    fn image_forms() {
        assert_eq!(image(&i(0x28, 0, 0, 12), 0), "(000) ldh      [12]");
        assert_eq!(
            image(&i(0x15, 0, 1, 0x800), 1),
            "(001) jeq      #0x800           jt 2\tjf 3"
        );
        assert_eq!(image(&i(0x07, 0, 0, 0), 6), "(006) tax      ");
        assert_eq!(image(&i(0x16, 0, 0, 0), 6), "(006) ret      ");
        assert_eq!(image(&i(0x06, 0, 0, 262144), 2), "(002) ret      #262144");
        assert_eq!(
            image(&i(0x20, 0, 0, 0xffff_f002), 12),
            "(012) ld       [-4094]"
        );
        assert_eq!(
            image(&i(0x30, 0, 0, SKF_AD_OFF + SKF_AD_VLAN_TAG), 1234),
            "(1234) ldb      [vlan_tci]"
        );
        assert_eq!(image(&i(0x05, 0, 0, 0xffff_fff0), 3), "(003) ja       -12");
        assert_eq!(image(&i(0x81, 0, 0, 0), 3), "(003) unimp    0x81");
        assert_eq!(image(&i(0x0e, 0, 0, 0), 1), "(001) unimp    0xe");
        assert_eq!(image(&i(0xb1, 0, 0, 14), 7), "(007) ldxb     4*([14]&0xf)");
        assert_eq!(image(&i(0x04, 0, 0, u32::MAX), 0), "(000) add      #-1");
        assert_eq!(
            image(&i(0x54, 0, 0, u32::MAX), 0),
            "(000) and      #0xffffffff"
        );
        assert_eq!(image(&i(0x48, 0, 0, 14), 0), "(000) ldh      [x + 14]");
        assert_eq!(
            image(&i(0x2d, 3, 4, 0), 9),
            "(009) jgt      x                jt 13\tjf 14"
        );
    }

    #[test]
    fn dumps() {
        let p = [
            i(0x28, 0, 0, 12),
            i(0x15, 0, 1, 0x86dd),
            i(0x06, 0, 0, 262144),
            i(0x06, 0, 0, 0),
        ];
        assert_eq!(
            dump(&p, Format::C),
            "{ 0x28, 0, 0, 0x0000000c },\n{ 0x15, 0, 1, 0x000086dd },\n{ 0x6, 0, 0, 0x00040000 },\n{ 0x6, 0, 0, 0x00000000 },\n"
        );
        assert_eq!(
            dump(&p, Format::Decimal),
            "4\n40 0 0 12\n21 0 1 34525\n6 0 0 262144\n6 0 0 0\n"
        );
        assert_eq!(parse(&dump(&p, Format::C)).unwrap(), p);
        assert_eq!(parse(&dump(&p, Format::Decimal)).unwrap(), p);
    }

    #[test]
    fn parse_variants() {
        let p = vec![
            i(0x30, 0, 0, 9),
            i(0x15, 0, 1, 6),
            i(0x06, 0, 0, 1),
            i(0x06, 0, 0, 0),
        ];
        assert_eq!(parse("4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0").unwrap(), p);
        assert_eq!(
            parse("{0x30,0,0,9},{ 0x15, 0, 1, 06 }, {6,0,0,1,} {6,0,0,0}").unwrap(),
            p
        );
        assert_eq!(
            parse_ddd("4\n48 0 0 9\n21 0 1 6\n6 0 0 1\n6 0 0 0\n").unwrap(),
            p
        );
        assert_eq!(parse_dd("{ 0x30, 0, 0, 0x00000009 },\n{ 0x15, 0, 1, 0x6 },\n{ 0x6, 0, 0, 1 },\n{ 0x6, 0, 0, 0 },").unwrap(), p);
    }

    #[test]
    fn parse_errors_name_the_line() {
        let e = parse("3\n6 0 0 0\n6 0 0 0\n").unwrap_err();
        assert_eq!(
            e.kind,
            ParseErrorKind::CountMismatch {
                declared: 3,
                found: 2
            }
        );
        assert_eq!(e.line, 3);
        let e = parse("1\n6 0 0 x\n").unwrap_err();
        assert_eq!((e.line, e.kind), (2, ParseErrorKind::BadNumber("x".into())));
        let e = parse("{ 0x6, 0, 0, 0 },\n{ 0x6, 256, 0, 0 },").unwrap_err();
        assert_eq!(
            (e.line, e.kind),
            (
                2,
                ParseErrorKind::OutOfRange {
                    field: "jt",
                    value: 256
                }
            )
        );
        let e = parse("{ 0x6, 0, 0 },").unwrap_err();
        assert_eq!(e.kind, ParseErrorKind::FieldCount(3));
        let e = parse("{ 0x6, 0, 0, 0 ").unwrap_err();
        assert!(matches!(e.kind, ParseErrorKind::Syntax(_)));
        assert_eq!(parse("").unwrap_err().kind, ParseErrorKind::Empty);
        assert_eq!(parse("0\n").unwrap_err().kind, ParseErrorKind::Empty);
        let e = Program::parse("2\n6 0 0 0\n0 0 0 0\n", Rules::Standard).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(
            e.to_string()
                .contains("instruction 1: the last instruction is not a `ret`"),
            "{e}"
        );
        assert!(Program::parse("1\n6 0 0 65535\n", Rules::Standard).is_ok());
    }
}
