package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.granary.client.GranaryClient;
import dev.granary.client.NotFoundException;
import dev.granary.client.PolicyChange;
import dev.granary.client.TrashEntry;
import dev.granary.client.WriteOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's view of versions, snapshots, trash and policies: {@code bin/granary} commands as
 * processes against a secured cluster of processes, checking exit codes, one-line errors and the
 * JSON shapes of the README. Set-up and checks of what a command did go through the client
 * library (one JVM start saved per step); the commands under test run as processes. One cluster
 * serves every test (each works under its own directory); its master runs with
 * {@code --dedup true}, so {@code put} of a local file is checked against the owner's chunks.
 */
class SharedChunksProcessTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int CHUNK = 64 * 1024;
  static ProcessCluster cluster;
  static GranaryClient api;
  static String master;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    // Two chunkservers at replication 2: one JVM fewer to start; the commands are what is tried.
    cluster = ProcessCluster.started(tmp.resolve("cluster"), List.of("--chunk-size", "64KiB",
        "--pulse-interval", "200ms", "--dead-after", "3s", "--gc-interval", "500ms",
        "--replication", "2", "--dedup", "true"), 2);
    master = cluster.masterAddress().toString();
    api = cluster.client(Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  static Cli.Result granary(String... args) throws Exception {
    return Cli.run(master, null, args);
  }

  static Cli.Result ok(String... args) throws Exception {
    return Cli.ok(cluster, args);
  }

  static JsonNode json(String... args) throws Exception {
    return JSON.readTree(ok(args).out());
  }

  static byte[] data(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  static Path local(String name, byte[] bytes) throws Exception {
    Path p = tmp.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  static void write(String path, byte[] bytes) throws Exception {
    write(path, bytes, false);
  }

  static void write(String path, byte[] bytes, boolean overwrite) throws Exception {
    try (OutputStream out = api.create(path, WriteOptions.defaults().withChunkSize(CHUNK)
        .withOverwrite(overwrite))) {
      out.write(bytes);
    }
  }

  static byte[] read(String path) throws Exception {
    try (InputStream in = api.open(path)) {
      return in.readAllBytes();
    }
  }

  @Test
  void policyShowsSetsAndClearsWithJson() throws Exception {
    api.mkdirs("/pol/a", true);
    JsonNode set = json("policy", "/pol", "--keep-versions", "3", "--trash", "7d", "--json");
    assertEquals("/pol", set.get("path").asText());
    assertTrue(set.get("replication").isNull(), set::toString);
    assertEquals(3, set.get("keepVersions").asInt());
    assertEquals("7d", set.get("trash").asText());
    assertEquals(Duration.ofDays(7).toMillis(), set.get("trashMillis").asLong());
    assertEquals("{\"keepVersions\":\"/pol\",\"trash\":\"/pol\"}", set.get("from").toString());

    Cli.Result text = ok("policy", "/pol/a", "--replication", "2", "--trash", "0");
    assertTrue(Pattern.compile("replication\\s+2\\s+\\(set here\\)").matcher(text.out()).find(),
        text::toString);
    assertTrue(Pattern.compile("keepVersions\\s+3\\s+\\(from /pol\\)").matcher(text.out())
        .find(), text::toString);

    JsonNode cleared = json("policy", "/pol/a", "--replication", "none", "--trash", "inherit",
        "--json");
    assertTrue(cleared.get("replication").isNull(), cleared::toString);
    assertEquals("7d", cleared.get("trash").asText());
    assertEquals("{\"keepVersions\":\"/pol\",\"trash\":\"/pol\"}", cleared.get("from").toString());

    granary("policy", "/pol", "--keep-version", "2").failsInOneLine(2, "--keep-version");
    granary("policy", "/pol/none").failsInOneLine(3, "/pol/none");
    assertEquals(3, api.policy("/pol").keepVersions().getAsInt(), "refusals changed nothing");
  }

  @Test
  void versionsGetVersionAndRestore() throws Exception {
    api.mkdirs("/ver", true);
    api.setPolicy("/ver", PolicyChange.none().keepVersions(2));
    byte[] one = data(2 * CHUNK + 3, 1);
    byte[] two = data(100, 2);
    write("/ver/f", one, false);
    write("/ver/f", two, true);

    JsonNode vs = json("versions", "/ver/f", "--json");
    assertEquals(2, vs.size(), vs::toString);
    assertEquals(List.of("version", "size", "modified", "current"),
        fieldNames(vs.get(0)));
    assertEquals(2, vs.get(0).get("version").asLong());
    assertEquals(two.length, vs.get(0).get("size").asLong());
    assertTrue(vs.get(0).get("current").asBoolean());
    assertEquals(1, vs.get(1).get("version").asLong());
    assertEquals(one.length, vs.get(1).get("size").asLong());
    assertEquals(false, vs.get(1).get("current").asBoolean());
    assertTrue(vs.get(0).get("modified").asLong() >= vs.get(1).get("modified").asLong());

    Path out = tmp.resolve("v1.out");
    ok("get", "/ver/f", out.toString(), "--version", "1");
    assertArrayEquals(one, Files.readAllBytes(out));
    granary("get", "/ver/f", tmp.resolve("v7.out").toString(), "--version", "7")
        .failsInOneLine(3, "/ver/f");

    Cli.Result restored = ok("restore", "/ver/f", "--version", "1");
    assertTrue(restored.out().startsWith("restored /ver/f to version 1"), restored::toString);
    assertArrayEquals(one, read("/ver/f"));
    assertEquals(List.of(3L, 2L, 1L), api.versions("/ver/f").stream().map(v -> v.version())
        .toList());
  }

  /** The field names of a JSON object, in order. */
  private static List<String> fieldNames(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void snapshotCreateListReadAndDelete() throws Exception {
    byte[] f = data(CHUNK + 11, 3);
    write("/snap/f", f);
    Cli.Result created = ok("snapshot", "create", "/snap", "one");
    assertTrue(created.out().contains("/snap/.snapshot/one"), created::toString);
    granary("snapshot", "create", "/snap", "one").failsInOneLine(6, "one");

    JsonNode list = json("snapshot", "list", "/snap", "--json");
    assertEquals(1, list.size(), list::toString);
    assertEquals(List.of("name", "path", "created"),
        fieldNames(list.get(0)));
    assertEquals("one", list.get(0).get("name").asText());
    assertEquals("/snap/.snapshot/one", list.get(0).get("path").asText());
    assertTrue(list.get(0).get("created").asLong() > 0);

    write("/snap/later", data(10, 4));
    assertArrayEquals(f, Cli.runBytes(master, "cat", "/snap/.snapshot/one/f"));

    Path g = local("g", data(5, 5));
    granary("put", g.toString(), "/snap/.snapshot/one/g").failsInOneLine(7, ".snapshot");
    granary("rm", "/snap/.snapshot/one/f").failsInOneLine(7, ".snapshot");
    granary("rm", "-r", "/snap").failsInOneLine(2, "/snap");
    assertArrayEquals(f, read("/snap/.snapshot/one/f"));

    ok("snapshot", "delete", "/snap", "one");
    assertThrows(NotFoundException.class, () -> api.stat("/snap/.snapshot/one"));
    assertArrayEquals(f, read("/snap/f"));
  }

  @Test
  void trashListRestoreAndSkipTrash() throws Exception {
    api.mkdirs("/tr", true);
    api.setPolicy("/tr", PolicyChange.none().trash(Duration.ofHours(1)));
    byte[] f1 = data(3 * CHUNK, 6);
    byte[] f2 = data(77, 7);
    write("/tr/d/f1", f1);
    write("/tr/d/sub/f2", f2);
    write("/tr/k", data(10, 8));

    Cli.Result rm = ok("rm", "-r", "/tr/d");
    assertTrue(Pattern.compile("^moved /tr/d to your trash until \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d"
        + ":\\d\\dZ \\(undo: granary trash restore /tr/d\\)\\n$").matcher(rm.out()).find(),
        rm::toString);
    JsonNode list = json("trash", "list", "--json");
    JsonNode d = null;
    for (JsonNode e : list) {
      if (e.get("path").asText().equals("/tr/d")) {
        d = e;
      }
    }
    assertTrue(d != null, list::toString);
    assertEquals(List.of("path", "type", "size", "files", "deleted", "expires"),
        fieldNames(d));
    assertEquals("dir", d.get("type").asText());
    assertEquals(f1.length + f2.length, d.get("size").asLong());
    assertEquals(2, d.get("files").asLong());
    assertEquals(Duration.ofHours(1).toMillis(),
        d.get("expires").asLong() - d.get("deleted").asLong());

    ok("trash", "restore", "/tr/d");
    assertArrayEquals(f1, read("/tr/d/f1"));
    assertArrayEquals(f2, read("/tr/d/sub/f2"));
    granary("trash", "restore", "/tr/d").failsInOneLine(3, "/tr/d");
    api.delete("/tr/d", true);
    write("/tr/d", data(3, 9));
    granary("trash", "restore", "/tr/d").failsInOneLine(6, "/tr/d");

    Cli.Result skip = ok("rm", "--skip-trash", "/tr/k");
    assertEquals("", skip.out(), skip::toString);
    assertThrows(NotFoundException.class, () -> api.stat("/tr/k"));
    assertTrue(api.trash().stream().map(TrashEntry::path).noneMatch("/tr/k"::equals));
  }

  /** The {@code digest} of each chunk in {@code stat --json}'s answer for {@code path}. */
  private static List<String> statDigests(String path) throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode ch : json("stat", path, "--json").get("chunks")) {
      out.add(ch.get("handle").asText() + " " + ch.get("digest").asText());
    }
    return out;
  }

  private static void assertSent(JsonNode put, String path, long size, long bytesSent,
      int chunksSent, int chunksReused) {
    assertEquals(List.of("path", "size", "bytesSent", "chunksSent", "chunksReused"),
        fieldNames(put), put::toString);
    assertEquals(path, put.get("path").asText(), put::toString);
    assertEquals(size, put.get("size").asLong(), put::toString);
    assertEquals(bytesSent, put.get("bytesSent").asLong(), put::toString);
    assertEquals(chunksSent, put.get("chunksSent").asInt(), put::toString);
    assertEquals(chunksReused, put.get("chunksReused").asInt(), put::toString);
  }

  @Test
  void putJsonTellsWhatANewFileADeltaAndADeduplicatedCopySent() throws Exception {
    byte[] bytes = data(3 * CHUNK + 100, 20);
    Path local = local("pj.bin", bytes);
    assertSent(json("put", local.toString(), "/pj/f", "--json"), "/pj/f", bytes.length,
        bytes.length, 4, 0);

    // One byte of chunk 2 changed: put --force sends that chunk only.
    bytes[2 * CHUNK + 5] ^= 1;
    Files.write(local, bytes);
    List<String> before = statDigests("/pj/f");
    assertSent(json("put", local.toString(), "/pj/f", "--force", "--json"), "/pj/f",
        bytes.length, CHUNK, 1, 3);
    List<String> after = statDigests("/pj/f");
    assertEquals(List.of(true, true, false, true), List.of(before.get(0).equals(after.get(0)),
        before.get(1).equals(after.get(1)), before.get(2).equals(after.get(2)),
        before.get(3).equals(after.get(3))), () -> before + " -> " + after);
    assertArrayEquals(bytes, Cli.runBytes(master, "cat", "/pj/f"));

    // The same bytes at another path of the same owner: the master (--dedup true) holds them all.
    assertSent(json("put", local.toString(), "/pj/g", "--json"), "/pj/g", bytes.length, 0, 0, 4);
    assertEquals(after, statDigests("/pj/g"), "the copy names the same handles and digests");
    assertArrayEquals(bytes, Cli.runBytes(master, "cat", "/pj/g"));

    // From stdin nothing can be hashed first: every chunk is sent.
    Cli.Result piped = Cli.run(master, bytes, "put", "-", "/pj/h", "--json");
    assertEquals(0, piped.code(), piped::toString);
    assertSent(JSON.readTree(piped.out()), "/pj/h", bytes.length, bytes.length, 4, 0);
  }
}
