package io.clustertop.core.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clustertop.core.flow.ClusterShare;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Volume;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One agent epoch's conversations: the idlest fold into "other" with the totals and shares exact. */
class ConversationStoreTest {
  private static final long S = 1_000_000;
  private static final IpAddress LOCAL = IpAddress.parse("10.0.0.1");

  private static FlowKey to(String remote) {
    return new FlowKey(LOCAL, IpAddress.parse(remote), 40_000, 443, 6);
  }

  @Test
  void theIdlestThenSmallestFoldWithTheirSharesAndNothingIsLost() {
    ConversationStore store = new ConversationStore();
    List<FlowKey> keys = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      FlowKey k = to("198.18.0." + (i + 1));
      keys.add(k);
      // The first two talk to nodes below us (shares turned), the rest to the outside.
      ClusterShare share = i < 2 ? ClusterShare.SENT_TURNED : ClusterShare.WHOLE;
      int e = store.insert(k, ConversationTag.of(share, 0));
      store.add(e, i < 6 ? S : S + 1, new Volume(10L * (i + 1), 1, 5, 1));
    }
    int folded = store.foldIdlest(FoldRule.target(10), e -> { });

    assertEquals(3, folded); // down to 9: of the idle ones (slot S), the three smallest
    assertEquals(9, store.size());
    assertEquals(-1, store.find(keys.get(0)));
    assertEquals(-1, store.find(keys.get(2)));
    assertEquals(new Volume(60, 3, 15, 3), store.aggregate(ConversationStore.OTHER));
    // Conversations 1 and 2 (to nodes, turned) share their sent bytes as received; 3 shares everything.
    assertEquals(new Volume(30, 1, 10 + 20 + 5, 2 + 1), store.aggregate(ConversationStore.OTHER_SHARE));
    assertEquals(new Volume(60, 3, 5, 1), store.aggregate(ConversationStore.OTHER_UNTURNED));
    assertEquals(10 + 20 + 5, store.aggregates().cell(ConversationStore.OTHER_SHARE, S, 2));
    long kept = 0;
    for (int e = 0; e < store.size(); e++) {
      kept += store.cumulative(e).sentBytes();
      assertEquals(e, store.find(store.key(e)));
    }
    assertEquals(10 * 78 - 60, kept);
    assertEquals(3, store.folded());
  }

  @Test
  void anEarlierEpochAddsUpByConversation() {
    ConversationStore first = new ConversationStore();
    int a = first.insert(to("192.0.2.1"), 0);
    first.add(a, S, new Volume(100, 1, 0, 0));
    first.addAggregate(ConversationStore.TOTALS, S, new Volume(150, 2, 0, 0));
    ConversationStore earlier = new ConversationStore();
    int b = earlier.insert(to("192.0.2.1"), 0);
    earlier.add(b, S - 1, new Volume(7, 1, 0, 0));

    first.addAllTo(earlier);

    assertEquals(1, earlier.size());
    assertEquals(new Volume(107, 2, 0, 0), earlier.cumulative(0));
    assertEquals(100, earlier.figures().cell(0, S, 0));
    assertEquals(new Volume(150, 2, 0, 0), earlier.aggregate(ConversationStore.TOTALS));
  }

  @Test
  void theRemoteNodeMovesWithItsConversationThroughFoldsAndEpochs() {
    ConversationStore store = new ConversationStore();
    List<FlowKey> keys = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      FlowKey k = to("10.77.2." + (i + 1));
      keys.add(k);
      int e = store.insert(k, ConversationTag.of(ClusterShare.WHOLE, 0));
      assertEquals(ConversationStore.NO_NODE, store.remoteNode(e), "a new conversation's remote end is on no node");
      store.setRemoteNode(e, i % 2 == 0 ? ConversationStore.NO_NODE : 100 + i);
      store.add(e, i < 2 ? S : S + 1, new Volume(10L * (i + 1), 1, 0, 0));
    }
    // The two idlest fold: the last two conversations take their indexes, with their nodes.
    assertEquals(2, store.foldIdlest(4, e -> { }));
    for (int e = 0; e < store.size(); e++) {
      int i = keys.indexOf(store.key(e));
      assertEquals(i % 2 == 0 ? ConversationStore.NO_NODE : 100 + i, store.remoteNode(e), "conversation " + i);
    }
    // An agent's restart: the epoch's conversations join the earlier ones' with their nodes.
    ConversationStore earlier = new ConversationStore();
    store.addAllTo(earlier);
    for (int e = 0; e < earlier.size(); e++) {
      int i = keys.indexOf(earlier.key(e));
      assertEquals(i % 2 == 0 ? ConversationStore.NO_NODE : 100 + i, earlier.remoteNode(e), "conversation " + i);
    }
    // A full state clears the store: a conversation inserted again starts on no node.
    store.clear();
    assertEquals(ConversationStore.NO_NODE, store.remoteNode(store.insert(keys.get(5), 0)));
  }
}
