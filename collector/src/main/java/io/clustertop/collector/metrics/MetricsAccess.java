package io.clustertop.collector.metrics;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;

/**
 * How the metrics endpoint is reached and what it adds to the collector's own figures.
 *
 * @param tls HTTPS with this context (the collector's certificate); null for plain HTTP
 * @param requireClientCertificates a scrape must present a certificate of the trusted CA (mutual TLS)
 * @param refusal for an HTTPS scrape's TLS session: null to serve it, else why not (answered 403)
 * @param sections more metric families, appended in Prometheus' text format after the collector's
 */
public record MetricsAccess(SSLContext tls, boolean requireClientCertificates, Function<SSLSession, String> refusal,
    List<Consumer<StringBuilder>> sections) {
  public MetricsAccess {
    sections = List.copyOf(sections);
  }

  /** Plain HTTP, the collector's figures only. */
  public static MetricsAccess plain() {
    return new MetricsAccess(null, false, session -> null, List.of());
  }
}
