#!/usr/bin/env bash
# The full screen driven as a person drives it: the real program in tmux, keys typed with
# send-keys, the screen read with capture-pane. No root needed.
#
#   local    clustertop -r mix.pcap                                   80x24
#   agent    collector <- agent -r mix.pcap --listen A
#            clustertop console --connect A                            80x24
#   cluster  clustertop console --connect collector                   100x30
#            (the collector's default prices: USD, the internet at 0.09 a GB out)
#
# mix.pcap holds 34420 bytes (mix.expected, from tshark): 33.6KB on the TOTAL line. Every wait
# polls the screen until the text shows or a deadline passes; nothing is asserted after a sleep.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v tmux >/dev/null || { echo "skip: no tmux"; exit 77; }
[ -f launcher/target/clustertop.jar ] || { echo "build first: mvn -pl launcher -am package"; exit 1; }

BIN=$PWD/bin/clustertop
CAPTURE=agent/src/test/resources/captures/mix.pcap
TMUX_SERVER=ctui-$$             # a tmux server of our own: other sessions are never touched
PIDS=()
FAILED=0
cleanup() {
  tmux -L "$TMUX_SERVER" kill-server 2>/dev/null || true
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
t() { tmux -L "$TMUX_SERVER" "$@"; }
screen() { t capture-pane -p -t "$1"; }
start() { # session width height command...
  local session=$1 width=$2 height=$3; shift 3
  t new-session -d -s "$session" -x "$width" -y "$height" -e LANG=C.UTF-8 "$* ; echo EXITED \$?; sleep 600"
}
# wait_for SESSION TEXT [SECONDS]: passes once TEXT is on the screen; wait_for_re: an extended regex.
wait_for() { wait_grep -F "$@"; }
wait_for_re() { wait_grep -E "$@"; }
wait_grep() {
  local how=$1 session=$2 text=$3 deadline=$((SECONDS + ${4:-20}))
  while ((SECONDS < deadline)); do
    if screen "$session" | grep -q "$how" -- "$text"; then echo "ok    $session: '$text'"; return 0; fi
    sleep 0.2
  done
  echo "FAIL  $session: '$text' not on the screen:"; screen "$session" | sed 's/^/      |/'
  FAILED=1
  return 0
}
# wait_gone SESSION TEXT [SECONDS]: passes once TEXT is off the screen.
wait_gone() {
  local session=$1 text=$2 deadline=$((SECONDS + ${3:-20}))
  while ((SECONDS < deadline)); do
    if ! screen "$session" | grep -qF -- "$text"; then echo "ok    $session: no '$text'"; return 0; fi
    sleep 0.2
  done
  echo "FAIL  $session: '$text' still on the screen:"; screen "$session" | sed 's/^/      |/'
  FAILED=1
  return 0
}
keys() { t send-keys -t "$1" "${@:2}"; }
# wait_reversed SESSION LINE TEXT: line LINE (from 1) holds TEXT and is drawn in reverse video.
wait_reversed() {
  local session=$1 n=$2 text=$3 deadline=$((SECONDS + 20)) line
  while ((SECONDS < deadline)); do
    line=$(t capture-pane -e -p -t "$session" | sed -n "${n}p")
    if [[ $line == *"$text"* && $line == *$'\e[7m'* ]]; then echo "ok    $session: line $n '$text' reversed"; return 0; fi
    sleep 0.2
  done
  echo "FAIL  $session: line $n not '$text' in reverse video: $(printf %q "$line")"
  FAILED=1
  return 0
}
# first_row SESSION: the first line of the rows (line 3 with bars on).
first_row() { screen "$1" | sed -n 3p; }

echo "== local: clustertop -r $CAPTURE"
start local 80 24 "$BIN" -r "$CAPTURE" -n -N
wait_for local "TOTAL:                 33.6KB"
wait_for local "10.77.0.2"
wait_for local "203.0.113.1"
wait_for local "fd77::2"
keys local p                                           # ports: the UDP conversation to port 9
wait_for local "10.77.0.1:9"
keys local p
wait_gone local "10.77.0.1:9"
# first_row_is SESSION REGEX: the first row comes to match REGEX.
first_row_is() {
  local deadline=$((SECONDS + 10))
  until first_row "$1" | grep -qE -- "$2" || ((SECONDS >= deadline)); do sleep 0.2; done
  if first_row "$1" | grep -qE -- "$2"; then echo "ok    $1: first row /$2/"; else echo "FAIL  $1: first row $(first_row "$1")"; FAILED=1; fi
}
first_row_is local '^fd77::2 '                         # by the 10 s average: the IPv6 pair is busiest
keys local '<'                                         # by source address: IPv4 first
wait_for local "Sort by source"
first_row_is local '^10\.77\.0\.2 '
keys local 2
first_row_is local '^fd77::2 '
keys local t                                           # one line per host
wait_for local "<=>"
keys local t t t
keys local l; keys local 203; keys local Enter         # screen filter
wait_gone local "fd77::2"
wait_for local "203.0.113.1"
wait_for local "filter /203/"
keys local l; keys local BSpace BSpace BSpace; keys local Enter
wait_for local "fd77::2"
keys local f                                           # capture filter: a file has none, said at once
wait_for local "Net filter: a file has no capture to filter"
wait_gone local "Net filter> "
keys local P
wait_for local "paused"
keys local P
wait_gone local "paused"
t resize-window -t local -x 100 -y 30                  # redrawn at the new size: "rates:" at 100 - 32
wait_for local "TX:             cum:      0B    peak:      0b                       rates:"
keys local h                                           # the help: a file's keys, no f, no cluster keys
wait_for local "Host display:"
wait_gone local "f - edit filter code"
wait_gone local "g - cycle grouping"
keys local h
wait_gone local "Host display:"
keys local q
wait_for local "EXITED 0"

COLLECTOR_PORT=$(free_port)
AGENT_PORT=$(free_port)
echo "== agent 127.0.0.1:$AGENT_PORT replaying $CAPTURE at 0.2 times its pace, collector 127.0.0.1:$COLLECTOR_PORT"
"$BIN" collector --listen "127.0.0.1:$COLLECTOR_PORT" >/dev/null 2>&1 & PIDS+=($!)
start cluster 100 30 "$BIN" console --connect "127.0.0.1:$COLLECTOR_PORT" -n -N
wait_for cluster "connected"
"$BIN" agent -r "$CAPTURE" --node n1 --address 10.77.0.1 --listen "127.0.0.1:$AGENT_PORT" \
  --collector "127.0.0.1:$COLLECTOR_PORT" --speed 0.2 --allow-filter-change >/dev/null 2>&1 & PIDS+=($!)
start agent 80 24 "$BIN" console --connect "127.0.0.1:$AGENT_PORT" -n -N
wait_for agent "127.0.0.1:$AGENT_PORT"
wait_for agent "connected"
keys agent f; keys agent tcp; keys agent Enter         # allowed, but the agent replays a file (ask
wait_for agent "Net filter: reading a file: "          # early: the agent exits once its replay is acknowledged)
wait_for agent "TOTAL:                 33.6KB" 30
keys agent h                                           # an agent's keys: f, and no cluster keys
wait_for agent "f - edit filter code (if allowed)"
wait_gone agent "g - cycle grouping"
keys agent h
wait_gone agent "Host display:"
wait_for agent "10.77.0.1                  => 203.0.113.1"
keys agent q
wait_for agent "EXITED 0"

echo "== cluster: console --connect 127.0.0.1:$COLLECTOR_PORT"
wait_for cluster "TOTAL:                 33.6KB" 30
wait_for cluster "cluster, host pairs"
wait_for cluster "1 node: "
wait_for cluster "n1/10.77.0.1"
keys cluster g                                         # host:port pairs
wait_for cluster "cluster, host:port pairs"
wait_for_re cluster "^ Grouping: host:port pairs *$"    # the message alone on the scale's line
wait_for cluster "n1/10.77.0.1:9"
keys cluster g                                         # by node
wait_for cluster "cluster, by node"
wait_gone cluster "n1/10.77.0.1:9"
keys cluster b                                         # no bars: only the selected row is in reverse video
wait_reversed cluster 2 "n1                                   =>  *"
keys cluster b
keys cluster Enter                                     # the node's own view
wait_for cluster "node n1 (esc: cluster)"
wait_for cluster "n1/10.77.0.1"
keys cluster Escape
wait_for cluster "cluster, by node"
keys cluster 1
wait_for cluster "Sort by col 1"
keys cluster h                                         # the collector's keys: no f; enter opens the selected node
wait_for cluster "enter - open the selected node"
wait_gone cluster "f - edit filter code"
keys cluster h
wait_gone cluster "Host display:"
keys cluster f                                         # said at the key press, no prompt first
wait_for cluster "Net filter: the collector does not capture; attach to an agent"
wait_gone cluster "Net filter> "
keys cluster g g g                                     # by remote address, by port/service, by destination class
wait_for cluster "cluster, by destination class"
# 203.0.113.1 is a public address: internet, on the right of a row reported by n1; fd77::2 and
# 10.77.0.2 (no node of the cluster) are private
wait_for_re cluster "^n1 +=> internet "
wait_for_re cluster "^n1 +=> private "
# each row's cost on its second line (at 100 columns the host column holds the 10 s rate and the
# cost so far); the view's total above the status line, in the collector's currency; bytes were
# sent to the internet, so the cost so far is not 0
wait_for_re cluster "^ n1 +<= [0-9.]+/h, [0-9.]+ so far "
wait_for_re cluster "^cost \(USD\): [0-9.]+/h at 10 s, [0-9.]+/h at 40 s, 0\.0*[1-9][0-9]* so far"
keys cluster q
wait_for cluster "EXITED 0"

if ((FAILED)); then echo "screen test FAILED"; exit 1; fi
echo "screen test passed"
