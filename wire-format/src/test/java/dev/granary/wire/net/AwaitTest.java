package dev.granary.wire.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
  @Test
  void returnsTheValueCompletedDuringTheSpin() throws Exception {
    CompletableFuture<String> f = new CompletableFuture<>();
    Thread t = new Thread(() -> f.complete("answer"));
    t.start();
    assertEquals("answer", Await.get(f, 5, TimeUnit.SECONDS));
    t.join();
  }

  @Test
  void aValueThatArrivesAfterTheSpinIsStillReturned() throws Exception {
    CompletableFuture<Integer> f = new CompletableFuture<>();
    long delayNanos = Await.SPIN_NANOS + TimeUnit.MILLISECONDS.toNanos(20);
    CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS)
        .execute(() -> f.complete(7));
    assertEquals(7, Await.get(f, 5, TimeUnit.SECONDS));
  }

  @Test
  void failuresAndTimeoutsAreThoseOfTheFuture() {
    CompletableFuture<Integer> failed =
        CompletableFuture.failedFuture(new IllegalStateException("x"));
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> Await.get(failed, 1, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof IllegalStateException);
    long t0 = System.nanoTime();
    assertThrows(TimeoutException.class,
        () -> Await.get(new CompletableFuture<>(), 50, TimeUnit.MILLISECONDS));
    assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(50));
  }

  @Test
  void spinIsBoundedInTimeAndNeverBlocksOnAFutureThatNeverCompletes() {
    CompletableFuture<Void> never = new CompletableFuture<>();
    long t0 = System.nanoTime();
    Await.spin(never);
    long took = System.nanoTime() - t0;
    // The bound plus generous scheduling slack on a loaded 2-core machine.
    assertTrue(took < Await.SPIN_NANOS + TimeUnit.SECONDS.toNanos(1), took + " ns");
  }

  @Test
  void spinUntilStopsAtReadinessAndIsBoundedOtherwise() {
    AtomicInteger asked = new AtomicInteger();
    // Ready on the third look: the spin stops there.
    Await.spinUntil(() -> asked.incrementAndGet() >= 3);
    assertEquals(Await.SPIN_NANOS > 0 ? 3 : 1, asked.get());
    long t0 = System.nanoTime();
    Await.spinUntil(() -> false);
    long took = System.nanoTime() - t0;
    assertTrue(took < Await.SPIN_NANOS + TimeUnit.SECONDS.toNanos(1), took + " ns");
  }

  @Test
  void manyWaitersAllGetTheirAnswers() throws Exception {
    int n = 16;
    CompletableFuture<Integer> gate = new CompletableFuture<>();
    CompletableFuture<?>[] results = new CompletableFuture<?>[n];
    CountDownLatch waiting = new CountDownLatch(n);
    for (int i = 0; i < n; i++) {
      int k = i;
      results[i] = CompletableFuture.supplyAsync(() -> {
        try {
          CompletableFuture<Integer> mine = gate.thenApply(v -> v + k);
          waiting.countDown();
          return Await.get(mine, 10, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, r -> new Thread(r).start());
    }
    // Every waiter has its future before the answer comes (whether it is then spinning, parked
    // or not yet waiting does not matter: each must get its own answer either way).
    assertTrue(waiting.await(10, TimeUnit.SECONDS));
    gate.complete(100);
    for (int i = 0; i < n; i++) {
      assertEquals(100 + i, results[i].get(10, TimeUnit.SECONDS));
    }
  }
}
