package dev.granary.master.namespace;

/**
 * Linear probing over a power-of-two {@code long[]} of chunk handles, shared by the master's
 * primitive handle tables (which file references a chunk; where its replicas are). Handle 0 is
 * never allocated, so it marks a free slot. The tables keep their values in parallel arrays; this
 * class only finds slots and, on deletion, tells the table which value to move where
 * (backward-shift deletion keeps probe chains intact without tombstones).
 */
public final class HandleProbing {
  /** Moves a table's values between slots while a hole is closed. */
  public interface SlotMover {
    /** The entry at {@code from} moves to {@code to}. */
    void move(int from, int to);

    /** {@code slot} is free now: drop its value references. */
    void clear(int slot);
  }

  private HandleProbing() {}

  public static int hash(long handle) {
    long x = handle * 0x9E3779B97F4A7C15L;
    return (int) (x ^ (x >>> 32));
  }

  /** The slot holding {@code handle}, or the free slot where it would go. */
  public static int slot(long[] keys, long handle) {
    int mask = keys.length - 1;
    int i = hash(handle) & mask;
    while (keys[i] != handle && keys[i] != 0) {
      i = (i + 1) & mask;
    }
    return i;
  }

  /** Frees the occupied {@code slot}, shifting later entries of its probe chain back. */
  public static void delete(long[] keys, int slot, SlotMover mover) {
    int mask = keys.length - 1;
    int hole = slot;
    int j = slot;
    while (true) {
      j = (j + 1) & mask;
      long k = keys[j];
      if (k == 0) {
        break;
      }
      int home = hash(k) & mask;
      boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        keys[hole] = k;
        mover.move(j, hole);
        hole = j;
      }
    }
    keys[hole] = 0;
    mover.clear(hole);
  }
}
