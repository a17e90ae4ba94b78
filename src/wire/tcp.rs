//! TCP segments (RFC 9293) and their options.

use super::bytes::{get_u8, range, tail};
use super::{check, Error};

/// Where the fields of the fixed header lie.
pub mod field {
    use std::ops::Range;
    /// Source port.
    pub const SRC_PORT: Range<usize> = 0..2;
    /// Destination port.
    pub const DST_PORT: Range<usize> = 2..4;
    /// Sequence number.
    pub const SEQ: Range<usize> = 4..8;
    /// Acknowledgment number.
    pub const ACK: Range<usize> = 8..12;
    /// Data offset (high nibble, in 32-bit words) and reserved bits.
    pub const DATA_OFF: usize = 12;
    /// Flags, FIN to CWR (pcap-filter's `tcpflags`).
    pub const FLAGS: usize = 13;
    /// Window size.
    pub const WINDOW: Range<usize> = 14..16;
    /// Checksum.
    pub const CHECKSUM: Range<usize> = 16..18;
    /// Urgent pointer.
    pub const URGENT: Range<usize> = 18..20;
    /// Start of the options.
    pub const OPTIONS: usize = 20;
}

/// Length of a TCP header without options.
pub const MIN_HEADER_LEN: usize = field::OPTIONS;

/// TCP flag bits, as in the flags byte.
pub mod flags {
    /// FIN.
    pub const FIN: u8 = 0x01;
    /// SYN.
    pub const SYN: u8 = 0x02;
    /// RST.
    pub const RST: u8 = 0x04;
    /// PSH.
    pub const PSH: u8 = 0x08;
    /// ACK.
    pub const ACK: u8 = 0x10;
    /// URG.
    pub const URG: u8 = 0x20;
    /// ECE (ECN echo).
    pub const ECE: u8 = 0x40;
    /// CWR (congestion window reduced).
    pub const CWR: u8 = 0x80;
}

/// TCP option kinds.
pub mod option {
    /// End of option list.
    pub const EOL: u8 = 0;
    /// No operation.
    pub const NOP: u8 = 1;
    /// Maximum segment size.
    pub const MSS: u8 = 2;
    /// Window scale.
    pub const WSCALE: u8 = 3;
    /// SACK permitted.
    pub const SACK_PERMITTED: u8 = 4;
    /// SACK blocks.
    pub const SACK: u8 = 5;
    /// Echo (RFC 1072).
    pub const ECHO: u8 = 6;
    /// Echo reply (RFC 1072).
    pub const ECHO_REPLY: u8 = 7;
    /// Timestamps.
    pub const TIMESTAMP: u8 = 8;
    /// T/TCP connection count.
    pub const CC: u8 = 11;
    /// T/TCP CC.NEW.
    pub const CC_NEW: u8 = 12;
    /// T/TCP CC.ECHO.
    pub const CC_ECHO: u8 = 13;
    /// MD5 signature (RFC 2385).
    pub const MD5: u8 = 19;
    /// SCPS capabilities.
    pub const SCPS: u8 = 20;
    /// User timeout (RFC 5482).
    pub const UTO: u8 = 28;
    /// TCP authentication option (RFC 5925).
    pub const TCP_AO: u8 = 29;
    /// Multipath TCP.
    pub const MPTCP: u8 = 30;
    /// TCP Fast Open cookie (RFC 7413).
    pub const FAST_OPEN: u8 = 34;
    /// Experimental option with a 16-bit ExID (RFC 6994).
    pub const EXPERIMENT2: u8 = 254;
}

/// A view of a TCP segment.
#[derive(Clone, Copy, Debug)]
pub struct Segment<T> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Segment<T> {
    /// A view without checking the length (accessors still never panic).
    pub const fn new_unchecked(buffer: T) -> Segment<T> {
        Segment { buffer }
    }

    /// A view of a buffer that holds the whole header, options included, with a data offset of
    /// at least 5.
    pub fn new_checked(buffer: T) -> Result<Segment<T>, Error> {
        let s = Segment::new_unchecked(buffer);
        s.check_len()?;
        Ok(s)
    }

    /// Checks the data offset and that the buffer holds the header.
    pub fn check_len(&self) -> Result<(), Error> {
        let b = self.buffer.as_ref();
        check("tcp", b, MIN_HEADER_LEN)?;
        let hl = self.header_len();
        if hl < MIN_HEADER_LEN {
            return Err(Error::BadLength {
                layer: "tcp",
                stated: hl,
                minimum: MIN_HEADER_LEN,
            });
        }
        check("tcp", b, hl)
    }

    /// The underlying buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    accessors! {
        /// Source port.
        fn src_port / try_src_port -> u16 = get_be16(field::SRC_PORT.start);
        /// Destination port.
        fn dst_port / try_dst_port -> u16 = get_be16(field::DST_PORT.start);
        /// Sequence number.
        fn seq_number / try_seq_number -> u32 = get_be32(field::SEQ.start);
        /// Acknowledgment number.
        fn ack_number / try_ack_number -> u32 = get_be32(field::ACK.start);
    }

    /// Header length in bytes (data offset × 4).
    pub fn header_len(&self) -> usize {
        self.try_header_len().unwrap_or(0)
    }

    /// Header length in bytes, or `None` when the data offset byte was not captured.
    pub fn try_header_len(&self) -> Option<usize> {
        get_u8(self.buffer.as_ref(), field::DATA_OFF).map(|b| usize::from(b >> 4) * 4)
    }

    accessors! {
        /// The flags byte (see [`flags`]).
        fn flags / try_flags -> u8 = get_u8(field::FLAGS);
        /// Receive window.
        fn window / try_window -> u16 = get_be16(field::WINDOW.start);
        /// Checksum field.
        fn checksum / try_checksum -> u16 = get_be16(field::CHECKSUM.start);
        /// Urgent pointer.
        fn urgent / try_urgent -> u16 = get_be16(field::URGENT.start);
    }

    /// The raw options bytes.
    pub fn options(&self) -> &[u8] {
        range(self.buffer.as_ref(), field::OPTIONS, self.header_len())
    }

    /// The options, parsed one by one.
    pub fn option_iter(&self) -> Options<'_> {
        Options {
            rest: self.options(),
        }
    }

    /// Everything after the header.
    pub fn payload(&self) -> &[u8] {
        tail(self.buffer.as_ref(), self.header_len().max(MIN_HEADER_LEN))
    }
}

/// One TCP option as found in the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcpOption<'a> {
    /// A one-byte option: EOL or NOP.
    Single(u8),
    /// A kind, its length byte as stated, and the data bytes after kind and length.
    Long {
        /// Option kind.
        kind: u8,
        /// The length byte (kind and length included).
        len: u8,
        /// The `len - 2` data bytes.
        data: &'a [u8],
    },
    /// An option whose length byte is missing, below 2, or runs past the options area; the
    /// iterator stops after it.
    Malformed {
        /// Option kind.
        kind: u8,
    },
}

/// Iterator over the options of a [`Segment`]; stops after EOL or a malformed option.
#[derive(Clone, Debug)]
pub struct Options<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Options<'a> {
    type Item = TcpOption<'a>;

    fn next(&mut self) -> Option<TcpOption<'a>> {
        let (&kind, after) = self.rest.split_first()?;
        if kind == option::EOL || kind == option::NOP {
            self.rest = if kind == option::EOL { &[] } else { after };
            return Some(TcpOption::Single(kind));
        }
        let Some((&len, data)) = after.split_first() else {
            self.rest = &[];
            return Some(TcpOption::Malformed { kind });
        };
        let dlen = usize::from(len).saturating_sub(2);
        match (len >= 2).then(|| data.get(..dlen)).flatten() {
            Some(d) => {
                self.rest = tail(data, dlen);
                Some(TcpOption::Long { kind, len, data: d })
            }
            None => {
                self.rest = &[];
                Some(TcpOption::Malformed { kind })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // SYN with mss 1460, nop, wscale 7
    const SYN: [u8; 28] = [
        0x04, 0xd2, 0x00, 0x50, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x70, 0x02, 0xff,
        0xff, 0x12, 0x34, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x01, 0x03, 0x03, 0x07,
    ];

    #[test]
    fn fields() {
        let s = Segment::new_checked(&SYN[..]).unwrap();
        assert_eq!((s.src_port(), s.dst_port()), (1234, 80));
        assert_eq!(s.seq_number(), 100);
        assert_eq!(s.ack_number(), 0);
        assert_eq!(s.header_len(), 28);
        assert_eq!(s.flags(), flags::SYN);
        assert_eq!(s.window(), 65535);
        assert_eq!(s.checksum(), 0x1234);
        assert!(s.payload().is_empty());
        let opts: Vec<_> = s.option_iter().collect();
        assert_eq!(
            opts,
            vec![
                TcpOption::Long {
                    kind: option::MSS,
                    len: 4,
                    data: &[0x05, 0xb4]
                },
                TcpOption::Single(option::NOP),
                TcpOption::Long {
                    kind: option::WSCALE,
                    len: 3,
                    data: &[7]
                },
            ]
        );
    }

    #[test]
    fn malformed() {
        assert!(Segment::new_checked(&SYN[..27]).is_err());
        let mut b = SYN;
        b[12] = 0x40;
        assert!(matches!(
            Segment::new_checked(&b[..]),
            Err(Error::BadLength { stated: 16, .. })
        ));
        let bad = [2u8, 9, 0, 0];
        let it = Options { rest: &bad };
        assert_eq!(
            it.collect::<Vec<_>>(),
            vec![TcpOption::Malformed { kind: 2 }]
        );
        let it = Options { rest: &[3u8] };
        assert_eq!(
            it.collect::<Vec<_>>(),
            vec![TcpOption::Malformed { kind: 3 }]
        );
        let it = Options { rest: &[0u8, 1, 1] };
        assert_eq!(it.collect::<Vec<_>>(), vec![TcpOption::Single(0)]);
    }
}
