# shellcheck shell=bash
# Helpers shared by bench/live.sh and bench/offline.sh. Source it; needs root, iproute2, bash 4.
#
# bench_netns_up builds two namespaces joined by one veth pair (names carry the run's prefix):
#
#   ┌──────────────────────────────┐   veth   ┌──────────────────────────────┐
#   │ ${BENCH_PREFIX}-tx (sender)  │──────────│ ${BENCH_PREFIX}-rx (capture) │
#   │ veth-tx 10.77.0.1/24         │          │ veth-rx 10.77.0.2/24         │
#   │ mac 02:77:00:00:00:01        │          │ mac 02:77:00:00:00:02        │
#   └──────────────────────────────┘          └──────────────────────────────┘
#
# No routes other than the /24 on the link, IPv6 off and static neighbours (no ARP, no MLD), so the
# link carries only the traffic a benchmark makes and veth-rx's counters can be compared with a
# capture. Everything made here is deleted by bench_cleanup, which bench_init installs as the trap.

BENCH_PREFIX=${BENCH_PREFIX:-ctb$$}
BENCH_TX="$BENCH_PREFIX-tx"
BENCH_RX="$BENCH_PREFIX-rx"
BENCH_IF=veth-rx
BENCH_PIDS=()      # background processes this run started, killed (by pid) on cleanup
BENCH_NETNS=()     # namespaces this run made

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)

say() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

bench_cleanup() {
  local pid ns
  for pid in "${BENCH_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for ns in "${BENCH_NETNS[@]}"; do
    ip netns del "$ns" 2>/dev/null || true
  done
}

bench_init() {
  [ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, packet capture)"
  export BENCH_SHELL_PID=$$ # proc_cpu.py leaves this script's own children out of "other load"
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

in_tx() { ip netns exec "$BENCH_TX" "$@"; }
in_rx() { ip netns exec "$BENCH_RX" "$@"; }

bench_netns_up() {
  local ns
  for ns in "$BENCH_TX" "$BENCH_RX"; do
    ip netns add "$ns"
    BENCH_NETNS+=("$ns")
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$ns" link set lo up
  done
  ip link add veth-tx netns "$BENCH_TX" address 02:77:00:00:00:01 type veth \
    peer name veth-rx netns "$BENCH_RX" address 02:77:00:00:00:02
  ip -n "$BENCH_TX" addr add 10.77.0.1/24 dev veth-tx
  ip -n "$BENCH_RX" addr add 10.77.0.2/24 dev veth-rx
  ip -n "$BENCH_TX" link set veth-tx up
  ip -n "$BENCH_RX" link set veth-rx up
  ip -n "$BENCH_TX" neigh replace 10.77.0.2 lladdr 02:77:00:00:00:02 dev veth-tx nud permanent
  ip -n "$BENCH_RX" neigh replace 10.77.0.1 lladdr 02:77:00:00:00:01 dev veth-rx nud permanent
  in_tx ping -c 1 -W 1 10.77.0.2 >/dev/null || die "the veth pair does not pass traffic"
}

# The inode numbers of this run's namespaces (to tell its processes from everybody else's).
netns_inodes() {
  local ns
  for ns in "${BENCH_NETNS[@]}"; do stat -L -c %i "/run/netns/$ns"; done
}

# poll TIMEOUT_SECONDS COMMAND...: runs COMMAND every 50 ms until it succeeds; fails on timeout.
poll() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

# The receiving end's counters: "rx_packets rx_bytes tx_packets tx_bytes".
rx_counters() {
  local f out=""
  for f in rx_packets rx_bytes tx_packets tx_bytes; do
    out+="$(in_rx cat "/sys/class/net/$BENCH_IF/statistics/$f") "
  done
  echo "$out"
}

# True while PID exists and is not a zombie (an exited child this shell has not waited for yet).
alive() { [ -r "/proc/$1/stat" ] && [ "$(awk '{ print $3 }' "/proc/$1/stat")" != Z ]; }

# True once some packet socket is open in the receiving namespace (the capture tool is attached).
capture_attached() { [ "$(in_rx cat /proc/net/packet | wc -l)" -gt 1 ]; }

# True once something listens on TCP port $1 in the receiving namespace.
rx_listening() { in_rx ss -Hltn "sport = :$1" | grep -q .; }
# rx_listener PORT: the process listening on PORT in the receiving namespace (bin/clustertop execs
# java, so for clustertop it is the JVM).
rx_listener() { in_rx ss -Hltnp "sport = :$1" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1; }
# cpu_ticks PID: the process's CPU (user + system, all threads) in ticks of 10 ms; PID/task/TID: one thread's.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# thread_ticks PID: each thread's name (spaces as _) and CPU ticks, one a line.
thread_ticks() {
  local task
  for task in /proc/"$1"/task/*; do echo "$(tr ' ' _ <"$task/comm") $(cpu_ticks "$1/task/${task##*/}")"; done
}

# cpu_busy_percent SECONDS: share of all CPUs busy (not idle/iowait) over SECONDS, in percent.
cpu_busy_percent() {
  local a b
  read -r -a a < <(head -1 /proc/stat)
  sleep "$1"
  read -r -a b < <(head -1 /proc/stat)
  awk -v a="${a[*]}" -v b="${b[*]}" 'BEGIN {
    n = split(a, x, " "); split(b, y, " "); total = 0; idle = 0
    for (i = 2; i <= n; i++) total += y[i] - x[i]
    idle = (y[5] - x[5]) + (y[6] - x[6])
    printf "%.1f", (total > 0 ? 100 * (total - idle) / total : 0) }'
}

# wait_quiet: waits (up to BENCH_QUIET_WAIT seconds, default 600) until the machine is quiet: under
# BENCH_QUIET_PERCENT (default 5) % of all CPUs busy over 2 s while this script runs nothing. Prints
# the last figure and, when it is not quiet, the busiest processes, so the caller can log the load.
wait_quiet() {
  local limit=${BENCH_QUIET_PERCENT:-5} deadline=$((SECONDS + ${BENCH_QUIET_WAIT:-600})) busy
  while :; do
    busy=$(cpu_busy_percent 2)
    if awk -v b="$busy" -v l="$limit" 'BEGIN { exit !(b < l) }'; then
      echo "$busy"
      return 0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "still busy ($busy %) after waiting; running anyway, see the log"
      echo "$busy"
      return 0
    fi
    say "machine busy ($busy % of all CPUs), waiting: $(top -b -n 1 -o %CPU | sed -n '8,10p' | awk '{printf "%s(%s%%) ", $12, $9}')"
    sleep 10
  done
}

machine_summary() {
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' ') model $(grep -m1 '^model[[:space:]]' /proc/cpuinfo | cut -d: -f2 | tr -d ' '), $(grep -m1 'cpu MHz' /proc/cpuinfo | cut -d: -f2 | tr -d ' ') MHz$(grep -qw hypervisor /proc/cpuinfo && echo ', virtual machine (hypervisor flag)')"
  echo "memory: $(free -g | awk '/^Mem:/ { print $2 }') GiB; distribution: Debian $(cat /etc/debian_version 2>/dev/null)"
  echo "iftop: $(dpkg-query -W -f '${Version}' iftop 2>/dev/null)"
  echo "kernel: $(uname -srm)"
  echo "jdk: $(/usr/lib/jvm/temurin-25-jdk-amd64/bin/java -version 2>&1 | head -1)"
  echo "tools: $(tcpdump --version 2>&1 | head -2 | tr '\n' ' ')/ $(iperf3 --version | head -1) / $(tshark --version | head -1)"
  echo "uptime: $(uptime)"
}

# undisturbed DIR COMMAND...: runs COMMAND (one benchmark run, which writes DIR/meta including
# other_cpu_during from record_other_cpu, and DIR/time) again while other people's processes
# used more CPU during it than BENCH_OTHER_LIMIT seconds (default 0.5) or, for long runs,
# BENCH_OTHER_SHARE (default 0.03) of the run's wall-clock seconds, whichever is larger; up to
# BENCH_RETRIES (default 4) extra times. A disturbed run's folder is kept as DIR-disturbedN; the
# reports leave those out.
undisturbed() {
  local dir=$1 try other wall
  shift
  for ((try = 1; ; try++)); do
    "$@"
    other=$(sed -n 's/^other_cpu_during="\([0-9.]*\).*/\1/p' "$dir/meta")
    wall=$(awk 'NF == 3 { w = $1 } END { print w + 0 }' "$dir/time" 2>/dev/null || echo 0)
    if awk -v o="${other:-0}" -v l="${BENCH_OTHER_LIMIT:-0.5}" -v s="${BENCH_OTHER_SHARE:-0.03}" -v w="$wall" \
      'BEGIN { if (s * w > l) l = s * w; exit !(o <= l) }' ||
      [ "$try" -gt "${BENCH_RETRIES:-4}" ]; then
      return 0
    fi
    say "other processes used $other CPU s during $(basename "$dir"): kept as disturbed, running it again"
    rm -rf "$dir-disturbed$try"
    mv "$dir" "$dir-disturbed$try"
  done
}

# snapshot_procs FILE / record_other_cpu DIR: CPU used by everybody else between two snapshots
# (bench/proc_cpu.py), appended to DIR/meta as other_cpu_during="SECONDS busiest...".
snapshot_procs() { python3 "$BENCH_DIR/proc_cpu.py" snapshot "$1"; }
record_other_cpu() {
  # shellcheck disable=SC2046 # one argument per namespace inode
  echo "other_cpu_during=\"$(python3 "$BENCH_DIR/proc_cpu.py" others "$1/procs-before.json" "$1/procs-after.json" $(netns_inodes))\"" >>"$1/meta"
}

# freeze_clustertop DIR: copies bin/clustertop and the jar it runs (and its AOT cache) into DIR/bin and
# DIR/launcher/target (the launcher finds its jar relative to itself), so that a rebuild by
# someone else during the benchmark cannot change what is measured; sets CLUSTERTOP to the copy
# and appends what was copied (jar checksum, build time, repository HEAD) to DIR/../machine.txt.
freeze_clustertop() {
  local dir=$1 jar=$REPO_DIR/launcher/target/clustertop.jar
  [ -f "$jar" ] || die "$jar is missing: build it (cd $REPO_DIR && mvn -B -o -q package -DskipTests)"
  mkdir -p "$dir/bin" "$dir/launcher/target"
  cp "$REPO_DIR/bin/clustertop" "$dir/bin/clustertop"
  cp "$jar" "$dir/launcher/target/clustertop.jar"
  python3 -c 'import sys, zipfile; sys.exit(zipfile.ZipFile(sys.argv[1]).testzip() is not None)' \
    "$dir/launcher/target/clustertop.jar" || die "the jar was copied while being rebuilt; run again"
  # The AOT caches, copied after the jar (so newer than it, as bin/clustertop asks) when it was made
  # for this jar: a cache older than the jar is the jar's predecessor's and stays behind.
  local cache
  for cache in "${jar%.jar}.aot" "${jar%.jar}-demo.aot"; do
    if [ -f "$cache" ] && [ "$cache" -nt "$jar" ]; then
      cp "$cache" "$cache.jdk" "$dir/launcher/target/"
    fi
  done
  CLUSTERTOP=$dir/bin/clustertop
  "$CLUSTERTOP" -h >/dev/null 2>&1 || die "$CLUSTERTOP -h fails"
  {
    echo "clustertop: launcher/target/clustertop.jar built $(stat -c %y "$jar"), sha256 $(sha256sum "$jar" | cut -c1-16)"
    echo "clustertop: AOT cache $([ -f "$dir/launcher/target/clustertop.aot" ] && echo copied || echo none)"
    echo "clustertop: repository HEAD $(git -C "$REPO_DIR" rev-parse --short HEAD) (the working tree may hold uncommitted changes)"
    echo "clustertop: copied to $dir and run from there"
  } >>"$dir/../machine.txt"
}

# The agent benchmarks (agent.sh, agent-flags.sh): their load's defaults (FLOWS UDP flows at RATE
# packets/s for LOAD s, then HOLD s without traffic), and OUT made ready: the machine's summary, a
# frozen copy of clustertop ($CLUSTERTOP) and bench/flood.c built as $OUT/flood.
agent_bench_prepare() {
  LOAD=${LOAD:-20}
  HOLD=${HOLD:-30}
  FLOWS=${FLOWS:-10000}
  RATE=${RATE:-20000}
  command -v gcc >/dev/null || die "gcc is missing (apt-get install -y gcc)"
  mkdir -p "$OUT"
  machine_summary >"$OUT/machine.txt"
  freeze_clustertop "$OUT/clustertop"
  gcc -O2 -Wall -o "$OUT/flood" "$BENCH_DIR/flood.c" || die "bench/flood.c did not build"
}
