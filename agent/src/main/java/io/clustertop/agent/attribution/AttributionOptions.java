package io.clustertop.agent.attribution;

import java.nio.file.Path;

/**
 * The limits of attribution, each with its default and flag ({@code clustertop agent}).
 *
 * @param maxConversations conversations whose attribution is kept ({@code
 *     --max-attributed-conversations}); past it the oldest are forgotten (counted), and looked for
 *     again if they carry traffic again
 * @param maxQueued new conversations waiting for the next refresh ({@code --max-attribution-queue});
 *     past it further ones wait for a later interval (counted)
 * @param dockerSocket Docker's API socket, for container names ({@code --docker-socket})
 */
public record AttributionOptions(int maxConversations, int maxQueued, Path dockerSocket) {
  public static final int DEFAULT_MAX_CONVERSATIONS = 100_000;
  public static final int DEFAULT_MAX_QUEUED = 65_536;

  public AttributionOptions {
    if (maxConversations < 1 || maxQueued < 1) {
      throw new IllegalArgumentException("attribution limits must be positive: " + maxConversations + ", " + maxQueued);
    }
  }

  public static AttributionOptions defaults() {
    return new AttributionOptions(DEFAULT_MAX_CONVERSATIONS, DEFAULT_MAX_QUEUED, DockerNames.DEFAULT_SOCKET);
  }
}
