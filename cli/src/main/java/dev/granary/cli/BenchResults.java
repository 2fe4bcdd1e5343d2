package dev.granary.cli;

import dev.granary.client.CacheStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the bench measured: per workload, in the order first recorded, the value of each run, its
 * own parameters and note, and the JSON line it prints (the HDFS peer harness's shape, so the two
 * join on {@code (workload, unit)}). Only the thread that times a workload records into it.
 */
final class BenchResults {
  private static final String CONCURRENT = "conc_";

  private static final class Series {
    final List<Double> values = new ArrayList<>();
    final Map<String, Object> params = new LinkedHashMap<>();
    /** Fields of the workload's own, printed at the line's top level after max. */
    final Map<String, Object> fields = new LinkedHashMap<>();
    String note;
    /** The block cache's counters of the client that ran a read workload. */
    CacheStats cache;
  }

  private final Map<String, Series> series = new LinkedHashMap<>();
  /** Fields every line carries at its top level, after the figures (e.g. compression). */
  private final Map<String, Object> everyLine = new LinkedHashMap<>();

  void record(String workload, double value) {
    series(workload).values.add(value);
  }

  /** A parameter printed on this workload's line only, after the bench-wide ones. */
  void param(String workload, String key, Object value) {
    series(workload).params.put(key, value);
  }

  /** A field of this workload's own at its line's top level (e.g. delta_update's bytesSent). */
  void put(String workload, String key, Object value) {
    series(workload).fields.put(key, value);
  }

  /** A field every workload's line carries at its top level, e.g. how its files were written. */
  void everyLine(String key, Object value) {
    everyLine.put(key, value);
  }

  /** The median of the runs recorded so far for {@code workload}. */
  double median(String workload) {
    double[] sorted = series(workload).values.stream().mapToDouble(Double::doubleValue).sorted()
        .toArray();
    return median(sorted);
  }

  /** What a run of this workload does, in words (the peer harness's {@code note}). */
  void note(String workload, String note) {
    series(workload).note = note;
  }

  void cache(String workload, CacheStats stats) {
    series(workload).cache = stats;
  }

  private Series series(String workload) {
    return series.computeIfAbsent(workload, k -> new Series());
  }

  /** One JSON object per workload with values, {@code common} parameters first in its params. */
  List<Map<String, Object>> lines(Map<String, Object> common) {
    List<Map<String, Object>> lines = new ArrayList<>();
    for (Map.Entry<String, Series> e : series.entrySet()) {
      if (!e.getValue().values.isEmpty()) {
        lines.add(line(e.getKey(), e.getValue(), everyLine, common));
      }
    }
    return lines;
  }

  private static Map<String, Object> line(String workload, Series s,
      Map<String, Object> everyLine, Map<String, Object> common) {
    double[] v = s.values.stream().mapToDouble(Double::doubleValue).toArray();
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("system", "granary");
    m.put("workload", workload);
    m.put("unit", unit(workload));
    m.put("better", unit(workload).equals("ms") ? "lower" : "higher");
    m.put("runs", v.length);
    m.put("min", round(sorted[0]));
    m.put("median", round(median(sorted)));
    m.put("max", round(sorted[sorted.length - 1]));
    m.put("values", Arrays.stream(v).map(BenchResults::round).toArray());
    m.putAll(everyLine);
    m.putAll(s.fields);
    Map<String, Object> params = new LinkedHashMap<>(common);
    params.putAll(s.params);
    m.put("params", params);
    if (s.note != null) {
      m.put("note", s.note);
    }
    if (s.cache != null) {
      // Counters of the client's block cache after this workload (cumulative for that client).
      Map<String, Object> cs = new LinkedHashMap<>();
      cs.put("hits", s.cache.hits());
      cs.put("misses", s.cache.misses());
      cs.put("hitRate", round(s.cache.hitRate()));
      cs.put("bytesCached", s.cache.bytesCached());
      m.put("cache", cs);
    }
    return m;
  }

  static double mibPerSecond(long bytes, long nanos) {
    return bytes / (1024.0 * 1024.0) / (nanos / 1e9);
  }

  static double perSecond(long count, long nanos) {
    return count / (nanos / 1e9);
  }

  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double round(double d) {
    return Math.round(d * 100) / 100.0;
  }

  /** A concurrent workload has the unit of the workload it spreads over threads. */
  static String unit(String workload) {
    String base = workload.startsWith(CONCURRENT) ? workload.substring(CONCURRENT.length())
        : workload;
    if (base.startsWith("seq_") || base.equals("delta_update")) {
      return "MiB/s";
    }
    if (base.startsWith("small_")) {
      return "files/s";
    }
    if (base.equals("list_dir") || base.equals("snapshot_create")) {
      return "ms";
    }
    return "ops/s";
  }
}
