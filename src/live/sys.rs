//! The system interface of live capture: the only file under `src/live/` with `unsafe` code.
//!
//! Thin wrappers over the libc calls AF_PACKET capture needs: the packet socket and its
//! options, interface ioctls, `poll`, an `eventfd`, `send`, and the memory-mapped ring
//! ([`Ring`]). Every call goes through [`cvt`], which turns `-1` into an error naming the call.
//! File descriptors are [`OwnedFd`]s and the ring mapping is unmapped on `Drop`, so nothing
//! leaks on any path. Structures the kernel reads or fills are libc's (or, where libc has none,
//! `#[repr(C)]` copies of the uapi headers), with their sizes asserted at compile time.
//!
//! Man pages: packet(7), socket(7), netdevice(7), mmap(2), poll(2), eventfd(2), send(2).
#![allow(unsafe_code)]
#![deny(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

use std::ffi::{c_int, c_void};
use std::io;
use std::mem::{size_of, MaybeUninit};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU32, Ordering};

// Layouts the code relies on (live-capture.md §0).
const _: () = assert!(size_of::<libc::tpacket_req3>() == 28);
const _: () = assert!(size_of::<libc::tpacket_req>() == 16);
const _: () = assert!(size_of::<libc::tpacket2_hdr>() == 32);
const _: () = assert!(size_of::<libc::tpacket_block_desc>() == 48);
const _: () = assert!(size_of::<libc::tpacket3_hdr>() == 48);
const _: () = assert!(size_of::<libc::sockaddr_ll>() == 20);
const _: () = assert!(size_of::<libc::packet_mreq>() == 16);
const _: () = assert!(size_of::<libc::tpacket_stats>() == 8);
const _: () = assert!(size_of::<libc::tpacket_stats_v3>() == 12);
const _: () = assert!(size_of::<EthtoolTsInfo>() == 44);
const _: () = assert!(size_of::<HwtstampConfig>() == 12);
const _: () = assert!(size_of::<crate::bpf::Instruction>() == size_of::<libc::sock_filter>());
// The block-status word sits at offset 8 of the descriptor, 4-aligned.
const _: () = assert!(std::mem::offset_of!(libc::tpacket_block_desc, hdr) == 8);

/// `SOL_PACKET`.
const SOL_PACKET: c_int = 263;
/// `TPACKET_V2`.
pub const TPACKET_V2: c_int = 1;
/// `TPACKET_V3`.
pub const TPACKET_V3: c_int = 2;
/// `ETH_P_ALL`: every protocol.
pub const ETH_P_ALL: u16 = 0x0003;

const SIOCGIFFLAGS: u32 = 0x8913;
const SIOCGIFHWADDR: u32 = 0x8927;
const SIOCGIFMTU: u32 = 0x8921;
const SIOCGIFINDEX: u32 = 0x8933;
const SIOCETHTOOL: u32 = 0x8946;
const SIOCSHWTSTAMP: u32 = 0x89b0;
const ETHTOOL_GET_TS_INFO: u32 = 0x41;

/// `struct ifreq`: a 16-byte name and a union whose largest member (`struct ifmap`) is 24
/// bytes on 64-bit targets (16 on 32-bit ones; the extra bytes are never read by the kernel).
#[repr(C)]
struct IfReq {
    name: [u8; libc::IFNAMSIZ],
    u: IfrU,
}

#[repr(C)]
#[derive(Clone, Copy)]
union IfrU {
    int: c_int,
    flags: libc::c_short,
    hwaddr: libc::sockaddr,
    data: *mut c_void,
    pad: [u8; 24],
}

/// `struct ethtool_ts_info`.
#[repr(C)]
#[derive(Default)]
struct EthtoolTsInfo {
    cmd: u32,
    so_timestamping: u32,
    phc_index: i32,
    tx_types: u32,
    tx_reserved: [u32; 3],
    rx_filters: u32,
    rx_reserved: [u32; 3],
}

/// `struct hwtstamp_config`.
#[repr(C)]
struct HwtstampConfig {
    flags: c_int,
    tx_type: c_int,
    rx_filter: c_int,
}

/// A failed call: its name and the OS error.
pub type SysResult<T> = Result<T, (&'static str, io::Error)>;

/// `-1` → the OS error, tagged with the call's name.
fn cvt(call: &'static str, r: c_int) -> SysResult<c_int> {
    if r == -1 {
        Err((call, io::Error::last_os_error()))
    } else {
        Ok(r)
    }
}

fn cvt_size(call: &'static str, r: isize) -> SysResult<usize> {
    usize::try_from(r).map_err(|_| (call, io::Error::last_os_error()))
}

/// `socket(AF_PACKET, SOCK_RAW or SOCK_DGRAM, protocol 0)`, close-on-exec. Protocol 0: the
/// socket receives nothing until it is bound with a protocol, so no packet lands before the
/// ring exists.
pub fn packet_socket(cooked: bool) -> SysResult<OwnedFd> {
    let ty = if cooked {
        libc::SOCK_DGRAM
    } else {
        libc::SOCK_RAW
    } | libc::SOCK_CLOEXEC;
    // SAFETY: socket(2) takes no pointers; a non-negative result is a new descriptor we own.
    let fd = cvt("socket", unsafe { libc::socket(libc::AF_PACKET, ty, 0) })?;
    // SAFETY: `fd` was just returned by socket(2) and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// An `AF_INET` datagram socket for interface ioctls that do not need a packet socket (they
/// work without privileges).
pub fn ioctl_socket() -> SysResult<OwnedFd> {
    // SAFETY: as in `packet_socket`.
    let fd = cvt("socket", unsafe {
        libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0)
    })?;
    // SAFETY: `fd` was just returned by socket(2) and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn ifreq(name: &str) -> Option<IfReq> {
    let b = name.as_bytes();
    if b.is_empty() || b.len() >= libc::IFNAMSIZ || b.contains(&0) {
        return None;
    }
    let mut r = IfReq {
        name: [0; libc::IFNAMSIZ],
        u: IfrU { pad: [0; 24] },
    };
    r.name[..b.len()].copy_from_slice(b);
    Some(r)
}

fn no_such_device() -> io::Error {
    io::Error::from_raw_os_error(libc::ENODEV)
}

/// An interface ioctl that reads into the `ifreq` union.
fn if_ioctl(fd: BorrowedFd<'_>, call: &'static str, req: u32, name: &str) -> SysResult<IfrU> {
    let mut r = ifreq(name).ok_or((call, no_such_device()))?;
    // SAFETY: `r` is a properly sized, initialised `struct ifreq` that outlives the call; the
    // requests used here read the name and write only the union.
    cvt(call, unsafe {
        libc::ioctl(fd.as_raw_fd(), req as libc::Ioctl, &mut r as *mut IfReq)
    })?;
    Ok(r.u)
}

/// `SIOCGIFINDEX`: the interface's index.
pub fn if_index(fd: BorrowedFd<'_>, name: &str) -> SysResult<i32> {
    let u = if_ioctl(fd, "ioctl(SIOCGIFINDEX)", SIOCGIFINDEX, name)?;
    // SAFETY: SIOCGIFINDEX filled `ifr_ifindex`, a c_int.
    Ok(unsafe { u.int })
}

/// `SIOCGIFHWADDR`: the interface's `ARPHRD_*` hardware type.
pub fn if_hwtype(fd: BorrowedFd<'_>, name: &str) -> SysResult<u16> {
    let u = if_ioctl(fd, "ioctl(SIOCGIFHWADDR)", SIOCGIFHWADDR, name)?;
    // SAFETY: SIOCGIFHWADDR filled `ifr_hwaddr`, a sockaddr whose family is the ARPHRD type.
    Ok(unsafe { u.hwaddr.sa_family })
}

/// `SIOCGIFFLAGS`: the interface flags (`IFF_UP`, …).
pub fn if_flags(fd: BorrowedFd<'_>, name: &str) -> SysResult<u32> {
    let u = if_ioctl(fd, "ioctl(SIOCGIFFLAGS)", SIOCGIFFLAGS, name)?;
    // SAFETY: SIOCGIFFLAGS filled `ifr_flags`, a short (the low 16 flag bits).
    Ok(u32::from(unsafe { u.flags } as u16))
}

/// `SIOCGIFMTU`: the interface's MTU.
pub fn if_mtu(fd: BorrowedFd<'_>, name: &str) -> SysResult<u32> {
    let u = if_ioctl(fd, "ioctl(SIOCGIFMTU)", SIOCGIFMTU, name)?;
    // SAFETY: SIOCGIFMTU filled `ifr_mtu`, a c_int.
    Ok(u32::try_from(unsafe { u.int }).unwrap_or(0))
}

/// `ETHTOOL_GET_TS_INFO`: `(so_timestamping, rx_filters)` of the interface.
pub fn ts_info(fd: BorrowedFd<'_>, name: &str) -> SysResult<(u32, u32)> {
    const CALL: &str = "ioctl(SIOCETHTOOL, ETHTOOL_GET_TS_INFO)";
    let mut info = EthtoolTsInfo {
        cmd: ETHTOOL_GET_TS_INFO,
        ..EthtoolTsInfo::default()
    };
    let mut r = ifreq(name).ok_or((CALL, no_such_device()))?;
    r.u.data = (&mut info as *mut EthtoolTsInfo).cast();
    // SAFETY: `ifr_data` points to `info`, a `struct ethtool_ts_info` that lives across the
    // call; the kernel writes only within it.
    cvt(CALL, unsafe {
        libc::ioctl(
            fd.as_raw_fd(),
            SIOCETHTOOL as libc::Ioctl,
            &mut r as *mut IfReq,
        )
    })?;
    Ok((info.so_timestamping, info.rx_filters))
}

/// `SIOCSHWTSTAMP`: time-stamp every received packet in hardware (and transmitted ones, as
/// libpcap asks).
pub fn enable_hw_timestamps(fd: BorrowedFd<'_>, name: &str) -> SysResult<()> {
    const CALL: &str = "ioctl(SIOCSHWTSTAMP)";
    let mut cfg = HwtstampConfig {
        flags: 0,
        tx_type: 1,   // HWTSTAMP_TX_ON
        rx_filter: 1, // HWTSTAMP_FILTER_ALL
    };
    let mut r = ifreq(name).ok_or((CALL, no_such_device()))?;
    r.u.data = (&mut cfg as *mut HwtstampConfig).cast();
    // SAFETY: `ifr_data` points to `cfg`, which lives across the call.
    cvt(CALL, unsafe {
        libc::ioctl(
            fd.as_raw_fd(),
            SIOCSHWTSTAMP as libc::Ioctl,
            &mut r as *mut IfReq,
        )
    })?;
    Ok(())
}

/// `setsockopt` with a plain-old-data value.
fn setsockopt<T>(
    fd: BorrowedFd<'_>,
    call: &'static str,
    level: c_int,
    opt: c_int,
    val: &T,
) -> SysResult<()> {
    // SAFETY: `val` is a valid, initialised `T` for the duration of the call and its size is
    // passed with it; every caller pairs `opt` with the type the kernel expects for it.
    cvt(call, unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            opt,
            (val as *const T).cast(),
            size_of::<T>() as libc::socklen_t,
        )
    })?;
    Ok(())
}

/// `getsockopt` into a plain-old-data value; returns it and the length the kernel wrote.
fn getsockopt<T: Copy>(
    fd: BorrowedFd<'_>,
    call: &'static str,
    level: c_int,
    opt: c_int,
    init: T,
) -> SysResult<(T, usize)> {
    let mut val = MaybeUninit::new(init);
    let mut len = size_of::<T>() as libc::socklen_t;
    // SAFETY: `val` is initialised storage of `len` bytes that outlives the call; the kernel
    // writes at most `len` bytes and reports how many.
    cvt(call, unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            level,
            opt,
            val.as_mut_ptr().cast(),
            &mut len,
        )
    })?;
    // SAFETY: `val` was initialised with `init`; the kernel overwrote some bytes of a
    // plain-old-data type (integers only), which leaves it a valid `T`.
    Ok((unsafe { val.assume_init() }, len as usize))
}

/// The `SOL_PACKET` / `SOL_SOCKET` integer options the capture sets.
#[derive(Clone, Copy, Debug)]
pub enum IntOpt {
    /// `PACKET_VERSION`.
    Version,
    /// `PACKET_TIMESTAMP`.
    Timestamp,
    /// `PACKET_IGNORE_OUTGOING`.
    IgnoreOutgoing,
    /// `PACKET_FANOUT`.
    Fanout,
    /// `PACKET_COPY_THRESH` (V2: a packet longer than its frame also goes to the socket's
    /// receive queue whole).
    CopyThresh,
    /// `SO_RCVBUF` (the kernel doubles the value and caps it at `net.core.rmem_max`).
    RcvBuf,
    /// `SO_RCVBUFFORCE` (as `SO_RCVBUF` without the cap; needs `CAP_NET_ADMIN`).
    RcvBufForce,
    /// `SO_TIMESTAMPNS`.
    TimestampNs,
    /// `SO_LOCK_FILTER` (once set, the socket's filter can be neither changed nor removed).
    LockFilter,
    /// `SO_TYPE` (read only).
    Type,
    /// `SO_ERROR` (read only; reading clears it).
    Error,
}

impl IntOpt {
    const fn spec(self) -> (&'static str, c_int, c_int) {
        match self {
            IntOpt::Version => ("setsockopt(PACKET_VERSION)", SOL_PACKET, 10),
            IntOpt::Timestamp => ("setsockopt(PACKET_TIMESTAMP)", SOL_PACKET, 17),
            IntOpt::IgnoreOutgoing => ("setsockopt(PACKET_IGNORE_OUTGOING)", SOL_PACKET, 23),
            IntOpt::Fanout => ("setsockopt(PACKET_FANOUT)", SOL_PACKET, 18),
            IntOpt::CopyThresh => ("setsockopt(PACKET_COPY_THRESH)", SOL_PACKET, 7),
            IntOpt::RcvBuf => ("setsockopt(SO_RCVBUF)", libc::SOL_SOCKET, libc::SO_RCVBUF),
            IntOpt::RcvBufForce => (
                "setsockopt(SO_RCVBUFFORCE)",
                libc::SOL_SOCKET,
                libc::SO_RCVBUFFORCE,
            ),
            IntOpt::TimestampNs => (
                "setsockopt(SO_TIMESTAMPNS)",
                libc::SOL_SOCKET,
                libc::SO_TIMESTAMPNS,
            ),
            IntOpt::LockFilter => (
                "setsockopt(SO_LOCK_FILTER)",
                libc::SOL_SOCKET,
                libc::SO_LOCK_FILTER,
            ),
            IntOpt::Type => ("getsockopt(SO_TYPE)", libc::SOL_SOCKET, libc::SO_TYPE),
            IntOpt::Error => ("getsockopt(SO_ERROR)", libc::SOL_SOCKET, libc::SO_ERROR),
        }
    }
}

/// Sets an integer socket option.
pub fn set_int(fd: BorrowedFd<'_>, opt: IntOpt, val: c_int) -> SysResult<()> {
    let (call, level, name) = opt.spec();
    setsockopt(fd, call, level, name, &val)
}

/// Reads an integer socket option.
pub fn get_int(fd: BorrowedFd<'_>, opt: IntOpt) -> SysResult<c_int> {
    let (call, level, name) = opt.spec();
    let call = match opt {
        IntOpt::Version => "getsockopt(PACKET_VERSION)",
        IntOpt::Fanout => "getsockopt(PACKET_FANOUT)",
        IntOpt::IgnoreOutgoing => "getsockopt(PACKET_IGNORE_OUTGOING)",
        IntOpt::RcvBuf => "getsockopt(SO_RCVBUF)",
        _ => call,
    };
    Ok(getsockopt(fd, call, level, name, 0 as c_int)?.0)
}

/// `PACKET_ADD_MEMBERSHIP` with `PACKET_MR_PROMISC`: promiscuous mode while the socket lives.
pub fn add_promisc(fd: BorrowedFd<'_>, ifindex: i32) -> SysResult<()> {
    let mreq = libc::packet_mreq {
        mr_ifindex: ifindex,
        mr_type: libc::PACKET_MR_PROMISC as u16,
        mr_alen: 0,
        mr_address: [0; 8],
    };
    setsockopt(
        fd,
        "setsockopt(PACKET_ADD_MEMBERSHIP)",
        SOL_PACKET,
        libc::PACKET_ADD_MEMBERSHIP,
        &mreq,
    )
}

/// The shape of a receive ring, as `PACKET_RX_RING` takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RingRequest {
    /// Bytes per block (a multiple of the page size).
    pub block_size: u32,
    /// Number of blocks.
    pub block_count: u32,
    /// Bytes per frame: V2's one-packet slots (a multiple of 16, at most `block_size`); a V3
    /// ring is sent one "frame" per block (V3 packs packets of any size into a block; the frame
    /// fields only have to pass the kernel's consistency checks).
    pub frame_size: u32,
    /// V3: the block-retire timeout in milliseconds; `None` for a V2 ring.
    pub retire_ms: Option<u32>,
}

/// `PACKET_RX_RING`: a TPACKET_V3 request when `ring.retire_ms` is given, else a V2 one (the
/// socket's `PACKET_VERSION` must match).
pub fn set_rx_ring(fd: BorrowedFd<'_>, ring: &RingRequest) -> SysResult<()> {
    const CALL: &str = "setsockopt(PACKET_RX_RING)";
    let per_block = ring.block_size.checked_div(ring.frame_size).unwrap_or(0);
    let frame_nr = per_block
        .checked_mul(ring.block_count)
        .ok_or((CALL, io::Error::from_raw_os_error(libc::EINVAL)))?;
    match ring.retire_ms {
        Some(retire_ms) => {
            let req = libc::tpacket_req3 {
                tp_block_size: ring.block_size,
                tp_block_nr: ring.block_count,
                tp_frame_size: ring.frame_size,
                tp_frame_nr: frame_nr,
                tp_retire_blk_tov: retire_ms,
                tp_sizeof_priv: 0,
                tp_feature_req_word: 0,
            };
            setsockopt(fd, CALL, SOL_PACKET, libc::PACKET_RX_RING, &req)
        }
        None => {
            let req = libc::tpacket_req {
                tp_block_size: ring.block_size,
                tp_block_nr: ring.block_count,
                tp_frame_size: ring.frame_size,
                tp_frame_nr: frame_nr,
            };
            setsockopt(fd, CALL, SOL_PACKET, libc::PACKET_RX_RING, &req)
        }
    }
}

/// `PACKET_STATISTICS` (V3 layout): `(packets, drops, freeze_q_cnt)` since the last read;
/// reading zeroes the kernel's counters.
pub fn packet_stats(fd: BorrowedFd<'_>) -> SysResult<(u32, u32, u32)> {
    let init = libc::tpacket_stats_v3 {
        tp_packets: 0,
        tp_drops: 0,
        tp_freeze_q_cnt: 0,
    };
    let (s, _) = getsockopt(
        fd,
        "getsockopt(PACKET_STATISTICS)",
        SOL_PACKET,
        libc::PACKET_STATISTICS,
        init,
    )?;
    Ok((s.tp_packets, s.tp_drops, s.tp_freeze_q_cnt))
}

/// `SO_ATTACH_FILTER` with a classic BPF program (1 to 4096 instructions, checked by the
/// caller's validation; longer programs are refused here without a call).
pub fn attach_filter(fd: BorrowedFd<'_>, insns: &[crate::bpf::Instruction]) -> SysResult<()> {
    const CALL: &str = "setsockopt(SO_ATTACH_FILTER)";
    let len = u16::try_from(insns.len())
        .map_err(|_| (CALL, io::Error::from_raw_os_error(libc::EINVAL)))?;
    let prog = libc::sock_fprog {
        len,
        // The kernel only reads the instructions; `Instruction` is laid out as `sock_filter`
        // (asserted above and in `bpf::insn`).
        filter: insns.as_ptr().cast_mut().cast(),
    };
    setsockopt(fd, CALL, libc::SOL_SOCKET, libc::SO_ATTACH_FILTER, &prog)
}

/// `SO_DETACH_FILTER`; "no filter attached" (`ENOENT`, `ENONET` on some kernels) is success.
pub fn detach_filter(fd: BorrowedFd<'_>) -> SysResult<()> {
    match setsockopt(
        fd,
        "setsockopt(SO_DETACH_FILTER)",
        libc::SOL_SOCKET,
        libc::SO_DETACH_FILTER,
        &0 as &c_int,
    ) {
        Err((_, e)) if matches!(e.raw_os_error(), Some(libc::ENOENT | libc::ENONET)) => Ok(()),
        r => r,
    }
}

/// `bind` to an interface (index 0: all) for a protocol (host order; 0: receive nothing).
pub fn bind(fd: BorrowedFd<'_>, ifindex: i32, protocol: u16) -> SysResult<()> {
    // SAFETY: sockaddr_ll is plain old data; all-zero is a valid value.
    let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
    sll.sll_family = libc::AF_PACKET as u16;
    sll.sll_protocol = protocol.to_be();
    sll.sll_ifindex = ifindex;
    // SAFETY: `sll` is a valid sockaddr_ll and its size is passed with it.
    cvt("bind", unsafe {
        libc::bind(
            fd.as_raw_fd(),
            (&sll as *const libc::sockaddr_ll).cast(),
            size_of::<libc::sockaddr_ll>() as libc::socklen_t,
        )
    })?;
    Ok(())
}

/// `getsockname`: `(ifindex, protocol in host order, hatype)` the socket is bound to.
pub fn bound_to(fd: BorrowedFd<'_>) -> SysResult<(i32, u16, u16)> {
    // SAFETY: sockaddr_ll is plain old data; all-zero is a valid value.
    let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
    let mut len = size_of::<libc::sockaddr_ll>() as libc::socklen_t;
    // SAFETY: `sll` is writable storage of `len` bytes; the kernel writes at most `len`.
    cvt("getsockname", unsafe {
        libc::getsockname(
            fd.as_raw_fd(),
            (&mut sll as *mut libc::sockaddr_ll).cast(),
            &mut len,
        )
    })?;
    if i32::from(sll.sll_family) != libc::AF_PACKET {
        return Err((
            "getsockname",
            io::Error::from_raw_os_error(libc::EAFNOSUPPORT),
        ));
    }
    Ok((
        sll.sll_ifindex,
        u16::from_be(sll.sll_protocol),
        sll.sll_hatype,
    ))
}

/// The name of interface `ifindex`, or `None` when there is no such interface (`ENXIO`).
pub fn index_to_name(ifindex: i32) -> SysResult<Option<String>> {
    let Ok(idx) = u32::try_from(ifindex) else {
        return Ok(None);
    };
    let mut buf = [0u8; libc::IF_NAMESIZE];
    // SAFETY: `buf` has the IF_NAMESIZE bytes if_indextoname(3) may write.
    let p = unsafe { libc::if_indextoname(idx, buf.as_mut_ptr().cast()) };
    if p.is_null() {
        let e = io::Error::last_os_error();
        return match e.raw_os_error() {
            Some(libc::ENXIO | libc::ENODEV) => Ok(None),
            _ => Err(("if_indextoname", e)),
        };
    }
    let n = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    Ok(Some(String::from_utf8_lossy(&buf[..n]).into_owned()))
}

/// `send(fd, frame, 0)`: the number of bytes sent.
pub fn send(fd: BorrowedFd<'_>, frame: &[u8]) -> SysResult<usize> {
    // SAFETY: `frame` is a valid readable buffer of `frame.len()` bytes for the call.
    cvt_size("send", unsafe {
        libc::send(fd.as_raw_fd(), frame.as_ptr().cast(), frame.len(), 0)
    })
}

/// `recv(fd, buf, MSG_DONTWAIT | MSG_TRUNC)`: takes the next datagram off the socket's receive
/// queue into `buf` (as much as fits) and returns its whole length; `Ok(None)` when the queue
/// is empty. An empty `buf` discards the datagram.
pub fn recv_trunc(fd: BorrowedFd<'_>, buf: &mut [u8]) -> SysResult<Option<usize>> {
    // SAFETY: `buf` is valid writable memory of `buf.len()` bytes for the call; the kernel
    // writes at most that many.
    let r = unsafe {
        libc::recv(
            fd.as_raw_fd(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            libc::MSG_DONTWAIT | libc::MSG_TRUNC,
        )
    };
    match cvt_size("recv", r) {
        Ok(n) => Ok(Some(n)),
        Err((_, e)) if e.kind() == io::ErrorKind::WouldBlock => Ok(None),
        Err(e) => Err(e),
    }
}

/// `socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)`, close-on-exec: rtnetlink in the network
/// namespace of the calling thread (for good: the socket stays there).
pub fn route_socket() -> SysResult<OwnedFd> {
    // SAFETY: socket(2) takes no pointers; a non-negative result is a new descriptor we own.
    let fd = cvt("socket(AF_NETLINK)", unsafe {
        libc::socket(
            libc::AF_NETLINK,
            libc::SOCK_RAW | libc::SOCK_CLOEXEC,
            libc::NETLINK_ROUTE,
        )
    })?;
    // SAFETY: `fd` was just returned by socket(2) and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)`: the wake-up descriptor of a break handle.
pub fn eventfd() -> SysResult<OwnedFd> {
    // SAFETY: eventfd(2) takes no pointers; a non-negative result is a new descriptor we own.
    let fd = cvt("eventfd", unsafe {
        libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC)
    })?;
    // SAFETY: `fd` was just returned by eventfd(2) and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Adds 1 to an eventfd's counter (waking its pollers). A full counter (`EAGAIN`) already
/// wakes them, so it is not an error.
pub fn eventfd_signal(fd: BorrowedFd<'_>) -> SysResult<()> {
    let one: u64 = 1;
    // SAFETY: `one` is 8 readable bytes for the call.
    let r = unsafe { libc::write(fd.as_raw_fd(), (&one as *const u64).cast(), 8) };
    match cvt_size("write(eventfd)", r) {
        Err((_, e)) if e.kind() == io::ErrorKind::WouldBlock => Ok(()),
        Err(e) => Err(e),
        Ok(_) => Ok(()),
    }
}

/// Resets an eventfd's counter to 0 (nonblocking; an empty counter is fine).
pub fn eventfd_drain(fd: BorrowedFd<'_>) {
    let mut v: u64 = 0;
    // SAFETY: `v` is 8 writable bytes for the call. The result does not matter: either the
    // counter was read (and reset) or it was already 0 (EAGAIN).
    let _ = unsafe { libc::read(fd.as_raw_fd(), (&mut v as *mut u64).cast(), 8) };
}

/// What `poll` reported for the capture socket and the wake-up descriptor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ready {
    /// Socket `revents`.
    pub socket: i16,
    /// Wake-up descriptor `revents`.
    pub wake: i16,
}

/// `poll` bits.
pub const POLLERR: i16 = libc::POLLERR;
/// `poll` bits.
pub const POLLHUP: i16 = libc::POLLHUP;
/// `poll` bits.
pub const POLLNVAL: i16 = libc::POLLNVAL;

/// `poll([socket POLLIN, wake POLLIN], timeout_ms)`; `EINTR` counts as "nothing ready".
pub fn poll2(socket: BorrowedFd<'_>, wake: BorrowedFd<'_>, timeout_ms: c_int) -> SysResult<Ready> {
    let mut fds = [
        libc::pollfd {
            fd: socket.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        },
        libc::pollfd {
            fd: wake.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        },
    ];
    // SAFETY: `fds` is an array of 2 initialised pollfd structures that outlives the call.
    let r = unsafe { libc::poll(fds.as_mut_ptr(), 2, timeout_ms) };
    if r == -1 {
        let e = io::Error::last_os_error();
        if e.kind() == io::ErrorKind::Interrupted {
            return Ok(Ready::default());
        }
        return Err(("poll", e));
    }
    Ok(Ready {
        socket: fds[0].revents,
        wake: fds[1].revents,
    })
}

/// The system page size.
pub fn page_size() -> usize {
    // SAFETY: sysconf(3) takes no pointers.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(p).ok().filter(|&p| p > 0).unwrap_or(4096)
}

/// The memory-mapped receive ring: `block_count` blocks of `block_size` bytes shared with the
/// kernel, cut into slots of `slot_size` bytes (V3: one slot per block; V2: the frames, as many
/// as fit in a block), each with a 32-bit status word at `status_at`. Unmapped on drop.
///
/// Invariants: `ptr` is the start of a live `MAP_SHARED` mapping of exactly
/// `block_size * block_count` bytes, page-aligned, owned by this value alone; `slot_size` is a
/// multiple of 16 no larger than `block_size`, `per_block = block_size / slot_size ≥ 1`;
/// `status_at + 4 ≤ slot_size` and `status_at` is a multiple of 4.
#[derive(Debug)]
pub struct Ring {
    ptr: NonNull<u8>,
    block_size: usize,
    block_count: usize,
    slot_size: usize,
    status_at: usize,
    /// Offset of each slot in the mapping (no divisions on the hot path).
    offsets: Box<[usize]>,
}

// SAFETY: the mapping is plain memory owned by this value; moving it to another thread moves
// that ownership (nothing in it is tied to the creating thread).
unsafe impl Send for Ring {}
// SAFETY: shared references only allow atomic reads of slot status words.
unsafe impl Sync for Ring {}

impl Ring {
    /// Maps the ring of `fd` (set up with `PACKET_RX_RING` and the same geometry), with slots
    /// of `slot_size` bytes whose status word is at `status_at`.
    pub fn map(
        fd: BorrowedFd<'_>,
        block_size: usize,
        block_count: usize,
        slot_size: usize,
        status_at: usize,
    ) -> SysResult<Ring> {
        let einval = || ("mmap", io::Error::from_raw_os_error(libc::EINVAL));
        let len = block_size
            .checked_mul(block_count)
            .filter(|&l| l > 0)
            .ok_or_else(einval)?;
        let shape_ok = block_size % page_size() == 0
            && slot_size % 16 == 0
            && slot_size > 0
            && slot_size <= block_size
            && status_at % 4 == 0
            && status_at + 4 <= slot_size;
        if !shape_ok {
            return Err(einval());
        }
        // SAFETY: a fresh shared mapping of the socket's ring, at an address the kernel picks;
        // no existing memory is affected.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd.as_raw_fd(),
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(("mmap", io::Error::last_os_error()));
        }
        let ptr = NonNull::new(p.cast::<u8>()).ok_or_else(einval)?;
        let per_block = block_size / slot_size;
        let offsets = (0..block_count)
            .flat_map(|b| (0..per_block).map(move |i| b * block_size + i * slot_size))
            .collect();
        Ok(Ring {
            ptr,
            block_size,
            block_count,
            slot_size,
            status_at,
            offsets,
        })
    }

    /// Number of slots.
    #[inline]
    pub fn slot_count(&self) -> usize {
        self.offsets.len()
    }

    /// The slot after `slot`, in ring order.
    #[inline]
    pub fn next_slot(&self, slot: usize) -> usize {
        if slot + 1 >= self.slot_count() {
            0
        } else {
            slot + 1
        }
    }

    /// Offset of `slot` in the mapping, if it exists (then the whole slot lies inside the
    /// mapping: offsets are built from the geometry checked in `map`).
    #[inline]
    fn offset(&self, slot: usize) -> Option<usize> {
        self.offsets.get(slot).copied()
    }

    fn status_word(&self, slot: usize) -> Option<&AtomicU32> {
        let off = self.offset(slot)?;
        // SAFETY: `off` is one of the slot offsets built in `map` (`b * block_size + i *
        // slot_size` with `b < block_count`, `i < block_size / slot_size`), so the slot lies
        // inside its block of the mapping, and its status word
        // (`status_at + 4 ≤ slot_size`) too; it is 4-aligned (blocks are page-aligned, slots
        // 16-aligned within them, `status_at` a multiple of 4). The kernel only accesses it with
        // aligned 32-bit loads and stores, and this code only through this atomic, so treating
        // it as an AtomicU32 for the borrow of `self` is sound (the mapping outlives `&self`).
        Some(unsafe { AtomicU32::from_ptr(self.ptr.as_ptr().add(off + self.status_at).cast()) })
    }

    /// The status word of `slot`, read with Acquire ordering (pairs with the kernel's write
    /// barrier before it hands the slot over). 0 for an out-of-range slot.
    #[inline]
    pub fn status(&self, slot: usize) -> u32 {
        self.status_word(slot)
            .map_or(0, |w| w.load(Ordering::Acquire))
    }

    /// Hands `slot` back to the kernel: a Release store of `TP_STATUS_KERNEL` (0), after
    /// which the slot's bytes are not touched again until the kernel hands it back. Needs
    /// `&mut self`, so no slice of the slot can be alive.
    #[inline]
    pub fn release(&mut self, slot: usize) {
        if let Some(w) = self.status_word(slot) {
            w.store(0, Ordering::Release);
        }
    }

    /// Asks the CPU to start loading the cache line at `offset` of `slot` (the next packet's
    /// header, while the current one is processed). Does nothing off x86-64 or out of range.
    #[inline]
    pub fn prefetch(&self, slot: usize, offset: usize) {
        #[cfg(target_arch = "x86_64")]
        if let Some(base) = self.offset(slot).filter(|_| offset < self.slot_size) {
            // SAFETY: the address lies inside the mapping (checked above); a prefetch only
            // hints the cache, never faults and never changes memory.
            unsafe {
                let p = self.ptr.as_ptr().add(base + offset);
                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                    p.cast::<i8>().cast_const(),
                );
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (slot, offset);
    }

    /// The bytes of `slot` while user space owns it (`TP_STATUS_USER` set); `None` while the
    /// kernel does. The kernel does not write to a user-owned slot; it may read its status word,
    /// which callers must not write through this slice.
    #[inline]
    pub fn user_slot(&mut self, slot: usize) -> Option<&mut [u8]> {
        if self.status(slot) & 1 == 0 {
            return None;
        }
        let off = self.offset(slot)?;
        // SAFETY: `off` is a slot offset built in `map`, so `off + slot_size` lies inside the
        // mapping (see `status_word`). The slot is user-owned (Acquire load above), so the kernel does not write to
        // it until `release`, which takes `&mut self` and so cannot run while this borrow lives;
        // no other slice of the mapping exists (each is tied to `&mut self`).
        Some(unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr().add(off), self.slot_size) })
    }
}

impl Drop for Ring {
    fn drop(&mut self) {
        // SAFETY: `ptr`/`len` describe the mapping created in `map`, unmapped only here; no
        // slice of it can outlive `self`.
        unsafe {
            libc::munmap(self.ptr.as_ptr().cast(), self.block_size * self.block_count);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd;

    #[test]
    fn eventfd_wakes_poll() {
        let a = eventfd().unwrap();
        let b = eventfd().unwrap();
        assert_eq!(poll2(a.as_fd(), b.as_fd(), 0).unwrap(), Ready::default());
        eventfd_signal(b.as_fd()).unwrap();
        let r = poll2(a.as_fd(), b.as_fd(), 1000).unwrap();
        assert_eq!(r.wake & libc::POLLIN, libc::POLLIN);
        eventfd_drain(b.as_fd());
        assert_eq!(poll2(a.as_fd(), b.as_fd(), 0).unwrap(), Ready::default());
    }

    #[test]
    fn interface_names_are_checked_before_the_kernel_sees_them() {
        let s = ioctl_socket().unwrap();
        for bad in ["", "0123456789abcdef", "a\0b"] {
            let (call, e) = if_index(s.as_fd(), bad).unwrap_err();
            assert_eq!(call, "ioctl(SIOCGIFINDEX)");
            assert_eq!(e.raw_os_error(), Some(libc::ENODEV));
        }
        assert_eq!(index_to_name(-1).unwrap(), None);
        assert!(page_size() >= 4096);
    }
}
