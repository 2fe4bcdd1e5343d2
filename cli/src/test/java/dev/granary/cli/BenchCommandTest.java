package dev.granary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.WriteOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code granary bench}: option checks, the concurrent runner's failure rules, the JSON lines. */
class BenchCommandTest {
  /** A master nobody listens on: every test here must fail before dialling it. */
  private static final String NO_MASTER = "127.0.0.1:1";

  private static void usageError(String expected, String... args) {
    MainTest.Result r = MainTest.run(args);
    assertEquals(2, r.code(), r::toString);
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("granary: ") && r.err().contains(expected), r.err());
  }

  @Test
  void clientsOutsideZeroTo1024IsAOneLineUsageError() {
    usageError("invalid --clients -1: expected 0 (no concurrent workloads) to 1024 threads",
        "bench", "--clients", "-1", "--master", NO_MASTER);
    usageError("invalid --clients 1025", "bench", "--clients", "1025", "--master", NO_MASTER);
    usageError("--clients", "bench", "--clients", "many", "--master", NO_MASTER);
    usageError("--size 3 B is less than one byte per client thread (--clients 4)",
        "bench", "--size", "3B", "--clients", "4", "--master", NO_MASTER);
  }

  @Test
  void anUnknownWorkloadGroupIsAOneLineUsageError() {
    usageError("unknown workload group \"conc\" in --workloads (known: seq, cached, small, meta,"
        + " delta, snapshot; conc_* come with --clients)", "bench", "--workloads", "seq,conc", "--master",
        NO_MASTER);
    usageError("unknown workload group \"sequential\"", "bench", "--workloads", "sequential",
        "--master", NO_MASTER);
  }

  @Test
  void clientsCheckAcceptsTheRange() {
    assertEquals(null, ConcurrentBench.checkClients(0, 1));
    assertEquals(null, ConcurrentBench.checkClients(1024, 1024));
    assertTrue(ConcurrentBench.checkClients(1024, 1023) != null);
  }

  @Test
  void firstFailingThreadFailsTheRunWithItsExitCodeAndStopsTheOthers() throws Exception {
    int clients = 4;
    CountDownLatch others = new CountDownLatch(clients - 1);
    CountDownLatch interrupted = new CountDownLatch(clients - 1);
    ConcurrentBench bench = new ConcurrentBench(null, clients, 1, WriteOptions.defaults(),
        new byte[1], new BenchResults());
    try {
      // The failure ends the run at once, though the other threads would block forever.
      CliException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
          () -> assertThrows(CliException.class, () -> bench.inParallel(c -> {
            if (c == 2) {
              others.await(10, TimeUnit.SECONDS);
              throw new CliException(Failures.NOT_FOUND, "/x/f2: not found");
            }
            others.countDown();
            try {
              new CountDownLatch(1).await(); // until cancelled
            } catch (InterruptedException stopped) {
              interrupted.countDown();
              throw stopped;
            }
          })));
      assertEquals(Failures.NOT_FOUND, e.exitCode());
      assertEquals("bench client thread 2 of 4: /x/f2: not found", e.getMessage());
      // Cancelled by the failure itself, before close().
      assertTrue(interrupted.await(10, TimeUnit.SECONDS), "every other thread is cancelled: "
          + interrupted.getCount() + " not yet");
    } finally {
      bench.close();
    }
  }

  @Test
  void aBugInAThreadIsRethrownAsItself() throws Exception {
    IllegalStateException bug = new IllegalStateException("boom");
    try (ConcurrentBench bench = new ConcurrentBench(null, 3, 1, WriteOptions.defaults(),
        new byte[1], new BenchResults())) {
      Exception e = assertThrows(IllegalStateException.class, () -> bench.inParallel(c -> {
        if (c == 0) {
          throw bug;
        }
      }));
      assertSame(bug, e);
    }
  }

  @Test
  void everyThreadRunsOnceConcurrentlyAndTheThreadsStopAtClose() throws Exception {
    int clients = 8;
    Set<Integer> ran = ConcurrentHashMap.newKeySet();
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    CountDownLatch allThere = new CountDownLatch(clients);
    try (ConcurrentBench bench = new ConcurrentBench(null, clients, 1, WriteOptions.defaults(),
        new byte[1], new BenchResults())) {
      bench.inParallel(c -> {
        threads.add(Thread.currentThread());
        allThere.countDown();
        // Every thread waits for all the others: only N threads at once get past this.
        if (!allThere.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("client " + c + " ran alone");
        }
        assertTrue(ran.add(c), "client " + c + " ran twice");
      });
      assertEquals(clients, ran.size());
    }
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(10));
      assertFalse(t.isAlive(), t.getName() + " still running after close");
    }
  }

  @Test
  void concurrentLinesCarryTheirUnitParamsAndNote() {
    BenchResults results = new BenchResults();
    results.record("seq_write", 10);
    results.record("conc_seq_write", 30);
    results.record("conc_seq_write", 10);
    results.record("conc_seq_write", 20);
    results.param("conc_seq_write", "clients", 4);
    results.note("conc_seq_write", "one file per client thread");
    results.record("conc_small_read_warm", 5);
    results.record("conc_meta_stat", 7);
    List<Map<String, Object>> lines = results.lines(Map.of("files", 40));
    assertEquals(List.of("seq_write", "conc_seq_write", "conc_small_read_warm", "conc_meta_stat"),
        lines.stream().map(l -> l.get("workload")).toList());
    Map<String, Object> conc = lines.get(1);
    assertEquals("MiB/s", conc.get("unit"));
    assertEquals(3, conc.get("runs"));
    assertEquals(10.0, conc.get("min"));
    assertEquals(20.0, conc.get("median"));
    assertEquals(30.0, conc.get("max"));
    assertEquals(Map.of("files", 40, "clients", 4), conc.get("params"));
    assertEquals("one file per client thread", conc.get("note"));
    assertEquals(Map.of("files", 40), lines.get(0).get("params"));
    assertFalse(lines.get(0).containsKey("note"));
    assertEquals("files/s", lines.get(2).get("unit"));
    assertEquals("ops/s", lines.get(3).get("unit"));
  }

  @Test
  void sharedChunkOptionsAreCheckedBeforeDialling() {
    usageError("invalid --delta-chunk-size \"big\"", "bench", "--workloads", "delta",
        "--delta-chunk-size", "big", "--master", NO_MASTER);
    usageError("must be positive", "bench", "--workloads", "snapshot", "--snapshot-files", "0",
        "--master", NO_MASTER);
  }

  @Test
  void aDeltaRunChangesOnePercentOfTheChunksRoundedUp() {
    assertEquals(1, SharedBench.changedChunks(1));
    assertEquals(1, SharedBench.changedChunks(16));
    assertEquals(1, SharedBench.changedChunks(100));
    assertEquals(2, SharedBench.changedChunks(101));
    assertEquals(11, SharedBench.changedChunks(1024));
  }

  @Test
  void sharedChunkLinesCarryTheirUnitsDirectionAndOwnFields() {
    BenchResults results = new BenchResults();
    results.record("delta_update", 300);
    results.record("delta_update", 100);
    results.record("delta_update", 200);
    results.put("delta_update", "bytesSent", 64L << 20);
    results.put("delta_update", "speedup", 4.5);
    results.record("snapshot_create", 12.5);
    assertEquals(200.0, results.median("delta_update"));
    List<Map<String, Object>> lines = results.lines(Map.of());
    Map<String, Object> delta = lines.get(0);
    assertEquals("MiB/s", delta.get("unit"));
    assertEquals("higher", delta.get("better"));
    assertEquals(64L << 20, delta.get("bytesSent"));
    assertEquals(4.5, delta.get("speedup"));
    Map<String, Object> snapshot = lines.get(1);
    assertEquals("ms", snapshot.get("unit"));
    assertEquals("lower", snapshot.get("better"));
    assertFalse(snapshot.containsKey("bytesSent"));
  }

  @Test
  void compressEncryptAndDataAreCheckedBeforeDialling() {
    usageError("invalid --compress 'gzip': expected lz4, zstd or none", "bench", "--compress",
        "gzip", "--master", NO_MASTER);
    usageError("invalid --data 'zeros': expected random or text", "bench", "--data", "zeros",
        "--encrypt", "--master", NO_MASTER);
    usageError("--encrypt with --workloads delta", "bench", "--workloads", "seq,delta",
        "--encrypt", "--master", NO_MASTER);
  }

  @Test
  void everyLineCarriesHowItsFilesWereWritten() {
    BenchResults results = new BenchResults();
    results.record("seq_write", 10);
    results.record("meta_stat", 1000);
    results.everyLine("compression", "zstd");
    results.everyLine("encrypted", true);
    results.everyLine("data", "text");
    for (Map<String, Object> line : results.lines(Map.of())) {
      assertEquals("zstd", line.get("compression"), line::toString);
      assertEquals(true, line.get("encrypted"), line::toString);
      assertEquals("text", line.get("data"), line::toString);
    }
  }

  @Test
  void theTextCorpusIsDeterministicTextThatCompresses() {
    byte[] a = BenchIo.textBytes(1 << 20, 42);
    assertEquals(1 << 20, a.length);
    assertTrue(java.util.Arrays.equals(a, BenchIo.textBytes(1 << 20, 42)), "same seed, same");
    assertFalse(java.util.Arrays.equals(a, BenchIo.textBytes(1 << 20, 11)), "seed matters");
    String text = new String(a, java.nio.charset.StandardCharsets.US_ASCII);
    assertTrue(text.chars().allMatch(c -> c == '\n' || (c >= ' ' && c < 127)), "printable");
    assertTrue(text.lines().count() > 10_000, "lines of words");
    // Deflate (in the JDK) as a stand-in for lz4/zstd: text compresses, random bytes do not.
    assertTrue(deflatedFraction(a) < 0.45, "text deflates to " + deflatedFraction(a));
    assertTrue(deflatedFraction(BenchIo.bytes(BenchIo.RANDOM, 1 << 20, 42)) > 0.99);
    assertTrue(java.util.Arrays.equals(BenchIo.randomBytes(4096, 7),
        BenchIo.bytes(BenchIo.RANDOM, 4096, 7)));
  }

  private static double deflatedFraction(byte[] b) {
    java.util.zip.Deflater d = new java.util.zip.Deflater();
    d.setInput(b);
    d.finish();
    byte[] out = new byte[b.length + 1024];
    int n = 0;
    while (!d.finished()) {
      n += d.deflate(out, n, out.length - n);
    }
    d.end();
    return (double) n / b.length;
  }
}
