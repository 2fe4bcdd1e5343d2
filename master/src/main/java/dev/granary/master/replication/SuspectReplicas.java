package dev.granary.master.replication;

import dev.granary.master.voting.MajorityVote;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Replicas of the current version whose reported length or digest differs from the one recorded for
 * the chunk: held aside (not given to readers) until a majority vote decides. Guarded by the
 * master's metadata lock.
 */
final class SuspectReplicas {
  /** handle -> (node ordinal -> reported content). */
  private final Map<Long, Map<Integer, MajorityVote.Content>> suspects = new HashMap<>();
  private final Set<Long> needVote = new LinkedHashSet<>();

  void add(long handle, int ordinal, MajorityVote.Content content) {
    suspects.computeIfAbsent(handle, k -> new HashMap<>(2)).put(ordinal, content);
    needVote.add(handle);
  }

  void remove(long handle, int ordinal) {
    Map<Integer, MajorityVote.Content> m = suspects.get(handle);
    if (m != null && m.remove(ordinal) != null && m.isEmpty()) {
      suspects.remove(handle);
    }
  }

  void forget(long handle) {
    suspects.remove(handle);
    needVote.remove(handle);
  }

  Map<Integer, MajorityVote.Content> of(long handle) {
    return suspects.getOrDefault(handle, Map.of());
  }

  boolean has(long handle) {
    return suspects.containsKey(handle);
  }

  /** Handles waiting for a vote; the caller clears what it decided. */
  Set<Long> needingVote() {
    return needVote;
  }
}
