//! libpcap's post-processing of packets read from files (`pcap_post_process`).
//!
//! A few link types carry pseudo-headers whose fields the capturing host wrote in *its* byte
//! order. When a file's byte order differs from this host's, libpcap rewrites those fields into
//! host order before handing the packet over, so that dissectors can read them natively:
//! PFLOG (uid, pid, rule uid, rule pid), LINUX_SLL and LINUX_SLL2 (the SocketCAN id of CAN
//! frames), USB_LINUX and USB_LINUX_MMAPPED (the URB header), NFLOG (TLV types and lengths).
//! For USB_LINUX_MMAPPED it also repairs the on-the-wire length of isochronous completion events
//! that old libpcap versions computed wrongly. ferrocap does the same, so that it hands over
//! exactly libpcap's bytes and lengths; [`needed`] says when a packet must be copied for it.
//!
//! Every access is bounds-checked against both the captured bytes and the wire length, as
//! libpcap's are; a short packet is left as far as it goes.

use crate::linktype::Linktype;

const PFLOG: u32 = 117;
const LINUX_SLL: u32 = 113;
const LINUX_SLL2: u32 = 276;
const USB_LINUX: u32 = 189;
const USB_LINUX_MMAPPED: u32 = 220;
const NFLOG: u32 = 239;

/// SocketCAN protocol numbers in cooked headers.
const SLL_P_CAN: u16 = 0x000C;
const SLL_P_CANFD: u16 = 0x000D;

/// Size of the memory-mapped Linux USB header, and of one isochronous descriptor.
const USB_MMAPPED_HDR: usize = 64;
const USB_ISODESC: usize = 16;
const URB_ISOCHRONOUS: u8 = 0;
const URB_COMPLETE: u8 = b'C';
const URB_TRANSFER_IN: u8 = 0x80;

/// Whether packets of this link type from a file of this byte order (`swapped` = not this
/// host's) need post-processing, so the reader must copy them first.
#[inline]
pub(crate) fn needed(linktype: Linktype, swapped: bool) -> bool {
    match linktype.0 {
        USB_LINUX_MMAPPED => true,
        PFLOG | LINUX_SLL | LINUX_SLL2 | USB_LINUX | NFLOG => swapped,
        _ => false,
    }
}

/// Rewrites `data` (and maybe `len`) as libpcap's `pcap_post_process` does.
pub(crate) fn apply(linktype: Linktype, swapped: bool, len: &mut u32, data: &mut [u8]) {
    let caplen = data.len();
    let wire = *len as usize;
    if swapped {
        match linktype.0 {
            PFLOG => swap_pflog(data, wire),
            LINUX_SLL => swap_can_id(data, wire, 14, 16),
            LINUX_SLL2 => swap_can_id(data, wire, 0, 20),
            USB_LINUX => swap_usb(data, false),
            USB_LINUX_MMAPPED => swap_usb(data, true),
            NFLOG => swap_nflog(data, wire),
            _ => {}
        }
    }
    if linktype.0 == USB_LINUX_MMAPPED && caplen >= USB_MMAPPED_HDR {
        fix_usb_mmapped_len(len, data);
    }
}

fn swap4(data: &mut [u8], at: usize) {
    if let Some(b) = data.get_mut(at..at + 4) {
        b.reverse();
    }
}

fn swap2(data: &mut [u8], at: usize) {
    if let Some(b) = data.get_mut(at..at + 2) {
        b.reverse();
    }
}

fn swap8(data: &mut [u8], at: usize) {
    if let Some(b) = data.get_mut(at..at + 8) {
        b.reverse();
    }
}

fn ne_u32(data: &[u8], at: usize) -> u32 {
    data.get(at..at + 4)
        .and_then(|b| b.try_into().ok())
        .map_or(0, u32::from_ne_bytes)
}

fn ne_u16(data: &[u8], at: usize) -> u16 {
    data.get(at..at + 2)
        .and_then(|b| b.try_into().ok())
        .map_or(0, u16::from_ne_bytes)
}

/// PFLOG: uid (44), pid (48), rule_uid (52), rule_pid (56), each only if the captured bytes,
/// the wire length and the header's own length byte all cover it.
fn swap_pflog(data: &mut [u8], wire: usize) {
    let Some(&hdr_len) = data.first() else { return };
    for at in [44usize, 48, 52, 56] {
        let end = at + 4;
        if data.len() < end || wire < end || (hdr_len as usize) < end {
            return;
        }
        swap4(data, at);
    }
}

/// Cooked headers: the big-endian protocol at `proto_at`; a CAN frame's id follows the header.
fn swap_can_id(data: &mut [u8], wire: usize, proto_at: usize, hdr_len: usize) {
    if data.len() < hdr_len || wire < hdr_len {
        return;
    }
    let proto = data
        .get(proto_at..)
        .and_then(|b| b.first_chunk::<2>())
        .map_or(0, |b| u16::from_be_bytes(*b));
    if proto != SLL_P_CAN && proto != SLL_P_CANFD {
        return;
    }
    if data.len() < hdr_len + 4 || wire < hdr_len + 4 {
        return;
    }
    swap4(data, hdr_len);
}

/// The Linux USB URB header, field by field while the captured bytes cover it.
fn swap_usb(data: &mut [u8], mmapped: bool) {
    let caplen = data.len();
    // (offset of the field, its size): id, bus_id, ts_sec, ts_usec, status, urb_len, data_len.
    for (at, size) in [(0, 8), (12, 2), (16, 8), (24, 4), (28, 4), (32, 4), (36, 4)] {
        if caplen < at + size {
            return;
        }
        match size {
            8 => swap8(data, at),
            4 => swap4(data, at),
            _ => swap2(data, at),
        }
    }
    let iso = data.get(9) == Some(&URB_ISOCHRONOUS);
    if iso {
        // s.iso.error_count, s.iso.numdesc
        for at in [40, 44] {
            if caplen < at + 4 {
                return;
            }
            swap4(data, at);
        }
    }
    if !mmapped {
        return;
    }
    // interval, start_frame, xfer_flags, ndesc
    for at in [48, 52, 56, 60] {
        if caplen < at + 4 {
            return;
        }
        swap4(data, at);
    }
    if iso {
        let ndesc = ne_u32(data, 60);
        let mut at = USB_MMAPPED_HDR;
        for _ in 0..ndesc {
            // status, offset, len, then 4 bytes of padding
            for _ in 0..3 {
                if caplen < at + 4 {
                    return;
                }
                swap4(data, at);
                at += 4;
            }
            at += 4;
        }
    }
}

/// NFLOG: the type and length of each TLV after the 4-byte header, while they fit.
fn swap_nflog(data: &mut [u8], wire: usize) {
    if data.len() < 4 || wire < 4 || data.get(1) != Some(&0) {
        return;
    }
    let mut caplen = data.len() - 4;
    let mut length = wire - 4;
    let mut at = 4;
    while caplen >= 4 {
        swap2(data, at);
        swap2(data, at + 2);
        let mut size = ne_u16(data, at) as usize;
        if size % 4 != 0 {
            size += 4 - size % 4;
        }
        if size < 4 || caplen < size || length < size {
            return;
        }
        length -= size;
        caplen -= size;
        at += size;
    }
}

/// Old libpcap computed the wire length of incoming isochronous completions from the URB
/// length; recompute it from the descriptors (libpcap's `fix_linux_usb_mmapped_length`).
fn fix_usb_mmapped_len(len: &mut u32, data: &[u8]) {
    let caplen = data.len();
    let data_flag = data.get(15).copied().unwrap_or(1);
    let transfer_type = data.get(9).copied().unwrap_or(0xff);
    let event_type = data.get(8).copied().unwrap_or(0);
    let endpoint = data.get(10).copied().unwrap_or(0);
    let urb_len = ne_u32(data, 32) as u64;
    let ndesc = ne_u32(data, 60) as u64;
    let computed = USB_MMAPPED_HDR as u64 + ndesc * USB_ISODESC as u64 + urb_len;
    if data_flag != 0 || *len as u64 != computed {
        return;
    }
    if transfer_type != URB_ISOCHRONOUS
        || event_type != URB_COMPLETE
        || endpoint & URB_TRANSFER_IN == 0
    {
        return;
    }
    let mut bytes_left = caplen - USB_MMAPPED_HDR;
    let mut data_len: u32 = 0;
    let mut at = USB_MMAPPED_HDR;
    let mut desc = 0u64;
    while desc < ndesc && bytes_left >= USB_ISODESC {
        let offset = ne_u32(data, at + 4);
        let dlen = ne_u32(data, at + 8);
        if dlen != 0 {
            data_len = data_len.max(offset.wrapping_add(dlen));
        }
        desc += 1;
        bytes_left -= USB_ISODESC;
        at += USB_ISODESC;
    }
    // libpcap stores this sum in a 32-bit unsigned int.
    let pre_truncation =
        (USB_MMAPPED_HDR as u64 + ndesc * USB_ISODESC as u64 + data_len as u64) as u32;
    if pre_truncation as usize >= caplen {
        *len = pre_truncation;
    }
    if caplen > *len as usize {
        *len = caplen as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sll_can_id_is_swapped_only_for_can() {
        let mut pkt = vec![0u8; 24];
        pkt[14..16].copy_from_slice(&SLL_P_CAN.to_be_bytes());
        pkt[16..20].copy_from_slice(&[1, 2, 3, 4]);
        let mut len = 24;
        apply(Linktype(LINUX_SLL), true, &mut len, &mut pkt);
        assert_eq!(&pkt[16..20], &[4, 3, 2, 1]);
        pkt[15] = 0x0a;
        apply(Linktype(LINUX_SLL), true, &mut len, &mut pkt);
        assert_eq!(&pkt[16..20], &[4, 3, 2, 1]);
    }

    #[test]
    fn nothing_to_do_for_ethernet() {
        assert!(!needed(Linktype::EN10MB, true));
        assert!(needed(Linktype(USB_LINUX_MMAPPED), false));
        assert!(needed(Linktype(NFLOG), true));
        assert!(!needed(Linktype(NFLOG), false));
    }

    #[test]
    fn short_packets_are_left_alone() {
        for lt in [
            PFLOG,
            LINUX_SLL,
            LINUX_SLL2,
            USB_LINUX,
            USB_LINUX_MMAPPED,
            NFLOG,
        ] {
            for n in 0..80 {
                let mut pkt = vec![0u8; n];
                let mut len = n as u32;
                apply(Linktype(lt), true, &mut len, &mut pkt);
                assert!(len as usize >= n.min(len as usize));
            }
        }
    }
}
