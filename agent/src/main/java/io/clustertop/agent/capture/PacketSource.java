package io.clustertop.agent.capture;

import io.clustertop.core.flow.IpAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where packets come from: a live interface or a capture file. Both run the same path from here on,
 * so {@code -r} replay and tests exercise what live capture does.
 */
public interface PacketSource extends AutoCloseable {

  /** The interface or file name, for display. */
  String name();

  /** True for a live interface: windows then run on the wall clock rather than on packet time. */
  boolean live();

  /** How packets are read, for the start-up lines: a live capture's path (and why it was chosen). */
  default String captureMethod() {
    return "read from a file";
  }

  /**
   * Delivers packets to {@code handler} on the calling thread until the input ends (a file) or
   * {@link #stop()} is called.
   *
   * @throws CaptureException on an input error; packets before it were delivered
   */
  void run(PacketHandler handler) throws CaptureException;

  /** Makes {@link #run} call {@link PacketHandler#betweenBatches()} soon. Any thread. */
  void wakeUp();

  /** Makes {@link #run} return soon. Any thread. */
  void stop();

  /**
   * Replaces the capture filter with {@code expression} ("" for everything) while {@link #run}
   * runs; the capture thread applies it between two batches. Any thread. The answer says whether
   * it was applied, refused for a bad expression (libpcap's message), or not possible here.
   */
  default CompletionStage<FilterOutcome> changeFilter(String expression) {
    // A file's packets were filtered when it was written; re-reading it with another filter is tcpdump's job.
    return CompletableFuture.completedFuture(FilterOutcome.notPossible(
        "reading a file: the capture filter applies to live capture (filter the file with tcpdump -r FILE -w OUT 'filter')"));
  }

  /**
   * libpcap's counters; call on the thread that runs {@link #run}, or after it returned. None for
   * a source that is not an interface, as the three defaults below say for a file.
   */
  default KernelStats kernelStats() {
    return KernelStats.NONE;
  }

  /** The interface's own addresses (none for a file): what makes traffic "local". */
  default List<IpAddress> localAddresses() {
    return List.of();
  }

  /** The interface's MAC address in the low 48 bits, or -1 (a file). */
  default long localMac() {
    return -1;
  }

  @Override
  void close();
}
