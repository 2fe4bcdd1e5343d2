package dev.granary.it.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.GranaryClient;
import dev.granary.it.Cli;
import dev.granary.it.ProcessCluster;
import dev.granary.wire.Frames;
import dev.granary.wire.MessageType;
import dev.granary.wire.Role;
import dev.granary.wire.msg.Hello;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.Ping;
import dev.granary.wire.msg.Pong;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.Transports;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Garbage on every port of a cluster (the master and each chunkserver): random bytes, a frame
 * header announcing 4 GiB (before and after the handshake), and half a frame followed by a close.
 * The server closes that one connection, stays up, and serves the next client.
 */
class GarbageInputTest {
  /** How long a server may take to close a connection that sent garbage. */
  static final int CLOSE_WITHIN_MS = 10_000;

  @TempDir
  Path tmp;

  @RegisterExtension
  final FaultCluster fault = new FaultCluster();

  ProcessCluster cluster;
  EventLoopGroup group;

  @AfterEach
  void stop() {
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  @Test
  void garbageOnEveryPortClosesOnlyThatConnection() throws Exception {
    cluster = fault.start(tmp.resolve("cluster"), 3);
    group = Transports.eventLoopGroup(1, "garbage-test");
    List<String> targets = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    targets.add("master");
    ports.add(cluster.masterAddress().port());
    for (int i = 0; i < cluster.chunkserverCount(); i++) {
      targets.add("chunkserver-" + i);
      ports.add(cluster.chunkserverPort(i));
    }
    SplittableRandom random = new SplittableRandom(4242);
    for (int t = 0; t < targets.size(); t++) {
      String name = targets.get(t);
      int port = ports.get(t);

      byte[] noise = new byte[64 * 1024];
      random.nextBytes(noise);
      assertClosedAfter(name, port, noise, "random bytes");
      assertServes(name, port);

      assertClosedAfter(name, port, hugeHeader(MessageType.HELLO), "a 4 GiB HELLO header");
      assertServes(name, port);

      byte[] afterHandshake = concat(frame(1, new Hello(Role.CLIENT, "", "garbage-test")),
          hugeHeader(MessageType.WRITE_PACKET));
      assertClosedAfter(name, port, afterHandshake, "a 4 GiB WRITE_PACKET after HELLO");
      assertServes(name, port);

      // Half a frame, left hanging while another client is served, then closed.
      byte[] hello = frame(1, new Hello(Role.CLIENT, "", "garbage-test"));
      try (Socket s = connect(port)) {
        s.getOutputStream().write(Arrays.copyOf(hello, hello.length / 2));
        s.getOutputStream().flush();
        assertServes(name, port);
      }
      assertServes(name, port);
      System.out.printf("%s (port %d): survived random bytes, 4 GiB headers and half a frame%n",
          name, port);
    }

    // The next ordinary client: the operator's `ls`, then a put and a get through every node.
    String master = cluster.masterAddress().toString();
    Cli.Result ls = Cli.run(master, null, "ls", "/");
    assertEquals(0, ls.code(), () -> ls + "\n" + cluster.logs());
    byte[] d = Faults.data(2 * Faults.CHUNK + 5, 51);
    try (GranaryClient c = cluster.client(Faults.CLIENT_TIMEOUT)) {
      Faults.write(c, "/after-garbage", d, false);
      assertArrayEquals(d, Faults.read(c, "/after-garbage"));
      assertEquals(3, Faults.chunks(c, "/after-garbage").get(0).replicas().size());
    }
    assertTrue(cluster.masterRunning(), "master died\n" + cluster.logs());
    for (int i = 0; i < cluster.chunkserverCount(); i++) {
      assertTrue(cluster.chunkserverRunning(i), "chunkserver " + i + " died\n" + cluster.logs());
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout(CLOSE_WITHIN_MS);
    return s;
  }

  /** Sends {@code bytes} and expects the server to close the connection (EOF or reset). */
  private void assertClosedAfter(String name, int port, byte[] bytes, String what)
      throws IOException {
    try (Socket s = connect(port)) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      try {
        out.write(bytes);
        out.flush();
      } catch (IOException e) {
        return; // The server closed before it had read everything: closed, as it should.
      }
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WITHIN_MS);
      byte[] buf = new byte[4096];
      try {
        // Whatever it answers (HELLO_OK, an ERROR frame) must be followed by the close.
        while (in.read(buf) >= 0) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError(name + " (port " + port + ") kept talking instead of closing"
                + " after " + what + "\n" + cluster.logs());
          }
        }
        return;
      } catch (SocketTimeoutException e) {
        throw new AssertionError(name + " (port " + port + ") kept the connection open "
            + CLOSE_WITHIN_MS + " ms after " + what + "\n" + cluster.logs(), e);
      } catch (IOException e) {
        return; // Reset by the server: closed.
      }
    }
  }

  /** The process is alive and a fresh client completes a handshake and a PING. */
  private void assertServes(String name, int port) throws Exception {
    boolean alive = name.equals("master") ? cluster.masterRunning()
        : cluster.chunkserverRunning(Integer.parseInt(name.substring(name.indexOf('-') + 1)));
    assertTrue(alive, () -> name + " is no longer running\n" + cluster.logs());
    Duration timeout = Duration.ofSeconds(10);
    try (Connection c = cluster.rawClient(group, port, "garbage-test", timeout)) {
      Message reply = c.call(new Ping(), timeout).get(10, TimeUnit.SECONDS);
      assertTrue(reply instanceof Pong, () -> name + " answered PING with " + reply);
    }
  }

  /** A header announcing a payload of 0xFFFFFFFF bytes (4 GiB - 1) of a known type. */
  private static byte[] hugeHeader(MessageType type) {
    ByteBuffer b = ByteBuffer.allocate(Frames.HEADER_LENGTH);
    b.putInt(Frames.MAGIC).put((byte) Frames.VERSION).put((byte) 0).putShort((short) type.code())
        .putLong(2).putInt(0xFFFFFFFF);
    return b.array();
  }

  /** A well-formed request frame, encoded by hand as the protocol describes. */
  private static byte[] frame(long requestId, Message m) {
    ByteBuf payload = Unpooled.buffer();
    try {
      m.encode(payload);
      ByteBuffer b = ByteBuffer.allocate(Frames.HEADER_LENGTH + payload.readableBytes());
      b.putInt(Frames.MAGIC).put((byte) Frames.VERSION).put((byte) 0)
          .putShort((short) m.type().code()).putLong(requestId).putInt(payload.readableBytes());
      payload.readBytes(b);
      return b.array();
    } finally {
      payload.release();
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
