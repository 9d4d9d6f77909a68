package io.clustertop.kubernetes.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.kubernetes.informer.KubernetesWatcher;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes as a cluster would receive it: rendered by {@code kubectl kustomize} (kubectl's
 * built-in kustomize, offline; setup.sh installs Debian's kubernetes-client where no kubectl is)
 * and read back into fabric8's typed objects. Checks what the manifests promise: the agent's only
 * privileges, read-only roots, bounded resources, read-only RBAC, TLS on every connection.
 */
class KustomizeBaseTest {
  private static final Path BASE = Path.of("..", "deploy", "kubernetes").toAbsolutePath().normalize();
  private static List<HasMetadata> objects;

  @BeforeAll
  static void render() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("kubectl", "kustomize", BASE.toString()).redirectErrorStream(false).start();
    String yaml = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String errors = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), "kubectl kustomize " + BASE + ": " + errors);
    objects = new ArrayList<>();
    for (String document : yaml.split("(?m)^---$")) {
      if (!document.isBlank()) {
        objects.add(Serialization.unmarshal(document));
      }
    }
  }

  private static <T extends HasMetadata> T only(Class<T> type) {
    List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
    assertEquals(1, found.size(), type.getSimpleName());
    return found.get(0);
  }

  @Test
  void theBaseHoldsOneOfEach() {
    Set<String> kinds = new TreeSet<>();
    objects.forEach(o -> kinds.add(o.getKind() + "/" + o.getMetadata().getName()));
    assertEquals(new TreeSet<>(List.of("ClusterRole/clustertop-collector", "ClusterRoleBinding/clustertop-collector",
        "DaemonSet/clustertop-agent", "Deployment/clustertop-collector", "Namespace/clustertop",
        "Service/clustertop-collector", "ServiceAccount/clustertop-agent", "ServiceAccount/clustertop-collector")), kinds);
    objects.stream().filter(o -> !o.getKind().startsWith("Cluster") && !o.getKind().equals("Namespace"))
        .forEach(o -> assertEquals("clustertop", o.getMetadata().getNamespace(), o.getKind()));
  }

  @Test
  void theAgentHasExactlyNetRawAndNetAdminAndNothingElse() {
    DaemonSet agent = only(DaemonSet.class);
    PodSpec pod = agent.getSpec().getTemplate().getSpec();
    assertTrue(pod.getHostNetwork());
    assertTrue(pod.getHostPID());
    assertEquals("ClusterFirstWithHostNet", pod.getDnsPolicy());
    assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken());
    assertTrue(pod.getTolerations().stream().anyMatch(t -> "Exists".equals(t.getOperator()) && t.getKey() == null
        && t.getEffect() == null), "a toleration of every taint, to run on every node");
    Container c = single(pod);
    SecurityContext sc = c.getSecurityContext();
    assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
    assertEquals(Set.of("NET_RAW", "NET_ADMIN"), Set.copyOf(sc.getCapabilities().getAdd()));
    assertEquals(2, sc.getCapabilities().getAdd().size());
    lockedDown(sc);
    // /proc of the host, read-only, for process attribution
    VolumeMount proc = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/host/proc")).findFirst().orElseThrow();
    assertTrue(proc.getReadOnly());
    Volume procVolume = pod.getVolumes().stream().filter(v -> v.getName().equals(proc.getName())).findFirst().orElseThrow();
    assertEquals("/proc", procVolume.getHostPath().getPath());
    // the node's name from the downward API
    assertEquals("spec.nodeName", c.getEnv().stream().filter(e -> e.getName().equals("NODE_NAME")).findFirst()
        .orElseThrow().getValueFrom().getFieldRef().getFieldPath());
    assertTrue(c.getArgs().contains("--node=$(NODE_NAME)"), c.getArgs().toString());
    bounded(c);
    hasTls(c, "clustertop-agent-tls", pod);
  }

  @Test
  void theCollectorRunsUnprivilegedWithTlsAndTheKubernetesApi() {
    Deployment collector = only(Deployment.class);
    PodSpec pod = collector.getSpec().getTemplate().getSpec();
    assertEquals("clustertop-collector", pod.getServiceAccountName());
    assertTrue(pod.getSecurityContext().getRunAsNonRoot());
    Container c = single(pod);
    SecurityContext sc = c.getSecurityContext();
    assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
    assertTrue(sc.getCapabilities().getAdd() == null || sc.getCapabilities().getAdd().isEmpty());
    lockedDown(sc);
    bounded(c);
    hasTls(c, "clustertop-collector-tls", pod);
    assertTrue(c.getArgs().contains("--kubernetes"), c.getArgs().toString());
    assertTrue(c.getArgs().contains("--listen=0.0.0.0:7447"), c.getArgs().toString());
  }

  @Test
  void theCollectorMayOnlyGetListAndWatchWhatItReads() {
    ClusterRole role = only(ClusterRole.class);
    Set<String> granted = new TreeSet<>();
    for (PolicyRule rule : role.getRules()) {
      assertEquals(Set.of("get", "list", "watch"), Set.copyOf(rule.getVerbs()), rule.toString());
      assertTrue(rule.getResourceNames() == null || rule.getResourceNames().isEmpty());
      assertTrue(rule.getNonResourceURLs() == null || rule.getNonResourceURLs().isEmpty());
      rule.getResources().forEach(r -> granted.add(r));
    }
    assertEquals(new TreeSet<>(KubernetesWatcher.RESOURCES), granted);
    ClusterRoleBinding binding = only(ClusterRoleBinding.class);
    assertEquals("clustertop-collector", binding.getRoleRef().getName());
    assertEquals(1, binding.getSubjects().size());
    assertEquals("clustertop-collector", binding.getSubjects().get(0).getName());
    assertEquals("clustertop", binding.getSubjects().get(0).getNamespace());
  }

  private static Container single(PodSpec pod) {
    assertEquals(1, pod.getContainers().size());
    assertTrue(pod.getInitContainers() == null || pod.getInitContainers().isEmpty());
    return pod.getContainers().get(0);
  }

  private static void lockedDown(SecurityContext sc) {
    assertEquals(Boolean.FALSE, sc.getPrivileged());
    assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation());
    assertEquals(Boolean.TRUE, sc.getReadOnlyRootFilesystem());
  }

  private static void bounded(Container c) {
    Map<String, Quantity> requests = c.getResources().getRequests();
    Map<String, Quantity> limits = c.getResources().getLimits();
    assertNotNull(requests.get("cpu"));
    assertNotNull(requests.get("memory"));
    assertNotNull(limits.get("cpu"));
    assertNotNull(limits.get("memory"));
    assertTrue(Quantity.getAmountInBytes(limits.get("memory")).compareTo(Quantity.getAmountInBytes(requests.get("memory"))) >= 0);
  }

  /** TLS files given on the command line, all three mounted read-only from the named Secret. */
  private static void hasTls(Container c, String secret, PodSpec pod) {
    for (String flag : Arrays.asList("--tls-cert=/etc/clustertop/tls/tls.crt", "--tls-key=/etc/clustertop/tls/tls.key",
        "--tls-ca=/etc/clustertop/tls/ca.crt")) {
      assertTrue(c.getArgs().contains(flag), flag + " in " + c.getArgs());
    }
    VolumeMount tls = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/etc/clustertop/tls"))
        .findFirst().orElseThrow();
    assertTrue(tls.getReadOnly());
    Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(tls.getName())).findFirst().orElseThrow();
    assertEquals(secret, volume.getSecret().getSecretName());
    assertFalse(c.getArgs().stream().anyMatch(a -> a.contains("plaintext") || a.contains("insecure")));
  }
}
