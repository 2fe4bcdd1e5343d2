package dev.granary.master.metrics;

import com.google.common.base.Ticker;
import dev.granary.master.net.RequestObserver;
import dev.granary.wire.MessageType;
import dev.granary.wire.Status;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Locale;

/**
 * Counts every request the master answers by operation and status
 * ({@code granary_requests_total{op="lookup",status="OK"}}) and times it from dispatch to answer
 * ({@code granary_request_duration_seconds{op}}), including the wait for the operation log's
 * fsync of a mutation.
 */
final class RequestMetrics implements RequestObserver {
  /** From a cached lookup (tens of microseconds) to a mutation queued behind a slow disk. */
  static final double[] BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private final Ticker ticker;
  private final Counter requests;
  private final Histogram latency;

  RequestMetrics(PrometheusRegistry registry, Ticker ticker) {
    this.ticker = ticker;
    this.requests = Counter.builder().name("granary_requests")
        .help("Requests the master answered, by operation and status (OK or the error's).")
        .labelNames("op", "status").register(registry);
    this.latency = Histogram.builder().name("granary_request_duration_seconds")
        .help("Time from a request's dispatch to its answer, by operation.")
        .unit(Unit.SECONDS).labelNames("op").classicOnly().classicUpperBounds(BUCKETS)
        .register(registry);
  }

  @Override
  public long start() {
    return ticker.read();
  }

  @Override
  public void answered(MessageType request, Status status, long startedAt) {
    String op = op(request);
    requests.labelValues(op, status.name()).inc();
    latency.labelValues(op).observe(Unit.nanosToSeconds(ticker.read() - startedAt));
  }

  /** {@code LOOKUP_REQUEST} is {@code lookup}: the operation, as an operator names it. */
  static String op(MessageType type) {
    String name = type.name();
    if (name.endsWith("_REQUEST")) {
      name = name.substring(0, name.length() - "_REQUEST".length());
    }
    return name.toLowerCase(Locale.ROOT);
  }
}
