package dev.granary.master.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.granary.master.namespace.MetadataImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's persistent metadata: recovers the image from a data directory and opens the
 * operation log for appending after it, with background checkpoints every {@code checkpointOps}
 * records.
 */
public final class MetadataStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetadataStore.class);

  private final MetadataImage image;
  private final Journal journal;
  private final Checkpointer checkpointer;
  private final Recovery.Result recovered;

  private MetadataStore(MetadataImage image, Journal journal, Checkpointer checkpointer,
      Recovery.Result recovered) {
    this.image = image;
    this.journal = journal;
    this.checkpointer = checkpointer;
    this.recovered = recovered;
  }

  /**
   * Recovers {@code dir} (which must exist and be writable) and opens its log.
   *
   * @throws CorruptJournalException if the log or checkpoint is corrupt beyond a torn last line
   * @throws IOException if the files cannot be read or written
   */
  public static MetadataStore open(Path dir, long checkpointOps, String nodeId)
      throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    OpCodec codec = new OpCodec(mapper);
    for (Path tmp : JournalFiles.temporaries(dir)) {
      log.info("{}: removing {} left by an interrupted checkpoint", nodeId, tmp);
      Files.deleteIfExists(tmp);
    }
    long start = System.nanoTime();
    Recovery.Result r = new Recovery(codec, mapper.getFactory(), nodeId).recover(dir);
    MetadataImage image = r.image();
    log.info("{}: loaded metadata from {} in {} ms: checkpoint seq {}, {} log records replayed, "
        + "{} files, {} directories, {} chunks", nodeId, dir, (System.nanoTime() - start) / 1_000_000,
        r.checkpointSeq(), r.recordsReplayed(), image.namespace().fileCount(),
        image.namespace().directoryCount(), image.namespace().chunkCount());
    Checkpointer checkpointer = new Checkpointer(dir, codec, mapper.getFactory(), nodeId);
    Path last = null;
    long lastFirst = 0;
    Map.Entry<Long, Path> newest = JournalFiles.segments(dir).lastEntry();
    if (newest != null && newest.getKey() <= image.lastSeq() + 1) {
      last = newest.getValue();
      lastFirst = newest.getKey();
    }
    Journal journal = new Journal(dir, image.lastSeq(), last, lastFirst, codec, checkpointOps,
        checkpointer, nodeId);
    return new MetadataStore(image, journal, checkpointer, r);
  }

  public MetadataImage image() {
    return image;
  }

  public Journal journal() {
    return journal;
  }

  public Checkpointer checkpointer() {
    return checkpointer;
  }

  /** What start-up recovery found. */
  public Recovery.Result recovered() {
    return recovered;
  }

  /** Flushes and closes the log, then lets a running checkpoint finish. */
  @Override
  public void close() {
    journal.close();
    checkpointer.close();
  }
}
