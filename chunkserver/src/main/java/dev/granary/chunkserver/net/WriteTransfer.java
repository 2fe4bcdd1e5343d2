package dev.granary.chunkserver.net;

import com.google.common.util.concurrent.MoreExecutors;
import dev.granary.chunkserver.storage.ReplicaMeta;
import dev.granary.chunkserver.storage.ReplicaWriter;
import dev.granary.chunkserver.storage.StoreException;
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
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One write stream (one request id) at one node of a chained pipeline.
 *
 * <p>Design note. As in GFS (section 3.2) data is pushed along a chain of chunkservers, each
 * forwarding a packet as soon as it arrives, so every link runs at full speed at once; as in HDFS,
 * acks flow back up the chain and are cumulative. This node verifies each packet's CRC32C, forwards
 * it downstream and hands it to the disk. A packet is acked upstream once it is on this node's
 * disk (written, not yet forced) and acked by the downstream node, except once the last packet is
 * in: the writer then has nothing left to send and the WriteDone acknowledges everything, so an ack
 * would only cost it a wake-up. Once it has the last packet, every node commits its own replica at once (forced and renamed into place), in parallel with the
 * other hops rather than after them, so a pipeline commit costs one node's commit, not the sum of
 * all. A node answers WriteDone upstream only when both its own commit and its downstream's
 * WriteDone are in (node ids: this one, then the downstream's); a downstream failure still fails
 * the stream with PIPELINE_FAILED naming that node. So a replica may be committed at a node whose
 * pipeline then fails: it is whole and valid, of a chunk the master never commits, reported like
 * any other and removed by the master's garbage collection (GFS section 4.4). A partial write (no
 * last packet, lost connection, failed CRC) still leaves nothing behind: its temporary files are
 * removed and nothing was renamed.
 *
 * <p>The last packet carries the SHA-256 the writer expects of the whole replica; it is forwarded
 * with the packet, and every node compares it with the SHA-256 of what it stored before it commits
 * (INTEGRITY naming this node on a mismatch, nothing committed here). A node's WriteDone carries
 * its value, so the writer learns what the whole pipeline stored.
 *
 * <p>Threads. Every field but {@link #writtenSeq} belongs to the upstream channel's event loop; the
 * downstream stream's callbacks are delivered there too ({@link DownstreamLink}). Disk writes run on
 * a per-transfer ordered executor over the shared I/O pool: appends are ordered without a dedicated
 * thread per transfer, and a slow disk stalls only its own transfers, never the event loop. Memory is
 * bounded: the upstream channel stops reading when more than {@link #MAX_QUEUED} packets wait for
 * the disk or the downstream lags ({@link DownstreamLink#lagging()}), so at most a few MiB per
 * transfer are in flight whatever the chunk size.
 *
 * <p>Bounds. A stream reserves the length its request announces, at most the store's
 * {@link dev.granary.chunkserver.storage.ReplicaStore#MAX_REPLICA_LENGTH}, and a packet reaching
 * past the announced length fails it with TOO_LARGE before it is forwarded or written. A stream whose sender
 * goes quiet is aborted: no data packet for {@link ChunkServices#writeIdleTimeout} while this node
 * owes the sender nothing (every packet received is written and acknowledged downstream, and the
 * connection is being read) fails it with UNAVAILABLE, releasing its slot, its reservation and its
 * temporary file. PINGs, and other streams on the same connection, keep a connection open but do
 * not keep a stream alive.
 */
final class WriteTransfer implements DownstreamLink.Events {
  private static final Logger log = LoggerFactory.getLogger(WriteTransfer.class);
  /** Packets received but not yet written locally before the upstream is paused (2 MiB). */
  static final int MAX_QUEUED = 32;
  /** Acks are sent at least every this many packets. */
  static final int ACK_EVERY = 8;

  private enum State { OPEN, DONE, FAILED }

  /** The connection-level services a transfer needs from its router. */
  interface Owner {
    void pauseReading(Object who);

    void resumeReading(Object who);

    void finished(long requestId);

    /** Whether the connection is not being read now (some transfer asked for a pause). */
    boolean readingPaused();
  }

  private final ChunkServices svc;
  private final Channel upstream;
  private final EventLoop loop;
  private final long requestId;
  private final WriteChunkRequest request;
  private final Owner owner;
  private final Executor disk;
  private final String name;
  private final AtomicInteger writtenSeq = new AtomicInteger(-1);
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final AtomicBoolean aborted = new AtomicBoolean();
  private ReplicaWriter writer;
  private DownstreamLink downstream;
  private State state = State.OPEN;
  private int nextSeq;
  private boolean lastReceived;
  private int localWritten = -1;
  private int downstreamAcked = -1;
  private int ackedUp = -1;
  private ReplicaMeta committed;
  private WriteDone downstreamDone;
  private long lastProgressNanos;
  /** When the sender last sent a data packet, or this node last stopped owing it anything. */
  private long lastHeardNanos;
  private ScheduledFuture<?> watchdog;

  WriteTransfer(ChunkServices svc, Channel upstream, long requestId, WriteChunkRequest request,
      Owner owner) {
    this.svc = svc;
    this.upstream = upstream;
    this.loop = upstream.eventLoop();
    this.requestId = requestId;
    this.request = request;
    this.owner = owner;
    this.disk = MoreExecutors.newSequentialExecutor(svc.ioPool());
    this.name = "replica " + ChunkHandles.format(request.handle()) + " v" + request.version();
  }

  /**
   * Admits the stream (slot, space, handle not yet stored) and opens the downstream. On refusal
   * the ERROR reply is sent and false returned: nothing was written.
   */
  boolean start() {
    if (!svc.slots().tryAcquire()) {
      reply(new ErrorReply(Status.BUSY, svc.nodeId() + " is busy: " + svc.slots().max()
          + " transfers in progress", ""));
      return false;
    }
    try {
      writer = svc.store().create(request.handle(), request.version(), request.maxLength(),
          request.primary());
    } catch (StoreException e) {
      svc.slots().release();
      reply(new ErrorReply(e.status(), e.getMessage(), ""));
      return false;
    }
    log.debug("{}: write of {} from {} ({} downstream)", svc.nodeId(), name,
        request.clientId(), request.downstream().size());
    lastHeardNanos = svc.ticker().read();
    lastProgressNanos = lastHeardNanos;
    long period = Math.max(10, Math.min(svc.progressTimeout().toMillis(),
        svc.writeIdleTimeout().toMillis()) / 10);
    watchdog = loop.scheduleAtFixedRate(this::watch, period, period, TimeUnit.MILLISECONDS);
    List<NodeAddress> chain = request.downstream();
    if (!chain.isEmpty()) {
      downstream = new DownstreamLink(chain.get(0), loop, svc.downstreams(), this);
      downstream.open(new WriteChunkRequest(request.handle(), request.version(),
          request.maxLength(), chain.subList(1, chain.size()), request.clientId(), false,
          request.token()));
    }
    return true;
  }

  /** A packet from upstream; this transfer owns the packet's reference. */
  void onPacket(WritePacket p) {
    if (state != State.OPEN || lastReceived) {
      p.release();
      if (state == State.OPEN) {
        fail(Status.INVALID_ARGUMENT, svc.nodeId() + ": packet " + p.seq() + " of " + name
            + " after the last packet", "");
      }
      return;
    }
    if (p.seq() != nextSeq || p.offset() != (long) nextSeq * Limits.BLOCK_SIZE) {
      String why = svc.nodeId() + ": " + name + " expected packet " + nextSeq + " at offset "
          + (long) nextSeq * Limits.BLOCK_SIZE + ", got " + p.seq() + " at " + p.offset();
      p.release();
      fail(Status.INVALID_ARGUMENT, why, "");
      return;
    }
    int crc = Checksums.crc32c(p.data());
    if (crc != p.crc()) {
      String why = svc.nodeId() + ": packet " + p.seq() + " of " + name
          + " failed its CRC32C (sent " + Integer.toHexString(p.crc()) + ", received "
          + Integer.toHexString(crc) + ")";
      p.release();
      fail(Status.INTEGRITY, why, svc.nodeId());
      return;
    }
    long end = p.offset() + p.data().readableBytes();
    if (end > request.maxLength()) {
      String why = svc.nodeId() + ": packet " + p.seq() + " of " + name + " ends at byte " + end
          + ", past the " + request.maxLength() + " bytes the stream announced";
      p.release();
      fail(Status.TOO_LARGE, why, "");
      return;
    }
    lastHeardNanos = svc.ticker().read();
    nextSeq++;
    lastReceived = p.last();
    if (downstream != null) {
      if (nextSeq - 1 == downstreamAcked + 1) {
        lastProgressNanos = svc.ticker().read();
      }
      // A duplicate: the socket write advances its reader index while the disk thread reads the
      // same bytes through the original.
      downstream.forward(new WritePacket(p.seq(), p.offset(), p.crc(), p.last(), p.sha256(),
          p.data().retainedDuplicate()));
    }
    Sha256 expected = p.sha256();
    disk.execute(() -> append(p));
    if (lastReceived) {
      // Independent of the downstream: the hops commit in parallel.
      disk.execute(() -> commit(expected));
    }
    updateFlow();
  }

  /** End of a batch of reads from upstream: push what was forwarded. */
  void flush() {
    if (downstream != null) {
      downstream.flush();
    }
  }

  // ---- disk thread ----

  private void append(WritePacket p) {
    try {
      if (!aborted.get()) {
        int bytes = p.data().readableBytes();
        writer.append(p.data().nioBuffer(), p.crc());
        svc.counters().written(bytes);
      }
    } catch (StoreException e) {
      loop.execute(() -> fail(e.status(), e.getMessage(), ""));
      return;
    } catch (RuntimeException e) {
      loop.execute(() -> fail(Status.INTERNAL, svc.nodeId() + ": " + name + ": " + e, ""));
      return;
    } finally {
      p.release();
    }
    writtenSeq.set(p.seq());
    if (drainScheduled.compareAndSet(false, true)) {
      // One event-loop task for many writes: acks coalesce while the loop is busy.
      loop.execute(this::written);
    }
  }

  private void commit(Sha256 expected) {
    if (aborted.get()) {
      return;
    }
    try {
      writer.prepare(expected);
      ReplicaMeta meta = writer.commit();
      svc.reporter().added(meta);
      loop.execute(() -> localCommitted(meta));
    } catch (StoreException e) {
      // Bytes that passed every CRC but are not the ones the writer hashed: this node is the one
      // to avoid on a retry.
      boolean ours = e.status() == Status.INTEGRITY;
      String why = ours ? svc.nodeId() + ": " + e.getMessage() : e.getMessage();
      loop.execute(() -> fail(e.status(), why, ours ? svc.nodeId() : ""));
    }
  }

  // ---- event loop ----

  private void written() {
    drainScheduled.set(false);
    localWritten = writtenSeq.get();
    maybeAck();
    updateFlow();
  }

  private void localCommitted(ReplicaMeta meta) {
    committed = meta;
    maybeFinish();
  }

  private void maybeAck() {
    if (state != State.OPEN) {
      return;
    }
    if (lastReceived) {
      // The writer has sent everything: the WriteDone acknowledges it all, and an ack now would
      // only wake the writer once more (for a one-packet chunk, as often as the WriteDone).
      return;
    }
    int ackable = ackable();
    // Coalesced: every ACK_EVERY packets, or at once when this node has caught up with everything
    // received (so a writer with a small window never waits on us).
    if (ackable > ackedUp && (ackable - ackedUp >= ACK_EVERY || ackable == nextSeq - 1)) {
      ackedUp = ackable;
      reply(new WriteAck(ackable));
    }
  }

  /** Answers WriteDone once this node has committed and the downstream reported its own. */
  private void maybeFinish() {
    if (state != State.OPEN || committed == null
        || (downstream != null && downstreamDone == null)) {
      return;
    }
    List<String> nodeIds = new ArrayList<>();
    nodeIds.add(svc.nodeId());
    if (downstreamDone != null) {
      if (downstreamDone.length() != committed.length()
          || downstreamDone.digest() != committed.digest()
          || !downstreamDone.sha256().equals(committed.sha256())) {
        fail(Status.INTEGRITY, svc.nodeId() + ": downstream " + downstream.target()
            + " stored " + name + " with a different length, digest or SHA-256",
            downstream.target().id());
        return;
      }
      nodeIds.addAll(downstreamDone.nodeIds());
    }
    reply(new WriteDone(committed.handle(), committed.version(), committed.length(),
        committed.digest(), nodeIds, committed.sha256()));
    log.debug("{}: committed {} ({} bytes) on {}", svc.nodeId(), name, committed.length(),
        nodeIds);
    state = State.DONE;
    release();
  }

  /** The highest packet written here and, with a downstream, acknowledged by it. */
  private int ackable() {
    return downstream == null ? localWritten : Math.min(localWritten, downstreamAcked);
  }

  private void updateFlow() {
    int queued = (nextSeq - 1) - localWritten;
    boolean lag = queued > MAX_QUEUED || (downstream != null && downstream.lagging());
    if (lag && state == State.OPEN) {
      owner.pauseReading(this);
    } else {
      owner.resumeReading(this);
    }
  }

  /** Periodic, while the stream is open: a quiet sender, then a stuck downstream. */
  private void watch() {
    if (state != State.OPEN) {
      return;
    }
    long now = svc.ticker().read();
    if (lastReceived || ackable() < nextSeq - 1 || owner.readingPaused()) {
      // The sender has sent everything, or waits for this node: its silence is ours.
      lastHeardNanos = now;
    } else if (now - lastHeardNanos > svc.writeIdleTimeout().toNanos()) {
      fail(Status.UNAVAILABLE, svc.nodeId() + ": write of " + name + " received no data packet "
          + "for " + svc.writeIdleTimeout().toMillis() + " ms (chunkserver.idleTimeout); aborted",
          "");
      return;
    }
    checkProgress();
  }

  private void checkProgress() {
    if (downstream == null) {
      return;
    }
    boolean waiting = downstreamAcked < nextSeq - 1 || (lastReceived && downstreamDone == null);
    long idle = svc.ticker().read() - lastProgressNanos;
    if (waiting && idle > svc.progressTimeout().toNanos()) {
      downstreamFailed("no progress for " + svc.progressTimeout().toMillis() + " ms");
    }
  }

  @Override
  public void downstreamFrame(Frame frame) {
    Message m = frame.message();
    try {
      if (state != State.OPEN) {
        return;
      }
      lastProgressNanos = svc.ticker().read();
      if (m instanceof WriteAck ack) {
        downstreamAcked = Math.max(downstreamAcked, ack.seq());
        maybeAck();
      } else if (m instanceof WriteDone done) {
        downstreamDone = done;
        downstreamAcked = nextSeq - 1;
        maybeFinish();
      } else if (m instanceof ErrorReply e) {
        // The downstream already named the node at fault: pass its verdict up unchanged.
        fail(e.status(), e.message(), e.detail());
      } else {
        downstreamFailed("unexpected " + m.type() + " on the write stream");
      }
    } finally {
      ReferenceCountUtil.release(frame);
    }
  }

  @Override
  public void downstreamFailed(String why) {
    NodeAddress t = downstream.target();
    fail(Status.PIPELINE_FAILED, svc.nodeId() + ": pipeline node " + t.id() + " at "
        + t.hostPort() + " failed: " + why, t.id());
  }

  @Override
  public void downstreamWritable() {
    updateFlow();
  }

  /** The upstream connection closed: abort without a reply. */
  void upstreamClosed() {
    if (state == State.OPEN) {
      log.debug("{}: upstream of {} closed mid-stream; aborting", svc.nodeId(), name);
      abort();
    }
  }

  void fail(Status status, String message, String detail) {
    if (state != State.OPEN) {
      return;
    }
    log.warn("{}: write of {} failed: {} {}", svc.nodeId(), name, status, message);
    reply(new ErrorReply(status, message, detail));
    abort();
  }

  private void abort() {
    state = State.FAILED;
    aborted.set(true);
    // Ordered after any append still queued, so the temporary files are gone for good; a no-op if
    // the replica was committed already (then it is whole, and left to the master's GC).
    disk.execute(writer::abort);
    release();
  }

  private void release() {
    if (watchdog != null) {
      watchdog.cancel(false);
    }
    if (downstream != null) {
      downstream.close();
    }
    svc.slots().release();
    owner.resumeReading(this);
    owner.finished(requestId);
  }

  private void reply(Message m) {
    if (upstream.isActive()) {
      upstream.writeAndFlush(Frame.response(requestId, m));
    }
  }
}
