package dev.granary.wire.net;

import dev.granary.wire.FrameDecoder;
import dev.granary.wire.FrameEncoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;

/**
 * One place for transport choices shared by every Granary process: event loops, socket options and
 * the frame codec at the bottom of every pipeline.
 */
public final class Transports {
  /** Socket buffers sized for 64 KiB packets streaming at loopback speed. */
  public static final int SOCKET_BUFFER = 1 << 20;
  /** Outbound bytes queued before a channel reports itself unwritable (back-pressure). */
  public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 * 1024,
      2 * 1024 * 1024);

  private Transports() {}

  /** An event loop group of daemon threads named {@code name-N}. */
  public static EventLoopGroup eventLoopGroup(int threads, String name) {
    return new NioEventLoopGroup(threads, new DefaultThreadFactory(name, true));
  }

  public static Bootstrap clientBootstrap(EventLoopGroup group, Duration connectTimeout) {
    return new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
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
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
        .childOption(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
  }

  /** Adds the frame codec (decoder, encoder) at the bottom of a pipeline. */
  public static void addCodec(ChannelPipeline p) {
    p.addLast("frame-decoder", new FrameDecoder());
    p.addLast("frame-encoder", FrameEncoder.INSTANCE);
  }
}
