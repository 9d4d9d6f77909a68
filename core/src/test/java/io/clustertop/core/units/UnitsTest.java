package io.clustertop.core.units;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clustertop.core.view.Rates;
import io.clustertop.core.view.Traffic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every expected figure below was printed by iftop's own {@code readable_size} (ui_common.c,
 * compiled with gcc against glibc) for the same input; one line per case.
 */
class UnitsTest {

  @ParameterizedTest(name = "{0} bytes/s -> [{1}] [{2}] [{3}]")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
      # value        | bits        | bytes       | packets
      0              | '    0b'    | '    0B'    | '    0p'
      0.4            | '    3b'    | '    0B'    | '    0p'
      0.5            | '    4b'    | '    0B'    | '    0p'
      1.5            | '   12b'    | '    2B'    | '    2p'
      2.5            | '   20b'    | '    2B'    | '    2p'
      2.675          | '   21b'    | '    3B'    | '    3p'
      12.5           | '  100b'    | '   12B'    | '   12p'
      124.875        | '  999b'    | '  125B'    | '  125p'
      999            | ' 7.80Kb'   | '  999B'    | '  999p'
      1000           | ' 7.81Kb'   | ' 0.98KB'   | ' 1.00Kp'
      1023           | ' 7.99Kb'   | ' 1.00KB'   | ' 1.02Kp'
      1024           | ' 8.00Kb'   | ' 1.00KB'   | ' 1.02Kp'
      9990           | ' 78.0Kb'   | ' 9.76KB'   | ' 9.99Kp'
      9995           | ' 78.1Kb'   | ' 9.76KB'   | ' 9.99Kp'
      10229          | ' 79.9Kb'   | ' 9.99KB'   | ' 10.2Kp'
      10239          | ' 80.0Kb'   | ' 10.00KB'  | ' 10.2Kp'
      10240          | ' 80.0Kb'   | ' 10.0KB'   | ' 10.2Kp'
      99900          | '  780Kb'   | ' 97.6KB'   | ' 99.9Kp'
      99999          | '  781Kb'   | ' 97.7KB'   | ' 100.0Kp'
      100000         | '  781Kb'   | ' 97.7KB'   | '  100Kp'
      102348         | '  800Kb'   | ' 99.9KB'   | '  102Kp'
      102349         | '  800Kb'   | ' 100.0KB'  | '  102Kp'
      102400         | '  800Kb'   | '  100KB'   | '  102Kp'
      999999         | ' 7.63Mb'   | '  977KB'   | ' 1000Kp'
      1000000        | ' 7.63Mb'   | '  977KB'   | ' 1.00Mp'
      1023487        | ' 7.81Mb'   | '  999KB'   | ' 1.02Mp'
      1023488        | ' 7.81Mb'   | ' 1000KB'   | ' 1.02Mp'
      1048576        | ' 8.00Mb'   | ' 1.00MB'   | ' 1.05Mp'
      10485760       | ' 80.0Mb'   | ' 10.0MB'   | ' 10.5Mp'
      104857600      | '  800Mb'   | '  100MB'   | '  105Mp'
      1000000000     | ' 7.45Gb'   | '  954MB'   | ' 1.00Gp'
      1073741824     | ' 8.00Gb'   | ' 1.00GB'   | ' 1.07Gp'
      1e12           | ' 7451Gb'   | '  931GB'   | ' 1000Gp'
      1e13           | ' 74506Gb'  | ' 9313GB'   | ' 10000Gp'
      1e14           | ' 745058Gb' | ' 93132GB'  | ' 100000Gp'
      1e15           | ' 7450580G' | ' 931323GB' | ' 1000000G'
      1e16           | ' 74505808' | ' 9313226G' | ' 10000000'
      """)
  void ratesAsIftopPrintsThem(double value, String bits, String bytes, String packets) {
    assertEquals(bits, Units.BITS.rate(value), "bits");
    assertEquals(bytes, Units.BYTES.rate(value), "bytes");
    assertEquals(packets, Units.PACKETS.rate(value), "packets");
  }

  /** The thresholds the brief names, in the unit each is a threshold of. */
  @Test
  void thresholds() {
    assertEquals("  999B", Units.bytes(999));
    assertEquals(" 0.98KB", Units.bytes(1000));
    assertEquals(" 1.00KB", Units.bytes(1023));
    assertEquals(" 1.00KB", Units.bytes(1024));
    assertEquals(" 9.99KB", Units.bytes(10_229)); // 9.99 K
    assertEquals(" 10.0KB", Units.bytes(10_240)); // 10 K
    assertEquals(" 99.9KB", Units.bytes(102_348)); // 99.9 K
    assertEquals("  100KB", Units.bytes(102_400)); // 100 K
    assertEquals("  999p", Units.PACKETS.rate(999));
    assertEquals(" 1.00Kp", Units.PACKETS.rate(1000));
    assertEquals(" 9.99Kp", Units.PACKETS.rate(9990));
    assertEquals(" 10.0Kp", Units.PACKETS.rate(10_000));
    assertEquals(" 99.9Kp", Units.PACKETS.rate(99_900));
    assertEquals("  100Kp", Units.PACKETS.rate(100_000));
    assertEquals("  999b", Units.BITS.rate(999 / 8.0));
    assertEquals(" 0.98Kb", Units.BITS.rate(1000 / 8.0));
    assertEquals(" 1.00Kb", Units.BITS.rate(1024 / 8.0));
  }

  /** Cumulative figures: bytes in steps of 1024 for bits and bytes, packets for packets. */
  @Test
  void cumulative() {
    Traffic traffic = new Traffic(13_600, 136, Rates.ZERO, Rates.ZERO, 0);
    assertEquals(" 13.3KB", Units.BITS.cumulative(traffic));
    assertEquals(" 13.3KB", Units.BYTES.cumulative(traffic));
    assertEquals("  136p", Units.PACKETS.cumulative(traffic));
    assertEquals("    0B", Units.bytes(0));
    assertEquals(" 2.22KB", Units.bytes(2_272));
    assertEquals(" 8.00GB", Units.bytes(8L << 30));
  }

  @Test
  void ratesPicksBytesOrPackets() {
    Rates bytes = new Rates(1, 2, 3);
    Rates packets = new Rates(4, 5, 6);
    Traffic traffic = new Traffic(0, 0, bytes, packets, 0);
    assertEquals(bytes, Units.BITS.rates(traffic));
    assertEquals(bytes, Units.BYTES.rates(traffic));
    assertEquals(packets, Units.PACKETS.rates(traffic));
  }

  @Test
  void notANumberPrintsAsPrintfDoes() {
    assertEquals("  nanGB", Units.BYTES.rate(Double.NaN)); // NaN fails every comparison: the last suffix
  }

  @Test
  void parsesIftopNames() {
    assertEquals(Units.BITS, Units.parse("bits"));
    assertEquals(Units.BYTES, Units.parse("bytes"));
    assertEquals(Units.PACKETS, Units.parse("packets"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.parse("kb"));
    assertEquals("invalid unit 'kb': use bits, bytes or packets", e.getMessage());
  }
}
