package dev.granary.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One request and its response. The response is given once: whole ({@link #respond}, {@link
 * #fail}) or as a stream ({@link #stream}). Every method may be called from any thread; the work
 * runs on the connection's event loop, in call order.
 */
public final class HttpExchange {
  private static final int NEW = 0;
  private static final int RESPONDING = 1;

  private final ConnectionHandler connection;
  private final Request request;
  private final AtomicInteger state = new AtomicInteger(NEW);

  HttpExchange(ConnectionHandler connection, Request request) {
    this.connection = connection;
    this.request = request;
  }

  public Request request() {
    return request;
  }

  /** The event loop this exchange's connection runs on (to continue work there). */
  public EventLoop eventLoop() {
    return connection.eventLoop();
  }

  /** The limits of the listener that took this request. */
  HttpLimits limits() {
    return connection.limits();
  }

  /** The allocator of this exchange's connection. */
  public io.netty.buffer.ByteBufAllocator alloc() {
    return connection.alloc();
  }

  /** Whether a response was started (or given whole). */
  public boolean responded() {
    return state.get() != NEW;
  }

  /**
   * Answers with {@code body} as the whole response; takes ownership of {@code body}.
   *
   * @throws IllegalStateException if a response was already given
   */
  public void respond(HttpResponseStatus status, CharSequence contentType, ByteBuf body) {
    claim(body);
    DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    HttpUtil.setContentLength(r, body.readableBytes());
    connection.onLoop(() -> connection.writeResponse(this, r, true));
  }

  /** Answers with {@code text} in UTF-8 as the whole response. */
  public void respond(HttpResponseStatus status, CharSequence contentType, String text) {
    respond(status, contentType, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
  }

  /**
   * Answers with {@code {"error","message"}} and the error's status and headers.
   *
   * @throws IllegalStateException if a response was already given
   */
  public void fail(HttpError error) {
    claim(null);
    DefaultFullHttpResponse r = errorResponse(error);
    connection.onLoop(() -> connection.writeResponse(this, r, true));
  }

  static DefaultFullHttpResponse errorResponse(HttpError error) {
    byte[] json = JsonBodies.error(error.code(), error.getMessage());
    DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        error.status(), Unpooled.wrappedBuffer(json));
    r.headers().add(error.headers());
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    HttpUtil.setContentLength(r, json.length);
    return r;
  }

  /**
   * Starts a streamed response: the status and {@code headers} now, the body in pieces. Without a
   * {@code Content-Length} in {@code headers} the body is sent chunked.
   *
   * @throws IllegalStateException if a response was already given
   */
  public ResponseStream stream(HttpResponseStatus status, HttpHeaders headers) {
    claim(null);
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    r.headers().add(headers);
    if (!HttpUtil.isContentLengthSet(r)) {
      HttpUtil.setTransferEncodingChunked(r, true);
    }
    connection.onLoop(() -> connection.writeResponse(this, r, false));
    return new ResponseStream();
  }

  /**
   * Stops reading this request's body (and anything after it) until {@link #resumeReading()}: a
   * streaming receiver's back-pressure.
   */
  public void pauseReading() {
    connection.onLoop(connection::pauseReading);
  }

  /** Reads the body again after {@link #pauseReading()}. */
  public void resumeReading() {
    connection.onLoop(connection::resumeReading);
  }

  private void claim(ByteBuf body) {
    if (!state.compareAndSet(NEW, RESPONDING)) {
      if (body != null) {
        body.release();
      }
      throw new IllegalStateException("a response to " + request + " was already given");
    }
  }

  /** The body of a streamed response. */
  public final class ResponseStream {
    private ResponseStream() {}

    /**
     * Sends the next piece of the body; takes ownership of {@code piece}. The future completes
     * when the piece is written to the socket (or fails when the connection closed): a writer of
     * large bodies waits for it before producing much more.
     */
    public ChannelFuture write(ByteBuf piece) {
      ChannelPromise p = connection.newPromise();
      connection.onLoop(() -> connection.writeContent(new DefaultHttpContent(piece), p, false));
      return p;
    }

    /** Ends the body; the connection then serves its next request (or closes). */
    public ChannelFuture end() {
      ChannelPromise p = connection.newPromise();
      connection.onLoop(() -> connection.writeContent(LastHttpContent.EMPTY_LAST_CONTENT, p,
          true));
      return p;
    }

    /**
     * Gives up on the body after its head was sent (the source failed midway): the connection is
     * closed without the body's end, so the peer sees a truncated response rather than a short
     * one that looks complete.
     */
    public void abort() {
      connection.onLoop(connection::abort);
    }

    /** Whether the connection takes more without queueing in memory. */
    public boolean isWritable() {
      return connection.isWritable();
    }
  }
}
