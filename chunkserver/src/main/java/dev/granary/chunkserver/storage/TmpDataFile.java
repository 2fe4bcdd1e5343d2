package dev.granary.chunkserver.storage;

import dev.granary.wire.Status;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;

/**
 * The data file of a replica being written, in {@code tmp/}, written through the page cache. It is
 * created on first use, on the writer's I/O thread: creating a file can wait for a journal commit
 * of the file system, which must never stall the event loop that admitted the write. Every
 * {@link FlushBehind#INTERVAL} bytes appended, it asks for an early flush of what is written.
 */
final class TmpDataFile {
  private final Path path;
  private final String name;
  private FileChannel channel;
  private long unflushed;
  private CompletableFuture<Void> flushing;

  /** @param name the replica, for messages */
  TmpDataFile(Path path, String name) {
    this.path = path;
    this.name = name;
  }

  Path path() {
    return path;
  }

  /** The file open for reading and writing, created if it does not exist yet. */
  FileChannel channel() throws StoreException {
    if (channel == null) {
      try {
        channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            StandardOpenOption.READ);
      } catch (IOException e) {
        throw new StoreException(Status.INTERNAL, name + ": cannot create a temporary file: "
            + e.getMessage(), e);
      }
    }
    return channel;
  }

  /** Appends {@code block} through the page cache; after {@link #channel}. */
  void append(ByteBuffer block) throws IOException {
    int n = block.remaining();
    while (block.hasRemaining()) {
      channel.write(block);
    }
    unflushed += n;
    if (unflushed >= FlushBehind.INTERVAL && (flushing == null || flushing.isDone())) {
      unflushed = 0;
      flushing = FlushBehind.request(channel);
    }
  }

  /** Writes {@code b} at file offset {@code pos} through the page cache; after {@link #channel}. */
  void writeAt(ByteBuffer b, long pos) throws IOException {
    long start = pos - b.position();
    while (b.hasRemaining()) {
      channel.write(b, start + b.position());
    }
  }

  /** Waits for an outstanding flush-behind, so the file can be closed. */
  void awaitFlushBehind() {
    if (flushing != null) {
      flushing.join(); // never completes exceptionally: FlushBehind swallows its failures
      flushing = null;
    }
  }

  /** Reads the first {@code length} bytes back (from the page cache) and closes the file. */
  byte[] readAllAndClose(int length) throws StoreException, IOException {
    byte[] bytes = new byte[length];
    FileChannel ch = channel();
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      if (ch.read(b, b.position()) < 0) {
        throw new IOException("data file ends at byte " + b.position() + " of " + length);
      }
    }
    ch.close();
    return bytes;
  }

  /** Forces the file's contents ({@code fdatasync}) and closes it. */
  void forceAndClose() throws IOException {
    channel.force(false);
    channel.close();
  }

  /** Renames the file to {@code target} atomically. */
  void moveTo(Path target) throws IOException {
    Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Closes the file, once any flush-behind is done; a no-op if it was never created. */
  void close() {
    awaitFlushBehind();
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      // Closing a file we are about to delete: nothing to recover.
    }
  }
}
