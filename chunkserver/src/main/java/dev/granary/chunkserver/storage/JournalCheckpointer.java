package dev.granary.chunkserver.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica journal's checkpoint, and when it runs: the second half of a journaled commit
 * ({@link DiskReplicaWriter}). It writes the meta file of each journaled replica, forces its data
 * and meta file and replicas/, and only then deletes the journal segments that held it, so a
 * journal record outlives the need for it. One checkpoint at a time (this object's monitor).
 */
final class JournalCheckpointer {
  private static final Logger log = LoggerFactory.getLogger(JournalCheckpointer.class);

  /** A journal segment holding records is sealed after this long (see {@link #run}). */
  static final long ROTATE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(5);
  /**
   * A sealed segment's replicas are forced and the segment deleted this long after sealing: by
   * then the kernel's write-back (dirty pages expire after 30 s by default) has usually written
   * them, so the forces find little left to write.
   */
  static final long DISCARD_AFTER_NANOS = TimeUnit.SECONDS.toNanos(35);
  /** Beyond this many live journal bytes, sealed segments are discarded whatever their age. */
  static final long JOURNAL_LIMIT = 256L << 20;

  private final StoreLayout layout;
  private final String nodeId;
  private final TmpFiles tmp;
  private final ReplicaIndex index;
  private final ReplicaJournal journal;

  JournalCheckpointer(StoreLayout layout, String nodeId, TmpFiles tmp, ReplicaIndex index,
      ReplicaJournal journal) {
    this.layout = layout;
    this.nodeId = nodeId;
    this.tmp = tmp;
    this.index = index;
    this.journal = journal;
  }

  /**
   * Makes the journal's replicas durable in their own files and deletes the journal segments that
   * are then no longer needed: seals the current segment once it is
   * {@link #ROTATE_AFTER_NANOS} old, and discards sealed segments {@link #DISCARD_AFTER_NANOS}
   * after sealing (at once if the journal exceeds {@link #JOURNAL_LIMIT}), after forcing the data
   * and meta file of each replica they hold and then the replica directory.
   *
   * @param all seal and discard everything now, whatever its age
   * @throws IOException if a file or directory cannot be forced; the segments are then kept
   */
  synchronized void run(boolean all) throws IOException {
    journal.maybeRotate(ROTATE_AFTER_NANOS, all);
    boolean pressed = journal.liveBytes() > JOURNAL_LIMIT;
    List<ReplicaJournal.Segment> segments =
        journal.discardable(DISCARD_AFTER_NANOS, all || pressed);
    if (segments.isEmpty()) {
      return;
    }
    int forced = 0;
    for (ReplicaJournal.Segment s : segments) {
      for (long h : s.handles) {
        ReplicaMeta meta = index.get(h);
        if (meta == null) {
          continue;
        }
        try {
          int[] crcs = index.unwrittenCrcs(h);
          if (crcs != null) {
            writeMetaFileIfStored(meta, crcs);
          }
          StoreLayout.forceFile(layout.chunkFile(h));
          forced++;
        } catch (NoSuchFileException e) {
          // Deleted or quarantined meanwhile: nothing left to make durable.
        }
      }
    }
    StoreLayout.forceDirectory(layout.replicas());
    journal.discard(segments);
    log.debug("{}: checkpoint forced {} journaled replicas, discarded {} segments", nodeId,
        forced, segments.size());
  }

  /**
   * The checkpoint's half of a journaled commit: the meta file, written, forced and renamed into
   * place while the replica is still stored ({@link ReplicaIndex#metaWritten}).
   */
  private void writeMetaFileIfStored(ReplicaMeta meta, int[] crcs) throws IOException {
    Path written = tmp.forcedMeta(meta, crcs);
    if (!index.metaWritten(meta, written, layout.metaFile(meta.handle()))) {
      Files.deleteIfExists(written);
    }
  }
}
