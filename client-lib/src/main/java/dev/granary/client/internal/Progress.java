package dev.granary.client.internal;

import dev.granary.client.TransferListener;
import java.util.concurrent.atomic.AtomicLong;

/** Cumulative byte count of one transfer, reported to a {@link TransferListener}. Thread-safe. */
final class Progress {
  private final TransferListener listener;
  private final AtomicLong done = new AtomicLong();

  public Progress(TransferListener listener) {
    this.listener = listener == null ? TransferListener.NONE : listener;
  }

  public void start(long total) {
    listener.onStart(total);
  }

  /** Adds {@code delta} bytes (negative after a chunk is retried from its start). */
  public void add(long delta) {
    if (delta != 0) {
      listener.onProgress(done.addAndGet(delta));
    }
  }

  public long done() {
    return done.get();
  }

  public void finish() {
    listener.onDone();
  }
}
