package dev.granary.master.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.master.security.Caller;
import dev.granary.wire.Limits;
import dev.granary.wire.Sha256;
import dev.granary.wire.Status;
import dev.granary.wire.msg.FileEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Policies, versions, snapshots and the trash as the namespace answers them. */
class SharedNamespaceTest {
  private static final Caller ALICE = new Caller("alice", "staff", false);
  private static final Caller BOB = new Caller("bob", "staff", false);
  private final Namespace ns = new Namespace();

  SharedNamespaceTest() {
    ns.mkdir("/home", false, 1, Namespace.SYSTEM);
    ns.setAttributes("/home", 0777, "", "", false, Namespace.SYSTEM);
    ns.mkdir("/home/alice", false, 1, ALICE);
  }

  private static ChunkRecord chunk(long h, long length, String content) {
    return new ChunkRecord(h, 1, length, h, Sha256.of(Sha256.newDigest().digest(
        content.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
  }

  private Namespace.CommitResult put(String path, boolean overwrite, ChunkRecord... chunks) {
    return ns.commit(path, overwrite, 3, 1 << 20, List.of(chunks), 5, ALICE);
  }

  private static void fails(Status status, String fragment, Executable op) {
    MetadataException e = assertThrows(MetadataException.class, op);
    assertEquals(status, e.status(), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @Test
  void policiesAreInheritedFromTheNearestDirectoryAndSetByTheOwnerOnly() {
    ns.mkdir("/home/alice/a/b", true, 2, ALICE);
    ns.setPolicy("/home/alice", Map.of("keepVersions", "3", "trash", "86400000"), ALICE);
    ns.setPolicy("/home/alice/a", Map.of("keepVersions", "0", "replication", "2"), ALICE);
    assertEquals(List.of(new Policy.Setting("keepVersions", "0", "/home/alice/a"),
        new Policy.Setting("trash", "86400000", "/home/alice"),
        new Policy.Setting("replication", "2", "/home/alice/a")).stream()
        .sorted(java.util.Comparator.comparing(Policy.Setting::key)).toList(),
        ns.effectivePolicy("/home/alice/a/b", ALICE).stream()
            .sorted(java.util.Comparator.comparing(Policy.Setting::key)).toList());
    assertEquals(2, ns.policyReplication("/home/alice/a/b/new-file"));
    assertEquals(0, ns.policyReplication("/home/new-file"));
    fails(Status.DENIED, "only its owner alice", () -> ns.setPolicy("/home/alice",
        Map.of("trash", "0"), BOB));
    fails(Status.INVALID_ARGUMENT, "keepVersions", () -> ns.setPolicy("/home/alice",
        Map.of("keepVersions", "-1"), ALICE));
    fails(Status.INVALID_ARGUMENT, "unknown policy key", () -> ns.setPolicy("/home/alice",
        Map.of("compresion", "lz4"), ALICE));
    // Clearing every setting leaves no policy.
    ns.setPolicy("/home/alice/a", Map.of("keepVersions", "", "replication", ""), ALICE);
    assertEquals(List.of("keepVersions 3", "trash 86400000"),
        ns.effectivePolicy("/home/alice/a", ALICE).stream()
            .map(s -> s.key() + " " + s.value()).sorted().toList());
  }

  @Test
  void versionsAreNumberedNewestFirstAndReadable() {
    ns.setPolicy("/home/alice", Map.of("keepVersions", "2"), ALICE);
    put("/home/alice/f", false, chunk(1, 10, "one"));
    put("/home/alice/f", true, chunk(2, 20, "two"));
    put("/home/alice/f", true, chunk(3, 30, "three"));
    assertEquals(List.of(3L, 2L, 1L), ns.versions("/home/alice/f", ALICE).stream()
        .map(Namespace.VersionView::number).toList());
    assertEquals(List.of(30L, 20L, 10L), ns.versions("/home/alice/f", ALICE).stream()
        .map(Namespace.VersionView::size).toList());
    assertEquals(20, ns.fileVersion("/home/alice/f", 2, ALICE).entry().size());
    assertEquals(2, ns.fileVersion("/home/alice/f", 2, ALICE).file().handle(0));
    fails(Status.NOT_FOUND, "no version 7", () -> ns.fileVersion("/home/alice/f", 7, ALICE));
    // Reading a version needs read on the file, as reading the file does.
    ns.setAttributes("/home/alice/f", 0600, "", "", false, ALICE);
    fails(Status.DENIED, "permission denied", () -> ns.fileVersion("/home/alice/f", 2, BOB));
    // A restore is a new version with the old contents; rm removes the file and its versions.
    ns.restore("/home/alice/f", 1, 9, ALICE);
    assertEquals(List.of(4L, 3L, 2L), ns.versions("/home/alice/f", ALICE).stream()
        .map(Namespace.VersionView::number).toList());
    assertEquals(1, ns.file("/home/alice/f", ALICE).file().handle(0));
    Namespace.DeleteResult r = ns.delete("/home/alice/f", false, 10, ALICE);
    assertEquals(List.of(1L, 1L, 3L, 1L, 2L, 1L), java.util.Arrays.stream(r.garbage()).boxed()
        .toList());
    assertEquals(0, ns.chunkCount());
  }

  @Test
  void aCommitReusesOnlyChunksOfTheFileItReplacesWithTheSameContent() {
    ns.setPolicy("/home/alice", Map.of("keepVersions", "1"), ALICE);
    put("/home/alice/f", false, chunk(1, 10, "one"), chunk(2, 10, "two"));
    put("/home/alice/g", false, chunk(3, 10, "three"));
    // Chunk 1 kept, chunk 2 replaced by 4: only what changed is new.
    Namespace.CommitResult r = put("/home/alice/f", true, chunk(1, 10, "one"),
        chunk(4, 10, "four"));
    assertEquals(0, r.garbage().length, "version 1 keeps chunk 2");
    assertEquals(2, ns.holders(1));
    fails(Status.INVALID_ARGUMENT, "belongs to another file",
        () -> put("/home/alice/f", true, chunk(3, 10, "three")));
    fails(Status.INVALID_ARGUMENT, "does not have the content",
        () -> put("/home/alice/f", true, chunk(1, 10, "not one")));
    fails(Status.INVALID_ARGUMENT, "does not have the content",
        () -> put("/home/alice/f", true, chunk(1, 11, "one")));
    fails(Status.INVALID_ARGUMENT, "appears twice",
        () -> put("/home/alice/h", false, chunk(5, 10, "x"), chunk(5, 10, "x")));
  }

  @Test
  void aFreedChunkIsNeverNamedAgainAndDedupMatchesTheOwnersChunksOnly() {
    ns.enableDedup();
    ns.mkdir("/home/bob", false, 1, BOB);
    put("/home/alice/f", false, chunk(1, 10, "one"), chunk(2, 10, "two"));
    ns.commit("/home/bob/g", false, 3, 1 << 20, List.of(chunk(3, 10, "three")), 5, BOB);
    // Alice's match: her own chunks by content, never bob's.
    Map<Integer, ChunkRecord> m = ns.matchChunks("/home/alice/new", 0, List.of(10L, 10L, 10L),
        List.of(chunk(0, 10, "two").sha256(), chunk(0, 10, "three").sha256(),
            chunk(0, 10, "one").sha256()), ALICE);
    assertEquals(Map.of(0, 2L, 2, 1L), Map.of(0, m.get(0).handle(), 2, m.get(2).handle()));
    assertEquals(2, m.size(), "bob's chunk with the same content is not offered to alice");
    assertTrue(ns.dedupMatches("alice", chunk(2, 10, "two")));
    assertTrue(!ns.dedupMatches("alice", chunk(3, 10, "three")));
    // A new file naming alice's chunk twice (deduplicated): two holders more.
    ns.commit("/home/alice/twice", false, 3, 1 << 20, List.of(chunk(2, 10, "two"),
        chunk(2, 10, "two")), java.util.Set.of(2L), java.util.Set.of(2L), 6, ALICE);
    assertEquals(3, ns.holders(2));
    assertEquals(20, ns.stat("/home/alice/twice", ALICE).size());
    // Without the master's dedup mark, another file's chunk is refused.
    fails(Status.INVALID_ARGUMENT, "already belongs to another file",
        () -> ns.commit("/home/alice/h", false, 3, 1 << 20, List.of(chunk(1, 10, "one")),
            java.util.Set.of(1L), java.util.Set.of(), 7, ALICE));
    // Once nothing holds chunk 1, a commit that names it as held is CHUNK_GONE, never a new
    // chunk with that handle.
    ns.delete("/home/alice/f", false, 8, ALICE);
    assertTrue(!ns.isReferenced(1));
    fails(Status.CHUNK_GONE, "no longer held", () -> ns.commit("/home/alice/h", false, 3,
        1 << 20, List.of(chunk(1, 10, "one")), java.util.Set.of(1L), java.util.Set.of(1L), 9,
        ALICE));
    assertEquals(ns.recountHolders(), ns.holderCounts());
  }

  @Test
  void snapshotsAreReadOnlyViewsUnderDotSnapshot() {
    put("/home/alice/d/f", false, chunk(1, 10, "one"));
    Namespace.SnapshotView s = ns.createSnapshot("/home/alice/d", "monday", 7, ALICE);
    assertEquals("/home/alice/d/.snapshot/monday", s.path());
    ns.delete("/home/alice/d/f", false, 8, ALICE);
    put("/home/alice/d/f", false, chunk(2, 20, "two"));
    // The snapshot still sees the old file; the live tree the new one.
    FileEntry old = ns.stat("/home/alice/d/.snapshot/monday/f", ALICE);
    assertEquals(10, old.size());
    assertEquals(1, ns.file("/home/alice/d/.snapshot/monday/f", ALICE).file().handle(0));
    assertEquals(List.of("/home/alice/d/.snapshot/monday"), ns.list("/home/alice/d/.snapshot",
        "", 100, ALICE).entries().stream().map(FileEntry::path).toList());
    assertEquals(List.of("/home/alice/d/f"), ns.list("/home/alice/d", "", 100, ALICE).entries()
        .stream().map(FileEntry::path).toList(), ".snapshot is not listed as a child");
    // Every write into a snapshot, or creating '.snapshot', is refused.
    String in = "/home/alice/d/.snapshot/monday/f";
    fails(Status.DENIED, "read-only", () -> put(in, true, chunk(3, 1, "x")));
    fails(Status.DENIED, "read-only", () -> ns.delete(in, false, 9, ALICE));
    fails(Status.DENIED, "read-only", () -> ns.rename(in, "/home/alice/x", 9, ALICE));
    fails(Status.DENIED, "read-only", () -> ns.rename("/home/alice/d/f", in, 9, ALICE));
    fails(Status.DENIED, "read-only", () -> ns.mkdir("/home/alice/.snapshot", false, 9, ALICE));
    fails(Status.DENIED, "read-only", () -> ns.setAttributes(in, 0777, "", "", false, ALICE));
    // Only the directory's owner takes snapshots; names are unique; a directory holding
    // snapshots cannot be removed until they are deleted.
    fails(Status.DENIED, "only its owner", () -> ns.createSnapshot("/home/alice/d", "x", 9, BOB));
    fails(Status.ALREADY_EXISTS, "already has a snapshot",
        () -> ns.createSnapshot("/home/alice/d", "monday", 9, ALICE));
    fails(Status.INVALID_ARGUMENT, "not a snapshot name",
        () -> ns.createSnapshot("/home/alice/d", "a/b", 9, ALICE));
    fails(Status.NOT_EMPTY, "has snapshots", () -> ns.delete("/home/alice", true, 9, ALICE));
    assertEquals(List.of(1L, 1L), java.util.Arrays.stream(ns.deleteSnapshot("/home/alice/d",
        "monday", ALICE).garbage()).boxed().toList());
    ns.delete("/home/alice", true, 10, ALICE);
    assertEquals(0, ns.chunkCount());
  }

  @Test
  void snapshotsPerDirectoryAreLimited() {
    ns.mkdir("/home/alice/d", false, 1, ALICE);
    for (int i = 0; i < Limits.MAX_SNAPSHOTS; i++) {
      ns.createSnapshot("/home/alice/d", "s" + i, i, ALICE);
    }
    fails(Status.TOO_LARGE, "the most a directory may have",
        () -> ns.createSnapshot("/home/alice/d", "one-more", 1, ALICE));
  }

  @Test
  void theTrashIsPerUserAndRestoresWhereTheEntryWas() {
    ns.setPolicy("/home", Map.of("trash", "1000"), Namespace.SYSTEM);
    put("/home/alice/d/f", false, chunk(1, 10, "one"));
    Namespace.DeleteResult r = ns.delete("/home/alice/d", true, false, 100, ALICE);
    assertEquals(1100, r.trashExpires());
    assertEquals(0, r.garbage().length);
    assertEquals(1, ns.chunkCount(), "the trash holds the chunk");
    assertEquals(List.of(), ns.trash("bob"));
    Namespace.TrashView t = ns.trash("alice").get(0);
    assertEquals(List.of("/home/alice/d", true, 10L, 1L, 100L, 1100L), List.of(t.path(),
        t.directory(), t.size(), t.files(), t.deleted(), t.expires()));
    fails(Status.NOT_FOUND, "not in the trash of bob", () -> ns.restoreTrash("/home/alice/d",
        101, BOB));
    ns.mkdir("/home/alice/d", false, 101, ALICE);
    fails(Status.ALREADY_EXISTS, "something is there now",
        () -> ns.restoreTrash("/home/alice/d", 102, ALICE));
    ns.delete("/home/alice/d", false, false, 102, new Caller("alice", "staff", false));
    // The empty directory went to the trash too: the newest entry for the path comes back first.
    ns.restoreTrash("/home/alice/d", 103, ALICE);
    assertTrue(ns.list("/home/alice/d", "", 10, ALICE).entries().isEmpty());
    ns.delete("/home/alice/d", false, false, 104, ALICE);
    ns.emptyTrash("alice");
    put("/home/alice/g", false, chunk(2, 10, "two"));
    ns.delete("/home/alice/g", false, false, 200, ALICE);
    assertEquals(1, ns.trash("alice").size());
    assertEquals(1200, ns.nextTrashExpiry());
    assertEquals(0, ns.expireTrash(1199).garbage().length);
    assertEquals(List.of(2L, 1L), java.util.Arrays.stream(ns.expireTrash(1200).garbage())
        .boxed().toList());
    assertEquals(Long.MAX_VALUE, ns.nextTrashExpiry());
    assertEquals(0, ns.chunkCount());
  }
}
