package dev.granary.client.internal;

import static dev.granary.client.internal.DirectConnectionTest.bytes;
import static dev.granary.client.internal.DirectConnectionTest.packet;
import static dev.granary.client.internal.DirectConnectionTest.skipFrame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.granary.wire.Frame;
import dev.granary.wire.Limits;
import dev.granary.wire.Role;
import dev.granary.wire.msg.HelloOk;
import dev.granary.wire.msg.ReadChunkRequest;
import dev.granary.wire.msg.ReadPacket;
import dev.granary.wire.net.ConnectionClosedException;
import dev.granary.wire.tls.CertificateAuthority;
import dev.granary.wire.tls.NodeKeys;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The client's hand-driven TLS ({@link DirectTls}) on both engines it may run on (BoringSSL and the
 * JDK's), against a JDK TLS peer that shapes its records: many records per frame, several frames
 * per socket read, and records of one byte.
 */
class DirectTlsTest {
  private static final long SECONDS_5 = TimeUnit.SECONDS.toNanos(5);
  private static CertificateAuthority ca;
  private static NodeKeys keys;
  private ServerSocket server;
  private Thread peer;
  private DirectConnection conn;

  @BeforeAll
  static void authority() {
    ca = CertificateAuthority.create("tls-test", Instant.now());
    keys = ca.issueKeys(Role.CHUNKSERVER, "cs-1", Instant.now());
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

  /** What the peer sends after the handshake and the client's read request. */
  private interface Script {
    void run(OutputStream out) throws Exception;
  }

  private DirectConnection connect(SslProvider provider, Script script) throws Exception {
    assumeTrue(provider != SslProvider.OPENSSL || OpenSsl.isAvailable(),
        "BoringSSL does not load here");
    SslContext serverContext = SslContextBuilder.forServer(keys.key(), keys.certificate(),
        keys.ca()).sslProvider(SslProvider.JDK).protocols("TLSv1.3").build();
    server = ((JdkSslContext) serverContext).context().getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
    ((SSLServerSocket) server).setEnabledProtocols(new String[] {"TLSv1.3"});
    peer = new Thread(() -> {
      try (SSLSocket s = (SSLSocket) server.accept()) {
        DataInputStream in = new DataInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        skipFrame(in);
        out.write(bytes(Frame.response(1, new HelloOk(Role.CHUNKSERVER, "cs-1", "test"))));
        out.flush();
        skipFrame(in);
        script.run(out);
        out.flush();
        in.read(); // until the client closes
      } catch (Exception e) {
        // The client closed first: the script is over either way.
      }
    });
    peer.start();
    SslContext clientContext = SslContextBuilder.forClient().sslProvider(provider)
        .protocols("TLSv1.3").trustManager(ca.certificate()).build();
    conn = DirectConnection.dial("127.0.0.1", server.getLocalPort(), "test-client", "test/1",
        Duration.ofSeconds(5), clientContext);
    return conn;
  }

  /** Receives the read packets of request {@code id} into one array of {@code length} bytes. */
  private static byte[] receiveAll(DirectConnection c, long id, int length) throws Exception {
    byte[] got = new byte[length];
    boolean last = false;
    while (!last) {
      Frame f = c.receive(id, System.nanoTime() + SECONDS_5);
      ReadPacket rp = (ReadPacket) f.message();
      rp.data().getBytes(rp.data().readerIndex(), got, (int) rp.offset(),
          rp.data().readableBytes());
      last = rp.last();
      f.release();
    }
    return got;
  }

  @ParameterizedTest
  @EnumSource(names = {"OPENSSL", "JDK"})
  void framesOfManyRecordsAndRecordsOfManyFramesArriveWhole(SslProvider provider)
      throws Exception {
    int per = Limits.READ_PACKET_BLOCKS;
    byte[] data = new byte[3 * per * Limits.BLOCK_SIZE + 2 * Limits.BLOCK_SIZE];
    new SplittableRandom(11).nextBytes(data);
    DirectConnection c = connect(provider, out -> {
      // Three large packets in one write (many 16 KiB records, several frames per socket read),
      // then two one-block packets in one write: one record that carries two whole frames.
      byte[] large = new byte[0];
      for (int p = 0; p < 3; p++) {
        large = concat(large, bytes(packet(2, data, p * per, per, false)));
      }
      out.write(large);
      out.write(concat(bytes(packet(2, data, 3 * per, 1, false)),
          bytes(packet(2, data, 3 * per + 1, 1, true))));
    });
    long id = c.send(new ReadChunkRequest(1, 1, 0, data.length));
    assertArrayEquals(data, receiveAll(c, id, data.length));
  }

  @ParameterizedTest
  @EnumSource(names = {"OPENSSL", "JDK"})
  void recordsOfOneByteAreReassembled(SslProvider provider) throws Exception {
    byte[] data = new byte[Limits.BLOCK_SIZE];
    new SplittableRandom(12).nextBytes(data);
    DirectConnection c = connect(provider, out -> {
      for (byte b : bytes(packet(2, data, 0, 1, true))) {
        out.write(b); // the JDK's SSLSocket sends one record per write
        out.flush();
      }
    });
    long id = c.send(new ReadChunkRequest(1, 1, 0, data.length));
    assertArrayEquals(data, receiveAll(c, id, data.length));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = new byte[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  @ParameterizedTest
  @EnumSource(names = {"OPENSSL", "JDK"})
  void aResetDuringTheHandshakeIsAClosedConnection(SslProvider provider) throws Exception {
    assumeTrue(provider != SslProvider.OPENSSL || OpenSsl.isAvailable(),
        "BoringSSL does not load here");
    // A peer that resets every connection as it accepts it, as a master being killed may.
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    peer = new Thread(() -> {
      try (Socket s = server.accept()) {
        s.setSoLinger(true, 0);
      } catch (Exception e) {
        // closed by the test
      }
    });
    peer.start();
    SslContext clientContext = SslContextBuilder.forClient().sslProvider(provider)
        .protocols("TLSv1.3").trustManager(ca.certificate()).build();
    ConnectionClosedException e = assertThrows(ConnectionClosedException.class,
        () -> DirectConnection.dial("127.0.0.1", server.getLocalPort(), "test-client", "test/1",
            Duration.ofSeconds(5), clientContext));
    assertTrue(Errors.isConnectionFailure(e), e::toString);
  }
}
