package dev.granary.it.faults;

import static dev.granary.it.faults.Faults.CHUNK;
import static dev.granary.it.faults.Faults.CLIENT_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.ChunkInfo;
import dev.granary.client.GranaryClient;
import dev.granary.client.NodeStatus;
import dev.granary.config.Credentials;
import dev.granary.it.ProcessCluster;
import dev.granary.it.Wait;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Role;
import dev.granary.wire.msg.AuthenticateRequest;
import dev.granary.wire.msg.LookupRequest;
import dev.granary.wire.msg.LookupResponse;
import dev.granary.wire.msg.Ok;
import dev.granary.wire.msg.ReportBadReplicaRequest;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.Transports;
import dev.granary.wire.security.ChunkToken;
import dev.granary.wire.tls.Pem;
import dev.granary.wire.tls.TlsContexts;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that reports every replica of a file bad, over and over, over the documented protocol
 * (a client with faulty memory, a bug, or bad intent): the master asks each holder to verify its
 * replica, the holders find them good, and no replica file goes.
 */
class FalseBadReplicaReportTest {
  @TempDir
  Path tmp;

  @RegisterExtension
  final FaultCluster fault = new FaultCluster();

  private final EventLoopGroup group = Transports.eventLoopGroup(1, "liar");

  @AfterEach
  void stopGroup() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void aFloodOfFalseReportsCostsNoReplica() throws Exception {
    ProcessCluster cluster = fault.start(tmp.resolve("cluster"), 3);
    byte[] data = Faults.data(3 * CHUNK, 51);
    List<ChunkInfo> chunks;
    Map<String, String> idByAddress = new HashMap<>();
    Credentials liarCredentials;
    try (GranaryClient c = cluster.client(CLIENT_TIMEOUT)) {
      // The liar is a user of the cluster with the right to read the file, nothing more.
      liarCredentials = c.addUser("liar", "", false);
      Faults.write(c, "/f", data, false);
      chunks = Faults.chunks(c, "/f");
      for (NodeStatus n : c.clusterStatus().nodes()) {
        idByAddress.put(n.address(), n.id());
      }
    }
    cluster.awaitHealthy(Duration.ofSeconds(30));
    List<Path> before = cluster.allReplicaFiles();
    assertEquals(9, before.size());

    Duration t = Duration.ofSeconds(10);
    int sent = 0;
    try (Connection liar = Connection.connect(Transports.clientBootstrap(group, t), "127.0.0.1",
        cluster.masterAddress().port(), Role.CLIENT, "", "liar", t, TlsContexts.user(
            Pem.certificate(liarCredentials.caCert(), "caCert"))).get(10, TimeUnit.SECONDS)) {
      liar.call(new AuthenticateRequest(liarCredentials.user(), liarCredentials.token()), t)
          .get(10, TimeUnit.SECONDS);
      // A liar that may read the file: it holds a READ token for every chunk (with security;
      // without, the tokens are empty and not needed).
      Map<Long, ChunkToken> tokens = new HashMap<>();
      LookupResponse lookup = (LookupResponse) liar.call(new LookupRequest("/f", 0, 100), t)
          .get(10, TimeUnit.SECONDS);
      lookup.chunks().forEach(l -> tokens.put(l.handle(), l.token()));
      for (int round = 0; round < 20; round++) {
        for (ChunkInfo ch : chunks) {
          long handle = ChunkHandles.parse(ch.handle());
          for (String address : ch.replicas()) {
            assertTrue(liar.call(new ReportBadReplicaRequest(handle, ch.version(),
                idByAddress.get(address), "checksum mismatch (a lie)", tokens.get(handle)), t)
                .get(10, TimeUnit.SECONDS) instanceof Ok);
            sent++;
          }
        }
      }
    }
    assertEquals(180, sent);
    // The holders verified what they were asked to (and found it good) ...
    Wait.until("a verification that proved a report wrong", Duration.ofSeconds(20),
        () -> cluster.logs().contains("verified good: the report against it was wrong"),
        cluster::logs);
    // ... and nothing was removed, over several pulses and GC intervals.
    Wait.holds("every replica file stays", Duration.ofSeconds(8),
        () -> cluster.allReplicaFiles().equals(before), cluster::logs);
    try (GranaryClient c = cluster.client(CLIENT_TIMEOUT)) {
      var fsck = c.fsck("/");
      assertEquals("HEALTHY", fsck.status(), fsck::toString);
      assertEquals(0, fsck.corrupt());
      assertArrayEquals(data, Faults.read(c, "/f"));
    }
  }
}
