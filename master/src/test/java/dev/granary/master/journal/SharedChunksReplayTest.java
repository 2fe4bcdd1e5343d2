package dev.granary.master.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.granary.master.namespace.ChunkRecord;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.master.namespace.Namespace;
import dev.granary.master.security.Caller;
import dev.granary.master.testing.ImageDump;
import dev.granary.wire.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chunks shared by files, kept versions, snapshots and the trash: the holder counts the chunk
 * table keeps equal a recount of every holder after every operation, a chunk is handed to garbage
 * collection exactly when its last holder goes (never while anything holds it), and the log alone,
 * a checkpoint, and every prefix of the log (a crash after any record) rebuild the same image.
 */
class SharedChunksReplayTest {
  /** Alice as a superuser: the scenario is about sharing, not permissions. */
  private static final Caller ALICE = new Caller("alice", "staff", true);
  private static final long MIB = 1 << 20;

  @TempDir
  Path tmp;

  private static ChunkRecord chunk(long h) {
    byte[] bytes = ("chunk " + h).getBytes(StandardCharsets.UTF_8);
    return new ChunkRecord(h, 1, MIB, h * 31, Sha256.of(Sha256.newDigest().digest(bytes)));
  }

  private static Op.Commit put(long op, long time, String path, boolean overwrite, long... hs) {
    List<ChunkRecord> chunks = new ArrayList<>();
    for (long h : hs) {
      chunks.add(chunk(h));
    }
    return new Op.Commit("c", op, time, path, overwrite, 2, 64 * MIB, chunks, "alice", "staff");
  }

  private static Op.Commit reusing(Op.Commit c, Set<Long> reused, Set<Long> dedup) {
    return new Op.Commit(c.clientId(), c.opId(), c.time(), c.path(), c.overwrite(),
        c.replication(), c.chunkSize(), c.chunks(), c.owner(), c.group(), reused, dedup);
  }

  private static Op.Delete delete(long op, long time, String path, boolean recursive) {
    return new Op.Delete("c", op, time, path, recursive, false, "alice", "staff");
  }

  /** The scenario, each op with the handles it must free (null: don't check). */
  private record Step(Op op, Set<Long> freed) {}

  private static Step step(Op op, Long... freed) {
    return new Step(op, Set.of(freed));
  }

  private static List<Step> scenario() {
    return List.of(
        step(new Op.Reserve(1, 1000)),
        step(new Op.Mkdir("c", 1, 2, "/data", false, "alice", "staff")),
        step(new Op.SetPolicy(3, "/data", Map.of("keepVersions", "2", "trash", "60000"))),
        step(put(2, 4, "/data/f", false, 1)),
        step(put(3, 5, "/data/f", true, 2)),
        // Version 3 reuses chunk 1 of version 1 (a delta update): held twice now.
        step(reusing(put(4, 6, "/data/f", true, 3, 1), Set.of(1L), Set.of())),
        // Version 4: version 1 drops out of the two kept, but chunk 1 lives on in version 3.
        step(put(5, 7, "/data/f", true, 4)),
        // Restore version 2 as version 5: version 2 drops out, its chunk is the current one.
        step(new Op.Restore("c", 6, 8, "/data/f", 2, "alice", "staff")),
        step(put(7, 9, "/data/g", false, 5)),
        step(put(8, 10, "/data/sub/h", false, 6)),
        // Deduplication: another file names g's chunk; removing it frees nothing.
        step(reusing(put(30, 10, "/data/dup", false, 5), Set.of(5L), Set.of(5L))),
        step(new Op.Delete("c", 31, 10, "/data/dup", false, true, "alice", "staff")),
        step(new Op.Snapshot("c", 9, 11, true, "/data", "s1")),
        // Under the trash policy: into alice's trash, nothing freed.
        step(delete(10, 12, "/data/g", false)),
        // Skipping the trash: removed, but the snapshot still holds chunk 6.
        step(new Op.Delete("c", 11, 13, "/data/sub", true, true, "alice", "staff")),
        // Version 6: version 3 drops out, freeing chunks 3 and 1.
        step(put(12, 14, "/data/f", true, 7), 3L, 1L),
        step(new Op.TrashRestore("c", 13, 15, "/data/g", "alice", "staff")),
        step(delete(14, 16, "/data/g", false)),
        // The snapshot still holds chunk 5.
        step(new Op.TrashEmpty("c", 15, 17, "alice")),
        step(new Op.Snapshot("c", 16, 18, false, "/data", "s1"), 5L, 6L),
        // The file and its versions go to the trash, and leave it when it expires.
        step(delete(17, 19, "/data/f", false)),
        step(new Op.TrashExpire(19 + 60_000), 7L, 2L, 4L),
        step(new Op.SetPolicy(20, "/data", Map.of("keepVersions", "", "trash", ""))));
  }

  /** Applies the scenario to {@code image}, checking counts and garbage after each step. */
  private static List<List<String>> run(MetadataImage image, MetadataStore store) {
    List<List<String>> dumps = new ArrayList<>();
    Set<Long> everFreed = new HashSet<>();
    for (Step s : scenario()) {
      OpApplier.Applied a = OpApplier.apply(image, s.op(), ALICE);
      if (store != null) {
        store.journal().append(s.op()).join();
      }
      Namespace ns = image.namespace();
      assertEquals(ns.recountHolders(), ns.holderCounts(), "holder counts after " + s.op());
      Set<Long> freed = new TreeSet<>();
      for (int i = 0; i < a.garbage().length; i += 2) {
        long h = a.garbage()[i];
        freed.add(h);
        assertFalse(ns.isReferenced(h), "chunk " + h + " freed while referenced: " + s.op());
        assertTrue(everFreed.add(h), "chunk " + h + " freed twice");
      }
      assertEquals(new TreeSet<>(s.freed()), freed, "freed by " + s.op());
      dumps.add(ImageDump.of(image));
    }
    assertEquals(Set.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), everFreed, "every chunk freed in the end");
    return dumps;
  }

  @Test
  void countsFollowEveryHolderAndGarbageIsExactlyWhatNothingHolds() {
    MetadataImage image = new MetadataImage();
    run(image, null);
    Namespace ns = image.namespace();
    assertEquals(0, ns.chunkCount());
    assertEquals(List.of(), ns.trash("alice"));
  }

  @Test
  void theLogACheckpointAndEveryPrefixOfTheLogRebuildTheSameImage() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("log"));
    List<List<String>> live;
    try (MetadataStore store = MetadataStore.open(dir, 1_000_000, "test")) {
      live = run(store.image(), store);
    }
    assertEquals(live.get(live.size() - 1), ImageDump.of(recovery().recover(dir).image()));
    // A crash after record k: the first k records, replayed, give the image live had then.
    List<Step> steps = scenario();
    for (int k = 1; k <= steps.size(); k++) {
      Path prefix = Files.createDirectories(tmp.resolve("prefix-" + k));
      try (MetadataStore store = MetadataStore.open(prefix, 1_000_000, "test")) {
        for (Step s : steps.subList(0, k)) {
          OpApplier.apply(store.image(), s.op(), ALICE);
          store.journal().append(s.op()).join();
        }
      }
      MetadataImage replayed = recovery().recover(prefix).image();
      assertEquals(live.get(k - 1), ImageDump.of(replayed), "after " + k + " records");
      assertEquals(replayed.namespace().recountHolders(), replayed.namespace().holderCounts());
    }
  }

  @Test
  void checkpointsInTheMiddleOfSharingRebuildTheSameImage() throws Exception {
    // Checkpoints every three records: snapshots, kept versions and trash entries pass through
    // checkpoints at every stage of the scenario.
    Path dir = Files.createDirectories(tmp.resolve("cp"));
    List<List<String>> live;
    try (MetadataStore store = MetadataStore.open(dir, 3, "test")) {
      List<List<String>> dumps = new ArrayList<>();
      int k = 0;
      for (Step s : scenario()) {
        OpApplier.apply(store.image(), s.op(), ALICE);
        store.journal().append(s.op()).join();
        dumps.add(ImageDump.of(store.image()));
        if (++k == 14) {
          // Mid-scenario: versions, a snapshot and a trash entry exist now.
          store.checkpointer().awaitIdle(30_000);
          break;
        }
      }
      live = dumps;
    }
    assertFalse(JournalFiles.checkpoints(dir).isEmpty(), "a checkpoint was written");
    MetadataImage recovered = recovery().recover(dir).image();
    assertEquals(live.get(live.size() - 1), ImageDump.of(recovered));
    Namespace ns = recovered.namespace();
    assertEquals(ns.recountHolders(), ns.holderCounts());
    assertEquals(2, ns.versions("/data/f", Namespace.SYSTEM).size() - 1, "two kept versions");
    assertEquals(1, ns.snapshots("/data", Namespace.SYSTEM).size());
    assertEquals(1, ns.trash("alice").size());
  }

  private static Recovery recovery() {
    ObjectMapper mapper = new ObjectMapper();
    return new Recovery(new OpCodec(mapper), mapper.getFactory(), "test");
  }
}
