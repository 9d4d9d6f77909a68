#!/usr/bin/env bash
# Live capture benchmark: how much of a small-packet flood each tool counts, what it drops, and
# what CPU it spends per packet. Needs root and gcc; see BENCHMARKS.md for the figures and how to
# read them.
#
#   bench/live.sh [TOOL...]        TOOL: none tcpdump iftop clustertop clustertop-libpcap
#                                  (default: all five)
#
# Topology (bench/common.sh): namespace -tx (10.77.0.1) --veth-- namespace -rx (10.77.0.2).
# Each run: the tool under test starts in -rx on veth-rx (one tool at a time); once it has a packet
# socket open (clustertop: once it says "capturing on"), the generator sends UDP with 64-byte
# payloads (92 IP bytes, 106 frame bytes) at the fastest rate it reaches for DURATION s from -tx;
# then the tool stops (iftop and clustertop after -s 12, tcpdump by SIGINT 1 s after the traffic
# ends). clustertop runs from a copy of bin/clustertop and its jar taken at the start
# (freeze_clustertop in common.sh), by the kernel ring ("clustertop") and by libpcap's loop
# ("clustertop-libpcap", --capture-method libpcap). veth-rx's counters are read before the tool
# starts and after it exits, so the kernel's figure covers the tool's whole run.
#
# GENERATOR=flood (default): bench/flood.c, built here with gcc, writes the frames into a
# PACKET_TX_RING of veth-tx (no IP stack on the sending side), pinned to CPU 0; the receiving
# namespace has no listener, so its kernel drops the datagrams after the capture taps have seen
# them (and sends a rate-limited ICMP error now and then, counted by kernel and tools alike).
# GENERATOR=iperf3: iperf3 -u -l 64 -b 0 to an iperf3 server in -rx (the earlier series).
#
# Each round also runs each tool with no traffic ("idle" runs) for its start-up and idle CPU.
# The link is silent otherwise (static neighbours, IPv6 off), so veth-rx's counters read before
# the tool starts and after it exits count exactly the packets the tool could see (but see
# KEEPALIVE_TOOLS below for iftop).
# Rounds are interleaved (none, tcpdump, iftop, clustertop, then again) so drift hits all alike.
#
# A run during which other people's processes used CPU (bench/proc_cpu.py) is repeated; see
# undisturbed in common.sh.
#
# The tool's CPU is taken twice: for its whole run (/usr/bin/time), and in steady state, from WARM
# (3) s into the traffic to its end (/proc/PID/stat of the tool and veth-rx's counters, sampled
# then), which leaves start-up and the JIT's warm-up out.
#
# Environment: RUNS (3), DURATION (10 s of traffic), GENERATOR (flood), WARM (3), STREAMS (1 iperf3 stream),
# BENCH_OUT (the results folder, default bench/out/live-DATE), BENCH_QUIET_PERCENT /
# BENCH_QUIET_WAIT (see wait_quiet), BENCH_OTHER_LIMIT / BENCH_RETRIES (see undisturbed). Raw
# outputs of every run stay in the results folder; the summary is printed as Markdown and written
# to summary.md there.
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"

RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
STREAMS=${STREAMS:-1}
GENERATOR=${GENERATOR:-flood}
WARM=${WARM:-3}
TOOL_SECONDS=$((DURATION + 2))
OUT=${BENCH_OUT:-$BENCH_DIR/out/live-$(date +%Y%m%d-%H%M%S)}
TOOLS=("$@")
[ ${#TOOLS[@]} -gt 0 ] || TOOLS=(none tcpdump iftop clustertop clustertop-libpcap)
# iftop 1.0pre4 only advances its clock (and so only honours -s) when packets arrive: on a silent
# link it never exits. For the tools listed here a ping (5 packets/s each way) runs from the moment
# the tool has attached until it exits; kernel and tool both see those packets.
KEEPALIVE_TOOLS=${KEEPALIVE_TOOLS:-iftop}
TIME_FORMAT='%e %U %S'   # wall, user, system seconds of the tool's process (all its threads)

bench_init
for cmd in iperf3 tcpdump iftop /usr/bin/time python3 ss; do
  command -v "$cmd" >/dev/null || die "$cmd is missing (apt-get install -y iperf3 tcpdump iftop time iproute2)"
done
mkdir -p "$OUT"
machine_summary >"$OUT/machine.txt"
if [[ " ${TOOLS[*]} " == *" clustertop"* ]]; then
  freeze_clustertop "$OUT/clustertop"
fi
case $GENERATOR in
  flood)
    command -v gcc >/dev/null || die "gcc is missing (apt-get install -y gcc), or run with GENERATOR=iperf3"
    FLOOD=$OUT/flood
    gcc -O2 -Wall -o "$FLOOD" "$BENCH_DIR/flood.c" || die "bench/flood.c did not build"
    ;;
  iperf3) ;;
  *) die "GENERATOR is flood or iperf3, not $GENERATOR" ;;
esac
echo "generator: $GENERATOR" >>"$OUT/machine.txt"
bench_netns_up
say "results in $OUT"

now() { date +%s.%N; }

# steady_sample DIR KEY: the tool's CPU ticks (utime+stime of the process under /usr/bin/time, all
# its threads; 100 a second) and veth-rx's counters, appended to DIR/meta as KEY="ticks counters".
steady_sample() {
  local tool_child ticks=""
  tool_child=$(pgrep -P "$TOOL_PID" || true)
  [ -n "$tool_child" ] && ticks=$(awk '{ print $14 + $15 }' "/proc/$tool_child/stat" 2>/dev/null || true)
  echo "$2=\"${ticks:-none} $(rx_counters)\"" >>"$1/meta"
}

# tool_attached TOOL DIR: the tool has its packet socket open; clustertop also says it is capturing
# (its filter compiler opens a packet socket of libpcap's for a moment before its own is bound).
tool_attached() {
  capture_attached || return 1
  case $1 in
    clustertop*) grep -qs "capturing on" "$2/tool.err" ;;
  esac
}

# start_tool TOOL DIR: starts TOOL on veth-rx under /usr/bin/time; sets TOOL_PID (the time process).
start_tool() {
  local tool=$1 dir=$2
  local -a cmd
  case $tool in
    tcpdump) cmd=(tcpdump -i "$BENCH_IF" -n -s128 -B 32768 -w /dev/null) ;;
    iftop) cmd=(iftop -i "$BENCH_IF" -n -N -t -s "$TOOL_SECONDS") ;;
    clustertop) cmd=("$CLUSTERTOP" -i "$BENCH_IF" -n -N --json -s "$TOOL_SECONDS") ;;
    clustertop-libpcap) cmd=("$CLUSTERTOP" -i "$BENCH_IF" -n -N --json -s "$TOOL_SECONDS" --capture-method libpcap) ;;
    *) die "unknown tool $tool" ;;
  esac
  printf '%q ' "${cmd[@]}" >"$dir/command"
  # "ip netns exec" execs /usr/bin/time, so $! is the time process and the tool is its child.
  # (Background jobs call "ip netns exec" directly, not the in_rx function, whose $! would be a
  # subshell: killing that would leave the real process running.)
  ip netns exec "$BENCH_RX" /usr/bin/time -f "$TIME_FORMAT" -o "$dir/time" "${cmd[@]}" \
    >"$dir/tool.out" 2>"$dir/tool.err" </dev/null &
  TOOL_PID=$!
  BENCH_PIDS+=("$TOOL_PID")
}

# run_one TOOL LABEL TRAFFIC(yes|no)
run_one() {
  local tool=$1 label=$2 traffic=$3 dir="$OUT/$1-$2" server tool_child busy i pinger
  mkdir -p "$dir"
  busy=$(wait_quiet)
  top -b -n 1 -w 200 | head -15 >"$dir/top-before.txt"
  say "$tool $label (traffic: $traffic; other load before: $busy % of all CPUs)"
  {
    echo "tool=$tool"
    echo "label=$label"
    echo "traffic=$traffic"
    echo "busy_before=$busy"
    echo "loadavg_before=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
  } >"$dir/meta"

  server=""
  if [ "$GENERATOR" = iperf3 ]; then
    ip netns exec "$BENCH_RX" iperf3 -s -1 -B 10.77.0.2 >"$dir/iperf3-server.txt" 2>&1 &
    server=$!
    BENCH_PIDS+=("$server")
    poll 5 rx_listening 5201 || die "iperf3 server did not start"
  fi

  echo "counters_before=\"$(rx_counters)\"" >>"$dir/meta"
  echo "proc_stat_before=\"$(head -1 /proc/stat)\"" >>"$dir/meta"
  snapshot_procs "$dir/procs-before.json"
  echo "t_start=$(now)" >>"$dir/meta"
  TOOL_PID=""
  if [ "$tool" != none ]; then
    start_tool "$tool" "$dir"
    if ! poll 60 tool_attached "$tool" "$dir"; then
      echo "attach_failed=1" >>"$dir/meta"
      say "$tool did not open a packet socket within 60 s; see $dir/tool.err"
    fi
  fi
  echo "t_attached=$(now)" >>"$dir/meta"
  pinger=""
  if [[ " $KEEPALIVE_TOOLS " == *" $tool "* ]]; then
    ip netns exec "$BENCH_TX" ping -q -i 0.2 10.77.0.2 >"$dir/ping.txt" 2>&1 &
    pinger=$!
    BENCH_PIDS+=("$pinger")
  fi
  sleep 0.5 # let the tool settle after opening its socket (bind, ring set-up)

  if [ "$traffic" = yes ]; then
    local generator
    if [ "$GENERATOR" = flood ]; then
      ip netns exec "$BENCH_TX" taskset -c 0 "$FLOOD" ring veth-tx 02:77:00:00:00:02 10.77.0.1 10.77.0.2 9 64 \
        "$DURATION" >"$dir/generator.json" 2>"$dir/generator.err" &
    else
      ip netns exec "$BENCH_TX" iperf3 -c 10.77.0.2 -u -l 64 -b 0 -P "$STREAMS" -t "$DURATION" -J \
        >"$dir/iperf3.json" &
    fi
    generator=$!
    BENCH_PIDS+=("$generator")
    # Steady state: the tool's CPU and the link's packets from WARM s into the traffic to its end,
    # so start-up, warm-up (the JIT's compilations) and idling are left out of this one figure.
    sleep "$WARM"
    steady_sample "$dir" steady_start
    wait "$generator" || true
    steady_sample "$dir" steady_end
  else
    sleep "$DURATION"
    [ -z "$server" ] || kill "$server" 2>/dev/null || true
  fi
  echo "t_traffic_end=$(now)" >>"$dir/meta"
  [ -z "$server" ] || wait "$server" || true

  if [ -n "$TOOL_PID" ]; then
    if [ "$tool" = tcpdump ]; then
      sleep 1
      # GNU time ignores SIGINT, so signal tcpdump itself (the time process's only child).
      tool_child=$(pgrep -P "$TOOL_PID" || true)
      if [ -n "$tool_child" ]; then kill -INT "$tool_child"; fi
    fi
    # iftop and clustertop stop by themselves (-s); give them a generous deadline.
    for ((i = 0; i < 600; i++)); do
      alive "$TOOL_PID" || break
      sleep 0.1
    done
    if alive "$TOOL_PID"; then
      echo "tool_killed=1" >>"$dir/meta"
      say "$tool still running 60 s after the traffic; killing it"
      tool_child=$(pgrep -P "$TOOL_PID" || true)
      if [ -n "$tool_child" ]; then kill -TERM "$tool_child"; fi
    fi
    local status=0
    wait "$TOOL_PID" || status=$?
    echo "tool_status=$status" >>"$dir/meta"
  fi
  echo "t_end=$(now)" >>"$dir/meta"
  echo "proc_stat_end=\"$(head -1 /proc/stat)\"" >>"$dir/meta"
  snapshot_procs "$dir/procs-after.json"
  record_other_cpu "$dir"
  if [ -n "$pinger" ]; then
    kill -INT "$pinger" 2>/dev/null || true
    wait "$pinger" || true
    sleep 0.3 # the last echo reply
  fi
  echo "counters_after=\"$(rx_counters)\"" >>"$dir/meta"
}

for ((round = 1; round <= RUNS; round++)); do
  for tool in "${TOOLS[@]}"; do
    [ "$tool" = none ] || undisturbed "$OUT/$tool-idle$round" run_one "$tool" "idle$round" no
  done
  for tool in "${TOOLS[@]}"; do
    undisturbed "$OUT/$tool-run$round" run_one "$tool" "run$round" yes
  done
done

python3 "$BENCH_DIR/report.py" live "$OUT" | tee "$OUT/summary.md"
