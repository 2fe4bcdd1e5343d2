package dev.granary.client.internal;

import dev.granary.wire.msg.AllocateChunkResponse;
import dev.granary.wire.msg.CommitFileResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The spare allocation the master returned with this client's last commit, for its next file
 * ({@code CommitFileRequest.spareReplication}): a client writing many small files then spends one
 * round trip to the master per file on its commit only, not also on an allocation. At most one is
 * held; it is taken once, for a chunk of the same replication (a spare for a file whose replication
 * the master chose — its directory's policy — only for a file in the same directory, where the
 * master would choose the same), and only while it is younger than
 * {@code maxAge} (an older one is from a pause in writing, and a fresh allocation reflects the
 * cluster as it is now). One never taken is never written; the master forgets it.
 */
final class SpareAllocation {
  /** How long a spare may wait for the next file (the protocol's promise to the master). */
  public static final Duration MAX_AGE = CommitFileResponse.SPARE_MAX_AGE;

  private record Spare(AllocateChunkResponse alloc, int replication, String directory,
      long receivedNanos) {}

  private final AtomicReference<Spare> spare = new AtomicReference<>();
  private final long maxAgeNanos;
  private final LongSupplier nanoTime;

  public SpareAllocation(Duration maxAge, LongSupplier nanoTime) {
    this.maxAgeNanos = maxAge.toNanos();
    this.nanoTime = nanoTime;
  }

  /**
   * Keeps {@code alloc} (null: nothing) for the next chunk of {@code replication} (0: the master
   * chooses) of a file in {@code directory}.
   */
  public void offer(AllocateChunkResponse alloc, int replication, String directory) {
    if (alloc != null && !alloc.pipeline().isEmpty()) {
      spare.set(new Spare(alloc, replication, directory, nanoTime.getAsLong()));
    }
  }

  /**
   * The spare, if there is one for {@code replication} (for 0: and {@code directory}) and it is
   * fresh; it is not handed out again.
   */
  public AllocateChunkResponse take(int replication, String directory) {
    Spare s = spare.getAndSet(null);
    if (s == null || s.replication() != replication
        || (replication == 0 && !java.util.Objects.equals(s.directory(), directory))
        || nanoTime.getAsLong() - s.receivedNanos() > maxAgeNanos) {
      return null;
    }
    return s.alloc();
  }
}
