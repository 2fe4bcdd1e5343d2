package dev.granary.client.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Checksums;
import dev.granary.wire.Frame;
import dev.granary.wire.FrameEncoder;
import dev.granary.wire.Limits;
import dev.granary.wire.Role;
import dev.granary.wire.msg.HelloOk;
import dev.granary.wire.msg.ReadChunkRequest;
import dev.granary.wire.msg.ReadPacket;
import dev.granary.wire.net.ConnectionClosedException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The blocking connection's own frame reading, against a scripted peer on a plain socket: frames
 * larger than the idle buffer, frames arriving a byte at a time, garbage, and misuse.
 */
class DirectConnectionTest {
  private static final long SECONDS_5 = TimeUnit.SECONDS.toNanos(5);
  private ServerSocket server;
  private Thread peer;
  private DirectConnection conn;

  /** What the scripted peer does after the handshake, with its socket's output. */
  private interface Script {
    void run(OutputStream out) throws Exception;
  }

  @AfterEach
  void stop() throws Exception {
    if (conn != null) {
      conn.close();
    }
    if (server != null) {
      server.close();
    }
    if (peer != null) {
      peer.join(5000);
    }
  }

  /** Starts a peer that answers the handshake, reads one request if asked, then runs script. */
  private DirectConnection connect(boolean readRequest, Script script) throws Exception {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    peer = new Thread(() -> {
      try (Socket s = server.accept()) {
        DataInputStream in = new DataInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        skipFrame(in);
        out.write(bytes(Frame.response(1, new HelloOk(Role.CHUNKSERVER, "cs-1", "test"))));
        if (readRequest) {
          skipFrame(in);
        }
        script.run(out);
        out.flush();
        in.read(); // until the client closes
      } catch (Exception e) {
        // The client closed first: the script is over either way.
      }
    });
    peer.start();
    conn = DirectConnection.dial("127.0.0.1", server.getLocalPort(), "test-client", "test/1",
        Duration.ofSeconds(5));
    return conn;
  }

  static void skipFrame(DataInputStream in) throws IOException {
    byte[] header = new byte[20];
    in.readFully(header);
    in.skipNBytes(Unpooled.wrappedBuffer(header).getInt(16));
  }

  static byte[] bytes(Frame f) {
    ByteBuf head = FrameEncoder.encodeHead(UnpooledByteBufAllocator.DEFAULT, f);
    ByteBuf bulk = f.message().bulk();
    byte[] b = new byte[head.readableBytes() + (bulk == null ? 0 : bulk.readableBytes())];
    head.readBytes(b, 0, head.readableBytes());
    if (bulk != null) {
      bulk.getBytes(bulk.readerIndex(), b, b.length - bulk.readableBytes(), bulk.readableBytes());
    }
    head.release();
    return b;
  }

  /** A read packet of {@code blocks} whole blocks of {@code data} from block {@code first}. */
  static Frame packet(long id, byte[] data, int first, int blocks, boolean last) {
    int[] crcs = new int[blocks];
    for (int i = 0; i < blocks; i++) {
      crcs[i] = Checksums.crc32c(data, (first + i) * Limits.BLOCK_SIZE,
          Limits.BLOCK_SIZE);
    }
    ByteBuf bytes = Unpooled.wrappedBuffer(data, first * Limits.BLOCK_SIZE,
        blocks * Limits.BLOCK_SIZE);
    return Frame.response(id, new ReadPacket((long) first * Limits.BLOCK_SIZE, crcs, last, bytes));
  }

  @Test
  void packetsLargerThanTheIdleBufferGrowItAndIdleShrinksIt() throws Exception {
    int per = Limits.READ_PACKET_BLOCKS;
    byte[] data = new byte[3 * per * Limits.BLOCK_SIZE];
    new SplittableRandom(7).nextBytes(data);
    DirectConnection c = connect(true, out -> {
      for (int p = 0; p < 3; p++) {
        out.write(bytes(packet(2, data, p * per, per, p == 2)));
      }
    });
    long id = c.send(new ReadChunkRequest(1, 1, 0, data.length));
    assertEquals(2, id);
    byte[] got = new byte[data.length];
    for (int p = 0; p < 3; p++) {
      Frame f = c.receive(id, System.nanoTime() + SECONDS_5);
      ReadPacket rp = (ReadPacket) f.message();
      assertEquals((long) p * per * Limits.BLOCK_SIZE, rp.offset());
      assertEquals(p == 2, rp.last());
      rp.data().getBytes(rp.data().readerIndex(), got, (int) rp.offset(),
          rp.data().readableBytes());
      f.release();
    }
    assertArrayEquals(data, got);
    assertTrue(c.bufferCapacity() > DirectConnection.SMALL_BUFFER);
    c.idle();
    assertEquals(DirectConnection.SMALL_BUFFER, c.bufferCapacity());
  }

  @Test
  void aFrameArrivingByteByByteIsReassembled() throws Exception {
    byte[] data = new byte[2 * Limits.BLOCK_SIZE];
    new SplittableRandom(8).nextBytes(data);
    DirectConnection c = connect(true, out -> {
      for (byte b : bytes(packet(2, data, 0, 2, true))) {
        out.write(b);
        out.flush();
      }
    });
    long id = c.send(new ReadChunkRequest(1, 1, 0, data.length));
    Frame f = c.receive(id, System.nanoTime() + SECONDS_5);
    ReadPacket rp = (ReadPacket) f.message();
    byte[] got = new byte[data.length];
    rp.data().getBytes(rp.data().readerIndex(), got);
    f.release();
    assertArrayEquals(data, got);
  }

  @Test
  void aFrameMustBeReleasedBeforeTheNextIsReceived() throws Exception {
    byte[] data = new byte[2 * Limits.BLOCK_SIZE];
    DirectConnection c = connect(true, out -> {
      out.write(bytes(packet(2, data, 0, 1, false)));
      out.write(bytes(packet(2, data, 1, 1, true)));
    });
    long id = c.send(new ReadChunkRequest(1, 1, 0, data.length));
    Frame first = c.receive(id, System.nanoTime() + SECONDS_5);
    try {
      // Its bytes would be overwritten by the next frame's.
      assertThrows(IllegalStateException.class,
          () -> c.receive(id, System.nanoTime() + SECONDS_5));
    } finally {
      first.release();
    }
  }

  /** Sends a read to a peer running {@code script}; the receive must fail the connection. */
  private ConnectionClosedException receiveFails(Script script) throws Exception {
    DirectConnection c = connect(true, script);
    long id = c.send(new ReadChunkRequest(1, 1, 0, 1));
    return assertThrows(ConnectionClosedException.class,
        () -> c.receive(id, System.nanoTime() + SECONDS_5));
  }

  @Test
  void garbageFromThePeerIsAConnectionFailure() throws Exception {
    byte[] garbage = new byte[64];
    Arrays.fill(garbage, (byte) 'x');
    ConnectionClosedException e = receiveFails(out -> out.write(garbage));
    assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
  }

  @Test
  void anAnswerToAnotherRequestIsAConnectionFailure() throws Exception {
    byte[] block = new byte[Limits.BLOCK_SIZE];
    ConnectionClosedException e = receiveFails(out -> out.write(bytes(packet(99, block, 0, 1,
        true))));
    assertTrue(e.getMessage().contains("request 99"), e.getMessage());
  }

  @Test
  void aPeerThatClosesMidFrameIsAConnectionFailure() throws Exception {
    receiveFails(out -> {
      byte[] b = bytes(packet(2, new byte[Limits.BLOCK_SIZE], 0, 1, true));
      out.write(b, 0, b.length / 2);
      throw new IOException("hang up"); // closes the socket mid-frame
    });
  }

  @Test
  void silenceAfterTheRequestTimesOut() throws Exception {
    DirectConnection c = connect(true, out -> { });
    long id = c.send(new ReadChunkRequest(1, 1, 0, 1));
    long t0 = System.nanoTime();
    assertThrows(TimeoutException.class,
        () -> c.receive(id, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200)));
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3));
  }
}
