package io.clustertop.core.rows;

import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.PackedKey;
import io.clustertop.core.flow.ServicePort;
import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.PortDisplay;
import io.clustertop.core.view.RowKey;

/**
 * A conversation's row in a view, as five longs (the form a view's {@code KeyIndex} holds), and
 * back: the one place that decides what a conversation looks like once a view hides hosts or ports,
 * groups it by remote address or by service, or turns it (the cluster's rows between two nodes have
 * the lower address on the left). The agent's own table and the collector's views both key their
 * rows here.
 *
 * <p>A key is (left host high, left host low, right host high, right host low, meta); the meta word
 * says which parts are there (a host of 0.0.0.0 and a hidden host differ), the IP version, protocol
 * and ports. Rows that stand for a node or a class hold its id in the second word.
 */
public final class RowKeys {
  static final long LEFT_HOST = 1L << 63;
  static final long RIGHT_HOST = 1L << 62;
  static final long LEFT_PORT = 1L << 61;
  static final long RIGHT_PORT = 1L << 60;
  static final long PROTOCOL = 1L << 59;
  static final long V6 = 1L << 58;
  /** The cost entries of a view's "other" (no row): never set in a row's key. */
  static final long OTHER_COST = 1L << 57;
  /** Bits 40 to 55 of the meta word are free in every row key: cost entries put their price there. */
  static final int PRICE_SHIFT = 40;
  static final long PRICE_MASK = 0xFFFFL << PRICE_SHIFT;

  private RowKeys() {}

  /**
   * A host-pair row (iftop's aggregation: {@code s}, {@code d}, {@code p}/{@code S}/{@code D}) of a
   * conversation given as packed key words; {@code turned} swaps its two ends first.
   */
  public static void hostPair(boolean showSource, boolean showDestination, PortDisplay ports, long localHigh,
      long localLow, long remoteHigh, long remoteLow, long meta, boolean turned, long[] out) {
    if (turned) {
      long h = localHigh;
      long l = localLow;
      localHigh = remoteHigh;
      localLow = remoteLow;
      remoteHigh = h;
      remoteLow = l;
      meta = PackedKey.turnedMeta(meta);
    }
    long m = PackedKey.version(meta) == 6 && (showSource || showDestination) ? V6 : 0;
    out[0] = showSource ? localHigh : 0;
    out[1] = showSource ? localLow : 0;
    out[2] = showDestination ? remoteHigh : 0;
    out[3] = showDestination ? remoteLow : 0;
    if (showSource) {
      m |= LEFT_HOST;
    }
    if (showDestination) {
      m |= RIGHT_HOST;
    }
    if (ports.showsSource()) {
      m |= LEFT_PORT | (long) PackedKey.localPort(meta) << 16;
    }
    if (ports.showsDestination()) {
      m |= RIGHT_PORT | PackedKey.remotePort(meta);
    }
    if (ports != PortDisplay.OFF) {
      m |= PROTOCOL | (long) PackedKey.protocol(meta) << 32;
    }
    out[4] = m;
  }

  /** A remote-address row: the conversation's remote end (its local end, turned). */
  public static void remote(long localHigh, long localLow, long remoteHigh, long remoteLow, long meta, boolean turned,
      long[] out) {
    hostPair(false, true, PortDisplay.OFF, localHigh, localLow, remoteHigh, remoteLow, meta, turned, out);
  }

  /** A service row: protocol and service port, the same whichever way the conversation is turned. */
  public static void service(long meta, long[] out) {
    out[0] = 0;
    out[1] = 0;
    out[2] = 0;
    out[3] = 0;
    out[4] = PROTOCOL | (long) PackedKey.protocol(meta) << 32 | RIGHT_PORT
        | ServicePort.of(PackedKey.localPort(meta), PackedKey.remotePort(meta));
  }

  /** A row that stands for a node or a destination class: its id. */
  public static void id(int id, long[] out) {
    out[0] = 0;
    out[1] = id;
    out[2] = 0;
    out[3] = 0;
    out[4] = 0;
  }

  /**
   * A row that stands for a placement's part ({@link Grouping#byPlacement}): its name's id, the id of
   * the name one level up (a workload's namespace, a pod's workload: what a drill-down filters on),
   * and for a node's rows (processes, containers) the node's id + 1 (0 for the others).
   */
  public static void placement(int nodeIdPlusOne, int nameId, int parentId, long[] out) {
    out[0] = nodeIdPlusOne;
    out[1] = nameId;
    out[2] = parentId;
    out[3] = 0;
    out[4] = 0;
  }

  /** The iftop row of a conversation as a {@link RowKey} (the agent's local table). */
  public static RowKey hostPair(FlowKey k, boolean showSource, boolean showDestination, PortDisplay ports) {
    long[] out = new long[5];
    hostPair(showSource, showDestination, ports, k.local().high(), k.local().low(), k.remote().high(),
        k.remote().low(), PackedKey.meta(k), false, out);
    return new RowKey(left(out[0], out[1], out[4]), right(out[2], out[3], out[4]), protocol(out[4]));
  }

  /** The left side of a row key as shown (no host, no port where hidden). */
  static Endpoint left(long high, long low, long meta) {
    return new Endpoint((meta & LEFT_HOST) == 0 ? null : address(high, low, meta),
        (meta & LEFT_PORT) == 0 ? Endpoint.NO_PORT : (int) (meta >>> 16) & 0xFFFF);
  }

  static Endpoint right(long high, long low, long meta) {
    return new Endpoint((meta & RIGHT_HOST) == 0 ? null : address(high, low, meta),
        (meta & RIGHT_PORT) == 0 ? Endpoint.NO_PORT : (int) meta & 0xFFFF);
  }

  static int protocol(long meta) {
    return (meta & PROTOCOL) == 0 ? -1 : (int) (meta >>> 32) & 0xFF;
  }

  static IpAddress address(long high, long low, long meta) {
    return new IpAddress((meta & V6) == 0 ? 4 : 6, high, low);
  }

  /** The meta word with a price put in, for a cost entry of the row. */
  static long withPrice(long meta, int priceId) {
    return meta | (long) priceId << PRICE_SHIFT;
  }

  static int price(long meta) {
    return (int) ((meta & PRICE_MASK) >>> PRICE_SHIFT);
  }

  static long withoutPrice(long meta) {
    return meta & ~PRICE_MASK;
  }
}
