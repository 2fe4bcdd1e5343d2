package dev.granary.cli;

import dev.granary.config.HostPort;
import dev.granary.gateway.Dashboard;
import dev.granary.gateway.RestApi;
import dev.granary.gateway.Upstream;
import dev.granary.master.MasterServer;

/**
 * Puts the REST API and the web dashboard on a master's HTTP listener: the gateway acts as a client of this very master,
 * on its RPC port (loopback when it listens on every address), trusting the cluster's authority.
 * The master itself never knows the gateway.
 */
final class RestWiring {
  private RestWiring() {}

  /** Adds the REST routes and the dashboard to {@code master}, before it starts. */
  static MasterServer install(MasterServer master) {
    RestApi api = new RestApi(() -> upstream(master), RestApi.Limits.defaults());
    master.addHttpRoutes(api);
    master.addHttpRoutes(Dashboard.of(api, master::metricsRegistry));
    return master;
  }

  /** The master's RPC address and authority, once it bound its port (as its listener starts). */
  static Upstream upstream(MasterServer master) {
    String host = master.config().host();
    if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "127.0.0.1";
    }
    return new Upstream(master.masterId(), new HostPort(host, master.port()),
        master.pki() == null ? null : master.pki().caPem());
  }
}
