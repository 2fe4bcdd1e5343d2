package dev.granary.chunkserver.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Writes a replica's blocks around the page cache ({@link DirectIo}): stages them in an aligned
 * buffer and writes each full buffer with direct I/O; the replica's final partial block, and
 * nothing else, goes through the page cache ({@link TmpDataFile}). The buffer holds a whole number
 * of 64 KiB blocks and every block but the replica's last is whole (the writer checks), so a block
 * always fits and every direct write starts aligned.
 */
final class DirectStaging {
  private final DirectIo direct;
  private final TmpDataFile data;
  private FileChannel directData;
  /** Blocks not yet written with direct I/O; they start at file offset {@code staged}. */
  private ByteBuffer staging;
  private long staged;

  DirectStaging(DirectIo direct, TmpDataFile data) {
    this.direct = direct;
    this.data = data;
  }

  /** Copies a block into the staging buffer, writing the buffer out when full. */
  void stage(ByteBuffer block) throws IOException {
    if (staging == null) {
      directData = direct.openForWrite(data.path());
      staging = direct.take();
    }
    staging.put(block);
    if (!staging.hasRemaining()) {
      writeStaged();
    }
  }

  /**
   * Writes the staged bytes: the aligned part with direct I/O, the rest (the replica's final
   * partial block; only ever at the end) through the page cache.
   */
  private void writeStaged() throws IOException {
    staging.flip();
    int end = staging.limit();
    int aligned = end & -direct.alignment();
    ByteBuffer part = staging.duplicate().limit(aligned);
    while (part.hasRemaining()) {
      directData.write(part, staged + part.position());
    }
    data.writeAt(staging.duplicate().position(aligned), staged + aligned);
    staged += end;
    staging.clear();
  }

  /**
   * Writes what is staged if {@code write}, and gives the staging buffer back; then takes no
   * blocks. Idempotent.
   */
  void finish(boolean write) throws IOException {
    if (staging == null) {
      return;
    }
    try {
      if (write) {
        writeStaged();
      }
    } finally {
      direct.give(staging);
      staging = null;
      directData.close();
    }
  }
}
