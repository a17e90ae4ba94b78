//! The name files' formats: whitespace-separated fields, `#` to the end of the line is a
//! comment, malformed lines are skipped (as glibc skips them).

use std::collections::HashMap;
use std::net::IpAddr;

/// Fields of each non-empty line, comments removed.
fn lines(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines().filter_map(|l| {
        let l = l.split('#').next().unwrap_or("");
        let f: Vec<&str> = l.split_whitespace().collect();
        (!f.is_empty()).then_some(f)
    })
}

/// `nsswitch.conf`: database → sources (`files`, `dns`, …), actions in brackets dropped.
pub fn nsswitch(text: &str) -> HashMap<String, Vec<String>> {
    let mut out = HashMap::new();
    for l in text.lines() {
        let l = l.split('#').next().unwrap_or("");
        let Some((db, rest)) = l.split_once(':') else {
            continue;
        };
        let mut sources = Vec::new();
        let mut in_action = false;
        for w in rest.split_whitespace() {
            if w.starts_with('[') {
                in_action = !w.ends_with(']');
                continue;
            }
            if in_action {
                in_action = !w.ends_with(']');
                continue;
            }
            sources.push(w.to_string());
        }
        out.insert(db.trim().to_string(), sources);
    }
    out
}

/// `hosts`: `address name aliases…` → lower-case name → addresses, in file order.
pub fn hosts(text: &str) -> HashMap<String, Vec<IpAddr>> {
    let mut out: HashMap<String, Vec<IpAddr>> = HashMap::new();
    for f in lines(text) {
        // glibc reads the address with inet_pton (IPv4 dotted quads, IPv6 without scope).
        let Ok(addr) = f[0].parse::<IpAddr>() else {
            continue;
        };
        for name in &f[1..] {
            let v = out.entry(name.to_ascii_lowercase()).or_default();
            if !v.contains(&addr) {
                v.push(addr);
            }
        }
    }
    out
}

/// `networks`: `name number aliases…` → lower-case name → number (`inet_network`).
pub fn networks(text: &str) -> HashMap<String, u32> {
    let mut out = HashMap::new();
    for f in lines(text) {
        let Some(n) = f.get(1).and_then(|n| inet_network(n)) else {
            continue;
        };
        for name in f.iter().take(1).chain(f.iter().skip(2)) {
            out.entry(name.to_ascii_lowercase()).or_insert(n);
        }
    }
    out
}

/// `services`: `name port/proto aliases…` → (name, proto) → port; the first line wins.
pub fn services(text: &str) -> HashMap<(String, String), u16> {
    let mut out = HashMap::new();
    for f in lines(text) {
        let Some((port, proto)) = f.get(1).and_then(|p| p.split_once('/')) else {
            continue;
        };
        let Ok(port) = port.parse::<u16>() else {
            continue;
        };
        for name in f.iter().take(1).chain(f.iter().skip(2)) {
            out.entry((name.to_string(), proto.to_string()))
                .or_insert(port);
        }
    }
    out
}

/// `protocols`: `name number aliases…` → name → number; the first line wins.
pub fn protocols(text: &str) -> HashMap<String, u32> {
    let mut out = HashMap::new();
    for f in lines(text) {
        let Some(n) = f.get(1).and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        for name in f.iter().take(1).chain(f.iter().skip(2)) {
            out.entry(name.to_string()).or_insert(n);
        }
    }
    out
}

/// `ethers`: `mac name` → lower-case name → MAC; the first line wins.
pub fn ethers(text: &str) -> HashMap<String, [u8; 6]> {
    let mut out = HashMap::new();
    for f in lines(text) {
        let (Some(mac), Some(name)) = (f.first().and_then(|m| mac(m)), f.get(1)) else {
            continue;
        };
        out.entry(name.to_ascii_lowercase()).or_insert(mac);
    }
    out
}

/// `xx:xx:xx:xx:xx:xx` with one or two hex digits per byte (`ether_aton`).
fn mac(s: &str) -> Option<[u8; 6]> {
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() != 6 {
        return None;
    }
    let mut m = [0u8; 6];
    for (b, p) in m.iter_mut().zip(parts) {
        if p.is_empty() || p.len() > 2 {
            return None;
        }
        *b = u8::from_str_radix(p, 16).ok()?;
    }
    Some(m)
}

/// `inet_network`: up to four dot-separated parts (decimal, `0x` hex, `0` octal), each
/// shifted in from the right: `10` is 10, `10.20` is 0x0a14, `10.20.0.0` is 0x0a140000.
pub fn inet_network(s: &str) -> Option<u32> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    let mut v: u32 = 0;
    for p in parts {
        let (digits, radix) = if let Some(h) = p.strip_prefix("0x").or_else(|| p.strip_prefix("0X"))
        {
            (h, 16)
        } else if p.len() > 1 && p.starts_with('0') {
            (&p[1..], 8)
        } else {
            (p, 10)
        };
        let n = u32::from_str_radix(digits, radix).ok()?;
        if n > 255 {
            return None;
        }
        v = (v << 8) | n;
    }
    Some(v)
}
