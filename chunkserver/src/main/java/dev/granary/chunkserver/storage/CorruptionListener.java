package dev.granary.chunkserver.storage;

/**
 * Told about a replica the store has dropped because it can no longer be trusted, so the master
 * can be informed and re-replicate it from a good copy.
 */
public interface CorruptionListener {
  /** The replica failed its checksums or its data file is damaged; its files are quarantined. */
  void quarantined(ReplicaMeta replica, String reason);

  /** A file of the replica vanished from disk; whatever was left of it is quarantined. */
  void vanished(ReplicaMeta replica, String reason);
}
