#!/usr/bin/env python3
"""Writes a synthetic pcap for the offline benchmark: many flows, mixed sizes, deterministic.

    gen_pcap.py --out FILE [--packets 1500000] [--flows 20000] [--hosts 2000] [--seed 77]

Classic pcap (microsecond timestamps), Ethernet, snaplen 128: every record holds the first 128
bytes of its frame (or the whole frame when shorter) and the frame's full length, as
`tcpdump -s 128` would have saved it. Payload bytes are zeros; IPv4 header checksums are right,
TCP/UDP checksums are zero (no reader under test checks them).

What is in it (shares of packets, drawn at random with a fixed seed):
  - flows: FLOWS 5-tuples between HOSTS hosts in 10.77.0.0/16 (IPv6: fd77::/64), picked with
    Zipf-like popularity (weight 1/rank^1.1), so a few heavy flows and a long tail;
  - 60 % of flows UDP (one payload size per flow, 16-512 bytes, mostly small),
    38 % TCP (each packet a 1448-byte segment, a pure ACK, or 1 in 20 a GSO super-packet
    of 16-64 KB as captured on veth), 2 % ICMP echo (UDP when IPv6); independently, 6 % of
    flows are IPv6;
  - besides the flows, 1 packet in 200 is not IP (ARP) and 1 in 100 IPv4 packets carries an
    802.1Q VLAN tag;
  - timestamps advance by an average of 1/RATE s (default 150,000 packets/s), so 1.5 M packets
    span 10 s of capture time.

A sidecar FILE.json holds what a correct reader must count: packets, IP packets, and IP bytes
(IPv4 total length; IPv6 payload length + 40), the figure iftop and clustertop count.
"""
import argparse
import json
import random
import struct
import sys

SNAPLEN = 128
LINKTYPE_ETHERNET = 1


def ip_checksum(header):
    total = sum(struct.unpack(f"!{len(header) // 2}H", header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def mac(n):
    return bytes([0x02, 0x77, (n >> 24) & 0xFF, (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF])


def ipv4(host):
    return bytes([10, 77, (host >> 8) & 0xFF, host & 0xFF])


def ipv6(host):
    return bytes([0xFD, 0x77] + [0] * 12 + [(host >> 8) & 0xFF, host & 0xFF])


def l4_header(proto, sport, dport, ip_payload_len):
    if proto == 6:  # TCP with the timestamps option, 32 bytes, ACK|PSH
        return struct.pack("!HHIIBBHHH", sport, dport, 1, 1, 8 << 4, 0x18, 65535, 0, 0) + b"\x01\x01\x08\x0a" + bytes(8)
    if proto == 17:
        return struct.pack("!HHHH", sport, dport, ip_payload_len, 0)
    return struct.pack("!BBHHH", 8, 0, 0, sport, 1)  # ICMP echo request


def frame(src_host, dst_host, proto, sport, dport, ip_len, version, vlan):
    """Returns (captured bytes, wire length, IP bytes) for one packet of IP length ip_len."""
    eth_type = 0x0800 if version == 4 else 0x86DD
    eth = mac(dst_host) + mac(src_host)
    if vlan:
        eth += struct.pack("!HH", 0x8100, 77)
    eth += struct.pack("!H", eth_type)
    if version == 4:
        header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, ip_len, 0, 0x4000, 64, proto, 0, ipv4(src_host), ipv4(dst_host))
        header = header[:10] + struct.pack("!H", ip_checksum(header)) + header[12:]
        l4 = l4_header(proto, sport, dport, ip_len - 20)
    else:
        header = struct.pack("!IHBB16s16s", 6 << 28, ip_len - 40, proto, 64, ipv6(src_host), ipv6(dst_host))
        l4 = l4_header(proto, sport, dport, ip_len - 40)
    wire = len(eth) + ip_len
    data = eth + header + l4
    data = (data + bytes(SNAPLEN))[: min(SNAPLEN, wire)]
    return data, wire, ip_len


def build_flows(rng, flows, hosts):
    """Each flow: a list of packet variants (captured bytes, wire length, IP bytes) and weights."""
    result = []
    for _ in range(flows):
        a, b = rng.sample(range(1, hosts + 1), 2)
        version = 6 if rng.random() < 0.06 else 4
        kind = rng.random()
        if kind < 0.60:
            proto = 17
        elif kind < 0.98:
            proto = 6
        else:
            proto = 1 if version == 4 else 17
        sport, dport = rng.randint(32768, 60999), rng.choice([53, 123, 443, 2379, 5201, 6443, 8080, 9090, 10250])
        overhead = (20 if version == 4 else 40)
        if proto == 17:
            payload = int(min(512, max(16, rng.expovariate(1 / 80))))
            sizes, weights = [overhead + 8 + payload], [1]
        elif proto == 6:
            sizes = [overhead + 32 + 1448, overhead + 32, overhead + 32 + rng.randint(16, 64) * 1000]
            sizes[2] = min(sizes[2], 65535)
            weights = [0.55, 0.40, 0.05]
        else:
            sizes, weights = [overhead + 8 + 56], [1]
        vlan = version == 4 and rng.random() < 0.01
        variants = []
        for ip_len in sizes:
            # both directions: most traffic a -> b, replies b -> a
            variants.append(frame(a, b, proto, sport, dport, ip_len, version, vlan))
            variants.append(frame(b, a, proto, dport, sport, ip_len, version, vlan))
        w = []
        for x in weights:
            w += [x * 0.7, x * 0.3]
        result.append((variants, w))
    return result


def arp_frame(rng, hosts):
    a, b = rng.sample(range(1, hosts + 1), 2)
    eth = b"\xff" * 6 + mac(a) + struct.pack("!H", 0x0806)
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac(a), ipv4(a), bytes(6), ipv4(b))
    data = eth + arp + bytes(18)  # padded to the 60-byte minimum frame
    return data, len(data), 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--packets", type=int, default=1_500_000)
    parser.add_argument("--flows", type=int, default=20_000)
    parser.add_argument("--hosts", type=int, default=2_000)
    parser.add_argument("--rate", type=float, default=150_000, help="average packets per second of capture time")
    parser.add_argument("--seed", type=int, default=77)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    flows = build_flows(rng, args.flows, args.hosts)
    popularity = [1 / (rank + 1) ** 1.1 for rank in range(args.flows)]
    rng.shuffle(popularity)
    chosen = rng.choices(range(args.flows), weights=popularity, k=args.packets)

    totals = {"packets": 0, "ip_packets": 0, "ip_bytes": 0, "not_ip_packets": 0, "wire_bytes": 0,
              "flows": args.flows, "hosts": args.hosts, "seed": args.seed, "snaplen": SNAPLEN}
    t_us = 1_795_000_000 * 1_000_000  # fixed start, so the file is the same on every run
    mean_gap = 1e6 / args.rate
    record = struct.Struct("<IIII")
    with open(args.out, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, SNAPLEN, LINKTYPE_ETHERNET))
        chunk = []
        for i, f in enumerate(chosen):
            if i % 200 == 199:
                data, wire, ip_bytes = arp_frame(rng, args.hosts)
            else:
                variants, weights = flows[f]
                data, wire, ip_bytes = rng.choices(variants, weights)[0]
            t_us += int(rng.expovariate(1 / mean_gap)) if mean_gap > 0 else 0
            chunk.append(record.pack(t_us // 1_000_000, t_us % 1_000_000, len(data), wire))
            chunk.append(data)
            totals["packets"] += 1
            totals["wire_bytes"] += wire
            if ip_bytes:
                totals["ip_packets"] += 1
                totals["ip_bytes"] += ip_bytes
            else:
                totals["not_ip_packets"] += 1
            if len(chunk) >= 20_000:
                out.write(b"".join(chunk))
                chunk.clear()
        out.write(b"".join(chunk))
    with open(args.out + ".json", "w") as side:
        json.dump(totals, side, indent=1)
        side.write("\n")
    print(json.dumps(totals), file=sys.stderr)


if __name__ == "__main__":
    main()
