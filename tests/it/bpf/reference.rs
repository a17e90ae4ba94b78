//! A naive classic BPF interpreter and validator, written straight from the specification
//! (`filter-language.md` §7, libpcap's `bpf_filter.c` semantics, Linux's `bpf_check_classic`
//! and ancillary loads), one instruction at a time on the raw instructions: no pre-decoding,
//! no fusion, no tables. The fast interpreter must agree with it on every program and packet.

use ferrocap::bpf::{Ancillary, Instruction, Rules, LOOP_BUDGET};

const AD: u32 = 0xffff_f000;
const NET: u32 = 0xfff0_0000;
const LL: u32 = 0xffe0_0000;

/// Big-endian bytes `addr..addr + size` of the packet, if they were captured.
fn bytes(data: &[u8], addr: u64, size: u64) -> Option<u32> {
    let end = addr.checked_add(size)?;
    if end > data.len() as u64 {
        return None;
    }
    let mut v = 0u32;
    for i in addr..end {
        v = v << 8 | u32::from(data[i as usize]);
    }
    Some(v)
}

/// Netlink attribute search (the kernel's `nla_find`): from `start`, `len` bytes of
/// attributes `{u16 len, u16 type}` in host order, each padded to 4 bytes.
fn nla_find(data: &[u8], start: usize, len: usize, want: u32) -> u32 {
    let mut pos = start;
    let mut rem = len as i64;
    while rem >= 4 {
        let l = u16::from_ne_bytes([data[pos], data[pos + 1]]) as i64;
        let t = u16::from_ne_bytes([data[pos + 2], data[pos + 3]]) & 0x3fff;
        if l < 4 || l > rem {
            return 0;
        }
        if u32::from(t) == want {
            return pos as u32;
        }
        let step = (l + 3) & !3;
        rem -= step;
        pos += step as usize;
    }
    0
}

/// A load at `addr` of `size` bytes that the captured bytes could not satisfy, with Linux
/// metadata (`absolute`: an `ld [k]`; otherwise `ld [x + k]` or `ldxb`).
fn special(
    aux: &Ancillary,
    data: &[u8],
    addr: u32,
    size: u64,
    absolute: bool,
    a: u32,
    x: u32,
) -> Option<u32> {
    if addr >= AD {
        if !absolute {
            return None;
        }
        let n = addr - AD;
        let len = data.len();
        return Some(match n {
            0 => aux.protocol.into(),
            4 => aux.pkttype.into(),
            8 => aux.ifindex,
            12 => {
                if len < 4 || a as usize > len - 4 {
                    0
                } else {
                    nla_find(data, a as usize, len - a as usize, x)
                }
            }
            16 => {
                if len < 4 || a as usize > len - 4 {
                    0
                } else {
                    let at = a as usize;
                    let l = u16::from_ne_bytes([data[at], data[at + 1]]) as usize;
                    if l > len - at || l < 4 {
                        0
                    } else {
                        nla_find(data, at + 4, l - 4, x)
                    }
                }
            }
            20 => aux.mark,
            24 => aux.queue.into(),
            28 => aux.hatype.into(),
            32 => aux.rxhash,
            36 => aux.cpu,
            40 => a ^ x,
            44 => aux.vlan_tci.into(),
            48 => aux.vlan_present.into(),
            52 => aux.payload_offset,
            56 => aux.random,
            60 => aux.vlan_tpid.into(),
            _ => return None,
        });
    }
    if addr >= NET {
        let base = u64::from(aux.network_offset?);
        return bytes(data, base + u64::from(addr - NET), size);
    }
    if addr >= LL {
        return bytes(data, u64::from(addr - LL), size);
    }
    None
}

/// Runs `insns` on a packet: `data` captured, `wire_len` on the wire, `aux` Linux metadata.
pub fn run(insns: &[Instruction], data: &[u8], wire_len: u32, aux: Option<&Ancillary>) -> u32 {
    let (mut a, mut x) = (0u32, 0u32);
    let mut m = [0u32; 16];
    let mut pc = 0usize;
    let mut budget = u64::from(LOOP_BUDGET);
    // Packet load, else metadata, else reject.
    macro_rules! load {
        ($addr64:expr, $addr32:expr, $size:expr, $abs:expr) => {
            match bytes(data, $addr64, $size) {
                Some(v) => v,
                None => match aux.and_then(|aux| special(aux, data, $addr32, $size, $abs, a, x)) {
                    Some(v) => v,
                    None => return 0,
                },
            }
        };
    }
    loop {
        let Some(i) = insns.get(pc) else { return 0 };
        let k = i.k;
        let size = match i.code & 0x18 {
            0x00 => 4,
            0x08 => 2,
            _ => 1,
        };
        let mut next = pc + 1;
        match i.code {
            0x06 => return k,
            0x16 => return a,
            0x00 => a = k,
            0x01 => x = k,
            0x80 => a = wire_len,
            0x81 => x = wire_len,
            0x20 | 0x28 | 0x30 => a = load!(u64::from(k), k, size, true),
            0x40 | 0x48 | 0x50 => {
                a = load!(u64::from(x) + u64::from(k), x.wrapping_add(k), size, false)
            }
            0xb1 => x = (load!(u64::from(k), k, 1, false) & 0xf) * 4,
            0x60 => a = m[k as usize],
            0x61 => x = m[k as usize],
            0x02 => m[k as usize] = a,
            0x03 => m[k as usize] = x,
            0x84 => a = 0u32.wrapping_sub(a),
            0x07 => x = a,
            0x87 => a = x,
            c if c & 0x07 == 0x04 => {
                let v = if c & 0x08 != 0 { x } else { k };
                a = match c & 0xf0 {
                    0x00 => a.wrapping_add(v),
                    0x10 => a.wrapping_sub(v),
                    0x20 => a.wrapping_mul(v),
                    0x30 | 0x90 if v == 0 => return 0,
                    0x30 => a / v,
                    0x90 => a % v,
                    0x40 => a | v,
                    0x50 => a & v,
                    0xa0 => a ^ v,
                    // By X: 32 or more gives 0. By a constant: the count modulo 32 (x86).
                    0x60 | 0x70 if c & 0x08 != 0 && v >= 32 => 0,
                    0x60 => a << (v % 32),
                    0x70 => a >> (v % 32),
                    _ => return 0,
                };
            }
            0x05 => {
                let target = pc as i64 + 1 + i64::from(k as i32);
                if target <= pc as i64 {
                    let cost = (pc as i64 - target + 1) as u64;
                    if cost > budget {
                        return 0;
                    }
                    budget -= cost;
                }
                next = target as usize;
            }
            c if c & 0x07 == 0x05 => {
                let v = if c & 0x08 != 0 { x } else { k };
                let cond = match c & 0xf0 {
                    0x10 => a == v,
                    0x20 => a > v,
                    0x30 => a >= v,
                    0x40 => a & v != 0,
                    _ => return 0,
                };
                next = pc + 1 + usize::from(if cond { i.jt } else { i.jf });
            }
            _ => return 0,
        }
        pc = next;
    }
}

/// Which rule a program breaks first, as `(index, name)`, or None if it is valid. Names:
/// `empty`, `too long`, `opcode`, `jump`, `backward`, `no ret`, `scratch`, `div0`, `shift`,
/// `uninit`, `ancillary`.
pub fn validate(insns: &[Instruction], rules: Rules) -> Option<(usize, &'static str)> {
    let n = insns.len();
    if n == 0 {
        return Some((0, "empty"));
    }
    let max = if rules == Rules::Libpcap { 65535 } else { 4096 };
    if n > max {
        return Some((max, "too long"));
    }
    const KNOWN: [u16; 49] = [
        0x00, 0x01, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50, 0x60, 0x61, 0x80, 0x81, 0xb1, 0x02, 0x03,
        0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x44, 0x4c, 0x54, 0x5c, 0x64, 0x6c, 0x74,
        0x7c, 0x84, 0x94, 0x9c, 0xa4, 0xac, 0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d,
        0x06, 0x16, 0x07, 0x87,
    ];
    let linux = rules == Rules::Linux;
    for (i, insn) in insns.iter().enumerate() {
        let (c, k) = (insn.code, insn.k);
        if !KNOWN.contains(&c) {
            return Some((i, "opcode"));
        }
        if matches!(c, 0x02 | 0x03 | 0x60 | 0x61) && k >= 16 {
            return Some((i, "scratch"));
        }
        if matches!(c, 0x34 | 0x94) && k == 0 {
            return Some((i, "div0"));
        }
        if linux && matches!(c, 0x64 | 0x74) && k >= 32 {
            return Some((i, "shift"));
        }
        if linux
            && matches!(c, 0x20 | 0x28 | 0x30)
            && k >= AD
            && !((k - AD) < 64 && (k - AD) % 4 == 0)
        {
            return Some((i, "ancillary"));
        }
        if c == 0x05 {
            let target = i as i64 + 1 + i64::from(k as i32);
            let forward = i as i64 + 1 + i64::from(k);
            if forward < n as i64 {
                continue;
            }
            if target < 0 || target > i as i64 {
                return Some((i, "jump"));
            }
            if rules != Rules::Libpcap {
                return Some((i, "backward"));
            }
        } else if c & 0x07 == 0x05
            && (i + 1 + usize::from(insn.jt) >= n || i + 1 + usize::from(insn.jf) >= n)
        {
            return Some((i, "jump"));
        }
    }
    if !matches!(insns[n - 1].code, 0x06 | 0x16) {
        return Some((n - 1, "no ret"));
    }
    if linux {
        // The kernel's check_load_and_stores, as written: one pass in order; `valid` holds the
        // slots stored on the way here, narrowed at each instruction by what every jump to it
        // brought. Jumps reset it for the next instruction; a `ret` does not (so the next
        // instruction is also narrowed by the path that ended in the `ret` — stricter than a
        // true data-flow analysis, and what Linux enforces).
        let mut masks = vec![u16::MAX; n];
        let mut valid = 0u16;
        for (i, insn) in insns.iter().enumerate() {
            valid &= masks[i];
            let bit = 1u16 << (insn.k % 16);
            match insn.code {
                0x02 | 0x03 => valid |= bit,
                0x60 | 0x61 if valid & bit == 0 => return Some((i, "uninit")),
                0x05 => {
                    masks[i + 1 + insn.k as usize] &= valid;
                    valid = u16::MAX;
                }
                c if c & 0x07 == 0x05 => {
                    masks[i + 1 + usize::from(insn.jt)] &= valid;
                    masks[i + 1 + usize::from(insn.jf)] &= valid;
                    valid = u16::MAX;
                }
                _ => {}
            }
        }
    }
    None
}
