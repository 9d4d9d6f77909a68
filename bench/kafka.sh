#!/usr/bin/env bash
# One shard through Kafka: a broker (Kafka 4.x in KRaft mode from the kafka module's jars, as the tests
# start it, its own JVM), a collector consuming the agents' topic in a group of one (bin/clustertop
# collector --kafka), and IngestLoad in a third JVM publishing AGENTS simulated agents of FLOWS
# conversations, one batch a second each, to the topic (PARTITIONS partitions), with consoles watching
# the collector over gRPC and timing when a marker batch shows in their views. All on this machine.
#
#   bench/kafka.sh AGENTS FLOWS SECONDS [PARTITIONS] [CONSOLES] [collector options...]
#   bench/kafka.sh 1000 200 60                                  # 12 partitions, consoles pairs,nodes
#   bench/kafka.sh 5000 200 60 12 pairs,nodes --max-conversations 1200000
#   VIA=relay bench/kafka.sh 1000 200 60                        # the consoles on a relay over the collector
#
# Prints what IngestLoad measured (batches published, batch -> view per console), then what the
# collector applied (its /metrics: batches applied, records by outcome, the rebuild of its partitions
# at start), its CPU over the load and the broker's; then a second collector joins the group and the
# time it takes to rebuild the partitions it is given is printed (its "rebuilt in" line); and a
# summary line. Everything it read is kept in
# bench/out/kafka-AGENTSxFLOWS-TIME/.
set -euo pipefail
cd "$(dirname "$0")/.."
agents=${1:-1000}
flows=${2:-200}
seconds=${3:-60}
partitions=${4:-12}
consoles=${5:-pairs,nodes}
shift $(( $# < 5 ? $# : 5 ))
JAVA_HOME=$(CLUSTERTOP_JDK=find bin/clustertop) # the launcher's rule: JAVA_HOME if it is 25 or later, else a JDK 25 of /usr/lib/jvm
export JAVA_HOME
jar=benchmarks/target/benchmarks.jar
classpath=kafka/target/test-classes/kafka-broker.classpath
[[ -f $jar && -f launcher/target/clustertop.jar && -f $classpath ]] \
  || { echo "build first: mvn -B -o -q package -DskipTests" >&2; exit 2; }
free_port() { local p; while :; do p=$((20000 + RANDOM % 30000)); ss -ltn | grep -qE ":$p\b" || { echo $p; return; }; done; }
kport=$(free_port); cport=$(free_port); port=$(free_port); mport=$(free_port)
out=bench/out/kafka-${agents}x${flows}-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out/broker"
pids=()
# On exit every process goes, and the script waits (up to 30 s) until they have: a broker shuts down
# over seconds, and a run started after this one must not share the cores with it.
stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 150); do
    local alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    ((alive)) || return 0
    sleep 0.2
  done
}
trap stop_all EXIT

# The broker: the test's configuration (one KRaft node as broker and controller on 127.0.0.1).
cat > "$out/broker/server.properties" <<CONF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$kport,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$kport
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$PWD/$out/broker/data
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
CONF
printf 'rootLogger.level=WARN\nrootLogger.appenderRef.out.ref=out\nappender.out.type=Console\nappender.out.name=out\nappender.out.layout.type=PatternLayout\nappender.out.layout.pattern=[%%d] %%p %%m (%%c)%%n\n' \
  > "$out/broker/log4j2.properties"
broker_java() { "$JAVA_HOME/bin/java" -Xmx1g -Dlog4j2.configurationFile="$out/broker/log4j2.properties" -cp "$(cat $classpath)" "$@"; }
cluster=$(broker_java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
broker_java kafka.tools.StorageTool format -t "$cluster" -c "$out/broker/server.properties" > "$out/broker.log" 2>&1 || { cat "$out/broker.log" >&2; exit 1; }
broker_java kafka.Kafka "$out/broker/server.properties" >> "$out/broker.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do ss -ltn | grep -qE ":$kport\b" && break; sleep 0.2; done
ss -ltn | grep -qE ":$kport\b" || { echo "the broker did not start:" >&2; tail -20 "$out/broker.log" >&2; exit 1; }
broker=$(pgrep -f "kafka.Kafka $out/broker/server.properties" | head -1)
pids+=("$broker") # $! above is the function's subshell: killing it leaves the broker's JVM running

# The collector, consuming from the start of the load (its rebuild at start reads an empty topic).
printf 'network marker 203.0.113.77/32\nprice marker egress 0\n' > "$out/cost.conf"
CLUSTERTOP_JAVA_OPTS="-Xlog:disable ${CLUSTERTOP_JAVA_OPTS:-}" \
  bin/clustertop collector --listen 127.0.0.1:$port --metrics-listen 127.0.0.1:$mport --max-agents $((agents + 10)) \
  --config "$out/cost.conf" --kafka 127.0.0.1:$kport --topic bench --group bench "$@" > "$out/collector.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q "listening on" "$out/collector.log" && break; sleep 0.1; done
grep -q "listening on" "$out/collector.log" || { echo "the collector did not start:" >&2; cat "$out/collector.log" >&2; exit 1; }
pid=$(pgrep -f "collector --listen 127.0.0.1:$port" | head -1)
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
metric() { curl -s "http://127.0.0.1:$mport/metrics" | awk -v m="$1" '$1 == m {print $2}'; }

# VIA=relay: the consoles watch a relay over the collector (batch -> relay view) instead of the collector.
watch=127.0.0.1:$port
if [[ ${VIA:-collector} == relay ]]; then
  rport=$(free_port)
  CLUSTERTOP_JAVA_OPTS="-Xlog:disable ${CLUSTERTOP_JAVA_OPTS:-}" \
    bin/clustertop relay --shards 127.0.0.1:$port --listen 127.0.0.1:$rport > "$out/relay.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do ss -ltn | grep -qE ":$rport\b" && break; sleep 0.1; done
  ss -ltn | grep -qE ":$rport\b" || { echo "the relay did not start:" >&2; cat "$out/relay.log" >&2; exit 1; }
  watch=127.0.0.1:$rport
fi

before=$(cpu $pid); broker_before=$(cpu $broker); applied_before=$(metric clustertop_ingest_batches_applied_total)
t0=$(date +%s.%N)
"$JAVA_HOME/bin/java" -Dingest.kafka=127.0.0.1:$kport/bench -Dingest.partitions=$partitions -Dingest.watch=$watch -cp "$jar" \
  io.clustertop.benchmarks.IngestLoad 127.0.0.1:$port "$agents" "$flows" "$seconds" "$consoles" 0 > "$out/load-all.txt" 2>&1 &
load=$!; pids+=($load)
while kill -0 $load 2>/dev/null && ! grep -q "^consoles held for" "$out/load-all.txt"; do sleep 0.5; done
t1=$(date +%s.%N)
after=$(cpu $pid); broker_after=$(cpu $broker)
sleep 5 # what the collector had not yet applied when the agents stopped
applied=$(metric clustertop_ingest_batches_applied_total)
curl -s "http://127.0.0.1:$mport/metrics" > "$out/metrics.txt"
grep -v "^WARNING\|^INFO\|TcpMetrics\|^consoles held\|^SLF4J" "$out/load-all.txt" | tee "$out/load.txt"
markers=$(grep -oE 'markers sent [0-9]+' "$out/load.txt" | grep -oE '[0-9]+$')
sent=$(grep -oE 'batches sent [0-9]+' "$out/load.txt" | grep -oE '[0-9]+$')
grep -E '^clustertop_kafka_(records_total|partitions|rebuilds_total|last_rebuild_seconds|commit_failures_total)' "$out/metrics.txt"
awk -v b="$before" -v a="$after" -v bb="$broker_before" -v ba="$broker_after" -v t="$ticks" -v t0="$t0" -v t1="$t1" \
  'BEGIN { printf "collector CPU: %.1f s over %.1f s of load (%.0f %% of one core); broker CPU: %.0f %% of one core\n",
    (a - b) / t, t1 - t0, 100 * (a - b) / t / (t1 - t0), 100 * (ba - bb) / t / (t1 - t0) }' | tee "$out/cpu.txt"
# Over the agents' own sending time, as IngestLoad measured it (the load's JVM start is not in it).
elapsed=$(grep -oE 'flows per batch [0-9]+, [0-9.]+ s' "$out/load.txt" | grep -oE '[0-9.]+ s$' | grep -oE '[0-9.]+')
deltas=$(awk -v a="$applied" -v b="${applied_before:-0}" -v m="$markers" -v f="$flows" -v t="$elapsed" \
  'BEGIN { printf "%.0f", (a - b - m) * f / t }')
latency=$(grep -oE '^console [a-z]+: .*p99 [0-9]+ ms, max [0-9]+ ms' "$out/load.txt" \
  | sed -E 's/console ([a-z]+): .*p50 ([0-9]+) ms, p99 ([0-9]+) ms, max ([0-9]+) ms/\1 \2\/\3\/\4/' | paste -sd ';' | sed 's/;/; /g')
# A takeover: a second collector joins the group while the first holds everything; the partitions it
# takes are rebuilt from the log (these agents publish no full states, so from their first batches: the
# whole run, SECONDS of batches per agent, within the rebuild window of twice 60 s).
port2=$(free_port); mport2=$(free_port)
CLUSTERTOP_JAVA_OPTS="-Xlog:disable ${CLUSTERTOP_JAVA_OPTS:-}" \
  bin/clustertop collector --listen 127.0.0.1:$port2 --metrics-listen 127.0.0.1:$mport2 --max-agents $((agents + 10)) \
  --config "$out/cost.conf" --kafka 127.0.0.1:$kport --topic bench --group bench "$@" > "$out/collector2.log" 2>&1 &
pids+=($!)
for _ in $(seq 240); do grep -q "rebuilt in" "$out/collector2.log" && break; sleep 0.5; done
rebuild=$(grep -oE "partitions assigned: .*|rebuilt in .*" "$out/collector2.log" | sed -E 's/\[[^]]*\]/[...]/' | paste -sd ' ' | sed 's/  */ /g')
revoked=$(grep -oE "partitions revoked: .*" "$out/collector.log" | sed -E 's/\[[^]]*\]/[...]/' | head -1)
echo "takeover: first collector: ${revoked:-none}; second: ${rebuild:-no rebuild within 120 s}" | tee "$out/takeover.txt"

echo "summary: ${agents}x${flows} through Kafka ($partitions partitions, one collector, consoles on the ${VIA:-collector}): batches published $sent," \
  "applied $((applied - ${applied_before:-0})) (markers $markers); deltas applied ${deltas}/s;" \
  "batch->view p50/p99/max ms: ${latency:-none}; $(grep -oE '[0-9]+ % of one core\); broker CPU: [0-9]+ %' "$out/cpu.txt" | sed 's/); broker CPU:/ collector,/') broker" \
  "takeover: $(grep -oE 'rebuilt in [0-9.]+ s: .* records read' "$out/takeover.txt" || echo none)" \
  | tee "$out/summary.txt"
