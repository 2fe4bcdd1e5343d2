package dev.granary.master.http;

import dev.granary.config.ConfigException;
import dev.granary.config.MasterConfig;
import dev.granary.http.HttpLimits;
import dev.granary.http.HttpServer;
import dev.granary.http.MetricsEndpoint;
import dev.granary.http.Router;
import io.netty.handler.ssl.SslContext;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The master's HTTP(S) listener on {@code master.httpPort}: {@code GET /metrics} (no credentials
 * needed). The dashboard and the REST API add their routes to the same router.
 */
public final class MasterHttp {
  private MasterHttp() {}

  /**
   * Starts the listener, or returns null when {@code master.httpPort} is 0 (off).
   *
   * @param https the HTTPS context with the master's certificate on a {@code tls} cluster, or null
   *     for plain HTTP
   * @throws ConfigException one line naming {@code master.httpPort} if it cannot be bound
   */
  public static HttpServer start(String masterId, MasterConfig config, SslContext https,
      PrometheusRegistry metrics) {
    if (config.httpPort() == 0) {
      return null;
    }
    Router router = Router.builder()
        .get(MetricsEndpoint.PATH, new MetricsEndpoint(metrics))
        .build();
    try {
      return HttpServer.start(masterId, config.host(), config.httpPort(), https, router,
          HttpLimits.defaults());
    } catch (HttpServer.BindFailure e) {
      throw new ConfigException("master.httpPort " + config.httpPort() + ": cannot listen on "
          + config.host() + ": " + e.getMessage(), e);
    }
  }
}
