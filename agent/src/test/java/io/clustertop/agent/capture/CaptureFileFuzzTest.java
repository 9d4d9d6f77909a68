package io.clustertop.agent.capture;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Jazzer's fuzzing of the capture file reader and the decoder behind it ({@link CaptureFuzzTarget}):
 * in a normal build (regression mode) every input of {@code CaptureFileFuzzTestInputs/files} in the
 * test resources runs once (inputs with which fuzzing reached new code, and the reproducer of any
 * finding; mutated from captures of ../shared/pcaps: tcpdump's tests, BSD licence; PcapPlusPlus',
 * Unlicense); with
 * {@code JAZZER_FUZZ=1} (bench/fuzz.sh, seeded with those captures) Jazzer mutates, guided by
 * coverage. @Timeout is the per-input deadline (Jazzer's -timeout when fuzzing).
 */
class CaptureFileFuzzTest {
  @FuzzTest(maxDuration = "5m")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void files(byte[] input) {
    CaptureFuzzTarget.run(input);
  }
}
