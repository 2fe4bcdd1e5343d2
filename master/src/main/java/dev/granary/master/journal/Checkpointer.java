package dev.granary.master.journal;

import com.fasterxml.jackson.core.JsonFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes checkpoints in the background, without touching the live metadata.
 *
 * <p>Design note. GFS §2.6.3 builds a checkpoint in a separate thread from a switched-to log so that
 * mutations are not delayed. Here the journal rolls to a new segment at a batch boundary and asks for
 * a checkpoint "as of seq N"; this thread rebuilds that state on its own from the previous checkpoint
 * and the closed segments (the same code path as start-up, so every checkpoint also exercises
 * recovery), writes it to {@code checkpoint-N.json.tmp}, fsyncs it, renames it into place, fsyncs
 * the directory, and only then deletes the segments and checkpoint it supersedes. A crash at any
 * point leaves either the old checkpoint with its segments or the new one: both load. The price is
 * memory for a second image while the checkpoint is built.
 *
 * <p>A checkpoint that fails (a full disk) removes its temporary file and changes nothing else; the
 * log keeps its segments and {@link #retry} (called periodically) tries again.
 */
public final class Checkpointer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);

  private final Path dir;
  private final LogStorage storage;
  private final Recovery recovery;
  private final CheckpointFormat format;
  private final String nodeId;
  private final ExecutorService executor;
  private long requested;
  private boolean running;
  private long completed;
  private boolean failed;

  public Checkpointer(Path dir, OpCodec codec, JsonFactory factory, String nodeId,
      LogStorage storage) {
    this.dir = dir;
    this.storage = storage;
    this.recovery = new Recovery(codec, factory, nodeId);
    this.format = new CheckpointFormat(factory);
    this.nodeId = nodeId;
    this.executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, nodeId + "-checkpoint");
      t.setDaemon(true);
      return t;
    });
  }

  /** Asks for a checkpoint including everything up to {@code seq} (a closed segment boundary). */
  public synchronized void request(long seq) {
    requested = Math.max(requested, seq);
    failed = false;
    start();
  }

  /** Tries a failed checkpoint again; does nothing if none failed or one is being written. */
  public synchronized void retry() {
    if (failed) {
      failed = false;
      start();
    }
  }

  /** Whether the newest checkpoint asked for failed and waits for {@link #retry}. */
  public synchronized boolean failed() {
    return failed;
  }

  private void start() {
    if (!running && requested > completed) {
      running = true;
      executor.execute(this::run);
    }
  }

  /** Sequence number of the newest checkpoint written by this instance (0 if none). */
  public synchronized long completed() {
    return completed;
  }

  private void run() {
    while (true) {
      long seq;
      synchronized (this) {
        if (requested <= completed) {
          running = false;
          notifyAll();
          return;
        }
        seq = requested;
      }
      try {
        write(seq);
      } catch (Throwable e) { // a deep tree once overflowed the stack here: outlive anything
        log.error("{}: checkpoint at seq {} failed ({}); nothing was changed, the log keeps its "
            + "segments and the checkpoint is tried again later", nodeId, seq, e.toString());
        synchronized (this) {
          failed = true;
          running = false;
          notifyAll();
        }
        return;
      }
      synchronized (this) {
        completed = Math.max(completed, seq);
      }
    }
  }

  /** Builds and installs the checkpoint as of {@code seq}. */
  void write(long seq) throws IOException {
    long start = System.nanoTime();
    Recovery.Result r = recovery.recover(dir, seq, false);
    Path target = JournalFiles.checkpoint(dir, seq);
    Path tmp = target.resolveSibling(target.getFileName() + JournalFiles.TMP_SUFFIX);
    try (FileChannel ch = storage.open(tmp, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      OutputStream out = Channels.newOutputStream(ch);
      format.write(r.image(), out);
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    JournalFiles.fsyncDirectory(dir);
    for (Map.Entry<Long, Path> e : JournalFiles.segments(dir).headMap(seq, true).entrySet()) {
      Files.deleteIfExists(e.getValue());
    }
    for (Map.Entry<Long, Path> e : JournalFiles.checkpoints(dir).headMap(seq, false).entrySet()) {
      Files.deleteIfExists(e.getValue());
    }
    JournalFiles.fsyncDirectory(dir);
    log.info("{}: checkpoint at seq {} written ({} files, {} directories) in {} ms", nodeId, seq,
        r.image().namespace().fileCount(), r.image().namespace().directoryCount(),
        (System.nanoTime() - start) / 1_000_000);
  }

  /** Waits until no checkpoint is being written (tests and orderly shutdown). */
  public synchronized void awaitIdle(long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (running) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        return;
      }
      wait(left);
    }
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
  }
}
