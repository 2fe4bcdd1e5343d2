package dev.granary.master.namespace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Limits;
import dev.granary.wire.Status;
import dev.granary.wire.msg.FileEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class NamespaceTest {
  private final Namespace ns = new Namespace();

  private static List<ChunkRecord> chunk(long handle) {
    return List.of(new ChunkRecord(handle, 1, 100, 7));
  }

  private static void fails(Status status, String fragment, Executable op) {
    MetadataException e = assertThrows(MetadataException.class, op);
    assertEquals(status, e.status(), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @Test
  void pathsAreNormalizedAndValidated() {
    assertEquals(0, Paths.parse("/").length);
    assertArrayEquals(new String[] {"a", "b"}, Paths.parse("/a/b/"));
    for (String bad : List.of("", "a/b", "/a//b", "/a/./b", "/a/../b", "/a\0b", "//")) {
      fails(Status.INVALID_ARGUMENT, "invalid path", () -> Paths.parse(bad));
    }
    assertEquals("/a/b", ns.mkdir("/a/b/", true, 1, Namespace.SYSTEM).path());
  }

  @Test
  void mkdirWithoutParents() {
    fails(Status.NOT_FOUND, "/a", () -> ns.mkdir("/a/b", false, 1, Namespace.SYSTEM));
    ns.mkdir("/a", false, 1, Namespace.SYSTEM);
    fails(Status.ALREADY_EXISTS, "/a", () -> ns.mkdir("/a", false, 2, Namespace.SYSTEM));
    FileEntry e = ns.mkdir("/a/b", false, 3, Namespace.SYSTEM);
    assertTrue(e.directory());
    assertEquals(0, e.size());
    assertEquals(0, e.replication());
    fails(Status.ALREADY_EXISTS, "'/'", () -> ns.mkdir("/", false, 1, Namespace.SYSTEM));
  }

  @Test
  void mkdirWithParents() {
    ns.mkdir("/a/b/c", true, 1, Namespace.SYSTEM);
    assertEquals(3, ns.directoryCount());
    ns.mkdir("/a/b", true, 2, Namespace.SYSTEM);
    ns.commit("/a/f", false, 3, 1024, List.of(), 3, Namespace.SYSTEM);
    fails(Status.ALREADY_EXISTS, "/a/f", () -> ns.mkdir("/a/f", true, 4, Namespace.SYSTEM));
    fails(Status.NOT_A_DIRECTORY, "/a/f", () -> ns.mkdir("/a/f/g", true, 4, Namespace.SYSTEM));
    fails(Status.NOT_A_DIRECTORY, "/a/f", () -> ns.mkdir("/a/f/g", false, 4, Namespace.SYSTEM));
  }

  @Test
  void commitCreatesParentsAndRefusesClashes() {
    FileEntry e = ns.commit("/x/y/f", false, 3, 1024, chunk(1), 5, Namespace.SYSTEM).entry();
    assertEquals(100, e.size());
    assertEquals(1, e.chunkCount());
    assertEquals(2, ns.directoryCount());
    fails(Status.ALREADY_EXISTS, "/x/y/f", () -> ns.commit("/x/y/f", false, 3, 1024,
        List.of(), 6, Namespace.SYSTEM));
    fails(Status.IS_A_DIRECTORY, "/x/y", () -> ns.commit("/x/y", true, 3, 1024, List.of(), 6, Namespace.SYSTEM));
    fails(Status.IS_A_DIRECTORY, "'/'", () -> ns.commit("/", true, 3, 1024, List.of(), 6, Namespace.SYSTEM));
    fails(Status.NOT_A_DIRECTORY, "/x/y/f", () -> ns.commit("/x/y/f/g", false, 3, 1024,
        List.of(), 6, Namespace.SYSTEM));
    fails(Status.INVALID_ARGUMENT, "another file", () -> ns.commit("/other", false, 3, 1024,
        chunk(1), 6, Namespace.SYSTEM));
    List<ChunkRecord> twice = List.of(new ChunkRecord(2, 1, 1, 1), new ChunkRecord(2, 1, 1, 1));
    fails(Status.INVALID_ARGUMENT, "twice", () -> ns.commit("/other", false, 3, 1024, twice, 6, Namespace.SYSTEM));
    assertEquals(1, ns.fileCount());
    assertEquals(1, ns.chunkCount());
    assertEquals(2, ns.directoryCount(), "a refused commit creates no parents");
  }

  @Test
  void overwriteReplacesAndReturnsGarbage() {
    ns.commit("/f", false, 3, 1024, List.of(new ChunkRecord(1, 1, 10, 1),
        new ChunkRecord(2, 1, 10, 2)), 1, Namespace.SYSTEM);
    Namespace.CommitResult r = ns.commit("/f", true, 2, 1024, chunk(3), 2, Namespace.SYSTEM);
    assertArrayEquals(new long[] {1, 1, 2, 1}, r.garbage());
    assertEquals(1, ns.fileCount());
    assertEquals(1, ns.chunkCount());
    assertEquals(3, ns.file("/f", Namespace.SYSTEM).file().handle(0));
    assertFalse(ns.isReferenced(1));
    assertEquals(2, ns.stat("/f", Namespace.SYSTEM).replication());
  }

  @Test
  void emptyFileHasNoChunks() {
    FileEntry e = ns.commit("/empty", false, 3, 1024, List.of(), 1, Namespace.SYSTEM).entry();
    assertEquals(0, e.chunkCount());
    assertEquals(0, e.size());
    assertEquals(0, ns.chunkCount());
  }

  @Test
  void deleteCases() {
    fails(Status.INVALID_ARGUMENT, "root", () -> ns.delete("/", true, 1, Namespace.SYSTEM));
    fails(Status.NOT_FOUND, "/nope", () -> ns.delete("/nope", false, 1, Namespace.SYSTEM));
    ns.commit("/d/e/f1", false, 3, 1024, chunk(1), 1, Namespace.SYSTEM);
    ns.commit("/d/f2", false, 3, 1024, chunk(2), 1, Namespace.SYSTEM);
    fails(Status.NOT_EMPTY, "-r", () -> ns.delete("/d", false, 2, Namespace.SYSTEM));
    Namespace.DeleteResult r = ns.delete("/d", true, 2, Namespace.SYSTEM);
    assertEquals(2, r.files());
    assertEquals(2, r.directories());
    assertEquals(4, r.garbage().length);
    assertEquals(0, ns.fileCount());
    assertEquals(0, ns.directoryCount());
    assertEquals(0, ns.chunkCount());
    ns.mkdir("/empty", false, 3, Namespace.SYSTEM);
    assertEquals(1, ns.delete("/empty", false, 4, Namespace.SYSTEM).directories());
  }

  @Test
  void renameCases() {
    ns.commit("/a/f", false, 3, 1024, chunk(1), 1, Namespace.SYSTEM);
    ns.mkdir("/b", false, 1, Namespace.SYSTEM);
    fails(Status.NOT_FOUND, "/nope", () -> ns.rename("/nope", "/b", 2, Namespace.SYSTEM));
    fails(Status.NOT_FOUND, "/missing", () -> ns.rename("/a/f", "/missing/g", 2, Namespace.SYSTEM));
    ns.commit("/b/g", false, 3, 1024, List.of(), 2, Namespace.SYSTEM);
    fails(Status.ALREADY_EXISTS, "/b/g", () -> ns.rename("/a/f", "/b/g", 3, Namespace.SYSTEM));
    fails(Status.INVALID_ARGUMENT, "into itself", () -> ns.rename("/a", "/a/sub", 3, Namespace.SYSTEM));
    fails(Status.INVALID_ARGUMENT, "into itself", () -> ns.rename("/a", "/a", 3, Namespace.SYSTEM));
    fails(Status.INVALID_ARGUMENT, "root", () -> ns.rename("/", "/b", 3, Namespace.SYSTEM));
    FileEntry moved = ns.rename("/a/f", "/b", 4, Namespace.SYSTEM);
    assertEquals("/b/f", moved.path());
    assertEquals(1, ns.file("/b/f", Namespace.SYSTEM).file().handle(0));
    assertEquals("/c", ns.rename("/b", "/c", 5, Namespace.SYSTEM).path());
    assertEquals(List.of("f", "g"), names("/c"));
    fails(Status.NOT_FOUND, "/b", () -> ns.stat("/b", Namespace.SYSTEM));
  }

  @Test
  void listingIsSortedPagedAndListsFiles() {
    for (String n : List.of("b", "a", "é", "c", "Z")) {
      ns.commit("/d/" + n, false, 3, 1024, List.of(), 1, Namespace.SYSTEM);
    }
    assertEquals(List.of("Z", "a", "b", "c", "é"), names("/d"));
    Namespace.Listing page = ns.list("/d", "a", 2, Namespace.SYSTEM);
    assertEquals(List.of("/d/b", "/d/c"),
        page.entries().stream().map(FileEntry::path).collect(Collectors.toList()));
    assertTrue(page.more());
    assertFalse(ns.list("/d", "c", 10, Namespace.SYSTEM).more());
    assertEquals("/d/a", ns.list("/d/a", "", 10, Namespace.SYSTEM).entries().get(0).path());
    fails(Status.NOT_FOUND, "/x", () -> ns.list("/x", "", 10, Namespace.SYSTEM));
  }

  @Test
  void aPageHoldsAtMostTheCapWhateverTheCallerAsks() {
    for (int i = 0; i < Limits.MAX_LIST_ENTRIES + 200; i++) {
      ns.commit(String.format("/big/f%05d", i), false, 3, 1024, List.of(), 1, Namespace.SYSTEM);
    }
    Namespace.Listing first = ns.list("/big", "", 5000, Namespace.SYSTEM);
    assertEquals(1000, first.entries().size());
    assertTrue(first.more());
    String last = first.entries().get(first.entries().size() - 1).name();
    assertEquals("f00999", last);
    Namespace.Listing rest = ns.list("/big", last, 5000, Namespace.SYSTEM);
    assertEquals(200, rest.entries().size());
    assertEquals("f01000", rest.entries().get(0).name());
    assertFalse(rest.more());
    // A page that ends exactly at the last entry says so: no empty page follows.
    assertFalse(ns.list("/big", "f00199", 1000, Namespace.SYSTEM).more());
  }

  @Test
  void aDirectoryChangedBetweenPagesContinuesAfterTheLastName() {
    for (int i = 0; i < 30; i += 2) {
      ns.commit(String.format("/d/n%02d", i), false, 3, 1024, List.of(), 1, Namespace.SYSTEM);
    }
    Namespace.Listing page = ns.list("/d", "", 5, Namespace.SYSTEM);
    assertEquals(List.of("n00", "n02", "n04", "n06", "n08"), namesOf(page));
    // Between pages: the cursor's own entry goes, an entry behind it and one ahead are added,
    // one ahead is removed and one ahead is renamed further ahead.
    ns.delete("/d/n08", false, 2, Namespace.SYSTEM);
    ns.commit("/d/n01", false, 3, 1024, List.of(), 3, Namespace.SYSTEM);
    ns.commit("/d/n11", false, 3, 1024, List.of(), 4, Namespace.SYSTEM);
    ns.delete("/d/n12", false, 5, Namespace.SYSTEM);
    ns.rename("/d/n14", "/d/n99", 6, Namespace.SYSTEM);
    List<String> seen = new ArrayList<>(namesOf(page));
    while (page.more()) {
      page = ns.list("/d", seen.get(seen.size() - 1), 5, Namespace.SYSTEM);
      seen.addAll(namesOf(page));
    }
    assertEquals(List.of("n00", "n02", "n04", "n06", "n08", "n10", "n11", "n16", "n18", "n20",
        "n22", "n24", "n26", "n28", "n99"), seen);
  }

  private static List<String> namesOf(Namespace.Listing page) {
    return page.entries().stream().map(FileEntry::name).collect(Collectors.toList());
  }

  @Test
  void fileLookupRefusesDirectories() {
    ns.mkdir("/d", false, 1, Namespace.SYSTEM);
    fails(Status.IS_A_DIRECTORY, "/d", () -> ns.file("/d", Namespace.SYSTEM));
    fails(Status.NOT_FOUND, "/e", () -> ns.file("/e", Namespace.SYSTEM));
  }

  private List<String> names(String dir) {
    return ns.list(dir, "", 100, Namespace.SYSTEM).entries().stream().map(FileEntry::name)
        .collect(Collectors.toList());
  }
}
