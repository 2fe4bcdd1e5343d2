package dev.granary.cli;

import dev.granary.client.Compression;
import dev.granary.client.EncryptionKey;
import dev.granary.client.GranaryClient;
import dev.granary.client.WriteOptions;
import dev.granary.config.ClientConfig;
import dev.granary.config.Sizes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code granary bench}: the workloads of the HDFS peer harness (../shared/bench) against a
 * running cluster, one client thread, printed as one JSON line per workload so the two compare line
 * by line; with {@code --clients N}, then also the peer's concurrent workloads ({@link
 * ConcurrentBench}). An untimed warm-up runs first so run 1 does not measure JIT compilation.
 * Everything the bench writes lives under one /granary-bench-UUID directory that is removed at the
 * end, also when it fails. {@code --compress}, {@code --encrypt} and {@code --data} say how every
 * file the bench writes is written and what it holds; each JSON line names them.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run the benchmark workloads against a running cluster; prints JSON lines "
        + "{system, workload, unit, runs, min, median, max, values}.")
final class BenchCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ClientOptions client;

  @Option(names = "--size", paramLabel = "SIZE", defaultValue = "1GiB",
      description = "Size of the sequential file (default ${DEFAULT-VALUE}).")
  String size;

  @Option(names = "--files", paramLabel = "N", defaultValue = "2000",
      description = "Small (4 KiB) files to write and read, and entries to list (default ${DEFAULT-VALUE}).")
  int files;

  @Option(names = "--ops", paramLabel = "N", defaultValue = "10000",
      description = "Operations per metadata workload (default ${DEFAULT-VALUE}).")
  int ops;

  @Option(names = "--runs", paramLabel = "N", defaultValue = "3",
      description = "Runs per workload; min/median/max are over these (default ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--replication", paramLabel = "N", defaultValue = "3",
      description = "Replication of the files written (default ${DEFAULT-VALUE}).")
  int replication;

  @Option(names = "--clients", paramLabel = "N", defaultValue = "0",
      description = "Also run the concurrent workloads (conc_*) on N threads sharing one client "
          + "(default ${DEFAULT-VALUE}: none; at most " + ConcurrentBench.MAX_CLIENTS + ").")
  int clients;

  @Option(names = "--workloads", paramLabel = "LIST", defaultValue = "seq,cached,small,meta",
      split = ",", description = "Which groups of workloads to run, as the HDFS peer harness"
          + " takes them: seq (seq_write, seq_read_warm), cached (seq_read_cached), small"
          + " (small_write, small_read_warm, list_dir), meta (meta_*); and, only when named,"
          + " delta (delta_update: a --size file with 1%% of its chunks changed, put --force)"
          + " and snapshot (snapshot_create of a directory of --snapshot-files files); the"
          + " conc_* workloads run whenever --clients is given (default ${DEFAULT-VALUE}).")
  List<String> workloads;

  @Option(names = "--delta-chunk-size", paramLabel = "SIZE",
      description = "Chunk size of delta_update's file (default: the cluster's).")
  String deltaChunkSize;

  @Option(names = "--snapshot-files", paramLabel = "N", defaultValue = "100000",
      description = "Empty files in the directory snapshot_create snapshots"
          + " (default ${DEFAULT-VALUE}).")
  int snapshotFiles;

  @Option(names = "--compress", paramLabel = "lz4|zstd|none", defaultValue = "none",
      description = "Compression of every file written (default ${DEFAULT-VALUE}).")
  String compress;

  @Option(names = "--encrypt", description = "Encrypt every file written, with the key of"
      + " --key-file, or without one a temporary key the bench makes and removes.")
  boolean encrypt;

  @Option(names = "--data", paramLabel = "random|text", defaultValue = BenchIo.RANDOM,
      description = "What the files hold: random bytes (incompressible) or a deterministic"
          + " text-like corpus (words, numbers, lines) that compresses as text does"
          + " (default ${DEFAULT-VALUE}).")
  String data;

  private static final Set<String> GROUPS =
      Set.of("seq", "cached", "small", "meta", "delta", "snapshot");

  private final BenchResults results = new BenchResults();

  @Override
  public Integer call() throws Exception {
    long seqBytes = size("--size", size);
    long deltaChunk = deltaChunkSize == null ? WriteOptions.CLUSTER_DEFAULT_CHUNK_SIZE
        : size("--delta-chunk-size", deltaChunkSize);
    if (files < 1 || runs < 1 || ops < 1 || seqBytes < 1 || deltaChunk < 0
        || snapshotFiles < 1) {
      throw new CliException(Failures.USAGE, "--files, --ops, --runs, --size, --delta-chunk-size"
          + " and --snapshot-files must be positive");
    }
    for (String w : workloads) {
      if (!GROUPS.contains(w)) {
        throw new CliException(Failures.USAGE, "unknown workload group \"" + w + "\" in"
            + " --workloads (known: seq, cached, small, meta, delta, snapshot;"
            + " conc_* come with --clients)");
      }
    }
    String badClients = ConcurrentBench.checkClients(clients, seqBytes);
    if (badClients != null) {
      throw new CliException(Failures.USAGE, badClients);
    }
    if (!data.equals(BenchIo.RANDOM) && !data.equals(BenchIo.TEXT)) {
      throw new CliException(Failures.USAGE, "invalid --data '" + data
          + "': expected random or text");
    }
    if (encrypt && workloads.contains("delta")) {
      // Each encrypted put has a fresh data key, so put --force sends every chunk: no delta.
      throw new CliException(Failures.USAGE, "--encrypt with --workloads delta: an encrypted"
          + " file's put --force sends every chunk (each write has a new data key), so"
          + " delta_update would measure a full put; run delta without --encrypt");
    }
    Compression compression = PutCommand.compression("--compress", compress);
    ClientConfig config = client.config();
    WriteOptions opts = WriteOptions.defaults().withReplication(replication)
        .withCompression(compression).withEncrypt(encrypt);
    if (!encrypt || config.keyFile() != null) {
      run(config, seqBytes, deltaChunk, opts);
      return 0;
    }
    // No key configured: one of the bench's own, in a private temporary directory, removed after.
    Path tempKeyDir = Files.createTempDirectory("granary-bench-key-");
    try {
      Path keyFile = tempKeyDir.resolve("bench.key");
      EncryptionKey.generate().write(keyFile);
      run(config.withKeyFile(keyFile), seqBytes, deltaChunk, opts);
    } catch (Exception e) {
      try {
        removeTempKey(tempKeyDir);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    removeTempKey(tempKeyDir);
    return 0;
  }

  /** The workloads with {@code opts}, then the JSON lines. */
  private void run(ClientConfig config, long seqBytes, long deltaChunk, WriteOptions opts)
      throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    byte[] buffer = BenchIo.bytes(data, BenchIo.IO_BUFFER, 42);
    String root = "/granary-bench-" + UUID.randomUUID();
    try (GranaryClient c = GranaryClient.open(config)) {
      c.mkdirs(root, true);
      try {
        workloads(c, config, root, seqBytes, opts, buffer);
        SharedBench shared = new SharedBench(c, config.parallelism(), runs, results);
        if (workloads.contains("delta")) {
          shared.delta(root + "/delta", seqBytes, opts.withChunkSize(deltaChunk));
        }
        if (workloads.contains("snapshot")) {
          shared.snapshot(root + "/snapshot", snapshotFiles, opts);
        }
      } catch (Exception e) {
        // Removing the bench's files must not hide why it failed.
        try {
          c.delete(root, true);
        } catch (Exception cleanup) {
          e.addSuppressed(cleanup);
        }
        throw e;
      }
      c.delete(root, true);
      Map<String, Object> params = new LinkedHashMap<>();
      params.put("seqBytes", seqBytes);
      params.put("files", files);
      params.put("ops", ops);
      params.put("replication", replication);
      results.everyLine("compression", opts.compression().label());
      results.everyLine("encrypted", opts.encrypt());
      results.everyLine("data", data);
      for (Map<String, Object> line : results.lines(params)) {
        out.println(Json.write(line));
      }
      out.flush();
    }
  }

  /** Removes the key a bench run made for itself (its files are gone already). */
  private static void removeTempKey(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(dir);
  }

  private static long size(String option, String value) throws CliException {
    try {
      return Sizes.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CliException(Failures.USAGE, "invalid " + option + " \"" + value + "\": "
          + e.getMessage());
    }
  }

  private void workloads(GranaryClient c, ClientConfig config, String root, long seqBytes,
      WriteOptions opts, byte[] buffer) throws Exception {
    warmUp(c, root + "/warmup", opts, buffer);
    if (workloads.contains("seq")) {
      seq(c, root + "/seq", seqBytes, opts, buffer);
    }
    if (workloads.contains("cached")) {
      try (GranaryClient fresh = GranaryClient.open(config)) {
        // Its own client, so the cache holds nothing from the other workloads.
        cached(fresh, root + "/cached", Math.min(seqBytes, 128L << 20), opts, buffer);
      }
    }
    if (workloads.contains("small")) {
      small(c, root + "/small", opts, buffer);
    }
    if (workloads.contains("meta")) {
      meta(c, root + "/meta", opts);
    }
    if (clients > 0) {
      // Its own source bytes (the peer's seed): the reads above read through `buffer`.
      byte[] source = BenchIo.bytes(data, BenchIo.IO_BUFFER, 11);
      try (ConcurrentBench conc = new ConcurrentBench(c, clients, runs, opts, source, results)) {
        conc.run(root + "/conc", seqBytes, files, ops);
      }
    }
  }

  private void warmUp(GranaryClient c, String dir, WriteOptions opts, byte[] buffer)
      throws Exception {
    c.mkdirs(dir, true);
    BenchIo.write(c, dir + "/warm.bin", Math.min(128L << 20, 8L * BenchIo.IO_BUFFER * 16), opts,
        buffer);
    // Twice: the first read goes to the chunkservers, the second is served by the block cache,
    // so both read paths are compiled before anything is timed.
    BenchIo.read(c, dir + "/warm.bin", buffer);
    BenchIo.read(c, dir + "/warm.bin", buffer);
    for (int i = 0; i < 200; i++) {
      BenchIo.write(c, dir + "/s" + i, BenchIo.SMALL_FILE, opts, buffer);
      BenchIo.read(c, dir + "/s" + i, buffer);
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
      BenchIo.syncDisks();
      long t0 = System.nanoTime();
      BenchIo.write(c, last, bytes, opts, buffer);
      results.record("seq_write", BenchResults.mibPerSecond(bytes, System.nanoTime() - t0));
    }
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      long got = BenchIo.read(c, last, buffer);
      results.record("seq_read_warm", BenchResults.mibPerSecond(got, System.nanoTime() - t0));
      BenchIo.checkLength(last, got, bytes);
    }
    results.cache("seq_read_warm", c.cacheStats());
    c.delete(dir, true);
  }

  /**
   * A file that fits in the client's block cache ({@code client.cacheSize}), read again after one untimed
   * read: the speed of a repeated read served from the cache.
   */
  private void cached(GranaryClient c, String dir, long bytes, WriteOptions opts, byte[] buffer)
      throws Exception {
    c.mkdirs(dir, true);
    String path = dir + "/cached.bin";
    BenchIo.write(c, path, bytes, opts, buffer);
    BenchIo.read(c, path, buffer);
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      long got = BenchIo.read(c, path, buffer);
      results.record("seq_read_cached", BenchResults.mibPerSecond(got, System.nanoTime() - t0));
      BenchIo.checkLength(path, got, bytes);
    }
    results.cache("seq_read_cached", c.cacheStats());
    c.delete(dir, true);
  }

  private void small(GranaryClient c, String dir, WriteOptions opts, byte[] buffer)
      throws Exception {
    for (int r = 0; r < runs; r++) {
      String runDir = dir + "/run-" + r;
      c.mkdirs(runDir, true);
      BenchIo.syncDisks();
      long t0 = System.nanoTime();
      for (int i = 0; i < files; i++) {
        BenchIo.write(c, runDir + "/f" + i, BenchIo.SMALL_FILE, opts, buffer);
      }
      results.record("small_write", BenchResults.perSecond(files, System.nanoTime() - t0));
    }
    for (int r = 0; r < runs; r++) {
      String runDir = dir + "/run-" + r;
      long t0 = System.nanoTime();
      for (int i = 0; i < files; i++) {
        String path = runDir + "/f" + i;
        BenchIo.checkLength(path, BenchIo.read(c, path, buffer), BenchIo.SMALL_FILE);
      }
      results.record("small_read_warm", BenchResults.perSecond(files, System.nanoTime() - t0));
    }
    results.cache("small_read_warm", c.cacheStats());
    String listed = dir + "/run-0";
    c.list(listed); // one untimed warm-up, as the HDFS harness does
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      int n = c.list(listed).size();
      results.record("list_dir", (System.nanoTime() - t0) / 1e6);
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
      results.record("meta_create_empty", BenchResults.perSecond(ops, System.nanoTime() - t0));
    }
    for (int r = 0; r < runs; r++) {
      String runDir = dir + "/mkdir-" + r;
      c.mkdirs(runDir, true);
      long t0 = System.nanoTime();
      for (int i = 0; i < ops; i++) {
        c.mkdirs(runDir + "/d" + i, false);
      }
      results.record("meta_mkdir", BenchResults.perSecond(ops, System.nanoTime() - t0));
    }
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < ops; i++) {
        c.stat(dir + "/create-0/e" + i);
      }
      results.record("meta_stat", BenchResults.perSecond(ops, System.nanoTime() - t0));
    }
    c.delete(dir, true);
  }
}
