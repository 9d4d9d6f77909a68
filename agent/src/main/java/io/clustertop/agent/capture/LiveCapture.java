package io.clustertop.agent.capture;

/**
 * Opens live capture on an interface by the fastest path the machine allows: the kernel's
 * TPACKET_V3 ring read directly ({@link RingCapture}), else libpcap's own loop
 * ({@link PcapCapture}), which also serves {@code -i any} (a cooked capture over every device) and
 * link types other than Ethernet. {@link PacketSource#captureMethod()} says which one runs, and why.
 */
public final class LiveCapture {
  /** Snap length: Ethernet, two VLAN tags, IPv6 with extension headers, TCP ports. */
  public static final int DEFAULT_SNAPLEN = 128;
  /** A 32 MiB ring took 0.58 Mpps here without drops (FACTS.md). */
  public static final int DEFAULT_BUFFER_BYTES = 32 << 20;
  /**
   * How long a partly filled block waits before the kernel hands it over (the ring's retire
   * timeout, libpcap's read timeout): the latest a packet reaches the count. Not immediate mode,
   * which would push libpcap back to TPACKET_V2.
   */
  static final int TIMEOUT_MILLIS = 100;

  /** Which path to capture by. */
  public enum Method {
    /** The ring where it can be had, else libpcap. */
    AUTO,
    /** The ring or nothing (an error says why not). */
    RING,
    /** libpcap's pcap_dispatch. */
    LIBPCAP
  }

  private LiveCapture() {}

  /**
   * Opens {@code interfaceName} (null: iftop's choice) for capture.
   *
   * @param filter a BPF expression, or null for everything
   * @throws CaptureException with one line for the user: no such interface (listing those there
   *     are), no permission (naming the capability), libpcap missing, a bad filter, or (asking for
   *     the ring) why the ring cannot be had
   */
  public static PacketSource open(String interfaceName, boolean promiscuous, String filter, int snaplen,
      int bufferBytes, Method method) throws CaptureException {
    CaptureDevice device = Interfaces.find(interfaceName);
    String why;
    if (method == Method.LIBPCAP) {
      why = "asked for";
    } else if (device.name().equals("any")) {
      why = "-i any is a cooked capture over every device";
    } else {
      try {
        return RingCapture.open(device, promiscuous, filter, snaplen, bufferBytes);
      } catch (RingCapture.Unavailable e) {
        if (method == Method.RING) {
          throw new CaptureException("no kernel ring on " + device.name() + ": " + e.getMessage());
        }
        why = "no kernel ring: " + e.getMessage();
      }
    }
    if (method == Method.RING) {
      throw new CaptureException("no kernel ring on " + device.name() + ": " + why);
    }
    return PcapCapture.open(device, promiscuous, filter, snaplen, bufferBytes, why);
  }

  /**
   * Binds the native functions live capture needs, on a thread of its own, while the caller does
   * something else (parses its command line): the FFM linker's first calls and libpcap's device
   * list take tens of milliseconds that would otherwise come between launch and capture. What
   * fails here is left for {@link #open} to report.
   */
  public static void prepareInBackground() {
    Thread.ofPlatform().daemon().name("capture-prepare").start(() -> {
      try {
        Interfaces.all();
        Libpcap.prepareCompiler();
        Libc.prepare();
      } catch (CaptureException | RuntimeException | LinkageError e) {
        // open() will meet it again and say what is wrong
      }
    });
  }

  /** One line for a device that would not open: permission problems name the capabilities. */
  static CaptureException openFailure(String name, boolean promiscuous, String message) {
    String text = message == null ? "" : message;
    if (text.contains("ermission") || text.contains("not permitted")) {
      // Not setcap on the java binary: file capabilities make the JDK ignore LD_LIBRARY_PATH and
      // $ORIGIN, and it no longer finds its own libjli.so.
      return new CaptureException("no permission to capture on " + name + ": capturing needs CAP_NET_RAW"
          + (promiscuous ? " and, for promiscuous mode, CAP_NET_ADMIN" : "")
          + ": run as root, or as a user given CAP_NET_RAW and CAP_NET_ADMIN as ambient capabilities"
          + " (systemd: AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN; by hand: setpriv --inh-caps=+net_raw,+net_admin"
          + " --ambient-caps=+net_raw,+net_admin); see the README, \"Capture without root\"");
    }
    return new CaptureException("cannot capture on " + name + ": " + (text.isEmpty() ? "unknown libpcap error" : text));
  }
}
