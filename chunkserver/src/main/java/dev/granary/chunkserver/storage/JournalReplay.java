package dev.granary.chunkserver.storage;

import dev.granary.wire.ChunkHandles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up's replay of the replica journal ({@link ReplicaJournal}) after a crash: every replica
 * whose last record is a replica gets exactly the journaled files (forced as they are if they
 * survived whole, rewritten otherwise), every replica whose last record is a removal is removed.
 * Then replicas/ is forced; {@link ReplicaJournal#start} deletes the segments afterwards. Runs
 * with tmp/ empty and before the scan of replicas/ ({@link CrashRepair}).
 */
final class JournalReplay {
  private static final Logger log = LoggerFactory.getLogger(JournalReplay.class);

  private final StoreLayout layout;
  private final TmpFiles tmp;
  private final String nodeId;

  JournalReplay(StoreLayout layout, TmpFiles tmp, String nodeId) {
    this.layout = layout;
    this.tmp = tmp;
    this.nodeId = nodeId;
  }

  /** Applies what the journal holds, if anything. */
  void run() throws IOException {
    ReplicaJournal.Replay replay = ReplicaJournal.read(layout.journal(), nodeId);
    if (replay.records() == 0) {
      return;
    }
    int rewritten = 0;
    for (ReplicaJournal.Replayed r : replay.replicas()) {
      long h = r.meta().handle();
      // Each file is kept (and forced) if it survived as journaled, else written anew in tmp/,
      // forced and renamed into place (tmp/ is empty now).
      if (dataSurvived(r)) {
        StoreLayout.forceFile(layout.chunkFile(h));
      } else {
        Path data = tmp.resolve(ChunkHandles.format(h) + ".replay.chunk.tmp");
        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE)) {
          ByteBuffer b = ByteBuffer.wrap(r.data());
          while (b.hasRemaining()) {
            ch.write(b);
          }
          ch.force(false);
        }
        Files.move(data, layout.chunkFile(h), StandardCopyOption.ATOMIC_MOVE);
        rewritten++;
      }
      if (metaSurvived(r)) {
        StoreLayout.forceFile(layout.metaFile(h));
      } else {
        Files.move(tmp.forcedMeta(r.meta(), r.blockCrcs()), layout.metaFile(h),
            StandardCopyOption.ATOMIC_MOVE);
      }
    }
    for (long h : replay.removed()) {
      Files.deleteIfExists(layout.metaFile(h));
      Files.deleteIfExists(layout.chunkFile(h));
    }
    StoreLayout.forceDirectory(layout.replicas());
    log.info("{}: replayed {} journal records from {} segments: {} replicas ({} rewritten), "
        + "{} removals", nodeId, replay.records(), replay.segments(), replay.replicas().size(),
        rewritten, replay.removed().size());
  }

  /** Whether the journaled replica's data file is in replicas/ exactly as journaled. */
  private boolean dataSurvived(ReplicaJournal.Replayed r) throws IOException {
    Path p = layout.chunkFile(r.meta().handle());
    try {
      return Files.size(p) == r.data().length
          && Arrays.equals(Files.readAllBytes(p), r.data());
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /** Whether the journaled replica's meta file is in replicas/ exactly as journaled. */
  private boolean metaSurvived(ReplicaJournal.Replayed r) throws IOException {
    long h = r.meta().handle();
    try {
      MetaFile.Contents c = MetaFile.read(layout.metaFile(h), h);
      return c.meta().equals(r.meta()) && Arrays.equals(c.blockCrcs(), r.blockCrcs());
    } catch (NoSuchFileException | CorruptReplicaException e) {
      return false;
    }
  }
}
