package dev.granary.client.internal;

import dev.granary.client.GranaryException;
import dev.granary.client.GranaryIOException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** A sequential reader of one file, with read-ahead; failures are {@link GranaryIOException}s. */
final class GranaryInputStream extends InputStream {
  private final FileReader reader;
  private long position;
  private boolean closed;

  GranaryInputStream(FileReader reader) {
    this.reader = reader;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    ensureOpen();
    if (len == 0) {
      return 0;
    }
    try {
      int n = reader.read(position, ByteBuffer.wrap(b, off, len), true);
      if (n > 0) {
        position += n;
      }
      return n;
    } catch (GranaryException e) {
      throw new GranaryIOException(e);
    }
  }

  @Override
  public long skip(long n) throws IOException {
    ensureOpen();
    long k = Math.max(0, Math.min(n, reader.size() - position));
    position += k;
    return k;
  }

  @Override
  public int available() throws IOException {
    ensureOpen();
    return 0;
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      reader.close();
    }
  }
}
