#!/bin/bash
# Builds a Kafka broker image locally, for machines that reach Maven Central and a Debian mirror but
# no image registry (where apache/kafka cannot be pulled): the jars the tests' broker runs (Apache
# Kafka 4.4.0 from Maven Central, listed in the kafka module's kafka-broker.classpath) on the local
# base image (docker/base-image.sh), started by docker/kafka/start.sh from the same KAFKA_*
# variables as apache/kafka. docker-compose.yml's scale profile uses it when told:
#
#   docker/base-image.sh                        # once, as root
#   JAVA_HOME=... mvn -B -pl kafka -am test-compile    # writes kafka/target/test-classes/kafka-broker.classpath
#   docker/kafka-image.sh [TAG]                 # default clustertop-kafka:local
#   KAFKA_IMAGE=clustertop-kafka:local docker-compose --profile scale up -d --build ...
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:-clustertop-kafka:local}
classpath=kafka/target/test-classes/kafka-broker.classpath
[[ -f $classpath ]] || { echo "kafka-image.sh: no $classpath: build the kafka module first (mvn -pl kafka -am test-compile)" >&2; exit 1; }
command -v docker >/dev/null || { echo "kafka-image.sh: needs docker" >&2; exit 1; }
context=$(mktemp -d /tmp/clustertop-kafka-image.XXXXXX)
trap 'rm -rf "$context"' EXIT
mkdir "$context/libs"
tr ':' '\n' <"$classpath" | while read -r jar; do
  [[ -n $jar ]] && cp "$jar" "$context/libs/"
done
cp docker/kafka/Dockerfile docker/kafka/start.sh "$context/"
docker build -q --build-arg "BASE_IMAGE=${BASE_IMAGE:-clustertop-base:bookworm}" -t "$tag" "$context" >/dev/null
echo "$tag: Kafka's broker from $(ls "$context/libs" | grep -c '\.jar$') jars ($(du -sh "$context/libs" | cut -f1))"
