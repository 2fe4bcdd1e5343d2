package dev.granary.master.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real file system with switchable faults: writes (and fsyncs) fail as on a full disk or a
 * failing one, the free space reported can be set, and an fsync can be held until released (to
 * catch a record applied but not yet durable).
 */
public final class FaultyStorage implements LogStorage {
  /** What a full disk answers a write with (the JDK's message for ENOSPC). */
  public static final String NO_SPACE = "No space left on device";

  private volatile IOException writeFault;
  private volatile IOException forceFault;
  private volatile long usable = 1L << 40;
  private volatile long total = 1L << 41;
  private volatile CountDownLatch forceGate;
  private volatile boolean checkpointsFail;
  private final AtomicInteger forcesHeld = new AtomicInteger();

  /** Every write and fsync fails as on a full disk; the free space reads 0. */
  public void fill() {
    usable = 0;
    writeFault = new IOException(NO_SPACE);
    forceFault = null;
  }

  /** Writes succeed but every fsync fails with an I/O error (a failing disk). */
  public void failForces() {
    forceFault = new IOException("Input/output error");
  }

  /** No faults, plenty of space. */
  public void heal() {
    writeFault = null;
    forceFault = null;
    usable = 1L << 40;
  }

  /** Writes of checkpoint files fail as on a full disk; the log is not affected. */
  public void failCheckpoints(boolean fail) {
    checkpointsFail = fail;
  }

  public void setSpace(long usable, long total) {
    this.usable = usable;
    this.total = total;
  }

  /** From now on an fsync waits until {@link #releaseForces}. */
  public void holdForces() {
    forceGate = new CountDownLatch(1);
  }

  public void releaseForces() {
    CountDownLatch g = forceGate;
    forceGate = null;
    if (g != null) {
      g.countDown();
    }
  }

  /** How many fsyncs are waiting at the gate now. */
  public int forcesHeld() {
    return forcesHeld.get();
  }

  @Override
  public FileChannel open(Path file, OpenOption... options) throws IOException {
    boolean checkpoint = file.getFileName().toString().startsWith(JournalFiles.CHECKPOINT_PREFIX);
    return new Channel(FileChannel.open(file, options), checkpoint);
  }

  @Override
  public long usableSpace(Path dir) {
    return usable;
  }

  @Override
  public long totalSpace(Path dir) {
    return total;
  }

  private void beforeWrite(boolean checkpoint) throws IOException {
    if (checkpoint && checkpointsFail) {
      throw new IOException(NO_SPACE);
    }
    IOException f = writeFault;
    if (f != null) {
      throw new IOException(f.getMessage());
    }
  }

  private void beforeForce() throws IOException {
    CountDownLatch g = forceGate;
    if (g != null) {
      forcesHeld.incrementAndGet();
      try {
        if (!g.await(30, TimeUnit.SECONDS)) {
          throw new IOException("test fsync gate never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted at the test fsync gate");
      } finally {
        forcesHeld.decrementAndGet();
      }
    }
    IOException f = forceFault != null ? forceFault : writeFault;
    if (f != null) {
      throw new IOException(f.getMessage());
    }
  }

  /** Delegates to a real channel, failing writes and fsyncs as configured. */
  private final class Channel extends FileChannel {
    private final FileChannel ch;
    private final boolean checkpoint;

    Channel(FileChannel ch, boolean checkpoint) {
      this.ch = ch;
      this.checkpoint = checkpoint;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return ch.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return ch.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      beforeWrite(checkpoint);
      return ch.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      beforeWrite(checkpoint);
      return ch.write(srcs, offset, length);
    }

    @Override
    public long position() throws IOException {
      return ch.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      ch.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return ch.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      ch.truncate(size);
      return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      beforeForce();
      ch.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target)
        throws IOException {
      return ch.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count)
        throws IOException {
      beforeWrite(checkpoint);
      return ch.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return ch.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      beforeWrite(checkpoint);
      return ch.write(src, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      return ch.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return ch.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return ch.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      ch.close();
    }
  }
}
