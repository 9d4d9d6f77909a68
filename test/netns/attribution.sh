#!/bin/bash
# End-to-end test of attribution: an agent capturing on its node's uplink names, for each
# conversation that crosses it, the process holding the local end's socket, in whichever network
# namespace that socket is; what no live socket carries is counted as unattributed.
#
#   sudo test/netns/attribution.sh        # CLUSTERTOP=/path/to/clustertop tests another launcher
#
# Exit status: 0 all checks passed, 1 a check failed, 77 skipped (not root, a tool missing, no
# launcher).
#
# Topology (IPv4 only; names carry the run's prefix):
#
#   ┌──────────────────┐ ┌──────────────────┐        ┌──────────────────────────────────────┐
#   │ p1 10.77.1.2/24  │ │ p2 10.77.2.2/24  │        │ twin: t0 10.77.1.2/32 and 10.77.0.2/32│
#   │ srv-p1, cli-p1,  │ │ srv-p2, cli-p2,  │        │ (a veth to itself): srv-twin and     │
#   │ cli-late         │ │ cli-short        │        │ cli-twin hold p1's very 5-tuples     │
#   └───────┬──────────┘ └───────┬──────────┘        │ over its own loopback                │
#           │ veth               │ veth              └──────────────────────────────────────┘
#   ┌───────┴────────────────────┴───────────┐
#   │ nd (the node; forwards): v1 10.77.1.1, │  collector, agent -i eth0 (+ its console),
#   │ v2 10.77.2.1, eth0 10.77.0.1/24        │  srv-nd, cli-nd
#   └───────────────────┬────────────────────┘
#                       │ veth (captured: nd's eth0)
#   ┌───────────────────┴────────────────────┐
#   │ out 10.77.0.2/24: srv-out, cli-out      │  routes to 10.77.1.0/24, 10.77.2.0/24 via nd
#   └────────────────────────────────────────┘
#
# Every process names itself (/proc/PID/comm) and uses fixed ports, so each conversation's owner
# is known: servers on 5001 (TCP) and 5002 (UDP) in every namespace, clients from their own source
# ports (cli-p1 41001/41002, cli-p2 42001/42002, cli-nd 40001/40002, cli-out 43101.. to p1,
# 43201.. to p2, 43001.. to nd). Also: a ping out -> p1 and datagrams to a closed port of p1 (no
# socket: unattributed), a TCP connection in p2 that closes at once (unattributed, or its own
# process if a refresh caught it open: never another's), and cli-late, a connection opened while
# the agent runs: attributed within 2 s.
#
# Checks, on the agent's rows by process with ports (-P, JSON), after the traffic ended:
#   - every row's owner is the process the test started for that conversation (pid and command);
#   - at least 99 % of the bytes of the conversations with a live socket are attributed, the rest
#     unattributed; the ping and the closed port are unattributed; rows add up to the totals;
#   - the first view of 2 s or more after cli-late connected names it.
set -euo pipefail
cd "$(dirname "$0")/../.."

source test/netns/lib.sh
netns_require ip ss ping jq python3

work=$(mktemp -d /tmp/clustertop-attribution.XXXXXX)
netns_on_cleanup "rm -rf '$work'"
helper=$PWD/test/netns/attribution.py

failures=0
check() { # check NAME CONDITION_STATUS DETAIL
  if (($2 == 0)); then printf 'PASS %s: %s\n' "$1" "$3"; else printf 'FAIL %s: %s\n' "$1" "$3"; failures=$((failures + 1)); fi
}

say "namespaces"
for who in nd p1 p2 out twin; do
  netns_add "$who" noipv6
done
netns_link nd v1 p1 eth0
netns_link nd v2 p2 eth0
netns_link nd eth0 out eth0
ipn nd addr add 10.77.1.1/24 dev v1
ipn nd addr add 10.77.2.1/24 dev v2
ipn nd addr add 10.77.0.1/24 dev eth0
n nd sysctl -qw net.ipv4.ip_forward=1
ipn p1 addr add 10.77.1.2/24 dev eth0
ipn p1 route add default via 10.77.1.1
ipn p2 addr add 10.77.2.2/24 dev eth0
ipn p2 route add default via 10.77.2.1
ipn out addr add 10.77.0.2/24 dev eth0
ipn out route add 10.77.1.0/24 via 10.77.0.1
ipn out route add 10.77.2.0/24 via 10.77.0.1
ipn twin link add t0 type veth peer name t1   # both ends in the twin: a link to nowhere
ipn twin addr add 10.77.1.2/32 dev t0
ipn twin addr add 10.77.0.2/32 dev t0
ipn twin link set t0 up
netns_wait_up nd eth0
netns_wait_up nd v1
netns_wait_up nd v2
n p1 ping -q -c 1 -W 2 10.77.0.2 >/dev/null || die "p1 cannot reach out"
n p2 ping -q -c 1 -W 2 10.77.0.2 >/dev/null || die "p2 cannot reach out"

say "collector and agent in $(netns_name nd), capturing on eth0"
n_bg nd "$clustertop" collector --listen 127.0.0.1:7447 >/dev/null 2>"$work/collector.log"
netns_wait_listen nd tcp 7447
n_bg nd "$clustertop" agent -i eth0 --node nd --collector 127.0.0.1:7447 --listen 127.0.0.1:7448 \
  >/dev/null 2>"$work/agent.log"
netns_wait_listen nd tcp 7448

say "servers"
declare -A pid_of
serve() { # serve WHO NAME [ADDR]
  n_bg "$1" "$python" "$helper" server "$2" 5001 5002 ${3:-}
  pid_of[$2]=$NETNS_PID
  netns_wait_listen "$1" tcp 5001
  netns_wait_listen "$1" udp 5002
}
serve out srv-out
serve nd srv-nd
serve p1 srv-p1
serve p2 srv-p2
serve twin srv-twin

say "the agent's rows by process, streamed"
n_bg nd "$clustertop" console --connect 127.0.0.1:7448 --group processes -n -N -P --json -L 1000 \
  >"$work/view.jsonl" 2>"$work/console.log"
console_pid=$NETNS_PID

say "traffic: clients in every namespace, for 8 s"
client() { # client WHO NAME SRC TARGET...
  local who=$1 name=$2 src=$3
  shift 3
  n_bg "$who" "$python" "$helper" client "$name" "$src" 8 "$@"
  pid_of[$name]=$NETNS_PID
}
client p1 cli-p1 10.77.1.2 10.77.0.2:41001:41002
client p2 cli-p2 10.77.2.2 10.77.0.2:42001:42002
client nd cli-nd 10.77.0.1 10.77.0.2:40001:40002
client out cli-out 10.77.0.2 10.77.1.2:43101:43102 10.77.2.2:43201:43202 10.77.0.1:43001:43002
client twin cli-twin 10.77.1.2 10.77.0.2:41001:41002   # p1's 5-tuples, inside the twin
n_bg p2 "$python" "$helper" short cli-short 10.77.2.2 10.77.0.2 42009
pid_of[cli-short]=$NETNS_PID
n out ping -q -c 5 -i 0.2 -W 1 10.77.1.2 >/dev/null
n out "$python" "$helper" closed 10.77.0.2 10.77.1.2 5999 43999
sleep 2
n_bg p1 "$python" "$helper" late cli-late 10.77.1.2 10.77.0.2 41005 5 "$work/late.ms"
pid_of[cli-late]=$NETNS_PID
netns_wait_file "cli-late connected" "$work/late.ms" '^[0-9]+$'
late_ms=$(<"$work/late.ms")

for name in cli-p1 cli-p2 cli-nd cli-out cli-twin cli-short cli-late; do
  wait "${pid_of[$name]}" || die "$name failed"
done
say "traffic over; waiting for the view to settle"
netns_wait_quiet nd eth0
sleep 5 # the slot being filled, then a whole one, closed after the last packet
kill "$console_pid" 2>/dev/null || true
wait "$console_pid" 2>/dev/null || true

final=$(tail -n 1 "$work/view.jsonl")
[[ -n $final ]] || die "no view from the agent: $(cat "$work/console.log" "$work/agent.log")"

# Each conversation's owner as the test knows it: "local port/remote port/protocol" -> owner.
expected=$(
  owner() { printf '"%s/%s/%s":"%s[%s]"\n' "$1" "$2" "$3" "$4" "${pid_of[$4]}"; }
  {
    owner 41001 5001 6 cli-p1; owner 41002 5002 17 cli-p1
    owner 42001 5001 6 cli-p2; owner 42002 5002 17 cli-p2
    owner 40001 5001 6 cli-nd; owner 40002 5002 17 cli-nd
    owner 5001 43101 6 srv-p1; owner 5002 43102 17 srv-p1
    owner 5001 43201 6 srv-p2; owner 5002 43202 17 srv-p2
    owner 5001 43001 6 srv-nd; owner 5002 43002 17 srv-nd
    owner 41005 5001 6 cli-late
  } | paste -sd, | sed 's/^/{/; s/$/}/'
)
printf '%s\n' "$expected" >"$work/expected.json"
owner_of='(.src | sub(":[0-9]+$"; ""))'
key_of='"\(.src_port)/\(.dst_port)/\(.protocol)"'

# 1. Every attributed row goes to the test's process for that conversation.
wrong=$(jq -r --slurpfile e "$work/expected.json" "
  [.rows[] | select($owner_of | test(\"^\\\\(\") | not)
   | select($owner_of != (\$e[0][$key_of] // (if .src_port == 42009 then \"cli-short[${pid_of[cli-short]}]\" else \"none\" end)))
   | \"\($owner_of) on \($key_of) -> \(.dst)\"] | join(\"; \")" <<<"$final")
attributed_rows=$(jq "[.rows[] | select($owner_of | test(\"^\\\\(\") | not)] | length" <<<"$final")
check "every attributed byte goes to the right pid and command" "$([[ -z $wrong && $attributed_rows -ge 13 ]]; echo $?)" \
  "$attributed_rows rows attributed${wrong:+; wrong: $wrong}"

# 2. The share attributed among the conversations with a live socket.
read -r live live_attributed < <(jq -r --slurpfile e "$work/expected.json" "
  [.rows[] | select(\$e[0][$key_of] != null)] as \$live
  | [(\$live | map(.sent_bytes + .recv_bytes) | add),
     (\$live | map(select($owner_of | test(\"^\\\\(\") | not)) | map(.sent_bytes + .recv_bytes) | add // 0)] | @tsv" <<<"$final")
share=$(awk -v a="$live_attributed" -v t="$live" 'BEGIN { printf "%.4f", (t > 0 ? a / t : 0) }')
check "at least 99 % of live conversations' bytes attributed" "$(awk -v s="$share" 'BEGIN { exit !(s >= 0.99) }'; echo $?)" \
  "$live_attributed of $live bytes ($share)"
missing=$(jq -r --slurpfile e "$work/expected.json" "[.rows[] | $key_of] as \$seen | [\$e[0] | keys[] | select(. as \$k | \$seen | index(\$k) | not)] | join(\" \")" <<<"$final")
check "every test conversation is in the view" "$([[ -z $missing ]]; echo $?)" "${missing:-all $(jq 'keys | length' "$work/expected.json")}"

# 3. What no socket carries is unattributed.
unattributed=$(jq -r "[.rows[] | select($owner_of == \"(unattributed)\") | $key_of] | sort | join(\" \")" <<<"$final")
icmp=$(jq "[.rows[] | select(.protocol == 1 and ($owner_of == \"(unattributed)\"))] | length" <<<"$final")
closed=$(jq "[.rows[] | select(.src_port == 5999 and .dst_port == 43999 and ($owner_of == \"(unattributed)\"))] | length" <<<"$final")
check "the ping and the closed port are unattributed" "$([[ $icmp -ge 1 && $closed == 1 ]]; echo $?)" \
  "unattributed rows: $unattributed"
short_owner=$(jq -r "[.rows[] | select(.src_port == 42009) | $owner_of] | join(\" \")" <<<"$final")
check "a connection closed at once: unattributed or its own process" \
  "$([[ $short_owner == "(unattributed)" || $short_owner == "cli-short[${pid_of[cli-short]}]" ]]; echo $?)" \
  "owner: ${short_owner:-none}"
pending=$(jq "[.rows[] | select($owner_of == \"(attributing)\")] | length" <<<"$final")
check "nothing left waiting" "$([[ $pending == 0 ]]; echo $?)" "$pending rows (attributing)"
sums=$(jq -r '[([.rows[].sent_bytes] | add) + (.other.sent_bytes // 0), .totals.sent_bytes,
  ([.rows[].recv_bytes] | add) + (.other.recv_bytes // 0), .totals.recv_bytes] | @tsv' <<<"$final")
read -r rows_sent total_sent rows_received total_received <<<"$sums"
check "the rows add up to the totals" "$([[ $rows_sent == "$total_sent" && $rows_received == "$total_received" ]]; echo $?)" \
  "sent $rows_sent/$total_sent, received $rows_received/$total_received"

# 4. A connection opened while the agent runs: named in the first view 2 s or more after it opened.
first_after=$(jq -c --argjson t "$((late_ms + 2000))" "
  select((.time | sub(\"\\\\.[0-9]+Z$\"; \"Z\") | fromdateiso8601) * 1000 + ((.time | capture(\"\\\\.(?<ms>[0-9]{3})\").ms // \"0\") | tonumber) >= \$t)
  | {time, owners: [.rows[] | select(.src_port == 41005) | $owner_of]}" "$work/view.jsonl" | head -n 1)
check "a new connection is attributed within 2 s" \
  "$([[ $(jq -r '.owners | join(" ")' <<<"$first_after") == "cli-late[${pid_of[cli-late]}]" ]]; echo $?)" \
  "opened at $late_ms ms; first view 2 s later: ${first_after:-none}"

grep -h "attribution:" "$work/agent.log" | tail -n 2 >&2 || true
((failures == 0)) || { echo "attribution test FAILED ($failures)"; cp -r "$work" /tmp/clustertop-attribution-failed; exit 1; }
echo "attribution test passed"
