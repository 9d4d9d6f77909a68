package io.clustertop.launcher;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * TLS for every gRPC connection of the cluster: the collector's and the agent's servers, the agent's
 * and the console's connections. Without these options everything is plaintext (servers listen on
 * 127.0.0.1 unless told otherwise).
 *
 * <p>A server with {@code --tls-cert} and {@code --tls-key} speaks TLS; with {@code --tls-ca} too
 * it requires client certificates signed by that CA (mutual TLS). A client with {@code --tls-ca}
 * speaks TLS and trusts servers signed by that CA; with {@code --tls-cert}/{@code --tls-key} too it
 * presents its own certificate. Files are PEM.
 */
final class TlsOptions {
  @Option(names = "--tls-cert", paramLabel = "file", description = "This side's certificate chain (PEM).")
  Path certificate;

  @Option(names = "--tls-key", paramLabel = "file", description = "This side's private key (PEM, PKCS#8).")
  Path key;

  @Option(names = "--tls-ca", paramLabel = "file", description = "CA certificates to trust (PEM): the servers', and for a server, its clients'.")
  Path ca;

  ServerCredentials serverCredentials() {
    if (certificate == null && key == null) {
      if (ca != null) {
        throw new UserError("--tls-ca on a server needs --tls-cert and --tls-key too");
      }
      return InsecureServerCredentials.create();
    }
    checkPair();
    try {
      TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder().keyManager(certificate.toFile(), key.toFile());
      if (ca != null) {
        b.trustManager(readable("--tls-ca", ca).toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      }
      return b.build();
    } catch (IOException | IllegalArgumentException e) {
      throw new UserError("cannot use the TLS files: " + e.getMessage(), e);
    }
  }

  ChannelCredentials channelCredentials() {
    if (ca == null) {
      if (certificate != null || key != null) {
        throw new UserError("--tls-cert and --tls-key on a client need --tls-ca (the CA of the server)");
      }
      return InsecureChannelCredentials.create();
    }
    try {
      TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(readable("--tls-ca", ca).toFile());
      if (certificate != null || key != null) {
        checkPair();
        b.keyManager(certificate.toFile(), key.toFile());
      }
      return b.build();
    } catch (IOException | IllegalArgumentException e) {
      throw new UserError("cannot use the TLS files: " + e.getMessage(), e);
    }
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
}
