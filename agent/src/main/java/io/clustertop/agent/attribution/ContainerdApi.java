package io.clustertop.agent.attribution;

import io.clustertop.proto.containerd.ContainersGrpc;
import io.clustertop.proto.containerd.ListContainersRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * containerd's containers and their names, from containerd's own gRPC API over its Unix socket
 * ({@code containerd.services.containers.v1.Containers/List}, proto/README.md), in each namespace
 * asked for (the {@code containerd-namespace} header; Kubernetes' CRI plugin keeps its containers
 * in {@code k8s.io}). A container the CRI plugin made carries its pod's labels and is named
 * {@code namespace/pod/container}, as kubectl shows it ({@link #name}); any other goes by its id.
 *
 * <p>The channel (and its one event-loop thread) is made at the first call, so a node without
 * containerd's containers never has one; gRPC reconnects it as needed. Each call has a deadline of
 * {@link #DEADLINE_MILLIS}, and an answer of at most {@link #MAX_ANSWER_BYTES} (containerd answers
 * each container's OCI spec too, some kilobytes a container, which is read and dropped).
 */
final class ContainerdApi implements RuntimeApi {
  static final Path DEFAULT_SOCKET = Path.of("/run/containerd/containerd.sock");
  static final List<String> DEFAULT_NAMESPACES = List.of("k8s.io");
  static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";
  static final String POD_NAME = "io.kubernetes.pod.name";
  static final String CONTAINER_NAME = "io.kubernetes.container.name";
  private static final Metadata.Key<String> NAMESPACE_HEADER =
      Metadata.Key.of("containerd-namespace", Metadata.ASCII_STRING_MARSHALLER);

  private final Path socket;
  private final List<String> namespaces;
  private EventLoopGroup loop;
  private ManagedChannel channel;

  /** {@code namespaces}: at least one ({@link AttributionOptions} checks). */
  ContainerdApi(Path socket, List<String> namespaces) {
    this.socket = socket;
    this.namespaces = List.copyOf(namespaces);
  }

  @Override
  public String runtime() {
    return "containerd";
  }

  /** containerd's own cgroups, and Kubernetes' cgroupfs paths, which do not say the runtime. */
  @Override
  public boolean mayRun(String cgroupRuntime) {
    return cgroupRuntime.equals("containerd") || cgroupRuntime.equals("kubepods");
  }

  @Override
  public Map<String, String> names() throws IOException {
    ContainersGrpc.ContainersBlockingStub stub = ContainersGrpc.newBlockingStub(channel());
    Map<String, String> names = new HashMap<>();
    for (String namespace : namespaces) {
      Metadata header = new Metadata();
      header.put(NAMESPACE_HEADER, namespace);
      try {
        for (var c : stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(header))
            .withDeadlineAfter(DEADLINE_MILLIS, TimeUnit.MILLISECONDS)
            .list(ListContainersRequest.getDefaultInstance()).getContainersList()) {
          names.put(c.getId(), name(c.getLabelsMap()));
        }
      } catch (StatusRuntimeException e) {
        Throwable cause = e.getCause();
        throw new IOException(e.getStatus().getCode() + (e.getStatus().getDescription() == null ? "" : ": "
            + e.getStatus().getDescription()) + (cause == null ? "" : " (" + cause.getMessage() + ")"), e);
      }
    }
    return names;
  }

  /**
   * The name of a container the CRI plugin made, from its labels: {@code namespace/pod/container};
   * empty for any other (its id then names it).
   */
  static String name(Map<String, String> labels) {
    String namespace = labels.getOrDefault(POD_NAMESPACE, "");
    String pod = labels.getOrDefault(POD_NAME, "");
    String container = labels.getOrDefault(CONTAINER_NAME, "");
    return namespace.isEmpty() || pod.isEmpty() || container.isEmpty() ? "" : namespace + "/" + pod + "/" + container;
  }

  private ManagedChannel channel() throws IOException {
    if (channel != null) {
      return channel;
    }
    if (!Files.exists(socket)) {
      throw new IOException("no socket at " + socket);
    }
    if (!Epoll.isAvailable()) {
      throw new IOException("no epoll transport for a Unix socket: " + Epoll.unavailabilityCause().getMessage());
    }
    loop = new EpollEventLoopGroup(1, Thread.ofPlatform().name("containerd-grpc").daemon().factory());
    channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .eventLoopGroup(loop)
        .channelType(EpollDomainSocketChannel.class)
        .directExecutor() // the blocking stub waits on the attribution thread; nothing else runs callbacks
        .usePlaintext()
        .overrideAuthority("localhost")
        .withOption(ChannelOption.SO_KEEPALIVE, null) // gRPC sets it for TCP; a Unix socket has none (netty warns)
        .maxInboundMessageSize(MAX_ANSWER_BYTES)
        .build();
    return channel;
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.shutdownNow();
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  @Override
  public String toString() {
    return "containerd's API at " + socket + " (namespaces " + String.join(", ", namespaces) + ")";
  }
}
