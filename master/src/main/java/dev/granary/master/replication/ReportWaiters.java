package dev.granary.master.replication;

import dev.granary.wire.msg.CommitChunk;
import dev.granary.wire.msg.ReplicaInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Commits waiting for chunkserver reports of their chunks. A client's commit can reach the master
 * before the reports of the replicas it wrote (they travel on the chunkservers' own connections);
 * instead of failing, or recording locations nobody has confirmed, the commit waits here, without
 * a thread and without the metadata lock, until reports confirm enough replicas of every chunk or
 * its deadline passes. Either way its future completes normally and the commit checks again.
 *
 * <p>"Enough" is first every replica the commit names (so that in a healthy cluster a file has its
 * full replication when its put returns, as the contract promises), and after a short while the
 * minimum a commit needs (a node that acknowledged its write and died must not stall the writer).
 * The strict phase ends at the waiter's {@code relaxAt}, noticed by {@link #due}.
 *
 * <p>Times are milliseconds on the master's ticker. Guarded by the metadata lock; futures are
 * completed by the caller after it releases the lock.
 */
final class ReportWaiters {
  /** How many live chunkservers confirmed a chunk now (a large number if it can never be). */
  @FunctionalInterface
  interface Confirmations {
    int count(String path, CommitChunk chunk);
  }

  private static final class Waiter {
    final List<CommitChunk> chunks;
    final java.util.function.ToIntFunction<CommitChunk> want;
    final int need;
    final long relaxAt;
    final long deadline;
    boolean relaxed;
    final CompletableFuture<Void> done = new CompletableFuture<>();

    Waiter(List<CommitChunk> chunks, java.util.function.ToIntFunction<CommitChunk> want,
        int need, long relaxAt, long deadline) {
      this.chunks = chunks;
      this.want = want;
      this.need = need;
      this.relaxAt = relaxAt;
      this.deadline = deadline;
    }

    boolean satisfied(String path, Confirmations confirmations) {
      return chunks.stream().allMatch(c -> confirmations.count(path, c)
          >= (relaxed ? need : Math.max(need, want.applyAsInt(c))));
    }
  }

  private final Map<Long, List<Waiter>> byHandle = new HashMap<>();
  private final Map<Waiter, String> paths = new HashMap<>();

  boolean isEmpty() {
    return paths.isEmpty();
  }

  /**
   * Waits for {@code chunks} of the file at {@code path}: each for {@code want} of it replicas
   * until {@code relaxAt}, then for {@code need}, until {@code deadline}.
   */
  CompletableFuture<Void> add(String path, List<CommitChunk> chunks,
      java.util.function.ToIntFunction<CommitChunk> want, int need, long relaxAt,
      long deadline) {
    Waiter w = new Waiter(List.copyOf(chunks), want, need, relaxAt, deadline);
    paths.put(w, path);
    for (CommitChunk c : chunks) {
      byHandle.computeIfAbsent(c.handle(), k -> new ArrayList<>(1)).add(w);
    }
    return w.done;
  }

  /** The waits a report of {@code reported} satisfies, removed; complete them after unlocking. */
  List<CompletableFuture<Void>> ready(List<ReplicaInfo> reported, Confirmations confirmations) {
    Set<Waiter> touched = new LinkedHashSet<>();
    for (ReplicaInfo info : reported) {
      List<Waiter> ws = byHandle.get(info.handle());
      if (ws != null) {
        touched.addAll(ws);
      }
    }
    List<CompletableFuture<Void>> out = new ArrayList<>();
    for (Waiter w : touched) {
      if (w.satisfied(paths.get(w), confirmations)) {
        remove(w);
        out.add(w.done);
      }
    }
    return out;
  }

  /**
   * The waits whose deadline has passed at {@code now}, and those past their strict phase that the
   * minimum satisfies, removed.
   */
  List<CompletableFuture<Void>> due(long now, Confirmations confirmations) {
    List<Waiter> expired = new ArrayList<>();
    for (Map.Entry<Waiter, String> e : paths.entrySet()) {
      Waiter w = e.getKey();
      if (now >= w.relaxAt) {
        w.relaxed = true;
      }
      if (now >= w.deadline || (w.relaxed && w.satisfied(e.getValue(), confirmations))) {
        expired.add(w);
      }
    }
    List<CompletableFuture<Void>> out = new ArrayList<>(expired.size());
    for (Waiter w : expired) {
      remove(w);
      out.add(w.done);
    }
    return out;
  }

  private void remove(Waiter w) {
    paths.remove(w);
    for (CommitChunk c : w.chunks) {
      List<Waiter> ws = byHandle.get(c.handle());
      if (ws != null && ws.remove(w) && ws.isEmpty()) {
        byHandle.remove(c.handle());
      }
    }
  }
}
