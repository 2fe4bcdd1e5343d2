package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.granary.client.EncryptionKey;
import dev.granary.client.GranaryClient;
import dev.granary.client.NotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compression and client-side encryption as an operator meets them: {@code bin/granary key new},
 * {@code put --compress/--encrypt}, {@code get}/{@code cat} with and without the key, {@code stat},
 * {@code policy --encrypt/--compress} and {@code key rotate}, as processes against a secured
 * cluster of processes, checking exit codes, one-line errors and the JSON of the README. Set-up
 * and checks go through the client library where the command is not what is tried. One cluster
 * serves every test, each under its own directory.
 */
class EncryptionProcessTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int CHUNK = 64 * 1024;
  /** A line no replica of an encrypted file may hold: its plaintext never leaves the client. */
  static final String MARKER = "granary-plaintext-marker-4f1c";
  static ProcessCluster cluster;
  static GranaryClient api;
  static String master;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    assertNull(System.getenv("GRANARY_KEY_FILE"), "the commands here must not inherit a key");
    cluster = ProcessCluster.started(tmp.resolve("cluster"), List.of("--chunk-size", "64KiB",
        "--pulse-interval", "200ms", "--dead-after", "3s", "--replication", "2"), 2);
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

  /** A new key file made by {@code granary key new} (no cluster involved). */
  static Path newKey(String name) throws Exception {
    Path file = tmp.resolve(name);
    Cli.Result r = Cli.run(null, null, "key", "new", "--out", file.toString());
    assertEquals(0, r.code(), r::toString);
    return file;
  }

  /** Text that compresses (words, numbers, lines), with {@link #MARKER} on every line. */
  static byte[] text(int n, long seed) {
    String[] words = {"alpha", "beta", "gamma", "delta", "chunk", "replica", "master", "the",
        "of", "and", "lease", "journal"};
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder();
    while (sb.length() < n) {
      sb.append(MARKER);
      for (int w = 0; w < 10; w++) {
        sb.append(' ').append(r.nextInt(4) == 0 ? Integer.toString(r.nextInt(10_000))
            : words[r.nextInt(words.length)]);
      }
      sb.append('\n');
    }
    return sb.substring(0, n).getBytes(StandardCharsets.US_ASCII);
  }

  static Path local(String name, byte[] bytes) throws Exception {
    return Files.write(tmp.resolve(name), bytes);
  }

  /** Whether any replica file on any chunkserver holds {@code needle}. */
  static boolean anyReplicaHolds(String needle) throws Exception {
    for (Path f : cluster.allReplicaFiles()) {
      // ISO-8859-1 maps each byte to one char, so an ASCII needle is found wherever its bytes are.
      if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(needle)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void keyNewMakesAPrivateFileAndNeverOverwritesIt() throws Exception {
    Path file = newKey("new.key");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    String id = EncryptionKey.read(file).id();
    String before = Files.readString(file);

    Cli.Result again = Cli.run(null, null, "key", "new", "--out", file.toString());
    again.failsInOneLine(6, file.toString());
    assertEquals(before, Files.readString(file), "the key file is unchanged");

    Path other = tmp.resolve("new-json.key");
    Cli.Result r = Cli.run(null, null, "key", "new", "--out", other.toString(), "--json");
    assertEquals(0, r.code(), r::toString);
    JsonNode j = JSON.readTree(r.out());
    assertEquals(other.toString(), j.get("keyFile").asText());
    assertEquals(EncryptionKey.read(other).id(), j.get("keyId").asText());
    assertFalse(j.get("keyId").asText().equals(id), "a new key each time");
  }

  @Test
  void encryptedPutRoundTripsWithTheKeyOnlyAndStatSaysSo() throws Exception {
    api.mkdirs("/enc", true);
    Path key = newKey("enc.key");
    Path other = newKey("enc-other.key");
    byte[] bytes = text(3 * CHUNK + 1234, 1);
    Path src = local("enc.txt", bytes);

    granary("put", src.toString(), "/enc/none.txt", "--encrypt")
        .failsInOneLine(7, "key");
    assertThrows(NotFoundException.class, () -> api.stat("/enc/none.txt"),
        "a refused encrypted put leaves nothing");

    ok("put", src.toString(), "/enc/f.txt", "--encrypt", "--key-file", key.toString());
    assertFalse(anyReplicaHolds(MARKER), "no replica holds the plaintext");

    Path back = tmp.resolve("enc-back.txt");
    ok("get", "/enc/f.txt", back.toString(), "--key-file", key.toString());
    assertArrayEquals(bytes, Files.readAllBytes(back));
    assertEquals(new String(bytes, StandardCharsets.US_ASCII),
        ok("cat", "/enc/f.txt", "--key-file", key.toString()).out());

    Path denied = tmp.resolve("enc-denied.txt");
    granary("get", "/enc/f.txt", denied.toString()).failsInOneLine(7, "/enc/f.txt");
    assertFalse(Files.exists(denied), "a denied get writes no local file");
    granary("cat", "/enc/f.txt").failsInOneLine(7, "/enc/f.txt");
    granary("get", "/enc/f.txt", denied.toString(), "--key-file", other.toString())
        .failsInOneLine(7, "/enc/f.txt");
    granary("cat", "/enc/f.txt", "--key-file", other.toString()).failsInOneLine(7, "/enc/f.txt");
    assertFalse(Files.exists(denied));

    JsonNode st = json("stat", "/enc/f.txt", "--json");
    assertTrue(st.get("encrypted").asBoolean(), st::toString);
    assertEquals("none", st.get("compression").asText(), st::toString);
    assertEquals(bytes.length, st.get("size").asLong(), st::toString);
    // Each block carries a header, a nonce and a tag: the stored bytes are more, never fewer.
    assertTrue(st.get("storedSize").asLong() > bytes.length, st::toString);
    long chunkBytes = 0;
    for (JsonNode ch : st.get("chunks")) {
      chunkBytes += ch.get("size").asLong();
    }
    assertEquals(st.get("storedSize").asLong(), chunkBytes, "chunks hold the stored bytes");

    String human = ok("stat", "/enc/f.txt").out();
    assertTrue(human.contains("encrypted:   yes"), human);
    assertTrue(human.contains("compression: none"), human);
    assertTrue(human.contains("storedSize:  " + st.get("storedSize").asLong()), human);
  }

  @Test
  void zstdShrinksTextAndReadsBackWithoutAKey() throws Exception {
    api.mkdirs("/zs", true);
    byte[] bytes = text(4 * CHUNK + 77, 2);
    Path src = local("zs.txt", bytes);
    granary("put", src.toString(), "/zs/bad.txt", "--compress", "gzip")
        .failsInOneLine(2, "--compress");
    assertThrows(NotFoundException.class, () -> api.stat("/zs/bad.txt"));

    ok("put", src.toString(), "/zs/z.txt", "--compress", "zstd");
    JsonNode st = json("stat", "/zs/z.txt", "--json");
    assertEquals("zstd", st.get("compression").asText(), st::toString);
    assertFalse(st.get("encrypted").asBoolean(), st::toString);
    assertEquals(bytes.length, st.get("size").asLong(), st::toString);
    assertTrue(st.get("storedSize").asLong() < bytes.length, st::toString);
    Path back = tmp.resolve("zs-back.txt");
    ok("get", "/zs/z.txt", back.toString());
    assertArrayEquals(bytes, Files.readAllBytes(back));

    // Random bytes do not shrink: stored raw, block by block, and still read back.
    byte[] random = new byte[2 * CHUNK + 5];
    new SplittableRandom(3).nextBytes(random);
    ok("put", local("zs.bin", random).toString(), "/zs/r.bin", "--compress", "lz4");
    JsonNode rs = json("stat", "/zs/r.bin", "--json");
    assertEquals("lz4", rs.get("compression").asText(), rs::toString);
    Path rback = tmp.resolve("zs-back.bin");
    ok("get", "/zs/r.bin", rback.toString());
    assertArrayEquals(random, Files.readAllBytes(rback));
  }

  @Test
  void aPolicyThatSaysEncryptEncryptsPlainPutsAndRefusesThemWithoutAKey() throws Exception {
    api.mkdirs("/pol/sub", true);
    Path key = newKey("pol.key");
    JsonNode p = json("policy", "/pol", "--encrypt", "--compress", "lz4", "--json");
    assertTrue(p.get("encrypt").asBoolean(), p::toString);
    assertEquals("lz4", p.get("compress").asText(), p::toString);
    assertEquals("/pol", p.get("from").get("encrypt").asText(), p::toString);
    JsonNode sub = json("policy", "/pol/sub", "--json");
    assertTrue(sub.get("encrypt").asBoolean(), sub::toString);
    assertEquals("lz4", sub.get("compress").asText(), sub::toString);

    byte[] bytes = text(2 * CHUNK + 9, 4);
    Path src = local("pol.txt", bytes);
    ok("put", src.toString(), "/pol/sub/f.txt", "--key-file", key.toString());
    JsonNode st = json("stat", "/pol/sub/f.txt", "--json");
    assertTrue(st.get("encrypted").asBoolean(), st::toString);
    assertEquals("lz4", st.get("compression").asText(), st::toString);
    assertFalse(anyReplicaHolds(MARKER), "no replica holds the plaintext");
    Path back = tmp.resolve("pol-back.txt");
    ok("get", "/pol/sub/f.txt", back.toString(), "--key-file", key.toString());
    assertArrayEquals(bytes, Files.readAllBytes(back));

    granary("put", src.toString(), "/pol/sub/g.txt").failsInOneLine(7, "key");
    assertThrows(NotFoundException.class, () -> api.stat("/pol/sub/g.txt"));

    // --no-encrypt below lifts the requirement there; inherit and --inherit-encrypt clear.
    JsonNode off = json("policy", "/pol/sub", "--no-encrypt", "--compress", "none", "--json");
    assertFalse(off.get("encrypt").asBoolean(), off::toString);
    assertEquals("none", off.get("compress").asText(), off::toString);
    ok("put", src.toString(), "/pol/sub/plain.txt");
    JsonNode plain = json("stat", "/pol/sub/plain.txt", "--json");
    assertFalse(plain.get("encrypted").asBoolean(), plain::toString);
    assertEquals("none", plain.get("compression").asText(), plain::toString);
    JsonNode cleared = json("policy", "/pol/sub", "--inherit-encrypt", "--compress", "inherit",
        "--json");
    assertTrue(cleared.get("encrypt").asBoolean(), cleared::toString);
    assertEquals("/pol", cleared.get("from").get("compress").asText(), cleared::toString);
  }

  @Test
  void keyRotateRewrapsSoOnlyTheNewKeyReads() throws Exception {
    api.mkdirs("/rot/d", true);
    Path oldKey = newKey("rot-old.key");
    Path newKey = newKey("rot-new.key");
    byte[] one = text(CHUNK + 100, 5);
    byte[] two = text(3 * CHUNK, 6);
    ok("put", local("rot1.txt", one).toString(), "/rot/a.txt", "--encrypt", "--key-file",
        oldKey.toString());
    ok("put", local("rot2.txt", two).toString(), "/rot/d/b.txt", "--encrypt", "--compress",
        "zstd", "--key-file", oldKey.toString());
    ok("put", local("rot3.txt", one).toString(), "/rot/plain.txt");

    JsonNode r = json("key", "rotate", "--old-key-file", oldKey.toString(), "--new-key-file",
        newKey.toString(), "/rot", "-R", "--json");
    assertEquals(2, r.get("rotated").asInt(), r::toString);
    assertEquals(0, r.get("alreadyNew").asInt(), r::toString);
    assertEquals(1, r.get("notEncrypted").asInt(), r::toString);

    Path back = tmp.resolve("rot-back.txt");
    ok("get", "/rot/d/b.txt", back.toString(), "--key-file", newKey.toString());
    assertArrayEquals(two, Files.readAllBytes(back));
    assertEquals(new String(one, StandardCharsets.US_ASCII),
        ok("cat", "/rot/a.txt", "--key-file", newKey.toString()).out());
    granary("cat", "/rot/a.txt", "--key-file", oldKey.toString()).failsInOneLine(7, "/rot/a.txt");

    JsonNode again = json("key", "rotate", "--old-key-file", oldKey.toString(),
        "--new-key-file", newKey.toString(), "/rot", "-R", "--json");
    assertEquals(0, again.get("rotated").asInt(), again::toString);
    assertEquals(2, again.get("alreadyNew").asInt(), again::toString);

    Path stranger = newKey("rot-stranger.key");
    granary("key", "rotate", "--old-key-file", stranger.toString(), "--new-key-file",
        oldKey.toString(), "/rot/a.txt").failsInOneLine(7, "/rot/a.txt");
    granary("key", "rotate", "--old-key-file", oldKey.toString(), "--new-key-file",
        newKey.toString(), "/rot").failsInOneLine(2, "/rot");
  }
}
