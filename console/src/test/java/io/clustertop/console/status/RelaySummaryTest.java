package io.clustertop.console.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clustertop.proto.v1.RelayStatus;
import io.clustertop.proto.v1.ShardStatus;
import org.junit.jupiter.api.Test;

/** How a relay's view reads on the text mode's {@code Relay:} line and the screen's status line. */
class RelaySummaryTest {
  private static ShardStatus shard(String address, boolean answering, String problem, boolean cut) {
    return ShardStatus.newBuilder().setAddress(address).setAnswering(answering).setProblem(problem).setCut(cut).build();
  }

  @Test
  void everyShardAnsweringAndNothingCut() {
    assertEquals("2 of 2 shards answering; rows exact", RelaySummary.of(RelayStatus.newBuilder().setShardLimit(40)
        .addShards(shard("a:7447", true, "", false)).addShards(shard("b:7447", true, "", false)).setExact(true).build()));
  }

  @Test
  void aShardDownALateOneAndTheBound() {
    RelayStatus status = RelayStatus.newBuilder().setShardLimit(40)
        .addShards(shard("a:7447", true, "", true))
        .addShards(shard("b:7447", false, "unreachable (Connection refused)", false))
        .addShards(shard("c:7447", true, "late: its view is of an earlier slot", true))
        .setExact(false).setBoundBytesPerSecond(5_000).build();
    assertEquals("2 of 3 shards answering (b:7447: unreachable (Connection refused): its nodes are missing), 1 late"
        + " (c:7447: the slot before); rows within 4.88KB/s (2 shards cut at 40 rows)", RelaySummary.of(status));
  }

  @Test
  void sortedByAddressWithoutAFigure() {
    assertEquals("1 of 1 shard answering; rows may miss parts (1 shard cut at 8 rows)", RelaySummary.of(RelayStatus
        .newBuilder().setShardLimit(8).addShards(shard("a:7447", true, "", true)).setExact(false).build()));
  }

  /** A relay that finds its shards in a consumer group, before any collector joined. */
  @Test
  void noShardYet() {
    assertEquals("no shard known yet: no figures", RelaySummary.of(RelayStatus.newBuilder().setShardLimit(40)
        .setExact(true).build()));
  }

  /** A peer's words come out printable: an escape in a shard's problem cannot reach the terminal. */
  @Test
  void aShardsWordsArePrintable() {
    String line = RelaySummary.of(RelayStatus.newBuilder().addShards(shard("a:7447", false, "bad\u001b[2J", false))
        .setExact(true).build());
    assertEquals("0 of 1 shard answering (a:7447: bad\\x1b[2J: its nodes are missing); rows exact", line);
  }
}
