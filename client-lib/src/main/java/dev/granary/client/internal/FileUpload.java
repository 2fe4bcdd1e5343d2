package dev.granary.client.internal;

import dev.granary.client.GranaryException;
import dev.granary.client.InternalException;
import dev.granary.client.NotFoundException;
import dev.granary.client.UnavailableException;
import dev.granary.client.WriteOptions;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Sha256;
import dev.granary.wire.Status;
import dev.granary.wire.msg.AllocateChunkRequest;
import dev.granary.wire.msg.AllocateChunkResponse;
import dev.granary.wire.msg.CommitChunk;
import dev.granary.wire.msg.CommitFileRequest;
import dev.granary.wire.msg.CommitFileResponse;
import dev.granary.wire.msg.FileEncoding;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.MkdirRequest;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.msg.StatResponse;
import dev.granary.wire.msg.WriteDone;
import dev.granary.wire.net.Connection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one file: its chunks, up to {@code parallelism} at a time, then the commit that makes the
 * file visible atomically (GFS §3: data flows to chunkservers, then one metadata mutation at the
 * master). Nothing is visible until the commit, so a failed upload leaves only orphan chunks that
 * the master's garbage collection removes.
 *
 * <p>Each chunk is retried on a fresh pipeline (new handle from a fresh allocation) when a node
 * fails: the node named by the error, or the first node if it was unreachable, is excluded from the
 * next allocation. If exclusions leave too few chunkservers, they are forgotten and the allocation
 * retried, so a node that was only briefly busy is not shunned forever.
 *
 * <p>A chunk of at most {@link FanOutWriter#MAX_LENGTH} bytes goes to all its nodes at once
 * ({@link FanOutWriter}), a larger one down the chain ({@link ChunkStreamer}). The commit of a file
 * with data asks the master for a spare allocation, which the client's next chunk takes instead of
 * asking for its own ({@link SpareAllocation}): a writer of many small files then pays one master
 * round trip per file.
 *
 * <p>From its first allocation until it commits or gives up, the upload holds its chunks under the
 * client's write lease ({@link LeaseRenewer}), which is renewed however long the upload pauses: the
 * master keeps uncommitted chunks only while their writer's lease is live. The commit is accepted
 * only for replicas the chunkservers have reported; the master waits a few seconds for late reports
 * and answers UNAVAILABLE if they do not come, which is retried like any transient failure until
 * the client timeout (the chunk data is no longer held, so it cannot be rewritten elsewhere).
 */
final class FileUpload implements LeaseRenewer.Holder {
  private static final Logger log = LoggerFactory.getLogger(FileUpload.class);

  /** Allocation answers that may only mean "too many nodes excluded". */
  private static final Set<Status> SHORT_OF_NODES = Set.of(Status.UNAVAILABLE, Status.NO_SPACE);

  private final ClientContext ctx;
  private final String path;
  private final WriteOptions options;
  private final Progress progress;
  private final ChunkStreamer streamer;
  private final FanOutWriter fanOut;
  private final Semaphore slots;
  private final ConcurrentSkipListMap<Integer, CommitChunk> stored = new ConcurrentSkipListMap<>();
  private final AtomicReference<GranaryException> failure = new AtomicReference<>();
  /** Handles allocated to this upload and not yet committed (or abandoned). */
  private final Set<Long> handles = ConcurrentHashMap.newKeySet();
  private volatile boolean aborted;
  private final AtomicLong bytesSent = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicInteger chunksReused =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Decides, once a chunk's SHA-256 is known, whether the master already holds it. */
  interface HeldChunks {
    /** The held chunk to name for chunk {@code index}, or null to send it. */
    CommitChunk find(int index, long length, Sha256 sha256);
  }

  /** Computes a chunk's SHA-256 from the local data before anything is sent. */
  interface Hasher {
    Sha256 hash() throws IOException;
  }

  /**
   * Decides how the file is stored (compressed, encrypted: null for plain), once, before its first
   * chunk is encoded or its commit is sent.
   */
  interface CodecChoice {
    FileCodec choose() throws GranaryException;
  }

  private final CodecChoice codecChoice;
  private FileCodec codec;
  private boolean codecChosen;

  public FileUpload(ClientContext ctx, String path, WriteOptions options, Progress progress) {
    this(ctx, path, options, progress, () -> null);
  }

  public FileUpload(ClientContext ctx, String path, WriteOptions options, Progress progress,
      CodecChoice codecChoice) {
    this.ctx = ctx;
    this.path = path;
    this.options = options;
    this.progress = progress;
    this.codecChoice = codecChoice;
    this.streamer = new ChunkStreamer(ctx.clientId(), ctx.retry().timeout());
    this.fanOut = new FanOutWriter(ctx.direct(), ctx.clientId());
    this.slots = new Semaphore(Math.max(1, ctx.parallelism()));
  }

  /**
   * Waits for a free transfer slot (one of {@code parallelism}), or, while the client's
   * {@link WriteBudget} is spent, until this file's own chunks are stored; throws an earlier
   * failure.
   */
  public void acquireSlot() throws GranaryException {
    try {
      if (ctx.writes().exhausted()) {
        int n = Math.max(1, ctx.parallelism());
        slots.acquire(n);
        slots.release(n - 1);
      } else {
        slots.acquire();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException(path + ": interrupted", e);
    }
    GranaryException f = failure.get();
    if (f != null) {
      slots.release();
      throw f;
    }
  }

  /** Gives back a slot taken by {@link #acquireSlot} without submitting a chunk. */
  public void releaseSlot() {
    slots.release();
  }

  /** The file's codec (null: plain), chosen on the first call. */
  public synchronized FileCodec codec() throws GranaryException {
    if (!codecChosen) {
      codec = codecChoice.choose();
      codecChosen = true;
    }
    return codec;
  }

  /**
   * Stores chunk {@code index} in the background on the slot the caller acquired; the slot is
   * released and the source freed when the chunk is stored or has failed.
   *
   * @param last whether it is the file's last chunk
   */
  public void submit(int index, ChunkSource source, boolean last) throws GranaryException {
    FileCodec c = codecOrRelease(source);
    long bytes = source.length();
    ctx.writes().take(bytes);
    try {
      ctx.workers().execute(() -> {
        try {
          storeEncoded(index, encode(c, index, source, last));
        } finally {
          ctx.writes().give(bytes);
        }
      });
    } catch (RuntimeException e) {
      ctx.writes().give(bytes);
      source.release();
      slots.release();
      throw e;
    }
  }

  /**
   * Like {@link #submit}, but stores the chunk on the calling thread and returns when it is stored
   * or has failed (a failure is thrown by {@link #commit}). For a file of one chunk, where there is
   * nothing to overlap, this saves two thread hand-offs per file.
   */
  public void store(int index, ChunkSource source, boolean last) throws GranaryException {
    storeEncoded(index, encode(codecOrRelease(source), index, source, last));
  }

  /** The codec; on failure the source is freed and the caller's slot given back. */
  private FileCodec codecOrRelease(ChunkSource source) throws GranaryException {
    try {
      return codec();
    } catch (GranaryException | RuntimeException e) {
      source.release();
      slots.release();
      throw e;
    }
  }

  /**
   * {@code source} as stored: itself for a plain file, else its records (and {@code source} is
   * freed). Null if encoding failed (recorded as the upload's failure; the slot is given back).
   */
  private ChunkSource encode(FileCodec c, int index, ChunkSource source, boolean last) {
    if (c == null) {
      return source;
    }
    try {
      if (failure.get() != null || aborted) {
        return null;
      }
      return c.encode(index, source, last, io.netty.buffer.PooledByteBufAllocator.DEFAULT);
    } catch (IOException e) {
      failure.compareAndSet(null, new UnavailableException(path + ": chunk " + index
          + ": reading the local data failed: " + e.getMessage(), e));
      return null;
    } catch (RuntimeException e) {
      failure.compareAndSet(null, new InternalException(path + ": chunk " + index
          + " could not be encoded: " + e, e));
      return null;
    } finally {
      source.release();
    }
  }

  /** Stores a chunk as encoded ({@code null}: encoding failed; only the slot is given back). */
  private void storeEncoded(int index, ChunkSource source) {
    if (source == null) {
      slots.release();
      return;
    }
    try {
      if (failure.get() == null && !aborted) {
        stored.put(index, writeChunk(index, source));
        bytesSent.addAndGet(source.length());
      }
    } catch (GranaryException e) {
      failure.compareAndSet(null, e);
    } catch (RuntimeException e) {
      failure.compareAndSet(null, new InternalException(path + ": chunk " + index
          + " failed unexpectedly: " + e, e));
    } finally {
      source.release();
      slots.release();
    }
  }

  /**
   * Names chunk {@code index} as {@code held}, a chunk the master already holds (a delta update,
   * deduplication): nothing is sent; the commit names it with no replicas.
   */
  public void reuse(int index, CommitChunk held) {
    stored.put(index, held);
    chunksReused.incrementAndGet();
    progress.add(held.length());
  }

  /**
   * Like {@link #submit}, but the background task first hashes the chunk ({@code hasher}) and,
   * if {@code held} knows it, names the held chunk instead of sending it: hashing the next chunks
   * overlaps sending a changed one (a delta update).
   */
  public void submitUnlessHeld(int index, ChunkSource source, Hasher hasher, HeldChunks held,
      boolean last) throws GranaryException {
    FileCodec c = codecOrRelease(source);
    long bytes = source.length();
    ctx.writes().take(bytes);
    try {
      ctx.workers().execute(() -> {
        try {
          // A compressed chunk is matched by what is stored: encode it, then hash the records.
          ChunkSource stored = encode(c, index, source, last);
          if (stored == null) {
            slots.release();
            return;
          }
          CommitChunk h = null;
          try {
            if (failure.get() == null && !aborted) {
              Sha256 sha = c == null ? hasher.hash() : ChunkDigests.of(stored);
              h = held.find(index, stored.length(), sha);
            }
          } catch (IOException e) {
            failure.compareAndSet(null, new UnavailableException(path + ": chunk " + index
                + ": reading the local file failed: " + e.getMessage(), e));
          }
          if (h != null) {
            reuse(index, h);
            stored.release();
            slots.release();
          } else {
            storeEncoded(index, stored);
          }
        } finally {
          ctx.writes().give(bytes);
        }
      });
    } catch (RuntimeException e) {
      ctx.writes().give(bytes);
      source.release();
      slots.release();
      throw e;
    }
  }

  /** Bytes of chunks sent and stored so far (a chunk retried elsewhere counts once). */
  public long bytesSent() {
    return bytesSent.get();
  }

  /** Chunks named as held instead of sent. */
  public int chunksReused() {
    return chunksReused.get();
  }

  /** Waits for every submitted chunk; throws the first failure. */
  private void drain() throws GranaryException {
    int n = Math.max(1, ctx.parallelism());
    try {
      slots.acquire(n);
      slots.release(n);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      aborted = true;
      throw new UnavailableException(path + ": interrupted", e);
    }
    GranaryException f = failure.get();
    if (f != null) {
      throw f;
    }
  }

  /** Stops chunks not yet started; chunks already stored become garbage for the master. */
  public void abort() {
    aborted = true;
    ctx.leases().release(this);
  }

  /** Aborts and waits until no chunk transfer runs any more (their sources are then free). */
  public void abortAndWait() {
    abort();
    int n = Math.max(1, ctx.parallelism());
    slots.acquireUninterruptibly(n);
    slots.release(n);
  }

  /**
   * Waits for the {@code chunkCount} chunks submitted (indices 0..chunkCount-1), then commits the
   * file. Missing parent directories are created (as {@code put} promises) when the commit finds
   * them absent.
   */
  public FileEntry commit(int chunkCount, long size) throws GranaryException {
    try {
      return drainAndCommit(chunkCount, size);
    } finally {
      ctx.leases().release(this);
    }
  }

  @Override
  public Set<Long> uncommittedHandles() {
    return Set.copyOf(handles);
  }

  @Override
  public void leaseLost(List<Long> released) {
    failure.compareAndSet(null, new UnavailableException(path + ": the master released chunk "
        + ChunkHandles.format(released.get(0)) + (released.size() > 1 ? " and "
        + (released.size() - 1) + " more" : "") + ": this client's write lease expired (it was"
        + " not renewed in time); write the file again"));
  }

  private FileEntry drainAndCommit(int chunkCount, long size) throws GranaryException {
    drain();
    FileCodec c = codec();
    if (stored.size() != chunkCount) {
      throw new InternalException(path + ": " + stored.size() + " of " + chunkCount
          + " chunks stored");
    }
    List<CommitChunk> chunks = new ArrayList<>(stored.values());
    try {
      return commitOnce(chunks, c, size);
    } catch (NotFoundException e) {
      String parent = parentOf(path);
      if (parent == null) {
        throw e;
      }
      // The parent is missing: create it (and its parents), then commit as a new operation.
      ctx.master().call(new MkdirRequest(ctx.clientId(), ctx.nextOpId(), parent, true),
          StatResponse.class, parent);
      return commitOnce(chunks, c, size);
    }
  }

  private FileEntry commitOnce(List<CommitChunk> chunks, FileCodec c, long size)
      throws GranaryException {
    // One opId for every retry of this commit: the master's retry cache then answers a retry of
    // an applied commit with its original reply instead of "already exists".
    // A spare only for a writer of data: one creating empty files would never use it.
    CommitFileRequest req = new CommitFileRequest(ctx.clientId(), ctx.nextOpId(), path,
        options.overwrite(), options.replication(), options.chunkSize(), chunks,
        chunks.isEmpty() ? 0 : options.replication() == CommitFileRequest.INHERIT
            ? CommitFileRequest.SPARE_AS_FILE : options.replication(),
        c == null ? FileEncoding.PLAIN : c.encoding(), c == null ? -1 : size);
    long sent = System.nanoTime();
    CommitFileResponse r = ctx.master().call(req, CommitFileResponse.class, path);
    ctx.leases().contacted(sent);
    handles.clear();
    ctx.spare().offer(r.spare(), options.replication(), parentOf(path));
    ctx.locations().invalidate(path);
    return r.file();
  }

  static String parentOf(String path) {
    int i = path.lastIndexOf('/');
    return i <= 0 ? null : path.substring(0, i);
  }

  private CommitChunk writeChunk(int index, ChunkSource source) throws GranaryException {
    Set<String> excluded = new LinkedHashSet<>();
    RetryPolicy.Attempts attempts = ctx.retry().start();
    String what = path + ": chunk " + index;
    Throwable last = null;
    while (!aborted) {
      AllocateChunkResponse alloc = excluded.isEmpty() ? ctx.spare().take(options.replication(),
          parentOf(path)) : null;
      try {
        if (alloc == null) {
          long sent = System.nanoTime();
          alloc = ctx.master().call(new AllocateChunkRequest(ctx.clientId(), path,
              options.replication(), List.copyOf(excluded)), AllocateChunkResponse.class, path,
              excluded.isEmpty() ? Set.of() : SHORT_OF_NODES);
          ctx.leases().contacted(sent);
        }
      } catch (UnavailableException e) {
        if (excluded.isEmpty() || attempts.expired()) {
          throw e;
        }
        log.debug("{}: {}: allocation excluding {} failed; forgetting exclusions: {}",
            ctx.clientId(), what, excluded, e.getMessage());
        excluded.clear();
        last = e;
        if (!backoff(attempts, what)) {
          break;
        }
        continue;
      }
      if (alloc.pipeline().isEmpty()) {
        throw new InternalException(what + ": master allocated an empty pipeline");
      }
      handles.add(alloc.handle());
      ctx.leases().hold(this);
      NodeAddress first = alloc.pipeline().get(0);
      AtomicLong sent = new AtomicLong();
      Connection conn = null;
      boolean fannedOut = source.length() <= FanOutWriter.MAX_LENGTH;
      try {
        if (fannedOut) {
          WriteDone done = fanOut.write(alloc, source, attempts.remaining());
          progress.add(done.length());
          return commitOf(done);
        }
        conn = ctx.pool().get(first.host(), first.port(), attempts.remaining());
        WriteDone done = streamer.write(conn, alloc, source, delta -> {
          sent.addAndGet(delta);
          progress.add(delta);
        });
        return commitOf(done);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnavailableException(what + ": interrupted", e);
      } catch (IOException e) {
        if (!Errors.isConnectionFailure(e)) {
          // Not the network: the local data could not be read, and a retry would not help.
          throw new InternalException(what + ": reading local data failed: " + e.getMessage(), e);
        }
        last = e;
      } catch (Exception e) {
        last = Errors.unwrap(e);
      }
      progress.add(-sent.get());
      handles.remove(alloc.handle()); // abandoned: what reached the chunkservers is garbage
      if (!Errors.isTransient(last) && Errors.statusOf(last) != Status.INTEGRITY) {
        throw Errors.map(last, what);
      }
      String bad = fannedOut ? FanOutWriter.failedNode(last)
          : failedNode(alloc.pipeline(), last, conn == null);
      if (bad != null) {
        excluded.add(bad);
      }
      if (conn != null && last instanceof java.util.concurrent.TimeoutException) {
        ctx.pool().discard(conn);
      }
      log.info("{}: {} via {} failed: {}; retrying on a fresh pipeline excluding {}",
          ctx.clientId(), what, alloc.pipeline(), Errors.describe(last), excluded);
      if (!backoff(attempts, what)) {
        break;
      }
    }
    if (aborted) {
      throw new UnavailableException(what + ": upload aborted");
    }
    throw new UnavailableException(what + " could not be stored within "
        + ctx.retry().timeout().toMillis() + " ms: "
        + (last == null ? "no pipeline" : Errors.describe(last)), last);
  }

  /** The chunk as the master is told it at commit: what the pipeline stored and checked. */
  private static CommitChunk commitOf(WriteDone done) {
    return new CommitChunk(done.handle(), done.version(), done.length(), done.digest(),
        done.nodeIds(), done.sha256());
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

  /** The id of the node to exclude after {@code failure}, or null to exclude none. */
  private static String failedNode(List<NodeAddress> pipeline, Throwable failure,
      boolean dialFailed) {
    NodeAddress first = pipeline.get(0);
    Status s = Errors.statusOf(failure);
    if (s == null) {
      // The connection to the first node failed (dial, reset, stall): that is the node we know.
      return first.id();
    }
    if (s == Status.PIPELINE_FAILED || s == Status.INTEGRITY || s == Status.NO_SPACE
        || s == Status.BUSY) {
      String detail = ((dev.granary.wire.net.RemoteException) failure).detail();
      if (detail.isEmpty()) {
        return first.id();
      }
      for (NodeAddress n : pipeline) {
        if (n.id().equals(detail) || n.hostPort().equals(detail)) {
          return n.id();
        }
      }
      return detail;
    }
    return dialFailed ? first.id() : null;
  }
}
