//! Ports and port ranges over IPv4 (with the fragment guard and the variable IP header
//! length) and IPv6 (fixed header, no extension headers), for TCP, UDP and SCTP.

use super::link::{ETHERTYPE_IP, ETHERTYPE_IPV6};
use super::{Gen, Rel, Result};
use crate::filter::ir::{Frag, Size};
use crate::filter::resolve::{Dir, PortProto};
use crate::wire::{ipv4, ipv6, tcp};

/// The port fields (the same in TCP, UDP and SCTP).
const SPORT: u32 = tcp::field::SRC_PORT.start as u32;
const DPORT: u32 = tcp::field::DST_PORT.start as u32;

pub(crate) use super::net::{IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP};

impl PortProto {
    fn ip_proto(self) -> Option<u32> {
        match self {
            PortProto::Tcp => Some(IPPROTO_TCP),
            PortProto::Udp => Some(IPPROTO_UDP),
            PortProto::Sctp => Some(IPPROTO_SCTP),
            PortProto::Any => None,
        }
    }
}

impl Gen {
    /// Source or destination port test; `range` = `Some((lo, hi))` for port ranges.
    fn port_atoms(&mut self, rel: Rel, dir: Dir, port: u32, range: Option<u32>) -> Result<Frag> {
        let atom = |g: &mut Gen, off: u32| -> Result<Frag> {
            match range {
                None => g.cmp(rel, off, Size::H, port),
                Some(hi) => {
                    let (lo, hi) = if port > hi { (hi, port) } else { (port, hi) };
                    let b1 = g.cmp_ge(rel, off, Size::H, lo)?;
                    let b2 = g.cmp_le(rel, off, Size::H, hi)?;
                    Ok(g.and(b1, b2))
                }
            }
        };
        match dir {
            Dir::Src => atom(self, SPORT),
            Dir::Dst => atom(self, DPORT),
            Dir::SrcAndDst | Dir::SrcOrDst => {
                let tmp = atom(self, SPORT)?;
                let b1 = atom(self, DPORT)?;
                Ok(if dir == Dir::SrcAndDst {
                    self.and(tmp, b1)
                } else {
                    self.or(tmp, b1)
                })
            }
        }
    }

    /// One protocol's IPv4 port test: protocol, not a later fragment, then the port.
    fn portop4(&mut self, port: u32, hi: Option<u32>, ip_proto: u32, dir: Dir) -> Result<Frag> {
        let tmp = self.cmp(Rel::LinkPl, ipv4::field::PROTOCOL as u32, Size::B, ip_proto)?;
        let b0 = self.ipfrag()?;
        let b0 = self.and(tmp, b0);
        let b1 = self.port_atoms(Rel::TranIpv4, dir, port, hi)?;
        Ok(self.and(b0, b1))
    }

    fn portop6(&mut self, port: u32, hi: Option<u32>, ip_proto: u32, dir: Dir) -> Result<Frag> {
        let b0 = self.cmp(
            Rel::LinkPl,
            ipv6::field::NEXT_HEADER as u32,
            Size::B,
            ip_proto,
        )?;
        let b1 = self.port_atoms(Rel::TranIpv6, dir, port, hi)?;
        Ok(self.and(b0, b1))
    }

    fn ports(
        &mut self,
        v6: bool,
        port: u32,
        hi: Option<u32>,
        ip_proto: Option<u32>,
        dir: Dir,
    ) -> Result<Frag> {
        let b0 = self.linktype(if v6 { ETHERTYPE_IPV6 } else { ETHERTYPE_IP })?;
        let op = |g: &mut Gen, p: u32| {
            if v6 {
                g.portop6(port, hi, p, dir)
            } else {
                g.portop4(port, hi, p, dir)
            }
        };
        let b1 = match ip_proto {
            Some(p) => op(self, p)?,
            None => {
                let tmp = op(self, IPPROTO_TCP)?;
                let b1 = op(self, IPPROTO_UDP)?;
                let b1 = self.or(tmp, b1);
                let tmp = op(self, IPPROTO_SCTP)?;
                self.or(tmp, b1)
            }
        };
        Ok(self.and(b0, b1))
    }

    /// IPv4 `port` (libpcap's `gen_port`); `ip_proto` `None` = TCP, UDP or SCTP.
    pub(crate) fn port4(&mut self, port: u32, ip_proto: Option<u32>, dir: Dir) -> Result<Frag> {
        self.ports(false, port, None, ip_proto, dir)
    }

    /// IPv6 `port` (libpcap's `gen_port6`).
    pub(crate) fn port6(&mut self, port: u32, ip_proto: Option<u32>, dir: Dir) -> Result<Frag> {
        self.ports(true, port, None, ip_proto, dir)
    }

    /// IPv4 `portrange` (libpcap's `gen_portrange`).
    pub(crate) fn portrange4(
        &mut self,
        p1: u32,
        p2: u32,
        ip_proto: Option<u32>,
        dir: Dir,
    ) -> Result<Frag> {
        self.ports(false, p1, Some(p2), ip_proto, dir)
    }

    /// IPv6 `portrange` (libpcap's `gen_portrange6`).
    pub(crate) fn portrange6(
        &mut self,
        p1: u32,
        p2: u32,
        ip_proto: Option<u32>,
        dir: Dir,
    ) -> Result<Frag> {
        self.ports(true, p1, Some(p2), ip_proto, dir)
    }

    /// `[tcp|udp|sctp] port N`: the IPv6 test, then the IPv4 one (libpcap generates the IPv4
    /// code first, then ORs the IPv6 code in front).
    pub fn port(&mut self, proto: PortProto, dir: Dir, port: u32) -> Result<Frag> {
        let b = self.port4(port, proto.ip_proto(), dir)?;
        let b6 = self.port6(port, proto.ip_proto(), dir)?;
        Ok(self.or(b6, b))
    }

    /// `[tcp|udp|sctp] portrange LOW-HIGH`, as [`Gen::port`].
    pub fn portrange(&mut self, proto: PortProto, dir: Dir, low: u32, high: u32) -> Result<Frag> {
        let b = self.portrange4(low, high, proto.ip_proto(), dir)?;
        let b6 = self.portrange6(low, high, proto.ip_proto(), dir)?;
        Ok(self.or(b6, b))
    }
}
