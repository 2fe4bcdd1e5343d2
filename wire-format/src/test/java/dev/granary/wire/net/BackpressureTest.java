package dev.granary.wire.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The read switch on an {@link EmbeddedChannel}: water marks, requests in flight, held frames. */
class BackpressureTest {
  private final App app = new App();
  private final Backpressure bp = new Backpressure(3);
  private final EmbeddedChannel ch = new EmbeddedChannel(bp, app);

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
  }

  /** Stands in for a dispatcher: keeps what it is handed and may count it as a request. */
  private static final class App extends ChannelInboundHandlerAdapter {
    final List<Object> got = new ArrayList<>();
    int readCompletes;
    boolean countRequests;
    boolean finishAtOnce;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      got.add(msg);
      if (countRequests) {
        Backpressure b = Backpressure.of(ctx.channel());
        b.requestStarted();
        if (finishAtOnce) {
          b.requestFinished();
        }
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      readCompletes++;
    }
  }

  @Test
  void readingStopsAboveTheHighWaterMarkAndResumesOnceDrained() {
    ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1000, 2000));
    ch.write(Unpooled.buffer(1000).writeZero(1000));
    assertTrue(ch.config().isAutoRead(), "1000 bytes are below the high water mark");
    ch.write(Unpooled.buffer(1000).writeZero(1000));
    assertFalse(ch.isWritable());
    assertFalse(ch.config().isAutoRead(), "2000 bytes and more queued: stop reading");
    assertFalse(bp.isReading());

    ch.writeInbound("a", "b");
    assertEquals(List.of(), app.got, "frames decoded while paused are held, not handed on");
    assertEquals(2, bp.held());

    ch.flush();
    assertTrue(ch.isWritable());
    assertTrue(ch.config().isAutoRead(), "drained below the low water mark: read again");
    assertEquals(List.of("a", "b"), app.got);
    assertEquals(0, bp.held());
    assertTrue(app.readCompletes > 0, "the held frames end with a read-complete");
    releaseOutbound();
  }

  @Test
  void readingStopsWhileTheCapOfRequestsIsInFlight() {
    app.countRequests = true;
    ch.writeInbound("1", "2", "3", "4", "5");
    assertEquals(List.of("1", "2", "3"), app.got, "no more than 3 requests are handed on");
    assertEquals(3, bp.inFlight());
    assertEquals(2, bp.held());
    assertFalse(ch.config().isAutoRead());

    bp.requestFinished();
    assertEquals(List.of("1", "2", "3", "4"), app.got, "one finished, one more handed on");
    assertFalse(ch.config().isAutoRead(), "still 3 in flight");

    bp.requestFinished();
    assertEquals(5, app.got.size());
    assertFalse(ch.config().isAutoRead(), "3 in flight again");
    bp.requestFinished();
    assertTrue(ch.config().isAutoRead(), "2 in flight and nothing held: read again");
    bp.requestFinished();
    bp.requestFinished();
    assertEquals(0, bp.inFlight());
    assertTrue(ch.config().isAutoRead());
  }

  @Test
  void everyReasonMustClearBeforeReadingResumes() {
    ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1000, 2000));
    bp.pause("disk");
    assertFalse(ch.config().isAutoRead());
    ch.write(Unpooled.buffer(2000).writeZero(2000));
    bp.resume("disk");
    assertFalse(ch.config().isAutoRead(), "still unwritable");
    bp.pause("disk");
    ch.flush();
    assertFalse(ch.config().isAutoRead(), "writable, but the disk still lags");
    bp.resume("disk");
    assertTrue(ch.config().isAutoRead());
    bp.resume("disk");
    assertTrue(ch.config().isAutoRead(), "a second resume changes nothing");
    releaseOutbound();
  }

  @Test
  void manyHeldRequestsFinishingAtOnceArePassedOnInOrderWithoutDeepRecursion() {
    // A cap of 1 and replies written at once: every request pauses and resumes reading from
    // inside the loop that hands the held ones on.
    App sync = new App();
    sync.countRequests = true;
    sync.finishAtOnce = true;
    Backpressure one = new Backpressure(1);
    EmbeddedChannel c = new EmbeddedChannel(one, sync);
    try {
      one.pause("test");
      List<Object> sent = new ArrayList<>();
      IntStream.range(0, 200_000).forEach(sent::add);
      for (Object o : sent) {
        c.writeInbound(o);
      }
      assertEquals(200_000, one.held());
      one.resume("test");
      assertEquals(sent, sync.got);
      assertEquals(0, one.inFlight());
      assertTrue(c.config().isAutoRead());
    } finally {
      c.finishAndReleaseAll();
    }
  }

  @Test
  void heldBuffersAreReleasedWhenTheConnectionCloses() {
    bp.pause("test");
    ByteBuf a = Unpooled.buffer(4).writeInt(1);
    ByteBuf b = Unpooled.buffer(4).writeInt(2);
    ch.writeInbound(a, b);
    assertEquals(2, bp.held());
    ch.close();
    assertEquals(0, a.refCnt());
    assertEquals(0, b.refCnt());
    assertEquals(0, bp.held());
  }

  @Test
  void aRequestFinishedAfterTheCloseIsHarmless() {
    app.countRequests = true;
    ch.writeInbound("1", "2", "3");
    ch.close();
    bp.requestFinished();
    bp.requestFinished();
    bp.requestFinished();
    assertEquals(0, bp.inFlight());
  }

  @Test
  void misuseIsRefusedWithAClearMessage() {
    IllegalStateException e = assertThrows(IllegalStateException.class, bp::requestFinished);
    assertTrue(e.getMessage().startsWith("requestFinished() without requestStarted()"),
        e.getMessage());
    EmbeddedChannel bare = new EmbeddedChannel();
    e = assertThrows(IllegalStateException.class, () -> Backpressure.of(bare));
    assertTrue(e.getMessage().endsWith("has no Backpressure in its pipeline"), e.getMessage());
    bare.finishAndReleaseAll();
    assertEquals("maxInFlight 0: expected at least 1",
        assertThrows(IllegalArgumentException.class, () -> new Backpressure(0)).getMessage());
  }

  private void releaseOutbound() {
    for (Object o; (o = ch.readOutbound()) != null; ) {
      ((ByteBuf) o).release();
    }
  }
}
