package dev.granary.chunkserver.storage;

import dev.granary.chunkserver.storage.ReplicaStore.Dropped;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes replicas out of the store: deleted on the master's order ({@link #delete}), quarantined
 * when found corrupt ({@link #quarantine}), or dropped when their files no longer match them
 * ({@link #reconcile()}). Always in the same order: out of memory (and its bytes out of the space
 * used) first, then a journal removal record (so a replay never brings it back), then its files
 * deleted or moved to quarantine/, meta file first (a lone data file is removed at start-up).
 */
final class ReplicaRemoval {
  private static final Logger log = LoggerFactory.getLogger(ReplicaRemoval.class);

  private final StoreLayout layout;
  private final String nodeId;
  private final ReplicaIndex index;
  private final SpaceReservations space;
  private final ReplicaJournal journal;
  private final Quarantine quarantine;

  ReplicaRemoval(StoreLayout layout, String nodeId, ReplicaIndex index, SpaceReservations space,
      ReplicaJournal journal, Quarantine quarantine) {
    this.layout = layout;
    this.nodeId = nodeId;
    this.index = index;
    this.space = space;
    this.journal = journal;
    this.quarantine = quarantine;
  }

  /** {@link ReplicaStore#delete}. */
  ReplicaMeta delete(long handle, long maxVersion) throws StoreException {
    ReplicaMeta meta = index.get(handle);
    if (meta == null) {
      return null;
    }
    if (meta.version() > maxVersion) {
      throw new StoreException(Status.STALE_VERSION, nodeId + " holds replica "
          + ChunkHandles.format(handle) + " at version " + meta.version()
          + ", newer than version " + maxVersion + " to delete");
    }
    if (!drop(meta)) {
      return delete(handle, maxVersion); // removed meanwhile: look again
    }
    journal.appendRemoved(handle, meta.version());
    try {
      // Meta file first: a data file without one is removed at start-up if we crash here.
      Files.deleteIfExists(layout.metaFile(handle));
      Files.deleteIfExists(layout.chunkFile(handle));
      StoreLayout.forceDirectory(layout.replicas());
    } catch (IOException e) {
      throw new StoreException(Status.INTERNAL, nodeId + ": cannot delete replica "
          + ChunkHandles.format(handle) + ": " + e.getMessage(), e);
    }
    return meta;
  }

  /** {@link ReplicaStore#quarantine}. */
  ReplicaMeta quarantine(long handle, String reason) {
    ReplicaMeta meta;
    do {
      meta = index.get(handle);
      if (meta == null) {
        return null;
      }
    } while (!drop(meta));
    log.warn("{}: replica {} v{} quarantined: {}", nodeId, ChunkHandles.format(handle),
        meta.version(), reason);
    forget(meta);
    return meta;
  }

  /** Takes {@code meta} out of memory if it is still stored; its files are the caller's. */
  private boolean drop(ReplicaMeta meta) {
    if (!index.remove(meta)) {
      return false;
    }
    space.addUsed(-meta.length());
    return true;
  }

  /** After {@link #drop}: a replay must not bring the replica back; its files go aside. */
  private void forget(ReplicaMeta meta) {
    journal.appendRemoved(meta.handle(), meta.version());
    quarantine.move(meta.handle());
  }

  /** {@link ReplicaStore#reconcile()}. */
  List<Dropped> reconcile() {
    List<Dropped> dropped = new ArrayList<>();
    for (ReplicaMeta meta : index.all()) {
      Dropped d = reconcile(meta);
      if (d != null) {
        dropped.add(d);
      }
    }
    return dropped;
  }

  /** {@link ReplicaStore#reconcile(long)}. */
  Dropped reconcile(long handle) {
    ReplicaMeta meta = index.get(handle);
    return meta == null ? null : reconcile(meta);
  }

  /**
   * Drops {@code meta} if its files disagree with it. Asked again under the index's monitor for
   * the very replica still stored, a mismatch is a loss, not a write or delete in progress (see
   * {@link ReplicaIndex}); a journaled replica's meta file the checkpoint wrote meanwhile is no
   * mismatch.
   */
  private Dropped reconcile(ReplicaMeta meta) {
    if (mismatch(meta) == null) {
      return null; // the common case, without the lock
    }
    Dropped d = index.removeIf(meta, this::mismatch);
    if (d == null) {
      return null; // removed, replaced or mended since the snapshot
    }
    space.addUsed(-meta.length());
    log.warn("{}: replica {} v{} no longer matches its files ({}): dropped, what is left of it "
        + "moved to {}", nodeId, ChunkHandles.format(meta.handle()), meta.version(), d.reason(),
        layout.quarantine());
    forget(meta);
    return d;
  }

  /** What is wrong with a stored replica's files, found with a stat of each; null if nothing. */
  private Dropped mismatch(ReplicaMeta meta) {
    long h = meta.handle();
    Path data = layout.chunkFile(h);
    long size;
    try {
      size = Files.size(data);
    } catch (NoSuchFileException e) {
      return new Dropped(meta, true, "data file " + data + " is missing");
    } catch (IOException e) {
      // Unreadable rather than absent: the scrubber's read of it decides.
      return null;
    }
    if (size != meta.length()) {
      return new Dropped(meta, false, "data file " + data + " has " + size + " bytes, expected "
          + meta.length());
    }
    if (index.unwrittenCrcs(h) == null && Files.notExists(layout.metaFile(h))) {
      return new Dropped(meta, true, "meta file " + layout.metaFile(h) + " is missing");
    }
    return null;
  }
}
