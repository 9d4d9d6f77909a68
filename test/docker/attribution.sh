#!/bin/bash
# End-to-end test of container names on a real Docker engine: containers named by the test send
# traffic through a node's uplink, and the agent's rows by container name them.
#
#   sudo test/docker/attribution.sh       # CLUSTERTOP=/path/to/clustertop tests another launcher
#
# Exit status: 0 all checks passed, 1 a check failed, 77 skipped (not root, dockerd, docker or
# busybox-static missing, or dockerd cannot start here: its log says why).
#
# The test starts its OWN engine and never touches another one's: dockerd with its data, exec
# root, pid file and API socket under a temporary directory, no iptables, no IP forwarding or
# masquerading, no default bridge (--bridge=none). Its image is made here: a root file system of
# Debian's busybox-static with a few links, loaded with `docker import` (no registry). Containers
# run with --network none; the test wires each one's namespace to the node itself:
#
#   ┌──────────────────────────┐ ┌──────────────────────────┐
#   │ container ct-web         │ │ container ct-db          │   busybox: a shell loop feeding nc,
#   │ eth0 10.77.1.2/24        │ │ eth0 10.77.2.2/24        │   about 200 KB/s each, to out:5001
#   └────────────┬─────────────┘ └────────────┬─────────────┘
#                │ veth                       │ veth
#   ┌────────────┴────────────────────────────┴──┐
#   │ nd (the node; forwards): cw 10.77.1.1,     │  collector, agent -i eth0 --docker-socket OURS
#   │ cd 10.77.2.1, eth0 10.77.0.1/24            │
#   └─────────────────────┬──────────────────────┘
#                         │ veth (captured)
#   ┌─────────────────────┴──────────────────────┐
#   │ out 10.77.0.2/24: srv-out (TCP 5001)       │
#   └────────────────────────────────────────────┘
#
# Checks, on the agent's rows by container and by process (JSON), once both have sent for a while:
#   - a row named ct-web and one named ct-db (Docker's names, from its API over our socket), each
#     with the traffic of its own container's conversation (its own address's port 5001 traffic);
#   - the processes of those rows are the containers' own (their pids are in the container's
#     cgroup, as `docker top` lists them).
set -euo pipefail
cd "$(dirname "$0")/../.."

source test/netns/lib.sh
source test/netns/containers.sh
netns_require ip jq python3
command -v dockerd >/dev/null || netns_skip "needs dockerd (setup.sh installs Debian's docker.io)"
docker=$(command -v /usr/bin/docker docker | head -n 1)
[[ -n $docker ]] || netns_skip "needs the docker client"
containers_require_busybox

work=$(mktemp -d /tmp/clustertop-docker.XXXXXX)
engine="$work/engine"
mkdir -p "$engine"
d() { "$docker" -H "unix://$engine/docker.sock" "$@"; }
stop_engine() {
  d rm -f ct-web ct-db >/dev/null 2>&1
  if [[ -n ${dockerd_pid:-} ]]; then
    kill "$dockerd_pid" 2>/dev/null
    netns_wait 20 "our dockerd to stop" containers_ended "$dockerd_pid" 2>/dev/null || kill -KILL "$dockerd_pid" 2>/dev/null
    wait "$dockerd_pid" 2>/dev/null
  fi
  # dockerd unmounts its layers when it stops; anything left is ours alone, under $work.
  grep -F " $work/" /proc/mounts | cut -d' ' -f2 | sort -r | xargs -r -n 1 umount -l 2>/dev/null
  rm -rf "$work"
}
netns_on_cleanup stop_engine

say "our own dockerd, under $engine"
dockerd --data-root "$engine/data" --exec-root "$engine/exec" -H "unix://$engine/docker.sock" \
  --pidfile "$engine/docker.pid" --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
  --bridge=none >"$engine/dockerd.log" 2>&1 &
dockerd_pid=$!
engine_up() { [[ -S $engine/docker.sock ]] && d version >/dev/null 2>&1; }
if ! netns_wait 60 "dockerd to answer" engine_up 2>/dev/null; then
  netns_skip "dockerd cannot start here: $(tail -n 3 "$engine/dockerd.log" | tr '\n' ' ')"
fi

say "the image: busybox-static, imported"
containers_rootfs "$work/rootfs"
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
d import "$work/rootfs.tar" clustertop-busybox:test >/dev/null

say "namespaces: the node and the far end"
containers_node

say "containers ct-web and ct-db (--network none), wired to the node"
declare -A address=([ct-web]=10.77.1.2 [ct-db]=10.77.2.2) link=([ct-web]=cw [ct-db]=cd) subnet=([ct-web]=1 [ct-db]=2)
declare -A container_pid
for name in ct-web ct-db; do
  d run -d --name "$name" --network none clustertop-busybox:test /bin/sleep 3600 >/dev/null
  pid=$(d inspect -f '{{.State.Pid}}' "$name")
  container_pid[$name]=$pid
  ipn nd link add "${link[$name]}" type veth peer name eth0 netns "$pid"
  ipn nd addr add "10.77.${subnet[$name]}.1/24" dev "${link[$name]}"
  ipn nd link set "${link[$name]}" up
  nsenter -t "$pid" -n ip addr add "${address[$name]}/24" dev eth0
  nsenter -t "$pid" -n ip link set eth0 up
  nsenter -t "$pid" -n ip route add default via "10.77.${subnet[$name]}.1"
  netns_wait_up nd "${link[$name]}"
done

say "collector and agent in $(netns_name nd), capturing on eth0, names from our engine"
containers_agent "$work" --docker-socket "$engine/docker.sock"

say "traffic from inside the containers"
for name in ct-web ct-db; do
  d exec -d "$name" /bin/sh -c '(while :; do head -c 20000 /dev/zero; sleep 0.1; done) | nc 10.77.0.2 5001'
done

# view GROUPING: the agent's rows, one JSON report after 3 s.
view() {
  n nd "$clustertop" console --connect 127.0.0.1:7448 --group "$1" -n -N -P --json -L 1000 -s 3 2>>"$work/console.log" |
    tail -n 1
}
# named NAME: the container view has a row for NAME with traffic both ways.
named() {
  view containers >"$work/containers.json"
  jq -e --arg c "$1" '[.rows[] | select((.src | sub(":[0-9]+$"; "")) == $c and .sent_bytes > 0 and .recv_bytes > 0)] | length > 0' \
    "$work/containers.json" >/dev/null
}
for name in ct-web ct-db; do
  if netns_wait 30 "a row named $name" named "$name" 2>/dev/null; then
    check "the view names $name" 0 "$(jq -c --arg c "$name" '[.rows[] | select((.src | sub(":[0-9]+$"; "")) == $c)
      | {src, dst, sent_bytes, recv_bytes}]' "$work/containers.json")"
  else
    check "the view names $name" 1 "rows: $(jq -c '[.rows[] | {src, dst, sent_bytes}]' "$work/containers.json" 2>/dev/null)"
  fi
done

# Each container's conversations are its own processes': the row by process with the same local
# port (the port its nc connected from) names a pid of that container (`docker top`).
processes=$(view processes)
for name in ct-web ct-db; do
  pids=" $(d top "$name" -o pid | tail -n +2 | tr -s ' \n' ' ') "
  ports=$(jq -r --arg c "$name" '[.rows[] | select((.src | sub(":[0-9]+$"; "")) == $c) | .src_port] | join(" ")' \
    "$work/containers.json")
  owners=$(jq -r --arg ports " $ports " '[.rows[] | select(.dst_port == 5001) | select(.src_port as $p | $ports | contains(" \($p) "))
    | .src | sub(":[0-9]+$"; "")] | join(" ")' <<<"$processes")
  foreign=0
  for owner in $owners; do
    pid=${owner##*[}
    [[ $pids == *" ${pid%]} "* ]] || foreign=1
  done
  check "$name's rows are its own processes" "$([[ -n $owners && $foreign == 0 ]]; echo $?)" \
    "local ports $ports: $owners; the container's pids:$pids"
done
wrong=$(jq -r '[.rows[] | select(.dst_port == 5001) | .src | sub(":[0-9]+$"; "")
  | select(test("^(ct-web|ct-db)$") | not)] | join(" ")' "$work/containers.json")
check "every conversation to out:5001 is a container's" "$([[ -z $wrong ]]; echo $?)" "${wrong:-none elsewhere}"

say "the agent's rows by container and by process, as text mode prints them"
n nd "$clustertop" console --connect 127.0.0.1:7448 --group containers -n -N -t -s 3 -L 5 2>/dev/null | sed -n '1,8p'
n nd "$clustertop" console --connect 127.0.0.1:7448 --group processes -n -N -P -t -s 3 -L 5 2>/dev/null | sed -n '1,8p'

((failures == 0)) || { echo "docker attribution test FAILED ($failures)"; cp "$work"/*.json "$work"/*.log /tmp/ 2>/dev/null; exit 1; }
echo "docker attribution test passed"
