/**
 * Client machinery, not API: the connection pool, retries, the master client, chunk upload
 * (pipelines with exclusion and retry), verified block reads with replica failover and read-ahead,
 * and the Caffeine block and location caches. Every type is package-private except
 * {@link dev.granary.client.internal.DefaultGranaryClient}, which
 * {@link dev.granary.client.GranaryClient#open} constructs; the module does not export this
 * package, so applications cannot depend on it.
 */
package dev.granary.client.internal;
