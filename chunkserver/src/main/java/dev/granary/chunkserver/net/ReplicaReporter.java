package dev.granary.chunkserver.net;

import dev.granary.chunkserver.storage.CorruptionListener;
import dev.granary.chunkserver.storage.ReplicaMeta;

/**
 * Tells the master about replica changes: new replicas and removed ones go into the next
 * incremental replica report; a quarantined replica is also reported as bad, a vanished one is
 * reported removed. Never blocks.
 */
public interface ReplicaReporter extends CorruptionListener {
  void added(ReplicaMeta replica);

  void removed(long handle);

  /** A vanished replica is simply no longer here: the master drops the location and re-copies. */
  @Override
  default void vanished(ReplicaMeta replica, String reason) {
    removed(replica.handle());
  }
}
