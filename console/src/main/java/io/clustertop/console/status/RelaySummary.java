package io.clustertop.console.status;

import io.clustertop.console.terminal.Printable;
import io.clustertop.core.units.Units;
import io.clustertop.proto.v1.RelayStatus;
import io.clustertop.proto.v1.ShardStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * One line on how a relay made its view, for the text output ({@code Relay: }) and the screen's
 * status line: how many shards answer (the others' nodes are missing from the figures, said, never
 * silent), which are late, and whether the rows are one collector's exactly or within a bound.
 */
public final class RelaySummary {
  private RelaySummary() {}

  /** {@code 2 of 2 shards answering; rows exact}, or with the shards that do not and the bound. */
  public static String of(RelayStatus relay) {
    List<ShardStatus> shards = relay.getShardsList();
    if (shards.isEmpty()) {
      return "no shard known yet: no figures"; // a relay finding its shards in a consumer group, before any joined
    }
    List<String> down = new ArrayList<>();
    List<String> late = new ArrayList<>();
    int cut = 0;
    for (ShardStatus s : shards) {
      String name = Printable.of(s.getAddress());
      if (!s.getAnswering()) {
        down.add(name + ": " + Printable.of(s.getProblem()));
      } else if (!s.getProblem().isEmpty()) {
        late.add(name);
      }
      cut += s.getCut() ? 1 : 0;
    }
    StringBuilder out = new StringBuilder().append(shards.size() - down.size()).append(" of ").append(shards.size())
        .append(shards.size() == 1 ? " shard" : " shards").append(" answering");
    if (!down.isEmpty()) {
      out.append(" (").append(String.join("; ", down)).append(": its nodes are missing)");
    }
    if (!late.isEmpty()) {
      out.append(", ").append(late.size()).append(" late (").append(String.join(", ", late))
          .append(": the slot before)");
    }
    out.append("; rows ");
    if (relay.getExact()) {
      out.append("exact");
    } else if (relay.getBoundBytesPerSecond() > 0) {
      out.append("within ").append(Units.BYTES.rate(relay.getBoundBytesPerSecond()).strip()).append("/s");
    } else {
      out.append("may miss parts");
    }
    if (cut > 0) {
      out.append(" (").append(cut).append(cut == 1 ? " shard" : " shards").append(" cut at ")
          .append(relay.getShardLimit()).append(" rows)");
    }
    return out.toString();
  }
}
