#!/bin/bash
# Prints the expected per-conversation figures of one capture file, counted by tshark: an
# independent reference for clustertop's decoder and flow table (no clustertop code is involved).
#
#   test/captures/reference.sh FILE > NAME.expected
#
# Format of the output (one record per line, fields separated by one space):
#
#   # comment lines start with '#'
#   SRC DST PROTOCOL SRC_PORT DST_PORT PACKETS BYTES   one line per directed 5-tuple
#   total PACKETS BYTES                                sums of the lines above
#   non-ip FRAMES                                      frames with no IP header, in no line above
#
#   SRC, DST    outermost IP header's addresses, as tshark prints them (IPv4 dotted quad, IPv6 in
#               RFC 5952 form, e.g. fd77::1)
#   PROTOCOL    IP protocol number of the transport: IPv4's protocol field, or for IPv6 the next
#               header after the extension headers hop-by-hop (0), routing (43), fragment (44),
#               authentication (51) and destination options (60)
#   SRC_PORT,   ports of TCP, UDP, SCTP, DCCP and UDP-Lite; 0 for every other protocol (ICMP
#   DST_PORT    and ICMPv6 included) and for non-first fragments, which carry no transport header
#   PACKETS     IP datagrams (fragments count one each)
#   BYTES       IP datagram bytes: IPv4 total length (ip.len), IPv6 payload length + 40
#               (ipv6.plen + 40), whatever the captured length (snap length) was
#
# Conversation lines are in C-locale byte order, for stable diffs; their order carries no meaning.
# Only the outermost IP header counts: an ICMP error quoting a datagram, or a tunnelled packet,
# is one datagram of the outer header's conversation. Reassembly is off, so each fragment is
# counted where it was seen.
#
# The script stops with an error, rather than guess, on what it cannot count exactly: an IP
# length of 0 (TSO, BIG TCP, jumbograms), mobility, HIP or shim6 headers in an IPv6 chain, or a transport
# with ports whose ports tshark could not read (transport header cut off by the snap length).
set -euo pipefail

file=${1:?usage: reference.sh CAPTURE_FILE}
[[ -r $file ]] || { echo "reference.sh: cannot read $file" >&2; exit 1; }

fields=(
  frame.number frame.protocols
  ip.src ip.dst ip.len ip.proto ip.frag_offset
  ipv6.src ipv6.dst ipv6.plen ipv6.nxt
  ipv6.hopopts.nxt ipv6.routing.nxt ipv6.fraghdr.nxt ipv6.dstopts.nxt ipv6.fraghdr.offset
  ah.next_header
  tcp.srcport tcp.dstport udp.srcport udp.dstport sctp.srcport sctp.dstport
  dccp.srcport dccp.dstport
)
# shellcheck disable=SC2054 # the comma is tshark's aggregator, not a separator
tshark_args=(-n -r "$file" -o ip.defragment:FALSE -o ipv6.defragment:FALSE
  -T fields -E header=n -E separator=/t -E occurrence=a -E aggregator=,)
for field in "${fields[@]}"; do tshark_args+=(-e "$field"); done

{
  printf '# reference for %s, made by test/captures/reference.sh with tshark\n' "${file##*/}"
  printf '# src dst protocol src_port dst_port packets bytes\n'
  tshark "${tshark_args[@]}" 2> >(grep -v "^Running as user" >&2) | awk -F'\t' -v file="$file" '
    function fail(why) { printf "reference.sh: %s frame %s: %s\n", file, $1, why > "/dev/stderr"; failed = 1; exit 1 }
    # The first of a field'\''s occurrences (tshark joins them with commas): the outermost header.
    function first(column,   parts) { split($column, parts, ","); return parts[1] }
    # The next unused occurrence of an IPv6 extension header field, in header order.
    function take(column,   parts, count) {
      count = split($column, parts, ",")
      if (++used[column] > count) fail("IPv6 extension header chain not understood")
      return parts[used[column]]
    }
    {
      delete used
      # frame.protocols lists the layers in order; the first ip or ipv6 is the outer header.
      layers = split($2, layer, ":"); outer = ""
      for (i = 1; i <= layers && outer == ""; i++) if (layer[i] == "ip" || layer[i] == "ipv6") outer = layer[i]
      if (outer == "") { nonip++; next }
      later_fragment = 0
      if (outer == "ip") {
        src = first(3); dst = first(4); bytes = first(5); proto = first(6)
        later_fragment = first(7) > 0
      } else {
        src = first(8); dst = first(9); bytes = first(10) + 40; proto = first(11)
        if (first(10) == 0) bytes = 0
        # Walk the extension headers: each one names the header that follows it.
        while (proto == 0 || proto == 43 || proto == 44 || proto == 51 || proto == 60) {
          if (proto == 0) proto = take(12)
          else if (proto == 43) proto = take(13)
          else if (proto == 44) { proto = take(14); later_fragment = take(16) > 0 }
          else if (proto == 51) proto = take(17)
          else proto = take(15)
        }
        if (proto == 135 || proto == 139 || proto == 140) fail("IPv6 extension header " proto " not supported")
      }
      if (bytes == 0) fail("IP length 0 (TSO, BIG TCP or jumbogram)")
      sport = 0; dport = 0
      if (!later_fragment) {
        if (proto == 6) { sport = first(18); dport = first(19) }
        else if (proto == 17 || proto == 136) { sport = first(20); dport = first(21) }
        else if (proto == 132) { sport = first(22); dport = first(23) }
        else if (proto == 33) { sport = first(24); dport = first(25) }
        if ((proto == 6 || proto == 17 || proto == 136 || proto == 132 || proto == 33) && (sport == "" || dport == ""))
          fail("no ports for protocol " proto)
      }
      key = src " " dst " " proto " " sport " " dport
      packets[key]++; total_bytes[key] += bytes
      all_packets++; all_bytes += bytes
    }
    END {
      if (failed) exit 1
      for (key in packets) printf "%s %d %d\n", key, packets[key], total_bytes[key] | "LC_ALL=C sort"
      close("LC_ALL=C sort")
      printf "total %d %d\n", all_packets, all_bytes
      printf "non-ip %d\n", nonip
    }'
}
