package dev.granary.chunkserver.net;

import dev.granary.wire.Frame;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.msg.WriteChunkRequest;
import dev.granary.wire.msg.WriteDone;
import dev.granary.wire.msg.WritePacket;
import dev.granary.wire.net.Connection;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The next hop of one write stream: a request id on the {@link DownstreamPool}'s shared connection
 * to {@code downstream.get(0)}, the one on the transfer's own event loop. Every callback is delivered
 * on that loop (socket-write completions arriving elsewhere hop there), so the transfer's state
 * needs no locks. Packets that arrive before the connection is up are queued.
 *
 * <p>Back-pressure with a shared connection: the transfer pauses its upstream while this stream has
 * {@link #MAX_PENDING} packets not yet written to the socket (queued before the connect, or in the
 * channel's outbound buffer) or while the shared channel is above its high water mark. So one
 * stream holds at most a few MiB whatever the others do, and all of them together at most the water
 * mark plus that per stream.
 */
final class DownstreamLink implements Connection.Listener, DownstreamPool.WritableListener {
  /** What the transfer hears from downstream, always on the transfer's event loop. */
  interface Events {
    void downstreamFrame(Frame frame);

    void downstreamFailed(String why);

    void downstreamWritable();
  }

  /** Packets of this stream not yet written to the socket before the upstream is paused. */
  static final int MAX_PENDING = 32;

  private final NodeAddress target;
  private final EventLoop loop;
  private final DownstreamPool pool;
  private final Events events;
  private final ArrayDeque<WritePacket> pending = new ArrayDeque<>();
  /** Forwarded packets whose socket write has not completed; decremented on the connection's loop. */
  private final AtomicInteger unwritten = new AtomicInteger();
  private DownstreamPool.Lease lease;
  private Connection conn;
  private long requestId;
  private boolean opened;
  private boolean finalReply;
  private boolean closed;

  DownstreamLink(NodeAddress target, EventLoop loop, DownstreamPool pool, Events events) {
    this.target = target;
    this.loop = loop;
    this.pool = pool;
    this.events = events;
  }

  NodeAddress target() {
    return target;
  }

  /** Opens the same write stream downstream with the rest of the pipeline. */
  void open(WriteChunkRequest request) {
    lease = pool.acquire(target, loop);
    lease.connection().whenComplete((c, err) -> onLoop(() -> connected(c, err, request)));
  }

  private void onLoop(Runnable r) {
    if (loop.inEventLoop()) {
      r.run();
    } else {
      loop.execute(r);
    }
  }

  private void connected(Connection c, Throwable err, WriteChunkRequest request) {
    if (closed) {
      return;
    }
    if (err != null) {
      events.downstreamFailed("cannot connect: " + message(err));
      return;
    }
    conn = c;
    requestId = c.newRequestId();
    lease.onWritable(this);
    opened = true;
    c.listen(requestId, this);
    if (closed) {
      return; // the connection had closed already: listen() reported it
    }
    c.write(requestId, request);
    while (!pending.isEmpty()) {
      write(pending.poll());
    }
    c.flush();
    events.downstreamWritable();
  }

  private static String message(Throwable t) {
    Throwable cause = t;
    while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  /** Forwards a packet; takes ownership of one reference. */
  void forward(WritePacket packet) {
    if (closed) {
      packet.release();
    } else if (conn == null) {
      pending.add(packet);
    } else {
      write(packet);
    }
  }

  private void write(WritePacket packet) {
    unwritten.incrementAndGet();
    conn.write(requestId, packet).addListener(f -> {
      // Crossing back below the cap is the moment a paused transfer may resume.
      if (unwritten.decrementAndGet() == MAX_PENDING - 1) {
        writable();
      }
    });
  }

  void flush() {
    if (conn != null && !closed) {
      conn.flush();
    }
  }

  /** True while the transfer should stop reading from upstream. */
  boolean lagging() {
    if (conn == null) {
      return pending.size() >= MAX_PENDING;
    }
    return unwritten.get() >= MAX_PENDING || !conn.channel().isWritable();
  }

  /**
   * Ends this stream's use of the shared connection. If the downstream may still hold the stream
   * open (no WriteDone or ERROR came back), the connection is retired so that closing it aborts
   * the downstream half once its other streams are done.
   */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    while (!pending.isEmpty()) {
      pending.poll().release();
    }
    if (conn != null) {
      conn.unlisten(requestId);
    }
    if (lease != null) {
      lease.removeWritable(this);
      lease.release(opened && !finalReply);
    }
  }

  /** The shared channel became writable, or this stream's unwritten packets dropped below the cap. */
  @Override
  public void writable() {
    onLoop(() -> {
      if (!closed) {
        events.downstreamWritable();
      }
    });
  }

  @Override
  public void onFrame(Frame frame) {
    try {
      onLoop(() -> {
        if (closed) {
          ReferenceCountUtil.release(frame);
          return;
        }
        if (frame.message() instanceof WriteDone || frame.message() instanceof ErrorReply) {
          finalReply = true;
        }
        events.downstreamFrame(frame);
      });
    } catch (RejectedExecutionException e) {
      ReferenceCountUtil.release(frame); // the transfer's loop has shut down
    }
  }

  @Override
  public void onClosed(Throwable cause) {
    onLoop(() -> {
      if (!closed) {
        events.downstreamFailed("connection closed");
      }
    });
  }
}
