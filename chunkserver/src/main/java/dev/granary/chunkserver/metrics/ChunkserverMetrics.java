package dev.granary.chunkserver.metrics;

import dev.granary.chunkserver.storage.ReplicaStore;
import dev.granary.config.ConfigException;
import dev.granary.http.HttpLimits;
import dev.granary.http.HttpServer;
import dev.granary.http.JvmMetricsCollector;
import dev.granary.http.MetricsEndpoint;
import dev.granary.http.Router;
import io.netty.handler.ssl.SslContext;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.function.IntSupplier;

/**
 * A chunkserver's {@code /metrics}: its registry (its own collector and the JVM's) and the HTTP(S)
 * listener on {@code chunkserver.httpPort} that serves it.
 */
public final class ChunkserverMetrics {
  private ChunkserverMetrics() {}

  /**
   * Starts the listener, or returns null when {@code port} is 0 (off).
   *
   * @param writesOpen write streams in progress
   * @param https the HTTPS context with the node's certificate on a {@code tls} cluster, or null
   *     for plain HTTP
   * @throws ConfigException one line naming {@code chunkserver.httpPort} if it cannot be bound
   */
  public static HttpServer serve(String nodeId, String host, int port, SslContext https,
      NodeCounters counters, ReplicaStore store, IntSupplier writesOpen, Path dataDir) {
    if (port == 0) {
      return null;
    }
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetricsCollector.register(registry);
    registry.register(new ChunkserverCollector(counters, store, writesOpen, dataDir));
    Router router = Router.builder()
        .get(MetricsEndpoint.PATH, new MetricsEndpoint(registry))
        .build();
    try {
      return HttpServer.start(nodeId, host, port, https, router, HttpLimits.defaults());
    } catch (HttpServer.BindFailure e) {
      throw new ConfigException("chunkserver.httpPort " + port + ": cannot listen on " + host
          + ": " + e.getMessage(), e);
    }
  }
}
