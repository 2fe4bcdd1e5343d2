package dev.granary.master;

import com.google.common.base.Ticker;
import dev.granary.config.ConfigException;
import dev.granary.config.MasterConfig;
import dev.granary.http.HttpRoutes;
import dev.granary.http.HttpServer;
import dev.granary.master.http.MasterHttp;
import dev.granary.master.journal.CorruptJournalException;
import dev.granary.master.journal.JournalFiles;
import dev.granary.master.journal.LogDiskMonitor;
import dev.granary.master.journal.LogStorage;
import dev.granary.master.journal.MetadataStore;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.master.liveness.ChunkserverNode;
import dev.granary.master.metrics.MasterMetrics;
import dev.granary.master.net.AllocateChunkHandler;
import dev.granary.master.net.BalanceHandler;
import dev.granary.master.net.ClusterStatusHandler;
import dev.granary.master.net.AwaitCommandsHandler;
import dev.granary.master.net.CommandResultHandler;
import dev.granary.master.net.CommitFileHandler;
import dev.granary.master.net.DecommissionHandler;
import dev.granary.master.net.DeleteHandler;
import dev.granary.master.net.DeletionHoldHandler;
import dev.granary.master.net.EncodingHandlers;
import dev.granary.master.net.FsckHandler;
import dev.granary.master.net.JoinHandler;
import dev.granary.master.net.ListHandler;
import dev.granary.master.net.LookupHandler;
import dev.granary.master.net.MasterChannelInitializer;
import dev.granary.master.net.MkdirHandler;
import dev.granary.master.net.PingHandler;
import dev.granary.master.net.PulseHandler;
import dev.granary.master.net.RegisterHandler;
import dev.granary.master.net.RenameHandler;
import dev.granary.master.net.RenewLeaseHandler;
import dev.granary.master.net.ReplicaReportHandler;
import dev.granary.master.net.ReportBadReplicaHandler;
import dev.granary.master.net.RequestDispatcher;
import dev.granary.master.net.RequestHandler;
import dev.granary.master.net.RotateJoinTokenHandler;
import dev.granary.master.net.ServerDefaultsHandler;
import dev.granary.master.net.SetAttributesHandler;
import dev.granary.master.net.SharedChunkHandlers;
import dev.granary.master.net.StatHandler;
import dev.granary.master.net.AuthenticateHandler;
import dev.granary.master.net.UserHandler;
import dev.granary.master.placement.PlacementPolicy;
import dev.granary.master.replication.ChunkManager;
import dev.granary.master.replication.ChunkParts;
import dev.granary.master.replication.ChunkserverProtocol;
import dev.granary.master.replication.Tick;
import dev.granary.master.security.ClusterPki;
import dev.granary.master.security.JoinTokens;
import dev.granary.master.security.AdminBootstrap;
import dev.granary.master.security.ChunkTokenIssuer;
import dev.granary.master.state.MasterState;
import dev.granary.wire.net.Transports;
import dev.granary.wire.tls.TlsContexts;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Granary master: loads its metadata (checkpoint + operation log), serves clients and
 * chunkservers on one port, and runs the periodic liveness / replication / GC tick. This class only
 * wires the parts together.
 *
 * <p>Lifecycle: construct, {@link #start()}, {@link #close()}. Not restartable; build a new
 * instance on the same data directory to restart.
 */
public final class MasterServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MasterServer.class);
  /** Software string announced in the handshake. */
  public static final String SOFTWARE = "granary-master/0.1.0";
  private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration COPY_TIMEOUT = Duration.ofSeconds(30);
  private static final String ID_FILE = "master-id";
  /** The cluster's id, created with a new data dir; chunkservers keep the id they joined. */
  static final String CLUSTER_ID_FILE = "cluster-id";

  private final MasterConfig config;
  private final Clock clock;
  private final Ticker ticker;
  private final LogStorage storage;
  private String masterId = "";
  private String clusterId = "";
  private ClusterPki pki;
  private JoinTokens joinTokens;
  private MetadataStore store;
  private ChunkManager chunks;
  private Tick periodic;
  private MetadataService service;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private Channel serverChannel;
  private ScheduledExecutorService tickExecutor;
  /** Namespace-wide scans (fsck) run here, off the event loops. */
  private java.util.concurrent.ExecutorService scanExecutor;
  /** Answers chunkservers' held AWAIT_COMMANDS requests once commands are queued for them. */
  private java.util.concurrent.ExecutorService commandsExecutor;
  private ScheduledExecutorService diskExecutor;
  private HttpServer http;
  /** What /metrics serves, once started; read without the lock (see metricsRegistry()). */
  private volatile PrometheusRegistry metricsRegistry;
  /** Routes the starter added to the HTTP listener; closed after it. */
  private final List<HttpRoutes> httpRoutes = new ArrayList<>();
  private int port;
  private boolean closed;

  /** A master on the system clock and the JVM's monotonic ticker. */
  public MasterServer(MasterConfig config) {
    this(config, Clock.systemUTC(), Ticker.systemTicker());
  }

  /**
   * A master on the given clocks: {@code clock} only stamps what people read (modification
   * times); {@code ticker} measures every duration (liveness, leases, garbage lifetimes), so a
   * step of the wall clock changes no timeout. Tests drive both by hand.
   */
  public MasterServer(MasterConfig config, Clock clock, Ticker ticker) {
    this(config, clock, ticker, LogStorage.DEFAULT);
  }

  /** A master whose operation log reaches the disk through {@code storage} (fault tests). */
  public MasterServer(MasterConfig config, Clock clock, Ticker ticker, LogStorage storage) {
    this.config = config;
    this.clock = clock;
    this.ticker = ticker;
    this.storage = storage;
  }

  /**
   * Loads the metadata and starts serving.
   *
   * @throws ConfigException one line naming the key and value if the port is taken or the data
   *     directory cannot be created, written (permissions, a read-only mount) or read; a data dir
   *     on a full disk is not one: the master starts read-only
   * @throws CorruptJournalException if the operation log or checkpoint is corrupt (not just a torn
   *     last line); its message names the file and line
   * @throws IOException for other I/O failures while loading
   */
  public synchronized void start() throws IOException {
    Path dataDir = config.dataDir();
    prepareDataDir(dataDir);
    masterId = loadOrCreate(dataDir, ID_FILE,
        () -> "master-" + UUID.randomUUID().toString().substring(0, 8));
    boolean newCluster = !Files.exists(dataDir.resolve(CLUSTER_ID_FILE));
    clusterId = loadOrCreate(dataDir, CLUSTER_ID_FILE, () -> UUID.randomUUID().toString());
    log.info("{}: starting with {}", masterId, config);
    log.info("{}: {} cluster {}", masterId, newCluster ? "created a new" : "serving", clusterId);
    MasterMetrics metrics = new MasterMetrics(ticker);
    metricsRegistry = metrics.registry();
    LogStorage timedStorage = metrics.timing(storage);
    MasterState state;
    try {
      MasterState.Opened opened = MasterState.open(lock -> MetadataStore.open(dataDir,
          config.checkpointOps(), masterId, timedStorage, lock));
      state = opened.state();
      store = opened.store();
    } catch (CorruptJournalException e) {
      throw e;
    } catch (AccessDeniedException e) {
      throw new ConfigException("master.dataDir " + dataDir + ": cannot read "
          + e.getFile() + " (permission denied)", e);
    }
    MetadataImage image = store.image();
    List<RequestHandler<?>> securityHandlers = new ArrayList<>();
    SslContext tls = null;
    if (config.secured()) {
      // Certificates are judged by every peer's real clock, so they are issued on it too (the
      // injected clock stamps what people read; tests step it).
      Clock real = Clock.systemUTC();
      pki = ClusterPki.open(dataDir, clusterId, masterId, real.instant());
      joinTokens = JoinTokens.open(dataDir, pki.authority().certificate());
      tls = TlsContexts.server(pki.masterKeys());
      securityHandlers.add(new JoinHandler(masterId, pki.authority(), joinTokens, real, id -> {
        ChunkserverNode n = chunks.node(id);
        return n != null && n.isLive();
      }));
      securityHandlers.add(new RotateJoinTokenHandler(masterId, joinTokens));
      log.info("{}: security tls: every connection TLS 1.3 on {} under the cluster's authority"
          + " ({}); chunkservers join with the token in {}", masterId,
          TlsContexts.describeProvider(), dataDir.resolve(ClusterPki.DIR),
          dataDir.resolve(JoinTokens.FILE));
    } else {
      log.warn("{}: security none: no TLS, no identities, every caller is the superuser; run"
          + " this only on a trusted network", masterId);
    }
    ChunkManager.Settings settings = new ChunkManager.Settings(config.pulseInterval(),
        config.deadAfter(), config.gcInterval(), config.chunkSize(), config.minReplicas(),
        config.maxCopiesPerNode(), COPY_TIMEOUT, config.leaseTimeout(),
        startupDeletionDelay(config), config.balanceThreshold(), config.balanceBandwidth());
    ChunkParts parts = new ChunkParts(masterId, settings, state,
        PlacementPolicy.forName(config.placement()), ticker, new JournaledDigestLog(store, clock));
    chunks = parts.manager();
    periodic = parts.tick();
    ChunkserverProtocol protocol = parts.protocol();
    chunks.inherit(image.reservedUpTo(), store.recovered().released());
    if (config.dedup()) {
      state.write(() -> image.namespace().enableDedup());
      log.info("{}: master.dedup: a new chunk with the content of one of its owner's chunks is"
          + " stored as a reference to it", masterId);
    }
    service = new MetadataService(state, store, chunks, clock, config.replication());
    scanExecutor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, masterId + "-scan");
      t.setDaemon(true);
      return t;
    });
    commandsExecutor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, masterId + "-commands");
      t.setDaemon(true);
      return t;
    });
    ChunkTokenIssuer tokens = ChunkTokenIssuer.forCluster(config.secured(), clock);
    if (tokens.enabled()) {
      log.info("{}: chunk access tokens required; signing keys rotate every {} and live in "
          + "memory only (a restart makes new ones)", masterId, ChunkTokenIssuer.KEY_INTERVAL);
    }
    if (config.secured()) {
      try {
        new AdminBootstrap(dataDir, pki.caPem(), masterId).ensureAdmin(image.users(),
            service::record, clock);
      } catch (IOException | RuntimeException e) {
        closeQuietly();
        throw e;
      }
    }
    ClusterStatusHandler clusterStatus = new ClusterStatusHandler(chunks, service, masterId,
        clusterId, ticker);
    metrics.watchCluster(clusterStatus::status, chunks);
    List<RequestHandler<?>> handlers = new ArrayList<>(List.of(
        new PingHandler(), new ServerDefaultsHandler(config),
        new AuthenticateHandler(masterId, config.secured(), image.users()),
        new UserHandler(masterId, config.secured(), service, pki == null ? null : pki.caPem(),
            clock),
        new AllocateChunkHandler(service, tokens), new CommitFileHandler(service, tokens),
        new RenewLeaseHandler(service),
        new LookupHandler(service, tokens), new ListHandler(service), new StatHandler(service),
        new MkdirHandler(service, clock), new DeleteHandler(service, clock),
        new RenameHandler(service, clock), new SetAttributesHandler(service),
        clusterStatus,
        new FsckHandler(chunks, service, scanExecutor),
        new ReportBadReplicaHandler(protocol, tokens), new DeletionHoldHandler(chunks),
        new BalanceHandler(chunks),
        new DecommissionHandler(masterId, chunks, service, clock),
        new RegisterHandler(protocol, masterId, clusterId, config.pulseInterval(), tokens),
        new PulseHandler(protocol, tokens),
        new AwaitCommandsHandler(protocol, tokens, commandsExecutor),
        new ReplicaReportHandler(protocol), new CommandResultHandler(protocol, tokens)));
    handlers.addAll(SharedChunkHandlers.all(service, clock));
    handlers.addAll(EncodingHandlers.all(service, clock));
    handlers.addAll(securityHandlers);
    RequestDispatcher dispatcher = new RequestDispatcher(masterId, handlers,
        config.secured() ? image.users() : null, metrics.requests());
    boss = Transports.eventLoopGroup(1, masterId + "-accept");
    workers = Transports.eventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()),
        masterId + "-io");
    try {
      serverChannel = Transports.serverBootstrap(boss, workers)
          .childHandler(new MasterChannelInitializer(masterId, SOFTWARE, IDLE_TIMEOUT, dispatcher,
              config.maxConnections(), tls))
          .bind(config.host(), config.port()).syncUninterruptibly().channel();
    } catch (Exception e) { // Netty rethrows the checked BindException unchecked
      closeQuietly();
      if (Transports.isAddressInUse(e)) {
        throw new ConfigException("master.port " + config.port() + ": address already in use"
            + " (host " + config.host() + ")", e);
      }
      throw new ConfigException("master.port " + config.port() + ": cannot listen on "
          + config.host() + ": " + e.getMessage(), e);
    }
    port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
    try {
      http = MasterHttp.start(masterId, config, pki == null ? null
          : TlsContexts.https(pki.masterKeys()), metrics.registry(), httpRoutes);
    } catch (RuntimeException e) {
      close(); // a later close() is then a no-op, not a second shutdown
      throw e;
    }
    long period = Math.max(10, config.pulseInterval().toMillis() / 2);
    tickExecutor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, masterId + "-tick");
      t.setDaemon(true);
      return t;
    });
    tickExecutor.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    diskExecutor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, masterId + "-disk");
      t.setDaemon(true);
      return t;
    });
    long diskPeriod = LogDiskMonitor.PERIOD.toMillis();
    diskExecutor.scheduleWithFixedDelay(new LogDiskMonitor(store, storage, ticker, masterId),
        0, diskPeriod, TimeUnit.MILLISECONDS);
    log.info("{}: serving on {}:{} ({} files, {} directories, {} chunks{}); {}", masterId,
        config.host(), port, image.namespace().fileCount(), image.namespace().directoryCount(),
        image.namespace().chunkCount(), store.readOnly() ? "; READ-ONLY" : "",
        http == null ? "HTTP off (master.httpPort 0)" : "metrics at " + http.url() + "metrics");
  }

  private void tick() {
    try {
      periodic.run();
      chunks.expireCommitWaits();
      service.expireTrash();
    } catch (Throwable t) {
      // A scheduled task that throws is never run again: the tick must outlive any failure.
      log.error("{}: periodic tick failed, continuing at the next one", masterId, t);
    }
  }

  private static void prepareDataDir(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new ConfigException("master.dataDir " + dir + ": cannot create it ("
          + e.getClass().getSimpleName() + ")", e);
    }
    Path probe = dir.resolve(".write-probe");
    try {
      Files.write(probe, new byte[] {1});
      Files.delete(probe);
    } catch (AccessDeniedException e) {
      throw new ConfigException("master.dataDir " + dir + ": not writable (permission denied)", e);
    } catch (FileSystemException e) {
      if (e.getReason() != null && e.getReason().contains("Read-only file system")) {
        throw new ConfigException("master.dataDir " + dir + ": not writable (read-only file "
            + "system)", e);
      }
      writeProbeFailed(dir, probe, e);
    } catch (IOException e) {
      // A full disk: the metadata still loads and the master starts read-only.
      writeProbeFailed(dir, probe, e);
    }
  }

  private static void writeProbeFailed(Path dir, Path probe, IOException e) {
    log.warn("master.dataDir {} cannot be written now ({}); starting anyway, read-only until the "
        + "operation log can be written", dir, e.getMessage());
    try {
      Files.deleteIfExists(probe);
    } catch (IOException ignored) {
      // Removed at the next start; it holds at most one byte.
    }
  }

  /**
   * How long after start-up garbage collection deletes nothing: long enough for every live
   * chunkserver to have registered and reported (deadAfter), and at least one collection
   * interval, so a master started on the wrong data dir is noticed before it acts.
   */
  static Duration startupDeletionDelay(MasterConfig config) {
    return config.deadAfter().compareTo(config.gcInterval()) > 0 ? config.deadAfter()
        : config.gcInterval();
  }

  /** The one-line id kept in {@code dir/name}, created durably by {@code fresh} if absent. */
  private static String loadOrCreate(Path dir, String name, Supplier<String> fresh) {
    Path f = dir.resolve(name);
    try {
      if (Files.exists(f)) {
        String id = Files.readString(f, StandardCharsets.UTF_8).strip();
        if (!id.isEmpty()) {
          return id;
        }
      }
      String id = fresh.get();
      Path tmp = dir.resolve(name + ".tmp");
      Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
      Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      JournalFiles.fsyncDirectory(dir);
      return id;
    } catch (IOException e) {
      throw new ConfigException("master.dataDir " + dir + ": cannot read or write " + f + " ("
          + e.getClass().getSimpleName() + ")", e);
    }
  }

  /**
   * Adds routes to the HTTP listener (when {@code master.httpPort} is not 0); {@code routes} is
   * closed when this master closes. The master does not know what they serve: its starter (the
   * {@code granary master} command, the local cluster) adds the REST API this way.
   *
   * @throws IllegalStateException after {@link #start()}
   */
  public synchronized void addHttpRoutes(HttpRoutes routes) {
    if (port != 0 || closed) {
      throw new IllegalStateException("HTTP routes are added before the master starts");
    }
    httpRoutes.add(routes);
  }

  /**
   * The registry {@code /metrics} serves, or null before {@link #start()}. Not synchronized: the
   * dashboard's sampler reads it from its own thread, also while this master starts or closes.
   */
  public PrometheusRegistry metricsRegistry() {
    return metricsRegistry;
  }

  /** The port actually bound (useful with port 0). */
  public synchronized int port() {
    return port;
  }

  /** The HTTP(S) listener, or null when {@code master.httpPort} is 0 (or before start). */
  public synchronized HttpServer http() {
    return http;
  }

  /** The id of the cluster this master serves (kept in the data directory). */
  public synchronized String clusterId() {
    return clusterId;
  }

  /** This master's stable id (kept in the data directory). */
  /**
   * The cluster's certificate authority and the master's certificate, or null with {@code security:
   * none} (or before start).
   */
  public synchronized ClusterPki pki() {
    return pki;
  }

  /** This master's configuration. */
  public MasterConfig config() {
    return config;
  }

  /** The current join token, or null with {@code security: none} (or before start). */
  public synchronized String joinToken() {
    return joinTokens == null ? null : joinTokens.token();
  }

  public synchronized String masterId() {
    return masterId;
  }

  /** Whether the master refuses mutations because it cannot write its operation log. */
  public synchronized boolean readOnly() {
    return store != null && store.readOnly();
  }

  /** The soft-state manager (tests and the in-process cluster inspect it). */
  public synchronized ChunkManager chunks() {
    return chunks;
  }

  /**
   * Stops accepting connections, flushes and fsyncs the operation log, stops all threads.
   * Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeQuietly();
    log.info("{}: stopped", masterId);
  }

  private void closeQuietly() {
    if (http != null) {
      http.close();
    }
    for (HttpRoutes r : httpRoutes) {
      try {
        r.close();
      } catch (RuntimeException e) {
        log.warn("{}: closing HTTP routes {} failed", masterId, r, e);
      }
    }
    if (serverChannel != null) {
      serverChannel.close().syncUninterruptibly();
    }
    if (scanExecutor != null) {
      scanExecutor.shutdownNow();
    }
    if (commandsExecutor != null) {
      commandsExecutor.shutdownNow();
    }
    if (tickExecutor != null) {
      tickExecutor.shutdownNow();
    }
    if (diskExecutor != null) {
      diskExecutor.shutdownNow();
      try {
        diskExecutor.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (boss != null) {
      boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
    if (workers != null) {
      workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
    if (store != null) {
      store.close();
    }
  }
}
