#!/bin/sh
# Writes <capture>.expected for every capture here: tcpdump's output for each set of flags, in
# sections headed "### <flags>". Needs tcpdump 4.99.3 (the oracle); the tests do not.
set -eu
cd "$(dirname "$0")"
for pcap in *.pcap; do
    out="${pcap%.pcap}.expected"
    : > "$out"
    # Without -n, tcpdump's output depends on the host (see README.md): "" and "-e" sections.
    for flags in "" "-e" "-n" "-n -e" "-n -q" "-n -e -q" "-n -x" "-n -xx" "-n -X" "-n -XX" "-n -S" "-n -v" "-n -e -v"; do
        # -v goes further than the wire printer for BOOTP, NTP and neighbor discovery options,
        # which only ethernet.pcap carries, and for PPP's LCP options (ppp.pcap).
        if { [ "$pcap" = ethernet.pcap ] || [ "$pcap" = ppp.pcap ]; } && [ "${flags#*-v}" != "$flags" ]; then
            continue
        fi
        # Two of the four dumps of the big capture are enough (the other small files have all).
        if [ "$pcap" = ethernet.pcap ] && { [ "$flags" = "-n -xx" ] || [ "$flags" = "-n -X" ]; }; then
            continue
        fi
        printf '### %s\n' "$flags" >> "$out"
        # shellcheck disable=SC2086
        tcpdump -t $flags -r "$pcap" 2>/dev/null >> "$out"
    done
done
