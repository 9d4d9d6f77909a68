#!/usr/bin/env bash
# The whole test suite: unit and integration tests (mvn verify), then, as root, the end-to-end
# tests in network namespaces. The README's test command.
set -euo pipefail
cd "$(dirname "$0")"
: "${JAVA_HOME:=$(ls -d /usr/lib/jvm/temurin-25-jdk* /usr/lib/jvm/*-25-* 2>/dev/null | head -1)}"
export JAVA_HOME

mvn -B -ntp verify

if [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null && [ -x test/netns/live-capture.sh ]; then
  test/netns/live-capture.sh
else
  echo "skipped: the network-namespace tests need root and iproute2"
fi
