package dev.granary.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.fake.FakeCluster;
import dev.granary.wire.Status;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.StatRequest;
import dev.granary.wire.msg.StatResponse;
import dev.granary.wire.net.ConnectionClosedException;
import dev.granary.wire.net.RemoteException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Blocking connections: reuse, an error answer, a connection the server closed, timeouts. */
class DirectPoolTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private FakeCluster cluster;
  private DirectPool pool;

  @BeforeEach
  void start() {
    cluster = new FakeCluster(1);
    pool = new DirectPool("test-client", "test/1", TIMEOUT, Duration.ofSeconds(20));
  }

  @AfterEach
  void stop() {
    pool.close();
    cluster.close();
  }

  private Message stat(String path) throws Exception {
    return pool.exchange("127.0.0.1", cluster.master.port(), TIMEOUT,
        c -> c.call(new StatRequest(path), TimeUnit.SECONDS.toNanos(5)));
  }

  @Test
  void sequentialCallsShareOneConnection() throws Exception {
    List<DirectConnection> used = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      assertInstanceOf(StatResponse.class, pool.exchange("127.0.0.1", cluster.master.port(),
          TIMEOUT, c -> {
            used.add(c);
            return c.call(new StatRequest("/"), TimeUnit.SECONDS.toNanos(5));
          }));
    }
    for (DirectConnection c : used) {
      assertSame(used.get(0), c);
    }
    assertEquals(1, pool.openConnections());
  }

  @Test
  void aBorrowedConnectionGivenBackIsReusedAndADiscardedOneClosed() throws Exception {
    DirectConnection a = pool.borrow("127.0.0.1", cluster.master.port(), TIMEOUT);
    assertInstanceOf(StatResponse.class, a.call(new StatRequest("/"), TimeUnit.SECONDS.toNanos(5)));
    pool.giveBack(a);
    DirectConnection b = pool.borrow("127.0.0.1", cluster.master.port(), TIMEOUT);
    assertSame(a, b);
    // Lent again: a second borrower gets a connection of its own.
    DirectConnection c = pool.borrow("127.0.0.1", cluster.master.port(), TIMEOUT);
    assertTrue(c != b);
    assertEquals(2, pool.openConnections());
    pool.discard(c);
    pool.giveBack(b);
    assertEquals(1, pool.openConnections());
    assertInstanceOf(StatResponse.class, stat("/"));
    assertEquals(1, pool.openConnections());
  }

  @Test
  void anErrorAnswerKeepsTheConnection() throws Exception {
    cluster.master.statErrors.put("/missing", Status.NOT_FOUND);
    RemoteException e = assertThrows(RemoteException.class, () -> stat("/missing"));
    assertEquals(Status.NOT_FOUND, e.status());
    assertInstanceOf(StatResponse.class, stat("/"));
    assertEquals(1, pool.openConnections());
  }

  @Test
  void aConnectionTheServerClosedIsReplacedOnce() throws Exception {
    assertInstanceOf(StatResponse.class, stat("/"));
    cluster.master.dropConnections();
    // The idle connection is dead: the call goes through on a new one, without an error.
    assertInstanceOf(StatResponse.class, stat("/"));
    assertEquals(1, pool.openConnections());
  }

  @Test
  void anIdleConnectionTheServerClosedIsNotLentAgain() throws Exception {
    // A borrower (a small chunk's write) must not find out by failing its request: that would
    // count against the node.
    DirectConnection a = pool.borrow("127.0.0.1", cluster.master.port(), TIMEOUT);
    assertInstanceOf(StatResponse.class, a.call(new StatRequest("/"), TimeUnit.SECONDS.toNanos(5)));
    pool.giveBack(a);
    assertFalse(a.broken());
    cluster.master.dropConnections();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!a.broken()) {
      assertTrue(System.nanoTime() < deadline, "the server's close never arrived");
      Thread.onSpinWait();
    }
    DirectConnection b = pool.borrow("127.0.0.1", cluster.master.port(), TIMEOUT);
    assertNotSame(a, b);
    assertInstanceOf(StatResponse.class, b.call(new StatRequest("/"), TimeUnit.SECONDS.toNanos(5)));
    pool.giveBack(b);
    assertEquals(1, pool.openConnections());
  }

  @Test
  void aFailedExchangeClosesItsConnection() throws Exception {
    assertInstanceOf(StatResponse.class, stat("/"));
    assertThrows(IllegalStateException.class, () -> pool.exchange("127.0.0.1",
        cluster.master.port(), TIMEOUT, c -> {
          throw new IllegalStateException("broken mid-stream");
        }));
    assertEquals(0, pool.openConnections());
    assertInstanceOf(StatResponse.class, stat("/"));
  }

  @Test
  void aServerThatNeverAnswersTimesOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) {
      // The kernel accepts the connection; nobody ever answers the handshake.
      long t0 = System.nanoTime();
      assertThrows(TimeoutException.class, () -> pool.exchange("127.0.0.1",
          silent.getLocalPort(), Duration.ofMillis(300), c -> null));
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3));
    }
    assertEquals(0, pool.openConnections());
  }

  @Test
  void nobodyListeningIsAConnectionFailure() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertThrows(ConnectionClosedException.class,
        () -> pool.exchange("127.0.0.1", port, TIMEOUT, c -> null));
  }

  @Test
  void aClosedPoolRefusesToDial() {
    pool.close();
    assertThrows(IllegalStateException.class, () -> stat("/"));
  }

  @Test
  void closingThePoolFailsACallerWaitingOnIt() throws Exception {
    assertInstanceOf(StatResponse.class, stat("/"));
    CountDownLatch waiting = new CountDownLatch(1);
    Thread closer = new Thread(() -> {
      try {
        waiting.await();
      } catch (InterruptedException e) {
        return;
      }
      pool.close();
    });
    closer.start();
    long t0 = System.nanoTime();
    assertThrows(ConnectionClosedException.class, () -> pool.exchange("127.0.0.1",
        cluster.master.port(), TIMEOUT, c -> {
          waiting.countDown();
          // An answer to a request never sent: only close() ends this wait before its deadline.
          return c.receive(12345, System.nanoTime() + TimeUnit.SECONDS.toNanos(20));
        }));
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
    closer.join();
    assertEquals(0, pool.openConnections());
  }
}
