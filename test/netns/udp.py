"""UDP with known sizes: "send SRC DST PORT COUNT PAYLOAD", or "sink ADDR PORT FILE" (writes
"datagrams bytes" to FILE whenever they changed and 0.2 s passed without one), or "tagged DEVICE
DST_MAC VLAN SRC DST PORT COUNT PAYLOAD": Ethernet frames with an 802.1Q tag, written whole to
DEVICE through a packet socket (no VLAN device needed: this kernel has no 8021q module)."""
import socket, struct, sys, time
mode = sys.argv[1]
if mode == "tagged":
    device, mac, vlan, src, dst = sys.argv[2], bytes.fromhex(sys.argv[3].replace(":", "")), int(sys.argv[4]), sys.argv[5], sys.argv[6]
    port, count, size = int(sys.argv[7]), int(sys.argv[8]), int(sys.argv[9])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((device, 0))
    udp = struct.pack("!HHHH", 40000, port, 8 + size, 0) + bytes(size)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    frame = mac + s.getsockname()[4] + struct.pack("!HHH", 0x8100, vlan, 0x0800) + ip + udp
    for i in range(count):
        s.send(frame)
        if i % 32 == 31:
            time.sleep(0.002)
elif mode == "send":
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
