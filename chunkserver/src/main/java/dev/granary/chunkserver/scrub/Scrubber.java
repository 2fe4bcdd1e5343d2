package dev.granary.chunkserver.scrub;

import dev.granary.chunkserver.metrics.NodeCounters;
import dev.granary.chunkserver.storage.CorruptReplicaException;
import dev.granary.chunkserver.storage.CorruptionListener;
import dev.granary.chunkserver.storage.ReplicaMeta;
import dev.granary.chunkserver.storage.ReplicaStore;
import dev.granary.chunkserver.storage.StoreException;
import dev.granary.chunkserver.storage.Throttle;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-verifies every replica once per interval, reading at most {@code rate} bytes per second so it
 * never starves clients (GFS section 5.2: "during idle periods, chunkservers can scan and verify the
 * contents of inactive chunks"). A replica that fails is quarantined and the listener told, so the
 * master replaces it from a good copy before a reader ever needs it.
 *
 * <p>Each pass starts by making the store's memory agree with its disk
 * ({@link ReplicaStore#reconcile()}, a {@code stat} per replica and no reads), so a replica file
 * deleted or truncated by hand is noticed within one interval however long the reading part of
 * the pass takes; a replica found gone in the middle of a pass is reconciled on the spot. Either
 * way the listener hears of it at once. (At start-up the store's recovery builds its memory from
 * the disk, so the two agree from the start.)
 *
 * <p>{@link #scrubOnce()} is one full pass; {@link #run()} loops passes on a dedicated thread until
 * interrupted, waiting out the rest of each interval with the injected {@link Sleeper}. A pass that
 * fails (any throwable) is logged and the next one runs an interval later.
 */
public final class Scrubber implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Scrubber.class);

  /**
   * Outcome of one pass: replicas verified, found corrupt, found dropped by the reconciliation
   * with the disk, bytes verified, and replicas there were to verify after the reconciliation.
   */
  public record Pass(int verified, int corrupt, int lost, long bytes, int replicas) {}

  private final String nodeId;
  private final ReplicaStore store;
  private final CorruptionListener listener;
  private final Throttle throttle;
  private final Duration interval;
  private final Clock clock;
  private final Sleeper sleeper;
  private final NodeCounters counters;

  public Scrubber(String nodeId, ReplicaStore store, CorruptionListener listener,
      Throttle throttle, Duration interval, Clock clock, Sleeper sleeper) {
    this(nodeId, store, listener, throttle, interval, clock, sleeper, new NodeCounters());
  }

  /** @param counters where the bytes verified and each finished pass are recorded */
  public Scrubber(String nodeId, ReplicaStore store, CorruptionListener listener,
      Throttle throttle, Duration interval, Clock clock, Sleeper sleeper, NodeCounters counters) {
    this.counters = counters;
    this.nodeId = nodeId;
    this.store = store;
    this.listener = listener;
    this.throttle = throttle;
    this.interval = interval;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  @Override
  public void run() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        // Wait first: a fresh start-up should not compete with clients for the disk.
        Instant start = clock.instant();
        sleeper.sleep(interval);
        Instant began = clock.instant();
        Pass p = scrubOnce();
        counters.scrubPassDone(new NodeCounters.ScrubPass(p.replicas(), p.verified() + p.corrupt(),
            p.corrupt() + p.lost(), p.bytes(),
            Duration.between(began, clock.instant()).toNanos() / 1e9));
        log.info("{}: scrub pass verified {} replicas ({} bytes), {} corrupt, {} lost, in {} ms",
            nodeId, p.verified(), p.bytes(), p.corrupt(), p.lost(),
            Duration.between(start, clock.instant()).minus(interval).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Throwable t) {
        // The top of the scrubber's thread: one line, and the next pass an interval later.
        log.error("{}: scrub pass failed, continuing: {}", nodeId, t.toString(), t);
      }
    }
  }

  /**
   * Reconciles the store with its disk, then verifies every replica present after that.
   *
   * @throws InterruptedException if interrupted (shutdown); the pass stops where it was
   */
  public Pass scrubOnce() throws InterruptedException {
    int verified = 0;
    int corrupt = 0;
    int lost = 0;
    long bytes = 0;
    for (ReplicaStore.Dropped d : store.reconcile()) {
      report(d);
      lost++;
    }
    List<ReplicaMeta> present = store.replicas();
    for (ReplicaMeta r : present) {
      try {
        store.verify(r.handle(), throttle);
        verified++;
        bytes += r.length();
        counters.scrubbed(r.length());
      } catch (CorruptReplicaException e) {
        corrupt++;
        ReplicaMeta q = store.quarantine(r.handle(), "scrubber: " + e.getMessage());
        if (q != null) {
          listener.quarantined(q, e.getMessage());
        }
      } catch (StoreException e) {
        if (e.status() != Status.NO_SUCH_REPLICA) {
          log.warn("{}: scrubber could not verify replica {}: {}", nodeId,
              ChunkHandles.format(r.handle()), e.getMessage());
          continue;
        }
        // Deleted since the pass started (nothing to do), or a file vanished under the store.
        ReplicaStore.Dropped d = store.reconcile(r.handle());
        if (d != null) {
          report(d);
          lost++;
        }
      }
    }
    return new Pass(verified, corrupt, lost, bytes, present.size());
  }

  private void report(ReplicaStore.Dropped d) {
    if (d.vanished()) {
      listener.vanished(d.meta(), d.reason());
    } else {
      listener.quarantined(d.meta(), d.reason());
    }
  }
}
