package io.clustertop.agent.capture;

/**
 * libpcap's running counters for a live handle (zero for a file).
 *
 * @param received packets that passed the filter, dropped ones included (ps_recv)
 * @param droppedByKernel lost because the ring was full (ps_drop)
 * @param droppedByInterface lost by the interface or driver (ps_ifdrop)
 */
public record KernelStats(long received, long droppedByKernel, long droppedByInterface) {
  public static final KernelStats NONE = new KernelStats(0, 0, 0);
}
