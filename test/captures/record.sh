#!/bin/bash
# Re-records the captures in agent/src/test/resources/captures/ from real traffic between network
# namespaces, and writes each one's expected figures (NAME.expected, by reference.sh).
#
#   sudo test/captures/record.sh     # root; iperf3, tcpdump, tshark, editcap, ping, ethtool, python3
#
# Topology: test/netns/lib.sh's cluster of two nodes with the router and the internet host:
#   n1 10.77.0.1 fd77::1 ── sw (bridge) ── n2 10.77.0.2 fd77::2
#                            └── rt 10.77.0.254 | 203.0.113.254 ── inet 203.0.113.1
# The captures are made in n1 (eth0, its veth into the bridge) or in n2 for the cooked ones.
#
# Each capture also checks itself against the kernel: the links are quiet (static neighbours, no
# DAD or router solicitations, see lib.sh), so the file must hold exactly the packets the
# interface counters moved by (tx + rx), and reference.sh's IP bytes must equal the counters'
# bytes less the link header (14 bytes of Ethernet, 18 with a VLAN tag) per packet. A capture that
# fails either check is not written.
# Addresses, MACs and sizes repeat from run to run; ephemeral ports and timestamps do not.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/netns/lib.sh
((EUID == 0)) || die "record.sh needs root (network namespaces)"
for tool in iperf3 tcpdump tshark editcap ping ethtool ss /usr/bin/python3; do
  command -v "$tool" >/dev/null || die "record.sh needs $tool"
done

out=agent/src/test/resources/captures
work=$(mktemp -d /tmp/clustertop-record.XXXXXX)
netns_on_cleanup "rm -rf '$work'"
mkdir -p "$out"

# [link_header=BYTES] capture_start NAME WHO CAPTURE_IF COUNTER_IF [TCPDUMP_OPTION...]: waits for
# COUNTER_IF to fall quiet, reads its counters, starts tcpdump and polls until it is listening.
# link_header is what COUNTER_IF's byte counters hold per packet beyond the IP datagram (14 for
# Ethernet, 18 with an in-frame VLAN tag).
capture_start() {
  capture_name=$1 capture_who=$2 capture_if=$3 counter_if=$4 capture_link_header=${link_header:-14}
  shift 4
  netns_wait_quiet "$capture_who" "$counter_if"
  counters_before=$(netns_counters "$capture_who" "$counter_if")
  # -U and --immediate-mode: each packet reaches the file at once, so a poll of the file can tell
  # when every packet the counters saw is in it, before tcpdump is stopped.
  n_bg "$capture_who" tcpdump -n -i "$capture_if" -U --immediate-mode "$@" \
    -w "$work/$capture_name.pcap" 2>"$work/$capture_name.log"
  capture_pid=$NETNS_PID
  netns_wait_file "tcpdump to listen on $capture_if" "$work/$capture_name.log" 'listening on'
  say "capturing $capture_name on $capture_if in $(netns_name "$capture_who")"
}

packets_in() { tcpdump -n -r "$1" 2>/dev/null | wc -l; }
file_has() { (($(packets_in "$1") >= $2)); }

# capture_stop [pcapng]: waits for the traffic to end, checks the file against the counters,
# stops tcpdump, writes the capture (converted to pcapng if asked) and its expected figures.
capture_stop() {
  local format=${1:-pcap} tx_bytes rx_bytes tx_packets rx_packets a b c d
  netns_wait_quiet "$capture_who" "$counter_if"
  read -r a b c d <<<"$counters_before"
  read -r tx_bytes rx_bytes tx_packets rx_packets < <(netns_counters "$capture_who" "$counter_if")
  local packets=$((tx_packets - c + rx_packets - d)) bytes=$((tx_bytes - a + rx_bytes - b))
  netns_wait 10 "$packets packets in $capture_name" file_has "$work/$capture_name.pcap" "$packets"
  kill -INT "$capture_pid"
  wait "$capture_pid" || true
  local captured
  captured=$(packets_in "$work/$capture_name.pcap")
  ((captured == packets)) ||
    die "$capture_name: $captured packets captured, the counters of $counter_if moved by $packets"
  grep -q '^0 packets dropped by kernel' "$work/$capture_name.log" ||
    die "$capture_name: tcpdump dropped packets: $(cat "$work/$capture_name.log")"

  local file=$out/$capture_name.$format
  if [[ $format == pcapng ]]; then
    editcap -F pcapng "$work/$capture_name.pcap" "$file"
  else
    cp "$work/$capture_name.pcap" "$file"
  fi
  test/captures/reference.sh "$file" >"$out/$capture_name.expected"
  local total_packets total_bytes
  read -r _ total_packets total_bytes < <(grep '^total ' "$out/$capture_name.expected")
  local ip_bytes=$((bytes - capture_link_header * packets))
  if ((total_packets != packets || total_bytes != ip_bytes)); then
    rm -f "$file" "$out/$capture_name.expected"
    die "$capture_name: tshark counts $total_packets packets, $total_bytes IP bytes;" \
      "the counters of $counter_if say $packets packets, $ip_bytes IP bytes"
  fi
  say "$capture_name: $packets packets, $ip_bytes IP bytes, as the kernel counted"
}

netns_cluster 2 internet

# (a) TCP over IPv4: about a second of paced bulk data, n2 -> n1. Over veth the sender's segments
# arrive as GSO super-packets of up to 16 KiB (-l), so IP lengths far above the MTU appear.
capture_start tcp-ipv4 1 eth0 eth0 -s 128
netns_iperf 1 10.77.0.1 2 -n 512K -b 4M -l 16K
capture_stop

# (b) UDP over IPv4: 64-byte and 1400-byte datagrams, n2 -> n1, plus iperf3's TCP control.
capture_start udp-ipv4 1 eth0 eth0 -s 128
netns_iperf 1 10.77.0.1 2 -u -l 64 -k 200 -b 400K
netns_iperf 1 10.77.0.1 2 -u -l 1400 -k 100 -b 2M
capture_stop

# (c) IPv6: TCP bulk data and echo requests, n2 -> n1.
capture_start tcp-ipv6 1 eth0 eth0 -s 128
netns_iperf 1 fd77::1 2 -n 256K -b 4M -l 16K
n 2 ping -q -c 3 -i 0.2 -W 1 fd77::1 >/dev/null
capture_stop

# (d) A mix at full snap length: echo over IPv4 and IPv6, fragmented echoes (3000-byte payloads,
# so later fragments without an ICMP header), fragmented UDP datagrams to a closed port (first
# fragments with ports, later ones without, and the ICMP / ICMPv6 port-unreachable errors that
# quote them), and echoes to the internet host through the router.
capture_start mix 1 eth0 eth0
n 2 ping -q -c 3 -i 0.2 -W 1 10.77.0.1 >/dev/null
n 1 ping -q -c 2 -i 0.2 -W 1 -s 3000 10.77.0.2 >/dev/null
n 2 ping -q -c 3 -i 0.2 -W 1 fd77::1 >/dev/null
n 1 ping -q -c 2 -i 0.2 -W 1 -s 3000 fd77::2 >/dev/null
n 1 ping -q -c 2 -i 0.2 -W 1 203.0.113.1 >/dev/null
# bash's /dev/udp sends one datagram per write; nothing listens on port 9 (discard).
n 2 bash -c 'head -c 3000 /dev/zero >/dev/udp/10.77.0.1/9'
n 2 bash -c 'head -c 3000 /dev/zero >/dev/udp/fd77::1/9'
capture_stop

# (e) Cooked captures on "any" in n2: Linux SLL2 (libpcap 1.10's) and SLL (older ones).
for cooked in LINUX_SLL2 LINUX_SLL; do
  name=any-${cooked#LINUX_}
  name=${name,,}
  capture_start "$name" 2 any eth0 -s 128 -y "$cooked"
  netns_iperf 1 10.77.0.1 2 -n 64K -b 4M -l 8K
  n 2 ping -q -c 2 -i 0.2 -W 1 fd77::1 >/dev/null
  n 2 ping -q -c 2 -i 0.2 -W 1 203.0.113.1 >/dev/null
  capture_stop
done

# (f) pcapng (written by editcap from tcpdump's pcap): UDP over IPv6, n2 -> n1, 512-byte datagrams.
capture_start udp-ipv6 1 eth0 eth0 -s 128
netns_iperf 1 fd77::1 2 -u -l 512 -k 100 -b 1M
capture_stop pcapng

# (g) 802.1Q: this kernel has no 8021q module (CONFIG_VLAN_8021Q is not set, nor tc's vlan action),
# so no vlan device can tag. Instead a trunk carries the tags, as between two switches: v1 and v2
# are hosts on access ports of vsw, where a small user-space switch (below, over packet sockets)
# tags their frames with VLAN 77 onto the veth pair t1-t2 and untags what comes back. The capture
# is made on t1: every frame on it carries the tag, in both directions, and the hosts' TCP and
# ICMP are real. The hosts segment and checksum in software (ethtool), so that the frames the
# switch relays are complete and fit the MTU; t1's counters include the 4-byte tag.
#
#   v1 eth0 10.77.77.1 fd77::77:1 ─ p1 ┐  vsw  ┌ p2 ─ v2 eth0 10.77.77.2 fd77::77:2
#                                      └ switch ┘
#                                 t1 ══ (VLAN 77) ══ t2
vlan_switch='
import select, socket, struct, sys
vid, ready, pairs = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
ETH_P_ALL, SOL_PACKET, PACKET_AUXDATA, PACKET_OUTGOING, TP_STATUS_VLAN_VALID = 3, 263, 8, 4, 16
def port(name):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.bind((name, 0))
    return s
peer, to_trunk = {}, {}
for access, trunk in zip(pairs[0::2], pairs[1::2]):
    a, t = port(access), port(trunk)
    peer[a], peer[t], to_trunk[a], to_trunk[t] = t, a, True, False
open(ready, "w").write("ready\n")
tag = struct.pack("!HH", 0x8100, vid)
while True:
    for s in select.select(list(peer), [], [])[0]:
        frame, cmsgs, _, address = s.recvmsg(65536, socket.CMSG_SPACE(20))
        if address[2] == PACKET_OUTGOING:
            continue
        if to_trunk[s]:
            peer[s].send(frame[:12] + tag + frame[12:])
            continue
        # The receiving kernel moved the tag out of the frame, into the packet auxiliary data.
        for level, kind, data in cmsgs:
            status, _, _, _, _, tci, _ = struct.unpack("IIIHHHH", data[:20])
            if level == SOL_PACKET and kind == PACKET_AUXDATA and status & TP_STATUS_VLAN_VALID and tci & 0xFFF == vid:
                peer[s].send(frame)
'
netns_add vsw noipv6
for i in 1 2; do
  netns_add "v$i"
  netns_link vsw "p$i" "v$i" eth0 "" "$(netns_mac "$((770 + i))")"
  n "v$i" ethtool -K eth0 tx off sg off tso off gso off >/dev/null
  ipn "v$i" addr add "10.77.77.$i/16" dev eth0
  ipn "v$i" addr add "fd77::77:$i/64" dev eth0 nodad
  ipn "v$i" neigh add "10.77.77.$((3 - i))" lladdr "$(netns_mac $((773 - i)))" dev eth0 nud permanent
  ipn "v$i" neigh add "fd77::77:$((3 - i))" lladdr "$(netns_mac $((773 - i)))" dev eth0 nud permanent
done
ipn vsw link add t1 type veth peer name t2
ipn vsw link set t1 up
ipn vsw link set t2 up
n_bg vsw /usr/bin/python3 -c "$vlan_switch" 77 "$work/vlan-switch.ready" p1 t1 p2 t2
netns_wait_file "the VLAN switch" "$work/vlan-switch.ready" ready
netns_wait_up v1 eth0
netns_wait_up v2 eth0
netns_wait_quiet v1 eth0
netns_wait_quiet v2 eth0
link_header=18 capture_start vlan vsw t1 t1 -s 128
netns_iperf v1 10.77.77.1 v2 -n 64K -b 4M -l 8K
n v2 ping -q -c 3 -i 0.2 -W 1 10.77.77.1 >/dev/null
n v2 ping -q -c 3 -i 0.2 -W 1 fd77::77:1 >/dev/null
capture_stop

say "done: $(du -sh "$out" | cut -f1) in $out"
