package io.clustertop.kubernetes;

/**
 * A pod as the collector names it. One instance per pod and workload, shared by every lookup that
 * finds the pod: a lookup returns it, never a copy.
 *
 * @param uid the pod's uid (names are reused, uids are not)
 * @param node the node it runs on
 * @param hostNetwork whether it shares its node's network (and so its node's address)
 */
public record PodRef(String namespace, String name, String uid, String node, boolean hostNetwork, Workload workload) {}
