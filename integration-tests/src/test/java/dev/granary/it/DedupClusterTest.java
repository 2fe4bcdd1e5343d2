package dev.granary.it;

import static dev.granary.it.Retention.REPLICAS;
import static dev.granary.it.Retention.assertKept;
import static dev.granary.it.Retention.awaitFreed;
import static dev.granary.it.Retention.onDisk;
import static dev.granary.it.Retention.union;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.ChunkInfo;
import dev.granary.client.GranaryClient;
import dev.granary.client.TransferListener;
import dev.granary.client.UploadResult;
import dev.granary.client.WriteOptions;
import dev.granary.config.ClientConfig;
import dev.granary.config.Credentials;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same-owner deduplication on a real {@code tls} cluster with {@code master.dedup} on: two
 * identical 100 MiB files of one owner are one set of replica files on the disks (the second put
 * sends nothing and its chunks are the first's, handle for handle), the same file of two owners is
 * two sets (dedup never crosses owners), and a shared chunk leaves the disks only with the last
 * file that holds it.
 */
class DedupClusterTest {
  static final int MiB = PieceContent.PIECE;
  static final long CHUNK = 32L * MiB;
  /** 100 MiB: three full chunks and one of 4 MiB. */
  static final int PIECES = 100;
  static final int CHUNKS = 4;
  /** Long enough for several GC rounds (every 300 ms) to have run. */
  static final Duration SEVERAL_GC_ROUNDS = Retention.GC_INTERVAL.multipliedBy(5);

  @TempDir
  static Path tmp;
  static MiniCluster cluster;
  static GranaryClient alice;
  static GranaryClient bob;

  @BeforeAll
  static void start() throws Exception {
    cluster = MiniCluster.start(Retention.settings(CHUNK).withDedup(true));
    GranaryClient admin = Retention.client(cluster);
    alice = user(admin, "alice");
    bob = user(admin, "bob");
  }

  /** A new user {@code name} who owns {@code /name}, and a client of theirs. */
  private static GranaryClient user(GranaryClient admin, String name) throws Exception {
    Credentials creds = admin.addUser(name, "", false);
    Path file = tmp.resolve(name + ".credentials");
    creds.write(file, false);
    admin.mkdirs("/" + name, true);
    admin.setOwner("/" + name, name, "", false);
    return cluster.client(new ClientConfig(cluster.cluster().masterAddress(), 0, 4,
        Duration.ofSeconds(20), file));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static UploadResult put(GranaryClient c, Path local, String remote) throws Exception {
    return c.upload(local, remote, WriteOptions.defaults().withChunkSize(CHUNK),
        TransferListener.NONE);
  }

  private static List<ChunkInfo> chunks(GranaryClient c, String path) throws Exception {
    return c.statWithChunks(path).chunks();
  }

  private static List<String> handles(List<ChunkInfo> chunks) {
    return chunks.stream().map(ChunkInfo::handle).toList();
  }

  private static List<String> digests(List<ChunkInfo> chunks) {
    return chunks.stream().map(ChunkInfo::sha256).toList();
  }

  /** Replica files of {@code handles} on every disk, summed. */
  private static int replicaFiles(Collection<String> handles) throws Exception {
    int n = 0;
    for (String h : handles) {
      n += cluster.replicaFiles(h).size();
    }
    return n;
  }

  /** A local temp file holding {@code content}. */
  private static Path written(PieceContent content, String name) throws Exception {
    Path local = tmp.resolve(name);
    content.writeTo(local);
    return local;
  }

  /** Asserts what an upload sent and named. */
  static void assertSent(UploadResult r, long bytesSent, int chunksSent, int chunksReused) {
    assertEquals(bytesSent, r.bytesSent(), r::toString);
    assertEquals(chunksSent, r.chunksSent(), r::toString);
    assertEquals(chunksReused, r.chunksReused(), r::toString);
  }

  @Test
  void twoIdenticalFilesOfOneOwnerAreOneSetOfReplicasFreedWithTheLast() throws Exception {
    PieceContent content = PieceContent.of(1, PIECES);
    Path local = written(content, "one.bin");
    assertSent(put(alice, local, "/alice/a1"), content.size(), CHUNKS, 0);
    assertSent(put(alice, local, "/alice/a2"), 0, 0, CHUNKS);

    List<ChunkInfo> a1 = chunks(alice, "/alice/a1");
    List<ChunkInfo> a2 = chunks(alice, "/alice/a2");
    assertEquals(CHUNKS, a1.size());
    assertEquals(handles(a1), handles(a2), "the copy's chunks are the first file's");
    assertEquals(digests(a1), digests(a2));
    assertTrue(digests(a1).stream().allMatch(s -> s != null && s.length() == 64),
        () -> "every chunk has its SHA-256: " + a1);
    assertEquals(CHUNKS * REPLICAS, replicaFiles(handles(a1)),
        () -> "one set of replica files\n" + onDisk(cluster, handles(a1)));
    content.assertRead(alice.open("/alice/a2"), "/alice/a2");

    // Removing one keeps the other readable, its replicas on the disks through several GC rounds.
    assertTrue(!alice.delete("/alice/a1", false).trashed());
    Wait.holds("the remaining copy's chunks keep every replica", SEVERAL_GC_ROUNDS,
        () -> replicaFiles(handles(a2)) == CHUNKS * REPLICAS,
        () -> onDisk(cluster, handles(a2)) + "\n" + cluster.describe());
    assertEquals(handles(a2), handles(chunks(alice, "/alice/a2")));
    content.assertRead(alice.open("/alice/a2"), "/alice/a2 after /alice/a1 was removed");

    alice.delete("/alice/a2", false);
    awaitFreed(cluster, handles(a2), "both copies removed");
  }

  @Test
  void theSameFileOfTwoOwnersIsTwoSetsOfReplicas() throws Exception {
    PieceContent content = PieceContent.of(2, PIECES);
    Path local = written(content, "two.bin");
    assertSent(put(alice, local, "/alice/x"), content.size(), CHUNKS, 0);
    // Dedup never crosses owners: bob's put sends every byte although alice holds them all.
    assertSent(put(bob, local, "/bob/x"), content.size(), CHUNKS, 0);

    List<ChunkInfo> ax = chunks(alice, "/alice/x");
    List<ChunkInfo> bx = chunks(bob, "/bob/x");
    assertEquals(digests(ax), digests(bx), "the same content");
    assertTrue(Collections.disjoint(handles(ax), handles(bx)), () -> "no chunk shared: " + ax
        + " / " + bx);
    assertEquals(2 * CHUNKS * REPLICAS, replicaFiles(union(handles(ax), handles(bx))),
        () -> "two sets of replica files\n" + onDisk(cluster, union(handles(ax),
            handles(bx))));

    // A second copy of bob's is deduplicated against bob's own chunks, not alice's.
    assertSent(put(bob, local, "/bob/y"), 0, 0, CHUNKS);
    assertEquals(handles(bx), handles(chunks(bob, "/bob/y")));

    alice.delete("/alice/x", false);
    awaitFreed(cluster, handles(ax), "alice's copy removed");
    assertKept(cluster, handles(bx), "bob's copies");
    content.assertRead(bob.open("/bob/x"), "/bob/x after alice's copy was removed");
    bob.delete("/bob/x", false);
    bob.delete("/bob/y", false);
    awaitFreed(cluster, handles(bx), "bob's copies removed");
  }
}
