package dev.granary.client.internal;

import dev.granary.client.GranaryException;
import dev.granary.client.UnavailableException;
import dev.granary.wire.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * The SHA-256 of each chunk-sized slice of a local file, computed before it is sent so the master
 * can say which chunks it already holds (delta updates, deduplication). Reads the file once more
 * (the page cache usually serves it), the chunks in parallel on the client's workers.
 */
final class ChunkDigests {
  private static final int BUFFER = 1 << 20;

  private ChunkDigests() {}

  /** The SHA-256 of {@code length} bytes of {@code in} at {@code at}. */
  static Sha256 of(FileChannel in, long at, long length) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(BUFFER, Math.max(1, length)));
    MessageDigest md = Sha256.newDigest();
    long end = at + length;
    while (at < end) {
      buf.clear().limit((int) Math.min(buf.capacity(), end - at));
      int n = in.read(buf, at);
      if (n < 0) {
        throw new IOException("the file shrank while it was read (at byte " + at + ")");
      }
      md.update(buf.array(), 0, n);
      at += n;
    }
    return Sha256.of(md.digest());
  }

  /** The SHA-256 of a chunk's bytes as a source serves them (a compressed chunk's records). */
  static Sha256 of(ChunkSource chunk) throws IOException {
    MessageDigest md = Sha256.newDigest();
    int blocks = (int) ((chunk.length() + dev.granary.wire.Limits.BLOCK_SIZE - 1)
        / dev.granary.wire.Limits.BLOCK_SIZE);
    for (int b = 0; b < blocks; b++) {
      io.netty.buffer.ByteBuf buf = chunk.block(b,
          io.netty.buffer.UnpooledByteBufAllocator.DEFAULT);
      try {
        Sha256.update(md, buf);
      } finally {
        buf.release();
      }
    }
    return Sha256.of(md.digest());
  }

  static List<Sha256> of(FileChannel in, long size, long chunkSize, Executor workers,
      int parallelism) throws IOException, GranaryException {
    int chunks = (int) ((size + chunkSize - 1) / chunkSize);
    Sha256[] out = new Sha256[chunks];
    List<CompletableFuture<Void>> running = new ArrayList<>();
    int lanes = Math.max(1, Math.min(parallelism, chunks));
    for (int lane = 0; lane < lanes; lane++) {
      int first = lane;
      running.add(CompletableFuture.runAsync(() -> {
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        MessageDigest md = Sha256.newDigest();
        for (int i = first; i < chunks; i += lanes) {
          long at = i * chunkSize;
          long end = Math.min(size, at + chunkSize);
          try {
            while (at < end) {
              buf.clear().limit((int) Math.min(BUFFER, end - at));
              int n = in.read(buf, at);
              if (n < 0) {
                throw new IOException("the file shrank while it was read (at byte " + at + ")");
              }
              md.update(buf.array(), 0, n);
              at += n;
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          out[i] = Sha256.of(md.digest());
        }
      }, workers));
    }
    try {
      CompletableFuture.allOf(running.toArray(new CompletableFuture[0])).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof UncheckedIOException io) {
        throw io.getCause();
      }
      throw new UnavailableException("hashing the file's chunks failed: " + e.getCause(), e);
    }
    return List.of(out);
  }
}
