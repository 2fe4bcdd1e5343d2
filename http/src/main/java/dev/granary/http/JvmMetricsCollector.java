package dev.granary.http;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.StateSetSnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The Prometheus client's standard JVM and process metrics (memory, GC, threads, class loading,
 * CPU, open files), renamed under {@code granary_} like every other metric a node exposes:
 * {@code jvm_memory_used_bytes} is {@code granary_jvm_memory_used_bytes}.
 */
public final class JvmMetricsCollector implements MultiCollector {
  /** The prefix of every metric name a Granary node exposes. */
  public static final String PREFIX = "granary_";

  /**
   * The JVM is one per process, and so are its metrics: the Prometheus client's collectors are
   * registered once (they add listeners to the JVM and remember every registry they were
   * registered with) and shared by every node in the process, as in a test's in-process cluster.
   */
  private static final class Shared {
    static final PrometheusRegistry JVM = new PrometheusRegistry();

    static {
      JvmMetrics.builder().register(JVM);
    }
  }

  private JvmMetricsCollector() {}

  /** Registers the JVM's metrics with {@code registry}. */
  public static void register(PrometheusRegistry registry) {
    registry.register(new JvmMetricsCollector());
  }

  @Override
  public MetricSnapshots collect() {
    List<MetricSnapshot> out = new ArrayList<>();
    for (MetricSnapshot s : Shared.JVM.scrape()) {
      out.add(prefixed(s));
    }
    return new MetricSnapshots(out);
  }

  private static MetricSnapshot prefixed(MetricSnapshot s) {
    MetricMetadata m = s.getMetadata();
    MetricMetadata renamed = new MetricMetadata(PREFIX + m.getName(), m.getHelp(), m.getUnit());
    if (s instanceof CounterSnapshot c) {
      return new CounterSnapshot(renamed, c.getDataPoints());
    } else if (s instanceof GaugeSnapshot g) {
      return new GaugeSnapshot(renamed, g.getDataPoints());
    } else if (s instanceof HistogramSnapshot h) {
      return new HistogramSnapshot(h.isGaugeHistogram(), renamed, h.getDataPoints());
    } else if (s instanceof SummarySnapshot x) {
      return new SummarySnapshot(renamed, x.getDataPoints());
    } else if (s instanceof InfoSnapshot i) {
      return new InfoSnapshot(renamed, i.getDataPoints());
    } else if (s instanceof StateSetSnapshot x) {
      return new StateSetSnapshot(renamed, x.getDataPoints());
    } else if (s instanceof UnknownSnapshot u) {
      return new UnknownSnapshot(renamed, u.getDataPoints());
    }
    throw new IllegalStateException("unknown metric snapshot type " + s.getClass().getName());
  }
}
