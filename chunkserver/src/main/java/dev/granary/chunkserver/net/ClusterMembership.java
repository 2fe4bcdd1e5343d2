package dev.granary.chunkserver.net;

import dev.granary.chunkserver.storage.StoreLayout;
import dev.granary.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The cluster this chunkserver belongs to, kept in {@code <dataDir>/cluster-id}: empty until the
 * node first registers with a master, then that master's cluster id, written durably before the
 * node reports a single replica. From then on the node only ever registers with masters of that
 * cluster, so a master started on an empty or another cluster's data dir cannot take its
 * replicas for garbage.
 */
public final class ClusterMembership {
  static final String FILE = "cluster-id";
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private final Path dataDir;
  private volatile String clusterId;

  private ClusterMembership(Path dataDir, String clusterId) {
    this.dataDir = dataDir;
    this.clusterId = clusterId;
  }

  /**
   * Loads the membership kept in {@code dataDir} (none yet: empty).
   *
   * @throws ConfigException if the file exists but does not hold a valid cluster id
   */
  public static ClusterMembership load(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (!Files.exists(file)) {
      return new ClusterMembership(dataDir, "");
    }
    String id = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (!VALID.matcher(id).matches()) {
      throw new ConfigException("chunkserver.dataDir " + dataDir + ": " + file
          + " does not hold a valid cluster id (expected 1-128 of [A-Za-z0-9._-])");
    }
    return new ClusterMembership(dataDir, id);
  }

  /** The cluster joined, or {@code ""} before the first registration. */
  public String clusterId() {
    return clusterId;
  }

  /**
   * Joins {@code id} for good (durably) if no cluster was joined yet.
   *
   * @return whether this node now belongs to {@code id}: false if it belongs to another cluster
   * @throws IOException if the id cannot be written (the node must not report then)
   */
  synchronized boolean join(String id) throws IOException {
    if (clusterId.isEmpty()) {
      if (!VALID.matcher(id).matches()) {
        return false;
      }
      StoreLayout.writeDurably(dataDir, FILE, id + "\n");
      clusterId = id;
      return true;
    }
    return clusterId.equals(id);
  }
}
