package dev.granary.master.namespace;

import java.util.Arrays;

/** A growable list of primitive longs. */
final class LongList {
  private long[] a = new long[8];
  private int n;

  void add(long v) {
    if (n == a.length) {
      a = Arrays.copyOf(a, n * 2);
    }
    a[n++] = v;
  }

  long[] toArray() {
    return n == 0 ? FileNode.NO_CHUNKS : Arrays.copyOf(a, n);
  }
}
