//! Packets to run filters on: every packet of the shared captures (`../shared/corpus/files`,
//! `../shared/filters/pcaps`) by link type, without duplicates, and mutated copies that write
//! into them the values libpcap's programs compare at the offsets they load from.

use ferrocap::bpf::op::{BPF_ABS, BPF_B, BPF_H, BPF_IND, BPF_JMP, BPF_K, BPF_LD, BPF_W};
use ferrocap::bpf::{Instruction, Program};
use ferrocap::file::Reader;
use ferrocap::Linktype;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// A packet: captured bytes and length on the wire.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Pkt {
    /// The captured bytes.
    pub data: Vec<u8>,
    /// The length on the wire.
    pub wire_len: u32,
}

/// Every distinct packet of the shared captures, by link type.
pub fn by_linktype(shared: &Path) -> &'static HashMap<Linktype, Vec<Pkt>> {
    static ALL: OnceLock<HashMap<Linktype, Vec<Pkt>>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut files = Vec::new();
        for dir in ["corpus/files", "filters/pcaps"] {
            if let Ok(rd) = std::fs::read_dir(shared.join(dir)) {
                for e in rd.flatten() {
                    files.push(e.path());
                }
            }
        }
        files.sort();
        let mut seen: HashSet<(Linktype, Pkt)> = HashSet::new();
        let mut out: HashMap<Linktype, Vec<Pkt>> = HashMap::new();
        for f in files {
            let Ok(bytes) = std::fs::read(&f) else {
                continue;
            };
            let Ok(mut r) = Reader::from_bytes(bytes) else {
                continue;
            };
            // Every packet before the first error.
            while let Ok(Some(p)) = r.next() {
                let pkt = Pkt {
                    data: p.data.to_vec(),
                    wire_len: p.header.len,
                };
                let lt = p.header.linktype();
                if seen.insert((lt, pkt.clone())) {
                    out.entry(lt).or_default().push(pkt);
                }
            }
        }
        out
    })
}

/// Packets of a link type the captures lack, made from another's: DLT_LOOP from DLT_NULL
/// (address family in network order), PFLOG from raw IP (a 64-byte `pfloghdr` in front),
/// LINUX_SLL2 from LINUX_SLL (the 20-byte header), so every link type has packets.
pub fn synthesized(shared: &Path, lt: Linktype) -> Vec<Pkt> {
    let all = by_linktype(shared);
    let from = |l: Linktype| all.get(&l).cloned().unwrap_or_default();
    let mut rng = Rng::new(u64::from(lt.0) * 7919);
    match lt {
        Linktype::LOOP => from(Linktype::NULL)
            .into_iter()
            .filter(|p| p.data.len() >= 4)
            .map(|mut p| {
                let af = u32::from_le_bytes([p.data[0], p.data[1], p.data[2], p.data[3]]);
                p.data[..4].copy_from_slice(&af.to_be_bytes());
                p
            })
            .collect(),
        Linktype::PFLOG => from(Linktype::RAW)
            .into_iter()
            .map(|p| {
                let mut h = vec![0u8; 64];
                h[0] = 61;
                h[1] = match p.data.first().map(|b| b >> 4) {
                    Some(6) => [10u8, 24, 28][rng.below(3)],
                    _ => 2,
                };
                h[2] = rng.below(11) as u8; // action
                h[3] = rng.below(15) as u8; // reason
                h[4..7].copy_from_slice(b"em0");
                h[36..40].copy_from_slice(&(rng.below(4) as u32).to_be_bytes());
                h[60] = 1 + rng.below(2) as u8; // direction
                let wire_len = p.wire_len + 64;
                h.extend_from_slice(&p.data);
                Pkt { data: h, wire_len }
            })
            .collect(),
        Linktype::LINUX_SLL2 => from(Linktype::LINUX_SLL)
            .into_iter()
            .filter(|p| p.data.len() >= 16)
            .map(|p| {
                let d = &p.data;
                let mut h = Vec::with_capacity(d.len() + 4);
                h.extend_from_slice(&d[14..16]); // protocol
                h.extend_from_slice(&[0, 0]); // reserved
                h.extend_from_slice(&(1 + rng.below(3) as u32).to_be_bytes()); // ifindex
                h.extend_from_slice(&d[2..4]); // hatype
                h.push(d[1]); // packet type
                h.push(d[5]); // address length
                h.extend_from_slice(&d[6..14]); // address
                h.extend_from_slice(&d[16..]);
                Pkt {
                    data: h,
                    wire_len: p.wire_len + 4,
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Ethernet frames with tags inserted after the MAC addresses: an 802.1Q tag, 802.1ad +
/// 802.1Q, an MPLS label (bottom of stack) before an IP payload, a PPPoE session header before
/// an IP payload — the encapsulations `vlan`, `mpls` and `pppoes` look through.
pub fn encapsulated(pkts: &[Pkt], max_packets: usize, seed: u64) -> Vec<Pkt> {
    let mut rng = Rng::new(seed);
    let stride = pkts.len().div_ceil(max_packets.max(1)).max(1);
    let mut out = Vec::new();
    for p in pkts.iter().step_by(stride) {
        if p.data.len() < 14 {
            continue;
        }
        let (mac, rest) = p.data.split_at(12);
        let ethertype = u16::from_be_bytes([rest[0], rest[1]]);
        let vid = [1u16, 100, 200, 4095][rng.below(4)];
        let tags: Vec<Vec<u8>> = vec![
            [&[0x81, 0x00][..], &vid.to_be_bytes()].concat(),
            [
                &[0x88, 0xa8][..],
                &vid.to_be_bytes(),
                &[0x81, 0x00, 0x00, 0x07],
            ]
            .concat(),
        ];
        let proto = match ethertype {
            0x0800 => Some((0x0021u16, 0x8847u16)),
            0x86dd => Some((0x0057, 0x8847)),
            _ => None,
        };
        let mut replaced: Vec<Vec<u8>> = Vec::new();
        if let Some((ppp, mpls)) = proto {
            let label = [0u32, 16, 100, 0xfffff][rng.below(4)];
            let l = (label << 12) | 0x100 | 64;
            replaced.push([&mpls.to_be_bytes()[..], &l.to_be_bytes()].concat());
            let len = (rest.len() - 2 + 2) as u16;
            let session = [0u16, 1, 0x1234][rng.below(3)];
            replaced.push(
                [
                    &[0x88, 0x64, 0x11, 0x00][..],
                    &session.to_be_bytes(),
                    &len.to_be_bytes(),
                    &ppp.to_be_bytes(),
                ]
                .concat(),
            );
        }
        for t in tags {
            let mut d = mac.to_vec();
            d.extend_from_slice(&t);
            d.extend_from_slice(rest);
            out.push(Pkt {
                wire_len: p.wire_len + t.len() as u32,
                data: d,
            });
        }
        for hdr in replaced {
            // The header replaces the Ethernet type: MAC, header, then the IP packet.
            let mut d = mac.to_vec();
            d.extend_from_slice(&hdr);
            d.extend_from_slice(&rest[2..]);
            out.push(Pkt {
                wire_len: p.wire_len + hdr.len() as u32 - 2,
                data: d,
            });
        }
    }
    out
}

/// A small deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }
    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// A number below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// What to write where: `(offset, size in bytes, value)`.
pub type Poke = (u32, u8, u32);

/// The pokes a set of programs suggests: each comparison's constant at the offset of the load
/// before it (absolute loads as they are; indexed loads as if X were 0, 14, 20, 24 or 40).
pub fn pokes<'a>(programs: impl Iterator<Item = &'a [Instruction]>) -> Vec<Poke> {
    let mut set: HashSet<Poke> = HashSet::new();
    for insns in programs {
        let mut last: Vec<(u32, u8)> = Vec::new();
        for i in insns {
            let class = i.code & 0x07;
            if class == BPF_LD {
                let size = match i.code & 0x18 {
                    BPF_W => 4,
                    BPF_H => 2,
                    BPF_B => 1,
                    _ => 0,
                };
                last.clear();
                match i.code & 0xe0 {
                    BPF_ABS if size > 0 => last.push((i.k, size)),
                    BPF_IND if size > 0 => {
                        for x in [0u32, 14, 20, 24, 40] {
                            last.push((i.k.wrapping_add(x), size));
                        }
                    }
                    _ => {}
                }
            } else if class == BPF_JMP && i.code & 0x08 == BPF_K && i.code & 0xf0 != 0 {
                for &(off, size) in &last {
                    if off > 1 << 16 {
                        continue;
                    }
                    let max = if size == 4 {
                        u32::MAX
                    } else {
                        (1u32 << (8 * size)) - 1
                    };
                    for v in [i.k, i.k.wrapping_add(1), i.k.wrapping_sub(1)] {
                        set.insert((off, size, v & max));
                    }
                }
            } else if class == 0x01 && i.code & 0xe0 == 0xa0 {
                // ldxb 4*([k]&0xf): vary the IPv4 header length.
                for v in [0x45u32, 0x46, 0x4f, 0x44, 0x60] {
                    set.insert((i.k, 1, v));
                }
            }
        }
    }
    let mut v: Vec<Poke> = set.into_iter().collect();
    v.sort_unstable();
    v
}

/// Writes `poke` into `pkt` if it fits.
fn apply(pkt: &mut Pkt, (off, size, value): Poke) {
    let off = off as usize;
    let n = size as usize;
    if let Some(dst) = pkt.data.get_mut(off..off + n) {
        let be = value.to_be_bytes();
        dst.copy_from_slice(&be[4 - n..]);
    }
}

/// `per_packet` mutated copies of each of (at most) `max_packets` packets, each with one to
/// three pokes; some copies are also truncated, to exercise out-of-bounds loads.
pub fn mutants(
    pkts: &[Pkt],
    pokes: &[Poke],
    per_packet: usize,
    max_packets: usize,
    seed: u64,
) -> Vec<Pkt> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    if pokes.is_empty() || pkts.is_empty() {
        return out;
    }
    let stride = pkts.len().div_ceil(max_packets).max(1);
    for p in pkts.iter().step_by(stride) {
        for _ in 0..per_packet {
            let mut m = p.clone();
            for _ in 0..1 + rng.below(3) {
                apply(&mut m, pokes[rng.below(pokes.len())]);
            }
            if rng.below(8) == 0 && !m.data.is_empty() {
                let keep = rng.below(m.data.len());
                m.data.truncate(keep);
            }
            out.push(m);
        }
    }
    out
}

/// Runs `prog` on every packet: the return values.
pub fn verdicts(prog: &Program, pkts: &[Pkt]) -> Vec<u32> {
    pkts.iter().map(|p| prog.run(&p.data, p.wire_len)).collect()
}

/// The packets of `lt` and their mutants for `programs`, shared by the tests (cached).
pub fn test_set(shared: &Path, lt: Linktype, pokes: &[Poke]) -> Arc<Vec<Pkt>> {
    static CACHE: OnceLock<std::sync::Mutex<HashMap<Linktype, Arc<Vec<Pkt>>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().unwrap().get(&lt) {
        return v.clone();
    }
    let mut base = by_linktype(shared).get(&lt).cloned().unwrap_or_default();
    base.extend(synthesized(shared, lt));
    // A debug build runs a sample; a release build everything.
    let (mut base, per, max) = if cfg!(debug_assertions) {
        let stride = base.len().div_ceil(2000).max(1);
        (base.into_iter().step_by(stride).collect::<Vec<_>>(), 4, 500)
    } else {
        (base, 8, 20_000)
    };
    if lt == Linktype::EN10MB {
        let tagged = encapsulated(&base, max, 0x7a6);
        base.extend(tagged);
    }
    let mut all = base.clone();
    all.extend(mutants(&base, pokes, per, max, 0x5eed ^ u64::from(lt.0)));
    let v = Arc::new(all);
    cache.lock().unwrap().insert(lt, v.clone());
    v
}
