package io.clustertop.console.names;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.clustertop.core.flow.IpAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The namer with a scripted resolver instead of DNS and a hand-driven clock: nothing here touches
 * the network. Waits poll {@link ReverseDnsNamer#name} until the answer shows, with a deadline.
 */
class ReverseDnsNamerTest {
  private static final Duration TTL = Duration.ofSeconds(600);
  private static final Duration NEGATIVE_TTL = Duration.ofSeconds(60);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** Longer than both TTLs: where the test moves the clock, a slow answer must not time out. */
  private static final Duration NO_TIMEOUT = Duration.ofDays(1);

  private static final IpAddress A = IpAddress.parse("192.0.2.1");
  private static final IpAddress B = IpAddress.parse("192.0.2.2");
  private static final IpAddress C = IpAddress.parse("192.0.2.3");
  private static final IpAddress D = IpAddress.parse("192.0.2.4");

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final ScriptedResolver resolver = new ScriptedResolver();
  private ReverseDnsNamer namer;

  /** Answers from a map, counts the questions, and can hold every answer until released. */
  private static final class ScriptedResolver implements Function<IpAddress, Optional<String>> {
    final Map<IpAddress, String> names = new ConcurrentHashMap<>();
    final Map<IpAddress, AtomicInteger> calls = new ConcurrentHashMap<>();
    volatile CountDownLatch gate = new CountDownLatch(0);

    @Override
    public Optional<String> apply(IpAddress address) {
      String name = names.get(address); // read before counting: once counted, the answer is fixed
      calls.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("lookup interrupted", e);
      }
      if ("THROW".equals(name)) {
        throw new IllegalStateException("resolver failed");
      }
      return Optional.ofNullable(name);
    }

    int calls(IpAddress address) {
      AtomicInteger n = calls.get(address);
      return n == null ? 0 : n.get();
    }
  }

  @AfterEach
  void close() {
    resolver.gate.countDown();
    if (namer != null) {
      namer.close();
    }
  }

  @Test
  void hostsFileAnswersAtOnceWithoutTheResolver() throws Exception {
    namer = namer(1);
    assertEquals("localhost", namer.name(IpAddress.parse("127.0.0.1")));
    assertEquals("gateway.example", namer.name(IpAddress.parse("192.0.2.10")));
    assertEquals("six.example", namer.name(IpAddress.parse("2001:db8::5")));
    assertEquals(0, resolver.calls.size());
  }

  @Test
  void readsHostsAsTheCLibraryDoes() throws Exception {
    assertEquals(Map.of(
            IpAddress.parse("127.0.0.1"), "localhost",
            IpAddress.parse("192.0.2.10"), "gateway.example",
            IpAddress.parse("2001:db8::5"), "six.example"),
        ReverseDnsNamer.readHosts(ServiceNamerTest.resource("hosts")));
  }

  @Test
  void numericFirstThenTheName() throws Exception {
    namer = namer(4);
    resolver.names.put(A, "a.example");
    resolver.gate = new CountDownLatch(1);

    assertEquals("192.0.2.1", namer.name(A));
    assertEquals("192.0.2.1", namer.name(A)); // still pending: no second lookup
    resolver.gate.countDown();

    awaitName(A, "a.example");
    assertEquals(1, resolver.calls(A));
  }

  @Test
  void noNameStaysNumericUntilTheNegativeTtlEnds() throws Exception {
    namer = namer(4);
    assertEquals("192.0.2.1", namer.name(A));
    awaitLookups(A, 1);

    clock.addAndGet(NEGATIVE_TTL.toNanos() - 1);
    assertEquals("192.0.2.1", namer.name(A));
    assertEquals(1, resolver.calls(A));

    resolver.names.put(A, "late.example");
    clock.addAndGet(1);
    awaitName(A, "late.example");
    assertEquals(2, resolver.calls(A));
  }

  @Test
  void anExpiredNameShowsWhileItIsLookedUpAgain() throws Exception {
    namer = namer(4);
    resolver.names.put(A, "old.example");
    namer.name(A);
    awaitName(A, "old.example");

    resolver.names.put(A, "new.example");
    resolver.gate = new CountDownLatch(1);
    clock.addAndGet(TTL.toNanos());
    assertEquals("old.example", namer.name(A));
    resolver.gate.countDown();

    awaitName(A, "new.example");
    assertEquals(2, resolver.calls(A));
  }

  /** iftop would leave D numeric for good; here the next call after the queue drains looks it up. */
  @Test
  void aFullQueueLeavesTheAddressNumericForNowAndRetriesLater() throws Exception {
    namer = namer(1);
    for (IpAddress address : new IpAddress[] {A, B, C, D}) {
      resolver.names.put(address, "host-" + address.toString().substring(8) + ".example");
    }
    resolver.gate = new CountDownLatch(1);

    assertEquals("192.0.2.1", namer.name(A)); // runs on thread 1
    assertEquals("192.0.2.2", namer.name(B)); // runs on thread 2
    assertEquals("192.0.2.3", namer.name(C)); // waits in the queue's one place
    assertEquals("192.0.2.4", namer.name(D)); // no room: not queued
    assertEquals(0, resolver.calls(D));

    resolver.gate.countDown();
    awaitName(A, "host-1.example");
    awaitName(B, "host-2.example");
    awaitName(C, "host-3.example");
    awaitName(D, "host-4.example");
    assertEquals(1, resolver.calls(D));
  }

  @Test
  void aLookupThatTimesOutCountsAsNoName() throws Exception {
    namer = namer(4, TIMEOUT);
    resolver.names.put(A, "slow.example");
    resolver.gate = new CountDownLatch(1); // never opened: only the interrupt ends the lookup

    assertEquals("192.0.2.1", namer.name(A));
    awaitLookups(A, 1);
    clock.addAndGet(TIMEOUT.toNanos());
    assertEquals("192.0.2.1", namer.name(A)); // gives up and cancels the lookup

    resolver.gate.countDown();
    clock.addAndGet(NEGATIVE_TTL.toNanos() - 1);
    assertEquals("192.0.2.1", namer.name(A));
    assertEquals(1, resolver.calls(A));
    clock.addAndGet(1);
    namer.name(A);
    awaitName(A, "slow.example");
    assertEquals(2, resolver.calls(A));
  }

  /** Each is kept as "no name" for the negative TTL, then asked again. */
  @Test
  void failuresAndNumericAnswersMeanNoName() throws Exception {
    namer = namer(4);
    resolver.names.put(A, "THROW");
    resolver.names.put(B, "192.0.2.2");
    resolver.names.put(C, "");
    for (IpAddress address : new IpAddress[] {A, B, C}) {
      awaitLookups(address, 1);
    }
    clock.addAndGet(NEGATIVE_TTL.toNanos() - 1);
    assertEquals("192.0.2.1", namer.name(A));
    assertEquals("192.0.2.2", namer.name(B));
    assertEquals("192.0.2.3", namer.name(C));
    clock.addAndGet(1);
    for (IpAddress address : new IpAddress[] {A, B, C}) {
      awaitLookups(address, 2);
    }
  }

  @Test
  void ipv6LinkLocalAndSiteLocalStayNumeric() throws Exception {
    namer = namer(4);
    assertEquals("fe80::1", namer.name(IpAddress.parse("fe80::1")));
    assertEquals("fec0::1", namer.name(IpAddress.parse("fec0::1")));
    assertEquals(0, resolver.calls.size());
  }

  @Test
  void afterCloseOnlyTheHostsFileAndTheCacheAnswer() throws Exception {
    namer = namer(4);
    resolver.names.put(A, "a.example");
    namer.name(A);
    awaitName(A, "a.example");
    namer.close();
    namer.close();

    assertEquals("a.example", namer.name(A));
    assertEquals("192.0.2.2", namer.name(B));
    assertEquals("localhost", namer.name(IpAddress.parse("127.0.0.1")));
    assertEquals(0, resolver.calls(B));
  }

  private ReverseDnsNamer namer(int queueCapacity) throws Exception {
    return namer(queueCapacity, NO_TIMEOUT);
  }

  private ReverseDnsNamer namer(int queueCapacity, Duration timeout) throws Exception {
    return new ReverseDnsNamer(ServiceNamerTest.resource("hosts"), resolver, TTL, NEGATIVE_TTL, timeout,
        queueCapacity, clock::get);
  }

  private void awaitName(IpAddress address, String expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String name;
    while (!(name = namer.name(address)).equals(expected)) {
      if (System.nanoTime() > deadline) {
        fail("still " + name + " instead of " + expected);
      }
      Thread.sleep(1);
    }
  }

  /** Shows the address until the resolver has been asked {@code count} times. */
  private void awaitLookups(IpAddress address, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (resolver.calls(address) < count) {
      namer.name(address);
      if (System.nanoTime() > deadline) {
        fail(address + " asked " + resolver.calls(address) + " times, not " + count);
      }
      Thread.sleep(1);
    }
  }
}
