package dev.granary.cli;

import dev.granary.client.CacheStats;
import dev.granary.client.GranaryClient;
import dev.granary.client.WriteOptions;
import dev.granary.config.Sizes;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code granary bench}: the workloads of the HDFS peer harness (../shared/bench) against a running
 * cluster, one client thread, printed as one JSON line per workload so the two compare line by line.
 * An untimed warm-up runs first so run 1 does not measure JIT compilation. Everything the bench
 * writes lives under one /granary-bench-UUID directory that is removed at the end.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run the benchmark workloads against a running cluster; prints JSON lines "
        + "{system, workload, unit, runs, min, median, max, values}.")
final class BenchCommand implements Callable<Integer> {
  private static final int SMALL_FILE = 4096;
  private static final int IO_BUFFER = 1 << 20;

  @Spec
  CommandSpec spec;

  @Mixin
  ClientOptions client;

  @Option(names = "--size", paramLabel = "SIZE", defaultValue = "1GiB",
      description = "Size of the sequential file (default 1GiB).")
  String size;

  @Option(names = "--files", paramLabel = "N", defaultValue = "2000",
      description = "Small (4 KiB) files to write and read, and entries to list (default 2000).")
  int files;

  @Option(names = "--ops", paramLabel = "N", defaultValue = "10000",
      description = "Operations per metadata workload (default 10000).")
  int ops;

  @Option(names = "--runs", paramLabel = "N", defaultValue = "3",
      description = "Runs per workload; min/median/max are over these (default 3).")
  int runs;

  @Option(names = "--replication", paramLabel = "N", defaultValue = "3",
      description = "Replication of the files written (default 3).")
  int replication;

  private final Map<String, List<Double>> results = new LinkedHashMap<>();
  /** The block cache's counters of the client that ran a read workload. */
  private final Map<String, CacheStats> cacheStats = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    long seqBytes;
    try {
      seqBytes = Sizes.parse(size);
    } catch (IllegalArgumentException e) {
      throw new CliException(Failures.USAGE, "invalid --size \"" + size + "\": " + e.getMessage());
    }
    if (files < 1 || runs < 1 || ops < 1 || seqBytes < 1) {
      throw new CliException(Failures.USAGE, "--files, --ops, --runs and --size must be positive");
    }
    PrintWriter out = spec.commandLine().getOut();
    WriteOptions opts = WriteOptions.defaults().withReplication(replication);
    byte[] buffer = new byte[IO_BUFFER];
    new SplittableRandom(42).nextBytes(buffer);
    String root = "/granary-bench-" + UUID.randomUUID();
    try (GranaryClient c = client.open()) {
      c.mkdirs(root, true);
      try {
        warmUp(c, root + "/warmup", opts, buffer);
        seq(c, root + "/seq", seqBytes, opts, buffer);
        try (GranaryClient fresh = client.open()) {
          // Its own client, so the cache holds nothing from the other workloads.
          cached(fresh, root + "/cached", Math.min(seqBytes, 128L << 20), opts, buffer);
        }
        small(c, root + "/small", opts, buffer);
        meta(c, root + "/meta", opts);
      } finally {
        c.delete(root, true);
      }
      Map<String, Object> params = new LinkedHashMap<>();
      params.put("seqBytes", seqBytes);
      params.put("files", files);
      params.put("ops", ops);
      params.put("replication", replication);
      for (Map.Entry<String, List<Double>> e : results.entrySet()) {
        out.println(Json.write(line(e.getKey(), e.getValue(), params,
            cacheStats.get(e.getKey()))));
      }
      out.flush();
    }
    return 0;
  }

  private void warmUp(GranaryClient c, String dir, WriteOptions opts, byte[] buffer)
      throws Exception {
    c.mkdirs(dir, true);
    write(c, dir + "/warm.bin", Math.min(128L << 20, 8L * IO_BUFFER * 16), opts, buffer);
    // Twice: the first read goes to the chunkservers, the second is served by the block cache,
    // so both read paths are compiled before anything is timed.
    read(c, dir + "/warm.bin", buffer);
    read(c, dir + "/warm.bin", buffer);
    for (int i = 0; i < 200; i++) {
      write(c, dir + "/s" + i, SMALL_FILE, opts, buffer);
      read(c, dir + "/s" + i, buffer);
      c.stat(dir + "/s" + i);
    }
    c.delete(dir, true);
  }

  /** Like the HDFS harness: runs x write of a new file (sync(1) untimed first), runs x read. */
  private void seq(GranaryClient c, String dir, long bytes, WriteOptions opts, byte[] buffer)
      throws Exception {
    c.mkdirs(dir, true);
    String last = null;
    for (int r = 0; r < runs; r++) {
      last = dir + "/file-" + r;
      syncDisks();
      long t0 = System.nanoTime();
      write(c, last, bytes, opts, buffer);
      record("seq_write", mibPerSecond(bytes, System.nanoTime() - t0));
    }
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      long got = read(c, last, buffer);
      record("seq_read_warm", mibPerSecond(got, System.nanoTime() - t0));
      checkLength(last, got, bytes);
    }
    cacheStats.put("seq_read_warm", c.cacheStats());
    c.delete(dir, true);
  }

  /**
   * A file that fits in the client's block cache (default 256 MiB), read again after one untimed
   * read: the speed of a repeated read served from the cache.
   */
  private void cached(GranaryClient c, String dir, long bytes, WriteOptions opts, byte[] buffer)
      throws Exception {
    c.mkdirs(dir, true);
    String path = dir + "/cached.bin";
    write(c, path, bytes, opts, buffer);
    read(c, path, buffer);
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      long got = read(c, path, buffer);
      record("seq_read_cached", mibPerSecond(got, System.nanoTime() - t0));
      checkLength(path, got, bytes);
    }
    cacheStats.put("seq_read_cached", c.cacheStats());
    c.delete(dir, true);
  }

  private void small(GranaryClient c, String dir, WriteOptions opts, byte[] buffer)
      throws Exception {
    for (int r = 0; r < runs; r++) {
      String runDir = dir + "/run-" + r;
      c.mkdirs(runDir, true);
      syncDisks();
      long t0 = System.nanoTime();
      for (int i = 0; i < files; i++) {
        write(c, runDir + "/f" + i, SMALL_FILE, opts, buffer);
      }
      record("small_write", perSecond(files, System.nanoTime() - t0));
    }
    for (int r = 0; r < runs; r++) {
      String runDir = dir + "/run-" + r;
      long t0 = System.nanoTime();
      for (int i = 0; i < files; i++) {
        checkLength(runDir + "/f" + i, read(c, runDir + "/f" + i, buffer), SMALL_FILE);
      }
      record("small_read_warm", perSecond(files, System.nanoTime() - t0));
    }
    cacheStats.put("small_read_warm", c.cacheStats());
    String listed = dir + "/run-0";
    c.list(listed); // one untimed warm-up, as the HDFS harness does
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      int n = c.list(listed).size();
      record("list_dir", (System.nanoTime() - t0) / 1e6);
      if (n != files) {
        throw new CliException(Failures.INTERNAL, "listing " + listed + " returned " + n
            + " entries, expected " + files);
      }
    }
    c.delete(dir, true);
  }

  private void meta(GranaryClient c, String dir, WriteOptions opts) throws Exception {
    for (int r = 0; r < runs; r++) {
      String runDir = dir + "/create-" + r;
      c.mkdirs(runDir, true);
      long t0 = System.nanoTime();
      for (int i = 0; i < ops; i++) {
        c.create(runDir + "/e" + i, opts).close();
      }
      record("meta_create_empty", perSecond(ops, System.nanoTime() - t0));
    }
    for (int r = 0; r < runs; r++) {
      String runDir = dir + "/mkdir-" + r;
      c.mkdirs(runDir, true);
      long t0 = System.nanoTime();
      for (int i = 0; i < ops; i++) {
        c.mkdirs(runDir + "/d" + i, false);
      }
      record("meta_mkdir", perSecond(ops, System.nanoTime() - t0));
    }
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < ops; i++) {
        c.stat(dir + "/create-0/e" + i);
      }
      record("meta_stat", perSecond(ops, System.nanoTime() - t0));
    }
    c.delete(dir, true);
  }

  private static void checkLength(String path, long got, long expected) throws CliException {
    if (got != expected) {
      throw new CliException(Failures.INTEGRITY, path + ": read " + got + " bytes, wrote "
          + expected);
    }
  }

  /** Starts every write run without a dirty-page backlog from the previous one (untimed). */
  private static void syncDisks() throws InterruptedException {
    try {
      new ProcessBuilder("sync").inheritIO().start().waitFor();
    } catch (java.io.IOException e) {
      // No sync(1) on this system: runs then start with whatever the kernel has not written yet.
    }
  }

  private static void write(GranaryClient c, String path, long bytes, WriteOptions opts,
      byte[] buffer) throws Exception {
    try (OutputStream out = c.create(path, opts)) {
      long left = bytes;
      while (left > 0) {
        int n = (int) Math.min(buffer.length, left);
        out.write(buffer, 0, n);
        left -= n;
      }
    }
  }

  private static long read(GranaryClient c, String path, byte[] buffer) throws Exception {
    long total = 0;
    try (InputStream in = c.open(path)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
      }
    }
    return total;
  }

  private void record(String workload, double value) {
    results.computeIfAbsent(workload, k -> new ArrayList<>()).add(value);
  }

  private static double mibPerSecond(long bytes, long nanos) {
    return bytes / (1024.0 * 1024.0) / (nanos / 1e9);
  }

  private static double perSecond(long count, long nanos) {
    return count / (nanos / 1e9);
  }

  private static Map<String, Object> line(String workload, List<Double> values,
      Map<String, Object> params, CacheStats cache) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("system", "granary");
    m.put("workload", workload);
    m.put("unit", unit(workload));
    m.put("better", workload.equals("list_dir") ? "lower" : "higher");
    m.put("runs", v.length);
    m.put("min", round(sorted[0]));
    m.put("median", round(median(sorted)));
    m.put("max", round(sorted[sorted.length - 1]));
    m.put("values", Arrays.stream(v).map(BenchCommand::round).toArray());
    m.put("params", params);
    if (cache != null) {
      // Counters of the client's block cache after this workload (cumulative for that client).
      Map<String, Object> cs = new LinkedHashMap<>();
      cs.put("hits", cache.hits());
      cs.put("misses", cache.misses());
      cs.put("hitRate", round(cache.hitRate()));
      cs.put("bytesCached", cache.bytesCached());
      m.put("cache", cs);
    }
    return m;
  }

  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double round(double d) {
    return Math.round(d * 100) / 100.0;
  }

  private static String unit(String workload) {
    if (workload.startsWith("seq_")) {
      return "MiB/s";
    }
    if (workload.startsWith("small_")) {
      return "files/s";
    }
    if (workload.equals("list_dir")) {
      return "ms";
    }
    return "ops/s";
  }
}
