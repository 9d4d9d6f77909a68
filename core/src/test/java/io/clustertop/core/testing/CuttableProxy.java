package io.clustertop.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on 127.0.0.1 in front of a server (Kubernetes' mock API server, a Kafka broker's
 * listener), that a test can cut (every connection reset, new ones refused: the server unreachable
 * from the clients that go through it, the others untouched) and restore on the same port.
 */
public final class CuttableProxy implements AutoCloseable {
  private final int targetPort;
  private final int port;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket listener;

  public CuttableProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.port = listen(0);
  }

  public int port() {
    return port;
  }

  /** Closes every connection and stops accepting: its clients' calls fail. */
  public synchronized void cut() throws IOException {
    listener.close();
    for (Socket s : sockets) {
      try {
        s.setSoLinger(true, 0); // a reset, as a connection torn down on the way: each end learns at once
      } catch (SocketException e) {
        // closed already by its pump
      }
      s.close();
    }
    sockets.clear();
  }

  /** Accepts again, on the same port. */
  public synchronized void restore() throws IOException {
    listen(port);
  }

  @Override
  public void close() throws IOException {
    cut();
  }

  private int listen(int onPort) throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort));
    listener = server;
    Thread accept = new Thread(() -> accept(server), "proxy-accept");
    accept.setDaemon(true);
    accept.start();
    return server.getLocalPort();
  }

  private void accept(ServerSocket server) {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // cut
      }
      try {
        Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        synchronized (this) {
          if (server.isClosed()) { // cut while this one was being connected: it would outlive the cut
            closeQuietly(client);
            closeQuietly(target);
            return;
          }
          sockets.add(client);
          sockets.add(target);
        }
        pump(client, target);
        pump(target, client);
      } catch (IOException e) {
        closeQuietly(client); // the server is away (restarting): the client sees its connection closed
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side closed: close both below
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
