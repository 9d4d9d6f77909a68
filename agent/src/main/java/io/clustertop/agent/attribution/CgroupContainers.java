package io.clustertop.agent.attribution;

import io.clustertop.core.attribution.Container;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process's container from its cgroup (/proc/PID/cgroup, v1 lines {@code N:controllers:/path} and
 * the v2 line {@code 0::/path}), as the runtimes name their cgroups:
 * <ul>
 *   <li>Docker: {@code /docker/ID} (cgroupfs driver), {@code docker-ID.scope} (systemd driver);
 *   <li>containerd's CRI: {@code cri-containerd-ID.scope}; CRI-O: {@code crio-ID.scope}
 *       ({@code crio-conmon-ID.scope} is CRI-O's monitor, not the container);
 *   <li>Kubernetes with the cgroupfs driver: {@code /kubepods/[QOS/]podUID/ID}, which does not say
 *       the runtime ({@code kubepods}; containerd's API is asked, {@link ContainerdApi});
 *   <li>containerd outside Kubernetes (ctr, nerdctl): {@code /NAMESPACE/ID} at the top of the
 *       hierarchy, NAMESPACE a containerd namespace name ({@code /k8s.io/ID}, {@code /default/ID}).
 * </ul>
 * ID is 64 hex digits. A path that matches none of these is no container's: the process is the
 * host's (or in a container runtime this does not know, which then reads as the host).
 */
final class CgroupContainers {
  private static final Pattern SCOPE =
      Pattern.compile("(?:^|/)(docker|cri-containerd|crio)-([0-9a-f]{64})\\.scope(?:/|$)");
  private static final Pattern DOCKER = Pattern.compile("(?:^|/)docker/([0-9a-f]{64})(?:/|$)");
  private static final Pattern KUBEPODS = Pattern.compile("(?:^|/)kubepods[^ ]*/([0-9a-f]{64})(?:/|$)");
  /** containerd's default cgroup, {@code /NAMESPACE/ID}, with NAMESPACE as containerd allows it. */
  private static final Pattern CONTAINERD_NAMESPACE =
      Pattern.compile("^/[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*/([0-9a-f]{64})$");

  private CgroupContainers() {}

  /** The container named by any of the lines' paths, or null for none. */
  static Container of(List<String> cgroupLines) {
    for (String line : cgroupLines) {
      int colon = line.indexOf(':', line.indexOf(':') + 1);
      if (colon < 0) {
        continue;
      }
      Container c = ofPath(line.substring(colon + 1));
      if (c != null) {
        return c;
      }
    }
    return null;
  }

  static Container ofPath(String path) {
    Matcher m = SCOPE.matcher(path);
    if (m.find()) {
      String runtime = switch (m.group(1)) {
        case "cri-containerd" -> "containerd";
        default -> m.group(1);
      };
      return new Container(m.group(2), runtime, "");
    }
    m = DOCKER.matcher(path);
    if (m.find()) {
      return new Container(m.group(1), "docker", "");
    }
    m = KUBEPODS.matcher(path);
    if (m.find()) {
      return new Container(m.group(1), "kubepods", "");
    }
    m = CONTAINERD_NAMESPACE.matcher(path);
    if (m.find()) {
      return new Container(m.group(1), "containerd", "");
    }
    return null;
  }
}
