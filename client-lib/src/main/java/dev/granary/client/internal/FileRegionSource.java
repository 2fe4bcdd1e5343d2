package dev.granary.client.internal;

import dev.granary.wire.Limits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;

/** A region of a local file; blocks are read with positional reads, so regions share the channel. */
final class FileRegionSource implements ChunkSource {
  private final FileChannel file;
  private final long position;
  private final long length;

  public FileRegionSource(FileChannel file, long position, long length) {
    this.file = file;
    this.position = position;
    this.length = length;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public ByteBuf block(int index, ByteBufAllocator alloc) throws IOException {
    long off = (long) index * Limits.BLOCK_SIZE;
    int len = (int) Math.max(0, Math.min(Limits.BLOCK_SIZE, length - off));
    ByteBuf buf = alloc.ioBuffer(Math.max(1, len));
    try {
      long at = position + off;
      while (buf.readableBytes() < len) {
        int n = buf.writeBytes(file, at + buf.readableBytes(), len - buf.readableBytes());
        if (n < 0) {
          throw new EOFException("local file ended at byte " + (at + buf.readableBytes())
              + "; it shrank while being uploaded");
        }
      }
      return buf;
    } catch (IOException | RuntimeException e) {
      buf.release();
      throw e;
    }
  }
}
