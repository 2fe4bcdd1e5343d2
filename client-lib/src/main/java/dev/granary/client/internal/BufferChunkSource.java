package dev.granary.client.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * A chunk buffered in memory by the output stream as a list of 64 KiB blocks (so it grows without
 * copying); owns one reference to each block buffer.
 */
final class BufferChunkSource implements ChunkSource {
  private final List<ByteBuf> blocks;
  private final long length;

  public BufferChunkSource(List<ByteBuf> blocks) {
    this.blocks = List.copyOf(blocks);
    long n = 0;
    for (ByteBuf b : this.blocks) {
      n += b.readableBytes();
    }
    this.length = n;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public ByteBuf block(int index, ByteBufAllocator alloc) {
    return index < blocks.size() ? blocks.get(index).retainedDuplicate() : alloc.buffer(0);
  }

  @Override
  public void release() {
    for (ByteBuf b : blocks) {
      b.release();
    }
  }
}
