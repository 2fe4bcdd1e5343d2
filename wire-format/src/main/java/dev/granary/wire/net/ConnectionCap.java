package dev.granary.wire.net;

import io.netty.channel.Channel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the connections a server holds open at once. A server's channel initializer asks {@link
 * #admit(Channel)} first: a connection over the cap is closed at once, before any byte of it is
 * read, and everyone already connected keeps being served; a slot frees when its connection closes.
 *
 * <p>A refusal is logged as one WARN line, at most one per {@link #WARN_EVERY}, counting the
 * connections refused since the previous line, so a flood of connections does not flood the log.
 * Thread-safe: accepted channels live on several event loops.
 */
public final class ConnectionCap {
  private static final Logger log = LoggerFactory.getLogger(ConnectionCap.class);
  /** Least time between two WARN lines about refused connections. */
  public static final Duration WARN_EVERY = Duration.ofSeconds(10);

  private final String nodeId;
  private final String key;
  private final int max;
  private final LongSupplier nanoTime;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong unreported = new AtomicLong();
  private final AtomicLong nextWarnNanos;
  private final AtomicInteger warnings = new AtomicInteger();

  /**
   * @param nodeId the server's id, first in its log lines
   * @param key the config key that sets {@code max}, named in the WARN line
   * @param max connections open at once, at least 1
   * @throws IllegalArgumentException if {@code max} is below 1
   */
  public ConnectionCap(String nodeId, String key, int max) {
    this(nodeId, key, max, System::nanoTime);
  }

  ConnectionCap(String nodeId, String key, int max, LongSupplier nanoTime) {
    if (max < 1) {
      throw new IllegalArgumentException(key + " " + max + ": expected at least 1");
    }
    this.nodeId = nodeId;
    this.key = key;
    this.max = max;
    this.nanoTime = nanoTime;
    this.nextWarnNanos = new AtomicLong(nanoTime.getAsLong());
  }

  /**
   * Counts {@code ch} against the cap until it closes, or closes it at once if the cap is reached.
   *
   * @return true if admitted; false if {@code ch} was closed (the caller builds no pipeline)
   */
  public boolean admit(Channel ch) {
    for (int n = open.get(); ; n = open.get()) {
      if (n >= max) {
        refuse(ch);
        return false;
      }
      if (open.compareAndSet(n, n + 1)) {
        break;
      }
    }
    ch.closeFuture().addListener(f -> open.decrementAndGet());
    return true;
  }

  private void refuse(Channel ch) {
    refused.incrementAndGet();
    unreported.incrementAndGet();
    ch.close();
    long now = nanoTime.getAsLong();
    long next = nextWarnNanos.get();
    if (now - next >= 0 && nextWarnNanos.compareAndSet(next, now + WARN_EVERY.toNanos())) {
      warnings.incrementAndGet();
      log.warn("{}: closed a connection from {}: {} connections are open, the cap set by {}"
          + " ({} refused since the last such line, at most one every {}s)", nodeId,
          ch.remoteAddress(), max, key, unreported.getAndSet(0), WARN_EVERY.toSeconds());
    }
  }

  /** Connections admitted and not yet closed. */
  public int open() {
    return open.get();
  }

  /** Connections refused since start. */
  public long refused() {
    return refused.get();
  }

  /** WARN lines logged about refusals (tests check the rate limit). */
  int warnings() {
    return warnings.get();
  }
}
