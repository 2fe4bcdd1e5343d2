package dev.granary.master.net;

import dev.granary.wire.Role;
import dev.granary.wire.net.ProtocolErrorHandler;
import dev.granary.wire.net.ServerHandshakeHandler;
import dev.granary.wire.net.Transports;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The master's pipeline: frame codec, idle timeout, HELLO handshake (clients and chunkservers),
 * the request dispatcher, and the protocol error handler last.
 */
public final class MasterChannelInitializer extends ChannelInitializer<SocketChannel> {
  private final String masterId;
  private final String software;
  private final Duration idleTimeout;
  private final RequestDispatcher dispatcher;
  private final ProtocolErrorHandler errors;

  public MasterChannelInitializer(String masterId, String software, Duration idleTimeout,
      RequestDispatcher dispatcher) {
    this.masterId = masterId;
    this.software = software;
    this.idleTimeout = idleTimeout;
    this.dispatcher = dispatcher;
    this.errors = new ProtocolErrorHandler(masterId);
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    Transports.addCodec(ch.pipeline());
    ch.pipeline().addLast("idle",
        new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
    ch.pipeline().addLast("handshake", new ServerHandshakeHandler(Role.MASTER, masterId, software,
        Set.of(Role.CLIENT, Role.CHUNKSERVER)));
    ch.pipeline().addLast("dispatcher", dispatcher);
    ch.pipeline().addLast("errors", errors);
  }
}
