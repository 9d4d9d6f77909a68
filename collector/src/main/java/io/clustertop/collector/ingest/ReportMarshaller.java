package io.clustertop.collector.ingest;

import io.clustertop.core.report.Report;
import io.clustertop.proto.FlowWire;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.io.InputStream;

/**
 * An agent's message from its bytes, straight into core's types (proto's {@link FlowWire#decode}); the
 * collector only ever reads them. A message longer than {@code --max-message-bytes} is not read: it
 * becomes a {@link Report.TooLarge}, which the ingest session refuses with RESOURCE_EXHAUSTED and
 * counts. gRPC's own limit ({@link #transportLimit}) sits above ours, because grpc-java ends a stream
 * whose second or later message passes it with a bare RST_STREAM, which the agent sees as CANCELLED
 * (grpc/grpc-java#11245), and counts nothing.
 *
 * <p>Thread safety: safe; it holds only its limit.
 */
public final class ReportMarshaller implements MethodDescriptor.Marshaller<Report> {
  private final int maxMessageBytes;

  public ReportMarshaller(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  /**
   * The limit to give gRPC's transport: twice ours (at most 2 GiB), so that a message up to that long
   * reaches {@link #parse} and is refused by it. Beyond it gRPC refuses on its own, uncounted.
   */
  public static int transportLimit(int maxMessageBytes) {
    return (int) Math.min(Integer.MAX_VALUE, 2L * maxMessageBytes);
  }

  @Override
  public InputStream stream(Report value) {
    throw new UnsupportedOperationException("the collector does not send agent messages");
  }

  @Override
  public Report parse(InputStream stream) {
    try {
      // gRPC hands over a whole message whose length is known (a KnownLength stream); a compressed
      // one reads as 0 here and is bounded by the transport's limit alone.
      int length = stream.available();
      if (length > maxMessageBytes) {
        return new Report.TooLarge(length, maxMessageBytes);
      }
    } catch (IOException e) {
      return new Report.Unreadable("not a message: " + e.getMessage(), false);
    }
    return FlowWire.decode(stream);
  }
}
