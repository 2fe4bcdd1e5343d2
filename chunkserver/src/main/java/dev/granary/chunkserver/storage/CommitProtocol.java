package dev.granary.chunkserver.storage;

import java.io.IOException;

/**
 * One of the two ways a {@link DiskReplicaWriter} makes a replica durable and visible (the
 * writer's Javadoc gives both in full): its own two files forced before they are renamed
 * ({@link FileCommit}), or, for a small replica, one record in the replica journal
 * ({@link JournalCommit}). A writer uses one, chosen by the replica's length at prepare.
 */
interface CommitProtocol {
  /**
   * Makes the replica whose bytes are in the temporary data file durable, before anything is
   * renamed into replicas/.
   *
   * @throws StoreException INTERNAL if the disk fails
   */
  void prepare(ReplicaMeta meta, int[] blockCrcs) throws StoreException;

  /** Renames the prepared replica into replicas/; if it fails the writer removes what was. */
  void rename() throws IOException;

  /** Adds the renamed replica to the store's memory and turns its reservation into used space. */
  void publish(ReplicaMeta meta, long reservation);

  /** Undoes what {@link #prepare} made outside the data file, if anything; idempotent. */
  void abandon();
}
