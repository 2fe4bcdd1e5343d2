package dev.granary.http;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;

/**
 * One gauge or counter family whose values a collector reads from a node's state when a scrape
 * arrives (rather than keeping a Prometheus metric up to date), built into the Prometheus client's
 * own snapshot so the client writes the text. A counter's name is given without {@code _total};
 * the writer adds it.
 */
public final class ScrapedFamily {
  private final boolean counter;
  private final String name;
  private final String help;
  private final Unit unit;
  private final List<Point> points = new ArrayList<>();

  private record Point(double value, Labels labels) {}

  private ScrapedFamily(boolean counter, String name, String help, Unit unit) {
    this.counter = counter;
    this.name = name;
    this.help = help;
    this.unit = unit;
  }

  /** A gauge family; {@code unit} may be null, else {@code name} ends in it. */
  public static ScrapedFamily gauge(String name, String help, Unit unit) {
    return new ScrapedFamily(false, name, help, unit);
  }

  /** A gauge family of one sample without labels. */
  public static MetricSnapshot gauge(String name, String help, Unit unit, double value) {
    return gauge(name, help, unit).add(value).build();
  }

  /** A counter family (values never decrease while the counted process runs). */
  public static ScrapedFamily counter(String name, String help, Unit unit) {
    return new ScrapedFamily(true, name, help, unit);
  }

  /**
   * Adds a sample.
   *
   * @param labelPairs label name, value, name, value, ...
   */
  public ScrapedFamily add(double value, String... labelPairs) {
    points.add(new Point(value, Labels.of(labelPairs)));
    return this;
  }

  /** The family as the Prometheus client's snapshot. */
  public MetricSnapshot build() {
    if (counter) {
      CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help).unit(unit);
      for (Point p : points) {
        b.dataPoint(CounterDataPointSnapshot.builder().value(p.value()).labels(p.labels())
            .build());
      }
      return b.build();
    }
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help).unit(unit);
    for (Point p : points) {
      b.dataPoint(GaugeDataPointSnapshot.builder().value(p.value()).labels(p.labels()).build());
    }
    return b.build();
  }
}
