#!/usr/bin/env bash
# The longer fuzzing run: Jazzer, coverage-guided, on the capture file reader (with the decoder
# behind it), on the decoder alone, each for 5 minutes (the @FuzzTest's maxDuration), seeded
# with the public captures of ../shared/pcaps; and on the collector's ingest edge (marshaller,
# validator, ingest session, merge, views), seeded with agents' streams (its corpus in the resources). What a normal build runs instead is each target's
# corpus in src/test/resources (regression mode, seconds).
#
#   bench/fuzz.sh                         # every target
#   bench/fuzz.sh capture|decoder|ingest  # one
#
# A finding fails the run and is written by Jazzer into the target's corpus in src/test/resources
# (CaptureFileFuzzTestInputs/files, PacketDecoderFuzzTestInputs/frames, IngestFuzzTestInputs/streams): fix it, keep the file, and
# the normal build replays it from then on. Coverage-guided inputs Jazzer found interesting stay in
# MODULE/.cifuzz-corpus (not committed) for the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(CLUSTERTOP_JDK=find bin/clustertop) # the launcher's rule: JAVA_HOME if it is 25 or later, else a JDK 25 of /usr/lib/jvm
export JAVA_HOME
pcaps=../shared/pcaps
[[ -d $pcaps ]] || { echo "fuzz.sh: $pcaps is not beside this checkout: nothing to seed from" >&2; exit 2; }
which=${1:-all}
python3 bench/fuzz-seeds.py "$pcaps" \
  agent/.cifuzz-corpus/io.clustertop.agent.capture.CaptureFileFuzzTest/files \
  core/.cifuzz-corpus/io.clustertop.core.packet.PacketDecoderFuzzTest/frames

run() { # module test
  local start=$SECONDS
  # JUnit would hold the whole run to the per-input @Timeout (Jazzer passes it to libFuzzer instead)
  JAZZER_FUZZ=1 mvn -B -o -q -pl "$1" -am test -DskipUnitTests -Dfuzz.tests="**/$2.java" \
    -Dsurefire.failIfNoSpecifiedTests=false -Djunit.jupiter.execution.timeout.mode=disabled \
    2>&1 | tee "/tmp/clustertop-fuzz-$2.log" \
    | grep -E --line-buffered '^#[0-9]+\s+(DONE|NEW|pulse)|^Done|FuzzTestFinding|Tests run:|ERROR' || true
  echo "fuzz.sh: $2: $((SECONDS - start)) s; the whole log: /tmp/clustertop-fuzz-$2.log" >&2
}
case "$which" in
  capture) run agent CaptureFileFuzzTest ;;
  decoder) run core PacketDecoderFuzzTest ;;
  ingest) run collector IngestFuzzTest ;;
  all) run agent CaptureFileFuzzTest; run core PacketDecoderFuzzTest; run collector IngestFuzzTest ;;
  *) echo "fuzz.sh: capture, decoder, ingest, or nothing for all" >&2; exit 2 ;;
esac
