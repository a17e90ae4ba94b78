//! Interface Statistics Blocks: counters for one interface at one time.

use super::block::Body;
use super::interface::Interface;
use super::options::{self, OptionCode, Options, RawOption};
use crate::file::{Endianness, Error, ErrorKind};
use crate::packet::Timestamp;

/// An Interface Statistics Block, decoded: the reader keeps the latest one per interface
/// ([`Reader::statistics`](super::Reader::statistics)); the writer writes one with
/// [`Writer::write_stats`](super::Writer::write_stats). Time stamps use the interface's
/// resolution and offset.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Statistics {
    /// When the statistics were taken.
    pub timestamp: Timestamp,
    /// `isb_starttime`: when counting started.
    pub start: Option<Timestamp>,
    /// `isb_endtime`: when counting ended.
    pub end: Option<Timestamp>,
    /// `isb_ifrecv`: packets received by the interface.
    pub received: Option<u64>,
    /// `isb_ifdrop`: packets the interface dropped.
    pub interface_dropped: Option<u64>,
    /// `isb_filteraccept`: packets the filter accepted.
    pub filter_accepted: Option<u64>,
    /// `isb_osdrop`: packets the operating system dropped.
    pub os_dropped: Option<u64>,
    /// `isb_usrdeliv`: packets delivered to the capturing application.
    pub delivered: Option<u64>,
    /// Every `opt_comment`, in order.
    pub comments: Vec<String>,
    /// Every other option, in order, as stored.
    pub other_options: Vec<RawOption>,
}

impl Statistics {
    /// Statistics taken at `timestamp`, with no counters.
    pub fn new(timestamp: Timestamp) -> Statistics {
        Statistics {
            timestamp,
            ..Statistics::default()
        }
    }

    /// Decodes an ISB for `interface`. Options are read up to the first malformed one (libpcap
    /// does not read statistics at all; a bad statistics block never stops packets).
    pub fn from_block(isb: &InterfaceStatistics<'_>, interface: &Interface) -> Statistics {
        let mut s = Statistics::new(interface.timestamp(isb.timestamp));
        for opt in isb.options.map_while(Result::ok) {
            let slot = match opt.code {
                OptionCode::ISB_STARTTIME if s.start.is_none() => {
                    if let Some(u) = opt.as_timestamp_units() {
                        s.start = Some(interface.timestamp(u));
                        continue;
                    }
                    None
                }
                OptionCode::ISB_ENDTIME if s.end.is_none() => {
                    if let Some(u) = opt.as_timestamp_units() {
                        s.end = Some(interface.timestamp(u));
                        continue;
                    }
                    None
                }
                OptionCode::ISB_IFRECV => Some(&mut s.received),
                OptionCode::ISB_IFDROP => Some(&mut s.interface_dropped),
                OptionCode::ISB_FILTERACCEPT => Some(&mut s.filter_accepted),
                OptionCode::ISB_OSDROP => Some(&mut s.os_dropped),
                OptionCode::ISB_USRDELIV => Some(&mut s.delivered),
                OptionCode::COMMENT => {
                    s.comments
                        .push(String::from_utf8_lossy(opt.value).into_owned());
                    continue;
                }
                _ => None,
            };
            match (slot, opt.as_u64()) {
                (Some(slot), Some(v)) if slot.is_none() => *slot = Some(v),
                _ => s.other_options.push(opt.into()),
            }
        }
        s
    }

    /// The ISB body for interface `id` (described by `interface`), in byte order `e`.
    pub(crate) fn to_body(
        &self,
        id: u32,
        interface: &Interface,
        e: Endianness,
    ) -> Result<Vec<u8>, ErrorKind> {
        let units = |t: Timestamp| {
            interface
                .tsresol
                .units(t, interface.tsoffset)
                .ok_or(ErrorKind::Unwritable(
                    "time stamp outside the interface's range",
                ))
        };
        let split = |u: u64| {
            let mut v = [0u8; 8];
            let (hi, lo) = v.split_at_mut(4);
            hi.copy_from_slice(&e.put_u32((u >> 32) as u32));
            lo.copy_from_slice(&e.put_u32(u as u32));
            v
        };
        let mut out = Vec::with_capacity(64);
        out.extend_from_slice(&e.put_u32(id));
        out.extend_from_slice(&split(units(self.timestamp)?));
        let start = out.len();
        for c in &self.comments {
            options::put(&mut out, e, OptionCode::COMMENT, c.as_bytes())?;
        }
        for (code, t) in [
            (OptionCode::ISB_STARTTIME, self.start),
            (OptionCode::ISB_ENDTIME, self.end),
        ] {
            if let Some(t) = t {
                options::put(&mut out, e, code, &split(units(t)?))?;
            }
        }
        for (code, v) in [
            (OptionCode::ISB_IFRECV, self.received),
            (OptionCode::ISB_IFDROP, self.interface_dropped),
            (OptionCode::ISB_FILTERACCEPT, self.filter_accepted),
            (OptionCode::ISB_OSDROP, self.os_dropped),
            (OptionCode::ISB_USRDELIV, self.delivered),
        ] {
            if let Some(v) = v {
                options::put(&mut out, e, code, &e.put_u64(v))?;
            }
        }
        options::put_others_and_end(&mut out, e, start, &self.other_options)?;
        Ok(out)
    }
}

/// An Interface Statistics Block as stored.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct InterfaceStatistics<'a> {
    /// The interface, numbered within its section.
    pub interface_id: u32,
    /// When the statistics were taken, in units of the interface's resolution.
    pub timestamp: u64,
    /// The options (counters, start and end times, comments).
    pub options: Options<'a>,
}

impl<'a> InterfaceStatistics<'a> {
    pub(crate) fn parse(mut b: Body<'a>) -> Result<Self, Error> {
        let interface_id = b.u32()?;
        let timestamp = b.timestamp()?;
        Ok(InterfaceStatistics {
            interface_id,
            timestamp,
            options: b.options(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::pcapng::TsResolution;
    use crate::file::BlockType;
    use crate::linktype::Linktype;

    #[test]
    fn round_trip_both_orders() {
        let mut i = Interface::new(Linktype::EN10MB, 0);
        i.tsresol = TsResolution::NANO;
        i.tsoffset = 10;
        let mut s = Statistics::new(Timestamp::new(1_600_000_000, 5));
        s.start = Some(Timestamp::new(1_500_000_000, 0));
        s.end = Some(Timestamp::new(1_600_000_000, 4));
        s.received = Some(100);
        s.interface_dropped = Some(1);
        s.delivered = Some(99);
        s.comments.push("stats".into());
        s.other_options
            .push(RawOption::new(OptionCode(0x8001), vec![1, 2, 3]));
        for e in [Endianness::Little, Endianness::Big] {
            let body = s.to_body(3, &i, e).unwrap();
            let b = Body::new(&body, e, BlockType::INTERFACE_STATISTICS, 0);
            let isb = InterfaceStatistics::parse(b).unwrap();
            assert_eq!(isb.interface_id, 3);
            assert_eq!(Statistics::from_block(&isb, &i), s);
        }
    }

    #[test]
    fn malformed_options_keep_what_came_before() {
        let e = Endianness::Little;
        let mut body = vec![0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0];
        options::put(&mut body, e, OptionCode::ISB_IFRECV, &e.put_u64(7)).unwrap();
        // A counter of the wrong size is kept as a raw option.
        options::put(&mut body, e, OptionCode::ISB_OSDROP, &[1]).unwrap();
        body.extend_from_slice(&[5, 0, 40, 0]);
        let b = Body::new(&body, e, BlockType::INTERFACE_STATISTICS, 0);
        let isb = InterfaceStatistics::parse(b).unwrap();
        let s = Statistics::from_block(&isb, &Interface::new(Linktype::EN10MB, 0));
        assert_eq!(s.received, Some(7));
        assert_eq!(s.os_dropped, None);
        assert_eq!(s.other_options.len(), 1);
        assert_eq!(s.timestamp, Timestamp::new(0, 1000));
        assert!(InterfaceStatistics::parse(Body::new(&[0; 8], e, BlockType(5), 0)).is_err());
    }
}
