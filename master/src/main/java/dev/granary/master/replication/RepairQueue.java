package dev.granary.master.replication;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The chunks waiting for re-replication, kept in buckets by how many live replicas each had when
 * it was last checked, so that the most endangered come first without sorting the whole queue on
 * every scheduling pass (a node holding a million replicas queues a million chunks, and a pass runs
 * after every finished copy). Within a bucket, queue order. A chunk checked again with another
 * count moves to that bucket. Not thread-safe: guarded by the master's metadata lock.
 */
final class RepairQueue implements Iterable<Long> {
  private final List<LinkedHashSet<Long>> buckets = new ArrayList<>();
  private final Map<Long, Integer> bucketOf = new HashMap<>();

  /** Queues {@code handle} with {@code live} live replicas, or moves it if its count changed. */
  void add(long handle, int live) {
    Integer old = bucketOf.put(handle, live);
    if (old != null) {
      if (old == live) {
        return;
      }
      buckets.get(old).remove(handle);
    }
    while (buckets.size() <= live) {
      buckets.add(new LinkedHashSet<>());
    }
    buckets.get(live).add(handle);
  }

  void remove(long handle) {
    Integer old = bucketOf.remove(handle);
    if (old != null) {
      buckets.get(old).remove(handle);
    }
  }

  boolean contains(long handle) {
    return bucketOf.containsKey(handle);
  }

  int size() {
    return bucketOf.size();
  }

  boolean isEmpty() {
    return bucketOf.isEmpty();
  }

  /** A copy of the queue in scheduling order. */
  List<Long> inPriorityOrder() {
    List<Long> out = new ArrayList<>(size());
    buckets.forEach(out::addAll);
    return out;
  }

  /**
   * Walks the queue in scheduling order; the iterator's {@code remove} takes the current chunk
   * out. No other change may be made during the walk.
   */
  @Override
  public Iterator<Long> iterator() {
    return new Iterator<>() {
      private int bucket;
      private Iterator<Long> inBucket = buckets.isEmpty() ? null : buckets.get(0).iterator();
      private Long current;

      @Override
      public boolean hasNext() {
        while (inBucket != null && !inBucket.hasNext()) {
          bucket++;
          inBucket = bucket < buckets.size() ? buckets.get(bucket).iterator() : null;
        }
        return inBucket != null;
      }

      @Override
      public Long next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        current = inBucket.next();
        return current;
      }

      @Override
      public void remove() {
        if (current == null) {
          throw new IllegalStateException();
        }
        inBucket.remove();
        bucketOf.remove(current);
        current = null;
      }
    };
  }
}
