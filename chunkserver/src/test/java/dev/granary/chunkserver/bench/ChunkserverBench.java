package dev.granary.chunkserver.bench;

import dev.granary.chunkserver.ChunkServer;
import dev.granary.chunkserver.FakeMaster;
import dev.granary.chunkserver.TestChunkClient;
import dev.granary.chunkserver.TestData;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.net.Transports;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Chunkserver throughput on loopback, with the machine's ceilings measured in the same run.
 *
 * <p>Workloads (MiB/s, median of N runs): {@code socket_copy} (one Java NIO stream over loopback),
 * {@code disk_write_fdatasync} (one file written in 1 MiB buffers then fdatasync'd),
 * {@code cs_write_1replica} (SIZE as 64 MiB chunks to one chunkserver, each committed with fsync,
 * {@code --parallel} chunks in flight at a time as the client library's {@code parallelism} does),
 * {@code cs_read} (reading them back as many at a time, every block's CRC32C verified by the
 * reader; warm cache), and
 * {@code cs_write_3hop} (SIZE as 64 MiB chunks through a 3-chunkserver pipeline). Then the ratios
 * against the targets. Prints JSON lines. Each workload, ceilings included, first runs
 * {@code --warmup} (1) untimed iterations, as JMH would: the first pass through a code path is
 * JIT compilation and the first write into never-used memory is the VM's, not the system's.
 *
 * <p>Run (from the repository root):
 *
 * <pre>
 * mvn -q -pl chunkserver -am install -DskipTests &amp;&amp; mvn -q -pl chunkserver test-compile \
 *     dependency:build-classpath -Dmdep.outputFile=target/bench.cp
 * java -Xmx1g -cp chunkserver/target/classes:chunkserver/target/test-classes:$(cat chunkserver/target/bench.cp) \
 *     dev.granary.chunkserver.bench.ChunkserverBench [--size 1GiB] [--runs 5] [--warmup 1] [--parallel 4] [--dir DIR] [--only single|3hop|small] [--count 2000]
 * </pre>
 *
 * {@code --only} runs just the chunkserver workloads named, without ceilings or ratios (profiling).
 * {@code --only small} is a latency benchmark instead: {@code --count} (2000) sequential 4 KiB
 * single-chunk writes through a 3-chunkserver pipeline, one at a time, as the client library writes
 * a small file; it prints median and p90 latency and writes/s per run, then the median run.
 */
public final class ChunkserverBench {
  private static final int CHUNK = 64 << 20;

  private final long size;
  private final int runs;
  private final int parallel;
  private final String only;
  private final Path dir;
  private final byte[] chunk;
  private int count = 2000;
  /** Untimed iterations before the measured runs of each workload (JIT compilation, page cache). */
  private int warmup = 1;

  private ChunkserverBench(long size, int runs, int parallel, Path dir, String only) {
    this.only = only;
    this.size = size;
    this.runs = runs;
    this.parallel = parallel;
    this.dir = dir;
    this.chunk = TestData.bytes((int) Math.min(CHUNK, size), 42);
  }

  public static void main(String[] args) throws Exception {
    long size = 1L << 30;
    int runs = 5;
    int parallel = 4; // the client library's default parallelism
    String only = "";
    int count = 2000;
    int warmup = 1;
    Path dir = Paths.get(System.getProperty("java.io.tmpdir"), "granary-bench");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--size" -> size = parseSize(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Paths.get(args[++i]);
        case "--parallel" -> parallel = Integer.parseInt(args[++i]);
        case "--only" -> only = args[++i];
        case "--count" -> count = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; usage: [--size 1GiB] [--runs 5] [--warmup 1] [--parallel 4] [--dir DIR]"
            + " [--only single|3hop|small] [--count 2000]");
      }
    }
    ChunkserverBench bench = new ChunkserverBench(size, runs, parallel, dir, only);
    bench.count = count;
    bench.warmup = warmup;
    bench.run();
  }

  private static long parseSize(String s) {
    String u = s.toUpperCase(Locale.ROOT);
    long mul = 1;
    if (u.endsWith("GIB")) {
      mul = 1L << 30;
    } else if (u.endsWith("MIB")) {
      mul = 1L << 20;
    }
    return Long.parseLong(u.replaceAll("[A-Z]", "")) * mul;
  }

  private interface Workload {
    /** Runs once and returns the seconds taken by the measured part. */
    double run(int iteration) throws Exception;
  }

  private void run() throws Exception {
    Files.createDirectories(dir);
    if (only.equals("single")) {
      singleReplica();
      return;
    } else if (only.equals("3hop")) {
      report("cs_write_3hop", this::pipelineWrite);
      return;
    } else if (only.equals("small")) {
      smallWrites();
      return;
    }
    double socket = report("socket_copy", this::socketCopy);
    double disk = report("disk_write_fdatasync", this::diskWrite);
    double[] single = singleReplica();
    double write1 = single[0];
    double read = single[1];
    double write3 = report("cs_write_3hop", this::pipelineWrite);
    double floor = Math.min(socket, disk);
    ratio("cs_read / socket_copy", read / socket, 0.60);
    ratio("cs_write_1replica / min(socket_copy, disk_write_fdatasync)", write1 / floor, 0.60);
    ratio("cs_write_3hop / min(socket_copy, disk_write_fdatasync)", write3 / floor, 0.30);
    System.out.printf(Locale.ROOT, "{\"machine\":{\"cores\":%d,\"java\":\"%s\",\"os\":\"%s\","
        + "\"dir\":\"%s\",\"size\":%d}}%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), System.getProperty("os.name") + " "
        + System.getProperty("os.version"), dir, size);
    deleteTree(dir);
  }

  private double report(String workload, Workload w) throws Exception {
    for (int i = 0; i < warmup; i++) {
      w.run(runs + i); // untimed: its own directory and cluster, result dropped
    }
    double[] mibs = new double[runs];
    for (int i = 0; i < runs; i++) {
      mibs[i] = size / (1024.0 * 1024.0) / w.run(i);
    }
    return print(workload, mibs);
  }

  private double print(String workload, double[] mibs) {
    double[] s = mibs.clone();
    Arrays.sort(s);
    double median = s[s.length / 2];
    System.out.printf(Locale.ROOT, "{\"system\":\"granary\",\"workload\":\"%s\",\"unit\":\"MiB/s\","
        + "\"runs\":%d,\"min\":%.1f,\"median\":%.1f,\"max\":%.1f}%n", workload, s.length, s[0],
        median, s[s.length - 1]);
    System.out.flush();
    return median;
  }

  private static void ratio(String name, double value, double target) {
    System.out.printf(Locale.ROOT, "{\"ratio\":\"%s\",\"value\":%.2f,\"target\":%.2f,\"met\":%b}%n",
        name, value, target, value >= target);
  }

  private double socketCopy(int iteration) throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      Thread sink = new Thread(() -> {
        try (SocketChannel in = server.accept()) {
          ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
          while (in.read(b) >= 0) {
            b.clear();
          }
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      sink.start();
      ByteBuffer src = ByteBuffer.allocateDirect(1 << 20);
      src.put(chunk, 0, Math.min(chunk.length, 1 << 20)).clear();
      long t0 = System.nanoTime();
      try (SocketChannel out = SocketChannel.open(server.getLocalAddress())) {
        for (long sent = 0; sent < size; ) {
          src.clear().limit((int) Math.min(src.capacity(), size - sent));
          sent += out.write(src);
        }
      }
      sink.join();
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  private double diskWrite(int iteration) throws Exception {
    Path f = dir.resolve("disk-" + iteration);
    ByteBuffer src = ByteBuffer.allocateDirect(1 << 20);
    src.put(chunk, 0, Math.min(chunk.length, 1 << 20)).clear();
    long t0 = System.nanoTime();
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      for (long written = 0; written < size; ) {
        src.clear().limit((int) Math.min(src.capacity(), size - written));
        written += ch.write(src);
      }
      ch.force(false);
    }
    double s = (System.nanoTime() - t0) / 1e9;
    Files.delete(f);
    return s;
  }

  private int chunks() {
    return (int) ((size + CHUNK - 1) / CHUNK);
  }

  private int chunkLength(int i) {
    return (int) Math.min(CHUNK, size - (long) i * CHUNK);
  }

  /** Writes then reads back on one chunkserver per run; returns {write, read} medians. */
  private double[] singleReplica() throws Exception {
    double[] write = new double[runs];
    double[] read = new double[runs];
    double mib = size / (1024.0 * 1024.0);
    for (int i = -warmup; i < runs; i++) {
      try (Cluster c = new Cluster(1, i < 0 ? runs - i : i)) {
        TestChunkClient client = c.client(0);
        long t0 = System.nanoTime();
        writeAll(client, List.of());
        double w = mib / ((System.nanoTime() - t0) / 1e9);
        long t1 = System.nanoTime();
        readAll(client);
        double rd = mib / ((System.nanoTime() - t1) / 1e9);
        if (i >= 0) { // the warm-up iterations are not recorded
          write[i] = w;
          read[i] = rd;
        }
      }
    }
    return new double[] {print("cs_write_1replica", write), print("cs_read", read)};
  }

  private double pipelineWrite(int iteration) throws Exception {
    try (Cluster c = new Cluster(3, iteration)) {
      TestChunkClient client = c.client(0);
      List<NodeAddress> downstream = List.of(c.address(1), c.address(2));
      long t0 = System.nanoTime();
      writeAll(client, downstream);
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  /**
   * {@code count} sequential 4 KiB single-chunk writes through a 3-hop pipeline (the first 10% are
   * warm-up and not measured), per run; prints each run and the run with the median p50.
   */
  private void smallWrites() throws Exception {
    byte[] small = TestData.bytes(4096, 7);
    int warmup = Math.max(1, count / 10);
    double[][] results = new double[runs][];
    for (int r = 0; r < runs; r++) {
      try (Cluster c = new Cluster(3, r)) {
        TestChunkClient client = c.client(0);
        List<NodeAddress> downstream = List.of(c.address(1), c.address(2));
        long[] nanos = new long[count];
        long handle = 1;
        for (int i = 0; i < warmup; i++) {
          client.write(handle++, 1, small, downstream);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
          long s = System.nanoTime();
          client.write(handle++, 1, small, downstream);
          nanos[i] = System.nanoTime() - s;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Arrays.sort(nanos);
        results[r] = new double[] {nanos[count / 2] / 1e6, nanos[count * 9 / 10] / 1e6,
            count / seconds};
        System.out.printf(Locale.ROOT, "{\"workload\":\"cs_small_write_3hop_run\",\"run\":%d,"
            + "\"count\":%d,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"writes_per_s\":%.1f}%n", r,
            count, results[r][0], results[r][1], results[r][2]);
        System.out.flush();
      }
    }
    double[][] sorted = results.clone();
    Arrays.sort(sorted, Comparator.comparingDouble((double[] x) -> x[0]));
    double[] median = sorted[sorted.length / 2];
    System.out.printf(Locale.ROOT, "{\"system\":\"granary\",\"workload\":\"cs_small_write_3hop\","
        + "\"size\":4096,\"count\":%d,\"runs\":%d,\"p50_ms\":%.3f,\"p90_ms\":%.3f,"
        + "\"writes_per_s\":%.1f}%n", count, runs, median[0], median[1], median[2]);
  }

  /**
   * Writes every chunk, {@code parallel} at a time on one connection, as the client library does
   * with its {@code parallelism}: one chunk's commit (fsync) overlaps the next one's transfer.
   */
  private void writeAll(TestChunkClient client, List<NodeAddress> downstream) throws Exception {
    byte[][] payloads = new byte[chunks()][];
    for (int i = 0; i < chunks(); i++) {
      payloads[i] = chunkLength(i) == chunk.length ? chunk : Arrays.copyOf(chunk, chunkLength(i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < chunks(); i++) {
        int n = i;
        futures.add(pool.submit(() -> client.write(n + 1, 1, payloads[n], downstream)));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  /** Reads every chunk back, {@code parallel} at a time, verifying each block's CRC32C. */
  private void readAll(TestChunkClient client) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < chunks(); i++) {
        int n = i;
        futures.add(pool.submit(() -> {
          long got = client.readAndVerify(n + 1, 1, 0, chunkLength(n));
          if (got != chunkLength(n)) {
            throw new AssertionError("read " + got + " bytes of chunk " + n);
          }
          return got;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  /** N chunkservers and a fake master in fresh directories, removed on close. */
  private final class Cluster implements AutoCloseable {
    final EventLoopGroup group = Transports.eventLoopGroup(1, "bench-client");
    final FakeMaster master = new FakeMaster(group, 1000);
    final List<ChunkServer> servers = new ArrayList<>();
    final List<TestChunkClient> clients = new ArrayList<>();
    final Path root;

    Cluster(int n, int iteration) throws Exception {
      root = dir.resolve("cluster-" + n + "-" + iteration);
      for (int i = 0; i < n; i++) {
        ChunkServer cs = new ChunkServer(TestData.config(root.resolve("cs" + i),
            master.address()));
        servers.add(cs);
        cs.start();
      }
    }

    TestChunkClient client(int i) throws Exception {
      TestChunkClient c = TestChunkClient.connect(group, servers.get(i).port());
      clients.add(c);
      return c;
    }

    NodeAddress address(int i) {
      return new NodeAddress(servers.get(i).nodeId(), "127.0.0.1", servers.get(i).port());
    }

    @Override
    public void close() throws IOException {
      clients.forEach(TestChunkClient::close);
      servers.forEach(ChunkServer::close);
      master.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      deleteTree(root);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
