package io.clustertop.launcher;

import io.clustertop.auth.tls.TlsFileException;
import io.clustertop.auth.tls.TlsFiles;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * TLS for every gRPC connection of the cluster: the collector's and the agent's servers, the agent's
 * and the console's connections. Without these options everything is plaintext, which a server
 * allows on loopback only ({@link ServerAccessOptions}).
 *
 * <p>A server with {@code --tls-cert} and {@code --tls-key} speaks TLS; with {@code --tls-ca} too
 * it requires client certificates signed by that CA (mutual TLS), and their roles decide what each
 * caller may do. A client with {@code --tls-ca} speaks TLS and trusts servers signed by that CA
 * (their names checked against the address dialled); with {@code --tls-cert}/{@code --tls-key} too
 * it presents its own certificate. Files are PEM, the key PKCS#8. They are looked at every
 * {@code --tls-reload} and re-read when they changed (and on SIGHUP, for the collector and the
 * agent): new connections use the new files, connections already made keep theirs.
 */
final class TlsOptions implements AutoCloseable {
  @Option(names = "--tls-cert", paramLabel = "file", description = "This side's certificate chain (PEM).")
  Path certificate;

  @Option(names = "--tls-key", paramLabel = "file", description = "This side's private key (PEM, PKCS#8).")
  Path key;

  @Option(names = "--tls-ca", paramLabel = "file", description = "CA certificates to trust (PEM): the servers', and for a server, its clients'.")
  Path ca;

  @Option(names = "--tls-reload", paramLabel = "span",
      description = "How often the TLS files are looked at, and re-read if they changed (SIGHUP: at once) (default: ${DEFAULT-VALUE}).")
  String reload = "1m";

  private TlsFiles files;

  ServerCredentials serverCredentials() {
    if (certificate == null && key == null) {
      if (ca != null) {
        throw new UserError("--tls-ca on a server needs --tls-cert and --tls-key too");
      }
      return InsecureServerCredentials.create();
    }
    checkPair();
    return files().serverCredentials();
  }

  ChannelCredentials channelCredentials() {
    if (ca == null) {
      if (certificate != null || key != null) {
        throw new UserError("--tls-cert and --tls-key on a client need --tls-ca (the CA of the server)");
      }
      return InsecureChannelCredentials.create();
    }
    if (certificate != null || key != null) {
      checkPair();
    }
    return files().channelCredentials();
  }

  /** A server with these options requires client certificates of the CA. */
  boolean mutual() {
    return certificate != null && key != null && ca != null;
  }

  /** The files once read (by either credentials method); null without TLS. */
  TlsFiles files() {
    if (files == null && (certificate != null || ca != null)) {
      if (ca != null) {
        readable("--tls-ca", ca);
      }
      try {
        files = TlsFiles.open(certificate, key, ca, DurationText.parse("--tls-reload", reload));
      } catch (TlsFileException e) {
        throw new UserError("cannot use the TLS files: " + e.getMessage(), e);
      }
    }
    return files;
  }

  private void checkPair() {
    if (certificate == null || key == null) {
      throw new UserError("--tls-cert and --tls-key go together");
    }
    readable("--tls-cert", certificate);
    readable("--tls-key", key);
  }

  private static Path readable(String option, Path file) {
    if (!Files.isReadable(file)) {
      throw new UserError(option + " " + file + ": no such readable file");
    }
    return file;
  }

  @Override
  public void close() {
    if (files != null) {
      files.close();
    }
  }
}
