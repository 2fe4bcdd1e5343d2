package dev.granary.gateway;

import dev.granary.http.HttpError;
import dev.granary.http.HttpExchange;
import dev.granary.http.HttpHandler;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The dashboard's static files, read from the jar once: the page ({@code GET /}) and its assets
 * ({@code GET /dashboard/NAME}): our script and style sheet, and uPlot's from its WebJar. Only
 * these names are served (no path from a request reaches the class path). Every response forbids
 * sniffing and framing; the page carries a Content-Security-Policy that lets it load scripts,
 * styles and data from this origin only, so nothing a file name or a path could smuggle into the
 * page runs.
 */
final class DashboardAssets {
  /** The prefix the assets are served under. */
  static final String PREFIX = "/dashboard/";
  private static final String OURS = "dev/granary/gateway/dashboard/";
  private static final String UPLOT_POM =
      "META-INF/maven/org.webjars.npm/uplot/pom.properties";
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
      + "frame-ancestors 'none'";

  private record Asset(byte[] bytes, String contentType) {}

  private final Asset page;
  private final Map<String, Asset> assets = new LinkedHashMap<>();

  /**
   * @throws IllegalStateException if a file is missing from the class path (a broken build)
   */
  DashboardAssets() {
    ClassLoader loader = DashboardAssets.class.getClassLoader();
    page = new Asset(read(loader, OURS + "index.html"), "text/html; charset=utf-8");
    assets.put("app.js", new Asset(read(loader, OURS + "app.js"),
        "text/javascript; charset=utf-8"));
    assets.put("style.css", new Asset(read(loader, OURS + "style.css"),
        "text/css; charset=utf-8"));
    assets.put("favicon.svg", new Asset(read(loader, OURS + "favicon.svg"), "image/svg+xml"));
    String uplot = "META-INF/resources/webjars/uplot/" + uplotVersion(loader) + "/dist/";
    assets.put("uplot.js", new Asset(read(loader, uplot + "uPlot.iife.min.js"),
        "text/javascript; charset=utf-8"));
    assets.put("uplot.css", new Asset(read(loader, uplot + "uPlot.min.css"),
        "text/css; charset=utf-8"));
  }

  /** Serves the page (at {@code /}, which the router matches alone). */
  HttpHandler page() {
    return exchange -> {
      HttpHeaders h = headers(page);
      h.set("Content-Security-Policy", CSP);
      h.set("Referrer-Policy", "no-referrer");
      send(exchange, page, h);
      return HttpHandler.BodyReceiver.DISCARD;
    };
  }

  /** Serves {@code /dashboard/NAME} for the known names. */
  HttpHandler assets() {
    return exchange -> {
      String name = exchange.request().path().substring(PREFIX.length());
      Asset a = assets.get(name);
      if (a == null) {
        throw new HttpError(HttpResponseStatus.NOT_FOUND, "no such dashboard file: "
            + exchange.request().path() + " (expected one of " + assets.keySet() + ")");
      }
      send(exchange, a, headers(a));
      return HttpHandler.BodyReceiver.DISCARD;
    };
  }

  private static HttpHeaders headers(Asset a) {
    HttpHeaders h = new DefaultHttpHeaders();
    h.set(HttpHeaderNames.CONTENT_TYPE, a.contentType());
    h.set(HttpHeaderNames.CONTENT_LENGTH, a.bytes().length);
    // Small files: always asking again keeps a page and its script from different versions.
    h.set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "DENY");
    return h;
  }

  private static void send(HttpExchange exchange, Asset a, HttpHeaders headers) {
    HttpExchange.ResponseStream body = exchange.stream(HttpResponseStatus.OK, headers);
    body.write(Unpooled.wrappedBuffer(a.bytes()));
    body.end();
  }

  /** The version of the uPlot WebJar on the class path, from its Maven properties. */
  private static String uplotVersion(ClassLoader loader) {
    Properties p = new Properties();
    try (InputStream in = loader.getResourceAsStream(UPLOT_POM)) {
      if (in == null) {
        throw new IllegalStateException(UPLOT_POM + " is not on the class path: the dashboard's"
            + " chart library (org.webjars.npm:uplot) is missing from the build");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + UPLOT_POM, e);
    }
    String v = p.getProperty("version");
    if (v == null || !v.matches("[0-9A-Za-z.+-]+")) {
      throw new IllegalStateException(UPLOT_POM + " names no usable version: " + v);
    }
    return v;
  }

  private static byte[] read(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("dashboard file " + resource + " is not on the class "
            + "path: a broken build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dashboard file " + resource, e);
    }
  }
}
