package dev.granary.chunkserver.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the disk writing a replica's bytes while the rest of the chunk is still arriving, so the
 * commit's {@code fdatasync} finds little left to do.
 *
 * <p>Why: on a machine with plenty of memory the kernel flushes dirty pages only at its background
 * threshold (10% of RAM, gigabytes here) or after 30 s, so without help a 64 MiB chunk sits in the
 * page cache until the commit forces all of it: the disk idles while bytes stream in, then the
 * network idles while the disk writes. Every {@link #INTERVAL} bytes a writer asks for a
 * {@code fdatasync} of its file on this one background thread (at most one outstanding per file),
 * as HDFS's DataNode does with {@code sync_file_range} ("sync behind writes"). The commit still
 * forces the file itself; a flush-behind is only ever an early start, so a failure here is logged
 * at debug and left to the commit's own force to report.
 */
final class FlushBehind {
  private static final Logger log = LoggerFactory.getLogger(FlushBehind.class);

  /** Bytes appended to a replica between two flush-behind requests. */
  static final long INTERVAL = 8L << 20;

  private static final ExecutorService FLUSHER = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "cs-flush-behind");
    t.setDaemon(true);
    return t;
  });

  private FlushBehind() {}

  /** Asks for {@code file}'s written bytes to be forced soon; completes when that is done. */
  static CompletableFuture<Void> request(FileChannel file) {
    return CompletableFuture.runAsync(() -> {
      try {
        if (file.isOpen()) {
          file.force(false);
        }
      } catch (IOException e) {
        log.debug("flush-behind failed (the commit's own force will tell): {}", e.toString());
      }
    }, FLUSHER);
  }
}
