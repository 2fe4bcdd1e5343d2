package dev.granary.client.internal;

import dev.granary.wire.Checksums;
import dev.granary.wire.Frame;
import dev.granary.wire.Limits;
import dev.granary.wire.Sha256;
import dev.granary.wire.Status;
import dev.granary.wire.msg.AllocateChunkResponse;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.WriteAck;
import dev.granary.wire.msg.WriteChunkRequest;
import dev.granary.wire.msg.WriteDone;
import dev.granary.wire.msg.WritePacket;
import dev.granary.wire.net.Await;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.ConnectionClosedException;
import dev.granary.wire.net.RemoteException;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

/**
 * One attempt to store one chunk through one pipeline (GFS §3.2, data flow): the client pushes the
 * chunk's packets to the first chunkserver only, which forwards them down the pipeline, and the
 * acknowledgements flow back cumulatively. At most {@link #WINDOW} packets are unacknowledged and
 * the channel's writability is respected, so a chunk never queues more than 4 MiB in memory. The
 * attempt succeeds with the first node's {@link WriteDone}; its digest is checked against the
 * CRCs this side computed, end to end. The SHA-256 of the chunk is computed block by block as the
 * blocks are sent (from the same buffer as the CRC, no second pass) and sent in the last packet:
 * every node refuses to commit bytes that do not hash to it, and the WriteDone must carry it back.
 * Any failure ends the attempt; the caller decides on retries.
 */
final class ChunkStreamer {
  /** Unacknowledged packets allowed in flight per chunk. */
  static final int WINDOW = 64;
  private static final int FLUSH_EVERY = 8;

  private final String clientId;
  private final Duration stallTimeout;

  /** @param stallTimeout how long the pipeline may make no progress before the attempt fails */
  public ChunkStreamer(String clientId, Duration stallTimeout) {
    this.clientId = clientId;
    this.stallTimeout = stallTimeout;
  }

  /**
   * Streams {@code source} as chunk {@code alloc.handle()} through {@code alloc.pipeline()}, whose
   * first node {@code conn} is connected to.
   *
   * @param progress receives acknowledged bytes as they are acknowledged
   * @throws RemoteException the pipeline answered ERROR (the detail may name the failed node)
   * @throws ConnectionClosedException the first node's connection failed
   * @throws TimeoutException the pipeline made no progress for the stall timeout
   * @throws java.io.IOException reading the source failed
   */
  public WriteDone write(Connection conn, AllocateChunkResponse alloc, ChunkSource source,
      LongConsumer progress) throws Exception {
    long length = source.length();
    int packets = Math.max(1, Checksums.blockCount(length));
    int[] crcs = new int[packets];
    MessageDigest sha = Sha256.newDigest();
    Sha256 expected = Sha256.NONE;
    Stream stream = new Stream(length, progress);
    long id = conn.newRequestId();
    conn.listen(id, stream);
    try {
      conn.write(id, new WriteChunkRequest(alloc.handle(), alloc.version(), length,
          alloc.pipeline().subList(1, alloc.pipeline().size()), clientId, true, alloc.token()));
      WritabilityGate gate = ConnectionPool.gate(conn);
      for (int seq = 0; seq < packets && !stream.done.isDone(); seq++) {
        if (!stream.window.tryAcquire()) {
          conn.flush();
          while (!stream.window.tryAcquire(10, TimeUnit.MILLISECONDS)) {
            if (stream.done.isDone()) {
              break;
            }
            stream.checkStall();
          }
          if (stream.done.isDone()) {
            break;
          }
        }
        if (!conn.channel().isWritable()) {
          conn.flush();
          while (!gate.awaitWritable(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100))
              && conn.isActive() && !stream.done.isDone()) {
            stream.checkStall();
          }
        }
        ByteBuf data = source.block(seq, conn.channel().alloc());
        crcs[seq] = Checksums.crc32c(data);
        Sha256.update(sha, data);
        boolean last = seq == packets - 1;
        if (last) {
          expected = Sha256.of(sha.digest());
        }
        conn.write(id, new WritePacket(seq, (long) seq * Limits.BLOCK_SIZE, crcs[seq], last,
            expected, data));
        if (seq % FLUSH_EVERY == FLUSH_EVERY - 1) {
          conn.flush();
        }
      }
      conn.flush();
      WriteDone done = stream.await();
      long digest = Checksums.digest(length, crcs, Checksums.blockCount(length));
      if (done.handle() != alloc.handle() || done.version() != alloc.version()
          || done.length() != length || done.digest() != digest || done.nodeIds().isEmpty()
          || !done.sha256().equals(expected)) {
        throw new RemoteException(Status.INTEGRITY, "chunk " + alloc.handle() + " stored as "
            + done + " but " + length + " bytes with digest " + Checksums.formatDigest(digest)
            + " and SHA-256 " + expected + " were sent", "");
      }
      return done;
    } finally {
      conn.unlisten(id);
    }
  }

  /** The response side of the stream; runs on the connection's event loop. */
  private final class Stream implements Connection.Listener {
    final CompletableFuture<WriteDone> done = new CompletableFuture<>();
    final Semaphore window = new Semaphore(WINDOW);
    private final long length;
    private final LongConsumer progress;
    private int acked = -1;
    private long ackedBytes;
    private volatile long lastProgressNanos = System.nanoTime();

    Stream(long length, LongConsumer progress) {
      this.length = length;
      this.progress = progress;
    }

    @Override
    public void onFrame(Frame frame) {
      try {
        Message m = frame.message();
        if (m instanceof WriteAck ack) {
          onAck(ack.seq());
        } else if (m instanceof WriteDone d) {
          onAck(Math.max(acked, Checksums.blockCount(length) - 1));
          done.complete(d);
        } else if (m instanceof ErrorReply e) {
          done.completeExceptionally(new RemoteException(e));
        } else {
          done.completeExceptionally(new RemoteException(Status.PROTOCOL,
              "unexpected " + m.type() + " in a write stream", ""));
        }
      } finally {
        ReferenceCountUtil.release(frame);
      }
    }

    private void onAck(int seq) {
      if (seq <= acked) {
        return;
      }
      window.release(seq - acked);
      acked = seq;
      lastProgressNanos = System.nanoTime();
      long bytes = Math.min(length, (long) (seq + 1) * Limits.BLOCK_SIZE);
      progress.accept(bytes - ackedBytes);
      ackedBytes = bytes;
    }

    @Override
    public void onClosed(Throwable cause) {
      done.completeExceptionally(cause);
    }

    void checkStall() throws TimeoutException {
      if (System.nanoTime() - lastProgressNanos > stallTimeout.toNanos()) {
        TimeoutException t = new TimeoutException("write pipeline made no progress for "
            + stallTimeout.toMillis() + " ms");
        done.completeExceptionally(t);
        throw t;
      }
    }

    WriteDone await() throws Exception {
      Await.spin(done);
      while (true) {
        try {
          return done.get(100, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          checkStall();
        } catch (ExecutionException e) {
          Throwable t = Errors.unwrap(e);
          throw t instanceof Exception ex ? ex : e;
        }
      }
    }
  }
}
