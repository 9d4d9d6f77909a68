package io.clustertop.console.config;

import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Network;
import io.clustertop.core.view.PortDisplay;
import io.clustertop.core.view.SortOrder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An iftop configuration file ({@code ~/.iftoprc}, or the file {@code -c} names), read as iftop's
 * {@code cfgfile.c} reads it and checked strictly: one {@code name: value} directive per line,
 * {@code #} to the end of the line is a comment, a line ending in a backslash continues on the
 * next, blanks around the name and the value do not count.
 *
 * <p>iftop warns about an unknown or repeated directive and quietly takes a bad value as "no" or
 * ignores it; here each of those, and a non-blank line that is not a directive, is an {@link
 * InvalidConfigException} naming the file, the line and the reason, so a typo cannot pass
 * unnoticed. The directives are those of iftop 1.0pre4's {@code cfgfile.c} and its manual page
 * ({@code screen-filter}, which the manual lists and 1.0pre4 itself rejects, is accepted).
 *
 * <p>{@code net-filter} and {@code net-filter6} are checked as core's {@link Network#parse} reads
 * {@code -F} and {@code -G}, which is stricter than iftop: a netmask must be contiguous, and an
 * IPv6 mask is a prefix length only.
 *
 * <p>Immutable; the values are kept as written, each checked against its directive's type.
 */
public final class IftopRc {

  /** What a directive's value must look like. */
  private enum Type {
    TEXT,
    YES_NO,
    COUNT,
    BANDWIDTH,
    SORT,
    LINE_DISPLAY,
    PORT_DISPLAY,
    NET4,
    NET6,
    REGEX
  }

  private static final Map<String, Type> DIRECTIVES = directives();

  private static final List<String> YES_NO_VALUES = List.of("yes", "no", "true", "false");
  private static final List<String> SORT_VALUES = List.of("2s", "10s", "40s", "source", "destination");
  private static final List<String> LINE_DISPLAY_VALUES =
      List.of("two-line", "one-line-both", "one-line-sent", "one-line-received");
  private static final List<String> PORT_DISPLAY_VALUES = List.of("off", "source-only", "destination-only", "on");

  private final Map<String, String> values;

  private IftopRc(Map<String, String> values) {
    this.values = values;
  }

  /** Reads and checks {@code file}; a file that cannot be read is an {@link IOException}. */
  public static IftopRc read(Path file) throws IOException, InvalidConfigException {
    return parse(file.toString(), Files.readString(file, StandardCharsets.ISO_8859_1));
  }

  /**
   * Checks the text of a configuration file.
   *
   * @param fileName how errors name the file
   */
  public static IftopRc parse(String fileName, String text) throws InvalidConfigException {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, Integer> firstLine = new HashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNumber = i + 1;
      StringBuilder line = new StringBuilder(stripCarriageReturn(lines[i]));
      // iftop joins a line ending in a backslash with the next, in place of the backslash.
      while (!line.isEmpty() && line.charAt(line.length() - 1) == '\\' && i + 1 < lines.length) {
        line.setLength(line.length() - 1);
        line.append(stripCarriageReturn(lines[++i]));
      }
      String content = withoutComment(line.toString());
      if (content.isBlank()) {
        continue;
      }
      int colon = content.indexOf(':');
      if (colon < 0) {
        throw new InvalidConfigException(fileName, lineNumber, "expected \"name: value\", found \"" + content.strip() + "\"");
      }
      String name = content.substring(0, colon).strip();
      String value = content.substring(colon + 1).strip();
      if (name.isEmpty()) {
        throw new InvalidConfigException(fileName, lineNumber, "missing directive name before ':'");
      }
      Type type = DIRECTIVES.get(name);
      if (type == null) {
        throw new InvalidConfigException(fileName, lineNumber, "unknown directive \"" + name + "\"");
      }
      Integer earlier = firstLine.putIfAbsent(name, lineNumber);
      if (earlier != null) {
        throw new InvalidConfigException(
            fileName, lineNumber, "repeated directive \"" + name + "\" (first on line " + earlier + ")");
      }
      String problem = check(type, value);
      if (problem != null) {
        throw new InvalidConfigException(
            fileName, lineNumber, "invalid value \"" + value + "\" for " + name + ": " + problem);
      }
      values.put(name, value);
    }
    return new IftopRc(Collections.unmodifiableMap(values));
  }

  /** The directives iftop knows. */
  public static Set<String> knownDirectives() {
    return DIRECTIVES.keySet();
  }

  /** Every directive the file sets, in file order, with its value as written. */
  public Map<String, String> values() {
    return values;
  }

  /** The value of any directive, as written. */
  public Optional<String> text(String directive) {
    return Optional.ofNullable(values.get(known(directive)));
  }

  /** A yes/no directive: {@code yes} and {@code true} are true, {@code no} and {@code false} false. */
  public Optional<Boolean> flag(String directive) {
    requireType(directive, Type.YES_NO);
    return text(directive).map(v -> v.equals("yes") || v.equals("true"));
  }

  /** {@code num-lines} or {@code timed-output}. */
  public OptionalInt count(String directive) {
    requireType(directive, Type.COUNT);
    String value = values.get(directive);
    return value == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(value));
  }

  /** {@code max-bandwidth} in bits per second ({@code K}, {@code M}, {@code G} are powers of 1024). */
  public OptionalLong maxBandwidthBits() {
    String value = values.get("max-bandwidth");
    return value == null ? OptionalLong.empty() : OptionalLong.of(bandwidthBits(value));
  }

  /** {@code sort}: {@code 2s}, {@code 10s}, {@code 40s}, {@code source} or {@code destination}. */
  public Optional<SortOrder> sort() {
    return text("sort").map(SortOrder::parse);
  }

  /** {@code port-display}: {@code off}, {@code source-only}, {@code destination-only} or {@code on}. */
  public Optional<PortDisplay> portDisplay() {
    return text("port-display").map(v -> switch (v) {
      case "source-only" -> PortDisplay.SOURCE_ONLY;
      case "destination-only" -> PortDisplay.DESTINATION_ONLY;
      case "on" -> PortDisplay.ON;
      default -> PortDisplay.OFF;
    });
  }

  /** Why {@code value} does not fit {@code type}, or null when it does. */
  private static String check(Type type, String value) {
    if (value.isEmpty()) {
      return "empty value";
    }
    return switch (type) {
      case TEXT -> null;
      case YES_NO -> oneOf(value, YES_NO_VALUES);
      case SORT -> oneOf(value, SORT_VALUES);
      case LINE_DISPLAY -> oneOf(value, LINE_DISPLAY_VALUES);
      case PORT_DISPLAY -> oneOf(value, PORT_DISPLAY_VALUES);
      case COUNT -> value.matches("\\d{1,9}") ? null : "use a whole number of at most 9 digits";
      case BANDWIDTH -> checkBandwidth(value);
      case NET4 -> checkNet(value, 4);
      case NET6 -> checkNet(value, 6);
      case REGEX -> checkRegex(value);
    };
  }

  private static String oneOf(String value, List<String> allowed) {
    return allowed.contains(value) ? null : "use " + String.join(", ", allowed.subList(0, allowed.size() - 1))
        + " or " + allowed.getLast();
  }

  /** iftop's {@code options_config_get_bw_rate}: digits, then at most one of K, M, G (or B for bits). */
  private static String checkBandwidth(String value) {
    if (!value.matches("\\d+[kKmMgGbB]?")) {
      return "use a number of bits per second, optionally followed by K, M or G";
    }
    try {
      bandwidthBits(value);
      return null;
    } catch (ArithmeticException | NumberFormatException tooLarge) {
      return "too large";
    }
  }

  private static long bandwidthBits(String value) {
    char unit = Character.toLowerCase(value.charAt(value.length() - 1));
    long multiplier = switch (unit) {
      case 'k' -> 1L << 10;
      case 'm' -> 1L << 20;
      case 'g' -> 1L << 30;
      default -> 1;
    };
    String digits = Character.isDigit(unit) ? value : value.substring(0, value.length() - 1);
    return Math.multiplyExact(Long.parseLong(digits), multiplier);
  }

  /**
   * {@code net/mask} as core's {@link Network#parse} reads iftop's {@code -F} and {@code -G}: an
   * address of the directive's family, then a prefix length or (IPv4) a dotted netmask.
   */
  private static String checkNet(String value, int version) {
    String family = version == 4 ? "IPv4" : "IPv6";
    int slash = value.indexOf('/');
    if (slash < 0) {
      return version == 4 ? "use net/mask, e.g. 10.0.0.0/8 or 10.0.0.0/255.0.0.0" : "use net6/prefix, e.g. 2001:db8::/32";
    }
    String net = value.substring(0, slash);
    String mask = value.substring(slash + 1);
    if (IpAddress.parseNumeric(net).filter(a -> a.version() == version).isEmpty()) {
      return "\"" + net + "\" is not an " + family + " address";
    }
    if (!mask.matches("\\d{1,3}") && IpAddress.parseNumeric(mask).isEmpty()) {
      return "\"" + mask + "\" is neither a prefix length nor a netmask";
    }
    try {
      Network.parse(value); // both parts are numeric now: nothing is looked up
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** The screen filter is matched against host names; it must at least compile. */
  private static String checkRegex(String value) {
    try {
      Pattern.compile(value);
      return null;
    } catch (PatternSyntaxException e) {
      return "not a regular expression (" + e.getDescription() + ")";
    }
  }

  private static String withoutComment(String line) {
    int hash = line.indexOf('#');
    return hash < 0 ? line : line.substring(0, hash);
  }

  private static String stripCarriageReturn(String line) {
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  private static String known(String directive) {
    if (!DIRECTIVES.containsKey(directive)) {
      throw new IllegalArgumentException("unknown directive \"" + directive + "\"");
    }
    return directive;
  }

  private static void requireType(String directive, Type type) {
    if (DIRECTIVES.get(known(directive)) != type) {
      throw new IllegalArgumentException("\"" + directive + "\" is not a " + type + " directive");
    }
  }

  private static Map<String, Type> directives() {
    Map<String, Type> d = new LinkedHashMap<>();
    d.put("interface", Type.TEXT);
    d.put("dns-resolution", Type.YES_NO);
    d.put("port-resolution", Type.YES_NO);
    d.put("filter-code", Type.TEXT);
    d.put("show-bars", Type.YES_NO);
    d.put("promiscuous", Type.YES_NO);
    d.put("hide-source", Type.YES_NO);
    d.put("hide-destination", Type.YES_NO);
    d.put("use-bytes", Type.YES_NO);
    d.put("sort", Type.SORT);
    d.put("line-display", Type.LINE_DISPLAY);
    d.put("show-totals", Type.YES_NO);
    d.put("log-scale", Type.YES_NO);
    d.put("max-bandwidth", Type.BANDWIDTH);
    d.put("net-filter", Type.NET4);
    d.put("net-filter6", Type.NET6);
    d.put("link-local", Type.YES_NO);
    d.put("port-display", Type.PORT_DISPLAY);
    d.put("timed-output", Type.COUNT); // -s: print once after this many seconds, then quit
    d.put("no-curses", Type.YES_NO); // -t
    d.put("num-lines", Type.COUNT); // -L
    d.put("screen-filter", Type.REGEX);
    return Collections.unmodifiableMap(d);
  }

  /** A configuration file iftop would misread; the message is {@code FILE:LINE: REASON}. */
  public static final class InvalidConfigException extends Exception {
    private final String file;
    private final int line;
    private final String reason;

    public InvalidConfigException(String file, int line, String reason) {
      super(file + ":" + line + ": " + reason);
      this.file = file;
      this.line = line;
      this.reason = reason;
    }

    public String file() {
      return file;
    }

    public int line() {
      return line;
    }

    public String reason() {
      return reason;
    }
  }
}
