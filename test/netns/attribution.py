"""Processes with known names for the attribution test. Each names itself (prctl PR_SET_NAME, what
/proc/PID/comm shows) with its first argument, so the test knows the command and, from $!, the pid.

  server NAME TCP_PORT UDP_PORT [ADDR]    echoes TCP and UDP on ADDR (default every address)
  client NAME SRC SECONDS DST:TCP_SPORT:UDP_SPORT...
                                          from fixed source ports: a TCP connection to DST:5001 and a
                                          connected UDP socket to DST:5002 each, both echoed
  late NAME SRC DST SPORT SECONDS FILE    one TCP connection; writes the time it connected (ms) to FILE
  short NAME SRC DST SPORT                a TCP connection that sends 64 KB and closes at once
  closed SRC DST PORT SPORT               20 datagrams to a port nothing listens on
"""
import ctypes, socket, sys, threading, time

TCP_PORT, UDP_PORT = 5001, 5002


def name(text):
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(15, text.encode()[:15], 0, 0, 0)


def bound(kind, src, port):
    s = socket.socket(socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, port))
    return s


def server(tcp_port, udp_port, addr):
    listener = bound(socket.SOCK_STREAM, addr, tcp_port)
    listener.listen(64)
    udp = bound(socket.SOCK_DGRAM, addr, udp_port)

    def echo(conn):
        with conn:
            while True:
                data = conn.recv(65536)
                if not data:
                    return
                conn.sendall(data[:1024])  # a smaller answer: both directions carry traffic

    def udp_echo():
        while True:
            data, peer = udp.recvfrom(65535)
            udp.sendto(data[:200], peer)

    threading.Thread(target=udp_echo, daemon=True).start()
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=echo, args=(conn,), daemon=True).start()


def client(src, seconds, targets):
    pairs = []
    for target in targets:
        dst, tcp_sport, udp_sport = target.split(":")
        t = bound(socket.SOCK_STREAM, src, int(tcp_sport))
        t.connect((dst, TCP_PORT))
        u = bound(socket.SOCK_DGRAM, src, int(udp_sport))
        u.connect((dst, UDP_PORT))
        u.settimeout(0.2)
        pairs.append((t, u))
    end = time.time() + seconds
    chunk = bytes(16384)
    while time.time() < end:
        for t, u in pairs:
            t.sendall(chunk)
            t.recv(65536)
            u.send(bytes(1000))
            try:
                u.recv(65535)
            except socket.timeout:
                pass
        time.sleep(0.05)


def late(src, dst, sport, seconds, out):
    t = bound(socket.SOCK_STREAM, src, sport)
    t.connect((dst, TCP_PORT))
    open(out, "w").write(f"{int(time.time() * 1000)}\n")
    end = time.time() + seconds
    while time.time() < end:
        t.sendall(bytes(16384))
        t.recv(65536)
        time.sleep(0.05)


def short(src, dst, sport):
    t = bound(socket.SOCK_STREAM, src, sport)
    t.connect((dst, TCP_PORT))
    t.sendall(bytes(65536))
    t.close()


def closed(src, dst, port, sport):
    u = bound(socket.SOCK_DGRAM, src, sport)
    for _ in range(20):
        u.sendto(bytes(500), (dst, port))
        time.sleep(0.01)


mode = sys.argv[1]
if mode == "server":
    name(sys.argv[2])
    server(int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] if len(sys.argv) > 5 else "0.0.0.0")
elif mode == "client":
    name(sys.argv[2])
    client(sys.argv[3], float(sys.argv[4]), sys.argv[5:])
elif mode == "late":
    name(sys.argv[2])
    late(sys.argv[3], sys.argv[4], int(sys.argv[5]), float(sys.argv[6]), sys.argv[7])
elif mode == "short":
    name(sys.argv[2])
    short(sys.argv[3], sys.argv[4], int(sys.argv[5]))
elif mode == "closed":
    closed(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
else:
    sys.exit("unknown mode " + mode)
