package io.clustertop.auth;

import io.clustertop.auth.tls.TlsFiles;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the access rules did, and how exposed a server is, for /metrics: calls refused per
 * operation, whether it runs {@code --insecure}, and its TLS files (expiry, reloads). Kept apart from
 * the collector's own counters; the metrics endpoint prints both.
 *
 * <p>Thread safety: safe; counters are {@link LongAdder}s.
 */
public final class AuthMetrics {
  private final Map<Operation, LongAdder> refused = new EnumMap<>(Operation.class);
  private final LongAdder refusedUnknown = new LongAdder();
  private final boolean insecure;
  private final TlsFiles tls;

  /**
   * @param insecure the server was allowed off loopback without mutual TLS ({@code --insecure})
   * @param tls its TLS files, or null without TLS
   */
  public AuthMetrics(boolean insecure, TlsFiles tls) {
    this.insecure = insecure;
    this.tls = tls;
    for (Operation o : Operation.values()) {
      refused.put(o, new LongAdder());
    }
  }

  /** A call refused; {@code operation} null for a method no role may call. */
  public void refused(Operation operation) {
    (operation == null ? refusedUnknown : refused.get(operation)).increment();
  }

  public long refusedCount(Operation operation) {
    return (operation == null ? refusedUnknown : refused.get(operation)).sum();
  }

  /** Appends its families in Prometheus' text format (0.0.4). */
  public void appendPrometheus(StringBuilder out) {
    header(out, "clustertop_auth_refused_total", "counter",
        "Calls refused with PERMISSION_DENIED: the caller's certificate lacks the role the operation needs (needs=).");
    for (Operation o : Operation.values()) {
      out.append("clustertop_auth_refused_total{operation=\"").append(o.name().toLowerCase(java.util.Locale.ROOT))
          .append("\",needs=\"").append(o.roleText()).append("\"} ").append(refused.get(o).sum()).append('\n');
    }
    out.append("clustertop_auth_refused_total{operation=\"unknown\",needs=\"none may\"} ")
        .append(refusedUnknown.sum()).append('\n');
    header(out, "clustertop_insecure", "gauge",
        "1 when a server listens beyond loopback without mutual TLS (--insecure): anyone who reaches it may send for any node.");
    out.append("clustertop_insecure ").append(insecure ? 1 : 0).append('\n');
    if (tls == null) {
      return;
    }
    header(out, "clustertop_tls_certificate_expiry_timestamp_seconds", "gauge",
        "When the certificate in use (file=\"cert\") and the earliest of the trusted CA certificates (file=\"ca\") expire (notAfter, Unix time).");
    expiry(out, "cert", tls.certificateNotAfter());
    expiry(out, "ca", tls.caNotAfter());
    header(out, "clustertop_tls_reloads_total", "counter",
        "TLS files re-read after they changed (or on SIGHUP): result=applied, or refused (unreadable, or key and certificate do not match: the old ones stay).");
    out.append("clustertop_tls_reloads_total{result=\"applied\"} ").append(tls.reloadsApplied()).append('\n');
    out.append("clustertop_tls_reloads_total{result=\"refused\"} ").append(tls.reloadsRefused()).append('\n');
  }

  private static void expiry(StringBuilder out, String file, Instant notAfter) {
    if (notAfter != null) {
      out.append("clustertop_tls_certificate_expiry_timestamp_seconds{file=\"").append(file).append("\"} ")
          .append(notAfter.getEpochSecond()).append('\n');
    }
  }

  private static void header(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }
}
