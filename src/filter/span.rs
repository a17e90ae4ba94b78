//! Byte spans into the filter expression.

use std::fmt;

/// A half-open byte range `start..end` of the expression text.
///
/// Every token and every tree node carries one, so that an error found at any stage (parsing,
/// resolution, code generation) can point at the text it is about. An empty span
/// (`start == end`) marks a position, e.g. the end of the expression for "unexpected end".
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The empty span at `at`.
    pub const fn at(at: usize) -> Span {
        Span { start: at, end: at }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Number of bytes covered.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text covered, or `""` if the span does not fit `text` (never panics).
    pub fn slice(self, text: &str) -> &str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// A value with the span of the text it came from.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Wraps `value` with `span`.
    pub const fn new(value: T, span: Span) -> Spanned<T> {
        Spanned { value, span }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covering_and_slicing() {
        let s = Span::new(4, 8).to(Span::new(1, 2));
        assert_eq!(s, Span::new(1, 8));
        assert_eq!(Span::new(4, 8).slice("tcp port 80"), "port");
        assert_eq!(Span::new(4, 80).slice("tcp"), "");
        assert!(Span::at(3).is_empty());
    }
}
