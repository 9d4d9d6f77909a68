#!/usr/bin/env bash
# The capture series of issue 15 in about 15 minutes on a quiet machine, for BENCHMARKS.md: build,
# AOT cache, then start-up (5 runs), live (2 rounds, ring and libpcap, beside tcpdump and iftop),
# the agent's footprint (idle and at 10,000 conversations, the default ring and an 8 MiB one), and
# offline reading of the three captures by tcpdump and clustertop (3 runs; no tshark, no flow
# variants: bench/all.sh has those, and JMH, and the capture thread's allocation). Needs root, gcc,
# iftop, tcpdump. Each script writes its own folder under bench/out/ and its summary.md; this prints
# them all at the end, and writes them one after the other into bench/out/capture-quick-DATE.md.
#
#   sudo bench/capture-quick.sh
#
# Environment: SKIP_BUILD=1 uses the jar as it is (the AOT cache is made again either way); LOCK
# (default /work/locks/netns.lock if it exists) is taken around the parts that make network
# namespaces. On a machine that is not quiet, BENCH_QUIET_WAIT=0 BENCH_RETRIES=0 run each part
# at once and once (the summaries then say how busy the machine was; mark the figures so).
set -euo pipefail
cd "$(dirname "$0")/.."
SERIES=capture-quick
# shellcheck source=bench/series.sh
source bench/series.sh
stamp=$(date +%Y%m%d-%H%M%S)
report=bench/out/capture-quick-$stamp.md
mkdir -p bench/out

if [ -z "${SKIP_BUILD:-}" ]; then
  say "building the launcher"
  mvn -B -o -q -pl launcher -am package -DskipTests
fi
say "making the AOT caches"
CLUSTERTOP_AOT=train bin/clustertop

# part NAME LOCKED ENV... SCRIPT [ARG...]: one script, its results folder named after the series,
# under the namespace lock when LOCKED is "locked"; its summary appended to the report.
part() {
  local name=$1 how=$2
  shift 2
  say "$name"
  if [ "$how" = locked ]; then
    locked env BENCH_OUT="bench/out/$name-$stamp" "$@"
  else
    env BENCH_OUT="bench/out/$name-$stamp" "$@"
  fi
  { cat "bench/out/$name-$stamp/summary.md"; echo; } >>"$report"
}
part startup locked RUNS=5 bench/startup.sh
part live locked RUNS=2 bench/live.sh
part agent locked bench/agent.sh
part agent-8mib locked bench/agent.sh --buffer 8388608
say "offline: the captures (made once, kept in bench/out/captures)"
CAPTURES_ONLY=1 FLOW_VARIANTS="" locked bench/offline.sh
part offline unlocked RUNS=3 FLOW_VARIANTS="" READERS="tcpdump clustertop clustertop-1report clustertop-2cpu" \
  bench/offline.sh
say "done: $report"
cat "$report"
