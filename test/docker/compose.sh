#!/usr/bin/env bash
# docker-compose.yml end to end, both profiles, on a real Docker engine (skipped, status 77, where
# none can run):
#
#   default:  collector 10.77.100.2  <-  node1 .11, node2 .12, node3 .13 (agents on eth0, each with
#             its traffic sidecar: node1 -> node2 TCP, node2 -> node3 UDP, node3 -> node1)
#   scale:    kafka .20  <-  knode1 .31, knode2 .32, knode3 .33 (agents publishing to Kafka, with
#             their sidecars);  shard1 .4, shard2 .5 (collectors in one consumer group);  relay .6
#   console (a container, as the README runs it) -> the collector, then -> the relay
#
# Over mutual TLS, as compose runs it, with docker/certs.sh's certificates (made here if missing).
#
# The engine: the one DOCKER_HOST (or the default socket) reaches if it answers; else, as root, an
# engine of the test's own, as test/docker/attribution.sh starts one (its data, exec root, socket and
# pid file in a temporary directory; no iptables, no default bridge), stopped at the end. The images,
# without a registry: the base image by docker/base-image.sh (debootstrap from a Debian mirror, about
# 2 minutes) where the engine lacks it, clustertop's built on it with the packaged jar, and the broker
# (KAFKA_IMAGE, default apache/kafka:4.4.0 where the engine has it, else docker/kafka-image.sh's, from
# the Maven Central jars the tests run).
#
# Checks: the console sees the three nodes by name through the collector, and a node's certificate
# must not watch; through the relay it sees the three Kafka nodes, both shards answering and the rows
# exact; with shard1 stopped, shard2 takes its partitions and the relay shows the three nodes again
# with one shard answering; every container ends on the SIGTERM of `docker-compose stop`, exit status
# 143 (or 0), never 137: killed once the stop timeout ran out, as the traffic sidecars were while
# their shell, PID 1, ignored SIGTERM (17.6 s per `down`). Waits poll; nothing is asserted after a sleep.
#
#   sudo test/docker/compose.sh        # about 6 minutes with its own engine and the base image to build
set -euo pipefail
cd "$(dirname "$0")/../.."
skip() { echo "skip: $*"; exit 77; }
command -v docker >/dev/null || skip "no docker"
command -v docker-compose >/dev/null || skip "no docker-compose"
[ -f launcher/target/clustertop.jar ] || { echo "build first: mvn -pl launcher -am package"; exit 1; }

work=$(mktemp -d /tmp/clustertop-compose.XXXXXX)
dockerd_pid=
project=ctcompose$$               # containers and network of our own
dc() { docker-compose -p "$project" "$@"; }
stop_engine() {
  [[ -n $dockerd_pid ]] || return 0
  kill "$dockerd_pid" 2>/dev/null || true
  for _ in $(seq 40); do [[ -e /proc/$dockerd_pid ]] || break; sleep 0.5; done
  kill -KILL "$dockerd_pid" 2>/dev/null || true
  grep -F " $work/" /proc/mounts | cut -d' ' -f2 | sort -r | xargs -r -n 1 umount -l 2>/dev/null || true
}
cleanup() {
  dc --profile scale down -t 1 >/dev/null 2>&1 || true
  stop_engine
  rm -rf "$work"
}
trap cleanup EXIT

if ! docker info >/dev/null 2>&1; then
  ((EUID == 0)) || skip "no Docker engine running, and starting one needs root"
  command -v dockerd >/dev/null || skip "no Docker engine running, and no dockerd to start one"
  dockerd --data-root "$work/data" --exec-root "$work/exec" -H "unix://$work/docker.sock" --pidfile "$work/docker.pid" \
    --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false --bridge=none >"$work/dockerd.log" 2>&1 &
  dockerd_pid=$!
  export DOCKER_HOST=unix://$work/docker.sock
  for _ in $(seq 120); do docker version >/dev/null 2>&1 && break; sleep 0.5; done
  docker version >/dev/null 2>&1 || skip "dockerd cannot start here: $(tail -n 3 "$work/dockerd.log" | tr '\n' ' ')"
  echo "ok    our own engine at $DOCKER_HOST"
fi
base=${BASE_IMAGE:-clustertop-base:bookworm}
if ! docker image inspect "$base" >/dev/null 2>&1; then
  ((EUID == 0)) || skip "no base image $base, and building it needs root: sudo docker/base-image.sh"
  docker/base-image.sh "$base" >"$work/base-image.log" 2>&1 ||
    skip "the base image cannot be built here (a Debian mirror?): $(tail -n 2 "$work/base-image.log" | tr '\n' ' ')"
  echo "ok    base image $base built"
fi
if [[ -z ${KAFKA_IMAGE:-} ]]; then
  KAFKA_IMAGE=apache/kafka:4.4.0
  if ! docker image inspect "$KAFKA_IMAGE" >/dev/null 2>&1; then
    KAFKA_IMAGE=clustertop-kafka:local
    docker/kafka-image.sh "$KAFKA_IMAGE" >"$work/kafka-image.log" 2>&1 || { cat "$work/kafka-image.log"; exit 1; }
    echo "ok    broker image $KAFKA_IMAGE built from Maven Central's jars (no apache/kafka here)"
  fi
fi
export KAFKA_IMAGE

[ -f docker/certs/relay.crt ] || docker/certs.sh   # the certificates compose mounts (mutual TLS)

FAILED=0
ok() { echo "ok    $*"; }
fail() { echo "FAIL  $*"; FAILED=1; }

# The console in its container, as `docker-compose run --rm console` runs it, for 4 s.
console() { dc run --rm -T console console --connect "$1" -t -n -N -s 4 \
  --tls-ca /tls/ca.crt --tls-cert /tls/console.crt --tls-key /tls/console.key 2>&1; }
# Until the console at $1 shows every line given, for up to 2 minutes; then each is checked.
console_shows() {
  local at=$1 what=$2 deadline=$((SECONDS + 120)) out text missing
  shift 2
  while :; do
    out=$(console "$at") || true
    missing=0
    for text in "$@"; do grep -qF -- "$text" <<<"$out" || missing=1; done
    ((missing == 0 || SECONDS >= deadline)) && break
    sleep 1
  done
  for text in "$@"; do
    if grep -qF -- "$text" <<<"$out"; then ok "$what: '$text'"; else fail "$what: no '$text'"; fi
  done
  ((missing == 0)) || sed 's/^/      |/' <<<"$out"
}
# Every container of the project ends on its SIGTERM, given a minute (137: killed).
stopped_on_sigterm() {
  dc --profile scale stop -t 60 >/dev/null 2>&1
  while read -r name status; do
    if [[ $status == 137 ]]; then fail "$name: killed (137), it ignored SIGTERM"
    else ok "$name: ended on SIGTERM ($status)"; fi
  done < <(docker inspect -f '{{.Name}} {{.State.ExitCode}}' $(dc --profile scale ps -q))
}

# The default profile: a collector and three nodes.
dc up -d --build >/dev/null 2>&1 || { fail "docker-compose up"; dc up -d --build; exit 1; }
ok "up: $(dc ps --services | sort | tr '\n' ' ')"
console_shows 10.77.100.2:7447 "console" "Connected to 10.77.100.2:7447" "Nodes: 3 nodes: 3 reporting" \
  "node1/10.77.100.11" "node2/10.77.100.12" "node3/10.77.100.13"

# A node's certificate is an agent's: it may send batches, not watch.
refused=$(dc run --rm -T console console --connect 10.77.100.2:7447 -t -n -N -s 1 \
  --tls-ca /tls/ca.crt --tls-cert /tls/node1.crt --tls-key /tls/node1.key 2>&1 || true)
if grep -qF "needs the role console or operator; node node1 (agent) does not hold it" <<<"$refused"; then
  ok "a node's certificate cannot watch"
else fail "a node's certificate watched, or was refused otherwise:"; sed 's/^/      |/' <<<"$refused"; fi
stopped_on_sigterm
dc down -t 1 >/dev/null 2>&1

# The scale profile: a broker, two shards, the relay, three nodes publishing to Kafka.
scale=(kafka shard1 shard2 relay knode1 knode2 knode3 knode1-traffic knode2-traffic knode3-traffic)
dc --profile scale up -d "${scale[@]}" >/dev/null 2>&1 || { fail "docker-compose --profile scale up"; dc --profile scale up -d "${scale[@]}"; exit 1; }
ok "scale up: ${scale[*]} (broker $KAFKA_IMAGE)"
console_shows 10.77.100.6:7450 "console through the relay" "Connected to 10.77.100.6:7450" "Nodes: 3 nodes: 3 reporting" \
  "Relay: 2 of 2 shards answering; rows exact" "knode1/10.77.100.31" "knode2/10.77.100.32" "knode3/10.77.100.33"
# shard1 leaves the group: shard2 takes its partitions and rebuilds their nodes from the log.
dc --profile scale stop -t 60 shard1 >/dev/null 2>&1
console_shows 10.77.100.6:7450 "shard1 stopped" "Nodes: 3 nodes: 3 reporting" "1 of 2 shards answering"
stopped_on_sigterm

if ((FAILED)); then echo "compose test FAILED"; exit 1; fi
echo "compose test passed"
