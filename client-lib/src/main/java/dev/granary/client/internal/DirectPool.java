package dev.granary.client.internal;

import dev.granary.wire.net.ConnectionClosedException;
import dev.granary.wire.net.RemoteException;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Idle {@link DirectConnection}s per server ({@code host:port}), each lent to one caller at a time.
 * A caller that finds none idle dials its own; at most {@link #MAX_IDLE_PER_PEER} are kept idle per
 * server, and one idle longer than {@code maxIdle} is closed instead of reused (servers close idle
 * connections after a minute). {@link #close()} closes every connection, lent ones too, so callers
 * blocked on one fail at once. Thread-safe.
 */
final class DirectPool implements AutoCloseable {
  /** Connections kept idle per server. */
  static final int MAX_IDLE_PER_PEER = 8;

  /** One request (or stream) over a lent connection. */
  interface Exchange<T> {
    T run(DirectConnection c) throws Exception;
  }

  private final String clientId;
  private final String software;
  private final Duration dialTimeout;
  private final long maxIdleNanos;
  private final SslContext tls;
  private final MasterLogin login;
  private final Map<String, Deque<DirectConnection>> idle = new HashMap<>();
  private final Set<DirectConnection> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * @param dialTimeout longest a dial and handshake may take
   * @param maxIdle how long an idle connection may be kept for reuse
   */
  public DirectPool(String clientId, String software, Duration dialTimeout, Duration maxIdle) {
    this(clientId, software, dialTimeout, maxIdle, null, MasterLogin.NONE);
  }

  /**
   * A pool whose connections run over {@code tls} (null: plaintext) and whose new connections to
   * the master first authenticate through {@code login}.
   */
  public DirectPool(String clientId, String software, Duration dialTimeout, Duration maxIdle,
      SslContext tls, MasterLogin login) {
    this.tls = tls;
    this.clientId = clientId;
    this.software = software;
    this.dialTimeout = dialTimeout;
    this.maxIdleNanos = maxIdle.toNanos();
    this.login = login;
  }

  /**
   * Runs {@code exchange} over a connection to {@code host:port}: an idle one, else a new one. The
   * connection is kept for reuse if the exchange returned or threw a {@link RemoteException} (an
   * error answer leaves the connection clean), and closed after any other failure. If a reused
   * connection turns out closed by the server, the exchange runs once more on a new connection.
   *
   * @param timeout longest the dial may take
   * @throws Exception what the dial (a {@link ConnectionClosedException}, a
   *     {@link RemoteException} refusing the handshake, a {@link TimeoutException}, or an
   *     {@link IllegalStateException} once the pool is closed) or the exchange threw
   */
  <T> T exchange(String host, int port, Duration timeout, Exchange<T> exchange)
      throws Exception {
    String key = host + ":" + port;
    DirectConnection c = takeIdle(key);
    boolean reused = c != null;
    while (true) {
      if (c == null) {
        c = dial(host, port, timeout);
      }
      try {
        T result = exchange.run(c);
        giveBack(key, c);
        return result;
      } catch (RemoteException e) {
        giveBack(key, c);
        throw e;
      } catch (Exception e) {
        discard(c);
        if (!reused || !(e instanceof ConnectionClosedException) || closed) {
          throw e;
        }
        // The server closed the idle connection (restarted, or its idle timeout): a new one.
        reused = false;
        c = null;
      }
    }
  }

  /**
   * Lends a connection to {@code host:port} (an idle one, else a new one) for a stream of requests;
   * the caller gives it back with {@link #giveBack} once nothing is left unread on it, or
   * {@link #discard}s it.
   *
   * @param timeout longest the dial may take
   */
  DirectConnection borrow(String host, int port, Duration timeout)
      throws IOException, TimeoutException, RemoteException {
    DirectConnection c;
    while ((c = takeIdle(host + ":" + port)) != null) {
      // A lent connection's first request may not be safe to repeat (a write stream), so one the
      // server has closed is found out here, not by failing it. exchange() needs no such check:
      // it repeats its request once on a new connection instead, without a system call per call.
      if (!c.broken()) {
        return c;
      }
      discard(c);
    }
    return dial(host, port, timeout);
  }

  /** Returns a lent connection for reuse; it must have nothing left unread. */
  void giveBack(DirectConnection c) {
    giveBack(c.peer(), c);
  }

  private DirectConnection dial(String host, int port, Duration timeout)
      throws IOException, TimeoutException, RemoteException {
    if (closed) {
      // Not a transient failure: nothing will ever be dialled again (as ConnectionPool says).
      throw new IllegalStateException("the Granary client is closed");
    }
    Duration t = timeout.compareTo(dialTimeout) < 0 ? timeout : dialTimeout;
    DirectConnection c = DirectConnection.dial(host, port, clientId, software, t, tls);
    open.add(c);
    if (closed) {
      discard(c);
      throw new IllegalStateException("the Granary client is closed");
    }
    try {
      login.login(c, t.toNanos());
    } catch (IOException | TimeoutException | RemoteException | RuntimeException e) {
      discard(c);
      throw e;
    } catch (Exception e) {
      discard(c);
      throw new IllegalStateException("authenticating to " + c.peer() + ": " + e, e);
    }
    return c;
  }

  private DirectConnection takeIdle(String key) {
    long now = System.nanoTime();
    while (true) {
      DirectConnection c;
      synchronized (idle) {
        Deque<DirectConnection> q = idle.get(key);
        c = q == null ? null : q.pollFirst();
      }
      if (c == null) {
        return null;
      }
      if (now - c.lastUsedNanos() < maxIdleNanos) {
        return c;
      }
      discard(c);
    }
  }

  private void giveBack(String key, DirectConnection c) {
    c.idle();
    if (!closed) {
      synchronized (idle) {
        Deque<DirectConnection> q = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
        if (q.size() < MAX_IDLE_PER_PEER) {
          q.addFirst(c); // the most recently used first: the others age out
          return;
        }
      }
    }
    discard(c);
  }

  /** Closes a connection that was lent or is being given up. */
  void discard(DirectConnection c) {
    open.remove(c);
    c.close();
  }

  /** Connections open now, idle or lent (for tests). */
  int openConnections() {
    return open.size();
  }

  @Override
  public void close() {
    closed = true;
    synchronized (idle) {
      idle.clear();
    }
    for (DirectConnection c : open) {
      discard(c);
    }
  }
}
