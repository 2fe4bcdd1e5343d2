package dev.granary.client;

import dev.granary.client.internal.BlockCache;
import dev.granary.client.internal.BlockFetcher;
import dev.granary.client.internal.ClientContext;
import dev.granary.client.internal.ConnectionPool;
import dev.granary.client.internal.DirectPool;
import dev.granary.client.internal.FileReader;
import dev.granary.client.internal.FileRegionSource;
import dev.granary.wire.tls.Pem;
import dev.granary.wire.tls.TlsContexts;
import io.netty.handler.ssl.SslContext;
import java.security.cert.X509Certificate;
import dev.granary.client.internal.FileUpload;
import dev.granary.client.internal.LeaseRenewer;
import dev.granary.client.internal.LoadTracker;
import dev.granary.client.internal.LocationCache;
import dev.granary.client.internal.MasterClient;
import dev.granary.client.internal.MasterLogin;
import dev.granary.client.internal.Progress;
import dev.granary.client.internal.RetryPolicy;
import dev.granary.client.internal.SpareAllocation;
import dev.granary.client.internal.WriteBudget;
import dev.granary.config.ClientConfig;
import dev.granary.config.ConfigException;
import dev.granary.config.Credentials;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Limits;
import dev.granary.wire.PathLimits;
import dev.granary.wire.Status;
import dev.granary.wire.msg.AuthenticateRequest;
import dev.granary.wire.msg.AuthenticateResponse;
import dev.granary.wire.msg.ChunkLocation;
import dev.granary.wire.msg.ClusterStatusRequest;
import dev.granary.wire.msg.ClusterStatusResponse;
import dev.granary.wire.msg.BalanceRequest;
import dev.granary.wire.msg.BalanceResponse;
import dev.granary.wire.msg.DecommissionRequest;
import dev.granary.wire.msg.DecommissionResponse;
import dev.granary.wire.msg.DeletionHoldRequest;
import dev.granary.wire.msg.DeletionHoldResponse;
import dev.granary.wire.msg.DeleteRequest;
import dev.granary.wire.msg.DeleteResponse;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.FsckRequest;
import dev.granary.wire.msg.FsckResponse;
import dev.granary.wire.msg.ServerDefaultsRequest;
import dev.granary.wire.msg.ServerDefaultsResponse;
import dev.granary.wire.msg.ListRequest;
import dev.granary.wire.msg.ListResponse;
import dev.granary.wire.msg.LookupResponse;
import dev.granary.wire.msg.MkdirRequest;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.msg.RotateJoinTokenRequest;
import dev.granary.wire.msg.RotateJoinTokenResponse;
import dev.granary.wire.msg.RenameRequest;
import dev.granary.wire.msg.StatRequest;
import dev.granary.wire.msg.SetAttributesRequest;
import dev.granary.wire.msg.SetAttributesResponse;
import dev.granary.wire.msg.StatResponse;
import dev.granary.wire.msg.UserRequest;
import dev.granary.wire.msg.UserResponse;
import dev.granary.wire.net.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The entry point an application holds for its lifetime: files as streams and channels, transfers
 * between local paths and Granary, and the namespace and cluster operations.
 *
 * <p>Thread-safe. {@link #open} connects lazily: nothing is dialled until the first operation. One
 * multiplexed connection per server (the master and each chunkserver) is shared by all threads and
 * re-dialled after a failure. Transient failures (a server down or restarting, a chunkserver dying
 * mid-transfer, locations not yet reported) are retried with exponential backoff (50 ms doubling to
 * 1 s, with jitter) within the configured timeout, after which {@link UnavailableException} is
 * thrown. One exception to waiting the whole timeout: if this client has never reached the master,
 * it gives up after its dial attempts have failed for about 3 seconds, so a mistyped address or a
 * master that is down is reported promptly. Retries of a mutation reuse its operation id, so the
 * master answers a retry as it answered the original.
 *
 * <p>Remote paths are absolute and {@code /}-separated. Every failure is a typed
 * {@link GranaryException} whose {@link GranaryException#exitCode()} is the contract's exit code;
 * streams and channels wrap it in a {@link GranaryIOException}.
 */
public final class GranaryClient implements AutoCloseable {
  static final String SOFTWARE = "granary-client/0.1.0";
  /** How long a never-reached master is dialled before the client gives up early. */
  static final Duration NEVER_REACHED_GRACE = Duration.ofSeconds(3);
  /** How long chunk locations are cached. */
  static final Duration LOCATION_TTL = Duration.ofSeconds(5);
  private static final int COPY_BUFFER = 1 << 20;
  /** How long an idle blocking connection is kept for reuse (servers close theirs after 1 m). */
  static final Duration DIRECT_IDLE = Duration.ofSeconds(20);
  /** Socket receive buffer of the client's connections (the kernel may cap it lower). */
  static final int RECEIVE_BUFFER = 4 << 20;

  private final ClientConfig config;
  private final EventLoopGroup group;
  private final ExecutorService workers;
  /** The master's defaults, fetched on the first write that needs them. */
  private volatile ServerDefaultsResponse serverDefaults;
  private final ClientContext ctx;
  private final BlockFetcher fetcher;
  /** Frees the read-ahead buffers of streams dropped without being closed. */
  private final Cleaner cleaner;

  private GranaryClient(ClientConfig config, RetryPolicy retry, Credentials credentials) {
    this.config = config;
    String clientId = UUID.randomUUID().toString();
    this.group = Transports.eventLoopGroup(
        Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors())), "granary-client");
    AtomicInteger threads = new AtomicInteger();
    this.workers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "granary-client-worker-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    Duration dial = config.timeout().compareTo(NEVER_REACHED_GRACE) < 0 ? config.timeout()
        : NEVER_REACHED_GRACE;
    // A reader streams from several chunkservers at once; a deeper receive buffer per connection
    // lets them keep sending while this process waits for a CPU (measured: +20% on a busy host).
    Bootstrap bootstrap = Transports.clientBootstrap(group, dial)
        .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER);
    MasterLogin login = new MasterLogin(config.master(), credentials);
    // Credentials name the authority the client trusts: with them every connection is TLS.
    SslContext tls = credentials == null ? null : TlsContexts.user(authorityOf(credentials));
    ConnectionPool pool = new ConnectionPool(bootstrap, clientId, SOFTWARE, dial, tls, login);
    DirectPool direct = new DirectPool(clientId, SOFTWARE, dial, DIRECT_IDLE, tls, login);
    MasterClient master = new MasterClient(config.master(), pool, direct, retry, clientId);
    this.ctx = new ClientContext(clientId, master, pool, direct, retry, workers, config.parallelism(),
        new AtomicLong(), new BlockCache(config.cacheSize()),
        new LocationCache(master, LOCATION_TTL, 10_000), new LoadTracker(),
        new SpareAllocation(SpareAllocation.MAX_AGE, System::nanoTime),
        new LeaseRenewer(master, clientId, System::nanoTime), login,
        WriteBudget.ofDirectMemory());
    this.fetcher = new BlockFetcher(ctx);
    this.cleaner = Cleaner.create(r -> {
      Thread t = new Thread(r, "granary-client-cleaner");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * The authority a credentials file trusts.
   *
   * @throws ConfigException if its {@code caCert} is not one PEM certificate
   */
  private static X509Certificate authorityOf(Credentials credentials) {
    try {
      return Pem.certificate(credentials.caCert(), "the caCert of user " + credentials.user()
          + "'s credentials");
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  /**
   * A client for {@code config}'s master; connects on first use. With a credentials file in
   * {@code config} (a cluster with {@code security: tls}), every connection is TLS trusting only
   * the file's {@code caCert}, and every connection to the master authenticates with its user
   * and token first; a refusal is a {@link DeniedException} carrying the one line of the refusal.
   *
   * @throws dev.granary.config.ConfigException naming the credentials file if it is missing or
   *     malformed
   */
  public static GranaryClient open(ClientConfig config) {
    return open(config, RetryPolicy.system(config.timeout(), NEVER_REACHED_GRACE));
  }

  /**
   * A client for {@code config}'s master that authenticates with {@code credentials} as given
   * ({@code config}'s credentials file is not read). A credentials' user may be empty: the master
   * then authenticates the connection as whoever the token belongs to, for a caller that holds
   * only a token (a REST request's {@code Bearer} token). Null credentials: none (a cluster with
   * {@code security: none}).
   *
   * @throws dev.granary.config.ConfigException if the credentials' {@code caCert} is not one PEM
   *     certificate
   */
  public static GranaryClient open(ClientConfig config, Credentials credentials) {
    return new GranaryClient(config,
        RetryPolicy.system(config.timeout(), NEVER_REACHED_GRACE), credentials);
  }

  /** A client with its own retry policy (tests shorten the timings). */
  static GranaryClient open(ClientConfig config, RetryPolicy retry) {
    return new GranaryClient(config, retry, config.readCredentials());
  }

  /** The credentials this client authenticates with, or null (a cluster without security). */
  public Credentials credentials() {
    return ctx.login().credentials();
  }

  /**
   * Authenticates again and says who this client acts for: a round trip to the master, for a
   * caller that must tell "these credentials are no longer valid" from "this user may not".
   *
   * @throws DeniedException if the credentials are not (or no longer) valid
   */
  public Identity whoAmI() throws GranaryException {
    Credentials c = credentials();
    AuthenticateResponse r = ctx.master().call(c == null ? new AuthenticateRequest("", "")
        : new AuthenticateRequest(c.user(), c.token()), AuthenticateResponse.class,
        "the credentials");
    return new Identity(r.user(), r.group(), r.superuser());
  }

  /** The random id this client sends with its mutations. */
  public String clientId() {
    return ctx.clientId();
  }

  // ---------------------------------------------------------------- writing

  /**
   * Creates a file; its bytes become visible atomically when the stream is closed (closing
   * commits). Missing parent directories are created. An existing file (without overwrite) or a
   * directory at {@code path} fails the stream's {@code close()} — or, for a file of more than one
   * chunk, the write that fills its first chunk — with a {@link GranaryIOException} whose cause is
   * an {@link AlreadyExistsException} or {@link InvalidArgumentException}: the commit decides,
   * atomically, so a small file costs no extra round trip.
   *
   * @throws InvalidArgumentException the path is not absolute
   */
  public GranaryOutputStream create(String path, WriteOptions options)
      throws GranaryException {
    String p = remote(path);
    WriteOptions resolved = resolve(options);
    FileUpload upload = new FileUpload(ctx, p, resolved, new Progress(TransferListener.NONE));
    return new GranaryOutputStream(upload, resolved.chunkSize(), PooledByteBufAllocator.DEFAULT,
        e -> { }, () -> checkWritable(p, resolved));
  }

  /**
   * Uploads a local file, {@code parallelism} chunks at a time, and commits it. Missing parent
   * directories are created. A chunk retried on a fresh pipeline is re-read from the local file.
   *
   * @throws NotFoundException the local file does not exist
   * @throws AlreadyExistsException the remote path exists and overwrite is off
   */
  public FileStatus put(Path local, String remote, WriteOptions options,
      TransferListener listener) throws GranaryException {
    String p = remote(remote);
    if (!Files.exists(local)) {
      throw new NotFoundException(local + ": no such file or directory");
    }
    if (Files.isDirectory(local)) {
      throw new InvalidArgumentException(InvalidArgumentException.Kind.IS_A_DIRECTORY,
          local + ": is a directory", null);
    }
    options = resolve(options);
    checkWritable(p, options);
    Progress progress = new Progress(listener);
    FileUpload upload = new FileUpload(ctx, p, options, progress);
    try (FileChannel in = FileChannel.open(local, StandardOpenOption.READ)) {
      long size = in.size();
      progress.start(size);
      long cs = options.chunkSize();
      int chunks = (int) ((size + cs - 1) / cs);
      try {
        for (int i = 0; i < chunks; i++) {
          upload.acquireSlot();
          long at = i * cs;
          upload.submit(i, new FileRegionSource(in, at, Math.min(cs, size - at)));
        }
        FileEntry entry = upload.commit(chunks);
        progress.finish();
        return status(entry);
      } finally {
        // Chunks still reading the file must finish before it is closed.
        upload.abortAndWait();
      }
    } catch (IOException e) {
      throw localFailure(local, e);
    }
  }

  /**
   * The cluster's default replication and chunk size (the master's {@code replication} and
   * {@code chunkSize}) as write options without overwrite; asked of the master once per client.
   */
  public WriteOptions clusterDefaults() throws GranaryException {
    return resolve(WriteOptions.defaults());
  }

  /** Fills in the cluster's defaults for a zero replication or chunk size. */
  private WriteOptions resolve(WriteOptions options) throws GranaryException {
    if (!options.needsClusterDefaults()) {
      return options;
    }
    ServerDefaultsResponse d = serverDefaults;
    if (d == null) {
      d = ctx.master().call(new ServerDefaultsRequest(), ServerDefaultsResponse.class,
          "cluster defaults");
      serverDefaults = d;
    }
    WriteOptions r = options;
    if (r.replication() == WriteOptions.CLUSTER_DEFAULT_REPLICATION) {
      r = r.withReplication(d.replication());
    }
    if (r.chunkSize() == WriteOptions.CLUSTER_DEFAULT_CHUNK_SIZE) {
      r = r.withChunkSize(d.chunkSize());
    }
    return r;
  }

  private void checkWritable(String path, WriteOptions options) throws GranaryException {
    FileStatus existing;
    try {
      existing = stat(path);
    } catch (NotFoundException e) {
      return;
    }
    if (existing.directory()) {
      throw new InvalidArgumentException(InvalidArgumentException.Kind.IS_A_DIRECTORY,
          path + ": is a directory", null);
    }
    if (!options.overwrite()) {
      throw new AlreadyExistsException(path + ": file exists (use overwrite to replace it)");
    }
  }

  // ---------------------------------------------------------------- reading

  /** Opens a file for sequential reading with read-ahead. */
  public InputStream open(String path) throws GranaryException {
    return new GranaryInputStream(reader(remote(path)));
  }

  /** Opens a file for random reads (read-only). */
  public SeekableByteChannel openChannel(String path) throws GranaryException {
    return new GranaryChannel(reader(remote(path)));
  }

  private FileReader reader(String path) throws GranaryException {
    LookupResponse first = ctx.locations().lookup(path, 0, false);
    if (first.file().directory()) {
      throw new InvalidArgumentException(InvalidArgumentException.Kind.IS_A_DIRECTORY,
          path + ": is a directory", null);
    }
    return new FileReader(ctx, fetcher, path, first, cleaner);
  }

  /**
   * Downloads a file into a temporary file beside {@code local}, renamed into place at the end, so
   * {@code local} never holds a partial file.
   *
   * @throws AlreadyExistsException {@code local} exists and {@code overwrite} is false
   * @throws NotFoundException the remote file or the local directory does not exist
   */
  public FileStatus get(String remote, Path local, boolean overwrite, TransferListener listener)
      throws GranaryException {
    String p = remote(remote);
    Path target = local.toAbsolutePath();
    if (Files.isDirectory(target)) {
      throw new InvalidArgumentException(InvalidArgumentException.Kind.IS_A_DIRECTORY,
          local + ": is a directory", null);
    }
    if (Files.exists(target) && !overwrite) {
      throw new AlreadyExistsException(local + ": file exists (use overwrite to replace it)");
    }
    Path dir = target.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new NotFoundException(dir + ": no such directory");
    }
    FileReader reader = reader(p);
    Progress progress = new Progress(listener);
    progress.start(reader.size());
    Path tmp = null;
    try {
      tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".granary-part");
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.allocate(COPY_BUFFER);
        long pos = 0;
        while (true) {
          buf.clear();
          int n = reader.read(pos, buf, true);
          if (n < 0) {
            break;
          }
          buf.flip();
          while (buf.hasRemaining()) {
            out.write(buf);
          }
          pos += n;
          progress.add(n);
        }
      }
      if (overwrite) {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      }
      tmp = null;
      progress.finish();
      return status(reader.entry());
    } catch (IOException e) {
      throw localFailure(local, e);
    } finally {
      reader.close();
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // Best effort: a leftover temp file is harmless and clearly named.
        }
      }
    }
  }

  private static GranaryException localFailure(Path local, IOException e) {
    if (e instanceof NoSuchFileException) {
      return new NotFoundException(local + ": no such file or directory", e);
    }
    if (e instanceof FileAlreadyExistsException) {
      return new AlreadyExistsException(local + ": file exists", e);
    }
    if (e instanceof AccessDeniedException) {
      return new DeniedException(local + ": permission denied", e);
    }
    return new InternalException(local + ": " + e.getMessage(), e);
  }

  // ---------------------------------------------------------------- namespace

  /** Lists a directory in name order (all pages); listing a file gives that file. */
  public List<FileStatus> list(String dir) throws GranaryException {
    String p = remote(dir);
    List<FileStatus> out = new ArrayList<>();
    String after = "";
    while (true) {
      ListResponse page = ctx.master().call(new ListRequest(p, after, Limits.MAX_LIST_ENTRIES),
          ListResponse.class, p);
      for (FileEntry e : page.entries()) {
        out.add(status(e));
      }
      if (!page.more() || page.entries().isEmpty()) {
        return out;
      }
      after = page.entries().get(page.entries().size() - 1).name();
    }
  }

  /** The entry at {@code path}. */
  public FileStatus stat(String path) throws GranaryException {
    String p = remote(path);
    return status(ctx.master().call(new StatRequest(p), StatResponse.class, p).entry());
  }

  /** The entry at {@code path} with every chunk and its replicas (fresh from the master). */
  public FileInfo statWithChunks(String path) throws GranaryException {
    String p = remote(path);
    FileStatus st = stat(p);
    if (st.directory()) {
      return new FileInfo(st, List.of());
    }
    List<ChunkInfo> chunks = new ArrayList<>();
    FileEntry entry = null;
    int next = 0;
    do {
      LookupResponse r = ctx.locations().lookup(p, next, true);
      entry = r.file();
      if (r.chunks().isEmpty()) {
        break;
      }
      for (ChunkLocation c : r.chunks()) {
        List<String> replicas = new ArrayList<>();
        for (NodeAddress n : c.replicas()) {
          replicas.add(n.hostPort());
        }
        chunks.add(new ChunkInfo(c.index(), ChunkHandles.format(c.handle()), c.version(),
            c.length(), replicas));
        next = c.index() + 1;
      }
    } while (next < entry.chunkCount());
    return new FileInfo(status(entry), chunks);
  }

  /**
   * Creates a directory. Without {@code parents} a missing parent is {@link NotFoundException} and
   * an existing path {@link AlreadyExistsException}; with it, parents are created and an existing
   * directory is fine.
   */
  public FileStatus mkdirs(String path, boolean parents) throws GranaryException {
    String p = remote(path);
    return status(ctx.master().call(new MkdirRequest(ctx.clientId(), ctx.nextOpId(), p, parents),
        StatResponse.class, p).entry());
  }

  /**
   * Deletes a file, an empty directory or (recursive) a tree.
   *
   * @throws InvalidArgumentException a non-empty directory without {@code recursive}
   *     ({@link InvalidArgumentException.Kind#NOT_EMPTY})
   */
  public DeleteResult delete(String path, boolean recursive) throws GranaryException {
    String p = remote(path);
    DeleteResponse r = ctx.master().call(new DeleteRequest(ctx.clientId(), ctx.nextOpId(), p,
        recursive), DeleteResponse.class, p);
    ctx.locations().invalidateAll();
    return new DeleteResult(r.files(), r.directories());
  }

  /** Moves {@code source} to {@code destination} (into it, if it is a directory), atomically. */
  public FileStatus rename(String source, String destination) throws GranaryException {
    String s = remote(source);
    String d = remote(destination);
    StatResponse r = ctx.master().call(new RenameRequest(ctx.clientId(), ctx.nextOpId(), s, d),
        StatResponse.class, s);
    ctx.locations().invalidateAll();
    return status(r.entry());
  }

  // ---------------------------------------------------------------- permissions

  /**
   * Sets the permission bits of {@code path} ({@code 0..0777}), with {@code recursive} of
   * everything under it too, all or nothing: for the owner of each entry or the superuser.
   *
   * @return how many entries were changed
   * @throws DeniedException naming the entry the caller does not own
   * @throws InvalidArgumentException if {@code mode} is outside 0..0777
   */
  public long setPermission(String path, int mode, boolean recursive) throws GranaryException {
    if (mode < 0 || mode > FileEntry.MAX_PERMISSION) {
      throw new InvalidArgumentException("mode " + Integer.toOctalString(mode) + " of '" + path
          + "' is outside 000..777 (no setuid, setgid or sticky bits)");
    }
    return setAttributes(path, mode, "", "", recursive);
  }

  /**
   * Sets the owner and/or group of {@code path} ({@code ""} or null leaves one unchanged), with
   * {@code recursive} of everything under it too, all or nothing: for the superuser only.
   *
   * @return how many entries were changed
   * @throws DeniedException unless the caller is the superuser
   */
  public long setOwner(String path, String owner, String group, boolean recursive)
      throws GranaryException {
    String o = owner == null ? "" : owner;
    String g = group == null ? "" : group;
    if (o.isEmpty() && g.isEmpty()) {
      throw new InvalidArgumentException("setOwner of '" + path
          + "' needs an owner, a group or both");
    }
    return setAttributes(path, SetAttributesRequest.UNCHANGED_PERMISSION, o, g, recursive);
  }

  private long setAttributes(String path, int mode, String owner, String group,
      boolean recursive) throws GranaryException {
    String p = remote(path);
    return ctx.master().call(new SetAttributesRequest(p, mode, owner, group, recursive),
        SetAttributesResponse.class, p).entries();
  }

  // ---------------------------------------------------------------- cluster

  /** The cluster as the master sees it. */
  public ClusterStatus clusterStatus() throws GranaryException {
    ClusterStatusResponse r = ctx.master().call(new ClusterStatusRequest(),
        ClusterStatusResponse.class, "master " + ctx.master().address());
    List<NodeStatus> nodes = new ArrayList<>();
    for (dev.granary.wire.msg.NodeStatus n : r.nodes()) {
      nodes.add(nodeStatus(n));
    }
    return new ClusterStatus(r.masterId(), nodes, r.files(), r.directories(), r.chunks(),
        r.underReplicated(), r.overReplicated(), r.missing(), r.corrupt(), r.replicationQueue(),
        r.replicationsInFlight(), r.locationsComplete(), r.uptimeMillis(), r.clusterId(),
        r.deletionsHeld(), r.readOnly());
  }

  /**
   * Adds user {@code name} (superuser only) and returns its new credentials: the master keeps
   * only a hash of the token, so this is the one chance to store them.
   *
   * @param group the user's group, or {@code ""} for a group named as the user
   * @throws DeniedException if this client is not a superuser
   * @throws AlreadyExistsException if {@code name} is an active user
   * @throws InvalidArgumentException for a name or group outside the rules, or a master without
   *     security
   */
  public Credentials addUser(String name, String group, boolean superuser)
      throws GranaryException {
    UserResponse r = ctx.master().call(new UserRequest(UserRequest.Action.ADD, name, group,
        superuser), UserResponse.class, "user " + name, java.util.Set.of(Status.values()));
    return new Credentials(r.name(), r.token(), r.caCert());
  }

  /**
   * Revokes user {@code name} (superuser only): its token fails from then on, on connections
   * already open too.
   *
   * @throws DeniedException if this client is not a superuser
   * @throws NotFoundException if {@code name} is not an active user
   * @throws InvalidArgumentException for the superuser {@code admin}
   */
  public void revokeUser(String name) throws GranaryException {
    ctx.master().call(new UserRequest(UserRequest.Action.REVOKE, name, "", false),
        UserResponse.class, "user " + name);
  }

  /**
   * Releases (carries out) or discards (keeps the replicas of) the replica deletions the master
   * holds because a report would have made most of a chunkserver's replicas garbage at once.
   *
   * @param node a chunkserver id or host:port, or {@code ""} for every node
   * @return how many held deletions were acted on
   * @throws NotFoundException if no chunkserver is called {@code node}
   */
  public long actOnHeldDeletions(boolean release, String node) throws GranaryException {
    DeletionHoldResponse r = ctx.master().call(new DeletionHoldRequest(release
        ? DeletionHoldRequest.Action.RELEASE : DeletionHoldRequest.Action.DISCARD, node),
        DeletionHoldResponse.class, node.isEmpty() ? "every chunkserver" : node);
    return r.replicas();
  }

  private static NodeStatus nodeStatus(dev.granary.wire.msg.NodeStatus n) {
    return new NodeStatus(n.id(), n.host(), n.port(), n.state(), n.usedBytes(),
        n.capacityBytes(), n.freeBytes(), n.chunks(), n.millisSinceLastPulse(),
        n.activeTransfers(), n.decommissionSince(), n.replicasLeft());
  }

  /**
   * Takes chunkserver {@code node} out of service (superuser only): it gets no new chunks, and
   * every replica it holds is copied until its chunk has its goal on other nodes; it keeps serving
   * reads meanwhile. Its state is DECOMMISSIONING, then DECOMMISSIONED once it can be switched off
   * ({@link #clusterStatus} shows the progress). The master keeps the request across restarts.
   * Decommissioning a node that already is changes nothing.
   *
   * @param node a chunkserver id or host:port
   * @throws DeniedException if this client is not a superuser
   * @throws NotFoundException if no chunkserver is called {@code node}
   */
  public DecommissionResult decommission(String node) throws GranaryException {
    return decommissionRequest(DecommissionRequest.Action.DECOMMISSION, node);
  }

  /**
   * Puts chunkserver {@code node} back in service (superuser only), undoing {@link
   * #decommission}: it is LIVE again and chunks above their goal are trimmed as usual. A node in
   * service is left as it is.
   *
   * @param node a chunkserver id or host:port
   * @throws DeniedException if this client is not a superuser
   * @throws NotFoundException if no chunkserver is called {@code node}
   */
  public DecommissionResult recommission(String node) throws GranaryException {
    return decommissionRequest(DecommissionRequest.Action.RECOMMISSION, node);
  }

  private DecommissionResult decommissionRequest(DecommissionRequest.Action action, String node)
      throws GranaryException {
    DecommissionResponse r = ctx.master().call(new DecommissionRequest(action, node),
        DecommissionResponse.class, "chunkserver " + node);
    return new DecommissionResult(nodeStatus(r.node()), r.changed());
  }

  /**
   * How even the chunkservers' disk usage is; with {@code start}, a balancing pass begins now
   * (superuser only), with {@code thresholdPct} percentage points until every node is within it
   * (0: the master's configured threshold).
   *
   * @throws DeniedException if {@code start} and the caller is not a superuser
   * @throws IllegalArgumentException if {@code thresholdPct} is outside 0..100
   */
  public BalanceStatus balance(int thresholdPct, boolean start) throws GranaryException {
    BalanceResponse r = ctx.master().call(new BalanceRequest(thresholdPct, start),
        BalanceResponse.class, "the cluster");
    return new BalanceStatus(r.thresholdPct(), r.passRunning(), r.usedBytes(), r.capacityBytes(),
        r.balanced(), r.movesInFlight(), r.bytesMoved(), r.nodes().stream()
            .map(n -> new BalanceStatus.Node(n.node(), n.usedBytes(), n.capacityBytes()))
            .toList());
  }

  /**
   * Replaces the cluster's join token (superuser only) and returns the new one; the old token
   * fails from now on. Nodes that have joined keep their certificates.
   *
   * @throws DeniedException if the caller is not a superuser
   */
  public String rotateJoinToken() throws GranaryException {
    return ctx.master().call(new RotateJoinTokenRequest(), RotateJoinTokenResponse.class,
        "the join token").token();
  }

  /** Health of the chunks of the files under {@code path}. */
  public FsckReport fsck(String path) throws GranaryException {
    String p = remote(path);
    FsckResponse r = ctx.master().call(new FsckRequest(p), FsckResponse.class, p);
    return new FsckReport(r.files(), r.chunks(), r.healthy(), r.underReplicated(),
        r.overReplicated(), r.corrupt(), r.missing(), r.votes(), r.replicationQueue(),
        r.locationsComplete(), r.status(), r.problems(), r.deletionsHeld(), r.readOnly());
  }

  /** Counters of the block and location caches since this client was opened. */
  public CacheStats cacheStats() {
    BlockCache b = ctx.blocks();
    return new CacheStats(b.hits(), b.misses(), b.evictions(), b.bytesCached(),
        ctx.locations().hits(), ctx.locations().misses());
  }

  /** Closes every connection and stops the client's threads; in-flight operations fail. */
  @Override
  public void close() {
    ctx.leases().close();
    ctx.pool().close();
    ctx.direct().close();
    workers.shutdownNow();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Checks that a remote path is absolute and within the namespace limits ({@link PathLimits},
   * the master's rules: checked here too so that a path too long to send fails the same way), and
   * drops a trailing slash.
   */
  private static String remote(String path) throws InvalidArgumentException {
    if (path == null || !path.startsWith("/")) {
      throw new InvalidArgumentException(path + ": remote paths are absolute (start with /)");
    }
    String problem = PathLimits.problem(path);
    if (problem != null) {
      throw new InvalidArgumentException(problem);
    }
    String p = path;
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  static FileStatus status(FileEntry e) {
    return new FileStatus(e.path(), e.name(), e.directory(), e.size(), e.modifiedMillis(),
        e.replication(), e.chunkSize(), e.chunkCount(), e.owner(), e.group(),
        e.permissionOctal());
  }

  @Override
  public String toString() {
    return "GranaryClient[" + ctx.clientId() + ", " + config + "]";
  }
}
