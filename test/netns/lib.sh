# shellcheck shell=bash
# Network-namespace helpers for clustertop's end-to-end tests, after WireGuard's netns.sh.
# Source it (do not run it); it needs root, iproute2 and bash 5.
#
# netns_cluster N [internet] builds this topology (names carry the run's prefix, default ct$$):
#
#   ┌───────────────────┐ ┌───────────────────┐       ┌───────────────────┐
#   │ ${PREFIX}-n1      │ │ ${PREFIX}-n2      │  ...  │ ${PREFIX}-nN      │
#   │ eth0 10.77.0.1/16 │ │ eth0 10.77.0.2/16 │       │ eth0 10.77.0.N/16 │
#   │      fd77::1/64   │ │      fd77::2/64   │       │      fd77::N/64   │
#   │ mac 02:77:0:0:0:1 │ │ mac 02:77:0:0:0:2 │       │ mac 02:77:0:0:0:N │
#   └─────────┬─────────┘ └─────────┬─────────┘       └─────────┬─────────┘
#             │ veth                │ veth                      │ veth
#   ┌─────────┴─────────────────────┴───────────────────────────┴─────────┐
#   │ ${PREFIX}-sw: bridge br0, ports n1 .. nN (and rt); no addresses     │
#   └──────────────────────────────────┬──────────────────────────────────┘
#                                      │ veth (this part only with "internet")
#                   ┌──────────────────┴──────────────────┐
#                   │ ${PREFIX}-rt  eth0 10.77.0.254/16   │  forwards IPv4 between
#                   │               eth1 203.0.113.254/24 │  the two; no other routes
#                   └──────────────────┬──────────────────┘
#                                      │ veth
#                   ┌──────────────────┴──────────────────┐
#                   │ ${PREFIX}-inet eth0 203.0.113.1/24  │
#                   └─────────────────────────────────────┘
#
# Nodes get a route to 203.0.113.0/24 via the router and no default route, and the internet host a
# route back to 10.77.0.0/16: no packet can leave the namespaces for any other address.
#
# The links are kept quiet, so that interface counters move only with the traffic a test makes
# and can be compared with a capture packet for packet:
#   - neighbours are static (nud permanent, deterministic MACs): no ARP, no IPv6 neighbour
#     discovery, so every frame on a link is IP;
#   - IPv6 stays on (the tests count IPv6 too) but without duplicate address detection, router
#     solicitations or router advertisements; the only IPv6 chatter left is the MLD reports the
#     kernel sends when an interface comes up and joins its solicited-node groups. They are IP
#     (ICMPv6 behind a hop-by-hop header), so a capture counts them as the kernel does; their
#     interval is cut to 10 ms so they are over at once, and netns_wait_quiet waits for that
#     before a test reads its "before" counters.
#
# Use:
#   source test/netns/lib.sh        # installs "trap netns_cleanup EXIT"
#   netns_cluster 2
#   n 1 ping -c 1 -W 1 10.77.0.2    # run a command in node 1 (n sw ..., n rt ..., n inet ...)
#   n_bg 2 iperf3 -s -1; netns_wait_listen 2 tcp 5201   # a server, and a poll until it listens
#   netns_counters 1 eth0           # "tx_bytes rx_bytes tx_packets rx_packets"
#   netns_on_cleanup 'rm -f /tmp/x' # extra cleanup, run before the namespaces go

NETNS_PREFIX=${NETNS_PREFIX:-ct$$}
NETNS_CREATED=()   # every namespace this run made, deleted by netns_cleanup
NETNS_CLEANUPS=()  # commands registered with netns_on_cleanup, run in reverse order

# netns_require TOOL...: what every namespace test needs before it starts, or SKIP (exit 77, which
# the JUnit wrappers report as skipped): root, each TOOL, and the launcher. Sets $clustertop (the
# launcher, or $CLUSTERTOP) and $python (the interpreter itself, not a version manager's shim, which
# would be a shell script per start).
netns_require() {
  ((EUID == 0)) || netns_skip "needs root (network namespaces)"
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || netns_skip "needs $tool"
  done
  clustertop=${CLUSTERTOP:-$PWD/bin/clustertop}
  [[ -x $clustertop ]] || netns_skip "no launcher at $clustertop (build it, or set CLUSTERTOP)"
  [[ -f launcher/target/clustertop.jar || -n ${CLUSTERTOP:-} ]] ||
    netns_skip "no launcher/target/clustertop.jar (mvn -o -q -pl launcher -am package -DskipTests)"
  if command -v python3 >/dev/null; then
    python=$(python3 -c 'import sys; print(sys.executable)')
  fi
}

netns_skip() { printf 'SKIP %s\n' "$*"; exit 77; }

# Logs to stderr, so a script's stdout stays free for results.
say() { printf '\033[1m[+]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31m[!] %s\033[0m\n' "$*" >&2; exit 1; }

# netns_name WHO: the namespace of node number WHO, or of sw, rt, inet.
netns_name() {
  if [[ $1 =~ ^[0-9]+$ ]]; then
    printf '%s-n%s' "$NETNS_PREFIX" "$1"
  else
    printf '%s-%s' "$NETNS_PREFIX" "$1"
  fi
}

# n WHO COMMAND...: runs COMMAND inside WHO's namespace.
n() {
  local ns
  ns=$(netns_name "$1")
  shift
  ip netns exec "$ns" "$@"
}

# n_bg WHO COMMAND...: starts COMMAND in WHO's namespace in the background and sets NETNS_PID to
# the command's own pid ("ip netns exec" execs it), so a caller can signal it and wait for it.
n_bg() {
  local ns
  ns=$(netns_name "$1")
  shift
  ip netns exec "$ns" "$@" &
  NETNS_PID=$!
}

# ipn WHO ARGS...: ip(8) inside WHO's namespace.
ipn() {
  local ns
  ns=$(netns_name "$1")
  shift
  ip -n "$ns" "$@"
}

netns_on_cleanup() { NETNS_CLEANUPS+=("$1"); }

# Runs the registered commands, ends the processes still running inside our namespaces (they
# are ours: a namespace outlives "ip netns del" while a process holds it) and deletes them.
netns_cleanup() {
  local status=$? i ns pids
  set +e
  for ((i = ${#NETNS_CLEANUPS[@]} - 1; i >= 0; i--)); do
    eval "${NETNS_CLEANUPS[i]}" 2>/dev/null
  done
  for ns in "${NETNS_CREATED[@]}"; do
    pids=$(ip netns pids "$ns" 2>/dev/null)
    # shellcheck disable=SC2086 # one pid per word
    [[ -n $pids ]] && kill $pids 2>/dev/null
  done
  for ns in "${NETNS_CREATED[@]}"; do
    pids=$(ip netns pids "$ns" 2>/dev/null)
    if [[ -n $pids ]]; then
      # shellcheck disable=SC2086 # one pid per word
      netns_wait 5 "processes in $ns to end" _netns_no_pids "$ns" 2>/dev/null ||
        kill -KILL $pids 2>/dev/null
    fi
    ip netns del "$ns" 2>/dev/null
  done
  NETNS_CREATED=()
  exit "$status"
}
_netns_no_pids() { [[ -z $(ip netns pids "$1" 2>/dev/null) ]]; }

trap netns_cleanup EXIT
trap 'exit 130' INT TERM

# netns_add WHO [noipv6]: creates WHO's namespace with loopback up and the quiet IPv6 settings,
# which must be in place before any interface is made (interfaces take them from "default" when
# created). With noipv6 the namespace has no IPv6 at all: the switch, router and internet host
# carry none, and without it the bridge and its ports would send MLD of their own into the nodes.
netns_add() {
  local ns conf
  ns=$(netns_name "$1")
  ip netns add "$ns" || die "cannot create namespace $ns"
  NETNS_CREATED+=("$ns")
  for conf in all default; do
    if [[ ${2:-} == noipv6 ]]; then
      n "$1" sysctl -qw "net.ipv6.conf.$conf.disable_ipv6=1"
    else
      n "$1" sysctl -qw \
        "net.ipv6.conf.$conf.accept_dad=0" \
        "net.ipv6.conf.$conf.dad_transmits=0" \
        "net.ipv6.conf.$conf.router_solicitations=0" \
        "net.ipv6.conf.$conf.accept_ra=0" \
        "net.ipv6.conf.$conf.mldv1_unsolicited_report_interval=10" \
        "net.ipv6.conf.$conf.mldv2_unsolicited_report_interval=10"
    fi
  done
  ip -n "$ns" link set lo up
}

# netns_mac INDEX: the deterministic, locally administered MAC address of node INDEX
# (254 is the router's bridge side).
netns_mac() { printf '02:77:00:00:%02x:%02x' $(($1 >> 8)) $(($1 & 255)); }

# netns_link WHO_A IF_A WHO_B IF_B [MAC_A [MAC_B]]: a veth pair between two namespaces.
netns_link() {
  ip -n "$(netns_name "$1")" link add "$2" ${5:+address "$5"} type veth \
    peer name "$4" ${6:+address "$6"} netns "$(netns_name "$3")"
  ip -n "$(netns_name "$1")" link set "$2" up
  ip -n "$(netns_name "$3")" link set "$4" up
}

# netns_cluster N [internet]: the topology drawn at the top. With "internet", also the router and
# the internet host.
netns_cluster() {
  local count=$1 with_internet=${2:-} i j
  ((count >= 1 && count <= 253)) || die "netns_cluster: 1 to 253 nodes"
  netns_add sw noipv6
  ipn sw link add br0 type bridge
  # No multicast snooping (it would hold MLD back) and no STP: the bridge forwards at once.
  ipn sw link set br0 type bridge mcast_snooping 0 stp_state 0 forward_delay 0
  ipn sw link set br0 up
  for ((i = 1; i <= count; i++)); do
    netns_add "$i"
    netns_link sw "n$i" "$i" eth0 "" "$(netns_mac "$i")"
    ipn sw link set "n$i" master br0
    ipn "$i" addr add "10.77.0.$i/16" dev eth0
    ipn "$i" addr add "fd77::$(printf %x "$i")/64" dev eth0 nodad
  done
  if [[ $with_internet == internet ]]; then
    netns_add rt noipv6
    netns_add inet noipv6
    netns_link sw rt rt eth0 "" "$(netns_mac 254)"
    ipn sw link set rt master br0
    ipn rt addr add 10.77.0.254/16 dev eth0
    netns_link rt eth1 inet eth0 "$(netns_mac 509)" "$(netns_mac 510)"
    ipn rt addr add 203.0.113.254/24 dev eth1
    ipn inet addr add 203.0.113.1/24 dev eth0
    n rt sysctl -qw net.ipv4.ip_forward=1
    ipn inet route add 10.77.0.0/16 via 203.0.113.254
    ipn inet neigh add 203.0.113.254 lladdr "$(netns_mac 509)" dev eth0 nud permanent
    ipn rt neigh add 203.0.113.1 lladdr "$(netns_mac 510)" dev eth1 nud permanent
    for ((i = 1; i <= count; i++)); do
      ipn "$i" route add 203.0.113.0/24 via 10.77.0.254
      ipn "$i" neigh add 10.77.0.254 lladdr "$(netns_mac 254)" dev eth0 nud permanent
      ipn rt neigh add "10.77.0.$i" lladdr "$(netns_mac "$i")" dev eth0 nud permanent
    done
  fi
  for ((i = 1; i <= count; i++)); do
    for ((j = 1; j <= count; j++)); do
      ((i == j)) && continue
      ipn "$i" neigh add "10.77.0.$j" lladdr "$(netns_mac "$j")" dev eth0 nud permanent
      ipn "$i" neigh add "fd77::$(printf %x "$j")" lladdr "$(netns_mac "$j")" dev eth0 nud permanent
    done
  done
  for ((i = 1; i <= count; i++)); do
    netns_wait_up "$i" eth0
  done
}

# netns_wait_up WHO IF: polls until IF in WHO's namespace is operationally up (both veth ends up).
netns_wait_up() { netns_wait 10 "$2 in $(netns_name "$1") to come up" _netns_oper_up "$1" "$2"; }
_netns_oper_up() { [[ $(n "$1" cat "/sys/class/net/$2/operstate") == up ]]; }

# netns_wait SECONDS WHAT COMMAND...: polls COMMAND every 50 ms until it succeeds; fails (status
# 1, with a message) after SECONDS.
netns_wait() {
  local seconds=$1 what=$2 deadline
  shift 2
  deadline=$(($(netns_now_ms) + seconds * 1000))
  until "$@"; do
    if (($(netns_now_ms) > deadline)); then
      printf '[!] timed out after %ss waiting for %s\n' "$seconds" "$what" >&2
      return 1
    fi
    sleep 0.05
  done
}

# Milliseconds since the epoch (bash 5's EPOCHREALTIME, no fork of date).
netns_now_ms() { local t=${EPOCHREALTIME/[.,]/}; printf '%s' $((t / 1000)); }

# netns_counters WHO IF: the kernel's counters of interface IF in WHO's namespace, one line:
# "tx_bytes rx_bytes tx_packets rx_packets".
netns_counters() {
  # shellcheck disable=SC2016 # expanded by the inner sh
  n "$1" sh -c 'cd "/sys/class/net/$1/statistics" &&
    echo "$(cat tx_bytes) $(cat rx_bytes) $(cat tx_packets) $(cat rx_packets)"' sh "$2"
}

# netns_wait_quiet WHO IF [QUIET_MS [SECONDS]]: polls IF's packet counters until they have not
# moved for QUIET_MS (default 600 ms), for at most SECONDS (default 20).
netns_wait_quiet() {
  local who=$1 dev=$2 quiet_ms=${3:-600} seconds=${4:-20}
  _NETNS_QUIET_LAST=
  _NETNS_QUIET_SINCE=$(netns_now_ms)
  netns_wait "$seconds" "$dev in $(netns_name "$who") to fall quiet" \
    _netns_quiet_for "$who" "$dev" "$quiet_ms"
}
_netns_quiet_for() {
  local now counters
  counters=$(netns_counters "$1" "$2")
  now=$(netns_now_ms)
  counters=${counters#* * } # packets only
  if [[ $counters != "$_NETNS_QUIET_LAST" ]]; then
    _NETNS_QUIET_LAST=$counters
    _NETNS_QUIET_SINCE=$now
    return 1
  fi
  ((now - _NETNS_QUIET_SINCE >= $3))
}

# netns_wait_listen WHO PROTO PORT: polls until a socket in WHO's namespace listens on PORT
# (PROTO tcp or udp).
netns_wait_listen() {
  netns_wait 10 "$3/$2 listening in $(netns_name "$1")" _netns_listening "$@"
}
_netns_listening() {
  local flag=-t
  [[ $2 == udp ]] && flag=-u
  [[ -n $(ss -N "$(netns_name "$1")" "$flag" -lnH "sport = :$3") ]]
}

# netns_wait_file WHAT FILE PATTERN [SECONDS]: polls until FILE has a line matching PATTERN (an
# extended regular expression); WHAT names the wait in the time-out message.
netns_wait_file() {
  netns_wait "${4:-10}" "$1" grep -qsE -- "$3" "$2"
}

# netns_iperf SERVER_WHO SERVER_ADDRESS CLIENT_WHO CLIENT_OPTION...: one iperf3 test between two
# namespaces, numeric addresses only. The server listens on SERVER_ADDRESS for this one test and
# exits; the client's report goes to stderr only when it fails.
netns_iperf() {
  local server=$1 address=$2 client=$3 server_pid report
  shift 3
  n_bg "$server" iperf3 -s -1 -B "$address" >/dev/null
  server_pid=$NETNS_PID
  netns_wait_listen "$server" tcp 5201
  if ! report=$(n "$client" iperf3 -c "$address" "$@" 2>&1); then
    printf '%s\n' "$report" >&2
    return 1
  fi
  wait "$server_pid"
}

# lib.sh's bridge learns the nodes' MACs from their link-up MLD reports, but the router sends
# nothing until it forwards a packet: until then, frames to it are flooded to every node, whose
# eth0 counters and capture then hold a copy of another node's traffic. A real switch does the
# same until it learns; here the bridge knows every MAC from the start and floods no unknown
# unicast, so each frame reaches only its addressee.
netns_switch_static() { # netns_switch_static N: for netns_cluster N internet
  local nodes=$1 i sw
  sw=$(netns_name sw)
  for ((i = 1; i <= nodes; i++)); do
    bridge -n "$sw" fdb replace "$(netns_mac "$i")" dev "n$i" master static
    bridge -n "$sw" link set dev "n$i" flood off
  done
  bridge -n "$sw" fdb replace "$(netns_mac 254)" dev rt master static
  bridge -n "$sw" link set dev rt flood off
}

# netns_management N: a management network of its own for the cluster's gRPC, so each node's eth0
# carries only the test's traffic:
#   ${PREFIX}-mgmt br0 10.77.1.254/24 (collector, consoles), each node's mgmt0 10.77.1.I/24; no IPv6.
netns_management() { # netns_management N
  local nodes=$1 i
  netns_add mgmt noipv6
  ipn mgmt link add br0 type bridge
  ipn mgmt link set br0 type bridge stp_state 0 forward_delay 0
  ipn mgmt addr add 10.77.1.254/24 dev br0
  ipn mgmt link set br0 up
  for ((i = 1; i <= nodes; i++)); do
    ipn "$i" link add mgmt0 type veth peer name "n$i" netns "$(netns_name mgmt)"
    n "$i" sysctl -qw net.ipv6.conf.mgmt0.disable_ipv6=1
    ipn mgmt link set "n$i" master br0
    ipn mgmt link set "n$i" up
    ipn "$i" addr add "10.77.1.$i/24" dev mgmt0
    ipn "$i" link set mgmt0 up
  done
  for ((i = 1; i <= nodes; i++)); do
    netns_wait_up "$i" mgmt0
  done
}

# netns_wait_quiet_all N: every node's eth0, the router's and the internet host's fall quiet.
netns_wait_quiet_all() {
  local i
  for ((i = 1; i <= $1; i++)); do netns_wait_quiet "$i" eth0; done
  netns_wait_quiet rt eth0
  netns_wait_quiet inet eth0
}
