package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.chunkserver.storage.MetaFile;
import dev.granary.chunkserver.storage.StoreLayout;
import dev.granary.cli.LocalCluster;
import dev.granary.client.ChunkInfo;
import dev.granary.client.GranaryClient;
import dev.granary.client.JsonViews;
import dev.granary.client.TransferListener;
import dev.granary.client.WriteOptions;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each chunk's SHA-256 end to end, in a secured cluster: the writer computes it, every replica's
 * meta file records it (also a replica re-replicated after its node died), and {@code stat} shows
 * it as {@code sha256sum} of the chunk-sized slice.
 */
class ChunkDigestTest {
  static final int CHUNK = 256 * 1024;
  @TempDir
  Path tmp;
  MiniCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private GranaryClient start(int chunkservers) throws Exception {
    cluster = MiniCluster.start(LocalCluster.Settings.defaults().withSecurity("tls")
        .withChunkservers(chunkservers).withChunkSize(CHUNK));
    return cluster.client();
  }

  /** Two and a half chunks, put from a local file. */
  private byte[] put(GranaryClient c, String path, long seed) throws Exception {
    byte[] data = new byte[5 * CHUNK / 2];
    new SplittableRandom(seed).nextBytes(data);
    Path local = tmp.resolve("local-" + seed);
    Files.write(local, data);
    c.put(local, path, WriteOptions.defaults().withChunkSize(CHUNK), TransferListener.NONE);
    return data;
  }

  /** {@code sha256sum} of chunk {@code index}'s slice of {@code data}. */
  private static String sliceSha(byte[] data, int index) {
    int from = index * CHUNK;
    return Sha256.of(Sha256.newDigest().digest(Arrays.copyOfRange(data, from,
        Math.min(data.length, from + CHUNK)))).hex();
  }

  /** The SHA-256 recorded in a replica's meta file, beside its data file. */
  private static Sha256 metaSha(Path chunkFile, String handle) throws Exception {
    String name = chunkFile.getFileName().toString();
    Path meta = chunkFile.resolveSibling(name.substring(0, name.length()
        - StoreLayout.CHUNK_SUFFIX.length()) + StoreLayout.META_SUFFIX);
    return MetaFile.read(meta, ChunkHandles.parse(handle)).meta().sha256();
  }

  @Test
  void everyReplicaRecordsTheSha256OfItsSlice() throws Exception {
    GranaryClient c = start(3);
    byte[] data = put(c, "/d/f", 1);
    List<ChunkInfo> chunks = c.statWithChunks("/d/f").chunks();
    assertEquals(3, chunks.size());
    for (ChunkInfo ch : chunks) {
      List<Path> replicas = cluster.replicaFiles(ch.handle());
      assertEquals(3, replicas.size(), ch.toString());
      for (Path r : replicas) {
        assertEquals(sliceSha(data, ch.index()), metaSha(r, ch.handle()).hex(), r.toString());
      }
    }
  }

  /** Needs the master to record CommitChunk.sha256 and return it in ChunkLocation. */
  @Test
  void statShowsTheSha256OfEachChunkSizedSlice() throws Exception {
    GranaryClient c = start(3);
    byte[] data = put(c, "/d/f", 2);
    List<ChunkInfo> chunks = c.statWithChunks("/d/f").chunks();
    assertEquals(3, chunks.size());
    for (ChunkInfo ch : chunks) {
      assertEquals(sliceSha(data, ch.index()), ch.sha256(), "chunk " + ch.index());
    }
    // stat --json's shape: "digest" in every chunk.
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> json = (List<Map<String, Object>>) JsonViews.stat(c.stat("/d/f"),
        chunks).get("chunks");
    for (int i = 0; i < chunks.size(); i++) {
      assertEquals(sliceSha(data, i), json.get(i).get("digest"));
    }
  }

  @Test
  void aCopyMadeAfterANodeDiesKeepsTheDigest() throws Exception {
    GranaryClient c = start(4);
    byte[] data = put(c, "/d/g", 3);
    List<ChunkInfo> chunks = c.statWithChunks("/d/g").chunks();
    List<Set<Path>> before = new ArrayList<>();
    for (ChunkInfo ch : chunks) {
      before.add(new HashSet<>(cluster.replicaFiles(ch.handle())));
    }
    // Kill a node holding chunk 0, so at least that chunk is copied to the spare node.
    int victim = 0;
    while (!holds(before.get(0), victim)) {
      victim++;
    }
    cluster.cluster().stopChunkserver(victim);
    // Healthy again only once the master has declared the node dead and the copies are made.
    Wait.until("chunk 0 copied to the spare node", Duration.ofSeconds(60),
        () -> cluster.replicaFiles(chunks.get(0).handle()).size() > before.get(0).size(),
        cluster::describe);
    cluster.awaitHealthy(Duration.ofSeconds(30));
    int copies = 0;
    for (ChunkInfo ch : chunks) {
      List<Path> now = cluster.replicaFiles(ch.handle());
      for (Path r : now) {
        if (!before.get(ch.index()).contains(r)) {
          copies++;
          assertEquals(sliceSha(data, ch.index()), metaSha(r, ch.handle()).hex(),
              "copy " + r + " of chunk " + ch.index());
        }
      }
    }
    assertTrue(copies > 0, "no chunk was re-replicated: " + cluster.describe());
  }

  private boolean holds(Set<Path> replicas, int node) {
    Path dir = cluster.cluster().chunkserverDataDir(node);
    return replicas.stream().anyMatch(p -> p.startsWith(dir));
  }
}
