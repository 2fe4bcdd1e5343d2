package dev.granary.chunkserver;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.granary.chunkserver.metrics.ChunkserverMetrics;
import dev.granary.chunkserver.metrics.NodeCounters;
import dev.granary.chunkserver.net.ClusterMembership;
import dev.granary.chunkserver.net.ChunkChannelInitializer;
import dev.granary.chunkserver.net.ChunkServices;
import dev.granary.chunkserver.net.CommandRunner;
import dev.granary.chunkserver.net.DownstreamPool;
import dev.granary.chunkserver.net.Joiner;
import dev.granary.chunkserver.net.MasterSession;
import dev.granary.chunkserver.net.TokenVerifier;
import dev.granary.chunkserver.net.OpenReplicas;
import dev.granary.chunkserver.net.RepairPacer;
import dev.granary.chunkserver.net.TransferSlots;
import dev.granary.chunkserver.scrub.Scrubber;
import dev.granary.chunkserver.scrub.Sleeper;
import dev.granary.chunkserver.scrub.TokenBucket;
import dev.granary.chunkserver.storage.CommitStep;
import dev.granary.chunkserver.storage.DiskReplicaStore;
import dev.granary.chunkserver.storage.ReplicaStore;
import dev.granary.chunkserver.storage.StoreLayout;
import dev.granary.config.ChunkserverConfig;
import dev.granary.config.ConfigException;
import dev.granary.http.HttpServer;
import dev.granary.wire.net.Transports;
import dev.granary.wire.tls.NodeKeys;
import dev.granary.wire.tls.TlsContexts;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Granary chunkserver: stores checksummed replicas under its data dir, serves reads and pipeline
 * writes over the Granary protocol, scrubs its replicas, and serves the master. This class only
 * wires the parts together (storage, network handlers, master session, scrubber) and owns their
 * lifecycle.
 *
 * <p>Usage: {@code try (ChunkServer cs = new ChunkServer(config)) { cs.start(); ... }}.
 */
public final class ChunkServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChunkServer.class);
  /** Software version announced in the handshake. */
  public static final String SOFTWARE = "granary-chunkserver/0.1.0";
  /** A downstream pipeline node (or a copy target) that makes no progress this long has failed. */
  static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration MASTER_RPC_TIMEOUT = Duration.ofSeconds(10);
  /** Where a node keeps its TLS identity: {@code node.key} (0600), {@code node.crt}, {@code ca.crt}. */
  public static final String TLS_DIR = "tls";
  static final String TLS_NAME = "node";
  private static final int DISK_THREADS = 4;
  private static final int COMMAND_THREADS = 2;
  static final AdaptiveRecvByteBufAllocator RECV_ALLOCATOR =
      new AdaptiveRecvByteBufAllocator(4096, 256 * 1024, 1 << 20);

  private final ChunkserverConfig config;
  private final Clock clock;
  private String nodeId;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private ExecutorService ioPool;
  private OpenReplicas openReplicas;
  private ExecutorService commandPool;
  private ExecutorService copyPool;
  private MasterSession session;
  private volatile TokenVerifier tokens;
  private DownstreamPool downstreams;
  private Thread scrubThread;
  private Channel serverChannel;
  private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private DiskReplicaStore store;
  private NodeKeys keys;
  private final NodeCounters counters = new NodeCounters();
  private HttpServer http;
  private volatile boolean closed;

  /** A chunkserver on the system clock; nothing happens until {@link #start()}. */
  public ChunkServer(ChunkserverConfig config) {
    this(config, Clock.systemUTC());
  }

  /** A chunkserver whose scrubber reads {@code clock} (tests). */
  public ChunkServer(ChunkserverConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /**
   * Opens the data dir (node id, crash recovery), binds the port and starts the master session
   * and the scrubber in the background. Does not wait for the master.
   *
   * @throws ConfigException if the port is taken or the data dir cannot be written (one line
   *     naming the key and value)
   * @throws IOException if the data dir cannot be read
   */
  public synchronized void start() throws IOException {
    if (serverChannel != null) {
      throw new IllegalStateException("chunkserver already started");
    }
    Path dir = config.dataDir();
    prepareDataDir(dir);
    nodeId = NodeIdentity.loadOrCreate(dir);
    log.info("{}: starting with {}", nodeId, config);
    store = DiskReplicaStore.open(new StoreLayout(dir), config.capacity(),
        DiskReplicaStore.usableSpaceOf(dir), nodeId, CommitStep.Hook.NONE);

    boss = Transports.eventLoopGroup(1, "cs-accept");
    workers = Transports.eventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()),
        "cs-net");
    try {
      keys = identity(dir);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    ioPool = Executors.newFixedThreadPool(DISK_THREADS, daemon("cs-disk-%d"));
    commandPool = Executors.newFixedThreadPool(COMMAND_THREADS, daemon("cs-command-%d"));
    copyPool = Executors.newFixedThreadPool(RepairPacer.IDLE_COPIES, daemon("cs-copy-%d"));
    TransferSlots slots = new TransferSlots(config.maxTransfers());
    session = new MasterSession(nodeId, SOFTWARE, config.master(), ClusterMembership.load(dir),
        this::port, store, slots,
        workers.next(), MASTER_RPC_TIMEOUT, keys == null ? null : TlsContexts.node(keys),
        counters);
    // Pooled connections close after half the idle timeout, before the peer's own idle timeout
    // (the same setting, normally) could race a new stream on them.
    Duration idleAfter = config.idleTimeout().dividedBy(2);
    downstreams = new DownstreamPool(Transports.clientBootstrap(workers, PROGRESS_TIMEOUT), nodeId,
        SOFTWARE, PROGRESS_TIMEOUT, idleAfter, Ticker.systemTicker(),
        keys == null ? null : TlsContexts.node(keys));
    long sweep = Math.max(100, idleAfter.toMillis() / 2);
    // A periodic task that throws is never run again: each is guarded (see carryOn).
    workers.next().scheduleAtFixedRate(carryOn("closing idle downstream connections",
        downstreams::closeIdle), sweep, sweep, TimeUnit.MILLISECONDS);
    openReplicas = new OpenReplicas(store, OpenReplicas.DEFAULT_CAPACITY, Ticker.systemTicker());
    // Closing a file can free a deleted replica's blocks: done on the I/O pool, not a loop.
    Runnable sweepOpen = carryOn("closing idle replicas", openReplicas::sweep);
    workers.next().scheduleAtFixedRate(carryOn("scheduling the sweep of open replicas", () -> {
      try {
        ioPool.execute(sweepOpen);
      } catch (RejectedExecutionException e) {
        // Shutting down: close() drops every kept replica itself.
      }
    }), 1, 1, TimeUnit.SECONDS);
    // Small replicas are durable in the journal; this forces their own files once the kernel has
    // written them back, and drops the journal segments that are then no longer needed.
    workers.next().scheduleAtFixedRate(carryOn("scheduling the journal checkpoint", () -> {
      try {
        ioPool.execute(this::checkpoint);
      } catch (RejectedExecutionException e) {
        // Shutting down: close() checkpoints everything itself.
      }
    }), 1, 1, TimeUnit.SECONDS);
    // A write stream is held to the connection's idle timeout, counting only its data packets.
    tokens = TokenVerifier.load(nodeId, dir, clock);
    if (tokens.required()) {
      log.info("{}: chunk access tokens required (as a master said before); refusing reads and "
          + "writes until a master sends keys", nodeId);
    }
    session.onTokenKeys(tokens::update);
    ChunkServices svc = new ChunkServices(nodeId, SOFTWARE, store, ioPool, slots, session,
        PROGRESS_TIMEOUT, Ticker.systemTicker(), downstreams, openReplicas,
        config.idleTimeout(), tokens, new RepairPacer(Ticker.systemTicker(), Sleeper.REAL),
        counters);
    CommandRunner commands = CommandRunner.create(svc, commandPool, copyPool,
        session::commandDone);
    session.onCommands(commands::submit);

    bind(svc);
    try {
      http = ChunkserverMetrics.serve(nodeId, config.host(), config.httpPort(),
          keys == null ? null : TlsContexts.https(keys), counters, store, slots::active, dir);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    session.start();
    Scrubber scrubber = new Scrubber(nodeId, store, session,
        new TokenBucket(config.scrubRate(), config.scrubRate(), Ticker.systemTicker(),
            Sleeper.REAL), config.scrubInterval(), clock, Sleeper.REAL, counters);
    scrubThread = new Thread(scrubber, "cs-scrubber");
    scrubThread.setDaemon(true);
    scrubThread.start();
    log.info("{}: serving on {}:{}, master {}; {}", nodeId, config.host(), port(), config.master(),
        http == null ? "HTTP off (chunkserver.httpPort 0)"
            : "metrics at " + http.url() + "metrics");
  }

  /**
   * The node's TLS identity from {@code dir/tls}; joins first when there is none and a join token
   * is configured. Null means a plaintext node, for a cluster with {@code security: none}.
   */
  private NodeKeys identity(Path dir) throws IOException {
    Path tls = dir.resolve(TLS_DIR);
    NodeKeys loaded = NodeKeys.load(tls, TLS_NAME).orElse(null);
    if (loaded != null) {
      if (!loaded.node().nodeId().equals(nodeId)) {
        throw new ConfigException("chunkserver.dataDir " + dir + ": its certificate names "
            + loaded.node() + ", not this node " + nodeId + " (a data dir copied from another"
            + " node?)");
      }
      if (!config.joinToken().isEmpty()) {
        log.info("{}: already joined (certificate in {}); the join token is not needed", nodeId,
            tls);
      }
      return loaded;
    }
    if (config.joinToken().isEmpty()) {
      return null;
    }
    try {
      return Joiner.join(nodeId, SOFTWARE, config.master(), config.joinToken(), tls, TLS_NAME,
          workers, MASTER_RPC_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while joining the cluster", e);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("invalid chunkserver.joinToken: " + e.getMessage(), e);
    }
  }

  private void checkpoint() {
    try {
      store.checkpoint(false);
    } catch (Throwable e) {
      log.warn("{}: journal checkpoint failed (retried in a second): {}", nodeId, e.toString());
    }
  }

  /**
   * {@code task} made safe to run periodically: any throwable is logged (one line naming
   * {@code what}) instead of cancelling the schedule or killing the thread, and the next run
   * happens as planned.
   */
  private Runnable carryOn(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (Throwable t) {
        log.error("{}: {} failed, continuing: {}", nodeId, what, t.toString(), t);
      }
    };
  }

  private static void prepareDataDir(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException | SecurityException e) {
      throw new ConfigException("chunkserver.dataDir " + dir + ": cannot be created ("
          + e.getMessage() + ")", e);
    }
    if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
      throw new ConfigException("chunkserver.dataDir " + dir + ": is not a writable directory");
    }
  }

  private void bind(ChunkServices svc) {
    var bootstrap = Transports.serverBootstrap(boss, workers)
        // Read up to 1 MiB per syscall instead of Netty's default 64 KiB cap: a stream of 64 KiB
        // packets otherwise costs one read per packet, and a packet straddling two reads a copy.
        .childOption(ChannelOption.RCVBUF_ALLOCATOR, RECV_ALLOCATOR)
        .childHandler(new ChunkChannelInitializer(svc, config.idleTimeout(), children,
            config.maxConnections(), keys == null ? null : TlsContexts.server(keys)));
    var f = bootstrap.bind(config.host(), config.port()).awaitUninterruptibly();
    if (!f.isSuccess()) {
      Throwable cause = f.cause();
      close();
      String why = Transports.isAddressInUse(cause) ? "address already in use"
          : cause instanceof BindException ? "address not available on this host"
          : String.valueOf(cause.getMessage());
      throw new ConfigException("chunkserver.port " + config.port() + ": cannot listen on "
          + config.host() + ": " + why, cause);
    }
    serverChannel = f.channel();
  }

  private static ThreadFactory daemon(String format) {
    return new ThreadFactoryBuilder().setNameFormat(format).setDaemon(true).build();
  }

  /** The bound port (the configured one may be 0); -1 before start. */
  /** The chunk token check of this node (null before {@link #start()}). */
  public TokenVerifier tokens() {
    return tokens;
  }

  public int port() {
    Channel ch = serverChannel;
    return ch == null ? -1 : ((InetSocketAddress) ch.localAddress()).getPort();
  }

  /** The HTTP(S) listener, or null when {@code chunkserver.httpPort} is 0 (or before start). */
  public HttpServer http() {
    return http;
  }

  /** This node's stable id; null before start. */
  public String nodeId() {
    return nodeId;
  }

  /** The replica store (tests and status). */
  ReplicaStore store() {
    return store;
  }

  /** Connections accepted and still open (tests). */
  int acceptedConnections() {
    return children.size();
  }

  /** Whether this chunkserver is registered with its master now. */
  public boolean isRegistered() {
    MasterSession s = session;
    return s != null && s.isRegistered();
  }

  /** The master session (tests). */
  MasterSession masterSession() {
    return session;
  }

  /**
   * Stops accepting, aborts transfers in progress (their temporary files are removed), closes
   * files and stops every thread. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (http != null) {
      http.close();
    }
    if (serverChannel != null) {
      serverChannel.close().awaitUninterruptibly();
    }
    children.close().awaitUninterruptibly();
    if (openReplicas != null) {
      openReplicas.close();
    }
    if (downstreams != null) {
      downstreams.close();
    }
    if (session != null) {
      session.close();
    }
    if (scrubThread != null) {
      scrubThread.interrupt();
      joinQuietly(scrubThread);
    }
    if (commandPool != null) {
      commandPool.shutdownNow();
      awaitQuietly(commandPool);
    }
    if (copyPool != null) {
      copyPool.shutdownNow();
      awaitQuietly(copyPool);
    }
    if (ioPool != null) {
      // Queued aborts must still run: they remove the temporary files of interrupted writes.
      ioPool.shutdown();
      awaitQuietly(ioPool);
    }
    if (store != null) {
      // After the I/O pool: no commit is left between its journal record and its rename.
      store.close();
    }
    if (workers != null) {
      workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
    if (boss != null) {
      boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
    if (nodeId != null) {
      log.info("{}: stopped", nodeId);
    }
  }

  private static void joinQuietly(Thread t) {
    try {
      t.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitQuietly(ExecutorService e) {
    try {
      if (!e.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("executor did not stop within 10 s");
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }
}
