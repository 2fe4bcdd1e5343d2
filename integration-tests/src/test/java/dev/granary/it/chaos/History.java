package dev.granary.it.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every operation of a chaos run with its invocation and completion time, appended as operations
 * complete (thread-safe). Times are relative to the history's creation.
 */
final class History {
  private final long start = System.nanoTime();
  private final AtomicLong ids = new AtomicLong();
  private final List<Op> ops = new ArrayList<>();
  private final Map<Long, List<String>> handles = new HashMap<>();

  /** Nanoseconds since the run began: the time stamp of invocations and completions. */
  long now() {
    return System.nanoTime() - start;
  }

  long nextId() {
    return ids.incrementAndGet();
  }

  synchronized void add(Op op) {
    ops.add(op);
  }

  /** The chunk handles of acknowledged version {@code v}, as a stat right after its put saw them. */
  synchronized void handles(long v, List<String> chunkHandles) {
    handles.put(v, List.copyOf(chunkHandles));
  }

  /** Version to chunk handles, for every acknowledged put whose chunks were looked up. */
  synchronized Map<Long, List<String>> handles() {
    return Map.copyOf(handles);
  }

  /** A snapshot, in completion order. */
  synchronized List<Op> ops() {
    return List.copyOf(ops);
  }

  /** Every operation that touched {@code path} (as source or target), in completion order. */
  synchronized List<Op> of(String path) {
    List<Op> out = new ArrayList<>();
    for (Op op : ops) {
      if (op.touches(path)) {
        out.add(op);
      }
    }
    return out;
  }
}
