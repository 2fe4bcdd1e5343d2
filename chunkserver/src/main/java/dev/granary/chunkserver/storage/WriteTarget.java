package dev.granary.chunkserver.storage;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What a {@link DiskReplicaWriter} commits into: the store's files, journal and memory, and the
 * hook tests crash a commit with. One per store, shared by its writers.
 *
 * @param writtenAroundCache counts the replicas committed whose bytes bypassed the page cache
 */
record WriteTarget(StoreLayout layout, String nodeId, CommitStep.Hook hooks,
    ReplicaJournal journal, ReplicaIndex index, SpaceReservations space,
    AtomicLong writtenAroundCache) {}
