#!/usr/bin/env bash
# What an agent costs its node: memory (RSS) and threads idle and holding 10,000 conversations, and
# its CPU when nothing happens. Needs root and gcc; see BENCHMARKS.md for the figures.
#
#   bench/agent.sh [AGENT OPTION...]     e.g. bench/agent.sh --buffer 8388608
#
# Topology (bench/common.sh): namespace -tx (10.77.0.1) --veth-- namespace -rx (10.77.0.2). In -rx:
# a collector on 127.0.0.1:7447 (its own JVM, not measured) and the agent under test capturing
# veth-rx (bin/clustertop agent -i veth-rx --collector 127.0.0.1:7447 --listen 127.0.0.1:7448, the
# frozen copy of freeze_clustertop), so its gRPC runs on the loopback device it does not capture.
# Phases, one after the other, in one agent process:
#   idle   IDLE s (60) once the agent has been connected for SETTLE s (20): CPU (utime+stime of
#          /proc/PID/stat, all threads), RSS and threads at the end;
#   load   bench/flood.c sends FLOWS (10,000) UDP flows, distinct source ports, at RATE (20,000)
#          packets/s for LOAD s (20): every conversation is a row of the agent's table;
#   held   HOLD s (30) without traffic, the conversations held: RSS and threads at the end, and the
#          number of conversations the agent's own view holds (a console on --listen, -P, JSON).
# RSS is VmRSS; the capture ring (--buffer, 32 MiB by default) is mapped into the process and counts
# in it, so its mapping (from smaps) is given apart too. jcmd's heap summary is kept for each phase.
#
# Environment: IDLE, SETTLE, LOAD, HOLD, FLOWS, RATE, BENCH_OUT (default bench/out/agent-DATE).
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"

IDLE=${IDLE:-60}
SETTLE=${SETTLE:-20}
OUT=${BENCH_OUT:-$BENCH_DIR/out/agent-$(date +%Y%m%d-%H%M%S)}
AGENT_OPTIONS=("$@")
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

bench_init
agent_bench_prepare
bench_netns_up
say "results in $OUT"

ip netns exec "$BENCH_RX" "$CLUSTERTOP" collector --listen 127.0.0.1:7447 >"$OUT/collector.out" 2>&1 &
BENCH_PIDS+=($!)
poll 60 rx_listening 7447 || die "the collector did not start: $(cat "$OUT/collector.out")"
ip netns exec "$BENCH_RX" "$CLUSTERTOP" agent -i "$BENCH_IF" --node bench --collector 127.0.0.1:7447 \
  --listen 127.0.0.1:7448 "${AGENT_OPTIONS[@]}" >"$OUT/agent.out" 2>"$OUT/agent.err" &
BENCH_PIDS+=($!)
poll 60 rx_listening 7448 || die "the agent did not start: $(cat "$OUT/agent.err")"
# bin/clustertop execs java: the agent's process is the one listening on 7448.
AGENT=$(rx_listener 7448)
[ -n "$AGENT" ] || die "no process listens on 7448"
printf '%q ' "$CLUSTERTOP" agent -i "$BENCH_IF" --node bench --collector 127.0.0.1:7447 --listen 127.0.0.1:7448 \
  "${AGENT_OPTIONS[@]}" >"$OUT/command"
tr '\0' ' ' <"/proc/$AGENT/cmdline" >"$OUT/java-command"

ring_kb() { awk '/^[0-9a-f]+-[0-9a-f]+ .* socket:/ { ring = 1; next } /^[0-9a-f]+-[0-9a-f]+ / { ring = 0 }
  ring && /^Rss:/ { sum += $2 } END { print sum + 0 }' "/proc/$AGENT/smaps"; }
# record PHASE: memory and threads now, to $OUT/PHASE.txt and the summary.
record() {
  local phase=$1
  {
    grep -E '^(VmRSS|RssAnon|RssFile|RssShmem|Threads):' "/proc/$AGENT/status"
    echo "Ring: $(ring_kb) kB"
    echo "Thread names: $(for t in /proc/"$AGENT"/task/*; do cat "$t/comm"; done | sed 's/[-0-9]*$//' | sort | uniq -c |
      awk '{ printf "%s %s, ", $1, $2 }')"
  } >"$OUT/$phase.txt"
  "$JAVA_HOME/bin/jcmd" "$AGENT" GC.heap_info >"$OUT/$phase.heap.txt" 2>&1 || true
  # With CLUSTERTOP_JAVA_OPTS=-XX:NativeMemoryTracking=summary: where the JVM's own memory goes.
  "$JAVA_HOME/bin/jcmd" "$AGENT" VM.native_memory summary >"$OUT/$phase.nmt.txt" 2>&1 || true
}

say "agent $AGENT connected; settling for $SETTLE s"
sleep "$SETTLE"
busy=$(wait_quiet)
echo "busy_before_idle=$busy" >"$OUT/meta"
snapshot_procs "$OUT/procs-before.json"
a=$(cpu_ticks "$AGENT")
thread_ticks "$AGENT" >"$OUT/threads-before.txt"
t0=$(date +%s.%N)
sleep "$IDLE"
b=$(cpu_ticks "$AGENT")
thread_ticks "$AGENT" >"$OUT/threads-after.txt"
t1=$(date +%s.%N)
snapshot_procs "$OUT/procs-after.json"
echo "idle_ticks=$((b - a))" >>"$OUT/meta"
echo "idle_seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" >>"$OUT/meta"
echo "other_cpu_during_idle=\"$(python3 "$BENCH_DIR/proc_cpu.py" others "$OUT/procs-before.json" "$OUT/procs-after.json" $(netns_inodes))\"" >>"$OUT/meta"
record idle

say "load: $FLOWS flows at $RATE packets/s for $LOAD s"
c0=$(rx_counters)
in_tx taskset -c 0 "$OUT/flood" ring veth-tx 02:77:00:00:00:02 10.77.0.1 10.77.0.2 9 64 "$LOAD" "$FLOWS" "$RATE" \
  >"$OUT/generator.json"
echo "counters_load=\"$c0 / $(rx_counters)\"" >>"$OUT/meta"
record load

say "held: $HOLD s without traffic"
sleep "$HOLD"
record held
in_rx "$CLUSTERTOP" console --connect 127.0.0.1:7448 -n -N -P --json -s 3 -L 10000 >"$OUT/view.json" 2>"$OUT/view.err" || true
echo "view_rows=$(tail -1 "$OUT/view.json" | python3 -c 'import json, sys; print(len(json.load(sys.stdin).get("rows", [])))' 2>/dev/null || echo n/a)" >>"$OUT/meta"

python3 - "$OUT" <<'EOF' | tee "$OUT/summary.md"
import re, shlex, sys
from pathlib import Path
out = Path(sys.argv[1])
meta = {}
for line in (out / "meta").read_text().splitlines():
    k, v = line.split("=", 1)
    meta[k] = shlex.split(v)[0] if v else ""
def fields(phase):
    d = {}
    for line in (out / f"{phase}.txt").read_text().splitlines():
        k, v = line.split(":", 1)
        d[k] = v.strip()
    return d
mb = lambda v: f"{int(v.split()[0]) / 1024:.1f}"
print(f"## Agent footprint ({out.name})\n")
print(f"Command: `{(out / 'command').read_text().strip()}`; JVM: `{(out / 'java-command').read_text().strip()}`\n")
print("| phase | RSS, MB | of which the capture ring, MB | RSS less the ring, MB | anonymous, MB | file-backed, MB | threads |")
print("|---|---|---|---|---|---|---|")
for phase in ("idle", "load", "held"):
    f = fields(phase)
    rss, ring = int(f["VmRSS"].split()[0]), int(f["Ring"].split()[0])
    print(f"| {phase} | {mb(f['VmRSS'])} | {ring / 1024:.1f} | {(rss - ring) / 1024:.1f} | {mb(f['RssAnon'])} | {mb(f['RssFile'])} | {f['Threads']} |")
ticks, seconds = int(meta["idle_ticks"]), float(meta["idle_seconds"])
print(f"\nIdle CPU: {ticks / 100:.2f} s over {seconds:.0f} s = **{100 * ticks / 100 / seconds:.2f} % of one core** "
      f"(ticks of 10 ms; other people's CPU meanwhile: {meta['other_cpu_during_idle'].split()[0]} s).")
print(f"Conversations in the agent's own view after the load (rows with ports): {meta['view_rows']}.")
print(f"Threads when held: {fields('held')['Thread names']}")
before = {}
for line in (out / "threads-before.txt").read_text().splitlines():
    name, ticks = line.rsplit(" ", 1)
    before[name] = before.get(name, 0) + int(ticks)
after = {}
for line in (out / "threads-after.txt").read_text().splitlines():
    name, ticks = line.rsplit(" ", 1)
    after[name] = after.get(name, 0) + int(ticks)
busy = sorted(((after[n] - before.get(n, 0), n) for n in after if after[n] - before.get(n, 0) > 0), reverse=True)
print("Idle CPU by thread, ticks of 10 ms: " + (", ".join(f"{n} {t}" for t, n in busy) or "none"))
EOF
