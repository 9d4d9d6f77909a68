package io.clustertop.launcher;

import io.clustertop.console.json.JsonWriter;
import java.text.MessageFormat;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The one logging backend: every {@link System.Logger} of clustertop (and gRPC's and Netty's
 * java.util.logging) writes one line per event to standard error, as text or as a JSON object,
 * never java.util.logging's two-line default and never a stack trace (an exception is named on the
 * line, with its message). Configured by the launcher before a command runs.
 *
 * <p>Levels: INFO and above, WARNING and above with {@code --quiet}; gRPC's and Netty's own INFO
 * lines are about their internals, so they start at WARNING.
 *
 * <p>While the full screen is up, standard error is that screen: events are held (the last
 * {@link #HELD_LINES}) and written when the screen closes ({@link #holdWhileOnScreen()}).
 */
final class Logging {
  /** How each event is written. */
  enum Format {
    TEXT,
    JSON
  }

  private static final Logger ROOT = Logger.getLogger("");
  /** Held, so that the level set on it stays (java.util.logging keeps loggers weakly). */
  private static final Logger GRPC = Logger.getLogger("io.grpc");
  private static final Logger NETTY = Logger.getLogger("io.netty");

  /** Events held while the full screen is up, at most. */
  static final int HELD_LINES = 200;
  private static final java.util.ArrayDeque<String> HELD = new java.util.ArrayDeque<>();
  private static boolean holding;
  private static long dropped;

  private Logging() {}

  /** A hold on the log; closing it writes what was held. */
  interface Hold extends AutoCloseable {
    @Override
    void close();
  }

  /** Holds every event until the returned handle is closed, then writes them: for the full screen. */
  static Hold holdWhileOnScreen() {
    synchronized (HELD) {
      holding = true;
    }
    return () -> {
      synchronized (HELD) {
        holding = false;
        if (dropped > 0) {
          System.err.println("(" + dropped + " earlier log lines were not kept while the screen was up)");
        }
        HELD.forEach(System.err::print);
        System.err.flush();
        HELD.clear();
        dropped = 0;
      }
    };
  }

  static void configure(boolean quiet, Format format) {
    for (Handler h : ROOT.getHandlers()) {
      ROOT.removeHandler(h);
    }
    Handler stderr = new StandardErrorHandler(format == Format.JSON ? new JsonLine() : new TextLine());
    ROOT.addHandler(stderr);
    ROOT.setLevel(quiet ? Level.WARNING : Level.INFO);
    GRPC.setLevel(Level.WARNING);
    NETTY.setLevel(Level.WARNING);
  }

  /** {@code --log-format}'s value. */
  static Format format(String text) {
    return switch (text) {
      case "text" -> Format.TEXT;
      case "json" -> Format.JSON;
      default -> throw new UserError("invalid --log-format '" + text + "': use text or json");
    };
  }

  /** Writes to whatever {@link System#err} is when the event comes (tests replace it). */
  private static final class StandardErrorHandler extends Handler {
    StandardErrorHandler(Formatter formatter) {
      setFormatter(formatter);
    }

    @Override
    public void publish(LogRecord record) {
      if (!isLoggable(record)) {
        return;
      }
      String line = getFormatter().format(record);
      synchronized (HELD) {
        if (holding) {
          if (HELD.size() == HELD_LINES) {
            HELD.removeFirst();
            dropped++;
          }
          HELD.addLast(line);
          return;
        }
        System.err.print(line);
        System.err.flush();
      }
    }

    @Override
    public void flush() {
      System.err.flush();
    }

    @Override
    public void close() {}
  }

  /** {@code 2026-05-01T10:00:00.123Z WARNING IngestClient: the collector at ... (UnknownHostException: x)} */
  static final class TextLine extends Formatter {
    @Override
    public String format(LogRecord r) {
      return Instant.ofEpochMilli(r.getMillis()) + " " + r.getLevel().getName() + " " + source(r) + ": "
          + oneLine(message(r)) + error(r).map(e -> " (" + oneLine(e) + ")").orElse("") + System.lineSeparator();
    }
  }

  /** {@code {"time":"...","level":"WARNING","logger":"io.clustertop...","message":"...","error":"..."}} */
  static final class JsonLine extends Formatter {
    @Override
    public String format(LogRecord r) {
      JsonWriter json = new JsonWriter().beginObject()
          .name("time").value(Instant.ofEpochMilli(r.getMillis()).toString())
          .name("level").value(r.getLevel().getName())
          .name("logger").value(r.getLoggerName())
          .name("message").value(message(r));
      error(r).ifPresent(e -> json.name("error").value(e));
      return json.endObject() + System.lineSeparator();
    }
  }

  /** The message with its parameters, as System.Logger's {@code {0}} placeholders ask. */
  private static String message(LogRecord r) {
    String m = r.getMessage() == null ? "" : r.getMessage();
    Object[] parameters = r.getParameters();
    if (parameters == null || parameters.length == 0) {
      return m;
    }
    try {
      return MessageFormat.format(m, parameters);
    } catch (IllegalArgumentException e) {
      return m;
    }
  }

  /** The exception's kind and message, and its root cause's, on no more than one line. */
  private static java.util.Optional<String> error(LogRecord r) {
    Throwable t = r.getThrown();
    if (t == null) {
      return java.util.Optional.empty();
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    if (root != t) {
      text += "; " + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
    return java.util.Optional.of(text);
  }

  /** The logger's last name: the class that logged. */
  private static String source(LogRecord r) {
    String name = r.getLoggerName() == null ? "" : r.getLoggerName();
    return name.substring(name.lastIndexOf('.') + 1);
  }

  /** Line breaks inside a message would make two events of one. */
  private static String oneLine(String text) {
    return text.replace("\r", "\\r").replace("\n", "\\n");
  }
}
