package dev.granary.chunkserver.net;

import dev.granary.chunkserver.storage.CorruptReplicaException;
import dev.granary.chunkserver.storage.ReplicaStore;
import dev.granary.chunkserver.storage.ReplicaStore.OpenReplica;
import dev.granary.chunkserver.storage.StoreException;
import dev.granary.chunkserver.storage.Throttle;
import dev.granary.wire.Checksums;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Frame;
import dev.granary.wire.Limits;
import dev.granary.wire.Sha256;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.msg.WriteAck;
import dev.granary.wire.msg.WriteChunkRequest;
import dev.granary.wire.msg.WriteDone;
import dev.granary.wire.msg.WritePacket;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.RemoteException;
import dev.granary.wire.security.ChunkToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Copies a local replica to another chunkserver for re-replication (GFS section 4.3): this node acts
 * as a writer, opening a WRITE stream to the target with no downstream and sending every block
 * after verifying it against its stored CRC32C, so a corrupt replica is never propagated. At most
 * {@link #WINDOW} packets are unacknowledged. The last packet carries the SHA-256 recorded in the
 * replica's meta file, so the target commits only the bytes this replica was stored with. The target reports the new replica to the master
 * itself. The stream runs on the {@link DownstreamPool}'s shared connection to the target; a copy
 * that ends without the target's final reply abandons it, so that closing it aborts the target's
 * half. Blocking; runs on a command thread.
 */
final class ReplicaCopier {
  static final int WINDOW = 16;

  private final String nodeId;
  private final ReplicaStore store;
  private final DownstreamPool pool;
  private final Duration timeout;

  ReplicaCopier(String nodeId, ReplicaStore store, DownstreamPool pool, Duration timeout) {
    this.nodeId = nodeId;
    this.store = store;
    this.pool = pool;
    this.timeout = timeout;
  }

  /**
   * Copies replica {@code handle} at {@code version} to {@code target}, showing it the master's
   * COPY {@code token}, waiting on {@code throttle} before each block.
   *
   * @return the target's WriteDone
   * @throws StoreException NO_SUCH_REPLICA / STALE_VERSION locally
   * @throws CorruptReplicaException if the local replica fails its checksums (nothing committed)
   * @throws RemoteException if the target refused or failed the write
   */
  WriteDone copy(long handle, long version, NodeAddress target, ChunkToken token,
      Throttle throttle) throws StoreException,
      CorruptReplicaException, RemoteException, IOException, InterruptedException {
    try (OpenReplica r = store.open(handle)) {
      if (r.meta().version() != version) {
        throw new StoreException(Status.STALE_VERSION, nodeId + " holds replica "
            + ChunkHandles.format(handle) + " at version " + r.meta().version() + ", not "
            + version);
      }
      DownstreamPool.Lease lease = pool.acquire(target, null);
      CompletableFuture<WriteDone> done = new CompletableFuture<>();
      Connection c = null;
      long id = 0;
      try {
        c = await(lease.connection(), target);
        id = c.newRequestId();
        return stream(c, id, done, r, target, token, throttle);
      } finally {
        if (c != null) {
          c.unlisten(id);
        }
        // Answered (WriteDone or ERROR): the target's stream is over and the connection stays
        // shared. Otherwise the target may still hold it open.
        lease.release(c != null && !done.isDone());
      }
    }
  }

  private WriteDone stream(Connection c, long id, CompletableFuture<WriteDone> done,
      OpenReplica r, NodeAddress target, ChunkToken token, Throttle throttle)
      throws CorruptReplicaException, RemoteException, IOException, InterruptedException {
    Semaphore window = new Semaphore(WINDOW);
    c.listen(id, new Connection.Listener() {
      private int acked = -1;

      @Override
      public void onFrame(Frame frame) {
        Message m = frame.message();
        if (m instanceof WriteAck a && a.seq() > acked) {
          window.release(a.seq() - acked);
          acked = a.seq();
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
    long length = r.meta().length();
    c.send(id, new WriteChunkRequest(r.meta().handle(), r.meta().version(), length, List.of(),
        nodeId, false, token));
    int blocks = Checksums.blockCount(length);
    int seq = 0;
    do {
      long pos = (long) seq * Limits.BLOCK_SIZE;
      int n = (int) Math.min(Limits.BLOCK_SIZE, length - pos);
      if (!window.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new RemoteException(Status.PIPELINE_FAILED, "copy to " + target
            + " made no progress for " + timeout.toMillis() + " ms", target.id());
      }
      if (done.isDone()) {
        break;
      }
      throttle.acquire(n);
      ByteBuf data = ByteBufAllocator.DEFAULT.ioBuffer(n);
      try {
        while (data.readableBytes() < n) {
          int k = data.writeBytes(r.data(), pos + data.readableBytes(), n - data.readableBytes());
          if (k < 0) {
            throw new CorruptReplicaException("replica " + ChunkHandles.format(r.meta().handle())
                + ": data file ends inside block " + seq);
          }
        }
        int crc = Checksums.crc32c(data);
        if (seq < blocks && crc != r.blockCrcs()[seq]) {
          throw new CorruptReplicaException("replica " + ChunkHandles.format(r.meta().handle())
              + ": block " + seq + " has CRC32C " + Integer.toHexString(crc) + ", expected "
              + Integer.toHexString(r.blockCrcs()[seq]));
        }
        boolean last = seq >= blocks - 1;
        // The target checks what it stored against the digest this replica was stored with.
        c.send(id, new WritePacket(seq, pos, crc, last, last ? r.meta().sha256() : Sha256.NONE,
            data));
        data = null;
      } finally {
        if (data != null) {
          data.release();
        }
      }
      seq++;
    } while (seq < blocks);
    return await(done, target);
  }

  private <T> T await(CompletableFuture<T> f, NodeAddress target)
      throws RemoteException, IOException, InterruptedException {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RemoteException re) {
        throw re;
      }
      throw new IOException("copy to " + target + " failed: " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw new IOException("copy to " + target + " got no answer within "
          + timeout.toMillis() + " ms", e);
    }
  }
}
