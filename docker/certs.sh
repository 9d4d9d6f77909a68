#!/usr/bin/env bash
# The certificates docker-compose.yml mounts (docker/certs, read-only at /tls): the CA, the
# collector's (10.77.100.2 for the agents, 127.0.0.1 for a console on the host, through the
# published port), one per node (node1..node3, their addresses), the console's. Made with the
# project's script, deploy/certs.sh; run again to replace them (the containers re-read them within
# a minute, or restart them).
set -euo pipefail
cd "$(dirname "$0")/.."
certs() { deploy/certs.sh -d docker/certs "$@"; }
certs collector collector --ip 10.77.100.2 --ip 127.0.0.1 --dns localhost
for n in 1 2 3; do
  certs node "node$n" --ip "10.77.100.1$n"
done
certs console console
