package dev.granary.master;

import com.google.common.base.Ticker;
import dev.granary.config.ConfigException;
import dev.granary.config.MasterConfig;
import dev.granary.master.journal.CorruptJournalException;
import dev.granary.master.journal.MetadataStore;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.master.net.AllocateChunkHandler;
import dev.granary.master.net.ClusterStatusHandler;
import dev.granary.master.net.CommandResultHandler;
import dev.granary.master.net.CommitFileHandler;
import dev.granary.master.net.DeleteHandler;
import dev.granary.master.net.FsckHandler;
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
import dev.granary.master.net.ServerDefaultsHandler;
import dev.granary.master.net.StatHandler;
import dev.granary.master.placement.PlacementPolicy;
import dev.granary.master.replication.ChunkManager;
import dev.granary.wire.net.Transports;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
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

  private final MasterConfig config;
  private final Clock clock;
  private final Ticker ticker;
  private String masterId = "";
  private MetadataStore store;
  private ChunkManager chunks;
  private MetadataService service;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private Channel serverChannel;
  private ScheduledExecutorService tickExecutor;
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
    this.config = config;
    this.clock = clock;
    this.ticker = ticker;
  }

  /**
   * Loads the metadata and starts serving.
   *
   * @throws ConfigException one line naming the key and value if the port is taken or the data
   *     directory cannot be created, written or read
   * @throws CorruptJournalException if the operation log or checkpoint is corrupt (not just a torn
   *     last line); its message names the file and line
   * @throws IOException for other I/O failures while loading
   */
  public synchronized void start() throws IOException {
    Path dataDir = config.dataDir();
    prepareDataDir(dataDir);
    masterId = loadOrCreateId(dataDir);
    log.info("{}: starting with {}", masterId, config);
    try {
      store = MetadataStore.open(dataDir, config.checkpointOps(), masterId);
    } catch (CorruptJournalException e) {
      throw e;
    } catch (AccessDeniedException e) {
      throw new ConfigException("master.dataDir " + dataDir + ": cannot read "
          + e.getFile() + " (permission denied)", e);
    }
    MetadataImage image = store.image();
    ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    ChunkManager.Settings settings = new ChunkManager.Settings(config.pulseInterval(),
        config.deadAfter(), config.gcInterval(), config.chunkSize(), config.minReplicas(),
        config.maxCopiesPerNode(), COPY_TIMEOUT, config.leaseTimeout());
    chunks = new ChunkManager(masterId, settings, image.namespace(),
        PlacementPolicy.forName(config.placement()), ticker, lock,
        new JournaledDigestLog(image, store.journal(), clock));
    chunks.inherit(image.reservedUpTo(), store.recovered().released());
    service = new MetadataService(image, store.journal(), chunks, clock, lock);
    RequestDispatcher dispatcher = new RequestDispatcher(masterId, List.of(
        new PingHandler(), new ServerDefaultsHandler(config),
        new AllocateChunkHandler(service), new CommitFileHandler(service),
        new RenewLeaseHandler(service),
        new LookupHandler(service), new ListHandler(service), new StatHandler(service),
        new MkdirHandler(service), new DeleteHandler(service), new RenameHandler(service),
        new ClusterStatusHandler(chunks, masterId, ticker), new FsckHandler(chunks),
        new ReportBadReplicaHandler(chunks),
        new RegisterHandler(chunks, masterId, config.pulseInterval()), new PulseHandler(chunks),
        new ReplicaReportHandler(chunks), new CommandResultHandler(chunks)));
    boss = Transports.eventLoopGroup(1, masterId + "-accept");
    workers = Transports.eventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()),
        masterId + "-io");
    try {
      serverChannel = Transports.serverBootstrap(boss, workers)
          .childHandler(new MasterChannelInitializer(masterId, SOFTWARE, IDLE_TIMEOUT, dispatcher))
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
    long period = Math.max(10, config.pulseInterval().toMillis() / 2);
    tickExecutor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, masterId + "-tick");
      t.setDaemon(true);
      return t;
    });
    tickExecutor.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    log.info("{}: serving on {}:{} ({} files, {} directories, {} chunks)", masterId,
        config.host(), port, image.namespace().fileCount(), image.namespace().directoryCount(),
        image.namespace().chunkCount());
  }

  private void tick() {
    try {
      chunks.tick();
      chunks.expireCommitWaits();
    } catch (RuntimeException e) {
      log.error("{}: periodic tick failed", masterId, e);
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
    } catch (IOException e) {
      throw new ConfigException("master.dataDir " + dir + ": not writable", e);
    }
  }

  private static String loadOrCreateId(Path dir) {
    Path f = dir.resolve(ID_FILE);
    try {
      if (Files.exists(f)) {
        String id = Files.readString(f, StandardCharsets.UTF_8).strip();
        if (!id.isEmpty()) {
          return id;
        }
      }
      String id = "master-" + UUID.randomUUID().toString().substring(0, 8);
      Path tmp = dir.resolve(ID_FILE + ".tmp");
      Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
      Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return id;
    } catch (IOException e) {
      throw new ConfigException("master.dataDir " + dir + ": cannot read or write " + f + " ("
          + e.getClass().getSimpleName() + ")", e);
    }
  }

  /** The port actually bound (useful with port 0). */
  public synchronized int port() {
    return port;
  }

  /** This master's stable id (kept in the data directory). */
  public synchronized String masterId() {
    return masterId;
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
    if (serverChannel != null) {
      serverChannel.close().syncUninterruptibly();
    }
    if (tickExecutor != null) {
      tickExecutor.shutdownNow();
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
