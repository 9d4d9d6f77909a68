package io.clustertop.launcher;

import io.clustertop.auth.tls.TlsFiles;
import sun.misc.Signal;

/**
 * SIGHUP re-reads a long-running server's TLS files at once (they are also looked at every
 * {@code --tls-reload}); without this handler the JVM would take SIGHUP as a request to exit.
 */
final class ReloadOnHangup {
  private ReloadOnHangup() {}

  static void install(String who, TlsFiles files) {
    if (files == null) {
      return;
    }
    try {
      Signal.handle(new Signal("HUP"), signal -> {
        String problem = files.reload();
        System.err.println("clustertop " + who + ": SIGHUP: " + (problem == null ? "TLS files re-read"
            : "TLS files not re-read, the ones in use stay: " + problem));
      });
    } catch (IllegalArgumentException e) {
      // no SIGHUP here (or the JVM runs with -Xrs): the files are still looked at every --tls-reload
    }
  }
}
