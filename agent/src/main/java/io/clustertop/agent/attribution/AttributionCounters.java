package io.clustertop.agent.attribution;

/**
 * What attribution has done since the agent started.
 *
 * @param refreshes passes over the node's socket tables
 * @param attributed conversations found a process
 * @param unattributed conversations no live socket carries (looked for twice, a refresh apart)
 * @param ambiguous of those, the ones several namespaces' sockets could carry alike
 * @param forgotten attributions dropped by the {@code maxConversations} limit
 * @param queueFull new conversations left for a later interval by the {@code maxQueued} limit
 * @param namespaces network namespaces read at the latest refresh
 * @param sockets sockets indexed at the latest refresh
 * @param refreshCpuNanos CPU time the attribution thread spent in refreshes, all together
 * @param lastRefreshCpuNanos CPU time of the latest refresh
 * @param nameLists answers read from the container runtimes' APIs (Docker's, containerd's)
 * @param nameFailures calls to those APIs that failed (containers then go by their id)
 */
public record AttributionCounters(long refreshes, long attributed, long unattributed, long ambiguous, long forgotten,
    long queueFull, int namespaces, int sockets, long refreshCpuNanos, long lastRefreshCpuNanos, long nameLists,
    long nameFailures) {}
