package dev.granary.gateway;

import dev.granary.client.Identity;
import dev.granary.http.HttpRoutes;
import dev.granary.http.Router;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The web dashboard on the master's HTTP listener: the page at {@code /} and its files under
 * {@code /dashboard/}, which hold no data and need no credentials, and two JSON endpoints beside
 * the contract's REST API, served with its authentication:
 *
 * <pre>
 * GET /api/v1/history   the last hour's samples and the repair's progress ({@link HistorySampler})
 * GET /api/v1/whoami    {"user","group","superuser"} of the caller's token
 * </pre>
 *
 * Everything else the page shows it asks of the REST API with the token its user signed in with,
 * so it sees and changes only what that user may. The history sampler runs while the routes are
 * served (from {@link #addTo} until {@link #close}).
 */
public final class Dashboard implements HttpRoutes {
  /** The history endpoint, an addition to the contract's API. */
  public static final String HISTORY = RestApi.PREFIX + "history";
  /** Who the caller's token belongs to, an addition to the contract's API. */
  public static final String WHOAMI = RestApi.PREFIX + "whoami";

  private final RestApi api;
  private final HistorySampler history;
  private final DashboardAssets assets;

  /**
   * @param api the REST API whose authentication and workers the dashboard's endpoints share
   * @throws IllegalStateException if the dashboard's files are missing (a broken build)
   */
  public Dashboard(RestApi api, HistorySampler history) {
    this.api = api;
    this.history = history;
    this.assets = new DashboardAssets();
  }

  /**
   * A dashboard whose history samples {@code metrics}, the master's registry (null until the
   * master started: a sample taken then fails and the next tick tries again).
   */
  public static Dashboard of(RestApi api, Supplier<PrometheusRegistry> metrics) {
    return new Dashboard(api, new HistorySampler(() -> {
      PrometheusRegistry r = metrics.get();
      if (r == null) {
        throw new IllegalStateException("the master's metrics are not there yet (starting)");
      }
      return r.scrape(name -> name.startsWith("granary_"));
    }));
  }

  @Override
  public void addTo(Router.Builder router) {
    router.get("/", assets.page());
    router.get(DashboardAssets.PREFIX, assets.assets());
    router.get(HISTORY, api.json(caller -> history.snapshot()));
    router.get(WHOAMI, api.json(caller -> {
      Identity who = caller.whoAmI();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("user", who.user());
      m.put("group", who.group());
      m.put("superuser", who.superuser());
      return m;
    }));
    history.start();
  }

  @Override
  public void close() {
    history.close();
  }

  @Override
  public String toString() {
    return "Dashboard";
  }
}
