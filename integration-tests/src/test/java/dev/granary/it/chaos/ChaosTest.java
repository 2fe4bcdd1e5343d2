package dev.granary.it.chaos;

import static org.junit.jupiter.api.Assertions.fail;

import dev.granary.client.ChunkInfo;
import dev.granary.client.FileStatus;
import dev.granary.client.GranaryClient;
import dev.granary.it.ProcessCluster;
import dev.granary.it.Wait;
import dev.granary.it.chaos.HistoryChecker.Anomaly;
import dev.granary.it.chaos.Op.Kind;
import dev.granary.it.chaos.Op.Outcome;
import dev.granary.it.faults.FaultCluster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chaos run with a history checker: several concurrent clients put, overwrite, read, move and
 * remove files of known content on a cluster of real {@code bin/granary} processes (1 master, 4
 * chunkservers, replication 3, 1 MiB chunks), while a {@link Nemesis} kills -9 and restarts
 * chunkservers (at most 2 down at once) and the master, and flips bytes in replica files. Every
 * operation's invocation and completion is recorded. Then the cluster is healed (everything
 * restarted, fsck HEALTHY) and the {@link HistoryChecker} verifies that every acknowledged put
 * reads back with exactly its bytes unless an acknowledged operation replaced or removed it, that
 * no read ever returned bytes that were not written there, and that every live chunk ends on
 * exactly 3 disks with correct bytes.
 *
 * <p>The run is bounded by time and by operation count. It prints its seed; the nemesis's schedule
 * and the clients' choices derive from it (the timing of a multi-process run does not, so a replay
 * is the same schedule, not the same interleaving). Properties:
 * <ul>
 *   <li>{@code -Dchaos.seed=N} replays a seed;
 *   <li>{@code -Dchaos.seconds=S} (default 45) is the length of the faulty phase;
 *   <li>{@code -Dchaos.maxOps=N} (default 20000) caps the operations;
 *   <li>{@code -Dchaos.clients=N} (default 3) is the number of concurrent clients;
 *   <li>{@code -Dchaos.dir=DIR} keeps the cluster's data dirs and full logs under DIR.
 * </ul>
 * A long run: {@code mvn -pl integration-tests test -Dtest=ChaosTest -Dchaos.seconds=600}
 * (build once first: {@code mvn -q -DskipTests install}).
 */
class ChaosTest {
  static final int CHUNKSERVERS = 4;
  static final int REPLICATION = 3;
  static final int CHUNK = 1024 * 1024;
  static final int SLOTS = 5;
  static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

  @TempDir
  Path tmp;

  @RegisterExtension
  final FaultCluster fault = new FaultCluster();

  ProcessCluster cluster;
  final List<GranaryClient> clients = new ArrayList<>();

  @AfterEach
  void stop() {
    clients.forEach(GranaryClient::close);
  }

  @Test
  void concurrentClientsUnderFaultsLoseNothingAndReadOnlyWhatWasWritten() throws Exception {
    long seed = Long.getLong("chaos.seed", System.nanoTime());
    int seconds = Integer.getInteger("chaos.seconds", 45);
    int maxOps = Integer.getInteger("chaos.maxOps", 20_000);
    int clientCount = Integer.getInteger("chaos.clients", 3);
    System.out.printf("chaos: seed %d, %d s, at most %d ops, %d clients"
        + " (replay with -Dchaos.seed=%d)%n", seed, seconds, maxOps, clientCount, seed);

    // -Dchaos.dir=DIR keeps the cluster's data and full logs there for a post-mortem.
    String keep = System.getProperty("chaos.dir");
    Path dir = keep != null ? Path.of(keep).resolve("chaos-" + seed) : tmp.resolve("cluster");
    cluster = new ProcessCluster(dir, List.of("--chunk-size", "1MiB",
        "--replication", Integer.toString(REPLICATION), "--pulse-interval", "200ms",
        "--dead-after", "3s", "--gc-interval", "2s"), List.of("--scrub-interval", "5s"));
    fault.adopt(cluster);
    cluster.startMaster();
    cluster.startChunkservers(CHUNKSERVERS);
    cluster.awaitLive(CHUNKSERVERS, Duration.ofSeconds(60));
    try (GranaryClient setup = cluster.client(CLIENT_TIMEOUT)) {
      for (int c = 0; c < clientCount; c++) {
        setup.mkdirs(ClientWorker.dir(c), true);
      }
    }

    History history = new History();
    Content content = new Content(seed, CHUNK);
    AtomicLong versions = new AtomicLong();
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    AtomicLong started = new AtomicLong();
    ConcurrentLinkedQueue<Throwable> crashes = new ConcurrentLinkedQueue<>();
    List<Thread> workers = new ArrayList<>();
    for (int c = 0; c < clientCount; c++) {
      GranaryClient client = GranaryClient.open(cluster.clientConfig(64L << 20, 4,
          CLIENT_TIMEOUT));
      clients.add(client);
      ClientWorker w = new ClientWorker(c, client, history, content, versions, SLOTS, CHUNK,
          seed * 1_000_003 + c, () -> System.nanoTime() < end
              && started.incrementAndGet() <= maxOps);
      Thread t = new Thread(w, "chaos-client-" + c);
      t.setUncaughtExceptionHandler((th, e) -> crashes.add(e));
      workers.add(t);
    }
    CountDownLatch stopNemesis = new CountDownLatch(1);
    Nemesis nemesis = new Nemesis(cluster, history, seed, REPLICATION - 1, stopNemesis);
    Thread nemesisThread = new Thread(nemesis, "chaos-nemesis");
    workers.forEach(Thread::start);
    nemesisThread.start();

    HistoryChecker checker = new HistoryChecker(content);
    for (Thread t : workers) {
      // An operation gives up after the client timeout; one that hangs past that is a finding.
      long left = Math.max(0, end - System.nanoTime()) / 1_000_000;
      t.join(left + 3 * CLIENT_TIMEOUT.toMillis());
      if (t.isAlive()) {
        checker.report(t.getName(), "an operation hung past the client timeout:\n"
            + stack(t));
      }
    }
    stopNemesis.countDown();
    nemesisThread.join(60_000);
    clients.forEach(GranaryClient::close);
    clients.clear();
    long faultyPhase = history.now();

    // Heal: everything back up, then wait for the cluster to repair itself.
    if (!cluster.masterRunning()) {
      cluster.startMaster();
    }
    for (int i = 0; i < CHUNKSERVERS; i++) {
      if (!cluster.chunkserverRunning(i)) {
        cluster.startChunkserver(i);
      }
    }
    cluster.awaitLive(CHUNKSERVERS, Duration.ofSeconds(60));
    healthy(checker, "after healing");

    List<Op> ops = history.ops();
    ops.forEach(checker::apply);
    finalReads(checker, history, content);
    healthy(checker, "after the final reads");
    int replicasChecked = checkDisks(checker, history, content);

    Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
    Map<Kind, Integer> kinds = new EnumMap<>(Kind.class);
    for (Op op : ops) {
      outcomes.merge(op.outcome(), 1, Integer::sum);
      kinds.merge(op.kind(), 1, Integer::sum);
    }
    List<Anomaly> anomalies = checker.anomalies();
    System.out.printf("chaos summary: seed %d, %d operations in %.1f s %s %s, %d faults injected"
        + " (%d chunkserver kills, %d master kills, %d byte flips), %d acknowledged writes,"
        + " %d acknowledged writes verified, %d replica files verified, anomalies = %d%n",
        seed, ops.size(), faultyPhase / 1e9, kinds, outcomes, nemesis.faults(),
        nemesis.chunkserverKills.get(), nemesis.masterKills.get(), nemesis.byteFlips.get(),
        checker.acknowledgedWrites(), checker.verifiedWrites(), replicasChecked,
        anomalies.size());
    // Operations the client gave up on are allowed, but worth a look: list a few.
    ops.stream().filter(op -> op.outcome() == Outcome.UNKNOWN).limit(10)
        .forEach(op -> System.out.println("chaos: indeterminate " + op));
    if (!crashes.isEmpty() || nemesis.failure() != null) {
      AssertionError e = new AssertionError("a chaos thread crashed (a bug in the test harness)");
      crashes.forEach(e::addSuppressed);
      if (nemesis.failure() != null) {
        e.addSuppressed(nemesis.failure());
      }
      throw e;
    }
    if (!anomalies.isEmpty()) {
      fail(report(seed, anomalies, history, nemesis));
    }
  }

  private void healthy(HistoryChecker checker, String when) {
    try {
      cluster.awaitHealthy(Duration.ofSeconds(60));
    } catch (AssertionError e) {
      checker.report("/", "fsck not HEALTHY " + when + ": " + e.getMessage());
    }
  }

  /** Reads every path the run touched, and compares the namespace with the model. */
  private void finalReads(HistoryChecker checker, History history, Content content)
      throws Exception {
    Set<String> listed = new HashSet<>();
    try (GranaryClient c = cluster.client(CLIENT_TIMEOUT)) {
      for (String dir : dirs(checker)) {
        for (FileStatus f : c.list(dir)) {
          listed.add(f.path());
          if (!checker.paths().contains(f.path())) {
            checker.report(f.path(), "a file no operation wrote appeared: " + f);
          }
        }
      }
      for (String p : checker.paths()) {
        long t0 = history.now();
        long seen = Content.UNKNOWN;
        Outcome o;
        String detail = "final read";
        try (InputStream in = c.open(p)) {
          seen = content.versionOf(in.readAllBytes());
          o = Outcome.OK;
        } catch (Exception e) {
          o = ClientWorker.classify(e);
          detail += ": " + e;
        }
        Op read = new Op(history.nextId(), -1, Kind.GET, p, null, seen, t0, history.now(), o,
            detail);
        history.add(read);
        checker.applyFinal(read);
        if (checker.mustExist(p) && !listed.contains(p)) {
          checker.report(p, "missing from the listing of its directory");
        }
      }
    }
  }

  private static Set<String> dirs(HistoryChecker checker) {
    Set<String> out = new HashSet<>();
    for (String p : checker.paths()) {
      out.add(p.substring(0, p.lastIndexOf('/')));
    }
    return out;
  }

  /**
   * Waits until every chunk of every surviving file is on exactly {@code REPLICATION} disks, each
   * copy byte-identical to what was written (corrupt ones replaced, excess ones trimmed). Returns
   * the number of replica files checked; leftovers that belong to no file are only counted.
   */
  private int checkDisks(HistoryChecker checker, History history, Content content)
      throws Exception {
    List<String[]> expected = new ArrayList<>(); // handle, path, version, chunk index
    try (GranaryClient c = cluster.client(CLIENT_TIMEOUT)) {
      for (String p : checker.paths()) {
        Set<Long> s = checker.possible(p);
        if (s.size() != 1 || s.contains(HistoryChecker.ABSENT)) {
          continue;
        }
        long v = s.iterator().next();
        for (ChunkInfo ch : c.statWithChunks(p).chunks()) {
          expected.add(new String[] {ch.handle(), p, Long.toString(v),
              Integer.toString(ch.index())});
        }
      }
    }
    List<String> bad = new ArrayList<>();
    try {
      Wait.until("every live chunk on exactly " + REPLICATION + " disks with its bytes",
          Duration.ofSeconds(60), () -> {
            bad.clear();
            for (String[] e : expected) {
              byte[] all = content.bytes(Long.parseLong(e[2]));
              int i = Integer.parseInt(e[3]);
              byte[] want = Arrays.copyOfRange(all, i * CHUNK, Math.min(all.length,
                  (i + 1) * CHUNK));
              List<Path> files = cluster.replicaFiles(e[0]);
              int good = 0;
              for (Path f : files) {
                if (Arrays.equals(want, Files.readAllBytes(f))) {
                  good++;
                }
              }
              if (files.size() != REPLICATION || good != files.size()) {
                bad.add(e[1] + " chunk " + i + " (" + e[0] + "): " + files.size()
                    + " replica files, " + good + " correct");
              }
            }
            return bad.isEmpty();
          });
    } catch (AssertionError e) {
      checker.report("/", "replicas on disk did not converge: " + bad);
    }
    // Chunks of versions that were replaced or removed must leave every disk (within a few GC
    // intervals). Other leftovers (chunks of puts that never committed) are protected by the
    // master for a while as possibly in-flight writes: they are only counted.
    Set<String> live = new HashSet<>();
    expected.forEach(e -> live.add(e[0]));
    Set<String> dead = new HashSet<>();
    history.handles().values().forEach(dead::addAll);
    dead.removeAll(live);
    List<String> garbage = new ArrayList<>();
    try {
      Wait.until("replicas of replaced and removed files collected", Duration.ofSeconds(20),
          () -> {
            garbage.clear();
            for (String g : leftovers(live)) {
              if (dead.contains(handleOf(g))) {
                garbage.add(g);
              }
            }
            return garbage.isEmpty();
          });
    } catch (AssertionError e) {
      StringBuilder why = new StringBuilder();
      for (String g : garbage.subList(0, Math.min(3, garbage.size()))) {
        why.append("\n  log lines about ").append(handleOf(g)).append(":\n")
            .append(logLinesMentioning(handleOf(g)));
      }
      checker.report("/", garbage.size() + " replica files of replaced or removed files stayed"
          + " on disk: " + garbage.subList(0, Math.min(20, garbage.size())) + why);
    }
    System.out.printf("chaos: %d replica files of live chunks verified on disk; %d chunks of"
        + " replaced or removed files collected; %d replica files of never-committed writes"
        + " left for the master's pending-write expiry%n", expected.size() * REPLICATION,
        dead.size(), leftovers(live).size() - garbage.size());
    return expected.size() * REPLICATION;
  }

  /** Every line of every process log (not only the tail) that mentions {@code needle}. */
  private String logLinesMentioning(String needle) throws IOException {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> s = Files.list(cluster.dir())) {
      for (Path log : s.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
        for (String line : Files.readAllLines(log)) {
          if (line.contains(needle)) {
            sb.append("    ").append(log.getFileName()).append(": ").append(line).append('\n');
          }
        }
      }
    }
    return sb.toString();
  }

  /** Replica files (as "chunkserver-N/HANDLE.chunk") whose handle is not in {@code live}. */
  private List<String> leftovers(Set<String> live) throws IOException {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < CHUNKSERVERS; i++) {
      Path dir = cluster.chunkserverDir(i).resolve("replicas");
      try (Stream<Path> s = Files.list(dir)) {
        for (Path f : s.toList()) {
          String n = f.getFileName().toString();
          if (n.endsWith(".chunk") && !live.contains(handleOf(n))) {
            out.add("chunkserver-" + i + "/" + n);
          }
        }
      }
    }
    return out;
  }

  private static String handleOf(String replicaFile) {
    String n = replicaFile.substring(replicaFile.lastIndexOf('/') + 1);
    return n.substring(0, n.length() - ".chunk".length());
  }

  private String report(long seed, List<Anomaly> anomalies, History history, Nemesis nemesis) {
    StringBuilder sb = new StringBuilder();
    sb.append(anomalies.size()).append(" anomalies in chaos run with seed ").append(seed)
        .append(" (replay: -Dchaos.seed=").append(seed).append(")\n");
    Set<String> shown = new HashSet<>();
    for (Anomaly a : anomalies.subList(0, Math.min(10, anomalies.size()))) {
      sb.append("\n* ").append(a.path()).append(": ").append(a.what()).append('\n');
      if (a.op() != null) {
        sb.append("  at ").append(a.op()).append('\n');
      }
      if (shown.add(a.path())) {
        sb.append("  history of ").append(a.path()).append(":\n");
        for (Op op : history.of(a.path())) {
          sb.append("    ").append(op).append('\n');
        }
      }
    }
    sb.append("\nnemesis:\n");
    nemesis.log().forEach(l -> sb.append("  ").append(l).append('\n'));
    sb.append("\n==== cluster logs ====\n").append(cluster.logs());
    return sb.toString();
  }

  private static String stack(Thread t) {
    StringBuilder sb = new StringBuilder();
    for (StackTraceElement e : t.getStackTrace()) {
      sb.append("    at ").append(e).append('\n');
    }
    return sb.toString();
  }
}
