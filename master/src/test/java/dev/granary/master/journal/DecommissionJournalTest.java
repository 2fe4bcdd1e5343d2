package dev.granary.master.journal;

import static dev.granary.master.journal.JournalHarness.append;
import static dev.granary.master.journal.JournalHarness.awaitCheckpointAfter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.granary.master.liveness.Decommissions;
import dev.granary.master.namespace.MetadataImage;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decommission intent survives the operation log, checkpoints and an undo, by node id. */
class DecommissionJournalTest {
  private final ObjectMapper mapper = new ObjectMapper();
  private final OpCodec codec = new OpCodec(mapper);
  @TempDir
  Path tmp;

  @Test
  void recordsAreReadableJson() {
    Op d = new Op.Decommission(5, "cs-1");
    String line = new String(codec.encode(9, d), StandardCharsets.UTF_8);
    assertEquals("{\"seq\":9,\"type\":\"decommission\",\"time\":5,\"node\":\"cs-1\"}\n", line);
    assertEquals(d, decode(line).op());
    Op r = new Op.Recommission(6, "cs-1");
    line = new String(codec.encode(10, r), StandardCharsets.UTF_8);
    assertEquals("{\"seq\":10,\"type\":\"recommission\",\"time\":6,\"node\":\"cs-1\"}\n", line);
    assertEquals(r, decode(line).op());
  }

  private OpCodec.Record decode(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return codec.decode(b, 0, b.length - 1);
  }

  @Test
  void applyingKeepsTheFirstTimeAndIsIdempotent() {
    MetadataImage image = new MetadataImage();
    OpApplier.apply(image, new Op.Decommission(5, "cs-1"));
    OpApplier.apply(image, new Op.Decommission(9, "cs-1"));
    assertEquals(5, image.decommissions().since("cs-1"));
    OpApplier.apply(image, new Op.Recommission(10, "cs-1"));
    OpApplier.apply(image, new Op.Recommission(11, "cs-1"));
    assertFalse(image.decommissions().contains("cs-1"));
    assertEquals(0, image.decommissions().since("cs-1"));
  }

  @Test
  void replayOfTheLogAndOfACheckpointRestoresTheIntents() throws Exception {
    try (MetadataStore store = MetadataStore.open(tmp, 3, "test")) {
      append(store, new Op.Decommission(1, "cs-1"));
      append(store, new Op.Decommission(2, "cs-2"));
      append(store, new Op.Decommission(3, "cs-3"));
      // Three records close a segment: the checkpoint holds these intents.
      awaitCheckpointAfter(store, 0);
      append(store, new Op.Recommission(4, "cs-2"));
      append(store, new Op.Decommission(5, "cs-4"));
      assertIntents(store.image().decommissions());
    }
    assertIntents(new Recovery(codec, mapper.getFactory(), "test").recover(tmp).image()
        .decommissions());
  }

  @Test
  void checkpointRoundTripsIntentsAndOldCheckpointsHaveNone() throws Exception {
    MetadataImage image = new MetadataImage();
    OpApplier.apply(image, new Op.Decommission(1, "cs-1"));
    OpApplier.apply(image, new Op.Decommission(3, "cs-3"));
    OpApplier.apply(image, new Op.Decommission(5, "cs-4"));
    CheckpointFormat format = new CheckpointFormat(mapper.getFactory());
    Path file = JournalFiles.checkpoint(tmp, 0);
    try (OutputStream out = Files.newOutputStream(file)) {
      format.write(image, out);
    }
    assertTrue(Files.readString(file).contains("{\"dn\":\"cs-3\",\"t\":3}"));
    assertIntents(format.read(file).decommissions());

    Path old = tmp.resolve("old");
    try (OutputStream out = Files.newOutputStream(old)) {
      format.write(new MetadataImage(), out);
    }
    assertEquals(0, format.read(old).decommissions().size());
  }

  @Test
  void anUndoneRecordLeavesNoIntent() {
    MetadataImage live = new MetadataImage();
    MetadataImage durable = new MetadataImage();
    OpApplier.apply(live, new Op.Decommission(1, "cs-1"));
    OpApplier.apply(durable, new Op.Decommission(2, "cs-2"));
    ImageRestore.restore(live, durable);
    assertEquals(Map.of("cs-2", 2L), live.decommissions().all());
  }

  private static void assertIntents(Decommissions d) {
    assertEquals(Map.of("cs-1", 1L, "cs-3", 3L, "cs-4", 5L), d.all());
  }
}
