package dev.granary.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /metrics}: the registry's metrics in the Prometheus text format (version 0.0.4),
 * written by the Prometheus client library. Readable without credentials: it says how the cluster
 * is doing, never what it stores. Every value is collected when the scrape arrives.
 */
public final class MetricsEndpoint implements HttpHandler {
  /** Where Prometheus looks by default. */
  public static final String PATH = "/metrics";

  private final PrometheusRegistry registry;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  public MetricsEndpoint(PrometheusRegistry registry) {
    this.registry = registry;
  }

  @Override
  public BodyReceiver begin(HttpExchange exchange) {
    ByteBuf body = exchange.alloc().buffer(16 * 1024);
    try (OutputStream out = new ByteBufOutputStream(body)) {
      writer.write(out, registry.scrape());
    } catch (IOException | RuntimeException e) {
      body.release();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
    exchange.respond(HttpResponseStatus.OK, writer.getContentType(), body);
    return BodyReceiver.DISCARD;
  }
}
