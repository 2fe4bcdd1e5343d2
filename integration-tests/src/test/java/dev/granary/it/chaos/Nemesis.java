package dev.granary.it.chaos;

import dev.granary.it.ProcessCluster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The chaos run's adversary, on its own thread with its own seeded schedule: kill -9 and restart
 * of chunkservers (never more than {@code maxDown} down at once, so every chunk keeps a replica on
 * a running node), kill -9 and restart of the master, and a flipped byte in a replica file.
 *
 * <p>A byte is only flipped in a replica whose handle has at least three replica files on disk,
 * all identical: so at most one replica of a chunk is ever bad at a time by its hand, and a majority
 * of good copies always exists somewhere, as the fault model of a three-way replicated store
 * assumes. Everything it does is logged with a time stamp for the failure report.
 */
final class Nemesis implements Runnable {
  private final ProcessCluster cluster;
  private final History history;
  private final SplittableRandom random;
  private final int maxDown;
  private final CountDownLatch stop;
  private final List<String> log = new ArrayList<>();
  final AtomicInteger chunkserverKills = new AtomicInteger();
  final AtomicInteger chunkserverRestarts = new AtomicInteger();
  final AtomicInteger masterKills = new AtomicInteger();
  final AtomicInteger byteFlips = new AtomicInteger();
  private volatile Throwable failure;
  /** A restarted master gets this long to come up and collect reports before the next kill. */
  private static final long MASTER_REST_NANOS = TimeUnit.SECONDS.toNanos(6);
  private long lastMasterRestart = Long.MIN_VALUE / 2;

  Nemesis(ProcessCluster cluster, History history, long seed, int maxDown, CountDownLatch stop) {
    this.cluster = cluster;
    this.history = history;
    this.random = new SplittableRandom(seed);
    this.maxDown = maxDown;
    this.stop = stop;
  }

  @Override
  public void run() {
    try {
      // Let the clients write a little before the first fault.
      while (!stop.await(300 + random.nextInt(1200), TimeUnit.MILLISECONDS)) {
        act();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      failure = t;
      note("nemesis failed: " + t);
    }
  }

  /** Whatever broke the nemesis itself (not the cluster), or null. */
  Throwable failure() {
    return failure;
  }

  int faults() {
    return chunkserverKills.get() + masterKills.get() + byteFlips.get();
  }

  private void act() throws Exception {
    List<Integer> up = new ArrayList<>();
    List<Integer> down = new ArrayList<>();
    for (int i = 0; i < cluster.chunkserverCount(); i++) {
      (cluster.chunkserverRunning(i) ? up : down).add(i);
    }
    int roll = random.nextInt(100);
    boolean masterRested = history.now() - lastMasterRestart > MASTER_REST_NANOS;
    if (roll < 30) {
      if (down.size() < maxDown && !up.isEmpty()) {
        int i = up.get(random.nextInt(up.size()));
        cluster.killChunkserver(i);
        chunkserverKills.incrementAndGet();
        note("kill -9 chunkserver " + i);
        return;
      }
    } else if (roll < 60) {
      if (!down.isEmpty()) {
        int i = down.get(random.nextInt(down.size()));
        cluster.startChunkserver(i);
        chunkserverRestarts.incrementAndGet();
        note("restart chunkserver " + i);
        return;
      }
    } else if (roll < 70) {
      if (masterRested) {
        cluster.killMaster();
        masterKills.incrementAndGet();
        note("kill -9 master");
        // Down a while (less if the run is ending), then back on the same port and data dir.
        stop.await(random.nextInt(2000), TimeUnit.MILLISECONDS);
        cluster.startMaster();
        lastMasterRestart = history.now();
        note("restart master");
        return;
      }
    }
    flipSomeReplica();
  }

  private void flipSomeReplica() throws IOException {
    List<Path> all = new ArrayList<>();
    for (int i = 0; i < cluster.chunkserverCount(); i++) {
      Path dir = cluster.chunkserverDir(i).resolve("replicas");
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> p.getFileName().toString().endsWith(".chunk")).forEach(all::add);
      } catch (NoSuchFileException e) {
        // Being created: nothing to flip there yet.
      }
    }
    // A few tries to find a replica whose copies all agree.
    for (int attempt = 0; attempt < 10 && !all.isEmpty(); attempt++) {
      Path victim = all.get(random.nextInt(all.size()));
      String name = victim.getFileName().toString();
      String handle = name.substring(0, name.length() - ".chunk".length());
      try {
        List<Path> copies = cluster.replicaFiles(handle);
        if (copies.size() < 3 || !copies.contains(victim)) {
          continue;
        }
        byte[] first = Files.readAllBytes(copies.get(0));
        boolean agree = first.length > 0;
        for (Path c : copies.subList(1, copies.size())) {
          agree &= Arrays.equals(first, Files.readAllBytes(c));
        }
        if (!agree) {
          continue;
        }
        long offset = random.nextLong(first.length);
        // Never CREATE: a replica deleted meanwhile must not reappear as a stray file.
        try (FileChannel f = FileChannel.open(victim, StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
          ByteBuffer one = ByteBuffer.allocate(1);
          if (f.read(one, offset) != 1) {
            continue; // Truncated meanwhile.
          }
          one.put(0, (byte) (one.get(0) ^ (1 + random.nextInt(255)))).rewind();
          f.write(one, offset);
          f.force(true);
        }
        byteFlips.incrementAndGet();
        note("flip byte " + offset + " of " + cluster.dir().relativize(victim));
        return;
      } catch (NoSuchFileException e) {
        // Deleted under our feet (garbage collection): try another.
      }
    }
  }

  private synchronized void note(String what) {
    log.add(String.format("[%7.3f s] %s", history.now() / 1e9, what));
  }

  /** Everything the nemesis did, one line each. */
  synchronized List<String> log() {
    return List.copyOf(log);
  }
}
