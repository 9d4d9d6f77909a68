#!/bin/bash
# End-to-end test of egress cost attribution: five agents in three zones and two regions (one with
# no zone at all), an internet host, an object store and a private host outside the cluster, a collector with a cost file and a history. The collector's
# bytes per destination class equal the traffic sent, its cost equals bytes x price exactly (live,
# in /metrics and in the history), and a restarted collector reports the same from its history.
#
#   sudo test/netns/cost.sh        # CLUSTERTOP=/path/to/clustertop tests another launcher
#
# Exit status: 0 all checks passed, 1 a check failed, 77 skipped (not root, a tool missing, no
# launcher), as automake's test drivers read it.
#
# Topology: lib.sh's netns_cluster 5 internet, its static switch and management network
# (netns_switch_static, netns_management: the collector on 10.77.1.254, the agents' gRPC on mgmt0,
# so each eth0 carries the test's UDP only), and a second address on the internet host:
#
#   n1 10.77.0.1 zone-a region-1 ┐                          ┌ inet 203.0.113.1   (internet)
#   n2 10.77.0.2 zone-a region-1 │                          │
#   n3 10.77.0.3 zone-b region-1 ├─ switch ── router ───────┤
#   n4 10.77.0.4 zone-c region-2 │  10.77.0.254 (private:   └      203.0.113.130 (object-store,
#   n5 10.77.0.5 (no zone)       ┘  not a node)                    a named network 203.0.113.128/25)
#
# Traffic (our UDP generator, test/netns/udp.py: COUNT datagrams of PAYLOAD bytes, IPv4 without
# options, so COUNT x (PAYLOAD + 28) IP bytes), one flow per class:
#
#   from  to     count  payload   class          direction (who pays)
#   n1    n2      600    1000     same-zone      internal  (egress + ingress price: both ours)
#   n1    n3      500    1200     cross-zone     internal
#   n3    n4      400     900     cross-region   internal
#   n1    n5      350     700     unknown-zone   internal  (never taken for same-zone)
#   n2    rt      150     500     private        egress
#   n2    inet    300    1400     internet       egress
#   inet  n3      200     800     internet       ingress
#   n4    store   250    1100     object-store   egress
#
# Prices: the shipped defaults (USD per GB = 10^9 bytes: same-zone 0, cross-zone, unknown-zone and
# private 0.01 + 0.01, cross-region 0.02, internet 0.09 out and 0 in) and the test's file adding object-store at 0.004.
# Expected cost = bytes x (egress price, + ingress price for internal) / 10^9, computed here with
# Python's Decimal and compared exactly with the collector's decimal strings.
#
# Sequence:
#   1. Namespaces, sinks, quiet links; the collector (--config, --history), then the agents
#      (--zone, --region; none for n5); wait until the collector holds all five.
#   2. The traffic; wait until the links are quiet and the class view stops moving.
#   3. Checks: the live class view (rows, costs so far), /metrics (bytes and cost per node, class and
#      direction), then the history (`clustertop cost`, polled until the minute is written) by class
#      and by node.
#   4. Stop the collector (SIGTERM: it writes the minute in progress) and start it again on the same
#      history file: `clustertop cost` reports the same at once, and again after the restarted
#      collector wrote a minute of its own with the agents back (nothing counted twice).
#   5. Just after a minute is written, round 2 (cross-zone and internet ingress again); once the live
#      view holds it, SIGKILL the collector before the next minute is written; start it again: once
#      the agents are back and a minute is written, the history holds both rounds exactly.
set -euo pipefail
cd "$(dirname "$0")/../.."

source test/netns/lib.sh
netns_require ip bridge ss jq curl python3 timeout

nodes=5
collector_address=10.77.1.254:7447
metrics_url=http://10.77.1.254:9447/metrics
sink_port=9000
work=$(mktemp -d /tmp/clustertop-cost.XXXXXX)
netns_on_cleanup "rm -rf '$work'"

zone=([1]=zone-a zone-a zone-b zone-c "")
region=([1]=region-1 region-1 region-1 region-2 "")

#  from  to     count  payload  class         direction
traffic_table='
   n1    n2      600    1000    same-zone     internal
   n1    n3      500    1200    cross-zone    internal
   n3    n4      400     900    cross-region  internal
   n1    n5      350     700    unknown-zone  internal
   n2    rt      150     500    private       egress
   n2    inet    300    1400    internet      egress
   inet  n3      200     800    internet      ingress
   n4    store   250    1100    object-store  egress
'
# Round 2, after the restarts: a collector killed before it wrote these bytes.
round2_table='
   n2    n3      220     600    cross-zone    internal
   inet  n4      130    1000    internet      ingress
'
cat >"$work/cost.conf" <<'EOF'
# the test's object store: a named network inside the internet host's /24, which it wins over
network object-store 203.0.113.128/25
price object-store egress 0.004
EOF

failures=0
check() { # check NAME STATUS DETAIL
  if (($2 == 0)); then printf 'PASS %s: %s\n' "$1" "$3"; else printf 'FAIL %s: %s\n' "$1" "$3"; failures=$((failures + 1)); fi
}
info() { printf 'INFO %s\n' "$*"; }
same() { # same NAME GOT EXPECTED
  if [[ $2 == "$3" ]]; then check "$1" 0 "$2"; else check "$1" 1 "got $2; expected $3"; fi
}

address() { case $1 in inet) echo 203.0.113.1 ;; store) echo 203.0.113.130 ;; rt) echo 10.77.0.254 ;; n*) echo "10.77.0.${1#n}" ;; esac; }
who() { case $1 in inet | store) echo inet ;; rt) echo rt ;; *) echo "${1#n}" ;; esac; }

# --- the object store's address on the internet host --------------------------------------------
add_store() {
  ipn inet addr add 203.0.113.130/24 dev eth0
  ipn rt neigh add 203.0.113.130 lladdr "$(netns_mac 510)" dev eth1 nud permanent
}

# --- the product ---------------------------------------------------------------------------------
running() { [[ -r /proc/$1/stat && $(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) != Z ]]; }
_not_running() { ! running "$1"; }

collector_pid=
collector_runs=0
start_collector() {
  collector_runs=$((collector_runs + 1))
  local log="$work/collector.$collector_runs.err"
  say "starting the collector (run $collector_runs)"
  # --insecure: plaintext beyond loopback, in namespaces nothing else reaches (TLS is TlsTest's)
  n_bg mgmt "$clustertop" collector --listen "$collector_address" --metrics-listen 10.77.1.254:9447 --insecure \
    --config "$work/cost.conf" --history "$work/history.db" 2>"$log"
  collector_pid=$NETNS_PID
  _collector_up() { grep -qs 'listening on' "$log" || ! running "$collector_pid"; }
  netns_wait 60 "the collector's \"listening on\"" _collector_up || true
  if ! grep -qs 'listening on' "$log"; then
    check "collector $collector_runs starts" 1 "stderr: $(head -c 2000 "$log")"
    exit 1
  fi
}
stop_collector() {
  kill -TERM "$collector_pid" 2>/dev/null || true
  netns_wait 30 "the collector to stop" _not_running "$collector_pid" || kill -KILL "$collector_pid" 2>/dev/null || true
  wait "$collector_pid" 2>/dev/null || true
}

metric() { # metric NAME: its value from /metrics, or nothing
  n mgmt curl -s --max-time 2 "$metrics_url" 2>/dev/null | awk -v m="$1" '$1 == m { print $2; exit }'
}
_metric_at_least() { local v; v=$(metric "$1"); [[ -n $v ]] && ((${v%.*} >= $2)); }

agent_pids=()
start_agents() {
  local i
  for ((i = 1; i <= nodes; i++)); do
    n_bg "$i" timeout --kill-after=10 900 "$clustertop" agent --collector "$collector_address" -i eth0 \
      --node "n$i" --zone "${zone[i]}" --region "${region[i]}" --listen "10.77.1.$i:7448" --insecure 2>"$work/agent$i.err"
    agent_pids[i]=$NETNS_PID
  done
  for ((i = 1; i <= nodes; i++)); do
    _agent_ready() { grep -qs 'capturing on eth0' "$work/agent$1.err" || _netns_listening "$1" tcp 7448 ||
      ! running "${agent_pids[$1]}"; }
    netns_wait 60 "agent n$i to capture" _agent_ready "$i" || true
    running "${agent_pids[i]}" || { check "agent n$i starts" 1 "stderr: $(head -c 2000 "$work/agent$i.err")"; exit 1; }
  done
}
stop_agents() {
  local pid
  for pid in "${agent_pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${agent_pids[@]}"; do netns_wait 8 "agent $pid to end" _not_running "$pid" 2>/dev/null; done
}
netns_on_cleanup stop_agents

# --- expectations --------------------------------------------------------------------------------
# expect TABLE: expected.json, per class and per node {egress, ingress, internal, cost} of TABLE's traffic,
# and per class and direction the price charged, the bytes it was charged on and their cost.
expect() {
  "$python" - "$work/expected.json" <<EOF
import json, sys
from decimal import Decimal
price = {"same-zone": ("0", "0"), "cross-zone": ("0.01", "0.01"), "cross-region": ("0.02", "0"),
         "unknown-zone": ("0.01", "0.01"), "private": ("0.01", "0.01"), "internet": ("0.09", "0"),
         "object-store": ("0.004", "0")}
table = """$1"""
classes, nodes, prices = {}, {}, {}
def add(into, key, direction, nbytes, cost):
    e = into.setdefault(key, {"egress": 0, "ingress": 0, "internal": 0, "cost": Decimal(0)})
    e[direction] += nbytes
    e["cost"] += cost
for line in filter(str.strip, table.splitlines()):
    src, dst, count, payload, cls, direction = line.split()
    nbytes = int(count) * (int(payload) + 28)
    out, inn = (Decimal(p) for p in price[cls])
    per_unit = {"egress": out, "ingress": inn, "internal": out + inn}[direction]
    cost = Decimal(nbytes) * per_unit / Decimal(10**9)
    add(classes, cls, direction, nbytes, cost)
    add(nodes, dst if direction == "ingress" else src, direction, nbytes, cost)
    p = prices.setdefault(cls + " " + direction, {"price": str(per_unit), "bytes": 0, "cost": Decimal(0)})
    p["bytes"] += nbytes
    p["cost"] += cost
fix = lambda d: {k: {**v, "cost": str(v["cost"])} for k, v in d.items()}
json.dump({"classes": fix(classes), "nodes": fix(nodes), "prices": fix(prices)}, open(sys.argv[1], "w"), indent=1)
EOF
}

# compare NAME GOT_JSON WHAT: GOT_JSON maps keys to {egress, ingress, internal, cost}; compared with
# expected.json's WHAT (classes or nodes), bytes exactly and cost as exact decimals.
compare() {
  local verdict
  verdict=$("$python" - "$work/expected.json" "$3" "$2" <<'EOF'
import json, sys
from decimal import Decimal
want = json.load(open(sys.argv[1]))[sys.argv[2]]
got = json.load(open(sys.argv[3]))
bad = []
for k in sorted(set(want) | set(got)):
    w, g = want.get(k), got.get(k)
    if w is None or g is None:
        if g is not None and g["egress"] == g["ingress"] == g["internal"] == 0 and Decimal(g["cost"]) == 0:
            continue
        bad.append(f"{k}: expected {w}, got {g}")
        continue
    if any(w[d] != g[d] for d in ("egress", "ingress", "internal")) or Decimal(w["cost"]) != Decimal(g["cost"]):
        bad.append(f"{k}: expected {w}, got {g}")
print("ok " + "; ".join(f"{k} {g['egress']}/{g['ingress']}/{g['internal']} B = {g['cost']}" for k, g in sorted(got.items()))
      if not bad else "bad " + "; ".join(bad))
EOF
  ) || verdict="bad (comparison failed)"
  check "$1" $([[ $verdict == ok* ]] && echo 0 || echo 1) "${verdict#* }"
}

# report FILE BY: `clustertop cost --by BY --format json` from the management namespace.
report() {
  n mgmt timeout 60 "$clustertop" cost --connect "$collector_address" --since 1h --by "$2" --format json \
    >"$1" 2>"$1.err"
}
# history_as FILE OUT: a cost report's lines as {key: {egress, ingress, internal, cost}}.
history_as() {
  jq '[.lines[] | {key: .key, value: {egress: .egress_bytes, ingress: .ingress_bytes, internal: .internal_bytes, cost: .cost}}]
    | from_entries' "$1" >"$2"
}
_history_total() { # _history_total BYTES: the history's total is BYTES
  report "$work/poll.json" class && [[ $(jq -r '.total.bytes' "$work/poll.json" 2>/dev/null) == "$1" ]]
}

# ==================================================================================================
netns_cluster "$nodes" internet
netns_switch_static "$nodes"
netns_management "$nodes"
add_store
for name in n1 n2 n3 n4 n5 rt inet store; do
  n_bg "$(who "$name")" "$python" test/netns/udp.py sink "$(address "$name")" "$sink_port" "$work/sink.$name"
done
for name in 1 2 3 4 5 rt inet; do netns_wait_listen "$name" udp "$sink_port"; done
netns_wait_quiet_all "$nodes"

start_collector
start_agents
if netns_wait 60 "the collector to hold $nodes connected agents" _metric_at_least clustertop_agents_connected "$nodes"; then
  check "collector holds the agents" 0 "clustertop_agents_connected $(metric clustertop_agents_connected)"
else
  check "collector holds the agents" 1 "clustertop_agents_connected $(metric clustertop_agents_connected)"
  exit 1
fi

total_bytes=0
send() { # send TABLE: its lines, one after the other; total_bytes grows with them
  local from to count size
  while read -r from to count size _; do
    [[ -n $from ]] || continue
    say "$from -> $to: $count x $size B payload = $((count * (size + 28))) IP bytes"
    n "$(who "$from")" "$python" test/netns/udp.py send "$(address "$from")" "$(address "$to")" "$sink_port" "$count" "$size"
    total_bytes=$((total_bytes + count * (size + 28)))
  done <<<"$1"
  netns_wait_quiet_all "$nodes"
}
expect "$traffic_table"
send "$traffic_table"
info "sinks received (datagrams bytes): $(for s in n1 n2 n3 n4 n5 rt inet store; do printf '%s %s; ' "$s" "$(cat "$work/sink.$s")"; done)"

# (1) Live: the destination-class view. Settled once two snapshots 2 s apart agree on the total.
_live_settled() {
  n mgmt timeout 60 "$clustertop" console --connect "$collector_address" --group classes --json -s 3 -L 50 -n -N \
    >"$work/live.json" 2>"$work/live.err" || return 1
  [[ $(jq '.totals.sent_bytes + .totals.recv_bytes' "$work/live.json") == "$total_bytes" ]]
}
netns_wait 60 "the live class view to hold every byte" _live_settled || true
jq '[.rows[] | {key: .cost.label, value: {sent: .sent_bytes, recv: .recv_bytes, cost: .cost.so_far}}] | from_entries' \
  "$work/live.json" >"$work/live.classes.json" 2>/dev/null || echo '{}' >"$work/live.classes.json"
live=$("$python" - "$work/expected.json" "$work/live.classes.json" <<'EOF'
import json, sys
from decimal import Decimal
want = json.load(open(sys.argv[1]))["classes"]
got = json.load(open(sys.argv[2]))
bad = [k for k in set(want) | set(got)
       if k not in want or k not in got
       or got[k]["sent"] != want[k]["egress"] + want[k]["internal"] or got[k]["recv"] != want[k]["ingress"]
       or Decimal(got[k]["cost"]) != Decimal(want[k]["cost"])]
print(("bad " if bad else "ok ") + json.dumps(got, sort_keys=True) + (" expected " + json.dumps(want, sort_keys=True) if bad else ""))
EOF
)
check "live: class rows (sent, received, cost so far) = the traffic, bytes x price" $([[ $live == ok* ]] && echo 0 || echo 1) "${live#* }"
same "live: total cost so far" "$(jq -r '.cost.so_far' "$work/live.json" 2>/dev/null)" \
  "$(jq -r '[.classes[].cost] | join(" ")' "$work/expected.json" | "$python" -c 'import sys; from decimal import Decimal; print(format(sum(map(Decimal, sys.stdin.read().split())).normalize(), "f"))')"

# (2) /metrics: bytes and cost per node, class and direction, summed per class here.
n mgmt curl -s --max-time 5 "$metrics_url" >"$work/metrics.txt" || true
awk '$1 ~ /^clustertop_cost_(bytes_)?total\{/' "$work/metrics.txt" | "$python" -c '
import json, re, sys
from decimal import Decimal
out = {}
for line in sys.stdin:
    name, value = line.split()
    labels = dict(re.findall(r"(\w+)=\"([^\"]*)\"", name))
    e = out.setdefault(labels["class"], {"egress": 0, "ingress": 0, "internal": 0, "cost": Decimal(0)})
    if name.startswith("clustertop_cost_bytes_total"):
        e[labels["direction"]] += int(value)
    else:
        e["cost"] += Decimal(value)
json.dump({k: {**v, "cost": str(v["cost"])} for k, v in out.items()}, sys.stdout)' >"$work/metrics.classes.json"
compare "/metrics: clustertop_cost_bytes_total and clustertop_cost_total by class" "$work/metrics.classes.json" classes

# (3) The history, once the minute is written (5 s into the next minute).
if netns_wait 90 "the history to hold every byte" _history_total "$total_bytes"; then
  check "history: the minute was written" 0 "$(jq -c .total "$work/poll.json")"
else
  check "history: the minute was written" 1 "$(cat "$work/poll.json" "$work/poll.json.err" 2>/dev/null | head -c 1000)"
fi
report "$work/history.class.1.json" class
report "$work/history.node.1.json" node
history_as "$work/history.class.1.json" "$work/h.class.1.json"
history_as "$work/history.node.1.json" "$work/h.node.1.json"
compare "history: by class = the traffic, cost = bytes x price" "$work/h.class.1.json" classes
compare "history: by node (the sender pays; ingress to the receiver)" "$work/h.node.1.json" nodes
# which bytes each price was charged on: per class and direction, the price (egress + ingress between
# nodes), the bytes and their cost, exactly as the traffic sent
prices=$("$python" - "$work/expected.json" "$work/history.class.1.json" <<'EOF'
import json, sys
from decimal import Decimal
want = json.load(open(sys.argv[1]))["prices"]
got = {p["class"] + " " + p["direction"]: p for p in json.load(open(sys.argv[2]))["prices"] if p["bytes"] != 0}
bad = [k for k in set(want) | set(got)
       if k not in want or k not in got or got[k]["unit_bytes"] != 10**9
       or Decimal(got[k]["price"]) != Decimal(want[k]["price"]) or got[k]["bytes"] != want[k]["bytes"]
       or Decimal(got[k]["cost"]) != Decimal(want[k]["cost"])]
print(("bad " if bad else "ok ") + "; ".join(f"{k} {got[k]['bytes']} B at {got[k]['price']} = {got[k]['cost']}"
                                            for k in sorted(got)) + (" expected " + json.dumps(want) if bad else ""))
EOF
) || prices="bad (comparison failed)"
check "history: each price with the bytes it was charged on" $([[ $prices == ok* ]] && echo 0 || echo 1) "${prices#* }"
n mgmt timeout 60 "$clustertop" cost --connect "$collector_address" --since 1h --by class >"$work/history.table.txt" 2>&1 || true
info "clustertop cost --by class:"$'\n'"$(cat "$work/history.table.txt")"

# (4) Restart: the history survives, and the restarted collector counts nothing twice.
say "restarting the collector"
stop_collector
start_collector
report "$work/history.class.2.json" class
same "restart: the history reports the same at once" "$(jq -c '[.lines, .total]' "$work/history.class.2.json" 2>/dev/null)" \
  "$(jq -c '[.lines, .total]' "$work/history.class.1.json")"
netns_wait 60 "the agents' full states" _metric_at_least clustertop_ingest_full_states_total "$nodes" || true
writes_before=$(metric clustertop_history_writes_total)
netns_wait 90 "the restarted collector to write a minute" _metric_at_least clustertop_history_writes_total $((${writes_before:-0} + 1)) || true
report "$work/history.class.3.json" class
history_as "$work/history.class.3.json" "$work/h.class.3.json"
compare "restart: after a minute written with the agents back, still the traffic exactly" "$work/h.class.3.json" classes

# (5) A crash: round 2 is counted live, the collector is killed (SIGKILL) before its minute is written,
# and the restarted one writes those bytes once the agents are back (their cumulative figures less
# the baselines in the file), nothing twice.
netns_wait 90 "the next minute written" _metric_at_least clustertop_history_writes_total $(($(metric clustertop_history_writes_total) + 1)) || true
before_crash=$(metric clustertop_history_writes_total)
send "$round2_table"
expect "$traffic_table$round2_table"
netns_wait 60 "the live class view to hold round 2" _live_settled || true
report "$work/history.class.4.json" class
written=$(jq -r '.total.bytes' "$work/history.class.4.json" 2>/dev/null)
if [[ $(metric clustertop_history_writes_total) == "$before_crash" ]]; then
  info "crash: round 2 is in the live view, not yet in the history (it holds $written bytes of $total_bytes)"
else
  info "crash: a minute was written before the kill, so the crash lost nothing anyway (a slow machine); checked all the same"
fi
say "killing the collector (SIGKILL)"
kill -KILL "$collector_pid"
wait "$collector_pid" 2>/dev/null || true
start_collector
netns_wait 60 "the agents' full states" _metric_at_least clustertop_ingest_full_states_total "$nodes" || true
netns_wait 90 "the history to hold round 2" _history_total "$total_bytes" || true
report "$work/history.class.5.json" class
history_as "$work/history.class.5.json" "$work/h.class.5.json"
compare "crash: both rounds in the history exactly, after a SIGKILL and a restart" "$work/h.class.5.json" classes

if ((failures)); then
  printf 'FAIL: %d check(s) failed; output in %s (kept)\n' "$failures" "$work"
  # shellcheck disable=SC2034 # lib.sh's
  NETNS_CLEANUPS=(stop_agents stop_collector)
  exit 1
fi
printf 'PASS: all checks\n'
