//! [`Error`]: what went wrong in a filter expression, and where.

use super::span::Span;
use std::fmt;

/// What kind of problem a filter expression has; [`Error::message`] says it in words.
///
/// The kinds follow the distinctions libpcap's compiler makes (its messages are quoted in each
/// variant's documentation); the message of an [`Error`] is as specific as libpcap's, often
/// the same text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A character that cannot start any token (libpcap: "syntax error").
    InvalidCharacter,
    /// A number above 2³²−1 ("number N overflows 32 bits").
    NumberOverflow,
    /// An octal number (leading `0`) with an 8 or 9 ("number N contains non-octal digit").
    NonOctalDigit,
    /// A dotted IPv4 address or network that is not one ("invalid IPv4 address 'X'").
    InvalidIpv4Address,
    /// Text shaped like an IPv6 address that is not one ("bogus IPv6 address X").
    InvalidIpv6Address,
    /// Text shaped like a MAC address that is not one ("bogus ethernet address X").
    InvalidMacAddress,
    /// A malformed DECnet address ("malformed decnet address 'X'").
    InvalidDecnetAddress,
    /// A token the grammar does not allow here ("syntax error").
    UnexpectedToken,
    /// The expression ends where the grammar needs more ("syntax error").
    UnexpectedEnd,
    /// A bare name, number or address with no qualifier to say what it is, e.g. `tcp or 80`
    /// ("syntax error in filter expression").
    MissingQualifier,
    /// The expression is longer than [`limits::MAX_EXPRESSION_LEN`](super::limits::MAX_EXPRESSION_LEN).
    TooLong,
    /// Parentheses, `not`s or operators nested deeper than
    /// [`limits::MAX_NEST`](super::limits::MAX_NEST).
    TooDeep,
    /// A qualifier that does not apply to what follows it, or a primitive used with a protocol it
    /// does not support ("'tcp' modifier applied to host", "illegal qualifier of 'port'",
    /// "'tcp proto' is bogus", "Mask syntax for networks only", "unsupported index operation",
    /// "link layer applied in wrong context", …).
    InvalidQualifier,
    /// A number outside the range its place allows ("illegal port number N > 65535",
    /// "VLAN tag N greater than maximum 4095", "mask length must be <= 32",
    /// "data size must be 1, 2, or 4", …).
    OutOfRange,
    /// A network address with bits set outside its mask ("non-network bits set in \"X/len\"").
    NonNetworkBits,
    /// A name that resolves to nothing: host, network, port, protocol, Ethernet host, or a
    /// keyword argument such as an 802.11 type, LLC type, PF reason or action
    /// ("unknown host 'X'", "unknown port 'X'", …).
    UnknownName,
    /// A name was given but name lookups are forbidden (only numbers are allowed).
    LookupsDisabled,
    /// A name whose lookup gives something the qualifiers exclude ("port 'http' is tcp").
    NameConflict,
    /// Arithmetic on a constant that BPF cannot do ("division by zero", "modulus by zero",
    /// "shift by more than 31 bits").
    InvalidArithmetic,
    /// A primitive the link type does not support ("'vpi' supported only on raw ATM",
    /// "no VLAN support for …", "inbound/outbound not supported on … when reading savefiles",
    /// "unknown data link type N", …).
    UnsupportedLinktype,
    /// A feature libpcap 1.10 leaves out ("'gateway' not supported in this configuration").
    Unsupported,
    /// `ip broadcast` without a netmask ("netmask not known, so 'ip broadcast' not supported").
    NoNetmask,
    /// More than 16 values live at once ("too many registers needed to evaluate expression").
    TooManyRegisters,
    /// The program would be longer than [`limits::MAX_INSTRUCTIONS`](super::limits::MAX_INSTRUCTIONS).
    TooLarge,
    /// The optimized program accepts no packet at all ("expression rejects all packets"), or the
    /// snap length is 0.
    RejectsAll,
}

/// An error in a filter expression: the kind, a message, the expression and the span of the
/// text it is about (and optionally a second span, e.g. the qualifier that conflicts).
///
/// `Display` prints the message, then the expression, then a line with `^` under the span
/// (and `-` under the second span), ready for a terminal:
///
/// ```text
/// illegal port number 99999 > 65535
/// tcp port 99999
///          ^^^^^
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    expr: String,
    span: Span,
    secondary: Option<Span>,
}

impl Error {
    /// An error of `kind` about `span` of `expr`, with `message` (one line, no trailing period,
    /// in libpcap's words where it has them).
    pub fn new(
        kind: ErrorKind,
        expr: impl Into<String>,
        span: Span,
        message: impl Into<String>,
    ) -> Error {
        Error {
            kind,
            message: message.into(),
            expr: expr.into(),
            span,
            secondary: None,
        }
    }

    /// The same error, also pointing at `span` (drawn with `-`).
    pub fn with_secondary(mut self, span: Span) -> Error {
        self.secondary = Some(span);
        self
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message, without the expression and caret line.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The whole expression.
    pub fn expression(&self) -> &str {
        &self.expr
    }

    /// Where in the expression the problem is (byte offsets).
    pub fn span(&self) -> Span {
        self.span
    }

    /// A second place involved, e.g. the qualifier that does not fit the id at [`Error::span`].
    pub fn secondary_span(&self) -> Option<Span> {
        self.secondary
    }

    /// The text under [`Error::span`].
    pub fn text(&self) -> &str {
        self.span.slice(&self.expr)
    }
}

/// Longest expression shown whole under the message; longer ones are shown around the span.
const SHOW_WHOLE: usize = 120;
/// Characters of context on each side when an expression is shown in part.
const CONTEXT: usize = 50;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.message)?;
        // Work in characters; byte spans that do not fall on a character boundary are clamped.
        let chars: Vec<(usize, char)> = self.expr.char_indices().collect();
        let col = |byte: usize| chars.iter().take_while(|(i, _)| *i < byte).count();
        let (s, e) = (col(self.span.start), col(self.span.end));
        let second = self.secondary.map(|sp| (col(sp.start), col(sp.end)));
        let (mut from, mut to) = (0, chars.len());
        if chars.len() > SHOW_WHOLE {
            let lo = second.map_or(s, |(a, _)| a.min(s));
            let hi = second.map_or(e, |(_, b)| b.max(e));
            from = lo.saturating_sub(CONTEXT);
            // A very wide span is shown by its beginning.
            to = (hi + CONTEXT).min(chars.len()).min(from + SHOW_WHOLE);
        }
        let mut line = String::new();
        let mut marks = String::new();
        if from > 0 {
            line.push_str("...");
            marks.push_str("   ");
        }
        for (i, &(_, c)) in chars.iter().enumerate().take(to).skip(from) {
            let shown = if c == '\n' || c == '\r' { ' ' } else { c };
            line.push(shown);
            let mark = if (s..e.max(s + 1)).contains(&i) {
                '^'
            } else if second.is_some_and(|(a, b)| (a..b).contains(&i)) {
                '-'
            } else if shown == '\t' {
                '\t'
            } else {
                ' '
            };
            marks.push(mark);
        }
        if to < chars.len() {
            line.push_str("...");
        }
        // A span at the very end (unexpected end of expression) points just past the text.
        if s >= to && s >= from {
            marks.push('^');
        }
        writeln!(f, "{line}")?;
        write!(f, "{}", marks.trim_end())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("expr", &self.expr)
            .field("span", &self.span)
            .field("secondary", &self.secondary)
            .finish()
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_under_the_span() {
        let e = Error::new(
            ErrorKind::OutOfRange,
            "tcp port 99999",
            Span::new(9, 14),
            "illegal port number 99999 > 65535",
        );
        assert_eq!(
            e.to_string(),
            "illegal port number 99999 > 65535\ntcp port 99999\n         ^^^^^"
        );
        assert_eq!(e.text(), "99999");
    }

    #[test]
    fn end_of_expression_and_tabs_and_secondary() {
        let e = Error::new(ErrorKind::UnexpectedEnd, "tcp and", Span::at(7), "x");
        assert_eq!(e.to_string(), "x\ntcp and\n       ^");
        let e = Error::new(
            ErrorKind::InvalidQualifier,
            "\ttcp host a",
            Span::new(9, 10),
            "y",
        )
        .with_secondary(Span::new(1, 4));
        assert_eq!(e.to_string(), "y\n\ttcp host a\n\t---     ^");
    }

    #[test]
    fn wide_spans_are_shown_by_their_beginning() {
        let expr = "a ".repeat(1000);
        let e = Error::new(ErrorKind::TooLong, expr, Span::new(100, 2000), "m");
        let text = e.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[1].len() < 200 && lines[2].len() < 200, "{text}");
        assert_eq!(lines[2].find('^'), Some(3 + 50));
    }

    #[test]
    fn long_expressions_are_shown_around_the_span() {
        let expr = format!("{} and port 99999", "host 1.2.3.4 or ".repeat(20));
        let start = expr.find("99999").unwrap();
        let e = Error::new(
            ErrorKind::OutOfRange,
            expr.clone(),
            Span::new(start, start + 5),
            "m",
        );
        let text = e.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[1].starts_with("...") && lines[1].ends_with("port 99999"));
        let caret = lines[2].find('^').unwrap();
        assert_eq!(&lines[1][caret..caret + 5], "99999");
    }
}
