package io.clustertop.launcher;

import static io.clustertop.kubernetes.informer.ApiObjects.controller;
import static io.clustertop.kubernetes.informer.ApiObjects.runningPod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.clustertop.proto.v1.Volume;
import io.clustertop.proto.v1.VolumePair;
import io.clustertop.proto.v1.WatchGrpc;
import io.clustertop.proto.v1.WatchRequest;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clustertop collector --kubeconfig FILE --history FILE} against fabric8's mock API server
 * (CRUD mode, on 127.0.0.1), agents' batches over gRPC, {@code clustertop console --group
 * namespaces|workloads} printing the rows by namespace and by workload, and {@code clustertop cost
 * --by namespace|workload} reporting the minute from the history: the commands as a user runs them,
 * exact bytes and costs in JSON. The text reports are written to {@code target/kubernetes-console.txt}
 * and {@code target/kubernetes-cost.txt}: the README's captures of "On Kubernetes" and "Egress cost".
 */
class KubernetesConsoleTest {
  private static final long S = 1_000_000_000L;

  @Test
  void theConsoleShowsTheClusterByNamespaceAndByWorkload(@TempDir Path dir) throws Exception {
    long since = (System.currentTimeMillis() / 1000 - 3600) * S; // the pods run since an hour ago
    CollectorServer collector = null;
    CollectorCommand command = null;
    ManagedChannel channel = null;
    try (MockApi api = new MockApi()) {
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
      String target = "127.0.0.1:" + collector.port();
      channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
      WatchRequest ask = WatchRequest.newBuilder().setGrouping(Grouping.NAMESPACES).build();
      // One stream, a snapshot a publication, until the collector has listed what the API holds (a
      // stream per look would pass the collector's watch streams per console)
      java.util.Iterator<io.clustertop.proto.v1.ViewSnapshot> views = WatchGrpc.newBlockingStub(channel)
          .withDeadlineAfter(60, java.util.concurrent.TimeUnit.SECONDS).subscribe(ask);
      while (!views.next().getKubernetes().startsWith("kubernetes: 4 pods, 2 nodes")) {
        // the next publication
      }
      long now = System.currentTimeMillis() * 1_000_000L;
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

      String namespacesJson = run("console", "--connect", target, "--group", "namespaces", "--json", "-s", "1");
      String last = namespacesJson.lines().reduce((a, b) -> b).orElseThrow();
      assertRow(last, "etl", 79_000_000, 1_500_000);
      assertRow(last, "shop", 2_000_000, 400_000);
      assertRow(last, "kube-system", 120_000, 80_000);
      assertRow(last, "(host)", 9_000 + 15_000, 0); // each byte once: n1's ssh with n2, what each end sent
      String workloadsJson = run("console", "--connect", target, "--group", "workloads", "--within", "etl", "--json",
          "-s", "1");
      String workloads = workloadsJson.lines().reduce((a, b) -> b).orElseThrow();
      assertRow(workloads, "etl/Deployment/batch", 79_000_000, 1_500_000);
      assertTrue(!workloads.contains("shop/"), workloads);

      List<String> screens = new ArrayList<>();
      screens.add("$ clustertop console --group namespaces -t -s 2");
      screens.add(run("console", "--connect", target, "--group", "namespaces", "-t", "-n", "-N", "-s", "2", "--cost"));
      screens.add("$ clustertop console --group workloads -t -s 2");
      screens.add(run("console", "--connect", target, "--group", "workloads", "-t", "-n", "-N", "-s", "2", "--cost"));
      Path out = Path.of("target", "kubernetes-console.txt");
      Files.writeString(out, String.join("\n", screens));
      assertTrue(screens.get(1).contains("etl"), screens.get(1));
      assertTrue(screens.get(3).contains("etl/Deployment/batch"), screens.get(3));

      // the minute into the history (the collector writes one a minute; the test says when), then the
      // cost by namespace and by workload: what each node sent, what it received from outside, each
      // byte once; the internet's egress at 0.09 a GB, its ingress free, n1 <-> n2 at 0.01 + 0.01
      collector.flushHistory(now);
      String byNamespace = run("cost", "--connect", target, "--by", "namespace", "--json");
      assertTrue(byNamespace.contains("\"by\":\"namespace\""), byNamespace);
      assertTrue(byNamespace.contains("\"lines\":["
          + costLine("etl", 79_000_000, 1_500_000, 0, "0.00711") + ","
          + costLine("shop", 2_000_000, 400_000, 0, "0.00018") + ","
          + costLine("kube-system", 120_000, 80_000, 0, "0.0000108") + ","
          + costLine("(host)", 0, 0, 24_000, "0.00000048") + "],"
          + "\"total\":" + costLine("total", 81_120_000, 1_980_000, 24_000, "0.00730128")), byNamespace);
      String byWorkload = run("cost", "--connect", target, "--by", "workload", "--json");
      assertTrue(byWorkload.contains("\"lines\":["
          + costLine("etl/Deployment/batch", 79_000_000, 1_500_000, 0, "0.00711") + ","
          + costLine("shop/StatefulSet/web", 2_000_000, 400_000, 0, "0.00018") + ","
          + costLine("kube-system/DaemonSet/kube-proxy", 120_000, 80_000, 0, "0.0000108") + ","
          + costLine("(host)", 0, 0, 24_000, "0.00000048") + "],"
          + "\"total\":" + costLine("total", 81_120_000, 1_980_000, 24_000, "0.00730128")), byWorkload);
      String byNode = run("cost", "--connect", target, "--by", "node", "--json");
      assertTrue(byNode.contains("\"lines\":["
          + costLine("n1", 81_120_000, 1_980_000, 9_000, "0.00730098") + ","
          + costLine("n2", 0, 0, 15_000, "0.0000003") + "],"
          + "\"total\":" + costLine("total", 81_120_000, 1_980_000, 24_000, "0.00730128")), byNode);
      List<String> reports = List.of(
          "$ clustertop cost --by namespace",
          run("cost", "--connect", target, "--by", "namespace"),
          "$ clustertop cost --by workload --exact",
          run("cost", "--connect", target, "--by", "workload", "--exact"));
      Files.writeString(Path.of("target", "kubernetes-cost.txt"), String.join("\n", reports));
    } finally {
      if (channel != null) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      if (collector != null) {
        collector.stop();
        command.closeWatcher();
      }
    }
  }

  /** A line of {@code clustertop cost --json}, as it prints it. */
  private static String costLine(String key, long egress, long ingress, long internal, String cost) {
    return "{\"key\":\"" + key + "\",\"egress_bytes\":" + egress + ",\"ingress_bytes\":" + ingress
        + ",\"internal_bytes\":" + internal + ",\"bytes\":" + (egress + ingress + internal) + ",\"cost\":\"" + cost
        + "\"}";
  }

  /** The row named {@code name} in a JSON report has these bytes each way. */
  private static void assertRow(String json, String name, long sent, long received) {
    String row = json.substring(json.indexOf("{\"src\":\"" + name + "\""));
    row = row.substring(0, row.indexOf("\"rates\""));
    assertTrue(row.contains("\"sent_bytes\":" + sent + ","), name + ": " + row);
    assertTrue(row.contains("\"recv_bytes\":" + received + ","), name + ": " + row);
  }

  private static String run(String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      assertEquals(0, Main.run(args));
    } finally {
      System.setOut(saved);
    }
    return out.toString(StandardCharsets.UTF_8);
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
