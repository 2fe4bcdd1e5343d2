package dev.granary.master.liveness;

import java.util.Map;
import java.util.TreeMap;

/**
 * The chunkservers an operator is taking out of service, by node id, with when each was asked
 * (epoch milliseconds). Part of the persisted metadata image: changed only by applying the
 * {@code decommission} and {@code recommission} records (for a request or a replay), kept in
 * checkpoints, so the intent survives a master restart and holds for a node that registers again.
 * The progress of each (what is left to copy) is soft state, kept by the chunk side. Guarded by
 * the master's metadata lock.
 */
public final class Decommissions {
  private final Map<String, Long> since = new TreeMap<>();

  /** Records the intent for {@code nodeId}; the first time it was asked stays. */
  public void add(String nodeId, long sinceMillis) {
    since.putIfAbsent(nodeId, sinceMillis);
  }

  /** Drops the intent for {@code nodeId}, if any. */
  public void remove(String nodeId) {
    since.remove(nodeId);
  }

  public boolean contains(String nodeId) {
    return since.containsKey(nodeId);
  }

  /** When {@code nodeId} was asked to be decommissioned (epoch ms), or 0 if it was not. */
  public long since(String nodeId) {
    return since.getOrDefault(nodeId, 0L);
  }

  /** Every intent, by node id (sorted, so checkpoints are stable). Do not modify. */
  public Map<String, Long> all() {
    return java.util.Collections.unmodifiableMap(since);
  }

  public int size() {
    return since.size();
  }

  /** Makes this hold exactly what {@code durable} holds (undoing records never logged). */
  public void restore(Decommissions durable) {
    since.clear();
    since.putAll(durable.since);
  }
}
