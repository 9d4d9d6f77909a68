"""Traffic of a small cluster for the demo captures (record-demo.sh runs one of these per role).

  demo-traffic.py dns ADDRESS              a DNS-like UDP responder on ADDRESS port 53
  demo-traffic.py ROLE SECONDS SEED        a node's client traffic for SECONDS (web, db, worker, batch)

Servers other than DNS are stock tools the script starts: python's http.server (port 80 on web and
on the internet host) and iperf3. The clients here vary their timing and sizes with a seeded random
generator, so a re-recording has the same shape, not the same packets.
"""
import random
import socket
import subprocess
import sys
import time
import urllib.request

WEB, DB, WORKER, BATCH, INTERNET = "10.77.0.1", "10.77.0.2", "10.77.0.3", "10.77.0.4", "203.0.113.1"
DB6 = "fd77::2"


def dns_server(address):
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind((address, 53))
    while True:
        query, peer = s.recvfrom(512)
        # An answer as big as a few A records with their names: 3 to 8 times the query.
        s.sendto(query + bytes(len(query) * random.randint(2, 7)), peer)


def dns_query(server, rng):
    family = socket.AF_INET6 if ":" in server else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.settimeout(1)
        s.sendto(bytes(rng.randint(28, 60)), (server, 53))
        try:
            s.recv(512)
        except socket.timeout:
            pass


def get(host, path):
    try:
        with urllib.request.urlopen(f"http://{host}{path}", timeout=5) as response:
            response.read()
    except OSError:
        pass  # a refused or slow request is traffic too; the capture counts what was sent


def iperf(server, port, seconds, rate, reverse=False):
    subprocess.run(["iperf3", "-c", server, "-p", str(port), "-t", str(seconds), "-b", rate]
                   + (["-R"] if reverse else []), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def client(role, seconds, rng):
    end = time.monotonic() + seconds
    pages = ["/4k", "/40k", "/400k"]
    next_burst = time.monotonic() + rng.uniform(5, 10)
    while time.monotonic() < end:
        if role == "worker":
            # Requests to the web node, each after a lookup at the cluster's DNS (v4 or v6).
            dns_query(rng.choice([DB, DB6]), rng)
            get(WEB, rng.choices(pages, weights=[6, 3, 1])[0])
            if time.monotonic() > next_burst:
                iperf(DB, 5202, rng.randint(2, 4), "80M")  # a bulk write
                next_burst = time.monotonic() + rng.uniform(10, 20)
            time.sleep(rng.uniform(0.1, 0.6))
        elif role == "db":
            get(WEB, "/4k")  # health checks
            dns_query(INTERNET, rng)
            time.sleep(rng.uniform(0.5, 2))
        elif role == "web":
            dns_query(INTERNET, rng)
            get(INTERNET, rng.choice(["/40k", "/400k", "/4m"]))  # fetches from outside
            time.sleep(rng.uniform(2, 6))
        elif role == "batch":
            # The noisy node: long bulk transfers to the database and to the internet host.
            left = end - time.monotonic()
            if left < 2:
                break
            if rng.random() < 0.6:
                iperf(DB, 5201, min(int(left), rng.randint(8, 15)), "120M")
            else:
                iperf(INTERNET, 5201, min(int(left), rng.randint(6, 12)), "50M")
            dns_query(DB, rng)
            time.sleep(rng.uniform(1, 3))


if __name__ == "__main__":
    if sys.argv[1] == "dns":
        dns_server(sys.argv[2])
    else:
        client(sys.argv[1], float(sys.argv[2]), random.Random(int(sys.argv[3])))
