package dev.granary.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the handler of a request by method and path. A route's path either matches exactly
 * ({@code /metrics}) or, when it ends in {@code /}, matches everything beneath it ({@code
 * /api/v1/files/} serves {@code /api/v1/files/a/b}), except {@code /}, which matches only itself;
 * the longest matching path wins. A path no
 * route matches is 404; a path that matches only routes of other methods is 405 with {@code
 * Allow}.
 */
public final class Router {
  private record Route(HttpMethod method, String path, HttpHandler handler) {
    boolean matches(String p) {
      // The root is a page of its own (the dashboard), not a catch-all for every path.
      return path.endsWith("/") && path.length() > 1 ? p.startsWith(path) : p.equals(path);
    }
  }

  private final List<Route> routes;

  private Router(List<Route> routes) {
    this.routes = List.copyOf(routes);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The handler for {@code request}.
   *
   * @throws HttpError 404 if no route matches the path, 405 if none of its routes takes the method
   */
  HttpHandler route(Request request) {
    String path = request.path();
    Route best = null;
    int longest = -1;
    Set<String> allowed = new TreeSet<>();
    for (Route r : routes) {
      if (!r.matches(path)) {
        continue;
      }
      if (r.method().equals(request.method())) {
        if (r.path().length() > longest) {
          best = r;
          longest = r.path().length();
        }
      } else {
        allowed.add(r.method().name());
      }
    }
    if (best != null) {
      return best.handler();
    }
    if (!allowed.isEmpty()) {
      throw new HttpError(HttpResponseStatus.METHOD_NOT_ALLOWED, request.method() + " is not "
          + "allowed on " + path + " (allowed: " + String.join(", ", allowed) + ")")
          .withHeader(HttpHeaderNames.ALLOW, String.join(", ", allowed));
    }
    throw new HttpError(HttpResponseStatus.NOT_FOUND, "no such resource: " + path);
  }

  /** Collects routes; a method and path may be routed once. */
  public static final class Builder {
    private final List<Route> routes = new ArrayList<>();

    private Builder() {}

    /**
     * Serves {@code method} requests for {@code path} (exactly, or beneath it when it ends in
     * {@code /}).
     *
     * @throws IllegalArgumentException if {@code path} does not start with {@code /} or is routed
     *     for {@code method} already
     */
    public Builder route(HttpMethod method, String path, HttpHandler handler) {
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("route path '" + path + "' must start with /");
      }
      for (Route r : routes) {
        if (r.method().equals(method) && r.path().equals(path)) {
          throw new IllegalArgumentException(method + " " + path + " is routed already");
        }
      }
      routes.add(new Route(method, path, handler));
      return this;
    }

    public Builder get(String path, HttpHandler handler) {
      return route(HttpMethod.GET, path, handler);
    }

    public Builder put(String path, HttpHandler handler) {
      return route(HttpMethod.PUT, path, handler);
    }

    public Builder post(String path, HttpHandler handler) {
      return route(HttpMethod.POST, path, handler);
    }

    public Builder delete(String path, HttpHandler handler) {
      return route(HttpMethod.DELETE, path, handler);
    }

    public Router build() {
      return new Router(routes);
    }
  }
}
