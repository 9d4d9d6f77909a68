#!/bin/bash
# End-to-end test of capture without root: the agent started as an unprivileged user (nobody) with
# exactly CAP_NET_RAW and CAP_NET_ADMIN, as ambient capabilities (what systemd's
# AmbientCapabilities= gives a service user), captures; without them it says which way works.
#
#   sudo test/netns/capabilities.sh      # CLUSTERTOP=/path/to/clustertop tests another launcher
#
# Exit status: 0 all checks passed, 1 a check failed, 77 skipped (not root, a tool missing, no
# launcher).
#
# Topology: lib.sh's netns_cluster 2. In n1: a collector on n1's loopback (as root: it needs no
# capability), and the agent as nobody, capturing on eth0 with --listen on n1's loopback.
#
# Sequence:
#   1. The agent as nobody with no capability: exit 2, one line naming the ambient capabilities.
#   2. The agent as nobody with CAP_NET_RAW and CAP_NET_ADMIN in its inheritable, ambient and
#      bounding sets and nothing else: its effective set is exactly those two (/proc/PID/status).
#   3. 20 pings n2 -> n1; the agent's view (console --json -P) has the ICMP row of n1 and n2 with
#      exactly 20 packets each way, and nothing else on eth0.
set -euo pipefail
cd "$(dirname "$0")/../.."

source test/netns/lib.sh
netns_require ip ss ping jq setpriv

work=$(mktemp -d /tmp/clustertop-caps.XXXXXX)
netns_on_cleanup "rm -rf '$work'"
failures=0
check() { # check NAME CONDITION_STATUS DETAIL
  if (($2 == 0)); then printf 'PASS %s: %s\n' "$1" "$3"; else printf 'FAIL %s: %s\n' "$1" "$3"; failures=$((failures + 1)); fi
}

# nobody must be able to read the launcher and the jar wherever this checkout is (CI's may sit in a
# home directory only root can enter): a copy in a world-readable place, the same layout.
launcher_dir="$work/clustertop"
mkdir -p "$launcher_dir/bin" "$launcher_dir/launcher/target"
cp "$(dirname "$(readlink -f "$clustertop")")/clustertop" "$launcher_dir/bin/"
cp "$(dirname "$(readlink -f "$clustertop")")/../launcher/target/clustertop.jar" "$launcher_dir/launcher/target/"
chmod -R a+rX "$work"
as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
caps=(--inh-caps=-all,+net_raw,+net_admin --ambient-caps=+net_raw,+net_admin --bounding-set=-all,+net_raw,+net_admin)

netns_cluster 2
n_bg 1 "$clustertop" collector --listen 127.0.0.1:7447 >/dev/null 2>"$work/collector.log"
netns_wait_listen 1 tcp 7447

say "the agent as nobody, without capabilities"
status=0
n 1 "${as_nobody[@]}" "$launcher_dir/bin/clustertop" agent -i eth0 --node n1 --collector 127.0.0.1:7447 \
  >/dev/null 2>"$work/refused.log" || status=$?
refusal=$(cat "$work/refused.log")
check "refused with status 2" $([[ $status == 2 ]]; echo $?) "exit $status"
check "in one line that names a way that works" \
  $([[ $(wc -l <"$work/refused.log") == 1 && $refusal == *"ambient capabilities"* && $refusal == *"AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN"* ]]; echo $?) "$refusal"

say "the agent as nobody, with CAP_NET_RAW and CAP_NET_ADMIN ambient"
n_bg 1 "${as_nobody[@]}" "${caps[@]}" "$launcher_dir/bin/clustertop" agent -i eth0 --node n1 \
  --collector 127.0.0.1:7447 --listen 127.0.0.1:7448 >/dev/null 2>"$work/agent.log"
agent_pid=$NETNS_PID
netns_wait_listen 1 tcp 7448
_capturing() { grep -qs 'capturing on eth0' "$work/agent.log"; }
netns_wait 30 "the agent's \"capturing on eth0\"" _capturing || true
java_pid=$(pgrep -u 65534 -f 'clustertop.jar agent' | head -1 || true)
eff=$(awk '/^CapEff/ {print $2}' "/proc/${java_pid:-0}/status" 2>/dev/null || echo none)
uid=$(awk '/^Uid/ {print $2}' "/proc/${java_pid:-0}/status" 2>/dev/null || echo none)
# CAP_NET_ADMIN is bit 12, CAP_NET_RAW bit 13.
check "the agent runs as nobody with exactly the two capabilities" \
  $([[ $uid == 65534 && $eff == 0000000000003000 ]]; echo $?) "uid $uid, effective capabilities $eff"

netns_wait_quiet 1 eth0
say "20 pings n2 -> n1"
n 2 ping -q -c 20 -i 0.05 -W 1 10.77.0.1 >/dev/null
netns_wait_quiet 1 eth0
n 1 "$clustertop" console --connect 127.0.0.1:7448 -n -N -P --json -s 3 >"$work/view.jsonl" 2>"$work/console.log" || true
final=$(tail -n 1 "$work/view.jsonl")
icmp=$(jq -c '[.rows[] | select(.protocol == 1 and .src_addr == "10.77.0.1" and .dst_addr == "10.77.0.2")
  | {sent_packets, recv_packets}]' <<<"$final" 2>/dev/null || echo none)
check "it captured every ping and reply" $([[ $icmp == '[{"sent_packets":20,"recv_packets":20}]' ]]; echo $?) \
  "the ICMP row of n1 and n2: $icmp"
kill "$agent_pid" 2>/dev/null || true

((failures == 0)) || { echo "capabilities test FAILED ($failures); agent log: $(head -c 2000 "$work/agent.log")"; exit 1; }
echo "capabilities test passed"
