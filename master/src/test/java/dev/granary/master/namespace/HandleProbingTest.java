package dev.granary.master.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Backward-shift deletion against a HashMap model, with keys chosen to collide and wrap. */
class HandleProbingTest {
  private static final int CAPACITY = 64;

  private final long[] keys = new long[CAPACITY];
  private final long[] values = new long[CAPACITY];

  private void put(long k, long v) {
    int i = HandleProbing.slot(keys, k);
    keys[i] = k;
    values[i] = v;
  }

  private Long get(long k) {
    int i = HandleProbing.slot(keys, k);
    return keys[i] == 0 ? null : values[i];
  }

  private void remove(long k) {
    int i = HandleProbing.slot(keys, k);
    if (keys[i] != 0) {
      HandleProbing.delete(keys, i, new HandleProbing.SlotMover() {
        @Override
        public void move(int from, int to) {
          values[to] = values[from];
        }

        @Override
        public void clear(int slot) {
          values[slot] = 0;
        }
      });
    }
  }

  @Test
  void randomInsertsAndDeletesMatchAMap() {
    SplittableRandom r = new SplittableRandom(99);
    Map<Long, Long> model = new HashMap<>();
    for (int step = 0; step < 200_000; step++) {
      // Few distinct keys in a small table: long probe chains that wrap around the end.
      long k = 1 + r.nextInt(90);
      if (r.nextBoolean() && (model.containsKey(k) || model.size() < CAPACITY * 3 / 4)) {
        long v = r.nextLong();
        put(k, v);
        model.put(k, v);
      } else {
        remove(k);
        model.remove(k);
      }
      if (step % 97 == 0) {
        for (long key = 1; key <= 90; key++) {
          assertEquals(model.get(key), get(key), "key " + key + " at step " + step);
        }
      }
    }
  }
}
