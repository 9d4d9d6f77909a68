package io.clustertop.core.privacy;

import io.clustertop.core.cost.Classifier;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.IpAddress;
import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code --mask-remote}: the one rule for which remote addresses are kept out of views, metrics and
 * history, and what stands in their place. Public addresses ({@link Classifier#isPublic}) are masked;
 * private, shared, loopback and link-local ones are not, and neither are nodes' own (the caller says
 * which: each byte once depends on them). In their place:
 * <ul>
 *   <li>{@code prefix}: the address truncated to its /24 (IPv4) or /48 (IPv6);
 *   <li>{@code hash:KEYFILE}: an address made of a keyed hash (HMAC-SHA-256) of it, of the same
 *       version, public: one per address and key, which nobody without the key can invert.
 * </ul>
 * The destination class is decided before masking and must not change by it: a candidate the caller
 * says is of another class (it falls into another configured network, or onto a node) is passed
 * over: a prefix grows a bit at a time, a hash takes its next counter. So the bytes, the totals and the
 * cost classes stay exact; only the remote's name is lost (and two remotes may share one).
 *
 * <p>Thread safety: immutable; {@link Mac} instances are per thread.
 */
public final class RemoteMask {
  /** What {@code --mask-remote} is when not given. */
  public static final RemoteMask OFF = new RemoteMask(null, 0, 0);
  /** Tries of a hash before the address is truncated instead. */
  private static final int HASH_TRIES = 16;

  private final byte[] key;
  private final int v4Bits;
  private final int v6Bits;
  private final ThreadLocal<Mac> macs;

  private RemoteMask(byte[] key, int v4Bits, int v6Bits) {
    this.key = key;
    this.v4Bits = v4Bits;
    this.v6Bits = v6Bits;
    this.macs = key == null ? null : ThreadLocal.withInitial(this::mac);
  }

  /** Public addresses truncated to {@code v4Bits} (IPv4) or {@code v6Bits} (IPv6). */
  public static RemoteMask prefix(int v4Bits, int v6Bits) {
    if (v4Bits < 0 || v4Bits > 32 || v6Bits < 0 || v6Bits > 128) {
      throw new IllegalArgumentException("prefix lengths 0-32 and 0-128, not " + v4Bits + " and " + v6Bits);
    }
    return new RemoteMask(null, v4Bits, v6Bits);
  }

  /** Public addresses replaced by a keyed hash of them; {@code key} at least 16 bytes. */
  public static RemoteMask hash(byte[] key) {
    if (key.length < 16) {
      throw new IllegalArgumentException("a key of at least 16 bytes, not " + key.length);
    }
    return new RemoteMask(key.clone(), 24, 48);
  }

  /** Whether it masks anything at all. */
  public boolean masks() {
    return this != OFF;
  }

  /** "off", "prefix /24 /48" or "hash": what it does, for a log line. */
  public String describe() {
    return !masks() ? "off" : key == null ? "prefix /" + v4Bits + " /" + v6Bits : "keyed hash";
  }

  /**
   * What to keep in place of the remote address {@code remote}: itself where it is not masked (not
   * public, or {@code keep} holds it: a node's); else the first stand-in {@code sameClass} accepts,
   * and, where none is accepted, the address itself.
   */
  public IpAddress mask(IpAddress remote, Predicate<IpAddress> keep, Predicate<IpAddress> sameClass) {
    if (!masks() || !Classifier.isPublic(remote) || keep.test(remote)) {
      return remote;
    }
    if (key != null) {
      for (int i = 0; i < HASH_TRIES; i++) {
        IpAddress candidate = hashed(remote, i);
        if (Classifier.isPublic(candidate) && !keep.test(candidate) && sameClass.test(candidate)) {
          return candidate;
        }
      }
    }
    int max = remote.version() == 4 ? 32 : 128;
    for (int bits = remote.version() == 4 ? v4Bits : v6Bits; bits < max; bits++) {
      IpAddress candidate = truncated(remote, bits);
      if (!keep.test(candidate) && sameClass.test(candidate)) {
        return candidate;
      }
    }
    return remote;
  }

  /**
   * Conversations as a view without destination classes shows them (an agent's own view): the
   * remote end masked, any stand-in of the right version accepted; {@code keep} says which addresses
   * stay (the node's own). The identity when nothing is masked, so an unmasked view allocates nothing.
   */
  public UnaryOperator<FlowKey> onRemotes(Predicate<IpAddress> keep) {
    if (!masks()) {
      return UnaryOperator.identity();
    }
    return k -> {
      IpAddress masked = mask(k.remote(), keep, candidate -> true);
      return masked == k.remote() ? k : new FlowKey(k.local(), masked, k.localPort(), k.remotePort(), k.protocol());
    };
  }

  /** {@code address} with all but its first {@code bits} bits zero. */
  static IpAddress truncated(IpAddress address, int bits) {
    if (address.version() == 4) {
      long mask = bits == 0 ? 0 : (0xFFFF_FFFFL << (32 - bits)) & 0xFFFF_FFFFL;
      return new IpAddress(4, 0, address.low() & mask);
    }
    long highMask = bits >= 64 ? -1L : bits == 0 ? 0 : -1L << (64 - bits);
    long lowMask = bits <= 64 ? 0 : bits == 128 ? -1L : -1L << (128 - bits);
    return new IpAddress(6, address.high() & highMask, address.low() & lowMask);
  }

  private IpAddress hashed(IpAddress address, int counter) {
    Mac mac = macs.get();
    mac.update(address.bytes());
    mac.update((byte) counter);
    ByteBuffer h = ByteBuffer.wrap(mac.doFinal());
    return address.version() == 4 ? IpAddress.v4(h.getInt()) : new IpAddress(6, h.getLong(), h.getLong());
  }

  private Mac mac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA-256 is part of every JDK", e);
    }
  }
}
