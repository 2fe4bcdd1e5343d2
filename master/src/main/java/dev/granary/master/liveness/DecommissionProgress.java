package dev.granary.master.liveness;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * How far the decommissioning of one chunkserver has got: soft state beside the persisted intent
 * ({@link Decommissions}), recomputed from replica locations by the chunk side's periodic check.
 * Guarded by the master's metadata lock.
 */
public final class DecommissionProgress {
  private final long sinceMillis;
  /** Handle -> until when (ticker ms) a write of it is awaited. */
  private final Map<Long, Long> awaitedWrites = new HashMap<>();
  private boolean done;
  private long replicasLeft;
  private boolean checked;

  /**
   * {@code awaitedWrites}: the chunk handles being written when the decommission began; any of
   * them may still land on the node, so it is not done while one is still being written, until
   * {@code awaitUntil} (ticker ms) at most.
   */
  DecommissionProgress(long sinceMillis, Set<Long> awaitedWrites, long awaitUntil) {
    this.sinceMillis = sinceMillis;
    for (long h : awaitedWrites) {
      this.awaitedWrites.put(h, awaitUntil);
    }
  }

  /** When the operator asked for it (epoch ms, the journaled time). */
  public long sinceMillis() {
    return sinceMillis;
  }

  /** Whether every chunk the node held had its goal elsewhere at the last check. */
  public boolean done() {
    return done;
  }

  /** Replicas the node holds whose chunk lacked its goal on other nodes at the last check. */
  public long replicasLeft() {
    return replicasLeft;
  }

  /** Whether a check has run since the decommission began or the node last registered. */
  public boolean checked() {
    return checked;
  }

  /**
   * A write that may place a replica on the node began (its pipeline was chosen before); it is
   * awaited until {@code untilMillis} (ticker ms) at most.
   */
  public void awaitWrite(long handle, long untilMillis) {
    awaitedWrites.merge(handle, untilMillis, Math::max);
  }

  /**
   * Forgets the awaited writes that are no longer in progress ({@code stillWriting} says which
   * are) or no longer awaited at {@code now}, and returns how many are left.
   */
  public int awaitWrites(LongPredicate stillWriting, long now) {
    awaitedWrites.entrySet().removeIf(e -> now >= e.getValue() || !stillWriting.test(e.getKey()));
    return awaitedWrites.size();
  }

  /** The outcome of a check: whether it is done, and how many replicas are left to copy. */
  public void checkedNow(boolean done, long replicasLeft) {
    this.done = done;
    this.replicasLeft = replicasLeft;
    this.checked = true;
  }

  /** The node registered again: what it holds is unknown until it reports and is checked. */
  void registered() {
    done = false;
    checked = false;
  }
}
