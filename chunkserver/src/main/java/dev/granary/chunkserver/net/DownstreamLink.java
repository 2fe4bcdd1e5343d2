package dev.granary.chunkserver.net;

import dev.granary.wire.Frame;
import dev.granary.wire.Role;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.msg.WriteChunkRequest;
import dev.granary.wire.msg.WritePacket;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The next hop of a write pipeline: one connection per transfer to {@code downstream.get(0)},
 * opened on the upstream channel's own event loop so that every callback runs on the thread that
 * owns the transfer's state (no locks). Packets that arrive before the connection is up are queued;
 * the transfer pauses its upstream while that queue or the socket is full.
 */
final class DownstreamLink implements Connection.Listener {
  /** What the transfer hears from downstream, always on the transfer's event loop. */
  interface Events {
    void downstreamFrame(Frame frame);

    void downstreamFailed(String why);

    void downstreamWritable();
  }

  static final int MAX_PENDING = 32;

  private final NodeAddress target;
  private final EventLoop loop;
  private final Events events;
  private final ArrayDeque<WritePacket> pending = new ArrayDeque<>();
  private Connection conn;
  private long requestId;
  private boolean closed;

  DownstreamLink(NodeAddress target, EventLoop loop, Events events) {
    this.target = target;
    this.loop = loop;
    this.events = events;
  }

  NodeAddress target() {
    return target;
  }

  /** Connects and opens the same write stream downstream with the rest of the pipeline. */
  void open(WriteChunkRequest request, String nodeId, String software, Duration timeout) {
    Bootstrap b = Transports.clientBootstrap(loop, timeout);
    Connection.connect(b, target.host(), target.port(), Role.CHUNKSERVER, nodeId, software,
        timeout).whenComplete((c, err) -> loop.execute(() -> connected(c, err, request)));
  }

  private void connected(Connection c, Throwable err, WriteChunkRequest request) {
    if (err != null) {
      if (!closed) {
        events.downstreamFailed("cannot connect: " + message(err));
      }
      return;
    }
    if (closed) {
      c.close();
      return;
    }
    conn = c;
    c.channel().pipeline().addLast("writability", new ChannelInboundHandlerAdapter() {
      @Override
      public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
          events.downstreamWritable();
        }
        ctx.fireChannelWritabilityChanged();
      }
    });
    requestId = c.newRequestId();
    c.listen(requestId, this);
    c.write(requestId, request);
    while (!pending.isEmpty()) {
      c.write(requestId, pending.poll());
    }
    c.flush();
    events.downstreamWritable();
  }

  private static String message(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** Forwards a packet; takes ownership of one reference. */
  void forward(WritePacket packet) {
    if (closed) {
      packet.release();
    } else if (conn == null) {
      pending.add(packet);
    } else {
      conn.write(requestId, packet);
    }
  }

  void flush() {
    if (conn != null && !closed) {
      conn.flush();
    }
  }

  /** True while the transfer should stop reading from upstream. */
  boolean lagging() {
    return conn == null ? pending.size() >= MAX_PENDING : !conn.channel().isWritable();
  }

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
      conn.close();
    }
  }

  @Override
  public void onFrame(Frame frame) {
    if (closed) {
      ReferenceCountUtil.release(frame);
      return;
    }
    events.downstreamFrame(frame);
  }

  @Override
  public void onClosed(Throwable cause) {
    if (!closed) {
      events.downstreamFailed("connection closed");
    }
  }
}
