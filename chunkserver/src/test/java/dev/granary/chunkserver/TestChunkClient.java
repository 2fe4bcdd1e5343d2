package dev.granary.chunkserver;

import dev.granary.wire.Checksums;
import dev.granary.wire.Frame;
import dev.granary.wire.FrameDecoder;
import dev.granary.wire.Limits;
import dev.granary.wire.Role;
import dev.granary.wire.Sha256;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.msg.ReadChunkRequest;
import dev.granary.wire.msg.ReadPacket;
import dev.granary.wire.msg.WriteAck;
import dev.granary.wire.msg.WriteChunkRequest;
import dev.granary.wire.msg.WriteDone;
import dev.granary.wire.msg.WritePacket;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.RemoteException;
import dev.granary.wire.net.Transports;
import dev.granary.wire.security.ChunkToken;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A minimal writer and reader speaking the chunkserver protocol, as the client library does. */
public final class TestChunkClient implements AutoCloseable {
  public static final Duration TIMEOUT = Duration.ofSeconds(20);
  static final int WINDOW = 32;

  private final Connection conn;

  private TestChunkClient(Connection conn) {
    this.conn = conn;
  }

  public static TestChunkClient connect(EventLoopGroup group, int port) throws Exception {
    var bootstrap = Transports.clientBootstrap(group, TIMEOUT).option(ChannelOption.RCVBUF_ALLOCATOR,
        new AdaptiveRecvByteBufAllocator(4096, 256 * 1024, 1 << 20));
    Connection c = Connection.connect(bootstrap, "127.0.0.1", port, Role.CLIENT, "",
        "test-client", TIMEOUT).get(20, TimeUnit.SECONDS);
    // As the real client does (ConnectionPool): link socket reads instead of copying them into
    // one cumulation, since read packets are up to 1 MiB.
    c.channel().eventLoop().submit(() -> c.channel().pipeline().get(FrameDecoder.class)
        .setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR)).get(20, TimeUnit.SECONDS);
    return new TestChunkClient(c);
  }

  public Connection connection() {
    return conn;
  }

  /** A read failed a block's CRC32C at the reader. */
  public static final class IntegrityError extends Exception {
    private static final long serialVersionUID = 1L;

    IntegrityError(String m) {
      super(m);
    }
  }

  /**
   * One write stream; packets are sent explicitly so tests can interleave failures. The request
   * goes out with the first {@link #sendUpTo} batch. Not thread-safe: one sending thread.
   */
  public final class WriteStream {
    private final long id = conn.newRequestId();
    private final byte[] data;
    private final Semaphore window = new Semaphore(WINDOW);
    private final AtomicInteger acked = new AtomicInteger(-1);
    private final CompletableFuture<WriteDone> done = new CompletableFuture<>();
    private final int packets;
    /** What the last packet tells the pipeline to expect: by default, as a client, the truth. */
    private Sha256 expected;
    private WriteChunkRequest request;
    private volatile int next;

    WriteStream(long handle, long version, byte[] data, List<NodeAddress> downstream,
        ChunkToken token) {
      this.data = data;
      this.packets = Math.max(1, Checksums.blockCount(data.length));
      this.expected = Sha256.of(Sha256.newDigest().digest(data));
      conn.listen(id, new Connection.Listener() {
        @Override
        public void onFrame(Frame frame) {
          Message m = frame.message();
          if (m instanceof WriteAck a) {
            int prev = acked.getAndAccumulate(a.seq(), Math::max);
            if (a.seq() > prev) {
              window.release(a.seq() - prev);
            }
          } else if (m instanceof WriteDone d) {
            done.complete(d);
          } else if (m instanceof ErrorReply e) {
            done.completeExceptionally(new RemoteException(e));
          }
          ReferenceCountUtil.release(frame);
          if (done.isDone()) {
            window.release(WINDOW);
          }
        }

        @Override
        public void onClosed(Throwable cause) {
          done.completeExceptionally(cause);
          window.release(WINDOW);
        }
      });
      // Sent with the first batch of packets, in one flush, as the client library does: a small
      // chunk's request and packet travel in one segment.
      this.request = new WriteChunkRequest(handle, version, data.length, downstream, "test", true,
          token);
    }

    /** Sends {@code sha256} as the replica's expected SHA-256 instead of the data's own. */
    public WriteStream expecting(Sha256 sha256) {
      this.expected = sha256;
      return this;
    }

    /**
     * Sends packets until {@code count} have been sent in total (or all): as many as the window
     * allows go to the event loop in one task and one flush, as a real writer batches them.
     */
    public void sendUpTo(int count) throws Exception {
      int target = Math.min(count, packets);
      while (next < target && !done.isDone()) {
        if (!window.tryAcquire(20, TimeUnit.SECONDS)) {
          throw new AssertionError("no ack within 20 s");
        }
        int batch = 1;
        while (next + batch < target && batch < 8 && window.tryAcquire()) {
          batch++;
        }
        List<WritePacket> out = new java.util.ArrayList<>(batch);
        for (int i = 0; i < batch; i++, next++) {
          int off = next * Limits.BLOCK_SIZE;
          int n = Math.min(Limits.BLOCK_SIZE, data.length - off);
          boolean last = next == packets - 1;
          out.add(new WritePacket(next, off, Checksums.crc32c(data, off, n), last,
              last ? expected : Sha256.NONE, Unpooled.wrappedBuffer(data, off, n)));
        }
        WriteChunkRequest first = request;
        request = null;
        conn.channel().eventLoop().execute(() -> {
          if (first != null) {
            conn.write(id, first);
          }
          for (WritePacket p : out) {
            conn.write(id, p);
          }
          conn.flush();
        });
      }
    }

    /** Packets handed to the connection so far. */
    public int sent() {
      return next;
    }

    public int acked() {
      return acked.get();
    }

    public int packets() {
      return packets;
    }

    public CompletableFuture<WriteDone> result() {
      return done;
    }

    public WriteDone finish() throws Exception {
      sendUpTo(packets);
      return get(done);
    }
  }

  public WriteStream open(long handle, long version, byte[] data, List<NodeAddress> downstream) {
    return open(handle, version, data, downstream, ChunkToken.NONE);
  }

  /** A write stream whose request carries {@code token}. */
  public WriteStream open(long handle, long version, byte[] data, List<NodeAddress> downstream,
      ChunkToken token) {
    return new WriteStream(handle, version, data, downstream, token);
  }

  public WriteDone write(long handle, long version, byte[] data, List<NodeAddress> downstream)
      throws Exception {
    return open(handle, version, data, downstream).finish();
  }

  /** Reads a range, verifying every block's CRC32C as a real reader does. */
  public byte[] read(long handle, long version, long offset, long length) throws Exception {
    return read(handle, version, offset, length, ChunkToken.NONE);
  }

  /** {@link #read(long, long, long, long)} with {@code token} in the request. */
  public byte[] read(long handle, long version, long offset, long length, ChunkToken token)
      throws Exception {
    long id = conn.newRequestId();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CompletableFuture<Void> done = new CompletableFuture<>();
    conn.listen(id, new Connection.Listener() {
      @Override
      public void onFrame(Frame frame) {
        try {
          Message m = frame.message();
          if (m instanceof ReadPacket p) {
            for (int i = 0; i < p.blocks(); i++) {
              int crc = Checksums.crc32c(p.block(i));
              if (crc != p.crc(i)) {
                done.completeExceptionally(new IntegrityError("block " + i + " of the packet at "
                    + p.offset() + " has CRC32C " + Integer.toHexString(crc) + ", stored "
                    + Integer.toHexString(p.crc(i))));
                return;
              }
            }
            byte[] b = new byte[p.data().readableBytes()];
            p.data().getBytes(p.data().readerIndex(), b);
            out.write(b, 0, b.length);
            if (p.last()) {
              done.complete(null);
            }
          } else if (m instanceof ErrorReply e) {
            done.completeExceptionally(new RemoteException(e));
          }
        } finally {
          ReferenceCountUtil.release(frame);
        }
      }

      @Override
      public void onClosed(Throwable cause) {
        done.completeExceptionally(cause);
      }
    });
    conn.send(id, new ReadChunkRequest(handle, version, offset, length, token));
    try {
      get(done);
    } finally {
      conn.unlisten(id);
    }
    byte[] blocks = out.toByteArray();
    if (length == 0) {
      return new byte[0];
    }
    long start = offset - offset / Limits.BLOCK_SIZE * Limits.BLOCK_SIZE;
    byte[] result = new byte[(int) length];
    System.arraycopy(blocks, (int) start, result, 0, (int) length);
    return result;
  }

  /**
   * Reads a range and verifies every block's CRC32C without keeping the bytes (benchmarks).
   *
   * @return the number of data bytes received
   */
  public long readAndVerify(long handle, long version, long offset, long length)
      throws Exception {
    long id = conn.newRequestId();
    CompletableFuture<Long> done = new CompletableFuture<>();
    conn.listen(id, new Connection.Listener() {
      private long bytes;

      @Override
      public void onFrame(Frame frame) {
        try {
          Message m = frame.message();
          if (m instanceof ReadPacket p) {
            for (int i = 0; i < p.blocks(); i++) {
              if (Checksums.crc32c(p.block(i)) != p.crc(i)) {
                done.completeExceptionally(new IntegrityError("block " + i + " of the packet at "
                    + p.offset()));
              }
            }
            bytes += p.data().readableBytes();
            if (p.last()) {
              done.complete(bytes);
            }
          } else if (m instanceof ErrorReply e) {
            done.completeExceptionally(new RemoteException(e));
          }
        } finally {
          ReferenceCountUtil.release(frame);
        }
      }

      @Override
      public void onClosed(Throwable cause) {
        done.completeExceptionally(cause);
      }
    });
    conn.send(id, new ReadChunkRequest(handle, version, offset, length));
    try {
      return get(done);
    } finally {
      conn.unlisten(id);
    }
  }

  static <T> T get(CompletableFuture<T> f) throws Exception {
    try {
      return f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }

  @Override
  public void close() {
    conn.close();
  }
}
