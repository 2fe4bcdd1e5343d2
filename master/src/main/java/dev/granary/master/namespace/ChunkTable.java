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

  ChunkTable() {
    allocate(1024);
  }

  private void allocate(int capacity) {
    keys = new long[capacity];
    files = new FileNode[capacity];
    indexes = new int[capacity];
  }

  int size() {
    return size;
  }

  private int slot(long handle) {
    return HandleProbing.slot(keys, handle);
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
    HandleProbing.delete(keys, i, new HandleProbing.SlotMover() {
      @Override
      public void move(int from, int to) {
        files[to] = files[from];
        indexes[to] = indexes[from];
      }

      @Override
      public void clear(int slot) {
        files[slot] = null;
        indexes[slot] = 0;
      }
    });
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
