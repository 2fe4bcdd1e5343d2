package dev.granary.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.it.ProcessCluster;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.Ping;
import dev.granary.wire.msg.Pong;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.Transports;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of connections against real processes started with {@code --max-connections}: beyond the
 * cap each connection is closed at once with one WARN line per interval, everyone admitted keeps
 * being served, the chunkserver stays LIVE, and a slot freed by a close is taken again.
 */
class ConnectionFloodTest {
  private static final Duration T = Duration.ofSeconds(10);
  private static final int MASTER_CAP = 6;
  private static final int CHUNKSERVER_CAP = 4;

  @TempDir
  Path tmp;

  @RegisterExtension
  final FaultCluster fault = new FaultCluster();

  private final EventLoopGroup group = Transports.eventLoopGroup(1, "flood-test");
  private final List<Connection> open = new ArrayList<>();

  @AfterEach
  void stop() {
    open.forEach(Connection::close);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  @Test
  void connectionsOverTheCapAreClosedAndEveryoneAdmittedIsServed() throws Exception {
    List<String> masterFlags = new ArrayList<>(Faults.masterFlags());
    masterFlags.addAll(List.of("--max-connections", Integer.toString(MASTER_CAP)));
    ProcessCluster cluster = fault.adopt(new ProcessCluster(tmp.resolve("cluster"), masterFlags,
        List.of("--max-connections", Integer.toString(CHUNKSERVER_CAP))));
    cluster.startMaster();
    cluster.startChunkservers(1);
    cluster.awaitLive(1, Duration.ofSeconds(60));

    flood("master", cluster.masterAddress().port(), MASTER_CAP, cluster);
    flood("chunkserver-0", cluster.chunkserverPort(0), CHUNKSERVER_CAP, cluster);

    assertTrue(cluster.masterRunning() && cluster.chunkserverRunning(0), cluster.logs());
    cluster.awaitLive(1, Duration.ofSeconds(30));
    assertEquals(1, warnLines(cluster, "master", "master.maxConnections"), cluster.logs());
    assertEquals(1, warnLines(cluster, "chunkserver", "chunkserver.maxConnections"),
        cluster.logs());
  }

  /**
   * Connects until refused, then 50 more refusals; checks the admitted and a freed slot, and
   * closes them all.
   */
  private void flood(String name, int port, int cap, ProcessCluster cluster) throws Exception {
    List<Connection> admitted = new ArrayList<>();
    while (true) {
      Connection c = tryConnect(cluster, port);
      if (c == null) {
        break;
      }
      admitted.add(c);
      assertTrue(admitted.size() <= cap, name + " admitted more than " + cap + " connections");
    }
    assertTrue(admitted.size() >= cap - 1, name + " refused at " + admitted.size()
        + " of its own connections (the cap is " + cap + ")\n" + cluster.logs());
    for (int i = 0; i < 50; i++) {
      assertEquals(null, tryConnect(cluster, port), name + " admitted a connection over its cap");
    }
    for (Connection c : admitted) {
      assertPing(name, c);
    }
    admitted.get(0).close();
    long deadline = System.nanoTime() + T.toNanos();
    Connection again;
    while ((again = tryConnect(cluster, port)) == null) {
      assertTrue(System.nanoTime() < deadline, name + " did not admit a connection after one"
          + " closed\n" + cluster.logs());
    }
    assertPing(name, again);
    // Give the slots back, so that the cluster's own clients (awaitLive) get in.
    admitted.forEach(Connection::close);
    again.close();
  }

  /** A client connection with its handshake done, or null if the server closed it. */
  private Connection tryConnect(ProcessCluster cluster, int port) throws Exception {
    try {
      Connection c = cluster.rawClient(group, port, "flood-test", T);
      open.add(c);
      return c;
    } catch (java.util.concurrent.ExecutionException e) {
      return null;
    }
  }

  private static void assertPing(String name, Connection c) throws Exception {
    Message reply = c.call(new Ping(), T).get(T.toSeconds(), TimeUnit.SECONDS);
    assertTrue(reply instanceof Pong, () -> name + " answered PING with " + reply);
  }

  /** WARN lines naming {@code key} in the logs of the processes called {@code role}. */
  private static long warnLines(ProcessCluster cluster, String role, String key)
      throws IOException {
    long n = 0;
    try (Stream<Path> logs = Files.list(cluster.dir())) {
      for (Path p : logs.filter(x -> x.getFileName().toString().startsWith(role)
          && x.toString().endsWith(".log")).toList()) {
        n += Files.readAllLines(p, StandardCharsets.UTF_8).stream()
            .filter(l -> l.contains("WARN") && l.contains("the cap set by " + key)).count();
      }
    }
    return n;
  }
}
