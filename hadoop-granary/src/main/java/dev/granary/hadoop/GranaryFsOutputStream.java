package dev.granary.hadoop;

import dev.granary.client.GranaryOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.fs.Abortable;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.util.Progressable;

/**
 * A new Granary file written through Hadoop. Granary files are all-or-nothing: the bytes become
 * visible atomically when {@link #close()} commits them, so {@code hflush}/{@code hsync} are not
 * offered ({@link #hasCapability} says so, and Hadoop's {@code FSDataOutputStream} falls back to
 * {@link #flush()}, which does nothing). After the commit, a permission other than Granary's
 * default for new files is set. {@link #abort()} ends the stream without committing: nothing
 * appears at the path. Failures are Hadoop's exceptions for the path.
 */
final class GranaryFsOutputStream extends OutputStream implements StreamCapabilities, Abortable {
  /** What to do once the file is committed (set the asked-for permission). */
  @FunctionalInterface
  interface AfterCommit {
    void run() throws IOException;
  }

  private final GranaryOutputStream out;
  private final String path;
  private final Progressable progress;
  private final AfterCommit afterCommit;
  private boolean closed;

  GranaryFsOutputStream(GranaryOutputStream out, String path, Progressable progress,
      AfterCommit afterCommit) {
    this.out = out;
    this.path = path;
    this.progress = progress;
    this.afterCommit = afterCommit;
  }

  @Override
  public void write(int b) throws IOException {
    try {
      out.write(b);
    } catch (IOException e) {
      throw Errors.translate(e, path);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    try {
      out.write(b, off, len);
    } catch (IOException e) {
      throw Errors.translate(e, path);
    }
    if (progress != null) {
      progress.progress();
    }
  }

  /** Does nothing: a Granary file's bytes become visible only when it is closed. */
  @Override
  public void flush() {
  }

  /** Commits the file; closing again does nothing. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      out.close();
    } catch (IOException e) {
      throw Errors.translate(e, path);
    }
    afterCommit.run();
  }

  /** Ends the stream without committing; the path is left as it was. */
  @Override
  public AbortableResult abort() {
    boolean wasClosed = closed;
    closed = true;
    if (!wasClosed) {
      out.abort();
    }
    return new AbortableResult() {
      @Override
      public boolean alreadyClosed() {
        return wasClosed;
      }

      @Override
      public IOException anyCleanupException() {
        return null;
      }
    };
  }

  /** Only {@code fs.capability.outputstream.abortable}: no hflush or hsync (see the class). */
  @Override
  public boolean hasCapability(String capability) {
    return StreamCapabilities.ABORTABLE_STREAM.equalsIgnoreCase(capability);
  }

  @Override
  public String toString() {
    return "GranaryFsOutputStream[" + path + "]";
  }
}
