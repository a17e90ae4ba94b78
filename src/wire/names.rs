//! Two-way name tables: every number space the printer names and the filter compiler looks up,
//! each written once.
//!
//! A [`Table`] maps numbers to names and names to numbers. Tables are sorted by number (a unit
//! test checks it); where a number has several names, the first listed is the one
//! [`Table::name`] returns and the others are aliases that only [`Table::number`] finds. Name
//! lookups are exact (case-sensitive), as libpcap's and the C library's are.
//!
//! | table | numbers | names | used by |
//! |---|---|---|---|
//! | [`ETHERTYPE`] | Ethernet types | tcpdump's (`IPv4`, `802.1Q`) | printer |
//! | [`ETHER_PROTO`] | Ethernet types | pcap-filter's `ether proto` names (`ip`, `arp`) | compiler |
//! | [`LLC_SAP`] | 802.2 SAPs | tcpdump's (`OSI`, `STP`) | printer |
//! | [`LLC_PROTO`] | 802.2 SAPs | pcap-filter's `ether proto` LLC names (`iso`, `stp`) | compiler |
//! | [`IP_PROTO`] | IP protocols | tcpdump's `-v` names (`TCP`, `ICMPv6`) | printer |
//! | [`IP_PROTO_KEYWORD`] | IP protocols | IANA keywords (`tcp`, `ipv6-icmp`), tcpdump's `netdb_protoname` | printer |
//! | [`IP_PROTO_NETBASE`] | IP protocols | Debian's `/etc/protocols`, aliases included | compiler (`proto \name`) |
//! | [`TCP_PORT`], [`UDP_PORT`], [`SCTP_PORT`] | ports | Debian's `/etc/services`, aliases included | printer (without `-n`), compiler (`port name`) |
//! | [`ICMP_TYPE`], [`ICMP6_TYPE`] | ICMP / ICMPv6 types | pcap-filter's named constants (`icmp-echo`) | compiler |
//! | [`ICMP6_TYPE_TCPDUMP`] | ICMPv6 types | tcpdump's (`echo request`) | printer |
//! | [`TCP_FLAGS`] | TCP flag bits | pcap-filter's named constants (`tcp-syn`) | compiler |
//! | [`FILTER_FIELD`] | header offsets | pcap-filter's `icmptype`, `icmpcode`, `icmp6type`, `icmp6code`, `tcpflags` | compiler |
//! | [`BSD_AF`] | BSD address families | tcpdump's (`IPv4`, `IPv6` for 24, 28 and 30) | printer |
//!
//! [`filter_constant`] answers what pcap-filter's lexer turns into a number: every name of
//! `ICMP_TYPE`, `ICMP6_TYPE`, `TCP_FLAGS` and `FILTER_FIELD`.
//!
//! The host and service names tcpdump and libpcap read from the system (`/etc/protocols`,
//! `/etc/services`) are built in here as Debian's `netbase` 6.4 has them (what tcpdump 4.99 and
//! libpcap 1.10.3 see on Debian 12 and Ubuntu), so output and compiled filters do not depend on
//! the host. Only the TCP, UDP and SCTP lines of `/etc/services` are kept (its four AppleTalk
//! `ddp` lines name nothing either program looks up).

use super::icmp::{field as icmp_field, v4, v6};
use super::tcp::{field as tcp_field, flags};

/// A number space with names: a list of `(number, name)` sorted by number.
#[derive(Debug)]
pub struct Table<N: 'static> {
    entries: &'static [(N, &'static str)],
}

impl<N: Copy + Ord> Table<N> {
    const fn new(entries: &'static [(N, &'static str)]) -> Table<N> {
        Table { entries }
    }

    /// The name of `number`: the first one listed when it has several, `None` when it has none.
    pub fn name(&self, number: N) -> Option<&'static str> {
        let i = self.entries.partition_point(|&(n, _)| n < number);
        match self.entries.get(i) {
            Some(&(n, name)) if n == number => Some(name),
            _ => None,
        }
    }

    /// The number `name` (or an alias) stands for; the lowest when several numbers share it.
    pub fn number(&self, name: &str) -> Option<N> {
        self.entries
            .iter()
            .find(|&&(_, s)| s == name)
            .map(|&(n, _)| n)
    }

    /// [`number`](Self::number) ignoring ASCII case, as libpcap looks up 802.11, LLC and
    /// pflog names (`Beacon`, `UI`, `Pass`).
    pub fn number_ignore_case(&self, name: &str) -> Option<N> {
        self.entries
            .iter()
            .find(|&&(_, s)| s.eq_ignore_ascii_case(name))
            .map(|&(n, _)| n)
    }

    /// Every `(number, name)` pair, sorted by number, aliases after the name they stand for.
    pub fn entries(&self) -> &'static [(N, &'static str)] {
        self.entries
    }
}

/// tcpdump 4.99's names for Ethernet types (`ethertype_values`), as it prints them after
/// `ethertype` with `-e`.
pub static ETHERTYPE: Table<u16> = Table::new(&[
    (0x00fe, "GRE-OSI"),
    (0x0200, "PUP"),
    (0x0500, "Sprite"),
    (0x0600, "NS"),
    (0x0707, "GeoNet (old)"),
    (0x0800, "IPv4"),
    (0x0806, "ARP"),
    (0x1000, "Trail"),
    (0x1111, "CALM FAST"),
    (0x6001, "MOP DL"),
    (0x6002, "MOP RC"),
    (0x6003, "DN"),
    (0x6004, "LAT"),
    (0x6007, "SCA"),
    (0x6558, "TEB"),
    (0x8035, "Reverse ARP"),
    (0x8038, "Lanbridge"),
    (0x803c, "DEC DNS"),
    (0x803e, "DEC DTS"),
    (0x805b, "VEXP"),
    (0x805c, "VPROD"),
    (0x809b, "Appletalk"),
    (0x80f3, "Appletalk ARP"),
    (0x8100, "802.1Q"),
    (0x8137, "IPX"),
    (0x86dd, "IPv6"),
    (0x8808, "MPCP"),
    (0x8809, "Slow Protocols"),
    (0x880b, "PPP"),
    (0x8847, "MPLS unicast"),
    (0x8848, "MPLS multicast"),
    (0x8863, "PPPoE D"),
    (0x8864, "PPPoE S"),
    (0x886f, "MS NLB heartbeat"),
    (0x8870, "Jumbo"),
    (0x888e, "EAPOL"),
    (0x8899, "Realtek protocols"),
    (0x88a2, "AoE"),
    (0x88a8, "802.1Q-QinQ"),
    (0x88ca, "TIPC"),
    (0x88cc, "LLDP"),
    (0x88e5, "802.1AE MACsec"),
    (0x88f7, "PTP"),
    (0x8902, "CFM"),
    (0x893a, "IEEE1905.1"),
    (0x8947, "GeoNet"),
    (0x894f, "NSH"),
    (0x9000, "Loopback"),
    (0x9100, "802.1Q-9100"),
    (0x9200, "802.1Q-9200"),
    (0xabcd, "CFM (old)"),
    (0xd28b, "Arista Vendor Specific Protocol"),
    (0xfefe, "OSI"),
]);

/// The names pcap-filter accepts after `ether proto` for Ethernet types (libpcap 1.10.3's
/// `eproto_db`).
pub static ETHER_PROTO: Table<u16> = Table::new(&[
    (0x0800, "ip"),
    (0x0806, "arp"),
    (0x6001, "mopdl"),
    (0x6002, "moprc"),
    (0x6003, "decnet"),
    (0x6004, "lat"),
    (0x6007, "sca"),
    (0x8035, "rarp"),
    (0x809b, "atalk"),
    (0x80f3, "aarp"),
    (0x86dd, "ip6"),
    (0x9000, "loopback"),
]);

/// tcpdump 4.99's names for 802.2 LLC service access points (`llc_values`).
pub static LLC_SAP: Table<u8> = Table::new(&[
    (0x00, "Null"),
    (0x02, "802.1B I"),
    (0x03, "802.1B G"),
    (0x04, "SNA"),
    (0x06, "IP"),
    (0x0e, "ProWay NM"),
    (0x42, "STP"),
    (0x4e, "RS511"),
    (0x7e, "ISO8208"),
    (0x8e, "ProWay"),
    (0xaa, "SNAP"),
    (0xe0, "IPX"),
    (0xf0, "NetBeui"),
    (0xfe, "OSI"),
    (0xff, "Global"),
]);

/// The LLC names pcap-filter accepts after `ether proto` (libpcap 1.10.3's `llc_db`), tried
/// after [`ETHER_PROTO`].
pub static LLC_PROTO: Table<u8> = Table::new(&[
    (0x42, "stp"),
    (0xe0, "ipx"),
    (0xf0, "netbeui"),
    (0xfe, "iso"),
]);

/// tcpdump 4.99's names for IP protocols (`ipproto_values`), as it prints them after `proto`
/// with `-v`.
pub static IP_PROTO: Table<u8> = Table::new(&[
    (0, "Options"),
    (1, "ICMP"),
    (2, "IGMP"),
    (4, "IPIP"),
    (6, "TCP"),
    (8, "EGP"),
    (9, "IGRP"),
    (17, "UDP"),
    (33, "DCCP"),
    (41, "IPv6"),
    (43, "Routing"),
    (44, "Fragment"),
    (46, "RSVP"),
    (47, "GRE"),
    (50, "ESP"),
    (51, "AH"),
    (55, "Mobile IP"),
    (58, "ICMPv6"),
    (62, "Mobile IP (old)"),
    (88, "EIGRP"),
    (89, "OSPF"),
    (103, "PIM"),
    (108, "Compressed IP"),
    (112, "VRRP"),
    (113, "PGM"),
    (132, "SCTP"),
    (135, "Mobility"),
    (143, "Ethernet"),
]);

/// The IANA keywords for IP protocols, as tcpdump 4.99's built-in `netdb_protoname` has them:
/// what it prints for a protocol it does not dissect when names are on (` ospf`, else
/// ` ip-proto-89`).
pub static IP_PROTO_KEYWORD: Table<u8> = Table::new(&[
    (0, "hopopt"),
    (1, "icmp"),
    (2, "igmp"),
    (3, "ggp"),
    (4, "ipv4"),
    (5, "st"),
    (6, "tcp"),
    (7, "cbt"),
    (8, "egp"),
    (9, "igp"),
    (10, "bbn-rcc-mon"),
    (11, "nvp-ii"),
    (12, "pup"),
    (13, "argus"),
    (14, "emcon"),
    (15, "xnet"),
    (16, "chaos"),
    (17, "udp"),
    (18, "mux"),
    (19, "dcn-meas"),
    (20, "hmp"),
    (21, "prm"),
    (22, "xns-idp"),
    (23, "trunk-1"),
    (24, "trunk-2"),
    (25, "leaf-1"),
    (26, "leaf-2"),
    (27, "rdp"),
    (28, "irtp"),
    (29, "iso-tp4"),
    (30, "netblt"),
    (31, "mfe-nsp"),
    (32, "merit-inp"),
    (33, "dccp"),
    (34, "3pc"),
    (35, "idpr"),
    (36, "xtp"),
    (37, "ddp"),
    (38, "idpr-cmtp"),
    (39, "tp++"),
    (40, "il"),
    (41, "ipv6"),
    (42, "sdrp"),
    (43, "ipv6-route"),
    (44, "ipv6-frag"),
    (45, "idrp"),
    (46, "rsvp"),
    (47, "gre"),
    (48, "dsr"),
    (49, "bna"),
    (50, "esp"),
    (51, "ah"),
    (52, "i-nlsp"),
    (53, "swipe"),
    (54, "narp"),
    (55, "mobile"),
    (56, "tlsp"),
    (57, "skip"),
    (58, "ipv6-icmp"),
    (59, "ipv6-nonxt"),
    (60, "ipv6-opts"),
    (62, "cftp"),
    (64, "sat-expak"),
    (65, "kryptolan"),
    (66, "rvd"),
    (67, "ippc"),
    (69, "sat-mon"),
    (70, "visa"),
    (71, "ipcv"),
    (72, "cpnx"),
    (73, "rspf"),
    (74, "wsn"),
    (75, "pvp"),
    (76, "br-sat-mon"),
    (77, "nd"),
    (78, "wb-mon"),
    (79, "wb-expak"),
    (80, "iso-ip"),
    (81, "vmtp"),
    (82, "secure-vmtp"),
    (83, "vines"),
    (84, "ttp"),
    (85, "nsfnet-igp"),
    (86, "dgp"),
    (87, "tcf"),
    (88, "eigrp"),
    (89, "ospf"),
    (90, "sprite-rpc"),
    (91, "larp"),
    (92, "mtp"),
    (93, "ax.25"),
    (94, "ipip"),
    (95, "micp"),
    (96, "scc-sp"),
    (97, "etherip"),
    (98, "encap"),
    (100, "gmtp"),
    (101, "ifmp"),
    (102, "pnni"),
    (103, "pim"),
    (104, "aris"),
    (105, "scps"),
    (106, "qnx"),
    (107, "a/n"),
    (108, "ipcomp"),
    (109, "snp"),
    (110, "compaq-peer"),
    (111, "ipx-in-ip"),
    (112, "vrrp"),
    (113, "pgm"),
    (115, "l2tp"),
    (116, "ddx"),
    (117, "iatp"),
    (118, "stp"),
    (119, "srp"),
    (120, "uti"),
    (121, "smp"),
    (122, "sm"),
    (123, "ptp"),
    (124, "isis"),
    (125, "fire"),
    (126, "crtp"),
    (127, "crudp"),
    (128, "sscopmce"),
    (129, "iplt"),
    (130, "sps"),
    (131, "pipe"),
    (132, "sctp"),
    (133, "fc"),
    (134, "rsvp-e2e-ignore"),
    (135, "mobility-header"),
    (136, "udplite"),
    (137, "mpls-in-ip"),
    (138, "manet"),
    (139, "hip"),
    (140, "shim6"),
    (141, "wesp"),
    (142, "rohc"),
    (253, "exptest-253"),
    (254, "exptest-254"),
    (255, "reserved"),
]);

/// Debian `netbase` 6.4's `/etc/protocols`, names and aliases: what `getprotobyname` answers
/// there, and so what libpcap accepts in `proto \name` (`\tcp`, `\ipv6-icmp`, `\OSPFIGP`).
/// `mptcp` (262) does not fit a protocol number and is left out.
pub static IP_PROTO_NETBASE: Table<u8> = Table::new(&[
    (0, "ip"),
    (0, "IP"),
    (0, "hopopt"),
    (0, "HOPOPT"),
    (1, "icmp"),
    (1, "ICMP"),
    (2, "igmp"),
    (2, "IGMP"),
    (3, "ggp"),
    (3, "GGP"),
    (4, "ipencap"),
    (4, "IP-ENCAP"),
    (5, "st"),
    (5, "ST"),
    (6, "tcp"),
    (6, "TCP"),
    (8, "egp"),
    (8, "EGP"),
    (9, "igp"),
    (9, "IGP"),
    (12, "pup"),
    (12, "PUP"),
    (17, "udp"),
    (17, "UDP"),
    (20, "hmp"),
    (20, "HMP"),
    (22, "xns-idp"),
    (22, "XNS-IDP"),
    (27, "rdp"),
    (27, "RDP"),
    (29, "iso-tp4"),
    (29, "ISO-TP4"),
    (33, "dccp"),
    (33, "DCCP"),
    (36, "xtp"),
    (36, "XTP"),
    (37, "ddp"),
    (37, "DDP"),
    (38, "idpr-cmtp"),
    (38, "IDPR-CMTP"),
    (41, "ipv6"),
    (41, "IPv6"),
    (43, "ipv6-route"),
    (43, "IPv6-Route"),
    (44, "ipv6-frag"),
    (44, "IPv6-Frag"),
    (45, "idrp"),
    (45, "IDRP"),
    (46, "rsvp"),
    (46, "RSVP"),
    (47, "gre"),
    (47, "GRE"),
    (50, "esp"),
    (50, "IPSEC-ESP"),
    (51, "ah"),
    (51, "IPSEC-AH"),
    (57, "skip"),
    (57, "SKIP"),
    (58, "ipv6-icmp"),
    (58, "IPv6-ICMP"),
    (59, "ipv6-nonxt"),
    (59, "IPv6-NoNxt"),
    (60, "ipv6-opts"),
    (60, "IPv6-Opts"),
    (73, "rspf"),
    (73, "RSPF"),
    (73, "CPHB"),
    (81, "vmtp"),
    (81, "VMTP"),
    (88, "eigrp"),
    (88, "EIGRP"),
    (89, "ospf"),
    (89, "OSPFIGP"),
    (93, "ax.25"),
    (93, "AX.25"),
    (94, "ipip"),
    (94, "IPIP"),
    (97, "etherip"),
    (97, "ETHERIP"),
    (98, "encap"),
    (98, "ENCAP"),
    (103, "pim"),
    (103, "PIM"),
    (108, "ipcomp"),
    (108, "IPCOMP"),
    (112, "vrrp"),
    (112, "VRRP"),
    (115, "l2tp"),
    (115, "L2TP"),
    (124, "isis"),
    (124, "ISIS"),
    (132, "sctp"),
    (132, "SCTP"),
    (133, "fc"),
    (133, "FC"),
    (135, "mobility-header"),
    (135, "Mobility-Header"),
    (136, "udplite"),
    (136, "UDPLite"),
    (137, "mpls-in-ip"),
    (137, "MPLS-in-IP"),
    (138, "manet"),
    (139, "hip"),
    (139, "HIP"),
    (140, "shim6"),
    (140, "Shim6"),
    (141, "wesp"),
    (141, "WESP"),
    (142, "rohc"),
    (142, "ROHC"),
    (143, "ethernet"),
    (143, "Ethernet"),
]);

/// Debian `netbase` 6.4's `/etc/services`, TCP lines, names and aliases. The first name of a
/// port is the one tcpdump prints without `-n`; any name or alias is what libpcap's `port
/// name` looks up (`getaddrinfo` with `SOCK_STREAM`), the lowest port when two lines share a
/// name (`dicom` is 104, as in the file's order).
pub static TCP_PORT: Table<u16> = Table::new(&[
    (1, "tcpmux"),
    (7, "echo"),
    (9, "discard"),
    (9, "sink"),
    (9, "null"),
    (11, "systat"),
    (11, "users"),
    (13, "daytime"),
    (15, "netstat"),
    (17, "qotd"),
    (17, "quote"),
    (19, "chargen"),
    (19, "ttytst"),
    (19, "source"),
    (20, "ftp-data"),
    (21, "ftp"),
    (22, "ssh"),
    (23, "telnet"),
    (25, "smtp"),
    (25, "mail"),
    (37, "time"),
    (37, "timserver"),
    (43, "whois"),
    (43, "nicname"),
    (49, "tacacs"),
    (53, "domain"),
    (70, "gopher"),
    (79, "finger"),
    (80, "http"),
    (80, "www"),
    (88, "kerberos"),
    (88, "kerberos5"),
    (88, "krb5"),
    (88, "kerberos-sec"),
    (102, "iso-tsap"),
    (102, "tsap"),
    (104, "acr-nema"),
    (104, "dicom"),
    (106, "poppassd"),
    (110, "pop3"),
    (110, "pop-3"),
    (111, "sunrpc"),
    (111, "portmapper"),
    (113, "auth"),
    (113, "authentication"),
    (113, "tap"),
    (113, "ident"),
    (119, "nntp"),
    (119, "readnews"),
    (119, "untp"),
    (135, "epmap"),
    (135, "loc-srv"),
    (139, "netbios-ssn"),
    (143, "imap2"),
    (143, "imap"),
    (161, "snmp"),
    (162, "snmp-trap"),
    (162, "snmptrap"),
    (163, "cmip-man"),
    (164, "cmip-agent"),
    (174, "mailq"),
    (179, "bgp"),
    (199, "smux"),
    (209, "qmtp"),
    (210, "z3950"),
    (210, "wais"),
    (345, "pawserv"),
    (346, "zserv"),
    (369, "rpc2portmap"),
    (370, "codaauth2"),
    (389, "ldap"),
    (427, "svrloc"),
    (443, "https"),
    (444, "snpp"),
    (445, "microsoft-ds"),
    (464, "kpasswd"),
    (465, "submissions"),
    (465, "ssmtp"),
    (465, "smtps"),
    (465, "urd"),
    (487, "saft"),
    (512, "exec"),
    (513, "login"),
    (514, "shell"),
    (514, "cmd"),
    (514, "syslog"),
    (515, "printer"),
    (515, "spooler"),
    (538, "gdomap"),
    (540, "uucp"),
    (540, "uucpd"),
    (543, "klogin"),
    (544, "kshell"),
    (544, "krcmd"),
    (548, "afpovertcp"),
    (554, "rtsp"),
    (563, "nntps"),
    (563, "snntp"),
    (587, "submission"),
    (607, "nqs"),
    (628, "qmqp"),
    (631, "ipp"),
    (636, "ldaps"),
    (646, "ldp"),
    (655, "tinc"),
    (706, "silc"),
    (749, "kerberos-adm"),
    (750, "kerberos4"),
    (750, "kerberos-iv"),
    (750, "kdc"),
    (751, "kerberos-master"),
    (754, "krb-prop"),
    (754, "krb_prop"),
    (754, "krb5_prop"),
    (754, "hprop"),
    (775, "moira-db"),
    (775, "moira_db"),
    (777, "moira-update"),
    (777, "moira_update"),
    (783, "spamd"),
    (853, "domain-s"),
    (871, "supfilesrv"),
    (873, "rsync"),
    (989, "ftps-data"),
    (990, "ftps"),
    (992, "telnets"),
    (993, "imaps"),
    (995, "pop3s"),
    (1080, "socks"),
    (1093, "proofd"),
    (1094, "rootd"),
    (1099, "rmiregistry"),
    (1127, "supfiledbg"),
    (1178, "skkserv"),
    (1194, "openvpn"),
    (1236, "rmtcfg"),
    (1313, "xtel"),
    (1314, "xtelw"),
    (1352, "lotusnote"),
    (1352, "lotusnotes"),
    (1433, "ms-sql-s"),
    (1524, "ingreslock"),
    (1645, "datametrics"),
    (1645, "old-radius"),
    (1646, "sa-msg-port"),
    (1646, "old-radacct"),
    (1649, "kermit"),
    (1677, "groupwise"),
    (1812, "radius"),
    (1813, "radius-acct"),
    (1813, "radacct"),
    (2000, "cisco-sccp"),
    (2049, "nfs"),
    (2086, "gnunet"),
    (2101, "rtcm-sc104"),
    (2119, "gsigatekeeper"),
    (2121, "iprop"),
    (2135, "gris"),
    (2401, "cvspserver"),
    (2430, "venus"),
    (2431, "venus-se"),
    (2432, "codasrv"),
    (2433, "codasrv-se"),
    (2583, "mon"),
    (2600, "zebrasrv"),
    (2601, "zebra"),
    (2602, "ripd"),
    (2603, "ripngd"),
    (2604, "ospfd"),
    (2605, "bgpd"),
    (2606, "ospf6d"),
    (2607, "ospfapi"),
    (2608, "isisd"),
    (2628, "dict"),
    (2792, "f5-globalsite"),
    (2811, "gsiftp"),
    (2947, "gpsd"),
    (3050, "gds-db"),
    (3050, "gds_db"),
    (3205, "isns"),
    (3260, "iscsi-target"),
    (3306, "mysql"),
    (3389, "ms-wbt-server"),
    (3493, "nut"),
    (3632, "distcc"),
    (3689, "daap"),
    (3690, "svn"),
    (3690, "subversion"),
    (4031, "suucp"),
    (4094, "sysrqd"),
    (4190, "sieve"),
    (4353, "f5-iquery"),
    (4369, "epmd"),
    (4373, "remctl"),
    (4460, "ntske"),
    (4557, "fax"),
    (4559, "hylafax"),
    (4691, "mtn"),
    (4899, "radmin-port"),
    (4949, "munin"),
    (4949, "lrrd"),
    (5060, "sip"),
    (5061, "sip-tls"),
    (5222, "xmpp-client"),
    (5222, "jabber-client"),
    (5269, "xmpp-server"),
    (5269, "jabber-server"),
    (5308, "cfengine"),
    (5432, "postgresql"),
    (5432, "postgres"),
    (5556, "freeciv"),
    (5556, "rptp"),
    (5666, "nrpe"),
    (5667, "nsca"),
    (5671, "amqps"),
    (5672, "amqp"),
    (5680, "canna"),
    (6000, "x11"),
    (6000, "x11-0"),
    (6001, "x11-1"),
    (6002, "x11-2"),
    (6003, "x11-3"),
    (6004, "x11-4"),
    (6005, "x11-5"),
    (6006, "x11-6"),
    (6007, "x11-7"),
    (6346, "gnutella-svc"),
    (6347, "gnutella-rtr"),
    (6379, "redis"),
    (6444, "sge-qmaster"),
    (6444, "sge_qmaster"),
    (6445, "sge-execd"),
    (6445, "sge_execd"),
    (6446, "mysql-proxy"),
    (6514, "syslog-tls"),
    (6566, "sane-port"),
    (6566, "sane"),
    (6566, "saned"),
    (6667, "ircd"),
    (6697, "ircs-u"),
    (7000, "bbs"),
    (7100, "font-service"),
    (7100, "xfs"),
    (8021, "zope-ftp"),
    (8080, "http-alt"),
    (8080, "webcache"),
    (8081, "tproxy"),
    (8088, "omniorb"),
    (8140, "puppet"),
    (8990, "clc-build-daemon"),
    (9098, "xinetd"),
    (9101, "bacula-dir"),
    (9102, "bacula-fd"),
    (9103, "bacula-sd"),
    (9418, "git"),
    (9667, "xmms2"),
    (9673, "zope"),
    (10000, "webmin"),
    (10050, "zabbix-agent"),
    (10051, "zabbix-trapper"),
    (10080, "amanda"),
    (10081, "kamanda"),
    (10082, "amandaidx"),
    (10083, "amidxtape"),
    (10809, "nbd"),
    (11112, "dicom"),
    (11371, "hkp"),
    (17004, "sgi-cad"),
    (17500, "db-lsp"),
    (22125, "dcap"),
    (22128, "gsidcap"),
    (22273, "wnn6"),
    (24554, "binkp"),
    (27374, "asp"),
    (30865, "csync2"),
    (57000, "dircproxy"),
    (60177, "tfido"),
    (60179, "fido"),
]);

/// Debian `netbase` 6.4's `/etc/services`, UDP lines; see [`TCP_PORT`].
pub static UDP_PORT: Table<u16> = Table::new(&[
    (7, "echo"),
    (9, "discard"),
    (9, "sink"),
    (9, "null"),
    (13, "daytime"),
    (19, "chargen"),
    (19, "ttytst"),
    (19, "source"),
    (21, "fsp"),
    (21, "fspd"),
    (37, "time"),
    (37, "timserver"),
    (49, "tacacs"),
    (53, "domain"),
    (67, "bootps"),
    (68, "bootpc"),
    (69, "tftp"),
    (88, "kerberos"),
    (88, "kerberos5"),
    (88, "krb5"),
    (88, "kerberos-sec"),
    (111, "sunrpc"),
    (111, "portmapper"),
    (123, "ntp"),
    (137, "netbios-ns"),
    (138, "netbios-dgm"),
    (161, "snmp"),
    (162, "snmp-trap"),
    (162, "snmptrap"),
    (163, "cmip-man"),
    (164, "cmip-agent"),
    (177, "xdmcp"),
    (213, "ipx"),
    (319, "ptp-event"),
    (320, "ptp-general"),
    (369, "rpc2portmap"),
    (370, "codaauth2"),
    (371, "clearcase"),
    (371, "Clearcase"),
    (389, "ldap"),
    (427, "svrloc"),
    (443, "https"),
    (464, "kpasswd"),
    (500, "isakmp"),
    (512, "biff"),
    (512, "comsat"),
    (513, "who"),
    (513, "whod"),
    (514, "syslog"),
    (517, "talk"),
    (518, "ntalk"),
    (520, "route"),
    (520, "router"),
    (520, "routed"),
    (538, "gdomap"),
    (546, "dhcpv6-client"),
    (547, "dhcpv6-server"),
    (554, "rtsp"),
    (623, "asf-rmcp"),
    (636, "ldaps"),
    (646, "ldp"),
    (655, "tinc"),
    (750, "kerberos4"),
    (750, "kerberos-iv"),
    (750, "kdc"),
    (751, "kerberos-master"),
    (751, "kerberos_master"),
    (752, "passwd-server"),
    (752, "passwd_server"),
    (779, "moira-ureg"),
    (779, "moira_ureg"),
    (853, "domain-s"),
    (1194, "openvpn"),
    (1210, "predict"),
    (1434, "ms-sql-m"),
    (1645, "datametrics"),
    (1645, "old-radius"),
    (1646, "sa-msg-port"),
    (1646, "old-radacct"),
    (1701, "l2f"),
    (1701, "l2tp"),
    (1812, "radius"),
    (1813, "radius-acct"),
    (1813, "radacct"),
    (2049, "nfs"),
    (2086, "gnunet"),
    (2101, "rtcm-sc104"),
    (2102, "zephyr-srv"),
    (2103, "zephyr-clt"),
    (2104, "zephyr-hm"),
    (2430, "venus"),
    (2431, "venus-se"),
    (2432, "codasrv"),
    (2433, "codasrv-se"),
    (2583, "mon"),
    (3130, "icpv2"),
    (3130, "icp"),
    (3205, "isns"),
    (3493, "nut"),
    (4500, "ipsec-nat-t"),
    (4569, "iax"),
    (5060, "sip"),
    (5061, "sip-tls"),
    (5353, "mdns"),
    (5555, "rplay"),
    (6346, "gnutella-svc"),
    (6347, "gnutella-rtr"),
    (6696, "babel"),
    (7000, "afs3-fileserver"),
    (7001, "afs3-callback"),
    (7002, "afs3-prserver"),
    (7003, "afs3-vlserver"),
    (7004, "afs3-kaserver"),
    (7005, "afs3-volser"),
    (7007, "afs3-bos"),
    (7008, "afs3-update"),
    (7009, "afs3-rmtsys"),
    (17001, "sgi-cmsd"),
    (17002, "sgi-crsd"),
    (17003, "sgi-gcd"),
    (27374, "asp"),
]);

/// Debian `netbase` 6.4's `/etc/services`, SCTP lines; see [`TCP_PORT`]. (libpcap 1.10.3
/// looks port names up for TCP and UDP only.)
pub static SCTP_PORT: Table<u16> = Table::new(&[(5672, "amqp")]);

/// pcap-filter's named ICMP types (`icmp-echo` is 8), for expressions like
/// `icmp[icmptype] = icmp-echo`.
pub static ICMP_TYPE: Table<u8> = Table::new(&[
    (v4::ECHO_REPLY, "icmp-echoreply"),
    (v4::UNREACH, "icmp-unreach"),
    (v4::SOURCE_QUENCH, "icmp-sourcequench"),
    (v4::REDIRECT, "icmp-redirect"),
    (v4::ECHO, "icmp-echo"),
    (v4::ROUTER_ADVERT, "icmp-routeradvert"),
    (v4::ROUTER_SOLICIT, "icmp-routersolicit"),
    (v4::TIME_EXCEEDED, "icmp-timxceed"),
    (v4::PARAM_PROBLEM, "icmp-paramprob"),
    (v4::TIMESTAMP, "icmp-tstamp"),
    (v4::TIMESTAMP_REPLY, "icmp-tstampreply"),
    (v4::INFO_REQUEST, "icmp-ireq"),
    (v4::INFO_REPLY, "icmp-ireqreply"),
    (v4::MASK_REQUEST, "icmp-maskreq"),
    (v4::MASK_REPLY, "icmp-maskreply"),
]);

/// pcap-filter's named ICMPv6 types (`icmp6-echo` is 128).
pub static ICMP6_TYPE: Table<u8> = Table::new(&[
    (v6::UNREACH, "icmp6-destinationunreach"),
    (v6::PACKET_TOO_BIG, "icmp6-packettoobig"),
    (v6::TIME_EXCEEDED, "icmp6-timeexceeded"),
    (v6::PARAM_PROBLEM, "icmp6-parameterproblem"),
    (v6::ECHO_REQUEST, "icmp6-echo"),
    (v6::ECHO_REPLY, "icmp6-echoreply"),
    (v6::MLD_QUERY, "icmp6-multicastlistenerquery"),
    (v6::MLD_REPORT, "icmp6-multicastlistenerreportv1"),
    (v6::MLD_DONE, "icmp6-multicastlistenerdone"),
    (v6::ROUTER_SOLICIT, "icmp6-routersolicit"),
    (v6::ROUTER_ADVERT, "icmp6-routeradvert"),
    (v6::NEIGHBOR_SOLICIT, "icmp6-neighborsolicit"),
    (v6::NEIGHBOR_ADVERT, "icmp6-neighboradvert"),
    (v6::REDIRECT, "icmp6-redirect"),
    (v6::ROUTER_RENUMBERING, "icmp6-routerrenum"),
    (v6::NODE_INFO_QUERY, "icmp6-nodeinformationquery"),
    (v6::NODE_INFO_RESPONSE, "icmp6-nodeinformationresponse"),
    (v6::INV_NEIGHBOR_SOLICIT, "icmp6-ineighbordiscoverysolicit"),
    (v6::INV_NEIGHBOR_ADVERT, "icmp6-ineighbordiscoveryadvert"),
    (v6::MLD2_REPORT, "icmp6-multicastlistenerreportv2"),
    (v6::HA_DISCOVERY_REQUEST, "icmp6-homeagentdiscoveryrequest"),
    (v6::HA_DISCOVERY_REPLY, "icmp6-homeagentdiscoveryreply"),
    (v6::MOBILE_PREFIX_SOLICIT, "icmp6-mobileprefixsolicit"),
    (v6::MOBILE_PREFIX_ADVERT, "icmp6-mobileprefixadvert"),
    (v6::CERT_PATH_SOLICIT, "icmp6-certpathsolicit"),
    (v6::CERT_PATH_ADVERT, "icmp6-certpathadvert"),
    (v6::MULTICAST_ROUTER_ADVERT, "icmp6-multicastrouteradvert"),
    (v6::MULTICAST_ROUTER_SOLICIT, "icmp6-multicastroutersolicit"),
    (v6::MULTICAST_ROUTER_TERM, "icmp6-multicastrouterterm"),
]);

/// tcpdump 4.99's names for ICMPv6 types (`icmp6_type_values`), as its one-line summary
/// prints them.
pub static ICMP6_TYPE_TCPDUMP: Table<u8> = Table::new(&[
    (v6::UNREACH, "destination unreachable"),
    (v6::PACKET_TOO_BIG, "packet too big"),
    (v6::TIME_EXCEEDED, "time exceeded in-transit"),
    (v6::PARAM_PROBLEM, "parameter problem"),
    (v6::ECHO_REQUEST, "echo request"),
    (v6::ECHO_REPLY, "echo reply"),
    (v6::MLD_QUERY, "multicast listener query"),
    (v6::MLD_REPORT, "multicast listener report"),
    (v6::MLD_DONE, "multicast listener done"),
    (v6::ROUTER_SOLICIT, "router solicitation"),
    (v6::ROUTER_ADVERT, "router advertisement"),
    (v6::NEIGHBOR_SOLICIT, "neighbor solicitation"),
    (v6::NEIGHBOR_ADVERT, "neighbor advertisement"),
    (v6::REDIRECT, "redirect"),
    (v6::ROUTER_RENUMBERING, "router renumbering"),
    (v6::NODE_INFO_QUERY, "who-are-you request"),
    (v6::NODE_INFO_RESPONSE, "who-are-you reply"),
    (v6::INV_NEIGHBOR_SOLICIT, "inverse neighbor solicitation"),
    (v6::INV_NEIGHBOR_ADVERT, "inverse neighbor advertisement"),
    (v6::MLD2_REPORT, "multicast listener report v2"),
    (v6::HA_DISCOVERY_REQUEST, "ha discovery request"),
    (v6::HA_DISCOVERY_REPLY, "ha discovery reply"),
    (v6::MOBILE_PREFIX_SOLICIT, "mobile router solicitation"),
    (v6::MOBILE_PREFIX_ADVERT, "mobile router advertisement"),
    (v6::RPL, "RPL"),
    (v6::MTRACE_RESPONSE, "mtrace response"),
    (v6::MTRACE, "mtrace message"),
]);

/// pcap-filter's named TCP flag bits (`tcp-syn` is 0x02), for `tcp[tcpflags] & tcp-syn != 0`.
pub static TCP_FLAGS: Table<u8> = Table::new(&[
    (flags::FIN, "tcp-fin"),
    (flags::SYN, "tcp-syn"),
    (flags::RST, "tcp-rst"),
    (flags::PSH, "tcp-push"),
    (flags::ACK, "tcp-ack"),
    (flags::URG, "tcp-urg"),
    (flags::ECE, "tcp-ece"),
    (flags::CWR, "tcp-cwr"),
]);

/// pcap-filter's named header offsets: the byte of the ICMP type and code and of the TCP flags,
/// taken from the views' field layouts.
pub static FILTER_FIELD: Table<u32> = Table::new(&[
    (icmp_field::TYPE as u32, "icmptype"),
    (icmp_field::TYPE as u32, "icmp6type"),
    (icmp_field::CODE as u32, "icmpcode"),
    (icmp_field::CODE as u32, "icmp6code"),
    (tcp_field::FLAGS as u32, "tcpflags"),
]);

/// tcpdump 4.99's names for the address families of BSD loopback headers (`bsd_af_values`):
/// IPv6 has three numbers, one per BSD family.
pub static BSD_AF: Table<u32> = Table::new(&[
    (2, "IPv4"),
    (6, "NS"),
    (7, "ISO"),
    (16, "Appletalk"),
    (23, "IPX"),
    (24, "IPv6"),
    (28, "IPv6"),
    (30, "IPv6"),
]);

/// pcap-filter's 802.11 frame types (`wlan type NAME`), as the frame control byte holds them
/// (mask `0x0c`). Looked up ignoring case.
pub static WLAN_TYPE: Table<u8> = Table::new(&[
    (0x00, "mgt"),
    (0x00, "management"),
    (0x04, "ctl"),
    (0x04, "control"),
    (0x08, "data"),
]);

/// pcap-filter's 802.11 management frame subtypes, as the frame control byte holds them (mask
/// `0xf0`). Looked up ignoring case.
pub static WLAN_MGT_SUBTYPE: Table<u8> = Table::new(&[
    (0x00, "assocreq"),
    (0x00, "assoc-req"),
    (0x10, "assocresp"),
    (0x10, "assoc-resp"),
    (0x20, "reassocreq"),
    (0x20, "reassoc-req"),
    (0x30, "reassocresp"),
    (0x30, "reassoc-resp"),
    (0x40, "probereq"),
    (0x40, "probe-req"),
    (0x50, "proberesp"),
    (0x50, "probe-resp"),
    (0x80, "beacon"),
    (0x90, "atim"),
    (0xa0, "disassoc"),
    (0xa0, "disassociation"),
    (0xb0, "auth"),
    (0xb0, "authentication"),
    (0xc0, "deauth"),
    (0xc0, "deauthentication"),
]);

/// pcap-filter's 802.11 control frame subtypes (mask `0xf0`).
pub static WLAN_CTL_SUBTYPE: Table<u8> = Table::new(&[
    (0xa0, "ps-poll"),
    (0xb0, "rts"),
    (0xc0, "cts"),
    (0xd0, "ack"),
    (0xe0, "cf-end"),
    (0xf0, "cf-end-ack"),
]);

/// pcap-filter's 802.11 data frame subtypes (mask `0xf0`).
pub static WLAN_DATA_SUBTYPE: Table<u8> = Table::new(&[
    (0x00, "data"),
    (0x10, "data-cf-ack"),
    (0x20, "data-cf-poll"),
    (0x30, "data-cf-ack-poll"),
    (0x40, "null"),
    (0x50, "cf-ack"),
    (0x60, "cf-poll"),
    (0x70, "cf-ack-poll"),
    (0x80, "qos-data"),
    (0x90, "qos-data-cf-ack"),
    (0xa0, "qos-data-cf-poll"),
    (0xb0, "qos-data-cf-ack-poll"),
    (0xc0, "qos"),
    (0xe0, "qos-cf-poll"),
    (0xf0, "qos-cf-ack-poll"),
]);

/// pcap-filter's 802.11 directions (`dir NAME`): the To-DS and From-DS bits (mask 3 of the
/// second frame control byte). Looked up ignoring case.
pub static WLAN_DIR: Table<u8> =
    Table::new(&[(0, "nods"), (1, "tods"), (2, "fromds"), (3, "dstods")]);

/// pcap-filter's LLC supervisory subtypes (`llc rr`; mask `0x0f` of the control byte). Looked
/// up ignoring case.
pub static LLC_S_SUBTYPE: Table<u8> = Table::new(&[(0x01, "rr"), (0x05, "rnr"), (0x09, "rej")]);

/// LLC unnumbered commands (mask `0xef` of the control byte): pcap-filter's `llc ui`, and the
/// names tcpdump prints.  Looked up ignoring case.
pub static LLC_U_SUBTYPE: Table<u8> = Table::new(&[
    (0x03, "ui"),
    (0x0f, "dm"),
    (0x43, "disc"),
    (0x63, "ua"),
    (0x6f, "sabme"),
    (0x87, "frmr"),
    (0xaf, "xid"),
    (0xe3, "test"),
]);

/// pcap-filter's pflog reasons (`reason NAME`), OpenBSD's `PFRES_` values. Looked up ignoring
/// case.
pub static PF_REASON: Table<u8> = Table::new(&[
    (0, "match"),
    (1, "bad-offset"),
    (2, "fragment"),
    (3, "short"),
    (4, "normalize"),
    (5, "memory"),
    (6, "bad-timestamp"),
    (7, "congestion"),
    (8, "ip-option"),
    (9, "proto-cksum"),
    (10, "state-mismatch"),
    (11, "state-insert"),
    (12, "state-limit"),
    (13, "src-limit"),
    (14, "synproxy"),
]);

/// pcap-filter's pflog actions (`action NAME`), `PF_` values. Looked up ignoring case.
pub static PF_ACTION: Table<u8> = Table::new(&[
    (0, "pass"),
    (0, "accept"),
    (1, "drop"),
    (1, "block"),
    (2, "scrub"),
    (3, "noscrub"),
    (4, "nat"),
    (5, "nonat"),
    (6, "binat"),
    (7, "nobinat"),
    (8, "rdr"),
    (9, "nordr"),
    (10, "synproxy-drop"),
]);

/// The number a pcap-filter named constant stands for (`icmp-echo` → 8, `tcp-syn` → 2,
/// `tcpflags` → 13, …), or `None` when `name` is not one. libpcap's lexer turns these into
/// plain numbers wherever a number may stand (`port tcp-syn` is `port 2`).
pub fn filter_constant(name: &str) -> Option<u32> {
    FILTER_FIELD
        .number(name)
        .or_else(|| TCP_FLAGS.number(name).map(u32::from))
        .or_else(|| ICMP_TYPE.number(name).map(u32::from))
        .or_else(|| ICMP6_TYPE.number(name).map(u32::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted<N: Copy + Ord + std::fmt::Debug>(t: &Table<N>) {
        for w in t.entries().windows(2) {
            if let [(a, _), (b, _)] = w {
                assert!(a <= b, "{a:?} before {b:?}");
            }
        }
    }

    #[test]
    fn tables_are_sorted() {
        for t in [&ETHERTYPE, &ETHER_PROTO, &TCP_PORT, &UDP_PORT, &SCTP_PORT] {
            sorted(t);
        }
        for t in [
            &LLC_SAP,
            &LLC_PROTO,
            &IP_PROTO,
            &IP_PROTO_KEYWORD,
            &IP_PROTO_NETBASE,
            &ICMP_TYPE,
            &ICMP6_TYPE,
            &ICMP6_TYPE_TCPDUMP,
            &TCP_FLAGS,
            &WLAN_TYPE,
            &WLAN_MGT_SUBTYPE,
            &WLAN_CTL_SUBTYPE,
            &WLAN_DATA_SUBTYPE,
            &WLAN_DIR,
            &LLC_S_SUBTYPE,
            &LLC_U_SUBTYPE,
            &PF_REASON,
            &PF_ACTION,
        ] {
            sorted(t);
        }
        sorted(&FILTER_FIELD);
        sorted(&BSD_AF);
    }

    #[test]
    fn both_directions() {
        assert_eq!(ETHERTYPE.name(0x0806), Some("ARP"));
        assert_eq!(ETHERTYPE.name(0x9100), Some("802.1Q-9100"));
        assert_eq!(ETHERTYPE.name(0x1234), None);
        assert_eq!(ETHERTYPE.number("IPv6"), Some(0x86dd));
        assert_eq!(ETHER_PROTO.number("loopback"), Some(0x9000));
        assert_eq!(ETHER_PROTO.name(0x0800), Some("ip"));
        assert_eq!(ETHER_PROTO.number("iso"), None);
        assert_eq!(LLC_PROTO.number("iso"), Some(0xfe));
        assert_eq!(LLC_SAP.name(0x42), Some("STP"));
        assert_eq!(IP_PROTO.name(58), Some("ICMPv6"));
        assert_eq!(IP_PROTO_KEYWORD.name(89), Some("ospf"));
        assert_eq!(IP_PROTO_KEYWORD.name(4), Some("ipv4"));
        assert_eq!(IP_PROTO_NETBASE.name(4), Some("ipencap"));
        assert_eq!(IP_PROTO_NETBASE.name(0), Some("ip"));
        assert_eq!(IP_PROTO_NETBASE.number("hopopt"), Some(0));
        assert_eq!(IP_PROTO_NETBASE.number("OSPFIGP"), Some(89));
        assert_eq!(IP_PROTO_NETBASE.number("ipv6-icmp"), Some(58));
        assert_eq!(IP_PROTO_NETBASE.number("Tcp"), None);
        assert_eq!(TCP_PORT.name(80), Some("http"));
        assert_eq!(TCP_PORT.number("www"), Some(80));
        assert_eq!(TCP_PORT.number("dicom"), Some(104));
        assert_eq!(TCP_PORT.name(514), Some("shell"));
        assert_eq!(UDP_PORT.name(514), Some("syslog"));
        assert_eq!(UDP_PORT.name(80), None);
        assert_eq!(UDP_PORT.number("ntp"), Some(123));
        assert_eq!(TCP_PORT.number("ntp"), None);
        assert_eq!(SCTP_PORT.number("amqp"), Some(5672));
        assert_eq!(ICMP6_TYPE_TCPDUMP.name(135), Some("neighbor solicitation"));
        assert_eq!(BSD_AF.name(28), Some("IPv6"));
        assert_eq!(BSD_AF.number("IPv6"), Some(24));
    }

    /// The keyword-argument names of filter-language.md §3 (802.11, LLC, pflog).
    #[test]
    fn filter_keyword_names() {
        assert_eq!(WLAN_TYPE.number_ignore_case("Management"), Some(0));
        assert_eq!(WLAN_TYPE.name(4), Some("ctl"));
        assert_eq!(WLAN_MGT_SUBTYPE.number_ignore_case("BEACON"), Some(0x80));
        assert_eq!(WLAN_MGT_SUBTYPE.number("probe-resp"), Some(0x50));
        assert_eq!(WLAN_CTL_SUBTYPE.number("cf-end-ack"), Some(0xf0));
        assert_eq!(WLAN_DATA_SUBTYPE.number("qos-cf-poll"), Some(0xe0));
        assert_eq!(WLAN_DATA_SUBTYPE.number("qos"), Some(0xc0));
        assert_eq!(WLAN_DIR.number_ignore_case("DstoDs"), Some(3));
        assert_eq!(LLC_S_SUBTYPE.number("rej"), Some(9));
        assert_eq!(LLC_U_SUBTYPE.number_ignore_case("SABME"), Some(0x6f));
        assert_eq!(LLC_U_SUBTYPE.name(0xaf), Some("xid"));
        assert_eq!(PF_REASON.number("synproxy"), Some(14));
        assert_eq!(PF_ACTION.number("block"), Some(1));
        assert_eq!(PF_ACTION.name(1), Some("drop"));
        assert_eq!(PF_ACTION.number("defer"), None);
    }

    /// The named constants of pcap-filter's lexer (filter-language.md §1).
    #[test]
    fn filter_constants() {
        let want: &[(&str, u32)] = &[
            ("icmptype", 0),
            ("icmpcode", 1),
            ("icmp6type", 0),
            ("icmp6code", 1),
            ("tcpflags", 13),
            ("tcp-fin", 1),
            ("tcp-syn", 2),
            ("tcp-rst", 4),
            ("tcp-push", 8),
            ("tcp-ack", 0x10),
            ("tcp-urg", 0x20),
            ("tcp-ece", 0x40),
            ("tcp-cwr", 0x80),
            ("icmp-echoreply", 0),
            ("icmp-unreach", 3),
            ("icmp-sourcequench", 4),
            ("icmp-redirect", 5),
            ("icmp-echo", 8),
            ("icmp-routeradvert", 9),
            ("icmp-routersolicit", 10),
            ("icmp-timxceed", 11),
            ("icmp-paramprob", 12),
            ("icmp-tstamp", 13),
            ("icmp-tstampreply", 14),
            ("icmp-ireq", 15),
            ("icmp-ireqreply", 16),
            ("icmp-maskreq", 17),
            ("icmp-maskreply", 18),
            ("icmp6-destinationunreach", 1),
            ("icmp6-packettoobig", 2),
            ("icmp6-timeexceeded", 3),
            ("icmp6-parameterproblem", 4),
            ("icmp6-echo", 128),
            ("icmp6-echoreply", 129),
            ("icmp6-multicastlistenerquery", 130),
            ("icmp6-multicastlistenerreportv1", 131),
            ("icmp6-multicastlistenerdone", 132),
            ("icmp6-routersolicit", 133),
            ("icmp6-routeradvert", 134),
            ("icmp6-neighborsolicit", 135),
            ("icmp6-neighboradvert", 136),
            ("icmp6-redirect", 137),
            ("icmp6-routerrenum", 138),
            ("icmp6-nodeinformationquery", 139),
            ("icmp6-nodeinformationresponse", 140),
            ("icmp6-ineighbordiscoverysolicit", 141),
            ("icmp6-ineighbordiscoveryadvert", 142),
            ("icmp6-multicastlistenerreportv2", 143),
            ("icmp6-homeagentdiscoveryrequest", 144),
            ("icmp6-homeagentdiscoveryreply", 145),
            ("icmp6-mobileprefixsolicit", 146),
            ("icmp6-mobileprefixadvert", 147),
            ("icmp6-certpathsolicit", 148),
            ("icmp6-certpathadvert", 149),
            ("icmp6-multicastrouteradvert", 151),
            ("icmp6-multicastroutersolicit", 152),
            ("icmp6-multicastrouterterm", 153),
        ];
        for &(name, n) in want {
            assert_eq!(filter_constant(name), Some(n), "{name}");
        }
        let total = FILTER_FIELD.entries().len()
            + TCP_FLAGS.entries().len()
            + ICMP_TYPE.entries().len()
            + ICMP6_TYPE.entries().len();
        assert_eq!(total, want.len());
        assert_eq!(filter_constant("icmp-echoes"), None);
        assert_eq!(filter_constant("TCP-SYN"), None);
    }
}
