package dev.granary.hadoop;

import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Locale;
import org.apache.hadoop.fs.ByteBufferPositionedReadable;
import org.apache.hadoop.fs.ByteBufferReadable;
import org.apache.hadoop.fs.CanUnbuffer;
import org.apache.hadoop.fs.FSExceptionMessages;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.StreamCapabilities;

/**
 * A Granary file opened for reading through Hadoop: seekable, with positioned reads (into arrays
 * and {@link ByteBuffer}s) that leave the stream's position alone, and {@link #unbuffer()} that
 * lets go of the client's read state until the next read. Vectored reads use Hadoop's default
 * (one positioned read per range).
 *
 * <p>Over the client's random-access channel ({@link GranaryClient#openChannel}): consecutive reads
 * switch its read-ahead on, a seek reads just the blocks it needs. Seeking before 0 or past the end
 * is an {@link EOFException}, a read at the end returns -1, and every operation but {@link #close()}
 * and {@link #getPos()} fails on a closed stream. Thread-safe (methods are synchronized), as
 * Hadoop's positioned reads require.
 */
final class GranaryFsInputStream extends FSInputStream
    implements ByteBufferReadable, ByteBufferPositionedReadable, CanUnbuffer, StreamCapabilities {
  private final GranaryClient client;
  private final String path;
  private final FileSystem.Statistics statistics;
  /** The open channel, or null after {@link #unbuffer()} until the next read. */
  private SeekableByteChannel channel;
  private long length;
  private long pos;
  private boolean closed;

  /**
   * Opens {@code path}.
   *
   * @throws GranaryException if it does not exist or is a directory (the caller maps these)
   */
  GranaryFsInputStream(GranaryClient client, String path, FileSystem.Statistics statistics)
      throws GranaryException, IOException {
    this.client = client;
    this.path = path;
    this.statistics = statistics;
    SeekableByteChannel ch = client.openChannel(path);
    try {
      this.length = ch.size();
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    this.channel = ch;
  }

  @Override
  public synchronized void seek(long target) throws IOException {
    checkOpen();
    if (target < 0) {
      throw new EOFException(FSExceptionMessages.NEGATIVE_SEEK + ": " + target + " in " + path);
    }
    if (target > length) {
      throw new EOFException(FSExceptionMessages.CANNOT_SEEK_PAST_EOF + ": " + target + " in "
          + path + " of " + length + " bytes");
    }
    pos = target;
  }

  @Override
  public synchronized long getPos() {
    return pos;
  }

  /** Granary picks the replica itself (and moves on from a bad one), so there is no other source. */
  @Override
  public boolean seekToNewSource(long targetPos) {
    return false;
  }

  @Override
  public synchronized int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n <= 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public synchronized int read(byte[] b, int off, int len) throws IOException {
    checkOpen();
    validatePositionedReadArgs(pos, b, off, len);
    if (len == 0) {
      return 0;
    }
    return read(ByteBuffer.wrap(b, off, len));
  }

  @Override
  public synchronized int read(ByteBuffer buf) throws IOException {
    checkOpen();
    int n = readAt(pos, buf);
    if (n > 0) {
      pos += n;
    }
    return n;
  }

  @Override
  public synchronized int read(long position, byte[] b, int off, int len) throws IOException {
    checkOpen();
    validatePositionedReadArgs(position, b, off, len);
    if (len == 0) {
      return 0;
    }
    return readAt(position, ByteBuffer.wrap(b, off, len));
  }

  @Override
  public synchronized int read(long position, ByteBuffer buf) throws IOException {
    checkOpen();
    if (position < 0) {
      throw new EOFException(FSExceptionMessages.NEGATIVE_SEEK + ": " + position + " in " + path);
    }
    return readAt(position, buf);
  }

  @Override
  public synchronized void readFully(long position, ByteBuffer buf) throws IOException {
    checkOpen();
    long at = position;
    while (buf.hasRemaining()) {
      int n = read(at, buf);
      if (n < 0) {
        throw new EOFException(FSExceptionMessages.EOF_IN_READ_FULLY + ": " + path + " at "
            + at + " of " + length + " bytes");
      }
      at += n;
    }
  }

  /** Reads at {@code position} without moving the stream; -1 at or past the end. */
  private int readAt(long position, ByteBuffer buf) throws IOException {
    if (!buf.hasRemaining()) {
      return 0;
    }
    if (position >= length) {
      return -1;
    }
    SeekableByteChannel ch = channel();
    try {
      ch.position(position);
      int n = ch.read(buf);
      if (n > 0 && statistics != null) {
        statistics.incrementBytesRead(n);
      }
      return n;
    } catch (IOException e) {
      throw Errors.translate(e, path);
    }
  }

  @Override
  public synchronized int available() throws IOException {
    checkOpen();
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, length - pos));
  }

  @Override
  public synchronized long skip(long n) throws IOException {
    checkOpen();
    if (n <= 0) {
      return 0;
    }
    long skipped = Math.min(n, Math.max(0, length - pos));
    pos += skipped;
    return skipped;
  }

  /** Closes the channel (its read-ahead and cached locations); the next read opens it again. */
  @Override
  public synchronized void unbuffer() {
    if (channel != null) {
      closeChannel();
    }
  }

  @Override
  public boolean hasCapability(String capability) {
    return switch (capability.toLowerCase(Locale.ROOT)) {
      case StreamCapabilities.READBYTEBUFFER, StreamCapabilities.PREADBYTEBUFFER,
          StreamCapabilities.UNBUFFER -> true;
      default -> false;
    };
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      if (channel != null) {
        closeChannel();
      }
    }
  }

  private void closeChannel() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // A read-only channel's close only frees client-side state; nothing is lost.
    } finally {
      channel = null;
    }
  }

  /** The channel, opened again after {@link #unbuffer()} (the file may have been replaced). */
  private SeekableByteChannel channel() throws IOException {
    if (channel == null) {
      try {
        channel = client.openChannel(path);
      } catch (GranaryException e) {
        throw Errors.translate(e, path);
      }
      length = channel.size();
    }
    return channel;
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException(FSExceptionMessages.STREAM_IS_CLOSED + ": " + path);
    }
  }

  @Override
  public String toString() {
    return "GranaryFsInputStream[" + path + ", pos=" + pos + ", length=" + length + "]";
  }
}
