package dev.granary.gateway;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last hour of the cluster for the dashboard's charts, and re-replication's progress with an
 * estimate of the time left ({@code GET /api/v1/history}).
 *
 * <p>Every {@link #INTERVAL} it reads the master's own metrics (the families {@code /metrics}
 * serves, in process: no identity or network hop needed) and keeps a sample in a ring of {@link
 * #CAPACITY}: capacity and used bytes of the LIVE chunkservers, the cluster's read and written
 * bytes per second (from each chunkserver's pulse counters: the increase since the previous
 * sample, a counter that went down having restarted from 0 with its chunkserver), the
 * under-replicated count and the replication queue. Memory is bounded by the ring and by the
 * chunkservers the master knows.
 *
 * <p>The estimate: while a repair runs, every reading (each sample, and each request, at most one
 * scrape a second) adds a point (time, chunks under-replicated); the rate is the fall from the
 * latest peak to now, and the time left is what remains at that rate. No estimate until the count
 * has fallen over at least a second.
 *
 * <p>Thread-safe: the sampler's thread and HTTP threads share it under its lock.
 */
public final class HistorySampler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HistorySampler.class);
  /** How often a sample is taken. */
  public static final Duration INTERVAL = Duration.ofSeconds(10);
  /** How many samples are kept: an hour at {@link #INTERVAL}. */
  public static final int CAPACITY = 360;
  /** Progress points of the repair under way kept for its estimate (the oldest go first). */
  static final int PROGRESS_POINTS = 720;
  /** A request reuses a reading this young rather than scrape again. */
  static final long FRESH_MILLIS = 1000;

  /** One point of the charts. {@code read}/{@code written} are null for the first sample. */
  record Sample(long timeMillis, long capacityBytes, long usedBytes, Double readBytesPerSecond,
      Double writtenBytesPerSecond, long underReplicated, long replicationQueue) {}

  /** A chunkserver's throughput between the last two samples. */
  record Rates(double readBytesPerSecond, double writtenBytesPerSecond) {}

  /** A point of the repair's progress. */
  private record Progress(long timeMillis, long remaining) {}

  private final Supplier<MetricSnapshots> metrics;
  private final Clock clock;
  private final Duration interval;
  private final int capacity;
  private final ArrayDeque<Sample> samples = new ArrayDeque<>();
  private final Map<String, Rates> nodeRates = new TreeMap<>();
  private final ArrayDeque<Progress> progress = new ArrayDeque<>();
  /** The reading of the last sample: the base of the next sample's rates. */
  private ClusterReading sampled;
  /** The latest reading, of a sample or a request. */
  private ClusterReading latest;
  private ScheduledExecutorService timer;

  /**
   * @param metrics reads the master's metrics (its registry's {@code scrape})
   * @param interval time between samples
   * @param capacity samples kept
   * @throws IllegalArgumentException if {@code interval} is not positive or {@code capacity} < 2
   */
  public HistorySampler(Supplier<MetricSnapshots> metrics, Clock clock, Duration interval,
      int capacity) {
    if (interval.isNegative() || interval.isZero() || capacity < 2) {
      throw new IllegalArgumentException("history: interval " + interval + " and capacity "
          + capacity + " must be positive and at least 2");
    }
    this.metrics = metrics;
    this.clock = clock;
    this.interval = interval;
    this.capacity = capacity;
  }

  /** A sampler of {@link #CAPACITY} samples every {@link #INTERVAL}. */
  public HistorySampler(Supplier<MetricSnapshots> metrics) {
    this(metrics, Clock.systemUTC(), INTERVAL, CAPACITY);
  }

  /** Samples now and every interval after, on a daemon thread of its own, until closed. */
  public synchronized void start() {
    if (timer != null) {
      return;
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "history-sampler");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(() -> {
      try {
        sample();
      } catch (RuntimeException e) {
        // The master may be stopping, or a collector failed once: the next tick tries again.
        log.warn("history: sampling the master's metrics failed: {}", e.toString());
      }
    }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Takes one sample now. */
  synchronized void sample() {
    ClusterReading r = read();
    Double read = null;
    Double written = null;
    if (sampled != null && r.timeMillis() > sampled.timeMillis()) {
      double seconds = (r.timeMillis() - sampled.timeMillis()) / 1000.0;
      double readSum = 0;
      double writtenSum = 0;
      nodeRates.clear();
      for (Map.Entry<String, ClusterReading.NodeCounters> e : r.nodes().entrySet()) {
        ClusterReading.NodeCounters before = sampled.nodes().get(e.getKey());
        if (before == null) {
          continue; // a node new since the last sample: no base to measure from yet
        }
        ClusterReading.NodeCounters now = e.getValue();
        Rates rates = new Rates(increase(before.readBytes(), now.readBytes()) / seconds,
            increase(before.writtenBytes(), now.writtenBytes()) / seconds);
        nodeRates.put(e.getKey(), rates);
        readSum += rates.readBytesPerSecond();
        writtenSum += rates.writtenBytesPerSecond();
      }
      read = readSum;
      written = writtenSum;
    }
    sampled = r;
    samples.addLast(new Sample(r.timeMillis(), r.capacityBytes(), r.usedBytes(), read, written,
        r.underReplicated(), r.replicationQueue()));
    while (samples.size() > capacity) {
      samples.removeFirst();
    }
  }

  /** How much a counter grew; one that went down restarted from 0 (its chunkserver did). */
  private static long increase(long before, long now) {
    return now >= before ? now - before : now;
  }

  /** Scrapes the master's metrics; notes the repair's progress. */
  private ClusterReading read() {
    ClusterReading r = ClusterReading.of(metrics.get(), clock.millis());
    latest = r;
    if (!r.repairRunning()) {
      progress.clear();
    } else if (progress.isEmpty() || r.timeMillis() > progress.peekLast().timeMillis()) {
      progress.addLast(new Progress(r.timeMillis(), r.underReplicated()));
      while (progress.size() > PROGRESS_POINTS) {
        progress.removeFirst();
      }
    }
    return r;
  }

  /**
   * Seconds until the repair is done at the rate the under-replicated count has fallen since its
   * latest peak; 0 when nothing remains; null until it has fallen over at least a second.
   */
  private static Double etaSeconds(Deque<Progress> points) {
    if (points.isEmpty()) {
      return null;
    }
    Progress last = points.peekLast();
    if (last.remaining() == 0) {
      return 0.0;
    }
    Progress peak = null;
    for (Progress p : points) {
      if (peak == null || p.remaining() >= peak.remaining()) {
        peak = p;
      }
    }
    double seconds = (last.timeMillis() - peak.timeMillis()) / 1000.0;
    if (seconds < 1 || peak.remaining() <= last.remaining()) {
      return null;
    }
    double perSecond = (peak.remaining() - last.remaining()) / seconds;
    return last.remaining() / perSecond;
  }

  /**
   * The history as the JSON object of {@code GET /api/v1/history}: {@code intervalSeconds};
   * {@code samples}, one array per series, oldest first ({@code time} in epoch seconds, {@code
   * capacityBytes}, {@code usedBytes}, {@code readBytesPerSecond}, {@code writtenBytesPerSecond}
   * (null in the first), {@code underReplicated}, {@code replicationQueue}); {@code nodes}, each
   * chunkserver's {@code id}, {@code readBytesPerSecond} and {@code writtenBytesPerSecond} between
   * the last two samples; and {@code repair} ({@code running}, {@code runningSeconds} or null,
   * {@code lastSeconds} of the last finished repair or null, {@code underReplicated}, {@code
   * replicationQueue}, {@code replicationsInFlight}, {@code etaSeconds} or null). The repair part
   * is read now (or at most {@link #FRESH_MILLIS} ago).
   */
  public synchronized Map<String, Object> snapshot() {
    ClusterReading now = latest != null && clock.millis() - latest.timeMillis() < FRESH_MILLIS
        ? latest : read();
    int n = samples.size();
    List<Double> time = new ArrayList<>(n);
    List<Long> capacityBytes = new ArrayList<>(n);
    List<Long> usedBytes = new ArrayList<>(n);
    List<Double> read = new ArrayList<>(n);
    List<Double> written = new ArrayList<>(n);
    List<Long> under = new ArrayList<>(n);
    List<Long> queue = new ArrayList<>(n);
    for (Sample s : samples) {
      time.add(s.timeMillis() / 1000.0);
      capacityBytes.add(s.capacityBytes());
      usedBytes.add(s.usedBytes());
      read.add(s.readBytesPerSecond());
      written.add(s.writtenBytesPerSecond());
      under.add(s.underReplicated());
      queue.add(s.replicationQueue());
    }
    Map<String, Object> series = new LinkedHashMap<>();
    series.put("time", time);
    series.put("capacityBytes", capacityBytes);
    series.put("usedBytes", usedBytes);
    series.put("readBytesPerSecond", read);
    series.put("writtenBytesPerSecond", written);
    series.put("underReplicated", under);
    series.put("replicationQueue", queue);
    List<Map<String, Object>> nodes = new ArrayList<>();
    nodeRates.forEach((id, r) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", id);
      m.put("readBytesPerSecond", r.readBytesPerSecond());
      m.put("writtenBytesPerSecond", r.writtenBytesPerSecond());
      nodes.add(m);
    });
    Map<String, Object> repair = new LinkedHashMap<>();
    repair.put("running", now.repairRunning());
    repair.put("runningSeconds", now.repairRunning() ? now.repairRunningSeconds() : null);
    repair.put("lastSeconds", Double.isNaN(now.repairLastSeconds()) ? null
        : now.repairLastSeconds());
    repair.put("underReplicated", now.underReplicated());
    repair.put("replicationQueue", now.replicationQueue());
    repair.put("replicationsInFlight", now.replicationsInFlight());
    repair.put("etaSeconds", now.repairRunning() ? etaSeconds(progress) : null);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("intervalSeconds", interval.toMillis() / 1000.0);
    out.put("samples", series);
    out.put("nodes", nodes);
    out.put("repair", repair);
    return out;
  }

  /** Stops sampling. */
  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
  }
}
