package dev.granary.chunkserver.scrub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.chunkserver.storage.CommitStep;
import dev.granary.chunkserver.storage.DiskReplicaStore;
import dev.granary.chunkserver.storage.ReplicaMeta;
import dev.granary.chunkserver.storage.ReplicaWriter;
import dev.granary.chunkserver.storage.StoreLayout;
import dev.granary.wire.Checksums;
import dev.granary.wire.Limits;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
    TokenBucketTest.FakeTime time = new TokenBucketTest.FakeTime();
    Scrubber s = new Scrubber("cs-t", store,
        (ReplicaMeta r, String why) -> reported.add(r.handle() + ": " + why),
        new TokenBucket(100_000, 100_000, time, time), Duration.ofHours(1), Clock.systemUTC(),
        time);
    Scrubber.Pass pass = s.scrubOnce();
    assertEquals(1, pass.verified());
    assertEquals(1, pass.corrupt());
    assertEquals(1, reported.size());
    assertTrue(reported.get(0).startsWith("2: "), reported.get(0));
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
    assertEquals(new Scrubber.Pass(1, 0, 300_000), s.scrubOnce());
  }
}
