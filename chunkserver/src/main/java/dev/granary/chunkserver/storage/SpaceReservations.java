package dev.granary.chunkserver.storage;

import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Status;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The store's space budget: the bytes its committed replicas use, the bytes reserved for replicas
 * being written, and which handles are being written. A write is admitted only if its announced
 * maximum length fits in what is free, and holds that reservation until it commits (its real
 * length then counts as used) or aborts. Free space is the smaller of the disk's usable space and,
 * if configured, the capacity left, both less what is reserved. Thread-safe: its monitor guards
 * all of it and is taken by no one else.
 */
final class SpaceReservations {
  private final String nodeId;
  private final long configuredCapacity;
  private final LongSupplier diskUsable;
  // Guarded by this: handles being written, the bytes reserved for them, the bytes stored.
  private final Set<Long> inProgress = new HashSet<>();
  private long reserved;
  private long used;

  /**
   * @param configuredCapacity the configured capacity in bytes; 0: the usable space of the disk
   * @param diskUsable the usable bytes of the data dir's disk, asked on every admission
   */
  SpaceReservations(String nodeId, long configuredCapacity, LongSupplier diskUsable) {
    this.nodeId = nodeId;
    this.configuredCapacity = configuredCapacity;
    this.diskUsable = diskUsable;
  }

  /**
   * Admits a write of up to {@code maxLength} bytes of {@code handle}.
   *
   * @throws StoreException ALREADY_EXISTS if a write of the handle is in progress; NO_SPACE if
   *     {@code maxLength} exceeds the free space
   */
  synchronized void reserve(long handle, long maxLength) throws StoreException {
    String name = ChunkHandles.format(handle);
    if (inProgress.contains(handle)) {
      throw new StoreException(Status.ALREADY_EXISTS, nodeId + " already holds replica " + name
          + " (a write is in progress)");
    }
    long free = freeLocked(diskUsable.getAsLong());
    if (maxLength > free) {
      throw new StoreException(Status.NO_SPACE, nodeId + " has no room for replica " + name
          + ": needs " + maxLength + " bytes, " + free + " free");
    }
    inProgress.add(handle);
    reserved += maxLength;
  }

  /** A write admitted by {@link #reserve} committed {@code length} bytes. */
  synchronized void committed(long handle, long reservation, long length) {
    inProgress.remove(handle);
    reserved -= reservation;
    used += length;
  }

  /** A write admitted by {@link #reserve} ended without a replica. */
  synchronized void released(long handle, long reservation) {
    inProgress.remove(handle);
    reserved -= reservation;
  }

  /** A replica found at start-up ({@code length} positive) or dropped (negative). */
  synchronized void addUsed(long length) {
    used += length;
  }

  /** Bytes of the committed replicas. */
  synchronized long used() {
    return used;
  }

  /** Capacity, use and free space, as reported to the master. */
  ReplicaStore.Space space() {
    long usable = diskUsable.getAsLong(); // a statfs: outside the lock
    synchronized (this) {
      long capacity = configuredCapacity > 0 ? configuredCapacity : used + usable;
      return new ReplicaStore.Space(capacity, used, freeLocked(usable));
    }
  }

  private long freeLocked(long usable) {
    long free = usable - reserved;
    if (configuredCapacity > 0) {
      free = Math.min(free, configuredCapacity - used - reserved);
    }
    return Math.max(0, free);
  }
}
