//! Name lookups for filter expressions, the way libpcap gets them from the C library:
//! [`Netdb`] implements [`filter::Resolver`](crate::filter::Resolver) over the system's name
//! files (`/etc/hosts`, `/etc/networks`, `/etc/services`, `/etc/protocols`, `/etc/ethers`,
//! honouring `/etc/nsswitch.conf`'s `files` entries) and the system resolver for host names.
//!
//! The filter compiler does no I/O; this module is what `Capture::compile` and the `ferrocap`
//! command hand it. [`Netdb::from_dir`] reads a directory of such files instead and never asks
//! the network, for tests and reproducible builds of filters.
//!
//! What each lookup does (glibc's `files` back end, as libpcap 1.10 uses it):
//!
//! | filter | lookup | matching |
//! |---|---|---|
//! | `host NAME` | system: `getaddrinfo(NAME, …, SOCK_STREAM)` (files, DNS, the resolver's address order); files: every address of NAME in `hosts`, ordered as glibc's RFC 3484 sort orders them ([`sort_addresses`]) | host names ignore ASCII case |
//! | `net NAME` | `networks`: `name number aliases…`, the number read as `inet_network` does | ignores case |
//! | `port NAME` | `services`: `name port/proto aliases…`, first line for the protocol | exact |
//! | `proto NAME` | `protocols`: `name number aliases…` | exact |
//! | `ether host NAME` | `ethers`: `mac name` | ignores case |
//!
//! Tables are read once, on first use; a file that is missing or unreadable is an empty table.

use crate::filter::{LookupError, Resolver, Transport};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

mod parse;
mod sort;

pub use sort::sort_addresses;

/// Name lookups over a set of name files; see the [module docs](self).
#[derive(Debug)]
pub struct Netdb {
    dir: PathBuf,
    /// Files that replace `dir/<name>` for one database.
    files: HashMap<Database, PathBuf>,
    /// Host names through the system resolver (`getaddrinfo`) rather than the `hosts` file.
    system_hosts: bool,
    tables: OnceLock<Tables>,
}

/// One of the name databases.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum Database {
    /// `hosts`: host names and addresses.
    Hosts,
    /// `networks`: network names and numbers.
    Networks,
    /// `services`: service names, ports and protocols.
    Services,
    /// `protocols`: IP protocol names and numbers.
    Protocols,
    /// `ethers`: Ethernet addresses and host names.
    Ethers,
}

impl Database {
    const ALL: [Database; 5] = [
        Database::Hosts,
        Database::Networks,
        Database::Services,
        Database::Protocols,
        Database::Ethers,
    ];

    /// The file's name (also the database's name in `nsswitch.conf`).
    pub fn file_name(self) -> &'static str {
        match self {
            Database::Hosts => "hosts",
            Database::Networks => "networks",
            Database::Services => "services",
            Database::Protocols => "protocols",
            Database::Ethers => "ethers",
        }
    }
}

/// The parsed name files.
#[derive(Debug, Default)]
struct Tables {
    /// Lower-case host name → addresses in file order.
    hosts: HashMap<String, Vec<IpAddr>>,
    /// Lower-case network name → number.
    networks: HashMap<String, u32>,
    /// (name, protocol) → port, first line wins.
    services: HashMap<(String, String), u16>,
    /// Protocol name → number.
    protocols: HashMap<String, u32>,
    /// Lower-case host name → MAC.
    ethers: HashMap<String, [u8; 6]>,
}

impl Netdb {
    /// The system's name files in `/etc`, and the system resolver for host names (what libpcap
    /// uses on this machine).
    pub fn system() -> Netdb {
        Netdb {
            dir: PathBuf::from("/etc"),
            files: HashMap::new(),
            system_hosts: true,
            tables: OnceLock::new(),
        }
    }

    /// The name files `hosts`, `networks`, `services`, `protocols`, `ethers` (and
    /// `nsswitch.conf`, if present) in `dir`; host names are looked up in `hosts` only, never
    /// through DNS.
    pub fn from_dir(dir: impl AsRef<Path>) -> Netdb {
        Netdb {
            dir: dir.as_ref().to_path_buf(),
            files: HashMap::new(),
            system_hosts: false,
            tables: OnceLock::new(),
        }
    }

    /// The same, with `db` read from `path` instead (e.g. fixture hosts with the system's
    /// services).
    pub fn with_file(mut self, db: Database, path: impl AsRef<Path>) -> Netdb {
        self.files.insert(db, path.as_ref().to_path_buf());
        self.tables = OnceLock::new();
        self
    }

    fn tables(&self) -> &Tables {
        self.tables.get_or_init(|| {
            let read = |name: &str| {
                let path = Database::ALL
                    .iter()
                    .find(|d| d.file_name() == name)
                    .and_then(|d| self.files.get(d))
                    .cloned()
                    .unwrap_or_else(|| self.dir.join(name));
                std::fs::read_to_string(path).ok()
            };
            let switch = read("nsswitch.conf").map(|t| parse::nsswitch(&t));
            // A database whose nsswitch entry does not list `files` does not use its file.
            let uses_files = |db: &str| {
                switch
                    .as_ref()
                    .and_then(|s| s.get(db))
                    .is_none_or(|sources| sources.iter().any(|s| s == "files"))
            };
            let table = |db: &str| if uses_files(db) { read(db) } else { None };
            Tables {
                hosts: table("hosts").map(|t| parse::hosts(&t)).unwrap_or_default(),
                networks: table("networks")
                    .map(|t| parse::networks(&t))
                    .unwrap_or_default(),
                services: table("services")
                    .map(|t| parse::services(&t))
                    .unwrap_or_default(),
                protocols: table("protocols")
                    .map(|t| parse::protocols(&t))
                    .unwrap_or_default(),
                ethers: table("ethers")
                    .map(|t| parse::ethers(&t))
                    .unwrap_or_default(),
            }
        })
    }
}

impl Resolver for Netdb {
    fn host(&self, name: &str) -> Result<Vec<IpAddr>, LookupError> {
        if self.system_hosts {
            // getaddrinfo(name, NULL, {AF_UNSPEC, SOCK_STREAM}): files, DNS, sorted as the
            // system sorts. Any failure is "unknown host", as in libpcap.
            let addrs = match (name, 0u16).to_socket_addrs() {
                Ok(a) => a.map(|sa| sa.ip()).collect::<Vec<_>>(),
                Err(_) => Vec::new(),
            };
            let mut out: Vec<IpAddr> = Vec::with_capacity(addrs.len());
            for a in addrs {
                if !out.contains(&a) {
                    out.push(a);
                }
            }
            return Ok(out);
        }
        let found = self
            .tables()
            .hosts
            .get(&name.to_ascii_lowercase())
            .cloned()
            .unwrap_or_default();
        Ok(sort_addresses(&found))
    }

    fn network(&self, name: &str) -> Result<Option<u32>, LookupError> {
        Ok(self
            .tables()
            .networks
            .get(&name.to_ascii_lowercase())
            .copied())
    }

    fn service(&self, name: &str, transport: Transport) -> Result<Option<u16>, LookupError> {
        Ok(self
            .tables()
            .services
            .get(&(name.to_string(), transport.as_str().to_string()))
            .copied())
    }

    fn protocol(&self, name: &str) -> Result<Option<u32>, LookupError> {
        Ok(self.tables().protocols.get(name).copied())
    }

    fn ether_host(&self, name: &str) -> Result<Option<[u8; 6]>, LookupError> {
        Ok(self
            .tables()
            .ethers
            .get(&name.to_ascii_lowercase())
            .copied())
    }
}

/// The IPv4 address of `a` if it is one, also IPv4-mapped IPv6.
fn as_v4(a: &IpAddr) -> Option<Ipv4Addr> {
    match a {
        IpAddr::V4(v4) => Some(*v4),
        IpAddr::V6(v6) => v6.to_ipv4_mapped(),
    }
}

/// `a` as an IPv6 address (IPv4 mapped into `::ffff:0:0/96`), as glibc's sort sees it.
fn as_v6(a: &IpAddr) -> Ipv6Addr {
    match a {
        IpAddr::V4(v4) => v4.to_ipv6_mapped(),
        IpAddr::V6(v6) => *v6,
    }
}

#[cfg(test)]
mod tests;
