package dev.granary.chunkserver.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The committed replicas, in memory: each one's summary, and for a journaled replica whose meta
 * file the checkpoint has not written yet its block CRC32Cs (until then the journal is its durable
 * meta, and this index serves them to readers). Lookups take no lock; every change takes this
 * index's monitor, which no one else takes.
 *
 * <p>A replica is added only once both its files are in replicas/ (a journaled one's meta file
 * comes later), and taken out before anything touches its files; so a replica in the index whose
 * files disagree with it is a loss, not a write or a removal in progress.
 */
final class ReplicaIndex {
  private final ConcurrentHashMap<Long, ReplicaMeta> replicas = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, int[]> unwrittenMeta = new ConcurrentHashMap<>();

  /** The committed replica of {@code handle}, or null. */
  ReplicaMeta get(long handle) {
    return replicas.get(handle);
  }

  boolean contains(long handle) {
    return replicas.containsKey(handle);
  }

  /** A snapshot of every committed replica. */
  List<ReplicaMeta> all() {
    return new ArrayList<>(replicas.values());
  }

  int size() {
    return replicas.size();
  }

  /** The block CRC32Cs of a journaled replica whose meta file is not written yet, or null. */
  int[] unwrittenCrcs(long handle) {
    return unwrittenMeta.get(handle);
  }

  /** Adds a replica whose meta file is in replicas/. */
  synchronized void add(ReplicaMeta meta) {
    replicas.put(meta.handle(), meta);
  }

  /** Adds a journaled replica; its meta file comes with the checkpoint ({@link #metaWritten}). */
  synchronized void addJournaled(ReplicaMeta meta, int[] blockCrcs) {
    unwrittenMeta.put(meta.handle(), blockCrcs);
    replicas.put(meta.handle(), meta);
  }

  /**
   * The checkpoint's half of a journaled commit: renames the meta file written at {@code tmp} into
   * place at {@code target} if {@code meta} is still stored, under the monitor, so a removal (which
   * takes the replica out under the same monitor, and its files after) never sees it reappear.
   *
   * @return whether it was renamed; if not, {@code tmp} is the caller's to delete
   */
  synchronized boolean metaWritten(ReplicaMeta meta, Path tmp, Path target) throws IOException {
    if (!meta.equals(replicas.get(meta.handle()))) {
      return false;
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    unwrittenMeta.remove(meta.handle());
    return true;
  }

  /**
   * Takes {@code meta} out if it is still the replica stored for its handle.
   *
   * @return whether it was taken out (false: removed or replaced meanwhile)
   */
  boolean remove(ReplicaMeta meta) {
    return removeIf(meta, m -> m) != null;
  }

  /**
   * Takes {@code meta} out if it is still the replica stored for its handle and {@code why} gives
   * a reason, asked under the monitor (so a concurrent {@link #metaWritten} is either before or
   * after it).
   *
   * @return the reason, or null if nothing was taken out
   */
  synchronized <T> T removeIf(ReplicaMeta meta, Function<ReplicaMeta, T> why) {
    if (replicas.get(meta.handle()) != meta) {
      return null;
    }
    T reason = why.apply(meta);
    if (reason != null) {
      replicas.remove(meta.handle());
      unwrittenMeta.remove(meta.handle());
    }
    return reason;
  }
}
