package dev.granary.wire.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Frame;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.Ping;
import dev.granary.wire.msg.Pong;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.ProtocolErrorHandler;
import dev.granary.wire.net.RemoteException;
import dev.granary.wire.net.ServerHandshakeHandler;
import dev.granary.wire.net.Transports;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS between real loopback peers built as Granary's servers are: who gets in with which
 * certificate, and what a peer without one, with another authority's, or on plaintext sees.
 */
class TlsHandshakeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Instant NOW = Instant.now();
  private static EventLoopGroup group;
  private static CertificateAuthority ca;
  private static CertificateAuthority otherCa;

  private final List<Channel> servers = new ArrayList<>();
  private final List<Connection> connections = new ArrayList<>();

  @BeforeAll
  static void start() {
    group = Transports.eventLoopGroup(2, "tls-test");
    ca = CertificateAuthority.create("c1", NOW);
    otherCa = CertificateAuthority.create("c2", NOW);
  }

  @AfterAll
  static void stop() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @AfterEach
  void close() {
    connections.forEach(Connection::close);
    servers.forEach(s -> s.close().syncUninterruptibly());
  }

  /** A secured server as a master is: TLS, the HELLO handshake, then PING answered with PONG. */
  private int server(NodeKeys keys, boolean secured) {
    SslContext tls = TlsContexts.server(keys);
    Channel ch = Transports.serverBootstrap(group, group)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel c) {
            Transports.addServerTls(c.pipeline(), tls);
            Transports.addCodec(c.pipeline());
            c.pipeline().addLast(new ServerHandshakeHandler(keys.node().role(),
                keys.node().nodeId(), "test", EnumSet.of(Role.CLIENT, Role.CHUNKSERVER),
                secured));
            c.pipeline().addLast(new SimpleChannelInboundHandler<Frame>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, Frame f) {
                ctx.writeAndFlush(Frame.response(f.requestId(), new Pong()));
              }
            });
            c.pipeline().addLast(new ProtocolErrorHandler("server"));
          }
        })
        .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    servers.add(ch);
    return ((InetSocketAddress) ch.localAddress()).getPort();
  }

  private Connection connect(int port, Role role, String id, SslContext tls) throws Exception {
    try {
      Connection c = Connection.connect(Transports.clientBootstrap(group, TIMEOUT), "127.0.0.1",
          port, role, id, "test", TIMEOUT, tls).get(20, TimeUnit.SECONDS);
      connections.add(c);
      return c;
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private static Status denied(Exception e) {
    return assertInstanceOf(RemoteException.class, e).status();
  }

  @Test
  void clientTrustingTheAuthorityIsServedOverTls() throws Exception {
    int port = server(ca.issueKeys(Role.MASTER, "m1", NOW), true);
    Connection c = connect(port, Role.CLIENT, "", TlsContexts.user(ca.certificate()));
    assertInstanceOf(Pong.class, c.call(new Ping(), TIMEOUT).get(10, TimeUnit.SECONDS));
    assertTrue(TlsPeer.isTls(c.channel()));
    assertEquals(new NodeCertificate(Role.MASTER, "m1"), TlsPeer.node(c.channel()).orElseThrow());
  }

  @Test
  void plaintextPeerOfASecuredServerIsRefusedWithAReadableLine() throws Exception {
    int port = server(ca.issueKeys(Role.MASTER, "m1", NOW), true);
    Exception e = assertThrows(Exception.class, () -> connect(port, Role.CLIENT, "", null));
    assertEquals(Status.DENIED, denied(e));
    assertTrue(e.getMessage().contains("requires TLS"), e.getMessage());
  }

  @Test
  void clientTrustingAnotherAuthorityIsDenied() throws Exception {
    int port = server(ca.issueKeys(Role.MASTER, "m1", NOW), true);
    Exception e = assertThrows(Exception.class,
        () -> connect(port, Role.CLIENT, "", TlsContexts.user(otherCa.certificate())));
    assertEquals(Status.DENIED, denied(e));
    assertTrue(e.getMessage().contains("TLS handshake"), e.getMessage());
    assertTrue(e.getMessage().contains("Granary cluster c1 authority")
        && e.getMessage().contains("not by this cluster's authority")
        && e.getMessage().contains("Granary cluster c2 authority"), e.getMessage());
    // The server is still serving everyone else.
    connect(port, Role.CLIENT, "", TlsContexts.user(ca.certificate()));
  }

  @Test
  void nodeMustPresentItsOwnCertificate() throws Exception {
    int port = server(ca.issueKeys(Role.MASTER, "m1", NOW), true);
    Exception none = assertThrows(Exception.class, () -> connect(port, Role.CHUNKSERVER, "cs1",
        TlsContexts.user(ca.certificate())));
    assertEquals(Status.DENIED, denied(none));
    assertTrue(none.getMessage().contains("must present its certificate"), none.getMessage());

    NodeKeys cs2 = ca.issueKeys(Role.CHUNKSERVER, "cs2", NOW);
    Exception other = assertThrows(Exception.class,
        () -> connect(port, Role.CHUNKSERVER, "cs1", TlsContexts.node(cs2)));
    assertEquals(Status.DENIED, denied(other));
    assertTrue(other.getMessage().contains("certificate of chunkserver cs2"), other.getMessage());

    NodeKeys foreign = otherCa.issueKeys(Role.CHUNKSERVER, "cs1", NOW);
    SslContext strangerTls = io.netty.handler.ssl.SslContextBuilder.forClient()
        .keyManager(foreign.key(), foreign.certificate())
        .trustManager(ca.certificate()).protocols("TLSv1.3").build();
    Exception stranger = assertThrows(Exception.class, () -> connect(port, Role.CHUNKSERVER,
        "cs1", strangerTls));
    assertEquals(Status.DENIED, denied(stranger));

    NodeKeys cs1 = ca.issueKeys(Role.CHUNKSERVER, "cs1", NOW);
    Connection ok = connect(port, Role.CHUNKSERVER, "cs1", TlsContexts.node(cs1));
    assertInstanceOf(Pong.class, ok.call(new Ping(), TIMEOUT).get(10, TimeUnit.SECONDS));
  }

  @Test
  void serverWhoseCertificateDoesNotMatchItsHelloIsRefusedByTheClient() throws Exception {
    // A chunkserver's certificate on a server that answers HELLO as master m1.
    NodeKeys cs = ca.issueKeys(Role.CHUNKSERVER, "cs1", NOW);
    int port = server(cs, true);
    // (The test server says what its certificate says; fake a lying one by its HELLO id.)
    Channel liar = Transports.serverBootstrap(group, group)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel c) {
            Transports.addServerTls(c.pipeline(), TlsContexts.server(cs));
            Transports.addCodec(c.pipeline());
            c.pipeline().addLast(new ServerHandshakeHandler(Role.MASTER, "m1", "test",
                EnumSet.of(Role.CLIENT), true));
            c.pipeline().addLast(new ProtocolErrorHandler("liar"));
          }
        }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
    servers.add(liar);
    int liarPort = ((InetSocketAddress) liar.localAddress()).getPort();
    Exception e = assertThrows(Exception.class, () -> connect(liarPort, Role.CLIENT, "",
        TlsContexts.user(ca.certificate())));
    assertEquals(Status.DENIED, denied(e));
    assertTrue(e.getMessage().contains("certificate names chunkserver cs1"), e.getMessage());
    connect(port, Role.CLIENT, "", TlsContexts.user(ca.certificate()));
  }

  @Test
  void pinnedTrustAcceptsOnlyTheAuthorityWithThatHash() throws Exception {
    int port = server(ca.issueKeys(Role.MASTER, "m1", NOW), true);
    connect(port, Role.CLIENT, "", TlsContexts.pinned(PinnedAuthorityTrust.sha256(
        ca.certificate())));
    Exception e = assertThrows(Exception.class, () -> connect(port, Role.CLIENT, "",
        TlsContexts.pinned(PinnedAuthorityTrust.sha256(otherCa.certificate()))));
    assertEquals(Status.DENIED, denied(e));
  }

  @Test
  void garbageOnTheTlsPortClosesOnlyThatConnection() throws Exception {
    int port = server(ca.issueKeys(Role.MASTER, "m1", NOW), true);
    byte[] garbage = new byte[4096];
    new Random(7).nextBytes(garbage);
    garbage[0] = 22; // a TLS handshake record type, so the TLS layer takes it and fails on it
    garbage[1] = 3;
    garbage[2] = 3;
    garbage[3] = 0; // a 64-byte record: complete, so it is judged at once
    garbage[4] = 64;
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(garbage);
      out.flush();
      assertEquals(-1, drain(s), "the server closes the connection");
    }
    connect(port, Role.CLIENT, "", TlsContexts.user(ca.certificate()));
  }

  private static int drain(Socket s) throws java.io.IOException {
    var in = s.getInputStream();
    byte[] buf = new byte[1024];
    int n;
    try {
      while ((n = in.read(buf)) > 0) {
        // whatever the server said before closing (a TLS alert)
      }
    } catch (java.net.SocketException reset) {
      return -1; // closed with our garbage unread: a reset is a close too
    }
    return n;
  }

  @Test
  void keysSurviveAStoreAndLoad(@TempDir Path dir) throws Exception {
    NodeKeys keys = ca.issueKeys(Role.CHUNKSERVER, "cs9", NOW);
    keys.store(dir, "node");
    NodeKeys back = NodeKeys.load(dir, "node").orElseThrow();
    assertEquals(keys.certificate(), back.certificate());
    assertEquals(keys.ca(), back.ca());
    assertEquals(keys.key(), back.key());
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        java.nio.file.Files.getPosixFilePermissions(dir.resolve("node.key"))));
    assertTrue(NodeKeys.load(dir, "absent").isEmpty());
  }
}
