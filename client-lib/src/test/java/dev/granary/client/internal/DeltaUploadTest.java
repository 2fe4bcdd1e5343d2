package dev.granary.client.internal;

import static dev.granary.client.internal.TestData.CHUNK;
import static dev.granary.client.internal.TestData.OPTIONS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.GranaryClient;
import dev.granary.client.TransferListener;
import dev.granary.client.UploadResult;
import dev.granary.client.fake.FakeCluster;
import dev.granary.wire.Status;
import dev.granary.wire.msg.CommitChunk;
import dev.granary.wire.msg.CommitFileRequest;
import dev.granary.wire.msg.ErrorReply;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A put that replaces a file sends only the chunks whose content changed and names the rest; a
 * chunk freed before the commit (CHUNK_GONE) is sent after all, and nothing is lost either way.
 */
class DeltaUploadTest {
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

  private byte[] read(String path) throws Exception {
    try (InputStream in = client.open(path)) {
      return TestData.readAll(in);
    }
  }

  private UploadResult put(byte[] data, boolean overwrite) throws Exception {
    Path local = dir.resolve("f");
    Files.write(local, data);
    return client.upload(local, "/f", OPTIONS.withOverwrite(overwrite), TransferListener.NONE);
  }

  @Test
  void onlyTheChangedChunkIsSent() throws Exception {
    byte[] v1 = TestData.random((int) (4 * CHUNK - 1000), 1);
    UploadResult first = put(v1, false);
    assertEquals(4, first.chunksSent());
    assertEquals(v1.length, first.bytesSent());
    byte[] v2 = v1.clone();
    v2[(int) (2 * CHUNK + 5)] ^= 1;
    UploadResult second = put(v2, true);
    assertEquals(1, second.chunksSent());
    assertEquals(3, second.chunksReused());
    assertEquals(CHUNK, second.bytesSent());
    assertArrayEquals(v2, read("/f"));
    CommitFileRequest commit = cluster.master.commits.get(cluster.master.commits.size() - 1);
    assertEquals(3, commit.chunks().stream().filter(c -> c.replicaIds().isEmpty()).count(),
        "reused chunks are named without replicas");
    // Same contents again: nothing is sent.
    UploadResult third = put(v2, true);
    assertEquals(0, third.chunksSent());
    assertEquals(4, third.chunksReused());
    assertArrayEquals(v2, read("/f"));
  }

  @Test
  void aChunkFreedBeforeTheCommitIsSentAfterAll() throws Exception {
    byte[] v1 = TestData.random((int) (3 * CHUNK), 2);
    put(v1, false);
    byte[] v2 = v1.clone();
    v2[10] ^= 1;
    AtomicBoolean refused = new AtomicBoolean();
    cluster.master.interceptor = m -> m instanceof CommitFileRequest c
        && c.chunks().stream().anyMatch(CommitChunk -> CommitChunk.replicaIds().isEmpty())
        && refused.compareAndSet(false, true)
        ? new ErrorReply(Status.CHUNK_GONE, "chunk of '/f' is no longer held by anything", "")
        : null;
    UploadResult r = put(v2, true);
    assertTrue(refused.get());
    assertEquals(3, r.chunksSent(), "after CHUNK_GONE every chunk is sent");
    assertEquals(0, r.chunksReused());
    assertArrayEquals(v2, read("/f"));
  }
}
