package dev.granary.wire.net;

import dev.granary.wire.Frame;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Hello;
import dev.granary.wire.msg.HelloOk;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import dev.granary.wire.tls.NodeCertificate;
import dev.granary.wire.tls.TlsPeer;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server side of the handshake: the first frame must be a {@link Hello} from an accepted role. It is
 * answered with {@link HelloOk}, a {@link PeerInfo} user event is fired, and this handler removes
 * itself. Anything else is answered with {@code ERROR PROTOCOL} and the connection closed.
 */
public final class ServerHandshakeHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ServerHandshakeHandler.class);

  /** Who is on the other end of an accepted connection. */
  public record PeerInfo(Role role, String nodeId, String software) {}

  private final HelloOk hello;
  private final Set<Role> accepted;

  private final boolean secured;

  public ServerHandshakeHandler(Role serverRole, String nodeId, String software,
      Set<Role> accepted) {
    this(serverRole, nodeId, software, accepted, false);
  }

  /**
   * @param secured whether the cluster requires TLS: then a peer on plaintext is refused, and a
   *     peer that says it is a node (not a client) must have presented that node's certificate
   */
  public ServerHandshakeHandler(Role serverRole, String nodeId, String software,
      Set<Role> accepted, boolean secured) {
    this.hello = new HelloOk(serverRole, nodeId, software);
    this.accepted = Set.copyOf(accepted);
    this.secured = secured;
  }

  /** Why a secured server refuses this HELLO, or null if it does not. */
  private String insecure(ChannelHandlerContext ctx, Hello h) {
    if (!secured) {
      return null;
    }
    if (!TlsPeer.isTls(ctx.channel())) {
      return h.role() == Role.CLIENT
          ? "this cluster requires TLS and credentials: pass --credentials FILE (or set"
              + " GRANARY_CREDENTIALS)"
          : "this cluster requires TLS: a " + h.role().name().toLowerCase(Locale.ROOT)
              + " gets its certificate by joining once with --join-token TOKEN";
    }
    if (h.role() == Role.CLIENT) {
      return null;
    }
    Optional<NodeCertificate> cert = TlsPeer.node(ctx.channel());
    String who = "a " + h.role().name().toLowerCase(Locale.ROOT) + " " + h.nodeId();
    if (cert.isEmpty()) {
      return who + " must present its certificate from the cluster's authority (a chunkserver"
          + " gets one by joining with --join-token TOKEN)";
    }
    if (cert.get().role() != h.role() || !cert.get().nodeId().equals(h.nodeId())) {
      return who + " presented the certificate of " + cert.get();
    }
    return null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Frame frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (frame.message() instanceof Hello h && !frame.isResponse()) {
        if (!accepted.contains(h.role())) {
          refuse(ctx, frame.requestId(), Status.DENIED, "a " + h.role() + " may not connect to a "
              + hello.role());
          return;
        }
        String refusal = insecure(ctx, h);
        if (refusal != null) {
          refuse(ctx, frame.requestId(), Status.DENIED, refusal);
          return;
        }
        ctx.writeAndFlush(Frame.response(frame.requestId(), hello));
        ctx.pipeline().remove(this);
        ctx.fireUserEventTriggered(new PeerInfo(h.role(), h.nodeId(), h.software()));
      } else {
        refuse(ctx, frame.requestId(), Status.PROTOCOL, "expected HELLO as the first frame, got "
            + frame.message().type());
      }
    } finally {
      ReferenceCountUtil.release(frame);
    }
  }

  private void refuse(ChannelHandlerContext ctx, long requestId, Status status, String why) {
    log.warn("{}: refusing connection from {}: {}", hello.nodeId(), ctx.channel().remoteAddress(),
        why);
    ctx.writeAndFlush(Frame.response(requestId, new ErrorReply(status, why, "")))
        .addListener(ChannelFutureListener.CLOSE);
  }
}
