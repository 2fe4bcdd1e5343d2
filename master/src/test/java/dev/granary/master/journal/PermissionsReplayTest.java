package dev.granary.master.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.granary.master.namespace.ChunkRecord;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.master.namespace.Namespace;
import dev.granary.master.security.Caller;
import dev.granary.master.testing.ImageDump;
import dev.granary.wire.msg.FileEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Owners, groups and modes survive the operation log and checkpoints exactly, and logs and
 * checkpoints written before they existed load with the defaults (admin, admin, 755 and 644).
 */
class PermissionsReplayTest {
  private static final Caller ALICE = new Caller("alice", "staff", false);
  private static final Caller ROOT = new Caller("admin", "admin", true);

  @TempDir
  Path tmp;

  private static Recovery recovery() {
    ObjectMapper mapper = new ObjectMapper();
    return new Recovery(new OpCodec(mapper), mapper.getFactory(), "test");
  }

  /** Applies each op as {@code caller} (as the metadata service does) and logs it. */
  private static void run(MetadataStore store, Caller caller, Op... ops) {
    for (Op op : ops) {
      OpApplier.apply(store.image(), op, caller);
      store.journal().append(op).join();
    }
  }

  private List<String> live(Path dir, long checkpointOps) throws Exception {
    try (MetadataStore store = MetadataStore.open(dir, checkpointOps, "test")) {
      MetadataImage image = store.image();
      run(store, ROOT, new Op.Reserve(1, 1000), new Op.Mkdir("c", 1, 2, "/home", false),
          new Op.SetPermission(3, "/home", 0777, false), new Op.SetPermission(3, "/", 0711, false));
      run(store, ALICE, new Op.Mkdir("c", 2, 4, "/home/alice/d", true, "alice", "staff"),
          new Op.Commit("c", 3, 5, "/home/alice/d/f", false, 1, 1 << 20,
              List.of(new ChunkRecord(1, 1, 3, 9)), "alice", "staff"),
          new Op.SetPermission(6, "/home/alice", 0750, true));
      run(store, ROOT, new Op.SetOwner(7, "/home/alice/d", "bob", "", true),
          new Op.SetOwner(8, "/home/alice/d/f", "", "guests", false),
          new Op.SetOwner(9, "/", "root", "wheel", false));
      store.checkpointer().awaitIdle(30_000);
      FileEntry f = image.namespace().stat("/home/alice/d/f", Namespace.SYSTEM);
      assertEquals(List.of("bob", "guests", 0750), List.of(f.owner(), f.group(), f.permission()));
      assertEquals(0711, image.namespace().rootEntry().permission());
      return ImageDump.of(image);
    }
  }

  @Test
  void replayFromTheLogReproducesOwnersGroupsAndModes() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("log"));
    List<String> before = live(dir, 1_000_000);
    assertTrue(JournalFiles.checkpoints(dir).isEmpty(), "replayed from the log alone");
    assertEquals(before, ImageDump.of(recovery().recover(dir).image()));
    String log = Files.readString(JournalFiles.segments(dir).firstEntry().getValue());
    assertTrue(log.contains("\"type\":\"setPermission\",\"time\":6,\"path\":\"/home/alice\","
        + "\"permission\":\"750\",\"recursive\":true"), log);
    assertTrue(log.contains("\"type\":\"setOwner\",\"time\":7,\"path\":\"/home/alice/d\","
        + "\"owner\":\"bob\",\"group\":\"\",\"recursive\":true"), log);
  }

  @Test
  void aCheckpointReproducesOwnersGroupsAndModes() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("cp"));
    List<String> before = live(dir, 3);
    assertTrue(!JournalFiles.checkpoints(dir).isEmpty(), "a checkpoint was written");
    assertEquals(before, ImageDump.of(recovery().recover(dir).image()));
    // The checkpoint's own lines, and a checkpoint alone (no log after it) loads the same.
    Path only = Files.createDirectories(tmp.resolve("only"));
    MetadataImage image = recovery().recover(dir).image();
    CheckpointFormat format = new CheckpointFormat(new ObjectMapper().getFactory());
    Path file = only.resolve("c.json");
    try (var out = Files.newOutputStream(file)) {
      format.write(image, out);
    }
    String text = Files.readString(file);
    assertTrue(text.contains("\"rootOwner\":\"root\",\"rootGroup\":\"wheel\","
        + "\"rootPermission\":\"711\""), text);
    assertTrue(text.contains("{\"d\":\"/home/alice/d\",\"m\":5,\"o\":\"bob\",\"g\":\"staff\","
        + "\"p\":\"750\"}"), text);
    assertEquals(before, ImageDump.of(format.read(file)));
  }

  @Test
  void oldLogAndCheckpointLinesLoadWithTheDefaults() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("old"));
    Files.writeString(JournalFiles.checkpoint(dir, 2), String.join("\n",
        "{\"checkpoint\":1,\"seq\":2,\"time\":5,\"reservedUpTo\":100,\"rootModified\":4,"
            + "\"files\":1,\"directories\":1}",
        "{\"d\":\"/a\",\"m\":4}",
        "{\"f\":\"/a/f\",\"m\":5,\"r\":2,\"s\":1048576,\"c\":[1,1,3,9]}",
        "{\"rc\":\"c\",\"op\":2,\"t\":5,\"rt\":\"stat\",\"e\":{\"path\":\"/a\","
            + "\"directory\":true,\"size\":0,\"modified\":4,\"replication\":0,\"chunkSize\":0,"
            + "\"chunkCount\":0}}",
        "{\"end\":4}", ""), StandardCharsets.UTF_8);
    Files.writeString(JournalFiles.segment(dir, 3), String.join("\n",
        "{\"seq\":3,\"type\":\"mkdir\",\"time\":6,\"client\":\"c\",\"op\":3,\"path\":\"/b/c\","
            + "\"parents\":true}",
        "{\"seq\":4,\"type\":\"commit\",\"time\":7,\"client\":\"c\",\"op\":4,\"path\":\"/b/g\","
            + "\"overwrite\":false,\"replication\":1,\"chunkSize\":1048576,\"chunks\":[]}", ""),
        StandardCharsets.UTF_8);
    Namespace ns = recovery().recover(dir).image().namespace();
    for (String d : List.of("/", "/a", "/b", "/b/c")) {
      FileEntry e = ns.stat(d, Namespace.SYSTEM);
      assertEquals(List.of("admin", "admin", 0755), List.of(e.owner(), e.group(),
          e.permission()), d);
    }
    for (String f : List.of("/a/f", "/b/g")) {
      FileEntry e = ns.stat(f, Namespace.SYSTEM);
      assertEquals(List.of("admin", "admin", 0644), List.of(e.owner(), e.group(),
          e.permission()), f);
    }
  }
}
