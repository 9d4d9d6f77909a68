/**
 * Who a conversation's local end is: its process and container as the node's agent attributed them,
 * and with Kubernetes read, its pod (by the address at the time of its bytes, or for a pod of the
 * host network by the container), the pod's namespace and workload, and the Service its remote end
 * was. Decided once per conversation, when it first comes and again when attribution names its
 * process; the views read the decision as an int beside the conversation. And, once per conversation
 * when it first comes, the node of the pod its remote end was ({@code Placer.nodeOfPod}), which makes a
 * conversation between pods on two nodes the sender's to count, as one between the nodes' own
 * addresses is.
 *
 * <pre>
 * MergeStore (a batch, under its agent's lock)
 *   -- per batch: each process of the batch -> Placer.owner (an int per node and process)
 *   -- per new conversation -> Placer.nodeOfPod -> ClusterMetadata.podAt(remote)
 *        -> the node's id -> ConversationStore.setRemoteNode (its tag reads it, then and at every re-tagging)
 *   -- per new conversation, or a changed owner -> Placer.place -> ClusterMetadata lookups
 *        -> core's Placements (an id per distinct placement) -> ConversationStore.setOwner
 * </pre>
 */
package io.clustertop.collector.placement;
