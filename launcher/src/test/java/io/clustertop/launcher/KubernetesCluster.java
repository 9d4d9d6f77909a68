package io.clustertop.launcher;

import static io.clustertop.kubernetes.informer.ApiObjects.controller;
import static io.clustertop.kubernetes.informer.ApiObjects.runningPod;

import com.google.protobuf.ByteString;
import io.clustertop.auth.IngestCalls;
import io.clustertop.collector.CollectorServer;
import io.clustertop.kubernetes.informer.ApiObjects;
import io.clustertop.kubernetes.informer.MockApi;
import io.clustertop.proto.v1.AgentIdentity;
import io.clustertop.proto.v1.AgentMessage;
import io.clustertop.proto.v1.Container;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.FlowKey;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.Hello;
import io.clustertop.proto.v1.LocalProcess;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.Volume;
import io.clustertop.proto.v1.VolumePair;
import io.clustertop.proto.v1.WatchGrpc;
import io.clustertop.proto.v1.WatchRequest;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small cluster for the Kubernetes tests of the commands: fabric8's mock API server (CRUD mode, on
 * 127.0.0.1) holding a Deployment's two pods and a StatefulSet's pod, a DaemonSet's pod of the host
 * network and two Nodes; {@code clustertop collector --kubeconfig FILE --history FILE} reading it;
 * and, once the collector has listed it, a second of traffic from two test agents over gRPC:
 *
 * <pre>
 * n1 10.77.0.1: etl/batch-7d9f-x2 10.77.5.5 -> 203.0.113.9     48,000,000 B out, 900,000 in
 *               etl/batch-7d9f-q8 10.77.5.6 -> 203.0.113.9     31,000,000 out, 600,000 in
 *               shop/web-0 10.77.6.5:8443 <- 198.51.100.20     2,000,000 out, 400,000 in
 *               kube-proxy (container bbbb) -> 203.0.113.20    120,000 out, 80,000 in
 *               sshd :22 <- n2                                 9,000 out, 15,000 in
 * n2 10.77.0.2: -> n1:22                                       15,000 out, 9,000 in
 * </pre>
 */
final class KubernetesCluster implements AutoCloseable {
  private static final long S = 1_000_000_000L;

  private final MockApi api = new MockApi();
  final CollectorCommand command;
  final CollectorServer collector;
  final String target;
  /** When the traffic's second ended, ns since the epoch. */
  final long now;
  private final ManagedChannel channel;

  KubernetesCluster(Path dir) throws Exception {
    long since = (System.currentTimeMillis() / 1000 - 3600) * S; // the pods run since an hour ago
    KubernetesClient admin = api.admin;
    ReplicaSet rs = admin.apps().replicaSets().resource(ApiObjects.replicaSet("etl", "batch-7d9f",
        controller("Deployment", "batch", "uid-deploy-batch"))).create();
    admin.pods().resource(runningPod("etl", "batch-7d9f-x2", "10.77.5.5", since, "aaaa",
        controller("ReplicaSet", "batch-7d9f", rs.getMetadata().getUid())).build()).create();
    admin.pods().resource(runningPod("etl", "batch-7d9f-q8", "10.77.5.6", since, "cccc",
        controller("ReplicaSet", "batch-7d9f", rs.getMetadata().getUid())).build()).create();
    admin.pods().resource(runningPod("shop", "web-0", "10.77.6.5", since, "dddd",
        controller("StatefulSet", "web", "uid-sts-web")).build()).create();
    admin.pods().resource(ApiObjects.hostNetworkPod("kube-system", "kube-proxy-n1", "10.77.0.1", "bbbb",
        controller("DaemonSet", "kube-proxy", "uid-ds-proxy"))).create();
    admin.nodes().resource(ApiObjects.node("n1", "eu-west-1a", "eu-west-1")).create();
    admin.nodes().resource(ApiObjects.node("n2", "eu-west-1b", "eu-west-1")).create();
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters: [{name: mock, cluster: {server: "http://127.0.0.1:%d"}}]
        contexts: [{name: mock, context: {cluster: mock, user: reader}}]
        current-context: mock
        users: [{name: reader, user: {token: t}}]
        """.formatted(api.server.getPort()));

    command = TestCollector.parse("--listen", "127.0.0.1:0", "--kubeconfig", kubeconfig.toString(),
        "--history", dir.resolve("history.db").toString());
    collector = command.start();
    target = "127.0.0.1:" + collector.port();
    channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
    WatchRequest ask = WatchRequest.newBuilder().setGrouping(Grouping.NAMESPACES).build();
    // One stream, a snapshot a publication, until the collector has listed what the API holds (a
    // stream per look would pass the collector's watch streams per console)
    Iterator<ViewSnapshot> views = WatchGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
        .subscribe(ask);
    while (!views.next().getKubernetes().startsWith("kubernetes: 4 pods, 2 nodes")) {
      // the next publication
    }
    now = System.currentTimeMillis() * 1_000_000L;
    // n1: the Deployment's two pods push bulk out, the StatefulSet's pod answers a client, kube-proxy
    // (a pod of the host network, by its container) talks out; n1's sshd and n2 talk
    IngestCalls.send(channel, List.of(hello("n1", 1, "10.77.0.1"), batch(now,
        flow("10.77.5.5", 40000, "203.0.113.9", 443, 48_000_000, 900_000, 0),
        flow("10.77.5.6", 40001, "203.0.113.9", 443, 31_000_000, 600_000, 0),
        flow("10.77.6.5", 8443, "198.51.100.20", 51000, 2_000_000, 400_000, 0),
        flow("10.77.0.1", 40002, "203.0.113.20", 443, 120_000, 80_000, 1),
        flow("10.77.0.1", 22, "10.77.0.2", 51515, 9_000, 15_000, 2))));
    IngestCalls.send(channel, List.of(hello("n2", 2, "10.77.0.2"), batch(now,
        flow("10.77.0.2", 51515, "10.77.0.1", 22, 15_000, 9_000, 0))));
  }

  @Override
  public void close() throws Exception {
    try {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      collector.stop();
      command.closeWatcher();
    } finally {
      api.close();
    }
  }

  private static AgentMessage hello(String node, int id, String address) throws Exception {
    byte[] agentId = new byte[16];
    agentId[15] = (byte) id;
    return AgentMessage.newBuilder().setHello(Hello.newBuilder().setIdentity(AgentIdentity.newBuilder()
        .setNode(node).setAgentId(ByteString.copyFrom(agentId)).setEpoch(1)
        .addAddresses(ByteString.copyFrom(InetAddress.getByName(address).getAddress())))
        .setOldestHeldSequence(1).setNewestSequence(0)).build();
  }

  /** Batch 1, the second before {@code endNanos}, with n1's processes: kube-proxy (container bbbb) and sshd. */
  private static AgentMessage batch(long endNanos, FlowDelta... flows) {
    long[] sum = new long[4];
    DeltaBatch.Builder b = DeltaBatch.newBuilder().setSequence(1).setStartUnixNanos(endNanos - S).setEndUnixNanos(endNanos)
        .addProcesses(LocalProcess.newBuilder().setPid(700).setCommand("kube-proxy").setNetworkNamespace(1).setContainer(1))
        .addProcesses(LocalProcess.newBuilder().setPid(22).setCommand("sshd").setNetworkNamespace(1))
        .addContainers(Container.newBuilder().setId("bbbb").setRuntime("containerd").setName("kube-proxy"));
    for (FlowDelta f : flows) {
      b.addFlows(f);
      sum[0] += f.getVolume().getSent().getBytes();
      sum[1] += f.getVolume().getSent().getPackets();
      sum[2] += f.getVolume().getReceived().getBytes();
      sum[3] += f.getVolume().getReceived().getPackets();
    }
    return AgentMessage.newBuilder().setBatch(b.setTotal(pair(sum[0], sum[1], sum[2], sum[3]))).build();
  }

  private static FlowDelta flow(String local, int localPort, String remote, int remotePort, long sent, long received,
      int process) throws Exception {
    return FlowDelta.newBuilder()
        .setKey(FlowKey.newBuilder().setLocalAddress(ByteString.copyFrom(InetAddress.getByName(local).getAddress()))
            .setRemoteAddress(ByteString.copyFrom(InetAddress.getByName(remote).getAddress()))
            .setLocalPort(localPort).setRemotePort(remotePort).setProtocol(6))
        .setVolume(pair(sent, sent / 1400 + 1, received, received / 1400 + 1))
        .setProcess(process)
        .build();
  }

  private static VolumePair pair(long sentBytes, long sentPackets, long receivedBytes, long receivedPackets) {
    return VolumePair.newBuilder().setSent(Volume.newBuilder().setBytes(sentBytes).setPackets(sentPackets))
        .setReceived(Volume.newBuilder().setBytes(receivedBytes).setPackets(receivedPackets)).build();
  }
}
