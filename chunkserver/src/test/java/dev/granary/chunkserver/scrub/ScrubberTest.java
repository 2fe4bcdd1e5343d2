package dev.granary.chunkserver.scrub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.chunkserver.storage.CommitStep;
import dev.granary.chunkserver.storage.CorruptionListener;
import dev.granary.chunkserver.storage.DiskReplicaStore;
import dev.granary.chunkserver.storage.ReplicaMeta;
import dev.granary.chunkserver.storage.ReplicaStore;
import dev.granary.chunkserver.storage.ReplicaWriter;
import dev.granary.chunkserver.storage.StoreLayout;
import dev.granary.chunkserver.storage.Throttle;
import dev.granary.wire.Checksums;
import dev.granary.wire.Limits;
import java.io.RandomAccessFile;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScrubberTest {
  @TempDir Path dir;

  private static void write(DiskReplicaStore s, long handle, int length) throws Exception {
    byte[] data = new byte[length];
    new Random(handle).nextBytes(data);
    ReplicaWriter w = s.create(handle, 1, length);
    for (int off = 0; off < length; off += Limits.BLOCK_SIZE) {
      int n = Math.min(Limits.BLOCK_SIZE, length - off);
      w.append(ByteBuffer.wrap(data, off, n), Checksums.crc32c(data, off, n));
    }
    w.prepare();
    w.commit();
  }

  @Test
  void findsAFlippedByteQuarantinesAndReportsIt() throws Exception {
    StoreLayout layout = new StoreLayout(dir);
    DiskReplicaStore store = DiskReplicaStore.open(layout, 0, () -> 1L << 40, "cs-t",
        CommitStep.Hook.NONE);
    write(store, 1, 300_000);
    write(store, 2, 300_000);
    try (RandomAccessFile f = new RandomAccessFile(layout.chunkFile(2).toFile(), "rw")) {
      f.seek(123_456);
      int b = f.read();
      f.seek(123_456);
      f.write(b ^ 0x80);
    }
    List<String> reported = new ArrayList<>();
    FakeTime time = new FakeTime();
    Scrubber s = new Scrubber("cs-t", store, new Recorder(reported),
        new TokenBucket(100_000, 100_000, time, time), Duration.ofHours(1), Clock.systemUTC(),
        time);
    Scrubber.Pass pass = s.scrubOnce();
    assertEquals(1, pass.verified());
    assertEquals(1, pass.corrupt());
    assertEquals(1, reported.size());
    assertTrue(reported.get(0).startsWith("corrupt 2: "), reported.get(0));
    assertTrue(reported.get(0).contains("block 1"), reported.get(0));
    assertNull(store.get(2));
    assertFalse(Files.exists(layout.chunkFile(2)));
    try (var q = Files.list(layout.quarantine())) {
      assertEquals(2, q.count());
    }
    // Throttled at 100,000 B/s after a 100,000-byte burst: replica 1 (300,000 bytes) and the
    // first two blocks of replica 2 (131,072 bytes) were read.
    assertEquals((300_000 + 131_072 - 100_000) / 100_000.0, time.slept / 1e9, 0.001);
    // The next pass sees only the good replica.
    assertEquals(new Scrubber.Pass(1, 0, 0, 300_000, 1), s.scrubOnce());
  }

  /** Records what the scrubber reports, one line each: "corrupt H: why" or "vanished H: why". */
  record Recorder(List<String> lines) implements CorruptionListener {
    @Override
    public void quarantined(ReplicaMeta r, String reason) {
      lines.add("corrupt " + r.handle() + ": " + reason);
    }

    @Override
    public void vanished(ReplicaMeta r, String reason) {
      lines.add("vanished " + r.handle() + ": " + reason);
    }
  }

  @Test
  void replicaFilesDeletedOrTruncatedByHandAreReportedAtTheStartOfAPass() throws Exception {
    StoreLayout layout = new StoreLayout(dir);
    DiskReplicaStore store = DiskReplicaStore.open(layout, 0, () -> 1L << 40, "cs-t",
        CommitStep.Hook.NONE);
    for (long h = 1; h <= 4; h++) {
      write(store, h, 200_000);
    }
    Files.delete(layout.chunkFile(1));
    try (RandomAccessFile f = new RandomAccessFile(layout.chunkFile(2).toFile(), "rw")) {
      f.setLength(100_000);
    }
    List<String> reported = new ArrayList<>();
    FakeTime time = new FakeTime();
    // So slow that one pass would take an hour of reading: the losses are still reported first.
    Scrubber s = new Scrubber("cs-t", store, new Recorder(reported),
        new TokenBucket(100, 100, time, time), Duration.ofHours(1), Clock.systemUTC(), time);
    Scrubber.Pass pass = s.scrubOnce();
    assertEquals(2, pass.lost(), reported::toString);
    assertEquals(2, pass.verified());
    assertEquals(0, pass.corrupt());
    assertEquals(List.of("corrupt 2", "vanished 1"),
        reported.stream().map(l -> l.substring(0, l.indexOf(':'))).sorted().toList());
    assertNull(store.get(1));
    assertNull(store.get(2));
    assertEquals(new Scrubber.Pass(2, 0, 0, 400_000, 2), s.scrubOnce());
  }

  @Test
  void aReplicaVanishingInTheMiddleOfAPassIsReportedThen() throws Exception {
    StoreLayout layout = new StoreLayout(dir);
    DiskReplicaStore store = DiskReplicaStore.open(layout, 0, () -> 1L << 40, "cs-t",
        CommitStep.Hook.NONE);
    write(store, 1, 100_000);
    write(store, 2, 100_000);
    List<String> reported = new ArrayList<>();
    FakeTime time = new FakeTime();
    // The throttle's first wait is the moment after reconciliation: both files are gone then.
    Sleeper deleteBoth = d -> {
      time.sleep(d);
      try {
        Files.deleteIfExists(layout.chunkFile(1));
        Files.deleteIfExists(layout.chunkFile(2));
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
    };
    Scrubber s = new Scrubber("cs-t", store, new Recorder(reported),
        new TokenBucket(1000, 1000, time, deleteBoth), Duration.ofHours(1), Clock.systemUTC(),
        time);
    Scrubber.Pass pass = s.scrubOnce();
    // The replica being read when its file went is verified from the open file; the next one is
    // found gone and reported at once.
    assertEquals(1, pass.lost(), reported::toString);
    assertEquals(1, reported.size(), reported::toString);
    assertTrue(reported.get(0).startsWith("vanished "), reported.get(0));
  }

  @Test
  void theScrubberThreadSurvivesAnyThrowableAndRunsTheNextPass() throws Exception {
    StoreLayout layout = new StoreLayout(dir);
    DiskReplicaStore real = DiskReplicaStore.open(layout, 0, () -> 1L << 40, "cs-t",
        CommitStep.Hook.NONE);
    write(real, 1, 1000);
    AtomicInteger reconciles = new AtomicInteger();
    // The first pass dies of an Error, not an exception; the store is otherwise the real one.
    ReplicaStore failingOnce = (ReplicaStore) Proxy.newProxyInstance(
        ReplicaStore.class.getClassLoader(), new Class<?>[] {ReplicaStore.class},
        (proxy, method, args) -> {
          if (method.getName().equals("reconcile") && args == null
              && reconciles.incrementAndGet() == 1) {
            throw new StackOverflowError("simulated");
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    Files.delete(layout.chunkFile(1));
    List<String> reported = new ArrayList<>();
    AtomicInteger sleeps = new AtomicInteger();
    Sleeper threePasses = d -> {
      if (sleeps.incrementAndGet() > 3) {
        throw new InterruptedException("test over");
      }
    };
    Scrubber s = new Scrubber("cs-t", failingOnce, new Recorder(reported), Throttle.NONE,
        Duration.ofSeconds(1), Clock.systemUTC(), threePasses);
    try {
      s.run();
    } finally {
      assertTrue(Thread.interrupted(), "run() keeps the interrupt that stopped it");
    }
    assertEquals(3, reconciles.get(), "a pass after the failed one, and another");
    assertEquals(1, reported.size(), reported::toString);
    assertTrue(reported.get(0).startsWith("vanished 1: "), reported.get(0));
  }
}
