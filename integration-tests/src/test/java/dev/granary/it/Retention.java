package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.granary.cli.LocalCluster;
import dev.granary.client.ChunkInfo;
import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryException;
import dev.granary.client.WriteOptions;
import dev.granary.config.ClientConfig;
import dev.granary.config.MasterConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the tests of versions, snapshots, trash and policies share: a {@code tls} MiniCluster of
 * three chunkservers with 64 KiB chunks and fast pulses and GC (so a freed chunk leaves the disks
 * within a second or so), content with a known seed, and checks against the replica files on the
 * chunkservers' disks, the only place where "freed" and "kept" can be seen for real.
 */
final class Retention {
  static final int CHUNK = 64 * 1024;
  static final int REPLICAS = 3;
  static final Duration GC_INTERVAL = Duration.ofMillis(300);
  /** How long a freed chunk may take to leave every disk: a few pulses and GC rounds, plus slack. */
  static final Duration FREED_WITHIN = Duration.ofSeconds(20);

  private Retention() {}

  /**
   * The cluster of one test class, as a static {@code @RegisterExtension} field: started before
   * its first test, stopped after its last, whatever happened.
   */
  static final class Cluster implements BeforeAllCallback, AfterAllCallback {
    private MiniCluster mini;
    private GranaryClient client;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
      mini = start();
      client = Retention.client(mini);
    }

    @Override
    public void afterAll(ExtensionContext context) {
      if (mini != null) {
        mini.close();
      }
    }

    MiniCluster mini() {
      return mini;
    }

    /** The superuser's client without a block cache. */
    GranaryClient client() {
      return client;
    }
  }

  /** Starts the cluster: replication 3 on 3 chunkservers, GC every 300 ms, security tls. */
  static MiniCluster start() throws IOException {
    return MiniCluster.start(settings(CHUNK));
  }

  /** The settings of {@link #start()} with chunks of {@code chunkSize}. */
  static LocalCluster.Settings settings(long chunkSize) {
    LocalCluster.Settings d = LocalCluster.Settings.defaults();
    return new LocalCluster.Settings(3, chunkSize, REPLICAS, 2, Duration.ofMillis(200),
        Duration.ofSeconds(3), GC_INTERVAL, d.scrubInterval(), d.capacity(), MasterConfig.TLS,
        false);
  }

  /** The superuser's client without a block cache: every read fetches real bytes. */
  static GranaryClient client(MiniCluster m) {
    return m.client(new ClientConfig(m.cluster().masterAddress(), 0, 4, Duration.ofSeconds(20),
        m.adminCredentials()));
  }

  static byte[] data(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  /**
   * Writes {@code data} to {@code path} with 64 KiB chunks and the replication its directory's
   * policy or the cluster gives (none asked for), as {@code put} without {@code --replication}.
   */
  static void write(GranaryClient c, String path, byte[] data, boolean overwrite)
      throws IOException, GranaryException {
    WriteOptions options = WriteOptions.defaults().withOverwrite(overwrite).withChunkSize(CHUNK);
    try (OutputStream out = c.create(path, options)) {
      out.write(data);
    }
  }

  /** Version {@code version} of {@code path} ({@link GranaryClient#CURRENT}: its contents now). */
  static byte[] read(GranaryClient c, String path, long version)
      throws IOException, GranaryException {
    try (InputStream in = c.open(path, version)) {
      return in.readAllBytes();
    }
  }

  static byte[] read(GranaryClient c, String path) throws IOException, GranaryException {
    return read(c, path, GranaryClient.CURRENT);
  }

  /** The chunk handles of {@code path}'s current contents, fresh from the master. */
  static List<String> handles(GranaryClient c, String path) throws GranaryException {
    List<String> out = new ArrayList<>();
    for (ChunkInfo ch : c.statWithChunks(path).chunks()) {
      out.add(ch.handle());
    }
    return out;
  }

  /** Union of handle lists, in order. */
  @SafeVarargs
  static Set<String> union(Collection<String>... lists) {
    Set<String> out = new LinkedHashSet<>();
    for (Collection<String> l : lists) {
      out.addAll(l);
    }
    return out;
  }

  /** Waits until no chunkserver's disk holds a replica file of any of {@code handles}. */
  static void awaitFreed(MiniCluster m, Collection<String> handles, String what) {
    Wait.until(what + ": every replica of " + handles + " gone from the disks", FREED_WITHIN,
        () -> {
          for (String h : handles) {
            if (!m.replicaFiles(h).isEmpty()) {
              return false;
            }
          }
          return true;
        }, () -> onDisk(m, handles) + "\n" + m.describe());
  }

  /** Asserts every one of {@code handles} still has all its replica files on the disks. */
  static void assertKept(MiniCluster m, Collection<String> handles, String what)
      throws IOException {
    for (String h : handles) {
      assertEquals(REPLICAS, m.replicaFiles(h).size(), () -> what + ": chunk " + h
          + " lost replicas\n" + onDisk(m, handles) + "\n" + m.describe());
    }
  }

  /** One line per handle: how many replica files of it the disks hold. */
  static String onDisk(MiniCluster m, Collection<String> handles) {
    StringBuilder sb = new StringBuilder("replica files on disk:");
    for (String h : handles) {
      try {
        sb.append("\n  ").append(h).append(": ").append(m.replicaFiles(h).size());
      } catch (IOException e) {
        sb.append("\n  ").append(h).append(": ").append(e);
      }
    }
    return sb.toString();
  }
}
