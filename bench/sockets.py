"""Sockets for bench/attribution.sh: "serve ADDR PORT HELD" accepts connections and holds the HELD
latest (the client closes its oldest: so does the server, and the count stays); "hold SRC DST
PORT CONNECTIONS CHURN FILE" opens CONNECTIONS TCP connections (listing each client port in FILE),
then every second closes the CHURN oldest and opens CHURN new ones, appending their ports."""
import collections, socket, sys, time

if sys.argv[1] == "serve":
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((sys.argv[2], int(sys.argv[3])))
    listener.listen(4096)
    held = collections.deque()
    while True:
        conn, _ = listener.accept()
        held.append(conn)
        while len(held) > int(sys.argv[4]):
            held.popleft().close()
else:
    src, dst, port, count, churn, out = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
    held = collections.deque()
    listing = open(out, "a", buffering=1)

    def connect():
        s = socket.socket()
        s.bind((src, 0))
        s.connect((dst, port))
        held.append(s)
        listing.write(f"{s.getsockname()[1]}\n")

    for _ in range(count):
        connect()
    open(out + ".ready", "w").close()
    while True:
        time.sleep(1)
        for _ in range(churn):
            held.popleft().close()
            connect()
