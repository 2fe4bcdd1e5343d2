/**
 * Client machinery, not API: the connection pool, retries, the master client, chunk upload
 * (pipelines with exclusion and retry), verified block reads with replica failover and read-ahead,
 * and the Caffeine block and location caches. Public only so that {@code dev.granary.client} can use
 * it; applications must not depend on it.
 */
package dev.granary.client.internal;
