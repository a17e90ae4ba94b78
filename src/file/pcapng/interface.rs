//! Interface Description Blocks: link type, snapshot length, time stamp resolution and offset,
//! and the descriptive options; [`TsResolution`] turns stored time stamps into [`Timestamp`]s.

use super::block::Body;
use super::options::{self, OptionCode, Options, RawOption};
use super::stats::Statistics;
use crate::file::{BlockType, Endianness, Error, ErrorKind};
use crate::linktype::Linktype;
use crate::packet::{Precision, Timestamp};

const NANOS: u64 = 1_000_000_000;

/// How finely an interface's time stamps count: `10^-n` or `2^-n` seconds per unit, as the
/// `if_tsresol` byte encodes it. Only resolutions whose units per second fit 64 bits exist
/// (`10^-19` and `2^-63` at most), as in libpcap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TsResolution {
    byte: u8,
}

impl Default for TsResolution {
    /// Microseconds, the resolution of an interface without `if_tsresol`.
    fn default() -> Self {
        TsResolution::MICRO
    }
}

impl TsResolution {
    /// Microseconds (`10^-6`): the default.
    pub const MICRO: TsResolution = TsResolution { byte: 6 };
    /// Nanoseconds (`10^-9`).
    pub const NANO: TsResolution = TsResolution { byte: 9 };

    /// `10^-exp` seconds per unit, for `exp` up to 19.
    pub const fn decimal(exp: u8) -> Option<TsResolution> {
        if exp <= 19 {
            Some(TsResolution { byte: exp })
        } else {
            None
        }
    }

    /// `2^-exp` seconds per unit, for `exp` up to 63.
    pub const fn binary(exp: u8) -> Option<TsResolution> {
        if exp <= 63 {
            Some(TsResolution { byte: exp | 0x80 })
        } else {
            None
        }
    }

    /// From the `if_tsresol` byte (high bit set: power of 2), when the resolution fits.
    pub const fn from_byte(byte: u8) -> Option<TsResolution> {
        if byte & 0x80 != 0 {
            TsResolution::binary(byte & 0x7f)
        } else {
            TsResolution::decimal(byte)
        }
    }

    /// The `if_tsresol` byte.
    pub const fn to_byte(self) -> u8 {
        self.byte
    }

    /// Whether units are negative powers of 2 (else of 10).
    pub const fn is_binary(self) -> bool {
        self.byte & 0x80 != 0
    }

    /// The (negative) exponent: `n` in `10^-n` or `2^-n`.
    pub const fn exponent(self) -> u8 {
        self.byte & 0x7f
    }

    /// Units per second.
    pub const fn units_per_second(self) -> u64 {
        if self.is_binary() {
            1u64 << self.exponent()
        } else {
            10u64.pow(self.exponent() as u32)
        }
    }

    /// Whether this resolution is finer than a microsecond (libpcap's "nano" when it is
    /// exactly `10^-9`; ferrocap says nano for anything finer than a microsecond).
    pub fn precision(self) -> Precision {
        if self.units_per_second() > 1_000_000 {
            Precision::Nano
        } else {
            Precision::Micro
        }
    }

    /// The time of a stored time stamp: `units` of this resolution since the epoch, plus
    /// `offset` seconds (`if_tsoffset`). Sub-nanosecond fractions are truncated, as libpcap
    /// does; times beyond `i64` seconds saturate.
    #[inline(always)]
    pub fn timestamp(self, units: u64, offset: i64) -> Timestamp {
        // Microseconds (the default) and nanoseconds inline; other resolutions a call away.
        let (secs, nanos) = match self.byte {
            6 => (units / 1_000_000, (units % 1_000_000) * 1000),
            9 => (units / NANOS, units % NANOS),
            _ => return self.timestamp_other(units, offset),
        };
        // Both below 2^64 / 10^6 seconds: no saturation needed for the conversion.
        let secs = (secs as i64).saturating_add(offset);
        Timestamp::new(secs, nanos as u32)
    }

    /// [`TsResolution::timestamp`] for resolutions other than 10^-6 and 10^-9.
    #[inline(never)]
    fn timestamp_other(self, units: u64, offset: i64) -> Timestamp {
        let (secs, nanos) = match self.byte {
            6 => (units / 1_000_000, (units % 1_000_000).saturating_mul(1000)),
            9 => (units / NANOS, units % NANOS),
            b if b & 0x80 == 0 => {
                let per = self.units_per_second();
                let frac = units % per;
                let exp = u32::from(b);
                let nanos = if exp <= 9 {
                    frac.saturating_mul(10u64.pow(9 - exp))
                } else {
                    frac / 10u64.pow(exp - 9)
                };
                (units / per, nanos)
            }
            _ => {
                let exp = u32::from(self.exponent());
                let frac = units & (self.units_per_second() - 1);
                // frac < 2^63 and 10^9 < 2^30: the product fits 128 bits.
                let nanos = (u128::from(frac) * u128::from(NANOS)) >> exp;
                (units >> exp, u64::try_from(nanos).unwrap_or(0))
            }
        };
        let secs = i64::try_from(secs)
            .unwrap_or(i64::MAX)
            .saturating_add(offset);
        Timestamp::new(secs, u32::try_from(nanos).unwrap_or(0))
    }

    /// The stored units for a time (the inverse of [`TsResolution::timestamp`]): the largest
    /// unit count whose time is not later than `ts`, so that times read from a file of this
    /// resolution are written back unchanged and others are truncated. `None` when the time is
    /// before `offset` or too far after it for 64 bits of units.
    pub fn units(self, ts: Timestamp, offset: i64) -> Option<u64> {
        let secs = i128::from(ts.secs()) - i128::from(offset);
        let secs = u128::try_from(secs).ok()?;
        let nanos = u128::from(ts.nanos());
        let exp = u32::from(self.exponent());
        let frac = if self.is_binary() {
            (((nanos + 1) << exp) - 1) / u128::from(NANOS)
        } else if exp <= 9 {
            nanos / 10u128.pow(9 - exp)
        } else {
            nanos * 10u128.pow(exp - 9)
        };
        let total = secs
            .checked_mul(u128::from(self.units_per_second()))?
            .checked_add(frac)?;
        u64::try_from(total).ok()
    }
}

impl From<Precision> for TsResolution {
    /// Microseconds (`if_tsresol` 6) or nanoseconds (9).
    fn from(p: Precision) -> TsResolution {
        match p {
            Precision::Micro => TsResolution::MICRO,
            Precision::Nano => TsResolution::NANO,
        }
    }
}

/// An interface, as described by an Interface Description Block: the fixed fields and the
/// options, decoded. The reader fills one in per IDB; the writer takes one per
/// [`Writer::add_interface`](super::Writer::add_interface).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Interface {
    /// The link type as stored (packets carry the value libpcap reports, see
    /// [`Interface::packet_linktype`]).
    pub linktype: Linktype,
    /// The snapshot length as stored (0: no limit).
    pub snaplen: u32,
    /// `if_tsresol` (microseconds when absent).
    pub tsresol: TsResolution,
    /// `if_tsoffset`: seconds added to every time stamp (0 when absent).
    pub tsoffset: i64,
    /// `if_name`.
    pub name: Option<String>,
    /// `if_description`.
    pub description: Option<String>,
    /// `if_filter` of type 0 (a libpcap filter expression); other filter types are kept in
    /// [`Interface::other_options`].
    pub filter: Option<String>,
    /// `if_os`.
    pub os: Option<String>,
    /// `if_hardware`.
    pub hardware: Option<String>,
    /// `if_fcslen`: bytes of frame check sequence at the end of each packet.
    pub fcslen: Option<u8>,
    /// `if_speed`, bits per second.
    pub speed: Option<u64>,
    /// `if_MACaddr`.
    pub mac_address: Option<[u8; 6]>,
    /// Every `opt_comment`, in order.
    pub comments: Vec<String>,
    /// Every other option, in order, as stored (addresses, custom options, repeats of the
    /// options above).
    pub other_options: Vec<RawOption>,
}

impl Interface {
    /// An interface of this link type and snapshot length, microsecond time stamps, no options.
    pub fn new(linktype: Linktype, snaplen: u32) -> Interface {
        Interface {
            linktype,
            snaplen,
            tsresol: TsResolution::MICRO,
            tsoffset: 0,
            name: None,
            description: None,
            filter: None,
            os: None,
            hardware: None,
            fcslen: None,
            speed: None,
            mac_address: None,
            comments: Vec::new(),
            other_options: Vec::new(),
        }
    }

    /// The link type packets of this interface carry: the stored value mapped as libpcap maps
    /// it ([`Linktype::from_file_value`]).
    pub fn packet_linktype(&self) -> Linktype {
        Linktype::from_file_value(self.linktype.0)
    }

    /// The time of a time stamp stored for this interface (its resolution and offset applied).
    pub fn timestamp(&self, units: u64) -> Timestamp {
        self.tsresol.timestamp(units, self.tsoffset)
    }

    /// The snapshot length as libpcap uses it: the stored one, or the link type's maximum when
    /// the stored one is 0 or above `i32::MAX`.
    pub fn adjusted_snaplen(&self) -> u32 {
        self.packet_linktype().adjust_snaplen(self.snaplen)
    }

    /// Decodes an IDB strictly: option list well formed, at most one `if_tsresol` (1 byte, a
    /// resolution that fits) and one `if_tsoffset` (8 bytes), as libpcap requires. `offset`
    /// (where the block starts in the file) names the block in errors.
    pub fn from_block(idb: &InterfaceDescription<'_>, offset: u64) -> Result<Self, Error> {
        let bad = |what| {
            Error::new(
                ErrorKind::Malformed {
                    block: BlockType::INTERFACE_DESCRIPTION,
                    what,
                },
                offset,
            )
        };
        let mut i = Interface::new(idb.linktype, idb.snaplen);
        let (mut saw_tsresol, mut saw_tsoffset) = (false, false);
        for opt in idb.options {
            let opt = opt?;
            let text = || String::from_utf8_lossy(opt.value).into_owned();
            match opt.code {
                OptionCode::IF_TSRESOL => {
                    let b = opt
                        .as_u8()
                        .ok_or_else(|| bad("if_tsresol option whose length is not 1"))?;
                    if std::mem::replace(&mut saw_tsresol, true) {
                        return Err(bad("more than one if_tsresol option"));
                    }
                    i.tsresol = TsResolution::from_byte(b)
                        .ok_or_else(|| bad("if_tsresol too fine for 64-bit time stamps"))?;
                }
                OptionCode::IF_TSOFFSET => {
                    let v = opt
                        .as_u64()
                        .ok_or_else(|| bad("if_tsoffset option whose length is not 8"))?;
                    if std::mem::replace(&mut saw_tsoffset, true) {
                        return Err(bad("more than one if_tsoffset option"));
                    }
                    i.tsoffset = v as i64;
                }
                OptionCode::COMMENT => i.comments.push(text()),
                OptionCode::IF_NAME if i.name.is_none() => i.name = Some(text()),
                OptionCode::IF_DESCRIPTION if i.description.is_none() => {
                    i.description = Some(text())
                }
                OptionCode::IF_OS if i.os.is_none() => i.os = Some(text()),
                OptionCode::IF_HARDWARE if i.hardware.is_none() => i.hardware = Some(text()),
                OptionCode::IF_FILTER if i.filter.is_none() && opt.value.first() == Some(&0) => {
                    let expr = opt.value.get(1..).unwrap_or_default();
                    i.filter = Some(String::from_utf8_lossy(expr).into_owned());
                }
                OptionCode::IF_FCSLEN if i.fcslen.is_none() && opt.value.len() == 1 => {
                    i.fcslen = opt.as_u8();
                }
                OptionCode::IF_SPEED if i.speed.is_none() && opt.value.len() == 8 => {
                    i.speed = opt.as_u64();
                }
                OptionCode::IF_MACADDR if i.mac_address.is_none() && opt.value.len() == 6 => {
                    i.mac_address = opt.value.try_into().ok();
                }
                _ => i.other_options.push(opt.into()),
            }
        }
        Ok(i)
    }

    /// The IDB body (fixed fields and options) in byte order `e`.
    pub(crate) fn to_body(&self, e: Endianness) -> Result<Vec<u8>, ErrorKind> {
        let link = u16::try_from(self.linktype.0)
            .map_err(|_| ErrorKind::Unwritable("link type above 65535 in an IDB"))?;
        let mut out = Vec::with_capacity(64);
        out.extend_from_slice(&e.put_u16(link));
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&e.put_u32(self.snaplen));
        let start = out.len();
        let put = |out: &mut Vec<u8>, code, v: &[u8]| options::put(out, e, code, v);
        for c in &self.comments {
            put(&mut out, OptionCode::COMMENT, c.as_bytes())?;
        }
        let strings = [
            (OptionCode::IF_NAME, &self.name),
            (OptionCode::IF_DESCRIPTION, &self.description),
            (OptionCode::IF_OS, &self.os),
            (OptionCode::IF_HARDWARE, &self.hardware),
        ];
        for (code, s) in strings {
            if let Some(s) = s {
                put(&mut out, code, s.as_bytes())?;
            }
        }
        if let Some(f) = &self.filter {
            let mut v = Vec::with_capacity(f.len().saturating_add(1));
            v.push(0);
            v.extend_from_slice(f.as_bytes());
            put(&mut out, OptionCode::IF_FILTER, &v)?;
        }
        if self.tsresol != TsResolution::MICRO {
            put(&mut out, OptionCode::IF_TSRESOL, &[self.tsresol.to_byte()])?;
        }
        if self.tsoffset != 0 {
            put(
                &mut out,
                OptionCode::IF_TSOFFSET,
                &e.put_u64(self.tsoffset as u64),
            )?;
        }
        if let Some(f) = self.fcslen {
            put(&mut out, OptionCode::IF_FCSLEN, &[f])?;
        }
        if let Some(s) = self.speed {
            put(&mut out, OptionCode::IF_SPEED, &e.put_u64(s))?;
        }
        if let Some(m) = &self.mac_address {
            put(&mut out, OptionCode::IF_MACADDR, m)?;
        }
        options::put_others_and_end(&mut out, e, start, &self.other_options)?;
        Ok(out)
    }
}

/// An Interface Description Block as stored.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct InterfaceDescription<'a> {
    /// The link type as stored (16 bits).
    pub linktype: Linktype,
    /// The reserved 16 bits after the link type.
    pub reserved: u16,
    /// The snapshot length as stored.
    pub snaplen: u32,
    /// The options.
    pub options: Options<'a>,
}

impl<'a> InterfaceDescription<'a> {
    pub(crate) fn parse(mut b: Body<'a>) -> Result<Self, Error> {
        let linktype = Linktype(u32::from(b.u16()?));
        let reserved = b.u16()?;
        let snaplen = b.u32()?;
        Ok(InterfaceDescription {
            linktype,
            reserved,
            snaplen,
            options: b.options(),
        })
    }
}

/// What a reader keeps per interface of the current section: the description and what the
/// packet path needs precomputed.
#[derive(Clone, Debug)]
pub(crate) struct InterfaceState {
    pub(crate) info: Interface,
    /// The link type packets carry.
    pub(crate) linktype: Linktype,
    /// libpcap's adjusted snapshot length (caps simple packets).
    pub(crate) snaplen: u32,
    /// Latest statistics seen for the interface.
    pub(crate) stats: Option<Statistics>,
    /// Bytes of options those statistics came from (counted in the retained total).
    pub(crate) stats_bytes: usize,
    /// Its packets' bytes need libpcap's fix-up (see `file::fixup`) in this section's byte
    /// order.
    pub(crate) fixup: bool,
}

impl InterfaceState {
    /// An interface of a section whose byte order is `swapped` from this host's, or not.
    pub(crate) fn new(info: Interface, swapped: bool) -> Self {
        InterfaceState {
            fixup: crate::file::fixup::needed(info.packet_linktype(), swapped),
            linktype: info.packet_linktype(),
            snaplen: info.adjusted_snaplen(),
            stats: None,
            stats_bytes: 0,
            info,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolutions() {
        assert_eq!(TsResolution::from_byte(6), Some(TsResolution::MICRO));
        assert_eq!(
            TsResolution::from_byte(0x88).unwrap().units_per_second(),
            256
        );
        assert_eq!(
            TsResolution::from_byte(19).unwrap().units_per_second(),
            10u64.pow(19)
        );
        assert_eq!(TsResolution::from_byte(20), None);
        assert_eq!(
            TsResolution::from_byte(0xbf).unwrap().units_per_second(),
            1 << 63
        );
        assert_eq!(TsResolution::from_byte(0xc0), None);
        assert_eq!(TsResolution::NANO.precision(), Precision::Nano);
        assert_eq!(
            TsResolution::decimal(3).unwrap().precision(),
            Precision::Micro
        );
        assert!(TsResolution::binary(8).unwrap().is_binary());
        assert_eq!(TsResolution::binary(8).unwrap().exponent(), 8);
    }

    #[test]
    fn time_stamps_as_libpcap_computes_them() {
        let micro = TsResolution::MICRO;
        assert_eq!(
            micro.timestamp(1_340_954_905_298_858, 0),
            Timestamp::new(1_340_954_905, 298_858_000)
        );
        let nano = TsResolution::NANO;
        assert_eq!(
            nano.timestamp(1_340_954_905_298_858, 0),
            Timestamp::new(1_340_954, 905_298_858)
        );
        // 2^-8: gopacket's test902 (golden: 1519128000.195312500).
        let bin = TsResolution::from_byte(0x88).unwrap();
        let units = (1_519_128_000u64 << 8) + 50;
        assert_eq!(
            bin.timestamp(units, 0),
            Timestamp::new(1_519_128_000, 195_312_500)
        );
        // 10^-12 truncates, 10^-3 scales up; offsets add (also negative).
        let pico = TsResolution::decimal(12).unwrap();
        assert_eq!(pico.timestamp(1_000_000_001_999, 5), Timestamp::new(6, 1));
        let milli = TsResolution::decimal(3).unwrap();
        assert_eq!(milli.timestamp(1_234, -10), Timestamp::new(-9, 234_000_000));
        // 2^-63: no overflow in the fraction.
        let fine = TsResolution::binary(63).unwrap();
        assert_eq!(fine.timestamp(1 << 62, 0), Timestamp::new(0, 500_000_000));
        assert_eq!(
            TsResolution::decimal(0)
                .unwrap()
                .timestamp(u64::MAX, i64::MAX),
            Timestamp::new(i64::MAX, 0)
        );
    }

    #[test]
    fn units_invert_timestamps() {
        for byte in [0u8, 1, 3, 6, 9, 12, 19, 0x80, 0x88, 0x9e, 0xa0, 0xbf] {
            let r = TsResolution::from_byte(byte).unwrap();
            for units in [0u64, 1, 255, 256, 1_000_001, 123_456_789_012, u64::MAX / 3] {
                let ts = r.timestamp(units, 100);
                let back = r.units(ts, 100).unwrap();
                assert_eq!(r.timestamp(back, 100), ts, "byte {byte:#x} units {units}");
            }
        }
        let micro = TsResolution::MICRO;
        assert_eq!(micro.units(Timestamp::new(1, 999), 0), Some(1_000_000));
        assert_eq!(micro.units(Timestamp::new(-1, 0), 0), None);
        assert_eq!(micro.units(Timestamp::new(-1, 0), -1), Some(0));
        assert_eq!(micro.units(Timestamp::new(i64::MAX, 0), 0), None);
    }

    fn idb(e: Endianness, opts: &[(u16, &[u8])]) -> Vec<u8> {
        let mut body = Vec::new();
        body.extend_from_slice(&e.put_u16(1));
        body.extend_from_slice(&[0, 0]);
        body.extend_from_slice(&e.put_u32(96));
        for (code, v) in opts {
            options::put(&mut body, e, OptionCode(*code), v).unwrap();
        }
        body
    }

    fn decode(e: Endianness, body: &[u8]) -> Result<Interface, Error> {
        let b = Body::new(body, e, BlockType::INTERFACE_DESCRIPTION, 7);
        Interface::from_block(&InterfaceDescription::parse(b)?, 7)
    }

    #[test]
    fn options_decode_in_both_orders() {
        for e in [Endianness::Little, Endianness::Big] {
            let body = idb(
                e,
                &[
                    (2, b"eth0"),
                    (9, &[9]),
                    (14, &e.put_u64(-5i64 as u64)),
                    (13, &[4]),
                    (11, b"\0tcp"),
                    (1, b"note"),
                    (4, &[10, 0, 0, 1, 255, 0, 0, 0]),
                ],
            );
            let i = decode(e, &body).unwrap();
            assert_eq!(i.name.as_deref(), Some("eth0"));
            assert_eq!(i.tsresol, TsResolution::NANO);
            assert_eq!(i.tsoffset, -5);
            assert_eq!(i.fcslen, Some(4));
            assert_eq!(i.filter.as_deref(), Some("tcp"));
            assert_eq!(i.comments, ["note"]);
            assert_eq!(i.other_options.len(), 1);
            assert_eq!(i.snaplen, 96);
            // And back.
            assert_eq!(decode(e, &i.to_body(e).unwrap()).unwrap(), i);
        }
    }

    #[test]
    fn strict_time_options() {
        let e = Endianness::Little;
        for opts in [
            &[(9u16, &[9u8, 9][..])][..],
            &[(9, &[9]), (9, &[6])],
            &[(9, &[0x7f])],
            &[(14, &[0; 4])],
            &[(14, &[0; 8]), (14, &[0; 8])],
        ] {
            let err = decode(e, &idb(e, opts)).unwrap_err();
            assert_eq!(err.offset(), Some(7));
            assert!(matches!(err.kind(), ErrorKind::Malformed { .. }));
        }
        // Overrunning option.
        let mut body = idb(e, &[]);
        body.extend_from_slice(&[2, 0, 50, 0, b'x', 0, 0, 0]);
        assert!(decode(e, &body).is_err());
        // Too short for the fixed fields.
        assert!(decode(e, &[1, 0, 0]).is_err());
    }

    #[test]
    fn adjusted_snaplen() {
        let mut i = Interface::new(Linktype::EN10MB, 0);
        assert_eq!(i.adjusted_snaplen(), 262_144);
        i.snaplen = 0x8000_0000;
        assert_eq!(i.adjusted_snaplen(), 262_144);
        i.snaplen = 300_000;
        assert_eq!(i.adjusted_snaplen(), 300_000);
        i.linktype = Linktype(12);
        assert_eq!(i.packet_linktype(), Linktype::RAW);
    }
}
