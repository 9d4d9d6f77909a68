package io.clustertop.console.names;

import io.clustertop.core.flow.IpAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Names addresses as iftop does, without ever making the caller wait: the hosts file first, then
 * a reverse DNS lookup in the background; until that answers, the address shows in numeric form.
 *
 * <pre>{@code
 *   name(a) ── hosts file has a? ── yes ──> that name
 *                 │ no
 *                 v
 *             cache entry for a:
 *               none, or expired ──> queue a lookup (2 threads, bounded queue) ──> numeric for now
 *               pending           ──> numeric (or the expired name) until it answers or times out
 *               known             ──> the name, or numeric when there is none, until the TTL ends
 * }</pre>
 *
 * <p>Where we differ from iftop: iftop leaves an address numeric for good when its 20-place queue
 * is full; here the lookup is just not queued, and the next call tries again. iftop keeps a name
 * forever; here answers, names or "no name", live for a time counted from the question and are
 * then asked again, the old name showing meanwhile. A lookup still unanswered after the timeout
 * (checked when the address is next shown: there is no timer thread) is cancelled and counts as
 * "no name". As in iftop, IPv6 link-local and site-local addresses stay numeric.
 *
 * <p>Thread safety: {@link #name} may be called from any thread. The hosts file is read once, when
 * the namer is made. Performance: {@link #name} takes one lock and does a map look-up; the
 * cache holds at most {@value #CACHE_ENTRIES} addresses, dropping the least recently shown.
 */
public final class ReverseDnsNamer implements HostNamer, AutoCloseable {
  /** Where the system keeps its static names. */
  public static final Path SYSTEM_HOSTS = Path.of("/etc/hosts");

  private static final int THREADS = 2;
  private static final int QUEUE_CAPACITY = 32;
  private static final int CACHE_ENTRIES = 10_000;
  private static final Duration TTL = Duration.ofMinutes(10);
  private static final Duration NEGATIVE_TTL = Duration.ofMinutes(1);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final Map<IpAddress, String> hosts;
  private final Function<IpAddress, Optional<String>> resolver;
  private final long ttlNanos;
  private final long negativeTtlNanos;
  private final long timeoutNanos;
  private final LongSupplier nanoClock;
  private final ThreadPoolExecutor lookups;
  /** Guarded by {@code this}; in access order, so the eldest is the least recently shown. */
  private final Map<IpAddress, Cached> cache = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<IpAddress, Cached> eldest) {
      return size() > CACHE_ENTRIES;
    }
  };
  private long lastLookupId;

  /**
   * What is known of one address.
   *
   * @param name the name to show meanwhile, or null for the numeric form
   * @param until when a known answer expires, or when a pending lookup times out ({@link System#nanoTime} scale)
   * @param lookupId the pending lookup, or 0 when none is
   * @param lookup the pending lookup's task, to cancel it when it times out
   */
  private record Cached(String name, long until, long lookupId, FutureTask<?> lookup) {
    boolean pending() {
      return lookupId != 0;
    }
  }

  /**
   * A namer that reads {@code hostsFile} and looks up the rest with the system resolver, keeping
   * answers 10 minutes and "no name" 1 minute, and giving a lookup 5 seconds.
   */
  public ReverseDnsNamer(Path hostsFile) throws IOException {
    this(hostsFile, ReverseDnsNamer::systemLookup, TTL, NEGATIVE_TTL, TIMEOUT, QUEUE_CAPACITY, System::nanoTime);
  }

  /**
   * @param resolver the reverse lookup, run on the lookup threads; it may block, and throws or
   *     answers empty when there is no name
   * @param queueCapacity lookups that may wait for a thread; beyond that, addresses stay numeric
   *     until a later call finds room
   * @param nanoClock the time, on the {@link System#nanoTime} scale
   */
  ReverseDnsNamer(
      Path hostsFile,
      Function<IpAddress, Optional<String>> resolver,
      Duration ttl,
      Duration negativeTtl,
      Duration timeout,
      int queueCapacity,
      LongSupplier nanoClock)
      throws IOException {
    this.hosts = readHosts(hostsFile);
    this.resolver = resolver;
    this.ttlNanos = ttl.toNanos();
    this.negativeTtlNanos = negativeTtl.toNanos();
    this.timeoutNanos = timeout.toNanos();
    this.nanoClock = nanoClock;
    AtomicInteger threadNumber = new AtomicInteger();
    this.lookups = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(queueCapacity),
        task -> {
          Thread thread = new Thread(task, "reverse-dns-" + threadNumber.incrementAndGet());
          thread.setDaemon(true); // a lookup stuck in the resolver must not keep the JVM alive
          return thread;
        });
  }

  @Override
  public String name(IpAddress address) {
    String fromHosts = hosts.get(address);
    if (fromHosts != null) {
      return fromHosts;
    }
    String numeric = address.toString();
    if (isIpv6LinkOrSiteLocal(address)) {
      return numeric;
    }
    long now = nanoClock.getAsLong();
    String name;
    synchronized (this) {
      Cached entry = cache.get(address);
      if (entry == null || (!entry.pending() && now - entry.until() >= 0)) {
        entry = startLookup(address, entry, now);
      } else if (entry.pending() && now - entry.until() >= 0) {
        entry.lookup().cancel(true);
        lookups.purge(); // a cancelled lookup still waiting in the queue would hold a place
        entry = new Cached(entry.name(), now + negativeTtlNanos, 0, null);
        cache.put(address, entry);
      }
      name = entry == null ? null : entry.name();
    }
    return name != null ? name : numeric;
  }

  /** Stops the lookup threads; later calls answer from the hosts file and the cache only. */
  @Override
  public void close() {
    lookups.shutdownNow();
  }

  /** Queues a lookup; the entry to use meanwhile, or {@code previous} when there is no room. */
  private Cached startLookup(IpAddress address, Cached previous, long now) {
    long id = ++lastLookupId;
    FutureTask<Void> task = new FutureTask<>(() -> answer(address, id, now, lookUp(address)), null);
    try {
      lookups.execute(task);
    } catch (RejectedExecutionException full) {
      return previous; // queue full, or closed: the next call tries again
    }
    // The task cannot record its answer before this entry is in place: answer() needs our lock.
    Cached entry = new Cached(previous == null ? null : previous.name(), now + timeoutNanos, id, task);
    cache.put(address, entry);
    return entry;
  }

  private Optional<String> lookUp(IpAddress address) {
    try {
      return resolver.apply(address).filter(n -> !n.isEmpty() && !n.equals(address.toString()));
    } catch (RuntimeException e) {
      return Optional.empty(); // a failed lookup means "no name", as in iftop
    }
  }

  /** Records an answer; its time to live counts from the question, {@code askedAt}. */
  private synchronized void answer(IpAddress address, long id, long askedAt, Optional<String> name) {
    Cached entry = cache.get(address);
    if (entry == null || entry.lookupId() != id) {
      return; // timed out or evicted meanwhile: a newer state stands
    }
    cache.put(address, name.isPresent()
        ? new Cached(name.get(), askedAt + ttlNanos, 0, null)
        : new Cached(null, askedAt + negativeTtlNanos, 0, null));
  }

  private static Optional<String> systemLookup(IpAddress address) {
    InetAddress inet = address.toInetAddress();
    String name = inet.getHostName(); // the numeric form when there is no name
    return name.equals(inet.getHostAddress()) ? Optional.empty() : Optional.of(name);
  }

  /** fe80::/10 and fec0::/10, which iftop never sends to the resolver. */
  private static boolean isIpv6LinkOrSiteLocal(IpAddress address) {
    return address.version() == 6 && (address.high() >>> 54 == 0xFE80L >>> 6 || address.high() >>> 54 == 0xFEC0L >>> 6);
  }

  /**
   * Reads a hosts file ({@code address name [aliases] [# comment]}): the first line naming an
   * address gives its name, as the C library's lookup by address does. Lines that do not start
   * with a numeric address are skipped; a missing file names nothing.
   */
  static Map<IpAddress, String> readHosts(Path hostsFile) throws IOException {
    Iterable<String> lines;
    try {
      lines = Files.readAllLines(hostsFile, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Map.of();
    }
    Map<IpAddress, String> names = new HashMap<>();
    for (String line : lines) {
      int comment = line.indexOf('#');
      String[] fields = (comment < 0 ? line : line.substring(0, comment)).trim().split("\\s+");
      if (fields.length < 2) {
        continue;
      }
      String name = fields[1];
      IpAddress.parseNumeric(fields[0]).ifPresent(address -> names.putIfAbsent(address, name));
    }
    return Map.copyOf(names);
  }
}
