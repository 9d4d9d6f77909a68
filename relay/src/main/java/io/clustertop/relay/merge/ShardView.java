package io.clustertop.relay.merge;

import io.clustertop.proto.v1.ViewSnapshot;

/**
 * One shard's part in a merged view: its latest view of the slot (null when it does not answer),
 * and what is wrong with it, if anything.
 *
 * @param address the shard as the relay was given it
 * @param view its view; null when it is down or refused
 * @param problem why it does not answer, or that it is late; "" when all is well
 */
public record ShardView(String address, ViewSnapshot view, String problem) {
  public static ShardView answering(String address, ViewSnapshot view) {
    return new ShardView(address, view, "");
  }

  public static ShardView down(String address, String problem) {
    return new ShardView(address, null, problem);
  }
}
