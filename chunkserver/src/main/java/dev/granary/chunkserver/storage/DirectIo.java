package dev.granary.chunkserver.storage;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Direct I/O ({@code O_DIRECT}) for replicas that readers are not sent to first: the downstream
 * hops of a pipeline and re-replication copies. Their bytes go from an aligned staging buffer to
 * the disk without a copy into the page cache.
 *
 * <p>Why: a pipeline stores every chunk three times, and on a machine that runs more than one
 * chunkserver (or on one with little memory to spare) the kernel's copy of each replica into
 * freshly allocated page-cache pages is the largest single cost of a write (measured with perf on
 * the 2-core test machine: about half of all CPU time during a 3-replica write). Only the head's
 * copy is worth caching: the master lists the head first and clients read from it. The head
 * writes through the page cache as before, so data read right after it is written is still served
 * from memory. Durability is unchanged: the commit still forces the file ({@code fdatasync},
 * which also flushes the device's write cache) before anything is acknowledged.
 *
 * <p>Direct I/O needs buffers, file offsets and lengths aligned to the device's block size, so a
 * writer stages packets in an aligned buffer of {@link #STAGING} bytes and writes it whole; only
 * the final partial block of a replica goes through the page cache. File systems without
 * {@code O_DIRECT} (tmpfs, some FUSE and ZFS versions) are detected once at start-up by a probe
 * write, and the store then writes every replica through the page cache.
 */
final class DirectIo {
  private static final Logger log = LoggerFactory.getLogger(DirectIo.class);

  /** Bytes staged per direct write: a whole number of 64 KiB blocks, so packets never straddle. */
  static final int STAGING = 1 << 20;
  /** Staging buffers kept for reuse; more are allocated (and left to the GC) under a burst. */
  private static final int POOLED = 16;

  /** A store that writes everything through the page cache. */
  static final DirectIo DISABLED = new DirectIo(0);

  private final int alignment;
  private final ConcurrentLinkedQueue<ByteBuffer> pool = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pooled = new AtomicInteger();

  private DirectIo(int alignment) {
    this.alignment = alignment;
  }

  /**
   * Whether {@code dir}'s file system takes direct writes: one aligned block is written to a probe
   * file with {@code O_DIRECT}, which is then deleted. Never throws: on any failure direct I/O is
   * off and the reason logged.
   */
  static DirectIo probe(Path dir, String nodeId) {
    int alignment = 4096;
    try {
      long fsBlock = Files.getFileStore(dir).getBlockSize();
      if (fsBlock > alignment && fsBlock <= STAGING && Long.bitCount(fsBlock) == 1) {
        alignment = (int) fsBlock;
      }
    } catch (IOException | UnsupportedOperationException e) {
      // Keep 4096: every common device's logical block size divides it.
    }
    Path probe = dir.resolve("direct-io.probe");
    DirectIo direct = new DirectIo(alignment);
    try {
      try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)) {
        ByteBuffer b = aligned(alignment, alignment);
        while (b.hasRemaining()) {
          ch.write(b, b.position());
        }
      }
      log.info("{}: downstream replicas bypass the page cache (direct I/O, {}-byte alignment)",
          nodeId, alignment);
      return direct;
    } catch (IOException | UnsupportedOperationException e) {
      log.info("{}: the file system of {} does not take direct I/O ({}); every replica is written "
          + "through the page cache", nodeId, dir, e.toString());
      return DISABLED;
    } finally {
      try {
        Files.deleteIfExists(probe);
      } catch (IOException e) {
        // tmp/ is emptied at the next start.
      }
    }
  }

  boolean enabled() {
    return alignment > 0;
  }

  int alignment() {
    return alignment;
  }

  /** Opens an existing file for direct writes. */
  FileChannel openForWrite(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
  }

  /** A cleared, aligned staging buffer of {@link #STAGING} bytes. */
  ByteBuffer take() {
    ByteBuffer b = pool.poll();
    if (b == null) {
      return aligned(STAGING, alignment);
    }
    pooled.decrementAndGet();
    return b.clear();
  }

  /** Returns a buffer from {@link #take}; the caller must not touch it afterwards. */
  void give(ByteBuffer b) {
    if (pooled.incrementAndGet() <= POOLED) {
      pool.offer(b);
    } else {
      pooled.decrementAndGet();
    }
  }

  private static ByteBuffer aligned(int size, int alignment) {
    return ByteBuffer.allocateDirect(size + alignment).alignedSlice(alignment).limit(size).slice();
  }
}
