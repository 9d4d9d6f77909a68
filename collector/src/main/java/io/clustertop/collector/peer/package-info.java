/**
 * Who is on the other end of a call, as the collector's per-peer limits count it ({@link
 * io.clustertop.collector.peer.PeerKey}): a certificate's subject, else an address.
 */
package io.clustertop.collector.peer;
