package dev.granary.chunkserver.net;

import dev.granary.wire.Role;
import dev.granary.wire.net.ProtocolErrorHandler;
import dev.granary.wire.net.ServerHandshakeHandler;
import dev.granary.wire.net.Transports;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of every accepted chunkserver connection: frame codec, idle timeout (closes half-open
 * connections), the handshake (clients and other chunkservers only), the request router, and the
 * wire-format's catch-all last so garbage closes only its own connection.
 */
public final class ChunkChannelInitializer extends ChannelInitializer<SocketChannel> {
  private final ChunkServices svc;
  private final Duration idleTimeout;
  private final ProtocolErrorHandler errors;
  private final ChannelGroup connections;

  /** @param connections every accepted channel is added here, so shutdown can close them all */
  public ChunkChannelInitializer(ChunkServices svc, Duration idleTimeout,
      ChannelGroup connections) {
    this.svc = svc;
    this.idleTimeout = idleTimeout;
    this.connections = connections;
    this.errors = new ProtocolErrorHandler(svc.nodeId());
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    connections.add(ch);
    Transports.addCodec(ch.pipeline());
    ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idleTimeout.toMillis(),
        TimeUnit.MILLISECONDS));
    ch.pipeline().addLast("handshake", new ServerHandshakeHandler(Role.CHUNKSERVER, svc.nodeId(),
        svc.software(), EnumSet.of(Role.CLIENT, Role.CHUNKSERVER)));
    ch.pipeline().addLast("router", new RequestRouter(svc));
    ch.pipeline().addLast("errors", errors);
  }
}
