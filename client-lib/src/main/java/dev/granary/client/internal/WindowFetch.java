package dev.granary.client.internal;

import dev.granary.wire.Frame;
import dev.granary.wire.Limits;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ChunkLocation;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.msg.ReadChunkRequest;
import dev.granary.wire.msg.ReadPacket;
import dev.granary.wire.net.Await;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.RemoteException;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One read-ahead request in flight: blocks {@code [firstBlock, firstBlock + count)} of one chunk,
 * asked of one replica without blocking the caller, so several windows stream back to back over
 * the pooled connections while the reader consumes an earlier one (GFS §2.3: data flows directly
 * between client and chunkserver, and the client keeps the pipe full).
 *
 * <p>Each block's CRC32C is verified on the event loop as its packet arrives and the block is kept
 * as a slice of the packet's buffer (no copy); the reader copies each block once, into its own
 * buffer. A window holds at most {@code count} blocks, so memory per reader is bounded by its
 * windows. This is a single
 * attempt: any failure (checksum, error reply, connection) completes {@link #await} exceptionally
 * and the caller falls back to {@link BlockFetcher}, which fails over between replicas.
 *
 * <p>Thread-safety: packets arrive on the event loop, the reader awaits and releases on its own
 * thread; the block array is guarded by this object's monitor.
 */
final class WindowFetch implements Connection.Listener {
  private final ClientContext ctx;
  private final ChunkLocation loc;
  private final int firstBlock;
  private final int count;
  private final NodeAddress replica;
  private final ByteBuf[] blocks;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private int received;
  private boolean released;
  private boolean finished;
  private Connection conn;
  private long requestId;

  private WindowFetch(ClientContext ctx, ChunkLocation loc, int firstBlock, int count,
      NodeAddress replica) {
    this.ctx = ctx;
    this.loc = loc;
    this.firstBlock = firstBlock;
    this.count = count;
    this.replica = replica;
    this.blocks = new ByteBuf[count];
  }

  /**
   * Sends the request for the blocks to {@code replica} (over its pooled connection, dialled if
   * needed) and returns at once.
   */
  static WindowFetch start(ClientContext ctx, ChunkLocation loc, int firstBlock, int count,
      NodeAddress replica) {
    WindowFetch w = new WindowFetch(ctx, loc, firstBlock, count, replica);
    ctx.load().begin(replica);
    ctx.pool().getAsync(replica.host(), replica.port()).whenComplete((c, err) -> {
      if (err != null) {
        w.fail(Errors.unwrap(err));
      } else {
        w.send(c);
      }
    });
    return w;
  }

  ChunkLocation location() {
    return loc;
  }

  int firstBlock() {
    return firstBlock;
  }

  int count() {
    return count;
  }

  NodeAddress replica() {
    return replica;
  }

  /** Whether block {@code block} of chunk {@code chunk} is one this window asks for. */
  boolean covers(int chunk, int block) {
    return loc.index() == chunk && block >= firstBlock && block < firstBlock + count;
  }

  private void send(Connection c) {
    long id = c.newRequestId();
    synchronized (this) {
      if (released) {
        return;
      }
      conn = c;
      requestId = id;
      c.listen(id, this);
    }
    long offset = (long) firstBlock * Limits.BLOCK_SIZE;
    long length = Math.min((long) count * Limits.BLOCK_SIZE, loc.length() - offset);
    c.send(id, new ReadChunkRequest(loc.handle(), loc.version(), offset, length))
        .addListener(f -> {
          if (!f.isSuccess()) {
            fail(f.cause() == null ? new java.io.IOException("send failed") : f.cause());
          }
        });
  }

  @Override
  public void onFrame(Frame frame) {
    Message m = frame.message();
    synchronized (this) {
      if (released || finished) {
        ReferenceCountUtil.release(frame);
        return;
      }
      if (m instanceof ReadPacket p) {
        Throwable bad = check(p);
        if (bad == null) {
          // Each block keeps a slice of the packet's buffer (no copy).
          for (int i = 0; i < p.blocks(); i++) {
            blocks[received++] = p.block(i).retain();
          }
          if (received == count) {
            finish(null);
          } else if (p.last()) {
            finish(new BlockFetcher.ChecksumMismatch("read ended after " + received + " of "
                + count + " blocks"));
          }
          ReferenceCountUtil.release(frame);
          return;
        }
        finish(bad);
      } else if (m instanceof ErrorReply e) {
        finish(new RemoteException(e));
      } else {
        finish(new RemoteException(Status.PROTOCOL, "unexpected " + m.type()
            + " in a read stream", ""));
      }
    }
    ReferenceCountUtil.release(frame);
  }

  private Throwable check(ReadPacket p) {
    return BlockFetcher.check(p, loc, (long) (firstBlock + received) * Limits.BLOCK_SIZE,
        count - received);
  }

  @Override
  public void onClosed(Throwable cause) {
    fail(cause);
  }

  private void fail(Throwable cause) {
    synchronized (this) {
      finish(cause);
    }
  }

  /** Ends the request once (caller holds the monitor): stops listening, settles the future. */
  private void finish(Throwable cause) {
    if (finished) {
      return;
    }
    finished = true;
    if (conn != null) {
      conn.unlisten(requestId);
    }
    ctx.load().end(replica);
    if (cause == null) {
      done.complete(null);
    } else {
      done.completeExceptionally(cause);
    }
  }

  /**
   * Waits until every block has arrived and passed its checksum.
   *
   * @throws Exception the failure of this attempt (a {@link BlockFetcher.ChecksumMismatch}, a
   *     {@link RemoteException}, a connection failure, or a {@link TimeoutException} after
   *     {@code timeoutMillis}, in which case the connection is discarded as wedged)
   */
  void await(long timeoutMillis) throws Exception {
    try {
      Await.get(done, timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      Connection c;
      synchronized (this) {
        finish(e);
        c = conn;
      }
      if (c != null) {
        ctx.pool().discard(c);
      }
      throw e;
    } catch (ExecutionException e) {
      Throwable t = Errors.unwrap(e);
      throw t instanceof Exception x ? x : e;
    }
  }

  /** Block {@code block} (an index in the chunk), verified; valid until {@link #release}. */
  synchronized ByteBuf block(int block) {
    if (released) {
      throw new IllegalStateException("window released");
    }
    return blocks[block - firstBlock];
  }

  /** Frees the blocks held and abandons the request if it is still running. Idempotent. */
  void release() {
    synchronized (this) {
      if (released) {
        return;
      }
      released = true;
      finish(new java.util.concurrent.CancellationException("window released"));
      for (int i = 0; i < received; i++) {
        blocks[i].release();
        blocks[i] = null;
      }
    }
  }
}
