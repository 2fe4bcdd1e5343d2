package dev.granary.client.internal;

import static dev.granary.client.internal.TestData.CHUNK;
import static dev.granary.client.internal.TestData.OPTIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.granary.client.ChunkInfo;
import dev.granary.client.GranaryClient;
import dev.granary.client.TransferListener;
import dev.granary.client.fake.FakeCluster;
import dev.granary.wire.Sha256;
import dev.granary.wire.msg.CommitChunk;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's SHA-256 of each chunk: what reaches the chunkservers in the last packet, what the
 * commit tells the master and what {@code statWithChunks} shows is {@code sha256sum} of each
 * chunk-sized slice of the file, whether the chunk went down a chain (larger than the fan-out
 * limit) or to its replicas at once, from a local file or an output stream.
 */
class ChunkSha256Test {
  private static final long CHUNK_SIZE = 2 * CHUNK; // 512 KiB: two chained chunks, one fanned out
  private FakeCluster cluster;
  private GranaryClient client;
  @TempDir
  Path dir;

  @BeforeEach
  void start() {
    cluster = new FakeCluster(3);
    client = TestData.client(cluster, 0);
  }

  @AfterEach
  void stop() {
    client.close();
    cluster.close();
  }

  private static String sha256sum(byte[] data, long from, long to) {
    return Sha256.of(Sha256.newDigest().digest(Arrays.copyOfRange(data, (int) from, (int) to)))
        .hex();
  }

  @Test
  void aPutSendsCommitsAndShowsEachChunksSha256() throws Exception {
    byte[] data = TestData.random((int) (5 * CHUNK_SIZE / 2), 31);
    Path local = dir.resolve("f");
    Files.write(local, data);
    client.put(local, "/p", OPTIONS.withChunkSize(CHUNK_SIZE), TransferListener.NONE);
    assertShaOfEverySlice("/p", data);
  }

  @Test
  void aStreamedWriteKnowsEachDigestOnlyAtTheEndAndStillSendsIt() throws Exception {
    byte[] data = TestData.random((int) (5 * CHUNK_SIZE / 2) + 7, 32);
    try (OutputStream out = client.create("/s", OPTIONS.withChunkSize(CHUNK_SIZE))) {
      // Odd-sized writes, as stdin delivers them: blocks never line up with the calls.
      for (int off = 0; off < data.length; off += 1000) {
        out.write(data, off, Math.min(1000, data.length - off));
      }
    }
    assertShaOfEverySlice("/s", data);
  }

  private void assertShaOfEverySlice(String path, byte[] data) throws Exception {
    List<Long> handles = cluster.master.handles(path);
    List<CommitChunk> committed = cluster.master.commits.get(cluster.master.commits.size() - 1)
        .chunks();
    List<ChunkInfo> shown = client.statWithChunks(path).chunks();
    int chunks = (int) ((data.length + CHUNK_SIZE - 1) / CHUNK_SIZE);
    assertEquals(chunks, handles.size());
    assertEquals(chunks, shown.size());
    for (int i = 0; i < chunks; i++) {
      long from = i * CHUNK_SIZE;
      String expected = sha256sum(data, from, Math.min(data.length, from + CHUNK_SIZE));
      assertEquals(expected, cluster.chunkserver("cs-0").sentSha256(handles.get(i)).hex(),
          "sent for chunk " + i);
      assertEquals(expected, committed.get(i).sha256().hex(), "committed for chunk " + i);
      assertEquals(expected, shown.get(i).sha256(), "shown for chunk " + i);
    }
  }
}
