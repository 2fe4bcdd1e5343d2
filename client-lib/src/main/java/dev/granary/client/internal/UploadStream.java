package dev.granary.client.internal;

import dev.granary.client.GranaryException;
import dev.granary.client.GranaryIOException;
import dev.granary.client.GranaryOutputStream;
import dev.granary.wire.Limits;
import dev.granary.wire.msg.FileEntry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The library's {@link GranaryOutputStream}: bytes are gathered into chunks (64 KiB block
 * buffers, allocated as data arrives, so a small file costs little), and each full chunk is stored
 * in the background while the next fills. At most {@code parallelism} chunks are buffered, the one
 * being filled included. {@link #close()} stores the last chunk on the closing thread (which waits
 * for it anyway: a one-chunk file costs no thread hand-off) and commits the file. A file that grows
 * past one chunk runs {@code precheck} once, before its first chunk is stored; a small file saves
 * that round trip.
 */
final class UploadStream extends GranaryOutputStream {
  private final FileUpload upload;
  private final long chunkSize;
  private final ByteBufAllocator alloc;
  private final Consumer<FileEntry> onCommit;
  private final Precheck precheck;
  private final List<ByteBuf> current = new ArrayList<>();
  private boolean haveSlot;
  private long currentBytes;
  /** Bytes in the chunks handed to the upload. */
  private long size;
  private int chunks;
  private boolean closed;

  /** A check run before the first chunk of a multi-chunk file is stored. */
  @FunctionalInterface
  interface Precheck {
    void run() throws GranaryException;
  }

  UploadStream(FileUpload upload, long chunkSize, ByteBufAllocator alloc,
      Consumer<FileEntry> onCommit, Precheck precheck) {
    this.upload = upload;
    this.precheck = precheck;
    this.chunkSize = chunkSize;
    this.alloc = alloc;
    this.onCommit = onCommit;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IOException("stream closed");
    }
    try {
      while (len > 0) {
        if (currentBytes == chunkSize) {
          // A full chunk is stored once more bytes come: only then is it known not to be the
          // file's last (an encrypted file's last block is marked so, against truncation).
          if (chunks == 0) {
            precheck.run();
          }
          submitCurrent();
        }
        if (!haveSlot) {
          upload.acquireSlot();
          haveSlot = true;
        }
        ByteBuf last = current.isEmpty() ? null : current.get(current.size() - 1);
        if (last == null || !last.isWritable()) {
          int size = (int) Math.min(Limits.BLOCK_SIZE, chunkSize - currentBytes);
          last = alloc.buffer(size, size);
          current.add(last);
        }
        int n = Math.min(len, last.writableBytes());
        last.writeBytes(b, off, n);
        off += n;
        len -= n;
        currentBytes += n;
      }
    } catch (GranaryException e) {
      fail();
      throw new GranaryIOException(e);
    }
  }

  private void submitCurrent() throws GranaryException {
    BufferChunkSource chunk = handOver();
    upload.submit(chunks++, chunk, false);
  }

  /**
   * The chunk being filled as a source that now owns its buffers; the upload gives the slot back
   * when it is done with the chunk, also if it refuses it.
   */
  private BufferChunkSource handOver() {
    BufferChunkSource chunk = new BufferChunkSource(current);
    haveSlot = false;
    current.clear();
    size += currentBytes;
    currentBytes = 0;
    return chunk;
  }

  /** Stores the last chunk on this thread: closing waits for it anyway. */
  private void storeLast() throws GranaryException {
    BufferChunkSource chunk = handOver();
    upload.store(chunks++, chunk, true);
  }

  private void fail() {
    closed = true;
    releaseCurrent();
    upload.abort();
  }

  private void releaseCurrent() {
    for (ByteBuf b : current) {
      b.release();
    }
    current.clear();
    if (haveSlot) {
      upload.releaseSlot();
      haveSlot = false;
    }
  }

  @Override
  public void abort() {
    if (!closed) {
      fail();
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (currentBytes > 0) {
        storeLast();
      } else {
        releaseCurrent();
      }
      onCommit.accept(upload.commit(chunks, size));
    } catch (GranaryException e) {
      upload.abort();
      throw new GranaryIOException(e);
    }
  }
}
