/*
 * A small-packet UDP flood for the live benchmark, faster than iperf3 on this machine: frames are
 * built once and handed to the kernel in batches, with no per-packet system call.
 *
 *   flood ring DEVICE DST_MAC SRC DST PORT PAYLOAD SECONDS [FLOWS [RATE]]
 *       PACKET_TX_RING on a packet socket bound to DEVICE: Ethernet/IPv4/UDP frames written into a
 *       mapped ring, one send() per batch, the qdisc bypassed (PACKET_QDISC_BYPASS). FLOWS
 *       (default 1) distinct source ports from 10000 up, one after the other; RATE packets/s at
 *       most (default 0: as fast as the kernel takes them).
 *   flood udp SRC DST PORT PAYLOAD SECONDS
 *       sendmmsg() of 1024 datagrams at a time from a UDP socket (through the IP stack).
 *
 * Prints one JSON object on standard output: {"packets": N, "seconds": S} (frames the kernel
 * took, and the time spent sending). Built by bench/live.sh with gcc -O2; needs root for "ring".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what) {
  fprintf(stderr, "flood: %s: %s\n", what, strerror(errno));
  exit(1);
}

static uint16_t checksum(const void *data, size_t length) {
  const uint8_t *b = data;
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < length; i += 2) sum += (uint32_t)(b[i] << 8 | b[i + 1]);
  if (length & 1) sum += (uint32_t)(b[length - 1] << 8);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return htons((uint16_t)~sum);
}

/* Ethernet, IPv4 (checksummed), UDP (no checksum, allowed for IPv4) and PAYLOAD zero bytes. */
static size_t build_frame(uint8_t *f, const uint8_t *dst_mac, const uint8_t *src_mac, uint32_t src, uint32_t dst,
                          int port, int payload) {
  memcpy(f, dst_mac, 6);
  memcpy(f + 6, src_mac, 6);
  f[12] = 0x08, f[13] = 0x00;
  uint8_t *ip = f + 14;
  int ip_length = 20 + 8 + payload;
  memset(ip, 0, 20);
  ip[0] = 0x45;
  ip[2] = ip_length >> 8, ip[3] = ip_length & 0xFF;
  ip[6] = 0x40; /* don't fragment */
  ip[8] = 64, ip[9] = 17;
  memcpy(ip + 12, &src, 4);
  memcpy(ip + 16, &dst, 4);
  uint16_t sum = checksum(ip, 20);
  memcpy(ip + 10, &sum, 2);
  uint8_t *udp = ip + 20;
  udp[0] = 40000 >> 8, udp[1] = 40000 & 0xFF;
  udp[2] = port >> 8, udp[3] = port & 0xFF;
  udp[4] = (8 + payload) >> 8, udp[5] = (8 + payload) & 0xFF;
  udp[6] = udp[7] = 0;
  memset(udp + 8, 0, payload);
  return 14 + ip_length;
}

static void parse_mac(const char *text, uint8_t *mac) {
  unsigned m[6];
  if (sscanf(text, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6) {
    fprintf(stderr, "flood: bad MAC address %s\n", text);
    exit(2);
  }
  for (int i = 0; i < 6; i++) mac[i] = (uint8_t)m[i];
}

static int ring(int argc, char **argv) {
  if (argc < 9 || argc > 11) return 2;
  const char *device = argv[2];
  uint8_t dst_mac[6], src_mac[6];
  parse_mac(argv[3], dst_mac);
  uint32_t src = inet_addr(argv[4]), dst = inet_addr(argv[5]);
  int port = atoi(argv[6]), payload = atoi(argv[7]);
  double seconds = atof(argv[8]);
  unsigned flows = argc > 9 ? (unsigned)atoi(argv[9]) : 1;
  double rate = argc > 10 ? atof(argv[10]) : 0;
  if (flows < 1 || flows > 50000) {
    fprintf(stderr, "flood: FLOWS is 1 to 50000\n");
    return 2;
  }

  int fd = socket(AF_PACKET, SOCK_RAW, 0);
  if (fd < 0) die("socket");
  int version = TPACKET_V2;
  if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof version)) die("PACKET_VERSION");
  int bypass = 1;
  if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &bypass, sizeof bypass)) die("PACKET_QDISC_BYPASS");
  struct tpacket_req req = {.tp_block_size = 1 << 16, .tp_block_nr = 64, .tp_frame_size = 256};
  req.tp_frame_nr = req.tp_block_size / req.tp_frame_size * req.tp_block_nr;
  if (setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof req)) die("PACKET_TX_RING");
  size_t length = (size_t)req.tp_block_size * req.tp_block_nr;
  uint8_t *map = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) die("mmap");
  struct sockaddr_ll address = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP),
                                .sll_ifindex = (int)if_nametoindex(device)};
  if (!address.sll_ifindex) die(device);
  if (bind(fd, (struct sockaddr *)&address, sizeof address)) die("bind");
  struct sockaddr_ll own;
  socklen_t own_length = sizeof own;
  if (getsockname(fd, (struct sockaddr *)&own, &own_length)) die("getsockname");
  memcpy(src_mac, own.sll_addr, 6);

  uint8_t frame[2048];
  size_t frame_length = build_frame(frame, dst_mac, src_mac, src, dst, port, payload);
  size_t data_offset = TPACKET2_HDRLEN - sizeof(struct sockaddr_ll);
  if (data_offset + frame_length > req.tp_frame_size) {
    fprintf(stderr, "flood: a payload of %d bytes does not fit a %u-byte ring frame\n", payload, req.tp_frame_size);
    return 2;
  }
  /* Each slot's frame is written once (flow i % FLOWS: source port 10000 + that), then only the
   * status words flip. FLOWS above the slot count would leave flows out: checked. */
  if (flows > req.tp_frame_nr) {
    fprintf(stderr, "flood: at most %u flows\n", req.tp_frame_nr);
    return 2;
  }
  for (unsigned i = 0; i < req.tp_frame_nr; i++) {
    struct tpacket2_hdr *h = (struct tpacket2_hdr *)(map + (size_t)i * req.tp_frame_size);
    uint8_t *f = (uint8_t *)h + data_offset;
    memcpy(f, frame, frame_length);
    unsigned source_port = 10000 + i % flows;
    f[34] = (uint8_t)(source_port >> 8), f[35] = (uint8_t)(source_port & 0xFF);
    h->tp_len = (uint32_t)frame_length;
  }

  unsigned long long packets = 0;
  unsigned slot = 0;
  double start = now(), end = start + seconds, t = start;
  while (t < end) {
    if (rate > 0 && packets > (t - start) * rate) { /* ahead of the rate: wait for the clock */
      struct timespec pause = {0, 1000000};
      nanosleep(&pause, NULL);
      t = now();
      continue;
    }
    unsigned queued = 0;
    for (;;) {
      struct tpacket2_hdr *h = (struct tpacket2_hdr *)(map + (size_t)slot * req.tp_frame_size);
      if (h->tp_status != TP_STATUS_AVAILABLE) break;
      h->tp_len = (uint32_t)frame_length;
      __atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
      slot = (slot + 1) % req.tp_frame_nr;
      if (++queued == 256) break;
    }
    if (queued) {
      if (send(fd, NULL, 0, 0) < 0 && errno != ENOBUFS && errno != EAGAIN) die("send");
      packets += queued;
    } else {
      struct pollfd p = {.fd = fd, .events = POLLOUT};
      poll(&p, 1, 10);
    }
    t = now();
  }
  /* Wait until the kernel has sent what was queued; a frame it refused is not counted. */
  for (unsigned i = 0; i < req.tp_frame_nr; i++) {
    struct tpacket2_hdr *h = (struct tpacket2_hdr *)(map + (size_t)i * req.tp_frame_size);
    while (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) & TP_STATUS_SEND_REQUEST) send(fd, NULL, 0, 0);
    if (h->tp_status & TP_STATUS_WRONG_FORMAT) packets--;
  }
  printf("{\"packets\": %llu, \"seconds\": %.6f}\n", packets, now() - start);
  return 0;
}

static int udp(int argc, char **argv) {
  if (argc != 7) return 2;
  struct sockaddr_in from = {.sin_family = AF_INET}, to = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[4]))};
  inet_pton(AF_INET, argv[2], &from.sin_addr);
  inet_pton(AF_INET, argv[3], &to.sin_addr);
  int payload = atoi(argv[5]);
  double seconds = atof(argv[6]);
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) die("socket");
  if (bind(fd, (struct sockaddr *)&from, sizeof from)) die("bind");
  if (connect(fd, (struct sockaddr *)&to, sizeof to)) die("connect");
  enum { BATCH = 1024 };
  static char data[65536];
  static struct iovec io[BATCH];
  static struct mmsghdr messages[BATCH];
  for (int i = 0; i < BATCH; i++) {
    io[i].iov_base = data;
    io[i].iov_len = (size_t)payload;
    messages[i].msg_hdr.msg_iov = &io[i];
    messages[i].msg_hdr.msg_iovlen = 1;
  }
  unsigned long long packets = 0;
  double start = now(), end = start + seconds;
  while (now() < end) {
    int sent = sendmmsg(fd, messages, BATCH, 0);
    if (sent < 0) {
      if (errno == ECONNREFUSED || errno == ENOBUFS) continue; /* an ICMP error from the sink's side */
      die("sendmmsg");
    }
    packets += (unsigned)sent;
  }
  printf("{\"packets\": %llu, \"seconds\": %.6f}\n", packets, now() - start);
  return 0;
}

int main(int argc, char **argv) {
  int status = 2;
  if (argc > 1 && !strcmp(argv[1], "ring")) status = ring(argc, argv);
  if (argc > 1 && !strcmp(argv[1], "udp")) status = udp(argc, argv);
  if (status == 2) {
    fprintf(stderr, "usage: flood ring DEVICE DST_MAC SRC DST PORT PAYLOAD SECONDS [FLOWS [RATE]]\n"
                    "       flood udp SRC DST PORT PAYLOAD SECONDS\n");
  }
  return status;
}
