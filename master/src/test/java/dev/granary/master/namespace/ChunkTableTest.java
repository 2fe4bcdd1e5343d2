package dev.granary.master.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.granary.wire.Sha256;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The chunk table against a plain map, through many pages of positions: holders added and dropped
 * in random order, chunks freed from the middle (their position refilled by the last one), the
 * index grown, facts and goals kept per handle.
 */
class ChunkTableTest {
  private static ChunkRecord chunk(long h) {
    return new ChunkRecord(h, h % 7 + 1, h * 3, ~h, new Sha256(h, h + 1, h + 2, h + 3));
  }

  @Test
  void agreesWithAMapThroughRandomAddsAndDrops() {
    ChunkTable t = new ChunkTable();
    Map<Long, Integer> holders = new HashMap<>();
    Map<Long, Integer> goals = new HashMap<>();
    Random r = new Random(19);
    Set<Long> freed = new HashSet<>();
    long next = 1;
    for (int step = 0; step < 200_000; step++) {
      int op = r.nextInt(10);
      if (op < 5 || holders.isEmpty()) {
        long h = next++;
        int goal = 1 + r.nextInt(5);
        t.addHolder(chunk(h), goal);
        holders.put(h, 1);
        goals.put(h, goal);
      } else {
        long h = 1 + (long) r.nextInt((int) next - 1);
        if (!holders.containsKey(h)) {
          continue;
        }
        if (op < 7) {
          int goal = 1 + r.nextInt(5);
          t.addHolder(h, goal);
          holders.merge(h, 1, Integer::sum);
          goals.merge(h, goal, Math::max);
        } else {
          long version = t.dropHolder(h);
          int left = holders.merge(h, -1, Integer::sum);
          if (left == 0) {
            holders.remove(h);
            goals.remove(h);
            freed.add(h);
            assertEquals(h % 7 + 1, version, "the freed chunk's version");
          } else {
            assertEquals(-1, version);
          }
        }
      }
    }
    assertEquals(holders.size(), t.size());
    for (Map.Entry<Long, Integer> e : holders.entrySet()) {
      int p = t.find(e.getKey());
      assertEquals(chunk(e.getKey()), t.record(p));
      assertEquals(e.getValue(), t.holders(p));
      assertEquals(goals.get(e.getKey()), t.goal(p));
    }
    for (long h : freed) {
      assertEquals(-1, t.find(h));
    }
    Set<Long> visited = new HashSet<>();
    t.forEach(visited::add);
    assertEquals(holders.keySet(), visited);
    long unknown = next + 1;
    assertThrows(IllegalStateException.class, () -> t.dropHolder(unknown));
  }

  @Test
  void aVoteChangesTheFactsOnce() {
    ChunkTable t = new ChunkTable();
    t.addHolder(chunk(5), 3);
    t.addHolder(5, 2);
    assertEquals(true, t.setContent(5, 99, 1234));
    int p = t.find(5);
    assertEquals(99, t.length(p));
    assertEquals(1234, t.digest(p));
    assertEquals(3, t.goal(p), "the highest goal of any holder");
    assertEquals(false, t.setContent(6, 1, 1));
  }
}
