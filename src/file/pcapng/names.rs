//! Name Resolution Blocks: addresses and the names they resolved to when captured.

use super::block::Body;
use super::options::{self, pad4, Options};
use crate::file::{BlockType, Endianness, Error, ErrorKind};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Record type: end of the record list.
const NRB_END: u16 = 0;
/// Record type: an IPv4 address and its names.
pub const NRB_IPV4: u16 = 1;
/// Record type: an IPv6 address and its names.
pub const NRB_IPV6: u16 = 2;

/// A Name Resolution Block as stored: records, then options. Both are parsed when asked for.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct NameResolution<'a> {
    body: &'a [u8],
    endianness: Endianness,
    offset: u64,
}

impl<'a> NameResolution<'a> {
    pub(crate) fn parse(b: Body<'a>) -> Result<Self, Error> {
        let offset = b.options().block_offset();
        Ok(NameResolution {
            body: b.rest,
            endianness: b.endianness,
            offset,
        })
    }

    /// The records, up to the end-of-records record; a record running past the end of the
    /// block yields one error, then nothing.
    pub fn records(&self) -> Records<'a> {
        Records {
            rest: self.body,
            endianness: self.endianness,
            offset: self.offset,
        }
    }

    /// The options after the records (an error if the records are malformed).
    pub fn options(&self) -> Result<Options<'a>, Error> {
        let mut records = self.records();
        for r in records.by_ref() {
            r?;
        }
        Ok(Options::new(
            records.rest,
            self.endianness,
            BlockType::NAME_RESOLUTION,
            self.offset,
        ))
    }
}

/// One name resolution record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct NameRecord<'a> {
    /// The record type ([`NRB_IPV4`], [`NRB_IPV6`], or others such as EUI addresses).
    pub record_type: u16,
    /// The value, without padding.
    pub value: &'a [u8],
}

impl<'a> NameRecord<'a> {
    /// The address of an IPv4 or IPv6 record.
    pub fn address(&self) -> Option<IpAddr> {
        match self.record_type {
            NRB_IPV4 => {
                let a: [u8; 4] = *self.value.first_chunk()?;
                Some(IpAddr::V4(Ipv4Addr::from(a)))
            }
            NRB_IPV6 => {
                let a: [u8; 16] = *self.value.first_chunk()?;
                Some(IpAddr::V6(Ipv6Addr::from(a)))
            }
            _ => None,
        }
    }

    /// The names of an IPv4 or IPv6 record (zero-terminated strings after the address).
    pub fn names(&self) -> impl Iterator<Item = std::borrow::Cow<'a, str>> {
        let skip = match self.record_type {
            NRB_IPV4 => 4,
            NRB_IPV6 => 16,
            _ => self.value.len(),
        };
        self.value
            .get(skip..)
            .unwrap_or_default()
            .split(|&b| b == 0)
            .filter(|s| !s.is_empty())
            .map(String::from_utf8_lossy)
    }
}

/// The records of a [`NameResolution`] block.
#[derive(Clone, Debug)]
pub struct Records<'a> {
    rest: &'a [u8],
    endianness: Endianness,
    offset: u64,
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<NameRecord<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let fail = |rest: &mut &'a [u8], what| {
            *rest = &[];
            let kind = ErrorKind::Malformed {
                block: BlockType::NAME_RESOLUTION,
                what,
            };
            Some(Err(Error::new(kind, self.offset)))
        };
        let Some((head, after)) = self.rest.split_first_chunk::<4>() else {
            return fail(&mut self.rest, "record header cut short");
        };
        let record_type = self.endianness.u16([head[0], head[1]]);
        let len = usize::from(self.endianness.u16([head[2], head[3]]));
        if record_type == NRB_END {
            self.rest = after;
            return None;
        }
        let Some((value, after)) = after.split_at_checked(len) else {
            return fail(&mut self.rest, "record runs past the end of its block");
        };
        self.rest = after.get(pad4(len)..).unwrap_or_default();
        Some(Ok(NameRecord { record_type, value }))
    }
}

/// An address and its names, for writing ([`Writer::write_names`](super::Writer::write_names))
/// or from a record ([`NameEntry::from_record`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NameEntry {
    /// The address.
    pub address: IpAddr,
    /// Its names.
    pub names: Vec<String>,
}

impl NameEntry {
    /// The entry of an IPv4 or IPv6 record.
    pub fn from_record(r: &NameRecord<'_>) -> Option<NameEntry> {
        Some(NameEntry {
            address: r.address()?,
            names: r.names().map(|n| n.into_owned()).collect(),
        })
    }
}

/// The NRB body for these entries, in byte order `e`.
pub(crate) fn to_body(entries: &[NameEntry], e: Endianness) -> Result<Vec<u8>, ErrorKind> {
    let mut out = Vec::new();
    for entry in entries {
        let (kind, mut value) = match entry.address {
            IpAddr::V4(a) => (NRB_IPV4, a.octets().to_vec()),
            IpAddr::V6(a) => (NRB_IPV6, a.octets().to_vec()),
        };
        for n in &entry.names {
            if n.is_empty() || n.contains('\0') {
                return Err(ErrorKind::Unwritable("empty name or name with a NUL byte"));
            }
            value.extend_from_slice(n.as_bytes());
            value.push(0);
        }
        // Records share the option layout: type, length, padded value.
        options::put(&mut out, e, options::OptionCode(kind), &value)
            .map_err(|_| ErrorKind::Unwritable("name record longer than 65535 bytes"))?;
    }
    options::put_end(&mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_both_orders() {
        let entries = vec![
            NameEntry {
                address: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
                names: vec!["a.example".into(), "b.example".into()],
            },
            NameEntry {
                address: IpAddr::V6(Ipv6Addr::LOCALHOST),
                names: vec!["localhost".into()],
            },
        ];
        for e in [Endianness::Little, Endianness::Big] {
            let mut body = to_body(&entries, e).unwrap();
            options::put(&mut body, e, options::OptionCode::NS_DNSNAME, b"dns").unwrap();
            options::put_end(&mut body);
            let nrb = NameResolution::parse(Body::new(&body, e, BlockType(4), 0)).unwrap();
            let back: Vec<NameEntry> = nrb
                .records()
                .map(|r| NameEntry::from_record(&r.unwrap()).unwrap())
                .collect();
            assert_eq!(back, entries);
            let opt = nrb.options().unwrap().next().unwrap().unwrap();
            assert_eq!(opt.as_str(), Some("dns"));
        }
    }

    #[test]
    fn malformed_records() {
        let e = Endianness::Little;
        let body = [1, 0, 200, 0, 10, 0, 0, 1];
        let nrb = NameResolution::parse(Body::new(&body, e, BlockType(4), 9)).unwrap();
        let errs: Vec<_> = nrb.records().collect();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].as_ref().unwrap_err().offset(), Some(9));
        assert!(nrb.options().is_err());
        let other = NameRecord {
            record_type: 3,
            value: &[1, 2, 3, 4, 5, 6],
        };
        assert_eq!(other.address(), None);
        assert_eq!(other.names().count(), 0);
        assert!(to_body(
            &[NameEntry {
                address: IpAddr::V4(Ipv4Addr::LOCALHOST),
                names: vec![String::new()]
            }],
            e
        )
        .is_err());
    }
}
