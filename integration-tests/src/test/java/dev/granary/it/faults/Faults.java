package dev.granary.it.faults;

import dev.granary.client.ChunkInfo;
import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryException;
import dev.granary.client.NodeStatus;
import dev.granary.client.WriteOptions;
import dev.granary.it.ProcessCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What the fault scenarios share: one set of fast timings (1 MiB chunks, 200 ms pulses, DEAD
 * after 3 s, GC every 2 s) so each scenario takes seconds, content with a known seed, and checks
 * against the replica files on the chunkservers' disks.
 */
final class Faults {
  static final int MiB = 1024 * 1024;
  static final int CHUNK = MiB;
  static final Duration PULSE = Duration.ofMillis(200);
  static final Duration DEAD_AFTER = Duration.ofSeconds(3);
  static final Duration GC_INTERVAL = Duration.ofSeconds(2);
  /** Slack for JVM noise on a loaded machine (GC pauses, a busy CPU), on top of a promised bound. */
  static final Duration MARGIN = Duration.ofSeconds(1);
  /** Long enough for a client to ride out a master restart. */
  static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

  private Faults() {}

  static List<String> masterFlags() {
    return List.of("--chunk-size", "1MiB", "--pulse-interval", PULSE.toMillis() + "ms",
        "--dead-after", DEAD_AFTER.toSeconds() + "s", "--gc-interval",
        GC_INTERVAL.toSeconds() + "s");
  }

  /** Starts a master and {@code chunkservers} chunkservers and waits until all are LIVE. */
  static ProcessCluster start(Path dir, int chunkservers) throws IOException {
    return ProcessCluster.started(dir, masterFlags(), chunkservers);
  }

  static byte[] data(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  /** Replication 3 and 1 MiB chunks, as the master's defaults here, spelled out. */
  static WriteOptions options(boolean overwrite) {
    return new WriteOptions(3, overwrite, CHUNK);
  }

  static void write(GranaryClient c, String path, byte[] data, boolean overwrite)
      throws IOException, GranaryException {
    try (OutputStream out = c.create(path, options(overwrite))) {
      out.write(data);
    }
  }

  static byte[] read(GranaryClient c, String path) throws IOException, GranaryException {
    try (InputStream in = c.open(path)) {
      return in.readAllBytes();
    }
  }

  /** The chunks of {@code path}, fresh from the master. */
  static List<ChunkInfo> chunks(GranaryClient c, String path) throws GranaryException {
    return c.statWithChunks(path).chunks();
  }

  static List<String> handles(GranaryClient c, String path) throws GranaryException {
    List<String> out = new ArrayList<>();
    for (ChunkInfo ch : chunks(c, path)) {
      out.add(ch.handle());
    }
    return out;
  }

  /** The bytes chunk {@code index} of {@code file} holds. */
  static byte[] chunkBytes(byte[] file, int index) {
    int from = index * CHUNK;
    return Arrays.copyOfRange(file, from, Math.min(file.length, from + CHUNK));
  }

  /** Flips every bit of one byte of a replica file in place, and forces it to disk. */
  static void flipByte(Path replica, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(replica.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0xFF);
      f.getFD().sync();
    }
  }

  /**
   * Whether {@code handle} has exactly {@code n} replica files across every disk (running
   * chunkservers or not) and each holds exactly {@code expected}.
   */
  static boolean replicasAre(ProcessCluster cluster, String handle, int n, byte[] expected)
      throws IOException {
    List<Path> files = cluster.replicaFiles(handle);
    if (files.size() != n) {
      return false;
    }
    for (Path f : files) {
      if (!Arrays.equals(expected, Files.readAllBytes(f))) {
        return false;
      }
    }
    return true;
  }

  /** One line per replica file of {@code handle}: where, how long, whether it holds the bytes. */
  static String describeReplicas(ProcessCluster cluster, String handle, byte[] expected) {
    StringBuilder sb = new StringBuilder("replicas of " + handle + ":");
    for (Path f : cluster.replicaFiles(handle)) {
      try {
        byte[] b = Files.readAllBytes(f);
        sb.append("\n  ").append(cluster.dir().relativize(f)).append(' ').append(b.length)
            .append(" bytes, ").append(expected == null ? "(no expectation)"
                : Arrays.equals(expected, b) ? "correct" : "DIFFERENT");
      } catch (IOException e) {
        sb.append("\n  ").append(f).append(": ").append(e);
      }
    }
    return sb.toString();
  }

  /** The master's view of chunkserver {@code i}, or null if it does not know it. */
  static NodeStatus node(GranaryClient c, ProcessCluster cluster, int i) throws GranaryException {
    String address = "127.0.0.1:" + cluster.chunkserverPort(i);
    for (NodeStatus n : c.clusterStatus().nodes()) {
      if (n.address().equals(address)) {
        return n;
      }
    }
    return null;
  }

  /** The chunkserver holding the most replicas of {@code paths}' chunks. */
  static int busiestChunkserver(GranaryClient c, ProcessCluster cluster, List<String> paths)
      throws GranaryException {
    int[] count = new int[cluster.chunkserverCount()];
    for (String p : paths) {
      for (ChunkInfo ch : chunks(c, p)) {
        for (String r : ch.replicas()) {
          int i = cluster.chunkserverIndex(r);
          if (i >= 0) {
            count[i]++;
          }
        }
      }
    }
    int best = 0;
    for (int i = 1; i < count.length; i++) {
      if (count[i] > count[best]) {
        best = i;
      }
    }
    return best;
  }
}
