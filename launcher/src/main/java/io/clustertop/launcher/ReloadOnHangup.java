package io.clustertop.launcher;

import io.clustertop.auth.tls.TlsFiles;
import sun.misc.Signal;

/**
 * SIGHUP re-reads a long-running server's TLS files at once (they are also looked at every
 * {@code --tls-reload}); without this handler the JVM would take SIGHUP as a request to exit.
 */
final class ReloadOnHangup {
  private static final System.Logger LOG = System.getLogger(ReloadOnHangup.class.getName());

  private ReloadOnHangup() {}

  static void install(TlsFiles files) {
    if (files == null) {
      return;
    }
    try {
      Signal.handle(new Signal("HUP"), signal -> {
        String problem = files.reload();
        if (problem == null) {
          LOG.log(System.Logger.Level.INFO, "SIGHUP: TLS files re-read");
        } else {
          LOG.log(System.Logger.Level.WARNING, "SIGHUP: TLS files not re-read, the ones in use stay: " + problem);
        }
      });
    } catch (IllegalArgumentException e) {
      // no SIGHUP here (or the JVM runs with -Xrs): the files are still looked at every --tls-reload
    }
  }
}
