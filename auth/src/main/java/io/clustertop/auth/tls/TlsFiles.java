package io.clustertop.auth.tls;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * A side's TLS files (its certificate chain and key, the CA certificates it trusts) held in
 * grpc-java's {@link AdvancedTlsX509KeyManager} and {@link AdvancedTlsX509TrustManager}, so they can
 * be replaced while the process runs: every handshake after a {@link #reload} uses the new files,
 * and connections already made keep theirs (an agent's stream is not dropped by a rotation).
 *
 * <p>The files are looked at every {@code every} (their modification times and sizes) and re-read
 * when they changed, and at once on {@link #reload} (what SIGHUP calls). A reading that fails (a
 * file missing, a key that is not the certificate's, as when a pair is caught half replaced) is
 * refused: the old files stay in use, the failure is logged and counted, and the next look tries
 * again.
 *
 * <p>Thread safety: safe; reloads are serialised, handshakes read the managers' current state.
 */
public final class TlsFiles implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(TlsFiles.class.getName());

  private final Path certificate;
  private final Path key;
  private final Path ca;
  private final AdvancedTlsX509KeyManager keyManager;
  /** Checks servers as clients do: the chain, and the server's name against the address dialled. */
  private final AdvancedTlsX509TrustManager serverChecker;
  /** Checks clients as servers do: the chain only (a client's certificate names no address it dials from). */
  private final AdvancedTlsX509TrustManager clientChecker;
  private final ScheduledExecutorService watcher;
  private final LongAdder applied = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private List<Object> stamps;
  private volatile TlsMaterial current;
  private String lastProblem;

  private TlsFiles(Path certificate, Path key, Path ca, TlsMaterial first) throws TlsFileException {
    this.certificate = certificate;
    this.key = key;
    this.ca = ca;
    this.keyManager = first.chain() == null ? null : new AdvancedTlsX509KeyManager();
    try {
      this.serverChecker = ca == null ? null : AdvancedTlsX509TrustManager.newBuilder()
          .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION).build();
      this.clientChecker = ca == null ? null : AdvancedTlsX509TrustManager.newBuilder()
          .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION).build();
    } catch (GeneralSecurityException e) {
      throw new TlsFileException("cannot set up TLS: " + e.getMessage());
    }
    this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "clustertop-tls-files");
      t.setDaemon(true);
      return t;
    });
    install(first);
    stamps = stamps();
  }

  /**
   * Reads the files (each may be null: a client without a certificate, a server trusting no CA)
   * and, with {@code every} above zero, looks at them that often.
   *
   * @throws TlsFileException a file is unreadable or not PEM, or the key is not the certificate's
   */
  public static TlsFiles open(Path certificate, Path key, Path ca, Duration every) throws TlsFileException {
    if ((certificate == null) != (key == null)) {
      throw new TlsFileException("a certificate and its key go together");
    }
    TlsFiles files = new TlsFiles(certificate, key, ca, TlsMaterial.read(certificate, key, ca));
    if (!every.isZero() && !every.isNegative()) {
      long nanos = every.toNanos();
      files.watcher.scheduleWithFixedDelay(files::reloadIfChanged, nanos, nanos, TimeUnit.NANOSECONDS);
    }
    return files;
  }

  /** A server's credentials: its certificate; with CA files, client certificates required (mutual TLS). */
  public ServerCredentials serverCredentials() {
    TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder().keyManager(requireKeyManager());
    if (clientChecker != null) {
      b.trustManager(clientChecker).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
    }
    return b.build();
  }

  /** A client's credentials: trust in the CA (with the server's name checked), and its certificate when it has one. */
  public ChannelCredentials channelCredentials() {
    if (serverChecker == null) {
      throw new IllegalStateException("a client needs the CA's certificate");
    }
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(serverChecker);
    if (keyManager != null) {
      b.keyManager(keyManager);
    }
    return b.build();
  }

  /** The same files for a server that is not gRPC (the metrics endpoint's HTTPS). */
  public SSLContext serverContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {requireKeyManager()},
          clientChecker == null ? null : new TrustManager[] {clientChecker}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS is not available: " + e.getMessage(), e);
    }
  }

  public boolean hasCertificate() {
    return keyManager != null;
  }

  /**
   * Reads the files now and uses them from the next handshake on; the old ones stay if they cannot
   * be read.
   *
   * @return null if applied, else why not
   */
  public synchronized String reload() {
    try {
      TlsMaterial read = TlsMaterial.read(certificate, key, ca);
      install(read);
      stamps = stamps();
      applied.increment();
      lastProblem = null;
      LOG.log(Level.INFO, "TLS files re-read: " + describe(read));
      return null;
    } catch (TlsFileException e) {
      refused.increment();
      String problem = e.getMessage();
      if (!problem.equals(lastProblem)) {
        LOG.log(Level.WARNING, "TLS files not re-read, the ones in use stay: " + problem);
        lastProblem = problem;
      }
      return problem;
    }
  }

  private synchronized void reloadIfChanged() {
    if (!Objects.equals(stamps(), stamps)) {
      reload();
    }
  }

  private void install(TlsMaterial read) throws TlsFileException {
    if (keyManager != null) {
      keyManager.updateIdentityCredentials(read.chain(), read.key());
    }
    if (serverChecker != null) {
      try {
        serverChecker.updateTrustCredentials(read.trusted());
        clientChecker.updateTrustCredentials(read.trusted());
      } catch (IOException | GeneralSecurityException e) {
        throw new TlsFileException(ca + ": " + e.getMessage());
      }
    }
    current = read;
  }

  /** Modification time and size of each file: a change in either is a change. */
  private List<Object> stamps() {
    List<Object> s = new ArrayList<>();
    for (Path p : new Path[] {certificate, key, ca}) {
      if (p != null) {
        try {
          s.add(Files.getLastModifiedTime(p));
          s.add(Files.size(p));
        } catch (IOException e) {
          s.add(e.getClass().getName());
        }
      }
    }
    return s;
  }

  private static String describe(TlsMaterial m) {
    return m.chain() == null ? "CA certificates only"
        : "certificate " + m.chain()[0].getSubjectX500Principal().getName() + ", serial "
            + m.chain()[0].getSerialNumber().toString(16) + ", valid until " + m.certificateNotAfter();
  }

  private AdvancedTlsX509KeyManager requireKeyManager() {
    if (keyManager == null) {
      throw new IllegalStateException("a server needs a certificate and its key");
    }
    return keyManager;
  }

  /** When the certificate in use expires; null without one. */
  public Instant certificateNotAfter() {
    return current.certificateNotAfter();
  }

  /** When the earliest trusted CA certificate expires; null without CA files. */
  public Instant caNotAfter() {
    return current.caNotAfter();
  }

  public long reloadsApplied() {
    return applied.sum();
  }

  public long reloadsRefused() {
    return refused.sum();
  }

  @Override
  public void close() {
    watcher.shutdownNow();
  }
}
