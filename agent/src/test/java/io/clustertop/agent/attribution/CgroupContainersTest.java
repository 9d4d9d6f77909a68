package io.clustertop.agent.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.clustertop.core.attribution.Container;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cgroup paths the runtimes write, cgroup v1 and v2. */
class CgroupContainersTest {
  private static final String ID = "3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708";

  @Test
  void dockerWithTheCgroupfsDriverOnCgroupV1() {
    assertEquals(new Container(ID, "docker", ""), CgroupContainers.of(List.of(
        "12:pids:/docker/" + ID, "4:memory:/docker/" + ID, "1:name=systemd:/docker/" + ID, "0::/")));
  }

  @Test
  void dockerWithTheSystemdDriverOnCgroupV2() {
    assertEquals(new Container(ID, "docker", ""),
        CgroupContainers.of(List.of("0::/system.slice/docker-" + ID + ".scope")));
  }

  @Test
  void containerdAndCrioUnderKubepodsSlices() {
    assertEquals(new Container(ID, "containerd", ""), CgroupContainers.of(List.of(
        "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1a2b_3c4d.slice/cri-containerd-" + ID + ".scope")));
    assertEquals(new Container(ID, "crio", ""), CgroupContainers.of(List.of(
        "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod77.slice/crio-" + ID + ".scope")));
  }

  @Test
  void kubepodsWithTheCgroupfsDriverDoesNotSayTheRuntime() {
    assertEquals(new Container(ID, "kubepods", ""), CgroupContainers.of(List.of(
        "11:cpu,cpuacct:/kubepods/burstable/pod0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/" + ID)));
    assertEquals(new Container(ID, "kubepods", ""), CgroupContainers.of(List.of("0::/kubepods/pod0f1e/" + ID)));
  }

  @Test
  void containerdsCriPluginWithTheCgroupfsDriver() {
    // cgroup v1, a burstable pod's container, as containerd's CRI plugin with SystemdCgroup = false writes it
    assertEquals(new Container(ID, "kubepods", ""), CgroupContainers.of(List.of(
        "12:pids:/kubepods/burstable/pod5e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b/" + ID,
        "1:name=systemd:/kubepods/burstable/pod5e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b/" + ID, "0::/")));
    // a guaranteed pod has no QoS level in its path
    assertEquals(new Container(ID, "kubepods", ""), CgroupContainers.of(List.of(
        "0::/kubepods/pod5e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b/" + ID)));
  }

  @Test
  void containerdOutsideKubernetesWritesItsNamespaceAndTheId() {
    // ctr run's default cgroup, /NAMESPACE/ID, on cgroup v1 and v2
    assertEquals(new Container(ID, "containerd", ""), CgroupContainers.of(List.of(
        "9:name=systemd:/k8s.io/" + ID, "4:memory:/k8s.io/" + ID, "1:cpu:/k8s.io/" + ID, "0::/")));
    assertEquals(new Container(ID, "containerd", ""), CgroupContainers.of(List.of("0::/default/" + ID)));
    assertEquals(new Container(ID, "containerd", ""), CgroupContainers.of(List.of("0::/my-ns.test/" + ID)));
    assertEquals(new Container(ID, "docker", ""), CgroupContainers.of(List.of("0::/docker/" + ID)),
        "Docker's own path, though shaped alike");
    assertNull(CgroupContainers.of(List.of("0::/a/k8s.io/" + ID)), "only at the top of the hierarchy");
    assertNull(CgroupContainers.of(List.of("0::/k8s.io/" + ID + "/child")));
    assertNull(CgroupContainers.of(List.of("0::/-bad/" + ID)), "not a name containerd allows");
  }

  @Test
  void hostProcessesAndMonitorsAreInNoContainer() {
    assertNull(CgroupContainers.of(List.of("0::/user.slice/user-1000.slice/session-3.scope")));
    assertNull(CgroupContainers.of(List.of("4:memory:/process_api/4fb5119138e36aaa11ccae488cd00157", "0::/")));
    assertNull(CgroupContainers.of(List.of("0::/system.slice/crio-conmon-" + ID + ".scope")));
    assertNull(CgroupContainers.of(List.of("0::/docker/" + ID.substring(1)))); // 63 digits: no id
    assertNull(CgroupContainers.of(List.of()));
  }
}
