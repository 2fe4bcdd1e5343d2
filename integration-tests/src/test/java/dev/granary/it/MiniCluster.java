package dev.granary.it;

import dev.granary.chunkserver.ChunkServer;
import dev.granary.cli.LocalCluster;
import dev.granary.client.ClusterStatus;
import dev.granary.client.FsckReport;
import dev.granary.client.GranaryClient;
import dev.granary.config.ClientConfig;
import dev.granary.wire.ChunkHandles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A master and N chunkservers in this JVM on loopback (port 0, temp dirs), built by the same
 * {@link LocalCluster} wiring the {@code demo} command uses. Adds what tests need: clients, waiting
 * on a condition with a deadline (never a bare sleep), corrupting a replica on disk, and a dump of
 * the cluster's state for failure messages.
 */
public final class MiniCluster implements AutoCloseable {
  private final LocalCluster cluster;
  /** The superuser's credentials file, or null for a cluster without security. */
  private final Path admin;
  private final List<GranaryClient> clients = new ArrayList<>();

  private MiniCluster(LocalCluster cluster, Path admin) {
    this.cluster = cluster;
    this.admin = admin;
  }

  /**
   * Starts the cluster; when it is secured ({@code settings.security()} is {@code tls}) the
   * cluster's own clients ({@link #client()}, waits, dumps) use the admin credentials.
   */
  public static MiniCluster start(LocalCluster.Settings settings) throws IOException {
    LocalCluster lc = LocalCluster.start(settings);
    return started(new MiniCluster(lc, settings.secured() ? lc.adminCredentials() : null),
        settings);
  }

  private static MiniCluster started(MiniCluster mc, LocalCluster.Settings settings) {
    try {
      mc.awaitLive(settings.chunkservers(), Duration.ofSeconds(30));
    } catch (RuntimeException | Error e) {
      mc.close();
      throw e;
    }
    return mc;
  }

  public LocalCluster cluster() {
    return cluster;
  }

  /**
   * A client with a small cache and a short timeout (the admin when secured); closed with the
   * cluster.
   */
  public GranaryClient client() {
    return client(new ClientConfig(cluster.masterAddress(), 64L << 20, 4, Duration.ofSeconds(20),
        admin));
  }

  /** The admin credentials file of a secured cluster, or null. */
  public Path adminCredentials() {
    return admin;
  }

  private ClientConfig adminConfig(Duration timeout) {
    return new ClientConfig(cluster.masterAddress(), 0, 1, timeout, admin);
  }

  public GranaryClient client(ClientConfig config) {
    GranaryClient c = GranaryClient.open(config);
    clients.add(c);
    return c;
  }

  public ChunkServer chunkserver(int i) {
    return cluster.chunkserver(i);
  }

  /** Waits until {@code n} chunkservers are LIVE at the master. */
  public void awaitLive(int n, Duration timeout) {
    try (GranaryClient c = GranaryClient.open(adminConfig(Duration.ofSeconds(5)))) {
      Wait.until("" + n + " live chunkservers", timeout, () -> {
        ClusterStatus st = c.clusterStatus();
        return st.nodes().stream().filter(x -> x.state().equals("LIVE")).count() >= n;
      }, this::describe);
    }
  }

  /** Waits until fsck of / reports HEALTHY. */
  public void awaitHealthy(Duration timeout) {
    try (GranaryClient c = GranaryClient.open(adminConfig(Duration.ofSeconds(5)))) {
      Wait.until("fsck HEALTHY", timeout, () -> c.fsck("/").status().equals("HEALTHY"),
          this::describe);
    }
  }

  /** The replica data files ({@code *.chunk}) of {@code handle} on every chunkserver's disk. */
  public List<Path> replicaFiles(String handle) throws IOException {
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      Path dir = cluster.chunkserverDataDir(i);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> s = Files.walk(dir)) {
        s.filter(p -> {
          String name = p.getFileName().toString();
          String rel = dir.relativize(p).toString();
          return name.contains(handle) && name.endsWith(".chunk")
              && !rel.startsWith("quarantine") && !rel.startsWith("tmp");
        }).forEach(out::add);
      }
    }
    return out;
  }

  public List<Path> replicaFiles(long handle) throws IOException {
    return replicaFiles(ChunkHandles.format(handle));
  }

  /** Flips one byte of a replica file in place. */
  public static void flipByte(Path replica, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(replica.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0xFF);
      f.getFD().sync();
    }
  }

  /** A one-paragraph description of the cluster for failure messages. */
  public String describe() {
    try (GranaryClient c = GranaryClient.open(adminConfig(Duration.ofSeconds(2)))) {
      ClusterStatus st = c.clusterStatus();
      FsckReport f = c.fsck("/");
      return "cluster: " + st + "\nfsck: " + f;
    } catch (Exception e) {
      return "cluster state unavailable: " + e;
    }
  }

  @Override
  public void close() {
    for (GranaryClient c : clients) {
      c.close();
    }
    cluster.close();
  }
}
