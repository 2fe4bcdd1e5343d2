package dev.granary.master.namespace;

import dev.granary.wire.Status;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A directory's own policy: settings that new files (and removals) under it take from the nearest
 * directory that sets them. Each setting is unset on a directory unless given: {@code replication}
 * 0, {@code keepVersions} and {@code trashMillis} -1. A value of 0 for {@code keepVersions} or
 * {@code trashMillis} is a setting ("keep none", "no trash here"), which overrides an ancestor's.
 */
public record Policy(int replication, int keepVersions, long trashMillis) {
  public static final String REPLICATION = "replication";
  public static final String KEEP_VERSIONS = "keepVersions";
  public static final String TRASH = "trash";
  /** Nothing set. */
  public static final Policy NONE = new Policy(0, -1, -1);
  /** The most versions a file may keep (each holds all of its chunks). */
  public static final int MAX_KEEP_VERSIONS = 1000;
  /** The longest trash time: ten years. */
  public static final long MAX_TRASH_MILLIS = 10L * 366 * 24 * 3600 * 1000;

  public boolean isEmpty() {
    return equals(NONE);
  }

  /**
   * This policy with {@code key} set to {@code value} ("" clears it).
   *
   * @throws MetadataException INVALID_ARGUMENT for an unknown key or a value out of range
   */
  public Policy with(String key, String value) {
    boolean clear = value.isEmpty();
    switch (key) {
      case REPLICATION:
        return new Policy(clear ? 0 : (int) parse(key, value, 1, 255), keepVersions, trashMillis);
      case KEEP_VERSIONS:
        return new Policy(replication, clear ? -1 : (int) parse(key, value, 0, MAX_KEEP_VERSIONS),
            trashMillis);
      case TRASH:
        return new Policy(replication, keepVersions,
            clear ? -1 : parse(key, value, 0, MAX_TRASH_MILLIS));
      default:
        throw new MetadataException(Status.INVALID_ARGUMENT, "unknown policy setting '" + key
            + "' (known: " + REPLICATION + ", " + KEEP_VERSIONS + ", " + TRASH + ")");
    }
  }

  private static long parse(String key, String value, long min, long max) {
    long v;
    try {
      v = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new MetadataException(Status.INVALID_ARGUMENT, "policy " + key + " '" + value
          + "' is not a number");
    }
    if (v < min || v > max) {
      throw new MetadataException(Status.INVALID_ARGUMENT, "policy " + key + " " + v
          + " is outside " + min + ".." + max);
    }
    return v;
  }

  /** The settings this policy makes, as key -> value (the journal's and checkpoint's form). */
  public Map<String, String> settings() {
    Map<String, String> out = new LinkedHashMap<>();
    if (replication > 0) {
      out.put(REPLICATION, Integer.toString(replication));
    }
    if (keepVersions >= 0) {
      out.put(KEEP_VERSIONS, Integer.toString(keepVersions));
    }
    if (trashMillis >= 0) {
      out.put(TRASH, Long.toString(trashMillis));
    }
    return out;
  }

  /** The policy made of {@code settings}. */
  public static Policy of(Map<String, String> settings) {
    Policy p = NONE;
    for (Map.Entry<String, String> e : settings.entrySet()) {
      p = p.with(e.getKey(), e.getValue());
    }
    return p;
  }

  /** One effective setting and the directory it comes from. */
  public record Setting(String key, String value, String from) {}
}
