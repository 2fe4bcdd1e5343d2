package dev.granary.chunkserver.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.base.Ticker;
import dev.granary.chunkserver.FakeMaster;
import dev.granary.chunkserver.Poll;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.Transports;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shared downstream connections, against a real server that speaks the handshake. */
class DownstreamPoolTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private EventLoopGroup group;
  private FakeMaster peer;
  private final AtomicLong now = new AtomicLong();
  private DownstreamPool pool;
  private NodeAddress target;

  @BeforeEach
  void setUp() {
    group = Transports.eventLoopGroup(2, "pool-test");
    peer = new FakeMaster(group, 1000); // accepts chunkserver handshakes
    target = new NodeAddress("cs-peer", "127.0.0.1", peer.address().port());
    Ticker ticker = new Ticker() {
      @Override
      public long read() {
        return now.get();
      }
    };
    pool = new DownstreamPool(Transports.clientBootstrap(group, WAIT), "cs-test", "test", WAIT,
        Duration.ofSeconds(30), ticker);
  }

  @AfterEach
  void tearDown() {
    pool.close();
    peer.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** The group's {@code i}-th loop ({@code next()} also serves the peer's accepted channels). */
  private EventLoop loop(int i) {
    var it = group.iterator();
    for (int k = 0; k < i; k++) {
      it.next();
    }
    return (EventLoop) it.next();
  }

  private static Connection get(DownstreamPool.Lease lease) throws Exception {
    return lease.connection().get(20, TimeUnit.SECONDS);
  }

  @Test
  void streamsOnOneLoopShareOneConnectionAndEachLoopHasItsOwn() throws Exception {
    EventLoop a = loop(0);
    EventLoop b = loop(1);
    DownstreamPool.Lease first = pool.acquire(target, a);
    DownstreamPool.Lease second = pool.acquire(target, a);
    DownstreamPool.Lease other = pool.acquire(target, b);
    Connection c = get(first);
    assertSame(c, get(second));
    assertSame(a, c.channel().eventLoop());
    assertNotSame(c, get(other));
    assertSame(b, get(other).channel().eventLoop());
    first.release(false);
    second.release(false);
    assertTrue(c.isActive(), "a connection outlives its streams while in the pool");
    DownstreamPool.Lease later = pool.acquire(target, a);
    assertSame(c, get(later));
    later.release(false);
    other.release(false);
    assertEquals(2, pool.size());
  }

  @Test
  void anAbandonedConnectionIsRetiredAndClosedWhenItsLastStreamEnds() throws Exception {
    EventLoop loop = loop(0);
    DownstreamPool.Lease abandoning = pool.acquire(target, loop);
    DownstreamPool.Lease neighbour = pool.acquire(target, loop);
    Connection c = get(abandoning);
    abandoning.release(true);
    assertTrue(c.isActive(), "the neighbour's stream still runs on it");
    DownstreamPool.Lease fresh = pool.acquire(target, loop);
    assertNotSame(c, get(fresh), "new streams get a new connection");
    neighbour.release(false);
    Poll.until("the retired connection closes", WAIT, () -> !c.isActive());
    assertTrue(get(fresh).isActive());
    fresh.release(false);
  }

  @Test
  void aClosedConnectionIsReplacedOnNextUse() throws Exception {
    EventLoop loop = loop(0);
    DownstreamPool.Lease lease = pool.acquire(target, loop);
    Connection c = get(lease);
    lease.release(false);
    c.close();
    Poll.until("the pool drops the closed connection", WAIT, () -> pool.size() == 0);
    DownstreamPool.Lease again = pool.acquire(target, loop);
    Connection d = get(again);
    assertNotSame(c, d);
    assertTrue(d.isActive());
    again.release(false);
  }

  @Test
  void idleConnectionsAreClosedButBusyOnesAreNot() throws Exception {
    DownstreamPool.Lease idle = pool.acquire(target, loop(0));
    Connection c = get(idle);
    idle.release(false);
    DownstreamPool.Lease busy = pool.acquire(target, loop(1));
    Connection d = get(busy);
    now.addAndGet(Duration.ofSeconds(31).toNanos());
    pool.closeIdle();
    Poll.until("the idle connection closes", WAIT, () -> !c.isActive());
    assertTrue(d.isActive());
    busy.release(false);
  }

  @Test
  void anUnreachableNodeFailsTheLeaseAndIsRetriedAfresh() throws Exception {
    int deadPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    NodeAddress dead = new NodeAddress("cs-dead", "127.0.0.1", deadPort);
    DownstreamPool.Lease lease = pool.acquire(dead, loop(0));
    assertThrows(ExecutionException.class, () -> get(lease));
    lease.release(false);
    assertEquals(0, pool.size(), "a failed connect is not kept");
    pool.close();
    DownstreamPool.Lease afterClose = pool.acquire(target, loop(1));
    assertThrows(ExecutionException.class, () -> get(afterClose));
  }
}
