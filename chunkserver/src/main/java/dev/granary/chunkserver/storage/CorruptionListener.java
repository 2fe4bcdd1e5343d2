package dev.granary.chunkserver.storage;

/**
 * Told about a replica that failed its checksums and has been quarantined, so the master can be
 * informed and re-replicate it from a good copy.
 */
@FunctionalInterface
public interface CorruptionListener {
  void quarantined(ReplicaMeta replica, String reason);
}
