package dev.granary.wire.net;

import dev.granary.wire.Frame;
import dev.granary.wire.Frames;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Hello;
import dev.granary.wire.msg.HelloOk;
import dev.granary.wire.tls.NodeCertificate;
import dev.granary.wire.tls.TlsFailure;
import dev.granary.wire.tls.TlsPeer;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import dev.granary.wire.msg.Message;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.HashedWheelTimer;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calling side of a Granary connection: connects, performs the handshake, and multiplexes
 * requests over one channel by request id. Unary requests get a future; streams (writes and reads of
 * chunk data) register a {@link Listener} that receives every response frame of their request id.
 *
 * <p>Thread-safe. Responses are delivered on the channel's event loop; listeners must not block.
 */
public final class Connection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  /** Receives the response frames of one request id. */
  public interface Listener {
    /** A response frame; the listener owns it and must release it (data packets hold buffers). */
    void onFrame(Frame frame);

    /** The connection closed before the listener was removed. */
    void onClosed(Throwable cause);
  }

  /**
   * Request deadlines. A hashed wheel (100 ms ticks) rather than the event loop's scheduler:
   * adding a deadline from a caller's thread is a lock-free enqueue, not a task that wakes the
   * event loop, which a scheduled task per call did (a measurable share of a small request's
   * latency).
   */
  private static final HashedWheelTimer TIMER = new HashedWheelTimer(
      new DefaultThreadFactory("granary-rpc-deadlines", true), 100, TimeUnit.MILLISECONDS);

  private final Channel channel;
  private final String peer;
  private final AtomicLong nextRequestId = new AtomicLong(1);
  private final Map<Long, Listener> listeners = new ConcurrentHashMap<>();
  private volatile Throwable closeCause;
  private volatile HelloOk serverHello;

  private Connection(Channel channel, String peer) {
    this.channel = channel;
    this.peer = peer;
  }

  /**
   * Connects to {@code host:port} and completes the handshake within {@code timeout}. The future
   * fails with a {@link ConnectionClosedException} (unreachable, closed) or {@link RemoteException}
   * (the server refused the handshake, e.g. protocol version mismatch).
   */
  public static CompletableFuture<Connection> connect(Bootstrap bootstrap, String host, int port,
      Role role, String nodeId, String software, Duration timeout) {
    return connect(bootstrap, host, port, role, nodeId, software, timeout, null);
  }

  /**
   * As {@link #connect(Bootstrap, String, int, Role, String, String, Duration)}, over TLS when
   * {@code tls} is not null: the handshake must succeed against the cluster's authority, and the
   * server's certificate must name the role and node id it answers HELLO with. A failed handshake
   * (another authority, a plaintext server) fails with a {@link RemoteException} of status DENIED.
   */
  public static CompletableFuture<Connection> connect(Bootstrap bootstrap, String host, int port,
      Role role, String nodeId, String software, Duration timeout, SslContext tls) {
    String peer = host + ":" + port;
    CompletableFuture<Connection> result = new CompletableFuture<>();
    Connection[] holder = new Connection[1];
    Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        Connection c = new Connection(ch, peer);
        holder[0] = c;
        if (tls != null) {
          SslHandler ssl = tls.newHandler(ch.alloc(), host, port);
          ssl.setHandshakeTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
          ch.pipeline().addLast("tls", ssl);
        }
        Transports.addCodec(ch.pipeline());
        ch.pipeline().addLast("connection", c.new Inbound());
      }
    });
    b.connect(host, port).addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        result.completeExceptionally(new ConnectionClosedException("cannot connect to " + peer
            + ": " + describe(f.cause()), f.cause()));
        return;
      }
      Connection c = holder[0];
      c.call(new Hello(role, nodeId, software), timeout).whenComplete((reply, err) -> {
        if (err != null) {
          c.close();
          result.completeExceptionally(unwrap(err));
        } else if (reply instanceof HelloOk ok) {
          String wrong = tls == null ? null : c.certificateMismatch(ok);
          if (wrong != null) {
            c.close();
            result.completeExceptionally(new RemoteException(Status.DENIED, wrong, ""));
            return;
          }
          c.serverHello = ok;
          result.complete(c);
        } else {
          c.close();
          result.completeExceptionally(new RemoteException(Status.PROTOCOL,
              peer + " answered the handshake with " + reply.type(), ""));
        }
      });
    });
    return result;
  }

  /** Why the server's certificate does not fit its HELLO answer, or null if it does. */
  private String certificateMismatch(HelloOk ok) {
    Optional<NodeCertificate> cert = TlsPeer.node(channel);
    if (cert.isEmpty()) {
      return peer + " presented no node certificate of the cluster's authority";
    }
    if (cert.get().role() != ok.role() || !cert.get().nodeId().equals(ok.nodeId())) {
      return peer + " says it is " + ok.role().name().toLowerCase(java.util.Locale.ROOT) + " "
          + ok.nodeId() + " but its certificate names " + cert.get();
    }
    return null;
  }

  /** The peer's TLS layer refused us, or spoke no TLS: a denial, with the reason in words. */
  private RemoteException tlsFailure(Throwable cause) {
    Throwable c = cause instanceof DecoderException && cause.getCause() != null
        ? cause.getCause() : cause;
    String why = c instanceof NotSslRecordException
        ? "it does not speak TLS (a cluster with security: none? then use no credentials)"
        : TlsFailure.reason(c);
    return new RemoteException(Status.DENIED, "TLS handshake with " + peer + " failed: " + why,
        "");
  }

  private static boolean isTlsFailure(Throwable cause) {
    Throwable c = cause instanceof DecoderException && cause.getCause() != null
        ? cause.getCause() : cause;
    return c instanceof SSLException;
  }

  static Throwable unwrap(Throwable t) {
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String describe(Throwable t) {
    if (t == null) {
      return "unknown error";
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }

  /** host:port of the peer as it was dialled. */
  public String peer() {
    return peer;
  }

  /** The server's handshake answer (its role, id and software). */
  public HelloOk serverHello() {
    return serverHello;
  }

  public Channel channel() {
    return channel;
  }

  public boolean isActive() {
    return channel.isActive() && closeCause == null;
  }

  public long newRequestId() {
    return nextRequestId.getAndIncrement();
  }

  /**
   * Sends a request and completes with its single response message. An {@code ERROR} reply
   * completes the future with a {@link RemoteException}; a closed connection with a
   * {@link ConnectionClosedException}; no answer within {@code timeout} with a
   * {@link TimeoutException}.
   */
  public CompletableFuture<Message> call(Message request, Duration timeout) {
    long id = newRequestId();
    CompletableFuture<Message> f = new CompletableFuture<>();
    listen(id, new Listener() {
      @Override
      public void onFrame(Frame frame) {
        unlisten(id);
        Message m = frame.message();
        if (m instanceof ErrorReply e) {
          f.completeExceptionally(new RemoteException(e));
          ReferenceCountUtil.release(frame);
        } else {
          f.complete(m);
        }
      }

      @Override
      public void onClosed(Throwable cause) {
        f.completeExceptionally(cause);
      }
    });
    send(id, request).addListener((ChannelFuture w) -> {
      if (!w.isSuccess()) {
        unlisten(id);
        f.completeExceptionally(isTlsFailure(w.cause()) ? tlsFailure(w.cause())
            : closedException(w.cause()));
      }
    });
    Timeout timer = TIMER.newTimeout(t -> {
      if (unlisten(id) != null) {
        f.completeExceptionally(new TimeoutException(request.type() + " to " + peer
            + " got no answer within " + timeout.toMillis() + " ms"));
      }
    }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    f.whenComplete((m, e) -> timer.cancel());
    return f;
  }

  /** Registers a listener for the responses of {@code requestId}. */
  public void listen(long requestId, Listener listener) {
    listeners.put(requestId, listener);
    Throwable cause = closeCause;
    if (cause != null && listeners.remove(requestId, listener)) {
      listener.onClosed(cause);
    }
  }

  /** Removes the listener of {@code requestId}; returns it, or null if none was registered. */
  public Listener unlisten(long requestId) {
    return listeners.remove(requestId);
  }

  /** Writes and flushes a request frame. */
  public ChannelFuture send(long requestId, Message message) {
    return channel.writeAndFlush(Frame.request(requestId, message));
  }

  /** Writes a request frame without flushing (call {@link #flush()} after a batch). */
  public ChannelFuture write(long requestId, Message message) {
    return channel.write(Frame.request(requestId, message));
  }

  public void flush() {
    channel.flush();
  }

  @Override
  public void close() {
    channel.close();
  }

  private ConnectionClosedException closedException(Throwable cause) {
    return new ConnectionClosedException("connection to " + peer + " closed"
        + (cause == null ? "" : ": " + describe(cause)), cause);
  }

  private final class Inbound extends SimpleChannelInboundHandler<Frame> {
    Inbound() {
      super(false);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
      if (frame.isResponse() && frame.requestId() == 0
          && frame.message() instanceof ErrorReply e) {
        // Request id 0 is never a request's: an ERROR on it is about the connection itself (the
        // peer's decoder refused our bytes, e.g. a protocol version it does not speak) and the
        // peer closes next. Its text becomes what every pending call fails with.
        if (closeCause == null) {
          closeCause = new RemoteException(e);
        }
        log.debug("{} refused the connection: {} {}", peer, e.status(), e.message());
        ReferenceCountUtil.release(frame);
        ctx.close();
        return;
      }
      Listener l = frame.isResponse() ? listeners.get(frame.requestId()) : null;
      if (l == null) {
        if (!frame.isResponse()) {
          log.warn("unexpected request {} from {}; ignored", frame.message().type(), peer);
        } else {
          log.debug("late response {} for request {} from {}", frame.message().type(),
              frame.requestId(), peer);
        }
        ReferenceCountUtil.release(frame);
        return;
      }
      l.onFrame(frame);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (closeCause == null) {
        closeCause = isTlsFailure(cause) ? tlsFailure(cause) : closedException(cause);
      }
      log.debug("connection to {} failed: {}", peer, describe(cause));
      ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess()) {
        if (closeCause == null) {
          closeCause = tlsFailure(e.cause());
        }
        log.debug("TLS handshake with {} failed: {}", peer, describe(e.cause()));
        ctx.close();
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (closeCause == null) {
        closeCause = closedException(null);
      }
      for (Long id : listeners.keySet()) {
        Listener l = listeners.remove(id);
        if (l != null) {
          l.onClosed(closeCause);
        }
      }
      ctx.fireChannelInactive();
    }
  }

  @Override
  public String toString() {
    return "Connection[" + peer + (isActive() ? "" : ", closed") + "]";
  }

  /** The flag value of a response frame; exposed for servers that write frames by hand. */
  public static int responseFlags() {
    return Frames.FLAG_RESPONSE;
  }
}
