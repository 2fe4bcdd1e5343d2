package dev.granary.wire.net;

import dev.granary.wire.Frame;
import dev.granary.wire.ProtocolException;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ErrorReply;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every server pipeline: the catch-all for one connection. Bad input
 * ({@link ProtocolException}) is answered with {@code ERROR PROTOCOL} naming the problem and the
 * connection closed with one log line; an idle connection is closed; anything else unexpected is
 * logged once with its stack and the connection closed. The server keeps serving everyone else.
 */
@Sharable
public final class ProtocolErrorHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ProtocolErrorHandler.class);
  private final String nodeId;

  public ProtocolErrorHandler(String nodeId) {
    this.nodeId = nodeId;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!ctx.channel().isActive()) {
      return;
    }
    if (cause instanceof io.netty.handler.codec.DecoderException
        && cause.getCause() instanceof javax.net.ssl.SSLException) {
      // Logged once by the handshake event below (or a TLS record that failed later: one line).
      log.debug("{}: TLS failure on the connection from {}: {}", nodeId,
          ctx.channel().remoteAddress(), cause.getCause().toString());
      ctx.close();
    } else if (cause instanceof ProtocolException) {
      log.warn("{}: closing connection from {}: {}", nodeId, ctx.channel().remoteAddress(),
          cause.getMessage());
      ctx.writeAndFlush(Frame.response(0, new ErrorReply(Status.PROTOCOL, cause.getMessage(), "")))
          .addListener(ChannelFutureListener.CLOSE);
    } else if (cause instanceof IOException) {
      log.debug("{}: connection from {} failed: {}", nodeId, ctx.channel().remoteAddress(),
          cause.toString());
      ctx.close();
    } else {
      log.warn("{}: closing connection from {} after an unexpected error", nodeId,
          ctx.channel().remoteAddress(), cause);
      ctx.close();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess()) {
      log.warn("{}: TLS handshake with {} failed, connection closed: {}", nodeId,
          ctx.channel().remoteAddress(), e.cause().getMessage());
      ctx.close();
    } else if (evt instanceof IdleStateEvent) {
      log.info("{}: closing idle connection from {}", nodeId, ctx.channel().remoteAddress());
      ctx.close();
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    // Nothing upstream claimed the message: release it so buffers never leak.
    io.netty.util.ReferenceCountUtil.release(msg);
  }
}
