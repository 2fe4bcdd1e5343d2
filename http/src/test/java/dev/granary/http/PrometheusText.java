package dev.granary.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format, version 0.0.4, for tests: no
 * maintained Java parser of the text format exists (the Prometheus Java client writes it but does
 * not read it). It refuses what Prometheus would refuse and more: a sample before its family's
 * {@code # TYPE}, a family split in two, a repeated series, a bad name, label or escape, an
 * unknown type, a histogram whose buckets are not cumulative or lack {@code +Inf} or whose count
 * differs from its {@code +Inf} bucket, a negative counter, a missing final newline.
 */
public final class PrometheusText {
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "histogram", "summary", "untyped");

  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** One metric family: its {@code # TYPE} and {@code # HELP} and its samples, in order. */
  public record Family(String name, String type, String help, List<Sample> samples) {}

  private final Map<String, Family> families;

  private PrometheusText(Map<String, Family> families) {
    this.families = families;
  }

  /**
   * Parses a whole exposition.
   *
   * @throws IllegalArgumentException naming the line and what is wrong with it
   */
  public static PrometheusText parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition does not end with a newline");
    }
    Map<String, Family> families = new LinkedHashMap<>();
    Map<String, String> helps = new TreeMap<>();
    Set<String> closed = new HashSet<>();
    Set<String> series = new HashSet<>();
    String open = null;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i];
      int no = i + 1;
      if (line.isEmpty()) {
        throw bad(no, line, "empty line");
      }
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        if (parts.length >= 3 && parts[0].equals("#") && parts[1].equals("HELP")) {
          String name = name(no, line, parts[2]);
          if (helps.put(name, parts.length == 4 ? unescapeHelp(no, line, parts[3]) : "") != null) {
            throw bad(no, line, "a second HELP for " + name);
          }
        } else if (parts.length >= 3 && parts[0].equals("#") && parts[1].equals("TYPE")) {
          String name = name(no, line, parts[2]);
          if (parts.length != 4 || !TYPES.contains(parts[3])) {
            throw bad(no, line, "expected # TYPE name counter|gauge|histogram|summary|untyped");
          }
          if (families.containsKey(name)) {
            throw bad(no, line, "a second TYPE for " + name);
          }
          if (open != null) {
            closed.add(open);
          }
          open = name;
          families.put(name, new Family(name, parts[3], null, new ArrayList<>()));
        }
        continue; // any other comment
      }
      Sample s = sample(no, line);
      String family = familyOf(s.name(), families);
      if (family == null) {
        throw bad(no, line, "a sample of " + s.name() + " without its # TYPE first");
      }
      if (!family.equals(open) || closed.contains(family)) {
        throw bad(no, line, "the samples of " + family + " are not together");
      }
      String key = s.name() + s.labels();
      if (!series.add(key)) {
        throw bad(no, line, "a second sample of the series " + key);
      }
      families.get(family).samples().add(s);
    }
    Map<String, Family> out = new LinkedHashMap<>();
    for (Family f : families.values()) {
      Family withHelp = new Family(f.name(), f.type(), helps.get(f.name()),
          Collections.unmodifiableList(f.samples()));
      check(withHelp);
      out.put(f.name(), withHelp);
    }
    for (String h : helps.keySet()) {
      if (!families.containsKey(h)) {
        throw new IllegalArgumentException("HELP for " + h + ", which has no TYPE");
      }
    }
    return new PrometheusText(out);
  }

  private static String familyOf(String sample, Map<String, Family> families) {
    Family f = families.get(sample);
    if (f != null) {
      return f.name();
    }
    for (String suffix : List.of("_bucket", "_count", "_sum")) {
      if (sample.endsWith(suffix)) {
        String base = sample.substring(0, sample.length() - suffix.length());
        Family b = families.get(base);
        if (b != null && (b.type().equals("histogram") || b.type().equals("summary"))
            && !(suffix.equals("_bucket") && b.type().equals("summary"))) {
          return base;
        }
      }
    }
    return null;
  }

  private static void check(Family f) {
    switch (f.type()) {
      case "counter", "gauge", "untyped" -> {
        for (Sample s : f.samples()) {
          if (!s.name().equals(f.name())) {
            throw new IllegalArgumentException(f.name() + ": sample " + s.name()
                + " is not of this " + f.type());
          }
          if (f.type().equals("counter") && !(s.value() >= 0)) {
            throw new IllegalArgumentException(f.name() + ": counter " + s + " is not >= 0");
          }
        }
      }
      case "histogram" -> checkHistogram(f);
      default -> { }
    }
  }

  private static void checkHistogram(Family f) {
    Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
    Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
    for (Sample s : f.samples()) {
      if (s.name().equals(f.name() + "_bucket")) {
        Map<String, String> rest = new TreeMap<>(s.labels());
        if (rest.remove("le") == null) {
          throw new IllegalArgumentException(f.name() + ": bucket without le: " + s);
        }
        buckets.computeIfAbsent(rest, k -> new ArrayList<>()).add(s);
      } else if (s.name().equals(f.name() + "_count")) {
        counts.put(new TreeMap<>(s.labels()), s.value());
      }
    }
    for (var e : buckets.entrySet()) {
      double lastLe = Double.NEGATIVE_INFINITY;
      double lastCount = 0;
      for (Sample b : e.getValue()) {
        double le = parseValue(b.labels().get("le"));
        if (!(le > lastLe) || b.value() < lastCount) {
          throw new IllegalArgumentException(f.name() + ": buckets not cumulative at " + b);
        }
        lastLe = le;
        lastCount = b.value();
      }
      if (lastLe != Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException(f.name() + ": no +Inf bucket for " + e.getKey());
      }
      Double count = counts.get(e.getKey());
      if (count == null || count != lastCount) {
        throw new IllegalArgumentException(f.name() + ": _count " + count
            + " is not the +Inf bucket's " + lastCount + " for " + e.getKey());
      }
    }
  }

  private static String name(int no, String line, String name) {
    if (!METRIC_NAME.matcher(name).matches()) {
      throw bad(no, line, "invalid metric name '" + name + "'");
    }
    return name;
  }

  private static Sample sample(int no, String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = name(no, line, line.substring(0, i));
    Map<String, String> labels = new TreeMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        if (eq < 0) {
          throw bad(no, line, "label without =");
        }
        String label = line.substring(i, eq);
        if (!LABEL_NAME.matcher(label).matches()) {
          throw bad(no, line, "invalid label name '" + label + "'");
        }
        if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
          throw bad(no, line, "label value not quoted");
        }
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        for (; j < line.length() && line.charAt(j) != '"'; j++) {
          char c = line.charAt(j);
          if (c == '\\') {
            char n = j + 1 < line.length() ? line.charAt(++j) : 0;
            switch (n) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw bad(no, line, "invalid escape in a label value");
            }
          } else {
            value.append(c);
          }
        }
        if (j >= line.length()) {
          throw bad(no, line, "unterminated label value");
        }
        if (labels.put(label, value.toString()) != null) {
          throw bad(no, line, "label " + label + " twice");
        }
        i = j + 1;
        if (i < line.length() && line.charAt(i) == ',') {
          i++;
        } else if (i >= line.length() || line.charAt(i) != '}') {
          throw bad(no, line, "expected , or } after a label");
        }
      }
      i++;
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw bad(no, line, "expected a space before the value");
    }
    String[] rest = line.substring(i + 1).split(" ", -1);
    if (rest.length > 2 || rest[0].isEmpty()) {
      throw bad(no, line, "expected a value and an optional timestamp");
    }
    double value;
    try {
      value = parseValue(rest[0]);
      if (rest.length == 2) {
        Long.parseLong(rest[1]);
      }
    } catch (NumberFormatException e) {
      throw bad(no, line, "invalid number: " + e.getMessage());
    }
    return new Sample(name, Collections.unmodifiableMap(labels), value);
  }

  private static double parseValue(String s) {
    return switch (s) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> {
        if (!s.matches("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
          throw new NumberFormatException("'" + s + "'");
        }
        yield Double.parseDouble(s);
      }
    };
  }

  private static String unescapeHelp(int no, String line, String help) {
    StringBuilder out = new StringBuilder();
    for (int j = 0; j < help.length(); j++) {
      char c = help.charAt(j);
      if (c == '\\') {
        char n = j + 1 < help.length() ? help.charAt(++j) : 0;
        switch (n) {
          case '\\' -> out.append('\\');
          case 'n' -> out.append('\n');
          default -> throw bad(no, line, "invalid escape in HELP");
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static IllegalArgumentException bad(int no, String line, String why) {
    return new IllegalArgumentException("line " + no + " '" + line + "': " + why);
  }

  /** Every family by name, in exposition order. */
  public Map<String, Family> families() {
    return families;
  }

  /** The family called {@code name}, if exposed. */
  public Optional<Family> family(String name) {
    return Optional.ofNullable(families.get(name));
  }

  /** Every sample called {@code name} (of whichever family). */
  public List<Sample> samples(String name) {
    List<Sample> out = new ArrayList<>();
    for (Family f : families.values()) {
      for (Sample s : f.samples()) {
        if (s.name().equals(name)) {
          out.add(s);
        }
      }
    }
    return out;
  }

  /**
   * The value of the one sample called {@code name} whose labels include {@code labels} (name,
   * value, name, value, ...).
   *
   * @throws IllegalArgumentException if there is none or more than one
   */
  public double value(String name, String... labels) {
    List<Sample> found = new ArrayList<>();
    for (Sample s : samples(name)) {
      boolean match = true;
      for (int i = 0; i + 1 < labels.length; i += 2) {
        match &= labels[i + 1].equals(s.labels().get(labels[i]));
      }
      if (match) {
        found.add(s);
      }
    }
    if (found.size() != 1) {
      throw new IllegalArgumentException(found.size() + " samples of " + name + " with "
          + List.of(labels) + ": " + found);
    }
    return found.get(0).value();
  }
}
