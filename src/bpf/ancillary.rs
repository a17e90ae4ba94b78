//! Per-packet metadata for Linux's ancillary loads ([`Ancillary`]), and the netlink attribute
//! search behind `ld [nla]` / `ld [nlan]`.
//!
//! A Linux socket filter can read, besides packet bytes, fields the kernel keeps next to the
//! packet: `ld [SKF_AD_OFF + SKF_AD_IFINDEX]` loads the interface index, and so on. libpcap emits
//! such loads for `vlan` (when the tag was stripped by the NIC), `inbound`/`outbound` and
//! `ifindex` on live Linux handles. A live capture knows these values (from `tpacket3_hdr` and
//! `sockaddr_ll`) and hands them to [`Program::run_with`](crate::bpf::Program::run_with); a file
//! does not, and [`Program::run`](crate::bpf::Program::run) then behaves as libpcap's
//! `bpf_filter`: every ancillary load rejects the packet.

use super::op::{
    SKF_AD_ALU_XOR_X, SKF_AD_CPU, SKF_AD_HATYPE, SKF_AD_IFINDEX, SKF_AD_MARK, SKF_AD_MAX,
    SKF_AD_NLATTR, SKF_AD_NLATTR_NEST, SKF_AD_OFF, SKF_AD_PAY_OFFSET, SKF_AD_PKTTYPE,
    SKF_AD_PROTOCOL, SKF_AD_QUEUE, SKF_AD_RANDOM, SKF_AD_RXHASH, SKF_AD_VLAN_TAG,
    SKF_AD_VLAN_TAG_PRESENT, SKF_AD_VLAN_TPID, SKF_LL_OFF, SKF_NET_OFF,
};

/// The metadata a Linux socket filter can read besides the packet bytes (`SKF_AD_*` loads).
///
/// Fill in what the source knows; the rest stays 0, which is also what the kernel reports for
/// metadata a packet lacks (no VLAN tag: `vlan_tci` 0 and `vlan_present` false). Loads of each
/// field return it zero-extended to 32 bits, whatever the load size (`ldb [vlan_tci]` returns all
/// 16 bits, as in the kernel and in libpcap's `bpf_filter_with_aux_data`).
///
/// `ld [nla]` and `ld [nlan]` (netlink attribute search) and `ld [xor_x]` (`A ^= X`) need no
/// metadata: they are computed from the packet and the registers as the kernel does.
///
/// ```
/// use ferrocap::bpf::op::{BPF_A, BPF_ABS, BPF_B, BPF_LD, BPF_RET, SKF_AD_OFF, SKF_AD_VLAN_TAG_PRESENT};
/// use ferrocap::bpf::{Ancillary, Instruction, Program};
///
/// let prog = Program::new(vec![
///     Instruction::stmt(BPF_LD | BPF_B | BPF_ABS, SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT),
///     Instruction::stmt(BPF_RET | BPF_A, 0),
/// ])?;
/// let mut aux = Ancillary::default();
/// aux.vlan_present = true;
/// assert_eq!(prog.run_with(&[0; 60], 60, &aux), 1);
/// assert_eq!(prog.run(&[0; 60], 60), 0); // no metadata: rejected, as by libpcap's bpf_filter
/// # Ok::<(), ferrocap::bpf::ValidateError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Ancillary {
    /// `[proto]`: the packet's protocol, an EtherType in host order (`skb->protocol`).
    pub protocol: u16,
    /// `[type]`: the packet type (`PACKET_HOST` 0, `PACKET_BROADCAST` 1, `PACKET_MULTICAST` 2,
    /// `PACKET_OTHERHOST` 3, `PACKET_OUTGOING` 4).
    pub pkttype: u8,
    /// `[ifidx]`: the index of the interface the packet came in on or went out of.
    pub ifindex: u32,
    /// `[mark]`: the packet mark.
    pub mark: u32,
    /// `[queue]`: the queue the packet was received on.
    pub queue: u16,
    /// `[hatype]`: the interface's hardware type (`ARPHRD_ETHER` 1, …).
    pub hatype: u16,
    /// `[rxhash]`: the receive hash.
    pub rxhash: u32,
    /// `[cpu]`: the CPU the filter runs on.
    pub cpu: u32,
    /// `[vlan_tci]`: the VLAN TCI the NIC stripped (0 if none).
    pub vlan_tci: u16,
    /// `[vlanp]`: whether the NIC stripped a VLAN tag.
    pub vlan_present: bool,
    /// `[vlan_tpid]`: the stripped tag's TPID (0x8100, 0x88a8, …; 0 if none).
    pub vlan_tpid: u16,
    /// `[poff]`: the offset of the transport payload (0 when unknown, as in the kernel).
    pub payload_offset: u32,
    /// `[random]`: the value a `ld [random]` returns (the kernel draws a fresh one per load).
    pub random: u32,
    /// Where the network header starts in the data, for `SKF_NET_OFF`-relative loads (`None`:
    /// such loads reject). `SKF_LL_OFF`-relative loads address the data from its start.
    pub network_offset: Option<u32>,
}

impl Ancillary {
    /// All fields zero (no VLAN tag, unknown network offset).
    pub const fn new() -> Ancillary {
        Ancillary {
            protocol: 0,
            pkttype: 0,
            ifindex: 0,
            mark: 0,
            queue: 0,
            hatype: 0,
            rxhash: 0,
            cpu: 0,
            vlan_tci: 0,
            vlan_present: false,
            vlan_tpid: 0,
            payload_offset: 0,
            random: 0,
            network_offset: None,
        }
    }
}

/// The Linux semantics of a load the packet bytes could not satisfy, given metadata: an
/// ancillary field (`k` at `SKF_AD_OFF + n`, absolute loads only), or a load relative to the
/// link-layer or network header (`SKF_LL_OFF`/`SKF_NET_OFF`, absolute or indirect). `addr` is
/// `k` (absolute) or `X + k` computed in 32 bits (indirect), `size` 1, 2 or 4. `None` rejects.
#[cold]
pub(crate) fn load(
    aux: &Ancillary,
    data: &[u8],
    addr: u32,
    size: usize,
    absolute: bool,
    a: u32,
    x: u32,
) -> Option<u32> {
    if addr >= SKF_AD_OFF {
        if !absolute {
            return None;
        }
        return field(aux, data, addr.wrapping_sub(SKF_AD_OFF), a, x);
    }
    let start = if addr >= SKF_NET_OFF {
        usize::try_from(aux.network_offset?)
            .ok()?
            .checked_add(usize::try_from(addr.wrapping_sub(SKF_NET_OFF)).ok()?)?
    } else if addr >= SKF_LL_OFF {
        usize::try_from(addr.wrapping_sub(SKF_LL_OFF)).ok()?
    } else {
        return None;
    };
    let bytes = data.get(start..)?.get(..size)?;
    Some(bytes.iter().fold(0u32, |v, &b| (v << 8) | u32::from(b)))
}

/// Ancillary field `n` (`SKF_AD_*`).
fn field(aux: &Ancillary, data: &[u8], n: u32, a: u32, x: u32) -> Option<u32> {
    if n >= SKF_AD_MAX {
        return None;
    }
    Some(match n {
        SKF_AD_PROTOCOL => u32::from(aux.protocol),
        SKF_AD_PKTTYPE => u32::from(aux.pkttype),
        SKF_AD_IFINDEX => aux.ifindex,
        SKF_AD_NLATTR => nlattr(data, a, x),
        SKF_AD_NLATTR_NEST => nlattr_nest(data, a, x),
        SKF_AD_MARK => aux.mark,
        SKF_AD_QUEUE => u32::from(aux.queue),
        SKF_AD_HATYPE => u32::from(aux.hatype),
        SKF_AD_RXHASH => aux.rxhash,
        SKF_AD_CPU => aux.cpu,
        SKF_AD_ALU_XOR_X => a ^ x,
        SKF_AD_VLAN_TAG => u32::from(aux.vlan_tci),
        SKF_AD_VLAN_TAG_PRESENT => u32::from(aux.vlan_present),
        SKF_AD_PAY_OFFSET => aux.payload_offset,
        SKF_AD_RANDOM => aux.random,
        SKF_AD_VLAN_TPID => u32::from(aux.vlan_tpid),
        _ => return None,
    })
}

/// Size of a netlink attribute header (`struct nlattr`: `u16 nla_len, u16 nla_type`, host order).
const NLA_HDRLEN: usize = 4;
/// `nla_type` without the nested and byte-order flags.
const NLA_TYPE_MASK: u16 = 0x3fff;

fn nla_header(data: &[u8], at: usize) -> Option<(usize, u16)> {
    let h = data.get(at..)?.first_chunk::<4>()?;
    let len = u16::from_ne_bytes([h[0], h[1]]);
    let ty = u16::from_ne_bytes([h[2], h[3]]);
    Some((usize::from(len), ty))
}

/// The kernel's `nla_find` over `data[start..start + len]`: the offset (from the start of
/// `data`) of the first attribute of type `x`, or 0.
fn nla_find(data: &[u8], start: usize, len: usize, x: u32) -> u32 {
    let mut pos = start;
    let mut rem = len;
    while rem >= NLA_HDRLEN {
        let Some((nla_len, ty)) = nla_header(data, pos) else {
            return 0;
        };
        if nla_len < NLA_HDRLEN || nla_len > rem {
            return 0;
        }
        if u32::from(ty & NLA_TYPE_MASK) == x {
            return u32::try_from(pos).unwrap_or(0);
        }
        // NLA_ALIGN: round up to 4.
        let step = (nla_len + 3) & !3;
        let Some(r) = rem.checked_sub(step) else {
            return 0;
        };
        rem = r;
        pos += step;
    }
    0
}

/// Offset A, and the bytes from it to the end, when an attribute header fits there (the
/// kernel's check before either search).
fn nla_start(data: &[u8], a: u32) -> Option<(usize, usize)> {
    let a = a as usize;
    let rest = data.len().checked_sub(a)?;
    (rest >= NLA_HDRLEN).then_some((a, rest))
}

/// `ld [nla]`: search the attributes from offset A for type X.
fn nlattr(data: &[u8], a: u32, x: u32) -> u32 {
    match nla_start(data, a) {
        Some((a, rest)) => nla_find(data, a, rest, x),
        None => 0,
    }
}

/// `ld [nlan]`: search the attributes nested in the attribute at offset A for type X.
fn nlattr_nest(data: &[u8], a: u32, x: u32) -> u32 {
    let Some((a, rest)) = nla_start(data, a) else {
        return 0;
    };
    let Some((nla_len, _)) = nla_header(data, a) else {
        return 0;
    };
    if nla_len > rest {
        return 0;
    }
    match nla_len.checked_sub(NLA_HDRLEN) {
        Some(inner) => nla_find(data, a + NLA_HDRLEN, inner, x),
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(ty: u16, payload: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&((payload.len() + 4) as u16).to_ne_bytes());
        v.extend_from_slice(&ty.to_ne_bytes());
        v.extend_from_slice(payload);
        while v.len() % 4 != 0 {
            v.push(0);
        }
        v
    }

    #[test]
    fn fields() {
        let mut aux = Ancillary::new();
        aux.protocol = 0x0800;
        aux.pkttype = 4;
        aux.ifindex = 7;
        aux.vlan_tci = 0xf123;
        aux.vlan_present = true;
        let get = |n| load(&aux, &[], SKF_AD_OFF + n, 1, true, 5, 3);
        assert_eq!(get(SKF_AD_PROTOCOL), Some(0x0800));
        assert_eq!(get(SKF_AD_PKTTYPE), Some(4));
        assert_eq!(get(SKF_AD_IFINDEX), Some(7));
        assert_eq!(get(SKF_AD_VLAN_TAG), Some(0xf123));
        assert_eq!(get(SKF_AD_VLAN_TAG_PRESENT), Some(1));
        assert_eq!(get(SKF_AD_ALU_XOR_X), Some(6));
        assert_eq!(get(2), None);
        assert_eq!(get(SKF_AD_MAX), None);
        // Indirect loads never reach ancillary fields.
        assert_eq!(load(&aux, &[], SKF_AD_OFF, 4, false, 0, 0), None);
    }

    #[test]
    fn header_relative_loads() {
        let data = [1, 2, 3, 4, 5, 6, 7, 8];
        let mut aux = Ancillary::new();
        assert_eq!(
            load(&aux, &data, SKF_LL_OFF + 1, 2, true, 0, 0),
            Some(0x0203)
        );
        assert_eq!(load(&aux, &data, SKF_NET_OFF, 1, true, 0, 0), None);
        aux.network_offset = Some(4);
        assert_eq!(
            load(&aux, &data, SKF_NET_OFF, 4, false, 0, 0),
            Some(0x05060708)
        );
        assert_eq!(load(&aux, &data, SKF_NET_OFF + 1, 4, true, 0, 0), None);
        assert_eq!(load(&aux, &data, SKF_LL_OFF - 1, 1, true, 0, 0), None);
    }

    #[test]
    fn netlink_attributes() {
        let mut msg = vec![0u8; 16]; // a netlink header's worth of bytes before the attributes
        msg.extend(attr(1, &[9, 9, 9]));
        let nested_at = msg.len();
        let inner = [attr(5, &[1]), attr(6, &[2, 2])].concat();
        msg.extend(attr(2 | 0x8000, &inner));
        assert_eq!(nlattr(&msg, 16, 1), 16);
        assert_eq!(nlattr(&msg, 16, 2), nested_at as u32);
        assert_eq!(nlattr(&msg, 16, 3), 0);
        assert_eq!(nlattr(&msg, msg.len() as u32, 1), 0);
        assert_eq!(
            nlattr_nest(&msg, nested_at as u32, 6),
            (nested_at + 4 + 8) as u32
        );
        assert_eq!(nlattr_nest(&msg, nested_at as u32, 1), 0);
        // A length beyond the data stops the search.
        let mut bad = attr(1, &[0; 4]);
        bad[0] = 200;
        assert_eq!(nlattr(&bad, 0, 1), 0);
        assert_eq!(nlattr_nest(&bad, 0, 1), 0);
    }
}
