package io.clustertop.agent.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.core.attribution.Container;
import io.clustertop.proto.containerd.ContainersGrpc;
import io.clustertop.proto.containerd.ListContainersRequest;
import io.clustertop.proto.containerd.ListContainersResponse;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * containerd's Containers API over a real Unix socket, served by the test with the vendored
 * subset of containerd's proto and the labels containerd's CRI plugin writes; the naming rule.
 */
class ContainerdApiTest {
  /** A CRI container of pod shop/web-1, as `crictl ps` would list it. */
  private static final String WEB = "5b1a0c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";
  /** web-1's sandbox (its pause container): the pod's labels, no container name. */
  private static final String SANDBOX = "0e7a6c3b2d1f4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f90";
  /** A container started with ctr in k8s.io, without Kubernetes' labels. */
  private static final String PLAIN = "f".repeat(64);
  /** A container in containerd's default namespace. */
  private static final String OTHER = "e".repeat(64);
  private static final Map<String, String> WEB_LABELS = Map.of(
      "io.kubernetes.pod.namespace", "shop", "io.kubernetes.pod.name", "web-1", "io.kubernetes.container.name", "web",
      "io.kubernetes.pod.uid", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "io.cri-containerd.kind", "container");

  @TempDir
  Path dir;

  private final List<String> namespacesAsked = Collections.synchronizedList(new ArrayList<>());
  private EventLoopGroup loop;
  private Server server;

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /** A containerd of the test's: k8s.io holds web, its sandbox and a plain container; default holds one. */
  private Path containerd() throws IOException {
    Path socket = dir.resolve("containerd.sock");
    Metadata.Key<String> header = Metadata.Key.of("containerd-namespace", Metadata.ASCII_STRING_MARSHALLER);
    ServerInterceptor namespaces = new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
          ServerCallHandler<Q, A> next) {
        namespacesAsked.add(String.valueOf(headers.get(header)));
        return next.startCall(call, headers);
      }
    };
    ContainersGrpc.ContainersImplBase service = new ContainersGrpc.ContainersImplBase() {
      @Override
      public void list(ListContainersRequest request, StreamObserver<ListContainersResponse> answer) {
        String namespace = namespacesAsked.getLast();
        ListContainersResponse.Builder list = ListContainersResponse.newBuilder();
        if (namespace.equals("k8s.io")) {
          list.addContainersBuilder().setId(WEB).putAllLabels(WEB_LABELS);
          list.addContainersBuilder().setId(SANDBOX).putAllLabels(Map.of("io.kubernetes.pod.namespace", "shop",
              "io.kubernetes.pod.name", "web-1", "io.cri-containerd.kind", "sandbox"));
          list.addContainersBuilder().setId(PLAIN);
        } else if (namespace.equals("default")) {
          list.addContainersBuilder().setId(OTHER).putLabels("nerdctl/name", "other");
        }
        answer.onNext(list.build());
        answer.onCompleted();
      }
    };
    loop = new EpollEventLoopGroup(1);
    server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .bossEventLoopGroup(loop).workerEventLoopGroup(loop).channelType(EpollServerDomainSocketChannel.class)
        .withChildOption(ChannelOption.SO_KEEPALIVE, null)
        .directExecutor()
        .addService(ServerInterceptors.intercept(service, namespaces))
        .build()
        .start();
    return socket;
  }

  @Test
  void aCriContainerIsNamedByItsPodsLabels() {
    assertEquals("shop/web-1/web", ContainerdApi.name(WEB_LABELS));
    assertEquals("", ContainerdApi.name(Map.of("io.kubernetes.pod.namespace", "shop", "io.kubernetes.pod.name", "web-1")),
        "a sandbox has no container name: it goes by its id");
    assertEquals("", ContainerdApi.name(Map.of("io.kubernetes.container.name", "web")));
    assertEquals("", ContainerdApi.name(Map.of("io.kubernetes.pod.namespace", "", "io.kubernetes.pod.name", "web-1",
        "io.kubernetes.container.name", "web")));
    assertEquals("", ContainerdApi.name(Map.of()));
  }

  @Test
  void theListOfEachNamespaceAskedIsRead() throws IOException {
    Path socket = containerd();
    try (ContainerdApi api = new ContainerdApi(socket, List.of("k8s.io", "default"))) {
      assertEquals(Map.of(WEB, "shop/web-1/web", SANDBOX, "", PLAIN, "", OTHER, ""), api.names());
    }
    assertEquals(List.of("k8s.io", "default"), namespacesAsked, "one List call a namespace, named in its header");
  }

  @Test
  void containersOfContainerdAndOfKubepodsCgroupsAreNamedOncePerRefresh() throws IOException {
    Path socket = containerd();
    try (ContainerNames names = new ContainerNames(List.of(new ContainerdApi(socket, ContainerdApi.DEFAULT_NAMESPACES)))) {
      assertEquals(new Container(WEB, "containerd", "shop/web-1/web"), names.named(new Container(WEB, "containerd", "")));
      assertEquals(new Container(PLAIN, "containerd", ""), names.named(new Container(PLAIN, "containerd", "")),
          "known, without Kubernetes' labels: its id");
      assertEquals(1, namespacesAsked.size(), "the second was known from the first answer");
      names.newRefresh();
      assertEquals(new Container(WEB, "containerd", "shop/web-1/web"), names.named(new Container(WEB, "kubepods", "")),
          "a cgroupfs path does not say the runtime; containerd's list does");
      assertEquals(new Container(PLAIN, "containerd", ""), names.named(new Container(PLAIN, "containerd", "")));
      assertEquals(1, namespacesAsked.size(), "known containers are not asked for again");
      Container crio = new Container(OTHER, "kubepods", "");
      assertEquals(crio, names.named(crio), "not in containerd's k8s.io: as it was (CRI-O's, say)");
      assertEquals(crio, names.named(crio));
      assertEquals(2, namespacesAsked.size(), "an unknown container asks once a refresh");
      Container docker = new Container("d".repeat(64), "docker", "");
      names.newRefresh();
      assertEquals(docker, names.named(docker), "Docker's: not asked of containerd");
      assertEquals(2, namespacesAsked.size());
      assertEquals(2, names.lists());
      assertEquals(0, names.failures());
    }
  }

  @Test
  void withoutContainerdContainersGoByTheirId() throws IOException {
    Container web = new Container(WEB, "containerd", "");
    try (ContainerdApi absent = new ContainerdApi(dir.resolve("absent.sock"), ContainerdApi.DEFAULT_NAMESPACES);
        ContainerNames names = new ContainerNames(List.of(absent))) {
      assertEquals("no socket at " + dir.resolve("absent.sock"),
          assertThrows(IOException.class, absent::names).getMessage());
      assertEquals(web, names.named(web));
      assertEquals(1, names.failures());
    }
  }

  @Test
  void aContainerdThatDoesNotAnswerIsGivenUpAtTheDeadline() throws IOException {
    Path silent = dir.resolve("silent.sock");
    try (ServerSocketChannel listening = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        ContainerdApi api = new ContainerdApi(silent, ContainerdApi.DEFAULT_NAMESPACES)) {
      listening.bind(UnixDomainSocketAddress.of(silent)); // connects, never speaks HTTP/2
      IOException e = assertThrows(IOException.class, api::names);
      assertTrue(e.getMessage().startsWith("DEADLINE_EXCEEDED"), e.getMessage());
    }
  }
}
