package dev.granary.chunkserver.net;

import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * One block of a replica sent straight from its file ({@code FileChannel.transferTo}, i.e. sendfile
 * on Linux): zero copy through user space.
 *
 * <p>Why not {@code DefaultFileRegion}: it closes its {@code FileChannel} when released, so a read of
 * a 64 MiB chunk, sent as 1024 block-sized packets, would need one open and close of the file per
 * block. This region shares the read stream's channel, which the stream closes after the last
 * region is released; transfer semantics are those of {@code DefaultFileRegion}.
 */
final class BlockRegion extends AbstractReferenceCounted implements FileRegion {
  private final FileChannel file;
  private final long position;
  private final long count;
  private final Runnable onRelease;
  private long transferred;

  /** @param onRelease called once when the region is released (the stream may close the file) */
  BlockRegion(FileChannel file, long position, long count, Runnable onRelease) {
    this.file = file;
    this.position = position;
    this.count = count;
    this.onRelease = onRelease;
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public long count() {
    return count;
  }

  @Override
  @Deprecated
  public long transfered() {
    return transferred;
  }

  @Override
  public long transferred() {
    return transferred;
  }

  @Override
  public long transferTo(WritableByteChannel target, long at) throws IOException {
    long remaining = count - at;
    if (remaining < 0 || at < 0) {
      throw new IllegalArgumentException("position out of range: " + at + " (expected: 0 - "
          + (count - 1) + ')');
    }
    if (remaining == 0) {
      return 0L;
    }
    long written = file.transferTo(position + at, remaining, target);
    if (written > 0) {
      transferred += written;
    } else if (written == 0 && file.size() < position + count) {
      throw new IOException("replica file shrank to " + file.size() + " bytes while block at "
          + position + " (" + count + " bytes) was being sent");
    }
    return written;
  }

  @Override
  protected void deallocate() {
    onRelease.run();
  }

  @Override
  public BlockRegion retain() {
    super.retain();
    return this;
  }

  @Override
  public BlockRegion retain(int increment) {
    super.retain(increment);
    return this;
  }

  @Override
  public BlockRegion touch() {
    return this;
  }

  @Override
  public BlockRegion touch(Object hint) {
    return this;
  }
}
