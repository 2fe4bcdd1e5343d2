package dev.granary.client.internal;

import dev.granary.wire.Limits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * A chunk's stored bytes built in memory ({@link FileCodec#encode}): appended to 64 KiB buffers,
 * then served block by block as a {@link ChunkSource}, as often as a retry needs them.
 */
final class StoredChunk implements ChunkSource {
  private final ByteBufAllocator alloc;
  private final List<ByteBuf> blocks = new ArrayList<>();
  private long length;

  StoredChunk(ByteBufAllocator alloc) {
    this.alloc = alloc;
  }

  void write(byte[] b, int off, int len) {
    while (len > 0) {
      ByteBuf last = blocks.isEmpty() ? null : blocks.get(blocks.size() - 1);
      if (last == null || !last.isWritable()) {
        last = alloc.buffer(Limits.BLOCK_SIZE, Limits.BLOCK_SIZE);
        blocks.add(last);
      }
      int n = Math.min(len, last.writableBytes());
      last.writeBytes(b, off, n);
      off += n;
      len -= n;
      length += n;
    }
  }

  void writeInt(int v) {
    write(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v}, 0, 4);
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public ByteBuf block(int index, ByteBufAllocator a) {
    return index < blocks.size() ? blocks.get(index).retainedDuplicate() : a.buffer(0);
  }

  @Override
  public void release() {
    for (ByteBuf b : blocks) {
      b.release();
    }
    blocks.clear();
  }
}
