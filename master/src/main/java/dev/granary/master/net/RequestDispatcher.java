package dev.granary.master.net;

import dev.granary.master.namespace.MetadataException;
import dev.granary.master.security.Caller;
import dev.granary.master.security.UserRegistry;
import dev.granary.wire.Frame;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.AuthenticateRequest;
import dev.granary.wire.msg.JoinRequest;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.Ping;
import dev.granary.wire.net.Backpressure;
import dev.granary.wire.net.ServerHandshakeHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each request frame to the handler for its message type and writes the reply with the
 * request's id. Refusals become {@code ERROR} replies with their status; an unexpected failure is
 * logged once and answered with INTERNAL. The frame is released here, exactly once. Each request
 * counts against its connection's {@link Backpressure} from dispatch until its reply is written,
 * so a peer cannot have more than that many answered later (off the event loop) at once.
 *
 * <p>Who a request acts for ({@link PeerContext#caller()}): without security, everyone is
 * {@link Caller#UNSECURED}. On a secured master a chunkserver is {@link Caller#NOBODY} (authorized
 * by role), and a client is the user its connection authenticated as: before AUTHENTICATE, every
 * request but PING and AUTHENTICATE is DENIED, and on every request the user is looked up again,
 * so one revoked since is refused from its next request on.
 */
@Sharable
public final class RequestDispatcher extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);
  private static final AttributeKey<ServerHandshakeHandler.PeerInfo> PEER =
      AttributeKey.valueOf("granary.peer");
  private static final AttributeKey<Session> SESSION = AttributeKey.valueOf("granary.session");
  /**
   * What a client may send a secured master before it authenticates: a joining node has no user,
   * only the join token its JOIN carries.
   */
  private static final java.util.Set<Class<?>> BEFORE_AUTHENTICATION =
      java.util.Set.of(Ping.class, AuthenticateRequest.class, JoinRequest.class);
  static final String NOT_AUTHENTICATED =
      "not authenticated: pass --credentials FILE (or set GRANARY_CREDENTIALS)";

  private final String nodeId;
  private final Map<Class<?>, RequestHandler<?>> handlers = new HashMap<>();
  /** The users a secured master checks client connections against; null without security. */
  private final UserRegistry users;
  private final RequestObserver observer;

  /** A dispatcher for a master without security: every caller is {@link Caller#UNSECURED}. */
  public RequestDispatcher(String nodeId, List<RequestHandler<?>> handlers) {
    this(nodeId, handlers, null);
  }

  /**
   * @param users the registry client connections authenticate against, or null for a master
   *     without security
   */
  public RequestDispatcher(String nodeId, List<RequestHandler<?>> handlers, UserRegistry users) {
    this(nodeId, handlers, users, RequestObserver.NONE);
  }

  /**
   * @param users the registry client connections authenticate against, or null for a master
   *     without security
   * @param observer told of every request routed to a handler when it is answered (metrics)
   */
  public RequestDispatcher(String nodeId, List<RequestHandler<?>> handlers, UserRegistry users,
      RequestObserver observer) {
    this.nodeId = nodeId;
    this.users = users;
    this.observer = observer;
    for (RequestHandler<?> h : handlers) {
      if (this.handlers.put(h.type(), h) != null) {
        throw new IllegalArgumentException("two handlers for " + h.type().getSimpleName());
      }
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ServerHandshakeHandler.PeerInfo info) {
      ctx.channel().attr(PEER).set(info);
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Frame frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (frame.isResponse()) {
        log.debug("{}: ignoring unexpected response {} from {}", nodeId, frame.message().type(),
            ctx.channel().remoteAddress());
        return;
      }
      dispatch(ctx, frame.requestId(), frame.message());
    } finally {
      ReferenceCountUtil.release(frame);
    }
  }

  @SuppressWarnings("unchecked")
  private void dispatch(ChannelHandlerContext ctx, long requestId, Message m) {
    RequestHandler<Message> h = (RequestHandler<Message>) handlers.get(m.getClass());
    if (h == null) {
      reply(ctx, requestId, new ErrorReply(Status.PROTOCOL, "the master does not serve "
          + m.type() + " requests", ""));
      return;
    }
    log.debug("{}: {} #{} from {}", nodeId, m.type(), requestId, ctx.channel().remoteAddress());
    PeerContext peer = peer(ctx);
    if (peer.role() == null || !h.senders().contains(peer.role())) {
      // A client cannot register, pulse or report replicas; a chunkserver cannot mutate the
      // namespace. (Secured, a node's role was proven by its certificate in the handshake.)
      log.debug("{}: refused {} from {} ({})", nodeId, m.type(), peer.peerId(), peer.role());
      reply(ctx, requestId, new ErrorReply(Status.DENIED, "a " + peer.role() + " may not send "
          + m.type() + " to the master", ""));
      return;
    }
    Session session = session(ctx);
    if (users != null && peer.role() == Role.CLIENT) {
      UserRegistry.User bound = session.user();
      Caller caller = bound == null ? null : users.current(bound);
      if (caller == null && !BEFORE_AUTHENTICATION.contains(m.getClass())) {
        String why = bound == null ? NOT_AUTHENTICATED : "user " + bound.name()
            + " is no longer valid (revoked or given new credentials): authenticate again";
        log.debug("{}: refused {} from {}: {}", nodeId, m.type(), peer.remoteHost(), why);
        reply(ctx, requestId, new ErrorReply(Status.DENIED, why, ""));
        return;
      }
      peer = new PeerContext(peer.remoteHost(), peer.role(), peer.peerId(),
          caller == null ? Caller.NOBODY : caller);
    }
    Backpressure inFlight = Backpressure.of(ctx.channel());
    inFlight.requestStarted();
    long startedAt = observer.start();
    CompletableFuture<? extends Message> f;
    try {
      f = h instanceof SessionHandler<Message> s ? s.handle(m, peer, session) : h.handle(m, peer);
    } catch (RuntimeException e) {
      answer(ctx, requestId, m, failure(m, e), startedAt);
      inFlight.requestFinished();
      return;
    }
    f.whenComplete((reply, err) -> {
      answer(ctx, requestId, m, err == null ? reply : failure(m, err), startedAt);
      inFlight.requestFinished();
    });
  }

  /** Replies to a request a handler served, and tells the observer. */
  private void answer(ChannelHandlerContext ctx, long requestId, Message request, Message reply,
      long startedAt) {
    reply(ctx, requestId, reply);
    observer.answered(request.type(), reply instanceof ErrorReply e ? e.status() : Status.OK,
        startedAt);
  }

  private PeerContext peer(ChannelHandlerContext ctx) {
    String host = ctx.channel().remoteAddress() instanceof InetSocketAddress a
        ? a.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
    ServerHandshakeHandler.PeerInfo info = ctx.channel().attr(PEER).get();
    // Secured: chunkservers (and a client until it authenticates) act for no user.
    Caller caller = users == null ? Caller.UNSECURED : Caller.NOBODY;
    return info == null ? new PeerContext(host, null, "", caller)
        : new PeerContext(host, info.role(), info.nodeId(), caller);
  }

  private static Session session(ChannelHandlerContext ctx) {
    Session s = ctx.channel().attr(SESSION).get();
    if (s == null) {
      Session fresh = new Session();
      s = ctx.channel().attr(SESSION).setIfAbsent(fresh);
      s = s == null ? fresh : s;
    }
    return s;
  }

  private ErrorReply failure(Message request, Throwable err) {
    Throwable t = err;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof MetadataException e) {
      return e.toReply();
    }
    if (t instanceof IOException e) {
      return new ErrorReply(Status.UNAVAILABLE, "the master cannot write its operation log: "
          + e.getMessage(), "");
    }
    log.warn("{}: unexpected failure serving {}", nodeId, request.type(), t);
    return new ErrorReply(Status.INTERNAL, "internal error serving " + request.type() + ": " + t,
        "");
  }

  private void reply(ChannelHandlerContext ctx, long requestId, Message reply) {
    if (ctx.channel().isActive()) {
      ctx.writeAndFlush(Frame.response(requestId, reply));
    }
  }
}
