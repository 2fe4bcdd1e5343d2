package dev.granary.master.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.granary.master.namespace.ChunkRecord;
import dev.granary.master.namespace.MetadataException;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.master.namespace.Namespace;
import dev.granary.master.security.Caller;
import dev.granary.master.testing.ImageDump;
import dev.granary.wire.Compression;
import dev.granary.wire.Sha256;
import dev.granary.wire.Status;
import dev.granary.wire.msg.FileEncoding;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.StatResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compressed and encrypted files through the operation log and checkpoints: the log alone, every
 * prefix of it and checkpoints taken at every stage rebuild the same image, encodings, logical
 * sizes, rotated keys, compress/encrypt policies and cached answers included; plain commit
 * records are unchanged.
 */
class EncodingReplayTest {
  private static final Caller ALICE = new Caller("alice", "staff", true);
  private static final long MIB = 1 << 20;
  private static final FileEncoding SEALED = new FileEncoding(Compression.ZSTD, -1,
      "0123456789abcdef0123456789abcdef", "k1", "b2xkLWtleQ==");
  private static final FileEncoding LZ4 = FileEncoding.compressed(Compression.LZ4, -1);

  @TempDir
  Path tmp;

  private static ChunkRecord chunk(long h, long length) {
    byte[] bytes = ("chunk " + h).getBytes(StandardCharsets.UTF_8);
    return new ChunkRecord(h, 1, length, h * 31, Sha256.of(Sha256.newDigest().digest(bytes)));
  }

  /** A commit of chunks of 4 MiB logical size each, stored in {@code stored} bytes each. */
  private static Op.Commit put(long op, long time, String path, boolean overwrite,
      FileEncoding e, long size, long... handles) {
    List<ChunkRecord> chunks = new ArrayList<>();
    for (long h : handles) {
      chunks.add(chunk(h, 1000 + h));
    }
    return new Op.Commit("c", op, time, path, overwrite, 2, 4 * MIB, chunks, "alice", "staff",
        Set.of(), Set.of(), e, size);
  }

  private static List<Op> scenario() {
    return List.of(
        new Op.Reserve(1, 1000),
        new Op.Mkdir("c", 1, 2, "/data", false, "alice", "staff"),
        new Op.SetPolicy(3, "/data", Map.of("keepVersions", "2", "trash", "60000",
            "compress", "2", "encrypt", "1")),
        put(2, 4, "/data/f", false, SEALED, 4 * MIB + 1, 1, 2),
        put(3, 5, "/data/f", true, SEALED.withKey("k2", "c2Vjb25k"), 10, 3),
        new Op.Rekey("c", 4, 6, "/data/f", 1, "b2xkLWtleQ==", "k2", "cm90YXRlZA=="),
        new Op.Snapshot("c", 5, 7, true, "/data", "s1"),
        new Op.Rekey("c", 6, 8, "/data/f", 0, "c2Vjb25k", "k3", "dGhpcmQ="),
        new Op.Restore("c", 7, 9, "/data/f", 1, "alice", "staff"),
        new Op.SetPolicy(10, "/data", Map.of("encrypt", "0")),
        put(8, 11, "/data/z", false, LZ4, 0),
        put(9, 12, "/data/p", false, FileEncoding.PLAIN, -1, 4),
        put(13, 12, "/data/e", false, new FileEncoding(Compression.NONE, -1,
            "fedcba9876543210fedcba9876543210", "k.1", "a2V5"), 3, 5),
        new Op.Rename("c", 10, 13, "/data/f", "/data/g"),
        new Op.Delete("c", 11, 14, "/data/g", false, false, "alice", "staff"),
        new Op.TrashRestore("c", 12, 15, "/data/g", "alice", "staff"),
        new Op.SetPolicy(16, "/data", Map.of("compress", "", "encrypt", "")));
  }

  private static List<List<String>> run(MetadataImage image, MetadataStore store) {
    List<List<String>> dumps = new ArrayList<>();
    for (Op op : scenario()) {
      OpApplier.apply(image, op, ALICE);
      if (store != null) {
        store.journal().append(op).join();
      }
      dumps.add(ImageDump.of(image));
    }
    return dumps;
  }

  @Test
  void theScenarioLeavesTheEncodingsAndKeysItShould() {
    MetadataImage image = new MetadataImage();
    run(image, null);
    Namespace ns = image.namespace();
    FileEntry g = ns.stat("/data/g", Namespace.SYSTEM);
    // Restored version 1 (as version 3), with the key version 1 was rotated to.
    assertEquals(SEALED.withKey("k2", "cm90YXRlZA==").withStoredSize(1001 + 1002),
        g.encoding());
    assertEquals(4 * MIB + 1, g.size());
    assertEquals(List.of(3L, 2L, 1L), ns.versions("/data/g", Namespace.SYSTEM).stream()
        .map(Namespace.VersionView::number).toList());
    assertEquals("k3", ns.fileVersion("/data/g", 2, Namespace.SYSTEM).entry().encoding().keyId());
    // The snapshot was taken before the current file's second rekey.
    assertEquals("c2Vjb25k", ns.stat("/data/.snapshot/s1/f", Namespace.SYSTEM).encoding()
        .wrappedKey());
    assertEquals(0, ns.stat("/data/z", Namespace.SYSTEM).encoding().storedSize());
    assertEquals(FileEncoding.PLAIN, ns.stat("/data/p", Namespace.SYSTEM).encoding());
    assertEquals(null, ns.ownPolicy("/data").settings().get("compress"));
  }

  @Test
  void theLogACheckpointAndEveryPrefixOfTheLogRebuildTheSameImage() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("log"));
    List<List<String>> live;
    try (MetadataStore store = MetadataStore.open(dir, 1_000_000, "test")) {
      live = run(store.image(), store);
    }
    assertEquals(live.get(live.size() - 1), ImageDump.of(recovery().recover(dir).image()));
    List<Op> ops = scenario();
    for (int k = 1; k <= ops.size(); k++) {
      Path prefix = Files.createDirectories(tmp.resolve("prefix-" + k));
      try (MetadataStore store = MetadataStore.open(prefix, 1_000_000, "test")) {
        for (Op op : ops.subList(0, k)) {
          OpApplier.apply(store.image(), op, ALICE);
          store.journal().append(op).join();
        }
      }
      assertEquals(live.get(k - 1), ImageDump.of(recovery().recover(prefix).image()),
          "after " + k + " records");
    }
  }

  @Test
  void checkpointsAtEveryStageRebuildTheSameImage() throws Exception {
    // A checkpoint every two records: each stage of the scenario passes through one.
    List<Op> ops = scenario();
    for (int k = 2; k <= ops.size(); k += 2) {
      Path dir = Files.createDirectories(tmp.resolve("cp-" + k));
      List<String> live;
      try (MetadataStore store = MetadataStore.open(dir, 2, "test")) {
        for (Op op : ops.subList(0, k)) {
          OpApplier.apply(store.image(), op, ALICE);
          store.journal().append(op).join();
        }
        store.checkpointer().awaitIdle(30_000);
        live = ImageDump.of(store.image());
      }
      assertFalse(JournalFiles.checkpoints(dir).isEmpty(), "a checkpoint was written");
      String newest = Files.readString(JournalFiles.checkpoints(dir).lastEntry().getValue());
      if (k >= 4) {
        // The encrypted file is in every checkpoint from the fourth record on.
        assertTrue(newest.contains("\"z\":2,\"fid\":\"0123456789abcdef0123456789abcdef\""),
            newest);
      }
      assertEquals(live, ImageDump.of(recovery().recover(dir).image()), "after " + k);
    }
  }

  @Test
  void aPlainCommitRecordIsUnchangedAndAnEncodedOneRoundTrips() {
    OpCodec codec = new OpCodec(new ObjectMapper());
    Op.Commit plain = put(9, 12, "/data/p", false, FileEncoding.PLAIN, -1, 4);
    String line = new String(codec.encode(7, plain), StandardCharsets.UTF_8);
    for (String field : List.of("size", "compression", "fileId", "keyId", "wrappedKey")) {
      assertFalse(line.contains("\"" + field + "\""), line);
    }
    assertEquals(new Op.Commit("c", 9, 12, "/data/p", false, 2, 4 * MIB, plain.chunks(), "alice",
        "staff"), decode(codec, line));
    for (Op op : List.<Op>of(put(2, 4, "/data/f", false, SEALED, 4 * MIB + 1, 1, 2),
        put(8, 11, "/data/z", false, LZ4, 0),
        put(8, 11, "/data/e", false, new FileEncoding(Compression.NONE, -1,
            "fedcba9876543210fedcba9876543210", "k.1", "a2V5"), 3, 5),
        new Op.Rekey("c", 4, 6, "/data/f", 1, "b2xkLWtleQ==", "k2", "cm90YXRlZA=="))) {
      String encoded = new String(codec.encode(3, op), StandardCharsets.UTF_8);
      assertEquals(op, decode(codec, encoded), encoded);
    }
    String lz4 = new String(codec.encode(3, put(8, 11, "/data/z", false, LZ4, 0)),
        StandardCharsets.UTF_8);
    assertTrue(lz4.contains("\"size\":0,\"compression\":\"lz4\"}"), lz4);
    // A record whose key fields do not fit is corrupt, not loaded.
    String bad = lz4.replace("\"lz4\"}", "\"lz4\",\"fileId\":\"xyz\",\"keyId\":\"k\","
        + "\"wrappedKey\":\"a2V5\"}");
    assertThrows(IllegalArgumentException.class, () -> decode(codec, bad));
    assertThrows(IllegalArgumentException.class, () -> decode(codec,
        lz4.replace("\"lz4\"", "\"none\"")));
  }

  @Test
  void aStaleRekeyIsRefusedAndItsRetryIsAnsweredAsTheOriginal() {
    MetadataImage image = new MetadataImage();
    for (Op op : scenario().subList(0, 4)) {
      OpApplier.apply(image, op, ALICE);
    }
    Op.Rekey rekey = new Op.Rekey("c", 40, 20, "/data/f", 0, "b2xkLWtleQ==", "k9", "bmV3");
    FileEntry rotated = ((StatResponse) OpApplier.apply(image, rekey, ALICE).reply()).entry();
    assertEquals("k9", rotated.encoding().keyId());
    assertEquals(new StatResponse(rotated), image.retryCache().get("c", 40).reply());
    MetadataException stale = assertThrows(MetadataException.class, () -> OpApplier.apply(image,
        new Op.Rekey("c", 41, 21, "/data/f", 0, "b2xkLWtleQ==", "k8", "bmV3"), ALICE));
    assertEquals(Status.STALE_VERSION, stale.status());
  }

  private static Op decode(OpCodec codec, String line) {
    byte[] b = line.trim().getBytes(StandardCharsets.UTF_8);
    return codec.decode(b, 0, b.length).op();
  }

  private static Recovery recovery() {
    ObjectMapper mapper = new ObjectMapper();
    return new Recovery(new OpCodec(mapper), mapper.getFactory(), "test");
  }
}
