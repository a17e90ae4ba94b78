//! Ports and port ranges over IPv4 (with the fragment guard and the variable IP header
//! length) and IPv6 (fixed header, no extension headers), for TCP, UDP and SCTP.

use super::link::{ETHERTYPE_IP, ETHERTYPE_IPV6};
use super::{bail, Dir, Gen, Kind, Proto, Qual, Rel, Result};
use crate::filter::ir::{Frag, Size};

pub(crate) use super::net::{IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP};

/// Which transport protocols a port name is registered for (services(5)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PortProto {
    /// Only TCP.
    Tcp,
    /// Only UDP.
    Udp,
    /// Only SCTP.
    Sctp,
    /// TCP and UDP with the same number (tested for TCP, UDP and SCTP).
    Any,
}

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

fn port_dir_error(dir: Dir, what: &str) -> String {
    match dir {
        Dir::Addr1 => format!("'addr1' and 'address1' are not valid qualifiers for {what}"),
        Dir::Addr2 => format!("'addr2' and 'address2' are not valid qualifiers for {what}"),
        Dir::Addr3 => format!("'addr3' and 'address3' are not valid qualifiers for {what}"),
        Dir::Addr4 => format!("'addr4' and 'address4' are not valid qualifiers for {what}"),
        Dir::Ra => format!("'ra' is not a valid qualifier for {what}"),
        _ => format!("'ta' is not a valid qualifier for {what}"),
    }
}

impl Gen {
    /// Source or destination port test; `range` = `Some((lo, hi))` for port ranges.
    fn port_atoms(&mut self, rel: Rel, dir: Dir, port: u32, range: Option<u32>, v6: bool) -> Result<Frag> {
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
            Dir::Src => atom(self, 0),
            Dir::Dst => atom(self, 2),
            Dir::And | Dir::Default | Dir::Or => {
                let tmp = atom(self, 0)?;
                let b1 = atom(self, 2)?;
                Ok(if dir == Dir::And {
                    self.and(tmp, b1)
                } else {
                    self.or(tmp, b1)
                })
            }
            other => {
                if v6 {
                    // libpcap's IPv6 port code has no case for these: the IPv4 code, compiled
                    // first, has already reported them.
                    Err(super::Error::Internal("802.11 direction on an IPv6 port".into()))
                } else if range.is_some() {
                    Err(super::Error::Semantic(port_dir_error(other, "port ranges")))
                } else {
                    Err(super::Error::Semantic(port_dir_error(other, "ports")))
                }
            }
        }
    }

    /// One protocol's IPv4 port test: protocol, not a later fragment, then the port.
    fn portop4(&mut self, port: u32, hi: Option<u32>, ip_proto: u32, dir: Dir) -> Result<Frag> {
        let tmp = self.cmp(Rel::LinkPl, 9, Size::B, ip_proto)?;
        let b0 = self.ipfrag()?;
        let b0 = self.and(tmp, b0);
        let b1 = self.port_atoms(Rel::TranIpv4, dir, port, hi, false)?;
        Ok(self.and(b0, b1))
    }

    fn portop6(&mut self, port: u32, hi: Option<u32>, ip_proto: u32, dir: Dir) -> Result<Frag> {
        let b0 = self.cmp(Rel::LinkPl, 6, Size::B, ip_proto)?;
        let b1 = self.port_atoms(Rel::TranIpv6, dir, port, hi, true)?;
        Ok(self.and(b0, b1))
    }

    fn ports(&mut self, v6: bool, port: u32, hi: Option<u32>, ip_proto: Option<u32>, dir: Dir) -> Result<Frag> {
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
    pub(crate) fn portrange4(&mut self, p1: u32, p2: u32, ip_proto: Option<u32>, dir: Dir) -> Result<Frag> {
        self.ports(false, p1, Some(p2), ip_proto, dir)
    }

    /// IPv6 `portrange` (libpcap's `gen_portrange6`).
    pub(crate) fn portrange6(&mut self, p1: u32, p2: u32, ip_proto: Option<u32>, dir: Dir) -> Result<Frag> {
        self.ports(true, p1, Some(p2), ip_proto, dir)
    }

    /// The protocol a named port is tested for, given the qualifier (libpcap's checks in
    /// `gen_scode`); `what` = "port" or "port in range".
    fn named_port_proto(proto: Proto, name: &str, found: PortProto, what: &str) -> Result<Option<u32>> {
        let real = match (proto, found) {
            (Proto::Udp, PortProto::Tcp) => bail!("{what} '{name}' is tcp"),
            (Proto::Udp, PortProto::Sctp) => bail!("{what} '{name}' is sctp"),
            (Proto::Udp, _) => PortProto::Udp,
            (Proto::Tcp, PortProto::Udp) => bail!("{what} '{name}' is udp"),
            (Proto::Tcp, PortProto::Sctp) => bail!("{what} '{name}' is sctp"),
            (Proto::Tcp, _) => PortProto::Tcp,
            (Proto::Sctp, PortProto::Udp) => bail!("{what} '{name}' is udp"),
            (Proto::Sctp, PortProto::Tcp) => bail!("{what} '{name}' is tcp"),
            (Proto::Sctp, _) => PortProto::Sctp,
            (_, f) => f,
        };
        Ok(real.ip_proto())
    }

    /// `[tcp|udp|sctp] port NAME` with the services(5) entry (`None`: unknown).
    pub fn id_port_name(&mut self, q: Qual, name: &str, found: Option<(u32, PortProto)>) -> Result<Frag> {
        if q.kind == Kind::Undef {
            bail!("syntax error in filter expression");
        }
        if !matches!(q.proto, Proto::Default | Proto::Udp | Proto::Tcp | Proto::Sctp) {
            bail!("illegal qualifier of 'port'");
        }
        let Some((port, pp)) = found else {
            bail!("unknown port '{name}'");
        };
        let ip_proto = Gen::named_port_proto(q.proto, name, pp, "port")?;
        if port > 65535 {
            bail!("illegal port number {port} > 65535");
        }
        let b = self.port4(port, ip_proto, q.dir)?;
        let b6 = self.port6(port, ip_proto, q.dir)?;
        Ok(self.or(b6, b))
    }

    /// `[tcp|udp|sctp] portrange NAME` with the two ends resolved (`None`: unknown). Numeric
    /// ranges (`1-1024`) resolve to [`PortProto::Any`].
    pub fn id_portrange_name(&mut self, q: Qual, name: &str, found: Option<(u32, u32, PortProto)>) -> Result<Frag> {
        if q.kind == Kind::Undef {
            bail!("syntax error in filter expression");
        }
        if !matches!(q.proto, Proto::Default | Proto::Udp | Proto::Tcp | Proto::Sctp) {
            bail!("illegal qualifier of 'portrange'");
        }
        let Some((p1, p2, pp)) = found else {
            bail!("unknown port in range '{name}'");
        };
        let ip_proto = Gen::named_port_proto(q.proto, name, pp, "port in range")?;
        for p in [p1, p2] {
            if p as i32 <= -1 {
                bail!("illegal port number {} < 0", p as i32);
            }
            if p > 65535 {
                bail!("illegal port number {p} > 65535");
            }
        }
        let b = self.portrange4(p1, p2, ip_proto, q.dir)?;
        let b6 = self.portrange6(p1, p2, ip_proto, q.dir)?;
        Ok(self.or(b6, b))
    }
}
