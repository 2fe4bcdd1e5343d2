package dev.granary.gateway;

import dev.granary.client.AlreadyExistsException;
import dev.granary.client.FileStatus;
import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryException;
import dev.granary.client.GranaryOutputStream;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.NotFoundException;
import dev.granary.client.WriteOptions;
import dev.granary.http.HttpError;
import dev.granary.http.HttpExchange;
import dev.granary.http.HttpHandler.BodyReceiver;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * {@code PUT /api/v1/files/PATH}: the request body streamed into a new Granary file. The
 * connection's event loop hands body pieces to a queue; the worker thread writes them into the
 * file's stream (which blocks while its chunks are being stored). Past {@link #HIGH} queued bytes
 * the connection stops reading until the worker has taken the queue below {@link #LOW}: the body
 * is never held whole, only what the file's stream buffers (its chunks in flight). The file is
 * committed when the body is complete, and never if the connection closes first.
 */
final class Upload implements BodyReceiver {
  /** Queued bytes at which reading stops. */
  static final int HIGH = 1 << 20;
  /** Queued bytes below which reading resumes. */
  static final int LOW = 256 * 1024;
  /** What ends the queue besides body pieces. */
  private enum Marker { END, ABORTED }

  private final HttpExchange exchange;
  /** Body pieces ({@link ByteBuf}s, retained) and then a {@link Marker}. */
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  /** Guarded by this: bytes queued, whether reading is paused, whether the worker gave up. */
  private long queued;
  private boolean paused;
  private boolean done;

  Upload(HttpExchange exchange) {
    this.exchange = exchange;
    // Nothing is read until the worker has checked the path and opened the file.
    paused = true;
    exchange.pauseReading();
  }

  @Override
  public synchronized void content(ByteBuf chunk) {
    if (done) {
      return;
    }
    queued += chunk.readableBytes();
    queue.add(chunk.retain());
    if (queued > HIGH && !paused) {
      paused = true;
      exchange.pauseReading();
    }
  }

  @Override
  public void end() {
    queue.add(Marker.END);
  }

  @Override
  public void aborted(Throwable cause) {
    queue.add(Marker.ABORTED);
  }

  /**
   * Receives the body into {@code path} on the calling (worker) thread and answers 201 with the
   * file's entry.
   *
   * @throws GranaryException the path cannot take the file (exists without overwrite: 409), or
   *     storing it failed
   */
  FileStatus receive(GranaryClient client, String path, boolean overwrite)
      throws GranaryException {
    GranaryOutputStream out = null;
    try {
      precheck(client, path, overwrite);
      out = client.create(path, WriteOptions.defaults().withOverwrite(overwrite));
      resume(true);
      while (true) {
        Object next = queue.take();
        if (next == Marker.END) {
          GranaryOutputStream o = out;
          out = null;
          o.close();
          return client.stat(path);
        }
        if (next == Marker.ABORTED) {
          throw new HttpError(HttpResponseStatus.BAD_REQUEST, "the connection closed before the "
              + "body of " + path + " was complete; nothing was stored");
        }
        ByteBuf b = (ByteBuf) next;
        int n = b.readableBytes();
        try {
          b.readBytes(out, n);
        } finally {
          b.release();
        }
        synchronized (this) {
          queued -= n;
        }
        resume(false);
      }
    } catch (IOException e) {
      GranaryException g = Failures.unwrap(e);
      if (g != null) {
        throw g;
      }
      throw new HttpError(HttpResponseStatus.INTERNAL_SERVER_ERROR, path + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "the server is stopping; "
          + path + " was not stored");
    } finally {
      if (out != null) {
        out.abort();
      }
      giveUp();
    }
  }

  /**
   * An existing file without overwrite, or a directory, is refused before any byte is read (the
   * commit would refuse it too, but only after the whole body travelled).
   */
  private static void precheck(GranaryClient client, String path, boolean overwrite)
      throws GranaryException {
    FileStatus existing;
    try {
      existing = client.stat(path);
    } catch (NotFoundException e) {
      return;
    }
    if (existing.directory()) {
      throw new InvalidArgumentException(InvalidArgumentException.Kind.IS_A_DIRECTORY,
          path + ": is a directory", null);
    }
    if (!overwrite) {
      throw new AlreadyExistsException(path
          + ": file exists (add ?overwrite=true to replace it)");
    }
  }

  private void resume(boolean first) {
    synchronized (this) {
      if (paused && !done && (first || queued < LOW)) {
        paused = false;
        exchange.resumeReading();
      }
    }
  }

  /** Stops queueing and frees what is queued; the listener discards the rest of the body. */
  private synchronized void giveUp() {
    done = true;
    for (Object o; (o = queue.poll()) != null; ) {
      if (o instanceof ByteBuf b) {
        b.release();
      }
    }
  }
}
