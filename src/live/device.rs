//! Network devices: [`Device::list`] (libpcap's `pcap_findalldevs`, gopacket's `FindAllDevs`),
//! [`Device::lookup`] (the default device), [`lookup_net`] (`pcap_lookupnet`), and the mapping
//! from a device's hardware type to its link types that activation uses.
//!
//! Everything here is read from `getifaddrs(3)` and `/sys/class/net/<device>/`: no privilege is
//! needed, and only the calling thread's network namespace is seen. The order, flags and
//! descriptions are libpcap 1.10's on Linux (live-capture.md §7), with one difference: only
//! network interfaces and `any` are listed, not libpcap's other capture sources (`nflog`,
//! `nfqueue`, `dbus-*`, `bluetooth-monitor`, `usbmon*`), which ferrocap does not capture from.

use super::Error;
use crate::linktype::Linktype;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::ops::{BitOr, BitOrAssign};

/// The name of the pseudo-device that captures on every interface of the network namespace.
pub const ANY: &str = "any";

/// The description libpcap gives the `any` device.
pub(crate) const ANY_DESCRIPTION: &str = "Pseudo-device that captures on all interfaces";

/// Interface flags of a [`Device`] (libpcap's `PCAP_IF_LOOPBACK`, `_UP`, `_RUNNING`,
/// `_WIRELESS`, with the same bit values).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct IfFlags(u32);

impl IfFlags {
    /// A loopback interface.
    pub const LOOPBACK: IfFlags = IfFlags(0x1);
    /// The interface is administratively up.
    pub const UP: IfFlags = IfFlags(0x2);
    /// The interface is up and its link is operational (`IFF_RUNNING`).
    pub const RUNNING: IfFlags = IfFlags(0x4);
    /// A wireless interface: Wi-Fi, but also IrDA and IEEE 802.15.4.
    pub const WIRELESS: IfFlags = IfFlags(0x8);
    const ALL: u32 = 0xf;

    /// No flag set.
    pub const fn empty() -> IfFlags {
        IfFlags(0)
    }

    /// The flags as libpcap's bits.
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// The flags among `bits`; other bits are ignored.
    pub const fn from_bits_truncate(bits: u32) -> IfFlags {
        IfFlags(bits & Self::ALL)
    }

    /// Whether every flag of `other` is set here.
    pub const fn contains(self, other: IfFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether no flag is set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Sets the flags of `other`.
    pub fn insert(&mut self, other: IfFlags) {
        self.0 |= other.0;
    }
}

impl BitOr for IfFlags {
    type Output = IfFlags;
    fn bitor(self, rhs: IfFlags) -> IfFlags {
        IfFlags(self.0 | rhs.0)
    }
}

impl BitOrAssign for IfFlags {
    fn bitor_assign(&mut self, rhs: IfFlags) {
        self.0 |= rhs.0;
    }
}

impl From<u32> for IfFlags {
    fn from(bits: u32) -> IfFlags {
        IfFlags::from_bits_truncate(bits)
    }
}

/// Whether an interface's link is connected (for wireless interfaces: associated with a
/// network), libpcap's `PCAP_IF_CONNECTION_STATUS` field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ConnectionStatus {
    /// Not known.
    #[default]
    Unknown,
    /// The link is connected.
    Connected,
    /// The link is not connected (also the state of an interface that is down).
    Disconnected,
    /// The notion does not apply (loopback, `any`).
    NotApplicable,
}

impl ConnectionStatus {
    /// libpcap's `PCAP_IF_CONNECTION_STATUS` mask.
    pub const MASK: u32 = 0x30;

    /// The status as libpcap's bits (within [`ConnectionStatus::MASK`]).
    pub const fn bits(self) -> u32 {
        match self {
            ConnectionStatus::Unknown => 0,
            ConnectionStatus::Connected => 0x10,
            ConnectionStatus::Disconnected => 0x20,
            ConnectionStatus::NotApplicable => 0x30,
        }
    }
}

impl From<u32> for ConnectionStatus {
    /// The status in libpcap's flag word (bits outside the mask are ignored).
    fn from(flags: u32) -> ConnectionStatus {
        match flags & Self::MASK {
            0x10 => ConnectionStatus::Connected,
            0x20 => ConnectionStatus::Disconnected,
            0x30 => ConnectionStatus::NotApplicable,
            _ => ConnectionStatus::Unknown,
        }
    }
}

/// The flags of a [`Device`]: interface flags and connection status (the `pcap` crate's
/// `DeviceFlags`; libpcap's `pcap_if_t.flags`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DeviceFlags {
    /// Loopback, up, running, wireless.
    pub if_flags: IfFlags,
    /// Whether the link is connected.
    pub connection_status: ConnectionStatus,
}

impl DeviceFlags {
    /// No flags, status unknown.
    pub const fn empty() -> DeviceFlags {
        DeviceFlags {
            if_flags: IfFlags::empty(),
            connection_status: ConnectionStatus::Unknown,
        }
    }

    /// Whether every flag of `if_flags` is set.
    pub const fn contains(&self, if_flags: IfFlags) -> bool {
        self.if_flags.contains(if_flags)
    }

    /// A loopback interface.
    pub const fn is_loopback(&self) -> bool {
        self.contains(IfFlags::LOOPBACK)
    }

    /// Administratively up.
    pub const fn is_up(&self) -> bool {
        self.contains(IfFlags::UP)
    }

    /// Up with an operational link.
    pub const fn is_running(&self) -> bool {
        self.contains(IfFlags::RUNNING)
    }

    /// A wireless interface.
    pub const fn is_wireless(&self) -> bool {
        self.contains(IfFlags::WIRELESS)
    }

    /// libpcap's flag word: the interface flags plus the connection status bits (`any` is
    /// 0x36, a connected Ethernet link 0x16).
    pub const fn bits(&self) -> u32 {
        self.if_flags.bits() | self.connection_status.bits()
    }
}

impl From<u32> for DeviceFlags {
    /// From libpcap's flag word.
    fn from(flags: u32) -> DeviceFlags {
        DeviceFlags {
            if_flags: IfFlags::from_bits_truncate(flags),
            connection_status: ConnectionStatus::from(flags),
        }
    }
}

/// One address of a [`Device`] (IPv4 or IPv6).
///
/// Addresses without a netmask are kept with `netmask: None`, as in the `pcap` crate (gopacket's
/// `FindAllDevs` drops them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Address {
    /// The address.
    pub addr: IpAddr,
    /// Its netmask.
    pub netmask: Option<IpAddr>,
    /// Its broadcast address (only on broadcast-capable interfaces).
    pub broadcast_addr: Option<IpAddr>,
    /// The peer's address (only on point-to-point interfaces).
    pub dst_addr: Option<IpAddr>,
}

/// A network device that can be captured from: its name, description, addresses and flags
/// (the `pcap` crate's `Device`, gopacket's `Interface`).
///
/// A `Device` made from a name (`Device::from("eth0")`) has no description, addresses or flags;
/// only the name matters when a capture is opened.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Device {
    /// The interface name, as given to a capture (`eth0`, `any`).
    pub name: String,
    /// A human-readable description, when there is one (on Linux only `any` has one).
    pub desc: Option<String>,
    /// The interface's IPv4 and IPv6 addresses.
    pub addresses: Vec<Address>,
    /// Interface flags and connection status.
    pub flags: DeviceFlags,
}

impl Device {
    /// Every interface of the calling thread's network namespace, plus `any`, in libpcap's
    /// order (live-capture.md §7.1): running interfaces before ones that are not, up before
    /// down, connected (or wireless) before disconnected, others before loopback, `any` after
    /// every running, up, connected non-loopback interface; otherwise in the kernel's order.
    ///
    /// Interface aliases (`eth0:1`) are folded into their interface. Needs no privilege.
    pub fn list() -> Result<Vec<Device>, Error> {
        os::list()
    }

    /// The default device to capture on, as tcpdump picks it when not given `-i`: the first
    /// device of [`Device::list`] that is up and not a loopback interface (`any` when no
    /// interface qualifies). `None` when there is none at all.
    pub fn lookup() -> Result<Option<Device>, Error> {
        Ok(Device::list()?
            .into_iter()
            .find(|d| d.flags.is_up() && !d.flags.is_loopback()))
    }

    /// A device known only by its name: no description, addresses or flags.
    pub fn named(name: impl Into<String>) -> Device {
        Device {
            name: name.into(),
            desc: None,
            addresses: Vec::new(),
            flags: DeviceFlags::empty(),
        }
    }

    /// Whether this is the `any` pseudo-device.
    pub fn is_any(&self) -> bool {
        self.name == ANY
    }
}

impl From<&str> for Device {
    fn from(name: &str) -> Device {
        Device::named(name)
    }
}

impl From<String> for Device {
    fn from(name: String) -> Device {
        Device::named(name)
    }
}

impl fmt::Display for Device {
    /// The name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// The IPv4 network number and netmask of a device (libpcap's `pcap_lookupnet`, used for the
/// `ip broadcast` filter primitive): the device's first IPv4 address masked by its netmask.
///
/// `any` gives `(0.0.0.0, 0.0.0.0)`, as in libpcap. A netmask of 0 is replaced by the address's
/// classful default, as libpcap does. Errors: the device does not exist
/// ([`Error::NoSuchDevice`]); it has no IPv4 address (an [`Error::Sys`] whose source says
/// "no IPv4 address assigned", libpcap's message).
pub fn lookup_net(device: &str) -> Result<(Ipv4Addr, Ipv4Addr), Error> {
    if device.is_empty() || device == ANY {
        return Ok((Ipv4Addr::UNSPECIFIED, Ipv4Addr::UNSPECIFIED));
    }
    os::lookup_net(device)
}

/// `addr & mask`, with libpcap's classful default for a zero mask (`None` for an address outside
/// classes A to C).
fn network_of(addr: Ipv4Addr, mask: Ipv4Addr) -> Option<(Ipv4Addr, Ipv4Addr)> {
    let a = u32::from(addr);
    let mut m = u32::from(mask);
    if m == 0 {
        m = if a & 0x8000_0000 == 0 {
            0xff00_0000
        } else if a & 0xc000_0000 == 0x8000_0000 {
            0xffff_0000
        } else if a & 0xe000_0000 == 0xc000_0000 {
            0xffff_ff00
        } else {
            return None;
        };
    }
    Some((Ipv4Addr::from(a & m), Ipv4Addr::from(m)))
}

/// The name an address entry belongs to: an alias label `eth0:1` (colon and digits) folds into
/// `eth0`, as libpcap does; other names are kept.
fn fold_alias(name: &str) -> &str {
    match name.rfind(':') {
        Some(i)
            if i > 0 && i + 1 < name.len() && name[i + 1..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            &name[..i]
        }
        _ => name,
    }
}

/// libpcap's figure of merit: lower sorts first (live-capture.md §7.1).
fn merit(name: &str, flags: &DeviceFlags) -> u32 {
    let mut n = 0;
    if !flags.is_running() {
        n += 0x8000_0000;
    }
    if !flags.is_up() {
        n += 0x4000_0000;
    }
    if flags.connection_status == ConnectionStatus::Disconnected && !flags.is_wireless() {
        n += 0x2000_0000;
    }
    if flags.is_loopback() {
        n += 0x1000_0000;
    }
    if name == ANY {
        n += 0x0800_0000;
    }
    n
}

/// The `any` device as libpcap lists it.
fn any_device() -> Device {
    Device {
        name: ANY.to_owned(),
        desc: Some(ANY_DESCRIPTION.to_owned()),
        addresses: Vec::new(),
        flags: DeviceFlags {
            if_flags: IfFlags::UP | IfFlags::RUNNING,
            connection_status: ConnectionStatus::NotApplicable,
        },
    }
}

/// Orders devices as libpcap does: a stable sort by merit over the order they were found in.
fn sort_by_merit(devices: &mut [Device]) {
    devices.sort_by_key(|d| merit(&d.name, &d.flags));
}

/// `ARPHRD_*` hardware types the mapping below names.
#[allow(dead_code)] // some are only documentation of the table
pub(crate) mod arphrd {
    pub const ETHER: u16 = 1;
    pub const EETHER: u16 = 2;
    pub const AX25: u16 = 3;
    pub const PRONET: u16 = 4;
    pub const CHAOS: u16 = 5;
    pub const IEEE802: u16 = 6;
    pub const ARCNET: u16 = 7;
    pub const DLCI: u16 = 15;
    pub const FC_IP: u16 = 18;
    pub const ATM: u16 = 19;
    pub const METRICOM: u16 = 23;
    pub const SLIP: u16 = 256;
    pub const CSLIP: u16 = 257;
    pub const SLIP6: u16 = 258;
    pub const CSLIP6: u16 = 259;
    pub const ADAPT: u16 = 264;
    pub const CAN: u16 = 280;
    pub const PPP: u16 = 512;
    pub const CISCO: u16 = 513;
    pub const RAWHDLC: u16 = 518;
    pub const TUNNEL: u16 = 768;
    pub const FRAD: u16 = 770;
    pub const LOOPBACK: u16 = 772;
    pub const LOCALTLK: u16 = 773;
    pub const FDDI: u16 = 774;
    pub const SIT: u16 = 776;
    pub const IRDA: u16 = 783;
    pub const FCPP: u16 = 784;
    pub const FCFABRIC: u16 = 787;
    pub const IEEE802_TR: u16 = 800;
    pub const IEEE80211: u16 = 801;
    pub const IEEE80211_PRISM: u16 = 802;
    pub const IEEE80211_RADIOTAP: u16 = 803;
    pub const IEEE802154: u16 = 804;
    pub const NETLINK: u16 = 824;
    pub const LOWPAN: u16 = 825;
    pub const VSOCKMON: u16 = 826;
    pub const LAPD: u16 = 8445;
    pub const NONE: u16 = 65534;
}

/// `DLT_DEBUG_ONLY`: what libpcap offers on a DSA master whose tagging protocol it does not
/// know.
const LINKTYPE_DEBUG_ONLY: Linktype = Linktype(303);

/// The link types a device offers, as activation needs them (libpcap's `map_arphrd_to_dlt` plus
/// the cooked-socket decision of `pcap_activate_linux`, live-capture.md §1 step 7 and §7.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LinkMapping {
    /// The link type a capture starts with.
    pub linktype: Linktype,
    /// What `list_datalinks` offers (the first entry is `linktype`).
    pub datalinks: Vec<Linktype>,
    /// Capture with a `SOCK_DGRAM` ("cooked") socket: the kernel gives no link-layer header and
    /// the capture writes a `LINUX_SLL` (or `LINUX_SLL2`) header instead.
    pub cooked: bool,
    /// The hardware type has no link type of its own: the capture falls back to `LINUX_SLL`,
    /// with libpcap's warning "arptype N not supported".
    pub unknown: bool,
}

impl LinkMapping {
    fn one(linktype: Linktype) -> LinkMapping {
        LinkMapping {
            linktype,
            datalinks: vec![linktype],
            cooked: false,
            unknown: false,
        }
    }

    /// Cooked with `LINUX_SLL`, offering `LINUX_SLL2` too (libpcap 1.10.3's list).
    fn cooked_sll(unknown: bool) -> LinkMapping {
        LinkMapping {
            linktype: Linktype::LINUX_SLL,
            datalinks: vec![Linktype::LINUX_SLL, Linktype::LINUX_SLL2],
            cooked: true,
            unknown,
        }
    }

    /// Cooked with a link type of its own (IrDA, LAPD, netlink: the SLL header carries it).
    fn cooked_as(linktype: Linktype) -> LinkMapping {
        LinkMapping {
            linktype,
            datalinks: vec![linktype],
            cooked: true,
            unknown: false,
        }
    }
}

/// The link types of the `any` device: `LINUX_SLL` (the default) and `LINUX_SLL2`.
pub(crate) fn link_for_any() -> LinkMapping {
    LinkMapping::cooked_sll(false)
}

/// The link types of a device named `name` with hardware type `hw_type` (read with
/// `SIOCGIFHWADDR`), as libpcap 1.10 maps them:
///
/// * Ethernet offers `EN10MB` and `DOCSIS`, except Wi-Fi devices (`EN10MB` only), `cdma_rmnet*`
///   (`RAW`), DSA masters (the DSA tag's link type from `/sys/class/net/<dev>/dsa/tagging`) and
///   `isdn*`/`isdY*` (cooked);
/// * loopback and Metricom are `EN10MB` only; tunnels, SLIP, `tun` (`ARPHRD_NONE`) are `RAW`;
/// * ATM and PPP, IrDA, LAPD and netlink are captured cooked;
/// * any other type falls back to cooked `LINUX_SLL` ([`LinkMapping::unknown`]).
pub(crate) fn link_for_arphrd(hw_type: u16, name: &str) -> LinkMapping {
    use self::arphrd as a;
    match hw_type {
        a::ETHER if name.starts_with("cdma_rmnet") => LinkMapping::one(Linktype::RAW),
        a::ETHER if name.starts_with("isdn") || name.starts_with("isdY") => {
            LinkMapping::cooked_sll(false)
        }
        a::ETHER if os::is_wifi(name) => LinkMapping::one(Linktype::EN10MB),
        a::ETHER => match os::dsa_tagging(name).as_deref() {
            Some(tag) => LinkMapping::one(match tag {
                "brcm" => Linktype::DSA_TAG_BRCM,
                "brcm-prepend" => Linktype::DSA_TAG_BRCM_PREPEND,
                "dsa" => Linktype::DSA_TAG_DSA,
                "edsa" => Linktype::DSA_TAG_EDSA,
                _ => LINKTYPE_DEBUG_ONLY,
            }),
            None => LinkMapping {
                datalinks: vec![Linktype::EN10MB, Linktype::DOCSIS],
                ..LinkMapping::one(Linktype::EN10MB)
            },
        },
        a::METRICOM | a::LOOPBACK => LinkMapping::one(Linktype::EN10MB),
        a::EETHER => LinkMapping::one(Linktype(2)),
        a::AX25 => LinkMapping::one(Linktype::AX25_KISS),
        a::PRONET => LinkMapping::one(Linktype(4)),
        a::CHAOS => LinkMapping::one(Linktype(5)),
        a::IEEE802 | a::IEEE802_TR => LinkMapping::one(Linktype::IEEE802),
        a::ARCNET => LinkMapping::one(Linktype::ARCNET_LINUX),
        a::FDDI => LinkMapping::one(Linktype::FDDI),
        a::ATM | a::PPP => LinkMapping::cooked_sll(false),
        a::CAN => LinkMapping::one(Linktype::CAN_SOCKETCAN),
        a::IEEE80211 => LinkMapping::one(Linktype::IEEE802_11),
        a::IEEE80211_PRISM => LinkMapping::one(Linktype::PRISM_HEADER),
        a::IEEE80211_RADIOTAP => LinkMapping::one(Linktype::IEEE802_11_RADIO),
        a::CISCO => LinkMapping::one(Linktype::C_HDLC),
        a::TUNNEL
        | a::SIT
        | a::CSLIP
        | a::SLIP6
        | a::CSLIP6
        | a::ADAPT
        | a::SLIP
        | a::RAWHDLC
        | a::DLCI
        | a::NONE => LinkMapping::one(Linktype::RAW),
        a::FRAD => LinkMapping::one(Linktype::FRELAY),
        a::LOCALTLK => LinkMapping::one(Linktype::LTALK),
        a::FC_IP => LinkMapping::one(Linktype::IP_OVER_FC),
        a::FCPP..=a::FCFABRIC => LinkMapping {
            datalinks: vec![
                Linktype::FC_2,
                Linktype::FC_2_WITH_FRAME_DELIMS,
                Linktype::IP_OVER_FC,
            ],
            ..LinkMapping::one(Linktype::FC_2)
        },
        a::IRDA => LinkMapping::cooked_as(Linktype::LINUX_IRDA),
        a::LAPD => LinkMapping::cooked_as(Linktype::LINUX_LAPD),
        a::IEEE802154 => LinkMapping::one(Linktype::IEEE802_15_4_NOFCS),
        a::NETLINK => LinkMapping::cooked_as(Linktype::NETLINK),
        a::VSOCKMON => LinkMapping::one(Linktype::VSOCK),
        _ => LinkMapping::cooked_sll(true),
    }
}

#[cfg(target_os = "linux")]
mod os {
    use super::{
        any_device, arphrd, fold_alias, network_of, sort_by_merit, Address, ConnectionStatus,
        Device, DeviceFlags, Error, IfFlags,
    };
    use nix::ifaddrs::{getifaddrs, InterfaceAddress};
    use nix::net::if_::{if_nametoindex, InterfaceFlags};
    use nix::sys::socket::SockaddrStorage;
    use std::io;
    use std::net::{IpAddr, Ipv4Addr};
    use std::path::PathBuf;

    /// Hardware types libpcap counts as wireless (besides devices with a `wireless` directory).
    const WIRELESS_TYPES: [u16; 6] = [
        arphrd::IRDA,
        arphrd::IEEE80211,
        arphrd::IEEE80211_PRISM,
        arphrd::IEEE80211_RADIOTAP,
        arphrd::IEEE802154,
        arphrd::LOWPAN,
    ];

    /// `/sys/class/net/<device>/`, when it describes the device of that name in the calling
    /// thread's network namespace.
    ///
    /// sysfs shows the namespace it was mounted in, not the caller's: a thread that entered
    /// another namespace with `setns` (without remounting `/sys`, as `ip netns exec` does) would
    /// read another device of the same name, or none. The directory is used only when its
    /// `ifindex` is the one the kernel gives this thread for the name.
    fn sysfs_dir(device: &str) -> Option<PathBuf> {
        if device.is_empty() || device == "." || device == ".." || device.contains(['/', '\0']) {
            return None;
        }
        let dir = PathBuf::from(format!("/sys/class/net/{device}"));
        let sysfs_index: u32 = std::fs::read_to_string(dir.join("ifindex"))
            .ok()?
            .trim()
            .parse()
            .ok()?;
        (if_nametoindex(device).ok()? == sysfs_index).then_some(dir)
    }

    /// The contents of a sysfs attribute of the device, `None` when it cannot be read.
    fn sysfs(device: &str, item: &str) -> Option<String> {
        std::fs::read_to_string(sysfs_dir(device)?.join(item)).ok()
    }

    /// Whether the device is a Wi-Fi device (has a `wireless` or `phy80211` entry).
    pub(super) fn is_wifi(device: &str) -> bool {
        sysfs_dir(device).is_some_and(|dir| {
            ["wireless", "phy80211"]
                .iter()
                .any(|i| dir.join(i).exists())
        })
    }

    /// The DSA tagging protocol of a DSA master, `None` when the device is none.
    pub(super) fn dsa_tagging(device: &str) -> Option<String> {
        let tag = sysfs(device, "dsa/tagging")?;
        let tag = tag.trim();
        (tag != "none").then(|| tag.to_owned())
    }

    /// The hardware type of a device, from its `AF_PACKET` address in `getifaddrs` (activation
    /// reads it with `SIOCGIFHWADDR`; the tests compare).
    #[cfg(test)]
    pub(super) fn hardware_type(device: &str) -> Option<u16> {
        getifaddrs()
            .ok()?
            .filter(|e| e.interface_name == device)
            .find_map(|e| e.address.as_ref()?.as_link_addr().map(|l| l.hatype()))
    }

    fn ip_of(s: &SockaddrStorage) -> Option<IpAddr> {
        if let Some(v4) = s.as_sockaddr_in() {
            Some(IpAddr::V4(v4.ip()))
        } else {
            s.as_sockaddr_in6().map(|v6| IpAddr::V6(v6.ip()))
        }
    }

    fn address_of(entry: &InterfaceAddress) -> Option<Address> {
        let addr = ip_of(entry.address.as_ref()?)?;
        let ip = |s: &Option<SockaddrStorage>| s.as_ref().and_then(ip_of);
        Some(Address {
            addr,
            netmask: ip(&entry.netmask),
            broadcast_addr: ip(&entry.broadcast),
            dst_addr: ip(&entry.destination),
        })
    }

    /// libpcap's `get_if_flags`: loopback, up and running from the interface flags, wireless
    /// from the hardware type (or sysfs), the connection status from the link state.
    ///
    /// libpcap asks `ETHTOOL_GLINK`; the kernel's `IFF_LOWER_UP` flag is the same carrier state
    /// (set when the carrier is on; a down interface has none), read here from `getifaddrs`, so
    /// it is right in whatever namespace the caller is. The one difference: libpcap says "not
    /// applicable" for the few drivers with no link test at all (`dummy`, WireGuard); those show
    /// their carrier here.
    fn flags_of(name: &str, iff: InterfaceFlags, hw_type: Option<u16>) -> DeviceFlags {
        let mut if_flags = IfFlags::empty();
        for (nix_flag, flag) in [
            (InterfaceFlags::IFF_LOOPBACK, IfFlags::LOOPBACK),
            (InterfaceFlags::IFF_UP, IfFlags::UP),
            (InterfaceFlags::IFF_RUNNING, IfFlags::RUNNING),
        ] {
            if iff.contains(nix_flag) {
                if_flags |= flag;
            }
        }
        if if_flags.contains(IfFlags::LOOPBACK) {
            return DeviceFlags {
                if_flags,
                connection_status: ConnectionStatus::NotApplicable,
            };
        }
        if hw_type.is_some_and(|t| WIRELESS_TYPES.contains(&t)) || is_wifi(name) {
            if_flags |= IfFlags::WIRELESS;
        }
        let connection_status = if hw_type == Some(arphrd::LOOPBACK) {
            ConnectionStatus::Unknown
        } else if iff.contains(InterfaceFlags::IFF_LOWER_UP) {
            ConnectionStatus::Connected
        } else {
            ConnectionStatus::Disconnected
        };
        DeviceFlags {
            if_flags,
            connection_status,
        }
    }

    fn getifaddrs_error(e: nix::Error) -> Error {
        Error::Sys {
            device: String::new(),
            call: "getifaddrs",
            source: io::Error::from(e),
        }
    }

    pub(super) fn list() -> Result<Vec<Device>, Error> {
        let entries: Vec<InterfaceAddress> = getifaddrs().map_err(getifaddrs_error)?.collect();
        let hw_type = |name: &str| {
            entries
                .iter()
                .filter(|e| e.interface_name == name)
                .find_map(|e| e.address.as_ref()?.as_link_addr().map(|l| l.hatype()))
        };
        let mut devices: Vec<Device> = Vec::new();
        for entry in &entries {
            let name = fold_alias(&entry.interface_name);
            let i = match devices.iter().position(|d| d.name == name) {
                Some(i) => i,
                None => {
                    devices.push(Device {
                        name: name.to_owned(),
                        desc: None,
                        addresses: Vec::new(),
                        flags: flags_of(name, entry.flags, hw_type(name)),
                    });
                    devices.len() - 1
                }
            };
            if let (Some(address), Some(device)) = (address_of(entry), devices.get_mut(i)) {
                device.addresses.push(address);
            }
        }
        devices.push(any_device());
        sort_by_merit(&mut devices);
        Ok(devices)
    }

    pub(super) fn lookup_net(device: &str) -> Result<(Ipv4Addr, Ipv4Addr), Error> {
        let mut exists = false;
        for entry in getifaddrs().map_err(getifaddrs_error)? {
            // SIOCGIFADDR matches the address label: `eth0` is the primary address,
            // `eth0:1` an alias.
            if entry.interface_name != device {
                exists |= fold_alias(&entry.interface_name) == device;
                continue;
            }
            exists = true;
            let Some(v4) = entry.address.as_ref().and_then(|a| a.as_sockaddr_in()) else {
                continue;
            };
            let mask = entry
                .netmask
                .as_ref()
                .and_then(|m| m.as_sockaddr_in())
                .map_or(Ipv4Addr::UNSPECIFIED, |m| m.ip());
            return network_of(v4.ip(), mask).ok_or_else(|| Error::Sys {
                device: device.to_owned(),
                call: "lookup_net",
                source: io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("inet class for {} unknown", v4.ip()),
                ),
            });
        }
        if !exists {
            return Err(Error::NoSuchDevice {
                device: device.to_owned(),
            });
        }
        Err(Error::Sys {
            device: device.to_owned(),
            call: "lookup_net",
            source: io::Error::new(io::ErrorKind::AddrNotAvailable, "no IPv4 address assigned"),
        })
    }
}

#[cfg(not(target_os = "linux"))]
mod os {
    use super::{Device, Error};
    use std::net::Ipv4Addr;

    fn unsupported() -> Error {
        Error::Unsupported {
            device: String::new(),
            what: "listing network devices on this platform".to_owned(),
        }
    }

    #[cfg(test)]
    pub(super) fn hardware_type(_device: &str) -> Option<u16> {
        None
    }

    pub(super) fn is_wifi(_device: &str) -> bool {
        false
    }

    pub(super) fn dsa_tagging(_device: &str) -> Option<String> {
        None
    }

    pub(super) fn list() -> Result<Vec<Device>, Error> {
        Err(unsupported())
    }

    pub(super) fn lookup_net(_device: &str) -> Result<(Ipv4Addr, Ipv4Addr), Error> {
        Err(unsupported())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev(name: &str, bits: u32) -> Device {
        Device {
            flags: DeviceFlags::from(bits),
            ..Device::named(name)
        }
    }

    #[test]
    fn flag_words_round_trip() {
        for bits in [0x0, 0x16, 0x36, 0x37, 0x22, 0x20, 0x1e, 0x0f] {
            assert_eq!(DeviceFlags::from(bits).bits(), bits, "{bits:#x}");
        }
        let any = any_device();
        assert_eq!(any.flags.bits(), 0x36);
        assert!(any.flags.is_up() && any.flags.is_running());
        assert!(!any.flags.is_loopback() && !any.flags.is_wireless());
        assert_eq!(
            DeviceFlags::from(0x40).bits(),
            0,
            "unknown bits are dropped"
        );
        assert!(DeviceFlags::empty().if_flags.is_empty());
    }

    #[test]
    fn order_is_libpcaps() {
        // The namespace of live-capture.md §7.1, found in ifindex order.
        let mut devices = vec![
            dev("lo", 0x37),
            dev("br0", 0x20),
            dev("vA", 0x16),
            dev("tun0", 0x22),
            dev("wlan0", 0x0e | 0x20), // up, running, wireless, not associated
            dev("dummy0", 0x06),       // up, running, status unknown
            any_device(),
        ];
        sort_by_merit(&mut devices);
        let names: Vec<&str> = devices.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            ["vA", "wlan0", "dummy0", "any", "lo", "tun0", "br0"],
            "running before not, up before down, disconnected wired after, loopback after any"
        );
    }

    #[test]
    fn aliases_fold() {
        assert_eq!(fold_alias("eth0:1"), "eth0");
        assert_eq!(fold_alias("eth0:12"), "eth0");
        assert_eq!(fold_alias("eth0:"), "eth0:");
        assert_eq!(fold_alias("eth0:a"), "eth0:a");
        assert_eq!(fold_alias(":1"), ":1");
        assert_eq!(fold_alias("vA"), "vA");
    }

    #[test]
    fn networks_and_classful_defaults() {
        let ip = |s: &str| s.parse::<Ipv4Addr>().unwrap();
        assert_eq!(
            network_of(ip("198.18.0.1"), ip("255.255.255.0")),
            Some((ip("198.18.0.0"), ip("255.255.255.0")))
        );
        assert_eq!(
            network_of(ip("10.1.2.3"), ip("0.0.0.0")),
            Some((ip("10.0.0.0"), ip("255.0.0.0")))
        );
        assert_eq!(
            network_of(ip("172.16.2.3"), ip("0.0.0.0")),
            Some((ip("172.16.0.0"), ip("255.255.0.0")))
        );
        assert_eq!(
            network_of(ip("198.18.7.9"), ip("0.0.0.0")),
            Some((ip("198.18.7.0"), ip("255.255.255.0")))
        );
        assert_eq!(network_of(ip("224.0.0.1"), ip("0.0.0.0")), None);
        assert_eq!(
            lookup_net("any").unwrap(),
            (Ipv4Addr::UNSPECIFIED, Ipv4Addr::UNSPECIFIED)
        );
    }

    #[test]
    fn arphrd_mapping_is_libpcaps() {
        let dl = |t: u16, name: &str| link_for_arphrd(t, name).datalinks;
        // A name no test machine has, so sysfs says nothing about it.
        let n = "fcapnone0";
        assert_eq!(dl(1, n), [Linktype::EN10MB, Linktype::DOCSIS]);
        assert_eq!(dl(772, "lo"), [Linktype::EN10MB]);
        assert_eq!(dl(23, n), [Linktype::EN10MB]);
        assert_eq!(dl(65534, "tun0"), [Linktype::RAW]);
        assert_eq!(dl(776, n), [Linktype::RAW]);
        assert_eq!(dl(1, "cdma_rmnet0"), [Linktype::RAW]);
        assert_eq!(dl(280, n), [Linktype::CAN_SOCKETCAN]);
        assert_eq!(dl(803, n), [Linktype::IEEE802_11_RADIO]);
        assert_eq!(dl(800, n), [Linktype::IEEE802]);
        assert_eq!(
            dl(785, n),
            [
                Linktype::FC_2,
                Linktype::FC_2_WITH_FRAME_DELIMS,
                Linktype::IP_OVER_FC
            ]
        );
        let ppp = link_for_arphrd(512, "ppp0");
        assert!(ppp.cooked && !ppp.unknown);
        assert_eq!(ppp.datalinks, [Linktype::LINUX_SLL, Linktype::LINUX_SLL2]);
        let isdn = link_for_arphrd(1, "isdn0");
        assert!(isdn.cooked && isdn.linktype == Linktype::LINUX_SLL);
        let irda = link_for_arphrd(783, n);
        assert!(irda.cooked);
        assert_eq!(irda.datalinks, [Linktype::LINUX_IRDA]);
        assert_eq!(link_for_arphrd(824, n).linktype, Linktype::NETLINK);
        for unknown in [778, 823, 32, 519, 825] {
            let m = link_for_arphrd(unknown, n);
            assert!(m.cooked && m.unknown, "{unknown}");
            assert_eq!(m.linktype, Linktype::LINUX_SLL);
        }
        let any = link_for_any();
        assert!(any.cooked && !any.unknown);
        assert_eq!(any.datalinks, [Linktype::LINUX_SLL, Linktype::LINUX_SLL2]);
        for (t, m) in [(1u16, "x"), (772, "lo"), (65534, "t")] {
            let m = link_for_arphrd(t, m);
            assert_eq!(m.datalinks.first(), Some(&m.linktype));
        }
    }

    #[test]
    fn sysfs_paths_stay_in_place() {
        for name in ["../../etc", "..", ".", "", "a/b"] {
            assert!(!os::is_wifi(name), "{name}");
            assert_eq!(os::dsa_tagging(name), None, "{name}");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_calling_namespace_is_listed() {
        let devices = Device::list().unwrap();
        let any = devices.iter().find(|d| d.is_any()).expect("any is listed");
        assert_eq!(any.desc.as_deref(), Some(ANY_DESCRIPTION));
        let merits: Vec<u32> = devices.iter().map(|d| merit(&d.name, &d.flags)).collect();
        assert!(merits.windows(2).all(|w| w[0] <= w[1]), "{devices:#?}");
        let mut names: Vec<&str> = devices.iter().map(|d| d.name.as_str()).collect();
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n, "each device once");
        if let Some(lo) = devices.iter().find(|d| d.name == "lo") {
            assert!(lo.flags.is_loopback());
            assert_eq!(lo.flags.connection_status, ConnectionStatus::NotApplicable);
            assert_eq!(os::hardware_type("lo"), Some(772));
        }
        let default = Device::lookup().unwrap().expect("any at least");
        assert!(default.flags.is_up() && !default.flags.is_loopback());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn unknown_devices() {
        assert!(matches!(
            lookup_net("fcapnone0"),
            Err(Error::NoSuchDevice { device }) if device == "fcapnone0"
        ));
        assert_eq!(os::hardware_type("fcapnone0"), None);
    }
}
