package dev.granary.chunkserver.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.List;

/**
 * The replicas this chunkserver holds, and the space they use. Implementations are thread-safe.
 * The network handlers, the scrubber and the master session depend only on this interface, so they
 * can be tested against a fake.
 */
public interface ReplicaStore {

  /** A committed replica opened for reading: its summary, block CRC32Cs and data file channel. */
  record OpenReplica(ReplicaMeta meta, int[] blockCrcs, FileChannel data) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      data.close();
    }
  }

  /** Space as reported to the master and checked before a write is accepted. */
  record Space(long capacityBytes, long usedBytes, long freeBytes) {}

  /**
   * The longest replica a store accepts, and so the most one write can reserve: the largest chunk
   * size a master can be configured with ({@code master.chunkSize}, at most 1 GiB).
   */
  long MAX_REPLICA_LENGTH = 1L << 30;

  /**
   * A replica {@link #reconcile} dropped because its files on disk no longer match it: its data
   * or meta file is missing ({@code vanished}), or its data file is not the recorded length
   * (damaged). What was left of its files is in the quarantine folder.
   */
  record Dropped(ReplicaMeta meta, boolean vanished, String reason) {}

  /** The committed replica of {@code handle}, or null if there is none. */
  ReplicaMeta get(long handle);

  /** A snapshot of every committed replica. */
  List<ReplicaMeta> replicas();

  /** How many committed replicas there are, without copying them (metrics). */
  default int replicaCount() {
    return replicas().size();
  }

  /**
   * Starts writing a new replica, reserving {@code maxLength} bytes. Only bookkeeping, no file
   * I/O, so it is safe on an event loop: the writer creates its temporary files on first use.
   * {@code keepCached} false asks for the replica's bytes to bypass the page cache (a downstream
   * replica or a re-replication copy, which readers are not sent to first); a store may ignore it.
   *
   * @throws StoreException ALREADY_EXISTS if the handle is stored or being written; TOO_LARGE if
   *     {@code maxLength} exceeds {@link #MAX_REPLICA_LENGTH}; NO_SPACE if it exceeds the free
   *     space
   */
  ReplicaWriter create(long handle, long version, long maxLength, boolean keepCached)
      throws StoreException;

  /** {@link #create(long, long, long, boolean)} of a replica kept in the page cache. */
  default ReplicaWriter create(long handle, long version, long maxLength) throws StoreException {
    return create(handle, version, maxLength, true);
  }

  /**
   * Opens a committed replica for reading, loading and checking its block CRC32Cs.
   *
   * @throws StoreException NO_SUCH_REPLICA if there is none
   * @throws CorruptReplicaException if its meta file fails its checks
   */
  OpenReplica open(long handle) throws StoreException, CorruptReplicaException;

  /**
   * The committed replica of {@code handle} opened without reading its meta file, if its block
   * CRC32Cs are known from memory (kept there, or for a replica of one block implied by its
   * digest); null if they are not, or on any failure ({@link #open} then tells). Costs one
   * {@code open(2)} and at most one block's read, so it may run on an event loop.
   */
  default OpenReplica openFromMemory(long handle) {
    return null;
  }

  /**
   * Reads every block of a committed replica and checks it against its CRC32C, paced by
   * {@code throttle}.
   *
   * @return the verified replica
   * @throws StoreException NO_SUCH_REPLICA if there is none, INTERNAL on an I/O error
   * @throws CorruptReplicaException if a block, the length or the meta file is wrong
   */
  ReplicaMeta verify(long handle, Throttle throttle)
      throws StoreException, CorruptReplicaException, InterruptedException;

  /**
   * Deletes the replica of {@code handle} if its version is at most {@code maxVersion}.
   *
   * @return the deleted replica, or null if there was none
   * @throws StoreException STALE_VERSION if the stored version is newer; INTERNAL on an I/O error
   */
  ReplicaMeta delete(long handle, long maxVersion) throws StoreException;

  /**
   * Moves a corrupt replica's files to the quarantine folder: it is never served again.
   *
   * @return the quarantined replica, or null if it was already gone
   */
  ReplicaMeta quarantine(long handle, String reason);

  /**
   * Makes memory agree with the disk: checks every committed replica against its files with a
   * {@code stat} each (no data is read) and drops those whose data file or meta file is missing or
   * whose data file is not the recorded length (a faulty disk, a mistaken cleanup, a restored
   * backup). A dropped replica is never served again; what is left of its files is moved to the
   * quarantine folder. Replicas being written or committed meanwhile are never dropped.
   *
   * @return the dropped replicas, for the master to be told
   */
  List<Dropped> reconcile();

  /** {@link #reconcile()} of one replica: the dropped replica, or null if it is fine or gone. */
  Dropped reconcile(long handle);

  Space space();
}
