#!/bin/bash
# Records the captures `clustertop demo` replays: a small cluster's traffic, one capture per node,
# each made on the node's own eth0 (snap length 128), all at once.
#
#   sudo test/captures/record-demo.sh           # root; iperf3, tcpdump, python3; about 90 s
#   sudo SECONDS_OF_TRAFFIC=60 test/captures/record-demo.sh
#   sudo SECONDS_OF_TRAFFIC=12 test/captures/record-demo.sh relay/src/test/resources/shards relay/src/test/resources/shards
#                                                # the relay's KafkaEndToEndTest's captures: CAPTURES_DIR EXPECTED_DIR
#
# Topology: test/netns/lib.sh's cluster of four nodes with the router and the internet host:
#   web 10.77.0.1   db 10.77.0.2   worker 10.77.0.3   batch 10.77.0.4   (bridge sw; and fd77::N)
#   └── rt 10.77.0.254 | 203.0.113.254 ── internet 203.0.113.1
#
# The traffic (test/captures/demo-traffic.py): worker asks the cluster DNS on db (UDP, IPv4 and
# IPv6) and fetches pages from web's http.server, with a bulk write to db now and then (iperf3);
# db checks web's health and asks the internet's DNS; web fetches files from the internet host;
# batch is the noisy node, pushing bulk transfers to db and to the internet host (iperf3).
# Every node pings the internet host once before and once after, so the captures begin and end
# together and loop with the same period.
#
# Writes launcher/src/main/resources/demo/NODE.pcap (shipped in the jar) and the manifest `nodes`
# there (name, file, addresses), and launcher/src/test/resources/demo/NODE.expected (tshark's
# count, test/captures/reference.sh) for the tests; or, given two directories, the captures and the
# manifest to the first and the counts to the second. Each capture is checked against the kernel as
# record.sh checks its own: as many packets as the interface counters moved by, and tshark's IP
# bytes equal to the counters' bytes less 14 per packet (the links are quiet: static neighbours).
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/netns/lib.sh
((EUID == 0)) || die "record-demo.sh needs root (network namespaces)"
for tool in iperf3 tcpdump tshark /usr/bin/python3; do
  command -v "$tool" >/dev/null || die "record-demo.sh needs $tool"
done

seconds=${SECONDS_OF_TRAFFIC:-60}
out=${1:-launcher/src/main/resources/demo}
expected=${2:-launcher/src/test/resources/demo}
traffic=$PWD/test/captures/demo-traffic.py
work=$(mktemp -d /tmp/clustertop-record-demo.XXXXXX)
netns_on_cleanup "rm -rf '$work'"
mkdir -p "$out" "$expected"
names=(web db worker batch)

netns_cluster 4 internet

# Files for the HTTP servers, of the sizes the clients ask for.
mkdir "$work/www"
for size in 4k 40k 400k 4m; do
  head -c "${size^^}" /dev/urandom >"$work/www/$size"
done

# Servers first: none sends a packet before a client does.
n_bg 1 /usr/bin/python3 -m http.server 80 --bind 10.77.0.1 -d "$work/www" >/dev/null 2>&1
n_bg inet /usr/bin/python3 -m http.server 80 --bind 203.0.113.1 -d "$work/www" >/dev/null 2>&1
n_bg 2 /usr/bin/python3 "$traffic" dns 10.77.0.2
n_bg 2 /usr/bin/python3 "$traffic" dns fd77::2
n_bg inet /usr/bin/python3 "$traffic" dns 203.0.113.1
n_bg 2 iperf3 -s -p 5201 -B 10.77.0.2 >/dev/null
n_bg 2 iperf3 -s -p 5202 -B 10.77.0.2 >/dev/null
n_bg inet iperf3 -s -p 5201 -B 203.0.113.1 >/dev/null
netns_wait_listen 1 tcp 80
netns_wait_listen inet tcp 80
netns_wait_listen 2 udp 53
netns_wait_listen inet udp 53
netns_wait_listen 2 tcp 5201
netns_wait_listen 2 tcp 5202
netns_wait_listen inet tcp 5201

declare -A before tcpdump_pid
for i in 1 2 3 4; do
  netns_wait_quiet "$i" eth0
done
for i in 1 2 3 4; do
  name=${names[i - 1]}
  before[$i]=$(netns_counters "$i" eth0)
  # -U and --immediate-mode: each packet reaches the file at once, so a poll of the file can tell
  # when every packet the counters saw is in it, before tcpdump is stopped.
  n_bg "$i" tcpdump -n -i eth0 -s 128 -U --immediate-mode -w "$work/$name.pcap" 2>"$work/$name.log"
  tcpdump_pid[$i]=$NETNS_PID
  netns_wait_file "tcpdump to listen in $name" "$work/$name.log" 'listening on'
done

say "recording $seconds s of traffic on ${names[*]}"
for i in 1 2 3 4; do
  n "$i" ping -q -c 1 -W 1 203.0.113.1 >/dev/null
done
clients=()
for i in 1 2 3 4; do
  n_bg "$i" /usr/bin/python3 "$traffic" "${names[i - 1]}" "$seconds" "$i"
  clients+=("$NETNS_PID")
done
wait "${clients[@]}"
for i in 1 2 3 4; do
  n "$i" ping -q -c 1 -W 1 203.0.113.1 >/dev/null
done

packets_in() { tcpdump -n -r "$1" 2>/dev/null | wc -l; }
file_has() { (($(packets_in "$1") >= $2)); }

: >"$out/nodes"
for i in 1 2 3 4; do
  name=${names[i - 1]}
  netns_wait_quiet "$i" eth0
  read -r a b c d <<<"${before[$i]}"
  read -r tx_bytes rx_bytes tx_packets rx_packets < <(netns_counters "$i" eth0)
  packets=$((tx_packets - c + rx_packets - d))
  ip_bytes=$((tx_bytes - a + rx_bytes - b - 14 * packets))
  netns_wait 10 "$packets packets in $name.pcap" file_has "$work/$name.pcap" "$packets"
  kill -INT "${tcpdump_pid[$i]}"
  wait "${tcpdump_pid[$i]}" || true
  captured=$(packets_in "$work/$name.pcap")
  ((captured == packets)) || die "$name: $captured packets captured, the counters of eth0 moved by $packets"
  grep -q '^0 packets dropped by kernel' "$work/$name.log" ||
    die "$name: tcpdump dropped packets: $(cat "$work/$name.log")"
  test/captures/reference.sh "$work/$name.pcap" >"$work/$name.expected"
  read -r _ total_packets total_bytes < <(grep '^total ' "$work/$name.expected")
  ((total_packets == packets && total_bytes == ip_bytes)) ||
    die "$name: tshark counts $total_packets packets, $total_bytes IP bytes; the counters say $packets, $ip_bytes"
  cp "$work/$name.pcap" "$out/$name.pcap"
  cp "$work/$name.expected" "$expected/$name.expected"
  echo "$name $name.pcap 10.77.0.$i fd77::$i" >>"$out/nodes"
  say "$name: $packets packets, $ip_bytes IP bytes, as the kernel counted; $(du -h "$out/$name.pcap" | cut -f1)"
done
