package dev.granary.master.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.master.security.Caller;
import dev.granary.wire.Status;
import dev.granary.wire.msg.FileEntry;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Owners, modes and the POSIX checks of every namespace operation, for different callers. */
class NamespacePermissionsTest {
  private static final Caller ALICE = new Caller("alice", "staff", false);
  private static final Caller BOB = new Caller("bob", "staff", false);
  private static final Caller CAROL = new Caller("carol", "guests", false);
  private static final Caller ROOT = new Caller("admin", "admin", true);
  private static final List<ChunkRecord> ONE = List.of(new ChunkRecord(1, 1, 10, 7));

  private final Namespace ns = new Namespace();

  /** /home (admin 755), /home/alice (alice 755) with a file f (alice 644) and a dir d. */
  @BeforeEach
  void tree() {
    ns.mkdir("/home", false, 1, ROOT);
    ns.setAttributes("/home", 0777, "", "", false, ROOT);
    ns.mkdir("/home/alice/d", true, 2, ALICE);
    ns.commit("/home/alice/f", false, 1, 1 << 20, ONE, 3, ALICE);
    ns.setAttributes("/home", 0755, "", "", false, ROOT);
  }

  private static MetadataException denied(Executable e) {
    MetadataException x = assertThrows(MetadataException.class, e);
    assertEquals(Status.DENIED, x.status(), x.getMessage());
    assertTrue(x.getMessage().startsWith("permission denied: "), x.getMessage());
    assertEquals(1, x.getMessage().lines().count());
    return x;
  }

  @Test
  void newEntriesBelongToTheCallerDirectories755Files644ParentsToo() {
    FileEntry dir = ns.stat("/home/alice/d", ALICE);
    assertEquals(List.of("alice", "staff", 0755), List.of(dir.owner(), dir.group(),
        dir.permission()));
    FileEntry f = ns.stat("/home/alice/f", ALICE);
    assertEquals(List.of("alice", "staff", 0644), List.of(f.owner(), f.group(), f.permission()));
    assertEquals("alice", ns.stat("/home/alice", BOB).owner());
    FileEntry root = ns.rootEntry();
    assertEquals(List.of("admin", "admin", 0755), List.of(root.owner(), root.group(),
        root.permission()));
    // A commit creating parents: they are the caller's too.
    ns.commit("/home/alice/x/y/z", false, 1, 1 << 20, List.of(), 4, ALICE);
    assertEquals("alice", ns.stat("/home/alice/x/y", ALICE).owner());
    assertEquals(0755, ns.stat("/home/alice/x/y", ALICE).permission());
  }

  @Test
  void ownerAndGroupStringsAreShared() {
    ns.commit("/home/alice/g", false, 1, 1 << 20, List.of(), 4, new Caller(
        new String("alice".toCharArray()), new String("staff".toCharArray()), false));
    assertTrue(ns.stat("/home/alice/g", ALICE).owner() == ns.stat("/home/alice/f", ALICE).owner());
    assertTrue(ns.stat("/home/alice/g", ALICE).group() == ns.stat("/home/alice/d", ALICE).group());
  }

  @Test
  void bobCannotWriteAliceDirectoryAliceAndTheSuperuserCan() {
    MetadataException x = denied(() -> ns.mkdir("/home/alice/bob", false, 5, BOB));
    assertEquals("permission denied: user bob may not write /home/alice (owner alice, group "
        + "staff, mode 755)", x.getMessage());
    denied(() -> ns.commit("/home/alice/g", false, 1, 1 << 20, List.of(), 5, BOB));
    denied(() -> ns.commit("/home/alice/f", true, 1, 1 << 20, List.of(), 5, BOB));
    denied(() -> ns.checkCreate("/home/alice/new/file", BOB));
    denied(() -> ns.delete("/home/alice/f", false, 5, BOB));
    denied(() -> ns.rename("/home/alice/f", "/home/alice/g", 5, BOB));
    denied(() -> ns.mkdir("/home/bob", false, 5, BOB));
    assertEquals(2 + 1, ns.directoryCount(), "nothing was created");
    ns.mkdir("/home/alice/a", false, 5, ALICE);
    ns.checkCreate("/home/alice/new/file", ALICE);
    ns.mkdir("/home/bob", false, 5, ROOT);
    assertEquals("admin", ns.stat("/home/bob", ROOT).owner());
  }

  @Test
  void readListAndTraverse() {
    ns.setAttributes("/home/alice/f", 0600, "", "", false, ALICE);
    MetadataException x = denied(() -> ns.file("/home/alice/f", BOB));
    assertTrue(x.getMessage().contains("may not read /home/alice/f"), x.getMessage());
    assertNotNull(ns.file("/home/alice/f", ALICE));
    assertNotNull(ns.file("/home/alice/f", ROOT));
    assertEquals("/home/alice/f", ns.stat("/home/alice/f", BOB).path(), "stat needs traverse");
    ns.setAttributes("/home/alice", 0711, "", "", false, ALICE);
    denied(() -> ns.list("/home/alice", "", 100, BOB));
    assertEquals(2, ns.list("/home/alice", "", 100, ALICE).entries().size());
    assertEquals("f", ns.stat("/home/alice/f", BOB).name(), "traverse without read suffices");
    ns.setAttributes("/home/alice", 0700, "", "", false, ALICE);
    x = denied(() -> ns.stat("/home/alice/f", BOB));
    assertEquals("permission denied: user bob may not traverse /home/alice (owner alice, group "
        + "staff, mode 700)", x.getMessage());
    denied(() -> ns.stat("/home/alice/missing", BOB));
    denied(() -> ns.list("/home/alice/d", "", 100, CAROL));
    assertEquals(2, ns.list("/home/alice", "", 100, ROOT).entries().size());
  }

  @Test
  void groupBitsApplyToTheGroupOthersToEveryoneElse() {
    ns.setAttributes("/home/alice/d", 0770, "", "", false, ALICE);
    ns.mkdir("/home/alice/d/bobs", false, 6, BOB);
    assertEquals("bob", ns.stat("/home/alice/d/bobs", BOB).owner());
    denied(() -> ns.mkdir("/home/alice/d/carols", false, 6, CAROL));
  }

  @Test
  void deleteNeedsWriteOnTheParentAndRecursiveDeleteEveryDirectoryInTheSubtree() {
    ns.setAttributes("/home/alice", 0777, "", "", false, ALICE);
    ns.mkdir("/home/alice/d/e/locked", true, 7, ALICE);
    ns.commit("/home/alice/d/e/locked/x", false, 1, 1 << 20, List.of(), 7, ALICE);
    ns.setAttributes("/home/alice/d/e/locked", 0755, "", "", false, ALICE);
    long files = ns.fileCount();
    long dirs = ns.directoryCount();
    MetadataException x = denied(() -> ns.delete("/home/alice/d", true, 8, BOB));
    assertTrue(x.getMessage().contains("may not delete /home/alice/d (owner alice"),
        x.getMessage());
    ns.setAttributes("/home/alice/d", 0777, "", "", true, ALICE);
    ns.setAttributes("/home/alice/d/e/locked", 0755, "", "", false, ALICE);
    x = denied(() -> ns.delete("/home/alice/d", true, 8, BOB));
    assertTrue(x.getMessage().contains("/home/alice/d/e/locked"), x.getMessage());
    assertEquals(files, ns.fileCount(), "nothing removed");
    assertEquals(dirs, ns.directoryCount(), "nothing removed");
    assertEquals("x", ns.stat("/home/alice/d/e/locked/x", ALICE).name());
    // In a writable directory anyone may remove a file (no sticky bit), as in POSIX.
    ns.delete("/home/alice/f", false, 8, BOB);
    assertEquals(Namespace.DeleteResult.class, ns.delete("/home/alice/d", true, 8, ALICE)
        .getClass());
  }

  @Test
  void renameNeedsWriteOnBothParentsAndKeepsOwnerGroupAndMode() {
    ns.mkdir("/home/bob", false, 9, ROOT);
    ns.setAttributes("/home/bob", -1, "bob", "staff", false, ROOT);
    denied(() -> ns.rename("/home/alice/f", "/home/bob/f", 9, ALICE));
    denied(() -> ns.rename("/home/alice/f", "/home/bob/f", 9, BOB));
    ns.setAttributes("/home/alice/f", 0640, "", "", false, ALICE);
    ns.setAttributes("/home/bob", 0777, "", "", false, BOB);
    FileEntry moved = ns.rename("/home/alice/f", "/home/bob/f", 9, ALICE);
    assertEquals(List.of("alice", "staff", 0640), List.of(moved.owner(), moved.group(),
        moved.permission()));
  }

  @Test
  void chmodIsForTheOwnerChownForTheSuperuser() {
    MetadataException x = denied(() -> ns.setAttributes("/home/alice/f", 0777, "", "", false,
        BOB));
    assertEquals("permission denied: user bob may not change the permission of /home/alice/f "
        + "(owner alice, group staff, mode 644)", x.getMessage());
    x = denied(() -> ns.setAttributes("/home/alice/f", -1, "bob", "", false, ALICE));
    assertTrue(x.getMessage().contains("only the superuser"), x.getMessage());
    denied(() -> ns.setAttributes("/home/alice/f", -1, "", "guests", false, ALICE));
    assertEquals(1, ns.setAttributes("/home/alice/f", 0600, "", "", false, ALICE));
    assertEquals(1, ns.setAttributes("/home/alice/f", -1, "bob", "", false, ROOT));
    FileEntry f = ns.stat("/home/alice/f", ROOT);
    assertEquals(List.of("bob", "staff", 0600), List.of(f.owner(), f.group(), f.permission()));
    assertEquals(1, ns.setAttributes("/home/alice/f", -1, "", "guests", false, ROOT));
    assertEquals("guests", ns.stat("/home/alice/f", ROOT).group());
    MetadataException bad = assertThrows(MetadataException.class,
        () -> ns.setAttributes("/home/alice/f", -1, "a:b", "", false, ROOT));
    assertEquals(Status.INVALID_ARGUMENT, bad.status());
  }

  @Test
  void recursiveChmodIsAllOrNothing() {
    ns.setAttributes("/home/alice/d", 0777, "", "", false, ALICE);
    ns.mkdir("/home/alice/d/bobs", false, 10, BOB);
    MetadataException x = denied(() -> ns.setAttributes("/home/alice", 0700, "", "", true,
        ALICE));
    assertTrue(x.getMessage().contains("/home/alice/d/bobs"), x.getMessage());
    assertEquals(0755, ns.stat("/home/alice", ALICE).permission(), "nothing changed");
    assertEquals(0777, ns.stat("/home/alice/d", ALICE).permission(), "nothing changed");
    ns.delete("/home/alice/d/bobs", false, 10, ALICE);
    assertEquals(3, ns.setAttributes("/home/alice", 0700, "", "", true, ALICE));
    assertEquals(0700, ns.stat("/home/alice/f", ALICE).permission());
    assertEquals(3, ns.setAttributes("/home/alice", -1, "carol", "guests", true, ROOT));
    assertEquals("carol", ns.stat("/home/alice/d", ROOT).owner());
  }

  @Test
  void overwriteMakesANewFileOfTheCaller() {
    ns.setAttributes("/home/alice", 0777, "", "", false, ALICE);
    ns.setAttributes("/home/alice/f", 0600, "", "", false, ALICE);
    ns.commit("/home/alice/f", true, 1, 1 << 20, List.of(), 11, BOB);
    FileEntry f = ns.stat("/home/alice/f", ROOT);
    assertEquals(List.of("bob", "staff", 0644), List.of(f.owner(), f.group(), f.permission()));
  }

  @Test
  void fsckNeedsReadAndTraverseOnTheWholeSubtree() {
    ns.checkReadableTree("/home/alice", BOB);
    ns.setAttributes("/home/alice/d", 0700, "", "", false, ALICE);
    denied(() -> ns.checkReadableTree("/home/alice", BOB));
    ns.checkReadableTree("/home/alice", ALICE);
    ns.checkReadableTree("/home/alice/f", BOB);
  }
}
