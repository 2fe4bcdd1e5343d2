package dev.granary.master.net;

import static dev.granary.master.testing.WireHarness.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.config.MasterConfig;
import dev.granary.master.MasterServer;
import dev.granary.master.testing.Poll;
import dev.granary.master.testing.WireHarness;
import dev.granary.wire.Frame;
import dev.granary.wire.FrameEncoder;
import dev.granary.wire.Frames;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Hello;
import dev.granary.wire.msg.HelloOk;
import dev.granary.wire.msg.ListRequest;
import dev.granary.wire.msg.ListResponse;
import dev.granary.wire.msg.MkdirRequest;
import dev.granary.wire.msg.Ping;
import dev.granary.wire.msg.Pong;
import dev.granary.wire.msg.StatRequest;
import dev.granary.wire.msg.StatResponse;
import dev.granary.wire.net.ConnectionClosedException;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.Transports;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one peer can make a real master hold: a client that pipelines requests and never reads the
 * replies, and more connections than {@code master.maxConnections}.
 */
class MasterLimitsTest {
  private static final Duration T = Duration.ofSeconds(10);
  /** Bytes of requests the flooding client tries to send: far more than socket buffers hold. */
  private static final long FLOOD_BYTES = 256L << 20;
  /** Netty memory the flood may add in this JVM (the master's queue is bounded near 2 MiB). */
  private static final long MEMORY_BOUND = 48L << 20;

  @TempDir
  Path tmp;
  @RegisterExtension
  final WireHarness wire = new WireHarness();

  private MasterServer start(int maxConnections) throws IOException {
    MasterServer m = new MasterServer(new MasterConfig("127.0.0.1", 0, tmp.resolve("master"),
        1 << 20, 3, 2, Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(30),
        "round-robin", 100_000, 2, maxConnections, Duration.ofMinutes(2))
        // The flood is written on a raw plaintext socket: what is tested is the bound above the
        // transport (Backpressure sits above TLS in a secured pipeline), not the TLS layer.
        .withSecurity(MasterConfig.NONE));
    return wire.start(m);
  }

  private Connection connect(MasterServer m, String id) throws Exception {
    return wire.connect(m, Role.CLIENT, id);
  }

  private static byte[] encode(Frame f) {
    EmbeddedChannel enc = new EmbeddedChannel(FrameEncoder.INSTANCE);
    enc.writeOutbound(f);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteBuf b; (b = enc.readOutbound()) != null; ) {
      byte[] bytes = new byte[b.readableBytes()];
      b.readBytes(bytes);
      out.writeBytes(bytes);
      b.release();
    }
    enc.finishAndReleaseAll();
    return out.toByteArray();
  }

  /** Reads one whole frame off a blocking socket. */
  private static Frame readFrame(DataInputStream in) throws IOException {
    byte[] header = new byte[Frames.HEADER_LENGTH];
    in.readFully(header);
    Frames.Header h = Frames.header(Unpooled.wrappedBuffer(header), 0);
    byte[] payload = new byte[h.length()];
    in.readFully(payload);
    return Frames.decode(h, Unpooled.wrappedBuffer(payload));
  }

  /** A client speaking the protocol over a plain socket, so that it can choose not to read. */
  private Socket rawClient(MasterServer m, int receiveBuffer) throws IOException {
    Socket s = new Socket();
    wire.closeAtEnd(s);
    s.setReceiveBufferSize(receiveBuffer);
    s.connect(new InetSocketAddress("127.0.0.1", m.port()), 10_000);
    s.setSoTimeout(10_000);
    s.getOutputStream().write(encode(Frame.request(1, new Hello(Role.CLIENT, "flood", "test"))));
    assertInstanceOf(HelloOk.class, readFrame(new DataInputStream(s.getInputStream())).message());
    return s;
  }

  private static long nettyMemory() {
    ByteBufAllocatorMetric metric = PooledByteBufAllocator.DEFAULT.metric();
    return metric.usedDirectMemory() + metric.usedHeapMemory();
  }

  private static void await(BooleanSupplier condition, Duration limit, Supplier<String> what) {
    Poll.until("", limit, condition, what);
  }


  @Test
  void aClientThatPipelinesAndNeverReadsIsHeldToABoundWhileOthersAreServed() throws Exception {
    MasterServer m = start(4096);
    // A STAT of a long missing path: a 4 KiB request answered by a 2 KiB NOT_FOUND, so a master
    // that kept reading would hold replies of half the bytes it read.
    String path = ("/" + "x".repeat(200)).repeat(19);
    Socket flood = rawClient(m, 16 * 1024);
    DataInputStream in = new DataInputStream(flood.getInputStream());
    byte[] stat = encode(Frame.request(2, new StatRequest(path)));
    flood.getOutputStream().write(stat);
    ErrorReply first = assertInstanceOf(ErrorReply.class, readFrame(in).message());
    assertEquals(Status.NOT_FOUND, first.status());
    assertTrue(first.message().length() >= 2000,
        "the reply is large: " + first.message().length() + " characters");

    // Pipeline requests from another thread (its writes block once the master stops reading),
    // and never read a reply.
    int perBatch = 16;
    ByteArrayOutputStream batchBytes = new ByteArrayOutputStream();
    for (int i = 0; i < perBatch; i++) {
      batchBytes.writeBytes(stat);
    }
    byte[] batch = batchBytes.toByteArray();
    long batches = FLOOD_BYTES / batch.length;
    long baseline = nettyMemory();
    AtomicLong sent = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    OutputStream out = flood.getOutputStream();
    Thread writer = new Thread(() -> {
      try {
        for (long b = 0; b < batches && !stop.get(); b++) {
          out.write(batch);
          sent.addAndGet(batch.length);
        }
      } catch (IOException e) {
        // The test closed the socket.
      }
    }, "flood-writer");
    writer.setDaemon(true);
    writer.start();

    // Wait for the writer to stall: the master stopped reading. Memory is checked all along.
    long stalledFor = TimeUnit.SECONDS.toNanos(3);
    long lastSent = -1;
    long lastChange = System.nanoTime();
    long deadline = lastChange + TimeUnit.SECONDS.toNanos(60);
    long peak = 0;
    while (true) {
      long now = System.nanoTime();
      long grown = nettyMemory() - baseline;
      peak = Math.max(peak, grown);
      assertTrue(grown < MEMORY_BOUND, "Netty memory grew by " + grown + " bytes while the client"
          + " did not read: the master queues its replies without bound");
      long s = sent.get();
      assertTrue(s < batches * batch.length, "the master read all " + s + " bytes of requests"
          + " though none of its replies were read");
      if (s != lastSent) {
        lastSent = s;
        lastChange = now;
      } else if (now - lastChange > stalledFor) {
        break;
      }
      assertTrue(now < deadline, "the flood neither stalled nor finished in 60s");
      Thread.onSpinWait();
    }
    assertTrue(lastSent > 1 << 20, "the flood got going: " + lastSent + " bytes sent");

    // Meanwhile everyone else is served at once.
    long t0 = System.nanoTime();
    Connection other = connect(m, "other");
    assertInstanceOf(Pong.class, call(other, new Ping()));
    assertEquals("/", assertInstanceOf(StatResponse.class, call(other, new StatRequest("/")))
        .entry().path());
    call(other, new MkdirRequest("other", 1, "/d", false));
    assertEquals(1, assertInstanceOf(ListResponse.class, call(other, new ListRequest("/", "", 10)))
        .entries().size());
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(took < 5_000, "another client took " + took + " ms to be served");

    // Once the client reads, the master resumes and answers every request it was sent, none lost
    // while it held them. The writer stops after the batch it is blocked in.
    stop.set(true);
    AtomicLong answered = new AtomicLong();
    AtomicLong unexpected = new AtomicLong();
    Thread reader = new Thread(() -> {
      try {
        while (true) {
          Frame f = readFrame(in);
          if (f.message() instanceof ErrorReply e && e.status() == Status.NOT_FOUND) {
            answered.incrementAndGet();
          } else {
            unexpected.incrementAndGet();
          }
        }
      } catch (IOException | RuntimeException e) {
        // The test closed the socket.
      }
    }, "flood-reader");
    reader.setDaemon(true);
    reader.start();
    writer.join(TimeUnit.SECONDS.toMillis(60));
    assertFalse(writer.isAlive(), "the master did not resume reading once its replies were read");
    long expected = sent.get() / stat.length;
    await(() -> answered.get() == expected, Duration.ofSeconds(60),
        () -> "all " + expected + " requests to be answered (" + answered.get() + " so far)");
    assertEquals(0, unexpected.get(), "replies other than the expected NOT_FOUND");
  }

  @Test
  void aConnectionOverTheCapIsClosedTheOthersKeepWorkingAndAFreedSlotIsReused()
      throws Exception {
    MasterServer m = start(3);
    Connection a = connect(m, "a");
    Connection b = connect(m, "b");
    Connection c = connect(m, "c");

    Socket over = new Socket("127.0.0.1", m.port());
    wire.closeAtEnd(over);
    over.setSoTimeout(10_000);
    InputStream overIn = over.getInputStream();
    try {
      assertEquals(-1, overIn.read(), "the fourth connection is closed at once");
    } catch (IOException reset) {
      // A reset also says the master closed it.
    }
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
        ExecutionException.class, () -> Connection.connect(
            Transports.clientBootstrap(wire.group(), T), "127.0.0.1", m.port(), Role.CLIENT, "d",
            "test", T).get(10, TimeUnit.SECONDS));
    assertInstanceOf(ConnectionClosedException.class, e.getCause());

    for (Connection x : List.of(a, b, c)) {
      assertInstanceOf(Pong.class, call(x, new Ping()), "an admitted connection still works");
    }

    a.close();
    Connection[] next = new Connection[1];
    await(() -> {
      try {
        next[0] = connect(m, "e");
        return true;
      } catch (Exception refused) {
        return false; // the master has not seen the close yet
      }
    }, T, () -> "a connection to be admitted once one closed");
    assertInstanceOf(Pong.class, call(next[0], new Ping()));
    assertInstanceOf(Pong.class, call(b, new Ping()));
  }
}
