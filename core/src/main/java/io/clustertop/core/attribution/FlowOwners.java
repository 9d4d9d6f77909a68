package io.clustertop.core.attribution;

import java.util.Arrays;
import java.util.List;

/**
 * The local ends' processes of a batch's flows, as the agent attributed them: per flow a reference
 * into the batch's own processes (1 + the index), {@link #UNKNOWN} where none is known (not looked
 * for yet, or an agent that does not attribute), {@link #UNATTRIBUTED} where no live socket carries
 * it. Ints per flow, so a batch of a thousand flows carries one array, not a thousand objects.
 *
 * <p>Thread safety: immutable.
 */
public final class FlowOwners {
  public static final int UNKNOWN = 0;
  public static final int UNATTRIBUTED = -1;
  /** A batch without attribution: every flow {@link #UNKNOWN}. */
  public static final FlowOwners NONE = new FlowOwners(new int[0], List.of());

  private final int[] refs;
  private final List<LocalProcess> processes;

  /**
   * @param refs per flow, in the batch's order (flows past its end are {@link #UNKNOWN})
   * @throws IllegalArgumentException for a reference outside {@code processes}
   */
  public FlowOwners(int[] refs, List<LocalProcess> processes) {
    this.refs = refs.clone();
    this.processes = List.copyOf(processes);
    for (int r : refs) {
      if (r < UNATTRIBUTED || r > processes.size()) {
        throw new IllegalArgumentException("process reference " + r + " outside the message's " + processes.size());
      }
    }
  }

  /** Flow {@code flow}'s reference: {@link #UNKNOWN}, {@link #UNATTRIBUTED}, or 1 + its process's index. */
  public int ref(int flow) {
    return flow < refs.length ? refs[flow] : UNKNOWN;
  }

  /** The process of a reference above 0. */
  public LocalProcess process(int ref) {
    return processes.get(ref - 1);
  }

  /** The batch's processes, each once. */
  public List<LocalProcess> processes() {
    return processes;
  }

  /** What attribution found for flow {@code flow}, or null where it is not known. */
  public Attribution of(int flow) {
    int r = ref(flow);
    return r == UNKNOWN ? null : r == UNATTRIBUTED ? Attribution.UNATTRIBUTED : new Attribution(process(r));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FlowOwners other && Arrays.equals(refs, other.refs) && processes.equals(other.processes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(refs) * 31 + processes.hashCode();
  }
}
