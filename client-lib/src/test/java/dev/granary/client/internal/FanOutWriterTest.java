package dev.granary.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.fake.FakeCluster;
import dev.granary.wire.Checksums;
import dev.granary.wire.Status;
import dev.granary.wire.msg.AllocateChunkResponse;
import dev.granary.wire.msg.WriteDone;
import dev.granary.wire.net.RemoteException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A small chunk sent to every node at once: the answers checked, a failing node named. */
class FanOutWriterTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final FakeCluster cluster = new FakeCluster(3);
  private final DirectPool pool = new DirectPool("test-client", "test/1", TIMEOUT,
      Duration.ofSeconds(20));
  private final FanOutWriter writer = new FanOutWriter(pool, "test-client");

  @AfterEach
  void stop() {
    pool.close();
    cluster.close();
  }

  private AllocateChunkResponse alloc(long handle) {
    return new AllocateChunkResponse(handle, 1, List.of(cluster.chunkserver("cs-0").address(),
        cluster.chunkserver("cs-1").address(), cluster.chunkserver("cs-2").address()));
  }

  private static ChunkSource source(byte[] data) {
    ByteBuf b = Unpooled.wrappedBuffer(data);
    return new BufferChunkSource(data.length == 0 ? List.of() : List.of(b));
  }

  @Test
  void storesOnEveryNodeAndNamesThemInPipelineOrder() throws Exception {
    byte[] data = new byte[5000];
    data[17] = 3;
    WriteDone done = writer.write(alloc(41), source(data), TIMEOUT);
    assertEquals(List.of("cs-0", "cs-1", "cs-2"), done.nodeIds());
    int[] crcs = {Checksums.crc32c(data, 0, data.length)};
    assertEquals(Checksums.digest(data.length, crcs, 1), done.digest());
    for (String id : List.of("cs-0", "cs-1", "cs-2")) {
      assertTrue(cluster.chunkserver(id).holds(41), id);
    }
    assertEquals(3, pool.openConnections(), "every connection given back for reuse");
  }

  @Test
  void anEmptyChunkHasTheDigestOfNoBlocks() throws Exception {
    WriteDone done = writer.write(alloc(42), source(new byte[0]), TIMEOUT);
    assertEquals(0, done.length());
    assertEquals(Checksums.digest(0, new int[0], 0), done.digest());
  }

  @Test
  void aNodeDroppingTheStreamIsNamedAndItsConnectionClosed() {
    cluster.chunkserver("cs-1").failWrites(1);
    RemoteException e = assertThrows(RemoteException.class,
        () -> writer.write(alloc(43), source(new byte[100]), TIMEOUT));
    assertEquals(Status.PIPELINE_FAILED, e.status());
    assertEquals("cs-1", e.detail());
    assertEquals("cs-1", FanOutWriter.failedNode(e));
    assertFalse(cluster.chunkserver("cs-1").holds(43));
    // cs-0's stream ended cleanly before cs-1's failure was read: only its connection is kept.
    assertEquals(1, pool.openConnections());
  }
}
