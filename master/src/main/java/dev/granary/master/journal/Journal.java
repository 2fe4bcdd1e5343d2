package dev.granary.master.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
 * <p>Every {@code checkpointOps} records the writer closes the segment at a batch boundary, starts
 * {@code oplog-<next seq>.jsonl} (fsyncing the directory so the new name is durable) and asks the
 * {@link Checkpointer} for a checkpoint of everything before it. A failed write or fsync is fatal to
 * the log: the failing batch and every later append complete exceptionally (nothing further can be
 * acknowledged) and an ERROR is logged.
 *
 * <p>The active segment is preallocated with zeros a megabyte at a time (see {@link #preallocate});
 * a finished segment is truncated to its last record. Recovery treats trailing zeros of the last
 * segment as unused space.
 */
public final class Journal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Journal.class);

  private record Pending(long seq, byte[] line, CompletableFuture<Void> durable) {}

  private final Path dir;
  private final OpCodec codec;
  private final long checkpointOps;
  private final Checkpointer checkpointer;
  private final String nodeId;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  /** Bytes of zeros added at a time ahead of the log's end. */
  static final int PREALLOCATE = 1 << 20;
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024);
  private FileChannel channel;
  /** Logical end of the current segment (the file is preallocated with zeros beyond it). */
  private long position;
  private long allocated;
  private long opsInSegment;
  private long nextSeq;
  private volatile boolean closing;
  private final java.util.concurrent.atomic.AtomicLong syncs = new java.util.concurrent.atomic.AtomicLong();
  private volatile IOException failure;

  /**
   * Opens the log for appending after {@code lastSeq}: continues {@code lastSegment} if given
   * (its first sequence number {@code lastSegmentFirstSeq}), else starts a new segment.
   */
  public Journal(Path dir, long lastSeq, Path lastSegment, long lastSegmentFirstSeq,
      OpCodec codec, long checkpointOps, Checkpointer checkpointer, String nodeId)
      throws IOException {
    this.dir = dir;
    this.codec = codec;
    this.checkpointOps = Math.max(1, checkpointOps);
    this.checkpointer = checkpointer;
    this.nodeId = nodeId;
    this.nextSeq = lastSeq + 1;
    if (lastSegment != null) {
      channel = FileChannel.open(lastSegment, StandardOpenOption.WRITE);
      position = channel.size();
      allocated = position;
      opsInSegment = Math.max(0, lastSeq - lastSegmentFirstSeq + 1);
    } else {
      openSegment(nextSeq);
    }
    writer = new Thread(this::writeLoop, nodeId + "-journal");
    writer.setDaemon(true);
    writer.start();
  }

  private void openSegment(long firstSeq) throws IOException {
    channel = FileChannel.open(JournalFiles.segment(dir, firstSeq), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    JournalFiles.fsyncDirectory(dir);
    position = 0;
    allocated = 0;
    opsInSegment = 0;
  }

  /**
   * Writes zeros ahead of the end so that appends overwrite allocated blocks: an fdatasync of an
   * overwrite need not also commit a file size change, which makes it several times cheaper
   * (HDFS preallocates its edit log the same way). Recovery drops the trailing zeros.
   */
  private void preallocate(long needed) throws IOException {
    if (position + needed <= allocated) {
      return;
    }
    long target = position + Math.max(needed, PREALLOCATE);
    while (allocated < target) {
      ByteBuffer z = ZEROS.duplicate();
      z.limit((int) Math.min(z.capacity(), target - allocated));
      allocated += channel.write(z, allocated);
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
   * before it) is on disk, or exceptionally if the log failed or is closed.
   */
  public synchronized CompletableFuture<Void> append(Op op) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    if (failure != null || closing) {
      f.completeExceptionally(failure != null ? failure
          : new IOException("the operation log is closed"));
      return f;
    }
    long seq = nextSeq++;
    queue.add(new Pending(seq, codec.encode(seq, op), f));
    return f;
  }

  /** How many times the log has been forced to disk (one per group-commit batch). */
  public long syncCount() {
    return syncs.get();
  }

  /** Sequence number of the last record appended (queued or written). */
  public synchronized long lastSeq() {
    return nextSeq - 1;
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
      writeBatch(batch);
    }
  }

  private void writeBatch(List<Pending> batch) {
    if (failure == null) {
      try {
        ByteBuffer[] bufs = new ByteBuffer[batch.size()];
        long total = 0;
        for (int i = 0; i < bufs.length; i++) {
          bufs[i] = ByteBuffer.wrap(batch.get(i).line());
          total += bufs[i].remaining();
        }
        preallocate(total);
        channel.position(position);
        long written = 0;
        while (written < total) {
          written += channel.write(bufs);
        }
        position += total;
        channel.force(false);
        syncs.incrementAndGet();
      } catch (IOException e) {
        failure = e;
        log.error("{}: the operation log cannot be written ({}); no further mutation can be "
            + "acknowledged", nodeId, e.toString());
      }
    }
    for (Pending p : batch) {
      if (failure == null) {
        p.durable().complete(null);
      } else {
        p.durable().completeExceptionally(failure);
      }
    }
    if (failure != null) {
      return;
    }
    opsInSegment += batch.size();
    long last = batch.get(batch.size() - 1).seq();
    if (opsInSegment >= checkpointOps) {
      try {
        finishSegment();
        openSegment(last + 1);
        checkpointer.request(last);
      } catch (IOException e) {
        failure = e;
        log.error("{}: cannot start a new log segment after seq {} ({})", nodeId, last,
            e.toString());
      }
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
    try {
      if (channel.isOpen()) {
        if (failure == null) {
          finishSegment();
        } else {
          channel.close();
        }
      }
    } catch (IOException e) {
      log.warn("{}: closing the operation log: {}", nodeId, e.toString());
    }
  }
}
