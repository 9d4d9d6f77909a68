#!/usr/bin/env bash
# The capture series of BENCHMARKS.md in one command, for a quiet machine: build, AOT cache, then
# start-up, live, the agent (default ring and an 8 MiB one), offline, the capture thread's
# allocation, and the JMH per-packet benchmarks. Needs root, gcc, iftop, tcpdump, tshark; about an
# hour (offline.sh's tshark runs are half of it). Each script writes its own folder under bench/out/
# and prints its summary; this prints where they are.
#
#   sudo bench/all.sh
#
# Environment: SKIP_BUILD=1 uses the jars as they are (the AOT cache is made again either way);
# LOCK (default /work/locks/netns.lock if it exists) is taken around the parts that make network
# namespaces, so they never run beside another user's namespace tests.
set -euo pipefail
cd "$(dirname "$0")/.."
SERIES=all
# shellcheck source=bench/series.sh
source bench/series.sh

if [ -z "${SKIP_BUILD:-}" ]; then
  say "building the launcher and the benchmarks"
  mvn -B -o -q -pl launcher,benchmarks -am package -DskipTests
fi
say "making the AOT cache"
CLUSTERTOP_AOT=train bin/clustertop

say "start-up";                 locked bench/startup.sh
say "live";                     locked bench/live.sh
say "agent";                    locked bench/agent.sh
say "agent, 8 MiB ring";        locked bench/agent.sh --buffer 8388608
say "offline: captures";        CAPTURES_ONLY=1 locked bench/offline.sh
say "offline: reading";         bench/offline.sh
say "capture thread's allocation"; locked bench/capture-alloc.sh
say "JMH"
"$JAVA_HOME/bin/java" -jar benchmarks/target/benchmarks.jar "PacketPathBenchmark|RingWalkBenchmark|FileReadBenchmark" -prof gc
say "done: results in bench/out/ (startup-*, live-*, agent-*, offline-*), each with its summary.md"
