package dev.granary.master.bench;

import dev.granary.config.MasterConfig;
import dev.granary.master.MasterServer;
import dev.granary.master.journal.MetadataStore;
import dev.granary.master.journal.Op;
import dev.granary.master.journal.OpApplier;
import dev.granary.master.namespace.ChunkRecord;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.master.namespace.Namespace;
import dev.granary.wire.Role;
import dev.granary.wire.msg.CommitFileRequest;
import dev.granary.wire.msg.ListRequest;
import dev.granary.wire.msg.ListResponse;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.MkdirRequest;
import dev.granary.wire.msg.StatRequest;
import dev.granary.wire.net.Await;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.Transports;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Metadata benchmark of a real master over loopback. Prints one JSON line per workload with the
 * min / median / max of {@code runs} runs. System properties: {@code runs} (5), {@code ops}
 * (operations per create/mkdir/stat run, 5000), {@code listSize} (10000), {@code files} (files for
 * the restart and heap measurement, 1000000), {@code only=restart} (skip the network workloads).
 *
 * <p>Rerun from the repository root (after {@code mvn -q -pl master -am install -DskipTests}):
 *
 * <pre>
 * mvn -q -pl master test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt \
 *     -Dmdep.includeScope=test
 * java -Xmx3g -cp master/target/test-classes:master/target/classes:$(cat master/target/cp.txt) \
 *     dev.granary.master.bench.MasterBench
 * </pre>
 */
public final class MasterBench {
  private static final Duration T = Duration.ofSeconds(60);
  private static final AtomicLong OP_IDS = new AtomicLong();

  private MasterBench() {}

  public static void main(String[] args) throws Exception {
    int runs = Integer.getInteger("runs", 5);
    int ops = Integer.getInteger("ops", 5000);
    int listSize = Integer.getInteger("listSize", 10_000);
    int files = Integer.getInteger("files", 1_000_000);
    Path root = Files.createTempDirectory("granary-master-bench");
    EventLoopGroup group = Transports.eventLoopGroup(2, "bench-client");
    boolean network = !"restart".equals(System.getProperty("only"));
    try {
      if (network) {
        networkWorkloads(group, root, runs, ops, listSize);
      }
      restartAndHeap(root.resolve("big"), files, runs);
      emptyFileHeap(files);
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      deleteTree(root);
    }
  }

  private static void networkWorkloads(EventLoopGroup group, Path root, int runs, int ops,
      int listSize) throws Exception {
    try (MasterServer m = new MasterServer(config(root.resolve("live")))) {
      m.start();
      // Warm-up (JIT, connection pools), not measured.
      creates(group, m.port(), 1, ops, "/warmup-1");
      creates(group, m.port(), 64, ops * 4, "/warmup-64");
      try (Connection c = connect(group, m.port())) {
        mkdirs(c, ops / 2, "/warmup-mkdir");
        stats(c, ops * 2, "/warmup-mkdir/d0");
      }
      for (int clients : new int[] {1, 8, 64}) {
        double[] r = new double[runs];
        for (int i = 0; i < runs; i++) {
          r[i] = creates(group, m.port(), clients, clients == 1 ? ops : ops * 4,
              "/create-" + clients + "-" + i);
        }
        print("meta_create_empty", "ops/s", r, "\"clients\":" + clients);
      }
      double[] mk = new double[runs];
      double[] st = new double[runs];
      double[] ls = new double[runs];
      try (Connection c = connect(group, m.port())) {
        for (int i = 0; i < runs; i++) {
          mk[i] = mkdirs(c, ops, "/mkdir-" + i);
          st[i] = stats(c, ops, "/mkdir-" + i + "/d0");
        }
        creates(group, m.port(), 64, listSize, "/list");
        for (int i = 0; i < runs + 2; i++) {
          double ms = list(c, "/list", listSize);
          if (i >= 2) {
            ls[i - 2] = ms; // two warm-up listings first
          }
        }
      }
      print("meta_mkdir", "ops/s", mk, "\"clients\":1");
      print("meta_stat", "ops/s", st, "\"clients\":1");
      print("list_dir", "ms", ls, "\"files\":" + listSize);
    }
  }

  private static MasterConfig config(Path dir) {
    return new MasterConfig("127.0.0.1", 0, dir, 64L << 20, 3, 2, Duration.ofSeconds(1),
        Duration.ofSeconds(10), Duration.ofSeconds(30), "round-robin", 1_000_000, 2);
  }

  private static Connection connect(EventLoopGroup group, int port) throws Exception {
    return Connection.connect(Transports.clientBootstrap(group, T), "127.0.0.1", port,
        Role.CLIENT, "bench", "bench", T).get(60, TimeUnit.SECONDS);
  }

  private static Message call(Connection c, Message m) throws Exception {
    return Await.get(c.call(m, T), 60, TimeUnit.SECONDS);
  }

  /** Durable creates of empty files from {@code clients} connections, each one op at a time. */
  private static double creates(EventLoopGroup group, int port, int clients, int total,
      String dir) throws Exception {
    List<Connection> conns = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      conns.add(connect(group, port));
    }
    call(conns.get(0), new MkdirRequest("bench", OP_IDS.incrementAndGet(), dir, true));
    long start = System.nanoTime();
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      int mine = total / clients + (i < total % clients ? 1 : 0);
      done.add(chain(conns.get(i), dir + "/c" + i + "-", 0, mine));
    }
    CompletableFuture.allOf(done.toArray(CompletableFuture<?>[]::new)).get(10, TimeUnit.MINUTES);
    double secs = (System.nanoTime() - start) / 1e9;
    conns.forEach(Connection::close);
    return total / secs;
  }

  /** One client's sequential creates, each sent when the previous is acknowledged. */
  private static CompletableFuture<Void> chain(Connection c, String prefix, int i, int n) {
    if (i == n) {
      return CompletableFuture.completedFuture(null);
    }
    return c.call(new CommitFileRequest("bench", OP_IDS.incrementAndGet(), prefix + i, false, 3,
        64L << 20, List.of()), T).thenCompose(m -> chain(c, prefix, i + 1, n));
  }

  private static double mkdirs(Connection c, int n, String dir) throws Exception {
    call(c, new MkdirRequest("bench", OP_IDS.incrementAndGet(), dir, true));
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      call(c, new MkdirRequest("bench", OP_IDS.incrementAndGet(), dir + "/d" + i, false));
    }
    return n / ((System.nanoTime() - start) / 1e9);
  }

  private static double stats(Connection c, int n, String path) throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      call(c, new StatRequest(path));
    }
    return n / ((System.nanoTime() - start) / 1e9);
  }

  private static double list(Connection c, String dir, int expected) throws Exception {
    long start = System.nanoTime();
    // A reply holds at most MAX_LIST_ENTRIES: page through as a client does.
    int listed = 0;
    String after = "";
    ListResponse r;
    do {
      r = (ListResponse) call(c, new ListRequest(dir, after, expected));
      listed += r.entries().size();
      after = r.entries().isEmpty() ? after : r.entries().get(r.entries().size() - 1).name();
    } while (r.more() && !r.entries().isEmpty());
    double ms = (System.nanoTime() - start) / 1e6;
    if (listed != expected) {
      throw new IllegalStateException("listed " + listed + " of " + expected);
    }
    return ms;
  }

  /** Builds {@code files} single-chunk files through the journal, then restarts a master on it. */
  private static void restartAndHeap(Path dir, int files, int runs) throws Exception {
    Files.createDirectories(dir);
    try (MetadataStore store = MetadataStore.open(dir, files + 1L, "bench")) {
      MetadataImage image = store.image();
      Op reserve = new Op.Reserve(1, files + 10L);
      OpApplier.apply(image, reserve);
      store.journal().append(reserve);
      CompletableFuture<Void> last = null;
      for (int i = 0; i < files; i++) {
        // No client id: these are not retries-to-be, and the (bounded) retry cache would otherwise
        // add its own ~25 MB to the per-file figure.
        Op op = new Op.Commit("", i, 1_700_000_000_000L + i,
            "/big/d" + (i / 1000) + "/f" + (i % 1000), false, 3, 64L << 20,
            List.of(new ChunkRecord(i + 1, 1, 64L << 20, 0x5eed0000L + i)));
        OpApplier.apply(image, op);
        last = store.journal().append(op);
      }
      last.join();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (store.checkpointer().completed() < files + 1L && System.nanoTime() < deadline) {
        store.checkpointer().awaitIdle(1000);
      }
    }
    double[] secs = new double[runs];
    double[] perFile = new double[runs];
    for (int i = 0; i < runs; i++) {
      long before = usedHeap();
      long start = System.nanoTime();
      MasterServer m = new MasterServer(config(dir));
      m.start();
      secs[i] = (System.nanoTime() - start) / 1e9;
      long after = usedHeap();
      perFile[i] = (after - before) / (double) files;
      m.close();
    }
    print("restart", "s", secs, "\"files\":" + files);
    print("heap_per_file", "bytes", perFile, "\"files\":" + files + ",\"chunksPerFile\":1");
  }

  /** Heap of an in-memory namespace of empty files (no chunks): the per-file cost alone. */
  private static void emptyFileHeap(int files) {
    long before = usedHeap();
    Namespace ns = new Namespace();
    for (int i = 0; i < files; i++) {
      if (i % 1000 == 0) {
        ns.mkdir("/big/d" + (i / 1000), true, 1, Namespace.SYSTEM);
      }
      ns.commit("/big/d" + (i / 1000) + "/f" + (i % 1000), false, 3, 64L << 20, List.of(), 1, Namespace.SYSTEM);
    }
    long after = usedHeap();
    print("heap_per_empty_file", "bytes", new double[] {(after - before) / (double) files},
        "\"files\":" + ns.fileCount());
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  private static void print(String workload, String unit, double[] values, String extra) {
    double[] v = values.clone();
    Arrays.sort(v);
    System.out.println(String.format(Locale.ROOT,
        "{\"system\":\"granary\",\"workload\":\"%s\",%s,\"unit\":\"%s\",\"runs\":%d,"
            + "\"min\":%.1f,\"median\":%.1f,\"max\":%.1f}",
        workload, extra, unit, v.length, v[0], v[v.length / 2], v[v.length - 1]));
  }

  private static void deleteTree(Path root) throws java.io.IOException {
    try (var s = Files.walk(root)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
