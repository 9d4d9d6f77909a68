#!/usr/bin/env bash
# docker-compose.yml end to end, where a Docker engine runs (skipped elsewhere, status 77):
#
#   collector 10.77.100.2  <-  node1 .11, node2 .12, node3 .13 (agents on eth0, each with its
#                              traffic sidecar: node1 -> node2 TCP, node2 -> node3 UDP, node3 -> node1)
#   console (a container, as the README runs it) -> collector
#
# Over mutual TLS, as compose runs it, with docker/certs.sh's certificates (made here if missing).
# The image is built on the local base image (docker/base-image.sh) with the packaged jar; the
# console must see the three nodes by name, a node's certificate must not watch; then every container must end on the SIGTERM of
# `docker-compose stop`, exit status 143 (or 0), never 137: killed once the stop timeout ran out,
# as the traffic sidecars were while their shell, PID 1, ignored SIGTERM (17.6 s per `down`).
# Waits poll; nothing is asserted after a sleep.
set -euo pipefail
cd "$(dirname "$0")/../.."
skip() { echo "skip: $*"; exit 77; }
command -v docker >/dev/null || skip "no docker"
command -v docker-compose >/dev/null || skip "no docker-compose"
docker info >/dev/null 2>&1 || skip "no Docker engine running"
docker image inspect "${BASE_IMAGE:-clustertop-base:bookworm}" >/dev/null 2>&1 \
  || skip "no base image ${BASE_IMAGE:-clustertop-base:bookworm}: sudo docker/base-image.sh"
[ -f launcher/target/clustertop.jar ] || { echo "build first: mvn -pl launcher -am package"; exit 1; }

[ -f docker/certs/ca.crt ] || docker/certs.sh   # the certificates compose mounts (mutual TLS)

project=ctcompose$$               # containers and network of our own
dc() { docker-compose -p "$project" "$@"; }
FAILED=0
cleanup() { dc down -t 1 >/dev/null 2>&1 || true; }
trap cleanup EXIT

dc up -d --build >/dev/null 2>&1 || { echo "FAIL  docker-compose up"; dc up -d --build; exit 1; }
echo "ok    up: $(dc ps --services | sort | tr '\n' ' ')"

# The console in its container, as `docker-compose run --rm console` runs it, for 4 s.
console() { dc run --rm -T console console --connect 10.77.100.2:7447 -t -n -N -s 4 \
  --tls-ca /tls/ca.crt --tls-cert /tls/console.crt --tls-key /tls/console.key 2>&1; }
deadline=$((SECONDS + 120))
until out=$(console) && grep -q "^Nodes: 3 nodes: 3 reporting" <<<"$out" || ((SECONDS >= deadline)); do sleep 1; done
for text in "Connected to 10.77.100.2:7447" "Nodes: 3 nodes: 3 reporting" "node1/10.77.100.11" "node2/10.77.100.12" \
    "node3/10.77.100.13"; do
  if grep -qF -- "$text" <<<"$out"; then echo "ok    console: '$text'"; else echo "FAIL  console: no '$text'"; FAILED=1; fi
done
((FAILED == 0)) || sed 's/^/      |/' <<<"$out"

# A node's certificate is an agent's: it may send batches, not watch.
refused=$(dc run --rm -T console console --connect 10.77.100.2:7447 -t -n -N -s 1 \
  --tls-ca /tls/ca.crt --tls-cert /tls/node1.crt --tls-key /tls/node1.key 2>&1 || true)
if grep -qF "needs the role console or operator; node node1 (agent) does not hold it" <<<"$refused"; then
  echo "ok    a node's certificate cannot watch"
else echo "FAIL  a node's certificate watched, or was refused otherwise:"; sed 's/^/      |/' <<<"$refused"; FAILED=1; fi

# Stopped with a minute to spare: a container still there after its SIGTERM would be killed (137).
dc stop -t 60 >/dev/null 2>&1
while read -r name status; do
  if [[ $status == 137 ]]; then echo "FAIL  $name: killed (137), it ignored SIGTERM"; FAILED=1
  else echo "ok    $name: ended on SIGTERM ($status)"; fi
done < <(docker inspect -f '{{.Name}} {{.State.ExitCode}}' $(dc ps -q))

if ((FAILED)); then echo "compose test FAILED"; exit 1; fi
echo "compose test passed"
