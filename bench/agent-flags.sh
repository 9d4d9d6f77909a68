#!/usr/bin/env bash
# Agents with different JVM settings, side by side: each its own pair of namespaces, collector and
# frozen copy of clustertop, all idle at once (so the machine's moments weigh on each alike), then
# 10,000 conversations into each, one after the other. For a JVM flag's cost in RSS and idle CPU
# before bin/clustertop takes it; bench/agent.sh measures the agent as shipped. Needs root and gcc.
#
#   bench/agent-flags.sh "JAVA OPTIONS" ...     e.g. bench/agent-flags.sh "" "-XX:-TieredCompilation"
#
# Each argument is one agent's CLUSTERTOP_JAVA_OPTS ("" for bin/clustertop's own settings), given
# after bin/clustertop's, so it overrides them. The agents capture with an 8 MiB ring (--buffer
# 8388608), as bench/agent.sh's RSS figures do.
#   idle   IDLE s (300) once all have been connected for SETTLE s (240): each agent's CPU ticks
#          (utime+stime, all threads, and by thread), RSS;
#   held   bench/flood.c's FLOWS (10,000) UDP flows at RATE (20,000) packets/s for LOAD s (20) into
#          each agent in turn, then HOLD s (30) without traffic: RSS and threads.
#
# Environment: IDLE, SETTLE, LOAD, HOLD, FLOWS, RATE, BENCH_OUT (default bench/out/agent-flags-DATE).
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"

IDLE=${IDLE:-300}
SETTLE=${SETTLE:-240}
OUT=${BENCH_OUT:-$BENCH_DIR/out/agent-flags-$(date +%Y%m%d-%H%M%S)}
[ $# -gt 0 ] || die "usage: bench/agent-flags.sh \"JAVA OPTIONS\" ..."

bench_init
agent_bench_prepare
say "results in $OUT"

prefix=$BENCH_PREFIX
agents=()
i=0
for options in "$@"; do
  i=$((i + 1))
  BENCH_TX="$prefix$i-tx" BENCH_RX="$prefix$i-rx"
  bench_netns_up
  ip netns exec "$BENCH_RX" "$CLUSTERTOP" collector --listen 127.0.0.1:7447 >"$OUT/collector$i.out" 2>&1 &
  BENCH_PIDS+=($!)
  poll 60 rx_listening 7447 || die "collector $i did not start: $(cat "$OUT/collector$i.out")"
  CLUSTERTOP_JAVA_OPTS="$options" ip netns exec "$BENCH_RX" "$CLUSTERTOP" agent -i "$BENCH_IF" --node bench \
    --collector 127.0.0.1:7447 --listen 127.0.0.1:7448 --buffer 8388608 >"$OUT/agent$i.out" 2>&1 &
  BENCH_PIDS+=($!)
  poll 60 rx_listening 7448 || die "agent $i did not start: $(cat "$OUT/agent$i.out")"
  agents[i]=$(rx_listener 7448)
  echo "$options" >"$OUT/options$i"
  say "agent $i ($options): pid ${agents[i]}"
done

memory() { grep -E '^(VmRSS|RssAnon|RssFile|Threads):' "/proc/$1/status" | tr -s ' \t\n' ' '; }

say "settling for $SETTLE s, then $IDLE s idle"
sleep "$SETTLE"
for j in $(seq 1 "$i"); do
  before[j]=$(cpu_ticks "${agents[j]}")
  thread_ticks "${agents[j]}" >"$OUT/threads-before$j.txt"
done
sleep "$IDLE"
for j in $(seq 1 "$i"); do
  spent=$(($(cpu_ticks "${agents[j]}") - before[j]))
  thread_ticks "${agents[j]}" >"$OUT/threads-after$j.txt"
  echo "[$j] \"$(cat "$OUT/options$j")\": idle $spent ticks of 10 ms in $IDLE s = $(awk -v t="$spent" -v s="$IDLE" \
    'BEGIN { printf "%.2f", t / s }') % of a core; $(memory "${agents[j]}")" | tee -a "$OUT/summary.txt"
  echo "    by thread: $(awk 'NR == FNR { a[$1] += $2; next } { b[$1] += $2 } END { for (n in b) if (b[n] - a[n] > 0) printf "%s %d, ", n, b[n] - a[n] }' \
    "$OUT/threads-before$j.txt" "$OUT/threads-after$j.txt")" | tee -a "$OUT/summary.txt"
done

for j in $(seq 1 "$i"); do
  say "load: $FLOWS flows at $RATE packets/s for $LOAD s into agent $j"
  ip netns exec "$prefix$j-tx" taskset -c 0 "$OUT/flood" ring veth-tx 02:77:00:00:00:02 10.77.0.1 10.77.0.2 9 64 \
    "$LOAD" "$FLOWS" "$RATE" >"$OUT/generator$j.json"
done
sleep "$HOLD"
for j in $(seq 1 "$i"); do
  echo "[$j] held: $(memory "${agents[j]}")" | tee -a "$OUT/summary.txt"
done
