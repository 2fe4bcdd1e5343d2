package dev.granary.master;

import dev.granary.master.journal.Journal;
import dev.granary.master.journal.MetadataStore;
import dev.granary.master.journal.Op;
import dev.granary.master.journal.OpApplier;
import dev.granary.master.namespace.ChunkRecord;
import dev.granary.master.namespace.FileNode;
import dev.granary.master.namespace.MetadataException;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.master.namespace.Namespace;
import dev.granary.master.namespace.Paths;
import dev.granary.master.namespace.RetryCache;
import dev.granary.master.replication.ChunkManager;
import dev.granary.master.security.Caller;
import dev.granary.master.security.UserRegistry;
import dev.granary.master.state.MasterState;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Limits;
import dev.granary.wire.Sha256;
import dev.granary.wire.Status;
import dev.granary.wire.msg.AllocateChunkRequest;
import dev.granary.wire.msg.AllocateChunkResponse;
import dev.granary.wire.msg.ChunkLocation;
import dev.granary.wire.msg.ChunkMatchRequest;
import dev.granary.wire.msg.ChunkMatchResponse;
import dev.granary.wire.msg.CommitChunk;
import dev.granary.wire.msg.CommitFileRequest;
import dev.granary.wire.msg.CommitFileResponse;
import dev.granary.wire.msg.LookupResponse;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.msg.RenewLeaseRequest;
import dev.granary.wire.msg.RenewLeaseResponse;
import dev.granary.wire.msg.SetAttributesRequest;
import dev.granary.wire.msg.SetAttributesResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Executes the namespace requests: validates, applies the operation to the in-memory image,
 * appends it to the operation log and answers once the record is durable (the caller attaches the
 * reply to the returned future; nothing here blocks on disk). Mutations are keyed by
 * (client id, op id) in the retry cache; a retry is answered from it. Replicas of chunks that a
 * mutation made garbage are deleted only after that mutation is durable, so a crash can never leave
 * a file whose replicas were already removed.
 *
 * <p>Design note: durable before visible. The image runs ahead of the disk by the records not yet
 * forced, so a read computes its answer under the read lock and sends it only once the journal's
 * {@link Journal#barrier barrier} taken at the same moment completes: once every record it could
 * have seen is durable. Refusals (NOT_FOUND after a pending delete) wait the same way. With nothing
 * pending the barrier is null and the read answers at once (meta_stat's fast path: one more
 * volatile load). If the log fails instead, {@link MetadataStore} undoes the records that were not
 * made durable before the barrier fails, and the read is asked again of the restored image; so a
 * mutation refused with "master is read-only" leaves no trace, before or after a restart. While
 * read-only every mutation, chunk allocation included, is refused under the write lock (the same
 * lock the undo takes), and a retried mutation whose record was undone runs anew.
 *
 * <p>Thread-safe: mutations run under {@link MasterState#write}, reads under {@link MasterState#read}.
 */
public final class MetadataService {
  /** Handles reserved per log record, so allocation is not an fsync per chunk. */
  static final long RESERVE_BLOCK = 10_000;
  /**
   * How long a commit waits for chunkserver reports of its replicas: they are sent as each replica
   * is stored, so this only covers a report delayed by a busy or reconnecting chunkserver.
   */
  static final Duration REPORT_WAIT = Duration.ofSeconds(5);

  private final MetadataStore store;
  private final MetadataImage image;
  private final Journal journal;
  private final ChunkManager chunks;
  private final Clock clock;
  private final MasterState state;
  private final int defaultReplication;
  private long nextHandle;
  /** Completes when the newest handle reservation is on disk; handles in it wait for it. */
  private CompletableFuture<Void> reservationDurable = CompletableFuture.completedFuture(null);

  /**
   * @param defaultReplication the replication of a file whose writer leaves it to the master and
   *     no directory policy sets (the master's {@code replication})
   */
  public MetadataService(MasterState state, MetadataStore store, ChunkManager chunks,
      Clock clock, int defaultReplication) {
    this.defaultReplication = defaultReplication;
    this.state = state;
    this.store = store;
    this.image = state.image();
    this.journal = store.journal();
    this.chunks = chunks;
    this.clock = clock;
    // Handles up to the reservation may have been handed out before a crash: skip them all.
    this.nextHandle = image.reservedUpTo() + 1;
  }

  private Namespace ns() {
    return image.namespace();
  }

  // ------------------------------------------------------------------ reads

  /** A file's entry and chunks, for reading: {@code caller} needs read on it. */
  public CompletableFuture<Message> lookup(String path, int firstChunk, int maxChunks,
      Caller caller) {
    return lookup(path, 0, firstChunk, maxChunks, caller);
  }

  /** As {@link #lookup(String, int, int, Caller)}, of kept version {@code version} (0: current). */
  public CompletableFuture<Message> lookup(String path, long version, int firstChunk,
      int maxChunks, Caller caller) {
    return read(() -> {
      Namespace.ResolvedFile r = ns().fileVersion(path, version, caller);
      FileNode f = r.file();
      int end = (int) Math.min(f.chunkCount(),
          (long) firstChunk + Math.min(maxChunks, Limits.MAX_LOOKUP_CHUNKS));
      List<ChunkLocation> out = new ArrayList<>(Math.max(0, end - firstChunk));
      List<ChunkRecord> records = ns().chunks(f);
      for (int i = firstChunk; i < end; i++) {
        ChunkRecord c = records.get(i);
        out.add(new ChunkLocation(i, c.handle(), c.version(), c.length(),
            chunks.liveLocations(c.handle()), c.sha256()));
      }
      return new LookupResponse(r.entry(), out, chunks.locationsComplete());
    });
  }

  /** Whether the master refuses mutations because it cannot write its operation log. */
  public boolean readOnly() {
    return store.readOnly();
  }

  /**
   * Answers {@code query} (run under the metadata read lock; it may take the lock again) once
   * every record applied before it is durable: for any answer drawn from the namespace.
   *
   * @throws MetadataException what {@code query} throws, at once when nothing is pending
   */
  public CompletableFuture<Message> read(Supplier<Message> query) {
    return read(query, true);
  }

  /** {@link #read(Supplier)} of a query of the namespace. */
  public CompletableFuture<Message> read(Function<Namespace, Message> query) {
    return read(() -> query.apply(ns()), true);
  }

  /** A read's answer or refusal, and the barrier it waits for (null: nothing pending). */
  private record Answer(Message reply, RuntimeException refused, CompletableFuture<Void> barrier) {}

  private CompletableFuture<Message> read(Supplier<Message> query, boolean again) {
    store.checkReadable();
    Answer answer = state.read(() -> {
      Message reply = null;
      RuntimeException refused = null;
      try {
        reply = query.get();
      } catch (RuntimeException e) {
        refused = e;
      }
      return new Answer(reply, refused, journal.barrier());
    });
    CompletableFuture<Void> barrier = answer.barrier();
    Message r = answer.reply();
    RuntimeException x = answer.refused();
    if (barrier == null) {
      if (x != null) {
        throw x;
      }
      return CompletableFuture.completedFuture(r);
    }
    return barrier.handle((v, t) -> t).thenCompose(t -> {
      if (t == null) {
        return x == null ? CompletableFuture.completedFuture(r) : CompletableFuture.failedFuture(x);
      }
      // The log failed first and what the answer saw is undone now: ask the restored image.
      return again ? read(query, false) : CompletableFuture.failedFuture(store.refusal());
    });
  }

  // ------------------------------------------------------------------ chunk allocation

  /**
   * A new handle (never used before, even across restarts) and a pipeline, for writing
   * {@code r.path()}: {@code caller} needs write and execute where the file will be created.
   *
   * @throws MetadataException UNAVAILABLE if too few chunkservers are eligible; DENIED
   */
  public CompletableFuture<Message> allocate(AllocateChunkRequest r, Caller caller) {
    Paths.parse(r.path());
    int replication = state.read(() -> {
      ns().checkCreate(r.path(), caller);
      return replicationFor(r.path(), r.replication());
    });
    return allocate(r.clientId(), replication, r.excludeNodeIds())
        .thenApply(Message.class::cast);
  }

  /**
   * The replication of a file at {@code path} whose writer asked for {@code requested}: that, or
   * for 0 the nearest directory policy's, else the cluster's default. Under the metadata lock.
   */
  private int replicationFor(String path, int requested) {
    if (requested > 0) {
      return requested;
    }
    int policy = ns().policyReplication(path);
    return policy > 0 ? policy : defaultReplication;
  }

  private CompletableFuture<AllocateChunkResponse> allocate(String clientId, int replication,
      List<String> exclude) {
    store.checkWritable();
    List<NodeAddress> pipeline = chunks.choosePipeline(replication, exclude);
    return state.write(() -> {
      store.checkWritable();
      long handle = nextHandle++;
      if (handle > image.reservedUpTo()) {
        // Past an undone reservation, nextHandle may be beyond the durable one's block.
        Op op = new Op.Reserve(clock.millis(),
            Math.max(image.reservedUpTo(), handle - 1) + RESERVE_BLOCK);
        OpApplier.apply(image, op);
        reservationDurable = journal.append(op);
      }
      // Even a handle inside the block must not be handed out before the block is durable.
      CompletableFuture<Void> durable = reservationDurable;
      chunks.allocated(clientId, handle, pipeline);
      return durable.thenApply(v -> new AllocateChunkResponse(handle, 1, pipeline));
    });
  }

  /**
   * Adds a spare allocation to a successful commit's answer, for the writer's next file: one
   * round trip to the master fewer per file for a client writing many small files. Without one
   * (no nodes to place it on, the reservation failed), the answer goes out as it is and the client
   * allocates for itself; a handle allocated for a commit that then failed is never written, and
   * its pending protection simply expires.
   */
  private CompletableFuture<Message> withSpare(CompletableFuture<Message> commit,
      String clientId, int replication) {
    CompletableFuture<AllocateChunkResponse> spare;
    try {
      spare = allocate(clientId, replication, List.of());
    } catch (MetadataException e) {
      return commit;
    }
    return commit.thenCombine(spare.handle((a, t) -> t == null ? a : null),
        (m, a) -> m instanceof CommitFileResponse c && a != null
            ? new CommitFileResponse(c.file(), a) : m);
  }

  // ------------------------------------------------------------------ mutations

  /**
   * Commits a file. Its chunks' locations are the replicas chunkservers have reported, never the
   * request's word alone: if reports have not yet confirmed enough replicas of every chunk, the
   * commit waits for them (asynchronously, without the lock) up to {@link #REPORT_WAIT}, then
   * fails UNAVAILABLE naming the chunk. A chunk whose writer's lease expired fails LEASE_EXPIRED.
   * The file belongs to {@code caller}, who needs write and execute where it is created.
   */
  public CompletableFuture<Message> commit(CommitFileRequest r, Caller caller) {
    // Either the answer to a retry or the wait for reports, decided under one write lock.
    Admitted admitted = state.write(() -> {
      CompletableFuture<Message> cached = cached(r.clientId(), r.opId());
      if (cached != null) {
        return new Admitted(cached, null, 0);
      }
      store.checkWritable();
      validate(r);
      // Refused before waiting for replica reports; checked again when it is applied.
      ns().checkCreate(r.path(), caller);
      ns().checkEncryptPolicy(r.path(), r.encoding());
      int replication = replicationFor(r.path(), r.replication());
      // A chunk named with no replicas is one the file reuses: already held, nothing to confirm.
      return new Admitted(null, chunks.awaitConfirmed(r.clientId(), r.path(), written(r),
          replication, REPORT_WAIT), replication);
    });
    if (admitted.cached() != null) {
      return admitted.cached();
    }
    int replication = admitted.replication();
    CompletableFuture<Void> confirmed = admitted.confirmed();
    CompletableFuture<Message> done = confirmed.isDone()
        ? commitConfirmed(r, replication, caller)
        : confirmed.thenCompose(v -> commitConfirmed(r, replication, caller));
    int spare = r.spareReplication() == CommitFileRequest.SPARE_AS_FILE ? replication
        : r.spareReplication();
    return spare > 0 ? withSpare(done, r.clientId(), spare) : done;
  }

  /**
   * A commit admitted: the answer to a retry, or the wait for its chunks' reports and the
   * replication the file gets.
   */
  private record Admitted(CompletableFuture<Message> cached, CompletableFuture<Void> confirmed,
      int replication) {}

  /** The chunks of {@code r} it wrote (named with their replicas), not the ones it reuses. */
  private static List<CommitChunk> written(CommitFileRequest r) {
    return r.chunks().stream().filter(c -> !c.replicaIds().isEmpty()).toList();
  }

  /**
   * Which chunks a writer of {@code r.path()} may name instead of sending them: the file's current
   * chunks and kept versions, and with deduplication the caller's own (CHUNK_MATCH).
   */
  public CompletableFuture<Message> matchChunks(ChunkMatchRequest r, Caller caller) {
    return read(() -> {
      List<Long> lengths = new ArrayList<>(r.chunks().size());
      List<Sha256> digests = new ArrayList<>(r.chunks().size());
      for (ChunkMatchRequest.ChunkDigest d : r.chunks()) {
        lengths.add(d.length());
        digests.add(d.sha256());
      }
      List<ChunkMatchResponse.ChunkMatch> out = new ArrayList<>();
      ns().matchChunks(r.path(), r.firstIndex(), lengths, digests, caller).forEach((i, c) ->
          out.add(new ChunkMatchResponse.ChunkMatch(i, c.handle(), c.version(), c.length(),
              c.digest())));
      return new ChunkMatchResponse(out);
    });
  }

  private void validate(CommitFileRequest r) {
    if (r.chunkSize() <= 0 && !r.chunks().isEmpty()) {
      throw new MetadataException(Status.INVALID_ARGUMENT, "chunk size " + r.chunkSize()
          + " of '" + r.path() + "' must be positive");
    }
    for (CommitChunk c : r.chunks()) {
      if (c.handle() <= 0 || c.handle() >= nextHandle) {
        throw new MetadataException(Status.INVALID_ARGUMENT, "chunk "
            + ChunkHandles.format(c.handle()) + " of '" + r.path()
            + "' was not allocated by this master");
      }
    }
    long stored = 0;
    for (CommitChunk c : r.chunks()) {
      stored += c.length();
    }
    Namespace.checkEncoding(r.path(), r.chunkSize(), r.chunks().size(), stored, r.encoding(),
        r.size());
  }

  /** The commit itself, once reports have confirmed its chunks (or the wait for them ran out). */
  private CompletableFuture<Message> commitConfirmed(CommitFileRequest r, int replication,
      Caller caller) {
    return state.write(() -> {
      CompletableFuture<Message> cached = cached(r.clientId(), r.opId());
      if (cached != null) {
        return cached;
      }
      store.checkWritable(); // the log may have failed while the commit waited for reports
      List<ChunkRecord> records = new ArrayList<>(r.chunks().size());
      java.util.Set<Long> reused = new java.util.HashSet<>();
      java.util.Set<Long> dedup = new java.util.HashSet<>();
      for (CommitChunk c : r.chunks()) {
        ChunkRecord record = new ChunkRecord(c.handle(), c.version(), c.length(), c.digest(),
            c.sha256());
        if (c.replicaIds().isEmpty()) {
          // A reused chunk's version and digest are the master's (the client may not know the
          // digest); its length and SHA-256 are the client's claim, checked when applied.
          ChunkRecord held = ns().chunk(c.handle());
          if (held != null) {
            record = new ChunkRecord(c.handle(), held.version(), c.length(), held.digest(),
                c.sha256());
          }
          reused.add(c.handle());
          if (ns().dedupMatches(caller.user(), record)) {
            dedup.add(c.handle());
          }
        } else {
          chunks.confirm(r.path(), c, replication);
        }
        records.add(record);
      }
      Op.Commit op = new Op.Commit(r.clientId(), r.opId(), clock.millis(), r.path(),
          r.overwrite(), replication, r.chunkSize(), records, caller.user(), caller.group(),
          reused, dedup, r.encoding(), r.size());
      return execute(op, caller, "commit", applied -> {
        for (CommitChunk c : written(r)) {
          chunks.committed(r.path(), c);
        }
      });
    });
  }

  /**
   * A write-lease renewal: renews the client's lease and re-learns its uncommitted handles
   * (GFS §3.1). The answer tells how often to renew and which handles are no longer kept.
   */
  public RenewLeaseResponse renewLease(RenewLeaseRequest r) {
    List<Long> released = chunks.renewLease(r.clientId(), r.handles());
    long timeout = chunks.leaseTimeout().toMillis();
    return new RenewLeaseResponse(renewPeriodMillis(timeout), timeout, released);
  }

  /**
   * How often a writer renews: a quarter of the lease timeout, so three renewals in a row may be
   * lost or late before the lease runs out.
   */
  static long renewPeriodMillis(long leaseTimeoutMillis) {
    return Math.max(1, leaseTimeoutMillis / 4);
  }

  /**
   * Executes a client's mutation {@code op} ({@code kind} names it in a failure record) for
   * {@code caller}, whose permissions are checked: answered from the retry cache for a retry, else
   * applied and logged, answered once durable. A refusal (DENIED too) is logged and answered.
   *
   * @throws MetadataException READ_ONLY while the log cannot be written
   */
  public CompletableFuture<Message> mutate(Op.Mutation op, Caller caller, String kind) {
    String clientId = op.clientId();
    long opId = op.opId();
    return state.write(() -> {
      CompletableFuture<Message> cached = cached(clientId, opId);
      if (cached != null) {
        return cached;
      }
      store.checkWritable();
      return execute(op, caller, kind, applied -> {});
    });
  }

  /**
   * chmod and chown: sets the permission (unless -1) and the owner and group (unless empty) of
   * {@code r.path()}, with {@code r.recursive()} of its subtree, for {@code caller}. Every entry is
   * checked before anything changes; the change is logged (one record for chown, one for chmod)
   * and answered with the number of entries changed once durable. Not kept in the retry cache:
   * setting the same attributes again changes nothing more.
   *
   * @throws MetadataException DENIED, NOT_FOUND, INVALID_ARGUMENT, READ_ONLY
   */
  public CompletableFuture<Message> setAttributes(SetAttributesRequest r, Caller caller) {
    return state.write(() -> {
      store.checkWritable();
      long now = clock.millis();
      List<Op> ops = new ArrayList<>(2);
      if (!r.owner().isEmpty() || !r.group().isEmpty()) {
        ops.add(new Op.SetOwner(now, r.path(), r.owner(), r.group(), r.recursive()));
      }
      if (r.permission() != SetAttributesRequest.UNCHANGED_PERMISSION) {
        ops.add(new Op.SetPermission(now, r.path(), r.permission(), r.recursive()));
      }
      if (ops.isEmpty()) {
        throw new MetadataException(Status.INVALID_ARGUMENT, "nothing to change on '"
            + r.path() + "': give a permission, an owner or a group");
      }
      long changed = 0;
      CompletableFuture<Void> durable = CompletableFuture.completedFuture(null);
      try {
        // Only the superuser may chown, and the superuser passes chmod's checks too: once the
        // first record applies, the second cannot be refused.
        for (Op op : ops) {
          Message reply = OpApplier.apply(image, op, caller).reply();
          changed = Math.max(changed, ((SetAttributesResponse) reply).entries());
          durable = journal.append(op);
        }
      } catch (MetadataException e) {
        // Refused on what the image shows, which may not be durable yet: answer once it is.
        CompletableFuture<Void> barrier = journal.barrier();
        return barrier == null ? CompletableFuture.<Message>failedFuture(e)
            : barrier.handle((v, t) -> (Message) null)
                .thenCompose(v -> CompletableFuture.<Message>failedFuture(e));
      }
      image.setLastSeq(journal.lastSeq());
      Message answer = new SetAttributesResponse(changed);
      return durable.thenApply(v -> answer);
    });
  }

  /**
   * Applies and logs {@code op}, an operation that is not a client's namespace mutation (a user
   * added or revoked): it has no retry-cache entry, and a refusal (the image's
   * {@link MetadataException}, or READ_ONLY) is thrown at once with nothing logged.
   *
   * @return completes once the record is durable
   */
  public CompletableFuture<Void> record(Op op) {
    return state.write(() -> {
      store.checkWritable();
      OpApplier.apply(image, op);
      CompletableFuture<Void> durable = journal.append(op);
      image.setLastSeq(journal.lastSeq());
      return durable;
    });
  }

  /**
   * Applies and logs {@code op} (a change that is not kept in the retry cache because repeating
   * it changes nothing more: a policy) for {@code caller}; answered with its reply once durable.
   * A refusal is answered once what the image showed is durable, as for chmod.
   */
  public CompletableFuture<Message> change(Op op, Caller caller) {
    return state.write(() -> {
      store.checkWritable();
      OpApplier.Applied applied;
      try {
        applied = OpApplier.apply(image, op, caller);
      } catch (MetadataException e) {
        CompletableFuture<Void> barrier = journal.barrier();
        return barrier == null ? CompletableFuture.<Message>failedFuture(e)
            : barrier.handle((v, t) -> (Message) null)
                .thenCompose(v -> CompletableFuture.<Message>failedFuture(e));
      }
      CompletableFuture<Void> durable = journal.append(op);
      image.setLastSeq(journal.lastSeq());
      Message reply = applied.reply();
      long[] garbage = applied.garbage();
      return durable.thenApply(v -> {
        chunks.garbage(garbage);
        return reply;
      });
    });
  }

  /**
   * Removes for good the trash entries that have expired by the log's clock (one record, so a
   * replay frees exactly what this master freed); nothing when none has.
   */
  public void expireTrash() {
    // Checked under the read lock first: the tick asks often, and there is rarely anything due.
    if (store.readOnly() || state.read(() -> ns().nextTrashExpiry()) > clock.millis()) {
      return;
    }
    state.write(() -> {
      long now = clock.millis();
      if (ns().nextTrashExpiry() > now) {
        return null;
      }
      return change(new Op.TrashExpire(now), Namespace.SYSTEM);
    });
  }

  /** The cluster's users (read without the lock: see {@link UserRegistry}). */
  public UserRegistry users() {
    return image.users();
  }

  /**
   * Answers a retried mutation as the original was answered, once that answer is durable; null if
   * there was no original, or its record was undone because the log failed (it runs anew).
   */
  private CompletableFuture<Message> cached(String clientId, long opId) {
    RetryCache.Entry e = image.retryCache().get(clientId, opId);
    if (e == null || e.durable() != null && e.durable().isCompletedExceptionally()) {
      return null;
    }
    CompletableFuture<Void> durable = e.durable() == null
        ? CompletableFuture.completedFuture(null) : e.durable();
    return durable.thenApply(v -> e.reply());
  }

  /**
   * Applies and logs {@code op} (or, if the namespace refuses it, a failure record so a retry gets
   * the same error). Called with the write lock held.
   */
  private CompletableFuture<Message> execute(Op op, Caller caller, String kind,
      java.util.function.Consumer<OpApplier.Applied> onApplied) {
    Op.Mutation m = (Op.Mutation) op;
    OpApplier.Applied applied;
    Op logged = op;
    try {
      applied = OpApplier.apply(image, op, caller);
      onApplied.accept(applied);
    } catch (MetadataException e) {
      logged = new Op.Failure(m.clientId(), m.opId(), op.time(), kind, e.status(),
          e.getMessage());
      applied = OpApplier.apply(image, logged);
    }
    CompletableFuture<Void> durable = journal.append(logged);
    image.retryCache().attach(m.clientId(), m.opId(), durable);
    image.setLastSeq(journal.lastSeq());
    long[] garbage = applied.garbage();
    Message reply = applied.reply();
    return durable.thenApply(v -> {
      chunks.garbage(garbage);
      return reply;
    });
  }
}
