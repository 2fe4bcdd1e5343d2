package dev.granary.chunkserver.metrics;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What this chunkserver has done since it started: bytes served and written, replicas found
 * corrupt, read streams open, bytes the scrubber verified and how its last pass went. The network
 * handlers and the scrubber count here; the pulse carries three of the counters to the master,
 * and this node's {@code /metrics} shows them all. Thread-safe; counting never blocks.
 */
public final class NodeCounters {
  /**
   * One finished scrub pass.
   *
   * @param replicas replicas present when the pass began to read
   * @param checked replicas it read to the end (verified or found corrupt)
   * @param corrupt replicas found corrupt or vanished
   * @param bytes bytes verified
   * @param seconds how long the pass ran (its wait for the interval not counted)
   */
  public record ScrubPass(int replicas, int checked, int corrupt, long bytes, double seconds) {
    /** The share of the replicas the pass checked, 1 when there were none. */
    public double coverage() {
      return replicas == 0 ? 1 : (double) checked / replicas;
    }
  }

  private final LongAdder bytesRead = new LongAdder();
  private final LongAdder bytesWritten = new LongAdder();
  private final LongAdder corruptFound = new LongAdder();
  private final LongAdder scrubbed = new LongAdder();
  private final AtomicInteger readsOpen = new AtomicInteger();
  private volatile ScrubPass lastPass;

  public void read(long bytes) {
    bytesRead.add(bytes);
  }

  public void written(long bytes) {
    bytesWritten.add(bytes);
  }

  /** A replica was found corrupt or vanished (and reported). */
  public void corruptFound() {
    corruptFound.increment();
  }

  /** The scrubber verified {@code bytes} more. */
  public void scrubbed(long bytes) {
    scrubbed.add(bytes);
  }

  public void scrubPassDone(ScrubPass pass) {
    lastPass = pass;
  }

  public void readOpened() {
    readsOpen.incrementAndGet();
  }

  public void readClosed() {
    readsOpen.decrementAndGet();
  }

  public long bytesRead() {
    return bytesRead.sum();
  }

  public long bytesWritten() {
    return bytesWritten.sum();
  }

  public long corruptReplicasFound() {
    return corruptFound.sum();
  }

  public long bytesScrubbed() {
    return scrubbed.sum();
  }

  public int readsOpen() {
    return readsOpen.get();
  }

  /** The last finished scrub pass, or null before the first. */
  public ScrubPass lastScrubPass() {
    return lastPass;
  }
}
