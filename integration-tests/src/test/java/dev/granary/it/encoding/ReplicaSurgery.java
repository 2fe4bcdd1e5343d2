package dev.granary.it.encoding;

import dev.granary.chunkserver.storage.CorruptReplicaException;
import dev.granary.chunkserver.storage.MetaFile;
import dev.granary.chunkserver.storage.ReplicaMeta;
import dev.granary.chunkserver.storage.StoreLayout;
import dev.granary.client.ChunkInfo;
import dev.granary.client.GranaryClient;
import dev.granary.it.MiniCluster;
import dev.granary.it.Wait;
import dev.granary.wire.Checksums;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Limits;
import dev.granary.wire.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Rewrites bytes of replicas on the chunkservers' disks the way an attacker with the disks would:
 * the data file changes and its meta file ({@code replicas/H.meta}, see chunkserver/README.md) is
 * made to agree, every 64 KiB block CRC32C, the CRC-based digest the master compares, the SHA-256
 * a copy is checked against, and the meta file's own CRC32C. A replica so rewritten passes every
 * check a chunkserver and a client make with checksums; only authenticated encryption can tell.
 *
 * <p>Chunkservers keep the CRCs of open replicas in memory, and the master remembers each chunk's
 * digest and outvotes a lone replica that disagrees with it. So {@link #operate} stops the master
 * and every chunkserver holding the replicas, rewrites them, and starts the master and then the
 * chunkservers again: the replicas then report the new digest unopposed, the master's vote takes
 * it, and the chunks are served again. The rewrite must keep each replica's length.
 *
 * <pre>{@code
 * ReplicaSurgery.operate(mini, client, Map.of(handle, "/f"), () -> {
 *   for (Path r : ReplicaSurgery.replicasOf(mini, handle)) {
 *     ReplicaSurgery.rewrite(r, handle, offset, newBytes);
 *   }
 * });
 * }</pre>
 */
public final class ReplicaSurgery {
  /** How long the cluster may take to be back with every rewritten chunk served. */
  public static final Duration BACK_WITHIN = Duration.ofSeconds(30);

  private ReplicaSurgery() {}

  /** An edit of the replica files, done while every node is stopped. */
  @FunctionalInterface
  public interface Edit {
    void apply() throws IOException;
  }

  /** The bytes of a replica's data file. */
  public static byte[] read(Path replica) throws IOException {
    return Files.readAllBytes(replica);
  }

  /**
   * Replaces the data file {@code replica} (of chunk {@code handle}) with {@code content} of the
   * same length and rewrites its meta file to match. The node holding it must be stopped.
   *
   * @throws IllegalArgumentException if {@code content} has another length
   */
  public static void replace(Path replica, String handle, byte[] content) throws IOException {
    long h = ChunkHandles.parse(handle);
    Path meta = metaOf(replica);
    MetaFile.Contents old;
    try {
      old = MetaFile.read(meta, h);
    } catch (CorruptReplicaException e) {
      throw new IOException("meta file " + meta + " is not readable before the surgery", e);
    }
    if (old.meta().length() != content.length) {
      throw new IllegalArgumentException("replica " + replica + " holds " + old.meta().length()
          + " bytes; a rewrite must keep the length, not make it " + content.length);
    }
    int blocks = Checksums.blockCount(content.length);
    int[] crcs = new int[blocks];
    for (int i = 0; i < blocks; i++) {
      int off = i * Limits.BLOCK_SIZE;
      crcs[i] = Checksums.crc32c(content, off, Math.min(Limits.BLOCK_SIZE, content.length - off));
    }
    long digest = Checksums.digest(content.length, crcs, blocks);
    Sha256 sha = Sha256.of(Sha256.newDigest().digest(content));
    ReplicaMeta m = new ReplicaMeta(h, old.meta().version(), content.length, digest, sha);
    ByteBuffer encoded = MetaFile.encode(m, crcs);
    byte[] metaBytes = new byte[encoded.remaining()];
    encoded.get(metaBytes);
    Files.write(replica, content, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.SYNC);
    Files.write(meta, metaBytes, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.SYNC);
  }

  /** Overwrites {@code bytes} at {@code offset} of {@code replica}, fixing its meta file. */
  public static void rewrite(Path replica, String handle, int offset, byte[] bytes)
      throws IOException {
    byte[] content = read(replica);
    System.arraycopy(bytes, 0, content, offset, bytes.length);
    replace(replica, handle, content);
  }

  private static Path metaOf(Path replica) {
    String name = replica.getFileName().toString();
    if (!name.endsWith(StoreLayout.CHUNK_SUFFIX)) {
      throw new IllegalArgumentException(replica + " is not a replica data file");
    }
    return replica.resolveSibling(name.substring(0, name.length()
        - StoreLayout.CHUNK_SUFFIX.length()) + StoreLayout.META_SUFFIX);
  }

  /**
   * Stops the master and every chunkserver holding a replica of the chunks in
   * {@code pathByHandle} (handle to the path of the file it belongs to), runs {@code edit}, starts
   * them again, and waits until every one of those chunks is served by as many replicas as it had
   * on the disks before, with fsck HEALTHY.
   */
  public static void operate(MiniCluster m, GranaryClient c, Map<String, String> pathByHandle,
      Edit edit) throws Exception {
    Collection<String> handles = pathByHandle.keySet();
    TreeSet<Integer> holders = new TreeSet<>();
    int before = 0;
    for (String h : handles) {
      for (Path r : m.replicaFiles(h)) {
        holders.add(nodeOf(m, r));
        before++;
      }
    }
    for (int i : holders) {
      m.cluster().stopChunkserver(i);
    }
    m.cluster().stopMaster();
    try {
      edit.apply();
    } finally {
      m.cluster().startMaster(m.cluster().masterAddress().port());
      for (int i : holders) {
        m.cluster().startChunkserver(i);
      }
    }
    m.awaitLive(m.cluster().size(), BACK_WITHIN);
    int expected = before;
    Wait.until("the rewritten chunks " + handles + " served by " + expected + " replicas",
        BACK_WITHIN, () -> {
          int served = 0;
          for (Map.Entry<String, String> e : pathByHandle.entrySet()) {
            for (ChunkInfo ch : c.statWithChunks(e.getValue()).chunks()) {
              if (ch.handle().equals(e.getKey())) {
                served += ch.replicas().size();
              }
            }
          }
          return served == expected;
        }, m::describe);
    m.awaitHealthy(BACK_WITHIN);
  }

  /** The index of the chunkserver whose data dir holds {@code replica}. */
  public static int nodeOf(MiniCluster m, Path replica) {
    for (int i = 0; i < m.cluster().size(); i++) {
      if (replica.startsWith(m.cluster().chunkserverDataDir(i))) {
        return i;
      }
    }
    throw new IllegalArgumentException(replica + " is in no chunkserver's data dir");
  }

  /** Every replica data file of {@code handle}, asserting there is at least one. */
  public static List<Path> replicasOf(MiniCluster m, String handle) throws IOException {
    List<Path> out = new ArrayList<>(m.replicaFiles(handle));
    if (out.isEmpty()) {
      throw new IllegalStateException("no replica file of chunk " + handle + " on any disk");
    }
    return out;
  }
}
