#!/bin/bash
# The broker image's entry point (docker/kafka-image.sh): a KRaft broker configured as the
# apache/kafka image configures one, from KAFKA_* environment variables (KAFKA_NODE_ID=1 is
# node.id=1; "_" is ".", "__" is "_", "___" is "-"), so docker-compose.yml's kafka service runs on
# either image unchanged. The storage is formatted at the first start (CLUSTER_ID, else a new id).
set -euo pipefail
config=/opt/kafka/config/server.properties
mkdir -p /opt/kafka/config
: >"$config"
while IFS='=' read -r name value; do
  [[ $name == KAFKA_* && $name != KAFKA_HEAP_OPTS && $name != KAFKA_OPTS ]] || continue
  key=${name#KAFKA_}
  key=${key,,}
  key=${key//___/-}
  key=${key//__/@}
  key=${key//_/.}
  key=${key//@/_}
  echo "$key=$value" >>"$config"
done < <(env)
grep -q '^log\.dirs=' "$config" || echo "log.dirs=/var/lib/kafka/data" >>"$config"
# The broker's log to standard output at INFO, as apache/kafka's (docker logs).
printf '%s\n' rootLogger.level=INFO rootLogger.appenderRef.out.ref=out appender.out.type=Console appender.out.name=out \
  appender.out.layout.type=PatternLayout 'appender.out.layout.pattern=[%d] %p %m (%c)%n' >/opt/kafka/config/log4j2.properties
java=(java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} -XX:+UseSerialGC -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties
  ${KAFKA_OPTS:-} -cp '/opt/kafka/libs/*')
log_dirs=$(sed -n 's/^log\.dirs=//p' "$config")
if [[ ! -f ${log_dirs%%,*}/meta.properties ]]; then
  "${java[@]}" kafka.tools.StorageTool format --ignore-formatted -c "$config" \
    -t "${CLUSTER_ID:-$("${java[@]}" kafka.tools.StorageTool random-uuid)}"
fi
exec "${java[@]}" kafka.Kafka "$config"
