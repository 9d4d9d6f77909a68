package io.clustertop.core.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAddressTest {

  /** None of the rejected texts reaches the system resolver: each would be a DNS query there. */
  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(nullValues = "NONE", textBlock = """
      127.0.0.1,        127.0.0.1
      255.255.255.255,  255.255.255.255
      0.0.0.0,          0.0.0.0
      2001:db8::5,      2001:db8::5
      ::1,              ::1
      '::',             '::'
      999.1.1.1,        NONE
      1.2.3,            NONE
      1.2.3.4.5,        NONE
      0x7f.0.0.1,       NONE
      localhost,        NONE
      abc:,             NONE
      zz::1,            NONE
      1:2:3:4:5:6:7:8:9, NONE
      '',               NONE
      """)
  void parsesOnlyNumericAddresses(String text, String expected) {
    assertEquals(Optional.ofNullable(expected).map(IpAddress::parse), IpAddress.parseNumeric(text));
  }

  @ParameterizedTest
  @CsvSource(textBlock = """
      10.77.0.1,   10.77.0.1
      fd77::1,     fd77::1
      2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1
      fe80:0:0:0:1:0:0:0, fe80::1:0:0:0
      fe80:0:0:1:0:0:0:0, fe80:0:0:1::
      """)
  void printsTheUsualTextForm(String text, String printed) {
    assertEquals(printed, IpAddress.parse(text).toString());
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(textBlock = """
      169.254.0.1,                true
      169.254.255.255,            true
      169.253.255.255,            false
      169.255.0.0,                false
      10.0.0.1,                   false
      fe80::1,                    true
      fe80::ecee:eeff:feee:eeee,  true
      febf:ffff::1,               true
      fec0::1,                    false
      fe7f::1,                    false
      2001:db8::1,                false
      """)
  void linkLocalAddresses(String text, boolean linkLocal) {
    assertEquals(linkLocal, IpAddress.parse(text).linkLocal());
  }
}
