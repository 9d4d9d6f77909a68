package io.clustertop.core.packet;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Jazzer's fuzzing of the decoder (DecoderFuzzTarget): in a normal build (regression mode) every
 * input of {@code PacketDecoderFuzzTestInputs/frames} in the test resources runs once (inputs with
 * which fuzzing reached new code, and the reproducer of any finding; frames of captures of
 * ../shared/pcaps, mutated); with {@code JAZZER_FUZZ=1} (bench/fuzz.sh) Jazzer mutates, guided by
 * coverage. @Timeout is the per-input deadline (Jazzer's -timeout when fuzzing).
 */
class PacketDecoderFuzzTest {
  @FuzzTest(maxDuration = "5m")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void frames(byte[] input) {
    new DecoderFuzzTarget().frame(input);
  }
}
