package dev.granary.client.internal;

import dev.granary.client.GranaryException;
import dev.granary.client.IntegrityException;
import dev.granary.client.UnavailableException;
import dev.granary.wire.Checksums;
import dev.granary.wire.Frame;
import dev.granary.wire.Limits;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ChunkLocation;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.msg.ReadChunkRequest;
import dev.granary.wire.msg.ReadPacket;
import dev.granary.wire.msg.ReportBadReplicaRequest;
import dev.granary.wire.net.Await;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.RemoteException;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a run of blocks of one chunk from its replicas, verifying every block's CRC32C end to end
 * (GFS §5.2: a reader verifies data before returning it). The least-loaded replica is tried first;
 * a checksum mismatch is reported to the master and the read fails over to the next replica, as it
 * does after an error reply or a connection failure. When every known replica has failed, the
 * locations are refreshed from the master and tried again with backoff until the client timeout.
 * Only if every replica fails its checksums is the failure an {@link IntegrityException}.
 */
public final class BlockFetcher {
  private static final Logger log = LoggerFactory.getLogger(BlockFetcher.class);

  /** Fresh locations of one chunk, and whether the master's view of locations is complete. */
  public record Located(ChunkLocation location, boolean complete) {}

  /** Re-reads a chunk's locations from the master (bypassing the cache). */
  public interface Refresher {
    Located refresh(int chunkIndex) throws GranaryException;
  }

  private final ClientContext ctx;

  public BlockFetcher(ClientContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Blocks {@code [firstBlock, firstBlock + count)} of chunk {@code loc}, each verified and added to
   * the block cache.
   *
   * @throws IntegrityException every replica failed its checksums
   * @throws UnavailableException no replica answered within the client timeout
   */
  public byte[][] fetch(String path, ChunkLocation loc, int firstBlock, int count,
      Refresher refresher) throws GranaryException {
    return fetch(path, loc, firstBlock, count, refresher, Set.of(), true);
  }

  /**
   * Like {@link #fetch(String, ChunkLocation, int, int, Refresher)}, but never tries the replicas
   * in {@code corruptAlready} (found corrupt, and reported, by an earlier attempt), and adds the
   * blocks to the block cache only if {@code cache}.
   */
  public byte[][] fetch(String path, ChunkLocation loc, int firstBlock, int count,
      Refresher refresher, Set<String> corruptAlready, boolean cache) throws GranaryException {
    String what = "chunk " + loc.index() + " of " + path;
    RetryPolicy.Attempts attempts = ctx.retry().start();
    Set<String> corrupt = new HashSet<>(corruptAlready);
    ChunkLocation current = loc;
    Throwable last = null;
    while (true) {
      List<NodeAddress> candidates = new ArrayList<>();
      for (NodeAddress n : current.replicas()) {
        if (!corrupt.contains(n.id())) {
          candidates.add(n);
        }
      }
      while (!candidates.isEmpty()) {
        NodeAddress replica = ctx.load().pick(candidates);
        candidates.remove(replica);
        try {
          return readFrom(replica, current, firstBlock, count, attempts, cache);
        } catch (ChecksumMismatch e) {
          corrupt.add(replica.id());
          last = e;
          reportCorrupt(what, current, replica, e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new UnavailableException(what + ": interrupted", e);
        } catch (Exception e) {
          last = Errors.unwrap(e);
          if (Errors.statusOf(last) == Status.INTEGRITY) {
            corrupt.add(replica.id());
          }
          log.debug("{}: reading {} from {} failed: {}", ctx.clientId(), what, replica,
              Errors.describe(last));
        }
      }
      if (!corrupt.isEmpty() && corrupt.containsAll(ids(current.replicas()))) {
        throw new IntegrityException(what + ": no replica passes its checksums (" + corrupt.size()
            + " tried)", last);
      }
      ctx.locations().invalidate(path);
      if (!backoff(attempts, what)) {
        break;
      }
      Located fresh = refresher.refresh(current.index());
      if (fresh.location().handle() != loc.handle() || fresh.location().version() != loc.version()) {
        throw new UnavailableException(path + ": replaced while being read; read it again");
      }
      current = fresh.location();
      if (current.replicas().isEmpty() && fresh.complete()) {
        throw new UnavailableException("no live replica of " + what);
      }
      if (!current.replicas().isEmpty() && corrupt.containsAll(ids(current.replicas()))) {
        throw new IntegrityException(what + ": no replica passes its checksums", last);
      }
    }
    throw new UnavailableException(what + ": no replica could be read within "
        + ctx.retry().timeout().toMillis() + " ms"
        + (last == null ? "" : ": " + Errors.describe(last)), last);
  }

  /** Tells the master that {@code replica} of {@code loc} failed its checksum (GFS §5.2). */
  void reportCorrupt(String what, ChunkLocation loc, NodeAddress replica, ChecksumMismatch e) {
    log.warn("{}: {} on {} failed its checksum ({}); reported, trying another replica",
        ctx.clientId(), what, replica, e.getMessage());
    ctx.master().fireAndForget(new ReportBadReplicaRequest(loc.handle(), loc.version(),
        replica.id(), e.getMessage()));
  }

  private static Set<String> ids(List<NodeAddress> nodes) {
    Set<String> s = new HashSet<>();
    for (NodeAddress n : nodes) {
      s.add(n.id());
    }
    return s;
  }

  private static boolean backoff(RetryPolicy.Attempts attempts, String what)
      throws UnavailableException {
    try {
      return attempts.backoff();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException(what + ": interrupted", e);
    }
  }

  private byte[][] readFrom(NodeAddress replica, ChunkLocation loc, int firstBlock, int count,
      RetryPolicy.Attempts attempts, boolean cache) throws Exception {
    Connection conn = ctx.pool().get(replica.host(), replica.port(), attempts.remaining());
    long offset = (long) firstBlock * Limits.BLOCK_SIZE;
    long length = Math.min((long) count * Limits.BLOCK_SIZE, loc.length() - offset);
    Receiver receiver = new Receiver(loc, offset, count);
    long id = conn.newRequestId();
    ctx.load().begin(replica);
    try {
      conn.listen(id, receiver);
      conn.send(id, new ReadChunkRequest(loc.handle(), loc.version(), offset, length));
      byte[][] blocks;
      try {
        blocks = Await.get(receiver.result, ctx.retry().timeout().toMillis(),
            TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        ctx.pool().discard(conn);
        throw e;
      } catch (java.util.concurrent.ExecutionException e) {
        Throwable t = Errors.unwrap(e);
        throw t instanceof Exception x ? x : e;
      }
      for (int i = 0; cache && i < blocks.length; i++) {
        ctx.blocks().put(new BlockCache.Key(loc.handle(), loc.version(), firstBlock + i),
            blocks[i]);
      }
      return blocks;
    } finally {
      conn.unlisten(id);
      ctx.load().end(replica);
    }
  }

  /** A replica sent a block whose bytes do not match its CRC32C (or the wrong bytes). */
  static final class ChecksumMismatch extends Exception {
    private static final long serialVersionUID = 1L;

    ChecksumMismatch(String message) {
      super(message);
    }
  }

  /** Collects and verifies the packets of one read; runs on the connection's event loop. */
  private static final class Receiver implements Connection.Listener {
    final CompletableFuture<byte[][]> result = new CompletableFuture<>();
    private final ChunkLocation loc;
    private final long offset;
    private final byte[][] blocks;
    private int next;

    Receiver(ChunkLocation loc, long offset, int count) {
      this.loc = loc;
      this.offset = offset;
      this.blocks = new byte[count][];
    }

    @Override
    public void onFrame(Frame frame) {
      try {
        if (result.isDone()) {
          return;
        }
        Message m = frame.message();
        if (m instanceof ReadPacket p) {
          onPacket(p);
        } else if (m instanceof ErrorReply e) {
          result.completeExceptionally(new RemoteException(e));
        } else {
          result.completeExceptionally(new RemoteException(Status.PROTOCOL,
              "unexpected " + m.type() + " in a read stream", ""));
        }
      } finally {
        ReferenceCountUtil.release(frame);
      }
    }

    private void onPacket(ReadPacket p) {
      long expectedOffset = offset + (long) next * Limits.BLOCK_SIZE;
      int expectedBytes = (int) Math.min(Limits.BLOCK_SIZE, loc.length() - expectedOffset);
      int n = p.data().readableBytes();
      if (next >= blocks.length || p.offset() != expectedOffset || n != expectedBytes) {
        result.completeExceptionally(new ChecksumMismatch("block at offset " + p.offset()
            + " with " + n + " bytes; expected offset " + expectedOffset + " with "
            + expectedBytes));
        return;
      }
      int crc = Checksums.crc32c(p.data());
      if (crc != p.crc()) {
        result.completeExceptionally(new ChecksumMismatch(String.format(
            "block at offset %d has CRC32C %08x, stored %08x", p.offset(), crc, p.crc())));
        return;
      }
      byte[] b = new byte[n];
      p.data().getBytes(p.data().readerIndex(), b);
      blocks[next++] = b;
      if (next == blocks.length) {
        result.complete(blocks);
      } else if (p.last()) {
        result.completeExceptionally(new ChecksumMismatch("read ended after " + next + " of "
            + blocks.length + " blocks"));
      }
    }

    @Override
    public void onClosed(Throwable cause) {
      result.completeExceptionally(cause);
    }
  }
}
