package dev.granary.master.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operation log writer, with group commit.
 *
 * <p>Design note. GFS §2.6.3 and §5.1.3: the operation log is the only persistent record of
 * metadata, so a mutation is answered only after its record is flushed to disk; to keep throughput
 * up the master batches several records into one flush. Here {@link #append} (called under the
 * metadata lock, so log order is apply order) assigns the next sequence number, encodes the JSON
 * line and queues it; a single writer thread drains everything queued, writes it with one gathering
 * write and calls {@link FileChannel#force} once, then completes the futures of the whole batch.
 * With 64 concurrent clients one fsync covers dozens of operations; with one client the latency is
 * one write plus one fsync. Handlers never wait on the future on an event loop thread: they attach
 * the reply to it.
 *
 * <p>Durable before visible. A record is applied to the in-memory image before it is durable, so
 * readers must not see it early: {@link #barrier} is the future of the newest record appended
 * (futures complete in sequence order), and a read answers only once it completes; when nothing is
 * pending it is null and the read costs one volatile load more.
 *
 * <p>Failure. When a write or fsync fails (disk full, I/O error), the writer cuts the segment back
 * to the end of its last forced record and tells the {@link FailureListener} on its own thread,
 * before any waiting record learns of it; the listener undoes what was applied but never made
 * durable (see {@link MetadataStore}) and returns the exception those records fail with. Until
 * {@link #reopen} every append fails the same way, after that rollback. {@link #reopen} starts a
 * new segment after the last durable record; records of the failed generation still queued then are
 * failed, never written.
 *
 * <p>Every {@code checkpointOps} records the writer closes the segment at a batch boundary, starts
 * {@code oplog-<next seq>.jsonl} (fsyncing the directory so the new name is durable) and asks the
 * {@link Checkpointer} for a checkpoint of everything before it.
 *
 * <p>The active segment is preallocated with zeros a megabyte at a time (see {@link #preallocate});
 * a finished segment is truncated to its last record. Recovery treats trailing zeros of the last
 * segment as unused space.
 */
public final class Journal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Journal.class);

  /** Told that the log cannot be written; see the class comment. */
  public interface FailureListener {
    /**
     * Called on the writer thread after a failed write or fsync, before any waiting record fails.
     * Records after {@code durableSeq} were not made durable. Returns the exception that every
     * record not written fails with, until the log is reopened.
     */
    RuntimeException logFailed(IOException cause, long durableSeq);
  }

  /** {@code line} is null for a record appended while the log was failed: it is never written. */
  private record Pending(long seq, byte[] line, long generation,
      CompletableFuture<Void> durable) {}

  private static final CompletableFuture<Void> DURABLE = CompletableFuture.completedFuture(null);
  /** Bytes of zeros added at a time ahead of the log's end. */
  static final int PREALLOCATE = 1 << 20;
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024);

  private final Path dir;
  private final OpCodec codec;
  private final long checkpointOps;
  private final Checkpointer checkpointer;
  private final String nodeId;
  private final LogStorage storage;
  private final FailureListener listener;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private final AtomicLong syncs = new AtomicLong();
  // Written by the writer thread, and by reopen() while nothing of the current generation is queued.
  private FileChannel channel;
  /** End of the last forced record of the current segment (zeros may follow it). */
  private long position;
  private long allocated;
  private long opsInSegment;
  // Guarded by this.
  private long nextSeq;
  private long generation;
  private IOException failure;
  private RuntimeException refusal;
  private volatile boolean closing;
  private volatile long durableSeq;
  private volatile CompletableFuture<Void> lastAppended = DURABLE;

  /**
   * Opens the log for appending after {@code lastSeq}: continues {@code lastSegment} if given
   * (its first sequence number {@code lastSegmentFirstSeq}), else starts a new segment. If that
   * segment cannot be created the log starts failed ({@link #failure}), to be {@link #reopen}ed.
   *
   * @throws IOException if {@code lastSegment} cannot be opened
   */
  public Journal(Path dir, long lastSeq, Path lastSegment, long lastSegmentFirstSeq,
      OpCodec codec, long checkpointOps, Checkpointer checkpointer, String nodeId,
      LogStorage storage, FailureListener listener) throws IOException {
    this.dir = dir;
    this.codec = codec;
    this.checkpointOps = Math.max(1, checkpointOps);
    this.checkpointer = checkpointer;
    this.nodeId = nodeId;
    this.storage = storage;
    this.listener = listener;
    this.nextSeq = lastSeq + 1;
    this.durableSeq = lastSeq;
    if (lastSegment != null) {
      channel = storage.open(lastSegment, StandardOpenOption.WRITE);
      position = channel.size();
      allocated = position;
      opsInSegment = Math.max(0, lastSeq - lastSegmentFirstSeq + 1);
    } else {
      try {
        openSegment(nextSeq);
      } catch (IOException e) {
        failure = e;
      }
    }
    writer = new Thread(this::writeLoop, nodeId + "-journal");
    writer.setDaemon(true);
    writer.start();
  }

  private void openSegment(long firstSeq) throws IOException {
    Path file = JournalFiles.segment(dir, firstSeq);
    FileChannel ch = storage.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      JournalFiles.fsyncDirectory(dir);
    } catch (IOException e) {
      ch.close();
      Files.deleteIfExists(file);
      throw e;
    }
    channel = ch;
    position = 0;
    allocated = 0;
    opsInSegment = 0;
  }

  /**
   * Writes zeros ahead of the end so that appends overwrite allocated blocks: an fdatasync of an
   * overwrite need not also commit a file size change, which makes it several times cheaper
   * (HDFS preallocates its edit log the same way). Recovery drops the trailing zeros. On a nearly
   * full disk a whole megabyte may not fit: what fits for this batch is enough.
   */
  private void preallocate(long needed) throws IOException {
    if (position + needed <= allocated) {
      return;
    }
    long target = position + Math.max(needed, PREALLOCATE);
    try {
      while (allocated < target) {
        ByteBuffer z = ZEROS.duplicate();
        z.limit((int) Math.min(z.capacity(), target - allocated));
        allocated += channel.write(z, allocated);
      }
    } catch (IOException e) {
      if (position + needed > allocated) {
        throw e;
      }
    }
  }

  /** Cuts the preallocated zeros off a segment that is finished. */
  private void finishSegment() throws IOException {
    channel.truncate(position);
    channel.force(true);
    channel.close();
  }

  /**
   * Queues {@code op} as the next record. The future completes when the record (and every record
   * before it) is on disk, or exceptionally if the log failed (after the rollback) or is closed.
   */
  public synchronized CompletableFuture<Void> append(Op op) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    if (closing) {
      f.completeExceptionally(new IOException("the operation log is closed"));
      return f;
    }
    long seq = nextSeq++;
    queue.add(new Pending(seq, failure == null ? codec.encode(seq, op) : null, generation, f));
    lastAppended = f;
    return f;
  }

  /**
   * Null if every record appended so far is durable; else a future that completes when they are,
   * or fails (once the records that were not made durable are undone) if the log fails first.
   */
  public CompletableFuture<Void> barrier() {
    CompletableFuture<Void> f = lastAppended;
    return f.isDone() && !f.isCompletedExceptionally() ? null : f;
  }

  /** How many times the log has been forced to disk (one per group-commit batch). */
  public long syncCount() {
    return syncs.get();
  }

  /** Sequence number of the last record appended (queued or written). */
  public synchronized long lastSeq() {
    return nextSeq - 1;
  }

  /** Sequence number of the last record forced to disk. */
  public long durableSeq() {
    return durableSeq;
  }

  /** Why the log cannot be written now, or null if it can. */
  public synchronized IOException failure() {
    return failure;
  }

  /**
   * Marks the log failed without a failed write (a start-up probe found the disk full): appends
   * fail with {@code refusal} until {@link #reopen}. Nothing may be pending.
   */
  public synchronized void refuseUntilReopened(IOException cause, RuntimeException refusal) {
    if (failure == null) {
      failure = cause;
    }
    this.refusal = refusal;
  }

  /**
   * Makes a failed log writable again: cuts the failed segment back to its last forced record,
   * closes it and starts a new segment after the last durable record. Does nothing if the log is
   * not failed.
   *
   * @throws IOException if that cannot be done; the log stays failed
   */
  public synchronized void reopen() throws IOException {
    if (failure == null || closing) {
      return;
    }
    if (channel != null && channel.isOpen()) {
      finishSegment();
    }
    // A segment starting after the durable end holds only records that were never durable.
    Path next = JournalFiles.segment(dir, durableSeq + 1);
    if (Files.deleteIfExists(next)) {
      JournalFiles.fsyncDirectory(dir);
    }
    openSegment(durableSeq + 1);
    nextSeq = durableSeq + 1;
    generation++;
    failure = null;
    lastAppended = DURABLE;
  }

  private void writeLoop() {
    List<Pending> batch = new ArrayList<>();
    while (true) {
      Pending first;
      try {
        first = queue.poll(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        first = null;
      }
      if (first == null) {
        if (closing && queue.isEmpty()) {
          return;
        }
        continue;
      }
      batch.clear();
      batch.add(first);
      queue.drainTo(batch);
      try {
        writeBatch(batch);
      } catch (Throwable t) {
        // The writer must outlive anything: a dead writer would leave every mutation hanging.
        // What this batch's records became is unknown, so treat it as a failed write.
        log.error("{}: writing the operation log failed unexpectedly, continuing", nodeId, t);
        fail(new IOException("unexpected failure writing the operation log: " + t, t), position);
        for (Pending p : batch) {
          p.durable().completeExceptionally(t);
        }
      }
    }
  }

  private void writeBatch(List<Pending> batch) {
    List<Pending> live = new ArrayList<>(batch.size());
    List<Pending> refused = new ArrayList<>();
    synchronized (this) {
      for (Pending p : batch) {
        (failure == null && p.line() != null && p.generation() == generation ? live : refused)
            .add(p);
      }
    }
    if (!live.isEmpty()) {
      long start = position;
      try {
        ByteBuffer[] bufs = new ByteBuffer[live.size()];
        long total = 0;
        for (int i = 0; i < bufs.length; i++) {
          bufs[i] = ByteBuffer.wrap(live.get(i).line());
          total += bufs[i].remaining();
        }
        preallocate(total);
        channel.position(start);
        long written = 0;
        while (written < total) {
          written += channel.write(bufs);
        }
        storage.forceLog(channel);
        position = start + total;
        syncs.incrementAndGet();
      } catch (IOException e) {
        fail(e, start);
        refused.addAll(live);
        live.clear();
      }
    }
    if (!live.isEmpty()) {
      long last = live.get(live.size() - 1).seq();
      durableSeq = last;
      for (Pending p : live) {
        p.durable().complete(null);
      }
      opsInSegment += live.size();
      if (opsInSegment >= checkpointOps) {
        try {
          finishSegment();
          openSegment(last + 1);
          checkpointer.request(last);
        } catch (IOException e) {
          fail(e, position);
        }
      }
    }
    if (!refused.isEmpty()) {
      RuntimeException r;
      synchronized (this) {
        r = refusal;
        if (lastAppended.isDone() || lastAppended == refused.get(refused.size() - 1).durable()) {
          // Nothing else is pending and what failed was undone: the image is what the disk
          // holds. Reads asked again when the futures below fail must find the fast path.
          lastAppended = DURABLE;
        }
      }
      for (Pending p : refused) {
        p.durable().completeExceptionally(r != null ? r
            : new IllegalStateException("the operation log failed before this record was written"));
      }
    }
  }

  /** Enters the failed state after a failed write or fsync; the segment is cut at {@code end}. */
  private void fail(IOException e, long end) {
    synchronized (this) {
      failure = e;
    }
    position = end;
    log.error("{}: the operation log in {} cannot be written ({}); records after seq {} were not "
        + "made durable", nodeId, dir, e.toString(), durableSeq);
    if (channel != null && channel.isOpen()) {
      try {
        channel.truncate(end);
        channel.force(true);
      } catch (IOException t) {
        log.warn("{}: cannot cut the log back to its last forced record at byte {} yet ({}); "
            + "it is cut before the log is written again", nodeId, end, t.toString());
      }
    }
    RuntimeException r;
    try {
      r = listener.logFailed(e, durableSeq);
    } catch (RuntimeException t) {
      log.error("{}: handling the operation log failure failed", nodeId, t);
      r = new IllegalStateException("the operation log cannot be written: " + e.getMessage(), e);
    }
    synchronized (this) {
      refusal = r;
    }
  }

  /** Writes and fsyncs everything queued, then closes the log. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      closing = true;
    }
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      try {
        if (channel != null && channel.isOpen()) {
          if (failure == null) {
            finishSegment();
          } else {
            try {
              channel.truncate(position);
            } finally {
              channel.close();
            }
          }
        }
      } catch (IOException e) {
        log.warn("{}: closing the operation log: {}", nodeId, e.toString());
      }
    }
  }
}
