package dev.granary.master.namespace;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A directory. Children sit in one array sorted by the unsigned bytes of their UTF-8 names (which is
 * code point order), found by binary search, as HDFS's INodeDirectory does: about 4 bytes per child
 * instead of a ~40-byte tree-map entry. Appends in name order (checkpoint loading, numbered files)
 * are amortized O(1); an insert in the middle moves the references after it. The array is created on
 * first insert, so an empty directory costs nothing extra.
 */
final class DirNode extends Inode {
  private static final Inode[] EMPTY = new Inode[0];
  private Inode[] children = EMPTY;
  private int count;
  /** This directory's own policy, or null (nearly always: inherited by walking down). */
  Policy policy;
  /** This directory's snapshots, oldest first, or null. */
  Snapshot[] snapshots;

  DirNode(byte[] name, long modified, String owner, String group, int permission) {
    super(name, modified, owner, group, permission);
  }

  @Override
  boolean isDirectory() {
    return true;
  }

  /** Index of {@code name}, or {@code -(insertion point) - 1}. */
  private int search(byte[] name) {
    int lo = 0;
    int hi = count - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = Arrays.compareUnsigned(children[mid].name, name);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }

  Inode get(byte[] name) {
    int i = search(name);
    return i >= 0 ? children[i] : null;
  }

  /** Adds or replaces the child with {@code child}'s name. */
  void put(Inode child) {
    int i = search(child.name);
    if (i >= 0) {
      children[i] = child;
      return;
    }
    int at = -i - 1;
    if (count == children.length) {
      children = Arrays.copyOf(children, Math.max(4, count + (count >> 1)));
    }
    System.arraycopy(children, at, children, at + 1, count - at);
    children[at] = child;
    count++;
  }

  Inode remove(byte[] name) {
    int i = search(name);
    if (i < 0) {
      return null;
    }
    Inode removed = children[i];
    System.arraycopy(children, i + 1, children, i, count - i - 1);
    children[--count] = null;
    if (count == 0) {
      children = EMPTY;
    } else if (count < children.length / 4 && children.length > 16) {
      children = Arrays.copyOf(children, count * 2);
    }
    return removed;
  }

  /** A copy without children, policy or snapshots (the start of a snapshot's copy). */
  DirNode copyEmpty(byte[] name) {
    DirNode d = new DirNode(name, modified, owner, group, permission);
    d.policy = policy;
    d.children = count == 0 ? EMPTY : new Inode[count];
    return d;
  }

  /** Appends {@code child}, which sorts after every child so far (copying a directory in order). */
  void append(Inode child) {
    if (count == children.length) {
      children = Arrays.copyOf(children, Math.max(4, count + (count >> 1)));
    }
    children[count++] = child;
  }

  boolean isEmpty() {
    return count == 0;
  }

  int size() {
    return count;
  }

  /** Children after {@code startAfter} (exclusive; null for all), in name order. */
  Iterable<Inode> childrenAfter(byte[] startAfter) {
    int from;
    if (startAfter == null) {
      from = 0;
    } else {
      int i = search(startAfter);
      from = i >= 0 ? i + 1 : -i - 1;
    }
    Inode[] snapshot = children;
    int end = count;
    return () -> new Iterator<>() {
      private int next = from;

      @Override
      public boolean hasNext() {
        return next < end;
      }

      @Override
      public Inode next() {
        if (next >= end) {
          throw new NoSuchElementException();
        }
        return snapshot[next++];
      }
    };
  }
}
