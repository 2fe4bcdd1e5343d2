package dev.granary.client.fake;

import dev.granary.wire.Checksums;
import dev.granary.wire.Limits;
import dev.granary.wire.Role;
import dev.granary.wire.Sha256;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.msg.ReadChunkRequest;
import dev.granary.wire.msg.ReadPacket;
import dev.granary.wire.msg.WriteAck;
import dev.granary.wire.msg.WriteChunkRequest;
import dev.granary.wire.msg.WriteDone;
import dev.granary.wire.msg.WritePacket;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An in-memory chunkserver. The first node of a pipeline stores the packets and, instead of
 * forwarding them over the network, hands the finished replica to the downstream fakes directly
 * (what is tested is the client's side of the protocol). It checks the client's packets strictly:
 * sequence, offsets, sizes and CRC32Cs.
 */
public final class FakeChunkserver extends FakeServer {
  /** Blocks per read packet. */
  private static final int PACKET_BLOCKS = 3;

  /**
   * A stored replica: bytes and the CRC32C of each block, as written, and the SHA-256 its writer
   * sent in the last packet.
   */
  public static final class Replica {
    final long version;
    final byte[] data;
    final int[] crcs;
    final Sha256 sent;

    Replica(long version, byte[] data, int[] crcs, Sha256 sent) {
      this.version = version;
      this.data = data;
      this.crcs = crcs;
      this.sent = sent;
    }
  }

  private static final class WriteState {
    final WriteChunkRequest request;
    final ByteArrayOutputStream data = new ByteArrayOutputStream();
    final List<Integer> crcs = new ArrayList<>();
    int nextSeq;

    WriteState(WriteChunkRequest request) {
      this.request = request;
    }
  }

  private final Function<String, FakeChunkserver> peers;
  private final Map<Long, Replica> replicas = new ConcurrentHashMap<>();
  /** Write streams by connection and request id (ids are per connection, as on the wire). */
  private final Map<StreamKey, WriteState> writes = new ConcurrentHashMap<>();

  private record StreamKey(io.netty.channel.ChannelId channel, long id) {}
  /** Writes that reach this node and fail after their first packet. */
  private final AtomicInteger failWrites = new AtomicInteger();
  private final AtomicInteger readRequests = new AtomicInteger();
  private final AtomicInteger writeRequests = new AtomicInteger();

  public FakeChunkserver(EventLoopGroup group, String id, Function<String, FakeChunkserver> peers) {
    super(group, Role.CHUNKSERVER, id);
    this.peers = peers;
  }

  private volatile boolean pretendLive;

  /** The fake master keeps handing this node out even while it is stopped (a stale view). */
  public void pretendLive(boolean value) {
    pretendLive = value;
  }

  public boolean liveForMaster() {
    return running() || pretendLive;
  }

  public NodeAddress address() {
    return new NodeAddress(id(), "127.0.0.1", port());
  }

  public boolean holds(long handle) {
    return replicas.containsKey(handle);
  }

  /**
   * Whether this node holds {@code handle} with exactly this content: what a real chunkserver
   * reports to the master as soon as it stores a replica (the fake master asks instead).
   */
  public boolean reports(long handle, long version, long length, long digest) {
    Replica r = replicas.get(handle);
    return r != null && r.version == version && r.data.length == length
        && Checksums.digest(r.data.length, r.crcs, r.crcs.length) == digest;
  }

  /** The SHA-256 the writer of {@code handle} sent with its last packet, or null if not held. */
  public Sha256 sentSha256(long handle) {
    Replica r = replicas.get(handle);
    return r == null ? null : r.sent;
  }

  public int replicaCount() {
    return replicas.size();
  }

  public int readRequests() {
    return readRequests.get();
  }

  public int writeRequests() {
    return writeRequests.get();
  }

  /**
   * The next {@code n} writes that reach this node fail mid-write: as a downstream node of a chain
   * (the head answers PIPELINE_FAILED naming it), or written to directly (it drops the connection
   * at the first packet).
   */
  public void failWrites(int n) {
    failWrites.set(n);
  }

  private boolean failsNextWrite() {
    return failWrites.getAndUpdate(v -> Math.max(0, v - 1)) > 0;
  }

  /** Flips a byte of the stored replica; its stored CRCs stay, so readers see a mismatch. */
  public void corrupt(long handle) {
    Replica r = replicas.get(handle);
    r.data[r.data.length / 2] ^= 0x5a;
  }

  @Override
  protected void onRequest(ChannelHandlerContext ctx, long id, Message m) {
    if (m instanceof WriteChunkRequest w) {
      writeRequests.incrementAndGet();
      writes.put(new StreamKey(ctx.channel().id(), id), new WriteState(w));
    } else if (m instanceof WritePacket p) {
      onPacket(ctx, id, p);
    } else if (m instanceof ReadChunkRequest r) {
      readRequests.incrementAndGet();
      onRead(ctx, id, r);
    } else {
      reply(ctx, id, new ErrorReply(Status.INVALID_ARGUMENT, "fake chunkserver: unexpected "
          + m.type(), ""));
    }
  }

  private void onPacket(ChannelHandlerContext ctx, long id, WritePacket p) {
    StreamKey key = new StreamKey(ctx.channel().id(), id);
    WriteState s = writes.get(key);
    if (s == null) {
      return;
    }
    String problem = null;
    if (p.seq() != s.nextSeq) {
      problem = "packet " + p.seq() + " out of order, expected " + s.nextSeq;
    } else if (p.offset() != (long) p.seq() * Limits.BLOCK_SIZE) {
      problem = "packet " + p.seq() + " at offset " + p.offset();
    } else if (Checksums.crc32c(p.data()) != p.crc()) {
      problem = "packet " + p.seq() + " fails its CRC32C";
    }
    if (problem != null) {
      writes.remove(key);
      reply(ctx, id, new ErrorReply(Status.INTEGRITY, problem, id()));
      return;
    }
    if (p.seq() == 0) {
      if (failsNextWrite()) {
        writes.remove(key);
        ctx.close();
        return;
      }
      for (NodeAddress n : s.request.downstream()) {
        FakeChunkserver peer = peers.apply(n.id());
        if (peer == null || !peer.running() || peer.failsNextWrite()) {
          writes.remove(key);
          reply(ctx, id, new ErrorReply(Status.PIPELINE_FAILED, "pipeline node " + n.id()
              + " failed", n.id()));
          return;
        }
      }
    }
    byte[] b = new byte[p.data().readableBytes()];
    p.data().getBytes(p.data().readerIndex(), b);
    s.data.write(b, 0, b.length);
    s.crcs.add(p.crc());
    s.nextSeq++;
    reply(ctx, id, new WriteAck(p.seq()));
    if (p.last()) {
      writes.remove(key);
      byte[] data = s.data.toByteArray();
      int blocks = Checksums.blockCount(data.length);
      int[] crcs = new int[blocks];
      for (int i = 0; i < blocks; i++) {
        crcs[i] = s.crcs.get(i);
      }
      // As a real chunkserver: bytes that do not hash to what the writer sent are not committed.
      Sha256 actual = Sha256.of(Sha256.newDigest().digest(data));
      if (!p.sha256().isNone() && !p.sha256().equals(actual)) {
        reply(ctx, id, new ErrorReply(Status.INTEGRITY, id() + ": SHA-256 " + actual
            + ", the writer expected " + p.sha256(), id()));
        return;
      }
      Replica r = new Replica(s.request.version(), data, crcs, p.sha256());
      List<String> ids = new ArrayList<>();
      replicas.put(s.request.handle(), r);
      ids.add(id());
      for (NodeAddress n : s.request.downstream()) {
        peers.apply(n.id()).replicas.put(s.request.handle(), new Replica(r.version,
            data.clone(), crcs.clone(), r.sent));
        ids.add(n.id());
      }
      reply(ctx, id, new WriteDone(s.request.handle(), s.request.version(), data.length,
          Checksums.digest(data.length, crcs, blocks), ids, actual));
    }
  }

  private void onRead(ChannelHandlerContext ctx, long id, ReadChunkRequest req) {
    Replica r = replicas.get(req.handle());
    if (r == null) {
      reply(ctx, id, new ErrorReply(Status.NO_SUCH_REPLICA, "no replica "
          + req.handle(), ""));
      return;
    }
    if (r.version != req.version()) {
      reply(ctx, id, new ErrorReply(Status.STALE_VERSION, "version " + r.version, ""));
      return;
    }
    long start = req.offset() / Limits.BLOCK_SIZE * Limits.BLOCK_SIZE;
    long end = Math.min(r.data.length, req.offset() + req.length());
    // Packets of PACKET_BLOCKS blocks (fewer than the real chunkserver's 16), so that packets and
    // the client's read windows do not line up.
    for (long off = start; off < end; off += PACKET_BLOCKS * Limits.BLOCK_SIZE) {
      int blocks = (int) Math.min(PACKET_BLOCKS, (end - off + Limits.BLOCK_SIZE - 1)
          / Limits.BLOCK_SIZE);
      int n = (int) Math.min((long) blocks * Limits.BLOCK_SIZE, r.data.length - off);
      boolean last = off + (long) blocks * Limits.BLOCK_SIZE >= end;
      int first = (int) (off / Limits.BLOCK_SIZE);
      ctx.write(dev.granary.wire.Frame.response(id, new ReadPacket(off,
          Arrays.copyOfRange(r.crcs, first, first + blocks), last,
          Unpooled.copiedBuffer(r.data, (int) off, n))));
    }
    ctx.flush();
  }
}
