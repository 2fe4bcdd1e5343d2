package dev.granary.cli;

import dev.granary.chunkserver.ChunkServer;
import dev.granary.config.ChunkserverConfig;
import dev.granary.config.HostPort;
import dev.granary.config.MasterConfig;
import dev.granary.master.MasterServer;
import dev.granary.master.security.AdminBootstrap;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
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
  /**
   * Settings of a local cluster; {@link #defaults()} suits a demo. {@code security} is the
   * master's {@code security} mode (its default unless set). With {@code http} the master and
   * every chunkserver serve HTTP(S) on a free port each (kept across restarts); without it (the
   * default) none does. {@code dedup} is the master's {@code dedup} (default false).
   */
  public record Settings(int chunkservers, long chunkSize, int replication, int minReplicas,
      Duration pulseInterval, Duration deadAfter, Duration gcInterval, Duration scrubInterval,
      long capacity, String security, boolean http, boolean dedup) {
    /** Settings without deduplication (the master's default). */
    public Settings(int chunkservers, long chunkSize, int replication, int minReplicas,
        Duration pulseInterval, Duration deadAfter, Duration gcInterval, Duration scrubInterval,
        long capacity, String security, boolean http) {
      this(chunkservers, chunkSize, replication, minReplicas, pulseInterval, deadAfter, gcInterval,
          scrubInterval, capacity, security, http, false);
    }

    public static Settings defaults() {
      // Faster liveness and GC than a real cluster's, so a demo's failures show within seconds;
      // everything else is the keys' defaults.
      MasterConfig master = MasterConfig.defaults();
      ChunkserverConfig chunkserver = ChunkserverConfig.defaults();
      return new Settings(3, master.chunkSize(), master.replication(), master.minReplicas(),
          Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(2),
          chunkserver.scrubInterval(), chunkserver.capacity(), master.security(), false,
          master.dedup());
    }

    /** These settings with every node's HTTP(S) listener on (a free port each) or off. */
    public Settings withHttp(boolean on) {
      return new Settings(chunkservers, chunkSize, replication, minReplicas, pulseInterval,
          deadAfter, gcInterval, scrubInterval, capacity, security, on, dedup);
    }

    /** These settings with {@code master.security} set to {@code mode} ({@code tls} or {@code none}). */
    public Settings withSecurity(String mode) {
      return new Settings(chunkservers, chunkSize, replication, minReplicas, pulseInterval,
          deadAfter, gcInterval, scrubInterval, capacity, mode, http, dedup);
    }

    /** These settings with the master's {@code dedup} on or off. */
    public Settings withDedup(boolean on) {
      return new Settings(chunkservers, chunkSize, replication, minReplicas, pulseInterval,
          deadAfter, gcInterval, scrubInterval, capacity, security, http, on);
    }

    public boolean secured() {
      return security.equals(MasterConfig.TLS);
    }

    public Settings withChunkservers(int n) {
      return new Settings(n, chunkSize, replication, minReplicas, pulseInterval, deadAfter,
          gcInterval, scrubInterval, capacity, security, http, dedup);
    }

    public Settings withChunkSize(long size) {
      return new Settings(chunkservers, size, replication, minReplicas, pulseInterval, deadAfter,
          gcInterval, scrubInterval, capacity, security, http, dedup);
    }

    /** These settings with each chunkserver's {@code capacity} (0: its disk's free space). */
    public Settings withCapacity(long bytes) {
      return new Settings(chunkservers, chunkSize, replication, minReplicas, pulseInterval,
          deadAfter, gcInterval, scrubInterval, bytes, security, http, dedup);
    }

    public Settings withScrubInterval(Duration d) {
      return new Settings(chunkservers, chunkSize, replication, minReplicas, pulseInterval,
          deadAfter, gcInterval, d, capacity, security, http, dedup);
    }
  }

  private final Settings settings;
  private final Path root;
  private final boolean ownsRoot;
  private MasterServer master;
  private int masterPort;
  private final List<ChunkServer> chunkservers = new ArrayList<>();
  /** The HTTP ports chosen for the master (index 0) and chunkserver i (index i + 1). */
  private final List<Integer> httpPorts = new ArrayList<>();

  private LocalCluster(Settings settings, Path root, boolean ownsRoot) {
    this.settings = settings;
    this.root = root;
    this.ownsRoot = ownsRoot;
  }

  /** Starts a cluster under a new temporary directory that {@link #close()} deletes. */
  public static LocalCluster start(Settings settings) throws IOException {
    return start(settings, Files.createTempDirectory("granary-cluster-"), true);
  }

  /**
   * Starts a cluster under {@code root}; {@code deleteOnClose} says whether close removes it. A
   * secured master (settings' {@code security}) writes {@link #adminCredentials()} on its first
   * start, and the chunkservers join with its token.
   */
  public static LocalCluster start(Settings settings, Path root, boolean deleteOnClose)
      throws IOException {
    LocalCluster c = new LocalCluster(settings, root, deleteOnClose);
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

  /**
   * The authority's certificate a client of this cluster trusts, or null when it runs without
   * security.
   */
  public X509Certificate caCertificate() {
    return master == null || master.pki() == null ? null
        : master.pki().authority().certificate();
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
    MasterConfig defaults = MasterConfig.defaults();
    MasterConfig cfg = new MasterConfig("127.0.0.1", port, masterDataDir(), settings.chunkSize(),
        settings.replication(), settings.minReplicas(), settings.pulseInterval(),
        settings.deadAfter(), settings.gcInterval(), defaults.placement(),
        defaults.checkpointOps(), defaults.maxCopiesPerNode())
        .withSecurity(settings.security()).withHttpPort(httpPort(0))
        .withDedup(settings.dedup());
    MasterServer m = RestWiring.install(new MasterServer(cfg));
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
    ChunkserverConfig defaults = ChunkserverConfig.defaults();
    ChunkserverConfig cfg = new ChunkserverConfig("127.0.0.1", 0, masterAddress(),
        chunkserverDataDir(i), settings.capacity(), settings.scrubInterval(),
        defaults.scrubRate(), defaults.maxTransfers(), defaults.idleTimeout())
        .withHttpPort(httpPort(i + 1));
    if (settings.secured() && master != null) {
      // The local cluster wires what an operator would: a new node joins with the master's token
      // (a node that joined before keeps its certificate and ignores it).
      cfg = cfg.withJoinToken(master.joinToken());
    }
    ChunkServer cs = new ChunkServer(cfg);
    cs.start();
    chunkservers.set(i, cs);
  }

  /** Starts one more chunkserver on a new data dir; returns its index. */
  public int addChunkserver() throws IOException {
    chunkservers.add(null);
    int i = chunkservers.size() - 1;
    startChunkserver(i);
    return i;
  }

  /**
   * The HTTP port of node {@code n} (0 the master, i + 1 chunkserver i): 0 (off) unless the
   * settings ask for HTTP, else a port free when first asked and the same ever after, so a
   * restarted node serves where it did.
   */
  private int httpPort(int n) throws IOException {
    if (!settings.http()) {
      return 0;
    }
    while (httpPorts.size() <= n) {
      httpPorts.add(0);
    }
    if (httpPorts.get(n) == 0) {
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        httpPorts.set(n, probe.getLocalPort());
      }
    }
    return httpPorts.get(n);
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
