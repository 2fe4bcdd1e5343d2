package dev.granary.client;

/**
 * Progress of a put or get, e.g. for a progress bar. Called from the transferring threads; an
 * implementation must be thread-safe and quick. {@code onProgress} reports the cumulative bytes
 * done; after a chunk is retried on a fresh pipeline it may step back by that chunk's bytes.
 */
public interface TransferListener {
  /** A listener that ignores every event. */
  TransferListener NONE = new TransferListener() {
    @Override
    public void onStart(long totalBytesOrMinus1) {}

    @Override
    public void onProgress(long bytesDone) {}

    @Override
    public void onDone() {}
  };

  /** The transfer begins; the total is -1 if unknown. */
  void onStart(long totalBytesOrMinus1);

  /** Cumulative bytes transferred so far. */
  void onProgress(long bytesDone);

  /** The transfer completed successfully. */
  void onDone();
}
