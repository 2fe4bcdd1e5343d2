package dev.granary.master.http;

import dev.granary.config.ConfigException;
import dev.granary.config.MasterConfig;
import dev.granary.http.HttpLimits;
import dev.granary.http.HttpRoutes;
import dev.granary.http.HttpServer;
import dev.granary.http.MetricsEndpoint;
import dev.granary.http.Router;
import io.netty.handler.ssl.SslContext;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/**
 * The master's HTTP(S) listener on {@code master.httpPort}: {@code GET /metrics} (no credentials
 * needed), and the routes its starter added (the REST API, the dashboard), on the same router.
 */
public final class MasterHttp {
  private MasterHttp() {}

  /**
   * Starts the listener, or returns null when {@code master.httpPort} is 0 (off).
   *
   * @param https the HTTPS context with the master's certificate on a {@code tls} cluster, or null
   *     for plain HTTP
   * @param extra routes added besides {@code /metrics}
   * @throws ConfigException one line naming {@code master.httpPort} if it cannot be bound
   */
  public static HttpServer start(String masterId, MasterConfig config, SslContext https,
      PrometheusRegistry metrics, List<HttpRoutes> extra) {
    if (config.httpPort() == 0) {
      return null;
    }
    Router.Builder routes = Router.builder()
        .get(MetricsEndpoint.PATH, new MetricsEndpoint(metrics));
    for (HttpRoutes r : extra) {
      r.addTo(routes);
    }
    Router router = routes.build();
    try {
      return HttpServer.start(masterId, config.host(), config.httpPort(), https, router,
          HttpLimits.defaults());
    } catch (HttpServer.BindFailure e) {
      throw new ConfigException("master.httpPort " + config.httpPort() + ": cannot listen on "
          + config.host() + ": " + e.getMessage(), e);
    }
  }
}
