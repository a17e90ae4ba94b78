//! Link-layer header types: the `LINKTYPE_` values of pcap and pcapng files.
//!
//! [`Linktype`] holds the value as stored in capture files (`LINKTYPE_*`, the same on every
//! platform). libpcap's API speaks `DLT_*` values instead, which differ from the file values for a
//! handful of types (raw IP is `LINKTYPE_RAW` = 101 in files but `DLT_RAW` = 12 on Linux);
//! [`Linktype::from_dlt`] and [`Linktype::to_dlt`] convert with libpcap 1.10's rules for Linux.
//!
//! Names and descriptions are libpcap 1.10.3's (`pcap_datalink_val_to_name`,
//! `pcap_datalink_val_to_description`); lookups by name are case-insensitive like
//! `pcap_datalink_name_to_val`. Unknown values are kept and round-trip unchanged.

use std::fmt;

/// A link-layer header type, as stored in pcap and pcapng files (`LINKTYPE_*`).
///
/// Open number space: any `u32` is accepted and kept; the associated constants name the values
/// libpcap 1.10.3 knows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Linktype(pub u32);

/// The largest captured length libpcap accepts for most link types (`MAXIMUM_SNAPLEN`).
pub const MAXIMUM_SNAPLEN: u32 = 262_144;

/// The lowest and highest `LINKTYPE_` values whose `DLT_` value is the same on every platform.
const MATCHING: std::ops::RangeInclusive<u32> = 104..=289;

/// `(DLT_ value on Linux, LINKTYPE_ value)` for the values outside the matching range whose
/// numbers differ (libpcap `pcap-common.c`, `map[]`).
const DLT_MAP: &[(u32, u32)] = &[(11, 100), (12, 101), (15, 102), (16, 103), (19, 106)];

/// `DLT_` values below the matching range that equal their `LINKTYPE_` value.
const DLT_SAME: &[u32] = &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50, 51, 99];

impl Linktype {
    /// `NULL` (0): BSD loopback.
    pub const NULL: Linktype = Linktype(0);
    /// `EN10MB` (1): Ethernet.
    pub const EN10MB: Linktype = Linktype(1);
    /// `IEEE802` (6): Token ring.
    pub const IEEE802: Linktype = Linktype(6);
    /// `ARCNET` (7): BSD ARCNET.
    pub const ARCNET: Linktype = Linktype(7);
    /// `SLIP` (8): SLIP.
    pub const SLIP: Linktype = Linktype(8);
    /// `PPP` (9): PPP.
    pub const PPP: Linktype = Linktype(9);
    /// `FDDI` (10): FDDI.
    pub const FDDI: Linktype = Linktype(10);
    /// `ATM_RFC1483` (100): RFC 1483 LLC-encapsulated ATM.
    pub const ATM_RFC1483: Linktype = Linktype(100);
    /// `RAW` (101): Raw IP.
    pub const RAW: Linktype = Linktype(101);
    /// `SLIP_BSDOS` (102): BSD/OS SLIP.
    pub const SLIP_BSDOS: Linktype = Linktype(102);
    /// `PPP_BSDOS` (103): BSD/OS PPP.
    pub const PPP_BSDOS: Linktype = Linktype(103);
    /// `ATM_CLIP` (106): Linux Classical IP over ATM.
    pub const ATM_CLIP: Linktype = Linktype(106);
    /// `PPP_SERIAL` (50): PPP over serial.
    pub const PPP_SERIAL: Linktype = Linktype(50);
    /// `PPP_ETHER` (51): PPPoE.
    pub const PPP_ETHER: Linktype = Linktype(51);
    /// `SYMANTEC_FIREWALL` (99): Symantec Firewall.
    pub const SYMANTEC_FIREWALL: Linktype = Linktype(99);
    /// `C_HDLC` (104): Cisco HDLC.
    pub const C_HDLC: Linktype = Linktype(104);
    /// `IEEE802_11` (105): 802.11.
    pub const IEEE802_11: Linktype = Linktype(105);
    /// `FRELAY` (107): Frame Relay.
    pub const FRELAY: Linktype = Linktype(107);
    /// `LOOP` (108): OpenBSD loopback.
    pub const LOOP: Linktype = Linktype(108);
    /// `ENC` (109): OpenBSD encapsulated IP.
    pub const ENC: Linktype = Linktype(109);
    /// `LINUX_SLL` (113): Linux cooked v1.
    pub const LINUX_SLL: Linktype = Linktype(113);
    /// `LTALK` (114): Localtalk.
    pub const LTALK: Linktype = Linktype(114);
    /// `PFLOG` (117): OpenBSD pflog file.
    pub const PFLOG: Linktype = Linktype(117);
    /// `PRISM_HEADER` (119): 802.11 plus Prism header.
    pub const PRISM_HEADER: Linktype = Linktype(119);
    /// `IP_OVER_FC` (122): RFC 2625 IP-over-Fibre Channel.
    pub const IP_OVER_FC: Linktype = Linktype(122);
    /// `SUNATM` (123): Sun raw ATM.
    pub const SUNATM: Linktype = Linktype(123);
    /// `IEEE802_11_RADIO` (127): 802.11 plus radiotap header.
    pub const IEEE802_11_RADIO: Linktype = Linktype(127);
    /// `ARCNET_LINUX` (129): Linux ARCNET.
    pub const ARCNET_LINUX: Linktype = Linktype(129);
    /// `JUNIPER_MLPPP` (130): Juniper Multi-Link PPP.
    pub const JUNIPER_MLPPP: Linktype = Linktype(130);
    /// `JUNIPER_MLFR` (131): Juniper Multi-Link Frame Relay.
    pub const JUNIPER_MLFR: Linktype = Linktype(131);
    /// `JUNIPER_ES` (132): Juniper Encryption Services PIC.
    pub const JUNIPER_ES: Linktype = Linktype(132);
    /// `JUNIPER_GGSN` (133): Juniper GGSN PIC.
    pub const JUNIPER_GGSN: Linktype = Linktype(133);
    /// `JUNIPER_MFR` (134): Juniper FRF.16 Frame Relay.
    pub const JUNIPER_MFR: Linktype = Linktype(134);
    /// `JUNIPER_ATM2` (135): Juniper ATM2 PIC.
    pub const JUNIPER_ATM2: Linktype = Linktype(135);
    /// `JUNIPER_SERVICES` (136): Juniper Advanced Services PIC.
    pub const JUNIPER_SERVICES: Linktype = Linktype(136);
    /// `JUNIPER_ATM1` (137): Juniper ATM1 PIC.
    pub const JUNIPER_ATM1: Linktype = Linktype(137);
    /// `APPLE_IP_OVER_IEEE1394` (138): Apple IP-over-IEEE 1394.
    pub const APPLE_IP_OVER_IEEE1394: Linktype = Linktype(138);
    /// `MTP2_WITH_PHDR` (139): SS7 MTP2 with Pseudo-header.
    pub const MTP2_WITH_PHDR: Linktype = Linktype(139);
    /// `MTP2` (140): SS7 MTP2.
    pub const MTP2: Linktype = Linktype(140);
    /// `MTP3` (141): SS7 MTP3.
    pub const MTP3: Linktype = Linktype(141);
    /// `SCCP` (142): SS7 SCCP.
    pub const SCCP: Linktype = Linktype(142);
    /// `DOCSIS` (143): DOCSIS.
    pub const DOCSIS: Linktype = Linktype(143);
    /// `LINUX_IRDA` (144): Linux IrDA.
    pub const LINUX_IRDA: Linktype = Linktype(144);
    /// `IEEE802_11_RADIO_AVS` (163): 802.11 plus AVS radio information header.
    pub const IEEE802_11_RADIO_AVS: Linktype = Linktype(163);
    /// `JUNIPER_MONITOR` (164): Juniper Passive Monitor PIC.
    pub const JUNIPER_MONITOR: Linktype = Linktype(164);
    /// `BACNET_MS_TP` (165): BACnet MS/TP.
    pub const BACNET_MS_TP: Linktype = Linktype(165);
    /// `PPP_PPPD` (166): PPP for pppd, with direction flag.
    pub const PPP_PPPD: Linktype = Linktype(166);
    /// `JUNIPER_PPPOE` (167): Juniper PPPoE.
    pub const JUNIPER_PPPOE: Linktype = Linktype(167);
    /// `JUNIPER_PPPOE_ATM` (168): Juniper PPPoE/ATM.
    pub const JUNIPER_PPPOE_ATM: Linktype = Linktype(168);
    /// `GPRS_LLC` (169): GPRS LLC.
    pub const GPRS_LLC: Linktype = Linktype(169);
    /// `GPF_T` (170): GPF-T.
    pub const GPF_T: Linktype = Linktype(170);
    /// `GPF_F` (171): GPF-F.
    pub const GPF_F: Linktype = Linktype(171);
    /// `JUNIPER_PIC_PEER` (174): Juniper PIC Peer.
    pub const JUNIPER_PIC_PEER: Linktype = Linktype(174);
    /// `ERF_ETH` (175): Ethernet with Endace ERF header.
    pub const ERF_ETH: Linktype = Linktype(175);
    /// `ERF_POS` (176): Packet-over-SONET with Endace ERF header.
    pub const ERF_POS: Linktype = Linktype(176);
    /// `LINUX_LAPD` (177): Linux vISDN LAPD.
    pub const LINUX_LAPD: Linktype = Linktype(177);
    /// `JUNIPER_ETHER` (178): Juniper Ethernet.
    pub const JUNIPER_ETHER: Linktype = Linktype(178);
    /// `JUNIPER_PPP` (179): Juniper PPP.
    pub const JUNIPER_PPP: Linktype = Linktype(179);
    /// `JUNIPER_FRELAY` (180): Juniper Frame Relay.
    pub const JUNIPER_FRELAY: Linktype = Linktype(180);
    /// `JUNIPER_CHDLC` (181): Juniper C-HDLC.
    pub const JUNIPER_CHDLC: Linktype = Linktype(181);
    /// `MFR` (182): FRF.16 Frame Relay.
    pub const MFR: Linktype = Linktype(182);
    /// `JUNIPER_VP` (183): Juniper Voice PIC.
    pub const JUNIPER_VP: Linktype = Linktype(183);
    /// `A429` (184): Arinc 429.
    pub const A429: Linktype = Linktype(184);
    /// `A653_ICM` (185): Arinc 653 Interpartition Communication.
    pub const A653_ICM: Linktype = Linktype(185);
    /// `USB_FREEBSD` (186): USB with FreeBSD header.
    pub const USB_FREEBSD: Linktype = Linktype(186);
    /// `BLUETOOTH_HCI_H4` (187): Bluetooth HCI UART transport layer.
    pub const BLUETOOTH_HCI_H4: Linktype = Linktype(187);
    /// `IEEE802_16_MAC_CPS` (188): IEEE 802.16 MAC Common Part Sublayer.
    pub const IEEE802_16_MAC_CPS: Linktype = Linktype(188);
    /// `USB_LINUX` (189): USB with Linux header.
    pub const USB_LINUX: Linktype = Linktype(189);
    /// `CAN20B` (190): Controller Area Network (CAN) v. 2.0B.
    pub const CAN20B: Linktype = Linktype(190);
    /// `IEEE802_15_4_LINUX` (191): IEEE 802.15.4 with Linux padding.
    pub const IEEE802_15_4_LINUX: Linktype = Linktype(191);
    /// `PPI` (192): Per-Packet Information.
    pub const PPI: Linktype = Linktype(192);
    /// `IEEE802_16_MAC_CPS_RADIO` (193): IEEE 802.16 MAC Common Part Sublayer plus radiotap header.
    pub const IEEE802_16_MAC_CPS_RADIO: Linktype = Linktype(193);
    /// `JUNIPER_ISM` (194): Juniper Integrated Service Module.
    pub const JUNIPER_ISM: Linktype = Linktype(194);
    /// `IEEE802_15_4` (195): IEEE 802.15.4 with FCS.
    pub const IEEE802_15_4: Linktype = Linktype(195);
    /// `SITA` (196): SITA pseudo-header.
    pub const SITA: Linktype = Linktype(196);
    /// `ERF` (197): Endace ERF header.
    pub const ERF: Linktype = Linktype(197);
    /// `RAIF1` (198): Ethernet with u10 Networks pseudo-header.
    pub const RAIF1: Linktype = Linktype(198);
    /// `IPMB_KONTRON` (199): IPMB with Kontron pseudo-header.
    pub const IPMB_KONTRON: Linktype = Linktype(199);
    /// `JUNIPER_ST` (200): Juniper Secure Tunnel.
    pub const JUNIPER_ST: Linktype = Linktype(200);
    /// `BLUETOOTH_HCI_H4_WITH_PHDR` (201): Bluetooth HCI UART transport layer plus pseudo-header.
    pub const BLUETOOTH_HCI_H4_WITH_PHDR: Linktype = Linktype(201);
    /// `AX25_KISS` (202): AX.25 with KISS header.
    pub const AX25_KISS: Linktype = Linktype(202);
    /// `IPMB_LINUX` (209): IPMB with Linux/Pigeon Point pseudo-header.
    pub const IPMB_LINUX: Linktype = Linktype(209);
    /// `IEEE802_15_4_NONASK_PHY` (215): IEEE 802.15.4 with non-ASK PHY data.
    pub const IEEE802_15_4_NONASK_PHY: Linktype = Linktype(215);
    /// `LINUX_EVDEV` (216): Linux evdev events.
    pub const LINUX_EVDEV: Linktype = Linktype(216);
    /// `MPLS` (219): MPLS with label as link-layer header.
    pub const MPLS: Linktype = Linktype(219);
    /// `USB_LINUX_MMAPPED` (220): USB with padded Linux header.
    pub const USB_LINUX_MMAPPED: Linktype = Linktype(220);
    /// `DECT` (221): DECT.
    pub const DECT: Linktype = Linktype(221);
    /// `AOS` (222): AOS Space Data Link protocol.
    pub const AOS: Linktype = Linktype(222);
    /// `WIHART` (223): Wireless HART.
    pub const WIHART: Linktype = Linktype(223);
    /// `FC_2` (224): Fibre Channel FC-2.
    pub const FC_2: Linktype = Linktype(224);
    /// `FC_2_WITH_FRAME_DELIMS` (225): Fibre Channel FC-2 with frame delimiters.
    pub const FC_2_WITH_FRAME_DELIMS: Linktype = Linktype(225);
    /// `IPNET` (226): Solaris ipnet.
    pub const IPNET: Linktype = Linktype(226);
    /// `CAN_SOCKETCAN` (227): CAN-bus with SocketCAN headers.
    pub const CAN_SOCKETCAN: Linktype = Linktype(227);
    /// `IPV4` (228): Raw IPv4.
    pub const IPV4: Linktype = Linktype(228);
    /// `IPV6` (229): Raw IPv6.
    pub const IPV6: Linktype = Linktype(229);
    /// `IEEE802_15_4_NOFCS` (230): IEEE 802.15.4 without FCS.
    pub const IEEE802_15_4_NOFCS: Linktype = Linktype(230);
    /// `DBUS` (231): D-Bus.
    pub const DBUS: Linktype = Linktype(231);
    /// `JUNIPER_VS` (232): Juniper Virtual Server.
    pub const JUNIPER_VS: Linktype = Linktype(232);
    /// `JUNIPER_SRX_E2E` (233): Juniper SRX E2E.
    pub const JUNIPER_SRX_E2E: Linktype = Linktype(233);
    /// `JUNIPER_FIBRECHANNEL` (234): Juniper Fibre Channel.
    pub const JUNIPER_FIBRECHANNEL: Linktype = Linktype(234);
    /// `DVB_CI` (235): DVB-CI.
    pub const DVB_CI: Linktype = Linktype(235);
    /// `MUX27010` (236): MUX27010.
    pub const MUX27010: Linktype = Linktype(236);
    /// `STANAG_5066_D_PDU` (237): STANAG 5066 D_PDUs.
    pub const STANAG_5066_D_PDU: Linktype = Linktype(237);
    /// `JUNIPER_ATM_CEMIC` (238): Juniper ATM CEMIC.
    pub const JUNIPER_ATM_CEMIC: Linktype = Linktype(238);
    /// `NFLOG` (239): Linux netfilter log messages.
    pub const NFLOG: Linktype = Linktype(239);
    /// `NETANALYZER` (240): Ethernet with Hilscher netANALYZER pseudo-header.
    pub const NETANALYZER: Linktype = Linktype(240);
    /// `NETANALYZER_TRANSPARENT` (241): Ethernet with Hilscher netANALYZER pseudo-header and with preamble and SFD.
    pub const NETANALYZER_TRANSPARENT: Linktype = Linktype(241);
    /// `IPOIB` (242): RFC 4391 IP-over-Infiniband.
    pub const IPOIB: Linktype = Linktype(242);
    /// `MPEG_2_TS` (243): MPEG-2 transport stream.
    pub const MPEG_2_TS: Linktype = Linktype(243);
    /// `NG40` (244): ng40 protocol tester Iub/Iur.
    pub const NG40: Linktype = Linktype(244);
    /// `NFC_LLCP` (245): NFC LLCP PDUs with pseudo-header.
    pub const NFC_LLCP: Linktype = Linktype(245);
    /// `PFSYNC` (246): Packet filter state syncing.
    pub const PFSYNC: Linktype = Linktype(246);
    /// `INFINIBAND` (247): InfiniBand.
    pub const INFINIBAND: Linktype = Linktype(247);
    /// `SCTP` (248): SCTP.
    pub const SCTP: Linktype = Linktype(248);
    /// `USBPCAP` (249): USB with USBPcap header.
    pub const USBPCAP: Linktype = Linktype(249);
    /// `RTAC_SERIAL` (250): Schweitzer Engineering Laboratories RTAC packets.
    pub const RTAC_SERIAL: Linktype = Linktype(250);
    /// `BLUETOOTH_LE_LL` (251): Bluetooth Low Energy air interface.
    pub const BLUETOOTH_LE_LL: Linktype = Linktype(251);
    /// `NETLINK` (253): Linux netlink.
    pub const NETLINK: Linktype = Linktype(253);
    /// `BLUETOOTH_LINUX_MONITOR` (254): Bluetooth Linux Monitor.
    pub const BLUETOOTH_LINUX_MONITOR: Linktype = Linktype(254);
    /// `BLUETOOTH_BREDR_BB` (255): Bluetooth Basic Rate/Enhanced Data Rate baseband packets.
    pub const BLUETOOTH_BREDR_BB: Linktype = Linktype(255);
    /// `BLUETOOTH_LE_LL_WITH_PHDR` (256): Bluetooth Low Energy air interface with pseudo-header.
    pub const BLUETOOTH_LE_LL_WITH_PHDR: Linktype = Linktype(256);
    /// `PROFIBUS_DL` (257): PROFIBUS data link layer.
    pub const PROFIBUS_DL: Linktype = Linktype(257);
    /// `PKTAP` (258): Apple DLT_PKTAP.
    pub const PKTAP: Linktype = Linktype(258);
    /// `EPON` (259): Ethernet with 802.3 Clause 65 EPON preamble.
    pub const EPON: Linktype = Linktype(259);
    /// `IPMI_HPM_2` (260): IPMI trace packets.
    pub const IPMI_HPM_2: Linktype = Linktype(260);
    /// `ZWAVE_R1_R2` (261): Z-Wave RF profile R1 and R2 packets.
    pub const ZWAVE_R1_R2: Linktype = Linktype(261);
    /// `ZWAVE_R3` (262): Z-Wave RF profile R3 packets.
    pub const ZWAVE_R3: Linktype = Linktype(262);
    /// `WATTSTOPPER_DLM` (263): WattStopper Digital Lighting Management (DLM) and Legrand Nitoo Open protocol.
    pub const WATTSTOPPER_DLM: Linktype = Linktype(263);
    /// `ISO_14443` (264): ISO 14443 messages.
    pub const ISO_14443: Linktype = Linktype(264);
    /// `RDS` (265): IEC 62106 Radio Data System groups.
    pub const RDS: Linktype = Linktype(265);
    /// `USB_DARWIN` (266): USB with Darwin header.
    pub const USB_DARWIN: Linktype = Linktype(266);
    /// `OPENFLOW` (267): OpenBSD DLT_OPENFLOW.
    pub const OPENFLOW: Linktype = Linktype(267);
    /// `SDLC` (268): IBM SDLC frames.
    pub const SDLC: Linktype = Linktype(268);
    /// `TI_LLN_SNIFFER` (269): TI LLN sniffer frames.
    pub const TI_LLN_SNIFFER: Linktype = Linktype(269);
    /// `VSOCK` (271): Linux vsock.
    pub const VSOCK: Linktype = Linktype(271);
    /// `NORDIC_BLE` (272): Nordic Semiconductor Bluetooth LE sniffer frames.
    pub const NORDIC_BLE: Linktype = Linktype(272);
    /// `DOCSIS31_XRA31` (273): Excentis XRA-31 DOCSIS 3.1 RF sniffer frames.
    pub const DOCSIS31_XRA31: Linktype = Linktype(273);
    /// `ETHERNET_MPACKET` (274): 802.3br mPackets.
    pub const ETHERNET_MPACKET: Linktype = Linktype(274);
    /// `DISPLAYPORT_AUX` (275): DisplayPort AUX channel monitoring data.
    pub const DISPLAYPORT_AUX: Linktype = Linktype(275);
    /// `LINUX_SLL2` (276): Linux cooked v2.
    pub const LINUX_SLL2: Linktype = Linktype(276);
    /// `OPENVIZSLA` (278): OpenVizsla USB.
    pub const OPENVIZSLA: Linktype = Linktype(278);
    /// `EBHSCR` (279): Elektrobit High Speed Capture and Replay (EBHSCR).
    pub const EBHSCR: Linktype = Linktype(279);
    /// `VPP_DISPATCH` (280): VPP graph dispatch tracer.
    pub const VPP_DISPATCH: Linktype = Linktype(280);
    /// `DSA_TAG_BRCM` (281): Broadcom tag.
    pub const DSA_TAG_BRCM: Linktype = Linktype(281);
    /// `DSA_TAG_BRCM_PREPEND` (282): Broadcom tag (prepended).
    pub const DSA_TAG_BRCM_PREPEND: Linktype = Linktype(282);
    /// `IEEE802_15_4_TAP` (283): IEEE 802.15.4 with pseudo-header.
    pub const IEEE802_15_4_TAP: Linktype = Linktype(283);
    /// `DSA_TAG_DSA` (284): Marvell DSA.
    pub const DSA_TAG_DSA: Linktype = Linktype(284);
    /// `DSA_TAG_EDSA` (285): Marvell EDSA.
    pub const DSA_TAG_EDSA: Linktype = Linktype(285);
    /// `ELEE` (286): ELEE lawful intercept packets.
    pub const ELEE: Linktype = Linktype(286);
    /// `Z_WAVE_SERIAL` (287): Z-Wave serial frames between host and chip.
    pub const Z_WAVE_SERIAL: Linktype = Linktype(287);
    /// `USB_2_0` (288): USB 2.0/1.1/1.0 as transmitted over the cable.
    pub const USB_2_0: Linktype = Linktype(288);
    /// `ATSC_ALP` (289): ATSC Link-Layer Protocol packets.
    pub const ATSC_ALP: Linktype = Linktype(289);

    /// `ETHERNET`: another name for [`Linktype::EN10MB`].
    pub const ETHERNET: Linktype = Linktype(1);
    /// `LINUX_SLL`'s other name in the `pcap` crate.
    pub const SLL: Linktype = Linktype(113);
    /// `LINUX_SLL2`'s short name.
    pub const SLL2: Linktype = Linktype(276);

    /// libpcap's name for this link type (`pcap_datalink_val_to_name`), e.g. `"EN10MB"`.
    pub fn name(self) -> Option<&'static str> {
        lookup(self.0).map(|&(_, name, _)| name)
    }

    /// libpcap's description (`pcap_datalink_val_to_description`), e.g. `"Ethernet"`.
    pub fn description(self) -> Option<&'static str> {
        lookup(self.0).map(|&(_, _, desc)| desc)
    }

    /// Alias of [`Linktype::name`] with the `pcap` crate's name; errors when the value has none.
    pub fn get_name(self) -> Result<&'static str, UnknownLinktype> {
        self.name().ok_or(UnknownLinktype::Value(self.0))
    }

    /// Alias of [`Linktype::description`] with the `pcap` crate's name.
    pub fn get_description(self) -> Result<&'static str, UnknownLinktype> {
        self.description().ok_or(UnknownLinktype::Value(self.0))
    }

    /// The link type with this name, case-insensitively, like `pcap_datalink_name_to_val`.
    /// A `DLT_` or `LINKTYPE_` prefix is accepted too.
    pub fn from_name(name: &str) -> Result<Linktype, UnknownLinktype> {
        let bare = strip_prefix_ci(name, "DLT_")
            .or_else(|| strip_prefix_ci(name, "LINKTYPE_"))
            .unwrap_or(name);
        TABLE
            .iter()
            .find(|(_, n, _)| n.eq_ignore_ascii_case(bare))
            .map(|&(v, _, _)| Linktype(v))
            .or_else(|| {
                [
                    ("ETHERNET", Linktype::EN10MB),
                    ("SLL", Linktype::SLL),
                    ("SLL2", Linktype::SLL2),
                ]
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(bare))
                .map(|&(_, lt)| lt)
            })
            .ok_or_else(|| UnknownLinktype::Name(name.to_owned()))
    }

    /// The `LINKTYPE_` value for a Linux `DLT_` value (libpcap's `dlt_to_linktype`), or `None`
    /// when libpcap has no file value for it.
    pub fn from_dlt(dlt: u32) -> Option<Linktype> {
        if MATCHING.contains(&dlt) || DLT_SAME.contains(&dlt) {
            return Some(Linktype(dlt));
        }
        DLT_MAP
            .iter()
            .find(|&&(d, _)| d == dlt)
            .map(|&(_, lt)| Linktype(lt))
    }

    /// The Linux `DLT_` value for this link type (libpcap's `linktype_to_dlt`). Values libpcap
    /// does not know are returned unchanged.
    pub fn to_dlt(self) -> u32 {
        if MATCHING.contains(&self.0) && self.0 != 106 {
            return self.0;
        }
        DLT_MAP
            .iter()
            .find(|&&(_, lt)| lt == self.0)
            .map_or(self.0, |&(d, _)| d)
    }

    /// The link type libpcap reports for a value stored in a file: the stored value mapped to a
    /// `DLT_` value and back, so that legacy values such as 12 (raw IP written as its BSD
    /// `DLT_RAW`) come out as [`Linktype::RAW`] (101), exactly as `pcap_datalink` +
    /// `dlt_to_linktype` report them. Values libpcap cannot map stay as stored.
    pub fn from_file_value(raw: u32) -> Linktype {
        let dlt = Linktype(raw).to_dlt();
        Linktype::from_dlt(dlt).unwrap_or(Linktype(dlt))
    }

    /// The snapshot length libpcap uses for a stored one (`pcap_adjust_snapshot`): the stored
    /// value, or this link type's maximum when it is 0 or above `i32::MAX`.
    pub fn adjust_snaplen(self, stored: u32) -> u32 {
        if stored == 0 || stored > i32::MAX as u32 {
            self.max_snaplen()
        } else {
            stored
        }
    }

    /// The largest captured length libpcap accepts for this link type in a file
    /// (`max_snaplen_for_dlt`): 128 MiB for D-Bus, 8 MiB for EBHSCR, 1 MiB for USBPcap, and
    /// 262144 bytes for everything else.
    pub fn max_snaplen(self) -> u32 {
        match self.0 {
            231 => 128 * 1024 * 1024,
            279 => 8 * 1024 * 1024,
            249 => 1024 * 1024,
            _ => MAXIMUM_SNAPLEN,
        }
    }
}

impl From<u32> for Linktype {
    fn from(v: u32) -> Self {
        Linktype(v)
    }
}

impl fmt::Display for Linktype {
    /// The name, or the number when libpcap has no name for it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "{}", self.0),
        }
    }
}

impl std::str::FromStr for Linktype {
    type Err = UnknownLinktype;
    /// A name (see [`Linktype::from_name`]) or a decimal `LINKTYPE_` number.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.parse::<u32>() {
            Ok(v) => Ok(Linktype(v)),
            Err(_) => Linktype::from_name(s),
        }
    }
}

/// A link-type name or value libpcap does not know.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UnknownLinktype {
    /// No link type has this name.
    #[error("unknown data link type name {0:?}")]
    Name(String),
    /// The value has no name.
    #[error("data link type {0} has no name")]
    Value(u32),
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn lookup(v: u32) -> Option<&'static (u32, &'static str, &'static str)> {
    TABLE.iter().find(|(lt, _, _)| *lt == v)
}

/// `(LINKTYPE_ value, name, description)`, from libpcap 1.10.3's `dlt_choices` table with its
/// `DLT_` values mapped to file values.
const TABLE: &[(u32, &str, &str)] = &[
    (0, "NULL", "BSD loopback"),
    (1, "EN10MB", "Ethernet"),
    (6, "IEEE802", "Token ring"),
    (7, "ARCNET", "BSD ARCNET"),
    (8, "SLIP", "SLIP"),
    (9, "PPP", "PPP"),
    (10, "FDDI", "FDDI"),
    (100, "ATM_RFC1483", "RFC 1483 LLC-encapsulated ATM"),
    (101, "RAW", "Raw IP"),
    (102, "SLIP_BSDOS", "BSD/OS SLIP"),
    (103, "PPP_BSDOS", "BSD/OS PPP"),
    (106, "ATM_CLIP", "Linux Classical IP over ATM"),
    (50, "PPP_SERIAL", "PPP over serial"),
    (51, "PPP_ETHER", "PPPoE"),
    (99, "SYMANTEC_FIREWALL", "Symantec Firewall"),
    (104, "C_HDLC", "Cisco HDLC"),
    (105, "IEEE802_11", "802.11"),
    (107, "FRELAY", "Frame Relay"),
    (108, "LOOP", "OpenBSD loopback"),
    (109, "ENC", "OpenBSD encapsulated IP"),
    (113, "LINUX_SLL", "Linux cooked v1"),
    (114, "LTALK", "Localtalk"),
    (117, "PFLOG", "OpenBSD pflog file"),
    (119, "PRISM_HEADER", "802.11 plus Prism header"),
    (122, "IP_OVER_FC", "RFC 2625 IP-over-Fibre Channel"),
    (123, "SUNATM", "Sun raw ATM"),
    (127, "IEEE802_11_RADIO", "802.11 plus radiotap header"),
    (129, "ARCNET_LINUX", "Linux ARCNET"),
    (130, "JUNIPER_MLPPP", "Juniper Multi-Link PPP"),
    (131, "JUNIPER_MLFR", "Juniper Multi-Link Frame Relay"),
    (132, "JUNIPER_ES", "Juniper Encryption Services PIC"),
    (133, "JUNIPER_GGSN", "Juniper GGSN PIC"),
    (134, "JUNIPER_MFR", "Juniper FRF.16 Frame Relay"),
    (135, "JUNIPER_ATM2", "Juniper ATM2 PIC"),
    (136, "JUNIPER_SERVICES", "Juniper Advanced Services PIC"),
    (137, "JUNIPER_ATM1", "Juniper ATM1 PIC"),
    (138, "APPLE_IP_OVER_IEEE1394", "Apple IP-over-IEEE 1394"),
    (139, "MTP2_WITH_PHDR", "SS7 MTP2 with Pseudo-header"),
    (140, "MTP2", "SS7 MTP2"),
    (141, "MTP3", "SS7 MTP3"),
    (142, "SCCP", "SS7 SCCP"),
    (143, "DOCSIS", "DOCSIS"),
    (144, "LINUX_IRDA", "Linux IrDA"),
    (
        163,
        "IEEE802_11_RADIO_AVS",
        "802.11 plus AVS radio information header",
    ),
    (164, "JUNIPER_MONITOR", "Juniper Passive Monitor PIC"),
    (165, "BACNET_MS_TP", "BACnet MS/TP"),
    (166, "PPP_PPPD", "PPP for pppd, with direction flag"),
    (167, "JUNIPER_PPPOE", "Juniper PPPoE"),
    (168, "JUNIPER_PPPOE_ATM", "Juniper PPPoE/ATM"),
    (169, "GPRS_LLC", "GPRS LLC"),
    (170, "GPF_T", "GPF-T"),
    (171, "GPF_F", "GPF-F"),
    (174, "JUNIPER_PIC_PEER", "Juniper PIC Peer"),
    (175, "ERF_ETH", "Ethernet with Endace ERF header"),
    (176, "ERF_POS", "Packet-over-SONET with Endace ERF header"),
    (177, "LINUX_LAPD", "Linux vISDN LAPD"),
    (178, "JUNIPER_ETHER", "Juniper Ethernet"),
    (179, "JUNIPER_PPP", "Juniper PPP"),
    (180, "JUNIPER_FRELAY", "Juniper Frame Relay"),
    (181, "JUNIPER_CHDLC", "Juniper C-HDLC"),
    (182, "MFR", "FRF.16 Frame Relay"),
    (183, "JUNIPER_VP", "Juniper Voice PIC"),
    (184, "A429", "Arinc 429"),
    (185, "A653_ICM", "Arinc 653 Interpartition Communication"),
    (186, "USB_FREEBSD", "USB with FreeBSD header"),
    (
        187,
        "BLUETOOTH_HCI_H4",
        "Bluetooth HCI UART transport layer",
    ),
    (
        188,
        "IEEE802_16_MAC_CPS",
        "IEEE 802.16 MAC Common Part Sublayer",
    ),
    (189, "USB_LINUX", "USB with Linux header"),
    (190, "CAN20B", "Controller Area Network (CAN) v. 2.0B"),
    (
        191,
        "IEEE802_15_4_LINUX",
        "IEEE 802.15.4 with Linux padding",
    ),
    (192, "PPI", "Per-Packet Information"),
    (
        193,
        "IEEE802_16_MAC_CPS_RADIO",
        "IEEE 802.16 MAC Common Part Sublayer plus radiotap header",
    ),
    (194, "JUNIPER_ISM", "Juniper Integrated Service Module"),
    (195, "IEEE802_15_4", "IEEE 802.15.4 with FCS"),
    (196, "SITA", "SITA pseudo-header"),
    (197, "ERF", "Endace ERF header"),
    (198, "RAIF1", "Ethernet with u10 Networks pseudo-header"),
    (199, "IPMB_KONTRON", "IPMB with Kontron pseudo-header"),
    (200, "JUNIPER_ST", "Juniper Secure Tunnel"),
    (
        201,
        "BLUETOOTH_HCI_H4_WITH_PHDR",
        "Bluetooth HCI UART transport layer plus pseudo-header",
    ),
    (202, "AX25_KISS", "AX.25 with KISS header"),
    (
        209,
        "IPMB_LINUX",
        "IPMB with Linux/Pigeon Point pseudo-header",
    ),
    (
        215,
        "IEEE802_15_4_NONASK_PHY",
        "IEEE 802.15.4 with non-ASK PHY data",
    ),
    (216, "LINUX_EVDEV", "Linux evdev events"),
    (219, "MPLS", "MPLS with label as link-layer header"),
    (220, "USB_LINUX_MMAPPED", "USB with padded Linux header"),
    (221, "DECT", "DECT"),
    (222, "AOS", "AOS Space Data Link protocol"),
    (223, "WIHART", "Wireless HART"),
    (224, "FC_2", "Fibre Channel FC-2"),
    (
        225,
        "FC_2_WITH_FRAME_DELIMS",
        "Fibre Channel FC-2 with frame delimiters",
    ),
    (226, "IPNET", "Solaris ipnet"),
    (227, "CAN_SOCKETCAN", "CAN-bus with SocketCAN headers"),
    (228, "IPV4", "Raw IPv4"),
    (229, "IPV6", "Raw IPv6"),
    (230, "IEEE802_15_4_NOFCS", "IEEE 802.15.4 without FCS"),
    (231, "DBUS", "D-Bus"),
    (232, "JUNIPER_VS", "Juniper Virtual Server"),
    (233, "JUNIPER_SRX_E2E", "Juniper SRX E2E"),
    (234, "JUNIPER_FIBRECHANNEL", "Juniper Fibre Channel"),
    (235, "DVB_CI", "DVB-CI"),
    (236, "MUX27010", "MUX27010"),
    (237, "STANAG_5066_D_PDU", "STANAG 5066 D_PDUs"),
    (238, "JUNIPER_ATM_CEMIC", "Juniper ATM CEMIC"),
    (239, "NFLOG", "Linux netfilter log messages"),
    (
        240,
        "NETANALYZER",
        "Ethernet with Hilscher netANALYZER pseudo-header",
    ),
    (
        241,
        "NETANALYZER_TRANSPARENT",
        "Ethernet with Hilscher netANALYZER pseudo-header and with preamble and SFD",
    ),
    (242, "IPOIB", "RFC 4391 IP-over-Infiniband"),
    (243, "MPEG_2_TS", "MPEG-2 transport stream"),
    (244, "NG40", "ng40 protocol tester Iub/Iur"),
    (245, "NFC_LLCP", "NFC LLCP PDUs with pseudo-header"),
    (246, "PFSYNC", "Packet filter state syncing"),
    (247, "INFINIBAND", "InfiniBand"),
    (248, "SCTP", "SCTP"),
    (249, "USBPCAP", "USB with USBPcap header"),
    (
        250,
        "RTAC_SERIAL",
        "Schweitzer Engineering Laboratories RTAC packets",
    ),
    (251, "BLUETOOTH_LE_LL", "Bluetooth Low Energy air interface"),
    (253, "NETLINK", "Linux netlink"),
    (254, "BLUETOOTH_LINUX_MONITOR", "Bluetooth Linux Monitor"),
    (
        255,
        "BLUETOOTH_BREDR_BB",
        "Bluetooth Basic Rate/Enhanced Data Rate baseband packets",
    ),
    (
        256,
        "BLUETOOTH_LE_LL_WITH_PHDR",
        "Bluetooth Low Energy air interface with pseudo-header",
    ),
    (257, "PROFIBUS_DL", "PROFIBUS data link layer"),
    (258, "PKTAP", "Apple DLT_PKTAP"),
    (259, "EPON", "Ethernet with 802.3 Clause 65 EPON preamble"),
    (260, "IPMI_HPM_2", "IPMI trace packets"),
    (261, "ZWAVE_R1_R2", "Z-Wave RF profile R1 and R2 packets"),
    (262, "ZWAVE_R3", "Z-Wave RF profile R3 packets"),
    (
        263,
        "WATTSTOPPER_DLM",
        "WattStopper Digital Lighting Management (DLM) and Legrand Nitoo Open protocol",
    ),
    (264, "ISO_14443", "ISO 14443 messages"),
    (265, "RDS", "IEC 62106 Radio Data System groups"),
    (266, "USB_DARWIN", "USB with Darwin header"),
    (267, "OPENFLOW", "OpenBSD DLT_OPENFLOW"),
    (268, "SDLC", "IBM SDLC frames"),
    (269, "TI_LLN_SNIFFER", "TI LLN sniffer frames"),
    (271, "VSOCK", "Linux vsock"),
    (
        272,
        "NORDIC_BLE",
        "Nordic Semiconductor Bluetooth LE sniffer frames",
    ),
    (
        273,
        "DOCSIS31_XRA31",
        "Excentis XRA-31 DOCSIS 3.1 RF sniffer frames",
    ),
    (274, "ETHERNET_MPACKET", "802.3br mPackets"),
    (
        275,
        "DISPLAYPORT_AUX",
        "DisplayPort AUX channel monitoring data",
    ),
    (276, "LINUX_SLL2", "Linux cooked v2"),
    (278, "OPENVIZSLA", "OpenVizsla USB"),
    (
        279,
        "EBHSCR",
        "Elektrobit High Speed Capture and Replay (EBHSCR)",
    ),
    (280, "VPP_DISPATCH", "VPP graph dispatch tracer"),
    (281, "DSA_TAG_BRCM", "Broadcom tag"),
    (282, "DSA_TAG_BRCM_PREPEND", "Broadcom tag (prepended)"),
    (283, "IEEE802_15_4_TAP", "IEEE 802.15.4 with pseudo-header"),
    (284, "DSA_TAG_DSA", "Marvell DSA"),
    (285, "DSA_TAG_EDSA", "Marvell EDSA"),
    (286, "ELEE", "ELEE lawful intercept packets"),
    (
        287,
        "Z_WAVE_SERIAL",
        "Z-Wave serial frames between host and chip",
    ),
    (
        288,
        "USB_2_0",
        "USB 2.0/1.1/1.0 as transmitted over the cable",
    ),
    (289, "ATSC_ALP", "ATSC Link-Layer Protocol packets"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_maps_between_dlt_and_linktype() {
        assert_eq!(Linktype::from_dlt(12), Some(Linktype::RAW));
        assert_eq!(Linktype::RAW.to_dlt(), 12);
        assert_eq!(Linktype::from_file_value(12), Linktype::RAW);
        assert_eq!(Linktype::from_file_value(101), Linktype::RAW);
        assert_eq!(Linktype::from_file_value(106), Linktype::ATM_CLIP);
        assert_eq!(Linktype::ATM_CLIP.to_dlt(), 19);
        assert_eq!(Linktype::from_file_value(3_145_728), Linktype(3_145_728));
        assert_eq!(Linktype::from_dlt(3_145_728), None);
    }

    #[test]
    fn names_are_case_insensitive() {
        assert_eq!(Linktype::from_name("en10mb"), Ok(Linktype::EN10MB));
        assert_eq!(Linktype::from_name("DLT_raw"), Ok(Linktype::RAW));
        assert_eq!(Linktype::from_name("linux_sll2"), Ok(Linktype::LINUX_SLL2));
        assert!(Linktype::from_name("nope").is_err());
        assert_eq!(Linktype::RAW.name(), Some("RAW"));
        assert_eq!(Linktype(65000).name(), None);
        assert_eq!(Linktype(65000).to_string(), "65000");
        assert_eq!("113".parse::<Linktype>(), Ok(Linktype::LINUX_SLL));
    }
}
