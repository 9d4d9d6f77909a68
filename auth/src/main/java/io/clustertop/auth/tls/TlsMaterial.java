package io.clustertop.auth.tls;

import io.grpc.util.CertificateUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * One reading of the TLS files: a certificate chain and its key (both or neither) and the trusted
 * CA certificates (or none), checked: the key must be the certificate's, so a pair caught half
 * replaced is refused rather than served.
 */
record TlsMaterial(X509Certificate[] chain, PrivateKey key, X509Certificate[] trusted) {
  static TlsMaterial read(Path certificate, Path key, Path ca) throws TlsFileException {
    X509Certificate[] chain = certificate == null ? null : certificates("certificate", certificate);
    PrivateKey privateKey = key == null ? null : privateKey(key);
    X509Certificate[] trusted = ca == null ? null : certificates("CA", ca);
    if (chain != null && !matches(privateKey, chain[0].getPublicKey())) {
      throw new TlsFileException(key + " is not the key of the certificate in " + certificate);
    }
    return new TlsMaterial(chain, privateKey, trusted);
  }

  /** When this side's certificate expires; null without one. */
  Instant certificateNotAfter() {
    return chain == null ? null : chain[0].getNotAfter().toInstant();
  }

  /** When the first of the trusted CA certificates expires; null without them. */
  Instant caNotAfter() {
    if (trusted == null) {
      return null;
    }
    Instant first = null;
    for (X509Certificate c : trusted) {
      Instant t = c.getNotAfter().toInstant();
      first = first == null || t.isBefore(first) ? t : first;
    }
    return first;
  }

  private static X509Certificate[] certificates(String what, Path file) throws TlsFileException {
    try (InputStream in = Files.newInputStream(file)) {
      X509Certificate[] certificates = CertificateUtils.getX509Certificates(in);
      if (certificates.length == 0) {
        throw new TlsFileException(file + ": no " + what + " certificate in it (PEM)");
      }
      return certificates;
    } catch (IOException | GeneralSecurityException e) {
      throw new TlsFileException(file + ": cannot read the " + what + " certificate (" + e.getMessage() + ")");
    }
  }

  private static PrivateKey privateKey(Path file) throws TlsFileException {
    try (InputStream in = Files.newInputStream(file)) {
      return CertificateUtils.getPrivateKey(in);
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new TlsFileException(file + ": cannot read the key (PEM, PKCS#8: " + e.getMessage() + ")");
    }
  }

  /** Signs a few bytes with the key and checks them with the certificate's public key. */
  private static boolean matches(PrivateKey key, PublicKey certified) {
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      case "Ed448" -> "Ed448";
      default -> null;
    };
    if (algorithm == null) {
      return key.getAlgorithm().equals(certified.getAlgorithm());
    }
    try {
      byte[] probe = "clustertop key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certified);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
