package io.clustertop.proto;

import io.clustertop.core.attribution.Attribution;
import io.clustertop.core.attribution.Container;
import io.clustertop.core.attribution.LocalProcess;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.FlowState;
import io.clustertop.proto.v1.FullState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * The local ends' processes and containers on the ingest messages, both ways: {@link FlowWire}
 * builds a batch's (or a full state's) tables with a {@link Tables} as it adds the flows, and a
 * reader turns them back with {@link #of(DeltaBatch)} or {@link #of(FullState)}.
 *
 * <p>A message's tables are self-contained (ingest.proto, DeltaBatch): a flow refers to a process
 * by 1 + its index in the same message, a process to its container likewise, 0 meaning none.
 */
public final class AttributionWire {
  private AttributionWire() {}

  /**
   * One message's tables, filled as flows are added: each process and container once, in the
   * order first referred to. Not thread-safe; one per message.
   */
  static final class Tables {
    private final Map<LocalProcess, Integer> processRefs = new HashMap<>();
    private final Map<Container, Integer> containerRefs = new HashMap<>();
    private final List<io.clustertop.proto.v1.LocalProcess> processes = new ArrayList<>();
    private final List<io.clustertop.proto.v1.Container> containers = new ArrayList<>();

    /** A flow's process reference: 1 + the process's index, 0 where none is known. */
    int processRef(Attribution attribution) {
      return attribution == null || !attribution.attributed() ? 0 : ref(attribution.process());
    }

    /** Looked for, and no socket carries it. */
    static boolean unattributed(Attribution attribution) {
      return attribution != null && !attribution.attributed();
    }

    private int ref(LocalProcess p) {
      return processRefs.computeIfAbsent(p, k -> {
        io.clustertop.proto.v1.LocalProcess.Builder b = io.clustertop.proto.v1.LocalProcess.newBuilder()
            .setPid(p.pid())
            .setCommand(p.command())
            .setNetworkNamespace(p.networkNamespace());
        if (p.inContainer()) {
          b.setContainer(ref(p.container()));
        }
        processes.add(b.build());
        return processes.size();
      });
    }

    private int ref(Container c) {
      return containerRefs.computeIfAbsent(c, k -> {
        containers.add(io.clustertop.proto.v1.Container.newBuilder()
            .setId(c.id()).setRuntime(c.runtime()).setName(c.name()).build());
        return containers.size();
      });
    }

    void addTo(DeltaBatch.Builder batch) {
      batch.addAllProcesses(processes).addAllContainers(containers);
    }

    void addTo(FullState.Builder state) {
      state.addAllProcesses(processes).addAllContainers(containers);
    }
  }

  /**
   * The attribution of each flow of {@code batch} that carries one, by key.
   *
   * @throws IllegalArgumentException for a reference outside the batch's tables, or a malformed key
   */
  public static Map<FlowKey, Attribution> of(DeltaBatch batch) {
    return read(batch.getFlowsList(), FlowDelta::getKey, FlowDelta::getProcess, FlowDelta::getUnattributed,
        processes(batch.getProcessesList(), batch.getContainersList()));
  }

  /** As {@link #of(DeltaBatch)}, for a full state. */
  public static Map<FlowKey, Attribution> of(FullState state) {
    return read(state.getFlowsList(), FlowState::getKey, FlowState::getProcess, FlowState::getUnattributed,
        processes(state.getProcessesList(), state.getContainersList()));
  }

  private static <F> Map<FlowKey, Attribution> read(List<F> flows, Function<F, io.clustertop.proto.v1.FlowKey> key,
      ToIntFunction<F> process, Predicate<F> unattributed, List<LocalProcess> processes) {
    Map<FlowKey, Attribution> found = new HashMap<>();
    for (F f : flows) {
      if (process.applyAsInt(f) != 0) {
        found.put(FlowWire.fromProto(key.apply(f)), new Attribution(at(processes, process.applyAsInt(f), "process")));
      } else if (unattributed.test(f)) {
        found.put(FlowWire.fromProto(key.apply(f)), Attribution.UNATTRIBUTED);
      }
    }
    return found;
  }

  /** A message's process table, each with its container from the container table. */
  static List<LocalProcess> processes(List<io.clustertop.proto.v1.LocalProcess> wire,
      List<io.clustertop.proto.v1.Container> containerWire) {
    List<Container> containers = containerWire.stream()
        .map(c -> new Container(c.getId(), c.getRuntime(), c.getName())).toList();
    return wire.stream().map(p -> new LocalProcess(p.getPid(), p.getCommand(), p.getNetworkNamespace(),
        p.getContainer() == 0 ? null : at(containers, p.getContainer(), "container"))).toList();
  }

  private static <T> T at(List<T> table, int ref, String what) {
    if (ref < 1 || ref > table.size()) {
      throw new IllegalArgumentException(what + " reference " + ref + " outside the message's " + table.size());
    }
    return table.get(ref - 1);
  }
}
