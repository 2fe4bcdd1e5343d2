package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code granary decommission NODE --wait} and {@code granary recommission NODE} as an operator
 * runs them against a secured cluster of real processes: the node ends DECOMMISSIONED in
 * {@code cluster --json}, is killed with nothing under-replicated or lost, comes back still
 * decommissioned and is LIVE after a recommission; an unknown node is exit 3 and a user who is not
 * the superuser exit 7, each in one line.
 */
class DecommissionProcessTest {
  static final Duration T = Duration.ofSeconds(90);
  private final ObjectMapper json = new ObjectMapper();
  @TempDir
  Path tmp;
  private ProcessCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private String master() {
    return cluster.masterAddress().toString();
  }

  private Cli.Result admin(String... args) throws Exception {
    return Cli.run(master(), null, args);
  }

  private Cli.Result ok(String... args) throws Exception {
    Cli.Result r = admin(args);
    assertEquals(0, r.code(), () -> r + "\n" + cluster.logs());
    return r;
  }

  /** Chunkserver {@code id} as {@code cluster --json} shows it. */
  private JsonNode node(String id) throws Exception {
    JsonNode st = json.readTree(ok("cluster", "--json").out());
    for (JsonNode n : st.get("chunkservers")) {
      if (n.get("id").asText().equals(id)) {
        return n;
      }
    }
    throw new AssertionError("no chunkserver " + id + " in " + st);
  }

  @Test
  void decommissionWaitThenKillThenRecommission() throws Exception {
    cluster = ProcessCluster.started(tmp.resolve("c"), List.of("--chunk-size", "1MiB",
        "--pulse-interval", "200ms", "--dead-after", "3s", "--gc-interval", "2s"), 4);
    List<Path> locals = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      byte[] b = new byte[(i + 1) * 700_000];
      new SplittableRandom(i).nextBytes(b);
      Path f = tmp.resolve("f" + i);
      Files.write(f, b);
      locals.add(f);
      ok("put", f.toString(), "/d/f" + i);
    }
    // The node holding the most chunks, named by host:port as 'cluster' shows it.
    JsonNode victim = null;
    for (JsonNode n : json.readTree(ok("cluster", "--json").out()).get("chunkservers")) {
      if (victim == null || n.get("chunks").asLong() > victim.get("chunks").asLong()) {
        victim = n;
      }
    }
    String id = victim.get("id").asText();
    String address = victim.get("address").asText();
    int index = cluster.chunkserverIndex(address);
    assertTrue(index >= 0, address);
    assertTrue(victim.get("chunks").asLong() > 0, victim::toString);

    admin("decommission", "127.0.0.1:1", "--wait").failsInOneLine(3,
        "no chunkserver '127.0.0.1:1'");
    admin("recommission", "no-such-node").failsInOneLine(3, "no chunkserver 'no-such-node'");
    Path bob = tmp.resolve("bob.credentials");
    ok("user", "add", "bob", "--out", bob.toString());
    Cli.runAs(bob, master(), "decommission", id, "--wait").failsInOneLine(7,
        "user bob may not decommission chunkservers");
    Cli.runAs(bob, master(), "recommission", id).failsInOneLine(7,
        "user bob may not recommission chunkservers");
    assertEquals("LIVE", node(id).get("state").asText());

    Cli.Result r = ok("decommission", address, "--wait");
    List<String> lines = r.out().strip().lines().toList();
    assertTrue(lines.get(lines.size() - 1).startsWith("chunkserver " + id + " (" + address
        + ") is DECOMMISSIONED"), r::toString);
    JsonNode n = node(id);
    assertEquals("DECOMMISSIONED", n.get("state").asText(), n::toString);
    assertEquals(0, n.get("decommission").get("replicasLeft").asLong(), n::toString);
    // Again: already so, at once.
    r = ok("decommission", id, "--wait");
    assertTrue(r.out().contains("is DECOMMISSIONED (already)"), r::toString);

    cluster.killChunkserver(index);
    Wait.until(id + " silent past dead-after", T,
        () -> node(id).get("millisSinceLastPulse").asLong() > 6000, cluster::logs);
    JsonNode fsck = json.readTree(ok("fsck", "--json").out());
    assertEquals("HEALTHY", fsck.get("status").asText(), fsck::toString);
    assertEquals(0, fsck.get("underReplicated").asLong(), fsck::toString);
    assertEquals(0, fsck.get("missing").asLong(), fsck::toString);
    for (int i = 0; i < locals.size(); i++) {
      Path back = tmp.resolve("back" + i);
      ok("get", "/d/f" + i, back.toString());
      assertArrayEquals(Files.readAllBytes(locals.get(i)), Files.readAllBytes(back), "f" + i);
    }

    // Back on its disk it is still decommissioned; recommissioned, LIVE and counted again.
    cluster.startChunkserver(index);
    Wait.until(id + " registered again", T, () -> {
      JsonNode x = node(id);
      return x.get("millisSinceLastPulse").asLong() < 2000
          && x.get("state").asText().equals("DECOMMISSIONED");
    }, cluster::logs);
    r = ok("recommission", id, "--json");
    JsonNode live = json.readTree(r.out());
    assertEquals("LIVE", live.get("state").asText(), r::toString);
    assertTrue(live.get("decommission") == null, r::toString);
    assertEquals("LIVE", node(id).get("state").asText());
    r = ok("recommission", address);
    assertTrue(r.out().contains("it was not being decommissioned"), r::toString);
    cluster.awaitHealthy(T);
  }
}
