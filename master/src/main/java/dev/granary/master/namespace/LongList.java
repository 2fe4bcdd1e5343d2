package dev.granary.master.namespace;

import java.util.Arrays;

/** A growable list of primitive longs. */
final class LongList {
  private static final long[] EMPTY = new long[0];
  private long[] a = new long[8];
  private int n;

  void add(long v) {
    if (n == a.length) {
      a = Arrays.copyOf(a, n * 2);
    }
    a[n++] = v;
  }

  long[] toArray() {
    return n == 0 ? EMPTY : Arrays.copyOf(a, n);
  }
}
