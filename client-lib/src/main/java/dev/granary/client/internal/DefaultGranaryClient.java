package dev.granary.client.internal;

import dev.granary.client.BalanceStatus;
import dev.granary.client.CacheStats;
import dev.granary.client.ChunkInfo;
import dev.granary.client.ClusterStatus;
import dev.granary.client.DecommissionResult;
import dev.granary.client.DeleteResult;
import dev.granary.client.DirectoryPage;
import dev.granary.client.DirectoryPolicy;
import dev.granary.client.FileInfo;
import dev.granary.client.EncryptionKey;
import dev.granary.client.FileStatus;
import dev.granary.client.KeyRotation;
import dev.granary.client.FileVersion;
import dev.granary.client.FsckReport;
import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryException;
import dev.granary.client.GranaryOutputStream;
import dev.granary.client.Identity;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.PolicyChange;
import dev.granary.client.SnapshotInfo;
import dev.granary.client.TransferListener;
import dev.granary.client.UploadResult;
import dev.granary.client.TrashEntry;
import dev.granary.client.WriteOptions;
import dev.granary.config.ClientConfig;
import dev.granary.config.ConfigException;
import dev.granary.config.Credentials;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Limits;
import dev.granary.wire.PathLimits;
import dev.granary.wire.msg.AuthenticateRequest;
import dev.granary.wire.msg.AuthenticateResponse;
import dev.granary.wire.msg.ChunkLocation;
import dev.granary.wire.msg.DeleteRequest;
import dev.granary.wire.msg.DeleteResponse;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.ListRequest;
import dev.granary.wire.msg.ListResponse;
import dev.granary.wire.msg.LookupResponse;
import dev.granary.wire.msg.MkdirRequest;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.msg.RenameRequest;
import dev.granary.wire.msg.SetAttributesRequest;
import dev.granary.wire.msg.SetAttributesResponse;
import dev.granary.wire.msg.StatRequest;
import dev.granary.wire.msg.StatResponse;
import dev.granary.wire.net.Transports;
import dev.granary.wire.tls.Pem;
import dev.granary.wire.tls.TlsContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.io.InputStream;
import java.lang.ref.Cleaner;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
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
 * The library's {@link GranaryClient}: wires the connections, caches and threads one client owns
 * and answers the namespace calls; transfers are {@link Transfers}' job and cluster
 * administration {@link ClusterAdmin}'s. Public only so that {@link GranaryClient#open} can reach
 * it: the module does not export this package.
 */
public final class DefaultGranaryClient implements GranaryClient {
  static final String SOFTWARE = "granary-client/0.1.0";
  /** How long a never-reached master is dialled before the client gives up early. */
  static final Duration NEVER_REACHED_GRACE = Duration.ofSeconds(3);
  /** How long chunk locations are cached. */
  static final Duration LOCATION_TTL = Duration.ofSeconds(5);
  /** How long an idle blocking connection is kept for reuse (servers close theirs after 1 m). */
  static final Duration DIRECT_IDLE = Duration.ofSeconds(20);
  /** Socket receive buffer of the client's connections (the kernel may cap it lower). */
  static final int RECEIVE_BUFFER = 4 << 20;

  private final ClientConfig config;
  private final EventLoopGroup group;
  private final ExecutorService workers;
  private final ClientContext ctx;
  private final Transfers transfers;
  private final ClusterAdmin admin;
  private final Retention retention;
  private final KeyRotator keys;

  DefaultGranaryClient(ClientConfig config, RetryPolicy retry, Credentials credentials) {
    this.config = config;
    // Read before any thread starts: a bad key file then leaves nothing running behind it.
    EncryptionKey key = config.keyFile() == null ? null : EncryptionKey.read(config.keyFile());
    // Credentials name the authority the client trusts: with them every connection is TLS.
    SslContext tls = credentials == null ? null : TlsContexts.user(authorityOf(credentials));
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
    ConnectionPool pool = new ConnectionPool(bootstrap, clientId, SOFTWARE, dial, tls, login);
    DirectPool direct = new DirectPool(clientId, SOFTWARE, dial, DIRECT_IDLE, tls, login);
    MasterClient master = new MasterClient(config.master(), pool, direct, retry, clientId);
    this.ctx = new ClientContext(clientId, master, pool, direct, retry, workers, config.parallelism(),
        new AtomicLong(), new BlockCache(config.cacheSize()),
        new LocationCache(master, LOCATION_TTL, 10_000), new LoadTracker(),
        new SpareAllocation(SpareAllocation.MAX_AGE, System::nanoTime),
        new LeaseRenewer(master, clientId, System::nanoTime), login,
        WriteBudget.ofDirectMemory(),
        key);
    // Frees the read-ahead buffers of streams dropped without being closed.
    Cleaner cleaner = Cleaner.create(r -> {
      Thread t = new Thread(r, "granary-client-cleaner");
      t.setDaemon(true);
      return t;
    });
    this.transfers = new Transfers(ctx, new BlockFetcher(ctx), cleaner);
    this.admin = new ClusterAdmin(ctx);
    this.retention = new Retention(ctx);
    this.keys = new KeyRotator(ctx, this);
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
   * The library's client for {@code config}'s master, authenticating with {@code credentials}
   * (null: none); {@link GranaryClient#open(ClientConfig, Credentials)} says the rest.
   *
   * @throws dev.granary.config.ConfigException if the credentials' {@code caCert} is not one PEM
   *     certificate
   */
  public static GranaryClient open(ClientConfig config, Credentials credentials) {
    return new DefaultGranaryClient(config,
        RetryPolicy.system(config.timeout(), NEVER_REACHED_GRACE), credentials);
  }

  /** A client with its own retry policy (tests shorten the timings). */
  static DefaultGranaryClient open(ClientConfig config, RetryPolicy retry) {
    return new DefaultGranaryClient(config, retry, config.readCredentials());
  }

  @Override
  public Credentials credentials() {
    return ctx.login().credentials();
  }

  @Override
  public Identity whoAmI() throws GranaryException {
    Credentials c = credentials();
    AuthenticateResponse r = ctx.master().call(c == null ? new AuthenticateRequest("", "")
        : new AuthenticateRequest(c.user(), c.token()), AuthenticateResponse.class,
        "the credentials");
    return new Identity(r.user(), r.group(), r.superuser());
  }

  @Override
  public String clientId() {
    return ctx.clientId();
  }

  // ---------------------------------------------------------------- transfers

  @Override
  public GranaryOutputStream create(String path, WriteOptions options) throws GranaryException {
    return transfers.create(path, options);
  }

  @Override
  public WriteOptions clusterDefaults() throws GranaryException {
    return transfers.clusterDefaults();
  }

  @Override
  public UploadResult upload(Path local, String remote, WriteOptions options,
      TransferListener listener) throws GranaryException {
    return transfers.put(local, remote, options, listener);
  }

  @Override
  public InputStream open(String path, long version) throws GranaryException {
    return transfers.open(path, version);
  }

  @Override
  public SeekableByteChannel openChannel(String path, long version) throws GranaryException {
    return transfers.openChannel(path, version);
  }

  @Override
  public FileStatus get(String remote, long version, Path local, boolean overwrite,
      TransferListener listener) throws GranaryException {
    return transfers.get(remote, version, local, overwrite, listener);
  }

  // ---------------------------------------------------------------- namespace

  @Override
  public DirectoryPage listPage(String dir, String startAfter, int limit)
      throws GranaryException {
    String p = remote(dir);
    String after = startAfter == null ? "" : startAfter;
    if (limit < 1) {
      throw new InvalidArgumentException("listing " + p + ": page size " + limit
          + " is below 1");
    }
    if (after.getBytes(StandardCharsets.UTF_8).length > Limits.MAX_NAME_BYTES) {
      throw new InvalidArgumentException("listing " + p + ": startAfter is longer than a name"
          + " can be (" + Limits.MAX_NAME_BYTES + " bytes)");
    }
    // The limit goes as asked: the master caps it, so one request bounds what it builds.
    ListResponse r = ctx.master().call(new ListRequest(p, after, limit), ListResponse.class, p);
    List<FileStatus> entries = new ArrayList<>(r.entries().size());
    for (FileEntry e : r.entries()) {
      entries.add(status(e));
    }
    return new DirectoryPage(entries, r.more());
  }

  @Override
  public FileStatus stat(String path) throws GranaryException {
    String p = remote(path);
    return status(ctx.master().call(new StatRequest(p), StatResponse.class, p).entry());
  }

  @Override
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
            c.length(), replicas, c.sha256().isNone() ? null : c.sha256().hex()));
        next = c.index() + 1;
      }
    } while (next < entry.chunkCount());
    return new FileInfo(status(entry), chunks);
  }

  @Override
  public FileStatus mkdirs(String path, boolean parents) throws GranaryException {
    String p = remote(path);
    return status(ctx.master().call(new MkdirRequest(ctx.clientId(), ctx.nextOpId(), p, parents),
        StatResponse.class, p).entry());
  }

  @Override
  public DeleteResult delete(String path, boolean recursive, boolean skipTrash)
      throws GranaryException {
    String p = remote(path);
    DeleteResponse r = ctx.master().call(new DeleteRequest(ctx.clientId(), ctx.nextOpId(), p,
        recursive, skipTrash), DeleteResponse.class, p);
    ctx.locations().invalidateAll();
    return new DeleteResult(r.files(), r.directories(), r.trashExpires());
  }

  @Override
  public FileStatus rename(String source, String destination) throws GranaryException {
    String s = remote(source);
    String d = remote(destination);
    StatResponse r = ctx.master().call(new RenameRequest(ctx.clientId(), ctx.nextOpId(), s, d),
        StatResponse.class, s);
    ctx.locations().invalidateAll();
    return status(r.entry());
  }

  // ---------------------------------------------------------------- versions, snapshots, trash

  @Override
  public DirectoryPolicy setPolicy(String dir, PolicyChange change) throws GranaryException {
    return retention.setPolicy(dir, change);
  }

  @Override
  public List<FileVersion> versions(String path) throws GranaryException {
    return retention.versions(path);
  }

  @Override
  public FileStatus restore(String path, long version) throws GranaryException {
    return retention.restore(path, version);
  }

  @Override
  public KeyRotation rotateKey(String path, boolean recursive, EncryptionKey oldKey,
      EncryptionKey newKey) throws GranaryException {
    return keys.rotate(path, recursive, oldKey, newKey);
  }

  @Override
  public EncryptionKey encryptionKey() {
    return ctx.key();
  }

  @Override
  public SnapshotInfo createSnapshot(String dir, String name) throws GranaryException {
    return retention.createSnapshot(dir, name);
  }

  @Override
  public SnapshotInfo deleteSnapshot(String dir, String name) throws GranaryException {
    return retention.deleteSnapshot(dir, name);
  }

  @Override
  public List<SnapshotInfo> snapshots(String dir) throws GranaryException {
    return retention.snapshots(dir);
  }

  @Override
  public List<TrashEntry> trash() throws GranaryException {
    return retention.trash();
  }

  @Override
  public TrashEntry restoreFromTrash(String path) throws GranaryException {
    return retention.restoreFromTrash(path);
  }

  @Override
  public List<TrashEntry> emptyTrash() throws GranaryException {
    return retention.emptyTrash();
  }

  // ---------------------------------------------------------------- permissions

  @Override
  public long setPermission(String path, int mode, boolean recursive) throws GranaryException {
    if (mode < 0 || mode > FileEntry.MAX_PERMISSION) {
      throw new InvalidArgumentException("mode " + Integer.toOctalString(mode) + " of '" + path
          + "' is outside 000..777 (no setuid, setgid or sticky bits)");
    }
    return setAttributes(path, mode, "", "", recursive);
  }

  @Override
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

  @Override
  public ClusterStatus clusterStatus() throws GranaryException {
    return admin.clusterStatus();
  }

  @Override
  public Credentials addUser(String name, String group, boolean superuser)
      throws GranaryException {
    return admin.addUser(name, group, superuser);
  }

  @Override
  public void revokeUser(String name) throws GranaryException {
    admin.revokeUser(name);
  }

  @Override
  public long actOnHeldDeletions(boolean release, String node) throws GranaryException {
    return admin.actOnHeldDeletions(release, node);
  }

  @Override
  public DecommissionResult decommission(String node) throws GranaryException {
    return admin.decommission(node);
  }

  @Override
  public DecommissionResult recommission(String node) throws GranaryException {
    return admin.recommission(node);
  }

  @Override
  public BalanceStatus balance(int thresholdPct, boolean start) throws GranaryException {
    return admin.balance(thresholdPct, start);
  }

  @Override
  public String rotateJoinToken() throws GranaryException {
    return admin.rotateJoinToken();
  }

  @Override
  public FsckReport fsck(String path) throws GranaryException {
    return admin.fsck(path);
  }

  @Override
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
  static String remote(String path) throws InvalidArgumentException {
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
        e.permissionOctal(), e.encoding().compression().label(), e.storedSize(),
        e.encoding().encrypted());
  }

  @Override
  public String toString() {
    return "GranaryClient[" + ctx.clientId() + ", " + config + "]";
  }
}
