package io.clustertop.auth;

import io.clustertop.proto.v1.HistoryGrpc;
import io.clustertop.proto.v1.IngestGrpc;
import io.clustertop.proto.v1.WatchGrpc;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything a client can ask of a clustertop server, and the roles that may ask it: the one table
 * of who may do what. A gRPC method that is not here is refused to every identity.
 */
public enum Operation {
  /** Ingest.Stream: send a node's batches. */
  INGEST(Role.AGENT),
  /** Watch.Subscribe: views of the cluster or of a node. */
  WATCH(Role.CONSOLE, Role.OPERATOR),
  /** History.Cost: the cost history. */
  READ_HISTORY(Role.CONSOLE, Role.OPERATOR),
  /** Watch.SetCaptureFilter: change what an agent counts (it must also run --allow-filter-change). */
  CHANGE_FILTER(Role.OPERATOR),
  /** GET /metrics on the collector's metrics endpoint. */
  READ_METRICS(Role.CONSOLE, Role.OPERATOR);

  private static final Map<String, Operation> BY_METHOD = Map.of(
      IngestGrpc.getStreamMethod().getFullMethodName(), INGEST,
      WatchGrpc.getSubscribeMethod().getFullMethodName(), WATCH,
      WatchGrpc.getSetCaptureFilterMethod().getFullMethodName(), CHANGE_FILTER,
      HistoryGrpc.getCostMethod().getFullMethodName(), READ_HISTORY);

  private final Set<Role> allowed;

  Operation(Role first, Role... more) {
    this.allowed = Set.copyOf(EnumSet.of(first, more));
  }

  /** The operation a gRPC method (its full name, {@code clustertop.v1.Watch/Subscribe}) is. */
  public static Optional<Operation> ofMethod(String fullMethodName) {
    return Optional.ofNullable(BY_METHOD.get(fullMethodName));
  }

  /** The roles any one of which allows it. */
  public Set<Role> allowedRoles() {
    return allowed;
  }

  /**
   * Null if {@code identity} may do it, else the one line that says which role it lacks. Without an
   * identity (no client certificate: plaintext, or TLS without --tls-ca) everything is allowed, as
   * it always was; a server off loopback needs mutual TLS or --insecure for that reason.
   */
  public String refusal(PeerIdentity identity) {
    if (identity == null || identity.roles().stream().anyMatch(allowed::contains)) {
      return null;
    }
    return what() + " needs the role " + roleText() + "; " + identity.describe() + " does not hold it";
  }

  /** "agent", "console or operator". */
  public String roleText() {
    return allowed.stream().sorted().map(Role::label).collect(Collectors.joining(" or "));
  }

  private String what() {
    return switch (this) {
      case INGEST -> "sending batches (Ingest.Stream)";
      case WATCH -> "watching (Watch.Subscribe)";
      case READ_HISTORY -> "reading the cost history (History.Cost)";
      case CHANGE_FILTER -> "changing the capture filter (Watch.SetCaptureFilter)";
      case READ_METRICS -> "reading /metrics";
    };
  }
}
