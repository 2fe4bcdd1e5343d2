package dev.granary.client.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets a writer thread wait until its channel drains below the low water mark, so a fast producer
 * never queues unbounded bytes in Netty's outbound buffer (back-pressure).
 */
final class WritabilityGate extends ChannelInboundHandlerAdapter {
  /** Stands in for a connection that has no gate: it is closed, waiting returns at once. */
  static final WritabilityGate CLOSED = new WritabilityGate();

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private volatile ChannelHandlerContext ctx;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    signal();
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    signal();
    ctx.fireChannelInactive();
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private boolean ready() {
    ChannelHandlerContext c = ctx;
    return c == null || !c.channel().isActive() || c.channel().isWritable();
  }

  /**
   * Waits until the channel is writable or closed, at most until {@code deadlineNanos} (on the
   * {@link System#nanoTime()} scale). Must not be called on an event loop.
   *
   * @return whether the channel is writable (false: closed or still full at the deadline)
   */
  public boolean awaitWritable(long deadlineNanos) throws InterruptedException {
    lock.lock();
    try {
      while (!ready()) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          break;
        }
        // Bounded wait: a writability event racing this check is picked up within 10 ms.
        changed.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)), TimeUnit.NANOSECONDS);
      }
    } finally {
      lock.unlock();
    }
    ChannelHandlerContext c = ctx;
    return c != null && c.channel().isActive() && c.channel().isWritable();
  }
}
