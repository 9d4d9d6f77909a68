package io.clustertop.kubernetes.informer;

import io.clustertop.core.testing.CuttableProxy;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * fabric8's mock API server in CRUD mode on 127.0.0.1 (objects created, changed and deleted through
 * {@link #admin} are listed and watched as a real server lists and watches them; watches expire with
 * 410 when {@link #dispatcher} says), behind a {@link CuttableProxy} a test can cut: what the tests of
 * the watcher and of the collector's rows by pod run against. In the test jar.
 */
public final class MockApi implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(30);

  public final ExpiringCrudDispatcher dispatcher = new ExpiringCrudDispatcher();
  public final KubernetesMockServer server;
  public final KubernetesClient admin;
  public final CuttableProxy proxy;

  public MockApi() throws IOException {
    server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), new HashMap<>(),
        dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    admin = server.createClient();
    proxy = new CuttableProxy(server.getPort());
  }

  /** A watcher's configuration through the proxy, with short reconnect intervals so a test does not wait for fabric8's defaults. */
  public Config throughProxy() {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl("http://127.0.0.1:" + proxy.port())
        .withWatchReconnectInterval(100)
        .withRequestRetryBackoffLimit(0)
        .withRequestRetryBackoffInterval(100)
        .withConnectionTimeout(2000)
        .build();
  }

  @Override
  public void close() throws IOException {
    proxy.close();
    admin.close();
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      // the mock's Vert.x server gives up waiting for its connections to drain (seen on a loaded
      // machine); the test's assertions are all made by then
      System.err.println("mock API server: " + e.getMessage());
    }
  }

  /** Polls until {@code condition} holds; fails after 30 s with what {@code state} says then. */
  public static void await(String what, BooleanSupplier condition, Supplier<Object> state) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not reached within " + WAIT.toSeconds() + " s: " + what + "; " + state.get());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted while waiting for " + what);
      }
    }
  }
}
