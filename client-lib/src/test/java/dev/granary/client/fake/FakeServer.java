package dev.granary.client.fake;

import dev.granary.wire.Frame;
import dev.granary.wire.Role;
import dev.granary.wire.msg.Message;
import dev.granary.wire.net.ProtocolErrorHandler;
import dev.granary.wire.net.ServerHandshakeHandler;
import dev.granary.wire.net.Transports;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.Set;

/**
 * A test server on 127.0.0.1 speaking the real frame codec and handshake; subclasses answer the
 * requests. It can be stopped (connections dropped, port closed) and started again on the same
 * port, to play a server that is down.
 */
public abstract class FakeServer implements AutoCloseable {
  private final EventLoopGroup group;
  private final Role role;
  private final String id;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private Channel server;
  private int port;

  protected FakeServer(EventLoopGroup group, Role role, String id) {
    this.group = group;
    this.role = role;
    this.id = id;
  }

  public String id() {
    return id;
  }

  public int port() {
    return port;
  }

  public synchronized boolean running() {
    return server != null;
  }

  /** Binds a free port the first time, the same port afterwards. */
  public synchronized FakeServer start() {
    if (server != null) {
      return this;
    }
    server = Transports.serverBootstrap(group, group)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            channels.add(ch);
            Transports.addCodec(ch.pipeline());
            ch.pipeline().addLast(new ServerHandshakeHandler(role, id, "fake/1",
                Set.of(Role.CLIENT, Role.CHUNKSERVER)));
            ch.pipeline().addLast(new Dispatcher());
            ch.pipeline().addLast(new ProtocolErrorHandler(id));
          }
        })
        .bind("127.0.0.1", port).syncUninterruptibly().channel();
    port = ((InetSocketAddress) server.localAddress()).getPort();
    return this;
  }

  /** Closes the port and every connection. */
  public void stop() {
    Channel s;
    synchronized (this) {
      s = server;
      server = null;
    }
    // Waited for outside the lock: an event loop may be about to take it to answer a request.
    if (s != null) {
      s.close().syncUninterruptibly();
      channels.close().syncUninterruptibly();
    }
  }

  /** Drops every open connection but keeps serving. */
  public void dropConnections() {
    channels.close().syncUninterruptibly();
  }

  @Override
  public void close() {
    stop();
  }

  /** Handles one request frame; the frame is released afterwards by the caller. */
  protected abstract void onRequest(ChannelHandlerContext ctx, long requestId, Message message);

  protected static void reply(ChannelHandlerContext ctx, long requestId, Message m) {
    ctx.writeAndFlush(Frame.response(requestId, m));
  }

  private final class Dispatcher extends SimpleChannelInboundHandler<Frame> {
    Dispatcher() {
      super(false);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
      try {
        onRequest(ctx, frame.requestId(), frame.message());
      } finally {
        ReferenceCountUtil.release(frame);
      }
    }
  }
}
