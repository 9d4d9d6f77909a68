package io.clustertop.core.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class CostConfigParserTest {
  @Test
  void aFileWithoutCurrencyStartsFromTheDefaults() throws Exception {
    CostConfig c = CostConfigParser.parse("""
        # only what differs
        network cdn 198.51.100.0/24   # the CDN's origin pull
        price cdn egress 0.005 ingress 0
        price internet egress 0.085
        """, "f");
    assertEquals(new BigDecimal("0.085"), c.prices().of("internet").egress());
    assertEquals(new BigDecimal("0.02"), c.prices().of("cross-region").egress());
    assertEquals(new BigDecimal("0.005"), c.prices().of("cdn").egress());
    assertEquals("cdn", c.classes().getLast());
  }

  @Test
  void refusals() {
    refused("f:2: unknown class 'dark-fibre' (built-in: same-host, same-zone, cross-zone, cross-region, "
        + "unknown-zone, private, internet, unattributed; or a network named above)", "network a 10.0.0.0/8\nprice dark-fibre egress 1\nprice a egress 0");
    refused("f:1: price -0.01 is negative", "price internet egress -0.01");
    refused("f:1: price '1,5' is not a decimal number", "price internet egress 1,5");
    refused("f:3: 203.0.113.0/24 is given on line 1 as network a and here as network b",
        "network a 203.0.113.0/24\nprice a egress 0\nnetwork b 203.0.113.7/24\nprice b egress 0");
    refused("f:2: 10.96.0.0/12 is given on line 1 as a cluster network and here as network a",
        "cluster-network 10.96.0.0/12\nnetwork a 10.96.0.0/12\nprice a egress 0");
    refused("f:1: unknown statement 'prize' (currency, unit, cluster-network, network, price)", "prize internet egress 1");
    refused("f:1: use: price CLASS egress N [ingress N]", "price internet 0.09");
    refused("f:1: network a has no price line (price a egress N)", "network a 10.0.0.0/8");
    refused("f:1: network name 'internet' is a built-in class; named networks take their own names",
        "network internet 1.2.3.0/24");
    refused("f:1: 'ten.0.0.0/8' is not a network (not a numeric IP address: ten.0.0.0)", "cluster-network ten.0.0.0/8");
    refused("f: a file that sets its currency or unit prices every class; same-zone has no price line", "currency EUR");
    refused("f:2: class internet is priced already on line 1", "price internet egress 1\nprice internet egress 2");
  }

  @Test
  void theSameNetworkTwiceWithTheSameClassIsFine() throws Exception {
    CostConfig c = CostConfigParser.parse("network a 10.0.0.0/8\nnetwork a 10.0.0.0/8\nprice a egress 0", "f");
    assertEquals(List.of("a"), c.classes().subList(BuiltInClass.values().length, c.classes().size()));
  }

  private static void refused(String message, String text) {
    CostConfigException e = assertThrows(CostConfigException.class, () -> CostConfigParser.parse(text, "f"));
    assertEquals(message, e.getMessage());
  }
}
