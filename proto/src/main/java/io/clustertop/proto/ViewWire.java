package io.clustertop.proto;

import com.google.protobuf.ByteString;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Network;
import io.clustertop.core.rows.Grouping;
import io.clustertop.core.rows.RowFilter;
import io.clustertop.core.rows.ViewSpec;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.Cost;
import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.NodeState;
import io.clustertop.core.view.PortDisplay;
import io.clustertop.core.view.Rates;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.SortOrder;
import io.clustertop.core.view.Totals;
import io.clustertop.core.view.Traffic;
import io.clustertop.core.view.ViewOptions;
import io.clustertop.proto.v1.NodeStatus;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The one mapping between core's view types ({@link Snapshot}, {@link ViewOptions}) and the watch
 * service's messages, both ways: servers turn snapshots into messages, consoles turn them back and
 * draw them with the same renderers as the local mode.
 */
public final class ViewWire {
  /** iftop's default number of lines, what a request with no limit gets. */
  public static final int DEFAULT_LIMIT = 10;

  private ViewWire() {}

  // Snapshot -> message

  public static ViewSnapshot toProto(Snapshot s) {
    return toProto(s, s.nodes().stream().map(ViewWire::toProto).toList());
  }

  /**
   * With the node statuses already in messages: a frame's statuses are the same for every
   * subscriber, and made into messages once.
   */
  public static ViewSnapshot toProto(Snapshot s, List<NodeStatus> nodes) {
    ViewSnapshot.Builder b = ViewSnapshot.newBuilder()
        .setTimeUnixNanos(s.timeMillis() * 1_000_000L)
        .setSource(s.source())
        .setTotals(io.clustertop.proto.v1.Totals.newBuilder()
            .setSent(toProto(s.totals().sent()))
            .setReceived(toProto(s.totals().received()))
            .setPeakTotalBytesPerSecond(s.totals().peakTotalBytesPerSecond()))
        .setCounters(toProto(s.counters()))
        .setConversations(s.conversations());
    for (Row r : s.rows()) {
      b.addRows(toProto(r));
    }
    if (s.other() != null) {
      b.setOther(toProto(s.other()));
    }
    b.addAllNodes(nodes);
    b.setCurrency(s.currency());
    if (s.cost() != null) {
      b.setCost(toProto(s.cost()));
    }
    return b.build();
  }

  static io.clustertop.proto.v1.Cost toProto(Cost c) {
    return io.clustertop.proto.v1.Cost.newBuilder().setSoFar(c.soFar().stripTrailingZeros().toPlainString())
        .setPerHour10S(c.perHour10s()).setPerHour40S(c.perHour40s()).build();
  }

  static Cost fromProto(io.clustertop.proto.v1.Cost c) {
    return new Cost(c.getSoFar().isEmpty() ? BigDecimal.ZERO : new BigDecimal(c.getSoFar()), c.getPerHour10S(),
        c.getPerHour40S());
  }

  public static NodeStatus toProto(NodeState n) {
    return NodeStatus.newBuilder()
        .setNode(n.node())
        .setZone(n.zone())
        .setAgentId(ByteString.copyFrom(HexFormat.of().parseHex(n.agentId())))
        .setEpoch(n.epoch())
        .setLastBatchUnixNanos(n.lastBatchUnixNanos())
        .setStale(n.stale())
        .setRestarted(n.restarted())
        .setGapSeconds(n.gapSeconds())
        .setCounters(toProto(n.counters()))
        .setState(n.state())
        .build();
  }

  public static io.clustertop.proto.v1.Row toProto(Row r) {
    io.clustertop.proto.v1.Row.Builder b = io.clustertop.proto.v1.Row.newBuilder()
        .setLeft(toProto(r.left()))
        .setRight(toProto(r.right()))
        .setSent(toProto(r.sent()))
        .setReceived(toProto(r.received()))
        .setConversations(r.conversations())
        .addAllNodes(r.nodes());
    if (r.protocol() >= 0) {
      b.setProtocol(r.protocol());
    }
    if (r.cost() != null) {
      b.setCost(toProto(r.cost()));
    }
    // The wire keeps the class on the row (the message Endpoint is an address); core keeps it on the side it names.
    // Likewise the local owner, on the side it names (the left: the node's own end).
    return b.setDestinationClass(r.right().destinationClass()).setLocalOwner(r.left().owner()).build();
  }

  static io.clustertop.proto.v1.Endpoint toProto(Endpoint e) {
    io.clustertop.proto.v1.Endpoint.Builder b = io.clustertop.proto.v1.Endpoint.newBuilder();
    if (e.hasHost()) {
      b.setAddress(ByteString.copyFrom(e.host().bytes()));
    }
    if (e.hasPort()) {
      b.setPort(e.port());
    }
    return b.setNode(e.node()).build();
  }

  static io.clustertop.proto.v1.Traffic toProto(Traffic t) {
    io.clustertop.proto.v1.Traffic.Builder b = io.clustertop.proto.v1.Traffic.newBuilder()
        .setBytes(t.bytes())
        .setPackets(t.packets())
        .setBytesPerSecond(toProto(t.bytesPerSecond()))
        .setPacketsPerSecond(toProto(t.packetsPerSecond()));
    if (!Double.isNaN(t.peakBytesPerSecond())) {
      b.setPeakBytesPerSecond(t.peakBytesPerSecond());
    }
    return b.build();
  }

  static io.clustertop.proto.v1.Rates toProto(Rates r) {
    return io.clustertop.proto.v1.Rates.newBuilder()
        .setLast2S(r.last2s()).setLast10S(r.last10s()).setLast40S(r.last40s()).build();
  }

  public static io.clustertop.proto.v1.CaptureCounters toProto(CaptureCounters c) {
    return io.clustertop.proto.v1.CaptureCounters.newBuilder()
        .setReceived(c.received())
        .setDroppedByKernel(c.droppedByKernel())
        .setDroppedByInterface(c.droppedByInterface())
        .setDecoded(c.decoded())
        .setRejected(c.rejected())
        .setIgnored(c.ignored())
        .setOverflowPackets(c.overflowPackets())
        .setRejectedTruncated(c.rejectedTruncated())
        .setRejectedMalformed(c.rejectedMalformed())
        .setRejectedUnsupportedLink(c.rejectedUnsupportedLink())
        .setRejectedNotIp(c.rejectedNotIp())
        .setFoldedConversations(c.foldedConversations())
        .build();
  }

  // message -> Snapshot

  public static Snapshot fromProto(ViewSnapshot s) {
    List<Row> rows = s.getRowsList().stream().map(ViewWire::fromProto).toList();
    return new Snapshot(
        s.getTimeUnixNanos() / 1_000_000L,
        s.getSource(),
        rows,
        s.hasOther() ? fromProto(s.getOther()) : null,
        new Totals(fromProto(s.getTotals().getSent()), fromProto(s.getTotals().getReceived()),
            s.getTotals().getPeakTotalBytesPerSecond()),
        fromProto(s.getCounters()),
        s.getConversations(),
        s.getNodesList().stream().map(ViewWire::fromProto).toList(),
        s.getCurrency(),
        s.hasCost() ? fromProto(s.getCost()) : null);
  }

  public static Row fromProto(io.clustertop.proto.v1.Row r) {
    Endpoint right = fromProto(r.getRight()).withDestinationClass(r.getDestinationClass());
    Endpoint left = fromProto(r.getLeft());
    left = new Endpoint(left.host(), left.port(), left.node(), left.destinationClass(), r.getLocalOwner());
    return new Row(left, right, r.hasProtocol() ? r.getProtocol() : -1,
        fromProto(r.getSent()), fromProto(r.getReceived()), r.getConversations(), List.copyOf(r.getNodesList()),
        r.hasCost() ? fromProto(r.getCost()) : null);
  }

  static Endpoint fromProto(io.clustertop.proto.v1.Endpoint e) {
    return new Endpoint(e.getAddress().isEmpty() ? null : address(e.getAddress()),
        e.hasPort() ? e.getPort() : Endpoint.NO_PORT, e.getNode());
  }

  static NodeState fromProto(NodeStatus n) {
    return new NodeState(n.getNode(), n.getZone(), HexFormat.of().formatHex(n.getAgentId().toByteArray()),
        n.getEpoch(), n.getLastBatchUnixNanos(), n.getStale(), n.getRestarted(), n.getGapSeconds(),
        fromProto(n.getCounters()), n.getState());
  }

  static Traffic fromProto(io.clustertop.proto.v1.Traffic t) {
    return new Traffic(t.getBytes(), t.getPackets(), fromProto(t.getBytesPerSecond()),
        fromProto(t.getPacketsPerSecond()), t.hasPeakBytesPerSecond() ? t.getPeakBytesPerSecond() : Double.NaN);
  }

  static Rates fromProto(io.clustertop.proto.v1.Rates r) {
    return new Rates(r.getLast2S(), r.getLast10S(), r.getLast40S());
  }

  public static CaptureCounters fromProto(io.clustertop.proto.v1.CaptureCounters c) {
    return new CaptureCounters(c.getReceived(), c.getDroppedByKernel(), c.getDroppedByInterface(), c.getDecoded(),
        c.getRejected(), c.getRejectedTruncated(), c.getRejectedMalformed(), c.getRejectedUnsupportedLink(),
        c.getRejectedNotIp(), c.getIgnored(), c.getOverflowPackets(), c.getFoldedConversations());
  }

  /** 4 or 16 bytes; anything else is malformed. */
  public static IpAddress address(ByteString bytes) {
    ByteBuffer b = bytes.asReadOnlyByteBuffer();
    return switch (bytes.size()) {
      case 4 -> IpAddress.v4(b.getInt());
      case 16 -> new IpAddress(6, b.getLong(), b.getLong());
      default -> throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + bytes.size());
    };
  }

  // request <-> options

  public static WatchRequest toProto(ViewOptions o) {
    return WatchRequest.newBuilder()
        .setSort(switch (o.sort()) {
          case LAST_2S -> io.clustertop.proto.v1.SortOrder.LAST_2S;
          case LAST_10S -> io.clustertop.proto.v1.SortOrder.LAST_10S;
          case LAST_40S -> io.clustertop.proto.v1.SortOrder.LAST_40S;
          case SOURCE -> io.clustertop.proto.v1.SortOrder.SOURCE;
          case DESTINATION -> io.clustertop.proto.v1.SortOrder.DESTINATION;
        })
        .setLimit(o.limit())
        .setHideSource(!o.showSource())
        .setHideDestination(!o.showDestination())
        .setPorts(switch (o.ports()) {
          case OFF -> io.clustertop.proto.v1.PortDisplay.PORTS_OFF;
          case SOURCE_ONLY -> io.clustertop.proto.v1.PortDisplay.PORTS_SOURCE_ONLY;
          case DESTINATION_ONLY -> io.clustertop.proto.v1.PortDisplay.PORTS_DESTINATION_ONLY;
          case ON -> io.clustertop.proto.v1.PortDisplay.PORTS_ON;
        })
        .build();
  }

  /** The grouping a request asks for, as core has it (unspecified: host pairs). */
  public static Grouping grouping(io.clustertop.proto.v1.Grouping g) {
    return switch (g) {
      case NODES -> Grouping.NODES;
      case REMOTE_ADDRESSES -> Grouping.REMOTE_ADDRESSES;
      case PORTS -> Grouping.PORTS;
      case DESTINATION_CLASSES -> Grouping.DESTINATION_CLASSES;
      case PROCESSES -> Grouping.PROCESSES;
      case CONTAINERS -> Grouping.CONTAINERS;
      case NAMESPACES -> Grouping.NAMESPACES;
      case WORKLOADS -> Grouping.WORKLOADS;
      case PODS -> Grouping.PODS;
      case SERVICES -> Grouping.SERVICES;
      default -> Grouping.HOST_PAIRS;
    };
  }

  /** Core's grouping as the wire has it. */
  public static io.clustertop.proto.v1.Grouping toProto(Grouping g) {
    return switch (g) {
      case HOST_PAIRS -> io.clustertop.proto.v1.Grouping.HOST_PAIRS;
      case NODES -> io.clustertop.proto.v1.Grouping.NODES;
      case REMOTE_ADDRESSES -> io.clustertop.proto.v1.Grouping.REMOTE_ADDRESSES;
      case PORTS -> io.clustertop.proto.v1.Grouping.PORTS;
      case DESTINATION_CLASSES -> io.clustertop.proto.v1.Grouping.DESTINATION_CLASSES;
      case PROCESSES -> io.clustertop.proto.v1.Grouping.PROCESSES;
      case CONTAINERS -> io.clustertop.proto.v1.Grouping.CONTAINERS;
      case NAMESPACES -> io.clustertop.proto.v1.Grouping.NAMESPACES;
      case WORKLOADS -> io.clustertop.proto.v1.Grouping.WORKLOADS;
      case PODS -> io.clustertop.proto.v1.Grouping.PODS;
      case SERVICES -> io.clustertop.proto.v1.Grouping.SERVICES;
    };
  }

  /** The maintained view a request reads: its grouping, node, and for host pairs the hosts and ports shown. */
  public static ViewSpec spec(WatchRequest r) {
    ViewOptions o = fromProto(r);
    return new ViewSpec(grouping(r.getGrouping()), r.getNode(), o.showSource(), o.showDestination(), o.ports(),
        r.getPod());
  }

  /** A request's row filters; a CIDR that does not parse throws {@link IllegalArgumentException}. */
  public static RowFilter filter(WatchRequest r) {
    return new RowFilter(r.getCidrsList().stream().map(Network::parse).toList(), Set.copyOf(r.getPortsFilterList()),
        Set.copyOf(r.getNodesFilterList()), r.getText(), r.getWithin());
  }

  /** The view a request asks for; row filters beyond these are the server's to apply. */
  public static ViewOptions fromProto(WatchRequest r) {
    SortOrder sort = switch (r.getSort()) {
      case LAST_2S -> SortOrder.LAST_2S;
      case LAST_40S -> SortOrder.LAST_40S;
      case SOURCE -> SortOrder.SOURCE;
      case DESTINATION -> SortOrder.DESTINATION;
      default -> SortOrder.LAST_10S;
    };
    PortDisplay ports = switch (r.getPorts()) {
      case PORTS_SOURCE_ONLY -> PortDisplay.SOURCE_ONLY;
      case PORTS_DESTINATION_ONLY -> PortDisplay.DESTINATION_ONLY;
      case PORTS_ON -> PortDisplay.ON;
      default -> PortDisplay.OFF;
    };
    return new ViewOptions(!r.getHideSource(), !r.getHideDestination(), ports, sort,
        r.getLimit() == 0 ? DEFAULT_LIMIT : r.getLimit(), ViewOptions.ALL_ROWS, List.of());
  }
}
