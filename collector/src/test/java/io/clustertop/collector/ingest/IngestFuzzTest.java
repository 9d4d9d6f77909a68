package io.clustertop.collector.ingest;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Jazzer's fuzzing of the collector's ingest edge: marshaller, validator, ingest session, merge and
 * the views kept up to date ({@link IngestFuzzTarget}). In a normal build (regression mode) every input
 * of {@code IngestFuzzTestInputs/streams} in the test resources runs once (the seeds of
 * {@link IngestFuzzTarget#seeds}, inputs with which fuzzing reached new code, and the reproducer of any
 * finding); with {@code JAZZER_FUZZ=1} (bench/fuzz.sh ingest) Jazzer mutates, guided by coverage.
 * {@code @Timeout} is the per-input deadline (Jazzer's -timeout when fuzzing).
 */
class IngestFuzzTest {
  @FuzzTest(maxDuration = "5m")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void streams(byte[] input) {
    IngestFuzzTarget.run(input);
  }
}
