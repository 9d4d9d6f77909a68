#!/usr/bin/env python3
"""Summarises the raw outputs of bench/live.sh and bench/offline.sh as Markdown tables.

    report.py live DIR       one folder per run: DIR/TOOL-LABEL/{meta,time,generator.json|iperf3.json,tool.out,tool.err}
    report.py offline DIR    one folder per run: DIR/FILE-TOOL-LABEL/{meta,time,tool.out,tool.err}

Figures are medians over the runs with the range [min-max] after them. Nothing here is measured:
it only reads what the scripts recorded, so it can be re-run on an old results folder.
"""
import json
import re
import shlex
import statistics
import sys
from pathlib import Path

ETHERNET_HEADER = 14  # veth counts the Ethernet header (no FCS); IP-level tools do not
IFTOP_UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def read_meta(path):
    meta = {}
    for line in path.read_text().splitlines():
        if "=" in line:
            key, value = line.split("=", 1)
            meta[key] = shlex.split(value)[0] if value else ""
    return meta


def read_time(path):
    """/usr/bin/time -f '%e %U %S' output: (wall, user, system); the last line, as time may prefix
    'Command exited with non-zero status N' or 'Command terminated by signal N'."""
    if not path.exists():
        return None
    lines = [l for l in path.read_text().splitlines() if re.match(r"^[\d.]+ [\d.]+ [\d.]+$", l)]
    if not lines:
        return None
    wall, user, system = (float(x) for x in lines[-1].split())
    return wall, user, system


def stat(values, fmt):
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    med = statistics.median(values)
    if len(values) == 1:
        return fmt.format(med)
    return f"{fmt.format(med)} [{fmt.format(min(values))}–{fmt.format(max(values))}]"


# ---------------------------------------------------------------------------------------- live


def parse_tcpdump(err):
    def grab(pattern):
        m = re.search(r"(\d+) packets? " + pattern, err)
        return int(m.group(1)) if m else None

    return {
        "captured": grab("captured"),
        "received_by_filter": grab("received by filter"),
        "dropped_kernel": grab("dropped by kernel"),
    }


def iftop_bytes(text):
    m = re.fullmatch(r"([\d.]+)(B|KB|MB|GB|TB)", text)
    if not m:
        return None, None
    number, unit = m.groups()
    scale = IFTOP_UNITS[unit]
    # iftop prints 3 significant figures ("%4.2f", "%4.1f" or "%4.0f" of the unit): the true value
    # is within half a unit of the last printed digit.
    decimals = len(number.split(".")[1]) if "." in number else 0
    return float(number) * scale, 0.5 * 10**-decimals * scale


def parse_iftop(out):
    lines = [l for l in out.splitlines() if l.startswith("Cumulative (sent/received/total):")]
    if not lines:
        return {}
    sent, recv, total = lines[-1].split(":", 1)[1].split()
    result = {}
    for name, text in (("sent", sent), ("recv", recv), ("total", total)):
        value, half_step = iftop_bytes(text)
        result[name] = value
        result[name + "_text"] = text
        result[name + "_half_step"] = half_step
    return result


def parse_clustertop(out):
    last = None
    for line in out.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if "totals" in obj:
            last = obj
    return last


def dig(obj, dotted):
    for part in dotted.split("."):
        if not isinstance(obj, dict) or part not in obj:
            return None
        obj = obj[part]
    return obj


def live_run(run_dir):
    meta = read_meta(run_dir / "meta")
    run = {"tool": meta["tool"], "label": meta["label"], "dir": run_dir.name, "meta": meta}
    before = [int(x) for x in meta["counters_before"].split()]
    after = [int(x) for x in meta["counters_after"].split()]
    rx_p, rx_b, tx_p, tx_b = (a - b for a, b in zip(after, before))
    run.update(rx_packets=rx_p, rx_bytes=rx_b, tx_packets=tx_p, tx_bytes=tx_b)
    run["kernel_packets"] = rx_p + tx_p
    run["kernel_ip_bytes"] = rx_b + tx_b - ETHERNET_HEADER * (rx_p + tx_p)
    run["busy_before"] = float(meta.get("busy_before", "nan"))
    other = meta.get("other_cpu_during", "").split(" ", 1)
    run["other_cpu"] = float(other[0]) if other[0] else None
    run["other_cpu_who"] = other[1] if len(other) > 1 else ""
    if "proc_stat_before" in meta and "proc_stat_end" in meta:
        # Whole machine, all CPUs: busy = everything but idle and iowait, in USER_HZ (100/s) ticks.
        a = [int(x) for x in meta["proc_stat_before"].split()[1:]]
        b = [int(x) for x in meta["proc_stat_end"].split()[1:]]
        d = [y - x for x, y in zip(a, b)]
        run["machine_busy"] = (sum(d[:8]) - d[3] - d[4]) / 100  # guest time is inside user already
        run["machine_softirq"] = d[6] / 100
    run["attach_seconds"] = float(meta["t_attached"]) - float(meta["t_start"])
    run["traffic_inside_window"] = float(meta["t_traffic_end"]) <= float(meta["t_end"])
    run["problems"] = [k for k in ("attach_failed", "tool_killed") if k in meta]
    if meta.get("tool_status", "0") not in ("0", ""):
        run["problems"].append("exit status " + meta["tool_status"])

    iperf = run_dir / "iperf3.json"
    flood = run_dir / "generator.json"
    if iperf.exists() and iperf.stat().st_size:
        end = json.loads(iperf.read_text()).get("end", {})
        sent = end.get("sum_sent", end.get("sum", {}))
        run["generator_packets"] = sent.get("packets")
        run["generator_seconds"] = sent.get("seconds")
    elif flood.exists() and flood.stat().st_size:
        sent = json.loads(flood.read_text())
        run["generator_packets"] = sent.get("packets")
        run["generator_seconds"] = sent.get("seconds")
    if run.get("generator_packets") and run.get("generator_seconds"):
        run["generator_mpps"] = run["generator_packets"] / run["generator_seconds"] / 1e6
        run["extra_packets"] = run["kernel_packets"] - run["generator_packets"]

    if meta.get("steady_start", "none").split()[0] != "none" and meta.get("steady_end", "none").split()[0] != "none":
        a = [int(x) for x in meta["steady_start"].split()]
        b = [int(x) for x in meta["steady_end"].split()]
        packets = (b[1] - a[1]) + (b[3] - a[3])
        if packets > 0:
            run["steady_packets"] = packets
            run["steady_cpu_per_mpkt"] = (b[0] - a[0]) / 100 / (packets / 1e6)

    times = read_time(run_dir / "time")
    if times:
        run["wall"], user, system = times
        run["cpu"] = user + system
        run["user"], run["system"] = user, system

    out = (run_dir / "tool.out").read_text(errors="replace") if (run_dir / "tool.out").exists() else ""
    err = (run_dir / "tool.err").read_text(errors="replace") if (run_dir / "tool.err").exists() else ""
    tool = run["tool"]
    if tool == "tcpdump":
        t = parse_tcpdump(err)
        run.update({"tcpdump_" + k: v for k, v in t.items()})
        if t["captured"] is not None and run["kernel_packets"]:
            run["packet_share"] = t["captured"] / run["kernel_packets"]
        run["dropped_kernel"] = t["dropped_kernel"]
    elif tool == "iftop":
        t = parse_iftop(out)
        run["iftop"] = t
        if t.get("total") is not None and run["kernel_ip_bytes"]:
            run["byte_share"] = t["total"] / run["kernel_ip_bytes"]
            run["byte_share_half_step"] = t["total_half_step"] / run["kernel_ip_bytes"]
    elif tool.startswith("clustertop"):
        last = parse_clustertop(out)
        run["clustertop"] = last
        if last is not None:
            sent_b, recv_b = dig(last, "totals.sent_bytes"), dig(last, "totals.recv_bytes")
            sent_p, recv_p = dig(last, "totals.sent_packets"), dig(last, "totals.recv_packets")
            if sent_b is not None and recv_b is not None:
                run["tool_bytes"] = sent_b + recv_b
                if run["kernel_ip_bytes"]:
                    run["byte_share"] = run["tool_bytes"] / run["kernel_ip_bytes"]
            if sent_p is not None and recv_p is not None:
                run["tool_packets"] = sent_p + recv_p
                if run["kernel_packets"]:
                    run["packet_share"] = run["tool_packets"] / run["kernel_packets"]
            run["capture_received"] = dig(last, "capture.received")
            run["dropped_kernel"] = dig(last, "capture.dropped_kernel")
            run["dropped_interface"] = dig(last, "capture.dropped_interface")
        else:
            run["problems"].append("no JSON object with totals in tool.out")
    return run


def pct(x):
    return None if x is None else 100 * x


def live(out_dir):
    runs = [live_run(d) for d in sorted(out_dir.iterdir()) if (d / "meta").exists()]
    order = ["none", "tcpdump", "iftop", "clustertop", "clustertop-libpcap"]
    tools = [t for t in order if any(r["tool"] == t for r in runs)]
    for r in runs:
        r["disturbed"] = "-disturbed" in r["dir"]
    idle_runs = [r for r in runs if r["label"].startswith("idle") and not r["disturbed"]]
    loaded = [r for r in runs if not r["label"].startswith("idle") and not r["disturbed"]]
    idle = {}  # tool -> median CPU seconds of its idle runs
    for r in idle_runs:
        idle.setdefault(r["tool"], []).append(r.get("cpu"))
    idle = {t: statistics.median([c for c in cs if c is not None]) for t, cs in idle.items() if any(c is not None for c in cs)}
    for r in loaded:
        i = idle.get(r["tool"])
        if r.get("machine_busy") is not None and r["kernel_packets"]:
            r["machine_per_mpkt"] = r["machine_busy"] / (r["kernel_packets"] / 1e6)
        if r.get("cpu") is not None and r["kernel_packets"]:
            mpkt = r["kernel_packets"] / 1e6
            r["cpu_per_mpkt"] = r["cpu"] / mpkt
            if i is not None:
                r["cpu_net_per_mpkt"] = (r["cpu"] - i) / mpkt

    print(f"## Live capture ({out_dir.name})\n")
    print("Median over the runs, [min–max]. Packets: the generator's sent count and veth-rx's rx+tx counters")
    print("over the tool's whole run. Bytes are IP bytes (kernel: rx+tx bytes less 14 per packet).")
    print("CPU s per M packets equals µs per packet; 'net of idle' subtracts the median CPU of the tool's")
    print("own idle runs (same length, no traffic): start-up and idling.\n")
    header = ["", *tools]
    rows = [
        ("runs", lambda rs: str(len(rs))),
        ("generator rate, M packets/s", lambda rs: stat([r.get("generator_mpps") for r in rs], "{:.3f}")),
        ("generator packets sent, M", lambda rs: stat([(r.get("generator_packets") or 0) / 1e6 for r in rs], "{:.3f}")),
        ("veth-rx packets (rx+tx), M", lambda rs: stat([r["kernel_packets"] / 1e6 for r in rs], "{:.3f}")),
        ("veth-rx packets less the generator's", lambda rs: stat([r.get("extra_packets") for r in rs], "{:,.0f}")),
        ("share of packets counted, %", lambda rs: stat([pct(r.get("packet_share")) for r in rs], "{:.3f}")),
        ("share of IP bytes counted, %", lambda rs: stat([pct(r.get("byte_share")) for r in rs], "{:.3f}")),
        ("kernel drops (tool's own report)", lambda rs: stat([r.get("dropped_kernel") for r in rs], "{:,.0f}")),
        ("tool CPU, s (user+sys)", lambda rs: stat([r.get("cpu") for r in rs], "{:.2f}")),
        ("tool CPU: user / sys, s", lambda rs: stat([r.get("user") for r in rs], "{:.2f}") + " / " + stat([r.get("system") for r in rs], "{:.2f}")),
        ("tool CPU s per M packets", lambda rs: stat([r.get("cpu_per_mpkt") for r in rs], "{:.3f}")),
        ("tool CPU s per M packets, net of idle", lambda rs: stat([r.get("cpu_net_per_mpkt") for r in rs], "{:.3f}")),
        ("**tool CPU s per M packets, steady state**", lambda rs: stat([r.get("steady_cpu_per_mpkt") for r in rs], "{:.3f}")),
        ("packets in the steady-state window, M", lambda rs: stat([(r.get("steady_packets") or 0) / 1e6 for r in rs], "{:.2f}")),
        ("whole machine busy during the run, CPU s", lambda rs: stat([r.get("machine_busy") for r in rs], "{:.2f}")),
        ("whole machine CPU s per M packets", lambda rs: stat([r.get("machine_per_mpkt") for r in rs], "{:.2f}")),
        ("idle runs' CPU, s (no traffic, same length)", lambda rs: stat([r.get("cpu") for r in idle_runs if rs and r["tool"] == rs[0]["tool"]], "{:.2f}")),
        ("start to packet socket open, s", lambda rs: stat([r["attach_seconds"] for r in rs], "{:.2f}") if rs and rs[0]["tool"] != "none" else "–"),
        ("other load before run, % of CPUs", lambda rs: stat([r["busy_before"] for r in rs], "{:.1f}")),
        ("other people's CPU during the run, s", lambda rs: stat([r.get("other_cpu") for r in rs], "{:.2f}")),
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name, fn in rows:
        cells = [fn([r for r in loaded if r["tool"] == t]) for t in tools]
        print(f"| {name} | " + " | ".join(cells) + " |")

    print("\n### Every run\n")
    print("Runs named *-disturbedN had other people's processes using CPU during them; they were run")
    print("again and are left out of the medians above.\n")
    print("| run | generator Mpps | veth-rx rx+tx packets | IP bytes (kernel) | tool's figure | share | kernel drops | tool CPU s | other people's CPU s during the run | traffic inside tool's window | problems |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        figure, share = "–", "–"
        if r["tool"] == "tcpdump":
            figure = f"{r.get('tcpdump_captured')} captured / {r.get('tcpdump_received_by_filter')} received by filter"
            share = f"{pct(r['packet_share']):.3f} % of packets" if r.get("packet_share") is not None else "n/a"
        elif r["tool"] == "iftop" and r.get("iftop"):
            t = r["iftop"]
            figure = f"cumulative {t['sent_text']} / {t['recv_text']} / {t['total_text']}"
            if r.get("byte_share") is not None:
                share = f"{pct(r['byte_share']):.2f} ± {pct(r['byte_share_half_step']):.2f} % of bytes"
        elif r["tool"].startswith("clustertop") and r.get("clustertop"):
            figure = f"{r.get('tool_bytes')} B, {r.get('tool_packets')} packets, capture.received {r.get('capture_received')}"
            share = f"{pct(r['byte_share']):.3f} % of bytes" if r.get("byte_share") is not None else "n/a"
        mpps = f"{r['generator_mpps']:.3f}" if r.get("generator_mpps") else "–"
        cpu = f"{r['cpu']:.2f}" if r.get("cpu") is not None else "–"
        drops = r.get("dropped_kernel")
        drops = "–" if drops is None else f"{drops:,}"
        window = "yes" if r["traffic_inside_window"] else "NO"
        other = "–" if r.get("other_cpu") is None else f"{r['other_cpu']:.2f} {r['other_cpu_who']}".strip()
        print(f"| {r['dir']} | {mpps} | {r['kernel_packets']:,} | {r['kernel_ip_bytes']:,} | {figure} | {share} | {drops} | {cpu} | {other} | {window} | {', '.join(r['problems']) or '–'} |")


# ------------------------------------------------------------------------------------- offline


def offline(out_dir):
    runs = []
    for d in sorted(out_dir.iterdir()):
        if not (d / "meta").exists():
            continue
        meta = read_meta(d / "meta")
        times = read_time(d / "time")
        other = meta.get("other_cpu_during", "").split(" ", 1)
        run = {"dir": d.name, "file": meta["file"], "tool": meta["tool"], "label": meta["label"],
               "packets": int(meta["packets"]), "busy_before": float(meta.get("busy_before", "nan")),
               "status": meta.get("tool_status", ""), "disturbed": "-disturbed" in d.name,
               "other_cpu": float(other[0]) if other[0] else None}
        if times:
            run["wall"], run["user"], run["system"] = times
            run["cpu"] = run["user"] + run["system"]
            run["mpps"] = run["packets"] / run["wall"] / 1e6 if run["wall"] > 0 else None
            run["cpu_mpps"] = run["packets"] / run["cpu"] / 1e6 if run["cpu"] > 0 else None
        runs.append(run)
    kept = [r for r in runs if not r["disturbed"]]

    print(f"## Offline reading ({out_dir.name})\n")
    print("Median over the runs, [min–max]. M packets/s = packets in the file / wall seconds (start-up")
    print("included); per CPU second = packets / (user+sys) of the reader's process, all threads.\n")
    order = ["tcpdump", "tshark", "clustertop", "clustertop-1report", "clustertop-2cpu"]
    files = list(dict.fromkeys(r["file"] for r in sorted(kept, key=lambda r: (r["file"] == "tiny", r["file"] != "synthetic", r["file"] != "recorded", r["file"] != "small-udp", [int(n) for n in re.findall(r"\d+", r["file"])]))))
    for f in files:
        fr = [r for r in kept if r["file"] == f]
        print(f"### {f}.pcap ({fr[0]['packets']:,} packets)\n")
        print("| reader | runs | wall, s | M packets/s | CPU s (user / sys) | M packets per CPU s | other load before, % of CPUs | other people's CPU during, s | exit status |")
        print("|---|---|---|---|---|---|---|---|---|")
        for t in [t for t in order if any(r["tool"] == t for r in fr)]:
            tr = [r for r in fr if r["tool"] == t]
            statuses = ",".join(sorted({r["status"] for r in tr}))
            cpu = f"{stat([r.get('cpu') for r in tr], '{:.3f}')} ({stat([r.get('user') for r in tr], '{:.3f}')} / {stat([r.get('system') for r in tr], '{:.3f}')})"
            rate = (lambda key: "–") if f == "tiny" else (lambda key: stat([r.get(key) for r in tr], "{:.3g}"))
            print(f"| {t} | {len(tr)} | {stat([r.get('wall') for r in tr], '{:.3f}')} | {rate('mpps')} | "
                  f"{cpu} | {rate('cpu_mpps')} | "
                  f"{stat([r['busy_before'] for r in tr], '{:.1f}')} | {stat([r.get('other_cpu') for r in tr], '{:.2f}')} | {statuses} |")
        print()

    print("### clustertop's totals against an independent count (bench/pcap_totals.py)\n")
    print("| file | packets in file | IP packets | IP bytes | clustertop packets (sent+recv) | clustertop bytes (sent+recv) | capture.received | rejected / ignored | match |")
    print("|---|---|---|---|---|---|---|---|---|")
    for f in files:
        totals_path, json_path = out_dir / f"{f}.totals.json", out_dir / f"{f}.clustertop.json"
        if not totals_path.exists() or f == "tiny":
            continue
        expected = json.loads(totals_path.read_text())
        last = parse_clustertop(json_path.read_text(errors="replace")) if json_path.exists() else None
        if last is None:
            print(f"| {f} | {expected['packets']:,} | {expected['ip_packets']:,} | {expected['ip_bytes']:,} | no final JSON object | | | | no |")
            continue
        packets = (dig(last, "totals.sent_packets") or 0) + (dig(last, "totals.recv_packets") or 0)
        nbytes = (dig(last, "totals.sent_bytes") or 0) + (dig(last, "totals.recv_bytes") or 0)
        rejected = dig(last, "capture.rejected")
        ignored = dig(last, "capture.ignored")
        match = "yes" if (packets, nbytes) == (expected["ip_packets"], expected["ip_bytes"]) else "NO"
        print(f"| {f} | {expected['packets']:,} | {expected['ip_packets']:,} | {expected['ip_bytes']:,} | {packets:,} | {nbytes:,} | "
              f"{dig(last, 'capture.received')} | {rejected} / {ignored} | {match} |")
    print()

    disturbed = [r for r in runs if r["disturbed"]]
    if disturbed:
        print("Runs repeated because other people's processes used CPU during them: "
              + ", ".join(f"{r['dir']} ({r['other_cpu']:.2f} s)" for r in disturbed) + ".\n")


if __name__ == "__main__":
    mode, folder = sys.argv[1], Path(sys.argv[2])
    {"live": live, "offline": offline}[mode](folder)
