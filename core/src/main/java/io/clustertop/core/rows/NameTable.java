package io.clustertop.core.rows;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names (of nodes, of destination classes) as small ints, so a row key or a conversation's tag holds
 * an int instead of a string. Ids are never reused: a name keeps its id for the collector's life
 * (node names are bounded by the nodes a cluster ever had; class names by its configuration).
 *
 * <p>Thread safety: safe; lookups of names known already take no lock.
 */
public final class NameTable {
  private final ConcurrentHashMap<String, Integer> ids = new ConcurrentHashMap<>();
  private volatile String[] names = new String[16];
  private int count;

  public int id(String name) {
    Integer id = ids.get(name);
    return id != null ? id : add(name);
  }

  private synchronized int add(String name) {
    Integer id = ids.get(name);
    if (id != null) {
      return id;
    }
    String[] n = names;
    if (count == n.length) {
      n = Arrays.copyOf(n, n.length * 2);
    }
    n[count] = name;
    names = n;
    ids.put(name, count);
    return count++;
  }

  public String name(int id) {
    return names[id];
  }
}
