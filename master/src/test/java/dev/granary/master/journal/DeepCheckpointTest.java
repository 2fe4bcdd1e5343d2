package dev.granary.master.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.granary.master.namespace.ChunkRecord;
import dev.granary.master.namespace.FileNode;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.master.namespace.Namespace;
import dev.granary.master.namespace.NamespaceLoader;
import dev.granary.master.testing.SmallStack;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A namespace 10,000 directories deep (deeper than any client may build now, but a checkpoint may
 * hold one) is checkpointed and loaded without recursion, and checkpoints keep happening after it.
 */
class DeepCheckpointTest {
  static final int DEPTH = 10_000;
  static final long SEQ = 5;

  @TempDir
  Path tmp;

  /** /a/a/.../a with a file of one chunk (handle 1) at the bottom, as of seq {@link #SEQ}. */
  static MetadataImage chain() {
    MetadataImage image = new MetadataImage();
    NamespaceLoader loader = image.namespace().loader();
    StringBuilder p = new StringBuilder();
    for (int i = 0; i < DEPTH; i++) {
      p.append("/a");
      loader.directory(p.toString(), i);
    }
    loader.file(p + "/f", 7, 3, 1 << 20, List.of(new ChunkRecord(1, 1, 100, 5)));
    image.setLastSeq(SEQ);
    image.setReservedUpTo(100);
    image.retryCache().put("c", 1, new dev.granary.wire.msg.DeleteResponse(0, 0), 1, null);
    return image;
  }

  /** A digest of the tree in pre-order: paths, times and chunks. */
  static long digest(Namespace ns) {
    CRC32C crc = new CRC32C();
    ns.forEachEntry(new Namespace.EntryVisitor() {
      @Override
      public void directory(String path, long modified, String owner, String group,
          int permission) {
        crc.update((path + "/" + modified + "\n").getBytes());
      }

      @Override
      public void file(String path, FileNode f) {
        crc.update((path + " " + f.modified() + " " + f.handle(0) + " " + ns.chunkLength(f.handle(0)) + "\n")
            .getBytes());
      }
    });
    return crc.getValue();
  }

  @Test
  void writtenAndLoadedOnASmallStack() throws Throwable {
    ObjectMapper mapper = new ObjectMapper();
    CheckpointFormat format = new CheckpointFormat(mapper.getFactory());
    Path file = tmp.resolve("deep.json");
    SmallStack.run(() -> {
      MetadataImage image = chain();
      try (OutputStream out = Files.newOutputStream(file)) {
        format.write(image, out);
      }
      MetadataImage loaded = format.read(file);
      assertEquals(DEPTH, loaded.namespace().directoryCount());
      assertEquals(1, loaded.namespace().fileCount());
      assertEquals(1, loaded.namespace().chunkCount());
      assertEquals(SEQ, loaded.lastSeq());
      assertEquals(digest(image.namespace()), digest(loaded.namespace()));
    });
  }

  @Test
  void checkpointsKeepHappeningWithADeepTreeAndAfterItsDeletion() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    MetadataImage deep = chain();
    long deepDigest = digest(deep.namespace());
    try (OutputStream out = Files.newOutputStream(JournalFiles.checkpoint(tmp, SEQ))) {
      new CheckpointFormat(mapper.getFactory()).write(deep, out);
    }
    long time = 1000;
    try (MetadataStore store = MetadataStore.open(tmp, 2, "test")) {
      MetadataImage image = store.image();
      assertEquals(deepDigest, digest(image.namespace()));
      // Two operations close a segment: a checkpoint that rebuilds and rewrites the deep tree.
      for (String dir : new String[] {"/b", "/c"}) {
        Op op = new Op.Mkdir("c", time, time++, dir, false);
        OpApplier.apply(image, op);
        store.journal().append(op).join();
      }
      awaitCheckpointAfter(store, SEQ);
      long withDeep = store.checkpointer().completed();
      assertTrue(withDeep > SEQ, "checkpoint seq " + withDeep);
      // delete -r of the chain's root, then another checkpoint.
      Op delete = new Op.Delete("c", time, time++, "/a", true);
      assertEquals(DEPTH, OpApplier.apply(image, delete).reply() instanceof
          dev.granary.wire.msg.DeleteResponse d ? d.directories() : -1);
      store.journal().append(delete).join();
      Op mkdir = new Op.Mkdir("c", time, time++, "/d", false);
      OpApplier.apply(image, mkdir);
      store.journal().append(mkdir).join();
      awaitCheckpointAfter(store, withDeep);
      assertEquals(store.checkpointer().completed(), JournalFiles.checkpoints(tmp).lastKey());
    }
    MetadataImage reloaded = new Recovery(new OpCodec(mapper), mapper.getFactory(), "test")
        .recover(tmp).image();
    assertEquals(3, reloaded.namespace().directoryCount());
    assertEquals(0, reloaded.namespace().chunkCount());
  }

  private static void awaitCheckpointAfter(MetadataStore store, long seq) throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (store.checkpointer().completed() <= seq) {
      assertTrue(System.nanoTime() < deadline, "no checkpoint after seq " + seq);
      store.checkpointer().awaitIdle(1000);
    }
  }
}
