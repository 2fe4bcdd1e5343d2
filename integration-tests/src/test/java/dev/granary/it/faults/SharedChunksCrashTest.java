package dev.granary.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.FileStatus;
import dev.granary.client.FileVersion;
import dev.granary.client.GranaryClient;
import dev.granary.client.PolicyChange;
import dev.granary.client.SnapshotInfo;
import dev.granary.client.TrashEntry;
import dev.granary.client.TransferListener;
import dev.granary.client.WriteOptions;
import dev.granary.it.ProcessCluster;
import dev.granary.it.Wait;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.msg.ChunkLocation;
import dev.granary.wire.msg.LookupRequest;
import dev.granary.wire.msg.LookupResponse;
import dev.granary.wire.msg.Message;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.Transports;
import io.netty.channel.EventLoopGroup;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the master between or during the steps of shared-chunk updates: a seeded random
 * sequence of rounds, each one step (a delta {@code put --force} under {@code --keep-versions 2},
 * a new file, a deduplicated copy, snapshot create or delete, {@code rm} to the trash, trash
 * restore, {@code restore --version}) run in the background while the master is killed, either
 * after the step answered or at a random point while it runs (for an upload: once its first chunk
 * is sent, between the chunk-match query and the commit). After each restart the test checks:
 *
 * <ul>
 *   <li>the master's files, versions, snapshots and trash are exactly the model's state before the
 *       step or after it (after, if the step answered success), and every one of them reads back
 *       the bytes the model holds for it;
 *   <li>fsck is HEALTHY;
 *   <li>nothing referenced was freed: every chunk a file, version, snapshot or trash entry holds
 *       keeps its replica files; and nothing unreferenced outlives GC: within a few GC rounds the
 *       replica files on the disks are exactly those chunks' (handles from {@code stat} of every
 *       file and snapshot file, LOOKUP of every kept version, and for a trash entry the handles
 *       its file had when it was last seen live).
 * </ul>
 *
 * The seed is printed and taken from {@code -Dgranary.crash.seed} to replay a failure.
 */
class SharedChunksCrashTest {
  static final int CHUNK = 64 * 1024;
  static final int REPLICATION = 2;
  static final int ROUNDS = 6;
  static final int KEEP = 2;
  /** Files (live or in the trash) beyond which no step adds one: each round reads them all. */
  static final int MAX_FILES = 5;
  static final String DIR = "/w";
  static final Duration RPC = Duration.ofSeconds(10);

  @TempDir
  Path tmp;

  @RegisterExtension
  final FaultCluster fault = new FaultCluster();

  ProcessCluster cluster;
  EventLoopGroup group;
  final ExecutorService background = Executors.newSingleThreadExecutor();
  SplittableRandom rnd;
  int names;

  @AfterEach
  void stop() {
    background.shutdownNow();
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** One version of a file: its number, its bytes, and its chunk handles (once seen). */
  record Ver(long n, byte[] bytes, List<String> handles) {}

  /**
   * What the master holds under {@link #DIR}: each file's versions (newest, the current contents,
   * first), each snapshot's files, each trash entry's file with its versions. A step makes a new
   * state from a copy of the old.
   */
  static final class State {
    final TreeMap<String, List<Ver>> files = new TreeMap<>();
    final TreeMap<String, TreeMap<String, Ver>> snaps = new TreeMap<>();
    final TreeMap<String, List<Ver>> trash = new TreeMap<>();

    State copy() {
      State s = new State();
      files.forEach((p, v) -> s.files.put(p, new ArrayList<>(v)));
      snaps.forEach((n, f) -> s.snaps.put(n, new TreeMap<>(f)));
      trash.forEach((p, v) -> s.trash.put(p, new ArrayList<>(v)));
      return s;
    }

    /** What is compared: every readable thing's name and the SHA-256 of its bytes. */
    TreeMap<String, String> canonical() {
      TreeMap<String, String> m = new TreeMap<>();
      files.forEach((p, vs) -> vs.forEach(v -> m.put(p + " v" + v.n(), sha256(v.bytes()))));
      snaps.forEach((n, fs) -> fs.forEach((p, v) -> m.put("snapshot " + n + " " + p,
          sha256(v.bytes()))));
      trash.forEach((p, vs) -> m.put("trash " + p, vs.get(0).bytes().length + " bytes"));
      return m;
    }

    /** Every chunk handle a file, version, snapshot or trash entry holds. */
    Set<String> handles() {
      Set<String> out = new TreeSet<>();
      files.values().forEach(vs -> vs.forEach(v -> out.addAll(v.handles())));
      snaps.values().forEach(fs -> fs.values().forEach(v -> out.addAll(v.handles())));
      trash.values().forEach(vs -> vs.forEach(v -> out.addAll(v.handles())));
      return out;
    }

    @Override
    public String toString() {
      return canonical().toString();
    }
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b))
          .substring(0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** How a step is run; {@code firstChunk} is counted down once an upload sent a chunk. */
  @FunctionalInterface
  interface Action {
    void run(GranaryClient c, CountDownLatch firstChunk) throws Exception;
  }

  /**
   * One step of a round: its kind ("put --force", "snapshot create", ...), what it does, the
   * state it leads to, and how it is run.
   */
  record Step(String kind, String what, State after, Action action) {
    /** Runs the step; an upload counts {@code firstChunk} down itself, any other step first. */
    void run(GranaryClient c, CountDownLatch firstChunk) throws Exception {
      if (!kind.startsWith("put")) {
        firstChunk.countDown();
      }
      action.run(c, firstChunk);
    }
  }

  private byte[] randomBytes() {
    byte[] b = new byte[2 * CHUNK + rnd.nextInt(CHUNK) + 1];
    rnd.nextBytes(b);
    return b;
  }

  private void upload(GranaryClient c, String path, byte[] bytes, boolean force,
      CountDownLatch firstChunk) throws Exception {
    Path local = tmp.resolve("upload-" + names++ + ".bin");
    Files.write(local, bytes);
    c.upload(local, path, WriteOptions.defaults().withOverwrite(force).withChunkSize(CHUNK),
        new TransferListener() {
          @Override
          public void onStart(long total) {}

          @Override
          public void onProgress(long done) {
            firstChunk.countDown();
          }

          @Override
          public void onDone() {
            firstChunk.countDown();
          }
        });
  }

  /** The versions after a put or restore that makes {@code bytes} current: {@link #KEEP} kept. */
  private static List<Ver> replaced(List<Ver> versions, byte[] bytes) {
    List<Ver> out = new ArrayList<>();
    out.add(new Ver(versions.get(0).n() + 1, bytes, List.of()));
    out.addAll(versions.subList(0, Math.min(KEEP, versions.size())));
    return out;
  }

  private <T> T pick(java.util.Collection<T> from) {
    List<T> l = new ArrayList<>(from);
    return l.get(rnd.nextInt(l.size()));
  }

  private Step newFile(State s, String prefix) {
    String path = DIR + "/" + prefix + names++;
    byte[] bytes = randomBytes();
    State after = s.copy();
    after.files.put(path, List.of(new Ver(1, bytes, List.of())));
    return new Step("put", "put " + path, after, (c, l) -> upload(c, path, bytes, false, l));
  }

  /** The steps {@code s} allows, each as a candidate (several may be chosen from). */
  private List<Step> steps(State s) {
    List<Step> out = new ArrayList<>();
    if (!s.files.isEmpty()) {
      String path = pick(s.files.keySet());
      byte[] now = s.files.get(path).get(0).bytes();
      byte[] next = Arrays.copyOf(now, now.length);
      int chunk = rnd.nextInt((now.length + CHUNK - 1) / CHUNK);
      for (int i = chunk * CHUNK; i < Math.min(next.length, (chunk + 1) * CHUNK); i += 97) {
        next[i] ^= (byte) (1 + rnd.nextInt(255));
      }
      State after = s.copy();
      after.files.put(path, replaced(s.files.get(path), next));
      out.add(new Step("put --force", "put --force " + path + " (chunk " + chunk + " changed)",
          after, (c, l) -> upload(c, path, next, true, l)));

      if (s.files.size() + s.trash.size() < MAX_FILES) {
        String source = pick(s.files.keySet());
        byte[] same = s.files.get(source).get(0).bytes();
        String copy = DIR + "/copy" + names++;
        State copied = s.copy();
        copied.files.put(copy, List.of(new Ver(1, same, List.of())));
        out.add(new Step("put (dedup copy)", "put " + copy + " (a copy of " + source + ")",
            copied, (c, l) -> upload(c, copy, same, false, l)));
      }

      List<String> removable = s.files.keySet().stream().filter(p -> !s.trash.containsKey(p))
          .toList();
      if (s.files.size() > 1 && !removable.isEmpty()) {
        String victim = pick(removable);
        State removed = s.copy();
        removed.trash.put(victim, removed.files.remove(victim));
        out.add(new Step("rm", "rm " + victim + " (to the trash)", removed,
            (c, l) -> assertTrue(c.delete(victim, false).trashed())));
      }

      List<String> withHistory = s.files.keySet().stream()
          .filter(p -> s.files.get(p).size() > 1).toList();
      if (!withHistory.isEmpty()) {
        String f = pick(withHistory);
        List<Ver> vs = s.files.get(f);
        Ver old = vs.get(1 + rnd.nextInt(vs.size() - 1));
        State restored = s.copy();
        restored.files.put(f, replaced(vs, old.bytes()));
        out.add(new Step("restore --version", "restore " + f + " --version " + old.n(), restored,
            (c, l) -> c.restore(f, old.n())));
      }

      if (s.snaps.size() < 2) {
        String name = "s" + names++;
        State snapped = s.copy();
        TreeMap<String, Ver> view = new TreeMap<>();
        s.files.forEach((p, vs) -> view.put(p, vs.get(0)));
        snapped.snaps.put(name, view);
        out.add(new Step("snapshot create", "snapshot create " + DIR + " " + name, snapped,
            (c, l) -> c.createSnapshot(DIR, name)));
      }
    }
    if (!s.snaps.isEmpty()) {
      String name = pick(s.snaps.keySet());
      State dropped = s.copy();
      dropped.snaps.remove(name);
      out.add(new Step("snapshot delete", "snapshot delete " + DIR + " " + name, dropped,
          (c, l) -> c.deleteSnapshot(DIR, name)));
    }
    for (String p : s.trash.keySet()) {
      State back = s.copy();
      back.files.put(p, back.trash.remove(p));
      out.add(new Step("trash restore", "trash restore " + p, back,
          (c, l) -> c.restoreFromTrash(p)));
    }
    if (s.files.size() + s.trash.size() < MAX_FILES) {
      out.add(newFile(s, "f"));
    }
    return out;
  }

  @Test
  void killNineDuringSharedChunkStepsFreesNothingReferencedAndLeavesNothingUnreferenced()
      throws Exception {
    long seed = Long.getLong("granary.crash.seed", System.nanoTime());
    rnd = new SplittableRandom(seed);
    System.out.println("SharedChunksCrashTest seed " + seed + " (-Dgranary.crash.seed=" + seed
        + " replays it)");
    cluster = fault.adopt(ProcessCluster.started(tmp.resolve("cluster"), List.of("--chunk-size",
        "64KiB", "--replication", "" + REPLICATION, "--pulse-interval", "200ms", "--dead-after",
        "2s", "--gc-interval", "500ms", "--lease-timeout", "2s", "--checkpoint-ops", "5",
        "--dedup", "true"), 2));
    group = Transports.eventLoopGroup(1, "crash-test");

    State state = new State();
    try (GranaryClient c = cluster.client(RPC)) {
      c.mkdirs(DIR, true);
      c.setPolicy(DIR, PolicyChange.none().keepVersions(KEEP).trash(Duration.ofHours(1)));
      for (int i = 0; i < 2; i++) {
        Step s = newFile(state, "f");
        s.run(c, new CountDownLatch(1));
        state = s.after();
      }
      state = check(c, "seed " + seed + ", the start", state, null);
    }

    // The step least used so far, ties broken at random, so a few rounds see most kinds.
    Map<String, Integer> used = new TreeMap<>();
    for (int round = 1; round <= ROUNDS; round++) {
      List<Step> candidates = steps(state);
      int least = candidates.stream().mapToInt(x -> used.getOrDefault(x.kind(), 0)).min()
          .orElseThrow();
      List<Step> fewest = candidates.stream()
          .filter(x -> used.getOrDefault(x.kind(), 0) == least).toList();
      Step step = fewest.get(rnd.nextInt(fewest.size()));
      used.merge(step.kind(), 1, Integer::sum);
      state = round(round, state, step, seed);
    }

    // Everything in the trash comes back: its bytes are read once more.
    try (GranaryClient c = cluster.client(RPC)) {
      for (String p : List.copyOf(state.trash.keySet())) {
        c.restoreFromTrash(p);
        state.files.put(p, state.trash.remove(p));
      }
      check(c, "seed " + seed + ", the end (trash restored)", state, null);
    }
  }

  /** When the master is killed. */
  enum Kill {
    /** Once the step answered. */
    AFTER_ANSWER,
    /** While the step runs; its client rides out the restart and finishes it. */
    WHILE_RUNNING,
    /** While the step runs; its client is closed before the master is back. */
    WHILE_RUNNING_CLIENT_DIES
  }

  /**
   * Runs {@code step} in the background, kills the master after it answered or while it runs,
   * restarts it, and checks the cluster against the state before or after the step.
   */
  private State round(int round, State before, Step step, long seed) throws Exception {
    Kill kill = Kill.values()[rnd.nextInt(Kill.values().length)];
    // Most metadata steps answer within milliseconds: the kill comes early or not at all.
    long delayMs = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(40);
    String what = "seed " + seed + ", round " + round + ": " + step.what() + " (" + kill
        + (kill == Kill.AFTER_ANSWER ? "" : ", " + delayMs + " ms after it started sending")
        + ")";
    System.out.println("SharedChunksCrashTest " + what);
    long t0 = System.nanoTime();
    Throwable failure = null;
    GranaryClient op = cluster.client(Duration.ofSeconds(20));
    try {
      CountDownLatch firstChunk = new CountDownLatch(1);
      Future<?> running = background.submit(() -> {
        step.run(op, firstChunk);
        return null;
      });
      if (kill == Kill.AFTER_ANSWER) {
        running.get(60, TimeUnit.SECONDS);
      } else {
        // The crash point: an upload's first chunk sent (the chunk-match query is behind it,
        // the commit ahead), or a random moment of a metadata step; never later than its answer.
        firstChunk.await(10, TimeUnit.SECONDS);
        try {
          running.get(delayMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException stillRunning) {
          // killed mid-flight
        } catch (java.util.concurrent.ExecutionException e) {
          // its outcome is read below
        }
      }
      cluster.killMaster();
      if (kill == Kill.WHILE_RUNNING_CLIENT_DIES) {
        // The writer is gone too: whatever it allocated and did not commit is garbage.
        op.close();
      }
      cluster.startMaster();
      cluster.awaitLive(2, Duration.ofSeconds(60));
      try {
        running.get(60, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        failure = e.getCause();
      }
    } finally {
      op.close();
    }
    if (kill == Kill.AFTER_ANSWER && failure != null) {
      throw new AssertionError(what + " failed: " + failure, failure);
    }
    State now;
    try (GranaryClient c = cluster.client(RPC)) {
      // A step that answered success is durable; one that failed may or may not have happened.
      now = check(c, what + (failure == null ? ", answered" : ", failed: " + failure),
          step.after(), failure == null ? null : before);
    }
    System.out.println("SharedChunksCrashTest round " + round + " checked in "
        + (System.nanoTime() - t0) / 1_000_000 + " ms: "
        + (now.canonical().equals(step.after().canonical()) ? "done" : "not done")
        + (failure == null ? "" : ", the step failed: " + failure));
    return now;
  }

  /**
   * Checks the cluster against {@code expected} (or {@code alternative}, when not null): reads
   * every file, version and snapshot file, fsck, and the replica files on the disks. Returns the
   * state found, with its chunk handles.
   */
  private State check(GranaryClient c, String what, State expected, State alternative)
      throws Exception {
    State seen = observe(c);
    State matched = seen.canonical().equals(expected.canonical()) ? expected
        : alternative != null && seen.canonical().equals(alternative.canonical()) ? alternative
        : null;
    if (matched == null) {
      throw new AssertionError(what + ": the master holds\n  " + seen
          + "\nexpected\n  " + expected + (alternative == null ? ""
          : "\nor (the state before)\n  " + alternative) + "\n" + cluster.logs());
    }
    // A trash entry cannot be read or stat'ed: it holds the chunks its file had when last seen.
    matched.trash.forEach((p, vs) -> seen.trash.put(p, vs));

    cluster.awaitHealthy(Duration.ofSeconds(30));
    Set<String> held = seen.handles();
    for (String h : held) {
      assertTrue(!cluster.replicaFiles(h).isEmpty(), () -> what
          + ": chunk " + h + " is held but has no replica file left\n" + seen + "\n"
          + cluster.logs());
    }
    Set<String> unheld = new TreeSet<>(handlesOnDisk());
    unheld.removeAll(held);
    Wait.until(what + ": the replica files on the disks are exactly "
        + REPLICATION + " of each held chunk " + held, Duration.ofSeconds(30), () -> {
          if (!handlesOnDisk().equals(held)) {
            return false;
          }
          for (String h : held) {
            if (cluster.replicaFiles(h).size() != REPLICATION) {
              return false;
            }
          }
          return true;
        }, () -> "on disk: " + describeDisk() + "\n" + cluster.logs());
    if (!unheld.isEmpty()) {
      System.out.println("SharedChunksCrashTest " + what + ": collected the replicas of "
          + unheld.size() + " chunk(s) nothing holds: " + unheld);
    }
    return seen;
  }

  /** The handles of every replica file on the disks. */
  private Set<String> handlesOnDisk() throws java.io.IOException {
    Set<String> out = new TreeSet<>();
    for (Path f : cluster.allReplicaFiles()) {
      String name = f.getFileName().toString();
      out.add(name.substring(0, name.length() - ".chunk".length()));
    }
    return out;
  }

  private String describeDisk() {
    try {
      return cluster.allReplicaFiles().stream().map(p -> cluster.dir().relativize(p).toString())
          .toList().toString();
    } catch (java.io.IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** What the master holds under {@link #DIR}, each thing read back with its chunk handles. */
  private State observe(GranaryClient c) throws Exception {
    State s = new State();
    try (Connection raw = cluster.rawClient(group, cluster.masterAddress().port(), "crash-test",
        RPC)) {
      for (FileStatus f : c.list(DIR)) {
        if (!f.directory()) {
          s.files.put(f.path(), versions(c, raw, f.path()));
        }
      }
      for (SnapshotInfo snap : c.snapshots(DIR)) {
        TreeMap<String, Ver> view = new TreeMap<>();
        String root = DIR + "/.snapshot/" + snap.name();
        for (FileStatus f : c.list(root)) {
          List<Ver> vs = versions(c, raw, f.path());
          assertEquals(1, vs.size(), () -> f.path() + ": a snapshot's file has no versions");
          view.put(DIR + f.path().substring(root.length()), vs.get(0));
        }
        s.snaps.put(snap.name(), view);
      }
    }
    for (TrashEntry e : c.trash()) {
      // The size stands for the entry (its bytes are read once it is restored).
      s.trash.put(e.path(), List.of(new Ver(0, new byte[(int) e.size()], List.of())));
    }
    return s;
  }

  /** Every version of {@code path}, newest first, with its bytes and handles. */
  private static List<Ver> versions(GranaryClient c, Connection raw, String path)
      throws Exception {
    List<Ver> out = new ArrayList<>();
    List<FileVersion> vs = c.versions(path);
    for (int i = 0; i < vs.size(); i++) {
      long n = vs.get(i).version();
      // The current contents are looked up as such (a snapshot's file has no kept versions).
      long lookup = i == 0 ? LookupRequest.CURRENT : n;
      byte[] bytes;
      try (InputStream in = i == 0 ? c.open(path) : c.open(path, n)) {
        bytes = in.readAllBytes();
      }
      Message reply = raw.call(new LookupRequest(path, 0, 1000, lookup), RPC)
          .get(RPC.toMillis(), TimeUnit.MILLISECONDS);
      if (!(reply instanceof LookupResponse r)) {
        throw new AssertionError("LOOKUP of " + path + " v" + n + ": " + reply);
      }
      List<String> handles = new ArrayList<>();
      for (ChunkLocation ch : r.chunks()) {
        handles.add(ChunkHandles.format(ch.handle()));
      }
      assertEquals(bytes.length, r.file().size(), path + " v" + n);
      out.add(new Ver(n, bytes, handles));
    }
    return out;
  }
}
