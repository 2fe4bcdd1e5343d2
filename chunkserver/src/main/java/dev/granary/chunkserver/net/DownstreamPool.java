package dev.granary.chunkserver.net;

import com.google.common.base.Ticker;
import dev.granary.wire.Role;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.net.Connection;
import io.netty.bootstrap.Bootstrap;
import io.netty.handler.ssl.SslContext;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections this chunkserver opens to other chunkservers (next pipeline hops, copy targets):
 * one multiplexed {@link Connection} per node address and event loop, opened on first use and shared
 * by every stream to that node from that loop, each stream on its own request id.
 *
 * <p>Design note. A new TCP connection and HELLO handshake per write cost more than the whole write
 * of a small chunk, so they are paid once per pair of nodes, as HDFS's and GFS's long-lived data
 * connections do. There is one connection per event loop of this node (a handful: one per core)
 * rather than a single one: a stream's downstream then lives on its own upstream's loop, so packets
 * are forwarded and acks delivered without a thread hop (measured: 4 KiB pipeline writes about 25%
 * faster at the median and twice as fast at p90 on a loaded 2-core machine), and the pipeline
 * traffic of many streams spreads over all loops of the next node instead of one. A connection
 * that closes (peer died, idle) is dropped from the pool at once and
 * replaced on next use; its streams fail through their listeners. Closing a dedicated connection was
 * how a stream used to abort its downstream half, and the protocol has no other way to abandon a
 * write stream. So a stream that ends without its downstream's final reply {@linkplain
 * Lease#release(boolean) abandons} the connection: it is retired from the pool (new streams get a
 * fresh one) and closed as soon as its last stream ends, which aborts the abandoned downstream
 * stream without failing its neighbours. Idle connections are closed after {@code idleAfter}, before
 * the peer's idle timeout can race a new stream.
 *
 * <p>Thread-safe; the bookkeeping is guarded by {@code this}, never held across I/O.
 */
public final class DownstreamPool implements AutoCloseable {
  /** Told when a shared connection becomes writable again; may run on any thread. */
  interface WritableListener {
    void writable();
  }

  private final Bootstrap bootstrap;
  private final String nodeId;
  private final String software;
  private final Duration timeout;
  private final Duration idleAfter;
  private final SslContext tls;
  private final Ticker ticker;
  private final Map<Key, Entry> entries = new HashMap<>();
  private boolean closed;

  /**
   * @param bootstrap client bootstrap whose event loops run the connections
   * @param timeout connect + handshake timeout
   * @param idleAfter a connection without streams for this long is closed
   */
  public DownstreamPool(Bootstrap bootstrap, String nodeId, String software, Duration timeout,
      Duration idleAfter, Ticker ticker) {
    this(bootstrap, nodeId, software, timeout, idleAfter, ticker, null);
  }

  /** @param tls this node's TLS client context (it presents its certificate), or null */
  public DownstreamPool(Bootstrap bootstrap, String nodeId, String software, Duration timeout,
      Duration idleAfter, Ticker ticker, SslContext tls) {
    this.tls = tls;
    this.ticker = ticker;
    this.bootstrap = bootstrap;
    this.nodeId = nodeId;
    this.software = software;
    this.timeout = timeout;
    this.idleAfter = idleAfter;
  }

  /** One stream's use of a shared connection; released exactly once. */
  public final class Lease {
    private final Entry entry;
    private boolean released;

    private Lease(Entry entry) {
      this.entry = entry;
    }

    /** Completes with the connected, handshaken connection, or fails as the connect did. */
    public CompletableFuture<Connection> connection() {
      return entry.future;
    }

    void onWritable(WritableListener l) {
      entry.writable.add(l);
    }

    /**
     * Ends this stream's use. {@code abandoned} means the peer may still hold the stream open (it
     * sent no final reply): the connection is then retired and closed once its streams are done.
     */
    public void release(boolean abandoned) {
      Connection close;
      synchronized (DownstreamPool.this) {
        if (released) {
          return;
        }
        released = true;
        entry.leases--;
        entry.lastUsedNanos = ticker.read();
        if (abandoned) {
          retire(entry);
        }
        close = entry.retired && entry.leases == 0 ? entry.connectedOrNull() : null;
      }
      if (close != null) {
        close.close();
      }
    }

    /** Forgets a writability listener registered by this stream. */
    void removeWritable(WritableListener l) {
      entry.writable.remove(l);
    }
  }

  /** A node address and the event loop its connection runs on. */
  private record Key(String hostPort, EventLoop loop) {}

  private final class Entry {
    final Key key;
    final CompletableFuture<Connection> future = new CompletableFuture<>();
    final Set<WritableListener> writable = ConcurrentHashMap.newKeySet();
    int leases;
    boolean retired;
    long lastUsedNanos;

    Entry(Key key) {
      this.key = key;
      this.lastUsedNanos = ticker.read();
    }

    Connection connectedOrNull() {
      return future.isDone() && !future.isCompletedExceptionally() ? future.join() : null;
    }
  }

  /**
   * Leases the shared connection to {@code target} on {@code loop}, opening it if there is none (or
   * the one there has closed). The lease's future fails if the pool is closed or the connect fails.
   *
   * @param loop the event loop the connection must run on, so the caller's callbacks need no hop;
   *     null for any of the bootstrap's loops (callers off the event loops)
   */
  public Lease acquire(NodeAddress target, EventLoop loop) {
    Key key = new Key(target.host() + ":" + target.port(),
        loop != null ? loop : bootstrap.config().group().next());
    Entry e;
    boolean open = false;
    synchronized (this) {
      e = entries.get(key);
      if (e != null) {
        Connection c = e.connectedOrNull();
        if (e.future.isCompletedExceptionally() || (c != null && !c.isActive())) {
          retire(e);
          e = null;
        }
      }
      if (e == null) {
        e = new Entry(key);
        if (closed) {
          e.retired = true;
          e.future.completeExceptionally(new IllegalStateException(nodeId + " is shutting down"));
        } else {
          entries.put(key, e);
          open = true;
        }
      }
      e.leases++;
    }
    if (open) {
      connect(e, target);
    }
    return new Lease(e);
  }

  private void connect(Entry e, NodeAddress target) {
    CompletableFuture<Connection> connecting;
    try {
      connecting = Connection.connect(bootstrap.clone(e.key.loop()), target.host(), target.port(),
          Role.CHUNKSERVER, nodeId, software, timeout, tls);
    } catch (RuntimeException ex) {
      // E.g. the event loops are shutting down: fail this entry rather than leave it pending.
      connecting = CompletableFuture.failedFuture(ex);
    }
    connecting.whenComplete((c, err) -> connected(e, c, err));
  }

  private void connected(Entry e, Connection c, Throwable err) {
    if (err != null) {
      synchronized (this) {
        retire(e);
      }
      e.future.completeExceptionally(err);
      return;
    }
    c.channel().pipeline().addLast("writability", new ChannelInboundHandlerAdapter() {
      @Override
      public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
          for (WritableListener l : e.writable) {
            l.writable();
          }
        }
        ctx.fireChannelWritabilityChanged();
      }
    });
    // A closed connection leaves the pool at once; the next stream to that node opens a new one.
    c.channel().closeFuture().addListener(f -> {
      synchronized (this) {
        retire(e);
      }
    });
    boolean closeNow;
    synchronized (this) {
      closeNow = closed || (e.retired && e.leases == 0);
    }
    e.future.complete(c);
    if (closeNow) {
      c.close();
    }
  }

  /** Takes an entry out of the pool: no new stream gets it. Caller holds the lock. */
  private void retire(Entry e) {
    e.retired = true;
    entries.remove(e.key, e);
  }

  /** Closes connections that have had no stream for {@code idleAfter}; run it periodically. */
  public void closeIdle() {
    List<Connection> idle = new ArrayList<>();
    long now = ticker.read();
    synchronized (this) {
      for (Entry e : new ArrayList<>(entries.values())) {
        Connection c = e.connectedOrNull();
        if (c != null && e.leases == 0 && now - e.lastUsedNanos > idleAfter.toNanos()) {
          retire(e);
          idle.add(c);
        }
      }
    }
    idle.forEach(Connection::close);
  }

  /** Connections currently in the pool (tests). */
  synchronized int size() {
    return entries.size();
  }

  /** Closes every pooled connection; their streams fail. Later leases fail at once. */
  @Override
  public void close() {
    List<Connection> all = new ArrayList<>();
    synchronized (this) {
      closed = true;
      for (Entry e : entries.values()) {
        e.retired = true;
        Connection c = e.connectedOrNull();
        if (c != null) {
          all.add(c);
        }
      }
      entries.clear();
    }
    all.forEach(Connection::close);
  }
}
