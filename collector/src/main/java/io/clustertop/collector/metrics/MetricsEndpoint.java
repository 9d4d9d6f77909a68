package io.clustertop.collector.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.clustertop.collector.history.HistoryMetrics;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.core.cost.CostConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import javax.net.ssl.SSLParameters;

/**
 * {@code GET /metrics} in Prometheus' text format, from the JDK's HTTP server on a thread of its own:
 * a scrape reads the cluster under its lock like a view does, and never runs on a gRPC thread. With
 * the collector's TLS it serves HTTPS with the same certificate, and with mutual TLS a scrape needs
 * a client certificate whose holder may read the metrics ({@link MetricsAccess}).
 *
 * <p>Thread safety: start and close from one thread; scrapes are served on the endpoint's thread.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsEndpoint(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** @param history null when the collector keeps no history */
  public static MetricsEndpoint start(InetSocketAddress address, MergeStore cluster, CollectorMetrics metrics,
      CostConfig cost, HistoryMetrics history, MetricsAccess access) throws IOException {
    HttpServer server;
    if (access.tls() == null) {
      server = HttpServer.create(address, 0);
    } else {
      HttpsServer https = HttpsServer.create(address, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(access.tls()) {
        @Override
        public void configure(HttpsParameters parameters) {
          SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
          ssl.setNeedClientAuth(access.requireClientCertificates());
          parameters.setSSLParameters(ssl);
        }
      });
      server = https;
    }
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "clustertop-metrics");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/metrics", exchange -> serve(exchange, cluster, metrics, cost, history, access));
    server.start();
    return new MetricsEndpoint(server, executor);
  }

  private static void serve(HttpExchange exchange, MergeStore cluster, CollectorMetrics metrics, CostConfig cost,
      HistoryMetrics history, MetricsAccess access) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      String refusal = exchange instanceof HttpsExchange https ? access.refusal().apply(https.getSSLSession()) : null;
      if (refusal != null) {
        byte[] line = (refusal + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(403, line.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(line);
        }
        return;
      }
      StringBuilder text = new StringBuilder(PrometheusText.render(cluster, metrics, cost, history));
      for (Consumer<StringBuilder> section : access.sections()) {
        section.accept(text);
      }
      byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** The address it listens on (the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
