#!/usr/bin/env bash
# The agent's attribution CPU with SOCKETS sockets on the node: half of them TCP clients in one
# namespace, half the accepted ends in another (10.77.250.1 -> 10.77.250.2:9000), CHURN connections
# replaced every second; AttributionLoad runs the agent's Attributor against the real /proc, offering
# each second's new conversations as the agent does, for SECONDS.
#
#   sudo bench/attribution.sh                 # 1,000 and 10,000 sockets, 50 new connections a second, 30 s
#   sudo bench/attribution.sh 10000 100 60    # one run: SOCKETS CHURN SECONDS
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(CLUSTERTOP_JDK=find bin/clustertop) # the launcher's rule: JAVA_HOME if it is 25 or later, else a JDK 25 of /usr/lib/jvm
export JAVA_HOME
jar=benchmarks/target/benchmarks.jar
[[ -f $jar ]] || { echo "build first: mvn -B -o -q -pl benchmarks -am package -DskipTests" >&2; exit 2; }
((EUID == 0)) || { echo "needs root (namespaces, every process's /proc)" >&2; exit 2; }
python=$(python3 -c 'import sys; print(sys.executable)')
prefix=ctba$$
work=$(mktemp -d /tmp/bench-attribution.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  ip netns del "$prefix-a" 2>/dev/null || true
  ip netns del "$prefix-b" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

one_run() { # SOCKETS CHURN SECONDS
  local sockets=$1 churn=$2 seconds=$3
  ip netns add "$prefix-a"
  ip netns add "$prefix-b"
  ip -n "$prefix-a" link add veth-a type veth peer name veth-b netns "$prefix-b"
  ip -n "$prefix-a" addr add 10.77.250.1/24 dev veth-a
  ip -n "$prefix-b" addr add 10.77.250.2/24 dev veth-b
  ip -n "$prefix-a" link set veth-a up
  ip -n "$prefix-b" link set veth-b up
  ip netns exec "$prefix-b" bash -c "ulimit -n $(ulimit -Hn); exec $python bench/sockets.py serve 10.77.250.2 9000 $((sockets / 2))" &
  pids+=($!)
  sleep 0.5
  : >"$work/ports"
  ip netns exec "$prefix-a" bash -c "ulimit -n $(ulimit -Hn); exec $python bench/sockets.py hold 10.77.250.1 10.77.250.2 9000 $((sockets / 2)) $churn $work/ports" &
  pids+=($!)
  for _ in $(seq 600); do [[ -e $work/ports.ready ]] && break; sleep 0.1; done
  [[ -e $work/ports.ready ]] || { echo "the sockets did not open" >&2; exit 1; }
  echo "== $sockets sockets ($((sockets / 2)) connections), $churn new connections a second, $seconds s"
  "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} -cp "$jar" io.clustertop.benchmarks.AttributionLoad "$work/ports" "$seconds" 2>&1 \
    | grep -v "^WARNING\|^INFO\|Attributor start"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  pids=()
  ip netns del "$prefix-a"
  ip netns del "$prefix-b"
  rm -f "$work/ports" "$work/ports.ready"
}

if (($# > 0)); then
  one_run "$1" "${2:-50}" "${3:-30}"
else
  one_run 1000 50 30
  one_run 10000 50 30
fi
