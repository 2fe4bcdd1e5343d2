package dev.granary.master.replication;

import com.google.common.base.Ticker;
import java.util.concurrent.TimeUnit;

/**
 * Milliseconds on the monotonic ticker: every duration of the chunk side (pulses, deadlines,
 * garbage lifetimes) is measured on it, so a step of the wall clock (NTP, a VM resumed) neither
 * declares nodes dead nor stretches a timeout (HDFS-6841). Only differences of it mean anything.
 */
final class Ticks {
  private Ticks() {}

  static long millis(Ticker ticker) {
    return TimeUnit.NANOSECONDS.toMillis(ticker.read());
  }
}
