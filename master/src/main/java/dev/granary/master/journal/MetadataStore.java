package dev.granary.master.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.granary.master.namespace.MetadataException;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.wire.Status;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's persistent metadata: recovers the image from a data directory and opens the
 * operation log for appending after it, with background checkpoints every {@code checkpointOps}
 * records; and the master's read-only mode when that log cannot be written.
 *
 * <p>Design note: durable before visible. A mutation is applied to the image under the metadata
 * write lock, appended to the log, and answered once forced (see {@link Journal}); readers wait on
 * the journal's barrier, so nothing shows before it is durable. When a write or fsync fails the
 * journal calls {@link #logFailed} on its thread before any waiter hears of it, and this class
 * (1) turns read-only: every mutation is refused at once with one line saying why, under the same
 * write lock that orders appends, so nothing more is applied; (2) rebuilds the image as of the last
 * durable record from the disk (checkpoint + log up to that sequence number, the same code as
 * start-up and checkpoints) and copies it into the live objects in place ({@link ImageRestore}),
 * because the chunk manager holds references to the namespace. Only then do the waiting mutations
 * and reads learn of the failure: a mutation fails with READ_ONLY, a read is asked again of the
 * restored image. Undoing by rebuilding costs a pass over the metadata, but only on a failure, and
 * it cannot disagree with what a restart would load. If the rebuild itself fails, reads are refused
 * too until {@link #tryResume} manages it.
 *
 * <p>{@link #tryResume} (periodic, {@link LogDiskMonitor}) leaves read-only mode when at least
 * {@link #MIN_FREE_TO_WRITE} bytes are free and a {@link #PROBE_BYTES} write+fsync in the data
 * dir succeeds: the journal then starts a new segment after the last durable record. A master
 * opened on such a disk starts read-only the same way. The hysteresis (the log fails at 0 bytes
 * free, resumes at 1 MiB) keeps a nearly full disk from flapping.
 *
 * <p>Lock: the metadata lock is owned by {@code MasterState}, which lends it to this class when it
 * opens it; this class takes its write lock only to check for and undo records that were not made
 * durable.
 */
public final class MetadataStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetadataStore.class);
  /** Free space below which a read-only master stays read-only (and a master starts read-only). */
  public static final long MIN_FREE_TO_WRITE = 1 << 20;
  /** Size of the write+fsync that proves the data dir writable again. */
  static final int PROBE_BYTES = 64 * 1024;
  static final String PROBE_FILE = ".log-probe";

  private final Path dir;
  private final String nodeId;
  private final LogStorage storage;
  private final ReentrantReadWriteLock lock;
  private final OpCodec codec;
  private final ObjectMapper mapper;
  private final MetadataImage image;
  private final Checkpointer checkpointer;
  private final Recovery.Result recovered;
  private Journal journal;
  /** Why the master is read-only, or null when it accepts mutations. */
  private volatile String readOnlyReason;
  /** The image may hold records that were not made durable and could not be undone yet. */
  private volatile boolean stale;

  private MetadataStore(Path dir, String nodeId, LogStorage storage, ReentrantReadWriteLock lock,
      OpCodec codec, ObjectMapper mapper, Recovery.Result recovered, Checkpointer checkpointer) {
    this.dir = dir;
    this.nodeId = nodeId;
    this.storage = storage;
    this.lock = lock;
    this.codec = codec;
    this.mapper = mapper;
    this.image = recovered.image();
    this.recovered = recovered;
    this.checkpointer = checkpointer;
  }

  /** {@link #open(Path, long, String, LogStorage, ReentrantReadWriteLock)} on the real disk. */
  public static MetadataStore open(Path dir, long checkpointOps, String nodeId)
      throws IOException {
    return open(dir, checkpointOps, nodeId, LogStorage.DEFAULT, new ReentrantReadWriteLock());
  }

  /**
   * Recovers {@code dir} (which must exist) and opens its log; read-only if the log cannot be
   * written (see the class comment). {@code lock} is the metadata lock.
   *
   * @throws CorruptJournalException if the log or checkpoint is corrupt beyond a torn last line
   * @throws IOException if the files cannot be read
   */
  public static MetadataStore open(Path dir, long checkpointOps, String nodeId,
      LogStorage storage, ReentrantReadWriteLock lock) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    OpCodec codec = new OpCodec(mapper);
    for (Path tmp : JournalFiles.temporaries(dir)) {
      log.info("{}: removing {} left by an interrupted checkpoint", nodeId, tmp);
      Files.deleteIfExists(tmp);
    }
    Files.deleteIfExists(dir.resolve(PROBE_FILE));
    long start = System.nanoTime();
    Recovery.Result r = new Recovery(codec, mapper.getFactory(), nodeId).recover(dir);
    MetadataImage image = r.image();
    log.info("{}: loaded metadata from {} in {} ms: checkpoint seq {}, {} log records replayed, "
        + "{} files, {} directories, {} chunks", nodeId, dir, (System.nanoTime() - start) / 1_000_000,
        r.checkpointSeq(), r.recordsReplayed(), image.namespace().fileCount(),
        image.namespace().directoryCount(), image.namespace().chunkCount());
    Checkpointer checkpointer = new Checkpointer(dir, codec, mapper.getFactory(), nodeId, storage);
    MetadataStore store = new MetadataStore(dir, nodeId, storage, lock, codec, mapper, r,
        checkpointer);
    Path last = null;
    long lastFirst = 0;
    Map.Entry<Long, Path> newest = JournalFiles.segments(dir).lastEntry();
    if (newest != null && newest.getKey() <= image.lastSeq() + 1) {
      last = newest.getValue();
      lastFirst = newest.getKey();
    }
    store.journal = new Journal(dir, image.lastSeq(), last, lastFirst, codec, checkpointOps,
        checkpointer, nodeId, storage, store::logFailed);
    IOException failed = store.journal.failure();
    String why = failed != null ? reason(failed) : store.probe();
    if (why != null) {
      store.readOnlyReason = why;
      store.journal.refuseUntilReopened(failed != null ? failed : new IOException(why),
          store.refusal());
      log.error("{}: starting READ-ONLY: cannot write the operation log in {}: {}; reads are "
          + "served, mutations refused until it can be written (checked every few seconds)",
          nodeId, dir, why);
    }
    return store;
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

  /** The metadata lock lent to this store (its tests). */
  ReentrantReadWriteLock lock() {
    return lock;
  }

  /** The data directory. */
  public Path dir() {
    return dir;
  }

  /** What start-up recovery found. */
  public Recovery.Result recovered() {
    return recovered;
  }

  /** Whether mutations are refused because the operation log cannot be written. */
  public boolean readOnly() {
    return readOnlyReason != null;
  }

  /**
   * Refuses a mutation while read-only. Callers hold the metadata write lock, which orders this
   * check before the rollback's.
   *
   * @throws MetadataException READ_ONLY
   */
  public void checkWritable() {
    if (readOnlyReason != null) {
      throw refusal();
    }
  }

  /**
   * Refuses a read while the image may hold records that were not made durable.
   *
   * @throws MetadataException READ_ONLY
   */
  public void checkReadable() {
    if (stale) {
      throw new MetadataException(Status.READ_ONLY, "master is read-only and cannot serve "
          + "reads yet: reloading its metadata from " + dir + " failed; it retries by itself");
    }
  }

  /** The one-line refusal of a mutation while read-only. */
  public MetadataException refusal() {
    String why = readOnlyReason;
    if (why == null) {
      why = "the operation log failed";
    }
    String hint = isNoSpace(why) ? "free space and it resumes by itself"
        : "it resumes by itself once the log can be written again";
    return new MetadataException(Status.READ_ONLY, "master is read-only: cannot write its "
        + "operation log in " + dir + ": " + why + "; " + hint);
  }

  /** The journal's failure callback: turn read-only, then undo what was not made durable. */
  private synchronized RuntimeException logFailed(IOException cause, long durableSeq) {
    enterReadOnly(reason(cause));
    undo(durableSeq);
    return refusal();
  }

  private void enterReadOnly(String why) {
    boolean first = readOnlyReason == null;
    readOnlyReason = why;
    if (first) {
      log.error("{}: now READ-ONLY: cannot write the operation log in {}: {}; reads are served, "
          + "mutations refused; it resumes by itself once the log can be written", nodeId, dir,
          why);
    }
  }

  /**
   * Makes the image what the disk holds up to {@code durableSeq} if it holds more. Returns false
   * (and leaves the image stale) if the disk cannot be read.
   */
  private boolean undo(long durableSeq) {
    lock.writeLock().lock();
    try {
      // Every append happens under this lock, and none after the read-only check above.
      if (journal.lastSeq() <= durableSeq && !stale) {
        return true;
      }
    } finally {
      lock.writeLock().unlock();
    }
    stale = true;
    MetadataImage durable;
    try {
      durable = reload(durableSeq);
    } catch (IOException | RuntimeException e) {
      log.error("{}: cannot reload the metadata from {} to undo the records after seq {} ({}); "
          + "reads are refused until it succeeds (retried every few seconds)", nodeId, dir,
          durableSeq, e.toString());
      return false;
    }
    long undone;
    lock.writeLock().lock();
    try {
      undone = journal.lastSeq() - durableSeq;
      ImageRestore.restore(image, durable);
      stale = false;
    } finally {
      lock.writeLock().unlock();
    }
    log.warn("{}: undid {} log record(s) after seq {} that were never made durable: the metadata "
        + "is what the log on disk holds", nodeId, undone, durableSeq);
    return true;
  }

  /** The image as of {@code seq}, read from the disk (a concurrent checkpoint may move files). */
  private MetadataImage reload(long seq) throws IOException {
    Recovery recovery = new Recovery(codec, mapper.getFactory(), nodeId);
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return recovery.recover(dir, seq, false).image();
      } catch (CorruptJournalException e) {
        throw e;
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  /**
   * Leaves read-only mode if the log can be written again: finishes a failed undo, probes the
   * disk, reopens the journal. Returns whether the master accepts mutations now.
   */
  public synchronized boolean tryResume() {
    if (readOnlyReason == null) {
      return true;
    }
    if (stale && !undo(journal.durableSeq())) {
      return false;
    }
    String why = probe();
    if (why == null) {
      try {
        journal.reopen();
      } catch (IOException e) {
        why = reason(e);
      }
    }
    if (why != null) {
      if (!why.equals(readOnlyReason)) {
        log.warn("{}: still read-only: {}", nodeId, why);
        readOnlyReason = why;
      }
      return false;
    }
    readOnlyReason = null;
    log.info("{}: the operation log in {} can be written again: mutations accepted ({} bytes "
        + "free)", nodeId, dir, usableSpaceOrUnknown());
    return true;
  }

  /** Tries a checkpoint that failed again (when the log is writable). */
  public void retryCheckpoint() {
    if (readOnlyReason == null) {
      checkpointer.retry();
    }
  }

  /** Null if a probe write+fsync in the data dir succeeds with enough space left; else why not. */
  String probe() {
    Path p = dir.resolve(PROBE_FILE);
    try {
      long free = storage.usableSpace(dir);
      if (free < MIN_FREE_TO_WRITE) {
        // The words the OS uses for a full disk, so the refusal reads the same from start to end.
        return "No space left on device";
      }
      try (FileChannel ch = storage.open(p, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.allocate(PROBE_BYTES);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      } finally {
        Files.deleteIfExists(p);
      }
      return null;
    } catch (IOException e) {
      return reason(e);
    }
  }

  private long usableSpaceOrUnknown() {
    try {
      return storage.usableSpace(dir);
    } catch (IOException e) {
      return -1;
    }
  }

  /** The OS's words for an I/O failure, without the exception class. */
  static String reason(IOException e) {
    String m = e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
        : e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  static boolean isNoSpace(String reason) {
    return reason.contains("No space left") || reason.contains("Disk quota exceeded");
  }

  /** Flushes and closes the log, then lets a running checkpoint finish. */
  @Override
  public void close() {
    journal.close();
    checkpointer.close();
  }
}
