#!/usr/bin/env bash
# The certificates docker-compose.yml mounts (docker/certs, read-only at /tls): the CA (made once),
# the collector's (10.77.100.2 for the agents, 127.0.0.1 for a console on the host, through the
# published port), the scale profile's two collectors' (shard1, shard2) and its relay's, one per node (node1..node3, their addresses), the console's. Made with the
# project's script, bin/clustertop-certs; run again to replace all but the CA (the containers re-read
# them within a minute, or restart them).
set -euo pipefail
cd "$(dirname "$0")/.."
certs() { bin/clustertop-certs docker/certs "$@" >/dev/null; }
[[ -f docker/certs/ca.key ]] || certs ca
certs collector collector --ip 10.77.100.2 --ip 127.0.0.1 --dns localhost
# The scale profile's two collectors (shards), each reached by the relay and by a console on the host.
certs collector shard1 --ip 10.77.100.4 --ip 127.0.0.1 --dns localhost
certs collector shard2 --ip 10.77.100.5 --ip 127.0.0.1 --dns localhost
# The scale profile's relay: served to consoles (on the host through its published port), and a
# console of the shards (the role it needs there).
certs collector relay --ip 10.77.100.6 --ip 127.0.0.1 --dns localhost --role console
for n in 1 2 3; do
  certs node "node$n" --ip "10.77.100.1$n"
done
certs console console
echo "docker/certs: ca, collector, shard1, shard2, relay, node1..node3, console (.crt and .key)"
