//! Custom Blocks: data of a private enterprise, which readers that do not know it skip.

use super::block::Body;
use crate::file::{BlockType, Error};

/// A Custom Block as stored (type `0x00000BAD`, copiable, or `0x40000BAD`, not to be copied).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Custom<'a> {
    /// Whether the block may be copied into new files.
    pub copiable: bool,
    /// The IANA private enterprise number of the block's owner.
    pub pen: u32,
    /// Everything after the enterprise number (the enterprise's data, then possibly options
    /// whose start only the enterprise knows).
    pub data: &'a [u8],
}

impl<'a> Custom<'a> {
    pub(crate) fn parse(mut b: Body<'a>) -> Result<Self, Error> {
        let pen = b.u32()?;
        Ok(Custom {
            copiable: b.block_type() == BlockType::CUSTOM_COPY,
            pen,
            data: b.rest,
        })
    }

    /// The block type this block is stored as.
    pub fn block_type(&self) -> BlockType {
        if self.copiable {
            BlockType::CUSTOM_COPY
        } else {
            BlockType::CUSTOM_NO_COPY
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::Endianness;

    #[test]
    fn both_kinds() {
        let body = [0, 0, 0x7e, 0xd9, 1, 2, 3, 4];
        let c = Custom::parse(Body::new(
            &body,
            Endianness::Big,
            BlockType::CUSTOM_NO_COPY,
            0,
        ))
        .unwrap();
        assert_eq!(c.pen, 32473);
        assert!(!c.copiable);
        assert_eq!(c.block_type(), BlockType::CUSTOM_NO_COPY);
        assert_eq!(c.data, &[1, 2, 3, 4]);
        let c = Custom::parse(Body::new(
            &body,
            Endianness::Little,
            BlockType::CUSTOM_COPY,
            0,
        ))
        .unwrap();
        assert_eq!(c.pen, 0xd97e_0000);
        assert!(c.copiable);
        assert!(
            Custom::parse(Body::new(&body[..2], Endianness::Big, BlockType(0xbad), 0)).is_err()
        );
    }
}
