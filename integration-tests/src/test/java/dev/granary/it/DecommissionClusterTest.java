package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.cli.LocalCluster;
import dev.granary.client.ChunkInfo;
import dev.granary.client.ClusterStatus;
import dev.granary.client.DecommissionResult;
import dev.granary.client.FsckReport;
import dev.granary.client.GranaryClient;
import dev.granary.client.NodeStatus;
import dev.granary.config.ClientConfig;
import dev.granary.config.MasterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Decommissioning a chunkserver of a secured cluster while a client writes: the node ends
 * DECOMMISSIONED with every chunk it held at its goal on the others, gets no new chunk meanwhile,
 * serves reads when it is the only one left, can be switched off with nothing under-replicated,
 * and after a recommission is LIVE and takes new chunks again.
 */
class DecommissionClusterTest {
  static final int CHUNK = FaultToleranceTest.CHUNK;
  static final int REPLICATION = 3;
  static final Duration T = Duration.ofSeconds(90);
  /** The chunkserver taken out of service. */
  static final int X = 1;

  MiniCluster cluster;
  /** Every file written, by path, with its bytes. */
  final Map<String, byte[]> files = new ConcurrentHashMap<>();

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static byte[] data(int n, long seed) {
    return FaultToleranceTest.data(n, seed);
  }

  /** Writes {@code data} in chunks of {@link #CHUNK} and remembers it. */
  void write(GranaryClient c, String path, byte[] data) throws Exception {
    FaultToleranceTest.write(c, path, data);
    files.put(path, data);
  }

  static byte[] read(GranaryClient c, String path) throws Exception {
    return FaultToleranceTest.read(c, path);
  }

  /** A client without a block cache: every read goes to a chunkserver. */
  GranaryClient uncached() {
    return cluster.client(new ClientConfig(cluster.cluster().masterAddress(), 0, 2,
        Duration.ofSeconds(30), cluster.adminCredentials()));
  }

  static NodeStatus node(GranaryClient c, String id) throws Exception {
    ClusterStatus st = c.clusterStatus();
    return st.nodes().stream().filter(n -> n.id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("no node " + id + " in " + st));
  }

  void awaitState(GranaryClient c, String id, String state) {
    Wait.until(id + " " + state, T, () -> node(c, id).state().equals(state),
        cluster::describe);
  }

  /** Writes files of a few chunks (and some of one) until stopped, each read back at once. */
  final class Writer implements Runnable {
    final GranaryClient client;
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicBoolean decommissionAsked = new AtomicBoolean();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** Files whose write began after the decommission was answered. */
    final List<String> after = new CopyOnWriteArrayList<>();
    volatile int written;

    Writer(GranaryClient client) {
      this.client = client;
    }

    @Override
    public void run() {
      try {
        for (int i = 0; !stop.get(); i++) {
          boolean began = decommissionAsked.get();
          String path = "/load/w" + i;
          byte[] d = data(i % 3 == 0 ? CHUNK / 3 : CHUNK * (1 + i % 3) + 4321 * i, 1000 + i);
          write(client, path, d);
          assertArrayEquals(d, read(client, path), path);
          if (began) {
            after.add(path);
          }
          written++;
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    }
  }

  @Test
  void aNodeDecommissionedUnderLoadIsSwitchedOffWithNothingLostAndComesBackEligible()
      throws Exception {
    cluster = MiniCluster.start(LocalCluster.Settings.defaults().withChunkservers(4)
        .withChunkSize(CHUNK).withSecurity(MasterConfig.TLS));
    GranaryClient c = cluster.client();
    for (int i = 0; i < 6; i++) {
      write(c, "/before/f" + i, data(CHUNK * (2 + i % 3) + 777 * i, i));
    }
    for (int i = 0; i < 4; i++) {
      write(c, "/before/small" + i, data(1000 + i, 100 + i));
    }
    String id = cluster.chunkserver(X).nodeId();
    String address = "127.0.0.1:" + cluster.chunkserver(X).port();
    List<String> heldBefore = pathsWithEveryChunkOn(c, address);
    assertFalse(heldBefore.isEmpty(), "no file has every chunk on " + address);

    Writer writer = new Writer(cluster.client());
    Thread t = new Thread(writer, "decommission-load");
    t.start();
    try {
      Wait.until("the writer under way", T, () -> writer.written >= 2 || writer.failure.get()
          != null, cluster::describe);
      // By host:port, as an operator reads it off 'granary cluster'.
      DecommissionResult r = c.decommission(address);
      writer.decommissionAsked.set(true);
      assertTrue(r.changed());
      assertEquals(id, r.node().id());
      assertEquals("DECOMMISSIONING", r.node().state(), r.node()::toString);
      // Repair is fast: by the answer (1 s after the intent is durable) the node's replicas may
      // all be copied already; it stays DECOMMISSIONING until writes begun before it are done.
      assertTrue(r.node().replicasLeft() <= r.node().chunks(), r.node()::toString);

      awaitState(c, id, "DECOMMISSIONED");
      Wait.until("files written after the decommission", T, () -> writer.after.size() >= 3
          || writer.failure.get() != null, cluster::describe);
    } finally {
      writer.stop.set(true);
      t.join(T.toMillis());
    }
    assertNull(writer.failure.get(), () -> "the writer failed: " + writer.failure.get());
    assertFalse(t.isAlive(), "the writer did not stop");
    assertEquals("DECOMMISSIONED", node(c, id).state(), cluster::describe);
    assertEquals(0, node(c, id).replicasLeft());

    // Nothing new landed on it; everything it holds has its goal on the others.
    for (String path : writer.after) {
      for (ChunkInfo ch : c.statWithChunks(path).chunks()) {
        assertFalse(ch.replicas().contains(address), path + " chunk " + ch + " was placed on the "
            + "decommissioning node");
      }
    }
    assertEquals("", lackingGoalWithout(c, address));

    // It still serves reads: with every other node stopped, the files it holds read from it.
    List<Integer> others = List.of(0, 2, 3);
    for (int i : others) {
      cluster.cluster().stopChunkserver(i);
    }
    GranaryClient reader = uncached();
    for (String path : heldBefore) {
      assertArrayEquals(files.get(path), read(reader, path), path);
    }
    for (int i : others) {
      cluster.cluster().startChunkserver(i);
    }
    cluster.awaitLive(3, T);
    // Decommissioned again once the others' replicas are back.
    Wait.until("every chunk at its goal without " + address, T,
        () -> lackingGoalWithout(c, address).isEmpty(), cluster::describe);
    awaitState(c, id, "DECOMMISSIONED");

    // Switched off: nothing under-replicated, every file reads back.
    cluster.cluster().stopChunkserver(X);
    Wait.until(id + " silent past deadAfter", T, () -> node(c, id).millisSinceLastPulse()
        > cluster.cluster().settings().deadAfter().toMillis() * 2, cluster::describe);
    FsckReport f = c.fsck("/");
    assertEquals("HEALTHY", f.status(), f::toString);
    assertEquals(0, f.underReplicated(), f::toString);
    assertEquals(0, f.missing(), f::toString);
    assertEquals(files.size(), f.files(), f::toString);
    assertEquals(0, c.clusterStatus().replicationQueue(), cluster::describe);
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      assertArrayEquals(e.getValue(), read(reader, e.getKey()), e.getKey());
    }

    // Back on its data dir it is still decommissioned; recommissioned, it is LIVE and eligible.
    cluster.cluster().startChunkserver(X);
    String newAddress = "127.0.0.1:" + cluster.chunkserver(X).port();
    Wait.until(id + " registered again", T, () -> node(c, id).address().equals(newAddress)
        && node(c, id).state().equals("DECOMMISSIONED"), cluster::describe);
    DecommissionResult back = c.recommission(id);
    assertTrue(back.changed());
    assertEquals("LIVE", back.node().state());
    assertEquals(0, back.node().decommissionSince());
    cluster.awaitLive(4, T);
    // Its replicas count again: the extra copies are trimmed.
    Wait.until("no over-replicated chunk", T, () -> {
      FsckReport h = c.fsck("/");
      return h.overReplicated() == 0 && h.status().equals("HEALTHY");
    }, cluster::describe);
    write(c, "/after/g", data(8 * CHUNK, 99));
    boolean placed = false;
    for (ChunkInfo ch : c.statWithChunks("/after/g").chunks()) {
      placed |= ch.replicas().contains(newAddress);
    }
    assertTrue(placed, "no chunk of a new file went to the recommissioned node");
    assertArrayEquals(files.get("/after/g"), read(reader, "/after/g"));
  }

  /** The chunks with fewer than their goal of replicas on nodes other than {@code address}. */
  String lackingGoalWithout(GranaryClient c, String address) throws Exception {
    StringBuilder out = new StringBuilder();
    for (String path : files.keySet()) {
      for (ChunkInfo ch : c.statWithChunks(path).chunks()) {
        List<String> others = new ArrayList<>(ch.replicas());
        others.remove(address);
        if (others.size() < REPLICATION) {
          out.append(path).append(' ').append(ch).append('\n');
        }
      }
    }
    return out.toString();
  }

  /** Files every chunk of which has a replica on {@code address}. */
  List<String> pathsWithEveryChunkOn(GranaryClient c, String address) throws Exception {
    List<String> out = new ArrayList<>();
    for (String path : files.keySet()) {
      if (c.statWithChunks(path).chunks().stream()
          .allMatch(ch -> ch.replicas().contains(address))) {
        out.add(path);
      }
    }
    return out;
  }
}
