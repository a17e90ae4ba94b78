//! UDP datagrams (RFC 768).

use super::bytes::range;
use super::{check, Error};

/// Where the fields of the header lie.
pub mod field {
    use std::ops::Range;
    /// Source port.
    pub const SRC_PORT: Range<usize> = 0..2;
    /// Destination port.
    pub const DST_PORT: Range<usize> = 2..4;
    /// Length of header and payload.
    pub const LENGTH: Range<usize> = 4..6;
    /// Checksum.
    pub const CHECKSUM: Range<usize> = 6..8;
    /// Start of the payload.
    pub const PAYLOAD: usize = 8;
}

/// Length of the UDP header.
pub const HEADER_LEN: usize = field::PAYLOAD;

/// A view of a UDP datagram.
#[derive(Clone, Copy, Debug)]
pub struct Datagram<T> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Datagram<T> {
    /// A view without checking the length (accessors still never panic).
    pub const fn new_unchecked(buffer: T) -> Datagram<T> {
        Datagram { buffer }
    }

    /// A view of a buffer that holds the 8-byte header and whose length field is at least 8.
    pub fn new_checked(buffer: T) -> Result<Datagram<T>, Error> {
        let d = Datagram::new_unchecked(buffer);
        d.check_len()?;
        Ok(d)
    }

    /// Checks the header and the length field.
    pub fn check_len(&self) -> Result<(), Error> {
        check("udp", self.buffer.as_ref(), HEADER_LEN)?;
        let l = usize::from(self.len());
        if l < HEADER_LEN {
            return Err(Error::BadLength {
                layer: "udp",
                stated: l,
                minimum: HEADER_LEN,
            });
        }
        Ok(())
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
        /// Length field (header plus payload).
        fn len / try_len -> u16 = get_be16(field::LENGTH.start);
    }

    /// Whether the length field says there is no payload.
    pub fn is_empty(&self) -> bool {
        usize::from(self.len()) <= HEADER_LEN
    }

    accessors! {
        /// Checksum field (0: none, over IPv4).
        fn checksum / try_checksum -> u16 = get_be16(field::CHECKSUM.start);
    }

    /// The payload, up to the length field or the end of the buffer, whichever comes first.
    pub fn payload(&self) -> &[u8] {
        let end = usize::from(self.len()).max(HEADER_LEN);
        range(self.buffer.as_ref(), field::PAYLOAD, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        let b = [0x00, 0x35, 0x30, 0x39, 0x00, 0x0a, 0xab, 0xcd, 1, 2, 0, 0];
        let d = Datagram::new_checked(&b[..]).unwrap();
        assert_eq!((d.src_port(), d.dst_port()), (53, 12345));
        assert_eq!(d.len(), 10);
        assert!(!d.is_empty());
        assert_eq!(d.checksum(), 0xabcd);
        assert_eq!(d.payload(), &[1, 2]);
    }

    #[test]
    fn malformed() {
        assert!(Datagram::new_checked(&[0u8; 7][..]).is_err());
        let b = [0, 1, 0, 2, 0, 4, 0, 0];
        assert!(matches!(
            Datagram::new_checked(&b[..]),
            Err(Error::BadLength { stated: 4, .. })
        ));
        assert!(Datagram::new_unchecked(&b[..]).payload().is_empty());
    }
}
