#!/usr/bin/env bash
# Offline reading benchmark: packets per second and CPU of reading a ~1.5 M-packet capture with
# tcpdump, tshark's conversation statistics and clustertop -r. Needs root only to record the
# second capture (network namespaces); see BENCHMARKS.md for the figures and how to read them.
#
#   bench/offline.sh
#
# Two captures, both kept out of the repository in $CAPTURES (default bench/out/captures, which
# bench/.gitignore excludes), made once and reused while they exist:
#   synthetic.pcap  written by bench/gen_pcap.py: PACKETS packets, 20,000 flows (UDP, TCP with
#                   GSO super-packets, IPv6, ICMP, some VLAN tags and ARP), snaplen 128;
#   recorded.pcap   recorded with tcpdump -s 128 on the veth pair of bench/common.sh while
#                   iperf3 sends UDP with 64-byte payloads (-b 0) and a TCP stream at once,
#                   until PACKETS packets are saved: real traffic, few flows.
#   small-udp.pcap  SMALL_PACKETS (700,000) frames of bench/flood.c's UDP with 64-byte payloads
#                   (at 200,000 packets/s, so tcpdump keeps up), recorded with tcpdump -s 128 on
#                   the same veth pair: one flow of the smallest packets;
# and tiny.pcap (the first 10 packets of synthetic.pcap) for the JVM's start-up. To see how the
# number of distinct flows weighs, FLOW_VARIANTS (default "100/50 2000/2000 20000/200", each
# FLOWS/HOSTS) adds synthetic files that differ only in their flows and hosts, read by tcpdump and
# clustertop on one CPU (tshark takes minutes per file with many flows, so it is left out there).
#
# Each reader reads each file RUNS times, rounds interleaved, pinned to one CPU (taskset -c
# $BENCH_CPU, default 1) as the target is "1 M packets/s on one core"; clustertop also runs
# unpinned ("clustertop-2cpu"), and pinned with one report at the end instead of one per 2 s of
# capture time ("clustertop-1report", -s 1000000): the file path without the periodic reports'
# walk of every conversation. Output goes to /dev/null; one more, untimed clustertop run per
# file keeps its JSON to check its totals against bench/pcap_totals.py. Timing is by
# bench/timed.py: wall clock from fork to exit, and user+sys of the reader's process (all its
# threads) from wait4's rusage, in microseconds (/usr/bin/time prints hundredths only). The page
# cache is warmed first. A run during which other people's processes used CPU is repeated (see
# undisturbed in common.sh).
#
# Only the recordings make network namespaces: CAPTURES_ONLY=1 makes the captures and stops (run
# that under the namespace lock, the reading without it).
#
# Environment: RUNS (3), PACKETS (1500000), SMALL_PACKETS (700000), CAPTURES, CAPTURES_ONLY, BENCH_OUT (default bench/out/offline-DATE),
# BENCH_CPU (1), FLOW_VARIANTS, READERS (default "tcpdump tshark clustertop clustertop-1report
# clustertop-2cpu": the readers of the three main files; leave tshark out for a short run).
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"

RUNS=${RUNS:-3}
PACKETS=${PACKETS:-1500000}
SMALL_PACKETS=${SMALL_PACKETS:-700000}
CAPTURES=${CAPTURES:-$BENCH_DIR/out/captures}
OUT=${BENCH_OUT:-$BENCH_DIR/out/offline-$(date +%Y%m%d-%H%M%S)}
CPU=${BENCH_CPU:-1}
FLOW_VARIANTS=${FLOW_VARIANTS-100/50 2000/2000 20000/200}
READERS=${READERS:-tcpdump tshark clustertop clustertop-1report clustertop-2cpu}

bench_init
for cmd in tcpdump tshark capinfos editcap iperf3 taskset python3 gcc; do
  command -v "$cmd" >/dev/null || die "$cmd is missing (apt-get install -y tcpdump tshark wireshark-common iperf3 util-linux)"
done
mkdir -p "$CAPTURES" "$OUT"
machine_summary >"$OUT/machine.txt"
freeze_clustertop "$OUT/clustertop"
say "results in $OUT, captures in $CAPTURES"

packet_count() { capinfos -M -c "$1" | awk -F': *' '/Number of packets/ { gsub(/ /, "", $2); print $2 }'; }

# make_synthetic NAME [gen_pcap.py options]: $CAPTURES/NAME.pcap, unless it is there already.
make_synthetic() {
  local file=$CAPTURES/$1.pcap
  shift
  if [ -s "$file" ] && [ "$(packet_count "$file")" = "$PACKETS" ]; then return; fi
  say "writing $file ($PACKETS packets, bench/gen_pcap.py $*)"
  python3 "$BENCH_DIR/gen_pcap.py" --packets "$PACKETS" "$@" --out "$file.part"
  mv "$file.part.json" "$file.json"
  mv "$file.part" "$file"
}

make_recorded() {
  local file=$CAPTURES/recorded.pcap capture udp tcp s1 s2
  if [ -s "$file" ] && [ "$(packet_count "$file")" = "$PACKETS" ]; then return; fi
  say "recording $file ($PACKETS packets of iperf3 UDP 64-byte + TCP on a veth pair)"
  bench_netns_up
  ip netns exec "$BENCH_RX" iperf3 -s -1 -B 10.77.0.2 -p 5201 >/dev/null 2>&1 &
  s1=$!
  ip netns exec "$BENCH_RX" iperf3 -s -1 -B 10.77.0.2 -p 5202 >/dev/null 2>&1 &
  s2=$!
  BENCH_PIDS+=("$s1" "$s2")
  if ! poll 5 rx_listening 5201 || ! poll 5 rx_listening 5202; then die "iperf3 servers did not start"; fi
  ip netns exec "$BENCH_RX" tcpdump -Z root -i "$BENCH_IF" -n -s 128 -B 32768 -c "$PACKETS" -w "$file.part" \
    2>"$CAPTURES/recorded.tcpdump.txt" &
  capture=$!
  BENCH_PIDS+=("$capture")
  poll 10 capture_attached || die "tcpdump did not start"
  ip netns exec "$BENCH_TX" iperf3 -c 10.77.0.2 -p 5202 -t 60 >/dev/null 2>&1 &
  tcp=$!
  ip netns exec "$BENCH_TX" iperf3 -c 10.77.0.2 -p 5201 -u -l 64 -b 0 -t 60 >/dev/null 2>&1 &
  udp=$!
  BENCH_PIDS+=("$tcp" "$udp")
  wait "$capture" || die "tcpdump failed: $(cat "$CAPTURES/recorded.tcpdump.txt")"
  kill -INT "$tcp" "$udp" 2>/dev/null || true
  wait "$tcp" "$udp" "$s1" "$s2" 2>/dev/null || true
  mv "$file.part" "$file"
  cat "$CAPTURES/recorded.tcpdump.txt" >&2
}

# make_small_udp: $CAPTURES/small-udp.pcap, SMALL_PACKETS (700,000) frames of bench/flood.c's
# 64-byte-payload UDP recorded by tcpdump -s 128 on the veth pair: one flow of the smallest packets,
# where a reader's cost per packet shows most.
make_small_udp() {
  local file=$CAPTURES/small-udp.pcap capture flood
  if [ -s "$file" ] && [ "$(packet_count "$file")" = "$SMALL_PACKETS" ]; then return; fi
  say "recording $file ($SMALL_PACKETS packets of bench/flood.c's 64-byte UDP on a veth pair)"
  [ ${#BENCH_NETNS[@]} -gt 0 ] || bench_netns_up
  gcc -O2 -Wall -o "$CAPTURES/flood" "$BENCH_DIR/flood.c" || die "bench/flood.c did not build"
  ip netns exec "$BENCH_RX" tcpdump -Z root -i "$BENCH_IF" -n -s 128 -B 32768 -c "$SMALL_PACKETS" -w "$file.part" \
    'udp' 2>"$CAPTURES/small-udp.tcpdump.txt" &
  capture=$!
  BENCH_PIDS+=("$capture")
  poll 10 capture_attached || die "tcpdump did not start"
  sleep 0.5
  ip netns exec "$BENCH_TX" "$CAPTURES/flood" ring veth-tx 02:77:00:00:00:02 10.77.0.1 10.77.0.2 9 64 60 1 200000 \
    >/dev/null &
  flood=$!
  BENCH_PIDS+=("$flood")
  wait "$capture" || die "tcpdump failed: $(cat "$CAPTURES/small-udp.tcpdump.txt")"
  kill "$flood" 2>/dev/null || true
  wait "$flood" 2>/dev/null || true
  mv "$file.part" "$file"
  cat "$CAPTURES/small-udp.tcpdump.txt" >&2
}

make_synthetic synthetic
make_recorded
make_small_udp
if [ -n "${CAPTURES_ONLY:-}" ]; then
  say "captures made (CAPTURES_ONLY): reading none"
  exit 0
fi
if [ ! -s "$CAPTURES/tiny.pcap" ]; then
  editcap -F pcap -r "$CAPTURES/synthetic.pcap" "$CAPTURES/tiny.pcap" 1-10
fi
VARIANTS=()
for variant in $FLOW_VARIANTS; do
  name="synthetic-${variant%/*}flows-${variant#*/}hosts"
  make_synthetic "$name" --flows "${variant%/*}" --hosts "${variant#*/}"
  VARIANTS+=("$name")
done

FILES=(synthetic recorded small-udp)
declare -A COUNT
for f in "${FILES[@]}" "${VARIANTS[@]}" tiny; do
  COUNT[$f]=$(packet_count "$CAPTURES/$f.pcap")
  python3 "$BENCH_DIR/pcap_totals.py" "$CAPTURES/$f.pcap" >"$OUT/$f.totals.json"
  say "$f.pcap: ${COUNT[$f]} packets, $(cat "$OUT/$f.totals.json")"
  cat "$CAPTURES/$f.pcap" >/dev/null # warm the page cache
done
capinfos "$CAPTURES/synthetic.pcap" "$CAPTURES/recorded.pcap" "$CAPTURES/small-udp.pcap" "${VARIANTS[@]/#/$CAPTURES/}" >"$OUT/capinfos.txt" 2>&1 || true

# reader_command TOOL FILE: the command line of TOOL reading FILE, as an array in CMD.
reader_command() {
  local path=$CAPTURES/$2.pcap
  # shellcheck disable=SC2054 # tshark's "conv,ip" is one argument
  case $1 in
    tcpdump) CMD=(taskset -c "$CPU" tcpdump -n -r "$path" -w /dev/null) ;;
    tshark) CMD=(taskset -c "$CPU" tshark -n -q -r "$path" -z conv,ip) ;;
    clustertop) CMD=(taskset -c "$CPU" "$CLUSTERTOP" -r "$path" -n -N --json) ;;
    clustertop-2cpu) CMD=("$CLUSTERTOP" -r "$path" -n -N --json) ;;
    clustertop-1report) CMD=(taskset -c "$CPU" "$CLUSTERTOP" -r "$path" -n -N --json -s 1000000) ;;
    *) die "unknown reader $1" ;;
  esac
}

# read_once TOOL FILE LABEL: one timed read, raw outputs in $OUT/FILE-TOOL-LABEL.
read_once() {
  local tool=$1 file=$2 label=$3 dir="$OUT/$2-$1-$3" busy status=0
  mkdir -p "$dir"
  reader_command "$tool" "$file"
  busy=$(wait_quiet)
  say "$file $tool $label (other load before: $busy % of all CPUs)"
  printf '%q ' "${CMD[@]}" >"$dir/command"
  {
    echo "file=$file"
    echo "tool=$tool"
    echo "label=$label"
    echo "packets=${COUNT[$file]}"
    echo "busy_before=$busy"
  } >"$dir/meta"
  snapshot_procs "$dir/procs-before.json"
  # tshark's conversation table is small and kept; the others print to /dev/null as specified.
  if [ "$tool" = tshark ]; then
    python3 "$BENCH_DIR/timed.py" "$dir/time" "${CMD[@]}" >"$dir/tool.out" 2>"$dir/tool.err" || status=$?
  else
    python3 "$BENCH_DIR/timed.py" "$dir/time" "${CMD[@]}" >/dev/null 2>"$dir/tool.err" || status=$?
  fi
  snapshot_procs "$dir/procs-after.json"
  echo "tool_status=$status" >>"$dir/meta"
  record_other_cpu "$dir"
}

# Checks: clustertop's totals on each file (untimed), kept for the report.
for f in "${FILES[@]}" "${VARIANTS[@]}"; do
  reader_command clustertop "$f"
  "${CMD[@]}" >"$OUT/$f.clustertop.json" 2>"$OUT/$f.clustertop.err" ||
    say "clustertop -r $f.pcap failed: $(tail -3 "$OUT/$f.clustertop.err")"
done

for ((round = 1; round <= RUNS; round++)); do
  for tool in clustertop-2cpu clustertop; do
    undisturbed "$OUT/tiny-$tool-run$round" read_once "$tool" tiny "run$round"
  done
  for f in "${FILES[@]}"; do
    for tool in $READERS; do
      undisturbed "$OUT/$f-$tool-run$round" read_once "$tool" "$f" "run$round"
    done
  done
  for f in "${VARIANTS[@]}"; do
    for tool in tcpdump clustertop; do
      undisturbed "$OUT/$f-$tool-run$round" read_once "$tool" "$f" "run$round"
    done
  done
done

python3 "$BENCH_DIR/report.py" offline "$OUT" | tee "$OUT/summary.md"
