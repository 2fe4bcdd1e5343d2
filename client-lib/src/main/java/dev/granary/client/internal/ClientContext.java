package dev.granary.client.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the parts of one client share: its identity, the master, the connection pools, the retry
 * policy, the worker threads and the caches. Built once by {@code GranaryClient}.
 *
 * @param clientId random id of this client, sent with every mutation
 * @param parallelism chunks transferred concurrently per file
 * @param spare the allocation the last commit brought back for the next file
 * @param leases renews this client's write lease while an upload is open
 * @param login authenticates new master connections; holds the client's credentials, if any
 * @param writes bounds the chunks all uploads of this client have in flight
 * @param key the key-encryption key of {@code client.keyFile}, or null
 */
record ClientContext(String clientId, MasterClient master, ConnectionPool pool,
    DirectPool direct, RetryPolicy retry, ExecutorService workers, int parallelism, AtomicLong opIds,
    BlockCache blocks, LocationCache locations, LoadTracker load, SpareAllocation spare,
    LeaseRenewer leases, MasterLogin login, WriteBudget writes,
    dev.granary.client.EncryptionKey key) {

  /** A fresh operation id; every retry of one logical operation reuses the id it was given. */
  public long nextOpId() {
    return opIds.incrementAndGet();
  }
}
