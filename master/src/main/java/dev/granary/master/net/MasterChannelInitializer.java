package dev.granary.master.net;

import dev.granary.wire.Role;
import dev.granary.wire.net.Backpressure;
import dev.granary.wire.net.ConnectionCap;
import dev.granary.wire.net.ProtocolErrorHandler;
import dev.granary.wire.net.ServerHandshakeHandler;
import dev.granary.wire.net.Transports;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The master's pipeline: connection cap, TLS (secured clusters), frame codec, idle timeout, back-pressure, HELLO handshake
 * (clients and chunkservers), the request dispatcher, and the protocol error handler last.
 */
public final class MasterChannelInitializer extends ChannelInitializer<SocketChannel> {
  /**
   * Requests of one connection being served at once before the master stops reading from it. The
   * client library keeps one master connection per client and calls it from many threads; 1,024
   * lets a bench's worth of them (and a journal group commit's batch) through, while a peer that
   * pipelines without end gets no more.
   */
  static final int MAX_IN_FLIGHT = 1024;

  private final String masterId;
  private final String software;
  private final Duration idleTimeout;
  private final RequestDispatcher dispatcher;
  private final ProtocolErrorHandler errors;
  private final ConnectionCap cap;
  private final SslContext tls;

  /** @param maxConnections connections held open at once ({@code master.maxConnections}) */
  public MasterChannelInitializer(String masterId, String software, Duration idleTimeout,
      RequestDispatcher dispatcher, int maxConnections) {
    this(masterId, software, idleTimeout, dispatcher, maxConnections, null);
  }

  /**
   * @param tls the master's TLS context when the cluster is secured (every connection TLS, nodes
   *     known by their certificates), or null for {@code security: none}
   */
  public MasterChannelInitializer(String masterId, String software, Duration idleTimeout,
      RequestDispatcher dispatcher, int maxConnections, SslContext tls) {
    this.tls = tls;
    this.masterId = masterId;
    this.software = software;
    this.idleTimeout = idleTimeout;
    this.dispatcher = dispatcher;
    this.errors = new ProtocolErrorHandler(masterId);
    this.cap = new ConnectionCap(masterId, "master.maxConnections", maxConnections);
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    if (!cap.admit(ch)) {
      return;
    }
    Transports.addServerTls(ch.pipeline(), tls);
    Transports.addCodec(ch.pipeline());
    ch.pipeline().addLast("idle",
        new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
    ch.pipeline().addLast("backpressure", new Backpressure(MAX_IN_FLIGHT));
    ch.pipeline().addLast("handshake", new ServerHandshakeHandler(Role.MASTER, masterId, software,
        Set.of(Role.CLIENT, Role.CHUNKSERVER), tls != null));
    ch.pipeline().addLast("dispatcher", dispatcher);
    ch.pipeline().addLast("errors", errors);
  }
}
