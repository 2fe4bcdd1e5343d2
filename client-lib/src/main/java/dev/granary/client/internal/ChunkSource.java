package dev.granary.client.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;

/**
 * The bytes of one chunk being written, readable block by block as often as needed: a retry on a
 * fresh pipeline reads them again (a local file region is re-read, so no chunk is held in memory
 * just in case).
 */
interface ChunkSource {
  /** Bytes in the chunk. */
  long length();

  /**
   * Block {@code index} (64 KiB, the last may be shorter) as a buffer the caller owns and releases.
   *
   * @throws IOException reading local data failed
   */
  ByteBuf block(int index, ByteBufAllocator alloc) throws IOException;

  /** Frees what the source holds; called once the chunk is stored or abandoned. */
  default void release() {}
}
