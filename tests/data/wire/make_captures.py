#!/usr/bin/env python3
"""Writes the small pcap files the `wire` integration tests read.

Every packet is built by hand here (no capture tool, no third-party library), so the files
are reproducible byte for byte: `python3 make_captures.py` in this directory rewrites them.
See README.md for how the expected outputs were made.
"""

import struct

# ---------------------------------------------------------------------------------------------
# pcap writing


def write_pcap(name, linktype, packets, snaplen=262144):
    """packets: list of bytes, or (bytes, wire_len) for a truncated capture."""
    with open(name, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype))
        for i, p in enumerate(packets):
            data, wire = p if isinstance(p, tuple) else (p, len(p))
            f.write(struct.pack("<IIII", 1700000000 + i, 1000 * i, len(data), wire))
            f.write(data)


# ---------------------------------------------------------------------------------------------
# checksums and headers


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s > 0xFFFF:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def ip6(s):
    import ipaddress

    return ipaddress.IPv6Address(s).packed


A = mac("00:11:22:33:44:55")
B = mac("66:77:88:99:aa:bb")
BCAST = mac("ff:ff:ff:ff:ff:ff")


def eth(payload, ethertype=0x0800, src=A, dst=B, pad=True):
    frame = dst + src + struct.pack("!H", ethertype) + payload
    if pad and len(frame) < 60:
        frame += b"\0" * (60 - len(frame))
    return frame


def vlan(tci, ethertype, payload):
    return struct.pack("!HH", tci, ethertype) + payload


def ipv4(src, dst, proto, payload, ident=1, ttl=64, flags=0x4000, tos=0, options=b"", total=None):
    hl = 20 + len(options)
    total = hl + len(payload) if total is None else total
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | (hl // 4), tos, total, ident, flags, ttl, proto, 0,
                    ip4(src), ip4(dst)) + options
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def ipv6(src, dst, nh, payload, hlim=64, flow=0, plen=None):
    plen = len(payload) if plen is None else plen
    return struct.pack("!IHBB16s16s", 0x60000000 | flow, plen, nh, hlim, ip6(src), ip6(dst)) + payload


def pseudo4(src, dst, proto, length):
    return ip4(src) + ip4(dst) + struct.pack("!BBH", 0, proto, length)


def pseudo6(src, dst, proto, length):
    return ip6(src) + ip6(dst) + struct.pack("!IxxxB", length, proto)


def tcp(sport, dport, seq, ack, flags, payload=b"", win=65535, options=b"", urg=0, pseudo=None):
    off = (20 + len(options)) // 4
    h = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, win, 0, urg) + options
    seg = h + payload
    if pseudo:
        c = csum(pseudo(len(seg)) + seg)
        seg = seg[:16] + struct.pack("!H", c) + seg[18:]
    return seg


def udp(sport, dport, payload, pseudo=None):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    if pseudo:
        c = csum(pseudo(len(seg)) + seg) or 0xFFFF
        seg = seg[:6] + struct.pack("!H", c) + seg[8:]
    return seg


def icmp(t, code, rest, body=b""):
    m = struct.pack("!BBH", t, code, 0) + rest + body
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]


def icmp6(src, dst, t, code, rest, body=b""):
    m = struct.pack("!BBH", t, code, 0) + rest + body
    c = csum(pseudo6(src, dst, 58, len(m)) + m)
    return m[:2] + struct.pack("!H", c) + m[4:]


F, S, R, P, ACK, U = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20

SYN_OPTS = (b"\x02\x04\x05\xb4"  # mss 1460
            b"\x04\x02"  # sackOK
            b"\x08\x0a\x00\x01\xe2\x40\x00\x00\x00\x00"  # TS val 123456 ecr 0
            b"\x01\x03\x03\x07")  # nop, wscale 7
TS_OPTS = b"\x01\x01\x08\x0a\x00\x01\xe2\x41\x00\x00\x30\x39"


def tcp4(src, dst, *a, **k):
    k["pseudo"] = lambda n: pseudo4(src, dst, 6, n)
    return ipv4(src, dst, 6, tcp(*a, **k))


def udp4(src, dst, sport, dport, payload, **k):
    return ipv4(src, dst, 17, udp(sport, dport, payload, pseudo=lambda n: pseudo4(src, dst, 17, n)), **k)


def dns_name(n):
    out = b""
    for label in n.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def dns_query(ident, name, qtype, flags=0x0100):
    return struct.pack("!HHHHHH", ident, flags, 1, 0, 0, 0) + dns_name(name) + struct.pack("!HH", qtype, 1)


def dns_response(ident, name, qtype, answers, flags=0x8180):
    q = dns_name(name) + struct.pack("!HH", qtype, 1)
    body = b""
    for (atype, rdata) in answers:
        body += b"\xc0\x0c" + struct.pack("!HHIH", atype, 1, 300, len(rdata)) + rdata
    return struct.pack("!HHHHHH", ident, flags, 1, len(answers), 0, 0) + q + body


def arp(op, sha, spa, tha, tpa):
    return struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + sha + ip4(spa) + tha + ip4(tpa)


# ---------------------------------------------------------------------------------------------
# the captures

C, S_ = "192.168.1.10", "198.51.100.34"
C6, S6 = "2001:db8::10", "2001:db8::1"


def ethernet_packets():
    p = []
    # ARP
    p.append(eth(arp(1, A, C, b"\0" * 6, "192.168.1.1"), 0x0806, dst=BCAST))
    p.append(eth(arp(2, B, "192.168.1.1", A, C), 0x0806, src=B, dst=A))
    # A TCP conversation with an HTTP request and response, then FIN and RST.
    p.append(eth(tcp4(C, S_, 40000, 80, 1000, 0, S, options=SYN_OPTS)))
    p.append(eth(tcp4(S_, C, 80, 40000, 5000, 1001, S | ACK, win=28960,
                      options=b"\x02\x04\x05\xb4\x01\x01\x04\x02\x01\x03\x03\x07"), 0x0800, B, A))
    p.append(eth(tcp4(C, S_, 40000, 80, 1001, 5001, ACK, options=TS_OPTS)))
    req = b"GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n"
    p.append(eth(tcp4(C, S_, 40000, 80, 1001, 5001, P | ACK, req, options=TS_OPTS)))
    resp = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
    p.append(eth(tcp4(S_, C, 80, 40000, 5001, 1001 + len(req), P | ACK, resp), 0x0800, B, A))
    # SACK, urgent pointer, an unknown option, a window of 0
    sack = b"\x01\x01\x05\x0a" + struct.pack("!II", 5001 + 100, 5001 + 200)
    p.append(eth(tcp4(C, S_, 40000, 80, 1001 + len(req), 5001 + len(resp), ACK, options=sack)))
    p.append(eth(tcp4(C, S_, 40000, 80, 1001 + len(req), 5001 + len(resp), ACK | U | P, b"!", urg=1,
                      options=b"\x1e\x04\x00\x00")))
    p.append(eth(tcp4(C, S_, 40000, 80, 1001 + len(req), 5001 + len(resp), ACK,
                      options=b"\xfd\x04\xbe\xef\x00\x00")))
    p.append(eth(tcp4(C, S_, 40000, 80, 1001 + len(req), 5001 + len(resp), F | ACK, win=0)))
    p.append(eth(tcp4(S_, C, 80, 40000, 5001 + len(resp), 0, R, win=0), 0x0800, B, A))
    # TCP with ECN flags (no ACK: absolute numbers) and an SSH banner
    p.append(eth(tcp4(C, "10.0.0.2", 50000, 22, 777, 0, S | 0x40 | 0x80)))
    p.append(eth(tcp4("10.0.0.2", C, 22, 50000, 888, 778, P | ACK, b"SSH-2.0-OpenSSH_9.6\r\n"), 0x0800, B, A))
    # FTP and SMTP lines
    p.append(eth(tcp4("10.0.0.2", C, 21, 50001, 1, 1, P | ACK, b"220 FTP server ready\r\n"), 0x0800, B, A))
    p.append(eth(tcp4(C, "10.0.0.3", 50002, 25, 1, 1, P | ACK, b"EHLO client.example\r\n")))
    # HTTP continuation data (not a request line) and a truncated capture inside the TCP header
    p.append(eth(tcp4(S_, C, 80, 40000, 9000, 1001, ACK, b"\x00\x01binary"), 0x0800, B, A))
    full = eth(tcp4(C, S_, 40001, 443, 1, 1, ACK, b"x" * 40))
    p.append((full[:40], len(full)))
    # UDP: DNS query and answers, an unknown port, DHCP, NTP, a UDP length larger than IP's
    p.append(eth(udp4(C, "192.168.1.1", 53000, 53, dns_query(0x1234, "example.com", 1))))
    p.append(eth(udp4("192.168.1.1", C, 53, 53000, dns_response(
        0x1234, "www.example.com", 1, [(5, dns_name("example.com")), (1, ip4("198.51.100.34"))])), 0x0800, B, A))
    p.append(eth(udp4("192.168.1.1", C, 53, 53001, dns_response(
        0x4321, "example.com", 28, [(28, ip6("2606:2800:220:1::248"))])), 0x0800, B, A))
    p.append(eth(udp4("192.168.1.1", C, 53, 53002, dns_response(
        7, "nope.example", 1, [], flags=0x8183)), 0x0800, B, A))
    p.append(eth(udp4(C, "10.9.9.9", 40000, 9999, b"hello udp")))
    bootp = bytes([1, 1, 6, 0]) + b"\0" * 24 + A + b"\0" * 10 + b"\0" * 192 + b"\x63\x82\x53\x63\xff"
    p.append(eth(udp4("0.0.0.0", "255.255.255.255", 68, 67, bootp), dst=BCAST))
    p.append(eth(udp4(C, "10.1.1.1", 123, 123, bytes([0x23]) + b"\0" * 47)))
    bad = udp4(C, "10.9.9.9", 40001, 9999, b"short")
    p.append(eth(bad[:24] + struct.pack("!H", 100) + bad[26:]))
    # ICMP: echo, port unreachable (quoting a UDP packet), time exceeded, need-frag
    p.append(eth(ipv4(C, "198.51.100.53", 1, icmp(8, 0, struct.pack("!HH", 7, 1), b"abcdefgh" * 7))))
    p.append(eth(ipv4("198.51.100.53", C, 1, icmp(0, 0, struct.pack("!HH", 7, 1), b"abcdefgh" * 7)), 0x0800, B, A))
    quoted = udp4(C, "10.9.9.9", 40000, 33434, b"")[:28]
    p.append(eth(ipv4("10.9.9.9", C, 1, icmp(3, 3, b"\0" * 4, quoted)), 0x0800, B, A))
    p.append(eth(ipv4("10.0.0.254", C, 1, icmp(11, 0, b"\0" * 4, quoted)), 0x0800, B, A))
    p.append(eth(ipv4("10.0.0.254", C, 1, icmp(3, 4, struct.pack("!HH", 0, 1400), quoted)), 0x0800, B, A))
    # IPv4 fragments: first (UDP) and a later one; an IP option; an unknown protocol
    frag = udp(40000, 9999, b"F" * 16)
    p.append(eth(ipv4(C, "10.9.9.9", 17, frag, ident=99, flags=0x2000)))
    p.append(eth(ipv4(C, "10.9.9.9", 17, b"G" * 16, ident=99, flags=0x0003)))
    p.append(eth(ipv4(C, "224.0.0.22", 2, icmp(0x16, 0, ip4("239.1.2.3")), ttl=1,
                      options=b"\x94\x04\x00\x00")))
    p.append(eth(ipv4(C, "10.9.9.9", 253, b"experimental")))
    # IPv6: neighbor discovery, echo, TCP, UDP, hop-by-hop + MLDv2 report, a fragment
    ns = icmp6("fe80::1", "ff02::1:ff00:2", 135, 0, b"\0" * 4, ip6("fe80::2") + b"\x01\x01" + A)
    p.append(eth(ipv6("fe80::1", "ff02::1:ff00:2", 58, ns, hlim=255), 0x86DD, dst=mac("33:33:ff:00:00:02")))
    na = icmp6("fe80::2", "fe80::1", 136, 0, b"\x60\0\0\0", ip6("fe80::2") + b"\x02\x01" + B)
    p.append(eth(ipv6("fe80::2", "fe80::1", 58, na, hlim=255), 0x86DD, B, A))
    rs = icmp6("fe80::1", "ff02::2", 133, 0, b"\0" * 4, b"\x01\x01" + A)
    p.append(eth(ipv6("fe80::1", "ff02::2", 58, rs, hlim=255), 0x86DD, dst=mac("33:33:00:00:00:02")))
    echo6 = icmp6(C6, S6, 128, 0, struct.pack("!HH", 42, 3), b"ping6")
    p.append(eth(ipv6(C6, S6, 58, echo6), 0x86DD))
    t6 = tcp(40002, 443, 31337, 0, S, options=SYN_OPTS, pseudo=lambda n: pseudo6(C6, S6, 6, n))
    p.append(eth(ipv6(C6, S6, 6, t6), 0x86DD))
    u6 = udp(40003, 53, dns_query(0xbeef, "example.org", 28), pseudo=lambda n: pseudo6(C6, S6, 17, n))
    p.append(eth(ipv6(C6, S6, 17, u6), 0x86DD))
    mld = icmp6("fe80::1", "ff02::16", 143, 0, struct.pack("!HH", 0, 1),
                bytes([4, 0]) + struct.pack("!H", 0) + ip6("ff02::fb"))
    hbh = bytes([58, 0, 5, 2, 0, 0, 1, 0])  # router alert + PadN
    p.append(eth(ipv6("fe80::1", "ff02::16", 0, hbh + mld, hlim=1), 0x86DD, dst=mac("33:33:00:00:00:16")))
    fr = struct.pack("!BBHI", 17, 0, 0x0001, 0xabcd) + udp(40004, 9999, b"x" * 24)
    p.append(eth(ipv6(C6, S6, 44, fr), 0x86DD))
    # VLAN and QinQ
    p.append(eth(vlan(0x2064, 0x0800, udp4(C, "10.9.9.9", 40005, 9999, b"vlan")), 0x8100))
    p.append(eth(vlan(0x000a, 0x8100, vlan(0x3014, 0x86DD, ipv6(C6, S6, 58, echo6))), 0x88A8))
    # Unknown Ethernet type, LLDP, 802.3 + LLC (STP configuration BPDU)
    p.append(eth(b"just some bytes of an unknown protocol", 0x88B5))
    lldp = bytes.fromhex("020704001122334455040403313a31060200780000")
    p.append(eth(lldp, 0x88CC, dst=mac("01:80:c2:00:00:0e")))
    bpdu = bytes.fromhex("000000000080000011223344550000000480000011223344558002"
                         "0000140002000f00")
    llc = b"\x42\x42\x03" + bpdu
    p.append(eth(llc, len(llc), dst=mac("01:80:c2:00:00:00")))
    # GRE carrying IPv4, MPLS, PPPoE session with IPv4
    inner = ipv4("172.16.0.1", "172.16.0.2", 1, icmp(8, 0, struct.pack("!HH", 1, 1), b"gre"))
    p.append(eth(ipv4("10.0.0.1", "10.0.0.2", 47, struct.pack("!HH", 0, 0x0800) + inner)))
    p.append(eth(struct.pack("!I", (100 << 12) | 0x100 | 63) + inner, 0x8847))
    ppp = struct.pack("!H", 0x0021) + inner
    p.append(eth(struct.pack("!BBHH", 0x11, 0, 0x1234, len(ppp)) + ppp, 0x8864))
    # VXLAN with an inner ARP frame
    vx = struct.pack("!BxxxI", 0x08, 4242 << 8) + eth(arp(1, A, "10.10.0.1", b"\0" * 6, "10.10.0.2"), 0x0806,
                                                      dst=BCAST, pad=False)
    p.append(eth(udp4("10.0.0.1", "10.0.0.2", 45000, 4789, vx)))
    # A frame shorter than an Ethernet header, and a VLAN tag cut short
    p.append(b"\x00\x11\x22\x33\x44\x55\x66\x77")
    p.append((eth(vlan(5, 0x0800, b""), 0x8100, pad=False)[:16], 60))
    return p


def cooked_packets():
    p = []
    tcp_pkt = tcp4(C, S_, 40000, 80, 1, 0, S, options=SYN_OPTS)
    u6 = udp(40003, 53, dns_query(0xbeef, "example.org", 28), pseudo=lambda n: pseudo6(C6, S6, 17, n))
    a = arp(1, A, C, b"\0" * 6, "192.168.1.1")
    return tcp_pkt, ipv6(C6, S6, 17, u6), a


def sll_packets():
    tcp_pkt, v6, a = cooked_packets()

    def sll(pkttype, proto, payload):
        return struct.pack("!HHH8sH", pkttype, 1, 6, A + b"\0\0", proto) + payload

    return [sll(4, 0x0800, tcp_pkt), sll(0, 0x86DD, v6), sll(1, 0x0806, a),
            sll(0, 0x8100, vlan(7, 0x0800, tcp_pkt)), sll(3, 0x1234, b"unknown protocol")]


def sll2_packets():
    tcp_pkt, v6, a = cooked_packets()

    def sll2(pkttype, proto, payload):
        return struct.pack("!HHIHBB8s", proto, 0, 4242, 1, pkttype, 6, A + b"\0\0") + payload

    return [sll2(4, 0x0800, tcp_pkt), sll2(0, 0x86DD, v6), sll2(2, 0x0806, a),
            sll2(0, 0x88B5, b"unknown protocol")]


def null_packets(byteorder):
    tcp_pkt, v6, _ = cooked_packets()
    fam = (lambda v: struct.pack(byteorder + "I", v))
    return [fam(2) + tcp_pkt, fam(30) + v6, fam(24) + v6, fam(99) + b"other family"]


def raw_packets():
    tcp_pkt, v6, _ = cooked_packets()
    return [tcp_pkt, v6, b"\x50\x00\x00\x00"]


def ppp_packets():
    tcp_pkt, v6, _ = cooked_packets()
    lcp = bytes.fromhex("01010008") + bytes.fromhex("05060102")[:4]
    pap = bytes([1, 7]) + struct.pack("!H", 14) + b"\x04user\x04pass"
    chap = bytes([1, 8]) + struct.pack("!H", 15) + b"\x04\x01\x02\x03\x04" + b"srv01"
    return [
        b"\xff\x03\x00\x21" + tcp_pkt,      # address, control, IPv4
        b"\x57" + v6,                           # compressed protocol field, IPv6
        b"\xff\x03\xc0\x21" + lcp,            # LCP Conf-Request
        b"\xff\x03\xc0\x23" + pap,            # PAP Auth-Req
        b"\xff\x03\xc2\x23" + chap,           # CHAP Challenge
        b"\xff\x03\x80\x57\x01\x02\x00\x04",  # IPv6CP Conf-Request
        b"\xff\x03\x40\x01unknown",           # an unknown protocol
    ]


def chdlc_packets():
    tcp_pkt, v6, _ = cooked_packets()
    keepalive = struct.pack("!IIIHI", 2, 5, 2, 0xFFFF, 7925000)
    return [
        b"\x0f\x00\x08\x00" + tcp_pkt,
        b"\x0f\x00\x86\xdd" + v6,
        b"\x8f\x00\x80\x35" + keepalive,
        b"\x8f\x00\x80\x35" + struct.pack("!III", 1, 0x0A000001, 0xFFFFFF00) + b"\0\0",
        b"\x0f\x00\x88\xb5unknown",
    ]


if __name__ == "__main__":
    write_pcap("ethernet.pcap", 1, ethernet_packets())
    write_pcap("sll.pcap", 113, sll_packets())
    write_pcap("sll2.pcap", 276, sll2_packets())
    write_pcap("null.pcap", 0, null_packets("<"))
    write_pcap("loop.pcap", 108, null_packets(">"))
    write_pcap("raw.pcap", 101, raw_packets())
    write_pcap("ipv4.pcap", 228, raw_packets()[:1])
    write_pcap("ipv6.pcap", 229, raw_packets()[1:2])
    write_pcap("ppp.pcap", 9, ppp_packets())
    write_pcap("chdlc.pcap", 104, chdlc_packets())
    write_pcap("unsupported.pcap", 147, [b"\x01\x02\x03 link type 147 is USER0"])
