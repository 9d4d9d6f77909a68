#!/usr/bin/env python3
"""Counts a classic pcap file the way iftop and clustertop count: prints one JSON object with
packets, IP packets, IP bytes (IPv4 total length; IPv6 payload length + 40; behind up to two
802.1Q/802.1ad tags), packets that are not IP, and the wire bytes.

    pcap_totals.py FILE

An independent check of a reader's totals, small enough to read in full. Ethernet links only.
"""
import json
import struct
import sys


def main(path):
    totals = {"packets": 0, "ip_packets": 0, "ip_bytes": 0, "not_ip_packets": 0, "wire_bytes": 0}
    with open(path, "rb") as f:
        header = f.read(24)
        magic = struct.unpack("<I", header[:4])[0]
        if magic in (0xA1B2C3D4, 0xA1B23C4D):
            endian = "<"
        elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
            endian = ">"
        else:
            sys.exit(f"{path}: not a classic pcap file (pcapng? convert with editcap -F pcap)")
        linktype = struct.unpack(endian + "I", header[20:24])[0] & 0xFFFF
        if linktype != 1:
            sys.exit(f"{path}: link type {linktype}, only Ethernet (1) is handled")
        record = struct.Struct(endian + "IIII")
        data = f.read()
    offset, end = 0, len(data)
    while offset + 16 <= end:
        _, _, caplen, wirelen = record.unpack_from(data, offset)
        frame = data[offset + 16 : offset + 16 + caplen]
        offset += 16 + caplen
        totals["packets"] += 1
        totals["wire_bytes"] += wirelen
        at = 12
        eth_type = struct.unpack_from("!H", frame, at)[0] if len(frame) >= 14 else 0
        while eth_type in (0x8100, 0x88A8) and len(frame) >= at + 6:
            at += 4
            eth_type = struct.unpack_from("!H", frame, at)[0]
        ip = at + 2
        if eth_type == 0x0800 and len(frame) >= ip + 4:
            totals["ip_packets"] += 1
            totals["ip_bytes"] += struct.unpack_from("!H", frame, ip + 2)[0]
        elif eth_type == 0x86DD and len(frame) >= ip + 6:
            totals["ip_packets"] += 1
            totals["ip_bytes"] += struct.unpack_from("!H", frame, ip + 4)[0] + 40
        else:
            totals["not_ip_packets"] += 1
    print(json.dumps(totals))


if __name__ == "__main__":
    main(sys.argv[1])
