package io.clustertop.collector.merge;

import io.clustertop.proto.v1.CaptureCounters;

/** Capture counters added up, field by field: across an agent's epochs, or across nodes. */
public final class Counters {
  private Counters() {}

  public static CaptureCounters plus(CaptureCounters a, CaptureCounters b) {
    return CaptureCounters.newBuilder()
        .setReceived(a.getReceived() + b.getReceived())
        .setDroppedByKernel(a.getDroppedByKernel() + b.getDroppedByKernel())
        .setDroppedByInterface(a.getDroppedByInterface() + b.getDroppedByInterface())
        .setDecoded(a.getDecoded() + b.getDecoded())
        .setRejected(a.getRejected() + b.getRejected())
        .setIgnored(a.getIgnored() + b.getIgnored())
        .setOverflowPackets(a.getOverflowPackets() + b.getOverflowPackets())
        .setRejectedTruncated(a.getRejectedTruncated() + b.getRejectedTruncated())
        .setRejectedMalformed(a.getRejectedMalformed() + b.getRejectedMalformed())
        .setRejectedUnsupportedLink(a.getRejectedUnsupportedLink() + b.getRejectedUnsupportedLink())
        .setRejectedNotIp(a.getRejectedNotIp() + b.getRejectedNotIp())
        .setFoldedConversations(a.getFoldedConversations() + b.getFoldedConversations())
        .build();
  }
}
