package io.clustertop.core.report;

import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.PackedKey;
import io.clustertop.core.flow.Volume;
import java.util.Arrays;

/**
 * Conversations and their volumes in columns (the keys packed as {@link PackedKey}), as a batch
 * carries them: a batch of a thousand flows is a few arrays, not thousands of objects, and a
 * table reads the packed keys as they are.
 *
 * <p>Thread safety: filled by one thread, then read only (a batch is handed on whole).
 */
public final class Flows {
  private int size;
  private long[] keys;
  private long[] volumes;

  public Flows(int expected) {
    int capacity = Math.max(1, expected);
    keys = new long[capacity * PackedKey.FIELDS];
    volumes = new long[capacity * 4];
  }

  public void add(long localHigh, long localLow, long remoteHigh, long remoteLow, long meta, Volume v) {
    add(localHigh, localLow, remoteHigh, remoteLow, meta, v.sentBytes(), v.sentPackets(), v.receivedBytes(),
        v.receivedPackets());
  }

  public void add(long localHigh, long localLow, long remoteHigh, long remoteLow, long meta, long sentBytes,
      long sentPackets, long receivedBytes, long receivedPackets) {
    if (size * 4 == volumes.length) {
      keys = Arrays.copyOf(keys, keys.length * 2);
      volumes = Arrays.copyOf(volumes, volumes.length * 2);
    }
    int k = size * PackedKey.FIELDS;
    keys[k + PackedKey.LOCAL_HIGH] = localHigh;
    keys[k + PackedKey.LOCAL_LOW] = localLow;
    keys[k + PackedKey.REMOTE_HIGH] = remoteHigh;
    keys[k + PackedKey.REMOTE_LOW] = remoteLow;
    keys[k + PackedKey.META] = meta;
    int b = size * 4;
    volumes[b] = sentBytes;
    volumes[b + 1] = sentPackets;
    volumes[b + 2] = receivedBytes;
    volumes[b + 3] = receivedPackets;
    size++;
  }

  public void add(FlowKey key, Volume v) {
    add(key.local().high(), key.local().low(), key.remote().high(), key.remote().low(), PackedKey.meta(key), v);
  }

  public int size() {
    return size;
  }

  /** One field of flow {@code i}'s packed key ({@link PackedKey#LOCAL_HIGH} ... {@link PackedKey#META}). */
  public long keyField(int i, int field) {
    return keys[i * PackedKey.FIELDS + field];
  }

  public FlowKey key(int i) {
    int k = i * PackedKey.FIELDS;
    return PackedKey.toFlowKey(keys[k], keys[k + 1], keys[k + 2], keys[k + 3], keys[k + 4]);
  }

  /** Puts {@code remote} in place of flow {@code i}'s remote address (of the same version): masking. */
  public void setRemote(int i, IpAddress remote) {
    if (remote.version() != PackedKey.version(keys[i * PackedKey.FIELDS + PackedKey.META])) {
      throw new IllegalArgumentException("a remote address of another version: " + remote);
    }
    setRemote(i, remote.high(), remote.low());
  }

  /** The same with the address's two words, of the version flow {@code i}'s remote has (no object per flow). */
  public void setRemote(int i, long high, long low) {
    int k = i * PackedKey.FIELDS;
    keys[k + PackedKey.REMOTE_HIGH] = high;
    keys[k + PackedKey.REMOTE_LOW] = low;
  }

  public IpAddress remote(int i) {
    int k = i * PackedKey.FIELDS;
    return new IpAddress(PackedKey.version(keys[k + PackedKey.META]), keys[k + PackedKey.REMOTE_HIGH],
        keys[k + PackedKey.REMOTE_LOW]);
  }

  public Volume volume(int i) {
    int b = i * 4;
    return new Volume(volumes[b], volumes[b + 1], volumes[b + 2], volumes[b + 3]);
  }

  /** Flow {@code i} has nothing in it, either way. */
  public boolean isZero(int i) {
    int b = i * 4;
    return volumes[b] == 0 && volumes[b + 1] == 0 && volumes[b + 2] == 0 && volumes[b + 3] == 0;
  }

  /** One field of flow {@code i}'s volume, in {@link Volume}'s order (0 sent bytes ... 3 received packets). */
  public long volumeField(int i, int field) {
    return volumes[i * 4 + field];
  }

  /** The volumes of every flow added up. */
  public Volume sum() {
    long[] s = new long[4];
    for (int i = 0; i < size * 4; i++) {
      s[i & 3] += volumes[i];
    }
    return new Volume(s[0], s[1], s[2], s[3]);
  }

  /** Roughly what these columns take on the heap, for bounds on what is held. */
  public long heapBytes() {
    return 8L * (keys.length + volumes.length) + 64;
  }
}
