package dev.granary.http;

import io.netty.buffer.ByteBuf;

/**
 * Serves the requests a {@link Router} sends it. {@link #begin} sees the request's head as soon
 * as it is parsed, on the connection's event loop, and returns who receives the body; the handler
 * answers through the {@link HttpExchange} whenever it is ready, from any thread. A handler that
 * needs the whole (small) body first wraps itself in {@link BufferedBody}; one that streams calls
 * {@link HttpExchange#pauseReading()} while it cannot take more.
 */
@FunctionalInterface
public interface HttpHandler {
  /**
   * A request has arrived.
   *
   * @return the receiver of the request's body; {@link BodyReceiver#DISCARD} when the body does
   *     not matter
   * @throws HttpError to answer with that error at once (the body is not read)
   */
  BodyReceiver begin(HttpExchange exchange);

  /** Receives one request's body, in order, on the connection's event loop. */
  interface BodyReceiver {
    /** Ignores the body (requests with none, such as GET). */
    BodyReceiver DISCARD = new BodyReceiver() {
      @Override
      public void content(ByteBuf chunk) {}

      @Override
      public void end() {}
    };

    /**
     * The next piece of the body; the listener releases it when this returns, so a receiver that
     * keeps it calls {@code retain()}.
     */
    void content(ByteBuf chunk);

    /** The body is complete. */
    void end();

    /** The connection closed before the body was complete. */
    default void aborted(Throwable cause) {}
  }
}
