//! Time stamps as tcpdump prints them, in local time like tcpdump.
//!
//! Local time comes from the TZif database (`$TZ` naming a zone file or a zone under
//! `/usr/share/zoneinfo`, else `/etc/localtime`), read once at start-up; without one, UTC.

use crate::args::TimeStyle;
use ferrocap::Timestamp;
use std::fmt::Write as _;

/// UTC offsets in effect from given instants.
pub struct Zone {
    /// `(transition time, offset in seconds from then on)`, sorted.
    transitions: Vec<(i64, i32)>,
    /// Offset before the first transition (or always, when there are none).
    initial: i32,
}

impl Zone {
    /// UTC.
    pub fn utc() -> Zone {
        Zone {
            transitions: Vec::new(),
            initial: 0,
        }
    }

    /// The local zone, or UTC when it cannot be found or read.
    pub fn local() -> Zone {
        let path = match std::env::var("TZ") {
            Ok(tz) if tz.is_empty() || tz == "UTC" || tz == "UTC0" || tz == ":UTC" => {
                return Zone::utc()
            }
            Ok(tz) => {
                let name = tz.strip_prefix(':').unwrap_or(&tz).to_owned();
                if name.starts_with('/') {
                    name
                } else {
                    format!("/usr/share/zoneinfo/{name}")
                }
            }
            Err(_) => "/etc/localtime".to_owned(),
        };
        std::fs::read(path)
            .ok()
            .and_then(|b| Zone::from_tzif(&b))
            .unwrap_or_else(Zone::utc)
    }

    /// Parses a TZif file (RFC 8536), using its 64-bit data when present.
    fn from_tzif(b: &[u8]) -> Option<Zone> {
        let (v1_len, counts) = tzif_block(b, 4)?;
        if b.get(4).copied().unwrap_or(0) >= b'2' {
            let second = b.get(v1_len..)?;
            let (_, counts8) = tzif_block(second, 8)?;
            return parse_data(second.get(44..)?, counts8, 8);
        }
        parse_data(b.get(44..)?, counts, 4)
    }

    /// Offset from UTC at `t` (seconds since the epoch).
    pub fn offset_at(&self, t: i64) -> i32 {
        match self.transitions.partition_point(|&(at, _)| at <= t) {
            0 => self.initial,
            i => self
                .transitions
                .get(i - 1)
                .map_or(self.initial, |&(_, off)| off),
        }
    }
}

/// Counts of a TZif header: `(isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt)`.
type Counts = [usize; 6];

/// The header's counts and the length of header plus data block with `tsize`-byte times.
fn tzif_block(b: &[u8], tsize: usize) -> Option<(usize, Counts)> {
    if b.get(..4)? != b"TZif" {
        return None;
    }
    let mut c = [0usize; 6];
    for (i, v) in c.iter_mut().enumerate() {
        let at = 20 + 4 * i;
        *v = u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?) as usize;
    }
    let [isut, isstd, leap, time, typ, chars] = c;
    let data = time * tsize + time + typ * 6 + chars + leap * (tsize + 4) + isstd + isut;
    Some((44 + data, c))
}

fn parse_data(d: &[u8], c: Counts, tsize: usize) -> Option<Zone> {
    let [_, _, _, timecnt, typecnt, _] = c;
    let times = d.get(..timecnt * tsize)?;
    let idx = d.get(timecnt * tsize..timecnt * tsize + timecnt)?;
    let types_at = timecnt * tsize + timecnt;
    let types = d.get(types_at..types_at + typecnt * 6)?;
    let offset_of = |i: usize| -> Option<i32> {
        Some(i32::from_be_bytes(
            types.get(i * 6..i * 6 + 4)?.try_into().ok()?,
        ))
    };
    let mut transitions = Vec::with_capacity(timecnt);
    for (i, &ty) in idx.iter().enumerate() {
        let raw = times.get(i * tsize..(i + 1) * tsize)?;
        let at = if tsize == 8 {
            i64::from_be_bytes(raw.try_into().ok()?)
        } else {
            i32::from_be_bytes(raw.try_into().ok()?) as i64
        };
        transitions.push((at, offset_of(ty as usize)?));
    }
    Some(Zone {
        transitions,
        initial: offset_of(0)?,
    })
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Writes times in one of tcpdump's styles, remembering what `-ttt`/`-ttttt` need.
pub struct TimePrinter {
    style: TimeStyle,
    nano: bool,
    zone: Zone,
    first: Option<Timestamp>,
    prev: Option<Timestamp>,
}

impl TimePrinter {
    pub fn new(style: TimeStyle, nano: bool, zone: Zone) -> TimePrinter {
        TimePrinter {
            style,
            nano,
            zone,
            first: None,
            prev: None,
        }
    }

    fn frac(&self, out: &mut String, nanos: u32) {
        let _ = if self.nano {
            write!(out, ".{nanos:09}")
        } else {
            write!(out, ".{:06}", nanos / 1000)
        };
    }

    fn clock(&self, out: &mut String, secs_of_day: i64, nanos: u32) {
        let _ = write!(
            out,
            "{:02}:{:02}:{:02}",
            secs_of_day / 3600,
            secs_of_day / 60 % 60,
            secs_of_day % 60
        );
        self.frac(out, nanos);
    }

    /// A time difference as `HH:MM:SS.frac` (negative differences print as 0, as tcpdump's).
    fn delta(&self, out: &mut String, from: Timestamp, to: Timestamp) {
        let d = (to.as_nanos() - from.as_nanos()).max(0);
        let secs = (d / 1_000_000_000) as i64;
        let nanos = (d % 1_000_000_000) as u32;
        out.push(' ');
        self.clock(out, secs, nanos);
    }

    /// Appends the time stamp and its separating space (nothing for `-t`).
    pub fn write(&mut self, out: &mut String, ts: Timestamp) {
        let ts = if self.nano {
            ts
        } else {
            ts.truncate(ferrocap::Precision::Micro)
        };
        match self.style {
            TimeStyle::None => return,
            TimeStyle::Epoch => {
                let _ = write!(out, "{}", ts.secs());
                self.frac(out, ts.nanos());
            }
            TimeStyle::Clock => {
                let local = ts.secs() + self.zone.offset_at(ts.secs()) as i64;
                self.clock(out, local.rem_euclid(86_400), ts.nanos());
            }
            TimeStyle::Date => {
                let local = ts.secs() + self.zone.offset_at(ts.secs()) as i64;
                let (y, m, d) = civil(local.div_euclid(86_400));
                let _ = write!(out, "{y:04}-{m:02}-{d:02} ");
                self.clock(out, local.rem_euclid(86_400), ts.nanos());
            }
            TimeStyle::Delta => {
                let prev = self.prev.unwrap_or(ts);
                self.delta(out, prev, ts);
            }
            TimeStyle::SinceFirst => {
                let first = *self.first.get_or_insert(ts);
                self.delta(out, first, ts);
            }
        }
        self.prev = Some(ts);
        out.push(' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(20_410), (2025, 11, 18));
        assert_eq!(civil(-1), (1969, 12, 31));
        assert_eq!(civil(11_016), (2000, 2, 29));
    }

    #[test]
    fn styles() {
        let ts = Timestamp::new(1_763_505_596, 868_016_123);
        let mut s = String::new();
        TimePrinter::new(TimeStyle::Date, false, Zone::utc()).write(&mut s, ts);
        assert_eq!(s, "2025-11-18 22:39:56.868016 ");
        s.clear();
        TimePrinter::new(TimeStyle::Epoch, true, Zone::utc()).write(&mut s, ts);
        assert_eq!(s, "1763505596.868016123 ");
        s.clear();
        let mut p = TimePrinter::new(TimeStyle::Delta, false, Zone::utc());
        p.write(&mut s, ts);
        p.write(&mut s, ts.add_nanos(39_000));
        assert_eq!(s, " 00:00:00.000000  00:00:00.000039 ");
    }
}
