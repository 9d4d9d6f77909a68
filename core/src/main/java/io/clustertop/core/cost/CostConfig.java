package io.clustertop.core.cost;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A parsed cost configuration: the classifier (cluster and named networks) and the prices.
 *
 * @param classes every class name it knows, built-in ones first, then named networks in file order
 */
public record CostConfig(Classifier classifier, PriceList prices, List<String> classes) {
  /** The file the defaults come from, shipped in this jar and reproduced in the README. */
  public static final String DEFAULTS_RESOURCE = "default-cost.conf";

  public CostConfig {
    classes = List.copyOf(classes);
  }

  /** The documented defaults: example list prices, no cluster or named networks. */
  public static CostConfig defaults() {
    try {
      return CostConfigParser.parse(defaultsText(), DEFAULTS_RESOURCE, null);
    } catch (CostConfigException e) {
      throw new IllegalStateException("the shipped defaults do not parse: " + e.getMessage(), e);
    }
  }

  public static String defaultsText() {
    try (InputStream in = CostConfig.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
