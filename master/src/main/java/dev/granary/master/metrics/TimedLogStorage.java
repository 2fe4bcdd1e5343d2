package dev.granary.master.metrics;

import com.google.common.base.Ticker;
import dev.granary.master.journal.LogStorage;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * A {@link LogStorage} that times every group-commit fsync of the operation log into
 * {@code granary_journal_fsync_duration_seconds}: the latency every mutation waits for.
 */
final class TimedLogStorage implements LogStorage {
  /** From a write cache's tens of microseconds to a disk in trouble. */
  static final double[] BUCKETS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
      0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

  private final LogStorage storage;
  private final Ticker ticker;
  private final Histogram fsyncs;

  TimedLogStorage(LogStorage storage, Ticker ticker, PrometheusRegistry registry) {
    this.storage = storage;
    this.ticker = ticker;
    this.fsyncs = Histogram.builder().name("granary_journal_fsync_duration_seconds")
        .help("Time of each fsync of the operation log (one per group-commit batch of"
            + " mutations).")
        .unit(Unit.SECONDS).classicOnly().classicUpperBounds(BUCKETS).register(registry);
  }

  @Override
  public FileChannel open(Path file, OpenOption... options) throws IOException {
    return storage.open(file, options);
  }

  @Override
  public long usableSpace(Path dir) throws IOException {
    return storage.usableSpace(dir);
  }

  @Override
  public long totalSpace(Path dir) throws IOException {
    return storage.totalSpace(dir);
  }

  @Override
  public void forceLog(FileChannel log) throws IOException {
    long start = ticker.read();
    try {
      storage.forceLog(log);
    } finally {
      fsyncs.observe(Unit.nanosToSeconds(ticker.read() - start));
    }
  }
}
