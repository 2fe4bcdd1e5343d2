package dev.granary.cli;

import dev.granary.client.GranaryClient;
import dev.granary.client.WriteOptions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The concurrent workloads of {@code granary bench --clients N}, line by line those of the HDFS
 * peer harness ({@code HdfsPeerBench.concurrentWorkloads}): the same work spread over N threads
 * of one process sharing one {@link GranaryClient}, as an application's threads would. The
 * sequential bytes become one file of size/N per thread; the small files and the stats are split
 * evenly. Every figure is an aggregate rate over the whole run, timed from before the first
 * thread starts to after the last one finishes.
 *
 * <p>The first thread to fail fails the bench: the others are cancelled, and its failure keeps
 * its exit code. {@link #close()} stops the threads, whatever happened.
 */
final class ConcurrentBench implements AutoCloseable {
  /** The most client threads {@code --clients} accepts. */
  static final int MAX_CLIENTS = 1024;

  /** One unit of work of one client thread, given the thread's index. */
  interface Task {
    void run(int client) throws Exception;
  }

  private final GranaryClient client;
  private final int clients;
  private final int runs;
  private final WriteOptions opts;
  private final byte[] buffer;
  private final BenchResults results;
  private final ExecutorService pool;

  /**
   * @param buffer the bytes the sequential files repeat; only read, by every thread at once
   */
  ConcurrentBench(GranaryClient client, int clients, int runs, WriteOptions opts, byte[] buffer,
      BenchResults results) {
    this.client = client;
    this.clients = clients;
    this.runs = runs;
    this.opts = opts;
    this.buffer = buffer;
    this.results = results;
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads = r -> {
      Thread t = new Thread(r, "bench-client-" + n.getAndIncrement());
      t.setDaemon(true);
      return t;
    };
    this.pool = Executors.newFixedThreadPool(clients, threads);
  }

  /** The usage error for a {@code --clients} value, or null if it is fine. */
  static String checkClients(int clients, long seqBytes) {
    if (clients < 0 || clients > MAX_CLIENTS) {
      return "invalid --clients " + clients + ": expected 0 (no concurrent workloads) to "
          + MAX_CLIENTS + " threads";
    }
    if (clients > 0 && seqBytes < clients) {
      return "--size " + seqBytes + " B is less than one byte per client thread (--clients "
          + clients + ")";
    }
    return null;
  }

  /** Runs the five workloads under {@code dir} (created, then removed). */
  void run(String dir, long seqBytes, int files, int ops) throws Exception {
    client.mkdirs(dir, true);
    seq(dir, seqBytes);
    small(dir, files, ops);
    client.delete(dir, true);
  }

  /** {@code conc_seq_write} and {@code conc_seq_read_warm}: each run writes, then reads back. */
  private void seq(String dir, long seqBytes) throws Exception {
    long perFile = seqBytes / clients;
    long total = perFile * clients;
    for (int r = 0; r < runs; r++) {
      String prefix = dir + "/s" + r + "-";
      BenchIo.syncDisks();
      long t0 = System.nanoTime();
      inParallel(c -> BenchIo.write(client, prefix + c, perFile, opts, buffer));
      results.record("conc_seq_write", BenchResults.mibPerSecond(total, System.nanoTime() - t0));
      t0 = System.nanoTime();
      inParallel(c -> {
        String path = prefix + c;
        BenchIo.checkLength(path, BenchIo.read(client, path, new byte[BenchIo.IO_BUFFER]),
            perFile);
      });
      results.record("conc_seq_read_warm",
          BenchResults.mibPerSecond(total, System.nanoTime() - t0));
    }
    results.param("conc_seq_write", "clients", clients);
    results.param("conc_seq_write", "bytes_per_client", perFile);
    results.note("conc_seq_write", "one file per client thread, written at once");
    results.param("conc_seq_read_warm", "clients", clients);
    results.param("conc_seq_read_warm", "bytes_per_client", perFile);
    results.note("conc_seq_read_warm", "each client reads back its file; page cache warm");
    results.cache("conc_seq_read_warm", client.cacheStats());
  }

  /**
   * {@code conc_small_write}, {@code conc_small_read_warm} and {@code conc_meta_stat}: each run
   * writes the files, reads them back (length and content checked), then stats them.
   */
  private void small(String dir, int files, int ops) throws Exception {
    int perClient = Math.max(1, files / clients);
    int statsPerClient = Math.max(1, ops / clients);
    byte[] source = BenchIo.randomBytes(BenchIo.SMALL_FILE, 13);
    for (int r = 0; r < runs; r++) {
      final int run = r;
      for (int c = 0; c < clients; c++) {
        client.mkdirs(smallDir(dir, r, c), true);
      }
      BenchIo.syncDisks();
      long t0 = System.nanoTime();
      inParallel(c -> {
        byte[] content = source.clone();
        for (int i = 0; i < perClient; i++) {
          stamp(content, run, c, i);
          try (var out = client.create(smallDir(dir, run, c) + "/f" + i, opts)) {
            out.write(content);
          }
        }
      });
      results.record("conc_small_write",
          BenchResults.perSecond((long) perClient * clients, System.nanoTime() - t0));
      t0 = System.nanoTime();
      inParallel(c -> {
        byte[] expected = source.clone();
        byte[] got = new byte[BenchIo.SMALL_FILE];
        for (int i = 0; i < perClient; i++) {
          String path = smallDir(dir, run, c) + "/f" + i;
          BenchIo.checkLength(path, BenchIo.readInto(client, path, got), BenchIo.SMALL_FILE);
          stamp(expected, run, c, i);
          if (!Arrays.equals(expected, got)) {
            throw new CliException(Failures.INTEGRITY, path + ": read back "
                + BenchIo.SMALL_FILE + " bytes that differ from those written");
          }
        }
      });
      results.record("conc_small_read_warm",
          BenchResults.perSecond((long) perClient * clients, System.nanoTime() - t0));
      t0 = System.nanoTime();
      inParallel(c -> {
        String prefix = smallDir(dir, run, c) + "/f";
        for (int i = 0; i < statsPerClient; i++) {
          client.stat(prefix + (i % perClient));
        }
      });
      results.record("conc_meta_stat",
          BenchResults.perSecond((long) statsPerClient * clients, System.nanoTime() - t0));
    }
    results.param("conc_small_write", "clients", clients);
    results.param("conc_small_write", "count", perClient * clients);
    results.param("conc_small_write", "size", BenchIo.SMALL_FILE);
    results.note("conc_small_write", "create+write+close, files split over the clients");
    results.param("conc_small_read_warm", "clients", clients);
    results.param("conc_small_read_warm", "count", perClient * clients);
    results.param("conc_small_read_warm", "size", BenchIo.SMALL_FILE);
    results.note("conc_small_read_warm", "open+read+close of the files just written");
    results.cache("conc_small_read_warm", client.cacheStats());
    results.param("conc_meta_stat", "clients", clients);
    results.param("conc_meta_stat", "count", statsPerClient * clients);
    results.note("conc_meta_stat", "stat, split over the clients");
  }

  private static String smallDir(String dir, int run, int client) {
    return dir + "/small-" + run + "-" + client;
  }

  /**
   * Makes a small file's first 12 bytes name it (run, client thread, index), so a read that
   * returned another file's bytes fails the content check, at the cost of three int writes.
   */
  private static void stamp(byte[] content, int run, int client, int index) {
    ByteBuffer.wrap(content).putInt(0, run).putInt(4, client).putInt(8, index);
  }

  /**
   * Runs {@code task} on every client thread at once and waits for all of them. The first
   * failure cancels the rest and is rethrown, naming the thread; it keeps its exit code.
   */
  void inParallel(Task task) throws Exception {
    CompletionService<Integer> done = new ExecutorCompletionService<>(pool);
    List<Future<Integer>> started = new ArrayList<>(clients);
    for (int c = 0; c < clients; c++) {
      final int index = c;
      started.add(done.submit(() -> {
        task.run(index);
        return index;
      }));
    }
    try {
      for (int i = 0; i < clients; i++) {
        Future<Integer> f = done.take();
        try {
          f.get();
        } catch (ExecutionException e) {
          throw failure(started.indexOf(f), e.getCause());
        }
      }
    } finally {
      for (Future<Integer> f : started) {
        f.cancel(true);
      }
    }
  }

  /** A thread's failure as the bench's: its exit code, one line naming the thread. */
  private Exception failure(int index, Throwable cause) {
    if (cause instanceof Error e) {
      throw e;
    }
    int code = Failures.exitCode(cause);
    if (code == Failures.INTERNAL) {
      // A bug: its own type and trace say more than a wrapper would.
      return (Exception) cause;
    }
    CliException e = new CliException(code, "bench client thread " + index + " of " + clients
        + ": " + Failures.message(cause));
    e.initCause(cause);
    return e;
  }

  /**
   * Stops the threads (interrupting any still running) and waits up to 30 s for them; an
   * interrupt of the caller ends the wait and stays set.
   */
  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
