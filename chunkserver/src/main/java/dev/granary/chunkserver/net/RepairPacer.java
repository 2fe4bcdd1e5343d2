package dev.granary.chunkserver.net;

import com.google.common.base.Ticker;
import dev.granary.chunkserver.scrub.Sleeper;
import dev.granary.chunkserver.scrub.TokenBucket;
import dev.granary.chunkserver.storage.Throttle;
import java.util.concurrent.TimeUnit;

/**
 * Paces this chunkserver's re-replication copies against its clients, adaptively: while no client
 * has read or written through this node for {@link #QUIET_MILLIS}, copies run
 * {@link #IDLE_COPIES} at a time at full speed (repair as fast as the disks and network allow); as
 * soon as one has, new copies start one at a time and all of them share {@link #BUSY_RATE} bytes
 * per second, so a client's stream keeps most of the node. The master bounds how many copies it
 * hands a node (by count and by bytes); this decides how many of those run.
 */
public final class RepairPacer {
  /** Copies at once on a node no client is using. */
  public static final int IDLE_COPIES = 4;
  /** Copies at once on a node clients are using. */
  static final int BUSY_COPIES = 1;
  /** Bytes per second all copies share on a node clients are using. */
  static final long BUSY_RATE = 32L << 20;
  /** How long after a client's last request the node counts as busy. */
  static final long QUIET_MILLIS = 1_000;

  private final Ticker ticker;
  private final TokenBucket busyBucket;
  private final Object lock = new Object();
  private volatile long lastClientNanos;
  private volatile boolean seenClient;
  private int running;

  public RepairPacer(Ticker ticker, Sleeper sleeper) {
    this.ticker = ticker;
    this.busyBucket = new TokenBucket(BUSY_RATE, BUSY_RATE / 8, ticker, sleeper);
  }

  /** A client read or wrote through this node now. Cheap: called for every client request. */
  public void clientActive() {
    lastClientNanos = ticker.read();
    seenClient = true;
  }

  /** Whether a client used this node within the last {@link #QUIET_MILLIS}. */
  public boolean busy() {
    return seenClient
        && ticker.read() - lastClientNanos < TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS);
  }

  /** Copies allowed to run at once now. */
  int limit() {
    return busy() ? BUSY_COPIES : IDLE_COPIES;
  }

  /**
   * Waits until one more copy may run; every return must be matched by {@link #end}. The limit is
   * looked at again every 100 ms, so waiting copies start when clients go quiet.
   */
  void begin() throws InterruptedException {
    synchronized (lock) {
      while (running >= limit()) {
        lock.wait(100);
      }
      running++;
    }
  }

  void end() {
    synchronized (lock) {
      running--;
      lock.notifyAll();
    }
  }

  int running() {
    synchronized (lock) {
      return running;
    }
  }

  /** What a copy calls before each block it sends: waits only while clients use this node. */
  Throttle throttle() {
    return bytes -> {
      if (busy()) {
        synchronized (busyBucket) {
          busyBucket.acquire(bytes);
        }
      }
    };
  }
}
