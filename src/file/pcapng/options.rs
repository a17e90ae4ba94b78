//! Options: the type-length-value lists at the end of most pcapng blocks.
//!
//! Each option is a 16-bit code, a 16-bit length and that many bytes of value, padded with
//! zeros to a multiple of 4; the list ends at an `opt_endofopt` (code 0, length 0) or at the end
//! of the block. [`Options`] walks such a list lazily: nothing is parsed until it is iterated,
//! and iterating never allocates. A malformed list (an option header cut short, a value running
//! past the end of its block, an end marker with a length) yields one error, then nothing.
//!
//! Codes mean different things in different blocks (code 2 is `shb_hardware` in a section
//! header, `if_name` in an interface description, `epb_flags` in a packet), so [`OptionCode`]
//! has one set of constants per block type, prefixed by it.

use crate::file::{BlockType, Endianness, Error, ErrorKind};

/// A pcapng option code. Open number space: every value is kept and can be written back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OptionCode(pub u16);

impl OptionCode {
    /// `opt_endofopt`: ends an option list.
    pub const END_OF_OPT: OptionCode = OptionCode(0);
    /// `opt_comment`: a UTF-8 comment, in any block.
    pub const COMMENT: OptionCode = OptionCode(1);
    /// `opt_custom`, UTF-8 string, may be copied to new files.
    pub const CUSTOM_STR_COPY: OptionCode = OptionCode(2988);
    /// `opt_custom`, binary, may be copied to new files.
    pub const CUSTOM_BIN_COPY: OptionCode = OptionCode(2989);
    /// `opt_custom`, UTF-8 string, must not be copied to new files.
    pub const CUSTOM_STR_NO_COPY: OptionCode = OptionCode(19372);
    /// `opt_custom`, binary, must not be copied to new files.
    pub const CUSTOM_BIN_NO_COPY: OptionCode = OptionCode(19373);

    /// Section header: `shb_hardware`, the capturing machine's hardware.
    pub const SHB_HARDWARE: OptionCode = OptionCode(2);
    /// Section header: `shb_os`, the capturing machine's operating system.
    pub const SHB_OS: OptionCode = OptionCode(3);
    /// Section header: `shb_userappl`, the application that wrote the section.
    pub const SHB_USERAPPL: OptionCode = OptionCode(4);

    /// Interface: `if_name`.
    pub const IF_NAME: OptionCode = OptionCode(2);
    /// Interface: `if_description`.
    pub const IF_DESCRIPTION: OptionCode = OptionCode(3);
    /// Interface: `if_IPv4addr` (address and netmask, 8 bytes).
    pub const IF_IPV4ADDR: OptionCode = OptionCode(4);
    /// Interface: `if_IPv6addr` (address and prefix length, 17 bytes).
    pub const IF_IPV6ADDR: OptionCode = OptionCode(5);
    /// Interface: `if_MACaddr` (6 bytes).
    pub const IF_MACADDR: OptionCode = OptionCode(6);
    /// Interface: `if_EUIaddr` (8 bytes).
    pub const IF_EUIADDR: OptionCode = OptionCode(7);
    /// Interface: `if_speed`, bits per second (64-bit).
    pub const IF_SPEED: OptionCode = OptionCode(8);
    /// Interface: `if_tsresol`, the time stamp resolution (1 byte).
    pub const IF_TSRESOL: OptionCode = OptionCode(9);
    /// Interface: `if_tzone` (obsolete, 32-bit).
    pub const IF_TZONE: OptionCode = OptionCode(10);
    /// Interface: `if_filter`, a filter type byte then the filter.
    pub const IF_FILTER: OptionCode = OptionCode(11);
    /// Interface: `if_os`.
    pub const IF_OS: OptionCode = OptionCode(12);
    /// Interface: `if_fcslen`, FCS bytes at the end of each packet (1 byte).
    pub const IF_FCSLEN: OptionCode = OptionCode(13);
    /// Interface: `if_tsoffset`, seconds added to every time stamp (signed 64-bit).
    pub const IF_TSOFFSET: OptionCode = OptionCode(14);
    /// Interface: `if_hardware`.
    pub const IF_HARDWARE: OptionCode = OptionCode(15);
    /// Interface: `if_txspeed`, bits per second (64-bit).
    pub const IF_TXSPEED: OptionCode = OptionCode(16);
    /// Interface: `if_rxspeed`, bits per second (64-bit).
    pub const IF_RXSPEED: OptionCode = OptionCode(17);
    /// Interface: `if_iana_tzname`.
    pub const IF_IANA_TZNAME: OptionCode = OptionCode(18);

    /// Enhanced packet: `epb_flags` (32-bit flags word; also `pack_flags` in the obsolete
    /// packet block).
    pub const EPB_FLAGS: OptionCode = OptionCode(2);
    /// Enhanced packet: `epb_hash`, an algorithm byte then the hash (also `pack_hash`).
    pub const EPB_HASH: OptionCode = OptionCode(3);
    /// Enhanced packet: `epb_dropcount` (64-bit).
    pub const EPB_DROPCOUNT: OptionCode = OptionCode(4);
    /// Enhanced packet: `epb_packetid` (64-bit).
    pub const EPB_PACKETID: OptionCode = OptionCode(5);
    /// Enhanced packet: `epb_queue` (32-bit).
    pub const EPB_QUEUE: OptionCode = OptionCode(6);
    /// Enhanced packet: `epb_verdict`, a type byte then the verdict.
    pub const EPB_VERDICT: OptionCode = OptionCode(7);
    /// Enhanced packet: `epb_processid_threadid` (two 32-bit values).
    pub const EPB_PROCESSID_THREADID: OptionCode = OptionCode(8);

    /// Name resolution: `ns_dnsname`.
    pub const NS_DNSNAME: OptionCode = OptionCode(2);
    /// Name resolution: `ns_dnsIP4addr`.
    pub const NS_DNSIP4ADDR: OptionCode = OptionCode(3);
    /// Name resolution: `ns_dnsIP6addr`.
    pub const NS_DNSIP6ADDR: OptionCode = OptionCode(4);

    /// Interface statistics: `isb_starttime` (a time stamp).
    pub const ISB_STARTTIME: OptionCode = OptionCode(2);
    /// Interface statistics: `isb_endtime` (a time stamp).
    pub const ISB_ENDTIME: OptionCode = OptionCode(3);
    /// Interface statistics: `isb_ifrecv`, packets received (64-bit).
    pub const ISB_IFRECV: OptionCode = OptionCode(4);
    /// Interface statistics: `isb_ifdrop`, packets dropped by the interface (64-bit).
    pub const ISB_IFDROP: OptionCode = OptionCode(5);
    /// Interface statistics: `isb_filteraccept`, packets accepted by the filter (64-bit).
    pub const ISB_FILTERACCEPT: OptionCode = OptionCode(6);
    /// Interface statistics: `isb_osdrop`, packets dropped by the operating system (64-bit).
    pub const ISB_OSDROP: OptionCode = OptionCode(7);
    /// Interface statistics: `isb_usrdeliv`, packets delivered to the user (64-bit).
    pub const ISB_USRDELIV: OptionCode = OptionCode(8);

    /// Whether this is one of the four `opt_custom` codes (value: a private enterprise number,
    /// then data).
    pub const fn is_custom(self) -> bool {
        matches!(self.0, 2988 | 2989 | 19372 | 19373)
    }
}

/// One option: its code and its value (padding excluded), in its section's byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opt<'a> {
    /// The option code.
    pub code: OptionCode,
    /// The value, without padding.
    pub value: &'a [u8],
    endianness: Endianness,
}

impl<'a> Opt<'a> {
    /// The value as UTF-8 text, or `None` when it is not valid UTF-8.
    pub fn as_str(&self) -> Option<&'a str> {
        std::str::from_utf8(self.value).ok()
    }

    /// The value as a single byte, when it is exactly one byte long.
    pub fn as_u8(&self) -> Option<u8> {
        match self.value {
            [b] => Some(*b),
            _ => None,
        }
    }

    /// The value as a 32-bit number in the section's byte order, when it is exactly 4 bytes.
    pub fn as_u32(&self) -> Option<u32> {
        let b: [u8; 4] = self.value.try_into().ok()?;
        Some(self.endianness.u32(b))
    }

    /// The value as a 64-bit number in the section's byte order, when it is exactly 8 bytes.
    pub fn as_u64(&self) -> Option<u64> {
        let b: [u8; 8] = self.value.try_into().ok()?;
        Some(self.endianness.u64(b))
    }

    /// The value as a pcapng time stamp (high 32 bits first, each in the section's byte order),
    /// in units of the interface's resolution, when it is exactly 8 bytes.
    pub fn as_timestamp_units(&self) -> Option<u64> {
        let b: [u8; 8] = self.value.try_into().ok()?;
        let (hi, lo) = b.split_at(4);
        let hi = self.endianness.u32(hi.try_into().ok()?);
        let lo = self.endianness.u32(lo.try_into().ok()?);
        Some((u64::from(hi) << 32) | u64::from(lo))
    }

    /// For the `opt_custom` codes: the private enterprise number and the data after it.
    pub fn custom(&self) -> Option<(u32, &'a [u8])> {
        if !self.code.is_custom() {
            return None;
        }
        let (pen, data) = self.value.split_first_chunk::<4>()?;
        Some((self.endianness.u32(*pen), data))
    }
}

/// A lazily parsed option list. Copying it is free; iterating yields each option, or one
/// error if the list is malformed.
///
/// Each option is a 16-bit code, a 16-bit length and that many bytes of value, padded with
/// zeros to a multiple of 4; the list ends at an `opt_endofopt` (code 0, length 0) or at the
/// end of the block. Nothing is parsed until the list is iterated, and iterating never
/// allocates. A malformed list (an option header cut short, a value running past the end of
/// its block, an end marker with a length) yields one error, then nothing. Codes mean
/// different things in different blocks: see [`OptionCode`].
#[derive(Clone, Copy, Debug)]
pub struct Options<'a> {
    bytes: &'a [u8],
    endianness: Endianness,
    block: BlockType,
    offset: u64,
    failed: bool,
}

impl<'a> Options<'a> {
    /// The option list in `bytes` (the rest of a block after its fixed fields). `block` and
    /// `offset` (the block's start in the file) name the block in errors.
    pub(crate) fn new(
        bytes: &'a [u8],
        endianness: Endianness,
        block: BlockType,
        offset: u64,
    ) -> Self {
        Options {
            bytes,
            endianness,
            block,
            offset,
            failed: false,
        }
    }

    /// An empty list.
    pub(crate) fn empty(endianness: Endianness, block: BlockType) -> Self {
        Options::new(&[], endianness, block, 0)
    }

    /// The byte order values are read in.
    pub fn endianness(&self) -> Endianness {
        self.endianness
    }

    /// The raw bytes of the list (options, padding, end marker).
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Where the block holding the list starts in the file.
    pub(crate) fn block_offset(&self) -> u64 {
        self.offset
    }

    /// Whether the list has no bytes at all.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The first well-formed option with this code, if any (a malformed tail is ignored).
    pub fn find(&self, code: OptionCode) -> Option<Opt<'a>> {
        self.filter_map(Result::ok).find(|o| o.code == code)
    }

    /// Every `opt_comment`, as text (invalid UTF-8 replaced), ignoring a malformed tail.
    pub fn comments(&self) -> impl Iterator<Item = std::borrow::Cow<'a, str>> {
        self.filter_map(Result::ok)
            .filter(|o| o.code == OptionCode::COMMENT)
            .map(|o| String::from_utf8_lossy(o.value))
    }

    /// Checks the whole list, returning the first error.
    pub fn validate(&self) -> Result<(), Error> {
        let mut all = *self;
        all.try_for_each(|r| r.map(|_| ()))
    }

    fn fail(&mut self, what: &'static str) -> Option<Result<Opt<'a>, Error>> {
        self.failed = true;
        self.bytes = &[];
        let kind = ErrorKind::Malformed {
            block: self.block,
            what,
        };
        Some(Err(Error::new(kind, self.offset)))
    }
}

impl<'a> Iterator for Options<'a> {
    type Item = Result<Opt<'a>, Error>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.bytes.is_empty() {
            return None;
        }
        let Some((head, rest)) = self.bytes.split_first_chunk::<4>() else {
            return self.fail("option header cut short");
        };
        let code = OptionCode(self.endianness.u16([head[0], head[1]]));
        let len = usize::from(self.endianness.u16([head[2], head[3]]));
        if code == OptionCode::END_OF_OPT {
            if len != 0 {
                return self.fail("opt_endofopt option with a non-zero length");
            }
            self.bytes = &[];
            return None;
        }
        let Some((value, after)) = rest.split_at_checked(len) else {
            return self.fail("option value runs past the end of its block");
        };
        // Padding to 4 bytes; a last option whose padding the block lacks is accepted.
        let pad = pad4(len);
        self.bytes = after.get(pad..).unwrap_or_default();
        Some(Ok(Opt {
            code,
            value,
            endianness: self.endianness,
        }))
    }
}

/// Bytes of padding after `len` bytes to reach a multiple of 4.
#[inline]
pub(crate) const fn pad4(len: usize) -> usize {
    (4 - (len % 4)) % 4
}

/// Appends one option (header, value, padding) to `out`; the value must fit 16 bits.
pub(crate) fn put(
    out: &mut Vec<u8>,
    e: Endianness,
    code: OptionCode,
    value: &[u8],
) -> Result<(), ErrorKind> {
    let len = u16::try_from(value.len())
        .map_err(|_| ErrorKind::Unwritable("option value longer than 65535 bytes"))?;
    out.extend_from_slice(&e.put_u16(code.0));
    out.extend_from_slice(&e.put_u16(len));
    out.extend_from_slice(value);
    out.resize(out.len().saturating_add(pad4(value.len())), 0);
    Ok(())
}

/// Appends the end-of-options marker.
pub(crate) fn put_end(out: &mut Vec<u8>) {
    out.extend_from_slice(&[0, 0, 0, 0]);
}

/// Ends the options a block writes from `start` in `out`: the ones ferrocap does not interpret
/// (`others`, written back as they were), then `opt_endofopt` if any option was written.
pub(crate) fn put_others_and_end(
    out: &mut Vec<u8>,
    e: Endianness,
    start: usize,
    others: &[RawOption],
) -> Result<(), ErrorKind> {
    for o in others {
        put(out, e, o.code, &o.value)?;
    }
    if out.len() > start {
        put_end(out);
    }
    Ok(())
}

/// An owned option for writing back options ferrocap does not interpret.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RawOption {
    /// The option code.
    pub code: OptionCode,
    /// The value, without padding.
    pub value: Vec<u8>,
}

impl RawOption {
    /// An option with this code and value.
    pub fn new(code: OptionCode, value: impl Into<Vec<u8>>) -> RawOption {
        RawOption {
            code,
            value: value.into(),
        }
    }
}

impl From<Opt<'_>> for RawOption {
    fn from(o: Opt<'_>) -> Self {
        RawOption {
            code: o.code,
            value: o.value.to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le(bytes: &[u8]) -> Options<'_> {
        Options::new(bytes, Endianness::Little, BlockType::ENHANCED_PACKET, 40)
    }

    #[test]
    fn walks_padding_and_stops_at_end() {
        // comment "abc" (3 bytes + 1 pad), flags = 1, end, then junk after the end marker.
        let bytes = [
            1, 0, 3, 0, b'a', b'b', b'c', 0, 2, 0, 4, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9, 9,
        ];
        let opts: Vec<_> = le(&bytes).collect::<Result<_, _>>().unwrap();
        assert_eq!(opts.len(), 2);
        assert_eq!(opts[0].as_str(), Some("abc"));
        assert_eq!(opts[1].code, OptionCode::EPB_FLAGS);
        assert_eq!(opts[1].as_u32(), Some(1));
        assert_eq!(le(&bytes).comments().collect::<Vec<_>>(), ["abc"]);
        assert!(le(&bytes).validate().is_ok());
    }

    #[test]
    fn big_endian_values() {
        let bytes = [0, 4, 0, 8, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0];
        let o = Options::new(&bytes, Endianness::Big, BlockType::ENHANCED_PACKET, 0)
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(o.code, OptionCode::EPB_DROPCOUNT);
        assert_eq!(o.as_u64(), Some(0x102));
        assert_eq!(o.as_u32(), None);
        assert_eq!(o.as_timestamp_units(), Some(0x102));
    }

    #[test]
    fn overrun_is_one_error_then_nothing() {
        let bytes = [1, 0, 9, 0, b'a', b'b', b'c', 0];
        let mut it = le(&bytes);
        let e = it.next().unwrap().unwrap_err();
        assert_eq!(e.offset(), Some(40));
        assert!(matches!(e.kind(), ErrorKind::Malformed { .. }));
        assert!(it.next().is_none());
        assert!(le(&bytes).validate().is_err());
        assert!(le(&bytes).find(OptionCode::COMMENT).is_none());
    }

    #[test]
    fn cut_header_and_bad_end_marker() {
        assert!(le(&[1, 0]).next().unwrap().is_err());
        assert!(le(&[0, 0, 4, 0, 0, 0, 0, 0]).next().unwrap().is_err());
        assert!(le(&[]).next().is_none());
    }

    #[test]
    fn unpadded_last_option_is_accepted() {
        let bytes = [1, 0, 2, 0, b'h', b'i'];
        let opts: Vec<_> = le(&bytes).collect::<Result<_, _>>().unwrap();
        assert_eq!(opts[0].value, b"hi");
    }

    #[test]
    fn custom_options() {
        let mut out = Vec::new();
        put(
            &mut out,
            Endianness::Big,
            OptionCode::CUSTOM_BIN_COPY,
            &[0, 0, 0x7e, 0xd9, 1, 2, 3],
        )
        .unwrap();
        put_end(&mut out);
        assert_eq!(out.len(), 4 + 8 + 4);
        let o = Options::new(&out, Endianness::Big, BlockType::SECTION_HEADER, 0)
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(o.custom(), Some((32473, &[1u8, 2, 3][..])));
        assert!(put(
            &mut out,
            Endianness::Big,
            OptionCode::COMMENT,
            &vec![0; 70000]
        )
        .is_err());
    }
}
