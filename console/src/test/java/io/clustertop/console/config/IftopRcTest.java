package io.clustertop.console.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clustertop.console.config.IftopRc.InvalidConfigException;
import io.clustertop.core.view.PortDisplay;
import io.clustertop.core.view.SortOrder;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IftopRcTest {

  @Test
  void readsEveryDirective() throws Exception {
    Path file = Path.of(IftopRcTest.class.getResource("every-directive.iftoprc").toURI());
    IftopRc rc = IftopRc.read(file);

    assertEquals(List.copyOf(IftopRc.knownDirectives()).stream().sorted().toList(),
        rc.values().keySet().stream().sorted().toList());
    assertEquals(Optional.of("eth0"), rc.text("interface"));
    assertEquals(Optional.of("not port domain and   not host 192.0.2.1"), rc.text("filter-code"));
    assertEquals(Optional.of("10.0.0.0/255.0.0.0"), rc.text("net-filter"));
    assertEquals(Optional.of("^192\\.0\\.2\\."), rc.text("screen-filter"));
    assertEquals(Optional.of(false), rc.flag("dns-resolution"));
    assertEquals(Optional.of(true), rc.flag("port-resolution"));
    assertEquals(Optional.of(true), rc.flag("show-bars"));
    assertEquals(Optional.of(false), rc.flag("promiscuous"));
    assertEquals(Optional.of(true), rc.flag("use-bytes"));
    assertEquals(Optional.of(SortOrder.LAST_40S), rc.sort());
    assertEquals(Optional.of(PortDisplay.SOURCE_ONLY), rc.portDisplay());
    assertEquals(OptionalLong.of(10L << 20), rc.maxBandwidthBits());
    assertEquals(OptionalInt.of(5), rc.count("timed-output"));
    assertEquals(OptionalInt.of(25), rc.count("num-lines"));
  }

  @Test
  void valuesAreImmutableAndInFileOrder() throws Exception {
    IftopRc rc = IftopRc.parse("rc", "sort: 2s\n  interface :\tlo  \n");
    assertEquals(Map.of("sort", "2s", "interface", "lo"), rc.values());
    assertEquals(List.of("sort", "interface"), List.copyOf(rc.values().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> rc.values().put("sort", "40s"));
  }

  @Test
  void absentDirectivesAreEmpty() throws Exception {
    IftopRc rc = IftopRc.parse("rc", "# nothing but a comment\n\n   \n");
    assertEquals(Map.of(), rc.values());
    assertEquals(Optional.empty(), rc.flag("use-bytes"));
    assertEquals(Optional.empty(), rc.sort());
    assertEquals(Optional.empty(), rc.portDisplay());
    assertEquals(OptionalLong.empty(), rc.maxBandwidthBits());
    assertEquals(OptionalInt.empty(), rc.count("num-lines"));
  }

  @Test
  void crlfLinesAndDirectivesOfEachValue() throws Exception {
    IftopRc rc = IftopRc.parse("rc", "port-display: on\r\nsort: destination\r\nmax-bandwidth: 512\r\n");
    assertEquals(Optional.of(PortDisplay.ON), rc.portDisplay());
    assertEquals(Optional.of(SortOrder.DESTINATION), rc.sort());
    assertEquals(OptionalLong.of(512), rc.maxBandwidthBits());
    assertEquals(OptionalLong.of(3L << 30), IftopRc.parse("rc", "max-bandwidth: 3g").maxBandwidthBits());
    assertEquals(OptionalLong.of(100), IftopRc.parse("rc", "max-bandwidth: 100b").maxBandwidthBits());
    assertEquals(Optional.of(PortDisplay.OFF), IftopRc.parse("rc", "port-display: off").portDisplay());
  }

  /** The line a problem is reported on is the first line of the directive, continuations included. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
      'bogus: 1'                               | 1 | unknown directive "bogus"
      'interface: lo\\nshow bars: yes'         | 2 | unknown directive "show bars"
      'screen filter'                          | 1 | expected "name: value", found "screen filter"
      ': yes'                                  | 1 | missing directive name before ':'
      'sort: 2s\\n\\nsort: 40s'                | 3 | repeated directive "sort" (first on line 1)
      'use-bytes: maybe'                       | 1 | invalid value "maybe" for use-bytes: use yes, no, true or false
      'use-bytes:'                             | 1 | invalid value "" for use-bytes: empty value
      'interface:   # no value'                | 1 | invalid value "" for interface: empty value
      'sort: 5s'                               | 1 | invalid value "5s" for sort: use 2s, 10s, 40s, source or destination
      'line-display: three-line'               | 1 | invalid value "three-line" for line-display: use two-line, one-line-both, one-line-sent or one-line-received
      'port-display: both'                     | 1 | invalid value "both" for port-display: use off, source-only, destination-only or on
      'max-bandwidth: 10MB'                    | 1 | invalid value "10MB" for max-bandwidth: use a number of bits per second, optionally followed by K, M or G
      'max-bandwidth: M'                       | 1 | invalid value "M" for max-bandwidth: use a number of bits per second, optionally followed by K, M or G
      'max-bandwidth: 99999999999999999G'      | 1 | invalid value "99999999999999999G" for max-bandwidth: too large
      'num-lines: -1'                          | 1 | invalid value "-1" for num-lines: use a whole number of at most 9 digits
      'timed-output: 1e3'                      | 1 | invalid value "1e3" for timed-output: use a whole number of at most 9 digits
      'net-filter: 10.0.0.0'                   | 1 | invalid value "10.0.0.0" for net-filter: use net/mask, e.g. 10.0.0.0/8 or 10.0.0.0/255.0.0.0
      'net-filter: 10.0.0.256/8'               | 1 | invalid value "10.0.0.256/8" for net-filter: "10.0.0.256" is not an IPv4 address
      'net-filter: intranet.example/8'         | 1 | invalid value "intranet.example/8" for net-filter: "intranet.example" is not an IPv4 address
      'net-filter: 2001:db8::/32'              | 1 | invalid value "2001:db8::/32" for net-filter: "2001:db8::" is not an IPv4 address
      'net-filter: 10.0.0.0/33'                | 1 | invalid value "10.0.0.0/33" for net-filter: prefix length 33 out of 0..32
      'net-filter: 10.0.0.0/255.0.255.0'       | 1 | invalid value "10.0.0.0/255.0.255.0" for net-filter: not a contiguous netmask: 255.0.255.0
      'net-filter: 10.0.0.0/eight'             | 1 | invalid value "10.0.0.0/eight" for net-filter: "eight" is neither a prefix length nor a netmask
      'net-filter6: 10.0.0.0/8'                | 1 | invalid value "10.0.0.0/8" for net-filter6: "10.0.0.0" is not an IPv6 address
      'net-filter6: 2001:db8::/129'            | 1 | invalid value "2001:db8::/129" for net-filter6: prefix length 129 out of 0..128
      'net-filter6: 2001:db8::'                | 1 | invalid value "2001:db8::" for net-filter6: use net6/prefix, e.g. 2001:db8::/32
      'screen-filter: ([a-z]'                  | 1 | invalid value "([a-z]" for screen-filter: not a regular expression (Unclosed group)
      'filter-code: tcp and \\\\\\ninterface: lo\\nbogus: 2' | 3 | unknown directive "bogus"
      """)
  void rejectsWithFileLineAndReason(String text, int line, String reason) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> IftopRc.parse("/home/u/.iftoprc", text.replace("\\n", "\n").replace("\\\\", "\\")));
    assertEquals("/home/u/.iftoprc", e.file());
    assertEquals(line, e.line());
    assertEquals(reason, e.reason());
    assertEquals("/home/u/.iftoprc:" + line + ": " + reason, e.getMessage());
  }

  @Test
  void aMissingFileIsAnIoError() {
    assertThrows(NoSuchFileException.class, () -> IftopRc.read(Path.of("/nonexistent/.iftoprc")));
  }

  @Test
  void typedAccessorsRefuseOtherDirectives() throws Exception {
    IftopRc rc = IftopRc.parse("rc", "");
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> rc.text("colour"));
    assertEquals("unknown directive \"colour\"", unknown.getMessage());
    assertThrows(IllegalArgumentException.class, () -> rc.flag("sort"));
    assertThrows(IllegalArgumentException.class, () -> rc.count("use-bytes"));
  }
}
