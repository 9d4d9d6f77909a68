#!/usr/bin/env python3
"""Time from launch to capture: runs COMMAND, and writes to OUTFILE the seconds from just before
the fork to the moment it is capturing, then stops it (SIGINT, then SIGTERM after 10 s).

    startup.py OUTFILE PATTERN COMMAND [ARG...]

PATTERN is a regular expression for a line on the command's standard error that it prints once it
captures (clustertop: "capturing on", tcpdump: "listening on"), or "packet-socket": the first
packet socket in /proc/net/packet (run it in a network namespace of its own, where nothing else
opens one), for a tool that prints nothing then (iftop). Polling is every millisecond.
"""
import os
import re
import select
import signal
import subprocess
import sys
import time


def packet_sockets():
    with open("/proc/net/packet") as f:
        return len(f.readlines()) - 1


def main():
    out, pattern, command = sys.argv[1], sys.argv[2], sys.argv[3:]
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    ready = None
    buffered = b""
    deadline = start + 60
    while ready is None and time.perf_counter() < deadline and child.poll() is None:
        if pattern == "packet-socket":
            if packet_sockets() > 0:
                ready = time.perf_counter() - start
            else:
                time.sleep(0.001)
            continue
        readable, _, _ = select.select([child.stderr], [], [], 0.001)
        if readable:
            chunk = os.read(child.stderr.fileno(), 65536)
            if not chunk:
                break
            buffered += chunk
            if any(re.search(pattern, line.decode(errors="replace")) for line in buffered.split(b"\n")):
                ready = time.perf_counter() - start
    child.send_signal(signal.SIGINT)
    try:
        child.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        child.terminate()
        child.communicate()
    with open(out, "w") as f:
        f.write(f"{ready:.6f}\n" if ready is not None else "none\n")
    return 0 if ready is not None else 1


if __name__ == "__main__":
    sys.exit(main())
