package io.clustertop.core.attribution;

/**
 * A container as its runtime names it.
 *
 * @param id the full id as the runtime writes it in the cgroup path (64 hex digits for Docker,
 *     containerd and CRI-O)
 * @param runtime {@code docker}, {@code containerd}, {@code crio} or {@code kubepods} (a Kubernetes
 *     cgroup whose runtime the path does not say)
 * @param name the runtime's name for it (Docker's, without the leading slash); empty where the
 *     runtime's API could not be read
 */
public record Container(String id, String runtime, String name) {
  public Container {
    if (id.isEmpty()) {
      throw new IllegalArgumentException("a container has an id");
    }
  }

  /** The first 12 digits of the id, as {@code docker ps} shows it. */
  public String shortId() {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  /** The name where known, else the short id. */
  public String label() {
    return name.isEmpty() ? shortId() : name;
  }

  public Container withName(String newName) {
    return new Container(id, runtime, newName);
  }
}
