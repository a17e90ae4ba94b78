//! Section Header Blocks: byte order, version, section length, and the section's options.

use super::block::Body;
use super::options::{self, OptionCode, Options, RawOption};
use crate::file::{Endianness, Error, ErrorKind};

/// A section, as described by its Section Header Block. The reader keeps the current one
/// ([`Reader::section`](super::Reader::section)); the writer starts each section from one.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Section {
    /// Byte order of every block in the section.
    pub endianness: Endianness,
    /// `(major, minor)`: 1.0, or 1.2 (which libpcap and Wireshark read as 1.0).
    pub version: (u16, u16),
    /// The section length as stored, or `None` for "not given" (-1). Never trusted when
    /// reading (some writers store 0 or garbage); the writer always writes -1.
    pub section_length: Option<u64>,
    /// `shb_hardware`.
    pub hardware: Option<String>,
    /// `shb_os`.
    pub os: Option<String>,
    /// `shb_userappl`.
    pub user_application: Option<String>,
    /// Every `opt_comment`, in order.
    pub comments: Vec<String>,
    /// Every other option, in order, as stored (custom options, repeats of the ones above).
    pub other_options: Vec<RawOption>,
}

impl Default for Section {
    /// Version 1.0 in this host's byte order, no options.
    fn default() -> Self {
        Section::new(Endianness::NATIVE)
    }
}

impl Section {
    /// Version 1.0 in byte order `endianness`, no options.
    pub fn new(endianness: Endianness) -> Section {
        Section {
            endianness,
            version: (1, 0),
            section_length: None,
            hardware: None,
            os: None,
            user_application: None,
            comments: Vec::new(),
            other_options: Vec::new(),
        }
    }

    /// Whether ferrocap (like libpcap and Wireshark) reads sections of this version.
    pub fn is_supported_version(version: (u16, u16)) -> bool {
        matches!(version, (1, 0) | (1, 2))
    }

    /// Decodes a section header. Its options are read up to the first malformed one: libpcap
    /// does not read them at all, so a bad option list does not stop packets.
    pub fn from_block(shb: &SectionHeader<'_>) -> Section {
        let mut s = Section::new(shb.endianness);
        s.version = (shb.major_version, shb.minor_version);
        s.section_length = (shb.section_length != u64::MAX).then_some(shb.section_length);
        for opt in shb.options.map_while(Result::ok) {
            let text = || String::from_utf8_lossy(opt.value).into_owned();
            match opt.code {
                OptionCode::COMMENT => s.comments.push(text()),
                OptionCode::SHB_HARDWARE if s.hardware.is_none() => s.hardware = Some(text()),
                OptionCode::SHB_OS if s.os.is_none() => s.os = Some(text()),
                OptionCode::SHB_USERAPPL if s.user_application.is_none() => {
                    s.user_application = Some(text())
                }
                _ => s.other_options.push(opt.into()),
            }
        }
        s
    }

    /// The SHB body (section length -1) in the section's byte order.
    pub(crate) fn to_body(&self) -> Result<Vec<u8>, ErrorKind> {
        if !Section::is_supported_version(self.version) {
            return Err(ErrorKind::Unwritable(
                "section version other than 1.0 or 1.2",
            ));
        }
        let e = self.endianness;
        let mut out = Vec::with_capacity(64);
        out.extend_from_slice(&e.put_u32(super::block::BYTE_ORDER_MAGIC));
        out.extend_from_slice(&e.put_u16(self.version.0));
        out.extend_from_slice(&e.put_u16(self.version.1));
        out.extend_from_slice(&e.put_u64(u64::MAX));
        let start = out.len();
        for c in &self.comments {
            options::put(&mut out, e, OptionCode::COMMENT, c.as_bytes())?;
        }
        let strings = [
            (OptionCode::SHB_HARDWARE, &self.hardware),
            (OptionCode::SHB_OS, &self.os),
            (OptionCode::SHB_USERAPPL, &self.user_application),
        ];
        for (code, v) in strings {
            if let Some(v) = v {
                options::put(&mut out, e, code, v.as_bytes())?;
            }
        }
        options::put_others_and_end(&mut out, e, start, &self.other_options)?;
        Ok(out)
    }
}

/// A Section Header Block as stored.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct SectionHeader<'a> {
    /// The byte order its byte-order magic announces.
    pub endianness: Endianness,
    /// Major version.
    pub major_version: u16,
    /// Minor version.
    pub minor_version: u16,
    /// Section length as stored (`u64::MAX`, i.e. -1: not given).
    pub section_length: u64,
    /// The options.
    pub options: Options<'a>,
}

impl<'a> SectionHeader<'a> {
    pub(crate) fn parse(mut b: Body<'a>) -> Result<Self, Error> {
        let _magic = b.u32()?;
        let major_version = b.u16()?;
        let minor_version = b.u16()?;
        let section_length = b.u64()?;
        Ok(SectionHeader {
            endianness: b.endianness,
            major_version,
            minor_version,
            section_length,
            options: b.options(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::BlockType;

    #[test]
    fn round_trip_both_orders() {
        for e in [Endianness::Little, Endianness::Big] {
            let mut s = Section::new(e);
            s.hardware = Some("x86".into());
            s.os = Some("Linux".into());
            s.user_application = Some("ferrocap".into());
            s.comments = vec!["one".into(), "two".into()];
            s.other_options.push(RawOption::new(
                OptionCode::CUSTOM_STR_COPY,
                b"\0\0\x7e\xd9hi".to_vec(),
            ));
            let body = s.to_body().unwrap();
            let b = Body::new(&body, e, BlockType::SECTION_HEADER, 0);
            let shb = SectionHeader::parse(b).unwrap();
            assert_eq!(shb.section_length, u64::MAX);
            assert_eq!(Section::from_block(&shb), s);
        }
    }

    #[test]
    fn versions_and_lengths() {
        assert!(Section::is_supported_version((1, 2)));
        assert!(!Section::is_supported_version((1, 1)));
        assert!(!Section::is_supported_version((2, 0)));
        let mut s = Section::new(Endianness::Big);
        s.version = (2, 0);
        assert!(s.to_body().is_err());
        let body = [0x1a, 0x2b, 0x3c, 0x4d, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let shb = SectionHeader::parse(Body::new(&body, Endianness::Big, BlockType(0), 0)).unwrap();
        assert_eq!(Section::from_block(&shb).section_length, Some(0));
        assert!(
            SectionHeader::parse(Body::new(&body[..12], Endianness::Big, BlockType(0), 0)).is_err()
        );
    }

    #[test]
    fn bad_options_are_cut_not_fatal() {
        let e = Endianness::Little;
        let mut body = Section::new(e).to_body().unwrap();
        options::put(&mut body, e, OptionCode::COMMENT, b"kept").unwrap();
        body.extend_from_slice(&[1, 0, 0x30, 0x30, 0, 0, 0, 0]);
        let shb = SectionHeader::parse(Body::new(&body, e, BlockType(0), 0)).unwrap();
        assert_eq!(Section::from_block(&shb).comments, ["kept"]);
        assert!(shb.options.validate().is_err());
    }
}
