package dev.granary.chunkserver.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.base.Ticker;
import io.netty.bootstrap.Bootstrap;
import com.google.common.util.concurrent.MoreExecutors;
import dev.granary.chunkserver.storage.CommitStep;
import dev.granary.chunkserver.storage.DiskReplicaStore;
import dev.granary.chunkserver.storage.ReplicaMeta;
import dev.granary.chunkserver.storage.StoreLayout;
import dev.granary.wire.Checksums;
import dev.granary.wire.Frame;
import dev.granary.wire.Frames;
import dev.granary.wire.Limits;
import dev.granary.wire.MessageType;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.ReadChunkRequest;
import dev.granary.wire.msg.ReadPacket;
import dev.granary.wire.msg.WriteAck;
import dev.granary.wire.msg.WriteChunkRequest;
import dev.granary.wire.msg.WriteDone;
import dev.granary.wire.msg.WritePacket;
import dev.granary.wire.net.Backpressure;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request router and its write and read streams on an EmbeddedChannel, disk I/O inline. */
class RequestRouterTest {
  @TempDir Path dir;
  private DiskReplicaStore store;
  private TransferSlots slots;
  private final List<String> reported = new CopyOnWriteArrayList<>();
  private EmbeddedChannel ch;

  @BeforeEach
  void setUp() throws Exception {
    store = DiskReplicaStore.open(new StoreLayout(dir), 2 << 20, () -> 1L << 40, "cs-e",
        CommitStep.Hook.NONE);
    slots = new TransferSlots(1);
    ReplicaReporter reporter = new ReplicaReporter() {
      @Override
      public void added(ReplicaMeta r) {
        reported.add("+" + r.handle());
      }

      @Override
      public void removed(long handle) {
        reported.add("-" + handle);
      }

      @Override
      public void quarantined(ReplicaMeta r, String reason) {
        reported.add("!" + r.handle());
      }
    };
    ChunkServices svc = new ChunkServices("cs-e", "test", store, MoreExecutors.directExecutor(),
        slots, reporter, Duration.ofSeconds(10), Ticker.systemTicker(), noDownstreams());
    ch = router(svc);
  }

  /** A router on an EmbeddedChannel, below it the read switch its server pipeline gives it. */
  static EmbeddedChannel router(ChunkServices svc) {
    Backpressure backpressure = new Backpressure(ChunkChannelInitializer.MAX_READS_IN_FLIGHT);
    return new EmbeddedChannel(backpressure, new RequestRouter(svc, backpressure));
  }

  /** These streams have no next hop: a pool that never connects. */
  static DownstreamPool noDownstreams() {
    return new DownstreamPool(new Bootstrap(), "cs-e", "test", Duration.ofSeconds(10),
        Duration.ofSeconds(30), Ticker.systemTicker());
  }

  @AfterEach
  void tearDown() {
    ch.finishAndReleaseAll();
  }

  private List<Message> responses() {
    ch.runPendingTasks();
    List<Message> out = new ArrayList<>();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      Frame f = (Frame) o;
      assertTrue(f.isResponse());
      out.add(f.message());
      ReferenceCountUtil.release(f);
    }
    return out;
  }

  private static byte[] data(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  private void sendPackets(long id, byte[] data, int corruptSeq) {
    int packets = Math.max(1, Checksums.blockCount(data.length));
    for (int seq = 0; seq < packets; seq++) {
      int off = seq * Limits.BLOCK_SIZE;
      int n = Math.min(Limits.BLOCK_SIZE, data.length - off);
      int crc = Checksums.crc32c(data, off, n) ^ (seq == corruptSeq ? 1 : 0);
      ch.writeInbound(Frame.request(id, new WritePacket(seq, off, crc, seq == packets - 1,
          Unpooled.copiedBuffer(data, off, n))));
    }
  }

  @Test
  void singleNodeWriteAcksAndCommits() throws Exception {
    byte[] data = data(3 * Limits.BLOCK_SIZE + 7);
    ch.writeInbound(Frame.request(5, new WriteChunkRequest(100, 2, data.length, List.of(), "c")));
    sendPackets(5, data, -1);
    List<Message> out = responses();
    assertInstanceOf(WriteAck.class, out.get(0));
    WriteDone done = (WriteDone) out.get(out.size() - 1);
    assertEquals(List.of("cs-e"), done.nodeIds());
    assertEquals(data.length, done.length());
    // Once the last packet is in, only the WriteDone acknowledges (an ack would just wake the
    // writer once more).
    assertTrue(out.subList(0, out.size() - 1).stream()
        .allMatch(m -> m instanceof WriteAck a && a.seq() < 3), "no ack after the last packet");
    assertArrayEquals(data, Files.readAllBytes(new StoreLayout(dir).chunkFile(100)));
    assertEquals(List.of("+100"), reported);
    assertEquals(0, slots.active());
  }

  @Test
  void aLaggingDiskPausesReadingFromUpstreamUntilItCatchesUp() throws Exception {
    ForwardingTest.GatedExecutor disk = new ForwardingTest.GatedExecutor(
        MoreExecutors.directExecutor());
    DiskReplicaStore big = DiskReplicaStore.open(new StoreLayout(dir.resolve("big")), 0,
        () -> 1L << 40, "cs-e", CommitStep.Hook.NONE);
    ChunkServices svc = new ChunkServices("cs-e", "test", big, disk, slots,
        new ReplicaReporter() {
          @Override
          public void added(ReplicaMeta r) {}

          @Override
          public void removed(long handle) {}

          @Override
          public void quarantined(ReplicaMeta r, String reason) {}
        }, Duration.ofSeconds(10), Ticker.systemTicker(), noDownstreams());
    EmbeddedChannel slow = router(svc);
    try {
      byte[] data = data(40 * Limits.BLOCK_SIZE);
      slow.writeInbound(Frame.request(1, new WriteChunkRequest(110, 1, data.length, List.of(),
          "c")));
      for (int seq = 0; seq < 40; seq++) {
        int off = seq * Limits.BLOCK_SIZE;
        slow.writeInbound(Frame.request(1, new WritePacket(seq, off,
            Checksums.crc32c(data, off, Limits.BLOCK_SIZE), seq == 39,
            Unpooled.copiedBuffer(data, off, Limits.BLOCK_SIZE))));
        if (seq == WriteTransfer.MAX_QUEUED + 1) {
          assertFalse(slow.config().isAutoRead(), "paused once more than MAX_QUEUED wait");
        }
      }
      assertFalse(slow.config().isAutoRead());
      disk.open();
      slow.runPendingTasks();
      assertTrue(slow.config().isAutoRead(), "reading resumes when the disk has caught up");
      Object last = null;
      for (Object o; (o = slow.readOutbound()) != null; ) {
        ReferenceCountUtil.release(last);
        last = o;
      }
      assertInstanceOf(WriteDone.class, ((Frame) last).message());
      ReferenceCountUtil.release(last);
    } finally {
      slow.finishAndReleaseAll();
    }
  }

  @Test
  void corruptPacketFailsWithIntegrityNamingTheNodeAndLeavesNothing() throws Exception {
    byte[] data = data(2 * Limits.BLOCK_SIZE);
    ch.writeInbound(Frame.request(6, new WriteChunkRequest(101, 1, data.length, List.of(), "c")));
    sendPackets(6, data, 1);
    List<Message> out = responses();
    ErrorReply e = (ErrorReply) out.get(out.size() - 1);
    assertEquals(Status.INTEGRITY, e.status());
    assertTrue(e.message().contains("cs-e") && e.message().contains("packet 1"), e.message());
    assertNull(store.get(101));
    try (var tmp = Files.list(new StoreLayout(dir).tmp())) {
      assertEquals(0, tmp.count());
    }
    assertEquals(0, slots.active());
  }

  @Test
  void refusalsComeBeforeAnyByteIsWritten() throws Exception {
    ch.writeInbound(Frame.request(7, new WriteChunkRequest(102, 1, (2 << 20) + 1, List.of(), "c")));
    ErrorReply noSpace = (ErrorReply) responses().get(0);
    assertEquals(Status.NO_SPACE, noSpace.status());
    sendPackets(7, data(10), -1); // the tail of a refused stream is dropped
    assertTrue(responses().isEmpty());

    ch.writeInbound(Frame.request(8, new WriteChunkRequest(103, 1, 10, List.of(), "c")));
    ch.writeInbound(Frame.request(9, new WriteChunkRequest(104, 1, 10, List.of(), "c")));
    ErrorReply busy = (ErrorReply) responses().get(0);
    assertEquals(Status.BUSY, busy.status());
    assertEquals(1, slots.active(), "only the admitted stream holds a slot");
    try (var tmp = Files.list(new StoreLayout(dir).tmp())) {
      assertEquals(0, tmp.count(), "the temporary file is created by the first packet");
    }
    ch.writeInbound(Frame.request(8, new WritePacket(0, 0, Checksums.crc32c(new byte[4], 0, 4),
        false, Unpooled.copiedBuffer(new byte[4]))));
    ch.runPendingTasks();
    try (var tmp = Files.list(new StoreLayout(dir).tmp())) {
      assertEquals(1, tmp.count(), "only the admitted stream has a temporary file");
    }
    ch.close();
    ch.runPendingTasks();
    try (var tmp = Files.list(new StoreLayout(dir).tmp())) {
      assertEquals(0, tmp.count(), "closing the upstream aborts the stream");
    }
    assertEquals(0, slots.active());
  }

  @Test
  void readSendsHeaderAndZeroCopyRegionPerPacketOfBlocks() throws Exception {
    byte[] data = data(20 * Limits.BLOCK_SIZE + 100);
    ch.writeInbound(Frame.request(1, new WriteChunkRequest(105, 3, data.length, List.of(), "c")));
    sendPackets(1, data, -1);
    List<Message> written = responses();
    assertInstanceOf(WriteDone.class, written.get(written.size() - 1));

    // Part of block 1 to the end of block 2: one packet of both blocks.
    List<Long> offsets = new ArrayList<>();
    byte[] got = readPackets(2, new ReadChunkRequest(105, 3, 70_000, 61_100), offsets);
    assertEquals(List.of(65536L), offsets, "block-aligned packets covering the range");
    assertArrayEquals(Arrays.copyOfRange(data, Limits.BLOCK_SIZE, 3 * Limits.BLOCK_SIZE), got);
    // The whole replica: 16 blocks, then the other 5 (the last one short).
    offsets.clear();
    got = readPackets(3, new ReadChunkRequest(105, 3, 0, data.length), offsets);
    assertEquals(List.of(0L, 16L * Limits.BLOCK_SIZE), offsets);
    assertArrayEquals(data, got);
  }

  /**
   * Reads the packets answering {@code request} as the channel sends them (header buffer, then
   * the file region), checks each block against the CRC32C in the header, and returns the bytes.
   */
  private byte[] readPackets(long id, ReadChunkRequest request, List<Long> offsets)
      throws Exception {
    ch.writeInbound(Frame.request(id, request));
    ch.runPendingTasks();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean last = false;
    for (Object o; (o = ch.readOutbound()) != null; ) {
      assertFalse(last, "nothing after the last packet");
      ByteBuf header = (ByteBuf) o;
      assertEquals(Frames.MAGIC, header.getInt(0));
      assertEquals(Frames.FLAG_RESPONSE, header.getByte(5));
      assertEquals(MessageType.READ_PACKET.code(), header.getShort(6));
      assertEquals(id, header.getLong(8));
      int payload = header.getInt(16);
      offsets.add(header.getLong(Frames.HEADER_LENGTH));
      last = header.getByte(Frames.HEADER_LENGTH + 8) == 1;
      int blocks = header.getUnsignedByte(Frames.HEADER_LENGTH + 9);
      BlockRegion region = (BlockRegion) ch.readOutbound();
      assertEquals(payload - ReadPacket.fieldsLength(blocks), region.count());
      ByteArrayOutputStream packet = new ByteArrayOutputStream();
      region.transferTo(Channels.newChannel(packet), 0);
      region.release();
      byte[] b = packet.toByteArray();
      for (int i = 0; i < blocks; i++) {
        int from = i * Limits.BLOCK_SIZE;
        assertEquals(header.getInt(Frames.HEADER_LENGTH + 10 + 4 * i),
            Checksums.crc32c(b, from, Math.min(Limits.BLOCK_SIZE, b.length - from)), "block " + i);
      }
      header.release();
      bytes.write(b);
      ch.runPendingTasks();
    }
    assertTrue(last);
    return bytes.toByteArray();
  }

  @Test
  void readErrorsAreTyped() throws Exception {
    ch.writeInbound(Frame.request(1, new WriteChunkRequest(106, 3, 10, List.of(), "c")));
    sendPackets(1, data(10), -1);
    responses();
    ch.writeInbound(Frame.request(2, new ReadChunkRequest(107, 3, 0, 1)));
    assertEquals(Status.NO_SUCH_REPLICA, ((ErrorReply) responses().get(0)).status());
    ch.writeInbound(Frame.request(3, new ReadChunkRequest(106, 2, 0, 1)));
    ErrorReply stale = (ErrorReply) responses().get(0);
    assertEquals(Status.STALE_VERSION, stale.status());
    assertTrue(stale.message().contains("version 3") && stale.message().contains("version 2"),
        stale.message());
    ch.writeInbound(Frame.request(4, new ReadChunkRequest(106, 3, 5, 6)));
    assertEquals(Status.INVALID_ARGUMENT, ((ErrorReply) responses().get(0)).status());
    ch.writeInbound(Frame.request(5, new ReadChunkRequest(106, 3, 10, 0)));
    ch.runPendingTasks();
    ByteBuf empty = ch.readOutbound();
    assertNotNull(empty);
    assertEquals(ReadPacket.fieldsLength(0), empty.getInt(16));
    assertEquals(0, empty.getLong(Frames.HEADER_LENGTH));
    assertEquals(1, empty.getByte(Frames.HEADER_LENGTH + 8), "last");
    assertEquals(0, empty.getByte(Frames.HEADER_LENGTH + 9), "no blocks");
    empty.release();
    assertFalse(ch.outboundMessages().size() > 0, () -> ch.outboundMessages().toString());
  }

  @Test
  void pipelinedReadsPauseTheConnectionAtTheCapAndAllAreAnswered() {
    ForwardingTest.GatedExecutor disk = new ForwardingTest.GatedExecutor(
        MoreExecutors.directExecutor());
    ChunkServices svc = new ChunkServices("cs-e", "test", store, disk, slots,
        new ReplicaReporter() {
          @Override
          public void added(ReplicaMeta r) {}

          @Override
          public void removed(long handle) {}

          @Override
          public void quarantined(ReplicaMeta r, String reason) {}
        }, Duration.ofSeconds(10), Ticker.systemTicker(), noDownstreams());
    EmbeddedChannel reads = router(svc);
    try {
      int cap = ChunkChannelInitializer.MAX_READS_IN_FLIGHT;
      // Each read waits for the disk (closed) to open its replica: none finishes yet.
      for (long id = 1; id <= cap + 10; id++) {
        reads.writeInbound(Frame.request(id, new ReadChunkRequest(999, 1, 0, 1)));
      }
      Backpressure backpressure = reads.pipeline().get(Backpressure.class);
      assertEquals(cap, backpressure.inFlight(), "no more than the cap of reads started");
      assertEquals(10, backpressure.held());
      assertFalse(reads.config().isAutoRead(), "reading paused at the cap");

      disk.open();
      List<Long> answered = new ArrayList<>();
      for (int round = 0; round < 10 && answered.size() < cap + 10; round++) {
        reads.runPendingTasks();
        for (Object o; (o = reads.readOutbound()) != null; ) {
          Frame f = (Frame) o;
          assertEquals(Status.NO_SUCH_REPLICA, ((ErrorReply) f.message()).status());
          answered.add(f.requestId());
          ReferenceCountUtil.release(f);
        }
      }
      assertEquals(cap + 10, answered.size(), "every read answered, the held ones too");
      assertEquals(0, backpressure.inFlight());
      assertTrue(reads.config().isAutoRead(), "reading resumes once the reads finished");
    } finally {
      reads.finishAndReleaseAll();
    }
  }
}
