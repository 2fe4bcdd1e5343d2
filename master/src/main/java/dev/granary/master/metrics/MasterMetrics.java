package dev.granary.master.metrics;

import com.google.common.base.Ticker;
import dev.granary.http.JvmMetricsCollector;
import dev.granary.master.journal.LogStorage;
import dev.granary.master.net.RequestObserver;
import dev.granary.master.replication.ChunkManager;
import dev.granary.wire.msg.ClusterStatusResponse;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Supplier;

/**
 * The master's metrics registry and the pieces that feed it: the JVM's metrics, the request
 * observer for the dispatcher, the timed operation-log storage, and the cluster collector. One per
 * master; every metric is named {@code granary_...}.
 */
public final class MasterMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Ticker ticker;
  private final RequestMetrics requests;

  /** @param ticker times requests and fsyncs */
  public MasterMetrics(Ticker ticker) {
    this.ticker = ticker;
    JvmMetricsCollector.register(registry);
    this.requests = new RequestMetrics(registry, ticker);
  }

  /** The observer the request dispatcher tells of every answered request. */
  public RequestObserver requests() {
    return requests;
  }

  /**
   * {@code storage} with every fsync of the operation log timed. Call once.
   *
   * @throws IllegalArgumentException if called twice (the histogram is registered already)
   */
  public LogStorage timing(LogStorage storage) {
    return new TimedLogStorage(storage, ticker, registry);
  }

  /**
   * Exports the cluster: {@code status} is read at each scrape (as {@code granary cluster} reads
   * it), and {@code chunks} gives every chunkserver's pulse counters and repair's progress.
   */
  public void watchCluster(Supplier<ClusterStatusResponse> status, ChunkManager chunks) {
    registry.register(new ClusterCollector(status, chunks));
  }

  /** Everything this master exports. */
  public PrometheusRegistry registry() {
    return registry;
  }
}
