package dev.granary.http;

import dev.granary.http.HttpHandler.BodyReceiver;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/1.1 connection: requests one at a time (the channel reads only when this handler asks,
 * and a {@code FlowControlHandler} below hands over one decoded message per read, so pipelined
 * requests wait their turn), each routed to its handler, its body passed on as it arrives, and the
 * connection kept open after a complete response unless either side asked to close.
 *
 * <p>All state is touched on the channel's event loop only.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);

  private final String name;
  private final Router router;
  private final HttpLimits limits;
  private final boolean tls;
  private ChannelHandlerContext ctx;
  /** The request being served, from its head until both its body and its response are done. */
  private HttpExchange current;
  private BodyReceiver receiver;
  private boolean bodyDone;
  private boolean responseDone;
  /** Bytes of body dropped after the response was given; a peer may not send endlessly. */
  private long discarded;
  private boolean paused;
  private boolean readPending;
  private boolean closing;

  ConnectionHandler(String name, Router router, HttpLimits limits, boolean tls) {
    this.name = name;
    this.router = router;
    this.limits = limits;
    this.tls = tls;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    super.channelActive(ctx);
    read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    readPending = false;
    try {
      if (msg instanceof HttpRequest head) {
        onHead(head);
      }
      if (msg instanceof HttpContent content) {
        onContent(content);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // A read cycle may end without a message for this handler (half a request arrived, or the
    // FlowControlHandler collapsed outstanding reads into this completion): the read asked for is
    // spent either way, so ask again while more is wanted.
    readPending = false;
    read();
    ctx.fireChannelReadComplete();
  }

  private void onHead(HttpRequest head) {
    if (closing) {
      return;
    }
    if (current != null) {
      // Cannot happen while reads are requested one at a time; refuse rather than interleave.
      closing = true;
      ctx.close();
      return;
    }
    DecoderResult decoded = head.decoderResult();
    boolean plaintextOnTls = tls && ctx.pipeline().get(SslHandler.class) == null;
    Request request;
    try {
      if (decoded.isFailure()) {
        throw decodeError(decoded.cause());
      }
      if (plaintextOnTls) {
        throw new HttpError(HttpResponseStatus.BAD_REQUEST, "this port serves HTTPS: use https://"
            + hostHeader(head) + "/");
      }
      request = Request.of(head, ctx.channel().remoteAddress(), tls);
    } catch (HttpError e) {
      // The decoder (or the peer) is past the point of framing another request: answer, close.
      closing = true;
      HttpExchange broken = new HttpExchange(this, Request.broken(head,
          ctx.channel().remoteAddress(), tls));
      start(broken);
      bodyDone = true;
      broken.fail(e);
      return;
    }
    HttpExchange exchange = new HttpExchange(this, request);
    start(exchange);
    BodyReceiver r;
    try {
      r = router.route(request).begin(exchange);
    } catch (HttpError e) {
      r = BodyReceiver.DISCARD;
      if (!exchange.responded()) {
        exchange.fail(e);
      }
    } catch (RuntimeException e) {
      log.warn("{}: {} from {} failed", name, request, request.remoteAddress(), e);
      r = BodyReceiver.DISCARD;
      if (!exchange.responded()) {
        exchange.fail(new HttpError(HttpResponseStatus.INTERNAL_SERVER_ERROR,
            "internal error serving " + request + ": " + e));
      }
    }
    if (receiver == null && !bodyDone) {
      receiver = r == null ? BodyReceiver.DISCARD : r;
    }
    read();
  }

  private void start(HttpExchange exchange) {
    current = exchange;
    receiver = null;
    bodyDone = false;
    responseDone = false;
    discarded = 0;
    paused = false;
  }

  private static String hostHeader(HttpRequest head) {
    String host = head.headers().get("Host");
    return host == null || host.isBlank() ? "HOST:PORT" : host;
  }

  private static HttpError decodeError(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return new HttpError(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long: "
          + cause.getMessage());
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return new HttpError(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
          "request headers too large: " + cause.getMessage());
    }
    return new HttpError(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request: "
        + (cause == null ? "unknown" : cause.getMessage()));
  }

  private void onContent(HttpContent content) {
    if (current == null || bodyDone) {
      return; // what a failed decode leaves behind
    }
    ByteBuf bytes = content.content();
    if (bytes.isReadable()) {
      if (responseDone) {
        discarded += bytes.readableBytes();
        if (discarded > limits.maxBufferedBody()) {
          closing = true;
          ctx.close();
          return;
        }
      } else {
        try {
          receiver.content(bytes);
        } catch (HttpError e) {
          receiverFailed(e);
        } catch (RuntimeException e) {
          log.warn("{}: receiving the body of {} failed", name, current.request(), e);
          receiverFailed(new HttpError(HttpResponseStatus.INTERNAL_SERVER_ERROR,
              "internal error receiving the body of " + current.request() + ": " + e));
        }
      }
    }
    if (content instanceof LastHttpContent) {
      BodyReceiver r = receiver;
      receiver = null;
      bodyDone = true;
      if (!responseDone && r != null) {
        try {
          r.end();
        } catch (HttpError e) {
          receiverFailed(e);
        } catch (RuntimeException e) {
          log.warn("{}: serving {} failed", name, current.request(), e);
          receiverFailed(new HttpError(HttpResponseStatus.INTERNAL_SERVER_ERROR,
              "internal error serving " + current.request() + ": " + e));
        }
      }
      maybeFinish();
    } else {
      read();
    }
  }

  private void receiverFailed(HttpError e) {
    receiver = BodyReceiver.DISCARD;
    if (!current.responded()) {
      current.fail(e);
    }
  }

  /** Writes a response head (and, if {@code complete}, the whole response). */
  void writeResponse(HttpExchange exchange, HttpResponse response, boolean complete) {
    if (exchange != current || !ctx.channel().isActive()) {
      ReferenceCountUtil.release(response);
      return;
    }
    if (response.status().equals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE)) {
      closing = true; // the refused body is not worth reading
    }
    boolean keepAlive = !closing && HttpUtil.isKeepAlive(current.request().head());
    HttpUtil.setKeepAlive(response, keepAlive);
    if (!keepAlive) {
      closing = true;
    }
    var written = ctx.writeAndFlush(response);
    if (complete) {
      responseEnded(written);
    }
  }

  /** Writes a piece of a streamed body; {@code last} ends the response. */
  void writeContent(HttpContent content, ChannelPromise promise, boolean last) {
    ctx.writeAndFlush(content, promise);
    if (last) {
      responseEnded(promise);
    }
  }

  private void responseEnded(io.netty.channel.ChannelFuture written) {
    if (closing) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
    responseDone = true;
    if (!bodyDone) {
      // The rest of the request body no longer matters; read it away (bounded) to keep the
      // connection for the next request.
      receiver = BodyReceiver.DISCARD;
      if (paused) {
        paused = false;
      }
      read();
    }
    maybeFinish();
  }

  private void maybeFinish() {
    if (current == null || !bodyDone || !responseDone) {
      return;
    }
    current = null;
    if (!closing) {
      read();
    }
  }

  /** Closes the connection midway through a streamed response. */
  void abort() {
    closing = true;
    ctx.close();
  }

  void pauseReading() {
    paused = true;
  }

  void resumeReading() {
    if (paused) {
      paused = false;
      read();
    }
  }

  /** Asks for the next message, once, unless paused or waiting for a response. */
  private void read() {
    boolean wantBody = current != null && !bodyDone && !paused;
    boolean wantNext = current == null && !closing;
    if ((wantBody || wantNext) && !readPending && ctx.channel().isActive()) {
      readPending = true;
      ctx.read();
    }
  }

  void onLoop(Runnable task) {
    EventLoop loop = ctx.channel().eventLoop();
    if (loop.inEventLoop()) {
      task.run();
    } else {
      loop.execute(task);
    }
  }

  EventLoop eventLoop() {
    return ctx.channel().eventLoop();
  }

  ChannelPromise newPromise() {
    return ctx.newPromise();
  }

  HttpLimits limits() {
    return limits;
  }

  io.netty.buffer.ByteBufAllocator alloc() {
    return ctx.alloc();
  }

  boolean isWritable() {
    return ctx.channel().isWritable();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    BodyReceiver r = receiver;
    receiver = null;
    if (r != null && !bodyDone) {
      try {
        r.aborted(new ClosedChannelException());
      } catch (RuntimeException e) {
        log.warn("{}: a body receiver failed on close", name, e);
      }
    }
    super.channelInactive(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      log.debug("{}: closing idle HTTP connection from {}", name, ctx.channel().remoteAddress());
      ctx.close();
      return;
    }
    if (evt instanceof SslHandshakeCompletionEvent e) {
      if (!e.isSuccess()) {
        log.warn("{}: HTTPS handshake with {} failed, connection closed: {}", name,
            ctx.channel().remoteAddress(), e.cause().toString());
        ctx.close();
      } else {
        read();
      }
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A reset or a TLS record that does not decode: routine for a public port, and the handshake
    // event above has already said so when it is a handshake.
    log.debug("{}: HTTP connection from {} closed: {}", name, ctx.channel().remoteAddress(),
        cause.toString());
    ctx.close();
  }
}
