package dev.granary.master.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.master.testing.ImageDump;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crash safety of the operation log: random operation sequences, then the log cut at every byte
 * offset of its last record. Recovery must give exactly the state before that record (torn line
 * dropped and truncated) or, when the whole line survived, the state after it; no earlier
 * acknowledged operation is ever lost.
 */
class JournalCrashPropertyTest {
  @TempDir
  Path tmp;

  /** Runs {@code count} random ops through a real store; returns dumps after each (index = ops). */
  private List<List<String>> run(Path dir, long seed, int count, long checkpointOps)
      throws IOException, InterruptedException {
    JournalHarness h = new JournalHarness(seed);
    List<List<String>> dumps = new ArrayList<>();
    try (MetadataStore store = MetadataStore.open(dir, checkpointOps, "test")) {
      MetadataImage image = store.image();
      Op reserve = new Op.Reserve(1, 1_000_000);
      OpApplier.apply(image, reserve);
      store.journal().append(reserve).join();
      dumps.add(ImageDump.of(image));
      for (int i = 0; i < count; i++) {
        Op logged = JournalHarness.applyLive(image, h.next(1000 + i));
        store.journal().append(logged).join();
        dumps.add(ImageDump.of(image));
      }
      store.checkpointer().awaitIdle(30_000);
    }
    return dumps;
  }

  private static List<String> recover(Path dir) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    return ImageDump.of(new Recovery(new OpCodec(mapper), mapper.getFactory(), "test")
        .recover(dir).image());
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 42, 2024})
  void cutAtEveryByteOfTheLastRecord(long seed) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("live"));
    int ops = 40;
    List<List<String>> dumps = run(dir, seed, ops, 1_000_000);
    TreeMap<Long, Path> segs = JournalFiles.segments(dir);
    assertEquals(1, segs.size());
    byte[] log = Files.readAllBytes(segs.firstEntry().getValue());
    int lastStart = lastLineStart(log);
    // dumps has ops + 1 entries: [0] after the reservation, [ops] after the last op.
    List<String> before = dumps.get(ops - 1);
    List<String> after = dumps.get(ops);
    for (int cut = lastStart; cut <= log.length; cut++) {
      Path d = Files.createDirectories(tmp.resolve("cut-" + cut));
      Files.write(d.resolve(segs.firstEntry().getValue().getFileName()),
          Arrays.copyOf(log, cut));
      List<String> got = recover(d);
      if (cut == log.length) {
        assertEquals(after, got, "full line at cut " + cut);
      } else {
        assertEquals(before, got, "torn line at cut " + cut + " of " + log.length);
        long size = Files.size(d.resolve(segs.firstEntry().getValue().getFileName()));
        assertEquals(lastStart, size, "torn tail truncated");
      }
      assertEquals(got, recover(d), "recovery is idempotent");
      // The same crash in a preallocated segment: zeros follow the cut.
      Path z = Files.createDirectories(tmp.resolve("zeros-" + cut));
      Path zs = z.resolve(segs.firstEntry().getValue().getFileName());
      Files.write(zs, Arrays.copyOf(Arrays.copyOf(log, cut), cut + 3000));
      assertEquals(got, recover(z), "zero-padded cut " + cut);
      assertEquals(cut == log.length ? log.length : lastStart, Files.size(zs));
      if (cut == lastStart + (log.length - lastStart) / 2) {
        // A restarted master appends after the repaired tail; both survive the next restart.
        try (MetadataStore s = MetadataStore.open(d, 1_000_000, "test")) {
          Op op = new Op.Mkdir("z", 1, 5000, "/after-repair", true);
          OpApplier.apply(s.image(), op);
          s.journal().append(op).join();
        }
        List<String> again = recover(d);
        assertTrue(again.stream().anyMatch(l -> l.startsWith("d /after-repair")), again::toString);
        for (String line : before) {
          if (line.startsWith("f ") || line.startsWith("d ") || line.startsWith("rc ")) {
            assertTrue(again.contains(line), "lost after repair: " + line);
          }
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {7, 8, 9})
  void checkpointPlusReplayEqualsFullReplay(long seed) throws Exception {
    Path withCheckpoints = Files.createDirectories(tmp.resolve("cp"));
    Path logOnly = Files.createDirectories(tmp.resolve("log"));
    List<List<String>> a = run(withCheckpoints, seed, 120, 7);
    List<List<String>> b = run(logOnly, seed, 120, 1_000_000);
    assertEquals(a.get(120), b.get(120));
    assertTrue(!JournalFiles.checkpoints(withCheckpoints).isEmpty(), "checkpoints were written");
    assertTrue(JournalFiles.segments(withCheckpoints).size() <= 3,
        "old segments deleted: " + JournalFiles.segments(withCheckpoints).keySet());
    assertEquals(a.get(120), recover(withCheckpoints));
    assertEquals(b.get(120), recover(logOnly));
  }

  @Test
  void corruptLineInTheMiddleStopsRecoveryWithFileAndLine() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("corrupt"));
    run(dir, 5, 10, 1_000_000);
    Path seg = JournalFiles.segments(dir).firstEntry().getValue();
    List<String> lines = new ArrayList<>(Files.readAllLines(seg));
    lines.set(3, lines.get(3).substring(0, 10) + "#garbage");
    Files.write(seg, lines);
    CorruptJournalException e = assertThrows(CorruptJournalException.class, () -> recover(dir));
    assertTrue(e.getMessage().contains(seg.getFileName().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("line 4"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"));
  }

  @Test
  void holeOfUnwrittenBytesInTheLastBatchDropsThatBatch() throws Exception {
    // A power loss can persist later pages of a batch that was never forced while an earlier
    // page stays zero. None of those records was acknowledged (their force never returned), so
    // recovery keeps the records before the hole and drops the rest.
    Path dir = Files.createDirectories(tmp.resolve("hole"));
    List<List<String>> dumps = run(dir, 11, 10, 1_000_000);
    Path seg = JournalFiles.segments(dir).firstEntry().getValue();
    byte[] log = Files.readAllBytes(seg);
    int[] starts = lineStarts(log);
    int holeLine = starts.length - 3;
    int from = starts[holeLine];
    Arrays.fill(log, from + 2, from + 12, (byte) 0);
    Files.write(seg, log);
    // Lines before the hole: the reservation plus ops; dumps.get(k) is the state after k ops.
    assertEquals(dumps.get(holeLine - 1), recover(dir));
    assertEquals(from, Files.size(seg), "truncated at the hole");
  }

  @Test
  void garbageThatIsNotAHoleStillStopsRecovery() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("rot"));
    run(dir, 12, 10, 1_000_000);
    Path seg = JournalFiles.segments(dir).firstEntry().getValue();
    byte[] log = Files.readAllBytes(seg);
    int[] starts = lineStarts(log);
    int from = starts[starts.length - 3];
    Arrays.fill(log, from + 2, from + 12, (byte) '#');
    Files.write(seg, log);
    assertThrows(CorruptJournalException.class, () -> recover(dir));
  }

  private static int[] lineStarts(byte[] log) {
    List<Integer> starts = new ArrayList<>();
    starts.add(0);
    for (int i = 0; i < log.length - 1; i++) {
      if (log[i] == '\n') {
        starts.add(i + 1);
      }
    }
    return starts.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  void gapInSequenceIsCorruption() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("gap"));
    run(dir, 6, 10, 1_000_000);
    Path seg = JournalFiles.segments(dir).firstEntry().getValue();
    List<String> lines = new ArrayList<>(Files.readAllLines(seg));
    lines.remove(4);
    Files.write(seg, lines);
    CorruptJournalException e = assertThrows(CorruptJournalException.class, () -> recover(dir));
    assertTrue(e.getMessage().contains("records are missing"), e.getMessage());
  }

  @Test
  void retryCacheSurvivesRestart() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("retry"));
    List<List<String>> dumps = run(dir, 11, 30, 10);
    List<String> recovered = recover(dir);
    assertEquals(dumps.get(30), recovered);
    // One entry per mutation: chmod and chown (a quarter of the ops) are not kept.
    assertTrue(recovered.stream().filter(l -> l.startsWith("rc ")).count() >= 15);
    assertTrue(recovered.stream().anyMatch(l -> l.startsWith("rc ") && l.contains("ErrorReply")),
        "failures are remembered too");
  }

  private static int lastLineStart(byte[] log) {
    int i = log.length - 2;
    while (i >= 0 && log[i] != '\n') {
      i--;
    }
    return i + 1;
  }
}
