package dev.granary.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.it.ProcessCluster;
import dev.granary.it.Wait;
import dev.granary.wire.Checksums;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Frame;
import dev.granary.wire.Limits;
import dev.granary.wire.Status;
import dev.granary.wire.msg.AllocateChunkRequest;
import dev.granary.wire.msg.AllocateChunkResponse;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.Ping;
import dev.granary.wire.msg.Pong;
import dev.granary.wire.msg.WriteAck;
import dev.granary.wire.msg.WriteChunkRequest;
import dev.granary.wire.msg.WriteDone;
import dev.granary.wire.msg.WritePacket;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.Transports;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer that opens a write stream on a real chunkserver process, sends one packet and then only
 * PINGs: the stream is aborted after {@code idleTimeout} and gives back its slot, its reservation
 * and its temporary file, while the connection stays open. The chunkserver runs with one transfer
 * slot and room for one stream's reservation, so a leak of either would refuse the next stream.
 * Also a stream writing past the length it announced: refused, nothing left behind.
 */
class SilentWriteStreamTest {
  private static final Duration IDLE = Duration.ofSeconds(2);
  private static final int BLOCK = Limits.BLOCK_SIZE;
  /** Each stream announces this much: the chunkserver's whole capacity fits only one. */
  private static final long ANNOUNCED = 3L << 20;
  private static final Duration RPC = Duration.ofSeconds(10);

  @TempDir
  Path tmp;

  @RegisterExtension
  final FaultCluster fault = new FaultCluster();

  ProcessCluster cluster;
  EventLoopGroup group;

  @AfterEach
  void stop() {
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** Every response frame of one request id, in order. */
  private static BlockingQueue<Message> listen(Connection c, long id) {
    BlockingQueue<Message> q = new LinkedBlockingQueue<>();
    c.listen(id, new Connection.Listener() {
      @Override
      public void onFrame(Frame frame) {
        q.add(frame.message());
        ReferenceCountUtil.release(frame);
      }

      @Override
      public void onClosed(Throwable cause) {
        q.add(new ErrorReply(Status.UNAVAILABLE, "connection closed: " + cause, ""));
      }
    });
    return q;
  }

  private static void packet(Connection c, long id, byte[] data, int seq, boolean last) {
    int off = seq * BLOCK;
    c.send(id, new WritePacket(seq, off, Checksums.crc32c(data, off, BLOCK), last,
        Unpooled.wrappedBuffer(data, off, BLOCK)));
  }

  private static WriteChunkRequest write(AllocateChunkResponse a, long announced) {
    return new WriteChunkRequest(a.handle(), a.version(), announced, List.of(), "silent-test",
        true, a.token());
  }

  private long tmpFiles() throws Exception {
    try (Stream<Path> s = Files.list(cluster.chunkserverDir(0).resolve("tmp"))) {
      return s.count();
    }
  }

  @Test
  void aStreamKeptAliveOnlyByPingsIsAbortedAndGivesEverythingBack() throws Exception {
    cluster = fault.adopt(new ProcessCluster(tmp.resolve("cluster"), Faults.masterFlags(),
        List.of("--idle-timeout", IDLE.toSeconds() + "s", "--max-transfers", "1",
            "--capacity", "4MiB")));
    cluster.startMaster();
    cluster.startChunkservers(1);
    cluster.awaitLive(1, Duration.ofSeconds(60));
    group = Transports.eventLoopGroup(1, "silent-test");
    byte[] data = Faults.data(2 * BLOCK, 41);
    // Handles the master allocated, with their WRITE tokens (empty without security).
    List<AllocateChunkResponse> allocs = new ArrayList<>();
    try (Connection m = cluster.rawClient(group, cluster.masterAddress().port(), "silent-test",
        RPC)) {
      for (int i = 0; i < 3; i++) {
        allocs.add((AllocateChunkResponse) m.call(new AllocateChunkRequest("silent-test",
            "/silent", 1, List.of()), RPC).get(10, TimeUnit.SECONDS));
      }
    }
    try (Connection c = cluster.rawClient(group, cluster.chunkserverPort(0), "silent-test",
        RPC)) {
      long silent = c.newRequestId();
      BlockingQueue<Message> replies = listen(c, silent);
      c.send(silent, write(allocs.get(0), ANNOUNCED));
      packet(c, silent, data, 0, false);
      assertEquals(new WriteAck(0), replies.poll(10, TimeUnit.SECONDS));
      long acked = System.nanoTime();
      assertEquals(1, tmpFiles());

      // Only PINGs from now on, every 200 ms: each answered, the stream still ends.
      Message end = null;
      long deadline = acked + IDLE.plusSeconds(10).toNanos();
      while (end == null && System.nanoTime() < deadline) {
        assertInstanceOf(Pong.class, c.call(new Ping(), RPC).get(10, TimeUnit.SECONDS));
        end = replies.poll(200, TimeUnit.MILLISECONDS);
      }
      long silentFor = (System.nanoTime() - acked) / 1_000_000;
      assertNotNull(end, () -> "the silent stream was not aborted\n" + cluster.logs());
      ErrorReply e = assertInstanceOf(ErrorReply.class, end);
      assertEquals(Status.UNAVAILABLE, e.status());
      assertTrue(e.message().contains("no data packet for " + IDLE.toMillis() + " ms"),
          e.message());
      assertTrue(silentFor >= IDLE.toMillis() - 100, "aborted after only " + silentFor + " ms");
      assertTrue(c.isActive(), "PINGs keep the connection open");
      Wait.until("the silent stream's temporary file removed", RPC, () -> tmpFiles() == 0,
          cluster::logs);

      // Its slot and its reservation are free again: a new stream announcing as much is
      // admitted and commits.
      long next = c.newRequestId();
      BlockingQueue<Message> nextReplies = listen(c, next);
      c.send(next, write(allocs.get(1), ANNOUNCED));
      packet(c, next, data, 0, false);
      packet(c, next, data, 1, true);
      Message done = nextReplies.poll(10, TimeUnit.SECONDS);
      if (done instanceof WriteAck) {
        done = nextReplies.poll(10, TimeUnit.SECONDS);
      }
      WriteDone d = assertInstanceOf(WriteDone.class, done, () -> cluster.logs());
      assertEquals(2 * BLOCK, d.length());

      // A stream writing past what it announced is refused and leaves nothing.
      long longer = c.newRequestId();
      BlockingQueue<Message> longerReplies = listen(c, longer);
      c.send(longer, write(allocs.get(2), BLOCK + 10));
      packet(c, longer, data, 0, false);
      packet(c, longer, data, 1, true);
      Message refused = longerReplies.poll(10, TimeUnit.SECONDS);
      if (refused instanceof WriteAck) {
        refused = longerReplies.poll(10, TimeUnit.SECONDS);
      }
      ErrorReply tooLong = assertInstanceOf(ErrorReply.class, refused, () -> cluster.logs());
      assertEquals(Status.TOO_LARGE, tooLong.status());
      Wait.until("the over-long stream's temporary file removed", RPC, () -> tmpFiles() == 0,
          cluster::logs);
      assertTrue(Files.notExists(cluster.chunkserverDir(0).resolve("replicas")
          .resolve(ChunkHandles.format(allocs.get(2).handle()) + ".chunk")));
    }
    String logs = cluster.logs();
    assertEquals(1, logs.lines().filter(l -> l.contains("WARN") && l.contains("no data packet"))
        .count(), logs);
  }
}
