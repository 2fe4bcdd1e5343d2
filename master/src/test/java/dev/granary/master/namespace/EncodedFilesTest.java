package dev.granary.master.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.master.security.Caller;
import dev.granary.wire.Compression;
import dev.granary.wire.Sha256;
import dev.granary.wire.Status;
import dev.granary.wire.msg.FileEncoding;
import dev.granary.wire.msg.FileEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Compressed and encrypted files as the namespace keeps them: the encoding and logical size follow
 * the file everywhere (rename, kept versions, restore, snapshots, trash), every answer reports the
 * logical size and the chunks' sum as stored size, commits are checked, the {@code compress} and
 * {@code encrypt} policies resolve as the others do, and key rotation is a compare-and-set.
 */
class EncodedFilesTest {
  private static final Caller ALICE = new Caller("alice", "staff", false);
  private static final Caller BOB = new Caller("bob", "staff", false);
  private static final long CHUNK = 1 << 20;
  static final String FILE_ID = "0123456789abcdef0123456789abcdef";
  static final FileEncoding ZSTD = FileEncoding.compressed(Compression.ZSTD, -1);
  static final FileEncoding SEALED = new FileEncoding(Compression.LZ4, -1, FILE_ID, "k1",
      "b2xkLWtleQ==");

  private final Namespace ns = new Namespace();
  private long nextHandle = 1;

  EncodedFilesTest() {
    ns.mkdir("/home", false, 1, Namespace.SYSTEM);
    ns.setAttributes("/home", 0777, "", "", false, Namespace.SYSTEM);
    ns.mkdir("/home/alice", false, 1, ALICE);
  }

  /** Chunks of the given stored lengths, with new handles. */
  private List<ChunkRecord> chunks(long... lengths) {
    List<ChunkRecord> out = new ArrayList<>();
    for (long len : lengths) {
      long h = nextHandle++;
      out.add(new ChunkRecord(h, 1, len, h, Sha256.of(Sha256.newDigest().digest(
          Long.toString(h).getBytes(java.nio.charset.StandardCharsets.UTF_8)))));
    }
    return out;
  }

  private FileEntry put(String path, boolean overwrite, FileEncoding e, long size,
      long... stored) {
    return ns.commit(path, overwrite, 2, CHUNK, chunks(stored), Set.of(), Set.of(), e, size, 5,
        ALICE).entry();
  }

  private static void fails(Status status, String fragment, Executable op) {
    MetadataException e = assertThrows(MetadataException.class, op);
    assertEquals(status, e.status(), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @Test
  void anEncodedFileReportsItsLogicalSizeAndItsChunksSumAsStoredSizeEverywhere() {
    FileEntry made = put("/home/alice/f", false, SEALED, CHUNK + 10, 1000, 7);
    assertEquals(CHUNK + 10, made.size());
    assertEquals(1007, made.storedSize());
    assertEquals(SEALED.withStoredSize(1007), made.encoding());
    assertEquals(made, ns.stat("/home/alice/f", ALICE));
    assertEquals(made, ns.file("/home/alice/f", ALICE).entry());
    assertEquals(List.of(made), ns.list("/home/alice", "", 10, ALICE).entries());
    FileNode node = ns.file("/home/alice/f", ALICE).file();
    assertEquals(CHUNK + 10, ns.size(node));
    assertEquals(1007, ns.storedSize(node));
    // A majority vote that changes a chunk's length changes the stored size, not the size.
    ns.setChunkDigest(node.handle(1), 9, 1);
    assertEquals(1009, ns.stat("/home/alice/f", ALICE).storedSize());
    assertEquals(CHUNK + 10, ns.stat("/home/alice/f", ALICE).size());
    // A plain file is as it was.
    FileEntry plain = ns.commit("/home/alice/p", false, 2, CHUNK, chunks(5), 5, ALICE).entry();
    assertEquals(FileEncoding.PLAIN, plain.encoding());
    assertEquals(5, plain.size());
    assertEquals(5, plain.storedSize());
    // An empty encrypted file has no chunks.
    FileEntry empty = put("/home/alice/empty", false, SEALED, 0);
    assertEquals(0, empty.size());
    assertEquals(0, empty.encoding().storedSize());
    assertTrue(empty.encoding().encrypted());
  }

  @Test
  void commitsWhoseSizeChunksOrStoredSizeDoNotFitAreRefusedAndChangeNothing() {
    fails(Status.INVALID_ARGUMENT, "1 chunks do not fit size " + (CHUNK + 1), () ->
        put("/home/alice/f", false, ZSTD, CHUNK + 1, 10));
    fails(Status.INVALID_ARGUMENT, "2 chunks do not fit size 10", () ->
        put("/home/alice/f", false, ZSTD, 10, 5, 5));
    fails(Status.INVALID_ARGUMENT, "0 chunks do not fit size 10", () ->
        put("/home/alice/f", false, ZSTD, 10));
    fails(Status.INVALID_ARGUMENT, "1 chunks do not fit size 0", () ->
        put("/home/alice/f", false, ZSTD, 0, 3));
    fails(Status.INVALID_ARGUMENT, "size -2 is negative", () ->
        put("/home/alice/f", false, ZSTD, -2, 3));
    fails(Status.INVALID_ARGUMENT, "stored size 99 is not the chunks' 12", () ->
        put("/home/alice/f", false, ZSTD.withStoredSize(99), 10, 12));
    fails(Status.INVALID_ARGUMENT, "a plain file's size is -1", () ->
        put("/home/alice/f", false, FileEncoding.PLAIN, 10, 12));
    fails(Status.INVALID_ARGUMENT, "chunk size 0 must be positive", () ->
        ns.commit("/home/alice/f", false, 2, 0, chunks(4), Set.of(), Set.of(), ZSTD, 10, 5,
            ALICE));
    fails(Status.NOT_FOUND, "does not exist", () -> ns.stat("/home/alice/f", ALICE));
    assertEquals(0, ns.chunkCount());
    // The stored size a client may name is the chunks' sum.
    assertEquals(12, put("/home/alice/f", false, ZSTD.withStoredSize(12), 10, 12).storedSize());
  }

  @Test
  void theEncodingFollowsTheFileThroughRenameVersionsRestoreSnapshotsAndTrash() {
    ns.setPolicy("/home/alice", Map.of("keepVersions", "2", "trash", "60000"), ALICE);
    FileEntry v1 = put("/home/alice/f", false, SEALED, 100, 40);
    // Replaced by a plain file: the encrypted contents are kept as version 1, encoding and all.
    ns.commit("/home/alice/f", true, 2, CHUNK, chunks(30), 6, ALICE);
    assertEquals(List.of(30L, 100L), ns.versions("/home/alice/f", ALICE).stream()
        .map(Namespace.VersionView::size).toList());
    FileEntry kept = ns.fileVersion("/home/alice/f", 1, ALICE).entry();
    assertEquals(v1.encoding(), kept.encoding());
    assertEquals(100, kept.size());
    assertEquals(FileEncoding.PLAIN, ns.stat("/home/alice/f", ALICE).encoding());
    // Restore brings it back as version 3.
    FileEntry restored = ns.restore("/home/alice/f", 1, 7, ALICE).entry();
    assertEquals(v1.encoding(), restored.encoding());
    assertEquals(100, restored.size());
    // Rename.
    ns.rename("/home/alice/f", "/home/alice/g", 8, ALICE);
    assertEquals(v1.encoding(), ns.stat("/home/alice/g", ALICE).encoding());
    assertEquals(100, ns.stat("/home/alice/g", ALICE).size());
    // A snapshot's copy.
    ns.createSnapshot("/home/alice", "s1", 9, ALICE);
    FileEntry copy = ns.stat("/home/alice/.snapshot/s1/g", ALICE);
    assertEquals(v1.encoding(), copy.encoding());
    assertEquals(100, copy.size());
    // Trash: the logical size in its listing, and back with its encoding.
    ns.delete("/home/alice/g", false, false, 10, ALICE);
    assertEquals(List.of(100L), ns.trash("alice").stream().map(Namespace.TrashView::size)
        .toList());
    ns.restoreTrash("/home/alice/g", 11, ALICE);
    assertEquals(restored.encoding(), ns.stat("/home/alice/g", ALICE).encoding());
    // Delete for good: its chunks and those of its versions are garbage, the snapshot's stay.
    Namespace.DeleteResult gone = ns.delete("/home/alice/g", false, true, 12, ALICE);
    assertEquals(List.of(2L), List.of(gone.garbage()[0]), "the plain version's chunk only");
    assertEquals(2, gone.garbage().length);
    assertEquals(v1.encoding(), ns.stat("/home/alice/.snapshot/s1/g", ALICE).encoding());
  }

  @Test
  void compressAndEncryptPoliciesAreSetClearedAndTheNearestWins() {
    ns.mkdir("/home/alice/a/b", true, 2, ALICE);
    ns.setPolicy("/home/alice", Map.of("compress", "2", "encrypt", "1"), ALICE);
    ns.setPolicy("/home/alice/a", Map.of("compress", "1"), ALICE);
    assertEquals(List.of("compress 1 /home/alice/a", "encrypt 1 /home/alice"),
        ns.effectivePolicy("/home/alice/a/b", ALICE).stream()
            .map(s -> s.key() + " " + s.value() + " " + s.from()).toList());
    Policy p = ns.newFilePolicy("/home/alice/a/b/missing/new");
    assertEquals(1, p.compress());
    assertEquals(1, p.encrypt());
    assertEquals(-1, ns.newFilePolicy("/home/new").compress());
    fails(Status.INVALID_ARGUMENT, "compress", () -> ns.setPolicy("/home/alice",
        Map.of("compress", "3"), ALICE));
    fails(Status.INVALID_ARGUMENT, "encrypt", () -> ns.setPolicy("/home/alice",
        Map.of("encrypt", "2"), ALICE));
    fails(Status.DENIED, "only its owner alice", () -> ns.setPolicy("/home/alice",
        Map.of("encrypt", "0"), BOB));
    // A nearer 0 overrides the ancestor's setting; clearing it lets the ancestor's apply again.
    ns.setPolicy("/home/alice/a", Map.of("compress", "0", "encrypt", "0"), ALICE);
    assertEquals(0, ns.newFilePolicy("/home/alice/a/b/f").compress());
    assertEquals(0, ns.newFilePolicy("/home/alice/a/b/f").encrypt());
    ns.setPolicy("/home/alice/a", Map.of("compress", "", "encrypt", ""), ALICE);
    assertEquals(2, ns.newFilePolicy("/home/alice/a/b/f").compress());
    assertEquals(null, ns.ownPolicy("/home/alice/a"));
    assertEquals(Map.of("compress", "2", "encrypt", "1"), ns.ownPolicy("/home/alice").settings());
  }

  @Test
  void underEncryptOneAnUnencryptedCommitIsDeniedNamingTheDirectory() {
    ns.mkdir("/home/alice/secret/open", true, 2, ALICE);
    ns.setPolicy("/home/alice/secret", Map.of("encrypt", "1"), ALICE);
    fails(Status.DENIED, "the policy of '/home/alice/secret' requires encryption", () ->
        put("/home/alice/secret/f", false, ZSTD, 10, 3));
    fails(Status.DENIED, "'/home/alice/secret'", () -> ns.commit("/home/alice/secret/new/dir/f",
        false, 2, CHUNK, chunks(4), 5, ALICE));
    // The superuser too: the policy is about the data, not about who writes it.
    fails(Status.DENIED, "requires encryption", () -> ns.commit("/home/alice/secret/f", false,
        2, CHUNK, chunks(4), 5, Namespace.SYSTEM));
    assertEquals(0, ns.chunkCount());
    assertTrue(put("/home/alice/secret/f", false, SEALED, 10, 3).encoding().encrypted());
    // A nearer encrypt 0 lifts it; elsewhere nothing is required.
    ns.setPolicy("/home/alice/secret/open", Map.of("encrypt", "0"), ALICE);
    put("/home/alice/secret/open/f", false, ZSTD, 10, 3);
    put("/home/alice/plain", false, FileEncoding.PLAIN, -1, 3);
  }

  @Test
  void statOrNullAnswersNullForAMissingPathOrParentAndChecksTraverse() {
    FileEntry f = put("/home/alice/f", false, SEALED, 10, 3);
    assertEquals(f, ns.statOrNull("/home/alice/f", ALICE));
    assertNull(ns.statOrNull("/home/alice/none", ALICE));
    assertNull(ns.statOrNull("/home/alice/no/such/parent", ALICE));
    fails(Status.NOT_A_DIRECTORY, "is a file", () -> ns.statOrNull("/home/alice/f/x", ALICE));
    ns.setAttributes("/home/alice", 0700, "", "", false, ALICE);
    fails(Status.DENIED, "traverse /home/alice", () -> ns.statOrNull("/home/alice/f", BOB));
  }

  @Test
  void rekeyIsACompareAndSetOfTheWrappedKeyOfAFileOrAKeptVersion() {
    ns.setPolicy("/home/alice", Map.of("keepVersions", "1"), ALICE);
    FileEntry v1 = put("/home/alice/f", false, SEALED, 10, 3);
    FileEntry v2 = put("/home/alice/f", true, new FileEncoding(Compression.NONE, -1,
        "fedcba9876543210fedcba9876543210", "k1", "djIta2V5"), 20, 4);
    ns.createSnapshot("/home/alice", "s", 6, ALICE);

    FileEntry now = ns.rekey("/home/alice/f", 0, "djIta2V5", "k2", "bmV3LXYy", ALICE);
    assertEquals(v2.encoding().withKey("k2", "bmV3LXYy"), now.encoding());
    assertEquals(v2.size(), now.size());
    assertEquals(v2.modifiedMillis(), now.modifiedMillis());
    assertEquals(now, ns.stat("/home/alice/f", ALICE));
    // The kept version by its number; the current one untouched by that.
    FileEntry old = ns.rekey("/home/alice/f", 1, "b2xkLWtleQ==", "k2", "bmV3LXYx", ALICE);
    assertEquals(v1.encoding().withKey("k2", "bmV3LXYx"), old.encoding());
    assertEquals(old.encoding(), ns.fileVersion("/home/alice/f", 1, ALICE).entry().encoding());
    assertEquals(now, ns.stat("/home/alice/f", ALICE));
    // The snapshot keeps the key it had: snapshots are read-only.
    assertEquals(v2.encoding(), ns.stat("/home/alice/.snapshot/s/f", ALICE).encoding());
    fails(Status.DENIED, "read-only", () -> ns.rekey("/home/alice/.snapshot/s/f", 0,
        "djIta2V5", "k2", "bmV3", ALICE));

    fails(Status.STALE_VERSION, "changed since it was read", () -> ns.rekey("/home/alice/f", 0,
        "djIta2V5", "k3", "eHh4", ALICE));
    fails(Status.NOT_FOUND, "no version 7", () -> ns.rekey("/home/alice/f", 7, "bmV3LXYy",
        "k3", "eHh4", ALICE));
    fails(Status.DENIED, "permission denied", () -> ns.rekey("/home/alice/f", 0, "bmV3LXYy",
        "k3", "eHh4", BOB));
    fails(Status.NOT_FOUND, "does not exist", () -> ns.rekey("/home/alice/none", 0, "eHh4",
        "k3", "eHh4", ALICE));
    fails(Status.IS_A_DIRECTORY, "is a directory", () -> ns.rekey("/home/alice", 0, "eHh4",
        "k3", "eHh4", ALICE));
    put("/home/alice/z", false, ZSTD, 10, 3);
    fails(Status.INVALID_ARGUMENT, "not encrypted", () -> ns.rekey("/home/alice/z", 0, "eHh4",
        "k3", "eHh4", ALICE));
    put("/home/alice/p", false, FileEncoding.PLAIN, -1, 3);
    fails(Status.INVALID_ARGUMENT, "not encrypted", () -> ns.rekey("/home/alice/p", 0, "eHh4",
        "k3", "eHh4", ALICE));
    fails(Status.INVALID_ARGUMENT, "key id", () -> ns.rekey("/home/alice/f", 0, "bmV3LXYy",
        "bad key id", "eHh4", ALICE));
    assertEquals(now, ns.stat("/home/alice/f", ALICE));
    // Write permission on the file is what counts: bob with group write may rotate.
    ns.setAttributes("/home/alice/f", 0664, "", "", false, ALICE);
    assertEquals("k3", ns.rekey("/home/alice/f", 0, "bmV3LXYy", "k3", "eHh4", BOB).encoding()
        .keyId());
  }
}
