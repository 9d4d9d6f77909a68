package io.clustertop.kubernetes.history;

import io.clustertop.core.flow.IpAddress;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Addresses and their histories of holders (pods, or Services), bounded: at most
 * {@code maxAddresses} addresses (a new address past it is not tracked, and counted) and
 * {@code maxSpansPerAddress} spans per address (the oldest go first, counted). Spans that ended more
 * than the retention ago are forgotten by {@link #forgetEndedBefore}.
 *
 * <p>Thread safety: writers call under the owner's lock (one writer at a time); {@link #holderAt}
 * from any thread without a lock (a {@link ConcurrentHashMap} read, then {@link AddressHistory}'s
 * volatile array). The counters are written under the writer's lock and read without it.
 */
public final class AddressTable<T> {
  private final ConcurrentHashMap<IpAddress, AddressHistory<T>> addresses = new ConcurrentHashMap<>();
  private final int maxAddresses;
  private final int maxSpansPerAddress;
  private volatile long spansDropped;
  private volatile long addressesRefused;

  public AddressTable(int maxAddresses, int maxSpansPerAddress) {
    if (maxAddresses < 1 || maxSpansPerAddress < 1) {
      throw new IllegalArgumentException("limits must be at least 1");
    }
    this.maxAddresses = maxAddresses;
    this.maxSpansPerAddress = maxSpansPerAddress;
  }

  /** Who held the address at that time, or null. Lock-free, allocates nothing. */
  public T holderAt(IpAddress address, long unixNanos) {
    AddressHistory<T> h = addresses.get(address);
    return h == null ? null : h.holderAt(unixNanos);
  }

  /** {@code key} holds {@code address} from {@code from} on (writer side). */
  public void open(IpAddress address, String key, T holder, long from) {
    AddressHistory<T> h = addresses.get(address);
    if (h == null) {
      if (addresses.size() >= maxAddresses) {
        addressesRefused++;
        return;
      }
      h = new AddressHistory<>();
      addresses.put(address, h);
    }
    int dropped = h.open(key, holder, from, maxSpansPerAddress);
    if (dropped > 0) {
      spansDropped += dropped;
    }
  }

  /** {@code key} let {@code address} go at {@code until} (writer side). */
  public void close(IpAddress address, String key, long until) {
    AddressHistory<T> h = addresses.get(address);
    if (h != null) {
      h.close(key, until);
    }
  }

  /** {@code key}'s spans on {@code address} name {@code holder} from now on (writer side). */
  public void describe(IpAddress address, String key, T holder) {
    AddressHistory<T> h = addresses.get(address);
    if (h != null) {
      h.describe(key, holder);
    }
  }

  /** Forgets the spans that ended before {@code before}, and the addresses left with none (writer side). */
  public void forgetEndedBefore(long before) {
    for (Iterator<Map.Entry<IpAddress, AddressHistory<T>>> it = addresses.entrySet().iterator(); it.hasNext(); ) {
      if (it.next().getValue().forgetEndedBefore(before) == 0) {
        it.remove();
      }
    }
  }

  /** Addresses tracked now. */
  public int addresses() {
    return addresses.size();
  }

  /** Spans held now, over all addresses (walks the table: for status, not per lookup). */
  public long spans() {
    long n = 0;
    for (AddressHistory<T> h : addresses.values()) {
      n += h.size();
    }
    return n;
  }

  /** Old spans dropped because an address had {@code maxSpansPerAddress} already. */
  public long spansDropped() {
    return spansDropped;
  }

  /** New addresses not tracked because the table had {@code maxAddresses} already. */
  public long addressesRefused() {
    return addressesRefused;
  }
}
