package dev.granary.http;

/**
 * Routes a component adds to a node's HTTP listener (the REST API, the dashboard), with what
 * serving them holds open: the node calls {@link #addTo} once before its listener starts and
 * {@link #close()} after the listener stopped, so a node's wiring need not know the component.
 */
public interface HttpRoutes extends AutoCloseable {
  /** Adds this component's routes. */
  void addTo(Router.Builder router);

  /** Releases what serving the routes held (clients, threads); nothing by default. */
  @Override
  default void close() {}
}
