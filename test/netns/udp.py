"""UDP with known sizes: "send SRC DST PORT COUNT PAYLOAD", or "sink ADDR PORT FILE" (writes
"datagrams bytes" to FILE whenever they changed and 0.2 s passed without one)."""
import socket, sys, time
mode = sys.argv[1]
if mode == "send":
    src, dst, port, count, size = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    payload = bytes(size)
    for i in range(count):
        s.sendto(payload, (dst, port))
        if i % 32 == 31:
            time.sleep(0.002)  # paced: no queue on the way may overflow
else:
    addr, port, out = sys.argv[2], int(sys.argv[3]), sys.argv[4]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((addr, port))
    s.settimeout(0.2)
    datagrams = size = written = 0
    open(out, "w").write("0 0\n")
    while True:
        try:
            size += len(s.recv(65535))
            datagrams += 1
        except socket.timeout:
            if datagrams != written:
                open(out + ".tmp", "w").write(f"{datagrams} {size}\n")
                import os; os.replace(out + ".tmp", out)
                written = datagrams
