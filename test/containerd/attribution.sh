#!/bin/bash
# End-to-end test of container names from containerd: two containers run by a containerd of the
# test's own, one with the labels Kubernetes' CRI plugin puts on a pod's container, send traffic
# through a node's uplink; the agent's rows by container name the first namespace/pod/container
# and the second by its id, with exactly the bytes and packets that crossed each one's link.
#
#   sudo test/containerd/attribution.sh     # CLUSTERTOP=/path/to/clustertop tests another launcher
#
# Exit status: 0 all checks passed, 1 a check failed, 77 skipped (not root, containerd, ctr, runc
# or busybox-static missing, or containerd cannot start here: its log says why).
#
# The test starts its OWN containerd and never touches another one: its root, state, runc root,
# socket and config under a temporary directory, the CRI plugin off (the machine's
# /etc/containerd/config.toml is not read). No image: each container's root file system is a
# directory holding Debian's busybox-static (`ctr run --rootfs`). Containers are made in
# containerd's k8s.io namespace (the CRI plugin's) with ctr's default cgroup, /k8s.io/ID, and 64-hex
# ids as the CRI plugin makes them. Each gets a network namespace of its own from runc, which the
# test wires to the node:
#
#   ┌──────────────────────────┐ ┌──────────────────────────┐
#   │ web: labels shop/web-1/  │ │ plain: no labels         │   busybox: nc sends 300,000
#   │ web, eth0 10.77.1.2/24   │ │ eth0 10.77.2.2/24        │   bytes to out:5001, then idles
#   └────────────┬─────────────┘ └────────────┬─────────────┘   (the connection stays open)
#                │ veth cw                    │ veth cp
#   ┌────────────┴────────────────────────────┴──┐
#   │ nd (the node; forwards): cw 10.77.1.1,     │  collector, agent -i eth0
#   │ cp 10.77.2.1, eth0 10.77.0.1/24            │    --containerd-socket OURS
#   └─────────────────────┬──────────────────────┘
#                         │ veth (captured)
#   ┌─────────────────────┴──────────────────────┐
#   │ out 10.77.0.2/24: srv-out (TCP 5001)       │
#   └────────────────────────────────────────────┘
#
# The containers' links are quiet (no IPv6, static neighbours): every frame on cw and cp is the
# container's one conversation, so the kernel's counters of cw and cp are the figures to match.
#
# Checks, on the agent's rows by container and by process (JSON), once the traffic has ended:
#   - the web container's conversation is named shop/web-1/web (from containerd's API over our
#     socket), the plain one's by its short id;
#   - each row's bytes and packets, both ways, equal the kernel's counters of its container's link
#     (IP bytes: the counters less 14 bytes of Ethernet header a frame);
#   - the processes of those rows are the containers' own (their cgroup is /k8s.io/ID);
#   - the agent said it reached containerd's API.
set -euo pipefail
cd "$(dirname "$0")/../.."

source test/netns/lib.sh
source test/netns/containers.sh
netns_require ip jq python3 nsenter sha256sum
for tool in containerd ctr runc containerd-shim-runc-v2; do
  command -v "$tool" >/dev/null || netns_skip "needs $tool (setup.sh installs Debian's docker.io, which brings them)"
done
containers_require_busybox

work=$(mktemp -d /tmp/clustertop-containerd.XXXXXX)
engine="$work/engine"
socket="$engine/containerd.sock"
mkdir -p "$engine"
c() { ctr --address "$socket" -n k8s.io "$@"; }
new_id() { head -c 32 /dev/urandom | sha256sum | cut -c 1-64; }
declare -A id=([web]=$(new_id) [plain]=$(new_id))
# runc makes /k8s.io in each cgroup hierarchy; the ones that were not there before are removed.
cgroups_before=$(ls -d /sys/fs/cgroup/k8s.io /sys/fs/cgroup/*/k8s.io 2>/dev/null || true)
stop_engine() {
  local name dir
  if [[ -n ${containerd_pid:-} ]]; then
    for name in web plain; do
      c task kill -s KILL "${id[$name]}" >/dev/null 2>&1
    done
    for name in web plain; do
      netns_wait 10 "$name's task to stop" _task_stopped "${id[$name]}" 2>/dev/null
      c task delete "${id[$name]}" >/dev/null 2>&1
      c container delete "${id[$name]}" >/dev/null 2>&1
    done
    kill "$containerd_pid" 2>/dev/null
    netns_wait 20 "our containerd to stop" containers_ended "$containerd_pid" 2>/dev/null || kill -KILL "$containerd_pid" 2>/dev/null
    wait "$containerd_pid" 2>/dev/null
  fi
  # runc's mounts live in the containers' mount namespaces; anything left under $work is ours alone.
  grep -F " $work/" /proc/mounts | cut -d' ' -f2 | sort -r | xargs -r -n 1 umount -l 2>/dev/null
  for dir in /sys/fs/cgroup/k8s.io /sys/fs/cgroup/*/k8s.io; do
    [[ -d $dir && $cgroups_before != *"$dir"* ]] && rmdir "$dir" 2>/dev/null # only if empty: others' stay
  done
  rm -rf "$work"
}
_task_stopped() { [[ $(c task ls 2>/dev/null | awk -v i="$1" '$1 == i {print $3}') != RUNNING ]]; }
netns_on_cleanup stop_engine

say "our own containerd, under $engine"
cat >"$engine/config.toml" <<EOF
version = 2
root = "$engine/root"
state = "$engine/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$socket"
[ttrpc]
  address = "$socket.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$engine/opt"
EOF
containerd --config "$engine/config.toml" >"$engine/containerd.log" 2>&1 &
containerd_pid=$!
engine_up() { [[ -S $socket ]] && ctr --address "$socket" version >/dev/null 2>&1; }
if ! netns_wait 60 "containerd to answer" engine_up 2>/dev/null; then
  netns_skip "containerd cannot start here: $(tail -n 3 "$engine/containerd.log" | tr '\n' ' ')"
fi

say "namespaces: the node and the far end"
containers_node

say "collector and agent in $(netns_name nd), capturing on eth0, names from our containerd"
containers_agent "$work" --containerd-socket "$socket"

say "containers web (a pod's labels) and plain (none), each in a network namespace of its own, wired to the node"
declare -A address=([web]=10.77.1.2 [plain]=10.77.2.2) link=([web]=cw [plain]=cp) subnet=([web]=1 [plain]=2)
declare -A labels=([web]="--label io.kubernetes.pod.namespace=shop --label io.kubernetes.pod.name=web-1 --label io.kubernetes.container.name=web" [plain]="")
declare -A container_pid
for name in web plain; do
  rootfs="$work/rootfs-$name"
  containers_rootfs "$rootfs"
  # It waits for its link, sends 300,000 bytes and keeps the connection open (so it has a socket
  # when the agent looks), until the test ends.
  # shellcheck disable=SC2086 # the labels are words
  c run -d --null-io --rootfs --runc-root "$engine/runc" --pid-file "$work/$name.pid" ${labels[$name]} \
    "$rootfs" "${id[$name]}" /bin/sh -c \
    'while [ ! -e /go ]; do sleep 0.1; done; (head -c 300000 /dev/zero; exec sleep 3600) | nc 10.77.0.2 5001'
  pid=$(<"$work/$name.pid")
  container_pid[$name]=$pid
  s=${subnet[$name]}
  nsenter -t "$pid" -n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ipn nd link add "${link[$name]}" address "$(netns_mac $((10 + s)))" type veth \
    peer name eth0 address "$(netns_mac $((20 + s)))" netns "$pid"
  ipn nd addr add "10.77.$s.1/24" dev "${link[$name]}"
  ipn nd neigh add "${address[$name]}" lladdr "$(netns_mac $((20 + s)))" dev "${link[$name]}" nud permanent
  ipn nd link set "${link[$name]}" up
  nsenter -t "$pid" -n ip addr add "${address[$name]}/24" dev eth0
  nsenter -t "$pid" -n ip link set eth0 up
  nsenter -t "$pid" -n ip neigh add "10.77.$s.1" lladdr "$(netns_mac $((10 + s)))" dev eth0 nud permanent
  nsenter -t "$pid" -n ip route add default via "10.77.$s.1"
  netns_wait_up nd "${link[$name]}"
done
say "their cgroups, as runc made them: $(grep -m 1 memory "/proc/${container_pid[web]}/cgroup")"

say "traffic from inside the containers"
_sent() { # the node has received more than the payload from the container
  local rx
  read -r _ rx _ _ < <(netns_counters nd "${link[$1]}")
  ((rx > 300000))
}
declare -A before
for name in web plain; do
  before[$name]=$(netns_counters nd "${link[$name]}")
  touch "$work/rootfs-$name/go"
done
for name in web plain; do
  netns_wait 20 "$name to send its 300,000 bytes" _sent "$name" 2>/dev/null || true
done
for name in web plain; do
  netns_wait_quiet nd "${link[$name]}"
done
sleep 5 # the slot being filled, then a whole one, closed after the last packet

# view GROUPING: the agent's rows, one JSON report after 3 s.
view() {
  n nd "$clustertop" console --connect 127.0.0.1:7448 --group "$1" -n -N -P --json -L 1000 -s 3 2>>"$work/console.log" |
    tail -n 1
}
view containers >"$work/containers.json"
processes=$(view processes)
declare -A expected=([web]=shop/web-1/web [plain]=${id[plain]:0:12})
for name in web plain; do
  label=${expected[$name]}
  row=$(jq -c --arg c "$label" '[.rows[] | select((.src | sub(":[0-9]+$"; "")) == $c and .dst_port == 5001)]' \
    "$work/containers.json")
  check "the view names $name $label" "$([[ $(jq length <<<"$row") == 1 ]]; echo $?)" \
    "$(jq -c '[.[] | {src, dst, sent_bytes, recv_bytes}]' <<<"$row"); all rows: $(jq -c '[.rows[] | .src]' "$work/containers.json")"
  # The node's cw/cp: received is what the container sent, transmitted what it received.
  read -r tx0 rx0 txp0 rxp0 <<<"${before[$name]}"
  read -r tx1 rx1 txp1 rxp1 < <(netns_counters nd "${link[$name]}")
  want="$((rx1 - rx0 - 14 * (rxp1 - rxp0))) $((tx1 - tx0 - 14 * (txp1 - txp0))) $((rxp1 - rxp0)) $((txp1 - txp0))"
  got=$(jq -r '[.[0].sent_bytes, .[0].recv_bytes, .[0].sent_packets, .[0].recv_packets] | map(tostring) | join(" ")' <<<"$row")
  check "$label's bytes and packets are its link's" "$([[ $got == "$want" ]]; echo $?)" \
    "sent, received bytes, packets: $got; the kernel's counters of ${link[$name]}: $want"
  # The same conversation by process: its local port names a process in the container's cgroup.
  port=$(jq -r '.[0].src_port // empty' <<<"$row")
  owner=$(jq -r --argjson p "${port:-0}" '[.rows[] | select(.src_port == $p and .dst_port == 5001) | .src | sub(":[0-9]+$"; "")] | join(" ")' \
    <<<"$processes")
  pid=${owner##*[}
  pid=${pid%]}
  cgroup=$(grep -m 1 memory "/proc/$pid/cgroup" 2>/dev/null || true)
  check "$label's conversation is its own process's" "$([[ -n $owner && $cgroup == *":/k8s.io/${id[$name]}" ]]; echo $?)" \
    "local port ${port:-none}: ${owner:-no row}; its cgroup: ${cgroup:-none}"
done
reached=$(grep -c "container names: containerd's API at $socket (namespaces k8s.io) answers" "$work/agent.log" || true)
check "the agent said it reached containerd's API" "$([[ $reached == 1 ]]; echo $?)" \
  "$(grep -m 1 "container names" "$work/agent.log" || echo "nothing in its log")"

say "the agent's rows by container and by process, as text mode prints them"
n nd "$clustertop" console --connect 127.0.0.1:7448 --group containers -n -N -t -s 3 -L 5 2>/dev/null | sed -n '1,8p'
n nd "$clustertop" console --connect 127.0.0.1:7448 --group processes -n -N -P -t -s 3 -L 5 2>/dev/null | sed -n '1,8p'

((failures == 0)) || { echo "containerd attribution test FAILED ($failures)"; cp "$work"/*.json "$work"/*.log "$engine"/*.log /tmp/ 2>/dev/null; exit 1; }
echo "containerd attribution test passed"
