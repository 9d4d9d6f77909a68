#!/usr/bin/env bash
# Start-up: the time from launch to capture, and `clustertop -r` of a 10-packet file, for
# clustertop with and without its AOT cache, beside tcpdump and iftop. Needs root (a network
# namespace to capture in); see BENCHMARKS.md for the figures.
#
#   bench/startup.sh
#
# Launch to capture (bench/startup.py, in the receiving namespace of bench/common.sh, on veth-rx):
# from just before the fork to clustertop's "capturing on" line (printed once its socket is bound
# with its filter), tcpdump's "listening on" line (printed once libpcap's handle is active), and,
# for iftop, which prints nothing then, the first packet socket in the namespace (a libpcap tool's
# socket comes a few ms before its ring is ready: this favours iftop slightly). Each tool is then
# stopped. clustertop by the kernel ring (the default) and by libpcap (--capture-method libpcap).
#
# Reading a file: bench/timed.py's wall time of `clustertop -r tiny.pcap -n -N --json` (the first
# 10 packets of the demo's web.pcap, which the jar ships) and of `tcpdump -r tiny.pcap`.
#
# "AOT cache": freeze_clustertop copies launcher/target/clustertop.aot (made by setup.sh, or by
# CLUSTERTOP_AOT=train bin/clustertop) with the jar; runs "without" set CLUSTERTOP_AOT=off. Runs
# are interleaved, RUNS (5) of each; the machine is waited for to be quiet before each.
#
# Environment: RUNS (5), BENCH_OUT (default bench/out/startup-DATE), BENCH_QUIET_PERCENT /
# BENCH_QUIET_WAIT (see wait_quiet).
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"

RUNS=${RUNS:-5}
OUT=${BENCH_OUT:-$BENCH_DIR/out/startup-$(date +%Y%m%d-%H%M%S)}

bench_init
for cmd in tcpdump iftop editcap python3; do
  command -v "$cmd" >/dev/null || die "$cmd is missing (apt-get install -y tcpdump iftop wireshark-common)"
done
mkdir -p "$OUT"
machine_summary >"$OUT/machine.txt"
freeze_clustertop "$OUT/clustertop"
[ -f "$OUT/clustertop/launcher/target/clustertop.aot" ] ||
  say "no AOT cache to copy (make one: CLUSTERTOP_AOT=train bin/clustertop); the 'with' runs will match the 'without' ones"
editcap -F pcap -r "$REPO_DIR/launcher/src/main/resources/demo/web.pcap" "$OUT/tiny.pcap" 1-10
bench_netns_up
say "results in $OUT"

# launch NAME PATTERN COMMAND...: one launch-to-capture run, appended to $OUT/launch.txt.
launch() {
  local name=$1 pattern=$2 busy
  shift 2
  busy=$(wait_quiet)
  in_rx python3 "$BENCH_DIR/startup.py" "$OUT/once" "$pattern" "$@" || true
  echo "$name $(cat "$OUT/once") busy_before=$busy" >>"$OUT/launch.txt"
}
# read_tiny NAME COMMAND...: one timed read of tiny.pcap, appended to $OUT/read.txt.
read_tiny() {
  local name=$1 busy
  shift
  busy=$(wait_quiet)
  python3 "$BENCH_DIR/timed.py" "$OUT/once" "$@" >/dev/null 2>&1 || true
  echo "$name $(cat "$OUT/once") busy_before=$busy" >>"$OUT/read.txt"
}

for ((round = 1; round <= RUNS; round++)); do
  say "round $round of $RUNS"
  launch tcpdump "listening on" tcpdump -i "$BENCH_IF" -n -s128 -B 32768 -w /dev/null
  launch iftop packet-socket iftop -i "$BENCH_IF" -n -N -t
  launch clustertop-ring-aot "capturing on" "$CLUSTERTOP" -i "$BENCH_IF" -n -N --json
  launch clustertop-ring "capturing on" env CLUSTERTOP_AOT=off "$CLUSTERTOP" -i "$BENCH_IF" -n -N --json
  launch clustertop-libpcap-aot "capturing on" "$CLUSTERTOP" -i "$BENCH_IF" -n -N --json --capture-method libpcap
  launch clustertop-libpcap "capturing on" env CLUSTERTOP_AOT=off "$CLUSTERTOP" -i "$BENCH_IF" -n -N --json --capture-method libpcap
  read_tiny tcpdump tcpdump -n -r "$OUT/tiny.pcap" -w /dev/null
  read_tiny clustertop-aot "$CLUSTERTOP" -r "$OUT/tiny.pcap" -n -N --json
  read_tiny clustertop env CLUSTERTOP_AOT=off "$CLUSTERTOP" -r "$OUT/tiny.pcap" -n -N --json
done

python3 - "$OUT" <<'EOF' | tee "$OUT/summary.md"
import statistics, sys
from pathlib import Path
out = Path(sys.argv[1])
def table(path, column):
    runs = {}
    for line in path.read_text().splitlines():
        name, *values = line.split()
        if values[0] != "none":
            runs.setdefault(name, []).append(float(values[column]))
    return runs
def show(runs, name, unit="s"):
    v = runs.get(name, [])
    if not v:
        return "n/a"
    return f"{statistics.median(v):.3f} [{min(v):.3f}–{max(v):.3f}]"
launch = table(out / "launch.txt", 0)
wall = table(out / "read.txt", 0)
cpu = {k: [u + s for u, s in zip(table(out / "read.txt", 1)[k], table(out / "read.txt", 2)[k])] for k in wall}
print(f"## Start-up ({out.name}), median [min–max] of {max(len(v) for v in launch.values())} runs\n")
print("| launch to capture | s |")
print("|---|---|")
for name in ("tcpdump", "iftop", "clustertop-ring-aot", "clustertop-ring", "clustertop-libpcap-aot", "clustertop-libpcap"):
    print(f"| {name} | {show(launch, name)} |")
print("\n| -r of a 10-packet file | wall, s | CPU (user+sys), s |")
print("|---|---|---|")
for name in ("tcpdump", "clustertop-aot", "clustertop"):
    print(f"| {name} | {show(wall, name)} | {show(cpu, name)} |")
EOF
