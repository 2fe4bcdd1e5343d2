package dev.granary.master.namespace;

import dev.granary.wire.PolicyKeys;
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
  public static final String REPLICATION = PolicyKeys.REPLICATION;
  public static final String KEEP_VERSIONS = PolicyKeys.KEEP_VERSIONS;
  public static final String TRASH = PolicyKeys.TRASH;
  /** Nothing set. */
  public static final Policy NONE = new Policy(0, -1, -1);

  public boolean isEmpty() {
    return equals(NONE);
  }

  /**
   * This policy with {@code key} set to {@code value} ("" clears it), by {@link PolicyKeys}' rules.
   *
   * @throws MetadataException INVALID_ARGUMENT for an unknown key or a value out of range
   */
  public Policy with(String key, String value) {
    String problem = PolicyKeys.problem(key, value);
    if (problem != null) {
      throw new MetadataException(Status.INVALID_ARGUMENT, problem);
    }
    boolean clear = value.equals(PolicyKeys.CLEAR);
    long v = clear ? -1 : PolicyKeys.value(key, value);
    return switch (key) {
      case REPLICATION -> new Policy(clear ? 0 : (int) v, keepVersions, trashMillis);
      case KEEP_VERSIONS -> new Policy(replication, (int) v, trashMillis);
      default -> new Policy(replication, keepVersions, v);
    };
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
