package io.clustertop.relay;

import io.clustertop.agent.stream.BatchTransport;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FullState;

/**
 * One agent's batches to two far ends at once: the same batches, with the same sequences and
 * times, so that what each far end makes of them can be compared exactly. A full state is offered
 * to both; each takes it only when it wants one (a publisher every period, a gRPC stream when its
 * collector asks), as each does alone.
 */
record BothTransports(BatchTransport first, BatchTransport second) implements BatchTransport {
  @Override
  public void start() {
    first.start();
    second.start();
  }

  @Override
  public void offer(DeltaBatch batch) {
    first.offer(batch);
    second.offer(batch);
  }

  @Override
  public boolean fullStateWanted() {
    return first.fullStateWanted() || second.fullStateWanted();
  }

  @Override
  public void offerFullState(FullState state) {
    first.offerFullState(state);
    second.offerFullState(state);
  }

  @Override
  public boolean allAcknowledged() {
    return first.allAcknowledged() && second.allAcknowledged();
  }

  @Override
  public void close() {
    try (first; second) {
      // both closed, the second first
    }
  }
}
