package io.clustertop.core.cost;

import io.clustertop.core.flow.Network;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a cost configuration: one statement a line, {@code #} comments, words split by blanks.
 *
 * <pre>
 * currency USD                      # ISO 4217 code
 * unit GB                           # GB (10^9 bytes) or GiB (2^30 bytes): what a price is per
 * cluster-network 10.96.0.0/12      # in-cluster addresses (pods, services): the sender's zone
 * network object-store 203.0.113.128/25   # a named class; wins over the built-in ones
 * price internet egress 0.09 ingress 0    # per unit; "ingress" may be left out (0)
 * </pre>
 *
 * <p>A file that sets neither {@code currency} nor {@code unit} starts from the defaults' prices and
 * replaces those it prices; one that sets either must price every built-in class, so two currencies
 * or units are never mixed. Refused, with the line and the reason: a syntax error, an unknown
 * statement or class, a negative or malformed price, one network given twice with different
 * classes, a named network that takes a built-in class's name or has no price.
 */
public final class CostConfigParser {
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

  private final String source;
  private final PriceList base;
  private final NetworkTable<ConfiguredNetwork> networks = new NetworkTable<>();
  private final Map<String, Integer> namedLines = new LinkedHashMap<>();
  private final Map<String, Price> prices = new HashMap<>();
  private final Map<String, Integer> priceLines = new HashMap<>();
  private String currency;
  private Long unitBytes;

  private CostConfigParser(String source, PriceList base) {
    this.source = source;
    this.base = base;
  }

  /**
   * @param source the file's name, for messages
   * @param base the prices a file without {@code currency} or {@code unit} starts from; null: none
   */
  public static CostConfig parse(String text, String source, PriceList base) throws CostConfigException {
    return new CostConfigParser(source, base).run(text);
  }

  /** A user's file over the shipped defaults. */
  public static CostConfig parse(String text, String source) throws CostConfigException {
    return parse(text, source, CostConfig.defaults().prices());
  }

  private CostConfig run(String text) throws CostConfigException {
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int hash = lines[i].indexOf('#');
      String line = (hash < 0 ? lines[i] : lines[i].substring(0, hash)).strip();
      if (!line.isEmpty()) {
        statement(line.split("\\s+"), i + 1);
      }
    }
    for (Map.Entry<String, Integer> n : namedLines.entrySet()) {
      if (!prices.containsKey(n.getKey())) {
        throw error(n.getValue(), "network " + n.getKey() + " has no price line (price " + n.getKey() + " egress N)");
      }
    }
    boolean fresh = currency != null || unitBytes != null || base == null;
    Map<String, Price> all = new HashMap<>(fresh ? Map.of() : base.prices());
    all.putAll(prices);
    if (fresh) {
      for (BuiltInClass c : BuiltInClass.values()) {
        if (!prices.containsKey(c.label()) && c != BuiltInClass.SAME_HOST && c != BuiltInClass.UNATTRIBUTED) {
          throw error(0, "a file that sets its currency or unit prices every class; " + c.label() + " has no price line");
        }
      }
    }
    String cur = currency != null ? currency : base == null ? null : base.currency();
    if (cur == null) {
      throw error(0, "no currency line");
    }
    long unit = unitBytes != null ? unitBytes : base == null ? PriceList.GB : base.unitBytes();
    List<String> classes = new ArrayList<>();
    for (BuiltInClass c : BuiltInClass.values()) {
      classes.add(c.label());
    }
    classes.addAll(namedLines.keySet());
    return new CostConfig(new Classifier(networks), new PriceList(cur, unit, all), classes);
  }

  private void statement(String[] w, int line) throws CostConfigException {
    switch (w[0]) {
      case "currency" -> {
        arity(w, 2, line, "currency CODE");
        if (!CURRENCY.matcher(w[1]).matches()) {
          throw error(line, "currency '" + w[1] + "' is not a three-letter code such as USD");
        }
        currency = w[1];
      }
      case "unit" -> {
        arity(w, 2, line, "unit GB|GiB");
        unitBytes = switch (w[1]) {
          case "GB" -> PriceList.GB;
          case "GiB" -> PriceList.GIB;
          default -> throw error(line, "unit '" + w[1] + "': use GB (10^9 bytes) or GiB (2^30 bytes)");
        };
      }
      case "cluster-network" -> {
        arity(w, 2, line, "cluster-network CIDR");
        addNetwork(w[1], new ConfiguredNetwork(null, line), line);
      }
      case "network" -> {
        arity(w, 3, line, "network NAME CIDR");
        String name = w[1];
        if (!NAME.matcher(name).matches()) {
          throw error(line, "network name '" + name + "': lower-case letters, digits and '-', starting with a letter");
        }
        if (BuiltInClass.byLabel(name).isPresent()) {
          throw error(line, "network name '" + name + "' is a built-in class; named networks take their own names");
        }
        namedLines.putIfAbsent(name, line);
        addNetwork(w[2], new ConfiguredNetwork(name, line), line);
      }
      case "price" -> price(w, line);
      default -> throw error(line, "unknown statement '" + w[0] + "' (currency, unit, cluster-network, network, price)");
    }
  }

  private void price(String[] w, int line) throws CostConfigException {
    if (w.length != 4 && w.length != 6) {
      throw error(line, "use: price CLASS egress N [ingress N]");
    }
    String costClass = w[1];
    if (BuiltInClass.byLabel(costClass).isEmpty() && !namedLines.containsKey(costClass)) {
      throw error(line, "unknown class '" + costClass + "' (built-in: " + builtInNames()
          + "; or a network named above)");
    }
    if (!w[2].equals("egress") || (w.length == 6 && !w[4].equals("ingress"))) {
      throw error(line, "use: price CLASS egress N [ingress N]");
    }
    BigDecimal egress = amount(w[3], line);
    BigDecimal ingress = w.length == 6 ? amount(w[5], line) : BigDecimal.ZERO;
    Integer earlier = priceLines.putIfAbsent(costClass, line);
    if (earlier != null) {
      throw error(line, "class " + costClass + " is priced already on line " + earlier);
    }
    prices.put(costClass, new Price(egress, ingress));
  }

  private BigDecimal amount(String text, int line) throws CostConfigException {
    BigDecimal v;
    try {
      v = new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw error(line, "price '" + text + "' is not a decimal number");
    }
    if (v.signum() < 0) {
      throw error(line, "price " + text + " is negative");
    }
    return v;
  }

  private void addNetwork(String cidr, ConfiguredNetwork what, int line) throws CostConfigException {
    Network network;
    try {
      network = Network.parse(cidr);
    } catch (IllegalArgumentException e) {
      throw error(line, "'" + cidr + "' is not a network (" + e.getMessage() + ")");
    }
    Optional<ConfiguredNetwork> before = networks.put(network, what);
    if (before.isPresent() && !java.util.Objects.equals(before.get().name(), what.name())) {
      throw error(line, network + " is given on line " + before.get().line() + " as " + describe(before.get())
          + " and here as " + describe(what));
    }
  }

  private static String describe(ConfiguredNetwork n) {
    return n.cluster() ? "a cluster network" : "network " + n.name();
  }

  private void arity(String[] w, int n, int line, String usage) throws CostConfigException {
    if (w.length != n) {
      throw error(line, "use: " + usage);
    }
  }

  private static String builtInNames() {
    StringBuilder sb = new StringBuilder();
    for (BuiltInClass c : BuiltInClass.values()) {
      sb.append(sb.isEmpty() ? "" : ", ").append(c.label());
    }
    return sb.toString();
  }

  private CostConfigException error(int line, String reason) {
    return new CostConfigException(source, line, reason);
  }
}
