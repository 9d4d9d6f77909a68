package io.clustertop.core.view;

/**
 * Where every packet went, since the start. {@code received = decoded + rejected} for packets that
 * reached the decoder; the kernel's drops never did.
 *
 * @param received packets that passed the capture filter (libpcap's ps_recv; for a file, records read)
 * @param droppedByKernel lost because the capture ring was full (ps_drop)
 * @param droppedByInterface lost by the interface or driver (ps_ifdrop)
 * @param decoded packets the decoder read an IP datagram from
 * @param rejected packets the decoder refused (truncated, malformed, unsupported link, not IP)
 * @param ignored decoded packets not counted: outside {@code -F}/{@code -G}, or link-local
 * @param overflowPackets packets counted in "other" because the interval table was full
 * @param foldedConversations conversations folded into "other" by the flow-table limit
 */
public record CaptureCounters(
    long received,
    long droppedByKernel,
    long droppedByInterface,
    long decoded,
    long rejected,
    long rejectedTruncated,
    long rejectedMalformed,
    long rejectedUnsupportedLink,
    long rejectedNotIp,
    long ignored,
    long overflowPackets,
    long foldedConversations) {
  public static final CaptureCounters ZERO = new CaptureCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** Field by field: across an agent's epochs, or across nodes. */
  public CaptureCounters plus(CaptureCounters o) {
    return new CaptureCounters(received + o.received, droppedByKernel + o.droppedByKernel,
        droppedByInterface + o.droppedByInterface, decoded + o.decoded, rejected + o.rejected,
        rejectedTruncated + o.rejectedTruncated, rejectedMalformed + o.rejectedMalformed,
        rejectedUnsupportedLink + o.rejectedUnsupportedLink, rejectedNotIp + o.rejectedNotIp, ignored + o.ignored,
        overflowPackets + o.overflowPackets, foldedConversations + o.foldedConversations);
  }

  /** Every field, for checks that treat them alike. */
  public long[] fields() {
    return new long[] {received, droppedByKernel, droppedByInterface, decoded, rejected, rejectedTruncated,
        rejectedMalformed, rejectedUnsupportedLink, rejectedNotIp, ignored, overflowPackets, foldedConversations};
  }
}
