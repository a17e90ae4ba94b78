//! A safe walker over the slots of a TPACKET_V3 or TPACKET_V2 ring, and the per-packet
//! rewrites done in place.
//!
//! # The shared-ring protocol
//!
//! The ring is a sequence of *slots* the kernel and user space hand back and forth: TPACKET_V3
//! blocks (many packets each) or TPACKET_V2 frames (one packet each). A slot belongs to user
//! space while its status word has `TP_STATUS_USER`. The kernel sets that bit (after a write
//! barrier) on a V3 block when it is full or its retire timer fired while it held at least one
//! packet, and on a V2 frame as soon as the packet is in it (waking the reader each time).
//! User space reads the status with an *Acquire* load, and only then reads the slot; when done
//! it stores `TP_STATUS_KERNEL` (0) with a *Release* store and moves to the next slot, strictly
//! in ring order. Those two atomic operations live in `sys.rs`; this module sees a slot only as
//! a byte slice that user space owns, and never writes its status word (bytes 8..12 of a block,
//! 0..4 of a frame), which the kernel may read at any time.
//!
//! # Slot layouts (little-endian host order)
//!
//! V3 block: `tpacket_block_desc` (48 bytes): `num_pkts` at 12, `offset_to_first_pkt` at 16,
//! `blk_len` at 20, `seq_num` at 24. Then `num_pkts` packets, each a `tpacket3_hdr` (48 bytes;
//! the next packet at `tp_next_offset`, 0 on the last), a `sockaddr_ll` (20 bytes) right after
//! it, and the frame at `tp_mac` from the header.
//!
//! V2 frame: a `tpacket2_hdr` (32 bytes: `tp_status` 0, `tp_len` 4, `tp_snaplen` 8, `tp_mac` 12,
//! `tp_net` 14, `tp_sec` 16, `tp_nsec` 20, `tp_vlan_tci` 24, `tp_vlan_tpid` 26), the
//! `sockaddr_ll` at 32, the packet at `tp_mac`. A packet longer than the frame is cut to it;
//! with `PACKET_COPY_THRESH` set, such a frame has `TP_STATUS_COPY` and the whole packet waits
//! in the socket's receive queue, in ring order.
//!
//! Both layouts are read into one [`Frame`], which the rest of the capture works on. Every
//! offset and length is checked against the slot: a lying kernel (or a synthetic test slot)
//! yields an error, never a slice outside the slot.
//!
//! # In-place rewrites
//!
//! The bytes between the `sockaddr_ll` and the frame are ours while we own the block. Cooked
//! captures (the `any` device, SOCK_DGRAM) get their `LINUX_SLL` / `LINUX_SLL2` header written
//! there, and VLAN tags the kernel took out of the frame are put back there, so a packet is
//! handed out without copying. When the headroom is too small (no kernel does that today), the
//! packet is assembled in a scratch buffer instead.

/// `TP_STATUS_USER`: user space owns the slot (or, per packet, the packet is valid).
pub const TP_STATUS_USER: u32 = 1;
/// `TP_STATUS_COPY` (V2): the packet was longer than its frame; the frame holds the start of
/// it and the socket's receive queue the whole packet.
pub const TP_STATUS_COPY: u32 = 1 << 1;
/// `TP_STATUS_VLAN_VALID`: `tp_vlan_tci` holds a tag the kernel removed from the frame.
pub const TP_STATUS_VLAN_VALID: u32 = 1 << 4;
/// `TP_STATUS_VLAN_TPID_VALID`: `tp_vlan_tpid` is valid.
pub const TP_STATUS_VLAN_TPID_VALID: u32 = 1 << 6;

/// Size of `struct tpacket_block_desc` (where the first packet starts without private data).
pub const BLOCK_DESC_LEN: usize = 48;
/// Size of `struct tpacket3_hdr`.
pub const TPACKET3_HDR_LEN: usize = 48;
/// Size of `struct tpacket2_hdr` (aligned to 16, where the `sockaddr_ll` follows).
pub const TPACKET2_HDR_LEN: usize = 32;
/// Size of `struct sockaddr_ll`, which follows the `tpacket3_hdr`.
pub const SOCKADDR_LL_LEN: usize = 20;
/// Length of a `LINUX_SLL` header.
pub const SLL_HDR_LEN: usize = 16;
/// Length of a `LINUX_SLL2` header.
pub const SLL2_HDR_LEN: usize = 20;
/// `PACKET_OUTGOING`: a packet the host sent.
pub const PACKET_OUTGOING: u8 = 4;
/// The TPID of an 802.1Q tag.
pub const ETH_P_8021Q: u16 = 0x8100;

/// Which TPACKET layout a ring has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// TPACKET_V2: fixed-size frames, one packet each, handed over one by one (immediate mode).
    V2,
    /// TPACKET_V3: blocks of packets, handed over when full or when their timer fires.
    V3,
}

impl Version {
    /// Length of the per-packet header, where the `sockaddr_ll` starts.
    pub const fn header_len(self) -> usize {
        match self {
            Version::V2 => TPACKET2_HDR_LEN,
            Version::V3 => TPACKET3_HDR_LEN,
        }
    }

    /// Offset of the slot's status word: the block descriptor's `block_status` (V3), the
    /// frame's `tp_status` (V2).
    pub const fn status_at(self) -> usize {
        match self {
            Version::V2 => 0,
            Version::V3 => 8,
        }
    }
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(*b.get(at..)?.first_chunk::<4>()?))
}

/// What the walker found wrong with a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Corrupt(pub String);

/// The fields of a block descriptor the walker uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockDesc {
    /// Packets in the block.
    pub num_pkts: u32,
    /// Offset of the first packet's `tpacket3_hdr`.
    pub first: u32,
    /// Bytes of the block in use.
    pub len: u32,
}

impl BlockDesc {
    /// Reads the descriptor at the start of `block`.
    pub fn parse(block: &[u8]) -> Result<BlockDesc, Corrupt> {
        let desc = block
            .get(..BLOCK_DESC_LEN)
            .ok_or_else(|| Corrupt(format!("block of {} bytes", block.len())))?;
        let get = |at| u32_at(desc, at).unwrap_or(0);
        let d = BlockDesc {
            num_pkts: get(12),
            first: get(16),
            len: get(20),
        };
        if d.num_pkts > 0 && (d.first as usize) < BLOCK_DESC_LEN || d.first as usize > block.len() {
            return Err(Corrupt(format!("first packet at offset {}", d.first)));
        }
        Ok(d)
    }
}

/// The link-level address of a packet (`struct sockaddr_ll`: family 0, protocol 2 (big-endian),
/// ifindex 4, hatype 8, pkttype 10, halen 11, addr 12..20), fields in host order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LinkAddr {
    /// The packet's protocol (EtherType), from the big-endian `sll_protocol`.
    pub protocol: u16,
    /// The interface index.
    pub ifindex: i32,
    /// The interface's `ARPHRD_*` hardware type.
    pub hatype: u16,
    /// `PACKET_HOST` 0, `BROADCAST` 1, `MULTICAST` 2, `OTHERHOST` 3, `OUTGOING` 4, …
    pub pkttype: u8,
    /// Length of the address (may exceed 8; only 8 bytes are kept).
    pub halen: u8,
    /// The first 8 bytes of the link-level address.
    pub addr: [u8; 8],
}

impl LinkAddr {
    /// Reads a `sockaddr_ll` (at least 20 bytes).
    #[inline]
    fn read(&mut self, sll: &[u8]) {
        let Some(a) = sll.first_chunk::<SOCKADDR_LL_LEN>() else {
            return;
        };
        self.protocol = u16::from_be_bytes([a[2], a[3]]);
        self.ifindex = i32::from_ne_bytes([a[4], a[5], a[6], a[7]]);
        self.hatype = u16::from_ne_bytes([a[8], a[9]]);
        self.pkttype = a[10];
        self.halen = a[11];
        self.addr.copy_from_slice(&a[12..20]);
    }
}

/// One packet's header (`tpacket3_hdr` or `tpacket2_hdr`) and `sockaddr_ll`, read and
/// checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Frame {
    /// Offset of the packet header in the slot.
    pub hdr: usize,
    /// Length of the packet header (48 for V3, 32 for V2): the `sockaddr_ll` follows it.
    pub hdr_len: usize,
    /// `tp_next_offset` (V3; 0 for V2).
    pub next_offset: u32,
    /// Time stamp, seconds.
    pub sec: u32,
    /// Time stamp, nanoseconds.
    pub nsec: u32,
    /// Bytes captured (`tp_snaplen`).
    pub snaplen: u32,
    /// Bytes on the wire (`tp_len`).
    pub len: u32,
    /// Per-packet status bits.
    pub status: u32,
    /// Offset of the frame from the header (`tp_mac`).
    pub mac: u16,
    /// Offset of the network header from the header (`tp_net`).
    pub net: u16,
    /// The receive hash (V3; 0 for V2, which does not carry it).
    pub rxhash: u32,
    /// The VLAN TCI the kernel removed (valid with `TP_STATUS_VLAN_VALID`).
    pub vlan_tci: u16,
    /// The removed tag's TPID (valid with `TP_STATUS_VLAN_TPID_VALID`).
    pub vlan_tpid: u16,
    /// The link-level address.
    pub ll: LinkAddr,
}

impl Frame {
    /// Reads the packet whose header is at `hdr` in `slot`, in the layout of `version`, checking
    /// that the header, the address and the captured bytes lie inside the slot.
    #[cfg(test)]
    pub fn parse(version: Version, slot: &[u8], hdr: usize) -> Result<Frame, Corrupt> {
        let mut f = Frame::default();
        f.read(version, slot, hdr)?;
        Ok(f)
    }

    /// [`parse`](Frame::parse) into `self` (no copy of the whole structure on the hot path).
    #[inline]
    pub fn read(&mut self, version: Version, slot: &[u8], hdr: usize) -> Result<(), Corrupt> {
        match version {
            Version::V3 => self.read_v3(slot, hdr)?,
            Version::V2 => self.read_v2(slot, hdr)?,
        }
        self.check(slot)
    }

    fn read_v3(&mut self, block: &[u8], hdr: usize) -> Result<(), Corrupt> {
        const HL: usize = TPACKET3_HDR_LEN + SOCKADDR_LL_LEN;
        let h: &[u8; HL] = block
            .get(hdr..)
            .and_then(|b| b.first_chunk::<HL>())
            .ok_or_else(|| Corrupt(format!("packet header at {hdr} beyond the block")))?;
        // Constant offsets into a fixed-size array: no run-time bounds checks.
        let g32 = |at: usize| u32::from_ne_bytes([h[at], h[at + 1], h[at + 2], h[at + 3]]);
        let g16 = |at: usize| u16::from_ne_bytes([h[at], h[at + 1]]);
        let f = self;
        f.hdr = hdr;
        f.hdr_len = Version::V3.header_len();
        f.next_offset = g32(0);
        f.sec = g32(4);
        f.nsec = g32(8);
        f.snaplen = g32(12);
        f.len = g32(16);
        f.status = g32(20);
        f.mac = g16(24);
        f.net = g16(26);
        f.rxhash = g32(28);
        f.vlan_tci = g32(32) as u16;
        f.vlan_tpid = g16(36);
        f.ll.read(&h[TPACKET3_HDR_LEN..]);
        Ok(())
    }

    fn read_v2(&mut self, frame: &[u8], hdr: usize) -> Result<(), Corrupt> {
        const HL: usize = TPACKET2_HDR_LEN + SOCKADDR_LL_LEN;
        let h: &[u8; HL] = frame
            .get(hdr..)
            .and_then(|b| b.first_chunk::<HL>())
            .ok_or_else(|| Corrupt(format!("packet header at {hdr} beyond the frame")))?;
        let g32 = |at: usize| u32::from_ne_bytes([h[at], h[at + 1], h[at + 2], h[at + 3]]);
        let g16 = |at: usize| u16::from_ne_bytes([h[at], h[at + 1]]);
        let f = self;
        f.hdr = hdr;
        f.hdr_len = Version::V2.header_len();
        f.next_offset = 0;
        f.status = g32(0);
        f.len = g32(4);
        f.snaplen = g32(8);
        f.mac = g16(12);
        f.net = g16(14);
        f.sec = g32(16);
        f.nsec = g32(20);
        f.vlan_tci = g16(24);
        f.vlan_tpid = g16(26);
        f.rxhash = 0;
        f.ll.read(&h[TPACKET2_HDR_LEN..]);
        Ok(())
    }

    /// The captured bytes lie after the headers and inside the slot.
    fn check(&self, slot: &[u8]) -> Result<(), Corrupt> {
        if (self.mac as usize) < self.hdr_len + SOCKADDR_LL_LEN {
            return Err(Corrupt(format!(
                "frame at {} overlaps its headers",
                self.mac
            )));
        }
        let data_end = self
            .hdr
            .checked_add(self.mac as usize)
            .and_then(|s| s.checked_add(self.snaplen as usize));
        if data_end.is_none_or(|e| e > slot.len()) {
            return Err(Corrupt(format!(
                "{} bytes at offset {} beyond the {}-byte slot",
                self.snaplen,
                self.hdr + self.mac as usize,
                slot.len()
            )));
        }
        Ok(())
    }

    /// Offset of the frame's first byte in the block.
    #[inline]
    pub fn start(&self) -> usize {
        self.hdr + self.mac as usize
    }

    /// Offset just past the frame's last captured byte in the block.
    #[inline]
    pub fn end(&self) -> usize {
        self.start() + self.snaplen as usize
    }

    /// Offset of the first byte the frame may grow into (just past the `sockaddr_ll`).
    #[inline]
    pub fn headroom_start(&self) -> usize {
        self.hdr + self.hdr_len + SOCKADDR_LL_LEN
    }

    /// The VLAN tag the kernel removed, as (TPID, TCI), honouring the status bits: a tag is
    /// present iff `TP_STATUS_VLAN_VALID` is set or the TCI is non-zero (pre-3.0 kernels set
    /// no bit); the TPID is the kernel's when it says it is valid, else 0x8100. A TCI of 0 with
    /// the bit set is a real (priority or VLAN 0) tag.
    #[inline]
    pub fn vlan(&self) -> Option<(u16, u16)> {
        if self.status & TP_STATUS_VLAN_VALID == 0 && self.vlan_tci == 0 {
            return None;
        }
        let tpid = if self.vlan_tpid != 0 || self.status & TP_STATUS_VLAN_TPID_VALID != 0 {
            self.vlan_tpid
        } else {
            ETH_P_8021Q
        };
        Some((tpid, self.vlan_tci))
    }
}

/// Walks the packets of one user-owned slot: a V3 block (exactly `num_pkts` packets, from
/// `offset_to_first_pkt`, by `tp_next_offset`) or a V2 frame (one packet, at its start).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Walker {
    left: u32,
    at: usize,
    version: Version,
}

impl Default for Walker {
    fn default() -> Walker {
        Walker::empty()
    }
}

impl Walker {
    /// A walker over the V3 block described by `desc`.
    pub fn new(desc: &BlockDesc) -> Walker {
        Walker {
            left: desc.num_pkts,
            at: desc.first as usize,
            version: Version::V3,
        }
    }

    /// A walker over one V2 frame: its one packet.
    pub const fn frame() -> Walker {
        Walker {
            left: 1,
            at: 0,
            version: Version::V2,
        }
    }

    /// A walker with nothing left.
    pub const fn empty() -> Walker {
        Walker {
            left: 0,
            at: 0,
            version: Version::V3,
        }
    }

    /// Where the next packet's header is, if there is a next packet (for prefetching).
    #[inline]
    pub fn next_at(&self) -> Option<usize> {
        (self.left > 0).then_some(self.at)
    }

    /// Packets not yet walked.
    pub fn remaining(&self) -> u32 {
        self.left
    }

    /// The next packet, `Ok(None)` after the last; an error ends the walk.
    #[cfg(test)]
    pub fn next(&mut self, slot: &[u8]) -> Result<Option<Frame>, Corrupt> {
        let mut f = Frame::default();
        Ok(self.next_into(slot, &mut f)?.then_some(f))
    }

    /// [`next`](Walker::next) into `f`: `Ok(true)` when there was a packet.
    #[inline]
    pub fn next_into(&mut self, slot: &[u8], f: &mut Frame) -> Result<bool, Corrupt> {
        if self.left == 0 {
            return Ok(false);
        }
        if let Err(e) = f.read(self.version, slot, self.at) {
            self.left = 0;
            return Err(e);
        }
        self.left -= 1;
        if self.left > 0 {
            // A following packet must lie further on (the walk always advances).
            if f.next_offset == 0 {
                self.left = 0;
                return Err(Corrupt(format!(
                    "packet at {} claims to be last with more to come",
                    self.at
                )));
            }
            self.at = self.at.saturating_add(f.next_offset as usize);
        }
        Ok(true)
    }
}

/// Which cooked header a packet gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cook {
    /// None: the frame starts with its own link-layer header.
    Raw,
    /// `LINUX_SLL` (16 bytes).
    Sll,
    /// `LINUX_SLL2` (20 bytes).
    Sll2,
}

impl Cook {
    /// The header's length.
    pub const fn header_len(self) -> usize {
        match self {
            Cook::Raw => 0,
            Cook::Sll => SLL_HDR_LEN,
            Cook::Sll2 => SLL2_HDR_LEN,
        }
    }

    /// Writes the header into `out` (exactly [`header_len`](Self::header_len) bytes).
    pub fn write(self, out: &mut [u8], ll: &LinkAddr) {
        match self {
            Cook::Raw => {}
            Cook::Sll => {
                // pkttype, hatype, halen (as given), 8 address bytes, protocol; big-endian.
                out[0..2].copy_from_slice(&u16::from(ll.pkttype).to_be_bytes());
                out[2..4].copy_from_slice(&ll.hatype.to_be_bytes());
                out[4..6].copy_from_slice(&u16::from(ll.halen).to_be_bytes());
                out[6..14].copy_from_slice(&ll.addr);
                out[14..16].copy_from_slice(&ll.protocol.to_be_bytes());
            }
            Cook::Sll2 => {
                // protocol, reserved, ifindex, hatype, pkttype, halen, 8 address bytes.
                out[0..2].copy_from_slice(&ll.protocol.to_be_bytes());
                out[2..4].copy_from_slice(&[0, 0]);
                out[4..8].copy_from_slice(&ll.ifindex.to_be_bytes());
                out[8..10].copy_from_slice(&ll.hatype.to_be_bytes());
                out[10] = ll.pkttype;
                out[11] = ll.halen;
                out[12..20].copy_from_slice(&ll.addr);
            }
        }
    }
}

/// Where a VLAN tag goes back into a packet of a given link type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagAt {
    /// Nowhere: the link type has no place for it (the tag is dropped, as libpcap does).
    Nowhere,
    /// After the first `n` bytes: Ethernet (12: after the two addresses) and `LINUX_SLL` (14:
    /// the header's protocol field becomes the TPID, followed by the TCI and the protocol).
    After(usize),
    /// `LINUX_SLL2`: the header's protocol field becomes the TPID and the TCI and original
    /// protocol follow the 20-byte header (libpcap leaves SLL2 untagged, #1105).
    Sll2,
}

impl TagAt {
    /// How many bytes of the packet must be present for the tag to go back.
    const fn needs(self) -> usize {
        match self {
            TagAt::Nowhere => usize::MAX,
            TagAt::After(n) => n,
            TagAt::Sll2 => SLL2_HDR_LEN,
        }
    }
}

/// Puts a VLAN tag back into `buf[start..end]` by moving the bytes before the insertion point
/// back 4 bytes (into `buf[start - 4..]`). Returns the new start, or `None` when the tag has no
/// place in this link type, the packet is too short for it, or there is no room before `start`
/// above `floor`.
pub fn insert_tag(
    buf: &mut [u8],
    floor: usize,
    start: usize,
    end: usize,
    at: TagAt,
    tag: (u16, u16),
) -> Option<usize> {
    let (tpid, tci) = tag;
    if end.checked_sub(start)? < at.needs() || start < floor.checked_add(4)? || end > buf.len() {
        return None;
    }
    let new = start - 4;
    match at {
        TagAt::Nowhere => return None,
        TagAt::After(n) => {
            buf.copy_within(start..start + n, new);
            buf[new + n..new + n + 2].copy_from_slice(&tpid.to_be_bytes());
            buf[new + n + 2..new + n + 4].copy_from_slice(&tci.to_be_bytes());
        }
        TagAt::Sll2 => {
            let proto = [buf[start], buf[start + 1]];
            buf.copy_within(start..start + SLL2_HDR_LEN, new);
            buf[new..new + 2].copy_from_slice(&tpid.to_be_bytes());
            let t = new + SLL2_HDR_LEN;
            buf[t..t + 2].copy_from_slice(&tci.to_be_bytes());
            buf[t + 2..t + 4].copy_from_slice(&proto);
        }
    }
    Some(new)
}

/// Room a packet may need in front of its frame: the longest cooked header plus one VLAN tag.
pub const MAX_GROWTH: usize = SLL2_HDR_LEN + 4;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// One packet for a synthetic block.
    #[derive(Clone, Debug, Default)]
    pub struct Synth {
        pub data: Vec<u8>,
        pub wire_len: u32,
        pub status: u32,
        pub vlan_tci: u16,
        pub vlan_tpid: u16,
        pub sec: u32,
        pub nsec: u32,
        pub ll: LinkAddr,
        /// tp_mac as the kernel computes it for SOCK_RAW Ethernet (82) or SOCK_DGRAM (96).
        pub mac: u16,
    }

    /// A block laid out as the kernel lays out TPACKET_V3 blocks.
    pub fn block(size: usize, packets: &[Synth]) -> Vec<u8> {
        let mut b = vec![0u8; size];
        b[8..12].copy_from_slice(&TP_STATUS_USER.to_ne_bytes());
        b[12..16].copy_from_slice(&(packets.len() as u32).to_ne_bytes());
        b[16..20].copy_from_slice(&(BLOCK_DESC_LEN as u32).to_ne_bytes());
        let mut at = BLOCK_DESC_LEN;
        for (i, p) in packets.iter().enumerate() {
            let mac = if p.mac == 0 { 82 } else { p.mac } as usize;
            let slot = (mac + p.data.len()).next_multiple_of(8);
            let next = if i + 1 == packets.len() {
                0
            } else {
                slot as u32
            };
            let h = &mut b[at..];
            h[0..4].copy_from_slice(&next.to_ne_bytes());
            h[4..8].copy_from_slice(&p.sec.to_ne_bytes());
            h[8..12].copy_from_slice(&p.nsec.to_ne_bytes());
            h[12..16].copy_from_slice(&(p.data.len() as u32).to_ne_bytes());
            let wire = if p.wire_len == 0 {
                p.data.len() as u32
            } else {
                p.wire_len
            };
            h[16..20].copy_from_slice(&wire.to_ne_bytes());
            h[20..24].copy_from_slice(&(p.status | TP_STATUS_USER).to_ne_bytes());
            h[24..26].copy_from_slice(&(mac as u16).to_ne_bytes());
            h[26..28].copy_from_slice(&(mac as u16 + 14).to_ne_bytes());
            h[32..36].copy_from_slice(&u32::from(p.vlan_tci).to_ne_bytes());
            h[36..38].copy_from_slice(&p.vlan_tpid.to_ne_bytes());
            let ll = &mut h[48..68];
            ll[0..2].copy_from_slice(&17u16.to_ne_bytes());
            ll[2..4].copy_from_slice(&p.ll.protocol.to_be_bytes());
            ll[4..8].copy_from_slice(&p.ll.ifindex.to_ne_bytes());
            ll[8..10].copy_from_slice(&p.ll.hatype.to_ne_bytes());
            ll[10] = p.ll.pkttype;
            ll[11] = p.ll.halen;
            ll[12..20].copy_from_slice(&p.ll.addr);
            h[mac..mac + p.data.len()].copy_from_slice(&p.data);
            at += slot;
        }
        b[20..24].copy_from_slice(&(at as u32).to_ne_bytes());
        b
    }

    /// A TPACKET_V2 frame slot of `size` bytes holding `p`, laid out as the kernel lays it out
    /// (`tp_mac` 66 for SOCK_RAW Ethernet, 80 for SOCK_DGRAM, unless `p.mac` says otherwise).
    pub fn v2_frame(size: usize, p: &Synth) -> Vec<u8> {
        let mut b = vec![0u8; size];
        let mac = if p.mac == 0 { 66 } else { p.mac } as usize;
        let wire = if p.wire_len == 0 {
            p.data.len() as u32
        } else {
            p.wire_len
        };
        b[0..4].copy_from_slice(&(p.status | TP_STATUS_USER).to_ne_bytes());
        b[4..8].copy_from_slice(&wire.to_ne_bytes());
        b[8..12].copy_from_slice(&(p.data.len() as u32).to_ne_bytes());
        b[12..14].copy_from_slice(&(mac as u16).to_ne_bytes());
        b[14..16].copy_from_slice(&(mac as u16 + 14).to_ne_bytes());
        b[16..20].copy_from_slice(&p.sec.to_ne_bytes());
        b[20..24].copy_from_slice(&p.nsec.to_ne_bytes());
        b[24..26].copy_from_slice(&p.vlan_tci.to_ne_bytes());
        b[26..28].copy_from_slice(&p.vlan_tpid.to_ne_bytes());
        let ll = &mut b[32..52];
        ll[0..2].copy_from_slice(&17u16.to_ne_bytes());
        ll[2..4].copy_from_slice(&p.ll.protocol.to_be_bytes());
        ll[4..8].copy_from_slice(&p.ll.ifindex.to_ne_bytes());
        ll[8..10].copy_from_slice(&p.ll.hatype.to_ne_bytes());
        ll[10] = p.ll.pkttype;
        ll[11] = p.ll.halen;
        ll[12..20].copy_from_slice(&p.ll.addr);
        b[mac..mac + p.data.len()].copy_from_slice(&p.data);
        b
    }

    fn frame(n: usize) -> Vec<u8> {
        let mut f: Vec<u8> = (0..n as u8).collect();
        f[12] = 0x08;
        f[13] = 0x00;
        f
    }

    #[test]
    fn walks_exactly_num_pkts() {
        let pk: Vec<Synth> = (0..5)
            .map(|i| Synth {
                data: frame(60 + i),
                sec: 100 + i as u32,
                nsec: 7,
                ..Synth::default()
            })
            .collect();
        let b = block(4096, &pk);
        let d = BlockDesc::parse(&b).unwrap();
        assert_eq!(d.num_pkts, 5);
        let mut w = Walker::new(&d);
        let mut n = 0;
        while let Some(f) = w.next(&b).unwrap() {
            assert_eq!(&b[f.start()..f.end()], &pk[n].data[..]);
            assert_eq!(f.sec, 100 + n as u32);
            assert_eq!(f.mac, 82);
            n += 1;
        }
        assert_eq!(n, 5);
        // 60-byte frames with tp_mac 82 take 144 bytes each.
        assert_eq!(
            BlockDesc::parse(&block(4096, &pk[..1])).unwrap().len,
            48 + 144
        );
    }

    #[test]
    fn lying_blocks_are_errors_not_panics() {
        let pk = vec![
            Synth {
                data: frame(60),
                ..Synth::default()
            };
            2
        ];
        let good = block(1024, &pk);
        // snaplen beyond the block
        let mut b = good.clone();
        b[48 + 12..48 + 16].copy_from_slice(&5000u32.to_ne_bytes());
        let mut w = Walker::new(&BlockDesc::parse(&b).unwrap());
        assert!(w.next(&b).is_err());
        assert_eq!(w.next(&b), Ok(None));
        // next offset 0 before the last packet
        let mut b = good.clone();
        b[48..52].copy_from_slice(&0u32.to_ne_bytes());
        let mut w = Walker::new(&BlockDesc::parse(&b).unwrap());
        assert!(w.next(&b).is_err());
        // next offset pointing past the block
        let mut b = good.clone();
        b[48..52].copy_from_slice(&u32::MAX.to_ne_bytes());
        let mut w = Walker::new(&BlockDesc::parse(&b).unwrap());
        assert!(w.next(&b).unwrap().is_some());
        assert!(w.next(&b).is_err());
        // tp_mac inside the headers
        let mut b = good.clone();
        b[48 + 24..48 + 26].copy_from_slice(&10u16.to_ne_bytes());
        assert!(Walker::new(&BlockDesc::parse(&b).unwrap())
            .next(&b)
            .is_err());
        // num_pkts larger than the packets there: the last one's zero next offset ends it
        let mut b = good.clone();
        b[12..16].copy_from_slice(&u32::MAX.to_ne_bytes());
        let mut w = Walker::new(&BlockDesc::parse(&b).unwrap());
        assert!(w.next(&b).is_ok());
        assert!(w.next(&b).is_err());
        assert_eq!(w.next(&b), Ok(None));
        // first offset past the end
        let mut b = good;
        b[16..20].copy_from_slice(&u32::MAX.to_ne_bytes());
        assert!(BlockDesc::parse(&b).is_err());
        assert!(BlockDesc::parse(&[0u8; 47]).is_err());
        // Every truncation of a block parses or fails cleanly.
        let b = block(1024, &pk);
        for cut in 0..b.len() {
            if let Ok(d) = BlockDesc::parse(&b[..cut]) {
                let mut w = Walker::new(&d);
                while let Ok(Some(_)) = w.next(&b[..cut]) {}
            }
        }
    }

    #[test]
    fn vlan_status_bits() {
        let mut f = Frame::parse(
            Version::V3,
            &block(
                512,
                &[Synth {
                    data: frame(60),
                    ..Synth::default()
                }],
            ),
            48,
        )
        .unwrap();
        assert_eq!(f.vlan(), None);
        f.status |= TP_STATUS_VLAN_VALID;
        assert_eq!(f.vlan(), Some((0x8100, 0)), "VLAN 0 is a tag");
        f.status |= TP_STATUS_VLAN_TPID_VALID;
        f.vlan_tpid = 0x88a8;
        f.vlan_tci = 0xa064;
        assert_eq!(f.vlan(), Some((0x88a8, 0xa064)));
        f.status = 0;
        f.vlan_tpid = 0;
        assert_eq!(
            f.vlan(),
            Some((0x8100, 0xa064)),
            "pre-3.0 kernels: tci != 0"
        );
    }

    #[test]
    fn ethernet_tag_reinsertion_in_place() {
        let data = frame(60);
        let b0 = block(
            512,
            &[Synth {
                data: data.clone(),
                status: TP_STATUS_VLAN_VALID | TP_STATUS_VLAN_TPID_VALID,
                vlan_tci: 0xa064,
                vlan_tpid: 0x8100,
                ..Synth::default()
            }],
        );
        let mut b = b0.clone();
        let f = Frame::parse(Version::V3, &b, 48).unwrap();
        let s = insert_tag(
            &mut b,
            f.headroom_start(),
            f.start(),
            f.end(),
            TagAt::After(12),
            f.vlan().unwrap(),
        )
        .unwrap();
        let got = &b[s..f.end()];
        assert_eq!(got.len(), 64);
        assert_eq!(&got[..12], &data[..12]);
        assert_eq!(&got[12..16], &[0x81, 0x00, 0xa0, 0x64]);
        assert_eq!(&got[16..], &data[12..]);
        // Too short a packet, or no room: no insertion.
        let mut b = b0.clone();
        assert_eq!(
            insert_tag(
                &mut b,
                f.start() - 3,
                f.start(),
                f.end(),
                TagAt::After(12),
                (1, 2)
            ),
            None
        );
        assert_eq!(
            insert_tag(
                &mut b,
                0,
                f.start(),
                f.start() + 11,
                TagAt::After(12),
                (1, 2)
            ),
            None
        );
        assert_eq!(b, b0);
    }

    #[test]
    fn cooked_headers_and_tags() {
        let ll = LinkAddr {
            protocol: 0x0800,
            ifindex: 7,
            hatype: 1,
            pkttype: PACKET_OUTGOING,
            halen: 6,
            addr: [1, 2, 3, 4, 5, 6, 0, 0],
        };
        let payload = vec![0x45u8; 20];
        let b0 = block(
            512,
            &[Synth {
                data: payload.clone(),
                mac: 96,
                ll,
                status: TP_STATUS_VLAN_VALID,
                vlan_tci: 10,
                ..Synth::default()
            }],
        );
        // SLL, then the tag after 14 bytes.
        let mut b = b0.clone();
        let f = Frame::parse(Version::V3, &b, 48).unwrap();
        assert_eq!(f.ll, ll);
        let s = f.start() - SLL_HDR_LEN;
        Cook::Sll.write(&mut b[s..f.start()], &f.ll);
        let s = insert_tag(
            &mut b,
            f.headroom_start(),
            s,
            f.end(),
            TagAt::After(14),
            f.vlan().unwrap(),
        )
        .unwrap();
        assert_eq!(
            &b[s..s + 20],
            &[0, 4, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x81, 0, 0, 10, 8, 0]
        );
        assert_eq!(&b[s + 20..f.end()], &payload[..]);
        // SLL2: protocol becomes the TPID, TCI and protocol follow the header.
        let mut b = b0.clone();
        let s = f.start() - SLL2_HDR_LEN;
        Cook::Sll2.write(&mut b[s..f.start()], &f.ll);
        assert_eq!(
            &b[s..s + 20],
            &[8, 0, 0, 0, 0, 0, 0, 7, 0, 1, 4, 6, 1, 2, 3, 4, 5, 6, 0, 0]
        );
        let s = insert_tag(
            &mut b,
            f.headroom_start(),
            s,
            f.end(),
            TagAt::Sll2,
            (0x88a8, 10),
        )
        .unwrap();
        assert_eq!(
            &b[s..s + 24],
            &[0x88, 0xa8, 0, 0, 0, 0, 0, 7, 0, 1, 4, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0, 10, 8, 0]
        );
        assert_eq!(&b[s + 24..f.end()], &payload[..]);
        // The SOCK_DGRAM headroom (tp_mac 96) holds the longest header and a tag.
        assert!(f.start() - f.headroom_start() >= MAX_GROWTH);
    }

    #[test]
    fn v2_frame_is_one_packet() {
        let data = frame(60);
        let p = Synth {
            data: data.clone(),
            sec: 1_700_000_000,
            nsec: 123_456_789,
            ll: LinkAddr {
                protocol: 0x88b5,
                ifindex: 3,
                hatype: 1,
                pkttype: 1,
                halen: 6,
                addr: [2, 0xfc, 0, 0, 0, 1, 0, 0],
            },
            ..Synth::default()
        };
        let slot = v2_frame(256, &p);
        let mut w = Walker::frame();
        assert_eq!(w.remaining(), 1);
        let f = w.next(&slot).unwrap().unwrap();
        assert_eq!(w.next(&slot), Ok(None), "one packet per frame");
        assert_eq!(&slot[f.start()..f.end()], &data[..]);
        assert_eq!((f.hdr, f.hdr_len, f.mac, f.net), (0, 32, 66, 80));
        assert_eq!((f.sec, f.nsec), (1_700_000_000, 123_456_789));
        assert_eq!((f.snaplen, f.len), (60, 60));
        assert_eq!(f.status & TP_STATUS_USER, TP_STATUS_USER);
        assert_eq!(f.ll, p.ll);
        assert_eq!(f.rxhash, 0);
        assert_eq!(f.headroom_start(), 52);
        assert_eq!(Walker::empty().next(&slot), Ok(None));
        assert_eq!((Version::V2.status_at(), Version::V3.status_at()), (0, 8));
    }

    #[test]
    fn v2_lying_frames_are_errors_not_panics() {
        let p = Synth {
            data: frame(60),
            ..Synth::default()
        };
        let good = v2_frame(160, &p);
        // snaplen beyond the frame
        let mut b = good.clone();
        b[8..12].copy_from_slice(&95u32.to_ne_bytes());
        assert!(Walker::frame().next(&b).is_err());
        b[8..12].copy_from_slice(&94u32.to_ne_bytes());
        assert!(Walker::frame().next(&b).unwrap().is_some(), "exactly fits");
        // tp_mac inside the headers, or past the frame
        let mut b = good.clone();
        b[12..14].copy_from_slice(&51u16.to_ne_bytes());
        assert!(Walker::frame().next(&b).is_err());
        b[12..14].copy_from_slice(&u16::MAX.to_ne_bytes());
        assert!(Walker::frame().next(&b).is_err());
        // a frame too short for its own headers
        assert!(Walker::frame().next(&good[..51]).is_err());
        // Every truncation parses or fails cleanly.
        for cut in 0..good.len() {
            let _ = Walker::frame().next(&good[..cut]);
        }
    }

    #[test]
    fn v2_vlan_and_copy_status() {
        let data = frame(60);
        let p = Synth {
            data: data.clone(),
            status: TP_STATUS_VLAN_VALID | TP_STATUS_VLAN_TPID_VALID | TP_STATUS_COPY,
            vlan_tci: 0,
            vlan_tpid: 0x88a8,
            wire_len: 9000,
            ..Synth::default()
        };
        let mut b = v2_frame(256, &p);
        let f = Frame::parse(Version::V2, &b, 0).unwrap();
        assert_eq!(f.vlan(), Some((0x88a8, 0)), "VLAN 0 with its real TPID");
        assert_ne!(f.status & TP_STATUS_COPY, 0);
        assert_eq!((f.snaplen, f.len), (60, 9000));
        // The tag goes back in place, in the 14 bytes between the sockaddr_ll and tp_mac.
        let s = insert_tag(
            &mut b,
            f.headroom_start(),
            f.start(),
            f.end(),
            TagAt::After(12),
            f.vlan().unwrap(),
        )
        .unwrap();
        assert_eq!(&b[s..s + 12], &data[..12]);
        assert_eq!(&b[s + 12..s + 16], &[0x88, 0xa8, 0, 0]);
        assert_eq!(&b[s + 16..f.end()], &data[12..]);
        assert_eq!(&b[32..34], &17u16.to_ne_bytes(), "sockaddr_ll untouched");
        // A cooked (SOCK_DGRAM) frame has room for an SLL2 header and a tag.
        let p = Synth {
            data: vec![0x45; 40],
            mac: 80,
            ..Synth::default()
        };
        let b = v2_frame(256, &p);
        let f = Frame::parse(Version::V2, &b, 0).unwrap();
        assert!(f.start() - f.headroom_start() >= MAX_GROWTH);
    }
}
