//! Live capture on Linux with AF_PACKET sockets and TPACKET_V3 memory-mapped rings.
//!
//! Not built yet: live capture is the subject of its own issue. It will hand out the same
//! [`PacketHeader`](crate::PacketHeader) and [`Packet`](crate::Packet) as the file readers and
//! implement [`PacketSource`](crate::PacketSource); all of its `unsafe` will live in one
//! `sys` module.
