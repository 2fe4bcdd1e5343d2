package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.chunkserver.ChunkServer;
import dev.granary.cli.LocalCluster;
import dev.granary.client.ChunkInfo;
import dev.granary.client.GranaryClient;
import dev.granary.client.WriteOptions;
import dev.granary.config.MasterConfig;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ReadChunkRequest;
import dev.granary.wire.msg.WriteChunkRequest;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.RemoteException;
import dev.granary.wire.net.Transports;
import dev.granary.wire.tls.TlsContexts;
import dev.granary.wire.security.TokenCheck;
import io.netty.channel.EventLoopGroup;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A master with {@code security: tls} and real chunkservers in one JVM: every read, write and
 * re-replication copy goes through chunk access tokens, and a restarted master's new keys are
 * picked up by clients holding old tokens.
 */
class ChunkTokenClusterTest {
  private static final int CHUNK = 1 << 20;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private MiniCluster cluster;
  private final EventLoopGroup group = Transports.eventLoopGroup(1, "raw-peer");

  @AfterEach
  void tearDown() {
    if (cluster != null) {
      cluster.close();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private MiniCluster start(int chunkservers) throws Exception {
    cluster = MiniCluster.start(LocalCluster.Settings.defaults().withChunkSize(CHUNK)
        .withChunkservers(chunkservers).withSecurity(MasterConfig.TLS));
    for (int i = 0; i < chunkservers; i++) {
      ChunkServer cs = cluster.chunkserver(i);
      Wait.until(cs.nodeId() + " holds token keys", WAIT, () -> cs.tokens().hasKeys(),
          cluster::describe);
    }
    return cluster;
  }

  private static byte[] data(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static void put(GranaryClient c, String path, byte[] data) throws Exception {
    try (OutputStream out = c.create(path, WriteOptions.defaults().withChunkSize(CHUNK))) {
      out.write(data);
    }
  }

  private static byte[] get(GranaryClient c, String path) throws Exception {
    try (InputStream in = c.open(path)) {
      return in.readAllBytes();
    }
  }

  private long refusals() {
    long n = 0;
    for (int i = 0; i < cluster.cluster().size(); i++) {
      ChunkServer cs = cluster.chunkserver(i);
      n += cs == null ? 0 : cs.tokens().refusals();
    }
    return n;
  }

  @Test
  void putAndGetRoundTripWithTokens() throws Exception {
    start(3);
    GranaryClient c = cluster.client();
    byte[] small = data(5000, 1);
    byte[] big = data(3 * CHUNK + 12345, 2);
    put(c, "/t/small", small);
    put(c, "/t/big", big);
    assertArrayEquals(small, get(c, "/t/small"));
    assertArrayEquals(big, get(c, "/t/big"));
    assertArrayEquals(big, get(cluster.client(), "/t/big"), "a second client, its own tokens");
    for (int i = 0; i < 3; i++) {
      assertTrue(cluster.chunkserver(i).tokens().required());
    }
    assertEquals(0, refusals(), "a client with the master's tokens is never refused");
  }

  @Test
  void reReplicationAfterANodeDiesUsesCopyTokens() throws Exception {
    start(4);
    GranaryClient c = cluster.client();
    byte[] d = data(2 * CHUNK + 100, 3);
    put(c, "/r/f", d);
    cluster.awaitHealthy(WAIT);
    ChunkInfo first = c.statWithChunks("/r/f").chunks().get(0);
    String victim = first.replicas().get(0);
    int index = -1;
    for (int i = 0; i < 4; i++) {
      if (victim.endsWith(":" + cluster.chunkserver(i).port())) {
        index = i;
      }
    }
    assertTrue(index >= 0, victim);
    cluster.cluster().stopChunkserver(index);
    // The master notices the death, and copies every chunk the node held to the spare node.
    Wait.until("every chunk back to 3 live replicas", WAIT, () -> c.statWithChunks("/r/f")
        .chunks().stream().allMatch(ch -> ch.replicas().size() == 3
            && !ch.replicas().contains(victim)), cluster::describe);
    cluster.awaitHealthy(WAIT);
    assertArrayEquals(d, get(c, "/r/f"));
    assertEquals(0, refusals(), "copies carried valid COPY tokens");
  }

  @Test
  void aClientHoldingTokensOfARestartedMasterFetchesNewOnes() throws Exception {
    start(3);
    GranaryClient c = cluster.client();
    byte[] d = data(4 * CHUNK, 4);
    put(c, "/m/f", d);
    byte[] got = new byte[d.length];
    List<java.util.Set<Integer>> oldKeys = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      oldKeys.add(java.util.Set.copyOf(cluster.chunkserver(i).tokens().keyIds()));
    }
    try (InputStream in = c.open("/m/f")) {
      // The reader holds every chunk's location and token from its first lookup.
      int n = in.readNBytes(got, 0, 1000);
      assertEquals(1000, n);
      cluster.cluster().restartMaster();
      // Every chunkserver registers with the restarted master and takes its new keys; the
      // reader's tokens name a key that no longer exists.
      cluster.awaitLive(3, WAIT);
      for (int i = 0; i < 3; i++) {
        ChunkServer cs = cluster.chunkserver(i);
        java.util.Set<Integer> old = oldKeys.get(i);
        Wait.until(cs.nodeId() + " holds the new master's keys only", WAIT,
            () -> cs.tokens().hasKeys()
                && cs.tokens().keyIds().stream().noneMatch(old::contains), cluster::describe);
      }
      long before = refusals();
      int rest = in.readNBytes(got, 1000, d.length - 1000);
      assertEquals(d.length - 1000, rest);
      assertArrayEquals(d, got);
      assertTrue(refusals() > before, "the old tokens were refused (unknown key) and refetched");
    }
    assertArrayEquals(d, get(c, "/m/f"));
  }

  @Test
  void aRawPeerCannotReadOrWriteAGuessedHandle() throws Exception {
    start(3);
    GranaryClient c = cluster.client();
    put(c, "/g/f", data(70_000, 5));
    ChunkInfo chunk = c.statWithChunks("/g/f").chunks().get(0);
    long handle = ChunkHandles.parse(chunk.handle());
    ChunkServer holder = null;
    for (int i = 0; i < 3; i++) {
      if (chunk.replicas().contains("127.0.0.1:" + cluster.chunkserver(i).port())) {
        holder = cluster.chunkserver(i);
      }
    }
    assertTrue(holder != null, chunk.toString());
    Duration t = Duration.ofSeconds(10);
    // A stranger who gets through TLS (it trusts the authority, as any client does) but was never
    // sent there by the master: no token.
    try (Connection raw = Connection.connect(Transports.clientBootstrap(group, t), "127.0.0.1",
        holder.port(), Role.CLIENT, "", "guesser", t,
        TlsContexts.user(cluster.cluster().caCertificate())).get(10, TimeUnit.SECONDS)) {
      RemoteException read = refused(raw, new ReadChunkRequest(handle, chunk.version(), 0, 100));
      assertEquals(TokenCheck.Reason.MISSING.code(), read.detail());
      RemoteException write = refused(raw, new WriteChunkRequest(handle + 1000, 1, 100,
          List.of(), "guesser"));
      assertEquals(TokenCheck.Reason.MISSING.code(), write.detail());
    }
    assertTrue(cluster.replicaFiles(handle + 1000).isEmpty(), "nothing stored for the guess");
  }

  private static RemoteException refused(Connection raw, dev.granary.wire.msg.Message request)
      throws Exception {
    try {
      Object reply = raw.call(request, Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
      throw new AssertionError(request.type() + " without a token was answered " + reply);
    } catch (ExecutionException e) {
      RemoteException r = assertInstanceOf(RemoteException.class, e.getCause());
      assertEquals(Status.TOKEN_INVALID, r.status(), r.getMessage());
      return r;
    }
  }
}
