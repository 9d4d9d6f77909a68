#!/usr/bin/env bash
# What the capture thread allocates under a flood: clustertop captures in one namespace while
# iperf3 sends 64-byte UDP from another for 6 s; JFR's per-thread allocation statistics (each
# second) for the thread "capture-eth0" are printed next to the packets counted.
#   sudo bench/capture-alloc.sh
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(CLUSTERTOP_JDK=find bin/clustertop) # the launcher's rule: JAVA_HOME if it is 25 or later, else a JDK 25 of /usr/lib/jvm
export JAVA_HOME
# shellcheck source=../test/netns/lib.sh
source test/netns/lib.sh
netns_cluster 2
out=$(mktemp -d)
netns_on_cleanup "rm -rf $out"
n_bg 1 env CLUSTERTOP_JAVA_OPTS="-XX:StartFlightRecording=filename=$out/alloc.jfr,jdk.ThreadAllocationStatistics#period=1s" \
  bin/clustertop -i eth0 -n -N --json -s 14 > "$out/out.json" 2> "$out/err"
clustertop=$NETNS_PID
netns_wait 10 "clustertop to capture" grep -q "capturing on" "$out/err" || { cat "$out/err" >&2; exit 1; }
n_bg 1 iperf3 -s -1 >/dev/null
netns_wait_listen 1 tcp 5201
n 2 iperf3 -c 10.77.0.1 -u -l 64 -b 0 -t 6 >/dev/null
wait "$clustertop" # JFR writes its recording as the JVM exits
grep '^{' "$out/out.json" | tail -1 | jq -c '{packets: (.totals.sent_packets + .totals.recv_packets), dropped: .capture.dropped_kernel}'
"$JAVA_HOME/bin/jfr" print --events jdk.ThreadAllocationStatistics "$out/alloc.jfr" \
  | grep -B2 -A3 'capture-eth0' | grep -E "startTime|allocated" | paste - - | sed 's/ (.*)//'
