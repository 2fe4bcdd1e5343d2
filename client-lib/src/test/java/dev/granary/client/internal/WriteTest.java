package dev.granary.client.internal;

import static dev.granary.client.internal.TestData.CHUNK;
import static dev.granary.client.internal.TestData.OPTIONS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.AlreadyExistsException;
import dev.granary.client.FileStatus;
import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryIOException;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.NotFoundException;
import dev.granary.client.TransferListener;
import dev.granary.client.WriteOptions;
import dev.granary.client.fake.FakeCluster;
import dev.granary.wire.msg.AllocateChunkRequest;
import dev.granary.wire.msg.CommitFileRequest;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Pipeline failures, commit retries and the existence rules of writes. */
class WriteTest {
  private FakeCluster cluster;
  private GranaryClient client;
  @TempDir
  Path dir;

  @BeforeEach
  void start() {
    cluster = new FakeCluster(4);
    client = TestData.client(cluster, 0);
  }

  @AfterEach
  void stop() {
    client.close();
    cluster.close();
  }

  private byte[] read(String path) throws Exception {
    try (InputStream in = client.open(path)) {
      return TestData.readAll(in);
    }
  }

  /**
   * A one-packet chunk (a small file, written to every replica at once) and a chunk larger than
   * the fan-out limit, streamed down a chain.
   */
  @ParameterizedTest
  @ValueSource(ints = {4_000, 3 * (int) CHUNK / 2})
  void nodeFailingMidWriteIsExcludedAndTheChunkRetried(int size) throws Exception {
    // The fake master builds pipelines from cs-0.. in order, so cs-1 is in the first: downstream
    // of cs-0 in a chain, or written to directly.
    cluster.chunkserver("cs-1").failWrites(1);
    byte[] data = TestData.random(size, 11);
    Path local = dir.resolve("f");
    Files.write(local, data);
    client.put(local, "/p", OPTIONS.withChunkSize(2 * CHUNK), TransferListener.NONE);

    List<AllocateChunkRequest> allocs = cluster.master.allocations;
    assertEquals(2, allocs.size(), allocs.toString());
    assertEquals(List.of(), allocs.get(0).excludeNodeIds());
    assertEquals(List.of("cs-1"), allocs.get(1).excludeNodeIds());
    assertArrayEquals(data, read("/p"));
    long handle = cluster.master.handles("/p").get(0);
    assertFalse(cluster.chunkserver("cs-1").holds(handle));
    assertTrue(cluster.chunkserver("cs-3").holds(handle));
  }

  /** Up to the fan-out limit a chunk goes to each replica directly; beyond it, down a chain. */
  @ParameterizedTest
  @ValueSource(ints = {1, (int) CHUNK, (int) CHUNK + 1})
  void smallChunksGoToEveryReplicaLargeOnesDownAChain(int size) throws Exception {
    byte[] data = TestData.random(size, 13);
    try (OutputStream out = client.create("/s", OPTIONS.withChunkSize(2 * CHUNK))) {
      out.write(data);
    }
    boolean fannedOut = size <= 256 * 1024;
    assertEquals(1, cluster.chunkserver("cs-0").writeRequests());
    assertEquals(fannedOut ? 1 : 0, cluster.chunkserver("cs-1").writeRequests());
    assertEquals(fannedOut ? 1 : 0, cluster.chunkserver("cs-2").writeRequests());
    assertEquals(List.of("cs-0", "cs-1", "cs-2"), cluster.master.commits.get(0).chunks().get(0)
        .replicaIds());
    assertArrayEquals(data, read("/s"));
  }

  @Test
  void aCommitBringsBackTheNextFilesAllocation() throws Exception {
    byte[] data = TestData.random(3000, 14);
    for (int i = 0; i < 3; i++) {
      create("/spare/" + i, data);
    }
    // Only the first file asked for an allocation; the others used the spare of the commit before.
    assertEquals(1, cluster.master.allocations.size(), cluster.master.allocations.toString());
    assertEquals(3, cluster.master.spares.size());
    for (int i = 1; i < 3; i++) {
      assertEquals(cluster.master.spares.get(i - 1).handle(),
          cluster.master.handles("/spare/" + i).get(0));
    }
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(data, read("/spare/" + i));
    }
    create("/spare/empty", new byte[0]);
    List<CommitFileRequest> commits = cluster.master.commits;
    assertEquals(0, commits.get(commits.size() - 1).spareReplication(),
        "an empty file's commit asks for no spare");
    assertEquals(3, cluster.master.spares.size());
  }

  @Test
  void aSpareOnADeadNodeFailsOverLikeAnyPipeline() throws Exception {
    byte[] data = TestData.random(3000, 15);
    create("/a", data);
    // The spare names cs-0, which dies before the next file is written.
    cluster.chunkserver("cs-0").stop();
    create("/b", data);
    assertRetriedWithout("cs-0", "/b", data);
  }

  private void create(String path, byte[] data) throws Exception {
    try (OutputStream out = client.create(path, OPTIONS)) {
      out.write(data);
    }
  }

  /** Two allocations (the first attempt's, the retry's without {@code node}); the file intact. */
  private void assertRetriedWithout(String node, String path, byte[] data) throws Exception {
    List<AllocateChunkRequest> allocs = cluster.master.allocations;
    assertEquals(2, allocs.size(), allocs.toString());
    assertEquals(List.of(node), allocs.get(1).excludeNodeIds());
    assertArrayEquals(data, read(path));
  }

  @Test
  void clusterDefaultsAreFetchedOnceAndApplied() throws Exception {
    byte[] data = TestData.random(1000, 3);
    for (int i = 0; i < 3; i++) {
      try (var out = client.create("/defaults/" + i, WriteOptions.defaults())) {
        out.write(data);
      }
    }
    assertEquals(1, cluster.master.serverDefaultsRequests());
    FileStatus st = client.stat("/defaults/0");
    assertEquals(3, st.replication());
    assertEquals(64L << 20, st.chunkSize());
    assertArrayEquals(data, read("/defaults/2"));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 65_536, 100_000})
  void deadFirstNodeIsExcluded(int size) throws Exception {
    // The master has not noticed yet that cs-0, first in its pipelines, is down.
    cluster.chunkserver("cs-0").stop();
    cluster.chunkserver("cs-0").pretendLive(true);
    byte[] data = TestData.random(size, 12);
    create("/q", data);
    assertRetriedWithout("cs-0", "/q", data);
  }

  @Test
  void fewerLiveChunkserversThanReplicationStillSucceeds() throws Exception {
    cluster.chunkserver("cs-2").stop();
    cluster.chunkserver("cs-3").stop();
    byte[] data = TestData.random((int) CHUNK + 1, 13);
    try (OutputStream out = client.create("/short", OPTIONS)) {
      out.write(data);
    }
    assertArrayEquals(data, read("/short"));
  }

  @Test
  void lostCommitReplyIsRetriedWithTheSameOpId() throws Exception {
    cluster.master.dropCommitReplies(1);
    byte[] data = TestData.random(1000, 14);
    Path local = dir.resolve("g");
    Files.write(local, data);
    FileStatus st = client.put(local, "/once", OPTIONS, TransferListener.NONE);
    assertEquals(1000, st.size());
    List<CommitFileRequest> commits = cluster.master.commits;
    assertEquals(2, commits.size());
    assertEquals(commits.get(0).opId(), commits.get(1).opId());
    assertEquals(commits.get(0).clientId(), commits.get(1).clientId());
    assertArrayEquals(data, read("/once"));
  }

  @Test
  void existingFileNeedsOverwrite() throws Exception {
    Path local = dir.resolve("h");
    Files.write(local, new byte[] {1, 2, 3});
    client.put(local, "/x", OPTIONS, TransferListener.NONE);
    AlreadyExistsException e = assertThrows(AlreadyExistsException.class,
        () -> client.put(local, "/x", OPTIONS, TransferListener.NONE));
    assertTrue(e.getMessage().startsWith("/x: "), e.getMessage());
    // A stream learns it at close, from the commit (no extra round trip for small files).
    java.io.OutputStream out = client.create("/x", OPTIONS);
    out.write(7);
    GranaryIOException io = assertThrows(GranaryIOException.class, out::close);
    assertTrue(io.granaryCause() instanceof AlreadyExistsException, io.toString());
    assertArrayEquals(new byte[] {1, 2, 3}, read("/x"));
    // A multi-chunk stream learns it before its first chunk travels.
    java.io.OutputStream big = client.create("/x", OPTIONS);
    GranaryIOException early = assertThrows(GranaryIOException.class,
        () -> big.write(new byte[(int) CHUNK + 1]));
    assertTrue(early.granaryCause() instanceof AlreadyExistsException, early.toString());
    Files.write(local, new byte[] {4, 5});
    client.put(local, "/x", OPTIONS.withOverwrite(true), TransferListener.NONE);
    assertArrayEquals(new byte[] {4, 5}, read("/x"));
  }

  @Test
  void localAndRemoteMistakesAreTyped() throws Exception {
    assertThrows(NotFoundException.class,
        () -> client.put(dir.resolve("nope"), "/y", OPTIONS, TransferListener.NONE));
    assertThrows(NotFoundException.class,
        () -> client.get("/nope", dir.resolve("out"), false, TransferListener.NONE));
    Path local = dir.resolve("i");
    Files.write(local, new byte[] {9});
    client.put(local, "/i", OPTIONS, TransferListener.NONE);
    assertThrows(AlreadyExistsException.class,
        () -> client.get("/i", local, false, TransferListener.NONE));
    client.get("/i", local, true, TransferListener.NONE);
    assertArrayEquals(new byte[] {9}, Files.readAllBytes(local));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file is left behind");
    }
    client.mkdirs("/dir", false);
    assertThrows(InvalidArgumentException.class, () -> client.open("/dir"));
    assertThrows(InvalidArgumentException.class, () -> client.stat("relative"));
  }

  @Test
  void parallelUploadOfManyChunks() throws Exception {
    GranaryClient wide = GranaryClient.open(cluster.config(0, 8, Duration.ofSeconds(5)));
    try {
      byte[] data = TestData.random((int) (17 * CHUNK + 3), 15);
      Path local = dir.resolve("big");
      Files.write(local, data);
      FileStatus st = wide.put(local, "/big", OPTIONS, TransferListener.NONE);
      assertEquals(18, st.chunkCount());
      Path out = dir.resolve("big.out");
      wide.get("/big", out, false, TransferListener.NONE);
      assertArrayEquals(data, Files.readAllBytes(out));
    } finally {
      wide.close();
    }
  }

  @Test
  void aPausedUploadRenewsItsLeaseWithItsUncommittedHandles() throws Exception {
    cluster.master.renewPeriodMillis = 50;
    byte[] data = TestData.random((int) (CHUNK * 3 / 2), 21);
    try (OutputStream out = client.create("/paused", OPTIONS)) {
      out.write(data, 0, (int) CHUNK + 10); // chunk 0 is stored, chunk 1 is being filled
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      // The writer pauses: the client renews on its own, naming chunk 0's handle.
      while (cluster.master.renewals.size() < 3 || cluster.master.renewals.get(
          cluster.master.renewals.size() - 1).handles().isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "no renewals while paused: "
            + cluster.master.renewals);
        Thread.onSpinWait();
      }
      out.write(data, (int) CHUNK + 10, data.length - (int) CHUNK - 10);
    }
    long chunk0 = cluster.master.handles("/paused").get(0);
    assertTrue(cluster.master.renewals.stream().allMatch(r -> r.handles().contains(chunk0)
        && r.clientId().equals(client.clientId())), cluster.master.renewals.toString());
    assertArrayEquals(data, read("/paused"));
  }
}
