package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.chunkserver.ChunkServer;
import dev.granary.chunkserver.net.Joiner;
import dev.granary.cli.LocalCluster;
import dev.granary.client.DeniedException;
import dev.granary.client.GranaryClient;
import dev.granary.client.WriteOptions;
import dev.granary.config.ChunkserverConfig;
import dev.granary.config.ClientConfig;
import dev.granary.config.Credentials;
import dev.granary.config.MasterConfig;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.Ping;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.RemoteException;
import dev.granary.wire.net.Transports;
import dev.granary.wire.tls.CertificateAuthority;
import dev.granary.wire.tls.JoinToken;
import dev.granary.wire.tls.Pem;
import dev.granary.wire.tls.TlsContexts;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code tls} cluster in one JVM: the master creates its authority and join token, chunkservers
 * join with the token and come back without it, every connection is TLS, and strangers (a plaintext
 * client, another authority's client, a node without a certificate, a wrong or rotated token) get
 * nothing.
 */
class SecureClusterTest {
  static final int CHUNK = 256 * 1024;
  static MiniCluster cluster;
  static EventLoopGroup loop;

  @BeforeAll
  static void start() throws Exception {
    cluster = MiniCluster.start(LocalCluster.Settings.defaults().withChunkSize(CHUNK)
        .withSecurity(MasterConfig.TLS));
    loop = Transports.eventLoopGroup(1, "secure-test");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
    if (loop != null) {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  private static ClientConfig clientConfig() {
    return new ClientConfig(cluster.cluster().masterAddress(), 0, 4, Duration.ofSeconds(5));
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void bytesRoundTripOverTlsAndSecretsAreOwnerOnly() throws Exception {
    byte[] data = new byte[3 * CHUNK + 12345];
    new SplittableRandom(15).nextBytes(data);
    GranaryClient c = cluster.client();
    try (OutputStream out = c.create("/secure/a", WriteOptions.defaults().withChunkSize(CHUNK))) {
      out.write(data);
    }
    try (InputStream in = c.open("/secure/a")) {
      assertArrayEquals(data, in.readAllBytes());
    }
    Path master = cluster.cluster().masterDataDir();
    assertEquals("rw-------", mode(master.resolve("join-token")));
    assertEquals("rw-------", mode(master.resolve("tls/ca.key")));
    assertEquals("rw-------", mode(master.resolve("tls/master.key")));
    for (int i = 0; i < cluster.cluster().size(); i++) {
      assertEquals("rw-------", mode(cluster.cluster().chunkserverDataDir(i)
          .resolve("tls/node.key")));
    }
  }

  @Test
  void plaintextClientIsDeniedWithAHint() {
    try (GranaryClient plain = GranaryClient.open(clientConfig())) {
      DeniedException e = assertThrows(DeniedException.class, () -> plain.list("/"));
      assertTrue(e.getMessage().contains("requires TLS"), e.getMessage());
    }
  }

  @Test
  void clientOfAnotherAuthorityIsDenied(@TempDir Path tmp) throws Exception {
    CertificateAuthority other = CertificateAuthority.create("other", Instant.now());
    Credentials admin = Credentials.read(cluster.adminCredentials());
    Path file = tmp.resolve("other.credentials");
    new Credentials(admin.user(), admin.token(), Pem.encode(other.certificate()))
        .write(file, false);
    try (GranaryClient stranger = GranaryClient.open(new ClientConfig(
        cluster.cluster().masterAddress(), 0, 4, Duration.ofSeconds(5), file))) {
      DeniedException e = assertThrows(DeniedException.class, () -> stranger.list("/"));
      assertTrue(e.getMessage().contains("TLS handshake"), e.getMessage());
    }
  }

  @Test
  void nodeWithoutACertificateCannotConnectAsAChunkserver() throws Exception {
    int port = cluster.cluster().masterAddress().port();
    SslContext noCert = TlsContexts.user(cluster.cluster().caCertificate());
    for (SslContext tls : new SslContext[] {noCert, null}) {
      ExecutionException e = assertThrows(ExecutionException.class, () -> Connection.connect(
          Transports.clientBootstrap(loop, Duration.ofSeconds(5)), "127.0.0.1", port,
          Role.CHUNKSERVER, "cs-fake", "test", Duration.ofSeconds(5), tls)
          .get(20, TimeUnit.SECONDS));
      RemoteException r = assertInstanceOf(RemoteException.class, e.getCause());
      assertEquals(Status.DENIED, r.status());
    }
    // The same goes for a chunkserver's port: no chunk reaches a node without a certificate.
    int csPort = cluster.chunkserver(0).port();
    ExecutionException e = assertThrows(ExecutionException.class, () -> Connection.connect(
        Transports.clientBootstrap(loop, Duration.ofSeconds(5)), "127.0.0.1", csPort,
        Role.CHUNKSERVER, "cs-fake", "test", Duration.ofSeconds(5), noCert)
        .get(20, TimeUnit.SECONDS));
    assertEquals(Status.DENIED, assertInstanceOf(RemoteException.class, e.getCause()).status());
    // A client on TLS is served (PING needs no user).
    Connection ok = Connection.connect(Transports.clientBootstrap(loop, Duration.ofSeconds(5)),
        "127.0.0.1", port, Role.CLIENT, "", "test", Duration.ofSeconds(5), noCert)
        .get(20, TimeUnit.SECONDS);
    try {
      ok.call(new Ping(), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
    } finally {
      ok.close();
    }
  }

  @Test
  void nobodyJoinsUnderTheIdOfALiveChunkserver(@TempDir Path tmp) throws Exception {
    String token = Files.readString(cluster.cluster().masterDataDir().resolve("join-token"))
        .strip();
    String victim = cluster.chunkserver(0).nodeId();
    Joiner.JoinRefusedException e = assertThrows(Joiner.JoinRefusedException.class,
        () -> Joiner.join(victim, "test", cluster.cluster().masterAddress(), token, tmp, "node",
            loop, Duration.ofSeconds(5)));
    assertTrue(e.getMessage().contains("is live"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("node.key")));
  }

  private static ChunkserverConfig chunkserverConfig(Path dir, String token) {
    return new ChunkserverConfig("127.0.0.1", 0, cluster.cluster().masterAddress(), dir, 0,
        Duration.ofHours(1), 64L << 20, 64, Duration.ofMinutes(1), 4096, token);
  }

  @Test
  void wrongOrRotatedTokenNeverJoinsAndTheCurrentOneDoes(@TempDir Path tmp) throws Exception {
    String current = Files.readString(cluster.cluster().masterDataDir().resolve("join-token"))
        .strip();
    JoinToken parsed = JoinToken.parse(current);
    String wrong = new JoinToken(parsed.caSha256(), "x" + parsed.secret().substring(1))
        .format();
    ChunkServer bad = new ChunkServer(chunkserverConfig(tmp.resolve("bad"), wrong));
    Joiner.JoinRefusedException e = assertThrows(Joiner.JoinRefusedException.class, bad::start);
    assertTrue(e.getMessage().contains("wrong or was rotated"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("bad/tls/node.key")));

    String rotated;
    try (GranaryClient admin = cluster.client()) {
      rotated = admin.rotateJoinToken();
    }
    assertFalse(rotated.equals(current));
    assertEquals(rotated, Files.readString(cluster.cluster().masterDataDir()
        .resolve("join-token")).strip());
    ChunkServer old = new ChunkServer(chunkserverConfig(tmp.resolve("old"), current));
    assertThrows(Joiner.JoinRefusedException.class, old::start);

    ChunkServer fresh = new ChunkServer(chunkserverConfig(tmp.resolve("new"), rotated));
    try {
      fresh.start();
      assertTrue(Files.exists(tmp.resolve("new/tls/node.key")));
    } finally {
      fresh.close();
    }
    // Joined once: it restarts without any token.
    ChunkServer again = new ChunkServer(chunkserverConfig(tmp.resolve("new"), ""));
    try {
      again.start();
      Wait.until("the rejoined chunkserver registered", Duration.ofSeconds(20),
          again::isRegistered, cluster::describe);
    } finally {
      again.close();
    }
  }
}
