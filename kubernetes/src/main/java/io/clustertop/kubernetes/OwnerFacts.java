package io.clustertop.kubernetes;

/**
 * A ReplicaSet or a Job: a link in a pod's chain of controllers, read for its own controller (the
 * Deployment, the CronJob).
 *
 * @param controller its controller, or null (a ReplicaSet or Job made by hand is the workload itself)
 */
public record OwnerFacts(String uid, String kind, String namespace, String name, Owner controller) {

  /** The workload its pods belong to. */
  public Workload workload() {
    return controller == null ? new Workload(kind, namespace, name) : new Workload(controller.kind(), namespace, controller.name());
  }
}
