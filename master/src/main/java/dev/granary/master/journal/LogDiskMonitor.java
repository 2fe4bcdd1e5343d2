package dev.granary.master.journal;

import com.google.common.base.Ticker;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic check of the master's data dir (run every few seconds): warns before the disk is
 * full, takes a read-only master back to writable once its log can be written again, and retries a
 * checkpoint that failed. Like HDFS's NameNodeResourceChecker, but the master does not turn
 * read-only on a threshold: only a failed write does that, so it uses the disk to the last byte.
 *
 * <p>The warning threshold is the smaller of 5% of the file system and 1 GiB (a large disk warns
 * at 1 GiB left, a small one at 5%); the WARN line repeats at most once a minute while below it.
 * {@link #run} never throws, so a scheduled executor keeps running it.
 */
public final class LogDiskMonitor implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(LogDiskMonitor.class);
  /** Period of the check; also how soon a read-only master notices that space came back. */
  public static final Duration PERIOD = Duration.ofSeconds(2);
  static final long WARN_FRACTION_PERCENT = 5;
  static final long WARN_BYTES = 1L << 30;
  static final Duration WARN_EVERY = Duration.ofMinutes(1);
  static final Duration CHECKPOINT_RETRY_EVERY = Duration.ofSeconds(30);

  private final MetadataStore store;
  private final LogStorage storage;
  private final Ticker ticker;
  private final String nodeId;
  private long lastWarn;
  private boolean warned;
  private long lastCheckpointRetry;
  private long warnings;

  public LogDiskMonitor(MetadataStore store, LogStorage storage, Ticker ticker, String nodeId) {
    this.store = store;
    this.storage = storage;
    this.ticker = ticker;
    this.nodeId = nodeId;
    this.lastCheckpointRetry = ticker.read();
  }

  /** Free space below which the WARN line is logged, for a file system of {@code total} bytes. */
  public static long warnThreshold(long total) {
    return Math.min(total / 100 * WARN_FRACTION_PERCENT, WARN_BYTES);
  }

  /** How many low-space WARN lines were logged. */
  public long warnings() {
    return warnings;
  }

  @Override
  public void run() {
    try {
      check();
    } catch (Throwable t) { // the top of a periodic task: log, carry on next period
      log.error("{}: checking the data dir failed", nodeId, t);
    }
  }

  private void check() {
    long now = ticker.read();
    warnIfLow(now);
    if (store.readOnly()) {
      store.tryResume();
    } else if (store.checkpointer().failed()
        && now - lastCheckpointRetry >= CHECKPOINT_RETRY_EVERY.toNanos()) {
      lastCheckpointRetry = now;
      store.retryCheckpoint();
    }
  }

  private void warnIfLow(long now) {
    long free;
    long total;
    try {
      free = storage.usableSpace(store.dir());
      total = storage.totalSpace(store.dir());
    } catch (IOException e) {
      log.warn("{}: cannot read the free space of {}: {}", nodeId, store.dir(), e.toString());
      return;
    }
    long threshold = warnThreshold(total);
    if (free >= threshold) {
      warned = false;
      return;
    }
    if (!warned || now - lastWarn >= WARN_EVERY.toNanos()) {
      warned = true;
      lastWarn = now;
      warnings++;
      log.warn("{}: the master's data dir {} has {} bytes free of {} (under the warning "
          + "threshold of {}: 5% or 1 GiB, whichever is smaller); when it is full the master "
          + "turns read-only", nodeId, store.dir(), free, total, threshold);
    }
  }
}
