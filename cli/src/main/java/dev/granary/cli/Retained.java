package dev.granary.cli;

import dev.granary.client.Compression;
import dev.granary.client.DirectoryPolicy;
import dev.granary.client.FileVersion;
import dev.granary.client.SnapshotInfo;
import dev.granary.client.TrashEntry;
import dev.granary.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the commands about kept data (policy, versions, snapshot, trash, rm) show it: the JSON
 * shapes the README documents, and times and durations for people.
 */
final class Retained {
  private Retained() {}

  /** An epoch-millisecond time as UTC to the second, e.g. {@code 2024-05-01T10:00:00Z}. */
  static String time(long millis) {
    return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** A trash duration as config writes it ({@code 7d}, {@code 90m}). */
  static String duration(long millis) {
    return Durations.format(Duration.ofMillis(millis));
  }

  /**
   * {@code {"path","replication","keepVersions","trash","trashMillis","compress","encrypt",
   * "from":{key:dir}}}: null replication = the cluster's default, keepVersions 0 and trash null =
   * none set, compress {@code "lz4"|"zstd"|"none"} or null = none set, encrypt true, false or
   * null = none set, and {@code from} names the directory that sets each key that is set.
   */
  static Map<String, Object> policyJson(DirectoryPolicy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", p.path());
    m.put("replication", p.replication().isPresent() ? p.replication().getAsInt() : null);
    m.put("keepVersions", p.keepVersions().orElse(0));
    long trash = p.trash().map(Duration::toMillis).orElse(0L);
    m.put("trash", p.trash().isPresent() ? duration(trash) : null);
    m.put("trashMillis", trash);
    m.put("compress", p.compression().map(Compression::label).orElse(null));
    m.put("encrypt", p.encrypt().orElse(null));
    Map<String, Object> from = new LinkedHashMap<>();
    for (DirectoryPolicy.Setting s : p.settings()) {
      from.put(s.key(), s.from());
    }
    m.put("from", from);
    return m;
  }

  /** The policy as lines: each key, its effective value, and where it comes from. */
  static String policyText(DirectoryPolicy p) {
    StringBuilder sb = new StringBuilder(p.path()).append('\n');
    for (String key : DirectoryPolicy.KEYS) {
      var s = p.setting(key);
      String value = s.isEmpty() ? unsetText(key) : valueText(p, key, s.get().value());
      String from = s.isEmpty() ? "not set" : s.get().from().equals(p.path()) ? "set here"
          : "from " + s.get().from();
      sb.append(String.format("  %-13s %-16s (%s)%n", key, value, from));
    }
    return sb.toString();
  }

  private static String unsetText(String key) {
    return switch (key) {
      case DirectoryPolicy.REPLICATION -> "cluster default";
      case DirectoryPolicy.ENCRYPT -> "no";
      default -> "none";
    };
  }

  private static String valueText(DirectoryPolicy p, String key, String value) {
    return switch (key) {
      case DirectoryPolicy.TRASH -> trashText(Long.parseLong(value));
      case DirectoryPolicy.COMPRESS -> p.compression().orElseThrow().label();
      case DirectoryPolicy.ENCRYPT -> p.encrypt().orElseThrow() ? "yes" : "no";
      default -> value;
    };
  }

  private static String trashText(long millis) {
    return millis == 0 ? "0 (no trash)" : duration(millis);
  }

  /** {@code [{"version","size","modified","current"}]}, newest first. */
  static List<Map<String, Object>> versionsJson(List<FileVersion> versions) {
    return versions.stream().map(v -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("version", v.version());
      m.put("size", v.size());
      m.put("modified", v.modifiedMillis());
      m.put("current", v == versions.get(0));
      return m;
    }).toList();
  }

  static String versionsText(List<FileVersion> versions) {
    StringBuilder sb = new StringBuilder(String.format("%8s  %14s  %-20s%n", "VERSION", "SIZE",
        "MODIFIED (UTC)"));
    for (FileVersion v : versions) {
      sb.append(String.format("%8d  %14d  %-20s%s%n", v.version(), v.size(),
          time(v.modifiedMillis()), v == versions.get(0) ? "  current" : ""));
    }
    return sb.toString();
  }

  /** {@code [{"name","path","created"}]}, oldest first. */
  static List<Map<String, Object>> snapshotsJson(List<SnapshotInfo> snapshots) {
    return snapshots.stream().map(s -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", s.name());
      m.put("path", s.path());
      m.put("created", s.createdMillis());
      return m;
    }).toList();
  }

  /** {@code [{"path","type":"file"|"dir","size","files","deleted","expires"}]}. */
  static List<Map<String, Object>> trashJson(List<TrashEntry> entries) {
    return entries.stream().map(e -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("path", e.path());
      m.put("type", e.directory() ? "dir" : "file");
      m.put("size", e.size());
      m.put("files", e.files());
      m.put("deleted", e.deletedMillis());
      m.put("expires", e.expiresMillis());
      return m;
    }).toList();
  }

  static String trashText(List<TrashEntry> entries) {
    if (entries.isEmpty()) {
      return "your trash is empty\n";
    }
    StringBuilder sb = new StringBuilder(String.format("%-4s  %12s  %-20s  %-20s  %s%n", "TYPE",
        "SIZE", "DELETED (UTC)", "EXPIRES (UTC)", "PATH"));
    for (TrashEntry e : entries) {
      sb.append(String.format("%-4s  %12s  %-20s  %-20s  %s%n", e.directory() ? "dir" : "file",
          Human.bytes(e.size()), time(e.deletedMillis()), time(e.expiresMillis()), e.path()));
    }
    return sb.toString();
  }

  /** What one trash entry is, for a line: {@code /d (3 files, 1.0 MiB)}. */
  static String describe(TrashEntry e) {
    return e.path() + (e.directory() ? " (" + e.files() + " file" + (e.files() == 1 ? "" : "s")
        + ", " + Human.bytes(e.size()) + ")" : " (" + Human.bytes(e.size()) + ")");
  }
}
