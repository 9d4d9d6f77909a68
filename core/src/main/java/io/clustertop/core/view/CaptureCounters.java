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
    long foldedConversations) {}
