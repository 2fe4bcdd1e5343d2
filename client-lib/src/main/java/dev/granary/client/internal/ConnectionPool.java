package dev.granary.client.internal;

import dev.granary.wire.FrameDecoder;
import dev.granary.wire.Role;
import dev.granary.wire.net.Connection;
import io.netty.bootstrap.Bootstrap;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One multiplexed {@link Connection} per server ({@code host:port}), dialled on first use and
 * re-dialled after it closes. Concurrent callers asking for the same server share one dial. A
 * failed dial is not remembered: the next caller dials again, so backoff is the caller's policy.
 */
final class ConnectionPool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConnectionPool.class);

  private final Bootstrap bootstrap;
  private final String clientId;
  private final String software;
  private final Duration handshakeTimeout;
  private final MasterLogin login;
  private final Map<String, CompletableFuture<Connection>> connections = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private final SslContext tls;

  public ConnectionPool(Bootstrap bootstrap, String clientId, String software,
      Duration handshakeTimeout) {
    this(bootstrap, clientId, software, handshakeTimeout, null, MasterLogin.NONE);
  }

  /**
   * A pool whose connections run over {@code tls} (null: plaintext) and whose new connections to
   * the master first authenticate through {@code login}.
   */
  public ConnectionPool(Bootstrap bootstrap, String clientId, String software,
      Duration handshakeTimeout, SslContext tls, MasterLogin login) {
    this.tls = tls;
    this.bootstrap = bootstrap;
    this.clientId = clientId;
    this.software = software;
    this.handshakeTimeout = handshakeTimeout;
    this.login = login;
  }

  /** The live connection to {@code host:port}, dialling it if needed. */
  public CompletableFuture<Connection> getAsync(String host, int port) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("the Granary client is closed"));
    }
    String key = host + ":" + port;
    CompletableFuture<Connection> f = connections.compute(key, (k, old) -> {
      if (old != null && (!old.isDone() || (!old.isCompletedExceptionally()
          && old.join().isActive()))) {
        return old;
      }
      return dial(k, host, port);
    });
    return f;
  }

  /**
   * Blocks until the connection to {@code host:port} is ready.
   *
   * @throws Exception the dial's failure (connection refused or closed, handshake refused) or a
   *     {@link TimeoutException}
   */
  public Connection get(String host, int port, Duration timeout) throws Exception {
    CompletableFuture<Connection> f = getAsync(host, port);
    try {
      return f.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw unwrapped(e);
    } catch (TimeoutException e) {
      throw new TimeoutException("connecting to " + host + ":" + port + " took longer than "
          + timeout.toMillis() + " ms");
    }
  }

  private static Exception unwrapped(ExecutionException e) {
    Throwable t = Errors.unwrap(e);
    return t instanceof Exception ex ? ex : e;
  }

  private CompletableFuture<Connection> dial(String key, String host, int port) {
    log.debug("{}: connecting to {}", clientId, key);
    CompletableFuture<Connection> f = Connection.connect(bootstrap, host, port, Role.CLIENT,
        clientId, software, handshakeTimeout, tls).thenCompose(c -> login.login(c, key,
            handshakeTimeout).whenComplete((ok, e) -> {
              if (e != null) {
                c.close();
              }
            }));
    return f.thenApply(c -> {
      c.channel().pipeline().addLast("writability", new WritabilityGate());
      // Readers keep received data packets as retained slices of the decoder's cumulation until
      // they copy them out. With the default (merging) cumulator a shared cumulation is copied on
      // every socket read; the composite cumulator links the reads instead: no copy at all.
      c.channel().eventLoop().execute(() -> {
        FrameDecoder decoder = c.channel().pipeline().get(FrameDecoder.class);
        if (decoder != null) {
          decoder.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
        }
      });
      c.channel().closeFuture().addListener(x -> log.debug("{}: connection to {} closed",
          clientId, key));
      if (closed) {
        c.close();
      }
      return c;
    });
  }

  /** Closes {@code c} and forgets it, so the next request re-dials (e.g. after a timeout). */
  public void discard(Connection c) {
    c.close();
    connections.computeIfPresent(c.peer(), (k, f) -> f.isDone() && !f.isCompletedExceptionally()
        && f.join() == c ? null : f);
  }

  /** The writability gate of a pooled connection. */
  public static WritabilityGate gate(Connection c) {
    WritabilityGate g = c.channel().pipeline().get(WritabilityGate.class);
    return g == null ? WritabilityGate.CLOSED : g;
  }

  @Override
  public void close() {
    closed = true;
    for (CompletableFuture<Connection> f : connections.values()) {
      f.thenAccept(Connection::close);
    }
    connections.clear();
  }
}
