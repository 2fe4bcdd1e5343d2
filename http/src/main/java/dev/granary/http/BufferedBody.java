package dev.granary.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

/**
 * A handler for small requests: it receives the whole body at once, at most the listener's
 * {@link HttpLimits#maxBufferedBody()} bytes; a larger body is refused with 413 (and its connection
 * closed) before it is held.
 */
public final class BufferedBody implements HttpHandler {
  /** Serves one request whose whole body has arrived. */
  @FunctionalInterface
  public interface Handler {
    /**
     * @param body the request's body; released when this returns (retain it to keep it)
     * @throws HttpError to answer with that error
     */
    void handle(HttpExchange exchange, ByteBuf body);
  }

  private final Handler handler;

  private BufferedBody(Handler handler) {
    this.handler = handler;
  }

  public static HttpHandler of(Handler handler) {
    return new BufferedBody(handler);
  }

  @Override
  public BodyReceiver begin(HttpExchange exchange) {
    int max = exchange.limits().maxBufferedBody();
    long declared = HttpUtil.getContentLength(exchange.request().head(), -1L);
    if (declared > max) {
      throw tooLarge(exchange, declared, max);
    }
    CompositeByteBuf body = exchange.alloc().compositeBuffer();
    return new BodyReceiver() {
      @Override
      public void content(ByteBuf chunk) {
        if ((long) body.readableBytes() + chunk.readableBytes() > max) {
          body.release();
          throw tooLarge(exchange, -1, max);
        }
        body.addComponent(true, chunk.retain());
      }

      @Override
      public void end() {
        try {
          handler.handle(exchange, body);
        } finally {
          body.release();
        }
      }

      @Override
      public void aborted(Throwable cause) {
        body.release();
      }
    };
  }

  private static HttpError tooLarge(HttpExchange exchange, long declared, int max) {
    return new HttpError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "the body of "
        + exchange.request() + (declared >= 0 ? " (" + declared + " bytes, by its "
        + HttpHeaderNames.CONTENT_LENGTH + ")" : "") + " is larger than " + max + " bytes");
  }
}
