package dev.granary.chunkserver.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.MoreExecutors;
import dev.granary.chunkserver.storage.CommitStep;
import dev.granary.chunkserver.storage.DiskReplicaStore;
import dev.granary.chunkserver.storage.ReplicaMeta;
import dev.granary.chunkserver.storage.ReplicaStore;
import dev.granary.chunkserver.storage.StoreException;
import dev.granary.chunkserver.storage.StoreLayout;
import dev.granary.wire.Checksums;
import dev.granary.wire.Frame;
import dev.granary.wire.Limits;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.Ping;
import dev.granary.wire.msg.Pong;
import dev.granary.wire.msg.WriteAck;
import dev.granary.wire.msg.WriteChunkRequest;
import dev.granary.wire.msg.WriteDone;
import dev.granary.wire.msg.WritePacket;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounds on one write stream: its sender's silence (PINGs do not count), and its length.
 * Time is a fake ticker moved together with the embedded event loop's clock; nothing sleeps.
 */
class WriteStreamBoundsTest {
  private static final long CAPACITY = 4L << 20;
  private static final Duration IDLE = Duration.ofSeconds(5);
  private static final int BLOCK = Limits.BLOCK_SIZE;

  @TempDir Path dir;
  private final FakeTicker ticker = new FakeTicker();
  private final TransferSlots slots = new TransferSlots(4);
  private DiskReplicaStore store;
  private EmbeddedChannel ch;
  private long pings = 1000;

  static final class FakeTicker extends Ticker {
    final AtomicLong nanos = new AtomicLong();

    @Override
    public long read() {
      return nanos.get();
    }
  }

  private void start(Executor disk) throws Exception {
    store = DiskReplicaStore.open(new StoreLayout(dir), CAPACITY, () -> 1L << 40, "cs-b",
        CommitStep.Hook.NONE);
    ReplicaReporter reporter = new ReplicaReporter() {
      @Override
      public void added(ReplicaMeta r) {}

      @Override
      public void removed(long handle) {}

      @Override
      public void quarantined(ReplicaMeta r, String reason) {}
    };
    ChunkServices svc = new ChunkServices("cs-b", "test", store, disk, slots, reporter,
        Duration.ofSeconds(10), ticker, RequestRouterTest.noDownstreams(),
        new OpenReplicas(store, 0, ticker), IDLE);
    ch = RequestRouterTest.router(svc);
  }

  @AfterEach
  void tearDown() {
    if (ch != null) {
      ch.finishAndReleaseAll();
    }
    if (store != null) {
      store.close();
    }
  }

  /** Moves both clocks (the ticker transfers read, the loop's schedule) and runs what is due. */
  private void advance(Duration d) {
    ticker.nanos.addAndGet(d.toNanos());
    ch.advanceTimeBy(d.toNanos(), TimeUnit.NANOSECONDS);
    ch.runPendingTasks();
  }

  /** A PING on the connection, as a keep-alive would send; its PONG is among the responses. */
  private void ping() {
    ch.writeInbound(Frame.request(pings++, new Ping()));
  }

  private List<Message> responses() {
    ch.runPendingTasks();
    List<Message> out = new ArrayList<>();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      out.add(((Frame) o).message());
      ReferenceCountUtil.release(o);
    }
    return out;
  }

  private static List<Message> withoutPongs(List<Message> ms) {
    return ms.stream().filter(m -> !(m instanceof Pong)).toList();
  }

  private static byte[] data(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  private void packet(long id, byte[] data, int seq, boolean last) {
    int off = seq * BLOCK;
    int n = Math.min(BLOCK, data.length - off);
    ch.writeInbound(Frame.request(id, new WritePacket(seq, off, Checksums.crc32c(data, off, n),
        last, Unpooled.copiedBuffer(data, off, n))));
  }

  private long tmpFiles() throws Exception {
    try (var s = Files.list(new StoreLayout(dir).tmp())) {
      return s.count();
    }
  }

  /** No slot held, nothing reserved, no temporary file, nothing stored for {@code handle}. */
  private void assertNothingLeft(long handle) throws Exception {
    assertEquals(0, slots.active(), "transfer slots held");
    assertEquals(CAPACITY, store.space().freeBytes(), "space still reserved");
    assertEquals(0, tmpFiles(), "temporary files left");
    assertNull(store.get(handle));
  }

  @Test
  void aStreamKeptAliveOnlyByPingsIsAbortedAndReleasesEverything() throws Exception {
    start(MoreExecutors.directExecutor());
    byte[] data = data(3 * BLOCK);
    ch.writeInbound(Frame.request(1, new WriteChunkRequest(200, 1, data.length, List.of(), "c")));
    packet(1, data, 0, false);
    assertEquals(List.of(new WriteAck(0)), withoutPongs(responses()));
    assertEquals(1, slots.active());
    assertEquals(CAPACITY - data.length, store.space().freeBytes(), "the stream's reservation");
    assertEquals(1, tmpFiles());

    // PINGs every second keep the connection busy, never the stream: until the deadline nothing
    // happens, then it is aborted.
    for (int s = 0; s < IDLE.toSeconds() - 1; s++) {
      ping();
      advance(Duration.ofSeconds(1));
    }
    List<Message> before = responses();
    assertTrue(before.stream().allMatch(m -> m instanceof Pong), before::toString);
    assertEquals(1, slots.active(), "still open inside its deadline");
    for (int s = 0; s < 3; s++) {
      ping();
      advance(Duration.ofSeconds(1));
    }
    List<Message> after = withoutPongs(responses());
    assertEquals(1, after.size(), after::toString);
    ErrorReply e = assertInstanceOf(ErrorReply.class, after.get(0));
    assertEquals(Status.UNAVAILABLE, e.status());
    assertTrue(e.message().contains("cs-b") && e.message().contains("no data packet for 5000 ms")
        && e.message().contains("0000000000c8"), e.message());
    assertNothingLeft(200);

    // The rest of the stream arrives too late: dropped without an answer or a file.
    packet(1, data, 1, false);
    packet(1, data, 2, true);
    assertEquals(List.of(), responses());
    assertNothingLeft(200);
    assertTrue(ch.isActive(), "only the stream ends, not the connection");
  }

  @Test
  void aSenderWaitingForThisNodesDiskIsNotSilent() throws Exception {
    ForwardingTest.GatedExecutor disk =
        new ForwardingTest.GatedExecutor(MoreExecutors.directExecutor());
    start(disk);
    byte[] data = data(3 * BLOCK);
    ch.writeInbound(Frame.request(1, new WriteChunkRequest(201, 1, data.length, List.of(), "c")));
    packet(1, data, 0, false);
    packet(1, data, 1, false);
    // The disk has written nothing, so nothing is acknowledged and the sender rightly waits:
    // four deadlines pass without an abort.
    for (int s = 0; s < 4 * IDLE.toSeconds(); s++) {
      advance(Duration.ofSeconds(1));
    }
    assertEquals(List.of(), responses());
    assertEquals(1, slots.active());
    disk.open();
    ch.runPendingTasks();
    assertEquals(List.of(new WriteAck(1)), responses());
    // From the acknowledgement on, the sender has the whole deadline again.
    advance(IDLE.minusSeconds(1));
    packet(1, data, 2, true);
    WriteDone done = assertInstanceOf(WriteDone.class, responses().get(0));
    assertEquals(data.length, done.length());
    assertEquals(0, slots.active());
  }

  @Test
  void aSlowButSteadySenderIsNeverCutOff() throws Exception {
    start(MoreExecutors.directExecutor());
    byte[] data = data(6 * BLOCK);
    ch.writeInbound(Frame.request(1, new WriteChunkRequest(202, 1, data.length, List.of(), "c")));
    // One packet every 4 s against a 5 s deadline: 24 s in all.
    for (int seq = 0; seq < 6; seq++) {
      advance(Duration.ofSeconds(4));
      packet(1, data, seq, seq == 5);
    }
    List<Message> out = responses();
    WriteDone done = assertInstanceOf(WriteDone.class, out.get(out.size() - 1), out::toString);
    assertEquals(data.length, done.length());
    assertEquals(data.length, store.get(202).length());
  }

  @Test
  void aPacketPastTheAnnouncedLengthFailsTheStreamAndLeavesNothing() throws Exception {
    start(MoreExecutors.directExecutor());
    byte[] data = data(2 * BLOCK);
    long announced = BLOCK + 10;
    ch.writeInbound(Frame.request(1, new WriteChunkRequest(203, 1, announced, List.of(), "c")));
    packet(1, data, 0, false);
    packet(1, data, 1, true);
    List<Message> out = responses();
    ErrorReply e = assertInstanceOf(ErrorReply.class, out.get(out.size() - 1), out::toString);
    assertEquals(Status.TOO_LARGE, e.status());
    assertTrue(e.message().contains("ends at byte " + 2 * BLOCK)
        && e.message().contains("past the " + announced + " bytes"), e.message());
    assertNothingLeft(203);
  }

  @Test
  void aStreamAnnouncingMoreThanTheLargestChunkIsRefusedBeforeReservingAnything()
      throws Exception {
    start(MoreExecutors.directExecutor());
    long tooLong = ReplicaStore.MAX_REPLICA_LENGTH + 1;
    ch.writeInbound(Frame.request(1, new WriteChunkRequest(204, 1, tooLong, List.of(), "c")));
    ErrorReply e = assertInstanceOf(ErrorReply.class, responses().get(0));
    assertEquals(Status.TOO_LARGE, e.status());
    assertTrue(e.message().contains(Long.toString(tooLong))
        && e.message().contains("at most " + ReplicaStore.MAX_REPLICA_LENGTH), e.message());
    assertNothingLeft(204);
    // The store itself refuses it too (copies and every other writer go through it), even with
    // room to spare.
    DiskReplicaStore roomy = DiskReplicaStore.open(new StoreLayout(dir.resolve("roomy")), 0,
        () -> 1L << 50, "cs-b", CommitStep.Hook.NONE);
    try {
      StoreException se = assertThrows(StoreException.class,
          () -> roomy.create(205, 1, tooLong));
      assertEquals(Status.TOO_LARGE, se.status());
      roomy.create(205, 1, ReplicaStore.MAX_REPLICA_LENGTH).abort();
      assertEquals(0, roomy.space().usedBytes());
    } finally {
      roomy.close();
    }
  }
}
