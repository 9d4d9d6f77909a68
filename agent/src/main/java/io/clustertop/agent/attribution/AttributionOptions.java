package io.clustertop.agent.attribution;

import java.nio.file.Path;
import java.util.List;

/**
 * The limits of attribution, each with its default and flag ({@code clustertop agent}).
 *
 * @param maxConversations conversations whose attribution is kept ({@code
 *     --max-attributed-conversations}); past it the oldest are forgotten (counted), and looked for
 *     again if they carry traffic again
 * @param maxQueued new conversations waiting for the next refresh ({@code --max-attribution-queue});
 *     past it further ones wait for a later interval (counted)
 * @param dockerSocket Docker's API socket, for container names ({@code --docker-socket})
 * @param containerdSocket containerd's API socket, for container names ({@code --containerd-socket})
 * @param containerdNamespaces containerd's namespaces whose containers are named ({@code
 *     --containerd-namespace}; Kubernetes' is {@code k8s.io})
 */
public record AttributionOptions(int maxConversations, int maxQueued, Path dockerSocket, Path containerdSocket,
    List<String> containerdNamespaces) {
  public static final int DEFAULT_MAX_CONVERSATIONS = 100_000;
  public static final int DEFAULT_MAX_QUEUED = 65_536;

  public AttributionOptions {
    if (maxConversations < 1 || maxQueued < 1) {
      throw new IllegalArgumentException("attribution limits must be positive: " + maxConversations + ", " + maxQueued);
    }
    if (containerdNamespaces.isEmpty()) {
      throw new IllegalArgumentException("containerd's names need a namespace to read");
    }
    containerdNamespaces = List.copyOf(containerdNamespaces);
  }

  public static AttributionOptions defaults() {
    return new AttributionOptions(DEFAULT_MAX_CONVERSATIONS, DEFAULT_MAX_QUEUED, DockerApi.DEFAULT_SOCKET,
        ContainerdApi.DEFAULT_SOCKET, ContainerdApi.DEFAULT_NAMESPACES);
  }

  /** The runtimes' APIs these options name containers through. */
  ContainerNames containerNames() {
    return new ContainerNames(List.of(new DockerApi(dockerSocket), new ContainerdApi(containerdSocket, containerdNamespaces)));
  }
}
