package dev.granary.wire.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what one connection can make a server hold: the connection's read switch. Reading stops
 * (auto-read off) while any reason to pause holds, and resumes when none does:
 *
 * <ul>
 *   <li>the channel is unwritable: its outbound buffer passed the high water mark of
 *       {@link Transports#WATER_MARK} (replies the peer does not read), until it drains below the
 *       low one;
 *   <li>{@code maxInFlight} requests were handed on and not yet finished ({@link
 *       #requestStarted()} / {@link #requestFinished()}): replies produced later, off the event
 *       loop, cannot pile up behind a peer that pipelines faster than they complete;
 *   <li>a handler above asked for a pause ({@link #pause(Object)}), e.g. a write stream whose disk
 *       lags.
 * </ul>
 *
 * <p>Turning auto-read off stops the next socket read, not the frames already decoded from the
 * last one: those are held here, in order, and passed on one at a time once reading resumes, so a
 * paused connection holds at most one read's worth of input and no more than {@code maxInFlight}
 * requests reach the handlers above.
 *
 * <p>One instance per channel, placed above the frame decoder and below the handlers it protects.
 * Everything but {@link #requestFinished()} must be called on the channel's event loop.
 */
public final class Backpressure extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(Backpressure.class);
  private static final AttributeKey<Backpressure> KEY =
      AttributeKey.valueOf("granary.backpressure");
  private static final Object UNWRITABLE = "its outbound buffer is over the high water mark";
  private static final Object IN_FLIGHT = "too many requests in flight";

  private final int maxInFlight;
  private final Set<Object> pausers = new HashSet<>();
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private int inFlight;
  private boolean draining;

  /**
   * @param maxInFlight requests handed on but not finished before reading pauses, at least 1
   * @throws IllegalArgumentException if {@code maxInFlight} is below 1
   */
  public Backpressure(int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight " + maxInFlight + ": expected at least 1");
    }
    this.maxInFlight = maxInFlight;
  }

  /**
   * The handler in {@code ch}'s pipeline.
   *
   * @throws IllegalStateException if the pipeline has none
   */
  public static Backpressure of(Channel ch) {
    Backpressure b = ch.attr(KEY).get();
    if (b == null) {
      throw new IllegalStateException("channel " + ch + " has no Backpressure in its pipeline");
    }
    return b;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    ctx.channel().attr(KEY).set(this);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    ctx.channel().attr(KEY).set(null);
    releaseHeld();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    held.add(msg);
    deliver(true);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    ctx.fireChannelWritabilityChanged();
    if (ctx.channel().isWritable()) {
      resume(UNWRITABLE);
    } else {
      pause(UNWRITABLE);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseHeld();
    ctx.fireChannelInactive();
  }

  /** A request was handed on; reading pauses while {@code maxInFlight} are unfinished. */
  public void requestStarted() {
    if (++inFlight == maxInFlight) {
      pause(IN_FLIGHT);
    }
  }

  /**
   * A request started with {@link #requestStarted()} is finished (its reply written). Any thread:
   * called elsewhere, the count changes on the event loop, after the writes queued before it.
   */
  public void requestFinished() {
    EventExecutor loop = ctx.executor();
    if (loop.inEventLoop()) {
      finished();
    } else {
      try {
        loop.execute(this::finished);
      } catch (RejectedExecutionException e) {
        // The server is shutting down and the channel with it: nothing left to resume.
      }
    }
  }

  private void finished() {
    if (inFlight == 0) {
      throw new IllegalStateException("requestFinished() without requestStarted() on "
          + ctx.channel());
    }
    if (inFlight-- == maxInFlight) {
      resume(IN_FLIGHT);
    }
  }

  /** Stops reading until {@code who} resumes (and no other reason holds). Event loop only. */
  public void pause(Object who) {
    if (pausers.add(who) && pausers.size() == 1) {
      log.debug("pausing reads from {}: {}", ctx.channel().remoteAddress(), who);
      ctx.channel().config().setAutoRead(false);
    }
  }

  /** Lifts {@code who}'s pause; reading resumes if nothing else holds it. Event loop only. */
  public void resume(Object who) {
    if (pausers.remove(who) && pausers.isEmpty()) {
      deliver(false);
    }
  }

  /**
   * Passes held frames on while nothing pauses, then turns reading back on if nothing is held.
   * Re-entrant calls (a handler finishing a request while a frame is passed on) leave the work to
   * the outer loop, so the stack does not grow with the number of held frames.
   */
  private void deliver(boolean inReadCycle) {
    if (draining) {
      return;
    }
    draining = true;
    boolean delivered = false;
    try {
      while (pausers.isEmpty() && !held.isEmpty()) {
        ctx.fireChannelRead(held.poll());
        delivered = true;
      }
    } finally {
      draining = false;
    }
    if (delivered && !inReadCycle) {
      // Handlers above batch their work per read cycle (e.g. flush once); close this one.
      ctx.fireChannelReadComplete();
    }
    if (pausers.isEmpty() && held.isEmpty() && !ctx.channel().config().isAutoRead()) {
      log.debug("resuming reads from {}", ctx.channel().remoteAddress());
      // Turning auto-read back on also issues the next read.
      ctx.channel().config().setAutoRead(true);
    }
  }

  private void releaseHeld() {
    for (Object o; (o = held.poll()) != null; ) {
      ReferenceCountUtil.release(o);
    }
  }

  /** Requests started and not finished. */
  public int inFlight() {
    return inFlight;
  }

  /** Frames decoded and held while reading is paused. */
  public int held() {
    return held.size();
  }

  /** True unless some reason to pause holds. */
  public boolean isReading() {
    return pausers.isEmpty();
  }
}
