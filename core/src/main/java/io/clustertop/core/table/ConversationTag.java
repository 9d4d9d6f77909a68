package io.clustertop.core.table;

import io.clustertop.core.flow.ClusterShare;

/**
 * What a conversation's owner decided of it once, packed in an int beside it: its cluster share
 * ({@link ClusterShare}, from the nodes known) and its destination class (an id of the owner's
 * class names). Decided again for every conversation when the known nodes change.
 */
public final class ConversationTag {
  private static final ClusterShare[] SHARES = ClusterShare.values();

  private ConversationTag() {}

  public static int of(ClusterShare share, int classId) {
    return classId << 2 | share.ordinal();
  }

  public static ClusterShare share(int tag) {
    return SHARES[tag & 3];
  }

  public static int classId(int tag) {
    return tag >>> 2;
  }
}
