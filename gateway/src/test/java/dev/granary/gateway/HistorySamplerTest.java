package dev.granary.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.http.ScrapedFamily;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The history's ring, throughput from pulse counters (restarts included) and the repair's
 * estimate, on metrics a test sets and a clock it moves: no master, no sleeping.
 */
class HistorySamplerTest {
  /** A clock a test moves by hand. */
  private static final class TestClock extends Clock {
    long millis = 1_700_000_000_000L;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    void advance(Duration d) {
      millis += d.toMillis();
    }
  }

  /** What the fake master's metrics say now. */
  private static final class FakeMetrics {
    long capacity = 3L << 30;
    long used = 1L << 30;
    long under;
    long queue;
    long inFlight;
    double repairRunning;
    double repairLast = Double.NaN;
    final Map<String, long[]> nodes = new LinkedHashMap<>();
    int scrapes;

    MetricSnapshots scrape() {
      scrapes++;
      List<MetricSnapshot> out = new ArrayList<>();
      out.add(ScrapedFamily.gauge("granary_capacity_bytes", "c", Unit.BYTES, capacity));
      out.add(ScrapedFamily.gauge("granary_used_bytes", "u", Unit.BYTES, used));
      out.add(ScrapedFamily.gauge("granary_chunks_under_replicated", "u", null, under));
      out.add(ScrapedFamily.gauge("granary_chunks_missing", "m", null, 0));
      out.add(ScrapedFamily.gauge("granary_replication_queue", "q", null, queue));
      out.add(ScrapedFamily.gauge("granary_replications_in_flight", "f", null, inFlight));
      out.add(ScrapedFamily.gauge("granary_repair_running_seconds", "r", Unit.SECONDS,
          repairRunning));
      out.add(ScrapedFamily.gauge("granary_repair_last_seconds", "l", Unit.SECONDS,
          repairLast));
      ScrapedFamily read = ScrapedFamily.counter("granary_chunkserver_read_bytes", "r",
          Unit.BYTES);
      ScrapedFamily written = ScrapedFamily.counter("granary_chunkserver_written_bytes", "w",
          Unit.BYTES);
      nodes.forEach((id, v) -> {
        read.add(v[0], "node", id);
        written.add(v[1], "node", id);
      });
      out.add(read.build());
      out.add(written.build());
      return new MetricSnapshots(out);
    }
  }

  private final TestClock clock = new TestClock();
  private final FakeMetrics metrics = new FakeMetrics();

  private HistorySampler sampler(int capacity) {
    return new HistorySampler(metrics::scrape, clock, Duration.ofSeconds(10), capacity);
  }

  @SuppressWarnings("unchecked")
  private static <T> T at(Map<String, Object> map, String... keys) {
    Object o = map;
    for (String k : keys) {
      o = ((Map<String, Object>) o).get(k);
    }
    return (T) o;
  }

  @Test
  void keepsTheLastSamplesOfTheRingOldestFirst() {
    HistorySampler h = sampler(3);
    for (int i = 0; i < 5; i++) {
      metrics.used = i * 1000L;
      h.sample();
      clock.advance(Duration.ofSeconds(10));
    }
    Map<String, Object> s = h.snapshot();
    assertEquals(List.of(2000L, 3000L, 4000L), at(s, "samples", "usedBytes"));
    List<Double> time = at(s, "samples", "time");
    assertEquals(3, time.size());
    assertEquals(20.0, time.get(2) - time.get(0), 1e-9, "epoch seconds, 10 s apart");
    assertEquals(List.of(3L << 30, 3L << 30, 3L << 30), at(s, "samples", "capacityBytes"));
    assertEquals(10.0, (double) at(s, "intervalSeconds"));
  }

  @Test
  void throughputIsEachCountersIncreaseOverTheIntervalAndSurvivesARestart() {
    HistorySampler h = sampler(10);
    metrics.nodes.put("a", new long[] {5_000, 0});
    metrics.nodes.put("b", new long[] {0, 0});
    h.sample();
    List<Double> first = at(h.snapshot(), "samples", "readBytesPerSecond");
    assertNull(first.get(0), "no rate without a sample before");

    clock.advance(Duration.ofSeconds(10));
    metrics.nodes.put("a", new long[] {15_000, 2_000});
    metrics.nodes.put("b", new long[] {1_000, 0});
    metrics.nodes.put("c", new long[] {9_999_999, 9_999_999}); // new: no base yet
    h.sample();
    Map<String, Object> s = h.snapshot();
    assertEquals(1_100.0, ((List<Double>) at(s, "samples", "readBytesPerSecond")).get(1));
    assertEquals(200.0, ((List<Double>) at(s, "samples", "writtenBytesPerSecond")).get(1));
    List<Map<String, Object>> nodes = at(s, "nodes");
    assertEquals(2, nodes.size(), "c has no rate yet: " + nodes);
    assertEquals(Map.of("id", "a", "readBytesPerSecond", 1_000.0, "writtenBytesPerSecond",
        200.0), nodes.get(0));

    // a restarted: its counter began again at 0 and now reads 300.
    clock.advance(Duration.ofSeconds(10));
    metrics.nodes.put("a", new long[] {300, 2_000});
    h.sample();
    nodes = at(h.snapshot(), "nodes");
    assertEquals(30.0, nodes.get(0).get("readBytesPerSecond"));
    assertEquals(0.0, nodes.get(0).get("writtenBytesPerSecond"));
    assertEquals(3, nodes.size(), "c measured from its first reading: " + nodes);
  }

  @Test
  void estimatesTheRepairFromTheFallSinceThePeak() {
    HistorySampler h = sampler(10);
    h.sample();
    Map<String, Object> idle = at(h.snapshot(), "repair");
    assertEquals(false, idle.get("running"));
    assertNull(idle.get("runningSeconds"));
    assertNull(idle.get("lastSeconds"), "no repair finished yet");
    assertNull(idle.get("etaSeconds"));

    // A chunkserver died: the count climbs to its peak, then falls 20 in 10 s.
    metrics.repairRunning = 1;
    metrics.under = 60;
    h.sample();
    assertNull(at(h.snapshot(), "repair", "etaSeconds"), "one point: no rate yet");
    clock.advance(Duration.ofSeconds(5));
    metrics.under = 100;
    metrics.repairRunning = 6;
    assertNull(at(h.snapshot(), "repair", "etaSeconds"), "still climbing");
    clock.advance(Duration.ofSeconds(5));
    metrics.under = 90;
    metrics.queue = 70;
    metrics.inFlight = 4;
    metrics.repairRunning = 11;
    h.sample();
    clock.advance(Duration.ofSeconds(5));
    metrics.under = 80;
    metrics.repairRunning = 16;
    Map<String, Object> r = at(h.snapshot(), "repair");
    assertEquals(true, r.get("running"));
    assertEquals(16.0, r.get("runningSeconds"));
    assertEquals(80L, r.get("underReplicated"));
    assertEquals(70L, r.get("replicationQueue"));
    assertEquals(4L, r.get("replicationsInFlight"));
    // 20 chunks in 10 s since the peak: 80 left at 2 a second.
    assertEquals(40.0, (double) r.get("etaSeconds"), 1e-9);

    // Done: the estimate goes, the last repair's time comes.
    clock.advance(Duration.ofSeconds(5));
    metrics.under = 0;
    metrics.repairRunning = 0;
    metrics.repairLast = 21.5;
    r = at(h.snapshot(), "repair");
    assertEquals(false, r.get("running"));
    assertNull(r.get("etaSeconds"));
    assertEquals(21.5, r.get("lastSeconds"));

    // The next repair starts afresh: the old points are not its peak.
    clock.advance(Duration.ofSeconds(5));
    metrics.repairRunning = 1;
    metrics.under = 10;
    h.sample();
    clock.advance(Duration.ofSeconds(5));
    metrics.under = 5;
    assertEquals(5.0, (double) at(h.snapshot(), "repair", "etaSeconds"), 1e-9);
  }

  @Test
  void aRequestReusesAReadingUnderASecondOld() {
    HistorySampler h = sampler(10);
    h.sample();
    int after = metrics.scrapes;
    h.snapshot();
    h.snapshot();
    assertEquals(after, metrics.scrapes, "the sample's reading is fresh");
    clock.advance(Duration.ofMillis(HistorySampler.FRESH_MILLIS));
    h.snapshot();
    assertEquals(after + 1, metrics.scrapes);
  }

  @Test
  void startSamplesOnItsOwnThreadUntilClosed() throws Exception {
    HistorySampler h = new HistorySampler(metrics::scrape, Clock.systemUTC(),
        Duration.ofMillis(20), 5);
    try {
      h.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (((List<?>) at(h.snapshot(), "samples", "time")).size() < 3) {
        assertTrue(System.nanoTime() < deadline, "the sampler took no samples");
        Thread.sleep(10); // polling the condition, with the deadline above
      }
    } finally {
      h.close();
    }
  }

  @Test
  void refusesAnEmptyRing() {
    assertThrows(IllegalArgumentException.class, () -> sampler(1));
    assertThrows(IllegalArgumentException.class, () -> new HistorySampler(metrics::scrape,
        clock, Duration.ZERO, 10));
  }
}
