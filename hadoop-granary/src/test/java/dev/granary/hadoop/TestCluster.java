package dev.granary.hadoop;

import dev.granary.chunkserver.ChunkServer;
import dev.granary.client.ClusterStatus;
import dev.granary.client.GranaryClient;
import dev.granary.config.ChunkserverConfig;
import dev.granary.config.ClientConfig;
import dev.granary.config.HostPort;
import dev.granary.config.MasterConfig;
import dev.granary.master.MasterServer;
import dev.granary.master.security.AdminBootstrap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one Granary cluster every test of this module runs against: a master and three
 * chunkservers in this JVM on free loopback ports, with {@code security: tls}, built with the
 * constructors the {@code master} and {@code chunkserver} commands use. A test class joins it with
 * {@code @ExtendWith(TestCluster.Join.class)}; the first one starts it, and JUnit closes it when
 * the whole run ends (it lives in the root context's store).
 *
 * <p>Chunks are 1 MiB, so files of a few MiB have several chunks, each on three replicas.
 */
final class TestCluster implements ExtensionContext.Store.CloseableResource {
  static final long CHUNK_SIZE = 1 << 20;
  private static final int CHUNKSERVERS = 3;
  private static volatile TestCluster shared;

  private final Path root;
  private MasterServer master;
  private final List<ChunkServer> chunkservers = new ArrayList<>();

  private TestCluster(Path root) {
    this.root = root;
  }

  /** Joins a test class to the shared cluster, starting it if it is the first. */
  static final class Join implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
      shared = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
          .getOrComputeIfAbsent(TestCluster.class, k -> start(), TestCluster.class);
    }
  }

  /** The shared cluster; the calling test class must be extended with {@link Join}. */
  static TestCluster get() {
    TestCluster c = shared;
    if (c == null) {
      throw new IllegalStateException("no cluster: annotate the test class with "
          + "@ExtendWith(TestCluster.Join.class)");
    }
    return c;
  }

  private static TestCluster start() {
    TestCluster c;
    try {
      c = new TestCluster(Files.createTempDirectory("granary-hadoop-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      c.startNodes();
      c.awaitLive(Duration.ofSeconds(30));
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  private void startNodes() throws IOException {
    MasterConfig defaults = MasterConfig.defaults();
    MasterConfig cfg = new MasterConfig("127.0.0.1", 0, root.resolve("master"), CHUNK_SIZE, 3,
        defaults.minReplicas(), Duration.ofMillis(200), Duration.ofSeconds(2),
        Duration.ofSeconds(2), defaults.placement(), defaults.checkpointOps(),
        defaults.maxCopiesPerNode()).withSecurity(MasterConfig.TLS);
    master = new MasterServer(cfg);
    master.start();
    ChunkserverConfig cs = ChunkserverConfig.defaults();
    for (int i = 0; i < CHUNKSERVERS; i++) {
      ChunkServer server = new ChunkServer(new ChunkserverConfig("127.0.0.1", 0, masterAddress(),
          root.resolve("chunkserver-" + i), cs.capacity(), cs.scrubInterval(), cs.scrubRate(),
          cs.maxTransfers(), cs.idleTimeout()).withJoinToken(master.joinToken()));
      server.start();
      chunkservers.add(server);
    }
  }

  /** Polls the master until every chunkserver is LIVE, failing after {@code timeout}. */
  private void awaitLive(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer yet";
    try (GranaryClient c = GranaryClient.open(new ClientConfig(masterAddress(), 0, 1,
        Duration.ofSeconds(5), adminCredentials()))) {
      while (System.nanoTime() < deadline) {
        try {
          ClusterStatus st = c.clusterStatus();
          last = st.toString();
          if (st.nodes().stream().filter(n -> n.state().equals("LIVE")).count()
              >= CHUNKSERVERS) {
            return;
          }
        } catch (Exception e) {
          last = e.toString();
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted waiting for the chunkservers", e);
        }
      }
    }
    throw new IOException(CHUNKSERVERS + " chunkservers not LIVE within " + timeout + ": " + last);
  }

  HostPort masterAddress() {
    return new HostPort("127.0.0.1", master.port());
  }

  /** {@code granary://127.0.0.1:PORT}. */
  URI uri() {
    return URI.create(GranaryFileSystem.SCHEME + "://" + masterAddress());
  }

  /** The superuser's credentials file the master wrote on its first start. */
  Path adminCredentials() {
    return root.resolve("master").resolve(AdminBootstrap.FILE);
  }

  /** {@code conf} set up to reach this cluster as the superuser. */
  Configuration configure(Configuration conf) {
    conf.set(ConnectorConfig.CREDENTIALS, adminCredentials().toString());
    conf.set("fs.granary.timeout", "20s");
    return conf;
  }

  /** A fresh configuration for this cluster (Hadoop's defaults plus the credentials). */
  Configuration configuration() {
    return configure(new Configuration());
  }

  @Override
  public void close() {
    for (ChunkServer cs : chunkservers) {
      cs.close();
    }
    if (master != null) {
      master.close();
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A leftover temp dir is harmless and clearly named.
    }
  }
}
