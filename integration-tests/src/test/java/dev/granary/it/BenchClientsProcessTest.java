package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code granary bench --clients N} as an operator runs it: real {@code bin/granary} processes, a
 * master and three chunkservers, and the bench's JSON lines checked against the contract (the HDFS
 * peer harness's workload names, units and per-client parameters).
 */
class BenchClientsProcessTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> SINGLE = List.of("seq_write", "seq_read_warm", "seq_read_cached",
      "small_write", "small_read_warm", "list_dir", "meta_create_empty", "meta_mkdir",
      "meta_stat");
  static final Map<String, String> CONCURRENT = Map.of("conc_seq_write", "MiB/s",
      "conc_seq_read_warm", "MiB/s", "conc_small_write", "files/s", "conc_small_read_warm",
      "files/s", "conc_meta_stat", "ops/s");
  static ProcessCluster cluster;
  static String master;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    cluster = ProcessCluster.started(tmp.resolve("cluster"), List.of("--chunk-size", "1MiB",
        "--pulse-interval", "200ms", "--dead-after", "3s"), 3);
    master = cluster.masterAddress().toString();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void clientsAddTheFiveConcurrentWorkloadsOfTheHdfsPeer() throws Exception {
    Cli.Result r = Cli.run(master, null, "bench", "--size", "2MiB", "--files", "40", "--ops",
        "200", "--runs", "1", "--clients", "4");
    assertEquals(0, r.code(), () -> r + "\n" + cluster.logs());
    Map<String, JsonNode> byWorkload = new LinkedHashMap<>();
    for (String line : r.out().strip().split("\n")) {
      JsonNode n = JSON.readTree(line);
      assertTrue(n.isObject(), line);
      for (String f : List.of("system", "workload", "unit", "runs", "min", "median", "max")) {
        assertTrue(n.has(f), "bench line lacks " + f + ": " + line);
      }
      assertEquals("granary", n.get("system").asText(), line);
      assertEquals(1, n.get("runs").asInt(), line);
      assertTrue(n.get("median").asDouble() > 0, "median not positive: " + line);
      assertTrue(n.get("min").asDouble() <= n.get("median").asDouble()
          && n.get("median").asDouble() <= n.get("max").asDouble(), line);
      assertEquals(null, byWorkload.put(n.get("workload").asText(), n), "twice: " + line);
    }
    List<String> expected = new java.util.ArrayList<>(SINGLE);
    expected.addAll(CONCURRENT.keySet());
    assertEquals(new java.util.TreeSet<>(expected), new java.util.TreeSet<>(byWorkload.keySet()),
        r.out());
    for (Map.Entry<String, String> w : CONCURRENT.entrySet()) {
      JsonNode n = byWorkload.get(w.getKey());
      assertEquals(w.getValue(), n.get("unit").asText(), n::toString);
      assertEquals(4, n.get("params").get("clients").asInt(), n::toString);
      assertTrue(n.has("note"), n::toString);
    }
    for (String w : List.of("conc_seq_write", "conc_seq_read_warm")) {
      assertEquals(512 * 1024, byWorkload.get(w).get("params").get("bytes_per_client").asLong());
    }
    for (String w : List.of("conc_small_write", "conc_small_read_warm")) {
      JsonNode p = byWorkload.get(w).get("params");
      assertEquals(40, p.get("count").asInt(), p::toString);
      assertEquals(4096, p.get("size").asInt(), p::toString);
    }
    assertEquals(200, byWorkload.get("conc_meta_stat").get("params").get("count").asInt());
    // Everything the bench wrote is gone.
    Cli.Result ls = Cli.run(master, null, "ls", "/");
    assertEquals(0, ls.code(), ls::toString);
    assertFalse(ls.out().contains("granary-bench-"), ls.out());
  }

  @Test
  void workloadsRunsOnlyTheGroupsAsked() throws Exception {
    Cli.Result r = Cli.run(master, null, "bench", "--workloads", "small,meta", "--files", "20",
        "--ops", "50", "--runs", "1");
    assertEquals(0, r.code(), () -> r + "\n" + cluster.logs());
    java.util.Set<String> got = new java.util.TreeSet<>();
    for (String line : r.out().strip().split("\n")) {
      got.add(JSON.readTree(line).get("workload").asText());
    }
    assertEquals(new java.util.TreeSet<>(List.of("small_write", "small_read_warm", "list_dir",
        "meta_create_empty", "meta_mkdir", "meta_stat")), got, r.out());
  }

  @Test
  void negativeClientsIsAOneLineUsageError() throws Exception {
    Cli.Result r = Cli.run(master, null, "bench", "--clients", "-1");
    assertEquals(2, r.code(), r::toString);
    assertEquals(1, r.err().strip().lines().count(), () -> "one-line error expected: " + r);
    assertTrue(r.err().startsWith("granary: ") && r.err().contains("--clients -1"), r::toString);
    assertEquals("", r.out(), r::toString);
  }
}
