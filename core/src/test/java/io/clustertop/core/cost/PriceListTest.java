package io.clustertop.core.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class PriceListTest {
  @Test
  void defaultsAreTheShippedExamples() {
    PriceList p = CostConfig.defaults().prices();
    assertEquals("USD", p.currency());
    assertEquals(PriceList.GB, p.unitBytes());
    assertEquals(new BigDecimal("0.09"), p.of("internet").egress());
    assertEquals(new BigDecimal("0.01"), p.of("cross-zone").ingress());
  }

  @Test
  void costIsExactBytesTimesPricePerGigabyte() {
    PriceList p = CostConfig.defaults().prices();
    // 1 234 567 891 bytes at 0.09 per 10^9 bytes
    assertEquals(new BigDecimal("0.11111111019"), p.cost("internet", Direction.EGRESS, 1_234_567_891L));
    assertEquals(BigDecimal.ZERO, p.cost("internet", Direction.INGRESS, 1_234_567_891L));
    // Between two nodes in different zones: the sender's 0.01 and the receiver's 0.01.
    assertEquals(new BigDecimal("0.00000002"), p.cost("cross-zone", Direction.INTERNAL, 1000));
    assertEquals(new BigDecimal("0.00000001"), p.cost("cross-zone", Direction.EGRESS, 1000));
    assertEquals(BigDecimal.ZERO, p.cost("no-such-class", Direction.EGRESS, 1000));
  }

  @Test
  void perGibibyteIsExactToo() {
    PriceList p = ClassifierTest.parse("""
        currency EUR
        unit GiB
        price same-zone egress 0
        price cross-zone egress 0.01 ingress 0.01
        price cross-region egress 0.02
        price unknown-zone egress 0.01
        price private egress 0.01
        price internet egress 0.08
        """).prices();
    assertEquals("EUR", p.currency());
    assertEquals(new BigDecimal("0.08"), p.cost("internet", Direction.EGRESS, 1L << 30));
    // 1000 / 2^30 * 0.08 terminates: 2^30 divides 10^30.
    assertEquals(new BigDecimal("0.0000000745058059692382812500").stripTrailingZeros(),
        p.cost("internet", Direction.EGRESS, 1000));
  }

  @Test
  void hourlyRateOfASteadyStream() {
    PriceList p = CostConfig.defaults().prices();
    assertEquals(0.09 * 3.6, p.perHour("internet", Direction.EGRESS, 1_000_000), 1e-12);
  }
}
