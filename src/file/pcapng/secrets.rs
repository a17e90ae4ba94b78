//! Decryption Secrets Blocks: key material (TLS key logs, WireGuard keys, …) for the packets.

use super::block::Body;
use super::options::Options;
use crate::file::Error;

/// A Decryption Secrets Block as stored.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct DecryptionSecrets<'a> {
    /// The kind of secrets (`0x544c534b` TLS key log, `0x57474b4c` WireGuard, …).
    pub secrets_type: u32,
    /// The secrets.
    pub data: &'a [u8],
    /// The options.
    pub options: Options<'a>,
}

impl<'a> DecryptionSecrets<'a> {
    pub(crate) fn parse(mut b: Body<'a>) -> Result<Self, Error> {
        let secrets_type = b.u32()?;
        let len = b.u32()?;
        let data = b.padded(
            usize::try_from(len).unwrap_or(usize::MAX),
            "secrets length runs past the end of the block",
        )?;
        Ok(DecryptionSecrets {
            secrets_type,
            data,
            options: b.options(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::{BlockType, Endianness};

    #[test]
    fn parses_both_orders() {
        let le = [
            0x4b, 0x53, 0x4c, 0x54, 3, 0, 0, 0, b'k', b'e', b'y', 0, 1, 0, 1, 0, b'c', 0, 0, 0,
        ];
        let be = [
            0x54, 0x4c, 0x53, 0x4b, 0, 0, 0, 3, b'k', b'e', b'y', 0, 0, 1, 0, 1, b'c', 0, 0, 0,
        ];
        for (bytes, e) in [(&le, Endianness::Little), (&be, Endianness::Big)] {
            let d = DecryptionSecrets::parse(Body::new(bytes, e, BlockType::DECRYPTION_SECRETS, 0))
                .unwrap();
            assert_eq!(d.secrets_type, 0x544c_534b);
            assert_eq!(d.data, b"key");
            assert_eq!(d.options.comments().collect::<Vec<_>>(), ["c"]);
        }
        let short = [0, 0, 0, 1, 0, 0, 0, 9, 1];
        assert!(
            DecryptionSecrets::parse(Body::new(&short, Endianness::Big, BlockType(10), 0)).is_err()
        );
    }
}
