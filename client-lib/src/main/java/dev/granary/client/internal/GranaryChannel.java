package dev.granary.client.internal;

import dev.granary.client.GranaryException;
import dev.granary.client.GranaryIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only, random-access view of one file. Consecutive reads switch on read-ahead; a jump reads
 * just the blocks it needs. Thread-safe (methods are synchronized); failures are
 * {@link GranaryIOException}s.
 */
final class GranaryChannel implements SeekableByteChannel {
  private final FileReader reader;
  private long position;
  private long lastEnd = -1;
  private boolean open = true;

  GranaryChannel(FileReader reader) {
    this.reader = reader;
  }

  @Override
  public synchronized int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (!dst.hasRemaining()) {
      return 0;
    }
    boolean sequential = position == lastEnd;
    try {
      int n = reader.read(position, dst, sequential);
      if (n > 0) {
        position += n;
        lastEnd = position;
      }
      return n;
    } catch (GranaryException e) {
      throw new GranaryIOException(e);
    }
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public synchronized long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public synchronized SeekableByteChannel position(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public synchronized long size() throws IOException {
    ensureOpen();
    return reader.size();
  }

  @Override
  public SeekableByteChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public synchronized boolean isOpen() {
    return open;
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }

  @Override
  public synchronized void close() {
    if (open) {
      open = false;
      reader.close();
    }
  }
}
