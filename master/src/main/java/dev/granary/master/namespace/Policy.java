package dev.granary.master.namespace;

import dev.granary.wire.PolicyKeys;
import dev.granary.wire.Status;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A directory's own policy: settings that new files (and removals) under it take from the nearest
 * directory that sets them. Each setting is unset on a directory unless given: {@code replication}
 * 0, {@code keepVersions}, {@code trashMillis}, {@code compress} and {@code encrypt} -1. A value of
 * 0 for any but {@code replication} is a setting ("keep none", "no trash here", "no compression",
 * "encryption not required"), which overrides an ancestor's.
 *
 * @param compress a {@link dev.granary.wire.Compression} id, or -1
 * @param encrypt 1 if new files must be encrypted, 0 if not, -1 unset
 */
public record Policy(int replication, int keepVersions, long trashMillis, int compress,
    int encrypt) {
  public static final String REPLICATION = PolicyKeys.REPLICATION;
  public static final String KEEP_VERSIONS = PolicyKeys.KEEP_VERSIONS;
  public static final String TRASH = PolicyKeys.TRASH;
  public static final String COMPRESS = PolicyKeys.COMPRESS;
  public static final String ENCRYPT = PolicyKeys.ENCRYPT;
  /** Nothing set. */
  public static final Policy NONE = new Policy(0, -1, -1, -1, -1);

  /** A policy without compression or encryption settings. */
  public Policy(int replication, int keepVersions, long trashMillis) {
    this(replication, keepVersions, trashMillis, -1, -1);
  }

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
      case REPLICATION -> new Policy(clear ? 0 : (int) v, keepVersions, trashMillis, compress,
          encrypt);
      case KEEP_VERSIONS -> new Policy(replication, (int) v, trashMillis, compress, encrypt);
      case TRASH -> new Policy(replication, keepVersions, v, compress, encrypt);
      case COMPRESS -> new Policy(replication, keepVersions, trashMillis, (int) v, encrypt);
      case ENCRYPT -> new Policy(replication, keepVersions, trashMillis, compress, (int) v);
      default -> throw new IllegalStateException("policy key " + key + " passed the check");
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
    if (compress >= 0) {
      out.put(COMPRESS, Integer.toString(compress));
    }
    if (encrypt >= 0) {
      out.put(ENCRYPT, Integer.toString(encrypt));
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
