package dev.granary.client;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a new file ({@link GranaryClient#create}): bytes are gathered into chunks, each full chunk
 * is stored in the background while the next fills, and at most the client's {@code parallelism}
 * chunks are buffered (a writer that gets ahead blocks). {@link #close()} stores the last chunk and
 * commits the file, which only then becomes visible, atomically. {@link #flush()} does nothing: a
 * file is all-or-nothing. Failures are {@link GranaryIOException}s carrying the typed
 * {@link GranaryException}. Not thread-safe.
 *
 * <p>Whether the path may be written (exists without overwrite, is a directory) is decided by the
 * commit, atomically. A file that grows past one chunk is also checked once before its first chunk
 * is stored, so a large upload to a path that cannot take it fails before the bytes travel.
 *
 * <p>A writer whose source fails midway (a truncated network upload) calls {@link #abort()}
 * instead of closing: nothing is committed.
 *
 * <p>The library's streams come only from {@link GranaryClient#create}; the constructor is
 * protected so that a fake {@link GranaryClient} in an application's tests can return its own.
 */
public abstract class GranaryOutputStream extends OutputStream {
  /** For the library's stream and for fakes. */
  protected GranaryOutputStream() {}

  /**
   * Gives up on the file: nothing is committed, buffered bytes are freed, chunks being stored
   * finish in the background and their replicas are collected as garbage like any uncommitted
   * upload's. The path is left as it was. Idempotent; a later {@link #close()} does nothing.
   */
  public abstract void abort();

  /** Does nothing: data becomes visible only when the stream is closed. */
  @Override
  public void flush() {}

  /**
   * Stores the last chunk and commits the file; then the file is visible to every reader.
   * Idempotent.
   *
   * @throws GranaryIOException if the file could not be stored or committed (nothing is then)
   */
  @Override
  public abstract void close() throws IOException;
}
