package dev.granary.master.replication;

import dev.granary.master.namespace.HandleProbing;
import java.util.Arrays;

/**
 * Where each chunk's replicas are (GFS §2.6.2: not persisted, rebuilt from chunkserver reports):
 * handle to the ordinals of the nodes holding the current version with the agreed content. An
 * open-addressing table over parallel arrays with small {@code int[]} values, so a location costs a
 * few bytes rather than boxed objects. Guarded by the master's metadata lock.
 */
public final class ReplicaMap {
  private static final int[] NONE = new int[0];
  private long[] keys = new long[1024];
  private int[][] values = new int[1024][];
  private int size;

  private int slot(long handle) {
    return HandleProbing.slot(keys, handle);
  }

  /** Ordinals of the nodes holding {@code handle}; empty if none. Do not modify. */
  public int[] holders(long handle) {
    int i = slot(handle);
    return keys[i] == 0 ? NONE : values[i];
  }

  public boolean contains(long handle, int ordinal) {
    for (int o : holders(handle)) {
      if (o == ordinal) {
        return true;
      }
    }
    return false;
  }

  /** Adds a location; false if it was already there. */
  public boolean add(long handle, int ordinal) {
    if (contains(handle, ordinal)) {
      return false;
    }
    if ((size + 1) * 4L > keys.length * 3L) {
      grow();
    }
    int i = slot(handle);
    if (keys[i] == 0) {
      keys[i] = handle;
      values[i] = new int[] {ordinal};
      size++;
    } else {
      int[] old = values[i];
      int[] n = Arrays.copyOf(old, old.length + 1);
      n[old.length] = ordinal;
      values[i] = n;
    }
    return true;
  }

  /** Removes a location; false if it was not there. */
  public boolean remove(long handle, int ordinal) {
    int i = slot(handle);
    if (keys[i] == 0) {
      return false;
    }
    int[] old = values[i];
    int at = -1;
    for (int k = 0; k < old.length; k++) {
      if (old[k] == ordinal) {
        at = k;
      }
    }
    if (at < 0) {
      return false;
    }
    if (old.length == 1) {
      removeSlot(i);
    } else {
      int[] n = new int[old.length - 1];
      System.arraycopy(old, 0, n, 0, at);
      System.arraycopy(old, at + 1, n, at, old.length - at - 1);
      values[i] = n;
    }
    return true;
  }

  /** Removes and returns every location of {@code handle}. */
  public int[] removeAll(long handle) {
    int i = slot(handle);
    if (keys[i] == 0) {
      return NONE;
    }
    int[] old = values[i];
    removeSlot(i);
    return old;
  }

  public int size() {
    return size;
  }

  /** Handles with at least one location held by {@code ordinal}. */
  public long[] handlesOf(int ordinal) {
    long[] out = new long[16];
    int n = 0;
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != 0) {
        for (int o : values[i]) {
          if (o == ordinal) {
            if (n == out.length) {
              out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = keys[i];
            break;
          }
        }
      }
    }
    return Arrays.copyOf(out, n);
  }

  private void removeSlot(int i) {
    size--;
    HandleProbing.delete(keys, i, new HandleProbing.SlotMover() {
      @Override
      public void move(int from, int to) {
        values[to] = values[from];
      }

      @Override
      public void clear(int slot) {
        values[slot] = null;
      }
    });
  }

  private void grow() {
    long[] ok = keys;
    int[][] ov = values;
    keys = new long[ok.length * 2];
    values = new int[ok.length * 2][];
    size = 0;
    for (int i = 0; i < ok.length; i++) {
      if (ok[i] != 0) {
        int s = slot(ok[i]);
        keys[s] = ok[i];
        values[s] = ov[i];
        size++;
      }
    }
  }
}
