//! tcpdump's hex dumps: `-x` (hex) and `-X` (hex and ASCII), byte for byte.
//!
//! Each line starts with a newline and a tab, then the offset, as tcpdump prints them after the
//! summary line:
//!
//! ```text
//! \n\t0x0000:  4500 0054 0000 4000 4001 b6a6 c0a8 0101
//! \n\t0x0000:  4500 0054 0000 4000 4001 b6a6 c0a8 0101  E..T..@.@.......
//! ```

use std::fmt::{self, Write};

/// Which dump follows the summary line (tcpdump's `-x`, `-xx`, `-X`, `-XX`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum HexMode {
    /// No dump.
    #[default]
    Off,
    /// `-x`: hex, from the end of the link-layer header.
    Hex,
    /// `-xx`: hex of the whole packet, link-layer header included.
    HexWithLink,
    /// `-X`: hex and ASCII, from the end of the link-layer header.
    HexAscii,
    /// `-XX`: hex and ASCII of the whole packet.
    HexAsciiWithLink,
}

impl HexMode {
    /// Whether the dump includes the link-layer header.
    pub const fn with_link_header(self) -> bool {
        matches!(self, HexMode::HexWithLink | HexMode::HexAsciiWithLink)
    }

    /// Whether the dump has an ASCII column.
    pub const fn ascii(self) -> bool {
        matches!(self, HexMode::HexAscii | HexMode::HexAsciiWithLink)
    }
}

const BYTES_PER_LINE: usize = 16;

/// Writes `data` as tcpdump's `-x` does: lines of eight 16-bit groups, each line
/// `\n\t0xOOOO: ` followed by ` hhhh` per group (a lone last byte as ` hh`).
pub fn write_hex(out: &mut (impl Write + ?Sized), data: &[u8]) -> fmt::Result {
    write_hex_with(out, "\n\t", data)
}

/// [`write_hex`] with another line prefix than `\n\t` (tcpdump indents some dumps further).
pub fn write_hex_with(out: &mut (impl Write + ?Sized), prefix: &str, data: &[u8]) -> fmt::Result {
    for (n, line) in data.chunks(BYTES_PER_LINE).enumerate() {
        write!(out, "{prefix}0x{:04x}: ", n * BYTES_PER_LINE)?;
        write_groups(out, line)?;
    }
    Ok(())
}

/// Writes `data` as tcpdump's `-X` does: the hex groups padded to 40 columns, two spaces, then
/// the bytes as ASCII with anything outside `!`..=`~` shown as `.`.
pub fn write_hex_ascii(out: &mut (impl Write + ?Sized), data: &[u8]) -> fmt::Result {
    for (n, line) in data.chunks(BYTES_PER_LINE).enumerate() {
        write!(out, "\n\t0x{:04x}: ", n * BYTES_PER_LINE)?;
        write_groups(out, line)?;
        // Each full group is 5 characters, a lone byte 3; pad to 8 groups.
        let width = line.len() / 2 * 5 + (line.len() % 2) * 3;
        for _ in width..40 {
            out.write_char(' ')?;
        }
        out.write_str("  ")?;
        for &b in line {
            out.write_char(if b.is_ascii_graphic() {
                char::from(b)
            } else {
                '.'
            })?;
        }
    }
    Ok(())
}

fn write_groups(out: &mut (impl Write + ?Sized), line: &[u8]) -> fmt::Result {
    let mut pairs = line.chunks_exact(2);
    for p in &mut pairs {
        if let Some([a, b]) = p.first_chunk::<2>() {
            write!(out, " {a:02x}{b:02x}")?;
        }
    }
    if let Some(last) = pairs.remainder().first() {
        write!(out, " {last:02x}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_lines() {
        let data: Vec<u8> = (0u8..19).collect();
        let mut s = String::new();
        write_hex(&mut s, &data).unwrap();
        assert_eq!(
            s,
            "\n\t0x0000:  0001 0203 0405 0607 0809 0a0b 0c0d 0e0f\n\t0x0010:  1011 12"
        );
        let mut e = String::new();
        write_hex(&mut e, &[]).unwrap();
        assert_eq!(e, "");
    }

    #[test]
    fn hex_ascii_lines() {
        let data = b"GET / HTTP/1.1\r\nHost";
        let mut s = String::new();
        write_hex_ascii(&mut s, data).unwrap();
        assert_eq!(
            s,
            "\n\t0x0000:  4745 5420 2f20 4854 5450 2f31 2e31 0d0a  GET./.HTTP/1.1..\
             \n\t0x0010:  486f 7374                                Host"
        );
        let mut odd = String::new();
        write_hex_ascii(&mut odd, &[0x41, 0x42, 0x43]).unwrap();
        assert_eq!(
            odd,
            "\n\t0x0000:  4142 43                                  ABC"
        );
    }

    #[test]
    fn modes() {
        assert!(HexMode::HexAsciiWithLink.ascii());
        assert!(HexMode::HexAsciiWithLink.with_link_header());
        assert!(!HexMode::Hex.with_link_header());
        assert!(!HexMode::Off.ascii());
    }
}
