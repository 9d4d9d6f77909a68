package io.clustertop.console.terminal;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import sun.misc.Signal;

/**
 * The controlling terminal for the full screen: character-at-a-time input without echo (Ctrl-C
 * still interrupts), the alternate screen with the cursor hidden, the size, and a flag raised when
 * the size changes (SIGWINCH). {@link #close()} puts everything back, and so does a shutdown hook
 * if the JVM ends without it (Ctrl-C, SIGTERM).
 *
 * <p>We drive the terminal with {@code stty} and ANSI sequences rather than a terminal library: the
 * screen needs nothing else, every terminal emulator in use speaks these sequences, and the jar
 * stays free of native terminal providers.
 *
 * <p>Thread safety: keys are read on a daemon thread into a queue; the rest belongs to the screen's
 * thread, except the resize flag, which the signal handler raises.
 */
public final class Terminal implements AutoCloseable {
  private static final String CSI = "\u001b[";
  private final String saved;
  private final PrintStream out;
  private final BlockingQueue<Integer> bytes = new LinkedBlockingQueue<>();
  private final Thread restoreOnExit;
  private volatile boolean resized = true;
  private boolean restored;

  private Terminal(String saved) {
    this.saved = saved;
    this.out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    this.restoreOnExit = new Thread(this::restore);
  }

  /** True when standard input and output are both a terminal: the full screen is possible. */
  public static boolean available() {
    return System.console() != null && System.console().isTerminal();
  }

  /** Takes the terminal over: raw-ish input, alternate screen, no cursor. */
  public static Terminal open(InputStream in) throws IOException {
    String saved = Stty.run("-g");
    if (saved == null || Stty.run("-icanon", "-echo", "-ixon", "min", "1") == null) {
      throw new IOException("cannot set the terminal's mode (stty failed)");
    }
    Terminal t = new Terminal(saved.trim());
    Runtime.getRuntime().addShutdownHook(t.restoreOnExit);
    Signal.handle(new Signal("WINCH"), signal -> t.resized = true);
    Thread.ofPlatform().daemon().name("keys").start(() -> {
      try {
        for (int c; (c = in.read()) >= 0; ) {
          t.bytes.add(c);
        }
      } catch (IOException e) {
        // input closed
      }
      t.bytes.add(-1);
    });
    t.out.print(CSI + "?1049h" + CSI + "?25l" + CSI + "2J");
    t.out.flush();
    return t;
  }

  public KeyDecoder keys() {
    return new KeyDecoder(bytes);
  }

  public PrintStream out() {
    return out;
  }

  /** True once after each change of size (and at the start). */
  public boolean takeResize() {
    boolean r = resized;
    resized = false;
    return r;
  }

  /** Rows and columns, from {@code stty size}; 24x80 if it cannot tell. */
  public int[] size() {
    String s = Stty.run("size");
    if (s != null) {
      String[] parts = s.trim().split("\\s+");
      if (parts.length == 2) {
        try {
          int rows = Integer.parseInt(parts[0]);
          int cols = Integer.parseInt(parts[1]);
          if (rows > 0 && cols > 0) {
            return new int[] {rows, cols};
          }
        } catch (NumberFormatException e) {
          // fall through to the default
        }
      }
    }
    return new int[] {24, 80};
  }

  private synchronized void restore() {
    if (restored) {
      return;
    }
    restored = true;
    out.print(CSI + "0m" + CSI + "?25h" + CSI + "?1049l");
    out.flush();
    Stty.run(saved);
  }

  @Override
  public void close() {
    restore();
    try {
      Runtime.getRuntime().removeShutdownHook(restoreOnExit);
    } catch (IllegalStateException e) {
      // already shutting down: the hook restores (again, harmlessly)
    }
  }
}
