package dev.granary.chunkserver.net;

import dev.granary.chunkserver.storage.CorruptReplicaException;
import dev.granary.chunkserver.storage.ReplicaStore.OpenReplica;
import dev.granary.chunkserver.storage.StoreException;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.FrameEncoder;
import dev.granary.wire.Frame;
import dev.granary.wire.Frames;
import dev.granary.wire.Limits;
import dev.granary.wire.MessageType;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.ReadChunkRequest;
import dev.granary.wire.msg.ReadPacket;
import dev.granary.wire.tls.TlsPeer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one READ request: {@link ReadPacket}s of up to {@link Limits#READ_PACKET_BLOCKS} blocks
 * covering the range, each a small header buffer (with the blocks' CRC32Cs) followed by the blocks
 * as one zero-copy {@link BlockRegion}: one {@code sendfile} per 1 MiB, not per 64 KiB block (a
 * packet of at most {@link #INLINE_MAX} bytes is copied into its header buffer instead). At
 * most {@link #MAX_IN_FLIGHT} packets are queued on the channel at a time and none while it is
 * unwritable (file regions do not count towards Netty's write buffer water marks, so this bound is
 * what keeps a slow reader of a 64 MiB chunk to 4 MiB of queue, not the chunk).
 *
 * <p>Blocks go out with the CRC32C stored at write time and are not re-verified here: the reader
 * checks every block end to end, and the scrubber finds rot at rest. Opening the replica (which reads
 * its meta file) runs on the I/O pool, unless it is kept open or its checksums are known without
 * the meta file (a small replica still in the journal, or any replica of one block);
 * everything else on the channel's event loop.
 */
final class ReadStream {
  private static final Logger log = LoggerFactory.getLogger(ReadStream.class);
  static final int MAX_IN_FLIGHT = 4;
  /**
   * Packets of at most this many data bytes are copied into the frame instead of following it by
   * sendfile: the frame then leaves in one write and usually one TCP segment, so the reader of a
   * small file wakes once, not once for the fields and again for the data. One 4 KiB file read
   * 5,000 times per batch (client cache off), best batch of 8, three alternated rounds: 58, 42, 47
   * us per read before, 31, 34, 31 after.
   */
  static final int INLINE_MAX = Limits.BLOCK_SIZE;

  private final ChunkServices svc;
  private final Channel channel;
  private final long requestId;
  private final ReadChunkRequest request;
  private final Runnable onFinished;
  private OpenReplicas.Lease lease;
  private OpenReplica replica;
  private long nextBlock;
  private long lastBlock;
  private int inFlight;
  /**
   * Whether the connection is TLS: then {@code sendfile} cannot be used (the kernel would send the
   * file's bytes unencrypted), and every packet is read into its frame buffer, pooled, which the
   * TLS layer encrypts in 16 KiB records: one copy from the page cache, one by the cipher.
   */
  private final boolean encrypted;
  private boolean done;
  // The stream's own reference plus one per region not yet released; the file closes at zero.
  private final AtomicInteger fileRefs = new AtomicInteger(1);

  ReadStream(ChunkServices svc, Channel channel, long requestId, ReadChunkRequest request,
      Runnable onFinished) {
    this.svc = svc;
    this.channel = channel;
    this.encrypted = TlsPeer.isTls(channel);
    this.requestId = requestId;
    this.request = request;
    this.onFinished = onFinished;
  }

  /** Called on the channel's event loop. */
  void start() {
    OpenReplicas.Lease kept = svc.openReplicas().acquire(request.handle());
    if (kept == null) {
      kept = svc.openReplicas().openFromMemory(request.handle());
    }
    if (kept != null) {
      begin(kept, check(kept.replica())); // no disk I/O needed: start here
      return;
    }
    svc.ioPool().execute(() -> {
      OpenReplicas.Lease r = null;
      ErrorReply error = null;
      try {
        r = svc.openReplicas().open(request.handle());
        error = check(r.replica());
      } catch (StoreException e) {
        error = new ErrorReply(e.status(), e.getMessage(), "");
      } catch (CorruptReplicaException e) {
        var q = svc.store().quarantine(request.handle(), "read: " + e.getMessage());
        if (q != null) {
          svc.reporter().quarantined(q, e.getMessage());
        }
        error = new ErrorReply(Status.NO_SUCH_REPLICA, svc.nodeId() + " holds no good replica "
            + ChunkHandles.format(request.handle()) + ": " + e.getMessage(), "");
      }
      OpenReplicas.Lease opened = r;
      ErrorReply refusal = error;
      channel.eventLoop().execute(() -> begin(opened, refusal));
    });
  }

  private ErrorReply check(OpenReplica r) {
    String name = ChunkHandles.format(request.handle());
    if (r.meta().version() != request.version()) {
      return new ErrorReply(Status.STALE_VERSION, svc.nodeId() + " holds replica " + name
          + " at version " + r.meta().version() + ", not the requested version "
          + request.version(), "");
    }
    long end = request.offset() + request.length();
    if (end < 0 || end > r.meta().length()) {
      return new ErrorReply(Status.INVALID_ARGUMENT, "read of " + request.length() + " bytes at "
          + request.offset() + " is beyond replica " + name + " of " + r.meta().length()
          + " bytes", "");
    }
    return null;
  }

  private void begin(OpenReplicas.Lease l, ErrorReply refusal) {
    lease = l;
    replica = l == null ? null : l.replica();
    if (done) {
      if (l != null) {
        l.release();
      }
      return;
    }
    if (refusal != null) {
      reply(refusal);
      finish();
      return;
    }
    if (!channel.isActive()) {
      finish();
      return;
    }
    if (request.length() == 0) {
      long aligned = request.offset() / Limits.BLOCK_SIZE * Limits.BLOCK_SIZE;
      ByteBuf header = header(aligned, 0, 0, 0, true, 0);
      nextBlock = 1;
      lastBlock = 0;
      inFlight++;
      channel.writeAndFlush(header).addListener(f -> blockSent(f, 0));
      return;
    }
    nextBlock = request.offset() / Limits.BLOCK_SIZE;
    lastBlock = (request.offset() + request.length() - 1) / Limits.BLOCK_SIZE;
    pump();
  }

  /** Queues blocks while the channel takes them; called again as blocks drain. */
  void pump() {
    if (done || replica == null) {
      return;
    }
    boolean wrote = false;
    while (nextBlock <= lastBlock && inFlight < MAX_IN_FLIGHT && channel.isWritable()) {
      int blocks = (int) Math.min(Limits.READ_PACKET_BLOCKS, lastBlock - nextBlock + 1);
      long pos = nextBlock * Limits.BLOCK_SIZE;
      int n = (int) Math.min((long) blocks * Limits.BLOCK_SIZE, replica.meta().length() - pos);
      boolean last = nextBlock + blocks > lastBlock;
      boolean inline = n <= INLINE_MAX || encrypted;
      ByteBuf header = header(pos, (int) nextBlock, blocks, n, last, inline ? n : 0);
      if (inline) {
        try {
          readFully(header, pos, n);
        } catch (IOException e) {
          header.release();
          log.warn("{}: reading replica {} failed: {}", svc.nodeId(),
              ChunkHandles.format(request.handle()), e.toString());
          reply(new ErrorReply(Status.INTERNAL, svc.nodeId() + ": reading replica "
              + ChunkHandles.format(request.handle()) + " failed: " + e.getMessage(), ""));
          nextBlock = lastBlock + 1;
          break;
        }
        inFlight++;
        channel.write(header).addListener(f -> blockSent(f, n));
      } else {
        channel.write(header);
        inFlight++;
        fileRefs.incrementAndGet();
        channel.write(new BlockRegion(replica.data(), pos, n, this::releaseFile))
            .addListener(f -> blockSent(f, n));
      }
      nextBlock += blocks;
      wrote = true;
    }
    if (wrote) {
      channel.flush();
    }
    if (nextBlock > lastBlock && inFlight == 0) {
      finish(); // a read failed before any packet was queued
    }
  }

  /**
   * Frame header and fields of a packet of blocks {@code [firstBlock, firstBlock + blocks)}, in a
   * buffer with room for {@code room} more bytes.
   */
  private ByteBuf header(long offset, int firstBlock, int blocks, int dataLength, boolean last,
      int room) {
    int fields = ReadPacket.fieldsLength(blocks);
    ByteBuf b = channel.alloc().ioBuffer(Frames.HEADER_LENGTH + fields + room);
    b.writerIndex(Frames.HEADER_LENGTH);
    ReadPacket.encodeFields(b, offset, replica.blockCrcs(), firstBlock, blocks, last);
    FrameEncoder.writeHeader(b, 0, MessageType.READ_PACKET, requestId, Frames.FLAG_RESPONSE,
        fields + dataLength);
    return b;
  }

  /** A packet of {@code bytes} data bytes was written to the socket (or failed). */
  private void blockSent(io.netty.util.concurrent.Future<? super Void> f, int bytes) {
    inFlight--;
    if (f.isSuccess()) {
      svc.counters().read(bytes);
    } else {
      log.debug("{}: read of {} aborted: {}", svc.nodeId(),
          ChunkHandles.format(request.handle()), f.cause() == null ? "" : f.cause().toString());
      nextBlock = lastBlock + 1;
    }
    if (nextBlock > lastBlock && inFlight == 0) {
      finish();
    } else {
      pump();
    }
  }

  /** Appends {@code n} bytes of the replica at {@code pos} to {@code b}. */
  private void readFully(ByteBuf b, long pos, int n) throws IOException {
    for (int done = 0; done < n; ) {
      int got = b.writeBytes(replica.data(), pos + done, n - done);
      if (got < 0) {
        throw new IOException("replica ends at byte " + (pos + done) + ", expected "
            + (pos + n));
      }
      done += got;
    }
  }

  /** The connection closed: stop queuing; the file closes once the queued blocks are released. */
  void cancel() {
    nextBlock = lastBlock + 1;
    if (inFlight == 0) {
      finish();
    }
  }

  private void finish() {
    if (done) {
      return;
    }
    done = true;
    releaseFile();
    onFinished.run();
  }

  private void releaseFile() {
    if (fileRefs.decrementAndGet() == 0 && lease != null) {
      lease.release();
    }
  }

  private void reply(ErrorReply e) {
    if (channel.isActive()) {
      ChannelFuture unused = channel.writeAndFlush(Frame.response(requestId, e));
    }
  }
}
