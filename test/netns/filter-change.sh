#!/bin/bash
# End-to-end test of the full screen's f on a live agent: a console changes the capture filter of
# an agent started with --allow-filter-change, and from then on only the matching traffic counts.
#
#   sudo test/netns/filter-change.sh      # CLUSTERTOP=/path/to/clustertop tests another launcher
#
# Exit status: 0 all checks passed, 1 a check failed, 77 skipped (not root, a tool missing, no
# launcher).
#
# Topology: lib.sh's netns_cluster 2. In n1: a collector on n1's loopback, an agent capturing on
# eth0 (no -f: every packet) with --listen on n1's loopback, and a console in tmux attached to it.
#
# Sequence:
#   1. In the console, f with a bad expression: libpcap's error is the message.
#   2. f "udp": the message says it is in force; the status line shows it.
#   3. Traffic n2 -> n1: TCP (iperf3, far more bytes), ICMP (ping), UDP (iperf3, 64-byte datagrams).
#   4. The agent's view (console --json -P, a second process): every row is UDP (protocol 17; the
#      iperf3 control connection is TCP and is not counted either), and the bytes counted are
#      below the UDP test's payload plus headers, far below what crossed eth0.
set -euo pipefail
cd "$(dirname "$0")/../.."

source test/netns/lib.sh
netns_require ip ss iperf3 ping jq tmux

work=$(mktemp -d /tmp/clustertop-filter.XXXXXX)
tmux_server=ctfilter-$$               # our own tmux server: other sessions are never touched
netns_on_cleanup "tmux -L '$tmux_server' kill-server 2>/dev/null; rm -rf '$work'"

failures=0
check() { # check NAME CONDITION_STATUS DETAIL
  if (($2 == 0)); then printf 'PASS %s: %s\n' "$1" "$3"; else printf 'FAIL %s: %s\n' "$1" "$3"; failures=$((failures + 1)); fi
}
t() { tmux -L "$tmux_server" "$@"; }
on_screen() { t capture-pane -p -t console | grep -qF -- "$1"; }
# see NAME TEXT: passes once TEXT is on the console's screen (within 15 s).
see() {
  if netns_wait 15 "\"$2\" on the console" on_screen "$2"; then
    check "$1" 0 "\"$2\" on the screen"
  else
    check "$1" 1 "\"$2\" not on the screen: $(t capture-pane -p -t console)"
  fi
}

netns_cluster 2
say "collector and agent (--allow-filter-change) in $(netns_name 1)"
n_bg 1 "$clustertop" collector --listen 127.0.0.1:7447 >/dev/null 2>"$work/collector.log"
netns_wait_listen 1 tcp 7447
n_bg 1 "$clustertop" agent -i eth0 --node n1 --collector 127.0.0.1:7447 --listen 127.0.0.1:7448 \
  --allow-filter-change >/dev/null 2>"$work/agent.log"
netns_wait_listen 1 tcp 7448

t new-session -d -s console -x 100 -y 30 -e LANG=C.UTF-8 \
  "ip netns exec $(netns_name 1) $clustertop console --connect 127.0.0.1:7448 -n -N; sleep 600"
see "console attached" "connected"

t send-keys -t console f 'udp and' Enter
see "a bad filter is refused" "Net filter: bad filter 'udp and': "
see "with libpcap's message" "syntax error"
t send-keys -t console f
see "the prompt" "Net filter> _"
t send-keys -t console 'udp' Enter                    # the prompt starts empty: the bad one was not set
see "the filter is set" "Net filter: 'udp'"
see "the status line shows it" "capture filter 'udp'"

say "traffic n2 -> n1: TCP, ICMP, UDP"
netns_iperf 1 10.77.0.1 2 -t 1
n 2 ping -q -c 3 -i 0.2 -W 1 10.77.0.1 >/dev/null
netns_iperf 1 10.77.0.1 2 -u -l 64 -b 1M -t 1
netns_wait_quiet 1 eth0
read -r tx_bytes rx_bytes _ _ < <(netns_counters 1 eth0)

say "the agent's view"
n 1 "$clustertop" console --connect 127.0.0.1:7448 -n -N -P --json -s 3 >"$work/view.jsonl" 2>"$work/console.log" || true
final=$(tail -n 1 "$work/view.jsonl")
protocols=$(jq -c '[.rows[].protocol] | unique' <<<"$final" 2>/dev/null || echo "none")
check "only UDP rows" $([[ $protocols == "[17]" ]]; echo $?) "protocols of the rows: $protocols"
counted=$(jq '.totals.sent_bytes + .totals.recv_bytes' <<<"$final" 2>/dev/null || echo 0)
# 1 Mbit/s for 1 s of 64-byte payloads: ~2,000 datagrams of 92 IP bytes, ~190 KB; TCP moved far more.
status=1
((counted > 0 && counted < 400000)) && status=0
check "only the UDP test counted" "$status" "counted $counted bytes of the $((tx_bytes + rx_bytes)) that crossed eth0 since it came up"

((failures == 0)) || { echo "filter-change test FAILED ($failures)"; exit 1; }
echo "filter-change test passed"
