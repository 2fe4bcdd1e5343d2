package dev.granary.chunkserver.net;

import io.netty.channel.DefaultFileRegion;
import java.nio.channels.FileChannel;

/**
 * One block of a replica sent straight from its file: {@code sendfile(2)} from the file descriptor
 * under the epoll transport, {@code FileChannel.transferTo} (also sendfile on Linux) under NIO.
 * Zero copy through user space either way.
 *
 * <p>A {@code DefaultFileRegion}, because that is the region type the epoll transport hands to
 * sendfile (any other {@code FileRegion} is copied through a user-space buffer), with one change:
 * {@code DefaultFileRegion} closes its {@code FileChannel} when released, so a read of a 64 MiB
 * chunk, sent as 1024 block-sized packets, would need one open and close of the file per block.
 * This region shares the read stream's channel and, when released, tells the stream, which closes
 * the file after the last region is released. If the file shrinks under a transfer, the transfer
 * fails with an {@code IOException} (DefaultFileRegion's own check).
 */
final class BlockRegion extends DefaultFileRegion {
  private final Runnable onRelease;

  /** @param onRelease called once when the region is released (the stream may close the file) */
  BlockRegion(FileChannel file, long position, long count, Runnable onRelease) {
    super(file, position, count);
    this.onRelease = onRelease;
  }

  @Override
  protected void deallocate() {
    onRelease.run();
  }
}
