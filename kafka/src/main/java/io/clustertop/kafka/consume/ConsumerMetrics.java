package io.clustertop.kafka.consume;

import static io.clustertop.collector.metrics.PrometheusText.header;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What a collector's Kafka consumer counts, for {@code /metrics}: records by what became of them,
 * partitions owned, rebuilds and the time they took, agents handed over, node records read.
 *
 * <p>Thread safety: safe; the consumer's thread counts, a scrape reads.
 */
public final class ConsumerMetrics {
  private final AtomicLongArray outcomes = new AtomicLongArray(AgentFeed.Outcome.values().length);
  private final AtomicLong unreadable = new AtomicLong();
  private final AtomicLong partitions = new AtomicLong();
  private final AtomicLong rebuilds = new AtomicLong();
  private final AtomicLong rebuildNanosTotal = new AtomicLong();
  private final AtomicLong lastRebuildNanos = new AtomicLong();
  private final AtomicLong handedOver = new AtomicLong();
  private final AtomicLong gaps = new AtomicLong();
  private final AtomicLong commitFailures = new AtomicLong();
  private final AtomicLong agentsExpired = new AtomicLong();
  private final AtomicLong recordClockMillis = new AtomicLong();
  private volatile NodeDirectory nodes;

  void outcome(AgentFeed.Outcome outcome) {
    outcomes.incrementAndGet(outcome.ordinal());
  }

  void unreadable() {
    unreadable.incrementAndGet();
  }

  void partitions(int owned) {
    partitions.set(owned);
  }

  void rebuilt(long nanos) {
    rebuilds.incrementAndGet();
    rebuildNanosTotal.addAndGet(nanos);
    lastRebuildNanos.set(nanos);
  }

  void handedOver(int agents) {
    handedOver.addAndGet(agents);
  }

  void gap() {
    gaps.incrementAndGet();
  }

  void commitFailed() {
    commitFailures.incrementAndGet();
  }

  void agentExpired() {
    agentsExpired.incrementAndGet();
  }

  void recordClock(long millis) {
    recordClockMillis.set(millis);
  }

  void nodes(NodeDirectory nodes) {
    this.nodes = nodes;
  }

  public long outcomes(AgentFeed.Outcome outcome) {
    return outcomes.get(outcome.ordinal());
  }

  public long partitions() {
    return partitions.get();
  }

  public long rebuilds() {
    return rebuilds.get();
  }

  public long handedOver() {
    return handedOver.get();
  }

  public long gaps() {
    return gaps.get();
  }

  /** Agents dropped for being idle on the record clock longer than the expiry. */
  public long agentsExpired() {
    return agentsExpired.get();
  }

  /** The record clock as of the latest idle check (milliseconds since the Unix epoch); 0 before the first record. */
  public long recordClockMillis() {
    return recordClockMillis.get();
  }

  /** The Prometheus text lines, appended to the collector's {@code /metrics}. */
  public void appendPrometheus(StringBuilder out) {
    header(out, "clustertop_kafka_records_total", "counter",
        "Records of the agents' topic read, by what became of them (taken: given to the agent's ingest session).");
    for (AgentFeed.Outcome o : AgentFeed.Outcome.values()) {
      out.append("clustertop_kafka_records_total{outcome=\"").append(o.name().toLowerCase(java.util.Locale.ROOT))
          .append("\"} ").append(outcomes.get(o.ordinal())).append('\n');
    }
    out.append("clustertop_kafka_records_total{outcome=\"unreadable\"} ").append(unreadable.get()).append('\n');
    header(out, "clustertop_kafka_partitions", "gauge", "Partitions of the agents' topic this collector owns.");
    out.append("clustertop_kafka_partitions ").append(partitions.get()).append('\n');
    header(out, "clustertop_kafka_rebuilds_total", "counter",
        "Rebuilds of partitions taken over: their nodes' state read back from their latest full states.");
    out.append("clustertop_kafka_rebuilds_total ").append(rebuilds.get()).append('\n');
    header(out, "clustertop_kafka_rebuild_seconds_total", "counter", "Time rebuilds took, all of them.");
    out.append("clustertop_kafka_rebuild_seconds_total ").append(rebuildNanosTotal.get() / 1e9).append('\n');
    header(out, "clustertop_kafka_last_rebuild_seconds", "gauge", "Time the latest rebuild took.");
    out.append("clustertop_kafka_last_rebuild_seconds ").append(lastRebuildNanos.get() / 1e9).append('\n');
    header(out, "clustertop_kafka_agents_handed_over_total", "counter",
        "Agents whose partition went to another collector: their current epoch left this collector's views.");
    out.append("clustertop_kafka_agents_handed_over_total ").append(handedOver.get()).append('\n');
    header(out, "clustertop_kafka_gaps_total", "counter",
        "Batches read with a Gap: batches their agent dropped while it could not publish.");
    out.append("clustertop_kafka_gaps_total ").append(gaps.get()).append('\n');
    header(out, "clustertop_kafka_commit_failures_total", "counter", "Offset commits the group refused or that failed.");
    out.append("clustertop_kafka_commit_failures_total ").append(commitFailures.get()).append('\n');
    header(out, "clustertop_kafka_agents_expired_total", "counter",
        "Agents dropped after no record of them for --agent-expiry of the record clock; their figures stay in the totals.");
    out.append("clustertop_kafka_agents_expired_total ").append(agentsExpired.get()).append('\n');
    header(out, "clustertop_kafka_record_clock_seconds", "gauge",
        "The latest record time read (Kafka's timestamps, at most the collector's clock): the clock idle agents expire on.");
    out.append("clustertop_kafka_record_clock_seconds ").append(recordClockMillis.get() / 1e3).append('\n');
    NodeDirectory n = nodes;
    if (n != null) {
      header(out, "clustertop_kafka_node_records_total", "counter", "Records of the node topic read, by whether they were taken.");
      out.append("clustertop_kafka_node_records_total{result=\"taken\"} ").append(n.recordsRead() - n.unreadable()).append('\n');
      out.append("clustertop_kafka_node_records_total{result=\"unreadable\"} ").append(n.unreadable()).append('\n');
    }
  }
}
