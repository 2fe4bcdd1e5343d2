package dev.granary.cli;

import com.google.common.base.Ticker;
import dev.granary.chunkserver.ChunkServer;
import dev.granary.config.ChunkserverConfig;
import dev.granary.config.HostPort;
import dev.granary.config.MasterConfig;
import dev.granary.master.MasterServer;
import dev.granary.master.journal.LogStorage;
import dev.granary.master.security.AdminBootstrap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A master and N chunkservers in this JVM on free loopback ports, each with its own data dir under
 * one root. Used by {@code granary demo} and, through the integration tests' MiniCluster, by tests;
 * it builds the servers with the same constructors the {@code master} and {@code chunkserver}
 * commands use. Nodes can be stopped and restarted on their data dirs.
 */
public final class LocalCluster implements AutoCloseable {
  /** Settings of a local cluster; {@link #defaults()} suits a demo. */
  public record Settings(int chunkservers, long chunkSize, int replication, int minReplicas,
      Duration pulseInterval, Duration deadAfter, Duration gcInterval, Duration scrubInterval,
      long capacity) {
    public static Settings defaults() {
      return new Settings(3, 64L << 20, 3, 2, Duration.ofMillis(200), Duration.ofSeconds(2),
          Duration.ofSeconds(2), Duration.ofHours(1), 0);
    }

    public Settings withChunkservers(int n) {
      return new Settings(n, chunkSize, replication, minReplicas, pulseInterval, deadAfter,
          gcInterval, scrubInterval, capacity);
    }

    public Settings withChunkSize(long size) {
      return new Settings(chunkservers, size, replication, minReplicas, pulseInterval, deadAfter,
          gcInterval, scrubInterval, capacity);
    }

    public Settings withScrubInterval(Duration d) {
      return new Settings(chunkservers, chunkSize, replication, minReplicas, pulseInterval,
          deadAfter, gcInterval, d, capacity);
    }
  }

  private final Settings settings;
  private final Path root;
  private final boolean ownsRoot;
  /** {@code master.security} of the master, and the authority's PEM it hands out when secured. */
  private final String security;
  private final String caCertPem;
  private MasterServer master;
  private int masterPort;
  private final List<ChunkServer> chunkservers = new ArrayList<>();

  private LocalCluster(Settings settings, Path root, boolean ownsRoot, String security,
      String caCertPem) {
    this.settings = settings;
    this.root = root;
    this.ownsRoot = ownsRoot;
    this.security = security;
    this.caCertPem = caCertPem;
  }

  /** Starts a cluster under a new temporary directory that {@link #close()} deletes. */
  public static LocalCluster start(Settings settings) throws IOException {
    return start(settings, Files.createTempDirectory("granary-cluster-"), true);
  }

  /** Starts a cluster under {@code root}; {@code deleteOnClose} says whether close removes it. */
  public static LocalCluster start(Settings settings, Path root, boolean deleteOnClose)
      throws IOException {
    return start(settings, root, deleteOnClose, MasterConfig.NONE, null);
  }

  /**
   * Starts a cluster under {@code root} whose master runs with {@code security} ({@code tls} or
   * {@code none}), handing out {@code caCertPem} in credentials files when secured. A secured
   * master writes {@link #adminCredentials()} on its first start.
   */
  public static LocalCluster start(Settings settings, Path root, boolean deleteOnClose,
      String security, String caCertPem) throws IOException {
    LocalCluster c = new LocalCluster(settings, root, deleteOnClose, security, caCertPem);
    try {
      c.startMaster(0);
      for (int i = 0; i < settings.chunkservers(); i++) {
        c.chunkservers.add(null);
        c.startChunkserver(i);
      }
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  public Settings settings() {
    return settings;
  }

  public Path root() {
    return root;
  }

  public HostPort masterAddress() {
    return new HostPort("127.0.0.1", masterPort);
  }

  public MasterServer master() {
    return master;
  }

  public int size() {
    return chunkservers.size();
  }

  /** Chunkserver {@code i}, or null while it is stopped. */
  public ChunkServer chunkserver(int i) {
    return chunkservers.get(i);
  }

  public Path chunkserverDataDir(int i) {
    return root.resolve("chunkserver-" + i);
  }

  public Path masterDataDir() {
    return root.resolve("master");
  }

  /** The superuser's credentials file a secured master writes in its data dir. */
  public Path adminCredentials() {
    return masterDataDir().resolve(AdminBootstrap.FILE);
  }

  /** Starts (or restarts) the master on {@code port} (0 = a free port, fixed thereafter). */
  public void startMaster(int port) throws IOException {
    MasterConfig cfg = new MasterConfig("127.0.0.1", port, masterDataDir(), settings.chunkSize(),
        settings.replication(), settings.minReplicas(), settings.pulseInterval(),
        settings.deadAfter(), settings.gcInterval(), MasterConfig.ROUND_ROBIN, 100_000, 2)
        .withSecurity(security);
    MasterServer m = new MasterServer(cfg, Clock.systemUTC(), Ticker.systemTicker(),
        LogStorage.DEFAULT, caCertPem);
    m.start();
    master = m;
    masterPort = m.port();
  }

  /** Stops the master; chunkservers keep retrying until it is back. */
  public void stopMaster() {
    if (master != null) {
      master.close();
      master = null;
    }
  }

  /** Restarts the master on its data dir and its old port. */
  public void restartMaster() throws IOException {
    stopMaster();
    startMaster(masterPort);
  }

  public void startChunkserver(int i) throws IOException {
    ChunkserverConfig cfg = new ChunkserverConfig("127.0.0.1", 0, masterAddress(),
        chunkserverDataDir(i), settings.capacity(), settings.scrubInterval(), 64L << 20, 64,
        Duration.ofMinutes(1));
    ChunkServer cs = new ChunkServer(cfg);
    cs.start();
    chunkservers.set(i, cs);
  }

  public void stopChunkserver(int i) {
    ChunkServer cs = chunkservers.get(i);
    if (cs != null) {
      cs.close();
      chunkservers.set(i, null);
    }
  }

  @Override
  public void close() {
    for (int i = 0; i < chunkservers.size(); i++) {
      stopChunkserver(i);
    }
    stopMaster();
    if (ownsRoot) {
      deleteTree(root);
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // Best effort: a temp dir left behind is harmless.
        }
      });
    } catch (IOException e) {
      // Best effort, as above.
    }
  }
}
