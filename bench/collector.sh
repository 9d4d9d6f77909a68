#!/usr/bin/env bash
# Collector ingest under load: a collector process, and IngestLoad in another JVM simulating
# AGENTS agents of FLOWS conversations each, one batch a second each, for SECONDS.
# Reports what IngestLoad prints, the collector's CPU (from /proc), the time its views took (from its
# metrics endpoint), and its heap: the peak during the load (GC logs) and what is live after a full GC.
#
#   bench/collector.sh [AGENTS] [FLOWS] [SECONDS]     # defaults: 1000 200 60
set -euo pipefail
cd "$(dirname "$0")/.."
agents=${1:-1000}
flows=${2:-200}
seconds=${3:-60}
: "${JAVA_HOME:=$(ls -d /usr/lib/jvm/temurin-25-jdk* | head -1)}"
port=17447
jar=benchmarks/target/benchmarks.jar
[[ -f $jar && -f launcher/target/clustertop.jar ]] || { echo "build first: mvn -B -q install -DskipTests" >&2; exit 2; }

metrics=127.0.0.1:$((port + 1))
CLUSTERTOP_JAVA_OPTS="-Xlog:disable -Xlog:gc:file=/tmp/bench-collector-gc.log" \
  bin/clustertop collector --listen 127.0.0.1:$port --metrics-listen $metrics --max-agents $((agents + 10)) \
  > /tmp/bench-collector.log 2>&1 &
launcher=$!
trap 'kill $launcher 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "listening on" /tmp/bench-collector.log && break; sleep 0.1; done
pid=$(pgrep -f "collector --listen 127.0.0.1:$port" | head -1)
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }

metric() { curl -s "http://$metrics/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
before=$(cpu)
t0=$(date +%s.%N)
"$JAVA_HOME/bin/java" -cp "$jar" io.clustertop.benchmarks.IngestLoad 127.0.0.1:$port "$agents" "$flows" "$seconds" 2>&1 \
  | grep -v "^WARNING"
t1=$(date +%s.%N)
after=$(cpu)
awk -v b="$before" -v a="$after" -v t="$ticks" -v t0="$t0" -v t1="$t1" \
  'BEGIN { printf "collector CPU: %.1f s over %.1f s of load (%.0f %% of one core)\n", (a - b) / t, t1 - t0, 100 * (a - b) / t / (t1 - t0) }'
awk -v s="$(metric clustertop_watch_view_build_seconds_sum)" -v n="$(metric clustertop_watch_view_build_seconds_count)" -v c=$((agents * flows)) \
  'BEGIN { printf "cluster view (%d conversations read): %d built, %.0f ms each on average\n", c, n, 1000 * s / n }'
# the heap before each collection: "1234M->567M" (G1, serial) or "1234M(20%)->567M" (ZGC)
peak=$(grep -oE '[0-9]+M(\([0-9]+%\))?->' /tmp/bench-collector-gc.log | grep -oE '^[0-9]+' | sort -n | tail -1 || true)
echo "collector heap: peak before a collection ${peak:-?} MB"
"$JAVA_HOME/bin/jcmd" "$pid" GC.run >/dev/null
echo "collector heap live after a full GC: $("$JAVA_HOME/bin/jcmd" "$pid" GC.heap_info | grep -oE "used [0-9]+[KM]" | head -1)"
echo "collector RSS: $(awk '/VmRSS/ {print $2, $3}' "/proc/$pid/status")"
