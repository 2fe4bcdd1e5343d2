package dev.granary.chunkserver.net;

import dev.granary.chunkserver.storage.CorruptionListener;
import dev.granary.chunkserver.storage.ReplicaMeta;

/**
 * Tells the master about replica changes: new replicas and removed ones go into the next
 * incremental replica report; a quarantined replica is also reported as bad. Never blocks.
 */
public interface ReplicaReporter extends CorruptionListener {
  void added(ReplicaMeta replica);

  void removed(long handle);
}
