package dev.granary.chunkserver.storage;

import dev.granary.wire.Checksums;
import dev.granary.wire.Limits;
import dev.granary.wire.Status;
import java.io.IOException;

/**
 * A small replica's commit through the replica journal ({@link ReplicaJournal#DEFERRED_MAX} bytes
 * at most), with one forced write shared with every other small commit of that moment: (1) data
 * file written in tmp/, unforced; (2) a journal record of the meta and the data forced; (3) data
 * file renamed into replicas/. Nothing is forced after (2): the record is what survives a power
 * loss. The meta file comes later, with the store's checkpoint ({@link JournalCheckpointer}); until
 * then the store serves the block CRCs from memory.
 */
final class JournalCommit implements CommitProtocol {
  private final WriteTarget target;
  private final TmpDataFile data;
  private final long handle;
  private final long version;
  private final String name;
  /** The journal record, from prepare until the replica is published or abandoned. */
  private ReplicaJournal.Ticket journaled;
  private int[] journaledCrcs;

  JournalCommit(WriteTarget target, TmpDataFile data, long handle, long version, String name) {
    this.target = target;
    this.data = data;
    this.handle = handle;
    this.version = version;
    this.name = name;
  }

  /**
   * Journals the replica: its bytes are read back from the data file (the page cache) and checked
   * against the block CRCs, so the record holds exactly what the file holds.
   */
  @Override
  public void prepare(ReplicaMeta meta, int[] blockCrcs) throws StoreException {
    try {
      byte[] bytes = data.readAllAndClose((int) meta.length());
      for (int i = 0; i < blockCrcs.length; i++) {
        int off = i * Limits.BLOCK_SIZE;
        int crc = Checksums.crc32c(bytes, off, Math.min(Limits.BLOCK_SIZE, bytes.length - off));
        if (crc != blockCrcs[i]) {
          throw new StoreException(Status.INTERNAL, name + ": block " + i
              + " reads back with CRC32C " + Integer.toHexString(crc) + ", written with "
              + Integer.toHexString(blockCrcs[i]));
        }
      }
      journaled = target.journal().appendReplica(meta, blockCrcs, bytes);
      journaledCrcs = blockCrcs;
      target.hooks().after(CommitStep.JOURNAL_FORCED);
    } catch (IOException e) {
      throw new StoreException(Status.INTERNAL, name + ": cannot journal the replica: "
          + e.getMessage(), e);
    }
  }

  @Override
  public void rename() throws IOException {
    data.moveTo(target.layout().chunkFile(handle));
    target.hooks().after(CommitStep.DATA_RENAMED);
  }

  @Override
  public void publish(ReplicaMeta meta, long reservation) {
    target.index().addJournaled(meta, journaledCrcs);
    target.space().committed(handle, reservation, meta.length());
    // Only now: the checkpoint forces the files of replicas the store holds, so the record must
    // outlive the replica's arrival in the store.
    target.journal().settled(journaled);
    journaled = null;
  }

  @Override
  public void abandon() {
    if (journaled != null) {
      // Journaled but never committed: a replay must not bring it back.
      target.journal().appendRemoved(handle, version);
      target.journal().settled(journaled);
      journaled = null;
    }
  }
}
