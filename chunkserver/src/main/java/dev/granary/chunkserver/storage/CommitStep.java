package dev.granary.chunkserver.storage;

import java.io.IOException;

/**
 * The steps of a replica commit, in order; tests crash the store after each one. See
 * {@link DiskReplicaWriter} for why this order is whole-or-nothing. A replica small enough for the
 * journal ({@link ReplicaJournal#DEFERRED_MAX}) goes JOURNAL_FORCED, DATA_RENAMED (its meta file
 * comes later, with the store's checkpoint); any other DATA_FORCED, META_WRITTEN, META_RENAMED,
 * DATA_RENAMED, DIR_FORCED.
 */
public enum CommitStep {
  /** A small replica's record is forced in the journal (its data file written, unforced, in tmp/). */
  JOURNAL_FORCED,
  /** The data file is written and forced in tmp/. */
  DATA_FORCED,
  /** The meta file is written and forced in tmp/. */
  META_WRITTEN,
  /** The meta file is renamed into replicas/ (its data file still in tmp/). */
  META_RENAMED,
  /** The data file is renamed into replicas/ (both renames not yet forced). */
  DATA_RENAMED,
  /** The replicas/ directory is forced: the replica survives a power loss. */
  DIR_FORCED;

  /** Called after each step; the production hook does nothing. */
  @FunctionalInterface
  public interface Hook {
    Hook NONE = step -> {};

    void after(CommitStep step) throws IOException;
  }
}
