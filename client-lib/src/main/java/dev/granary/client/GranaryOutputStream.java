package dev.granary.client;

import dev.granary.client.internal.BufferChunkSource;
import dev.granary.client.internal.FileUpload;
import dev.granary.wire.Limits;
import dev.granary.wire.msg.FileEntry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Writes a new file: bytes are gathered into chunks (64 KiB block buffers, allocated as data
 * arrives, so a small file costs little), and each full chunk is stored in the background while the
 * next fills. At most {@code parallelism} chunks are buffered, the one being filled included; a
 * writer that gets ahead blocks. {@link #close()} stores the last chunk (on the closing thread, which
 * waits for it anyway: a one-chunk file costs no thread hand-off) and commits the file, which only
 * then becomes visible. {@link #flush()} does nothing: a file is all-or-nothing. Failures are
 * {@link GranaryIOException}s. Not thread-safe.
 *
 * <p>Whether the path may be written (exists without overwrite, is a directory) is decided by the
 * commit, atomically. A file that grows past one chunk also runs {@code precheck} once, before its
 * first chunk is stored, so a large upload to a path that cannot take it fails before the bytes
 * travel; a small file saves that round trip.
 *
 * <p>A writer whose source fails midway (a truncated network upload) calls {@link #abort()}
 * instead of closing: nothing is committed.
 */
public final class GranaryOutputStream extends OutputStream {
  private final FileUpload upload;
  private final long chunkSize;
  private final ByteBufAllocator alloc;
  private final Consumer<FileEntry> onCommit;
  private final Precheck precheck;
  private final List<ByteBuf> current = new ArrayList<>();
  private boolean haveSlot;
  private long currentBytes;
  private int chunks;
  private boolean closed;

  /** A check run before the first chunk of a multi-chunk file is stored. */
  @FunctionalInterface
  interface Precheck {
    void run() throws GranaryException;
  }

  GranaryOutputStream(FileUpload upload, long chunkSize, ByteBufAllocator alloc,
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
        if (currentBytes == chunkSize) {
          if (chunks == 0) {
            precheck.run();
          }
          submitCurrent();
        }
      }
    } catch (GranaryException e) {
      fail();
      throw new GranaryIOException(e);
    }
  }

  private void submitCurrent() {
    upload.submit(chunks++, new BufferChunkSource(current));
    current.clear();
    currentBytes = 0;
    haveSlot = false;
  }

  /** Stores the last chunk on this thread: closing waits for it anyway. */
  private void storeLast() {
    upload.store(chunks++, new BufferChunkSource(current));
    current.clear();
    currentBytes = 0;
    haveSlot = false;
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

  /**
   * Gives up on the file: nothing is committed, buffered bytes are freed, chunks being stored
   * finish in the background and their replicas are collected as garbage like any uncommitted
   * upload's. The path is left as it was. Idempotent; a later {@link #close()} does nothing.
   */
  public void abort() {
    if (!closed) {
      fail();
    }
  }

  /** Does nothing: data becomes visible only when the stream is closed. */
  @Override
  public void flush() {}

  /** Stores the last chunk and commits the file. */
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
      onCommit.accept(upload.commit(chunks));
    } catch (GranaryException e) {
      upload.abort();
      throw new GranaryIOException(e);
    }
  }
}
