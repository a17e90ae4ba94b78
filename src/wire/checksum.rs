//! The Internet checksum (RFC 1071), for `-v` checksum verification.

/// The one's-complement of the one's-complement sum of the 16-bit big-endian words of `parts`
/// taken as one byte string (an odd byte at the end of a part pairs with the first byte of the
/// next). Zero when the data includes a correct checksum field.
pub(crate) fn sum_parts(parts: &[&[u8]]) -> u16 {
    let mut acc: u64 = 0;
    let mut pending: Option<u8> = None;
    for part in parts {
        let mut rest: &[u8] = part;
        if let Some(hi) = pending.take() {
            match rest.split_first() {
                Some((lo, tail)) => {
                    acc += u64::from(u16::from_be_bytes([hi, *lo]));
                    rest = tail;
                }
                None => {
                    pending = Some(hi);
                    continue;
                }
            }
        }
        let mut chunks = rest.chunks_exact(2);
        for c in &mut chunks {
            if let Some(w) = c.first_chunk::<2>() {
                acc += u64::from(u16::from_be_bytes(*w));
            }
        }
        pending = chunks.remainder().first().copied();
    }
    if let Some(hi) = pending {
        acc += u64::from(u16::from_be_bytes([hi, 0]));
    }
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    !(acc as u16)
}

/// [`sum_parts`] of one slice.
pub(crate) fn sum(data: &[u8]) -> u16 {
    sum_parts(&[data])
}

/// The value the checksum field should have held, given the field's value and the checksum
/// computed over the data including it (tcpdump's `in_cksum_shouldbe`).
pub(crate) fn should_be(field: u16, computed: u16) -> u16 {
    let mut s = u32::from(field) + u32::from(computed);
    s = (s & 0xffff) + (s >> 16);
    s = (s & 0xffff) + (s >> 16);
    s as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1071_example() {
        // The example from RFC 1071 section 3: sum 0xddf2, checksum !0xddf2.
        let d = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(sum(&d), !0xddf2);
        assert_eq!(sum_parts(&[&d[..3], &d[3..]]), !0xddf2);
        assert_eq!(sum_parts(&[&d[..1], &[], &d[1..]]), !0xddf2);
    }

    #[test]
    fn header_with_checksum_sums_to_zero() {
        let h = [
            0x45, 0x00, 0x00, 0x54, 0x12, 0x34, 0x40, 0x00, 0x40, 0x01, 0x14, 0x73, 10, 0, 0, 1,
            10, 0, 0, 2,
        ];
        assert_eq!(sum(&h), 0);
        let mut bad = h;
        bad[11] = 0;
        let computed = sum(&bad);
        assert_eq!(should_be(0x1400, computed), 0x1473);
    }
}
