/**
 * The master's Prometheus metrics: the cluster as {@code granary cluster} sees it, collected when a
 * scrape arrives; per-request counts and latencies from the dispatcher; the operation log's fsync
 * latency; and the HTTP(S) listener that serves them at {@code /metrics}.
 */
package dev.granary.master.metrics;
