package io.clustertop.auth;

import io.clustertop.core.flow.Network;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A policy file ({@code --auth-policy FILE}): who holds which roles, for certificates that do not
 * say it themselves. One rule a line, {@code WHO ROLE [ROLE...]}; {@code #} starts a comment. An
 * identity holds the roles of every rule it matches, and no other (roles written in certificates
 * are ignored when a policy file is given).
 *
 * <pre>
 * # WHO is KIND:VALUE
 * #   node:NAME   the node the certificate names (SAN URI clustertop://node/NAME, else its first DNS SAN)
 * #   cn:NAME     the subject's common name        ou:NAME   one of the subject's OUs
 * #   dns:NAME    any DNS SAN (case-insensitive)   uri:URI   any URI SAN
 * #   ip:ADDR     any IP SAN equal to ADDR, or inside ADDR/PREFIX
 * # In node, cn, ou, dns and uri values, * stands for any run of characters.
 * node:*              agent
 * cn:alice            console
 * cn:bob              console operator
 * dns:*.ops.example   console
 * </pre>
 *
 * <p>Thread safety: immutable once read.
 */
public final class PolicyFile implements RolePolicy {
  private record Rule(Predicate<CertificateNames> who, Set<Role> roles) {}

  private final List<Rule> rules;

  private PolicyFile(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** Reads and checks a policy file; a {@link PolicyException} names the file, the line and the fault. */
  public static PolicyFile read(Path file) throws PolicyException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PolicyException(file + ": cannot read it (" + e.getMessage() + ")");
    }
    return parse(text, file.toString());
  }

  public static PolicyFile parse(String text, String name) throws PolicyException {
    List<Rule> rules = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      String[] words = (hash < 0 ? line : line.substring(0, hash)).trim().split("\\s+");
      if (words.length == 1 && words[0].isEmpty()) {
        continue;
      }
      String where = name + ":" + (i + 1) + ": ";
      if (words.length < 2) {
        throw new PolicyException(where + "'" + line.trim() + "' names no role: write WHO ROLE [ROLE...], e.g. cn:alice console");
      }
      Set<Role> roles = EnumSet.noneOf(Role.class);
      for (int w = 1; w < words.length; w++) {
        String word = words[w];
        roles.add(Role.named(word).orElseThrow(
            () -> new PolicyException(where + "unknown role '" + word + "' (agent, console, operator)")));
      }
      rules.add(new Rule(matcher(words[0], where), roles));
    }
    if (rules.isEmpty()) {
      throw new PolicyException(name + ": no rule: every certificate would hold no role");
    }
    return new PolicyFile(rules);
  }

  private static Predicate<CertificateNames> matcher(String who, String where) throws PolicyException {
    int colon = who.indexOf(':');
    if (colon <= 0 || colon == who.length() - 1) {
      throw new PolicyException(where + "'" + who + "': write KIND:VALUE, KIND one of node, cn, ou, dns, uri, ip");
    }
    String kind = who.substring(0, colon);
    String value = who.substring(colon + 1);
    return switch (kind) {
      case "node" -> {
        Pattern p = glob(value, false);
        yield n -> n.node() != null && p.matcher(n.node()).matches();
      }
      case "cn" -> {
        Pattern p = glob(value, false);
        yield n -> !n.commonName().isEmpty() && p.matcher(n.commonName()).matches();
      }
      case "ou" -> {
        Pattern p = glob(value, false);
        yield n -> n.organizationalUnits().stream().anyMatch(u -> p.matcher(u).matches());
      }
      case "dns" -> {
        Pattern p = glob(value, true);
        yield n -> n.dnsNames().stream().anyMatch(d -> p.matcher(d).matches());
      }
      case "uri" -> {
        Pattern p = glob(value, false);
        yield n -> n.uris().stream().anyMatch(u -> p.matcher(u).matches());
      }
      case "ip" -> {
        Network network = network(value, where);
        yield n -> n.addresses().stream().anyMatch(a -> network.contains(a.version(), a.high(), a.low()));
      }
      default -> throw new PolicyException(where + "unknown kind '" + kind + "' (node, cn, ou, dns, uri, ip)");
    };
  }

  private static Network network(String value, String where) throws PolicyException {
    try {
      return Network.parse(value);
    } catch (IllegalArgumentException e) {
      throw new PolicyException(where + "'ip:" + value + "': " + e.getMessage());
    }
  }

  /** {@code *} for any run of characters; everything else literal. */
  private static Pattern glob(String value, boolean ignoreCase) {
    StringBuilder regex = new StringBuilder();
    for (String part : value.split("\\*", -1)) {
      if (!regex.isEmpty()) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(ignoreCase ? part.toLowerCase(Locale.ROOT) : part));
    }
    return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
  }

  @Override
  public Set<Role> rolesOf(CertificateNames names) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (Rule rule : rules) {
      if (rule.who().test(names)) {
        roles.addAll(rule.roles());
      }
    }
    return roles;
  }
}
