//! The order `getaddrinfo` gives a host's addresses: glibc's destination address selection
//! (RFC 3484, glibc's default policy tables), for name files read without the system resolver.
//!
//! The sort depends on the source address the kernel would pick for each destination, which a
//! name file does not say. [`sort_addresses`] assumes the common dual-stack host that libpcap's
//! reference outputs were made on: loopback sources for loopback destinations, a link-local
//! IPv6 source for link-local destinations, a unique-local IPv6 source (`fd00::1`) for other
//! IPv6 destinations, and an IPv4 source that shares no subnet with the destination. Under
//! that model `localhost` is `::1` then `127.0.0.1`, a unique-local IPv6 address comes before
//! an IPv4 one, and an IPv4 address comes before a global (`2001::/32`-labelled) IPv6 one —
//! exactly the orders in libpcap's `reference/resolver.txt`.

use super::{as_v4, as_v6};
use std::cmp::Ordering;
use std::net::{IpAddr, Ipv6Addr};

/// `(prefix, length, value)` rows, longest prefix first (glibc's `default_labels`).
const LABELS: &[(u128, u32, u32)] = &[
    (1, 128, 0),                // ::1
    (0x2002 << 112, 16, 2),     // 2002::/16 (6to4)
    (0, 96, 3),                 // ::/96 (IPv4-compatible)
    (0xffff << 32, 96, 4),      // ::ffff:0:0/96 (IPv4)
    (0xfec0 << 112, 10, 5),     // fec0::/10 (site-local)
    (0xfc00 << 112, 7, 6),      // fc00::/7 (unique-local)
    (0x2001_0000 << 96, 32, 7), // 2001::/32 (Teredo)
    (0, 0, 1),                  // ::/0
];

/// glibc's `default_precedence`.
const PRECEDENCE: &[(u128, u32, u32)] = &[
    (1, 128, 50),
    (0x2002 << 112, 16, 30),
    (0, 96, 20),
    (0xffff << 32, 96, 10),
    (0, 0, 40),
];

fn lookup(table: &[(u128, u32, u32)], a: Ipv6Addr) -> u32 {
    let bits = u128::from(a);
    table
        .iter()
        .find(|(p, len, _)| *len == 0 || bits >> (128 - len) == p >> (128 - len))
        .map_or(1, |&(_, _, v)| v)
}

/// glibc's `get_scope`: 2 link-local (and loopback), 5 site-local, 14 global.
fn scope(a: &IpAddr) -> u32 {
    if let Some(v4) = as_v4(a) {
        let o = v4.octets();
        return if o[0] == 127 || (o[0] == 169 && o[1] == 254) {
            2
        } else {
            14
        };
    }
    let v6 = as_v6(a);
    let s = v6.segments();
    if s[0] >> 8 == 0xff {
        u32::from(s[0] & 0xf)
    } else if v6.is_loopback() || s[0] & 0xffc0 == 0xfe80 {
        2
    } else if s[0] & 0xffc0 == 0xfec0 {
        5
    } else {
        14
    }
}

/// The source address the model assumes for `dst`.
fn source(dst: &IpAddr) -> IpAddr {
    if let Some(v4) = as_v4(dst) {
        return IpAddr::V4(if v4.is_loopback() {
            v4
        } else {
            // Outside any subnet of the destination: TEST-NET-2, never a destination here.
            std::net::Ipv4Addr::new(198, 51, 100, 1)
        });
    }
    let v6 = as_v6(dst);
    IpAddr::V6(if v6.is_loopback() {
        v6
    } else if v6.segments()[0] & 0xffc0 == 0xfe80 {
        Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1)
    } else {
        Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 1)
    })
}

/// glibc's `rfc3484_sort` comparison (rules 2, 5, 6, 8, 9; the others never differ here).
fn compare(a1: &IpAddr, a2: &IpAddr) -> Ordering {
    let (s1, s2) = (source(a1), source(a2));
    // Rule 2: prefer matching scope.
    let m1 = scope(a1) == scope(&s1);
    let m2 = scope(a2) == scope(&s2);
    if m1 != m2 {
        return if m1 {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    // Rule 5: prefer matching label.
    let l1 = lookup(LABELS, as_v6(a1)) == lookup(LABELS, as_v6(&s1));
    let l2 = lookup(LABELS, as_v6(a2)) == lookup(LABELS, as_v6(&s2));
    if l1 != l2 {
        return if l1 {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    // Rule 6: prefer higher precedence.
    let p1 = lookup(PRECEDENCE, as_v6(a1));
    let p2 = lookup(PRECEDENCE, as_v6(a2));
    if p1 != p2 {
        return p2.cmp(&p1);
    }
    // Rule 8: prefer smaller scope.
    if scope(a1) != scope(a2) {
        return scope(a1).cmp(&scope(a2));
    }
    // Rule 9: longest matching prefix, IPv6 only (the IPv4 source shares no subnet): the
    // position of the highest differing bit in the first 32-bit word where either differs.
    if let (IpAddr::V6(d1), IpAddr::V6(d2), IpAddr::V6(x1), IpAddr::V6(x2)) = (a1, a2, s1, s2) {
        let w = |a: &Ipv6Addr, i: usize| {
            let o = a.octets();
            u32::from_be_bytes([o[4 * i], o[4 * i + 1], o[4 * i + 2], o[4 * i + 3]])
        };
        if let Some(i) = (0..4).find(|&i| w(d1, i) != w(&x1, i) || w(d2, i) != w(&x2, i)) {
            let fls = |v: u32| 32 - v.leading_zeros();
            let (b1, b2) = (fls(w(d1, i) ^ w(&x1, i)), fls(w(d2, i) ^ w(&x2, i)));
            if b1 != b2 {
                return b1.cmp(&b2);
            }
        }
    }
    // Rule 10: keep the order.
    Ordering::Equal
}

/// `addrs` in the order glibc's `getaddrinfo` returns them on the host the module docs
/// describe (a stable sort).
pub fn sort_addresses(addrs: &[IpAddr]) -> Vec<IpAddr> {
    let mut v = addrs.to_vec();
    v.sort_by(compare);
    v
}
