package dev.granary.chunkserver.net;

import dev.granary.wire.Role;
import dev.granary.wire.net.Backpressure;
import dev.granary.wire.net.ConnectionCap;
import dev.granary.wire.net.ProtocolErrorHandler;
import dev.granary.wire.net.ServerHandshakeHandler;
import dev.granary.wire.net.Transports;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of every accepted chunkserver connection: the connection cap, frame codec, idle
 * timeout (closes half-open connections), back-pressure, the handshake (clients and other
 * chunkservers only), the request router, and the wire-format's catch-all last so garbage closes
 * only its own connection.
 */
public final class ChunkChannelInitializer extends ChannelInitializer<SocketChannel> {
  /**
   * Read streams of one connection served at once before the chunkserver stops reading from it.
   * Each holds an open replica (a file descriptor) and up to {@link ReadStream#MAX_IN_FLIGHT}
   * packets; the client library runs one stream per connection, so 64 only stops a peer that
   * pipelines reads without end. Write streams are bounded by {@code maxTransfers} instead: they
   * need the connection's later packets to finish, so they must not stop its reading.
   */
  static final int MAX_READS_IN_FLIGHT = 64;

  private final ChunkServices svc;
  private final Duration idleTimeout;
  private final ProtocolErrorHandler errors;
  private final ChannelGroup connections;
  private final ConnectionCap cap;
  private final SslContext tls;

  /**
   * @param connections every accepted channel is added here, so shutdown can close them all
   * @param maxConnections connections held open at once ({@code chunkserver.maxConnections})
   */
  public ChunkChannelInitializer(ChunkServices svc, Duration idleTimeout,
      ChannelGroup connections, int maxConnections) {
    this(svc, idleTimeout, connections, maxConnections, null);
  }

  /**
   * @param tls this node's TLS server context in a secured cluster (every connection TLS; another
   *     chunkserver is known by its certificate), or null for {@code security: none}
   */
  public ChunkChannelInitializer(ChunkServices svc, Duration idleTimeout,
      ChannelGroup connections, int maxConnections, SslContext tls) {
    this.tls = tls;
    this.svc = svc;
    this.idleTimeout = idleTimeout;
    this.connections = connections;
    this.errors = new ProtocolErrorHandler(svc.nodeId());
    this.cap = new ConnectionCap(svc.nodeId(), "chunkserver.maxConnections", maxConnections);
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    if (!cap.admit(ch)) {
      return;
    }
    connections.add(ch);
    Transports.addServerTls(ch.pipeline(), tls);
    Transports.addCodec(ch.pipeline());
    ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idleTimeout.toMillis(),
        TimeUnit.MILLISECONDS));
    Backpressure backpressure = new Backpressure(MAX_READS_IN_FLIGHT);
    ch.pipeline().addLast("backpressure", backpressure);
    ch.pipeline().addLast("handshake", new ServerHandshakeHandler(Role.CHUNKSERVER, svc.nodeId(),
        svc.software(), EnumSet.of(Role.CLIENT, Role.CHUNKSERVER), tls != null));
    ch.pipeline().addLast("router", new RequestRouter(svc, backpressure));
    ch.pipeline().addLast("errors", errors);
  }
}
