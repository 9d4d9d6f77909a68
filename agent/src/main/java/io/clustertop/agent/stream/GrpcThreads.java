package io.clustertop.agent.stream;

import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The threads of all of an agent's gRPC: one event loop for every socket (the stream to the
 * collector, the watch server's listener and its consoles) and a small fixed pool for gRPC's
 * callbacks, where gRPC's defaults would make an event loop per core for clients and another for
 * servers and an unbounded pool of callback threads. An agent holds one stream and a console or
 * two; its threads should not grow with the machine (a node has many cores) or with load.
 *
 * <p>The callbacks run briefly (a batch is queued, an Ack releases the buffer, a snapshot is sent
 * under flow control); none waits for another, so two threads never starve each other's work.
 *
 * <p>Thread safety: safe to share; {@link #close()} once, after the users are closed.
 */
public final class GrpcThreads implements AutoCloseable {
  /** Callback threads: two, so a slow console's callback never holds up the ingest stream alone. */
  public static final int CALLBACK_THREADS = 2;

  private final EventLoopGroup loop =
      new NioEventLoopGroup(1, Thread.ofPlatform().name("grpc-loop").daemon().factory());
  private final ExecutorService callbacks =
      Executors.newFixedThreadPool(CALLBACK_THREADS, Thread.ofPlatform().name("grpc-callback-", 1).daemon().factory());

  /** {@code builder} with these threads. */
  public NettyChannelBuilder onThese(NettyChannelBuilder builder) {
    return builder.eventLoopGroup(loop).channelType(NioSocketChannel.class).executor(callbacks)
        .offloadExecutor(callbacks); // name resolution, which gRPC would give a pool of its own
  }

  /** {@code builder} with these threads. */
  public NettyServerBuilder onThese(NettyServerBuilder builder) {
    return builder.bossEventLoopGroup(loop).workerEventLoopGroup(loop).channelType(NioServerSocketChannel.class)
        .executor(callbacks);
  }

  /** Runs {@code task} on the event loop after {@code delayNanos}: timers without a thread of their own. */
  void schedule(Runnable task, long delayNanos) {
    loop.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    callbacks.shutdown();
    loop.shutdownGracefully(0, 2, TimeUnit.SECONDS);
  }
}
