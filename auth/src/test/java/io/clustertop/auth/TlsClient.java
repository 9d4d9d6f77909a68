package io.clustertop.auth;

import io.grpc.util.CertificateUtils;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Plain JDK TLS clients with a script certificate: a scrape of /metrics, the serial a server shows.
 * In the test jar, for the launcher's tests too.
 */
public final class TlsClient {
  private final SSLContext context;

  public TlsClient(ScriptCertificates certs, String name) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    try (InputStream key = Files.newInputStream(certs.key(name)); InputStream chain = Files.newInputStream(certs.certificate(name))) {
      PrivateKey privateKey = CertificateUtils.getPrivateKey(key);
      keys.setKeyEntry("me", privateKey, new char[0], CertificateUtils.getX509Certificates(chain));
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", certs.read("ca"));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
  }

  /** GET https://127.0.0.1:port/metrics: the status and the body. */
  public HttpResponse<String> metrics(int port) throws Exception {
    try (HttpClient client = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(20)).build()) {
      return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/metrics"))
          .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  /** The serial of the certificate a new TLS connection to 127.0.0.1:port is shown. */
  public BigInteger serverSerial(int port) throws Exception {
    try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      s.startHandshake();
      return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }
}
