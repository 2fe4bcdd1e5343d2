package dev.granary.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.WriteOptions;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The client-wide bound on chunks in flight: over budget, a file's next chunk waits for that
 * file's own chunks, not for a free slot of its parallelism. Chunk transfers here are tasks held
 * by the test until it runs them (each then fails at once: there is no master).
 */
class WriteBudgetTest {
  /** Holds submitted tasks until {@link #runAll}. */
  private static final class HeldTasks extends AbstractExecutorService {
    private final List<Runnable> tasks = new ArrayList<>();

    @Override
    public synchronized void execute(Runnable r) {
      tasks.add(r);
    }

    synchronized List<Runnable> take() {
      List<Runnable> t = new ArrayList<>(tasks);
      tasks.clear();
      return t;
    }

    void runAll() {
      take().forEach(Runnable::run);
    }

    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
      return take();
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }

  private static FileUpload upload(HeldTasks workers, WriteBudget budget) {
    ClientContext ctx = new ClientContext("test-client", null, null, null,
        RetryPolicy.system(Duration.ofSeconds(5), Duration.ofSeconds(1)), workers, 4,
        new AtomicLong(), null, null, null, null, null, null, budget, null);
    return new FileUpload(ctx, "/f", WriteOptions.defaults(), new Progress(null));
  }

  private static BufferChunkSource chunk(int bytes) {
    return new BufferChunkSource(new ArrayList<>(List.of(Unpooled.buffer(bytes).writeZero(bytes))));
  }

  @Test
  void underBudgetAFileTakesAnotherSlotWhileItsChunkIsInFlight() throws Exception {
    HeldTasks workers = new HeldTasks();
    WriteBudget budget = new WriteBudget(1 << 20);
    FileUpload u = upload(workers, budget);
    u.acquireSlot();
    u.submit(0, chunk(1000), false);
    assertEquals(1000, budget.held());
    u.acquireSlot(); // returns at once: three of the four slots are free
    u.releaseSlot();
    workers.runAll();
    assertEquals(0, budget.held());
  }

  @Test
  void overBudgetAFileWaitsForItsOwnChunksFirst() throws Exception {
    HeldTasks workers = new HeldTasks();
    WriteBudget budget = new WriteBudget(1000);
    FileUpload u = upload(workers, budget);
    u.acquireSlot();
    u.submit(0, chunk(1000), false);
    assertTrue(budget.exhausted());
    CompletableFuture<Void> next = CompletableFuture.runAsync(() -> {
      try {
        u.acquireSlot();
      } catch (Exception e) {
        // The held chunk failed (no master here): what matters is when this returned.
      }
    });
    // Slots of its parallelism are free, but the budget is spent: it waits for chunk 0.
    assertFalse(waitFor(next, 300), "took a slot over budget while its own chunk was in flight");
    workers.runAll();
    assertTrue(waitFor(next, 10_000), "still waiting after its own chunk was done");
    assertEquals(0, budget.held());
  }

  private static boolean waitFor(CompletableFuture<Void> f, long millis) {
    try {
      f.get(millis, TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
