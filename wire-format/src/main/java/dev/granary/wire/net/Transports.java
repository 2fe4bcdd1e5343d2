package dev.granary.wire.net;

import dev.granary.wire.FrameDecoder;
import dev.granary.wire.FrameEncoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.Locale;

/**
 * One place for transport choices shared by every Granary process: event loops, socket options and
 * the frame codec at the bottom of every pipeline.
 *
 * <p>On Linux the native epoll transport is used: it wakes an idle event loop with an eventfd and
 * sends replica blocks with {@code sendfile(2)} straight from the file descriptor, which cuts the
 * latency of small requests (a metadata call is two such wake-ups end to end). Elsewhere, or with
 * {@code -Dgranary.transport=nio}, the JDK's NIO transport is used; both carry the same bytes.
 */
public final class Transports {
  /**
   * Socket buffers (send and receive), sized for 1 MiB read packets streaming at loopback speed:
   * with 1 MiB, a sender could have one packet in flight and a half; 4 MiB measured ~30% faster
   * chunkserver reads (ChunkserverBench cs_read, medians 2,506 / 2,670 -> 2,752 / 3,681 MiB/s).
   * A limit, not an allocation: the kernel holds only what is queued. Linux caps it at
   * {@code net.core.wmem_max} / {@code rmem_max} (4 MiB on common distributions).
   */
  public static final int SOCKET_BUFFER = 4 << 20;
  /**
   * Outbound bytes queued before a channel reports itself unwritable (2 MiB) and again writable
   * (512 KiB). A server stops reading from a connection in between ({@link Backpressure}), so a
   * peer that does not read its replies holds about this much of the server's memory.
   */
  public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 * 1024,
      2 * 1024 * 1024);

  private static final boolean EPOLL = chooseEpoll();

  private Transports() {}

  private static boolean chooseEpoll() {
    String forced = System.getProperty("granary.transport", "").toLowerCase(Locale.ROOT);
    if (forced.equals("nio")) {
      return false;
    }
    return Epoll.isAvailable();
  }

  /** An event loop group of daemon threads named {@code name-N}. */
  public static EventLoopGroup eventLoopGroup(int threads, String name) {
    DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
    return EPOLL ? new EpollEventLoopGroup(threads, factory)
        : new NioEventLoopGroup(threads, factory);
  }

  private static Class<? extends SocketChannel> socketChannel() {
    return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  private static Class<? extends ServerChannel> serverChannel() {
    return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public static Bootstrap clientBootstrap(EventLoopGroup group, Duration connectTimeout) {
    return new Bootstrap()
        .group(group)
        .channel(socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
        .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis())));
  }

  public static ServerBootstrap serverBootstrap(EventLoopGroup boss, EventLoopGroup workers) {
    return new ServerBootstrap()
        .group(boss, workers)
        .channel(serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
        .childOption(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
  }

  /**
   * True if {@code t} (or its cause) says a listening socket could not bind its address because it
   * is in use (not, say, missing from this host): the NIO transport throws a
   * {@link java.net.BindException} "Address already in use", the epoll transport a native exception
   * naming {@code bind(..)} and the same error.
   */
  public static boolean isAddressInUse(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof java.net.BindException b
          && String.valueOf(b.getMessage()).contains("in use")) {
        return true;
      }
      if (c instanceof io.netty.channel.unix.Errors.NativeIoException n
          && String.valueOf(n.getMessage()).startsWith("bind(")
          && String.valueOf(n.getMessage()).contains("in use")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Adds TLS at the bottom of a server pipeline when {@code tls} is not null: the first bytes of a
   * connection decide — a TLS ClientHello gets the handshake, anything else stays plaintext so that
   * the HELLO handshake can refuse it with a readable ERROR frame instead of a broken TLS record.
   */
  public static void addServerTls(ChannelPipeline p, SslContext tls) {
    if (tls != null) {
      p.addLast("tls", new OptionalSslHandler(tls));
    }
  }

  /** Adds the frame codec (decoder, encoder) at the bottom of a pipeline. */
  public static void addCodec(ChannelPipeline p) {
    p.addLast("frame-decoder", new FrameDecoder());
    p.addLast("frame-encoder", FrameEncoder.INSTANCE);
  }
}
