package dev.granary.master.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Limits;
import dev.granary.wire.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The contract's path limits, enforced on every path the namespace accepts. */
class NamespaceLimitsTest {
  private final Namespace ns = new Namespace();

  static final String NAME_256 = "n".repeat(256);
  static final String PATH_4097 = "/a".repeat(2048) + "b";

  /** Over-long, over-deep and control-character paths, by what the message must name. */
  static final Map<String, String> BAD = Map.of(
      "/d/" + NAME_256, "256 bytes of UTF-8, over the limit of 255",
      PATH_4097, "4097 bytes of UTF-8, over the limit of 4096",
      "/d/bell\u0007", "U+0007",
      "/d/new\nline/x", "U+000A",
      "/d/del\u007f", "U+007F");

  private static void refused(String fragment, Executable op) {
    MetadataException e = assertThrows(MetadataException.class, op);
    assertEquals(Status.INVALID_ARGUMENT, e.status(), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    assertTrue(e.getMessage().length() < 300, e.getMessage());
  }

  private List<String> everything() {
    List<String> out = new ArrayList<>();
    ns.forEachEntry(new Namespace.EntryVisitor() {
      @Override
      public void directory(String path, long modified, String owner, String group,
          int permission) {
        out.add(path + "/ " + modified);
      }

      @Override
      public void file(String path, FileNode file) {
        out.add(path + " " + file.modified());
      }
    });
    return out;
  }

  @Test
  void everyOperationRefusesAPathBeyondTheLimits() {
    ns.mkdir("/d", false, 1, Namespace.SYSTEM);
    ns.commit("/d/f", false, 1, 1024, List.of(new ChunkRecord(1, 1, 10, 2)), 1, Namespace.SYSTEM);
    List<String> before = everything();
    for (Map.Entry<String, String> bad : BAD.entrySet()) {
      String p = bad.getKey();
      String why = bad.getValue();
      List<Consumer<String>> ops = List.of(
          x -> ns.mkdir(x, true, 5, Namespace.SYSTEM),
          x -> ns.mkdir(x, false, 5, Namespace.SYSTEM),
          x -> ns.commit(x, true, 1, 1024, List.of(new ChunkRecord(9, 1, 10, 2)), 5, Namespace.SYSTEM),
          x -> ns.delete(x, true, 5, Namespace.SYSTEM),
          x -> ns.rename(x, "/d/g", 5, Namespace.SYSTEM),
          x -> ns.rename("/d/f", x, 5, Namespace.SYSTEM),
          x -> ns.stat(x, Namespace.SYSTEM),
          x -> ns.list(x, "", 10, Namespace.SYSTEM),
          x -> ns.file(x, Namespace.SYSTEM),
          x -> ns.forEachFile(x, (q, f) -> {}));
      for (Consumer<String> op : ops) {
        refused(why, () -> op.accept(p));
      }
    }
    assertEquals(before, everything());
    assertEquals(1, ns.chunkCount());
  }

  @Test
  void theLimitsThemselvesAreAccepted() {
    String deepest = "/a".repeat(Limits.MAX_PATH_BYTES / 2);
    assertEquals(deepest, ns.mkdir(deepest, true, 1, Namespace.SYSTEM).path());
    assertEquals(Limits.MAX_PATH_BYTES / 2, ns.directoryCount());
    String longName = "/" + "é".repeat(127) + "x";
    ns.commit(longName, false, 1, 1024, List.of(), 2, Namespace.SYSTEM);
    assertEquals(longName, ns.stat(longName, Namespace.SYSTEM).path());
    // Characters above the C0 range and DEL are names like any other.
    assertTrue(ns.mkdir("/tab\u00a0nbsp \u0080 日本", false, 3, Namespace.SYSTEM).directory());
  }

  @Test
  void theMessageQuotesAShortEscapedFormOfTheOffendingName() {
    MetadataException e = assertThrows(MetadataException.class,
        () -> ns.mkdir("/d/" + "\u001b[31m" + "x".repeat(300), true, 1, Namespace.SYSTEM));
    assertTrue(e.getMessage().contains("name '\\u001B[31mxxx"), e.getMessage());
    assertTrue(e.getMessage().indexOf('\u001b') < 0, e.getMessage());
    assertEquals(0, ns.directoryCount());
  }

  @Test
  void aMoveMayNotMakeAnyPathLongerThanTheLimit() {
    String deep = "/src" + "/a".repeat(2000); // 4004 bytes
    ns.mkdir(deep, true, 1, Namespace.SYSTEM);
    ns.commit(deep + "/f", false, 1, 1024, List.of(), 1, Namespace.SYSTEM);
    ns.mkdir("/dst" + "/b".repeat(45), true, 1, Namespace.SYSTEM);
    // The moved directory's own path is short; a file 2,000 levels below it would not be.
    refused("'/dst/b/b/b", () -> ns.rename("/src", "/dst" + "/b".repeat(45), 2, Namespace.SYSTEM));
    refused("would be 4098 bytes of UTF-8, over the path limit of 4096",
        () -> ns.rename("/src", "/dst" + "/b".repeat(45) + "/s", 2, Namespace.SYSTEM));
    assertTrue(ns.stat("/src", Namespace.SYSTEM).directory());
    // Into a directory: the final path is the destination plus the source's name.
    String longDir = "/x".repeat(2046) + "/y"; // 4094 bytes
    ns.mkdir(longDir, true, 3, Namespace.SYSTEM);
    ns.commit("/file", false, 1, 1024, List.of(), 3, Namespace.SYSTEM);
    refused("it would be 4099 bytes", () -> ns.rename("/file", longDir, 4, Namespace.SYSTEM));
    // Shorter or equal is always fine, deep or not; a short subtree moves anywhere in reach.
    ns.rename("/src", "/s", 5, Namespace.SYSTEM);
    ns.commit("/s/a/short", false, 1, 1024, List.of(), 6, Namespace.SYSTEM);
    ns.mkdir("/m", false, 6, Namespace.SYSTEM);
    ns.commit("/m/g", false, 1, 1024, List.of(), 6, Namespace.SYSTEM);
    assertEquals("/x".repeat(2046) + "/m", ns.rename("/m", "/x".repeat(2046), 7, Namespace.SYSTEM).path());
  }
}
