#!/usr/bin/env bash
# The whole test suite: unit tests, then integration tests (mvn verify), among them, as root, the
# end-to-end tests in network namespaces (LiveCaptureIT runs test/netns/live-capture.sh). The
# README's test command.
set -euo pipefail
cd "$(dirname "$0")"
: "${JAVA_HOME:=$(ls -d /usr/lib/jvm/temurin-25-jdk* /usr/lib/jvm/*-25-* 2>/dev/null | head -1)}"
export JAVA_HOME

mvn -B -ntp verify
