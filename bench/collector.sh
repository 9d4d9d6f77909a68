#!/usr/bin/env bash
# The collector under load: a collector process (bin/clustertop collector, its heap capped from
# --max-conversations as bin/clustertop does), and IngestLoad in another JVM on the same machine:
# AGENTS simulated agents of FLOWS conversations, one batch a second each, for SECONDS, and consoles
# over real gRPC in the groupings CONSOLES, each timing when a marker batch shows in its view; STUCK
# more watch streams that never read.
#
#   bench/collector.sh AGENTS FLOWS SECONDS [CONSOLES] [STUCK] [collector options...]
#   bench/collector.sh 1000 200 60 pairs,nodes,ports,classes,node     # the table's rows: 5 consoles
#   bench/collector.sh 1000 200 60 pairsx50                           # 50 consoles on one grouping
#   bench/collector.sh 1000 200 60 pairs 200                          # 200 streams that never read
#
# Prints what IngestLoad measured (deltas applied, batch -> view per console, snapshots per second),
# then the collector's CPU over the load, the time its views took by grouping (its /metrics: view
# builds, frames, cuts), its live heap with the consoles' views still there (a class histogram after a
# full GC, less the same taken idle before the load) per conversation held, and its RSS; and a summary
# line. Everything it read is
# kept in bench/out/collector-AGENTSxFLOWS-CONSOLES-TIME/.
set -euo pipefail
cd "$(dirname "$0")/.."
agents=${1:-1000}
flows=${2:-200}
seconds=${3:-60}
consoles=${4:-pairs}
stuck=${5:-0}
shift $(( $# < 5 ? $# : 5 ))
JAVA_HOME=$(CLUSTERTOP_JDK=find bin/clustertop) # the launcher's rule: JAVA_HOME if it is 25 or later, else a JDK 25 of /usr/lib/jvm
export JAVA_HOME
# A port nobody listens on (other benchmarks may run beside this one): the collector's, and the next for metrics.
port=${COLLECTOR_BENCH_PORT:-}
while [[ -z $port ]] || ss -ltn | grep -qE ":($port|$((port + 1)))\b"; do port=$((20000 + RANDOM % 30000)); done
metrics=127.0.0.1:$((port + 1))
jar=benchmarks/target/benchmarks.jar
[[ -f $jar && -f launcher/target/clustertop.jar ]] \
  || { echo "build first: mvn -B -o -q package -DskipTests" >&2; exit 2; }

out=bench/out/collector-${agents}x${flows}-${consoles//,/+}${stuck:+-stuck$stuck}-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
# The marker's class, for the classes console: a named network of its one address.
printf 'network marker 203.0.113.77/32\nprice marker egress 0\n' > "$out/cost.conf"

# Every simulated agent and console comes from 127.0.0.1, one peer to the per-peer limits: those are
# raised so that they let the load in, and stuck streams stay (the measure is what they cost held).
CLUSTERTOP_JAVA_OPTS="-Xlog:disable -Xlog:gc:file=$out/gc.log ${CLUSTERTOP_JAVA_OPTS:-}" \
  bin/clustertop collector --listen 127.0.0.1:$port --metrics-listen $metrics --max-agents $((agents + 10)) \
  --max-hellos-per-minute $((agents * 3 + 10)) --max-subscribers 100000 --max-subscribers-per-console 100000 \
  --watch-unread-publications 1000000 --config "$out/cost.conf" "$@" > "$out/collector.log" 2>&1 &
launcher=$!
trap 'kill $launcher 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "listening on" "$out/collector.log" && break; sleep 0.1; done
grep -q "listening on" "$out/collector.log" || { echo "the collector did not start:" >&2; cat "$out/collector.log" >&2; exit 1; }
pid=$(pgrep -f "collector --listen 127.0.0.1:$port" | head -1)
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
live() { "$JAVA_HOME/bin/jcmd" "$pid" GC.class_histogram > "$1"; awk '/^Total/ {print $3}' "$1"; }
metric() { curl -s "http://$metrics/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
echo "heap cap: $(tr '\0' ' ' < "/proc/$pid/cmdline" | grep -oE -- '-Xmx[0-9]+[mg]' || echo none)"

idle=$(live "$out/histogram-idle.txt")
before=$(cpu)
t0=$(date +%s.%N)
"$JAVA_HOME/bin/java" -cp "$jar" io.clustertop.benchmarks.IngestLoad 127.0.0.1:$port "$agents" "$flows" "$seconds" \
  "$consoles" "$stuck" > "$out/load-all.txt" 2>&1 &
load=$!
# The agents stop, then the consoles stay 20 s: the heap is read with their views still there.
while kill -0 $load 2>/dev/null && ! grep -q "^consoles held for" "$out/load-all.txt"; do sleep 0.5; done
t1=$(date +%s.%N)
after=$(cpu)
grep -v "^WARNING\|^INFO\|TcpMetrics\|^consoles held" "$out/load-all.txt" | tee "$out/load.txt"
curl -s "http://$metrics/metrics" > "$out/metrics.txt"
awk -v b="$before" -v a="$after" -v t="$ticks" -v t0="$t0" -v t1="$t1" \
  'BEGIN { printf "collector CPU: %.1f s over %.1f s of load (%.0f %% of one core)\n", (a - b) / t, t1 - t0, 100 * (a - b) / t / (t1 - t0) }' \
  | tee "$out/cpu.txt"
echo "views, by grouping (the collector's /metrics): builds for a first subscriber, frames (once per view and"
echo "publication, and per new subscriber), cuts (per subscriber and publication):"
awk '/^clustertop_watch_(view_build|frame_build|cut)_seconds_(sum|count)\{/ {
    match($1, /grouping="[a-z_]+"/); g = substr($1, RSTART + 10, RLENGTH - 11)
    match($1, /scope="[a-z]+"/); sc = substr($1, RSTART + 7, RLENGTH - 8)
    name = $1; sub(/^clustertop_watch_/, "", name); sub(/_seconds.*/, "", name)
    k = g " " sc " " name; if ($1 ~ /_sum\{/) s[k] = $2; else n[k] = $2 }
  END { for (k in n) if (n[k] > 0) { split(k, p, " "); printf "  %-20s %-7s %-12s %6d, %8.2f ms each\n", p[1], p[2], p[3], n[k], 1000 * s[k] / n[k] } }' \
  "$out/metrics.txt" | sort
held=$(awk '$1 == "clustertop_conversations" {print $2}' "$out/metrics.txt")
echo "collector heap: peak before a collection $(grep -oE '[0-9]+M(\([0-9]+%\))?->' "$out/gc.log" | grep -oE '^[0-9]+' | sort -n | tail -1 || echo ?) MB"
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
loaded=$(live "$out/histogram-loaded.txt")
wait $load || true
awk -v i="$idle" -v l="$loaded" -v c="$held" 'BEGIN {
  printf "collector live heap: %.0f MB idle, %.0f MB loaded: %.0f bytes per conversation held (%d)\n",
    i / 1e6, l / 1e6, (c > 0 ? (l - i) / c : 0), c }' | tee "$out/heap.txt"
echo "largest classes, loaded:"; sed -n '4,11p' "$out/histogram-loaded.txt"
echo "collector RSS at the end of the load: $((rss / 1024)) MB"
deltas=$(grep -oE 'flow deltas acknowledged [0-9]+' "$out/load.txt" | grep -oE '[0-9]+$')
# Per grouping: its console's figures, or for N consoles of one grouping the worst of each figure.
# (No console, as with CONSOLES none: nothing matches, and the summary says so rather than the script failing.)
latency=$({ grep -oE '^console [a-z]+: .*p99 [0-9]+ ms, max [0-9]+ ms; [0-9.]+ snapshots/s' "$out/load.txt" || true; } \
  | sed -E 's/console ([a-z]+): .*p50 ([0-9]+) ms, p99 ([0-9]+) ms, max ([0-9]+) ms; ([0-9.]+) snapshots\/s/\1 \2 \3 \4 \5/' \
  | awk '{ n[$1]++; if ($2 > p50[$1]) p50[$1] = $2; if ($3 > p99[$1]) p99[$1] = $3; if ($4 > mx[$1]) mx[$1] = $4
           if (!($1 in rate) || $5 < rate[$1]) rate[$1] = $5 }
         END { for (c in n) printf "%s%s %d/%d/%d (%.2f/s)\n", (n[c] > 1 ? n[c] "x " : ""), c, p50[c], p99[c], mx[c], rate[c] }' \
  | sort | paste -sd ';' | sed 's/;/; /g')
# Per grouping: a frame (shared by its consoles) and a cut (per console), in ms each.
views=$(awk '/^clustertop_watch_(frame_build|cut)_seconds_(sum|count)\{/ {
    match($1, /grouping="[a-z_]+"/); g = substr($1, RSTART + 10, RLENGTH - 11)
    match($1, /scope="[a-z]+"/); if (substr($1, RSTART + 7, RLENGTH - 8) == "node") g = g "(node)"
    k = ($1 ~ /frame_build/ ? "f" : "c") ($1 ~ /_sum/ ? "s" : "n"); v[g, k] = $2; seen[g] = 1 }
  END { for (g in seen) if (v[g, "fn"] > 0) printf "%s %.1f/%.1f\n", g, 1000 * v[g, "fs"] / v[g, "fn"],
    (v[g, "cn"] > 0 ? 1000 * v[g, "cs"] / v[g, "cn"] : 0) }' "$out/metrics.txt" | sort | paste -sd ';' | sed 's/;/; /g')
echo "summary: ${agents}x${flows}, consoles ${consoles}${stuck:+, $stuck stuck}: deltas ${deltas}/s;" \
  "batch->view p50/p99/max ms (of N consoles of a grouping, the worst): ${latency}; $(grep -oE '[0-9]+ % of one core' "$out/cpu.txt") CPU;" \
  "frame/cut ms: ${views:-none};" \
  "$(grep -oE '[0-9]+ bytes per conversation' "$out/heap.txt"), live $((loaded / 1000000)) MB; RSS $((rss / 1024)) MB" \
  | tee "$out/summary.txt"
