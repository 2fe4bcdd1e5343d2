package dev.granary.client.internal;

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
import dev.granary.wire.net.RemoteException;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;

/**
 * A sequential read of one chunk, from a given block to its end, streamed from one replica over a
 * lent {@link DirectConnection}: one request, answered by read packets that the reader's own thread
 * takes off the socket as it consumes them (GFS §2.3: data flows straight between chunkserver and
 * client). Nothing is copied between the kernel and the reader's buffer but by the reader; the
 * socket's receive buffer and the server's send queue are the read-ahead, and TCP's flow control
 * bounds them, so memory per stream is one packet (up to 1 MiB).
 *
 * <p>Every packet is checked when it arrives (the expected offset and length, each block's CRC32C,
 * {@link BlockFetcher#check}) before any of its bytes is handed out. This is a single attempt: any
 * failure (checksum, error answer, lost connection, no packet within the timeout) is thrown to the
 * caller, which fails over. Not thread-safe.
 */
final class ChunkStream implements AutoCloseable {
  private final ClientContext ctx;
  private final ChunkLocation loc;
  private final NodeAddress replica;
  private final int blocksInChunk;
  private final long timeoutNanos;
  private final DirectConnection conn;
  private final long requestId;
  /** The packet being consumed (verified), or null; and the index of its first block. */
  private ReadPacket packet;
  private int packetFirst;
  /** The first block not yet received. */
  private int next;
  /** The last packet has been received. */
  private boolean finished;
  private boolean closed;

  private ChunkStream(ClientContext ctx, ChunkLocation loc, NodeAddress replica, int first,
      DirectConnection conn, long requestId) {
    this.ctx = ctx;
    this.loc = loc;
    this.replica = replica;
    this.blocksInChunk = Checksums.blockCount(loc.length());
    this.timeoutNanos = ctx.retry().timeout().toNanos();
    this.conn = conn;
    this.requestId = requestId;
    this.packetFirst = first;
    this.next = first;
  }

  /**
   * Asks {@code replica} for blocks {@code first} to the end of chunk {@code loc} and returns
   * without waiting for the answer.
   *
   * @throws Exception the connection could not be had or the request not sent
   */
  static ChunkStream open(ClientContext ctx, ChunkLocation loc, int first, NodeAddress replica)
      throws Exception {
    long offset = (long) first * Limits.BLOCK_SIZE;
    ctx.load().begin(replica);
    DirectConnection c = null;
    try {
      c = ctx.direct().borrow(replica.host(), replica.port(), ctx.retry().timeout());
      long id = c.send(new ReadChunkRequest(loc.handle(), loc.version(), offset,
          loc.length() - offset, loc.token()));
      return new ChunkStream(ctx, loc, replica, first, c, id);
    } catch (Exception e) {
      if (c != null) {
        ctx.direct().discard(c);
      }
      ctx.load().end(replica);
      throw e;
    }
  }

  ChunkLocation location() {
    return loc;
  }

  NodeAddress replica() {
    return replica;
  }

  /** Whether {@link #block} can serve block {@code block} of chunk {@code chunk}. */
  boolean serves(int chunk, int block) {
    return !closed && loc.index() == chunk && block >= packetFirst && block < blocksInChunk;
  }

  /**
   * Block {@code block} (one this stream {@link #serves}), verified: a slice valid until the next
   * call or {@link #close()}. Packets before it are dropped.
   *
   * @throws BlockFetcher.ChecksumMismatch a block failed its CRC32C, or the replica sent other
   *     blocks than asked (or too few)
   * @throws RemoteException the replica answered with an error
   * @throws Exception the connection failed or no packet came within the client timeout
   */
  ByteBuf block(int block) throws Exception {
    while (packet == null || block >= packetFirst + packet.blocks()) {
      if (packet != null) {
        packetFirst += packet.blocks();
        packet.release();
        packet = null;
      }
      if (finished) {
        throw new BlockFetcher.ChecksumMismatch("read of chunk " + loc.index() + " ended after "
            + next + " of " + blocksInChunk + " blocks");
      }
      packet = receive();
    }
    return packet.block(block - packetFirst);
  }

  private ReadPacket receive() throws Exception {
    Frame f = conn.receive(requestId, System.nanoTime() + timeoutNanos);
    Message m = f.message();
    if (m instanceof ErrorReply e) {
      ReferenceCountUtil.release(f);
      throw new RemoteException(e);
    }
    if (!(m instanceof ReadPacket p)) {
      ReferenceCountUtil.release(f);
      throw new RemoteException(Status.PROTOCOL, "unexpected " + m.type() + " in a read stream",
          "");
    }
    BlockFetcher.ChecksumMismatch bad = BlockFetcher.check(p, loc,
        (long) next * Limits.BLOCK_SIZE, blocksInChunk - next);
    if (bad == null && p.last() && next + p.blocks() < blocksInChunk) {
      bad = new BlockFetcher.ChecksumMismatch("read of chunk " + loc.index() + " ended after "
          + (next + p.blocks()) + " of " + blocksInChunk + " blocks");
    }
    if (bad != null) {
      p.release();
      throw bad;
    }
    next += p.blocks();
    finished = p.last();
    return p;
  }

  /**
   * Ends the stream: the connection goes back to the pool if the whole answer was received, and is
   * closed otherwise (the rest of the answer would still arrive on it).
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (packet != null) {
      packet.release();
      packet = null;
    }
    if (finished) {
      ctx.direct().giveBack(conn);
    } else {
      ctx.direct().discard(conn);
    }
    ctx.load().end(replica);
  }

  @Override
  public String toString() {
    return "ChunkStream[chunk " + loc.index() + " from " + replica + ", next block " + next + "]";
  }
}
