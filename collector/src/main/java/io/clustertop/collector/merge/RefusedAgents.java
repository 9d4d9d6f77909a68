package io.clustertop.collector.merge;

import io.clustertop.core.report.AgentId;
import io.clustertop.core.report.AgentIdentity;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Agents the collector turns away for a reason their operator must fix, by agent id: a clock too far
 * from the collector's (its batches refused), addresses it may not announce (its Hello refused).
 * Such an agent delivers nothing, so without this it would not show at all, or show as reporting;
 * with it, its node's status says why ({@link #state}), and /metrics counts them. An entry goes when
 * the agent is taken again (a batch applied, a Hello accepted), or when nothing was heard of it for
 * the agent expiry; at most {@code maxAgents} are kept, the oldest news dropped first.
 *
 * <p>Thread safety: safe; one monitor, taken on refusals and on readings, and on a batch only while
 * any agent is held here.
 */
public final class RefusedAgents {
  /** Why an agent is turned away. */
  public enum Why {
    /** Its times are too far from the collector's clock. */
    CLOCK_OFF,
    /** It announces addresses its identity may not, or another connected node announces. */
    ADDRESS_CLAIM
  }

  /**
   * One agent turned away.
   *
   * @param clockOffsetNanos for {@link Why#CLOCK_OFF}: how far its clock is from the collector's,
   *     ahead when positive (the refused time less the collector's receive time)
   * @param detail for {@link Why#ADDRESS_CLAIM}: the addresses refused
   * @param lastNanos the collector's time of the latest refusal
   */
  public record Entry(AgentIdentity identity, Why why, long clockOffsetNanos, String detail, long lastNanos) {
    /** What a node status says: "clock off by 1200 s", "address refused: 203.0.113.1". */
    public String state() {
      return switch (why) {
        case CLOCK_OFF -> "clock off by " + Math.round(clockOffsetNanos / 1e9) + " s";
        case ADDRESS_CLAIM -> "address refused: " + detail;
      };
    }
  }

  private final int maxEntries;
  private final long forgetAfterNanos;
  private final Map<AgentId, Entry> entries = new LinkedHashMap<>();
  /** Read without the monitor on each batch: most of the time nobody is turned away. */
  private volatile boolean empty = true;

  RefusedAgents(int maxEntries, long forgetAfterNanos) {
    this.maxEntries = maxEntries;
    this.forgetAfterNanos = forgetAfterNanos;
  }

  synchronized void refused(AgentIdentity identity, Why why, long clockOffsetNanos, String detail, long now) {
    entries.remove(identity.agentId());
    entries.put(identity.agentId(), new Entry(identity, why, clockOffsetNanos, detail, now));
    while (entries.size() > maxEntries) {
      entries.remove(entries.keySet().iterator().next());
    }
    empty = false;
  }

  /** The agent is taken again for what it was turned away for. */
  void taken(AgentId id, Why why) {
    if (empty) {
      return;
    }
    synchronized (this) {
      Entry e = entries.get(id);
      if (e != null && e.why() == why) {
        entries.remove(id);
        empty = entries.isEmpty();
      }
    }
  }

  /** The agents turned away now, the oldest news first; those not heard of for the expiry are forgotten. */
  public synchronized List<Entry> current(long now) {
    for (Iterator<Entry> i = entries.values().iterator(); i.hasNext(); ) {
      if (now - i.next().lastNanos() > forgetAfterNanos) {
        i.remove();
      }
    }
    empty = entries.isEmpty();
    return new ArrayList<>(entries.values());
  }
}
