package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.ChunkInfo;
import dev.granary.client.GranaryClient;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees at the contract's limits, with real {@code bin/granary} processes: paths beyond
 * the namespace limits are usage errors (exit 2) in one line, and a client command's stderr holds
 * only its one error line even when the library logged warnings on the way.
 */
class LimitsProcessTest {
  static ProcessCluster cluster;
  static String master;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    cluster = ProcessCluster.started(tmp.resolve("cluster"), List.of("--chunk-size", "1MiB",
        "--pulse-interval", "200ms", "--dead-after", "3s", "--gc-interval", "2s"), 1);
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

  static void ok(String... args) throws Exception {
    Cli.Result r = granary(args);
    assertEquals(0, r.code(), () -> r + "\n" + cluster.logs());
  }

  /** Exit {@code code} and exactly one line on stderr, naming {@code fragment}. */
  static Cli.Result failsInOneLine(int code, String fragment, String... args) throws Exception {
    Cli.Result r = granary(args);
    assertEquals(code, r.code(), r::toString);
    assertTrue(r.err().endsWith("\n"), r::toString);
    assertEquals(1, r.err().split("\n", -1).length - 1, () -> "exactly one line expected: " + r);
    assertTrue(r.err().startsWith("granary: "), r::toString);
    assertTrue(r.err().contains(fragment), r::toString);
    return r;
  }

  @Test
  void pathsBeyondTheLimitsAreUsageErrorsInOneLine() throws Exception {
    Path local = tmp.resolve("small.txt");
    Files.writeString(local, "limits\n");
    ok("mkdir", "/lim");
    String name256 = "/lim/" + "n".repeat(256);
    String path4097 = "/lim" + "/a".repeat(2045) + "bcd"; // 4 + 4090 + 3 bytes
    assertEquals(4097, path4097.length());
    for (String[] cmd : List.of(new String[] {"mkdir", "-p"}, new String[] {"put",
        local.toString()})) {
      failsInOneLine(2, "256 bytes of UTF-8, over the limit of 255", cmd[0], cmd[1], name256);
      failsInOneLine(2, "4097 bytes of UTF-8, over the limit of 4096", cmd[0], cmd[1], path4097);
      failsInOneLine(2, "control character U+0007", cmd[0], cmd[1], "/lim/bell\u0007");
      failsInOneLine(2, "name 'new\\u000Aline'", cmd[0], cmd[1], "/lim/new\nline/x");
      failsInOneLine(2, "control character U+007F", cmd[0], cmd[1], "/lim/del\u007f");
    }
    // Into a directory: the name comes from the local file, and is checked the same way.
    Path badLocal = tmp.resolve("tab\there");
    Files.writeString(badLocal, "x");
    failsInOneLine(2, "control character U+0009", "put", badLocal.toString(), "/lim/");
    Cli.Result ls = granary("ls", "/lim");
    assertEquals(0, ls.code(), ls::toString);
    assertEquals("", ls.out().strip(), ls::toString);
    // The limits themselves are fine.
    ok("mkdir", "-p", "/lim" + "/a".repeat(2046));
    ok("put", "--replication", "1", local.toString(), "/lim/" + "n".repeat(255));
  }

  @Test
  void aGetWhereEveryReplicaIsCorruptPrintsOneLineUnlessVerbose() throws Exception {
    byte[] data = new byte[300_000];
    new SplittableRandom(5).nextBytes(data);
    Path local = tmp.resolve("rot.bin");
    Files.write(local, data);
    ok("put", "--replication", "1", local.toString(), "/rot/only-copy");
    List<ChunkInfo> chunks;
    try (GranaryClient c = cluster.client(Duration.ofSeconds(30))) {
      chunks = c.statWithChunks("/rot/only-copy").chunks();
    }
    List<Path> replicas = cluster.replicaFiles(chunks.get(0).handle());
    assertEquals(1, replicas.size(), replicas::toString);
    try (RandomAccessFile f = new RandomAccessFile(replicas.get(0).toFile(), "rw")) {
      f.seek(100_000);
      int b = f.read();
      f.seek(100_000);
      f.write(b ^ 0xFF);
      f.getFD().sync();
    }
    Cli.Result quiet = failsInOneLine(5, "/rot/only-copy", "get", "/rot/only-copy",
        tmp.resolve("out1").toString());
    assertTrue(!quiet.err().contains("WARN"), quiet::toString);
    // The library did warn on the way: -v shows it, and the same error line.
    Cli.Result verbose = granary("get", "-v", "/rot/only-copy", tmp.resolve("out2").toString());
    assertEquals(5, verbose.code(), verbose::toString);
    assertTrue(verbose.err().contains("WARN") && verbose.err().contains("checksum"),
        verbose::toString);
    assertTrue(verbose.err().contains(quiet.err().strip()), verbose::toString);
  }
}
