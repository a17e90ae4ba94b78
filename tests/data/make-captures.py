#!/usr/bin/env python3
"""Writes the small captures in this directory (run from anywhere; output is deterministic).

    python3 tests/data/make-captures.py

sample.pcap           Ethernet, microseconds, little-endian: ARP, ICMP echo, a TCP handshake and
                      data, DNS over UDP, IPv6 TCP and ICMPv6, an 802.1Q-tagged frame, an LLDP frame
sample-be-nano.pcap   the same packets, nanoseconds, big-endian
sample.pcapng         two sections: the first little-endian with an Ethernet and a raw-IP
                      interface (nanosecond time stamps on the second), comments and flags; the
                      second big-endian with one Linux cooked (SLL2) interface; plus statistics
truncated.pcap        sample.pcap with its last record cut in the middle
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


A = bytes.fromhex("020000000001")
B = bytes.fromhex("020000000002")
IP_A, IP_B = bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2])
IP6_A = bytes.fromhex("20010db8000000000000000000000001")
IP6_B = bytes.fromhex("20010db8000000000000000000000002")


def eth(dst, src, etype, payload):
    return dst + src + struct.pack("!H", etype) + payload


def ipv4(proto, src, dst, payload, ident=1):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto, 0, src, dst)
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def tcp(sport, dport, seq, ack, flags, payload=b"", options=b""):
    off = (20 + len(options)) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, 64240, 0, 0) + options + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def ipv6(nh, src, dst, payload):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nh, 64, src, dst) + payload


def packets():
    """(seconds, nanoseconds, frame) triples."""
    t0 = 1_700_000_000
    out = []
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, A, IP_A, b"\0" * 6, IP_B)
    out.append(eth(b"\xff" * 6, A, 0x0806, arp + b"\0" * 18))
    arp_reply = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2, B, IP_B, A, IP_A)
    out.append(eth(A, B, 0x0806, arp_reply + b"\0" * 18))
    icmp = struct.pack("!BBHHH", 8, 0, 0, 0x1234, 1) + b"ferrocap" * 4
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    out.append(eth(B, A, 0x0800, ipv4(1, IP_A, IP_B, icmp)))
    rep = b"\0" + icmp[1:2] + b"\0\0" + icmp[4:]
    rep = rep[:2] + struct.pack("!H", csum(rep)) + rep[4:]
    out.append(eth(A, B, 0x0800, ipv4(1, IP_B, IP_A, rep, 2)))
    mss = b"\x02\x04\x05\xb4\x01\x03\x03\x07"
    out.append(eth(B, A, 0x0800, ipv4(6, IP_A, IP_B, tcp(40000, 80, 1000, 0, 0x02, options=mss))))
    out.append(eth(A, B, 0x0800, ipv4(6, IP_B, IP_A, tcp(80, 40000, 5000, 1001, 0x12, options=mss))))
    out.append(eth(B, A, 0x0800, ipv4(6, IP_A, IP_B, tcp(40000, 80, 1001, 5001, 0x10))))
    req = b"GET / HTTP/1.1\r\nHost: example\r\n\r\n"
    out.append(eth(B, A, 0x0800, ipv4(6, IP_A, IP_B, tcp(40000, 80, 1001, 5001, 0x18, req))))
    dns = struct.pack("!HHHHHH", 0xBEEF, 0x0100, 1, 0, 0, 0) + b"\x07example\x03com\x00" + struct.pack("!HH", 1, 1)
    out.append(eth(B, A, 0x0800, ipv4(17, IP_A, IP_B, udp(53000, 53, dns))))
    out.append(eth(B, A, 0x86DD, ipv6(6, IP6_A, IP6_B, tcp(40001, 443, 1, 0, 0x02, options=mss))))
    echo6 = struct.pack("!BBHHH", 128, 0, 0, 7, 1) + b"ping"
    out.append(eth(B, A, 0x86DD, ipv6(58, IP6_A, IP6_B, echo6)))
    vlan = struct.pack("!HH", 0x0064, 0x0800) + ipv4(17, IP_A, IP_B, udp(5000, 5001, b"tagged"))
    out.append(eth(B, A, 0x8100, vlan))
    out.append(eth(bytes.fromhex("0180c200000e"), A, 0x88CC, b"\x02\x07\x04" + A + b"\0" * 40))
    return [(t0 + (i * 123_456_789) // 10**9, (i * 123_456_789) % 10**9, f) for i, f in enumerate(out)]


def pcap(path, pkts, nano=False, big=False):
    e = ">" if big else "<"
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    with open(path, "wb") as f:
        f.write(struct.pack(e + "IHHiIII", magic, 2, 4, 0, 0, 65535, 1))
        for s, ns, frame in pkts:
            frac = ns if nano else ns // 1000
            f.write(struct.pack(e + "IIII", s, frac, len(frame), len(frame)) + frame)


def block(e, btype, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack(e + "II", btype, n) + body + struct.pack(e + "I", n)


def opt(e, code, value):
    return struct.pack(e + "HH", code, len(value)) + value + b"\0" * (-len(value) % 4)


def end(e):
    return struct.pack(e + "HH", 0, 0)


def shb(e, comment):
    return block(e, 0x0A0D0D0A, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1) + opt(e, 1, comment) + end(e))


def idb(e, linktype, name, tsresol=None):
    opts = opt(e, 2, name)
    if tsresol is not None:
        opts += opt(e, 9, bytes([tsresol]))
    return block(e, 1, struct.pack(e + "HHI", linktype, 0, 262144) + opts + end(e))


def epb(e, iface, units, frame, comment=None, flags=None):
    body = struct.pack(e + "IIIII", iface, units >> 32, units & 0xFFFFFFFF, len(frame), len(frame))
    body += frame + b"\0" * (-len(frame) % 4)
    opts = b""
    if comment:
        opts += opt(e, 1, comment)
    if flags is not None:
        opts += opt(e, 2, struct.pack(e + "I", flags))
    if opts:
        body += opts + end(e)
    return block(e, 6, body)


def pcapng(path, pkts):
    le, be = "<", ">"
    out = shb(le, b"ferrocap test capture, section 1")
    out += idb(le, 1, b"eth0") + idb(le, 101, b"tun0", tsresol=9)
    for i, (s, ns, frame) in enumerate(pkts[:8]):
        if i % 3 == 2:
            # Raw IP on interface 1, nanosecond units.
            out += epb(le, 1, s * 1_000_000_000 + ns, frame[14:], flags=1)
        else:
            out += epb(le, 0, s * 1_000_000 + ns // 1000, frame, comment=b"packet %d" % i if i == 0 else None)
    isb = struct.pack(le + "III", 0, 0, 0) + opt(le, 4, struct.pack(le + "Q", 8)) + end(le)
    out += block(le, 5, isb)
    out += shb(be, b"section 2, big-endian")
    out += idb(be, 276, b"any")
    for s, ns, frame in pkts[8:]:
        sll2 = struct.pack(">HHIHBB8s", 0x0800 if frame[12:14] == b"\x08\x00" else struct.unpack("!H", frame[12:14])[0], 0, 2, 1, 0, 6, frame[6:12] + b"\0\0")
        out += epb(be, 0, s * 1_000_000 + ns // 1000, sll2 + frame[14:], flags=2)
    with open(path, "wb") as f:
        f.write(out)


def main():
    pkts = packets()
    pcap(os.path.join(HERE, "sample.pcap"), pkts)
    pcap(os.path.join(HERE, "sample-be-nano.pcap"), pkts, nano=True, big=True)
    pcapng(os.path.join(HERE, "sample.pcapng"), pkts)
    data = open(os.path.join(HERE, "sample.pcap"), "rb").read()
    with open(os.path.join(HERE, "truncated.pcap"), "wb") as f:
        f.write(data[:-20])


if __name__ == "__main__":
    main()
