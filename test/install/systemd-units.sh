#!/bin/bash
# The systemd units (deploy/systemd) under a real systemd: a Debian bookworm booted in a container
# (systemd-nspawn -b), where install.sh installs clustertop and the units as on a host, the
# certificates and settings are made as deploy/README.md says, and systemctl starts the collector
# and the agent. The agent, as the user clustertop-agent with only the unit's ambient capabilities
# and its sandbox, must capture the container's interface and reach the collector.
#
#   sudo test/install/systemd-units.sh     # exit 0 passed, 1 failed, 77 skipped
#
# Knobs (environment): MIRROR (the Debian mirror, as docker/base-image.sh; default
# http://deb.debian.org/debian), ROOT_CACHE (where the Debian tree is kept between runs; default
# /var/cache/clustertop-test), KEEP=1 (keep the work folder, with the container's journal, on exit).
#
# The Debian tree: debootstrap --variant=minbase with the packages below (systemd as init, dbus,
# libpcap for capture, iproute2 and ping, asciidoctor for install.sh's man pages, openssl for
# clustertop-certs, libcap2-bin's capsh to decode capability sets), made once into ROOT_CACHE in a
# folder named by a hash of that list (40 s from deb.debian.org here; 250 MB), reused read-only
# by every later run: the container boots it with --volatile=overlay, so whatever a run writes
# (users, /usr/local, /etc/clustertop) is in a tmpfs, gone when it powers off.
#
# The container (machine name ctsdPID, the agent's --node):
#   - the checkout (with launcher/target/clustertop.jar) bind-mounted read-only at its own path, and
#     the JDK 25 bin/clustertop finds here bind-mounted read-only at /usr/lib/jvm/ (where the
#     container's bin/clustertop looks);
#   - its own network namespace, made here, wired to a second one:
#
#       ctsdPID-c (the container)                    ctsdPID-p (the test's peer)
#       eth0 10.77.7.1/24 02:77:07:00:00:01  ─veth─  eth0 10.77.7.2/24 02:77:07:00:00:02
#
#     no IPv6, static neighbours (so nothing but the test's packets crosses eth0: no ARP, no
#     neighbour discovery, no MLD), no other route, no name server (--resolv-conf=delete);
#   - not registered with systemd-machined (--register=no: there is none on a host without systemd);
#     commands run inside through nsenter into the namespaces of the container's init.
#
# Sequence:
#   1. Boot; wait until systemctl is-system-running answers running (or degraded, with the units
#      that failed shown).
#   2. Inside, as root: install.sh (makes the users, installs the units and reloads systemd); the
#      CA, the collector's certificate (127.0.0.1), the node's (ctsdPID, its address 10.77.7.1) and a
#      console's, with clustertop-certs, installed into /etc/clustertop/tls as deploy/README.md
#      does; /etc/clustertop/agent.env (the collector at 127.0.0.1:7447, -i eth0 --node ctsdPID) and
#      collector.env; systemctl start clustertop-collector clustertop-agent.
#   3. Checks: both units active; the agent's main process (java) runs as clustertop-agent (real,
#      effective, saved and file-system uid), CapEff exactly cap_net_admin,cap_net_raw (decoded by
#      capsh); the collector's as clustertop with no capability; both sandboxed (no new privileges,
#      a seccomp filter, / read-only in their mount namespace); the agent says it captures eth0
#      and is connected, and the collector's journal has "agent joined: node ctsdPID".
#   4. 20 pings of 200 bytes from the peer to 10.77.7.1; the collector's view of the node (the
#      console with its TLS client certificate, --node ctsdPID --json) shows the ICMP row with 20
#      packets and 20 x 228 IP bytes each way, and its totals equal the kernel's counters of the
#      container's eth0 over the same span (bytes less 14 of Ethernet header a packet).
#   5. systemctl stop both: each inactive with Result=success (not failed).
# Then the container powers off (SIGTERM to systemd-nspawn: systemd's own shutdown) and the
# namespaces and work folder go, on failure too.
set -euo pipefail
cd "$(dirname "$0")/../.."
checkout=$PWD

skip() { echo "SKIP $*"; exit 77; }
((EUID == 0)) || skip "needs root (debootstrap, systemd-nspawn, network namespaces)"
for tool in debootstrap systemd-nspawn nsenter ip jq flock sha256sum; do
  command -v "$tool" >/dev/null || skip "needs $tool (setup.sh installs it: systemd-container has systemd-nspawn)"
done
[[ -f launcher/target/clustertop.jar ]] || skip "no launcher/target/clustertop.jar (mvn -o -q -pl launcher -am package -DskipTests)"
jdk=$(CLUSTERTOP_JDK=find bin/clustertop) || skip "no JDK 25 (bin/clustertop finds none)"
jdk=$(realpath "$jdk")

mirror=${MIRROR:-http://deb.debian.org/debian}
packages=systemd,systemd-sysv,dbus,libpcap0.8,iproute2,iputils-ping,asciidoctor,openssl,libcap2-bin
cache=${ROOT_CACHE:-/var/cache/clustertop-test}
tree=$cache/bookworm-$(printf 'bookworm minbase %s' "$packages" | sha256sum | cut -c1-16)
machine=ctsd$$
ns_c=$machine-c
ns_p=$machine-p
work=$(mktemp -d /tmp/clustertop-systemd.XXXXXX)
nspawn_pid=
failures=0

info() { printf 'info %s\n' "$*"; }
check() { # check NAME CONDITION_STATUS DETAIL
  if (($2 == 0)); then printf 'PASS %s: %s\n' "$1" "$3"; else printf 'FAIL %s: %s\n' "$1" "$3"; failures=$((failures + 1)); fi
}
# poll SECONDS COMMAND...: until COMMAND succeeds, every 0.2 s; status 1 after SECONDS.
poll() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}
running() { [[ -n $nspawn_pid && -d /proc/$nspawn_pid ]]; }

cleanup() {
  local status=$?
  set +e
  if running; then
    # systemd-nspawn passes SIGTERM to the container's systemd as SIGRTMIN+3: a clean power-off.
    kill -TERM "$nspawn_pid"
    poll 60 eval '! running' || { echo "the container did not power off in 60 s: killed"; kill -KILL "$nspawn_pid"; }
    wait "$nspawn_pid" 2>/dev/null
  fi
  ip netns del "$ns_c" 2>/dev/null
  ip netns del "$ns_p" 2>/dev/null
  if [[ ${KEEP:-0} == 1 ]]; then echo "kept $work"; else rm -rf "$work"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the Debian tree, made once ------------------------------------------------------------------
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9 # two runs at once: the second waits for the first one's debootstrap
if [[ ! -x $tree/lib/systemd/systemd ]]; then
  rm -rf "$tree.new"
  started=$SECONDS
  debootstrap --variant=minbase --include="$packages" bookworm "$tree.new" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { rm -rf "$tree.new"; skip "debootstrap cannot make the Debian tree here (a Debian mirror?): $(tail -n 2 "$work/debootstrap.log" | tr '\n' ' ')"; }
  rm -f "$tree.new/var/cache/apt/archives/"*.deb
  mv "$tree.new" "$tree"
  info "Debian tree made in $((SECONDS - started)) s: $tree ($(du -sh "$tree" | cut -f1))"
else
  info "Debian tree from the cache: $tree"
fi
flock -u 9

# --- the network ---------------------------------------------------------------------------------
for ns in "$ns_c" "$ns_p"; do
  ip netns add "$ns"
  # before the veth is made: its ends take "default"'s setting
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$ns" link set lo up
done
ip -n "$ns_c" link add eth0 address 02:77:07:00:00:01 type veth peer name eth0 address 02:77:07:00:00:02 netns "$ns_p"
ip -n "$ns_c" addr add 10.77.7.1/24 dev eth0
ip -n "$ns_p" addr add 10.77.7.2/24 dev eth0
ip -n "$ns_c" neigh add 10.77.7.2 lladdr 02:77:07:00:00:02 dev eth0 nud permanent
ip -n "$ns_p" neigh add 10.77.7.1 lladdr 02:77:07:00:00:01 dev eth0 nud permanent
ip -n "$ns_c" link set eth0 up
ip -n "$ns_p" link set eth0 up

# --- boot ----------------------------------------------------------------------------------------
started=$SECONDS
# CAP_NET_ADMIN: systemd-nspawn keeps it in the container's bounding set with a network of its own
# made by itself, not with --network-namespace-path; without it, systemd gives the agent only
# CAP_NET_RAW (the unit asks for both, and the bounding set wins, without a word).
# Without systemd on the host (this project's machines), the container stays in the test's own
# cgroup (--keep-unit); where systemd runs, systemd-nspawn asks it for a scope of its own.
own_cgroup=(--keep-unit)
[[ -d /run/systemd/system ]] && own_cgroup=()
systemd-nspawn --quiet --register=no "${own_cgroup[@]}" --machine="$machine" --directory="$tree" --volatile=overlay \
  --network-namespace-path="/run/netns/$ns_c" --resolv-conf=delete --timezone=off --link-journal=no \
  --capability=CAP_NET_ADMIN --bind-ro="$checkout" --bind-ro="$jdk:/usr/lib/jvm/${jdk##*/}" --console=passive --boot >"$work/nspawn.log" 2>&1 &
nspawn_pid=$!
# The container's init: the process in its network namespace that is pid 1 in its own pid namespace.
leader=
_leader() {
  local pid
  running || return 0
  for pid in $(ip netns pids "$ns_c" 2>/dev/null); do
    if [[ $(awk '/^NSpid:/ {print $NF}' "/proc/$pid/status" 2>/dev/null) == 1 ]]; then leader=$pid; return 0; fi
  done
  return 1
}
poll 30 _leader || true
[[ -n $leader ]] || { echo "FAIL the container did not start: $(tail -n 5 "$work/nspawn.log" | tr '\n' ' ')"; exit 1; }
# inside COMMAND...: runs COMMAND in the container as root, with a clean environment.
inside() {
  nsenter --target "$leader" --mount --uts --ipc --net --pid --root --wd -- \
    /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"
}
state=$(timeout 90 nsenter --target "$leader" --mount --pid --root -- /usr/bin/systemctl is-system-running --wait 2>&1) || true
if [[ $state != running && $state != degraded ]]; then
  running || skip "systemd cannot boot in a container here: $(tail -n 3 "$work/nspawn.log" | tr '\n' ' ')"
  check "the container boots" 1 "systemctl is-system-running: $state"
  exit 1
fi
check "the container boots" 0 "systemctl is-system-running: $state after $((SECONDS - started)) s$(
  [[ $state == degraded ]] && printf ' (failed: %s)' "$(inside systemctl --failed --plain --no-legend | cut -d' ' -f1 | tr '\n' ' ')")"

# --- install, certificates, settings, start: as deploy/README.md says --------------------------------
started=$SECONDS
inside bash -euc '
  "$1/install.sh"
  mkdir -p /root/ca && cd /root/ca
  clustertop-certs . ca
  clustertop-certs . collector collector --ip 127.0.0.1
  clustertop-certs . node "$2" --ip 10.77.7.1
  clustertop-certs . console operator-console
  # One host runs both: the folder open to both users (to pass, not to list), each key to its group only.
  install -d -m 0711 /etc/clustertop/tls
  install -m 0644 ca.crt /etc/clustertop/tls/ca.crt
  install -m 0640 -g clustertop-agent "$2.crt" /etc/clustertop/tls/agent.crt
  install -m 0640 -g clustertop-agent "$2.key" /etc/clustertop/tls/agent.key
  install -m 0640 -g clustertop collector.crt collector.key /etc/clustertop/tls/
  echo "CLUSTERTOP_COLLECTOR=127.0.0.1:7447" >/etc/clustertop/agent.env
  echo "CLUSTERTOP_AGENT_OPTS=-i eth0 --node $2" >>/etc/clustertop/agent.env
  echo "CLUSTERTOP_LISTEN=127.0.0.1:7447" >/etc/clustertop/collector.env
' _ "$checkout" "$machine" >"$work/install.log" 2>&1 ||
  { check "install.sh, certificates, settings" 1 "$(tail -n 5 "$work/install.log" | tr '\n' ' ')"; exit 1; }
check "install.sh, certificates, settings" 0 "$(grep -c 'made the system user' "$work/install.log") users made; in $((SECONDS - started)) s"
inside systemctl start clustertop-collector clustertop-agent >"$work/start.log" 2>&1 || true

# journal UNIT: the unit's journal, messages only.
journal() { inside journalctl --no-pager -q -o cat -u "$1" 2>/dev/null; }
_said() { journal "$1" | grep -qF -- "$2"; }
for said in "clustertop-agent capturing on eth0" "clustertop-agent connected to the collector at 127.0.0.1:7447" \
  "clustertop-collector agent joined: node $machine"; do
  unit=${said%% *}
  text=${said#* }
  poll 60 _said "$unit" "$text" || true
  check "$unit says '$text'" "$(_said "$unit" "$text"; echo $?)" "$(journal "$unit" | grep -F -m1 -- "$text" || echo "not within 60 s")"
done
for unit in clustertop-collector clustertop-agent; do
  active=$(inside systemctl is-active "$unit" || true)
  check "$unit.service active" "$([[ $active == active ]]; echo $?)" "$active"
done

# status PID FIELD: a field of /proc/PID/status in the container.
status() { inside awk -v f="$2:" '$1 == f { $1 = ""; print substr($0, 2) }' "/proc/$1/status"; }
uids() { inside id -u "$1" | sed 's/.*/& & & &/'; } # real, effective, saved, file-system
for unit in clustertop-agent clustertop-collector; do
  if [[ $unit == clustertop-agent ]]; then user=clustertop-agent; want=0x0000000000003000=cap_net_admin,cap_net_raw
  else user=clustertop; want=0x0000000000000000=; fi
  pid=$(inside systemctl show -P MainPID "$unit")
  comm=$(inside cat "/proc/$pid/comm" 2>/dev/null || echo none)
  uid=$(status "$pid" Uid | tr -s '\t ' ' ')
  check "$unit's main process is java, as $user, not root" "$([[ $comm == java && $uid == "$(uids "$user")" && $uid != 0* ]]; echo $?)" \
    "pid $pid ($comm), Uid $uid, $user is $(inside id -u "$user")"
  eff=$(inside capsh --decode="$(status "$pid" CapEff)")
  check "$unit's effective capabilities" "$([[ $eff == "$want" ]]; echo $?)" \
    "CapEff $eff; CapAmb $(inside capsh --decode="$(status "$pid" CapAmb)"); CapBnd $(inside capsh --decode="$(status "$pid" CapBnd)")"
  # The sandbox in force: NoNewPrivileges, a seccomp filter (RestrictAddressFamilies and the
  # others), and its own view of the file system with / read-only (ProtectSystem=strict: the top
  # mount on / in its mount table).
  root=$(inside awk '$5 == "/" { options = $6 } END { print options }' "/proc/$pid/mountinfo")
  sandbox="NoNewPrivs $(status "$pid" NoNewPrivs), Seccomp $(status "$pid" Seccomp), / ${root%%,*}"
  check "$unit's sandbox" "$([[ $sandbox == "NoNewPrivs 1, Seccomp 2, / ro" ]]; echo $?)" "$sandbox"
done

# --- traffic: the peer pings the container ---------------------------------------------------------
counters() { ip -n "$ns_c" -j -s link show eth0 | jq -r '.[0].stats64 | "\(.tx.bytes) \(.rx.bytes) \(.tx.packets) \(.rx.packets)"'; }
read -r tx_bytes0 rx_bytes0 tx_packets0 rx_packets0 < <(counters)
ip netns exec "$ns_p" ping -n -q -c 20 -i 0.05 -s 200 -W 1 10.77.7.1 >"$work/ping.log" 2>&1 ||
  check "20 pings from the peer answered" 1 "$(tail -n 2 "$work/ping.log" | tr '\n' ' ')"
read -r tx_bytes1 rx_bytes1 tx_packets1 rx_packets1 < <(counters)
# IP bytes: the veth counts frames less their FCS, i.e. 14 bytes of Ethernet header more a packet.
kernel="$((tx_bytes1 - tx_bytes0 - 14 * (tx_packets1 - tx_packets0))) $((rx_bytes1 - rx_bytes0 - 14 * (rx_packets1 - rx_packets0))) $((tx_packets1 - tx_packets0)) $((rx_packets1 - rx_packets0))"
check "the kernel counted the pings and nothing else on eth0" "$([[ $kernel == "4560 4560 20 20" ]]; echo $?)" \
  "sent, received IP bytes and packets: $kernel (20 x (200 + 8 + 20) each way)"

# The collector's view of the node, through the console with its TLS client certificate: asked
# until it holds the pings (a batch a second), for up to 30 s.
tls=(--tls-ca /root/ca/ca.crt --tls-cert /root/ca/operator-console.crt --tls-key /root/ca/operator-console.key)
view() {
  inside clustertop console --connect 127.0.0.1:7447 "${tls[@]}" --node "$machine" --json -n -N -P -s 2 >"$work/view.json" 2>"$work/view.err" || true
  totals=$(tail -n 1 "$work/view.json" | jq -r '.totals | "\(.sent_bytes) \(.recv_bytes) \(.sent_packets) \(.recv_packets)"' 2>/dev/null || echo none)
  [[ $totals == "$kernel" ]]
}
poll 30 view || true
check "the collector's view of $machine: totals = the kernel's counters" "$([[ $totals == "$kernel" ]]; echo $?)" \
  "view $totals, kernel $kernel$([[ -s $work/view.json ]] || printf '; console: %s' "$(head -c 400 "$work/view.err")")"
icmp=$(tail -n 1 "$work/view.json" | jq -c '[.rows[] | select(.protocol == 1) | [.src_addr, .dst_addr, .sent_bytes, .recv_bytes, .sent_packets, .recv_packets]]' 2>/dev/null || echo none)
check "the ping's row" "$([[ $icmp == '[["10.77.7.1","10.77.7.2",4560,4560,20,20]]' ]]; echo $?)" "$icmp"

# --- stop ----------------------------------------------------------------------------------------
inside systemctl stop clustertop-agent clustertop-collector >"$work/stop.log" 2>&1 || true
for unit in clustertop-agent clustertop-collector; do
  show=$(inside systemctl show -p ActiveState,Result,ExecMainCode,ExecMainStatus "$unit" | sort | tr '\n' ' ')
  show=${show% }
  check "systemctl stop $unit: inactive, not failed" "$([[ $show == *ActiveState=inactive* && $show == *Result=success* ]]; echo $?)" "$show"
done

if ((failures)); then
  for unit in clustertop-collector clustertop-agent; do
    echo "--- journal of $unit:"
    journal "$unit" | tail -n 30
  done
  echo "systemd units test FAILED ($failures) in $SECONDS s"
  exit 1
fi
echo "systemd units test passed in $SECONDS s"
