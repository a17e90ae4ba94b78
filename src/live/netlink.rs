//! Interface counters from rtnetlink (`RTM_GETLINK`), as safe byte building and parsing.
//!
//! A capture's `if_dropped` comes from the interface's `rx_missed_errors + rx_fifo_errors`, as
//! libpcap's. libpcap reads them from `/sys/class/net/<dev>/statistics`, which shows the
//! devices of the network namespace sysfs was mounted in, not the one a thread entered with
//! `setns` (nor the one the capture socket lives in). A netlink socket opened next to the
//! capture socket lives in the same namespace for good, so asking it is right wherever the
//! capture is later read from. The system calls are in `sys.rs`; this module only builds the
//! request and reads the reply, with every length checked.
//!
//! Message layout (host byte order): `nlmsghdr` {len u32, type u16, flags u16, seq u32, pid
//! u32} (16 bytes), then for link messages `ifinfomsg` {family u8, pad u8, type u16, index
//! i32, flags u32, change u32} (16 bytes), then attributes `rtattr` {len u16, type u16} with
//! their payload, each aligned to 4 bytes. `IFLA_STATS64` (23) carries `rtnl_link_stats64`
//! (u64 counters), `IFLA_STATS` (7) the same counters as u32.

/// `RTM_NEWLINK`: the reply to `RTM_GETLINK`.
const RTM_NEWLINK: u16 = 16;
/// `RTM_GETLINK`.
const RTM_GETLINK: u16 = 18;
/// `NLMSG_ERROR`.
const NLMSG_ERROR: u16 = 2;
/// `NLMSG_DONE`.
const NLMSG_DONE: u16 = 3;
/// `NLM_F_REQUEST`.
const NLM_F_REQUEST: u16 = 1;
/// `IFLA_STATS`: `struct rtnl_link_stats` (u32 counters).
const IFLA_STATS: u16 = 7;
/// `IFLA_STATS64`: `struct rtnl_link_stats64` (u64 counters).
const IFLA_STATS64: u16 = 23;
/// The attribute type bits (`NLA_TYPE_MASK`: without the nested and byte-order flags).
const NLA_TYPE_MASK: u16 = 0x3fff;
/// Length of `nlmsghdr`.
const NLMSG_HDR_LEN: usize = 16;
/// Length of `ifinfomsg`.
const IFINFO_LEN: usize = 16;

/// Counters of an interface (a few of `rtnl_link_stats64`), since it was created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LinkStats {
    /// `rx_packets`.
    pub rx_packets: u64,
    /// `rx_dropped`.
    pub rx_dropped: u64,
    /// `rx_fifo_errors`: receiver FIFO overruns.
    pub rx_fifo_errors: u64,
    /// `rx_missed_errors`: packets the receiver missed (no buffer).
    pub rx_missed_errors: u64,
}

impl LinkStats {
    /// What libpcap reports as dropped by the interface: `rx_missed_errors + rx_fifo_errors`.
    pub fn if_dropped(&self) -> u64 {
        self.rx_missed_errors.wrapping_add(self.rx_fifo_errors)
    }
}

/// The `RTM_GETLINK` request for interface `ifindex`, with sequence number `seq`.
pub fn getlink_request(ifindex: i32, seq: u32) -> [u8; NLMSG_HDR_LEN + IFINFO_LEN] {
    let mut m = [0u8; NLMSG_HDR_LEN + IFINFO_LEN];
    m[0..4].copy_from_slice(&((NLMSG_HDR_LEN + IFINFO_LEN) as u32).to_ne_bytes());
    m[4..6].copy_from_slice(&RTM_GETLINK.to_ne_bytes());
    m[6..8].copy_from_slice(&NLM_F_REQUEST.to_ne_bytes());
    m[8..12].copy_from_slice(&seq.to_ne_bytes());
    // pid 0: the kernel. ifinfomsg: family AF_UNSPEC, type 0, the index, no flags.
    m[20..24].copy_from_slice(&ifindex.to_ne_bytes());
    m
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(*b.get(at..)?.first_chunk::<2>()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(*b.get(at..)?.first_chunk::<4>()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_ne_bytes(*b.get(at..)?.first_chunk::<8>()?))
}

/// Reads the reply to [`getlink_request`] with sequence number `seq` for `ifindex`: the
/// counters, or why there are none (the kernel's error, a malformed or foreign reply).
pub fn parse_getlink_reply(buf: &[u8], ifindex: i32, seq: u32) -> Result<LinkStats, String> {
    let mut at = 0;
    while at + NLMSG_HDR_LEN <= buf.len() {
        let len = u32_at(buf, at).unwrap_or(0) as usize;
        let ty = u16_at(buf, at + 4).unwrap_or(0);
        let mseq = u32_at(buf, at + 8).unwrap_or(0);
        if len < NLMSG_HDR_LEN || at + len > buf.len() {
            return Err(format!("netlink message of {len} bytes at offset {at}"));
        }
        let msg = &buf[at..at + len];
        at += len.next_multiple_of(4);
        if mseq != seq {
            continue;
        }
        match ty {
            NLMSG_ERROR => {
                let code = u32_at(msg, NLMSG_HDR_LEN).map_or(0, |c| c as i32);
                return Err(format!(
                    "RTM_GETLINK: {}",
                    std::io::Error::from_raw_os_error(code.saturating_neg())
                ));
            }
            NLMSG_DONE => break,
            RTM_NEWLINK => {
                let index = u32_at(msg, NLMSG_HDR_LEN + 4).map(|i| i as i32);
                if index != Some(ifindex) {
                    continue;
                }
                return link_stats(&msg[(NLMSG_HDR_LEN + IFINFO_LEN).min(msg.len())..])
                    .ok_or_else(|| format!("no link statistics for interface {ifindex}"));
            }
            _ => {}
        }
    }
    Err(format!("no RTM_NEWLINK reply for interface {ifindex}"))
}

/// The counters in a link message's attributes: `IFLA_STATS64`, else `IFLA_STATS`.
fn link_stats(mut attrs: &[u8]) -> Option<LinkStats> {
    let mut narrow = None;
    while attrs.len() >= 4 {
        let len = usize::from(u16_at(attrs, 0)?);
        let ty = u16_at(attrs, 2)? & NLA_TYPE_MASK;
        if len < 4 || len > attrs.len() {
            return None;
        }
        let payload = &attrs[4..len];
        // Counter n of a stats structure of `width`-byte fields.
        let field = |n: usize, width: usize| -> Option<u64> {
            match width {
                8 => u64_at(payload, n * 8),
                _ => u32_at(payload, n * 4).map(u64::from),
            }
        };
        let read = |width| -> Option<LinkStats> {
            Some(LinkStats {
                rx_packets: field(0, width)?,
                rx_dropped: field(6, width)?,
                rx_fifo_errors: field(14, width)?,
                rx_missed_errors: field(15, width)?,
            })
        };
        if ty == IFLA_STATS64 {
            if let Some(s) = read(8) {
                return Some(s);
            }
        } else if ty == IFLA_STATS {
            narrow = read(4);
        }
        attrs = attrs.get(len.next_multiple_of(4)..).unwrap_or_default();
    }
    narrow
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reply as the kernel builds it: one RTM_NEWLINK for `ifindex` with a name attribute,
    /// `stats` as IFLA_STATS64 (or IFLA_STATS when `wide` is false), and another attribute.
    fn reply(ifindex: i32, seq: u32, stats: &[u64], wide: bool) -> Vec<u8> {
        let mut attrs = Vec::new();
        let mut attr = |ty: u16, payload: &[u8]| {
            attrs.extend_from_slice(&((4 + payload.len()) as u16).to_ne_bytes());
            attrs.extend_from_slice(&ty.to_ne_bytes());
            attrs.extend_from_slice(payload);
            while attrs.len() % 4 != 0 {
                attrs.push(0);
            }
        };
        attr(3, b"vA\0"); // IFLA_IFNAME, 7 bytes: padded
        let payload: Vec<u8> = if wide {
            stats.iter().flat_map(|v| v.to_ne_bytes()).collect()
        } else {
            stats
                .iter()
                .flat_map(|&v| (v as u32).to_ne_bytes())
                .collect()
        };
        attr(if wide { IFLA_STATS64 } else { IFLA_STATS }, &payload);
        attr(4, &1500u32.to_ne_bytes()); // IFLA_MTU
        let mut m = Vec::new();
        let len = (NLMSG_HDR_LEN + IFINFO_LEN + attrs.len()) as u32;
        m.extend_from_slice(&len.to_ne_bytes());
        m.extend_from_slice(&RTM_NEWLINK.to_ne_bytes());
        m.extend_from_slice(&0u16.to_ne_bytes());
        m.extend_from_slice(&seq.to_ne_bytes());
        m.extend_from_slice(&1234u32.to_ne_bytes());
        m.extend_from_slice(&[0, 0, 1, 0]);
        m.extend_from_slice(&ifindex.to_ne_bytes());
        m.extend_from_slice(&[0; 8]);
        m.extend_from_slice(&attrs);
        m
    }

    fn counters() -> Vec<u64> {
        // rx_packets 1000, rx_dropped 6, rx_fifo_errors 14, rx_missed_errors 15, others n + 100.
        (0..24u64)
            .map(|n| match n {
                0 => 1000,
                6 | 14 | 15 => n,
                _ => n + 100,
            })
            .collect()
    }

    #[test]
    fn request_layout() {
        let r = getlink_request(7, 42);
        assert_eq!(u32_at(&r, 0), Some(32));
        assert_eq!(u16_at(&r, 4), Some(RTM_GETLINK));
        assert_eq!(u16_at(&r, 6), Some(NLM_F_REQUEST));
        assert_eq!(u32_at(&r, 8), Some(42));
        assert_eq!(u32_at(&r, 20), Some(7));
    }

    #[test]
    fn stats64_and_stats() {
        let want = LinkStats {
            rx_packets: 1000,
            rx_dropped: 6,
            rx_fifo_errors: 14,
            rx_missed_errors: 15,
        };
        assert_eq!(
            parse_getlink_reply(&reply(7, 42, &counters(), true), 7, 42),
            Ok(want)
        );
        assert_eq!(want.if_dropped(), 29);
        assert_eq!(
            parse_getlink_reply(&reply(7, 42, &counters(), false), 7, 42),
            Ok(want),
            "32-bit counters when there are no 64-bit ones"
        );
        // Another interface's or another request's reply is not this one.
        assert!(parse_getlink_reply(&reply(8, 42, &counters(), true), 7, 42).is_err());
        assert!(parse_getlink_reply(&reply(7, 41, &counters(), true), 7, 42).is_err());
        // Too few counters: no statistics.
        assert!(parse_getlink_reply(&reply(7, 42, &counters()[..15], true), 7, 42).is_err());
    }

    #[test]
    fn errors_and_garbage() {
        let mut e = Vec::new();
        e.extend_from_slice(&36u32.to_ne_bytes());
        e.extend_from_slice(&NLMSG_ERROR.to_ne_bytes());
        e.extend_from_slice(&[0, 0]);
        e.extend_from_slice(&42u32.to_ne_bytes());
        e.extend_from_slice(&[0; 4]);
        e.extend_from_slice(&(-libc::ENODEV).to_ne_bytes());
        e.extend_from_slice(&[0; 16]);
        let msg = parse_getlink_reply(&e, 7, 42).unwrap_err();
        assert!(msg.contains("RTM_GETLINK"), "{msg}");
        // Every truncation and a lying length fail cleanly.
        let good = reply(7, 42, &counters(), true);
        for cut in 0..good.len() {
            assert!(parse_getlink_reply(&good[..cut], 7, 42).is_err(), "{cut}");
        }
        let mut bad = good.clone();
        bad[0..4].copy_from_slice(&u32::MAX.to_ne_bytes());
        assert!(parse_getlink_reply(&bad, 7, 42).is_err());
        let mut bad = good;
        let first_attr = NLMSG_HDR_LEN + IFINFO_LEN;
        bad[first_attr..first_attr + 2].copy_from_slice(&2u16.to_ne_bytes());
        assert!(parse_getlink_reply(&bad, 7, 42).is_err());
        assert!(parse_getlink_reply(&[], 7, 42).is_err());
    }
}
