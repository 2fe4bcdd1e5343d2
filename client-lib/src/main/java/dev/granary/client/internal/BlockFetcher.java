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
import dev.granary.wire.net.RemoteException;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a run of blocks of one chunk from its replicas, verifying every block's CRC32C end to end
 * (GFS §5.2: a reader verifies data before returning it), on the caller's thread over a blocking
 * {@link DirectConnection} (no hand-off to an event loop). The least-loaded replica is tried first;
 * a checksum mismatch is reported to the master and the read fails over to the next replica, as it
 * does after an error reply or a connection failure. When every known replica has failed, the
 * locations are refreshed from the master and tried again with backoff until the client timeout.
 * Only if every replica fails its checksums is the failure an {@link IntegrityException}.
 */
final class BlockFetcher {
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
          if (Errors.isDeniedToken(last)) {
            // Forged, another chunk's, the wrong access: no fresh token from the master cures it.
            throw Errors.map(last, what);
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
        replica.id(), e.getMessage(), loc.token()));
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

  /**
   * One attempt at one replica, on the caller's thread over a blocking connection: each packet is
   * checked (offset, length, CRC32C) and copied out as it arrives.
   */
  private byte[][] readFrom(NodeAddress replica, ChunkLocation loc, int firstBlock, int count,
      RetryPolicy.Attempts attempts, boolean cache) throws Exception {
    long offset = (long) firstBlock * Limits.BLOCK_SIZE;
    long length = Math.min((long) count * Limits.BLOCK_SIZE, loc.length() - offset);
    long timeoutNanos = ctx.retry().timeout().toNanos();
    ctx.load().begin(replica);
    byte[][] blocks;
    try {
      blocks = ctx.direct().exchange(replica.host(), replica.port(), attempts.remaining(), c -> {
        long deadline = System.nanoTime() + timeoutNanos;
        long id = c.send(new ReadChunkRequest(loc.handle(), loc.version(), offset, length,
            loc.token()));
        byte[][] got = new byte[count][];
        for (int next = 0; next < count; ) {
          Frame frame = c.receive(id, deadline);
          try {
            next = verified(frame.message(), loc, offset, next, got);
          } finally {
            ReferenceCountUtil.release(frame);
          }
        }
        return got;
      });
    } finally {
      ctx.load().end(replica);
    }
    for (int i = 0; cache && i < blocks.length; i++) {
      ctx.blocks().put(new BlockCache.Key(loc.handle(), loc.version(), firstBlock + i), blocks[i]);
    }
    return blocks;
  }

  /**
   * Copies the blocks of {@code m} into {@code got} from index {@code next}, if {@code m} is the
   * packet that continues a read of {@code got.length} blocks from {@code offset} and every block
   * passes its CRC32C.
   *
   * @return the index of the next block expected
   * @throws ChecksumMismatch the wrong blocks, the wrong length, a bad CRC32C, or the stream ended
   * @throws RemoteException an error answer, or a message that has no place in a read stream
   */
  private static int verified(Message m, ChunkLocation loc, long offset, int next, byte[][] got)
      throws ChecksumMismatch, RemoteException {
    if (m instanceof ErrorReply e) {
      throw new RemoteException(e);
    }
    if (!(m instanceof ReadPacket p)) {
      throw new RemoteException(Status.PROTOCOL, "unexpected " + m.type() + " in a read stream",
          "");
    }
    ChecksumMismatch bad = check(p, loc, offset + (long) next * Limits.BLOCK_SIZE,
        got.length - next);
    if (bad != null) {
      throw bad;
    }
    int end = next + p.blocks();
    if (p.last() && end < got.length) {
      throw new ChecksumMismatch("read ended after " + end + " of " + got.length + " blocks");
    }
    for (int i = 0; i < p.blocks(); i++) {
      ByteBuf block = p.block(i);
      byte[] b = new byte[block.readableBytes()];
      block.getBytes(block.readerIndex(), b);
      got[next + i] = b;
    }
    return end;
  }

  /**
   * Null if {@code p} holds 1 to {@code maxBlocks} blocks of {@code loc} starting at
   * {@code expectedOffset}, each whole and passing its CRC32C; else what is wrong with it.
   */
  static ChecksumMismatch check(ReadPacket p, ChunkLocation loc, long expectedOffset,
      int maxBlocks) {
    int blocks = p.blocks();
    long expectedBytes = Math.min((long) blocks * Limits.BLOCK_SIZE, loc.length() - expectedOffset);
    int n = p.data().readableBytes();
    if (p.offset() != expectedOffset || blocks == 0 || blocks > maxBlocks || n != expectedBytes) {
      return new ChecksumMismatch("packet at offset " + p.offset() + " with " + blocks
          + " blocks of " + n + " bytes; expected offset " + expectedOffset + ", at most "
          + maxBlocks + " blocks, " + expectedBytes + " bytes");
    }
    for (int i = 0; i < blocks; i++) {
      int crc = Checksums.crc32c(p.block(i));
      if (crc != p.crc(i)) {
        return new ChecksumMismatch(String.format("block at offset %d has CRC32C %08x, stored %08x",
            p.offset() + (long) i * Limits.BLOCK_SIZE, crc, p.crc(i)));
      }
    }
    return null;
  }

  /** A replica sent a block whose bytes do not match its CRC32C (or the wrong bytes). */
  static final class ChecksumMismatch extends Exception {
    private static final long serialVersionUID = 1L;

    ChecksumMismatch(String message) {
      super(message);
    }
  }
}
