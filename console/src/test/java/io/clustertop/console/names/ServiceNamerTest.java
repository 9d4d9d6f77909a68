package io.clustertop.console.names;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceNamerTest {
  private static final int TCP = 6;
  private static final int UDP = 17;
  private static final int SCTP = 132;

  @ParameterizedTest(name = "{0}/{1} -> {2}")
  @CsvSource(textBlock = """
      7,     6,   echo
      7,     17,  echo
      53,    17,  domain
      443,   6,   https
      8080,  6,   http-alt
      8080,  17,  8080
      9000,  6,   second-name
      9900,  132, sctp-only
      9900,  6,   9900
      4,     6,   4
      1234,  6,   1234
      0,     6,   0
      65535, 17,  65535
      """)
  void namesByPortAndProtocol(int port, int protocol, String expected) throws Exception {
    assertEquals(expected, ServiceNamer.load(resource("services")).name(port, protocol));
  }

  @Test
  void numericNamesNothing() {
    assertEquals("443", ServiceNamer.numeric().name(443, TCP));
    assertEquals("53", ServiceNamer.numeric().name(53, UDP));
  }

  @Test
  void missingFileNamesNothing() throws Exception {
    assertEquals("443", ServiceNamer.load(Path.of("/nonexistent/services")).name(443, TCP));
    assertEquals("9900", ServiceNamer.load(Path.of("/nonexistent/services")).name(9900, SCTP));
  }

  static Path resource(String name) throws Exception {
    return Path.of(ServiceNamerTest.class.getResource("/io/clustertop/console/names/" + name).toURI());
  }
}
