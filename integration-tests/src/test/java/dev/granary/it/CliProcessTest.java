package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's view: a master and three chunkservers as real {@code bin/granary} processes, and
 * every client command run as a process, checking output, JSON shapes and exit codes.
 */
class CliProcessTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static ProcessCluster cluster;
  static String master;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    cluster = ProcessCluster.started(tmp.resolve("cluster"), List.of("--chunk-size", "1MiB",
        "--pulse-interval", "200ms", "--dead-after", "3s", "--gc-interval", "2s"), 3);
    master = cluster.masterAddress().toString();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static Cli.Result granary(String... args) throws Exception {
    return Cli.run(master, null, args);
  }

  static Cli.Result ok(String... args) throws Exception {
    Cli.Result r = granary(args);
    assertEquals(0, r.code(), () -> r + "\n" + cluster.logs());
    return r;
  }

  static void fails(int code, String... args) throws Exception {
    Cli.Result r = granary(args);
    assertEquals(code, r.code(), r::toString);
    assertEquals(1, r.err().strip().lines().count(), () -> "one-line error expected: " + r);
    assertTrue(r.err().startsWith("granary: "), r::toString);
  }

  static byte[] data(int n) {
    byte[] b = new byte[n];
    new SplittableRandom(n).nextBytes(b);
    return b;
  }

  @Test
  void putGetAndExistsRules() throws Exception {
    byte[] d = data(3 * 1024 * 1024 + 77);
    Path local = tmp.resolve("in.bin");
    Files.write(local, d);
    ok("put", local.toString(), "/cli/put/in.bin");
    fails(6, "put", local.toString(), "/cli/put/in.bin");
    Path out = tmp.resolve("out.bin");
    ok("get", "/cli/put/in.bin", out.toString());
    assertArrayEquals(d, Files.readAllBytes(out));
    fails(6, "get", "/cli/put/in.bin", out.toString());
    byte[] d2 = data(1000);
    Files.write(local, d2);
    ok("put", local.toString(), "/cli/put/in.bin", "--force");
    ok("get", "/cli/put/in.bin", out.toString(), "--force");
    assertArrayEquals(d2, Files.readAllBytes(out));
    fails(3, "get", "/cli/put/missing", tmp.resolve("x").toString());
    fails(3, "put", tmp.resolve("no-such-local").toString(), "/cli/put/x");
  }

  @Test
  void stdinAndStdout() throws Exception {
    byte[] d = data(2 * 1024 * 1024 + 5);
    Cli.Result r = Cli.run(master, d, "put", "-", "/cli/stdin.bin");
    assertEquals(0, r.code(), r::toString);
    assertArrayEquals(d, Cli.runBytes(master, "cat", "/cli/stdin.bin"));
    assertArrayEquals(d, Cli.runBytes(master, "get", "/cli/stdin.bin", "-"));
  }

  @Test
  void directoriesListingAndRemoval() throws Exception {
    fails(3, "mkdir", "/cli/dirs/a/b");
    ok("mkdir", "-p", "/cli/dirs/a/b");
    ok("mkdir", "-p", "/cli/dirs/a/b");
    fails(6, "mkdir", "/cli/dirs/a/b");
    Path local = tmp.resolve("small.txt");
    Files.writeString(local, "hello granary\n");
    ok("put", local.toString(), "/cli/dirs/a/file.txt");
    String plain = ok("ls", "/cli/dirs/a").out();
    assertTrue(plain.contains("file.txt") && plain.contains("b/"), plain);
    assertTrue(ok("ls", "/cli/dirs/a", "-l").out().contains("file.txt"));
    JsonNode ls = JSON.readTree(ok("ls", "/cli/dirs/a", "--json").out());
    assertTrue(ls.isArray());
    assertEquals(2, ls.size());
    for (JsonNode e : ls) {
      for (String f : List.of("name", "path", "type", "size", "modified")) {
        assertTrue(e.has(f), "ls entry lacks " + f + ": " + e);
      }
    }
    JsonNode file = ls.get(0).get("name").asText().equals("file.txt") ? ls.get(0) : ls.get(1);
    assertEquals("file", file.get("type").asText());
    assertEquals(14, file.get("size").asLong());
    assertEquals("/cli/dirs/a/file.txt", file.get("path").asText());
    assertTrue(ok("ls").out().contains("cli/"));
    fails(2, "rm", "/cli/dirs/a");
    fails(3, "rm", "/cli/dirs/nope");
    ok("mv", "/cli/dirs/a/file.txt", "/cli/dirs/moved.txt");
    assertEquals("hello granary\n", ok("cat", "/cli/dirs/moved.txt").out());
    fails(3, "cat", "/cli/dirs/a/file.txt");
    ok("rm", "-r", "/cli/dirs/a");
    fails(3, "stat", "/cli/dirs/a");
  }

  @Test
  void statClusterAndFsckJson() throws Exception {
    Path local = tmp.resolve("stat.bin");
    Files.write(local, data(2 * 1024 * 1024 + 1));
    ok("put", local.toString(), "/cli/stat.bin", "--replication", "2");
    JsonNode st = JSON.readTree(ok("stat", "/cli/stat.bin", "--json").out());
    for (String f : List.of("path", "type", "size", "replication", "chunkSize", "modified",
        "chunks")) {
      assertTrue(st.has(f), "stat lacks " + f + ": " + st);
    }
    assertEquals("file", st.get("type").asText());
    assertEquals(2 * 1024 * 1024 + 1, st.get("size").asLong());
    assertEquals(2, st.get("replication").asInt());
    assertEquals(3, st.get("chunks").size());
    for (JsonNode ch : st.get("chunks")) {
      assertTrue(ch.get("handle").isTextual(), "handle must be a string: " + ch);
      assertEquals(2, ch.get("replicas").size(), ch::toString);
      assertTrue(ch.has("index") && ch.has("version") && ch.has("size"), ch::toString);
      String handle = ch.get("handle").asText();
      long onDisk = Files.walk(cluster.dir()).filter(p -> p.getFileName().toString()
          .contains(handle) && p.getFileName().toString().endsWith(".chunk")).count();
      assertEquals(2, onDisk, "replica files of " + handle);
    }
    JsonNode cl = JSON.readTree(ok("cluster", "--json").out());
    assertEquals(3, cl.get("chunkservers").size());
    for (JsonNode n : cl.get("chunkservers")) {
      for (String f : List.of("id", "address", "state", "usedBytes", "capacityBytes", "chunks")) {
        assertTrue(n.has(f), "cluster node lacks " + f + ": " + n);
      }
      assertEquals("LIVE", n.get("state").asText());
    }
    for (String f : List.of("files", "chunks", "underReplicated", "missing")) {
      assertTrue(cl.has(f), "cluster lacks " + f);
    }
    JsonNode fsck = JSON.readTree(ok("fsck", "--json").out());
    for (String f : List.of("files", "chunks", "healthy", "underReplicated", "overReplicated",
        "corrupt", "missing", "status")) {
      assertTrue(fsck.has(f), "fsck lacks " + f);
    }
    assertEquals("HEALTHY", fsck.get("status").asText(), fsck::toString);
    assertFalse(ok("cluster").out().isBlank());
    assertTrue(ok("fsck").out().contains("HEALTHY"));
  }

  @Test
  void benchPrintsOneJsonLinePerWorkload() throws Exception {
    Cli.Result r = ok("bench", "--size", "3MiB", "--files", "20", "--ops", "30", "--runs", "2");
    java.util.Map<String, JsonNode> byWorkload = new java.util.HashMap<>();
    for (String line : r.out().strip().split("\n")) {
      JsonNode n = JSON.readTree(line);
      for (String f : List.of("system", "workload", "unit", "runs", "min", "median", "max")) {
        assertTrue(n.has(f), "bench line lacks " + f + ": " + line);
      }
      assertEquals("granary", n.get("system").asText());
      assertEquals(2, n.get("runs").asInt());
      assertTrue(n.get("min").asDouble() <= n.get("median").asDouble()
          && n.get("median").asDouble() <= n.get("max").asDouble(), line);
      byWorkload.put(n.get("workload").asText(), n);
    }
    for (String w : List.of("seq_write", "seq_read_warm", "small_write", "small_read_warm",
        "meta_create_empty", "meta_mkdir", "meta_stat", "list_dir")) {
      assertTrue(byWorkload.containsKey(w), "no " + w + " line in " + r.out());
    }
    assertEquals("MiB/s", byWorkload.get("seq_write").get("unit").asText());
    assertEquals("files/s", byWorkload.get("small_write").get("unit").asText());
    assertEquals("ms", byWorkload.get("list_dir").get("unit").asText());
    assertTrue(byWorkload.get("seq_read_cached").get("cache").get("hits").asLong() > 0,
        "the repeated read is served from the block cache");
    // The bench cleans up after itself.
    assertFalse(ok("ls", "/").out().contains("granary-bench"), "bench left files behind");
  }

  @Test
  void benchDeltaAndSnapshotWorkloadsReportWhatTheySent() throws Exception {
    // 5 chunks of 1 MiB: one is changed per run, so exactly 1 MiB is sent.
    Cli.Result r = ok("bench", "--workloads", "delta,snapshot", "--size", "5MiB",
        "--delta-chunk-size", "1MiB", "--snapshot-files", "40", "--runs", "2");
    java.util.Map<String, JsonNode> byWorkload = new java.util.HashMap<>();
    for (String line : r.out().strip().split("\n")) {
      JsonNode n = JSON.readTree(line);
      byWorkload.put(n.get("workload").asText(), n);
    }
    assertEquals(java.util.Set.of("delta_update", "snapshot_create"), byWorkload.keySet(),
        r.out());
    JsonNode delta = byWorkload.get("delta_update");
    assertEquals("MiB/s", delta.get("unit").asText());
    assertEquals(2, delta.get("runs").asInt());
    assertEquals(1L << 20, delta.get("bytesSent").asLong(), delta::toString);
    assertEquals(5, delta.get("params").get("chunks").asInt());
    assertEquals(1, delta.get("params").get("chunksChanged").asInt());
    assertTrue(delta.get("fullPutMiBps").asDouble() > 0 && delta.get("speedup").asDouble() > 0,
        delta::toString);
    JsonNode snapshot = byWorkload.get("snapshot_create");
    assertEquals("ms", snapshot.get("unit").asText());
    assertEquals("lower", snapshot.get("better").asText());
    assertEquals(40, snapshot.get("params").get("snapshotFiles").asInt());
    // The snapshots were deleted and the bench's files removed.
    assertFalse(ok("ls", "/").out().contains("granary-bench"), "bench left files behind");
  }

  @Test
  void demoNeedsNoSetup() throws Exception {
    Cli.Result r = Cli.run(null, null, "demo", "--size", "5MiB");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("verified: sha256"), r.out());
    assertTrue(r.out().contains("HEALTHY"), r.out());
  }

  @Test
  void usageErrorsAreExitTwo() throws Exception {
    fails(2, "put", "--no-such-flag", "a", "/b");
    fails(2, "ls", "relative/path");
    fails(2, "frobnicate");
  }

  @Test
  void masterDownIsExitFourPromptly() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Cli.Result r = Cli.run("127.0.0.1:" + port, null, "ls", "/");
    assertEquals(4, r.code(), r::toString);
    assertEquals(1, r.err().strip().lines().count(), r::toString);
    assertTrue(r.millis() < 15_000, "took " + r.millis() + " ms");
  }

  @Test
  void serverStartupErrorsAreExitTwoWithOneLine() throws Exception {
    Cli.Result taken = Cli.run(null, null, "master", "--port",
        Integer.toString(cluster.masterAddress().port()), "--data-dir",
        tmp.resolve("m2").toString(), "--http-port", "0");
    assertEquals(2, taken.code(), taken::toString);
    assertTrue(taken.err().lines().anyMatch(l -> l.startsWith("granary: ")
        && l.contains(Integer.toString(cluster.masterAddress().port()))), taken::toString);
    Cli.Result bad = Cli.run(null, null, "chunkserver", "--capacity", "lots");
    assertEquals(2, bad.code(), bad::toString);
    assertTrue(bad.err().contains("--capacity") && bad.err().contains("lots"), bad::toString);
  }
}
