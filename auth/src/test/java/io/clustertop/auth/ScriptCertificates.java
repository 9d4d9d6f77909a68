package io.clustertop.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made by the project's own script, {@code bin/clustertop-certs}, into a directory of
 * the test's: what an operator would make (the CA first, once). Shipped in this module's test jar
 * for the agent's and the launcher's tests.
 */
public final class ScriptCertificates {
  private final Path dir;

  public ScriptCertificates(Path dir) {
    this.dir = dir;
  }

  /** The script, found from the module's directory (where surefire runs) or the repository's. */
  public static Path script() {
    for (Path p : List.of(Path.of("../bin/clustertop-certs"), Path.of("bin/clustertop-certs"))) {
      if (Files.isRegularFile(p)) {
        return p.toAbsolutePath().normalize();
      }
    }
    throw new IllegalStateException("bin/clustertop-certs not found from " + Path.of("").toAbsolutePath());
  }

  /**
   * Runs {@code clustertop-certs DIR ARGS...}, after {@code clustertop-certs DIR ca} when the
   * directory has no CA yet; fails the test with the script's output if it fails.
   */
  public ScriptCertificates make(String... args) throws IOException, InterruptedException {
    if (!Files.exists(dir.resolve("ca.key"))) {
      succeed(List.of("ca"));
    }
    succeed(List.of(args));
    return this;
  }

  private void succeed(List<String> args) throws IOException, InterruptedException {
    Result r = run(args);
    if (r.status() != 0) {
      throw new AssertionError("clustertop-certs " + String.join(" ", args) + " failed (" + r.status() + "): " + r.output());
    }
  }

  /** Runs the script with {@code args} after the directory: its exit status and its output (both streams). */
  public Result run(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", script().toString(), dir.toString()));
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("clustertop-certs " + String.join(" ", args) + " did not end: " + output);
    }
    return new Result(p.exitValue(), output);
  }

  /** What a run of the script said. */
  public record Result(int status, String output) {}

  public Path dir() {
    return dir;
  }

  public Path ca() {
    return dir.resolve("ca.crt");
  }

  public Path certificate(String name) {
    return dir.resolve(name + ".crt");
  }

  public Path key(String name) {
    return dir.resolve(name + ".key");
  }

  public X509Certificate read(String name) throws Exception {
    try (var in = Files.newInputStream(certificate(name))) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  /** Runs openssl in the directory, for certificates the script does not make (OUs, DNS names only). */
  public void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("openssl " + String.join(" ", args) + " failed: " + output);
    }
  }

  /** A certificate of the script's CA with the subject and extensions given (openssl's -subj and x509v3 lines). */
  public X509Certificate custom(String name, String subject, String extensions) throws Exception {
    Files.writeString(dir.resolve(name + ".ext"), extensions + "\n");
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name + ".key");
    openssl("req", "-new", "-key", name + ".key", "-subj", subject, "-out", name + ".csr");
    openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "2", "-extfile", name + ".ext", "-out", name + ".crt");
    return read(name);
  }
}
