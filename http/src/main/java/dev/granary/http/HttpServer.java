package dev.granary.http;

import dev.granary.wire.net.ConnectionCap;
import dev.granary.wire.net.Transports;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/1.1 listener with its own event loops: plain HTTP, or HTTPS when given a TLS context
 * (a plain request on an HTTPS port gets a 400 that says so). Requests go to a {@link Router};
 * {@link HttpLimits} bound what a peer can make it hold.
 *
 * <p>Lifecycle: {@link #start}, then {@link #close()} (idempotent).
 */
public final class HttpServer implements AutoCloseable {
  /** Bytes of one decoded body piece handed to a handler. */
  private static final int MAX_CHUNK = 64 * 1024;

  private final EventLoopGroup group;
  private final Channel channel;
  private final String host;
  private final boolean secure;
  private boolean closed;

  private HttpServer(EventLoopGroup group, Channel channel, String host, boolean secure) {
    this.group = group;
    this.channel = channel;
    this.host = host;
    this.secure = secure;
  }

  /** Binding the listener failed. */
  public static final class BindFailure extends IOException {
    private static final long serialVersionUID = 1L;
    private final boolean addressInUse;

    BindFailure(String message, boolean addressInUse, Throwable cause) {
      super(message, cause);
      this.addressInUse = addressInUse;
    }

    /** Whether another socket holds the address (rather than, say, a host not on this machine). */
    public boolean addressInUse() {
      return addressInUse;
    }
  }

  /**
   * Binds {@code host:port} and serves until closed.
   *
   * @param name the node's id, first in log lines and thread names
   * @param port 0 for any free port (see {@link #port()})
   * @param tls the server context for HTTPS, or null for plain HTTP
   * @throws BindFailure if the address cannot be bound; its message says why in a few words
   */
  public static HttpServer start(String name, String host, int port, SslContext tls,
      Router router, HttpLimits limits) throws BindFailure {
    EventLoopGroup group = Transports.eventLoopGroup(limits.threads(), name + "-http");
    ConnectionCap cap = new ConnectionCap(name, "the HTTP listener's limit",
        limits.maxConnections());
    var bootstrap = Transports.serverBootstrap(group, group)
        .childOption(ChannelOption.AUTO_READ, false)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (!cap.admit(ch)) {
              return;
            }
            var p = ch.pipeline();
            if (tls != null) {
              p.addLast("tls", new OptionalSslHandler(tls));
            }
            p.addLast("codec", new HttpServerCodec(limits.maxRequestLine(),
                limits.maxHeaderBytes(), MAX_CHUNK));
            p.addLast("idle", new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(),
                TimeUnit.MILLISECONDS));
            p.addLast("one-at-a-time", new FlowControlHandler());
            p.addLast("continue", new HttpServerExpectContinueHandler());
            p.addLast("requests", new ConnectionHandler(name, router, limits, tls != null));
          }
        });
    var bound = bootstrap.bind(host, port).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      Throwable cause = bound.cause();
      boolean inUse = Transports.isAddressInUse(cause);
      throw new BindFailure(inUse ? "address already in use" : String.valueOf(cause.getMessage()),
          inUse, cause);
    }
    return new HttpServer(group, bound.channel(), host, tls != null);
  }

  /** The port bound (the one asked for, or the free one chosen for 0). */
  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Whether the listener speaks HTTPS. */
  public boolean secure() {
    return secure;
  }

  /** {@code http[s]://host:port/} as bound, for log lines. */
  public String url() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return (secure ? "https" : "http") + "://" + h + ":" + port() + "/";
  }

  /** Stops listening and closes every connection. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
