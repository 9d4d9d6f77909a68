package io.clustertop.kafka;

import io.clustertop.core.testing.CuttableProxy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A real Apache Kafka broker for tests: one KRaft node (broker and controller in one), run from
 * the kafka_2.13 and kafka-server jars as its own JVM on 127.0.0.1, on two free ports, with its
 * log directory in a temporary directory formatted first by Kafka's storage tool
 * ({@code kafka.tools.StorageTool format}). The ports are found free before the broker binds them;
 * when one was taken meanwhile, the first start tries again on new ones. A start that fails says the
 * broker's last errors in its exception.
 *
 * <p>As a JUnit extension ({@code @RegisterExtension static final KafkaBroker BROKER = new
 * KafkaBroker();}) it starts before a test class's first test and stops after its last: one
 * broker per class. Its directory is deleted then, unless a test failed: the broker's log
 * ({@code broker.log}, every start appended) is kept, and its path printed. {@link #stop()} and
 * {@link #start()} in a test restart it on the same ports and the same log directory, so a
 * producer's bootstrap address stays valid and what was written is still there.
 *
 * <p>The broker's class path is {@code kafka-broker.classpath}, written by this module's build
 * (maven-dependency-plugin) and shipped in its test jar, so another module's tests need only the
 * test jar.
 *
 * <p>Thread safety: none; one test thread drives it.
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback, TestWatcher {
  private static final String CLASS_PATH_RESOURCE = "/kafka-broker.classpath";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
  private static final int PORT_ATTEMPTS = 3;

  private Path dir;
  private int brokerPort;
  private int controllerPort;
  /** A second listener, advertised at {@link #cuttable}'s port: clients that bootstrap there stay behind the proxy. */
  private int proxiedPort;
  private CuttableProxy cuttable;
  private Process process;
  private boolean failed;
  private Duration lastStart = Duration.ZERO;
  /** The log's length when its latest process (the storage tool or the broker) began: what it logged since is that one's. */
  private long loggedBefore;
  /** Ports {@link #freePort()} hands out before it asks the system: a test's way to give the broker a taken one. */
  private final ArrayDeque<Integer> givenPorts = new ArrayDeque<>();

  public KafkaBroker() {}

  /** A broker whose first ports are these (broker, controller, proxied listener), in that order. */
  KafkaBroker(int... ports) {
    for (int port : ports) {
      givenPorts.add(port);
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    failed = true;
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close(failed || context.getExecutionException().isPresent());
  }

  /**
   * Starts the broker: the first time, on new ports and a newly formatted log directory; after
   * {@link #stop()}, on the same ones. Returns once the broker answers an admin request.
   */
  public void start() throws IOException, InterruptedException {
    if (process != null) {
      throw new IllegalStateException("the broker is running");
    }
    long begin = System.nanoTime();
    if (dir != null) {
      launch();
    } else {
      dir = Files.createTempDirectory("clustertop-kafka-");
      for (int attempt = 1; ; attempt++) {
        // A port found free is closed again before the broker binds it, and anything on the machine may
        // take it meanwhile (another test's client, as its own end of a connection): then new ports.
        brokerPort = freePort();
        controllerPort = freePort();
        proxiedPort = freePort();
        cuttable = new CuttableProxy(proxiedPort);
        writeConfiguration();
        if (attempt == 1) {
          format(); // the storage does not hold the ports
        }
        try {
          launch();
          break;
        } catch (IOException e) {
          stop(); // one that hangs rather than exits is not left behind
          cuttable.close();
          if (attempt == PORT_ATTEMPTS || !latestLog().contains("Address already in use")) {
            throw e;
          }
          System.err.println("kafka broker: a port was taken before it bound it; again on new ports");
          failed = false;
        }
      }
    }
    lastStart = Duration.ofNanos(System.nanoTime() - begin);
  }

  private void launch() throws IOException, InterruptedException {
    markLog();
    ProcessBuilder builder = java("kafka.Kafka", dir.resolve("server.properties").toString());
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
    process = builder.start();
    Process started = process;
    Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly)); // a test JVM that dies takes its broker along
    awaitReady();
  }

  /** How long the latest {@link #start()} took, formatting included the first time. */
  public Duration lastStart() {
    return lastStart;
  }

  /** {@code 127.0.0.1:port}, the same across restarts. */
  public String bootstrap() {
    return "127.0.0.1:" + brokerPort;
  }

  /**
   * The broker behind a proxy the test can cut (core's test {@link CuttableProxy}): a client that bootstraps
   * here is told the broker is at the proxy's address (a listener of its own advertised there), so all
   * of its traffic goes through it, and cutting it cuts that client off alone.
   */
  public CuttableProxy cuttable() {
    return cuttable;
  }

  /** The broker's output and log, every start appended. */
  public Path log() {
    return dir.resolve("broker.log");
  }

  /**
   * Every record of {@code topic} now, partition by partition (0 first), each in offset order: what
   * a plain consumer reads from the beginning up to the end offsets of the moment.
   */
  public List<ConsumerRecord<byte[], byte[]>> records(String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(topic, p.partition()))
          .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      for (TopicPartition partition : partitions) {
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (consumer.position(partition, Duration.ofSeconds(30)) < end.get(partition)) {
          if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException("could not read " + partition + " to offset " + end.get(partition));
          }
          consumer.poll(Duration.ofMillis(200)).records(partition).forEach(out::add);
        }
      }
      return out;
    }
  }

  /** Stops the broker (SIGTERM: a controlled shutdown), keeping its log directory for {@link #start()}. */
  public void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    process = null;
  }

  /** {@link #stop()} then {@link #start()}. */
  public void restart() throws IOException, InterruptedException {
    stop();
    start();
  }

  /**
   * Stops the broker and deletes its directory, or keeps it (and says where) when {@code keep}.
   */
  public void close(boolean keep) {
    if (cuttable != null) {
      try {
        cuttable.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    try {
      stop();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    if (dir == null) {
      return;
    }
    if (keep) {
      System.err.println("kafka broker's log kept: " + log());
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
    dir = null;
  }

  private void writeConfiguration() throws IOException {
    String config = String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort
            + ",CUTTABLE://127.0.0.1:" + proxiedPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CUTTABLE://127.0.0.1:" + cuttable.port(),
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,CUTTABLE:PLAINTEXT",
        "log.dirs=" + dir.resolve("data"),
        // One node: every internal topic has one replica.
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "default.replication.factor=1",
        "min.insync.replicas=1",
        "group.initial.rebalance.delay.ms=0",
        // Consumer groups (KIP-848) heartbeat every second here rather than every 5 s, so a rebalance in a
        // test takes a second or two; a member that stops heartbeating is out after 6 s rather than 45.
        "group.consumer.min.heartbeat.interval.ms=500",
        "group.consumer.heartbeat.interval.ms=1000",
        "group.consumer.min.session.timeout.ms=3000",
        "group.consumer.session.timeout.ms=6000",
        // Topics are made on purpose (the agent's TopicSetup, the tests), never by a stray read.
        "auto.create.topics.enable=false",
        "");
    Files.writeString(dir.resolve("server.properties"), config);
    Files.writeString(dir.resolve("log4j2.properties"), String.join("\n",
        "rootLogger.level=INFO",
        "rootLogger.appenderRef.out.ref=out",
        "appender.out.type=Console",
        "appender.out.name=out",
        "appender.out.layout.type=PatternLayout",
        "appender.out.layout.pattern=[%d] %p %m (%c)%n",
        ""));
  }

  private void format() throws IOException, InterruptedException {
    ProcessBuilder builder = java("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
        "-c", dir.resolve("server.properties").toString());
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
    markLog();
    Process format = builder.start();
    if (!format.waitFor(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || format.exitValue() != 0) {
      format.destroyForcibly();
      throw failure("formatting the broker's storage failed");
    }
  }

  /** A JVM of this test's Java running {@code mainClass} on the broker's class path, output merged. */
  private ProcessBuilder java(String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()),
        "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Djava.awt.headless=true",
        "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"),
        "-cp", classPath(),
        mainClass));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.remove("JAVA_TOOL_OPTIONS"); // the broker is not the test: no agents of the test's JVM
    return builder;
  }

  private static String classPath() throws IOException {
    try (InputStream in = KafkaBroker.class.getResourceAsStream(CLASS_PATH_RESOURCE)) {
      if (in == null) {
        throw new IOException(CLASS_PATH_RESOURCE + " is missing: build the kafka module (its test jar)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  /** Waits until the broker answers an admin request, or fails with the log's path if it exits or takes too long. */
  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000,
        AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100,
        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200))) {
      while (true) {
        if (!process.isAlive()) {
          int status = process.exitValue();
          process = null;
          throw failure("the broker exited while starting (status " + status + ")");
        }
        try {
          if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          // not yet
        }
        if (System.nanoTime() - deadline > 0) {
          throw failure("the broker did not answer within " + READY_TIMEOUT.toSeconds() + " s");
        }
        Thread.sleep(100);
      }
    }
  }

  /**
   * A start that failed, marked so (the log is kept), with its process's last error lines: it says why
   * where the test's output is read (CI keeps only that), not only in a log file that goes with the
   * machine.
   */
  private IOException failure(String what) throws IOException {
    failed = true;
    List<String> errors = latestLog().lines()
        .filter(line -> line.contains(" ERROR ") || line.contains(" FATAL ") || line.startsWith("Caused by: "))
        .toList();
    String why = errors.isEmpty()
        ? "it logged no error"
        : String.join(" | ", errors.subList(Math.max(0, errors.size() - 3), errors.size()));
    return new IOException(what + ": " + why + "; see " + log());
  }

  /** Notes where the log ends now: a process started next logs from there. */
  private void markLog() throws IOException {
    loggedBefore = Files.exists(log()) ? Files.size(log()) : 0;
  }

  /** What the latest process (the storage tool or the broker) logged. */
  private String latestLog() throws IOException {
    byte[] log = Files.readAllBytes(log());
    return new String(log, (int) loggedBefore, log.length - (int) loggedBefore, StandardCharsets.UTF_8);
  }

  private int freePort() throws IOException {
    Integer given = givenPorts.poll();
    if (given != null) {
      return given;
    }
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
