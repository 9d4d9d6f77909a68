package io.clustertop.kubernetes;

/**
 * What a pod belongs to, as a person names it: the top of its chain of controllers. A pod of a
 * Deployment is owned by a ReplicaSet, which the Deployment owns: its workload is the Deployment. A
 * pod of a CronJob: Job, then CronJob. A StatefulSet's or DaemonSet's pod: the set. A pod without a
 * controller is its own workload (kind {@code Pod}).
 *
 * @param kind the controller's kind, e.g. {@code Deployment}, {@code CronJob}, {@code StatefulSet}
 */
public record Workload(String kind, String namespace, String name) {
  public static final String POD = "Pod";

  @Override
  public String toString() {
    return kind + "/" + name;
  }
}
