#!/usr/bin/env bash
# The whole test suite: unit tests, then integration tests (mvn verify), among them, as root, the
# end-to-end tests in network namespaces (LiveCaptureIT runs test/netns/live-capture.sh). The
# README's test command.
set -euo pipefail
cd "$(dirname "$0")"
JAVA_HOME=$(CLUSTERTOP_JDK=find bin/clustertop) # JAVA_HOME if it is 25 or later, else a JDK 25 of /usr/lib/jvm
export JAVA_HOME

mvn -B -ntp verify
