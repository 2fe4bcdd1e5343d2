package dev.granary.cli;

import dev.granary.client.GranaryClient;
import dev.granary.client.TransferListener;
import dev.granary.client.UploadResult;
import dev.granary.client.WriteOptions;
import dev.granary.wire.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The workloads of shared chunks (issue 19's benchmark): {@code delta_update}, a {@code put
 * --force} of a local file of which 1% of the chunks changed, against a full put of the same
 * file; and {@code snapshot_create}, the time to snapshot a directory of many (empty) files.
 * Both are opt-in groups of {@code granary bench --workloads} ({@code delta}, {@code snapshot}):
 * their set-up writes a 1 GiB local file or creates 100,000 files, which the default run should
 * not pay for.
 */
final class SharedBench {
  /** Threads that create the snapshot's files: enough to keep the master's journal grouping. */
  private static final int CREATE_THREADS = 16;
  /** Bytes overwritten at the start of each changed chunk (a chunk changes as a whole). */
  private static final int CHANGED_BYTES = BenchIo.IO_BUFFER;

  private final GranaryClient client;
  private final int parallelism;
  private final int runs;
  private final BenchResults results;

  /** @param parallelism the client's {@code client.parallelism}: its lanes for hashing chunks */
  SharedBench(GranaryClient client, int parallelism, int runs, BenchResults results) {
    this.client = client;
    this.parallelism = parallelism;
    this.runs = runs;
    this.results = results;
  }

  /** The chunks a delta run changes: 1% of {@code chunks}, rounded up, so at least one. */
  static int changedChunks(int chunks) {
    return (chunks + 99) / 100;
  }

  /**
   * {@code delta_update} under {@code dir}: a local file of {@code bytes} random bytes (every
   * chunk distinct, so no chunk matches another) is put once; then each run times a full put of
   * it to a new path ({@code fullPutMiBps}), changes {@link #changedChunks} chunks spread over
   * the file and times the {@code put --force} (the workload's figure: MiB/s of the file's
   * logical size), then times a {@code put --force} of the unchanged file ({@code
   * unchangedPutMs}: hashing, the match and the commit, with nothing to send).
   *
   * @param opts the write options; their chunk size is the one the changes are counted in
   */
  void delta(String dir, long bytes, WriteOptions opts) throws Exception {
    long cs = client.clusterDefaults().chunkSize();
    WriteOptions o = opts.chunkSize() == WriteOptions.CLUSTER_DEFAULT_CHUNK_SIZE
        ? opts.withChunkSize(cs) : opts;
    int chunks = (int) ((bytes + o.chunkSize() - 1) / o.chunkSize());
    int changed = changedChunks(chunks);
    client.mkdirs(dir, true);
    String target = dir + "/delta.bin";
    Path local = Files.createTempFile("granary-bench-delta-", ".bin");
    try {
      writeRandom(local, bytes);
      client.upload(local, target, o, TransferListener.NONE);
      // Untimed: compiles the hashing and matching path before run 1 times it.
      client.upload(local, target, o.withOverwrite(true), TransferListener.NONE);
      double[] full = new double[runs];
      double[] unchangedMs = new double[runs];
      long[] sent = new long[runs];
      double[] hashMs = new double[runs];
      double[] changedPutMs = new double[runs];
      byte[] chunkBytes = BenchIo.randomBytes(BenchIo.IO_BUFFER, 7);
      for (int r = 0; r < runs; r++) {
        String copy = dir + "/full-" + r;
        BenchIo.syncDisks();
        long t0 = System.nanoTime();
        UploadResult whole = client.upload(local, copy, o, TransferListener.NONE);
        full[r] = BenchResults.mibPerSecond(bytes, System.nanoTime() - t0);
        if (whole.chunksReused() != 0) {
          throw new CliException(Failures.USAGE, "the cluster deduplicates (master.dedup):"
              + " a full put to a new path reused " + whole.chunksReused() + " chunks, so"
              + " delta_update has nothing to compare with; run it with master.dedup false");
        }
        client.delete(copy, false);

        change(local, bytes, o.chunkSize(), chunks, changed, r);
        BenchIo.syncDisks();
        t0 = System.nanoTime();
        UploadResult u = client.upload(local, target, o.withOverwrite(true),
            TransferListener.NONE);
        results.record("delta_update", BenchResults.mibPerSecond(bytes, System.nanoTime() - t0));
        sent[r] = u.bytesSent();
        checkDelta(target, u, chunks, changed);

        t0 = System.nanoTime();
        UploadResult same = client.upload(local, target, o.withOverwrite(true),
            TransferListener.NONE);
        unchangedMs[r] = (System.nanoTime() - t0) / 1e6;
        checkDelta(target, same, chunks, 0);

        t0 = System.nanoTime();
        hash(local, bytes, o.chunkSize(), chunks);
        hashMs[r] = (System.nanoTime() - t0) / 1e6;

        // What the changed chunks cost when sent alone, without the other chunks in flight.
        String alone = dir + "/changed-" + r;
        t0 = System.nanoTime();
        BenchIo.write(client, alone, Math.min(bytes, changed * o.chunkSize()), o, chunkBytes);
        changedPutMs[r] = (System.nanoTime() - t0) / 1e6;
        client.delete(alone, false);
      }
      double fullMedian = median(full);
      double deltaMedian = results.median("delta_update");
      long sentMedian = (long) median(Arrays.stream(sent).asDoubleStream().toArray());
      results.param("delta_update", "chunkSize", o.chunkSize());
      results.param("delta_update", "chunks", chunks);
      results.param("delta_update", "chunksChanged", changed);
      results.put("delta_update", "bytesSent", sentMedian);
      results.put("delta_update", "sentPercent", round(100.0 * sentMedian / bytes));
      results.put("delta_update", "fullPutMiBps", round(fullMedian));
      results.put("delta_update", "fullPutValues", round(full));
      results.put("delta_update", "speedup", round(deltaMedian / fullMedian));
      results.put("delta_update", "unchangedPutMs", round(median(unchangedMs)));
      results.put("delta_update", "hashMs", round(median(hashMs)));
      results.put("delta_update", "changedPutMs", round(median(changedPutMs)));
      results.note("delta_update", "put --force of a file with " + changed + " of its " + chunks
          + " chunks changed, MiB/s of its whole size; fullPutMiBps: a put of the same file"
          + " to a new path in the same run; unchangedPutMs: put --force with nothing changed"
          + " (hashing, match, commit); hashMs: the SHA-256 of every chunk of the local file"
          + " alone, computed as the client does it; changedPutMs: a put of as many bytes as"
          + " the changed chunks to a new path");
    } finally {
      Files.deleteIfExists(local);
    }
    client.delete(dir, true);
  }

  /**
   * {@code snapshot_create} under {@code dir}: {@code files} empty files (created by several
   * threads: metadata is what a snapshot costs), then each run times one snapshot's creation
   * and deletes it, untimed.
   */
  void snapshot(String dir, int files, WriteOptions opts) throws Exception {
    client.mkdirs(dir, true);
    long t0 = System.nanoTime();
    createEmpty(dir, files, opts);
    double setupSeconds = (System.nanoTime() - t0) / 1e9;
    for (int r = 0; r < runs; r++) {
      String name = "bench-" + r;
      t0 = System.nanoTime();
      client.createSnapshot(dir, name);
      results.record("snapshot_create", (System.nanoTime() - t0) / 1e6);
      client.deleteSnapshot(dir, name);
    }
    results.param("snapshot_create", "snapshotFiles", files);
    results.put("snapshot_create", "setupSeconds", round(setupSeconds));
    results.note("snapshot_create", "snapshot create of a directory of " + files
        + " empty files, ms; the snapshot is deleted between runs");
    client.delete(dir, true);
  }

  private void createEmpty(String dir, int files, WriteOptions opts) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CREATE_THREADS, r -> {
      Thread t = new Thread(r, "bench-create");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < CREATE_THREADS; t++) {
        int first = t;
        done.add(pool.submit(() -> {
          for (int i = first; i < files; i += CREATE_THREADS) {
            client.create(dir + "/e" + i, opts).close();
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        try {
          f.get();
        } catch (ExecutionException e) {
          // The first failure fails the bench with its own exit code.
          throw e.getCause() instanceof Exception c ? c : e;
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The SHA-256 of each chunk of {@code local} as the client computes it before a put --force
   * (1 MiB reads, chunks dealt over {@code parallelism} threads): the part of a delta update's
   * time that is local CPU, timed on its own.
   */
  private void hash(Path local, long bytes, long chunkSize, int chunks) throws Exception {
    int lanes = Math.max(1, Math.min(parallelism, chunks));
    ExecutorService pool = Executors.newFixedThreadPool(lanes);
    try (FileChannel in = FileChannel.open(local, StandardOpenOption.READ)) {
      List<Future<?>> done = new ArrayList<>();
      for (int lane = 0; lane < lanes; lane++) {
        int first = lane;
        done.add(pool.submit(() -> {
          ByteBuffer buf = ByteBuffer.allocate(BenchIo.IO_BUFFER);
          MessageDigest md = Sha256.newDigest();
          for (int i = first; i < chunks; i += lanes) {
            long at = i * chunkSize;
            long end = Math.min(bytes, at + chunkSize);
            while (at < end) {
              buf.clear().limit((int) Math.min(buf.capacity(), end - at));
              int n = in.read(buf, at);
              md.update(buf.array(), 0, n);
              at += n;
            }
            md.digest();
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** A file of {@code bytes} random bytes, each 1 MiB block from its own seed. */
  private static void writeRandom(Path local, long bytes) throws IOException {
    try (FileChannel out = FileChannel.open(local, StandardOpenOption.WRITE)) {
      long at = 0;
      for (long block = 0; at < bytes; block++) {
        int n = (int) Math.min(BenchIo.IO_BUFFER, bytes - at);
        write(out, BenchIo.randomBytes(n, 0x5EED_0000L + block), at);
        at += n;
      }
    }
  }

  /** Overwrites the start of {@code changed} chunks spread evenly over the file, new per run. */
  private static void change(Path local, long bytes, long chunkSize, int chunks, int changed,
      int run) throws IOException {
    try (FileChannel out = FileChannel.open(local, StandardOpenOption.WRITE)) {
      for (int k = 0; k < changed; k++) {
        long chunk = (long) k * chunks / changed;
        long at = chunk * chunkSize;
        int n = (int) Math.min(CHANGED_BYTES, bytes - at);
        write(out, BenchIo.randomBytes(n, ((long) run + 1) << 32 | chunk), at);
      }
    }
  }

  private static void write(FileChannel out, byte[] b, long at) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(b);
    while (buf.hasRemaining()) {
      at += out.write(buf, at);
    }
  }

  /** A delta run that sent other chunks than it changed measures something else: fail it. */
  private static void checkDelta(String path, UploadResult u, int chunks, int changed)
      throws CliException {
    if (u.chunksSent() != changed || u.chunksReused() != chunks - changed) {
      throw new CliException(Failures.INTERNAL, path + ": put --force with " + changed + " of "
          + chunks + " chunks changed sent " + u.chunksSent() + " chunks and reused "
          + u.chunksReused());
    }
  }

  private static double median(double[] v) {
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    return BenchResults.median(sorted);
  }

  private static double round(double d) {
    return Math.round(d * 100) / 100.0;
  }

  private static double[] round(double[] v) {
    return Arrays.stream(v).map(SharedBench::round).toArray();
  }
}
