package dev.granary.gateway;

import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryException;
import dev.granary.http.HttpError;
import dev.granary.http.HttpExchange;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/files/PATH}: a file's bytes (or the one range asked for), read from Granary
 * in pieces and written as the connection takes them: a piece is read only while fewer than
 * {@link #WINDOW} wait for the socket, so a slow reader holds the worker, not memory. A failure after the
 * head was sent closes the connection before the announced length, so it cannot pass as the
 * whole file.
 */
final class Download {
  private static final Logger log = LoggerFactory.getLogger(Download.class);
  /** Bytes read from Granary and written to the connection at once. */
  static final int PIECE = 256 * 1024;
  /** Pieces on their way to the socket at once: 1 MiB per download. */
  static final int WINDOW = 4;

  private Download() {}

  /** Serves the request on the calling (worker) thread. */
  static void serve(HttpExchange exchange, GranaryClient client, String path)
      throws GranaryException {
    SeekableByteChannel in = client.openChannel(path);
    try {
      long size = in.size();
      ByteRange range;
      try {
        range = ByteRange.parse(exchange.request().headers().get(HttpHeaderNames.RANGE), size);
      } catch (ByteRange.Unsatisfiable e) {
        throw new HttpError(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE, path + ": "
            + e.getMessage()).withHeader(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size);
      }
      long first = range == null ? 0 : range.first();
      long length = range == null ? size : range.length();
      HttpHeaders h = new DefaultHttpHeaders()
          .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM)
          .set(HttpHeaderNames.CONTENT_LENGTH, length)
          .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
      if (range != null) {
        h.set(HttpHeaderNames.CONTENT_RANGE, range.contentRange(size));
      }
      in.position(first);
      HttpExchange.ResponseStream out = exchange.stream(range == null ? HttpResponseStatus.OK
          : HttpResponseStatus.PARTIAL_CONTENT, h);
      try {
        copy(exchange, in, out, length);
        out.end();
      } catch (IOException | RuntimeException e) {
        out.abort();
        GranaryException g = Failures.unwrap(e);
        log.debug("{}: download of {} stopped: {}", exchange.request(), path,
            g != null ? g.getMessage() : e.toString());
      }
    } catch (IOException e) {
      GranaryException g = Failures.unwrap(e);
      if (g != null) {
        throw g;
      }
      throw new HttpError(HttpResponseStatus.INTERNAL_SERVER_ERROR, path + ": " + e);
    } finally {
      try {
        in.close();
      } catch (IOException e) {
        log.debug("closing the reader of {}: {}", path, e.toString());
      }
    }
  }

  /**
   * Copies {@code length} bytes, with at most {@link #WINDOW} pieces written but not yet taken by
   * the socket.
   *
   * @throws IOException if Granary fails, the file ends early, or the peer went away
   */
  private static void copy(HttpExchange exchange, SeekableByteChannel in,
      HttpExchange.ResponseStream out, long length) throws IOException {
    long left = length;
    Deque<ChannelFuture> inFlight = new ArrayDeque<>();
    while (left > 0) {
      int want = (int) Math.min(PIECE, left);
      ByteBuf piece = exchange.alloc().buffer(want, want);
      try {
        ByteBuffer dst = piece.nioBuffer(0, want);
        while (dst.hasRemaining()) {
          if (in.read(dst) < 0) {
            throw new IOException("the file ended " + left + " bytes early");
          }
        }
        piece.writerIndex(want);
      } catch (IOException | RuntimeException e) {
        piece.release();
        throw e;
      }
      left -= want;
      inFlight.add(out.write(piece));
      // The pieces handed over but not yet in the socket are the only bytes held: at most WINDOW.
      while (inFlight.size() > WINDOW || (!inFlight.isEmpty() && inFlight.peek().isDone())) {
        ChannelFuture oldest = inFlight.poll();
        oldest.awaitUninterruptibly();
        if (!oldest.isSuccess()) {
          throw new IOException("the connection closed: " + oldest.cause());
        }
      }
    }
  }
}
