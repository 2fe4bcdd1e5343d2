package dev.granary.master.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.master.testing.ImageDump;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The operation log failing under random operations: the records that were not made durable are
 * undone in place, so the live image always equals what a restart would load; the log resumes in
 * a new segment; checkpoints that fail for lack of space change nothing and are retried.
 */
class JournalFailureTest {
  @TempDir
  Path tmp;

  private final FaultyStorage storage = new FaultyStorage();

  /** The image without retry cache lines (undone entries stay there, failed: see ImageRestore). */
  private static List<String> tree(MetadataImage image) {
    return ImageDump.of(image).stream().filter(l -> !l.startsWith("rc "))
        .collect(Collectors.toList());
  }

  private static MetadataImage recover(Path dir) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    return new Recovery(new OpCodec(mapper), mapper.getFactory(), "test").recover(dir).image();
  }

  /** Applies and appends {@code op} as the service does: under the write lock, unless read-only. */
  private static CompletableFuture<Void> mutate(MetadataStore store, Op op) {
    store.lock().writeLock().lock();
    try {
      if (store.readOnly()) {
        return null;
      }
      Op logged = JournalHarness.applyLive(store.image(), op);
      CompletableFuture<Void> f = store.journal().append(logged);
      store.image().setLastSeq(store.journal().lastSeq());
      return f;
    } finally {
      store.lock().writeLock().unlock();
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 7, 42, 2024, 31337})
  void undoneRecordsLeaveTheImageAsTheDiskHoldsIt(long seed) throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("s" + seed));
    Random random = new Random(seed);
    JournalHarness h = new JournalHarness(seed);
    long time = 1000;
    try (MetadataStore store = MetadataStore.open(dir, 3 + random.nextInt(40), "test", storage,
        new ReentrantReadWriteLock())) {
      mutate(store, new Op.Reserve(1, 1_000_000)).join();
      for (int round = 0; round < 3; round++) {
        for (int i = random.nextInt(60); i > 0; i--) {
          mutate(store, h.next(time++)).join();
        }
        List<String> durable = tree(store.image());
        // Some records may be written in the batch that fails, some queued behind it.
        if (random.nextBoolean()) {
          storage.fill();
        } else {
          storage.failForces();
        }
        List<CompletableFuture<Void>> failing = new ArrayList<>();
        for (int i = 1 + random.nextInt(30); i > 0; i--) {
          CompletableFuture<Void> f = mutate(store, h.next(time++));
          if (f != null) {
            failing.add(f);
          }
        }
        for (CompletableFuture<Void> f : failing) {
          assertThrows(CompletionException.class, f::join);
        }
        assertTrue(store.readOnly());
        assertEquals(durable, tree(store.image()), "the live image after the undo");
        store.checkpointer().awaitIdle(30_000);
        assertEquals(durable, tree(recover(dir)), "what a restart loads");
        storage.heal();
        assertTrue(store.tryResume());
      }
      for (int i = 0; i < 20; i++) {
        mutate(store, h.next(time++)).join();
      }
      store.checkpointer().awaitIdle(30_000);
      assertEquals(tree(store.image()), tree(recover(dir)));
    }
  }

  @Test
  void aCheckpointThatFailsForLackOfSpaceChangesNothingAndIsRetried() throws Exception {
    storage.failCheckpoints(true);
    JournalHarness h = new JournalHarness(5);
    List<String> expected;
    try (MetadataStore store = MetadataStore.open(tmp, 10, "test", storage,
        new ReentrantReadWriteLock())) {
      mutate(store, new Op.Reserve(1, 1_000_000)).join();
      for (int i = 0; i < 25; i++) {
        mutate(store, h.next(1000 + i)).join();
      }
      store.checkpointer().awaitIdle(30_000);
      assertTrue(store.checkpointer().failed());
      assertFalse(store.readOnly(), "a failed checkpoint does not stop the log");
      assertEquals(List.of(), files("checkpoint-"), "no checkpoint, not even a temporary one");
      assertEquals(3, files("oplog-").size(), "every segment kept");
      assertEquals(tree(store.image()), tree(recover(tmp)));
      storage.failCheckpoints(false);
      store.retryCheckpoint();
      store.checkpointer().awaitIdle(30_000);
      assertFalse(store.checkpointer().failed());
      assertEquals(1, files("checkpoint-").size());
      assertEquals(1, files("oplog-").size(), "the segments it covers are gone");
      expected = tree(store.image());
    }
    assertEquals(expected, tree(recover(tmp)));
  }

  private List<String> files(String prefix) throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).sorted()
          .collect(Collectors.toList());
    }
  }
}
