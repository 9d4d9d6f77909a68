#!/usr/bin/env python3
"""CPU used by other people's processes while a benchmark run was going.

    proc_cpu.py snapshot FILE                   every process: pid, start time, name, network
                                                namespace, CPU ticks (own + waited-for children)
    proc_cpu.py others BEFORE AFTER NS_INODE... CPU seconds used between the two snapshots by
                                                processes outside the given namespaces and not
                                                descended from this benchmark (its shell's pid
                                                is BENCH_SHELL_PID), then the busiest of them

The benchmark's own work (the tool, iperf3, ping) runs inside its namespaces; its shell and
helpers (sleep, awk, this script) are excluded by ancestry, and kernel threads (ksoftirqd may
carry the benchmark's own packets) are left out. What is left is everybody else: other
engineers' builds and tests. Processes that started and ended between the snapshots without being
waited for by a surviving parent are missed, so the figure is a lower bound.
"""
import json
import os
import sys

TICKS = os.sysconf("SC_CLK_TCK")


def snapshot():
    procs = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
            netns = os.stat(f"/proc/{pid}/ns/net").st_ino
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        # fields[0] is field 3 (state); utime, stime, cutime, cstime are fields 14-17; starttime 22
        ppid = int(fields[1])
        ticks = sum(int(x) for x in fields[11:15])
        procs[pid] = {"name": name, "ppid": ppid, "start": int(fields[19]), "netns": netns, "ticks": ticks}
    return procs


def descends_from(procs, pid, ancestor):
    seen = set()
    while pid and pid not in seen:
        if pid == ancestor:
            return True
        seen.add(pid)
        p = procs.get(pid)
        if p is None:
            return False
        pid = str(p["ppid"])
    return False


def others(before_path, after_path, namespaces):
    before = json.load(open(before_path))
    after = json.load(open(after_path))
    ours = {int(x) for x in namespaces}
    shell = os.environ.get("BENCH_SHELL_PID", "")
    used = []
    for pid, p in after.items():
        kernel_thread = pid == "2" or p["ppid"] == 2  # ksoftirqd may be doing our packets' work
        if kernel_thread or p["netns"] in ours or (shell and descends_from(after, pid, shell)):
            continue
        b = before.get(pid)
        start = b["ticks"] if b and b["start"] == p["start"] else 0
        delta = p["ticks"] - start
        if delta > 0:
            used.append((delta / TICKS, p["name"]))
    used.sort(reverse=True)
    total = sum(x for x, _ in used)
    top = ", ".join(f"{name} {sec:.2f}s" for sec, name in used[:3])
    print(f"{total:.2f} {top}".strip())


if __name__ == "__main__":
    if sys.argv[1] == "snapshot":
        with open(sys.argv[2], "w") as f:
            json.dump(snapshot(), f)
    elif sys.argv[1] == "others":
        others(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        sys.exit(__doc__)
