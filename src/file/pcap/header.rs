//! The 24-byte pcap file header: magic number, version, snapshot length, link type.

use crate::file::{Endianness, ErrorKind};
use crate::linktype::Linktype;
use crate::packet::Precision;

/// Microsecond pcap magic, as a number in the file's byte order.
pub const MAGIC_MICRO: u32 = 0xa1b2_c3d4;
/// Nanosecond pcap magic.
pub const MAGIC_NANO: u32 = 0xa1b2_3c4d;
/// The "modified" pcap format of Alexey Kuznetzov's patched libpcap (24-byte records).
pub const MAGIC_MODIFIED: u32 = 0xa1b2_cd34;

/// Size of the file header.
pub const LEN: usize = 24;

/// A pcap file header, as stored (nothing adjusted).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileHeader {
    /// Resolution of the record time stamps (from the magic number).
    pub precision: Precision,
    /// Byte order of the file.
    pub endianness: Endianness,
    /// Whether this is the "modified" (Kuznetzov) format, whose record headers carry 8 more
    /// bytes (interface index, protocol, packet type).
    pub modified: bool,
    /// Major version (2 for every modern file).
    pub version_major: u16,
    /// Minor version (4 for every modern file).
    pub version_minor: u16,
    /// Time zone offset in seconds; always 0 in practice and, as by libpcap, never applied.
    pub thiszone: i32,
    /// Time stamp accuracy; always 0 in practice.
    pub sigfigs: u32,
    /// The snapshot length as stored (0 and nonsense included; see
    /// [`Reader::snaplen`](super::Reader::snaplen) for the value libpcap uses).
    pub snaplen: u32,
    /// The link type: the low 26 bits of the link-type field, as stored.
    pub linktype: Linktype,
    /// The upper 6 bits of the link-type field (FCS length information), as stored: bit 26 set
    /// means bits 28..32 give the FCS length in 16-bit words.
    pub linktype_ext: u32,
}

impl FileHeader {
    /// A version 2.4 header for writing: this host's byte order, no FCS information.
    pub fn new(linktype: Linktype, snaplen: u32, precision: Precision) -> FileHeader {
        FileHeader {
            precision,
            endianness: Endianness::NATIVE,
            modified: false,
            version_major: 2,
            version_minor: 4,
            thiszone: 0,
            sigfigs: 0,
            snaplen,
            linktype,
            linktype_ext: 0,
        }
    }

    /// The FCS length in bytes that the link-type field announces, if it announces one.
    pub fn fcs_len(&self) -> Option<u32> {
        (self.linktype_ext & 0x0400_0000 != 0).then_some((self.linktype_ext >> 28) * 2)
    }

    /// Parses the header (`bytes` holds at least [`LEN`] bytes, magic included).
    pub(crate) fn parse(bytes: &[u8; LEN]) -> Result<FileHeader, ErrorKind> {
        let magic_le = u32::from_le_bytes(*first4(bytes, 0));
        let (endianness, magic) = match magic_le {
            MAGIC_MICRO | MAGIC_NANO | MAGIC_MODIFIED => (Endianness::Little, magic_le),
            _ => (Endianness::Big, magic_le.swap_bytes()),
        };
        let (precision, modified) = match magic {
            MAGIC_MICRO => (Precision::Micro, false),
            MAGIC_NANO => (Precision::Nano, false),
            MAGIC_MODIFIED => (Precision::Micro, true),
            _ => return Err(ErrorKind::UnknownFormat(*first4(bytes, 0))),
        };
        let u16_at = |at: usize| {
            let b = bytes.get(at..).and_then(|b| b.first_chunk::<2>());
            endianness.u16(b.copied().unwrap_or_default())
        };
        let u32_at = |at: usize| endianness.u32(*first4(bytes, at));
        let version_major = u16_at(4);
        let version_minor = u16_at(6);
        // libpcap: below 2 is "archaic"; 2.0 to 2.4 and DG/UX's 543.0 are read.
        let supported = (version_major == 2 && version_minor <= 4)
            || (version_major == 543 && version_minor == 0);
        if !supported {
            return Err(ErrorKind::UnsupportedVersion {
                major: version_major,
                minor: version_minor,
            });
        }
        let field = u32_at(20);
        Ok(FileHeader {
            precision,
            endianness,
            modified,
            version_major,
            version_minor,
            thiszone: u32_at(8) as i32,
            sigfigs: u32_at(12),
            snaplen: u32_at(16),
            linktype: Linktype(field & 0x03ff_ffff),
            linktype_ext: field & 0xfc00_0000,
        })
    }

    /// The header's bytes.
    pub(crate) fn to_bytes(self) -> [u8; LEN] {
        let magic = match (self.precision, self.modified) {
            (_, true) => MAGIC_MODIFIED,
            (Precision::Micro, false) => MAGIC_MICRO,
            (Precision::Nano, false) => MAGIC_NANO,
        };
        let e = self.endianness;
        let mut out = [0u8; LEN];
        out[0..4].copy_from_slice(&e.put_u32(magic));
        out[4..6].copy_from_slice(&e.put_u16(self.version_major));
        out[6..8].copy_from_slice(&e.put_u16(self.version_minor));
        out[8..12].copy_from_slice(&e.put_u32(self.thiszone as u32));
        out[12..16].copy_from_slice(&e.put_u32(self.sigfigs));
        out[16..20].copy_from_slice(&e.put_u32(self.snaplen));
        let field = (self.linktype.0 & 0x03ff_ffff) | (self.linktype_ext & 0xfc00_0000);
        out[20..24].copy_from_slice(&e.put_u32(field));
        out
    }
}

fn first4(bytes: &[u8; LEN], at: usize) -> &[u8; 4] {
    bytes
        .get(at..at + 4)
        .and_then(|s| s.try_into().ok())
        .unwrap_or(&[0; 4])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_both_orders() {
        for endianness in [Endianness::Little, Endianness::Big] {
            for precision in [Precision::Micro, Precision::Nano] {
                let mut h = FileHeader::new(Linktype::RAW, 65535, precision);
                h.endianness = endianness;
                h.linktype_ext = 0x2400_0000;
                let parsed = FileHeader::parse(&h.to_bytes()).unwrap();
                assert_eq!(parsed, h);
                assert_eq!(parsed.fcs_len(), Some(4));
            }
        }
    }

    #[test]
    fn versions() {
        let mut h = FileHeader::new(Linktype::EN10MB, 0, Precision::Micro);
        for (maj, min, ok) in [
            (2, 0, true),
            (2, 4, true),
            (2, 5, false),
            (1, 4, false),
            (543, 0, true),
        ] {
            h.version_major = maj;
            h.version_minor = min;
            assert_eq!(FileHeader::parse(&h.to_bytes()).is_ok(), ok, "{maj}.{min}");
        }
    }
}
