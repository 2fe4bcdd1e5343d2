package dev.granary.chunkserver.net;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter: 100 ms doubling up to 5 s; each delay is 50-100% of the step. */
final class Backoff {
  static final long INITIAL_MILLIS = 100;
  static final long MAX_MILLIS = 5000;
  private long next = INITIAL_MILLIS;

  long nextDelayMillis() {
    long step = next;
    next = Math.min(MAX_MILLIS, next * 2);
    return step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
  }

  void reset() {
    next = INITIAL_MILLIS;
  }
}
