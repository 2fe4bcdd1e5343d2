package dev.granary.http;

import java.time.Duration;

/**
 * What one HTTP listener lets a peer use. A request over a limit is answered with an error (414,
 * 431, 413) and its connection closed; a connection over {@code maxConnections} is closed before
 * any byte of it is read.
 *
 * @param maxRequestLine bytes of the request line (method, target, version); a path may be 4,096
 *     bytes of UTF-8, percent-encoded to three times that
 * @param maxHeaderBytes bytes of all header lines together
 * @param maxBufferedBody bytes of a request body a handler asks to receive whole (see {@link
 *     BufferedBody}); streaming handlers are not bound by it
 * @param maxConnections connections held open at once
 * @param idleTimeout a connection with no byte read or written this long is closed
 * @param threads event loop threads of the listener
 */
public record HttpLimits(int maxRequestLine, int maxHeaderBytes, int maxBufferedBody,
    int maxConnections, Duration idleTimeout, int threads) {

  /**
   * @throws IllegalArgumentException if a limit is not positive
   */
  public HttpLimits {
    if (maxRequestLine < 64 || maxHeaderBytes < 256 || maxBufferedBody < 0
        || maxConnections < 1 || idleTimeout.isNegative() || idleTimeout.isZero()
        || threads < 1) {
      throw new IllegalArgumentException("invalid HTTP limits " + this);
    }
  }

  /** Limits that suit a dashboard, a scraper and the REST API on one node. */
  public static HttpLimits defaults() {
    return new HttpLimits(16 * 1024, 16 * 1024, 1 << 20, 256, Duration.ofSeconds(60), 2);
  }

  /** These limits with {@code maxConnections} set to {@code n}. */
  public HttpLimits withMaxConnections(int n) {
    return new HttpLimits(maxRequestLine, maxHeaderBytes, maxBufferedBody, n, idleTimeout,
        threads);
  }

  /** These limits with {@code idleTimeout} set to {@code d}. */
  public HttpLimits withIdleTimeout(Duration d) {
    return new HttpLimits(maxRequestLine, maxHeaderBytes, maxBufferedBody, maxConnections, d,
        threads);
  }

  /** These limits with {@code maxBufferedBody} set to {@code bytes}. */
  public HttpLimits withMaxBufferedBody(int bytes) {
    return new HttpLimits(maxRequestLine, maxHeaderBytes, bytes, maxConnections, idleTimeout,
        threads);
  }
}
