# shellcheck shell=bash
# What the container naming tests (test/docker/attribution.sh, test/containerd/attribution.sh)
# share: a root file system of busybox-static, and the node they run on. Source it after lib.sh.
#
#   (containers' links to nd, made by each test: 10.77.1.0/24, 10.77.2.0/24)
#   ┌─────────────────────┴──────────────────────┐
#   │ nd (the node; forwards), eth0 10.77.0.1/24 │  collector, agent -i eth0 (+ the test's options)
#   └─────────────────────┬──────────────────────┘
#                         │ veth (captured)
#   ┌─────────────────────┴──────────────────────┐
#   │ out 10.77.0.2/24: srv-out (TCP 5001)       │  routes to 10.77.1.0/24, 10.77.2.0/24 via nd
#   └────────────────────────────────────────────┘

# containers_require_busybox: sets $busybox to a static busybox (Debian's busybox-static), or SKIP.
containers_require_busybox() {
  busybox=$(command -v /bin/busybox busybox | head -n 1)
  [[ -n $busybox && $(LC_ALL=C ldd "$busybox" 2>&1) == *"not a dynamic executable"* ]] ||
    netns_skip "needs a static busybox (Debian's busybox-static) for the containers' root file systems"
}

# containers_rootfs DIR: a root file system in DIR: busybox, with sh, nc, sleep and head.
containers_rootfs() {
  local tool
  mkdir -p "$1/bin"
  cp "$busybox" "$1/bin/busybox"
  for tool in sh nc sleep head; do
    ln -s busybox "$1/bin/$tool"
  done
}

# containers_node: the namespaces nd and out, linked and routed as drawn above.
containers_node() {
  netns_add nd noipv6
  netns_add out noipv6
  netns_link nd eth0 out eth0
  ipn nd addr add 10.77.0.1/24 dev eth0
  n nd sysctl -qw net.ipv4.ip_forward=1
  ipn out addr add 10.77.0.2/24 dev eth0
  ipn out route add 10.77.1.0/24 via 10.77.0.1
  ipn out route add 10.77.2.0/24 via 10.77.0.1
  netns_wait_up nd eth0
}

# containers_agent LOGDIR AGENT_OPTION...: in nd, a collector (127.0.0.1:7447) and an agent on
# eth0 serving its view on 127.0.0.1:7448, logs in LOGDIR; in out, srv-out on TCP 5001.
containers_agent() {
  local logs=$1
  shift
  n_bg nd "$clustertop" collector --listen 127.0.0.1:7447 >/dev/null 2>"$logs/collector.log"
  netns_wait_listen nd tcp 7447
  n_bg nd "$clustertop" agent -i eth0 --node nd --collector 127.0.0.1:7447 --listen 127.0.0.1:7448 "$@" \
    >/dev/null 2>"$logs/agent.log"
  netns_wait_listen nd tcp 7448
  n_bg out "$python" "$PWD/test/netns/attribution.py" server srv-out 5001 5002
  netns_wait_listen out tcp 5001
}

# containers_ended PID: the engine's process has ended (gone, or a zombie waiting for the test's
# shell to reap it).
containers_ended() { [[ ! -e /proc/$1 || $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) == Z ]]; }

# check NAME CONDITION_STATUS DETAIL: prints PASS or FAIL with DETAIL; failures counts the FAILs.
failures=0
check() {
  if (($2 == 0)); then printf 'PASS %s: %s\n' "$1" "$3"; else printf 'FAIL %s: %s\n' "$1" "$3"; failures=$((failures + 1)); fi
}
