package dev.granary.hadoop.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import dev.granary.config.Sizes;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code granary bench}'s workloads through Hadoop's {@code FileSystem} API on {@code granary://}:
 * what Spark, MapReduce or DistCp get from the connector, to compare with the native client
 * ({@code granary bench}) on the same cluster and with HDFS's own {@code FileSystem} (the HDFS
 * peer harness). Same workload names, units, sizes, I/O buffer (1 MiB) and JSON lines, with
 * {@code "system":"granary-hadoop"}; an untimed warm-up first, as the native bench does.
 *
 * <pre>
 * java -cp ... dev.granary.hadoop.bench.ConnectorBench --uri=granary://127.0.0.1:7000
 *     [--credentials=FILE] [--size=1GiB] [--files=2000] [--ops=10000] [--runs=3]
 *     [--workloads=seq,small,meta]
 * </pre>
 */
public final class ConnectorBench {
  static final int IO_BUFFER = 1 << 20;
  static final int SMALL_FILE = 4096;

  private final FileSystem fs;
  private final int runs;
  private final byte[] buffer;
  private final Map<String, List<Double>> results = new LinkedHashMap<>();

  ConnectorBench(FileSystem fs, int runs) {
    this.fs = fs;
    this.runs = runs;
    this.buffer = new byte[IO_BUFFER];
    new SplittableRandom(42).nextBytes(buffer);
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>(Map.of("size", "1GiB", "files", "2000",
        "ops", "10000", "runs", "3", "workloads", "seq,small,meta"));
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("arguments are --key=value, not " + arg);
      }
      a.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
    if (!a.containsKey("uri")) {
      throw new IllegalArgumentException("--uri=granary://HOST:PORT is required");
    }
    Configuration conf = new Configuration();
    if (a.containsKey("credentials")) {
      conf.set("fs.granary.credentials", a.get("credentials"));
    }
    long size = parseSize(a.get("size"));
    int files = Integer.parseInt(a.get("files"));
    int ops = Integer.parseInt(a.get("ops"));
    List<String> groups = Arrays.asList(a.get("workloads").split(","));
    try (FileSystem fs = FileSystem.newInstance(URI.create(a.get("uri")), conf)) {
      ConnectorBench b = new ConnectorBench(fs, Integer.parseInt(a.get("runs")));
      Path root = new Path("/granary-connector-bench-" + UUID.randomUUID());
      fs.mkdirs(root);
      try {
        b.warmUp(new Path(root, "warmup"));
        if (groups.contains("seq")) {
          b.seq(new Path(root, "seq"), size);
        }
        if (groups.contains("small")) {
          b.small(new Path(root, "small"), files);
        }
        if (groups.contains("meta")) {
          b.meta(new Path(root, "meta"), ops);
        }
      } finally {
        fs.delete(root, true);
      }
      Map<String, Object> params = new LinkedHashMap<>();
      params.put("seqBytes", size);
      params.put("files", files);
      params.put("ops", ops);
      params.put("replication", 3);
      params.put("api", "org.apache.hadoop.fs.FileSystem");
      b.print(System.out, params);
    }
  }

  private void warmUp(Path dir) throws IOException {
    fs.mkdirs(dir);
    Path warm = new Path(dir, "warm.bin");
    write(warm, 128L << 20);
    read(warm);
    read(warm);
    for (int i = 0; i < 200; i++) {
      Path p = new Path(dir, "s" + i);
      write(p, SMALL_FILE);
      read(p);
      fs.getFileStatus(p);
    }
    fs.delete(dir, true);
  }

  private void seq(Path dir, long bytes) throws IOException, InterruptedException {
    fs.mkdirs(dir);
    Path last = null;
    for (int r = 0; r < runs; r++) {
      last = new Path(dir, "file-" + r);
      syncDisks();
      long t0 = System.nanoTime();
      write(last, bytes);
      record("seq_write", mibPerSecond(bytes, System.nanoTime() - t0));
    }
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      long got = read(last);
      record("seq_read_warm", mibPerSecond(got, System.nanoTime() - t0));
      check(last, got, bytes);
    }
    fs.delete(dir, true);
  }

  private void small(Path dir, int files) throws IOException, InterruptedException {
    for (int r = 0; r < runs; r++) {
      Path runDir = new Path(dir, "run-" + r);
      fs.mkdirs(runDir);
      syncDisks();
      long t0 = System.nanoTime();
      for (int i = 0; i < files; i++) {
        write(new Path(runDir, "f" + i), SMALL_FILE);
      }
      record("small_write", perSecond(files, System.nanoTime() - t0));
    }
    for (int r = 0; r < runs; r++) {
      Path runDir = new Path(dir, "run-" + r);
      long t0 = System.nanoTime();
      for (int i = 0; i < files; i++) {
        Path p = new Path(runDir, "f" + i);
        check(p, read(p), SMALL_FILE);
      }
      record("small_read_warm", perSecond(files, System.nanoTime() - t0));
    }
    Path listed = new Path(dir, "run-0");
    fs.listStatus(listed);
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      FileStatus[] entries = fs.listStatus(listed);
      record("list_dir", (System.nanoTime() - t0) / 1e6);
      if (entries.length != files) {
        throw new IOException("listing " + listed + " returned " + entries.length
            + " entries, expected " + files);
      }
    }
    fs.delete(dir, true);
  }

  private void meta(Path dir, int ops) throws IOException {
    for (int r = 0; r < runs; r++) {
      Path runDir = new Path(dir, "create-" + r);
      fs.mkdirs(runDir);
      long t0 = System.nanoTime();
      for (int i = 0; i < ops; i++) {
        fs.create(new Path(runDir, "e" + i), false).close();
      }
      record("meta_create_empty", perSecond(ops, System.nanoTime() - t0));
    }
    for (int r = 0; r < runs; r++) {
      Path runDir = new Path(dir, "mkdir-" + r);
      fs.mkdirs(runDir);
      long t0 = System.nanoTime();
      for (int i = 0; i < ops; i++) {
        fs.mkdirs(new Path(runDir, "d" + i));
      }
      record("meta_mkdir", perSecond(ops, System.nanoTime() - t0));
    }
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < ops; i++) {
        fs.getFileStatus(new Path(dir, "create-0/e" + i));
      }
      record("meta_stat", perSecond(ops, System.nanoTime() - t0));
    }
    fs.delete(dir, true);
  }

  private void write(Path p, long bytes) throws IOException {
    try (FSDataOutputStream out = fs.create(p, false)) {
      long left = bytes;
      while (left > 0) {
        int n = (int) Math.min(buffer.length, left);
        out.write(buffer, 0, n);
        left -= n;
      }
    }
  }

  private long read(Path p) throws IOException {
    long total = 0;
    try (FSDataInputStream in = fs.open(p)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
      }
    }
    return total;
  }

  private static void check(Path p, long got, long expected) throws IOException {
    if (got != expected) {
      throw new IOException(p + ": read " + got + " bytes, wrote " + expected);
    }
  }

  /** Starts a write run without a dirty-page backlog from the previous one, as the native bench. */
  private static void syncDisks() throws InterruptedException {
    try {
      new ProcessBuilder("sync").inheritIO().start().waitFor();
    } catch (IOException e) {
      // No sync(1): runs start with whatever the kernel has not written yet.
    }
  }

  private void record(String workload, double value) {
    results.computeIfAbsent(workload, k -> new ArrayList<>()).add(value);
  }

  private void print(PrintStream out, Map<String, Object> params) throws IOException {
    ObjectMapper json = new ObjectMapper();
    for (Map.Entry<String, List<Double>> e : results.entrySet()) {
      double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
      double[] s = v.clone();
      Arrays.sort(s);
      double median = s.length % 2 == 1 ? s[s.length / 2]
          : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("system", "granary-hadoop");
      line.put("workload", e.getKey());
      line.put("unit", unit(e.getKey()));
      line.put("better", e.getKey().equals("list_dir") ? "lower" : "higher");
      line.put("runs", v.length);
      line.put("min", round(s[0]));
      line.put("median", round(median));
      line.put("max", round(s[s.length - 1]));
      line.put("values", Arrays.stream(v).map(ConnectorBench::round).toArray());
      line.put("params", params);
      out.println(json.writeValueAsString(line));
    }
  }

  private static String unit(String workload) {
    if (workload.startsWith("seq_")) {
      return "MiB/s";
    }
    if (workload.equals("list_dir")) {
      return "ms";
    }
    return workload.startsWith("small_") ? "files/s" : "ops/s";
  }

  private static double round(double d) {
    return Math.round(d * 100) / 100.0;
  }

  private static double mibPerSecond(long bytes, long nanos) {
    return bytes / (1024.0 * 1024.0) / (nanos / 1e9);
  }

  private static double perSecond(long n, long nanos) {
    return n / (nanos / 1e9);
  }

  /** A size as the CLI takes it ("1GiB", "256MiB", "4096"), by the same parser. */
  static long parseSize(String s) {
    return Sizes.parse(s);
  }
}
