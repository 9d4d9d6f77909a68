#!/usr/bin/env bash
# Prints the README's screens, each made by the real program in a tmux terminal of the README's
# size and read with capture-pane (text only: the bars' reverse video is lost; blank lines at the
# end of each screen are kept). Not a test: run it and paste what it prints.
#
#   test/tui/readme-screens.sh            # about a minute and a half; needs tmux and the packaged jar
#
#   demo      bin/clustertop demo -n -N, 100x30, after 25 s
#   local     clustertop -r mix.pcap -n -N -P, 80x24, once the file has ended
#   cluster   a collector; agents replaying the shipped captures in a loop: mix.pcap as node n1
#             (10.77.0.1), vlan.pcap as node n2 (10.77.77.1); clustertop console --connect
#             COLLECTOR -n -N at 100x30, after 20 s; then g g (by node); then --node n2 -n -N -P
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v tmux >/dev/null || { echo "needs tmux" >&2; exit 1; }
[ -f launcher/target/clustertop.jar ] || { echo "build first: mvn -pl launcher -am package" >&2; exit 1; }
BIN=$PWD/bin/clustertop
CAPTURES=agent/src/test/resources/captures
TMUX_SERVER=ctreadme-$$
PIDS=()
cleanup() {
  tmux -L "$TMUX_SERVER" kill-server 2>/dev/null || true
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
t() { tmux -L "$TMUX_SERVER" "$@"; }
start() { # session width height command...
  local session=$1 width=$2 height=$3; shift 3
  t new-session -d -s "$session" -x "$width" -y "$height" -e LANG=C.UTF-8 "$* ; sleep 600"
}
wait_for() { # session text: polls the screen until the text shows (60 s at most)
  local deadline=$((SECONDS + 60))
  until t capture-pane -p -t "$1" | grep -qF -- "$2" || ((SECONDS >= deadline)); do sleep 0.2; done
}
wait_gone() { # session text: polls the screen until the text is gone (60 s at most)
  local deadline=$((SECONDS + 60))
  while t capture-pane -p -t "$1" | grep -qF -- "$2" && ((SECONDS < deadline)); do sleep 0.2; done
}
show() { echo "== $2"; t capture-pane -p -t "$1"; echo; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start demo 100 30 "$BIN" demo -n -N
wait_for demo "4 nodes: 4 reporting"
sleep 25
show demo "bin/clustertop demo -n -N (100x30, 25 s)"
t send-keys -t demo q

start local 80 24 "$BIN" -r "$CAPTURES/mix.pcap" -n -N -P
wait_for local "TOTAL:                 33.6KB"
wait_gone local "Press H or ? for help"
show local "clustertop -r mix.pcap -n -N -P (80x24)"
t send-keys -t local q

port=$(free_port)
"$BIN" collector --listen "127.0.0.1:$port" >/dev/null 2>&1 & PIDS+=($!)
"$BIN" agent --collector "127.0.0.1:$port" -r "$CAPTURES/mix.pcap" --loop --node n1 --address 10.77.0.1 \
  >/dev/null 2>&1 & PIDS+=($!)
"$BIN" agent --collector "127.0.0.1:$port" -r "$CAPTURES/vlan.pcap" --loop --node n2 --address 10.77.77.1 \
  >/dev/null 2>&1 & PIDS+=($!)
start cluster 100 30 "$BIN" console --connect "127.0.0.1:$port" -n -N
wait_for cluster "2 nodes: 2 reporting"
sleep 20
show cluster "clustertop console --connect COLLECTOR -n -N (100x30)"
t send-keys -t cluster g g
wait_for cluster "cluster, by node"
sleep 3
show cluster "g g: by node"
start node 100 30 "$BIN" console --connect "127.0.0.1:$port" --node n2 -n -N -P
wait_for node "1 node: 1 reporting"
sleep 4
show node "clustertop console --connect COLLECTOR --node n2 -n -N -P (100x30)"
