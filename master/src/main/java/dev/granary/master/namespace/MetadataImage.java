package dev.granary.master.namespace;

import dev.granary.master.liveness.Decommissions;
import dev.granary.master.security.UserRegistry;

/**
 * Everything the master persists: the namespace, the retry cache, the users, the chunkservers
 * being decommissioned, the chunk handle reservation and the sequence number of the last
 * operation applied. Built by recovery, then owned by the
 * metadata service (which serializes access). Not thread-safe.
 */
public final class MetadataImage {
  private final Namespace namespace;
  private final RetryCache retryCache;
  private final UserRegistry users = new UserRegistry();
  private final Decommissions decommissions = new Decommissions();
  private long reservedUpTo;
  private long lastSeq;
  private long lastTime;

  public MetadataImage() {
    this(new Namespace(), new RetryCache());
  }

  public MetadataImage(Namespace namespace, RetryCache retryCache) {
    this.namespace = namespace;
    this.retryCache = retryCache;
  }

  public Namespace namespace() {
    return namespace;
  }

  public RetryCache retryCache() {
    return retryCache;
  }

  /** The cluster's users (see {@link UserRegistry}). */
  public UserRegistry users() {
    return users;
  }

  /** The chunkservers an operator is taking out of service (see {@link Decommissions}). */
  public Decommissions decommissions() {
    return decommissions;
  }

  /** The highest chunk handle reserved in the log; handles above it were never handed out. */
  public long reservedUpTo() {
    return reservedUpTo;
  }

  public void setReservedUpTo(long reservedUpTo) {
    this.reservedUpTo = Math.max(this.reservedUpTo, reservedUpTo);
  }

  /**
   * Takes {@code durable}'s reservation, sequence number and log time, even where they are lower:
   * for undoing records that were applied but never made durable.
   */
  public void restoreCounters(MetadataImage durable) {
    this.reservedUpTo = durable.reservedUpTo;
    this.lastSeq = durable.lastSeq;
    this.lastTime = durable.lastTime;
  }

  public long lastSeq() {
    return lastSeq;
  }

  public void setLastSeq(long lastSeq) {
    this.lastSeq = lastSeq;
  }

  /** Log time of the last operation applied. */
  public long lastTime() {
    return lastTime;
  }

  public void setLastTime(long lastTime) {
    this.lastTime = Math.max(this.lastTime, lastTime);
  }
}
