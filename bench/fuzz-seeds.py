#!/usr/bin/env python3
"""Seeds for the fuzz tests, from the public captures in shared/pcaps (bench/fuzz.sh runs it).

  fuzz-seeds.py PCAPS_DIR CAPTURE_CORPUS DECODER_CORPUS

CAPTURE_CORPUS gets every capture's first 4 KiB (the reader's input: whole files, cut where
libFuzzer's default input size ends); DECODER_CORPUS gets the first packets of each classic pcap of
a link type clustertop decodes, in the decoder target's format: one byte for the link type (its
index in core's LinkType), the wire length (4 bytes, big-endian), the frame.
"""
import hashlib
import os
import struct
import sys

LINK_INDEX = {0: 0, 1: 1, 12: 2, 14: 2, 101: 2, 108: 3, 113: 4, 276: 5, 228: 6, 229: 7}
CUT = 4096
PACKETS_PER_FILE = 4


def write(directory, data):
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def frames(data):
    """(link, wire length, frame) of a classic pcap file's first packets."""
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        order = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        order = ">"
    else:
        return
    link = struct.unpack(order + "I", data[20:24])[0] & 0x0FFFFFFF
    if link not in LINK_INDEX:
        return
    at = 24
    for _ in range(PACKETS_PER_FILE):
        if at + 16 > len(data):
            return
        captured, wire = struct.unpack(order + "II", data[at + 8:at + 16])
        if captured > 65535 or at + 16 + captured > len(data):
            return
        yield LINK_INDEX[link], wire, data[at + 16:at + 16 + captured]
        at += 16 + captured


def main():
    pcaps, capture_corpus, decoder_corpus = sys.argv[1:4]
    os.makedirs(capture_corpus, exist_ok=True)
    os.makedirs(decoder_corpus, exist_ok=True)
    files = packets = 0
    for root, _, names in os.walk(pcaps):
        for name in sorted(names):
            if name == "LICENSE" or name.endswith(".md"):
                continue
            with open(os.path.join(root, name), "rb") as f:
                data = f.read()
            write(capture_corpus, data[:CUT])
            files += 1
            for link, wire, frame in frames(data):
                write(decoder_corpus, bytes([link]) + struct.pack(">I", wire) + frame)
                packets += 1
    print(f"fuzz-seeds: {files} capture seeds, {packets} decoder seeds", file=sys.stderr)


if __name__ == "__main__":
    main()
