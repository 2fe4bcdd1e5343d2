package dev.granary.client.fake;

import dev.granary.wire.Role;
import dev.granary.wire.Sha256;
import dev.granary.wire.Compression;
import dev.granary.wire.Status;
import dev.granary.wire.msg.AllocateChunkRequest;
import dev.granary.wire.msg.AllocateChunkResponse;
import dev.granary.wire.msg.ChunkLocation;
import dev.granary.wire.msg.ClusterStatusRequest;
import dev.granary.wire.msg.ServerDefaultsRequest;
import dev.granary.wire.msg.ServerDefaultsResponse;
import dev.granary.wire.msg.ClusterStatusResponse;
import dev.granary.wire.msg.ChunkMatchRequest;
import dev.granary.wire.msg.ChunkMatchResponse;
import dev.granary.wire.msg.CommitChunk;
import dev.granary.wire.msg.CommitFileRequest;
import dev.granary.wire.msg.CommitFileResponse;
import dev.granary.wire.msg.DeleteRequest;
import dev.granary.wire.msg.DeleteResponse;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.FsckRequest;
import dev.granary.wire.msg.FsckResponse;
import dev.granary.wire.msg.ListRequest;
import dev.granary.wire.msg.ListResponse;
import dev.granary.wire.msg.LookupRequest;
import dev.granary.wire.msg.LookupResponse;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.MkdirRequest;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.msg.NodeStatus;
import dev.granary.wire.msg.Ok;
import dev.granary.wire.msg.RenameRequest;
import dev.granary.wire.msg.RenewLeaseRequest;
import dev.granary.wire.msg.RenewLeaseResponse;
import dev.granary.wire.msg.ReportBadReplicaRequest;
import dev.granary.wire.msg.StatRequest;
import dev.granary.wire.msg.WriteCheckRequest;
import dev.granary.wire.msg.WriteCheckResponse;
import dev.granary.wire.msg.StatResponse;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * An in-memory master: a namespace map, chunk allocation over the fake chunkservers, a retry cache
 * keyed by (clientId, opId), and hooks to inject failures. Requests run on the event loop; state is
 * guarded by this object's monitor.
 */
public final class FakeMaster extends FakeServer {
  private record Chunk(long handle, long version, long length, List<String> nodeIds,
      Sha256 sha256) {}

  private record Node(FileEntry entry, List<Chunk> chunks) {}

  private final List<FakeChunkserver> chunkservers;
  private static final int MIN_REPLICAS = 2;
  /** The replication the fake gives a file whose writer leaves it to the master. */
  private static final int DEFAULT_REPLICATION = 3;
  private final TreeMap<String, Node> namespace = new TreeMap<>();
  private final Map<String, Message> retryCache = new ConcurrentHashMap<>();
  private final AtomicLong nextHandle = new AtomicLong(0x1000);
  /** Every allocation request, in order. */
  public final List<AllocateChunkRequest> allocations = new CopyOnWriteArrayList<>();
  /** Every commit request, in order (retries included). */
  public final List<CommitFileRequest> commits = new CopyOnWriteArrayList<>();
  /** Spare allocations handed out with commit answers (null where none could be placed). */
  public final List<AllocateChunkResponse> spares = new CopyOnWriteArrayList<>();
  /** Whether commits that ask for a spare allocation get one (as the real master does). */
  public volatile boolean handSpares = true;
  /** Every bad-replica report. */
  public final List<ReportBadReplicaRequest> badReplicas = new CopyOnWriteArrayList<>();
  public final AtomicInteger lookups = new AtomicInteger();
  /** Paths whose stat is answered with this status (error-mapping tests). */
  public final Map<String, Status> statErrors = new ConcurrentHashMap<>();
  private final AtomicInteger dropCommitReplies = new AtomicInteger();
  private final AtomicInteger serverDefaultsRequests = new AtomicInteger();
  /** Every lease renewal, in order. */
  public final List<RenewLeaseRequest> renewals = new CopyOnWriteArrayList<>();
  /** The renew period the fake master tells clients. */
  public volatile long renewPeriodMillis = 30_000;
  private volatile int listPageSize = 1000;
  /**
   * Consulted before the fake's own handling: an answer, or null to let the fake answer. For tests
   * of messages the fake does not model (they may call {@link #answer} for the fake's answer to
   * another request).
   */
  public volatile Function<Message, Message> interceptor = m -> null;

  public FakeMaster(EventLoopGroup group, List<FakeChunkserver> chunkservers) {
    super(group, Role.MASTER, "fake-master");
    this.chunkservers = chunkservers;
    namespace.put("/", new Node(new FileEntry("/", true, 0, 1, 0, 0, 0), List.of()));
  }

  /** The next {@code n} commits are applied but their reply is lost (the connection drops). */
  public void dropCommitReplies(int n) {
    dropCommitReplies.set(n);
  }

  public void listPageSize(int n) {
    listPageSize = n;
  }

  /** Handles of a file's chunks, in order. */
  public synchronized List<Long> handles(String path) {
    List<Long> out = new ArrayList<>();
    for (Chunk c : namespace.get(path).chunks()) {
      out.add(c.handle());
    }
    return out;
  }

  @Override
  protected void onRequest(ChannelHandlerContext ctx, long id, Message m) {
    Message answer;
    synchronized (this) {
      answer = handle(ctx, m);
    }
    if (answer != null) {
      reply(ctx, id, answer);
    }
  }

  /** A pipeline of the first live chunkservers outside {@code exclude}; null if there is none. */
  private AllocateChunkResponse allocate(int requested, List<String> exclude) {
    int replication = replication(requested);
    List<NodeAddress> pipeline = new ArrayList<>();
    for (FakeChunkserver c : chunkservers) {
      if (c.liveForMaster() && !exclude.contains(c.id()) && pipeline.size() < replication) {
        pipeline.add(c.address());
      }
    }
    return pipeline.isEmpty() ? null
        : new AllocateChunkResponse(nextHandle.getAndIncrement(), 1, pipeline);
  }

  /** The replication a real master gives a file when asked for {@code requested} (0: choose). */
  private static int replication(int requested) {
    return requested > 0 ? requested : DEFAULT_REPLICATION;
  }

  /** The fake's answer to {@code m}, as a client would get it (for an {@link #interceptor}). */
  public synchronized Message answer(Message m) {
    return handle(null, m);
  }

  private Message handle(ChannelHandlerContext ctx, Message m) {
    Message intercepted = interceptor.apply(m);
    if (intercepted != null) {
      return intercepted;
    }
    if (m instanceof AllocateChunkRequest a) {
      allocations.add(a);
      AllocateChunkResponse r = allocate(a.replication(), a.excludeNodeIds());
      return r != null ? r
          : error(Status.UNAVAILABLE, "no live chunkserver outside " + a.excludeNodeIds());
    }
    if (m instanceof CommitFileRequest c) {
      commits.add(c);
      String key = c.clientId() + "/" + c.opId();
      Message cached = retryCache.get(key);
      if (cached != null) {
        return cached;
      }
      Message result = commit(c);
      retryCache.put(key, result);
      int spareReplication = c.spareReplication() == CommitFileRequest.SPARE_AS_FILE
          ? replication(c.replication()) : c.spareReplication();
      if (result instanceof CommitFileResponse r && spareReplication > 0 && handSpares) {
        AllocateChunkResponse spare = allocate(spareReplication, List.of());
        spares.add(spare);
        result = new CommitFileResponse(r.file(), spare);
      }
      if (dropCommitReplies.getAndUpdate(v -> Math.max(0, v - 1)) > 0) {
        ctx.close();
        return null;
      }
      return result;
    }
    if (m instanceof ChunkMatchRequest q) {
      // As the real master without deduplication: chunks of the file there now.
      Node existing = namespace.get(q.path());
      List<ChunkMatchResponse.ChunkMatch> matches = new ArrayList<>();
      for (int i = 0; existing != null && i < q.chunks().size(); i++) {
        ChunkMatchRequest.ChunkDigest d = q.chunks().get(i);
        for (Chunk h : existing.chunks()) {
          if (h.length() == d.length() && h.sha256().equals(d.sha256())
              && !d.sha256().isNone()) {
            matches.add(new ChunkMatchResponse.ChunkMatch(q.firstIndex() + i, h.handle(),
                h.version(), h.length(), 0));
            break;
          }
        }
      }
      return new ChunkMatchResponse(matches);
    }
    if (m instanceof LookupRequest l) {
      lookups.incrementAndGet();
      Node n = namespace.get(l.path());
      if (n == null) {
        return error(Status.NOT_FOUND, l.path() + ": no such file or directory");
      }
      List<ChunkLocation> locs = new ArrayList<>();
      for (int i = l.firstChunk(); i < n.chunks().size() && locs.size() < l.maxChunks(); i++) {
        Chunk c = n.chunks().get(i);
        List<NodeAddress> replicas = new ArrayList<>();
        for (String nodeId : c.nodeIds()) {
          for (FakeChunkserver s : chunkservers) {
            if (s.id().equals(nodeId)) {
              replicas.add(s.address());
            }
          }
        }
        locs.add(new ChunkLocation(i, c.handle(), c.version(), c.length(), replicas,
            c.sha256()));
      }
      return new LookupResponse(n.entry(), locs, true);
    }
    if (m instanceof WriteCheckRequest w) {
      // As the real master: a STAT that finds nothing is no error here; no policies.
      Status injected = statErrors.get(w.path());
      if (injected != null) {
        return error(injected, w.path() + ": injected " + injected);
      }
      Node n = namespace.get(w.path());
      return new WriteCheckResponse(n == null ? null : n.entry(), Compression.NONE, false);
    }
    if (m instanceof StatRequest s) {
      Status injected = statErrors.get(s.path());
      if (injected != null) {
        return error(injected, s.path() + ": injected " + injected);
      }
      Node n = namespace.get(s.path());
      return n == null ? error(Status.NOT_FOUND, s.path() + ": no such file or directory")
          : new StatResponse(n.entry());
    }
    if (m instanceof ListRequest l) {
      Node n = namespace.get(l.path());
      if (n == null) {
        return error(Status.NOT_FOUND, l.path() + ": no such file or directory");
      }
      if (!n.entry().directory()) {
        return new ListResponse(List.of(n.entry()), false);
      }
      List<FileEntry> page = new ArrayList<>();
      boolean more = false;
      for (Node child : namespace.tailMap(l.path(), false).values()) {
        FileEntry e = child.entry();
        if (!parent(e.path()).equals(l.path()) || e.name().compareTo(l.startAfter()) <= 0) {
          continue;
        }
        if (page.size() == Math.min(l.limit(), listPageSize)) {
          more = true;
          break;
        }
        page.add(e);
      }
      return new ListResponse(page, more);
    }
    if (m instanceof MkdirRequest k) {
      Message cached = retryCache.get(k.clientId() + "/" + k.opId());
      if (cached != null) {
        return cached;
      }
      Message r = mkdir(k.path(), k.parents());
      retryCache.put(k.clientId() + "/" + k.opId(), r);
      return r;
    }
    if (m instanceof DeleteRequest d) {
      Node n = namespace.get(d.path());
      if (n == null) {
        return error(Status.NOT_FOUND, d.path() + ": no such file or directory");
      }
      List<String> doomed = new ArrayList<>();
      for (String p : namespace.tailMap(d.path(), true).keySet()) {
        if (p.equals(d.path()) || p.startsWith(d.path() + "/")) {
          doomed.add(p);
        }
      }
      if (doomed.size() > 1 && !d.recursive()) {
        return error(Status.NOT_EMPTY, d.path() + ": directory not empty");
      }
      long files = 0;
      long dirs = 0;
      for (String p : doomed) {
        if (namespace.remove(p).entry().directory()) {
          dirs++;
        } else {
          files++;
        }
      }
      return new DeleteResponse(files, dirs);
    }
    if (m instanceof RenameRequest r) {
      Node n = namespace.remove(r.source());
      if (n == null) {
        return error(Status.NOT_FOUND, r.source() + ": no such file or directory");
      }
      FileEntry e = n.entry();
      FileEntry moved = new FileEntry(r.destination(), e.directory(), e.size(),
          e.modifiedMillis(), e.replication(), e.chunkSize(), e.chunkCount());
      namespace.put(r.destination(), new Node(moved, n.chunks()));
      return new StatResponse(moved);
    }
    if (m instanceof ReportBadReplicaRequest b) {
      badReplicas.add(b);
      return new Ok();
    }
    if (m instanceof RenewLeaseRequest r) {
      renewals.add(r);
      return new RenewLeaseResponse(renewPeriodMillis, renewPeriodMillis * 4, List.of());
    }
    if (m instanceof ServerDefaultsRequest) {
      serverDefaultsRequests.incrementAndGet();
      return new ServerDefaultsResponse(64L << 20, DEFAULT_REPLICATION, MIN_REPLICAS);
    }
    if (m instanceof ClusterStatusRequest) {
      List<NodeStatus> nodes = new ArrayList<>();
      for (FakeChunkserver c : chunkservers) {
        nodes.add(new NodeStatus(c.id(), "127.0.0.1", Math.max(1, c.port()),
            c.running() ? "LIVE" : "DEAD", 0, 1 << 30, 1 << 30, c.replicaCount(), 5, 0));
      }
      return new ClusterStatusResponse(id(), nodes, namespace.size() - 1, 1, 0, 0, 0, 0, 0, 0, 0,
          true, 1234, "fake-cluster", 0);
    }
    if (m instanceof FsckRequest f) {
      return new FsckResponse(1, 2, 2, 0, 0, 0, 0, 0, 0, true, "HEALTHY",
          List.of("fsck of " + f.path()), 0);
    }
    return error(Status.INVALID_ARGUMENT, "fake master: unexpected " + m.type());
  }

  private Message commit(CommitFileRequest c) {
    Node parent = namespace.get(parent(c.path()));
    if (parent == null) {
      return error(Status.NOT_FOUND, parent(c.path()) + ": no such file or directory");
    }
    Node existing = namespace.get(c.path());
    if (existing != null && existing.entry().directory()) {
      return error(Status.IS_A_DIRECTORY, c.path() + ": is a directory");
    }
    if (existing != null && !c.overwrite()) {
      return error(Status.ALREADY_EXISTS, c.path() + ": file exists");
    }
    long size = 0;
    List<Chunk> chunks = new ArrayList<>();
    for (CommitChunk cc : c.chunks()) {
      if (cc.replicaIds().isEmpty()) {
        // A chunk the writer reuses (a delta update): as the real master, only one of the file
        // being replaced, with the same length and SHA-256; gone is CHUNK_GONE.
        Chunk held = existing == null ? null : existing.chunks().stream()
            .filter(h -> h.handle() == cc.handle()).findFirst().orElse(null);
        if (held == null) {
          return error(Status.CHUNK_GONE, "chunk " + cc.handle() + " of '" + c.path()
              + "' is no longer held by anything; send its bytes");
        }
        if (held.length() != cc.length() || !held.sha256().equals(cc.sha256())) {
          return error(Status.INVALID_ARGUMENT, "chunk " + cc.handle() + " of '" + c.path()
              + "' does not have the content the commit claims for it");
        }
        size += held.length();
        chunks.add(held);
        continue;
      }
      // As the real master: locations are the replicas chunkservers report, never the commit's
      // word alone (the named ones first, in the commit's order).
      List<String> confirmed = new ArrayList<>();
      for (String id : cc.replicaIds()) {
        if (reported(id, cc)) {
          confirmed.add(id);
        }
      }
      for (FakeChunkserver cs : chunkservers) {
        if (!confirmed.contains(cs.id()) && reported(cs.id(), cc)) {
          confirmed.add(cs.id());
        }
      }
      int need = Math.min(MIN_REPLICAS, replication(c.replication()));
      if (confirmed.size() < need) {
        return error(Status.UNAVAILABLE, "chunk " + cc.handle() + " of '" + c.path() + "' has "
            + confirmed.size() + " replicas confirmed by chunkserver reports (need at least "
            + need + ")");
      }
      size += cc.length();
      chunks.add(new Chunk(cc.handle(), cc.version(), cc.length(), confirmed, cc.sha256()));
    }
    FileEntry e = new FileEntry(c.path(), false, size, System.currentTimeMillis(),
        replication(c.replication()), c.chunkSize(), chunks.size());
    namespace.put(c.path(), new Node(e, chunks));
    return new CommitFileResponse(e);
  }

  private boolean reported(String id, CommitChunk cc) {
    for (FakeChunkserver cs : chunkservers) {
      if (cs.id().equals(id)) {
        return cs.reports(cc.handle(), cc.version(), cc.length(), cc.digest());
      }
    }
    return false;
  }

  private Message mkdir(String path, boolean parents) {
    Node n = namespace.get(path);
    if (n != null) {
      return parents && n.entry().directory() ? new StatResponse(n.entry())
          : error(Status.ALREADY_EXISTS, path + ": file exists");
    }
    if (!namespace.containsKey(parent(path))) {
      if (!parents) {
        return error(Status.NOT_FOUND, parent(path) + ": no such file or directory");
      }
      Message p = mkdir(parent(path), true);
      if (p instanceof ErrorReply) {
        return p;
      }
    }
    FileEntry e = new FileEntry(path, true, 0, System.currentTimeMillis(), 0, 0, 0);
    namespace.put(path, new Node(e, List.of()));
    return new StatResponse(e);
  }

  private static String parent(String path) {
    int i = path.lastIndexOf('/');
    return i <= 0 ? "/" : path.substring(0, i);
  }

  private static ErrorReply error(Status s, String message) {
    return new ErrorReply(s, message, "");
  }

  /** How many times a client asked for the cluster's defaults. */
  public int serverDefaultsRequests() {
    return serverDefaultsRequests.get();
  }
}
