package dev.granary.master.namespace;

import java.util.Arrays;

/**
 * Which file (and which chunk index of it) references each chunk handle. An open-addressing table
 * (linear probing, backward-shift deletion) over parallel arrays: about 16 bytes per slot and no
 * boxed {@code Long} or entry object per chunk, which a {@code HashMap} would cost (~60 bytes).
 * Handle 0 is never allocated, so it marks a free slot. Not thread-safe.
 */
final class ChunkTable {
  private long[] keys;
  private FileNode[] files;
  private int[] indexes;
  private int size;
  private int mask;

  ChunkTable() {
    allocate(1024);
  }

  private void allocate(int capacity) {
    keys = new long[capacity];
    files = new FileNode[capacity];
    indexes = new int[capacity];
    mask = capacity - 1;
  }

  int size() {
    return size;
  }

  private static int hash(long h) {
    long x = h * 0x9E3779B97F4A7C15L;
    return (int) (x ^ (x >>> 32));
  }

  private int slot(long handle) {
    int i = hash(handle) & mask;
    while (true) {
      long k = keys[i];
      if (k == handle || k == 0) {
        return i;
      }
      i = (i + 1) & mask;
    }
  }

  FileNode file(long handle) {
    int i = slot(handle);
    return keys[i] == 0 ? null : files[i];
  }

  /** The chunk index within {@link #file}, or -1. */
  int index(long handle) {
    int i = slot(handle);
    return keys[i] == 0 ? -1 : indexes[i];
  }

  void put(long handle, FileNode file, int index) {
    if (handle == 0) {
      throw new IllegalArgumentException("chunk handle 0 is reserved");
    }
    if ((size + 1) * 4L > keys.length * 3L) {
      grow();
    }
    int i = slot(handle);
    if (keys[i] == 0) {
      size++;
      keys[i] = handle;
    }
    files[i] = file;
    indexes[i] = index;
  }

  void remove(long handle) {
    int i = slot(handle);
    if (keys[i] == 0) {
      return;
    }
    size--;
    // Backward-shift deletion keeps probe chains intact without tombstones.
    int hole = i;
    int j = i;
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
        files[hole] = files[j];
        indexes[hole] = indexes[j];
        hole = j;
      }
    }
    keys[hole] = 0;
    files[hole] = null;
    indexes[hole] = 0;
  }

  private void grow() {
    long[] oldKeys = keys;
    FileNode[] oldFiles = files;
    int[] oldIndexes = indexes;
    allocate(keys.length * 2);
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != 0) {
        put(oldKeys[i], oldFiles[i], oldIndexes[i]);
      }
    }
  }

  void clear() {
    Arrays.fill(keys, 0);
    Arrays.fill(files, null);
    size = 0;
  }

  /** Calls {@code visitor} for every handle. */
  void forEach(java.util.function.LongConsumer visitor) {
    for (long k : keys) {
      if (k != 0) {
        visitor.accept(k);
      }
    }
  }
}
